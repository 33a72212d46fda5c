/*
 * RTCP compound walk, typed views and builders: the aiortc packets of
 * tests/vectors/rtp_rtcp/ with the outcomes aiortc's tests expect (and the
 * derived negatives its README lists), REMB as libwebrtc's remb_unittest.cc
 * packet (the draft-alvestrand-rmcat-remb-03 §2.2 layout), transport-wide
 * CC built from the chunk examples of draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §3.1.3/§3.1.4, and SDES, BYE, APP, FIR packets built by hand.
 *
 * Independent view: every expected field value below for a packet given as
 * bytes was read with Wireshark's RTCP dissector at dev time (tshark 4.0):
 *   od -Ax -tx1 -v F.bin | text2pcap -q -u 5000,5001 - F.pcap
 *   tshark -r F.pcap -d udp.port==5001,rtcp -V -O rtcp
 * It agrees on all of them, TWCC per-packet sequence numbers and deltas
 * included. The builders' output was checked the same way (see
 * test_rtcp_build_*): byte-identical to the aiortc packets where the same
 * values are given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vectors.h"

#include "rtcp.h"

/*
 * Walk an exact-size heap copy (ASan sees any read past it). Returns the
 * number of packets, or the first error; a failing call leaves its packet
 * zeroed and the error sticks.
 */
static int
walk_copy(const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct rtcp_iter it;
	struct rtcp_pkt p;
	int rc, n = 0;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rtcp_iter_init(&it, copy, len);
	while ((rc = rtcp_iter_next(&it, &p)) > 0) {
		assert_true(p.off + (size_t)p.len + p.pad_len <= len);
		n++;
	}
	if (rc < 0) {
		assert_true(bytes_all_zero(&p, sizeof(p)));
		assert_int_equal(rtcp_iter_next(&it, &p), rc); /* sticky */
	}
	free(copy);
	return rc < 0 ? rc : n;
}

/* The single packet of @buf, which must be valid. */
static void
one_packet(const uint8_t *buf, size_t len, struct rtcp_pkt *p)
{
	struct rtcp_iter it;
	struct rtcp_pkt end;

	rtcp_iter_init(&it, buf, len);
	assert_int_equal(rtcp_iter_next(&it, p), 1);
	assert_int_equal(rtcp_iter_next(&it, &end), 0);
}

static void
test_rtcp_aiortc_sr(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtcp_sr", buf, sizeof(buf));
	struct rtcp_pkt p;
	struct rtcp_sr sr;
	struct rtcp_rr rr;
	struct rtcp_report_block rb;

	one_packet(buf, n, &p);
	assert_int_equal(p.pt, RTCP_PT_SR);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.len, 52);
	assert_int_equal(rtcp_sr_parse(&p, &sr), RTCP_OK);
	assert_int_equal(sr.ssrc, 1831097322u);
	assert_true(sr.ntp == ((uint64_t)3729147739u << 32 | 354025564u));
	assert_int_equal(sr.rtp_ts, 1722342718u);
	assert_int_equal(sr.pkt_count, 269);
	assert_int_equal(sr.octet_count, 13557);
	assert_int_equal(sr.rc, 1);
	assert_null(sr.ext);
	assert_int_equal(rtcp_report_block_get(sr.blocks, sr.rc, 0, &rb), RTCP_OK);
	assert_int_equal(rb.ssrc, 2398654957u);
	assert_int_equal(rb.fraction_lost, 0);
	assert_int_equal(rb.cum_lost, 0);
	assert_int_equal(rb.ext_high_seq, 246);
	assert_int_equal(rb.jitter, 127);
	assert_int_equal(rb.lsr, 0);
	assert_int_equal(rb.dlsr, 0);
	assert_int_equal(rtcp_report_block_get(sr.blocks, sr.rc, 1, &rb), RTCP_E_INVAL);
	assert_true(bytes_all_zero(&rb, sizeof(rb)));
	/* the wrong view */
	assert_int_equal(rtcp_rr_parse(&p, &rr), RTCP_E_TYPE);
	assert_true(bytes_all_zero(&rr, sizeof(rr)));
	assert_int_equal(rtcp_compound_check(buf, n, 0, NULL), RTCP_OK);
}

static void
test_rtcp_aiortc_rr(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtcp_rr", buf, sizeof(buf));
	struct rtcp_pkt p;
	struct rtcp_rr rr;
	struct rtcp_report_block rb;

	one_packet(buf, n, &p);
	assert_int_equal(rtcp_rr_parse(&p, &rr), RTCP_OK);
	assert_int_equal(rr.ssrc, 817267719u);
	assert_int_equal(rr.rc, 1);
	assert_int_equal(rtcp_report_block_get(rr.blocks, rr.rc, 0, &rb), RTCP_OK);
	assert_int_equal(rb.ssrc, 1200895919u);
	assert_int_equal(rb.fraction_lost, 0);
	assert_int_equal(rb.cum_lost, 0);
	assert_int_equal(rb.ext_high_seq, 630);
	assert_int_equal(rb.jitter, 1906);
	assert_int_equal(rb.lsr, 0);
	assert_int_equal(rb.dlsr, 0);

	/* README: every truncation of the RR must be rejected */
	for (size_t len = 1; len < n; len++)
		assert_int_equal(walk_copy(buf, len), RTCP_E_SHORT);
	assert_int_equal(walk_copy(buf, 0), 0); /* nothing at all: no packet, no error */
	assert_int_equal(rtcp_compound_check(buf, 0, 1, NULL), RTCP_E_SHORT);
	/* README derived negative: first byte 0xc0, version 3 */
	buf[0] = 0xc0;
	assert_int_equal(walk_copy(buf, n), RTCP_E_VERSION);
	buf[0] = 0x01;
	assert_int_equal(walk_copy(buf, n), RTCP_E_VERSION);
}

