/*
 * Commands: every type from fields and from JSON, every refusal with its
 * code and one-line reason, the output untouched on failure, binary-safe
 * views (NUL inside a value), and fields -> command -> fields round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"

/* Fields from a NULL-terminated list of C strings: name, value, name, value... */
static size_t
mk(struct command_field *f, const char *const *kv)
{
	size_t n = 0;

	for (; kv[2 * n] != NULL; n++)
		f[n] = (struct command_field){.name = kv[2 * n],
		        .name_len = strlen(kv[2 * n]),
		        .value = kv[2 * n + 1],
		        .value_len = strlen(kv[2 * n + 1])};
	return n;
}

static void
parse_ok(const char *const *kv, struct command *c)
{
	struct command_field f[20] = {{0}};
	char err[COMMAND_ERR_MAX] = "";
	size_t n = mk(f, kv);

	if (command_parse_fields(f, n, c, err, sizeof(err), NULL) != 0)
		fail_msg("refused: %s", err);
}

/* Refused with @code and an error containing @needle; @out unchanged; one printable line. */
static void
parse_bad_n(
        const struct command_field *f, size_t n, int code, const char *needle, const char *session)
{
	struct command c, snap;
	char err[COMMAND_ERR_MAX] = "", sess[COMMAND_ID_MAX] = "junk";

	memset(&c, 0xa5, sizeof(c));
	memcpy(&snap, &c, sizeof(c));
	assert_int_equal(command_parse_fields(f, n, &c, err, sizeof(err), sess), code);
	assert_memory_equal(&c, &snap, sizeof(c));
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' lacks '%s'", err, needle);
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	assert_string_equal(sess, session);
}

static void
parse_bad(const char *const *kv, int code, const char *needle, const char *session)
{
	struct command_field f[20] = {{0}};
	size_t n = mk(f, kv);

	parse_bad_n(f, n, code, needle, session);
}

static void
test_command_each_type(void **state)
{
	struct command c;

	(void)state;
	parse_ok((const char *const[]){"type", "say", "session", "s-1", "text", "Hello there.",
	                 "voice", "en-us+f3", NULL},
	        &c);
	assert_int_equal(c.type, COMMAND_SAY);
	assert_string_equal(c.session, "s-1");
	assert_string_equal(c.node, "");
	assert_string_equal(c.u.say.text, "Hello there.");
	assert_string_equal(c.u.say.voice, "en-us+f3");

	parse_ok((const char *const[]){"session", "s:2", "text", "caf\xc3\xa9\nline two", "type",
	                 "say", NULL},
	        &c);
	assert_int_equal(c.type, COMMAND_SAY);
	assert_string_equal(c.u.say.text, "caf\xc3\xa9\nline two");
	assert_string_equal(c.u.say.voice, "");

	parse_ok((const char *const[]){"type", "play", "session", "s1", "file",
	                 "prompts/welcome.opus", "node", "edge-1", NULL},
	        &c);
	assert_int_equal(c.type, COMMAND_PLAY);
	assert_string_equal(c.u.play.file, "prompts/welcome.opus");
	assert_string_equal(c.node, "edge-1");

	parse_ok((const char *const[]){"type", "set", "session", "s1", "vad_sensitivity", "100",
	                 "stt", "off", "model", "en-us_small.v2", NULL},
	        &c);
	assert_int_equal(c.type, COMMAND_SET);
	assert_true(c.u.set.has_vad && c.u.set.has_stt && c.u.set.has_model);
	assert_int_equal(c.u.set.vad_sensitivity, 100);
	assert_int_equal(c.u.set.stt, 0);
	assert_string_equal(c.u.set.model, "en-us_small.v2");

	parse_ok((const char *const[]){"type", "set", "session", "s1", "stt", "1", NULL}, &c);
	assert_true(!c.u.set.has_vad && c.u.set.has_stt && !c.u.set.has_model);
	assert_int_equal(c.u.set.stt, 1);
	parse_ok(
	        (const char *const[]){"type", "set", "session", "s1", "vad_sensitivity", "0", NULL},
	        &c);
	assert_true(c.u.set.has_vad && !c.u.set.has_stt);
	assert_int_equal(c.u.set.vad_sensitivity, 0);

	parse_ok((const char *const[]){"type", "end", "session", "s1", NULL}, &c);
	assert_int_equal(c.type, COMMAND_END);
	assert_string_equal(c.session, "s1");

	parse_ok((const char *const[]){"type", "stop", "session", "s2", NULL}, &c);
	assert_int_equal(c.type, COMMAND_STOP);
	assert_string_equal(c.session, "s2");
	assert_string_equal(command_type_name(COMMAND_STOP), "stop");
	parse_bad((const char *const[]){"type", "stop", "session", "s1", "text", "hi", NULL},
	        COMMAND_E_FIELD, "stop: field 'text' not allowed", "s1");
}

