/* A worker's flow table (see flowtab.h). */
#include <string.h>

#include "flowtab.h"

void
flowtab_init(struct flowtab *t, struct flowtab_entry *entries, uint32_t n)
{
	t->mask = n - 1;
	t->used = 0;
	t->e = entries;
}

static uint32_t
flowtab_hash(const struct pkt_flow *f)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ f->rport;
	uint64_t w[4];

	memcpy(w, f->raddr, 16);
	memcpy(w + 2, f->laddr + 8, 8); /* the low half of the local address suffices */
	memcpy(&w[3], f->raddr + 8, 8);
	for (int i = 0; i < 3; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	return (uint32_t)h;
}

static int
flowtab_eq(const struct flowtab_entry *e, const struct pkt_flow *f)
{
	return e->rport == f->rport && memcmp(e->raddr, f->raddr, 16) == 0 &&
	       memcmp(e->laddr, f->laddr, 16) == 0;
}

const struct flowtab_entry *
flowtab_get(const struct flowtab *t, const struct pkt_flow *f)
{
	uint32_t i = flowtab_hash(f) & t->mask;

	for (uint32_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		const struct flowtab_entry *e = &t->e[i];
		if (e->state == 0)
			return NULL;
		if (flowtab_eq(e, f))
			return e;
	}
	return NULL;
}

int
flowtab_put(struct flowtab *t, const struct pkt_flow *f, uint32_t slot, uint32_t gen)
{
	uint32_t i = flowtab_hash(f) & t->mask;
	struct flowtab_entry *free_e = NULL;

	for (uint32_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		struct flowtab_entry *e = &t->e[i];
		if (e->state == 0) {
			free_e = e;
			break;
		}
		if (flowtab_eq(e, f)) {
			e->slot = slot;
			e->gen = gen;
			return 0;
		}
	}
	/* keep a quarter free so that probes stay short and misses end */
	if (free_e == NULL || (t->used + 1) * 4 > (t->mask + 1) * 3)
		return -1;
	free_e->state = 1;
	memcpy(free_e->raddr, f->raddr, 16);
	memcpy(free_e->laddr, f->laddr, 16);
	free_e->rport = f->rport;
	free_e->slot = slot;
	free_e->gen = gen;
	t->used++;
	return 0;
}

int
flowtab_del(struct flowtab *t, const struct pkt_flow *f, uint32_t slot)
{
	struct flowtab_entry *e = (struct flowtab_entry *)flowtab_get(t, f);
	uint32_t i, j;

	if (e == NULL || e->slot != slot)
		return -1;
	/* Knuth's algorithm R (linear probing deletion): pull later entries of
	 * the same probe run back into the hole, so no tombstones are needed */
	i = (uint32_t)(e - t->e);
	e->state = 0;
	t->used--;
	for (j = (i + 1) & t->mask; t->e[j].state != 0; j = (j + 1) & t->mask) {
		struct pkt_flow k = {.rport = t->e[j].rport};
		uint32_t h;
		memcpy(k.raddr, t->e[j].raddr, 16);
		memcpy(k.laddr, t->e[j].laddr, 16);
		h = flowtab_hash(&k) & t->mask;
		/* the entry at j may move to the hole at i unless its home h lies in (i, j] */
		if ((i <= j) ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		t->e[i] = t->e[j];
		t->e[j].state = 0;
		i = j;
	}
	return 0;
}
