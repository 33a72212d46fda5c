/* ICE ufrag routing labels and ICE passwords (see ufrag.h, docs/ufrag.md). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ufrag.h"

/* RFC 8445 §5.3 ice-char, in the order of the base64 alphabet (RFC 4648 §4). */
static const char ufrag_alphabet[64] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * ice-char -> its 6-bit value (the index in ufrag_alphabet); every other
 * byte -> XX, which has bits 6 and 7 set, as no 6-bit value has: OR-ing the
 * looked-up values of a string and testing 0xc0 finds any bad byte.
 */
/* clang-format off */
#define XX 0xff
static const uint8_t ufrag_sextet[256] = {
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0x00 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0x10 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, 62, XX, XX, XX, 63, /* 0x20 */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, XX, XX, XX, XX, XX, XX, /* 0x30 */
	XX,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, /* 0x40 */
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, XX, XX, XX, XX, XX, /* 0x50 */
	XX, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, /* 0x60 */
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, XX, XX, XX, XX, XX, /* 0x70 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0x80 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0x90 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xa0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xb0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xc0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xd0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xe0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, /* 0xf0 */
};
#undef XX
/* clang-format on */

/* Key derivation context: a new label version gets a new one (independent keys). */
static const char ufrag_kdf_context[] = "rtcedge ufrag label v1";

int
ufrag_is_ice_char(int c)
{
	return c >= 0 && c < 256 && ufrag_sextet[c] != 0xff;
}

/* ---- SipHash-2-4 (Aumasson, Bernstein 2012, §2) ---- */

static inline uint64_t
rotl64(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

static inline uint64_t
rd64le(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

#define SIPROUND(v0, v1, v2, v3)                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = rotl64(v1, 13);                                                               \
		v1 ^= v0;                                                                          \
		v0 = rotl64(v0, 32);                                                               \
		v2 += v3;                                                                          \
		v3 = rotl64(v3, 16);                                                               \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = rotl64(v3, 21);                                                               \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = rotl64(v1, 17);                                                               \
		v1 ^= v2;                                                                          \
		v2 = rotl64(v2, 32);                                                               \
	} while (0)

static inline void
ufrag_sip_init(uint64_t v[4], const uint8_t key[16])
{
	uint64_t k0 = rd64le(key), k1 = rd64le(key + 8);

	v[0] = k0 ^ 0x736f6d6570736575ull; /* "somepseudorandomlygeneratedbytes" */
	v[1] = k1 ^ 0x646f72616e646f6dull;
	v[2] = k0 ^ 0x6c7967656e657261ull;
	v[3] = k1 ^ 0x7465646279746573ull;
}

/* One message word: c = 2 rounds. */
static inline void
ufrag_sip_compress(uint64_t v[4], uint64_t m)
{
	uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3] ^ m;

	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v[0] = v0 ^ m;
	v[1] = v1;
	v[2] = v2;
	v[3] = v3;
}

