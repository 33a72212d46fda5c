/* Event model, checks and serialisation (see event.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"

/* Integers in JSON stay exact for every consumer (JavaScript's Number) up to 2^53 - 1. */
#define EVENT_INT_MAX ((UINT64_C(1) << 53) - 1)

static const char *const event_names[EVENT_TYPE_COUNT] = {
#define EVENT_NAME(e, s) s,
        EVENT_TYPES(EVENT_NAME)
#undef EVENT_NAME
};

/* Field names a node event's extra keys may not take. */
static const char *const event_reserved[] = {
        "seq", "type", "node", "ts", "session", "stream", "what", "detail"};

const char *
event_type_name(enum event_type type)
{
	if ((unsigned)type >= EVENT_TYPE_COUNT)
		return NULL;
	return event_names[type];
}

int
event_type_from_name(const char *name)
{
	for (int i = 0; i < EVENT_TYPE_COUNT; i++)
		if (strcmp(event_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * Valid UTF-8 (RFC 3629 §4: no overlongs, no surrogates, nothing above
 * U+10FFFF) of at most @max - 1 bytes, with no C0 control character or DEL
 * except, when @allow_lf, LF and TAB.
 */
static int
event_text_check(const char *s, size_t max, int allow_lf)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	if (n >= max)
		return EVENT_E_TOOLONG;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		unsigned need, cp, min;

		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) && !(allow_lf && (c == '\n' || c == '\t')))
				return EVENT_E_UTF8;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return EVENT_E_UTF8;
		}
		if (n - i <= need)
			return EVENT_E_UTF8;
		for (unsigned k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return EVENT_E_UTF8;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return EVENT_E_UTF8;
		i += need + 1;
	}
	return 0;
}

/* An id: 1..EVENT_ID_MAX-1 bytes of printable ASCII without blanks (0 length if @may_be_empty). */
static int
event_id_check(const char *s, int may_be_empty)
{
	size_t n;

	if (s == NULL)
		return may_be_empty ? 0 : EVENT_E_INVAL;
	n = strlen(s);
	if (n == 0)
		return may_be_empty ? 0 : EVENT_E_INVAL;
	if (n >= EVENT_ID_MAX)
		return EVENT_E_TOOLONG;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return EVENT_E_UTF8;
	return 0;
}

/* A name: [a-z0-9_.-]{1,31}. */
static int
event_name_check(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0)
		return EVENT_E_INVAL;
	if (n >= EVENT_NAME_MAX)
		return EVENT_E_TOOLONG;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		            c == '-'))
			return EVENT_E_INVAL;
	}
	return 0;
}

static int
event_ids_check(const char *session, const char *stream)
{
	int rc = event_id_check(session, 0);

	return rc != 0 ? rc : event_id_check(stream, 1);
}

static void
event_ids_set(struct event *ev, enum event_type type, const char *session, const char *stream)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	strcpy(ev->session, session);
	if (stream != NULL)
		strcpy(ev->stream, stream);
}

int
event_init_session(struct event *ev, enum event_type type, const char *session, const char *stream,
        const char *reason)
{
	int rc;

	int has_reason = type == EVENT_SESSION_CLOSED || type == EVENT_PLAYOUT_END;

	if (type != EVENT_SESSION_CREATED && type != EVENT_SESSION_CONNECTED &&
	        type != EVENT_SESSION_CLOSED && type != EVENT_PLAYOUT_START && type != EVENT_PLAYOUT_END)
		return EVENT_E_INVAL;
	if ((rc = event_ids_check(session, stream)) != 0)
		return rc;
	if (has_reason) {
		if ((rc = event_name_check(reason)) != 0)
			return rc;
	} else if (reason != NULL && *reason != '\0') {
		return EVENT_E_INVAL;
	}
	event_ids_set(ev, type, session, stream);
	if (has_reason)
		strcpy(ev->u.session.reason, reason);
	return 0;
}

int
event_init_speech(struct event *ev, enum event_type type, const char *session, const char *stream,
        uint32_t track, uint64_t media_ms)
{
	int rc;

	if (type != EVENT_SPEECH_START && type != EVENT_SPEECH_END)
		return EVENT_E_INVAL;
	if ((rc = event_ids_check(session, stream)) != 0)
		return rc;
	if (media_ms > EVENT_INT_MAX)
		return EVENT_E_INVAL;
	event_ids_set(ev, type, session, stream);
	ev->u.speech.track = track;
	ev->u.speech.media_ms = media_ms;
	return 0;
}

