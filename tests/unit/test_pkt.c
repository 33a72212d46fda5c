/*
 * pkt_process(): frames built byte by byte, every verdict and every drop
 * reason reachable from it. For each: the verdict, that exactly the expected
 * counters moved (one drop counter for a drop), and for replies the exact
 * bytes, built independently with the checksum routine of this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export.h"
#include "pkt.h"

/* ---- addresses ---- */

static const uint8_t OUR_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t PEER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t OTHER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};
static const uint8_t BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t SN_OUR6_MAC[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x02};
static const uint8_t ALL_NODES_MAC[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

static const uint8_t OUR4[4] = {198, 18, 0, 2};
static const uint8_t PEER4[4] = {198, 18, 0, 1};
static const uint8_t OTHER4[4] = {198, 18, 0, 3};
static const uint8_t ZERO4[4] = {0, 0, 0, 0};

static const uint8_t OUR6[16] = {0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 2};
static const uint8_t PEER6[16] = {0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 1};
static const uint8_t OTHER6[16] = {0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 3};
/* fe80::ff:fe00:1, the modified EUI-64 of OUR_MAC */
static const uint8_t OUR_LL[16] = {0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 1};
static const uint8_t PEER_LL[16] = {0xfe, 0x80, [15] = 2};
/* ff02::1:ff00:2, solicited-node group of OUR6 */
static const uint8_t SN_OUR6[16] = {0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 2};
static const uint8_t SN_OUR_LL[16] = {0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 1};
static const uint8_t SN_OTHER6[16] = {0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 3};
static const uint8_t ALL_NODES6[16] = {0xff, 0x02, [15] = 1};
static const uint8_t UNSPEC6[16];
static const uint8_t LOOP6[16] = {[15] = 1};

#define MEDIA_PORT 20000
#define PEER_PORT 50000

/* ---- an independent Internet checksum (RFC 1071), plain and slow ---- */

static uint16_t
t_cksum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint64_t)p[i] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Checksum of an upper-layer message behind an IPv4 or IPv6 pseudo-header. */
static uint16_t
t_cksum_l4(int v6, const uint8_t *src, const uint8_t *dst, uint8_t proto, const uint8_t *msg,
		size_t n)
{
	uint8_t tmp[2048 + 40];
	size_t off = 0, alen = v6 ? 16 : 4;

	assert_true(n <= 2048);
	memcpy(tmp + off, src, alen);
	off += alen;
	memcpy(tmp + off, dst, alen);
	off += alen;
	if (v6) {
		tmp[off++] = (uint8_t)(n >> 24);
		tmp[off++] = (uint8_t)(n >> 16);
		tmp[off++] = (uint8_t)(n >> 8);
		tmp[off++] = (uint8_t)n;
		tmp[off++] = 0;
		tmp[off++] = 0;
		tmp[off++] = 0;
		tmp[off++] = proto;
	} else {
		tmp[off++] = 0;
		tmp[off++] = proto;
		tmp[off++] = (uint8_t)(n >> 8);
		tmp[off++] = (uint8_t)n;
	}
	memcpy(tmp + off, msg, n);
	return t_cksum(tmp, off + n);
}

/* ---- frame builder ---- */

struct frame {
	uint8_t b[2048];
	size_t n;
};

static void
put(struct frame *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put8(struct frame *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void
put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void
set16(struct frame *f, size_t off, unsigned v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static void
put_zeros(struct frame *f, size_t n)
{
	while (n--)
		put8(f, 0);
}

/* Bytes 0, 1, 2, ... as a recognisable payload. */
static void
put_pattern(struct frame *f, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		put8(f, (uint8_t)(seed + i * 7));
}

static void
eth(struct frame *f, const uint8_t dst[6], const uint8_t src[6], unsigned type)
{
	f->n = 0;
	put(f, dst, 6);
	put(f, src, 6);
	put16(f, type);
}

static void
eth_vlan(struct frame *f, const uint8_t dst[6], const uint8_t src[6], unsigned tci,
		unsigned type)
{
	f->n = 0;
	put(f, dst, 6);
	put(f, src, 6);
	put16(f, 0x8100);
	put16(f, tci);
	put16(f, type);
}

/* Pad to @min bytes (the Ethernet minimum of 60 without FCS) with nonzero junk. */
static void
eth_pad(struct frame *f, size_t min)
{
	while (f->n < min)
		put8(f, 0xee);
}

static void
arp(struct frame *f, unsigned op, const uint8_t sha[6], const uint8_t sip[4],
		const uint8_t tha[6], const uint8_t tip[4])
{
	put16(f, 1);	  /* Ethernet */
	put16(f, 0x0800); /* IPv4 */
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, sha, 6);
	put(f, sip, 4);
	put(f, tha, 6);
	put(f, tip, 4);
}

struct ip4_opt {
	unsigned tos, id, frag, ttl;
	const uint8_t *opts;
	size_t optlen; /* multiple of 4 */
};

/* An IPv4 header; the total length and checksum are set by ip4_end(). */
static size_t
ip4_begin(struct frame *f, const struct ip4_opt *o, unsigned proto, const uint8_t src[4],
		const uint8_t dst[4])
{
	size_t off = f->n;
	size_t optlen = o ? o->optlen : 0;

	put8(f, 0x40 | (unsigned)(5 + optlen / 4));
	put8(f, o ? o->tos : 0);
	put16(f, 0); /* total length */
	put16(f, o ? o->id : 0x1234);
	put16(f, o ? o->frag : 0);
	put8(f, o && o->ttl ? o->ttl : 64);
	put8(f, proto);
	put16(f, 0); /* checksum */
	put(f, src, 4);
	put(f, dst, 4);
	if (optlen)
		put(f, o->opts, optlen);
	return off;
}

static void
ip4_end(struct frame *f, size_t off)
{
	size_t hlen = (size_t)(f->b[off] & 0xf) * 4;

	set16(f, off + 2, (unsigned)(f->n - off));
	set16(f, off + 10, 0);
	set16(f, off + 10, t_cksum(f->b + off, hlen));
}

static size_t
ip6_begin(struct frame *f, uint32_t vtc_flow, unsigned nh, unsigned hops, const uint8_t src[16],
		const uint8_t dst[16])
{
	size_t off = f->n;

	put32(f, vtc_flow);
	put16(f, 0); /* payload length */
	put8(f, nh);
	put8(f, hops);
	put(f, src, 16);
	put(f, dst, 16);
	return off;
}

static void
ip6_end(struct frame *f, size_t off)
{
	set16(f, off + 4, (unsigned)(f->n - off - 40));
}

/* An 8-byte extension header (hop-by-hop or destination options) holding one PadN. */
static void
ip6_opts_hdr(struct frame *f, unsigned nh)
{
	put8(f, nh);
	put8(f, 0);
	put8(f, 1); /* PadN */
	put8(f, 4);
	put_zeros(f, 4);
}

static size_t
udp_begin(struct frame *f, unsigned sport, unsigned dport)
{
	size_t off = f->n;

	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return off;
}

/* Length and checksum of the UDP datagram at @uoff, to the end of the frame. */
static void
udp_end(struct frame *f, int v6, size_t ipoff, size_t uoff)
{
	size_t n = f->n - uoff;
	const uint8_t *src = f->b + ipoff + (v6 ? 8 : 12);
	const uint8_t *dst = src + (v6 ? 16 : 4);
	uint16_t ck;

	set16(f, uoff + 4, (unsigned)n);
	set16(f, uoff + 6, 0);
	ck = t_cksum_l4(v6, src, dst, 17, f->b + uoff, n);
	set16(f, uoff + 6, ck == 0 ? 0xffff : ck); /* RFC 768: 0 is sent as all ones */
}

/* ICMP echo (type, code, id 0x4242, seq) with @plen bytes of pattern; checksum by icmp_end. */
static size_t
icmp_echo(struct frame *f, unsigned type, unsigned code, unsigned seq, size_t plen)
{
	size_t off = f->n;

	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put16(f, 0x4242);
	put16(f, seq);
	put_pattern(f, plen, seq);
	return off;
}

static void
icmp4_end(struct frame *f, size_t moff)
{
	set16(f, moff + 2, 0);
	set16(f, moff + 2, t_cksum(f->b + moff, f->n - moff));
}

static void
icmp6_end(struct frame *f, size_t ipoff, size_t moff)
{
	set16(f, moff + 2, 0);
	set16(f, moff + 2,
			t_cksum_l4(1, f->b + ipoff + 8, f->b + ipoff + 24, 58, f->b + moff,
					f->n - moff));
}

/* Neighbor solicitation (135) or advertisement (136) fixed part. */
static size_t
nd_msg(struct frame *f, unsigned type, unsigned flags, const uint8_t target[16])
{
	size_t off = f->n;

	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put8(f, flags);
	put_zeros(f, 3);
	put(f, target, 16);
	return off;
}

static void
nd_lladdr_opt(struct frame *f, unsigned type, const uint8_t mac[6])
{
	put8(f, type);
	put8(f, 1);
	put(f, mac, 6);
}

/* ---- fixture ---- */

struct fx {
	struct netif nif;
	struct neigh_table neigh;
	struct rtc_stats st;
	struct pkt_ctx ctx;
	struct pkt_media m;
	uint8_t mem[4096] __attribute__((aligned(64)));
	uint8_t *buf; /* mem + 2: the IP header 4-byte aligned, like an mbuf */
	uint16_t len;
};

/* Drop reasons moved by any test so far (checked by the last test). */
static unsigned char drops_seen[RTC_STAT__COUNT];

static int
fx_setup_vlan(void **state, uint16_t vlan)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	memcpy(x->nif.mac, OUR_MAC, 6);
	x->nif.vlan = vlan;
	x->nif.media_port = MEDIA_PORT;
	uint32_t a4;
	memcpy(&a4, OUR4, 4);
	if (netif_add_ip4(&x->nif, a4, 24) != 0 || netif_add_ip6(&x->nif, OUR6, 64) != 0 ||
			netif_add_ip6_link_local(&x->nif) != 0)
		return -1;
	neigh_init(&x->neigh);
	x->ctx.nif = &x->nif;
	x->ctx.neigh = &x->neigh;
	x->ctx.st = &x->st;
	x->ctx.now_us = 1000000;
	x->buf = x->mem + 2;
	*state = x;
	return 0;
}

static int
fx_setup(void **state)
{
	return fx_setup_vlan(state, 0);
}

static int
fx_setup_vlan7(void **state)
{
	return fx_setup_vlan(state, 7);
}

static int
fx_teardown(void **state)
{
	free(*state);
	return 0;
}

/* Run @f with @room bytes of buffer; the result is in x->buf[0..x->len). */
static enum pkt_verdict
run_room(struct fx *x, const struct frame *f, uint16_t room)
{
	enum pkt_verdict v;

	assert_true(f->n <= room && room <= sizeof(x->mem) - 2);
	memset(x->mem, 0xcc, sizeof(x->mem));
	memcpy(x->buf, f->b, f->n);
	memset(&x->m, 0x5a, sizeof(x->m));
	memset(&x->st, 0, sizeof(x->st));
	x->len = (uint16_t)f->n;
	v = pkt_process(&x->ctx, x->buf, &x->len, room, &x->m);
	assert_true(x->len <= room);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		if (x->st.v[i] != 0 && rtc_stats_is_drop((enum rtc_stat)i))
			drops_seen[i] = 1;
	return v;
}

static enum pkt_verdict
run(struct fx *x, const struct frame *f)
{
	return run_room(x, f, (uint16_t)(f->n + 256));
}

/* Exactly the counters listed (each once) moved; -1 ends the list. */
static void
expect_counters(const struct fx *x, ...)
{
	unsigned char want[RTC_STAT__COUNT] = {0};
	va_list ap;
	int s;

	va_start(ap, x);
	while ((s = va_arg(ap, int)) >= 0)
		want[s] = 1;
	va_end(ap);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		if (x->st.v[i] != want[i])
			fail_msg("counter %s is %llu, want %u", rtc_stats_name((enum rtc_stat)i),
					(unsigned long long)x->st.v[i], want[i]);
}

#define expect_drop(x, f, reason) expect_drop_at(x, f, reason, __LINE__)

static void
expect_drop_at(struct fx *x, const struct frame *f, enum rtc_stat reason, int line)
{
	enum pkt_verdict v = run(x, f);

	if (v != PKT_DROP)
		fail_msg("line %d: verdict %d, want drop (%s)", line, v, rtc_stats_name(reason));
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		uint64_t want = i == (unsigned)reason;
		if (x->st.v[i] != want)
			fail_msg("line %d: counter %s is %llu, want %llu (expected %s)", line,
					rtc_stats_name((enum rtc_stat)i),
					(unsigned long long)x->st.v[i], (unsigned long long)want,
					rtc_stats_name(reason));
	}
}

