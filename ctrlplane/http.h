/*
 * HTTP requests and responses as plain data, for the handlers of the WHIP/WHEP
 * listener and the REST port. Sans-IO: the server glue (httpd.c, on
 * libmicrohttpd) fills a struct http_req from the wire and sends the struct
 * http_resp a handler filled; handlers, tests and fuzzers never see a socket.
 *
 * Owns: the request view (method, path, the headers we act on, body, peer,
 * clock), the response builder (status, headers, body in a growing buffer;
 * one-line text reasons for errors) and the parsers of the header values we
 * read: media types (RFC 9110 §8.3.1), If-Match (RFC 9110 §13.1.1), Bearer
 * credentials (RFC 6750 §2.1).
 */
#ifndef RTC_HTTP_H
#define RTC_HTTP_H

#include <stddef.h>
#include <stdint.h>

enum http_method {
	HTTP_OTHER = 0,
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_PUT,
};

/* A request. Strings are NUL-terminated views owned by the caller; absent headers are NULL. */
struct http_req {
	enum http_method method;
	const char *method_str;
	const char *path;  /* without the query */
	const char *query; /* after '?', or NULL */
	const char *content_type;
	const char *authorization;
	const char *if_match;
	const char *origin;
	const char *acr_method;  /* Access-Control-Request-Method (CORS preflight) */
	const char *acr_headers; /* Access-Control-Request-Headers */
	const char *last_event_id; /* Last-Event-ID (SSE resume) */
	const uint8_t *body;
	size_t body_len;
	uint8_t body_too_big; /* the body was longer than the listener's limit (413) */
	uint8_t peer_family;  /* 4 or 6; 0 unknown */
	uint8_t peer[16];     /* client address, IPv4 in the first 4 bytes */
	uint64_t now_us;      /* monotonic clock */
	int64_t unix_s;       /* wall clock, for token expiry */
};

#define HTTP_MAX_HEADERS 16
#define HTTP_HDR_SPACE 2048

struct http_resp {
	int status;
	unsigned n_hdr;
	uint16_t hdr_name[HTTP_MAX_HEADERS]; /* offsets into hdr_buf */
	uint16_t hdr_value[HTTP_MAX_HEADERS];
	uint16_t hdr_used;
	char hdr_buf[HTTP_HDR_SPACE];
	uint8_t hdr_overflow; /* a header did not fit: a bug, the glue answers 500 */
	char *body;           /* malloc'd, NUL-terminated; NULL for none */
	size_t body_len;
	size_t body_cap;
	uint8_t body_oom;
	/* The body is an endless stream (Server-Sent Events) the server glue pulls with its
	 * stream reader from @stream_cursor on; @body is not sent. */
	uint8_t stream;
	uint64_t stream_cursor;
};

void http_resp_init(struct http_resp *r);
void http_resp_free(struct http_resp *r);
/* Add a header (names are sent as given; values must not contain CR or LF, else refused). */
int http_resp_header(struct http_resp *r, const char *name, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
/* The value of header @name already set (case-insensitive), or NULL. */
const char *http_resp_header_get(const struct http_resp *r, const char *name);
/* Append to the body. */
void http_resp_append(struct http_resp *r, const void *data, size_t len);
void http_resp_printf(struct http_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set @status, Content-Type text/plain and the body "<reason>\n": an error with its one-line reason. */
void http_resp_error(struct http_resp *r, int status, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

/* RFC 9110 reason phrase of @status, "" if unknown. */
const char *http_status_text(int status);
enum http_method http_method_parse(const char *s);
const char *http_method_name(enum http_method m);

/*
 * Does the Content-Type @ct name media type @want ("application/sdp")?
 * Type and subtype compared without case, parameters ignored (RFC 9110
 * §8.3.1). NULL @ct never matches.
 */
int http_media_type_is(const char *ct, const char *want);

/*
 * RFC 9110 §13.1.1 If-Match against our current strong entity tag @etag
 * (with its quotes, e.g. "\"a1b2\""): 1 if it matches ("*" or one of the
 * listed tags by strong comparison; weak tags never match), 0 if not, -1 if
 * the header is not a valid If-Match value.
 */
int http_if_match(const char *if_match, const char *etag);

/*
 * RFC 6750 §2.1: "Bearer" 1*SP b64token. 0 and @tok/@len pointing into @authz,
 * -1 if @authz is NULL/empty (no credentials), -2 if malformed or another scheme.
 */
int http_bearer(const char *authz, const char **tok, size_t *len);

/*
 * Comma-separated configuration lists ("a, b,c"): start with *@p = the list,
 * or NULL for an empty one; each call gives the next item without the
 * blanks around it (possibly empty: "a,,b" and "a," have an empty item) and
 * moves *@p on. 1, or 0 when there is none left.
 */
int http_list_next(const char **p, const char **item, size_t *len);

/* Split @path at '/' into up to @max segments (views into a copy in @buf); count or -1. */
int http_path_split(const char *path, char *buf, size_t buflen, const char **seg, int max);

/* Client address as text ("198.18.0.1", "fd00::1"). */
void http_peer_format(const struct http_req *q, char *buf, size_t len);

#endif
