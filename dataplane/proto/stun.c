/* STUN message parse, integrity and build (see stun.h). RFC 8489 sections cited inline. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA1_* with a reusable precomputed state */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "crc32.h"
#include "stun.h"
#include "wire.h"

#define STUN_USERNAME_MAX 513 /* §14.3: less than 513 bytes */
#define STUN_TEXT_MAX 763     /* §14.8, §14.14: fewer than 128 characters, <= 763 bytes */

int
stun_is_stun(const uint8_t *buf, size_t len)
{
	return len >= STUN_HDR_LEN && (buf[0] & 0xc0) == 0 && wire_rd32(buf + 4) == STUN_MAGIC_COOKIE &&
			(wire_rd16(buf + 2) & 3) == 0 && (size_t)wire_rd16(buf + 2) + STUN_HDR_LEN == len;
}

/* §14.2 (XOR-MAPPED-ADDRESS): family 0x01/0x02, port and address XORed with cookie/txid. */
static int
parse_xor_addr(const uint8_t *v, uint16_t alen, const uint8_t *hdr, struct stun_addr *a)
{
	uint16_t xport;

	if (alen < 4)
		return -1;
	xport = wire_rd16(v + 2) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16);
	if (v[1] == 0x01 && alen == 8) {
		a->family = 4;
		for (int i = 0; i < 4; i++)
			a->addr[i] = v[4 + i] ^ hdr[4 + i];
	} else if (v[1] == 0x02 && alen == 20) {
		a->family = 6;
		for (int i = 0; i < 16; i++)
			a->addr[i] = v[4 + i] ^ hdr[4 + i]; /* cookie then transaction id */
	} else {
		return -1;
	}
	a->port = xport;
	return 0;
}

/* One attribute's value, already bounds-checked; fills @m. */
static int
parse_attr(struct stun_msg *m, uint16_t type, const uint8_t *v, uint16_t alen)
{
	switch (type) {
	case STUN_ATTR_USERNAME:
		if (alen >= STUN_USERNAME_MAX)
			return STUN_E_ATTR;
		if (m->username == NULL) {
			m->username = v;
			m->username_len = alen;
		}
		return 0;
	case STUN_ATTR_SOFTWARE:
		if (alen > STUN_TEXT_MAX)
			return STUN_E_ATTR;
		if (m->software == NULL) {
			m->software = v;
			m->software_len = alen;
		}
		return 0;
	case STUN_ATTR_PRIORITY:
		if (alen != 4)
			return STUN_E_ATTR;
		if (!(m->flags & STUN_F_PRIORITY))
			m->priority = wire_rd32(v);
		m->flags |= STUN_F_PRIORITY;
		return 0;
	case STUN_ATTR_USE_CANDIDATE:
		if (alen != 0)
			return STUN_E_ATTR;
		m->flags |= STUN_F_USE_CANDIDATE;
		return 0;
	case STUN_ATTR_ICE_CONTROLLING:
	case STUN_ATTR_ICE_CONTROLLED:
		if (alen != 8)
			return STUN_E_ATTR;
		if (!(m->flags & (STUN_F_ICE_CONTROLLING | STUN_F_ICE_CONTROLLED)))
			m->tiebreaker = (uint64_t)wire_rd32(v) << 32 | wire_rd32(v + 4);
		m->flags |= type == STUN_ATTR_ICE_CONTROLLING ? STUN_F_ICE_CONTROLLING
							      : STUN_F_ICE_CONTROLLED;
		return 0;
	case STUN_ATTR_XOR_MAPPED_ADDRESS:
		if (m->flags & STUN_F_XOR_MAPPED)
			return 0;
		if (parse_xor_addr(v, alen, m->buf, &m->xor_mapped) != 0)
			return STUN_E_ATTR;
		m->flags |= STUN_F_XOR_MAPPED;
		return 0;
	case STUN_ATTR_ERROR_CODE:
		/* §14.8: 21 reserved bits, class 3..6, number 0..99, reason */
		if (alen < 4 || alen - 4 > STUN_TEXT_MAX || (v[2] & 7) < 3 || (v[2] & 7) > 6 ||
				v[3] > 99)
			return STUN_E_ATTR;
		if (!(m->flags & STUN_F_ERROR_CODE)) {
			m->error_code = (uint16_t)((v[2] & 7) * 100 + v[3]);
			m->error_reason = v + 4;
			m->error_reason_len = (uint16_t)(alen - 4);
		}
		m->flags |= STUN_F_ERROR_CODE;
		return 0;
	case STUN_ATTR_UNKNOWN_ATTRIBUTES:
		return alen % 2 ? STUN_E_ATTR : 0;
	case STUN_ATTR_MAPPED_ADDRESS:
	case STUN_ATTR_REALM:
	case STUN_ATTR_NONCE:
	case STUN_ATTR_PASSWORD_ALGORITHM:
	case STUN_ATTR_USERHASH:
	case STUN_ATTR_PASSWORD_ALGORITHMS:
	case STUN_ATTR_ALTERNATE_DOMAIN:
	case STUN_ATTR_ALTERNATE_SERVER:
		return 0; /* understood, not used by ICE */
	default:
		/* §15: 0x0000-0x7fff are comprehension-required */
		if (type < 0x8000) {
			if (m->n_unknown < STUN_MAX_UNKNOWN)
				m->unknown[m->n_unknown] = type;
			if (m->n_unknown < UINT16_MAX)
				m->n_unknown++;
		}
		return 0;
	}
}

