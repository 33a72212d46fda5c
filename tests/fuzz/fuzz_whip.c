/*
 * libFuzzer target: the WHIP/WHEP request pipeline (ctrlplane/whip.c) with
 * everything under it (http.c parsers, auth.c, ratelimit.c, session.c,
 * sdp*.c).
 *
 * Input: byte 0 the method (mod 8: OTHER, GET, HEAD, POST, PATCH, DELETE,
 * OPTIONS, PUT), byte 1 flags (bit 0..4: Content-Type, Authorization,
 * If-Match, Origin, Access-Control-Request-Method present; bit 5: body too
 * big; bit 6: an IPv6 peer; bit 7: no peer address), then NUL-separated
 * fields: path, Content-Type, Authorization, If-Match, Origin,
 * Access-Control-Request-Method; the rest is the body. In the path "{id}"
 * becomes the id of the session that exists, in If-Match "{etag}" its ETag,
 * in Authorization "{jwt}" a valid signed token.
 *
 * State is fresh for every input (bounded memory): a session manager with
 * 4 slots on 2 workers, a static token and a JWT secret, a CORS origin,
 * two ICE servers, a rate limit; one FFmpeg WHIP offer is POSTed first so a
 * session exists for PATCH/DELETE to reach.
 *
 * Invariants after the request: a status in 100..599; a 4xx/5xx has a
 * one-line text body; no header overflow; a 201 names a live session; no
 * session is left reserved; the session table, by_state, worker loads,
 * free lists, streams and the DEL reserve of the command queue agree.
 * Every string field is an exact-size heap copy (reads past it: ASan).
 * FUZZ_WHIP_TRACE=1 prints each request's status (to see what a corpus reaches).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "whip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TOKEN "fuzztoken-000001"
#define FUZZ_JWT_SECRET "fuzz whip jwt secret, 32 bytes or more"
#define FUZZ_SECRET "fuzz whip cluster secret 00001"
#define FUZZ_NOW_UNIX 1800000000
#define FUZZ_NOW_US 5000000000ull

/* tests/vectors/sdp/ffmpeg_whip_offer_sendonly_opus_h264.sdp */
static const char ffmpeg_offer[] =
        "v=0\r\n"
        "o=FFmpeg 4489045141692799359 2 IN IP4 127.0.0.1\r\n"
        "s=FFmpegPublishSession\r\n"
        "t=0 0\r\n"
        "a=group:BUNDLE 0 1\r\n"
        "a=extmap-allow-mixed\r\n"
        "a=msid-semantic: WMS\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "c=IN IP4 0.0.0.0\r\n"
        "a=ice-ufrag:08a9c3f4\r\n"
        "a=ice-pwd:a202d23be47d1decaa6f67d04d4e6c16\r\n"
        "a=fingerprint:sha-256 21:69:7C:46:D3:DC:4D:D3:66:61:5C:C5:6A:0B:F7:36:BD:91:A9:2A:"
        "FF:BC:1A:59:D9:38:38:C8:E2:A4:8D:AF\r\n"
        "a=setup:passive\r\n"
        "a=mid:0\r\n"
        "a=sendonly\r\n"
        "a=msid:FFmpeg audio\r\n"
        "a=rtcp-mux\r\n"
        "a=rtpmap:111 opus/48000/2\r\n"
        "a=ssrc:3166090378 cname:FFmpeg\r\n"
        "a=ssrc:3166090378 msid:FFmpeg audio\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 106 105\r\n"
        "c=IN IP4 0.0.0.0\r\n"
        "a=ice-ufrag:08a9c3f4\r\n"
        "a=ice-pwd:a202d23be47d1decaa6f67d04d4e6c16\r\n"
        "a=fingerprint:sha-256 21:69:7C:46:D3:DC:4D:D3:66:61:5C:C5:6A:0B:F7:36:BD:91:A9:2A:"
        "FF:BC:1A:59:D9:38:38:C8:E2:A4:8D:AF\r\n"
        "a=setup:passive\r\n"
        "a=mid:1\r\n"
        "a=sendonly\r\n"
        "a=msid:FFmpeg video\r\n"
        "a=rtcp-mux\r\n"
        "a=rtcp-rsize\r\n"
        "a=rtpmap:106 H264/90000\r\n"
        "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001e\r\n"
        "a=rtcp-fb:106 nack\r\n"
        "a=rtpmap:105 rtx/90000\r\n"
        "a=fmtp:105 apt=106\r\n"
        "a=ssrc-group:FID 3166090379 3166090380\r\n"
        "a=ssrc:3166090379 cname:FFmpeg\r\n"
        "a=ssrc:3166090379 msid:FFmpeg video\r\n";

struct fuzz_env {
	struct rtc_config cfg;
	struct ufrag_key key;
	struct sessmgr sm;
	struct auth auth;
	struct ratelimit rl;
	struct whip w;
};