static void
test_rtcp_aiortc_sdes(void **state)
{
	(void)state;
	uint8_t buf[128];
	size_t n_sr = vector_load("rtp_rtcp", "aiortc_rtcp_sr", buf, sizeof(buf));
	size_t n = n_sr + vector_load("rtp_rtcp", "aiortc_rtcp_sdes", buf + n_sr, sizeof(buf) - n_sr);
	struct rtcp_iter it;
	struct rtcp_pkt p;
	struct rtcp_sdes_iter si;
	struct rtcp_sdes_item item;
	unsigned count;

	/* sr + sdes = a valid compound */
	assert_int_equal(rtcp_compound_check(buf, n, 0, &count), RTCP_OK);
	assert_int_equal(count, 2);
	rtcp_iter_init(&it, buf, n);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(p.pt, RTCP_PT_SR);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(p.pt, RTCP_PT_SDES);
	assert_int_equal(p.off, 52);
	assert_int_equal(p.len, 52);
	assert_int_equal(rtcp_iter_next(&it, &p), 0);
	assert_int_equal(rtcp_iter_next(&it, &p), 0);

	rtcp_iter_init(&it, buf + n_sr, n - n_sr);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(rtcp_sdes_iter_init(&si, &p), RTCP_OK);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 1);
	assert_int_equal(item.ssrc, 0x6d2453eau);
	assert_int_equal(item.type, RTCP_SDES_CNAME);
	assert_int_equal(item.len, 38);
	assert_memory_equal(item.data, "{63f459ea-41fe-4474-9d33-9707c9ee79d1}", 38);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 0);

	/* SDES first: fine for reduced-size RTCP (RFC 5506), not for RFC 3550 A.2 */
	assert_int_equal(rtcp_compound_check(buf + n_sr, n - n_sr, 0, NULL), RTCP_E_COMPOUND);
	assert_int_equal(rtcp_compound_check(buf + n_sr, n - n_sr, 1, &count), RTCP_OK);
	assert_int_equal(count, 1);
	/* every truncation of the compound: either exactly the SR, or an error */
	for (size_t len = 1; len < n; len++)
		assert_int_equal(walk_copy(buf, len), len == n_sr ? 1 : RTCP_E_SHORT);
}

static void
test_rtcp_aiortc_bye(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtcp_bye", buf, sizeof(buf));
	struct rtcp_pkt p;
	struct rtcp_bye bye;

	one_packet(buf, n, &p);
	assert_int_equal(rtcp_bye_parse(&p, &bye), RTCP_OK);
	assert_int_equal(bye.sc, 1);
	assert_int_equal(rtcp_bye_ssrc(&bye, 0), 2924645187u);
	assert_int_equal(rtcp_bye_ssrc(&bye, 1), 0);
	assert_null(bye.reason);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_bye_no_sources", buf, sizeof(buf));
	one_packet(buf, n, &p);
	assert_int_equal(rtcp_bye_parse(&p, &bye), RTCP_OK);
	assert_int_equal(bye.sc, 0);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_bye_padding", buf, sizeof(buf));
	one_packet(buf, n, &p);
	assert_int_equal(p.padding, 1);
	assert_int_equal(p.pad_len, 4);
	assert_int_equal(p.len, 4);
	assert_int_equal(rtcp_bye_parse(&p, &bye), RTCP_OK);
	assert_int_equal(bye.sc, 0);
	/* README derived negative: a zero padding count */
	buf[n - 1] = 0;
	assert_int_equal(walk_copy(buf, n), RTCP_E_PADDING);
	/* a count that eats the header */
	buf[n - 1] = 5;
	assert_int_equal(walk_copy(buf, n), RTCP_E_PADDING);
}

static void
test_rtcp_aiortc_feedback(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtcp_psfb_pli", buf, sizeof(buf));
	struct rtcp_pkt p;
	struct rtcp_fb fb;
	uint16_t seqs[64], pid, blp;
	static const uint16_t lost[] = {
	        12, 32, 39, 54, 76, 110, 123, 142, 183, 187, 223, 236, 271, 292};

	one_packet(buf, n, &p);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(fb.pt, RTCP_PT_PSFB);
	assert_int_equal(fb.fmt, RTCP_PSFB_PLI);
	assert_int_equal(fb.sender_ssrc, 1414554213u);
	assert_int_equal(fb.media_ssrc, 587284409u);
	assert_int_equal(fb.fci_len, 0);
	assert_int_equal(rtcp_nack_count(&fb), 0);
	assert_int_equal(rtcp_fir_count(&fb), 0);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_rtpfb", buf, sizeof(buf));
	one_packet(buf, n, &p);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(fb.pt, RTCP_PT_RTPFB);
	assert_int_equal(fb.fmt, RTCP_RTPFB_NACK);
	assert_int_equal(fb.sender_ssrc, 2336520123u);
	assert_int_equal(fb.media_ssrc, 4145934052u);
	assert_int_equal(rtcp_nack_count(&fb), 10);
	assert_int_equal(rtcp_nack_get(&fb, 1, &pid, &blp), RTCP_OK);
	assert_int_equal(pid, 32);
	assert_int_equal(blp, 0x0040);
	assert_int_equal(rtcp_nack_get(&fb, 10, &pid, &blp), RTCP_E_INVAL);
	assert_int_equal(rtcp_nack_expand_all(&fb, seqs, sizeof(seqs) / sizeof(seqs[0])), 14);
	assert_memory_equal(seqs, lost, sizeof(lost));
	/* too small an array: nothing written */
	memset(seqs, 0xee, sizeof(seqs));
	assert_int_equal(rtcp_nack_expand_all(&fb, seqs, 13), RTCP_E_NOSPACE);
	assert_int_equal(seqs[0], 0xeeee);
}

