/*
 * SFU forwarding, the per-packet part: an unprotected RTP packet of a
 * publisher rewritten for one viewer (payload type and SSRC to what the
 * viewer negotiated; header extensions removed, since their ids are the
 * publisher's and the viewer negotiated its own), and the RTCP a node sends
 * on its own (a PLI to ask a publisher for a keyframe). Sans-IO over byte
 * buffers; no allocation.
 */
#ifndef RTC_FWD_H
#define RTC_FWD_H

#include <stdint.h>

#define FWD_PLI_LEN 12 /* RFC 4585 §6.3.1: PSFB FMT 1, no FCI */

/*
 * Write @in[0..len) (RTP, RFC 3550 §5.1) into @out with PT @pt, SSRC @ssrc,
 * no header extension (X cleared, RFC 8285 block dropped); marker, sequence
 * number, timestamp, CSRCs, payload and padding as they were. Returns the
 * new length, or 0 if @in is not RTP version 2 or overruns its length, or
 * @cap is too small. @in and @out must not overlap.
 */
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
 * sequence number (OSN) before the payload; CSRCs kept, no extension, no
 * padding. Length, or 0 (not RTP, or @cap too small).
 */
uint16_t fwd_rtx_wrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t rtx_pt,
		uint32_t rtx_ssrc, uint16_t rtx_seq);

/*
 * The other way: a publisher's RTX packet back to the original packet (PT
 * @pt, SSRC @ssrc, sequence number = the OSN; no extension). Length, or 0.
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