int
event_init_transcript(struct event *ev, enum event_type type, const char *session,
        const char *stream, uint32_t track, const char *text, uint64_t start_ms, uint64_t end_ms,
        uint32_t confidence_milli)
{
	int rc;

	if (type != EVENT_TRANSCRIPT_PARTIAL && type != EVENT_TRANSCRIPT_FINAL)
		return EVENT_E_INVAL;
	if ((rc = event_ids_check(session, stream)) != 0)
		return rc;
	if (end_ms > EVENT_INT_MAX || start_ms > end_ms || confidence_milli > 1000 || text == NULL)
		return EVENT_E_INVAL;
	if ((rc = event_text_check(text, EVENT_TEXT_MAX, 1)) != 0)
		return rc;
	event_ids_set(ev, type, session, stream);
	ev->u.transcript.track = track;
	ev->u.transcript.start_ms = start_ms;
	ev->u.transcript.end_ms = end_ms;
	ev->u.transcript.confidence_milli = confidence_milli;
	strcpy(ev->u.transcript.text, text);
	return 0;
}

int
event_init_node(struct event *ev, const char *what, const char *detail)
{
	int rc;

	if ((rc = event_name_check(what)) != 0)
		return rc;
	if (detail != NULL && (rc = event_text_check(detail, EVENT_VALUE_MAX, 0)) != 0)
		return rc;
	memset(ev, 0, sizeof(*ev));
	ev->type = EVENT_NODE;
	strcpy(ev->u.node.what, what);
	if (detail != NULL)
		strcpy(ev->u.node.detail, detail);
	return 0;
}

int
event_node_add(struct event *ev, const char *key, const char *value)
{
	struct event_kv *kv;
	int rc;

	if (ev->type != EVENT_NODE || key == NULL || value == NULL)
		return EVENT_E_INVAL;
	if (ev->u.node.n_extra >= EVENT_EXTRA_MAX)
		return EVENT_E_FULL;
	if ((rc = event_name_check(key)) != 0)
		return rc;
	if (strpbrk(key, ".-") != NULL)
		return EVENT_E_INVAL; /* [a-z0-9_] only */
	for (size_t i = 0; i < sizeof(event_reserved) / sizeof(event_reserved[0]); i++)
		if (strcmp(key, event_reserved[i]) == 0)
			return EVENT_E_INVAL;
	for (unsigned i = 0; i < ev->u.node.n_extra; i++)
		if (strcmp(key, ev->u.node.extra[i].key) == 0)
			return EVENT_E_INVAL;
	if ((rc = event_text_check(value, EVENT_VALUE_MAX, 0)) != 0)
		return rc;
	kv = &ev->u.node.extra[ev->u.node.n_extra++];
	strcpy(kv->key, key);
	strcpy(kv->value, value);
	return 0;
}

int
event_init_command_error(
        struct event *ev, const char *command_id, const char *session, const char *error)
{
	int rc;

	if ((rc = event_id_check(command_id, 1)) != 0 || (rc = event_id_check(session, 1)) != 0)
		return rc;
	if (error == NULL || *error == '\0')
		return EVENT_E_INVAL;
	if ((rc = event_text_check(error, EVENT_TEXT_MAX, 0)) != 0)
		return rc;
	memset(ev, 0, sizeof(*ev));
	ev->type = EVENT_COMMAND_ERROR;
	if (session != NULL)
		strcpy(ev->session, session);
	if (command_id != NULL)
		strcpy(ev->u.command_error.command_id, command_id);
	strcpy(ev->u.command_error.error, error);
	return 0;
}

/* ---- the flat field list ---- */

enum event_field_kind { EF_STR, EF_INT, EF_REAL };

struct event_fields_writer {
	struct event_fields *f;
	uint8_t kind[EVENT_FIELDS_MAX];
	size_t used;
	int err;
};

/* Append @len bytes and a NUL to the buffer; NULL when full. */
static const char *
event_fields_copy(struct event_fields_writer *w, const char *s, size_t len)
{
	char *p;

	if (w->used + len + 1 > sizeof(w->f->buf)) {
		w->err = EVENT_E_FULL;
		return NULL;
	}
	p = w->f->buf + w->used;
	memcpy(p, s, len);
	p[len] = '\0';
	w->used += len + 1;
	return p;
}

static void
event_fields_add(struct event_fields_writer *w, const char *name, int name_static,
        const char *value, size_t len, enum event_field_kind kind)
{
	struct event_fields *f = w->f;
	const char *n, *v;

	if (w->err)
		return;
	if (f->n == EVENT_FIELDS_MAX) {
		w->err = EVENT_E_FULL;
		return;
	}
	n = name_static ? name : event_fields_copy(w, name, strlen(name));
	v = event_fields_copy(w, value, len);
	if (n == NULL || v == NULL)
		return;
	f->name[f->n] = n;
	f->value[f->n] = v;
	f->value_len[f->n] = len;
	w->kind[f->n] = (uint8_t)kind;
	f->n++;
}

