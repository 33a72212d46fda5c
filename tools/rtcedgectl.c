/*
 * rtcedgectl: the operator's command-line client of rtcedge's REST control
 * port (docs/openapi.json). One HTTP/1.1 request per connection (ctl_http.h),
 * the JSON read with jansson and shown as text (ctl_view.h) or as is (--json).
 *
 * Owns: the command line, the commands and their requests, the exit codes a
 * script can rely on (see usage() and the README's rtcedgectl section).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "rtcedge_version.h"
#include "ctl_http.h"
#include "ctl_view.h"

enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_ERROR = 1,        /* the server answered an error */
	CTL_EXIT_NOTFOUND = 2,     /* 404 */
	CTL_EXIT_AUTH = 3,         /* 401, 403 */
	CTL_EXIT_USAGE = 64,       /* EX_USAGE */
	CTL_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: cannot connect, resolve, timed out */
	CTL_EXIT_OSERR = 71,       /* EX_OSERR: out of memory */
	CTL_EXIT_IOERR = 74,       /* EX_IOERR: writing the output failed */
	CTL_EXIT_PROTOCOL = 76,    /* EX_PROTOCOL: bad HTTP or JSON from the server */
};

#define CTL_DEFAULT_SERVER "127.0.0.1:" CTL_HTTP_DEFAULT_PORT
#define CTL_DEFAULT_TIMEOUT_S 5.0

struct ctl {
	struct ctl_http_target target;
	const char *token; /* NULL: none */
	int json;
	int timeout_ms;
	/* command options */
	const char *stream, *state, *role;
	int off;
	long count; /* stats: 0 = until interrupted */
	double interval_s;
	const char *id;
};

/* A successful reply: the HTTP response and, when asked for, its body as JSON. */
struct ctl_reply {
	struct ctl_http_resp http;
	json_t *json;
};

static void
ctl_reply_free(struct ctl_reply *r)
{
	ctl_http_resp_free(&r->http);
	json_decref(r->json);
	r->json = NULL;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: rtcedgectl [-s HOST:PORT | --server URL] [-t TOKEN] [-T SECONDS] [--json]\n"
	        "                  COMMAND [ARGS]\n"
	        "\n"
	        "rtcedge's REST control port from the command line (docs/openapi.json).\n"
	        "\n"
	        "commands:\n"
	        "  status             health, readiness, uptime, sessions live/max by state,\n"
	        "                     streams, draining, per-worker rx/tx pps\n"
	        "  sessions [--stream S] [--state new|checking|connected] [--role whip|whep]\n"
	        "                     live sessions: id, role, stream, state, worker, age, client\n"
	        "  session ID         one session: ICE (pair, drops), DTLS, tracks, counters\n"
	        "  kill ID            end a session (DELETE /v1/sessions/ID)\n"
	        "  streams            streams with their publisher and viewers\n"
	        "  drain [--off]      refuse new sessions with 503, keep the live ones\n"
	        "                     (--off: accept new sessions again)\n"
	        "  stats [-n COUNT] [-i SECONDS]\n"
	        "                     live view like top, every SECONDS (default 1): per-worker\n"
	        "                     rx/tx pps, sessions, rings, top drop reasons, sessions by\n"
	        "                     state; COUNT refreshes, then exit (default: until ^C);\n"
	        "                     plain blocks without terminal escapes when not on a tty\n"
	        "  config             the effective configuration as key = value lines\n"
	        "                     (secrets redacted by the server)\n"
	        "  metrics            GET /metrics, the Prometheus text as is\n"
	        "\n"
	        "options:\n"
	        "  -s, --server ADDR  HOST[:PORT], [IPV6][:PORT] or http://HOST[:PORT][/PREFIX]\n"
	        "                     (default $RTCEDGE_SERVER, else " CTL_DEFAULT_SERVER ")\n"
	        "  -t, --token TOKEN  the admin Bearer token (rest.token); default $RTCEDGE_TOKEN\n"
	        "                     (prefer the variable: arguments show in ps)\n"
	        "  -T, --timeout S    per request, connect + send + whole response (default 5)\n"
	        "  -j, --json         print the server's JSON as is, for scripts; status prints\n"
	        "                     {\"health\":...,\"ready\":...,\"stats\":...}, stats one\n"
	        "                     document per line and refresh; metrics stays text\n"
	        "  -h, --help         this text;  -V, --version\n"
	        "\n"
	        "exit codes:\n"
	        "  0   ok\n"
	        "  1   the server answered an error; stderr: rtcedgectl: STATUS REASON\n"
	        "  2   not found (404: no such session)\n"
	        "  3   unauthorized (401, 403): admin token missing or wrong\n"
	        "  64  bad command line\n"
	        "  69  cannot connect, cannot resolve the host, or timed out\n"
	        "  71  out of memory\n"
	        "  74  writing the output failed\n"
	        "  76  protocol error: not HTTP/1.x, or not the JSON docs/openapi.json "
	        "describes\n");
}

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "rtcedgectl: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "try 'rtcedgectl --help'\n");
	return CTL_EXIT_USAGE;
}

