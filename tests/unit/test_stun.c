/*
 * STUN (RFC 8489) parse, integrity and build, against the RFC 5769 and
 * RFC 8489 B.1 vectors in tests/vectors/stun/. Independent oracles: zlib's
 * crc32() for FINGERPRINT and OpenSSL's one-shot HMAC() for MESSAGE-INTEGRITY.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vectors.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "stun.h"

static const char *const pwd_5769 = "VOkJxbRl1RmTxUk/WvJxBt";

static void
test_rfc5769_request(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("stun", "rfc5769_2.1_sample_request", buf, sizeof(buf));
	static const uint8_t txid[12] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87,
			0xdf, 0xae};
	struct stun_msg m;
	struct stun_hmac_key k;

	assert_true(stun_is_stun(buf, n));
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_int_equal(m.method, STUN_METHOD_BINDING);
	assert_int_equal(m.cls, STUN_CLASS_REQUEST);
	assert_memory_equal(m.txid, txid, 12);
	assert_int_equal(m.username_len, 9);
	assert_memory_equal(m.username, "evtj:h6vY", 9);
	assert_int_equal(m.software_len, 16);
	assert_memory_equal(m.software, "STUN test client", 16);
	assert_true(m.flags & STUN_F_PRIORITY);
	assert_int_equal(m.priority, 0x6e0001ff);
	assert_true(m.flags & STUN_F_ICE_CONTROLLED);
	assert_false(m.flags & STUN_F_ICE_CONTROLLING);
	assert_true(m.tiebreaker == 0x932ff9b151263b36ull);
	assert_true(m.flags & STUN_F_FINGERPRINT);
	assert_int_equal(m.n_unknown, 0);

	stun_hmac_key_init(&k, pwd_5769, strlen(pwd_5769));
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);
	stun_hmac_key_init(&k, "VOkJxbRl1RmTxUk/WvJxBu", 22);
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_E_INTEGRITY);
}

static void
test_rfc5769_ipv4_response(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("stun", "rfc5769_2.2_sample_ipv4_response", buf, sizeof(buf));
	struct stun_msg m;
	struct stun_hmac_key k;
	static const uint8_t addr[4] = {192, 0, 2, 1};

	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
	assert_int_equal(m.method, STUN_METHOD_BINDING);
	assert_true(m.flags & STUN_F_XOR_MAPPED);
	assert_int_equal(m.xor_mapped.family, 4);
	assert_int_equal(m.xor_mapped.port, 32853);
	assert_memory_equal(m.xor_mapped.addr, addr, 4);
	stun_hmac_key_init(&k, pwd_5769, strlen(pwd_5769));
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);
}

static void
test_rfc5769_ipv6_response(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("stun", "rfc5769_2.3_sample_ipv6_response", buf, sizeof(buf));
	struct stun_msg m;
	struct stun_hmac_key k;
	static const uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11,
			0x22, 0x33, 0x44, 0x55, 0x66, 0x77};

	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_int_equal(m.xor_mapped.family, 6);
	assert_int_equal(m.xor_mapped.port, 32853);
	assert_memory_equal(m.xor_mapped.addr, addr, 16);
	stun_hmac_key_init(&k, pwd_5769, strlen(pwd_5769));
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);
}

static void
test_rfc5769_long_term(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("stun", "rfc5769_2.4_sample_request_long_term_auth", buf, sizeof(buf));
	/* MD5("マトリックス:example.org:TheMatrIX"), params.txt */
	static const uint8_t key[16] = {0xe8, 0xca, 0x7a, 0xd5, 0x9d, 0x5e, 0xb0, 0x51, 0x8e, 0x31,
			0x29, 0x11, 0xd2, 0xda, 0xb2, 0xa9};
	static const uint8_t user[] = {0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3,
			0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9};
	struct stun_msg m;
	struct stun_hmac_key k;

	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_false(m.flags & STUN_F_FINGERPRINT);
	assert_int_equal(m.username_len, sizeof(user));
	assert_memory_equal(m.username, user, sizeof(user));
	stun_hmac_key_init(&k, key, sizeof(key));
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);
}

