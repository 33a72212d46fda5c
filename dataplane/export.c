/* The transceiver export's framing (see export.h). */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>

#include "export.h"
#include "neigh.h"

int
export_flow(const struct netif *nif, const struct export_target *t, uint32_t index,
		struct pkt_flow *f)
{
	if (nif->n_ip4 == 0 || t->addr == 0 || index >= nif->export_count)
		return -1;
	memset(f, 0, sizeof(*f));
	f->family = 4;
	neigh_ip4_mapped(t->addr, f->raddr);
	neigh_ip4_mapped(nif->ip4[0].addr, f->laddr);
	f->rport = t->port;
	f->lport = rte_cpu_to_be_16((uint16_t)(nif->export_base + index));
	return 0;
}

uint16_t
export_l2(uint8_t *l2, const struct netif *nif, const uint8_t dst[6])
{
	uint16_t n = 12;

	memcpy(l2, dst, 6);
	memcpy(l2 + 6, nif->mac, 6);
	if (nif->vlan != 0) {
		l2[12] = 0x81, l2[13] = 0x00;
		l2[14] = (uint8_t)(nif->vlan >> 8), l2[15] = (uint8_t)nif->vlan;
		n = 16;
	}
	l2[n] = 0x08, l2[n + 1] = 0x00;
	return (uint16_t)(n + 2);
}

uint16_t
export_arp_request(uint8_t *buf, uint16_t room, const struct netif *nif,
		const struct export_target *t)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct rte_arp_hdr ah;
	uint16_t n;

	if (nif->n_ip4 == 0 || room < 18 + sizeof(ah))
		return 0;
	n = export_l2(buf, nif, bcast);
	buf[n - 2] = 0x08, buf[n - 1] = 0x06; /* ARP */
	memset(&ah, 0, sizeof(ah));
	ah.arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah.arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah.arp_hlen = RTE_ETHER_ADDR_LEN;
	ah.arp_plen = 4;
	ah.arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(ah.arp_data.arp_sha.addr_bytes, nif->mac, 6);
	ah.arp_data.arp_sip = nif->ip4[0].addr;
	ah.arp_data.arp_tip = t->addr;
	memcpy(buf + n, &ah, sizeof(ah));
	return (uint16_t)(n + sizeof(ah));
}
