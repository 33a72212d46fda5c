/*
 * Steering: which worker owns a media flow.
 *
 * Owns: the owner choice for a UDP flow on the media port. Until the flow
 * table and ufrag routing labels exist, the owner of a flow is a hash of
 * its 5-tuple over the workers, the software equivalent of RSS: stable
 * for the life of the flow, computed the same on every worker, so a packet
 * that reaches the wrong worker (single-queue port, or the NIC's RSS picked
 * another queue) is handed to the owner through its ring.
 */
#ifndef RTC_STEER_H
#define RTC_STEER_H

#include "pkt.h"

unsigned steer_owner(const struct pkt_flow *f, unsigned n_workers);

#endif
