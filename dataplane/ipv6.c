/* IPv6 input (RFC 8200): validate, walk extension headers, keep what is ours, dispatch. */
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "pkt_internal.h"
#include "pkt_udp.h"

#define IPV6_MAX_EXT_HDRS 8

/*
 * RFC 8200 §4.2: walk the TLV options of a hop-by-hop or destination options
 * header of @len bytes; 0 if every option is Pad1, PadN or one whose type says
 * "skip" (top bits 00), -1 if one says discard (01, 10, 11; no ICMP error is
 * sent) or an option overruns the header.
 */
static int
ipv6_options_ok(const uint8_t *eh, unsigned len)
{
	unsigned off = 2;

	while (off < len) {
		uint8_t type = eh[off];
		if (type == 0) { /* Pad1 */
			off++;
			continue;
		}
		if (len - off < 2 || eh[off + 1] > len - off - 2)
			return -1;
		if ((type >> 6) != 0)
			return -1;
		off += 2u + eh[off + 1];
	}
	return 0;
}

static const uint8_t ip6_unspecified[16];

enum pkt_verdict
pkt_ipv6_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m)
{
	struct rte_ipv6_hdr *ip = (void *)pkt_at(f, f->l3_off, sizeof(*ip));
	uint16_t plen, off;
	uint8_t nh;
	int mcast;
	enum pkt_verdict v;

	if (ip == NULL)
		return pkt_drop(c, RTC_DROP_ipv6_truncated);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return pkt_drop(c, RTC_DROP_ipv6_bad_header);
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (pkt_at(f, f->l3_off + sizeof(*ip), plen) == NULL)
		return pkt_drop(c, RTC_DROP_ipv6_truncated);
	mcast = netif_ip6_is_our_group(c->nif, ip->dst_addr);
	if (!mcast && !netif_ip6_is_ours(c->nif, ip->dst_addr))
		return pkt_drop(c, RTC_DROP_ipv6_not_ours);
	if (!mcast && f->l2_group) /* RFC 1122 §3.3.6 in spirit: unicast IP, link-layer group */
		return pkt_drop(c, RTC_DROP_ip_l2_group);
	if (netif_ip6_is_bad_source(c->nif, ip->src_addr))
		return pkt_drop(c, RTC_DROP_ipv6_bad_source);
	f->len = (uint16_t)(f->l3_off + sizeof(*ip) + plen); /* drop Ethernet padding */

	/* RFC 8200 §4.1 order; hop-by-hop only first, fragments not reassembled. */
	nh = ip->proto;
	off = (uint16_t)(f->l3_off + sizeof(*ip));
	for (int i = 0; i < IPV6_MAX_EXT_HDRS; i++) {
		const uint8_t *eh;
		if (nh == IPPROTO_FRAGMENT)
			return pkt_drop(c, RTC_DROP_ipv6_fragment);
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS)
			break;
		if (nh == IPPROTO_HOPOPTS && i != 0)
			return pkt_drop(c, RTC_DROP_ipv6_ext_hdr);
		eh = pkt_at(f, off, 8);
		if (eh == NULL || pkt_at(f, off, (eh[1] + 1u) * 8) == NULL)
			return pkt_drop(c, RTC_DROP_ipv6_ext_hdr);
		/* RFC 8200 §4.4: a routing header with segments left is not for us to end */
		if (nh == IPPROTO_ROUTING && eh[3] != 0)
			return pkt_drop(c, RTC_DROP_ipv6_ext_hdr);
		if (nh != IPPROTO_ROUTING && ipv6_options_ok(eh, (eh[1] + 1u) * 8) != 0)
			return pkt_drop(c, RTC_DROP_ipv6_ext_hdr);
		nh = eh[0];
		off = (uint16_t)(off + (eh[1] + 1u) * 8);
	}
	f->l4_off = off;

	if (nh == IPPROTO_ICMPV6)
		return pkt_icmp6_input(c, f);
	if (mcast) /* only neighbour discovery is accepted on groups */
		return pkt_drop(c, RTC_DROP_ipv6_not_ours);
	if (nh != IPPROTO_UDP)
		return pkt_drop(c, RTC_DROP_l4_unhandled);
	/* RFC 4291 §2.5.2: :: is never a destination, so a datagram from it cannot be answered */
	if (memcmp(ip->src_addr, ip6_unspecified, 16) == 0)
		return pkt_drop(c, RTC_DROP_ipv6_bad_source);

	uint16_t l4_len = (uint16_t)(f->len - off);
	v = pkt_udp_input(c, f, cksum_pseudo6(ip, IPPROTO_UDP, 0),
			l4_len, 1, m);
	if (v == PKT_MEDIA) {
		m->flow.family = 6;
		memcpy(m->flow.raddr, ip->src_addr, 16);
		memcpy(m->flow.laddr, ip->dst_addr, 16);
	}
	return v;
}
