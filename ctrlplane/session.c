/* Session manager of the control lcore (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "config.h"
#include "ice.h"
#include "session.h"

#define SCAN_INTERVAL_US 100000 /* timeouts are checked at most every 100 ms */

static const char *const role_names[] = {"whip", "whep"};
static const char *const state_names[] = {"reserved", "new", "checking", "connected"};
static const char *const close_names[] = {
#define SESS_CLOSE_NAME(name, help) #name,
	SESS_CLOSE_REASONS(SESS_CLOSE_NAME)
#undef SESS_CLOSE_NAME
};
static const struct {
	const char *name;
	int http;
	const char *text;
} refusals[] = {
	{"OK", 200, "ok"},
#define SESS_REFUSAL_ROW(name, http, text) {#name, http, text},
	SESS_REFUSALS(SESS_REFUSAL_ROW)
#undef SESS_REFUSAL_ROW
};

const char *
sess_role_name(enum sess_role r)
{
	return (unsigned)r < 2 ? role_names[r] : "?";
}

const char *
sess_state_name(enum sess_state s)
{
	return (unsigned)s < SESS_STATE__COUNT ? state_names[s] : "?";
}

const char *
sess_close_reason_name(enum sess_close_reason r)
{
	return (unsigned)r < SESS_CLOSE__COUNT ? close_names[r] : "?";
}

int
sess_refusal_http(enum sess_refusal e)
{
	return (unsigned)e < SESS_E__COUNT ? refusals[e].http : 500;
}

const char *
sess_refusal_text(enum sess_refusal e)
{
	return (unsigned)e < SESS_E__COUNT ? refusals[e].text : "?";
}

const char *
sess_refusal_name(enum sess_refusal e)
{
	return (unsigned)e < SESS_E__COUNT ? refusals[e].name : "?";
}

static uint32_t
pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int
sessmgr_init(struct sessmgr *m, const struct sessmgr_config *cfg, char *err, size_t errlen)
{
	uint32_t per_worker;

	memset(m, 0, sizeof(*m));
	if (cfg->max == 0 || cfg->n_workers == 0 || cfg->n_workers > SESSMGR_MAX_WORKERS ||
			cfg->n_workers > UFRAG_WORKER_MAX + 1 || cfg->node_id > UFRAG_NODE_MAX ||
			cfg->key == NULL) {
		snprintf(err, errlen, "session manager: bad parameters");
		return -1;
	}
	m->cfg = *cfg;
	/* every worker may hold twice its fair share, all of them with one or two workers */
	per_worker = cfg->n_workers <= 2 ? cfg->max
					 : (uint32_t)(((uint64_t)cfg->max * 2 + cfg->n_workers - 1) /
							     cfg->n_workers);
	if (per_worker > UFRAG_SLOT_MAX + 1)
		per_worker = UFRAG_SLOT_MAX + 1;
	m->sess = calloc(cfg->max, sizeof(*m->sess));
	m->free = calloc(cfg->max, sizeof(*m->free));
	m->streams = calloc(cfg->max, sizeof(*m->streams));
	m->stream_free = calloc(cfg->max, sizeof(*m->stream_free));
	m->n_buckets = pow2_at_least(cfg->max * 2);
	m->buckets = malloc(m->n_buckets * sizeof(*m->buckets));
	m->cmd_cap = pow2_at_least(cfg->max * 2 + 64);
	m->cmds = calloc(m->cmd_cap, sizeof(*m->cmds));
	m->cmd_worker = calloc(m->cmd_cap, sizeof(*m->cmd_worker));
	if (!m->sess || !m->free || !m->streams || !m->stream_free || !m->buckets || !m->cmds ||
			!m->cmd_worker)
		goto oom;
	memset(m->buckets, 0xff, m->n_buckets * sizeof(*m->buckets));
	for (uint32_t i = 0; i < cfg->max; i++) {
		m->free[i] = cfg->max - 1 - i; /* pop gives 0 first */
		m->stream_free[i] = cfg->max - 1 - i;
	}
	m->n_free = m->stream_n_free = cfg->max;
	for (uint16_t w = 0; w < cfg->n_workers; w++) {
		struct sessmgr_worker *sw = &m->workers[w];
		sw->cap = per_worker;
		sw->free = malloc(per_worker * sizeof(*sw->free));
		sw->gen = calloc(per_worker, sizeof(*sw->gen));
		if (!sw->free || !sw->gen)
			goto oom;
		for (uint32_t i = 0; i < per_worker; i++)
			sw->free[i] = per_worker - 1 - i;
		sw->n_free = per_worker;
	}
	return 0;
oom:
	sessmgr_fini(m);
	snprintf(err, errlen, "session manager: out of memory for %u sessions", cfg->max);
	return -1;
}

