/*
 * Steering: which worker owns a media flow.
 *
 * Owns: the fallback owner of a UDP flow on the media port. A session's
 * flows are owned by the worker its ufrag routing label names (wsess.c,
 * the flow tables); a datagram of a 5-tuple no worker has announced yet goes
 * to the worker this hash of its 5-tuple picks (the software equivalent of
 * RSS: stable for the life of the flow, computed the same on every worker),
 * handed there through its ring if it arrived elsewhere.
 */
#ifndef RTC_STEER_H
#define RTC_STEER_H

#include "pkt.h"

unsigned steer_owner(const struct pkt_flow *f, unsigned n_workers);

#endif
