/*
 * SRTP/SRTCP (dataplane/proto/srtp.[ch]) on both backends, "ipsec-mb" (our
 * framing on intel-ipsec-mb jobs) and "libsrtp" (libsrtp2, the reference):
 *
 * - vectors from tests/vectors/srtp/: RFC 3711 B.3 (KDF) and B.2 (AES-CM
 *   keystream: the whole segment through the KDF/CTR path, the first blocks
 *   through a protected packet on ipsec-mb and through libsrtp's own AES-ICM
 *   cipher); RFC 7714 §16/§17 AES-128 RTP and RTCP, encrypted and
 *   authentication-only (session keys given: ipsec-mb through
 *   srtp_ctx_init_session(); libsrtp's API takes master keys only, so there
 *   its AES-GCM cipher is checked with our IV and AAD); the libsrtp
 *   full-packet KATs for both profiles on both backends. AES-256 vectors
 *   (RFC 6188, RFC 7714 aes256) are not run: no AES-256 profile is offered.
 * - cross-tests: what one backend protects the other unprotects, both
 *   profiles, RTP and RTCP, both ways, byte-identical output, across a ROC
 *   rollover with loss and reordering, several SSRCs, bursts of 1..40;
 * - replays (also within one burst), packets older than the window,
 *   tampered header/payload/tag/trailer, short and malformed packets,
 *   the SSRC table bound, wrong direction, wrong engine.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "srtp.h"
#include "srtp_internal.h" /* index estimate and replay window, tested alone */

/* libsrtp2 exports it, but its header (crypto_kernel.h) is not installed */
srtp_err_status_t srtp_crypto_kernel_alloc_cipher(
        srtp_cipher_type_id_t id, srtp_cipher_pointer_t *cp, int key_len, int tag_len);

#define ROOM 2048
#define NBE 2

static const struct srtp_backend *be[NBE]; /* [0] ipsec-mb, [1] libsrtp */
static struct srtp_engine *eng[NBE];
static struct srtp_ctx tx_ctx, rx_ctx, tmp_ctx;

static const enum srtp_profile profiles[2] = {
        SRTP_PROFILE_AES128_CM_SHA1_80, SRTP_PROFILE_AEAD_AES_128_GCM};

/* ---- vector files: "name = hex" lines ---- */

static size_t
vec_get(const char *file, const char *name, uint8_t *out, size_t cap)
{
	const char *dir = getenv("RTC_VECTORS");
	char path[512], line[4096];
	FILE *f;
	size_t n = 0;
	int found = 0;

	snprintf(path, sizeof(path), "%s/srtp/%s", dir ? dir : "tests/vectors", file);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (set RTC_VECTORS)", path);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *eq = strchr(line, '='), *p;
		size_t kl;

		if (line[0] == '#' || eq == NULL)
			continue;
		for (kl = (size_t)(eq - line); kl > 0 && line[kl - 1] == ' '; kl--)
			;
		if (kl != strlen(name) || strncmp(line, name, kl) != 0)
			continue;
		found = 1;
		for (p = eq + 1; *p != '\0';) {
			unsigned int v;
			if (*p == ' ' || *p == '\n' || *p == '\r') {
				p++;
				continue;
			}
			if (sscanf(p, "%2x", &v) != 1 || n >= cap)
				fail_msg("bad hex in %s: %s", file, name);
			out[n++] = (uint8_t)v;
			p += 2;
		}
	}
	fclose(f);
	if (!found)
		fail_msg("%s: no %s", file, name);
	return n;
}

/* ---- helpers ---- */

static void
params_fill(struct srtp_params *p, enum srtp_profile prof, enum srtp_direction dir, uint32_t flags,
        uint8_t seed)
{
	memset(p, 0, sizeof(*p));
	p->profile = prof;
	p->dir = dir;
	p->flags = flags;
	for (int i = 0; i < SRTP_MASTER_KEY_MAX; i++)
		p->master_key[i] = (uint8_t)(seed * 31 + i * 7 + 1);
	for (int i = 0; i < SRTP_MASTER_SALT_MAX; i++)
		p->master_salt[i] = (uint8_t)(seed * 17 + i * 3 + 5);
}

static void
ctx_make(struct srtp_ctx *c, int b, enum srtp_profile prof, enum srtp_direction dir, uint32_t flags,
        uint8_t seed)
{
	struct srtp_params p;

	params_fill(&p, prof, dir, flags, seed);
	assert_int_equal(srtp_ctx_init(c, be[b], eng[b], &p), 0);
}

static uint8_t
one(int b, struct srtp_ctx *c, int op, uint8_t *buf, uint16_t *len)
{
	uint8_t res = 0xff;
	unsigned int n;

	switch (op) {
	case 0:
		n = srtp_protect_burst(eng[b], c, &buf, len, 1, &res);
		break;
	case 1:
		n = srtp_unprotect_burst(eng[b], c, &buf, len, 1, &res);
		break;
	case 2:
		n = srtp_protect_rtcp_burst(eng[b], c, &buf, len, 1, &res);
		break;
	default:
		n = srtp_unprotect_rtcp_burst(eng[b], c, &buf, len, 1, &res);
		break;
	}
	assert_int_equal(n, res == SRTP_RES_OK);
	return res;
}

/* An RTP packet: @cc CSRCs, optional one-word extension, @plen payload octets. */
static uint16_t
rtp_make(uint8_t *p, uint32_t ssrc, uint16_t seq, int cc, int ext, size_t plen)
{
	size_t h = 12;

	p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = 0x12, p[5] = 0x34, p[6] = (uint8_t)(seq >> 4), p[7] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24), p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8), p[11] = (uint8_t)ssrc;
	for (int i = 0; i < cc; i++, h += 4)
		memset(p + h, 0xc0 + i, 4);
	if (ext) {
		p[h] = 0xbe, p[h + 1] = 0xde, p[h + 2] = 0, p[h + 3] = 1;
		memset(p + h + 4, 0x42, 4);
		h += 8;
	}
	for (size_t i = 0; i < plen; i++)
		p[h + i] = (uint8_t)(seq * 13 + i * 5 + ssrc);
	return (uint16_t)(h + plen);
}

/* An RTCP packet: SR header with @ssrc, @words more 32-bit words. */
static uint16_t
rtcp_make(uint8_t *p, uint32_t ssrc, int words, uint8_t fill)
{
	p[0] = 0x80;
	p[1] = 200;
	p[2] = 0;
	p[3] = (uint8_t)(words + 1);
	p[4] = (uint8_t)(ssrc >> 24), p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8), p[7] = (uint8_t)ssrc;
	for (int i = 0; i < words * 4; i++)
		p[8 + i] = (uint8_t)(fill + i);
	return (uint16_t)(8 + words * 4);
}

/* ---- setup ---- */

