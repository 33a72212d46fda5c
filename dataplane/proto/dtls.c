/*
 * DTLS 1.2 + use_srtp on OpenSSL 3 (see dtls.h, docs/dtls.md).
 *
 * OpenSSL talks to a BIO of ours that keeps datagram boundaries: every
 * write is a record, records are packed into datagrams of at most the MTU
 * (RFC 6347 §4.1.1 allows several records per datagram), and a read hands
 * over exactly the datagram given to dtls_conn_handle_packet().
 *
 * Timers. OpenSSL 3.0 keeps a real-clock retransmission timer and checks it
 * at the start of every record read (dtls1_read_bytes -> dtls1_handle_timeout).
 * A timer that is always expired (a 1 us timer callback) therefore makes
 * every read retransmit, and, since the check loops while the timer is
 * expired, fail the handshake after DTLS1_TMO_ALERT_COUNT rounds
 * (tests/unit/test_dtls.c shows it). So the schedule is ours, from the
 * passed clock (RFC 6347 §4.2.4.1: initial RTO, doubling, capped), and the
 * duration handed to OpenSSL's timer callback is the same RTO, so that its
 * real-clock timer can only fire once real time has also reached our
 * deadline. When our deadline passes we call DTLSv1_handle_timeout(): if
 * OpenSSL's timer has expired too, it re-encodes the flight with fresh
 * record numbers; if not (a simulated clock, or a clock ahead of real
 * time), we resend the flight's records as they were written.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dtls.h"

#define DTLS_TXQ_SLOTS 8
#define DTLS_EVQ_SLOTS 4
#define DTLS_FLIGHT_MAX 16384           /* bytes of records kept for a byte-for-byte resend */
#define DTLS_OSSL_TIMER_MIN_US 50000u   /* keep OpenSSL's timer clear of its 15 ms slack */
#define DTLS_RTO_LIMIT_US 3600000000ull /* OpenSSL's timer duration is an unsigned int */
#define DTLS_MIN_MTU 256
#define DTLS_EXPORTER_LABEL "EXTRACTOR-dtls_srtp" /* RFC 5764 §4.2 */

/* Cipher suites: ECDSA first (our certificate); RSA ones for a peer server with an RSA cert. */
#define DTLS_CIPHERS                                                                               \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"                             \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"                               \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"                                 \
	"ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA"
#define DTLS_GROUPS "X25519:P-256:P-384"

struct dtls_cert {
	atomic_uint refs;
	SSL_CTX *ctx;
	BIO_METHOD *bio_meth;
	struct dtls_fingerprint fp;
	char fp_sdp[DTLS_FP_SDP_MAX];
};

struct dtls_dgram {
	uint16_t len;
	uint8_t data[DTLS_DGRAM_MAX];
};

struct dtls_conn {
	struct dtls_cert *cert;
	SSL *ssl;
	enum dtls_role role;
	enum dtls_state state;
	struct dtls_fingerprint peer_fp;
	uint16_t mtu;
	uint64_t rto_initial;
	uint64_t rto_max;
	uint64_t hs_timeout;

	uint64_t now;          /* of the call in progress */
	uint64_t hs_deadline;  /* handshake timeout */
	uint64_t rtx_deadline; /* DTLS_TIMEOUT_NONE: no flight outstanding */
	uint64_t rto;
	int ossl_rtx; /* OpenSSL's timer fired during the call in progress */

	/* what the callbacks saw */
	int fp_mismatch;
	int alert_rcvd; /* -1: none */
	int alert_rcvd_fatal;
	int alert_sent;

	/* input: the datagram being handled */
	const uint8_t *in;
	size_t in_len;

	/* output: datagrams; the newest is open for more records until flushed */
	struct dtls_dgram *txq;
	uint8_t tx_head;
	uint8_t tx_count;
	uint8_t tx_open;

	/* records of the outstanding flight, [u16 len][record]..., for a resend */
	uint8_t *flight;
	size_t flight_len;
	uint8_t flight_on;
	uint8_t flight_overflow;
	uint8_t resending;

	/*
	 * Server: digest of the datagram that completed the handshake. The same
	 * bytes again mean the client did not get our last flight and resends its
	 * own as it was (replay protection hides it from OpenSSL): resend ours.
	 */
	uint8_t last_in_md[32];
	uint8_t last_in_md_ok;

	struct dtls_event evq[DTLS_EVQ_SLOTS];
	uint8_t ev_head;
	uint8_t ev_count;

	struct dtls_conn_stats stats;
};

/* ---- fingerprints ---- */

static const struct {
	const char *name;
	enum dtls_hash hash;
	uint8_t len;
} dtls_hashes[] = {
        {"sha-1", DTLS_HASH_SHA1, 20},
        {"sha-224", DTLS_HASH_SHA224, 28},
        {"sha-256", DTLS_HASH_SHA256, 32},
        {"sha-384", DTLS_HASH_SHA384, 48},
        {"sha-512", DTLS_HASH_SHA512, 64},
};

