/* SFU forwarding, per packet (see fwd.h). */
#include <string.h>

#include "fwd.h"

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t
fwd_rtp_ssrc(const uint8_t *p, uint16_t len)
{
	return len >= 12 ? rd32(p + 8) : 0;
}

uint16_t
fwd_rtp_rewrite(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc)
{
	uint32_t hdr, ext = 0;
	uint16_t n;

	if (len < 12 || (in[0] >> 6) != 2)
		return 0;
	hdr = 12u + 4u * (in[0] & 0x0f); /* CSRCs */
	if (hdr > len)
		return 0;
	if (in[0] & 0x10) { /* RFC 3550 §5.3.1: 16-bit profile, 16-bit length in words */
		if (hdr + 4 > len)
			return 0;
		ext = 4u + 4u * ((uint32_t)in[hdr + 2] << 8 | in[hdr + 3]);
		if (hdr + ext > len)
			return 0;
	}
	n = (uint16_t)(len - ext);
	if (n > cap)
		return 0;
	memcpy(out, in, hdr);
	memcpy(out + hdr, in + hdr + ext, len - hdr - ext);
	out[0] &= (uint8_t)~0x10;
	out[1] = (uint8_t)((in[1] & 0x80) | (pt & 0x7f));
	wr32(out + 8, ssrc);
	return n;
}

void
fwd_seqmap_next(struct fwd_seqmap *m, uint32_t ssrc, uint16_t seq, uint32_t ts, uint32_t clock_hz,
		uint64_t now_us)
{
	uint16_t out_seq;

	if (!m->on) {
		m->on = 1;
		m->src = ssrc;
		m->seq_add = 0;
		m->ts_add = 0;
		m->last_seq = (uint16_t)(seq - 1);
		m->last_ts = ts;
		m->last_us = now_us;
	} else if (ssrc != m->src) {
		uint64_t gap = (now_us - m->last_us) * (clock_hz ? clock_hz : 90000) / 1000000;
		m->src = ssrc;
		m->seq_add = (uint16_t)(m->last_seq + 1 - seq);
		m->ts_add = m->last_ts + (uint32_t)(gap ? gap : 1) - ts;
		m->last_seq = (uint16_t)(seq + m->seq_add - 1);
	}
	out_seq = (uint16_t)(seq + m->seq_add);
	if ((int16_t)(out_seq - m->last_seq) > 0) { /* newer (a retransmission is not) */
		m->last_seq = out_seq;
		m->last_ts = ts + m->ts_add;
		m->last_us = now_us;
	}
}

void
fwd_rtp_shift(uint8_t *p, uint16_t seq_add, uint32_t ts_add)
{
	uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);

	seq = (uint16_t)(seq + seq_add);
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	wr32(p + 4, rd32(p + 4) + ts_add);
}

void
fwd_rtcp_pli(uint8_t out[FWD_PLI_LEN], uint32_t sender, uint32_t media)
{
	out[0] = 0x80 | 1; /* V=2, FMT=1 (PLI) */
	out[1] = 206;      /* PSFB */
	out[2] = 0;
	out[3] = 2; /* length: 3 words - 1 */
	wr32(out + 4, sender);
	wr32(out + 8, media);
}

int
fwd_rtcp_wants_keyframe(const uint8_t *p, uint16_t len)
{
	uint32_t off = 0;

	while (off + 4 <= len) {
		uint32_t plen = 4u * (((uint32_t)p[off + 2] << 8 | p[off + 3]) + 1u);
		uint8_t fmt = p[off] & 0x1f;
		if ((p[off] >> 6) != 2 || off + plen > len)
			return 0;
		/* PLI: sender and media SSRC (12 octets); FIR: and one FCI entry at least (20) */
		if (p[off + 1] == 206 && ((fmt == 1 && plen >= 12) || (fmt == 4 && plen >= 20)))
			return 1;
		off += plen;
	}
	return 0;
}

/* Header length (fixed + CSRCs) and extension length of an RTP packet; -1 if malformed. */
static int
rtp_hdr(const uint8_t *in, uint16_t len, uint32_t *hdr, uint32_t *ext, uint32_t *pad)
{
	if (len < 12 || (in[0] >> 6) != 2)
		return -1;
	*hdr = 12u + 4u * (in[0] & 0x0f);
	*ext = 0;
	*pad = 0;
	if (*hdr > len)
		return -1;
	if (in[0] & 0x10) {
		if (*hdr + 4 > len)
			return -1;
		*ext = 4u + 4u * ((uint32_t)in[*hdr + 2] << 8 | in[*hdr + 3]);
		if (*hdr + *ext > len)
			return -1;
	}
	if (in[0] & 0x20) { /* RFC 3550 §5.1: the last octet counts the padding */
		*pad = in[len - 1];
		if (*pad == 0 || *hdr + *ext + *pad > len)
			return -1;
	}
	return 0;
}