static int
setup(void **state)
{
	char why[256];

	(void)state;
	be[0] = srtp_backend_select("ipsec-mb", why, sizeof(why));
	if (be[0] == NULL)
		fail_msg("%s", why);
	printf("# %s\n", why);
	be[1] = srtp_backend_select("libsrtp", why, sizeof(why));
	if (be[1] == NULL)
		fail_msg("%s", why);
	for (int b = 0; b < NBE; b++) {
		eng[b] = srtp_engine_create(be[b]);
		assert_non_null(eng[b]);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int b = 0; b < NBE; b++)
		srtp_engine_free(be[b], eng[b]);
	return 0;
}

/* ---- selection ---- */

static void
test_select(void **state)
{
	char why[256];

	(void)state;
	assert_ptr_equal(srtp_backend_select("auto", why, sizeof(why)), be[0]);
	assert_non_null(strstr(why, "ipsec-mb"));
	assert_null(srtp_backend_select("openssl", why, sizeof(why)));
	assert_non_null(strstr(why, "no SRTP backend"));
	assert_ptr_equal(srtp_backend_find("libsrtp"), be[1]);
	assert_string_equal(srtp_result_name(SRTP_RES_REPLAY_OLD), "REPLAY_OLD");
	assert_string_equal(srtp_result_name(200), "?");
	for (unsigned int r = 0; r < SRTP_RES__COUNT; r++)
		assert_true(strlen(srtp_result_str(r)) > 1);
}

/* ---- RFC 3711 B.3 and B.2 ---- */

static void
test_rfc3711_b3_kdf(void **state)
{
	const char *f = "rfc3711_B.3_key_derivation.txt";
	uint8_t mk[16], ms[14], want[128], got[128];
	size_t n;
	struct srtp_params p;
	struct srtp_session_keys rtp, rtcp;

	(void)state;
	vec_get(f, "master_key", mk, sizeof(mk));
	vec_get(f, "master_salt", ms, sizeof(ms));
	n = vec_get(f, "cipher_key", want, sizeof(want));
	assert_int_equal(srtp_kdf(mk, 16, ms, 14, 0, got, n), 0);
	assert_memory_equal(got, want, n);
	n = vec_get(f, "cipher_salt", want, sizeof(want));
	assert_int_equal(srtp_kdf(mk, 16, ms, 14, 2, got, n), 0);
	assert_memory_equal(got, want, n);
	n = vec_get(f, "auth_key_94", want, sizeof(want));
	assert_int_equal(n, 94);
	assert_int_equal(srtp_kdf(mk, 16, ms, 14, 1, got, n), 0);
	assert_memory_equal(got, want, n);
	assert_int_equal(srtp_kdf(mk, 15, ms, 14, 1, got, n), -EINVAL);

	params_fill(&p, SRTP_PROFILE_AES128_CM_SHA1_80, SRTP_DIR_INBOUND, 0, 0);
	memcpy(p.master_key, mk, 16);
	memcpy(p.master_salt, ms, 14);
	assert_int_equal(srtp_session_keys_derive(&p, &rtp, &rtcp), 0);
	vec_get(f, "cipher_key", want, sizeof(want));
	assert_memory_equal(rtp.enc, want, 16);
	vec_get(f, "cipher_salt", want, sizeof(want));
	assert_memory_equal(rtp.salt, want, 14);
	vec_get(f, "auth_key_20", want, sizeof(want));
	assert_memory_equal(rtp.auth, want, 20);
}

static void
test_rfc3711_b2_keystream(void **state)
{
	const char *f = "rfc3711_B.2_aes_cm_keystream.txt";
	static const char *const blocks[] = {"0000", "0001", "0002", "FEFF", "FF00", "FF01"};
	uint8_t key[16], salt[14], want[16], seg_len_b[8];
	size_t seg = 1044512;
	uint8_t *ks = malloc(seg);
	struct srtp_params p;
	struct srtp_session_keys sk = {0};
	uint8_t buf[ROOM];
	uint16_t len;

	(void)state;
	(void)seg_len_b;
	assert_non_null(ks);
	vec_get(f, "session_key", key, sizeof(key));
	vec_get(f, "session_salt", salt, sizeof(salt));
	/* the KDF/CTR path: label 0 leaves the counter block at salt * 2^16 */
	assert_int_equal(srtp_kdf(key, 16, salt, 14, 0, ks, seg), 0);
	for (size_t i = 0; i < 6; i++) {
		char name[32];
		unsigned int blk = (unsigned int)strtoul(blocks[i], NULL, 16);
		snprintf(name, sizeof(name), "keystream.%s", blocks[i]);
		vec_get(f, name, want, sizeof(want));
		assert_memory_equal(ks + 16 * blk, want, 16);
	}

	/* ipsec-mb: an RTP packet with SSRC 0, SEQ 0, ROC 0 and a zero payload */
	memcpy(sk.enc, key, 16);
	memcpy(sk.salt, salt, 14);
	params_fill(&p, SRTP_PROFILE_AES128_CM_SHA1_80, SRTP_DIR_OUTBOUND, 0, 0);
	assert_int_equal(srtp_ctx_init_session(&tx_ctx, be[0], eng[0], &p, &sk, &sk), 0);
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x80;
	len = 12 + 48;
	assert_int_equal(one(0, &tx_ctx, 0, buf, &len), SRTP_RES_OK);
	assert_memory_equal(buf + 12, ks, 48);
	srtp_ctx_clear(&tx_ctx);
	/* libsrtp: master keys only */
	assert_int_equal(srtp_ctx_init_session(&tx_ctx, be[1], eng[1], &p, &sk, &sk), -ENOTSUP);

	/* libsrtp's own AES-ICM cipher over the whole segment */
	{
		srtp_cipher_t *c = NULL;
		uint8_t kw[30], iv[16] = {0};
		unsigned int l = (unsigned int)seg;
		memcpy(kw, key, 16);
		memcpy(kw + 16, salt, 14);
		assert_int_equal(srtp_crypto_kernel_alloc_cipher(SRTP_AES_ICM_128, &c, 30, 0),
		        srtp_err_status_ok);
		assert_int_equal(srtp_cipher_init(c, kw), srtp_err_status_ok);
		assert_int_equal(
		        srtp_cipher_set_iv(c, iv, srtp_direction_encrypt), srtp_err_status_ok);
		memset(ks, 0, seg);
		assert_int_equal(srtp_cipher_encrypt(c, ks, &l), srtp_err_status_ok);
		for (size_t i = 0; i < 6; i++) {
			char name[32];
			unsigned int blk = (unsigned int)strtoul(blocks[i], NULL, 16);
			snprintf(name, sizeof(name), "keystream.%s", blocks[i]);
			vec_get(f, name, want, sizeof(want));
			assert_memory_equal(ks + 16 * blk, want, 16);
		}
		srtp_cipher_dealloc(c);
	}
	free(ks);
}

/* ---- RFC 7714 ---- */

static void
gcm_session(struct srtp_session_keys *sk, const char *file)
{
	memset(sk, 0, sizeof(*sk));
	vec_get(file, "aes128.key", sk->enc, sizeof(sk->enc));
	assert_int_equal(vec_get(file, "salt", sk->salt, sizeof(sk->salt)), 12);
}

