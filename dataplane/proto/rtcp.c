/* RTCP compound walk, typed views and builders (see rtcp.h). RFC sections cited inline. */
#include <string.h>

#include "rtcp.h"
#include "wire.h"

#define RTCP_TWCC_FCI_HDR 8            /* base seq, status count, reference time, fb pkt count */
#define RTCP_REMB_FCI_HDR 8            /* "REMB", num SSRC, exp + mantissa */
#define RTCP_MAX_PKT_LEN (4u * 65536u) /* §6.4.1: length is in words, minus one */

/* 24-bit two's complement to int32 */
static inline int32_t
rtcp_sext24(uint32_t v)
{
	return (int32_t)(v ^ 0x800000u) - 0x800000;
}

/* ---- SDES (§6.5) ---- */

int
rtcp_sdes_iter_init(struct rtcp_sdes_iter *it, const struct rtcp_pkt *p)
{
	memset(it, 0, sizeof(*it));
	if (p->pt != RTCP_PT_SDES || p->len < RTCP_HDR_LEN)
		return RTCP_E_TYPE;
	it->buf = p->buf;
	it->len = p->len;
	it->off = RTCP_HDR_LEN;
	it->chunks_left = p->count;
	return RTCP_OK;
}

int
rtcp_sdes_iter_next(struct rtcp_sdes_iter *it, struct rtcp_sdes_item *item)
{
	struct wire_rd r = {it->buf, it->len, it->off};
	const uint8_t *q, *l, *d;

	memset(item, 0, sizeof(*item));
	for (;;) {
		if (!it->in_chunk) {
			if (it->chunks_left == 0)
				return 0;
			q = wire_rd_take(&r, 4);
			if (q == NULL)
				return RTCP_E_LENGTH; /* SC names a missing chunk */
			it->ssrc = wire_rd32(q);
			it->chunks_left--;
			it->in_chunk = 1;
			it->off = (uint16_t)r.off;
		}
		q = wire_rd_take(&r, 1);
		if (q == NULL)
			return RTCP_E_FORMAT; /* §6.5: the item list must end with a null octet */
		if (q[0] == RTCP_SDES_END) {
			/* §6.5: null octets up to the next 32-bit boundary end the chunk */
			if (wire_rd_take(&r, (4 - r.off % 4) % 4) == NULL)
				return RTCP_E_FORMAT;
			it->in_chunk = 0;
			it->off = (uint16_t)r.off;
			continue;
		}
		l = wire_rd_take(&r, 1);
		if (l == NULL || (d = wire_rd_take(&r, l[0])) == NULL)
			return RTCP_E_FORMAT; /* the item runs past the packet */
		item->ssrc = it->ssrc;
		item->type = q[0];
		item->len = l[0];
		item->data = d;
		it->off = (uint16_t)r.off;
		return 1;
	}
}

static int
rtcp_sdes_check(const struct rtcp_pkt *p)
{
	struct rtcp_sdes_iter it;
	struct rtcp_sdes_item item;
	int rc;

	rtcp_sdes_iter_init(&it, p);
	while ((rc = rtcp_sdes_iter_next(&it, &item)) > 0)
		;
	if (rc < 0)
		return rc;
	return it.off == p->len ? RTCP_OK : RTCP_E_LENGTH; /* the chunks fill the packet */
}

/* ---- transport-wide CC (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) ---- */

/* Symbol @k of a status vector chunk (§3.1.4): 14 one-bit or 7 two-bit symbols. */
static inline uint8_t
rtcp_twcc_vec_sym(uint16_t chunk, unsigned k)
{
	if (chunk & 0x4000)
		return (uint8_t)((chunk >> (12 - 2 * k)) & 3);
	/*
	 * One-bit symbols: 1 is "received, small delta". The draft's prose says
	 * the opposite, its example and libwebrtc agree with this reading.
	 */
	return (uint8_t)((chunk >> (13 - k)) & 1);
}

/*
 * Walk the chunks of an FCI (after its 8-byte header) until they cover
 * @count statuses; count the receive delta bytes they call for. The FCI
 * must then hold those deltas, and at most 3 more bytes (zero padding to
 * 32 bits when the P bit is not used).
 */
