/* Per-worker neighbour cache (see neigh.h). */
#include <string.h>

#include "neigh.h"

static uint32_t
neigh_hash(const uint8_t ip[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	return h;
}

void
neigh_init(struct neigh_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
neigh_update(struct neigh_table *t, const uint8_t ip[16], const uint8_t mac[6], uint64_t now_us)
{
	uint32_t h = neigh_hash(ip);
	struct neigh_entry *victim = NULL;

	for (uint32_t i = 0; i < NEIGH_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & (NEIGH_SIZE - 1)];
		if (e->used && memcmp(e->ip, ip, 16) == 0) {
			victim = e;
			break;
		}
	}
	/* not known: the first free slot of the window, else its oldest entry */
	for (uint32_t i = 0; victim == NULL && i < NEIGH_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & (NEIGH_SIZE - 1)];
		if (!e->used)
			victim = e;
	}
	if (victim == NULL) {
		victim = &t->e[h & (NEIGH_SIZE - 1)];
		for (uint32_t i = 1; i < NEIGH_PROBE; i++) {
			struct neigh_entry *e = &t->e[(h + i) & (NEIGH_SIZE - 1)];
			if (e->updated_us < victim->updated_us)
				victim = e;
		}
	}
	if (!victim->used)
		t->count++;
	memcpy(victim->ip, ip, 16);
	memcpy(victim->mac, mac, 6);
	victim->used = 1;
	victim->updated_us = now_us;
}

int
neigh_refresh(struct neigh_table *t, const uint8_t ip[16], const uint8_t mac[6], uint64_t now_us)
{
	uint32_t h = neigh_hash(ip);

	for (uint32_t i = 0; i < NEIGH_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & (NEIGH_SIZE - 1)];
		if (e->used && memcmp(e->ip, ip, 16) == 0) {
			memcpy(e->mac, mac, 6);
			e->updated_us = now_us;
			return 1;
		}
	}
	return 0;
}

int
neigh_lookup(const struct neigh_table *t, const uint8_t ip[16], uint64_t now_us,
		uint64_t max_age_us, uint8_t mac[6])
{
	uint32_t h = neigh_hash(ip);

	for (uint32_t i = 0; i < NEIGH_PROBE; i++) {
		const struct neigh_entry *e = &t->e[(h + i) & (NEIGH_SIZE - 1)];
		if (e->used && memcmp(e->ip, ip, 16) == 0) {
			if (now_us - e->updated_us > max_age_us)
				return -1;
			memcpy(mac, e->mac, 6);
			return 0;
		}
	}
	return -1;
}
