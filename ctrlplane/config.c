/* Configuration keys, parsing, validation and dump (see config.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <ini.h>

#include "auth.h"
#include "config.h"

enum config_type {
	CT_U32,
	CT_BOOL,
	CT_STR,
	CT_MAC,
	CT_IP4LIST,
	CT_IP6LIST,
	CT_LOGLEVEL,
	CT_CHOICE
};

struct config_key {
	const char *name;
	enum config_type type;
	size_t off;
	uint32_t min, max; /* CT_U32; CT_STR: max is the buffer size */
	const char *def;
	const char *help;
	const char *const *choices; /* CT_CHOICE: NULL-terminated; the field is the index */
	unsigned flags;             /* CF_* */
};

#define CF_EMPTY 1u  /* CT_STR: "" is a value ("off", "none") */
#define CF_SECRET 2u /* never shown by config_dump() (--check-config) nor GET /v1/config */
#define CF_LIST 4u   /* comma-separated: in a file, indented lines continue the list */

#define OFF(f) offsetof(struct rtc_config, f)

/* Same order as enum kernels_pref (kernels/kernels.h). */
static const char *const kernels_backends[] = {"auto", "cpu", "cuda", NULL};
/* Same order as enum config_whep_nopub. */
static const char *const whep_nopub[] = {"wait", "404", "409", NULL};
/* Same order as enum config_ai_stt. */
static const char *const ai_stt_modes[] = {"off", "grammar", "lm", "both", NULL};
/* Same order as enum config_voice. */
static const char *const voice_modes[] = {"off", "echo", "agent", NULL};
/* Same order as enum config_viewer_placement. */
static const char *const viewer_placements[] = {"near", "spread", NULL};

#define STR(f) OFF(f), 0, sizeof(((struct rtc_config *)0)->f)

