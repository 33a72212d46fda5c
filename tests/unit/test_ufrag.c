/*
 * ufrag routing labels and ICE passwords (dataplane/proto/ufrag.[ch], docs/ufrag.md).
 *
 * Independent oracle: the known answers below come from tests/unit/ufrag_kat.py,
 * which implements the format and SipHash-2-4 again from their specs in plain
 * Python (and checks its SipHash against the paper's vectors first). Random
 * fields and strings come from a fixed-seed splitmix64, so every run is the
 * same; only the password tests read the kernel's CSPRNG.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ufrag.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct kat {
	const char *secret;
	unsigned key_id, node, worker, slot, generation;
	const char *label;
};

/* tests/unit/ufrag_kat.py: secret, key id, node, worker, slot, generation, label */
static const struct kat kats[] = {
        {"rtcedge test cluster secret 0001", 0, 0, 0, 0, 0, "QAAAAAAAAAAIbUgNGHRYm+"},
        {"rtcedge test cluster secret 0001", 0, 4095, 63, 1048575, 134217727,
                "X//////////3VmYD8FjVZc"},
        {"rtcedge test cluster secret 0001", 0, 1234, 17, 654321, 98765432,
                "SaSM/fjeMKeFNYNCHZPWGT"},
        {"rtcedge test cluster secret 0001", 0, 1, 1, 1, 1, "QAIIAACAAAAcNH7kmXH9qG"},
        {"rtcedge test cluster secret 0002", 1, 7, 3, 42, 5, "YA4YABUAAABd+8Wcuk2idr"},
        {"rtcedge test cluster secret 0002", 1, 4095, 0, 0, 134217727, "f/4AAAB////+K1y2Yygpwh"},
};

#define SECRET_A "rtcedge test cluster secret 0001"
#define SECRET_B "rtcedge test cluster secret 0002"
#define SECRET_C "rtcedge test cluster secret 0003"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* splitmix64: deterministic test data, not for anything secret */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
key_make(struct ufrag_key *k, unsigned id, const char *secret)
{
	assert_int_equal(ufrag_key_init(k, id, secret, strlen(secret)), UFRAG_OK);
	assert_int_equal(k->id, id);
}

static struct ufrag_fields
fields_make(unsigned node, unsigned worker, unsigned slot, unsigned generation)
{
	struct ufrag_fields f = {.version = UFRAG_VERSION,
	        .node = (uint16_t)node,
	        .worker = (uint8_t)worker,
	        .slot = slot,
	        .generation = generation};
	return f;
}

static void
assert_fields_equal(const struct ufrag_fields *a, const struct ufrag_fields *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->key_id, b->key_id);
	assert_int_equal(a->node, b->node);
	assert_int_equal(a->worker, b->worker);
	assert_int_equal(a->slot, b->slot);
	assert_int_equal(a->generation, b->generation);
}

/* decode must fail with @want and leave the output as it was */
static void
expect_fail(const struct ufrag_key *keys, size_t nkeys, const char *text, size_t len, int want)
{
	struct ufrag_fields f, sentinel;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	f = sentinel;
	assert_int_equal(ufrag_label_decode(keys, nkeys, text, len, &f), want);
	assert_memory_equal(&f, &sentinel, sizeof(f));
}

static int
version_of(char c)
{
	const char *p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) >> 4 : -1;
}

/* ---- known answers ---- */

static void
test_self_test(void **state)
{
	(void)state;
	assert_int_equal(ufrag_self_test(), 0);
}

static void
test_siphash_paper_vectors(void **state)
{
	(void)state;
	/* Aumasson, Bernstein 2012, vectors_sip64: key 00..0f, message 00..len-1 */
	static const struct {
		size_t len;
		uint64_t want;
	} v[] = {{0, 0x726fdb47dd0e0e31ull}, {1, 0x74f839c593dc67fdull}, {7, 0xab0200f58b01d137ull},
	        {8, 0x93f5f5799a932462ull}, {9, 0x9e0082df0ba9e4b0ull},
	        {15, 0xa129ca6149be45e5ull}};
	uint8_t key[16], msg[16];

	for (int i = 0; i < 16; i++)
		key[i] = msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(ufrag_siphash24(key, msg, v[i].len) == v[i].want);
}

