/* HTTP request/response data and header parsers (see http.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

void
http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
}

void
http_resp_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = r->body_cap = 0;
}

int
http_resp_header(struct http_resp *r, const char *name, const char *fmt, ...)
{
	size_t nlen = strlen(name), room;
	va_list ap;
	int n;

	if (r->n_hdr == HTTP_MAX_HEADERS || r->hdr_used + nlen + 2 > HTTP_HDR_SPACE) {
		r->hdr_overflow = 1;
		return -1;
	}
	room = HTTP_HDR_SPACE - r->hdr_used - nlen - 1;
	va_start(ap, fmt);
	n = vsnprintf(r->hdr_buf + r->hdr_used + nlen + 1, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room ||
			strpbrk(r->hdr_buf + r->hdr_used + nlen + 1, "\r\n") != NULL) {
		r->hdr_overflow = 1;
		return -1;
	}
	memcpy(r->hdr_buf + r->hdr_used, name, nlen + 1);
	r->hdr_name[r->n_hdr] = r->hdr_used;
	r->hdr_value[r->n_hdr] = (uint16_t)(r->hdr_used + nlen + 1);
	r->hdr_used = (uint16_t)(r->hdr_used + nlen + 1 + (size_t)n + 1);
	r->n_hdr++;
	return 0;
}

const char *
http_resp_header_get(const struct http_resp *r, const char *name)
{
	for (unsigned i = 0; i < r->n_hdr; i++)
		if (strcasecmp(r->hdr_buf + r->hdr_name[i], name) == 0)
			return r->hdr_buf + r->hdr_value[i];
	return NULL;
}

static int
http_resp_reserve(struct http_resp *r, size_t more)
{
	size_t cap;
	char *nb;

	if (r->body_oom)
		return -1;
	if (r->body_len + more + 1 <= r->body_cap)
		return 0;
	cap = r->body_cap ? r->body_cap : 1024;
	while (cap < r->body_len + more + 1)
		cap *= 2;
	nb = realloc(r->body, cap);
	if (nb == NULL) {
		r->body_oom = 1;
		return -1;
	}
	r->body = nb;
	r->body_cap = cap;
	return 0;
}

void
http_resp_append(struct http_resp *r, const void *data, size_t len)
{
	if (http_resp_reserve(r, len) != 0)
		return;
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
}

static void __attribute__((format(printf, 2, 0)))
http_resp_vprintf(struct http_resp *r, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || http_resp_reserve(r, (size_t)n) != 0)
		return;
	vsnprintf(r->body + r->body_len, (size_t)n + 1, fmt, ap);
	r->body_len += (size_t)n;
}

void
http_resp_printf(struct http_resp *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_resp_vprintf(r, fmt, ap);
	va_end(ap);
}

void
http_resp_error(struct http_resp *r, int status, const char *fmt, ...)
{
	va_list ap;
	size_t start;

	r->status = status;
	r->body_len = 0;
	if (r->body != NULL)
		r->body[0] = '\0';
	http_resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	start = r->body_len;
	va_start(ap, fmt);
	http_resp_vprintf(r, fmt, ap);
	va_end(ap);
	/* one line: a reason copied from input never breaks the line */
	for (size_t i = start; i < r->body_len; i++)
		if (r->body[i] == '\r' || r->body[i] == '\n')
			r->body[i] = ' ';
	http_resp_append(r, "\n", 1);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

static const char *const method_names[] = {
	[HTTP_OTHER] = "OTHER",
	[HTTP_GET] = "GET",
	[HTTP_HEAD] = "HEAD",
	[HTTP_POST] = "POST",
	[HTTP_PATCH] = "PATCH",
	[HTTP_DELETE] = "DELETE",
	[HTTP_OPTIONS] = "OPTIONS",
	[HTTP_PUT] = "PUT",
};

enum http_method
http_method_parse(const char *s)
{
	/* methods are case-sensitive (RFC 9110 §9.1) */
	for (unsigned i = HTTP_GET; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *
http_method_name(enum http_method m)
{
	return (unsigned)m < sizeof(method_names) / sizeof(method_names[0]) ? method_names[m]
									    : "OTHER";
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

int
http_media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want), i = 0;

	if (ct == NULL)
		return 0;
	while (is_ows(*ct))
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return 0;
	i = n;
	while (is_ows(ct[i]))
		i++;
	return ct[i] == '\0' || ct[i] == ';';
}

/* RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text */
static int
is_etagc(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

int
http_if_match(const char *h, const char *etag)
{
	size_t elen = strlen(etag);
	int match = 0, any = 0;
	const char *p = h;

	if (h == NULL)
		return -1;
	while (is_ows(*p))
		p++;
	if (*p == '*') {
		p++;
		while (is_ows(*p))
			p++;
		return *p == '\0' ? 1 : -1;
	}
	for (;;) {
		int weak = 0;
		const char *start;
		while (is_ows(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (p[0] == 'W' && p[1] == '/') {
			weak = 1;
			p += 2;
		}
		if (*p != '"')
			return -1;
		start = p++;
		while (*p != '"' && *p != '\0') {
			if (!is_etagc((unsigned char)*p))
				return -1;
			p++;
		}
		if (*p != '"')
			return -1;
		p++;
		any = 1;
		/* strong comparison (RFC 9110 §8.8.3.2): both strong, same opaque-tag */
		if (!weak && (size_t)(p - start) == elen && memcmp(start, etag, elen) == 0)
			match = 1;
		while (is_ows(*p))
			p++;
		if (*p != ',' && *p != '\0')
			return -1;
	}
	return any ? match : -1;
}

/* RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
int
http_bearer(const char *authz, const char **tok, size_t *len)
{
	const char *p;
	size_t n = 0;

	if (authz == NULL || *authz == '\0')
		return -1;
	if (strncasecmp(authz, "Bearer", 6) != 0 || authz[6] != ' ')
		return -2;
	p = authz + 6;
	while (*p == ' ')
		p++;
	while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') ||
			(p[n] >= '0' && p[n] <= '9') || strchr("-._~+/", p[n]) != NULL) {
		if (p[n] == '\0')
			break;
		n++;
	}
	if (n == 0)
		return -2;
	while (p[n] == '=')
		n++;
	if (p[n] != '\0')
		return -2;
	*tok = p;
	*len = n;
	return 0;
}

int
http_list_next(const char **pp, const char **item, size_t *len)
{
	const char *p = *pp, *end;
	size_t n;

	if (p == NULL)
		return 0;
	while (*p == ' ')
		p++;
	end = strchr(p, ',');
	if (end == NULL)
		end = p + strlen(p);
	n = (size_t)(end - p);
	while (n && p[n - 1] == ' ')
		n--;
	*item = p;
	*len = n;
	*pp = *end ? end + 1 : NULL;
	return 1;
}

int
http_path_split(const char *path, char *buf, size_t buflen, const char **seg, int max)
{
	size_t len = strlen(path);
	int n = 0;
	char *p;

	if (path[0] != '/' || len >= buflen)
		return -1;
	memcpy(buf, path + 1, len);
	p = buf;
	if (*p == '\0')
		return 0;
	for (;;) {
		char *slash = strchr(p, '/');
		if (n == max)
			return -1;
		seg[n++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
		if (*p == '\0')
			break; /* one trailing slash is tolerated */
	}
	return n;
}

void
http_peer_format(const struct http_req *q, char *buf, size_t len)
{
	if (q->peer_family == 4)
		inet_ntop(AF_INET, q->peer, buf, (socklen_t)len);
	else if (q->peer_family == 6)
		inet_ntop(AF_INET6, q->peer, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
}
