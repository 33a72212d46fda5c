/*
 * libFuzzer target: STUN parse (RFC 8489), integrity check and, for a
 * message that parses, a rebuild of its ICE attributes that must parse back.
 * Invariants: parse succeeds whole or leaves the message zeroed; views stay
 * inside the input; nothing reads past it (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct stun_msg zero;
	static struct stun_hmac_key key;
	static int key_ready;
	struct stun_msg m;
	uint8_t out[1500];
	struct stun_builder b;
	uint8_t *copy;
	int rc;

	if (!key_ready) {
		stun_hmac_key_init(&key, "VOkJxbRl1RmTxUk/WvJxBt", 22);
		key_ready = 1;
	}
	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rc = stun_msg_parse(&m, copy, size);
	if (rc != STUN_OK) {
		if (memcmp(&m, &zero, sizeof(m)) != 0)
			abort();
		free(copy);
		return 0;
	}
	if (m.len != size || (m.username && m.username + m.username_len > copy + size) ||
			(m.software && m.software + m.software_len > copy + size) ||
			(m.error_reason && m.error_reason + m.error_reason_len > copy + size) ||
			m.mi_off + (m.mi_off ? 24u : 0u) > size)
		abort();
	(void)stun_msg_check_integrity(&m, &key);
	(void)stun_msg_check_integrity_sha256(&m, "key", 3);

	stun_build_begin(&b, out, sizeof(out), m.method, (enum stun_class)m.cls, m.txid);
	if (m.username)
		stun_build_attr(&b, STUN_ATTR_USERNAME, m.username, m.username_len);
	if (m.flags & STUN_F_PRIORITY)
		stun_build_u32(&b, STUN_ATTR_PRIORITY, m.priority);
	if (m.flags & STUN_F_XOR_MAPPED)
		stun_build_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &m.xor_mapped);
	stun_build_integrity(&b, &key);
	stun_build_fingerprint(&b);
	rc = stun_build_end(&b);
	if (rc > 0) {
		struct stun_msg m2;
		if (stun_msg_parse(&m2, out, (size_t)rc) != STUN_OK ||
				stun_msg_check_integrity(&m2, &key) != STUN_OK || m2.method != m.method ||
				m2.priority != m.priority || m2.username_len != m.username_len)
			abort();
	}
	free(copy);
	return 0;
}
