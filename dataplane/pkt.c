/* Ethernet and 802.1Q input, checksum helpers, dispatch to ARP/IPv4/IPv6. */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "pkt_internal.h"

static const uint8_t mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/*
 * One's complement sum (RFC 1071) of @n bytes, added to @sum. Sums native
 * 64-bit words with end-around carry, then folds; the sum of byte-swapped
 * words is the byte-swapped sum (RFC 1071 §2(B)), so one swap at the end
 * gives the big-endian word sum on any host. Returns a partially folded
 * value (< 2^17) that callers may keep adding to.
 */
uint32_t
pkt_cksum_add(uint32_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t acc = 0, v;
	uint16_t tail = 0;

#if defined(__x86_64__) && defined(__GNUC__)
	/* add-with-carry chain: 32 bytes in five instructions */
	while (n >= 32) {
		uint64_t w[4];
		memcpy(w, b, sizeof(w));
		__asm__("addq %1, %0\n\t"
			"adcq %2, %0\n\t"
			"adcq %3, %0\n\t"
			"adcq %4, %0\n\t"
			"adcq $0, %0"
			: "+r"(acc)
			: "r"(w[0]), "r"(w[1]), "r"(w[2]), "r"(w[3])
			: "cc");
		b += 32;
		n -= 32;
	}
#endif
	while (n >= 8) {
		memcpy(&v, b, 8);
		acc += v;
		acc += acc < v;
		b += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t w;
		memcpy(&w, b, 4);
		acc += w; /* acc < 2^64 - 2^32 here cannot wrap twice: carry below */
		acc += acc < w;
		b += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;
		memcpy(&w, b, 2);
		acc += w;
		acc += acc < w;
		b += 2;
		n -= 2;
	}
	if (n) /* the last odd byte is the high byte of a big-endian word */
		tail = rte_cpu_to_be_16((uint16_t)(b[0] << 8));
	acc += tail;
	acc += acc < tail;
	acc = (acc >> 32) + (acc & 0xffffffff);
	acc = (acc >> 32) + (acc & 0xffffffff);
	acc = (acc >> 16) + (acc & 0xffff);
	acc = (acc >> 16) + (acc & 0xffff);
	sum += rte_be_to_cpu_16((uint16_t)acc);
	return (sum & 0xffff) + (sum >> 16);
}

uint16_t
pkt_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t
pkt_cksum_pseudo4(const struct rte_ipv4_hdr *ip, uint8_t proto, uint16_t l4_len)
{
	/* source and destination are adjacent: one pass over 8 bytes */
	return pkt_cksum_add(0, (const uint8_t *)ip + offsetof(struct rte_ipv4_hdr, src_addr), 8) +
			proto + l4_len;
}

uint32_t
pkt_cksum_pseudo6(const struct rte_ipv6_hdr *ip, uint8_t nh, uint32_t l4_len)
{
	return pkt_cksum_add(0, (const uint8_t *)ip + offsetof(struct rte_ipv6_hdr, src_addr), 32) +
			(l4_len >> 16) + (l4_len & 0xffff) + nh;
}

void
pkt_eth_reply(const struct pkt_ctx *c, struct pkt_frame *f)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f->buf;

	memcpy(&eh->dst_addr, &eh->src_addr, RTE_ETHER_ADDR_LEN);
	memcpy(&eh->src_addr, c->nif->mac, RTE_ETHER_ADDR_LEN);
}

static int
pkt_eth_dst_ok(const struct netif *nif, const uint8_t *dst)
{
	if (memcmp(dst, nif->mac, 6) == 0 || memcmp(dst, mac_broadcast, 6) == 0)
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
	type = rte_be_to_cpu_16(eh->ether_type);
	f.l2_len = sizeof(*eh);
	if (type == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh = (const void *)pkt_at(&f, f.l2_len, sizeof(*vh));
		if (vh == NULL)
			return pkt_drop(c, RTC_DROP_eth_truncated);
		if ((rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != c->nif->vlan || c->nif->vlan == 0)
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