static const EVP_MD *
dtls_hash_md(enum dtls_hash h)
{
	switch (h) {
	case DTLS_HASH_SHA1:
		return EVP_sha1();
	case DTLS_HASH_SHA224:
		return EVP_sha224();
	case DTLS_HASH_SHA256:
		return EVP_sha256();
	case DTLS_HASH_SHA384:
		return EVP_sha384();
	case DTLS_HASH_SHA512:
		return EVP_sha512();
	}
	return NULL;
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

/* RFC 8122 §5: hash-func SP fingerprint, fingerprint = 2UHEX *(":" 2UHEX). */
int
dtls_fingerprint_parse(struct dtls_fingerprint *fp, const char *s)
{
	struct dtls_fingerprint out;
	size_t i, n = 0;
	const char *p = NULL;

	memset(fp, 0, sizeof(*fp));
	if (s == NULL)
		return DTLS_E_FINGERPRINT;
	memset(&out, 0, sizeof(out));
	for (i = 0; i < sizeof(dtls_hashes) / sizeof(dtls_hashes[0]); i++) {
		size_t nl = strlen(dtls_hashes[i].name);
		if (strncasecmp(s, dtls_hashes[i].name, nl) == 0 && s[nl] == ' ') {
			out.hash = dtls_hashes[i].hash;
			out.len = dtls_hashes[i].len;
			p = s + nl + 1;
			break;
		}
	}
	if (out.hash == 0)
		return DTLS_E_FINGERPRINT;
	while (*p == ' ')
		p++;
	for (;;) {
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
		if (hi < 0 || lo < 0 || n >= out.len)
			return DTLS_E_FINGERPRINT;
		out.digest[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (*p != ':')
			break;
		p++;
	}
	while (*p == ' ' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '\0' || n != out.len)
		return DTLS_E_FINGERPRINT;
	*fp = out;
	return DTLS_OK;
}

static int
dtls_cert_matches(X509 *x, const struct dtls_fingerprint *fp)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	const EVP_MD *type = dtls_hash_md(fp->hash);

	if (x == NULL || type == NULL || X509_digest(x, type, md, &len) != 1 || len != fp->len)
		return 0;
	return CRYPTO_memcmp(md, fp->digest, len) == 0;
}

/* ---- profiles and keys ---- */

size_t
dtls_srtp_salt_len(enum dtls_srtp_profile profile)
{
	switch (profile) {
	case DTLS_SRTP_AES128_CM_SHA1_80:
		return 14; /* RFC 5764 §4.1.2 */
	case DTLS_SRTP_AEAD_AES_128_GCM:
		return 12; /* RFC 7714 §14.2 */
	case DTLS_SRTP_NONE:
		break;
	}
	return 0;
}

const char *
dtls_srtp_profile_name(enum dtls_srtp_profile profile)
{
	switch (profile) {
	case DTLS_SRTP_AES128_CM_SHA1_80:
		return "SRTP_AES128_CM_SHA1_80";
	case DTLS_SRTP_AEAD_AES_128_GCM:
		return "SRTP_AEAD_AES_128_GCM";
	case DTLS_SRTP_NONE:
		break;
	}
	return "none";
}

int
dtls_srtp_keys_split(struct dtls_srtp_keys *k, enum dtls_srtp_profile profile, enum dtls_role role,
        const uint8_t *material, size_t len)
{
	size_t salt = dtls_srtp_salt_len(profile), kl = DTLS_SRTP_KEY_LEN;
	const uint8_t *ck, *sk, *cs, *ss;

	memset(k, 0, sizeof(*k));
	if (salt == 0 || len != 2 * (kl + salt))
		return DTLS_E_CONFIG;
	/* RFC 5764 §4.2: client_write_key | server_write_key | client_salt | server_salt */
	ck = material;
	sk = material + kl;
	cs = material + 2 * kl;
	ss = material + 2 * kl + salt;
	k->profile = profile;
	k->key_len = (uint8_t)kl;
	k->salt_len = (uint8_t)salt;
	memcpy(k->local_key, role == DTLS_ROLE_CLIENT ? ck : sk, kl);
	memcpy(k->local_salt, role == DTLS_ROLE_CLIENT ? cs : ss, salt);
	memcpy(k->remote_key, role == DTLS_ROLE_CLIENT ? sk : ck, kl);
	memcpy(k->remote_salt, role == DTLS_ROLE_CLIENT ? ss : cs, salt);
	return DTLS_OK;
}

int
dtls_setup_answer(const char *offer_setup, enum dtls_role *role, const char **answer_setup)
{
	if (offer_setup == NULL)
		return DTLS_E_SETUP;
	/* RFC 8842 §5.3: the answerer of actpass picks; we are passive, as WHIP/WHEP expect */
	if (strcmp(offer_setup, "actpass") == 0 || strcmp(offer_setup, "active") == 0) {
		*role = DTLS_ROLE_SERVER;
		*answer_setup = "passive";
		return DTLS_OK;
	}
	if (strcmp(offer_setup, "passive") == 0) {
		*role = DTLS_ROLE_CLIENT;
		*answer_setup = "active";
		return DTLS_OK;
	}
	return DTLS_E_SETUP; /* holdconn (RFC 8842 §5.3: not used) or unknown */
}

/* ---- the BIO: datagrams in, records out ---- */

static struct dtls_dgram *
dtls_txq_slot(struct dtls_conn *c, unsigned i)
{
	return &c->txq[(c->tx_head + i) % DTLS_TXQ_SLOTS];
}

static void
dtls_txq_push(struct dtls_conn *c, const uint8_t *rec, size_t len)
{
	struct dtls_dgram *d;

	if (len > DTLS_DGRAM_MAX) {
		c->stats.tx_dropped++;
		return;
	}
	if (c->tx_open && c->tx_count > 0) {
		d = dtls_txq_slot(c, c->tx_count - 1u);
		if (d->len + len <= c->mtu) {
			memcpy(d->data + d->len, rec, len);
			d->len = (uint16_t)(d->len + len);
			return;
		}
	}
	if (c->tx_count == DTLS_TXQ_SLOTS) {
		c->stats.tx_dropped++; /* like a loss: retransmission recovers */
		c->tx_open = 0;
		return;
	}
	d = dtls_txq_slot(c, c->tx_count);
	memcpy(d->data, rec, len);
	d->len = (uint16_t)len;
	c->tx_count++;
	c->tx_open = 1;
}

static void
dtls_flight_log(struct dtls_conn *c, const uint8_t *rec, size_t len)
{
	if (!c->flight_on || c->resending || c->flight_overflow)
		return;
	if (c->flight == NULL || DTLS_FLIGHT_MAX - c->flight_len < len + 2) {
		c->flight_overflow = 1; /* no resend of a partial flight */
		return;
	}
	c->flight[c->flight_len] = (uint8_t)(len >> 8);
	c->flight[c->flight_len + 1] = (uint8_t)len;
	memcpy(c->flight + c->flight_len + 2, rec, len);
	c->flight_len += len + 2;
}

static int
dtls_bio_write(BIO *b, const char *data, int len)
{
	struct dtls_conn *c = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (len <= 0)
		return 0;
	dtls_flight_log(c, (const uint8_t *)data, (size_t)len);
	dtls_txq_push(c, (const uint8_t *)data, (size_t)len);
	return len;
}

static int
dtls_bio_read(BIO *b, char *out, int cap)
{
	struct dtls_conn *c = BIO_get_data(b);
	size_t n;

	BIO_clear_retry_flags(b);
	if (c->in_len == 0 || cap <= 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	/* a datagram is read whole or its tail is lost, as with recvfrom() */
	n = c->in_len < (size_t)cap ? c->in_len : (size_t)cap;
	memcpy(out, c->in, n);
	c->in = NULL;
	c->in_len = 0;
	return (int)n;
}

static long
dtls_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct dtls_conn *c = BIO_get_data(b);

	(void)num;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		c->tx_open = 0; /* the open datagram is complete */
		return 1;
	case BIO_CTRL_WPENDING:
		/* OpenSSL sizes the next fragment to what is left of the open datagram */
		return c->tx_open && c->tx_count ? dtls_txq_slot(c, c->tx_count - 1u)->len : 0;
	case BIO_CTRL_PENDING:
		return (long)c->in_len;
	case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT: {
		const struct timeval *tv = ptr;
		/*
		 * OpenSSL stopped its timer: the peer's flight is in, ours is no longer
		 * outstanding; what it writes next is a new flight (a server's last
		 * one is written without a timer), so it is logged afresh.
		 */
		if (tv != NULL && tv->tv_sec == 0 && tv->tv_usec == 0) {
			c->rtx_deadline = DTLS_TIMEOUT_NONE;
			if (c->state == DTLS_STATE_HANDSHAKE) {
				c->flight_on = 1;
				c->flight_len = 0;
				c->flight_overflow = 0;
			}
		}
		return 1;
	}
	default:
		return 0; /* no MTU query, no peer address, no MTU_EXCEEDED */
	}
}

