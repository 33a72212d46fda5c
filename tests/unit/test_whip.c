/*
 * The WHIP (RFC 9725) and WHEP endpoints (ctrlplane/whip.c) driven with
 * requests built here (no sockets) over a real session manager, real
 * Bearer checks and a real rate limiter. Requirement ids (W*, E*) are those
 * of the WHIP/WHEP checklist (docs/whip.md).
 *
 * Every real offer of tests/vectors/sdp that an edge must accept gets a 201
 * whose answer is parsed back with sdp_desc_parse(); every refusal is
 * checked for its status, its one-line reason, its extra headers, and for
 * having changed nothing (sessions, streams, dataplane command backlog).
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

#include "sdpfrag.h"
#include "whip.h"

#define SEC 1000000ull
#define NOW_UNIX 1800000000
#define SECRET "whip test cluster secret 000001"
#define JWT_SECRET "whip test jwt secret, 32 bytes or more"
#define PUB_TOKEN "pubtoken-live"
#define PLAY_TOKEN "playtoken-all"
#define MEDIA_PORT 20000
#define TYPE_SDP "application/sdp"
#define TYPE_FRAG "application/trickle-ice-sdpfrag"

/* ---- the environment: configuration, session manager, auth, rate limit, endpoints ---- */

struct opts {
	const char *tokens;
	const char *jwt;
	const char *cors;
	const char *ice;
	uint32_t rate, burst;
	int replace;
	int whep_nopub;
	uint32_t max, max_per_stream;
};

static struct {
	struct rtc_config cfg;
	struct ufrag_key key;
	struct sessmgr sm;
	struct auth auth;
	struct ratelimit rl;
	struct whip w;
	uint64_t now;
} env;

static void
env_setup(const struct opts *o)
{
	struct sessmgr_config sc;
	struct sdp_fingerprint fp;
	char err[256];

	memset(&env, 0, sizeof(env));
	config_defaults(&env.cfg);
	snprintf(env.cfg.cors_origins, sizeof(env.cfg.cors_origins), "%s", o->cors ? o->cors : "");
	snprintf(env.cfg.ice_servers, sizeof(env.cfg.ice_servers), "%s", o->ice ? o->ice : "");
	env.cfg.n_ipv4 = 1;
	inet_pton(AF_INET, "198.51.100.10", &env.cfg.ipv4[0].addr);
	env.cfg.n_ipv6 = 1;
	inet_pton(AF_INET6, "2001:db8::10", env.cfg.ipv6[0].addr);
	env.cfg.media_port = MEDIA_PORT;
	env.cfg.retry_after_s = 5;

	assert_int_equal(ufrag_key_init(&env.key, 0, SECRET, strlen(SECRET)), 0);
	memset(&sc, 0, sizeof(sc));
	sc.max = o->max ? o->max : 16;
	sc.max_per_stream = o->max_per_stream ? o->max_per_stream : 16;
	sc.setup_timeout_s = 30;
	sc.idle_timeout_s = 60;
	sc.replace_publisher = (uint8_t)o->replace;
	sc.whep_no_publisher = (uint8_t)o->whep_nopub;
	sc.n_workers = 2;
	sc.node_id = 3;
	sc.local_priority = 2130706431u;
	sc.key = &env.key;
	assert_int_equal(sessmgr_init(&env.sm, &sc, err, sizeof(err)), 0);
	if (auth_init(&env.auth, o->tokens ? o->tokens : "", o->jwt ? o->jwt : "", err,
	            sizeof(err)) != 0)
		fail_msg("auth_init: %s", err);
	ratelimit_init(&env.rl, o->rate, o->burst);
	memset(&fp, 0, sizeof(fp));
	fp.alg = SDP_HASH_SHA256;
	fp.len = 32;
	for (int i = 0; i < 32; i++)
		fp.bytes[i] = (uint8_t)(0x40 + i);
	if (whip_init(&env.w, &env.cfg, &env.sm, &env.auth, &env.rl, &fp, err, sizeof(err)) != 0)
		fail_msg("whip_init: %s", err);
	env.now = 1000 * SEC;
}

static int
env_teardown(void **state)
{
	(void)state;
	whip_fini(&env.w);
	sessmgr_fini(&env.sm);
	auth_clear(&env.auth);
	return 0;
}

/* ---- requests and responses ---- */

static struct http_req
req(enum http_method m, const char *path)
{
	struct http_req q;

	memset(&q, 0, sizeof(q));
	q.method = m;
	q.method_str = http_method_name(m);
	q.path = path;
	q.peer_family = 4;
	q.peer[0] = 198;
	q.peer[1] = 18;
	q.peer[2] = 0;
	q.peer[3] = 1;
	env.now += 1000;
	q.now_us = env.now;
	q.unix_s = NOW_UNIX;
	return q;
}

static void
set_body(struct http_req *q, const char *ct, const char *body)
{
	q->content_type = ct;
	q->body = (const uint8_t *)body;
	q->body_len = body ? strlen(body) : 0;
}

/* Run one request; the invariants of every answer. */
static void
handle(const struct http_req *q, struct http_resp *r)
{
	http_resp_init(r);
	whip_handle(&env.w, q, r);
	assert_true(r->status >= 100 && r->status <= 599);
	assert_false(r->hdr_overflow);
	assert_false(r->body_oom);
	if (r->status >= 400) {
		/* one line of text */
		assert_non_null(r->body);
		assert_true(r->body_len >= 2);
		assert_int_equal(strlen(r->body), r->body_len);
		assert_ptr_equal(strchr(r->body, '\n'), r->body + r->body_len - 1);
		assert_null(strchr(r->body, '\r'));
		assert_string_equal(
		        http_resp_header_get(r, "Content-Type"), "text/plain; charset=utf-8");
		/* no session headers on an error */
		assert_null(http_resp_header_get(r, "Location"));
		assert_null(http_resp_header_get(r, "ETag"));
	}
}

/* The values of every header called @name, in order. */
static unsigned
headers_all(const struct http_resp *r, const char *name, const char **out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_hdr && n < max; i++)
		if (strcasecmp(r->hdr_buf + r->hdr_name[i], name) == 0)
			out[n++] = r->hdr_buf + r->hdr_value[i];
	return n;
}

static void
expect_error(const struct http_resp *r, int status, const char *reason_part)
{
	if (r->status != status)
		fail_msg("status %d (%s), want %d", r->status, r->body ? r->body : "", status);
	if (reason_part != NULL && strstr(r->body, reason_part) == NULL)
		fail_msg("reason '%s' lacks '%s'", r->body, reason_part);
}

/* ---- what must not change on a refusal ---- */

struct state {
	uint32_t n_live, n_reserved, n_streams, n_free, backlog;
	uint32_t by_state[SESS_STATE__COUNT];
	uint64_t created[2], closed, restarts, candidates;
	uint32_t load[2];
};

static struct state
state_now(void)
{
	struct state s;

	memset(&s, 0, sizeof(s));
	s.n_live = env.sm.n_live;
	s.n_reserved = env.sm.n_reserved;
	s.n_streams = env.sm.n_streams;
	s.n_free = env.sm.n_free;
	s.backlog = sessmgr_cmd_backlog(&env.sm);
	memcpy(s.by_state, env.sm.by_state, sizeof(s.by_state));
	memcpy(s.created, env.w.ctr.created, sizeof(s.created));
	for (unsigned k = 0; k < SESS_CLOSE__COUNT; k++)
		s.closed += env.sm.ctr.closed[k];
	s.restarts = env.sm.ctr.restarts;
	s.candidates = env.sm.ctr.candidates;
	s.load[0] = env.sm.workers[0].load;
	s.load[1] = env.sm.workers[1].load;
	return s;
}

