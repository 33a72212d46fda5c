/*
 * dataplane/fwd.c: the SFU's per-packet rewrites and its own RTCP, on aiortc's
 * RTP/RTCP samples (tests/vectors/rtp_rtcp) and packets built here; the NACK
 * and keyframe readers checked against the RTCP module's independent parser;
 * the sequence/timestamp map across a change of publisher; header extensions
 * remapped between extmaps (RFC 8285's block examples, aiortc's sdes:mid
 * packet), read back with the RTP module's independent parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fwd.h"
#include "rtcp.h"
#include "rtp.h"
#include "vectors.h"

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An RTP packet: PT 111, seq, ts, SSRC, optionally a one-byte extension block and CSRCs. */
static uint16_t
rtp_make(uint8_t *p, uint16_t seq, uint32_t ts, uint32_t ssrc, int ext, unsigned cc,
		const uint8_t *pl, uint16_t plen)
{
	uint16_t n = 12;

	p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
	p[1] = 0x80 | 111; /* marker */
	p[2] = (uint8_t)(seq >> 8), p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24), p[5] = (uint8_t)(ts >> 16), p[6] = (uint8_t)(ts >> 8),
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24), p[9] = (uint8_t)(ssrc >> 16), p[10] = (uint8_t)(ssrc >> 8),
	p[11] = (uint8_t)ssrc;
	for (unsigned i = 0; i < cc; i++, n += 4)
		memset(p + n, (int)(0xc0 + i), 4);
	if (ext) {
		static const uint8_t e[8] = {0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0};
		memcpy(p + n, e, sizeof(e));
		n += sizeof(e);
	}
	if (plen != 0)
		memcpy(p + n, pl, plen); /* pl may be NULL with no payload */
	return (uint16_t)(n + plen);
}

static void
test_rewrite_vectors(void **state)
{
	uint8_t in[1500], out[1500];
	size_t n;
	uint16_t m, off, plen, off2, plen2;

	(void)state;
	/* one-byte extension (sdes:mid): dropped, X cleared, PT/SSRC ours, the rest as it was */
	n = vector_load("rtp_rtcp", "aiortc_rtp_with_sdes_mid", in, sizeof(in));
	assert_true(n > 12 && (in[0] & 0x10));
	assert_int_equal(fwd_rtp_payload(in, (uint16_t)n, &off, &plen), 0);
	m = fwd_rtp_rewrite(in, (uint16_t)n, out, sizeof(out), 100, 0xdeadbeef);
	assert_int_equal(m, 12 + (n - off));
	assert_int_equal(out[0] & 0x10, 0);
	assert_int_equal(out[1] & 0x7f, 100);
	assert_int_equal(out[1] & 0x80, in[1] & 0x80);
	assert_memory_equal(out + 2, in + 2, 6); /* sequence number, timestamp */
	assert_int_equal(rd32(out + 8), 0xdeadbeef);
	assert_memory_equal(out + 12, in + off, n - off);
	assert_int_equal(fwd_rtp_ssrc(out, m), 0xdeadbeef);
	assert_int_equal(fwd_rtp_pt(out, m), 100);
	/* CSRCs kept */
	n = vector_load("rtp_rtcp", "aiortc_rtp_with_csrc", in, sizeof(in));
	assert_int_equal(in[0] & 0x0f, 2);
	m = fwd_rtp_rewrite(in, (uint16_t)n, out, sizeof(out), 96, 1);
	assert_int_equal(m, n);
	assert_memory_equal(out + 12, in + 12, n - 12);
	assert_int_equal(fwd_rtp_payload(in, (uint16_t)n, &off, &plen), 0);
	assert_int_equal(off, 20);
	/* padding only (a bandwidth probe): an empty payload, the extension gone, padding kept */
	n = vector_load("rtp_rtcp", "aiortc_rtp_only_padding_with_header_extensions", in, sizeof(in));
	assert_int_equal(fwd_rtp_payload(in, (uint16_t)n, &off, &plen), 0);
	assert_int_equal(plen, 0);
	m = fwd_rtp_rewrite(in, (uint16_t)n, out, sizeof(out), 96, 1);
	assert_true(m > 0 && (out[0] & 0x20));
	assert_int_equal(fwd_rtp_payload(out, m, &off2, &plen2), 0);
	assert_int_equal(plen2, 0);
	/* too small an output, not version 2, every truncation */
	n = vector_load("rtp_rtcp", "aiortc_rtp_with_sdes_mid", in, sizeof(in));
	assert_int_equal(fwd_rtp_rewrite(in, (uint16_t)n, out, 12, 96, 1), 0);
	in[0] ^= 0xc0;
	assert_int_equal(fwd_rtp_rewrite(in, (uint16_t)n, out, sizeof(out), 96, 1), 0);
	assert_int_equal(fwd_rtp_payload(in, (uint16_t)n, &off, &plen), -1);
	in[0] ^= 0xc0;
	for (size_t cut = 0; cut < 12 + 4 + 4u * (in[14] << 8 | in[15]); cut++)
		assert_int_equal(fwd_rtp_rewrite(in, (uint16_t)cut, out, sizeof(out), 96, 1), 0);
}

