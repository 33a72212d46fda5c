/* RTP header and RFC 8285 header extensions (see rtp.h). RFC sections cited inline. */
#include <stddef.h>
#include <string.h>

#include "rtp.h"
#include "wire.h"

/*
 * The next element of an extension block (RFC 8285 §4.1-4.3) at *pos,
 * relative to the block's data, which starts at @blk_off in the packet.
 * Returns 1 with *e, 0 at the end (or at a stop mark, setting
 * RTP_F_EXT_STOPPED in *flags), or RTP_E_EXT if an element overruns.
 */
static int
rtp_ext_next(const uint8_t *blk, size_t blk_len, size_t blk_off, int two_byte, size_t *pos,
        struct rtp_ext *e, uint8_t *flags)
{
	struct wire_rd r = {blk, blk_len, *pos};
	const uint8_t *h, *d;
	uint8_t id, len;

	for (;;) {
		h = wire_rd_take(&r, 1);
		if (h == NULL) {
			*pos = r.off;
			return 0;
		}
		if (h[0] == 0)
			continue; /* §4.1: a padding byte, in either form */
		if (!two_byte) {
			/* §4.2: 4-bit id, 4-bit length - 1 */
			id = h[0] >> 4;
			len = (uint8_t)((h[0] & 0x0f) + 1);
			if (id == 15 || id == 0) {
				/*
				 * §4.2: id 15 ends processing of the block. An id 0 with a
				 * nonzero length nibble is not a padding byte either: it is
				 * treated the same way (as libwebrtc does).
				 */
				*flags |= RTP_F_EXT_STOPPED;
				*pos = blk_len;
				return 0;
			}
		} else {
			/* §4.3: 8-bit id, 8-bit length (0 allowed) */
			const uint8_t *l = wire_rd_take(&r, 1);
			if (l == NULL)
				return RTP_E_EXT;
			id = h[0];
			len = l[0];
		}
		d = wire_rd_take(&r, len);
		if (d == NULL)
			return RTP_E_EXT;
		e->id = id;
		e->len = len;
		e->off = (uint16_t)(blk_off + (size_t)(d - blk));
		*pos = r.off;
		return 1;
	}
}

int
rtp_pkt_parse(struct rtp_pkt *p, const uint8_t *buf, size_t len)
{
	struct wire_rd r = {buf, len, 0};
	const uint8_t *h;
	size_t rest;
	int rc;

	/* ext[] past n_ext is left as it was: zeroing it would be a third of the parse */
	memset(p, 0, offsetof(struct rtp_pkt, ext));
	if (len > UINT16_MAX) {
		rc = RTP_E_INVAL; /* not a UDP payload */
		goto fail;
	}
	h = wire_rd_take(&r, RTP_HDR_LEN);
	if (h == NULL) {
		rc = RTP_E_SHORT;
		goto fail;
	}
	if (h[0] >> 6 != RTP_VERSION) {
		rc = RTP_E_VERSION;
		goto fail;
	}

	/* §5.1: CSRC list */
	p->cc = h[0] & 0x0f;
	if (wire_rd_take(&r, 4u * p->cc) == NULL) {
		rc = RTP_E_SHORT;
		goto fail;
	}

	/* §5.3.1: one extension block, its length in 32-bit words */
	if (h[0] & 0x10) {
		const uint8_t *eh = wire_rd_take(&r, RTP_EXT_HDR_LEN);
		const uint8_t *blk;
		size_t blk_len, pos = 0;
		struct rtp_ext e;
		int two_byte;

		if (eh == NULL) {
			rc = RTP_E_SHORT;
			goto fail;
		}
		p->flags |= RTP_F_EXT;
		p->ext_profile = wire_rd16(eh);
		blk_len = 4u * wire_rd16(eh + 2);
		p->ext_off = (uint16_t)r.off;
		blk = wire_rd_take(&r, blk_len);
		if (blk == NULL) {
			rc = RTP_E_SHORT;
			goto fail;
		}
		p->ext_len = (uint16_t)blk_len;
		if (p->ext_profile == RTP_EXT_PROFILE_ONE_BYTE)
			p->ext_form = RTP_EXT_ONE_BYTE;
		else if ((p->ext_profile & 0xfff0u) == RTP_EXT_PROFILE_TWO_BYTE)
			p->ext_form = RTP_EXT_TWO_BYTE;
		else
			p->ext_form = RTP_EXT_OTHER; /* not RFC 8285: no elements to walk */
		two_byte = p->ext_form == RTP_EXT_TWO_BYTE;
		while (p->ext_form != RTP_EXT_OTHER) {
			rc = rtp_ext_next(blk, blk_len, p->ext_off, two_byte, &pos, &e, &p->flags);
			if (rc == 0)
				break;
			if (rc < 0)
				goto fail;
			if (p->n_ext < RTP_EXT_MAX)
				p->ext[p->n_ext++] = e;
			else
				p->flags |= RTP_F_EXT_MORE;
		}
	}

	/* §5.1: the last octet of a padded packet counts the padding, itself included */
	rest = len - r.off;
	if (h[0] & 0x20) {
		uint8_t pad;
		if (rest == 0) {
			rc = RTP_E_PADDING;
			goto fail;
		}
		pad = buf[len - 1];
		if (pad == 0 || pad > rest) {
			rc = RTP_E_PADDING;
			goto fail;
		}
		p->flags |= RTP_F_PADDING;
		p->pad_len = pad;
		rest -= pad;
	}

	p->buf = buf;
	p->len = (uint16_t)len;
	if (h[1] & 0x80)
		p->flags |= RTP_F_MARKER;
	p->pt = h[1] & 0x7f;
	p->seq = wire_rd16(h + 2);
	p->ts = wire_rd32(h + 4);
	p->ssrc = wire_rd32(h + 8);
	p->payload_off = (uint16_t)r.off;
	p->payload_len = (uint16_t)rest;
	return RTP_OK;
fail:
	memset(p, 0, sizeof(*p));
	return rc;
}