static void
test_rfc8489_sha256(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t n = vector_load("stun", "rfc8489_B.1_request_sha256_userhash_errata6268", buf, sizeof(buf));
	/* SHA-256(username ":" realm ":" password), params.txt */
	static const uint8_t key[32] = {0xdd, 0x29, 0x5a, 0x61, 0x3b, 0x90, 0x58, 0xc3, 0xc2, 0x3d,
			0x6d, 0xc7, 0x16, 0x5b, 0xda, 0x07, 0x23, 0x04, 0xd9, 0x89, 0xc9, 0xd0, 0xaf, 0x3a,
			0x8c, 0x7e, 0x18, 0x4b, 0x4f, 0x9b, 0xb4, 0xa1};
	uint8_t bad[32];
	struct stun_msg m;

	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_int_not_equal(m.mi256_off, 0);
	assert_int_equal(m.mi256_len, 32);
	assert_int_equal(stun_msg_check_integrity_sha256(&m, key, sizeof(key)), STUN_OK);
	memcpy(bad, key, sizeof(bad));
	bad[0] ^= 1;
	assert_int_equal(stun_msg_check_integrity_sha256(&m, bad, sizeof(bad)), STUN_E_INTEGRITY);

	/* the RFC as printed: wrong length field (erratum 6268) */
	n = vector_load("stun", "rfc8489_B.1_request_sha256_userhash_AS_PUBLISHED_broken", buf, sizeof(buf));
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_LENGTH);
	assert_null(m.buf);
}

/* Recompute FINGERPRINT (last 8 bytes) with zlib, after a deliberate change. */
static void
refingerprint(uint8_t *buf, size_t n)
{
	uint32_t fp = (uint32_t)crc32(0, buf, (uInt)(n - 8)) ^ STUN_FINGERPRINT_XOR;

	buf[n - 4] = (uint8_t)(fp >> 24);
	buf[n - 3] = (uint8_t)(fp >> 16);
	buf[n - 2] = (uint8_t)(fp >> 8);
	buf[n - 1] = (uint8_t)fp;
}

static void
test_tampering(void **state)
{
	(void)state;
	uint8_t orig[256], buf[256];
	size_t n = vector_load("stun", "rfc5769_2.1_sample_request", orig, sizeof(orig));
	struct stun_msg m;
	struct stun_hmac_key k;

	stun_hmac_key_init(&k, pwd_5769, strlen(pwd_5769));
	/* flip one bit of PRIORITY: FINGERPRINT catches it */
	memcpy(buf, orig, n);
	buf[47] ^= 1;
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_FINGERPRINT);
	/* with a recomputed FINGERPRINT, MESSAGE-INTEGRITY still does */
	refingerprint(buf, n);
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_OK);
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_E_INTEGRITY);
	/* our CRC equals zlib's on the untouched message */
	memcpy(buf, orig, n);
	refingerprint(buf, n);
	assert_memory_equal(buf, orig, n);
}

static void
test_malformed(void **state)
{
	(void)state;
	uint8_t orig[256], buf[256];
	size_t n = vector_load("stun", "rfc5769_2.1_sample_request", orig, sizeof(orig));
	struct stun_msg m;

	assert_int_equal(stun_msg_parse(&m, orig, 19), STUN_E_SHORT);
	assert_int_equal(stun_msg_parse(&m, orig, n - 4), STUN_E_LENGTH);
	memcpy(buf, orig, n);
	buf[0] |= 0x40; /* top bits must be zero */
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_NOT_STUN);
	memcpy(buf, orig, n);
	buf[5] ^= 0xff; /* magic cookie */
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_NOT_STUN);
	assert_false(stun_is_stun(buf, n));
	memcpy(buf, orig, n);
	buf[3] = (uint8_t)(buf[3] + 2); /* length not a multiple of 4 */
	assert_int_equal(stun_msg_parse(&m, buf, n + 2), STUN_E_LENGTH);
	/* SOFTWARE claims more bytes than the message has */
	memcpy(buf, orig, n);
	buf[22] = 0x01;
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_ATTR);
	assert_null(m.buf);
	/* PRIORITY of 5 bytes */
	memcpy(buf, orig, n);
	buf[43] = 5;
	assert_int_equal(stun_msg_parse(&m, buf, n), STUN_E_ATTR);
}

