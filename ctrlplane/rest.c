/* REST control port and /metrics (see rest.h). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "rest.h"

#define TYPE_JSON "application/json"

void
rest_init(struct rest *rs, struct sessmgr *sm, struct whip *whip, const struct rtc_config *cfg,
		const struct rest_node *node)
{
	memset(rs, 0, sizeof(*rs));
	rs->sm = sm;
	rs->whip = whip;
	rs->cfg = cfg;
	rs->node = node;
	metrics_hist_init(&rs->setup);
}

static void
json_error(struct http_resp *r, int status, const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *s = json_dumps(o, JSON_COMPACT);

	r->status = status;
	http_resp_header(r, "Content-Type", TYPE_JSON);
	if (s != NULL) {
		http_resp_append(r, s, strlen(s));
		http_resp_append(r, "\n", 1);
	}
	free(s);
	json_decref(o);
}

static void
json_reply(struct http_resp *r, int status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (s == NULL) {
		json_decref(o);
		json_error(r, 500, "out of memory");
		return;
	}
	r->status = status;
	http_resp_header(r, "Content-Type", TYPE_JSON);
	http_resp_append(r, s, strlen(s));
	http_resp_append(r, "\n", 1);
	free(s);
	json_decref(o);
}

static json_t *
addr_json(const struct stun_addr *a)
{
	char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), a->family == 4 ? "%s:%u" : "[%s]:%u", ip, a->port);
	return json_string(buf);
}

static json_t *
sess_json(struct rest *rs, const struct sess *s, int detail, uint64_t now_us)
{
	char peer[INET6_ADDRSTRLEN] = "-";
	json_t *o, *tracks, *ice;

	if (s->peer_family)
		inet_ntop(s->peer_family == 4 ? AF_INET : AF_INET6, s->peer, peer, sizeof(peer));
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:f, s:I, s:s}", "id", s->id, "role",
			sess_role_name((enum sess_role)s->role), "stream", s->stream, "state",
			sess_state_name((enum sess_state)s->state), "worker", (int)s->worker, "age_s",
			(double)(now_us - s->created_us) / 1e6, "state_age_s",
			(double)(now_us - s->state_us) / 1e6, "created_unix",
			(json_int_t)s->created_unix, "client", peer);
	if (o == NULL || !detail)
		return o;
	ice = json_pack("{s:s, s:i, s:i, s:b, s:i}", "local_ufrag", s->ufrag, "slot",
			(int)s->slot, "restarts", (int)s->restarts, "restarting", s->restarting,
			"remote_candidates", (int)s->remote_cands);
	if (ice != NULL)
		json_object_set_new(ice, "selected_pair",
				s->has_pair ? json_pack("{s:o, s:o}", "local", addr_json(&s->pair_local),
						      "remote", addr_json(&s->pair_remote))
					    : json_null());
	json_object_set_new(o, "ice", ice);
	{
		static const char *const dtls_states[] = {"new", "handshake", "connected", "failed",
				"closed"};
		json_object_set_new(o, "dtls",
				json_pack("{s:s, s:s, s:s, s:o, s:b}", "setup",
						s->dtls_setup == SDP_SETUP_ACTIVE ? "active" : "passive",
						"state",
						s->dtls_state < 5 ? dtls_states[s->dtls_state] : "?",
						"remote_fingerprint_alg", s->remote_fp_alg,
						"srtp_profile",
						s->srtp_profile ? json_string(dtls_srtp_profile_name(
									  (enum dtls_srtp_profile)
											  s->srtp_profile))
								: json_null(),
						"srtp_ready", s->srtp_ready));
	}
	tracks = json_array();
	for (unsigned i = 0; i < s->n_tracks; i++) {
		const struct sess_track *t = &s->tracks[i];
		json_array_append_new(tracks,
				json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I, s:I}", "kind",
						t->kind == SDP_KIND_AUDIO ? "audio" : "video", "mid",
						t->mid, "codec", t->codec, "payload_type", (int)t->pt,
						"clock_rate", (int)t->clock, "channels",
						(int)t->channels, "direction",
						sdp_dir_name((enum sdp_dir)t->dir), "remote_ssrc",
						(json_int_t)t->remote_ssrc, "local_ssrc",
						(json_int_t)t->local_ssrc));
	}
	json_object_set_new(o, "tracks", tracks);
	if (rs->sess_stats != NULL) {
		struct rest_sess_stats st = {.export_port = -1, .playout_pending = -1, .stt = -1};
		json_t *drops = json_object();
		rs->sess_stats(rs->sess_stats_ctx, s, &st);
		if (st.export_port >= 0)
			json_object_set_new(o, "export_port", json_integer(st.export_port));
		if (st.playout_pending >= 0)
			json_object_set_new(o, "playout_pending", json_integer(st.playout_pending));
		if (st.stt >= 0)
			json_object_set_new(o, "stt",
					json_pack("{s:b, s:s}", "on", st.stt, "model",
							st.stt_model ? st.stt_model : "grammar"));
		/* per track: what arrived (RFC 3550 loss, jitter), what we sent, and the RTT a
		 * viewer's receiver reports give on our sender reports (null before one) */
		for (size_t i = 0; i < json_array_size(tracks); i++) {
			json_t *t = json_array_get(tracks, i);
			unsigned k = s->tracks[i].kind == SDP_KIND_VIDEO ? 1 : 0;
			json_object_set_new(t, "rx",
					json_pack("{s:I, s:I, s:o, s:o}", "packets",
							(json_int_t)st.rx_packets_kind[k], "bytes",
							(json_int_t)st.rx_bytes_kind[k], "lost",
							st.rx_valid[k] ? json_integer(st.rx_lost[k])
								       : json_null(),
							"jitter_ms",
							st.rx_valid[k] ? json_real(st.rx_jitter_ms[k])
								       : json_null()));
			json_object_set_new(t, "tx",
					json_pack("{s:I, s:I}", "packets",
							(json_int_t)st.tx_packets_kind[k], "bytes",
							(json_int_t)st.tx_bytes_kind[k]));
			json_object_set_new(t, "rtt_ms",
					st.rtt_ms[k] >= 0 ? json_real(st.rtt_ms[k]) : json_null());
		}
		for (unsigned k = 1; k < ICE_DROP_MAX; k++)
			if (st.ice_drops[k] != 0)
				json_object_set_new(drops, ice_drop_name((enum ice_drop)k),
						json_integer((json_int_t)st.ice_drops[k]));
		if (ice != NULL)
			json_object_set_new(ice, "drops", drops);
		else
			json_decref(drops);
		json_object_set_new(o, "counters",
				json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "rx_packets",
						(json_int_t)st.rx_packets, "rx_bytes",
						(json_int_t)st.rx_bytes, "tx_packets",
						(json_int_t)st.tx_packets, "tx_bytes",
						(json_int_t)st.tx_bytes, "stun_answered",
						(json_int_t)st.stun_answered, "stun_dropped",
						(json_int_t)st.stun_dropped, "last_rx_age_s",
						st.last_rx_us && now_us >= st.last_rx_us
								? json_real((double)(now_us - st.last_rx_us) / 1e6)
								: json_null()));
	}
	return o;
}

