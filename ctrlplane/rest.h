/*
 * The REST control port and /metrics (docs/openapi.json describes exactly
 * this API). Sans-IO on top of http.h: what the dataplane looks like comes
 * in as a struct rest_node snapshot the daemon refreshes every control tick,
 * and per-session worker counters through a callback.
 *
 *   GET    /v1/health              liveness (no token)
 *   GET    /v1/ready               200 when serving, 503 + reason (no token)
 *   GET    /v1/sessions            ?stream=S&state=T&role=R
 *   GET    /v1/sessions/{id}
 *   DELETE /v1/sessions/{id}
 *   GET    /v1/streams
 *   GET    /v1/stats
 *   POST   /v1/drain, DELETE /v1/drain
 *   GET    /v1/config              secrets redacted
 *   GET    /v1/events              Server-Sent Events: session lifecycle, speech, transcripts
 *   POST   /v1/commands            an orchestrator command as JSON (docs/events.md)
 *   GET    /metrics                Prometheus text format 0.0.4 (no token)
 *
 * Owns the JSON shapes, the admin token check (rest.token, Bearer,
 * constant-time) and the metric names. Errors are JSON {"error": "..."}
 * with the right status.
 */
#ifndef RTC_REST_H
#define RTC_REST_H

#include <stdint.h>

#include "command.h"
#include "config.h"
#include "event_bus.h"
#include "http.h"
#include "ice.h"
#include "metrics.h"
#include "session.h"
#include "stats.h"
#include "whip.h"

#define REST_MAX_WORKERS 64

struct rest_ring {
	const char *name; /* "cmd", "event", "handoff", "txring" */
	uint32_t used;
	uint32_t size;
};

struct rest_worker {
	uint16_t idx;
	uint32_t lcore;
	int32_t rxq, txq;
	const struct rtc_stats *stats; /* live counters (torn reads tolerated) */
	double rx_pps, tx_pps;         /* over the last control tick window */
	const uint32_t *sessions;      /* sessions installed on the worker (live) */
	unsigned n_rings;
	struct rest_ring rings[4];
};

/* The node as the daemon sees it; refreshed by the control loop. */
struct rest_node {
	const char *version;
	const char *port_name;
	const char *port_driver;
	int link_up;
	char link[64];
	uint64_t start_us;
	uint16_t n_workers;
	struct rest_worker workers[REST_MAX_WORKERS];
};

/* Worker-side counters of one session. */
struct rest_sess_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t stun_answered, stun_dropped;
	uint64_t last_rx_us; /* 0 = never */
	uint64_t ice_drops[ICE_DROP_MAX]; /* requests the session's ICE agent dropped, by reason */
	/* per kind (0 audio, 1 video) */
	uint8_t rx_valid[2];
	uint64_t rx_packets_kind[2], rx_bytes_kind[2];
	int64_t rx_lost[2];
	double rx_jitter_ms[2];
	uint64_t tx_packets_kind[2], tx_bytes_kind[2];
	double rtt_ms[2]; /* < 0: not known */
	uint64_t srtp_fail, dtls_rx, dtls_tx;
	/* the session's AI and voice features; -1 where the node has none */
	int32_t export_port;     /* export.target: its plain RTP port */
	int32_t playout_pending; /* session.voice = agent: clips queued or playing */
	int8_t stt;              /* ai.enabled: 1 speech-to-text on, 0 off */
	const char *stt_model;   /* with stt: "grammar" or "lm" */
};

struct rest {
	struct sessmgr *sm;
	struct whip *whip;
	const struct rtc_config *cfg;
	const struct rest_node *node;
	struct metrics_hist setup; /* POST -> 201 latency on the WHIP/WHEP listener */
	uint64_t requests;
	uint64_t unauthorized;
	/* per-session worker counters; may be NULL */
	void (*sess_stats)(void *ctx, const struct sess *s, struct rest_sess_stats *out);
	void *sess_stats_ctx;
	/* events: the newest event id (an SSE client without Last-Event-ID starts after it) */
	const struct event_bus *bus;
	uint64_t (*events_last_id)(void *ctx);
	/*
	 * Apply an orchestrator command: 0, or an HTTP status (404 no such session,
	 * 501 not available yet, ...) with a one-line reason in @err.
	 */
	int (*command)(void *ctx, const struct command *cmd, char *err, size_t errlen);
	/* more lines for /metrics (the Redis link's counters, ...); may be NULL */
	void (*metrics_extra)(void *ctx, struct http_resp *r);
	void *ctx;
};

void rest_init(struct rest *rs, struct sessmgr *sm, struct whip *whip,
		const struct rtc_config *cfg, const struct rest_node *node);
void rest_handle(struct rest *rs, const struct http_req *q, struct http_resp *r);

#endif