static int
rtcp_twcc_scan(const uint8_t *fci, size_t fci_len, uint16_t count, uint16_t *chunks_len,
        uint16_t *deltas_len)
{
	struct wire_rd r = {fci, fci_len, RTCP_TWCC_FCI_HDR};
	size_t covered = 0, deltas = 0, tail;
	const uint8_t *q;

	if (count == 0)
		return RTCP_E_FORMAT; /* an empty feedback: libwebrtc refuses it too */
	while (covered < count) {
		uint16_t chunk;
		size_t n, left = count - covered;

		q = wire_rd_take(&r, 2);
		if (q == NULL)
			return RTCP_E_LENGTH;
		chunk = wire_rd16(q);
		if (!(chunk & 0x8000)) {
			/* §3.1.3: run length chunk */
			uint8_t sym = (chunk >> 13) & 3;
			n = chunk & 0x1fff;
			if (n > left)
				n = left;
			if (sym == 3 && n > 0)
				return RTCP_E_FORMAT; /* §3.1.1: reserved */
			deltas += n * sym;
		} else {
			n = chunk & 0x4000 ? 7 : 14;
			if (n > left)
				n = left;
			for (unsigned k = 0; k < n; k++) {
				uint8_t sym = rtcp_twcc_vec_sym(chunk, k);
				if (sym == 3)
					return RTCP_E_FORMAT;
				deltas += sym;
			}
		}
		covered += n;
	}
	if (deltas > wire_rd_left(&r))
		return RTCP_E_LENGTH;
	tail = wire_rd_left(&r) - deltas;
	if (tail > 3)
		return RTCP_E_LENGTH;
	*chunks_len = (uint16_t)(r.off - RTCP_TWCC_FCI_HDR);
	*deltas_len = (uint16_t)deltas;
	return RTCP_OK;
}

int
rtcp_twcc_parse(const struct rtcp_pkt *p, struct rtcp_twcc *tw)
{
	const uint8_t *fci;
	size_t fci_len;
	int rc;

	memset(tw, 0, sizeof(*tw));
	if (p->pt != RTCP_PT_RTPFB || p->count != RTCP_RTPFB_TWCC)
		return RTCP_E_TYPE;
	if (p->len < RTCP_FB_HDR_LEN + RTCP_TWCC_FCI_HDR)
		return RTCP_E_LENGTH;
	fci = p->buf + RTCP_FB_HDR_LEN;
	fci_len = p->len - RTCP_FB_HDR_LEN;
	rc = rtcp_twcc_scan(fci, fci_len, wire_rd16(fci + 2), &tw->chunks_len, &tw->deltas_len);
	if (rc != RTCP_OK) {
		memset(tw, 0, sizeof(*tw));
		return rc;
	}
	tw->sender_ssrc = wire_rd32(p->buf + 4);
	tw->media_ssrc = wire_rd32(p->buf + 8);
	tw->base_seq = wire_rd16(fci);
	tw->status_count = wire_rd16(fci + 2);
	tw->ref_time = rtcp_sext24(wire_rd24(fci + 4));
	tw->fb_count = fci[7];
	tw->chunks = fci + RTCP_TWCC_FCI_HDR;
	return RTCP_OK;
}

void
rtcp_twcc_iter_init(struct rtcp_twcc_iter *it, const struct rtcp_twcc *tw)
{
	memset(it, 0, sizeof(*it));
	it->tw = tw;
}

int
rtcp_twcc_iter_next(struct rtcp_twcc_iter *it, struct rtcp_twcc_pkt *pkt)
{
	const struct rtcp_twcc *tw = it->tw;
	struct wire_rd deltas = {tw->chunks + tw->chunks_len, tw->deltas_len, it->delta_off};
	const uint8_t *q;
	uint8_t sym;

	memset(pkt, 0, sizeof(*pkt));
	if (it->done >= tw->status_count)
		return 0;
	while (it->chunk_left == 0) {
		if (it->chunk_off > tw->chunks_len || tw->chunks_len - it->chunk_off < 2)
			return RTCP_E_FORMAT;
		it->chunk = wire_rd16(tw->chunks + it->chunk_off);
		it->chunk_off += 2;
		it->chunk_pos = 0;
		if (!(it->chunk & 0x8000))
			it->chunk_left = it->chunk & 0x1fff;
		else
			it->chunk_left = it->chunk & 0x4000 ? 7 : 14;
	}
	if (!(it->chunk & 0x8000))
		sym = (it->chunk >> 13) & 3;
	else
		sym = rtcp_twcc_vec_sym(it->chunk, it->chunk_pos);
	it->chunk_pos++;
	it->chunk_left--;

	switch (sym) {
	case RTCP_TWCC_NOT_RECEIVED:
		break;
	case RTCP_TWCC_SMALL_DELTA: /* §3.1.5: 8-bit unsigned */
		q = wire_rd_take(&deltas, 1);
		if (q == NULL)
			return RTCP_E_FORMAT;
		pkt->delta = q[0];
		break;
	case RTCP_TWCC_LARGE_DELTA: /* §3.1.5: 16-bit signed */
		q = wire_rd_take(&deltas, 2);
		if (q == NULL)
			return RTCP_E_FORMAT;
		pkt->delta = (int16_t)wire_rd16(q);
		break;
	default:
		return RTCP_E_FORMAT;
	}
	it->delta_off = (uint16_t)deltas.off;
	pkt->seq = (uint16_t)(tw->base_seq + it->done);
	pkt->status = sym;
	it->done++;
	return 1;
}