/*
 * Value of query parameter @key ("" if present without value), copied into
 * @out: 0, -1 if absent, -2 if longer than @outlen allows.
 */
static int
query_param(const char *query, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = query;

	while (p != NULL && *p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t vlen = len - klen - 1;
			if (vlen >= outlen)
				return -2;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return -1;
}

/* "drop_eth_not_ours" -> "eth_not_ours": the reason, without the kind */
static const char *
drop_reason(enum rtc_stat k)
{
	const char *n = rtc_stats_name(k);

	return strncmp(n, "drop_", 5) == 0 ? n + 5 : n;
}

static void
get_sessions(struct rest *rs, const struct http_req *q, struct http_resp *r)
{
	char stream[SESS_STREAM_MAX] = "", state[16] = "", role[8] = "";
	json_t *arr = json_array();

	/* a value too long for any stream, state or role is refused, never ignored */
	if (q->query != NULL && (query_param(q->query, "stream", stream, sizeof(stream)) == -2 ||
					query_param(q->query, "state", state, sizeof(state)) == -2 ||
					query_param(q->query, "role", role, sizeof(role)) == -2)) {
		json_decref(arr);
		json_error(r, 400, "filter value too long (stream, state or role)");
		return;
	}
	if (state[0]) {
		int ok = 0;
		for (unsigned k = SESS_STATE_NEW; k < SESS_STATE__COUNT; k++)
			ok |= strcmp(state, sess_state_name((enum sess_state)k)) == 0;
		if (!ok) {
			json_decref(arr);
			json_error(r, 400, "state must be new, checking or connected");
			return;
		}
	}
	if (role[0] && strcmp(role, "whip") != 0 && strcmp(role, "whep") != 0) {
		json_decref(arr);
		json_error(r, 400, "role must be whip or whep");
		return;
	}
	for (uint32_t i = 0; i < rs->sm->cfg.max; i++) {
		const struct sess *s = sessmgr_at(rs->sm, i);
		if (s == NULL || (stream[0] && strcmp(stream, s->stream) != 0) ||
				(state[0] && strcmp(state, sess_state_name((enum sess_state)s->state)) != 0) ||
				(role[0] && strcmp(role, sess_role_name((enum sess_role)s->role)) != 0))
			continue;
		json_array_append_new(arr, sess_json(rs, s, 0, q->now_us));
	}
	json_reply(r, 200, json_pack("{s:i, s:o}", "count", (int)json_array_size(arr), "sessions",
					  arr));
}

static void
get_streams(struct rest *rs, struct http_resp *r)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; i < rs->sm->cfg.max; i++) {
		const struct sess_stream *st = &rs->sm->streams[i];
		const struct sess *pub;
		if (!st->used)
			continue;
		pub = st->publisher >= 0 ? sessmgr_at(rs->sm, (uint32_t)st->publisher) : NULL;
		json_array_append_new(arr,
				json_pack("{s:s, s:o, s:i, s:i}", "name", st->name, "publisher",
						pub ? json_string(pub->id) : json_null(), "sessions",
						(int)st->n_sessions, "viewers",
						(int)(st->n_sessions - (pub ? 1 : 0))));
	}
	json_reply(r, 200, json_pack("{s:i, s:o}", "count", (int)json_array_size(arr), "streams",
					  arr));
}

