/*
 * The Redis link of the control lcore: events out, commands in, never blocking.
 *
 * Owns: one hiredis 0.14 asynchronous connection (redisAsyncContext) driven by
 * the caller's poll/epoll loop through hiredis' adapter hooks (no libevent,
 * no thread); non-blocking connect, AUTH and SELECT, reconnection with
 * exponential backoff; the bounded buffer of events not yet stored
 * (event_queue.h), resent in order after a reconnection; events to the
 * stream <prefix>:events (XADD MAXLEN ~ N) and to Pub/Sub <prefix>:events:<type>;
 * commands from the stream <prefix>:commands through the consumer group named
 * after the node (XGROUP CREATE ... MKSTREAM, XREADGROUP, XACK; pending entries
 * recovered after a restart), parsed by command.h, with an error event for a
 * bad one. Keys, schema and guarantees: docs/events.md.
 *
 * Loop integration (all calls from one thread, now_ms from CLOCK_MONOTONIC):
 *
 *	l = redis_link_create(&cfg, &params, err, sizeof(err));
 *	event_bus_sink_add(bus, &redis_link_sink_ops, l);
 *	for (;;) {
 *		fd = redis_link_fd(l, &events);       // or params.on_watch for epoll
 *		wait on fd for events (POLLIN/POLLOUT), at most redis_link_poll() ms
 *		if (ready) redis_link_handle(l, revents, now_ms);
 *		timeout_ms = redis_link_poll(l, now_ms);
 *	}
 *	redis_link_destroy(l);
 */
#ifndef RTC_REDIS_LINK_H
#define RTC_REDIS_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "command.h"
#include "config.h"
#include "event.h"
#include "event_bus.h"

#define REDIS_LINK_ERR_MAX 160

struct redis_link_stats {
#define _(name, help) uint64_t name;
#include "redis_link_stats.inc"
#undef _
	/* gauges */
	uint64_t buffered; /* events held: not yet stored (in flight included) */
	uint64_t inflight; /* of which sent and awaiting their reply */
	uint64_t ready;    /* 1 when connected, authenticated and selected */
};

struct redis_link_params {
	/* Node id (1..63 printable ASCII, no blanks): the consumer group and consumer name,
	 * and the "node" a command may name. Required. */
	const char *node;
	/* Where command.error events go (every sink, this link included if registered).
	 * NULL: they go to this link only. */
	struct event_bus *bus;
	/*
	 * A well-formed command for this node. Return 0 when taken, or a negative
	 * value with a one-line reason in @err (e.g. "no such session"): then an
	 * error event goes out. Either way the entry is acknowledged afterwards,
	 * once. @entry_id is the stream entry id, for idempotence. Required.
	 */
	int (*on_command)(void *arg, const struct command *cmd, const char *entry_id, char *err,
	        size_t errlen);
	/* Optional, for epoll: the fd to watch and its events (POLLIN|POLLOUT); events = 0
	 * means stop watching @fd (called before it is closed). */
	void (*on_watch)(void *arg, int fd, unsigned events);
	/* Optional: one-line messages (connected, lost, refused...); NULL = stderr. */
	void (*on_log)(void *arg, const char *msg);
	void *arg;
};

/*
 * Create from the [redis] keys of @cfg (call it only when cfg->redis_enabled).
 * The host is resolved here, once (this may block on DNS: do it at start).
 * No connection yet: the first redis_link_poll() starts it. NULL with a
 * one-line reason in @err.
 */
struct redis_link *redis_link_create(
        const struct rtc_config *cfg, const struct redis_link_params *p, char *err, size_t errlen);
/* Close the connection (events still buffered are counted as dropped) and free. */
void redis_link_destroy(struct redis_link *l);

/* The fd to watch and the events wanted (POLLIN and/or POLLOUT), or -1 when none. */
int redis_link_fd(const struct redis_link *l, unsigned *events);
/* The fd is ready: @revents as poll()/epoll gave them (POLLIN, POLLOUT, POLLERR, POLLHUP). */
void redis_link_handle(struct redis_link *l, unsigned revents, uint64_t now_ms);
/*
 * Timers: connect when due, time out a silent Redis, read the commands
 * stream every redis.command_poll_ms, send buffered events. Returns the
 * milliseconds until it wants to be called again (0..1000).
 */
int redis_link_poll(struct redis_link *l, uint64_t now_ms);

/* Queue one stamped event (what the sink does). 0; -ENOMEM or an encoding error
 * (counted in encode_errors). A full buffer drops its oldest unsent event (dropped). */
int redis_link_publish(struct redis_link *l, const struct event *ev);
/* The event sink: event_bus_sink_add(bus, &redis_link_sink_ops, link). */
extern const struct event_sink_ops redis_link_sink_ops;

void redis_link_stats_get(const struct redis_link *l, struct redis_link_stats *out);

#endif
