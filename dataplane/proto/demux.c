/* RFC 7983 §7 first-byte demultiplexing, RFC 5761 §4 RTP/RTCP split. */
#include "demux.h"

enum demux_class
demux_classify(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return DEMUX_TRUNCATED;
	uint8_t b = buf[0];

	if (b <= 3)
		return len >= DEMUX_STUN_MIN ? DEMUX_STUN : DEMUX_TRUNCATED;
	if (b >= 20 && b <= 63)
		return len >= DEMUX_DTLS_MIN ? DEMUX_DTLS : DEMUX_TRUNCATED;
	if (b >= 128 && b <= 191) {
		if (len < 2)
			return DEMUX_TRUNCATED;
		/* RFC 5761 §4: RTCP packet types 192..223 are PT 64..95 with M set. */
		uint8_t pt = buf[1] & 0x7f;
		if (pt >= 64 && pt <= 95)
			return len >= DEMUX_RTCP_MIN ? DEMUX_RTCP : DEMUX_TRUNCATED;
		return len >= DEMUX_RTP_MIN ? DEMUX_RTP : DEMUX_TRUNCATED;
	}
	return DEMUX_UNKNOWN;
}

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
