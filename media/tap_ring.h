/*
 * The audio tap: worker lcore -> media pipeline thread messages and the ring
 * they travel on.
 *
 * Owns: the message ABI (struct media_tap_msg, fixed size, versioned, its
 * size checked at compile time; the version checked on every message read),
 * and a single-producer single-consumer ring of such messages with a
 * drop-and-count enqueue.
 *
 * Why a ring of our own and not rte_ring: each worker has its own ring to
 * the media pipeline, so every ring has exactly one producer and one consumer;
 * the messages are copied into the ring's own slots (only the header and
 * the payload's bytes), so no mempool, no pointer handed across cores and
 * no free path back to the worker; and it is plain C11 atomics, testable
 * (and used by the media pipeline's tests) without an EAL. The producer never
 * blocks and never allocates: a full ring drops the message and counts it.
 *
 * Memory order: the producer fills a slot, then publishes its new head with
 * a release store; the consumer reads the head with an acquire load before
 * touching slots, and hands slots back with a release store of its tail,
 * which the producer reads with acquire. Each side caches the other's index
 * and rereads it only when the cache says full (resp. empty).
 */
#ifndef RTC_MEDIA_TAP_RING_H
#define RTC_MEDIA_TAP_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped on any change of struct media_tap_msg's layout or meaning. */
#define MEDIA_TAP_MSG_VERSION 1
/* Size of one message: 24 cache lines. */
#define MEDIA_TAP_MSG_SIZE 1536u
#define MEDIA_TAP_HDR_SIZE 32u
/*
 * Largest payload: 1504 octets, more than any RTP payload of a packet in a
 * 1500-octet IP MTU (1500 - 20 IPv4 - 8 UDP - 12 RTP = 1460), and more than
 * an Opus packet's 1275-octet frame limit (RFC 6716 §3.2.1) in code 0/1.
 */
#define MEDIA_TAP_PAYLOAD_MAX (MEDIA_TAP_MSG_SIZE - MEDIA_TAP_HDR_SIZE)

/* flags */
#define MEDIA_TAP_F_MARKER 0x01u /* RTP marker bit (start of a talkspurt) */

/*
 * One tapped RTP packet, after SRTP: the fields of its RTP header that the
 * media pipeline needs, and the payload (header extensions, CSRCs and padding
 * removed by the worker). Multi-octet fields are host order.
 */
struct media_tap_msg {
	uint16_t version;    /* MEDIA_TAP_MSG_VERSION */
	uint16_t len;        /* payload octets, 0..MEDIA_TAP_PAYLOAD_MAX */
	uint8_t track;       /* audio track index within the session */
	uint8_t flags;       /* MEDIA_TAP_F_* */
	uint8_t pt;          /* RTP payload type */
	uint8_t rsvd0;       /* 0 */
	uint32_t session;    /* session id (slot and generation of its ufrag label) */
	uint32_t ssrc;       /* RTP SSRC */
	uint16_t seq;        /* RTP sequence number */
	uint16_t rsvd1;      /* 0 */
	uint32_t ts;         /* RTP timestamp (48 kHz for Opus, RFC 7587 §4.1) */
	uint64_t arrival_us; /* worker's monotonic clock at receive */
	uint8_t payload[MEDIA_TAP_PAYLOAD_MAX];
};

_Static_assert(offsetof(struct media_tap_msg, payload) == MEDIA_TAP_HDR_SIZE,
        "media_tap_msg header is 32 octets");
_Static_assert(sizeof(struct media_tap_msg) == MEDIA_TAP_MSG_SIZE,
        "media_tap_msg is MEDIA_TAP_MSG_SIZE octets");

enum media_tap_err {
	MEDIA_TAP_E_VERSION = -1, /* a message or peer of another MEDIA_TAP_MSG_VERSION */
	MEDIA_TAP_E_LEN = -3,     /* len > MEDIA_TAP_PAYLOAD_MAX */
};

/* Consumer side: 0 if @m can be read (version, length), else a media_tap_err. */
int media_tap_msg_check(const struct media_tap_msg *m);

/* Every way the producer can lose a message, with its counter name. */
#define MEDIA_TAP_DROPS(_)                                                                         \
	_(FULL, "ring_full", "the media pipeline is behind: ring full")                            \
	_(TOO_LONG, "payload_too_long", "payload longer than MEDIA_TAP_PAYLOAD_MAX")

enum media_tap_drop {
#define MEDIA_TAP_DROP_ENUM(sym, name, help) MEDIA_TAP_DROP_##sym,
	MEDIA_TAP_DROPS(MEDIA_TAP_DROP_ENUM)
#undef MEDIA_TAP_DROP_ENUM
	        MEDIA_TAP_DROP_MAX
};

/* Counter name ("ring_full") and help line of a drop reason; NULL if out of range. */
const char *media_tap_drop_name(unsigned reason);
const char *media_tap_drop_help(unsigned reason);

struct media_tap_ring_stats {
	uint64_t enqueued;
	uint64_t dequeued;
	uint64_t drops[MEDIA_TAP_DROP_MAX];
};

#define MEDIA_TAP_RING_MAX (1u << 16) /* slots; 96 MiB of messages */

struct media_tap_ring {
	/* producer's line */
	alignas(64) _Atomic uint32_t head; /* next slot to fill */
	uint32_t tail_cache;               /* producer's last view of tail */
	_Atomic uint64_t enqueued;         /* written by the producer only */
	_Atomic uint64_t drops[MEDIA_TAP_DROP_MAX];
	/* consumer's line */
	alignas(64) _Atomic uint32_t tail; /* next slot to read */
	uint32_t head_cache;               /* consumer's last view of head */
	_Atomic uint64_t dequeued;         /* written by the consumer only */
	/* read-only after create */
	alignas(64) uint32_t mask;
	uint32_t size;
	struct media_tap_msg *slots;
};

/*
 * A ring of @size slots (a power of two, 2..MEDIA_TAP_RING_MAX), holding
 * up to @size messages (the indices run free, so no slot is kept empty).
 * 0, -EINVAL or -ENOMEM.
 */
int media_tap_ring_create(uint32_t size, struct media_tap_ring **out);
void media_tap_ring_free(struct media_tap_ring *r);

/*
 * Producer: copy one packet in: the header fields of @hdr (its version, len
 * and payload are ignored; version and len are set here) and @len octets of
 * @payload. 0 when enqueued; -ENOBUFS when the ring is full, -EMSGSIZE when
 * @len > MEDIA_TAP_PAYLOAD_MAX: each drop is counted under its reason and
 * nothing is written. Never blocks, never allocates.
 */
int media_tap_ring_push(struct media_tap_ring *r, const struct media_tap_msg *hdr,
        const uint8_t *payload, size_t len);

/*
 * Consumer: up to @n messages at the front, in order, into @v (pointers
 * into the ring, valid until media_tap_ring_release()). Returns how many.
 */
unsigned media_tap_ring_peek(struct media_tap_ring *r, const struct media_tap_msg **v, unsigned n);

/* Consumer: hand back the @n oldest messages (n <= what peek returned). */
void media_tap_ring_release(struct media_tap_ring *r, unsigned n);

/* Messages in the ring now (approximate while the other side runs). */
uint32_t media_tap_ring_count(const struct media_tap_ring *r);

/* Counters, readable from any thread (relaxed loads). */
void media_tap_ring_stats(const struct media_tap_ring *r, struct media_tap_ring_stats *st);

#endif
