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

/* ---- header extensions (RFC 8285) ---- */

static const char *const fwd_ext_uris[FWD_EXT_COUNT] = {
		[FWD_EXT_MID] = "urn:ietf:params:rtp-hdrext:sdes:mid",
		[FWD_EXT_ABS_SEND_TIME] = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
		[FWD_EXT_AUDIO_LEVEL] = "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
		[FWD_EXT_TOFFSET] = "urn:ietf:params:rtp-hdrext:toffset",
		[FWD_EXT_VIDEO_ORIENTATION] = "urn:3gpp:video-orientation",
		[FWD_EXT_PLAYOUT_DELAY] = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
};

int
fwd_ext_index(const char *uri)
{
	for (unsigned i = 0; i < FWD_EXT_COUNT; i++)
		if (strcmp(uri, fwd_ext_uris[i]) == 0)
			return (int)i;
	return -1;
}

const char *
fwd_ext_uri(unsigned i)
{
	return i < FWD_EXT_COUNT ? fwd_ext_uris[i] : NULL;
}

/* One element to send: the viewer's id and the value (in the packet, or the viewer's mid). */
struct ext_el {
	const uint8_t *d;
	uint8_t id;
	uint8_t len;
};

/* The element does not fit the one-byte form (RFC 8285 §4.2: id 1..14, 1..16 bytes). */
static inline int
ext_needs_two_byte(const struct ext_el *e)
{
	return e->id > 14 || e->len == 0 || e->len > 16;
}

/*
 * @blk[0..blk_len): an RTP extension block, its 4-byte header included (the
 * length already checked against the packet). Writes the block for the viewer
 * into @out (at most @room bytes): returns its length (a multiple of 4), or 0
 * when nothing is left for it (dropped elements and malformed blocks counted).
 * When the viewer gets the block as it is, *@whole is set and nothing written.
 */
static uint32_t
ext_remap(const uint8_t *blk, uint32_t blk_len, uint8_t *out, uint32_t room,
		const struct fwd_extmap *from, const struct fwd_extmap *to, struct fwd_ext_count *cnt,
		int *whole)
{
	uint16_t profile = (uint16_t)(blk[0] << 8 | blk[1]);
	struct ext_el el[FWD_EXT_COUNT];
	unsigned n = 0, seen = 0, k;
	int two_in, two_out = 0, same = 1;
	uint32_t pos = 4, need;

	if (profile == 0xbede) {
		two_in = 0; /* §4.2 */
	} else if ((profile & 0xfff0) == 0x1000) {
		two_in = 1; /* §4.3; the low 4 bits (appbits) are not ours to keep */
		same = to->mixed && (profile & 0x000f) == 0;
	} else {
		cnt->malformed++; /* not an RFC 8285 block: nothing we can map */
		return 0;
	}
	while (pos < blk_len) {
		uint8_t b = blk[pos], id, len;
		if (b == 0) { /* §4.1: padding, in either form */
			pos++;
			continue;
		}
		if (!two_in) {
			id = b >> 4;
			len = (uint8_t)((b & 0x0f) + 1);
			/* §4.2: 15 stops the walk (and so does an id 0 with a length) */
			if (id == 15 || id == 0) {
				same = 0;
				break;
			}
			pos += 1;
		} else {
			if (blk_len - pos < 2)
				goto malformed;
			id = b;
			len = blk[pos + 1];
			pos += 2;
		}
		if (len > blk_len - pos)
			goto malformed;
		for (k = 0; k < FWD_EXT_COUNT && from->id[k] != id; k++)
			;
		if (k == FWD_EXT_COUNT || to->id[k] == 0 || (seen & (1u << k)) ||
				(k == FWD_EXT_MID && to->mid_len == 0)) {
			cnt->dropped++; /* not negotiated by one side (or twice in a packet) */
			same = 0;
		} else {
			struct ext_el *e = &el[n++];
			seen |= 1u << k;
			e->id = to->id[k];
			e->d = blk + pos;
			e->len = len;
			if (k == FWD_EXT_MID &&
					(len != to->mid_len || memcmp(e->d, to->mid, len) != 0)) {
				/* RFC 9143 §15: a BUNDLE receiver demultiplexes by its own mid */
				e->d = (const uint8_t *)to->mid;
				e->len = to->mid_len;
				same = 0;
			}
			if (e->id != id)
				same = 0;
			if (ext_needs_two_byte(e))
				two_out = 1;
		}
		pos += len;
	}
	if (same && n != 0 && blk_len <= room) {
		*whole = 1; /* every element as it was: the block as it was */
		cnt->kept += n;
		return blk_len;
	}
	if (two_out && !to->mixed) {
		/* RFC 8285 §6: no two-byte form for a receiver that did not allow it */
		unsigned j = 0;
		for (unsigned i = 0; i < n; i++) {
			if (ext_needs_two_byte(&el[i]))
				cnt->dropped++;
			else
				el[j++] = el[i];
		}
		n = j;
		two_out = 0;
	}
	need = 4;
	for (unsigned i = 0; i < n; i++)
		need += (two_out ? 2u : 1u) + el[i].len;
	need = (need + 3u) & ~3u;
	if (n == 0 || need > room) {
		cnt->dropped += n;
		return 0;
	}
	out[0] = two_out ? 0x10 : 0xbe;
	out[1] = two_out ? 0x00 : 0xde;
	out[2] = (uint8_t)((need - 4) / 4 >> 8);
	out[3] = (uint8_t)((need - 4) / 4);
	pos = 4;
	for (unsigned i = 0; i < n; i++) {
		if (two_out) {
			out[pos++] = el[i].id;
			out[pos++] = el[i].len;
		} else {
			out[pos++] = (uint8_t)(el[i].id << 4 | (el[i].len - 1));
		}
		memcpy(out + pos, el[i].d, el[i].len);
		pos += el[i].len;
	}
	memset(out + pos, 0, need - pos); /* §4.1: padding bytes up to the 32-bit boundary */
	cnt->kept += n;
	return need;
malformed:
	cnt->malformed++;
	return 0;
}

