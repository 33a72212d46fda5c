/*
 * bench_rtp: cost of an RTP parse and of an RTCP compound walk, each next to
 * a memcpy of the same bytes measured in the same run.
 *
 *   bench_rtp [ITERATIONS [ROW]]   (default 2000000; ROW: only rows whose name has it)
 *
 * Prints, per operation, the bytes it covers, ns/op (wall clock, best of 5
 * rounds) and the ratio to the memcpy of the same size.
 *
 * The noise-free figure is instructions under callgrind: every operation is
 * one noinline bench_op_*() call, so its inclusive cost divided by the
 * iterations is instructions per op (a few of them the call itself, as for
 * the baseline):
 *   valgrind --tool=callgrind --callgrind-out-file=cg.out bench_rtp 100000 'rtp_parse video'
 *   callgrind_annotate --inclusive=yes cg.out | grep bench_op_
 * and divide each Ir by 5 * 100000 (5 rounds), one row at a time: the
 * bench_op_* functions are shared between rows.
 *
 * Packets (built here with the module's own builders, then parsed):
 *   rtp_video  1200 bytes: one-byte extensions mid, abs-send-time, twcc
 *   rtp_audio   112 bytes: mid, audio-level, twcc
 *   rtcp_sr    SR (1 report block) + SDES CNAME: the usual sender compound
 *   rtcp_rx    RR (1 block) + REMB + NACK (3 items) + PLI: a receiver's
 *   rtcp_twcc  transport-wide CC feedback of 100 packets, walked per packet
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtcp.h"
#include "rtp.h"

#define BENCH_ROUNDS 5

struct bench_buf {
	uint8_t data[1500];
	size_t len;
};

static struct bench_buf rtp_video, rtp_audio, rtcp_sr, rtcp_rx, rtcp_twcc;
static uint8_t sink_buf[1500];
static volatile uint64_t sink;

static void
bench_build_rtp(struct bench_buf *o, size_t total, int audio)
{
	struct rtp_builder b;
	uint8_t ast[3] = {0x12, 0x34, 0x56}, tw[2] = {0x01, 0x02}, level = 0x85;
	int n;

	rtp_build_begin(&b, o->data, sizeof(o->data), audio ? 111 : 96, 0, 1000, 90000, 0x11223344);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 4, "0", 1); /* mid */
	if (audio)
		rtp_build_ext(&b, 1, &level, 1);
	else
		rtp_build_ext(&b, 2, ast, 3);
	rtp_build_ext(&b, 3, tw, 2);
	n = rtp_build_end(&b);
	if (n < 0 || (size_t)n > total)
		abort();
	memset(o->data + n, 0xab, total - (size_t)n);
	o->len = total;
}

