/* Orchestrator command parser (see command.h). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "command.h"

static const char *const command_names[COMMAND_TYPE_COUNT] = {"say", "play", "set", "end", "stop"};

/* The fields a command may carry; the bit of each in a presence mask. */
enum {
	CF_TYPE,
	CF_SESSION,
	CF_NODE,
	CF_TEXT,
	CF_VOICE,
	CF_FILE,
	CF_VAD,
	CF_STT,
	CF_MODEL,
	CF_COUNT
};

static const char *const command_field_names[CF_COUNT] = {
        "type", "session", "node", "text", "voice", "file", "vad_sensitivity", "stt", "model"};

/* Which optional fields each type takes (type, session and node go with every type). */
static const unsigned command_allowed[COMMAND_TYPE_COUNT] = {
        [COMMAND_SAY] = 1u << CF_TEXT | 1u << CF_VOICE,
        [COMMAND_PLAY] = 1u << CF_FILE,
        [COMMAND_SET] = 1u << CF_VAD | 1u << CF_STT | 1u << CF_MODEL,
        [COMMAND_END] = 0,
        [COMMAND_STOP] = 0,
};

const char *
command_type_name(enum command_type type)
{
	return (unsigned)type < COMMAND_TYPE_COUNT ? command_names[type] : NULL;
}

/* A view of untrusted bytes for an error line: at most 32, non-printables as '?'. */
static void
command_quote(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < cap && i < 32; i++)
		dst[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > 32 && n + 4 < cap) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static int command_fail(char *err, size_t errlen, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int
command_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

/* RFC 3629 UTF-8 without C0 controls or DEL, but LF and TAB if @multiline. */
static int
command_utf8_ok(const char *s, size_t n, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i], need, cp, min;
		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t')))
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* 1..max-1 bytes, each in @extra or alphanumeric ASCII. */
static int
command_token_ok(const char *s, size_t n, size_t max, const char *extra)
{
	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            (c != '\0' && strchr(extra, c) != NULL)))
			return 0;
	}
	return 1;
}

/* A relative path below the media directory: no "..", no empty or "." component. */
static int
command_path_ok(const char *s, size_t n)
{
	size_t start = 0;

	if (!command_token_ok(s, n, COMMAND_FILE_MAX, "._/-"))
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			size_t len = i - start;
			if (len == 0 || (len == 1 && s[start] == '.') ||
			        (len == 2 && s[start] == '.' && s[start + 1] == '.'))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

static int
command_bool(const char *s, size_t n, int *out)
{
	static const char *const yes[] = {"on", "true", "1"}, *const no[] = {"off", "false", "0"};

	for (size_t i = 0; i < 3; i++) {
		if (strlen(yes[i]) == n && memcmp(s, yes[i], n) == 0)
			return *out = 1, 1;
		if (strlen(no[i]) == n && memcmp(s, no[i], n) == 0)
			return *out = 0, 1;
	}
	return 0;
}

static int
command_u32(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
		if (v > max)
			return 0;
	}
	*out = v;
	return 1;
}