static json_t *
sessions_summary(const struct sessmgr *sm)
{
	json_t *by_state = json_object(), *closed = json_object(), *refused = json_object();

	for (unsigned k = SESS_STATE_NEW; k < SESS_STATE__COUNT; k++)
		json_object_set_new(by_state, sess_state_name((enum sess_state)k),
				json_integer(sm->by_state[k]));
	for (unsigned k = 0; k < SESS_CLOSE__COUNT; k++)
		json_object_set_new(closed, sess_close_reason_name((enum sess_close_reason)k),
				json_integer((json_int_t)sm->ctr.closed[k]));
	for (unsigned k = 1; k < SESS_E__COUNT; k++)
		json_object_set_new(refused, sess_refusal_name((enum sess_refusal)k),
				json_integer((json_int_t)sm->ctr.refused[k]));
	return json_pack("{s:i, s:i, s:i, s:o, s:I, s:I, s:o, s:o, s:b}", "live", (int)sm->n_live,
			"max", (int)sm->cfg.max, "streams", (int)sm->n_streams, "by_state", by_state,
			"opened_whip", (json_int_t)sm->ctr.opened[0], "opened_whep",
			(json_int_t)sm->ctr.opened[1], "closed", closed, "refused", refused,
			"draining", sm->draining);
}