/* ---- certificates ---- */

static int dtls_verify_cb(X509_STORE_CTX *x, void *arg);

static X509 *
dtls_x509_make(EVP_PKEY *pkey, int64_t unix_now, int64_t lifetime_s)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BIGNUM *bn = NULL;
	uint8_t rnd[8];
	char cn[32];
	int ok = 0;

	if (x == NULL || name == NULL || RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	rnd[0] &= 0x7f; /* a positive serial */
	rnd[0] |= 0x01;
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	snprintf(cn, sizeof(cn), "rtcedge-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
	        rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	        X509_NAME_add_entry_by_txt(
	                name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) != 1 ||
	        X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1 ||
	        ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(unix_now - 86400)) == NULL ||
	        ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(unix_now + lifetime_s)) == NULL ||
	        X509_set_pubkey(x, pkey) != 1 || X509_sign(x, pkey, EVP_sha256()) <= 0)
		goto out;
	ok = 1;
out:
	BN_free(bn);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static SSL_CTX *
dtls_ctx_make(X509 *x, EVP_PKEY *pkey)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

	if (ctx == NULL)
		return NULL;
	if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
	        SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
	        SSL_CTX_set_cipher_list(ctx, DTLS_CIPHERS) != 1 ||
	        SSL_CTX_set1_groups_list(ctx, DTLS_GROUPS) != 1 ||
	        SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
	        SSL_CTX_check_private_key(ctx) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* self-signed peers: the SDP fingerprint is the trust anchor (RFC 8827 §6.5) */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, dtls_verify_cb, NULL);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_QUERY_MTU |
	                                 SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

