/*
 * Configuration: embedded defaults, every key type with good, out-of-range
 * and garbage values, unknown keys, INI files with file:line errors, the
 * dump -> load round trip, and "a failure changes nothing".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "config.h"

/* ---- helpers ---- */

static char tmp_paths[64][256];
static unsigned n_tmp_paths;

/* Write @text to a fresh temporary file; the path lives until the end of the run. */
static const char *
write_tmp(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *p;
	int fd;

	assert_true(n_tmp_paths < sizeof(tmp_paths) / sizeof(tmp_paths[0]));
	p = tmp_paths[n_tmp_paths++];
	snprintf(p, sizeof(tmp_paths[0]), "%s/rtc_test_config_XXXXXX.ini",
			dir != NULL && *dir ? dir : "/tmp");
	fd = mkstemps(p, 4);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return p;
}

static int
remove_tmp(void **state)
{
	(void)state;
	for (unsigned i = 0; i < n_tmp_paths; i++)
		unlink(tmp_paths[i]);
	n_tmp_paths = 0;
	return 0;
}

/* config_dump() into a malloc'd string. */
static char *
dump_str(const struct rtc_config *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	config_dump(c, f);
	fclose(f);
	return s;
}

static void
assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", s, prefix);
}

/* A snapshot of every byte of a configuration, padding included. */
struct snap {
	unsigned char b[sizeof(struct rtc_config)];
};

static void
take(struct snap *s, const struct rtc_config *c)
{
	memcpy(s->b, c, sizeof(*c));
}

static void
assert_unchanged(const struct snap *s, const struct rtc_config *c, const char *what)
{
	if (memcmp(s->b, c, sizeof(*c)) != 0)
		fail_msg("a failed '%s' changed the configuration", what);
}

/*
 * Set @key to @value on a copy of @c and expect failure: the error names the
 * key ("key: problem", config.h) and the configuration is unchanged.
 */
static void
expect_set_fails(struct rtc_config *c, const char *key, const char *value)
{
	char err[CONFIG_ERR_LEN] = "";
	char prefix[160];
	struct snap s;

	take(&s, c);
	if (config_set(c, key, value, err, sizeof(err)) == 0)
		fail_msg("%s = '%s' was accepted", key, value);
	snprintf(prefix, sizeof(prefix), "%s: ", key);
	assert_prefix(err, prefix);
	assert_true(strlen(err) > strlen(prefix));
	assert_unchanged(&s, c, value);
}

static void
expect_set_ok(struct rtc_config *c, const char *key, const char *value)
{
	char err[CONFIG_ERR_LEN] = "";

	if (config_set(c, key, value, err, sizeof(err)) != 0)
		fail_msg("%s = '%s' refused: %s", key, value, err);
}

static struct in_addr
v4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void
v6(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

/* Every field equal (padding aside, as the compiler may leave it). */
static void
assert_config_same(const struct rtc_config *a, const struct rtc_config *b)
{
	assert_string_equal(a->port, b->port);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->rx_desc, b->rx_desc);
	assert_int_equal(a->tx_desc, b->tx_desc);
	assert_int_equal(a->mbufs, b->mbufs);
	assert_int_equal(a->rss, b->rss);
	assert_int_equal(a->mac_set, b->mac_set);
	if (a->mac_set)
		assert_memory_equal(a->mac, b->mac, 6);
	assert_int_equal(a->vlan, b->vlan);
	assert_int_equal(a->n_ipv4, b->n_ipv4);
	for (unsigned i = 0; i < a->n_ipv4; i++) {
		assert_int_equal(a->ipv4[i].addr, b->ipv4[i].addr);
		assert_int_equal(a->ipv4[i].plen, b->ipv4[i].plen);
	}
	assert_int_equal(a->n_ipv6, b->n_ipv6);
	for (unsigned i = 0; i < a->n_ipv6; i++) {
		assert_memory_equal(a->ipv6[i].addr, b->ipv6[i].addr, 16);
		assert_int_equal(a->ipv6[i].plen, b->ipv6[i].plen);
	}
	assert_int_equal(a->ipv6_link_local, b->ipv6_link_local);
	assert_int_equal(a->media_port, b->media_port);
	assert_int_equal(a->idle_polls, b->idle_polls);
	assert_int_equal(a->idle_sleep_max_us, b->idle_sleep_max_us);
	assert_int_equal(a->kernels_backend, b->kernels_backend);
	assert_int_equal(a->redis_enabled, b->redis_enabled);
	assert_string_equal(a->redis_host, b->redis_host);
	assert_int_equal(a->redis_port, b->redis_port);
	assert_string_equal(a->redis_password, b->redis_password);
	assert_int_equal(a->redis_db, b->redis_db);
	assert_string_equal(a->redis_prefix, b->redis_prefix);
	assert_int_equal(a->redis_stream_maxlen, b->redis_stream_maxlen);
	assert_int_equal(a->redis_buffer_events, b->redis_buffer_events);
	assert_int_equal(a->redis_reconnect_max_ms, b->redis_reconnect_max_ms);
	assert_int_equal(a->redis_timeout_ms, b->redis_timeout_ms);
	assert_int_equal(a->redis_command_poll_ms, b->redis_command_poll_ms);
	assert_int_equal(a->log_level, b->log_level);
	assert_int_equal(a->stats_interval_ms, b->stats_interval_ms);
}

/* ---- defaults and the dump ---- */