static void
get_stats(struct rest *rs, struct http_resp *r, uint64_t now_us)
{
	const struct rest_node *n = rs->node;
	json_t *workers = json_array();

	for (uint16_t i = 0; n != NULL && i < n->n_workers; i++) {
		const struct rest_worker *w = &n->workers[i];
		json_t *ctr = json_object(), *drops = json_object(), *rings = json_object();
		for (unsigned k = 0; k < RTC_STAT__COUNT; k++) {
			uint64_t v = w->stats->v[k];
			if (rtc_stats_is_drop((enum rtc_stat)k)) {
				if (v != 0)
					json_object_set_new(drops, drop_reason((enum rtc_stat)k),
							json_integer((json_int_t)v));
			} else {
				json_object_set_new(ctr, rtc_stats_name((enum rtc_stat)k),
						json_integer((json_int_t)v));
			}
		}
		for (unsigned k = 0; k < w->n_rings; k++)
			json_object_set_new(rings, w->rings[k].name,
					json_pack("{s:i, s:i}", "used", (int)w->rings[k].used, "size",
							(int)w->rings[k].size));
		json_array_append_new(workers,
				json_pack("{s:i, s:i, s:i, s:i, s:f, s:f, s:i, s:o, s:o, s:o}", "worker",
						(int)w->idx, "lcore", (int)w->lcore, "rx_queue",
						(int)w->rxq, "tx_queue", (int)w->txq, "rx_pps",
						w->rx_pps, "tx_pps", w->tx_pps, "sessions",
						(int)*(const volatile uint32_t *)w->sessions, "counters",
						ctr, "drops", drops,
						"rings", rings));
	}
	json_reply(r, 200,
			json_pack("{s:f, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "uptime_s",
					n ? (double)(now_us - n->start_us) / 1e6 : 0.0, "workers", workers,
					"sessions", sessions_summary(rs->sm), "http", "requests",
					(json_int_t)rs->whip->ctr.requests, "created",
					(json_int_t)(rs->whip->ctr.created[0] +
							rs->whip->ctr.created[1]),
					"rate_limited", (json_int_t)rs->whip->ctr.rate_limited,
					"auth_refused", (json_int_t)rs->whip->ctr.auth_refused,
					"sdp_refused", (json_int_t)rs->whip->ctr.sdp_refused));
}

static void
get_config(struct rest *rs, struct http_resp *r)
{
	json_t *o = json_object();
	char val[4096];
	const char *name;
	int secret;

	for (size_t i = 0; config_key_at(rs->cfg, i, 0, &name, val, sizeof(val), &secret) == 0; i++)
		json_object_set_new(o, name, json_string(val));
	json_reply(r, 200, o);
}

