/*
 * ICE-lite agent, one per session (RFC 8445 §6.1.1, §7.3, §8.2), with
 * trickled remote candidates (RFC 8838) and consent freshness (RFC 7675).
 * Sans-IO: no sockets, no clock; time is an argument in microseconds.
 *
 * A lite agent never sends checks: it answers Binding requests. It is
 * always the controlled agent (RFC 8445 §6.1.1).
 *
 *   ice_agent_init()                       credentials, our candidate priority
 *   ice_agent_add_remote_candidate()       a trickled candidate (RFC 8838, PATCH sdpfrag)
 *   ice_agent_set_pending_credentials()    ICE restart (RFC 8445 §9)
 *   ice_agent_handle_packet(a, now, src, dst, buf, len)
 *   ice_agent_handle_timeout(a, now)
 *   ice_agent_poll_transmit(a, &tx)        responses to send, in order
 *   ice_agent_poll_event(a, &ev)           selected pair, consent, restart
 *   ice_agent_poll_timeout(a)              when to call handle_timeout next
 *
 * A request is answered only once its USERNAME names our current (or, during
 * a restart, pending) ufrag and its MESSAGE-INTEGRITY verifies with that
 * password; it must also carry FINGERPRINT. Anything else is dropped and
 * counted by reason (ICE_DROPS): never an error response to an
 * unauthenticated request, so the agent cannot be used for reflection.
 *
 * Authenticated requests get: 420 with UNKNOWN-ATTRIBUTES for unknown
 * comprehension-required attributes (RFC 8489 §6.3.1.1), 400 without
 * PRIORITY or with both role attributes, 487 when the peer claims the
 * controlled role (RFC 8445 §7.3.1.1: we cannot switch roles), else a
 * success response with XOR-MAPPED-ADDRESS of the source. Every response
 * carries MESSAGE-INTEGRITY and FINGERPRINT. Only a success response counts
 * as a valid request: it learns the pair, refreshes the pair's consent and,
 * with USE-CANDIDATE, nominates it.
 *
 * Selection (RFC 8445 §8.1.1, §8.2): the selected pair is the nominated pair
 * with the highest priority whose consent is fresh. Consent of a pair (its
 * 5-tuple) lapses 30 s after its last valid request (RFC 7675 §5.1); a
 * lapsed pair loses its nomination. When the selected pair lapses the next
 * fresh nominated pair takes over; when there is none the agent fails
 * (ICE_EV_CONSENT_EXPIRED). Before any selection the agent fails 30 s after
 * the last valid request, or after init when there was none.
 *
 * Limits: ICE_MAX_CANDS remote candidates and ICE_MAX_PAIRS pairs in fixed
 * arrays. A pair whose consent lapsed and that is not selected, and a
 * peer-reflexive candidate no pair uses, are reused when the array is full;
 * otherwise the request is dropped and counted. No allocation anywhere.
 */
#ifndef RTC_ICE_H
#define RTC_ICE_H

#include <stddef.h>
#include <stdint.h>

#include "stun.h"

#define ICE_UFRAG_MIN 4 /* RFC 8839 §5.4: 4..256 ice-chars */
#define ICE_UFRAG_MAX 256
#define ICE_PWD_MIN 22 /* RFC 8839 §5.4: 22..256 ice-chars */
#define ICE_PWD_MAX 256
#define ICE_MAX_CANDS 16                   /* remote candidates per agent */
#define ICE_MAX_PAIRS 8                    /* candidate pairs per agent */
#define ICE_TXQ_LEN 8                      /* responses queued before poll_transmit (power of 2) */
#define ICE_EVQ_LEN 16                     /* events queued before poll_event (power of 2) */
#define ICE_TX_MAX 128                     /* largest response we build (a 420 with 8 types: 100) */
#define ICE_CONSENT_TIMEOUT_US 30000000ull /* RFC 7675 §5.1 */
#define ICE_TIME_NEVER UINT64_MAX

/* Errors of the configuration calls. */
#define ICE_E_INVAL (-1) /* credentials or candidate out of range */
#define ICE_E_FULL (-2)  /* no room for another remote candidate */
#define ICE_E_STATE (-3) /* the agent has failed */

enum ice_state {
	ICE_STATE_NEW = 0,   /* no valid request yet */
	ICE_STATE_CHECKING,  /* valid requests, nothing nominated */
	ICE_STATE_CONNECTED, /* a pair is selected */
	ICE_STATE_FAILED,    /* consent expired: the session is over */
};

enum ice_cand_type {
	ICE_CAND_HOST = 0,
	ICE_CAND_SRFLX,
	ICE_CAND_PRFLX, /* learned from a request, not signaled (RFC 8445 §7.3.1.3) */
	ICE_CAND_RELAY,
};

/*
 * Counters, declared once: ICE_STAT_* for what happened, ICE_DROP_* for a
 * request not answered, and why. ice_agent_handle_packet() returns 0 or
 * -ICE_DROP_<reason>, and that reason's counter moved by one.
 */