static struct fuzz_env *env;
static char fuzz_jwt[512];

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_env_up(void)
{
	struct sessmgr_config sc;
	struct sdp_fingerprint fp;
	char err[256];

	if (env == NULL) {
		env = calloc(1, sizeof(*env));
		fuzz_check(env != NULL);
		fuzz_check(auth_jwt_mint(FUZZ_JWT_SECRET, strlen(FUZZ_JWT_SECRET), "*", "any",
		                   FUZZ_NOW_UNIX + 3600, fuzz_jwt, sizeof(fuzz_jwt)) > 0);
	}
	config_defaults(&env->cfg);
	snprintf(env->cfg.cors_origins, sizeof(env->cfg.cors_origins), "https://app.example.com");
	snprintf(env->cfg.ice_servers, sizeof(env->cfg.ice_servers),
	        "stun:stun.example.net:3478,turn:turn.example.net:3478?transport=udp|u|p");
	env->cfg.n_ipv4 = 1;
	env->cfg.ipv4[0].addr = htonl(0xc6336410); /* 198.51.100.16 */
	env->cfg.n_ipv6 = 1;
	memset(env->cfg.ipv6[0].addr, 0, 16);
	env->cfg.ipv6[0].addr[0] = 0x20;
	env->cfg.ipv6[0].addr[1] = 0x01;
	env->cfg.ipv6[0].addr[15] = 0x10;
	env->cfg.media_port = 20000;
	fuzz_check(ufrag_key_init(&env->key, 0, FUZZ_SECRET, strlen(FUZZ_SECRET)) == 0);
	memset(&sc, 0, sizeof(sc));
	sc.max = 4;
	sc.max_per_stream = 3;
	sc.max_per_token = 3;
	sc.setup_timeout_s = 30;
	sc.idle_timeout_s = 60;
	sc.whep_no_publisher = CONFIG_WHEP_409;
	sc.n_workers = 2;
	sc.node_id = 9;
	sc.local_priority = 2130706431u;
	sc.key = &env->key;
	fuzz_check(sessmgr_init(&env->sm, &sc, err, sizeof(err)) == 0);
	fuzz_check(
	        auth_init(&env->auth, "any:*:" FUZZ_TOKEN, FUZZ_JWT_SECRET, err, sizeof(err)) == 0);
	ratelimit_init(&env->rl, 1, 4);
	memset(&fp, 0, sizeof(fp));
	fp.alg = SDP_HASH_SHA256;
	fp.len = 32;
	fuzz_check(whip_init(&env->w, &env->cfg, &env->sm, &env->auth, &env->rl, &fp, err,
	                   sizeof(err)) == 0);
}

static void
fuzz_env_down(void)
{
	whip_fini(&env->w);
	sessmgr_fini(&env->sm);
	auth_clear(&env->auth);
}

/* The table's counters agree with its contents. */
static void
fuzz_check_sessions(const struct sessmgr *m)
{
	uint32_t used = 0, by_state = 0, load = 0, in_streams = 0, streams = 0;

	fuzz_check(m->n_reserved == 0 && m->by_state[SESS_STATE_RESERVED] == 0);
	for (uint32_t i = 0; i < m->cfg.max; i++) {
		used += m->sess[i].used;
		if (m->streams[i].used) {
			streams++;
			in_streams += m->streams[i].n_sessions;
			fuzz_check(
			        m->streams[i].publisher < 0 ||
			        (m->sess[m->streams[i].publisher].used &&
			                m->sess[m->streams[i].publisher].role == SESS_ROLE_WHIP));
		}
	}
	for (unsigned k = 0; k < SESS_STATE__COUNT; k++)
		by_state += m->by_state[k];
	for (unsigned w = 0; w < m->cfg.n_workers; w++) {
		load += m->workers[w].load;
		fuzz_check(m->workers[w].load + m->workers[w].n_free == m->workers[w].cap);
	}
	fuzz_check(used == m->n_live && by_state == used && load == used);
	fuzz_check(m->n_free + used == m->cfg.max);
	fuzz_check(in_streams == used && streams == m->n_streams);
	fuzz_check(m->stream_n_free + m->n_streams == m->cfg.max);
	fuzz_check(m->cmd_cap - sessmgr_cmd_backlog(m) >= m->n_live);
}

static void
fuzz_check_response(const struct http_resp *r)
{
	fuzz_check(r->status >= 100 && r->status <= 599);
	fuzz_check(!r->hdr_overflow);
	if (r->status >= 400) {
		const char *nl;
		fuzz_check(r->body != NULL && r->body_len >= 1);
		fuzz_check(strlen(r->body) == r->body_len);
		nl = strchr(r->body, '\n');
		fuzz_check(nl == r->body + r->body_len - 1);
		fuzz_check(strchr(r->body, '\r') == NULL);
		fuzz_check(http_resp_header_get(r, "Content-Type") != NULL);
	}
	if (r->status == 201) {
		const char *loc = http_resp_header_get(r, "Location");
		fuzz_check(loc != NULL && strlen(loc) > SESS_ID_LEN);
		fuzz_check(sessmgr_find(&env->sm, loc + strlen(loc) - SESS_ID_LEN) != NULL);
	}
}

