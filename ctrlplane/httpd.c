/* libmicrohttpd listeners in external epoll mode (see httpd.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "httpd.h"
#include "log.h"

struct httpd_stream;

struct httpd {
	struct MHD_Daemon *d;
	struct httpd_params p;
	char name[16];
	unsigned n_streams;
	struct httpd_stream *sleeping; /* suspended streams, waiting for data */
};

/* One streaming response (SSE): where its client is, and whether it sleeps. */
struct httpd_stream {
	struct httpd *h;
	struct MHD_Connection *c;
	uint64_t cursor;
	uint64_t last_us; /* last bytes sent */
	int asleep;
	struct httpd_stream *next;
};

static const char keepalive[] = ": keepalive\n\n";

static ssize_t
httpd_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct httpd_stream *st = cls;
	struct httpd *h = st->h;
	uint64_t now = h->p.now_us();
	size_t n;

	(void)pos;
	n = h->p.stream_read(h->p.ctx, &st->cursor, buf, max);
	if (n == 0 && now - st->last_us >= HTTPD_STREAM_KEEPALIVE_US && max >= sizeof(keepalive)) {
		memcpy(buf, keepalive, sizeof(keepalive) - 1);
		n = sizeof(keepalive) - 1;
	}
	if (n > 0) {
		st->last_us = now;
		return (ssize_t)n;
	}
	/* nothing to send: sleep until httpd_wake_streams() (no busy polling) */
	MHD_suspend_connection(st->c);
	st->asleep = 1;
	st->next = h->sleeping;
	h->sleeping = st;
	return 0;
}

static void
httpd_stream_free(void *cls)
{
	struct httpd_stream *st = cls;
	struct httpd_stream **pp = &st->h->sleeping;

	while (*pp != NULL && *pp != st)
		pp = &(*pp)->next;
	if (*pp == st)
		*pp = st->next;
	st->h->n_streams--;
	free(st);
}

void
httpd_wake_streams(struct httpd *h)
{
	struct httpd_stream *st = h->sleeping;

	h->sleeping = NULL;
	while (st != NULL) {
		struct httpd_stream *next = st->next;
		st->asleep = 0;
		st->next = NULL;
		MHD_resume_connection(st->c);
		st = next;
	}
}

unsigned
httpd_streams(const struct httpd *h)
{
	return h->n_streams;
}

/* Per request: the body so far and the clock at its first byte. */
struct httpd_req {
	uint64_t start_us;
	size_t len;
	uint8_t too_big;
	uint8_t responded;
	uint8_t *body; /* max_body + 1 bytes, allocated on the first body chunk */
};

static void __attribute__((format(printf, 2, 0)))
httpd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];
	struct httpd *h = cls;

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	RTC_LOG(NOTICE, "http %s: %s", h->name, line);
}

static void
httpd_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		enum MHD_RequestTerminationCode toe)
{
	struct httpd_req *hr = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (hr != NULL) {
		free(hr->body);
		free(hr);
		*con_cls = NULL;
	}
}

/* Query arguments back into "k=v&k=v" (MHD hands them over parsed and decoded). */
struct query_buf {
	char *buf;
	size_t len, cap;
};

static enum MHD_Result
httpd_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_buf *qb = cls;
	int n;

	(void)kind;
	n = snprintf(qb->buf + qb->len, qb->cap - qb->len, "%s%s=%s", qb->len ? "&" : "", key,
			value ? value : "");
	if (n < 0 || (size_t)n >= qb->cap - qb->len)
		return MHD_NO;
	qb->len += (size_t)n;
	return MHD_YES;
}

