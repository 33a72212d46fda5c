/*
 * RTP packets (RFC 3550 §5.1) and their header extensions (RFC 8285).
 * Sans-IO.
 *
 * Owns: the fixed header, the CSRC list, the padding rule (§5.1 P bit),
 * the extension block in its one-byte (0xBEDE) and two-byte (0x100X)
 * forms, and the few extension payloads the SFU reads or writes:
 * sdes:mid (RFC 9143, BUNDLE), abs-send-time (24-bit 6.18 fixed point
 * seconds), transport-wide-cc (16-bit sequence number) and ssrc-audio-level
 * (RFC 6464). Extension ids are negotiated per session (a=extmap), so the
 * parser only reports raw (id, offset, length) elements; the caller maps
 * ids to meanings and calls the decode helpers.
 *
 * A parsed packet is a set of offsets into the caller's buffer, nothing is
 * copied. A parse either succeeds whole or returns a negative RTP_E_* and
 * leaves the output zeroed. The in-place writers (rtp_hdr_set_*,
 * rtp_pkt_ext_*) take the mutable buffer of a packet that parsed.
 */
#ifndef RTC_RTP_H
#define RTC_RTP_H

#include <stddef.h>
#include <stdint.h>

#define RTP_VERSION 2
#define RTP_HDR_LEN 12
#define RTP_MAX_CSRC 15
#define RTP_EXT_HDR_LEN 4                /* defined-by-profile + length */
#define RTP_EXT_PROFILE_ONE_BYTE 0xbedeu /* RFC 8285 §4.2 */
#define RTP_EXT_PROFILE_TWO_BYTE 0x1000u /* RFC 8285 §4.3, low 4 bits: appbits */
#define RTP_EXT_ONE_BYTE_MAX_ID 14
#define RTP_EXT_ONE_BYTE_MAX_LEN 16
#define RTP_EXT_MAX 16 /* extension elements kept in struct rtp_pkt */

enum rtp_err {
	RTP_OK = 0,
	RTP_E_SHORT = -1,     /* shorter than the header, its CSRCs or its extension block */
	RTP_E_VERSION = -2,   /* version is not 2 */
	RTP_E_PADDING = -3,   /* P set with a zero count, or a count larger than the payload */
	RTP_E_EXT = -4,       /* an extension element runs past its block */
	RTP_E_NOT_FOUND = -5, /* no extension element with that id */
	RTP_E_INVAL = -6,     /* an argument out of range (id, length, value) */
	RTP_E_NOSPACE = -7,   /* builder: buffer too small */
};

/* What the extension block is. */
enum rtp_ext_form {
	RTP_EXT_NONE = 0,     /* X bit clear */
	RTP_EXT_ONE_BYTE = 1, /* profile 0xBEDE */
	RTP_EXT_TWO_BYTE = 2, /* profile 0x100X */
	RTP_EXT_OTHER = 3,    /* another profile: the block is kept, no elements */
};

/* One extension element: its data is buf[off .. off + len). */
struct rtp_ext {
	uint16_t off;
	uint8_t id;  /* 1..14 (one-byte form) or 1..255 (two-byte form) */
	uint8_t len; /* data bytes: 1..16 (one-byte form) or 0..255 (two-byte form) */
};

/* Flags of struct rtp_pkt. */
#define RTP_F_MARKER (1u << 0)
#define RTP_F_PADDING (1u << 1)
#define RTP_F_EXT (1u << 2)
/* More than RTP_EXT_MAX elements: the table holds the first ones, rtp_pkt_ext_find() walks on. */
#define RTP_F_EXT_MORE (1u << 3)
/* The walk stopped at a one-byte id 15 (RFC 8285 §4.2) or a one-byte id 0 with L != 0. */
#define RTP_F_EXT_STOPPED (1u << 4)

/* A parsed packet: views into the caller's buffer, valid while it is. */
struct rtp_pkt {
	const uint8_t *buf;
	uint16_t len; /* the whole datagram */
	uint8_t flags;
	uint8_t pt;
	uint16_t seq;
	uint8_t cc;
	uint8_t ext_form; /* enum rtp_ext_form */
	uint32_t ts;
	uint32_t ssrc;
	uint16_t ext_profile; /* defined-by-profile field when RTP_F_EXT */
	uint16_t ext_off;     /* offset of the extension data (after its 4-byte header) */
	uint16_t ext_len;     /* bytes of extension data (4 * the length field) */
	uint16_t payload_off;
	uint16_t payload_len; /* without padding */
	uint8_t pad_len;      /* padding bytes, the last one included; 0 when P is clear */
	uint8_t n_ext;        /* elements in ext[] */
	struct rtp_ext ext[RTP_EXT_MAX]; /* entries past n_ext are unspecified after a success */
};

