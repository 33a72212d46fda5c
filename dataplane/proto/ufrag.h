/*
 * ICE ufrag routing labels and ICE passwords. Sans-IO. Format: docs/ufrag.md.
 *
 * Owns: the local ufrag our SDP answer carries. It is a label that names the
 * session's owner (version, node, worker core, session slot, generation)
 * plus a 64-bit SipHash-2-4 MAC keyed by a cluster secret, written in
 * ice-chars (RFC 8445 §5.3: ALPHA / DIGIT / "+" / "/", 6 bits each). A STUN
 * Binding request's USERNAME is "<our ufrag>:<peer ufrag>" (RFC 8445
 * §7.2.2), so the first packet of a flow says where it goes: the dataplane
 * hands it to the owning worker, the relay forwards it to the owning node.
 * A forged, truncated or stale label fails here, before any lookup.
 *
 * Version 1: 22 characters = 132 bits, most significant first:
 *
 *   version 2 | key_id 1 | node 12 | worker 6 | slot 20 | generation 27 | mac 64
 *
 * mac = SipHash-2-4(K, the first 68 bits as 9 bytes big-endian), and
 * K = the first 16 bytes of HMAC-SHA256(cluster secret, "rtcedge ufrag label v1").
 *
 * Cost on the fast path: no allocation, no OpenSSL: one table lookup per
 * character and 8 SipRounds (struct ufrag_key holds SipHash's keyed initial
 * state). Only ufrag_key_init() (HMAC-SHA256) and ufrag_pwd_generate()
 * (getrandom(2)) are slow-path calls.
 */
#ifndef RTC_UFRAG_H
#define RTC_UFRAG_H

#include <stddef.h>
#include <stdint.h>

#define UFRAG_VERSION 1    /* the layout this code writes */
#define UFRAG_LABEL_LEN 22 /* characters of a version 1 label */
#define UFRAG_LABEL_MIN 16 /* any version: labels are 16..32 characters */
#define UFRAG_LABEL_MAX 32
#define UFRAG_PEER_MAX 256  /* RFC 8839 §5.4: a ufrag has at most 256 characters */
#define UFRAG_PWD_MIN 22    /* RFC 8839 §5.4: at least 128 bits of randomness */
#define UFRAG_PWD_MAX 256   /* RFC 8839 §5.4 */
#define UFRAG_SECRET_MIN 16 /* bytes of cluster secret: no weaker than the 128-bit MAC key */

/* Field widths of version 1 (bits). */
#define UFRAG_VERSION_BITS 2
#define UFRAG_KEY_ID_BITS 1
#define UFRAG_NODE_BITS 12
#define UFRAG_WORKER_BITS 6
#define UFRAG_SLOT_BITS 20
#define UFRAG_GENERATION_BITS 27
#define UFRAG_MAC_BITS 64

#define UFRAG_KEY_ID_MAX ((1u << UFRAG_KEY_ID_BITS) - 1)         /* 1 */
#define UFRAG_NODE_MAX ((1u << UFRAG_NODE_BITS) - 1)             /* 4095 */
#define UFRAG_WORKER_MAX ((1u << UFRAG_WORKER_BITS) - 1)         /* 63 */
#define UFRAG_SLOT_MAX ((1u << UFRAG_SLOT_BITS) - 1)             /* 1048575 */
#define UFRAG_GENERATION_MAX ((1u << UFRAG_GENERATION_BITS) - 1) /* 134217727 */

/*
 * Errors: name, value, text. Expanded into enum ufrag_err, ufrag_strerror()
 * and, by the dataplane, into drop counters (one per reason).
 */
#define UFRAG_ERROR_LIST(_)                                                                        \
	_(LENGTH, -1, "ufrag length wrong")                                                        \
	_(BAD_CHAR, -2, "ufrag has a character that is not an ice-char")                           \
	_(VERSION, -3, "ufrag label version unknown")                                              \
	_(MAC, -4, "ufrag label MAC wrong (forged, or an unknown key)")                            \
	_(FIELD_RANGE, -5, "ufrag label field out of range")                                       \
	_(USERNAME, -6, "USERNAME is not <ufrag>:<ufrag>")                                         \
	_(NOSPACE, -7, "output buffer too small")                                                  \
	_(KEY, -8, "cluster secret too short or key id out of range")                              \
	_(RANDOM, -9, "no random bytes from getrandom(2)")

enum ufrag_err {
	UFRAG_OK = 0,
#define UFRAG_ERR_ENUM(name, val, text) UFRAG_E_##name = (val),
	UFRAG_ERROR_LIST(UFRAG_ERR_ENUM)
#undef UFRAG_ERR_ENUM
};

