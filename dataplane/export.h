/*
 * The transceiver export (export.target): a session's decrypted audio sent as
 * plain RTP to an internal backend, and plain RTP from it taken back as the
 * session's outgoing audio. Session index i of the node owns the UDP port
 * export_base + i on our IPv4 address: what we send to the backend comes
 * from it, and what the backend sends to it is that session's.
 *
 * Owns: the framing that the worker needs for it (the L2 header toward the
 * backend, the flow, an ARP request when its MAC is not known) and the
 * owner directory's encoding. Sans-IO over byte buffers; the worker sends.
 * IPv4 only: a backend is on the port's own link (ARP resolves it).
 */
#ifndef RTC_EXPORT_H
#define RTC_EXPORT_H

#include <stdint.h>

#include <rte_byteorder.h>

#include "netif.h"
#include "pkt.h"

#define EXPORT_NEIGH_FRESH_US 60000000ull /* an older MAC is used, and asked for again */
#define EXPORT_ARP_GAP_US 200000ull       /* between two ARP requests of a worker */

struct export_target {
	rte_be32_t addr; /* 0: no export */
	rte_be16_t port;
};

/* The session index of a local port (host order), or -1 if it is no export port. */
static inline int32_t
export_port_index(const struct netif *nif, uint16_t lport)
{
	if ((uint16_t)(lport - nif->export_base) >= nif->export_count)
		return -1;
	return (int32_t)(lport - nif->export_base);
}

/*
 * The owner directory (one uint32_t per session index, written by the
 * control lcore, read by workers): 0 = not exported, else
 * (worker << 24 | slot) + 1.
 */
static inline uint32_t
export_owner_make(uint16_t worker, uint32_t slot)
{
	return ((uint32_t)worker << 24 | (slot & 0xffffff)) + 1;
}
static inline uint16_t
export_owner_worker(uint32_t o)
{
	return (uint16_t)((o - 1) >> 24);
}
static inline uint32_t
export_owner_slot(uint32_t o)
{
	return (o - 1) & 0xffffff;
}

/* The flow from our first IPv4 address, port export_base + @index, to @t. 0 or -1. */
int export_flow(const struct netif *nif, const struct export_target *t, uint32_t index,
		struct pkt_flow *f);

/* The Ethernet (+802.1Q) header toward @dst for IPv4 into @l2 (18 bytes room); its length. */
uint16_t export_l2(uint8_t *l2, const struct netif *nif, const uint8_t dst[6]);

/* A broadcast ARP request for @t's address from our first IPv4 address into @buf: its
 * length, or 0 (no room, no IPv4 address). */
uint16_t export_arp_request(uint8_t *buf, uint16_t room, const struct netif *nif,
		const struct export_target *t);

#endif