static void
command_copy(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
command_parse_fields(const struct command_field *f, size_t n, struct command *out, char *err,
        size_t errlen, char *session_out)
{
	const struct command_field *by[CF_COUNT] = {NULL};
	struct command c;
	char q[48];
	unsigned seen = 0;
	int type = -1;

	if (session_out != NULL)
		session_out[0] = '\0';
	if (n == 0)
		return command_fail(err, errlen, COMMAND_E_SYNTAX, "empty command");
	for (size_t i = 0; i < n; i++) {
		int k = -1;
		for (int j = 0; j < CF_COUNT; j++) {
			if (strlen(command_field_names[j]) == f[i].name_len &&
			        memcmp(command_field_names[j], f[i].name, f[i].name_len) == 0) {
				k = j;
				break;
			}
		}
		command_quote(q, sizeof(q), f[i].name, f[i].name_len);
		if (k < 0)
			return command_fail(err, errlen, COMMAND_E_FIELD, "unknown field '%s'", q);
		if (seen & 1u << k)
			return command_fail(
			        err, errlen, COMMAND_E_FIELD, "field '%s' given twice", q);
		seen |= 1u << k;
		by[k] = &f[i];
	}
	/* the session first, so that later errors can name it */
	if (by[CF_SESSION] != NULL) {
		const struct command_field *s = by[CF_SESSION];
		if (!command_token_ok(s->value, s->value_len, COMMAND_ID_MAX, "._:-"))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "session: expected 1..63 of [A-Za-z0-9._:-]");
		if (session_out != NULL)
			command_copy(session_out, s->value, s->value_len);
	}
	if (by[CF_TYPE] == NULL)
		return command_fail(err, errlen, COMMAND_E_MISSING, "missing field 'type'");
	for (int t = 0; t < COMMAND_TYPE_COUNT; t++)
		if (strlen(command_names[t]) == by[CF_TYPE]->value_len &&
		        memcmp(command_names[t], by[CF_TYPE]->value, by[CF_TYPE]->value_len) == 0)
			type = t;
	if (type < 0) {
		command_quote(q, sizeof(q), by[CF_TYPE]->value, by[CF_TYPE]->value_len);
		return command_fail(
		        err, errlen, COMMAND_E_VALUE, "type: '%s' is not say, play, set, end or stop", q);
	}
	if (by[CF_SESSION] == NULL)
		return command_fail(err, errlen, COMMAND_E_MISSING, "%s: missing field 'session'",
		        command_names[type]);
	for (int k = CF_TEXT; k < CF_COUNT; k++)
		if ((seen & 1u << k) && !(command_allowed[type] & 1u << k))
			return command_fail(err, errlen, COMMAND_E_FIELD,
			        "%s: field '%s' not allowed", command_names[type],
			        command_field_names[k]);

	memset(&c, 0, sizeof(c));
	c.type = (enum command_type)type;
	command_copy(c.session, by[CF_SESSION]->value, by[CF_SESSION]->value_len);
	if (by[CF_NODE] != NULL) {
		if (!command_token_ok(by[CF_NODE]->value, by[CF_NODE]->value_len, COMMAND_ID_MAX,
		            "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "node: expected 1..63 printable ASCII characters");
		command_copy(c.node, by[CF_NODE]->value, by[CF_NODE]->value_len);
	}

	switch (c.type) {
	case COMMAND_SAY: {
		const struct command_field *t = by[CF_TEXT], *v = by[CF_VOICE];
		if (t == NULL)
			return command_fail(
			        err, errlen, COMMAND_E_MISSING, "say: missing field 'text'");
		if (t->value_len == 0 || t->value_len >= COMMAND_TEXT_MAX ||
		        !command_utf8_ok(t->value, t->value_len, 1))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "say: text must be 1..2047 bytes of UTF-8 without control "
			        "characters");
		if (v != NULL &&
		        !command_token_ok(v->value, v->value_len, COMMAND_NAME_MAX, "._+-"))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "say: voice: expected 1..63 of [A-Za-z0-9._+-]");
		command_copy(c.u.say.text, t->value, t->value_len);
		if (v != NULL)
			command_copy(c.u.say.voice, v->value, v->value_len);
		break;
	}
	case COMMAND_PLAY: {
		const struct command_field *p = by[CF_FILE];
		if (p == NULL)
			return command_fail(
			        err, errlen, COMMAND_E_MISSING, "play: missing field 'file'");
		if (!command_path_ok(p->value, p->value_len))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "play: file must be a relative path of [A-Za-z0-9._/-], at most "
			        "255 bytes, without '.', '..' or empty components");
		command_copy(c.u.play.file, p->value, p->value_len);
		break;
	}
	case COMMAND_SET: {
		const struct command_field *v = by[CF_VAD], *s = by[CF_STT], *m = by[CF_MODEL];
		if (v == NULL && s == NULL && m == NULL)
			return command_fail(err, errlen, COMMAND_E_MISSING,
			        "set: needs vad_sensitivity, stt or model");
		if (v != NULL &&
		        !command_u32(v->value, v->value_len, 100, &c.u.set.vad_sensitivity))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "set: vad_sensitivity must be an integer 0..100");
		if (s != NULL && !command_bool(s->value, s->value_len, &c.u.set.stt))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "set: stt must be on, off, true, false, 1 or 0");
		if (m != NULL && !command_token_ok(m->value, m->value_len, COMMAND_NAME_MAX, "._-"))
			return command_fail(err, errlen, COMMAND_E_VALUE,
			        "set: model: expected 1..63 of [A-Za-z0-9._-]");
		c.u.set.has_vad = v != NULL;
		c.u.set.has_stt = s != NULL;
		c.u.set.has_model = m != NULL;
		if (m != NULL)
			command_copy(c.u.set.model, m->value, m->value_len);
		break;
	}
	case COMMAND_END:
	case COMMAND_STOP:
	case COMMAND_TYPE_COUNT:
		break;
	}
	*out = c;
	return 0;
}