/* Header length (fixed + CSRCs) and extension length of an RTP packet; -1 if malformed. */
static int
rtp_hdr_ext(const uint8_t *in, uint16_t len, uint32_t *hdr, uint32_t *ext)
{
	if (len < 12 || (in[0] >> 6) != 2)
		return -1;
	*hdr = 12u + 4u * (in[0] & 0x0f); /* CSRCs */
	*ext = 0;
	if (*hdr > len)
		return -1;
	if (in[0] & 0x10) { /* RFC 3550 §5.3.1: 16-bit profile, 16-bit length in words */
		if (*hdr + 4 > len)
			return -1;
		*ext = 4u + 4u * ((uint32_t)in[*hdr + 2] << 8 | in[*hdr + 3]);
		if (*hdr + *ext > len)
			return -1;
	}
	return 0;
}

uint16_t
fwd_rtp_remap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc, const struct fwd_extmap *from, const struct fwd_extmap *to,
		struct fwd_ext_count *cnt)
{
	struct fwd_ext_count scratch;
	uint32_t hdr, ext, x = 0, rest;
	int whole = 0;

	if (rtp_hdr_ext(in, len, &hdr, &ext) != 0)
		return 0;
	rest = len - hdr - ext; /* payload and padding */
	if (hdr + rest > cap)
		return 0;
	if (ext != 0 && from != NULL && to != NULL)
		x = ext_remap(in + hdr, ext, out + hdr, cap - hdr - rest, from, to,
				cnt ? cnt : &scratch, &whole);
	if (whole) {
		memcpy(out, in, len); /* the common case (same ids): one copy */
	} else {
		memcpy(out, in, hdr);
		memcpy(out + hdr + x, in + hdr + ext, rest);
	}
	out[0] = (uint8_t)((in[0] & ~0x10) | (x ? 0x10 : 0));
	out[1] = (uint8_t)((in[1] & 0x80) | (pt & 0x7f));
	wr32(out + 8, ssrc);
	return (uint16_t)(hdr + x + rest);
}

/*
 * The longest block ext_remap() builds: each enum fwd_ext at most once, in the
 * two-byte form (2 + 255 bytes), after the 4-byte header, padded to 32 bits.
 */
#define EXT_BLOCK_MAX ((4u + FWD_EXT_COUNT * 257u + 3u) & ~3u)

