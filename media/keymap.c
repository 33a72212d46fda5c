/*
 * Fixed-capacity u64 -> u32 map; see keymap.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "keymap.h"

static inline uint32_t
slot_of(const struct media_keymap *m, uint64_t key)
{
	/* Fibonacci hashing: the top bits of key * 2^64 / phi */
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & m->mask;
}

int
media_keymap_init(struct media_keymap *m, uint32_t max)
{
	uint32_t cap = 2;

	if (max == 0 || max > MEDIA_KEYMAP_MAX)
		return -EINVAL;
	while (cap < 2 * max)
		cap <<= 1;
	m->ent = malloc((size_t)cap * sizeof(*m->ent));
	if (m->ent == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < cap; i++)
		m->ent[i].val = MEDIA_KEYMAP_NONE;
	m->mask = cap - 1;
	m->n = 0;
	m->max = max;
	return 0;
}

void
media_keymap_fini(struct media_keymap *m)
{
	free(m->ent);
	m->ent = NULL;
	m->n = 0;
}

uint32_t
media_keymap_get(const struct media_keymap *m, uint64_t key)
{
	for (uint32_t i = slot_of(m, key);; i = (i + 1) & m->mask) {
		const struct media_keymap_ent *e = &m->ent[i];
		if (e->val == MEDIA_KEYMAP_NONE)
			return MEDIA_KEYMAP_NONE;
		if (e->key == key)
			return e->val;
	}
}

int
media_keymap_put(struct media_keymap *m, uint64_t key, uint32_t val)
{
	uint32_t i;

	if (val == MEDIA_KEYMAP_NONE)
		return -EINVAL;
	for (i = slot_of(m, key); m->ent[i].val != MEDIA_KEYMAP_NONE; i = (i + 1) & m->mask)
		if (m->ent[i].key == key)
			return -EEXIST;
	if (m->n >= m->max)
		return -ENOSPC;
	m->ent[i].key = key;
	m->ent[i].val = val;
	m->n++;
	return 0;
}

int
media_keymap_del(struct media_keymap *m, uint64_t key)
{
	uint32_t i, j;

	for (i = slot_of(m, key);; i = (i + 1) & m->mask) {
		if (m->ent[i].val == MEDIA_KEYMAP_NONE)
			return -ENOENT;
		if (m->ent[i].key == key)
			break;
	}
	/*
	 * Backward shift: move later entries of the probe run into the hole
	 * when their home slot is not in (hole, j], i.e. the hole lies on
	 * their probe path.
	 */
	for (j = (i + 1) & m->mask; m->ent[j].val != MEDIA_KEYMAP_NONE; j = (j + 1) & m->mask) {
		uint32_t home = slot_of(m, m->ent[j].key);
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->ent[i] = m->ent[j];
			i = j;
		}
	}
	m->ent[i].val = MEDIA_KEYMAP_NONE;
	m->n--;
	return 0;
}