/* PLI and FIR (RFC 4585, 5104) ask for a keyframe; other RTCP and broken compounds do not.
 * Checked against the RTCP module's walk of the same bytes. */
static void
test_wants_keyframe(void **state)
{
	uint8_t pli[64], buf[256], mine[FWD_PLI_LEN];
	size_t n, k;
	struct rtcp_builder b;
	struct rtcp_fir_entry fir = {0x1234, 7};
	int len;

	(void)state;
	n = vector_load("rtp_rtcp", "aiortc_rtcp_psfb_pli", pli, sizeof(pli));
	assert_int_equal(fwd_rtcp_wants_keyframe(pli, (uint16_t)n), 1);
	k = vector_load("rtp_rtcp", "aiortc_rtcp_rr", buf, sizeof(buf));
	assert_int_equal(fwd_rtcp_wants_keyframe(buf, (uint16_t)k), 0);
	memcpy(buf + k, pli, n); /* RR, PLI: a compound */
	assert_int_equal(fwd_rtcp_wants_keyframe(buf, (uint16_t)(k + n)), 1);
	n = vector_load("rtp_rtcp", "aiortc_rtcp_psfb_invalid", buf, sizeof(buf));
	assert_int_equal(fwd_rtcp_wants_keyframe(buf, (uint16_t)n), 0);
	n = vector_load("rtp_rtcp", "aiortc_rtcp_rtpfb", buf, sizeof(buf));
	assert_int_equal(fwd_rtcp_wants_keyframe(buf, (uint16_t)n), 0);
	/* ours: byte for byte what the RTCP builder makes */
	fwd_rtcp_pli(mine, 0x11111111, 0x22222222);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_pli(&b, 0x11111111, 0x22222222);
	assert_int_equal(rtcp_build_end(&b), FWD_PLI_LEN);
	assert_memory_equal(mine, buf, FWD_PLI_LEN);
	assert_int_equal(fwd_rtcp_wants_keyframe(mine, FWD_PLI_LEN), 1);
	for (unsigned cut = 0; cut < FWD_PLI_LEN; cut++)
		assert_int_equal(fwd_rtcp_wants_keyframe(mine, (uint16_t)cut), 0);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_fir(&b, 1, &fir, 1);
	len = rtcp_build_end(&b);
	assert_true(len > 0);
	assert_int_equal(fwd_rtcp_wants_keyframe(buf, (uint16_t)len), 1);
}