int
stun_msg_parse(struct stun_msg *m, const uint8_t *buf, size_t len)
{
	uint16_t type, mlen;
	size_t off;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len < STUN_HDR_LEN)
		return STUN_E_SHORT;
	if ((buf[0] & 0xc0) != 0 || wire_rd32(buf + 4) != STUN_MAGIC_COOKIE)
		return STUN_E_NOT_STUN;
	mlen = wire_rd16(buf + 2);
	if ((mlen & 3) != 0 || (size_t)mlen + STUN_HDR_LEN != len)
		return STUN_E_LENGTH; /* §6.3: the message fills the datagram */

	m->buf = buf;
	m->len = (uint16_t)len;
	type = wire_rd16(buf);
	/* §5: M11..M7 C1 M6..M4 C0 M3..M0 */
	m->method = (uint16_t)((type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2));
	m->cls = (uint8_t)(((type >> 4) & 1) | ((type >> 7) & 2));
	m->txid = buf + 8;

	for (off = STUN_HDR_LEN; off < len;) {
		uint16_t at, alen;
		size_t padded;

		if (len - off < 4) {
			rc = STUN_E_ATTR;
			goto fail;
		}
		at = wire_rd16(buf + off);
		alen = wire_rd16(buf + off + 2);
		padded = ((size_t)alen + 3) & ~(size_t)3;
		if (padded > len - off - 4) {
			rc = STUN_E_ATTR;
			goto fail;
		}
		if (m->flags & STUN_F_FINGERPRINT) {
			rc = STUN_E_FINGERPRINT; /* §14.7: FINGERPRINT must be last */
			goto fail;
		}
		if (at == STUN_ATTR_FINGERPRINT) {
			uint32_t want;
			if (alen != 4) {
				rc = STUN_E_ATTR;
				goto fail;
			}
			want = crc32_ieee(0, buf, off) ^ STUN_FINGERPRINT_XOR;
			if (wire_rd32(buf + off + 4) != want) {
				rc = STUN_E_FINGERPRINT;
				goto fail;
			}
			m->flags |= STUN_F_FINGERPRINT;
		} else if (at == STUN_ATTR_MESSAGE_INTEGRITY_SHA256) {
			if (m->mi256_off == 0) {
				if (alen < STUN_MI256_MIN || alen > 32 || (alen & 3)) {
					rc = STUN_E_ATTR;
					goto fail;
				}
				m->mi256_off = (uint16_t)off;
				m->mi256_len = alen;
			}
		} else if (m->mi_off != 0 || m->mi256_off != 0) {
			/* §14.5, §14.6: everything else after an integrity attribute is ignored */
		} else if (at == STUN_ATTR_MESSAGE_INTEGRITY) {
			if (alen != STUN_MI_LEN) {
				rc = STUN_E_ATTR;
				goto fail;
			}
			m->mi_off = (uint16_t)off;
		} else {
			rc = parse_attr(m, at, buf + off + 4, alen);
			if (rc != 0)
				goto fail;
		}
		off += 4 + padded;
	}
	return STUN_OK;
fail:
	memset(m, 0, sizeof(*m));
	return rc;
}