static void
test_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *t = &kats[i];
		struct ufrag_key k;
		struct ufrag_fields f = fields_make(t->node, t->worker, t->slot, t->generation), g;
		char out[UFRAG_LABEL_LEN + 1];

		key_make(&k, t->key_id, t->secret);
		f.key_id = (uint8_t)t->key_id;
		assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_LABEL_LEN);
		assert_string_equal(out, t->label);
		assert_int_equal(
		        ufrag_label_decode(&k, 1, t->label, strlen(t->label), &g), UFRAG_OK);
		assert_fields_equal(&g, &f);
	}
}

/* ---- round trips ---- */

static void
roundtrip(const struct ufrag_key *keys, size_t nkeys, const struct ufrag_key *signer,
        struct ufrag_fields f)
{
	char out[UFRAG_LABEL_LEN + 1];
	struct ufrag_fields g;

	f.key_id = 0xee; /* not read by encode */
	assert_int_equal(ufrag_label_encode(signer, &f, out, sizeof(out)), UFRAG_LABEL_LEN);
	assert_int_equal(strlen(out), UFRAG_LABEL_LEN);
	for (size_t i = 0; i < UFRAG_LABEL_LEN; i++)
		assert_true(ufrag_is_ice_char((unsigned char)out[i]));
	assert_int_equal(version_of(out[0]), UFRAG_VERSION);
	assert_int_equal(ufrag_label_decode(keys, nkeys, out, UFRAG_LABEL_LEN, &g), UFRAG_OK);
	f.key_id = signer->id;
	assert_fields_equal(&g, &f);
}

static void
test_roundtrip_extremes(void **state)
{
	(void)state;
	static const unsigned node[] = {0, 1, 2048, UFRAG_NODE_MAX - 1, UFRAG_NODE_MAX};
	static const unsigned worker[] = {0, 1, 32, UFRAG_WORKER_MAX};
	static const unsigned slot[] = {0, 1, 1u << 19, UFRAG_SLOT_MAX};
	static const unsigned gen[] = {0, 1, 1u << 26, UFRAG_GENERATION_MAX};
	struct ufrag_key keys[2];

	key_make(&keys[0], 0, SECRET_A);
	key_make(&keys[1], 1, SECRET_B);
	for (size_t a = 0; a < 5; a++)
		for (size_t b = 0; b < 4; b++)
			for (size_t c = 0; c < 4; c++)
				for (size_t d = 0; d < 4; d++)
					for (int s = 0; s < 2; s++)
						roundtrip(keys, 2, &keys[s],
						        fields_make(node[a], worker[b], slot[c],
						                gen[d]));
}

static void
test_roundtrip_random(void **state)
{
	(void)state;
	struct ufrag_key keys[2], swapped[2];

	key_make(&keys[0], 0, SECRET_A);
	key_make(&keys[1], 1, SECRET_B);
	swapped[0] = keys[1];
	swapped[1] = keys[0];
	for (int i = 0; i < 200000; i++) {
		uint64_t r = rng_next();
		struct ufrag_fields f = fields_make((unsigned)(r & UFRAG_NODE_MAX),
		        (unsigned)(r >> 12 & UFRAG_WORKER_MAX),
		        (unsigned)(r >> 18 & UFRAG_SLOT_MAX),
		        (unsigned)(r >> 38 & UFRAG_GENERATION_MAX));
		int s = (int)(r >> 63);
		roundtrip(keys, 2, &keys[s], f);
		roundtrip(swapped, 2, &keys[s], f);
		roundtrip(&keys[s], 1, &keys[s], f);
	}
}

/* Distinct fields give distinct labels (the label is a function of all of them). */
static void
test_fields_all_covered(void **state)
{
	(void)state;
	struct ufrag_key k;
	struct ufrag_fields base = fields_make(100, 10, 1000, 10000), f;
	char a[UFRAG_LABEL_LEN + 1], b[UFRAG_LABEL_LEN + 1];

	key_make(&k, 0, SECRET_A);
	assert_int_equal(ufrag_label_encode(&k, &base, a, sizeof(a)), UFRAG_LABEL_LEN);
	f = base;
	f.node ^= 1u << 11;
	assert_int_equal(ufrag_label_encode(&k, &f, b, sizeof(b)), UFRAG_LABEL_LEN);
	assert_string_not_equal(a, b);
	f = base;
	f.worker ^= 1;
	assert_int_equal(ufrag_label_encode(&k, &f, b, sizeof(b)), UFRAG_LABEL_LEN);
	assert_string_not_equal(a, b);
	f = base;
	f.slot ^= 1u << 19;
	assert_int_equal(ufrag_label_encode(&k, &f, b, sizeof(b)), UFRAG_LABEL_LEN);
	assert_string_not_equal(a, b);
	f = base;
	f.generation ^= 1; /* the next reuse of the slot: a different ufrag */
	assert_int_equal(ufrag_label_encode(&k, &f, b, sizeof(b)), UFRAG_LABEL_LEN);
	assert_string_not_equal(a, b);
}

