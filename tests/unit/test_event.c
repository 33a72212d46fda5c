/*
 * Events: builders refuse what they must and fill everything else, the flat
 * field list and the JSON are exactly what docs/events.md shows, the bus
 * stamps and fans out (a recording test sink), SSE messages are exactly
 * right and survive any data (checked by a WHATWG-style parser written
 * here from the spec's §9.2.5-6 steps), and the SSE feed serves cursors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"
#include "event_bus.h"
#include "sse.h"

/* ---- a test sink: records what it gets ---- */

struct rec_sink {
	unsigned n;
	struct event ev[16];
	int fail; /* return this from publish */
};

static int
rec_publish(void *ctx, const struct event *ev)
{
	struct rec_sink *r = ctx;

	if (r->n < 16)
		r->ev[r->n++] = *ev;
	return r->fail;
}

static const struct event_sink_ops rec_ops = {
        .api_version = EVENT_SINK_API, .name = "test", .publish = rec_publish};

/* ---- builders ---- */

static void
test_event_builders_check_and_never_half_fill(void **state)
{
	struct event ev, snap;
	char long_id[80], long_text[EVENT_TEXT_MAX + 1];

	(void)state;
	memset(long_id, 'a', sizeof(long_id));
	long_id[EVENT_ID_MAX] = '\0'; /* 64 bytes: one too many */
	memset(long_text, 'x', sizeof(long_text));
	long_text[EVENT_TEXT_MAX] = '\0';
	memset(&ev, 0x5a, sizeof(ev));
	memcpy(&snap, &ev, sizeof(ev));

#define REFUSED(call, code)                                                                        \
	do {                                                                                       \
		assert_int_equal((call), (code));                                                  \
		assert_memory_equal(&ev, &snap, sizeof(ev));                                       \
	} while (0)
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, "", "s", NULL), EVENT_E_INVAL);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, NULL, "s", NULL), EVENT_E_INVAL);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, long_id, "s", NULL),
	        EVENT_E_TOOLONG);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, "a b", "s", NULL), EVENT_E_UTF8);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, "a\nb", "s", NULL), EVENT_E_UTF8);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, "s1", "st\r", NULL), EVENT_E_UTF8);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CREATED, "s1", "", "why"), EVENT_E_INVAL);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CLOSED, "s1", "", NULL), EVENT_E_INVAL);
	REFUSED(event_init_session(&ev, EVENT_SESSION_CLOSED, "s1", "", "Bad Reason"),
	        EVENT_E_INVAL);
	REFUSED(event_init_session(&ev, EVENT_SPEECH_START, "s1", "", NULL), EVENT_E_INVAL);
	REFUSED(event_init_speech(&ev, EVENT_SESSION_CLOSED, "s1", "", 0, 0), EVENT_E_INVAL);
	REFUSED(event_init_speech(&ev, EVENT_SPEECH_START, "s1", "", 0, UINT64_C(1) << 53),
	        EVENT_E_INVAL);
	REFUSED(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "hi", 5, 4, 0),
	        EVENT_E_INVAL);
	REFUSED(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "hi", 0, 1, 1001),
	        EVENT_E_INVAL);
	REFUSED(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, long_text, 0, 1, 0),
	        EVENT_E_TOOLONG);
	/* not UTF-8: a lone continuation byte, an overlong '/', a surrogate, > U+10FFFF, cut */
	REFUSED(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "a\x80", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_transcript(
	                &ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "\xc0\xaf", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_transcript(
	                &ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "\xed\xa0\x80", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_transcript(
	                &ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "\xf4\x90\x80\x80", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_transcript(
	                &ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "ok\xe2\x82", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0, "bell\a", 0, 1, 0),
	        EVENT_E_UTF8);
	REFUSED(event_init_node(&ev, "", NULL), EVENT_E_INVAL);
	REFUSED(event_init_node(&ev, "Started", NULL), EVENT_E_INVAL);
	REFUSED(event_init_node(&ev, "started", "two\nlines"), EVENT_E_UTF8);
	REFUSED(event_init_command_error(&ev, "1-0", "s1", ""), EVENT_E_INVAL);
	REFUSED(event_init_command_error(&ev, "1-0", "s1", "a\nb"), EVENT_E_UTF8);
	REFUSED(event_init_command_error(&ev, "1 0", "s1", "bad"), EVENT_E_UTF8);
#undef REFUSED

	/* at the limits: accepted */
	long_id[EVENT_ID_MAX - 1] = '\0';
	assert_int_equal(
	        event_init_session(&ev, EVENT_SESSION_CONNECTED, long_id, long_id, NULL), 0);
	long_text[EVENT_TEXT_MAX - 1] = '\0';
	assert_int_equal(event_init_transcript(&ev, EVENT_TRANSCRIPT_PARTIAL, "s", "", 0, long_text,
	                         0, (UINT64_C(1) << 53) - 1, 1000),
	        0);
	assert_int_equal(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s", "", 0,
	                         "caf\xc3\xa9 \xf0\x9f\x8e\xa4\tline\nnext", 0, 0, 0),
	        0);
}

static void
test_event_node_extra_fields(void **state)
{
	struct event ev;
	char key[8];

	(void)state;
	assert_int_equal(event_init_node(&ev, "draining", "bgp withdrawn"), 0);
	assert_int_equal(event_node_add(&ev, "sessions", "12"), 0);
	assert_int_equal(event_node_add(&ev, "sessions", "13"), EVENT_E_INVAL); /* twice */
	assert_int_equal(event_node_add(&ev, "seq", "1"), EVENT_E_INVAL);       /* reserved */
	assert_int_equal(event_node_add(&ev, "what", "x"), EVENT_E_INVAL);
	assert_int_equal(event_node_add(&ev, "a-b", "x"), EVENT_E_INVAL);
	assert_int_equal(event_node_add(&ev, "ok", "a\tb"), EVENT_E_UTF8);
	for (int i = 1; i < EVENT_EXTRA_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(event_node_add(&ev, key, "v"), 0);
	}
	assert_int_equal(event_node_add(&ev, "k99", "v"), EVENT_E_FULL);
	assert_int_equal(ev.u.node.n_extra, EVENT_EXTRA_MAX);
	assert_int_equal(event_init_session(&ev, EVENT_SESSION_CREATED, "s", "", NULL), 0);
	assert_int_equal(event_node_add(&ev, "k", "v"), EVENT_E_INVAL); /* not a node event */
}

static void
test_event_type_names(void **state)
{
	static const char *const want[] = {"session.created", "session.connected", "session.closed",
	        "speech.start", "speech.end", "transcript.partial", "transcript.final", "node",
	        "command.error", "playout.start", "playout.end"};

	(void)state;
	assert_int_equal(EVENT_TYPE_COUNT, 11);
	for (int i = 0; i < EVENT_TYPE_COUNT; i++) {
		assert_string_equal(event_type_name((enum event_type)i), want[i]);
		assert_int_equal(event_type_from_name(want[i]), i);
	}
	assert_null(event_type_name(EVENT_TYPE_COUNT));
	assert_int_equal(event_type_from_name("session"), -1);
}

/* ---- serialisations ---- */

static void
stamp(struct event *ev, uint64_t seq)
{
	ev->seq = seq;
	ev->wall_ms = UINT64_C(1700000000123);
	strcpy(ev->node, "edge-1");
}

static void
assert_fields(const struct event *ev, const char *const *want, unsigned n)
{
	struct event_fields f;

	assert_int_equal(event_fields_build(ev, &f), 0);
	assert_int_equal(f.n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_string_equal(f.name[i], want[2 * i]);
		assert_string_equal(f.value[i], want[2 * i + 1]);
		assert_int_equal(f.value_len[i], strlen(want[2 * i + 1]));
	}
}

static void
assert_json(const struct event *ev, const char *want)
{
	size_t len = 0;
	char *s = event_json_dumps(ev, &len);

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(len, strlen(want));
	free(s);
}

static void
test_event_fields_and_json_exact(void **state)
{
	struct event ev;

	(void)state;
	assert_int_equal(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "room-1", 1,
	                         "hello \"world\"\nline2 caf\xc3\xa9", 1200, 3400, 920),
	        0);
	stamp(&ev, 7);
	{
		static const char *const want[] = {"seq", "7", "type", "transcript.final", "node",
		        "edge-1", "ts", "1700000000123", "session", "s1", "stream", "room-1",
		        "track", "1", "start_ms", "1200", "end_ms", "3400", "confidence", "0.920",
		        "text", "hello \"world\"\nline2 caf\xc3\xa9"};
		assert_fields(&ev, want, 11);
	}
	assert_json(&ev, "{\"seq\":7,\"type\":\"transcript.final\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s1\",\"stream\":\"room-1\","
	                 "\"track\":1,\"start_ms\":1200,\"end_ms\":3400,\"confidence\":0.92,"
	                 "\"text\":\"hello \\\"world\\\"\\nline2 caf\xc3\xa9\"}");

	assert_int_equal(event_init_session(&ev, EVENT_SESSION_CLOSED, "s1", "", "ice_timeout"), 0);
	stamp(&ev, 8);
	{
		static const char *const want[] = {"seq", "8", "type", "session.closed", "node",
		        "edge-1", "ts", "1700000000123", "session", "s1", "reason", "ice_timeout"};
		assert_fields(&ev, want, 6);
	}
	assert_json(&ev, "{\"seq\":8,\"type\":\"session.closed\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s1\",\"reason\":\"ice_timeout\"}");

	/* playout: start without a reason, end with one */
	assert_int_equal(event_init_session(&ev, EVENT_PLAYOUT_START, "s1", "mic", NULL), 0);
	stamp(&ev, 8);
	assert_json(&ev, "{\"seq\":8,\"type\":\"playout.start\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s1\",\"stream\":\"mic\"}");
	assert_int_equal(event_init_session(&ev, EVENT_PLAYOUT_END, "s1", "mic", "done"), 0);
	stamp(&ev, 8);
	assert_json(&ev, "{\"seq\":8,\"type\":\"playout.end\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s1\",\"stream\":\"mic\","
	                 "\"reason\":\"done\"}");
	assert_int_equal(event_init_session(&ev, EVENT_PLAYOUT_END, "s1", "", NULL), EVENT_E_INVAL);
	assert_int_equal(event_init_session(&ev, EVENT_PLAYOUT_START, "s1", "", "done"), EVENT_E_INVAL);

	assert_int_equal(event_init_speech(&ev, EVENT_SPEECH_START, "s1", "mic", 0, 65432), 0);
	stamp(&ev, 9);
	assert_json(&ev, "{\"seq\":9,\"type\":\"speech.start\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s1\",\"stream\":\"mic\",\"track\":0,"
	                 "\"media_ms\":65432}");

	assert_int_equal(event_init_node(&ev, "draining", ""), 0);
	assert_int_equal(event_node_add(&ev, "sessions", "12"), 0);
	stamp(&ev, 10);
	{
		static const char *const want[] = {"seq", "10", "type", "node", "node", "edge-1",
		        "ts", "1700000000123", "what", "draining", "sessions", "12"};
		assert_fields(&ev, want, 6);
	}
	assert_json(&ev, "{\"seq\":10,\"type\":\"node\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"what\":\"draining\",\"sessions\":\"12\"}");

	assert_int_equal(
	        event_init_command_error(&ev, "1700000000000-0", "", "unknown field 'x'"), 0);
	stamp(&ev, 11);
	assert_json(&ev, "{\"seq\":11,\"type\":\"command.error\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"command_id\":\"1700000000000-0\","
	                 "\"error\":\"unknown field 'x'\"}");

	/* confidence 1.000 and 0.005 */
	assert_int_equal(
	        event_init_transcript(&ev, EVENT_TRANSCRIPT_PARTIAL, "s", "", 2, "a", 0, 0, 1000),
	        0);
	stamp(&ev, 12);
	assert_json(&ev, "{\"seq\":12,\"type\":\"transcript.partial\",\"node\":\"edge-1\","
	                 "\"ts\":1700000000123,\"session\":\"s\",\"track\":2,\"start_ms\":0,"
	                 "\"end_ms\":0,\"confidence\":1.0,\"text\":\"a\"}");
	ev.u.transcript.confidence_milli = 5;
	{
		struct event_fields f;
		assert_int_equal(event_fields_build(&ev, &f), 0);
		assert_string_equal(f.name[8], "confidence");
		assert_string_equal(f.value[8], "0.005");
	}

	/* an event no builder could make */
	ev.type = EVENT_TYPE_COUNT;
	{
		struct event_fields f;
		assert_int_equal(event_fields_build(&ev, &f), EVENT_E_INVAL);
		assert_null(event_json_dumps(&ev, NULL));
	}
}

