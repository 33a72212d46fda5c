/*
 * Neighbour cache: learn, refresh, lookup with a maximum age, no duplicate
 * entries, the count, and eviction of the oldest entry of a full probe window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "neigh.h"

#define SEC 1000000ull

static int
setup_table(void **state)
{
	struct neigh_table *t = malloc(sizeof(*t));

	if (t == NULL)
		return -1;
	memset(t, 0xa5, sizeof(*t)); /* neigh_init must clear everything */
	neigh_init(t);
	*state = t;
	return 0;
}

static int
teardown_table(void **state)
{
	free(*state);
	return 0;
}

static void
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t out[16])
{
	const uint8_t be[4] = {a, b, c, d};
	uint32_t addr;

	memcpy(&addr, be, 4);
	neigh_ip4_mapped(addr, out);
}

static void
mac_n(unsigned n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

/* The table's slot for @ip, computed independently (FNV-1a over the 16 bytes). */
static unsigned
home_slot(const uint8_t ip[16])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	return h & (NEIGH_SIZE - 1);
}

static unsigned
used_entries(const struct neigh_table *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NEIGH_SIZE; i++)
		n += t->e[i].used != 0;
	return n;
}

static void
test_neigh_init_empties_table(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], mac[6];

	assert_int_equal(t->count, 0);
	assert_int_equal(used_entries(t), 0);
	ip4(198, 18, 0, 1, ip);
	assert_int_equal(neigh_lookup(t, ip, 0, 10 * SEC, mac), -1);
}

static void
test_neigh_ip4_mapped_form(void **state)
{
	static const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 1};
	uint8_t out[16];

	(void)state;
	memset(out, 0x5a, sizeof(out));
	ip4(198, 18, 0, 1, out);
	assert_memory_equal(out, want, 16);
}

static void
test_neigh_learn_then_lookup(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], mac[6], got[6];

	ip4(198, 18, 0, 1, ip);
	mac_n(1, mac);
	neigh_update(t, ip, mac, 5 * SEC);
	assert_int_equal(t->count, 1);
	memset(got, 0, sizeof(got));
	assert_int_equal(neigh_lookup(t, ip, 5 * SEC, 10 * SEC, got), 0);
	assert_memory_equal(got, mac, 6);
}

static void
test_neigh_ipv6_key(void **state)
{
	struct neigh_table *t = *state;
	const uint8_t ip[16] = {0xfd, 0, 0x01, 0x98, 0, 0x18, [15] = 1};
	uint8_t mac[6], got[6];

	mac_n(6, mac);
	neigh_update(t, ip, mac, 0);
	assert_int_equal(neigh_lookup(t, ip, 0, SEC, got), 0);
	assert_memory_equal(got, mac, 6);
}

static void
test_neigh_lookup_unknown_leaves_mac_untouched(void **state)
{
	struct neigh_table *t = *state;
	uint8_t known[16], unknown[16], mac[6], got[6];
	static const uint8_t sentinel[6] = {1, 2, 3, 4, 5, 6};

	ip4(198, 18, 0, 1, known);
	ip4(198, 18, 0, 3, unknown);
	mac_n(1, mac);
	neigh_update(t, known, mac, 0);
	memcpy(got, sentinel, 6);
	assert_int_equal(neigh_lookup(t, unknown, 0, SEC, got), -1);
	assert_memory_equal(got, sentinel, 6);
}

static void
test_neigh_refresh_updates_mac_and_time(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], m1[6], m2[6], got[6];

	ip4(198, 18, 0, 1, ip);
	mac_n(1, m1);
	mac_n(2, m2);
	neigh_update(t, ip, m1, 1 * SEC);
	neigh_update(t, ip, m2, 100 * SEC);
	assert_int_equal(t->count, 1);
	/* the refresh moved the age origin: 100 s later the entry is 0 s old */
	assert_int_equal(neigh_lookup(t, ip, 100 * SEC, 10 * SEC, got), 0);
	assert_memory_equal(got, m2, 6);
}

