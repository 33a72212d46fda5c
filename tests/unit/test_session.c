/*
 * The session manager (ctrlplane/session.c) on a simulated clock, without
 * the HTTP layer: reserve / commit / cancel and their bookkeeping, ids,
 * the ufrag routing labels (decoded with ufrag_label_decode() under the
 * cluster key), generations on slot reuse, placement on workers, every
 * limit with "refused = nothing changed", the dataplane command queue and
 * its reserve for DELs, worker events, setup and idle timeouts, ICE restart.
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

#include "config.h"
#include "ice.h"
#include "session.h"

#define SEC 1000000ull
#define T0 (5000 * SEC)
#define SECRET "session test cluster secret 01"
#define NODE 77
#define LOCAL_PRIO 2130706431u

static struct ufrag_key key;
static struct sessmgr sm;

/* last_rx callback: a table the test writes */
static uint64_t rx_at[SESSMGR_MAX_WORKERS][64];

static uint64_t
last_rx(void *ctx, uint16_t worker, uint32_t slot)
{
	assert_ptr_equal(ctx, &sm);
	assert_true(worker < SESSMGR_MAX_WORKERS && slot < 64);
	return rx_at[worker][slot];
}

static struct sessmgr_config
cfg_default(void)
{
	struct sessmgr_config c = {
	        .max = 16,
	        .max_per_stream = 16,
	        .setup_timeout_s = 10,
	        .idle_timeout_s = 5,
	        .whep_no_publisher = CONFIG_WHEP_WAIT,
	        .n_workers = 1,
	        .node_id = NODE,
	        .local_priority = LOCAL_PRIO,
	        .key = &key,
	        .last_rx = last_rx,
	        .last_rx_ctx = &sm,
	};
	return c;
}

static void
mgr_init(const struct sessmgr_config *c)
{
	char err[128];

	assert_int_equal(ufrag_key_init(&key, 0, SECRET, strlen(SECRET)), 0);
	memset(rx_at, 0, sizeof(rx_at));
	assert_int_equal(sessmgr_init(&sm, c, err, sizeof(err)), 0);
}

static int
teardown(void **state)
{
	(void)state;
	sessmgr_fini(&sm);
	return 0;
}

/* ---- a snapshot of everything a refused or cancelled request must leave as it was ---- */

struct snap {
	uint8_t draining;
	uint32_t n_live, n_reserved, n_free, n_streams, stream_n_free;
	uint32_t by_state[SESS_STATE__COUNT];
	uint32_t *free, *stream_free;
	uint32_t load[SESSMGR_MAX_WORKERS], wfree[SESSMGR_MAX_WORKERS];
	uint32_t *wstack[SESSMGR_MAX_WORKERS];
	uint32_t cmd_head, cmd_tail;
	uint64_t opened[2], closed[SESS_CLOSE__COUNT], candidates, restarts;
};

static void
snap_take(struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->draining = sm.draining;
	s->n_live = sm.n_live;
	s->n_reserved = sm.n_reserved;
	s->n_free = sm.n_free;
	s->n_streams = sm.n_streams;
	s->stream_n_free = sm.stream_n_free;
	memcpy(s->by_state, sm.by_state, sizeof(s->by_state));
	s->free = malloc(sm.cfg.max * sizeof(uint32_t));
	s->stream_free = malloc(sm.cfg.max * sizeof(uint32_t));
	memcpy(s->free, sm.free, sm.cfg.max * sizeof(uint32_t));
	memcpy(s->stream_free, sm.stream_free, sm.cfg.max * sizeof(uint32_t));
	for (unsigned w = 0; w < sm.cfg.n_workers; w++) {
		s->load[w] = sm.workers[w].load;
		s->wfree[w] = sm.workers[w].n_free;
		s->wstack[w] = malloc(sm.workers[w].cap * sizeof(uint32_t));
		memcpy(s->wstack[w], sm.workers[w].free, sm.workers[w].cap * sizeof(uint32_t));
	}
	s->cmd_head = sm.cmd_head;
	s->cmd_tail = sm.cmd_tail;
	memcpy(s->opened, sm.ctr.opened, sizeof(s->opened));
	memcpy(s->closed, sm.ctr.closed, sizeof(s->closed));
	s->candidates = sm.ctr.candidates;
	s->restarts = sm.ctr.restarts;
}

/* Nothing changed since @s (the free stacks compared up to their depth); frees @s. */
static void
snap_check_free(struct snap *s)
{
	assert_int_equal(sm.draining, s->draining);
	assert_int_equal(sm.n_live, s->n_live);
	assert_int_equal(sm.n_reserved, s->n_reserved);
	assert_int_equal(sm.n_free, s->n_free);
	assert_int_equal(sm.n_streams, s->n_streams);
	assert_int_equal(sm.stream_n_free, s->stream_n_free);
	assert_memory_equal(sm.by_state, s->by_state, sizeof(s->by_state));
	assert_memory_equal(sm.free, s->free, s->n_free * sizeof(uint32_t));
	assert_memory_equal(sm.stream_free, s->stream_free, s->stream_n_free * sizeof(uint32_t));
	for (unsigned w = 0; w < sm.cfg.n_workers; w++) {
		assert_int_equal(sm.workers[w].load, s->load[w]);
		assert_int_equal(sm.workers[w].n_free, s->wfree[w]);
		assert_memory_equal(
		        sm.workers[w].free, s->wstack[w], s->wfree[w] * sizeof(uint32_t));
		free(s->wstack[w]);
	}
	assert_int_equal(sm.cmd_head, s->cmd_head);
	assert_int_equal(sm.cmd_tail, s->cmd_tail);
	assert_memory_equal(sm.ctr.opened, s->opened, sizeof(s->opened));
	assert_memory_equal(sm.ctr.closed, s->closed, sizeof(s->closed));
	assert_int_equal(sm.ctr.candidates, s->candidates);
	assert_int_equal(sm.ctr.restarts, s->restarts);
	free(s->free);
	free(s->stream_free);
}

/* ---- helpers ---- */

static struct sdp_candidate
cand4(uint8_t last, uint16_t port, uint32_t prio, enum sdp_cand_type type)
{
	struct sdp_candidate c;

	memset(&c, 0, sizeof(c));
	c.component = 1;
	c.priority = prio;
	c.addr.family = 4;
	c.addr.addr[0] = 198;
	c.addr.addr[1] = 51;
	c.addr.addr[2] = 100;
	c.addr.addr[3] = last;
	c.port = port;
	c.type = (uint8_t)type;
	return c;
}