static void
expect_bytes(const struct fx *x, const struct frame *want)
{
	if (x->len != want->n)
		fail_msg("reply is %u bytes, want %zu", x->len, want->n);
	for (size_t i = 0; i < want->n; i++)
		if (x->buf[i] != want->b[i])
			fail_msg("reply byte %zu is 0x%02x, want 0x%02x", i, x->buf[i], want->b[i]);
}

static void
mapped4(const uint8_t a[4], uint8_t out[16])
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a, 4);
}

/* ---- frames used by several tests ---- */

static void
build_arp(struct frame *f, const uint8_t edst[6], unsigned op, const uint8_t sip[4],
		const uint8_t tip[4])
{
	static const uint8_t zero_mac[6];

	eth(f, edst, PEER_MAC, 0x0806);
	arp(f, op, PEER_MAC, sip, op == 1 ? zero_mac : OUR_MAC, tip);
}

/* IPv4 UDP from the peer to our media port carrying @plen bytes starting with @first. */
static void
build_udp4(struct frame *f, const uint8_t src[4], const uint8_t dst[4], unsigned dport,
		const uint8_t *payload, size_t plen)
{
	eth(f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(f, NULL, 17, src, dst);
	size_t u = udp_begin(f, PEER_PORT, dport);
	put(f, payload, plen);
	udp_end(f, 0, ip, u);
	ip4_end(f, ip);
}

static void
build_udp6(struct frame *f, const uint8_t src[16], const uint8_t dst[16], unsigned dport,
		const uint8_t *payload, size_t plen)
{
	eth(f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(f, 0x60000000, 17, 64, src, dst);
	size_t u = udp_begin(f, PEER_PORT, dport);
	put(f, payload, plen);
	udp_end(f, 1, ip, u);
	ip6_end(f, ip);
}

/* A STUN binding request header (20 bytes) + @extra bytes. */
static const uint8_t stun20[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4,
		5, 6, 7, 8, 9, 10, 11, 12};

static void
build_echo4(struct frame *f, const uint8_t src[4], const uint8_t dst[4], unsigned type,
		unsigned code, size_t plen)
{
	eth(f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(f, NULL, 1, src, dst);
	size_t ic = icmp_echo(f, type, code, 1, plen);
	icmp4_end(f, ic);
	ip4_end(f, ip);
}

static void
build_echo6(struct frame *f, const uint8_t src[16], const uint8_t dst[16], unsigned type,
		unsigned code, size_t plen)
{
	eth(f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(f, 0x60000000, 58, 64, src, dst);
	size_t ic = icmp_echo(f, type, code, 1, plen);
	ip6_end(f, ip);
	icmp6_end(f, ip, ic);
}

/* NS from @src to @dst for @target, optionally with a source link-layer address option. */
static void
build_ns(struct frame *f, const uint8_t edst[6], const uint8_t src[16], const uint8_t dst[16],
		const uint8_t target[16], int with_sll, unsigned hops)
{
	eth(f, edst, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(f, 0x60000000, 58, hops, src, dst);
	size_t m = nd_msg(f, 135, 0, target);
	if (with_sll)
		nd_lladdr_opt(f, 1, PEER_MAC);
	ip6_end(f, ip);
	icmp6_end(f, ip, m);
}

/* The NA we expect for a solicitation: to @dst/@edst, solicited unless DAD. */
static void
expected_na(struct frame *f, const uint8_t edst[6], const uint8_t target[16],
		const uint8_t dst[16], int solicited)
{
	eth(f, edst, OUR_MAC, 0x86dd);
	size_t ip = ip6_begin(f, 0x60000000, 58, 255, target, dst);
	size_t m = nd_msg(f, 136, solicited ? 0x60 : 0x20, target); /* S, O */
	nd_lladdr_opt(f, 2, OUR_MAC);
	ip6_end(f, ip);
	icmp6_end(f, ip, m);
}

/* ======================= PKT_TX: replies ======================= */

static void
test_pkt_arp_request_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	uint8_t ip[16], mac[6];

	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	eth_pad(&f, 60);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_arp_replies, RTC_STAT_arp_learned, -1);

	eth(&want, PEER_MAC, OUR_MAC, 0x0806);
	arp(&want, 2, OUR_MAC, OUR4, PEER_MAC, PEER4);
	expect_bytes(x, &want); /* 42 bytes: the padding is not sent back */

	mapped4(PEER4, ip);
	assert_int_equal(neigh_lookup(&x->neigh, ip, x->ctx.now_us, 1, mac), 0);
	assert_memory_equal(mac, PEER_MAC, 6);
}

static void
test_pkt_arp_probe_answered_not_learned(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	uint8_t ip[16], mac[6];

	/* RFC 5227 §2.1.1 probe: sender IP 0.0.0.0 */
	build_arp(&f, BCAST_MAC, 1, ZERO4, OUR4);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_arp_replies, -1);
	eth(&want, PEER_MAC, OUR_MAC, 0x0806);
	arp(&want, 2, OUR_MAC, OUR4, PEER_MAC, ZERO4);
	expect_bytes(x, &want);
	mapped4(ZERO4, ip);
	assert_int_equal(neigh_lookup(&x->neigh, ip, x->ctx.now_us, 1, mac), -1);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_arp_request_on_vlan_answered_tagged(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	static const uint8_t zero_mac[6];

	/* priority 5, VID 7: the tag goes back unchanged */
	eth_vlan(&f, BCAST_MAC, PEER_MAC, 0xa007, 0x0806);
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	eth_pad(&f, 64);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_arp_replies, RTC_STAT_arp_learned, -1);
	eth_vlan(&want, PEER_MAC, OUR_MAC, 0xa007, 0x0806);
	arp(&want, 2, OUR_MAC, OUR4, PEER_MAC, PEER4);
	expect_bytes(x, &want);
}

static void
expected_echo4_reply(struct frame *want, size_t plen, int vlan)
{
	if (vlan)
		eth_vlan(want, PEER_MAC, OUR_MAC, 7, 0x0800);
	else
		eth(want, PEER_MAC, OUR_MAC, 0x0800);
	size_t ip = ip4_begin(want, NULL, 1, OUR4, PEER4);
	size_t ic = icmp_echo(want, 0, 0, 1, plen);
	icmp4_end(want, ic);
	ip4_end(want, ip);
}

static void
test_pkt_icmp4_echo_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	build_echo4(&f, PEER4, OUR4, 8, 0, 56);
	f.b[14 + 8] = 17; /* the request's TTL is not echoed */
	set16(&f, 14 + 10, 0);
	set16(&f, 14 + 10, t_cksum(f.b + 14, 20));
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp_echo_replies, -1);
	expected_echo4_reply(&want, 56, 0);
	expect_bytes(x, &want);
}

