/* The control lcore's loop and what it owns (see control.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>

#include <openssl/crypto.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "auth.h"
#include "command.h"
#include "control.h"
#include "dtls.h"
#include "event.h"
#include "event_bus.h"
#include "flowsteer.h"
#include "httpd.h"
#include "log.h"
#include "kernels.h"
#include "pipeline.h"
#include "pipeline_event.h"
#include "playout.h"
#include "stt.h"
#include "tts.h"
#include "ratelimit.h"
#include "rest.h"
#include "redis_link.h"
#include "rtcedge_version.h"
#include "session.h"
#include "sse.h"
#include "srtp.h"
#include "whip.h"

#define TICK_MS 10             /* longest wait for HTTP before the loop's other work */
#define LINK_CHECK_US 100000   /* link state */
#define NODE_REFRESH_US 1000000 /* per-worker rates of the REST node view */
#define HTTP_TIMEOUT_S 30
#define SSE_BACKLOG 4096 /* events an SSE client can catch up on (Last-Event-ID) */
#define TTS_JOBS 32      /* say/play jobs waiting for the render thread */
#define PLAYOUT_CLIPS 8  /* clips queued per session */

struct control {
	const struct rtc_config *cfg;
	struct dp *dp;
	const struct port_state *ps;
	struct ufrag_key key;
	struct dtls_cert *cert;
	struct sessmgr sm;
	struct auth auth;
	struct ratelimit *rl;
	struct whip whip;
	struct rest rest;
	struct rest_node node;
	struct httpd *http;
	struct httpd *restd;
	int epfd;
	uint64_t start_us;
	uint64_t next_link_us;
	uint64_t next_node_us;
	uint64_t last_node_us;
	uint64_t last_print_us;
	struct rtc_stats *prev; /* per worker, at the last node refresh */
	struct rtc_stats *prev_print;
	char node_name[32];
	struct event_bus *bus;
	struct sse_feed *feed;
	uint64_t feed_woken; /* the feed's last id when the streams were last woken */
	uint64_t next_keepalive_us;
	struct redis_link *redis;
	int redis_fd;
	char redis_tag; /* its address marks the Redis fd in the epoll set */
	/* DTLS of the sessions (the handshakes run here, RFC 5764), by session index */
	struct dtls_conn **dtls;
	const struct srtp_backend *srtp_be;
	struct {
		uint64_t up, down, down_full, no_mbuf, stale, connected, failed, closed;
	} dctr;
	/* the AI path (ai.enabled): the media pipeline on its own thread, the workers' taps */
	struct media_pipeline *mp;
	char jsgf[4096];
	struct media_tap_ring *taps[WORKER_MAX];
	uint64_t ai_events_lost;
	struct media_pipeline_settings ai_defaults;
	struct media_pipeline_settings *ai_set; /* per session index: what 'set' changed */
	uint8_t *ai_set_on;
	/* injected audio (session.voice = agent): the render thread, the playout */
	struct tts_queue *tts;
	struct playout *po;
	uint32_t *play_gen; /* per session index, bumped at close: a late clip is for nobody */
	struct {
		uint64_t rendered, failed, stale, down_full, no_mbuf;
	} tctr;
	struct flowsteer steer; /* rte_flow rules of sessions' pairs (where the port has them) */
};

