/*
 * SRTP backend "ipsec-mb": the fast path. RFC 3711 / RFC 7714 framing is
 * ours (srtp_internal.h); the crypto is intel-ipsec-mb, one operation per packet:
 *
 *   AES128_CM_SHA1_80  IMB_CIPHER_CNTR + IMB_AUTH_HMAC_SHA_1, chained
 *                      (encrypt then hash; hash then decrypt). The SRTP
 *                      authenticated portion is header || payload || ROC
 *                      (§4.2): the ROC is written after the payload for the
 *                      job (in the tailroom on protect, over the first four
 *                      tag octets on unprotect, which are saved first and put
 *                      back). ipsec-mb refuses a 10-octet HMAC-SHA1 output:
 *                      it computes 12, we keep 10.
 *   AEAD_AES_128_GCM   the direct API (IMB_AES128_GCM_ENC/DEC, no job),
 *                      IV and AAD per RFC 7714 §8-§10; SRTCP AAD (header ||
 *                      E||index) is assembled in per-packet scratch. GCM has
 *                      no multi-buffer lanes, and on a 160-octet packet the
 *                      job API's checks and dispatch cost as much as the
 *                      cipher (docs/srtp.md: imb-direct vs imb-bare-burst).
 *
 * A burst is cut into chunks of IMB_CHUNK packets. AES-CM: take the chunk's
 * jobs, check, estimate and fill a job for every packet in one pass, submit
 * the filled ones as one burst, flush, and drain every completed job before
 * the chunk's results are committed. Nothing stays queued between calls
 * (jobs kept in flight across bursts came back stale once the job queue
 * wrapped). AES-GCM: check, estimate and run each packet in one pass, then
 * commit in order. The profile and the operation are fixed per burst: each
 * pair has its own loop.
 *
 * The job managers live in the engine, one engine per lcore. By default it
 * holds the manager ipsec-mb picks by itself (AVX-512 here) for GCM and for
 * AES-CM bursts of IMB_MB_MIN packets or more, whose multi-buffer SHA-1
 * fills its lanes, and, when the CPU has SHA-NI, an SSE manager for shorter
 * AES-CM bursts: its SHA-NI HMAC costs the same per packet at any burst
 * size, where the multi-buffer one pays for empty lanes at the flush
 * (docs/srtp.md has the measurements). GCM precomputed keys depend on the
 * manager's architecture, so a context records it and refuses
 * (SRTP_RES_BACKEND) an engine of another.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <emmintrin.h>
#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include "srtp_internal.h"

#define IMB_CHUNK 32
#define HMAC_SHA1_OUT 12 /* the shortest HMAC-SHA1 output ipsec-mb accepts */
/*
 * From this many CM packets per call on, the multi-buffer manager (AVX-512 or
 * AVX2 SHA-1 on 16 or 8 lanes) beats SHA-NI; below, its lanes run mostly
 * empty at the flush (docs/srtp.md has the figures).
 */
#define IMB_MB_MIN 8

/* Per-packet scratch of one chunk. */
struct imb_slot {
	_Alignas(16) uint8_t iv[16];
	uint8_t tag[16];   /* tag computed by the job */
	uint8_t saved[16]; /* packet octets overwritten for the job (the received tag) */
	uint8_t aad[12];   /* SRTCP GCM AAD: header (8) || E||index */
	uint32_t ssrc;
	uint64_t index;             /* packet index, or SRTCP index */
	IMB_JOB *job;               /* AES-CM: the packet's job (its status once all are back) */
	struct srtp_ssrc_state *st; /* inbound SRTP: the SSRC's state (slots stay put in a chunk) */
	uint16_t hdr;               /* cipher start */
	uint16_t body; /* end of the ciphered part: start of tag (SRTP) or trailer (SRTCP) */
	uint8_t enc;   /* SRTCP E flag */
};

struct imb_engine {
	struct srtp_engine base;
	IMB_MGR *mgr;       /* ipsec-mb's pick (or the arch asked for): GCM, long CM bursts */
	IMB_MGR *mgr_small; /* SSE on SHA-NI: CM bursts under IMB_MB_MIN; else == mgr */
	uint32_t arch;      /* IMB_ARCH_* of mgr, which fixes the GCM key layout */
	const char *name;   /* "avx512+sse", "sse", ..., "sse-noshani" */
	char name_buf[24];
	struct imb_slot slot[IMB_CHUNK];
};

/* Expanded keys of one of SRTP / SRTCP. */
struct imb_cm_keys {
	_Alignas(16) uint8_t enc[16 * 11];
	_Alignas(16) uint8_t ipad[32]; /* SHA-1 state after (key ^ ipad); 20 octets used */
	_Alignas(16) uint8_t opad[32];
	uint64_t salt_hi, salt_lo; /* session salt * 2^16 as two big-endian words */
};

struct imb_gcm_keys {
	_Alignas(64) struct gcm_key_data key; /* layout depends on the manager's arch */
	uint64_t salt_hi;                     /* octets 0..7 of the 12-octet salt, big-endian */
	uint32_t salt_lo;                     /* octets 8..11 */
};