/* Generic NACKs: what fwd reads is what the RTCP module expands; what fwd builds reads back. */
static void
test_nack(void **state)
{
	uint8_t buf[256], mine[FWD_NACK_LEN];
	uint16_t seqs[FWD_NACK_MAX_SEQ], want[256];
	struct rtcp_iter it;
	struct rtcp_pkt p;
	struct rtcp_fb fb;
	size_t n;
	unsigned got;
	int nw = -1;

	(void)state;
	n = vector_load("rtp_rtcp", "aiortc_rtcp_rtpfb", buf, sizeof(buf));
	rtcp_iter_init(&it, buf, n);
	while (rtcp_iter_next(&it, &p) == 1)
		if (p.pt == RTCP_PT_RTPFB && rtcp_fb_parse(&p, &fb) == RTCP_OK)
			nw = rtcp_nack_expand_all(&fb, want, 256);
	assert_true(nw > 0);
	got = fwd_rtcp_nack_seqs(buf, (uint16_t)n, 0, seqs, FWD_NACK_MAX_SEQ);
	assert_int_equal(got, nw < FWD_NACK_MAX_SEQ ? nw : FWD_NACK_MAX_SEQ);
	assert_memory_equal(seqs, want, got * sizeof(seqs[0]));
	assert_int_equal(fwd_rtcp_nack_seqs(buf, (uint16_t)n, fb.media_ssrc + 1, seqs, 64), 0);
	assert_int_equal(fwd_rtcp_nack_seqs(buf, (uint16_t)n, fb.media_ssrc, seqs, 2), 2);
	/* ours: pid 65534 and bits 0, 1, 15 -> 65534, 65535, 0, 14 (across the wrap) */
	fwd_rtcp_nack(mine, 5, 6, 65534, 0x8003);
	got = fwd_rtcp_nack_seqs(mine, FWD_NACK_LEN, 6, seqs, 64);
	assert_int_equal(got, 4);
	assert_int_equal(seqs[0], 65534);
	assert_int_equal(seqs[1], 65535);
	assert_int_equal(seqs[2], 0);
	assert_int_equal(seqs[3], 14);
	for (unsigned cut = 0; cut < FWD_NACK_LEN; cut++)
		assert_int_equal(fwd_rtcp_nack_seqs(mine, (uint16_t)cut, 6, seqs, 64), 0);
}

/* RFC 4588: wrap for a viewer, unwrap a publisher's: the original comes back. */
static void
test_rtx_round_trip(void **state)
{
	static const uint8_t pl[5] = {1, 2, 3, 4, 5};
	uint8_t in[64], rtx[80], back[80], plain[80];
	uint16_t n = rtp_make(in, 4242, 90000, 0xaaaa, 1, 1, pl, sizeof(pl)), r, b, p;

	(void)state;
	r = fwd_rtx_wrap(in, n, rtx, sizeof(rtx), 97, 0xbbbb, 7);
	assert_true(r > 0);
	assert_int_equal(rtx[1] & 0x7f, 97);
	assert_int_equal(rtx[2] << 8 | rtx[3], 7);
	assert_int_equal(rd32(rtx + 8), 0xbbbb);
	assert_int_equal(rtx[0] & 0x10, 0); /* no extension */
	assert_int_equal(rtx[16] << 8 | rtx[17], 4242); /* the OSN after the CSRC */
	b = fwd_rtx_unwrap(rtx, r, back, sizeof(back), 111, 0xaaaa);
	p = fwd_rtp_rewrite(in, n, plain, sizeof(plain), 111, 0xaaaa);
	assert_int_equal(b, p);
	assert_memory_equal(back, plain, p);
	assert_int_equal(fwd_rtx_wrap(in, n, rtx, 10, 97, 1, 1), 0);
	for (uint16_t cut = 0; cut < 18; cut++)
		assert_int_equal(fwd_rtx_unwrap(rtx, cut, back, sizeof(back), 111, 1), 0);
}