static void
test_config_defaults_are_valid(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	uint8_t a6[16];

	(void)state;
	config_defaults(&c);
	if (config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("defaults do not validate: %s", err);
	assert_string_equal(c.port, "auto");
	assert_int_equal(c.mtu, 1500);
	assert_int_equal(c.rx_desc, 1024);
	assert_int_equal(c.tx_desc, 1024);
	assert_int_equal(c.mbufs, 16383);
	assert_int_equal(c.rss, 1);
	assert_int_equal(c.mac_set, 0);
	assert_int_equal(c.vlan, 0);
	assert_int_equal(c.n_ipv4, 1);
	assert_int_equal(c.ipv4[0].addr, v4("198.18.0.2").s_addr);
	assert_int_equal(c.ipv4[0].plen, 24);
	assert_int_equal(c.n_ipv6, 1);
	v6("fd00:198:18::2", a6);
	assert_memory_equal(c.ipv6[0].addr, a6, 16);
	assert_int_equal(c.ipv6[0].plen, 64);
	assert_int_equal(c.ipv6_link_local, 1);
	assert_int_equal(c.media_port, 20000);
	assert_int_equal(c.idle_polls, 300);
	assert_int_equal(c.idle_sleep_max_us, 200);
	assert_int_equal(c.kernels_backend, 0); /* auto */
	assert_int_equal(c.redis_enabled, 0);
	assert_string_equal(c.redis_host, "127.0.0.1");
	assert_int_equal(c.redis_port, 6379);
	assert_string_equal(c.redis_password, "");
	assert_int_equal(c.redis_db, 0);
	assert_string_equal(c.redis_prefix, "rtcedge");
	assert_int_equal(c.redis_stream_maxlen, 100000);
	assert_int_equal(c.redis_buffer_events, 10000);
	assert_int_equal(c.redis_reconnect_max_ms, 5000);
	assert_int_equal(c.redis_timeout_ms, 5000);
	assert_int_equal(c.redis_command_poll_ms, 50);
	assert_int_equal(c.log_level, 7); /* info */
	assert_int_equal(c.stats_interval_ms, 0);
}

/* A configuration where every key differs from its default. */
static void
config_all_changed(struct rtc_config *c)
{
	config_defaults(c);
	expect_set_ok(c, "dataplane.port", "0000:3b:00.0");
	expect_set_ok(c, "dataplane.mtu", "9000");
	expect_set_ok(c, "dataplane.rx_desc", "4096");
	expect_set_ok(c, "dataplane.tx_desc", "512");
	expect_set_ok(c, "dataplane.mbufs", "65535");
	expect_set_ok(c, "dataplane.rss", "false");
	expect_set_ok(c, "net.mac", "02:aa:bb:cc:dd:ee");
	expect_set_ok(c, "net.vlan", "4094");
	expect_set_ok(c, "net.ipv4", "10.0.0.1/8,192.0.2.7/32,203.0.113.9");
	expect_set_ok(c, "net.ipv6", "2001:db8::1/48,fe80::1234/10,::ffff:10.0.0.1/128");
	expect_set_ok(c, "net.ipv6_link_local", "no");
	expect_set_ok(c, "net.media_port", "3478");
	expect_set_ok(c, "worker.idle_polls", "10000000");
	expect_set_ok(c, "worker.idle_sleep_max_us", "0");
	expect_set_ok(c, "kernels.backend", "cpu");
	expect_set_ok(c, "redis.enabled", "true");
	expect_set_ok(c, "redis.host", "192.0.2.10");
	expect_set_ok(c, "redis.port", "6380");
	/* redis.password: a secret, not carried by the dump (test_config_secret_*) */
	expect_set_ok(c, "redis.db", "3");
	expect_set_ok(c, "redis.prefix", "edge-a");
	expect_set_ok(c, "redis.stream_maxlen", "5000");
	expect_set_ok(c, "redis.buffer_events", "64");
	expect_set_ok(c, "redis.reconnect_max_ms", "1000");
	expect_set_ok(c, "redis.timeout_ms", "250");
	expect_set_ok(c, "redis.command_poll_ms", "10");
	expect_set_ok(c, "log.level", "debug");
	expect_set_ok(c, "log.stats_interval_ms", "1000");
}

static void
test_config_defaults_dump_load_round_trip(void **state)
{
	struct rtc_config def, c;
	char err[CONFIG_ERR_LEN] = "";
	char *d1, *d2;

	(void)state;
	config_defaults(&def);
	d1 = dump_str(&def);
	/* load over a configuration where everything differs: the dump says it all */
	config_all_changed(&c);
	if (config_load_file(&c, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("the dump of the defaults does not load: %s\n%s", err, d1);
	d2 = dump_str(&c);
	assert_string_equal(d1, d2);
	assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
	free(d1);
	free(d2);
}

static void
test_config_changed_dump_load_round_trip(void **state)
{
	struct rtc_config changed, c;
	char err[CONFIG_ERR_LEN] = "";
	char *d1, *d2, *d0;

	(void)state;
	config_all_changed(&changed);
	config_defaults(&c);
	d0 = dump_str(&c);
	d1 = dump_str(&changed);
	assert_string_not_equal(d0, d1);
	if (config_load_file(&c, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("the dump does not load: %s\n%s", err, d1);
	d2 = dump_str(&c);
	assert_string_equal(d1, d2);
	assert_config_same(&c, &changed);
	free(d0);
	free(d1);
	free(d2);
}

static void
test_config_empty_address_lists_round_trip(void **state)
{
	struct rtc_config c, back;
	char err[CONFIG_ERR_LEN] = "";
	char *d1, *d2;

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.ipv4", "");
	assert_int_equal(c.n_ipv4, 0);
	d1 = dump_str(&c);
	config_defaults(&back);
	if (config_load_file(&back, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("a dump with an empty list does not load: %s\n%s", err, d1);
	assert_int_equal(back.n_ipv4, 0);
	d2 = dump_str(&back);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
}

static void
test_config_help_lists_every_key(void **state)
{
	static const char *const keys[] = {"dataplane.port", "dataplane.mtu",
			"dataplane.rx_desc", "dataplane.tx_desc", "dataplane.mbufs",
			"dataplane.rss",
			"net.mac", "net.vlan", "net.ipv4", "net.ipv6", "net.ipv6_link_local",
			"net.media_port", "worker.idle_polls", "worker.idle_sleep_max_us",
			"kernels.backend", "redis.enabled", "redis.host", "redis.port",
			"redis.password", "redis.db", "redis.prefix", "redis.stream_maxlen",
			"redis.buffer_events", "redis.reconnect_max_ms", "redis.timeout_ms",
			"redis.command_poll_ms", "log.level", "log.stats_interval_ms"};
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	(void)state;
	config_help(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strstr(s, keys[i]) == NULL)
			fail_msg("--help-config does not list %s", keys[i]);
	free(s);
}

/* ---- every key type ---- */

static void
test_config_u32_ranges(void **state)
{
	static const struct {
		const char *key, *min, *max, *below, *above;
		size_t off;
		uint32_t vmin, vmax;
	} k[] = {
		{"dataplane.mtu", "576", "9600", "575", "9601", offsetof(struct rtc_config, mtu),
				576, 9600},
		{"dataplane.rx_desc", "64", "16384", "63", "16385",
				offsetof(struct rtc_config, rx_desc), 64, 16384},
		{"dataplane.tx_desc", "64", "16384", "63", "16385",
				offsetof(struct rtc_config, tx_desc), 64, 16384},
		{"dataplane.mbufs", "1023", "4194303", "1022", "4194304",
				offsetof(struct rtc_config, mbufs), 1023, 4194303},
		{"net.vlan", "0", "4094", NULL, "4095", offsetof(struct rtc_config, vlan), 0, 4094},
		{"net.media_port", "1", "65535", "0", "65536",
				offsetof(struct rtc_config, media_port), 1, 65535},
		{"worker.idle_polls", "1", "10000000", "0", "10000001",
				offsetof(struct rtc_config, idle_polls), 1, 10000000},
		{"worker.idle_sleep_max_us", "0", "100000", NULL, "100001",
				offsetof(struct rtc_config, idle_sleep_max_us), 0, 100000},
		{"log.stats_interval_ms", "0", "3600000", NULL, "3600001",
				offsetof(struct rtc_config, stats_interval_ms), 0, 3600000},
		{"redis.port", "1", "65535", "0", "65536", offsetof(struct rtc_config, redis_port),
				1, 65535},
		{"redis.db", "0", "1023", NULL, "1024", offsetof(struct rtc_config, redis_db), 0,
				1023},
		{"redis.stream_maxlen", "1", "1000000000", "0", "1000000001",
				offsetof(struct rtc_config, redis_stream_maxlen), 1, 1000000000},
		{"redis.buffer_events", "2", "1000000", "1", "1000001",
				offsetof(struct rtc_config, redis_buffer_events), 2, 1000000},
		{"redis.reconnect_max_ms", "10", "600000", "9", "600001",
				offsetof(struct rtc_config, redis_reconnect_max_ms), 10, 600000},
		{"redis.timeout_ms", "10", "600000", "9", "600001",
				offsetof(struct rtc_config, redis_timeout_ms), 10, 600000},
		{"redis.command_poll_ms", "1", "60000", "0", "60001",
				offsetof(struct rtc_config, redis_command_poll_ms), 1, 60000},
	};
	struct rtc_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint32_t v;
		config_defaults(&c);
		expect_set_ok(&c, k[i].key, k[i].min);
		memcpy(&v, (char *)&c + k[i].off, 4);
		assert_int_equal(v, k[i].vmin);
		expect_set_ok(&c, k[i].key, k[i].max);
		memcpy(&v, (char *)&c + k[i].off, 4);
		assert_int_equal(v, k[i].vmax);
		if (k[i].below != NULL)
			expect_set_fails(&c, k[i].key, k[i].below);
		expect_set_fails(&c, k[i].key, k[i].above);
		expect_set_fails(&c, k[i].key, "4294967295");
		expect_set_fails(&c, k[i].key, "4294967296");
		expect_set_fails(&c, k[i].key, "99999999999999999999999");
	}
}

static void
test_config_u32_out_of_range_message(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "net.vlan", "4095", err, sizeof(err)), -1);
	assert_string_equal(err, "net.vlan: 4095 is outside [0, 4094]");
}

static void
test_config_u32_garbage(void **state)
{
	static const char *const bad[] = {"", "abc", "-1", "+5", " 5", "5 ", "1e3", "0x10",
			"12abc", "1.5", "١٢"};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_set_fails(&c, "dataplane.mtu", bad[i]);
		expect_set_fails(&c, "net.media_port", bad[i]);
	}
	/* leading zeros are still decimal */
	expect_set_ok(&c, "dataplane.mtu", "0001500");
	assert_int_equal(c.mtu, 1500);
}

static void
test_config_bool_values(void **state)
{
	static const char *const yes[] = {"true", "TRUE", "True", "yes", "on", "ON", "1"};
	static const char *const no[] = {"false", "FALSE", "no", "No", "off", "0"};
	static const char *const bad[] = {"", "2", "y", "n", "maybe", "truee", " true", "01",
			"-1"};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		c.rss = 0;
		expect_set_ok(&c, "dataplane.rss", yes[i]);
		assert_int_equal(c.rss, 1);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		c.ipv6_link_local = 1;
		expect_set_ok(&c, "net.ipv6_link_local", no[i]);
		assert_int_equal(c.ipv6_link_local, 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_set_fails(&c, "dataplane.rss", bad[i]);
		expect_set_fails(&c, "net.ipv6_link_local", bad[i]);
	}
}

static void
test_config_string_length(void **state)
{
	struct rtc_config c;
	char v[200];

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "dataplane.port", "net_tap0");
	assert_string_equal(c.port, "net_tap0");
	memset(v, 'p', sizeof(v));
	v[sizeof(c.port) - 1] = '\0'; /* 127 characters: the most that fits */
	expect_set_ok(&c, "dataplane.port", v);
	assert_string_equal(c.port, v);
	v[sizeof(c.port) - 1] = 'p';
	v[sizeof(c.port)] = '\0'; /* 128 */
	expect_set_fails(&c, "dataplane.port", v);
	expect_set_fails(&c, "dataplane.port", "");
}

static void
test_config_mac_values(void **state)
{
	static const uint8_t want[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.mac", "02:aa:bb:cc:dd:ee");
	assert_int_equal(c.mac_set, 1);
	assert_memory_equal(c.mac, want, 6);
	expect_set_ok(&c, "net.mac", "02:AA:BB:CC:DD:EF");
	assert_int_equal(c.mac[5], 0xef);
	expect_set_ok(&c, "net.mac", "auto");
	assert_int_equal(c.mac_set, 0);

	expect_set_ok(&c, "net.mac", "02:aa:bb:cc:dd:ee");
	static const char *const bad[] = {"", "AUTO", "02:aa:bb:cc:dd", "02:aa:bb:cc:dd:ee:ff",
			"02:aa:bb:cc:dd:e", "02-aa-bb-cc-dd-ee", "02:aa:bb:cc:dd:eg",
			"zz:aa:bb:cc:dd:ee", "02aabbccddee", "02:aa:bb:cc:dd:ee ",
			"002:aa:bb:cc:dd:e"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "net.mac", bad[i]);
	assert_memory_equal(c.mac, want, 6);
}

static void
test_config_mac_multicast_refused_and_unchanged(void **state)
{
	static const uint8_t want[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.mac", "02:aa:bb:cc:dd:ee");
	/* the group bit makes a multicast address: never ours */
	expect_set_fails(&c, "net.mac", "01:00:5e:00:00:01");
	expect_set_fails(&c, "net.mac", "ff:ff:ff:ff:ff:ff");
	expect_set_fails(&c, "net.mac", "33:33:00:00:00:01");
	assert_int_equal(c.mac_set, 1);
	assert_memory_equal(c.mac, want, 6);
}

static void
test_config_ipv4_list_values(void **state)
{
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.ipv4", "10.0.0.1/8, 192.0.2.9,203.0.113.1/32");
	assert_int_equal(c.n_ipv4, 3);
	assert_int_equal(c.ipv4[0].addr, v4("10.0.0.1").s_addr);
	assert_int_equal(c.ipv4[0].plen, 8);
	assert_int_equal(c.ipv4[1].addr, v4("192.0.2.9").s_addr);
	assert_int_equal(c.ipv4[1].plen, 24); /* default prefix */
	assert_int_equal(c.ipv4[2].plen, 32);
	expect_set_ok(&c, "net.ipv4", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,"
				      "10.0.0.7,10.0.0.8");
	assert_int_equal(c.n_ipv4, 8);
	expect_set_ok(&c, "net.ipv4", "");
	assert_int_equal(c.n_ipv4, 0);

	expect_set_ok(&c, "net.ipv4", "198.18.0.2/24");
	static const char *const bad[] = {
		"10.0.0.1/0", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/x", "10.0.0.1/-1",
		"10.0.0.1/24/1", "0.0.0.0", "127.0.0.1", "127.1.2.3/8", "224.0.0.1",
		"239.1.1.1", "240.0.0.1", "255.255.255.255", "1.2.3", "1.2.3.4.5", "256.1.1.1",
		"abc", "fd00::1", "10.0.0.1;10.0.0.2",
		("10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,"
		 "10.0.0.9"), /* nine */
		"10.0.0.1,garbage",
		"10.0.0.1/2400000000000000000000000000000000000000000000000000000000000000000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "net.ipv4", bad[i]);
	assert_int_equal(c.n_ipv4, 1);
	assert_int_equal(c.ipv4[0].addr, v4("198.18.0.2").s_addr);
}

static void
test_config_ipv6_list_values(void **state)
{
	struct rtc_config c;
	uint8_t a[16];

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.ipv6", "2001:db8::1/48,fd00::2");
	assert_int_equal(c.n_ipv6, 2);
	v6("2001:db8::1", a);
	assert_memory_equal(c.ipv6[0].addr, a, 16);
	assert_int_equal(c.ipv6[0].plen, 48);
	assert_int_equal(c.ipv6[1].plen, 64); /* default prefix */
	expect_set_ok(&c, "net.ipv6", "fd00::1/128");
	assert_int_equal(c.ipv6[0].plen, 128);
	expect_set_ok(&c, "net.ipv6", "");
	assert_int_equal(c.n_ipv6, 0);

	expect_set_ok(&c, "net.ipv6", "fd00:198:18::2/64");
	static const char *const bad[] = {
		"fd00::1/0", "fd00::1/129", "fd00::1/", "fd00::1/x", "::", "::1", "::/64",
		"ff02::1", "ff02::1:ff00:2", "fd00::g", "fd00:::1", "10.0.0.1", "abc",
		"1:2:3:4:5:6:7:8:9",
		"fd00::1,fd00::2,fd00::3,fd00::4,fd00::5,fd00::6,fd00::7,fd00::8,fd00::9",
		"fd00::1,nonsense",
		"fd00:0000:0000:0000:0000:0000:0000:0001/64/extra-characters-to-be-too-long",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "net.ipv6", bad[i]);
	assert_int_equal(c.n_ipv6, 1);
	v6("fd00:198:18::2", a);
	assert_memory_equal(c.ipv6[0].addr, a, 16);
}

static void
test_config_log_levels(void **state)
{
	static const char *const names[] = {"emerg", "alert", "crit", "error", "warning",
			"notice", "info", "debug"};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	for (unsigned i = 0; i < 8; i++) {
		expect_set_ok(&c, "log.level", names[i]);
		assert_int_equal(c.log_level, i + 1); /* RTE_LOG_EMERG = 1 .. RTE_LOG_DEBUG = 8 */
	}
	expect_set_ok(&c, "log.level", "WARNING");
	assert_int_equal(c.log_level, 5);
	static const char *const bad[] = {"", "verbose", "7", "warn", "info ", "err"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "log.level", bad[i]);
}

static void
test_config_choice_values(void **state)
{
	static const char *const names[] = {"auto", "cpu", "cuda"}; /* enum kernels_pref */
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	struct snap s;

	(void)state;
	config_defaults(&c);
	for (unsigned i = 0; i < 3; i++) {
		expect_set_ok(&c, "kernels.backend", names[i]);
		assert_int_equal(c.kernels_backend, i);
	}
	static const char *const bad[] = {"", "gpu", "CPU ", "cpu,cuda", "3", "autox"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "kernels.backend", bad[i]);
	/* the error lists the choices */
	take(&s, &c);
	assert_int_equal(config_set(&c, "kernels.backend", "gpu", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "auto"));
	assert_non_null(strstr(err, "cpu"));
	assert_non_null(strstr(err, "cuda"));
	assert_unchanged(&s, &c, "gpu");
}

static void
test_config_unknown_key_named(void **state)
{
	static const char *const unknown[] = {"net.nope", "nope", "NET.VLAN", "net.vlan ",
			"net..vlan", "dataplane", ""};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		char err[CONFIG_ERR_LEN] = "";
		struct snap s;
		take(&s, &c);
		assert_int_equal(config_set(&c, unknown[i], "1", err, sizeof(err)), -1);
		assert_prefix(err, unknown[i]);
		assert_non_null(strstr(err, "unknown key"));
		assert_unchanged(&s, &c, unknown[i]);
	}
}

/* ---- --set key=value ---- */

static void
test_config_set_assignment(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set_assignment(&c, "net.vlan=7", err, sizeof(err)), 0);
	assert_int_equal(c.vlan, 7);
	/* only the first '=' splits */
	assert_int_equal(config_set_assignment(&c, "dataplane.port=a=b", err, sizeof(err)), 0);
	assert_string_equal(c.port, "a=b");
	assert_int_equal(config_set_assignment(&c, "net.ipv4=", err, sizeof(err)), 0);
	assert_int_equal(c.n_ipv4, 0);
}

static void
test_config_set_assignment_errors_change_nothing(void **state)
{
	static const char *const bad[] = {
		"net.vlan", "=5", "", "net.vlan=4095", "net.vlan=x", "net.vlan =5",
		"net.nope=1", "log.level=loud", "net.mac=01:00:00:00:00:01", "net.mac=nope",
		"net.ipv4=1.2.3.4/40", "net.ipv6=ff02::1", "dataplane.port=", "dataplane.rss=2",
		"worker.idle_polls=0",
	};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.mac", "02:00:00:00:00:09");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[CONFIG_ERR_LEN] = "";
		struct snap s;
		take(&s, &c);
		if (config_set_assignment(&c, bad[i], err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(strlen(err) > 0);
		assert_unchanged(&s, &c, bad[i]);
		/* the error names the key, or quotes the whole assignment if there is none */
		const char *eq = strchr(bad[i], '=');
		if (eq != NULL && eq != bad[i]) {
			char key[64];
			snprintf(key, sizeof(key), "%.*s: ", (int)(eq - bad[i]), bad[i]);
			assert_prefix(err, key);
		} else {
			assert_non_null(strstr(err, bad[i]));
		}
	}
}

static void
test_config_set_assignment_long_key(void **state)
{
	struct rtc_config c;
	char kv[400], err[CONFIG_ERR_LEN] = "";
	struct snap s;

	(void)state;
	config_defaults(&c);
	memset(kv, 'k', 300);
	strcpy(kv + 300, "=1");
	take(&s, &c);
	assert_int_equal(config_set_assignment(&c, kv, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key too long"));
	assert_unchanged(&s, &c, "long key");
}

/* ---- INI files ---- */

static void
test_config_file_loads_sections_comments_and_whitespace(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_tmp("; a comment\n"
				  "# another\n"
				  "\n"
				  "[net]\n"
				  "vlan = 7 ; inline comment\n"
				  "media_port=3478  \n"
				  "[log]\n"
				  "level = debug\n"
				  "[dataplane]\n"
				  "mtu: 9000\n");

	(void)state;
	config_defaults(&c);
	if (config_load_file(&c, p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.vlan, 7);
	assert_int_equal(c.media_port, 3478);
	assert_int_equal(c.log_level, 8);
	assert_int_equal(c.mtu, 9000);
}

static void
test_config_file_later_value_wins(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_tmp("[net]\nvlan = 7\nvlan = 9\n");

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, p, err, sizeof(err)), 0);
	assert_int_equal(c.vlan, 9);
}

/* Load @text and expect an error starting "path:@line: @what". */
static void
expect_file_error(const char *text, int line, const char *what)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	char prefix[400];
	struct snap s;
	const char *p = write_tmp(text);

	config_defaults(&c);
	take(&s, &c);
	if (config_load_file(&c, p, err, sizeof(err)) != -1)
		fail_msg("accepted:\n%s", text);
	snprintf(prefix, sizeof(prefix), "%s:%d: %s", p, line, what);
	assert_prefix(err, prefix);
	assert_unchanged(&s, &c, text);
}

static void
test_config_file_bad_value_reports_file_line_and_key(void **state)
{
	(void)state;
	expect_file_error("[net]\nvlan = 7\nvlan = 4095\n", 3, "net.vlan: ");
	expect_file_error("[dataplane]\nmtu = 1500\n\n\nrss = perhaps\n", 5, "dataplane.rss: ");
	expect_file_error("[net]\nipv4 = 10.0.0.1/99\n", 2, "net.ipv4: ");
	expect_file_error("[net]\nmac = 01:00:00:00:00:01\n", 2, "net.mac: ");
	expect_file_error("[log]\nlevel = chatty\n", 2, "log.level: ");
	expect_file_error("[dataplane]\nport =\n", 2, "dataplane.port: ");
}

static void
test_config_file_unknown_key_and_section(void **state)
{
	(void)state;
	expect_file_error("[net]\nvlan = 1\n\nbogus = 1\n", 4, "net.bogus: unknown key");
	expect_file_error("[nett]\nvlan = 1\n", 2, "nett.vlan: unknown key");
	expect_file_error("vlan = 1\n", 1, "vlan: unknown key");
}

static void
test_config_file_syntax_error_reports_line(void **state)
{
	(void)state;
	expect_file_error("[net]\nvlan = 1\nthis is not an assignment\n", 3, "");
	expect_file_error("[net\nvlan = 1\n", 1, "");
}

static void
test_config_file_indented_line_continues_value(void **state)
{
	(void)state;
	/* inih multi-line values: an indented line is more value for the key above */
	expect_file_error("[net]\nvlan = 7\n  media_port = 3478\n", 3,
			"net.vlan: 'media_port = 3478'");
}

/* A comma list of @n phrases "phrase number i" (what ai.phrases takes). */
static void
phrase_list(char *buf, size_t len, unsigned n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, len - o, "%sphrase number %u", i ? "," : "", i);
}

static void
test_config_file_long_line_is_named(void **state)
{
	char text[1200], list[800];

	(void)state;
	/* longer than the INI reader's buffer: that line is the error, never half of it */
	phrase_list(list, sizeof(list), 30);
	snprintf(text, sizeof(text), "[net]\nvlan = 3\n[ai]\nphrases = %s\n[log]\nlevel = info\n", list);
	expect_file_error(text, 4, "line longer than");
	/* the last line, without a newline */
	snprintf(text, sizeof(text), "[ai]\nphrases = %s", list);
	expect_file_error(text, 2, "line longer than");
}

static void
test_config_file_list_continues_on_indented_lines(void **state)
{
	struct rtc_config c, want;
	char err[CONFIG_ERR_LEN] = "", list[800], text[1200];
	const char *p;

	(void)state;
	phrase_list(list, sizeof(list), 30);
	/* the 30 phrases over 3 lines: with and without a comma at the line ends,
	 * a comment line between (skipped), a later key as usual */
	snprintf(text, sizeof(text),
			"[ai]\nphrases = %.*s\n    %.*s,\n; a comment\n\t%s\n[net]\nvlan = 5\n",
			(int)(strchr(list + 150, ',') - list), list,
			(int)(strchr(list + 320, ',') - strchr(list + 150, ',') - 1),
			strchr(list + 150, ',') + 1, strchr(list + 320, ',') + 1);
	p = write_tmp(text);
	config_defaults(&c);
	if (config_load_file(&c, p, err, sizeof(err)) != 0)
		fail_msg("%s\n%s", err, text);
	assert_string_equal(c.ai_phrases, list);
	assert_int_equal(c.vlan, 5);
	/* a new assignment of the key starts the list again */
	p = write_tmp("[ai]\nphrases = a,b\n  c\nphrases = d\n  e\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, p, err, sizeof(err)), 0);
	assert_string_equal(c.ai_phrases, "d,e");
	p = write_tmp("[net]\nipv4 = 10.0.0.1/24,\n  10.0.1.1/24\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, p, err, sizeof(err)), 0);
	config_defaults(&want);
	assert_int_equal(config_set(&want, "net.ipv4", "10.0.0.1/24,10.0.1.1/24", err, sizeof(err)), 0);
	assert_config_same(&c, &want);
	/* a list that outgrows its value: the line where it does, the key and the problem */
	{
		char big[4000];
		size_t o = (size_t)snprintf(big, sizeof(big), "[ai]\nphrases = "), total = 0;
		int line = 2, bad = 0;
		for (unsigned i = 0; i < 140; i++) {
			if (i != 0 && i % 10 == 0) {
				o += (size_t)snprintf(big + o, sizeof(big) - o, "\n  ");
				line++;
			}
			total += (i ? 1 : 0) + (size_t)snprintf(NULL, 0, "phrase number %u", i);
			if (total >= sizeof(c.ai_phrases) && bad == 0)
				bad = line;
			o += (size_t)snprintf(big + o, sizeof(big) - o, "%sphrase number %u",
					i % 10 ? "," : "", i);
		}
		assert_true(bad > 2);
		expect_file_error(big, bad, "ai.phrases: ");
	}
}

static void
test_config_long_list_dumps_and_loads_back(void **state)
{
	struct rtc_config c, back;
	char err[CONFIG_ERR_LEN] = "", list[2000];
	char *d1, *d2, *line;

	(void)state;
	phrase_list(list, sizeof(list), 100);
	config_defaults(&c);
	assert_int_equal(config_set(&c, "ai.phrases", list, err, sizeof(err)), 0);
	d1 = dump_str(&c);
	for (line = d1; *line != '\0'; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0))
		if (strcspn(line, "\n") > 100)
			fail_msg("a dumped line of %zu characters: %.60s...", strcspn(line, "\n"), line);
	config_defaults(&back);
	if (config_load_file(&back, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("the dump does not load: %s\n%s", err, d1);
	assert_string_equal(back.ai_phrases, list);
	d2 = dump_str(&back);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
}

static void
test_config_file_sectionless_full_keys(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_tmp("net.vlan = 12\nlog.level = error\n");

	(void)state;
	config_defaults(&c);
	if (config_load_file(&c, p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.vlan, 12);
	assert_int_equal(c.log_level, 4);
}

static void
test_config_file_first_error_is_reported(void **state)
{
	(void)state;
	/*
	 * A syntax error on line 2 and a bad value on line 4: the error is the
	 * first one, with its own line and its own problem — not line 2 with
	 * line 4's complaint.
	 */
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_tmp("[net]\ngarbage line\nvlan = 1\nvlan = 99999\n");
	char prefix[300];

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, p, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:2: ", p);
	assert_prefix(err, prefix);
	if (strstr(err, "99999") != NULL)
		fail_msg("line 2's error describes line 4: '%s'", err);
}

static void
test_config_file_failed_load_changes_nothing(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	struct snap s;
	/* good keys first, then a bad one: none of the good ones may stick */
	const char *p = write_tmp("[dataplane]\nmtu = 9000\nport = net_tap0\n[net]\n"
				  "ipv4 = 10.0.0.1/8\nmac = 02:00:00:00:00:05\nvlan = 5000\n");

	(void)state;
	config_defaults(&c);
	take(&s, &c);
	assert_int_equal(config_load_file(&c, p, err, sizeof(err)), -1);
	assert_unchanged(&s, &c, "load");
}

static void
test_config_file_missing(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";
	struct snap s;

	(void)state;
	config_defaults(&c);
	take(&s, &c);
	assert_int_equal(config_load_file(&c, "/nonexistent/rtcedge.ini", err, sizeof(err)), -1);
	assert_prefix(err, "/nonexistent/rtcedge.ini: cannot open");
	assert_unchanged(&s, &c, "load of a missing file");
}

static void
test_config_mac_signs_and_blanks_refused(void **state)
{
	static const char *const bad[] = {"+2:+2:+3:+4:+5:+6", " 2: 3: 4: 5: 6: 7",
			"-2:00:00:00:00:00", "02:aa:bb:cc:dd:+e", "02:aa:bb:cc:dd: e"};
	struct rtc_config c;

	(void)state;
	config_defaults(&c);
	/* "xx:xx:xx:xx:xx:xx" is hex digits and colons only ("-2" would be 0xfe) */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set_fails(&c, "net.mac", bad[i]);
}

static void
test_config_set_string_dump_loads_back(void **state)
{
	/* values INI cannot carry as they are: refuse them, or dump them so they load back */
	static const char *const tricky[] = {" lead", "trail ", ";semi", "a ;b", "a\nb",
			"tab\t"};
	(void)state;
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		struct rtc_config c, back;
		char err[CONFIG_ERR_LEN] = "";
		config_defaults(&c);
		if (config_set(&c, "dataplane.port", tricky[i], err, sizeof(err)) != 0)
			continue;
		char *d1 = dump_str(&c);
		config_defaults(&back);
		if (config_load_file(&back, write_tmp(d1), err, sizeof(err)) != 0)
			fail_msg("port '%s' was accepted, but its dump does not load: %s",
					tricky[i], err);
		char *d2 = dump_str(&back);
		if (strcmp(d1, d2) != 0)
			fail_msg("port '%s' was accepted, but loads back as '%s'", tricky[i],
					back.port);
		free(d1);
		free(d2);
	}
}

static void
test_config_file_value_starting_with_semicolon_dump_loads_back(void **state)
{
	struct rtc_config c, back;
	char err[CONFIG_ERR_LEN] = "";
	char *d1, *d2;

	(void)state;
	/* "port =;x" loads ';x' (inih: no blank before ';', not a comment) */
	config_defaults(&c);
	if (config_load_file(&c, write_tmp("[dataplane]\nport =;x\n"), err, sizeof(err)) != 0)
		return; /* refusing it is fine too */
	d1 = dump_str(&c);
	config_defaults(&back);
	if (config_load_file(&back, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("port '%s' loaded from a file, but its dump does not load: %s", c.port,
				err);
	d2 = dump_str(&back);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
}

/* ---- secrets: redis.password ---- */

static void
test_config_secret_values(void **state)
{
	struct rtc_config c;
	char v[300];

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "redis.password", "s3cr3t-pw!");
	assert_string_equal(c.redis_password, "s3cr3t-pw!");
	expect_set_ok(&c, "redis.password", ""); /* empty: no AUTH */
	assert_string_equal(c.redis_password, "");
	memset(v, 'x', sizeof(v));
	v[sizeof(c.redis_password) - 1] = '\0'; /* 255: the most that fits */
	expect_set_ok(&c, "redis.password", v);
	assert_string_equal(c.redis_password, v);
	v[sizeof(c.redis_password) - 1] = 'x';
	v[sizeof(c.redis_password)] = '\0';
	expect_set_fails(&c, "redis.password", v);
	/* the same INI-safety rules as any string */
	expect_set_fails(&c, "redis.password", "a;b");
	expect_set_fails(&c, "redis.password", "a#b");
	expect_set_fails(&c, "redis.password", " pw");
	expect_set_fails(&c, "redis.password", "pw\n");
}

static void
test_config_secret_never_dumped(void **state)
{
	static const char secret[] = "hunter2-very-secret";
	struct rtc_config c, back;
	char err[CONFIG_ERR_LEN] = "";
	char *d1, *d2;

	(void)state;
	config_all_changed(&c);
	expect_set_ok(&c, "redis.password", secret);
	d1 = dump_str(&c);
	if (strstr(d1, secret) != NULL || strstr(d1, "hunter2") != NULL)
		fail_msg("the dump shows the password:\n%s", d1);
	assert_non_null(strstr(d1, "\n; password = <set, not shown>\n"));
	/* loading the dump keeps the loader's own secret and takes everything else */
	config_defaults(&back);
	expect_set_ok(&back, "redis.password", "other");
	if (config_load_file(&back, write_tmp(d1), err, sizeof(err)) != 0)
		fail_msg("the dump does not load: %s\n%s", err, d1);
	assert_string_equal(back.redis_password, "other");
	expect_set_ok(&back, "redis.password", secret);
	assert_config_same(&back, &c);
	d2 = dump_str(&back);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);

	/* unset: an empty value, which loads back empty */
	config_defaults(&c);
	d1 = dump_str(&c);
	assert_non_null(strstr(d1, "\npassword =\n"));
	config_defaults(&back);
	expect_set_ok(&back, "redis.password", "other");
	assert_int_equal(config_load_file(&back, write_tmp(d1), err, sizeof(err)), 0);
	assert_string_equal(back.redis_password, "");
	free(d1);
}

/* ---- checks across keys ---- */

static void
test_config_validate_cross_key_checks(void **state)
{
	struct rtc_config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	config_defaults(&c);
	expect_set_ok(&c, "net.ipv4", "");
	expect_set_ok(&c, "net.ipv6", "");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "net.ipv4"));
	assert_non_null(strstr(err, "net.ipv6"));

	expect_set_ok(&c, "net.ipv6", "fd00::1");
	assert_int_equal(config_validate(&c, err, sizeof(err)), 0); /* IPv6 only is fine */

	expect_set_ok(&c, "net.ipv4", "10.0.0.1/8,10.0.0.1/16");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_prefix(err, "net.ipv4: ");
	expect_set_ok(&c, "net.ipv4", "10.0.0.1");

	expect_set_ok(&c, "net.ipv6", "fd00::1,fd00:0::1/48");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_prefix(err, "net.ipv6: ");

	/* 8 IPv6 addresses leave no room for the link-local one */
	expect_set_ok(&c, "net.ipv6", "fd00::1,fd00::2,fd00::3,fd00::4,fd00::5,fd00::6,fd00::7,"
				      "fd00::8");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_prefix(err, "net.ipv6: ");
	expect_set_ok(&c, "net.ipv6_link_local", "false");
	assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
}

#define T(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config_defaults_are_valid),
		T(test_config_defaults_dump_load_round_trip),
		T(test_config_changed_dump_load_round_trip),
		T(test_config_file_long_line_is_named),
		T(test_config_file_list_continues_on_indented_lines),
		T(test_config_long_list_dumps_and_loads_back),
		T(test_config_empty_address_lists_round_trip),
		T(test_config_help_lists_every_key),
		T(test_config_u32_ranges),
		T(test_config_u32_out_of_range_message),
		T(test_config_u32_garbage),
		T(test_config_bool_values),
		T(test_config_string_length),
		T(test_config_mac_values),
		T(test_config_mac_multicast_refused_and_unchanged),
		T(test_config_ipv4_list_values),
		T(test_config_ipv6_list_values),
		T(test_config_log_levels),
		T(test_config_choice_values),
		T(test_config_unknown_key_named),
		T(test_config_set_assignment),
		T(test_config_set_assignment_errors_change_nothing),
		T(test_config_set_assignment_long_key),
		T(test_config_file_loads_sections_comments_and_whitespace),
		T(test_config_file_later_value_wins),
		T(test_config_file_bad_value_reports_file_line_and_key),
		T(test_config_file_unknown_key_and_section),
		T(test_config_file_syntax_error_reports_line),
		T(test_config_file_indented_line_continues_value),
		T(test_config_file_sectionless_full_keys),
		T(test_config_file_failed_load_changes_nothing),
		T(test_config_file_missing),
		T(test_config_validate_cross_key_checks),
		T(test_config_file_first_error_is_reported),
		T(test_config_mac_signs_and_blanks_refused),
		T(test_config_set_string_dump_loads_back),
		T(test_config_file_value_starting_with_semicolon_dump_loads_back),
		T(test_config_secret_values),
		T(test_config_secret_never_dumped),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, remove_tmp);
}