static void
test_build_binding_request(void **state)
{
	(void)state;
	static const uint8_t txid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	uint8_t buf[256], mac[EVP_MAX_MD_SIZE], hdr_copy[256];
	unsigned mac_len;
	struct stun_builder b;
	struct stun_msg m;
	struct stun_hmac_key k;
	int n;

	stun_hmac_key_init(&k, pwd_5769, strlen(pwd_5769));
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, STUN_ATTR_USERNAME, "abcd:efg", 8);
	stun_build_u32(&b, STUN_ATTR_PRIORITY, 0x6e7f1eff);
	stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x0102030405060708ull);
	stun_build_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	stun_build_integrity(&b, &k);
	stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	/* 20 + USERNAME 12 + PRIORITY 8 + CONTROLLING 12 + USE-CANDIDATE 4 + MI 24 + FP 8 */
	assert_int_equal(n, 88);
	assert_int_equal(buf[0], 0x00);
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(buf[2] << 8 | buf[3], 68);

	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_OK);
	assert_true(m.flags & STUN_F_USE_CANDIDATE);
	assert_true(m.flags & STUN_F_ICE_CONTROLLING);
	assert_true(m.tiebreaker == 0x0102030405060708ull);
	assert_int_equal(m.priority, 0x6e7f1eff);
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);

	/* oracle: HMAC-SHA1 over the message up to MI with the length ending after MI */
	memcpy(hdr_copy, buf, m.mi_off);
	hdr_copy[2] = 0;
	hdr_copy[3] = (uint8_t)(m.mi_off + 24 - 20);
	HMAC(EVP_sha1(), pwd_5769, (int)strlen(pwd_5769), hdr_copy, m.mi_off, mac, &mac_len);
	assert_int_equal(mac_len, 20);
	assert_memory_equal(mac, buf + m.mi_off + 4, 20);
	/* oracle: FINGERPRINT */
	uint32_t fp = (uint32_t)crc32(0, buf, (uInt)(n - 8)) ^ STUN_FINGERPRINT_XOR;
	assert_int_equal(buf[n - 4] << 24 | buf[n - 3] << 16 | buf[n - 2] << 8 | buf[n - 1],
			(int)fp);
}

static void
test_build_xor_mapped_matches_rfc5769(void **state)
{
	(void)state;
	uint8_t vec[256], buf[128];
	size_t n = vector_load("stun", "rfc5769_2.2_sample_ipv4_response", vec, sizeof(vec));
	struct stun_msg m;
	struct stun_builder b;
	struct stun_addr a = {.family = 4, .port = 32853, .addr = {192, 0, 2, 1}};
	const uint8_t *want = NULL;

	assert_int_equal(stun_msg_parse(&m, vec, n), STUN_OK);
	for (size_t off = 20; off + 4 <= n; off += 4 + ((vec[off + 2] << 8 | vec[off + 3]) + 3u) / 4 * 4)
		if ((vec[off] << 8 | vec[off + 1]) == STUN_ATTR_XOR_MAPPED_ADDRESS)
			want = vec + off;
	assert_non_null(want);
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, m.txid);
	stun_build_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &a);
	assert_int_equal(stun_build_end(&b), 32);
	assert_int_equal(buf[0], 0x01);
	assert_int_equal(buf[1], 0x01);
	assert_memory_equal(buf + 20, want, 12);

	/* the IPv6 one too */
	n = vector_load("stun", "rfc5769_2.3_sample_ipv6_response", vec, sizeof(vec));
	assert_int_equal(stun_msg_parse(&m, vec, n), STUN_OK);
	want = NULL;
	for (size_t off = 20; off + 4 <= n; off += 4 + ((vec[off + 2] << 8 | vec[off + 3]) + 3u) / 4 * 4)
		if ((vec[off] << 8 | vec[off + 1]) == STUN_ATTR_XOR_MAPPED_ADDRESS)
			want = vec + off;
	assert_non_null(want);
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, m.txid);
	stun_build_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &m.xor_mapped);
	assert_int_equal(stun_build_end(&b), 44);
	assert_memory_equal(buf + 20, want, 24);
}

