/*
 * The REST control port and /metrics (ctrlplane/rest.c): every route's JSON
 * shape parsed back with jansson, the admin token, drain, the configuration
 * with its secrets redacted, worker statistics from a node snapshot built
 * from real struct rtc_stats blocks, and /metrics checked line by line
 * against the Prometheus text exposition format 0.0.4 (a checker written
 * here from the format's grammar), histograms cumulative.
 *
 * Sessions are made the real way: offers POSTed through whip_handle().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <jansson.h>

#include "rest.h"

#define SEC 1000000ull
#define NOW_UNIX 1800000000
#define SECRET "rest test cluster secret 000001"
#define ADMIN "admin-token-0123"
#define T0 (100 * SEC)

static struct {
	struct rtc_config cfg;
	struct ufrag_key key;
	struct sessmgr sm;
	struct auth auth;
	struct ratelimit rl;
	struct whip w;
	struct rest rs;
	struct rest_node node;
	struct rtc_stats st[2];
	uint32_t sessions[2];
	uint64_t now;
} env;

static void
fake_sess_stats(void *ctx, const struct sess *s, struct rest_sess_stats *out)
{
	assert_ptr_equal(ctx, &env);
	out->rx_packets = 10 + s->slot;
	out->rx_bytes = 1000;
	out->tx_packets = 5;
	out->tx_bytes = 500;
	out->stun_answered = 4;
	out->stun_dropped = 1;
	out->last_rx_us = env.now - 2 * SEC;
}

static int
setup(void **state)
{
	struct sessmgr_config sc = {0};
	struct sdp_fingerprint fp = {.alg = SDP_HASH_SHA256, .len = 32};
	char err[256];

	(void)state;
	memset(&env, 0, sizeof(env));
	config_defaults(&env.cfg);
	snprintf(env.cfg.rest_token, sizeof(env.cfg.rest_token), "%s", ADMIN);
	snprintf(env.cfg.auth_tokens, sizeof(env.cfg.auth_tokens), "any:*:whiptoken-0001");
	snprintf(env.cfg.jwt_secret, sizeof(env.cfg.jwt_secret),
	        "a jwt secret of 32 bytes or more!!");
	snprintf(env.cfg.ice_servers, sizeof(env.cfg.ice_servers), "turn:t.example|user|secretpw");
	env.cfg.n_ipv4 = 1;
	inet_pton(AF_INET, "198.51.100.10", &env.cfg.ipv4[0].addr);
	env.cfg.media_port = 20000;
	assert_int_equal(ufrag_key_init(&env.key, 0, SECRET, strlen(SECRET)), 0);
	sc.max = 16;
	sc.max_per_stream = 16;
	sc.setup_timeout_s = 30;
	sc.n_workers = 2;
	sc.key = &env.key;
	assert_int_equal(sessmgr_init(&env.sm, &sc, err, sizeof(err)), 0);
	assert_int_equal(auth_init(&env.auth, "", "", err, sizeof(err)), 0);
	ratelimit_init(&env.rl, 0, 1);
	for (int i = 0; i < 32; i++)
		fp.bytes[i] = (uint8_t)i;
	assert_int_equal(
	        whip_init(&env.w, &env.cfg, &env.sm, &env.auth, &env.rl, &fp, err, sizeof(err)), 0);
	/* the node: two workers with real counter blocks */
	env.node.version = "0.1.0";
	env.node.port_name = "0000:00:00.0";
	env.node.port_driver = "net_null";
	env.node.link_up = 1;
	snprintf(env.node.link, sizeof(env.node.link), "10 Gbps full-duplex");
	env.node.start_us = 10 * SEC;
	env.node.n_workers = 2;
	for (int i = 0; i < 2; i++) {
		struct rest_worker *w = &env.node.workers[i];
		w->idx = (uint16_t)i;
		w->lcore = (uint32_t)(i + 1);
		w->rxq = i;
		w->txq = i;
		w->stats = &env.st[i];
		w->rx_pps = 1234.5 * (i + 1);
		w->tx_pps = 99.0;
		env.sessions[i] = (uint32_t)i;
		w->sessions = &env.sessions[i];
		w->n_rings = 2;
		w->rings[0] = (struct rest_ring){"cmd", (uint32_t)(3 + i), 1024};
		w->rings[1] = (struct rest_ring){"event", 0, 1024};
	}
	env.st[0].v[RTC_STAT_rx_packets] = 100;
	env.st[0].v[RTC_STAT_stun_answered] = 7;
	env.st[0].v[RTC_DROP_stun_malformed] = 3;
	env.st[1].v[RTC_STAT_rx_packets] = 200;
	env.st[1].v[RTC_DROP_udp_bad_cksum] = 9;
	rest_init(&env.rs, &env.sm, &env.w, &env.cfg, &env.node);
	env.rs.sess_stats = fake_sess_stats;
	env.rs.sess_stats_ctx = &env;
	env.now = T0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	whip_fini(&env.w);
	sessmgr_fini(&env.sm);
	return 0;
}