static void
bench_build_rtcp(void)
{
	struct rtcp_builder b;
	struct rtcp_report_block rb = {.ssrc = 0x5555,
	        .ext_high_seq = 70000,
	        .jitter = 12,
	        .lsr = 0x12345678,
	        .dlsr = 6553};
	static const uint16_t nack[] = {100, 101, 105, 140, 141, 200};
	uint32_t media = 0x5555;
	int n;

	rtcp_build_begin(&b, rtcp_sr.data, sizeof(rtcp_sr.data));
	rtcp_build_sr(&b, 0x1234, 0xde46475b151a005cull, 1722342718u, 269, 13557, &rb, 1);
	rtcp_build_sdes_cname(&b, 0x1234, "{63f459ea-41fe-4474-9d33-9707c9ee79d1}", 38);
	n = rtcp_build_end(&b);
	if (n < 0)
		abort();
	rtcp_sr.len = (size_t)n;

	rtcp_build_begin(&b, rtcp_rx.data, sizeof(rtcp_rx.data));
	rtcp_build_rr(&b, 0x1234, &rb, 1);
	rtcp_build_remb(&b, 0x1234, 2500000, &media, 1);
	rtcp_build_nack(&b, 0x1234, media, nack, sizeof(nack) / sizeof(nack[0]));
	rtcp_build_pli(&b, 0x1234, media);
	n = rtcp_build_end(&b);
	if (n < 0)
		abort();
	rtcp_rx.len = (size_t)n;

	/* TWCC: 100 statuses: 2-bit vector chunks (7 per chunk), all small deltas but every
	 * 10th lost and every 25th a large delta */
	{
		uint8_t *p = rtcp_twcc.data;
		size_t off = 20, deltas_len = 0;
		uint8_t deltas[256];
		unsigned i = 0;

		p[0] = 0x80 | RTCP_RTPFB_TWCC;
		p[1] = RTCP_PT_RTPFB;
		memcpy(p + 4, "\x00\x00\x12\x34\x00\x00\x55\x55", 8);
		memcpy(p + 12, "\x03\xe8\x00\x64\x00\x10\x00\x07", 8); /* base 1000, 100 pkts */
		while (i < 100) {
			uint16_t chunk = 0xc000;
			for (unsigned k = 0; k < 7; k++, i++) {
				unsigned sym = i >= 100 ? 0 : i % 10 == 9 ? 0 : i % 25 == 0 ? 2 : 1;
				chunk |= (uint16_t)(sym << (12 - 2 * k));
				if (sym == 1)
					deltas[deltas_len++] = 20;
				if (sym == 2) {
					deltas[deltas_len++] = 0x01;
					deltas[deltas_len++] = 0x00;
				}
			}
			p[off++] = (uint8_t)(chunk >> 8);
			p[off++] = (uint8_t)chunk;
		}
		memcpy(p + off, deltas, deltas_len);
		off += deltas_len;
		while (off % 4)
			p[off++] = 0;
		p[2] = (uint8_t)((off / 4 - 1) >> 8);
		p[3] = (uint8_t)(off / 4 - 1);
		rtcp_twcc.len = off;
	}
	if (rtcp_compound_check(rtcp_sr.data, rtcp_sr.len, 0, NULL) != RTCP_OK ||
	        rtcp_compound_check(rtcp_rx.data, rtcp_rx.len, 0, NULL) != RTCP_OK ||
	        rtcp_compound_check(rtcp_twcc.data, rtcp_twcc.len, 1, NULL) != RTCP_OK)
		abort();
}

/* ---- the measured operations: one call = one op ---- */

__attribute__((noinline)) static void
bench_op_memcpy(const struct bench_buf *b)
{
	memcpy(sink_buf, b->data, b->len);
	__asm__ volatile("" : : "r"(sink_buf) : "memory");
}

__attribute__((noinline)) static void
bench_op_rtp_parse(const struct bench_buf *b)
{
	struct rtp_pkt p;

	sink += (uint64_t)rtp_pkt_parse(&p, b->data, b->len) + p.payload_len + p.n_ext;
}

/* parse, then what a forwarder reads: the twcc sequence number (id 3) */
__attribute__((noinline)) static void
bench_op_rtp_parse_twcc(const struct bench_buf *b)
{
	struct rtp_pkt p;
	struct rtp_ext e;
	uint16_t seq = 0;

	if (rtp_pkt_parse(&p, b->data, b->len) == RTP_OK && rtp_pkt_ext_find(&p, 3, &e) == RTP_OK)
		rtp_ext_twcc_seq(&p, &e, &seq);
	sink += seq + p.payload_len;
}