struct imb_priv {
	union {
		struct imb_cm_keys cm[2]; /* [0] SRTP, [1] SRTCP */
		struct imb_gcm_keys gcm[2];
	} k;
};

_Static_assert(sizeof(struct imb_priv) <= SRTP_CTX_BE_SIZE, "ipsec-mb keys fit in srtp_ctx");

static const char *const arch_names[IMB_ARCH_NUM] = {
        [IMB_ARCH_NONE] = "auto",
        [IMB_ARCH_NOAESNI] = "noaesni",
        [IMB_ARCH_SSE] = "sse",
        [IMB_ARCH_AVX] = "avx",
        [IMB_ARCH_AVX2] = "avx2",
        [IMB_ARCH_AVX512] = "avx512",
};

static struct imb_engine *
engine_of(struct srtp_engine *e)
{
	return (struct imb_engine *)(void *)e;
}

static struct imb_priv *
priv(struct srtp_ctx *c)
{
	return (struct imb_priv *)(void *)c->be_priv;
}

/* A manager of @arch (IMB_ARCH_NONE: ipsec-mb's own pick); NULL if this CPU cannot run it. */
static IMB_MGR *
mgr_create(uint32_t arch, uint64_t flags, uint32_t *used)
{
	IMB_MGR *m = alloc_mb_mgr(flags);
	IMB_ARCH a = IMB_ARCH_NONE;
	uint64_t need = 0;

	if (m == NULL)
		return NULL;
	switch (arch) {
	case IMB_ARCH_SSE:
		need = IMB_CPUFLAGS_SSE;
		break;
	case IMB_ARCH_AVX:
		need = IMB_CPUFLAGS_AVX;
		break;
	case IMB_ARCH_AVX2:
		need = IMB_CPUFLAGS_AVX2;
		break;
	case IMB_ARCH_AVX512:
		need = IMB_CPUFLAGS_AVX512;
		break;
	default:
		break;
	}
	if ((m->features & need) != need)
		goto fail;
	switch (arch) {
	case IMB_ARCH_SSE:
		init_mb_mgr_sse(m);
		break;
	case IMB_ARCH_AVX:
		init_mb_mgr_avx(m);
		break;
	case IMB_ARCH_AVX2:
		init_mb_mgr_avx2(m);
		break;
	case IMB_ARCH_AVX512:
		init_mb_mgr_avx512(m);
		break;
	default:
		init_mb_mgr_auto(m, &a);
		break;
	}
	if (imb_get_errno(m) != 0 || m->used_arch == IMB_ARCH_NOAESNI ||
	        m->used_arch == IMB_ARCH_NONE)
		goto fail;
	*used = m->used_arch;
	return m;
fail:
	free_mb_mgr(m);
	return NULL;
}

static int
has_shani(void)
{
	IMB_MGR *m = alloc_mb_mgr(0);
	int yes;

	if (m == NULL)
		return 0;
	yes = (m->features & IMB_CPUFLAGS_SSE_T2) == IMB_CPUFLAGS_SSE_T2;
	free_mb_mgr(m);
	return yes;
}

/*
 * @arch for every job; plus, when @small_sse, an SSE manager (SHA-NI) for
 * AES-CM/HMAC-SHA1 bursts shorter than IMB_MB_MIN.
 */
static struct srtp_engine *
engine_create_arch(uint32_t arch, uint64_t flags, int small_sse)
{
	struct imb_engine *ie = aligned_alloc(64, sizeof(*ie));
	uint32_t sse;

	if (ie == NULL)
		return NULL;
	memset(ie, 0, sizeof(*ie));
	ie->base.be = &srtp_backend_ipsecmb;
	ie->mgr = mgr_create(arch, flags, &ie->arch);
	if (ie->mgr == NULL)
		goto fail;
	ie->mgr_small = ie->mgr;
	ie->name = flags & IMB_FLAG_SHANI_OFF ? "sse-noshani" : arch_names[ie->arch];
	if (small_sse && ie->arch != IMB_ARCH_SSE) {
		ie->mgr_small = mgr_create(IMB_ARCH_SSE, 0, &sse);
		if (ie->mgr_small == NULL)
			goto fail;
		snprintf(ie->name_buf, sizeof(ie->name_buf), "%s+sse", arch_names[ie->arch]);
		ie->name = ie->name_buf;
	}
	return &ie->base;
fail:
	if (ie->mgr != NULL)
		free_mb_mgr(ie->mgr);
	free(ie);
	return NULL;
}

static struct srtp_engine *
imb_engine_create(void)
{
	return engine_create_arch(IMB_ARCH_NONE, 0, has_shani());
}