static void
test_rtcp_nack_expand(void **state)
{
	(void)state;
	uint16_t out[RTCP_NACK_MAX_PER_ITEM];

	assert_int_equal(rtcp_nack_expand(100, 0, out), 1);
	assert_int_equal(out[0], 100);
	/* RFC 4585 §6.2.1: bit i (LSB = 0) is PID + i + 1; wraps mod 2^16 */
	assert_int_equal(rtcp_nack_expand(65535, 0xffff, out), 17);
	assert_int_equal(out[0], 65535);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[16], 15);
	assert_int_equal(rtcp_nack_expand(7, 0x8001, out), 3);
	assert_int_equal(out[1], 8);
	assert_int_equal(out[2], 23);
}

static void
test_rtcp_aiortc_invalid(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int err;
	} bad[] = {
	        /* length field / report count inconsistent with packet size */
	        {"aiortc_rtcp_sr_invalid", RTCP_E_LENGTH},
	        {"aiortc_rtcp_rr_invalid", RTCP_E_LENGTH},
	        {"aiortc_rtcp_bye_invalid", RTCP_E_LENGTH},
	        {"aiortc_rtcp_psfb_invalid", RTCP_E_LENGTH},
	        {"aiortc_rtcp_rtpfb_invalid", RTCP_E_LENGTH},
	        /* SDES item / chunk runs past the end */
	        {"aiortc_rtcp_sdes_item_truncated", RTCP_E_FORMAT},
	        {"aiortc_rtcp_sdes_source_truncated", RTCP_E_LENGTH},
	};
	uint8_t buf[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = vector_load("rtp_rtcp", bad[i].name, buf, sizeof(buf));
		if (walk_copy(buf, n) != bad[i].err)
			fail_msg("%s: %d, want %d", bad[i].name, walk_copy(buf, n), bad[i].err);
		assert_int_equal(rtcp_compound_check(buf, n, 1, NULL), bad[i].err);
	}
}

static void
test_rtcp_every_vector_every_truncation(void **state)
{
	(void)state;
	static const char *const all[] = {"aiortc_rtcp_sr", "aiortc_rtcp_rr", "aiortc_rtcp_sdes",
	        "aiortc_rtcp_bye", "aiortc_rtcp_bye_no_sources", "aiortc_rtcp_bye_padding",
	        "aiortc_rtcp_psfb_pli", "aiortc_rtcp_rtpfb", "aiortc_rtcp_sr_invalid",
	        "aiortc_rtcp_rr_invalid", "aiortc_rtcp_bye_invalid", "aiortc_rtcp_psfb_invalid",
	        "aiortc_rtcp_rtpfb_invalid", "aiortc_rtcp_sdes_item_truncated",
	        "aiortc_rtcp_sdes_source_truncated"};
	uint8_t buf[64];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		size_t n = vector_load("rtp_rtcp", all[i], buf, sizeof(buf));
		/* each holds one packet: no strict prefix of it is a valid compound */
		for (size_t len = 1; len < n; len++)
			assert_true(walk_copy(buf, len) < 0);
	}
}

/* libwebrtc remb_unittest.cc kPacket: 522022 bit/s (exp 1, mantissa 0x3fb93), 3 SSRCs */
static const uint8_t remb_pkt[] = {0x8f, 206, 0x00, 0x07, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00,
        0x00, 'R', 'E', 'M', 'B', 0x03, 0x07, 0xfb, 0x93, 0x23, 0x45, 0x67, 0x89, 0x23, 0x45, 0x67,
        0x8a, 0x23, 0x45, 0x67, 0x8b};