/* libsrtp's AES-GCM cipher on @iv / @aad / @pt; the output and tag must be @want. */
static void
libsrtp_gcm_check(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
        const uint8_t *pt, size_t pt_len, const uint8_t *want_ct, const uint8_t *want_tag)
{
	srtp_cipher_t *c = NULL;
	uint8_t kw[28] = {0}, buf[256], tag[16], ivb[16] = {0};
	unsigned int l = (unsigned int)pt_len;
	uint32_t tl = 16;

	memcpy(kw, key, 16);
	memcpy(ivb, iv, 12);
	if (pt_len > 0)
		memcpy(buf, pt, pt_len);
	assert_int_equal(
	        srtp_crypto_kernel_alloc_cipher(SRTP_AES_GCM_128, &c, 28, 16), srtp_err_status_ok);
	assert_int_equal(srtp_cipher_init(c, kw), srtp_err_status_ok);
	assert_int_equal(srtp_cipher_set_iv(c, ivb, srtp_direction_encrypt), srtp_err_status_ok);
	assert_int_equal(srtp_cipher_set_aad(c, aad, (uint32_t)aad_len), srtp_err_status_ok);
	assert_int_equal(srtp_cipher_encrypt(c, buf, &l), srtp_err_status_ok);
	assert_int_equal(srtp_cipher_get_tag(c, tag, &tl), srtp_err_status_ok);
	if (pt_len > 0)
		assert_memory_equal(buf, want_ct, pt_len);
	assert_memory_equal(tag, want_tag, 16);
	srtp_cipher_dealloc(c);
}

