/* ctrlplane/playout.c: the schedule, timestamps, markers, FIFOs, holding, stopping. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "playout.h"

#define MAXSENT 256

struct sent {
	uint32_t idx;
	uint8_t first; /* the packet's first octet: clip number * 16 + packet number */
	uint16_t len;
	int marker;
	uint32_t ts;
};

struct rec {
	struct sent s[MAXSENT];
	unsigned n;
	int refuse; /* send answers -EAGAIN */
	unsigned starts, ends, ends_done;
	uint64_t last_tag;
};

static int
rec_send(void *ctx, uint32_t idx, const uint8_t *pkt, uint16_t len, int marker, uint32_t ts)
{
	struct rec *r = ctx;

	if (r->refuse)
		return -EAGAIN;
	assert_true(r->n < MAXSENT);
	r->s[r->n++] = (struct sent){idx, pkt[0], len, marker, ts};
	return 0;
}

static void
rec_clip(void *ctx, uint32_t idx, uint64_t tag, int start, int done)
{
	struct rec *r = ctx;

	(void)idx;
	r->last_tag = tag;
	if (start) {
		r->starts++;
	} else {
		r->ends++;
		r->ends_done += done != 0;
	}
}

/* A clip of @n packets; packet i is (id * 16 + i) repeated i + 1 times. */
static struct tts_clip *
clip_make(unsigned id, unsigned n)
{
	size_t bytes = (size_t)n * (n + 1) / 2;
	struct tts_clip *c = malloc(sizeof(*c) + (n + 1) * sizeof(uint32_t) + bytes);

	assert_non_null(c);
	c->tag = id;
	c->n = n;
	c->off = (uint32_t *)(c + 1);
	c->data = (uint8_t *)(c->off + n + 1);
	c->off[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		memset(c->data + c->off[i], (int)(id * 16 + i), i + 1);
		c->off[i + 1] = c->off[i] + i + 1;
	}
	return c;
}

struct fx {
	struct playout *p;
	struct rec r;
	struct playout_ops ops;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(playout_create(4, 3, &f->p), 0);
	f->ops = (struct playout_ops){rec_send, rec_clip, &f->r};
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	playout_destroy(f->p); /* frees what is still queued */
	free(f);
	return 0;
}

static void
test_create_refuses(void **state)
{
	struct playout *p;

	(void)state;
	assert_int_equal(playout_create(0, 3, &p), -EINVAL);
	assert_int_equal(playout_create(3, 0, &p), -EINVAL);
}

