/*
 * The worker -> media lcore tap ring: message ABI (size, version), exact
 * drop-when-full counting, order and contents across the index wrap, and a
 * two-thread run in which every message is either received in order or
 * counted as dropped.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tap_ring.h"

static void
test_abi(void **state)
{
	(void)state;
	struct media_tap_msg m;

	assert_int_equal(sizeof(struct media_tap_msg), 1536);
	assert_int_equal(offsetof(struct media_tap_msg, payload), 32);
	assert_int_equal(MEDIA_TAP_PAYLOAD_MAX, 1504);
	assert_int_equal(offsetof(struct media_tap_msg, session), 8);
	assert_int_equal(offsetof(struct media_tap_msg, seq), 16);
	assert_int_equal(offsetof(struct media_tap_msg, ts), 20);
	assert_int_equal(offsetof(struct media_tap_msg, arrival_us), 24);

	memset(&m, 0, sizeof(m));
	m.version = MEDIA_TAP_MSG_VERSION;
	m.len = MEDIA_TAP_PAYLOAD_MAX;
	assert_int_equal(media_tap_msg_check(&m), 0);
	m.len = MEDIA_TAP_PAYLOAD_MAX + 1;
	assert_int_equal(media_tap_msg_check(&m), MEDIA_TAP_E_LEN);
	m.len = 10;
	m.version = 2;
	assert_int_equal(media_tap_msg_check(&m), MEDIA_TAP_E_VERSION);

	assert_string_equal(media_tap_drop_name(MEDIA_TAP_DROP_FULL), "ring_full");
	assert_string_equal(media_tap_drop_name(MEDIA_TAP_DROP_TOO_LONG), "payload_too_long");
	assert_non_null(media_tap_drop_help(MEDIA_TAP_DROP_FULL));
	assert_null(media_tap_drop_name(MEDIA_TAP_DROP_MAX));
}

static void
test_create_bad(void **state)
{
	(void)state;
	struct media_tap_ring *r = (void *)0x1;
	static const uint32_t bad[] = {0, 1, 3, 6, 100, MEDIA_TAP_RING_MAX * 2, UINT32_MAX};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(media_tap_ring_create(bad[i], &r), -EINVAL);
	assert_ptr_equal(r, (void *)0x1);
	assert_int_equal(media_tap_ring_create(2, &r), 0);
	media_tap_ring_free(r);
	media_tap_ring_free(NULL);
}

static void
hdr_for(struct media_tap_msg *h, uint32_t i)
{
	memset(h, 0, MEDIA_TAP_HDR_SIZE);
	h->version = 77; /* ignored: set by push */
	h->len = 999;    /* ignored */
	h->track = (uint8_t)(i % 3);
	h->flags = i % 5 == 0 ? MEDIA_TAP_F_MARKER : 0;
	h->pt = 111;
	h->session = 0x10000u + i;
	h->ssrc = 0xdeadbeef;
	h->seq = (uint16_t)i;
	h->ts = i * 960u;
	h->arrival_us = 1000000u + i * 20000u;
}

static void
payload_for(uint8_t *p, size_t len, uint32_t i)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 31u + k);
}

static void
check_msg(const struct media_tap_msg *m, uint32_t i, size_t len)
{
	uint8_t want[MEDIA_TAP_PAYLOAD_MAX];

	assert_int_equal(m->version, MEDIA_TAP_MSG_VERSION);
	assert_int_equal(m->len, len);
	assert_int_equal(m->seq, (uint16_t)i);
	assert_int_equal(m->session, 0x10000u + i);
	assert_int_equal(m->ts, i * 960u);
	assert_int_equal(m->arrival_us, 1000000u + i * 20000u);
	assert_int_equal(m->track, i % 3);
	assert_int_equal(m->pt, 111);
	payload_for(want, len, i);
	assert_memory_equal(m->payload, want, len);
	assert_int_equal(media_tap_msg_check(m), 0);
}

static void
test_full_drops_exact(void **state)
{
	(void)state;
	struct media_tap_ring *r;
	struct media_tap_ring_stats st;
	struct media_tap_msg h;
	const struct media_tap_msg *v[16];
	uint8_t pl[MEDIA_TAP_PAYLOAD_MAX + 1];

	assert_int_equal(media_tap_ring_create(8, &r), 0);
	for (uint32_t i = 0; i < 8; i++) {
		hdr_for(&h, i);
		payload_for(pl, 80 + i, i);
		assert_int_equal(media_tap_ring_push(r, &h, pl, 80 + i), 0);
	}
	assert_int_equal(media_tap_ring_count(r), 8);
	/* full: the 9th and 10th are dropped and counted, nothing changes */
	hdr_for(&h, 8);
	assert_int_equal(media_tap_ring_push(r, &h, pl, 80), -ENOBUFS);
	assert_int_equal(media_tap_ring_push(r, &h, pl, 80), -ENOBUFS);
	/* too long is refused before looking at space */
	assert_int_equal(media_tap_ring_push(r, &h, pl, MEDIA_TAP_PAYLOAD_MAX + 1), -EMSGSIZE);
	media_tap_ring_stats(r, &st);
	assert_int_equal(st.enqueued, 8);
	assert_int_equal(st.drops[MEDIA_TAP_DROP_FULL], 2);
	assert_int_equal(st.drops[MEDIA_TAP_DROP_TOO_LONG], 1);
	assert_int_equal(st.dequeued, 0);

	/* consumer: peek 3 of 8, release them, then the rest */
	assert_int_equal(media_tap_ring_peek(r, v, 3), 3);
	for (uint32_t i = 0; i < 3; i++)
		check_msg(v[i], i, 80 + i);
	media_tap_ring_release(r, 3);
	/* three places again: exactly three go in */
	for (uint32_t i = 8; i < 12; i++) {
		hdr_for(&h, i);
		payload_for(pl, 80 + i, i);
		assert_int_equal(media_tap_ring_push(r, &h, pl, 80 + i), i < 11 ? 0 : -ENOBUFS);
	}
	assert_int_equal(media_tap_ring_peek(r, v, 16), 8);
	for (uint32_t i = 0; i < 8; i++)
		check_msg(v[i], i + 3, 80 + i + 3);
	media_tap_ring_release(r, 8);
	assert_int_equal(media_tap_ring_peek(r, v, 16), 0);
	media_tap_ring_stats(r, &st);
	assert_int_equal(st.enqueued, 11);
	assert_int_equal(st.dequeued, 11);
	assert_int_equal(st.drops[MEDIA_TAP_DROP_FULL], 3);
	assert_int_equal(st.drops[MEDIA_TAP_DROP_TOO_LONG], 1);

	/* the largest payload and an empty one */
	hdr_for(&h, 20);
	payload_for(pl, MEDIA_TAP_PAYLOAD_MAX, 20);
	assert_int_equal(media_tap_ring_push(r, &h, pl, MEDIA_TAP_PAYLOAD_MAX), 0);
	hdr_for(&h, 21);
	assert_int_equal(media_tap_ring_push(r, &h, NULL, 0), 0);
	assert_int_equal(media_tap_ring_peek(r, v, 16), 2);
	check_msg(v[0], 20, MEDIA_TAP_PAYLOAD_MAX);
	check_msg(v[1], 21, 0);
	media_tap_ring_release(r, 2);
	media_tap_ring_free(r);
}