/* ---- encode errors ---- */

static void
test_encode_errors(void **state)
{
	(void)state;
	struct ufrag_key k;
	struct ufrag_fields f;
	char out[UFRAG_LABEL_LEN + 1];

	key_make(&k, 1, SECRET_A);
	memset(out, 'x', sizeof(out));
	f = fields_make(0, 0, 0, 0);
	f.version = 0;
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_VERSION);
	f.version = 2;
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_VERSION);
	f = fields_make(UFRAG_NODE_MAX + 1, 0, 0, 0);
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_FIELD_RANGE);
	f = fields_make(0, UFRAG_WORKER_MAX + 1, 0, 0);
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_FIELD_RANGE);
	f = fields_make(0, 0, UFRAG_SLOT_MAX + 1, 0);
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_FIELD_RANGE);
	f = fields_make(0, 0, 0, UFRAG_GENERATION_MAX + 1);
	assert_int_equal(ufrag_label_encode(&k, &f, out, sizeof(out)), UFRAG_E_FIELD_RANGE);
	f = fields_make(0, 0, 0, 0);
	assert_int_equal(ufrag_label_encode(&k, &f, out, UFRAG_LABEL_LEN), UFRAG_E_NOSPACE);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 'x'); /* untouched */
}

static void
test_key_errors(void **state)
{
	(void)state;
	struct ufrag_key k, zero;

	memset(&zero, 0, sizeof(zero));
	memset(&k, 0x5a, sizeof(k));
	assert_int_equal(ufrag_key_init(&k, 0, "fifteen bytes!!", 15), UFRAG_E_KEY);
	assert_memory_equal(&k, &zero, sizeof(k));
	assert_int_equal(ufrag_key_init(&k, 2, SECRET_A, strlen(SECRET_A)), UFRAG_E_KEY);
	assert_int_equal(ufrag_key_init(&k, 0, NULL, 32), UFRAG_E_KEY);
	assert_int_equal(ufrag_key_init(&k, 0, "sixteen bytes!!!", 16), UFRAG_OK);
	ufrag_key_clear(&k);
	assert_memory_equal(&k, &zero, sizeof(k));
}

/* ---- forged, truncated, extended, stale ---- */

/* Every other ice-char at every position: the MAC (or, in the first character, the version). */
static void
test_every_position_mutated(void **state)
{
	(void)state;
	struct ufrag_key keys[2];

	key_make(&keys[0], 0, SECRET_A);
	key_make(&keys[1], 1, SECRET_B);
	for (size_t t = 0; t < sizeof(kats) / sizeof(kats[0]); t++) {
		for (size_t i = 0; i < UFRAG_LABEL_LEN; i++) {
			for (int c = 0; c < 64; c++) {
				char m[UFRAG_LABEL_LEN + 1];
				int want;

				memcpy(m, kats[t].label, sizeof(m));
				if (m[i] == alphabet[c])
					continue;
				m[i] = alphabet[c];
				want = version_of(m[0]) != UFRAG_VERSION ? UFRAG_E_VERSION
				                                         : UFRAG_E_MAC;
				expect_fail(keys, 2, m, UFRAG_LABEL_LEN, want);
			}
		}
	}
}

