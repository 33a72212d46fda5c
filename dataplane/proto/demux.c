/* Names of the RFC 7983 classes; the classifier itself is inline in demux.h. */
#include "demux.h"

const char *
demux_class_name(enum demux_class c)
{
	switch (c) {
	case DEMUX_STUN:
		return "stun";
	case DEMUX_DTLS:
		return "dtls";
	case DEMUX_RTP:
		return "rtp";
	case DEMUX_RTCP:
		return "rtcp";
	case DEMUX_UNKNOWN:
		return "unknown";
	case DEMUX_TRUNCATED:
		return "truncated";
	}
	return "?";
}