uint32_t
rtp_pkt_csrc(const struct rtp_pkt *p, unsigned i)
{
	if (i >= p->cc)
		return 0;
	return wire_rd32(p->buf + RTP_HDR_LEN + 4u * i);
}

int
rtp_pkt_ext_find(const struct rtp_pkt *p, uint8_t id, struct rtp_ext *e)
{
	size_t pos;
	uint8_t flags = 0;
	struct rtp_ext cur;

	memset(e, 0, sizeof(*e));
	if (id == 0)
		return RTP_E_NOT_FOUND;
	for (unsigned i = 0; i < p->n_ext; i++) {
		if (p->ext[i].id == id) {
			*e = p->ext[i];
			return RTP_OK;
		}
	}
	if (!(p->flags & RTP_F_EXT_MORE))
		return RTP_E_NOT_FOUND;
	/* the block was walked whole at parse time; go on after the last element kept */
	cur = p->ext[RTP_EXT_MAX - 1];
	pos = (size_t)cur.off + cur.len - p->ext_off;
	while (rtp_ext_next(p->buf + p->ext_off, p->ext_len, p->ext_off,
	               p->ext_form == RTP_EXT_TWO_BYTE, &pos, &cur, &flags) > 0) {
		if (cur.id == id) {
			*e = cur;
			return RTP_OK;
		}
	}
	return RTP_E_NOT_FOUND;
}

/* The element's data, if it lies inside the packet and has a length in [min, max]. */
static const uint8_t *
rtp_ext_data(const struct rtp_pkt *p, const struct rtp_ext *e, uint8_t min, uint8_t max)
{
	if (e->len < min || e->len > max || (size_t)e->off + e->len > p->len || p->buf == NULL)
		return NULL;
	return p->buf + e->off;
}

/* RFC 4566 §9 token-char, the syntax of an identification-tag (RFC 5888 §4). */
static int
rtp_is_token_char(uint8_t c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d ||
	       c == 0x2e || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ||
	       (c >= 0x5e && c <= 0x7e);
}

int
rtp_ext_mid(const struct rtp_pkt *p, const struct rtp_ext *e, const uint8_t **mid, uint8_t *mid_len)
{
	const uint8_t *d = rtp_ext_data(p, e, 1, 255);

	if (d == NULL)
		return RTP_E_INVAL;
	for (unsigned i = 0; i < e->len; i++)
		if (!rtp_is_token_char(d[i]))
			return RTP_E_INVAL;
	*mid = d;
	*mid_len = e->len;
	return RTP_OK;
}

