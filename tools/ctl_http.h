/*
 * rtcedgectl's HTTP/1.1 client: one request per connection over a plain POSIX
 * socket, to the REST control port (docs/openapi.json).
 *
 * Owns: the server address (HOST[:PORT] or http://HOST[:PORT][/prefix]), the
 * request (method, path, Bearer token, "Connection: close"), the deadline
 * (connect, send and the whole response within one timeout), and the response
 * parser: status line, headers, and the body framed by Content-Length, by
 * chunked transfer coding or by the end of the connection (RFC 9112 §6.3).
 * The parser is sans-IO (bytes in, a filled struct out) and never half-fills
 * its output: on an error or an incomplete response the output is untouched.
 */
#ifndef RTC_CTL_HTTP_H
#define RTC_CTL_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define CTL_HTTP_DEFAULT_PORT "9090"
#define CTL_HTTP_HEAD_MAX (64 * 1024)         /* status line + headers */
#define CTL_HTTP_BODY_MAX (64u * 1024 * 1024) /* decoded body */
#define CTL_HTTP_HEADERS_MAX 100

/* Results: 0 done, CTL_HTTP_MORE incomplete (parsers only), or a negative CTL_HTTP_E_*. */
enum {
	CTL_HTTP_MORE = 1,
	CTL_HTTP_E_ARG = -1,     /* bad server address or request argument */
	CTL_HTTP_E_RESOLVE = -2, /* host name does not resolve */
	CTL_HTTP_E_CONNECT = -3, /* connection refused, unreachable, reset */
	CTL_HTTP_E_TIMEOUT = -4, /* connect, send or response past the deadline */
	CTL_HTTP_E_PROTO = -5,   /* not a well-formed HTTP/1.x response */
	CTL_HTTP_E_NOMEM = -6,
};

enum ctl_http_framing {
	CTL_HTTP_FRAME_NONE = 0, /* no body: 1xx, 204, 304 */
	CTL_HTTP_FRAME_LENGTH,   /* Content-Length */
	CTL_HTTP_FRAME_CHUNKED,  /* Transfer-Encoding ending in chunked */
	CTL_HTTP_FRAME_CLOSE,    /* until the server closes */
};

struct ctl_http_target {
	char host[256];      /* name or address, without brackets */
	char port[8];        /* decimal */
	char authority[280]; /* Host header: host:port, [v6]:port */
	char prefix[256];    /* path prefix without a trailing '/', "" for none */
};

/* Status line and headers of a response. */
struct ctl_http_head {
	int status;
	char reason[128];
	char content_type[128]; /* "" when absent */
	enum ctl_http_framing framing;
	uint64_t content_length; /* CTL_HTTP_FRAME_LENGTH */
	size_t head_len;         /* bytes up to and including the empty line */
};

struct ctl_http_resp {
	int status;
	char reason[128];
	char content_type[128];
	char *body; /* malloc'd, NUL-terminated; ctl_http_resp_free() */
	size_t body_len;
};

/* Parse a server address; 0 or CTL_HTTP_E_ARG with the reason in @err. */
int ctl_http_target_parse(const char *spec, struct ctl_http_target *t, char *err, size_t errlen);

/* Status line and headers at the start of @buf (1xx interim responses skipped). */
int ctl_http_head_parse(
        const char *buf, size_t len, struct ctl_http_head *h, char *err, size_t errlen);

/* A chunked body (RFC 9112 §7.1) at @buf, decoded into @out (room for @len bytes suffices);
 * *@out_len the decoded length, *@used the bytes consumed including the trailer section. */
int ctl_http_chunked_decode(const char *buf, size_t len, char *out, size_t *out_len, size_t *used,
        char *err, size_t errlen);

/* A whole response in @buf; @eof: the server has closed (ends a close-delimited body). */
int ctl_http_resp_parse(
        const char *buf, size_t len, int eof, struct ctl_http_resp *out, char *err, size_t errlen);

/* One request: connect, send, read the response, close; all within @timeout_ms.
 * @token (NULL for none) goes in "Authorization: Bearer". @path starts with '/'. */
int ctl_http_request(const struct ctl_http_target *t, const char *method, const char *path,
        const char *token, int timeout_ms, struct ctl_http_resp *out, char *err, size_t errlen);

void ctl_http_resp_free(struct ctl_http_resp *r);

#endif