/* The server's one-line reason: {"error": "..."}, else the body's first line, else the
 * status line's reason phrase. Control characters shown as '?'. */
static void
error_reason(const struct ctl_http_resp *r, char *out, size_t len)
{
	json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
	const char *src = r->reason;
	size_t n;

	if (json_is_object(j) && json_is_string(json_object_get(j, "error")))
		src = json_string_value(json_object_get(j, "error"));
	else if (r->body_len > 0)
		src = r->body;
	n = strcspn(src, "\r\n");
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	out[n] = '\0';
	json_decref(j);
}

static int
exit_for_status(int status)
{
	if (status == 404)
		return CTL_EXIT_NOTFOUND;
	if (status == 401 || status == 403)
		return CTL_EXIT_AUTH;
	return CTL_EXIT_ERROR;
}

/*
 * @method @path on the server. A status in 200..299, or equal to @also_ok, is a success: 0,
 * with @out filled (the body parsed as JSON when @want_json). Anything else is reported on
 * stderr and its exit code returned, @out untouched.
 */
static int
ctl_call(const struct ctl *c, const char *method, const char *path, int auth, int also_ok,
        int want_json, struct ctl_reply *out)
{
	struct ctl_http_resp r;
	char err[512];
	int rc = ctl_http_request(&c->target, method, path, auth ? c->token : NULL, c->timeout_ms,
	        &r, err, sizeof(err));
	json_error_t je;
	json_t *j = NULL;

	switch (rc) {
	case 0:
		break;
	case CTL_HTTP_E_RESOLVE:
	case CTL_HTTP_E_CONNECT:
	case CTL_HTTP_E_TIMEOUT:
		fprintf(stderr, "rtcedgectl: %s\n", err);
		return CTL_EXIT_UNAVAILABLE;
	case CTL_HTTP_E_PROTO:
		fprintf(stderr, "rtcedgectl: %s %s from %s: bad HTTP: %s\n", method, path,
		        c->target.authority, err);
		return CTL_EXIT_PROTOCOL;
	case CTL_HTTP_E_NOMEM:
		fprintf(stderr, "rtcedgectl: %s\n", err);
		return CTL_EXIT_OSERR;
	default:
		fprintf(stderr, "rtcedgectl: %s %s: %s\n", method, path, err);
		return CTL_EXIT_USAGE;
	}
	if ((r.status < 200 || r.status > 299) && r.status != also_ok) {
		char reason[256];
		error_reason(&r, reason, sizeof(reason));
		fprintf(stderr, "rtcedgectl: %d %s\n", r.status, reason);
		ctl_http_resp_free(&r);
		return exit_for_status(r.status);
	}
	if (want_json) {
		j = json_loadb(r.body, r.body_len, 0, &je);
		if (j == NULL) {
			fprintf(stderr,
			        "rtcedgectl: %s %s from %s: %d with bad JSON: %s (line %d, "
			        "column %d)\n",
			        method, path, c->target.authority, r.status, je.text, je.line,
			        je.column);
			ctl_http_resp_free(&r);
			return CTL_EXIT_PROTOCOL;
		}
	}
	out->http = r;
	out->json = j;
	return 0;
}