static void
state_same(const struct state *a)
{
	struct state b = state_now();

	assert_int_equal(b.n_live, a->n_live);
	assert_int_equal(b.n_reserved, a->n_reserved);
	assert_int_equal(b.n_streams, a->n_streams);
	assert_int_equal(b.n_free, a->n_free);
	assert_int_equal(b.backlog, a->backlog);
	assert_memory_equal(b.by_state, a->by_state, sizeof(b.by_state));
	assert_memory_equal(b.created, a->created, sizeof(b.created));
	assert_int_equal(b.closed, a->closed);
	assert_int_equal(b.restarts, a->restarts);
	assert_int_equal(b.candidates, a->candidates);
	assert_memory_equal(b.load, a->load, sizeof(b.load));
}

/* ---- offers ---- */

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

/* @text with the first @from replaced by @to; caller frees. */
static char *
replace_first(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t n = strlen(text), fl = strlen(from), tl = strlen(to);
	char *out = malloc(n + tl + 1);

	assert_non_null(p);
	assert_non_null(out);
	memcpy(out, text, (size_t)(p - text));
	memcpy(out + (p - text), to, tl);
	memcpy(out + (p - text) + tl, p + fl, n - (size_t)(p - text) - fl + 1);
	return out;
}

#define FFMPEG "ffmpeg_whip_offer_sendonly_opus_h264.sdp"
#define CHROMIUM_SEND "chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp"
#define CHROMIUM_RECV "chromium_156_offer_recvonly_bundle.sdp"

/* The session a 201 names in its Location, checked against @role and @stream. */
static struct sess *
created_session(const struct http_resp *r, enum sess_role role, const char *stream)
{
	const char *loc = http_resp_header_get(r, "Location");
	char prefix[160];
	struct sess *s;

	if (r->status != 201)
		fail_msg("status %d: %s", r->status, r->body ? r->body : "");
	assert_non_null(loc);
	snprintf(prefix, sizeof(prefix), "/%s/%s/", role == SESS_ROLE_WHIP ? "whip" : "whep",
	        stream);
	assert_memory_equal(loc, prefix, strlen(prefix));
	assert_int_equal(strlen(loc), strlen(prefix) + SESS_ID_LEN);
	s = sessmgr_find(&env.sm, loc + strlen(prefix));
	assert_non_null(s);
	assert_int_equal(s->role, role);
	assert_string_equal(s->stream, stream);
	return s;
}

static struct sess *
post_ok(const char *path, const char *offer_name, enum sess_role role, const char *stream,
        const char *authz, struct http_resp *r)
{
	char *offer = load_offer(offer_name);
	struct http_req q = req(HTTP_POST, path);
	struct sess *s;

	set_body(&q, TYPE_SDP, offer);
	q.authorization = authz;
	handle(&q, r);
	s = created_session(r, role, stream);
	free(offer);
	return s;
}

static void
drain_cmds(void)
{
	const struct dpmsg_cmd *c;
	uint16_t w;

	while (sessmgr_peek_cmd(&env.sm, &c, &w))
		sessmgr_pop_cmd(&env.sm);
}

/* ---- W4, W13, W16, W29, W33: 201 for every real offer ---- */

struct vec {
	const char *file;
	enum sess_role role;
	uint8_t setup; /* ours */
	/* usable candidates of the offer's transport (the first accepted m= section: Chrome
	 * 104's only UDP candidate sits in its rejected datachannel section) */
	uint8_t n_udp_cands;
};

static const struct vec vectors[] = {
        {FFMPEG, SESS_ROLE_WHIP, SDP_SETUP_ACTIVE, 0}, /* a passive offerer: we are DTLS client */
        {CHROMIUM_SEND, SESS_ROLE_WHIP, SDP_SETUP_PASSIVE, 2},
        {"chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", SESS_ROLE_WHIP, SDP_SETUP_PASSIVE,
                0},
        {"firefox_84_offer_sendonly_audio.sdp", SESS_ROLE_WHIP, SDP_SETUP_PASSIVE, 0},
        {"firefox_46_offer_sendrecv_opus_vp8_h264_bundle.sdp", SESS_ROLE_WHIP, SDP_SETUP_PASSIVE,
                0},
        {"aiortc_1.4_offer_sendonly_opus_vp8_h264_bundle.sdp", SESS_ROLE_WHIP, SDP_SETUP_PASSIVE,
                2},
        {CHROMIUM_RECV, SESS_ROLE_WHEP, SDP_SETUP_PASSIVE, 2},
        {"aiortc_1.4_offer_recvonly_bundle.sdp", SESS_ROLE_WHEP, SDP_SETUP_PASSIVE, 2},
};

static void
check_answer(const struct http_resp *r, const struct sess *s, const struct vec *v)
{
	struct sdp_desc *d = malloc(sizeof(*d));
	struct sdp_error perr;
	unsigned accepted = 0;

	assert_non_null(d);
	assert_string_equal(http_resp_header_get(r, "Content-Type"), TYPE_SDP);
	assert_string_equal(http_resp_header_get(r, "ETag"), s->etag); /* W13 */
	assert_string_equal(http_resp_header_get(r, "Accept-Patch"), TYPE_FRAG);
	assert_non_null(r->body);
	if (sdp_desc_parse(d, r->body, r->body_len, &perr) != 0)
		fail_msg("%s: answer line %u: %s\n%s", v->file, perr.line, perr.what, r->body);
	assert_true(d->ice_lite); /* W30 */
	for (unsigned i = 0; i < d->n_media; i++) {
		const struct sdp_media *m = &d->media[i];
		const char *uf = m->t.ice_ufrag[0] ? m->t.ice_ufrag : d->t.ice_ufrag;
		const char *pw = m->t.ice_pwd[0] ? m->t.ice_pwd : d->t.ice_pwd;
		uint8_t setup = m->t.setup ? m->t.setup : d->t.setup;
		if (m->port == 0)
			continue;
		accepted++;
		/* our ufrag is the session's routing label, our pwd the session's */
		assert_string_equal(uf, s->ufrag);
		assert_string_equal(pw, s->pwd);
		assert_int_equal(setup, v->setup); /* W29 */
		assert_int_equal(
		        m->dir, v->role == SESS_ROLE_WHIP ? SDP_DIR_RECVONLY : SDP_DIR_SENDONLY);
		/* W16: every candidate of ours, gathered: one host per address, the media port */
		assert_int_equal(m->n_cand, 2);
		assert_int_equal(m->cand[0].port, MEDIA_PORT);
		assert_int_equal(m->cand[0].addr.family, 4);
		assert_int_equal(m->cand[1].addr.family, 6);
		assert_true(m->end_of_candidates);
	}
	assert_true(accepted >= 1);
	assert_int_equal(s->dtls_setup, v->setup);
	free(d);
}

