/*
 * The bounded queue of events waiting for Redis (or for its reply).
 *
 * Owns: a FIFO of opaque items (the Redis link's serialised events) with an
 * in-flight prefix: items sent but not yet acknowledged stay at the head
 * until their reply, and all go back to "unsent" when the connection drops,
 * so nothing is lost up to the bound. When full, the oldest item that is
 * not in flight is dropped (it was never sent; what is in flight may already
 * be stored). Sans-IO, no allocation after init; items are the caller's.
 */
#ifndef RTC_EVENT_QUEUE_H
#define RTC_EVENT_QUEUE_H

#include <stddef.h>

struct event_queue {
	void **ring;
	size_t cap;      /* the bound */
	size_t head;     /* the oldest item */
	size_t count;    /* items held, in flight included */
	size_t inflight; /* the first @inflight items were sent and await their reply */
};

/* 0, -EINVAL for @cap < 2, -ENOMEM. */
int event_queue_init(struct event_queue *q, size_t cap);
/* Frees the ring, not the items: drain them first with event_queue_pop_any(). */
void event_queue_fini(struct event_queue *q);
/*
 * Append @item. When the queue is full, the oldest item not in flight is
 * taken out to make room and returned (the caller frees and counts it);
 * NULL otherwise. Never fails: with cap >= 2 and at most cap - 1 in flight
 * (event_queue_next_unsent() keeps that), there is always such an item.
 */
void *event_queue_push(struct event_queue *q, void *item);
/* The oldest unsent item, now counted in flight; NULL if none or if @max_inflight are out. */
void *event_queue_next_unsent(struct event_queue *q, size_t max_inflight);
/* The reply for the oldest in-flight item came: remove and return it (NULL if none). */
void *event_queue_ack(struct event_queue *q);
/* The connection dropped: every in-flight item is unsent again, in its place. */
void event_queue_unsend_all(struct event_queue *q);
/* Remove any item, oldest first (for teardown); NULL when empty. */
void *event_queue_pop_any(struct event_queue *q);

#endif
