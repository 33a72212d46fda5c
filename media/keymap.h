/*
 * A fixed-capacity map from 64-bit keys to 32-bit values.
 *
 * Owns: an open-addressing table (linear probing, a multiplicative hash,
 * deletion by backward shift, so no tombstones and lookups never degrade)
 * sized at create for at most @max entries at a load of one half or less.
 * No allocation after create. Used by the media pipeline for its stream
 * table ((session, track) -> stream slot) and its per-session settings.
 * One thread.
 */
#ifndef RTC_MEDIA_KEYMAP_H
#define RTC_MEDIA_KEYMAP_H

#include <stdint.h>

#define MEDIA_KEYMAP_MAX (1u << 24)
#define MEDIA_KEYMAP_NONE UINT32_MAX /* "no value"; not storable */

struct media_keymap_ent {
	uint64_t key;
	uint32_t val; /* MEDIA_KEYMAP_NONE: empty */
};

struct media_keymap {
	struct media_keymap_ent *ent;
	uint32_t mask;
	uint32_t n, max;
};

/* A map for up to @max entries (1..MEDIA_KEYMAP_MAX). 0, -EINVAL or -ENOMEM. */
int media_keymap_init(struct media_keymap *m, uint32_t max);
void media_keymap_fini(struct media_keymap *m);

/* The value of @key, or MEDIA_KEYMAP_NONE. */
uint32_t media_keymap_get(const struct media_keymap *m, uint64_t key);

/*
 * Insert @key -> @val (val != MEDIA_KEYMAP_NONE). 0; -EEXIST (key present,
 * unchanged), -ENOSPC (max entries), -EINVAL (val is MEDIA_KEYMAP_NONE).
 */
int media_keymap_put(struct media_keymap *m, uint64_t key, uint32_t val);

/* Remove @key. 0, or -ENOENT. */
int media_keymap_del(struct media_keymap *m, uint64_t key);

#endif