/* ---- requests ---- */

static struct http_req
req(enum http_method m, const char *path, const char *query, int admin)
{
	struct http_req q;

	memset(&q, 0, sizeof(q));
	q.method = m;
	q.method_str = http_method_name(m);
	q.path = path;
	q.query = query;
	q.authorization = admin ? "Bearer " ADMIN : NULL;
	q.peer_family = 4;
	q.peer[0] = 127;
	q.peer[3] = 1;
	env.now += 1000;
	q.now_us = env.now;
	q.unix_s = NOW_UNIX;
	return q;
}

/* One REST request; the JSON body parsed (NULL for /metrics). */
static json_t *
call(struct http_req *q, struct http_resp *r, int want_status)
{
	json_error_t jerr;
	json_t *j = NULL;

	http_resp_init(r);
	rest_handle(&env.rs, q, r);
	if (r->status != want_status)
		fail_msg("%s %s: status %d, want %d: %s", q->method_str, q->path, r->status,
		        want_status, r->body ? r->body : "");
	assert_false(r->hdr_overflow);
	if (strcmp(q->path, "/metrics") == 0 && r->status == 200)
		return NULL;
	assert_string_equal(http_resp_header_get(r, "Content-Type"), "application/json");
	assert_non_null(r->body);
	assert_int_equal(r->body[r->body_len - 1], '\n');
	j = json_loadb(r->body, r->body_len, 0, &jerr);
	if (j == NULL)
		fail_msg("not JSON: %s: %s", jerr.text, r->body);
	if (r->status >= 400 && strcmp(q->path, "/v1/ready") != 0) {
		assert_true(json_is_string(json_object_get(j, "error")));
		assert_int_equal(json_object_size(j), 1);
	}
	return j;
}

static json_t *
get(const char *path, const char *query, int want)
{
	struct http_req q = req(HTTP_GET, path, query, 1);
	struct http_resp r;
	json_t *j = call(&q, &r, want);

	http_resp_free(&r);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	return json_string_value(v);
}

static json_int_t
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	return json_integer_value(v);
}