/* Every single-bit change of the 132 bits; and every pair of characters swapped. */
static void
test_bit_flips_and_swaps(void **state)
{
	(void)state;
	struct ufrag_key keys[2];
	const char *lab = kats[2].label;

	key_make(&keys[0], 0, SECRET_A);
	key_make(&keys[1], 1, SECRET_B);
	for (int bit = 0; bit < 6 * UFRAG_LABEL_LEN; bit++) {
		char m[UFRAG_LABEL_LEN + 1];
		int pos = bit / 6, v;

		memcpy(m, lab, sizeof(m));
		v = (int)(strchr(alphabet, m[pos]) - alphabet) ^ (1 << (5 - bit % 6));
		m[pos] = alphabet[v];
		expect_fail(keys, 2, m, UFRAG_LABEL_LEN,
		        version_of(m[0]) != UFRAG_VERSION ? UFRAG_E_VERSION : UFRAG_E_MAC);
	}
	for (int i = 0; i < UFRAG_LABEL_LEN; i++) {
		for (int j = i + 1; j < UFRAG_LABEL_LEN; j++) {
			char m[UFRAG_LABEL_LEN + 1], tmp;

			memcpy(m, lab, sizeof(m));
			if (m[i] == m[j])
				continue;
			tmp = m[i];
			m[i] = m[j];
			m[j] = tmp;
			expect_fail(keys, 2, m, UFRAG_LABEL_LEN,
			        version_of(m[0]) != UFRAG_VERSION ? UFRAG_E_VERSION : UFRAG_E_MAC);
		}
	}
}

static void
test_truncated_and_extended(void **state)
{
	(void)state;
	struct ufrag_key k;
	char buf[64];

	key_make(&k, 0, SECRET_A);
	memset(buf, 'A', sizeof(buf));
	memcpy(buf, kats[2].label, UFRAG_LABEL_LEN);
	/* every prefix; 16..21 characters are a label length, but not version 1's */
	for (size_t n = 0; n < UFRAG_LABEL_LEN; n++)
		expect_fail(&k, 1, buf, n, UFRAG_E_LENGTH);
	expect_fail(NULL, 0, buf, 0, UFRAG_E_LENGTH);
	/* every extension by ice-chars, up to past the maximum */
	for (int c = 0; c < 64; c++) {
		memset(buf + UFRAG_LABEL_LEN, alphabet[c], sizeof(buf) - UFRAG_LABEL_LEN);
		for (size_t n = UFRAG_LABEL_LEN + 1; n <= sizeof(buf); n++)
			expect_fail(&k, 1, buf, n, UFRAG_E_LENGTH);
	}
	/* a suffix (the label with its first characters cut) */
	for (size_t cut = 1; cut <= UFRAG_LABEL_LEN - UFRAG_LABEL_MIN; cut++) {
		int v = version_of(kats[2].label[cut]);
		expect_fail(&k, 1, kats[2].label + cut, UFRAG_LABEL_LEN - cut,
		        v == UFRAG_VERSION ? UFRAG_E_LENGTH : UFRAG_E_VERSION);
	}
	/* the USERNAME's colon and peer ufrag are not part of the label */
	memcpy(buf, kats[2].label, UFRAG_LABEL_LEN);
	memcpy(buf + UFRAG_LABEL_LEN, ":v8Lx", 5);
	expect_fail(&k, 1, buf, UFRAG_LABEL_LEN + 5, UFRAG_E_BAD_CHAR);
}

static void
test_non_ice_chars(void **state)
{
	(void)state;
	struct ufrag_key k;
	int n_ice = 0;

	key_make(&k, 0, SECRET_A);
	for (int c = 0; c < 256; c++) {
		if (ufrag_is_ice_char(c)) {
			n_ice++;
			assert_non_null(memchr(alphabet, c, 64));
			continue;
		}
		for (size_t i = 0; i < UFRAG_LABEL_LEN; i++) {
			char m[UFRAG_LABEL_LEN + 1];

			memcpy(m, kats[2].label, sizeof(m));
			m[i] = (char)c;
			expect_fail(&k, 1, m, UFRAG_LABEL_LEN, UFRAG_E_BAD_CHAR);
		}
	}
	assert_int_equal(n_ice, 64);
	assert_false(ufrag_is_ice_char(-1));
	assert_false(ufrag_is_ice_char(256));
	/* base64url's and padding characters are not ice-chars */
	assert_false(ufrag_is_ice_char('-'));
	assert_false(ufrag_is_ice_char('_'));
	assert_false(ufrag_is_ice_char('='));
}