static void
dtls_fp_format(const struct dtls_fingerprint *fp, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(out, cap, "sha-256 ");

	for (unsigned i = 0; i < fp->len && o + 3 < cap; i++) {
		out[o++] = hex[fp->digest[i] >> 4];
		out[o++] = hex[fp->digest[i] & 15];
		if (i + 1 < fp->len)
			out[o++] = ':';
	}
	out[o] = '\0';
}

struct dtls_cert *
dtls_cert_new(int64_t unix_now, int64_t lifetime_s)
{
	struct dtls_cert *cert = calloc(1, sizeof(*cert));
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	unsigned int len = 0;

	if (cert == NULL)
		return NULL;
	if (lifetime_s <= 0)
		lifetime_s = DTLS_DEFAULT_CERT_LIFETIME_S;
	pkey = EVP_EC_gen("P-256");
	if (pkey == NULL)
		goto err;
	x = dtls_x509_make(pkey, unix_now, lifetime_s);
	if (x == NULL)
		goto err;
	cert->ctx = dtls_ctx_make(x, pkey);
	if (cert->ctx == NULL)
		goto err;
	cert->bio_meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rtcedge dtls");
	if (cert->bio_meth == NULL || BIO_meth_set_write(cert->bio_meth, dtls_bio_write) != 1 ||
	        BIO_meth_set_read(cert->bio_meth, dtls_bio_read) != 1 ||
	        BIO_meth_set_ctrl(cert->bio_meth, dtls_bio_ctrl) != 1)
		goto err;
	cert->fp.hash = DTLS_HASH_SHA256;
	if (X509_digest(x, EVP_sha256(), cert->fp.digest, &len) != 1 || len != 32)
		goto err;
	cert->fp.len = (uint8_t)len;
	dtls_fp_format(&cert->fp, cert->fp_sdp, sizeof(cert->fp_sdp));
	atomic_init(&cert->refs, 1);
	X509_free(x); /* the SSL_CTX holds its own references */
	EVP_PKEY_free(pkey);
	return cert;
err:
	BIO_meth_free(cert->bio_meth);
	SSL_CTX_free(cert->ctx);
	X509_free(x);
	EVP_PKEY_free(pkey);
	free(cert);
	ERR_clear_error();
	return NULL;
}

struct dtls_cert *
dtls_cert_ref(struct dtls_cert *cert)
{
	atomic_fetch_add_explicit(&cert->refs, 1, memory_order_relaxed);
	return cert;
}

void
dtls_cert_unref(struct dtls_cert *cert)
{
	if (cert == NULL || atomic_fetch_sub_explicit(&cert->refs, 1, memory_order_acq_rel) != 1)
		return;
	SSL_CTX_free(cert->ctx);
	BIO_meth_free(cert->bio_meth);
	free(cert);
}

const char *
dtls_cert_fingerprint(const struct dtls_cert *cert)
{
	return cert->fp_sdp;
}

void
dtls_cert_fingerprint_raw(const struct dtls_cert *cert, struct dtls_fingerprint *fp)
{
	*fp = cert->fp;
}

/* ---- connection: events and state ---- */

static void
dtls_conn_push_event(struct dtls_conn *c, const struct dtls_event *ev)
{
	if (c->ev_count == DTLS_EVQ_SLOTS)
		return; /* cannot happen: at most CONNECTED then one terminal event */
	c->evq[(c->ev_head + c->ev_count) % DTLS_EVQ_SLOTS] = *ev;
	c->ev_count++;
}

static void
dtls_conn_flight_stop(struct dtls_conn *c)
{
	c->rtx_deadline = DTLS_TIMEOUT_NONE;
	c->flight_on = 0;
	c->flight_len = 0;
	c->flight_overflow = 0;
}

static void
dtls_conn_finish(struct dtls_conn *c, enum dtls_state st)
{
	uint8_t *keep;

	c->state = st;
	c->rtx_deadline = DTLS_TIMEOUT_NONE;
	c->flight_on = 0;
	if (st == DTLS_STATE_CONNECTED && c->role == DTLS_ROLE_SERVER && !c->flight_overflow &&
	        c->flight_len > 0) {
		/* a server keeps its last flight (RFC 6347 §4.2.4) at its own size */
		keep = realloc(c->flight, c->flight_len);
		if (keep != NULL)
			c->flight = keep;
		return;
	}
	dtls_conn_flight_stop(c);
	free(c->flight);
	c->flight = NULL;
}