/* The header extensions the worker is told per kind (fwd.h), against the offers' extmaps. */
static void
check_add_extmaps(const struct vec *v, const struct dpmsg_cmd *c)
{
	const struct fwd_extmap *a = &c->media.ext[0], *vd = &c->media.ext[1];

	if (strcmp(v->file, CHROMIUM_RECV) == 0) {
		/* audio: level 1, abs-send-time 2, mid 4; video: abs-send-time 2, mid 4; toffset,
		 * video-orientation, playout-delay are not in the answer policy; mixed offered */
		assert_int_equal(a->id[FWD_EXT_AUDIO_LEVEL], 1);
		assert_int_equal(a->id[FWD_EXT_ABS_SEND_TIME], 2);
		assert_int_equal(a->id[FWD_EXT_MID], 4);
		assert_int_equal(vd->id[FWD_EXT_ABS_SEND_TIME], 2);
		assert_int_equal(vd->id[FWD_EXT_MID], 4);
		assert_int_equal(vd->id[FWD_EXT_AUDIO_LEVEL], 0);
		assert_int_equal(vd->id[FWD_EXT_TOFFSET], 0);
		assert_int_equal(a->mixed, 1);
		assert_int_equal(vd->mixed, 1);
		assert_int_equal(a->mid_len, 1);
		assert_int_equal(a->mid[0], '0');
		assert_int_equal(vd->mid[0], '1');
	} else if (strcmp(v->file, "aiortc_1.4_offer_recvonly_bundle.sdp") == 0) {
		/* RFC 8843 §9.2: 2 is audio-level (audio) and abs-send-time (video): not sent */
		assert_int_equal(a->id[FWD_EXT_MID], 1);
		assert_int_equal(vd->id[FWD_EXT_MID], 1);
		assert_int_equal(a->id[FWD_EXT_AUDIO_LEVEL], 0);
		assert_int_equal(vd->id[FWD_EXT_ABS_SEND_TIME], 0);
		assert_int_equal(a->mixed, 0);
	} else if (strcmp(v->file, "aiortc_1.4_offer_sendonly_opus_vp8_h264_bundle.sdp") == 0) {
		/* a publisher's ids are read per kind: the same id in both kinds is no matter */
		assert_int_equal(a->id[FWD_EXT_MID], 1);
		assert_int_equal(a->id[FWD_EXT_AUDIO_LEVEL], 2);
		assert_int_equal(vd->id[FWD_EXT_MID], 1);
		assert_int_equal(vd->id[FWD_EXT_ABS_SEND_TIME], 2);
	}
}

static void
test_post_real_offers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vec *v = &vectors[i];
		struct opts o = {.ice = "stun:stun.example.net:3478,"
		                        "turn:turn.example.net:3478?transport=udp|user1|pass1"};
		struct http_resp r;
		struct sess *s;
		const struct dpmsg_cmd *c;
		const char *links[4];
		uint16_t w;
		char path[64];
		unsigned n_cand = 0;

		env_setup(&o);
		snprintf(path, sizeof(path), "/%s/live",
		        v->role == SESS_ROLE_WHIP ? "whip" : "whep");
		s = post_ok(path, v->file, v->role, "live", NULL, &r);
		check_answer(&r, s, v);
		assert_int_equal(s->state, SESS_STATE_NEW);
		assert_int_equal(env.w.ctr.created[v->role], 1);
		/* W33: one Link per ICE server; TURN with its credentials */
		assert_int_equal(headers_all(&r, "Link", links, 4), 2);
		assert_string_equal(links[0], "<stun:stun.example.net:3478>; rel=\"ice-server\"");
		assert_string_equal(links[1],
		        "<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\"; "
		        "username=\"user1\"; credential=\"pass1\"; "
		        "credential-type=\"password\"");
		/* the worker is told: ADD with both credentials, then the usable candidates */
		assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
		assert_int_equal(c->type, DPMSG_SESS_ADD);
		assert_int_equal(w, s->worker);
		assert_string_equal(c->creds.ufrag, s->ufrag);
		assert_string_equal(c->creds.pwd, s->pwd);
		assert_string_equal(c->creds.remote_ufrag, s->remote_ufrag);
		assert_true(strlen(s->remote_ufrag) >= 4);
		check_add_extmaps(v, c);
		sessmgr_pop_cmd(&env.sm);
		while (sessmgr_peek_cmd(&env.sm, &c, &w)) {
			assert_int_equal(c->type, DPMSG_SESS_CAND);
			assert_int_equal(c->slot, s->slot);
			assert_true(c->cand.addr.family == 4 || c->cand.addr.family == 6);
			sessmgr_pop_cmd(&env.sm);
			n_cand++;
		}
		if (n_cand != v->n_udp_cands)
			fail_msg("%s: %u candidates, want %u", v->file, n_cand, v->n_udp_cands);
		/* the session remembers what was negotiated */
		assert_true(s->n_tracks >= 1);
		http_resp_free(&r);
		env_teardown(NULL);
	}
}

/* E5: a viewer gets the publisher's codecs; the answer sends. */
static void
test_whep_follows_publisher(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct sess *pub, *view;

	(void)state;
	env_setup(&o);
	pub = post_ok("/whip/cam", FFMPEG, SESS_ROLE_WHIP, "cam", NULL, &r);
	http_resp_free(&r);
	/* Chromium's recvonly offer has VP8 first; the publisher sends H264 */
	view = post_ok("/whep/cam", CHROMIUM_RECV, SESS_ROLE_WHEP, "cam", NULL, &r);
	assert_int_equal(view->worker, pub->worker); /* next to its publisher */
	for (unsigned i = 0; i < view->n_tracks; i++) {
		const struct sess_track *t = &view->tracks[i];
		assert_int_equal(t->dir, SDP_DIR_SENDONLY);
		if (t->kind == SDP_KIND_VIDEO)
			assert_string_equal(t->codec, "H264");
		else
			assert_string_equal(t->codec, "opus");
		assert_int_not_equal(t->local_ssrc, 0);
	}
	assert_non_null(strstr(r.body, "a=msid:cam "));
	assert_int_equal(sessmgr_stream(&env.sm, "cam")->n_sessions, 2);
	http_resp_free(&r);
	env_teardown(NULL);
}

/* ---- every refusal: status, reason, headers, and nothing changed ---- */

static void
refuse(struct http_req *q, int status, const char *reason_part, struct http_resp *r)
{
	struct state before = state_now();

	handle(q, r);
	expect_error(r, status, reason_part);
	state_same(&before);
}

