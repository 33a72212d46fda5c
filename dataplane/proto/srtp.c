/*
 * SRTP interface: backend choice, key derivation, argument checks and the
 * full-packet known-answer test every backend runs (see srtp.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "srtp_internal.h"

static const struct srtp_backend *const backends[] = {
        &srtp_backend_ipsecmb,
        &srtp_backend_libsrtp,
};

static const char *const result_names[] = {
#define SRTP_RESULT_NAME(n, s) #n,
        SRTP_RESULT_LIST(SRTP_RESULT_NAME)
#undef SRTP_RESULT_NAME
};

static const char *const result_strs[] = {
#define SRTP_RESULT_STR(n, s) s,
        SRTP_RESULT_LIST(SRTP_RESULT_STR)
#undef SRTP_RESULT_STR
};

const char *
srtp_result_name(unsigned int res)
{
	return res < SRTP_RES__COUNT ? result_names[res] : "?";
}

const char *
srtp_result_str(unsigned int res)
{
	return res < SRTP_RES__COUNT ? result_strs[res] : "unknown result";
}

size_t
srtp_profile_key_len(enum srtp_profile profile)
{
	switch (profile) {
	case SRTP_PROFILE_AES128_CM_SHA1_80:
	case SRTP_PROFILE_AEAD_AES_128_GCM:
		return 16;
	}
	return 0;
}

size_t
srtp_profile_salt_len(enum srtp_profile profile)
{
	switch (profile) {
	case SRTP_PROFILE_AES128_CM_SHA1_80:
		return 14; /* RFC 3711 §8.2 */
	case SRTP_PROFILE_AEAD_AES_128_GCM:
		return 12; /* RFC 7714 §12 */
	}
	return 0;
}

size_t
srtp_profile_tag_len(enum srtp_profile profile)
{
	switch (profile) {
	case SRTP_PROFILE_AES128_CM_SHA1_80:
		return 10;
	case SRTP_PROFILE_AEAD_AES_128_GCM:
		return 16;
	}
	return 0;
}

static void __attribute__((format(printf, 3, 4))) say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

const struct srtp_backend *
srtp_backend_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

/* API version, probe, self-test; 0, or negative with the reason in @why. */
static int
backend_usable(const struct srtp_backend *be, char *why, size_t len)
{
	int rc;

	if (be->api_version != SRTP_API_VERSION) {
		say(why, len, "%s: API version %u, this build wants %u", be->name, be->api_version,
		        SRTP_API_VERSION);
		return -EPROTO;
	}
	rc = be->probe(why, len);
	if (rc < 0)
		return rc;
	rc = be->selftest();
	if (rc < 0) {
		say(why, len, "%s: self-test failed: %s", be->name, strerror(-rc));
		return rc;
	}
	return 0;
}

const struct srtp_backend *
srtp_backend_select(const char *name, char *why, size_t len)
{
	char r[256] = "";
	const struct srtp_backend *be;

	if (strcmp(name, "auto") != 0) {
		be = srtp_backend_find(name);
		if (be == NULL) {
			say(why, len,
			        "none: no SRTP backend called \"%s\" (ipsec-mb, libsrtp, auto)",
			        name);
			return NULL;
		}
		if (backend_usable(be, r, sizeof(r)) < 0) {
			say(why, len, "none: %s", r);
			return NULL;
		}
		say(why, len, "%s: requested, self-test passed%s%s", be->name, r[0] ? "; " : "", r);
		return be;
	}
	if (backend_usable(&srtp_backend_ipsecmb, r, sizeof(r)) == 0) {
		say(why, len, "ipsec-mb: self-test passed; %s", r);
		return &srtp_backend_ipsecmb;
	}
	if (backend_usable(&srtp_backend_libsrtp, NULL, 0) == 0) {
		say(why, len, "libsrtp: ipsec-mb unusable (%s)", r);
		return &srtp_backend_libsrtp;
	}
	say(why, len, "none: ipsec-mb unusable (%s) and libsrtp failed its self-test", r);
	return NULL;
}

struct srtp_engine *
srtp_engine_create(const struct srtp_backend *be)
{
	return be->engine_create();
}

