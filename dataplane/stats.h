/*
 * Per-worker dataplane counters (declared in stats.inc).
 *
 * Owns: the counter enum, names and help texts, and the plain-uint64 counter
 * block each worker keeps in its own cache lines. Writers are the owning
 * worker only; readers (telemetry, exit report) tolerate torn reads of a
 * counter that is being incremented — no shared atomics on the hot path.
 */
#ifndef RTC_STATS_H
#define RTC_STATS_H

#include <stdint.h>

enum rtc_stat {
#define RTC_STAT(n, h) RTC_STAT_##n,
#define RTC_DROP(n, h) RTC_DROP_##n,
#include "stats.inc"
#undef RTC_STAT
#undef RTC_DROP
	RTC_STAT__COUNT
};

struct rtc_stats {
	uint64_t v[RTC_STAT__COUNT];
};

/* Exported name ("rx_packets", "drop_ipv4_bad_cksum") of counter @s. */
const char *rtc_stats_name(enum rtc_stat s);
/* One-line description of counter @s. */
const char *rtc_stats_help(enum rtc_stat s);
/* Nonzero if @s counts drops. */
int rtc_stats_is_drop(enum rtc_stat s);
/* @sum += @add, counter by counter. */
void rtc_stats_add(struct rtc_stats *sum, const struct rtc_stats *add);

static inline void
rtc_stats_inc(struct rtc_stats *st, enum rtc_stat s)
{
	st->v[s]++;
}

#endif
