/*
 * bench_pkt: pkt_process() over the frames of a pcap, many times, no EAL.
 *
 *   bench_pkt FILE.pcap [ITERATIONS]
 *
 * Each frame is copied into an mbuf-sized buffer (as the PMD does) and run
 * through pkt_process() with the daemon's default identity (MAC of the
 * first net_pcap vdev, 198.18.0.2/24, fd00:198:18::2/64, media port 20000).
 * Prints the verdicts, the media classes and the wall-clock time per frame.
 *
 * The noise-free figure is the instruction count under callgrind, counting
 * only pkt_process() and what it calls (scripts/bench does this):
 *   valgrind --tool=callgrind --toggle-collect=pkt_process bench_pkt F.pcap 200
 * and dividing the collected Ir by the "packets" line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkt.h"

#define BENCH_HEADROOM 128  /* RTE_PKTMBUF_HEADROOM */
#define BENCH_DATAROOM 2048 /* RTE_MBUF_DEFAULT_DATAROOM */
#define BENCH_MAX_FRAMES 65536

struct bench_frame {
	uint8_t *data;
	uint16_t len;
};

struct bench_pcap {
	struct bench_frame *f;
	size_t n;
};

static uint32_t
bench_u32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Read a classic (not pcapng) Ethernet pcap into memory. */
static int
bench_pcap_load(const char *path, struct bench_pcap *pc)
{
	FILE *fp = fopen(path, "rb");
	uint8_t gh[24], rh[16];
	uint32_t magic;
	int swap;

	if (fp == NULL)
		return -errno;
	if (fread(gh, 1, sizeof(gh), fp) != sizeof(gh))
		goto err_format;
	memcpy(&magic, gh, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else
		goto err_format;
	if (bench_u32(gh + 20, swap) != 1) /* LINKTYPE_ETHERNET */
		goto err_format;
	pc->f = calloc(BENCH_MAX_FRAMES, sizeof(*pc->f));
	if (pc->f == NULL)
		goto err_format;
	pc->n = 0;
	while (pc->n < BENCH_MAX_FRAMES && fread(rh, 1, sizeof(rh), fp) == sizeof(rh)) {
		uint32_t caplen = bench_u32(rh + 8, swap);
		uint8_t *d;

		if (caplen == 0 || caplen > BENCH_DATAROOM)
			goto err_format;
		d = malloc(caplen);
		if (d == NULL || fread(d, 1, caplen, fp) != caplen) {
			free(d);
			goto err_format;
		}
		pc->f[pc->n].data = d;
		pc->f[pc->n].len = (uint16_t)caplen;
		pc->n++;
	}
	fclose(fp);
	return pc->n ? 0 : -ENODATA;

err_format:
	fclose(fp);
	return -EINVAL;
}

static void
bench_netif(struct netif *nif)
{
	static const uint8_t mac[6] = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
	uint8_t a6[16];
	struct in_addr a4;

	memset(nif, 0, sizeof(*nif));
	memcpy(nif->mac, mac, 6);
	nif->media_port = 20000;
	inet_pton(AF_INET, "198.18.0.2", &a4);
	netif_add_ip4(nif, a4.s_addr, 24);
	inet_pton(AF_INET6, "fd00:198:18::2", a6);
	netif_add_ip6(nif, a6, 64);
	netif_add_ip6_link_local(nif);
}

struct bench_result {
	uint64_t verdict[4];
	uint64_t cls[DEMUX_UNKNOWN + 1];
};

/* The measured loop; kept out of line so callgrind and perf can find it. */
static __attribute__((noinline)) void
bench_run(const struct pkt_ctx *ctx, const struct bench_pcap *pc, unsigned iters, uint8_t *mbuf,
        struct bench_result *r)
{
	for (unsigned it = 0; it < iters; it++) {
		for (size_t i = 0; i < pc->n; i++) {
			uint8_t *buf = mbuf + BENCH_HEADROOM;
			uint16_t len = pc->f[i].len;
			struct pkt_media meta;
			enum pkt_verdict v;

			memcpy(buf, pc->f[i].data, len);
			ctx->st->v[RTC_STAT_rx_packets]++;
			v = pkt_process(ctx, buf, &len, BENCH_DATAROOM, &meta);
			r->verdict[v]++;
			if (v == PKT_MEDIA)
				r->cls[meta.cls]++;
		}
	}
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	static struct neigh_table neigh;
	static struct rtc_stats st;
	static uint8_t mbuf[BENCH_HEADROOM + BENCH_DATAROOM];
	struct netif nif;
	struct bench_pcap pc = {0};
	struct bench_result r = {0};
	struct pkt_ctx ctx = {.nif = &nif, .neigh = &neigh, .st = &st, .now_us = 1000000};
	unsigned iters = 1000;
	uint64_t packets, drops = 0;
	double t0, t1;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE.pcap [ITERATIONS]\n", argv[0]);
		return 64;
	}
	if (argc == 3)
		iters = (unsigned)strtoul(argv[2], NULL, 10);
	rc = bench_pcap_load(argv[1], &pc);
	if (rc != 0) {
		fprintf(stderr, "bench_pkt: %s: %s\n", argv[1],
		        rc == -EINVAL ? "not an Ethernet pcap" : strerror(-rc));
		return 66;
	}
	bench_netif(&nif);
	neigh_init(&neigh);

	t0 = bench_now();
	bench_run(&ctx, &pc, iters, mbuf, &r);
	t1 = bench_now();

	packets = (uint64_t)pc.n * iters;
	for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
		if (rtc_stats_is_drop((enum rtc_stat)k) && st.v[k] != 0) {
			printf("drop %s %" PRIu64 "\n", rtc_stats_name((enum rtc_stat)k), st.v[k]);
			drops += st.v[k];
		}
	printf("frames %zu iterations %u packets %" PRIu64 "\n", pc.n, iters, packets);
	printf("verdicts media %" PRIu64 " tx %" PRIu64 " consumed %" PRIu64 " drop %" PRIu64 "\n",
	        r.verdict[PKT_MEDIA], r.verdict[PKT_TX], r.verdict[PKT_CONSUMED],
	        r.verdict[PKT_DROP]);
	printf("classes rtp %" PRIu64 " rtcp %" PRIu64 " stun %" PRIu64 " dtls %" PRIu64 "\n",
	        r.cls[DEMUX_RTP], r.cls[DEMUX_RTCP], r.cls[DEMUX_STUN], r.cls[DEMUX_DTLS]);
	printf("ns_per_packet %.2f\n", packets ? (t1 - t0) * 1e9 / (double)packets : 0.0);
	for (size_t i = 0; i < pc.n; i++)
		free(pc.f[i].data);
	free(pc.f);
	return drops == 0 ? 0 : 1;
}