static const struct config_key config_keys[] = {
	{"dataplane.port", CT_STR, OFF(port), 0, sizeof(((struct rtc_config *)0)->port), "auto",
			"DPDK port: 'auto' (the first), a port number, or a device name"},
	{"dataplane.mtu", CT_U32, OFF(mtu), 576, 9600, "1500", "IP MTU of the port"},
	{"dataplane.rx_desc", CT_U32, OFF(rx_desc), 64, 16384, "1024",
			"RX descriptors per queue"},
	{"dataplane.tx_desc", CT_U32, OFF(tx_desc), 64, 16384, "1024",
			"TX descriptors per queue"},
	{"dataplane.mbufs", CT_U32, OFF(mbufs), 1023, 4194303, "16383",
			"mbufs per NUMA socket with workers"},
	{"dataplane.rss", CT_BOOL, OFF(rss), 0, 0, "true",
			"spread RX over one queue per worker where the port has RSS"},
	{"net.mac", CT_MAC, 0, 0, 0, "auto", "our MAC: 'auto' (the port's) or xx:xx:xx:xx:xx:xx"},
	{"net.vlan", CT_U32, OFF(vlan), 0, 4094, "0", "802.1Q VLAN id, 0 = untagged"},
	{"net.ipv4", CT_IP4LIST, 0, 0, 0, "198.18.0.2/24",
			"our IPv4 addresses, comma-separated a.b.c.d/len (may be empty)", NULL,
			CF_LIST},
	{"net.ipv6", CT_IP6LIST, 0, 0, 0, "fd00:198:18::2/64",
			"our IPv6 addresses, comma-separated addr/len (may be empty)", NULL, CF_LIST},
	{"net.ipv6_link_local", CT_BOOL, OFF(ipv6_link_local), 0, 0, "true",
			"also answer on the fe80::/64 EUI-64 address of our MAC"},
	{"net.media_port", CT_U32, OFF(media_port), 1, 65535, "20000",
			"the one UDP port for STUN/DTLS/SRTP on every address"},
	{"worker.idle_polls", CT_U32, OFF(idle_polls), 1, 10000000, "300",
			"empty polls before a worker starts to sleep"},
	{"worker.idle_sleep_max_us", CT_U32, OFF(idle_sleep_max_us), 0, 100000, "200",
			"longest idle sleep of a worker in microseconds; 0 = always busy-poll"},
	{"cluster.node_id", CT_U32, OFF(node_id), 0, 4095, "0",
			"this node's id in the cluster; written into every ICE ufrag it hands out"},
	{"cluster.secret", CT_STR, STR(cluster_secret), "",
			"secret shared by the cluster's nodes that signs ICE ufrags (>= 16 bytes); "
			"empty = a random one per start (a single node)",
			NULL, CF_EMPTY | CF_SECRET},
	{"http.listen", CT_STR, STR(http_listen), "0.0.0.0:8080",
			"WHIP/WHEP listener: addr:port, [v6addr]:port, or 'off'"},
	{"http.max_body", CT_U32, OFF(http_max_body), 1024, 65536, "32768",
			"largest request body (SDP offer, PATCH fragment) in bytes; more is 413"},
	{"http.max_connections", CT_U32, OFF(http_max_conn), 4, 65536, "1024",
			"concurrent HTTP connections per listener"},
	{"http.cors_origins", CT_STR, STR(cors_origins), "*",
			"origins allowed to call WHIP/WHEP from a browser: '*', a comma-separated list "
			"of https://host[:port], or empty for no CORS",
			NULL, CF_EMPTY | CF_LIST},
	{"http.ice_servers", CT_STR, STR(ice_servers), "",
			"STUN/TURN servers sent as Link rel=ice-server: comma-separated "
			"stun:host:port or turn:host:port?transport=udp|user|credential",
			NULL, CF_EMPTY | CF_SECRET | CF_LIST},
	{"http.rate_limit", CT_U32, OFF(rate_limit), 0, 1000000, "20",
			"requests per second per client address on the WHIP/WHEP listener; 0 = off"},
	{"http.rate_burst", CT_U32, OFF(rate_burst), 1, 1000000, "40",
			"requests a client may send at once before http.rate_limit applies"},
	{"rest.listen", CT_STR, STR(rest_listen), "127.0.0.1:9090",
			"REST control port and /metrics: addr:port, [v6addr]:port, or 'off'"},
	{"rest.token", CT_STR, STR(rest_token), "",
			"admin Bearer token for the REST port (/metrics and /v1/health excepted); "
			"empty = no token (keep the listener on loopback)",
			NULL, CF_EMPTY | CF_SECRET},
	{"auth.tokens", CT_STR, STR(auth_tokens), "",
			"static WHIP/WHEP Bearer tokens: comma-separated role:stream-pattern:token, "
			"role publish|play|any, pattern exact or ending in '*'",
			NULL, CF_EMPTY | CF_SECRET | CF_LIST},
	{"auth.jwt_secret", CT_STR, STR(jwt_secret), "",
			"HS256 key of signed tokens (JWT with claims stream, role, exp) minted by an "
			"auth service; >= 32 bytes; empty = off",
			NULL, CF_EMPTY | CF_SECRET},
	{"session.max", CT_U32, OFF(session_max), 1, 1000000, "1024",
			"sessions on this node; more is 503"},
	{"session.max_per_stream", CT_U32, OFF(session_max_per_stream), 1, 1000000, "256",
			"sessions (publisher and viewers) of one stream; more is 503"},
	{"session.max_per_token", CT_U32, OFF(session_max_per_token), 0, 1000000, "0",
			"live sessions opened with one static token; 0 = no limit"},
	{"session.setup_timeout_s", CT_U32, OFF(setup_timeout_s), 1, 3600, "30",
			"a session whose ICE has not connected after this long is closed"},
	{"session.idle_timeout_s", CT_U32, OFF(idle_timeout_s), 0, 86400, "60",
			"a connected session that received nothing for this long is closed; 0 = off"},
	{"session.replace_publisher", CT_BOOL, OFF(replace_publisher), 0, 0, "false",
			"a WHIP POST for a live stream replaces its publisher (else 409)"},
	{"session.viewer_placement", CT_CHOICE, OFF(viewer_placement), 0, 0, "near",
			"WHEP viewers: near (on their publisher's worker unless it is full or much "
			"busier: one copy per packet) or spread (the least loaded worker; the "
			"publisher's worker relays to the others)",
			viewer_placements},
	{"session.whep_no_publisher", CT_CHOICE, OFF(whep_no_publisher), 0, 0, "wait",
			"WHEP on a stream without publisher: wait (accept, media when it comes), "
			"404, or 409 with Retry-After",
			whep_nopub},
	{"session.retry_after_s", CT_U32, OFF(retry_after_s), 1, 3600, "5",
			"Retry-After of 503 (draining, full) and 409 answers"},
	{"session.max_bitrate_kbps", CT_U32, OFF(max_bitrate_kbps), 30, 100000, "2500",
			"the most a publisher may send, told by REMB (the lowest of its viewers' REMB "
			"when lower)"},
	{"session.voice", CT_CHOICE, OFF(voice), 0, 0, "off",
			"voice sessions: off (WHIP only receives), echo (a sendrecv WHIP offer is "
			"answered sendrecv and hears its own audio back), agent (answered sendrecv; "
			"the say and play commands speak into it)",
			voice_modes},
	{"ai.enabled", CT_BOOL, OFF(ai_enabled), 0, 0, "false",
			"tap publishers' audio into the media pipeline: VAD, speech-to-text, speech and "
			"transcript events"},
	{"ai.stt", CT_CHOICE, OFF(ai_stt), 0, 0, "grammar",
			"speech-to-text: off (speech events only), grammar (ai.phrases), lm (general "
			"English), both (grammar by default; a session's 'set model lm' switches it)",
			ai_stt_modes},
	{"ai.phrases", CT_STR, STR(ai_phrases),
			"hello,stop,yes,no,what time is it,turn on the light,turn off the light,play music",
			"the phrases ai.stt = grammar recognises, comma-separated", NULL, CF_LIST},
	{"ai.threads", CT_U32, OFF(ai_threads), 1, 16, "1", "speech-to-text threads"},
	{"ai.media_dir", CT_STR, STR(ai_media_dir), "",
			"the directory the play command's files are read from (WAV, 16-bit PCM, "
			"8-48 kHz); empty = play is refused",
			NULL, CF_EMPTY},
	{"export.target", CT_STR, STR(export_target), "",
			"transceiver export: IPv4:port of a backend on the port's link that gets each "
			"exported session's audio as plain RTP and may send plain RTP back as its "
			"outgoing audio; empty = off",
			NULL, CF_EMPTY},
	{"export.port_base", CT_U32, OFF(export_port_base), 1024, 65535, "40000",
			"session i's plain RTP port is export.port_base + i (session.max ports)"},
	{"export.streams", CT_STR, STR(export_streams), "*",
			"the streams whose WHIP sessions are exported: a name, prefix* or *"},
	{"kernels.backend", CT_CHOICE, OFF(kernels_backend), 0, 0, "auto",
			"AI-path compute: auto (CUDA if a device passes its self-test, else C), cpu, cuda",
			kernels_backends},
	{"redis.enabled", CT_BOOL, OFF(redis_enabled), 0, 0, "false",
			"publish events to Redis and take commands from it"},
	{"redis.host", CT_STR, OFF(redis_host), 0, sizeof(((struct rtc_config *)0)->redis_host),
			"127.0.0.1",
			"Redis server: an IP address, or a name resolved once at start"},
	{"redis.port", CT_U32, OFF(redis_port), 1, 65535, "6379", "Redis TCP port"},
	{"redis.password", CT_STR, STR(redis_password), "",
			"AUTH password, empty = no AUTH; a secret, never printed by --check-config",
			NULL, CF_EMPTY | CF_SECRET},
	{"redis.db", CT_U32, OFF(redis_db), 0, 1023, "0", "database number for SELECT"},
	{"redis.prefix", CT_STR, OFF(redis_prefix), 0,
			sizeof(((struct rtc_config *)0)->redis_prefix), "rtcedge",
			"key prefix: streams <prefix>:events and <prefix>:commands, channels "
			"<prefix>:events:<type>"},
	{"redis.stream_maxlen", CT_U32, OFF(redis_stream_maxlen), 1, 1000000000, "100000",
			"cap of the events stream (XADD MAXLEN ~ N)"},
	{"redis.buffer_events", CT_U32, OFF(redis_buffer_events), 2, 1000000, "10000",
			"events kept while Redis is away or slow; beyond it the oldest are dropped"},
	{"redis.reconnect_max_ms", CT_U32, OFF(redis_reconnect_max_ms), 10, 600000, "5000",
			"longest wait between reconnection attempts (backoff doubles from 10 ms)"},
	{"redis.timeout_ms", CT_U32, OFF(redis_timeout_ms), 10, 600000, "5000",
			"a connect or a reply that takes longer drops the connection (then reconnect)"},
	{"redis.command_poll_ms", CT_U32, OFF(redis_command_poll_ms), 1, 60000, "50",
			"how often to read the commands stream (XREADGROUP without BLOCK)"},
	{"log.level", CT_LOGLEVEL, OFF(log_level), 0, 0, "info",
			"emerg, alert, crit, error, warning, notice, info or debug"},
	{"log.stats_interval_ms", CT_U32, OFF(stats_interval_ms), 0, 3600000, "0",
			"print per-worker counters every N ms on stdout; 0 = off"},
};