static void
get_metrics(struct rest *rs, struct http_resp *r)
{
	const struct rest_node *n = rs->node;
	const struct sessmgr *sm = rs->sm;
	const struct whip_counters *wc = &rs->whip->ctr;

	r->status = 200;
	http_resp_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_resp_printf(r, "# HELP rtcedge_up 1 while the control loop serves\n"
			    "# TYPE rtcedge_up gauge\nrtcedge_up 1\n");
	http_resp_printf(r, "# HELP rtcedge_draining 1 while new sessions are refused\n"
			    "# TYPE rtcedge_draining gauge\nrtcedge_draining %d\n",
			sm->draining);
	if (n != NULL) {
		http_resp_printf(r, "# HELP rtcedge_link_up port link state\n"
				    "# TYPE rtcedge_link_up gauge\nrtcedge_link_up %d\n",
				n->link_up);
		http_resp_printf(r, "# HELP rtcedge_worker_counter_total dataplane counters per worker "
				    "(stats.inc)\n# TYPE rtcedge_worker_counter_total counter\n");
		for (uint16_t i = 0; i < n->n_workers; i++)
			for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
				if (!rtc_stats_is_drop((enum rtc_stat)k))
					http_resp_printf(r,
							"rtcedge_worker_counter_total{worker=\"%u\",name=\"%s\"} "
							"%" PRIu64 "\n",
							i, rtc_stats_name((enum rtc_stat)k),
							n->workers[i].stats->v[k]);
		http_resp_printf(r, "# HELP rtcedge_worker_drops_total dropped frames per worker and "
				    "reason\n# TYPE rtcedge_worker_drops_total counter\n");
		for (uint16_t i = 0; i < n->n_workers; i++)
			for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
				if (rtc_stats_is_drop((enum rtc_stat)k))
					http_resp_printf(r,
							"rtcedge_worker_drops_total{worker=\"%u\",reason=\"%s\"} "
							"%" PRIu64 "\n",
							i, drop_reason((enum rtc_stat)k),
							n->workers[i].stats->v[k]);
		http_resp_printf(r, "# HELP rtcedge_worker_packets_per_second packets per second over "
				    "the last interval\n# TYPE rtcedge_worker_packets_per_second gauge\n");
		for (uint16_t i = 0; i < n->n_workers; i++)
			http_resp_printf(r,
					"rtcedge_worker_packets_per_second{worker=\"%u\",dir=\"rx\"} %.1f\n"
					"rtcedge_worker_packets_per_second{worker=\"%u\",dir=\"tx\"} %.1f\n",
					i, n->workers[i].rx_pps, i, n->workers[i].tx_pps);
		http_resp_printf(r, "# HELP rtcedge_ring_used entries waiting in a ring\n"
				    "# TYPE rtcedge_ring_used gauge\n");
		for (uint16_t i = 0; i < n->n_workers; i++)
			for (unsigned k = 0; k < n->workers[i].n_rings; k++)
				http_resp_printf(r, "rtcedge_ring_used{worker=\"%u\",ring=\"%s\"} %u\n", i,
						n->workers[i].rings[k].name, n->workers[i].rings[k].used);
		http_resp_printf(r, "# HELP rtcedge_worker_sessions sessions installed per worker\n"
				    "# TYPE rtcedge_worker_sessions gauge\n");
		for (uint16_t i = 0; i < n->n_workers; i++)
			http_resp_printf(r, "rtcedge_worker_sessions{worker=\"%u\"} %u\n", i,
					*(const volatile uint32_t *)n->workers[i].sessions);
	}
	http_resp_printf(r, "# HELP rtcedge_sessions live sessions by state\n"
			    "# TYPE rtcedge_sessions gauge\n");
	for (unsigned k = SESS_STATE_NEW; k < SESS_STATE__COUNT; k++)
		http_resp_printf(r, "rtcedge_sessions{state=\"%s\"} %u\n",
				sess_state_name((enum sess_state)k), sm->by_state[k]);
	http_resp_printf(r, "# HELP rtcedge_sessions_opened_total sessions created\n"
			    "# TYPE rtcedge_sessions_opened_total counter\n"
			    "rtcedge_sessions_opened_total{role=\"whip\"} %" PRIu64 "\n"
			    "rtcedge_sessions_opened_total{role=\"whep\"} %" PRIu64 "\n",
			sm->ctr.opened[0], sm->ctr.opened[1]);
	http_resp_printf(r, "# HELP rtcedge_sessions_closed_total sessions ended, by reason\n"
			    "# TYPE rtcedge_sessions_closed_total counter\n");
	for (unsigned k = 0; k < SESS_CLOSE__COUNT; k++)
		http_resp_printf(r, "rtcedge_sessions_closed_total{reason=\"%s\"} %" PRIu64 "\n",
				sess_close_reason_name((enum sess_close_reason)k), sm->ctr.closed[k]);
	http_resp_printf(r, "# HELP rtcedge_sessions_refused_total new sessions refused, by reason\n"
			    "# TYPE rtcedge_sessions_refused_total counter\n");
	for (unsigned k = 1; k < SESS_E__COUNT; k++)
		http_resp_printf(r, "rtcedge_sessions_refused_total{reason=\"%s\"} %" PRIu64 "\n",
				sess_refusal_name((enum sess_refusal)k), sm->ctr.refused[k]);
	http_resp_printf(r, "# HELP rtcedge_http_requests_total WHIP/WHEP requests by status class\n"
			    "# TYPE rtcedge_http_requests_total counter\n");
	for (unsigned k = 1; k < 6; k++)
		http_resp_printf(r, "rtcedge_http_requests_total{code=\"%uxx\"} %" PRIu64 "\n", k,
				wc->by_status[k]);
	http_resp_printf(r, "# HELP rtcedge_http_rate_limited_total requests answered 429\n"
			    "# TYPE rtcedge_http_rate_limited_total counter\n"
			    "rtcedge_http_rate_limited_total %" PRIu64 "\n",
			wc->rate_limited);
	metrics_hist_write(&rs->setup, "rtcedge_session_setup_seconds",
			"WHIP/WHEP POST to 201 answer, seconds", r);
	if (rs->bus != NULL) {
		struct event_bus_stats bs;
		event_bus_stats_get(rs->bus, &bs);
		http_resp_printf(r, "# HELP rtcedge_events_published_total events published on the "
				    "bus (SSE, Redis)\n# TYPE rtcedge_events_published_total counter\n"
				    "rtcedge_events_published_total %" PRIu64 "\n",
				bs.published);
	}
	if (rs->metrics_extra != NULL)
		rs->metrics_extra(rs->ctx, r);
}