static void
test_rtcp_remb(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtcp_pkt p;
	struct rtcp_remb remb;
	struct rtcp_fb fb;
	struct rtcp_builder b;
	static const uint32_t ssrcs[] = {0x23456789, 0x2345678a, 0x2345678b};

	one_packet(remb_pkt, sizeof(remb_pkt), &p);
	assert_int_equal(rtcp_remb_parse(&p, &remb), RTCP_OK);
	assert_int_equal(remb.sender_ssrc, 0x12345678);
	assert_true(remb.bitrate == 522022);
	assert_int_equal(remb.n_ssrc, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(rtcp_remb_ssrc(&remb, i), ssrcs[i]);
	assert_int_equal(rtcp_remb_ssrc(&remb, 3), 0);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(fb.fmt, RTCP_PSFB_AFB);

	/* the builder gives libwebrtc's bytes */
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_remb(&b, 0x12345678, 522022, ssrcs, 3);
	assert_int_equal(rtcp_build_end(&b), sizeof(remb_pkt));
	assert_memory_equal(buf, remb_pkt, sizeof(remb_pkt));

	/* libwebrtc kBitrateBps64bit: 0x3fb93 << 30 */
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_remb(&b, 1, 0x3fb93ull << 30, ssrcs, 1);
	assert_int_equal(rtcp_build_end(&b), 24);
	one_packet(buf, 24, &p);
	assert_int_equal(rtcp_remb_parse(&p, &remb), RTCP_OK);
	assert_true(remb.bitrate == 0x3fb93ull << 30);
	assert_int_equal(buf[17] >> 2, 30);

	/* exp 63 with a mantissa wider than 1 bit does not fit 64 bits */
	memcpy(buf, remb_pkt, sizeof(remb_pkt));
	buf[17] = 0xff;
	assert_int_equal(walk_copy(buf, sizeof(remb_pkt)), RTCP_E_FORMAT);
	buf[17] = 0xfc; /* exp 63, mantissa 0x1fb93 -> still too wide */
	assert_int_equal(walk_copy(buf, sizeof(remb_pkt)), RTCP_E_FORMAT);
	buf[17] = 0xfc;
	buf[18] = 0;
	buf[19] = 1; /* 1 << 63 fits */
	one_packet(buf, sizeof(remb_pkt), &p);
	assert_int_equal(rtcp_remb_parse(&p, &remb), RTCP_OK);
	assert_true(remb.bitrate == 1ull << 63);
	/* SSRC count and length disagree */
	memcpy(buf, remb_pkt, sizeof(remb_pkt));
	buf[16] = 4;
	assert_int_equal(walk_copy(buf, sizeof(remb_pkt)), RTCP_E_LENGTH);
	buf[16] = 2;
	assert_int_equal(walk_copy(buf, sizeof(remb_pkt)), RTCP_E_LENGTH);
	/* "REMB" without its bitrate word */
	memcpy(buf, remb_pkt, 16);
	buf[3] = 3;
	assert_int_equal(walk_copy(buf, 16), RTCP_E_LENGTH);
	/* another application-layer feedback: opaque, not a REMB */
	memcpy(buf, remb_pkt, sizeof(remb_pkt));
	buf[12] = 'X';
	one_packet(buf, sizeof(remb_pkt), &p);
	assert_int_equal(rtcp_remb_parse(&p, &remb), RTCP_E_TYPE);
}

/*
 * Transport-wide CC, chunks from the draft's examples: run length example 1
 * (0x00dd: 221 x not received), status vector example 1 (0x9f1c: 14 one-bit
 * symbols N R R R R R N N N R R R N N), then example 2's two-bit vector with
 * its reserved "11" made "10" (0xc950: N L S S S N N). 242 statuses from
 * base 65520 (so they wrap), 8 + 1 + 3 deltas, one byte of zero padding.
 */
static const uint8_t twcc_a[] = {0x8f, 205, 0x00, 0x09, 0xfa, 0x17, 0xfa, 0x17, 0x5c, 0xa1, 0xab,
        0x1e, 0xff, 0xf0, 0x00, 0xf2, 0x12, 0x34, 0x56, 0x07, 0x00, 0xdd, 0x9f, 0x1c, 0xc9, 0x50,
        0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x00, 0xff, 0xfc, 0x01, 0x02, 0x03, 0x00};

/* libwebrtc style: P bit padding; reference time -2; a run of 3 small deltas */
static const uint8_t twcc_b[] = {0xaf, 205, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x05, 0x00, 0x03, 0xff, 0xff, 0xfe, 0xff, 0x20, 0x03, 0x0a, 0x0b, 0x0c, 0x00,
        0x00, 0x03};

static void
test_rtcp_twcc_draft_chunks(void **state)
{
	(void)state;
	struct rtcp_pkt p;
	struct rtcp_twcc tw;
	struct rtcp_twcc_iter it;
	struct rtcp_twcc_pkt tp;
	/* tshark: received seqs and deltas (units of 250 us) */
	static const struct {
		uint16_t seq;
		uint8_t status;
		int32_t delta;
	} rx[] = {{206, 1, 4}, {207, 1, 8}, {208, 1, 16}, {209, 1, 32}, {210, 1, 64}, {214, 1, 128},
	        {215, 1, 255}, {216, 1, 0}, {220, 2, -4}, {221, 1, 1}, {222, 1, 2}, {223, 1, 3}};
	unsigned n = 0, got = 0;
	int rc;

	one_packet(twcc_a, sizeof(twcc_a), &p);
	assert_int_equal(rtcp_twcc_parse(&p, &tw), RTCP_OK);
	assert_int_equal(tw.sender_ssrc, 0xfa17fa17u);
	assert_int_equal(tw.media_ssrc, 0x5ca1ab1eu);
	assert_int_equal(tw.base_seq, 65520);
	assert_int_equal(tw.status_count, 242);
	assert_int_equal(tw.ref_time, 1193046);
	assert_int_equal(tw.fb_count, 7);
	assert_int_equal(tw.chunks_len, 6);
	assert_int_equal(tw.deltas_len, 13);

	rtcp_twcc_iter_init(&it, &tw);
	while ((rc = rtcp_twcc_iter_next(&it, &tp)) > 0) {
		assert_int_equal(tp.seq, (uint16_t)(65520 + n));
		if (tp.status != RTCP_TWCC_NOT_RECEIVED) {
			assert_true(got < sizeof(rx) / sizeof(rx[0]));
			assert_int_equal(tp.seq, rx[got].seq);
			assert_int_equal(tp.status, rx[got].status);
			assert_int_equal(tp.delta, rx[got].delta);
			got++;
		} else {
			assert_int_equal(tp.delta, 0);
		}
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 242);
	assert_int_equal(got, 12);
	assert_int_equal(rtcp_twcc_iter_next(&it, &tp), 0);

	one_packet(twcc_b, sizeof(twcc_b), &p);
	assert_int_equal(p.pad_len, 3);
	assert_int_equal(rtcp_twcc_parse(&p, &tw), RTCP_OK);
	assert_int_equal(tw.ref_time, -2);
	assert_int_equal(tw.fb_count, 255);
	rtcp_twcc_iter_init(&it, &tw);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(rtcp_twcc_iter_next(&it, &tp), 1);
		assert_int_equal(tp.seq, 5 + i);
		assert_int_equal(tp.status, RTCP_TWCC_SMALL_DELTA);
		assert_int_equal(tp.delta, 10 + (int)i);
	}
	assert_int_equal(rtcp_twcc_iter_next(&it, &tp), 0);
}

