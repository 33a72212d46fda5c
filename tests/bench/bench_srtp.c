/*
 * SRTP benchmark: protect and unprotect of RTP packets with a 160-octet
 * payload (12-octet header), in bursts of 32, for both profiles. Rows of one
 * (profile, operation) group are measured in the same run, interleaved
 * round by round (the order rotates each round, so no row always runs
 * first or after the same neighbour):
 *
 *   imb-bare/<arch>        ipsec-mb's cipher+hash jobs alone on the same
 *                          bytes: AES-CTR + HMAC-SHA1 (12-octet output) over
 *                          header || payload || ROC, or AES-GCM with the
 *                          header as AAD; fixed IVs, no parsing, no index, no
 *                          replay window, no tag compare. Single-job API.
 *   imb-bare-burst/<arch>  the same jobs through IMB_SUBMIT_BURST, as the
 *                          backend submits them: the target's baseline.
 *   imb-direct/<arch>      GCM only: the same GCM through ipsec-mb's direct
 *                          API (IMB_AES128_GCM_ENC/DEC), no job at all: what
 *                          the backend uses for GCM, so its baseline too.
 *   rtcedge/<arch>         srtp_protect_burst() / srtp_unprotect_burst() on the
 *                          ipsec-mb backend, engine on that job manager;
 *                          rtcedge/default is what srtp_engine_create() gives.
 *   libsrtp2               srtp_protect() / srtp_unprotect() of the installed
 *                          libsrtp2 (Debian: NSS crypto), one packet at a
 *                          time, one session made before the clock starts.
 *   cipher/libsrtp2-nss    GCM only, cipher alone: libsrtp2's own AES-GCM
 *                          cipher object (NSS underneath): set_iv, set_aad,
 *                          encrypt / decrypt, get_tag. No framing.
 *   cipher/openssl         GCM only, cipher alone: OpenSSL 3 EVP AES-128-GCM
 *                          (one EVP_CIPHER_CTX, IV set per packet).
 *
 * What the clock covers: the calls only. Before each pass the pass's 2048
 * packets are copied from a pristine set into a work arena (all rows work
 * in place), then the clock starts and the row runs over the arena, 32
 * packets per call. Unprotect rows get packets protected once by the
 * ipsec-mb backend (libsrtp2 unprotecting them is also a cross-check; a
 * failure aborts the benchmark). The arena (2048 x 256 octets) sits in L2,
 * as received packets would; the same for every row.
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall
 * time: the machine is shared. Reported per row: median, quartiles and
 * min-max over the rounds, Mpps. The ratios are paired: for each round the
 * ratio of two rows measured next to each other in that round, then the
 * median and quartiles of those ratios (slow drift of the machine cancels).
 *
 * usage: bench_srtp [--rounds N] [--passes N] [--row NAME] [--profile cm|gcm]
 *                   [--op protect|unprotect] [--burst N] [--callgrind]
 *   --row NAME   only the rows whose name starts with NAME
 *   --callgrind  each row once (one round, one pass) under
 *                valgrind --tool=callgrind --instr-atstart=no: the clocked
 *                part of each row is instrumented and dumped on its own
 *                (CALLGRIND_DUMP_STATS_AT "<profile> <op> <row> <packets>"),
 *                so each callgrind.out.<pid>.<n> holds one row
 * Arches are those this CPU runs: sse, avx2, avx512, and sse-noshani
 * (valgrind 3.19 knows neither SHA-NI nor AVX-512: use it for counts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>
#include <valgrind/callgrind.h>

#include "srtp.h"

/* libsrtp2 exports it; its public headers do not declare it */
srtp_err_status_t srtp_crypto_kernel_alloc_cipher(
        srtp_cipher_type_id_t id, srtp_cipher_pointer_t *cp, int key_len, int tag_len);

#define BURST 32
#define NPKT 2048                  /* per pass */
static unsigned int burst = BURST; /* --burst: packets per call */
#define BURSTS (NPKT / burst)
#define HDR 12
#define PAYLOAD 160
#define PLEN (HDR + PAYLOAD)
#define ROOM 256
#define MAX_ROWS 96
#define MAX_ROUNDS 201
#define NARCH 5

