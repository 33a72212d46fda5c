/*
 * Bounded SPSC queue of fixed-size records; see spsc.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spsc.h"

int
media_spsc_create(uint32_t size, uint32_t elem_size, struct media_spsc **out)
{
	struct media_spsc *q;

	if (size < 2 || size > MEDIA_SPSC_MAX || (size & (size - 1)) != 0 || elem_size == 0 ||
	        elem_size > MEDIA_SPSC_ELEM_MAX)
		return -EINVAL;
	q = aligned_alloc(64, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	q->slots = malloc((size_t)size * elem_size);
	if (q->slots == NULL) {
		free(q);
		return -ENOMEM;
	}
	q->size = size;
	q->mask = size - 1;
	q->elem_size = elem_size;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	*out = q;
	return 0;
}

void
media_spsc_free(struct media_spsc *q)
{
	if (q == NULL)
		return;
	free(q->slots);
	free(q);
}

int
media_spsc_push(struct media_spsc *q, const void *rec)
{
	uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	/* free-running indices: head - tail is the fill level across the wrap */
	if (head - q->tail_cache >= q->size) {
		q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (head - q->tail_cache >= q->size)
			return -ENOBUFS;
	}
	memcpy(q->slots + (size_t)(head & q->mask) * q->elem_size, rec, q->elem_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return 0;
}

int
media_spsc_pop(struct media_spsc *q, void *rec)
{
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (q->head_cache == tail) {
		q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
		if (q->head_cache == tail)
			return 0;
	}
	memcpy(rec, q->slots + (size_t)(tail & q->mask) * q->elem_size, q->elem_size);
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return 1;
}

uint32_t
media_spsc_count(const struct media_spsc *q)
{
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	uint32_t head = atomic_load_explicit(&q->head, memory_order_acquire);

	return head - tail;
}
