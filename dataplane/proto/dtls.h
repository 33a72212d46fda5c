/*
 * DTLS 1.2 with use_srtp (RFC 6347, RFC 5764, RFC 8827 §6.5) on OpenSSL 3, sans-IO.
 *
 * Owns: the local certificate (ECDSA P-256, self-signed, random CN) and its
 * SDP fingerprint (RFC 8122); one DTLS association per session (struct
 * dtls_conn) in either role, with the peer's certificate checked against
 * the fingerprint from its SDP; the retransmission schedule (RFC 6347
 * §4.2.4.1) and a handshake timeout, both from the passed clock; the SRTP
 * master keys and salts exported per RFC 5764 §4.2.
 *
 * The shape is str0m's: bytes in with dtls_conn_handle_packet(), time in
 * with dtls_conn_handle_timeout(), datagrams out with
 * dtls_conn_poll_transmit(), results with dtls_conn_poll_event(), and the
 * next instant the connection wants to be called with
 * dtls_conn_poll_timeout(). No sockets, no clock reads in this module
 * (OpenSSL keeps a real-clock timer of its own; docs/dtls.md explains how
 * it is kept out of the way).
 *
 * Runs on the control lcore. A connection is not thread-safe; certificates
 * are refcounted with atomics, so a certificate may be released from any
 * thread.
 */
#ifndef RTC_DTLS_H
#define RTC_DTLS_H

#include <stddef.h>
#include <stdint.h>

#define DTLS_TIMEOUT_NONE UINT64_MAX
#define DTLS_FP_MAX 64       /* SHA-512, the longest hash of RFC 8122 */
#define DTLS_FP_SDP_MAX 200  /* "sha-512 " + 64 * "XX:" */
#define DTLS_SRTP_KEY_LEN 16 /* both profiles: AES-128 */
#define DTLS_SRTP_SALT_MAX 14
#define DTLS_DGRAM_MAX 1500 /* largest datagram written; config mtu is capped to it */

/* Defaults of struct dtls_config (zero fields take them). */
#define DTLS_DEFAULT_MTU 1200
#define DTLS_DEFAULT_RTO_INITIAL_US 1000000ull /* RFC 6347 §4.2.4.1 */
#define DTLS_DEFAULT_RTO_MAX_US 60000000ull    /* RFC 6347 §4.2.4.1, RFC 6298 */
#define DTLS_DEFAULT_HANDSHAKE_TIMEOUT_US 15000000ull
#define DTLS_DEFAULT_CERT_LIFETIME_S (30 * 86400)

enum dtls_err {
	DTLS_OK = 0,
	DTLS_E_NOMEM = -1,       /* allocation failed */
	DTLS_E_FINGERPRINT = -2, /* fingerprint string unparsable or hash not supported */
	DTLS_E_CONFIG = -3,      /* configuration out of range */
	DTLS_E_SETUP = -4,       /* a=setup value not usable in an offer */
	DTLS_E_STATE = -5,       /* call not valid in this state (failed, closed, not started) */
	DTLS_E_NOSPACE = -6,     /* caller's buffer too small for the next datagram */
	DTLS_E_SSL = -7,         /* OpenSSL refused an operation */
};

/* RFC 4145 / RFC 8842 §5: a=setup:active is the DTLS client, passive the server. */
enum dtls_role {
	DTLS_ROLE_SERVER = 0,
	DTLS_ROLE_CLIENT = 1,
};

/* SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2); values are the wire ids. */
enum dtls_srtp_profile {
	DTLS_SRTP_NONE = 0,
	DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001,
	DTLS_SRTP_AEAD_AES_128_GCM = 0x0007,
};
#define DTLS_PROFILES_MAX 2

enum dtls_state {
	DTLS_STATE_NEW = 0, /* created, dtls_conn_start() not called yet */
	DTLS_STATE_HANDSHAKE,
	DTLS_STATE_CONNECTED,
	DTLS_STATE_FAILED,
	DTLS_STATE_CLOSED,
};

