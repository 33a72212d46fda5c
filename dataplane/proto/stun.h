/*
 * STUN messages (RFC 8489): parse, verify and build. Sans-IO.
 *
 * Owns: the wire format of STUN headers and of the attributes ICE uses
 * (RFC 8445 §16, RFC 8489 §14): USERNAME, MESSAGE-INTEGRITY (HMAC-SHA1),
 * MESSAGE-INTEGRITY-SHA256, FINGERPRINT (CRC-32 ^ 0x5354554e),
 * XOR-MAPPED-ADDRESS (IPv4, IPv6), PRIORITY, USE-CANDIDATE, ICE-CONTROLLING,
 * ICE-CONTROLLED, ERROR-CODE, UNKNOWN-ATTRIBUTES, SOFTWARE. Unknown
 * comprehension-required attributes are collected so that a request can be
 * answered with 420 (§6.3.1.1).
 *
 * A parsed message points into the caller's buffer: offsets, no copies. A
 * parse either succeeds whole or returns a negative STUN_E_* and leaves the
 * output zeroed.
 *
 * MESSAGE-INTEGRITY uses a per-key precomputed HMAC state (struct
 * stun_hmac_key): building it costs two SHA-1 blocks once per ICE session,
 * so that checking a message costs only its own blocks.
 */
#ifndef RTC_STUN_H
#define RTC_STUN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/sha.h>

#define STUN_HDR_LEN 20
#define STUN_MAGIC_COOKIE 0x2112a442u
#define STUN_TXID_LEN 12
#define STUN_FINGERPRINT_XOR 0x5354554eu
#define STUN_MI_LEN 20     /* HMAC-SHA1 */
#define STUN_MI256_MIN 16  /* RFC 8489 §14.6: truncation to 16..32 bytes */
#define STUN_MAX_UNKNOWN 8 /* unknown comprehension-required attributes kept */

/* Methods and classes (RFC 8489 §5, §18.2). */
#define STUN_METHOD_BINDING 0x001
enum stun_class {
	STUN_CLASS_REQUEST = 0,
	STUN_CLASS_INDICATION = 1,
	STUN_CLASS_SUCCESS = 2,
	STUN_CLASS_ERROR = 3,
};

/* Attribute types (RFC 8489 §18.3, RFC 8445 §16.1). */
enum stun_attr_type {
	STUN_ATTR_MAPPED_ADDRESS = 0x0001,
	STUN_ATTR_USERNAME = 0x0006,
	STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
	STUN_ATTR_ERROR_CODE = 0x0009,
	STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000a,
	STUN_ATTR_REALM = 0x0014,
	STUN_ATTR_NONCE = 0x0015,
	STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001c,
	STUN_ATTR_PASSWORD_ALGORITHM = 0x001d,
	STUN_ATTR_USERHASH = 0x001e,
	STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
	STUN_ATTR_PRIORITY = 0x0024,
	STUN_ATTR_USE_CANDIDATE = 0x0025,
	STUN_ATTR_PASSWORD_ALGORITHMS = 0x8002,
	STUN_ATTR_ALTERNATE_DOMAIN = 0x8003,
	STUN_ATTR_SOFTWARE = 0x8022,
	STUN_ATTR_ALTERNATE_SERVER = 0x8023,
	STUN_ATTR_FINGERPRINT = 0x8028,
	STUN_ATTR_ICE_CONTROLLED = 0x8029,
	STUN_ATTR_ICE_CONTROLLING = 0x802a,
};

/* Error codes used by ICE (RFC 8489 §14.8, RFC 8445 §7.3.1.1). */
#define STUN_ERR_BAD_REQUEST 400
#define STUN_ERR_UNAUTHORIZED 401
#define STUN_ERR_UNKNOWN_ATTRIBUTE 420
#define STUN_ERR_ROLE_CONFLICT 487
#define STUN_ERR_SERVER_ERROR 500

enum stun_err {
	STUN_OK = 0,
	STUN_E_SHORT = -1,	 /* fewer bytes than the header, or than its length field */
	STUN_E_NOT_STUN = -2,	 /* top bits or magic cookie wrong */
	STUN_E_LENGTH = -3,	 /* length field not a multiple of 4 or not the datagram's */
	STUN_E_ATTR = -4,	 /* an attribute overruns the message or is malformed */
	STUN_E_FINGERPRINT = -5, /* FINGERPRINT wrong, or not the last attribute */
	STUN_E_INTEGRITY = -6,	 /* no MESSAGE-INTEGRITY, or it does not verify */
	STUN_E_NOSPACE = -7,	 /* builder: buffer too small */
};

