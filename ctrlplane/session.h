/*
 * The session manager of the control lcore. Sans-IO: requests, dataplane
 * events and the clock in; dataplane commands (dpmsg.h), state and
 * counters out. No sockets, no rings: the daemon's glue moves the commands
 * to the workers' rings (sessmgr_peek_cmd/sessmgr_pop_cmd) and the events
 * back (sessmgr_handle_event).
 *
 * Owns: the session table (ids, roles, streams, states), the streams table
 * (one publisher, its viewers), placement of sessions on workers and the
 * allocation of worker slots and generations, the ICE credentials of every
 * session (the ufrag routing label of ufrag.h and a random pwd), the ETag of
 * each ICE session, limits (node, stream, token), drain, and timeouts
 * (setup, idle).
 *
 * A session is created in two steps so that a refused request changes
 * nothing: sessmgr_reserve() takes a session and a slot and mints the
 * credentials the SDP answer needs; then either sessmgr_commit() (the answer
 * was written: the session becomes visible and the worker is told) or
 * sessmgr_cancel() (the offer was refused: everything is released; the
 * slot's generation moves on, so the never-published label stays dead).
 *
 * Placement: a publisher goes to the least loaded worker; a viewer goes to
 * its stream's publisher's worker (its packets are fanned out there without
 * a hand-off) unless that worker carries more than SESSMGR_VIEWER_SLACK
 * sessions above the least loaded one, or has no free slot.
 */
#ifndef RTC_SESSION_H
#define RTC_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "dpmsg.h"
#include "dtls.h"
#include "sdp.h"
#include "ufrag.h"

#define SESS_ID_LEN 32 /* hex: 8 for the table index, 24 random */
#define SESS_STREAM_MAX 64 /* with the NUL: what an event carries (EVENT_ID_MAX) */
#define SESS_ETAG_MAX 24
#define SESS_PWD_LEN 32
#define SESSMGR_VIEWER_SLACK 16
#define SESSMGR_MAX_WORKERS 64

enum sess_role {
	SESS_ROLE_WHIP = 0, /* publisher (ingest) */
	SESS_ROLE_WHEP,     /* viewer (egress) */
};

enum sess_state {
	SESS_STATE_RESERVED = 0, /* minted, not visible (between reserve and commit) */
	SESS_STATE_NEW,          /* answered; waiting for the first valid STUN request */
	SESS_STATE_CHECKING,     /* valid Binding requests, no pair selected yet */
	SESS_STATE_CONNECTED,    /* a pair is selected */
	SESS_STATE__COUNT,
};

/* Why a session ended: name, help. Counted per reason; shown in events. */
#define SESS_CLOSE_REASONS(_)                                                                      \
	_(deleted, "DELETE by the client")                                                         \
	_(admin, "DELETE on the REST port")                                                        \
	_(command, "an orchestrator's end command (Redis or POST /v1/commands)")                   \
	_(setup_timeout, "ICE did not connect within session.setup_timeout_s")                     \
	_(idle_timeout, "nothing received for session.idle_timeout_s")                             \
	_(consent_expired, "ICE consent expired (RFC 7675)")                                       \
	_(dtls_failed, "the DTLS handshake failed (fingerprint, timeout, alert)")                  \
	_(dtls_closed, "the peer closed DTLS (close_notify)")                                      \
	_(replaced, "a new publisher took the stream (session.replace_publisher)")                 \
	_(dataplane, "the worker refused the session")                                             \
	_(shutdown, "the node stopped")

enum sess_close_reason {
#define SESS_CLOSE_ENUM(name, help) SESS_CLOSE_##name,
	SESS_CLOSE_REASONS(SESS_CLOSE_ENUM)
#undef SESS_CLOSE_ENUM
	        SESS_CLOSE__COUNT
};

/* Why a new session was refused: name, HTTP status, one-line reason. */
#define SESS_REFUSALS(_)                                                                           \
	_(DRAINING, 503, "node is draining: no new sessions")                                      \
	_(NODE_FULL, 503, "node is at capacity (session.max)")                                     \
	_(STREAM_FULL, 503, "stream is at capacity (session.max_per_stream)")                      \
	_(TOKEN_FULL, 429, "too many live sessions for this token (session.max_per_token)")         \
	_(PUBLISHER_LIVE, 409, "stream already has a publisher")                                   \
	_(NO_PUBLISHER_404, 404, "stream has no publisher")                                        \
	_(NO_PUBLISHER_409, 409, "stream has no publisher yet")                                    \
	_(NO_SLOT, 503, "no worker has a free session slot")                                       \
	_(DATAPLANE_BUSY, 503, "dataplane command queue is full")                                  \
	_(INTERNAL, 500, "cannot mint ICE credentials")

enum sess_refusal {
	SESS_OK = 0,
#define SESS_REFUSAL_ENUM(name, http, text) SESS_E_##name,
	SESS_REFUSALS(SESS_REFUSAL_ENUM)
#undef SESS_REFUSAL_ENUM
	        SESS_E__COUNT
};