static void
test_pkt_icmp4_echo_odd_length_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	build_echo4(&f, PEER4, OUR4, 8, 0, 1001); /* odd: checksum pads a zero byte */
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp_echo_replies, -1);
	expected_echo4_reply(&want, 1001, 0);
	expect_bytes(x, &want);
}

static void
test_pkt_icmp4_echo_with_options_reply_without(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	/* NOP, NOP, NOP, End of option list; then a record-route of 8 bytes */
	static const uint8_t opts[12] = {1, 1, 1, 0, 7, 7, 4, 0, 0, 0, 0, 1};
	const struct ip4_opt o = {.id = 0x1234, .optlen = sizeof(opts), .opts = opts};

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, &o, 1, PEER4, OUR4);
	size_t ic = icmp_echo(&f, 8, 0, 1, 40);
	icmp4_end(&f, ic);
	ip4_end(&f, ip);
	assert_int_equal(f.b[14], 0x48);

	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp_echo_replies, -1);
	expected_echo4_reply(&want, 40, 0); /* IHL 5: no options in the reply */
	expect_bytes(x, &want);
}

static void
test_pkt_icmp4_echo_padded_frame_trimmed(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	build_echo4(&f, PEER4, OUR4, 8, 0, 4); /* 46 bytes: padded to 60 */
	eth_pad(&f, 60);
	assert_int_equal(run(x, &f), PKT_TX);
	expected_echo4_reply(&want, 4, 0);
	assert_int_equal(want.n, 46);
	expect_bytes(x, &want);
}

static void
test_pkt_icmp4_echo_on_vlan_answered_tagged(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	eth_vlan(&f, OUR_MAC, PEER_MAC, 7, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 1, PEER4, OUR4);
	size_t ic = icmp_echo(&f, 8, 0, 1, 32);
	icmp4_end(&f, ic);
	ip4_end(&f, ip);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp_echo_replies, -1);
	expected_echo4_reply(&want, 32, 1);
	expect_bytes(x, &want);
}

static void
expected_echo6_reply(struct frame *want, const uint8_t src[16], const uint8_t dst[16],
		size_t plen)
{
	eth(want, PEER_MAC, OUR_MAC, 0x86dd);
	size_t ip = ip6_begin(want, 0x60000000, 58, 64, src, dst);
	size_t ic = icmp_echo(want, 129, 0, 1, plen);
	ip6_end(want, ip);
	icmp6_end(want, ip, ic);
}

static void
test_pkt_icmp6_echo_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	build_echo6(&f, PEER6, OUR6, 128, 0, 56);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp6_echo_replies, -1);
	expected_echo6_reply(&want, OUR6, PEER6, 56);
	expect_bytes(x, &want);
}

static void
test_pkt_icmp6_echo_link_local_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	build_echo6(&f, PEER_LL, OUR_LL, 128, 0, 7);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp6_echo_replies, -1);
	expected_echo6_reply(&want, OUR_LL, PEER_LL, 7);
	expect_bytes(x, &want);
}

static void
test_pkt_icmp6_echo_with_dest_options_reply_without(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6); /* 60: destination options */
	ip6_opts_hdr(&f, 58);
	size_t ic = icmp_echo(&f, 128, 0, 1, 24);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, ic);
	eth_pad(&f, 60);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp6_echo_replies, -1);
	expected_echo6_reply(&want, OUR6, PEER6, 24); /* next header 58 directly */
	expect_bytes(x, &want);
}

static void
test_pkt_icmp6_echo_with_hop_by_hop_and_dest_options(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 0, 64, PEER6, OUR6);
	ip6_opts_hdr(&f, 60);
	ip6_opts_hdr(&f, 58);
	size_t ic = icmp_echo(&f, 128, 0, 1, 3);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, ic);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp6_echo_replies, -1);
	expected_echo6_reply(&want, OUR6, PEER6, 3);
	expect_bytes(x, &want);
}

static void
test_pkt_nd_ns_multicast_answered_and_learned(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	uint8_t mac[6];

	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, OUR6, 1, 255);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_nd_adverts, RTC_STAT_nd_learned, -1);
	expected_na(&want, PEER_MAC, OUR6, PEER6, 1);
	expect_bytes(x, &want);
	assert_int_equal(neigh_lookup(&x->neigh, PEER6, x->ctx.now_us, 1, mac), 0);
	assert_memory_equal(mac, PEER_MAC, 6);
}

static void
test_pkt_nd_ns_unicast_without_sll_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	/* neighbour unreachability detection: unicast, no option (RFC 4861 §7.2.2) */
	build_ns(&f, OUR_MAC, PEER6, OUR6, OUR6, 0, 255);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_nd_adverts, -1);
	expected_na(&want, PEER_MAC, OUR6, PEER6, 1);
	expect_bytes(x, &want);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_nd_ns_link_local_target_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;
	static const uint8_t sn_ll_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};

	build_ns(&f, sn_ll_mac, PEER_LL, SN_OUR_LL, OUR_LL, 1, 255);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_nd_adverts, RTC_STAT_nd_learned, -1);
	expected_na(&want, PEER_MAC, OUR_LL, PEER_LL, 1);
	expect_bytes(x, &want);
}

static void
test_pkt_nd_dad_answered_to_all_nodes(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	/* RFC 4861 §7.2.4: from ::, answer to all-nodes, Solicited flag clear */
	build_ns(&f, SN_OUR6_MAC, UNSPEC6, SN_OUR6, OUR6, 0, 255);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_nd_adverts, -1);
	expected_na(&want, ALL_NODES_MAC, OUR6, ALL_NODES6, 0);
	expect_bytes(x, &want);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_nd_ns_with_unknown_option_answered(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	/* RFC 4861 §4.6 / §7.1.1: unknown options are skipped, not an error */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	size_t m = nd_msg(&f, 135, 0, OUR6);
	put8(&f, 14); /* nonce option (RFC 3971), 8 bytes */
	put8(&f, 1);
	put_pattern(&f, 6, 3);
	nd_lladdr_opt(&f, 1, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_nd_adverts, RTC_STAT_nd_learned, -1);
	expected_na(&want, PEER_MAC, OUR6, PEER6, 1);
	expect_bytes(x, &want);
}

static void
test_pkt_nd_ns_room_boundary(void **state)
{
	struct fx *x = *state;
	struct frame f, want;

	/* a 24-byte NS becomes a 32-byte NA: 8 bytes of room are needed */
	build_ns(&f, OUR_MAC, PEER6, OUR6, OUR6, 0, 255);
	assert_int_equal(run_room(x, &f, (uint16_t)(f.n + 8)), PKT_TX);
	expected_na(&want, PEER_MAC, OUR6, PEER6, 1);
	expect_bytes(x, &want);
	assert_int_equal(x->len, f.n + 8);
}

/* ======================= PKT_CONSUMED ======================= */

static void
test_pkt_arp_reply_learned(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t ip[16], mac[6];

	build_arp(&f, OUR_MAC, 2, PEER4, OUR4);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, RTC_STAT_arp_learned, -1);
	mapped4(PEER4, ip);
	assert_int_equal(neigh_lookup(&x->neigh, ip, x->ctx.now_us, 1, mac), 0);
	assert_memory_equal(mac, PEER_MAC, 6);
}

static void
test_pkt_nd_na_learned(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t mac[6];

	static const uint8_t old_mac[6] = {0x02, 0, 0, 0, 0, 0x99};

	/* RFC 4861 §7.2.5: an advertisement refreshes an entry we already have */
	neigh_update(&x->neigh, PEER6, old_mac, x->ctx.now_us);
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	size_t m = nd_msg(&f, 136, 0x60, PEER6);
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, RTC_STAT_nd_learned, -1);
	assert_int_equal(neigh_lookup(&x->neigh, PEER6, x->ctx.now_us, 1, mac), 0);
	assert_memory_equal(mac, PEER_MAC, 6);
	assert_int_equal(x->neigh.count, 1);
}

static void
test_pkt_nd_na_unknown_target_not_created(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 4861 §7.2.5: no entry, so the advertisement is silently discarded */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	size_t m = nd_msg(&f, 136, 0x60, PEER6);
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, -1);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_nd_na_without_tll_consumed_not_learned(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	size_t m = nd_msg(&f, 136, 0x40, PEER6);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, -1);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_nd_na_for_our_address_not_learned(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	size_t m = nd_msg(&f, 136, 0x20, OUR6); /* someone claims our address */
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, -1);
	assert_int_equal(x->neigh.count, 0);
}

/* ======================= PKT_MEDIA ======================= */

