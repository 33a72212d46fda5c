/* WHIP/WHEP endpoints (see whip.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sdpfrag.h"
#include "whip.h"

#define TYPE_SDP "application/sdp"
#define TYPE_FRAG "application/trickle-ice-sdpfrag"
#define ANSWER_CAP 16384

static const char *const endpoint_names[] = {"whip", "whep"};

int
whip_stream_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SESS_STREAM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				    c == '-' || c == '.' || c == '_' || c == '~'))
			return 0;
	}
	return 1;
}

/* A Link target or parameter value must not break the header's quoting. */
static int
link_text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '"' || s[i] == '\\' || s[i] == '>' || s[i] == '<' || s[i] == ',' ||
				(unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

int
whip_ice_servers_parse(const char *spec, char links[][WHIP_LINK_MAX], unsigned max, char *err,
		size_t errlen)
{
	const char *list = *spec ? spec : NULL, *p;
	size_t len;
	unsigned n = 0;

	while (http_list_next(&list, &p, &len)) {
		const char *bar1, *bar2 = NULL;
		size_t ulen;
		int turn = len >= 5 && (strncmp(p, "turn:", 5) == 0 || strncmp(p, "turns:", 6) == 0);

		if (!turn && (len < 5 || (strncmp(p, "stun:", 5) != 0 && strncmp(p, "stuns:", 6) != 0))) {
			snprintf(err, errlen, "item %u: not a stun:, stuns:, turn: or turns: URI", n + 1);
			return -1;
		}
		bar1 = memchr(p, '|', len);
		if (bar1 != NULL)
			bar2 = memchr(bar1 + 1, '|', len - (size_t)(bar1 + 1 - p));
		if (turn != (bar1 != NULL) || (bar1 != NULL && bar2 == NULL)) {
			snprintf(err, errlen, "item %u: turn URIs need |username|credential, stun URIs none",
					n + 1);
			return -1;
		}
		ulen = bar1 ? (size_t)(bar1 - p) : len;
		if (!link_text_ok(p, ulen) ||
				(bar1 && (!link_text_ok(bar1 + 1, (size_t)(bar2 - bar1 - 1)) ||
						 !link_text_ok(bar2 + 1, (size_t)(p + len - bar2 - 1)) ||
						 bar2 == bar1 + 1 || bar2 + 1 == p + len))) {
			snprintf(err, errlen, "item %u: characters not allowed in a Link header", n + 1);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %u servers", max);
			return -1;
		}
		if (bar1 == NULL)
			snprintf(links[n], WHIP_LINK_MAX, "<%.*s>; rel=\"ice-server\"", (int)ulen, p);
		else
			snprintf(links[n], WHIP_LINK_MAX,
					"<%.*s>; rel=\"ice-server\"; username=\"%.*s\"; "
					"credential=\"%.*s\"; credential-type=\"password\"",
					(int)ulen, p, (int)(bar2 - bar1 - 1), bar1 + 1,
					(int)(p + len - bar2 - 1), bar2 + 1);
		n++;
	}
	return (int)n;
}

static int
origins_parse(struct whip *w, const char *spec, char *err, size_t errlen)
{
	const char *list = *spec ? spec : NULL, *p;
	size_t len;

	w->cors_any = 0;
	w->n_origins = 0;
	if (strcmp(spec, "*") == 0) {
		w->cors_any = 1;
		return 0;
	}
	while (http_list_next(&list, &p, &len)) {
		if (len < 8 || (strncmp(p, "https://", 8) != 0 && strncmp(p, "http://", 7) != 0) ||
				len >= WHIP_ORIGIN_MAX || !link_text_ok(p, len) || p[len - 1] == '/') {
			snprintf(err, errlen, "'%.*s' is not an origin (scheme://host[:port], no path)",
					(int)len, p);
			return -1;
		}
		if (w->n_origins == WHIP_MAX_ORIGINS) {
			snprintf(err, errlen, "more than %d origins", WHIP_MAX_ORIGINS);
			return -1;
		}
		memcpy(w->origins[w->n_origins], p, len);
		w->origins[w->n_origins][len] = '\0';
		w->n_origins++;
	}
	return 0;
}

int
whip_init(struct whip *w, const struct rtc_config *cfg, struct sessmgr *sm,
		const struct auth *auth, struct ratelimit *rl, const struct sdp_fingerprint *fp,
		char *err, size_t errlen)
{
	char why[256];
	int n;

	memset(w, 0, sizeof(*w));
	w->sm = sm;
	w->auth = auth;
	w->rl = rl;
	w->retry_after_s = cfg->retry_after_s;
	if (origins_parse(w, cfg->cors_origins, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "http.cors_origins: %s", why);
		return -1;
	}
	n = whip_ice_servers_parse(cfg->ice_servers, w->links, WHIP_MAX_ICE_SERVERS, why,
			sizeof(why));
	if (n < 0) {
		snprintf(err, errlen, "http.ice_servers: %s", why);
		return -1;
	}
	w->n_links = (unsigned)n;
	w->voice = (uint8_t)cfg->voice;
	w->export_on = cfg->export_target[0] != '\0';
	snprintf(w->export_streams, sizeof(w->export_streams), "%s", cfg->export_streams);
	sdp_policy_default(&w->pol[SESS_ROLE_WHIP],
			cfg->voice == CONFIG_VOICE_OFF ? SDP_MODE_WHIP : SDP_MODE_VOICE);
	sdp_policy_default(&w->pol[SESS_ROLE_WHEP], SDP_MODE_WHEP);
	/* bandwidth feedback is REMB (the node tells publishers a target, the lowest of its
	 * cap and its viewers' REMBs): no transport-wide CC, which rtcedge does not answer */
	for (unsigned r = 0; r < 2; r++) {
		struct sdp_policy *p = &w->pol[r];
		unsigned k = 0;
		p->fb &= ~(uint32_t)SDP_FB_TRANSPORT_CC;
		for (unsigned i = 0; i < p->n_ext; i++)
			if (strstr(p->ext[i], "transport-wide-cc") == NULL)
				memcpy(p->ext[k++], p->ext[i], sizeof(p->ext[0]));
		p->n_ext = (uint8_t)k;
	}
	w->local.fp = *fp;
	w->local.port = (uint16_t)cfg->media_port;
	for (unsigned i = 0; i < cfg->n_ipv4 && w->local.n_addrs < SDP_MAX_LOCAL_ADDR; i++) {
		struct sdp_addr *a = &w->local.addrs[w->local.n_addrs++];
		a->family = 4;
		memcpy(a->addr, &cfg->ipv4[i].addr, 4);
	}
	for (unsigned i = 0; i < cfg->n_ipv6 && w->local.n_addrs < SDP_MAX_LOCAL_ADDR; i++) {
		struct sdp_addr *a = &w->local.addrs[w->local.n_addrs++];
		a->family = 6;
		memcpy(a->addr, cfg->ipv6[i].addr, 16);
	}
	w->offer = malloc(sizeof(*w->offer));
	w->answer = malloc(sizeof(*w->answer));
	w->text_cap = ANSWER_CAP;
	w->text = malloc(w->text_cap);
	if (w->offer == NULL || w->answer == NULL || w->text == NULL) {
		whip_fini(w);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
whip_fini(struct whip *w)
{
	free(w->offer);
	free(w->answer);
	free(w->text);
	w->offer = NULL;
	w->answer = NULL;
	w->text = NULL;
}

/* ---- CORS ---- */

/* 1 allowed (headers added), 0 no CORS in play, -1 refused (403 written). */
static int
cors(struct whip *w, const struct http_req *q, struct http_resp *r)
{
	int ok = 0;

	if (q->origin == NULL || (!w->cors_any && w->n_origins == 0))
		return 0;
	if (w->cors_any)
		ok = 1;
	for (unsigned i = 0; i < w->n_origins && !ok; i++)
		ok = strcasecmp(w->origins[i], q->origin) == 0;
	if (!ok) {
		http_resp_error(r, 403, "origin %s not allowed (http.cors_origins)", q->origin);
		return -1;
	}
	http_resp_header(r, "Access-Control-Allow-Origin", "%s", w->cors_any ? "*" : q->origin);
	if (!w->cors_any)
		http_resp_header(r, "Vary", "Origin");
	http_resp_header(r, "Access-Control-Expose-Headers",
			"Location, ETag, Link, Accept-Patch, Accept-Post, Retry-After, "
			"WWW-Authenticate");
	return 1;
}

/* ---- helpers ---- */

static void
retry_after(struct whip *w, struct http_resp *r, uint32_t s)
{
	http_resp_header(r, "Retry-After", "%u", s ? s : w->retry_after_s);
}

static int
check_rate(struct whip *w, const struct http_req *q, struct http_resp *r)
{
	uint32_t wait;

	if (q->peer_family == 0)
		return 0;
	wait = ratelimit_take(w->rl, q->peer_family, q->peer, q->now_us);
	if (wait == 0)
		return 0;
	w->ctr.rate_limited++;
	http_resp_error(r, 429, "too many requests from this address (http.rate_limit)");
	retry_after(w, r, wait);
	return -1;
}

static int
check_auth(struct whip *w, const struct http_req *q, struct http_resp *r, const char *stream,
		enum sess_role role, struct auth_grant *g)
{
	char why[128];
	enum auth_verdict v = auth_check(w->auth, q->authorization, stream,
			role == SESS_ROLE_WHIP ? AUTH_ROLE_PUBLISH : AUTH_ROLE_PLAY, q->unix_s, g, why,
			sizeof(why));

	if (v == AUTH_OK)
		return 0;
	w->ctr.auth_refused++;
	http_resp_error(r, auth_http_status(v), "%s", why);
	/* RFC 6750 §3: a challenge on every 401; the error code when there was a token */
	if (v == AUTH_NO_TOKEN)
		http_resp_header(r, "WWW-Authenticate", "Bearer realm=\"rtcedge\"");
	else
		http_resp_header(r, "WWW-Authenticate",
				"Bearer realm=\"rtcedge\", error=\"%s\", error_description=\"%s\"",
				auth_error_code(v), why);
	return -1;
}

static void
method_not_allowed(struct http_resp *r, const char *allow, const struct http_req *q)
{
	http_resp_error(r, 405, "%s not allowed here (allowed: %s)", q->method_str, allow);
	http_resp_header(r, "Allow", "%s", allow);
}

static void
options(struct whip *w, const struct http_req *q, struct http_resp *r, int session_url)
{
	const char *allow = session_url ? "PATCH, DELETE, OPTIONS" : "POST, OPTIONS, GET, HEAD";

	r->status = 200;
	http_resp_header(r, "Allow", "%s", allow);
	if (session_url)
		http_resp_header(r, "Accept-Patch", TYPE_FRAG);
	else
		http_resp_header(r, "Accept-Post", TYPE_SDP); /* W9 */
	if (q->acr_method != NULL && (w->cors_any || w->n_origins)) {
		/* a preflight: no Link headers here (W34) */
		http_resp_header(r, "Access-Control-Allow-Methods", "%s", allow);
		http_resp_header(r, "Access-Control-Allow-Headers",
				"Authorization, Content-Type, If-Match");
		http_resp_header(r, "Access-Control-Max-Age", "86400");
	}
}

static uint32_t
rand_u32(void)
{
	uint32_t v = 0;

	while (v == 0)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			return 0x5eed;
	return v;
}

/* Viewers get the publisher's codecs: restrict the policy's rules of each kind it sends. */
static void
policy_for_viewer(struct sdp_policy *p, const struct sess *pub)
{
	struct sdp_policy in = *p;

	if (pub == NULL)
		return;
	p->n_codecs = 0;
	for (unsigned i = 0; i < in.n_codecs; i++) {
		const struct sdp_codec_rule *rule = &in.codecs[i];
		const struct sess_track *t = NULL;
		for (unsigned k = 0; k < pub->n_tracks; k++)
			if (pub->tracks[k].kind == rule->kind)
				t = &pub->tracks[k];
		if (t == NULL || (strcasecmp(t->codec, rule->name) == 0 && t->clock == rule->clock))
			p->codecs[p->n_codecs++] = *rule;
	}
}

/*
 * The answer's extmaps of one section reduced to the node's forwarding table
 * (fwd.h): per URI the forwarder knows, the negotiated id, if it runs our way
 * (RFC 8285 §5: a viewer's are sent by us, a publisher's received), the mid
 * (up to FWD_MID_MAX bytes, the one-byte form's limit) and the §6 mixed form.
 */
static void
session_extmap(struct fwd_extmap *x, const struct sdp_answer *a, const struct sdp_answer_media *m,
		int we_send)
{
	size_t mid_len = strlen(m->mid);

	memset(x, 0, sizeof(*x));
	for (unsigned k = 0; k < m->n_extmap && k < SDP_MAX_EXTMAP; k++) {
		const struct sdp_extmap *e = &m->extmap[k];
		int i = fwd_ext_index(e->uri);
		if (i < 0 || e->id == 0 || e->id > 255 || e->dir == SDP_DIR_INACTIVE ||
				e->dir == (we_send ? SDP_DIR_RECVONLY : SDP_DIR_SENDONLY))
			continue;
		x->id[i] = (uint8_t)e->id;
	}
	if (mid_len >= 1 && mid_len <= FWD_MID_MAX) {
		memcpy(x->mid, m->mid, mid_len);
		x->mid_len = (uint8_t)mid_len;
	}
	x->mixed = a->extmap_allow_mixed;
}

/*
 * RFC 8843 §9.2: bundled m= sections share one id space, an id naming one URI.
 * An offer that gives one id to different URIs in its audio and video sections
 * (aiortc's: 2 is ssrc-audio-level and abs-send-time) cannot be read by its own
 * receiver (aiortc keeps one id per URI for the transport and fails on the
 * other); we send a viewer neither element of such an id.
 */
static void
session_extmap_unshare(struct fwd_extmap *a, struct fwd_extmap *b)
{
	for (unsigned i = 0; i < FWD_EXT_N; i++)
		for (unsigned j = 0; j < FWD_EXT_N; j++)
			if (i != j && a->id[i] != 0 && a->id[i] == b->id[j]) {
				uint8_t id = a->id[i];
				for (unsigned k = 0; k < FWD_EXT_N; k++) {
					if (a->id[k] == id)
						a->id[k] = 0;
					if (b->id[k] == id)
						b->id[k] = 0;
				}
			}
}

static void
session_summary(struct sess *s, const struct sdp_answer *a)
{
	s->n_tracks = 0;
	s->dtls_setup = a->setup;
	snprintf(s->remote_fp_alg, sizeof(s->remote_fp_alg), "%s",
			sdp_hash_name((enum sdp_hash)a->remote_fp.alg));
	{
		size_t n = (size_t)snprintf(s->remote_fp, sizeof(s->remote_fp), "%s ",
				sdp_hash_name((enum sdp_hash)a->remote_fp.alg));
		for (unsigned i = 0; i < a->remote_fp.len && n + 3 < sizeof(s->remote_fp); i++)
			n += (size_t)snprintf(s->remote_fp + n, sizeof(s->remote_fp) - n, "%s%02X",
					i ? ":" : "", a->remote_fp.bytes[i]);
	}
	for (unsigned i = 0; i < a->n_media && s->n_tracks < 2; i++) {
		const struct sdp_answer_media *m = &a->media[i];
		struct sess_track *t;
		if (!m->accepted || (m->kind != SDP_KIND_AUDIO && m->kind != SDP_KIND_VIDEO))
			continue;
		t = &s->tracks[s->n_tracks++];
		t->kind = m->kind;
		t->dir = m->dir;
		t->pt = m->codec.pt;
		t->channels = m->codec.channels;
		t->clock = m->codec.clock;
		snprintf(t->codec, sizeof(t->codec), "%s", m->codec.name);
		snprintf(t->mid, sizeof(t->mid), "%s", m->mid);
		t->remote_ssrc = m->n_remote_ssrc ? m->remote_ssrcs[0].ssrc : 0;
		t->local_ssrc = m->local.ssrc;
		t->has_rtx = m->has_rtx;
		t->rtx_pt = m->rtx.pt;
		t->local_rtx_ssrc = m->local.rtx_ssrc;
		session_extmap(&t->ext, a, m, s->role == SESS_ROLE_WHEP);
	}
	if (s->role == SESS_ROLE_WHEP && s->n_tracks == 2)
		session_extmap_unshare(&s->tracks[0].ext, &s->tracks[1].ext);
}

static void
location(struct http_resp *r, const struct sess *s)
{
	http_resp_header(r, "Location", "/%s/%s/%s", endpoint_names[s->role], s->stream, s->id);
}

/* ---- POST: a new session ---- */

static void
post_offer(struct whip *w, const struct http_req *q, struct http_resp *r, enum sess_role role,
		const char *stream)
{
	struct auth_grant g;
	struct sdp_policy pol = w->pol[role];
	struct sdp_local local = w->local;
	struct sdp_answer_error aerr;
	enum sess_refusal e;
	struct sess *s = NULL;
	uint64_t rnd[2];
	int n;

	if (check_auth(w, q, r, stream, role, &g) != 0)
		return;
	if (q->body_too_big) {
		http_resp_error(r, 413, "offer larger than http.max_body");
		return;
	}
	if (!http_media_type_is(q->content_type, TYPE_SDP)) { /* W5 */
		http_resp_error(r, 415, "Content-Type must be %s", TYPE_SDP);
		http_resp_header(r, "Accept-Post", TYPE_SDP);
		return;
	}
	if (q->body_len == 0) {
		http_resp_error(r, 400, "empty SDP offer");
		return;
	}
	e = sessmgr_reserve(w->sm, role, stream, g.key, q->now_us, &s);
	if (e != SESS_OK) {
		http_resp_error(r, sess_refusal_http(e), "%s", sess_refusal_text(e));
		if (sess_refusal_http(e) == 503 || sess_refusal_http(e) == 409)
			retry_after(w, r, 0); /* W32, E7 */
		return;
	}
	snprintf(local.ice_ufrag, sizeof(local.ice_ufrag), "%s", s->ufrag);
	snprintf(local.ice_pwd, sizeof(local.ice_pwd), "%s", s->pwd);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd[0] = rnd[1] = q->now_us;
	local.sess_id = rnd[0] >> 2; /* RFC 8866 §5.2: fits a 63-bit NTP-style number */
	local.sess_version = 1;
	if (role == SESS_ROLE_WHIP && w->voice != CONFIG_VOICE_OFF) {
		/* a voice session: what we send back (echo) has our own SSRC */
		local.audio.ssrc = rand_u32();
		snprintf(local.audio.cname, sizeof(local.audio.cname), "rtcedge-%s", s->id);
		snprintf(local.audio.stream_id, sizeof(local.audio.stream_id), "rtcedge");
		snprintf(local.audio.track_id, sizeof(local.audio.track_id), "voice");
	}
	if (role == SESS_ROLE_WHEP) {
		const struct sess_stream *st = sessmgr_stream(w->sm, stream);
		policy_for_viewer(&pol, st && st->publisher >= 0 ? sessmgr_at(w->sm,
								       (uint32_t)st->publisher)
								 : NULL);
		local.audio.ssrc = rand_u32();
		local.video.ssrc = rand_u32();
		local.video.rtx_ssrc = rand_u32();
		snprintf(local.audio.cname, sizeof(local.audio.cname), "rtcedge-%s", s->id);
		snprintf(local.video.cname, sizeof(local.video.cname), "rtcedge-%s", s->id);
		snprintf(local.audio.stream_id, sizeof(local.audio.stream_id), "%.*s",
				SDP_MSID_MAX - 1, stream);
		snprintf(local.video.stream_id, sizeof(local.video.stream_id), "%.*s",
				SDP_MSID_MAX - 1, stream);
		snprintf(local.audio.track_id, sizeof(local.audio.track_id), "audio");
		snprintf(local.video.track_id, sizeof(local.video.track_id), "video");
	}
	n = sdp_answer_negotiate(w->answer, w->offer, (const char *)q->body, q->body_len, &pol,
			&local, w->text, w->text_cap, &aerr);
	if (n < 0) {
		sessmgr_cancel(w->sm, s);
		w->ctr.sdp_refused++;
		if (aerr.line != 0)
			http_resp_error(r, aerr.http_status, "%s (offer line %u)", aerr.reason,
					aerr.line);
		else if (aerr.media >= 0)
			http_resp_error(r, aerr.http_status, "%s (m= section %d)", aerr.reason,
					aerr.media + 1);
		else
			http_resp_error(r, aerr.http_status, "%s", aerr.reason);
		return;
	}
	session_summary(s, w->answer);
	s->echo = role == SESS_ROLE_WHIP && w->voice == CONFIG_VOICE_ECHO;
	s->export_audio = role == SESS_ROLE_WHIP && w->export_on &&
			  auth_pattern_match(w->export_streams, stream);
	s->peer_family = q->peer_family;
	memcpy(s->peer, q->peer, sizeof(s->peer));
	s->created_unix = q->unix_s;
	sessmgr_commit(w->sm, s, w->answer->remote_ufrag, w->answer->remote_cand,
			w->answer->n_remote_cand, q->now_us);
	w->ctr.created[role]++;
	r->status = 201; /* W4 */
	http_resp_header(r, "Content-Type", TYPE_SDP);
	location(r, s);
	http_resp_header(r, "ETag", "%s", s->etag); /* W13 */
	http_resp_header(r, "Accept-Patch", TYPE_FRAG);
	for (unsigned i = 0; i < w->n_links; i++) /* W33 */
		http_resp_header(r, "Link", "%s", w->links[i]);
	http_resp_append(r, w->text, (size_t)n);
}

/* ---- PATCH: trickle or ICE restart ---- */

static void
patch_session(struct whip *w, const struct http_req *q, struct http_resp *r, struct sess *s)
{
	struct sdpfrag *f = (struct sdpfrag *)w->offer; /* scratch: an sdp_desc is larger */
	struct sdp_error perr;
	const struct sdpfrag_media *fm;
	const char *ufrag, *pwd;
	int im = -1, rc;

	_Static_assert(sizeof(struct sdpfrag) <= sizeof(struct sdp_desc), "scratch size");
	if (q->body_too_big) {
		http_resp_error(r, 413, "fragment larger than http.max_body");
		return;
	}
	if (!http_media_type_is(q->content_type, TYPE_FRAG)) { /* W11 */
		http_resp_error(r, 415, "Content-Type must be %s", TYPE_FRAG);
		http_resp_header(r, "Accept-Patch", TYPE_FRAG);
		return;
	}
	if (q->if_match != NULL) {
		im = http_if_match(q->if_match, s->etag);
		if (im < 0) {
			http_resp_error(r, 400, "If-Match is not an entity-tag list");
			return;
		}
		if (im == 0) { /* W15 */
			http_resp_error(r, 412, "If-Match does not match the ICE session's ETag");
			return;
		}
	}
	rc = sdpfrag_parse(f, (const char *)q->body, q->body_len, &perr);
	if (rc < 0) {
		http_resp_error(r, 400, "malformed trickle-ice-sdpfrag: %s (line %u)",
				sdp_strerror(rc), perr.line);
		return;
	}
	ufrag = sdpfrag_ufrag(f);
	pwd = sdpfrag_pwd(f);
	fm = f->n_media ? &f->media[0] : &f->loose; /* W18: the first m= line's candidates */
	if (ufrag[0] != '\0' && strcmp(ufrag, s->remote_ufrag) != 0) {
		/* ICE restart (W21, W22): If-Match is required, and new credentials */
		struct sdpfrag_restart rs = {0};
		const char *bundle[1];
		const struct sess_track *t = s->n_tracks ? &s->tracks[0] : NULL;
		char fmt[8];
		int n;

		if (im < 0) {
			http_resp_error(r, 428, "an ICE restart needs If-Match");
			return;
		}
		if (pwd[0] == '\0' || strlen(ufrag) < 4 || strlen(pwd) < 22) {
			http_resp_error(r, 400, "an ICE restart needs a=ice-ufrag (4+) and a=ice-pwd (22+)");
			return;
		}
		/* a restart before the last one completed replaces it (W25); the restart and
		 * its candidates are queued all or nothing */
		if (!sessmgr_cmd_can(w->sm, 1 + (uint32_t)fm->n_cand) ||
				sessmgr_restart(w->sm, s, ufrag, q->now_us) != 0) {
			/* W23: the current ICE session stays */
			http_resp_error(r, 503, "dataplane command queue is full; ICE session unchanged");
			retry_after(w, r, 1);
			return;
		}
		for (unsigned i = 0; i < fm->n_cand; i++)
			sessmgr_add_candidate(w->sm, s, &fm->cand[i]);
		w->ctr.restarts++;
		snprintf(fmt, sizeof(fmt), "%u", t ? t->pt : 0);
		bundle[0] = t ? t->mid : "0";
		rs.ufrag = s->pending_ufrag;
		rs.pwd = s->pending_pwd;
		rs.ice_lite = 1; /* W24 */
		rs.n_bundle = t && t->mid[0] ? 1 : 0;
		rs.bundle[0] = bundle[0];
		rs.media = t && t->kind == SDP_KIND_VIDEO ? "video" : "audio";
		rs.proto = "UDP/TLS/RTP/SAVPF";
		rs.fmt = fmt;
		rs.mid = t ? t->mid : NULL;
		rs.addrs = w->local.addrs;
		rs.n_addrs = w->local.n_addrs;
		rs.port = w->local.port;
		n = sdpfrag_restart_write(&rs, w->text, w->text_cap);
		if (n < 0) {
			http_resp_error(r, 500, "cannot write the restart fragment");
			return;
		}
		r->status = 200;
		http_resp_header(r, "Content-Type", TYPE_FRAG);
		http_resp_header(r, "ETag", "%s", s->etag); /* W22: a new one */
		http_resp_append(r, w->text, (size_t)n);
		return;
	}
	/* trickle (W19): 204, no body, no ETag; unusable candidates were dropped (W20) */
	if (!sessmgr_cmd_can(w->sm, fm->n_cand)) { /* all or nothing */
		http_resp_error(r, 503, "dataplane command queue is full");
		retry_after(w, r, 1);
		return;
	}
	for (unsigned i = 0; i < fm->n_cand; i++) {
		if (sessmgr_add_candidate(w->sm, s, &fm->cand[i]) != 0) {
			http_resp_error(r, 503, "dataplane command queue is full");
			retry_after(w, r, 1);
			return;
		}
	}
	w->ctr.trickle++;
	r->status = 204;
}

/* ---- routing ---- */

void
whip_handle(struct whip *w, const struct http_req *q, struct http_resp *r)
{
	char buf[512];
	const char *seg[4];
	int nseg = http_path_split(q->path, buf, sizeof(buf), seg, 4);
	enum sess_role role;
	struct sess *s = NULL;
	int session_url;

	w->ctr.requests++;
	if (nseg < 2 || nseg > 3 ||
			(strcmp(seg[0], "whip") != 0 && strcmp(seg[0], "whep") != 0)) {
		http_resp_error(r, 404, "no such resource (WHIP: /whip/{stream}, WHEP: /whep/{stream})");
		goto out;
	}
	role = strcmp(seg[0], "whip") == 0 ? SESS_ROLE_WHIP : SESS_ROLE_WHEP;
	if (!whip_stream_name_ok(seg[1])) {
		http_resp_error(r, 400, "stream name must be 1..%d of A-Z a-z 0-9 - . _ ~",
				SESS_STREAM_MAX - 1);
		goto out;
	}
	session_url = nseg == 3;
	switch (q->method) {
	case HTTP_POST:
		if (session_url) {
			method_not_allowed(r, "PATCH, DELETE, OPTIONS", q);
			goto out;
		}
		break;
	case HTTP_PATCH:
	case HTTP_DELETE:
		if (!session_url) {
			method_not_allowed(r, "POST, OPTIONS, GET, HEAD", q);
			goto out;
		}
		break;
	case HTTP_OPTIONS:
	case HTTP_GET:
	case HTTP_HEAD:
		break;
	default:
		method_not_allowed(r, session_url ? "PATCH, DELETE, OPTIONS" : "POST, OPTIONS, GET, HEAD",
				q);
		goto out;
	}
	if (cors(w, q, r) < 0)
		goto out;
	if (check_rate(w, q, r) != 0)
		goto out;
	if (q->method == HTTP_OPTIONS) {
		options(w, q, r, session_url);
		goto out;
	}
	if (!session_url) {
		if (q->method == HTTP_GET) { /* W2 */
			r->status = 204;
		} else if (q->method == HTTP_HEAD) { /* E2 */
			r->status = 200;
			http_resp_header(r, "Content-Type", TYPE_SDP);
		} else {
			post_offer(w, q, r, role, seg[1]);
		}
		goto out;
	}
	s = sessmgr_find(w->sm, seg[2]);
	if (s == NULL || s->role != role || strcmp(s->stream, seg[1]) != 0) {
		http_resp_error(r, 404, "no such session");
		goto out;
	}
	if (q->method == HTTP_GET || q->method == HTTP_HEAD) { /* W2 */
		r->status = 204;
		goto out;
	}
	{
		struct auth_grant g;
		if (check_auth(w, q, r, s->stream, role, &g) != 0)
			goto out;
	}
	if (q->method == HTTP_DELETE) { /* W8, W14: If-Match ignored */
		sessmgr_close(w->sm, s, SESS_CLOSE_deleted, q->now_us);
		w->ctr.deleted++;
		r->status = 200;
		goto out;
	}
	patch_session(w, q, r, s);
out:
	if (r->status >= 100 && r->status < 600)
		w->ctr.by_status[r->status / 100]++;
}