static void
test_command_refusals(void **state)
{
	char long_text[COMMAND_TEXT_MAX + 1], long_file[COMMAND_FILE_MAX + 1];

	(void)state;
	parse_bad((const char *const[]){NULL}, COMMAND_E_SYNTAX, "empty", "");
	parse_bad((const char *const[]){"type", "say", "session", "s1", "txt", "x", NULL},
	        COMMAND_E_FIELD, "unknown field 'txt'", "");
	parse_bad((const char *const[]){"type", "end", "session", "s1", "type", "end", NULL},
	        COMMAND_E_FIELD, "field 'type' given twice", "");
	parse_bad((const char *const[]){"session", "s1", NULL}, COMMAND_E_MISSING,
	        "missing field 'type'", "s1");
	parse_bad((const char *const[]){"type", "dance", "session", "s1", NULL}, COMMAND_E_VALUE,
	        "type: 'dance' is not say, play, set, end or stop", "s1");
	parse_bad((const char *const[]){"type", "end", NULL}, COMMAND_E_MISSING,
	        "end: missing field 'session'", "");
	parse_bad((const char *const[]){"type", "end", "session", "has space", NULL},
	        COMMAND_E_VALUE, "session: expected", "");
	parse_bad((const char *const[]){"type", "end", "session", "", NULL}, COMMAND_E_VALUE,
	        "session: expected", "");
	parse_bad((const char *const[]){"type", "end", "session", "s1", "text", "hi", NULL},
	        COMMAND_E_FIELD, "end: field 'text' not allowed", "s1");
	parse_bad((const char *const[]){"type", "play", "session", "s1", "voice", "en", NULL},
	        COMMAND_E_FIELD, "play: field 'voice' not allowed", "s1");
	parse_bad((const char *const[]){"type", "say", "session", "s1", NULL}, COMMAND_E_MISSING,
	        "say: missing field 'text'", "s1");
	parse_bad((const char *const[]){"type", "say", "session", "s1", "text", "", NULL},
	        COMMAND_E_VALUE, "say: text", "s1");
	parse_bad((const char *const[]){"type", "say", "session", "s1", "text", "bad\xff", NULL},
	        COMMAND_E_VALUE, "say: text", "s1");
	parse_bad((const char *const[]){"type", "say", "session", "s1", "text", "cr\rhere", NULL},
	        COMMAND_E_VALUE, "say: text", "s1");
	parse_bad((const char *const[]){"type", "say", "session", "s1", "text", "a", "voice",
	                  "en us", NULL},
	        COMMAND_E_VALUE, "voice", "s1");
	memset(long_text, 'x', sizeof(long_text));
	long_text[COMMAND_TEXT_MAX] = '\0'; /* 2048: one too many */
	parse_bad((const char *const[]){"type", "say", "session", "s1", "text", long_text, NULL},
	        COMMAND_E_VALUE, "say: text", "s1");
	long_text[COMMAND_TEXT_MAX - 1] = '\0';
	{
		struct command c;
		parse_ok((const char *const[]){"type", "say", "session", "s1", "text", long_text,
		                 NULL},
		        &c);
		assert_int_equal(strlen(c.u.say.text), COMMAND_TEXT_MAX - 1);
	}
	parse_bad((const char *const[]){"type", "play", "session", "s1", NULL}, COMMAND_E_MISSING,
	        "play: missing field 'file'", "s1");
	static const char *const bad_files[] = {"/etc/passwd", "../secret", "a/../../b", "a//b",
	        "./a", "a/", "a b", "a\\b", "a/./b", ".", ""};
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		parse_bad((const char *const[]){"type", "play", "session", "s1", "file",
		                  bad_files[i], NULL},
		        COMMAND_E_VALUE, "play: file", "s1");
	memset(long_file, 'f', sizeof(long_file));
	long_file[COMMAND_FILE_MAX] = '\0';
	parse_bad((const char *const[]){"type", "play", "session", "s1", "file", long_file, NULL},
	        COMMAND_E_VALUE, "play: file", "s1");
	parse_bad((const char *const[]){"type", "set", "session", "s1", NULL}, COMMAND_E_MISSING,
	        "set: needs", "s1");
	static const char *const bad_vad[] = {
	        "101", "-1", "+5", "5 ", "", "1e2", "0x10", "99999999999", "4294967296"};
	for (size_t i = 0; i < sizeof(bad_vad) / sizeof(bad_vad[0]); i++)
		parse_bad((const char *const[]){"type", "set", "session", "s1", "vad_sensitivity",
		                  bad_vad[i], NULL},
		        COMMAND_E_VALUE, "vad_sensitivity", "s1");
	parse_bad((const char *const[]){"type", "set", "session", "s1", "stt", "maybe", NULL},
	        COMMAND_E_VALUE, "stt must be", "s1");
	parse_bad((const char *const[]){"type", "set", "session", "s1", "model", "a/b", NULL},
	        COMMAND_E_VALUE, "model", "s1");
	parse_bad((const char *const[]){"type", "end", "session", "s1", "node", "a b", NULL},
	        COMMAND_E_VALUE, "node", "s1");
}

