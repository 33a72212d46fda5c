/*
 * Per-source RTP receive statistics (RFC 3550 App. A.1, A.3, A.8) and the
 * report block built from them (§6.4.1). Sans-IO: arrival times are
 * arguments (now_us, any monotonic microsecond clock), never read here.
 *
 * Owns: sequence number validation and unwrapping with the RFC's
 * probation / dropout / misorder rules (MIN_SEQUENTIAL 2, MAX_DROPOUT 3000,
 * MAX_MISORDER 100), the expected / lost / fraction-lost arithmetic, the
 * interarrival jitter estimate in timestamp units, and LSR / DLSR from the
 * last SR received from the source. Also a plain 16-to-64-bit sequence
 * unwrapper for callers that need no validation (transport-wide CC, NACK).
 *
 * Jitter follows App. A.8 literally: it is updated by every packet that
 * update counts (so also by reordered ones), except the first after
 * (re)synchronisation, which only sets the transit reference.
 */
#ifndef RTC_RTP_STATS_H
#define RTC_RTP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "rtcp.h"

#define RTP_STATS_MIN_SEQUENTIAL 2
#define RTP_STATS_MAX_DROPOUT 3000
#define RTP_STATS_MAX_MISORDER 100
#define RTP_SEQ_MOD (1u << 16)

/* What rtp_stats_update() made of a packet. */
enum rtp_stats_verdict {
	RTP_STATS_NEW = 0,       /* in order (gaps allowed): counted, highest seq moved */
	RTP_STATS_OLD = 1,       /* duplicate or reordered within MAX_MISORDER: counted */
	RTP_STATS_RESYNC = 2,    /* second of two sequential packets after a jump: restarted */
	RTP_STATS_PROBATION = 3, /* source not valid yet: not counted */
	RTP_STATS_JUMP = 4,      /* very large jump: not counted (one packet may resync) */
};

enum rtp_stats_err {
	RTP_STATS_E_NOT_VALID = -1, /* no report block: the source has not left probation */
};

struct rtp_stats {
	uint32_t ssrc;
	uint32_t clock_rate; /* RTP timestamp units per second; 0: no jitter */
	/* App. A.1 */
	uint16_t max_seq;
	uint8_t started;
	uint8_t have_transit;
	uint32_t cycles; /* wraps of the sequence number, times 2^16 */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t probation;
	uint32_t received;
	uint32_t expected_prior;
	uint32_t received_prior;
	/* App. A.8 */
	uint32_t transit;
	uint64_t jitter; /* times 16 (64 bits: |D| can be near 2^31) */
	/* last SR from this source */
	uint32_t last_sr; /* middle 32 bits of its NTP timestamp */
	uint64_t last_sr_us;
	uint8_t have_sr;
};

/* A new source; its first packet goes through rtp_stats_update() like any other. */
void rtp_stats_init(struct rtp_stats *s, uint32_t ssrc, uint32_t clock_rate);

/* One received packet: its sequence number, timestamp and arrival time. */
enum rtp_stats_verdict rtp_stats_update(
        struct rtp_stats *s, uint16_t seq, uint32_t ts, uint64_t now_us);

/* An SR from this source arrived at @now_us carrying NTP timestamp @ntp (32.32). */
void rtp_stats_sr_received(struct rtp_stats *s, uint64_t ntp, uint64_t now_us);

/* Extended highest sequence number received (App. A.3: cycles + max_seq). */
uint32_t rtp_stats_ext_max_seq(const struct rtp_stats *s);
/* App. A.3: packets expected, and lost (negative with duplicates), since the base. */
uint32_t rtp_stats_expected(const struct rtp_stats *s);
int64_t rtp_stats_lost(const struct rtp_stats *s);
/* Interarrival jitter in timestamp units (App. A.8). */
uint32_t rtp_stats_jitter(const struct rtp_stats *s);

/*
 * The report block for this source at @now_us (§6.4.1): fraction lost
 * since the previous call, cumulative lost clamped to 24-bit signed,
 * extended highest sequence, jitter, LSR and DLSR (1/65536 s). Starts a
 * new reporting interval. RTP_STATS_E_NOT_VALID (rb zeroed, nothing
 * changed) while the source is in probation.
 */
int rtp_stats_report(struct rtp_stats *s, uint64_t now_us, struct rtcp_report_block *rb);

/*
 * 16-bit sequence numbers to a 64-bit count, each taken as the nearest to
 * the previous one (a step of exactly 2^15 counts forward). The first value
 * is itself; earlier ones can make the result negative.
 */
struct rtp_seq_unwrapper {
	int64_t last;
	int started;
};

void rtp_seq_unwrapper_init(struct rtp_seq_unwrapper *u);
int64_t rtp_seq_unwrap(struct rtp_seq_unwrapper *u, uint16_t seq);

#endif
