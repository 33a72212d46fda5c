/*
 * demux_classify(): RFC 7983 §7 first-byte ranges and the RFC 5761 §4
 * RTP/RTCP split, with every range edge and every class's minimum length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "demux.h"

/* The class RFC 7983 §7 gives first byte @b (RTP/RTCP resolved by the second byte later). */
static enum demux_class
rfc7983_class(unsigned b)
{
	if (b <= 3)
		return DEMUX_STUN;
	if (b >= 20 && b <= 63)
		return DEMUX_DTLS;
	if (b >= 128 && b <= 191)
		return DEMUX_RTP;
	return DEMUX_UNKNOWN; /* 4..15 reserved, 16..19 ZRTP, 64..79 TURN channel, ... */
}

static enum demux_class
classify_first(uint8_t first, uint8_t second, size_t len)
{
	uint8_t buf[64];

	memset(buf, 0, sizeof(buf));
	buf[0] = first;
	if (len > 1)
		buf[1] = second;
	return demux_classify(buf, len);
}

static void
test_demux_first_byte_range_edges(void **state)
{
	static const struct {
		uint8_t b;
		enum demux_class want;
	} edges[] = {
		{0, DEMUX_STUN},
		{3, DEMUX_STUN},
		{4, DEMUX_UNKNOWN},
		{15, DEMUX_UNKNOWN},
		{16, DEMUX_UNKNOWN}, /* ZRTP */
		{19, DEMUX_UNKNOWN}, /* ZRTP */
		{20, DEMUX_DTLS},
		{63, DEMUX_DTLS},
		{64, DEMUX_UNKNOWN}, /* TURN channel */
		{79, DEMUX_UNKNOWN}, /* TURN channel */
		{80, DEMUX_UNKNOWN},
		{127, DEMUX_UNKNOWN},
		{128, DEMUX_RTP},
		{191, DEMUX_RTP},
		{192, DEMUX_UNKNOWN},
		{255, DEMUX_UNKNOWN},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		/* second byte 0: RTP payload type 0, never RTCP */
		enum demux_class got = classify_first(edges[i].b, 0, 64);
		if (got != edges[i].want)
			fail_msg("first byte %u: got %s, want %s", edges[i].b,
					demux_class_name(got), demux_class_name(edges[i].want));
	}
}

static void
test_demux_every_first_byte_matches_rfc7983(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		enum demux_class got = classify_first((uint8_t)b, 96, 64);
		if (got != rfc7983_class(b))
			fail_msg("first byte %u: got %s, want %s", b, demux_class_name(got),
					demux_class_name(rfc7983_class(b)));
	}
}

static void
test_demux_rtcp_packet_types_192_to_223(void **state)
{
	(void)state;
	/* RFC 5761 §4: the second byte is the RTCP packet type; 192..223 are RTCP. */
	for (unsigned pt = 192; pt <= 223; pt++) {
		assert_int_equal(classify_first(0x80, (uint8_t)pt, 64), DEMUX_RTCP);
		assert_int_equal(classify_first(0xbf, (uint8_t)pt, 64), DEMUX_RTCP);
	}
	/* SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR by name */
	static const uint8_t named[] = {200, 201, 202, 203, 204, 205, 206, 207};
	for (size_t i = 0; i < sizeof(named); i++)
		assert_int_equal(classify_first(0x81, named[i], 8), DEMUX_RTCP);
}

static void
test_demux_rtp_around_rtcp_range(void **state)
{
	(void)state;
	/* second byte 191 = M set, PT 63; 224 = M set, PT 96 (dynamic) */
	assert_int_equal(classify_first(0x80, 191, 64), DEMUX_RTP);
	assert_int_equal(classify_first(0x80, 224, 64), DEMUX_RTP);
	assert_int_equal(classify_first(0x80, 255, 64), DEMUX_RTP);
}

static void
test_demux_rtp_marker_bit_does_not_make_rtcp(void **state)
{
	(void)state;
	/* every payload type outside 64..95, with and without the marker bit */
	for (unsigned pt = 0; pt < 128; pt++) {
		if (pt >= 64 && pt <= 95)
			continue;
		assert_int_equal(classify_first(0x80, (uint8_t)pt, 64), DEMUX_RTP);
		assert_int_equal(classify_first(0x80, (uint8_t)(0x80 | pt), 64), DEMUX_RTP);
	}
}

static void
test_demux_payload_types_64_to_95_without_marker_are_rtcp(void **state)
{
	(void)state;
	/*
	 * RFC 5761 §4 forbids RTP payload types 64..95 on a muxed port, so
	 * the second byte is read with the marker bit masked (as libwebrtc does):
	 * 64..95 without the marker bit is RTCP too.
	 */
	for (unsigned pt = 64; pt <= 95; pt++)
		assert_int_equal(classify_first(0x80, (uint8_t)pt, 64), DEMUX_RTCP);
	assert_int_equal(classify_first(0x80, 63, 64), DEMUX_RTP);
	assert_int_equal(classify_first(0x80, 96, 64), DEMUX_RTP);
}