/* ---- REMB (draft-alvestrand-rmcat-remb-03 §2.2) ---- */

static int
rtcp_is_remb(const struct rtcp_pkt *p)
{
	return p->pt == RTCP_PT_PSFB && p->count == RTCP_PSFB_AFB &&
	       p->len >= RTCP_FB_HDR_LEN + 4 && memcmp(p->buf + RTCP_FB_HDR_LEN, "REMB", 4) == 0;
}

int
rtcp_remb_parse(const struct rtcp_pkt *p, struct rtcp_remb *remb)
{
	const uint8_t *fci;
	uint32_t mantissa;
	unsigned exp;

	memset(remb, 0, sizeof(*remb));
	if (!rtcp_is_remb(p))
		return RTCP_E_TYPE;
	if (p->len < RTCP_FB_HDR_LEN + RTCP_REMB_FCI_HDR)
		return RTCP_E_LENGTH;
	fci = p->buf + RTCP_FB_HDR_LEN;
	/* libwebrtc too wants the SSRC list to fill the FCI exactly */
	if ((size_t)p->len != RTCP_FB_HDR_LEN + RTCP_REMB_FCI_HDR + 4u * fci[4])
		return RTCP_E_LENGTH;
	exp = fci[5] >> 2;
	mantissa = wire_rd24(fci + 5) & 0x3ffffu;
	if (((uint64_t)mantissa << exp) >> exp != mantissa)
		return RTCP_E_FORMAT; /* does not fit 64 bits */
	remb->sender_ssrc = wire_rd32(p->buf + 4);
	remb->bitrate = (uint64_t)mantissa << exp;
	remb->n_ssrc = fci[4];
	remb->ssrcs = fci + RTCP_REMB_FCI_HDR;
	return RTCP_OK;
}

uint32_t
rtcp_remb_ssrc(const struct rtcp_remb *remb, unsigned i)
{
	return i < remb->n_ssrc ? wire_rd32(remb->ssrcs + 4u * i) : 0;
}

/* ---- per-type checks run by the walk ---- */

/* Structure of one packet whose header, length and padding are already checked. */
static int
rtcp_pkt_check(const struct rtcp_pkt *p)
{
	size_t fci_len;

	switch (p->pt) {
	case RTCP_PT_SR: { /* §6.4.1 */
		size_t need = 8u + RTCP_SR_INFO_LEN + RTCP_REPORT_BLOCK_LEN * p->count;
		return p->len >= need ? RTCP_OK : RTCP_E_LENGTH;
	}
	case RTCP_PT_RR: /* §6.4.2 */
		return p->len >= 8u + RTCP_REPORT_BLOCK_LEN * p->count ? RTCP_OK : RTCP_E_LENGTH;
	case RTCP_PT_SDES:
		return rtcp_sdes_check(p);
	case RTCP_PT_BYE: {
		struct rtcp_bye bye;
		return rtcp_bye_parse(p, &bye);
	}
	case RTCP_PT_APP: /* §6.7 */
		return p->len >= 12 ? RTCP_OK : RTCP_E_LENGTH;
	case RTCP_PT_RTPFB:
	case RTCP_PT_PSFB:
		/* RFC 4585 §6.1 */
		if (p->len < RTCP_FB_HDR_LEN)
			return RTCP_E_LENGTH;
		fci_len = p->len - RTCP_FB_HDR_LEN;
		if (p->pt == RTCP_PT_RTPFB && p->count == RTCP_RTPFB_NACK) {
			/* RFC 4585 §6.2.1: one or more PID + BLP */
			return fci_len >= 4 && fci_len % 4 == 0 ? RTCP_OK : RTCP_E_LENGTH;
		}
		if (p->pt == RTCP_PT_RTPFB && p->count == RTCP_RTPFB_TWCC) {
			struct rtcp_twcc tw;
			return rtcp_twcc_parse(p, &tw);
		}
		if (p->pt == RTCP_PT_PSFB && p->count == RTCP_PSFB_PLI)
			return fci_len == 0 ? RTCP_OK : RTCP_E_LENGTH; /* RFC 4585 §6.3.1 */
		if (p->pt == RTCP_PT_PSFB && p->count == RTCP_PSFB_FIR) {
			/* RFC 5104 §4.3.1.1: one or more 8-byte entries */
			return fci_len >= 8 && fci_len % 8 == 0 ? RTCP_OK : RTCP_E_LENGTH;
		}
		if (rtcp_is_remb(p)) {
			struct rtcp_remb remb;
			return rtcp_remb_parse(p, &remb);
		}
		return RTCP_OK; /* another format: the FCI is opaque */
	default:
		return RTCP_OK; /* XR and unknown types are skipped by length (§6.1) */
	}
}