#define N_KEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static const char *const log_levels[] = {"", "emerg", "alert", "crit", "error", "warning",
		"notice", "info", "debug"};

static const struct config_key *
config_find(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

static int
parse_u32(const char *v, uint32_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > UINT32_MAX)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
			!strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
			!strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly xx:xx:xx:xx:xx:xx, hex digits and colons only. */
static int
parse_mac(const char *v, uint8_t mac[6])
{
	if (strlen(v) != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(v[3 * i]), lo = hexval(v[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && v[3 * i + 2] != ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* One "addr[/len]" item of @family; the prefix defaults to 24 (v4) or 64 (v6). */
static int
parse_prefix(const char *item, int family, void *addr, uint8_t *plen, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	uint32_t len = family == AF_INET ? 24 : 64;
	uint32_t maxlen = family == AF_INET ? 32 : 128;

	if (strlen(item) >= sizeof(buf)) {
		snprintf(err, errlen, "'%s' is too long for an address", item);
		return -1;
	}
	strcpy(buf, item);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_u32(slash + 1, &len) != 0 || len > maxlen || len == 0) {
			snprintf(err, errlen, "'%s': prefix length must be 1..%u", item, maxlen);
			return -1;
		}
	}
	if (inet_pton(family, buf, addr) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv%d address", item, family == AF_INET ? 4 : 6);
		return -1;
	}
	*plen = (uint8_t)len;
	return 0;
}

static int
parse_addr_list(struct rtc_config *c, int family, const char *v, char *err, size_t errlen)
{
	char buf[1024];
	char *save = NULL, *tok;
	unsigned n = 0;
	struct config_ip4 ip4[CONFIG_MAX_ADDRS];
	struct config_ip6 ip6[CONFIG_MAX_ADDRS];

	if (strlen(v) >= sizeof(buf)) {
		snprintf(err, errlen, "list too long");
		return -1;
	}
	strcpy(buf, v);
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (n == CONFIG_MAX_ADDRS) {
			snprintf(err, errlen, "more than %d addresses", CONFIG_MAX_ADDRS);
			return -1;
		}
		if (family == AF_INET) {
			if (parse_prefix(tok, family, &ip4[n].addr, &ip4[n].plen, err, errlen) != 0)
				return -1;
			uint32_t a = ntohl(ip4[n].addr);
			if (a == 0 || (a >> 28) >= 0xe || (a >> 24) == 127) {
				snprintf(err, errlen, "'%s' is not a unicast address", tok);
				return -1;
			}
		} else {
			if (parse_prefix(tok, family, ip6[n].addr, &ip6[n].plen, err, errlen) != 0)
				return -1;
			static const uint8_t zero[16];
			if (ip6[n].addr[0] == 0xff || memcmp(ip6[n].addr, zero, 15) == 0) {
				snprintf(err, errlen, "'%s' is not a unicast address", tok);
				return -1;
			}
		}
		n++;
	}
	/* only now, so a bad list leaves the old one untouched */
	if (family == AF_INET) {
		memcpy(c->ipv4, ip4, n * sizeof(ip4[0]));
		c->n_ipv4 = n;
	} else {
		memcpy(c->ipv6, ip6, n * sizeof(ip6[0]));
		c->n_ipv6 = n;
	}
	return 0;
}

static int
config_set_key(struct rtc_config *c, const struct config_key *k, const char *v, char *err,
		size_t errlen)
{
	char *base = (char *)c;
	uint32_t u;
	int b;

	switch (k->type) {
	case CT_U32:
		if (parse_u32(v, &u) != 0) {
			snprintf(err, errlen, "'%s' is not a non-negative integer", v);
			return -1;
		}
		if (u < k->min || u > k->max) {
			snprintf(err, errlen, "%u is outside [%u, %u]", u, k->min, k->max);
			return -1;
		}
		*(uint32_t *)(base + k->off) = u;
		return 0;
	case CT_BOOL:
		if (parse_bool(v, &b) != 0) {
			snprintf(err, errlen, "'%s' is not a boolean (true/false)", v);
			return -1;
		}
		*(int *)(base + k->off) = b;
		return 0;
	case CT_STR:
		if (*v == '\0' && (k->flags & CF_EMPTY)) {
			*(base + k->off) = '\0';
			return 0;
		}
		if (*v == '\0' || strlen(v) >= k->max) {
			snprintf(err, errlen, "must be %u..%u characters", (k->flags & CF_EMPTY) ? 0 : 1,
					k->max - 1);
			return -1;
		}
		/* what an INI line can carry back unchanged: no blanks at the ends,
		 * no control characters, no comment characters */
		if (isspace((unsigned char)v[0]) || isspace((unsigned char)v[strlen(v) - 1]) ||
				strpbrk(v, ";#") != NULL) {
			snprintf(err, errlen, "'%s': no leading/trailing blanks, ';' or '#' allowed", v);
			return -1;
		}
		for (const char *q = v; *q; q++) {
			if (iscntrl((unsigned char)*q)) {
				snprintf(err, errlen, "control characters are not allowed");
				return -1;
			}
		}
		strcpy(base + k->off, v);
		return 0;
	case CT_MAC: {
		uint8_t mac[6];
		if (strcmp(v, "auto") == 0) {
			c->mac_set = 0;
			return 0;
		}
		if (parse_mac(v, mac) != 0) {
			snprintf(err, errlen, "'%s' is not 'auto' or a MAC xx:xx:xx:xx:xx:xx", v);
			return -1;
		}
		if (mac[0] & 1) {
			snprintf(err, errlen, "'%s' is a multicast MAC", v);
			return -1;
		}
		/* only now, so a refused MAC leaves the old one untouched */
		memcpy(c->mac, mac, 6);
		c->mac_set = 1;
		return 0;
	}
	case CT_IP4LIST:
		return parse_addr_list(c, AF_INET, v, err, errlen);
	case CT_IP6LIST:
		return parse_addr_list(c, AF_INET6, v, err, errlen);
	case CT_CHOICE:
		for (u = 0; k->choices[u] != NULL; u++) {
			if (strcmp(v, k->choices[u]) == 0) {
				*(uint32_t *)(base + k->off) = u;
				return 0;
			}
		}
		{
			size_t n = (size_t)snprintf(err, errlen, "'%s' is not one of", v);
			for (u = 0; k->choices[u] != NULL && n < errlen; u++)
				n += (size_t)snprintf(err + n, errlen - n, "%s %s", u ? "," : "",
						k->choices[u]);
		}
		return -1;
	case CT_LOGLEVEL:
		for (u = 1; u < sizeof(log_levels) / sizeof(log_levels[0]); u++) {
			if (strcasecmp(v, log_levels[u]) == 0) {
				*(uint32_t *)(base + k->off) = u;
				return 0;
			}
		}
		snprintf(err, errlen, "'%s' is not one of emerg, alert, crit, error, warning, "
				      "notice, info, debug", v);
		return -1;
	}
	return -1;
}

int
config_set(struct rtc_config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct config_key *k = config_find(key);
	char why[CONFIG_ERR_LEN];

	if (k == NULL) {
		snprintf(err, errlen, "%s: unknown key (see --help-config)", key);
		return -1;
	}
	if (config_set_key(c, k, value, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

void
config_defaults(struct rtc_config *c)
{
	char err[CONFIG_ERR_LEN];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < N_KEYS; i++)
		if (config_set_key(c, &config_keys[i], config_keys[i].def, err, sizeof(err)) != 0)
			abort(); /* a bad embedded default is a bug, caught by the unit tests */
}

int
config_set_assignment(struct rtc_config *c, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[128];
	size_t klen;

	if (eq == NULL || eq == kv) {
		snprintf(err, errlen, "'%s': expected section.key=value", kv);
		return -1;
	}
	klen = (size_t)(eq - kv);
	if (klen >= sizeof(key)) {
		snprintf(err, errlen, "'%.*s...': key too long", 32, kv);
		return -1;
	}
	memcpy(key, kv, klen);
	key[klen] = '\0';
	return config_set(c, key, eq + 1, err, errlen);
}

struct config_load_ctx {
	struct rtc_config *c;
	FILE *file;
	int line;      /* lines read so far: the line the handler is called for */
	int fail_line; /* line of the first bad key or value, 0 = none */
	int cont_line; /* the last line read was indented: inih continues the key above */
	int long_line; /* the first line longer than the reader's buffer, 0 = none */
	int max_line;  /* that buffer (inih's INI_MAX_LINE), newline included */
	char key[160]; /* the key of the last assignment, and its value so far (CF_LIST) */
	char value[8192];
	char *err;
	size_t errlen;
};

/*
 * inih's line reader: counts lines so that errors carry their own line, marks
 * indented lines (a value continued), and turns a line longer than inih's
 * buffer into a syntax error of its own line (the rest of it skipped), which
 * config_load_file() then names: never half a line taken for a whole one.
 */
static char *
config_ini_reader(char *str, int num, void *stream)
{
	struct config_load_ctx *lc = stream;
	char *r = fgets(str, num, lc->file);
	const char *t;
	int ch;

	if (r == NULL)
		return NULL;
	lc->line++;
	lc->max_line = num;
	if (strchr(r, '\n') == NULL && (ch = fgetc(lc->file)) != EOF && ch != '\n') {
		/* more of the line than the buffer holds (a line that just fits, or
		 * the last one without a newline, is whole) */
		while ((ch = fgetc(lc->file)) != EOF && ch != '\n')
			;
		if (lc->long_line == 0)
			lc->long_line = lc->line;
		snprintf(str, (size_t)num, "\x01\n"); /* not INI: inih reports this line */
		return str;
	}
	for (t = r; *t == ' ' || *t == '\t'; t++)
		;
	lc->cont_line = t != r && *t != '\0' && *t != '\n' && *t != '\r' && *t != ';' && *t != '#'
				? lc->line
				: 0;
	return r;
}

static int
config_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_load_ctx *lc = user;
	const struct config_key *k;
	char key[160];
	size_t n;

	if (lc->fail_line)
		return 1; /* keep only the first error */
	if (*section == '\0')
		snprintf(key, sizeof(key), "%s", name);
	else
		snprintf(key, sizeof(key), "%s.%s", section, name);
	k = config_find(key);
	if (k != NULL && (k->flags & CF_LIST) && lc->cont_line == lc->line &&
			strcmp(key, lc->key) == 0) {
		/* an indented line: more items of the list above (one comma between) */
		n = strlen(lc->value);
		if (n != 0 && lc->value[n - 1] != ',' && *value != ',' && *value != '\0')
			lc->value[n++] = ',';
		if (n + strlen(value) >= sizeof(lc->value)) {
			snprintf(lc->err, lc->errlen, "%s: the list is longer than %zu characters", key,
					sizeof(lc->value) - 1);
			lc->fail_line = lc->line;
			return 0;
		}
		memcpy(lc->value + n, value, strlen(value) + 1);
	} else {
		snprintf(lc->key, sizeof(lc->key), "%s", key);
		snprintf(lc->value, sizeof(lc->value), "%s", value);
	}
	if (config_set(lc->c, key, lc->value, lc->err, lc->errlen) != 0) {
		lc->fail_line = lc->line;
		return 0;
	}
	return 1;
}

int
config_load_file(struct rtc_config *c, const char *path, char *err, size_t errlen)
{
	struct rtc_config tmp = *c;
	char why[CONFIG_ERR_LEN] = "";
	struct config_load_ctx lc = {.c = &tmp, .err = why, .errlen = sizeof(why)};
	int rc;

	lc.file = fopen(path, "r");
	if (lc.file == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(config_ini_reader, &lc, config_ini_handler, &lc);
	fclose(lc.file);
	if (rc == -2) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (rc != 0) {
		/* inih reports the first bad line, of syntax or of a key we refused */
		if (lc.long_line != 0 && lc.long_line == rc)
			snprintf(err, errlen,
					"%s:%d: line longer than %d characters (the INI reader's limit); "
					"continue a list on indented lines",
					path, rc, lc.max_line - 1);
		else if (lc.fail_line != 0 && lc.fail_line == rc)
			snprintf(err, errlen, "%s:%d: %s", path, rc, why);
		else
			snprintf(err, errlen, "%s:%d: not 'key = value', '[section]' or a comment",
					path, rc);
		return -1;
	}
	*c = tmp;
	return 0;
}

int
config_export_target(const struct rtc_config *c, uint32_t *addr_be, uint16_t *port_be, char *err,
		size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned sl;
	char why[CONFIG_ERR_LEN];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;

	if (!auth_pattern_valid(c->export_streams)) {
		snprintf(err, errlen, "export.streams: '%s' is not a stream name, prefix* or *",
				c->export_streams);
		return -1;
	}
	if (c->export_target[0] == '\0')
		return 0;
	if (strcmp(c->export_target, "off") == 0 ||
			config_listen_parse(c->export_target, &ss, &sl, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "export.target: expected IPv4:port, not '%s'", c->export_target);
		return -1;
	}
	if (ss.ss_family != AF_INET || sin->sin_addr.s_addr == 0 || sin->sin_port == 0) {
		snprintf(err, errlen, "export.target: an IPv4 address (not 0.0.0.0) and a port "
				      "other than 0 are needed (IPv6 backends are not supported)");
		return -1;
	}
	if (c->n_ipv4 == 0) {
		snprintf(err, errlen, "export.target: needs an IPv4 address of ours (net.ipv4)");
		return -1;
	}
	if (c->export_port_base + c->session_max - 1 > 65535) {
		snprintf(err, errlen, "export.port_base: %u + session.max (%u) ports pass 65535",
				c->export_port_base, c->session_max);
		return -1;
	}
	if (c->media_port >= c->export_port_base &&
			c->media_port < c->export_port_base + c->session_max) {
		snprintf(err, errlen, "export.port_base: its %u ports hold net.media_port (%u)",
				c->session_max, c->media_port);
		return -1;
	}
	if (addr_be != NULL)
		*addr_be = sin->sin_addr.s_addr;
	if (port_be != NULL)
		*port_be = sin->sin_port;
	return 1;
}

int
config_validate(const struct rtc_config *c, char *err, size_t errlen)
{
	if (c->n_ipv4 == 0 && c->n_ipv6 == 0) {
		snprintf(err, errlen, "net.ipv4, net.ipv6: at least one address is needed");
		return -1;
	}
	for (unsigned i = 0; i < c->n_ipv4; i++)
		for (unsigned j = i + 1; j < c->n_ipv4; j++)
			if (c->ipv4[i].addr == c->ipv4[j].addr) {
				snprintf(err, errlen, "net.ipv4: an address is listed twice");
				return -1;
			}
	for (unsigned i = 0; i < c->n_ipv6; i++)
		for (unsigned j = i + 1; j < c->n_ipv6; j++)
			if (memcmp(c->ipv6[i].addr, c->ipv6[j].addr, 16) == 0) {
				snprintf(err, errlen, "net.ipv6: an address is listed twice");
				return -1;
			}
	{
		struct sockaddr_storage ss;
		unsigned sl;
		char why[CONFIG_ERR_LEN];
		if (config_listen_parse(c->http_listen, &ss, &sl, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "http.listen: %s", why);
			return -1;
		}
		if (config_listen_parse(c->rest_listen, &ss, &sl, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "rest.listen: %s", why);
			return -1;
		}
		if (strcmp(c->http_listen, c->rest_listen) == 0 && strcmp(c->http_listen, "off") != 0) {
			snprintf(err, errlen, "rest.listen: the same as http.listen");
			return -1;
		}
		if (c->cluster_secret[0] && strlen(c->cluster_secret) < 16) {
			snprintf(err, errlen, "cluster.secret: at least 16 bytes (or empty)");
			return -1;
		}
		if (c->jwt_secret[0] && strlen(c->jwt_secret) < 32) {
			snprintf(err, errlen, "auth.jwt_secret: at least 32 bytes (or empty)");
			return -1;
		}
		if (auth_rules_parse(c->auth_tokens, NULL, 0, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "auth.tokens: %s", why);
			return -1;
		}
		if (config_export_target(c, NULL, NULL, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if (c->session_max_per_stream > c->session_max) {
			snprintf(err, errlen, "session.max_per_stream: more than session.max (%u)",
					c->session_max);
			return -1;
		}
	}
	if (c->n_ipv6 + (c->ipv6_link_local ? 1 : 0) > CONFIG_MAX_ADDRS) {
		snprintf(err, errlen, "net.ipv6: at most %d addresses with the link-local one",
				CONFIG_MAX_ADDRS);
		return -1;
	}
	return 0;
}

static void
config_format(const struct rtc_config *c, const struct config_key *k, char *buf, size_t len)
{
	const char *base = (const char *)c;
	size_t n = 0;

	buf[0] = '\0';
	switch (k->type) {
	case CT_U32:
		snprintf(buf, len, "%u", *(const uint32_t *)(base + k->off));
		break;
	case CT_BOOL:
		snprintf(buf, len, "%s", *(const int *)(base + k->off) ? "true" : "false");
		break;
	case CT_STR:
		snprintf(buf, len, "%s", base + k->off);
		break;
	case CT_MAC:
		if (!c->mac_set)
			snprintf(buf, len, "auto");
		else
			snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1],
					c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
		break;
	case CT_IP4LIST:
		for (unsigned i = 0; i < c->n_ipv4 && n < len; i++) {
			char a[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &c->ipv4[i].addr, a, sizeof(a));
			n += (size_t)snprintf(buf + n, len - n, "%s%s/%u", i ? "," : "", a,
					c->ipv4[i].plen);
		}
		break;
	case CT_IP6LIST:
		for (unsigned i = 0; i < c->n_ipv6 && n < len; i++) {
			char a[INET6_ADDRSTRLEN];
			inet_ntop(AF_INET6, c->ipv6[i].addr, a, sizeof(a));
			n += (size_t)snprintf(buf + n, len - n, "%s%s/%u", i ? "," : "", a,
					c->ipv6[i].plen);
		}
		break;
	case CT_LOGLEVEL:
		snprintf(buf, len, "%s", log_levels[*(const uint32_t *)(base + k->off)]);
		break;
	case CT_CHOICE:
		snprintf(buf, len, "%s", k->choices[*(const uint32_t *)(base + k->off)]);
		break;
	}
}

/* @text as comment lines of at most ~100 columns (the INI reader takes 200 at most). */
static void
dump_comment(FILE *out, const char *text)
{
	while (*text != '\0') {
		size_t n = strlen(text), cut = n;
		if (n > 96) {
			cut = 96;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = 96; /* one long word: cut it */
		}
		fprintf(out, "; %.*s\n", (int)cut, text);
		text += cut;
		while (*text == ' ')
			text++;
	}
}

/*
 * name = a comma-separated list: a long one continued on indented lines, a few
 * items per line (what config_load_file() joins back), so that no line
 * outgrows the INI reader's.
 */
static void
dump_list(FILE *out, const char *name, const char *list)
{
	size_t col = (size_t)fprintf(out, "%s = ", name);
	const char *item = list;
	int first = 1; /* of its line */

	while (*item != '\0') {
		const char *comma = strchr(item, ',');
		size_t n = comma != NULL ? (size_t)(comma - item) : strlen(item);
		if (!first && col + n + 1 > 96) {
			fputs("\n    ", out); /* the comma stays at the end of the line above */
			col = 4;
		}
		col += (size_t)fprintf(out, "%.*s%s", (int)n, item, comma != NULL ? "," : "");
		first = 0;
		item += n + (comma != NULL);
	}
	fputc('\n', out);
}

void
config_dump(const struct rtc_config *c, FILE *out)
{
	char section[32] = "";
	char val[4096];

	for (size_t i = 0; i < N_KEYS; i++) {
		const char *dot = strchr(config_keys[i].name, '.');
		size_t slen = (size_t)(dot - config_keys[i].name);
		if (strncmp(section, config_keys[i].name, slen) != 0 || section[slen] != '\0') {
			snprintf(section, sizeof(section), "%.*s", (int)slen, config_keys[i].name);
			fprintf(out, "%s[%s]\n", i ? "\n" : "", section);
		}
		snprintf(val, sizeof(val), "%s (default: %s)", config_keys[i].help,
				config_keys[i].def[0] ? config_keys[i].def : "empty");
		dump_comment(out, val);
		if (config_keys[i].flags & CF_SECRET) {
			/* redacted: a comment, so loading the dump keeps the loader's value */
			if (((const char *)c + config_keys[i].off)[0] != '\0')
				fprintf(out, "; %s = <set, not shown>\n", dot + 1);
			else
				fprintf(out, "%s =\n", dot + 1);
			continue;
		}
		config_format(c, &config_keys[i], val, sizeof(val));
		if (config_keys[i].flags & CF_LIST)
			dump_list(out, dot + 1, val);
		else
			fprintf(out, "%s = %s\n", dot + 1, val);
	}
}

int
config_key_at(const struct rtc_config *c, size_t i, int reveal, const char **name, char *val,
		size_t vlen, int *secret)
{
	if (i >= N_KEYS)
		return -1;
	*name = config_keys[i].name;
	*secret = (config_keys[i].flags & CF_SECRET) != 0;
	config_format(c, &config_keys[i], val, vlen);
	if (*secret && !reveal && val[0] != '\0')
		snprintf(val, vlen, "<redacted>");
	return 0;
}

int
config_listen_parse(const char *s, struct sockaddr_storage *ss, unsigned *sslen, char *err,
		size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	uint32_t port;
	size_t hlen;
	int v6 = 0;

	if (strcmp(s, "off") == 0)
		return 1;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errlen, "'%s': expected [v6addr]:port", s);
			return -1;
		}
		hlen = (size_t)(rb - s - 1);
		colon = rb + 1;
		s++;
		v6 = 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL) {
			snprintf(err, errlen, "'%s': expected addr:port, [v6addr]:port or off", s);
			return -1;
		}
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "'%.*s': not an address", (int)hlen, s);
		return -1;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (parse_u32(colon + 1, &port) != 0 || port == 0 || port > 65535) {
		snprintf(err, errlen, "'%s': port must be 1..65535", colon + 1);
		return -1;
	}
	if (v6 || strchr(host, ':') != NULL) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv6 address", host);
			return -1;
		}
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv4 address", host);
			return -1;
		}
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*a4);
	}
	return 0;
}

void
config_help(FILE *out)
{
	for (size_t i = 0; i < N_KEYS; i++)
		fprintf(out, "  %-26s %s (default: %s)\n", config_keys[i].name, config_keys[i].help,
				config_keys[i].def[0] ? config_keys[i].def : "empty");
}