/* One viewer, two publishers in turn: its numbers go on without a jump. */
static void
test_seqmap(void **state)
{
	struct fwd_seqmap m;
	uint8_t p[40];
	static const uint8_t pl[4] = {0};
	uint64_t t = 1000000;

	(void)state;
	memset(&m, 0, sizeof(m));
	/* the first publisher passes through as it is, across the sequence wrap */
	for (uint16_t i = 0; i < 5; i++, t += 20000) {
		fwd_seqmap_next(&m, 0xa, (uint16_t)(65533 + i), 1000 + 960u * i, 48000, t);
		assert_int_equal(m.seq_add, 0);
		assert_int_equal(m.ts_add, 0);
	}
	assert_int_equal(m.last_seq, 1);
	assert_int_equal(m.last_ts, 1000 + 960 * 4);
	/* a late (reordered) one changes nothing */
	fwd_seqmap_next(&m, 0xa, 65534, 1000 + 960, 48000, t);
	assert_int_equal(m.last_seq, 1);
	/* a new publisher 500 ms later: its 777 / 5000000 become 2 / last + 24000 */
	t += 500000 - 20000;
	fwd_seqmap_next(&m, 0xb, 777, 5000000, 48000, t);
	assert_int_equal((uint16_t)(777 + m.seq_add), 2);
	assert_int_equal(5000000 + m.ts_add, 1000 + 960 * 4 + 24000);
	rtp_make(p, 778, 5000960, 0xb, 0, 0, pl, sizeof(pl));
	fwd_seqmap_next(&m, 0xb, 778, 5000960, 48000, t + 20000);
	fwd_rtp_shift(p, m.seq_add, m.ts_add);
	assert_int_equal(p[2] << 8 | p[3], 3);
	assert_int_equal(rd32(p + 4), 1000 + 960 * 5 + 24000);
	/* and back to the first SSRC (a restart): continues again, at least one tick later */
	fwd_seqmap_next(&m, 0xa, 100, 1, 48000, t + 20000);
	assert_int_equal((uint16_t)(100 + m.seq_add), 4);
	assert_int_equal(1 + m.ts_add, 1000 + 960 * 5 + 24000 + 1);
	/* clock 0 means video's 90 kHz */
	memset(&m, 0, sizeof(m));
	fwd_seqmap_next(&m, 1, 10, 0, 0, 0);
	fwd_seqmap_next(&m, 2, 500, 0, 0, 1000000);
	assert_int_equal(m.ts_add, 90000);
}


/* ---- header extensions ---- */

static const uint8_t ext_pl[6] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6};

/* An RTP packet (PT 111, seq 1000, ts 5, SSRC 0xaaaa, one CSRC) with the extension block @blk. */
static uint16_t
rtp_with_block(uint8_t *p, const uint8_t *blk, uint16_t blk_len)
{
	uint16_t n = rtp_make(p, 1000, 5, 0xaaaa, 0, 1, NULL, 0);

	p[0] |= 0x10;
	memcpy(p + n, blk, blk_len);
	n = (uint16_t)(n + blk_len);
	memcpy(p + n, ext_pl, sizeof(ext_pl));
	return (uint16_t)(n + sizeof(ext_pl));
}

static struct fwd_extmap
map_of(uint8_t mid, uint8_t level, uint8_t orient, uint8_t toffset, uint8_t abs, const char *midv,
		int mixed)
{
	struct fwd_extmap m;

	memset(&m, 0, sizeof(m));
	m.id[FWD_EXT_MID] = mid;
	m.id[FWD_EXT_AUDIO_LEVEL] = level;
	m.id[FWD_EXT_VIDEO_ORIENTATION] = orient;
	m.id[FWD_EXT_TOFFSET] = toffset;
	m.id[FWD_EXT_ABS_SEND_TIME] = abs;
	m.mixed = (uint8_t)mixed;
	if (midv != NULL) {
		m.mid_len = (uint8_t)strlen(midv);
		memcpy(m.mid, midv, m.mid_len);
	}
	return m;
}

/* @out (a remap of a packet built by rtp_with_block) parses, its block is 32-bit aligned and in
 * @form, the payload is ext_pl, header fields ours; returns the parse. */
static struct rtp_pkt
check_out(const uint8_t *out, uint16_t n, int form)
{
	struct rtp_pkt p;

	assert_int_equal(rtp_pkt_parse(&p, out, n), RTP_OK);
	assert_int_equal(p.pt, 96);
	assert_int_equal(p.ssrc, 0xbbbb);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.cc, 1);
	assert_int_equal(p.ext_form, form);
	assert_int_equal(p.ext_len % 4, 0);
	assert_int_equal(p.payload_len, sizeof(ext_pl));
	assert_memory_equal(out + p.payload_off, ext_pl, sizeof(ext_pl));
	return p;
}

/*
 * fwd_rtp_remap(), checked against fwd_rtp_remap_inplace() on a copy of @in
 * in a buffer of @cap bytes: the same length, bytes and counts (when @cap
 * holds the input, which the in-place form needs).
 */