enum dtls_event_type {
	DTLS_EV_NONE = 0,
	DTLS_EV_CONNECTED, /* handshake done, keys in .keys */
	DTLS_EV_FAILED,    /* terminal; .reason says why */
	DTLS_EV_CLOSED,    /* terminal; close_notify received (.remote) or sent */
};

enum dtls_fail_reason {
	DTLS_FAIL_NONE = 0,
	DTLS_FAIL_FINGERPRINT, /* peer certificate does not match the SDP fingerprint */
	DTLS_FAIL_TIMEOUT,     /* handshake not done within the handshake timeout */
	DTLS_FAIL_ALERT,       /* peer sent a fatal alert (.alert) */
	DTLS_FAIL_PROTOCOL,    /* handshake error on our side (.alert is what we sent, if any) */
	DTLS_FAIL_NO_SRTP,     /* handshake done without a common SRTP profile */
	DTLS_FAIL_INTERNAL,    /* OpenSSL or allocation failure */
};

/*
 * SRTP master keys of one association, as the two directions of this
 * endpoint: local protects what we send, remote unprotects what we receive.
 */
struct dtls_srtp_keys {
	enum dtls_srtp_profile profile;
	uint8_t key_len;  /* 16 */
	uint8_t salt_len; /* 14 for AES128_CM_SHA1_80, 12 for AEAD_AES_128_GCM */
	uint8_t local_key[DTLS_SRTP_KEY_LEN];
	uint8_t local_salt[DTLS_SRTP_SALT_MAX];
	uint8_t remote_key[DTLS_SRTP_KEY_LEN];
	uint8_t remote_salt[DTLS_SRTP_SALT_MAX];
};

struct dtls_event {
	enum dtls_event_type type;
	enum dtls_fail_reason reason; /* DTLS_EV_FAILED */
	int alert;                    /* TLS alert description involved, or -1 */
	int remote;                   /* DTLS_EV_CLOSED: 1 if the peer closed */
	struct dtls_srtp_keys keys;   /* DTLS_EV_CONNECTED; cleanse after use */
};

/* A parsed a=fingerprint value (RFC 8122 §5). */
enum dtls_hash {
	DTLS_HASH_SHA1 = 1,
	DTLS_HASH_SHA224,
	DTLS_HASH_SHA256,
	DTLS_HASH_SHA384,
	DTLS_HASH_SHA512,
};
struct dtls_fingerprint {
	enum dtls_hash hash;
	uint8_t len;
	uint8_t digest[DTLS_FP_MAX];
};

/* Zero fields take the DTLS_DEFAULT_* values. */
struct dtls_config {
	uint16_t mtu;                  /* largest datagram we send (UDP payload) */
	uint64_t rto_initial_us;       /* first retransmission timeout */
	uint64_t rto_max_us;           /* cap of the doubling */
	uint64_t handshake_timeout_us; /* from dtls_conn_start() to connected */
	uint8_t n_profiles;            /* 0: AEAD_AES_128_GCM then AES128_CM_SHA1_80 */
	enum dtls_srtp_profile profiles[DTLS_PROFILES_MAX]; /* our preference order */
};

/* Counters of one connection (rtx = retransmitted flights). */
struct dtls_conn_stats {
	uint64_t rx_datagrams;
	uint64_t tx_datagrams;
	uint64_t rtx_openssl;    /* flights OpenSSL re-encoded (fresh record numbers) */
	uint64_t rtx_resend;     /* flights resent byte for byte (see docs/dtls.md) */
	uint64_t tx_dropped;     /* datagrams dropped: transmit queue full or oversized */
	uint64_t rx_app_dropped; /* application data records received and dropped */
};

struct dtls_cert;
struct dtls_conn;

/*
 * A new self-signed ECDSA P-256 certificate with a random CN and serial,
 * valid from @unix_now - 1 day for @lifetime_s (0: 30 days). Wall time is
 * an argument: this module reads no clock. NULL on failure. The caller
 * holds one reference.
 */
