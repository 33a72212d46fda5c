/* Counter names and help texts, expanded from stats.inc. */
#include "stats.h"

static const char *const stat_names[RTC_STAT__COUNT] = {
#define RTC_STAT(n, h) [RTC_STAT_##n] = #n,
#define RTC_DROP(n, h) [RTC_DROP_##n] = "drop_" #n,
#include "stats.inc"
#undef RTC_STAT
#undef RTC_DROP
};

static const char *const stat_help[RTC_STAT__COUNT] = {
#define RTC_STAT(n, h) [RTC_STAT_##n] = h,
#define RTC_DROP(n, h) [RTC_DROP_##n] = h,
#include "stats.inc"
#undef RTC_STAT
#undef RTC_DROP
};

static const unsigned char stat_is_drop[RTC_STAT__COUNT] = {
#define RTC_STAT(n, h) [RTC_STAT_##n] = 0,
#define RTC_DROP(n, h) [RTC_DROP_##n] = 1,
#include "stats.inc"
#undef RTC_STAT
#undef RTC_DROP
};

const char *
rtc_stats_name(enum rtc_stat s)
{
	return (unsigned)s < RTC_STAT__COUNT ? stat_names[s] : "?";
}

const char *
rtc_stats_help(enum rtc_stat s)
{
	return (unsigned)s < RTC_STAT__COUNT ? stat_help[s] : "?";
}

int
rtc_stats_is_drop(enum rtc_stat s)
{
	return (unsigned)s < RTC_STAT__COUNT && stat_is_drop[s];
}

void
rtc_stats_add(struct rtc_stats *sum, const struct rtc_stats *add)
{
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		sum->v[i] += add->v[i];
}