/* Write @len bytes to stdout; 0 or CTL_EXIT_IOERR. */
static int
out_write(const char *buf, size_t len)
{
	if (len > 0 && fwrite(buf, 1, len, stdout) != len) {
		fprintf(stderr, "rtcedgectl: writing the output: %s\n", strerror(errno));
		return CTL_EXIT_IOERR;
	}
	return 0;
}

/* The server's body as is, with exactly one newline at the end. */
static int
out_body(const struct ctl_http_resp *r)
{
	size_t n = r->body_len;

	while (n > 0 && (r->body[n - 1] == '\n' || r->body[n - 1] == '\r'))
		n--;
	if (out_write(r->body, n) != 0 || out_write("\n", 1) != 0)
		return CTL_EXIT_IOERR;
	return 0;
}

typedef int (*view_fn)(FILE *f, const json_t *j, char *err, size_t errlen);

/* Render @view into memory and show it whole, or name the shape error (exit 76). */
static int
out_view(const struct ctl *c, const char *what, view_fn view, const json_t *j)
{
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (m == NULL) {
		fprintf(stderr, "rtcedgectl: out of memory\n");
		return CTL_EXIT_OSERR;
	}
	rc = view(m, j, err, sizeof(err));
	fclose(m);
	if (rc == CTL_VIEW_E_SHAPE) {
		fprintf(stderr, "rtcedgectl: %s from %s: unexpected JSON: %s\n", what,
		        c->target.authority, err);
		rc = CTL_EXIT_PROTOCOL;
	} else if (rc != 0 || buf == NULL) {
		fprintf(stderr, "rtcedgectl: out of memory\n");
		rc = CTL_EXIT_OSERR;
	} else {
		rc = out_write(buf, len);
	}
	free(buf);
	return rc;
}

/* One JSON request shown by @view, or as is with --json. */
static int
ctl_simple(const struct ctl *c, const char *method, const char *path, view_fn view)
{
	struct ctl_reply r;
	char what[300];
	int rc = ctl_call(c, method, path, 1, 0, 1, &r);

	if (rc != 0)
		return rc;
	snprintf(what, sizeof(what), "%s %s", method, path);
	rc = c->json ? out_body(&r.http) : out_view(c, what, view, r.json);
	ctl_reply_free(&r);
	return rc;
}

