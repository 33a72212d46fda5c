/*
 * RTP receive statistics (RFC 3550 App. A.1, A.3, A.8) and the report block
 * built from them. Sequences are driven by hand; the jitter is compared
 * with the floating-point form of App. A.8 (J += (|D| - J) / 16) computed
 * here independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rtcp.h"
#include "rtp_stats.h"

static double
dabs(double x)
{
	return x < 0 ? -x : x;
}

/* Packets seq0, seq0+1, ... (n of them), 20 ms apart, 8 kHz timestamps. */
static void
feed_run(struct rtp_stats *s, uint16_t seq0, unsigned n, uint64_t *now_us)
{
	for (unsigned i = 0; i < n; i++) {
		uint16_t seq = (uint16_t)(seq0 + i);
		rtp_stats_update(s, seq, (uint32_t)seq * 160u, *now_us);
		*now_us += 20000;
	}
}

static void
test_stats_probation(void **state)
{
	(void)state;
	struct rtp_stats s;
	struct rtcp_report_block rb;

	rtp_stats_init(&s, 0xabc, 8000);
	assert_int_equal(rtp_stats_report(&s, 0, &rb), RTP_STATS_E_NOT_VALID);
	/* App. A.1: MIN_SEQUENTIAL = 2 sequential packets make a source valid */
	assert_int_equal(rtp_stats_update(&s, 1000, 0, 0), RTP_STATS_PROBATION);
	assert_int_equal(rtp_stats_report(&s, 0, &rb), RTP_STATS_E_NOT_VALID);
	assert_true(rb.ssrc == 0 && rb.ext_high_seq == 0);
	/* out of sequence: probation starts over */
	assert_int_equal(rtp_stats_update(&s, 1005, 0, 0), RTP_STATS_PROBATION);
	assert_int_equal(rtp_stats_update(&s, 1006, 0, 0), RTP_STATS_NEW);
	assert_int_equal(s.base_seq, 1006);
	assert_int_equal(s.received, 1);
	assert_int_equal(rtp_stats_expected(&s), 1);
	assert_int_equal(rtp_stats_lost(&s), 0);
	assert_int_equal(rtp_stats_report(&s, 0, &rb), 0);
	assert_int_equal(rb.ssrc, 0xabc);
	assert_int_equal(rb.ext_high_seq, 1006);

	/* probation across the wrap: 65535 then 0 is in sequence */
	rtp_stats_init(&s, 1, 8000);
	assert_int_equal(rtp_stats_update(&s, 65535, 0, 0), RTP_STATS_PROBATION);
	assert_int_equal(rtp_stats_update(&s, 0, 0, 0), RTP_STATS_NEW);
	assert_int_equal(rtp_stats_ext_max_seq(&s), 0);
}

static void
test_stats_wrap_and_loss(void **state)
{
	(void)state;
	struct rtp_stats s;
	struct rtcp_report_block rb;
	uint64_t now = 1000000;

	rtp_stats_init(&s, 7, 8000);
	feed_run(&s, 65500, 36, &now); /* 65500..65535; valid from 65501 */
	feed_run(&s, 0, 64, &now);     /* wraps */
	assert_int_equal(s.cycles, 65536);
	assert_int_equal(rtp_stats_ext_max_seq(&s), 65536 + 63);
	assert_int_equal(rtp_stats_expected(&s), 99);
	assert_int_equal(s.received, 99);
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.fraction_lost, 0);
	assert_int_equal(rb.cum_lost, 0);
	assert_int_equal(rb.ext_high_seq, 65599);

	/* next interval: 100 expected, every 4th missing: 25 lost, fraction 64/256 */
	for (unsigned i = 64; i < 164; i++)
		if (i % 4 != 0)
			rtp_stats_update(&s, (uint16_t)i, i * 160u, now);
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.fraction_lost, 64);
	assert_int_equal(rb.cum_lost, 25);
	assert_int_equal(rb.ext_high_seq, 65536 + 163);
	/* App. A.3: fraction = (lost_interval << 8) / expected_interval, 10 of 30 -> 85 */
	for (unsigned i = 164; i < 194; i++)
		if (i % 3 != 0)
			rtp_stats_update(&s, (uint16_t)i, i * 160u, now);
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.fraction_lost, (10 << 8) / 30);
	assert_int_equal(rb.cum_lost, 35);
	/* an empty interval: fraction 0 */
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.fraction_lost, 0);
	assert_int_equal(rb.cum_lost, 35);
}