/* ---- the bus ---- */

static void
test_event_bus_stamps_and_fans_out(void **state)
{
	struct event_bus *bus = event_bus_create("edge-7");
	struct rec_sink a = {0}, b = {0};
	struct event_bus_stats st;
	struct event ev;
	static const struct event_sink_ops old = {
	        .api_version = EVENT_SINK_API + 1, .name = "old", .publish = rec_publish};

	(void)state;
	assert_non_null(bus);
	assert_null(event_bus_create(""));
	assert_null(event_bus_create("has space"));
	assert_int_equal(event_bus_sink_add(bus, &old, &a), -EINVAL);
	assert_int_equal(event_bus_sink_add(bus, &rec_ops, &a), 0);
	assert_int_equal(event_bus_sink_add(bus, &rec_ops, &a), -EEXIST);
	assert_int_equal(event_bus_sink_add(bus, &rec_ops, &b), 0);

	assert_int_equal(event_init_session(&ev, EVENT_SESSION_CREATED, "s1", "", NULL), 0);
	assert_int_equal(event_bus_publish(bus, &ev, 1000), 0);
	assert_int_equal(event_init_session(&ev, EVENT_SESSION_CONNECTED, "s1", "", NULL), 0);
	b.fail = -ENOSPC; /* one sink fails: the others still get it, the error is returned */
	assert_int_equal(event_bus_publish(bus, &ev, 1001), -ENOSPC);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(a.ev[i].seq, i + 1);
		assert_int_equal(a.ev[i].wall_ms, 1000 + i);
		assert_string_equal(a.ev[i].node, "edge-7");
		assert_memory_equal(&a.ev[i], &b.ev[i], sizeof(struct event));
	}
	assert_int_equal(ev.seq, 2); /* the producer sees its seq */
	event_bus_stats_get(bus, &st);
	assert_int_equal(st.published, 2);
	assert_int_equal(st.sink_errors, 1);
	assert_int_equal(st.last_seq, 2);
	assert_int_equal(event_bus_sink_errors(bus, 0), 0);
	assert_int_equal(event_bus_sink_errors(bus, 1), 1);

	assert_int_equal(event_bus_sink_remove(bus, &rec_ops, &a), 0);
	assert_int_equal(event_bus_sink_remove(bus, &rec_ops, &a), -ENOENT);
	b.fail = 0;
	assert_int_equal(event_bus_publish(bus, &ev, 1002), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.ev[2].seq, 3);
	ev.type = EVENT_TYPE_COUNT;
	assert_int_equal(event_bus_publish(bus, &ev, 1003), -EINVAL);
	event_bus_destroy(bus);
}