#define ICE_STATS(_)                                                                               \
	_(RX, "datagrams handed to the agent")                                                     \
	_(ANSWERED, "Binding requests answered with a success response")                           \
	_(ANSWERED_400, "authenticated requests answered 400 (no PRIORITY, both roles)")           \
	_(ANSWERED_420, "authenticated requests answered 420 (unknown attributes)")                \
	_(ANSWERED_487, "authenticated requests answered 487 (peer claims controlled)")            \
	_(NO_ROLE, "requests without ICE-CONTROLLING or ICE-CONTROLLED (answered)")                \
	_(PRFLX_LEARNED, "peer-reflexive remote candidates learned")                               \
	_(PAIRS_LEARNED, "candidate pairs learned")                                                \
	_(PAIRS_REUSED, "pair slots reused after their consent lapsed")                            \
	_(NOMINATIONS, "pairs nominated (USE-CANDIDATE on a pair not yet nominated)")              \
	_(SELECTED_CHANGES, "selected pair set or changed")                                        \
	_(CONSENT_REFRESHED, "valid requests on the selected pair")                                \
	_(CONSENT_LAPSED, "nominated pairs whose consent lapsed")                                  \
	_(RESTARTS, "ICE restarts completed")                                                      \
	_(EVENTS_LOST, "events not queued: event queue full")

#define ICE_DROPS(_)                                                                               \
	_(FAILED, "agent failed (consent expired)")                                                \
	_(TX_FULL, "transmit queue full")                                                          \
	_(BAD_ADDRESS, "source or destination not IPv4/IPv6")                                      \
	_(MALFORMED, "not a well-formed STUN message")                                             \
	_(BAD_FINGERPRINT, "FINGERPRINT wrong or not last")                                        \
	_(NOT_BINDING, "STUN method other than Binding")                                           \
	_(INDICATION, "Binding indication (keepalive, RFC 8445 §11): no answer")                   \
	_(NOT_REQUEST, "Binding response: a lite agent sends no requests")                         \
	_(NO_FINGERPRINT, "request without FINGERPRINT")                                           \
	_(NO_USERNAME, "request without USERNAME")                                                 \
	_(BAD_USERNAME, "USERNAME not <ufrag>:<ufrag>")                                            \
	_(UNKNOWN_UFRAG, "USERNAME names neither our current nor our pending ufrag")               \
	_(WRONG_REMOTE_UFRAG, "USERNAME names another remote ufrag than signaled")                 \
	_(NO_INTEGRITY, "request without MESSAGE-INTEGRITY")                                       \
	_(INTEGRITY, "MESSAGE-INTEGRITY does not verify with our password")                        \
	_(TOO_MANY_CANDS, "no room for another remote candidate")                                  \
	_(TOO_MANY_PAIRS, "no room for another candidate pair")

enum ice_stat {
#define ICE_STAT_ENUM(name, help) ICE_STAT_##name,
	ICE_STATS(ICE_STAT_ENUM)
#undef ICE_STAT_ENUM
	        ICE_STAT_MAX
};

enum ice_drop {
	ICE_DROP_NONE = 0, /* not a reason: handle_packet() answered */
#define ICE_DROP_ENUM(name, help) ICE_DROP_##name,
	ICE_DROPS(ICE_DROP_ENUM)
#undef ICE_DROP_ENUM
	        ICE_DROP_MAX
};

enum ice_event_type {
	ICE_EV_PAIR_SELECTED = 1, /* first selected pair: the dataplane learns the 5-tuple */
	ICE_EV_PAIR_CHANGED,      /* the selected pair moved to another 5-tuple */
	ICE_EV_CONSENT_REFRESHED, /* a valid request on the selected pair */
	ICE_EV_CONSENT_EXPIRED,   /* no fresh nominated pair left: the session has failed */
	ICE_EV_RESTART_DONE, /* a pair nominated under the pending credentials: old ones gone */
};

struct ice_event {
	uint8_t type;     /* enum ice_event_type */
	uint64_t time_us; /* the now of the call that raised it */
	/* the selected pair after the event; for CONSENT_EXPIRED the one that lapsed (or zero) */
	struct stun_addr local;
	struct stun_addr remote;
};

/* A response to send: from @src (the request's destination) to @dst. */
struct ice_transmit {
	struct stun_addr src;
	struct stun_addr dst;
	const uint8_t *buf; /* inside the agent: valid until the next call on it */
	size_t len;
};

/* One set of credentials: ours and the peer's ufrag, our password's HMAC state. */
struct ice_creds {
	uint16_t ufrag_len;
	uint16_t remote_ufrag_len; /* 0: the remote ufrag is not checked */
	char ufrag[ICE_UFRAG_MAX];
	char remote_ufrag[ICE_UFRAG_MAX];
	struct stun_hmac_key key;
};

struct ice_cand {
	struct stun_addr addr;
	uint32_t priority;
	uint8_t type; /* enum ice_cand_type */
	uint8_t used;
};

