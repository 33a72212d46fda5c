/*
 * SRTP backend "libsrtp": libsrtp2's srtp_protect() / srtp_unprotect() and
 * the RTCP variants, one packet at a time. The reference and test oracle
 * of the fast path: libsrtp does its own key derivation, ROC estimation,
 * replay checks and SRTCP index. Only the header checks are ours, so that
 * both backends give the same result for a malformed packet.
 *
 * libsrtp allocates (a stream per new SSRC): not for the hot path.
 */
#include <errno.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "srtp_internal.h"

struct libsrtp_priv {
	srtp_t session;
};

_Static_assert(sizeof(struct libsrtp_priv) <= SRTP_CTX_BE_SIZE, "libsrtp private area");

static struct srtp_engine libsrtp_engine = {.be = &srtp_backend_libsrtp};

static int
libsrtp_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static int
libsrtp_global_init(void)
{
	static int done;

	if (!done) {
		if (srtp_init() != srtp_err_status_ok)
			return -EIO;
		done = 1;
	}
	return 0;
}

static int
libsrtp_selftest(void)
{
	int rc = libsrtp_global_init();

	return rc < 0 ? rc : srtp_kat_run(&srtp_backend_libsrtp);
}

static struct srtp_engine *
libsrtp_engine_create(void)
{
	return libsrtp_global_init() == 0 ? &libsrtp_engine : NULL;
}

static void
libsrtp_engine_free(struct srtp_engine *e)
{
	(void)e;
}

static struct libsrtp_priv *
priv(struct srtp_ctx *c)
{
	return (struct libsrtp_priv *)(void *)c->be_priv;
}

static int
libsrtp_ctx_init(struct srtp_engine *e, struct srtp_ctx *c, const struct srtp_params *p,
        const struct srtp_session_keys keys[2], int from_master)
{
	uint8_t key[SRTP_MASTER_KEY_MAX + SRTP_MASTER_SALT_MAX];
	size_t kl = srtp_profile_key_len(p->profile), sl = srtp_profile_salt_len(p->profile);
	srtp_policy_t pol;
	srtp_err_status_t st;

	(void)e;
	(void)keys;
	if (!from_master)
		return -ENOTSUP; /* libsrtp takes master keys only */
	if (libsrtp_global_init() < 0)
		return -EIO;
	memset(&pol, 0, sizeof(pol));
	if (p->profile == SRTP_PROFILE_AES128_CM_SHA1_80) {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	} else {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	}
	if (p->flags & SRTP_F_UNENCRYPTED_SRTP)
		pol.rtp.sec_serv = sec_serv_auth;
	if (p->flags & SRTP_F_UNENCRYPTED_SRTCP)
		pol.rtcp.sec_serv = sec_serv_auth;
	pol.ssrc.type = p->dir == SRTP_DIR_OUTBOUND ? ssrc_any_outbound : ssrc_any_inbound;
	memcpy(key, p->master_key, kl);
	memcpy(key + kl, p->master_salt, sl);
	pol.key = key;
	pol.window_size = SRTP_REPLAY_WINDOW;
	pol.allow_repeat_tx = !!(p->flags & SRTP_F_ALLOW_REPEAT_TX);
	st = srtp_create(&priv(c)->session, &pol);
	memset(key, 0, sizeof(key));
	return st == srtp_err_status_ok ? 0 : -EIO;
}

static void
libsrtp_ctx_clear(struct srtp_ctx *c)
{
	if (priv(c)->session != NULL)
		srtp_dealloc(priv(c)->session);
	priv(c)->session = NULL;
}

static uint8_t
map_status(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return SRTP_RES_OK;
	case srtp_err_status_replay_fail:
		return SRTP_RES_REPLAY;
	case srtp_err_status_replay_old:
		return SRTP_RES_REPLAY_OLD;
	case srtp_err_status_auth_fail:
		return SRTP_RES_AUTH;
	case srtp_err_status_key_expired:
		return SRTP_RES_KEY_EXHAUSTED;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return SRTP_RES_BAD_HEADER;
	default:
		return SRTP_RES_BACKEND;
	}
}

enum op { OP_PROTECT, OP_UNPROTECT, OP_PROTECT_RTCP, OP_UNPROTECT_RTCP };

static unsigned int
run(struct srtp_ctx *c, enum op op, uint8_t *pkts[], uint16_t lens[], unsigned int n, uint8_t res[])
{
	srtp_t s = priv(c)->session;
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++) {
		size_t hdr;
		int len = lens[i];
		srtp_err_status_t st;
		unsigned int r;

		switch (op) {
		case OP_PROTECT:
			r = srtp_rtp_hdr_len(pkts[i], lens[i], 0, &hdr);
			if (r == SRTP_RES_OK && lens[i] > UINT16_MAX - SRTP_MAX_TRAILER)
				r = SRTP_RES_TOO_LONG;
			st = r == SRTP_RES_OK ? srtp_protect(s, pkts[i], &len) : srtp_err_status_ok;
			break;
		case OP_UNPROTECT:
			r = srtp_rtp_hdr_len(pkts[i], lens[i], c->tag_len, &hdr);
			st = r == SRTP_RES_OK ? srtp_unprotect(s, pkts[i], &len)
			                      : srtp_err_status_ok;
			break;
		case OP_PROTECT_RTCP:
			r = srtp_rtcp_check(pkts[i], lens[i], 0);
			if (r == SRTP_RES_OK && lens[i] > UINT16_MAX - SRTP_MAX_TRAILER)
				r = SRTP_RES_TOO_LONG;
			st = r == SRTP_RES_OK ? srtp_protect_rtcp(s, pkts[i], &len)
			                      : srtp_err_status_ok;
			break;
		default:
			r = srtp_rtcp_check(pkts[i], lens[i], SRTP_RTCP_TRAILER_LEN + c->tag_len);
			st = r == SRTP_RES_OK ? srtp_unprotect_rtcp(s, pkts[i], &len)
			                      : srtp_err_status_ok;
			break;
		}
		if (r == SRTP_RES_OK)
			r = map_status(st);
		res[i] = (uint8_t)r;
		if (r == SRTP_RES_OK) {
			lens[i] = (uint16_t)len;
			ok++;
		}
	}
	return ok;
}

static unsigned int
libsrtp_protect(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	(void)e;
	return run(c, OP_PROTECT, pkts, lens, n, res);
}

static unsigned int
libsrtp_unprotect(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	(void)e;
	return run(c, OP_UNPROTECT, pkts, lens, n, res);
}

static unsigned int
libsrtp_protect_rtcp(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	(void)e;
	return run(c, OP_PROTECT_RTCP, pkts, lens, n, res);
}

static unsigned int
libsrtp_unprotect_rtcp(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	(void)e;
	return run(c, OP_UNPROTECT_RTCP, pkts, lens, n, res);
}

const struct srtp_backend srtp_backend_libsrtp = {
        .api_version = SRTP_API_VERSION,
        .name = "libsrtp",
        .probe = libsrtp_probe,
        .selftest = libsrtp_selftest,
        .engine_create = libsrtp_engine_create,
        .engine_free = libsrtp_engine_free,
        .ctx_init = libsrtp_ctx_init,
        .ctx_clear = libsrtp_ctx_clear,
        .protect = libsrtp_protect,
        .unprotect = libsrtp_unprotect,
        .protect_rtcp = libsrtp_protect_rtcp,
        .unprotect_rtcp = libsrtp_unprotect_rtcp,
};
