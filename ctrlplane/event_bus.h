/*
 * The event bus: one producer API, several destinations.
 *
 * Owns: the sink vtable (Redis, SSE, a test's recorder... each a struct
 * event_sink_ops and a context pointer), the fan-out, and the stamping of
 * every event with its sequence number, node id and wall-clock time, so the
 * producer never knows where events go. Single-threaded (the control lcore);
 * no I/O of its own: sinks queue, they never block.
 */
#ifndef RTC_EVENT_BUS_H
#define RTC_EVENT_BUS_H

#include <stdint.h>

#include "event.h"

#define EVENT_SINK_API 1 /* bump on any change of struct event_sink_ops or struct event */
#define EVENT_BUS_MAX_SINKS 8

struct event_sink_ops {
	unsigned api_version; /* EVENT_SINK_API */
	const char *name;     /* "redis", "sse"...: for logs and counters */
	/*
	 * Take a stamped event. Must not block and must not keep @ev (copy what
	 * it needs). 0, or a negative error: counted, the other sinks still get it.
	 */
	int (*publish)(void *ctx, const struct event *ev);
};

struct event_bus_stats {
	uint64_t published;   /* events stamped and handed to the sinks */
	uint64_t sink_errors; /* sink publish calls that failed, all sinks */
	uint64_t last_seq;    /* the sequence number of the last event */
};

/* @node: the node id stamped into every event (1..63 printable ASCII, no blanks). */
struct event_bus *event_bus_create(const char *node);
void event_bus_destroy(struct event_bus *bus);
/* Register a sink; -EINVAL (API version), -ENOSPC (full), -EEXIST (already there). */
int event_bus_sink_add(struct event_bus *bus, const struct event_sink_ops *ops, void *ctx);
/* Unregister; -ENOENT if it was not there. */
int event_bus_sink_remove(struct event_bus *bus, const struct event_sink_ops *ops, void *ctx);
/*
 * Stamp @ev (seq, node, wall_ms = @wall_ms, Unix ms) and hand it to every
 * sink in registration order. Returns 0 when every sink took it, else the
 * first sink's negative error (the event still went to the others and has
 * its seq). -EINVAL for an event of no known type; -EBUSY (counted in
 * sink_errors) from inside a sink's publish, which would reorder events.
 */
int event_bus_publish(struct event_bus *bus, struct event *ev, uint64_t wall_ms);
void event_bus_stats_get(const struct event_bus *bus, struct event_bus_stats *out);
/* Per-sink failures, same index as registration; 0 for an empty slot. */
uint64_t event_bus_sink_errors(const struct event_bus *bus, unsigned index);

#endif