int
rtp_ext_abs_send_time(const struct rtp_pkt *p, const struct rtp_ext *e, uint32_t *t24)
{
	const uint8_t *d = rtp_ext_data(p, e, 3, 3);

	if (d == NULL)
		return RTP_E_INVAL;
	*t24 = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
	return RTP_OK;
}

int
rtp_ext_twcc_seq(const struct rtp_pkt *p, const struct rtp_ext *e, uint16_t *seq)
{
	const uint8_t *d = rtp_ext_data(p, e, 2, 2);

	if (d == NULL)
		return RTP_E_INVAL;
	*seq = wire_rd16(d);
	return RTP_OK;
}

int
rtp_ext_audio_level(const struct rtp_pkt *p, const struct rtp_ext *e, int *voice, uint8_t *level)
{
	const uint8_t *d = rtp_ext_data(p, e, 1, 1);

	if (d == NULL)
		return RTP_E_INVAL;
	*voice = d[0] >> 7;
	*level = d[0] & 0x7f;
	return RTP_OK;
}

uint32_t
rtp_abs_send_time_from_us(uint64_t now_us)
{
	uint64_t sec = now_us / 1000000u, frac = now_us % 1000000u;

	return (uint32_t)(((sec & 63u) << 18) | ((frac << 18) / 1000000u));
}

uint32_t
rtp_abs_send_time_to_us(uint32_t t24)
{
	return (uint32_t)(((uint64_t)(t24 & 0xffffffu) * 1000000u) >> 18);
}

void
rtp_hdr_set_ssrc(uint8_t *buf, uint32_t ssrc)
{
	wire_wr32(buf + 8, ssrc);
}

void
rtp_hdr_set_pt(uint8_t *buf, uint8_t pt)
{
	buf[1] = (uint8_t)((buf[1] & 0x80) | (pt & 0x7f));
}

void
rtp_hdr_set_marker(uint8_t *buf, int marker)
{
	buf[1] = (uint8_t)((buf[1] & 0x7f) | (marker ? 0x80 : 0));
}

void
rtp_hdr_set_seq(uint8_t *buf, uint16_t seq)
{
	wire_wr16(buf + 2, seq);
}

void
rtp_hdr_set_ts(uint8_t *buf, uint32_t ts)
{
	wire_wr32(buf + 4, ts);
}

int
rtp_pkt_ext_write(uint8_t *buf, const struct rtp_pkt *p, uint8_t id, const void *val, size_t len)
{
	struct rtp_ext e;
	int rc = rtp_pkt_ext_find(p, id, &e);

	if (rc != RTP_OK)
		return rc;
	if (len != e.len || buf != p->buf)
		return RTP_E_INVAL;
	memcpy(buf + e.off, val, len);
	return RTP_OK;
}

int
rtp_pkt_ext_set_id(uint8_t *buf, const struct rtp_pkt *p, uint8_t id, uint8_t new_id)
{
	struct rtp_ext e;
	int rc;

	if (new_id == 0 || (p->ext_form == RTP_EXT_ONE_BYTE && new_id > RTP_EXT_ONE_BYTE_MAX_ID))
		return RTP_E_INVAL;
	rc = rtp_pkt_ext_find(p, id, &e);
	if (rc != RTP_OK)
		return rc;
	if (buf != p->buf)
		return RTP_E_INVAL;
	if (p->ext_form == RTP_EXT_ONE_BYTE)
		buf[e.off - 1] = (uint8_t)(new_id << 4 | (e.len - 1));
	else
		buf[e.off - 2] = new_id;
	return RTP_OK;
}

int
rtp_pkt_ext_clear(uint8_t *buf, const struct rtp_pkt *p, uint8_t id)
{
	struct rtp_ext e;
	size_t hdr;
	int rc = rtp_pkt_ext_find(p, id, &e);

	if (rc != RTP_OK)
		return rc;
	if (buf != p->buf)
		return RTP_E_INVAL;
	hdr = p->ext_form == RTP_EXT_ONE_BYTE ? 1 : 2;
	memset(buf + e.off - hdr, 0, hdr + e.len);
	return RTP_OK;
}

