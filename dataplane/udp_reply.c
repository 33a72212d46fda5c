/* A UDP datagram back to the sender of a received one (see pkt.h: pkt_udp_reply). */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "cksum.h"
#include "pkt.h"

#define IP4_DEFAULT_TTL 64
#define IP6_DEFAULT_HOPS 64

uint16_t
pkt_udp_reply(uint8_t *buf, uint16_t room, const struct pkt_media *m, const void *payload,
		uint16_t plen)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ether_addr tmp;
	uint16_t l3 = m->l2_len;
	uint16_t iplen = m->flow.family == 4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	uint16_t l4_len = (uint16_t)(sizeof(struct rte_udp_hdr) + plen);
	size_t total = (size_t)l3 + iplen + l4_len;
	struct rte_udp_hdr *uh;
	uint64_t sum;

	if (total > room || (size_t)iplen + l4_len > 0xffff)
		return 0;
	/* the payload may not sit where the new headers go */
	memmove(buf + l3 + iplen + sizeof(*uh), payload, plen);
	tmp = eh->src_addr;
	eh->src_addr = eh->dst_addr;
	eh->dst_addr = tmp;
	uh = (struct rte_udp_hdr *)(buf + l3 + iplen);
	uh->src_port = m->flow.lport;
	uh->dst_port = m->flow.rport;
	uh->dgram_len = rte_cpu_to_be_16(l4_len);
	uh->dgram_cksum = 0;
	if (m->flow.family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + l3);
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(iplen + l4_len));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = IP4_DEFAULT_TTL;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, m->flow.laddr + 12, 4);
		memcpy(&ip->dst_addr, m->flow.raddr + 12, 4);
		ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(cksum_ip4_hdr(ip, sizeof(*ip))));
		sum = cksum_pseudo4(ip, IPPROTO_UDP, l4_len);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(buf + l3);
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(l4_len);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = IP6_DEFAULT_HOPS;
		memcpy(ip->src_addr, m->flow.laddr, 16);
		memcpy(ip->dst_addr, m->flow.raddr, 16);
		sum = cksum_pseudo6(ip, IPPROTO_UDP, l4_len);
	}
	sum = cksum_partial(sum, uh, l4_len);
	uh->dgram_cksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(sum));
	if (uh->dgram_cksum == 0)
		uh->dgram_cksum = 0xffff; /* RFC 768: 0 means "no checksum" */
	/* the EtherType of the last L2 header becomes that of the new IP version */
	{
		uint16_t et = rte_cpu_to_be_16(m->flow.family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
		memcpy(buf + l3 - 2, &et, 2);
	}
	return (uint16_t)total;
}
