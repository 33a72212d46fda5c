/*
 * rtcedge logging through rte_log, under the log type "rtcedge".
 *
 * Owns: the log type id. RTC_LOG is for the control lcore and start-up;
 * workers use RTC_LOG_DP, compiled out above RTE_LOG_DP_LEVEL.
 */
#ifndef RTC_LOG_H
#define RTC_LOG_H

#include <rte_log.h>

extern int rtc_logtype;

#define RTC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, rtc_logtype, "rtcedge: " fmt "\n", ##__VA_ARGS__)
#define RTC_LOG_DP(level, fmt, ...) \
	RTE_LOG_DP(level, USER1, "rtcedge: " fmt "\n", ##__VA_ARGS__)

/* Register the log type; returns its id or a negative errno. */
int rtc_log_init(void);

#endif