static void
test_wrong_secret(void **state)
{
	(void)state;
	struct ufrag_key a0, b0, b1, c1;

	key_make(&a0, 0, SECRET_A);
	key_make(&b0, 0, SECRET_B);
	key_make(&b1, 1, SECRET_B);
	key_make(&c1, 1, SECRET_C);
	/* kats[2] was signed with secret A, id 0 */
	expect_fail(&b0, 1, kats[2].label, UFRAG_LABEL_LEN, UFRAG_E_MAC); /* same id, other key */
	expect_fail(&b1, 1, kats[2].label, UFRAG_LABEL_LEN, UFRAG_E_MAC); /* no key with id 0 */
	expect_fail(NULL, 0, kats[2].label, UFRAG_LABEL_LEN, UFRAG_E_MAC);
	{
		struct ufrag_key both[2] = {c1, b0};
		expect_fail(both, 2, kats[2].label, UFRAG_LABEL_LEN, UFRAG_E_MAC);
	}
	/* the same secret under the other id: the key id bit is covered by the MAC */
	{
		struct ufrag_key a1;
		char m[UFRAG_LABEL_LEN + 1];
		key_make(&a1, 1, SECRET_A);
		expect_fail(&a1, 1, kats[2].label, UFRAG_LABEL_LEN, UFRAG_E_MAC);
		memcpy(m, kats[2].label, sizeof(m));
		m[0] = alphabet[(strchr(alphabet, m[0]) - alphabet) ^ 8]; /* flip the key id */
		expect_fail(&a1, 1, m, UFRAG_LABEL_LEN, UFRAG_E_MAC);
		expect_fail(&a0, 1, m, UFRAG_LABEL_LEN, UFRAG_E_MAC);
	}
}

/*
 * Rotation: secret A (id 0) is current; B (id 1) is introduced, and labels
 * made before keep working during the grace period; then A is dropped; then
 * C takes id 0 again: A's labels stay refused.
 */
static void
test_rotation(void **state)
{
	(void)state;
	struct ufrag_key a0, b1, c0;
	struct ufrag_fields f = fields_make(9, 2, 77, 3), g;
	char old[UFRAG_LABEL_LEN + 1], cur[UFRAG_LABEL_LEN + 1];

	key_make(&a0, 0, SECRET_A);
	key_make(&b1, 1, SECRET_B);
	key_make(&c0, 0, SECRET_C);
	assert_int_equal(ufrag_label_encode(&a0, &f, old, sizeof(old)), UFRAG_LABEL_LEN);

	/* grace period: keys = {current B, previous A} */
	{
		struct ufrag_key grace[2] = {b1, a0};
		assert_int_equal(
		        ufrag_label_encode(&grace[0], &f, cur, sizeof(cur)), UFRAG_LABEL_LEN);
		assert_string_not_equal(old, cur);
		assert_int_equal(ufrag_label_decode(grace, 2, old, UFRAG_LABEL_LEN, &g), UFRAG_OK);
		assert_int_equal(g.key_id, 0);
		assert_int_equal(g.slot, 77);
		assert_int_equal(ufrag_label_decode(grace, 2, cur, UFRAG_LABEL_LEN, &g), UFRAG_OK);
		assert_int_equal(g.key_id, 1);
		assert_int_equal(g.slot, 77);
	}
	/* after it: only B */
	expect_fail(&b1, 1, old, UFRAG_LABEL_LEN, UFRAG_E_MAC);
	assert_int_equal(ufrag_label_decode(&b1, 1, cur, UFRAG_LABEL_LEN, &g), UFRAG_OK);
	/* the next rotation reuses id 0 for C: A's labels do not come back */
	{
		struct ufrag_key next[2] = {c0, b1};
		expect_fail(next, 2, old, UFRAG_LABEL_LEN, UFRAG_E_MAC);
		assert_int_equal(ufrag_label_decode(next, 2, cur, UFRAG_LABEL_LEN, &g), UFRAG_OK);
	}
}

/*
 * Stale: a slot freed and reused gets the next generation; the old label
 * still verifies (we made it) but names a generation the slot no longer has.
 * The MAC makes the generation unforgeable; comparing it is the caller's.
 */