/* ---- the compound walk ---- */

void
rtcp_iter_init(struct rtcp_iter *it, const uint8_t *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->off = 0;
	it->err = 0;
}

int
rtcp_iter_next(struct rtcp_iter *it, struct rtcp_pkt *p)
{
	struct wire_rd r = {it->buf, it->len, it->off};
	const uint8_t *h;
	size_t total;
	uint8_t pad = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (it->err)
		return it->err;
	if (wire_rd_left(&r) == 0)
		return 0;
	if (it->len > UINT16_MAX) {
		rc = RTCP_E_LENGTH; /* not a UDP payload */
		goto fail;
	}
	h = wire_rd_take(&r, RTCP_HDR_LEN);
	if (h == NULL) {
		rc = RTCP_E_SHORT;
		goto fail;
	}
	if (h[0] >> 6 != RTCP_VERSION) {
		rc = RTCP_E_VERSION;
		goto fail;
	}
	/* §6.4.1: length in 32-bit words minus one, header and padding included */
	total = 4u * ((size_t)wire_rd16(h + 2) + 1);
	if (wire_rd_take(&r, total - RTCP_HDR_LEN) == NULL) {
		rc = RTCP_E_SHORT;
		goto fail;
	}
	if (h[0] & 0x20) {
		/* §6.4.1: padding only on the last packet; its last octet counts it */
		pad = h[total - 1];
		if (r.off != it->len || pad == 0 || pad > total - RTCP_HDR_LEN) {
			rc = RTCP_E_PADDING;
			goto fail;
		}
	}
	p->buf = h;
	p->len = (uint16_t)(total - pad);
	p->off = (uint16_t)it->off;
	p->pt = h[1];
	p->count = h[0] & 0x1f;
	p->pad_len = pad;
	p->padding = (h[0] & 0x20) != 0;
	rc = rtcp_pkt_check(p);
	if (rc != RTCP_OK)
		goto fail;
	it->off = r.off;
	return 1;
fail:
	memset(p, 0, sizeof(*p));
	it->err = rc;
	return rc;
}

int
rtcp_compound_check(const uint8_t *buf, size_t len, int reduced_size, unsigned *n)
{
	struct rtcp_iter it;
	struct rtcp_pkt p;
	unsigned count = 0;
	int rc;

	if (n != NULL)
		*n = 0;
	rtcp_iter_init(&it, buf, len);
	while ((rc = rtcp_iter_next(&it, &p)) > 0) {
		/* App. A.2: the first packet is an SR or RR (RFC 5506 lifts this) */
		if (count == 0 && !reduced_size && p.pt != RTCP_PT_SR && p.pt != RTCP_PT_RR)
			return RTCP_E_COMPOUND;
		count++;
	}
	if (rc < 0)
		return rc;
	if (count == 0)
		return RTCP_E_SHORT;
	if (n != NULL)
		*n = count;
	return RTCP_OK;
}

/* ---- SR, RR, report blocks ---- */

int
rtcp_sr_parse(const struct rtcp_pkt *p, struct rtcp_sr *sr)
{
	size_t used;

	memset(sr, 0, sizeof(*sr));
	if (p->pt != RTCP_PT_SR)
		return RTCP_E_TYPE;
	used = 8u + RTCP_SR_INFO_LEN + RTCP_REPORT_BLOCK_LEN * p->count;
	if (p->len < used)
		return RTCP_E_LENGTH;
	sr->ssrc = wire_rd32(p->buf + 4);
	sr->ntp = (uint64_t)wire_rd32(p->buf + 8) << 32 | wire_rd32(p->buf + 12);
	sr->rtp_ts = wire_rd32(p->buf + 16);
	sr->pkt_count = wire_rd32(p->buf + 20);
	sr->octet_count = wire_rd32(p->buf + 24);
	sr->rc = p->count;
	sr->blocks = p->buf + 28;
	if (p->len > used) {
		sr->ext = p->buf + used;
		sr->ext_len = (uint16_t)(p->len - used);
	}
	return RTCP_OK;
}

