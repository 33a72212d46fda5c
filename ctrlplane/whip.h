/*
 * The WHIP (RFC 9725) and WHEP endpoints: one request in, one response out.
 * Sans-IO on top of http.h: no sockets, the clock is in the request.
 *
 *   /whip/{stream}        POST offer -> 201 answer; OPTIONS; GET/HEAD
 *   /whep/{stream}        the same for players
 *   /whip/{stream}/{id}   PATCH trickle (204) or ICE restart (200); DELETE (200); OPTIONS
 *   /whep/{stream}/{id}
 *
 * Owns the request pipeline and the order of its checks, each of which
 * answers with its status and a one-line reason and changes nothing:
 *   route (404) and method (405 + Allow) -> CORS origin (403) -> rate
 *   limit (429 + Retry-After) -> Bearer token (401/403/400) -> content type
 *   (415) and size (413) -> session limits (503/409/404/429) -> SDP (400/422)
 *   -> session committed and the dataplane told.
 * Requirement ids (W*, E*) are those of docs/whip.md.
 */
#ifndef RTC_WHIP_H
#define RTC_WHIP_H

#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "ratelimit.h"
#include "sdp_answer.h"
#include "session.h"

#define WHIP_MAX_ORIGINS 16
#define WHIP_ORIGIN_MAX 256
#define WHIP_MAX_ICE_SERVERS 8
#define WHIP_LINK_MAX 512

struct whip_counters {
	uint64_t requests;
	uint64_t by_status[6];  /* 1xx..5xx by hundreds; [0] unused */
	uint64_t created[2];    /* by role */
	uint64_t sdp_refused;   /* 4xx from the SDP module */
	uint64_t auth_refused;
	uint64_t rate_limited;
	uint64_t trickle;
	uint64_t restarts;
	uint64_t deleted;
};

struct whip {
	struct sessmgr *sm;
	const struct auth *auth;
	struct ratelimit *rl;
	uint32_t retry_after_s;
	uint8_t cors_any;
	unsigned n_origins;
	char origins[WHIP_MAX_ORIGINS][WHIP_ORIGIN_MAX];
	unsigned n_links;
	char links[WHIP_MAX_ICE_SERVERS][WHIP_LINK_MAX]; /* Link header values */
	struct sdp_policy pol[2];                         /* by role */
	struct sdp_local local;                           /* template: fingerprint, addresses, port */
	uint8_t voice;                                    /* enum config_voice */
	uint8_t export_on;                                /* export.target is set */
	char export_streams[64];                          /* export.streams */
	/* scratch, reused by every request (the control lcore is single-threaded) */
	struct sdp_desc *offer;
	struct sdp_answer *answer;
	char *text;
	size_t text_cap;
	struct whip_counters ctr;
};

/*
 * Set up from the configuration; @fp is our DTLS certificate's fingerprint.
 * 0, or -1 with "key: problem" in @err.
 */
int whip_init(struct whip *w, const struct rtc_config *cfg, struct sessmgr *sm,
		const struct auth *auth, struct ratelimit *rl, const struct sdp_fingerprint *fp,
		char *err, size_t errlen);
void whip_fini(struct whip *w);

/* Handle one request of the WHIP/WHEP listener. */
void whip_handle(struct whip *w, const struct http_req *q, struct http_resp *r);

/*
 * Parse http.ice_servers into Link header values (RFC 9725 §4.6):
 * <stun:host:port>; rel="ice-server" or, for turn/turns with "|user|cred",
 * with username, credential and credential-type="password". Count or -1.
 */
int whip_ice_servers_parse(const char *spec, char links[][WHIP_LINK_MAX], unsigned max, char *err,
		size_t errlen);

/* Stream names: 1..SESS_STREAM_MAX-1 of A-Z a-z 0-9 - . _ ~ */
int whip_stream_name_ok(const char *s);

#endif