static void
test_rtcp_twcc_malformed(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtcp_pkt p;
	struct rtcp_twcc tw;
	struct rtcp_fb fb;

	/*
	 * The draft's run length example 2 (0x6018) and status vector example 2
	 * (0xcd50) both use symbol "11", reserved in -01 §3.1.1 (a leftover of
	 * -00's "received, w/o timestamp"): refused, as libwebrtc refuses it.
	 */
	memcpy(buf, twcc_a, sizeof(twcc_a));
	buf[20] = 0x60;
	buf[21] = 0x18;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a)), RTCP_E_FORMAT);
	memcpy(buf, twcc_a, sizeof(twcc_a));
	buf[24] = 0xcd;
	buf[25] = 0x50;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a)), RTCP_E_FORMAT);
	/* ... but only where a symbol counts: past the status count it is ignored */
	{
		static const uint8_t one[] = {0x8f, 205, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00,
		        0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xcd,
		        0x50, 0x00, 0x00};
		struct rtcp_twcc_iter it;
		struct rtcp_twcc_pkt tp;

		one_packet(one, sizeof(one), &p);
		assert_int_equal(rtcp_twcc_parse(&p, &tw), RTCP_OK);
		assert_int_equal(tw.deltas_len, 0);
		rtcp_twcc_iter_init(&it, &tw);
		assert_int_equal(rtcp_twcc_iter_next(&it, &tp), 1);
		assert_int_equal(tp.status, RTCP_TWCC_NOT_RECEIVED);
		assert_int_equal(rtcp_twcc_iter_next(&it, &tp), 0);
	}

	/* status count 0 */
	memcpy(buf, twcc_a, sizeof(twcc_a));
	buf[14] = buf[15] = 0;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a)), RTCP_E_FORMAT);
	/* more statuses than the chunks cover */
	memcpy(buf, twcc_a, sizeof(twcc_a));
	buf[15] = 243;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a)), RTCP_E_LENGTH);
	/* deltas missing: one word shorter */
	memcpy(buf, twcc_a, sizeof(twcc_a));
	buf[3] = 8;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a) - 4), RTCP_E_LENGTH);
	/* four bytes too many after the deltas */
	memcpy(buf, twcc_a, sizeof(twcc_a));
	memset(buf + sizeof(twcc_a), 0, 4);
	buf[3] = 10;
	assert_int_equal(walk_copy(buf, sizeof(twcc_a) + 4), RTCP_E_LENGTH);
	/* no room for the FCI header */
	memcpy(buf, twcc_a, 16);
	buf[3] = 3;
	assert_int_equal(walk_copy(buf, 16), RTCP_E_LENGTH);
	/* every truncation */
	for (size_t len = 1; len < sizeof(twcc_a); len++)
		assert_true(walk_copy(twcc_a, len) < 0);
	for (size_t len = 1; len < sizeof(twcc_b); len++)
		assert_true(walk_copy(twcc_b, len) < 0);

	/* the view asked of something else */
	one_packet(remb_pkt, sizeof(remb_pkt), &p);
	assert_int_equal(rtcp_twcc_parse(&p, &tw), RTCP_E_TYPE);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(rtcp_nack_count(&fb), 0);
}

