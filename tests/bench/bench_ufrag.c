/*
 * bench_ufrag: cost of checking a ufrag routing label (dataplane/proto/ufrag.c)
 * on the first packet of a flow, next to baselines measured in the same run.
 *
 *   bench_ufrag [ITERATIONS [ROW]]   (default 5000000; ROW: only rows whose name has it)
 *
 * Prints ns/op (wall clock, best of 5 rounds) and the ratio to the baseline:
 * a memcmp() of the label's 22 bytes against a stored ufrag, i.e. what a
 * lookup by the ufrag text would cost at the least (without the hashing).
 *
 * Rows:
 *   memcmp 22            the baseline
 *   decode ok            ufrag_label_decode() of a valid label, two keys loaded
 *   decode forged        the same with one character changed: fails at the MAC
 *   decode bad char      fails at the character check (no MAC computed)
 *   split+decode         ufrag_username_split("<label>:v8Lx") then decode
 *   encode               ufrag_label_encode() (the control plane's side)
 *   siphash24 9B         ufrag_siphash24() on 9 bytes, the MAC alone, key not
 *                        precomputed
 *   hmac-sha256 pre 9B   the alternative not taken: HMAC-SHA256 over 9 bytes
 *                        with precomputed inner/outer SHA-256 states (as
 *                        stun.c does for SHA-1): 2 compressions
 *   hmac-sha256 EVP 9B   OpenSSL's one-shot HMAC(): what a naive call costs
 *
 * The noise-free figure is instructions under callgrind: every operation is
 * one noinline bench_op_*() call, so its inclusive Ir divided by 5 rounds x
 * ITERATIONS is instructions per op:
 *   valgrind --tool=callgrind --callgrind-out-file=cg.out bench_ufrag 100000 'decode ok'
 *   callgrind_annotate --inclusive=yes cg.out | grep bench_op_
 * (one row at a time, as the baseline's bench_op_memcmp runs in every row).
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_* with a reusable precomputed state */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "ufrag.h"

#define BENCH_ROUNDS 5

struct bench_in {
	char text[64];
	size_t len;
};

static struct ufrag_key keys[2];
static char stored[UFRAG_LABEL_LEN + 1]; /* the baseline's other operand */
static SHA256_CTX hmac_inner, hmac_outer;
static const uint8_t hmac_key[16] = "0123456789abcdef";
static volatile uint64_t sink;

/* ---- the measured operations: one call = one op ---- */

__attribute__((noinline)) static void
bench_op_memcmp(const struct bench_in *in)
{
	sink += (uint64_t)(memcmp(in->text, stored, UFRAG_LABEL_LEN) == 0);
}

__attribute__((noinline)) static void
bench_op_decode(const struct bench_in *in)
{
	struct ufrag_fields f = {0};

	sink += (uint64_t)ufrag_label_decode(keys, 2, in->text, in->len, &f) + f.slot;
}

__attribute__((noinline)) static void
bench_op_split_decode(const struct bench_in *in)
{
	struct ufrag_username u;
	struct ufrag_fields f = {0};

	if (ufrag_username_split(in->text, in->len, &u) == UFRAG_OK)
		sink += (uint64_t)ufrag_label_decode(keys, 2, u.local, u.local_len, &f) + f.slot +
		        u.remote_len;
}

__attribute__((noinline)) static void
bench_op_encode(const struct bench_in *in)
{
	struct ufrag_fields f = {.version = UFRAG_VERSION,
	        .node = 1234,
	        .worker = 17,
	        .slot = (uint32_t)in->len,
	        .generation = 98765432};
	char out[UFRAG_LABEL_LEN + 1];

	sink += (uint64_t)ufrag_label_encode(&keys[0], &f, out, sizeof(out)) + (uint8_t)out[21];
}

__attribute__((noinline)) static void
bench_op_siphash(const struct bench_in *in)
{
	sink += ufrag_siphash24(hmac_key, in->text, 9);
}

__attribute__((noinline)) static void
bench_op_hmac_pre(const struct bench_in *in)
{
	SHA256_CTX c = hmac_inner;
	uint8_t ih[SHA256_DIGEST_LENGTH], mac[SHA256_DIGEST_LENGTH];

	SHA256_Update(&c, in->text, 9);
	SHA256_Final(ih, &c);
	c = hmac_outer;
	SHA256_Update(&c, ih, sizeof(ih));
	SHA256_Final(mac, &c);
	sink += mac[0];
}

__attribute__((noinline)) static void
bench_op_hmac_evp(const struct bench_in *in)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;

	HMAC(EVP_sha256(), hmac_key, sizeof(hmac_key), (const uint8_t *)in->text, 9, mac, &mac_len);
	sink += mac[0];
}