/* Reserve and commit a session; no candidates. */
static struct sess *
open_sess(enum sess_role role, const char *stream, uint64_t token, uint64_t now)
{
	struct sess *s = NULL;

	assert_int_equal(sessmgr_reserve(&sm, role, stream, token, now, &s), SESS_OK);
	assert_non_null(s);
	sessmgr_commit(&sm, s, "peerUfrag", NULL, 0, now);
	return s;
}

/* Pop every queued command. */
static void
drain_cmds(void)
{
	const struct dpmsg_cmd *c;
	uint16_t w;

	while (sessmgr_peek_cmd(&sm, &c, &w))
		sessmgr_pop_cmd(&sm);
}

/* The next queued command: its type, worker, and the session it names. */
static const struct dpmsg_cmd *
expect_cmd(enum dpmsg_cmd_type type, const struct sess *s, uint32_t gen)
{
	static struct dpmsg_cmd copy;
	const struct dpmsg_cmd *c = NULL;
	uint16_t w = 0xffff;

	assert_int_equal(sessmgr_peek_cmd(&sm, &c, &w), 1);
	assert_int_equal(c->version, DPMSG_VERSION);
	if (c->type != type)
		fail_msg("command type %u, want %u", c->type, type);
	assert_int_equal(w, s->worker);
	assert_int_equal(c->slot, s->slot);
	assert_int_equal(c->gen, gen);
	assert_int_equal(c->sess_id, s->idx);
	assert_int_equal(c->local_priority, LOCAL_PRIO);
	copy = *c;
	sessmgr_pop_cmd(&sm);
	return &copy;
}

static void
decode_label(const char *label, struct ufrag_fields *f)
{
	assert_int_equal(strlen(label), UFRAG_LABEL_LEN);
	assert_int_equal(ufrag_label_decode(&key, 1, label, strlen(label), f), 0);
}

static struct dpmsg_event
event(enum dpmsg_ev_type type, const struct sess *s, uint32_t gen)
{
	struct dpmsg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.version = DPMSG_VERSION;
	ev.type = (uint16_t)type;
	ev.worker = s->worker;
	ev.slot = s->slot;
	ev.gen = gen;
	ev.sess_id = s->idx;
	return ev;
}

static void
check_counts_consistent(void)
{
	uint32_t used = 0, by_state = 0, load = 0;

	for (uint32_t i = 0; i < sm.cfg.max; i++)
		used += sm.sess[i].used;
	for (unsigned k = 0; k < SESS_STATE__COUNT; k++)
		by_state += sm.by_state[k];
	for (unsigned w = 0; w < sm.cfg.n_workers; w++) {
		load += sm.workers[w].load;
		assert_int_equal(sm.workers[w].load + sm.workers[w].n_free, sm.workers[w].cap);
	}
	assert_int_equal(used, sm.n_live + sm.n_reserved);
	assert_int_equal(by_state, used);
	assert_int_equal(sm.by_state[SESS_STATE_RESERVED], sm.n_reserved);
	assert_int_equal(load, used);
	assert_int_equal(sm.n_free + used, sm.cfg.max);
	/* the DEL of every session always fits */
	assert_true(sm.cmd_cap - sessmgr_cmd_backlog(&sm) >= sm.n_live + sm.n_reserved);
}

/* ---- tests ---- */

static void
test_init_params(void **state)
{
	struct sessmgr_config c;
	struct sessmgr m2;
	char err[128];

	(void)state;
	assert_int_equal(ufrag_key_init(&key, 0, SECRET, strlen(SECRET)), 0);
	c = cfg_default();
	c.max = 0;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "session manager: bad parameters");
	c = cfg_default();
	c.n_workers = 0;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), -1);
	c.n_workers = SESSMGR_MAX_WORKERS + 1;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), -1);
	c = cfg_default();
	c.node_id = UFRAG_NODE_MAX + 1;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), -1);
	c = cfg_default();
	c.key = NULL;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), -1);
	/* slots per worker: all of them with one or two workers, twice the fair share beyond */
	c = cfg_default();
	c.max = 100;
	c.n_workers = 2;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), 0);
	assert_int_equal(m2.workers[0].cap, 100);
	assert_int_equal(m2.workers[1].cap, 100);
	sessmgr_fini(&m2);
	c.n_workers = 8;
	assert_int_equal(sessmgr_init(&m2, &c, err, sizeof(err)), 0);
	assert_int_equal(m2.workers[7].cap, 25);
	assert_int_equal(m2.workers[8].cap, 0);
	sessmgr_fini(&m2);
}

static void
test_reserve_cancel(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *s = NULL, *p;
	struct snap before;
	uint32_t slot, gen;
	char id[SESS_ID_LEN + 1];

	(void)state;
	c.n_workers = 3;
	mgr_init(&c);
	p = open_sess(SESS_ROLE_WHIP, "live", 0, T0);
	drain_cmds();
	snap_take(&before);
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHEP, "live", 0, T0, &s), SESS_OK);
	/* reserved: counted, holding a slot, invisible */
	assert_int_equal(s->state, SESS_STATE_RESERVED);
	assert_int_equal(sm.n_reserved, 1);
	assert_int_equal(sm.by_state[SESS_STATE_RESERVED], 1);
	assert_int_equal(sm.n_free, before.n_free - 1);
	assert_int_equal(sessmgr_stream(&sm, "live")->n_sessions, 2);
	assert_null(sessmgr_find(&sm, s->id));
	assert_null(sessmgr_at(&sm, s->idx));
	assert_int_equal(sessmgr_cmd_backlog(&sm), 0); /* the worker hears nothing yet */
	check_counts_consistent();
	slot = s->slot;
	gen = s->gen;
	memcpy(id, s->id, sizeof(id));
	sessmgr_cancel(&sm, s);
	/* exactly as before: counters, free stacks, streams, commands */
	snap_check_free(&before);
	check_counts_consistent();
	assert_null(sessmgr_find(&sm, id));
	assert_ptr_equal(sessmgr_find(&sm, p->id), p);
	/* the slot's generation moved on: the never-published label stays dead */
	assert_int_equal(sm.workers[p->worker].gen[slot] != gen, 1);

	/* a new stream: it disappears again on cancel */
	snap_take(&before);
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "fresh", 0, T0, &s), SESS_OK);
	assert_non_null(sessmgr_stream(&sm, "fresh"));
	assert_int_equal(sm.n_streams, 2);
	sessmgr_cancel(&sm, s);
	assert_null(sessmgr_stream(&sm, "fresh"));
	snap_check_free(&before);
}

