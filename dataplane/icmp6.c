/*
 * ICMPv6 (RFC 4443) echo and Neighbor Discovery (RFC 4861): answer echo
 * requests and neighbour solicitations for our addresses, learn link-layer
 * addresses from solicitations and advertisements.
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "pkt_internal.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20
#define ND_HDR_LEN 24  /* type, code, cksum, reserved/flags, target */
#define ND_NA_LEN 32   /* + target link-layer address option */
#define ICMP6_REPLY_HOPS 64

static const uint8_t ip6_all_nodes[16] = {0xff, 0x02, [15] = 1};
static const uint8_t ip6_unspecified[16];

static uint16_t
icmp6_cksum(const struct rte_ipv6_hdr *ip, const uint8_t *msg, uint16_t len)
{
	return cksum_fold(cksum_partial(cksum_pseudo6(ip, IPPROTO_ICMPV6, len), msg, len));
}

/*
 * Rewrite the IPv6 header for a reply of @len bytes of ICMPv6 placed right
 * behind it (extension headers of the request are not echoed); @msg, if not
 * NULL, is moved there first. Returns the message's new address.
 */
static uint8_t *
icmp6_reply_place(struct pkt_frame *f, const uint8_t *msg, uint16_t len, uint8_t hops)
{
	struct rte_ipv6_hdr *ip = (void *)(f->buf + f->l3_off);
	uint8_t *dst = f->buf + f->l3_off + sizeof(*ip);

	if (msg != NULL && dst != msg)
		memmove(dst, msg, len);
	f->l4_off = (uint16_t)(f->l3_off + sizeof(*ip));
	f->len = (uint16_t)(f->l4_off + len);
	ip->proto = IPPROTO_ICMPV6;
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->hop_limits = hops;
	return dst;
}

static void
icmp6_finish(struct rte_ipv6_hdr *ip, uint8_t *msg, uint16_t len)
{
	msg[2] = msg[3] = 0;
	uint16_t ck = (uint16_t)~icmp6_cksum(ip, msg, len);
	msg[2] = (uint8_t)(ck >> 8);
	msg[3] = (uint8_t)ck;
}

static enum pkt_verdict
icmp6_echo(const struct pkt_ctx *c, struct pkt_frame *f, uint8_t *msg, uint16_t len)
{
	struct rte_ipv6_hdr *ip = (void *)(f->buf + f->l3_off);
	uint8_t a[16];

	if (msg[1] != 0 || !netif_ip6_is_ours(c->nif, ip->dst_addr) ||
			memcmp(ip->src_addr, ip6_unspecified, 16) == 0)
		return pkt_drop(c, RTC_DROP_icmp6_unhandled);
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
	msg = icmp6_reply_place(f, msg, len, ICMP6_REPLY_HOPS);
	msg[0] = ICMP6_ECHO_REPLY;
	icmp6_finish(ip, msg, len);
	pkt_eth_reply(c, f);
	rtc_stats_inc(c->st, RTC_STAT_icmp6_echo_replies);
	return PKT_TX;
}

/*
 * Walk ND options (RFC 4861 §4.6) after the fixed part; every option must
 * have a nonzero length inside the message (§7.1.1). Sets *lladdr to the
 * link-layer address option of type @want, if any.
 */
static int
nd_options(const uint8_t *msg, uint16_t len, uint8_t want, const uint8_t **lladdr)
{
	uint16_t off = ND_HDR_LEN;

	*lladdr = NULL;
	while (off < len) {
		if (len - off < 2 || msg[off + 1] == 0 || msg[off + 1] * 8u > (unsigned)(len - off))
			return -1;
		if (msg[off] == want && msg[off + 1] == 1)
			*lladdr = msg + off + 2;
		off = (uint16_t)(off + msg[off + 1] * 8u);
	}
	return 0;
}