/* Names and values are views: a NUL inside is a byte like any other, and refused. */
static void
test_command_binary_views(void **state)
{
	struct command_field f[3] = {
	        {.name = "type", .name_len = 4, .value = "endX", .value_len = 3},
	        {.name = "session\0x", .name_len = 9, .value = "s1", .value_len = 2},
	};
	struct command c;
	char err[COMMAND_ERR_MAX];

	(void)state;
	/* "session\0x" is not "session": unknown, shown with '?' for the NUL */
	parse_bad_n(f, 2, COMMAND_E_FIELD, "unknown field 'session?x'", "");
	f[1].name_len = 7;
	assert_int_equal(command_parse_fields(f, 2, &c, err, sizeof(err), NULL), 0);
	assert_int_equal(c.type, COMMAND_END); /* "endX" cut to 3 by its length */
	f[1].value = "s\0001";
	f[1].value_len = 3;
	parse_bad_n(f, 2, COMMAND_E_VALUE, "session: expected", "");
	/* a long unknown name is cut in the message */
	f[2] = (struct command_field){
	        .name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	        .name_len = 55,
	        .value = "",
	        .value_len = 0};
	f[1].value = "s1", f[1].value_len = 2;
	parse_bad_n(f, 3, COMMAND_E_FIELD, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'", "");
}

static void
json_ok(const char *body, struct command *c)
{
	char err[COMMAND_ERR_MAX] = "";

	if (command_parse_json(body, strlen(body), c, err, sizeof(err), NULL) != 0)
		fail_msg("'%s' refused: %s", body, err);
}

static void
json_bad(const char *body, size_t len, int code, const char *needle)
{
	struct command c, snap;
	char err[COMMAND_ERR_MAX] = "";

	memset(&c, 0x3c, sizeof(c));
	memcpy(&snap, &c, sizeof(c));
	assert_int_equal(command_parse_json(body, len, &c, err, sizeof(err), NULL), code);
	assert_memory_equal(&c, &snap, sizeof(c));
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' lacks '%s'", err, needle);
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

#define JB(lit, code, needle) json_bad(lit, sizeof(lit) - 1, code, needle)

static void
test_command_json(void **state)
{
	struct command c;

	(void)state;
	json_ok("{\"type\":\"set\",\"session\":\"s1\",\"vad_sensitivity\":40,\"stt\":true}", &c);
	assert_int_equal(c.type, COMMAND_SET);
	assert_int_equal(c.u.set.vad_sensitivity, 40);
	assert_true(c.u.set.has_stt && c.u.set.stt == 1 && !c.u.set.has_model);
	json_ok("{\"type\":\"say\",\"session\":\"s1\",\"text\":\"caf\\u00e9\\nok\"}", &c);
	assert_string_equal(c.u.say.text, "caf\xc3\xa9\nok");
	json_ok("  {\"session\":\"s9\",\"type\":\"end\"}  ", &c);
	assert_int_equal(c.type, COMMAND_END);

	JB("", COMMAND_E_SYNTAX, "not JSON");
	JB("{\"type\":", COMMAND_E_SYNTAX, "not JSON");
	JB("[1,2]", COMMAND_E_SYNTAX, "not a JSON object");
	JB("\"end\"", COMMAND_E_SYNTAX, "not JSON"); /* jansson wants an array/object */
	JB("{\"type\":\"end\",\"type\":\"end\",\"session\":\"s\"}", COMMAND_E_SYNTAX, "duplicate");
	JB("{\"type\":\"set\",\"session\":\"s\",\"vad_sensitivity\":40.5}", COMMAND_E_VALUE,
	        "field 'vad_sensitivity' must be a string, an integer");
	JB("{\"type\":\"set\",\"session\":\"s\",\"vad_sensitivity\":-3}", COMMAND_E_VALUE,
	        "vad_sensitivity must be an integer 0..100");
	JB("{\"type\":\"end\",\"session\":null}", COMMAND_E_VALUE, "field 'session'");
	JB("{\"type\":\"end\",\"session\":{\"a\":1}}", COMMAND_E_VALUE, "'session'");
	JB("{\"type\":\"say\",\"session\":\"s\",\"text\":\"a\\u0000b\"}", COMMAND_E_SYNTAX,
	        "not JSON");
	JB("{\"type\":\"end\",\"session\":\"s\",\"x\":1}", COMMAND_E_FIELD, "unknown field 'x'");
	JB("{\"type\":\"end\"}\0garbage", COMMAND_E_SYNTAX, "not JSON");
}

static void
round_trip(const struct command *c)
{
	struct command_fields f;
	struct command back;
	char err[COMMAND_ERR_MAX];

	command_fields_build(c, &f);
	assert_int_equal(command_parse_fields(f.f, f.n, &back, err, sizeof(err), NULL), 0);
	assert_int_equal(back.type, c->type);
	assert_string_equal(back.session, c->session);
	assert_string_equal(back.node, c->node);
	command_fields_build(&back, &f);
	{
		struct command again;
		assert_int_equal(command_parse_fields(f.f, f.n, &again, err, sizeof(err), NULL), 0);
		assert_memory_equal(&again, &back, sizeof(back));
	}
}

static void
test_command_fields_round_trip(void **state)
{
	struct command c;

	(void)state;
	parse_ok((const char *const[]){"type", "say", "session", "s-1", "text", "Hi\tyou", "voice",
	                 "en", "node", "n1", NULL},
	        &c);
	round_trip(&c);
	parse_ok((const char *const[]){"type", "play", "session", "s", "file", "a/b.opus", NULL},
	        &c);
	round_trip(&c);
	parse_ok((const char *const[]){"type", "set", "session", "s", "vad_sensitivity", "07",
	                 "stt", "true", NULL},
	        &c);
	round_trip(&c);
	{
		struct command_fields f;
		command_fields_build(&c, &f);
		assert_int_equal(f.n, 4);
		assert_string_equal(f.f[2].value, "7");
		assert_string_equal(f.f[3].value, "on");
	}
	parse_ok((const char *const[]){"type", "end", "session", "s", NULL}, &c);
	round_trip(&c);
	assert_string_equal(command_type_name(COMMAND_PLAY), "play");
	assert_null(command_type_name(COMMAND_TYPE_COUNT));
}

#define T(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_command_each_type),
	        T(test_command_refusals),
	        T(test_command_binary_views),
	        T(test_command_json),
	        T(test_command_fields_round_trip),
	};

	return cmocka_run_group_tests_name("command", tests, NULL, NULL);
}
