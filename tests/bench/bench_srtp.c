/*
 * SRTP benchmark: protect and unprotect of RTP packets with a 160-octet
 * payload (12-octet header), in bursts of 32, for both profiles. Rows, all
 * measured in the same run and alternated round by round (medians):
 *
 *   imb-bare/<arch>      ipsec-mb's cipher+hash jobs alone on the same
 *                        buffers: AES-CTR + HMAC-SHA1 (12-octet output) over
 *                        header || payload || ROC, or AES-GCM with the header
 *                        as AAD; fixed IVs, no parsing, no index, no replay
 *                        window, no tag compare. The ceiling for the backend.
 *   imb-bare-burst/<arch> the same jobs through IMB_SUBMIT_BURST.
 *   rtcedge/<arch>       srtp_protect_burst() / srtp_unprotect_burst() on the
 *                        ipsec-mb backend with an engine on that job manager.
 *   libsrtp2             srtp_protect() / srtp_unprotect() of the installed
 *                        libsrtp2, one packet at a time.
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time:
 * the machine is shared, and a row descheduled for another process's slice
 * would otherwise be charged for it.
 *
 * Every row copies each burst's 32 packets from a pristine set before the
 * call (the same memcpy for all rows), because all of them work in place.
 * Unprotect rows get packets protected once by the ipsec-mb backend, so the
 * libsrtp2 row is also a cross-check (a failure aborts the benchmark).
 *
 * usage: bench_srtp [--rounds N] [--passes N] [--row NAME] [--profile cm|gcm] [--burst N]
 *   --row NAME   run only the rows whose name starts with NAME (e.g. for
 *                valgrind --tool=callgrind --instr-atstart=no: the timed
 *                loops are bracketed by CALLGRIND_START/STOP_INSTRUMENTATION)
 * The arches are those this CPU runs: sse, avx2, avx512, and sse-noshani
 * (valgrind does not know SHA-NI or AVX-512: use it for instruction counts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <srtp2/srtp.h>
#include <valgrind/callgrind.h>

#include "srtp.h"

#define BURST 32
#define NPKT 2048                  /* per pass */
static unsigned int burst = BURST; /* --burst: packets per call */
#define BURSTS (NPKT / burst)
#define HDR 12
#define PAYLOAD 160
#define PLEN (HDR + PAYLOAD)
#define ROOM 256
#define MAX_ROWS 64
#define MAX_ROUNDS 101

static const uint8_t master_key[16] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f,
        0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39};
static const uint8_t master_salt[14] = {
        0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};

static uint8_t plain[NPKT][ROOM];   /* pristine RTP packets */
static uint8_t prot[2][NPKT][ROOM]; /* pristine SRTP packets, per profile */
static uint16_t prot_len[2];
static uint8_t work[BURST][ROOM] __attribute__((aligned(64)));

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

static void
load_burst(int unprotect, int gcm, unsigned int b, uint8_t *pkts[], uint16_t lens[])
{
	for (unsigned int i = 0; i < burst; i++) {
		unsigned int k = b * burst + i;
		if (unprotect) {
			memcpy(work[i], prot[gcm][k], prot_len[gcm]);
			lens[i] = prot_len[gcm];
		} else {
			memcpy(work[i], plain[k], PLEN);
			lens[i] = PLEN;
		}
		pkts[i] = work[i];
	}
}

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
	uint8_t *pkts[BURST];
	uint16_t lens[BURST];
	uint8_t res[BURST];
	double t = 0;

	memcpy(p.master_key, master_key, 16);
	memcpy(p.master_salt, master_salt, 14);
	p.dir = unprotect ? SRTP_DIR_INBOUND : SRTP_DIR_OUTBOUND;
	for (unsigned int pass = 0; pass < passes; pass++) {
		if (srtp_ctx_init(&c, srtp_backend_find("ipsec-mb"), a->e, &p) != 0)
			die("srtp_ctx_init");
		double t0 = now_s();
		CALLGRIND_START_INSTRUMENTATION;
		for (unsigned int b = 0; b < BURSTS; b++) {
			unsigned int ok;
			load_burst(unprotect, gcm, b, pkts, lens);
			ok = unprotect ? srtp_unprotect_burst(a->e, &c, pkts, lens, burst, res)
			               : srtp_protect_burst(a->e, &c, pkts, lens, burst, res);
			if (ok != burst)
				die(srtp_result_str(res[0]));
		}
		CALLGRIND_STOP_INSTRUMENTATION;
		t += now_s() - t0;
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
	uint8_t *pkts[BURST];
	uint16_t lens[BURST];
	double t = 0;

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
	pol.ssrc.type = unprotect ? ssrc_any_inbound : ssrc_any_outbound;
	for (unsigned int pass = 0; pass < passes; pass++) {
		if (srtp_create(&s, &pol) != srtp_err_status_ok)
			die("srtp_create");
		double t0 = now_s();
		CALLGRIND_START_INSTRUMENTATION;
		for (unsigned int b = 0; b < BURSTS; b++) {
			load_burst(unprotect, gcm, b, pkts, lens);
			for (unsigned int i = 0; i < burst; i++) {
				int len = lens[i];
				srtp_err_status_t st = unprotect ? srtp_unprotect(s, pkts[i], &len)
				                                 : srtp_protect(s, pkts[i], &len);
				if (st != srtp_err_status_ok)
					die("libsrtp2 refused a packet");
			}
		}
		CALLGRIND_STOP_INSTRUMENTATION;
		t += now_s() - t0;
		srtp_dealloc(s);
	}
	return t;
}