static void
get_events(struct rest *rs, const struct http_req *q, struct http_resp *r)
{
	const char *from = q->last_event_id;
	char qv[24];
	char *end;
	unsigned long long id;

	if (from == NULL && q->query != NULL && query_param(q->query, "last_event_id", qv,
							     sizeof(qv)) == 0)
		from = qv;
	if (from != NULL) {
		id = strtoull(from, &end, 10);
		if (*from == '\0' || *end != '\0') {
			json_error(r, 400, "Last-Event-ID must be an event id (a decimal number)");
			return;
		}
		r->stream_cursor = id;
	} else {
		r->stream_cursor = rs->events_last_id ? rs->events_last_id(rs->ctx) : 0;
	}
	r->status = 200;
	r->stream = 1;
	http_resp_header(r, "Content-Type", "text/event-stream");
	http_resp_header(r, "Cache-Control", "no-cache");
	http_resp_header(r, "X-Accel-Buffering", "no"); /* nginx: do not buffer the stream */
}

static void
post_command(struct rest *rs, const struct http_req *q, struct http_resp *r)
{
	struct command cmd;
	char err[256], session[COMMAND_ID_MAX];
	int rc;

	if (!http_media_type_is(q->content_type, "application/json")) {
		json_error(r, 415, "Content-Type must be application/json");
		return;
	}
	if (q->body_too_big) {
		json_error(r, 413, "body larger than http.max_body");
		return;
	}
	if (command_parse_json((const char *)q->body, q->body_len, &cmd, err, sizeof(err),
			    session) != 0) {
		json_error(r, 400, err);
		return;
	}
	rc = rs->command ? rs->command(rs->ctx, &cmd, err, sizeof(err)) : 501;
	if (rc != 0) {
		if (rs->command == NULL)
			snprintf(err, sizeof(err), "commands are not available");
		json_error(r, rc, err);
		return;
	}
	json_reply(r, 202, json_pack("{s:s, s:s}", "accepted", command_type_name(cmd.type),
					   "session", cmd.session));
}

static int
admin_ok(struct rest *rs, const struct http_req *q)
{
	const char *tok;
	size_t len, want = strlen(rs->cfg->rest_token);

	if (want == 0)
		return 1;
	if (http_bearer(q->authorization, &tok, &len) != 0)
		return 0;
	return len == want && CRYPTO_memcmp(tok, rs->cfg->rest_token, len) == 0;
}