static void
test_rfc7714_rtp(void **state)
{
	const char *f = "rfc7714_16_aead_aes_gcm_rtp.txt";
	struct srtp_session_keys sk;
	struct srtp_params p;
	uint8_t plain[256], want[256], buf[ROOM], iv[12];
	size_t pn, wn;
	uint16_t len;

	(void)state;
	gcm_session(&sk, f);
	pn = vec_get(f, "rtp_plain", plain, sizeof(plain));
	vec_get(f, "iv", iv, sizeof(iv));
	for (int auth_only = 0; auth_only < 2; auth_only++) {
		uint32_t fl = auth_only ? SRTP_F_UNENCRYPTED_SRTP : 0;

		wn = vec_get(f, auth_only ? "aes128.auth_only" : "aes128.srtp", want, sizeof(want));
		params_fill(&p, SRTP_PROFILE_AEAD_AES_128_GCM, SRTP_DIR_OUTBOUND, fl, 0);
		assert_int_equal(srtp_ctx_init_session(&tx_ctx, be[0], eng[0], &p, &sk, &sk), 0);
		memcpy(buf, plain, pn);
		len = (uint16_t)pn;
		assert_int_equal(one(0, &tx_ctx, 0, buf, &len), SRTP_RES_OK);
		assert_int_equal(len, wn);
		assert_memory_equal(buf, want, wn);
		srtp_ctx_clear(&tx_ctx);

		p.dir = SRTP_DIR_INBOUND;
		assert_int_equal(srtp_ctx_init_session(&rx_ctx, be[0], eng[0], &p, &sk, &sk), 0);
		assert_int_equal(one(0, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
		assert_int_equal(len, pn);
		assert_memory_equal(buf, plain, pn);
		memcpy(buf, want, wn); /* again: a replay */
		len = (uint16_t)wn;
		assert_int_equal(one(0, &rx_ctx, 1, buf, &len), SRTP_RES_REPLAY);
		srtp_ctx_clear(&rx_ctx);
	}
	/* libsrtp: its GCM cipher with the RFC's IV and AAD (header; or all of it) */
	wn = vec_get(f, "aes128.srtp", want, sizeof(want));
	libsrtp_gcm_check(sk.enc, iv, plain, 12, plain + 12, pn - 12, want + 12, want + wn - 16);
	wn = vec_get(f, "aes128.auth_only", want, sizeof(want));
	libsrtp_gcm_check(sk.enc, iv, plain, pn, NULL, 0, NULL, want + wn - 16);
}

static void
test_rfc7714_rtcp(void **state)
{
	const char *f = "rfc7714_17_aead_aes_gcm_rtcp.txt";
	struct srtp_session_keys sk;
	struct srtp_params p;
	uint8_t plain[256], want[256], buf[ROOM], idxb[4];
	size_t pn, wn;
	uint16_t len;
	uint32_t idx;

	(void)state;
	gcm_session(&sk, f);
	pn = vec_get(f, "rtcp_plain", plain, sizeof(plain));
	vec_get(f, "srtcp_index", idxb, sizeof(idxb));
	idx = (uint32_t)idxb[0] << 24 | (uint32_t)idxb[1] << 16 | (uint32_t)idxb[2] << 8 | idxb[3];
	for (int auth_only = 0; auth_only < 2; auth_only++) {
		uint32_t fl = auth_only ? SRTP_F_UNENCRYPTED_SRTCP : 0;

		wn = vec_get(
		        f, auth_only ? "aes128.auth_only" : "aes128.srtcp", want, sizeof(want));
		/* unprotect the RFC's packet as received (E flag read from the packet) */
		params_fill(&p, SRTP_PROFILE_AEAD_AES_128_GCM, SRTP_DIR_INBOUND, 0, 0);
		assert_int_equal(srtp_ctx_init_session(&rx_ctx, be[0], eng[0], &p, &sk, &sk), 0);
		memcpy(buf, want, wn);
		len = (uint16_t)wn;
		assert_int_equal(one(0, &rx_ctx, 3, buf, &len), SRTP_RES_OK);
		assert_int_equal(len, pn);
		assert_memory_equal(buf, plain, pn);
		memcpy(buf, want, wn);
		len = (uint16_t)wn;
		assert_int_equal(one(0, &rx_ctx, 3, buf, &len), SRTP_RES_REPLAY);
		srtp_ctx_clear(&rx_ctx);

		/* protect: the sender's index counts from 1; send idx - 1 packets first */
		params_fill(&p, SRTP_PROFILE_AEAD_AES_128_GCM, SRTP_DIR_OUTBOUND, fl, 0);
		assert_int_equal(srtp_ctx_init_session(&tx_ctx, be[0], eng[0], &p, &sk, &sk), 0);
		for (uint32_t i = 1; i < idx; i++) {
			memcpy(buf, plain, pn);
			len = (uint16_t)pn;
			assert_int_equal(one(0, &tx_ctx, 2, buf, &len), SRTP_RES_OK);
		}
		memcpy(buf, plain, pn);
		len = (uint16_t)pn;
		assert_int_equal(one(0, &tx_ctx, 2, buf, &len), SRTP_RES_OK);
		assert_int_equal(len, wn);
		assert_memory_equal(buf, want, wn);
		srtp_ctx_clear(&tx_ctx);
	}
	/* libsrtp's GCM cipher: IV (00 00 || SSRC || 00 00 || index) ^ salt, AAD header || E|index
	 */
	{
		uint8_t iv[12] = {0}, aad[12];
		wn = vec_get(f, "aes128.srtcp", want, sizeof(want));
		memcpy(iv + 2, plain + 4, 4);
		memcpy(iv + 8, idxb, 4);
		for (int i = 0; i < 12; i++)
			iv[i] ^= sk.salt[i];
		memcpy(aad, plain, 8);
		memcpy(aad + 8, want + wn - 4, 4);
		libsrtp_gcm_check(sk.enc, iv, aad, 12, plain + 8, pn - 8, want + 8, want + wn - 20);
	}
}

/* ---- libsrtp KATs from the files, on both backends ---- */

static void
test_libsrtp_kats(void **state)
{
	static const char *const files[2] = {
	        "libsrtp_kat_aes_cm_128_hmac_sha1_80.txt", "libsrtp_kat_aead_aes_128_gcm.txt"};

	(void)state;
	for (int b = 0; b < NBE; b++)
		for (int k = 0; k < 2; k++) {
			struct srtp_params p = {.profile = profiles[k]};
			uint8_t rtp[64], srtp[64], rtcp[64], srtcp[64], buf[ROOM];
			size_t n1 = vec_get(files[k], "rtp_plain", rtp, sizeof(rtp));
			size_t n2 = vec_get(files[k], "srtp", srtp, sizeof(srtp));
			size_t n3 = vec_get(files[k], "rtcp_plain", rtcp, sizeof(rtcp));
			size_t n4 = vec_get(files[k], "srtcp", srtcp, sizeof(srtcp));
			uint16_t len;

			vec_get(files[k], "master_key", p.master_key, sizeof(p.master_key));
			vec_get(files[k], "master_salt", p.master_salt, sizeof(p.master_salt));
			p.dir = SRTP_DIR_OUTBOUND;
			assert_int_equal(srtp_ctx_init(&tx_ctx, be[b], eng[b], &p), 0);
			p.dir = SRTP_DIR_INBOUND;
			assert_int_equal(srtp_ctx_init(&rx_ctx, be[b], eng[b], &p), 0);
			memcpy(buf, rtp, n1);
			len = (uint16_t)n1;
			assert_int_equal(one(b, &tx_ctx, 0, buf, &len), SRTP_RES_OK);
			assert_int_equal(len, n2);
			assert_memory_equal(buf, srtp, n2);
			assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
			assert_memory_equal(buf, rtp, n1);
			memcpy(buf, rtcp, n3);
			len = (uint16_t)n3;
			assert_int_equal(one(b, &tx_ctx, 2, buf, &len), SRTP_RES_OK);
			assert_int_equal(len, n4);
			assert_memory_equal(buf, srtcp, n4);
			assert_int_equal(one(b, &rx_ctx, 3, buf, &len), SRTP_RES_OK);
			assert_int_equal(len, n3);
			assert_memory_equal(buf, rtcp, n3);
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

/* ---- cross-tests ---- */

#define XN 300

/*
 * Packets of 3 SSRCs with varied CSRC/extension/payload, sequence numbers
 * from 65400 across the rollover with gaps; protected by both backends in
 * bursts of @bs (must be byte-identical), then unprotected by each backend
 * from the other's output, partly reordered.
 */
static void
cross_rtp(enum srtp_profile prof, uint32_t flags, unsigned int bs)
{
	static uint8_t pk[NBE][XN][ROOM], orig[XN][ROOM];
	static uint16_t ln[NBE][XN], olen[XN];
	static struct srtp_ctx tx[NBE], rx[NBE];
	static const uint32_t ssrcs[3] = {0x11111111, 0xcafebabe, 0x00000001};
	uint16_t seq[3] = {65400, 65500, 65535};
	unsigned int order[XN];

	for (unsigned int i = 0; i < XN; i++) {
		unsigned int s = i % 3;
		olen[i] = rtp_make(
		        orig[i], ssrcs[s], seq[s], (int)(i % 4), (int)(i % 5 == 0), (i * 37) % 200);
		seq[s] = (uint16_t)(seq[s] + 1 + (i % 7 == 3) * 5); /* losses */
	}
	for (int b = 0; b < NBE; b++) {
		ctx_make(&tx[b], b, prof, SRTP_DIR_OUTBOUND, flags, 9);
		ctx_make(&rx[b], b, prof, SRTP_DIR_INBOUND, flags, 9);
		for (unsigned int i = 0; i < XN; i += bs) {
			uint8_t *pp[64], res[64];
			unsigned int n = XN - i < bs ? XN - i : bs;
			for (unsigned int j = 0; j < n; j++) {
				memcpy(pk[b][i + j], orig[i + j], olen[i + j]);
				ln[b][i + j] = olen[i + j];
				pp[j] = pk[b][i + j];
			}
			assert_int_equal(
			        srtp_protect_burst(eng[b], &tx[b], pp, &ln[b][i], n, res), n);
		}
	}
	for (unsigned int i = 0; i < XN; i++) {
		assert_int_equal(ln[0][i], ln[1][i]);
		assert_memory_equal(pk[0][i], pk[1][i], ln[0][i]);
		assert_int_equal(ln[0][i], olen[i] + srtp_profile_tag_len(prof));
	}
	/* reorder: swap neighbours every 10 packets (also across the rollover) */
	for (unsigned int i = 0; i < XN; i++)
		order[i] = i;
	for (unsigned int i = 0; i + 3 < XN; i += 10) {
		unsigned int t = order[i];
		order[i] = order[i + 3];
		order[i + 3] = t;
	}
	for (int b = 0; b < NBE; b++) {
		int other = 1 - b;
		for (unsigned int i = 0; i < XN; i += bs) {
			uint8_t *pp[64], res[64];
			uint16_t lens[64];
			unsigned int n = XN - i < bs ? XN - i : bs;
			for (unsigned int j = 0; j < n; j++) {
				pp[j] = pk[other][order[i + j]];
				lens[j] = ln[other][order[i + j]];
			}
			assert_int_equal(srtp_unprotect_burst(eng[b], &rx[b], pp, lens, n, res), n);
			for (unsigned int j = 0; j < n; j++) {
				assert_int_equal(lens[j], olen[order[i + j]]);
				assert_memory_equal(pp[j], orig[order[i + j]], lens[j]);
			}
		}
		srtp_ctx_clear(&tx[b]);
		srtp_ctx_clear(&rx[b]);
	}
}

static void
cross_rtcp(enum srtp_profile prof, uint32_t flags, unsigned int bs)
{
	static uint8_t pk[NBE][XN][ROOM], orig[XN][ROOM];
	static uint16_t ln[NBE][XN], olen[XN];
	static struct srtp_ctx tx[NBE], rx[NBE];

	for (unsigned int i = 0; i < XN; i++)
		olen[i] = rtcp_make(
		        orig[i], i % 2 ? 0x22222222 : 0xdeadbeef, (int)(i % 40), (uint8_t)i);
	for (int b = 0; b < NBE; b++) {
		ctx_make(&tx[b], b, prof, SRTP_DIR_OUTBOUND, flags, 4);
		ctx_make(&rx[b], b, prof, SRTP_DIR_INBOUND, flags, 4);
		for (unsigned int i = 0; i < XN; i += bs) {
			uint8_t *pp[64], res[64];
			unsigned int n = XN - i < bs ? XN - i : bs;
			for (unsigned int j = 0; j < n; j++) {
				memcpy(pk[b][i + j], orig[i + j], olen[i + j]);
				ln[b][i + j] = olen[i + j];
				pp[j] = pk[b][i + j];
			}
			assert_int_equal(
			        srtp_protect_rtcp_burst(eng[b], &tx[b], pp, &ln[b][i], n, res), n);
		}
	}
	for (unsigned int i = 0; i < XN; i++) {
		assert_int_equal(ln[0][i], ln[1][i]);
		assert_memory_equal(pk[0][i], pk[1][i], ln[0][i]);
		assert_int_equal(ln[0][i], olen[i] + srtp_profile_tag_len(prof) + 4);
		/* E flag */
		assert_int_equal(!!(pk[0][i][prof == SRTP_PROFILE_AEAD_AES_128_GCM ? ln[0][i] - 4
		                                                                   : olen[i]] &
		                         0x80),
		        !(flags & SRTP_F_UNENCRYPTED_SRTCP));
	}
	for (int b = 0; b < NBE; b++) {
		int other = 1 - b;
		for (unsigned int i = 0; i < XN; i += bs) {
			uint8_t *pp[64], res[64];
			uint16_t lens[64];
			unsigned int n = XN - i < bs ? XN - i : bs;
			for (unsigned int j = 0; j < n; j++) {
				pp[j] = pk[other]
				          [XN - 1 - (i + j)]; /* backwards: within the window */
				lens[j] = ln[other][XN - 1 - (i + j)];
			}
			unsigned int ok =
			        srtp_unprotect_rtcp_burst(eng[b], &rx[b], pp, lens, n, res);
			for (unsigned int j = 0; j < n; j++) {
				unsigned int k = XN - 1 - (i + j);
				/* per SSRC, indices 150..1 arrive backwards: the window (128) ends
				 */
				if ((k / 2) + 128 <= (XN - 1) / 2) {
					assert_int_equal(res[j], SRTP_RES_REPLAY_OLD);
					continue;
				}
				assert_int_equal(res[j], SRTP_RES_OK);
				assert_int_equal(lens[j], olen[k]);
				assert_memory_equal(pp[j], orig[k], lens[j]);
			}
			(void)ok;
		}
		srtp_ctx_clear(&tx[b]);
		srtp_ctx_clear(&rx[b]);
	}
}

static void
test_cross(void **state)
{
	static const unsigned int bursts[] = {1, 5, 32, 40};

	(void)state;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++) {
			cross_rtp(profiles[k], 0, bursts[i]);
			cross_rtcp(profiles[k], 0, bursts[i]);
		}
}

static void
test_cross_unencrypted(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		cross_rtcp(profiles[k], SRTP_F_UNENCRYPTED_SRTCP, 32);
		cross_rtcp(profiles[k], SRTP_F_UNENCRYPTED_SRTCP, 3);
	}
	/* libsrtp 2.5 ignores sec_serv_auth for AES-GCM RTP: only CM is cross-tested here */
	cross_rtp(SRTP_PROFILE_AES128_CM_SHA1_80, SRTP_F_UNENCRYPTED_SRTP, 32);
}

/* ---- ROC rollover, replay, window ---- */

static void
send_seq(int pb, struct srtp_ctx *tx, uint32_t ssrc, uint16_t seq, uint8_t *buf, uint16_t *len)
{
	*len = rtp_make(buf, ssrc, seq, 0, 0, 160);
	assert_int_equal(one(pb, tx, 0, buf, len), SRTP_RES_OK);
}

static void
test_roc_rollover_replay(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int pb = 0; pb < NBE; pb++) {
			int ub = 1 - pb;
			static uint8_t saved[8][ROOM];
			uint16_t slen[8];
			uint8_t buf[ROOM];
			uint16_t len;

			ctx_make(&tx_ctx, pb, profiles[k], SRTP_DIR_OUTBOUND, 0, 3);
			ctx_make(&rx_ctx, ub, profiles[k], SRTP_DIR_INBOUND, 0, 3);
			/* 65530..65535 received, except 65534, which comes after the rollover */
			for (uint32_t s = 65530; s <= 65535; s++) {
				send_seq(pb, &tx_ctx, 7, (uint16_t)s, buf, &len);
				if (s == 65534) {
					memcpy(saved[0], buf, len);
					slen[0] = len;
					continue;
				}
				if (s == 65535) {
					memcpy(saved[1], buf, len);
					slen[1] = len;
				}
				assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
			}
			/* ROC 1: seq 0..19 lost, 20 arrives */
			for (uint32_t s = 0; s <= 20; s++)
				send_seq(pb, &tx_ctx, 7, (uint16_t)s, buf, &len);
			memcpy(saved[2], buf, len);
			slen[2] = len;
			assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
			/* late 65534 (ROC 0) after 20 (ROC 1): estimated as ROC - 1, accepted */
			memcpy(buf, saved[0], slen[0]);
			len = slen[0];
			assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
			/* replays */
			for (int i = 0; i < 3; i++) {
				memcpy(buf, saved[i], slen[i]);
				len = slen[i];
				assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_REPLAY);
			}
			/* 200 more; then 20 (ROC 1) is older than the window */
			for (uint32_t s = 21; s <= 220; s++) {
				send_seq(pb, &tx_ctx, 7, (uint16_t)s, buf, &len);
				assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_OK);
			}
			memcpy(buf, saved[2], slen[2]);
			len = slen[2];
			assert_int_equal(one(ub, &rx_ctx, 1, buf, &len), SRTP_RES_REPLAY_OLD);
			/* an unseen packet at the edge of the window (index top - 127): ok */
			(void)saved;
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

/* The window edge: top - 127 is in, top - 128 is out; a duplicate within one burst. */
static void
test_window_edge_and_burst_dup(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			static uint8_t p[300][ROOM];
			uint16_t l[300];
			uint8_t *pp[3], res[3];
			uint16_t lens[3];

			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, 0, 5);
			ctx_make(&rx_ctx, b, profiles[k], SRTP_DIR_INBOUND, 0, 5);
			for (int s = 0; s < 300; s++)
				send_seq(b, &tx_ctx, 99, (uint16_t)(1000 + s), p[s], &l[s]);
			assert_int_equal(one(b, &rx_ctx, 1, p[299], &l[299]), SRTP_RES_OK);
			assert_int_equal(one(b, &rx_ctx, 1, p[299 - 128], &l[299 - 128]),
			        SRTP_RES_REPLAY_OLD);
			assert_int_equal(
			        one(b, &rx_ctx, 1, p[299 - 127], &l[299 - 127]), SRTP_RES_OK);
			/* a burst with the same packet twice, and a new one */
			srtp_ctx_clear(&rx_ctx);
			ctx_make(&rx_ctx, b, profiles[k], SRTP_DIR_INBOUND, 0, 5);
			memcpy(p[1], p[0], l[0]);
			l[1] = l[0];
			pp[0] = p[0], pp[1] = p[1], pp[2] = p[2];
			lens[0] = l[0], lens[1] = l[1], lens[2] = l[2];
			assert_int_equal(
			        srtp_unprotect_burst(eng[b], &rx_ctx, pp, lens, 3, res), 2);
			assert_int_equal(res[0], SRTP_RES_OK);
			assert_int_equal(res[1], SRTP_RES_REPLAY);
			assert_int_equal(res[2], SRTP_RES_OK);
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

/* The sender refuses to protect an index twice, unless allowed (then the bytes are the same). */
static void
test_repeat_tx(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			uint8_t a[ROOM], c[ROOM];
			uint16_t la, lc;

			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, 0, 1);
			send_seq(b, &tx_ctx, 5, 10, a, &la);
			lc = rtp_make(c, 5, 10, 0, 0, 160);
			assert_int_equal(one(b, &tx_ctx, 0, c, &lc), SRTP_RES_REPLAY);
			srtp_ctx_clear(&tx_ctx);
			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, SRTP_F_ALLOW_REPEAT_TX,
			        1);
			send_seq(b, &tx_ctx, 5, 10, a, &la);
			send_seq(b, &tx_ctx, 5, 10, c, &lc);
			assert_int_equal(la, lc);
			assert_memory_equal(a, c, la);
			srtp_ctx_clear(&tx_ctx);
		}
}