static void
expect_media(struct fx *x, const struct frame *f, enum demux_class cls, uint16_t l2_len,
		uint16_t payload_off, uint16_t payload_len)
{
	assert_int_equal(run(x, f), PKT_MEDIA);
	expect_counters(x, -1); /* the worker counts media, not pkt_process */
	assert_int_equal(x->m.cls, cls);
	assert_int_equal(x->m.l2_len, l2_len);
	assert_int_equal(x->m.payload_off, payload_off);
	assert_int_equal(x->m.payload_len, payload_len);
	assert_true(x->m.payload_off + x->m.payload_len <= x->len);
	/* the payload is where it was, untouched */
	assert_memory_equal(x->buf + payload_off, f->b + payload_off, payload_len);
	/* ports in network order */
	static const uint8_t rport[2] = {PEER_PORT >> 8, PEER_PORT & 0xff};
	static const uint8_t lport[2] = {MEDIA_PORT >> 8, MEDIA_PORT & 0xff};
	assert_memory_equal(&x->m.flow.rport, rport, 2);
	assert_memory_equal(&x->m.flow.lport, lport, 2);
}

static void
test_pkt_media_ipv4_stun_flow_fields(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t r[16], l[16];

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, sizeof(stun20));
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
	assert_int_equal(x->len, f.n);
	assert_int_equal(x->m.flow.family, 4);
	mapped4(PEER4, r);
	mapped4(OUR4, l);
	assert_memory_equal(x->m.flow.raddr, r, 16);
	assert_memory_equal(x->m.flow.laddr, l, 16);
}

static void
test_pkt_media_ipv4_each_class(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t p[64];

	memset(p, 0, sizeof(p));
	p[0] = 22; /* DTLS handshake */
	p[1] = 0xfe;
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, 13);
	expect_media(x, &f, DEMUX_DTLS, 14, 42, 13);
	p[0] = 0x80; /* RTP, PT 111 with marker */
	p[1] = 0x80 | 111;
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, 12);
	expect_media(x, &f, DEMUX_RTP, 14, 42, 12);
	p[1] = 200; /* RTCP SR */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, 28);
	expect_media(x, &f, DEMUX_RTCP, 14, 42, 28);
}

static void
test_pkt_media_ipv4_zero_udp_checksum_accepted(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 768: over IPv4 a zero checksum means none was computed */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, sizeof(stun20));
	set16(&f, 34 + 6, 0);
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
}

static void
test_pkt_media_ipv4_all_ones_udp_checksum(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t p[20];

	/* find a payload whose checksum computes to 0, which is sent as 0xffff */
	memcpy(p, stun20, sizeof(p));
	for (unsigned v = 0; v < 65536; v++) {
		p[18] = (uint8_t)(v >> 8);
		p[19] = (uint8_t)v;
		build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, sizeof(p));
		if (f.b[34 + 6] == 0xff && f.b[34 + 7] == 0xff)
			break;
	}
	assert_int_equal(f.b[34 + 6], 0xff);
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
}

static void
test_pkt_media_ipv4_df_is_not_a_fragment(void **state)
{
	struct fx *x = *state;
	struct frame f;
	const struct ip4_opt o = {.id = 7, .frag = 0x4000};

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, &o, 17, PEER4, OUR4);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 0, ip, u);
	ip4_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
}

static void
test_pkt_media_ipv4_with_options(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t opts[4] = {1, 1, 1, 0};
	const struct ip4_opt o = {.id = 1, .opts = opts, .optlen = 4};

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, &o, 17, PEER4, OUR4);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 0, ip, u);
	ip4_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 14, 14 + 24 + 8, 20);
}

static void
test_pkt_media_padded_frame_trimmed(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t p[13] = {23, 0xfe, 0xfd};

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, sizeof(p)); /* 55 bytes */
	size_t real = f.n;
	eth_pad(&f, 60);
	expect_media(x, &f, DEMUX_DTLS, 14, 42, 13);
	assert_int_equal(x->len, real);
}

static void
test_pkt_media_udp_shorter_than_ip_payload(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* UDP length 28 inside 32 bytes of IP payload: the UDP length rules */
	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 17, PEER4, OUR4);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 0, ip, u);
	put_pattern(&f, 4, 9);
	ip4_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
}

static void
test_pkt_media_ipv6_flow_fields(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, sizeof(stun20));
	expect_media(x, &f, DEMUX_STUN, 14, 62, 20);
	assert_int_equal(x->m.flow.family, 6);
	assert_memory_equal(x->m.flow.raddr, PEER6, 16);
	assert_memory_equal(x->m.flow.laddr, OUR6, 16);
}

static void
test_pkt_media_ipv6_after_dest_options(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t p[12] = {0x80, 96};

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	ip6_opts_hdr(&f, 17);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, p, sizeof(p));
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	expect_media(x, &f, DEMUX_RTP, 14, 14 + 40 + 8 + 8, 12);
	assert_int_equal(x->m.flow.family, 6);
}

static void
test_pkt_media_ipv6_link_local(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, PEER_LL, OUR_LL, MEDIA_PORT, stun20, sizeof(stun20));
	expect_media(x, &f, DEMUX_STUN, 14, 62, 20);
	assert_memory_equal(x->m.flow.raddr, PEER_LL, 16);
	assert_memory_equal(x->m.flow.laddr, OUR_LL, 16);
}

static void
test_pkt_media_on_vlan(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth_vlan(&f, OUR_MAC, PEER_MAC, 7, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 17, PEER4, OUR4);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 0, ip, u);
	ip4_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 18, 46, 20);

	eth_vlan(&f, OUR_MAC, PEER_MAC, 0x2007, 0x86dd); /* priority bits ignored */
	ip = ip6_begin(&f, 0x60000000, 17, 64, PEER6, OUR6);
	u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 18, 66, 20);
}

/* ======================= drops: Ethernet and VLAN ======================= */

static void
test_pkt_drop_eth_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	f.n = 13;
	expect_drop(x, &f, RTC_DROP_eth_truncated);
	f.n = 0;
	expect_drop(x, &f, RTC_DROP_eth_truncated);
}

static void
test_pkt_drop_eth_not_ours(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t mcast4[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	build_arp(&f, OTHER_MAC, 1, PEER4, OUR4);
	expect_drop(x, &f, RTC_DROP_eth_not_ours);
	build_arp(&f, mcast4, 1, PEER4, OUR4);
	expect_drop(x, &f, RTC_DROP_eth_not_ours);
	build_arp(&f, (const uint8_t[6]){0x03, 0x00, 0x00, 0x00, 0x00, 0x01}, 1, PEER4, OUR4);
	expect_drop(x, &f, RTC_DROP_eth_not_ours);
}

static void
test_pkt_drop_eth_unknown_type(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x88cc); /* LLDP */
	put_zeros(&f, 46);
	expect_drop(x, &f, RTC_DROP_eth_unknown_type);
	eth(&f, OUR_MAC, PEER_MAC, 0x88a8); /* 802.1ad outer tag */
	put_zeros(&f, 46);
	expect_drop(x, &f, RTC_DROP_eth_unknown_type);
}

static void
test_pkt_drop_vlan_tag_on_untagged_port(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t zero_mac[6];

	eth_vlan(&f, BCAST_MAC, PEER_MAC, 7, 0x0806);
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	expect_drop(x, &f, RTC_DROP_vlan_mismatch);
}

static void
test_pkt_drop_vlan_mismatch_on_tagged_port(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t zero_mac[6];

	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4); /* untagged */
	expect_drop(x, &f, RTC_DROP_vlan_mismatch);
	eth_vlan(&f, BCAST_MAC, PEER_MAC, 8, 0x0806); /* another VLAN */
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	expect_drop(x, &f, RTC_DROP_vlan_mismatch);
	eth_vlan(&f, BCAST_MAC, PEER_MAC, 0x1007, 0x0806); /* VID 7 + 0x1000 (DEI) is VID 7 */
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	assert_int_equal(run(x, &f), PKT_TX);
	eth_vlan(&f, BCAST_MAC, PEER_MAC, 0x0107, 0x0806); /* VID 0x107 */
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	expect_drop(x, &f, RTC_DROP_vlan_mismatch);
}

static void
test_pkt_drop_vlan_header_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth_vlan(&f, OUR_MAC, PEER_MAC, 7, 0x0800);
	f.n = 17;
	expect_drop(x, &f, RTC_DROP_eth_truncated);
}

/* ======================= drops: ARP ======================= */

static void
test_pkt_drop_arp_malformed(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	f.n = 14 + 27; /* one byte short */
	expect_drop(x, &f, RTC_DROP_arp_malformed);

	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	set16(&f, 14, 6); /* IEEE 802 hardware */
	expect_drop(x, &f, RTC_DROP_arp_malformed);
	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	set16(&f, 16, 0x86dd);
	expect_drop(x, &f, RTC_DROP_arp_malformed);
	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	f.b[18] = 8; /* hardware length */
	expect_drop(x, &f, RTC_DROP_arp_malformed);
	build_arp(&f, BCAST_MAC, 1, PEER4, OUR4);
	f.b[19] = 16; /* protocol length */
	expect_drop(x, &f, RTC_DROP_arp_malformed);
}

static void
test_pkt_drop_arp_unhandled_op(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_arp(&f, BCAST_MAC, 3, PEER4, OUR4); /* RARP request */
	expect_drop(x, &f, RTC_DROP_arp_unhandled_op);
	build_arp(&f, BCAST_MAC, 0, PEER4, OUR4);
	expect_drop(x, &f, RTC_DROP_arp_unhandled_op);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_drop_arp_not_ours(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_arp(&f, BCAST_MAC, 1, PEER4, OTHER4);
	expect_drop(x, &f, RTC_DROP_arp_not_ours);
	build_arp(&f, OUR_MAC, 2, PEER4, OTHER4);
	expect_drop(x, &f, RTC_DROP_arp_not_ours);
	assert_int_equal(x->neigh.count, 0); /* not aimed at us: not learned */
}

/* ======================= drops: IPv4 ======================= */

static void
test_pkt_drop_ipv4_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.n = 14 + 19; /* less than a header */
	expect_drop(x, &f, RTC_DROP_ipv4_truncated);

	/* IHL 15 (60 bytes) in a 48-byte datagram */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[14] = 0x4f;
	expect_drop(x, &f, RTC_DROP_ipv4_truncated);

	/* total length beyond the frame */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	set16(&f, 16, (unsigned)(f.n - 14 + 1));
	set16(&f, 24, 0);
	set16(&f, 24, t_cksum(f.b + 14, 20));
	expect_drop(x, &f, RTC_DROP_ipv4_truncated);
}