static void
test_rtcp_fir_app_bye_sdes(void **state)
{
	(void)state;
	static const uint8_t fir[] = {0x84, 206, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00,
	        0x00, 0x00, 0x23, 0x45, 0x67, 0x89, 0x0d, 0x00, 0x00, 0x00};
	static const uint8_t app[] = {0x85, 204, 0x00, 0x04, 0x11, 0x22, 0x33, 0x44, 't', 'e', 's',
	        't', 0x01, 0x02, 0x03, 0x04, 'a', 'b', 'c', 'd'};
	static const uint8_t bye[] = {0x82, 203, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	        0x07, 0x08, 0x07, 'b', 'y', 'e', ' ', 'b', 'y', 'e'};
	/* two chunks: CNAME "a@b", NAME "Jo", PRIV (prefix "xy", value "ab"); an empty one */
	static const uint8_t sdes[] = {0x82, 202, 0x00, 0x08, 0xa1, 0xa2, 0xa3, 0xa4, 0x01, 0x03,
	        'a', '@', 'b', 0x02, 0x02, 'J', 'o', 0x08, 0x05, 0x02, 'x', 'y', 'a', 'b', 0x00,
	        0x00, 0x00, 0x00, 0xb1, 0xb2, 0xb3, 0xb4, 0x00, 0x00, 0x00, 0x00};
	uint8_t buf[64];
	struct rtcp_pkt p;
	struct rtcp_fb fb;
	struct rtcp_fir_entry e;
	struct rtcp_app a;
	struct rtcp_bye b;
	struct rtcp_sdes_iter si;
	struct rtcp_sdes_item item;

	one_packet(fir, sizeof(fir), &p);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(fb.sender_ssrc, 0x12345678);
	assert_int_equal(rtcp_fir_count(&fb), 1);
	assert_int_equal(rtcp_fir_get(&fb, 0, &e), RTCP_OK);
	assert_int_equal(e.ssrc, 0x23456789);
	assert_int_equal(e.seq_nr, 13);
	assert_int_equal(rtcp_fir_get(&fb, 1, &e), RTCP_E_INVAL);
	/* FIR FCI must be whole 8-byte entries */
	memcpy(buf, fir, sizeof(fir));
	buf[3] = 3;
	assert_int_equal(walk_copy(buf, 16), RTCP_E_LENGTH);
	buf[3] = 2;
	assert_int_equal(walk_copy(buf, 12), RTCP_E_LENGTH);
	/* PLI with FCI is refused (RFC 4585 §6.3.1) */
	buf[0] = 0x81;
	buf[3] = 3;
	assert_int_equal(walk_copy(buf, 16), RTCP_E_LENGTH);

	one_packet(app, sizeof(app), &p);
	assert_int_equal(rtcp_app_parse(&p, &a), RTCP_OK);
	assert_int_equal(a.subtype, 5);
	assert_int_equal(a.ssrc, 0x11223344);
	assert_memory_equal(a.name, "test", 4);
	assert_int_equal(a.data_len, 8);
	assert_memory_equal(a.data,
	        "\x01\x02\x03\x04"
	        "abcd",
	        8);
	memcpy(buf, app, 8);
	buf[3] = 1;
	assert_int_equal(walk_copy(buf, 8), RTCP_E_LENGTH);

	one_packet(bye, sizeof(bye), &p);
	assert_int_equal(rtcp_bye_parse(&p, &b), RTCP_OK);
	assert_int_equal(b.sc, 2);
	assert_int_equal(rtcp_bye_ssrc(&b, 1), 0x05060708);
	assert_int_equal(b.reason_len, 7);
	assert_memory_equal(b.reason, "bye bye", 7);
	/* a reason past the end; more than 3 bytes after the reason */
	memcpy(buf, bye, sizeof(bye));
	buf[12] = 8;
	assert_int_equal(walk_copy(buf, sizeof(bye)), RTCP_E_FORMAT);
	buf[12] = 3;
	assert_int_equal(walk_copy(buf, sizeof(bye)), RTCP_E_FORMAT);
	buf[12] = 4;
	one_packet(buf, sizeof(bye), &p);
	assert_int_equal(rtcp_bye_parse(&p, &b), RTCP_OK);
	assert_int_equal(b.reason_len, 4);

	one_packet(sdes, sizeof(sdes), &p);
	assert_int_equal(rtcp_sdes_iter_init(&si, &p), RTCP_OK);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 1);
	assert_int_equal(item.ssrc, 0xa1a2a3a4u);
	assert_int_equal(item.type, RTCP_SDES_CNAME);
	assert_int_equal(item.len, 3);
	assert_memory_equal(item.data, "a@b", 3);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 1);
	assert_int_equal(item.type, RTCP_SDES_NAME);
	assert_memory_equal(item.data, "Jo", 2);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 1);
	assert_int_equal(item.type, RTCP_SDES_PRIV);
	assert_int_equal(item.len, 5);
	assert_memory_equal(item.data, "\x02xyab", 5);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 0); /* the second chunk has no items */
	assert_int_equal(
	        rtcp_sdes_iter_init(&si, &(struct rtcp_pkt){.pt = RTCP_PT_BYE}), RTCP_E_TYPE);
	/* a chunk without its terminating null octet: a NOTE item ends the packet */
	memcpy(buf, sdes, 28);
	buf[0] = 0x81;
	buf[3] = 6;
	memcpy(buf + 24, "\x07\x02xy", 4);
	assert_int_equal(walk_copy(buf, 28), RTCP_E_FORMAT);
	/* bytes left after the last chunk */
	memcpy(buf, sdes, sizeof(sdes));
	buf[0] = 0x81;
	assert_int_equal(walk_copy(buf, sizeof(sdes)), RTCP_E_LENGTH);
	/* SC of 0 with no chunks is a valid empty SDES */
	assert_int_equal(walk_copy((const uint8_t *)"\x80\xca\x00\x00", 4), 1);
}