void
sessmgr_fini(struct sessmgr *m)
{
	for (unsigned w = 0; w < SESSMGR_MAX_WORKERS; w++) {
		free(m->workers[w].free);
		free(m->workers[w].gen);
	}
	if (m->sess != NULL)
		OPENSSL_cleanse(m->sess, m->cfg.max * sizeof(*m->sess)); /* passwords */
	free(m->sess);
	free(m->free);
	free(m->streams);
	free(m->stream_free);
	free(m->buckets);
	free(m->cmds);
	free(m->cmd_worker);
	memset(m, 0, sizeof(*m));
}

/* ---- streams ---- */

static uint32_t
str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct sess_stream *
stream_lookup(const struct sessmgr *m, const char *name, uint32_t *idx)
{
	uint32_t i = m->buckets[str_hash(name) & (m->n_buckets - 1)];

	while (i != UINT32_MAX) {
		if (strcmp(m->streams[i].name, name) == 0) {
			if (idx)
				*idx = i;
			return &m->streams[i];
		}
		i = m->streams[i].next;
	}
	return NULL;
}

const struct sess_stream *
sessmgr_stream(const struct sessmgr *m, const char *name)
{
	return stream_lookup(m, name, NULL);
}

static struct sess_stream *
stream_get(struct sessmgr *m, const char *name, uint32_t *idx, uint64_t now_us)
{
	struct sess_stream *st = stream_lookup(m, name, idx);
	uint32_t b;

	if (st != NULL || m->stream_n_free == 0)
		return st;
	*idx = m->stream_free[--m->stream_n_free];
	st = &m->streams[*idx];
	memset(st, 0, sizeof(*st));
	st->used = 1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->publisher = -1;
	st->created_us = now_us;
	b = str_hash(name) & (m->n_buckets - 1);
	st->next = m->buckets[b];
	m->buckets[b] = *idx;
	m->n_streams++;
	return st;
}

static void
stream_put(struct sessmgr *m, uint32_t idx)
{
	struct sess_stream *st = &m->streams[idx];
	uint32_t *pp;

	if (--st->n_sessions != 0)
		return;
	pp = &m->buckets[str_hash(st->name) & (m->n_buckets - 1)];
	while (*pp != idx)
		pp = &m->streams[*pp].next;
	*pp = st->next;
	st->used = 0;
	m->stream_free[m->stream_n_free++] = idx;
	m->n_streams--;
}

/* ---- commands ---- */

static struct dpmsg_cmd *
cmd_push(struct sessmgr *m, uint16_t worker, enum dpmsg_cmd_type type, const struct sess *s)
{
	struct dpmsg_cmd *c;

	if (m->cmd_tail - m->cmd_head == m->cmd_cap)
		return NULL;
	c = &m->cmds[m->cmd_tail & (m->cmd_cap - 1)];
	memset(c, 0, sizeof(*c));
	c->version = DPMSG_VERSION;
	c->type = (uint16_t)type;
	c->slot = s->slot;
	c->gen = s->gen;
	c->sess_id = s->idx;
	c->local_priority = m->cfg.local_priority;
	m->cmd_worker[m->cmd_tail & (m->cmd_cap - 1)] = worker;
	m->cmd_tail++;
	return c;
}

static uint32_t
cmd_room(const struct sessmgr *m)
{
	return m->cmd_cap - (m->cmd_tail - m->cmd_head);
}