static void
test_refusals_route_method(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char path[200], stream[SESS_STREAM_MAX + 1];

	(void)state;
	env_setup(&o);
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	/* 404: unknown routes */
	const char *bad_routes[] = {
	        "/", "/whip", "/foo/live", "/whip/live/x/y", "/WHIP/live", "/whip/live/a/b/c/d"};
	for (size_t i = 0; i < sizeof(bad_routes) / sizeof(bad_routes[0]); i++) {
		q = req(HTTP_POST, bad_routes[i]);
		refuse(&q, 404, "no such resource", &r);
		http_resp_free(&r);
	}
	/* 404: no such session; the id of a session under another role or stream */
	q = req(HTTP_PATCH, "/whip/live/00000000000000000000000000000000");
	refuse(&q, 404, "no such session", &r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/whep/live/%s", s->id);
	q = req(HTTP_DELETE, path);
	refuse(&q, 404, "no such session", &r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/whip/other/%s", s->id);
	q = req(HTTP_DELETE, path);
	refuse(&q, 404, "no such session", &r);
	http_resp_free(&r);
	/* 400: stream names */
	q = req(HTTP_POST, "/whip/a!b");
	refuse(&q, 400, "stream name must be 1..63 of A-Z a-z 0-9 - . _ ~", &r);
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/a%20b");
	refuse(&q, 400, "stream name", &r);
	http_resp_free(&r);
	memset(stream, 'x', SESS_STREAM_MAX);
	stream[SESS_STREAM_MAX] = '\0';
	snprintf(path, sizeof(path), "/whip/%s", stream);
	q = req(HTTP_POST, path);
	refuse(&q, 400, "stream name", &r);
	http_resp_free(&r);
	/* 405 + Allow */
	q = req(HTTP_PUT, "/whip/live");
	refuse(&q, 405, "PUT not allowed here (allowed: POST, OPTIONS, GET, HEAD)", &r);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "POST, OPTIONS, GET, HEAD");
	http_resp_free(&r);
	q = req(HTTP_PATCH, "/whep/live");
	refuse(&q, 405, NULL, &r);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "POST, OPTIONS, GET, HEAD");
	http_resp_free(&r);
	q = req(HTTP_DELETE, "/whip/live");
	refuse(&q, 405, NULL, &r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	q = req(HTTP_POST, path);
	refuse(&q, 405, NULL, &r);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "PATCH, DELETE, OPTIONS");
	http_resp_free(&r);
	q = req(HTTP_OTHER, path);
	q.method_str = "TRACE";
	refuse(&q, 405, "TRACE not allowed here", &r);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "PATCH, DELETE, OPTIONS");
	http_resp_free(&r);
	assert_ptr_equal(sessmgr_find(&env.sm, s->id), s);
	env_teardown(NULL);
}

static void
test_refusals_body(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	char *offer = load_offer(FFMPEG), *bad;

	(void)state;
	env_setup(&o);
	/* W5: 415 for another media type, with Accept-Post */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, "text/plain", offer);
	refuse(&q, 415, "Content-Type must be application/sdp", &r);
	assert_string_equal(http_resp_header_get(&r, "Accept-Post"), TYPE_SDP);
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, NULL, offer);
	refuse(&q, 415, NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, "application/sdpx", offer);
	refuse(&q, 415, NULL, &r);
	http_resp_free(&r);
	/* 413: the listener cut the body */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	q.body_too_big = 1;
	refuse(&q, 413, "offer larger than http.max_body", &r);
	http_resp_free(&r);
	/* 400: empty, garbage (W5) */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, "");
	refuse(&q, 400, "empty SDP offer", &r);
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, "this is not SDP\r\nat all\r\n");
	refuse(&q, 400, "(offer line 1)", &r);
	assert_int_equal(env.w.ctr.sdp_refused, 1);
	http_resp_free(&r);
	/* a reason with the offer's own text stays on one line */
	{
		struct state before = state_now();
		q = req(HTTP_POST, "/whip/live");
		set_body(&q, TYPE_SDP, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\rx\r\n");
		handle(&q, &r);
		assert_true(r.status == 400 || r.status == 422);
		state_same(&before);
		http_resp_free(&r);
	}
	/* 422, W28: only a datachannel */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP,
	        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
	        "a=group:BUNDLE 0\r\n"
	        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
	        "c=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
	        "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
	        "a=fingerprint:sha-256 21:69:7C:46:D3:DC:4D:D3:66:61:5C:C5:6A:0B:F7:36:BD:91:A9:"
	        "2A:FF:BC:1A:59:D9:38:38:C8:E2:A4:8D:AF\r\n"
	        "a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n");
	refuse(&q, 422, "no audio or video m= line", &r);
	http_resp_free(&r);
	/* 422, W27: two tracks of a kind */
	bad = replace_first(offer, "m=video 9 UDP/TLS/RTP/SAVPF 106 105",
	        "m=audio 9 UDP/TLS/RTP/SAVPF 106 105");
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, bad);
	refuse(&q, 422, "more than 1 audio track(s) (W27)", &r);
	assert_non_null(strstr(r.body, "(m= section 2)"));
	http_resp_free(&r);
	free(bad);
	/* 422, W6: a recvonly offer on WHIP, a sendonly one on WHEP */
	bad = replace_first(offer, "a=sendonly", "a=recvonly");
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, bad);
	refuse(&q, 422, "a=recvonly not allowed in a WHIP offer", &r);
	http_resp_free(&r);
	free(bad);
	q = req(HTTP_POST, "/whep/live");
	set_body(&q, TYPE_SDP, offer);
	refuse(&q, 422, "a=sendonly not allowed in a WHEP offer", &r);
	http_resp_free(&r);
	assert_int_equal(env.w.ctr.sdp_refused, 6);
	/* after all that, the same offer is fine */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	handle(&q, &r);
	created_session(&r, SESS_ROLE_WHIP, "live");
	http_resp_free(&r);
	free(offer);
	env_teardown(NULL);
}