static uint64_t
control_now_us(void)
{
	return rtc_now_us();
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
last_rx(void *ctx, uint16_t worker, uint32_t slot)
{
	const struct control *c = ctx;
	const struct worker *w = &c->dp->workers[worker];

	return slot < w->sess.cap ? w->sess.s[slot].last_rx_us : 0;
}

static void
sess_stats(void *ctx, const struct sess *s, struct rest_sess_stats *out)
{
	const struct control *c = ctx;
	const struct worker *w = &c->dp->workers[s->worker];
	const struct wsess *ws;

	memset(out, 0, sizeof(*out));
	/* the AI and voice features the session has (-1: not on this node) */
	out->export_port = s->export_audio ? (int32_t)(c->cfg->export_port_base + s->idx) : -1;
	out->playout_pending = c->po != NULL && s->role == SESS_ROLE_WHIP
				       ? (int32_t)playout_pending(c->po, s->idx)
				       : -1;
	out->stt = -1;
	if (c->mp != NULL && s->role == SESS_ROLE_WHIP) {
		const struct media_pipeline_settings *st =
				c->ai_set_on[s->idx] ? &c->ai_set[s->idx] : &c->ai_defaults;
		out->stt = (int8_t)(st->stt && c->cfg->ai_stt != CONFIG_AI_STT_OFF);
		out->stt_model = c->cfg->ai_stt == CONFIG_AI_STT_LM ||
						 (c->cfg->ai_stt == CONFIG_AI_STT_BOTH && st->model == 1)
					 ? "lm"
					 : "grammar";
	}
	if (s->slot >= w->sess.cap)
		return;
	ws = &w->sess.s[s->slot];
	out->rx_packets = ws->rx_packets;
	out->rx_bytes = ws->rx_bytes;
	out->tx_packets = ws->tx_packets;
	out->tx_bytes = ws->tx_bytes;
	out->last_rx_us = ws->last_rx_us;
	out->stun_answered = ws->ice.stats[ICE_STAT_ANSWERED];
	for (unsigned k = 1; k < ICE_DROP_MAX; k++) {
		out->stun_dropped += ws->ice.drops[k];
		out->ice_drops[k] = ws->ice.drops[k];
	}
	for (unsigned k = 0; k < 2; k++) {
		out->rx_valid[k] = ws->rx_on[k];
		out->rx_packets_kind[k] = ws->rx_pkts[k];
		out->rx_bytes_kind[k] = ws->rx_kind_bytes[k];
		out->tx_packets_kind[k] = ws->tx_pkts[k];
		out->tx_bytes_kind[k] = ws->tx_kind_bytes[k];
		out->rtt_ms[k] = ws->rtt_us[k] ? (double)ws->rtt_us[k] / 1000.0 : -1.0;
		if (ws->rx_on[k]) {
			out->rx_lost[k] = rtp_stats_lost(&ws->rx_stats[k]);
			out->rx_jitter_ms[k] = ws->clock[k] ? 1000.0 * rtp_stats_jitter(&ws->rx_stats[k]) /
									    ws->clock[k]
							    : 0;
		}
	}
	out->srtp_fail = ws->media.srtp_fail;
	out->dtls_rx = ws->media.dtls_rx;
	out->dtls_tx = ws->media.dtls_tx;
}

static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void dtls_send(struct control *c, const struct sess *s, const uint8_t *buf, size_t len);
static int down_send(struct control *c, const struct sess *s, const uint8_t *buf, size_t len,
		uint8_t kind, int marker, uint32_t ts);

/* A STUN address as a flow's 16 octets (IPv4-mapped for IPv4). */
static void
addr16(const struct stun_addr *a, uint8_t out[16])
{
	static const uint8_t v4[12] = {[10] = 0xff, [11] = 0xff};

	if (a->family == 4) {
		memcpy(out, v4, 12);
		memcpy(out + 12, a->addr, 4);
	} else {
		memcpy(out, a->addr, 16);
	}
}

/* rte_flow (flowsteer.h): a session's selected pair to its worker's RX queue, or no more. */
static void
steer_session(struct control *c, int what, const struct sess *s)
{
	struct pkt_flow f;
	int rxq;

	if (!c->steer.on || c->dp == NULL)
		return;
	if (what == SESS_NOTE_CLOSED || !s->has_pair) {
		flowsteer_del(&c->steer, s->idx);
		return;
	}
	rxq = c->dp->workers[s->worker].rxq;
	if (rxq < 0 || s->pair_remote.family != s->pair_local.family)
		return; /* fed by the software hand-off: no queue of its own */
	memset(&f, 0, sizeof(f));
	f.family = s->pair_remote.family;
	addr16(&s->pair_remote, f.raddr);
	addr16(&s->pair_local, f.laddr);
	f.rport = rte_cpu_to_be_16(s->pair_remote.port);
	f.lport = rte_cpu_to_be_16(s->pair_local.port);
	flowsteer_set(&c->steer, s->idx, &f, (uint16_t)rxq);
}

/* Session lifecycle -> events (SSE, Redis); the end of a session's DTLS. */
static void
session_note(void *ctx, int what, const struct sess *s, enum sess_close_reason reason)
{
	struct control *c = ctx;
	struct event ev;
	enum event_type t = what == SESS_NOTE_CREATED	  ? EVENT_SESSION_CREATED
			    : what == SESS_NOTE_CONNECTED ? EVENT_SESSION_CONNECTED
							  : EVENT_SESSION_CLOSED;

	/* the transceiver export's directory: which worker and slot own the session's port
	 * (written before its ADD reaches the worker, cleared with its DEL) */
	if (s->export_audio && c->dp != NULL && c->dp->exp_owner != NULL &&
			s->idx < c->dp->nif.export_count) {
		if (what == SESS_NOTE_CREATED)
			c->dp->exp_owner[s->idx] = export_owner_make(s->worker, s->slot);
		else if (what == SESS_NOTE_CLOSED)
			c->dp->exp_owner[s->idx] = 0;
	}
	if (what == SESS_NOTE_PAIR || what == SESS_NOTE_CLOSED)
		steer_session(c, what, s);
	if (what == SESS_NOTE_PAIR)
		return; /* no event: session.connected told the first */
	if (what == SESS_NOTE_CLOSED && c->mp != NULL) {
		media_pipeline_close_session(c->mp, s->idx); /* its speech ends, its stream goes */
		c->ai_set_on[s->idx] = 0;
	}
	if (what == SESS_NOTE_CLOSED && c->po != NULL) {
		playout_close(c->po, s->idx, NULL); /* no playout.end: session.closed says it */
		c->play_gen[s->idx]++;             /* a clip still being rendered is for nobody */
	}
	if (what == SESS_NOTE_CLOSED && c->dtls != NULL && c->dtls[s->idx] != NULL) {
		struct dtls_conn *d = c->dtls[s->idx];
		/* we end it: close_notify (RFC 5246 §7.2.1) tells the client at once (RFC 9725
		 * §4.2: the server revokes consent); it reaches the worker before the DEL
		 * (commands are flushed after this, and the worker sends DTLS first) */
		if (reason != SESS_CLOSE_dtls_closed && reason != SESS_CLOSE_dtls_failed &&
				dtls_conn_state(d) == DTLS_STATE_CONNECTED) {
			uint8_t buf[DTLS_DGRAM_MAX];
			int n;
			dtls_conn_close(d, control_now_us());
			while ((n = dtls_conn_poll_transmit(d, buf, sizeof(buf))) > 0)
				dtls_send(c, s, buf, (size_t)n);
		}
		dtls_conn_free(d);
		c->dtls[s->idx] = NULL;
	}
	if (c->bus == NULL)
		return;
	if (event_init_session(&ev, t, s->id, s->stream,
			    t == EVENT_SESSION_CLOSED ? sess_close_reason_name(reason) : NULL) == 0)
		event_bus_publish(c->bus, &ev, wall_ms());
}

/* ---- injected audio (say, play) ---- */

static int
playout_send(void *ctx, uint32_t idx, const uint8_t *pkt, uint16_t len, int marker, uint32_t ts)
{
	struct control *c = ctx;
	const struct sess *s = sessmgr_at(&c->sm, idx);
	int rc;

	if (s == NULL)
		return 0; /* closing: playout_stop() follows */
	if (!s->srtp_ready)
		return -EAGAIN; /* asked before DTLS was done: it waits */
	rc = down_send(c, s, pkt, len, DPMSG_DGRAM_AUDIO, marker, ts);
	if (rc == -ENOMEM)
		c->tctr.no_mbuf++;
	else if (rc != 0)
		c->tctr.down_full++;
	return 0;
}

static void
playout_clip(void *ctx, uint32_t idx, uint64_t tag, int start, int done)
{
	struct control *c = ctx;
	const struct sess *s = sessmgr_at(&c->sm, idx);
	struct event ev;

	(void)tag;
	if (s == NULL || c->bus == NULL)
		return;
	if (event_init_session(&ev, start ? EVENT_PLAYOUT_START : EVENT_PLAYOUT_END, s->id,
			    s->stream, start ? NULL : done ? "done" : "stopped") == 0)
		event_bus_publish(c->bus, &ev, wall_ms());
}

static const struct playout_ops *
playout_ops_of(struct control *c)
{
	static struct playout_ops ops = {.send = playout_send, .clip = playout_clip};

	ops.ctx = c;
	return &ops;
}

/* An asynchronous failure of a say/play (a render or a file): a command.error event. */
static void
command_failed(struct control *c, const struct sess *s, const char *what, const char *why)
{
	struct event ev;
	char line[160];

	snprintf(line, sizeof(line), "%s: %s", what, why);
	if (c->bus != NULL && event_init_command_error(&ev, "", s ? s->id : "", line) == 0)
		event_bus_publish(c->bus, &ev, wall_ms());
	RTC_LOG(NOTICE, "session %s: %s", s ? s->id : "?", line);
}

/* Rendered clips -> the sessions' playout (the ones still there). */
static void
tts_poll(struct control *c, uint64_t now_us)
{
	uint64_t tag;
	struct tts_clip *clip;
	int err;

	while (c->tts != NULL && tts_queue_poll(c->tts, &tag, &clip, &err)) {
		uint32_t idx = (uint32_t)tag, gen = (uint32_t)(tag >> 32);
		const struct sess *s = sessmgr_at(&c->sm, idx);
		uint32_t ts0;
		if (s == NULL || c->play_gen[idx] != gen) {
			c->tctr.stale++;
			tts_clip_free(clip);
			continue;
		}
		if (clip == NULL) {
			c->tctr.failed++;
			command_failed(c, s, "say/play", tts_strerror(err));
			continue;
		}
		c->tctr.rendered++;
		if (getrandom(&ts0, sizeof(ts0), 0) != sizeof(ts0))
			ts0 = (uint32_t)now_us;
		if (playout_add(c->po, idx, clip, ts0, now_us) == -ENOBUFS)
			command_failed(c, s, "say/play", "the session's playout queue is full");
	}
}

/* The media pipeline settings a 'set' makes of @cmd over what @s had. */
static int
ai_set(struct control *c, const struct sess *s, const struct command *cmd, char *err,
		size_t errlen)
{
	struct media_pipeline_settings st = c->ai_set_on[s->idx] ? c->ai_set[s->idx]
								 : c->ai_defaults;
	static const char *const stt_names[] = {"off", "grammar", "lm", "both"};
	uint32_t mode = c->cfg->ai_stt;
	int rc;

	if (cmd->u.set.has_model) {
		/* the models this node loaded (ai.stt): 'grammar', 'lm', or both (the LM second) */
		if (strcmp(cmd->u.set.model, "grammar") == 0 &&
				(mode == CONFIG_AI_STT_GRAMMAR || mode == CONFIG_AI_STT_BOTH)) {
			st.model = 0;
		} else if (strcmp(cmd->u.set.model, "lm") == 0 &&
				(mode == CONFIG_AI_STT_LM || mode == CONFIG_AI_STT_BOTH)) {
			st.model = mode == CONFIG_AI_STT_BOTH ? 1 : 0;
		} else {
			snprintf(err, errlen, "set: model: '%s' is not loaded on this node (ai.stt = %s)",
					cmd->u.set.model, stt_names[mode < 4 ? mode : 0]);
			return 409;
		}
	}
	if (cmd->u.set.has_stt && cmd->u.set.stt && c->cfg->ai_stt == CONFIG_AI_STT_OFF) {
		snprintf(err, errlen, "set: stt: speech-to-text is off on this node (ai.stt = off)");
		return 409;
	}
	if (cmd->u.set.has_vad) /* 0..100, higher = more sensitive = a lower margin */
		st.vad_margin_db = KERNELS_VAD_MARGIN_MAX -
				   (KERNELS_VAD_MARGIN_MAX - KERNELS_VAD_MARGIN_MIN) *
						   (float)cmd->u.set.vad_sensitivity / 100.0f;
	if (cmd->u.set.has_stt)
		st.stt = (uint8_t)cmd->u.set.stt;
	rc = media_pipeline_set(c->mp, s->idx, &st);
	if (rc != 0) {
		snprintf(err, errlen, "set: the media pipeline is busy, try again");
		return 503;
	}
	c->ai_set[s->idx] = st;
	c->ai_set_on[s->idx] = 1;
	return 0;
}

/* The file of a play command under ai.media_dir (the parser refused "..", "//", "/x"). */
static int
play_path(struct control *c, const struct command *cmd, char *path, size_t cap, char *err,
		size_t errlen)
{
	if (c->cfg->ai_media_dir[0] == '\0') {
		snprintf(err, errlen, "play: ai.media_dir is not set on this node");
		return 409;
	}
	if ((size_t)snprintf(path, cap, "%s/%s", c->cfg->ai_media_dir, cmd->u.play.file) >= cap) {
		snprintf(err, errlen, "play: file: the path is too long");
		return 422;
	}
	return 0;
}

/* A WHIP session whose audio is sendrecv: we have an SSRC to send on. */
static int
voice_session(const struct sess *s)
{
	if (s->role != SESS_ROLE_WHIP)
		return 0;
	for (unsigned i = 0; i < s->n_tracks; i++)
		if (s->tracks[i].kind == SDP_KIND_AUDIO && s->tracks[i].local_ssrc != 0)
			return 1;
	return 0;
}

/*
 * An orchestrator command (Redis or POST /v1/commands): 0, or an HTTP status
 * with the reason. say and play are queued (rendered on their own thread, then
 * played out); a render that fails later is a command.error event.
 */
static int
apply_command(struct control *c, const struct command *cmd, char *err, size_t errlen)
{
	struct sess *s = sessmgr_find(&c->sm, cmd->session);
	char path[TTS_PATH_MAX];
	uint64_t tag;
	int rc;

	if (s == NULL) {
		snprintf(err, errlen, "no such session");
		return 404;
	}
	switch (cmd->type) {
	case COMMAND_END:
		sessmgr_close(&c->sm, s, SESS_CLOSE_command, control_now_us());
		return 0;
	case COMMAND_SET:
		if (c->mp == NULL) {
			snprintf(err, errlen, "set: the AI path is off on this node (ai.enabled)");
			return 409;
		}
		return ai_set(c, s, cmd, err, errlen);
	case COMMAND_SAY:
	case COMMAND_PLAY:
	case COMMAND_STOP:
		break;
	default:
		snprintf(err, errlen, "unknown command");
		return 400;
	}
	if (c->tts == NULL) {
		snprintf(err, errlen, "%s: no voice sessions on this node (session.voice is not agent)",
				command_type_name(cmd->type));
		return 409;
	}
	if (!voice_session(s)) {
		snprintf(err, errlen, "%s: the session does not receive audio (not a sendrecv voice "
				      "session)", command_type_name(cmd->type));
		return 409;
	}
	if (cmd->type == COMMAND_STOP) {
		/* barge-in: what plays ends now (playout.end 'stopped'), the queue is dropped, and
		 * clips still being rendered are for nobody */
		playout_stop(c->po, s->idx, playout_ops_of(c));
		c->play_gen[s->idx]++;
		return 0;
	}
	tag = (uint64_t)c->play_gen[s->idx] << 32 | s->idx;
	if (cmd->type == COMMAND_PLAY) {
		rc = play_path(c, cmd, path, sizeof(path), err, errlen);
		if (rc != 0)
			return rc;
		rc = tts_queue_play(c->tts, tag, path);
	} else {
		rc = tts_queue_say(c->tts, tag, cmd->u.say.text, cmd->u.say.voice);
	}
	if (rc == -ENOBUFS) {
		snprintf(err, errlen, "%s: the render queue is full, try again",
				command_type_name(cmd->type));
		return 503;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", command_type_name(cmd->type), tts_strerror(rc));
		return 422;
	}
	return 0;
}

static int
rest_command(void *ctx, const struct command *cmd, char *err, size_t errlen)
{
	return apply_command(ctx, cmd, err, errlen);
}

static int
redis_command(void *arg, const struct command *cmd, const char *entry_id, char *err, size_t errlen)
{
	(void)entry_id;
	return apply_command(arg, cmd, err, errlen) == 0 ? 0 : -1;
}

static uint64_t
events_last_id(void *ctx)
{
	const struct control *c = ctx;

	return sse_feed_last_id(c->feed);
}

/* SSE: whole messages after *cursor, as many as fit. */
static size_t
events_read(void *ctx, uint64_t *cursor, char *buf, size_t max)
{
	const struct control *c = ctx;
	size_t n = 0;

	for (;;) {
		uint64_t cur = *cursor, missed = 0;
		const char *msg;
		size_t len;
		char note[64];
		int k = 0;
		if (!sse_feed_next(c->feed, &cur, &msg, &len, &missed))
			break;
		if (missed != 0) /* the client fell behind the backlog: say so, as a comment */
			k = snprintf(note, sizeof(note), ": missed %llu events\n\n",
					(unsigned long long)missed);
		if (n + (size_t)k + len > max)
			break;
		memcpy(buf + n, note, (size_t)k);
		memcpy(buf + n + (size_t)k, msg, len);
		n += (size_t)k + len;
		*cursor = cur;
	}
	return n;
}

static void
redis_watch(void *arg, int fd, unsigned events)
{
	struct control *c = arg;
	struct epoll_event ev = {.events = ((events & POLLIN) ? EPOLLIN : 0u) |
					   ((events & POLLOUT) ? EPOLLOUT : 0u),
			.data.ptr = &c->redis_tag};

	if (events == 0) {
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
		if (c->redis_fd == fd)
			c->redis_fd = -1;
		return;
	}
	if (epoll_ctl(c->epfd, c->redis_fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0 &&
			errno == EEXIST)
		epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev);
	c->redis_fd = fd;
}

static void
redis_log(void *arg, const char *msg)
{
	(void)arg;
	RTC_LOG(NOTICE, "redis: %s", msg);
}

static void
metrics_extra(void *ctx, struct http_resp *r)
{
	const struct control *c = ctx;
	struct redis_link_stats st;

	http_resp_printf(r, "# HELP rtcedge_dtls_total DTLS on the control lcore: datagrams up/down, "
			    "handshakes by outcome, datagrams lost (down ring full, no mbuf, stale)\n"
			    "# TYPE rtcedge_dtls_total counter\n"
			    "rtcedge_dtls_total{what=\"datagrams_up\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"datagrams_down\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"connected\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"failed\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"closed\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"down_full\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"no_mbuf\"} %" PRIu64 "\n"
			    "rtcedge_dtls_total{what=\"stale\"} %" PRIu64 "\n",
			c->dctr.up, c->dctr.down, c->dctr.connected, c->dctr.failed, c->dctr.closed,
			c->dctr.down_full, c->dctr.no_mbuf, c->dctr.stale);
	if (c->mp != NULL) {
		uint64_t v[MEDIA_PIPE_C_MAX];
		media_pipeline_stats(c->mp, v);
		http_resp_printf(r, "# HELP rtcedge_media_pipeline media pipeline counters and gauges "
				    "(media/pipeline.h)\n# TYPE rtcedge_media_pipeline untyped\n");
		for (unsigned k = 0; k < MEDIA_PIPE_C_MAX; k++)
			http_resp_printf(r, "rtcedge_media_pipeline{name=\"%s\"} %" PRIu64 "\n",
					media_pipeline_counter_name(k), v[k]);
	}
	http_resp_printf(r, "# HELP rtcedge_flow_rules_total rte_flow rules of sessions' pairs "
			    "(flowsteer.h; 0 when the port has none)\n"
			    "# TYPE rtcedge_flow_rules_total counter\n"
			    "rtcedge_flow_rules_total{what=\"installed\"} %" PRIu64 "\n"
			    "rtcedge_flow_rules_total{what=\"removed\"} %" PRIu64 "\n"
			    "rtcedge_flow_rules_total{what=\"failed\"} %" PRIu64 "\n"
			    "# HELP rtcedge_flow_steering 1 when the port takes our rules\n"
			    "# TYPE rtcedge_flow_steering gauge\nrtcedge_flow_steering %d\n",
			c->steer.installed, c->steer.removed, c->steer.failed, c->steer.on);
	http_resp_printf(r, "# HELP rtcedge_sse_clients open Server-Sent Events streams\n"
			    "# TYPE rtcedge_sse_clients gauge\nrtcedge_sse_clients %u\n",
			c->restd ? httpd_streams(c->restd) : 0);
	if (c->redis == NULL)
		return;
	redis_link_stats_get(c->redis, &st);
#define _(name, help)                                                                              \
	http_resp_printf(r, "# HELP rtcedge_redis_" #name "_total " help "\n"                      \
			    "# TYPE rtcedge_redis_" #name "_total counter\n"                        \
			    "rtcedge_redis_" #name "_total %" PRIu64 "\n",                           \
			st.name);
#include "redis_link_stats.inc"
#undef _
	http_resp_printf(r, "# HELP rtcedge_redis_buffered events held for Redis\n"
			    "# TYPE rtcedge_redis_buffered gauge\nrtcedge_redis_buffered %" PRIu64 "\n"
			    "# HELP rtcedge_redis_ready 1 when the Redis link is up\n"
			    "# TYPE rtcedge_redis_ready gauge\nrtcedge_redis_ready %" PRIu64 "\n",
			st.buffered, st.ready);
}

/* ai.enabled: the media pipeline, its grammar, one tap ring per worker. 0 or -1 with @err. */
static int
ai_init(struct control *c, uint16_t n_workers, const struct kernels_backend *kb, char *err,
		size_t errlen)
{
	const struct rtc_config *cfg = c->cfg;
	struct media_pipeline_config pc;
	char buf[sizeof(cfg->ai_phrases)];
	const char *phrases[64], *list = cfg->ai_phrases[0] ? cfg->ai_phrases : NULL, *it;
	size_t n = 0, len, used = 0;
	int rc;

	media_pipeline_config_default(&pc);
	pc.n_rings = n_workers;
	pc.max_streams = cfg->session_max < MEDIA_PIPE_STREAMS_MAX ? cfg->session_max
								   : MEDIA_PIPE_STREAMS_MAX;
	pc.stt_enable = cfg->ai_stt != CONFIG_AI_STT_OFF;
	pc.stt.workers = cfg->ai_threads;
	pc.stt.mode = cfg->ai_stt == CONFIG_AI_STT_LM ? STT_MODE_LM : STT_MODE_JSGF;
	if (cfg->ai_stt == CONFIG_AI_STT_BOTH) {
		/* the LM as the second engine, which 'set model lm' gives a session */
		pc.stt_alt = pc.stt;
		pc.stt_alt.mode = STT_MODE_LM;
		pc.stt_alt_enable = 1;
	}
	if (cfg->ai_stt == CONFIG_AI_STT_GRAMMAR || cfg->ai_stt == CONFIG_AI_STT_BOTH) {
		while (http_list_next(&list, &it, &len) && n < 64) {
			if (len == 0)
				continue;
			memcpy(buf + used, it, len);
			buf[used + len] = '\0';
			phrases[n++] = buf + used;
			used += len + 1;
		}
		if (n == 0 || stt_jsgf_from_phrases(phrases, n, c->jsgf, sizeof(c->jsgf)) < 0) {
			snprintf(err, errlen, "ai.phrases: no usable phrase for a grammar");
			return -1;
		}
		pc.stt.jsgf = c->jsgf;
	}
	c->ai_defaults = pc.defaults;
	c->ai_set = calloc(cfg->session_max, sizeof(*c->ai_set));
	c->ai_set_on = calloc(cfg->session_max, sizeof(*c->ai_set_on));
	if (c->ai_set == NULL || c->ai_set_on == NULL) {
		snprintf(err, errlen, "out of memory (AI settings)");
		return -1;
	}
	rc = media_pipeline_create(&pc, kb, &c->mp);
	if (rc != 0) {
		snprintf(err, errlen, "ai: the media pipeline: %s", strerror(-rc));
		return -1;
	}
	for (uint16_t i = 0; i < n_workers; i++)
		c->taps[i] = media_pipeline_tap_ring(c->mp, i);
	RTC_LOG(NOTICE, "ai: media pipeline for %u streams, speech-to-text %s", pc.max_streams,
			cfg->ai_stt == CONFIG_AI_STT_OFF    ? "off"
			: cfg->ai_stt == CONFIG_AI_STT_LM   ? "on (language model)"
			: cfg->ai_stt == CONFIG_AI_STT_BOTH ? "on (grammar of ai.phrases; the language "
							      "model for sessions that ask)"
							    : "on (grammar of ai.phrases)");
	return 0;
}

/* Speech and transcript events of the media pipeline -> the bus, under the session's names. */
static void
ai_events(struct control *c)
{
	struct media_pipeline_event me;

	while (c->mp != NULL && media_pipeline_poll_event(c->mp, &me)) {
		const struct sess *s = sessmgr_at(&c->sm, me.session);
		struct event ev;
		if (s == NULL || media_pipeline_event_to_event(&me, s->id, s->stream, &ev) != 0) {
			c->ai_events_lost++;
			continue;
		}
		event_bus_publish(c->bus, &ev, wall_ms());
	}
}

int
control_init(struct control **out, const struct rtc_config *cfg, uint16_t n_workers,
		const struct kernels_backend *kb, char *err, size_t errlen, int *is_config)
{
	struct control *c = calloc(1, sizeof(*c));
	struct sessmgr_config sc = {0};
	uint8_t secret[32];
	const void *sec;
	size_t seclen;
	char why[256];

	*is_config = 0;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->cfg = cfg;
	c->epfd = -1;
	c->redis_fd = -1;
	snprintf(c->node_name, sizeof(c->node_name), "rtcedge-%u", cfg->node_id);
	c->bus = event_bus_create(c->node_name);
	c->feed = sse_feed_create(SSE_BACKLOG);
	if (c->bus == NULL || c->feed == NULL ||
			event_bus_sink_add(c->bus, &sse_feed_sink_ops, c->feed) != 0) {
		snprintf(err, errlen, "out of memory (event bus)");
		goto fail;
	}
	if (cfg->cluster_secret[0] != '\0') {
		sec = cfg->cluster_secret;
		seclen = strlen(cfg->cluster_secret);
	} else {
		if (getrandom(secret, sizeof(secret), 0) != sizeof(secret)) {
			snprintf(err, errlen, "getrandom: %s", strerror(errno));
			goto fail;
		}
		sec = secret;
		seclen = sizeof(secret);
		RTC_LOG(NOTICE, "cluster.secret is empty: ICE ufrags are signed with a random key "
				"(fine for one node; set it on every node of a cluster)");
	}
	if (ufrag_self_test() != 0 || ufrag_key_init(&c->key, 0, sec, seclen) != 0) {
		snprintf(err, errlen, "ufrag label self-test or key setup failed");
		goto fail;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	if (auth_init(&c->auth, cfg->auth_tokens, cfg->jwt_secret, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s", why);
		*is_config = 1;
		goto fail;
	}
	c->rl = malloc(sizeof(*c->rl));
	if (c->rl == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ratelimit_init(c->rl, cfg->rate_limit, cfg->rate_burst);
	c->cert = dtls_cert_new((int64_t)time(NULL), 0);
	if (c->cert == NULL) {
		snprintf(err, errlen, "cannot create the DTLS certificate (OpenSSL)");
		goto fail;
	}
	sc.max = cfg->session_max;
	sc.max_per_stream = cfg->session_max_per_stream;
	sc.max_per_token = cfg->session_max_per_token;
	sc.setup_timeout_s = cfg->setup_timeout_s;
	sc.idle_timeout_s = cfg->idle_timeout_s;
	sc.replace_publisher = (uint8_t)cfg->replace_publisher;
	sc.whep_no_publisher = (uint8_t)cfg->whep_no_publisher;
	sc.viewers_spread = cfg->viewer_placement == CONFIG_VIEWERS_SPREAD;
	sc.n_workers = n_workers;
	sc.node_id = (uint16_t)cfg->node_id;
	sc.local_priority = (126u << 24) | (65535u << 8) | 255u; /* the answer's first candidate */
	sc.key = &c->key;
	sc.last_rx = last_rx;
	sc.last_rx_ctx = c;
	sc.note = session_note;
	sc.note_ctx = c;
	if (sessmgr_init(&c->sm, &sc, err, errlen) != 0)
		goto fail;
	c->dtls = calloc(cfg->session_max, sizeof(*c->dtls));
	if (c->dtls == NULL) {
		snprintf(err, errlen, "out of memory (DTLS table)");
		goto fail;
	}
	c->srtp_be = srtp_backend_select("ipsec-mb", why, sizeof(why));
	if (c->srtp_be == NULL)
		c->srtp_be = srtp_backend_select("libsrtp", why, sizeof(why));
	RTC_LOG(INFO, "srtp: %s", why);
	if (cfg->ai_enabled && ai_init(c, n_workers, kb, err, errlen) != 0)
		goto fail;
	if (cfg->voice == CONFIG_VOICE_AGENT) {
		c->play_gen = calloc(cfg->session_max, sizeof(*c->play_gen));
		if (c->play_gen == NULL || tts_queue_create(TTS_JOBS, &c->tts) != 0 ||
				playout_create(cfg->session_max, PLAYOUT_CLIPS, &c->po) != 0) {
			snprintf(err, errlen, "out of memory (voice agent: render thread, playout)");
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	control_fini(c);
	return -1;
}

void
control_worker_params(const struct control *c, struct worker_sess_params *sp)
{
	sp->slots = c->sm.workers[0].cap;
	sp->streams = c->cfg->session_max;
	sp->node = (uint16_t)c->cfg->node_id;
	sp->nkeys = 1;
	sp->keys = &c->key;
	sp->srtp_be = c->srtp_be;
	sp->taps = c->mp != NULL ? c->taps : NULL;
}

/* ---- DTLS of the sessions ---- */

/* A datagram to a session's worker: DTLS as it is, or AUDIO (an Opus payload the worker
 * frames as RTP and protects). 0, or -1 when it is lost (counted by the caller's @lost). */
static int
down_send(struct control *c, const struct sess *s, const uint8_t *buf, size_t len, uint8_t kind,
		int marker, uint32_t ts)
{
	struct worker *w = &c->dp->workers[s->worker];
	struct rte_mempool *pool = c->ps->pool[rte_lcore_to_socket_id(w->lcore)];
	struct rte_mbuf *m = pool ? rte_pktmbuf_alloc(pool) : NULL;
	struct dpmsg_dgram d;
	char *p;

	if (m == NULL)
		return -ENOMEM;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	/* room before it for the message and, on the worker, RTP and the frame's headers */
	if (p == NULL || rte_pktmbuf_headroom(m) < sizeof(d) + 96) {
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	memcpy(p, buf, len);
	memset(&d, 0, sizeof(d));
	d.version = DPMSG_VERSION;
	d.worker = s->worker;
	d.slot = s->slot;
	d.gen = s->gen;
	d.sess_id = s->idx;
	d.kind = kind;
	d.marker = (uint8_t)(marker != 0);
	d.ts = ts;
	worker_msg_put(m, &d, sizeof(d));
	if (rte_ring_enqueue(w->dtls_down, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

static void
dtls_send(struct control *c, const struct sess *s, const uint8_t *buf, size_t len)
{
	int rc = down_send(c, s, buf, len, DPMSG_DGRAM_DTLS, 0, 0);

	if (rc == -ENOMEM)
		c->dctr.no_mbuf++;
	else if (rc != 0)
		c->dctr.down_full++;
	else
		c->dctr.down++;
}

/* The session's DTLS association, made on first use (as server or client by a=setup). */
static struct dtls_conn *
dtls_get(struct control *c, struct sess *s, uint64_t now_us)
{
	struct dtls_conn *d = c->dtls[s->idx];
	enum dtls_role role = s->dtls_setup == SDP_SETUP_ACTIVE ? DTLS_ROLE_CLIENT : DTLS_ROLE_SERVER;

	if (d != NULL)
		return d;
	if (dtls_conn_new(&d, NULL, c->cert, role, s->remote_fp) != 0) {
		c->dctr.failed++;
		sessmgr_close(&c->sm, s, SESS_CLOSE_dtls_failed, now_us);
		return NULL;
	}
	c->dtls[s->idx] = d;
	dtls_conn_start(d, now_us);
	s->dtls_state = DTLS_STATE_HANDSHAKE;
	return d;
}

/* What the association wants sent, and what it decided. The session may end here. */
static void
dtls_flush(struct control *c, struct sess *s, struct dtls_conn *d, uint64_t now_us)
{
	uint8_t buf[DTLS_DGRAM_MAX];
	struct dtls_event ev;
	int n;

	while ((n = dtls_conn_poll_transmit(d, buf, sizeof(buf))) > 0)
		dtls_send(c, s, buf, (size_t)n);
	while (dtls_conn_poll_event(d, &ev)) {
		switch (ev.type) {
		case DTLS_EV_CONNECTED:
			c->dctr.connected++;
			s->dtls_state = DTLS_STATE_CONNECTED;
			if (sessmgr_set_srtp(&c->sm, s, &ev.keys) != 0) {
				OPENSSL_cleanse(&ev.keys, sizeof(ev.keys));
				sessmgr_close(&c->sm, s, SESS_CLOSE_dataplane, now_us);
				return;
			}
			OPENSSL_cleanse(&ev.keys, sizeof(ev.keys));
			break;
		case DTLS_EV_FAILED:
			c->dctr.failed++;
			RTC_LOG(INFO, "session %s: DTLS failed: %s", s->id,
					dtls_fail_reason_str(ev.reason));
			sessmgr_close(&c->sm, s, SESS_CLOSE_dtls_failed, now_us);
			return; /* d is freed */
		case DTLS_EV_CLOSED:
			c->dctr.closed++;
			sessmgr_close(&c->sm, s, SESS_CLOSE_dtls_closed, now_us);
			return;
		default:
			break;
		}
	}
}

/* DTLS datagrams the workers passed up. */
static void
dtls_pump(struct control *c, uint64_t now_us)
{
	struct rte_mbuf *ms[32];

	for (uint16_t i = 0; i < c->dp->n_workers; i++) {
		unsigned n = rte_ring_dequeue_burst(c->dp->workers[i].dtls_up, (void **)ms, RTE_DIM(ms),
				NULL);
		for (unsigned k = 0; k < n; k++) {
			struct dpmsg_dgram dgram;
			const struct dpmsg_dgram *dg = &dgram;
			struct sess *s;
			worker_msg_get(ms[k], &dgram, sizeof(dgram));
			s = sessmgr_at(&c->sm, dg->sess_id);
			struct dtls_conn *d;
			c->dctr.up++;
			if (s == NULL || s->worker != dg->worker || s->slot != dg->slot ||
					(s->gen != dg->gen && !(s->restarting && s->pending_gen == dg->gen))) {
				c->dctr.stale++;
				rte_pktmbuf_free(ms[k]);
				continue;
			}
			d = dtls_get(c, s, now_us);
			if (d != NULL) {
				dtls_conn_handle_packet(d, now_us, rte_pktmbuf_mtod(ms[k], const uint8_t *),
						rte_pktmbuf_data_len(ms[k]));
				dtls_flush(c, s, d, now_us);
			}
			rte_pktmbuf_free(ms[k]);
		}
	}
}

/* Retransmissions and handshake timeouts. */
static void
dtls_timers(struct control *c, uint64_t now_us)
{
	for (uint32_t i = 0; i < c->sm.cfg.max; i++) {
		struct dtls_conn *d = c->dtls[i];
		struct sess *s;
		if (d == NULL || dtls_conn_poll_timeout(d) > now_us)
			continue;
		s = sessmgr_at(&c->sm, i);
		if (s == NULL)
			continue;
		dtls_conn_handle_timeout(d, now_us);
		dtls_flush(c, s, d, now_us);
	}
}

/* A pair is selected: as DTLS client (the offer was a=setup:passive) we start now. */
static void
dtls_on_selected(struct control *c, struct sess *s, uint64_t now_us)
{
	struct dtls_conn *d;

	if (s->dtls_setup != SDP_SETUP_ACTIVE || c->dtls[s->idx] != NULL)
		return;
	d = dtls_get(c, s, now_us);
	if (d != NULL)
		dtls_flush(c, s, d, now_us);
}

static void
whip_handler(void *ctx, const struct http_req *q, struct http_resp *r)
{
	struct control *c = ctx;

	whip_handle(&c->whip, q, r);
}

static void
whip_done(void *ctx, const struct http_req *q, const struct http_resp *r, uint64_t elapsed_us)
{
	struct control *c = ctx;

	if (q->method == HTTP_POST && r->status == 201)
		metrics_hist_observe(&c->rest.setup, elapsed_us);
}

static void
rest_handler(void *ctx, const struct http_req *q, struct http_resp *r)
{
	struct control *c = ctx;

	rest_handle(&c->rest, q, r);
}

static int
listen_one(struct control *c, const char *name, const char *spec, httpd_handler_fn h,
		httpd_done_fn done, struct httpd **out, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned sl;
	char why[256];
	struct httpd_params p = {0};
	struct epoll_event ev = {.events = EPOLLIN};
	int rc = config_listen_parse(spec, &ss, &sl, why, sizeof(why));

	if (rc == 1)
		return 0; /* off */
	if (rc < 0) {
		snprintf(err, errlen, "%s.listen: %s", name, why);
		return -1;
	}
	p.name = name;
	p.addr = (const struct sockaddr *)&ss;
	p.addrlen = sl;
	p.max_connections = c->cfg->http_max_conn;
	p.max_body = c->cfg->http_max_body;
	p.timeout_s = HTTP_TIMEOUT_S;
	p.handler = h;
	p.done = done;
	p.ctx = c;
	p.now_us = control_now_us;
	if (h == rest_handler)
		p.stream_read = events_read;
	*out = httpd_start(&p, why, sizeof(why));
	if (*out == NULL) {
		snprintf(err, errlen, "%s.listen: %s", name, why);
		return -1;
	}
	ev.data.ptr = *out;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, httpd_fd(*out), &ev) != 0) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	RTC_LOG(NOTICE, "%s listening on %s (port %u)", name, spec, httpd_port(*out));
	return 0;
}

static void
node_refresh(struct control *c, uint64_t now_us)
{
	struct rest_node *n = &c->node;
	double secs = c->last_node_us ? (double)(now_us - c->last_node_us) / 1e6 : 0;

	for (uint16_t i = 0; i < c->dp->n_workers; i++) {
		const struct worker *w = &c->dp->workers[i];
		struct rest_worker *rw = &n->workers[i];
		struct rtc_stats cur = w->stats;
		if (secs > 0) {
			rw->rx_pps = (double)(cur.v[RTC_STAT_rx_packets] -
							 c->prev[i].v[RTC_STAT_rx_packets]) /
				     secs;
			rw->tx_pps = (double)(cur.v[RTC_STAT_tx_packets] -
							 c->prev[i].v[RTC_STAT_tx_packets]) /
				     secs;
		}
		c->prev[i] = cur;
		rw->n_rings = 0;
		rw->rings[rw->n_rings++] = (struct rest_ring){"cmd", rte_ring_count(w->cmd_ring),
				rte_ring_get_capacity(w->cmd_ring)};
		rw->rings[rw->n_rings++] = (struct rest_ring){"event", rte_ring_count(w->ev_ring),
				rte_ring_get_capacity(w->ev_ring)};
		rw->rings[rw->n_rings++] = (struct rest_ring){"handoff",
				rte_ring_count(w->handoff), rte_ring_get_capacity(w->handoff)};
		if (w->txring != NULL)
			rw->rings[rw->n_rings++] = (struct rest_ring){"txring",
					rte_ring_count(w->txring), rte_ring_get_capacity(w->txring)};
	}
	c->last_node_us = now_us;
}

int
control_listen(struct control *c, struct dp *dp, const struct port_state *ps, char *err,
		size_t errlen)
{
	struct dtls_fingerprint dfp;
	struct sdp_fingerprint sfp = {0};

	c->dp = dp;
	c->ps = ps;
	if (flowsteer_init(&c->steer, dp->port_id, ps->n_rxq, c->sm.cfg.max) != 0) {
		snprintf(err, errlen, "out of memory (flow rules)");
		return -1;
	}
	if (c->steer.on)
		RTC_LOG(NOTICE, "rte_flow: each session's pair is steered to its worker's RX queue");
	else
		RTC_LOG(INFO, "rte_flow: off (%s); packets RSS gives another worker are handed "
				"off", c->steer.why);
	c->prev = calloc(dp->n_workers, sizeof(*c->prev));
	c->prev_print = calloc(dp->n_workers, sizeof(*c->prev_print));
	if (c->prev == NULL || c->prev_print == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dtls_cert_fingerprint_raw(c->cert, &dfp);
	sfp.alg = SDP_HASH_SHA256;
	sfp.len = dfp.len;
	memcpy(sfp.bytes, dfp.digest, dfp.len);
	if (whip_init(&c->whip, c->cfg, &c->sm, &c->auth, c->rl, &sfp, err, errlen) != 0)
		return -1;
	c->start_us = control_now_us();
	c->node.version = RTCEDGE_VERSION;
	c->node.port_name = ps->name;
	c->node.port_driver = ps->driver;
	c->node.start_us = c->start_us;
	c->node.n_workers = dp->n_workers;
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		c->node.workers[i].idx = i;
		c->node.workers[i].lcore = dp->workers[i].lcore;
		c->node.workers[i].rxq = dp->workers[i].rxq;
		c->node.workers[i].txq = dp->workers[i].txq;
		c->node.workers[i].stats = &dp->workers[i].stats;
		c->node.workers[i].sessions = &dp->workers[i].sess.n_active;
	}
	node_refresh(c, c->start_us);
	rest_init(&c->rest, &c->sm, &c->whip, c->cfg, &c->node);
	c->rest.sess_stats = sess_stats;
	c->rest.sess_stats_ctx = c;
	c->rest.bus = c->bus;
	c->rest.events_last_id = events_last_id;
	c->rest.command = rest_command;
	c->rest.metrics_extra = metrics_extra;
	c->rest.ctx = c;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		return -1;
	}
	if (listen_one(c, "http", c->cfg->http_listen, whip_handler, whip_done, &c->http, err,
			    errlen) != 0 ||
			listen_one(c, "rest", c->cfg->rest_listen, rest_handler, NULL, &c->restd, err,
					errlen) != 0)
		return -1;
	if (c->cfg->redis_enabled) {
		struct redis_link_params rp = {.node = c->node_name,
				.bus = c->bus,
				.on_command = redis_command,
				.on_watch = redis_watch,
				.on_log = redis_log,
				.arg = c};
		char why[REDIS_LINK_ERR_MAX];
		c->redis = redis_link_create(c->cfg, &rp, why, sizeof(why));
		if (c->redis == NULL) {
			snprintf(err, errlen, "redis: %s", why);
			return -1;
		}
		if (event_bus_sink_add(c->bus, &redis_link_sink_ops, c->redis) != 0) {
			snprintf(err, errlen, "redis: cannot add the event sink");
			return -1;
		}
	}
	if (c->mp != NULL && media_pipeline_thread_start(c->mp, 1000) != 0) {
		snprintf(err, errlen, "ai: cannot start the media pipeline's thread");
		return -1;
	}
	{
		struct event ev;
		if (event_init_node(&ev, "started", RTCEDGE_VERSION) == 0)
			event_bus_publish(c->bus, &ev, wall_ms());
	}
	RTC_LOG(INFO, "DTLS certificate %s", dtls_cert_fingerprint(c->cert));
	return 0;
}

/* Session commands to the workers' rings; what does not fit waits for the next pass. */
static void
flush_commands(struct control *c)
{
	const struct dpmsg_cmd *cmd;
	uint16_t w;

	while (sessmgr_peek_cmd(&c->sm, &cmd, &w)) {
		if (w >= c->dp->n_workers) {
			sessmgr_pop_cmd(&c->sm); /* cannot happen: placement uses n_workers */
			continue;
		}
		if (rte_ring_enqueue_elem(c->dp->workers[w].cmd_ring, (void *)(uintptr_t)cmd, sizeof(*cmd)) != 0)
			break;
		sessmgr_pop_cmd(&c->sm);
	}
}

static void
pump_events(struct control *c, uint64_t now_us)
{
	struct dpmsg_event ev[32];

	for (uint16_t i = 0; i < c->dp->n_workers; i++) {
		unsigned n;
		do {
			n = rte_ring_dequeue_burst_elem(c->dp->workers[i].ev_ring, ev, sizeof(ev[0]),
					RTE_DIM(ev), NULL);
			for (unsigned k = 0; k < n; k++) {
				struct sess *s;
				sessmgr_handle_event(&c->sm, &ev[k], now_us);
				if (ev[k].type == DPMSG_EV_ICE_SELECTED &&
						(s = sessmgr_at(&c->sm, ev[k].sess_id)) != NULL &&
						s->slot == ev[k].slot && s->worker == ev[k].worker)
					dtls_on_selected(c, s, now_us);
			}
		} while (n == RTE_DIM(ev));
	}
}

static void
print_counters(struct control *c, uint64_t now_us)
{
	double secs = (double)(now_us - c->last_print_us) / 1e6;

	printf("[%8.1fs] port %s link %s, sessions %u (%u streams)\n",
			(double)(now_us - c->start_us) / 1e6, c->ps->name,
			c->node.link_up ? "up" : "down", c->sm.n_live, c->sm.n_streams);
	for (uint16_t i = 0; i < c->dp->n_workers; i++) {
		const struct rtc_stats *s = &c->dp->workers[i].stats;
		uint64_t drops = 0;
		printf("  w%u/lcore%u rx %" PRIu64 " (%.0f/s) tx %" PRIu64 " (%.0f/s)", i,
				c->dp->workers[i].lcore, s->v[RTC_STAT_rx_packets],
				(double)(s->v[RTC_STAT_rx_packets] -
						c->prev_print[i].v[RTC_STAT_rx_packets]) /
						secs,
				s->v[RTC_STAT_tx_packets],
				(double)(s->v[RTC_STAT_tx_packets] -
						c->prev_print[i].v[RTC_STAT_tx_packets]) /
						secs);
		for (unsigned k = 0; k < RTC_STAT__COUNT; k++) {
			if (rtc_stats_is_drop((enum rtc_stat)k))
				drops += s->v[k];
			else if (s->v[k] && k > RTC_STAT_tx_bytes && k != RTC_STAT_idle_sleeps)
				printf(" %s %" PRIu64, rtc_stats_name((enum rtc_stat)k), s->v[k]);
		}
		printf(" drops %" PRIu64 "\n", drops);
		c->prev_print[i] = *s;
	}
	fflush(stdout);
	c->last_print_us = now_us;
}

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

void
control_run(struct control *c, volatile sig_atomic_t *stop)
{
	struct epoll_event evs[8];
	int was_up = -1, n_ev;
	int64_t play_wait_us = -1;

	c->last_print_us = c->start_us;
	while (!*stop) {
		int timeout = TICK_MS;
		uint64_t now;

		if (c->http != NULL)
			timeout = min_timeout(timeout, httpd_timeout_ms(c->http));
		if (c->restd != NULL)
			timeout = min_timeout(timeout, httpd_timeout_ms(c->restd));
		if (c->redis != NULL)
			timeout = min_timeout(timeout, redis_link_poll(c->redis, now_ms()));
		if (c->po != NULL && play_wait_us >= 0)
			timeout = min_timeout(timeout, (int)(play_wait_us / 1000));
		n_ev = epoll_wait(c->epfd, evs, RTE_DIM(evs), timeout);
		for (int i = 0; i < n_ev; i++)
			if (evs[i].data.ptr == &c->redis_tag && c->redis != NULL)
				redis_link_handle(c->redis,
						((evs[i].events & EPOLLIN) ? POLLIN : 0u) |
								((evs[i].events & EPOLLOUT) ? POLLOUT : 0u) |
								((evs[i].events & EPOLLERR) ? POLLERR : 0u) |
								((evs[i].events & EPOLLHUP) ? POLLHUP : 0u),
						now_ms());
		now = control_now_us();
		pump_events(c, now); /* first: a request sees the workers' latest news */
		dtls_pump(c, now);
		ai_events(c);
		tts_poll(c, now);
		if (c->http != NULL)
			httpd_run(c->http);
		if (c->restd != NULL)
			httpd_run(c->restd);
		now = control_now_us();
		sessmgr_handle_timeout(&c->sm, now);
		dtls_timers(c, now);
		flush_commands(c);
		if (c->po != NULL)
			play_wait_us = playout_run(c->po, now, playout_ops_of(c));
		if (c->restd != NULL && (sse_feed_last_id(c->feed) != c->feed_woken ||
						now >= c->next_keepalive_us)) {
			httpd_wake_streams(c->restd);
			c->feed_woken = sse_feed_last_id(c->feed);
			if (now >= c->next_keepalive_us)
				c->next_keepalive_us = now + HTTPD_STREAM_KEEPALIVE_US;
		}
		if (now >= c->next_link_us) {
			int up;
			port_link_string(c->ps, c->node.link, sizeof(c->node.link), &up);
			c->node.link_up = up;
			if (up != was_up) {
				RTC_LOG(NOTICE, "port %s: %s", c->ps->name, c->node.link);
				was_up = up;
			}
			c->next_link_us = now + LINK_CHECK_US;
		}
		if (now >= c->next_node_us) {
			node_refresh(c, now);
			c->next_node_us = now + NODE_REFRESH_US;
		}
		if (c->cfg->stats_interval_ms != 0 &&
				now - c->last_print_us >= (uint64_t)c->cfg->stats_interval_ms * 1000)
			print_counters(c, now);
	}
	/* the workers still run: tell them every session is over */
	for (uint32_t i = 0; i < c->sm.cfg.max; i++) {
		struct sess *s = sessmgr_at(&c->sm, i);
		if (s != NULL)
			sessmgr_close(&c->sm, s, SESS_CLOSE_shutdown, control_now_us());
	}
	flush_commands(c);
}

void
control_fini(struct control *c)
{
	if (c == NULL)
		return;
	httpd_stop(c->http);
	httpd_stop(c->restd);
	if (c->mp != NULL) {
		media_pipeline_thread_stop(c->mp); /* the workers are stopped: nothing pushes */
		media_pipeline_destroy(c->mp);
	}
	flowsteer_fini(&c->steer);
	tts_queue_destroy(c->tts);
	if (c->po != NULL)
		playout_destroy(c->po);
	free(c->play_gen);
	free(c->ai_set);
	free(c->ai_set_on);
	if (c->redis != NULL)
		redis_link_destroy(c->redis); /* before the epoll set goes */
	event_bus_destroy(c->bus);
	sse_feed_destroy(c->feed);
	if (c->epfd >= 0)
		close(c->epfd);
	whip_fini(&c->whip);
	if (c->dtls != NULL)
		for (uint32_t i = 0; i < c->sm.cfg.max; i++)
			dtls_conn_free(c->dtls[i]);
	free(c->dtls);
	sessmgr_fini(&c->sm);
	auth_clear(&c->auth);
	if (c->cert != NULL)
		dtls_cert_unref(c->cert);
	ufrag_key_clear(&c->key);
	free(c->rl);
	free(c->prev);
	free(c->prev_print);
	free(c);
}