/*
 * Room for @n more commands that are not DELs, keeping one entry for the
 * DEL of every live or reserved session: a close never fails for want of
 * queue space, even when a worker stopped taking commands.
 */
static int
cmd_can(const struct sessmgr *m, uint32_t n)
{
	return cmd_room(m) >= (uint64_t)n + m->n_live + m->n_reserved + 1;
}

int
sessmgr_cmd_can(const struct sessmgr *m, uint32_t n)
{
	return cmd_can(m, n);
}

int
sessmgr_peek_cmd(const struct sessmgr *m, const struct dpmsg_cmd **cmd, uint16_t *worker)
{
	if (m->cmd_head == m->cmd_tail)
		return 0;
	*cmd = &m->cmds[m->cmd_head & (m->cmd_cap - 1)];
	*worker = m->cmd_worker[m->cmd_head & (m->cmd_cap - 1)];
	return 1;
}

void
sessmgr_pop_cmd(struct sessmgr *m)
{
	if (m->cmd_head != m->cmd_tail) {
		m->cmd_head++;
		m->ctr.cmds_sent++;
	}
}

uint32_t
sessmgr_cmd_backlog(const struct sessmgr *m)
{
	return m->cmd_tail - m->cmd_head;
}

/* ---- credentials ---- */

static int
rand_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[32];

	if (nbytes > sizeof(b) || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

/* Label, pwd and ETag for (worker, slot, gen) into the given buffers. */
static int
mint_creds(const struct sessmgr *m, uint16_t worker, uint32_t slot, uint32_t gen,
		char ufrag[UFRAG_LABEL_LEN + 1], char pwd[SESS_PWD_LEN + 1], char etag[SESS_ETAG_MAX])
{
	struct ufrag_fields f = {.version = UFRAG_VERSION,
			.node = m->cfg.node_id,
			.worker = (uint8_t)worker,
			.slot = slot,
			.generation = gen};
	char hex[17];

	if (ufrag_label_encode(m->cfg.key, &f, ufrag, UFRAG_LABEL_LEN + 1) != UFRAG_LABEL_LEN)
		return -1;
	if (ufrag_pwd_generate(pwd, SESS_PWD_LEN + 1, SESS_PWD_LEN) != SESS_PWD_LEN)
		return -1;
	if (rand_hex(hex, 8) != 0)
		return -1;
	snprintf(etag, SESS_ETAG_MAX, "\"%s\"", hex);
	return 0;
}

static uint32_t
next_gen(struct sessmgr_worker *w, uint32_t slot)
{
	uint32_t g = w->gen[slot];

	w->gen[slot] = (g + 1) & UFRAG_GENERATION_MAX;
	return g;
}

/* ---- placement ---- */

static int
place(const struct sessmgr *m, enum sess_role role, const struct sess_stream *st)
{
	int best = -1;

	for (uint16_t w = 0; w < m->cfg.n_workers; w++)
		if (m->workers[w].n_free > 0 &&
				(best < 0 || m->workers[w].load < m->workers[best].load))
			best = w;
	if (best >= 0 && role == SESS_ROLE_WHEP && st != NULL && st->publisher >= 0 &&
			!m->cfg.viewers_spread) {
		uint16_t pw = m->sess[st->publisher].worker;
		if (m->workers[pw].n_free > 0 &&
				m->workers[pw].load <= m->workers[best].load + SESSMGR_VIEWER_SLACK)
			best = pw;
	}
	return best;
}

static uint32_t
token_sessions(const struct sessmgr *m, uint64_t key)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->cfg.max; i++)
		if (m->sess[i].used && m->sess[i].token_key == key)
			n++;
	return n;
}

