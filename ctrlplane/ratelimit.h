/*
 * Per-client request rate limit (the WHIP/WHEP listener's 429): a token
 * bucket per client address, refilled at @rate per second up to @burst.
 * Sans-IO (time is an argument), fixed memory: an open-addressed table of
 * RATELIMIT_SLOTS buckets; when it is full the least recently seen bucket
 * is reused, which can only make a limit more lenient for an address that
 * was quiet anyway. Owns nothing else.
 */
#ifndef RTC_RATELIMIT_H
#define RTC_RATELIMIT_H

#include <stdint.h>

#define RATELIMIT_SLOTS 4096 /* power of two */
#define RATELIMIT_PROBE 8

struct ratelimit_bucket {
	uint8_t used;
	uint8_t family;
	uint8_t addr[16];
	uint64_t last_us;
	uint64_t tokens_milli; /* thousandths of a request */
};

struct ratelimit {
	uint32_t rate;  /* requests per second; 0 = off */
	uint32_t burst; /* bucket size */
	uint64_t limited; /* requests refused */
	struct ratelimit_bucket b[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst);
/*
 * One request from @addr (@family 4 or 6) at @now_us: 0 if allowed, else
 * the seconds until a token is back (>= 1, for Retry-After).
 */
uint32_t ratelimit_take(struct ratelimit *rl, uint8_t family, const uint8_t *addr, uint64_t now_us);

#endif