void
rtp_build_begin(struct rtp_builder *b, uint8_t *buf, size_t cap, uint8_t pt, int marker,
        uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->ext_hdr = 0;
	b->two_byte = 0;
	b->err = 0;
	if (pt > 127) {
		b->err = RTP_E_INVAL;
		return;
	}
	if (cap < RTP_HDR_LEN) {
		b->err = RTP_E_NOSPACE;
		return;
	}
	buf[0] = RTP_VERSION << 6;
	buf[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	wire_wr16(buf + 2, seq);
	wire_wr32(buf + 4, ts);
	wire_wr32(buf + 8, ssrc);
	b->len = RTP_HDR_LEN;
}

void
rtp_build_csrc(struct rtp_builder *b, uint32_t csrc)
{
	if (b->err)
		return;
	if (b->ext_hdr != 0 || (b->buf[0] & 0x0f) == RTP_MAX_CSRC) {
		b->err = RTP_E_INVAL;
		return;
	}
	if (b->cap - b->len < 4) {
		b->err = RTP_E_NOSPACE;
		return;
	}
	wire_wr32(b->buf + b->len, csrc);
	b->len += 4;
	b->buf[0]++;
}

void
rtp_build_ext_begin(struct rtp_builder *b, int two_byte)
{
	if (b->err)
		return;
	if (b->ext_hdr != 0) {
		b->err = RTP_E_INVAL;
		return;
	}
	if (b->cap - b->len < RTP_EXT_HDR_LEN) {
		b->err = RTP_E_NOSPACE;
		return;
	}
	b->two_byte = two_byte != 0;
	b->ext_hdr = b->len;
	wire_wr16(
	        b->buf + b->len, b->two_byte ? RTP_EXT_PROFILE_TWO_BYTE : RTP_EXT_PROFILE_ONE_BYTE);
	wire_wr16(b->buf + b->len + 2, 0);
	b->len += RTP_EXT_HDR_LEN;
	b->buf[0] |= 0x10;
}

void
rtp_build_ext(struct rtp_builder *b, uint8_t id, const void *val, size_t len)
{
	size_t need;

	if (b->err)
		return;
	if (b->ext_hdr == 0 || id == 0 ||
	        (b->two_byte ? len > 255
	                     : id > RTP_EXT_ONE_BYTE_MAX_ID || len == 0 ||
	                                len > RTP_EXT_ONE_BYTE_MAX_LEN)) {
		b->err = RTP_E_INVAL;
		return;
	}
	need = (b->two_byte ? 2 : 1) + len;
	/* the block's length field counts words: keep the padded block under 2^18 bytes */
	if (b->cap - b->len < need ||
	        b->len + need - b->ext_hdr - RTP_EXT_HDR_LEN > 4u * 0xffffu - 3) {
		b->err = RTP_E_NOSPACE;
		return;
	}
	if (b->two_byte) {
		b->buf[b->len++] = id;
		b->buf[b->len++] = (uint8_t)len;
	} else {
		b->buf[b->len++] = (uint8_t)(id << 4 | (len - 1));
	}
	if (len != 0)
		memcpy(b->buf + b->len, val, len);
	b->len += len;
}

int
rtp_build_end(struct rtp_builder *b)
{
	size_t data;

	if (b->err)
		return b->err;
	if (b->ext_hdr != 0) {
		data = b->len - b->ext_hdr - RTP_EXT_HDR_LEN;
		while (data % 4 != 0) {
			if (b->cap == b->len) {
				b->err = RTP_E_NOSPACE;
				return b->err;
			}
			b->buf[b->len++] = 0; /* RFC 8285 §4.1: padding bytes */
			data++;
		}
		wire_wr16(b->buf + b->ext_hdr + 2, (uint16_t)(data / 4));
	}
	if (b->len > UINT16_MAX) {
		b->err = RTP_E_NOSPACE;
		return b->err;
	}
	return (int)b->len;
}

const char *
rtp_strerror(int err)
{
	switch (err) {
	case RTP_OK:
		return "ok";
	case RTP_E_SHORT:
		return "truncated";
	case RTP_E_VERSION:
		return "version is not 2";
	case RTP_E_PADDING:
		return "bad padding count";
	case RTP_E_EXT:
		return "header extension element overruns its block";
	case RTP_E_NOT_FOUND:
		return "no such header extension";
	case RTP_E_INVAL:
		return "invalid argument";
	case RTP_E_NOSPACE:
		return "buffer too small";
	}
	return "?";
}
