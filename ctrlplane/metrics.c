/* Latency histograms (see metrics.h). */
#include <inttypes.h>
#include <string.h>

#include "metrics.h"

void
metrics_hist_init(struct metrics_hist *h)
{
	static const uint64_t le[METRICS_HIST_BUCKETS] = {250, 500, 1000, 2000, 5000, 10000, 25000,
			50000, 100000, 250000, 500000, 1000000};

	memset(h, 0, sizeof(*h));
	memcpy(h->le_us, le, sizeof(le));
}

void
metrics_hist_observe(struct metrics_hist *h, uint64_t us)
{
	unsigned i = 0;

	while (i < METRICS_HIST_BUCKETS && us > h->le_us[i])
		i++;
	if (i == METRICS_HIST_BUCKETS)
		h->inf++;
	else
		h->count[i]++;
	h->n++;
	h->sum_us += us;
}

uint64_t
metrics_hist_quantile(const struct metrics_hist *h, double q)
{
	uint64_t want, acc = 0;

	if (h->n == 0)
		return 0;
	want = (uint64_t)(q * (double)h->n + 0.999999);
	for (unsigned i = 0; i < METRICS_HIST_BUCKETS; i++) {
		acc += h->count[i];
		if (acc >= want)
			return h->le_us[i];
	}
	return UINT64_MAX;
}

void
metrics_hist_write(const struct metrics_hist *h, const char *name, const char *help,
		struct http_resp *r)
{
	uint64_t acc = 0;

	http_resp_printf(r, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	for (unsigned i = 0; i < METRICS_HIST_BUCKETS; i++) {
		acc += h->count[i];
		http_resp_printf(r, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name,
				(double)h->le_us[i] / 1e6, acc);
	}
	http_resp_printf(r, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->n);
	http_resp_printf(r, "%s_sum %.6f\n%s_count %" PRIu64 "\n", name, (double)h->sum_us / 1e6,
			name, h->n);
}