/*
 * Parse @buf[0..len) as one RTP packet (RFC 3550 §5.1, RFC 8285 §4). The
 * datagram is the packet: padding is counted back from its last byte.
 */
int rtp_pkt_parse(struct rtp_pkt *p, const uint8_t *buf, size_t len);

/* CSRC @i (0 <= i < p->cc) of a parsed packet. */
uint32_t rtp_pkt_csrc(const struct rtp_pkt *p, unsigned i);

/* The first element with @id; RTP_OK and *e, or RTP_E_NOT_FOUND (e zeroed). */
int rtp_pkt_ext_find(const struct rtp_pkt *p, uint8_t id, struct rtp_ext *e);

/*
 * Extension payloads. Each checks the element's length and returns RTP_OK
 * or RTP_E_INVAL (output untouched on error).
 */
/* sdes:mid: 1..255 bytes of RFC 4566 token characters; *mid points into the packet. */
int rtp_ext_mid(
        const struct rtp_pkt *p, const struct rtp_ext *e, const uint8_t **mid, uint8_t *mid_len);
/* abs-send-time: 3 bytes, seconds in 6.18 fixed point (wraps every 64 s). */
int rtp_ext_abs_send_time(const struct rtp_pkt *p, const struct rtp_ext *e, uint32_t *t24);
/* transport-wide-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): 2 bytes. */
int rtp_ext_twcc_seq(const struct rtp_pkt *p, const struct rtp_ext *e, uint16_t *seq);
/* ssrc-audio-level (RFC 6464 §3): 1 byte, V flag and level 0..127 (-dBov). */
int rtp_ext_audio_level(
        const struct rtp_pkt *p, const struct rtp_ext *e, int *voice, uint8_t *level);

/* abs-send-time value for a time in microseconds: ((us << 18) / 10^6) mod 2^24. */
uint32_t rtp_abs_send_time_from_us(uint64_t now_us);
/* Microseconds of a 6.18 value (0 .. 63999996). */
uint32_t rtp_abs_send_time_to_us(uint32_t t24);

/*
 * In-place header rewrites of a packet that parsed (at least RTP_HDR_LEN
 * bytes). They do not touch a struct rtp_pkt: re-parse, or update it, if it
 * is still used.
 */
void rtp_hdr_set_ssrc(uint8_t *buf, uint32_t ssrc);
void rtp_hdr_set_pt(uint8_t *buf, uint8_t pt); /* keeps the marker bit */
void rtp_hdr_set_marker(uint8_t *buf, int marker);
void rtp_hdr_set_seq(uint8_t *buf, uint16_t seq);
void rtp_hdr_set_ts(uint8_t *buf, uint32_t ts);

/*
 * In-place extension rewrites: @buf is the mutable buffer @p was parsed
 * from. RTP_OK, RTP_E_NOT_FOUND or RTP_E_INVAL; nothing is written on error.
 */
/* Overwrite the data of the first element @id; @len must be its length. */
int rtp_pkt_ext_write(
        uint8_t *buf, const struct rtp_pkt *p, uint8_t id, const void *val, size_t len);
/* Give the first element @id the id @new_id (one-byte form: 1..14), e.g. between extmaps. */
int rtp_pkt_ext_set_id(uint8_t *buf, const struct rtp_pkt *p, uint8_t id, uint8_t new_id);
/* Turn the first element @id into padding bytes (RFC 8285 §4.1), e.g. to strip it. */
int rtp_pkt_ext_clear(uint8_t *buf, const struct rtp_pkt *p, uint8_t id);

/*
 * Builder: a fixed header, CSRCs, an optional extension block, then the
 * caller appends the payload at the returned length. Calls after an error
 * are no-ops; rtp_build_end() returns the header length or the first error.
 * The form (one- or two-byte) is chosen at rtp_build_ext_begin(); an
 * element that does not fit the one-byte form (id > 14, length 0 or > 16)
 * is RTP_E_INVAL there.
 */
struct rtp_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	size_t ext_hdr; /* offset of the extension header, 0 = none open */
	int two_byte;
	int err;
};

void rtp_build_begin(struct rtp_builder *b, uint8_t *buf, size_t cap, uint8_t pt, int marker,
        uint16_t seq, uint32_t ts, uint32_t ssrc);
void rtp_build_csrc(struct rtp_builder *b, uint32_t csrc); /* before any extension */
void rtp_build_ext_begin(struct rtp_builder *b, int two_byte);
void rtp_build_ext(struct rtp_builder *b, uint8_t id, const void *val, size_t len);
int rtp_build_end(struct rtp_builder *b); /* pads the extension block to 32 bits */

const char *rtp_strerror(int err);

#endif
