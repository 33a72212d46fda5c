/*
 * Per-client token buckets (ctrlplane/ratelimit.c) on a simulated clock:
 * burst then refusal, refill, Retry-After, address families kept apart,
 * a full table that keeps working, rate 0 = off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ratelimit.h"

#define MS 1000ull
#define SEC 1000000ull
#define T0 (1000 * SEC)

static struct ratelimit rl;

static const uint8_t A4[16] = {198, 18, 0, 1};
static const uint8_t B4[16] = {198, 18, 0, 2};
/* an IPv6 address whose first four bytes are A4's */
static const uint8_t A6[16] = {198, 18, 0, 1, [15] = 1};

static void
test_burst_then_refusal(void **state)
{
	(void)state;
	ratelimit_init(&rl, 10, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_equal(rl.limited, 0);
	/* the sixth in the same instant: refused, retry in (at least) one second */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 1);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 1);
	assert_int_equal(rl.limited, 2);
	/* another client is not affected */
	assert_int_equal(ratelimit_take(&rl, 4, B4, T0), 0);
	assert_int_equal(rl.limited, 2);
}

static void
test_refill(void **state)
{
	(void)state;
	ratelimit_init(&rl, 10, 5); /* one token every 100 ms */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	/* 99 ms: not yet a whole token */
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + 99 * MS), 0);
	/* 100 ms: one */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * MS), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * MS), 0);
	/* 350 ms: 2.5 tokens, two requests */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 350 * MS), 0);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 350 * MS), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + 350 * MS), 0);
	/* the half token carried over: 50 ms more make one */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 400 * MS), 0);
	/* a long pause fills the bucket to the burst, not beyond */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * SEC), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * SEC), 0);
	/* a clock that steps back refills nothing and breaks nothing */
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * SEC + 100 * MS), 0);
}

/* Calls more often than one thousandth of a token still add up (no lost fractions). */
static void
test_frequent_calls_refill(void **state)
{
	(void)state;
	ratelimit_init(&rl, 10, 1); /* one token every 100 ms = 1/1000 token every 100 us */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	/* every 50 us (half a thousandth): refused until 100 ms have passed in all */
	for (uint64_t t = 50; t < 100 * MS; t += 50)
		assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + t), 0);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 100 * MS), 0);
}

static void
test_retry_after(void **state)
{
	(void)state;
	/* 1 request per second, burst 1 */
	ratelimit_init(&rl, 1, 1);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 1);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 500 * MS), 1);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 999 * MS), 1);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + 1000 * MS), 0);
	/* burst 0 means 1 */
	ratelimit_init(&rl, 100, 0);
	assert_int_equal(rl.burst, 1);
	assert_int_equal(ratelimit_take(&rl, 6, A6, T0), 0);
	assert_int_equal(ratelimit_take(&rl, 6, A6, T0), 1);
	assert_int_equal(ratelimit_take(&rl, 6, A6, T0 + 10 * MS), 0);
}

static void
test_families(void **state)
{
	uint8_t a4_junk[16];

	(void)state;
	ratelimit_init(&rl, 1, 2);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	/* same first four bytes, IPv6: another client */
	assert_int_equal(ratelimit_take(&rl, 6, A6, T0), 0);
	assert_int_equal(ratelimit_take(&rl, 6, A6, T0), 0);
	assert_int_not_equal(ratelimit_take(&rl, 6, A6, T0), 0);
	/* an IPv4 address is its first four bytes only */
	memcpy(a4_junk, A4, 4);
	memset(a4_junk + 4, 0xee, 12);
	assert_int_not_equal(ratelimit_take(&rl, 4, a4_junk, T0), 0);
	assert_int_equal(rl.limited, 3);
}

static void
test_table_full(void **state)
{
	uint8_t a[16] = {0xfd, 0x00};
	uint32_t n = 4 * RATELIMIT_SLOTS;

	(void)state;
	ratelimit_init(&rl, 1, 1);
	/* many more clients than buckets, each spending its burst and being refused */
	for (uint32_t i = 0; i < n; i++) {
		a[12] = (uint8_t)(i >> 24);
		a[13] = (uint8_t)(i >> 16);
		a[14] = (uint8_t)(i >> 8);
		a[15] = (uint8_t)i;
		assert_int_equal(ratelimit_take(&rl, 6, a, T0 + i), 0);
		assert_int_not_equal(ratelimit_take(&rl, 6, a, T0 + i), 0);
	}
	assert_int_equal(rl.limited, n);
	/* the newest bucket survived: still limited */
	assert_int_not_equal(ratelimit_take(&rl, 6, a, T0 + n), 0);
	/* a new client still gets its burst (the oldest bucket is reused) */
	assert_int_equal(ratelimit_take(&rl, 4, A4, T0 + n), 0);
	assert_int_not_equal(ratelimit_take(&rl, 4, A4, T0 + n), 0);
	{
		unsigned used = 0;
		for (unsigned i = 0; i < RATELIMIT_SLOTS; i++)
			used += rl.b[i].used;
		assert_true(used <= RATELIMIT_SLOTS);
		assert_true(used > RATELIMIT_SLOTS / 2);
	}
}

static void
test_off(void **state)
{
	(void)state;
	ratelimit_init(&rl, 0, 5);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(ratelimit_take(&rl, 4, A4, T0), 0);
	assert_int_equal(rl.limited, 0);
	for (unsigned i = 0; i < RATELIMIT_SLOTS; i++)
		assert_int_equal(rl.b[i].used, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_burst_then_refusal),
	        cmocka_unit_test(test_refill),
	        cmocka_unit_test(test_frequent_calls_refill),
	        cmocka_unit_test(test_retry_after),
	        cmocka_unit_test(test_families),
	        cmocka_unit_test(test_table_full),
	        cmocka_unit_test(test_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