/* RFC 3986 §2.3: unreserved characters as they are, every other byte as %XX. */
static int
pct_encode(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
		            ch == '~';
		if (o + (plain ? 1 : 3) >= outlen)
			return -1;
		if (plain) {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

/* ---- commands ---- */

/* GET /v1/health, /v1/ready, /v1/stats: three bodies */
static int
status_fetch(const struct ctl *c, struct ctl_reply *h, struct ctl_reply *rd, struct ctl_reply *st)
{
	int rc = ctl_call(c, "GET", "/v1/health", 0, 0, 1, h);

	if (rc != 0)
		return rc;
	rc = ctl_call(c, "GET", "/v1/ready", 0, 503, 1, rd);
	if (rc != 0) {
		ctl_reply_free(h);
		return rc;
	}
	rc = ctl_call(c, "GET", "/v1/stats", 1, 0, 1, st);
	if (rc != 0) {
		ctl_reply_free(rd);
		ctl_reply_free(h);
	}
	return rc;
}

static size_t
trimmed_len(const struct ctl_http_resp *r)
{
	size_t n = r->body_len;

	while (n > 0 && (r->body[n - 1] == '\n' || r->body[n - 1] == '\r' || r->body[n - 1] == ' '))
		n--;
	return n;
}

static int
cmd_status(struct ctl *c)
{
	struct ctl_reply h, rd, st;
	int rc = status_fetch(c, &h, &rd, &st);

	if (rc != 0)
		return rc;
	if (c->json) {
		/* the three bodies as the server sent them, in one object */
		if (out_write("{\"health\":", 10) || out_write(h.http.body, trimmed_len(&h.http)) ||
		        out_write(",\"ready\":", 9) ||
		        out_write(rd.http.body, trimmed_len(&rd.http)) ||
		        out_write(",\"stats\":", 9) ||
		        out_write(st.http.body, trimmed_len(&st.http)) || out_write("}\n", 2))
			rc = CTL_EXIT_IOERR;
	} else {
		char *buf = NULL, err[256] = "";
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m == NULL) {
			rc = CTL_EXIT_OSERR;
		} else {
			int vr = ctl_view_status(
			        m, c->target.authority, h.json, rd.json, st.json, err, sizeof(err));
			fclose(m);
			if (vr == CTL_VIEW_E_SHAPE) {
				fprintf(stderr, "rtcedgectl: status from %s: unexpected JSON: %s\n",
				        c->target.authority, err);
				rc = CTL_EXIT_PROTOCOL;
			} else if (vr != 0 || buf == NULL) {
				rc = CTL_EXIT_OSERR;
			} else {
				rc = out_write(buf, len);
			}
			free(buf);
		}
		if (rc == CTL_EXIT_OSERR)
			fprintf(stderr, "rtcedgectl: out of memory\n");
	}
	ctl_reply_free(&st);
	ctl_reply_free(&rd);
	ctl_reply_free(&h);
	return rc;
}

static int
query_add(char *q, size_t qlen, const char *key, const char *val)
{
	char enc[512];
	size_t n = strlen(q);

	if (val == NULL)
		return 0;
	if (pct_encode(val, enc, sizeof(enc)) != 0)
		return -1;
	if ((size_t)snprintf(q + n, qlen - n, "%c%s=%s", n ? '&' : '?', key, enc) >= qlen - n)
		return -1;
	return 0;
}

static int
cmd_sessions(struct ctl *c)
{
	char q[2048] = "", path[2100];

	if (query_add(q, sizeof(q), "stream", c->stream) ||
	        query_add(q, sizeof(q), "state", c->state) ||
	        query_add(q, sizeof(q), "role", c->role))
		return usage_error("filter too long", NULL);
	snprintf(path, sizeof(path), "/v1/sessions%s", q);
	return ctl_simple(c, "GET", path, ctl_view_sessions);
}

static int
session_path(const struct ctl *c, char *path, size_t len)
{
	char enc[512];

	if (c->id[0] == '\0' || pct_encode(c->id, enc, sizeof(enc)) != 0)
		return usage_error("bad session ID", c->id);
	snprintf(path, len, "/v1/sessions/%s", enc);
	return 0;
}

static int
cmd_session(struct ctl *c)
{
	char path[600];
	int rc = session_path(c, path, sizeof(path));

	return rc ? rc : ctl_simple(c, "GET", path, ctl_view_session);
}

static int
cmd_kill(struct ctl *c)
{
	char path[600];
	int rc = session_path(c, path, sizeof(path));

	return rc ? rc : ctl_simple(c, "DELETE", path, ctl_view_deleted);
}

static int
cmd_streams(struct ctl *c)
{
	return ctl_simple(c, "GET", "/v1/streams", ctl_view_streams);
}

static int
cmd_drain(struct ctl *c)
{
	return ctl_simple(c, c->off ? "DELETE" : "POST", "/v1/drain", ctl_view_drain);
}

static int
cmd_config(struct ctl *c)
{
	return ctl_simple(c, "GET", "/v1/config", ctl_view_config);
}

static int
cmd_metrics(struct ctl *c)
{
	struct ctl_reply r;
	int rc = ctl_call(c, "GET", "/metrics", 0, 0, 0, &r);

	if (rc != 0)
		return rc;
	rc = out_write(r.http.body, r.http.body_len);
	ctl_reply_free(&r);
	return rc;
}

static void
sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

static int
cmd_stats(struct ctl *c)
{
	int tty = isatty(STDOUT_FILENO), rc = 0;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; c->count == 0 || i < c->count; i++) {
		struct ctl_reply r;
		char *buf = NULL, err[256] = "";
		size_t len = 0;
		FILE *m;
		int vr;

		if (i > 0) {
			double s = floor(c->interval_s);
			next.tv_sec += (time_t)s;
			next.tv_nsec += (long)((c->interval_s - s) * 1e9);
			if (next.tv_nsec >= 1000000000L) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000L;
			}
			sleep_until(&next);
		}
		rc = ctl_call(c, "GET", "/v1/stats", 1, 0, 1, &r);
		if (rc != 0)
			break;
		if (c->json) {
			rc = out_body(&r.http);
			ctl_reply_free(&r);
			if (rc == 0 && fflush(stdout) != 0)
				rc = CTL_EXIT_IOERR;
			if (rc != 0)
				break;
			continue;
		}
		m = open_memstream(&buf, &len);
		if (m == NULL) {
			ctl_reply_free(&r);
			fprintf(stderr, "rtcedgectl: out of memory\n");
			rc = CTL_EXIT_OSERR;
			break;
		}
		/* a terminal: home and clear, like top; otherwise blocks apart by a blank line */
		if (tty)
			fputs("\033[H\033[2J", m);
		else if (i > 0)
			fputc('\n', m);
		vr = ctl_view_stats(m, c->target.authority, time(NULL), r.json, err, sizeof(err));
		fclose(m);
		ctl_reply_free(&r);
		if (vr == CTL_VIEW_E_SHAPE) {
			fprintf(stderr, "rtcedgectl: GET /v1/stats from %s: unexpected JSON: %s\n",
			        c->target.authority, err);
			rc = CTL_EXIT_PROTOCOL;
		} else if (vr != 0 || buf == NULL) {
			fprintf(stderr, "rtcedgectl: out of memory\n");
			rc = CTL_EXIT_OSERR;
		} else {
			rc = out_write(buf, len);
			if (rc == 0 && fflush(stdout) != 0)
				rc = CTL_EXIT_IOERR;
		}
		free(buf);
		if (rc != 0)
			break;
	}
	return rc;
}