/* What the SDP exchange settled, kept for REST and for viewers' codec choice. */
struct sess_track {
	uint8_t kind; /* SDP_KIND_AUDIO / SDP_KIND_VIDEO; 0 = none */
	uint8_t dir;  /* ours, enum sdp_dir */
	uint8_t pt;
	uint8_t channels;
	uint32_t clock;
	char codec[SDP_NAME_MAX];
	char mid[SDP_MID_MAX];
	uint32_t remote_ssrc;
	uint32_t local_ssrc;
	uint8_t has_rtx;
	uint8_t rtx_pt;
	uint32_t local_rtx_ssrc;
	struct fwd_extmap ext; /* header extensions to forward: what we receive (publisher) or
				  send (viewer), its mid (fwd.h) */
};

struct sess {
	uint8_t used;
	uint8_t role;  /* enum sess_role */
	uint8_t state; /* enum sess_state */
	uint8_t dtls_setup; /* ours: SDP_SETUP_PASSIVE or _ACTIVE */
	uint32_t idx;
	char id[SESS_ID_LEN + 1];
	char stream[SESS_STREAM_MAX];
	uint32_t stream_idx;
	uint16_t worker;
	uint32_t slot;
	uint32_t gen; /* generation of the current credentials */
	char ufrag[UFRAG_LABEL_LEN + 1];
	char pwd[SESS_PWD_LEN + 1];
	uint8_t restarting; /* pending credentials under pending_gen */
	uint32_t pending_gen;
	char pending_ufrag[UFRAG_LABEL_LEN + 1];
	char pending_pwd[SESS_PWD_LEN + 1];
	char etag[SESS_ETAG_MAX]; /* with its quotes */
	char remote_ufrag[DPMSG_REMOTE_UFRAG_MAX];
	uint64_t created_us;
	uint64_t state_us;
	uint64_t connected_us; /* first CONNECTED; 0 = never */
	int64_t created_unix;
	uint64_t token_key; /* 0 = no per-token accounting */
	uint8_t peer_family;
	uint8_t peer[16];
	uint8_t has_pair;
	struct stun_addr pair_local;
	struct stun_addr pair_remote;
	uint32_t restarts;
	uint32_t remote_cands;
	uint8_t n_tracks;
	struct sess_track tracks[2];
	char remote_fp_alg[16];
	char remote_fp[DTLS_FP_SDP_MAX]; /* "sha-256 AB:CD:..." of the offer, for the DTLS check */
	uint8_t dtls_state;              /* enum dtls_state */
	uint16_t srtp_profile;           /* enum dtls_srtp_profile once keyed; 0 before */
	uint8_t srtp_ready;              /* the worker installed the SRTP contexts */
	uint8_t echo;                    /* voice echo: its audio back to it (session.voice) */
	uint8_t export_audio;            /* transceiver export (export.target, export.streams) */
};

struct sess_stream {
	uint8_t used;
	char name[SESS_STREAM_MAX];
	uint32_t n_sessions;
	int32_t publisher; /* session index, -1 = none */
	uint32_t next;     /* hash chain, UINT32_MAX = end */
	uint64_t created_us;
};

struct sessmgr_config {
	uint32_t max;
	uint32_t max_per_stream;
	uint32_t max_per_token; /* 0 = no limit */
	uint32_t setup_timeout_s;
	uint32_t idle_timeout_s; /* 0 = off */
	uint8_t replace_publisher;
	uint8_t whep_no_publisher; /* enum config_whep_nopub */
	uint8_t viewers_spread;    /* place viewers by load alone (session.viewer_placement) */
	uint16_t n_workers;
	uint16_t node_id;
	uint32_t local_priority; /* of our host candidates (the first one's) */
	const struct ufrag_key *key;
	/* When the worker last received anything for (worker, slot), in now_us; 0 = never. */
	uint64_t (*last_rx)(void *ctx, uint16_t worker, uint32_t slot);
	void *last_rx_ctx;
	/*
	 * Optional: a session became visible (SESS_NOTE_CREATED), connected for the
	 * first time (SESS_NOTE_CONNECTED), got a selected pair (SESS_NOTE_PAIR, at
	 * every selection: restarts and moves too) or ended (SESS_NOTE_CLOSED, with
	 * @reason).
	 * Called before the session's memory is reused; it must not call back into
	 * the manager.
	 */
	void (*note)(void *ctx, int what, const struct sess *s, enum sess_close_reason reason);
	void *note_ctx;
};

enum sess_note {
	SESS_NOTE_CREATED = 1,
	SESS_NOTE_CONNECTED,
	SESS_NOTE_CLOSED,
	SESS_NOTE_PAIR,
};

struct sessmgr_counters {
	uint64_t opened[2]; /* by role */
	uint64_t refused[SESS_E__COUNT];
	uint64_t closed[SESS_CLOSE__COUNT];
	uint64_t restarts;
	uint64_t candidates;
	uint64_t stale_events;
	uint64_t cmds_sent;
};

struct sessmgr_worker {
	uint32_t cap;    /* slots */
	uint32_t load;   /* sessions placed */
	uint32_t n_free; /* free slot stack depth */
	uint32_t *free;  /* stack of free slots */
	uint32_t *gen;   /* per slot: the next generation */
};

