/* Bounded queue with an in-flight prefix (see event_queue.h). */
#include <errno.h>
#include <stdlib.h>

#include "event_queue.h"

int
event_queue_init(struct event_queue *q, size_t cap)
{
	if (cap < 2)
		return -EINVAL;
	*q = (struct event_queue){.cap = cap};
	q->ring = calloc(cap, sizeof(q->ring[0]));
	return q->ring != NULL ? 0 : -ENOMEM;
}

void
event_queue_fini(struct event_queue *q)
{
	free(q->ring);
	*q = (struct event_queue){0};
}

static void **
event_queue_at(struct event_queue *q, size_t i)
{
	return &q->ring[(q->head + i) % q->cap];
}

void *
event_queue_push(struct event_queue *q, void *item)
{
	void *out = NULL;

	if (q->count == q->cap) {
		/* drop the oldest unsent, at index inflight: shift the in-flight prefix up by
		 * one over it and advance the head (at most cap - 1 moves, usually few) */
		out = *event_queue_at(q, q->inflight);
		for (size_t i = q->inflight; i > 0; i--)
			*event_queue_at(q, i) = *event_queue_at(q, i - 1);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	*event_queue_at(q, q->count) = item;
	q->count++;
	return out;
}

void *
event_queue_next_unsent(struct event_queue *q, size_t max_inflight)
{
	if (max_inflight > q->cap - 1)
		max_inflight = q->cap - 1;
	if (q->inflight >= q->count || q->inflight >= max_inflight)
		return NULL;
	return *event_queue_at(q, q->inflight++);
}

void *
event_queue_ack(struct event_queue *q)
{
	void *item;

	if (q->inflight == 0)
		return NULL;
	item = *event_queue_at(q, 0);
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->inflight--;
	return item;
}

void
event_queue_unsend_all(struct event_queue *q)
{
	q->inflight = 0;
}

void *
event_queue_pop_any(struct event_queue *q)
{
	void *item;

	if (q->count == 0)
		return NULL;
	item = *event_queue_at(q, 0);
	q->head = (q->head + 1) % q->cap;
	q->count--;
	if (q->inflight > 0)
		q->inflight--;
	return item;
}