static const uint8_t master_key[16] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f,
        0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39};
static const uint8_t master_salt[14] = {
        0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};

static uint8_t plain[NPKT][ROOM];   /* pristine RTP packets */
static uint8_t prot[2][NPKT][ROOM]; /* pristine SRTP packets, per profile */
static uint16_t prot_len[2];
static uint8_t arena[NPKT][ROOM] __attribute__((aligned(64))); /* what the rows work on */
static uint8_t *ptrs[NPKT];
static uint16_t lens[NPKT];
static int callgrind_mode;

static double
now_s(void)
{
	struct timespec ts;

	/* thread CPU time: the 2 CPUs are shared, wall time counts other processes' slices */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_srtp: %s\n", what);
	exit(1);
}

static enum srtp_profile
profile_of(int gcm)
{
	return gcm ? SRTP_PROFILE_AEAD_AES_128_GCM : SRTP_PROFILE_AES128_CM_SHA1_80;
}

/* Outside the clock: a pass's packets into the arena, pointers and lengths reset. */
static void
load_pass(int unprotect, int gcm)
{
	for (unsigned int k = 0; k < NPKT; k++) {
		if (unprotect) {
			memcpy(arena[k], prot[gcm][k], prot_len[gcm]);
			lens[k] = prot_len[gcm];
		} else {
			memcpy(arena[k], plain[k], PLEN);
			lens[k] = PLEN;
		}
		ptrs[k] = arena[k];
	}
}

#define CLOCK_START(t0)                                                                            \
	do {                                                                                       \
		(t0) = now_s();                                                                    \
		CALLGRIND_START_INSTRUMENTATION;                                                   \
	} while (0)
#define CLOCK_STOP(t, t0)                                                                          \
	do {                                                                                       \
		CALLGRIND_STOP_INSTRUMENTATION;                                                    \
		(t) += now_s() - (t0);                                                             \
	} while (0)

/* ---- rtcedge ipsec-mb backend ---- */

struct srtp_row_arg {
	const char *arch;
	struct srtp_engine *e;
};

static double
run_rtcedge(void *arg, int unprotect, int gcm, unsigned int passes)
{
	struct srtp_row_arg *a = arg;
	static struct srtp_ctx c;
	struct srtp_params p = {.profile = profile_of(gcm)};
	uint8_t res[BURST];
	double t = 0, t0;

	memcpy(p.master_key, master_key, 16);
	memcpy(p.master_salt, master_salt, 14);
	p.dir = unprotect ? SRTP_DIR_INBOUND : SRTP_DIR_OUTBOUND;
	for (unsigned int pass = 0; pass < passes; pass++) {
		if (srtp_ctx_init(&c, srtp_backend_find("ipsec-mb"), a->e, &p) != 0)
			die("srtp_ctx_init");
		load_pass(unprotect, gcm);
		CLOCK_START(t0);
		for (unsigned int k = 0; k < NPKT; k += burst) {
			unsigned int ok = unprotect ? srtp_unprotect_burst(a->e, &c, ptrs + k,
			                                      lens + k, burst, res)
			                            : srtp_protect_burst(a->e, &c, ptrs + k,
			                                      lens + k, burst, res);
			if (ok != burst)
				die(srtp_result_str(res[0]));
		}
		CLOCK_STOP(t, t0);
		srtp_ctx_clear(&c);
	}
	return t;
}

/* ---- libsrtp2 ---- */