static void
test_ids_and_labels(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *s[8];
	char bad[SESS_ID_LEN + 2];

	(void)state;
	c.n_workers = 4;
	mgr_init(&c);
	for (int i = 0; i < 8; i++) {
		char name[16];
		struct ufrag_fields f;
		snprintf(name, sizeof(name), "s%d", i);
		s[i] = open_sess(SESS_ROLE_WHIP, name, 0, T0);
		/* 32 lower-case hex digits, the first 8 the table index */
		assert_int_equal(strlen(s[i]->id), SESS_ID_LEN);
		for (int k = 0; k < SESS_ID_LEN; k++)
			assert_non_null(strchr("0123456789abcdef", s[i]->id[k]));
		assert_int_equal(
		        strtoul((char[9]){s[i]->id[0], s[i]->id[1], s[i]->id[2], s[i]->id[3],
		                        s[i]->id[4], s[i]->id[5], s[i]->id[6], s[i]->id[7], 0},
		                NULL, 16),
		        s[i]->idx);
		/* the label says where the session lives */
		decode_label(s[i]->ufrag, &f);
		assert_int_equal(f.version, UFRAG_VERSION);
		assert_int_equal(f.key_id, 0);
		assert_int_equal(f.node, NODE);
		assert_int_equal(f.worker, s[i]->worker);
		assert_int_equal(f.slot, s[i]->slot);
		assert_int_equal(f.generation, s[i]->gen);
		/* pwd: 32 ice-chars; ETag: a quoted strong tag */
		assert_int_equal(strlen(s[i]->pwd), SESS_PWD_LEN);
		for (int k = 0; k < SESS_PWD_LEN; k++)
			assert_true(ufrag_is_ice_char(s[i]->pwd[k]));
		assert_int_equal(strlen(s[i]->etag), 18);
		assert_int_equal(s[i]->etag[0], '"');
		assert_int_equal(s[i]->etag[17], '"');
		assert_string_equal(s[i]->stream, name);
		assert_int_equal(s[i]->state, SESS_STATE_NEW);
	}
	for (int i = 0; i < 8; i++) {
		assert_ptr_equal(sessmgr_find(&sm, s[i]->id), s[i]);
		assert_ptr_equal(sessmgr_at(&sm, s[i]->idx), s[i]);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(s[i]->id, s[j]->id);
			assert_string_not_equal(s[i]->ufrag, s[j]->ufrag);
			assert_string_not_equal(s[i]->pwd, s[j]->pwd);
			assert_string_not_equal(s[i]->etag, s[j]->etag);
		}
	}
	/* only the exact id finds it */
	memcpy(bad, s[3]->id, SESS_ID_LEN + 1);
	bad[SESS_ID_LEN - 1] = bad[SESS_ID_LEN - 1] == '0' ? '1' : '0';
	assert_null(sessmgr_find(&sm, bad));
	memcpy(bad, s[3]->id, SESS_ID_LEN + 1);
	bad[12] = bad[12] == 'a' ? 'b' : 'a';
	assert_null(sessmgr_find(&sm, bad));
	memcpy(bad, s[3]->id, SESS_ID_LEN + 1);
	bad[SESS_ID_LEN - 1] = '\0';
	assert_null(sessmgr_find(&sm, bad));
	memcpy(bad, s[3]->id, SESS_ID_LEN);
	bad[SESS_ID_LEN] = '0';
	bad[SESS_ID_LEN + 1] = '\0';
	assert_null(sessmgr_find(&sm, bad));
	/* the index part of another session with this one's random part */
	memcpy(bad, s[4]->id, 8);
	memcpy(bad + 8, s[3]->id + 8, SESS_ID_LEN - 8 + 1);
	assert_null(sessmgr_find(&sm, bad));
	memcpy(bad, s[3]->id, SESS_ID_LEN + 1);
	for (int k = 0; k < SESS_ID_LEN; k++)
		if (bad[k] >= 'a' && bad[k] <= 'f')
			bad[k] = (char)(bad[k] - 'a' + 'A');
	if (strcmp(bad, s[3]->id) != 0)
		assert_null(sessmgr_find(&sm, bad));
	assert_null(sessmgr_find(&sm, "zzzzzzzz000000000000000000000000"));
	assert_null(sessmgr_find(&sm, "ffffffff000000000000000000000000"));
	assert_null(sessmgr_find(&sm, ""));
	assert_null(sessmgr_at(&sm, c.max));
	assert_null(sessmgr_at(&sm, UINT32_MAX));
	check_counts_consistent();
}

static void
test_generation_on_reuse(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *a, *b;
	struct ufrag_fields fa, fb;
	char old_label[UFRAG_LABEL_LEN + 1], old_id[SESS_ID_LEN + 1];
	uint32_t old_gen, old_slot, old_idx;
	struct dpmsg_event ev;

	(void)state;
	mgr_init(&c);
	a = open_sess(SESS_ROLE_WHIP, "live", 0, T0);
	old_gen = a->gen;
	old_slot = a->slot;
	old_idx = a->idx;
	memcpy(old_label, a->ufrag, sizeof(old_label));
	memcpy(old_id, a->id, sizeof(old_id));
	drain_cmds();
	ev = event(DPMSG_EV_ICE_CHECKING, a, a->gen);
	sessmgr_close(&sm, a, SESS_CLOSE_deleted, T0);
	expect_cmd(DPMSG_SESS_DEL, &(struct sess){.worker = 0, .slot = old_slot, .idx = old_idx},
	        old_gen);
	/* the same slot and table index again, a new generation */
	b = open_sess(SESS_ROLE_WHIP, "live", 0, T0 + SEC);
	assert_int_equal(b->slot, old_slot);
	assert_int_equal(b->idx, old_idx);
	assert_int_not_equal(b->gen, old_gen);
	decode_label(old_label, &fa);
	decode_label(b->ufrag, &fb);
	assert_int_equal(fa.slot, fb.slot);
	assert_int_not_equal(fa.generation, fb.generation);
	assert_string_not_equal(old_label, b->ufrag);
	/* the old id and an event of the old generation do not reach the new session */
	assert_null(sessmgr_find(&sm, old_id));
	sessmgr_handle_event(&sm, &ev, T0 + SEC);
	assert_int_equal(sm.ctr.stale_events, 1);
	assert_int_equal(b->state, SESS_STATE_NEW);
	ev.gen = b->gen;
	sessmgr_handle_event(&sm, &ev, T0 + SEC);
	assert_int_equal(b->state, SESS_STATE_CHECKING);
	assert_int_equal(sm.ctr.stale_events, 1);
}