/* Finalization: d = 4 rounds. */
static inline uint64_t
ufrag_sip_final(uint64_t v[4])
{
	uint64_t v0 = v[0], v1 = v[1], v2 = v[2] ^ 0xff, v3 = v[3];

	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
ufrag_siphash24(const uint8_t key[16], const void *msg, size_t len)
{
	const uint8_t *p = msg;
	uint64_t v[4], last = (uint64_t)(len & 0xff) << 56;
	size_t full = len & ~(size_t)7;

	ufrag_sip_init(v, key);
	for (size_t off = 0; off < full; off += 8)
		ufrag_sip_compress(v, rd64le(p + off));
	for (size_t i = full; i < len; i++)
		last |= (uint64_t)p[i] << (8 * (i - full));
	ufrag_sip_compress(v, last);
	return ufrag_sip_final(v);
}

/*
 * The MAC of a 68-bit field string F = @hi (its top 4 bits) : @lo (its low
 * 64): SipHash-2-4 of the 9 bytes b0 = hi, b1..b8 = lo big-endian. As
 * SipHash's little-endian words: m0 = b0..b7 = hi | bswap(lo) << 8, and the
 * last word m1 = b8 | 9 << 56 (the length byte). 2 words: 8 rounds.
 */
static inline uint64_t
ufrag_mac(const struct ufrag_key *key, uint64_t hi, uint64_t lo)
{
	uint64_t v[4] = {key->v[0], key->v[1], key->v[2], key->v[3]};

	ufrag_sip_compress(v, hi | __builtin_bswap64(lo) << 8);
	ufrag_sip_compress(v, (lo & 0xff) | (uint64_t)9 << 56);
	return ufrag_sip_final(v);
}

/* ---- keys ---- */

int
ufrag_key_init(struct ufrag_key *key, unsigned id, const void *secret, size_t secret_len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	memset(key, 0, sizeof(*key));
	if (id > UFRAG_KEY_ID_MAX || secret == NULL || secret_len < UFRAG_SECRET_MIN ||
	        secret_len > INT32_MAX)
		return UFRAG_E_KEY;
	if (HMAC(EVP_sha256(), secret, (int)secret_len, (const uint8_t *)ufrag_kdf_context,
	            sizeof(ufrag_kdf_context) - 1, md, &md_len) == NULL ||
	        md_len < 16) {
		OPENSSL_cleanse(md, sizeof(md));
		return UFRAG_E_KEY;
	}
	ufrag_sip_init(key->v, md);
	key->id = (uint8_t)id;
	OPENSSL_cleanse(md, sizeof(md));
	return UFRAG_OK;
}

void
ufrag_key_clear(struct ufrag_key *key)
{
	OPENSSL_cleanse(key, sizeof(*key));
}

/* ---- labels ---- */

/*
 * Version 1 bit layout, most significant first (132 bits, 22 characters):
 *   F (68) = version 2 | key_id 1 | node 12 | worker 6 | slot 20 | generation 27
 *   mac (64)
 * F is handled as hi (its top 4 bits: version, key_id, node's top bit) and
 * lo (its low 64 bits).
 */
#define UFRAG_F_BITS 68

static void
ufrag_fields_pack(const struct ufrag_fields *f, unsigned key_id, uint64_t *hi, uint64_t *lo)
{
	uint64_t top41 = (uint64_t)f->version << 39 | (uint64_t)key_id << 38 |
	                 (uint64_t)f->node << 26 | (uint64_t)f->worker << 20 | f->slot;

	/* F = top41 << 27 | generation: 41 + 27 = 68 bits */
	*hi = top41 >> 37;
	*lo = top41 << 27 | f->generation;
}

int
ufrag_label_encode(
        const struct ufrag_key *key, const struct ufrag_fields *f, char *out, size_t outlen)
{
	uint64_t hi, lo, mac;
	char text[UFRAG_LABEL_LEN];

	if (f->version != UFRAG_VERSION)
		return UFRAG_E_VERSION;
	if (f->node > UFRAG_NODE_MAX || f->worker > UFRAG_WORKER_MAX || f->slot > UFRAG_SLOT_MAX ||
	        f->generation > UFRAG_GENERATION_MAX || key->id > UFRAG_KEY_ID_MAX)
		return UFRAG_E_FIELD_RANGE;
	if (outlen < UFRAG_LABEL_LEN + 1)
		return UFRAG_E_NOSPACE;
	ufrag_fields_pack(f, key->id, &hi, &lo);
	mac = ufrag_mac(key, hi, lo);
	/* 132 bits = hi (4) | lo (64) | mac (64), 6 per character from the top */
	for (int i = 0; i < UFRAG_LABEL_LEN; i++) {
		int shift = 6 * (UFRAG_LABEL_LEN - 1 - i); /* of the character's low bit */
		unsigned s;

		/* shift is never 64 (not a multiple of 6): each case is one or two words */
		if (shift > 64)
			s = (unsigned)(hi << (128 - shift) | lo >> (shift - 64));
		else if (shift > 0)
			s = (unsigned)(lo << (64 - shift) | mac >> shift);
		else
			s = (unsigned)mac;
		text[i] = ufrag_alphabet[s & 63];
	}
	memcpy(out, text, UFRAG_LABEL_LEN);
	out[UFRAG_LABEL_LEN] = '\0';
	return UFRAG_LABEL_LEN;
}

int
ufrag_label_decode(const struct ufrag_key *keys, size_t nkeys, const char *text, size_t len,
        struct ufrag_fields *f)
{
	const uint8_t *p = (const uint8_t *)text;
	const struct ufrag_key *key = NULL;
	uint64_t a = 0, hi, lo, mac = 0;
	unsigned version, key_id, bad = 0, c10, c11;

	if (len < UFRAG_LABEL_MIN || len > UFRAG_LABEL_MAX)
		return UFRAG_E_LENGTH;
	if (len != UFRAG_LABEL_LEN) {
		/* not version 1's length: say why (a bad byte, another version, or the length) */
		for (size_t i = 0; i < len; i++)
			bad |= ufrag_sextet[p[i]];
		if (bad & 0xc0)
			return UFRAG_E_BAD_CHAR;
		return ufrag_sextet[p[0]] >> 4 != UFRAG_VERSION ? UFRAG_E_VERSION : UFRAG_E_LENGTH;
	}

	/*
	 * One pass, no copy: characters 0..9 are F's top 60 bits, 10 and the top
	 * 2 bits of 11 its low 8; the low 4 bits of 11 and 12..21 the MAC. A
	 * non-ice byte (0xff) sets bits 6..7 of @bad; what it did to a and mac
	 * does not matter, as they are then not used.
	 */
	for (int i = 0; i < 10; i++) {
		unsigned v = ufrag_sextet[p[i]];
		bad |= v;
		a = a << 6 | v;
	}
	c10 = ufrag_sextet[p[10]];
	c11 = ufrag_sextet[p[11]];
	bad |= c10 | c11;
	for (int i = 12; i < UFRAG_LABEL_LEN; i++) {
		unsigned v = ufrag_sextet[p[i]];
		bad |= v;
		mac = mac << 6 | v;
	}
	if (bad & 0xc0)
		return UFRAG_E_BAD_CHAR;
	version = (unsigned)(a >> 58); /* the top 2 bits of any version's label */
	if (version != UFRAG_VERSION)
		return UFRAG_E_VERSION;
	hi = a >> 56;
	lo = a << 8 | c10 << 2 | c11 >> 4;
	mac |= (uint64_t)(c11 & 15) << 60;

	key_id = (unsigned)(hi >> 1) & 1;
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].id == key_id) {
			key = &keys[i];
			break;
		}
	}
	/* a 64-bit compare is one instruction: no early exit to time */
	if (key == NULL || ufrag_mac(key, hi, lo) != mac)
		return UFRAG_E_MAC;

	f->version = (uint8_t)version;
	f->key_id = (uint8_t)key_id;
	f->node = (uint16_t)((hi & 1) << 11 | lo >> 53);
	f->worker = (uint8_t)(lo >> 47 & UFRAG_WORKER_MAX);
	f->slot = (uint32_t)(lo >> 27 & UFRAG_SLOT_MAX);
	f->generation = (uint32_t)(lo & UFRAG_GENERATION_MAX);
	return UFRAG_OK;
}