static void
test_pkt_drop_ipv4_bad_header(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[14] = 0x65; /* version 6 behind ethertype IPv4 */
	expect_drop(x, &f, RTC_DROP_ipv4_bad_header);
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[14] = 0x44; /* IHL 4 */
	expect_drop(x, &f, RTC_DROP_ipv4_bad_header);
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	set16(&f, 16, 19); /* total length shorter than the header */
	set16(&f, 24, 0);
	set16(&f, 24, t_cksum(f.b + 14, 20));
	expect_drop(x, &f, RTC_DROP_ipv4_bad_header);
}

static void
test_pkt_drop_ipv4_bad_cksum(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[24] ^= 0x01;
	expect_drop(x, &f, RTC_DROP_ipv4_bad_cksum);
	/* checksum right for the header without its options: wrong for the real header */
	static const uint8_t opts[4] = {1, 1, 1, 1};
	const struct ip4_opt o = {.opts = opts, .optlen = 4};
	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, &o, 1, PEER4, OUR4);
	size_t ic = icmp_echo(&f, 8, 0, 1, 8);
	icmp4_end(&f, ic);
	ip4_end(&f, ip);
	f.b[14 + 20] = 0x02; /* option bytes changed after the checksum */
	expect_drop(x, &f, RTC_DROP_ipv4_bad_cksum);
}

static void
test_pkt_drop_ipv4_fragment(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const unsigned frag[] = {0x2000 /* MF */, 0x0001 /* offset 8 */, 0x1fff,
			0x6000 /* DF|MF */};

	for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		const struct ip4_opt o = {.id = 9, .frag = frag[i]};
		eth(&f, OUR_MAC, PEER_MAC, 0x0800);
		size_t ip = ip4_begin(&f, &o, 17, PEER4, OUR4);
		size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
		put(&f, stun20, sizeof(stun20));
		udp_end(&f, 0, ip, u);
		ip4_end(&f, ip);
		expect_drop(x, &f, RTC_DROP_ipv4_fragment);
	}
}

static void
test_pkt_drop_ipv4_not_ours(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t bcast[4] = {255, 255, 255, 255};
	static const uint8_t subnet_bcast[4] = {198, 18, 0, 255};

	build_udp4(&f, PEER4, OTHER4, MEDIA_PORT, stun20, 20);
	expect_drop(x, &f, RTC_DROP_ipv4_not_ours);
	build_echo4(&f, PEER4, bcast, 8, 0, 8);
	memcpy(f.b, BCAST_MAC, 6);
	expect_drop(x, &f, RTC_DROP_ipv4_not_ours);
	build_echo4(&f, PEER4, subnet_bcast, 8, 0, 8);
	expect_drop(x, &f, RTC_DROP_ipv4_not_ours);
}

static void
test_pkt_drop_ipv4_bad_source(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t bad[][4] = {{0, 0, 0, 0}, {255, 255, 255, 255}, {224, 0, 0, 5},
			{127, 0, 0, 1}, {198, 18, 0, 255}, {198, 18, 0, 2}, {0, 1, 2, 3},
			{240, 0, 0, 1}};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_echo4(&f, bad[i], OUR4, 8, 0, 8);
		expect_drop(x, &f, RTC_DROP_ipv4_bad_source);
		build_udp4(&f, bad[i], OUR4, MEDIA_PORT, stun20, 20);
		expect_drop(x, &f, RTC_DROP_ipv4_bad_source);
	}
}

static void
test_pkt_drop_ipv4_l4_unhandled(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 6, PEER4, OUR4); /* TCP */
	put_zeros(&f, 20);
	ip4_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_l4_unhandled);
}

/* ======================= drops: ICMP ======================= */

static void
test_pkt_drop_icmp4_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 1, PEER4, OUR4);
	put8(&f, 8);
	put_zeros(&f, 6); /* 7 bytes of ICMP */
	ip4_end(&f, ip);
	eth_pad(&f, 60); /* the padding must not count as ICMP */
	expect_drop(x, &f, RTC_DROP_icmp_truncated);
}

static void
test_pkt_drop_icmp4_bad_cksum(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_echo4(&f, PEER4, OUR4, 8, 0, 16);
	f.b[f.n - 1] ^= 0x40;
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);
}

static void
test_pkt_drop_icmp4_unhandled(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_echo4(&f, PEER4, OUR4, 13, 0, 12); /* timestamp */
	expect_drop(x, &f, RTC_DROP_icmp_unhandled);
	build_echo4(&f, PEER4, OUR4, 0, 0, 12); /* echo reply */
	expect_drop(x, &f, RTC_DROP_icmp_unhandled);
	build_echo4(&f, PEER4, OUR4, 8, 1, 12); /* echo request, code 1 */
	expect_drop(x, &f, RTC_DROP_icmp_unhandled);
	build_echo4(&f, PEER4, OUR4, 3, 3, 28); /* port unreachable */
	expect_drop(x, &f, RTC_DROP_icmp_unhandled);
}

/* ======================= drops: IPv6 ======================= */

static void
test_pkt_drop_ipv6_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	f.n = 14 + 39;
	expect_drop(x, &f, RTC_DROP_ipv6_truncated);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	set16(&f, 18, 29); /* payload length one beyond the frame */
	expect_drop(x, &f, RTC_DROP_ipv6_truncated);
}

static void
test_pkt_drop_ipv6_bad_header(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	f.b[14] = 0x40;
	expect_drop(x, &f, RTC_DROP_ipv6_bad_header);
}

static void
test_pkt_drop_ipv6_not_ours(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, PEER6, OTHER6, MEDIA_PORT, stun20, 20);
	expect_drop(x, &f, RTC_DROP_ipv6_not_ours);
	/* all-nodes is one of our groups, but an echo to a group is not answered */
	build_echo6(&f, PEER6, ALL_NODES6, 128, 0, 8);
	memcpy(f.b, ALL_NODES_MAC, 6);
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);
	/* another host's solicited-node group */
	build_ns(&f, OUR_MAC, PEER6, SN_OTHER6, OTHER6, 1, 255);
	expect_drop(x, &f, RTC_DROP_ipv6_not_ours);
	/* our solicited-node group takes only ICMPv6 (neighbour solicitations) */
	build_udp6(&f, PEER6, SN_OUR6, MEDIA_PORT, stun20, 20);
	memcpy(f.b, SN_OUR6_MAC, 6);
	expect_drop(x, &f, RTC_DROP_ipv6_not_ours);
}

static void
test_pkt_drop_ipv6_bad_source(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp6(&f, ALL_NODES6, OUR6, MEDIA_PORT, stun20, 20);
	expect_drop(x, &f, RTC_DROP_ipv6_bad_source);
	build_echo6(&f, LOOP6, OUR6, 128, 0, 8);
	expect_drop(x, &f, RTC_DROP_ipv6_bad_source);
	build_echo6(&f, OUR6, OUR6, 128, 0, 8);
	expect_drop(x, &f, RTC_DROP_ipv6_bad_source);
	build_ns(&f, SN_OUR6_MAC, OUR_LL, SN_OUR6, OUR6, 1, 255);
	expect_drop(x, &f, RTC_DROP_ipv6_bad_source);
}

static void
test_pkt_drop_ipv6_udp_from_unspecified(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 4291 §2.5.2: nothing can be sent back to ::; only DAD may come from it */
	build_udp6(&f, UNSPEC6, OUR6, MEDIA_PORT, stun20, 20);
	expect_drop(x, &f, RTC_DROP_ipv6_bad_source);
}

static void
test_pkt_drop_ipv6_fragment(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 44, 64, PEER6, OUR6);
	put8(&f, 17); /* fragment header: next header UDP, offset 0, M */
	put8(&f, 0);
	put16(&f, 1);
	put32(&f, 0xabcd);
	put_zeros(&f, 16);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_fragment);

	/* behind a destination options header */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	ip6_opts_hdr(&f, 44);
	put8(&f, 58);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 1);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_fragment);
}

/* RFC 8200 §4.2: option types whose top two bits are not 00 make the packet go */
static void
test_pkt_ipv6_options_actions(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const unsigned discard[] = {0x41, 0x81, 0xc2};

	for (size_t i = 0; i < sizeof(discard) / sizeof(discard[0]); i++) {
		for (unsigned hdr = 0; hdr < 2; hdr++) { /* hop-by-hop, destination options */
			eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
			size_t ip = ip6_begin(&f, 0x60000000, hdr ? 60 : 0, 64, PEER6, OUR6);
			put8(&f, 17);
			put8(&f, 0);
			put8(&f, discard[i]);
			put8(&f, 4);
			put_zeros(&f, 4);
			size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
			put(&f, stun20, 20);
			udp_end(&f, 1, ip, u);
			ip6_end(&f, ip);
			expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);
		}
	}
	/* an option running past its header */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	put8(&f, 17);
	put8(&f, 0);
	put8(&f, 0x1e);
	put8(&f, 5);
	put_zeros(&f, 4);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, 20);
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);
	/* skip (00) options, Pad1 and PadN are passed over */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	put8(&f, 17);
	put8(&f, 0);
	put8(&f, 0x1e);
	put8(&f, 2);
	put_zeros(&f, 2);
	put8(&f, 0); /* Pad1 */
	put8(&f, 0); /* Pad1 */
	u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, 20);
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	assert_int_equal(run(x, &f), PKT_MEDIA);
}