static void
test_placement(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *pub[4], *v;
	uint16_t pw;

	(void)state;
	c.max = 200;
	c.max_per_stream = 200;
	c.n_workers = 4;
	mgr_init(&c);
	/* publishers: least loaded first, one per worker */
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof(name), "p%d", i);
		pub[i] = open_sess(SESS_ROLE_WHIP, name, 0, T0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(pub[i]->worker, pub[j]->worker);
	}
	for (int w = 0; w < 4; w++)
		assert_int_equal(sm.workers[w].load, 1);
	/* viewers go next to their publisher while it carries at most SLACK more than the least */
	pw = pub[2]->worker;
	for (int i = 0; i < SESSMGR_VIEWER_SLACK + 1; i++) {
		v = open_sess(SESS_ROLE_WHEP, "p2", 0, T0);
		assert_int_equal(v->worker, pw);
	}
	assert_int_equal(sm.workers[pw].load, SESSMGR_VIEWER_SLACK + 2);
	/* beyond: the least loaded worker */
	v = open_sess(SESS_ROLE_WHEP, "p2", 0, T0);
	assert_int_not_equal(v->worker, pw);
	assert_int_equal(sm.workers[v->worker].load, 2);
	/* a viewer without a publisher (wait mode): least loaded */
	v = open_sess(SESS_ROLE_WHEP, "nobody", 0, T0);
	assert_int_not_equal(v->worker, pw);
	assert_int_equal(sm.workers[v->worker].load, 2);
	/* a publisher avoids the busy worker */
	v = open_sess(SESS_ROLE_WHIP, "p9", 0, T0);
	assert_int_not_equal(v->worker, pw);
	check_counts_consistent();
	sessmgr_fini(&sm);

	/* the publisher's worker full: the viewer goes where there is a slot */
	c = cfg_default();
	c.max = 3;
	c.n_workers = 3; /* 2 slots each */
	mgr_init(&c);
	pub[0] = open_sess(SESS_ROLE_WHIP, "x", 0, T0);
	assert_int_equal(sm.workers[pub[0]->worker].cap, 2);
	v = open_sess(SESS_ROLE_WHEP, "x", 0, T0);
	assert_int_equal(v->worker, pub[0]->worker);
	v = open_sess(SESS_ROLE_WHEP, "x", 0, T0);
	assert_int_not_equal(v->worker, pub[0]->worker);
	check_counts_consistent();
}

/* A refusal of @role on @stream with @want, and nothing changed. */
static void
expect_refusal(enum sess_role role, const char *stream, uint64_t token, enum sess_refusal want)
{
	struct snap before;
	struct sess *s = (struct sess *)0x1;
	uint64_t refused = sm.ctr.refused[want];

	snap_take(&before);
	assert_int_equal(sessmgr_reserve(&sm, role, stream, token, T0, &s), want);
	assert_ptr_equal(s, (struct sess *)0x1);
	assert_int_equal(sm.ctr.refused[want], refused + 1);
	snap_check_free(&before);
}

static void
test_limits(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *a, *b;

	(void)state;
	/* node full */
	c.max = 2;
	mgr_init(&c);
	open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	open_sess(SESS_ROLE_WHEP, "a", 0, T0);
	expect_refusal(SESS_ROLE_WHIP, "b", 0, SESS_E_NODE_FULL);
	assert_int_equal(sess_refusal_http(SESS_E_NODE_FULL), 503);
	sessmgr_fini(&sm);

	/* per stream */
	c = cfg_default();
	c.max_per_stream = 2;
	mgr_init(&c);
	open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	open_sess(SESS_ROLE_WHEP, "a", 0, T0);
	expect_refusal(SESS_ROLE_WHEP, "a", 0, SESS_E_STREAM_FULL);
	open_sess(SESS_ROLE_WHEP, "b", 0, T0);
	sessmgr_fini(&sm);

	/* per token */
	c = cfg_default();
	c.max_per_token = 2;
	mgr_init(&c);
	open_sess(SESS_ROLE_WHIP, "a", 77, T0);
	open_sess(SESS_ROLE_WHIP, "b", 77, T0);
	expect_refusal(SESS_ROLE_WHIP, "c", 77, SESS_E_TOKEN_FULL);
	assert_int_equal(sess_refusal_http(SESS_E_TOKEN_FULL), 429);
	open_sess(SESS_ROLE_WHIP, "c", 78, T0);
	for (int i = 0; i < 4; i++) { /* key 0: not counted */
		char name[8];
		snprintf(name, sizeof(name), "z%d", i);
		open_sess(SESS_ROLE_WHIP, name, 0, T0);
	}
	/* a reserved session counts too */
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "d", 78, T0, &a), SESS_OK);
	expect_refusal(SESS_ROLE_WHIP, "e", 78, SESS_E_TOKEN_FULL);
	sessmgr_cancel(&sm, a);
	open_sess(SESS_ROLE_WHIP, "e", 78, T0);
	sessmgr_fini(&sm);

	/* publisher live: 409 */
	c = cfg_default();
	mgr_init(&c);
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	expect_refusal(SESS_ROLE_WHIP, "a", 0, SESS_E_PUBLISHER_LIVE);
	assert_int_equal(sess_refusal_http(SESS_E_PUBLISHER_LIVE), 409);
	assert_string_equal(
	        sess_refusal_text(SESS_E_PUBLISHER_LIVE), "stream already has a publisher");
	assert_string_equal(sess_refusal_name(SESS_E_PUBLISHER_LIVE), "PUBLISHER_LIVE");
	/* draining: 503 for everyone, live sessions stay */
	sm.draining = 1;
	expect_refusal(SESS_ROLE_WHEP, "a", 0, SESS_E_DRAINING);
	expect_refusal(SESS_ROLE_WHIP, "b", 0, SESS_E_DRAINING);
	assert_ptr_equal(sessmgr_find(&sm, a->id), a);
	sm.draining = 0;
	open_sess(SESS_ROLE_WHEP, "a", 0, T0);
	sessmgr_fini(&sm);

	/* WHEP without a publisher: 404, 409 or wait */
	c = cfg_default();
	c.whep_no_publisher = CONFIG_WHEP_404;
	mgr_init(&c);
	expect_refusal(SESS_ROLE_WHEP, "a", 0, SESS_E_NO_PUBLISHER_404);
	assert_int_equal(sess_refusal_http(SESS_E_NO_PUBLISHER_404), 404);
	/* a reserved publisher is not live yet */
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "a", 0, T0, &a), SESS_OK);
	expect_refusal(SESS_ROLE_WHEP, "a", 0, SESS_E_NO_PUBLISHER_404);
	sessmgr_commit(&sm, a, "u", NULL, 0, T0);
	open_sess(SESS_ROLE_WHEP, "a", 0, T0);
	sessmgr_fini(&sm);
	c.whep_no_publisher = CONFIG_WHEP_409;
	mgr_init(&c);
	expect_refusal(SESS_ROLE_WHEP, "a", 0, SESS_E_NO_PUBLISHER_409);
	assert_int_equal(sess_refusal_http(SESS_E_NO_PUBLISHER_409), 409);
	sessmgr_fini(&sm);
	c.whep_no_publisher = CONFIG_WHEP_WAIT;
	mgr_init(&c);
	b = open_sess(SESS_ROLE_WHEP, "a", 0, T0);
	assert_int_equal(sessmgr_stream(&sm, "a")->publisher, -1);
	/* the publisher comes later */
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	assert_int_equal(sessmgr_stream(&sm, "a")->publisher, (int32_t)a->idx);
	assert_int_equal(sessmgr_stream(&sm, "a")->n_sessions, 2);
	(void)b;
	check_counts_consistent();
}

