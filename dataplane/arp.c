/* ARP (RFC 826) for Ethernet/IPv4: answer requests for our addresses, learn senders. */
#include <rte_arp.h>
#include <rte_byteorder.h>

#include "pkt_internal.h"

enum pkt_verdict
pkt_arp_input(const struct pkt_ctx *c, struct pkt_frame *f)
{
	struct rte_arp_hdr *ah = (void *)pkt_at(f, f->l3_off, sizeof(*ah));
	uint8_t sip[16];
	uint16_t op;

	if (ah == NULL || ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
			ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
			ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4)
		return pkt_drop(c, RTC_DROP_arp_malformed);

	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return pkt_drop(c, RTC_DROP_arp_unhandled_op);
	if (!netif_ip4_is_ours(c->nif, ah->arp_data.arp_tip))
		return pkt_drop(c, RTC_DROP_arp_not_ours);

	/* RFC 826 "merge": a packet aimed at us updates or adds the sender. */
	if (!netif_ip4_is_bad_source(c->nif, ah->arp_data.arp_sip)) {
		neigh_ip4_mapped(ah->arp_data.arp_sip, sip);
		neigh_update(c->neigh, sip, ah->arp_data.arp_sha.addr_bytes, c->now_us);
		rtc_stats_inc(c->st, RTC_STAT_arp_learned);
	}
	if (op == RTE_ARP_OP_REPLY)
		return PKT_CONSUMED;

	rte_be32_t tip = ah->arp_data.arp_tip;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	ah->arp_data.arp_tha = ah->arp_data.arp_sha;
	ah->arp_data.arp_tip = ah->arp_data.arp_sip;
	memcpy(ah->arp_data.arp_sha.addr_bytes, c->nif->mac, RTE_ETHER_ADDR_LEN);
	ah->arp_data.arp_sip = tip;
	f->len = (uint16_t)(f->l3_off + sizeof(*ah)); /* no Ethernet padding */
	pkt_eth_reply(c, f);
	rtc_stats_inc(c->st, RTC_STAT_arp_replies);
	return PKT_TX;
}