/* A sink publishing from inside its publish: refused, the order stays. */
struct nest_ctx {
	struct event_bus *bus;
	int rc;
};

static int
nest_publish(void *ctx, const struct event *ev)
{
	struct nest_ctx *n = ctx;
	struct event inner;

	(void)ev;
	event_init_node(&inner, "inner", NULL);
	n->rc = event_bus_publish(n->bus, &inner, 0);
	return 0;
}

static void
test_event_bus_refuses_nested_publish(void **state)
{
	static const struct event_sink_ops nest_ops = {
	        .api_version = EVENT_SINK_API, .name = "nest", .publish = nest_publish};
	struct nest_ctx n = {.bus = event_bus_create("n")};
	struct rec_sink r = {0};
	struct event ev;

	(void)state;
	assert_int_equal(event_bus_sink_add(n.bus, &nest_ops, &n), 0);
	assert_int_equal(event_bus_sink_add(n.bus, &rec_ops, &r), 0);
	event_init_node(&ev, "outer", NULL);
	assert_int_equal(event_bus_publish(n.bus, &ev, 0), 0);
	assert_int_equal(n.rc, -EBUSY);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].u.node.what, "outer");
	event_bus_destroy(n.bus);
}

/* ---- SSE ---- */

/* One dispatched message of the parser below. */
struct sse_got {
	char id[64], event[64];
	char data[512];
	int n;
};

