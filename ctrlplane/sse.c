/* Server-Sent Events formatter and feed (see sse.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse.h"

/* Appends to a bounded buffer; remembers overflow. */
struct sse_out {
	char *buf;
	size_t cap, n;
	int full;
};

static void
sse_put(struct sse_out *o, const char *s, size_t len)
{
	if (o->full || o->n + len + 1 > o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

/* A field value that must stay on its line: no CR, LF (they end a line) or NUL. */
static int
sse_one_line(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
sse_format(char *buf, size_t cap, const char *id, const char *event, const char *data,
        size_t data_len, size_t *len)
{
	struct sse_out o = {.buf = buf, .cap = cap};
	size_t start = 0;

	if ((id != NULL && !sse_one_line(id)) || (event != NULL && !sse_one_line(event)) ||
	        (data_len > 0 && memchr(data, '\0', data_len) != NULL))
		return -EINVAL;
	if (id != NULL) {
		sse_put(&o, "id: ", 4);
		sse_put(&o, id, strlen(id));
		sse_put(&o, "\n", 1);
	}
	if (event != NULL) {
		sse_put(&o, "event: ", 7);
		sse_put(&o, event, strlen(event));
		sse_put(&o, "\n", 1);
	}
	/* §9.2.5: a line ends at CRLF, a lone LF or a lone CR */
	for (size_t i = 0;; i++) {
		if (i == data_len || data[i] == '\r' || data[i] == '\n') {
			sse_put(&o, "data: ", 6);
			sse_put(&o, data + start, i - start);
			sse_put(&o, "\n", 1);
			if (i == data_len)
				break;
			if (data[i] == '\r' && i + 1 < data_len && data[i + 1] == '\n')
				i++;
			start = i + 1;
		}
	}
	sse_put(&o, "\n", 1);
	if (o.full) {
		if (cap > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	buf[o.n] = '\0';
	*len = o.n;
	return 0;
}

int
sse_format_event(char *buf, size_t cap, const struct event *ev, size_t *len)
{
	char id[24];
	size_t jlen;
	char *json = event_json_dumps(ev, &jlen);
	int rc;

	if (json == NULL)
		return -EINVAL;
	snprintf(id, sizeof(id), "%" PRIu64, ev->seq);
	rc = sse_format(buf, cap, id, event_type_name(ev->type), json, jlen, len);
	free(json);
	return rc;
}

/* ---- the feed ---- */

struct sse_msg {
	uint64_t id;
	char *text;
	size_t len;
};

struct sse_feed {
	unsigned cap, head, count; /* ring: oldest at head */
	struct sse_msg *ring;
	char *scratch; /* one formatted message */
	struct sse_feed_stats stats;
};

/* The longest message: every data byte a line of its own at worst is bounded by the JSON,
 * which is bounded by the event's fields. */
#define SSE_MSG_MAX (4 * EVENT_FIELDS_BUF)

struct sse_feed *
sse_feed_create(unsigned backlog)
{
	struct sse_feed *f;

	if (backlog == 0 || backlog > 65536)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->cap = backlog;
	f->ring = calloc(backlog, sizeof(f->ring[0]));
	f->scratch = malloc(SSE_MSG_MAX);
	if (f->ring == NULL || f->scratch == NULL) {
		sse_feed_destroy(f);
		return NULL;
	}
	return f;
}

void
sse_feed_destroy(struct sse_feed *f)
{
	if (f == NULL)
		return;
	if (f->ring != NULL)
		for (unsigned i = 0; i < f->count; i++)
			free(f->ring[(f->head + i) % f->cap].text);
	free(f->ring);
	free(f->scratch);
	free(f);
}

int
sse_feed_push(struct sse_feed *f, const struct event *ev)
{
	struct sse_msg *m;
	size_t len;
	char *text;
	int rc;

	if (f->count > 0 && ev->seq <= f->ring[(f->head + f->count - 1) % f->cap].id) {
		f->stats.errors++; /* ids must grow: a cursor is an id */
		return -EINVAL;
	}
	rc = sse_format_event(f->scratch, SSE_MSG_MAX, ev, &len);
	if (rc == 0 && (text = malloc(len + 1)) == NULL)
		rc = -ENOMEM;
	if (rc != 0) {
		f->stats.errors++;
		return rc;
	}
	memcpy(text, f->scratch, len + 1);
	if (f->count == f->cap) {
		free(f->ring[f->head].text);
		f->head = (f->head + 1) % f->cap;
		f->count--;
		f->stats.evicted++;
	}
	m = &f->ring[(f->head + f->count) % f->cap];
	*m = (struct sse_msg){.id = ev->seq, .text = text, .len = len};
	f->count++;
	f->stats.messages++;
	return 0;
}

static int
sse_feed_sink_publish(void *ctx, const struct event *ev)
{
	return sse_feed_push(ctx, ev);
}

const struct event_sink_ops sse_feed_sink_ops = {
        .api_version = EVENT_SINK_API,
        .name = "sse",
        .publish = sse_feed_sink_publish,
};

uint64_t
sse_feed_last_id(const struct sse_feed *f)
{
	return f->count ? f->ring[(f->head + f->count - 1) % f->cap].id : 0;
}

int
sse_feed_next(
        const struct sse_feed *f, uint64_t *cursor, const char **msg, size_t *len, uint64_t *missed)
{
	unsigned lo = 0, hi = f->count;
	uint64_t from = *cursor;
	const struct sse_msg *m;

	*missed = 0;
	if (f->count == 0)
		return 0;
	if (from > sse_feed_last_id(f))
		from = 0; /* ids began again: a restarted node */
	/* the first message with id > from; ids grow along the ring */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (f->ring[(f->head + mid) % f->cap].id <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == f->count)
		return 0;
	m = &f->ring[(f->head + lo) % f->cap];
	*missed = m->id - from - 1;
	if (from == 0 && *cursor == 0)
		*missed = 0; /* a new client asked for the backlog, it missed nothing */
	*msg = m->text;
	*len = m->len;
	*cursor = m->id;
	return 1;
}

void
sse_feed_stats_get(const struct sse_feed *f, struct sse_feed_stats *out)
{
	*out = f->stats;
}
