/* Ethernet and 802.1Q input, checksum helpers, dispatch to ARP/IPv4/IPv6. */
#include <rte_byteorder.h>
#include <rte_ether.h>

#include "pkt_internal.h"

static const uint8_t mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void
pkt_eth_reply(const struct pkt_ctx *c, struct pkt_frame *f)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f->buf;

	memcpy(&eh->dst_addr, &eh->src_addr, RTE_ETHER_ADDR_LEN);
	memcpy(&eh->src_addr, c->nif->mac, RTE_ETHER_ADDR_LEN);
}

static inline int
mac_eq(const uint8_t *a, const uint8_t *b)
{
	uint32_t a4, b4;
	uint16_t a2, b2;

	memcpy(&a4, a, 4);
	memcpy(&b4, b, 4);
	memcpy(&a2, a + 4, 2);
	memcpy(&b2, b + 4, 2);
	return a4 == b4 && a2 == b2;
}

static inline int
pkt_eth_dst_ok(const struct netif *nif, const uint8_t *dst)
{
	if (mac_eq(dst, nif->mac) || mac_eq(dst, mac_broadcast))
		return 1;
	return dst[0] == 0x33 && dst[1] == 0x33; /* IPv6 multicast, RFC 2464 §7 */
}

enum pkt_verdict
pkt_process(const struct pkt_ctx *c, uint8_t *buf, uint16_t *len, uint16_t room,
		struct pkt_media *m)
{
	struct pkt_frame f = {.buf = buf, .len = *len, .room = room};
	const struct rte_ether_hdr *eh = (const void *)pkt_at(&f, 0, sizeof(*eh));
	enum pkt_verdict v;
	uint16_t type;

	if (eh == NULL)
		return pkt_drop(c, RTC_DROP_eth_truncated);
	if (!pkt_eth_dst_ok(c->nif, eh->dst_addr.addr_bytes))
		return pkt_drop(c, RTC_DROP_eth_not_ours);
	f.l2_group = eh->dst_addr.addr_bytes[0] & 1;
	type = rte_be_to_cpu_16(eh->ether_type);
	f.l2_len = sizeof(*eh);
	if (type == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh = (const void *)pkt_at(&f, f.l2_len, sizeof(*vh));
		if (vh == NULL)
			return pkt_drop(c, RTC_DROP_eth_truncated);
		/* VID 0 is a priority tag: the frame is untagged (IEEE 802.1Q) */
		if ((rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != c->nif->vlan)
			return pkt_drop(c, RTC_DROP_vlan_mismatch);
		type = rte_be_to_cpu_16(vh->eth_proto);
		f.l2_len += sizeof(*vh);
	} else if (c->nif->vlan != 0) {
		return pkt_drop(c, RTC_DROP_vlan_mismatch);
	}
	f.l3_off = f.l2_len;

	switch (type) {
	case RTE_ETHER_TYPE_ARP:
		v = pkt_arp_input(c, &f);
		break;
	case RTE_ETHER_TYPE_IPV4:
		v = pkt_ipv4_input(c, &f, m);
		break;
	case RTE_ETHER_TYPE_IPV6:
		v = pkt_ipv6_input(c, &f, m);
		break;
	default:
		return pkt_drop(c, RTC_DROP_eth_unknown_type);
	}
	if (v == PKT_MEDIA)
		m->l2_len = f.l2_len;
	*len = f.len;
	return v;
}