/*
 * The receiving side, from the spec's steps (§9.2.6 "Interpreting an event
 * stream"): lines end at CRLF, LF or CR; "field: value" loses one leading
 * space; data lines are joined with LF, the last LF removed at dispatch; an
 * empty data buffer dispatches nothing. Returns the number of messages.
 */
static int
sse_parse(const char *s, size_t len, struct sse_got *out, int max)
{
	char line[600], data[600] = "", id[64] = "", event[64] = "";
	size_t dlen = 0, i = 0;
	int n = 0, have_data = 0;

	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '\r' && s[j] != '\n')
			j++;
		if (j == len)
			break; /* an unterminated line is not processed */
		assert_true(j - i < sizeof(line));
		memcpy(line, s + i, j - i);
		line[j - i] = '\0';
		i = j + ((s[j] == '\r' && j + 1 < len && s[j + 1] == '\n') ? 2 : 1);
		if (line[0] == '\0') {
			if (have_data && n < max) {
				if (dlen > 0 && data[dlen - 1] == '\n')
					data[--dlen] = '\0';
				snprintf(out[n].id, sizeof(out[n].id), "%s", id);
				snprintf(out[n].event, sizeof(out[n].event), "%s", event);
				memcpy(out[n].data, data, dlen + 1);
				n++;
			}
			data[0] = '\0', dlen = 0, have_data = 0, event[0] = '\0';
			continue;
		}
		if (line[0] == ':')
			continue;
		char *colon = strchr(line, ':'), *value = (char *)"";
		if (colon != NULL) {
			*colon = '\0';
			value = colon + 1;
			if (*value == ' ')
				value++;
		}
		if (strcmp(line, "data") == 0) {
			size_t vl = strlen(value);
			assert_true(dlen + vl + 2 < sizeof(data));
			memcpy(data + dlen, value, vl);
			dlen += vl;
			data[dlen++] = '\n';
			data[dlen] = '\0';
			have_data = 1;
		} else if (strcmp(line, "id") == 0) {
			snprintf(id, sizeof(id), "%s", value);
		} else if (strcmp(line, "event") == 0) {
			snprintf(event, sizeof(event), "%s", value);
		}
	}
	return n;
}