struct srtp_engine *
srtp_ipsecmb_engine_create(const char *arch)
{
	if (strcmp(arch, "default") == 0)
		return imb_engine_create();
	if (strcmp(arch, "sse-noshani") == 0) /* for valgrind, which has no SHA-NI */
		return engine_create_arch(IMB_ARCH_SSE, IMB_FLAG_SHANI_OFF, 0);
	for (uint32_t a = 0; a < IMB_ARCH_NUM; a++)
		if (arch_names[a] != NULL && strcmp(arch, arch_names[a]) == 0 &&
		        a != IMB_ARCH_NOAESNI)
			return engine_create_arch(a, 0, 0);
	return NULL;
}

const char *
srtp_ipsecmb_engine_arch(const struct srtp_engine *e)
{
	const struct imb_engine *ie = (const struct imb_engine *)(const void *)e;

	if (e == NULL || e->be != &srtp_backend_ipsecmb)
		return "?";
	return ie->name;
}

static void
imb_engine_free(struct srtp_engine *e)
{
	struct imb_engine *ie = engine_of(e);

	if (ie->mgr_small != ie->mgr)
		free_mb_mgr(ie->mgr_small);
	free_mb_mgr(ie->mgr);
	OPENSSL_cleanse(ie, sizeof(*ie));
	free(ie);
}

static int
imb_probe(char *why, size_t len)
{
	struct srtp_engine *e = imb_engine_create();

	if (e == NULL) {
		if (why != NULL && len > 0)
			snprintf(why, len, "ipsec-mb %s: no usable job manager (no AES-NI?)",
			        imb_get_version_str());
		return -ENODEV;
	}
	if (why != NULL && len > 0)
		snprintf(why, len,
		        "ipsec-mb %s, job managers %s (%s for AES-CM/HMAC-SHA1 bursts "
		        "under %d)",
		        imb_get_version_str(), srtp_ipsecmb_engine_arch(e),
		        engine_of(e)->mgr_small != engine_of(e)->mgr ? "SSE on SHA-NI" : "the same",
		        IMB_MB_MIN);
	imb_engine_free(e);
	return 0;
}

static int
imb_selftest(void)
{
	return srtp_kat_run(&srtp_backend_ipsecmb);
}

/* Big-endian 64-bit load. */
static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)wire_rd32(p) << 32 | wire_rd32(p + 4);
}

