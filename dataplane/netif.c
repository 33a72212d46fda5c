/* Address set of our side of the port, and the predicates the workers use. */
#include <string.h>

#include "netif.h"

int
netif_add_ip4(struct netif *nif, rte_be32_t addr, uint8_t plen)
{
	if (nif->n_ip4 >= NETIF_MAX_ADDRS || plen > 32)
		return -1;
	struct netif_ip4 *a = &nif->ip4[nif->n_ip4];
	a->addr = addr;
	a->plen = plen;
	a->host = rte_be_to_cpu_32(addr);
	/* /31 (RFC 3021) and /32 have no broadcast address; 0 never matches a valid source */
	a->bcast = plen <= 30 ? a->host | (plen ? ~0u >> plen : ~0u) : 0;
	nif->n_ip4++;
	return 0;
}

int
netif_add_ip6(struct netif *nif, const uint8_t addr[16], uint8_t plen)
{
	if (nif->n_ip6 >= NETIF_MAX_ADDRS || plen > 128)
		return -1;
	memcpy(nif->ip6[nif->n_ip6].addr, addr, 16);
	nif->ip6[nif->n_ip6].plen = plen;
	nif->n_ip6++;
	return 0;
}

int
netif_add_ip6_link_local(struct netif *nif)
{
	uint8_t a[16] = {0xfe, 0x80};

	a[8] = nif->mac[0] ^ 0x02; /* universal/local bit inverted */
	a[9] = nif->mac[1];
	a[10] = nif->mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = nif->mac[3];
	a[14] = nif->mac[4];
	a[15] = nif->mac[5];
	return netif_add_ip6(nif, a, 64);
}

int
netif_ip6_is_ours(const struct netif *nif, const uint8_t addr[16])
{
	for (unsigned i = 0; i < nif->n_ip6; i++)
		if (memcmp(nif->ip6[i].addr, addr, 16) == 0)
			return 1;
	return 0;
}

int
netif_ip6_is_our_group(const struct netif *nif, const uint8_t addr[16])
{
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};

	return memcmp(addr, all_nodes, 16) == 0 || netif_ip6_is_our_solicited_node(nif, addr);
}

int
netif_ip6_is_our_solicited_node(const struct netif *nif, const uint8_t addr[16])
{
	static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};

	if (memcmp(addr, prefix, sizeof(prefix)) != 0)
		return 0;
	for (unsigned i = 0; i < nif->n_ip6; i++)
		if (memcmp(nif->ip6[i].addr + 13, addr + 13, 3) == 0)
			return 1;
	return 0;
}

int
netif_ip6_is_bad_source(const struct netif *nif, const uint8_t addr[16])
{
	static const uint8_t loopback[16] = {[15] = 1};

	if (addr[0] == 0xff || memcmp(addr, loopback, 16) == 0)
		return 1;
	return netif_ip6_is_ours(nif, addr);
}