static void
bench_hmac_init(void)
{
	uint8_t pad[SHA256_CBLOCK];

	for (int i = 0; i < SHA256_CBLOCK; i++)
		pad[i] = (uint8_t)((i < 16 ? hmac_key[i] : 0) ^ 0x36);
	SHA256_Init(&hmac_inner);
	SHA256_Update(&hmac_inner, pad, sizeof(pad));
	for (int i = 0; i < SHA256_CBLOCK; i++)
		pad[i] = (uint8_t)((i < 16 ? hmac_key[i] : 0) ^ 0x5c);
	SHA256_Init(&hmac_outer);
	SHA256_Update(&hmac_outer, pad, sizeof(pad));
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best-of-rounds ns per call. */
static double
bench_run(void (*op)(const struct bench_in *), const struct bench_in *in, unsigned iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		double t0 = bench_now(), dt;
		for (unsigned i = 0; i < iters; i++)
			op(in);
		dt = (bench_now() - t0) * 1e9 / iters;
		if (dt < best)
			best = dt;
	}
	return best;
}

static const char *only; /* run only the rows whose name contains this */

static void
bench_row(const char *name, void (*op)(const struct bench_in *), const struct bench_in *in,
        int want, unsigned iters)
{
	static const struct bench_in base_in = {.text = "QAAAAAAAAAAIbUgNGHRYm+", .len = 22};
	double base, t;

	if (only != NULL && strstr(name, only) == NULL)
		return;
	/* the row measures what it says: check the outcome once */
	if (want != 1) {
		struct ufrag_fields f;
		int rc = ufrag_label_decode(keys, 2, in->text, in->len, &f);
		if (rc != want) {
			fprintf(stderr, "%s: decode gives %d (%s), not %d\n", name, rc,
			        ufrag_strerror(rc), want);
			exit(1);
		}
	}
	base = bench_run(bench_op_memcmp, &base_in, iters);
	t = bench_run(op, in, iters);
	printf("%-20s %8.2f ns/op   memcmp 22 B %6.2f ns/op   ratio %6.2f\n", name, t, base,
	        base > 0 ? t / base : 0.0);
}

int
main(int argc, char **argv)
{
	static const char s0[] = "bench ufrag cluster secret id 0";
	static const char s1[] = "bench ufrag cluster secret id 1";
	struct ufrag_fields f = {.version = UFRAG_VERSION,
	        .node = 1234,
	        .worker = 17,
	        .slot = 654321,
	        .generation = 98765432};
	struct bench_in ok, forged, bad, user;
	unsigned iters = 5000000;

	if (argc > 1)
		iters = (unsigned)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		only = argv[2];
	if (iters == 0 || argc > 3) {
		fprintf(stderr, "usage: %s [ITERATIONS [ROW]]\n", argv[0]);
		return 64;
	}
	if (ufrag_self_test() != 0 || ufrag_key_init(&keys[0], 0, s0, sizeof(s0) - 1) != 0 ||
	        ufrag_key_init(&keys[1], 1, s1, sizeof(s1) - 1) != 0)
		return 1;
	bench_hmac_init();

	memset(&ok, 0, sizeof(ok));
	ok.len = (size_t)ufrag_label_encode(&keys[1], &f, ok.text, sizeof(ok.text));
	memcpy(stored, ok.text, sizeof(stored));
	forged = ok;
	forged.text[15] = forged.text[15] == 'A' ? 'B' : 'A';
	bad = ok;
	bad.text[21] = '-';
	user = ok;
	memcpy(user.text + ok.len, ":v8Lx", 6);
	user.len = ok.len + 5;

	printf("iterations %u x %d rounds (best round reported)\n", iters, BENCH_ROUNDS);
	bench_row("decode ok", bench_op_decode, &ok, UFRAG_OK, iters);
	bench_row("decode forged", bench_op_decode, &forged, UFRAG_E_MAC, iters);
	bench_row("decode bad char", bench_op_decode, &bad, UFRAG_E_BAD_CHAR, iters);
	bench_row("split+decode", bench_op_split_decode, &user, 1, iters);
	bench_row("encode", bench_op_encode, &ok, 1, iters);
	bench_row("siphash24 9B", bench_op_siphash, &ok, 1, iters);
	bench_row("hmac-sha256 pre 9B", bench_op_hmac_pre, &ok, 1, iters);
	bench_row("hmac-sha256 EVP 9B", bench_op_hmac_evp, &ok, 1, iters / 10 ? iters / 10 : 1);
	return (int)(sink & 0); /* keep sink alive */
}
