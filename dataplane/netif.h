/*
 * The identity of our side of a port: MAC, VLAN, IPv4/IPv6 addresses and
 * the single media UDP port.
 *
 * Owns: the address set and the "is this for us" predicates. Built by the
 * control plane before the workers start and read-only afterwards, so the
 * workers read it without synchronisation.
 */
#ifndef RTC_NETIF_H
#define RTC_NETIF_H

#include <stdint.h>
#include <rte_byteorder.h>

#define NETIF_MAX_ADDRS 8

struct netif_ip4 {
	rte_be32_t addr;
	uint8_t plen;
	uint32_t host;	/* addr in host order */
	uint32_t bcast; /* subnet broadcast in host order; 0 for /31 and /32 */
};

struct netif_ip6 {
	uint8_t addr[16];
	uint8_t plen;
};

struct netif {
	uint8_t mac[6];
	uint16_t vlan;	     /* 802.1Q VID, 0 = untagged */
	uint16_t media_port; /* host order */
	uint16_t export_base;  /* export.h: session i's plain RTP port is export_base + i */
	uint16_t export_count; /* 0: no export ports */
	uint8_t n_ip4;
	uint8_t n_ip6;
	struct netif_ip4 ip4[NETIF_MAX_ADDRS];
	struct netif_ip6 ip6[NETIF_MAX_ADDRS];
};

/* Add an address; -1 when the table is full. */
int netif_add_ip4(struct netif *nif, rte_be32_t addr, uint8_t plen);
int netif_add_ip6(struct netif *nif, const uint8_t addr[16], uint8_t plen);
/* Add fe80::/64 with the modified EUI-64 of nif->mac (RFC 4291 App. A). */
int netif_add_ip6_link_local(struct netif *nif);

static inline int
netif_ip4_is_ours(const struct netif *nif, rte_be32_t addr)
{
	for (unsigned i = 0; i < nif->n_ip4; i++)
		if (nif->ip4[i].addr == addr)
			return 1;
	return 0;
}

int netif_ip6_is_ours(const struct netif *nif, const uint8_t addr[16]);
/* ff02::1:ffXX:XXXX of one of our addresses (RFC 4291 §2.7.1). */
int netif_ip6_is_our_solicited_node(const struct netif *nif, const uint8_t addr[16]);
/* A group we listen to: all-nodes ff02::1, or one of our solicited-node groups. */
int netif_ip6_is_our_group(const struct netif *nif, const uint8_t addr[16]);
/* Source addresses we never answer: unspecified, multicast, loopback, ours. */
static inline int
netif_ip4_is_bad_source(const struct netif *nif, rte_be32_t addr)
{
	uint32_t a = rte_be_to_cpu_32(addr);

	/* "this network" 0/8, multicast 224/4, reserved 240/4 incl. limited broadcast,
	 * loopback 127/8 (RFC 1122 §3.2.1.3) */
	if ((a >> 24) == 0 || (a >> 28) >= 0xe || (a >> 24) == 127)
		return 1;
	for (unsigned i = 0; i < nif->n_ip4; i++)
		if (a == nif->ip4[i].host || a == nif->ip4[i].bcast)
			return 1;
	return 0;
}
int netif_ip6_is_bad_source(const struct netif *nif, const uint8_t addr[16]);

#endif