static void
dtls_conn_fail(struct dtls_conn *c, enum dtls_fail_reason reason, int alert)
{
	struct dtls_event ev = {.type = DTLS_EV_FAILED, .reason = reason, .alert = alert};

	if (c->state == DTLS_STATE_FAILED || c->state == DTLS_STATE_CLOSED)
		return;
	dtls_conn_finish(c, DTLS_STATE_FAILED);
	dtls_conn_push_event(c, &ev);
}

/* A fatal SSL error during the handshake or after: why, from what the callbacks saw. */
static void
dtls_conn_fail_ssl(struct dtls_conn *c)
{
	unsigned long e = ERR_peek_last_error();

	if (c->fp_mismatch)
		dtls_conn_fail(c, DTLS_FAIL_FINGERPRINT, c->alert_sent);
	else if (c->alert_rcvd >= 0 && c->alert_rcvd_fatal)
		dtls_conn_fail(c, DTLS_FAIL_ALERT, c->alert_rcvd);
	else if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_READ_TIMEOUT_EXPIRED)
		dtls_conn_fail(c, DTLS_FAIL_TIMEOUT, -1);
	else
		dtls_conn_fail(c, DTLS_FAIL_PROTOCOL, c->alert_sent);
	ERR_clear_error();
}

static void
dtls_conn_connected(struct dtls_conn *c)
{
	struct dtls_event ev = {.type = DTLS_EV_CONNECTED, .alert = -1};
	const SRTP_PROTECTION_PROFILE *p;
	uint8_t mat[2 * (DTLS_SRTP_KEY_LEN + DTLS_SRTP_SALT_MAX)];
	enum dtls_srtp_profile prof;
	size_t mlen;

	/* checked in the handshake already (dtls_verify_cb); checked again here */
	if (!dtls_cert_matches(SSL_get0_peer_certificate(c->ssl), &c->peer_fp)) {
		c->fp_mismatch = 1;
		dtls_conn_fail(c, DTLS_FAIL_FINGERPRINT, -1);
		return;
	}
	p = SSL_get_selected_srtp_profile(c->ssl);
	prof = p ? (enum dtls_srtp_profile)p->id : DTLS_SRTP_NONE;
	if (dtls_srtp_salt_len(prof) == 0) {
		dtls_conn_fail(c, DTLS_FAIL_NO_SRTP, -1);
		return;
	}
	mlen = 2 * (DTLS_SRTP_KEY_LEN + dtls_srtp_salt_len(prof));
	if (SSL_export_keying_material(c->ssl, mat, mlen, DTLS_EXPORTER_LABEL,
	            strlen(DTLS_EXPORTER_LABEL), NULL, 0, 0) != 1 ||
	        dtls_srtp_keys_split(&ev.keys, prof, c->role, mat, mlen) != DTLS_OK) {
		OPENSSL_cleanse(mat, sizeof(mat));
		ERR_clear_error();
		dtls_conn_fail(c, DTLS_FAIL_INTERNAL, -1);
		return;
	}
	OPENSSL_cleanse(mat, sizeof(mat));
	dtls_conn_finish(c, DTLS_STATE_CONNECTED);
	dtls_conn_push_event(c, &ev);
	OPENSSL_cleanse(&ev, sizeof(ev));
}

/* ---- OpenSSL callbacks ---- */

