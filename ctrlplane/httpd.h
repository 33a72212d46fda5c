/*
 * HTTP listeners on libmicrohttpd, driven by the control lcore's own loop:
 * MHD runs without threads of its own (external epoll mode), so every
 * handler runs on the control lcore, never on a worker, and never
 * concurrently with the session manager.
 *
 * Owns the MHD daemons and the translation between MHD and http.h: request
 * bodies are collected up to the listener's limit (beyond it the handler
 * sees body_too_big and answers 413 without the rest being read), headers
 * we act on are picked out, the response's headers and body are queued.
 * Why libmicrohttpd: the HTTP/1.1 parsing is a well-fuzzed library's job
 * (Janus uses it too), it can run inside our loop (no threads, no locks),
 * and Debian ships it; see docs/architecture.md.
 */
#ifndef RTC_HTTPD_H
#define RTC_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

struct httpd;
struct sockaddr;

/* The request handler; @r is initialized and freed by httpd. */
typedef void (*httpd_handler_fn)(void *ctx, const struct http_req *q, struct http_resp *r);
/* Called after each response was queued, with the time since the request's first byte. */
typedef void (*httpd_done_fn)(void *ctx, const struct http_req *q, const struct http_resp *r,
		uint64_t elapsed_us);

struct httpd_params {
	const char *name; /* "whip", "rest": for logs */
	const struct sockaddr *addr;
	unsigned addrlen;
	unsigned max_connections;
	size_t max_body;
	unsigned timeout_s; /* idle connection timeout */
	httpd_handler_fn handler;
	httpd_done_fn done; /* may be NULL */
	void *ctx;
	uint64_t (*now_us)(void); /* the monotonic clock handlers see */
	/*
	 * For responses with http_resp.stream set: copy what follows *@cursor into
	 * @buf (whole messages, at most @max bytes), move the cursor; 0 when
	 * nothing is new (the connection then sleeps until httpd_wake_streams()).
	 * NULL: this listener has no streams.
	 */
	size_t (*stream_read)(void *ctx, uint64_t *cursor, char *buf, size_t max);
};

/* How often an idle stream gets an SSE comment so that proxies keep it open. */
#define HTTPD_STREAM_KEEPALIVE_US 15000000

/* Listen; NULL with @err on failure (address in use, permissions). */
struct httpd *httpd_start(const struct httpd_params *p, char *err, size_t errlen);
void httpd_stop(struct httpd *h);
/* The fd to wait on (readable = work to do), and the longest wait in ms (-1 = none). */
int httpd_fd(const struct httpd *h);
int httpd_timeout_ms(struct httpd *h);
/* Do whatever work is ready; never blocks. */
void httpd_run(struct httpd *h);
/* New data for the streams: wake the sleeping ones (and send keep-alives when due). */
void httpd_wake_streams(struct httpd *h);
/* Streams open now. */
unsigned httpd_streams(const struct httpd *h);
/* The port actually bound (useful with port 0 in tests). */
uint16_t httpd_port(const struct httpd *h);

#endif