int
ufrag_username_split(const char *username, size_t len, struct ufrag_username *u)
{
	const uint8_t *p = (const uint8_t *)username;
	size_t colon = len;

	/* STUN limits USERNAME to 512 bytes (RFC 8489 §14.3); ours is at most 32 + 1 + 256 */
	if (len > UFRAG_LABEL_MAX + 1 + UFRAG_PEER_MAX) {
		for (size_t i = 0; i < len; i++) /* still say why, if it is not the length */
			if (p[i] == ':' && colon == len)
				colon = i;
		return colon == len ? UFRAG_E_USERNAME : UFRAG_E_LENGTH;
	}
	for (size_t i = 0; i < len; i++) {
		if (p[i] == ':') {
			if (colon != len)
				return UFRAG_E_USERNAME; /* ice-chars have no ':' */
			colon = i;
		} else if (ufrag_sextet[p[i]] == 0xff) {
			return UFRAG_E_BAD_CHAR;
		}
	}
	if (colon == len)
		return UFRAG_E_USERNAME;
	if (colon < UFRAG_LABEL_MIN || colon > UFRAG_LABEL_MAX || len - colon - 1 < 1 ||
	        len - colon - 1 > UFRAG_PEER_MAX)
		return UFRAG_E_LENGTH;
	u->local = username;
	u->local_len = colon;
	u->remote = username + colon + 1;
	u->remote_len = len - colon - 1;
	return UFRAG_OK;
}