static char *
load_offer(const char *name)
{
	const char *dir = getenv("RTC_VECTORS");
	char path[512];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/sdp/%s", dir ? dir : "tests/vectors", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (set RTC_VECTORS)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A session made by a real WHIP/WHEP POST. */
static struct sess *
post(const char *path, const char *offer_name)
{
	char *offer = load_offer(offer_name);
	struct http_req q;
	struct http_resp r;
	struct sess *s;

	memset(&q, 0, sizeof(q));
	q.method = HTTP_POST;
	q.method_str = "POST";
	q.path = path;
	q.content_type = "application/sdp";
	q.body = (const uint8_t *)offer;
	q.body_len = strlen(offer);
	q.peer_family = 4;
	q.peer[0] = 203;
	q.peer[2] = 113;
	q.peer[3] = 7;
	env.now += 1000;
	q.now_us = env.now;
	q.unix_s = NOW_UNIX;
	http_resp_init(&r);
	whip_handle(&env.w, &q, &r);
	if (r.status != 201)
		fail_msg("POST %s: %d %s", path, r.status, r.body ? r.body : "");
	s = sessmgr_find(&env.sm, strrchr(http_resp_header_get(&r, "Location"), '/') + 1);
	assert_non_null(s);
	http_resp_free(&r);
	free(offer);
	return s;
}

#define FFMPEG "ffmpeg_whip_offer_sendonly_opus_h264.sdp"
#define CHROMIUM_RECV "chromium_156_offer_recvonly_bundle.sdp"

/* ---- health, ready, the admin token ---- */

static void
test_health_ready_token(void **state)
{
	struct http_req q;
	struct http_resp r;
	json_t *j;

	(void)state;
	/* open without a token */
	q = req(HTTP_GET, "/v1/health", NULL, 0);
	j = call(&q, &r, 200);
	assert_string_equal(jstr(j, "status"), "ok");
	json_decref(j);
	http_resp_free(&r);
	q = req(HTTP_GET, "/v1/ready", NULL, 0);
	j = call(&q, &r, 200);
	assert_true(json_is_true(json_object_get(j, "ready")));
	json_decref(j);
	http_resp_free(&r);
	env.sm.draining = 1;
	q = req(HTTP_GET, "/v1/ready", NULL, 0);
	j = call(&q, &r, 503);
	assert_true(json_is_false(json_object_get(j, "ready")));
	assert_string_equal(jstr(j, "reason"), "draining");
	json_decref(j);
	http_resp_free(&r);
	env.sm.draining = 0;
	env.node.link_up = 0;
	q = req(HTTP_GET, "/v1/ready", NULL, 0);
	j = call(&q, &r, 503);
	assert_string_equal(jstr(j, "reason"), "link down");
	json_decref(j);
	http_resp_free(&r);
	env.node.link_up = 1;
	q = req(HTTP_GET, "/metrics", NULL, 0);
	call(&q, &r, 200);
	http_resp_free(&r);

	/* everything else needs the admin token */
	const char *bad[] = {NULL, "", "Bearer wrong-token", "Bearer " ADMIN "x",
	        "Bearer admin-token-012", "Basic YWRtaW4=", "bearer " ADMIN " x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t before = env.rs.unauthorized;
		q = req(HTTP_GET, "/v1/sessions", NULL, 0);
		q.authorization = bad[i];
		j = call(&q, &r, 401);
		assert_string_equal(jstr(j, "error"), "admin Bearer token required (rest.token)");
		assert_string_equal(http_resp_header_get(&r, "WWW-Authenticate"),
		        "Bearer realm=\"rtcedge-admin\"");
		assert_int_equal(env.rs.unauthorized, before + 1);
		json_decref(j);
		http_resp_free(&r);
	}
	q = req(HTTP_GET, "/v1/sessions", NULL, 0);
	q.authorization = "bearer " ADMIN; /* the scheme is case-insensitive */
	json_decref(call(&q, &r, 200));
	http_resp_free(&r);

	/* methods and routes */
	q = req(HTTP_POST, "/v1/health", NULL, 0);
	json_decref(call(&q, &r, 405));
	assert_string_equal(http_resp_header_get(&r, "Allow"), "GET");
	http_resp_free(&r);
	q = req(HTTP_DELETE, "/metrics", NULL, 0);
	json_decref(call(&q, &r, 405));
	http_resp_free(&r);
	json_decref(get("/v1/nope", NULL, 404));
	json_decref(get("/v2/health", NULL, 404));
	json_decref(get("/", NULL, 404));
	json_decref(get("/v1", NULL, 404));
	json_decref(get("/v1/sessions/a/b", NULL, 404));
	/* an empty rest.token: no token needed */
	env.cfg.rest_token[0] = '\0';
	q = req(HTTP_GET, "/v1/streams", NULL, 0);
	json_decref(call(&q, &r, 200));
	http_resp_free(&r);
}

/* ---- sessions ---- */

static void
test_sessions(void **state)
{
	struct sess *a, *v, *b;
	json_t *j, *arr, *o;
	struct dpmsg_event ev;
	char path[128], long_value[300];

	(void)state;
	a = post("/whip/a", FFMPEG);
	v = post("/whep/a", CHROMIUM_RECV);
	b = post("/whip/b", FFMPEG);
	ev = (struct dpmsg_event){.version = DPMSG_VERSION,
	        .type = DPMSG_EV_ICE_SELECTED,
	        .worker = b->worker,
	        .slot = b->slot,
	        .gen = b->gen,
	        .sess_id = b->idx,
	        .local = {.family = 4, .port = 20000, .addr = {198, 51, 100, 10}},
	        .remote = {.family = 6, .port = 50000, .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 5}}};
	sessmgr_handle_event(&env.sm, &ev, env.now);

	j = get("/v1/sessions", NULL, 200);
	assert_int_equal(jint(j, "count"), 3);
	arr = json_object_get(j, "sessions");
	assert_int_equal(json_array_size(arr), 3);
	for (size_t i = 0; i < 3; i++) {
		o = json_array_get(arr, i);
		assert_int_equal(strlen(jstr(o, "id")), SESS_ID_LEN);
		assert_non_null(sessmgr_find(&env.sm, jstr(o, "id")));
		assert_true(json_is_real(json_object_get(o, "age_s")));
		assert_true(json_is_real(json_object_get(o, "state_age_s")));
		assert_int_equal(jint(o, "created_unix"), NOW_UNIX);
		assert_string_equal(jstr(o, "client"), "203.0.113.7");
		assert_true(jint(o, "worker") < 2);
		assert_null(json_object_get(o, "ice")); /* the list is a summary */
	}
	json_decref(j);
	/* filters */
	j = get("/v1/sessions", "stream=a", 200);
	assert_int_equal(jint(j, "count"), 2);
	json_decref(j);
	j = get("/v1/sessions", "role=whep", 200);
	assert_int_equal(jint(j, "count"), 1);
	o = json_array_get(json_object_get(j, "sessions"), 0);
	assert_string_equal(jstr(o, "id"), v->id);
	assert_string_equal(jstr(o, "role"), "whep");
	assert_string_equal(jstr(o, "stream"), "a");
	assert_string_equal(jstr(o, "state"), "new");
	json_decref(j);
	j = get("/v1/sessions", "state=connected", 200);
	assert_int_equal(jint(j, "count"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(j, "sessions"), 0), "id"), b->id);
	json_decref(j);
	j = get("/v1/sessions", "stream=a&role=whip&state=new", 200);
	assert_int_equal(jint(j, "count"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(j, "sessions"), 0), "id"), a->id);
	json_decref(j);
	j = get("/v1/sessions", "stream=nope", 200);
	assert_int_equal(jint(j, "count"), 0);
	json_decref(j);
	j = get("/v1/sessions", "other=1&stream=b", 200);
	assert_int_equal(jint(j, "count"), 1);
	json_decref(j);
	/* bad filters: 400 */
	j = get("/v1/sessions", "state=bogus", 400);
	assert_string_equal(jstr(j, "error"), "state must be new, checking or connected");
	json_decref(j);
	j = get("/v1/sessions", "state=reserved", 400);
	json_decref(j);
	j = get("/v1/sessions", "role=admin", 400);
	assert_string_equal(jstr(j, "error"), "role must be whip or whep");
	json_decref(j);
	/* a filter value too long for any stream or state is bad too, never ignored */
	memset(long_value, 'x', sizeof(long_value));
	memcpy(long_value, "state=", 6);
	long_value[sizeof(long_value) - 1] = '\0';
	j = get("/v1/sessions", long_value, 400);
	assert_string_equal(jstr(j, "error"), "filter value too long (stream, state or role)");
	json_decref(j);
	memcpy(long_value, "stream", 6);
	long_value[6] = '=';
	json_decref(get("/v1/sessions", long_value, 400));
	memcpy(long_value, "role=whip&stream=", 17);
	json_decref(get("/v1/sessions", long_value, 400));

	/* detail */
	j = get("/v1/sessions/x", NULL, 404);
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/sessions/%s", b->id);
	j = get(path, NULL, 200);
	assert_string_equal(jstr(j, "id"), b->id);
	assert_string_equal(jstr(j, "state"), "connected");
	o = json_object_get(j, "ice");
	assert_string_equal(jstr(o, "local_ufrag"), b->ufrag);
	assert_int_equal(jint(o, "slot"), b->slot);
	assert_int_equal(jint(o, "restarts"), 0);
	assert_true(json_is_false(json_object_get(o, "restarting")));
	assert_string_equal(
	        jstr(json_object_get(o, "selected_pair"), "local"), "198.51.100.10:20000");
	assert_string_equal(
	        jstr(json_object_get(o, "selected_pair"), "remote"), "[2001:db8::5]:50000");
	assert_string_equal(jstr(json_object_get(j, "dtls"), "setup"), "active"); /* FFmpeg */
	assert_string_equal(jstr(json_object_get(j, "dtls"), "remote_fingerprint_alg"), "sha-256");
	assert_true(json_is_null(json_object_get(json_object_get(j, "dtls"), "srtp_profile")));
	assert_int_equal(json_array_size(json_object_get(j, "tracks")), 2);
	o = json_array_get(json_object_get(j, "tracks"), 1);
	assert_string_equal(jstr(o, "kind"), "video");
	assert_string_equal(jstr(o, "codec"), "H264");
	assert_int_equal(jint(o, "payload_type"), 106);
	assert_int_equal(jint(o, "clock_rate"), 90000);
	assert_string_equal(jstr(o, "direction"), "recvonly");
	assert_int_equal(jint(o, "remote_ssrc"), 3166090379u);
	o = json_object_get(j, "counters");
	assert_int_equal(jint(o, "rx_packets"), 10 + b->slot);
	assert_int_equal(jint(o, "stun_dropped"), 1);
	assert_true(json_is_real(json_object_get(o, "last_rx_age_s")));
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/sessions/%s", a->id);
	j = get(path, NULL, 200);
	assert_true(json_is_null(json_object_get(json_object_get(j, "ice"), "selected_pair")));
	json_decref(j);

	/* DELETE: gone, counted as admin */
	{
		struct http_req q = req(HTTP_DELETE, path, NULL, 1);
		struct http_resp r;
		char id[SESS_ID_LEN + 1];
		memcpy(id, a->id, sizeof(id));
		j = call(&q, &r, 200);
		assert_string_equal(jstr(j, "deleted"), id);
		assert_string_equal(jstr(j, "stream"), "a");
		json_decref(j);
		http_resp_free(&r);
		assert_null(sessmgr_find(&env.sm, id));
		assert_int_equal(env.sm.ctr.closed[SESS_CLOSE_admin], 1);
		q = req(HTTP_DELETE, path, NULL, 1);
		json_decref(call(&q, &r, 404));
		http_resp_free(&r);
		json_decref(get(path, NULL, 404));
		q = req(HTTP_PATCH, path, NULL, 1);
		json_decref(call(&q, &r, 405));
		assert_string_equal(http_resp_header_get(&r, "Allow"), "GET, DELETE");
		http_resp_free(&r);
	}
	j = get("/v1/sessions", NULL, 200);
	assert_int_equal(jint(j, "count"), 2);
	json_decref(j);

	/* streams */
	j = get("/v1/streams", NULL, 200);
	assert_int_equal(jint(j, "count"), 2);
	arr = json_object_get(j, "streams");
	for (size_t i = 0; i < 2; i++) {
		o = json_array_get(arr, i);
		if (strcmp(jstr(o, "name"), "a") == 0) {
			/* the publisher was deleted: a viewer waits */
			assert_true(json_is_null(json_object_get(o, "publisher")));
			assert_int_equal(jint(o, "sessions"), 1);
			assert_int_equal(jint(o, "viewers"), 1);
		} else {
			assert_string_equal(jstr(o, "name"), "b");
			assert_string_equal(jstr(o, "publisher"), b->id);
			assert_int_equal(jint(o, "viewers"), 0);
		}
	}
	json_decref(j);
}