int
command_parse_json(const char *body, size_t len, struct command *out, char *err, size_t errlen,
        char *session_out)
{
	struct command_field f[COMMAND_FIELDS_MAX];
	char nums[COMMAND_FIELDS_MAX][24];
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	size_t n = 0;
	int rc;

	if (session_out != NULL)
		session_out[0] = '\0';
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char q[96];
		command_quote(q, sizeof(q), jerr.text, strnlen(jerr.text, sizeof(jerr.text)));
		snprintf(err, errlen, "not JSON: %s (offset %d)", q, jerr.position);
		return COMMAND_E_SYNTAX;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return command_fail(err, errlen, COMMAND_E_SYNTAX, "not a JSON object");
	}
	rc = 0;
	json_object_foreach(root, key, v)
	{
		char q[48];
		if (n == COMMAND_FIELDS_MAX) {
			rc = command_fail(err, errlen, COMMAND_E_FIELD, "too many fields");
			break;
		}
		f[n].name = key;
		f[n].name_len = strlen(key);
		if (json_is_string(v)) {
			f[n].value = json_string_value(v);
			f[n].value_len = json_string_length(v);
		} else if (json_is_integer(v)) {
			f[n].value_len = (size_t)snprintf(
			        nums[n], sizeof(nums[n]), "%lld", (long long)json_integer_value(v));
			f[n].value = nums[n];
		} else if (json_is_boolean(v)) {
			f[n].value = json_is_true(v) ? "true" : "false";
			f[n].value_len = strlen(f[n].value);
		} else {
			command_quote(q, sizeof(q), key, strlen(key));
			rc = command_fail(err, errlen, COMMAND_E_VALUE,
			        "field '%s' must be a string, an integer or a boolean", q);
			break;
		}
		n++;
	}
	if (rc == 0)
		rc = command_parse_fields(f, n, out, err, errlen, session_out);
	json_decref(root);
	return rc;
}

static void
command_fields_add(struct command_fields *o, const char *name, const char *value)
{
	o->f[o->n++] = (struct command_field){
	        .name = name, .name_len = strlen(name), .value = value, .value_len = strlen(value)};
}

void
command_fields_build(const struct command *cmd, struct command_fields *out)
{
	out->n = 0;
	command_fields_add(out, "type", command_names[cmd->type]);
	command_fields_add(out, "session", cmd->session);
	if (cmd->node[0] != '\0')
		command_fields_add(out, "node", cmd->node);
	switch (cmd->type) {
	case COMMAND_SAY:
		command_fields_add(out, "text", cmd->u.say.text);
		if (cmd->u.say.voice[0] != '\0')
			command_fields_add(out, "voice", cmd->u.say.voice);
		break;
	case COMMAND_PLAY:
		command_fields_add(out, "file", cmd->u.play.file);
		break;
	case COMMAND_SET:
		if (cmd->u.set.has_vad) {
			snprintf(out->num, sizeof(out->num), "%u", cmd->u.set.vad_sensitivity);
			command_fields_add(out, "vad_sensitivity", out->num);
		}
		if (cmd->u.set.has_stt)
			command_fields_add(out, "stt", cmd->u.set.stt ? "on" : "off");
		if (cmd->u.set.has_model)
			command_fields_add(out, "model", cmd->u.set.model);
		break;
	case COMMAND_END:
	case COMMAND_STOP:
	case COMMAND_TYPE_COUNT:
		break;
	}
}