void
srtp_engine_free(const struct srtp_backend *be, struct srtp_engine *e)
{
	if (e != NULL)
		be->engine_free(e);
}

/*
 * RFC 3711 §4.3.1 with kdr = 0 (r = 0), §4.3.3 AES-CM PRF: the AES-CTR
 * keystream from IV = x * 2^16. Any length: with label 0 and a session key
 * and salt this is also the AES-CM keystream of Appendix B.2.
 */
int
srtp_kdf(const uint8_t *master_key, size_t key_len, const uint8_t *master_salt, size_t salt_len,
        uint8_t label, uint8_t *out, size_t out_len)
{
	static const uint8_t zero[256];
	uint8_t iv[16] = {0};
	EVP_CIPHER_CTX *x;
	int ok;

	if (key_len != 16 || (salt_len != 14 && salt_len != 12) || out_len > (size_t)1 << 20 << 4)
		return -EINVAL;
	/* key_id = label || r (56 bits) XOR master_salt; a 96-bit salt is padded with zeros */
	memcpy(iv, master_salt, salt_len);
	iv[7] ^= label;
	x = EVP_CIPHER_CTX_new();
	if (x == NULL)
		return -ENOMEM;
	ok = EVP_EncryptInit_ex(x, EVP_aes_128_ctr(), NULL, master_key, iv) == 1;
	for (size_t off = 0; ok && off < out_len; off += sizeof(zero)) {
		int want = (int)(out_len - off < sizeof(zero) ? out_len - off : sizeof(zero)), n;

		ok = EVP_EncryptUpdate(x, out + off, &n, zero, want) == 1 && n == want;
	}
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -EIO;
}

/* Labels 0..2 for SRTP, 3..5 for SRTCP (RFC 3711 §4.3.1, §4.3.2). */
int
srtp_session_keys_derive(
        const struct srtp_params *p, struct srtp_session_keys *rtp, struct srtp_session_keys *rtcp)
{
	size_t kl = srtp_profile_key_len(p->profile), sl = srtp_profile_salt_len(p->profile);
	struct srtp_session_keys *k[2] = {rtp, rtcp};
	int rc = 0;

	if (kl == 0)
		return -EINVAL;
	for (int i = 0; i < 2 && rc == 0; i++) {
		memset(k[i], 0, sizeof(*k[i]));
		rc = srtp_kdf(
		        p->master_key, kl, p->master_salt, sl, (uint8_t)(3 * i + 0), k[i]->enc, kl);
		if (rc == 0)
			rc = srtp_kdf(p->master_key, kl, p->master_salt, sl, (uint8_t)(3 * i + 2),
			        k[i]->salt, sl);
		if (rc == 0 && p->profile == SRTP_PROFILE_AES128_CM_SHA1_80)
			rc = srtp_kdf(p->master_key, kl, p->master_salt, sl, (uint8_t)(3 * i + 1),
			        k[i]->auth, sizeof(k[i]->auth));
	}
	return rc;
}

static int
params_check(const struct srtp_params *p)
{
	if (srtp_profile_key_len(p->profile) == 0)
		return -EINVAL;
	if (p->dir != SRTP_DIR_OUTBOUND && p->dir != SRTP_DIR_INBOUND)
		return -EINVAL;
	if (p->flags &
	        ~(SRTP_F_ALLOW_REPEAT_TX | SRTP_F_UNENCRYPTED_SRTP | SRTP_F_UNENCRYPTED_SRTCP))
		return -EINVAL;
	return 0;
}

static int
ctx_init(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e,
        const struct srtp_params *p, const struct srtp_session_keys keys[2], int from_master)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->be = be;
	c->profile = p->profile;
	c->dir = p->dir;
	c->flags = p->flags;
	c->tag_len = (uint8_t)srtp_profile_tag_len(p->profile);
	rc = be->ctx_init(e, c, p, keys, from_master);
	if (rc < 0) {
		OPENSSL_cleanse(c, sizeof(*c));
		c->be = NULL;
	}
	return rc;
}