int
rtcp_rr_parse(const struct rtcp_pkt *p, struct rtcp_rr *rr)
{
	size_t used;

	memset(rr, 0, sizeof(*rr));
	if (p->pt != RTCP_PT_RR)
		return RTCP_E_TYPE;
	used = 8u + RTCP_REPORT_BLOCK_LEN * p->count;
	if (p->len < used)
		return RTCP_E_LENGTH;
	rr->ssrc = wire_rd32(p->buf + 4);
	rr->rc = p->count;
	rr->blocks = p->buf + 8;
	if (p->len > used) {
		rr->ext = p->buf + used;
		rr->ext_len = (uint16_t)(p->len - used);
	}
	return RTCP_OK;
}

int
rtcp_report_block_get(const uint8_t *blocks, uint8_t n, unsigned i, struct rtcp_report_block *rb)
{
	const uint8_t *q;

	memset(rb, 0, sizeof(*rb));
	if (i >= n || blocks == NULL)
		return RTCP_E_INVAL;
	q = blocks + RTCP_REPORT_BLOCK_LEN * i;
	rb->ssrc = wire_rd32(q);
	rb->fraction_lost = q[4];
	rb->cum_lost = rtcp_sext24(wire_rd24(q + 5));
	rb->ext_high_seq = wire_rd32(q + 8);
	rb->jitter = wire_rd32(q + 12);
	rb->lsr = wire_rd32(q + 16);
	rb->dlsr = wire_rd32(q + 20);
	return RTCP_OK;
}

/* ---- BYE (§6.6), APP (§6.7) ---- */

int
rtcp_bye_parse(const struct rtcp_pkt *p, struct rtcp_bye *bye)
{
	struct wire_rd r = {p->buf, p->len, RTCP_HDR_LEN};
	const uint8_t *ssrcs, *q, *reason = NULL;
	uint8_t reason_len = 0;

	memset(bye, 0, sizeof(*bye));
	if (p->pt != RTCP_PT_BYE)
		return RTCP_E_TYPE;
	if (p->len < RTCP_HDR_LEN)
		return RTCP_E_LENGTH;
	ssrcs = wire_rd_take(&r, 4u * p->count);
	if (ssrcs == NULL)
		return RTCP_E_LENGTH;
	if (wire_rd_left(&r) > 0) {
		/* optional length + reason, zero-padded to 32 bits */
		q = wire_rd_take(&r, 1);
		reason_len = q[0];
		reason = wire_rd_take(&r, reason_len);
		if (reason == NULL || wire_rd_left(&r) > 3)
			return RTCP_E_FORMAT;
	}
	bye->sc = p->count;
	bye->ssrcs = ssrcs;
	bye->reason = reason;
	bye->reason_len = reason_len;
	return RTCP_OK;
}

uint32_t
rtcp_bye_ssrc(const struct rtcp_bye *bye, unsigned i)
{
	return i < bye->sc ? wire_rd32(bye->ssrcs + 4u * i) : 0;
}

int
rtcp_app_parse(const struct rtcp_pkt *p, struct rtcp_app *app)
{
	memset(app, 0, sizeof(*app));
	if (p->pt != RTCP_PT_APP)
		return RTCP_E_TYPE;
	if (p->len < 12)
		return RTCP_E_LENGTH;
	app->subtype = p->count;
	app->ssrc = wire_rd32(p->buf + 4);
	app->name = p->buf + 8;
	app->data = p->buf + 12;
	app->data_len = (uint16_t)(p->len - 12);
	return RTCP_OK;
}

/* ---- feedback (RFC 4585 §6.1) ---- */

int
rtcp_fb_parse(const struct rtcp_pkt *p, struct rtcp_fb *fb)
{
	memset(fb, 0, sizeof(*fb));
	if (p->pt != RTCP_PT_RTPFB && p->pt != RTCP_PT_PSFB)
		return RTCP_E_TYPE;
	if (p->len < RTCP_FB_HDR_LEN)
		return RTCP_E_LENGTH;
	fb->pt = p->pt;
	fb->fmt = p->count;
	fb->sender_ssrc = wire_rd32(p->buf + 4);
	fb->media_ssrc = wire_rd32(p->buf + 8);
	fb->fci = p->buf + RTCP_FB_HDR_LEN;
	fb->fci_len = (uint16_t)(p->len - RTCP_FB_HDR_LEN);
	return RTCP_OK;
}

