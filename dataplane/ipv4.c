/* IPv4 input (RFC 791, RFC 1122 §3.2.1): validate, keep what is ours, dispatch. */
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "pkt_internal.h"
#include "pkt_udp.h"

enum pkt_verdict
pkt_ipv4_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m)
{
	struct rte_ipv4_hdr *ip = (void *)pkt_at(f, f->l3_off, sizeof(*ip));
	uint16_t hlen, total;
	enum pkt_verdict v;

	if (ip == NULL)
		return pkt_drop(c, RTC_DROP_ipv4_truncated);
	if ((ip->version_ihl >> 4) != 4 || (ip->version_ihl & 0xf) < 5)
		return pkt_drop(c, RTC_DROP_ipv4_bad_header);
	hlen = (uint16_t)((ip->version_ihl & 0xf) * 4);
	if (pkt_at(f, f->l3_off, hlen) == NULL)
		return pkt_drop(c, RTC_DROP_ipv4_truncated);
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < hlen)
		return pkt_drop(c, RTC_DROP_ipv4_bad_header);
	if (pkt_at(f, f->l3_off, total) == NULL)
		return pkt_drop(c, RTC_DROP_ipv4_truncated);
	if ((c->hw_cksum & PKT_HW_IP4_BAD) ||
			(!(c->hw_cksum & PKT_HW_IP4_GOOD) &&
					cksum_fold(cksum_ip4_hdr(ip, hlen)) != 0xffff))
		return pkt_drop(c, RTC_DROP_ipv4_bad_cksum);
	/* MF set or a nonzero offset: a fragment. */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return pkt_drop(c, RTC_DROP_ipv4_fragment);
	if (!netif_ip4_is_ours(c->nif, ip->dst_addr))
		return pkt_drop(c, RTC_DROP_ipv4_not_ours);
	if (unlikely(f->l2_group)) /* RFC 1122 §3.3.6: unicast IP in a link-layer broadcast */
		return pkt_drop(c, RTC_DROP_ip_l2_group);
	if (netif_ip4_is_bad_source(c->nif, ip->src_addr))
		return pkt_drop(c, RTC_DROP_ipv4_bad_source);

	f->len = (uint16_t)(f->l3_off + total); /* drop Ethernet padding */
	f->l4_off = (uint16_t)(f->l3_off + hlen);

	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		return pkt_icmp4_input(c, f);
	case IPPROTO_UDP: {
		uint64_t ps = cksum_pseudo4(ip, IPPROTO_UDP, 0);
		v = pkt_udp_input(c, f, ps, (uint16_t)(total - hlen), 0, m);
		if (v == PKT_MEDIA) {
			m->flow.family = 4;
			neigh_ip4_mapped(ip->src_addr, m->flow.raddr);
			neigh_ip4_mapped(ip->dst_addr, m->flow.laddr);
		}
		return v;
	}
	default:
		return pkt_drop(c, RTC_DROP_l4_unhandled);
	}
}