static uint16_t
remap_both(const uint8_t *in, uint16_t len, uint8_t *out, uint16_t cap, uint8_t pt, uint32_t ssrc,
		const struct fwd_extmap *from, const struct fwd_extmap *to, struct fwd_ext_count *cnt)
{
	struct fwd_ext_count c0 = {0, 0, 0}, c1 = {0, 0, 0};
	uint8_t buf[2048];
	uint16_t m, mi;

	assert_true(cap <= sizeof(buf));
	m = fwd_rtp_remap(in, len, out, cap, pt, ssrc, from, to, &c0);
	if (cap >= len) {
		memcpy(buf, in, len);
		mi = fwd_rtp_remap_inplace(buf, len, cap, pt, ssrc, from, to, &c1);
		assert_int_equal(mi, m);
		assert_memory_equal(buf, out, m);
		assert_memory_equal(&c1, &c0, sizeof(c0));
	} else {
		assert_int_equal(fwd_rtp_remap_inplace(buf, len, cap, pt, ssrc, from, to, &c1), 0);
	}
	if (cnt != NULL) {
		cnt->kept += c0.kept;
		cnt->dropped += c0.dropped;
		cnt->malformed += c0.malformed;
	}
	return m;
}

/* The element @id of @p: its length (-1 if absent) and its first byte in *b0. */
static int
el(const struct rtp_pkt *p, uint8_t id, const uint8_t **d)
{
	struct rtp_ext e;

	if (rtp_pkt_ext_find(p, id, &e) != RTP_OK)
		return -1;
	*d = p->buf + e.off;
	return e.len;
}

static void
test_remap_vector_mid(void **state)
{
	uint8_t in[1500], out[1600], plain[1600];
	struct fwd_ext_count c = {0, 0, 0};
	struct fwd_extmap pub = map_of(9, 0, 0, 0, 0, "0", 0), v;
	struct rtp_pkt p;
	const uint8_t *d = NULL;
	uint16_t m, off, plen, r;
	size_t n;

	(void)state;
	/* aiortc's packet: a one-byte block, sdes:mid (id 9) "0", two padding bytes */
	n = vector_load("rtp_rtcp", "aiortc_rtp_with_sdes_mid", in, sizeof(in));
	assert_int_equal(fwd_rtp_payload(in, (uint16_t)n, &off, &plen), 0);
	/* a viewer with the same id and mid: the packet as it was, PT and SSRC ours */
	v = map_of(9, 0, 0, 0, 0, "0", 0);
	m = remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n);
	assert_memory_equal(out + 2, in + 2, 6);
	assert_memory_equal(out + 12, in + 12, n - 12);
	assert_int_equal(out[1] & 0x7f, 96);
	assert_int_equal(c.kept, 1);
	/* another id (3): the element under it, same size */
	v = map_of(3, 0, 0, 0, 0, "0", 0);
	m = remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n);
	{
		static const uint8_t blk[8] = {0xbe, 0xde, 0, 1, 0x30, '0', 0, 0};
		assert_memory_equal(out + 12, blk, sizeof(blk));
	}
	assert_memory_equal(out + 20, in + off, n - off);
	/* its own mid ("video", RFC 9143 §15): rewritten, the block grows to 3 words */
	v = map_of(3, 0, 0, 0, 0, "video", 0);
	m = remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n + 4);
	{
		static const uint8_t blk[12] = {0xbe, 0xde, 0, 2, 0x34, 'v', 'i', 'd', 'e', 'o', 0, 0};
		assert_memory_equal(out + 12, blk, sizeof(blk));
	}
	assert_int_equal(rtp_pkt_parse(&p, out, m), RTP_OK);
	assert_int_equal(el(&p, 3, &d), 5);
	assert_memory_equal(d, "video", 5);
	assert_memory_equal(out + 24, in + off, n - off);
	/* a viewer without sdes:mid (or without a mid): no extension, as fwd_rtp_rewrite */
	r = fwd_rtp_rewrite(in, (uint16_t)n, plain, sizeof(plain), 96, 0xbbbb);
	c.dropped = 0;
	v = map_of(0, 0, 0, 0, 0, "0", 0);
	m = remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, r);
	assert_memory_equal(out, plain, r);
	assert_int_equal(c.dropped, 1);
	v = map_of(3, 0, 0, 0, 0, NULL, 0);
	assert_int_equal(remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c), r);
	assert_int_equal(remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, NULL, &v, &c), r);
	assert_int_equal(remap_both(in, (uint16_t)n, out, sizeof(out), 96, 0xbbbb, &pub, NULL, &c),
			r);
	/* every truncation: inside the header or the block, nothing; past it, a shorter payload */
	v = map_of(3, 0, 0, 0, 0, "video", 0);
	for (size_t cut = 0; cut < n; cut++) {
		m = remap_both(in, (uint16_t)cut, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
		if (cut < 20)
			assert_int_equal(m, 0);
		else
			assert_int_equal(m, cut + 4);
	}
	/* no room: 0, as the rewrite; room for the packet but not the grown block: without it */
	assert_int_equal(remap_both(in, (uint16_t)n, out, 12, 96, 1, &pub, &v, &c), 0);
	c.dropped = 0;
	assert_int_equal(remap_both(in, (uint16_t)n, out, (uint16_t)(n + 2), 96, 0xbbbb, &pub, &v,
				 &c),
			r);
	assert_int_equal(c.dropped, 1);
}