static void
test_rtcp_padding_rules(void **state)
{
	(void)state;
	uint8_t buf[128];
	size_t n_sr = vector_load("rtp_rtcp", "aiortc_rtcp_sr", buf, sizeof(buf));
	size_t n = n_sr + vector_load("rtp_rtcp", "aiortc_rtcp_bye_padding", buf + n_sr, sizeof(buf) - n_sr);
	struct rtcp_iter it;
	struct rtcp_pkt p;

	/* P on the last packet: fine */
	assert_int_equal(walk_copy(buf, n), 2);
	/* §6.4.1: padding only on the last packet */
	memcpy(buf, buf + n_sr, 8);
	vector_load("rtp_rtcp", "aiortc_rtcp_sr", buf + 8, sizeof(buf) - 8);
	assert_int_equal(walk_copy(buf, 8 + n_sr), RTCP_E_PADDING);
	rtcp_iter_init(&it, buf, 8 + n_sr);
	assert_int_equal(rtcp_iter_next(&it, &p), RTCP_E_PADDING);
	/* a padding count that is not a multiple of 4 leaves an odd body (libwebrtc TWCC) */
	n = vector_load("rtp_rtcp", "aiortc_rtcp_rr", buf, sizeof(buf));
	memcpy(buf + n, "\0\0\0\x03", 4);
	buf[0] |= 0x20;
	buf[3] = 8;
	one_packet(buf, n + 4, &p);
	assert_int_equal(p.len, n + 1);
	assert_int_equal(p.pad_len, 3);
	/* unknown types are skipped by their length */
	memcpy(buf, "\x80\xcf\x00\x01\x01\x02\x03\x04", 8); /* XR 207 */
	n = vector_load("rtp_rtcp", "aiortc_rtcp_rr", buf + 8, sizeof(buf) - 8);
	assert_int_equal(walk_copy(buf, 8 + n), 2);
	assert_int_equal(rtcp_compound_check(buf, 8 + n, 0, NULL), RTCP_E_COMPOUND);
	assert_string_equal(rtcp_strerror(RTCP_E_PADDING), "bad padding");
	assert_string_equal(rtcp_strerror(5), "?");
}

/* Build with the aiortc vectors' values: the same bytes come out. */
static void
test_rtcp_build_matches_aiortc(void **state)
{
	(void)state;
	uint8_t want[128], buf[128];
	size_t n;
	struct rtcp_builder b;
	static const uint16_t lost[] = {
	        12, 32, 39, 54, 76, 110, 123, 142, 183, 187, 223, 236, 271, 292};
	struct rtcp_report_block rb = {.ssrc = 2398654957u, .ext_high_seq = 246, .jitter = 127};
	uint32_t bye_ssrc = 2924645187u;

	n = vector_load("rtp_rtcp", "aiortc_rtcp_sr", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_sr(&b, 1831097322u, (uint64_t)3729147739u << 32 | 354025564u, 1722342718u, 269,
	        13557, &rb, 1);
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_rr", want, sizeof(want));
	rb = (struct rtcp_report_block){.ssrc = 1200895919u, .ext_high_seq = 630, .jitter = 1906};
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_rr(&b, 817267719u, &rb, 1);
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_sdes", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_sdes_cname(&b, 0x6d2453eau, "{63f459ea-41fe-4474-9d33-9707c9ee79d1}", 38);
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_bye", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_bye(&b, &bye_ssrc, 1, NULL, 0);
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_bye_padding", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_bye(&b, NULL, 0, NULL, 0);
	rtcp_build_pad(&b, 4);
	assert_int_equal(rtcp_build_end(&b), n);
	/* aiortc fills its padding with the count, we with zeros: only the count matters */
	assert_memory_equal(buf, want, 4);
	assert_int_equal(buf[n - 1], want[n - 1]);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_psfb_pli", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_pli(&b, 1414554213u, 587284409u);
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);

	n = vector_load("rtp_rtcp", "aiortc_rtcp_rtpfb", want, sizeof(want));
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_nack(&b, 2336520123u, 4145934052u, lost, sizeof(lost) / sizeof(lost[0]));
	assert_int_equal(rtcp_build_end(&b), n);
	assert_memory_equal(buf, want, n);
}