static void
test_refusals_sessions(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	char *offer = load_offer(FFMPEG), *view = load_offer(CHROMIUM_RECV);

	(void)state;
	env_setup(&o);
	post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	/* 409 + Retry-After: the stream has a live publisher */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	refuse(&q, 409, "stream already has a publisher", &r);
	assert_string_equal(http_resp_header_get(&r, "Retry-After"), "5");
	http_resp_free(&r);
	/* W32: 503 + Retry-After while draining, for both endpoints */
	env.sm.draining = 1;
	q = req(HTTP_POST, "/whip/other");
	set_body(&q, TYPE_SDP, offer);
	refuse(&q, 503, "node is draining", &r);
	assert_string_equal(http_resp_header_get(&r, "Retry-After"), "5");
	http_resp_free(&r);
	q = req(HTTP_POST, "/whep/live");
	set_body(&q, TYPE_SDP, view);
	refuse(&q, 503, "node is draining", &r);
	http_resp_free(&r);
	env.sm.draining = 0;
	env_teardown(NULL);

	/* node full */
	o.max = 1;
	env_setup(&o);
	post_ok("/whip/a", FFMPEG, SESS_ROLE_WHIP, "a", NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/b");
	set_body(&q, TYPE_SDP, offer);
	refuse(&q, 503, "node is at capacity (session.max)", &r);
	assert_string_equal(http_resp_header_get(&r, "Retry-After"), "5");
	http_resp_free(&r);
	env_teardown(NULL);

	/* E7: WHEP without a publisher: 404, or 409 + Retry-After, or accepted (wait) */
	o = (struct opts){.whep_nopub = CONFIG_WHEP_404};
	env_setup(&o);
	q = req(HTTP_POST, "/whep/live");
	set_body(&q, TYPE_SDP, view);
	refuse(&q, 404, "stream has no publisher", &r);
	assert_null(http_resp_header_get(&r, "Retry-After"));
	http_resp_free(&r);
	env_teardown(NULL);
	o.whep_nopub = CONFIG_WHEP_409;
	env_setup(&o);
	q = req(HTTP_POST, "/whep/live");
	set_body(&q, TYPE_SDP, view);
	refuse(&q, 409, "stream has no publisher yet", &r);
	assert_string_equal(http_resp_header_get(&r, "Retry-After"), "5");
	http_resp_free(&r);
	env_teardown(NULL);
	o.whep_nopub = CONFIG_WHEP_WAIT;
	env_setup(&o);
	post_ok("/whep/live", CHROMIUM_RECV, SESS_ROLE_WHEP, "live", NULL, &r);
	http_resp_free(&r);
	env_teardown(NULL);

	/* replace_publisher: the second POST wins, the first is closed 'replaced' */
	o = (struct opts){.replace = 1};
	env_setup(&o);
	{
		struct sess *a = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
		char id[SESS_ID_LEN + 1];
		memcpy(id, a->id, sizeof(id));
		http_resp_free(&r);
		post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
		http_resp_free(&r);
		assert_null(sessmgr_find(&env.sm, id));
		assert_int_equal(env.sm.ctr.closed[SESS_CLOSE_replaced], 1);
		assert_int_equal(env.sm.n_live, 1);
	}
	env_teardown(NULL);
	free(offer);
	free(view);
}

/* ---- W35: Bearer tokens ---- */

static void
test_auth(void **state)
{
	struct opts o = {
	        .tokens = "publish:live:" PUB_TOKEN ",play:*:" PLAY_TOKEN, .jwt = JWT_SECRET};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char *offer = load_offer(FFMPEG), path[128], jwt[512], authz[600];

	(void)state;
	env_setup(&o);
	/* no token: 401 with a bare challenge */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	refuse(&q, 401, "a Bearer token is required", &r);
	assert_string_equal(
	        http_resp_header_get(&r, "WWW-Authenticate"), "Bearer realm=\"rtcedge\"");
	http_resp_free(&r);
	/* a wrong token: 401 invalid_token */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	q.authorization = "Bearer not-a-token";
	refuse(&q, 401, "unknown token", &r);
	assert_string_equal(http_resp_header_get(&r, "WWW-Authenticate"),
	        "Bearer realm=\"rtcedge\", error=\"invalid_token\", "
	        "error_description=\"unknown token\"");
	http_resp_free(&r);
	/* a right token for another stream or role: 403 insufficient_scope */
	q = req(HTTP_POST, "/whip/other");
	set_body(&q, TYPE_SDP, offer);
	q.authorization = "Bearer " PUB_TOKEN;
	refuse(&q, 403, "token is for another stream or role", &r);
	assert_non_null(strstr(
	        http_resp_header_get(&r, "WWW-Authenticate"), "error=\"insufficient_scope\""));
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	q.authorization = "Bearer " PLAY_TOKEN;
	refuse(&q, 403, NULL, &r);
	http_resp_free(&r);
	/* a malformed header: 400 invalid_request */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	q.authorization = "Basic dXNlcjpwYXNz";
	refuse(&q, 400, "Authorization is not 'Bearer <token>'", &r);
	assert_non_null(
	        strstr(http_resp_header_get(&r, "WWW-Authenticate"), "error=\"invalid_request\""));
	http_resp_free(&r);
	/* an expired JWT: 401 invalid_token "token expired" */
	assert_true(auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "live", "publish", NOW_UNIX, jwt,
	                    sizeof(jwt)) > 0);
	snprintf(authz, sizeof(authz), "Bearer %s", jwt);
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, TYPE_SDP, offer);
	q.authorization = authz;
	refuse(&q, 401, "token expired", &r);
	http_resp_free(&r);
	assert_int_equal(env.w.ctr.auth_refused, 6);
	/* auth is checked before the body: a token problem wins over a bad content type */
	q = req(HTTP_POST, "/whip/live");
	set_body(&q, "text/plain", "x");
	refuse(&q, 401, NULL, &r);
	http_resp_free(&r);

	/* a valid JWT and a static token work */
	assert_true(auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "cam*", "any", NOW_UNIX + 60, jwt,
	                    sizeof(jwt)) > 0);
	snprintf(authz, sizeof(authz), "Bearer %s", jwt);
	post_ok("/whip/cam-1", FFMPEG, SESS_ROLE_WHIP, "cam-1", authz, &r);
	http_resp_free(&r);
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", "Bearer " PUB_TOKEN, &r);
	assert_int_not_equal(s->token_key, 0);
	http_resp_free(&r);
	/* PATCH and DELETE need the token too */
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	q = req(HTTP_DELETE, path);
	refuse(&q, 401, NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=end-of-candidates\r\n");
	q.authorization = "Bearer " PLAY_TOKEN;
	refuse(&q, 403, NULL, &r);
	http_resp_free(&r);
	/* ... but not OPTIONS (a CORS preflight carries no credentials) nor GET */
	q = req(HTTP_OPTIONS, path);
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	q = req(HTTP_DELETE, path);
	q.authorization = "Bearer " PUB_TOKEN;
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(offer);
	env_teardown(NULL);
}

/* ---- rate limit: 429 + Retry-After ---- */

static void
test_rate_limit(void **state)
{
	struct opts o = {.rate = 1, .burst = 2};
	struct http_resp r;
	struct http_req q;

	(void)state;
	env_setup(&o);
	q = req(HTTP_GET, "/whip/live");
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_GET, "/whip/live");
	refuse(&q, 429, "too many requests from this address (http.rate_limit)", &r);
	assert_string_equal(http_resp_header_get(&r, "Retry-After"), "1");
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/x");
	refuse(&q, 429, NULL, &r);
	http_resp_free(&r);
	assert_int_equal(env.w.ctr.rate_limited, 2);
	/* another address is not limited */
	q = req(HTTP_GET, "/whip/live");
	q.peer_family = 6;
	memset(q.peer, 0, 16);
	q.peer[0] = 0xfd;
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	/* a second later */
	env.now += SEC;
	q = req(HTTP_GET, "/whip/live");
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	/* the route and method are checked first: a 404 costs no token */
	env.now += 10 * SEC;
	for (int i = 0; i < 5; i++) {
		q = req(HTTP_GET, "/nowhere");
		handle(&q, &r);
		assert_int_equal(r.status, 404);
		http_resp_free(&r);
	}
	q = req(HTTP_GET, "/whip/live");
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	env_teardown(NULL);
}

/* ---- W9, W34: OPTIONS and CORS ---- */