enum sess_refusal
sessmgr_reserve(struct sessmgr *m, enum sess_role role, const char *stream, uint64_t token_key,
		uint64_t now_us, struct sess **out)
{
	const struct sess_stream *st = stream_lookup(m, stream, NULL);
	struct sess_stream *nst;
	struct sessmgr_worker *w;
	struct sess *s;
	uint32_t idx, stidx, slot;
	int wi;
	enum sess_refusal e = SESS_OK;

	if (m->draining)
		e = SESS_E_DRAINING;
	else if (m->n_free == 0)
		e = SESS_E_NODE_FULL;
	/* a publisher that replaces the live one takes its place in the count */
	else if (st != NULL && st->n_sessions - (role == SESS_ROLE_WHIP && st->publisher >= 0 &&
								m->cfg.replace_publisher ? 1u : 0u) >=
					       m->cfg.max_per_stream)
		e = SESS_E_STREAM_FULL;
	else if (role == SESS_ROLE_WHIP && st != NULL && st->publisher >= 0 &&
			!m->cfg.replace_publisher)
		e = SESS_E_PUBLISHER_LIVE;
	else if (role == SESS_ROLE_WHEP && (st == NULL || st->publisher < 0) &&
			m->cfg.whep_no_publisher == CONFIG_WHEP_404)
		e = SESS_E_NO_PUBLISHER_404;
	else if (role == SESS_ROLE_WHEP && (st == NULL || st->publisher < 0) &&
			m->cfg.whep_no_publisher == CONFIG_WHEP_409)
		e = SESS_E_NO_PUBLISHER_409;
	else if (token_key != 0 && m->cfg.max_per_token != 0 &&
			token_sessions(m, token_key) >= m->cfg.max_per_token)
		e = SESS_E_TOKEN_FULL;
	/* its ADD, and its own DEL kept in reserve (cmd_can) */
	else if (!cmd_can(m, 2))
		e = SESS_E_DATAPLANE_BUSY;
	if (e != SESS_OK) {
		m->ctr.refused[e]++;
		return e;
	}
	wi = place(m, role, st);
	if (wi < 0) {
		m->ctr.refused[SESS_E_NO_SLOT]++;
		return SESS_E_NO_SLOT;
	}
	w = &m->workers[wi];
	nst = stream_get(m, stream, &stidx, now_us);
	if (nst == NULL) { /* cannot happen: streams <= sessions, and a session is free */
		m->ctr.refused[SESS_E_INTERNAL]++;
		return SESS_E_INTERNAL;
	}
	nst->n_sessions++;
	idx = m->free[--m->n_free];
	slot = w->free[--w->n_free];
	w->load++;
	s = &m->sess[idx];
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->role = (uint8_t)role;
	s->state = SESS_STATE_RESERVED;
	s->idx = idx;
	snprintf(s->stream, sizeof(s->stream), "%s", stream);
	s->stream_idx = stidx;
	s->worker = (uint16_t)wi;
	s->slot = slot;
	s->gen = next_gen(w, slot);
	s->created_us = s->state_us = now_us;
	s->token_key = token_key;
	m->n_reserved++;
	m->by_state[SESS_STATE_RESERVED]++;
	snprintf(s->id, sizeof(s->id), "%08x", idx);
	if (rand_hex(s->id + 8, 12) != 0 ||
			mint_creds(m, s->worker, slot, s->gen, s->ufrag, s->pwd, s->etag) != 0) {
		sessmgr_cancel(m, s);
		m->ctr.refused[SESS_E_INTERNAL]++;
		return SESS_E_INTERNAL;
	}
	*out = s;
	return SESS_OK;
}

/* Release the table entries of @s (no command). */
static void
release(struct sessmgr *m, struct sess *s)
{
	struct sessmgr_worker *w = &m->workers[s->worker];
	struct sess_stream *st = &m->streams[s->stream_idx];

	if (st->publisher == (int32_t)s->idx)
		st->publisher = -1;
	stream_put(m, s->stream_idx);
	w->free[w->n_free++] = s->slot;
	w->load--;
	m->by_state[s->state]--;
	OPENSSL_cleanse(s, sizeof(*s));
	m->free[m->n_free++] = (uint32_t)(s - m->sess);
}

void
sessmgr_cancel(struct sessmgr *m, struct sess *s)
{
	m->n_reserved--;
	release(m, s);
}