static double
run_libsrtp(void *arg, int unprotect, int gcm, unsigned int passes)
{
	uint8_t key[30];
	srtp_policy_t pol;
	srtp_t s;
	double t = 0, t0;

	(void)arg;
	memset(&pol, 0, sizeof(pol));
	if (gcm) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	} else {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	}
	memcpy(key, master_key, 16);
	memcpy(key + 16, master_salt, 14);
	pol.key = key;
	pol.window_size = 128;
	/* the stream of our SSRC, made now (not by the first packet, inside the clock) */
	pol.ssrc.type = ssrc_specific;
	pol.ssrc.value = 0xcafebabe;
	for (unsigned int pass = 0; pass < passes; pass++) {
		if (srtp_create(&s, &pol) != srtp_err_status_ok)
			die("srtp_create");
		load_pass(unprotect, gcm);
		CLOCK_START(t0);
		for (unsigned int k = 0; k < NPKT; k++) {
			int len = lens[k];
			srtp_err_status_t st = unprotect ? srtp_unprotect(s, ptrs[k], &len)
			                                 : srtp_protect(s, ptrs[k], &len);
			if (st != srtp_err_status_ok)
				die("libsrtp2 refused a packet");
		}
		CLOCK_STOP(t, t0);
		srtp_dealloc(s);
	}
	return t;
}

/* ---- GCM cipher alone: libsrtp2's cipher object (NSS) and OpenSSL ---- */

static const uint8_t fixed_iv[16] = {0xa0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

static double
run_cipher_libsrtp(void *arg, int unprotect, int gcm, unsigned int passes)
{
	srtp_cipher_t *c = NULL;
	uint8_t kw[28] = {0};
	double t = 0, t0;

	(void)arg;
	(void)gcm;
	memcpy(kw, master_key, 16);
	memcpy(kw + 16, master_salt, 12);
	if (srtp_crypto_kernel_alloc_cipher(SRTP_AES_GCM_128, &c, 28, 16) != srtp_err_status_ok ||
	        srtp_cipher_init(c, kw) != srtp_err_status_ok)
		die("libsrtp2 GCM cipher");
	for (unsigned int pass = 0; pass < passes; pass++) {
		load_pass(0, 1);
		CLOCK_START(t0);
		for (unsigned int k = 0; k < NPKT; k++) {
			uint8_t *p = ptrs[k];
			unsigned int l = PAYLOAD;
			uint32_t tl = 16;
			int bad;

			if (!unprotect) {
				bad = srtp_cipher_set_iv(c, (uint8_t *)fixed_iv,
				              srtp_direction_encrypt) != srtp_err_status_ok ||
				      srtp_cipher_set_aad(c, p, HDR) != srtp_err_status_ok ||
				      srtp_cipher_encrypt(c, p + HDR, &l) != srtp_err_status_ok ||
				      srtp_cipher_get_tag(c, p + HDR + PAYLOAD, &tl) !=
				              srtp_err_status_ok;
			} else { /* the tag will not match (plain input): cost is the same */
				l = PAYLOAD + 16;
				bad = srtp_cipher_set_iv(c, (uint8_t *)fixed_iv,
				              srtp_direction_decrypt) != srtp_err_status_ok ||
				      srtp_cipher_set_aad(c, p, HDR) != srtp_err_status_ok;
				(void)srtp_cipher_decrypt(c, p + HDR, &l);
			}
			if (bad)
				die("libsrtp2 GCM cipher op");
		}
		CLOCK_STOP(t, t0);
	}
	srtp_cipher_dealloc(c);
	return t;
}

static double
run_cipher_openssl(void *arg, int unprotect, int gcm, unsigned int passes)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	double t = 0, t0;

	(void)arg;
	(void)gcm;
	if (x == NULL ||
	        EVP_CipherInit_ex(x, EVP_aes_128_gcm(), NULL, master_key, NULL, !unprotect) != 1)
		die("openssl GCM");
	for (unsigned int pass = 0; pass < passes; pass++) {
		load_pass(0, 1);
		CLOCK_START(t0);
		for (unsigned int k = 0; k < NPKT; k++) {
			uint8_t *p = ptrs[k];
			int n, m;

			if (EVP_CipherInit_ex(x, NULL, NULL, NULL, fixed_iv, -1) != 1 ||
			        EVP_CipherUpdate(x, NULL, &n, p, HDR) != 1 ||
			        EVP_CipherUpdate(x, p + HDR, &n, p + HDR, PAYLOAD) != 1)
				die("openssl GCM op");
			if (!unprotect) {
				if (EVP_CipherFinal_ex(x, p + HDR + n, &m) != 1 ||
				        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16,
				                p + HDR + PAYLOAD) != 1)
					die("openssl GCM tag");
			} else { /* the tag will not match (plain input): cost is the same */
				if (EVP_CIPHER_CTX_ctrl(
				            x, EVP_CTRL_GCM_SET_TAG, 16, p + HDR + PAYLOAD) != 1)
					die("openssl GCM set tag");
				(void)EVP_CipherFinal_ex(x, p + HDR + n, &m);
			}
		}
		CLOCK_STOP(t, t0);
	}
	EVP_CIPHER_CTX_free(x);
	return t;
}