static void
test_demux_minimum_lengths(void **state)
{
	(void)state;
	/* STUN header: 20 bytes (RFC 8489 §5) */
	assert_int_equal(classify_first(0x00, 0x01, DEMUX_STUN_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(0x00, 0x01, DEMUX_STUN_MIN), DEMUX_STUN);
	assert_int_equal(classify_first(0x03, 0x01, DEMUX_STUN_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(0x03, 0x01, DEMUX_STUN_MIN), DEMUX_STUN);
	assert_int_equal(DEMUX_STUN_MIN, 20);
	/* DTLS record header: 13 bytes (RFC 6347 §4.1) */
	assert_int_equal(classify_first(22, 0xfe, DEMUX_DTLS_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(22, 0xfe, DEMUX_DTLS_MIN), DEMUX_DTLS);
	assert_int_equal(classify_first(63, 0xfe, DEMUX_DTLS_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(DEMUX_DTLS_MIN, 13);
	/* RTP fixed header: 12 bytes (RFC 3550 §5.1) */
	assert_int_equal(classify_first(0x80, 96, DEMUX_RTP_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(0x80, 96, DEMUX_RTP_MIN), DEMUX_RTP);
	assert_int_equal(DEMUX_RTP_MIN, 12);
	/* RTCP header + SSRC: 8 bytes (RFC 3550 §6.4) */
	assert_int_equal(classify_first(0x80, 200, DEMUX_RTCP_MIN - 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(0x80, 200, DEMUX_RTCP_MIN), DEMUX_RTCP);
	assert_int_equal(DEMUX_RTCP_MIN, 8);
	/* an RTCP-sized datagram between the two minima is RTCP, not truncated RTP */
	assert_int_equal(classify_first(0x80, 201, 9), DEMUX_RTCP);
	assert_int_equal(classify_first(0x80, 96, 9), DEMUX_TRUNCATED);
}

static void
test_demux_too_short_to_split_rtp_rtcp(void **state)
{
	(void)state;
	/* one byte in 128..191: no second byte to tell RTP from RTCP */
	assert_int_equal(classify_first(0x80, 0, 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(0xbf, 0, 1), DEMUX_TRUNCATED);
}

static void
test_demux_empty_and_one_byte(void **state)
{
	uint8_t b = 0;

	(void)state;
	assert_int_equal(demux_classify(&b, 0), DEMUX_TRUNCATED);
	/* a single byte of an unknown range is unknown, not truncated */
	assert_int_equal(classify_first(16, 0, 1), DEMUX_UNKNOWN);
	assert_int_equal(classify_first(64, 0, 1), DEMUX_UNKNOWN);
	assert_int_equal(classify_first(255, 0, 1), DEMUX_UNKNOWN);
	/* a single byte of a known range is truncated */
	assert_int_equal(classify_first(0, 0, 1), DEMUX_TRUNCATED);
	assert_int_equal(classify_first(20, 0, 1), DEMUX_TRUNCATED);
}

static void
test_demux_class_names(void **state)
{
	(void)state;
	assert_string_equal(demux_class_name(DEMUX_STUN), "stun");
	assert_string_equal(demux_class_name(DEMUX_DTLS), "dtls");
	assert_string_equal(demux_class_name(DEMUX_RTP), "rtp");
	assert_string_equal(demux_class_name(DEMUX_RTCP), "rtcp");
	assert_string_equal(demux_class_name(DEMUX_UNKNOWN), "unknown");
	assert_string_equal(demux_class_name(DEMUX_TRUNCATED), "truncated");
	assert_string_equal(demux_class_name((enum demux_class)99), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demux_first_byte_range_edges),
		cmocka_unit_test(test_demux_every_first_byte_matches_rfc7983),
		cmocka_unit_test(test_demux_rtcp_packet_types_192_to_223),
		cmocka_unit_test(test_demux_rtp_around_rtcp_range),
		cmocka_unit_test(test_demux_rtp_marker_bit_does_not_make_rtcp),
		cmocka_unit_test(test_demux_payload_types_64_to_95_without_marker_are_rtcp),
		cmocka_unit_test(test_demux_minimum_lengths),
		cmocka_unit_test(test_demux_too_short_to_split_rtp_rtcp),
		cmocka_unit_test(test_demux_empty_and_one_byte),
		cmocka_unit_test(test_demux_class_names),
	};

	return cmocka_run_group_tests_name("demux", tests, NULL, NULL);
}