static void
test_replace_publisher(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *old, *v, *nw = NULL;
	char old_id[SESS_ID_LEN + 1];
	uint32_t old_slot, old_gen, old_idx;
	uint16_t old_worker;

	(void)state;
	c.replace_publisher = 1;
	c.n_workers = 2;
	mgr_init(&c);
	old = open_sess(SESS_ROLE_WHIP, "live", 0, T0);
	v = open_sess(SESS_ROLE_WHEP, "live", 0, T0);
	drain_cmds();
	memcpy(old_id, old->id, sizeof(old_id));
	old_slot = old->slot;
	old_gen = old->gen;
	old_idx = old->idx;
	old_worker = old->worker;
	/* the reserve succeeds; the old one is live until the commit */
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "live", 0, T0, &nw), SESS_OK);
	assert_ptr_equal(sessmgr_find(&sm, old_id), old);
	sessmgr_commit(&sm, nw, "newpeer", NULL, 0, T0 + SEC);
	assert_null(sessmgr_find(&sm, old_id));
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_replaced], 1);
	assert_int_equal(sessmgr_stream(&sm, "live")->publisher, (int32_t)nw->idx);
	assert_int_equal(sessmgr_stream(&sm, "live")->n_sessions, 2);
	assert_ptr_equal(sessmgr_find(&sm, v->id), v);
	assert_int_equal(sm.n_live, 2);
	/* the worker hears DEL of the old one, then ADD of the new one */
	expect_cmd(DPMSG_SESS_DEL,
	        &(struct sess){.worker = old_worker, .slot = old_slot, .idx = old_idx}, old_gen);
	expect_cmd(DPMSG_SESS_ADD, nw, nw->gen);
	assert_int_equal(sessmgr_cmd_backlog(&sm), 0);
	check_counts_consistent();
}

static void
test_command_queue(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sdp_candidate cands[3];
	struct sess *s = NULL, *s2, copy;
	const struct dpmsg_cmd *cmd;
	struct sdp_candidate v6;

	(void)state;
	c.n_workers = 3;
	mgr_init(&c);
	open_sess(SESS_ROLE_WHIP, "first", 0, T0); /* on worker 0: ours goes elsewhere */
	drain_cmds();
	assert_int_equal(sm.ctr.cmds_sent, 1);
	cands[0] = cand4(1, 5000, 2130706431u, SDP_CAND_HOST);
	cands[1] = cand4(2, 5001, 1694498815u, SDP_CAND_SRFLX);
	cands[2] = cand4(3, 5002, 1686052607u, SDP_CAND_PRFLX);
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "live", 0, T0, &s), SESS_OK);
	assert_int_not_equal(s->worker, 0);
	sessmgr_commit(&sm, s, "remoteUf", cands, 3, T0);
	assert_int_equal(sessmgr_cmd_backlog(&sm), 4);
	assert_int_equal(s->remote_cands, 3);
	assert_int_equal(sm.ctr.candidates, 3);
	cmd = expect_cmd(DPMSG_SESS_ADD, s, s->gen);
	assert_string_equal(cmd->creds.ufrag, s->ufrag);
	assert_string_equal(cmd->creds.pwd, s->pwd);
	assert_string_equal(cmd->creds.remote_ufrag, "remoteUf");
	assert_string_equal(s->remote_ufrag, "remoteUf");
	for (int i = 0; i < 3; i++) {
		cmd = expect_cmd(DPMSG_SESS_CAND, s, s->gen);
		assert_int_equal(cmd->cand.addr.family, 4);
		assert_memory_equal(cmd->cand.addr.addr, cands[i].addr.addr, 4);
		assert_int_equal(cmd->cand.addr.port, cands[i].port);
		assert_int_equal(cmd->cand.priority, cands[i].priority);
	}
	/* a trickled IPv6 relay candidate */
	memset(&v6, 0, sizeof(v6));
	v6.addr.family = 6;
	inet_pton(AF_INET6, "2001:db8::7", v6.addr.addr);
	v6.port = 6000;
	v6.priority = 16777215u;
	v6.type = SDP_CAND_RELAY;
	assert_int_equal(sessmgr_add_candidate(&sm, s, &v6), 0);
	cmd = expect_cmd(DPMSG_SESS_CAND, s, s->gen);
	assert_int_equal(cmd->cand.addr.family, 6);
	assert_memory_equal(cmd->cand.addr.addr, v6.addr.addr, 16);
	assert_int_equal(cmd->cand.type, ICE_CAND_RELAY);
	/* types: a signaled prflx is srflx for the agent */
	sessmgr_add_candidate(&sm, s, &cands[0]);
	assert_int_equal(expect_cmd(DPMSG_SESS_CAND, s, s->gen)->cand.type, ICE_CAND_HOST);
	sessmgr_add_candidate(&sm, s, &cands[1]);
	assert_int_equal(expect_cmd(DPMSG_SESS_CAND, s, s->gen)->cand.type, ICE_CAND_SRFLX);
	sessmgr_add_candidate(&sm, s, &cands[2]);
	assert_int_equal(expect_cmd(DPMSG_SESS_CAND, s, s->gen)->cand.type, ICE_CAND_SRFLX);
	/* a second session on another worker: commands interleave in FIFO order */
	assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHEP, "live", 0, T0, &s2), SESS_OK);
	sessmgr_commit(&sm, s2, "x", NULL, 0, T0);
	sessmgr_add_candidate(&sm, s, &cands[0]);
	copy = *s2; /* released (and wiped) by the close */
	sessmgr_close(&sm, s2, SESS_CLOSE_deleted, T0);
	expect_cmd(DPMSG_SESS_ADD, &copy, copy.gen);
	expect_cmd(DPMSG_SESS_CAND, s, s->gen);
	expect_cmd(DPMSG_SESS_DEL, &copy, copy.gen);
	sessmgr_close(&sm, s, SESS_CLOSE_admin, T0);
	assert_int_equal(sessmgr_cmd_backlog(&sm), 1);
	drain_cmds();
	assert_int_equal(sessmgr_peek_cmd(&sm, &cmd, &(uint16_t){0}), 0);
	sessmgr_pop_cmd(&sm); /* on an empty queue: nothing */
	assert_int_equal(sessmgr_cmd_backlog(&sm), 0);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_deleted], 1);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_admin], 1);
	check_counts_consistent();
}