static void
test_stats_duplicates_and_reorder(void **state)
{
	(void)state;
	struct rtp_stats s;
	struct rtcp_report_block rb;
	uint64_t now = 0;

	rtp_stats_init(&s, 7, 8000);
	feed_run(&s, 100, 11, &now); /* valid from 101: 10 counted */
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	/* duplicates are counted (App. A.3): lost goes negative, fraction stays 0 */
	assert_int_equal(rtp_stats_update(&s, 110, 110 * 160, now), RTP_STATS_OLD);
	assert_int_equal(rtp_stats_update(&s, 109, 109 * 160, now), RTP_STATS_OLD);
	assert_int_equal(rtp_stats_lost(&s), -2);
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.cum_lost, -2);
	assert_int_equal(rb.fraction_lost, 0);
	/* the negative count survives the wire */
	{
		uint8_t buf[64];
		struct rtcp_builder b;
		struct rtcp_iter it;
		struct rtcp_pkt p;
		struct rtcp_rr rr;
		struct rtcp_report_block got;

		rtcp_build_begin(&b, buf, sizeof(buf));
		rtcp_build_rr(&b, 1, &rb, 1);
		assert_int_equal(rtcp_build_end(&b), 32);
		assert_int_equal(buf[13], 0xff); /* 24-bit two's complement */
		rtcp_iter_init(&it, buf, 32);
		assert_int_equal(rtcp_iter_next(&it, &p), 1);
		assert_int_equal(rtcp_rr_parse(&p, &rr), RTCP_OK);
		assert_int_equal(rtcp_report_block_get(rr.blocks, 1, 0, &got), RTCP_OK);
		assert_int_equal(got.cum_lost, -2);
	}
	/* reordered within MAX_MISORDER: counted, highest unchanged */
	assert_int_equal(rtp_stats_update(&s, 115, 0, now), RTP_STATS_NEW);
	assert_int_equal(rtp_stats_update(&s, 112, 0, now), RTP_STATS_OLD);
	assert_int_equal(rtp_stats_ext_max_seq(&s), 115);
	/* App. A.1 boundaries, from max_seq 115 */
	assert_int_equal(rtp_stats_update(&s, (uint16_t)(115 - 100), 0, now), RTP_STATS_JUMP);
	assert_int_equal(rtp_stats_update(&s, (uint16_t)(115 - 99), 0, now), RTP_STATS_OLD);
	assert_int_equal(rtp_stats_update(&s, 115 + 2999, 0, now), RTP_STATS_NEW);
	assert_int_equal(rtp_stats_update(&s, 115 + 2999 + 3000, 0, now), RTP_STATS_JUMP);
}

static void
test_stats_resync(void **state)
{
	(void)state;
	struct rtp_stats s;
	uint64_t now = 0;
	uint32_t received;

	rtp_stats_init(&s, 7, 8000);
	feed_run(&s, 10, 20, &now);
	received = s.received;
	/* one packet far away is ignored ... */
	assert_int_equal(rtp_stats_update(&s, 40000, 0, now), RTP_STATS_JUMP);
	assert_int_equal(s.received, received);
	assert_int_equal(rtp_stats_update(&s, 30, 0, now), RTP_STATS_NEW);
	/* ... two sequential ones mean the sender restarted (App. A.1) */
	assert_int_equal(rtp_stats_update(&s, 50000, 0, now), RTP_STATS_JUMP);
	assert_int_equal(rtp_stats_update(&s, 50001, 0, now), RTP_STATS_RESYNC);
	assert_int_equal(s.base_seq, 50001);
	assert_int_equal(s.received, 1);
	assert_int_equal(rtp_stats_expected(&s), 1);
	assert_int_equal(rtp_stats_update(&s, 50002, 0, now), RTP_STATS_NEW);
}

/* App. A.8 in floating point, independently of the module's integer form */
static void
test_stats_jitter(void **state)
{
	(void)state;
	struct rtp_stats s;
	double j = 0;
	uint32_t prev_transit = 0;
	int have = 0;
	/* arrival offsets (ms) on top of a 20 ms clock, 90 kHz timestamps */
	static const int wobble_ms[] = {0, 5, 0, 12, 3, 3, 40, 0, 1, 7, 0, 0, 25, 2, 9};
	uint64_t base_us = 1700000000000000ull; /* a Unix-epoch clock: no overflow */

	rtp_stats_init(&s, 7, 90000);
	for (unsigned i = 0; i < 300; i++) {
		uint64_t now = base_us + i * 20000ull + wobble_ms[i % 15] * 1000ull;
		uint32_t ts = 12345u + i * 1800u;
		enum rtp_stats_verdict v = rtp_stats_update(&s, (uint16_t)(500 + i), ts, now);
		if (v == RTP_STATS_NEW) {
			uint64_t sec = now / 1000000u, us = now % 1000000u;
			uint32_t arrival = (uint32_t)(sec * 90000u + us * 90000u / 1000000u);
			uint32_t transit = arrival - ts;
			if (have) {
				int32_t d = (int32_t)(transit - prev_transit);
				j += (dabs((double)d) - j) / 16.0;
			}
			prev_transit = transit;
			have = 1;
		}
	}
	assert_true(j > 100); /* a few ms of jitter, in 90 kHz units */
	/* the integer form keeps 16 J and reports its floor: within 1.5 of the float */
	assert_true(dabs((double)rtp_stats_jitter(&s) - j) < 1.5);

	/* perfectly paced packets: no jitter at all */
	rtp_stats_init(&s, 8, 48000);
	for (unsigned i = 0; i < 100; i++)
		rtp_stats_update(&s, (uint16_t)i, 777u + i * 960u, base_us + i * 20000ull);
	assert_int_equal(rtp_stats_jitter(&s), 0);

	/* no clock rate: no jitter */
	rtp_stats_init(&s, 9, 0);
	for (unsigned i = 0; i < 10; i++)
		rtp_stats_update(&s, (uint16_t)i, 0, i * 1234567ull);
	assert_int_equal(rtp_stats_jitter(&s), 0);
}

