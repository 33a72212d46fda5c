/*
 * libFuzzer target: pkt_process() on one raw Ethernet frame.
 *
 * The frame is processed as the worker would see it (2-byte offset like an
 * mbuf's data, 64 bytes of tailroom) by an interface with IPv4 and IPv6
 * addresses, untagged (VLAN 0) and again tagged (VLAN 7, and VLAN 100 which
 * the pcap-derived seeds use); untagged once more as if the NIC had found
 * the IPv4 and UDP checksums good (so mutations get past them), and once in
 * a buffer of exactly the frame's size so AddressSanitizer sees any access
 * past the frame. Checks:
 *   - the verdict is one of the four;
 *   - *len <= room; a reply is at least an Ethernet header, from our MAC;
 *   - PKT_MEDIA: payload_off + payload_len <= *len, payload behind the
 *     L2/L3/UDP headers, a media class, family 4 or 6;
 *   - PKT_DROP moved exactly one counter, a drop counter, by one; other
 *     verdicts moved no drop counter.
 * A failed check aborts (a crash for libFuzzer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TAILROOM 64
#define MAX_FRAME (UINT16_MAX - TAILROOM)

/* Same addresses as tests/pcap/cases.py, so its frames (the seeds) go deep. */
static const uint8_t fuzz_mac[6] = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
static const uint16_t fuzz_vlans[] = {0, 7, 100};
#define N_VLANS (sizeof(fuzz_vlans) / sizeof(fuzz_vlans[0]))

static struct netif fuzz_nif[N_VLANS];
static struct neigh_table fuzz_neigh;
static uint8_t fuzz_mem[UINT16_MAX + 64] __attribute__((aligned(64)));

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_pkt: invariant failed: %s (line %d)\n", #cond, \
					__LINE__);                                       \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void
fuzz_add4(struct netif *nif, const char *a, uint8_t plen)
{
	struct in_addr in;

	CHECK(inet_pton(AF_INET, a, &in) == 1);
	CHECK(netif_add_ip4(nif, in.s_addr, plen) == 0);
}

static void
fuzz_add6(struct netif *nif, const char *a, uint8_t plen)
{
	uint8_t in[16];

	CHECK(inet_pton(AF_INET6, a, in) == 1);
	CHECK(netif_add_ip6(nif, in, plen) == 0);
}

static void
fuzz_setup(void)
{
	for (unsigned i = 0; i < N_VLANS; i++) {
		struct netif *nif = &fuzz_nif[i];
		memset(nif, 0, sizeof(*nif));
		memcpy(nif->mac, fuzz_mac, 6);
		nif->vlan = fuzz_vlans[i];
		nif->media_port = 20000;
		nif->export_base = 40000; /* the transceiver export's ports too */
		nif->export_count = 1024;
		fuzz_add4(nif, "198.18.0.2", 24);
		fuzz_add4(nif, "10.1.2.3", 24);
		fuzz_add4(nif, "10.9.9.9", 16);
		fuzz_add6(nif, "fd00:198:18::2", 64);
		fuzz_add6(nif, "2001:db8::7", 64);
		CHECK(netif_add_ip6_link_local(nif) == 0);
	}
}

static void
fuzz_check(const struct pkt_ctx *c, enum pkt_verdict v, const struct rtc_stats *st,
		const uint8_t *buf, uint16_t len, uint16_t room, const struct pkt_media *m)
{
	unsigned drops = 0, moved = 0;

	CHECK(v == PKT_DROP || v == PKT_CONSUMED || v == PKT_TX || v == PKT_MEDIA);
	CHECK(len <= room);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		CHECK(st->v[i] <= 1);
		moved += st->v[i] != 0;
		if (st->v[i] && rtc_stats_is_drop((enum rtc_stat)i))
			drops++;
	}
	if (v == PKT_DROP) {
		CHECK(drops == 1);
		CHECK(moved == 1);
	} else {
		CHECK(drops == 0);
	}
	if (v == PKT_TX) {
		CHECK(len >= 14);
		CHECK(memcmp(buf + 6, c->nif->mac, 6) == 0);
	}
	if (v == PKT_MEDIA) {
		CHECK(m->l2_len == 14 || m->l2_len == 18);
		CHECK(m->payload_off >= m->l2_len + 20 + 8);
		CHECK((uint32_t)m->payload_off + m->payload_len <= len);
		CHECK(m->cls == DEMUX_STUN || m->cls == DEMUX_DTLS || m->cls == DEMUX_RTP ||
				m->cls == DEMUX_RTCP);
		CHECK(m->flow.family == 4 || m->flow.family == 6);
		CHECK(demux_classify(buf + m->payload_off, m->payload_len) == m->cls);
	}
}

static void
fuzz_one(const struct netif *nif, uint32_t hw_cksum, uint8_t *buf, const uint8_t *data,
		size_t size, uint16_t room)
{
	struct rtc_stats st;
	struct pkt_media m;
	struct pkt_ctx c = {.nif = nif, .neigh = &fuzz_neigh, .st = &st, .now_us = 1000000,
			.hw_cksum = hw_cksum};
	uint16_t len = (uint16_t)size;
	enum pkt_verdict v;

	memcpy(buf, data, size);
	if (room > size)
		memset(buf + size, 0xa5, room - size);
	memset(&st, 0, sizeof(st));
	memset(&m, 0, sizeof(m));
	neigh_init(&fuzz_neigh);
	v = pkt_process(&c, buf, &len, room, &m);
	fuzz_check(&c, v, &st, buf, len, room, &m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t *exact;

	if (size > MAX_FRAME)
		return 0;
	if (!ready) {
		fuzz_setup();
		ready = 1;
	}
	for (unsigned i = 0; i < N_VLANS; i++)
		fuzz_one(&fuzz_nif[i], 0, fuzz_mem + 2, data, size, (uint16_t)(size + TAILROOM));
	fuzz_one(&fuzz_nif[0], PKT_HW_IP4_GOOD | PKT_HW_L4_GOOD, fuzz_mem + 2, data, size,
			(uint16_t)(size + TAILROOM));

	/* no room at all, in a heap block that ends where the frame ends */
	exact = malloc(size + 2);
	CHECK(exact != NULL);
	fuzz_one(&fuzz_nif[0], 0, exact + 2, data, size, (uint16_t)size);
	free(exact);
	return 0;
}