static int
rtcp_fb_is_nack(const struct rtcp_fb *fb)
{
	return fb->pt == RTCP_PT_RTPFB && fb->fmt == RTCP_RTPFB_NACK;
}

unsigned
rtcp_nack_count(const struct rtcp_fb *fb)
{
	return rtcp_fb_is_nack(fb) ? fb->fci_len / 4u : 0;
}

int
rtcp_nack_get(const struct rtcp_fb *fb, unsigned i, uint16_t *pid, uint16_t *blp)
{
	if (i >= rtcp_nack_count(fb))
		return RTCP_E_INVAL;
	*pid = wire_rd16(fb->fci + 4u * i);
	*blp = wire_rd16(fb->fci + 4u * i + 2);
	return RTCP_OK;
}

unsigned
rtcp_nack_expand(uint16_t pid, uint16_t blp, uint16_t out[RTCP_NACK_MAX_PER_ITEM])
{
	unsigned n = 0, bits = blp;

	out[n++] = pid;
	/* RFC 4585 §6.2.1: bit i of BLP (LSB = 0) names PID + i + 1 */
	while (bits != 0) {
		out[n++] = (uint16_t)(pid + (unsigned)__builtin_ctz(bits) + 1);
		bits &= bits - 1;
	}
	return n;
}

int
rtcp_nack_expand_all(const struct rtcp_fb *fb, uint16_t *out, size_t cap)
{
	unsigned items = rtcp_nack_count(fb);
	size_t need = items, n = 0;

	for (unsigned i = 0; i < items; i++)
		for (unsigned bits = wire_rd16(fb->fci + 4u * i + 2); bits != 0; bits &= bits - 1)
			need++;
	if (need > cap)
		return RTCP_E_NOSPACE;
	for (unsigned i = 0; i < items; i++)
		n += rtcp_nack_expand(wire_rd16(fb->fci + 4u * i), wire_rd16(fb->fci + 4u * i + 2),
		        out + n); /* exactly 1 + popcount(BLP) entries, counted above */
	return (int)n;
}

unsigned
rtcp_fir_count(const struct rtcp_fb *fb)
{
	return fb->pt == RTCP_PT_PSFB && fb->fmt == RTCP_PSFB_FIR ? fb->fci_len / 8u : 0;
}

int
rtcp_fir_get(const struct rtcp_fb *fb, unsigned i, struct rtcp_fir_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (i >= rtcp_fir_count(fb))
		return RTCP_E_INVAL;
	e->ssrc = wire_rd32(fb->fci + 8u * i);
	e->seq_nr = fb->fci[8u * i + 4];
	return RTCP_OK;
}

/* ---- builders ---- */

void
rtcp_build_begin(struct rtcp_builder *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->last = 0;
	b->padded = 0;
	b->err = 0;
}

/* Start a packet of @body bytes (a multiple of 4) after the header; its body or NULL. */
static uint8_t *
rtcp_build_hdr(struct rtcp_builder *b, uint8_t pt, uint8_t count, size_t body)
{
	uint8_t *h;

	if (b->err)
		return NULL;
	if (b->padded || count > RTCP_MAX_COUNT || body % 4 != 0 ||
	        RTCP_HDR_LEN + body > RTCP_MAX_PKT_LEN) {
		b->err = RTCP_E_INVAL;
		return NULL;
	}
	if (b->cap - b->len < RTCP_HDR_LEN + body) {
		b->err = RTCP_E_NOSPACE;
		return NULL;
	}
	h = b->buf + b->len;
	h[0] = (uint8_t)(RTCP_VERSION << 6 | count);
	h[1] = pt;
	wire_wr16(h + 2, (uint16_t)(body / 4)); /* (4 + body) / 4 - 1 */
	memset(h + RTCP_HDR_LEN, 0, body);
	b->last = b->len;
	b->len += RTCP_HDR_LEN + body;
	return h + RTCP_HDR_LEN;
}

static void
rtcp_build_blocks(uint8_t *q, const struct rtcp_report_block *rb, unsigned n)
{
	for (unsigned i = 0; i < n; i++, q += RTCP_REPORT_BLOCK_LEN) {
		int32_t lost = rb[i].cum_lost;
		/* §6.4.1: 24-bit signed, clamped */
		if (lost > 0x7fffff)
			lost = 0x7fffff;
		if (lost < -0x800000)
			lost = -0x800000;
		wire_wr32(q, rb[i].ssrc);
		wire_wr32(
		        q + 4, (uint32_t)rb[i].fraction_lost << 24 | ((uint32_t)lost & 0xffffffu));
		wire_wr32(q + 8, rb[i].ext_high_seq);
		wire_wr32(q + 12, rb[i].jitter);
		wire_wr32(q + 16, rb[i].lsr);
		wire_wr32(q + 20, rb[i].dlsr);
	}
}

