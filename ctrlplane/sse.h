/*
 * Server-Sent Events (WHATWG HTML Living Standard, "Server-sent events",
 * §9.2: the text/event-stream format): the formatter and a feed.
 *
 * Owns: the formatting of one message ("id:", "event:", "data:" lines and
 * the blank line that dispatches it), with the data split into lines so that
 * no CR or LF can end a field early (no injection of fields or messages), and
 * an event sink (struct sse_feed) keeping the last N formatted messages so an
 * HTTP server can stream them to each client from its own cursor
 * (Last-Event-ID resume). No I/O, single-threaded.
 */
#ifndef RTC_SSE_H
#define RTC_SSE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "event_bus.h"

/* A comment line: what a server sends now and then to keep idle connections open. */
#define SSE_KEEPALIVE ": keepalive\n\n"

/*
 * One message into @buf (NUL-terminated; *@len excludes the NUL):
 *   "id: <id>\n" (if @id), "event: <event>\n" (if @event), one "data: <line>\n"
 *   per line of @data (split at CRLF, LF or CR; "" gives one empty data line), "\n".
 * A receiver joins the data lines with LF, giving back @data with every line
 * ending normalised to LF. 0; -EINVAL if @id or @event holds CR, LF or NUL, or
 * @data holds NUL; -ENOSPC if @cap is too small (then @buf is only "").
 */
int sse_format(char *buf, size_t cap, const char *id, const char *event, const char *data,
        size_t data_len, size_t *len);
/* An event as a message: id = its seq, event = its type name, data = its JSON (event.h). */
int sse_format_event(char *buf, size_t cap, const struct event *ev, size_t *len);

struct sse_feed_stats {
	uint64_t messages; /* formatted and kept */
	uint64_t errors;   /* events that could not be formatted */
	uint64_t evicted;  /* pushed out of the backlog by newer ones */
};

/* A feed keeping the last @backlog messages (1..65536). */
struct sse_feed *sse_feed_create(unsigned backlog);
void sse_feed_destroy(struct sse_feed *f);
/* Format @ev and keep it (the sink's publish); 0 or a negative error. */
int sse_feed_push(struct sse_feed *f, const struct event *ev);
/* The event sink: event_bus_sink_add(bus, &sse_feed_sink_ops, feed). */
extern const struct event_sink_ops sse_feed_sink_ops;
/* The id (event seq) of the newest message, 0 if none: the cursor of a client that wants
 * only what comes next. */
uint64_t sse_feed_last_id(const struct sse_feed *f);
/*
 * The next message after *@cursor (a client's Last-Event-ID, or 0 for the
 * whole backlog): 1 with @msg/@len (valid until the next push) and *@cursor
 * moved to its id; 0 if there is nothing newer. *@missed gets how many ids
 * between the cursor and that message are no longer (or never were) in the
 * backlog: the client fell behind. A cursor beyond the newest id (the node
 * restarted, ids begin again at 1) restarts from the oldest message kept.
 */
int sse_feed_next(const struct sse_feed *f, uint64_t *cursor, const char **msg, size_t *len,
        uint64_t *missed);
void sse_feed_stats_get(const struct sse_feed *f, struct sse_feed_stats *out);

#endif