/* What a label says. */
struct ufrag_fields {
	uint8_t version;     /* UFRAG_VERSION */
	uint8_t key_id;      /* which cluster secret signed it (0 or 1); set by decode */
	uint16_t node;       /* 0..UFRAG_NODE_MAX: the owner node */
	uint8_t worker;      /* 0..UFRAG_WORKER_MAX: the owner worker on that node */
	uint32_t slot;       /* 0..UFRAG_SLOT_MAX: index into that worker's session table */
	uint32_t generation; /* 0..UFRAG_GENERATION_MAX: the slot's reuse counter */
};

/*
 * One cluster secret, ready to use: SipHash-2-4's initial state keyed by K
 * (see above). Build it once per secret, on the slow path; read-only after.
 */
struct ufrag_key {
	uint64_t v[4];
	uint8_t id; /* the key_id bit written into labels it signs */
};

/* A STUN USERNAME split into its two ufrags: views into the caller's buffer. */
struct ufrag_username {
	const char *local; /* ours: the label (the part before ':') */
	size_t local_len;
	const char *remote; /* the peer's ufrag (after ':') */
	size_t remote_len;
};

/*
 * Derive @key from the cluster @secret (at least UFRAG_SECRET_MIN bytes) for
 * key id @id (0 or 1). 0 or UFRAG_E_KEY (then @key is zeroed).
 */
int ufrag_key_init(struct ufrag_key *key, unsigned id, const void *secret, size_t secret_len);

/* Wipe a key that is no longer used (a rotated-out secret). */
void ufrag_key_clear(struct ufrag_key *key);

/*
 * Write the label for @f signed with @key into @out: UFRAG_LABEL_LEN
 * characters and a NUL, so @outlen >= UFRAG_LABEL_LEN + 1. The key id
 * written is @key->id (@f->key_id is not read); @f->version must be
 * UFRAG_VERSION. Returns UFRAG_LABEL_LEN, or UFRAG_E_VERSION,
 * UFRAG_E_FIELD_RANGE or UFRAG_E_NOSPACE with @out untouched.
 */
int ufrag_label_encode(
        const struct ufrag_key *key, const struct ufrag_fields *f, char *out, size_t outlen);

/*
 * Decode and verify the label @text[0..len) (not NUL-terminated). @keys are
 * the accepted cluster secrets (during a rotation: the current and the
 * previous one, with different ids; the first key with the label's id is
 * used). The label's key id picks the key that must verify it, so one MAC
 * is computed whatever @nkeys is. Checks, in order: 16 <= len <= 32
 * (LENGTH), every byte an ice-char (BAD_CHAR), the version (VERSION), the
 * version's length (LENGTH), the MAC (MAC; also when no key has the label's
 * id). Every 68-bit field string is in range in version 1, so FIELD_RANGE
 * is never returned by decode. Returns 0 and fills @f, or a negative
 * UFRAG_E_* with @f untouched.
 *
 * A verified label only says who owns the session: the caller then checks
 * node, worker and the slot's current generation (a stale label is one
 * whose generation is no longer the slot's).
 */
int ufrag_label_decode(const struct ufrag_key *keys, size_t nkeys, const char *text, size_t len,
        struct ufrag_fields *f);

/*
 * Split a STUN USERNAME (RFC 8445 §7.2.2: "<receiver's ufrag>:<sender's
 * ufrag>"; for a request we receive, ours first) at its one colon. Both
 * parts must be ice-chars (BAD_CHAR); ours 16..32 and theirs 1..256
 * characters (LENGTH; 1, not 4, as ctrlplane/sdp.c accepts from an offer);
 * no colon or more than one: USERNAME. 0 and fills @u, or a negative
 * UFRAG_E_* with @u untouched. Does not verify the label.
 */
int ufrag_username_split(const char *username, size_t len, struct ufrag_username *u);

/*
 * An ICE password: @n uniformly random ice-chars from getrandom(2) and a
 * NUL into @out (@outlen >= @n + 1). UFRAG_PWD_MIN <= @n <= UFRAG_PWD_MAX
 * (LENGTH). Returns @n, or UFRAG_E_LENGTH, UFRAG_E_NOSPACE, UFRAG_E_RANDOM
 * with @out untouched. Slow path (a system call); may block only before the
 * kernel's pool is first seeded, at boot.
 */
int ufrag_pwd_generate(char *out, size_t outlen, size_t n);

/* Nonzero if @c is an ice-char (RFC 8445 §5.3). */
int ufrag_is_ice_char(int c);

/* SipHash-2-4 (Aumasson, Bernstein 2012) with a raw 16-byte key; for self-tests and tools. */
uint64_t ufrag_siphash24(const uint8_t key[16], const void *msg, size_t len);

/*
 * Known-answer self-test, for start-up: SipHash-2-4 reference vectors and a
 * label computed by tests/unit/ufrag_kat.py. 0, or -1 if anything differs.
 */
int ufrag_self_test(void);

const char *ufrag_strerror(int err);

#endif
