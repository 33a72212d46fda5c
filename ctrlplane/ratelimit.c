/* Per-client token buckets (see ratelimit.h). */
#include <string.h>

#include "ratelimit.h"

void
ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst)
{
	memset(rl, 0, sizeof(*rl));
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
}

static uint32_t
ratelimit_hash(uint8_t family, const uint8_t *addr)
{
	uint32_t h = 2166136261u ^ family;
	unsigned n = family == 4 ? 4 : 16;

	for (unsigned i = 0; i < n; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h ^ (h >> 15);
}

uint32_t
ratelimit_take(struct ratelimit *rl, uint8_t family, const uint8_t *addr, uint64_t now_us)
{
	uint32_t h = ratelimit_hash(family, addr);
	unsigned n = family == 4 ? 4 : 16;
	struct ratelimit_bucket *b = NULL, *oldest = NULL;
	uint64_t cap = (uint64_t)rl->burst * 1000;

	if (rl->rate == 0)
		return 0;
	for (unsigned i = 0; i < RATELIMIT_PROBE; i++) {
		struct ratelimit_bucket *c = &rl->b[(h + i) & (RATELIMIT_SLOTS - 1)];
		if (c->used && c->family == family && memcmp(c->addr, addr, n) == 0) {
			b = c;
			break;
		}
		if (oldest == NULL || !c->used || (oldest->used && c->last_us < oldest->last_us))
			oldest = c;
	}
	if (b == NULL) {
		b = oldest;
		memset(b, 0, sizeof(*b));
		b->used = 1;
		b->family = family;
		memcpy(b->addr, addr, n);
		b->tokens_milli = cap;
		b->last_us = now_us;
	}
	if (now_us > b->last_us) {
		/* rate tokens/s = rate thousandths per ms; the clock moves only by the
		 * time credited, so frequent calls do not lose their fractions */
		uint64_t add = (now_us - b->last_us) * rl->rate / 1000;
		if (add > 0) {
			b->tokens_milli = b->tokens_milli + add > cap ? cap : b->tokens_milli + add;
			b->last_us = b->tokens_milli == cap ? now_us : b->last_us + add * 1000 / rl->rate;
		}
	}
	if (b->tokens_milli >= 1000) {
		b->tokens_milli -= 1000;
		return 0;
	}
	rl->limited++;
	{
		uint64_t missing = 1000 - b->tokens_milli; /* thousandths */
		uint64_t per_s = (uint64_t)rl->rate * 1000;
		uint64_t secs = (missing + per_s - 1) / per_s;
		return secs ? (uint32_t)secs : 1;
	}
}