static void
test_error_and_unknown(void **state)
{
	(void)state;
	static const uint8_t txid[12] = {0};
	static const uint16_t unk[3] = {0x0031, 0x7fff, 0x0002};
	uint8_t buf[256];
	struct stun_builder b;
	struct stun_msg m;
	int n;

	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_ERROR, txid);
	stun_build_error(&b, STUN_ERR_ROLE_CONFLICT, "Role Conflict");
	stun_build_unknown(&b, unk, 3);
	stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	assert_true(n > 0);
	assert_int_equal(buf[0] << 8 | buf[1], 0x0111);
	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_OK);
	assert_int_equal(m.cls, STUN_CLASS_ERROR);
	assert_int_equal(m.error_code, 487);
	assert_int_equal(m.error_reason_len, 13);
	assert_memory_equal(m.error_reason, "Role Conflict", 13);

	/* a request with unknown attributes: required ones are collected, optional ignored */
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, 0x0031, "x", 1);
	stun_build_attr(&b, 0xc001, "yy", 2);
	stun_build_attr(&b, 0x7fff, NULL, 0);
	n = stun_build_end(&b);
	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_OK);
	assert_int_equal(m.n_unknown, 2);
	assert_int_equal(m.unknown[0], 0x0031);
	assert_int_equal(m.unknown[1], 0x7fff);

	/* invalid error codes are refused by the builder */
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_ERROR, txid);
	stun_build_error(&b, 200, "no");
	assert_int_equal(stun_build_end(&b), STUN_E_ATTR);
}

static void
test_order_rules(void **state)
{
	(void)state;
	static const uint8_t txid[12] = {9};
	uint8_t buf[256];
	struct stun_builder b;
	struct stun_msg m;
	struct stun_hmac_key k;
	int n;

	stun_hmac_key_init(&k, "pw", 2);
	/* attributes after MESSAGE-INTEGRITY are ignored (RFC 8489 §14.5) */
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, STUN_ATTR_USERNAME, "a:b", 3);
	stun_build_integrity(&b, &k);
	stun_build_u32(&b, STUN_ATTR_PRIORITY, 7);
	stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_OK);
	assert_false(m.flags & STUN_F_PRIORITY);
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_OK);

	/* anything after FINGERPRINT is an error (§14.7) */
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_fingerprint(&b);
	stun_build_u32(&b, STUN_ATTR_PRIORITY, 7);
	n = stun_build_end(&b);
	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_E_FINGERPRINT);

	/* no MESSAGE-INTEGRITY: integrity check fails */
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, STUN_ATTR_USERNAME, "a:b", 3);
	n = stun_build_end(&b);
	assert_int_equal(stun_msg_parse(&m, buf, (size_t)n), STUN_OK);
	assert_int_equal(stun_msg_check_integrity(&m, &k), STUN_E_INTEGRITY);
}

static void
test_builder_no_space(void **state)
{
	(void)state;
	static const uint8_t txid[12] = {0};
	uint8_t buf[32];
	struct stun_builder b;

	stun_build_begin(&b, buf, 10, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	assert_int_equal(stun_build_end(&b), STUN_E_NOSPACE);
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, STUN_ATTR_USERNAME, "0123456789ab", 12);
	assert_int_equal(stun_build_end(&b), STUN_E_NOSPACE);
	/* a failed builder stays failed */
	stun_build_fingerprint(&b);
	assert_int_equal(stun_build_end(&b), STUN_E_NOSPACE);
}

static void
test_long_key_hashed(void **state)
{
	(void)state;
	/* RFC 2104: keys longer than a block are hashed first */
	static const uint8_t txid[12] = {3};
	char key[100];
	uint8_t buf[128], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len;
	struct stun_builder b;
	struct stun_hmac_key k;
	int n;

	memset(key, 'k', sizeof(key));
	stun_hmac_key_init(&k, key, sizeof(key));
	stun_build_begin(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_integrity(&b, &k);
	n = stun_build_end(&b);
	assert_int_equal(n, 44);
	HMAC(EVP_sha1(), key, sizeof(key), buf, 20, mac, &mac_len);
	assert_memory_equal(mac, buf + 24, 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5769_request),
		cmocka_unit_test(test_rfc5769_ipv4_response),
		cmocka_unit_test(test_rfc5769_ipv6_response),
		cmocka_unit_test(test_rfc5769_long_term),
		cmocka_unit_test(test_rfc8489_sha256),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_build_binding_request),
		cmocka_unit_test(test_build_xor_mapped_matches_rfc5769),
		cmocka_unit_test(test_error_and_unknown),
		cmocka_unit_test(test_order_rules),
		cmocka_unit_test(test_builder_no_space),
		cmocka_unit_test(test_long_key_hashed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
