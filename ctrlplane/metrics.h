/*
 * Latency histograms for /metrics (Prometheus histogram semantics:
 * cumulative buckets, _sum, _count) and their text exposition. Owns only
 * the histogram type; what is measured is the caller's business.
 */
#ifndef RTC_METRICS_H
#define RTC_METRICS_H

#include <stdint.h>

#include "http.h"

#define METRICS_HIST_BUCKETS 12

struct metrics_hist {
	uint64_t le_us[METRICS_HIST_BUCKETS]; /* upper bounds, µs, ascending */
	uint64_t count[METRICS_HIST_BUCKETS]; /* observations <= le (not cumulative here) */
	uint64_t inf;                         /* above the last bound */
	uint64_t n;
	uint64_t sum_us;
};

/* Buckets 0.25 ms .. 1 s, for request latencies. */
void metrics_hist_init(struct metrics_hist *h);
void metrics_hist_observe(struct metrics_hist *h, uint64_t us);
/* The value below which @q (0..1) of the observations fall, as a bucket bound (µs); 0 if empty. */
uint64_t metrics_hist_quantile(const struct metrics_hist *h, double q);
/* Write "# HELP", "# TYPE" and the series of @name (seconds) into @r. */
void metrics_hist_write(const struct metrics_hist *h, const char *name, const char *help,
		struct http_resp *r);

#endif