static void
test_del_always_fits(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *s[4], *extra = NULL;
	struct sdp_candidate cand = cand4(9, 9000, 100, SDP_CAND_HOST);
	uint32_t backlog, n_cand = 0;
	struct snap before;
	char etag[SESS_ETAG_MAX];

	(void)state;
	c.max = 4; /* command queue: 128 entries */
	c.n_workers = 2;
	mgr_init(&c);
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof(name), "s%d", i);
		s[i] = open_sess(SESS_ROLE_WHIP, name, 0, T0);
	}
	/* the workers stop taking commands; candidates pile up until refused */
	while (sessmgr_add_candidate(&sm, s[n_cand % 4], &cand) == 0)
		n_cand++;
	backlog = sessmgr_cmd_backlog(&sm);
	assert_int_equal(backlog + 4 + 1, sm.cmd_cap);
	assert_false(sessmgr_cmd_can(&sm, 1));
	assert_true(sessmgr_cmd_can(&sm, 0));
	check_counts_consistent();
	/* refused, nothing changed: more candidates, a restart, a new session */
	snap_take(&before);
	memcpy(etag, s[0]->etag, sizeof(etag));
	assert_int_equal(sessmgr_restart(&sm, s[0], "newRemote", T0), -1);
	assert_string_equal(s[0]->etag, etag);
	assert_int_equal(s[0]->restarting, 0);
	snap_check_free(&before);
	sessmgr_close(&sm, s[3], SESS_CLOSE_deleted, T0);
	drain_cmds();
	while (sessmgr_add_candidate(&sm, s[0], &cand) == 0)
		;
	expect_refusal(SESS_ROLE_WHEP, "s0", 0, SESS_E_DATAPLANE_BUSY);
	assert_int_equal(sess_refusal_http(SESS_E_DATAPLANE_BUSY), 503);
	(void)extra;
	/* every close still queues its DEL */
	for (int i = 0; i < 3; i++) {
		uint32_t b = sessmgr_cmd_backlog(&sm);
		sessmgr_close(&sm, s[i], SESS_CLOSE_shutdown, T0);
		assert_int_equal(sessmgr_cmd_backlog(&sm), b + 1);
		check_counts_consistent();
	}
	assert_int_equal(sm.n_live, 0);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_shutdown], 3);
	/* the last three commands are the DELs */
	{
		uint32_t n = sessmgr_cmd_backlog(&sm), i = 0;
		const struct dpmsg_cmd *cmd;
		uint16_t w;
		while (sessmgr_peek_cmd(&sm, &cmd, &w)) {
			if (i >= n - 3)
				assert_int_equal(cmd->type, DPMSG_SESS_DEL);
			else
				assert_int_equal(cmd->type, DPMSG_SESS_CAND);
			sessmgr_pop_cmd(&sm);
			i++;
		}
		assert_int_equal(i, n);
	}
}

static void
test_events(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *s, *t, *u;
	struct dpmsg_event ev;
	uint32_t idx;

	(void)state;
	c.n_workers = 2;
	mgr_init(&c);
	s = open_sess(SESS_ROLE_WHIP, "live", 0, T0);
	t = open_sess(SESS_ROLE_WHEP, "live", 0, T0);
	drain_cmds();
	/* ADDED ok: nothing changes */
	ev = event(DPMSG_EV_ADDED, s, s->gen);
	sessmgr_handle_event(&sm, &ev, T0 + 1);
	assert_int_equal(s->state, SESS_STATE_NEW);
	/* CHECKING, then SELECTED */
	ev = event(DPMSG_EV_ICE_CHECKING, s, s->gen);
	sessmgr_handle_event(&sm, &ev, T0 + 2);
	assert_int_equal(s->state, SESS_STATE_CHECKING);
	assert_int_equal(s->state_us, T0 + 2);
	assert_int_equal(sm.by_state[SESS_STATE_CHECKING], 1);
	assert_int_equal(sm.by_state[SESS_STATE_NEW], 1);
	ev = event(DPMSG_EV_ICE_SELECTED, s, s->gen);
	ev.local = (struct stun_addr){.family = 4, .port = 443, .addr = {198, 51, 100, 10}};
	ev.remote = (struct stun_addr){.family = 4, .port = 50000, .addr = {203, 0, 113, 5}};
	sessmgr_handle_event(&sm, &ev, T0 + 3);
	assert_int_equal(s->state, SESS_STATE_CONNECTED);
	assert_int_equal(s->connected_us, T0 + 3);
	assert_true(s->has_pair);
	assert_int_equal(s->pair_remote.port, 50000);
	assert_memory_equal(s->pair_local.addr, ev.local.addr, 4);
	/* a later CHECKING does not take it back; a pair change keeps it connected */
	ev = event(DPMSG_EV_ICE_CHECKING, s, s->gen);
	sessmgr_handle_event(&sm, &ev, T0 + 4);
	assert_int_equal(s->state, SESS_STATE_CONNECTED);
	ev = event(DPMSG_EV_ICE_SELECTED, s, s->gen);
	ev.remote = (struct stun_addr){.family = 4, .port = 50002, .addr = {203, 0, 113, 6}};
	sessmgr_handle_event(&sm, &ev, T0 + 5);
	assert_int_equal(s->pair_remote.port, 50002);
	assert_int_equal(s->connected_us, T0 + 3);
	assert_int_equal(sm.by_state[SESS_STATE_CONNECTED], 1);
	assert_int_equal(sm.ctr.stale_events, 0);

	/* stale: wrong worker, slot, generation, index; a REMOVED ack is not stale */
	ev = event(DPMSG_EV_ICE_CHECKING, t, t->gen);
	ev.worker = (uint16_t)(t->worker ^ 1);
	sessmgr_handle_event(&sm, &ev, T0);
	ev = event(DPMSG_EV_ICE_CHECKING, t, t->gen);
	ev.slot = t->slot + 1;
	sessmgr_handle_event(&sm, &ev, T0);
	ev = event(DPMSG_EV_ICE_CHECKING, t, t->gen + 1);
	sessmgr_handle_event(&sm, &ev, T0);
	ev = event(DPMSG_EV_ICE_CHECKING, t, t->gen);
	ev.sess_id = c.max + 5;
	sessmgr_handle_event(&sm, &ev, T0);
	ev = event(DPMSG_EV_ICE_CHECKING, t, t->gen);
	ev.type = 99;
	sessmgr_handle_event(&sm, &ev, T0);
	assert_int_equal(sm.ctr.stale_events, 5);
	assert_int_equal(t->state, SESS_STATE_NEW);
	ev = event(DPMSG_EV_REMOVED, t, t->gen);
	sessmgr_handle_event(&sm, &ev, T0);
	assert_int_equal(sm.ctr.stale_events, 5);
	assert_int_equal(t->state, SESS_STATE_NEW);

	/* FAILED: closed, consent_expired, its DEL queued */
	ev = event(DPMSG_EV_ICE_FAILED, s, s->gen);
	idx = s->idx;
	sessmgr_handle_event(&sm, &ev, T0 + 6);
	assert_null(sessmgr_at(&sm, idx));
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_consent_expired], 1);
	assert_int_equal(sessmgr_cmd_backlog(&sm), 1);
	assert_int_equal(sessmgr_stream(&sm, "live")->publisher, -1);
	drain_cmds();
	/* an event for the closed session: stale */
	sessmgr_handle_event(&sm, &ev, T0 + 7);
	assert_int_equal(sm.ctr.stale_events, 6);
	/* ADDED with an error: closed 'dataplane' */
	u = open_sess(SESS_ROLE_WHIP, "other", 0, T0);
	drain_cmds();
	ev = event(DPMSG_EV_ADDED, u, u->gen);
	ev.status = ICE_E_INVAL;
	idx = u->idx;
	sessmgr_handle_event(&sm, &ev, T0 + 8);
	assert_null(sessmgr_at(&sm, idx));
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_dataplane], 1);
	assert_string_equal(sess_close_reason_name(SESS_CLOSE_dataplane), "dataplane");
	check_counts_consistent();
}

