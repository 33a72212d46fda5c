/* RTP receive statistics, RFC 3550 App. A.1, A.3, A.8 (see rtp_stats.h). */
#include <string.h>

#include "rtp_stats.h"

void
rtp_stats_init(struct rtp_stats *s, uint32_t ssrc, uint32_t clock_rate)
{
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	s->clock_rate = clock_rate;
}

/* App. A.1 init_seq() */
static void
rtp_stats_init_seq(struct rtp_stats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
	s->have_transit = 0;
}

/* App. A.1 update_seq(), which returns 1 for a counted packet. */
static enum rtp_stats_verdict
rtp_stats_update_seq(struct rtp_stats *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);
	enum rtp_stats_verdict v;

	if (s->probation) {
		/* packet is in sequence (compared mod 2^16, unlike the RFC's int promotion) */
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				rtp_stats_init_seq(s, seq);
				s->received++;
				return RTP_STATS_NEW;
			}
		} else {
			s->probation = RTP_STATS_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return RTP_STATS_PROBATION;
	} else if (udelta < RTP_STATS_MAX_DROPOUT) {
		/* in order, with permissible gap */
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD; /* wrapped: another 64K cycle */
		s->max_seq = seq;
		v = udelta == 0 ? RTP_STATS_OLD : RTP_STATS_NEW; /* 0: a duplicate of the highest */
	} else if (udelta <= RTP_SEQ_MOD - RTP_STATS_MAX_MISORDER) {
		/* the sequence number made a very large jump */
		if (seq == s->bad_seq) {
			/*
			 * Two sequential packets: assume the other side restarted
			 * without telling us, re-sync (as if this were the first).
			 */
			rtp_stats_init_seq(s, seq);
			v = RTP_STATS_RESYNC;
		} else {
			s->bad_seq = (seq + 1u) & (RTP_SEQ_MOD - 1);
			return RTP_STATS_JUMP;
		}
	} else {
		v = RTP_STATS_OLD; /* duplicate or reordered packet */
	}
	s->received++;
	return v;
}

/* @now_us in timestamp units, mod 2^32 (no overflow for any 64-bit time). */
static uint32_t
rtp_stats_arrival(const struct rtp_stats *s, uint64_t now_us)
{
	uint64_t sec = now_us / 1000000u, us = now_us % 1000000u;

	return (uint32_t)(sec * s->clock_rate + us * s->clock_rate / 1000000u);
}

enum rtp_stats_verdict
rtp_stats_update(struct rtp_stats *s, uint16_t seq, uint32_t ts, uint64_t now_us)
{
	enum rtp_stats_verdict v;
	uint32_t transit;
	int32_t d;

	if (!s->started) {
		/* App. A.1: a new source starts in probation */
		rtp_stats_init_seq(s, seq);
		s->max_seq = (uint16_t)(seq - 1);
		s->probation = RTP_STATS_MIN_SEQUENTIAL;
		s->started = 1;
	}
	v = rtp_stats_update_seq(s, seq);
	if (v >= RTP_STATS_PROBATION || s->clock_rate == 0)
		return v;

	/* App. A.8: J += (|D(i-1,i)| - J) / 16, J kept times 16 */
	transit = rtp_stats_arrival(s, now_us) - ts;
	if (s->have_transit) {
		d = (int32_t)(transit - s->transit);
		if (d < 0)
			d = d == INT32_MIN ? INT32_MAX : -d;
		s->jitter = s->jitter + (uint32_t)d - ((s->jitter + 8) >> 4);
	}
	s->transit = transit;
	s->have_transit = 1;
	return v;
}

void
rtp_stats_sr_received(struct rtp_stats *s, uint64_t ntp, uint64_t now_us)
{
	s->last_sr = (uint32_t)(ntp >> 16); /* §6.4.1 LSR: the middle 32 bits */
	s->last_sr_us = now_us;
	s->have_sr = 1;
}

uint32_t
rtp_stats_ext_max_seq(const struct rtp_stats *s)
{
	return s->cycles + s->max_seq;
}

uint32_t
rtp_stats_expected(const struct rtp_stats *s)
{
	if (!s->started || s->probation)
		return 0;
	return rtp_stats_ext_max_seq(s) - s->base_seq + 1;
}

int64_t
rtp_stats_lost(const struct rtp_stats *s)
{
	return (int64_t)rtp_stats_expected(s) - s->received;
}

uint32_t
rtp_stats_jitter(const struct rtp_stats *s)
{
	uint64_t j = s->jitter >> 4;

	return j > UINT32_MAX ? UINT32_MAX : (uint32_t)j;
}

int
rtp_stats_report(struct rtp_stats *s, uint64_t now_us, struct rtcp_report_block *rb)
{
	uint32_t expected, expected_interval, received_interval;
	int64_t lost, lost_interval;

	memset(rb, 0, sizeof(*rb));
	if (!s->started || s->probation)
		return RTP_STATS_E_NOT_VALID;

	/* App. A.3 */
	expected = rtp_stats_expected(s);
	lost = rtp_stats_lost(s);
	expected_interval = expected - s->expected_prior;
	s->expected_prior = expected;
	received_interval = s->received - s->received_prior;
	s->received_prior = s->received;
	lost_interval = (int64_t)expected_interval - received_interval;
	if (expected_interval == 0 || lost_interval <= 0)
		rb->fraction_lost = 0;
	else if (lost_interval >= expected_interval)
		rb->fraction_lost = 255; /* all lost: 256/256 does not fit 8 bits */
	else
		rb->fraction_lost = (uint8_t)(((uint64_t)lost_interval << 8) / expected_interval);

	/* §6.4.1: cumulative number of packets lost, 24-bit signed, clamped */
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	else if (lost < -0x800000)
		lost = -0x800000;
	rb->ssrc = s->ssrc;
	rb->cum_lost = (int32_t)lost;
	rb->ext_high_seq = rtp_stats_ext_max_seq(s);
	rb->jitter = rtp_stats_jitter(s);
	if (s->have_sr) {
		/* §6.4.1 DLSR: units of 1/65536 s since that SR arrived */
		uint64_t since = now_us > s->last_sr_us ? now_us - s->last_sr_us : 0;
		rb->lsr = s->last_sr;
		if (since >= 65536ull * 1000000u)
			rb->dlsr = UINT32_MAX;
		else
			rb->dlsr = (uint32_t)((since << 16) / 1000000u);
	}
	return 0;
}

void
rtp_seq_unwrapper_init(struct rtp_seq_unwrapper *u)
{
	u->last = 0;
	u->started = 0;
}

int64_t
rtp_seq_unwrap(struct rtp_seq_unwrapper *u, uint16_t seq)
{
	int32_t d;

	if (!u->started) {
		u->started = 1;
		u->last = seq;
		return u->last;
	}
	d = (int16_t)(uint16_t)(seq - (uint16_t)u->last);
	if (d == INT16_MIN)
		d = -d; /* exactly half way: forward */
	u->last += d;
	return u->last;
}