/* One clip: a packet every 20 ms, 960 timestamp units apart, the marker on the first only. */
static void
test_one_clip(void **state)
{
	struct fx *f = *state;
	uint64_t t0 = 5000000;

	assert_int_equal(playout_run(f->p, t0, &f->ops), -1); /* nothing to do */
	assert_int_equal(playout_add(f->p, 1, clip_make(1, 3), 1000, t0), 0);
	assert_int_equal(playout_pending(f->p, 1), 1);
	assert_int_equal(playout_run(f->p, t0, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(f->r.n, 1);
	assert_int_equal(f->r.s[0].idx, 1);
	assert_int_equal(f->r.s[0].first, 16);
	assert_int_equal(f->r.s[0].len, 1);
	assert_int_equal(f->r.s[0].marker, 1);
	assert_int_equal(f->r.s[0].ts, 1000);
	assert_int_equal(f->r.starts, 1);
	assert_int_equal(playout_run(f->p, t0 + 19999, &f->ops), 1);
	assert_int_equal(f->r.n, 1);
	assert_int_equal(playout_run(f->p, t0 + 20000, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(playout_run(f->p, t0 + 40500, &f->ops), -1); /* the last one: done */
	assert_int_equal(f->r.n, 3);
	for (unsigned i = 1; i < 3; i++) {
		assert_int_equal(f->r.s[i].first, 16 + i);
		assert_int_equal(f->r.s[i].len, i + 1);
		assert_int_equal(f->r.s[i].marker, 0);
		assert_int_equal(f->r.s[i].ts, 1000 + 960 * i);
	}
	assert_int_equal(f->r.ends, 1);
	assert_int_equal(f->r.ends_done, 1);
	assert_int_equal(f->r.last_tag, 1);
	assert_int_equal(playout_pending(f->p, 1), 0);
}

/* Clips queued behind one another play back to back: one talkspurt, one marker; after a
 * silence the timestamps have moved on with the clock and the marker is set again. */
static void
test_back_to_back_then_silence(void **state)
{
	struct fx *f = *state;
	struct playout_stats st;

	assert_int_equal(playout_add(f->p, 0, clip_make(1, 2), 7, 0), 0);
	assert_int_equal(playout_add(f->p, 0, clip_make(2, 2), 999, 0), 0);
	for (uint64_t t = 0; t <= 60000; t += 20000)
		playout_run(f->p, t, &f->ops);
	assert_int_equal(f->r.n, 4);
	assert_int_equal(f->r.s[2].first, 32);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(f->r.s[i].marker, i == 0);
		assert_int_equal(f->r.s[i].ts, 7 + 960 * i);
	}
	assert_int_equal(f->r.starts, 2);
	assert_int_equal(f->r.ends_done, 2);
	/* one second later: the same offset (the session's), the clock's time, a marker */
	assert_int_equal(playout_add(f->p, 0, clip_make(3, 1), 12345, 1000000), 0);
	assert_int_equal(playout_run(f->p, 1000000, &f->ops), -1);
	assert_int_equal(f->r.s[4].marker, 1);
	assert_int_equal(f->r.s[4].ts, 7 + 48000);
	playout_stats(f->p, &st);
	assert_int_equal(st.clips, 3);
	assert_int_equal(st.packets, 5);
}

/* A late loop catches up at once; far too late, the schedule moves to now after a gap. */
static void
test_late(void **state)
{
	struct fx *f = *state;
	struct playout_stats st;

	assert_int_equal(playout_add(f->p, 2, clip_make(1, 10), 0, 0), 0);
	playout_run(f->p, 0, &f->ops);
	assert_int_equal(playout_run(f->p, 100000, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(f->r.n, 6); /* due at 0, 20, ..., 100 ms */
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(f->r.s[i].ts, 960 * i);
	/* the next was due at 120 ms; at 500 ms it is 380 ms late */
	assert_int_equal(playout_run(f->p, 500000, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(f->r.n, 7);
	assert_int_equal(f->r.s[6].marker, 1);
	assert_int_equal(f->r.s[6].ts, 500 * 48);
	playout_stats(f->p, &st);
	assert_int_equal(st.late_shifts, 1);
}

/* A session that cannot send yet holds its clip: nothing is lost or started meanwhile. */
static void
test_hold(void **state)
{
	struct fx *f = *state;
	struct playout_stats st;

	f->r.refuse = 1;
	assert_int_equal(playout_add(f->p, 3, clip_make(1, 2), 100, 0), 0);
	assert_int_equal(playout_run(f->p, 0, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(playout_run(f->p, 20000, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(f->r.starts, 0);
	f->r.refuse = 0;
	assert_int_equal(playout_run(f->p, 40000, &f->ops), PLAYOUT_FRAME_US);
	assert_int_equal(f->r.n, 1);
	assert_int_equal(f->r.s[0].first, 16);
	assert_int_equal(f->r.s[0].marker, 1);
	assert_int_equal(f->r.s[0].ts, 100 + 40 * 48);
	assert_int_equal(f->r.starts, 1);
	playout_run(f->p, 60000, &f->ops);
	assert_int_equal(f->r.s[1].first, 17);
	playout_stats(f->p, &st);
	assert_int_equal(st.held, 2);
}

/* Stop frees the FIFO (a started clip ends not done); a full FIFO refuses; the index then
 * serves a new session with its own timestamp offset. */
static void
test_stop_full_reuse(void **state)
{
	struct fx *f = *state;
	struct playout_stats st;

	assert_int_equal(playout_add(f->p, 1, clip_make(1, 5), 0, 0), 0);
	assert_int_equal(playout_add(f->p, 1, clip_make(2, 5), 0, 0), 0);
	assert_int_equal(playout_add(f->p, 1, clip_make(3, 5), 0, 0), 0);
	assert_int_equal(playout_add(f->p, 1, clip_make(4, 5), 0, 0), -ENOBUFS);
	assert_int_equal(playout_add(f->p, 4, clip_make(4, 5), 0, 0), -EINVAL);
	playout_run(f->p, 0, &f->ops);
	playout_stop(f->p, 1, &f->ops);
	assert_int_equal(f->r.ends, 1); /* only the one that had started */
	assert_int_equal(f->r.ends_done, 0);
	assert_int_equal(playout_pending(f->p, 1), 0);
	assert_int_equal(playout_run(f->p, 20000, &f->ops), -1);
	playout_stop(f->p, 1, NULL); /* nothing left: harmless */
	/* after a stop (barge-in) the same session's timestamps go on with the clock */
	assert_int_equal(playout_add(f->p, 1, clip_make(5, 1), 4242, 1000000), 0);
	playout_run(f->p, 1000000, &f->ops);
	assert_int_equal(f->r.s[f->r.n - 1].ts, 1000 * 48);
	assert_int_equal(f->r.s[f->r.n - 1].marker, 1);
	/* closed, the index serves a new session with its own offset */
	playout_close(f->p, 1, NULL);
	assert_int_equal(playout_add(f->p, 1, clip_make(6, 1), 4242, 3000000), 0);
	playout_run(f->p, 3000000, &f->ops);
	assert_int_equal(f->r.s[f->r.n - 1].ts, 4242);
	playout_stats(f->p, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.stopped, 1);
}

/* Sessions interleave; one ending early leaves the others on their own schedules. */
static void
test_sessions(void **state)
{
	struct fx *f = *state;
	unsigned per[4] = {0};

	assert_int_equal(playout_add(f->p, 0, clip_make(1, 4), 0, 0), 0);
	assert_int_equal(playout_add(f->p, 1, clip_make(2, 1), 0, 0), 0);
	assert_int_equal(playout_add(f->p, 2, clip_make(3, 3), 0, 10000), 0);
	assert_int_equal(playout_add(f->p, 3, clip_make(4, 2), 0, 5000), 0);
	for (uint64_t t = 0; t <= 100000; t += 5000)
		playout_run(f->p, t, &f->ops);
	for (unsigned i = 0; i < f->r.n; i++)
		per[f->r.s[i].idx]++;
	assert_int_equal(per[0], 4);
	assert_int_equal(per[1], 1);
	assert_int_equal(per[2], 3);
	assert_int_equal(per[3], 2);
	assert_int_equal(f->r.ends_done, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(playout_pending(f->p, i), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_refuses),
		cmocka_unit_test_setup_teardown(test_one_clip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_back_to_back_then_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_full_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