/* RFC 1122 §3.3.6: a unicast IP datagram in a link-layer broadcast or multicast frame */
static void
test_pkt_drop_ip_l2_group(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	memcpy(f.b, BCAST_MAC, 6);
	expect_drop(x, &f, RTC_DROP_ip_l2_group);
	build_echo4(&f, PEER4, OUR4, 8, 0, 8);
	memcpy(f.b, BCAST_MAC, 6);
	expect_drop(x, &f, RTC_DROP_ip_l2_group);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	memcpy(f.b, ALL_NODES_MAC, 6);
	expect_drop(x, &f, RTC_DROP_ip_l2_group);
}

/* IEEE 802.1Q: VID 0 is a priority tag on an untagged frame */
static void
test_pkt_priority_tag_is_untagged(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t zero_mac[6];

	eth_vlan(&f, BCAST_MAC, PEER_MAC, 0x6000, 0x0806); /* PCP 3, VID 0 */
	arp(&f, 1, PEER_MAC, PEER4, zero_mac, OUR4);
	assert_int_equal(run(x, &f), PKT_TX);
}

static void
test_pkt_drop_ipv6_ext_hdr(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 8200 §4.1: hop-by-hop only right after the IPv6 header */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	ip6_opts_hdr(&f, 0);
	ip6_opts_hdr(&f, 17);
	put_zeros(&f, 8);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);

	/* an extension header longer than the payload */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	put8(&f, 17);
	put8(&f, 1); /* 16 bytes, 8 present */
	put8(&f, 1);
	put8(&f, 4);
	put_zeros(&f, 4);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);

	/* fewer than 8 bytes left for an extension header */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 0, 64, PEER6, OUR6);
	put_zeros(&f, 4);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);

	/* RFC 8200 §4.4: a routing header with segments left is not for us to end */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 43, 64, PEER6, OUR6);
	put8(&f, 17);
	put8(&f, 2);
	put8(&f, 0);
	put8(&f, 1); /* segments left */
	put_zeros(&f, 4 + 16);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_ipv6_ext_hdr);
}

static void
test_pkt_ipv6_routing_header_done_is_walked(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* segments left 0: processed like any other extension header */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 43, 64, PEER6, OUR6);
	put8(&f, 17);
	put8(&f, 2);
	put8(&f, 0);
	put8(&f, 0);
	put_zeros(&f, 4 + 16);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	expect_media(x, &f, DEMUX_STUN, 14, 14 + 40 + 24 + 8, 20);
}

static void
test_pkt_drop_ipv6_l4_unhandled(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 6, 64, PEER6, OUR6); /* TCP */
	put_zeros(&f, 20);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_l4_unhandled);

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 59, 64, PEER6, OUR6); /* no next header */
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_l4_unhandled);

	/* nine destination options headers: more than are walked */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 60, 64, PEER6, OUR6);
	for (int i = 0; i < 8; i++)
		ip6_opts_hdr(&f, 60);
	ip6_opts_hdr(&f, 17);
	size_t u = udp_begin(&f, PEER_PORT, MEDIA_PORT);
	put(&f, stun20, sizeof(stun20));
	udp_end(&f, 1, ip, u);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_l4_unhandled);
}

/* ======================= drops: ICMPv6 and ND ======================= */

static void
test_pkt_drop_icmp6_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 64, PEER6, OUR6);
	put8(&f, 128);
	put8(&f, 0);
	put8(&f, 0); /* 3 bytes */
	ip6_end(&f, ip);
	eth_pad(&f, 60);
	expect_drop(x, &f, RTC_DROP_icmp_truncated);
}

static void
test_pkt_drop_icmp6_bad_cksum(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_echo6(&f, PEER6, OUR6, 128, 0, 16);
	f.b[f.n - 3] ^= 0x10;
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);

	/* a checksum without the pseudo-header (RFC 4443 §2.3 requires it) */
	build_echo6(&f, PEER6, OUR6, 128, 0, 16);
	set16(&f, 54 + 2, 0);
	set16(&f, 54 + 2, t_cksum(f.b + 54, f.n - 54));
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);

	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, OUR6, 1, 255);
	f.b[f.n - 1] ^= 1;
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);
}

static void
test_pkt_drop_icmp6_unhandled(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_echo6(&f, PEER6, OUR6, 128, 1, 8); /* code 1 */
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);
	build_echo6(&f, PEER6, OUR6, 129, 0, 8); /* echo reply */
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);
	build_echo6(&f, PEER6, OUR6, 1, 4, 40); /* destination unreachable */
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);
	build_echo6(&f, PEER6, OUR6, 134, 0, 12); /* router advertisement */
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);
	build_echo6(&f, UNSPEC6, OUR6, 128, 0, 8); /* echo from :: cannot be answered */
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);

	/* an echo request of 7 bytes: no room for identifier and sequence */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 64, PEER6, OUR6);
	size_t ic = f.n;
	put8(&f, 128);
	put_zeros(&f, 6);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, ic);
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);

	/* echo to our solicited-node group */
	build_echo6(&f, PEER6, SN_OUR6, 128, 0, 8);
	memcpy(f.b, SN_OUR6_MAC, 6);
	expect_drop(x, &f, RTC_DROP_icmp6_unhandled);

	/* an unsolicited NA to a group of ours: consumed, and no entry is created */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	size_t m = nd_msg(&f, 136, 0x20, PEER6);
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	assert_int_equal(run(x, &f), PKT_CONSUMED);
	expect_counters(x, -1);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_drop_nd_invalid_solicitation(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 4861 §7.1.1 item by item */
	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, OUR6, 1, 254); /* hop limit */
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, OUR6, 1, 255);
	f.b[54 + 1] = 1; /* code */
	icmp6_end(&f, 14, 54);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, ALL_NODES6, 1, 255); /* multicast target */
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	/* 20 bytes: shorter than the fixed part */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	size_t m = nd_msg(&f, 135, 0, OUR6);
	f.n -= 4;
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	/* an option of length 0 */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	m = nd_msg(&f, 135, 0, OUR6);
	put8(&f, 1);
	put8(&f, 0);
	put_zeros(&f, 6);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	/* an option running past the message */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	m = nd_msg(&f, 135, 0, OUR6);
	put8(&f, 1);
	put8(&f, 2); /* 16 bytes, 8 present */
	put(&f, PEER_MAC, 6);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	/* a one-byte option tail */
	eth(&f, SN_OUR6_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, SN_OUR6);
	m = nd_msg(&f, 135, 0, OUR6);
	put8(&f, 1);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	/* DAD (from ::) must go to a solicited-node group ... */
	build_ns(&f, OUR_MAC, UNSPEC6, OUR6, OUR6, 0, 255);
	expect_drop(x, &f, RTC_DROP_nd_invalid);
	/* ... and carry no source link-layer address option */
	build_ns(&f, SN_OUR6_MAC, UNSPEC6, SN_OUR6, OUR6, 1, 255);
	expect_drop(x, &f, RTC_DROP_nd_invalid);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_drop_nd_invalid_advertisement(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 4861 §7.1.2 */
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	size_t ip = ip6_begin(&f, 0x60000000, 58, 64, PEER6, OUR6); /* hop limit 64 */
	size_t m = nd_msg(&f, 136, 0x60, PEER6);
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	m = nd_msg(&f, 136, 0x60, ALL_NODES6); /* multicast target */
	nd_lladdr_opt(&f, 2, PEER_MAC);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);

	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 58, 255, PEER6, OUR6);
	m = nd_msg(&f, 136, 0x60, PEER6);
	put8(&f, 2);
	put8(&f, 0); /* zero-length option */
	put(&f, PEER_MAC, 6);
	ip6_end(&f, ip);
	icmp6_end(&f, ip, m);
	expect_drop(x, &f, RTC_DROP_nd_invalid);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_drop_nd_not_ours(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* our solicited-node group, but a target that only shares our low 24 bits */
	static const uint8_t twin[16] = {0xfd, 0x00, 0x99, [15] = 2};
	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, twin, 1, 255);
	expect_drop(x, &f, RTC_DROP_nd_not_ours);
	build_ns(&f, OUR_MAC, PEER6, OUR6, OTHER6, 1, 255);
	expect_drop(x, &f, RTC_DROP_nd_not_ours);
	assert_int_equal(x->neigh.count, 0);
}

static void
test_pkt_drop_reply_no_room_for_na(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* NS without options (24 bytes) and no tailroom: the NA (32) does not fit */
	build_ns(&f, SN_OUR6_MAC, UNSPEC6, SN_OUR6, OUR6, 0, 255);
	assert_int_equal(run_room(x, &f, (uint16_t)f.n), PKT_DROP);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		assert_int_equal(x->st.v[i], i == RTC_DROP_reply_no_room);
	build_ns(&f, OUR_MAC, PEER6, OUR6, OUR6, 0, 255);
	assert_int_equal(run_room(x, &f, (uint16_t)(f.n + 7)), PKT_DROP);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		assert_int_equal(x->st.v[i], i == RTC_DROP_reply_no_room);
	/* an NS with an SLL option is as long as the NA: no tailroom needed */
	build_ns(&f, SN_OUR6_MAC, PEER6, SN_OUR6, OUR6, 1, 255);
	assert_int_equal(run_room(x, &f, (uint16_t)f.n), PKT_TX);
}