void
stun_hmac_key_init(struct stun_hmac_key *k, const void *key, size_t key_len)
{
	uint8_t block[SHA_CBLOCK] = {0};
	uint8_t pad[SHA_CBLOCK];

	if (key_len > SHA_CBLOCK)
		SHA1(key, key_len, block); /* RFC 2104 §2 */
	else
		memcpy(block, key, key_len);
	for (int i = 0; i < SHA_CBLOCK; i++)
		pad[i] = block[i] ^ 0x36;
	SHA1_Init(&k->inner);
	SHA1_Update(&k->inner, pad, sizeof(pad));
	for (int i = 0; i < SHA_CBLOCK; i++)
		pad[i] = block[i] ^ 0x5c;
	SHA1_Init(&k->outer);
	SHA1_Update(&k->outer, pad, sizeof(pad));
	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(pad, sizeof(pad));
}

/* HMAC-SHA1 over @hdr (20 bytes) then @body. */
static void
stun_hmac_sha1(const struct stun_hmac_key *k, const uint8_t *hdr, const uint8_t *body,
		size_t body_len, uint8_t out[SHA_DIGEST_LENGTH])
{
	SHA_CTX c = k->inner;
	uint8_t ih[SHA_DIGEST_LENGTH];

	SHA1_Update(&c, hdr, STUN_HDR_LEN);
	SHA1_Update(&c, body, body_len);
	SHA1_Final(ih, &c);
	c = k->outer;
	SHA1_Update(&c, ih, sizeof(ih));
	SHA1_Final(out, &c);
}

int
stun_msg_check_integrity(const struct stun_msg *m, const struct stun_hmac_key *k)
{
	uint8_t hdr[STUN_HDR_LEN], mac[SHA_DIGEST_LENGTH];

	if (m->mi_off == 0)
		return STUN_E_INTEGRITY;
	/* §14.5: the length field counts up to and including MESSAGE-INTEGRITY */
	memcpy(hdr, m->buf, STUN_HDR_LEN);
	wire_wr16(hdr + 2, (uint16_t)(m->mi_off + 4 + STUN_MI_LEN - STUN_HDR_LEN));
	stun_hmac_sha1(k, hdr, m->buf + STUN_HDR_LEN, m->mi_off - STUN_HDR_LEN, mac);
	return CRYPTO_memcmp(mac, m->buf + m->mi_off + 4, STUN_MI_LEN) == 0 ? STUN_OK
									    : STUN_E_INTEGRITY;
}

int
stun_msg_check_integrity_sha256(const struct stun_msg *m, const void *key, size_t key_len)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	uint8_t *copy;
	int ok;

	if (m->mi256_off == 0 || key_len > INT32_MAX)
		return STUN_E_INTEGRITY;
	copy = OPENSSL_malloc(m->mi256_off);
	if (copy == NULL)
		return STUN_E_INTEGRITY;
	memcpy(copy, m->buf, m->mi256_off);
	wire_wr16(copy + 2, (uint16_t)(m->mi256_off + 4 + m->mi256_len - STUN_HDR_LEN));
	ok = HMAC(EVP_sha256(), key, (int)key_len, copy, m->mi256_off, mac, &mac_len) != NULL &&
			CRYPTO_memcmp(mac, m->buf + m->mi256_off + 4, m->mi256_len) == 0;
	OPENSSL_free(copy);
	return ok ? STUN_OK : STUN_E_INTEGRITY;
}

void
stun_build_begin(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method,
		enum stun_class cls, const uint8_t txid[STUN_TXID_LEN])
{
	uint16_t type;

	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	if (cap < STUN_HDR_LEN || method > 0xfff) {
		b->err = STUN_E_NOSPACE;
		return;
	}
	type = (uint16_t)((method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) |
			((cls & 1) << 4) | ((cls & 2) << 7));
	wire_wr16(buf, type);
	wire_wr16(buf + 2, 0);
	wire_wr32(buf + 4, STUN_MAGIC_COOKIE);
	memcpy(buf + 8, txid, STUN_TXID_LEN);
	b->len = STUN_HDR_LEN;
}

/* Reserve an attribute of @alen value bytes; returns the value pointer or NULL. */
static uint8_t *
stun_build_reserve(struct stun_builder *b, uint16_t type, uint16_t alen)
{
	size_t padded = ((size_t)alen + 3) & ~(size_t)3;
	uint8_t *p;

	if (b->err)
		return NULL;
	if (b->cap - b->len < 4 + padded || b->len + 4 + padded - STUN_HDR_LEN > 0xffff) {
		b->err = STUN_E_NOSPACE;
		return NULL;
	}
	p = b->buf + b->len;
	wire_wr16(p, type);
	wire_wr16(p + 2, alen);
	memset(p + 4 + alen, 0, padded - alen);
	b->len += 4 + padded;
	wire_wr16(b->buf + 2, (uint16_t)(b->len - STUN_HDR_LEN));
	return p + 4;
}