static void
test_stale_generation(void **state)
{
	(void)state;
	struct ufrag_key k;
	struct ufrag_fields was = fields_make(1, 2, 3, 41), now = fields_make(1, 2, 3, 42), g;
	char old[UFRAG_LABEL_LEN + 1], m[UFRAG_LABEL_LEN + 1];
	uint32_t slot_generation = now.generation; /* the session table's */

	key_make(&k, 0, SECRET_A);
	assert_int_equal(ufrag_label_encode(&k, &was, old, sizeof(old)), UFRAG_LABEL_LEN);
	assert_int_equal(ufrag_label_decode(&k, 1, old, UFRAG_LABEL_LEN, &g), UFRAG_OK);
	assert_int_not_equal(g.generation, slot_generation);
	/* and the generation cannot be edited to the current one without the MAC failing */
	assert_int_equal(ufrag_label_encode(&k, &now, m, sizeof(m)), UFRAG_LABEL_LEN);
	for (size_t i = 0; i < UFRAG_LABEL_LEN; i++)
		if (old[i] != m[i] && i < 12)
			old[i] = m[i]; /* the field characters of the new label, the old MAC */
	expect_fail(&k, 1, old, UFRAG_LABEL_LEN, UFRAG_E_MAC);
}

/*
 * Random strings almost never decode: a random 22-character string whose
 * first character says version 1 (1 in 4 do) gets to the MAC check and
 * passes it with probability 2^-64 (both key ids are loaded, so every one
 * is checked). Over 10^6 strings the expected number of successes is
 * 10^6 * 2^-64 = 5.4e-14: expect 0. Random lengths 16..32 likewise.
 */
static void
test_random_strings_do_not_decode(void **state)
{
	(void)state;
	struct ufrag_key keys[2];
	long ok = 0, mac = 0, other = 0;
	char s[UFRAG_LABEL_MAX];

	key_make(&keys[0], 0, SECRET_A);
	key_make(&keys[1], 1, SECRET_B);
	for (long n = 0; n < 1000000; n++) {
		uint64_t r = rng_next(), r2 = rng_next(), r3 = rng_next();
		struct ufrag_fields f;
		int rc;

		for (int i = 0; i < UFRAG_LABEL_LEN; i++) {
			uint64_t w = i < 10 ? r : i < 20 ? r2 : r3;
			s[i] = alphabet[(w >> (6 * (i % 10))) & 63];
		}
		s[0] = alphabet[16 + (r3 >> 20) % 16]; /* version 1: 'Q'..'f' */
		rc = ufrag_label_decode(keys, 2, s, UFRAG_LABEL_LEN, &f);
		if (rc == UFRAG_OK)
			ok++;
		else if (rc == UFRAG_E_MAC)
			mac++;
		else
			other++;
	}
	assert_int_equal(ok, 0);
	assert_int_equal(mac, 1000000);
	assert_int_equal(other, 0);

	for (long n = 0; n < 200000; n++) {
		size_t len = UFRAG_LABEL_MIN + rng_next() % (UFRAG_LABEL_MAX - UFRAG_LABEL_MIN + 1);
		struct ufrag_fields f;
		for (size_t i = 0; i < len; i++)
			s[i] = alphabet[rng_next() & 63];
		assert_int_not_equal(ufrag_label_decode(keys, 2, s, len, &f), UFRAG_OK);
	}
}

/* ---- USERNAME ---- */

static void
expect_split_fail(const char *s, size_t len, int want)
{
	struct ufrag_username u, sentinel;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	u = sentinel;
	assert_int_equal(ufrag_username_split(s, len, &u), want);
	assert_memory_equal(&u, &sentinel, sizeof(u));
}