int
srtp_ctx_init(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e,
        const struct srtp_params *p)
{
	struct srtp_session_keys keys[2];
	int rc = params_check(p);

	if (rc < 0)
		return rc;
	rc = srtp_session_keys_derive(p, &keys[0], &keys[1]);
	if (rc == 0)
		rc = ctx_init(c, be, e, p, keys, 1);
	OPENSSL_cleanse(keys, sizeof(keys));
	return rc;
}

int
srtp_ctx_init_session(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e,
        const struct srtp_params *p, const struct srtp_session_keys *rtp,
        const struct srtp_session_keys *rtcp)
{
	struct srtp_session_keys keys[2];
	int rc = params_check(p);

	if (rc < 0)
		return rc;
	keys[0] = *rtp;
	keys[1] = *rtcp;
	rc = ctx_init(c, be, e, p, keys, 0);
	OPENSSL_cleanse(keys, sizeof(keys));
	return rc;
}

void
srtp_ctx_clear(struct srtp_ctx *c)
{
	if (c->be != NULL)
		c->be->ctx_clear(c);
	OPENSSL_cleanse(c, sizeof(*c));
	c->be = NULL;
}

static unsigned int
burst(srtp_burst_fn fn, enum srtp_direction dir, struct srtp_engine *e, struct srtp_ctx *c,
        uint8_t *pkts[], uint16_t lens[], unsigned int n, uint8_t res[])
{
	int bad = c->be == NULL || e == NULL || e->be != c->be;

	if (bad || c->dir != dir) {
		for (unsigned int i = 0; i < n; i++)
			res[i] = bad ? SRTP_RES_BACKEND : SRTP_RES_DIRECTION;
		return 0;
	}
	return n ? fn(e, c, pkts, lens, n, res) : 0;
}

unsigned int
srtp_protect_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst(c->be ? c->be->protect : NULL, SRTP_DIR_OUTBOUND, e, c, pkts, lens, n, res);
}

unsigned int
srtp_unprotect_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst(c->be ? c->be->unprotect : NULL, SRTP_DIR_INBOUND, e, c, pkts, lens, n, res);
}

unsigned int
srtp_protect_rtcp_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst(
	        c->be ? c->be->protect_rtcp : NULL, SRTP_DIR_OUTBOUND, e, c, pkts, lens, n, res);
}

unsigned int
srtp_unprotect_rtcp_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[])
{
	return burst(
	        c->be ? c->be->unprotect_rtcp : NULL, SRTP_DIR_INBOUND, e, c, pkts, lens, n, res);
}

/*
 * Known answers: libsrtp test/srtp_driver.c srtp_validate() and
 * srtp_validate_gcm() (tests/vectors/srtp/libsrtp_kat_*.txt), the first
 * packet of a stream (ROC 0, SRTCP index 1, E set).
 */
struct srtp_kat {
	enum srtp_profile profile;
	uint8_t key[16];
	uint8_t salt[14];
	uint8_t rtp[28];
	uint8_t srtp[44];
	uint8_t srtp_len;
	uint8_t rtcp[24];
	uint8_t srtcp[44];
	uint8_t srtcp_len;
};