static void
note(const struct sessmgr *m, int what, const struct sess *s, enum sess_close_reason reason)
{
	if (m->cfg.note != NULL)
		m->cfg.note(m->cfg.note_ctx, what, s, reason);
}

static void
set_state(struct sessmgr *m, struct sess *s, enum sess_state st, uint64_t now_us)
{
	m->by_state[s->state]--;
	m->by_state[st]++;
	s->state = (uint8_t)st;
	s->state_us = now_us;
	if (st == SESS_STATE_CONNECTED && s->connected_us == 0) {
		s->connected_us = now_us;
		note(m, SESS_NOTE_CONNECTED, s, SESS_CLOSE__COUNT);
	}
}

static void
cand_to_dp(struct dpmsg_cand *d, const struct sdp_candidate *c)
{
	static const uint8_t types[] = {
		[SDP_CAND_HOST] = ICE_CAND_HOST,
		[SDP_CAND_SRFLX] = ICE_CAND_SRFLX,
		[SDP_CAND_PRFLX] = ICE_CAND_PRFLX,
		[SDP_CAND_RELAY] = ICE_CAND_RELAY,
	};

	memset(d, 0, sizeof(*d));
	d->addr.family = c->addr.family;
	d->addr.port = c->port;
	memcpy(d->addr.addr, c->addr.addr, 16);
	d->priority = c->priority;
	d->type = c->type < sizeof(types) ? types[c->type] : ICE_CAND_HOST;
	/* a signaled candidate is never peer-reflexive for the agent */
	if (d->type == ICE_CAND_PRFLX)
		d->type = ICE_CAND_SRFLX;
}

void
sessmgr_commit(struct sessmgr *m, struct sess *s, const char *remote_ufrag,
		const struct sdp_candidate *cands, unsigned n_cands, uint64_t now_us)
{
	struct sess_stream *st = &m->streams[s->stream_idx];
	struct dpmsg_cmd *c;

	if (s->role == SESS_ROLE_WHIP) {
		if (st->publisher >= 0)
			sessmgr_close(m, &m->sess[st->publisher], SESS_CLOSE_replaced, now_us);
		st->publisher = (int32_t)s->idx;
	}
	snprintf(s->remote_ufrag, sizeof(s->remote_ufrag), "%s", remote_ufrag);
	set_state(m, s, SESS_STATE_NEW, now_us);
	m->n_reserved--;
	m->n_live++;
	m->ctr.opened[s->role]++;
	note(m, SESS_NOTE_CREATED, s, SESS_CLOSE__COUNT);
	/* room was kept at reserve (cmd_can(m, 2)) */
	c = cmd_push(m, s->worker, DPMSG_SESS_ADD, s);
	if (c == NULL)
		return; /* cannot happen; the setup timeout would end the session */
	snprintf(c->creds.ufrag, sizeof(c->creds.ufrag), "%s", s->ufrag);
	snprintf(c->creds.pwd, sizeof(c->creds.pwd), "%s", s->pwd);
	snprintf(c->creds.remote_ufrag, sizeof(c->creds.remote_ufrag), "%s", remote_ufrag);
	c->media.stream = s->stream_idx;
	c->media.role = s->role == SESS_ROLE_WHIP ? 0 : 1;
	c->media.echo = s->echo;
	c->media.export_audio = s->export_audio;
	c->media.pt[0] = c->media.pt[1] = c->media.rtx_pt = DPMSG_PT_NONE;
	for (unsigned k = 0; k < s->n_tracks; k++) {
		const struct sess_track *t = &s->tracks[k];
		unsigned kind = t->kind == SDP_KIND_VIDEO ? 1 : 0;
		c->media.pt[kind] = t->pt;
		c->media.local_ssrc[kind] = t->local_ssrc;
		c->media.remote_ssrc[kind] = t->remote_ssrc;
		c->media.clock[kind] = t->clock;
		c->media.ext[kind] = t->ext;
		if (kind == 1 && t->has_rtx) {
			c->media.rtx_pt = t->rtx_pt;
			c->media.local_rtx_ssrc = t->local_rtx_ssrc;
		}
	}
	for (unsigned i = 0; i < n_cands; i++)
		if (sessmgr_add_candidate(m, s, &cands[i]) != 0)
			break; /* the agent learns the pair from the first request anyway */
}