/* ---- tampering and malformed input ---- */

static void
test_tamper(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			uint8_t good[ROOM], buf[ROOM];
			uint16_t gl, len;

			ctx_make(&tx_ctx, 1 - b, profiles[k], SRTP_DIR_OUTBOUND, 0, 8);
			ctx_make(&rx_ctx, b, profiles[k], SRTP_DIR_INBOUND, 0, 8);
			/* RTP: header (marker, timestamp, CSRC), payload, tag, a truncated tag */
			gl = rtp_make(good, 0xabcdef01, 4242, 2, 1, 100);
			assert_int_equal(one(1 - b, &tx_ctx, 0, good, &gl), SRTP_RES_OK);
			static const int where[] = {1, 5, 13, 30, 60, -1, -10};
			for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
				memcpy(buf, good, gl);
				len = gl;
				buf[where[w] >= 0 ? where[w] : gl + where[w]] ^= 0x40;
				assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_AUTH);
			}
			memcpy(buf, good, gl);
			len = (uint16_t)(gl - 1);
			assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_AUTH);
			memcpy(buf, good, gl);
			len = gl;
			assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_OK);

			/* RTCP: header, payload, E flag / index, tag */
			gl = rtcp_make(good, 0x55667788, 6, 3);
			assert_int_equal(one(1 - b, &tx_ctx, 2, good, &gl), SRTP_RES_OK);
			static const int rw[] = {1, 6, 9, 20, -1, -4, -5, -14};
			for (size_t w = 0; w < sizeof(rw) / sizeof(rw[0]); w++) {
				memcpy(buf, good, gl);
				len = gl;
				buf[rw[w] >= 0 ? rw[w] : gl + rw[w]] ^= 0x01;
				assert_int_equal(one(b, &rx_ctx, 3, buf, &len), SRTP_RES_AUTH);
			}
			memcpy(buf, good, gl);
			len = gl;
			assert_int_equal(one(b, &rx_ctx, 3, buf, &len), SRTP_RES_OK);
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