static void
test_options_cors(void **state)
{
	struct opts o = {.cors = "https://app.example.com, http://localhost:8000",
	        .ice = "stun:stun.example.net:3478",
	        .tokens = "publish:live:" PUB_TOKEN};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char path[128];
	const char *links[2];

	(void)state;
	env_setup(&o);
	/* a preflight from an allowed origin: 200, no token needed, no Link (W34) */
	q = req(HTTP_OPTIONS, "/whip/live");
	q.origin = "https://app.example.com";
	q.acr_method = "POST";
	q.acr_headers = "authorization, content-type";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "POST, OPTIONS, GET, HEAD");
	assert_string_equal(http_resp_header_get(&r, "Accept-Post"), TYPE_SDP);
	assert_string_equal(
	        http_resp_header_get(&r, "Access-Control-Allow-Origin"), "https://app.example.com");
	assert_string_equal(http_resp_header_get(&r, "Vary"), "Origin");
	assert_string_equal(http_resp_header_get(&r, "Access-Control-Allow-Methods"),
	        "POST, OPTIONS, GET, HEAD");
	assert_string_equal(http_resp_header_get(&r, "Access-Control-Allow-Headers"),
	        "Authorization, Content-Type, If-Match");
	assert_string_equal(http_resp_header_get(&r, "Access-Control-Max-Age"), "86400");
	assert_int_equal(headers_all(&r, "Link", links, 2), 0);
	assert_true(r.body == NULL || r.body_len == 0);
	http_resp_free(&r);
	/* a plain OPTIONS without Origin: no CORS headers */
	q = req(HTTP_OPTIONS, "/whep/live");
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Accept-Post"), TYPE_SDP);
	assert_null(http_resp_header_get(&r, "Access-Control-Allow-Origin"));
	assert_null(http_resp_header_get(&r, "Access-Control-Allow-Methods"));
	http_resp_free(&r);
	/* origins compare without case; a refused origin is 403 without CORS headers */
	q = req(HTTP_OPTIONS, "/whip/live");
	q.origin = "HTTP://LOCALHOST:8000";
	q.acr_method = "POST";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	q = req(HTTP_OPTIONS, "/whip/live");
	q.origin = "https://evil.example";
	q.acr_method = "POST";
	refuse(&q, 403, "origin https://evil.example not allowed (http.cors_origins)", &r);
	assert_null(http_resp_header_get(&r, "Access-Control-Allow-Origin"));
	http_resp_free(&r);
	q = req(HTTP_POST, "/whip/live");
	q.origin = "https://app.example.com.evil";
	q.authorization = "Bearer " PUB_TOKEN;
	refuse(&q, 403, NULL, &r);
	http_resp_free(&r);
	/* a POST from an allowed origin: the 201 exposes our headers to the page */
	{
		char *offer = load_offer(FFMPEG);
		q = req(HTTP_POST, "/whip/live");
		set_body(&q, TYPE_SDP, offer);
		q.origin = "https://app.example.com";
		q.authorization = "Bearer " PUB_TOKEN;
		handle(&q, &r);
		s = created_session(&r, SESS_ROLE_WHIP, "live");
		assert_string_equal(http_resp_header_get(&r, "Access-Control-Allow-Origin"),
		        "https://app.example.com");
		assert_non_null(strstr(http_resp_header_get(&r, "Access-Control-Expose-Headers"),
		        "Location, ETag, Link"));
		assert_int_equal(headers_all(&r, "Link", links, 2), 1);
		http_resp_free(&r);
		/* an error to an allowed origin carries CORS headers too (the page can read it) */
		q = req(HTTP_POST, "/whip/live");
		set_body(&q, TYPE_SDP, offer);
		q.origin = "https://app.example.com";
		refuse(&q, 401, NULL, &r);
		assert_string_equal(http_resp_header_get(&r, "Access-Control-Allow-Origin"),
		        "https://app.example.com");
		http_resp_free(&r);
		free(offer);
	}
	/* OPTIONS on the session URL */
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	q = req(HTTP_OPTIONS, path);
	q.origin = "https://app.example.com";
	q.acr_method = "PATCH";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Allow"), "PATCH, DELETE, OPTIONS");
	assert_string_equal(http_resp_header_get(&r, "Accept-Patch"), TYPE_FRAG);
	assert_string_equal(
	        http_resp_header_get(&r, "Access-Control-Allow-Methods"), "PATCH, DELETE, OPTIONS");
	assert_null(http_resp_header_get(&r, "Accept-Post"));
	http_resp_free(&r);
	env_teardown(NULL);

	/* cors "*": any origin, ACAO "*", no Vary */
	o = (struct opts){.cors = "*"};
	env_setup(&o);
	q = req(HTTP_OPTIONS, "/whip/live");
	q.origin = "https://anything.example";
	q.acr_method = "POST";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Access-Control-Allow-Origin"), "*");
	assert_null(http_resp_header_get(&r, "Vary"));
	http_resp_free(&r);
	env_teardown(NULL);

	/* no CORS configured: an Origin changes nothing, a preflight gets no CORS headers */
	o = (struct opts){0};
	env_setup(&o);
	q = req(HTTP_OPTIONS, "/whip/live");
	q.origin = "https://anything.example";
	q.acr_method = "POST";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_null(http_resp_header_get(&r, "Access-Control-Allow-Origin"));
	assert_null(http_resp_header_get(&r, "Access-Control-Allow-Methods"));
	http_resp_free(&r);
	env_teardown(NULL);
}

/* ---- W2, E2: GET and HEAD ---- */

static void
test_get_head(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char path[128];

	(void)state;
	env_setup(&o);
	q = req(HTTP_GET, "/whip/live");
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	assert_true(r.body == NULL || r.body_len == 0);
	http_resp_free(&r);
	q = req(HTTP_HEAD, "/whep/live");
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Content-Type"), TYPE_SDP);
	assert_true(r.body == NULL || r.body_len == 0);
	http_resp_free(&r);
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	q = req(HTTP_GET, path);
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	q = req(HTTP_HEAD, path);
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	q = req(HTTP_GET, "/whip/live/0123456789abcdef0123456789abcdef");
	refuse(&q, 404, "no such session", &r);
	http_resp_free(&r);
	assert_int_equal(env.w.ctr.by_status[2], 5);
	assert_int_equal(env.w.ctr.by_status[4], 1);
	assert_int_equal(env.w.ctr.requests, 6);
	env_teardown(NULL);
}

/* ---- W10, W11, W18, W19, W20: trickle PATCH ---- */

static const char trickle_frag[] =
        "a=ice-options:trickle ice2\r\n"
        "a=group:BUNDLE 0 1\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=mid:0\r\n"
        "a=ice-ufrag:08a9c3f4\r\n"
        "a=ice-pwd:a202d23be47d1decaa6f67d04d4e6c16\r\n"
        "a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r\n"
        "a=candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active\r\n"
        "a=candidate:3 1 udp 2122260223 3f1c2b8e-1d2a-4c5e-9f00-1234567890ab.local 61765 "
        "typ host\r\n"
        "a=candidate:4 1 udp 1686052607 203.0.113.9 40000 typ srflx raddr 192.0.2.1 rport "
        "61764\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 106\r\n"
        "a=mid:1\r\n"
        "a=candidate:5 1 udp 2122260223 192.0.2.7 61766 typ host\r\n"
        "a=end-of-candidates\r\n";

static const char restart_frag[] = "a=ice-options:trickle ice2\r\n"
                                   "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                                   "a=mid:0\r\n"
                                   "a=ice-ufrag:ysXw\r\n"
                                   "a=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\n"
                                   "a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r\n";

