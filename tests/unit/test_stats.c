/*
 * Counter table from stats.inc: unique exported names, the drop_ prefix on
 * exactly the drop reasons, help texts, and the per-counter add.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

static void
test_stats_names_unique_and_well_formed(void **state)
{
	(void)state;
	assert_true(RTC_STAT__COUNT > 0);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		const char *n = rtc_stats_name((enum rtc_stat)i);
		assert_non_null(n);
		assert_true(strlen(n) > 0);
		/* telemetry/Prometheus-safe: [a-z0-9_], not starting with a digit */
		assert_false(n[0] >= '0' && n[0] <= '9');
		for (const char *p = n; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				fail_msg("counter %u name '%s' has '%c'", i, n, *p);
		for (unsigned j = i + 1; j < RTC_STAT__COUNT; j++)
			if (strcmp(n, rtc_stats_name((enum rtc_stat)j)) == 0)
				fail_msg("counters %u and %u are both named '%s'", i, j, n);
	}
}

static void
test_stats_drop_prefix_exactly_on_drops(void **state)
{
	unsigned drops = 0;

	(void)state;
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		const char *n = rtc_stats_name((enum rtc_stat)i);
		int prefixed = strncmp(n, "drop_", 5) == 0;
		if (prefixed != (rtc_stats_is_drop((enum rtc_stat)i) != 0))
			fail_msg("counter '%s': drop_ prefix %d but is_drop %d", n, prefixed,
					rtc_stats_is_drop((enum rtc_stat)i));
		if (prefixed) {
			assert_true(strlen(n) > 5);
			drops++;
		}
	}
	assert_true(drops > 0);
	assert_true(drops < RTC_STAT__COUNT);
}

static void
test_stats_known_names(void **state)
{
	(void)state;
	assert_string_equal(rtc_stats_name(RTC_STAT_rx_packets), "rx_packets");
	assert_string_equal(rtc_stats_name(RTC_DROP_ipv4_bad_cksum), "drop_ipv4_bad_cksum");
	assert_string_equal(rtc_stats_name(RTC_DROP_reply_no_room), "drop_reply_no_room");
	assert_true(rtc_stats_is_drop(RTC_DROP_eth_truncated));
	assert_false(rtc_stats_is_drop(RTC_STAT_arp_replies));
}

static void
test_stats_every_counter_has_help(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		const char *h = rtc_stats_help((enum rtc_stat)i);
		assert_non_null(h);
		if (strlen(h) == 0 || strcmp(h, "?") == 0)
			fail_msg("counter '%s' has no help", rtc_stats_name((enum rtc_stat)i));
	}
}

static void
test_stats_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(rtc_stats_name(RTC_STAT__COUNT), "?");
	assert_string_equal(rtc_stats_help(RTC_STAT__COUNT), "?");
	assert_false(rtc_stats_is_drop(RTC_STAT__COUNT));
	assert_string_equal(rtc_stats_name((enum rtc_stat)-1), "?");
	assert_false(rtc_stats_is_drop((enum rtc_stat)-1));
}

static void
test_stats_add_counter_by_counter(void **state)
{
	struct rtc_stats sum, add;

	(void)state;
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++) {
		sum.v[i] = 1000u * i;
		add.v[i] = i + 1;
	}
	add.v[RTC_STAT__COUNT - 1] = UINT64_C(1) << 40;
	rtc_stats_add(&sum, &add);
	for (unsigned i = 0; i + 1 < RTC_STAT__COUNT; i++)
		assert_int_equal(sum.v[i], 1000u * i + i + 1);
	assert_int_equal(sum.v[RTC_STAT__COUNT - 1],
			1000u * (RTC_STAT__COUNT - 1) + (UINT64_C(1) << 40));
	/* @add is not modified */
	assert_int_equal(add.v[0], 1);
}

static void
test_stats_inc_touches_one_counter(void **state)
{
	struct rtc_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	rtc_stats_inc(&st, RTC_DROP_udp_closed_port);
	rtc_stats_inc(&st, RTC_DROP_udp_closed_port);
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		assert_int_equal(st.v[i], i == RTC_DROP_udp_closed_port ? 2 : 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_names_unique_and_well_formed),
		cmocka_unit_test(test_stats_drop_prefix_exactly_on_drops),
		cmocka_unit_test(test_stats_known_names),
		cmocka_unit_test(test_stats_every_counter_has_help),
		cmocka_unit_test(test_stats_out_of_range),
		cmocka_unit_test(test_stats_add_counter_by_counter),
		cmocka_unit_test(test_stats_inc_touches_one_counter),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