/* ---- bare ipsec-mb jobs ---- */

enum bare_api { BARE_JOB, BARE_BURST, BARE_DIRECT };

struct bare {
	const char *arch;
	enum bare_api api;
	IMB_MGR *m;
	_Alignas(16) uint8_t enc[16 * 11];
	_Alignas(16) uint8_t dec[16 * 11];
	_Alignas(16) uint8_t ipad[32];
	_Alignas(16) uint8_t opad[32];
	_Alignas(64) struct gcm_key_data gk;
	_Alignas(16) uint8_t iv[BURST][16];
	uint8_t tag[BURST][16];
};

static IMB_MGR *
bare_mgr(const char *arch)
{
	int noshani = strcmp(arch, "sse-noshani") == 0;
	IMB_MGR *m = alloc_mb_mgr(noshani ? IMB_FLAG_SHANI_OFF : 0);

	if (m == NULL)
		die("alloc_mb_mgr");
	if (strcmp(arch, "sse") == 0 || noshani)
		init_mb_mgr_sse(m);
	else if (strcmp(arch, "avx2") == 0)
		init_mb_mgr_avx2(m);
	else if (strcmp(arch, "avx512") == 0)
		init_mb_mgr_avx512(m);
	else
		die("arch");
	return m;
}

static void
bare_init(struct bare *x)
{
	_Alignas(16) uint8_t k[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	uint8_t block[64];

	x->m = bare_mgr(x->arch);
	IMB_AES_KEYEXP_128(x->m, k, x->enc, x->dec);
	IMB_AES128_GCM_PRE(x->m, k, &x->gk);
	memset(block, 0x36, sizeof(block));
	IMB_SHA1_ONE_BLOCK(x->m, block, x->ipad);
	memset(block, 0x5c, sizeof(block));
	IMB_SHA1_ONE_BLOCK(x->m, block, x->opad);
	for (int i = 0; i < BURST; i++)
		for (int j = 0; j < 16; j++)
			x->iv[i][j] = (uint8_t)(i * 16 + j);
}

/*
 * The crypto the backend's job does for one packet, nothing else: the same
 * offsets, lengths (ROC included in the HMAC), tag lengths and manager.
 */
static inline void
bare_fill(struct bare *x, IMB_JOB *job, unsigned int i, uint8_t *p, uint16_t len, int unprotect,
        int gcm)
{
	size_t body = unprotect ? len - (gcm ? 16u : 10u) : len;

	job->cipher_direction = unprotect ? IMB_DIR_DECRYPT : IMB_DIR_ENCRYPT;
	job->chain_order = unprotect ? IMB_ORDER_HASH_CIPHER : IMB_ORDER_CIPHER_HASH;
	job->key_len_in_bytes = 16;
	job->src = p;
	job->dst = p + HDR;
	job->cipher_start_src_offset_in_bytes = HDR;
	job->msg_len_to_cipher_in_bytes = body - HDR;
	job->iv = x->iv[i];
	job->auth_tag_output = x->tag[i];
	job->user_data = x;
	if (gcm) {
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = job->dec_keys = &x->gk;
		job->iv_len_in_bytes = 12;
		job->hash_start_src_offset_in_bytes = HDR;
		job->msg_len_to_hash_in_bytes = body - HDR;
		job->u.GCM.aad = p;
		job->u.GCM.aad_len_in_bytes = HDR;
		job->auth_tag_output_len_in_bytes = 16;
	} else {
		job->cipher_mode = IMB_CIPHER_CNTR;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->enc_keys = job->dec_keys = x->enc;
		job->iv_len_in_bytes = 16;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = body + 4; /* || ROC */
		job->u.HMAC._hashed_auth_key_xor_ipad = x->ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = x->opad;
		job->auth_tag_output_len_in_bytes = 12;
	}
}

static unsigned int
bare_burst(struct bare *x, uint8_t *pkts[], uint16_t plens[], int unprotect, int gcm)
{
	IMB_MGR *m = x->m;
	unsigned int done = 0;
	IMB_JOB *job;

	if (x->api == BARE_DIRECT) { /* GCM only */
		struct gcm_context_data gctx;

		for (unsigned int i = 0; i < burst; i++) {
			uint8_t *p = pkts[i];
			uint64_t l = (uint64_t)(unprotect ? plens[i] - 16 : plens[i]) - HDR;

			if (unprotect)
				IMB_AES128_GCM_DEC(m, &x->gk, &gctx, p + HDR, p + HDR, l, x->iv[i],
				        p, HDR, x->tag[i], 16);
			else
				IMB_AES128_GCM_ENC(m, &x->gk, &gctx, p + HDR, p + HDR, l, x->iv[i],
				        p, HDR, x->tag[i], 16);
		}
		return burst;
	}
	if (x->api == BARE_BURST) {
		IMB_JOB *jobs[BURST];
		unsigned int n = IMB_GET_NEXT_BURST(m, burst, jobs);
		if (n != burst)
			die("IMB_GET_NEXT_BURST");
		for (unsigned int i = 0; i < burst; i++)
			bare_fill(x, jobs[i], i, pkts[i], plens[i], unprotect, gcm);
		done = IMB_SUBMIT_BURST(m, burst, jobs);
		while (done < burst) {
			unsigned int f = IMB_FLUSH_BURST(m, burst - done, jobs);
			if (f == 0)
				break;
			done += f;
		}
		return done;
	}
	for (unsigned int i = 0; i < burst; i++) {
		job = IMB_GET_NEXT_JOB(m);
		bare_fill(x, job, i, pkts[i], plens[i], unprotect, gcm);
		job = IMB_SUBMIT_JOB(m);
		while (job != NULL) {
			done += job->status == IMB_STATUS_COMPLETED;
			job = IMB_GET_COMPLETED_JOB(m);
		}
	}
	while ((job = IMB_FLUSH_JOB(m)) != NULL) {
		do
			done += job->status == IMB_STATUS_COMPLETED;
		while ((job = IMB_GET_COMPLETED_JOB(m)) != NULL);
	}
	return done;
}

static double
run_bare(void *arg, int unprotect, int gcm, unsigned int passes)
{
	struct bare *x = arg;
	double t = 0, t0;

	for (unsigned int pass = 0; pass < passes; pass++) {
		load_pass(unprotect, gcm);
		CLOCK_START(t0);
		for (unsigned int k = 0; k < NPKT; k += burst)
			if (bare_burst(x, ptrs + k, lens + k, unprotect, gcm) != burst)
				die("bare jobs failed");
		CLOCK_STOP(t, t0);
	}
	return t;
}

/* ---- driver ---- */

struct row {
	char name[48];
	int gcm, unprotect;
	double (*run)(void *, int, int, unsigned int);
	void *arg;
	double mpps[MAX_ROUNDS];
	double med;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Quartiles of @v[0..n) (sorted in place): q[0] min, q[1] p25, q[2] median, q[3] p75, q[4] max. */
static void
quartiles(double *v, unsigned int n, double q[5])
{
	qsort(v, n, sizeof(double), cmp_double);
	q[0] = v[0];
	q[1] = v[n / 4];
	q[2] = v[n / 2];
	q[3] = v[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1];
	q[4] = v[n - 1];
}

static void
make_packets(struct srtp_engine *e)
{
	static struct srtp_ctx c;
	struct srtp_params p = {.dir = SRTP_DIR_OUTBOUND};

	for (unsigned int k = 0; k < NPKT; k++) {
		uint8_t *q = plain[k];
		q[0] = 0x80;
		q[1] = 111;
		q[2] = (uint8_t)(k >> 8);
		q[3] = (uint8_t)k;
		memset(q + 4, 0x11, 4);                               /* timestamp */
		q[8] = 0xca, q[9] = 0xfe, q[10] = 0xba, q[11] = 0xbe; /* SSRC */
		for (unsigned int j = HDR; j < PLEN; j++)
			q[j] = (uint8_t)(j * 7 + k);
	}
	memcpy(p.master_key, master_key, 16);
	memcpy(p.master_salt, master_salt, 14);
	for (int gcm = 0; gcm < 2; gcm++) {
		p.profile = profile_of(gcm);
		if (srtp_ctx_init(&c, srtp_backend_find("ipsec-mb"), e, &p) != 0)
			die("srtp_ctx_init");
		for (unsigned int k = 0; k < NPKT; k++) {
			uint8_t *pk = prot[gcm][k];
			uint16_t len = PLEN;
			uint8_t res;
			memcpy(pk, plain[k], PLEN);
			if (srtp_protect_burst(e, &c, &pk, &len, 1, &res) != 1)
				die("protect");
			prot_len[gcm] = len;
		}
		srtp_ctx_clear(&c);
	}
}

static struct row rows[MAX_ROWS];
static unsigned int nrows;

static struct row *
row_add(const char *name, int gcm, int unp, double (*run)(void *, int, int, unsigned int),
        void *arg)
{
	struct row *r;

	if (nrows >= MAX_ROWS)
		die("too many rows");
	r = &rows[nrows++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->gcm = gcm, r->unprotect = unp, r->run = run, r->arg = arg;
	return r;
}

static const struct row *
row_find(int gcm, int unp, const char *name)
{
	for (unsigned int i = 0; i < nrows; i++)
		if (rows[i].gcm == gcm && rows[i].unprotect == unp &&
		        strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/* Paired ratio a/b per round, then its quartiles; 0 if a row is missing. */
static int
ratio(const struct row *a, const struct row *b, unsigned int rounds, double q[5])
{
	double v[MAX_ROUNDS];

	if (a == NULL || b == NULL)
		return 0;
	for (unsigned int rd = 0; rd < rounds; rd++)
		v[rd] = a->mpps[rd] / b->mpps[rd];
	quartiles(v, rounds, q);
	return 1;
}

static void
ratio_print(const struct row *a, const struct row *b, unsigned int rounds, const char *target)
{
	double q[5];

	if (!ratio(a, b, rounds, q))
		return;
	printf("    %-16s / %-24s = %6.2fx  [p25 %.2f, p75 %.2f; min %.2f, max %.2f]%s%s\n",
	        a->name, b->name, q[2], q[1], q[3], q[0], q[4], target ? "  " : "",
	        target ? target : "");
}

int
main(int argc, char **argv)
{
	static const char *const arches[NARCH] = {
	        "default", "sse", "avx2", "avx512", "sse-noshani"};
	static struct bare bares[3][NARCH];
	static struct srtp_row_arg rargs[NARCH];
	unsigned int rounds = 15, passes = 4;
	const char *only = NULL, *prof = NULL, *op = NULL;
	struct srtp_engine *def;
	char why[256], name[48];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc)
			passes = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--row") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			prof = argv[++i];
		else if (strcmp(argv[i], "--op") == 0 && i + 1 < argc)
			op = argv[++i];
		else if (strcmp(argv[i], "--burst") == 0 && i + 1 < argc)
			burst = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--callgrind") == 0)
			callgrind_mode = 1;
		else {
			fprintf(stderr,
			        "usage: %s [--rounds N] [--passes N] [--row NAME] "
			        "[--profile cm|gcm] [--op protect|unprotect] [--burst N] "
			        "[--callgrind]\n",
			        argv[0]);
			return 2;
		}
	}
	if (callgrind_mode)
		rounds = 1, passes = 1;
	if (rounds < 1 || rounds > MAX_ROUNDS || passes < 1 || burst < 1 || burst > BURST ||
	        NPKT % burst != 0)
		die("bad --rounds (1-201) / --passes / --burst (1, 2, 4, 8, 16, 32)");
	if (srtp_backend_select("ipsec-mb", why, sizeof(why)) == NULL)
		die(why);
	printf("backend: %s\n", why);
	if (srtp_backend_select("libsrtp", NULL, 0) == NULL)
		die("libsrtp self-test");
	printf("libsrtp2: %s\n", srtp_get_version_string());
	def = srtp_engine_create(srtp_backend_find("ipsec-mb"));
	if (def == NULL)
		die("engine");
	printf("default engine arch: %s\n", srtp_ipsecmb_engine_arch(def));
	make_packets(def);

	for (int a = 0; a < NARCH; a++) {
		rargs[a].arch = arches[a];
		rargs[a].e = srtp_ipsecmb_engine_create(arches[a]);
		for (int u = 0; u < 3; u++) {
			bares[u][a].arch = arches[a];
			bares[u][a].api = (enum bare_api)u;
			if (rargs[a].e != NULL && a > 0) /* "default" has no bare row of its own */
				bare_init(&bares[u][a]);
		}
	}
	for (int gcm = 0; gcm < 2; gcm++) {
		if (prof && strcmp(prof, gcm ? "gcm" : "cm") != 0)
			continue;
		for (int unp = 0; unp < 2; unp++) {
			if (op && strcmp(op, unp ? "unprotect" : "protect") != 0)
				continue;
			for (int a = 0; a < NARCH; a++) {
				static const char *const api_names[3] = {
				        "imb-bare", "imb-bare-burst", "imb-direct"};
				if (rargs[a].e == NULL)
					continue;
				for (int u = 0; u < 3 && a > 0; u++) {
					if (u == BARE_DIRECT && !gcm)
						continue;
					snprintf(name, sizeof(name), "%s/%s", api_names[u],
					        arches[a]);
					row_add(name, gcm, unp, run_bare, &bares[u][a]);
				}
				snprintf(name, sizeof(name), "rtcedge/%s", arches[a]);
				row_add(name, gcm, unp, run_rtcedge, &rargs[a]);
			}
			row_add("libsrtp2", gcm, unp, run_libsrtp, NULL);
			if (gcm) {
				row_add("cipher/libsrtp2-nss", gcm, unp, run_cipher_libsrtp, NULL);
				row_add("cipher/openssl", gcm, unp, run_cipher_openssl, NULL);
			}
		}
	}

	printf("payload %d octets, header %d, bursts of %u, %u packets per row per round "
	       "(libsrtp2 and cipher rows: %u), %u rounds, rows interleaved%s\n",
	        PAYLOAD, HDR, burst, NPKT * passes, NPKT * ((passes + 3) / 4), rounds,
	        callgrind_mode ? ", callgrind dumps per row" : "");
	for (unsigned int rd = 0; rd < rounds; rd++) {
		/* groups of (profile, op) one after the other; inside a group a rotating order */
		for (unsigned int g0 = 0; g0 < nrows;) {
			unsigned int g1 = g0, len;

			while (g1 < nrows && rows[g1].gcm == rows[g0].gcm &&
			        rows[g1].unprotect == rows[g0].unprotect)
				g1++;
			len = g1 - g0;
			for (unsigned int j = 0; j < len; j++) {
				struct row *r = &rows[g0 + (j + rd) % len];
				unsigned int ps;
				double t;

				if (only && strncmp(r->name, only, strlen(only)) != 0)
					continue;
				/* the slow rows: fewer passes, same rate */
				ps = r->run == run_libsrtp || r->run == run_cipher_libsrtp ||
				                     r->run == run_cipher_openssl
				             ? (passes + 3) / 4
				             : passes;
				if (callgrind_mode)
					CALLGRIND_ZERO_STATS;
				t = r->run(r->arg, r->unprotect, r->gcm, ps);
				if (callgrind_mode) {
					char d[96];
					snprintf(d, sizeof(d), "%s %s %s %u", r->gcm ? "gcm" : "cm",
					        r->unprotect ? "unprotect" : "protect", r->name,
					        NPKT * ps);
					CALLGRIND_DUMP_STATS_AT(d);
				}
				r->mpps[rd] = (double)NPKT * ps / t / 1e6;
			}
			g0 = g1;
		}
	}
	printf("\n%-8s %-9s %-24s %9s %9s %9s %9s %9s  (Mpps)\n", "profile", "op", "row", "median",
	        "p25", "p75", "min", "max");
	for (unsigned int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double s[MAX_ROUNDS], q[5];
		if (only && strncmp(r->name, only, strlen(only)) != 0)
			continue;
		memcpy(s, r->mpps, sizeof(double) * rounds);
		quartiles(s, rounds, q);
		r->med = q[2];
		printf("%-8s %-9s %-24s %9.3f %9.3f %9.3f %9.3f %9.3f\n",
		        r->gcm ? "gcm" : "cm_sha1", r->unprotect ? "unprotect" : "protect", r->name,
		        q[2], q[1], q[3], q[0], q[4]);
	}
	if (only || callgrind_mode)
		return 0;
	/*
	 * The default engine runs AES-CM chunks on the multi-buffer manager ipsec-mb picks
	 * (auto), except chunks under 8 packets, which go to SSE on SHA-NI; GCM always on
	 * auto's manager, through the direct API.
	 */
	struct srtp_engine *au = srtp_ipsecmb_engine_create("auto");
	const char *auto_arch = srtp_ipsecmb_engine_arch(au);
	printf("\npaired ratios (per round, then median [quartiles, range]) of rtcedge/default "
	       "(%s):\n",
	        srtp_ipsecmb_engine_arch(def));
	for (int gcm = 0; gcm < 2; gcm++)
		for (int unp = 0; unp < 2; unp++) {
			const struct row *be = row_find(gcm, unp, "rtcedge/default");
			char bn[48];

			if (be == NULL)
				continue;
			printf("  %s %s\n", gcm ? "gcm" : "cm_sha1", unp ? "unprotect" : "protect");
			snprintf(bn, sizeof(bn), "imb-bare-burst/%s",
			        !gcm && burst < 8 && strstr(srtp_ipsecmb_engine_arch(def), "+sse")
			                ? "sse"
			                : auto_arch);
			ratio_print(be, row_find(gcm, unp, bn), rounds, "(target >= 0.85)");
			if (gcm) {
				snprintf(bn, sizeof(bn), "imb-direct/%s", auto_arch);
				ratio_print(be, row_find(gcm, unp, bn), rounds,
				        "(same primitive as the backend)");
			}
			ratio_print(be, row_find(gcm, unp, "libsrtp2"), rounds, "(target >= 15)");
			if (gcm) {
				snprintf(bn, sizeof(bn), "imb-direct/%s", auto_arch);
				ratio_print(row_find(gcm, unp, bn),
				        row_find(gcm, unp, "cipher/libsrtp2-nss"), rounds,
				        "(cipher alone: ipsec-mb / libsrtp2's NSS GCM)");
				ratio_print(row_find(gcm, unp, bn),
				        row_find(gcm, unp, "cipher/openssl"), rounds,
				        "(cipher alone: ipsec-mb / OpenSSL GCM)");
				ratio_print(row_find(gcm, unp, "cipher/libsrtp2-nss"),
				        row_find(gcm, unp, "libsrtp2"), rounds,
				        "(libsrtp2: its NSS cipher alone / whole srtp call)");
			}
		}
	srtp_engine_free(srtp_backend_find("ipsec-mb"), au);
	srtp_engine_free(srtp_backend_find("ipsec-mb"), def);
	for (int a = 0; a < NARCH; a++)
		srtp_engine_free(srtp_backend_find("ipsec-mb"), rargs[a].e);
	return 0;
}