/* ---- stats, drain, config ---- */

static void
test_stats_drain_config(void **state)
{
	json_t *j, *w, *s;
	struct http_req q;
	struct http_resp r;

	(void)state;
	post("/whip/a", FFMPEG);
	j = get("/v1/stats", NULL, 200);
	assert_true(json_real_value(json_object_get(j, "uptime_s")) > 0);
	assert_int_equal(json_array_size(json_object_get(j, "workers")), 2);
	w = json_array_get(json_object_get(j, "workers"), 0);
	assert_int_equal(jint(w, "worker"), 0);
	assert_int_equal(jint(w, "lcore"), 1);
	assert_true(json_real_value(json_object_get(w, "rx_pps")) == 1234.5);
	assert_int_equal(jint(json_object_get(w, "counters"), "rx_packets"), 100);
	assert_int_equal(jint(json_object_get(w, "counters"), "stun_answered"), 7);
	assert_int_equal(jint(json_object_get(w, "counters"), "tx_packets"), 0);
	/* drops: only those that happened, by reason without the drop_ prefix */
	assert_int_equal(json_object_size(json_object_get(w, "drops")), 1);
	assert_int_equal(jint(json_object_get(w, "drops"), "stun_malformed"), 3);
	assert_null(json_object_get(json_object_get(w, "counters"), "drop_stun_malformed"));
	assert_int_equal(jint(json_object_get(json_object_get(w, "rings"), "cmd"), "used"), 3);
	assert_int_equal(jint(json_object_get(json_object_get(w, "rings"), "cmd"), "size"), 1024);
	w = json_array_get(json_object_get(j, "workers"), 1);
	assert_int_equal(jint(json_object_get(w, "drops"), "udp_bad_cksum"), 9);
	assert_int_equal(jint(json_object_get(w, "counters"), "rx_packets"), 200);
	s = json_object_get(j, "sessions");
	assert_int_equal(jint(s, "live"), 1);
	assert_int_equal(jint(s, "max"), 16);
	assert_int_equal(jint(s, "streams"), 1);
	assert_int_equal(jint(json_object_get(s, "by_state"), "new"), 1);
	assert_null(json_object_get(json_object_get(s, "by_state"), "reserved"));
	assert_int_equal(jint(s, "opened_whip"), 1);
	assert_int_equal(jint(json_object_get(s, "closed"), "deleted"), 0);
	assert_int_equal(jint(json_object_get(s, "refused"), "PUBLISHER_LIVE"), 0);
	assert_true(json_is_false(json_object_get(s, "draining")));
	assert_int_equal(jint(json_object_get(j, "http"), "requests"), 1);
	assert_int_equal(jint(json_object_get(j, "http"), "created"), 1);
	json_decref(j);

	/* drain: POST sets, DELETE clears; ready and WHIP follow */
	q = req(HTTP_POST, "/v1/drain", NULL, 1);
	j = call(&q, &r, 200);
	assert_true(json_is_true(json_object_get(j, "draining")));
	assert_int_equal(jint(j, "live"), 1);
	json_decref(j);
	http_resp_free(&r);
	assert_true(env.sm.draining);
	json_decref(get("/v1/ready", NULL, 503));
	j = get("/v1/stats", NULL, 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "sessions"), "draining")));
	json_decref(j);
	q = req(HTTP_GET, "/v1/drain", NULL, 1);
	json_decref(call(&q, &r, 405));
	assert_string_equal(http_resp_header_get(&r, "Allow"), "POST, DELETE");
	http_resp_free(&r);
	q = req(HTTP_DELETE, "/v1/drain", NULL, 1);
	j = call(&q, &r, 200);
	assert_true(json_is_false(json_object_get(j, "draining")));
	json_decref(j);
	http_resp_free(&r);
	json_decref(get("/v1/ready", NULL, 200));

	/* config: every key, secrets redacted */
	j = get("/v1/config", NULL, 200);
	assert_string_equal(jstr(j, "rest.token"), "<redacted>");
	assert_string_equal(jstr(j, "auth.tokens"), "<redacted>");
	assert_string_equal(jstr(j, "auth.jwt_secret"), "<redacted>");
	assert_string_equal(jstr(j, "http.ice_servers"), "<redacted>");
	assert_string_equal(jstr(j, "cluster.secret"), ""); /* empty stays empty */
	assert_string_equal(jstr(j, "http.listen"), "0.0.0.0:8080");
	assert_string_equal(jstr(j, "net.media_port"), "20000");
	{
		char *text = json_dumps(j, 0);
		assert_null(strstr(text, ADMIN));
		assert_null(strstr(text, "whiptoken-0001"));
		assert_null(strstr(text, "secretpw"));
		assert_null(strstr(text, "a jwt secret"));
		free(text);
	}
	json_decref(j);
}