static void
event_fields_str(struct event_fields_writer *w, const char *name, const char *value)
{
	event_fields_add(w, name, 1, value, strlen(value), EF_STR);
}

static void
event_fields_u64(struct event_fields_writer *w, const char *name, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);

	event_fields_add(w, name, 1, num, (size_t)n, EF_INT);
}

static int
event_fields_write(const struct event *ev, struct event_fields_writer *w)
{
	const char *tname = event_type_name(ev->type);
	char num[16];

	if (tname == NULL)
		return EVENT_E_INVAL;
	memset(w->f, 0, offsetof(struct event_fields, buf));
	event_fields_u64(w, "seq", ev->seq);
	event_fields_str(w, "type", tname);
	event_fields_str(w, "node", ev->node);
	event_fields_u64(w, "ts", ev->wall_ms);
	if (ev->session[0] != '\0')
		event_fields_str(w, "session", ev->session);
	if (ev->stream[0] != '\0')
		event_fields_str(w, "stream", ev->stream);
	switch (ev->type) {
	case EVENT_SESSION_CREATED:
	case EVENT_SESSION_CONNECTED:
	case EVENT_PLAYOUT_START:
		break;
	case EVENT_SESSION_CLOSED:
	case EVENT_PLAYOUT_END:
		event_fields_str(w, "reason", ev->u.session.reason);
		break;
	case EVENT_SPEECH_START:
	case EVENT_SPEECH_END:
		event_fields_u64(w, "track", ev->u.speech.track);
		event_fields_u64(w, "media_ms", ev->u.speech.media_ms);
		break;
	case EVENT_TRANSCRIPT_PARTIAL:
	case EVENT_TRANSCRIPT_FINAL:
		event_fields_u64(w, "track", ev->u.transcript.track);
		event_fields_u64(w, "start_ms", ev->u.transcript.start_ms);
		event_fields_u64(w, "end_ms", ev->u.transcript.end_ms);
		snprintf(num, sizeof(num), "%u.%03u", ev->u.transcript.confidence_milli / 1000,
		        ev->u.transcript.confidence_milli % 1000);
		event_fields_add(w, "confidence", 1, num, strlen(num), EF_REAL);
		event_fields_str(w, "text", ev->u.transcript.text);
		break;
	case EVENT_NODE:
		event_fields_str(w, "what", ev->u.node.what);
		if (ev->u.node.detail[0] != '\0')
			event_fields_str(w, "detail", ev->u.node.detail);
		for (unsigned i = 0; i < ev->u.node.n_extra && i < EVENT_EXTRA_MAX; i++)
			event_fields_add(w, ev->u.node.extra[i].key, 0, ev->u.node.extra[i].value,
			        strlen(ev->u.node.extra[i].value), EF_STR);
		break;
	case EVENT_COMMAND_ERROR:
		if (ev->u.command_error.command_id[0] != '\0')
			event_fields_str(w, "command_id", ev->u.command_error.command_id);
		event_fields_str(w, "error", ev->u.command_error.error);
		break;
	case EVENT_TYPE_COUNT:
		return EVENT_E_INVAL;
	}
	return w->err;
}

int
event_fields_build(const struct event *ev, struct event_fields *out)
{
	struct event_fields_writer w = {.f = out};

	return event_fields_write(ev, &w);
}

char *
event_json_dumps(const struct event *ev, size_t *len)
{
	struct event_fields *f = malloc(sizeof(*f));
	struct event_fields_writer w = {.f = f};
	json_t *obj = NULL;
	char *s = NULL;

	if (f == NULL)
		return NULL;
	if (event_fields_write(ev, &w) != 0 || (obj = json_object()) == NULL)
		goto out;
	for (unsigned i = 0; i < f->n; i++) {
		json_t *v;
		switch (w.kind[i]) {
		case EF_INT:
			v = json_integer((json_int_t)strtoull(f->value[i], NULL, 10));
			break;
		case EF_REAL:
			v = json_real(strtod(f->value[i], NULL));
			break;
		default:
			v = json_stringn(f->value[i], f->value_len[i]);
			break;
		}
		if (v == NULL || json_object_set_new(obj, f->name[i], v) != 0)
			goto out;
	}
	/* JSON_PRESERVE_ORDER: the field list's order; compact, so one line */
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3));
	if (s != NULL && len != NULL)
		*len = strlen(s);
out:
	json_decref(obj);
	free(f);
	return s;
}