static void
test_malformed(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			uint8_t buf[ROOM];
			uint16_t len;
			size_t tag = srtp_profile_tag_len(profiles[k]);

			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, 0, 2);
			ctx_make(&rx_ctx, b, profiles[k], SRTP_DIR_INBOUND, 0, 2);
			memset(buf, 0, sizeof(buf));
			buf[0] = 0x80;
			for (len = 0; len < 12; len++) {
				uint16_t l = len;
				assert_int_equal(one(b, &tx_ctx, 0, buf, &l), SRTP_RES_SHORT);
				l = len;
				assert_int_equal(one(b, &tx_ctx, 2, buf, &l),
				        len < 8 ? SRTP_RES_SHORT : SRTP_RES_OK);
			}
			len = (uint16_t)(12 + tag - 1);
			assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_SHORT);
			len = (uint16_t)(8 + 4 + tag - 1);
			assert_int_equal(one(b, &rx_ctx, 3, buf, &len), SRTP_RES_SHORT);
			/* version 1; CSRC count past the end; extension length past the end */
			len = rtp_make(buf, 1, 1, 0, 0, 20);
			buf[0] = 0x40;
			assert_int_equal(one(b, &tx_ctx, 0, buf, &len), SRTP_RES_BAD_HEADER);
			len = rtp_make(buf, 1, 1, 0, 0, 20);
			buf[0] = 0x8f;
			assert_int_equal(one(b, &tx_ctx, 0, buf, &len), SRTP_RES_BAD_HEADER);
			len = rtp_make(buf, 1, 1, 0, 1, 0);
			buf[15] = 9;
			assert_int_equal(one(b, &tx_ctx, 0, buf, &len), SRTP_RES_BAD_HEADER);
			len = (uint16_t)(rtp_make(buf, 1, 1, 0, 1, 0) + tag);
			buf[15] = 2;
			assert_int_equal(one(b, &rx_ctx, 1, buf, &len), SRTP_RES_BAD_HEADER);
			len = rtcp_make(buf, 1, 4, 0);
			buf[0] = 0x00;
			assert_int_equal(one(b, &tx_ctx, 2, buf, &len), SRTP_RES_BAD_HEADER);
			/* a protected packet that would pass 65535 octets */
			{
				static uint8_t big[65535 + SRTP_MAX_TRAILER];
				uint16_t bl = 65530;
				memset(big, 0, sizeof(big));
				big[0] = 0x80;
				assert_int_equal(one(b, &tx_ctx, 0, big, &bl), SRTP_RES_TOO_LONG);
			}
			/* wrong direction */
			len = rtp_make(buf, 1, 1, 0, 0, 20);
			assert_int_equal(one(b, &rx_ctx, 0, buf, &len), SRTP_RES_DIRECTION);
			assert_int_equal(one(b, &tx_ctx, 3, buf, &len), SRTP_RES_DIRECTION);
			/* an engine of the other backend */
			{
				uint8_t *pp = buf, res;
				assert_int_equal(
				        srtp_protect_burst(eng[1 - b], &tx_ctx, &pp, &len, 1, &res),
				        0);
				assert_int_equal(res, SRTP_RES_BACKEND);
			}
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