/* ======================= drops: UDP and media ======================= */

static void
test_pkt_drop_udp_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* 7 bytes of IPv4 payload */
	eth(&f, OUR_MAC, PEER_MAC, 0x0800);
	size_t ip = ip4_begin(&f, NULL, 17, PEER4, OUR4);
	put16(&f, PEER_PORT);
	put16(&f, MEDIA_PORT);
	put16(&f, 8);
	put8(&f, 0);
	ip4_end(&f, ip);
	eth_pad(&f, 60);
	expect_drop(x, &f, RTC_DROP_udp_truncated);

	/* UDP length 7 */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	set16(&f, 34 + 4, 7);
	set16(&f, 34 + 6, 0);
	expect_drop(x, &f, RTC_DROP_udp_truncated);

	/* UDP length beyond the IP payload */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	set16(&f, 34 + 4, 29);
	set16(&f, 34 + 6, 0);
	expect_drop(x, &f, RTC_DROP_udp_truncated);

	/* the same over IPv6 */
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	set16(&f, 54 + 4, 29);
	expect_drop(x, &f, RTC_DROP_udp_truncated);
	eth(&f, OUR_MAC, PEER_MAC, 0x86dd);
	ip = ip6_begin(&f, 0x60000000, 17, 64, PEER6, OUR6);
	put_zeros(&f, 7);
	ip6_end(&f, ip);
	expect_drop(x, &f, RTC_DROP_udp_truncated);
}

static void
test_pkt_drop_udp_bad_cksum(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[f.n - 1] ^= 0x80;
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	f.b[f.n - 1] ^= 0x80;
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
	/* RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid */
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	set16(&f, 54 + 6, 0);
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
	/* trailing bytes beyond the UDP length are not covered by the checksum */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	set16(&f, 34 + 4, 27); /* checksum computed over 28 bytes */
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
}

static void
test_pkt_drop_udp_closed_port(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT + 1, stun20, 20);
	expect_drop(x, &f, RTC_DROP_udp_closed_port);
	build_udp6(&f, PEER6, OUR6, 53, stun20, 20);
	expect_drop(x, &f, RTC_DROP_udp_closed_port);
	/* the byte-swapped media port is another port */
	build_udp4(&f, PEER4, OUR4, ((MEDIA_PORT & 0xff) << 8) | (MEDIA_PORT >> 8), stun20, 20);
	expect_drop(x, &f, RTC_DROP_udp_closed_port);
}

/* The transceiver export's ports (export.h): [export_base, export_base + export_count) are
 * delivered like the media port, the ports around them are closed; none when the count is 0. */
static void
test_pkt_export_ports(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t rtp[12] = {0x80, 96};
	static const uint16_t open_ports[] = {40000, 40001, 40099};
	static const uint16_t closed_ports[] = {39999, 40100, 65535, 0, 1};

	build_udp4(&f, PEER4, OUR4, 40000, rtp, sizeof(rtp));
	expect_drop(x, &f, RTC_DROP_udp_closed_port); /* no export ports yet */
	x->nif.export_base = 40000;
	x->nif.export_count = 100;
	for (size_t i = 0; i < sizeof(open_ports) / sizeof(open_ports[0]); i++) {
		build_udp4(&f, PEER4, OUR4, open_ports[i], rtp, sizeof(rtp));
		assert_int_equal(run(x, &f), PKT_MEDIA);
		assert_int_equal(x->m.cls, DEMUX_RTP);
		assert_int_equal(rte_be_to_cpu_16(x->m.flow.lport), open_ports[i]);
		assert_int_equal(export_port_index(&x->nif, open_ports[i]), open_ports[i] - 40000);
	}
	for (size_t i = 0; i < sizeof(closed_ports) / sizeof(closed_ports[0]); i++) {
		build_udp4(&f, PEER4, OUR4, closed_ports[i], rtp, sizeof(rtp));
		expect_drop(x, &f, RTC_DROP_udp_closed_port);
		assert_int_equal(export_port_index(&x->nif, closed_ports[i]), -1);
	}
	/* a range that ends at the last port */
	x->nif.export_base = 65530;
	x->nif.export_count = 6;
	build_udp4(&f, PEER4, OUR4, 65535, rtp, sizeof(rtp));
	assert_int_equal(run(x, &f), PKT_MEDIA);
	build_udp4(&f, PEER4, OUR4, 0, rtp, sizeof(rtp));
	expect_drop(x, &f, RTC_DROP_udp_closed_port);
	/* the media port still is */
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, rtp, sizeof(rtp));
	assert_int_equal(run(x, &f), PKT_MEDIA);
}

/* export.c's frames: the ARP request for the backend, the L2 header (with a VLAN), the flow. */
static void
test_pkt_export_frames(void **state)
{
	struct fx *x = *state;
	struct export_target t = {.addr = rte_cpu_to_be_32(0xc6120003), .port = rte_cpu_to_be_16(5004)};
	uint8_t buf[64], l2[18];
	static const uint8_t dst[6] = {2, 0, 0, 0, 0, 9};
	struct pkt_flow fl;
	uint16_t n;

	n = export_arp_request(buf, sizeof(buf), &x->nif, &t);
	assert_int_equal(n, 42);
	assert_memory_equal(buf, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(buf + 6, x->nif.mac, 6);
	assert_memory_equal(buf + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	assert_memory_equal(buf + 22, x->nif.mac, 6);
	assert_memory_equal(buf + 28, &x->nif.ip4[0].addr, 4);
	assert_memory_equal(buf + 32, "\0\0\0\0\0\0", 6);
	assert_memory_equal(buf + 38, "\xc6\x12\x00\x03", 4);
	assert_int_equal(export_arp_request(buf, 41, &x->nif, &t), 0); /* no room */
	assert_int_equal(export_l2(l2, &x->nif, dst), 14);
	assert_memory_equal(l2, dst, 6);
	assert_memory_equal(l2 + 12, "\x08\x00", 2);
	x->nif.vlan = 7;
	assert_int_equal(export_l2(l2, &x->nif, dst), 18);
	assert_memory_equal(l2 + 12, "\x81\x00\x00\x07\x08\x00", 6);
	assert_int_equal(export_arp_request(buf, sizeof(buf), &x->nif, &t), 46);
	assert_memory_equal(buf + 12, "\x81\x00\x00\x07\x08\x06", 6);
	x->nif.vlan = 0;
	assert_int_equal(export_flow(&x->nif, &t, 0, &fl), -1); /* no export ports */
	x->nif.export_base = 40000;
	x->nif.export_count = 10;
	assert_int_equal(export_flow(&x->nif, &t, 10, &fl), -1);
	assert_int_equal(export_flow(&x->nif, &t, 9, &fl), 0);
	assert_int_equal(fl.family, 4);
	assert_int_equal(rte_be_to_cpu_16(fl.lport), 40009);
	assert_int_equal(fl.rport, t.port);
	assert_memory_equal(fl.raddr + 12, "\xc6\x12\x00\x03", 4);
	assert_memory_equal(fl.laddr + 12, &x->nif.ip4[0].addr, 4);
	assert_int_equal(export_owner_worker(export_owner_make(3, 77)), 3);
	assert_int_equal(export_owner_slot(export_owner_make(3, 77)), 77);
	assert_int_not_equal(export_owner_make(0, 0), 0);
}

static void
test_pkt_drop_media_truncated(void **state)
{
	struct fx *x = *state;
	struct frame f;
	uint8_t p[16] = {0x80, 96};

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 19);
	expect_drop(x, &f, RTC_DROP_media_truncated);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, p, 11);
	expect_drop(x, &f, RTC_DROP_media_truncated);
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, 0); /* empty datagram */
	expect_drop(x, &f, RTC_DROP_media_truncated);
}

static void
test_pkt_drop_media_unknown_class(void **state)
{
	struct fx *x = *state;
	struct frame f;
	static const uint8_t firsts[] = {4, 16, 19, 64, 79, 127, 192, 255};
	uint8_t p[32];

	for (size_t i = 0; i < sizeof(firsts); i++) {
		memset(p, 0, sizeof(p));
		p[0] = firsts[i];
		build_udp4(&f, PEER4, OUR4, MEDIA_PORT, p, sizeof(p));
		expect_drop(x, &f, RTC_DROP_media_unknown_class);
	}
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, p, 1);
	expect_drop(x, &f, RTC_DROP_media_unknown_class);
}

/* ======================= NIC checksum offload (pkt_ctx.hw_cksum) ======================= */

static void
test_pkt_hw_ip4_bad_drops_a_good_header(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	x->ctx.hw_cksum = PKT_HW_IP4_BAD | PKT_HW_L4_GOOD;
	expect_drop(x, &f, RTC_DROP_ipv4_bad_cksum);
}

static void
test_pkt_hw_ip4_good_skips_the_header_check(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[24] ^= 0x5a; /* the NIC said good: not verified again */
	x->ctx.hw_cksum = PKT_HW_IP4_GOOD;
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
}

static void
test_pkt_hw_l4_bad_drops_a_good_datagram(void **state)
{
	struct fx *x = *state;
	struct frame f;

	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	x->ctx.hw_cksum = PKT_HW_IP4_GOOD | PKT_HW_L4_BAD;
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	x->ctx.hw_cksum = PKT_HW_L4_BAD;
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
}