struct sess *
sessmgr_at(struct sessmgr *m, uint32_t idx)
{
	if (idx >= m->cfg.max || !m->sess[idx].used || m->sess[idx].state == SESS_STATE_RESERVED)
		return NULL;
	return &m->sess[idx];
}

struct sess *
sessmgr_find(struct sessmgr *m, const char *id)
{
	uint32_t idx = 0;
	struct sess *s;

	if (strlen(id) != SESS_ID_LEN)
		return NULL;
	for (int i = 0; i < 8; i++) {
		char c = id[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return NULL;
		idx = idx << 4 | (uint32_t)v;
	}
	s = sessmgr_at(m, idx);
	if (s == NULL || CRYPTO_memcmp(s->id, id, SESS_ID_LEN) != 0)
		return NULL;
	return s;
}

int
sessmgr_add_candidate(struct sessmgr *m, struct sess *s, const struct sdp_candidate *cand)
{
	struct dpmsg_cmd *c;

	if (!cmd_can(m, 1))
		return -1;
	c = cmd_push(m, s->worker, DPMSG_SESS_CAND, s);
	if (c == NULL)
		return -1;
	cand_to_dp(&c->cand, cand);
	s->remote_cands++;
	m->ctr.candidates++;
	return 0;
}

int
sessmgr_restart(struct sessmgr *m, struct sess *s, const char *remote_ufrag, uint64_t now_us)
{
	struct sessmgr_worker *w = &m->workers[s->worker];
	char ufrag[UFRAG_LABEL_LEN + 1], pwd[SESS_PWD_LEN + 1], etag[SESS_ETAG_MAX];
	uint32_t gen;
	struct dpmsg_cmd *c;

	if (!cmd_can(m, 1))
		return -1;
	gen = next_gen(w, s->slot);
	if (mint_creds(m, s->worker, s->slot, gen, ufrag, pwd, etag) != 0)
		return -1;
	c = cmd_push(m, s->worker, DPMSG_SESS_RESTART, s);
	if (c == NULL)
		return -1;
	c->new_gen = gen;
	snprintf(c->creds.ufrag, sizeof(c->creds.ufrag), "%s", ufrag);
	snprintf(c->creds.pwd, sizeof(c->creds.pwd), "%s", pwd);
	snprintf(c->creds.remote_ufrag, sizeof(c->creds.remote_ufrag), "%s", remote_ufrag);
	s->restarting = 1;
	s->pending_gen = gen;
	memcpy(s->pending_ufrag, ufrag, sizeof(ufrag));
	memcpy(s->pending_pwd, pwd, sizeof(pwd));
	memcpy(s->etag, etag, sizeof(etag));
	snprintf(s->remote_ufrag, sizeof(s->remote_ufrag), "%s", remote_ufrag);
	s->restarts++;
	s->state_us = now_us;
	m->ctr.restarts++;
	OPENSSL_cleanse(pwd, sizeof(pwd));
	return 0;
}

int
sessmgr_set_srtp(struct sessmgr *m, struct sess *s, const struct dtls_srtp_keys *k)
{
	struct dpmsg_cmd *c;

	if (!cmd_can(m, 1) || (c = cmd_push(m, s->worker, DPMSG_SESS_SRTP, s)) == NULL)
		return -1;
	c->srtp.profile = (uint16_t)k->profile;
	c->srtp.key_len = k->key_len;
	c->srtp.salt_len = k->salt_len;
	memcpy(c->srtp.local_key, k->local_key, sizeof(c->srtp.local_key));
	memcpy(c->srtp.local_salt, k->local_salt, sizeof(c->srtp.local_salt));
	memcpy(c->srtp.remote_key, k->remote_key, sizeof(c->srtp.remote_key));
	memcpy(c->srtp.remote_salt, k->remote_salt, sizeof(c->srtp.remote_salt));
	s->srtp_profile = (uint16_t)k->profile;
	return 0;
}

void
sessmgr_close(struct sessmgr *m, struct sess *s, enum sess_close_reason reason, uint64_t now_us)
{
	(void)now_us;
	/* the DEL always fits: one slot per live session is kept (see reserve) */
	cmd_push(m, s->worker, DPMSG_SESS_DEL, s);
	m->ctr.closed[reason]++;
	m->n_live--;
	note(m, SESS_NOTE_CLOSED, s, reason);
	release(m, s);
}

void
sessmgr_handle_event(struct sessmgr *m, const struct dpmsg_event *ev, uint64_t now_us)
{
	struct sess *s;

	if (ev->type == DPMSG_EV_REMOVED)
		return; /* the acknowledgement of a DEL: the session is gone here already */
	s = sessmgr_at(m, ev->sess_id);
	/* the session may be gone (closed while the event was in flight) or reused */
	if (s == NULL || s->worker != ev->worker || s->slot != ev->slot ||
			(ev->gen != s->gen && !(s->restarting && ev->gen == s->pending_gen))) {
		m->ctr.stale_events++;
		return;
	}
	switch (ev->type) {
	case DPMSG_EV_ADDED:
		if (ev->status < 0)
			sessmgr_close(m, s, SESS_CLOSE_dataplane, now_us);
		break;
	case DPMSG_EV_ICE_CHECKING:
		if (s->state == SESS_STATE_NEW)
			set_state(m, s, SESS_STATE_CHECKING, now_us);
		break;
	case DPMSG_EV_ICE_SELECTED:
		s->has_pair = 1;
		s->pair_local = ev->local;
		s->pair_remote = ev->remote;
		if (s->state != SESS_STATE_CONNECTED)
			set_state(m, s, SESS_STATE_CONNECTED, now_us);
		note(m, SESS_NOTE_PAIR, s, SESS_CLOSE__COUNT);
		break;
	case DPMSG_EV_ICE_RESTARTED:
		if (s->restarting) {
			s->gen = s->pending_gen;
			memcpy(s->ufrag, s->pending_ufrag, sizeof(s->ufrag));
			memcpy(s->pwd, s->pending_pwd, sizeof(s->pwd));
			s->restarting = 0;
		}
		break;
	case DPMSG_EV_ICE_FAILED:
		sessmgr_close(m, s, SESS_CLOSE_consent_expired, now_us);
		break;
	case DPMSG_EV_SRTP:
		if (ev->status < 0)
			sessmgr_close(m, s, SESS_CLOSE_dataplane, now_us);
		else
			s->srtp_ready = 1;
		break;
	default:
		m->ctr.stale_events++;
		break;
	}
}

void
sessmgr_handle_timeout(struct sessmgr *m, uint64_t now_us)
{
	uint64_t setup = (uint64_t)m->cfg.setup_timeout_s * 1000000;
	uint64_t idle = (uint64_t)m->cfg.idle_timeout_s * 1000000;

	if (now_us < m->next_timeout_scan_us)
		return;
	m->next_timeout_scan_us = now_us + SCAN_INTERVAL_US;
	for (uint32_t i = 0; i < m->cfg.max; i++) {
		struct sess *s = &m->sess[i];
		uint64_t rx;
		if (!s->used || s->state == SESS_STATE_RESERVED)
			continue;
		if (s->state != SESS_STATE_CONNECTED) {
			if (now_us - s->created_us >= setup && s->connected_us == 0)
				sessmgr_close(m, s, SESS_CLOSE_setup_timeout, now_us);
			continue;
		}
		if (idle == 0 || m->cfg.last_rx == NULL)
			continue;
		rx = m->cfg.last_rx(m->cfg.last_rx_ctx, s->worker, s->slot);
		if (rx < s->state_us)
			rx = s->state_us;
		if (now_us > rx && now_us - rx >= idle)
			sessmgr_close(m, s, SESS_CLOSE_idle_timeout, now_us);
	}
}
