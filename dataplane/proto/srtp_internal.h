/*
 * SRTP internals shared by srtp.c and the backends: header checks, packet
 * index estimation, replay window, SSRC table, IV formation. Inline: these
 * run per packet. Not for callers outside dataplane/proto/srtp*.c.
 */
#ifndef RTC_SRTP_INTERNAL_H
#define RTC_SRTP_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "srtp.h"
#include "wire.h"

#define SRTP_RTP_HDR_MIN 12
#define SRTP_INDEX_NONE UINT64_MAX /* estimation failed: the ROC would pass 2^32 - 1 */

/* Every backend's engine starts with this (its own struct embeds it first). */
struct srtp_engine {
	const struct srtp_backend *be;
};

extern const struct srtp_backend srtp_backend_ipsecmb;
extern const struct srtp_backend srtp_backend_libsrtp;

/*
 * Length of the RTP header, CSRC list and extension (RFC 3550 §5.1, §5.3.1),
 * which SRTP leaves in clear (RFC 3711 §3.1), when header and @trailer fit
 * in @len. SRTP_RES_OK or SHORT / BAD_HEADER.
 */
static inline unsigned int
srtp_rtp_hdr_len(const uint8_t *p, size_t len, size_t trailer, size_t *hdr)
{
	size_t h;

	if (len < SRTP_RTP_HDR_MIN + trailer)
		return SRTP_RES_SHORT;
	if ((p[0] & 0xdf) == 0x80) { /* V = 2, X = 0, CC = 0: the usual 12 octets */
		*hdr = SRTP_RTP_HDR_MIN;
		return SRTP_RES_OK;
	}
	if ((p[0] >> 6) != 2)
		return SRTP_RES_BAD_HEADER;
	len -= trailer;
	h = SRTP_RTP_HDR_MIN + 4 * (size_t)(p[0] & 0x0f);
	if (p[0] & 0x10) {
		if (h + 4 > len)
			return SRTP_RES_BAD_HEADER;
		h += 4 + 4 * (size_t)wire_rd16(p + h + 2);
	}
	if (h > len)
		return SRTP_RES_BAD_HEADER;
	*hdr = h;
	return SRTP_RES_OK;
}

/* RTCP: fixed 8-octet header in clear, version 2 (RFC 3550 §6.4). */
static inline unsigned int
srtp_rtcp_check(const uint8_t *p, size_t len, size_t trailer)
{
	if (len < SRTP_RTCP_HDR_LEN + trailer)
		return SRTP_RES_SHORT;
	if ((p[0] >> 6) != 2)
		return SRTP_RES_BAD_HEADER;
	return SRTP_RES_OK;
}

/*
 * RFC 3711 §3.3.1 / Appendix A: the index (ROC || SEQ) of a packet with
 * sequence number @seq, from the highest index (ROC || s_l) @top, valid when
 * @known. As libsrtp does, a ROC of 0 is never guessed down to 2^32 - 1:
 * with a highest index below 2^15 a far-behind SEQ is taken as ahead. A
 * stream's first packet gets ROC 0 (§3.3.1: s_l is set from it).
 *
 * In arithmetic: the index is top + d, d = SEQ - s_l taken modulo 2^16 into
 * [-2^15, 2^15); the Appendix A rule differs only at |d| = 2^15, which it
 * takes as ahead when s_l < 2^15 (v = ROC, SEQ = s_l + 2^15) and as behind
 * otherwise. An index below 0 is the ROC-0 case (index = SEQ); one of 2^48
 * or more would need a ROC past 2^32 - 1 (SRTP_INDEX_NONE).
 * test_srtp.c checks this against the Appendix A text over every SEQ.
 */
static inline uint64_t
srtp_rtp_index_guess_top(int known, uint64_t top, uint16_t seq)
{
	uint16_t u = (uint16_t)(seq - (uint16_t)top);
	int64_t d = (int16_t)u;
	uint64_t idx;

	if (!known)
		return seq;
	if (u == 0x8000 && !(top & 0x8000))
		d = 0x8000;
	idx = top + (uint64_t)d;
	if ((int64_t)idx < 0)
		return seq;
	return idx >> 48 ? SRTP_INDEX_NONE : idx;
}

