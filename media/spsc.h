/*
 * A bounded single-producer single-consumer queue of fixed-size records.
 *
 * Owns: the slots and the two free-running indices of one queue between
 * two threads (the media pipeline uses one for commands, control lcore ->
 * pipeline thread, and one for events, pipeline thread -> control lcore). Records
 * are copied in and out, so nothing is shared after a call returns. Push
 * never blocks and never allocates: a full queue refuses (-ENOBUFS) and the
 * caller counts it.
 *
 * Memory order as media/tap_ring.h: the producer fills a slot, then
 * publishes its head with a release store; the consumer reads the head
 * with acquire, copies the slot out and hands it back with a release store
 * of its tail. Each side caches the other's index.
 */
#ifndef RTC_MEDIA_SPSC_H
#define RTC_MEDIA_SPSC_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_SPSC_MAX (1u << 20)      /* slots */
#define MEDIA_SPSC_ELEM_MAX (1u << 16) /* octets per record */

struct media_spsc {
	alignas(64) _Atomic uint32_t head; /* producer: next slot to fill */
	uint32_t tail_cache;
	alignas(64) _Atomic uint32_t tail; /* consumer: next slot to read */
	uint32_t head_cache;
	alignas(64) uint32_t mask; /* read-only after create */
	uint32_t size;
	uint32_t elem_size;
	unsigned char *slots;
};

/*
 * A queue of @size records (a power of two, 2..MEDIA_SPSC_MAX) of
 * @elem_size octets (1..MEDIA_SPSC_ELEM_MAX). 0, -EINVAL or -ENOMEM.
 */
int media_spsc_create(uint32_t size, uint32_t elem_size, struct media_spsc **out);
void media_spsc_free(struct media_spsc *q);

/* Producer: copy @rec in. 0, or -ENOBUFS when full (nothing written). */
int media_spsc_push(struct media_spsc *q, const void *rec);

/* Consumer: copy the oldest record into @rec. 1, or 0 when empty (@rec untouched). */
int media_spsc_pop(struct media_spsc *q, void *rec);

/* Records in the queue now (approximate while the other side runs). */
uint32_t media_spsc_count(const struct media_spsc *q);

#endif
