/*
 * libFuzzer target: ufrag routing labels (dataplane/proto/ufrag.c).
 *
 * The input is, at once:
 *   - a label: ufrag_label_decode() under two keys (ids 0 and 1, the
 *     secrets of tests/unit/ufrag_kat.py's FUZZ_SECRETS, so its seeds are
 *     valid labels);
 *   - a STUN USERNAME: ufrag_username_split(), then the decode of its first
 *     part;
 *   - field values: its first 12 bytes (zero-padded) as version-1 fields
 *     and a key choice, encoded, decoded back, and with one character
 *     (chosen by byte 12) replaced.
 * Invariants: a failed call leaves its output untouched; a decoded label
 * encodes back to exactly its text (one text per fields: no malleability);
 * split views lie inside the input and cover it with the colon between;
 * encode -> decode is the identity; a changed character never verifies.
 * Every call reads only [data, data + size) (an exact-size heap copy, ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ufrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static struct ufrag_key fuzz_keys[2];

static void
fuzz_keys_init(void)
{
	static int ready;
	static const char *const secrets[2] = {
	        "fuzz ufrag cluster secret, id 0", "fuzz ufrag cluster secret, id 1"};

	if (ready)
		return;
	for (unsigned i = 0; i < 2; i++)
		if (ufrag_key_init(&fuzz_keys[i], i, secrets[i], strlen(secrets[i])) != UFRAG_OK)
			abort();
	ready = 1;
}

/* decode @text; on success it must re-encode to the same text */
static void
fuzz_decode(const char *text, size_t len)
{
	struct ufrag_fields f, sentinel;
	char again[UFRAG_LABEL_LEN + 1];
	int rc;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	f = sentinel;
	rc = ufrag_label_decode(fuzz_keys, 2, text, len, &f);
	if (rc != UFRAG_OK) {
		if (rc >= 0 || memcmp(&f, &sentinel, sizeof(f)) != 0)
			abort();
		return;
	}
	if (f.version != UFRAG_VERSION || f.key_id > 1 || f.node > UFRAG_NODE_MAX ||
	        f.worker > UFRAG_WORKER_MAX || f.slot > UFRAG_SLOT_MAX ||
	        f.generation > UFRAG_GENERATION_MAX || len != UFRAG_LABEL_LEN)
		abort();
	if (ufrag_label_encode(&fuzz_keys[f.key_id], &f, again, sizeof(again)) != UFRAG_LABEL_LEN ||
	        memcmp(again, text, UFRAG_LABEL_LEN) != 0)
		abort();
}

static void
fuzz_split(const char *text, size_t len)
{
	struct ufrag_username u, sentinel;
	int rc;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	u = sentinel;
	rc = ufrag_username_split(text, len, &u);
	if (rc != UFRAG_OK) {
		if (rc >= 0 || memcmp(&u, &sentinel, sizeof(u)) != 0)
			abort();
		return;
	}
	if (u.local != text || u.local_len < UFRAG_LABEL_MIN || u.local_len > UFRAG_LABEL_MAX ||
	        u.remote != text + u.local_len + 1 || text[u.local_len] != ':' ||
	        u.remote_len < 1 || u.remote_len > UFRAG_PEER_MAX ||
	        u.local_len + 1 + u.remote_len != len ||
	        memchr(u.remote, ':', u.remote_len) != NULL)
		abort();
	fuzz_decode(u.local, u.local_len);
}

static void
fuzz_encode(const uint8_t *data, size_t size)
{
	uint8_t b[13] = {0};
	struct ufrag_fields f = {0}, g;
	const struct ufrag_key *k;
	char text[UFRAG_LABEL_LEN + 1];
	size_t pos;
	int rc;

	memcpy(b, data, size < sizeof(b) ? size : sizeof(b));
	k = &fuzz_keys[b[0] & 1];
	f.version = UFRAG_VERSION;
	f.node = (uint16_t)((b[1] | b[2] << 8) & UFRAG_NODE_MAX);
	f.worker = (uint8_t)(b[3] & UFRAG_WORKER_MAX);
	f.slot = (uint32_t)(b[4] | b[5] << 8 | b[6] << 16) & UFRAG_SLOT_MAX;
	f.generation = ((uint32_t)b[7] | (uint32_t)b[8] << 8 | (uint32_t)b[9] << 16 |
	                       (uint32_t)b[10] << 24) &
	               UFRAG_GENERATION_MAX;
	f.key_id = b[11]; /* not read by encode */
	if (ufrag_label_encode(k, &f, text, sizeof(text)) != UFRAG_LABEL_LEN ||
	        text[UFRAG_LABEL_LEN] != '\0')
		abort();
	if (ufrag_label_decode(fuzz_keys, 2, text, UFRAG_LABEL_LEN, &g) != UFRAG_OK ||
	        g.key_id != k->id || g.node != f.node || g.worker != f.worker || g.slot != f.slot ||
	        g.generation != f.generation)
		abort();
	/* one character replaced by another ice-char: never accepted */
	pos = (size_t)(b[12] % UFRAG_LABEL_LEN);
	text[pos] =
	        fuzz_alphabet[(strchr(fuzz_alphabet, text[pos]) - fuzz_alphabet + 1 + b[11] % 63) %
	                      64];
	rc = ufrag_label_decode(fuzz_keys, 2, text, UFRAG_LABEL_LEN, &g);
	if (rc != UFRAG_E_MAC && rc != UFRAG_E_VERSION)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	fuzz_keys_init();
	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	fuzz_decode(copy, size);
	fuzz_split(copy, size);
	fuzz_encode(data, size);
	free(copy);
	return 0;
}
