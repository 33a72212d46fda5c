/*
 * SFU forwarding, the per-packet part: an unprotected RTP packet of a
 * publisher rewritten for one viewer (payload type and SSRC to what the
 * viewer negotiated; header extensions remapped from the publisher's ids to
 * the viewer's, or removed), and the RTCP a node sends on its own (a PLI to
 * ask a publisher for a keyframe). Sans-IO over byte buffers; no allocation.
 */
#ifndef RTC_FWD_H
#define RTC_FWD_H

#include <stdint.h>

#define FWD_PLI_LEN 12 /* RFC 4585 §6.3.1: PSFB FMT 1, no FCI */

/*
 * Header extensions (RFC 8285) the node forwards, by URI: a node-wide
 * enumeration, so that what each session negotiated fits a small table
 * carried by value (dpmsg_media). Only extensions whose value means the same
 * to any receiver are here: not transport-wide-cc (a per-hop sequence number,
 * and not negotiated anyway), nor rid/repaired-rid (simulcast layers, not
 * chosen per viewer). sdes:mid is rewritten to the viewer's mid.
 */
enum fwd_ext {
	FWD_EXT_MID = 0,           /* urn:ietf:params:rtp-hdrext:sdes:mid (RFC 9143 §15) */
	FWD_EXT_ABS_SEND_TIME,     /* .../rtp-hdrext/abs-send-time (passed as the publisher sent it) */
	FWD_EXT_AUDIO_LEVEL,       /* urn:ietf:params:rtp-hdrext:ssrc-audio-level (RFC 6464) */
	FWD_EXT_TOFFSET,           /* urn:ietf:params:rtp-hdrext:toffset (RFC 5450) */
	FWD_EXT_VIDEO_ORIENTATION, /* urn:3gpp:video-orientation */
	FWD_EXT_PLAYOUT_DELAY,     /* .../rtp-hdrext/playout-delay */
	FWD_EXT_COUNT
};
#define FWD_EXT_N 8    /* room for enum fwd_ext in struct fwd_extmap */
#define FWD_MID_MAX 16 /* a mid longer than this is not sent in RTP (one-byte form limit) */
/*
 * How much longer a remapped packet can be than its input: each kept element
 * (one per URI) may move from the one-byte to the two-byte form (+1), the mid
 * may grow from 1 to FWD_MID_MAX bytes, and the block is padded to 32 bits.
 */
#define FWD_EXT_GROW 24
_Static_assert(FWD_EXT_COUNT <= FWD_EXT_N, "fwd_extmap room");
_Static_assert(FWD_EXT_GROW >= FWD_EXT_COUNT + FWD_MID_MAX - 1 + 3, "growth bound");

/*
 * What one session negotiated on one kind (audio, video): fixed size, no
 * pointers (it travels in dpmsg_media and dpmsg_relay). A publisher's map
 * reads its packets (id -> URI), a viewer's writes them (URI -> id).
 */
struct fwd_extmap {
	uint8_t id[FWD_EXT_N]; /* by enum fwd_ext: the session's extmap id (1..255), 0 = none;
				  no id twice (RFC 8285 §5, refused by the SDP parser) */
	uint8_t mixed;         /* RFC 8285 §6 a=extmap-allow-mixed: the two-byte form may be sent */
	uint8_t mid_len;       /* its mid on this kind: 1..FWD_MID_MAX bytes, 0 = none */
	char mid[FWD_MID_MAX];
};

/* The enum fwd_ext of an extmap URI, or -1 (not forwarded). */
int fwd_ext_index(const char *uri);
/* The URI of enum fwd_ext @i, or NULL. */
const char *fwd_ext_uri(unsigned i);

/* What a remap did with a packet's extension elements (added to, never reset). */
struct fwd_ext_count {
	uint32_t kept;      /* elements sent to the viewer */
	uint32_t dropped;   /* elements the viewer did not negotiate (or cannot receive in a form) */
	uint32_t malformed; /* blocks that did not parse: the packet went without extensions */
};

/*
 * Write @in[0..len) (RTP, RFC 3550 §5.1) into @out with PT @pt, SSRC @ssrc
 * and the RFC 8285 extension block remapped from @from's ids to @to's: only
 * the elements whose URI both negotiated, each under the viewer's id, sdes:mid
 * with the viewer's mid; the one-byte form when every kept element fits it
 * (id <= 14, 1..16 bytes), else the two-byte form if @to->mixed, else the
 * elements that do not fit are dropped; padded to 32 bits; X set only if an
 * element is left. When every element is kept as it is (same ids, same mid,
 * a form @to accepts), the block is copied whole. A block that is not RFC
 * 8285 or overruns is dropped (counted malformed), the packet still sent.
 * @from or @to NULL: no extension (the block dropped, X cleared). Marker,
 * sequence number, timestamp, CSRCs, payload and padding as they were.
 * Returns the new length (at most @len + FWD_EXT_GROW), or 0 if @in is not
 * RTP version 2 or overruns its length, or @cap is too small even without
 * extensions. @in and @out must not overlap. @cnt may be NULL.
 */
uint16_t fwd_rtp_remap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc, const struct fwd_extmap *from, const struct fwd_extmap *to,
		struct fwd_ext_count *cnt);