void
stun_build_attr(struct stun_builder *b, uint16_t type, const void *val, uint16_t len)
{
	uint8_t *p = stun_build_reserve(b, type, len);

	if (p != NULL && len != 0)
		memcpy(p, val, len);
}

void
stun_build_u32(struct stun_builder *b, uint16_t type, uint32_t v)
{
	uint8_t *p = stun_build_reserve(b, type, 4);

	if (p != NULL)
		wire_wr32(p, v);
}

void
stun_build_u64(struct stun_builder *b, uint16_t type, uint64_t v)
{
	uint8_t *p = stun_build_reserve(b, type, 8);

	if (p != NULL) {
		wire_wr32(p, (uint32_t)(v >> 32));
		wire_wr32(p + 4, (uint32_t)v);
	}
}

void
stun_build_xor_addr(struct stun_builder *b, uint16_t type, const struct stun_addr *a)
{
	uint16_t alen = a->family == 6 ? 20 : 8;
	uint8_t *p;

	if (a->family != 4 && a->family != 6) {
		if (!b->err)
			b->err = STUN_E_ATTR;
		return;
	}
	p = stun_build_reserve(b, type, alen);
	if (p == NULL)
		return;
	p[0] = 0;
	p[1] = a->family == 6 ? 0x02 : 0x01;
	wire_wr16(p + 2, a->port ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16));
	for (int i = 0; i < alen - 4; i++)
		p[4 + i] = a->addr[i] ^ b->buf[4 + i];
}

void
stun_build_error(struct stun_builder *b, uint16_t code, const char *reason)
{
	size_t rlen = reason ? strlen(reason) : 0;
	uint8_t *p;

	if (code < 300 || code > 699 || rlen > STUN_TEXT_MAX) {
		if (!b->err)
			b->err = STUN_E_ATTR;
		return;
	}
	p = stun_build_reserve(b, STUN_ATTR_ERROR_CODE, (uint16_t)(4 + rlen));
	if (p == NULL)
		return;
	p[0] = p[1] = 0;
	p[2] = (uint8_t)(code / 100);
	p[3] = (uint8_t)(code % 100);
	memcpy(p + 4, reason, rlen);
}

void
stun_build_unknown(struct stun_builder *b, const uint16_t *types, uint16_t n)
{
	uint8_t *p = stun_build_reserve(b, STUN_ATTR_UNKNOWN_ATTRIBUTES, (uint16_t)(2 * n));

	for (uint16_t i = 0; p != NULL && i < n; i++)
		wire_wr16(p + 2 * i, types[i]);
}

void
stun_build_integrity(struct stun_builder *b, const struct stun_hmac_key *k)
{
	size_t body = b->len - STUN_HDR_LEN;
	uint8_t *p = stun_build_reserve(b, STUN_ATTR_MESSAGE_INTEGRITY, STUN_MI_LEN);
	uint8_t mac[SHA_DIGEST_LENGTH];

	if (p == NULL)
		return;
	/* the header already counts the MESSAGE-INTEGRITY attribute (§14.5) */
	stun_hmac_sha1(k, b->buf, b->buf + STUN_HDR_LEN, body, mac);
	memcpy(p, mac, STUN_MI_LEN);
}

void
stun_build_fingerprint(struct stun_builder *b)
{
	size_t before = b->len;
	uint8_t *p = stun_build_reserve(b, STUN_ATTR_FINGERPRINT, 4);

	if (p != NULL)
		wire_wr32(p, crc32_ieee(0, b->buf, before) ^ STUN_FINGERPRINT_XOR);
}

int
stun_build_end(struct stun_builder *b)
{
	return b->err ? b->err : (int)b->len;
}

const char *
stun_strerror(int err)
{
	switch (err) {
	case STUN_OK:
		return "ok";
	case STUN_E_SHORT:
		return "shorter than a STUN header";
	case STUN_E_NOT_STUN:
		return "not STUN (top bits or magic cookie)";
	case STUN_E_LENGTH:
		return "length field does not match the datagram";
	case STUN_E_ATTR:
		return "malformed or overrunning attribute";
	case STUN_E_FINGERPRINT:
		return "FINGERPRINT wrong or not last";
	case STUN_E_INTEGRITY:
		return "MESSAGE-INTEGRITY missing or wrong";
	case STUN_E_NOSPACE:
		return "no room to build the message";
	}
	return "unknown STUN error";
}