struct dtls_cert *dtls_cert_new(int64_t unix_now, int64_t lifetime_s);
struct dtls_cert *dtls_cert_ref(struct dtls_cert *cert);
void dtls_cert_unref(struct dtls_cert *cert);
/* "sha-256 AB:CD:..." for a=fingerprint; valid while a reference is held. */
const char *dtls_cert_fingerprint(const struct dtls_cert *cert);
/* The raw SHA-256 of the certificate's DER. */
void dtls_cert_fingerprint_raw(const struct dtls_cert *cert, struct dtls_fingerprint *fp);

/* Parse "sha-256 AB:CD:.." (hash name case-insensitive, hex either case). */
int dtls_fingerprint_parse(struct dtls_fingerprint *fp, const char *s);

/*
 * Our role and answer a=setup for an offer's a=setup (RFC 8842 §5.3,
 * RFC 5763 §5): actpass or active -> passive (we are the server);
 * passive -> active (we are the client); holdconn or anything else refused.
 */
int dtls_setup_answer(const char *offer_setup, enum dtls_role *role, const char **answer_setup);

/*
 * Split RFC 5764 §4.2 keying material (client_write_key | server_write_key |
 * client_write_salt | server_write_salt) into our local and remote keys for
 * @role. @len must be 2 * (16 + salt length of @profile).
 */
int dtls_srtp_keys_split(struct dtls_srtp_keys *k, enum dtls_srtp_profile profile,
        enum dtls_role role, const uint8_t *material, size_t len);
/* Salt length of @profile, 0 if unknown. */
size_t dtls_srtp_salt_len(enum dtls_srtp_profile profile);
const char *dtls_srtp_profile_name(enum dtls_srtp_profile profile);

/*
 * A connection in @role using @cert (a reference is taken: rotating the
 * caller's current certificate leaves this connection on the one it was
 * made with), expecting a peer certificate that matches
 * @peer_fingerprint ("sha-256 AB:.."). @cfg may be NULL for defaults.
 */
int dtls_conn_new(struct dtls_conn **out, const struct dtls_config *cfg, struct dtls_cert *cert,
        enum dtls_role role, const char *peer_fingerprint);
void dtls_conn_free(struct dtls_conn *c);

/*
 * Start the handshake clock (the handshake timeout counts from here); a
 * client sends its ClientHello. A packet arriving before start starts the
 * connection implicitly.
 */
int dtls_conn_start(struct dtls_conn *c, uint64_t now_us);

/* One datagram from the peer (RFC 7983: first byte 20..63). */
int dtls_conn_handle_packet(struct dtls_conn *c, uint64_t now_us, const uint8_t *buf, size_t len);
/* Call at or after dtls_conn_poll_timeout(); early calls are harmless. */
void dtls_conn_handle_timeout(struct dtls_conn *c, uint64_t now_us);
/* The next instant to call dtls_conn_handle_timeout(), or DTLS_TIMEOUT_NONE. */
uint64_t dtls_conn_poll_timeout(const struct dtls_conn *c);
/*
 * Copy the next datagram to send into @buf: its length, 0 if none, or
 * DTLS_E_NOSPACE (the datagram stays queued) when @cap is too small.
 */
int dtls_conn_poll_transmit(struct dtls_conn *c, uint8_t *buf, size_t cap);
/* The next event into @ev: 1, or 0 if none. */
int dtls_conn_poll_event(struct dtls_conn *c, struct dtls_event *ev);
/* Send close_notify (RFC 5246 §7.2.1) and close; a CLOSED event follows. */
void dtls_conn_close(struct dtls_conn *c, uint64_t now_us);

enum dtls_state dtls_conn_state(const struct dtls_conn *c);
enum dtls_role dtls_conn_role(const struct dtls_conn *c);
void dtls_conn_get_stats(const struct dtls_conn *c, struct dtls_conn_stats *st);

const char *dtls_strerror(int err);
const char *dtls_fail_reason_str(enum dtls_fail_reason r);

#endif
