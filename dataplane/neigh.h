/*
 * Neighbour cache: IP address -> MAC, learned from ARP and ND.
 *
 * Owns: one worker's fixed-size table (no allocation after it is zeroed,
 * no sharing: each worker keeps its own). Open addressing with a bounded
 * probe; when the probe window is full the oldest entry is replaced, so a
 * flood of sources costs old entries, never memory. IPv4 keys are stored
 * as IPv4-mapped IPv6 (::ffff:a.b.c.d). Time is passed in.
 */
#ifndef RTC_NEIGH_H
#define RTC_NEIGH_H

#include <stdint.h>
#include <string.h>

#define NEIGH_SIZE 1024 /* power of two */
#define NEIGH_PROBE 8

struct neigh_entry {
	uint8_t ip[16];
	uint8_t mac[6];
	uint8_t used;
	uint8_t pad;
	uint64_t updated_us;
};

struct neigh_table {
	struct neigh_entry e[NEIGH_SIZE];
	uint32_t count;
};

void neigh_init(struct neigh_table *t);
/* Learn or refresh @ip -> @mac. */
void neigh_update(struct neigh_table *t, const uint8_t ip[16], const uint8_t mac[6],
		uint64_t now_us);
/* Refresh @ip -> @mac only if @ip is already known (RFC 4861 §7.2.5); 1 if it was. */
int neigh_refresh(struct neigh_table *t, const uint8_t ip[16], const uint8_t mac[6],
		uint64_t now_us);
/* Copy the MAC of @ip into @mac; 0 if known and not older than @max_age_us, else -1. */
int neigh_lookup(const struct neigh_table *t, const uint8_t ip[16], uint64_t now_us,
		uint64_t max_age_us, uint8_t mac[6]);
/* The IPv4-mapped form of @addr (network order) into @out. */
static inline void
neigh_ip4_mapped(uint32_t addr_be, uint8_t out[16])
{
	static const uint8_t prefix[12] = {[10] = 0xff, [11] = 0xff};

	memcpy(out, prefix, sizeof(prefix));
	memcpy(out + 12, &addr_be, 4);
}

#endif
