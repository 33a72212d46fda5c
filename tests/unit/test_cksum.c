/*
 * Internet checksum (dataplane/cksum.[ch]) against RFC 1071's worked example
 * and a plain byte-pair reference over random data of every length and
 * alignment, including the add-with-carry paths and odd tails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cksum.h"

/* RFC 1071 §1 definition, one big-endian 16-bit word at a time. */
static uint16_t
ref_sum(uint32_t start, const uint8_t *b, size_t n)
{
	uint64_t s = start;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
test_cksum_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	assert_int_equal(cksum_fold(cksum_partial(0, b, sizeof(b))), 0xddf2);
	/* split at an even offset, the sums add */
	assert_int_equal(cksum_fold(cksum_partial(cksum_partial(0, b, 2), b + 2, 6)), 0xddf2);
}

static void
test_cksum_random_lengths_and_alignments(void **state)
{
	(void)state;
	uint8_t buf[1600];

	srand(7);
	for (int t = 0; t < 20000; t++) {
		size_t off = (size_t)rand() % 8, n = (size_t)rand() % 1500;
		for (size_t i = 0; i < off + n; i++)
			buf[i] = (uint8_t)rand();
		if (t % 5 == 0)
			memset(buf, 0xff, off + n); /* carries everywhere */
		assert_int_equal(cksum_fold(cksum_partial(0, buf + off, n)), ref_sum(0, buf + off, n));
	}
}

static void
test_cksum_every_short_length(void **state)
{
	(void)state;
	uint8_t buf[200];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(buf); n++)
		assert_int_equal(cksum_fold(cksum_partial(0, buf, n)), ref_sum(0, buf, n));
}

static void
test_cksum_be16_terms_and_pseudo4(void **state)
{
	(void)state;
	/* an IPv4 header with its addresses at offset 12 and 16 */
	struct rte_ipv4_hdr ip;
	uint8_t pseudo[12];

	memset(&ip, 0, sizeof(ip));
	memcpy(&ip.src_addr, (const uint8_t[]){198, 18, 0, 1}, 4);
	memcpy(&ip.dst_addr, (const uint8_t[]){198, 18, 0, 2}, 4);
	memcpy(pseudo, &ip.src_addr, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = 0x01;
	pseudo[11] = 0x23;
	assert_int_equal(cksum_fold(cksum_pseudo4(&ip, 17, 0x0123)), ref_sum(0, pseudo, 12));
	assert_int_equal(cksum_fold(cksum_be16(0xabcd)), 0xabcd);
}

static void
test_cksum_ip4_header_inline_matches(void **state)
{
	(void)state;
	uint8_t h[60];

	srand(3);
	for (int t = 0; t < 1000; t++) {
		for (size_t i = 0; i < sizeof(h); i++)
			h[i] = (uint8_t)rand();
		assert_int_equal(cksum_fold(cksum_ip4_hdr(h, 20)), ref_sum(0, h, 20));
		assert_int_equal(cksum_fold(cksum_ip4_hdr(h, 60)), ref_sum(0, h, 60));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_rfc1071_example),
		cmocka_unit_test(test_cksum_random_lengths_and_alignments),
		cmocka_unit_test(test_cksum_every_short_length),
		cmocka_unit_test(test_cksum_be16_terms_and_pseudo4),
		cmocka_unit_test(test_cksum_ip4_header_inline_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
