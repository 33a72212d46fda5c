/*
 * libFuzzer target: the command parser (ctrlplane/command.c) on untrusted input.
 *
 * The first byte picks the form, the rest is the input:
 *   'j'       a JSON body for command_parse_json() (the REST port's form);
 *   otherwise a field list for command_parse_fields() (a Redis stream entry):
 *             records [u16 LE name length][name][u16 LE value length][value], at
 *             most 40; a record cut short ends the list.
 * Checks: no crash or sanitizer report; a failure returns a COMMAND_E_* code,
 * leaves the output byte for byte as it was and gives a one-line printable
 * reason, and the session it reports is "" or a valid session id; a success
 * gives a command whose fields are within their stated ranges, and
 * command_fields_build() on it parses back to the same bytes.
 * Seeds: corpus/command/, made by gen_command_seeds.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_command: invariant failed: %s (line %d)\n", #cond,   \
			        __LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static int
token_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            strchr(extra, c) != NULL))
			return 0;
	}
	return 1;
}

static void
check_success(const struct command *c)
{
	struct command_fields f;
	struct command back;
	char err[COMMAND_ERR_MAX];

	CHECK((unsigned)c->type < COMMAND_TYPE_COUNT);
	CHECK(token_ok(c->session, COMMAND_ID_MAX, "._:-"));
	switch (c->type) {
	case COMMAND_SAY:
		CHECK(c->u.say.text[0] != '\0');
		for (const char *p = c->u.say.text; *p; p++)
			CHECK((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t');
		CHECK(c->u.say.voice[0] == '\0' ||
		        token_ok(c->u.say.voice, COMMAND_NAME_MAX, "._+-"));
		break;
	case COMMAND_PLAY:
		CHECK(token_ok(c->u.play.file, COMMAND_FILE_MAX, "._/-"));
		for (const char *p = c->u.play.file, *q; *p; p = *q ? q + 1 : q) {
			q = strchr(p, '/');
			if (q == NULL)
				q = p + strlen(p);
			CHECK(q > p);                                       /* no empty component */
			CHECK(!(q - p == 1 && p[0] == '.'));                /* no "." */
			CHECK(!(q - p == 2 && p[0] == '.' && p[1] == '.')); /* no ".." */
		}
		break;
	case COMMAND_SET:
		CHECK(c->u.set.has_vad || c->u.set.has_stt || c->u.set.has_model);
		CHECK(!c->u.set.has_vad || c->u.set.vad_sensitivity <= 100);
		CHECK(!c->u.set.has_stt || c->u.set.stt == 0 || c->u.set.stt == 1);
		break;
	default:
		break;
	}
	command_fields_build(c, &f);
	CHECK(command_parse_fields(f.f, f.n, &back, err, sizeof(err), NULL) == 0);
	CHECK(memcmp(&back, c, sizeof(back)) == 0);
}

static void
check_result(int rc, const struct command *c, const struct command *before, const char *err,
        const char *session)
{
	if (rc == 0) {
		check_success(c);
		return;
	}
	CHECK(rc == COMMAND_E_SYNTAX || rc == COMMAND_E_FIELD || rc == COMMAND_E_MISSING ||
	        rc == COMMAND_E_VALUE);
	CHECK(memcmp(c, before, sizeof(*c)) == 0);
	CHECK(err[0] != '\0' && memchr(err, '\0', COMMAND_ERR_MAX) != NULL);
	for (const char *p = err; *p; p++)
		CHECK(*p >= 0x20 && *p < 0x7f);
	CHECK(session[0] == '\0' || token_ok(session, COMMAND_ID_MAX, "._:-"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct command c, before;
	struct command_field f[40];
	char err[COMMAND_ERR_MAX], session[COMMAND_ID_MAX];
	size_t n = 0, off = 1;
	int rc;

	if (size < 1 || size > 65536)
		return 0;
	memset(&c, 0xa5, sizeof(c));
	memcpy(&before, &c, sizeof(c));
	memset(err, 0, sizeof(err));
	memset(session, 'x', sizeof(session));
	if (data[0] == 'j') {
		/* an exact-size copy: a read past the body is caught */
		char *body = malloc(size - 1 ? size - 1 : 1);
		CHECK(body != NULL);
		memcpy(body, data + 1, size - 1);
		rc = command_parse_json(body, size - 1, &c, err, sizeof(err), session);
		check_result(rc, &c, &before, err, session);
		free(body);
		return 0;
	}
	while (n < 40) {
		size_t nl, vl;
		if (size - off < 2)
			break;
		nl = (size_t)data[off] | (size_t)data[off + 1] << 8;
		if (size - off - 2 < nl)
			break;
		f[n].name = (const char *)data + off + 2;
		f[n].name_len = nl;
		off += 2 + nl;
		if (size - off < 2)
			break;
		vl = (size_t)data[off] | (size_t)data[off + 1] << 8;
		if (size - off - 2 < vl)
			break;
		f[n].value = (const char *)data + off + 2;
		f[n].value_len = vl;
		off += 2 + vl;
		n++;
	}
	rc = command_parse_fields(f, n, &c, err, sizeof(err), session);
	check_result(rc, &c, &before, err, session);
	return 0;
}
