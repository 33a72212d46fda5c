/*
 * rte_flow steering of sessions' 5-tuples to their worker's RX queue: where the
 * port supports it, a session's selected pair gets a rule (IPv4/IPv6 + UDP,
 * exact addresses and ports -> QUEUE), so RSS stops sending its packets to
 * other workers (which would hand them off, worker.c). Where it does not (a
 * probe rule cannot be validated and made at start), nothing is installed and the
 * hand-off does the work; the reason is kept for the log.
 *
 * Owns: the rules, one per session index, made and destroyed on the control
 * lcore only (rte_flow calls are not made from workers).
 */
#ifndef RTC_FLOWSTEER_H
#define RTC_FLOWSTEER_H

#include <stdint.h>

#include "pkt.h"

struct rte_flow;

struct flowsteer {
	int on;           /* the port accepts our rules */
	uint16_t port_id;
	uint32_t max;     /* session indexes */
	struct rte_flow **rule; /* [max] */
	uint64_t installed, removed, failed;
	char why[160];    /* on == 0: why not */
};

/*
 * Probe @port_id with a rule for one 5-tuple to queue 0 (validated, made, destroyed);
 * with @n_rxq < 2 nothing is probed (nothing to steer). 0 (see fs->on, fs->why)
 * or -ENOMEM.
 */
int flowsteer_init(struct flowsteer *fs, uint16_t port_id, uint16_t n_rxq, uint32_t max_sessions);
void flowsteer_fini(struct flowsteer *fs);

/* Steer @f (remote -> local, as received) to @queue for session @idx, replacing its
 * previous rule. 0, or -1 (counted in failed). Nothing when off. */
int flowsteer_set(struct flowsteer *fs, uint32_t idx, const struct pkt_flow *f, uint16_t queue);
/* Remove session @idx's rule, if any. */
void flowsteer_del(struct flowsteer *fs, uint32_t idx);

#endif