/* RFC 8285 §4.2's figure: ids with 1, 2 and 4 bytes of data, two padding bytes between. */
static const uint8_t rfc_one[16] = {0xbe, 0xde, 0, 3, 0x10, 0x01, 0x21, 0x02, 0x03, 0, 0, 0x33, 0x04,
		0x05, 0x06, 0x07};
/* RFC 8285 §4.3's figure: an empty element, one of 1 byte, a padding byte, one of 4 bytes. */
static const uint8_t rfc_two[16] = {0x10, 0x00, 0, 3, 0x01, 0x00, 0x02, 0x01, 0x11, 0x00, 0x03, 0x04,
		0x21, 0x22, 0x23, 0x24};

static void
test_remap_one_byte(void **state)
{
	uint8_t in[128], out[160];
	struct fwd_ext_count c = {0, 0, 0};
	/* the publisher: 1 audio-level, 2 video-orientation, 3 toffset */
	struct fwd_extmap pub = map_of(0, 1, 2, 3, 0, NULL, 0), v;
	struct rtp_pkt p;
	const uint8_t *d = NULL;
	uint16_t n = rtp_with_block(in, rfc_one, sizeof(rfc_one)), m;

	(void)state;
	assert_int_equal(rtp_pkt_parse(&p, in, n), RTP_OK);
	assert_int_equal(p.n_ext, 3);
	/* the same ids: the block copied whole (its padding bytes too) */
	v = pub;
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n);
	assert_memory_equal(out + 16, rfc_one, sizeof(rfc_one));
	assert_int_equal(c.kept, 3);
	/* other ids (14, 5, 7): rebuilt without the padding, 7 + 4 bytes = 3 words */
	v = map_of(0, 14, 5, 7, 0, NULL, 0);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	{
		static const uint8_t blk[16] = {0xbe, 0xde, 0, 3, 0xe0, 0x01, 0x51, 0x02, 0x03, 0x73,
				0x04, 0x05, 0x06, 0x07, 0, 0};
		assert_int_equal(m, n);
		assert_memory_equal(out + 16, blk, sizeof(blk));
	}
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 3);
	assert_int_equal(el(&p, 14, &d), 1);
	assert_int_equal(d[0], 0x01);
	assert_int_equal(el(&p, 5, &d), 2);
	assert_int_equal(el(&p, 7, &d), 4);
	assert_int_equal(d[3], 0x07);
	/* a viewer without video-orientation: the rest, one word less */
	c.dropped = c.kept = 0;
	v = map_of(0, 14, 0, 7, 0, NULL, 0);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n - 4);
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(el(&p, 5, &d), -1);
	assert_int_equal(c.kept, 2);
	assert_int_equal(c.dropped, 1);
	/* the publisher sends an id it did not negotiate: dropped */
	c.dropped = 0;
	pub.id[FWD_EXT_TOFFSET] = 0;
	v = map_of(0, 1, 2, 3, 0, NULL, 0);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(el(&p, 3, &d), -1);
	assert_int_equal(c.dropped, 1);
	pub.id[FWD_EXT_TOFFSET] = 3;
	/* a viewer id above 14: the two-byte form if it allows mixed, else that element dropped */
	v = map_of(0, 1, 20, 3, 0, NULL, 1);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_TWO_BYTE);
	assert_int_equal(m, n + 4); /* 4 + 3 + 4 + 6 = 17 -> 20 */
	assert_int_equal(out[16] << 8 | out[17], 0x1000);
	assert_int_equal(el(&p, 20, &d), 2);
	assert_int_equal(el(&p, 1, &d), 1);
	assert_int_equal(el(&p, 3, &d), 4);
	c.dropped = 0;
	v.mixed = 0;
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(el(&p, 20, &d), -1);
	assert_int_equal(c.dropped, 1);
	/* id 15 stops the walk (§4.2): what follows is not read */
	{
		uint8_t blk[16];
		memcpy(blk, rfc_one, sizeof(blk));
		blk[6] = 0xf1; /* the second element's header */
		n = rtp_with_block(in, blk, sizeof(blk));
		v = map_of(0, 4, 5, 6, 0, NULL, 0);
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
		p = check_out(out, m, RTP_EXT_ONE_BYTE);
		assert_int_equal(p.n_ext, 1);
		assert_int_equal(el(&p, 4, &d), 1);
		assert_int_equal(m, n - 8);
		/* with the same ids, not copied whole either (the viewer would stop there too, but
		 * the block is rebuilt so that only mapped ids leave) */
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &pub, &c);
		p = check_out(out, m, RTP_EXT_ONE_BYTE);
		assert_int_equal(p.n_ext, 1);
	}
	/* duplicates: the first one goes */
	{
		static const uint8_t blk[8] = {0xbe, 0xde, 0, 1, 0x10, 0x01, 0x10, 0x02};
		n = rtp_with_block(in, blk, sizeof(blk));
		c.dropped = 0;
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &pub, &c);
		p = check_out(out, m, RTP_EXT_ONE_BYTE);
		assert_int_equal(p.n_ext, 1);
		assert_int_equal(el(&p, 1, &d), 1);
		assert_int_equal(d[0], 0x01);
		assert_int_equal(c.dropped, 1);
	}
}