static void
test_pkt_hw_l4_good_skips_the_udp_check(void **state)
{
	struct fx *x = *state;
	struct frame f;

	x->ctx.hw_cksum = PKT_HW_IP4_GOOD | PKT_HW_L4_GOOD;
	build_udp4(&f, PEER4, OUR4, MEDIA_PORT, stun20, 20);
	f.b[34 + 6] ^= 0x01;
	expect_media(x, &f, DEMUX_STUN, 14, 42, 20);
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	f.b[54 + 6] ^= 0x01;
	expect_media(x, &f, DEMUX_STUN, 14, 62, 20);
}

static void
test_pkt_hw_l4_good_still_refuses_zero_ipv6_udp_cksum(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* RFC 8200 §8.1: zero is not "no checksum" over IPv6, whatever the NIC says */
	build_udp6(&f, PEER6, OUR6, MEDIA_PORT, stun20, 20);
	set16(&f, 54 + 6, 0);
	x->ctx.hw_cksum = PKT_HW_L4_GOOD;
	expect_drop(x, &f, RTC_DROP_udp_bad_cksum);
}

static void
test_pkt_hw_l4_flags_do_not_cover_icmp(void **state)
{
	struct fx *x = *state;
	struct frame f;

	/* NIC L4 flags are about TCP/UDP: ICMP and ICMPv6 are always verified here */
	x->ctx.hw_cksum = PKT_HW_IP4_GOOD | PKT_HW_L4_GOOD;
	build_echo4(&f, PEER4, OUR4, 8, 0, 16);
	f.b[f.n - 1] ^= 0x40;
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);
	build_echo6(&f, PEER6, OUR6, 128, 0, 16);
	f.b[f.n - 1] ^= 0x40;
	expect_drop(x, &f, RTC_DROP_icmp_bad_cksum);
	/* and L4_BAD does not spoil a good echo */
	x->ctx.hw_cksum = PKT_HW_IP4_GOOD | PKT_HW_L4_BAD;
	build_echo4(&f, PEER4, OUR4, 8, 0, 16);
	assert_int_equal(run(x, &f), PKT_TX);
	expect_counters(x, RTC_STAT_icmp_echo_replies, -1);
}

/* ---- the list of reasons is covered ---- */

static void
test_pkt_every_reachable_drop_reason_tested(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		if (!rtc_stats_is_drop((enum rtc_stat)i))
			continue;
		/* counted by the worker around pkt_process, never inside it */
		if (i == RTC_DROP_rx_multiseg || i == RTC_DROP_tx_full ||
				i == RTC_DROP_handoff_full)
			continue;
		/* counted by the session table (wsess.c, tested in test_wsess.c) */
		if (i == RTC_DROP_stun_malformed || i == RTC_DROP_stun_no_username ||
				i == RTC_DROP_stun_bad_label || i == RTC_DROP_stun_other_node ||
				i == RTC_DROP_stun_no_session || i == RTC_DROP_stun_ice_refused ||
				i == RTC_DROP_media_no_session || i == RTC_DROP_media_no_srtp ||
				i == RTC_DROP_srtp_unprotect_failed || i == RTC_DROP_dtls_up_full ||
				i == RTC_DROP_dtls_down_no_pair || i == RTC_DROP_rtp_not_forwarded ||
				i == RTC_DROP_fwd_no_mbuf || i == RTC_DROP_fwd_protect_failed)
			continue;
		/* counted by the worker's transceiver export (tests/integration/export_aiortc.py) */
		if (i == RTC_DROP_export_no_neigh || i == RTC_DROP_export_bad_source ||
				i == RTC_DROP_export_no_session || i == RTC_DROP_export_not_rtp ||
				i == RTC_DROP_export_in_muted)
			continue;
		/* counted by the worker's relay between workers (sfu_aiortc_workers) */
		if (i == RTC_DROP_relay_full)
			continue;
		if (!drops_seen[i])
			fail_msg("no test drives pkt_process to %s",
					rtc_stats_name((enum rtc_stat)i));
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
#define TV(f) cmocka_unit_test_setup_teardown(f, fx_setup_vlan7, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pkt_arp_request_answered),
		T(test_pkt_arp_probe_answered_not_learned),
		TV(test_pkt_arp_request_on_vlan_answered_tagged),
		T(test_pkt_icmp4_echo_answered),
		T(test_pkt_icmp4_echo_odd_length_answered),
		T(test_pkt_icmp4_echo_with_options_reply_without),
		T(test_pkt_icmp4_echo_padded_frame_trimmed),
		TV(test_pkt_icmp4_echo_on_vlan_answered_tagged),
		T(test_pkt_icmp6_echo_answered),
		T(test_pkt_icmp6_echo_link_local_answered),
		T(test_pkt_icmp6_echo_with_dest_options_reply_without),
		T(test_pkt_icmp6_echo_with_hop_by_hop_and_dest_options),
		T(test_pkt_nd_ns_multicast_answered_and_learned),
		T(test_pkt_nd_ns_unicast_without_sll_answered),
		T(test_pkt_nd_ns_link_local_target_answered),
		T(test_pkt_nd_dad_answered_to_all_nodes),
		T(test_pkt_nd_ns_with_unknown_option_answered),
		T(test_pkt_nd_ns_room_boundary),
		T(test_pkt_arp_reply_learned),
		T(test_pkt_nd_na_learned),
		T(test_pkt_nd_na_unknown_target_not_created),
		T(test_pkt_ipv6_options_actions),
		T(test_pkt_drop_ip_l2_group),
		T(test_pkt_priority_tag_is_untagged),
		T(test_pkt_nd_na_without_tll_consumed_not_learned),
		T(test_pkt_nd_na_for_our_address_not_learned),
		T(test_pkt_media_ipv4_stun_flow_fields),
		T(test_pkt_media_ipv4_each_class),
		T(test_pkt_media_ipv4_zero_udp_checksum_accepted),
		T(test_pkt_media_ipv4_all_ones_udp_checksum),
		T(test_pkt_media_ipv4_df_is_not_a_fragment),
		T(test_pkt_media_ipv4_with_options),
		T(test_pkt_media_padded_frame_trimmed),
		T(test_pkt_media_udp_shorter_than_ip_payload),
		T(test_pkt_media_ipv6_flow_fields),
		T(test_pkt_media_ipv6_after_dest_options),
		T(test_pkt_media_ipv6_link_local),
		TV(test_pkt_media_on_vlan),
		T(test_pkt_drop_eth_truncated),
		T(test_pkt_drop_eth_not_ours),
		T(test_pkt_drop_eth_unknown_type),
		T(test_pkt_drop_vlan_tag_on_untagged_port),
		TV(test_pkt_drop_vlan_mismatch_on_tagged_port),
		TV(test_pkt_drop_vlan_header_truncated),
		T(test_pkt_drop_arp_malformed),
		T(test_pkt_drop_arp_unhandled_op),
		T(test_pkt_drop_arp_not_ours),
		T(test_pkt_drop_ipv4_truncated),
		T(test_pkt_drop_ipv4_bad_header),
		T(test_pkt_drop_ipv4_bad_cksum),
		T(test_pkt_drop_ipv4_fragment),
		T(test_pkt_drop_ipv4_not_ours),
		T(test_pkt_drop_ipv4_bad_source),
		T(test_pkt_drop_ipv4_l4_unhandled),
		T(test_pkt_drop_icmp4_truncated),
		T(test_pkt_drop_icmp4_bad_cksum),
		T(test_pkt_drop_icmp4_unhandled),
		T(test_pkt_drop_ipv6_truncated),
		T(test_pkt_drop_ipv6_bad_header),
		T(test_pkt_drop_ipv6_not_ours),
		T(test_pkt_drop_ipv6_bad_source),
		T(test_pkt_drop_ipv6_udp_from_unspecified),
		T(test_pkt_drop_ipv6_fragment),
		T(test_pkt_drop_ipv6_ext_hdr),
		T(test_pkt_ipv6_routing_header_done_is_walked),
		T(test_pkt_drop_ipv6_l4_unhandled),
		T(test_pkt_drop_icmp6_truncated),
		T(test_pkt_drop_icmp6_bad_cksum),
		T(test_pkt_drop_icmp6_unhandled),
		T(test_pkt_drop_nd_invalid_solicitation),
		T(test_pkt_drop_nd_invalid_advertisement),
		T(test_pkt_drop_nd_not_ours),
		T(test_pkt_drop_reply_no_room_for_na),
		T(test_pkt_drop_udp_truncated),
		T(test_pkt_drop_udp_bad_cksum),
		T(test_pkt_drop_udp_closed_port),
		T(test_pkt_export_ports),
		T(test_pkt_export_frames),
		T(test_pkt_drop_media_truncated),
		T(test_pkt_drop_media_unknown_class),
		T(test_pkt_hw_ip4_bad_drops_a_good_header),
		T(test_pkt_hw_ip4_good_skips_the_header_check),
		T(test_pkt_hw_l4_bad_drops_a_good_datagram),
		T(test_pkt_hw_l4_good_skips_the_udp_check),
		T(test_pkt_hw_l4_good_still_refuses_zero_ipv6_udp_cksum),
		T(test_pkt_hw_l4_flags_do_not_cover_icmp),
		cmocka_unit_test(test_pkt_every_reachable_drop_reason_tested),
	};

	return cmocka_run_group_tests_name("pkt", tests, NULL, NULL);
}