/*
 * fwd_rtp_remap() in place: @p[0..len) rewritten where it is, in a buffer of
 * @cap >= @len bytes (what a remapped block adds is written after it; the
 * payload moves when the block changes length). Same result and bytes as
 * fwd_rtp_remap() into another buffer of @cap bytes; 0 (and @p possibly
 * unchanged) when that would fail. What lets the last viewer of a packet
 * take the received buffer itself, without a copy.
 */
uint16_t fwd_rtp_remap_inplace(uint8_t *p, uint16_t len, uint16_t cap, uint8_t pt, uint32_t ssrc,
		const struct fwd_extmap *from, const struct fwd_extmap *to,
		struct fwd_ext_count *cnt);

/* fwd_rtp_remap() with no extension map: the block dropped, X cleared. */
uint16_t fwd_rtp_rewrite(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc);

/* The payload type of an RTP packet (no checks beyond the length: 2 bytes). */
static inline int
fwd_rtp_pt(const uint8_t *p, uint16_t len)
{
	return len >= 12 ? (p[1] & 0x7f) : -1;
}

/* Where an RTP packet's payload is (after CSRCs and extension, before padding): 0, or -1. */
int fwd_rtp_payload(const uint8_t *p, uint16_t len, uint16_t *off, uint16_t *plen);

/* The SSRC of an RTP packet, 0 if too short. */
uint32_t fwd_rtp_ssrc(const uint8_t *p, uint16_t len);

/* A PLI (RFC 4585 §6.3.1) from @sender about @media into @out (FWD_PLI_LEN bytes). */
void fwd_rtcp_pli(uint8_t out[FWD_PLI_LEN], uint32_t sender, uint32_t media);

/*
 * Does the compound RTCP packet @p[0..len) hold a PLI (PSFB FMT 1) or FIR
 * (PSFB FMT 4, RFC 5104)? 1 or 0; a malformed compound is 0.
 */
int fwd_rtcp_wants_keyframe(const uint8_t *p, uint16_t len);

/*
 * RFC 4588 §4: @in (a publisher's RTP) as a retransmission for a viewer:
 * PT @rtx_pt, SSRC @rtx_ssrc, sequence number @rtx_seq, and the original
 * sequence number (OSN) before the payload; CSRCs kept, the extension block
 * remapped as fwd_rtp_remap() does (@from or @to NULL: none), no padding.
 * Length, or 0 (not RTP, or @cap too small).
 */
uint16_t fwd_rtx_wrap_ext(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap,
		uint8_t rtx_pt, uint32_t rtx_ssrc, uint16_t rtx_seq, const struct fwd_extmap *from,
		const struct fwd_extmap *to, struct fwd_ext_count *cnt);
/* fwd_rtx_wrap_ext() with no extension map. */
uint16_t fwd_rtx_wrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t rtx_pt,
		uint32_t rtx_ssrc, uint16_t rtx_seq);

/*
 * The other way: a publisher's RTX packet back to the original packet (PT
 * @pt, SSRC @ssrc, sequence number = the OSN; its extension block kept as it
 * is: the RTX stream shares its m= section's ids; no padding). Length, or 0.
 */
uint16_t fwd_rtx_unwrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc);

/*
 * A viewer's sequence numbers and timestamps across a change of source (a
 * replaced publisher, a publisher that restarts its stream): one map per
 * viewer and kind. The first source passes through unchanged; when the SSRC
 * changes, the new source is shifted to continue where the last one ended
 * (the next sequence number; the last timestamp plus the time since, at
 * least 1), so the viewer sees one stream with a gap, never a jump back.
 */
struct fwd_seqmap {
	uint32_t src;      /* the source SSRC being mapped */
	uint16_t seq_add;  /* out = in + seq_add (mod 2^16) */
	uint16_t last_seq; /* the highest sequence number sent */
	uint32_t ts_add;   /* out = in + ts_add (mod 2^32) */
	uint32_t last_ts;  /* the timestamp of last_seq */
	uint64_t last_us;  /* when last_seq was sent */
	uint8_t on;
};

/* Account for a packet of @ssrc (@seq, @ts) sent at @now_us; the map then gives its output
 * numbers. @clock_hz: the RTP clock of its kind (0: 90000). */
void fwd_seqmap_next(struct fwd_seqmap *m, uint32_t ssrc, uint16_t seq, uint32_t ts,
		uint32_t clock_hz, uint64_t now_us);

/* Shift the sequence number and timestamp of the RTP packet @p (at least 12 bytes). */
void fwd_rtp_shift(uint8_t *p, uint16_t seq_add, uint32_t ts_add);

#define FWD_NACK_MAX_SEQ 64 /* sequence numbers one NACK packet asks for, at most */

/*
 * The sequence numbers a compound RTCP packet's generic NACKs (RFC 4585
 * §6.2.1, RTPFB FMT 1) ask for, for media SSRC @media (0: any): up to @cap
 * into @seqs; the count. A malformed compound gives what was read before.
 */
unsigned fwd_rtcp_nack_seqs(const uint8_t *p, uint16_t len, uint32_t media, uint16_t *seqs,
		unsigned cap);

/* A generic NACK from @sender about @media for @pid and the 16 after it (@blp): 16 bytes. */
#define FWD_NACK_LEN 16
void fwd_rtcp_nack(uint8_t out[FWD_NACK_LEN], uint32_t sender, uint32_t media, uint16_t pid,
		uint16_t blp);

#endif