/* the walk and the view of each packet */
__attribute__((noinline)) static void
bench_op_rtcp_walk(const struct bench_buf *b)
{
	struct rtcp_iter it;
	struct rtcp_pkt p;
	uint64_t acc = 0;

	rtcp_iter_init(&it, b->data, b->len);
	while (rtcp_iter_next(&it, &p) > 0) {
		switch (p.pt) {
		case RTCP_PT_SR: {
			struct rtcp_sr sr;
			struct rtcp_report_block rb;
			rtcp_sr_parse(&p, &sr);
			for (unsigned i = 0; i < sr.rc; i++) {
				rtcp_report_block_get(sr.blocks, sr.rc, i, &rb);
				acc += rb.jitter;
			}
			acc += sr.ntp;
			break;
		}
		case RTCP_PT_RR: {
			struct rtcp_rr rr;
			struct rtcp_report_block rb;
			rtcp_rr_parse(&p, &rr);
			for (unsigned i = 0; i < rr.rc; i++) {
				rtcp_report_block_get(rr.blocks, rr.rc, i, &rb);
				acc += rb.jitter;
			}
			break;
		}
		case RTCP_PT_SDES: {
			struct rtcp_sdes_iter si;
			struct rtcp_sdes_item item;
			rtcp_sdes_iter_init(&si, &p);
			while (rtcp_sdes_iter_next(&si, &item) > 0)
				acc += item.len;
			break;
		}
		case RTCP_PT_RTPFB:
		case RTCP_PT_PSFB: {
			struct rtcp_fb fb;
			rtcp_fb_parse(&p, &fb);
			if (fb.pt == RTCP_PT_RTPFB && fb.fmt == RTCP_RTPFB_NACK) {
				uint16_t seqs[64];
				acc += (uint64_t)rtcp_nack_expand_all(&fb, seqs, 64);
			} else if (fb.pt == RTCP_PT_RTPFB && fb.fmt == RTCP_RTPFB_TWCC) {
				struct rtcp_twcc tw;
				struct rtcp_twcc_iter ti;
				struct rtcp_twcc_pkt tp;
				rtcp_twcc_parse(&p, &tw);
				rtcp_twcc_iter_init(&ti, &tw);
				while (rtcp_twcc_iter_next(&ti, &tp) > 0)
					acc += (uint64_t)tp.delta;
			} else if (fb.fmt == RTCP_PSFB_AFB) {
				struct rtcp_remb remb;
				if (rtcp_remb_parse(&p, &remb) == RTCP_OK)
					acc += remb.bitrate;
			} else {
				acc += fb.media_ssrc;
			}
			break;
		}
		default:
			break;
		}
	}
	sink += acc;
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best-of-rounds ns per call. */
static double
bench_run(void (*op)(const struct bench_buf *), const struct bench_buf *b, unsigned iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		double t0 = bench_now(), dt;
		for (unsigned i = 0; i < iters; i++)
			op(b);
		dt = (bench_now() - t0) * 1e9 / iters;
		if (dt < best)
			best = dt;
	}
	return best;
}

static const char *only; /* run only the rows whose name contains this */

static void
bench_row(const char *name, void (*op)(const struct bench_buf *), const struct bench_buf *b,
        unsigned iters)
{
	double base, t;

	if (only != NULL && strstr(name, only) == NULL)
		return;
	base = bench_run(bench_op_memcpy, b, iters);
	t = bench_run(op, b, iters);

	printf("%-22s %5zu B  %8.2f ns/op   memcpy %6.2f ns/op   ratio %6.2f\n", name, b->len, t,
	        base, base > 0 ? t / base : 0.0);
}

int
main(int argc, char **argv)
{
	unsigned iters = 2000000;

	if (argc > 1)
		iters = (unsigned)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		only = argv[2];
	if (iters == 0 || argc > 3) {
		fprintf(stderr, "usage: %s [ITERATIONS [ROW]]\n", argv[0]);
		return 64;
	}
	bench_build_rtp(&rtp_video, 1200, 0);
	bench_build_rtp(&rtp_audio, 112, 1);
	bench_build_rtcp();

	printf("iterations %u x %d rounds (best round reported)\n", iters, BENCH_ROUNDS);
	bench_row("rtp_parse video", bench_op_rtp_parse, &rtp_video, iters);
	bench_row("rtp_parse+twcc video", bench_op_rtp_parse_twcc, &rtp_video, iters);
	bench_row("rtp_parse audio", bench_op_rtp_parse, &rtp_audio, iters);
	bench_row("rtp_parse+twcc audio", bench_op_rtp_parse_twcc, &rtp_audio, iters);
	bench_row("rtcp_walk sr+sdes", bench_op_rtcp_walk, &rtcp_sr, iters);
	bench_row("rtcp_walk rr+remb+nack", bench_op_rtcp_walk, &rtcp_rx, iters);
	bench_row("rtcp_walk twcc(100)", bench_op_rtcp_walk, &rtcp_twcc, iters);
	return (int)(sink & 0); /* keep sink alive */
}