/* An exact-size heap copy of @s[0..n) with every @key replaced by @val. */
static char *
fuzz_subst(const uint8_t *s, size_t n, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = strlen(val), out_n = 0, hits = 0;
	char *out;

	for (size_t i = 0; i + kl <= n; i++)
		if (memcmp(s + i, key, kl) == 0) {
			hits++;
			i += kl - 1;
		}
	out = malloc(n + hits * vl + 1);
	fuzz_check(out != NULL);
	for (size_t i = 0; i < n;) {
		if (i + kl <= n && memcmp(s + i, key, kl) == 0) {
			memcpy(out + out_n, val, vl);
			out_n += vl;
			i += kl;
		} else {
			out[out_n++] = (char)s[i++];
		}
	}
	out[out_n] = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const none = "";
	const uint8_t *p, *end;
	const uint8_t *field[6];
	size_t flen[6];
	char *s[6] = {0};
	uint8_t *body = NULL;
	size_t body_len;
	struct http_req q;
	struct http_resp r;
	struct sess *live;
	uint8_t flags;
	char id[SESS_ID_LEN + 1], etag[SESS_ETAG_MAX];

	if (size < 2 || size > 65536)
		return 0;
	fuzz_env_up();

	/* the session PATCH and DELETE can reach */
	memset(&q, 0, sizeof(q));
	q.method = HTTP_POST;
	q.method_str = "POST";
	q.path = "/whip/live";
	q.content_type = "application/sdp";
	q.authorization = "Bearer " FUZZ_TOKEN;
	q.body = (const uint8_t *)ffmpeg_offer;
	q.body_len = sizeof(ffmpeg_offer) - 1;
	q.peer_family = 4;
	q.peer[0] = 203;
	q.now_us = FUZZ_NOW_US;
	q.unix_s = FUZZ_NOW_UNIX;
	http_resp_init(&r);
	whip_handle(&env->w, &q, &r);
	fuzz_check(r.status == 201);
	live = sessmgr_find(&env->sm, strrchr(http_resp_header_get(&r, "Location"), '/') + 1);
	fuzz_check(live != NULL);
	memcpy(id, live->id, sizeof(id));
	memcpy(etag, live->etag, sizeof(etag));
	http_resp_free(&r);

	/* the fuzzed request */
	flags = data[1];
	p = data + 2;
	end = data + size;
	for (int i = 0; i < 6; i++) {
		const uint8_t *z = memchr(p, 0, (size_t)(end - p));
		field[i] = p;
		flen[i] = z ? (size_t)(z - p) : (size_t)(end - p);
		p = z ? z + 1 : end;
	}
	body_len = (size_t)(end - p);
	if (body_len > 0) {
		body = malloc(body_len);
		fuzz_check(body != NULL);
		memcpy(body, p, body_len);
	}
	s[0] = fuzz_subst(field[0], flen[0], "{id}", id);
	s[1] = fuzz_subst(field[1], flen[1], "{}", none);
	s[2] = fuzz_subst(field[2], flen[2], "{jwt}", fuzz_jwt);
	s[3] = fuzz_subst(field[3], flen[3], "{etag}", etag);
	s[4] = fuzz_subst(field[4], flen[4], "{}", none);
	s[5] = fuzz_subst(field[5], flen[5], "{}", none);

	memset(&q, 0, sizeof(q));
	q.method = (enum http_method)(data[0] % 8);
	q.method_str = http_method_name(q.method);
	q.path = s[0];
	q.content_type = flags & 1 ? s[1] : NULL;
	q.authorization = flags & 2 ? s[2] : NULL;
	q.if_match = flags & 4 ? s[3] : NULL;
	q.origin = flags & 8 ? s[4] : NULL;
	q.acr_method = flags & 16 ? s[5] : NULL;
	q.body_too_big = (flags & 32) != 0;
	q.peer_family = flags & 128 ? 0 : flags & 64 ? 6 : 4;
	q.peer[0] = flags & 64 ? 0xfd : 198;
	q.peer[15] = 1;
	q.body = body;
	q.body_len = body_len;
	q.now_us = FUZZ_NOW_US + 1000;
	q.unix_s = FUZZ_NOW_UNIX;
	http_resp_init(&r);
	whip_handle(&env->w, &q, &r);
	fuzz_check_response(&r);
	fuzz_check_sessions(&env->sm);
	if (getenv("FUZZ_WHIP_TRACE") != NULL) /* which statuses a corpus reaches */
		fprintf(stderr, "%s %s -> %d %s", q.method_str, q.path, r.status,
				r.status >= 400 ? r.body : "\n");
	http_resp_free(&r);

	for (int i = 0; i < 6; i++)
		free(s[i]);
	free(body);
	fuzz_env_down();
	return 0;
}
