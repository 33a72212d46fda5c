/*
 * netif: address table limits, link-local modified EUI-64 (RFC 4291 App. A),
 * solicited-node multicast matching (RFC 4291 §2.7.1) and the source
 * addresses we never answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "netif.h"

static rte_be32_t
v4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void
v6(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static int
v6_is_ours(const struct netif *nif, const char *s)
{
	uint8_t a[16];

	v6(s, a);
	return netif_ip6_is_ours(nif, a);
}

static int
v6_solicited(const struct netif *nif, const char *s)
{
	uint8_t a[16];

	v6(s, a);
	return netif_ip6_is_our_solicited_node(nif, a);
}

static int
v6_bad_source(const struct netif *nif, const char *s)
{
	uint8_t a[16];

	v6(s, a);
	return netif_ip6_is_bad_source(nif, a);
}

/* The appliance's usual identity: 198.18.0.2/24, fd00:198:18::2/64 and its link-local. */
static void
nif_default(struct netif *nif)
{
	uint8_t a[16];
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

	memset(nif, 0, sizeof(*nif));
	memcpy(nif->mac, mac, 6);
	nif->media_port = 20000;
	assert_int_equal(netif_add_ip4(nif, v4("198.18.0.2"), 24), 0);
	v6("fd00:198:18::2", a);
	assert_int_equal(netif_add_ip6(nif, a, 64), 0);
	assert_int_equal(netif_add_ip6_link_local(nif), 0);
}