void
rtcp_build_sr(struct rtcp_builder *b, uint32_t ssrc, uint64_t ntp, uint32_t rtp_ts,
        uint32_t pkt_count, uint32_t octet_count, const struct rtcp_report_block *rb, unsigned n)
{
	uint8_t *q;

	if (n > RTCP_MAX_COUNT) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	q = rtcp_build_hdr(
	        b, RTCP_PT_SR, (uint8_t)n, 4 + RTCP_SR_INFO_LEN + RTCP_REPORT_BLOCK_LEN * n);
	if (q == NULL)
		return;
	wire_wr32(q, ssrc);
	wire_wr32(q + 4, (uint32_t)(ntp >> 32));
	wire_wr32(q + 8, (uint32_t)ntp);
	wire_wr32(q + 12, rtp_ts);
	wire_wr32(q + 16, pkt_count);
	wire_wr32(q + 20, octet_count);
	rtcp_build_blocks(q + 24, rb, n);
}

void
rtcp_build_rr(struct rtcp_builder *b, uint32_t ssrc, const struct rtcp_report_block *rb, unsigned n)
{
	uint8_t *q;

	if (n > RTCP_MAX_COUNT) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	q = rtcp_build_hdr(b, RTCP_PT_RR, (uint8_t)n, 4 + RTCP_REPORT_BLOCK_LEN * n);
	if (q == NULL)
		return;
	wire_wr32(q, ssrc);
	rtcp_build_blocks(q + 4, rb, n);
}

void
rtcp_build_sdes_cname(struct rtcp_builder *b, uint32_t ssrc, const void *cname, size_t len)
{
	uint8_t *q;

	if (len == 0 || len > 255) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	/* §6.5: SSRC, CNAME item, then 1..4 null octets to the next 32-bit boundary */
	q = rtcp_build_hdr(b, RTCP_PT_SDES, 1, (4 + 2 + len + 1 + 3) & ~(size_t)3);
	if (q == NULL)
		return;
	wire_wr32(q, ssrc);
	q[4] = RTCP_SDES_CNAME;
	q[5] = (uint8_t)len;
	memcpy(q + 6, cname, len);
}

void
rtcp_build_bye(struct rtcp_builder *b, const uint32_t *ssrcs, unsigned n, const void *reason,
        size_t reason_len)
{
	size_t body;
	uint8_t *q;

	if (n > RTCP_MAX_COUNT || reason_len > 255) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	body = 4u * n;
	if (reason != NULL)
		body += (1 + reason_len + 3) & ~(size_t)3;
	q = rtcp_build_hdr(b, RTCP_PT_BYE, (uint8_t)n, body);
	if (q == NULL)
		return;
	for (unsigned i = 0; i < n; i++)
		wire_wr32(q + 4u * i, ssrcs[i]);
	if (reason != NULL) {
		q[4u * n] = (uint8_t)reason_len;
		if (reason_len != 0)
			memcpy(q + 4u * n + 1, reason, reason_len);
	}
}

void
rtcp_build_pli(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc)
{
	uint8_t *q = rtcp_build_hdr(b, RTCP_PT_PSFB, RTCP_PSFB_PLI, 8);

	if (q == NULL)
		return;
	wire_wr32(q, sender_ssrc);
	wire_wr32(q + 4, media_ssrc);
}

void
rtcp_build_fir(
        struct rtcp_builder *b, uint32_t sender_ssrc, const struct rtcp_fir_entry *e, unsigned n)
{
	uint8_t *q;

	if (n == 0 || n > (RTCP_MAX_PKT_LEN - RTCP_FB_HDR_LEN) / 8) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	q = rtcp_build_hdr(b, RTCP_PT_PSFB, RTCP_PSFB_FIR, 8 + 8u * n);
	if (q == NULL)
		return;
	wire_wr32(q, sender_ssrc);
	wire_wr32(q + 4, 0); /* RFC 5104 §4.3.1.2: media source SSRC not used, 0 */
	for (unsigned i = 0; i < n; i++) {
		wire_wr32(q + 8 + 8u * i, e[i].ssrc);
		q[8 + 8u * i + 4] = e[i].seq_nr; /* then 24 reserved zero bits */
	}
}