/* §3.3.2: SRTP_RES_OK if @idx is new to @r (whose top is valid when @known). */
static inline unsigned int
srtp_replay_check(const struct srtp_replay *r, int known, uint64_t idx)
{
	uint64_t d;

	if (!known || idx > r->top)
		return SRTP_RES_OK;
	d = r->top - idx;
	if (d >= SRTP_REPLAY_WINDOW)
		return SRTP_RES_REPLAY_OLD;
	return (r->bits[d / 64] >> (d % 64)) & 1 ? SRTP_RES_REPLAY : SRTP_RES_OK;
}

/* Mark @idx received (after a check, and for inbound after authentication). */
_Static_assert(SRTP_REPLAY_WORDS == 2, "srtp_replay_add() is written for a 128-packet window");
static inline void
srtp_replay_add(struct srtp_replay *r, int known, uint64_t idx)
{
	uint64_t d;

	if (known && idx <= r->top) { /* inside the window (checked by the caller) */
		d = r->top - idx;
		r->bits[d / 64] |= 1ull << (d % 64);
		return;
	}
	d = idx - r->top;
	if (!known || d >= SRTP_REPLAY_WINDOW) {
		r->bits[0] = 1;
		r->bits[1] = 0;
	} else if (d == 1) { /* the next packet in order: shift by one */
		r->bits[1] = r->bits[1] << 1 | r->bits[0] >> 63;
		r->bits[0] = r->bits[0] << 1 | 1;
	} else if (d < 64) { /* shift the list up by d = 2..127, then mark the new top */
		r->bits[1] = r->bits[1] << d | r->bits[0] >> (64 - d);
		r->bits[0] = r->bits[0] << d | 1;
	} else {
		r->bits[1] = d == 64 ? r->bits[0] : r->bits[0] << (d - 64);
		r->bits[0] = 1;
	}
	r->top = idx;
}

/*
 * The state of @ssrc, or NULL. The slot found last is tried first (a burst
 * is mostly one SSRC); the hint is checked, so a slot moved or given back
 * since cannot be returned for another SSRC.
 */
static inline struct srtp_ssrc_state *
srtp_ssrc_find(struct srtp_ctx *c, uint32_t ssrc)
{
	uint32_t h = c->last;

	if (h < c->n_ssrc && c->ssrc[h].ssrc == ssrc)
		return &c->ssrc[h];
	for (unsigned int i = 0; i < c->n_ssrc; i++)
		if (c->ssrc[i].ssrc == ssrc) {
			c->last = i;
			return &c->ssrc[i];
		}
	return NULL;
}

/*
 * The state of @ssrc, made if there is room (flags 0: the caller sets them once
 * the SSRC is in use); NULL if the table is full. Slots in use are never freed.
 */
static inline struct srtp_ssrc_state *
srtp_ssrc_get(struct srtp_ctx *c, uint32_t ssrc)
{
	struct srtp_ssrc_state *s = srtp_ssrc_find(c, ssrc);

	if (s != NULL || c->n_ssrc >= SRTP_MAX_SSRC)
		return s;
	c->last = c->n_ssrc;
	s = &c->ssrc[c->n_ssrc++];
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	s->spec_gen = c->gen - 1; /* no estimate in the current burst yet */
	return s;
}

/* Compare tags of 10 or 16 octets without an early exit: 0 if equal. */
static inline int
srtp_tag_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y, d;
	uint16_t u, v;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	d = x ^ y;
	if (n == 16) {
		memcpy(&x, a + 8, 8);
		memcpy(&y, b + 8, 8);
		d |= x ^ y;
	} else {
		memcpy(&u, a + 8, 2);
		memcpy(&v, b + 8, 2);
		d |= (uint16_t)(u ^ v);
	}
	return d != 0;
}

/* Full-packet known-answer test of @be through the public API (srtp.c). 0 or -EIO. */
int srtp_kat_run(const struct srtp_backend *be);

#endif