static void
test_neigh_max_age_boundary(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], mac[6], got[6];

	ip4(198, 18, 0, 1, ip);
	mac_n(1, mac);
	neigh_update(t, ip, mac, 1000);
	assert_int_equal(neigh_lookup(t, ip, 1000, 0, got), 0);
	assert_int_equal(neigh_lookup(t, ip, 1000 + 30 * SEC, 30 * SEC, got), 0); /* exactly max */
	assert_int_equal(neigh_lookup(t, ip, 1000 + 30 * SEC + 1, 30 * SEC, got), -1);
	/* too old is not forgotten: a refresh brings it back */
	neigh_update(t, ip, mac, 1000 + 60 * SEC);
	assert_int_equal(neigh_lookup(t, ip, 1000 + 60 * SEC, 30 * SEC, got), 0);
	assert_int_equal(t->count, 1);
}

static void
test_neigh_no_duplicates_on_repeated_updates(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], mac[6];

	ip4(10, 0, 0, 9, ip);
	for (unsigned i = 0; i < 50; i++) {
		mac_n(i, mac);
		neigh_update(t, ip, mac, i);
	}
	assert_int_equal(t->count, 1);
	assert_int_equal(used_entries(t), 1);
}

static void
test_neigh_count_many_distinct(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ip[16], mac[6], got[6];

	/* 200 addresses in 1024 slots: no probe window fills, so all are kept */
	for (unsigned i = 0; i < 200; i++) {
		ip4(10, 1, (uint8_t)(i >> 8), (uint8_t)i, ip);
		mac_n(i, mac);
		neigh_update(t, ip, mac, i);
	}
	assert_int_equal(t->count, 200);
	assert_int_equal(used_entries(t), 200);
	for (unsigned i = 0; i < 200; i++) {
		ip4(10, 1, (uint8_t)(i >> 8), (uint8_t)i, ip);
		assert_int_equal(neigh_lookup(t, ip, 200, SEC, got), 0);
		mac_n(i, mac);
		assert_memory_equal(got, mac, 6);
	}
	/* a second pass refreshes, it adds nothing */
	for (unsigned i = 0; i < 200; i++) {
		ip4(10, 1, (uint8_t)(i >> 8), (uint8_t)i, ip);
		mac_n(i + 1000, mac);
		neigh_update(t, ip, mac, 1000 + i);
	}
	assert_int_equal(t->count, 200);
	assert_int_equal(used_entries(t), 200);
}

/* Collect @n (at most NEIGH_PROBE + 2) IPv4-mapped addresses with the same home slot. */
static unsigned
same_home_slot(uint8_t ips[][16], unsigned n)
{
	static uint8_t cand[NEIGH_SIZE][NEIGH_PROBE + 2][16];
	static unsigned ncand[NEIGH_SIZE];

	assert_true(n <= NEIGH_PROBE + 2);
	memset(ncand, 0, sizeof(ncand));
	for (unsigned i = 0; i < (1u << 24); i++) {
		uint8_t ip[16];
		ip4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, ip);
		unsigned s = home_slot(ip);
		memcpy(cand[s][ncand[s]++], ip, 16);
		if (ncand[s] == n) {
			memcpy(ips, cand[s], (size_t)n * 16);
			return s;
		}
	}
	fail_msg("no %u addresses share a slot", n);
	return 0;
}

static void
test_neigh_full_window_evicts_oldest(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ips[NEIGH_PROBE + 2][16], mac[6], got[6];
	unsigned home = same_home_slot(ips, NEIGH_PROBE + 2);

	/* fill the window home..home+7; the oldest is number 3 */
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		mac_n(i, mac);
		neigh_update(t, ips[i], mac, i == 3 ? 10 : 100 + i);
	}
	assert_int_equal(t->count, NEIGH_PROBE);
	for (unsigned i = 0; i < NEIGH_PROBE; i++)
		assert_true(t->e[(home + i) & (NEIGH_SIZE - 1)].used);

	mac_n(1000, mac);
	neigh_update(t, ips[NEIGH_PROBE], mac, 500);
	assert_int_equal(t->count, NEIGH_PROBE); /* replaced, not added */
	assert_int_equal(neigh_lookup(t, ips[3], 500, 10 * SEC, got), -1);
	assert_int_equal(neigh_lookup(t, ips[NEIGH_PROBE], 500, 10 * SEC, got), 0);
	assert_memory_equal(got, mac, 6);
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		if (i == 3)
			continue;
		assert_int_equal(neigh_lookup(t, ips[i], 500, 10 * SEC, got), 0);
		mac_n(i, mac);
		assert_memory_equal(got, mac, 6);
	}
}