static enum pkt_verdict
nd_solicit(const struct pkt_ctx *c, struct pkt_frame *f, uint8_t *msg, uint16_t len)
{
	struct rte_ipv6_hdr *ip = (void *)(f->buf + f->l3_off);
	uint8_t target[16];
	const uint8_t *sll;
	int dad = memcmp(ip->src_addr, ip6_unspecified, 16) == 0;

	/* RFC 4861 §7.1.1 */
	if (ip->hop_limits != 255 || msg[1] != 0 || len < ND_HDR_LEN || msg[8] == 0xff ||
			nd_options(msg, len, ND_OPT_SOURCE_LLADDR, &sll) != 0)
		return pkt_drop(c, RTC_DROP_nd_invalid);
	if (dad && (!netif_ip6_is_our_solicited_node(c->nif, ip->dst_addr) || sll != NULL))
		return pkt_drop(c, RTC_DROP_nd_invalid);
	memcpy(target, msg + 8, 16);
	if (!netif_ip6_is_ours(c->nif, target))
		return pkt_drop(c, RTC_DROP_nd_not_ours);
	if (f->room < f->l3_off + sizeof(*ip) + ND_NA_LEN)
		return pkt_drop(c, RTC_DROP_reply_no_room);
	if (!dad && sll != NULL) {
		neigh_update(c->neigh, ip->src_addr, sll, c->now_us);
		rtc_stats_inc(c->st, RTC_STAT_nd_learned);
	}

	/* RFC 4861 §7.2.4: to the solicitor, or to all-nodes for DAD (§7.2.4 last para). */
	memcpy(ip->dst_addr, dad ? ip6_all_nodes : ip->src_addr, 16);
	memcpy(ip->src_addr, target, 16);
	/* written fresh behind the IPv6 header: nothing of the request is kept */
	msg = icmp6_reply_place(f, NULL, ND_NA_LEN, 255);
	memset(msg, 0, ND_NA_LEN);
	msg[0] = ND_NEIGHBOR_ADVERT;
	msg[4] = (uint8_t)(ND_NA_FLAG_OVERRIDE | (dad ? 0 : ND_NA_FLAG_SOLICITED));
	memcpy(msg + 8, target, 16);
	msg[24] = ND_OPT_TARGET_LLADDR;
	msg[25] = 1;
	memcpy(msg + 26, c->nif->mac, 6);
	icmp6_finish(ip, msg, ND_NA_LEN);
	pkt_eth_reply(c, f);
	if (dad) {
		static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
		memcpy(f->buf, all_nodes_mac, 6);
	}
	rtc_stats_inc(c->st, RTC_STAT_nd_adverts);
	return PKT_TX;
}

static enum pkt_verdict
nd_advert(const struct pkt_ctx *c, struct pkt_frame *f, const uint8_t *msg, uint16_t len)
{
	const struct rte_ipv6_hdr *ip = (const void *)(f->buf + f->l3_off);
	const uint8_t *tll;

	if (ip->hop_limits != 255 || msg[1] != 0 || len < ND_HDR_LEN || msg[8] == 0xff ||
			nd_options(msg, len, ND_OPT_TARGET_LLADDR, &tll) != 0)
		return pkt_drop(c, RTC_DROP_nd_invalid);
	/* §7.2.5: an advertisement refreshes an entry we have, never creates one */
	if (tll != NULL && !netif_ip6_is_ours(c->nif, msg + 8) &&
			neigh_refresh(c->neigh, msg + 8, tll, c->now_us))
		rtc_stats_inc(c->st, RTC_STAT_nd_learned);
	return PKT_CONSUMED;
}

enum pkt_verdict
pkt_icmp6_input(const struct pkt_ctx *c, struct pkt_frame *f)
{
	const struct rte_ipv6_hdr *ip = (const void *)(f->buf + f->l3_off);
	uint16_t len = (uint16_t)(f->len - f->l4_off);
	uint8_t *msg = pkt_at(f, f->l4_off, 4);
	int mcast = !netif_ip6_is_ours(c->nif, ip->dst_addr);

	if (msg == NULL)
		return pkt_drop(c, RTC_DROP_icmp_truncated);
	if (icmp6_cksum(ip, msg, len) != 0xffff)
		return pkt_drop(c, RTC_DROP_icmp_bad_cksum);
	switch (msg[0]) {
	case ICMP6_ECHO_REQUEST:
		/* echo to a group is not answered: no amplification (RFC 4443 §4.2 SHOULD) */
		if (mcast || len < 8)
			break;
		return icmp6_echo(c, f, msg, len);
	case ND_NEIGHBOR_SOLICIT:
		return nd_solicit(c, f, msg, len);
	case ND_NEIGHBOR_ADVERT: /* unicast, or unsolicited to all-nodes (§7.2.6) */
		return nd_advert(c, f, msg, len);
	}
	return pkt_drop(c, RTC_DROP_icmp6_unhandled);
}