/* RFC 2104 inner and outer states, as ipsec-mb's HMAC jobs take them. */
static void
hmac_sha1_precompute(IMB_MGR *m, const uint8_t key[20], uint8_t ipad[32], uint8_t opad[32])
{
	uint8_t block[IMB_SHA1_BLOCK_SIZE];

	memset(block, 0x36, sizeof(block));
	for (int i = 0; i < 20; i++)
		block[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(m, block, ipad);
	memset(block, 0x5c, sizeof(block));
	for (int i = 0; i < 20; i++)
		block[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(m, block, opad);
	OPENSSL_cleanse(block, sizeof(block));
}

static int
imb_ctx_init(struct srtp_engine *e, struct srtp_ctx *c, const struct srtp_params *p,
        const struct srtp_session_keys keys[2], int from_master)
{
	struct imb_engine *ie = engine_of(e);
	struct imb_priv *pv = priv(c);
	_Alignas(16) uint8_t dec[16 * 11];
	_Alignas(16) uint8_t key[16]; /* ipsec-mb's key expansion wants an aligned key */

	(void)from_master;
	if (e == NULL || e->be != &srtp_backend_ipsecmb)
		return -EINVAL;
	c->be_kind = (uint16_t)ie->arch;
	for (int i = 0; i < 2; i++) {
		memcpy(key, keys[i].enc, sizeof(key));
		if (p->profile == SRTP_PROFILE_AES128_CM_SHA1_80) {
			IMB_AES_KEYEXP_128(ie->mgr, key, pv->k.cm[i].enc, dec);
			hmac_sha1_precompute(
			        ie->mgr, keys[i].auth, pv->k.cm[i].ipad, pv->k.cm[i].opad);
			pv->k.cm[i].salt_hi = be64(keys[i].salt);
			pv->k.cm[i].salt_lo = (uint64_t)wire_rd32(keys[i].salt + 8) << 32 |
			                      (uint64_t)wire_rd16(keys[i].salt + 12) << 16;
		} else {
			IMB_AES128_GCM_PRE(ie->mgr, key, &pv->k.gcm[i].key);
			pv->k.gcm[i].salt_hi = be64(keys[i].salt);
			pv->k.gcm[i].salt_lo = wire_rd32(keys[i].salt + 8);
		}
	}
	OPENSSL_cleanse(dec, sizeof(dec));
	OPENSSL_cleanse(key, sizeof(key));
	return imb_get_errno(ie->mgr) == 0 ? 0 : -EIO;
}

static void
imb_ctx_clear(struct srtp_ctx *c)
{
	OPENSSL_cleanse(priv(c), sizeof(struct imb_priv));
}

/*
 * IVs from precomputed salt words. AES-CM (RFC 3711 §4.1.1): (salt * 2^16)
 * XOR (SSRC * 2^64) XOR (index * 2^16), block counter zero. GCM (RFC 7714
 * §8.1, §9.1): (00 00 || SSRC || ROC || SEQ) XOR salt, or the SRTCP index
 * in place of ROC || SEQ: both are the low 48 bits.
 */
static inline void
iv_cm(uint8_t iv[16], const struct imb_cm_keys *k, uint32_t ssrc, uint64_t index)
{
	uint64_t hi = __builtin_bswap64(k->salt_hi ^ ssrc);
	uint64_t lo = __builtin_bswap64(k->salt_lo ^ index << 16);

	/* one 16-octet store: the cipher loads the IV whole, and two 8-octet stores
	 * in flight would not forward to that load */
	_mm_store_si128((__m128i *)(void *)iv, _mm_set_epi64x((long long)lo, (long long)hi));
}

/* @iv is 16 octets (12 used, the rest zero): written with one store, as iv_cm(). */
static inline void
iv_gcm(uint8_t iv[16], const struct imb_gcm_keys *k, uint32_t ssrc, uint64_t index)
{
	uint64_t hi = __builtin_bswap64(k->salt_hi ^ (uint64_t)ssrc << 16 ^ index >> 32);
	uint32_t lo = __builtin_bswap32(k->salt_lo ^ (uint32_t)index);

	_mm_store_si128((__m128i *)(void *)iv, _mm_set_epi64x((long long)lo, (long long)hi));
}

/* CM jobs: CTR on [hdr, body) (NULL cipher when @cipher is 0), HMAC-SHA1 on [0, hashed). */
static inline void
job_cm(IMB_JOB *job, const struct imb_cm_keys *k, struct imb_slot *s, uint8_t *p, size_t hashed,
        int encrypt, int cipher)
{
	cipher = cipher && s->body > s->hdr; /* ipsec-mb refuses CTR over 0 octets */
	job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->cipher_mode = cipher ? IMB_CIPHER_CNTR : IMB_CIPHER_NULL;
	job->enc_keys = k->enc;
	job->dec_keys = k->enc;
	job->key_len_in_bytes = IMB_KEY_128_BYTES;
	job->src = p;
	job->dst = p + s->hdr; /* where the cipher output starts */
	job->cipher_start_src_offset_in_bytes = s->hdr;
	job->msg_len_to_cipher_in_bytes = cipher ? (uint64_t)(s->body - s->hdr) : 0;
	job->iv = s->iv;
	job->iv_len_in_bytes = 16;
	job->hash_alg = IMB_AUTH_HMAC_SHA_1;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = hashed;
	job->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = k->opad;
	job->auth_tag_output = s->tag;
	job->auth_tag_output_len_in_bytes = HMAC_SHA1_OUT;
	job->user_data = s;
	s->job = job;
}

/*
 * GCM, at once through the direct API (no job: GCM has no multi-buffer
 * lanes to fill, and the job API's checks and dispatch cost about as much
 * as the cipher on a 160-octet packet): GCM on [from, body) with @aad, tag
 * to @tag. Authentication only: from = body. In place.
 */
static inline void
gcm_run(IMB_MGR *m, const struct imb_gcm_keys *k, struct imb_slot *s, uint8_t *p, size_t from,
        const uint8_t *aad, size_t aad_len, uint8_t *tag, int encrypt)
{
	struct gcm_context_data gctx;

	if (encrypt)
		IMB_AES128_GCM_ENC(m, &k->key, &gctx, p + from, p + from, s->body - from, s->iv,
		        aad, aad_len, tag, 16);
	else
		IMB_AES128_GCM_DEC(m, &k->key, &gctx, p + from, p + from, s->body - from, s->iv,
		        aad, aad_len, tag, 16);
}

/* ---- SRTP ---- */

/* Sender: check, estimate, claim the index (the sender's own state needs no authentication). */
static inline unsigned int
rtp_protect_prepare(struct srtp_ctx *c, uint8_t *p, uint16_t len, struct imb_slot *s)
{
	struct srtp_ssrc_state *st;
	unsigned int r;
	size_t hdr;
	uint64_t idx;
	int known;

	r = srtp_rtp_hdr_len(p, len, 0, &hdr);
	if (r != SRTP_RES_OK)
		return r;
	if (len > UINT16_MAX - SRTP_MAX_TRAILER)
		return SRTP_RES_TOO_LONG;
	s->ssrc = wire_rd32(p + 8);
	st = srtp_ssrc_get(c, s->ssrc);
	if (st == NULL)
		return SRTP_RES_SSRC_FULL;
	known = !!(st->flags & SRTP_SSRC_RTP);
	idx = srtp_rtp_index_guess_top(known, st->rtp.top, wire_rd16(p + 2));
	if (idx == SRTP_INDEX_NONE)
		return SRTP_RES_KEY_EXHAUSTED;
	if (known && idx <= st->rtp.top) { /* not ahead: a repeat, or a reordered packet */
		r = srtp_replay_check(&st->rtp, known, idx);
		if (r == SRTP_RES_REPLAY_OLD ||
		        (r == SRTP_RES_REPLAY && !(c->flags & SRTP_F_ALLOW_REPEAT_TX)))
			return r;
	}
	srtp_replay_add(&st->rtp, known, idx);
	st->flags |= SRTP_SSRC_RTP;
	s->index = idx;
	s->hdr = (uint16_t)hdr;
	s->body = len;
	return SRTP_RES_OK;
}

/*
 * Receiver: check and estimate only; the state changes after authentication
 * (commit_rx). A packet's index is estimated as if the packets before it in
 * the chunk were all authentic (spec_top): the chunk is processed as one, so
 * a new SSRC's packets that cross SEQ 65535 -> 0 in it get the right ROC.
 * commit_rx() checks the estimate against the state the authentic packets
 * left; it differs only behind a forged or replayed packet far ahead.
 * A new SSRC gets a slot with flags 0, given back at the chunk's end if none
 * of its packets authenticated (forged packets cannot fill the table).
 */
static inline unsigned int
rtp_unprotect_prepare(
        struct srtp_ctx *c, uint8_t *p, uint16_t len, struct imb_slot *s, unsigned int tag_len)
{
	struct srtp_ssrc_state *st;
	unsigned int r;
	size_t hdr;
	uint64_t idx;
	int known;

	r = srtp_rtp_hdr_len(p, len, tag_len, &hdr);
	if (r != SRTP_RES_OK)
		return r;
	s->ssrc = wire_rd32(p + 8);
	st = srtp_ssrc_get(c, s->ssrc);
	if (st == NULL)
		return SRTP_RES_SSRC_FULL;
	known = !!(st->flags & SRTP_SSRC_RTP);
	if (st->spec_gen == c->gen)
		idx = srtp_rtp_index_guess_top(1, st->spec_top, wire_rd16(p + 2));
	else
		idx = srtp_rtp_index_guess_top(known, st->rtp.top, wire_rd16(p + 2));
	if (idx == SRTP_INDEX_NONE)
		return SRTP_RES_KEY_EXHAUSTED;
	r = srtp_replay_check(&st->rtp, known, idx);
	if (r != SRTP_RES_OK)
		return r;
	if (st->spec_gen != c->gen) {
		st->spec_gen = c->gen;
		st->spec_top = known && st->rtp.top > idx ? st->rtp.top : idx;
	} else if (idx > st->spec_top) {
		st->spec_top = idx;
	}
	s->st = st;
	s->index = idx;
	s->hdr = (uint16_t)hdr;
	s->body = (uint16_t)(len - tag_len);
	return SRTP_RES_OK;
}

/*
 * After authentication: the estimate must be what the committed state gives
 * (else it was made behind a packet that did not authenticate), and the
 * window is checked again (a packet may repeat within a burst), then updated.
 * The next index in order (top + 1) is always its own estimate: no guess.
 */
static inline unsigned int
commit_rtp(struct srtp_ssrc_state *st, uint64_t idx)
{
	int known = !!(st->flags & SRTP_SSRC_RTP);
	unsigned int r;

	if (known && idx == st->rtp.top + 1) { /* in order: new, its own estimate */
		srtp_replay_add(&st->rtp, 1, idx);
		return SRTP_RES_OK;
	}
	if (srtp_rtp_index_guess_top(known, st->rtp.top, (uint16_t)idx) != idx)
		return SRTP_RES_AUTH;
	r = srtp_replay_check(&st->rtp, known, idx);
	if (r != SRTP_RES_OK)
		return r;
	srtp_replay_add(&st->rtp, known, idx);
	st->flags |= SRTP_SSRC_RTP;
	return SRTP_RES_OK;
}

static inline unsigned int
commit_rtcp(struct srtp_ssrc_state *st, uint64_t idx)
{
	int known = !!(st->flags & SRTP_SSRC_RTCP);
	unsigned int r = srtp_replay_check(&st->rtcp, known, idx);

	if (r != SRTP_RES_OK)
		return r;
	srtp_replay_add(&st->rtcp, known, idx);
	st->flags |= SRTP_SSRC_RTCP;
	return SRTP_RES_OK;
}

/* The received tag against the computed one, then the state (packet order). */
static inline unsigned int
rtp_unprotect_finish(uint8_t *p, uint16_t *len, struct imb_slot *s, unsigned int tag_len)
{
	unsigned int r;

	if (srtp_tag_diff(s->tag, p + s->body, tag_len))
		return SRTP_RES_AUTH;
	r = commit_rtp(s->st, s->index);
	if (r == SRTP_RES_OK)
		*len = s->body;
	return r;
}

/* ---- SRTCP ---- */

static inline unsigned int
rtcp_protect_prepare(struct srtp_ctx *c, uint8_t *p, uint16_t len, struct imb_slot *s)
{
	struct srtp_ssrc_state *st;
	unsigned int r = srtp_rtcp_check(p, len, 0);
	uint64_t idx;

	if (r != SRTP_RES_OK)
		return r;
	if (len > UINT16_MAX - SRTP_MAX_TRAILER)
		return SRTP_RES_TOO_LONG;
	s->ssrc = wire_rd32(p + 4);
	st = srtp_ssrc_get(c, s->ssrc);
	if (st == NULL)
		return SRTP_RES_SSRC_FULL;
	/* §3.4: incremented per packet; the first carries 1, as libsrtp's does */
	idx = st->flags & SRTP_SSRC_RTCP ? st->rtcp.top + 1 : 1;
	if (idx > SRTP_RTCP_INDEX_MAX)
		return SRTP_RES_KEY_EXHAUSTED;
	st->rtcp.top = idx;
	st->flags |= SRTP_SSRC_RTCP;
	s->index = idx;
	s->enc = !(c->flags & SRTP_F_UNENCRYPTED_SRTCP);
	s->hdr = SRTP_RTCP_HDR_LEN;
	s->body = len;
	return SRTP_RES_OK;
}

/* CM: header || ct || E|index || tag; GCM (RFC 7714 §17): header || ct || tag || E|index. */
static inline unsigned int
rtcp_unprotect_prepare(struct srtp_ctx *c, uint8_t *p, uint16_t len, struct imb_slot *s, int gcm)
{
	struct srtp_ssrc_state *st;
	unsigned int tag_len = gcm ? 16 : 10;
	unsigned int r = srtp_rtcp_check(p, len, SRTP_RTCP_TRAILER_LEN + tag_len);
	uint32_t w;

	if (r != SRTP_RES_OK)
		return r;
	s->body = (uint16_t)(len - tag_len - SRTP_RTCP_TRAILER_LEN);
	w = wire_rd32(gcm ? p + len - SRTP_RTCP_TRAILER_LEN : p + s->body);
	s->index = w & SRTP_RTCP_INDEX_MAX;
	s->enc = (uint8_t)(w >> 31);
	s->hdr = SRTP_RTCP_HDR_LEN;
	s->ssrc = wire_rd32(p + 4);
	st = srtp_ssrc_find(c, s->ssrc);
	if (st == NULL && c->n_ssrc >= SRTP_MAX_SSRC)
		return SRTP_RES_SSRC_FULL;
	if (st != NULL)
		return srtp_replay_check(&st->rtcp, !!(st->flags & SRTP_SSRC_RTCP), s->index);
	return SRTP_RES_OK;
}

/* Inbound SRTCP takes its slot only once authenticated. */
static inline unsigned int
rtcp_unprotect_commit(struct srtp_ctx *c, uint16_t *len, struct imb_slot *s)
{
	struct srtp_ssrc_state *st = srtp_ssrc_get(c, s->ssrc);
	unsigned int r;

	if (st == NULL)
		return SRTP_RES_SSRC_FULL;
	r = commit_rtcp(st, s->index);
	if (r == SRTP_RES_OK)
		*len = s->body;
	return r;
}

/* ---- burst driver ---- */

enum imb_op { OP_PROTECT, OP_UNPROTECT, OP_PROTECT_RTCP, OP_UNPROTECT_RTCP };

/* Inbound SRTP: give back the slots new SSRCs took in this chunk if none authenticated. */
static inline void
chunk_end(struct srtp_ctx *c, unsigned int n_ssrc, enum imb_op op)
{
	if (op == OP_UNPROTECT) {
		unsigned int k = n_ssrc;

		for (unsigned int i = n_ssrc; i < c->n_ssrc; i++)
			if (c->ssrc[i].flags != 0)
				c->ssrc[k++] = c->ssrc[i];
		c->n_ssrc = (uint8_t)k;
		c->gen++;
	}
}

/* RFC 3711 §4.2: the ROC is authenticated after the packet; scratch for SRTCP E||index. */
static inline void
cm_fill(IMB_JOB *job, const struct imb_cm_keys *k, uint8_t *p, struct imb_slot *s, enum imb_op op,
        int conf)
{
	iv_cm(s->iv, k, s->ssrc, s->index);
	switch (op) {
	case OP_PROTECT:
	case OP_UNPROTECT: {
		uint32_t roc = __builtin_bswap32((uint32_t)(s->index >> 16));

		if (op == OP_UNPROTECT)
			memcpy(s->saved, p + s->body, 4);
		memcpy(p + s->body, &roc, 4); /* authenticated portion || ROC */
		job_cm(job, k, s, p, (size_t)s->body + 4, op == OP_PROTECT, conf);
		break;
	}
	case OP_PROTECT_RTCP: /* §3.4: E||index is authenticated, not encrypted */
		wire_wr32(p + s->body, (uint32_t)s->enc << 31 | (uint32_t)s->index);
		job_cm(job, k, s, p, (size_t)s->body + 4, 1, s->enc);
		break;
	default:
		job_cm(job, k, s, p, (size_t)s->body + 4, 0, s->enc);
		break;
	}
}

static inline unsigned int
cm_finish(struct srtp_ctx *c, uint8_t *p, uint16_t *len, struct imb_slot *s, enum imb_op op)
{
	switch (op) {
	case OP_PROTECT:
		memcpy(p + s->body, s->tag, 10); /* over the ROC */
		*len = (uint16_t)(s->body + 10);
		return SRTP_RES_OK;
	case OP_UNPROTECT:
		memcpy(p + s->body, s->saved, 4); /* the tag's first octets, over the ROC */
		return rtp_unprotect_finish(p, len, s, 10);
	case OP_PROTECT_RTCP:
		memcpy(p + s->body + 4, s->tag, 10);
		*len = (uint16_t)(s->body + 10 + SRTP_RTCP_TRAILER_LEN);
		return SRTP_RES_OK;
	default:
		if (srtp_tag_diff(s->tag, p + s->body + SRTP_RTCP_TRAILER_LEN, 10))
			return SRTP_RES_AUTH;
		return rtcp_unprotect_commit(c, len, s);
	}
}

static inline __attribute__((always_inline)) unsigned int
prepare(struct srtp_ctx *c, uint8_t *p, uint16_t len, struct imb_slot *s, enum imb_op op, int gcm)
{
	switch (op) {
	case OP_PROTECT:
		return rtp_protect_prepare(c, p, len, s);
	case OP_UNPROTECT:
		return rtp_unprotect_prepare(c, p, len, s, gcm ? 16 : 10);
	case OP_PROTECT_RTCP:
		return rtcp_protect_prepare(c, p, len, s);
	default:
		return rtcp_unprotect_prepare(c, p, len, s, gcm);
	}
}

/*
 * AES-CM/HMAC-SHA1, one chunk: jobs for the chunk are taken first, each
 * packet is checked, estimated and its job filled in one pass, the jobs that
 * were filled go in as one burst and are flushed until all came back, then
 * the packets are finished in order (tag, window). Nothing is left queued.
 */
static inline __attribute__((always_inline)) unsigned int
cm_chunk(struct imb_engine *ie, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[], enum imb_op op)
{
	IMB_MGR *m = n < IMB_MB_MIN ? ie->mgr_small : ie->mgr;
	const struct imb_cm_keys *k =
	        &priv(c)->k.cm[op == OP_PROTECT || op == OP_UNPROTECT ? 0 : 1];
	int conf = !(c->flags & SRTP_F_UNENCRYPTED_SRTP);
	unsigned int nj = 0, done, ok = 0, n_ssrc = c->n_ssrc;
	IMB_JOB *jobs[IMB_CHUNK];

	if (IMB_GET_NEXT_BURST(m, n, jobs) != n) {
		memset(res, SRTP_RES_BACKEND, n);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct imb_slot *s = &ie->slot[i];
		unsigned int r;

		if (i + 1 < n)
			__builtin_prefetch(pkts[i + 1]);
		r = prepare(c, pkts[i], lens[i], s, op, 0);
		res[i] = (uint8_t)r;
		if (r == SRTP_RES_OK)
			cm_fill(jobs[nj++], k, pkts[i], s, op, conf);
	}
	if (nj == 0)
		goto out;
	done = IMB_SUBMIT_BURST(m, nj, jobs);
	while (done < nj) {
		unsigned int f = IMB_FLUSH_BURST(m, nj - done, jobs);

		if (f == 0)
			break;
		done += f;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct imb_slot *s = &ie->slot[i];

		if (res[i] != SRTP_RES_OK)
			continue;
		if (done != nj || s->job->status != IMB_STATUS_COMPLETED) {
			res[i] = SRTP_RES_BACKEND;
			continue;
		}
		res[i] = (uint8_t)cm_finish(c, pkts[i], &lens[i], s, op);
		ok += res[i] == SRTP_RES_OK;
	}
out:
	chunk_end(c, n_ssrc, op);
	return ok;
}

/*
 * AES-GCM, one chunk: each packet is checked, estimated and run through
 * the cipher in one pass; inbound, a second pass checks the tags and
 * commits in order (as for AES-CM: the chunk is estimated as one).
 */
static inline __attribute__((always_inline)) unsigned int
gcm_chunk(struct imb_engine *ie, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[], enum imb_op op)
{
	IMB_MGR *m = ie->mgr;
	int rtcp = op == OP_PROTECT_RTCP || op == OP_UNPROTECT_RTCP;
	int encrypt = op == OP_PROTECT || op == OP_PROTECT_RTCP;
	const struct imb_gcm_keys *k = &priv(c)->k.gcm[rtcp];
	int conf = !(c->flags & SRTP_F_UNENCRYPTED_SRTP);
	unsigned int ok = 0, n_ssrc = c->n_ssrc;

	for (unsigned int i = 0; i < n; i++) {
		struct imb_slot *s = &ie->slot[i];
		uint8_t *p = pkts[i];
		unsigned int r;

		if (i + 1 < n)
			__builtin_prefetch(pkts[i + 1]);
		r = prepare(c, p, lens[i], s, op, 1);
		res[i] = (uint8_t)r;
		if (r != SRTP_RES_OK)
			continue;
		iv_gcm(s->iv, k, s->ssrc, s->index);
		if (!rtcp) {
			uint8_t *tag = encrypt ? p + s->body : s->tag;

			if (conf) /* RFC 7714 §8.2: AAD = header */
				gcm_run(m, k, s, p, s->hdr, p, s->hdr, tag, encrypt);
			else /* no confidentiality: all of the packet is AAD */
				gcm_run(m, k, s, p, s->body, p, s->body, tag, encrypt);
			if (encrypt) {
				lens[i] = (uint16_t)(s->body + 16);
				ok++;
			}
			continue;
		}
		uint32_t w = (uint32_t)s->enc << 31 | (uint32_t)s->index;

		if (s->enc) { /* RFC 7714 §9.3: AAD = header || E||index */
			memcpy(s->aad, p, SRTP_RTCP_HDR_LEN);
			wire_wr32(s->aad + SRTP_RTCP_HDR_LEN, w);
			gcm_run(m, k, s, p, s->hdr, s->aad, sizeof(s->aad),
			        encrypt ? p + s->body : s->tag, encrypt);
		} else { /* E = 0: AAD = header || payload || E||index, made contiguous */
			if (!encrypt)
				memcpy(s->saved, p + s->body, 4);
			wire_wr32(p + s->body, w);
			gcm_run(m, k, s, p, s->body, p, (size_t)s->body + 4, s->tag, encrypt);
		}
		if (encrypt) { /* header || ct || tag || E|index */
			wire_wr32(p + s->body + 16, w);
			if (!s->enc)
				memcpy(p + s->body, s->tag, 16);
			lens[i] = (uint16_t)(s->body + 16 + SRTP_RTCP_TRAILER_LEN);
			ok++;
		}
	}
	if (!encrypt) {
		for (unsigned int i = 0; i < n; i++) {
			struct imb_slot *s = &ie->slot[i];
			uint8_t *p = pkts[i];

			if (res[i] != SRTP_RES_OK)
				continue;
			if (!rtcp) {
				res[i] = (uint8_t)rtp_unprotect_finish(p, &lens[i], s, 16);
			} else {
				if (!s->enc) /* the tag's first octets, over E||index */
					memcpy(p + s->body, s->saved, 4);
				res[i] = srtp_tag_diff(s->tag, p + s->body, 16)
				                 ? SRTP_RES_AUTH
				                 : (uint8_t)rtcp_unprotect_commit(c, &lens[i], s);
			}
			ok += res[i] == SRTP_RES_OK;
		}
	}
	chunk_end(c, n_ssrc, op);
	return ok;
}

/* Profile and operation are fixed per burst: each pair is its own loop, no per-packet test. */
static inline __attribute__((always_inline)) unsigned int
burst_run(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[], enum imb_op op)
{
	struct imb_engine *ie = engine_of(e);
	unsigned int ok = 0;

	if (c->profile == SRTP_PROFILE_AEAD_AES_128_GCM) {
		if (c->be_kind != ie->arch) {
			memset(res, SRTP_RES_BACKEND, n); /* GCM keys made for another manager */
			return 0;
		}
		for (unsigned int b = 0; b < n; b += IMB_CHUNK) {
			unsigned int m = n - b < IMB_CHUNK ? n - b : IMB_CHUNK;

			ok += gcm_chunk(ie, c, pkts + b, lens + b, m, res + b, op);
		}
		return ok;
	}
	for (unsigned int b = 0; b < n; b += IMB_CHUNK) {
		unsigned int m = n - b < IMB_CHUNK ? n - b : IMB_CHUNK;

		ok += cm_chunk(ie, c, pkts + b, lens + b, m, res + b, op);
	}
	return ok;
}

static unsigned int
imb_protect(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst_run(e, c, pkts, lens, n, res, OP_PROTECT);
}

static unsigned int
imb_unprotect(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst_run(e, c, pkts, lens, n, res, OP_UNPROTECT);
}

static unsigned int
imb_protect_rtcp(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst_run(e, c, pkts, lens, n, res, OP_PROTECT_RTCP);
}

static unsigned int
imb_unprotect_rtcp(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return burst_run(e, c, pkts, lens, n, res, OP_UNPROTECT_RTCP);
}

const struct srtp_backend srtp_backend_ipsecmb = {
        .api_version = SRTP_API_VERSION,
        .name = "ipsec-mb",
        .probe = imb_probe,
        .selftest = imb_selftest,
        .engine_create = imb_engine_create,
        .engine_free = imb_engine_free,
        .ctx_init = imb_ctx_init,
        .ctx_clear = imb_ctx_clear,
        .protect = imb_protect,
        .unprotect = imb_unprotect,
        .protect_rtcp = imb_protect_rtcp,
        .unprotect_rtcp = imb_unprotect_rtcp,
};