static void
test_neigh_refresh_protects_from_eviction(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ips[NEIGH_PROBE + 2][16], mac[6], got[6];

	same_home_slot(ips, NEIGH_PROBE + 2);
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		mac_n(i, mac);
		neigh_update(t, ips[i], mac, 10 + i); /* 0 is the oldest, then 1 */
	}
	mac_n(0, mac);
	neigh_update(t, ips[0], mac, 1000); /* refreshed: now 1 is the oldest */
	assert_int_equal(t->count, NEIGH_PROBE);

	mac_n(77, mac);
	neigh_update(t, ips[NEIGH_PROBE], mac, 1001);
	assert_int_equal(neigh_lookup(t, ips[0], 1001, SEC, got), 0);
	assert_int_equal(neigh_lookup(t, ips[1], 1001, SEC, got), -1);

	/* and the next newcomer takes the next oldest (2) */
	mac_n(78, mac);
	neigh_update(t, ips[NEIGH_PROBE + 1], mac, 1002);
	assert_int_equal(neigh_lookup(t, ips[2], 1002, SEC, got), -1);
	assert_int_equal(neigh_lookup(t, ips[NEIGH_PROBE], 1002, SEC, got), 0);
	assert_int_equal(neigh_lookup(t, ips[NEIGH_PROBE + 1], 1002, SEC, got), 0);
	assert_int_equal(t->count, NEIGH_PROBE);
	assert_int_equal(used_entries(t), NEIGH_PROBE);
}

static void
test_neigh_refresh_in_full_window_is_not_a_duplicate(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ips[NEIGH_PROBE + 1][16], mac[6], got[6];

	same_home_slot(ips, NEIGH_PROBE + 1);
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		mac_n(i, mac);
		neigh_update(t, ips[i], mac, 10 + i);
	}
	/* refreshing the newest of a full window must not evict anything */
	mac_n(99, mac);
	neigh_update(t, ips[NEIGH_PROBE - 1], mac, 2000);
	assert_int_equal(t->count, NEIGH_PROBE);
	for (unsigned i = 0; i < NEIGH_PROBE; i++)
		assert_int_equal(neigh_lookup(t, ips[i], 2000, SEC * 10, got), 0);
	assert_memory_equal(got, mac, 6);
	unsigned copies = 0;
	for (unsigned i = 0; i < NEIGH_SIZE; i++)
		copies += t->e[i].used && memcmp(t->e[i].ip, ips[NEIGH_PROBE - 1], 16) == 0;
	assert_int_equal(copies, 1);
}

static void
test_neigh_window_wraps_at_table_end(void **state)
{
	struct neigh_table *t = *state;
	uint8_t ips[NEIGH_PROBE][16], mac[6], got[6];
	static uint8_t cand[NEIGH_PROBE][16];
	unsigned n = 0;

	/* addresses whose home is the last slot: their window wraps to slot 0.. */
	for (unsigned i = 0; i < (1u << 24) && n < NEIGH_PROBE; i++) {
		uint8_t ip[16];
		ip4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, ip);
		if (home_slot(ip) == NEIGH_SIZE - 1)
			memcpy(cand[n++], ip, 16);
	}
	assert_int_equal(n, NEIGH_PROBE);
	memcpy(ips, cand, sizeof(ips));
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		mac_n(i, mac);
		neigh_update(t, ips[i], mac, i);
	}
	assert_true(t->e[NEIGH_SIZE - 1].used);
	assert_true(t->e[0].used);
	assert_true(t->e[NEIGH_PROBE - 2].used);
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		assert_int_equal(neigh_lookup(t, ips[i], NEIGH_PROBE, SEC, got), 0);
		mac_n(i, mac);
		assert_memory_equal(got, mac, 6);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_table, teardown_table)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_neigh_init_empties_table),
		T(test_neigh_ip4_mapped_form),
		T(test_neigh_learn_then_lookup),
		T(test_neigh_ipv6_key),
		T(test_neigh_lookup_unknown_leaves_mac_untouched),
		T(test_neigh_refresh_updates_mac_and_time),
		T(test_neigh_max_age_boundary),
		T(test_neigh_no_duplicates_on_repeated_updates),
		T(test_neigh_count_many_distinct),
		T(test_neigh_full_window_evicts_oldest),
		T(test_neigh_refresh_protects_from_eviction),
		T(test_neigh_refresh_in_full_window_is_not_a_duplicate),
		T(test_neigh_window_wraps_at_table_end),
	};

	return cmocka_run_group_tests_name("neigh", tests, NULL, NULL);
}