static void
test_username_split(void **state)
{
	(void)state;
	struct ufrag_username u;
	struct ufrag_key k;
	struct ufrag_fields f;
	char buf[600];
	const char *lab = kats[2].label;

	key_make(&k, 0, SECRET_A);
	snprintf(buf, sizeof(buf), "%s:v8Lx", lab);
	assert_int_equal(ufrag_username_split(buf, strlen(buf), &u), UFRAG_OK);
	assert_ptr_equal(u.local, buf);
	assert_int_equal(u.local_len, UFRAG_LABEL_LEN);
	assert_ptr_equal(u.remote, buf + UFRAG_LABEL_LEN + 1);
	assert_int_equal(u.remote_len, 4);
	assert_int_equal(ufrag_label_decode(&k, 1, u.local, u.local_len, &f), UFRAG_OK);
	assert_int_equal(f.slot, 654321);

	/* the bounds are the caller's length, not a NUL: nothing read past it */
	assert_int_equal(ufrag_username_split(buf, UFRAG_LABEL_LEN + 2, &u), UFRAG_OK);
	assert_int_equal(u.remote_len, 1);

	expect_split_fail(buf, UFRAG_LABEL_LEN + 1, UFRAG_E_LENGTH); /* empty peer ufrag */
	expect_split_fail(buf, UFRAG_LABEL_LEN, UFRAG_E_USERNAME);   /* no colon */
	expect_split_fail("", 0, UFRAG_E_USERNAME);
	expect_split_fail(":", 1, UFRAG_E_LENGTH);
	expect_split_fail(":abcd", 5, UFRAG_E_LENGTH);
	snprintf(buf, sizeof(buf), "%s:ab:cd", lab);
	expect_split_fail(buf, strlen(buf), UFRAG_E_USERNAME);
	snprintf(buf, sizeof(buf), "%s::", lab);
	expect_split_fail(buf, strlen(buf), UFRAG_E_USERNAME);
	snprintf(buf, sizeof(buf), "%s:ab-cd", lab);
	expect_split_fail(buf, strlen(buf), UFRAG_E_BAD_CHAR);
	snprintf(buf, sizeof(buf), "%s:abcd", lab);
	buf[3] = '\0';
	expect_split_fail(buf, UFRAG_LABEL_LEN + 5, UFRAG_E_BAD_CHAR);
	/* the reverse order (a response's USERNAME, theirs first) is refused by length */
	expect_split_fail("v8Lx:QAAAAAAAAAAIbUgNGHRYm+", 27, UFRAG_E_LENGTH);

	/* our part 16..32, theirs 1..256 */
	for (size_t l = 1; l <= 40; l++) {
		for (size_t r = 0; r <= 260; r += (r < 4 || r > 250) ? 1 : 50) {
			int want = l >= UFRAG_LABEL_MIN && l <= UFRAG_LABEL_MAX && r >= 1 &&
			                           r <= UFRAG_PEER_MAX
			                   ? UFRAG_OK
			                   : UFRAG_E_LENGTH;
			memset(buf, 'a', l);
			buf[l] = ':';
			memset(buf + l + 1, 'b', r);
			if (want == UFRAG_OK) {
				assert_int_equal(
				        ufrag_username_split(buf, l + 1 + r, &u), UFRAG_OK);
				assert_int_equal(u.local_len, l);
				assert_int_equal(u.remote_len, r);
			} else {
				expect_split_fail(buf, l + 1 + r, want);
			}
		}
	}
	/* STUN allows 512 bytes of USERNAME; anything past 32 + 1 + 256 is too long */
	memset(buf, 'a', sizeof(buf));
	buf[22] = ':';
	expect_split_fail(buf, 512, UFRAG_E_LENGTH);
	buf[22] = 'a';
	expect_split_fail(buf, 512, UFRAG_E_USERNAME);
}

/* ---- passwords ---- */

/*
 * Laurent and Massart (2000), Lemma 1: for X ~ chi-square with k degrees of
 * freedom, P(X >= k + 2 sqrt(k x) + 2x) <= exp(-x). With k = 63 and x = 40:
 * 63 + 2 sqrt(2520) + 80 = 243.4, exceeded by chance with probability
 * <= e^-40 = 4.2e-18 per statistic.
 */
#define CHI_X 40.0

static double
chi_bound(int k)
{
	return k + 2 * sqrt(k * CHI_X) + 2 * CHI_X;
}

static double
chi_square(const uint64_t counts[64], uint64_t n)
{
	double e = (double)n / 64, x = 0;
	for (int i = 0; i < 64; i++)
		x += ((double)counts[i] - e) * ((double)counts[i] - e) / e;
	return x;
}

static void
test_pwd_errors(void **state)
{
	(void)state;
	char out[UFRAG_PWD_MAX + 2];

	memset(out, 'x', sizeof(out));
	assert_int_equal(ufrag_pwd_generate(out, sizeof(out), UFRAG_PWD_MIN - 1), UFRAG_E_LENGTH);
	assert_int_equal(ufrag_pwd_generate(out, sizeof(out), UFRAG_PWD_MAX + 1), UFRAG_E_LENGTH);
	assert_int_equal(ufrag_pwd_generate(out, 22, 22), UFRAG_E_NOSPACE);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 'x');
	assert_int_equal(ufrag_pwd_generate(out, 23, 22), 22);
	assert_int_equal(out[22], '\0');
	assert_int_equal(out[23], 'x');
	assert_int_equal(ufrag_pwd_generate(out, sizeof(out), UFRAG_PWD_MAX), UFRAG_PWD_MAX);
	assert_int_equal(strlen(out), UFRAG_PWD_MAX);
}