/* Items needed for @seqs, and if @fci is not NULL, write them. */
static size_t
rtcp_nack_items(const uint16_t *seqs, size_t n, uint8_t *fci)
{
	size_t items = 0;
	uint16_t pid = 0, blp = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t d = (uint16_t)(seqs[i] - pid);
		if (items > 0 && d == 0)
			continue;
		if (items > 0 && d <= 16) {
			blp |= (uint16_t)(1u << (d - 1));
			continue;
		}
		if (items > 0 && fci != NULL) {
			wire_wr16(fci + 4 * (items - 1), pid);
			wire_wr16(fci + 4 * (items - 1) + 2, blp);
		}
		items++;
		pid = seqs[i];
		blp = 0;
	}
	if (items > 0 && fci != NULL) {
		wire_wr16(fci + 4 * (items - 1), pid);
		wire_wr16(fci + 4 * (items - 1) + 2, blp);
	}
	return items;
}

void
rtcp_build_nack(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc,
        const uint16_t *seqs, size_t n)
{
	size_t items = rtcp_nack_items(seqs, n, NULL);
	uint8_t *q;

	if (items == 0 || items > (RTCP_MAX_PKT_LEN - RTCP_FB_HDR_LEN) / 4) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	q = rtcp_build_hdr(b, RTCP_PT_RTPFB, RTCP_RTPFB_NACK, 8 + 4 * items);
	if (q == NULL)
		return;
	wire_wr32(q, sender_ssrc);
	wire_wr32(q + 4, media_ssrc);
	rtcp_nack_items(seqs, n, q + 8);
}

void
rtcp_build_remb(struct rtcp_builder *b, uint32_t sender_ssrc, uint64_t bitrate,
        const uint32_t *ssrcs, unsigned n)
{
	unsigned exp = 0;
	uint32_t mantissa;
	uint8_t *q;

	if (n > 255) {
		if (!b->err)
			b->err = RTCP_E_INVAL;
		return;
	}
	while ((bitrate >> exp) > 0x3ffffu)
		exp++;
	mantissa = (uint32_t)(bitrate >> exp);
	q = rtcp_build_hdr(b, RTCP_PT_PSFB, RTCP_PSFB_AFB, 8 + RTCP_REMB_FCI_HDR + 4u * n);
	if (q == NULL)
		return;
	wire_wr32(q, sender_ssrc);
	wire_wr32(q + 4, 0); /* draft-alvestrand-rmcat-remb-03 §2.2: media source SSRC 0 */
	memcpy(q + 8, "REMB", 4);
	wire_wr32(q + 12, (uint32_t)n << 24 | exp << 18 | mantissa);
	for (unsigned i = 0; i < n; i++)
		wire_wr32(q + 16 + 4u * i, ssrcs[i]);
}

void
rtcp_build_pad(struct rtcp_builder *b, unsigned n)
{
	uint8_t *h;
	size_t words;

	if (b->err)
		return;
	if (b->len == 0 || b->padded || n < 4 || n > 252 || n % 4 != 0) {
		b->err = RTCP_E_INVAL;
		return;
	}
	h = b->buf + b->last;
	words = wire_rd16(h + 2) + 1u + n / 4;
	if (words > 65536u) {
		b->err = RTCP_E_INVAL;
		return;
	}
	if (b->cap - b->len < n) {
		b->err = RTCP_E_NOSPACE;
		return;
	}
	memset(b->buf + b->len, 0, n - 1);
	b->buf[b->len + n - 1] = (uint8_t)n;
	b->len += n;
	h[0] |= 0x20;
	wire_wr16(h + 2, (uint16_t)(words - 1));
	b->padded = 1;
}

int
rtcp_build_end(struct rtcp_builder *b)
{
	if (b->err)
		return b->err;
	if (b->len > INT32_MAX)
		return RTCP_E_NOSPACE;
	return (int)b->len;
}

const char *
rtcp_strerror(int err)
{
	switch (err) {
	case RTCP_OK:
		return "ok";
	case RTCP_E_SHORT:
		return "truncated";
	case RTCP_E_VERSION:
		return "version is not 2";
	case RTCP_E_LENGTH:
		return "count or length inconsistent with the packet size";
	case RTCP_E_PADDING:
		return "bad padding";
	case RTCP_E_FORMAT:
		return "malformed packet body";
	case RTCP_E_TYPE:
		return "wrong packet type";
	case RTCP_E_COMPOUND:
		return "compound does not start with SR or RR";
	case RTCP_E_NOSPACE:
		return "buffer too small";
	case RTCP_E_INVAL:
		return "invalid argument";
	}
	return "?";
}