/* ---- /metrics: the Prometheus text format ---- */

static int
name_ok(const char *p, size_t n)
{
	if (n == 0 || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z') ||
	                      p[0] == '_' || p[0] == ':'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		            (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == ':'))
			return 0;
	return 1;
}

static int
value_ok(const char *s)
{
	char *end;

	if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0 || strcmp(s, "NaN") == 0)
		return 1;
	strtod(s, &end);
	return end != s && *end == '\0';
}

struct family {
	char name[128];
	char type[16];
	int help, samples;
};

/*
 * One exposition line (format 0.0.4): "# HELP name text", "# TYPE name type",
 * or "name[{label="value",...}] value". Returns the sample's metric name
 * length (0 for comments) and fills its label text; fails the test otherwise.
 */
static void
check_line(const char *line, struct family *fam, unsigned *n_fam, char *metric, char *labels,
        char *value)
{
	const char *p = line, *sp;

	if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0) {
		int is_type = line[2] == 'T';
		const char *name = line + 7;
		struct family *f = NULL;
		sp = strchr(name, ' ');
		if (sp == NULL || !name_ok(name, (size_t)(sp - name)) || sp[1] == '\0')
			fail_msg("bad comment line: %s", line);
		for (unsigned i = 0; i < *n_fam; i++)
			if (strlen(fam[i].name) == (size_t)(sp - name) &&
			        strncmp(fam[i].name, name, (size_t)(sp - name)) == 0)
				f = &fam[i];
		if (f == NULL) {
			assert_true(*n_fam < 64);
			f = &fam[(*n_fam)++];
			memset(f, 0, sizeof(*f));
			memcpy(f->name, name, (size_t)(sp - name));
		}
		if (f->samples)
			fail_msg("HELP/TYPE after samples of %s", f->name);
		if (is_type) {
			if (f->type[0])
				fail_msg("two TYPE lines for %s", f->name);
			if (strcmp(sp + 1, "counter") && strcmp(sp + 1, "gauge") &&
			        strcmp(sp + 1, "histogram") && strcmp(sp + 1, "summary") &&
			        strcmp(sp + 1, "untyped"))
				fail_msg("bad type: %s", line);
			snprintf(f->type, sizeof(f->type), "%s", sp + 1);
		} else {
			if (f->help)
				fail_msg("two HELP lines for %s", f->name);
			f->help = 1;
		}
		metric[0] = '\0';
		return;
	}
	if (line[0] == '#')
		fail_msg("a comment that is neither HELP nor TYPE: %s", line);
	/* metric name */
	while (*p && *p != '{' && *p != ' ')
		p++;
	if (!name_ok(line, (size_t)(p - line)))
		fail_msg("bad metric name: %s", line);
	memcpy(metric, line, (size_t)(p - line));
	metric[p - line] = '\0';
	labels[0] = '\0';
	if (*p == '{') {
		const char *start = p + 1;
		p++;
		while (*p != '}') {
			const char *eq = p;
			while (*eq && *eq != '=')
				eq++;
			if (*eq != '=' || !name_ok(p, (size_t)(eq - p)) || eq[1] != '"')
				fail_msg("bad label: %s", line);
			p = eq + 2;
			while (*p && *p != '"') {
				if (*p == '\\') {
					if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
						fail_msg("bad escape: %s", line);
					p++;
				}
				if (*p == '\n')
					fail_msg("newline in a label: %s", line);
				p++;
			}
			if (*p != '"')
				fail_msg("unterminated label value: %s", line);
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				fail_msg("bad label list: %s", line);
		}
		memcpy(labels, start, (size_t)(p - start));
		labels[p - start] = '\0';
		p++;
	}
	if (*p != ' ' || p[1] == '\0' || strchr(p + 1, ' ') != NULL)
		fail_msg("expected one value (no timestamp): %s", line);
	if (!value_ok(p + 1))
		fail_msg("bad value: %s", line);
	strcpy(value, p + 1);
	/* the sample belongs to a family declared with TYPE before it */
	{
		struct family *f = NULL;
		for (unsigned i = 0; i < *n_fam; i++) {
			size_t fl = strlen(fam[i].name);
			if (strcmp(metric, fam[i].name) == 0 ||
			        (strcmp(fam[i].type, "histogram") == 0 &&
			                strncmp(metric, fam[i].name, fl) == 0 &&
			                (strcmp(metric + fl, "_bucket") == 0 ||
			                        strcmp(metric + fl, "_sum") == 0 ||
			                        strcmp(metric + fl, "_count") == 0)))
				f = &fam[i];
		}
		if (f == NULL || f->type[0] == '\0' || !f->help)
			fail_msg("sample without HELP and TYPE: %s", line);
		if (strcmp(f->type, "counter") == 0 && (strstr(metric, "_total") == NULL))
			fail_msg("counter not named _total: %s", line);
		f->samples++;
	}
}