static void
test_setup_timeout(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *a, *b, *d;
	struct dpmsg_event ev;
	uint32_t ia, ib;

	(void)state;
	mgr_init(&c); /* setup 10 s */
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	b = open_sess(SESS_ROLE_WHIP, "b", 0, T0);
	d = open_sess(SESS_ROLE_WHIP, "d", 0, T0);
	ia = a->idx;
	ib = b->idx;
	ev = event(DPMSG_EV_ICE_CHECKING, b, b->gen);
	sessmgr_handle_event(&sm, &ev, T0 + SEC);
	ev = event(DPMSG_EV_ICE_SELECTED, d, d->gen);
	ev.local.family = ev.remote.family = 4;
	sessmgr_handle_event(&sm, &ev, T0 + 2 * SEC);
	rx_at[d->worker][d->slot] = T0 + 9 * SEC; /* d is not idle */
	/* a reserved session is not the timeout's business */
	{
		struct sess *r;
		assert_int_equal(sessmgr_reserve(&sm, SESS_ROLE_WHIP, "r", 0, T0, &r), SESS_OK);
	}
	sessmgr_handle_timeout(&sm, T0 + 10 * SEC - 1);
	assert_ptr_equal(sessmgr_at(&sm, ia), a);
	assert_ptr_equal(sessmgr_at(&sm, ib), b);
	/* scans are at most every 100 ms: this one is skipped */
	sessmgr_handle_timeout(&sm, T0 + 10 * SEC);
	assert_ptr_equal(sessmgr_at(&sm, ia), a);
	sessmgr_handle_timeout(&sm, T0 + 10 * SEC - 1 + 100000);
	/* NEW and CHECKING sessions that never connected: closed; the connected one stays */
	assert_null(sessmgr_at(&sm, ia));
	assert_null(sessmgr_at(&sm, ib));
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_setup_timeout], 2);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_idle_timeout], 0);
	assert_ptr_equal(sessmgr_find(&sm, d->id), d);
	assert_int_equal(sm.n_live, 1);
	assert_int_equal(sm.n_reserved, 1);
	check_counts_consistent();
}

static void
test_idle_timeout(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *a, *b;
	struct dpmsg_event ev;
	uint32_t ia;
	uint64_t t;

	(void)state;
	mgr_init(&c); /* idle 5 s */
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	b = open_sess(SESS_ROLE_WHIP, "b", 0, T0);
	ia = a->idx;
	ev = event(DPMSG_EV_ICE_SELECTED, a, a->gen);
	sessmgr_handle_event(&sm, &ev, T0 + SEC);
	ev = event(DPMSG_EV_ICE_SELECTED, b, b->gen);
	sessmgr_handle_event(&sm, &ev, T0 + SEC);
	/* never received (0): the connection time counts */
	t = T0 + 6 * SEC - 1;
	sessmgr_handle_timeout(&sm, t);
	assert_ptr_equal(sessmgr_at(&sm, ia), a);
	/* a keeps receiving, b goes quiet */
	rx_at[a->worker][a->slot] = T0 + 8 * SEC;
	t = T0 + 6 * SEC;
	sessmgr_handle_timeout(&sm, t + 200000);
	assert_ptr_equal(sessmgr_at(&sm, ia), a);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_idle_timeout], 1);
	assert_int_equal(sm.n_live, 1);
	/* a: 5 s after its last receive, not before */
	sessmgr_handle_timeout(&sm, T0 + 13 * SEC - 1);
	assert_ptr_equal(sessmgr_at(&sm, ia), a);
	sessmgr_handle_timeout(&sm, T0 + 13 * SEC - 1 + 100000);
	assert_null(sessmgr_at(&sm, ia));
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_idle_timeout], 2);
	assert_int_equal(sm.ctr.closed[SESS_CLOSE_setup_timeout], 0);
	sessmgr_fini(&sm);

	/* idle_timeout_s = 0: off */
	c.idle_timeout_s = 0;
	mgr_init(&c);
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	ev = event(DPMSG_EV_ICE_SELECTED, a, a->gen);
	sessmgr_handle_event(&sm, &ev, T0);
	sessmgr_handle_timeout(&sm, T0 + 3600 * SEC);
	assert_ptr_equal(sessmgr_find(&sm, a->id), a);
	sessmgr_fini(&sm);
	/* no callback: off too */
	c.idle_timeout_s = 5;
	c.last_rx = NULL;
	mgr_init(&c);
	a = open_sess(SESS_ROLE_WHIP, "a", 0, T0);
	ev = event(DPMSG_EV_ICE_SELECTED, a, a->gen);
	sessmgr_handle_event(&sm, &ev, T0);
	sessmgr_handle_timeout(&sm, T0 + 3600 * SEC);
	assert_ptr_equal(sessmgr_find(&sm, a->id), a);
}