void
rest_handle(struct rest *rs, const struct http_req *q, struct http_resp *r)
{
	char buf[256];
	const char *seg[4];
	int n = http_path_split(q->path, buf, sizeof(buf), seg, 4);

	rs->requests++;
	if (n == 1 && strcmp(seg[0], "metrics") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_metrics(rs, r);
		return;
	}
	if (n < 2 || strcmp(seg[0], "v1") != 0) {
		json_error(r, 404, "no such resource (see docs/openapi.json)");
		return;
	}
	if (n == 2 && strcmp(seg[1], "health") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		json_reply(r, 200, json_pack("{s:s}", "status", "ok"));
		return;
	}
	if (n == 2 && strcmp(seg[1], "ready") == 0) {
		const char *why = rs->sm->draining			   ? "draining"
				  : rs->node != NULL && !rs->node->link_up ? "link down"
									   : NULL;
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		json_reply(r, why ? 503 : 200,
				why ? json_pack("{s:b, s:s}", "ready", 0, "reason", why)
				    : json_pack("{s:b}", "ready", 1));
		return;
	}
	if (!admin_ok(rs, q)) {
		rs->unauthorized++;
		json_error(r, 401, "admin Bearer token required (rest.token)");
		http_resp_header(r, "WWW-Authenticate", "Bearer realm=\"rtcedge-admin\"");
		return;
	}
	if (strcmp(seg[1], "sessions") == 0 && n == 2) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_sessions(rs, q, r);
		return;
	}
	if (strcmp(seg[1], "sessions") == 0 && n == 3) {
		struct sess *s = sessmgr_find(rs->sm, seg[2]);
		if (q->method != HTTP_GET && q->method != HTTP_DELETE) {
			json_error(r, 405, "allowed: GET, DELETE");
			http_resp_header(r, "Allow", "GET, DELETE");
			return;
		}
		if (s == NULL) {
			json_error(r, 404, "no such session");
			return;
		}
		if (q->method == HTTP_DELETE) {
			json_t *o = json_pack("{s:s, s:s}", "deleted", s->id, "stream", s->stream);
			sessmgr_close(rs->sm, s, SESS_CLOSE_admin, q->now_us);
			json_reply(r, 200, o);
			return;
		}
		json_reply(r, 200, sess_json(rs, s, 1, q->now_us));
		return;
	}
	if (n == 2 && strcmp(seg[1], "streams") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_streams(rs, r);
		return;
	}
	if (n == 2 && strcmp(seg[1], "stats") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_stats(rs, r, q->now_us);
		return;
	}
	if (n == 2 && strcmp(seg[1], "config") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_config(rs, r);
		return;
	}
	if (n == 2 && strcmp(seg[1], "events") == 0) {
		if (q->method != HTTP_GET)
			goto not_allowed_get;
		get_events(rs, q, r);
		return;
	}
	if (n == 2 && strcmp(seg[1], "commands") == 0) {
		if (q->method != HTTP_POST) {
			json_error(r, 405, "allowed: POST");
			http_resp_header(r, "Allow", "POST");
			return;
		}
		post_command(rs, q, r);
		return;
	}
	if (n == 2 && strcmp(seg[1], "drain") == 0) {
		if (q->method != HTTP_POST && q->method != HTTP_DELETE) {
			json_error(r, 405, "allowed: POST, DELETE");
			http_resp_header(r, "Allow", "POST, DELETE");
			return;
		}
		rs->sm->draining = q->method == HTTP_POST;
		json_reply(r, 200, json_pack("{s:b, s:i}", "draining", rs->sm->draining, "live",
						  (int)rs->sm->n_live));
		return;
	}
	json_error(r, 404, "no such resource (see docs/openapi.json)");
	return;
not_allowed_get:
	json_error(r, 405, "allowed: GET");
	http_resp_header(r, "Allow", "GET");
}