/* Flags of struct stun_msg: which optional attributes were present. */
#define STUN_F_PRIORITY (1u << 0)
#define STUN_F_USE_CANDIDATE (1u << 1)
#define STUN_F_ICE_CONTROLLING (1u << 2)
#define STUN_F_ICE_CONTROLLED (1u << 3)
#define STUN_F_XOR_MAPPED (1u << 4)
#define STUN_F_ERROR_CODE (1u << 5)
#define STUN_F_FINGERPRINT (1u << 6)

struct stun_addr {
	uint8_t family;	   /* 4 or 6 */
	uint16_t port;	   /* host order */
	uint8_t addr[16];  /* IPv4 in the first 4 bytes */
};

/* A parsed message: views into the caller's buffer, valid while it is. */
struct stun_msg {
	const uint8_t *buf;
	uint16_t len; /* header + attributes */
	uint16_t method;
	uint8_t cls; /* enum stun_class */
	uint32_t flags;
	const uint8_t *txid; /* STUN_TXID_LEN bytes */

	const uint8_t *username;
	uint16_t username_len;
	const uint8_t *software;
	uint16_t software_len;
	uint16_t mi_off;    /* offset of the MESSAGE-INTEGRITY attribute header, 0 = none */
	uint16_t mi256_off; /* offset of MESSAGE-INTEGRITY-SHA256, 0 = none */
	uint16_t mi256_len;
	uint32_t priority;
	uint64_t tiebreaker; /* of ICE-CONTROLLING or ICE-CONTROLLED */
	struct stun_addr xor_mapped;
	uint16_t error_code; /* 300..699 */
	const uint8_t *error_reason;
	uint16_t error_reason_len;
	uint16_t n_unknown; /* unknown comprehension-required attributes */
	uint16_t unknown[STUN_MAX_UNKNOWN];
};

/* Precomputed HMAC-SHA1 states for one key (an ICE password). */
struct stun_hmac_key {
	SHA_CTX inner;
	SHA_CTX outer;
};

/* Nonzero if @buf can be STUN at all: RFC 7983 first byte, cookie, length. */
int stun_is_stun(const uint8_t *buf, size_t len);

/*
 * Parse @buf[0..len): the whole datagram must be the message (§6.3). Checks
 * FINGERPRINT when present (§14.7). Does not check MESSAGE-INTEGRITY.
 */
int stun_msg_parse(struct stun_msg *m, const uint8_t *buf, size_t len);

/* Prepare the HMAC key state for @key (short-term: the password bytes, §9.1.1). */
void stun_hmac_key_init(struct stun_hmac_key *k, const void *key, size_t key_len);

/* Verify MESSAGE-INTEGRITY of a parsed message (§14.5); STUN_OK or STUN_E_INTEGRITY. */
int stun_msg_check_integrity(const struct stun_msg *m, const struct stun_hmac_key *k);
/* Verify MESSAGE-INTEGRITY-SHA256 with a raw key (§14.6); not for the fast path. */
int stun_msg_check_integrity_sha256(const struct stun_msg *m, const void *key, size_t key_len);

/*
 * Builder: writes a message into a caller buffer. Calls after an error are
 * no-ops; stun_build_end() returns the final length or the first error.
 */
struct stun_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

void stun_build_begin(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method,
		enum stun_class cls, const uint8_t txid[STUN_TXID_LEN]);
/* Any attribute; the value is padded with zeros to 4 bytes. */
void stun_build_attr(struct stun_builder *b, uint16_t type, const void *val, uint16_t len);
void stun_build_u32(struct stun_builder *b, uint16_t type, uint32_t v);
void stun_build_u64(struct stun_builder *b, uint16_t type, uint64_t v);
void stun_build_xor_addr(struct stun_builder *b, uint16_t type, const struct stun_addr *a);
void stun_build_error(struct stun_builder *b, uint16_t code, const char *reason);
void stun_build_unknown(struct stun_builder *b, const uint16_t *types, uint16_t n);
/* MESSAGE-INTEGRITY over everything so far (§14.5). */
void stun_build_integrity(struct stun_builder *b, const struct stun_hmac_key *k);
/* FINGERPRINT; must be last (§14.7). */
void stun_build_fingerprint(struct stun_builder *b);
int stun_build_end(struct stun_builder *b);

const char *stun_strerror(int err);

#endif