static void
test_stats_lsr_dlsr_and_clamp(void **state)
{
	(void)state;
	struct rtp_stats s;
	struct rtcp_report_block rb;
	uint64_t now = 5000000;

	rtp_stats_init(&s, 7, 8000);
	feed_run(&s, 0, 10, &now);
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.lsr, 0);
	assert_int_equal(rb.dlsr, 0);
	/* §6.4.1: LSR = middle 32 bits of the SR's NTP time (the aiortc SR's) */
	rtp_stats_sr_received(&s, (uint64_t)0xde46475bu << 32 | 0x151a005cu, now);
	assert_int_equal(rtp_stats_report(&s, now + 1500000, &rb), 0);
	assert_int_equal(rb.lsr, 0x475b151a);
	assert_int_equal(rb.dlsr, 98304); /* 1.5 s in 1/65536 s */
	assert_int_equal(rtp_stats_report(&s, now + 1, &rb), 0);
	assert_int_equal(rb.dlsr, 0); /* 65536e-6 rounds down */
	assert_int_equal(rtp_stats_report(&s, now - 1, &rb), 0);
	assert_int_equal(rb.dlsr, 0); /* a clock going back is not a huge delay */
	assert_int_equal(rtp_stats_report(&s, now + 70000ull * 1000000u, &rb), 0);
	assert_int_equal(rb.dlsr, UINT32_MAX);

	/* cumulative lost clamps to 24-bit signed */
	s.cycles = 0x7fff0000u; /* as if many wraps had been seen */
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.cum_lost, 0x7fffff);
	assert_int_equal(rb.fraction_lost, 255);
	rtp_stats_init(&s, 7, 8000);
	feed_run(&s, 0, 3, &now);
	s.received += 0x900000u; /* duplicates beyond what 24 bits hold */
	assert_int_equal(rtp_stats_report(&s, now, &rb), 0);
	assert_int_equal(rb.cum_lost, -0x800000);
	assert_int_equal(rb.fraction_lost, 0);
}

static void
test_seq_unwrapper(void **state)
{
	(void)state;
	struct rtp_seq_unwrapper u;

	rtp_seq_unwrapper_init(&u);
	assert_true(rtp_seq_unwrap(&u, 65534) == 65534);
	assert_true(rtp_seq_unwrap(&u, 65535) == 65535);
	assert_true(rtp_seq_unwrap(&u, 0) == 65536);
	assert_true(rtp_seq_unwrap(&u, 5) == 65541);
	assert_true(rtp_seq_unwrap(&u, 65533) == 65533); /* back across the wrap */
	assert_true(rtp_seq_unwrap(&u, 3) == 65539);
	/* exactly half way counts forward */
	assert_true(rtp_seq_unwrap(&u, (uint16_t)(3 + 32768)) == 65539 + 32768);
	assert_true(rtp_seq_unwrap(&u, 3) == 65539 + 65536);
	/* before the first value: negative */
	rtp_seq_unwrapper_init(&u);
	assert_true(rtp_seq_unwrap(&u, 10) == 10);
	assert_true(rtp_seq_unwrap(&u, 65530) == -6);
	/* a long run forward */
	rtp_seq_unwrapper_init(&u);
	for (uint32_t i = 0; i < 5 * 65536u; i += 1000)
		assert_true(rtp_seq_unwrap(&u, (uint16_t)i) == (int64_t)i);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_stats_probation),
	        cmocka_unit_test(test_stats_wrap_and_loss),
	        cmocka_unit_test(test_stats_duplicates_and_reorder),
	        cmocka_unit_test(test_stats_resync),
	        cmocka_unit_test(test_stats_jitter),
	        cmocka_unit_test(test_stats_lsr_dlsr_and_clamp),
	        cmocka_unit_test(test_seq_unwrapper),
	};
	return cmocka_run_group_tests_name("rtp_stats", tests, NULL, NULL);
}
