/* UDP datagrams built in place: replies to a received one, and sends on a known flow (pkt.h). */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "cksum.h"
#include "pkt.h"

#define IP4_DEFAULT_TTL 64
#define IP6_DEFAULT_HOPS 64

static uint16_t
ip_hdr_len(uint8_t family)
{
	return family == 4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
}

/*
 * IP and UDP headers at @l3 for a datagram from (laddr, lport) to (raddr,
 * rport) of @f, whose @plen payload bytes already follow them; checksums
 * included. The EtherType just before @l3 is set to the IP version's.
 */
static void
write_ip_udp(uint8_t *l3, const struct pkt_flow *f, uint16_t plen)
{
	uint16_t iplen = ip_hdr_len(f->family);
	uint16_t l4_len = (uint16_t)(sizeof(struct rte_udp_hdr) + plen);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(l3 + iplen);
	uint16_t et = rte_cpu_to_be_16(f->family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	uint64_t sum;

	uh->src_port = f->lport;
	uh->dst_port = f->rport;
	uh->dgram_len = rte_cpu_to_be_16(l4_len);
	uh->dgram_cksum = 0;
	if (f->family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(iplen + l4_len));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = IP4_DEFAULT_TTL;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, f->laddr + 12, 4);
		memcpy(&ip->dst_addr, f->raddr + 12, 4);
		ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(cksum_ip4_hdr(ip, sizeof(*ip))));
		sum = cksum_pseudo4(ip, IPPROTO_UDP, l4_len);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(l4_len);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = IP6_DEFAULT_HOPS;
		memcpy(ip->src_addr, f->laddr, 16);
		memcpy(ip->dst_addr, f->raddr, 16);
		sum = cksum_pseudo6(ip, IPPROTO_UDP, l4_len);
	}
	sum = cksum_partial(sum, uh, l4_len);
	uh->dgram_cksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(sum));
	if (uh->dgram_cksum == 0)
		uh->dgram_cksum = 0xffff; /* RFC 768: 0 means "no checksum" */
	memcpy(l3 - 2, &et, 2);
}

uint16_t
pkt_udp_reply(uint8_t *buf, uint16_t room, const struct pkt_media *m, const void *payload,
		uint16_t plen)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ether_addr tmp;
	uint16_t iplen = ip_hdr_len(m->flow.family);
	size_t total = (size_t)m->l2_len + iplen + sizeof(struct rte_udp_hdr) + plen;

	if (total > room || total - m->l2_len > 0xffff)
		return 0;
	/* the payload may not sit where the new headers go */
	memmove(buf + m->l2_len + iplen + sizeof(struct rte_udp_hdr), payload, plen);
	tmp = eh->src_addr;
	eh->src_addr = eh->dst_addr;
	eh->dst_addr = tmp;
	write_ip_udp(buf + m->l2_len, &m->flow, plen);
	return (uint16_t)total;
}

uint16_t
pkt_udp_headers_len(const uint8_t family, uint16_t l2_len)
{
	return (uint16_t)(l2_len + ip_hdr_len(family) + sizeof(struct rte_udp_hdr));
}

uint16_t
pkt_udp_build(uint8_t *frame, const uint8_t *l2, uint16_t l2_len, const struct pkt_flow *f,
		uint16_t plen)
{
	uint16_t hlen = pkt_udp_headers_len(f->family, l2_len);

	if ((size_t)hlen + plen > 0xffff)
		return 0;
	memcpy(frame, l2, l2_len);
	write_ip_udp(frame + l2_len, f, plen);
	return (uint16_t)(hlen + plen);
}