static void
test_remap_two_byte(void **state)
{
	uint8_t in[128], out[160];
	struct fwd_ext_count c = {0, 0, 0};
	/* the publisher (two-byte): 1 playout-delay (empty here), 2 audio-level, 3 abs-send-time */
	struct fwd_extmap pub = map_of(0, 2, 0, 0, 3, NULL, 1), v;
	struct rtp_pkt p;
	const uint8_t *d = NULL;
	uint16_t n, m;

	(void)state;
	pub.id[FWD_EXT_PLAYOUT_DELAY] = 1;
	n = rtp_with_block(in, rfc_two, sizeof(rfc_two));
	assert_int_equal(rtp_pkt_parse(&p, in, n), RTP_OK);
	assert_int_equal(p.n_ext, 3);
	/* same ids, the viewer allows mixed: copied whole */
	v = pub;
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(m, n);
	assert_memory_equal(out + 16, rfc_two, sizeof(rfc_two));
	/* the empty element needs the two-byte form: without mixed it is dropped and the rest
	 * goes in the one-byte form */
	c.dropped = 0;
	v.mixed = 0;
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(el(&p, 2, &d), 1);
	assert_int_equal(d[0], 0x11);
	assert_int_equal(el(&p, 3, &d), 4);
	assert_int_equal(d[0], 0x21);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(m, n - 4);
	/* a viewer without playout-delay, mixed allowed: everything left fits one byte */
	v = map_of(0, 9, 0, 0, 10, NULL, 1);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_ONE_BYTE);
	assert_int_equal(el(&p, 9, &d), 1);
	assert_int_equal(el(&p, 10, &d), 4);
	/* ids above 14 on both sides, mixed: two-byte, other ids */
	pub = map_of(0, 200, 0, 0, 100, NULL, 1);
	{
		static const uint8_t blk[12] = {0x10, 0x00, 0, 2, 200, 1, 0x7f, 100, 3, 1, 2, 3};
		n = rtp_with_block(in, blk, sizeof(blk));
	}
	v = map_of(0, 15, 0, 0, 255, NULL, 1);
	m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
	p = check_out(out, m, RTP_EXT_TWO_BYTE);
	assert_int_equal(el(&p, 15, &d), 1);
	assert_int_equal(d[0], 0x7f);
	assert_int_equal(el(&p, 255, &d), 3);
	/* not RFC 8285 (profile 0x1234) and an element past its block: the packet without */
	{
		uint8_t blk[12] = {0x12, 0x34, 0, 2, 200, 1, 0x7f, 100, 3, 1, 2, 3};
		c.malformed = 0;
		n = rtp_with_block(in, blk, sizeof(blk));
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
		p = check_out(out, m, RTP_EXT_NONE);
		assert_int_equal(m, n - 12);
		blk[0] = 0x10, blk[1] = 0x00, blk[8] = 4; /* 4 bytes of data, 3 left */
		n = rtp_with_block(in, blk, sizeof(blk));
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
		p = check_out(out, m, RTP_EXT_NONE);
		assert_int_equal(c.malformed, 2);
		/* ... and a lone id byte at the end of the block (no length byte) */
		blk[3] = 1, blk[4] = 0, blk[5] = 0, blk[6] = 0, blk[7] = 200;
		n = rtp_with_block(in, blk, 8);
		m = remap_both(in, n, out, sizeof(out), 96, 0xbbbb, &pub, &v, &c);
		p = check_out(out, m, RTP_EXT_NONE);
		assert_int_equal(c.malformed, 3);
	}
}

