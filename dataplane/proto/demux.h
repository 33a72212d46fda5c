/*
 * RFC 7983 (updating RFC 5764 §5.1.2) demultiplexing of one UDP port.
 *
 * Owns: the mapping from a datagram's first bytes to STUN, DTLS, RTP or
 * RTCP. Sans-IO: looks at bytes only. Deeper validation belongs to each
 * protocol's parser; this only rejects what is too short for the class.
 */
#ifndef RTC_DEMUX_H
#define RTC_DEMUX_H

#include <stddef.h>
#include <stdint.h>

enum demux_class {
	DEMUX_STUN,	/* first byte 0..3 */
	DEMUX_DTLS,	/* 20..63 */
	DEMUX_RTP,	/* 128..191, second byte's PT outside 64..95 */
	DEMUX_RTCP,	/* 128..191, packet type 192..223 (RFC 5761 §4) */
	DEMUX_UNKNOWN,	/* ZRTP (16..19), TURN channel (64..79), anything else */
	DEMUX_TRUNCATED /* right first byte, shorter than the class's header */
};

/* Minimal sizes: STUN header, DTLS record header, RTP header, RTCP header. */
#define DEMUX_STUN_MIN 20
#define DEMUX_DTLS_MIN 13
#define DEMUX_RTP_MIN 12
#define DEMUX_RTCP_MIN 8

/* RFC 7983 §7 first-byte demultiplexing, RFC 5761 §4 RTP/RTCP split; inline: per packet. */
static inline enum demux_class
demux_classify(const uint8_t *buf, size_t len)
{
	uint8_t b;

	if (len == 0)
		return DEMUX_TRUNCATED;
	b = buf[0];
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

const char *demux_class_name(enum demux_class c);

#endif