/* Credential generations a pair was validated or nominated under (ice_pair.seen, .nominated). */
#define ICE_GEN_CUR 1u
#define ICE_GEN_PEND 2u

struct ice_pair {
	struct stun_addr local;  /* the request's destination */
	struct stun_addr remote; /* the request's source */
	uint64_t priority;       /* RFC 8445 §6.1.2.3, G = the peer's (controlling) */
	uint64_t last_valid_us;  /* consent: the last valid request on this 5-tuple */
	uint8_t used;
	uint8_t cand; /* index into ice_agent.cands */
	uint8_t seen; /* ICE_GEN_* */
	uint8_t nominated;
};

struct ice_tx_slot {
	struct stun_addr src;
	struct stun_addr dst;
	uint16_t len;
	uint8_t buf[ICE_TX_MAX];
};

struct ice_config {
	const char *ufrag;        /* ours, 4..256 ice-chars */
	const char *pwd;          /* ours, 22..256 ice-chars */
	const char *remote_ufrag; /* the peer's, or NULL/"" not to check it */
	uint32_t local_priority;  /* our candidate's priority (RFC 8445 §5.1.2), D of §6.1.2.3 */
};

struct ice_agent {
	uint8_t state;       /* enum ice_state */
	uint8_t has_pending; /* creds[1] valid: a restart is under way */
	int8_t selected;     /* index into pairs, -1 = none */
	uint32_t local_priority;
	uint64_t start_us;
	uint64_t last_valid_us;    /* any pair; 0 = none yet */
	struct ice_creds creds[2]; /* [0] current, [1] pending */
	struct ice_cand cands[ICE_MAX_CANDS];
	struct ice_pair pairs[ICE_MAX_PAIRS];
	uint32_t tx_head, tx_tail;
	struct ice_tx_slot tx[ICE_TXQ_LEN];
	uint32_t ev_head, ev_tail;
	struct ice_event ev[ICE_EVQ_LEN];
	uint64_t stats[ICE_STAT_MAX];
	uint64_t drops[ICE_DROP_MAX];
};

/* Set up an agent at @now_us. 0, or ICE_E_INVAL for credentials out of range. */
int ice_agent_init(struct ice_agent *a, const struct ice_config *cfg, uint64_t now_us);

/*
 * A trickled (RFC 8838) or offered remote candidate; @type is not PRFLX. A
 * peer-reflexive candidate with the same address takes the signaled type
 * and priority (its pairs keep theirs). 0, ICE_E_INVAL or ICE_E_FULL.
 */
int ice_agent_add_remote_candidate(struct ice_agent *a, const struct stun_addr *addr,
        uint32_t priority, enum ice_cand_type type);

/*
 * ICE restart (RFC 8445 §9): requests under either the current or these
 * credentials are answered until a pair is nominated under these; then the
 * current ones are dropped with the pairs not validated under the new ones
 * (ICE_EV_RESTART_DONE). A second call before that replaces the pending set.
 * 0, ICE_E_INVAL (out of range, or the current ufrag) or ICE_E_STATE.
 */
int ice_agent_set_pending_credentials(
        struct ice_agent *a, const char *ufrag, const char *pwd, const char *remote_ufrag);

/*
 * One datagram from @src to our @dst. Returns 0 when a response was queued
 * (poll_transmit), or -ICE_DROP_* when the datagram was dropped and counted.
 */
int ice_agent_handle_packet(struct ice_agent *a, uint64_t now_us, const struct stun_addr *src,
        const struct stun_addr *dst, const uint8_t *buf, size_t len);

/* Consent expiry; call when now_us >= ice_agent_poll_timeout(). */
void ice_agent_handle_timeout(struct ice_agent *a, uint64_t now_us);

/* 1 and the oldest queued response, or 0. */
int ice_agent_poll_transmit(struct ice_agent *a, struct ice_transmit *out);

/* 1 and the oldest event, or 0. */
int ice_agent_poll_event(struct ice_agent *a, struct ice_event *ev);

/* The next deadline in µs (consent expiry), or ICE_TIME_NEVER. */
uint64_t ice_agent_poll_timeout(const struct ice_agent *a);

/* The selected pair, or NULL. */
const struct ice_pair *ice_agent_selected_pair(const struct ice_agent *a);

/* The pair of this 5-tuple, or NULL. */
const struct ice_pair *ice_agent_find_pair(
        const struct ice_agent *a, const struct stun_addr *local, const struct stun_addr *remote);

/* The remote candidate with this address, or NULL. */
const struct ice_cand *ice_agent_find_cand(const struct ice_agent *a, const struct stun_addr *addr);

const char *ice_state_name(enum ice_state s);
const char *ice_event_name(enum ice_event_type t);
const char *ice_stat_name(enum ice_stat s);
const char *ice_drop_name(enum ice_drop d);
const char *ice_drop_help(enum ice_drop d);

#endif