static void
assert_sse(const char *id, const char *event, const char *data, const char *want)
{
	char buf[512];
	size_t len = 0;

	assert_int_equal(sse_format(buf, sizeof(buf), id, event, data, strlen(data), &len), 0);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
}

static void
test_sse_format_exact(void **state)
{
	(void)state;
	assert_sse("42", "transcript.final", "{\"a\":1}",
	        "id: 42\nevent: transcript.final\ndata: {\"a\":1}\n\n");
	/* every line ending splits: CRLF, LF, CR; a trailing one gives an empty line */
	assert_sse("1", "m", "a\r\nb\nc\rd\n",
	        "id: 1\nevent: m\ndata: a\ndata: b\ndata: c\n"
	        "data: d\ndata: \n\n");
	assert_sse(NULL, NULL, "", "data: \n\n");
	assert_sse(NULL, "x", "\n", "event: x\ndata: \ndata: \n\n");
	/* a leading blank survives: the receiver removes only the one after "data:" */
	assert_sse(NULL, NULL, " lead", "data:  lead\n\n");
	/* what looks like fields inside data stays data */
	assert_sse("5", "m", "x\n\nid: 666\nevent: evil\r\rdata: y",
	        "id: 5\nevent: m\ndata: x\ndata: \ndata: id: 666\ndata: event: evil\n"
	        "data: \ndata: data: y\n\n");
}