/* Many SSRCs in one context; ipsec-mb's table is bounded (SRTP_MAX_SSRC), libsrtp's is not. */
static void
test_many_ssrc(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			static uint8_t p[SRTP_MAX_SSRC + 1][ROOM];
			uint16_t l[SRTP_MAX_SSRC + 1];
			uint8_t *pp[SRTP_MAX_SSRC + 1], res[SRTP_MAX_SSRC + 1];

			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, 0, 6);
			ctx_make(&rx_ctx, 1 - b, profiles[k], SRTP_DIR_INBOUND, 0, 6);
			for (int i = 0; i <= SRTP_MAX_SSRC; i++) {
				l[i] = rtp_make(p[i], 0x1000u + (uint32_t)i, (uint16_t)(i * 1000),
				        0, 0, 40);
				pp[i] = p[i];
			}
			unsigned int ok =
			        srtp_protect_burst(eng[b], &tx_ctx, pp, l, SRTP_MAX_SSRC + 1, res);
			if (b == 0) {
				assert_int_equal(ok, SRTP_MAX_SSRC);
				assert_int_equal(res[SRTP_MAX_SSRC], SRTP_RES_SSRC_FULL);
			} else {
				assert_int_equal(ok, SRTP_MAX_SSRC + 1);
			}
			ok = srtp_unprotect_burst(eng[1 - b], &rx_ctx, pp, l, SRTP_MAX_SSRC, res);
			assert_int_equal(ok, SRTP_MAX_SSRC);
			/* a further SSRC to the receiver */
			if (b == 1) {
				ok = srtp_unprotect_burst(eng[1 - b], &rx_ctx, &pp[SRTP_MAX_SSRC],
				        &l[SRTP_MAX_SSRC], 1, res);
				assert_int_equal(ok, 0);
				assert_int_equal(res[0], SRTP_RES_SSRC_FULL);
			}
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}
}

/* ---- per-packet internals: index estimate, replay window, SSRC hint ---- */

/* RFC 3711 Appendix A as written (with libsrtp's ROC-0 rule): the reference for the arithmetic. */
static uint64_t
index_guess_ref(uint64_t top, uint16_t seq)
{
	uint64_t roc = top >> 16, s_l = top & 0xffff;

	if (s_l < 32768) {
		if (seq > s_l + 32768 && roc > 0)
			roc--;
	} else if (s_l - 32768 > seq) {
		if (roc == 0xffffffffu)
			return SRTP_INDEX_NONE;
		roc++;
	}
	return roc << 16 | seq;
}

/* srtp_rtp_index_guess_top() against Appendix A: every SEQ, s_l at the edges and in between. */
static void
test_index_guess(void **state)
{
	static const uint64_t rocs[] = {0, 1, 2, 0x7fffffff, 0xfffffffe, 0xffffffff};
	static const uint32_t sls[] = {0, 1, 2, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xbfff, 0xfffe,
	        0xffff, 0x1234, 0x9abc, 0x4000, 0xc000};
	uint64_t bad = 0;

	(void)state;
	for (size_t r = 0; r < sizeof(rocs) / sizeof(rocs[0]); r++)
		for (size_t k = 0; k < sizeof(sls) / sizeof(sls[0]); k++) {
			uint64_t top = rocs[r] << 16 | sls[k];

			for (uint32_t seq = 0; seq < 65536; seq++)
				bad += srtp_rtp_index_guess_top(1, top, (uint16_t)seq) !=
				       index_guess_ref(top, (uint16_t)seq);
		}
	assert_int_equal(bad, 0);
	/* a stream's first packet: ROC 0 */
	assert_int_equal(srtp_rtp_index_guess_top(0, 0xffffffffffffull, 7), 7);
	/* in order across the wrap, and the last index there is */
	assert_int_equal(srtp_rtp_index_guess_top(1, 0x1ffff, 0), 0x20000);
	assert_int_equal(srtp_rtp_index_guess_top(1, 0xfffffffffffeull, 0xffff), 0xffffffffffffull);
	assert_int_equal(srtp_rtp_index_guess_top(1, 0xffffffffffffull, 0), SRTP_INDEX_NONE);
}

/*
 * The replay window against a model (the set of indices taken): random walks
 * with steps of 1 (in order), small gaps, jumps of 63/64/65/127/128/129 and
 * more, and late packets; after each step every index near top is checked.
 */
static void
test_replay_window_model(void **state)
{
	static uint8_t seen[1 << 16];
	static const int64_t steps[] = {1, 1, 1, 1, 2, 3, 63, 64, 65, 127, 128, 129, 300, -1, -2,
	        -5, -63, -64, -65, -126, -127, -128, -129, 0};
	uint32_t rnd = 12345;

	(void)state;
	for (int walk = 0; walk < 40; walk++) {
		struct srtp_replay r;
		int known = 0;
		int64_t idx = 1000 + walk;

		memset(seen, 0, sizeof(seen));
		memset(&r, 0, sizeof(r));
		for (int step = 0; step < 600; step++) {
			unsigned int got, want;

			rnd = rnd * 1103515245u + 12345u;
			idx += steps[(rnd >> 16) % (sizeof(steps) / sizeof(steps[0]))];
			if (idx < 0 || idx >= (int64_t)sizeof(seen))
				break;
			got = srtp_replay_check(&r, known, (uint64_t)idx);
			if (!known || (uint64_t)idx > r.top)
				want = SRTP_RES_OK;
			else if ((uint64_t)idx + SRTP_REPLAY_WINDOW <= r.top)
				want = SRTP_RES_REPLAY_OLD;
			else
				want = seen[idx] ? SRTP_RES_REPLAY : SRTP_RES_OK;
			assert_int_equal(got, want);
			if (got == SRTP_RES_OK) {
				srtp_replay_add(&r, known, (uint64_t)idx);
				known = 1;
				seen[idx] = 1;
			}
			for (int64_t j = (int64_t)r.top - 140; j <= (int64_t)r.top + 2; j++) {
				if (j < 0)
					continue;
				got = srtp_replay_check(&r, 1, (uint64_t)j);
				if ((uint64_t)j > r.top)
					want = SRTP_RES_OK;
				else if ((uint64_t)j + SRTP_REPLAY_WINDOW <= r.top)
					want = SRTP_RES_REPLAY_OLD;
				else
					want = seen[j] ? SRTP_RES_REPLAY : SRTP_RES_OK;
				assert_int_equal(got, want);
			}
		}
	}
}

/*
 * The last-hit SSRC hint across bursts: bursts of one SSRC, then mixed ones,
 * for three SSRCs, through both backends; a new SSRC whose only packet fails
 * gives its slot back while the hint points at it, and a slot that moves
 * down behind such a one keeps its state (its replay is still a REPLAY).
 */