static void
test_patch_trickle(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char path[128], etag[SESS_ETAG_MAX];
	const struct dpmsg_cmd *c;
	uint16_t w;

	(void)state;
	env_setup(&o);
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	drain_cmds();
	memcpy(etag, s->etag, sizeof(etag));
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	/* W19: 204, no body, no ETag; W20: TCP and mDNS dropped silently; W18: first m= only */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	assert_null(http_resp_header_get(&r, "ETag"));
	assert_true(r.body == NULL || r.body_len == 0);
	http_resp_free(&r);
	assert_int_equal(sessmgr_cmd_backlog(&env.sm), 2);
	assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
	assert_int_equal(c->type, DPMSG_SESS_CAND);
	assert_int_equal(w, s->worker);
	assert_int_equal(c->slot, s->slot);
	assert_int_equal(c->gen, s->gen);
	assert_int_equal(c->cand.addr.family, 4);
	assert_memory_equal(c->cand.addr.addr, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_int_equal(c->cand.addr.port, 61764);
	assert_int_equal(c->cand.priority, 2122260223u);
	sessmgr_pop_cmd(&env.sm);
	assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
	assert_int_equal(c->cand.addr.port, 40000);
	sessmgr_pop_cmd(&env.sm);
	assert_int_equal(s->remote_cands, 2);
	assert_int_equal(env.w.ctr.trickle, 1);
	assert_string_equal(s->etag, etag); /* trickle keeps the ICE session */

	/* with a matching If-Match: fine; "*" too */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=end-of-candidates\r\n");
	q.if_match = etag;
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, "Application/Trickle-ICE-Sdpfrag; charset=utf-8", "a=end-of-candidates\r\n");
	q.if_match = "*";
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	http_resp_free(&r);
	/* W15: a wrong entity tag is 412; a malformed one 400 */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	q.if_match = "\"0000000000000000\"";
	refuse(&q, 412, "If-Match does not match the ICE session's ETag", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	q.if_match = "W/"
	             "\"x\"";
	refuse(&q, 412, NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	q.if_match = "no-quotes";
	refuse(&q, 400, "If-Match is not an entity-tag list", &r);
	http_resp_free(&r);
	/* W11: another type is 415 with Accept-Patch; too big 413; malformed 400 */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_SDP, trickle_frag);
	refuse(&q, 415, "Content-Type must be application/trickle-ice-sdpfrag", &r);
	assert_string_equal(http_resp_header_get(&r, "Accept-Patch"), TYPE_FRAG);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	q.body_too_big = 1;
	refuse(&q, 413, "fragment larger than http.max_body", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
	refuse(&q, 400, "malformed trickle-ice-sdpfrag", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=candidate:garbage\r\n");
	refuse(&q, 400, "malformed trickle-ice-sdpfrag", &r);
	http_resp_free(&r);
	assert_int_equal(s->remote_cands, 2);

	/* a full dataplane queue: 503 + Retry-After, and not a candidate of the PATCH queued */
	{
		struct sdp_candidate cand = {.component = 1, .priority = 1, .port = 1, .type = 1};
		cand.addr.family = 4;
		while (sessmgr_add_candidate(&env.sm, s, &cand) == 0)
			;
		sessmgr_pop_cmd(&env.sm); /* room for one more: the PATCH carries two */
		q = req(HTTP_PATCH, path);
		set_body(&q, TYPE_FRAG, trickle_frag);
		refuse(&q, 503, "dataplane command queue is full", &r);
		assert_string_equal(http_resp_header_get(&r, "Retry-After"), "1");
		http_resp_free(&r);
		/* W23: a restart that cannot be queued leaves the ICE session as it is */
		q = req(HTTP_PATCH, path);
		set_body(&q, TYPE_FRAG, restart_frag);
		q.if_match = "*";
		refuse(&q, 503, "ICE session unchanged", &r);
		http_resp_free(&r);
		assert_false(s->restarting);
		assert_string_equal(s->etag, etag);
		sessmgr_pop_cmd(&env.sm);
		q = req(HTTP_PATCH, path);
		set_body(&q, TYPE_FRAG, trickle_frag);
		handle(&q, &r);
		assert_int_equal(r.status, 204);
		http_resp_free(&r);
	}
	env_teardown(NULL);
}

/* ---- W21..W25: ICE restart ---- */

static void
test_patch_restart(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	struct sdpfrag *f = malloc(sizeof(*f));
	struct sdp_error perr;
	char path[128], etag1[SESS_ETAG_MAX], etag2[SESS_ETAG_MAX];
	char ufrag1[UFRAG_LABEL_LEN + 1], pwd1[SESS_PWD_LEN + 1];
	const struct dpmsg_cmd *c;
	uint16_t w;
	struct ufrag_fields fo, fn;

	(void)state;
	assert_non_null(f);
	env_setup(&o);
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	drain_cmds();
	memcpy(etag1, s->etag, sizeof(etag1));
	memcpy(ufrag1, s->ufrag, sizeof(ufrag1));
	memcpy(pwd1, s->pwd, sizeof(pwd1));
	snprintf(path, sizeof(path), "/whip/live/%s", s->id);
	/* W15: a restart without If-Match is 428; with a wrong one 412; nothing changes */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, restart_frag);
	refuse(&q, 428, "an ICE restart needs If-Match", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, restart_frag);
	q.if_match = "\"ffffffffffffffff\"";
	refuse(&q, 412, NULL, &r);
	http_resp_free(&r);
	/* new credentials must be usable */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=ice-ufrag:ysXw\r\na=ice-pwd:short\r\n");
	q.if_match = "*";
	refuse(&q, 400, "an ICE restart needs a=ice-ufrag (4+) and a=ice-pwd (22+)", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=ice-ufrag:ysXw\r\n");
	q.if_match = "*";
	refuse(&q, 400, "an ICE restart needs", &r);
	http_resp_free(&r);
	assert_string_equal(s->etag, etag1);
	assert_false(s->restarting);

	/* W21, W22: 200, a fragment with the new credentials and a=ice-lite, a new ETag */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, restart_frag);
	q.if_match = etag1;
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_resp_header_get(&r, "Content-Type"), TYPE_FRAG);
	assert_string_not_equal(http_resp_header_get(&r, "ETag"), etag1);
	assert_string_equal(http_resp_header_get(&r, "ETag"), s->etag);
	memcpy(etag2, s->etag, sizeof(etag2));
	assert_int_equal(sdpfrag_parse(f, r.body, r.body_len, &perr), 0);
	assert_true(f->ice_lite); /* W24 */
	assert_string_equal(sdpfrag_ufrag(f), s->pending_ufrag);
	assert_string_equal(sdpfrag_pwd(f), s->pending_pwd);
	assert_string_not_equal(sdpfrag_ufrag(f), ufrag1);
	assert_int_equal(f->n_media, 1);
	assert_string_equal(f->media[0].mid, "0");
	assert_int_equal(f->media[0].n_cand, 2);
	assert_int_equal(f->media[0].cand[0].port, MEDIA_PORT);
	assert_true(f->media[0].end_of_candidates);
	http_resp_free(&r);
	/* the new label names the same slot, the next generation */
	assert_int_equal(ufrag_label_decode(&env.key, 1, ufrag1, UFRAG_LABEL_LEN, &fo), 0);
	assert_int_equal(
	        ufrag_label_decode(&env.key, 1, s->pending_ufrag, UFRAG_LABEL_LEN, &fn), 0);
	assert_int_equal(fo.slot, fn.slot);
	assert_int_not_equal(fo.generation, fn.generation);
	/* the session answers to the old credentials until the worker reports RESTARTED */
	assert_string_equal(s->ufrag, ufrag1);
	assert_string_equal(s->pwd, pwd1);
	assert_true(s->restarting);
	assert_string_equal(s->remote_ufrag, "ysXw");
	assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
	assert_int_equal(c->type, DPMSG_SESS_RESTART);
	assert_string_equal(c->creds.ufrag, s->pending_ufrag);
	assert_string_equal(c->creds.remote_ufrag, "ysXw");
	sessmgr_pop_cmd(&env.sm);
	assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
	assert_int_equal(c->type, DPMSG_SESS_CAND);
	sessmgr_pop_cmd(&env.sm);
	assert_int_equal(env.w.ctr.restarts, 1);
	{
		struct dpmsg_event ev = {.version = DPMSG_VERSION,
		        .type = DPMSG_EV_ICE_RESTARTED,
		        .worker = s->worker,
		        .slot = s->slot,
		        .gen = s->gen,
		        .sess_id = s->idx};
		sessmgr_handle_event(&env.sm, &ev, env.now);
	}
	assert_int_equal(s->gen, fn.generation);
	assert_string_equal(s->ufrag, s->pending_ufrag);
	assert_false(s->restarting);
	/* the old ETag is stale now: 412; the same ufrag again is a trickle */
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n");
	q.if_match = etag1;
	refuse(&q, 412, NULL, &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, restart_frag);
	handle(&q, &r);
	assert_int_equal(r.status, 204);
	assert_null(http_resp_header_get(&r, "ETag"));
	http_resp_free(&r);
	assert_string_equal(s->etag, etag2);
	free(f);
	env_teardown(NULL);
}

/* ---- W8, W14: DELETE ---- */

static void
test_delete(void **state)
{
	struct opts o = {0};
	struct http_resp r;
	struct http_req q;
	struct sess *s;
	char path[128];
	const struct dpmsg_cmd *c;
	uint16_t w;
	uint32_t slot, gen;

	(void)state;
	env_setup(&o);
	s = post_ok("/whep/live", CHROMIUM_RECV, SESS_ROLE_WHEP, "live", NULL, &r);
	http_resp_free(&r);
	drain_cmds();
	slot = s->slot;
	gen = s->gen;
	snprintf(path, sizeof(path), "/whep/live/%s", s->id);
	/* W14: an If-Match on DELETE is ignored, even a stale or malformed one */
	q = req(HTTP_DELETE, path);
	q.if_match = "\"stale\"";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(env.sm.n_live, 0);
	assert_null(sessmgr_stream(&env.sm, "live"));
	assert_int_equal(env.sm.ctr.closed[SESS_CLOSE_deleted], 1);
	assert_int_equal(env.w.ctr.deleted, 1);
	assert_int_equal(sessmgr_peek_cmd(&env.sm, &c, &w), 1);
	assert_int_equal(c->type, DPMSG_SESS_DEL);
	assert_int_equal(c->slot, slot);
	assert_int_equal(c->gen, gen);
	sessmgr_pop_cmd(&env.sm);
	/* W8: the URL is gone */
	q = req(HTTP_DELETE, path);
	refuse(&q, 404, "no such session", &r);
	http_resp_free(&r);
	q = req(HTTP_PATCH, path);
	set_body(&q, TYPE_FRAG, trickle_frag);
	refuse(&q, 404, NULL, &r);
	http_resp_free(&r);
	/* a malformed If-Match is ignored too */
	s = post_ok("/whip/live", FFMPEG, SESS_ROLE_WHIP, "live", NULL, &r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/whip/live/%s/", s->id); /* a trailing slash is tolerated */
	q = req(HTTP_DELETE, path);
	q.if_match = "garbage";
	handle(&q, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(env.sm.n_live, 0);
	env_teardown(NULL);
}

/* ---- configuration parsers ---- */

static void
test_config_parsers(void **state)
{
	char links[WHIP_MAX_ICE_SERVERS][WHIP_LINK_MAX], err[256];
	char stream[SESS_STREAM_MAX + 1];

	(void)state;
	assert_int_equal(
	        whip_ice_servers_parse("", links, WHIP_MAX_ICE_SERVERS, err, sizeof(err)), 0);
	assert_int_equal(whip_ice_servers_parse(" stun:a.example:3478 , stuns:b.example ,"
	                                        "turns:t.example:5349?transport=tcp|u|c ",
	                         links, WHIP_MAX_ICE_SERVERS, err, sizeof(err)),
	        3);
	assert_string_equal(links[0], "<stun:a.example:3478>; rel=\"ice-server\"");
	assert_string_equal(links[1], "<stuns:b.example>; rel=\"ice-server\"");
	assert_string_equal(links[2],
	        "<turns:t.example:5349?transport=tcp>; rel=\"ice-server\"; "
	        "username=\"u\"; credential=\"c\"; credential-type=\"password\"");
	assert_int_equal(whip_ice_servers_parse("http://x", links, 8, err, sizeof(err)), -1);
	assert_string_equal(err, "item 1: not a stun:, stuns:, turn: or turns: URI");
	assert_int_equal(whip_ice_servers_parse("stun:a,turn:b", links, 8, err, sizeof(err)), -1);
	assert_string_equal(err, "item 2: turn URIs need |username|credential, stun URIs none");
	assert_int_equal(whip_ice_servers_parse("stun:a|u|c", links, 8, err, sizeof(err)), -1);
	assert_int_equal(whip_ice_servers_parse("turn:b|u", links, 8, err, sizeof(err)), -1);
	assert_int_equal(whip_ice_servers_parse("turn:b|u\"x|c", links, 8, err, sizeof(err)), -1);
	assert_string_equal(err, "item 1: characters not allowed in a Link header");
	assert_int_equal(whip_ice_servers_parse("turn:b||c", links, 8, err, sizeof(err)), -1);
	assert_int_equal(whip_ice_servers_parse("turn:b|u|", links, 8, err, sizeof(err)), -1);
	assert_int_equal(whip_ice_servers_parse("stun:a>b", links, 8, err, sizeof(err)), -1);
	assert_int_equal(
	        whip_ice_servers_parse("stun:a,stun:b,stun:c", links, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "more than 2 servers");

	assert_true(whip_stream_name_ok("live"));
	assert_true(whip_stream_name_ok("A-z_0.9~"));
	assert_false(whip_stream_name_ok(""));
	assert_false(whip_stream_name_ok("a/b"));
	assert_false(whip_stream_name_ok("a b"));
	assert_false(whip_stream_name_ok("a*"));
	memset(stream, 's', SESS_STREAM_MAX - 1);
	stream[SESS_STREAM_MAX - 1] = '\0';
	assert_true(whip_stream_name_ok(stream));
	stream[SESS_STREAM_MAX - 1] = 's';
	stream[SESS_STREAM_MAX] = '\0';
	assert_false(whip_stream_name_ok(stream));

	/* whip_init refuses bad origins and ICE servers, naming the key */
	{
		struct whip w;
		struct sdp_fingerprint fp = {0};
		config_defaults(&env.cfg);
		snprintf(env.cfg.cors_origins, sizeof(env.cfg.cors_origins), "ftp://x");
		assert_int_equal(
		        whip_init(&w, &env.cfg, NULL, NULL, NULL, &fp, err, sizeof(err)), -1);
		assert_string_equal(err, "http.cors_origins: 'ftp://x' is not an origin "
		                         "(scheme://host[:port], no path)");
		snprintf(env.cfg.cors_origins, sizeof(env.cfg.cors_origins), "https://x/");
		assert_int_equal(
		        whip_init(&w, &env.cfg, NULL, NULL, NULL, &fp, err, sizeof(err)), -1);
		snprintf(env.cfg.cors_origins, sizeof(env.cfg.cors_origins), "https://x");
		snprintf(env.cfg.ice_servers, sizeof(env.cfg.ice_servers), "turn:x");
		assert_int_equal(
		        whip_init(&w, &env.cfg, NULL, NULL, NULL, &fp, err, sizeof(err)), -1);
		assert_string_equal(err,
		        "http.ice_servers: item 1: turn URIs need |username|credential, "
		        "stun URIs none");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_post_real_offers),
	        cmocka_unit_test(test_whep_follows_publisher),
	        cmocka_unit_test(test_refusals_route_method),
	        cmocka_unit_test(test_refusals_body),
	        cmocka_unit_test(test_refusals_sessions),
	        cmocka_unit_test(test_auth),
	        cmocka_unit_test(test_rate_limit),
	        cmocka_unit_test(test_options_cors),
	        cmocka_unit_test(test_get_head),
	        cmocka_unit_test(test_patch_trickle),
	        cmocka_unit_test(test_patch_restart),
	        cmocka_unit_test(test_delete),
	        cmocka_unit_test(test_config_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