static void
test_rtcp_build_compound(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct rtcp_builder b;
	struct rtcp_iter it;
	struct rtcp_pkt p;
	struct rtcp_rr rr;
	struct rtcp_report_block rb[2] =
	        {
	                {.ssrc = 1,
	                        .fraction_lost = 64,
	                        .cum_lost = -3,
	                        .ext_high_seq = 0x10005,
	                        .jitter = 90,
	                        .lsr = 0x475b151a,
	                        .dlsr = 98304},
	                {.ssrc = 2, .cum_lost = 0x1000000}, /* clamped to 0x7fffff */
	        },
	                         got;
	static const uint16_t seqs[] = {65535, 0, 3, 5, 5, 40};
	uint16_t out[16];
	struct rtcp_fir_entry fe[2] = {{0xaaaa, 1}, {0xbbbb, 255}}, fe_got;
	struct rtcp_fb fb;
	struct rtcp_bye bye;
	struct rtcp_sdes_iter si;
	struct rtcp_sdes_item item;
	uint32_t bye_ssrcs[2] = {7, 8};
	unsigned count;
	int n;

	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_rr(&b, 0x1234, rb, 2);
	rtcp_build_sdes_cname(&b, 0x1234, "edge", 4);
	rtcp_build_nack(&b, 0x1234, 0x5678, seqs, sizeof(seqs) / sizeof(seqs[0]));
	rtcp_build_fir(&b, 0x1234, fe, 2);
	rtcp_build_pli(&b, 0x1234, 0x5678);
	rtcp_build_bye(&b, bye_ssrcs, 2, "shutdown", 8);
	rtcp_build_pad(&b, 8);
	n = rtcp_build_end(&b);
	/* 8+48, 4+4+2+4+2(null+pad), 12+8, 12+16, 12, 4+8+12, 8 */
	assert_int_equal(n, 56 + 16 + 20 + 28 + 12 + 24 + 8);
	assert_int_equal(rtcp_compound_check(buf, (size_t)n, 0, &count), RTCP_OK);
	assert_int_equal(count, 6);

	rtcp_iter_init(&it, buf, (size_t)n);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(rtcp_rr_parse(&p, &rr), RTCP_OK);
	assert_int_equal(rtcp_report_block_get(rr.blocks, rr.rc, 0, &got), RTCP_OK);
	assert_int_equal(got.ssrc, 1);
	assert_int_equal(got.fraction_lost, 64);
	assert_int_equal(got.cum_lost, -3);
	assert_int_equal(got.ext_high_seq, 0x10005);
	assert_int_equal(got.jitter, 90);
	assert_int_equal(got.lsr, 0x475b151a);
	assert_int_equal(got.dlsr, 98304);
	assert_int_equal(rtcp_report_block_get(rr.blocks, rr.rc, 1, &got), RTCP_OK);
	assert_int_equal(got.cum_lost, 0x7fffff);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(rtcp_sdes_iter_init(&si, &p), RTCP_OK);
	assert_int_equal(rtcp_sdes_iter_next(&si, &item), 1);
	assert_int_equal(item.len, 4);
	assert_memory_equal(item.data, "edge", 4);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	/* 65535 opens an item; 0, 3, 5 are within 16; 40 opens another */
	assert_int_equal(rtcp_nack_count(&fb), 2);
	assert_int_equal(rtcp_nack_expand_all(&fb, out, 16), 5);
	assert_int_equal(out[0], 65535);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 3);
	assert_int_equal(out[3], 5);
	assert_int_equal(out[4], 40);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(rtcp_fb_parse(&p, &fb), RTCP_OK);
	assert_int_equal(fb.media_ssrc, 0);
	assert_int_equal(rtcp_fir_count(&fb), 2);
	assert_int_equal(rtcp_fir_get(&fb, 1, &fe_got), RTCP_OK);
	assert_int_equal(fe_got.ssrc, 0xbbbb);
	assert_int_equal(fe_got.seq_nr, 255);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(p.count, RTCP_PSFB_PLI);
	assert_int_equal(rtcp_iter_next(&it, &p), 1);
	assert_int_equal(p.padding, 1);
	assert_int_equal(p.pad_len, 8);
	assert_int_equal(rtcp_bye_parse(&p, &bye), RTCP_OK);
	assert_int_equal(rtcp_bye_ssrc(&bye, 1), 8);
	assert_memory_equal(bye.reason, "shutdown", 8);
	assert_int_equal(rtcp_iter_next(&it, &p), 0);

	/* SR with an NTP time, no blocks */
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_sr(&b, 9, 0x0102030405060708ull, 10, 11, 12, NULL, 0);
	assert_int_equal(rtcp_build_end(&b), 28);
	{
		struct rtcp_sr sr;
		one_packet(buf, 28, &p);
		assert_int_equal(rtcp_sr_parse(&p, &sr), RTCP_OK);
		assert_true(sr.ntp == 0x0102030405060708ull);
		assert_int_equal(sr.octet_count, 12);
		assert_int_equal(sr.rc, 0);
	}
}

static void
test_rtcp_build_errors(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtcp_builder b;
	struct rtcp_report_block rb[32] = {{0}};
	uint32_t ssrcs[32] = {0};
	uint16_t seq = 1;

	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_rr(&b, 1, rb, 32);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_bye(&b, ssrcs, 32, NULL, 0);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_sdes_cname(&b, 1, "", 0);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_nack(&b, 1, 2, &seq, 0);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_fir(&b, 1, NULL, 0);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	/* padding: nothing to pad, a bad size, twice, or a packet after it */
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_pad(&b, 4);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_pli(&b, 1, 2);
	rtcp_build_pad(&b, 6);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	rtcp_build_begin(&b, buf, sizeof(buf));
	rtcp_build_pli(&b, 1, 2);
	rtcp_build_pad(&b, 4);
	rtcp_build_pli(&b, 1, 2);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_INVAL);
	/* no space: the first error sticks, later calls do nothing */
	rtcp_build_begin(&b, buf, 20);
	rtcp_build_pli(&b, 1, 2);
	rtcp_build_pli(&b, 1, 2);
	rtcp_build_bye(&b, ssrcs, 40, NULL, 0);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_NOSPACE);
	rtcp_build_begin(&b, buf, 14);
	rtcp_build_pli(&b, 1, 2);
	rtcp_build_pad(&b, 4);
	assert_int_equal(rtcp_build_end(&b), RTCP_E_NOSPACE);
	/* an empty compound */
	rtcp_build_begin(&b, buf, sizeof(buf));
	assert_int_equal(rtcp_build_end(&b), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rtcp_aiortc_sr),
	        cmocka_unit_test(test_rtcp_aiortc_rr),
	        cmocka_unit_test(test_rtcp_aiortc_sdes),
	        cmocka_unit_test(test_rtcp_aiortc_bye),
	        cmocka_unit_test(test_rtcp_aiortc_feedback),
	        cmocka_unit_test(test_rtcp_nack_expand),
	        cmocka_unit_test(test_rtcp_aiortc_invalid),
	        cmocka_unit_test(test_rtcp_every_vector_every_truncation),
	        cmocka_unit_test(test_rtcp_remb),
	        cmocka_unit_test(test_rtcp_twcc_draft_chunks),
	        cmocka_unit_test(test_rtcp_twcc_malformed),
	        cmocka_unit_test(test_rtcp_fir_app_bye_sdes),
	        cmocka_unit_test(test_rtcp_padding_rules),
	        cmocka_unit_test(test_rtcp_build_matches_aiortc),
	        cmocka_unit_test(test_rtcp_build_compound),
	        cmocka_unit_test(test_rtcp_build_errors),
	};
	return cmocka_run_group_tests_name("rtcp", tests, NULL, NULL);
}