static void
test_sse_format_refuses_injection(void **state)
{
	char buf[256] = "untouched";
	size_t len = 99;

	(void)state;
	assert_int_equal(
	        sse_format(buf, sizeof(buf), "1\nevent: evil", "m", "d", 1, &len), -EINVAL);
	assert_int_equal(sse_format(buf, sizeof(buf), "1\r", "m", "d", 1, &len), -EINVAL);
	assert_int_equal(sse_format(buf, sizeof(buf), "1", "m\n\ndata: x", "d", 1, &len), -EINVAL);
	assert_int_equal(sse_format(buf, sizeof(buf), "1", "m\r", "d", 1, &len), -EINVAL);
	assert_int_equal(sse_format(buf, sizeof(buf), "1", "m", "a\0b", 3, &len), -EINVAL);
	assert_string_equal(buf, "untouched");
	assert_int_equal(len, 99);
	/* too small: -ENOSPC and an empty string, never a cut message */
	assert_int_equal(sse_format(buf, 12, "1", "m", "data", 4, &len), -ENOSPC);
	assert_string_equal(buf, "");
	/* exactly enough: "data: ab\n\n" is 10 bytes + NUL */
	assert_int_equal(sse_format(buf, 11, NULL, NULL, "ab", 2, &len), 0);
	assert_int_equal(len, 10);
	assert_int_equal(sse_format(buf, 10, NULL, NULL, "ab", 2, &len), -ENOSPC);
}