/* ---- bare ipsec-mb jobs ---- */

struct bare {
	const char *arch;
	int use_burst;
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

static void
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
bare_burst(struct bare *x, uint8_t *pkts[], uint16_t lens[], int unprotect, int gcm)
{
	IMB_MGR *m = x->m;
	unsigned int done = 0;
	IMB_JOB *job;

	if (x->use_burst) {
		IMB_JOB *jobs[BURST];
		unsigned int n = IMB_GET_NEXT_BURST(m, burst, jobs);
		if (n != burst)
			die("IMB_GET_NEXT_BURST");
		for (unsigned int i = 0; i < burst; i++)
			bare_fill(x, jobs[i], i, pkts[i], lens[i], unprotect, gcm);
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
		bare_fill(x, job, i, pkts[i], lens[i], unprotect, gcm);
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
	uint8_t *pkts[BURST];
	uint16_t lens[BURST];
	double t = 0;

	for (unsigned int pass = 0; pass < passes; pass++) {
		double t0 = now_s();
		CALLGRIND_START_INSTRUMENTATION;
		for (unsigned int b = 0; b < BURSTS; b++) {
			load_burst(unprotect, gcm, b, pkts, lens);
			if (bare_burst(x, pkts, lens, unprotect, gcm) != burst)
				die("bare jobs failed");
		}
		CALLGRIND_STOP_INSTRUMENTATION;
		t += now_s() - t0;
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

int
main(int argc, char **argv)
{
	static const char *const arches[] = {"default", "sse", "avx2", "avx512", "sse-noshani"};
	static struct bare bares[2][5];
	static struct srtp_row_arg rargs[5];
	static struct row rows[MAX_ROWS];
	unsigned int rounds = 7, passes = 8, nrows = 0;
	const char *only = NULL, *prof = NULL;
	struct srtp_engine *def;
	char why[256];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc)
			passes = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--row") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			prof = argv[++i];
		else if (strcmp(argv[i], "--burst") == 0 && i + 1 < argc)
			burst = (unsigned int)atoi(argv[++i]);
		else {
			fprintf(stderr,
			        "usage: %s [--rounds N] [--passes N] [--row NAME] "
			        "[--profile cm|gcm] [--burst N]\n",
			        argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || passes < 1 || burst < 1 || burst > BURST ||
	        NPKT % burst != 0)
		die("bad --rounds / --passes / --burst (1, 2, 4, 8, 16, 32)");
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

	for (int a = 0; a < 5; a++) {
		rargs[a].arch = arches[a];
		rargs[a].e = srtp_ipsecmb_engine_create(arches[a]);
		for (int u = 0; u < 2; u++) {
			bares[u][a].arch = arches[a];
			bares[u][a].use_burst = u;
			if (rargs[a].e != NULL && a > 0) /* "default" has no bare row of its own */
				bare_init(&bares[u][a]);
		}
	}
	for (int gcm = 0; gcm < 2; gcm++) {
		if (prof && strcmp(prof, gcm ? "gcm" : "cm") != 0)
			continue;
		for (int unp = 0; unp < 2; unp++) {
			for (int a = 0; a < 5; a++) {
				if (rargs[a].e == NULL)
					continue;
				for (int u = 0; u < 2 && a > 0; u++) {
					struct row *r = &rows[nrows++];
					snprintf(r->name, sizeof(r->name), "%s/%s",
					        u ? "imb-bare-burst" : "imb-bare", arches[a]);
					r->run = run_bare;
					r->arg = &bares[u][a];
					r->gcm = gcm, r->unprotect = unp;
				}
				struct row *r = &rows[nrows++];
				snprintf(r->name, sizeof(r->name), "rtcedge/%s", arches[a]);
				r->run = run_rtcedge;
				r->arg = &rargs[a];
				r->gcm = gcm, r->unprotect = unp;
			}
			struct row *r = &rows[nrows++];
			snprintf(r->name, sizeof(r->name), "libsrtp2");
			r->run = run_libsrtp;
			r->gcm = gcm, r->unprotect = unp;
		}
	}

	printf("payload %d octets, header %d, bursts of %u, %u packets per row per round, "
	       "%u rounds, rows alternated\n",
	        PAYLOAD, HDR, burst, NPKT * passes, rounds);
	for (unsigned int rd = 0; rd < rounds; rd++)
		for (unsigned int i = 0; i < nrows; i++) {
			struct row *r = &rows[i];
			if (only && strncmp(r->name, only, strlen(only)) != 0)
				continue;
			/* libsrtp2 is ~20x slower: fewer passes, same rate */
			unsigned int ps = r->run == run_libsrtp ? (passes + 7) / 8 : passes;
			double t = r->run(r->arg, r->unprotect, r->gcm, ps);
			r->mpps[rd] = (double)NPKT * ps / t / 1e6;
		}
	printf("\n%-8s %-9s %-24s %10s %10s %10s\n", "profile", "op", "row", "median", "min",
	        "max");
	for (unsigned int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double s[MAX_ROUNDS];
		if (only && strncmp(r->name, only, strlen(only)) != 0)
			continue;
		memcpy(s, r->mpps, sizeof(double) * rounds);
		qsort(s, rounds, sizeof(double), cmp_double);
		r->med = s[rounds / 2];
		printf("%-8s %-9s %-24s %8.3f M %8.3f M %8.3f M\n", r->gcm ? "gcm" : "cm_sha1",
		        r->unprotect ? "unprotect" : "protect", r->name, r->med, s[0],
		        s[rounds - 1]);
	}
	if (only)
		return 0;
	/*
	 * The default engine runs a chunk on the multi-buffer manager ipsec-mb picks
	 * (auto), except AES-CM chunks under 8 packets, which go to SSE on SHA-NI.
	 */
	struct srtp_engine *au = srtp_ipsecmb_engine_create("auto");
	const char *auto_arch = srtp_ipsecmb_engine_arch(au);
	printf("\nratios of medians: rtcedge/default (%s) against the bare jobs of the manager "
	       "it used (same job API: IMB_SUBMIT_BURST), and against libsrtp2:\n",
	        srtp_ipsecmb_engine_arch(def));
	for (int gcm = 0; gcm < 2; gcm++)
		for (int unp = 0; unp < 2; unp++) {
			double be = 0, bare = 0, lib = 0, best = 0;
			char bn[48];
			snprintf(bn, sizeof(bn), "imb-bare-burst/%s",
			        !gcm && burst < 8 && strstr(srtp_ipsecmb_engine_arch(def), "+sse")
			                ? "sse"
			                : auto_arch);
			for (unsigned int i = 0; i < nrows; i++) {
				struct row *r = &rows[i];
				if (r->gcm != gcm || r->unprotect != unp)
					continue;
				if (strcmp(r->name, "rtcedge/default") == 0)
					be = r->med;
				else if (strcmp(r->name, bn) == 0)
					bare = r->med;
				else if (strcmp(r->name, "libsrtp2") == 0)
					lib = r->med;
				if (strncmp(r->name, "imb-bare", 8) == 0 && r->med > best)
					best = r->med;
			}
			if (be == 0 || bare == 0 || lib == 0)
				continue;
			printf("  %-8s %-9s rtcedge/%s = %.2fx (target >= 0.85; vs fastest bare "
			       "row "
			       "%.2fx)   rtcedge/libsrtp2 = %.1fx (target >= 15)\n",
			        gcm ? "gcm" : "cm_sha1", unp ? "unprotect" : "protect", bn,
			        be / bare, be / best, be / lib);
		}
	srtp_engine_free(srtp_backend_find("ipsec-mb"), au);
	srtp_engine_free(srtp_backend_find("ipsec-mb"), def);
	for (int a = 0; a < 5; a++)
		srtp_engine_free(srtp_backend_find("ipsec-mb"), rargs[a].e);
	return 0;
}
