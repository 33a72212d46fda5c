/*
 * The bounded queue of pending events: FIFO order, the in-flight prefix,
 * "drop the oldest unsent when full", resend after a loss; and a long random
 * run against a plain model (an array) of what must be held and in what order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_queue.h"

#define P(i) ((void *)(uintptr_t)(i))
#define I(p) ((unsigned)(uintptr_t)(p))

static void
test_event_queue_basics(void **state)
{
	struct event_queue q;

	(void)state;
	assert_int_equal(event_queue_init(&q, 1), -EINVAL);
	assert_int_equal(event_queue_init(&q, 4), 0);
	assert_null(event_queue_next_unsent(&q, 8));
	assert_null(event_queue_ack(&q));
	for (unsigned i = 1; i <= 4; i++)
		assert_null(event_queue_push(&q, P(i)));
	/* in flight: 1, 2 (limit 2) */
	assert_int_equal(I(event_queue_next_unsent(&q, 2)), 1);
	assert_int_equal(I(event_queue_next_unsent(&q, 2)), 2);
	assert_null(event_queue_next_unsent(&q, 2));
	/* full: 3 (the oldest unsent) goes, 1 and 2 stay in flight */
	assert_int_equal(I(event_queue_push(&q, P(5))), 3);
	assert_int_equal(q.count, 4);
	assert_int_equal(q.inflight, 2);
	assert_int_equal(I(event_queue_ack(&q)), 1);
	/* the connection drops: 2 is unsent again, first in line */
	event_queue_unsend_all(&q);
	assert_int_equal(I(event_queue_next_unsent(&q, 8)), 2);
	assert_int_equal(I(event_queue_next_unsent(&q, 8)), 4);
	assert_int_equal(I(event_queue_next_unsent(&q, 8)), 5);
	assert_null(event_queue_next_unsent(&q, 8));
	assert_int_equal(I(event_queue_ack(&q)), 2);
	assert_int_equal(I(event_queue_ack(&q)), 4);
	assert_int_equal(I(event_queue_ack(&q)), 5);
	assert_null(event_queue_ack(&q));
	assert_int_equal(q.count, 0);
	event_queue_fini(&q);
}

static void
test_event_queue_in_flight_never_fills_it(void **state)
{
	struct event_queue q;

	(void)state;
	assert_int_equal(event_queue_init(&q, 3), 0);
	for (unsigned i = 1; i <= 3; i++)
		event_queue_push(&q, P(i));
	/* at most cap - 1 in flight, whatever is asked: room for an unsent one to drop */
	assert_int_equal(I(event_queue_next_unsent(&q, 100)), 1);
	assert_int_equal(I(event_queue_next_unsent(&q, 100)), 2);
	assert_null(event_queue_next_unsent(&q, 100));
	assert_int_equal(I(event_queue_push(&q, P(4))), 3);
	assert_int_equal(I(event_queue_push(&q, P(5))), 4);
	assert_int_equal(I(event_queue_pop_any(&q)), 1);
	assert_int_equal(q.inflight, 1);
	assert_int_equal(I(event_queue_pop_any(&q)), 2);
	assert_int_equal(I(event_queue_pop_any(&q)), 5);
	assert_null(event_queue_pop_any(&q));
	event_queue_fini(&q);
}

/* Random pushes, sends, acks and losses against a model. */
static void
test_event_queue_against_model(void **state)
{
	enum { CAP = 7, N = 200000 };
	struct event_queue q;
	unsigned model[CAP + 1], mn = 0, minfl = 0, next = 1, dropped = 0, acked = 0;
	unsigned last_acked = 0;
	uint32_t x = 1;

	(void)state;
	assert_int_equal(event_queue_init(&q, CAP), 0);
	for (int step = 0; step < N; step++) {
		x = x * 1664525u + 1013904223u;
		unsigned op = (x >> 24) % 10;
		if (op < 4) { /* push */
			void *out = event_queue_push(&q, P(next));
			if (mn == CAP) {
				/* the model drops its oldest unsent */
				assert_int_equal(I(out), model[minfl]);
				memmove(&model[minfl], &model[minfl + 1],
				        (mn - minfl - 1) * sizeof(model[0]));
				mn--;
				dropped++;
			} else {
				assert_null(out);
			}
			model[mn++] = next++;
		} else if (op < 7) { /* send */
			void *it = event_queue_next_unsent(&q, 4);
			if (minfl < mn && minfl < 4) {
				assert_int_equal(I(it), model[minfl]);
				minfl++;
			} else {
				assert_null(it);
			}
		} else if (op < 9) { /* ack */
			void *it = event_queue_ack(&q);
			if (minfl > 0) {
				assert_int_equal(I(it), model[0]);
				assert_true(model[0] > last_acked); /* stored in order */
				last_acked = model[0];
				memmove(&model[0], &model[1], (mn - 1) * sizeof(model[0]));
				mn--;
				minfl--;
				acked++;
			} else {
				assert_null(it);
			}
		} else { /* loss */
			event_queue_unsend_all(&q);
			minfl = 0;
		}
		assert_int_equal(q.count, mn);
		assert_int_equal(q.inflight, minfl);
	}
	/* every item was acked, dropped, or is still held */
	assert_int_equal(acked + dropped + mn, next - 1);
	assert_true(dropped > 0 && acked > 0);
	event_queue_fini(&q);
}

#define T(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_event_queue_basics),
	        T(test_event_queue_in_flight_never_fills_it),
	        T(test_event_queue_against_model),
	};

	return cmocka_run_group_tests_name("event_queue", tests, NULL, NULL);
}