static const struct srtp_kat kats[] = {
        {
                .profile = SRTP_PROFILE_AES128_CM_SHA1_80,
                .key = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c,
                        0x06, 0xde, 0x41, 0x39},
                .salt = {0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a,
                        0xab, 0xe6},
                .rtp = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
                        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
                        0xab, 0xab, 0xab, 0xab},
                .srtp = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
                        0x4e, 0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
                        0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b,
                        0x8d, 0xbb},
                .srtp_len = 38,
                .rtcp = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
                        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab},
                .srtcp = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0x71, 0x28, 0x03, 0x5b,
                        0xe4, 0x87, 0xb9, 0xbd, 0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
                        0x80, 0x00, 0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23,
                        0x07, 0x98},
                .srtcp_len = 38,
        },
        {
                .profile = SRTP_PROFILE_AEAD_AES_128_GCM,
                .key = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                        0x0c, 0x0d, 0x0e, 0x0f},
                .salt = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab},
                .rtp = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
                        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
                        0xab, 0xab, 0xab, 0xab},
                .srtp = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
                        0xc5, 0x00, 0x2e, 0xde, 0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11, 0x59, 0xe0,
                        0x88, 0x0a, 0xa0, 0x6e, 0xd2, 0x97, 0x68, 0x26, 0xf7, 0x96, 0xb2, 0x01,
                        0xdf, 0x31, 0x31, 0xa1, 0x27, 0xe8, 0xa3, 0x92},
                .srtp_len = 44,
                .rtcp = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
                        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab},
                .srtcp = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xc9, 0x8b, 0x8b, 0x5d,
                        0xf0, 0x39, 0x2a, 0x55, 0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e, 0x70, 0x25,
                        0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46, 0xea, 0x31, 0x12, 0x3b,
                        0xa8, 0x8c, 0xe6, 0x1e, 0x80, 0x00, 0x00, 0x01},
                .srtcp_len = 44,
        },
};

/*
 * One RTP or RTCP packet: protect (must give @want), unprotect a copy with a
 * flipped tag bit (AUTH), the packet (must give @plain back), then again (REPLAY).
 */
static int
kat_one(const struct srtp_backend *be, struct srtp_engine *e, struct srtp_ctx *tx,
        struct srtp_ctx *rx, int rtcp, const uint8_t *plain, size_t plain_len, const uint8_t *want,
        size_t want_len)
{
	uint8_t buf[64 + SRTP_MAX_TRAILER], copy[64];
	uint8_t *p = buf;
	uint16_t len = (uint16_t)plain_len;
	uint8_t res;
	srtp_burst_fn prot = rtcp ? be->protect_rtcp : be->protect;
	srtp_burst_fn unprot = rtcp ? be->unprotect_rtcp : be->unprotect;

	memcpy(buf, plain, plain_len);
	if (prot(e, tx, &p, &len, 1, &res) != 1 || len != want_len || memcmp(buf, want, len) != 0)
		return -EIO;
	memcpy(copy, buf, len);
	buf[rtcp ? want_len - 5 : want_len - 1] ^= 0x01; /* in the tag, whichever the layout */
	if (unprot(e, rx, &p, &len, 1, &res) != 0 || res != SRTP_RES_AUTH || len != want_len)
		return -EIO;
	memcpy(buf, copy, want_len);
	if (unprot(e, rx, &p, &len, 1, &res) != 1 || len != plain_len ||
	        memcmp(buf, plain, len) != 0)
		return -EIO;
	memcpy(buf, copy, want_len);
	len = (uint16_t)want_len;
	if (unprot(e, rx, &p, &len, 1, &res) != 0 || res != SRTP_RES_REPLAY)
		return -EIO;
	return 0;
}

int
srtp_kat_run(const struct srtp_backend *be)
{
	struct srtp_engine *e = be->engine_create();
	static _Thread_local struct srtp_ctx tx, rx;
	int rc = 0;

	if (e == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]) && rc == 0; i++) {
		const struct srtp_kat *k = &kats[i];
		struct srtp_params p = {.profile = k->profile};

		memcpy(p.master_key, k->key, sizeof(p.master_key));
		memcpy(p.master_salt, k->salt, sizeof(p.master_salt));
		p.dir = SRTP_DIR_OUTBOUND;
		rc = srtp_ctx_init(&tx, be, e, &p);
		if (rc < 0)
			break;
		p.dir = SRTP_DIR_INBOUND;
		rc = srtp_ctx_init(&rx, be, e, &p);
		if (rc < 0) {
			srtp_ctx_clear(&tx);
			break;
		}
		rc = kat_one(be, e, &tx, &rx, 0, k->rtp, sizeof(k->rtp), k->srtp, k->srtp_len);
		if (rc == 0)
			rc = kat_one(be, e, &tx, &rx, 1, k->rtcp, sizeof(k->rtcp), k->srtcp,
			        k->srtcp_len);
		srtp_ctx_clear(&tx);
		srtp_ctx_clear(&rx);
	}
	be->engine_free(e);
	return rc;
}