static void
test_netif_link_local_rfc4291_appendix_a_example(void **state)
{
	/* RFC 4291 App. A: 34-56-78-9A-BC-DE -> interface id 3656:78FF:FE9A:BCDE */
	static const uint8_t mac[6] = {0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
	struct netif nif;
	uint8_t want[16];

	(void)state;
	memset(&nif, 0, sizeof(nif));
	memcpy(nif.mac, mac, 6);
	assert_int_equal(netif_add_ip6_link_local(&nif), 0);
	assert_int_equal(nif.n_ip6, 1);
	v6("fe80::3656:78ff:fe9a:bcde", want);
	assert_memory_equal(nif.ip6[0].addr, want, 16);
	assert_int_equal(nif.ip6[0].plen, 64);
}

static void
test_netif_link_local_inverts_universal_local_bit(void **state)
{
	struct netif nif;
	uint8_t want[16];

	(void)state;
	/* a locally administered MAC (U/L bit set) gets the bit cleared */
	memset(&nif, 0, sizeof(nif));
	memcpy(nif.mac, (const uint8_t[6]){0x02, 0x00, 0x00, 0x00, 0x00, 0x01}, 6);
	assert_int_equal(netif_add_ip6_link_local(&nif), 0);
	v6("fe80::ff:fe00:1", want);
	assert_memory_equal(nif.ip6[0].addr, want, 16);

	/* a universal MAC gets it set; the group bit is left alone */
	memset(&nif, 0, sizeof(nif));
	memcpy(nif.mac, (const uint8_t[6]){0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c}, 6);
	assert_int_equal(netif_add_ip6_link_local(&nif), 0);
	v6("fe80::21b:21ff:fe0a:b0c", want);
	assert_memory_equal(nif.ip6[0].addr, want, 16);

	memset(&nif, 0, sizeof(nif));
	memcpy(nif.mac, (const uint8_t[6]){0xfd, 0xff, 0xff, 0xff, 0xff, 0xff}, 6);
	assert_int_equal(netif_add_ip6_link_local(&nif), 0);
	v6("fe80::ffff:ffff:feff:ffff", want);
	assert_memory_equal(nif.ip6[0].addr, want, 16);
}

static void
test_netif_address_table_limits(void **state)
{
	struct netif nif;
	uint8_t a[16];

	(void)state;
	memset(&nif, 0, sizeof(nif));
	assert_int_equal(netif_add_ip4(&nif, v4("10.0.0.1"), 33), -1);
	assert_int_equal(nif.n_ip4, 0);
	v6("fd00::1", a);
	assert_int_equal(netif_add_ip6(&nif, a, 129), -1);
	assert_int_equal(nif.n_ip6, 0);
	assert_int_equal(netif_add_ip4(&nif, v4("10.0.0.1"), 32), 0);
	assert_int_equal(netif_add_ip6(&nif, a, 128), 0);

	for (unsigned i = 1; i < NETIF_MAX_ADDRS; i++) {
		a[15] = (uint8_t)(i + 1);
		assert_int_equal(netif_add_ip4(&nif, htonl(0x0a000001u + i), 24), 0);
		assert_int_equal(netif_add_ip6(&nif, a, 64), 0);
	}
	assert_int_equal(nif.n_ip4, NETIF_MAX_ADDRS);
	assert_int_equal(nif.n_ip6, NETIF_MAX_ADDRS);
	a[15] = 0x77;
	assert_int_equal(netif_add_ip4(&nif, v4("10.9.9.9"), 24), -1);
	assert_int_equal(netif_add_ip6(&nif, a, 64), -1);
	assert_int_equal(netif_add_ip6_link_local(&nif), -1);
	assert_int_equal(nif.n_ip4, NETIF_MAX_ADDRS);
	assert_int_equal(nif.n_ip6, NETIF_MAX_ADDRS);
	assert_false(netif_ip4_is_ours(&nif, v4("10.9.9.9")));
	assert_false(netif_ip6_is_ours(&nif, a));
}

static void
test_netif_is_ours(void **state)
{
	struct netif nif;

	(void)state;
	nif_default(&nif);
	assert_true(netif_ip4_is_ours(&nif, v4("198.18.0.2")));
	assert_false(netif_ip4_is_ours(&nif, v4("198.18.0.1")));
	assert_false(netif_ip4_is_ours(&nif, v4("198.18.0.255")));
	assert_false(netif_ip4_is_ours(&nif, v4("2.0.18.198"))); /* byte order matters */
	assert_true(v6_is_ours(&nif, "fd00:198:18::2"));
	assert_true(v6_is_ours(&nif, "fe80::ff:fe00:1"));
	assert_false(v6_is_ours(&nif, "fd00:198:18::1"));
	assert_false(v6_is_ours(&nif, "ff02::1:ff00:2"));
	assert_false(v6_is_ours(&nif, "::"));
}

static void
test_netif_solicited_node_of_each_address(void **state)
{
	struct netif nif;

	(void)state;
	nif_default(&nif);
	assert_true(v6_solicited(&nif, "ff02::1:ff00:2"));   /* fd00:198:18::2 */
	assert_true(v6_solicited(&nif, "ff02::1:ff00:1"));   /* fe80::ff:fe00:1 */
	assert_false(v6_solicited(&nif, "ff02::1:ff00:3"));  /* low 24 bits differ */
	assert_false(v6_solicited(&nif, "ff02::1:ff01:2"));
	assert_false(v6_solicited(&nif, "ff02::1:fe00:2"));  /* byte 12 not ff */
	assert_false(v6_solicited(&nif, "ff02::2:ff00:2"));  /* byte 11 not 1 */
	assert_false(v6_solicited(&nif, "ff05::1:ff00:2"));  /* site scope */
	assert_false(v6_solicited(&nif, "ff02:0:0:1::1:ff00:2")); /* prefix bytes 6..7 nonzero */
	assert_false(v6_solicited(&nif, "ff02::1"));
	assert_false(v6_solicited(&nif, "fd00:198:18::2"));  /* a unicast address is not a group */
}

static void
test_netif_solicited_node_uses_low_24_bits(void **state)
{
	struct netif nif;
	uint8_t a[16];

	(void)state;
	memset(&nif, 0, sizeof(nif));
	v6("2001:db8::abcd:ef12:3456", a);
	assert_int_equal(netif_add_ip6(&nif, a, 64), 0);
	assert_true(v6_solicited(&nif, "ff02::1:ff12:3456"));
	assert_false(v6_solicited(&nif, "ff02::1:ffef:1234"));
	/* no IPv6 address: no group */
	memset(&nif, 0, sizeof(nif));
	assert_false(v6_solicited(&nif, "ff02::1:ff00:0"));
}

static void
test_netif_ip4_bad_sources(void **state)
{
	struct netif nif;

	(void)state;
	nif_default(&nif);
	assert_true(netif_ip4_is_bad_source(&nif, v4("0.0.0.0")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("255.255.255.255")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("224.0.0.1")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("239.255.255.255")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("127.0.0.1")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("127.255.255.254")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("198.18.0.2")));   /* ours */
	assert_true(netif_ip4_is_bad_source(&nif, v4("198.18.0.255"))); /* subnet broadcast */

	assert_false(netif_ip4_is_bad_source(&nif, v4("198.18.0.1")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("198.18.0.254")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("198.18.0.0")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("198.18.1.255"))); /* another subnet's */
	assert_false(netif_ip4_is_bad_source(&nif, v4("10.0.0.255")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("223.255.255.254")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("128.0.0.1")));
}

static void
test_netif_ip4_subnet_broadcast_by_prefix_length(void **state)
{
	struct netif nif;

	(void)state;
	memset(&nif, 0, sizeof(nif));
	assert_int_equal(netif_add_ip4(&nif, v4("10.0.0.1"), 8), 0);
	assert_int_equal(netif_add_ip4(&nif, v4("192.0.2.1"), 30), 0);
	assert_int_equal(netif_add_ip4(&nif, v4("192.0.2.8"), 31), 0);
	assert_int_equal(netif_add_ip4(&nif, v4("192.0.2.20"), 32), 0);
	assert_true(netif_ip4_is_bad_source(&nif, v4("10.255.255.255")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("10.255.255.254")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("192.0.2.3")));  /* /30 broadcast */
	assert_false(netif_ip4_is_bad_source(&nif, v4("192.0.2.2")));
	/* RFC 3021: a /31 has no broadcast address; /32 neither */
	assert_false(netif_ip4_is_bad_source(&nif, v4("192.0.2.9")));
	assert_false(netif_ip4_is_bad_source(&nif, v4("192.0.2.21")));
	assert_true(netif_ip4_is_bad_source(&nif, v4("192.0.2.20")));  /* ours */
}

static void
test_netif_ip6_bad_sources(void **state)
{
	struct netif nif;

	(void)state;
	nif_default(&nif);
	assert_true(v6_bad_source(&nif, "ff02::1"));
	assert_true(v6_bad_source(&nif, "ff02::1:ff00:1"));
	assert_true(v6_bad_source(&nif, "ff0e::101"));
	assert_true(v6_bad_source(&nif, "::1"));
	assert_true(v6_bad_source(&nif, "fd00:198:18::2"));  /* ours */
	assert_true(v6_bad_source(&nif, "fe80::ff:fe00:1")); /* our link-local */

	assert_false(v6_bad_source(&nif, "fd00:198:18::1"));
	assert_false(v6_bad_source(&nif, "fe80::1"));
	assert_false(v6_bad_source(&nif, "2001:db8::1"));
	assert_false(v6_bad_source(&nif, "::ffff:198.18.0.1"));
	/* RFC 4862 §5.4.2: DAD solicitations come from ::, so it must pass here */
	assert_false(v6_bad_source(&nif, "::"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netif_link_local_rfc4291_appendix_a_example),
		cmocka_unit_test(test_netif_link_local_inverts_universal_local_bit),
		cmocka_unit_test(test_netif_address_table_limits),
		cmocka_unit_test(test_netif_is_ours),
		cmocka_unit_test(test_netif_solicited_node_of_each_address),
		cmocka_unit_test(test_netif_solicited_node_uses_low_24_bits),
		cmocka_unit_test(test_netif_ip4_bad_sources),
		cmocka_unit_test(test_netif_ip4_subnet_broadcast_by_prefix_length),
		cmocka_unit_test(test_netif_ip6_bad_sources),
	};

	return cmocka_run_group_tests_name("netif", tests, NULL, NULL);
}
