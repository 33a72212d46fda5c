/*
 * Orchestrator commands: the sans-IO parser.
 *
 * Owns: the command model (say, play, set, end, stop), the parser from a field
 * list (the field/value pairs of a Redis stream entry: binary-safe views) or
 * from a JSON object (the REST port's body), and the reverse (a command back
 * to fields, for clients and tests). No I/O, no globals, no allocation except
 * jansson's while a JSON body is read. Schema: docs/events.md.
 *
 * Field list, one command per entry (names are exact, lower case):
 *   type     say | play | set | end | stop                       (required)
 *   session  the session id, [A-Za-z0-9._:-]{1,63}               (required)
 *   node     the node id the command is for, printable ASCII     (optional)
 *   say:  text (1..2047 bytes UTF-8, no control chars but LF/TAB), voice [A-Za-z0-9._+-]{1,63}?
 *   play: file, a relative path [A-Za-z0-9._/-]{1,255}, no "..", no "//", not absolute
 *   set:  vad_sensitivity 0..100?, stt on|off|true|false|1|0?, model [A-Za-z0-9._-]{1,63}?
 *         (at least one of them)
 *   end:  nothing else
 *   stop: nothing else (what say/play queued or is playing is dropped)
 * Unknown, repeated or misplaced fields are errors: a typo must not pass unseen.
 */
#ifndef RTC_COMMAND_H
#define RTC_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#define COMMAND_ID_MAX 64
#define COMMAND_TEXT_MAX 2048
#define COMMAND_FILE_MAX 256
#define COMMAND_NAME_MAX 64
#define COMMAND_ERR_MAX 160   /* a one-line error, NUL included */
#define COMMAND_FIELDS_MAX 16 /* fields of command_fields_build() */

enum command_type {
	COMMAND_SAY,
	COMMAND_PLAY,
	COMMAND_SET,
	COMMAND_END,
	COMMAND_STOP, /* stop what say/play put into the session (barge-in) */
	COMMAND_TYPE_COUNT
};

enum {
	COMMAND_E_SYNTAX = -1,  /* not a field list / not a JSON object */
	COMMAND_E_FIELD = -2,   /* unknown, repeated or misplaced field */
	COMMAND_E_MISSING = -3, /* a required field is missing */
	COMMAND_E_VALUE = -4,   /* a value out of its range or syntax */
};

struct command {
	enum command_type type;
	char session[COMMAND_ID_MAX];
	char node[COMMAND_ID_MAX]; /* empty: any node */
	union {
		struct {
			char text[COMMAND_TEXT_MAX];
			char voice[COMMAND_NAME_MAX]; /* empty: the default voice */
		} say;
		struct {
			char file[COMMAND_FILE_MAX]; /* relative to the media directory */
		} play;
		struct {
			int has_vad, has_stt, has_model;
			uint32_t vad_sensitivity; /* 0..100 */
			int stt;                  /* 1 on, 0 off */
			char model[COMMAND_NAME_MAX];
		} set;
	} u;
};

/* One field: views, not NUL-terminated, may hold any byte. */
struct command_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/*
 * Parse @n fields into @out. 0, or a negative COMMAND_E_* with a one-line
 * reason in @err (printable ASCII; field names are quoted, other bytes shown
 * as '?') and @out untouched. If the session field was readable, it is in
 * @session_out (else ""), so an error event can name the session; may be NULL.
 */
int command_parse_fields(const struct command_field *f, size_t n, struct command *out, char *err,
        size_t errlen, char *session_out);
/* The same from a JSON object: strings as they are, integers in decimal, booleans as
 * true/false; nested objects, arrays, null, reals and duplicate keys are refused. */
int command_parse_json(const char *body, size_t len, struct command *out, char *err, size_t errlen,
        char *session_out);

/* A command as fields (points into @cmd and static strings): what a client would XADD. */
struct command_fields {
	size_t n;
	struct command_field f[COMMAND_FIELDS_MAX];
	char num[16]; /* the text of vad_sensitivity */
};
void command_fields_build(const struct command *cmd, struct command_fields *out);

const char *command_type_name(enum command_type type);

#endif