/* Any data of LF, CR, ':' and letters comes back whole through the parser, endings as LF. */
static void
test_sse_round_trip_any_data(void **state)
{
	static const char alphabet[] = "\r\nab: \xc3\xa9";
	uint32_t x = 12345;
	char data[64], norm[64], buf[512];
	struct sse_got got[2];

	(void)state;
	for (int round = 0; round < 5000; round++) {
		size_t n, len, k = 0;
		x = x * 1103515245u + 12345u;
		n = (x >> 16) % 40;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			data[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		data[n] = '\0';
		for (size_t i = 0; i < n; i++) { /* CRLF and CR become LF */
			if (data[i] == '\r') {
				norm[k++] = '\n';
				if (i + 1 < n && data[i + 1] == '\n')
					i++;
			} else {
				norm[k++] = data[i];
			}
		}
		norm[k] = '\0';
		assert_int_equal(sse_format(buf, sizeof(buf), "9", "t", data, n, &len), 0);
		assert_int_equal(sse_parse(buf, len, got, 2), 1);
		assert_string_equal(got[0].id, "9");
		assert_string_equal(got[0].event, "t");
		assert_string_equal(got[0].data, norm);
	}
}

static void
test_sse_event_message(void **state)
{
	struct event ev;
	char buf[1024];
	size_t len;
	struct sse_got got[1];

	(void)state;
	assert_int_equal(event_init_transcript(&ev, EVENT_TRANSCRIPT_FINAL, "s1", "", 0,
	                         "two\nlines", 0, 10, 500),
	        0);
	stamp(&ev, 33);
	assert_int_equal(sse_format_event(buf, sizeof(buf), &ev, &len), 0);
	assert_string_equal(buf, "id: 33\nevent: transcript.final\ndata: {\"seq\":33,"
	                         "\"type\":\"transcript.final\",\"node\":\"edge-1\","
	                         "\"ts\":1700000000123,\"session\":\"s1\",\"track\":0,"
	                         "\"start_ms\":0,\"end_ms\":10,\"confidence\":0.5,"
	                         "\"text\":\"two\\nlines\"}\n\n");
	assert_int_equal(sse_parse(buf, len, got, 1), 1);
}

static void
push_node(struct event_bus *bus, const char *what)
{
	struct event ev;

	assert_int_equal(event_init_node(&ev, what, NULL), 0);
	assert_int_equal(event_bus_publish(bus, &ev, 5), 0);
}

static void
test_sse_feed_cursors(void **state)
{
	struct event_bus *bus = event_bus_create("edge-1");
	struct sse_feed *f = sse_feed_create(3);
	struct sse_feed_stats st;
	const char *msg;
	size_t len;
	uint64_t cursor, missed;
	static const char *const what[] = {"a", "b", "c", "d", "e"};

	(void)state;
	assert_null(sse_feed_create(0));
	assert_int_equal(event_bus_sink_add(bus, &sse_feed_sink_ops, f), 0);
	cursor = 0;
	assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 0);
	assert_int_equal(sse_feed_last_id(f), 0);
	for (int i = 0; i < 5; i++)
		push_node(bus, what[i]);
	assert_int_equal(sse_feed_last_id(f), 5);

	/* a new client: the backlog (ids 3, 4, 5), nothing missed */
	cursor = 0;
	for (uint64_t want = 3; want <= 5; want++) {
		assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 1);
		assert_int_equal(cursor, want);
		assert_int_equal(missed, 0);
		assert_int_equal(strncmp(msg, "id: ", 4), 0);
		assert_int_equal(strtoull(msg + 4, NULL, 10), want);
		assert_int_equal(len, strlen(msg));
	}
	assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 0);

	/* a client at id 1 fell behind: id 2 is gone */
	cursor = 1;
	assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 1);
	assert_int_equal(cursor, 3);
	assert_int_equal(missed, 1);
	/* a client at id 4 gets only 5 */
	cursor = 4;
	assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 1);
	assert_int_equal(cursor, 5);
	assert_int_equal(missed, 0);
	assert_non_null(strstr(msg, "\"what\":\"e\""));
	/* a client from before a restart (id 99 > 5): from the oldest kept */
	cursor = 99;
	assert_int_equal(sse_feed_next(f, &cursor, &msg, &len, &missed), 1);
	assert_int_equal(cursor, 3);
	assert_int_equal(missed, 2);

	sse_feed_stats_get(f, &st);
	assert_int_equal(st.messages, 5);
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.errors, 0);
	/* ids must grow */
	{
		struct event ev;
		event_init_node(&ev, "old", NULL);
		stamp(&ev, 4);
		assert_int_equal(sse_feed_push(f, &ev), -EINVAL);
		sse_feed_stats_get(f, &st);
		assert_int_equal(st.errors, 1);
	}
	event_bus_destroy(bus);
	sse_feed_destroy(f);
}

#define T(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_event_builders_check_and_never_half_fill),
	        T(test_event_node_extra_fields),
	        T(test_event_type_names),
	        T(test_event_fields_and_json_exact),
	        T(test_event_bus_stamps_and_fans_out),
	        T(test_event_bus_refuses_nested_publish),
	        T(test_sse_format_exact),
	        T(test_sse_format_refuses_injection),
	        T(test_sse_round_trip_any_data),
	        T(test_sse_event_message),
	        T(test_sse_feed_cursors),
	};

	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