/* ---- passwords ---- */

int
ufrag_pwd_generate(char *out, size_t outlen, size_t n)
{
	uint8_t rnd[UFRAG_PWD_MAX];
	size_t got = 0;

	if (n < UFRAG_PWD_MIN || n > UFRAG_PWD_MAX)
		return UFRAG_E_LENGTH;
	if (outlen < n + 1)
		return UFRAG_E_NOSPACE;
	while (got < n) {
		ssize_t r = getrandom(rnd + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			OPENSSL_cleanse(rnd, got);
			return UFRAG_E_RANDOM;
		}
		got += (size_t)r;
	}
	/*
	 * 64 divides 256: the low 6 bits of a uniform byte are uniform over the
	 * 64 ice-chars, so no rejection step is needed (a 62-character alphabet
	 * would need one: 256 % 62 = 8 values would be favoured).
	 */
	for (size_t i = 0; i < n; i++)
		out[i] = ufrag_alphabet[rnd[i] & 63];
	out[n] = '\0';
	OPENSSL_cleanse(rnd, n);
	return (int)n;
}

/* ---- self-test and names ---- */

int
ufrag_self_test(void)
{
	static const uint64_t paper[16] = {
	        [0] = 0x726fdb47dd0e0e31ull,
	        [1] = 0x74f839c593dc67fdull,
	        [8] = 0x93f5f5799a932462ull,
	        [9] = 0x9e0082df0ba9e4b0ull,
	        [15] = 0xa129ca6149be45e5ull,
	};
	/* tests/unit/ufrag_kat.py */
	static const char secret[] = "rtcedge test cluster secret 0001";
	static const char want[] = "SaSM/fjeMKeFNYNCHZPWGT";
	const struct ufrag_fields f = {
	        .version = 1, .node = 1234, .worker = 17, .slot = 654321, .generation = 98765432};
	struct ufrag_fields g;
	struct ufrag_key key;
	uint8_t k[16], m[15];
	char label[UFRAG_LABEL_LEN + 1];
	int rc = 0;

	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	for (size_t n = 0; n < 16; n++)
		if (paper[n] != 0 && ufrag_siphash24(k, m, n) != paper[n])
			rc = -1;
	if (ufrag_key_init(&key, 0, secret, sizeof(secret) - 1) != UFRAG_OK ||
	        ufrag_label_encode(&key, &f, label, sizeof(label)) != UFRAG_LABEL_LEN ||
	        memcmp(label, want, UFRAG_LABEL_LEN) != 0 ||
	        ufrag_label_decode(&key, 1, want, UFRAG_LABEL_LEN, &g) != UFRAG_OK ||
	        g.node != f.node || g.worker != f.worker || g.slot != f.slot ||
	        g.generation != f.generation)
		rc = -1;
	label[3] ^= 1; /* 'M' -> 'L': one bit of the slot */
	if (ufrag_label_decode(&key, 1, label, UFRAG_LABEL_LEN, &g) != UFRAG_E_MAC)
		rc = -1;
	ufrag_key_clear(&key);
	return rc;
}

const char *
ufrag_strerror(int err)
{
	switch (err) {
	case UFRAG_OK:
		return "ok";
#define UFRAG_ERR_TEXT(name, val, text)                                                            \
	case UFRAG_E_##name:                                                                       \
		return text;
		UFRAG_ERROR_LIST(UFRAG_ERR_TEXT)
#undef UFRAG_ERR_TEXT
	}
	return "unknown ufrag error";
}
