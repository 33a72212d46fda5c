/*
 * dataplane/fwd.c: the SFU's per-packet rewrites and its own RTCP, on aiortc's
 * RTP/RTCP samples (tests/vectors/rtp_rtcp) and packets built here; the NACK
 * and keyframe readers checked against the RTCP module's independent parser;
 * the sequence/timestamp map across a change of publisher.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fwd.h"
#include "rtcp.h"
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
	memcpy(p + n, pl, plen);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_vectors),
		cmocka_unit_test(test_wants_keyframe),
		cmocka_unit_test(test_nack),
		cmocka_unit_test(test_rtx_round_trip),
		cmocka_unit_test(test_seqmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