uint16_t
fwd_rtp_remap_inplace(uint8_t *p, uint16_t len, uint16_t cap, uint8_t pt, uint32_t ssrc,
		const struct fwd_extmap *from, const struct fwd_extmap *to,
		struct fwd_ext_count *cnt)
{
	struct fwd_ext_count scratch;
	uint8_t blk[EXT_BLOCK_MAX];
	uint32_t hdr, ext, x = 0, rest;
	int whole = 0;

	if (cap < len || rtp_hdr_ext(p, len, &hdr, &ext) != 0)
		return 0;
	rest = len - hdr - ext;
	if (ext != 0 && from != NULL && to != NULL)
		x = ext_remap(p + hdr, ext, blk, cap - hdr - rest, from, to, cnt ? cnt : &scratch,
				&whole);
	if (!whole) {
		/* the block rebuilt (or dropped): the payload moves to follow it */
		if (x != ext)
			memmove(p + hdr + x, p + hdr + ext, rest);
		memcpy(p + hdr, blk, x);
	}
	p[0] = (uint8_t)((p[0] & ~0x10) | (x ? 0x10 : 0));
	p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7f));
	wr32(p + 8, ssrc);
	return (uint16_t)(hdr + x + rest);
}

uint16_t
fwd_rtp_rewrite(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc)
{
	return fwd_rtp_remap(in, len, out, cap, pt, ssrc, NULL, NULL, NULL);
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

/* Header, extension and padding lengths of an RTP packet; -1 if malformed. */
static int
rtp_hdr(const uint8_t *in, uint16_t len, uint32_t *hdr, uint32_t *ext, uint32_t *pad)
{
	if (rtp_hdr_ext(in, len, hdr, ext) != 0)
		return -1;
	*pad = 0;
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
fwd_rtx_wrap_ext(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t rtx_pt,
		uint32_t rtx_ssrc, uint16_t rtx_seq, const struct fwd_extmap *from,
		const struct fwd_extmap *to, struct fwd_ext_count *cnt)
{
	struct fwd_ext_count scratch;
	uint32_t hdr, ext, pad, body, x = 0;
	int whole = 0;

	if (rtp_hdr(in, len, &hdr, &ext, &pad) != 0)
		return 0;
	body = len - hdr - ext - pad;
	if (hdr + 2 + body > cap)
		return 0;
	if (ext != 0 && from != NULL && to != NULL)
		x = ext_remap(in + hdr, ext, out + hdr, cap - hdr - 2 - body, from, to,
				cnt ? cnt : &scratch, &whole);
	memcpy(out, in, whole ? hdr + x : hdr);
	out[0] = (uint8_t)((in[0] & ~0x30) | (x ? 0x10 : 0)); /* no padding */
	out[1] = (uint8_t)((in[1] & 0x80) | (rtx_pt & 0x7f));
	out[2] = (uint8_t)(rtx_seq >> 8);
	out[3] = (uint8_t)rtx_seq;
	wr32(out + 8, rtx_ssrc);
	out[hdr + x] = in[2]; /* OSN */
	out[hdr + x + 1] = in[3];
	memcpy(out + hdr + x + 2, in + hdr + ext, body);
	return (uint16_t)(hdr + x + 2 + body);
}

uint16_t
fwd_rtx_wrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t rtx_pt,
		uint32_t rtx_ssrc, uint16_t rtx_seq)
{
	return fwd_rtx_wrap_ext(in, len, out, cap, rtx_pt, rtx_ssrc, rtx_seq, NULL, NULL, NULL);
}

uint16_t
fwd_rtx_unwrap(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt,
		uint32_t ssrc)
{
	uint32_t hdr, ext, pad, body;

	if (rtp_hdr(in, len, &hdr, &ext, &pad) != 0 || len - hdr - ext - pad < 2)
		return 0;
	body = len - hdr - ext - pad - 2;
	if (hdr + ext + body > cap)
		return 0;
	memcpy(out, in, hdr + ext); /* the extension block as it came (the section's ids) */
	out[0] &= (uint8_t)~0x20;
	out[1] = (uint8_t)((in[1] & 0x80) | (pt & 0x7f));
	out[2] = in[hdr + ext]; /* the OSN is the original sequence number */
	out[3] = in[hdr + ext + 1];
	wr32(out + 8, ssrc);
	memcpy(out + hdr + ext, in + hdr + ext + 2, body);
	return (uint16_t)(hdr + ext + body);
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