/* RTX for a viewer carries the block it would get in the original; unwrapping gives the remap. */
static void
test_remap_rtx(void **state)
{
	uint8_t in[128], rtx[200], back[200], plain[200];
	struct fwd_extmap pub = map_of(0, 1, 2, 3, 0, NULL, 0);
	struct fwd_extmap v = map_of(0, 14, 0, 7, 0, NULL, 0);
	struct fwd_ext_count c = {0, 0, 0};
	struct rtp_pkt p;
	const uint8_t *d = NULL;
	uint16_t n = rtp_with_block(in, rfc_one, sizeof(rfc_one)), r, b, m;

	(void)state;
	r = fwd_rtx_wrap_ext(in, n, rtx, sizeof(rtx), 97, 0xcccc, 7, &pub, &v, &c);
	assert_true(r > 0);
	assert_int_equal(rtp_pkt_parse(&p, rtx, r), RTP_OK);
	assert_int_equal(p.ext_form, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(el(&p, 14, &d), 1);
	assert_int_equal(p.payload_len, 2 + sizeof(ext_pl));
	assert_int_equal(rtx[p.payload_off] << 8 | rtx[p.payload_off + 1], 1000); /* OSN */
	assert_memory_equal(rtx + p.payload_off + 2, ext_pl, sizeof(ext_pl));
	b = fwd_rtx_unwrap(rtx, r, back, sizeof(back), 96, 0xbbbb);
	m = remap_both(in, n, plain, sizeof(plain), 96, 0xbbbb, &pub, &v, &c);
	assert_int_equal(b, m);
	assert_memory_equal(back, plain, m);
	/* a publisher's RTX keeps its block through the unwrap (its ids are the section's) */
	r = fwd_rtx_wrap_ext(in, n, rtx, sizeof(rtx), 97, 0xcccc, 7, &pub, &pub, &c);
	b = fwd_rtx_unwrap(rtx, r, back, sizeof(back), 111, 0xaaaa);
	assert_int_equal(b, n);
	assert_memory_equal(back + 4, in + 4, n - 4);
	/* without maps: no block, as before */
	r = fwd_rtx_wrap_ext(in, n, rtx, sizeof(rtx), 97, 0xcccc, 7, NULL, &v, &c);
	assert_int_equal(rtx[0] & 0x10, 0);
	assert_int_equal(r, n - sizeof(rfc_one) + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_vectors),
		cmocka_unit_test(test_wants_keyframe),
		cmocka_unit_test(test_nack),
		cmocka_unit_test(test_rtx_round_trip),
		cmocka_unit_test(test_seqmap),
		cmocka_unit_test(test_remap_vector_mid),
		cmocka_unit_test(test_remap_one_byte),
		cmocka_unit_test(test_remap_two_byte),
		cmocka_unit_test(test_remap_rtx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