static void
test_ssrc_hint(void **state)
{
	static uint8_t p[40][ROOM], keep[ROOM];
	static const uint32_t ssrcs[3] = {0x11111111, 0x22222222, 0x33333333};
	uint8_t *pp[40], res[40];
	uint16_t l[40], keep_len;

	(void)state;
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < NBE; b++) {
			uint16_t seq[3] = {10, 65530, 300};

			ctx_make(&tx_ctx, b, profiles[k], SRTP_DIR_OUTBOUND, 0, 9);
			ctx_make(&rx_ctx, 1 - b, profiles[k], SRTP_DIR_INBOUND, 0, 9);
			for (int round = 0; round < 12; round++) {
				unsigned int n = 1 + (unsigned int)(round * 7) % 40;

				for (unsigned int i = 0; i < n; i++) {
					/* rounds 0-2: one SSRC each; then runs of 1..4 of each */
					int s = round < 3 ? round
					                  : (int)((i / (1 + round % 4)) % 3);

					l[i] = rtp_make(p[i], ssrcs[s], seq[s]++, 0, 0, 20 + i);
					pp[i] = p[i];
				}
				assert_int_equal(
				        srtp_protect_burst(eng[b], &tx_ctx, pp, l, n, res), n);
				assert_int_equal(
				        srtp_unprotect_burst(eng[1 - b], &rx_ctx, pp, l, n, res),
				        n);
			}
			srtp_ctx_clear(&tx_ctx);
			srtp_ctx_clear(&rx_ctx);
		}

	/* ipsec-mb only: the table and its hint (libsrtp has no table) */
	for (int k = 0; k < 2; k++) {
		ctx_make(&tx_ctx, 0, profiles[k], SRTP_DIR_OUTBOUND, 0, 10);
		ctx_make(&rx_ctx, 0, profiles[k], SRTP_DIR_INBOUND, 0, 10);
		for (int i = 0; i < 4; i++) { /* X (forged), Y, Y, and a first packet of A */
			l[i] = rtp_make(p[i],
			        i == 0  ? 0xaaaa0001
			        : i < 3 ? 0xbbbb0002
			                : 0xcccc0003,
			        (uint16_t)(100 + i), 0, 0, 30);
			pp[i] = p[i];
		}
		assert_int_equal(srtp_protect_burst(eng[0], &tx_ctx, pp, l, 4, res), 4);
		memcpy(keep, p[1], l[1]);
		keep_len = l[1];
		/* first the A packet alone: slot 0 */
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, &pp[3], &l[3], 1, res), 1);
		p[0][l[0] - 1] ^= 1; /* X forged: takes slot 1 then gives it back */
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, pp, l, 3, res), 2);
		assert_int_equal(res[0], SRTP_RES_AUTH);
		assert_int_equal(rx_ctx.n_ssrc, 2); /* A, and Y moved down to X's slot */
		assert_int_equal(rx_ctx.ssrc[1].ssrc, 0xbbbb0002);
		/* Y's first packet again: found (moved), so a replay */
		memcpy(p[1], keep, keep_len);
		l[1] = keep_len;
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, &pp[1], &l[1], 1, res), 0);
		assert_int_equal(res[0], SRTP_RES_REPLAY);
		/* a new Y packet goes to Y's slot (not the stale copy the hint last named) */
		l[1] = rtp_make(p[1], 0xbbbb0002, 103, 0, 0, 30);
		assert_int_equal(srtp_protect_burst(eng[0], &tx_ctx, &pp[1], &l[1], 1, res), 1);
		memcpy(keep, p[1], l[1]);
		keep_len = l[1];
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, &pp[1], &l[1], 1, res), 1);
		/* X, now authentic, gets a slot of its own */
		l[0] = rtp_make(p[0], 0xaaaa0001, 200, 0, 0, 30);
		assert_int_equal(srtp_protect_burst(eng[0], &tx_ctx, pp, l, 1, res), 1);
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, pp, l, 1, res), 1);
		assert_int_equal(rx_ctx.n_ssrc, 3);
		/* Y's state kept its last packet */
		memcpy(p[1], keep, keep_len);
		l[1] = keep_len;
		assert_int_equal(srtp_unprotect_burst(eng[0], &rx_ctx, &pp[1], &l[1], 1, res), 0);
		assert_int_equal(res[0], SRTP_RES_REPLAY);
		srtp_ctx_clear(&tx_ctx);
		srtp_ctx_clear(&rx_ctx);
	}
}

/* Several engines: contexts move between them (workers); GCM needs the same manager arch. */
static void
test_engines(void **state)
{
	struct srtp_engine *sse = srtp_ipsecmb_engine_create("sse");
	struct srtp_engine *other = srtp_engine_create(be[0]);
	uint8_t buf[ROOM], *pp = buf, res;
	uint16_t len;

	(void)state;
	assert_non_null(sse);
	assert_non_null(other);
	assert_null(srtp_ipsecmb_engine_create("mmx"));
	for (int k = 0; k < 2; k++) {
		ctx_make(&tx_ctx, 0, profiles[k], SRTP_DIR_OUTBOUND, 0, 7);
		len = rtp_make(buf, 1, 1, 0, 0, 30);
		assert_int_equal(srtp_protect_burst(other, &tx_ctx, &pp, &len, 1, &res), 1);
		len = rtp_make(buf, 1, 2, 0, 0, 30);
		srtp_protect_burst(sse, &tx_ctx, &pp, &len, 1, &res);
		if (profiles[k] == SRTP_PROFILE_AEAD_AES_128_GCM &&
		        strcmp(srtp_ipsecmb_engine_arch(sse), srtp_ipsecmb_engine_arch(eng[0])) !=
		                0 &&
		        strncmp(srtp_ipsecmb_engine_arch(eng[0]), "sse", 3) != 0)
			assert_int_equal(res, SRTP_RES_BACKEND);
		else
			assert_int_equal(res, SRTP_RES_OK);
		srtp_ctx_clear(&tx_ctx);
	}
	srtp_engine_free(be[0], sse);
	srtp_engine_free(be[0], other);
	/* a cleared context refuses work */
	len = rtp_make(buf, 1, 1, 0, 0, 30);
	assert_int_equal(srtp_protect_burst(eng[0], &tmp_ctx, &pp, &len, 1, &res), 0);
	assert_int_equal(res, SRTP_RES_BACKEND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_select),
	        cmocka_unit_test(test_rfc3711_b3_kdf),
	        cmocka_unit_test(test_rfc3711_b2_keystream),
	        cmocka_unit_test(test_rfc7714_rtp),
	        cmocka_unit_test(test_rfc7714_rtcp),
	        cmocka_unit_test(test_libsrtp_kats),
	        cmocka_unit_test(test_cross),
	        cmocka_unit_test(test_cross_unencrypted),
	        cmocka_unit_test(test_roc_rollover_replay),
	        cmocka_unit_test(test_window_edge_and_burst_dup),
	        cmocka_unit_test(test_repeat_tx),
	        cmocka_unit_test(test_tamper),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_many_ssrc),
	        cmocka_unit_test(test_engines),
	        cmocka_unit_test(test_index_guess),
	        cmocka_unit_test(test_replay_window_model),
	        cmocka_unit_test(test_ssrc_hint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
