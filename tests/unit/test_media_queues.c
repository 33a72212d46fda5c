/*
 * The media pipeline's two containers: the SPSC record queue (spsc.h) and
 * the u64 -> u32 key map (keymap.h).
 *   - spsc: arguments, exactly size records fit, order and contents across
 *     the 32-bit index wrap, two threads (200 000 records through 16
 *     slots): all received, in order, intact;
 *   - keymap: arguments, capacity, and 200 000 random puts/gets/deletes
 *     against a plain array (keys chosen from a small set so that probe
 *     runs collide and deletions shift entries back).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keymap.h"
#include "spsc.h"

struct rec {
	uint64_t seq;
	uint32_t check;
	uint8_t fill[52];
};

static uint32_t
mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return (uint32_t)v;
}

static void
rec_make(struct rec *r, uint64_t seq)
{
	r->seq = seq;
	r->check = mix(seq);
	memset(r->fill, (int)(seq & 0xff), sizeof(r->fill));
}

static int
rec_ok(const struct rec *r, uint64_t seq)
{
	for (size_t i = 0; i < sizeof(r->fill); i++)
		if (r->fill[i] != (uint8_t)(seq & 0xff))
			return 0;
	return r->seq == seq && r->check == mix(seq);
}

static void
test_spsc_basic(void **state)
{
	struct media_spsc *q;
	struct rec r, out;

	(void)state;
	assert_int_equal(media_spsc_create(3, sizeof(r), &q), -EINVAL);
	assert_int_equal(media_spsc_create(1, sizeof(r), &q), -EINVAL);
	assert_int_equal(media_spsc_create(8, 0, &q), -EINVAL);
	assert_int_equal(media_spsc_create(8, MEDIA_SPSC_ELEM_MAX + 1, &q), -EINVAL);
	assert_int_equal(media_spsc_create(8, sizeof(r), &q), 0);
	assert_int_equal(media_spsc_pop(q, &out), 0);
	for (uint64_t i = 0; i < 8; i++) {
		rec_make(&r, i);
		assert_int_equal(media_spsc_push(q, &r), 0);
	}
	assert_int_equal(media_spsc_push(q, &r), -ENOBUFS);
	assert_int_equal(media_spsc_count(q), 8);
	for (uint64_t i = 0; i < 8; i++) {
		assert_int_equal(media_spsc_pop(q, &out), 1);
		assert_true(rec_ok(&out, i));
	}
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(media_spsc_pop(q, &out), 0);
	assert_int_equal(out.seq, 0x5a5a5a5a5a5a5a5aull); /* untouched */
	/* across the wrap of the 32-bit indices */
	atomic_store(&q->head, UINT32_MAX - 3);
	atomic_store(&q->tail, UINT32_MAX - 3);
	q->tail_cache = q->head_cache = UINT32_MAX - 3;
	for (uint64_t i = 0; i < 40; i++) {
		rec_make(&r, 100 + i);
		assert_int_equal(media_spsc_push(q, &r), 0);
		if (i % 3 == 2)
			for (int k = 0; k < 3; k++) {
				assert_int_equal(media_spsc_pop(q, &out), 1);
				assert_true(rec_ok(&out, 100 + i - 2 + (uint64_t)k));
			}
	}
	assert_int_equal(media_spsc_count(q), 1);
	media_spsc_free(q);
	media_spsc_free(NULL);
}

#define NREC 200000u

static void *
producer(void *arg)
{
	struct media_spsc *q = arg;
	struct rec r;

	for (uint64_t i = 0; i < NREC; i++) {
		rec_make(&r, i);
		while (media_spsc_push(q, &r) != 0)
			sched_yield();
	}
	return NULL;
}

static void
test_spsc_threads(void **state)
{
	struct media_spsc *q;
	pthread_t t;
	struct rec out;
	uint64_t next = 0;

	(void)state;
	assert_int_equal(media_spsc_create(16, sizeof(out), &q), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, q), 0);
	while (next < NREC) {
		if (media_spsc_pop(q, &out) == 1) {
			if (!rec_ok(&out, next))
				fail_msg("record %" PRIu64 " damaged or out of order", next);
			next++;
		} else {
			sched_yield();
		}
	}
	pthread_join(t, NULL);
	assert_int_equal(media_spsc_pop(q, &out), 0);
	media_spsc_free(q);
}

static void
test_keymap(void **state)
{
	struct media_keymap m;
	enum { NKEYS = 300, MAX = 128 };
	uint32_t ref[NKEYS]; /* MEDIA_KEYMAP_NONE: absent */
	uint32_t n = 0, seed = 12345;

	(void)state;
	assert_int_equal(media_keymap_init(&m, 0), -EINVAL);
	assert_int_equal(media_keymap_init(&m, MEDIA_KEYMAP_MAX + 1), -EINVAL);
	assert_int_equal(media_keymap_init(&m, MAX), 0);
	assert_int_equal(media_keymap_put(&m, 1, MEDIA_KEYMAP_NONE), -EINVAL);
	assert_int_equal(media_keymap_del(&m, 1), -ENOENT);
	for (int i = 0; i < NKEYS; i++)
		ref[i] = MEDIA_KEYMAP_NONE;
	for (uint32_t step = 0; step < 200000u; step++) {
		seed = seed * 1664525u + 1013904223u;
		uint32_t k = (seed >> 8) % NKEYS, op = (seed >> 20) % 3;
		/* keys that look like (session << 8 | track) */
		uint64_t key = (uint64_t)(k / 3) << 8 | (k % 3);

		if (op == 0) {
			int rc = media_keymap_put(&m, key, step);
			if (ref[k] != MEDIA_KEYMAP_NONE) {
				assert_int_equal(rc, -EEXIST);
			} else if (n == MAX) {
				assert_int_equal(rc, -ENOSPC);
			} else {
				assert_int_equal(rc, 0);
				ref[k] = step;
				n++;
			}
		} else if (op == 1) {
			int rc = media_keymap_del(&m, key);
			assert_int_equal(rc, ref[k] == MEDIA_KEYMAP_NONE ? -ENOENT : 0);
			if (ref[k] != MEDIA_KEYMAP_NONE)
				n--;
			ref[k] = MEDIA_KEYMAP_NONE;
		}
		assert_int_equal(media_keymap_get(&m, key), ref[k]);
		if (step % 997 == 0)
			for (int j = 0; j < NKEYS; j++)
				assert_int_equal(
				        media_keymap_get(&m, (uint64_t)(j / 3) << 8 | (j % 3)),
				        ref[j]);
		assert_int_equal(m.n, n);
	}
	media_keymap_fini(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_spsc_basic),
	        cmocka_unit_test(test_spsc_threads),
	        cmocka_unit_test(test_keymap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