static int
dtls_verify_cb(X509_STORE_CTX *x, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct dtls_conn *c = ssl ? SSL_get_app_data(ssl) : NULL;

	(void)arg;
	if (c == NULL || !dtls_cert_matches(X509_STORE_CTX_get0_cert(x), &c->peer_fp)) {
		if (c != NULL)
			c->fp_mismatch = 1;
		X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	return 1;
}

static void
dtls_info_cb(const SSL *ssl, int where, int ret)
{
	struct dtls_conn *c = SSL_get_app_data(ssl);

	if (!(where & SSL_CB_ALERT))
		return;
	if (where & SSL_CB_READ) {
		c->alert_rcvd = ret & 0xff;
		c->alert_rcvd_fatal = (ret >> 8) == SSL3_AL_FATAL;
	} else {
		c->alert_sent = ret & 0xff;
	}
}

/*
 * OpenSSL starts a flight (prev_us 0) or retransmits one (its real-clock
 * timer expired): our RTO per RFC 6347 §4.2.4.1, our deadline from the
 * passed clock, the same duration for OpenSSL's timer.
 */
static unsigned int
dtls_timer_cb(SSL *ssl, unsigned int prev_us)
{
	struct dtls_conn *c = SSL_get_app_data(ssl);

	if (prev_us == 0) {
		c->rto = c->rto_initial;
	} else {
		c->rto = c->rto * 2 < c->rto_max ? c->rto * 2 : c->rto_max;
		c->ossl_rtx = 1;
		c->stats.rtx_openssl++;
	}
	c->rtx_deadline = c->now + c->rto;
	if (c->state == DTLS_STATE_HANDSHAKE) {
		/* records written from here on are this flight's */
		c->flight_on = 1;
		c->flight_len = 0;
		c->flight_overflow = 0;
	}
	return c->rto > DTLS_OSSL_TIMER_MIN_US ? (unsigned int)c->rto : DTLS_OSSL_TIMER_MIN_US;
}

/* After OpenSSL ran: no timer armed means no flight outstanding. */
static void
dtls_conn_sync_timer(struct dtls_conn *c)
{
	struct timeval tv;

	if (c->state == DTLS_STATE_HANDSHAKE && DTLSv1_get_timeout(c->ssl, &tv) != 1)
		dtls_conn_flight_stop(c);
}

/* ---- connection: driving OpenSSL ---- */

static void
dtls_conn_closed_by_peer(struct dtls_conn *c)
{
	struct dtls_event ev = {.type = DTLS_EV_CLOSED, .alert = 0, .remote = 1};

	/* RFC 5246 §7.2.1: answer close_notify with close_notify (after the handshake) */
	if (c->state == DTLS_STATE_CONNECTED)
		(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
	dtls_conn_finish(c, DTLS_STATE_CLOSED);
	dtls_conn_push_event(c, &ev);
}

static void
dtls_conn_read_records(struct dtls_conn *c)
{
	uint8_t buf[2048];
	int n;

	for (;;) {
		ERR_clear_error();
		n = SSL_read(c->ssl, buf, sizeof(buf));
		if (n > 0) {
			c->stats.rx_app_dropped++; /* no application data over this DTLS */
			continue;
		}
		switch (SSL_get_error(c->ssl, n)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			return;
		case SSL_ERROR_ZERO_RETURN:
			dtls_conn_closed_by_peer(c);
			return;
		default:
			dtls_conn_fail_ssl(c);
			return;
		}
	}
}

/* Run OpenSSL on what it has; @input: a datagram was just handed over. */
static void
dtls_conn_drive(struct dtls_conn *c, int input)
{
	int rc;

	if (c->state == DTLS_STATE_HANDSHAKE) {
		ERR_clear_error();
		rc = SSL_do_handshake(c->ssl);
		if (rc == 1) {
			dtls_conn_connected(c);
		} else {
			int err = SSL_get_error(c->ssl, rc);
			if (err == SSL_ERROR_ZERO_RETURN)
				dtls_conn_closed_by_peer(c);
			else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
				dtls_conn_fail_ssl(c);
		}
	}
	/*
	 * Records after the handshake's last one (alerts, close_notify, the peer's
	 * Finished again when our last flight was lost), also those that came in
	 * the same datagram as the handshake's end.
	 */
	if (c->state == DTLS_STATE_CONNECTED && input)
		dtls_conn_read_records(c);
	dtls_conn_sync_timer(c);
}

int
dtls_conn_new(struct dtls_conn **out, const struct dtls_config *cfg, struct dtls_cert *cert,
        enum dtls_role role, const char *peer_fingerprint)
{
	static const struct dtls_config defaults;
	struct dtls_conn *c;
	char profiles[64] = "";
	BIO *bio;
	int rc;

	*out = NULL;
	if (cfg == NULL)
		cfg = &defaults;
	if ((cfg->mtu != 0 && (cfg->mtu < DTLS_MIN_MTU || cfg->mtu > DTLS_DGRAM_MAX)) ||
	        cfg->rto_max_us > DTLS_RTO_LIMIT_US || cfg->rto_initial_us > DTLS_RTO_LIMIT_US ||
	        cfg->n_profiles > DTLS_PROFILES_MAX ||
	        (role != DTLS_ROLE_SERVER && role != DTLS_ROLE_CLIENT) || cert == NULL)
		return DTLS_E_CONFIG;
	for (unsigned i = 0; i < cfg->n_profiles; i++) {
		if (dtls_srtp_salt_len(cfg->profiles[i]) == 0)
			return DTLS_E_CONFIG;
		if (i > 0)
			strcat(profiles, ":");
		strcat(profiles, dtls_srtp_profile_name(cfg->profiles[i]));
	}
	if (cfg->n_profiles == 0)
		strcpy(profiles, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80");

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return DTLS_E_NOMEM;
	rc = dtls_fingerprint_parse(&c->peer_fp, peer_fingerprint);
	if (rc != DTLS_OK)
		goto err_conn;
	c->role = role;
	c->state = DTLS_STATE_NEW;
	c->mtu = cfg->mtu ? cfg->mtu : DTLS_DEFAULT_MTU;
	c->rto_initial = cfg->rto_initial_us ? cfg->rto_initial_us : DTLS_DEFAULT_RTO_INITIAL_US;
	c->rto_max = cfg->rto_max_us ? cfg->rto_max_us : DTLS_DEFAULT_RTO_MAX_US;
	if (c->rto_max < c->rto_initial)
		c->rto_max = c->rto_initial;
	c->hs_timeout = cfg->handshake_timeout_us ? cfg->handshake_timeout_us
	                                          : DTLS_DEFAULT_HANDSHAKE_TIMEOUT_US;
	c->hs_deadline = DTLS_TIMEOUT_NONE;
	c->rtx_deadline = DTLS_TIMEOUT_NONE;
	c->alert_rcvd = -1;
	c->alert_sent = -1;

	rc = DTLS_E_NOMEM;
	c->txq = malloc(DTLS_TXQ_SLOTS * sizeof(*c->txq));
	c->flight = malloc(DTLS_FLIGHT_MAX);
	if (c->txq == NULL || c->flight == NULL)
		goto err_bufs;
	rc = DTLS_E_SSL;
	c->ssl = SSL_new(cert->ctx);
	if (c->ssl == NULL)
		goto err_bufs;
	bio = BIO_new(cert->bio_meth);
	if (bio == NULL)
		goto err_ssl;
	BIO_set_data(bio, c);
	BIO_set_init(bio, 1);
	SSL_set_bio(c->ssl, bio, bio); /* takes the one reference */
	SSL_set_app_data(c->ssl, c);
	SSL_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
	/* SSL_set_tlsext_use_srtp() returns 0 on success */
	if (SSL_set_mtu(c->ssl, c->mtu) <= 0 || SSL_set_tlsext_use_srtp(c->ssl, profiles) != 0)
		goto err_ssl;
	DTLS_set_timer_cb(c->ssl, dtls_timer_cb);
	SSL_set_info_callback(c->ssl, dtls_info_cb);
	if (role == DTLS_ROLE_CLIENT)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	c->cert = dtls_cert_ref(cert);
	*out = c;
	return DTLS_OK;
err_ssl:
	SSL_free(c->ssl);
err_bufs:
	free(c->flight);
	free(c->txq);
err_conn:
	free(c);
	ERR_clear_error();
	return rc;
}

void
dtls_conn_free(struct dtls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	dtls_cert_unref(c->cert);
	free(c->flight);
	if (c->txq != NULL)
		OPENSSL_cleanse(c->txq, DTLS_TXQ_SLOTS * sizeof(*c->txq));
	free(c->txq);
	OPENSSL_cleanse(c->evq, sizeof(c->evq));
	free(c);
}

int
dtls_conn_start(struct dtls_conn *c, uint64_t now_us)
{
	if (c->state != DTLS_STATE_NEW)
		return DTLS_E_STATE;
	c->now = now_us;
	c->state = DTLS_STATE_HANDSHAKE;
	c->hs_deadline = now_us + c->hs_timeout;
	dtls_conn_drive(c, 0);
	return DTLS_OK;
}

/* Resend the outstanding flight's records as they were first written. */
static void
dtls_conn_resend_flight(struct dtls_conn *c)
{
	size_t off = 0;

	if (c->flight_overflow || c->flight_len == 0)
		return;
	c->resending = 1;
	c->tx_open = 0;
	while (off + 2 <= c->flight_len) {
		size_t len = (size_t)c->flight[off] << 8 | c->flight[off + 1];
		dtls_txq_push(c, c->flight + off + 2, len);
		off += 2 + len;
	}
	c->tx_open = 0;
	c->resending = 0;
	c->stats.rtx_resend++;
}

void
dtls_conn_handle_timeout(struct dtls_conn *c, uint64_t now_us)
{
	c->now = now_us;
	if (c->state != DTLS_STATE_HANDSHAKE)
		return;
	if (now_us >= c->hs_deadline) {
		dtls_conn_fail(c, DTLS_FAIL_TIMEOUT, -1);
		return;
	}
	if (c->rtx_deadline == DTLS_TIMEOUT_NONE || now_us < c->rtx_deadline)
		return;
	c->ossl_rtx = 0;
	ERR_clear_error();
	/* our BIO never fails a write: a negative result is a fatal error */
	if (DTLSv1_handle_timeout(c->ssl) < 0) {
		dtls_conn_fail_ssl(c);
		return;
	}
	if (!c->ossl_rtx) {
		/* OpenSSL's real-clock timer has not expired: we retransmit */
		dtls_conn_resend_flight(c);
		c->rto = c->rto * 2 < c->rto_max ? c->rto * 2 : c->rto_max;
		c->rtx_deadline = now_us + c->rto;
	}
	ERR_clear_error();
	dtls_conn_sync_timer(c);
}

static int
dtls_digest(const uint8_t *buf, size_t len, uint8_t md[32])
{
	unsigned int n = 0;

	return EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

int
dtls_conn_handle_packet(struct dtls_conn *c, uint64_t now_us, const uint8_t *buf, size_t len)
{
	enum dtls_state before;
	uint8_t md[32];

	if (c->state == DTLS_STATE_NEW)
		(void)dtls_conn_start(c, now_us);
	if (c->state != DTLS_STATE_HANDSHAKE && c->state != DTLS_STATE_CONNECTED)
		return DTLS_E_STATE;
	if (len == 0)
		return DTLS_OK;
	c->now = now_us;
	c->stats.rx_datagrams++;
	before = c->state;
	if (before == DTLS_STATE_CONNECTED && c->last_in_md_ok && dtls_digest(buf, len, md) &&
	        CRYPTO_memcmp(md, c->last_in_md, sizeof(md)) == 0)
		dtls_conn_resend_flight(c); /* the client's last flight again, as it was */
	c->in = buf;
	c->in_len = len;
	dtls_conn_drive(c, 1);
	c->in = NULL;
	c->in_len = 0;
	if (before == DTLS_STATE_HANDSHAKE && c->state == DTLS_STATE_CONNECTED &&
	        c->role == DTLS_ROLE_SERVER && c->flight != NULL)
		c->last_in_md_ok = (uint8_t)dtls_digest(buf, len, c->last_in_md);
	ERR_clear_error();
	return DTLS_OK;
}

uint64_t
dtls_conn_poll_timeout(const struct dtls_conn *c)
{
	if (c->state != DTLS_STATE_HANDSHAKE)
		return DTLS_TIMEOUT_NONE;
	return c->rtx_deadline < c->hs_deadline ? c->rtx_deadline : c->hs_deadline;
}

int
dtls_conn_poll_transmit(struct dtls_conn *c, uint8_t *buf, size_t cap)
{
	struct dtls_dgram *d;
	int len;

	if (c->tx_count == 0)
		return 0;
	d = dtls_txq_slot(c, 0);
	if (d->len > cap)
		return DTLS_E_NOSPACE;
	memcpy(buf, d->data, d->len);
	len = d->len;
	c->tx_head = (uint8_t)((c->tx_head + 1) % DTLS_TXQ_SLOTS);
	c->tx_count--;
	if (c->tx_count == 0)
		c->tx_open = 0;
	c->stats.tx_datagrams++;
	return len;
}

int
dtls_conn_poll_event(struct dtls_conn *c, struct dtls_event *ev)
{
	struct dtls_event *e;

	if (c->ev_count == 0)
		return 0;
	e = &c->evq[c->ev_head];
	*ev = *e;
	OPENSSL_cleanse(e, sizeof(*e));
	c->ev_head = (uint8_t)((c->ev_head + 1) % DTLS_EVQ_SLOTS);
	c->ev_count--;
	return 1;
}

void
dtls_conn_close(struct dtls_conn *c, uint64_t now_us)
{
	struct dtls_event ev = {.type = DTLS_EV_CLOSED, .alert = 0, .remote = 0};

	c->now = now_us;
	if (c->state == DTLS_STATE_FAILED || c->state == DTLS_STATE_CLOSED)
		return;
	if (c->state == DTLS_STATE_CONNECTED) {
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl); /* close_notify; we do not wait for the answer */
		ERR_clear_error();
	}
	dtls_conn_finish(c, DTLS_STATE_CLOSED);
	dtls_conn_push_event(c, &ev);
}

enum dtls_state
dtls_conn_state(const struct dtls_conn *c)
{
	return c->state;
}

enum dtls_role
dtls_conn_role(const struct dtls_conn *c)
{
	return c->role;
}

void
dtls_conn_get_stats(const struct dtls_conn *c, struct dtls_conn_stats *st)
{
	*st = c->stats;
}

const char *
dtls_strerror(int err)
{
	switch (err) {
	case DTLS_OK:
		return "ok";
	case DTLS_E_NOMEM:
		return "out of memory";
	case DTLS_E_FINGERPRINT:
		return "fingerprint unparsable or hash not supported";
	case DTLS_E_CONFIG:
		return "configuration out of range";
	case DTLS_E_SETUP:
		return "a=setup value not usable in an offer";
	case DTLS_E_STATE:
		return "not valid in this state";
	case DTLS_E_NOSPACE:
		return "buffer too small for the next datagram";
	case DTLS_E_SSL:
		return "OpenSSL refused an operation";
	}
	return "unknown DTLS error";
}

const char *
dtls_fail_reason_str(enum dtls_fail_reason r)
{
	switch (r) {
	case DTLS_FAIL_NONE:
		return "none";
	case DTLS_FAIL_FINGERPRINT:
		return "peer certificate does not match the SDP fingerprint";
	case DTLS_FAIL_TIMEOUT:
		return "handshake timeout";
	case DTLS_FAIL_ALERT:
		return "fatal alert from the peer";
	case DTLS_FAIL_PROTOCOL:
		return "handshake protocol error";
	case DTLS_FAIL_NO_SRTP:
		return "no common SRTP profile";
	case DTLS_FAIL_INTERNAL:
		return "internal error";
	}
	return "unknown";
}
