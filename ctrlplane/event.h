/*
 * Events: what the node tells the outside world (orchestrators, dashboards).
 *
 * Owns: the event model (types, common header, typed payloads), the checks on
 * its text (lengths, UTF-8, no control characters in names), and the two
 * serialisations every sink uses: a flat field list (the field/value pairs of
 * a Redis XADD) and JSON (Pub/Sub, SSE). Sans-IO and allocation-free except
 * for the JSON text, which is malloc'd.
 *
 * An event is a fixed-size struct filled by one of the event_init_*()
 * functions (they check everything and never half-fill), then stamped with a
 * sequence number, the node id and the wall-clock time by event_bus_publish()
 * (event_bus.h). Schema and examples: docs/events.md.
 */
#ifndef RTC_EVENT_H
#define RTC_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* Sizes include the terminating NUL. */
#define EVENT_ID_MAX 64       /* node, session, stream, command id */
#define EVENT_NAME_MAX 32     /* reason, node 'what', extra field keys */
#define EVENT_TEXT_MAX 2048   /* transcript text, error text */
#define EVENT_VALUE_MAX 256   /* node 'detail', extra field values */
#define EVENT_EXTRA_MAX 8     /* extra key/value pairs of a node event */
#define EVENT_FIELDS_MAX 32   /* fields of the flat list, header included */
#define EVENT_FIELDS_BUF 8192 /* text of the flat list, all values */

/* The X-macro list of event types: enum name, wire name. */
#define EVENT_TYPES(_)                                                                             \
	_(SESSION_CREATED, "session.created")                                                      \
	_(SESSION_CONNECTED, "session.connected")                                                  \
	_(SESSION_CLOSED, "session.closed")                                                        \
	_(SPEECH_START, "speech.start")                                                            \
	_(SPEECH_END, "speech.end")                                                                \
	_(TRANSCRIPT_PARTIAL, "transcript.partial")                                                \
	_(TRANSCRIPT_FINAL, "transcript.final")                                                    \
	_(NODE, "node")                                                                            \
	_(COMMAND_ERROR, "command.error")                                                          \
	_(PLAYOUT_START, "playout.start")                                                          \
	_(PLAYOUT_END, "playout.end")

/* (clang-format takes the X-macro line for a continuation) */
/* clang-format off */
enum event_type {
#define EVENT_ENUM(e, s) EVENT_##e,
	EVENT_TYPES(EVENT_ENUM)
#undef EVENT_ENUM
	EVENT_TYPE_COUNT
};
/* clang-format on */

/* Errors (negative returns). */
enum {
	EVENT_E_INVAL = -1,   /* an argument out of its range, or a required one missing */
	EVENT_E_TOOLONG = -2, /* a text longer than its field */
	EVENT_E_UTF8 = -3,    /* a text that is not UTF-8, or has control characters */
	EVENT_E_FULL = -4,    /* no room (extra fields, output buffer) */
};

struct event_kv {
	char key[EVENT_NAME_MAX];
	char value[EVENT_VALUE_MAX];
};

struct event {
	enum event_type type;
	/* stamped by event_bus_publish() */
	uint64_t seq;     /* 1, 2, 3... per bus, never reused while it lives */
	uint64_t wall_ms; /* Unix time in ms */
	char node[EVENT_ID_MAX];
	/* the session the event is about; empty for node events */
	char session[EVENT_ID_MAX];
	char stream[EVENT_ID_MAX];
	union {
		struct {
			char reason[EVENT_NAME_MAX]; /* session.closed only: "client"... */
		} session;
		struct {
			uint32_t track;    /* track index within the session */
			uint64_t media_ms; /* media time of the edge, from the RTP clock */
		} speech;
		struct {
			uint32_t track;
			uint64_t start_ms, end_ms; /* media time span of the text */
			uint32_t confidence_milli; /* 0..1000 */
			char text[EVENT_TEXT_MAX];
		} transcript;
		struct {
			char what[EVENT_NAME_MAX];    /* e.g. "started", "draining" */
			char detail[EVENT_VALUE_MAX]; /* may be empty */
			unsigned n_extra;
			struct event_kv extra[EVENT_EXTRA_MAX];
		} node;
		struct {
			char command_id[EVENT_ID_MAX]; /* stream entry id, or the REST request id */
			char error[EVENT_TEXT_MAX];    /* one line */
		} command_error;
	} u;
};

/*
 * Builders. Each checks every argument and fills all of @ev (zeroing the
 * rest), or returns a negative EVENT_E_* and leaves @ev untouched.
 * Session ids and stream names: 1..63 bytes, printable ASCII without blanks
 * (a stream name may be empty). Texts: valid UTF-8 without control
 * characters (a transcript may hold newlines and tabs).
 */
int event_init_session(struct event *ev, enum event_type type, const char *session,
        const char *stream, const char *reason);
int event_init_speech(struct event *ev, enum event_type type, const char *session,
        const char *stream, uint32_t track, uint64_t media_ms);
int event_init_transcript(struct event *ev, enum event_type type, const char *session,
        const char *stream, uint32_t track, const char *text, uint64_t start_ms, uint64_t end_ms,
        uint32_t confidence_milli);
int event_init_node(struct event *ev, const char *what, const char *detail);
/* Add one key/value to a node event: key [a-z0-9_]{1,31}, not a reserved field name. */
int event_node_add(struct event *ev, const char *key, const char *value);
/* @session may be empty (the command had none, or it was unreadable). */
int event_init_command_error(
        struct event *ev, const char *command_id, const char *session, const char *error);

/* The wire name of @type ("session.created"...), or NULL if out of range. */
const char *event_type_name(enum event_type type);
/* The type whose wire name is @name; -1 if none. */
int event_type_from_name(const char *name);

/* The flat field list, in a fixed order: seq, type, node, ts, session, stream, then the
 * payload's fields. Names and values point into @buf; values are NUL-terminated too. */
struct event_fields {
	unsigned n;
	const char *name[EVENT_FIELDS_MAX];
	const char *value[EVENT_FIELDS_MAX];
	size_t value_len[EVENT_FIELDS_MAX];
	char buf[EVENT_FIELDS_BUF];
};

/* Fill @out from @ev; 0, or EVENT_E_INVAL for an event no builder could make. */
int event_fields_build(const struct event *ev, struct event_fields *out);
/*
 * The same fields as one JSON object, compact, on one line (numbers as JSON
 * integers, confidence as a number with 3 decimals). Returns a malloc'd
 * NUL-terminated string (free() it) and its length in @len, or NULL.
 */
char *event_json_dumps(const struct event *ev, size_t *len);

#endif