/* ---- command line ---- */

enum {
	OPT_STREAM = 256,
	OPT_STATE,
	OPT_ROLE,
	OPT_OFF,
};

struct cmd {
	const char *name;
	int (*run)(struct ctl *c);
	int takes_id;
};

static const struct cmd cmds[] = {
        {"status", cmd_status, 0},
        {"sessions", cmd_sessions, 0},
        {"session", cmd_session, 1},
        {"kill", cmd_kill, 1},
        {"streams", cmd_streams, 0},
        {"drain", cmd_drain, 0},
        {"stats", cmd_stats, 0},
        {"config", cmd_config, 0},
        {"metrics", cmd_metrics, 0},
};

static int
parse_seconds(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int
token_ok(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t == 0x7f)
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"server", required_argument, NULL, 's'},
	        {"token", required_argument, NULL, 't'},
	        {"timeout", required_argument, NULL, 'T'},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {"stream", required_argument, NULL, OPT_STREAM},
	        {"state", required_argument, NULL, OPT_STATE},
	        {"role", required_argument, NULL, OPT_ROLE},
	        {"off", no_argument, NULL, OPT_OFF},
	        {"count", required_argument, NULL, 'n'},
	        {"interval", required_argument, NULL, 'i'},
	        {NULL, 0, NULL, 0},
	};
	struct ctl c;
	const struct cmd *cmd = NULL;
	const char *server = getenv("RTCEDGE_SERVER");
	char err[256];
	double timeout_s = CTL_DEFAULT_TIMEOUT_S;
	int o, rc, interval_set = 0;

	memset(&c, 0, sizeof(c));
	c.token = getenv("RTCEDGE_TOKEN");
	c.interval_s = 1.0;
	if (server == NULL || server[0] == '\0')
		server = CTL_DEFAULT_SERVER;
	opterr = 0; /* our messages, without argv[0]'s path */
	while ((o = getopt_long(argc, argv, "s:t:T:jhVn:i:", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			server = optarg;
			break;
		case 't':
			c.token = optarg;
			break;
		case 'T':
			if (parse_seconds(optarg, 0.001, 3600, &timeout_s) != 0)
				return usage_error(
				        "--timeout takes seconds in 0.001..3600", optarg);
			break;
		case 'j':
			c.json = 1;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_IOERR;
		case 'V':
			printf("rtcedgectl %s\n", RTCEDGE_VERSION);
			return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_IOERR;
		case OPT_STREAM:
			c.stream = optarg;
			break;
		case OPT_STATE:
			if (strcmp(optarg, "new") != 0 && strcmp(optarg, "checking") != 0 &&
			        strcmp(optarg, "connected") != 0)
				return usage_error("--state is new, checking or connected", optarg);
			c.state = optarg;
			break;
		case OPT_ROLE:
			if (strcmp(optarg, "whip") != 0 && strcmp(optarg, "whep") != 0)
				return usage_error("--role is whip or whep", optarg);
			c.role = optarg;
			break;
		case OPT_OFF:
			c.off = 1;
			break;
		case 'n': {
			char *end;
			errno = 0;
			c.count = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || c.count < 1)
				return usage_error("-n takes a count >= 1", optarg);
			break;
		}
		case 'i':
			if (parse_seconds(optarg, 0.05, 3600, &c.interval_s) != 0)
				return usage_error("-i takes seconds in 0.05..3600", optarg);
			interval_set = 1;
			break;
		default:
			if (optopt != 0 && strchr("stTni", optopt) != NULL) {
				char o2[3] = {'-', (char)optopt, '\0'};
				return usage_error("missing the argument of", o2);
			}
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command", NULL);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			cmd = &cmds[i];
	if (cmd == NULL)
		return usage_error("unknown command", argv[optind]);
	if (cmd->takes_id) {
		if (optind + 1 >= argc)
			return usage_error("missing the session ID after", cmd->name);
		c.id = argv[optind + 1];
	}
	if (argc - optind > 1 + cmd->takes_id)
		return usage_error("unexpected argument", argv[optind + 1 + cmd->takes_id]);
	if ((c.stream || c.state || c.role) && strcmp(cmd->name, "sessions") != 0)
		return usage_error("--stream, --state and --role are options of 'sessions'", NULL);
	if (c.off && strcmp(cmd->name, "drain") != 0)
		return usage_error("--off is an option of 'drain'", NULL);
	if ((c.count || interval_set) && strcmp(cmd->name, "stats") != 0)
		return usage_error("-n and -i are options of 'stats'", NULL);
	if (c.token != NULL && c.token[0] == '\0')
		c.token = NULL;
	if (c.token != NULL && !token_ok(c.token))
		return usage_error("the token has a space or a control character", NULL);
	if (ctl_http_target_parse(server, &c.target, err, sizeof(err)) != 0)
		return usage_error(err, NULL);
	c.timeout_ms = (int)lround(timeout_s * 1000);
	if (c.timeout_ms < 1)
		c.timeout_ms = 1;
	rc = cmd->run(&c);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "rtcedgectl: writing the output: %s\n", strerror(errno));
		rc = CTL_EXIT_IOERR;
	}
	return rc;
}