static void
test_metrics(void **state)
{
	struct http_req q;
	struct http_resp r;
	struct family fam[64];
	unsigned n_fam = 0, n_lines = 0, n_bucket = 0;
	char metric[256], labels[512], value[64], *text, *line, *save = NULL;
	double last_le = -1, last_bucket = -1, count = -1, sum = -1, inf = -1;

	(void)state;
	post("/whip/a", FFMPEG);
	post("/whep/a", CHROMIUM_RECV);
	/* request latencies: 0.1 ms, 0.3 ms, 3 ms, 0.6 s, 2 s */
	metrics_hist_observe(&env.rs.setup, 100);
	metrics_hist_observe(&env.rs.setup, 300);
	metrics_hist_observe(&env.rs.setup, 3000);
	metrics_hist_observe(&env.rs.setup, 600000);
	metrics_hist_observe(&env.rs.setup, 2000000);
	assert_int_equal(metrics_hist_quantile(&env.rs.setup, 0.5), 5000);
	assert_int_equal(metrics_hist_quantile(&env.rs.setup, 0.2), 250);
	assert_int_equal(metrics_hist_quantile(&env.rs.setup, 0.8), 1000000);
	assert_int_equal(metrics_hist_quantile(&env.rs.setup, 1.0), UINT64_MAX);

	q = req(HTTP_GET, "/metrics", NULL, 0);
	call(&q, &r, 200);
	assert_string_equal(http_resp_header_get(&r, "Content-Type"),
	        "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(r.body);
	assert_int_equal(r.body[r.body_len - 1], '\n'); /* the last line ends too */
	assert_int_equal(strlen(r.body), r.body_len);
	text = strdup(r.body);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		n_lines++;
		check_line(line, fam, &n_fam, metric, labels, value);
		if (strcmp(metric, "rtcedge_session_setup_seconds_bucket") == 0) {
			double le, v = strtod(value, NULL);
			assert_memory_equal(labels, "le=\"", 4);
			le = strcmp(labels, "le=\"+Inf\"") == 0 ? 1e300 : strtod(labels + 4, NULL);
			assert_true(le > last_le);     /* bounds ascending */
			assert_true(v >= last_bucket); /* cumulative */
			last_le = le;
			last_bucket = v;
			if (le == 1e300)
				inf = v;
			n_bucket++;
		} else if (strcmp(metric, "rtcedge_session_setup_seconds_count") == 0) {
			count = strtod(value, NULL);
		} else if (strcmp(metric, "rtcedge_session_setup_seconds_sum") == 0) {
			sum = strtod(value, NULL);
		} else if (strcmp(metric, "rtcedge_sessions_opened_total") == 0 &&
		           strcmp(labels, "role=\"whep\"") == 0) {
			assert_string_equal(value, "1");
		} else if (strcmp(metric, "rtcedge_worker_drops_total") == 0 &&
		           strcmp(labels, "worker=\"1\",reason=\"udp_bad_cksum\"") == 0) {
			assert_string_equal(value, "9");
		} else if (strcmp(metric, "rtcedge_worker_counter_total") == 0 &&
		           strcmp(labels, "worker=\"0\",name=\"rx_packets\"") == 0) {
			assert_string_equal(value, "100");
		} else if (strcmp(metric, "rtcedge_sessions") == 0 &&
		           strcmp(labels, "state=\"new\"") == 0) {
			assert_string_equal(value, "2");
		} else if (strcmp(metric, "rtcedge_http_requests_total") == 0 &&
		           strcmp(labels, "code=\"2xx\"") == 0) {
			assert_string_equal(value, "2");
		}
	}
	free(text);
	assert_true(n_lines > 100);
	assert_true(n_fam >= 14);
	for (unsigned i = 0; i < n_fam; i++)
		if (fam[i].samples == 0)
			fail_msg("family %s without samples", fam[i].name);
	/* the histogram: 12 bounds + +Inf, +Inf == count, the sum in seconds */
	assert_int_equal(n_bucket, METRICS_HIST_BUCKETS + 1);
	assert_true(inf == 5 && count == 5);
	assert_true(sum > 2.603399 && sum < 2.603401);
	http_resp_free(&r);

	/* no node snapshot yet (the control loop has not run): still valid */
	env.rs.node = NULL;
	q = req(HTTP_GET, "/metrics", NULL, 0);
	call(&q, &r, 200);
	n_fam = 0;
	text = strdup(r.body);
	save = NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		check_line(line, fam, &n_fam, metric, labels, value);
	free(text);
	http_resp_free(&r);
	{
		json_t *j = get("/v1/stats", NULL, 200);
		assert_int_equal(json_array_size(json_object_get(j, "workers")), 0);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_health_ready_token, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stats_drain_config, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
