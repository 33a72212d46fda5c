/*
 * A worker's flow table: the selected ICE pair of each of its sessions
 * (remote address and port, local address; the local port is always the
 * media port) -> (slot, generation). Filled when the ICE agent selects or
 * moves a pair, emptied when the session ends; read for every DTLS, RTP and
 * RTCP datagram, which carry no ufrag. Sans-IO, fixed memory: open
 * addressing with linear probing, deletion by moving entries back (no
 * tombstones), at most 3/4 full; capacity a power of two at least twice the
 * worker's slots, so a probe ends within a few entries.
 * Owned by one worker: no locks.
 */
#ifndef RTC_FLOWTAB_H
#define RTC_FLOWTAB_H

#include <stdint.h>

#include "pkt.h"

struct flowtab_entry {
	uint8_t state; /* 0 empty, 1 used */
	uint8_t raddr[16];
	uint8_t laddr[16];
	uint16_t rport; /* network order */
	uint32_t slot;
	uint32_t gen;
};

struct flowtab {
	uint32_t mask;
	uint32_t used;
	struct flowtab_entry *e; /* mask + 1 entries, the caller's memory */
};

/* @entries: a zeroed array of @n (a power of two) entries. */
void flowtab_init(struct flowtab *t, struct flowtab_entry *entries, uint32_t n);
/* Map @f to (slot, gen), replacing a previous mapping of @f. 0, or -1 when full. */
int flowtab_put(struct flowtab *t, const struct pkt_flow *f, uint32_t slot, uint32_t gen);
/* Remove @f if it maps to @slot; 0 if removed. */
int flowtab_del(struct flowtab *t, const struct pkt_flow *f, uint32_t slot);
/* The entry of @f, or NULL. */
const struct flowtab_entry *flowtab_get(const struct flowtab *t, const struct pkt_flow *f);

#endif