struct sessmgr {
	struct sessmgr_config cfg;
	uint8_t draining;
	uint32_t n_live; /* committed sessions */
	uint32_t n_reserved;
	uint32_t by_state[SESS_STATE__COUNT];
	struct sess *sess; /* [cfg.max] */
	uint32_t n_free;
	uint32_t *free; /* stack of free session indexes */
	struct sess_stream *streams; /* [cfg.max] */
	uint32_t n_streams;
	uint32_t stream_n_free;
	uint32_t *stream_free;
	uint32_t n_buckets; /* power of two */
	uint32_t *buckets;
	struct sessmgr_worker workers[SESSMGR_MAX_WORKERS];
	/* dataplane commands not yet on a ring, FIFO */
	uint32_t cmd_cap, cmd_head, cmd_tail;
	struct dpmsg_cmd *cmds;
	uint16_t *cmd_worker;
	uint64_t next_timeout_scan_us;
	struct sessmgr_counters ctr;
};

/* 0, or -1 with @err (bad parameters, no memory). */
int sessmgr_init(struct sessmgr *m, const struct sessmgr_config *cfg, char *err, size_t errlen);
void sessmgr_fini(struct sessmgr *m);

/*
 * Take a session for @role on @stream: limits checked, a worker and slot
 * chosen, credentials minted (label ufrag, pwd, ETag). @token_key is the
 * grant's key (0: not counted per token). On SESS_OK *@out is the reserved
 * session, invisible until committed.
 */
enum sess_refusal sessmgr_reserve(struct sessmgr *m, enum sess_role role, const char *stream,
		uint64_t token_key, uint64_t now_us, struct sess **out);

/*
 * The answer is out: the session is live, the worker gets DPMSG_SESS_ADD
 * with @remote_ufrag and the offer's candidates. A publisher replaces a live
 * one here when session.replace_publisher is set (the old one is closed
 * SESS_CLOSE_replaced).
 */
void sessmgr_commit(struct sessmgr *m, struct sess *s, const char *remote_ufrag,
		const struct sdp_candidate *cands, unsigned n_cands, uint64_t now_us);

/* The offer was refused after sessmgr_reserve(): release everything. */
void sessmgr_cancel(struct sessmgr *m, struct sess *s);

/* The live session with id @id (SESS_ID_LEN hex), or NULL. */
struct sess *sessmgr_find(struct sessmgr *m, const char *id);
/* The live session at table index @idx, or NULL. */
struct sess *sessmgr_at(struct sessmgr *m, uint32_t idx);

/*
 * Is there room for @n more commands that are not DELs (candidates, a
 * restart), the DEL of every session kept in reserve? For all-or-nothing
 * requests: check before queueing the first.
 */
int sessmgr_cmd_can(const struct sessmgr *m, uint32_t n);

/* Trickled candidates (PATCH): 0, or -1 when the command queue is full. */
int sessmgr_add_candidate(struct sessmgr *m, struct sess *s, const struct sdp_candidate *c);

/*
 * ICE restart (PATCH with new remote credentials): new label, pwd and ETag;
 * the worker answers under both until a pair is nominated under the new.
 * 0, or -1 when the command queue is full or credentials cannot be minted
 * (then nothing changed).
 */
int sessmgr_restart(struct sessmgr *m, struct sess *s, const char *remote_ufrag, uint64_t now_us);

/* DTLS is done: the worker gets the SRTP keys (DPMSG_SESS_SRTP). 0, or -1 if the queue is full. */
int sessmgr_set_srtp(struct sessmgr *m, struct sess *s, const struct dtls_srtp_keys *k);

/* End a live session: DPMSG_SESS_DEL, slot and index freed, counted by @reason. */
void sessmgr_close(struct sessmgr *m, struct sess *s, enum sess_close_reason reason, uint64_t now_us);

/* Apply one worker event. */
void sessmgr_handle_event(struct sessmgr *m, const struct dpmsg_event *ev, uint64_t now_us);
/* Setup and idle timeouts; call every control tick. */
void sessmgr_handle_timeout(struct sessmgr *m, uint64_t now_us);

/* The oldest command not yet delivered and its worker: 1, or 0 when none. */
int sessmgr_peek_cmd(const struct sessmgr *m, const struct dpmsg_cmd **cmd, uint16_t *worker);
/* It was delivered. */
void sessmgr_pop_cmd(struct sessmgr *m);
/* Commands waiting. */
uint32_t sessmgr_cmd_backlog(const struct sessmgr *m);

/* The stream called @name, or NULL. */
const struct sess_stream *sessmgr_stream(const struct sessmgr *m, const char *name);

const char *sess_role_name(enum sess_role r);
const char *sess_state_name(enum sess_state s);
const char *sess_close_reason_name(enum sess_close_reason r);
int sess_refusal_http(enum sess_refusal e);
const char *sess_refusal_text(enum sess_refusal e);
const char *sess_refusal_name(enum sess_refusal e);

#endif