static void
test_restart(void **state)
{
	struct sessmgr_config c = cfg_default();
	struct sess *s;
	char old_ufrag[UFRAG_LABEL_LEN + 1], old_pwd[SESS_PWD_LEN + 1], old_etag[SESS_ETAG_MAX];
	struct ufrag_fields fo, fn;
	const struct dpmsg_cmd *cmd;
	struct dpmsg_event ev;
	uint32_t old_gen;

	(void)state;
	c.n_workers = 2;
	mgr_init(&c);
	open_sess(SESS_ROLE_WHIP, "first", 0, T0);
	s = open_sess(SESS_ROLE_WHIP, "live", 0, T0);
	drain_cmds();
	old_gen = s->gen;
	memcpy(old_ufrag, s->ufrag, sizeof(old_ufrag));
	memcpy(old_pwd, s->pwd, sizeof(old_pwd));
	memcpy(old_etag, s->etag, sizeof(old_etag));
	assert_int_equal(sessmgr_restart(&sm, s, "peerUfrag2", T0 + SEC), 0);
	/* pending: a new label (same slot, next generation), pwd and ETag */
	assert_true(s->restarting);
	assert_int_equal(s->gen, old_gen);
	assert_string_equal(s->ufrag, old_ufrag);
	assert_string_equal(s->pwd, old_pwd);
	assert_string_not_equal(s->pending_ufrag, old_ufrag);
	assert_string_not_equal(s->pending_pwd, old_pwd);
	assert_string_not_equal(s->etag, old_etag);
	assert_string_equal(s->remote_ufrag, "peerUfrag2");
	decode_label(old_ufrag, &fo);
	decode_label(s->pending_ufrag, &fn);
	assert_int_equal(fn.slot, fo.slot);
	assert_int_equal(fn.worker, fo.worker);
	assert_int_equal(fn.generation, s->pending_gen);
	assert_int_not_equal(s->pending_gen, old_gen);
	assert_int_equal(s->restarts, 1);
	assert_int_equal(sm.ctr.restarts, 1);
	cmd = expect_cmd(DPMSG_SESS_RESTART, s, old_gen);
	assert_int_equal(cmd->new_gen, s->pending_gen);
	assert_string_equal(cmd->creds.ufrag, s->pending_ufrag);
	assert_string_equal(cmd->creds.pwd, s->pending_pwd);
	assert_string_equal(cmd->creds.remote_ufrag, "peerUfrag2");
	/* until RESTARTED, events of both generations belong to the session */
	ev = event(DPMSG_EV_ICE_CHECKING, s, old_gen);
	sessmgr_handle_event(&sm, &ev, T0 + 2 * SEC);
	assert_int_equal(s->state, SESS_STATE_CHECKING);
	ev = event(DPMSG_EV_ICE_SELECTED, s, s->pending_gen);
	sessmgr_handle_event(&sm, &ev, T0 + 2 * SEC);
	assert_int_equal(s->state, SESS_STATE_CONNECTED);
	assert_int_equal(sm.ctr.stale_events, 0);
	/* RESTARTED (carrying the old generation): the new credentials become current */
	ev = event(DPMSG_EV_ICE_RESTARTED, s, old_gen);
	sessmgr_handle_event(&sm, &ev, T0 + 3 * SEC);
	assert_false(s->restarting);
	assert_int_equal(s->gen, fn.generation);
	assert_string_equal(s->ufrag, s->pending_ufrag);
	assert_string_equal(s->pwd, s->pending_pwd);
	/* the old generation is stale now */
	ev = event(DPMSG_EV_ICE_SELECTED, s, old_gen);
	sessmgr_handle_event(&sm, &ev, T0 + 4 * SEC);
	assert_int_equal(sm.ctr.stale_events, 1);
	/* a second restart, then a third before it completes (the latter wins) */
	assert_int_equal(sessmgr_restart(&sm, s, "peerUfrag3", T0 + 5 * SEC), 0);
	assert_int_equal(sessmgr_restart(&sm, s, "peerUfrag4", T0 + 5 * SEC), 0);
	expect_cmd(DPMSG_SESS_RESTART, s, s->gen);
	cmd = expect_cmd(DPMSG_SESS_RESTART, s, s->gen);
	assert_int_equal(cmd->new_gen, s->pending_gen);
	assert_string_equal(cmd->creds.remote_ufrag, "peerUfrag4");
	assert_int_equal(s->restarts, 3);
	/* the DEL names the current generation */
	{
		uint32_t gen = s->gen;
		struct sess copy = *s;
		sessmgr_close(&sm, s, SESS_CLOSE_deleted, T0 + 6 * SEC);
		expect_cmd(DPMSG_SESS_DEL, &copy, gen);
	}
	check_counts_consistent();
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(sess_role_name(SESS_ROLE_WHIP), "whip");
	assert_string_equal(sess_role_name(SESS_ROLE_WHEP), "whep");
	assert_string_equal(sess_role_name((enum sess_role)7), "?");
	assert_string_equal(sess_state_name(SESS_STATE_CONNECTED), "connected");
	assert_string_equal(sess_state_name(SESS_STATE__COUNT), "?");
	assert_string_equal(sess_close_reason_name(SESS_CLOSE_idle_timeout), "idle_timeout");
	assert_string_equal(sess_close_reason_name(SESS_CLOSE__COUNT), "?");
	assert_int_equal(sess_refusal_http(SESS_E_DRAINING), 503);
	assert_int_equal(sess_refusal_http(SESS_E_INTERNAL), 500);
	assert_int_equal(sess_refusal_http(SESS_E__COUNT), 500);
	assert_string_equal(sess_refusal_name(SESS_E_NO_SLOT), "NO_SLOT");
	assert_string_equal(sess_refusal_text(SESS_E__COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_init_params),
	        cmocka_unit_test_teardown(test_reserve_cancel, teardown),
	        cmocka_unit_test_teardown(test_ids_and_labels, teardown),
	        cmocka_unit_test_teardown(test_generation_on_reuse, teardown),
	        cmocka_unit_test_teardown(test_placement, teardown),
	        cmocka_unit_test_teardown(test_limits, teardown),
	        cmocka_unit_test_teardown(test_replace_publisher, teardown),
	        cmocka_unit_test_teardown(test_command_queue, teardown),
	        cmocka_unit_test_teardown(test_del_always_fits, teardown),
	        cmocka_unit_test_teardown(test_events, teardown),
	        cmocka_unit_test_teardown(test_setup_timeout, teardown),
	        cmocka_unit_test_teardown(test_idle_timeout, teardown),
	        cmocka_unit_test_teardown(test_restart, teardown),
	        cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