static enum MHD_Result
httpd_respond(struct httpd *h, struct MHD_Connection *c, struct httpd_req *hr, const char *url,
		const char *method)
{
	struct http_req q = {0};
	struct http_resp r;
	struct MHD_Response *resp;
	const union MHD_ConnectionInfo *ci;
	char query[1024];
	struct query_buf qb = {query, 0, sizeof(query)};
	enum MHD_Result ok;

	q.method_str = method;
	q.method = http_method_parse(method);
	q.path = url;
	query[0] = '\0';
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, httpd_query_arg, &qb);
	q.query = qb.len ? query : NULL;
	q.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	q.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	q.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
	q.origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	q.acr_method = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			"Access-Control-Request-Method");
	q.acr_headers = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			"Access-Control-Request-Headers");
	q.last_event_id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	q.body = hr->body;
	q.body_len = hr->len;
	q.body_too_big = hr->too_big;
	q.now_us = h->p.now_us();
	q.unix_s = (int64_t)time(NULL);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			q.peer_family = 4;
			memcpy(q.peer, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		} else if (sa->sa_family == AF_INET6) {
			const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
			if (IN6_IS_ADDR_V4MAPPED(a6)) {
				q.peer_family = 4;
				memcpy(q.peer, &a6->s6_addr[12], 4);
			} else {
				q.peer_family = 6;
				memcpy(q.peer, a6, 16);
			}
		}
	}
	http_resp_init(&r);
	h->p.handler(h->p.ctx, &q, &r);
	if (r.hdr_overflow || r.body_oom) {
		http_resp_free(&r);
		http_resp_init(&r);
		http_resp_error(&r, 500, "response too large for its buffers");
	}
	if (r.stream && h->p.stream_read != NULL && r.status == 200) {
		struct httpd_stream *st = calloc(1, sizeof(*st));
		if (st == NULL) {
			http_resp_free(&r);
			return MHD_NO;
		}
		st->h = h;
		st->c = c;
		st->cursor = r.stream_cursor;
		st->last_us = h->p.now_us();
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, httpd_stream_read, st,
				httpd_stream_free);
		if (resp == NULL)
			free(st);
		else
			h->n_streams++;
	} else {
		resp = MHD_create_response_from_buffer(r.body_len, r.body ? r.body : (char *)"",
				MHD_RESPMEM_MUST_COPY);
	}
	if (resp == NULL) {
		http_resp_free(&r);
		return MHD_NO;
	}
	for (unsigned i = 0; i < r.n_hdr; i++)
		MHD_add_response_header(resp, r.hdr_buf + r.hdr_name[i], r.hdr_buf + r.hdr_value[i]);
	ok = MHD_queue_response(c, (unsigned)r.status, resp);
	MHD_destroy_response(resp);
	hr->responded = 1;
	if (h->p.done != NULL)
		h->p.done(h->p.ctx, &q, &r, h->p.now_us() - hr->start_us);
	http_resp_free(&r);
	return ok;
}

static enum MHD_Result
httpd_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
		const char *version, const char *upload_data, size_t *upload_data_size,
		void **con_cls)
{
	struct httpd *h = cls;
	struct httpd_req *hr = *con_cls;

	(void)version;
	if (hr == NULL) {
		const char *cl;
		hr = calloc(1, sizeof(*hr));
		if (hr == NULL)
			return MHD_NO;
		hr->start_us = h->p.now_us();
		*con_cls = hr;
		/* a declared length over the limit is refused before its body is read */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl != NULL && strtoull(cl, NULL, 10) > h->p.max_body) {
			hr->too_big = 1;
			return httpd_respond(h, c, hr, url, method);
		}
		return MHD_YES;
	}
	if (hr->responded) {
		*upload_data_size = 0; /* discard the rest; MHD closes the connection */
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		size_t n = *upload_data_size;
		if (!hr->too_big && hr->len + n > h->p.max_body) {
			hr->too_big = 1;
			*upload_data_size = 0;
			return httpd_respond(h, c, hr, url, method);
		}
		if (hr->body == NULL && (hr->body = malloc(h->p.max_body + 1)) == NULL)
			return MHD_NO;
		memcpy(hr->body + hr->len, upload_data, n);
		hr->len += n;
		hr->body[hr->len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	return httpd_respond(h, c, hr, url, method);
}

struct httpd *
httpd_start(const struct httpd_params *p, char *err, size_t errlen)
{
	struct httpd *h = calloc(1, sizeof(*h));
	unsigned flags = MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG;

	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->p = *p;
	snprintf(h->name, sizeof(h->name), "%s", p->name);
	if (p->addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (p->stream_read != NULL)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, httpd_access, h, MHD_OPTION_EXTERNAL_LOGGER,
			httpd_log, h, MHD_OPTION_SOCK_ADDR, p->addr, MHD_OPTION_CONNECTION_LIMIT,
			p->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, p->timeout_s,
			MHD_OPTION_NOTIFY_COMPLETED, httpd_completed, h, MHD_OPTION_END);
	if (h->d == NULL) {
		char a[INET6_ADDRSTRLEN] = "?";
		uint16_t port = 0;
		if (p->addr->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((const struct sockaddr_in *)p->addr)->sin_addr, a, sizeof(a));
			port = ntohs(((const struct sockaddr_in *)p->addr)->sin_port);
		} else {
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)p->addr)->sin6_addr, a,
					sizeof(a));
			port = ntohs(((const struct sockaddr_in6 *)p->addr)->sin6_port);
		}
		snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an address of "
				      "this host)",
				a, port);
		free(h);
		return NULL;
	}
	return h;
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	httpd_wake_streams(h); /* MHD must not be stopped with suspended connections */
	MHD_stop_daemon(h->d);
	free(h);
}

int
httpd_fd(const struct httpd *h)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

int
httpd_timeout_ms(struct httpd *h)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (MHD_get_timeout(h->d, &t) != MHD_YES)
		return -1;
	return t > 1000000 ? 1000000 : (int)t;
}

void
httpd_run(struct httpd *h)
{
	MHD_run(h->d);
}

uint16_t
httpd_port(const struct httpd *h)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}