/* The free-running 32-bit indices wrap: order, count and full still hold. */
static void
test_index_wrap(void **state)
{
	(void)state;
	struct media_tap_ring *r;
	struct media_tap_msg h;
	const struct media_tap_msg *v[4];
	uint8_t pl[64];
	uint32_t next_in = 0, next_out = 0;

	assert_int_equal(media_tap_ring_create(4, &r), 0);
	atomic_store(&r->head, UINT32_MAX - 5);
	atomic_store(&r->tail, UINT32_MAX - 5);
	r->tail_cache = UINT32_MAX - 5;
	r->head_cache = UINT32_MAX - 5;
	for (int round = 0; round < 6; round++) {
		for (int k = 0; k < 5; k++) {
			hdr_for(&h, next_in);
			payload_for(pl, 64, next_in);
			int rc = media_tap_ring_push(r, &h, pl, 64);
			assert_int_equal(rc, k < 4 ? 0 : -ENOBUFS);
			if (rc == 0)
				next_in++;
		}
		assert_int_equal(media_tap_ring_count(r), 4);
		unsigned n = media_tap_ring_peek(r, v, 4);
		assert_int_equal(n, 4);
		for (unsigned i = 0; i < n; i++)
			check_msg(v[i], next_out++, 64);
		media_tap_ring_release(r, n);
	}
	assert_true(atomic_load(&r->head) < 100); /* it did wrap */
	media_tap_ring_free(r);
}

#define SPSC_N 200000u

struct spsc_arg {
	struct media_tap_ring *r;
	uint32_t accepted;
	uint32_t refused;
};

static void *
producer(void *p)
{
	struct spsc_arg *a = p;
	struct media_tap_msg h;
	uint8_t pl[64];

	for (uint32_t i = 0; i < SPSC_N; i++) {
		hdr_for(&h, i);
		payload_for(pl, 16 + i % 48, i);
		if (media_tap_ring_push(a->r, &h, pl, 16 + i % 48) == 0)
			a->accepted++;
		else
			a->refused++;
	}
	return NULL;
}

/* Two threads: whatever arrives is in order and intact, and received + dropped == sent. */
static void
test_two_threads(void **state)
{
	(void)state;
	struct spsc_arg a = {0};
	struct media_tap_ring_stats st;
	const struct media_tap_msg *v[32];
	pthread_t t;
	uint32_t got = 0;
	int64_t last = -1;
	int done = 0;

	assert_int_equal(media_tap_ring_create(64, &a.r), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &a), 0);
	while (!done) {
		media_tap_ring_stats(a.r, &st);
		done = st.enqueued + st.drops[MEDIA_TAP_DROP_FULL] == SPSC_N;
		unsigned n = media_tap_ring_peek(a.r, v, 32);
		for (unsigned i = 0; i < n; i++) {
			/* session carries the full index (seq is 16 bits) */
			uint32_t idx = v[i]->session - 0x10000u;
			assert_true((int64_t)idx > last);
			last = idx;
			check_msg(v[i], idx, 16 + idx % 48);
		}
		media_tap_ring_release(a.r, n);
		got += n;
	}
	pthread_join(t, NULL);
	/* the producer may have published after our last look */
	for (;;) {
		unsigned n = media_tap_ring_peek(a.r, v, 32);
		if (n == 0)
			break;
		for (unsigned i = 0; i < n; i++)
			check_msg(v[i], v[i]->session - 0x10000u,
			        16 + (v[i]->session - 0x10000u) % 48);
		media_tap_ring_release(a.r, n);
		got += n;
	}
	media_tap_ring_stats(a.r, &st);
	assert_int_equal(a.accepted + a.refused, SPSC_N);
	assert_int_equal(st.enqueued, a.accepted);
	assert_int_equal(st.drops[MEDIA_TAP_DROP_FULL], a.refused);
	assert_int_equal(st.dequeued, got);
	assert_int_equal(got, a.accepted);
	media_tap_ring_free(a.r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_abi),
	        cmocka_unit_test(test_create_bad),
	        cmocka_unit_test(test_full_drops_exact),
	        cmocka_unit_test(test_index_wrap),
	        cmocka_unit_test(test_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
