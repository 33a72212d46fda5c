/*
 * The worker -> media lcore tap ring; see tap_ring.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap_ring.h"

static const char *const drop_names[MEDIA_TAP_DROP_MAX] = {
#define MEDIA_TAP_DROP_NAME(sym, name, help) [MEDIA_TAP_DROP_##sym] = name,
        MEDIA_TAP_DROPS(MEDIA_TAP_DROP_NAME)
#undef MEDIA_TAP_DROP_NAME
};

static const char *const drop_helps[MEDIA_TAP_DROP_MAX] = {
#define MEDIA_TAP_DROP_HELP(sym, name, help) [MEDIA_TAP_DROP_##sym] = help,
        MEDIA_TAP_DROPS(MEDIA_TAP_DROP_HELP)
#undef MEDIA_TAP_DROP_HELP
};

const char *
media_tap_drop_name(unsigned reason)
{
	return reason < MEDIA_TAP_DROP_MAX ? drop_names[reason] : NULL;
}

const char *
media_tap_drop_help(unsigned reason)
{
	return reason < MEDIA_TAP_DROP_MAX ? drop_helps[reason] : NULL;
}

int
media_tap_msg_check(const struct media_tap_msg *m)
{
	if (m->version != MEDIA_TAP_MSG_VERSION)
		return MEDIA_TAP_E_VERSION;
	if (m->len > MEDIA_TAP_PAYLOAD_MAX)
		return MEDIA_TAP_E_LEN;
	return 0;
}

int
media_tap_ring_create(uint32_t size, struct media_tap_ring **out)
{
	struct media_tap_ring *r;

	if (size < 2 || size > MEDIA_TAP_RING_MAX || (size & (size - 1)) != 0)
		return -EINVAL;
	r = aligned_alloc(64, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	r->slots = aligned_alloc(64, (size_t)size * sizeof(*r->slots));
	if (r->slots == NULL) {
		free(r);
		return -ENOMEM;
	}
	r->size = size;
	r->mask = size - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	*out = r;
	return 0;
}

void
media_tap_ring_free(struct media_tap_ring *r)
{
	if (r == NULL)
		return;
	free(r->slots);
	free(r);
}

/* A counter with one writer: a plain add, published with a relaxed store. */
static inline void
count_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(
	        c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
}

int
media_tap_ring_push(struct media_tap_ring *r, const struct media_tap_msg *hdr,
        const uint8_t *payload, size_t len)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	struct media_tap_msg *m;

	if (len > MEDIA_TAP_PAYLOAD_MAX) {
		count_add(&r->drops[MEDIA_TAP_DROP_TOO_LONG], 1);
		return -EMSGSIZE;
	}
	/* free-running indices: head - tail is the fill level, even across the wrap */
	if (head - r->tail_cache >= r->size) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head - r->tail_cache >= r->size) {
			count_add(&r->drops[MEDIA_TAP_DROP_FULL], 1);
			return -ENOBUFS;
		}
	}
	m = &r->slots[head & r->mask];
	memcpy(m, hdr, MEDIA_TAP_HDR_SIZE);
	m->version = MEDIA_TAP_MSG_VERSION;
	m->len = (uint16_t)len;
	if (len > 0)
		memcpy(m->payload, payload, len);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	count_add(&r->enqueued, 1);
	return 0;
}

unsigned
media_tap_ring_peek(struct media_tap_ring *r, const struct media_tap_msg **v, unsigned n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t avail = r->head_cache - tail;
	unsigned i;

	if (avail < n) {
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
		avail = r->head_cache - tail;
	}
	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++)
		v[i] = &r->slots[(tail + i) & r->mask];
	return n;
}

void
media_tap_ring_release(struct media_tap_ring *r, unsigned n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (n == 0)
		return;
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	count_add(&r->dequeued, n);
}

uint32_t
media_tap_ring_count(const struct media_tap_ring *r)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	return head - tail;
}

void
media_tap_ring_stats(const struct media_tap_ring *r, struct media_tap_ring_stats *st)
{
	st->enqueued = atomic_load_explicit(&r->enqueued, memory_order_relaxed);
	st->dequeued = atomic_load_explicit(&r->dequeued, memory_order_relaxed);
	for (unsigned i = 0; i < MEDIA_TAP_DROP_MAX; i++)
		st->drops[i] = atomic_load_explicit(&r->drops[i], memory_order_relaxed);
}