/*
 * Every character an ice-char; no two passwords alike; the 64 characters
 * uniform overall and at each of the 22 positions (chi-square, 63 degrees of
 * freedom, bound above: 23 statistics, false alarm <= 23 e^-40 = 1e-16).
 * 2^18 passwords: 2^18 / 64 = 4096 expected per cell at each position.
 * Power: a generator with a modulo bias (byte % 62: 8 characters at 5/256,
 * 2 never) has sum (p - 1/64)^2 * 64 = 0.039, so about 2^18 * 22 * 0.039 =
 * 2.2e5 >> 243 overall; checked below on such a generator, as many draws.
 */
static void
test_pwd_distribution(void **state)
{
	(void)state;
	enum { N = 1 << 18, L = UFRAG_PWD_MIN };
	static uint64_t pos[L][64];
	uint64_t all[64] = {0}, biased[64] = {0};
	char out[L + 1], prev[L + 1] = "";
	double bound = chi_bound(63), x;

	memset(pos, 0, sizeof(pos));
	for (int n = 0; n < N; n++) {
		assert_int_equal(ufrag_pwd_generate(out, sizeof(out), L), L);
		assert_int_equal(out[L], '\0');
		assert_string_not_equal(out, prev); /* 2^-132 to repeat */
		for (int i = 0; i < L; i++) {
			const char *p = memchr(alphabet, out[i], 64);
			assert_non_null(p);
			pos[i][p - alphabet]++;
			all[p - alphabet]++;
		}
		memcpy(prev, out, sizeof(out));
	}
	x = chi_square(all, (uint64_t)N * L);
	print_message("pwd chi-square over %d characters: %.1f (bound %.1f)\n", N * L, x, bound);
	assert_true(x < bound);
	for (int i = 0; i < L; i++)
		assert_true(chi_square(pos[i], N) < bound);

	/* the test can fail: byte % 62 over as many draws */
	for (long n = 0; n < (long)N * L; n++)
		biased[(rng_next() & 0xff) % 62]++;
	assert_true(chi_square(biased, (uint64_t)N * L) > 100 * bound);
}

static void
test_strerror(void **state)
{
	(void)state;
	static const int codes[] = {UFRAG_E_LENGTH, UFRAG_E_BAD_CHAR, UFRAG_E_VERSION, UFRAG_E_MAC,
	        UFRAG_E_FIELD_RANGE, UFRAG_E_USERNAME, UFRAG_E_NOSPACE, UFRAG_E_KEY,
	        UFRAG_E_RANDOM};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_true(codes[i] < 0);
		assert_string_not_equal(ufrag_strerror(codes[i]), "unknown ufrag error");
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(codes[i], codes[j]);
	}
	assert_string_equal(ufrag_strerror(UFRAG_OK), "ok");
	assert_string_equal(ufrag_strerror(-100), "unknown ufrag error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_self_test),
	        cmocka_unit_test(test_siphash_paper_vectors),
	        cmocka_unit_test(test_known_answers),
	        cmocka_unit_test(test_roundtrip_extremes),
	        cmocka_unit_test(test_roundtrip_random),
	        cmocka_unit_test(test_fields_all_covered),
	        cmocka_unit_test(test_encode_errors),
	        cmocka_unit_test(test_key_errors),
	        cmocka_unit_test(test_every_position_mutated),
	        cmocka_unit_test(test_bit_flips_and_swaps),
	        cmocka_unit_test(test_truncated_and_extended),
	        cmocka_unit_test(test_non_ice_chars),
	        cmocka_unit_test(test_wrong_secret),
	        cmocka_unit_test(test_rotation),
	        cmocka_unit_test(test_stale_generation),
	        cmocka_unit_test(test_random_strings_do_not_decode),
	        cmocka_unit_test(test_username_split),
	        cmocka_unit_test(test_pwd_errors),
	        cmocka_unit_test(test_pwd_distribution),
	        cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