int
fwd_rtp_payload(const uint8_t *p, uint16_t len, uint16_t *off, uint16_t *plen)
{
	uint32_t hdr, ext, pad;

	if (rtp_hdr(p, len, &hdr, &ext, &pad) != 0)
		return -1;
	*off = (uint16_t)(hdr + ext);
	*plen = (uint16_t)(len - hdr - ext - pad);
	return 0;
}

uint16_t
fwd_rtx_wrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t rtx_pt,
		uint32_t rtx_ssrc, uint16_t rtx_seq)
{
	uint32_t hdr, ext, pad, body;

	if (rtp_hdr(in, len, &hdr, &ext, &pad) != 0)
		return 0;
	body = len - hdr - ext - pad;
	if (hdr + 2 + body > cap)
		return 0;
	memcpy(out, in, hdr);
	out[0] &= (uint8_t)~0x30; /* no extension, no padding */
	out[1] = (uint8_t)((in[1] & 0x80) | (rtx_pt & 0x7f));
	out[2] = (uint8_t)(rtx_seq >> 8);
	out[3] = (uint8_t)rtx_seq;
	wr32(out + 8, rtx_ssrc);
	out[hdr] = in[2]; /* OSN */
	out[hdr + 1] = in[3];
	memcpy(out + hdr + 2, in + hdr + ext, body);
	return (uint16_t)(hdr + 2 + body);
}

uint16_t
fwd_rtx_unwrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc)
{
	uint32_t hdr, ext, pad, body;

	if (rtp_hdr(in, len, &hdr, &ext, &pad) != 0 || len - hdr - ext - pad < 2)
		return 0;
	body = len - hdr - ext - pad - 2;
	if (hdr + body > cap)
		return 0;
	memcpy(out, in, hdr);
	out[0] &= (uint8_t)~0x30;
	out[1] = (uint8_t)((in[1] & 0x80) | (pt & 0x7f));
	out[2] = in[hdr + ext]; /* the OSN is the original sequence number */
	out[3] = in[hdr + ext + 1];
	wr32(out + 8, ssrc);
	memcpy(out + hdr, in + hdr + ext + 2, body);
	return (uint16_t)(hdr + body);
}

unsigned
fwd_rtcp_nack_seqs(const uint8_t *p, uint16_t len, uint32_t media, uint16_t *seqs, unsigned cap)
{
	uint32_t off = 0;
	unsigned n = 0;

	while (off + 4 <= len) {
		uint32_t plen = 4u * (((uint32_t)p[off + 2] << 8 | p[off + 3]) + 1u);
		if ((p[off] >> 6) != 2 || off + plen > len)
			break;
		if (p[off + 1] == 205 && (p[off] & 0x1f) == 1 && plen >= 12 &&
				(media == 0 || rd32(p + off + 8) == media)) {
			for (uint32_t f = off + 12; f + 4 <= off + plen; f += 4) {
				uint16_t pid = (uint16_t)(p[f] << 8 | p[f + 1]);
				uint16_t blp = (uint16_t)(p[f + 2] << 8 | p[f + 3]);
				if (n < cap)
					seqs[n++] = pid;
				for (unsigned b = 0; b < 16; b++)
					if ((blp >> b) & 1 && n < cap)
						seqs[n++] = (uint16_t)(pid + b + 1);
			}
		}
		off += plen;
	}
	return n;
}

void
fwd_rtcp_nack(uint8_t out[FWD_NACK_LEN], uint32_t sender, uint32_t media, uint16_t pid,
		uint16_t blp)
{
	out[0] = 0x80 | 1; /* V=2, FMT=1 (generic NACK) */
	out[1] = 205;      /* RTPFB */
	out[2] = 0;
	out[3] = 3; /* 4 words - 1 */
	wr32(out + 4, sender);
	wr32(out + 8, media);
	out[12] = (uint8_t)(pid >> 8);
	out[13] = (uint8_t)pid;
	out[14] = (uint8_t)(blp >> 8);
	out[15] = (uint8_t)blp;
}
