/*
 * rtcedge configuration: embedded defaults, an optional INI file, and
 * --set section.key=value overrides, applied in that order.
 *
 * Owns: the key table (name, type, range, default, help), parsing and
 * validation with errors that name the key and the problem, and the dump
 * of the effective configuration. The file format is INI read by libinih:
 * every key is "section.key" in the file and on the command line alike.
 * Pure: no DPDK, no I/O beyond reading the named file.
 */
#ifndef RTC_CONFIG_H
#define RTC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_ADDRS 8
#define CONFIG_ERR_LEN 256

struct config_ip4 {
	uint32_t addr; /* network order */
	uint8_t plen;
};

struct config_ip6 {
	uint8_t addr[16];
	uint8_t plen;
};

/* session.whep_no_publisher */
enum config_whep_nopub {
	CONFIG_WHEP_WAIT = 0, /* accept; media flows once a publisher comes */
	CONFIG_WHEP_404,
	CONFIG_WHEP_409, /* with Retry-After (WHEP §4.3.8) */
};

/* ai.stt */
enum config_ai_stt {
	CONFIG_AI_STT_OFF = 0, /* speech events only */
	CONFIG_AI_STT_GRAMMAR, /* a JSGF grammar of ai.phrases */
	CONFIG_AI_STT_LM,      /* the general English language model */
	CONFIG_AI_STT_BOTH,    /* both loaded: the grammar by default, the LM per session */
};

/* session.viewer_placement */
enum config_viewer_placement {
	CONFIG_VIEWERS_NEAR = 0, /* next to the stream's publisher when possible */
	CONFIG_VIEWERS_SPREAD,   /* the least loaded worker */
};

/* session.voice */
enum config_voice {
	CONFIG_VOICE_OFF = 0, /* WHIP sessions only receive */
	CONFIG_VOICE_ECHO,    /* a sendrecv WHIP session gets its own audio back */
	CONFIG_VOICE_AGENT,   /* a sendrecv WHIP session hears what say/play inject */
};

struct rtc_config {
	/* [dataplane] */
	char port[128];
	uint32_t mtu;
	uint32_t rx_desc;
	uint32_t tx_desc;
	uint32_t mbufs;
	int rss;
	/* [net] */
	int mac_set;
	uint8_t mac[6];
	uint32_t vlan;
	unsigned n_ipv4;
	struct config_ip4 ipv4[CONFIG_MAX_ADDRS];
	unsigned n_ipv6;
	struct config_ip6 ipv6[CONFIG_MAX_ADDRS];
	int ipv6_link_local;
	uint32_t media_port;
	/* [cluster] */
	uint32_t node_id;
	char cluster_secret[256];
	/* [http]: WHIP/WHEP */
	char http_listen[80];
	uint32_t http_max_body;
	uint32_t http_max_conn;
	char cors_origins[1024];
	char ice_servers[1024];
	uint32_t rate_limit;
	uint32_t rate_burst;
	/* [rest] */
	char rest_listen[80];
	char rest_token[256];
	/* [auth] */
	char auth_tokens[4096];
	char jwt_secret[256];
	/* [session] */
	uint32_t session_max;
	uint32_t session_max_per_stream;
	uint32_t session_max_per_token;
	uint32_t setup_timeout_s;
	uint32_t idle_timeout_s;
	int replace_publisher;
	uint32_t whep_no_publisher; /* enum config_whep_nopub */
	uint32_t viewer_placement;  /* enum config_viewer_placement */
	uint32_t retry_after_s;
	uint32_t voice; /* enum config_voice */
	uint32_t max_bitrate_kbps;
	/* [worker] */
	uint32_t idle_polls;
	uint32_t idle_sleep_max_us;
	/* [ai] */
	int ai_enabled;
	uint32_t ai_stt; /* enum config_ai_stt */
	char ai_phrases[2048];
	uint32_t ai_threads;
	char ai_media_dir[256];
	char export_target[64];
	uint32_t export_port_base;
	char export_streams[64];
	/* [kernels] */
	uint32_t kernels_backend; /* enum kernels_pref */
	/* [redis] (ctrlplane/redis_link.h) */
	int redis_enabled;
	char redis_host[256];
	uint32_t redis_port;
	char redis_password[256]; /* a secret: config_dump() never writes it */
	uint32_t redis_db;
	char redis_prefix[64];
	uint32_t redis_stream_maxlen;
	uint32_t redis_buffer_events;
	uint32_t redis_reconnect_max_ms;
	uint32_t redis_timeout_ms;
	uint32_t redis_command_poll_ms;
	/* [log] */
	uint32_t log_level; /* RTE_LOG_* numbering: 1 emerg .. 8 debug */
	uint32_t stats_interval_ms;
};

/* Fill @c with the embedded defaults. */
void config_defaults(struct rtc_config *c);
/* Set one key from text; 0, or -1 with "key: problem" in @err. */
int config_set(struct rtc_config *c, const char *key, const char *value, char *err, size_t errlen);
/* Apply "key=value"; -1 with the error in @err. */
int config_set_assignment(struct rtc_config *c, const char *kv, char *err, size_t errlen);
/* Read an INI file over @c; -1 with "file:line: key: problem" in @err. */
int config_load_file(struct rtc_config *c, const char *path, char *err, size_t errlen);
/* Checks across keys (e.g. at least one address); -1 with @err. */
int config_validate(const struct rtc_config *c, char *err, size_t errlen);
/*
 * Write the effective configuration as a commented INI file that loads back the same,
 * secrets (redis.password) excepted: a secret that is set is written as the comment
 * "; password = <set, not shown>", so loading the dump leaves the loader's own value.
 */
void config_dump(const struct rtc_config *c, FILE *out);
/*
 * Walk the keys in table order: 0 and @name, @val (formatted as the file
 * takes it) and @secret for key @i, or -1 past the last. Secret values are
 * returned only when @reveal is set, else "<redacted>" ("" stays "").
 */
int config_key_at(const struct rtc_config *c, size_t i, int reveal, const char **name, char *val,
		size_t vlen, int *secret);
/*
 * Parse a listener "addr:port", "[v6addr]:port" or "off" (returns 1).
 * 0 and @ss/@sslen filled, 1 for off, or -1 with the problem in @err.
 */
struct sockaddr_storage;
/*
 * export.target checked with export.port_base, export.streams, net.media_port,
 * session.max: 0 (off), 1 (on: the backend in *@addr_be, *@port_be if not
 * NULL), or -1 with "key: problem" in @err.
 */
int config_export_target(const struct rtc_config *c, uint32_t *addr_be, uint16_t *port_be,
		char *err, size_t errlen);
int config_listen_parse(const char *s, struct sockaddr_storage *ss, unsigned *sslen, char *err,
		size_t errlen);
/* Write every key with its default and help text. */
void config_help(FILE *out);

#endif
