/* rtcedgectl's HTTP/1.1 client (see ctl_http.h). */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rtcedge_version.h"
#include "ctl_http.h"

static void __attribute__((format(printf, 3, 4)))
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Up to 40 bytes of the server's @s (@n long) for an error message, non-printables as '?'. */
static const char *
excerpt(const char *s, size_t n, char *out, size_t outlen)
{
	size_t k = n < 40 ? n : 40;

	if (k >= outlen)
		k = outlen - 1;
	for (size_t i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	out[k] = '\0';
	return out;
}

/* ---- server address ---- */

static int
port_ok(const char *p, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

int
ctl_http_target_parse(const char *spec, struct ctl_http_target *t, char *err, size_t errlen)
{
	struct ctl_http_target n;
	const char *p = spec, *end, *slash, *host, *port = NULL;
	size_t hlen, plen = 0;
	int v6 = 0;

	memset(&n, 0, sizeof(n));
	if (strncasecmp(p, "http://", 7) == 0) {
		p += 7;
	} else if (strstr(p, "://") != NULL) {
		errf(err, errlen, "server '%s': only http:// is supported", spec);
		return CTL_HTTP_E_ARG;
	}
	slash = strchr(p, '/');
	end = slash ? slash : p + strlen(p);
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (rb == NULL) {
			errf(err, errlen, "server '%s': '[' without ']'", spec);
			return CTL_HTTP_E_ARG;
		}
		host = p + 1;
		hlen = (size_t)(rb - host);
		v6 = 1;
		if (rb + 1 < end) {
			if (rb[1] != ':') {
				errf(err, errlen, "server '%s': expected ':' after ']'", spec);
				return CTL_HTTP_E_ARG;
			}
			port = rb + 2;
			plen = (size_t)(end - port);
		}
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		host = p;
		hlen = colon ? (size_t)(colon - p) : (size_t)(end - p);
		if (colon != NULL) {
			if (memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL) {
				errf(err, errlen,
				        "server '%s': write an IPv6 address as [addr]:port", spec);
				return CTL_HTTP_E_ARG;
			}
			port = colon + 1;
			plen = (size_t)(end - port);
		}
	}
	if (hlen == 0 || hlen >= sizeof(n.host)) {
		errf(err, errlen, "server '%s': %s host", spec, hlen ? "too long a" : "no");
		return CTL_HTTP_E_ARG;
	}
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c <= ' ' || c >= 0x7f || c == '@' || c == '?' || c == '#' || c == '[' ||
		        c == ']') {
			errf(err, errlen, "server '%s': bad character in the host", spec);
			return CTL_HTTP_E_ARG;
		}
	}
	if (port != NULL && !port_ok(port, plen)) {
		errf(err, errlen, "server '%s': port must be 1..65535", spec);
		return CTL_HTTP_E_ARG;
	}
	memcpy(n.host, host, hlen);
	if (port != NULL)
		memcpy(n.port, port, plen);
	else
		snprintf(n.port, sizeof(n.port), "%s", CTL_HTTP_DEFAULT_PORT);
	snprintf(n.authority, sizeof(n.authority), v6 ? "[%s]:%s" : "%s:%s", n.host, n.port);
	if (slash != NULL) {
		size_t len = strlen(slash);
		while (len > 0 && slash[len - 1] == '/')
			len--;
		if (len >= sizeof(n.prefix)) {
			errf(err, errlen, "server '%s': path prefix too long", spec);
			return CTL_HTTP_E_ARG;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)slash[i];
			if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') {
				errf(err, errlen, "server '%s': bad character in the path prefix",
				        spec);
				return CTL_HTTP_E_ARG;
			}
		}
		memcpy(n.prefix, slash, len);
	}
	*t = n;
	return 0;
}

/* ---- response parser ---- */

/* The line at @off (LF or CRLF terminated, RFC 9112 §2.2); 0 or CTL_HTTP_MORE. */
static int
line_next(const char *buf, size_t len, size_t *off, const char **line, size_t *linelen)
{
	const char *lf = memchr(buf + *off, '\n', len - *off);
	size_t n;

	if (lf == NULL)
		return CTL_HTTP_MORE;
	*line = buf + *off;
	n = (size_t)(lf - *line);
	*off += n + 1;
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*linelen = n;
	return 0;
}

static int
tchar(unsigned char c)
{
	/* RFC 9110 §5.6.2 token */
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
hdr_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* "HTTP/1.x SSS reason" (RFC 9112 §4) */
static int
status_line_parse(const char *l, size_t n, struct ctl_http_head *h, char *err, size_t errlen)
{
	size_t rlen;

	if (n < 12 || strncmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') ||
	        l[8] != ' ' || l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
	        l[11] < '0' || l[11] > '9' || (n > 12 && l[12] != ' ')) {
		char ex[48];
		errf(err, errlen, "not an HTTP/1.x status line: '%s'",
		        excerpt(l, n, ex, sizeof(ex)));
		return CTL_HTTP_E_PROTO;
	}
	h->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	rlen = n > 13 ? n - 13 : 0;
	if (rlen >= sizeof(h->reason))
		rlen = sizeof(h->reason) - 1;
	if (rlen > 0)
		memcpy(h->reason, l + 13, rlen);
	h->reason[rlen] = '\0';
	return 0;
}

static int
content_length_parse(const char *v, size_t n, uint64_t *out, char *err, size_t errlen)
{
	uint64_t x = 0;

	if (n == 0) {
		errf(err, errlen, "empty Content-Length");
		return CTL_HTTP_E_PROTO;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			char ex[48];
			errf(err, errlen, "bad Content-Length '%s'", excerpt(v, n, ex, sizeof(ex)));
			return CTL_HTTP_E_PROTO;
		}
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > CTL_HTTP_BODY_MAX) {
			errf(err, errlen, "Content-Length over %u bytes", CTL_HTTP_BODY_MAX);
			return CTL_HTTP_E_PROTO;
		}
	}
	*out = x;
	return 0;
}

/* Does the last transfer coding of the list say chunked? (RFC 9112 §6.3 rules 4 and 5) */
static int
te_is_chunked(const char *v, size_t n)
{
	const char *last = v;
	size_t len;

	for (size_t i = 0; i < n; i++)
		if (v[i] == ',')
			last = v + i + 1;
	len = (size_t)(v + n - last);
	for (size_t i = 0; i < len; i++)
		if (last[i] == ';') {
			len = i;
			break;
		}
	trim(&last, &len);
	return hdr_is(last, len, "chunked");
}

/* One header block after the status line; fills @h's framing fields. */
static int
headers_parse(
        const char *buf, size_t len, size_t *off, struct ctl_http_head *h, char *err, size_t errlen)
{
	int have_cl = 0, have_te = 0, chunked = 0, n_hdr = 0;
	uint64_t cl = 0;

	for (;;) {
		const char *l, *colon, *v;
		size_t n, vlen;
		if (line_next(buf, len, off, &l, &n) != 0)
			return CTL_HTTP_MORE;
		if (n == 0)
			break;
		if (++n_hdr > CTL_HTTP_HEADERS_MAX) {
			errf(err, errlen, "more than %d header fields", CTL_HTTP_HEADERS_MAX);
			return CTL_HTTP_E_PROTO;
		}
		if (l[0] == ' ' || l[0] == '\t') {
			errf(err, errlen,
			        "obsolete line folding in the headers"); /* RFC 9112 §5.2 */
			return CTL_HTTP_E_PROTO;
		}
		colon = memchr(l, ':', n);
		if (colon == NULL || colon == l) {
			char ex[48];
			errf(err, errlen, "header line without a name: '%s'",
			        excerpt(l, n, ex, sizeof(ex)));
			return CTL_HTTP_E_PROTO;
		}
		for (const char *c = l; c < colon; c++)
			if (!tchar((unsigned char)*c)) {
				/* RFC 9112 §5.1: no whitespace between the name and the colon */
				char ex[48];
				errf(err, errlen, "bad header name '%s'",
				        excerpt(l, (size_t)(colon - l), ex, sizeof(ex)));
				return CTL_HTTP_E_PROTO;
			}
		v = colon + 1;
		vlen = (size_t)(l + n - v);
		trim(&v, &vlen);
		if (hdr_is(l, (size_t)(colon - l), "content-length")) {
			uint64_t x;
			int rc = content_length_parse(v, vlen, &x, err, errlen);
			if (rc < 0)
				return rc;
			if (have_cl && x != cl) {
				errf(err, errlen, "two different Content-Length values");
				return CTL_HTTP_E_PROTO;
			}
			have_cl = 1;
			cl = x;
		} else if (hdr_is(l, (size_t)(colon - l), "transfer-encoding")) {
			have_te = 1;
			chunked = te_is_chunked(v, vlen);
		} else if (hdr_is(l, (size_t)(colon - l), "content-type")) {
			if (vlen >= sizeof(h->content_type)) {
				errf(err, errlen, "Content-Type longer than %zu bytes",
				        sizeof(h->content_type) - 1);
				return CTL_HTTP_E_PROTO;
			}
			memcpy(h->content_type, v, vlen);
			h->content_type[vlen] = '\0';
		}
	}
	/* RFC 9112 §6.3 */
	if ((h->status >= 100 && h->status < 200) || h->status == 204 || h->status == 304)
		h->framing = CTL_HTTP_FRAME_NONE;
	else if (have_te)
		h->framing = chunked ? CTL_HTTP_FRAME_CHUNKED : CTL_HTTP_FRAME_CLOSE;
	else if (have_cl)
		h->framing = CTL_HTTP_FRAME_LENGTH;
	else
		h->framing = CTL_HTTP_FRAME_CLOSE;
	h->content_length = have_cl && !have_te ? cl : 0;
	return 0;
}

int
ctl_http_head_parse(const char *buf, size_t len, struct ctl_http_head *h, char *err, size_t errlen)
{
	size_t off = 0;

	for (;;) {
		struct ctl_http_head n;
		const char *l;
		size_t ln;
		int rc;

		memset(&n, 0, sizeof(n));
		rc = line_next(buf, len, &off, &l, &ln);
		if (rc == 0)
			rc = status_line_parse(l, ln, &n, err, errlen);
		if (rc == 0)
			rc = headers_parse(buf, len, &off, &n, err, errlen);
		if (rc == CTL_HTTP_MORE && len > CTL_HTTP_HEAD_MAX) {
			errf(err, errlen, "header section over %d bytes", CTL_HTTP_HEAD_MAX);
			return CTL_HTTP_E_PROTO;
		}
		if (rc != 0)
			return rc;
		if (n.status == 101) {
			errf(err, errlen, "unexpected 101 Switching Protocols");
			return CTL_HTTP_E_PROTO;
		}
		if (n.status >= 200) {
			n.head_len = off;
			*h = n;
			return 0;
		}
		/* 1xx interim response: its header block is skipped, the final one follows */
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ctl_http_chunked_decode(const char *buf, size_t len, char *out, size_t *out_len, size_t *used,
        char *err, size_t errlen)
{
	size_t off = 0, o = 0;

	for (;;) {
		const char *l;
		size_t n, i = 0;
		uint64_t size = 0;

		if (line_next(buf, len, &off, &l, &n) != 0)
			return CTL_HTTP_MORE;
		/* chunk-size [ BWS ; chunk-ext ] */
		while (i < n && hexval(l[i]) >= 0) {
			size = size * 16 + (uint64_t)hexval(l[i]);
			if (size > CTL_HTTP_BODY_MAX || o + size > CTL_HTTP_BODY_MAX) {
				errf(err, errlen, "chunked body over %u bytes", CTL_HTTP_BODY_MAX);
				return CTL_HTTP_E_PROTO;
			}
			i++;
		}
		if (i == 0 || (i < n && l[i] != ';' && l[i] != ' ' && l[i] != '\t')) {
			char ex[48];
			errf(err, errlen, "bad chunk size line '%s'",
			        excerpt(l, n, ex, sizeof(ex)));
			return CTL_HTTP_E_PROTO;
		}
		if (size == 0)
			break;
		if (len - off < size)
			return CTL_HTTP_MORE;
		memcpy(out + o, buf + off, (size_t)size);
		o += (size_t)size;
		off += (size_t)size;
		if (line_next(buf, len, &off, &l, &n) != 0)
			return CTL_HTTP_MORE;
		if (n != 0) {
			errf(err, errlen, "chunk data longer than its size");
			return CTL_HTTP_E_PROTO;
		}
	}
	/* trailer section: field lines until an empty line (ignored) */
	for (;;) {
		const char *l;
		size_t n;
		if (line_next(buf, len, &off, &l, &n) != 0)
			return CTL_HTTP_MORE;
		if (n == 0)
			break;
	}
	*out_len = o;
	*used = off;
	return 0;
}

int
ctl_http_resp_parse(
        const char *buf, size_t len, int eof, struct ctl_http_resp *out, char *err, size_t errlen)
{
	struct ctl_http_head h;
	const char *b;
	size_t blen = 0, avail;
	char *body;
	int rc = ctl_http_head_parse(buf, len, &h, err, errlen);

	if (rc == CTL_HTTP_MORE && eof) {
		errf(err, errlen, "connection closed %s",
		        len ? "inside the headers" : "without a response");
		return CTL_HTTP_E_PROTO;
	}
	if (rc != 0)
		return rc;
	b = buf + h.head_len;
	avail = len - h.head_len;
	switch (h.framing) {
	case CTL_HTTP_FRAME_NONE:
		break;
	case CTL_HTTP_FRAME_LENGTH:
		if (avail < h.content_length) {
			if (!eof)
				return CTL_HTTP_MORE;
			errf(err, errlen, "connection closed after %zu of %" PRIu64 " body bytes",
			        avail, h.content_length);
			return CTL_HTTP_E_PROTO;
		}
		blen = (size_t)h.content_length;
		break;
	case CTL_HTTP_FRAME_CLOSE:
		if (!eof)
			return CTL_HTTP_MORE;
		if (avail > CTL_HTTP_BODY_MAX) {
			errf(err, errlen, "body over %u bytes", CTL_HTTP_BODY_MAX);
			return CTL_HTTP_E_PROTO;
		}
		blen = avail;
		break;
	case CTL_HTTP_FRAME_CHUNKED:
		break;
	}
	body = malloc((h.framing == CTL_HTTP_FRAME_CHUNKED ? avail : blen) + 1);
	if (body == NULL) {
		errf(err, errlen, "out of memory for a %zu-byte body", avail);
		return CTL_HTTP_E_NOMEM;
	}
	if (h.framing == CTL_HTTP_FRAME_CHUNKED) {
		size_t used;
		rc = ctl_http_chunked_decode(b, avail, body, &blen, &used, err, errlen);
		if (rc == CTL_HTTP_MORE && eof) {
			errf(err, errlen, "connection closed inside the chunked body");
			rc = CTL_HTTP_E_PROTO;
		}
		if (rc != 0) {
			free(body);
			return rc;
		}
	} else {
		memcpy(body, b, blen);
	}
	body[blen] = '\0';
	memset(out, 0, sizeof(*out));
	out->status = h.status;
	memcpy(out->reason, h.reason, sizeof(out->reason));
	memcpy(out->content_type, h.content_type, sizeof(out->content_type));
	out->body = body;
	out->body_len = blen;
	return 0;
}

void
ctl_http_resp_free(struct ctl_http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

/* ---- the socket side ---- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @events on @fd until @deadline; 0 ready, CTL_HTTP_E_TIMEOUT, CTL_HTTP_E_CONNECT. */
static int
fd_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int64_t left = deadline - now_ms();
		int rc;
		if (left <= 0)
			return CTL_HTTP_E_TIMEOUT;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == 0)
			return CTL_HTTP_E_TIMEOUT;
		if (errno != EINTR)
			return CTL_HTTP_E_CONNECT;
	}
}

static int
sock_connect(
        const struct ctl_http_target *t, int64_t deadline, int timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	int rc, fd = -1, last = 0, timed_out = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc != 0) {
		errf(err, errlen, "cannot resolve %s: %s", t->host, gai_strerror(rc));
		return CTL_HTTP_E_RESOLVE;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		socklen_t sl = sizeof(last);
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		        ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			rc = fd_wait(fd, POLLOUT, deadline);
			if (rc == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &last, &sl) == 0 &&
			        last == 0)
				break;
			if (rc == CTL_HTTP_E_TIMEOUT)
				timed_out = 1;
		} else {
			last = errno;
		}
		close(fd);
		fd = -1;
		if (timed_out)
			break;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (timed_out) {
		errf(err, errlen, "cannot connect to %s: timed out after %d ms", t->authority,
		        timeout_ms);
		return CTL_HTTP_E_TIMEOUT;
	}
	errf(err, errlen, "cannot connect to %s: %s", t->authority, strerror(last));
	return CTL_HTTP_E_CONNECT;
}

static int
sock_send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = fd_wait(fd, POLLOUT, deadline);
			if (rc != 0)
				return rc;
			continue;
		}
		return CTL_HTTP_E_CONNECT;
	}
	return 0;
}

/* Worth a full parse now? Bounds the re-parsing of a long chunked body to its likely end. */
static int
parse_due(const char *buf, size_t len, const struct ctl_http_head *h, int have_head)
{
	if (!have_head)
		return 1;
	switch (h->framing) {
	case CTL_HTTP_FRAME_NONE:
		return 1;
	case CTL_HTTP_FRAME_LENGTH:
		return len - h->head_len >= h->content_length;
	case CTL_HTTP_FRAME_CHUNKED:
		/* a chunked message ends with "0 CRLF (trailers) CRLF" */
		return (len >= 4 && memcmp(buf + len - 4, "\r\n\r\n", 4) == 0) ||
		       (len >= 2 && memcmp(buf + len - 2, "\n\n", 2) == 0);
	case CTL_HTTP_FRAME_CLOSE:
		return 0;
	}
	return 1;
}

static int
resp_read(int fd, const struct ctl_http_target *t, int64_t deadline, int timeout_ms,
        struct ctl_http_resp *out, char *err, size_t errlen)
{
	struct ctl_http_head h;
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	int have_head = 0, rc = CTL_HTTP_MORE;

	if (buf == NULL) {
		errf(err, errlen, "out of memory");
		return CTL_HTTP_E_NOMEM;
	}
	while (rc == CTL_HTTP_MORE) {
		ssize_t n;
		if (cap - len < 4096) {
			char *nb;
			if (cap >= (size_t)CTL_HTTP_BODY_MAX + CTL_HTTP_HEAD_MAX * 2) {
				errf(err, errlen, "response from %s over %u bytes", t->authority,
				        CTL_HTTP_BODY_MAX);
				rc = CTL_HTTP_E_PROTO;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				errf(err, errlen, "out of memory");
				rc = CTL_HTTP_E_NOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			rc = fd_wait(fd, POLLIN, deadline);
			if (rc == CTL_HTTP_E_TIMEOUT) {
				errf(err, errlen, "%s: no complete response within %d ms",
				        t->authority, timeout_ms);
				break;
			}
			if (rc != 0) {
				errf(err, errlen, "%s: %s", t->authority, strerror(errno));
				break;
			}
			rc = CTL_HTTP_MORE;
			continue;
		}
		if (n < 0) {
			errf(err, errlen, "%s: connection lost: %s", t->authority, strerror(errno));
			rc = CTL_HTTP_E_CONNECT;
			break;
		}
		len += (size_t)n;
		if (!have_head) {
			int hr = ctl_http_head_parse(buf, len, &h, err, errlen);
			if (hr < 0) {
				rc = hr;
				break;
			}
			have_head = hr == 0;
		}
		if (n == 0 || parse_due(buf, len, &h, have_head))
			rc = ctl_http_resp_parse(buf, len, n == 0, out, err, errlen);
		if (rc == CTL_HTTP_MORE && n == 0) {
			/* resp_parse with eof never answers MORE; defensive */
			errf(err, errlen, "%s: connection closed mid-response", t->authority);
			rc = CTL_HTTP_E_PROTO;
		}
	}
	free(buf);
	return rc;
}

int
ctl_http_request(const struct ctl_http_target *t, const char *method, const char *path,
        const char *token, int timeout_ms, struct ctl_http_resp *out, char *err, size_t errlen)
{
	int64_t deadline = now_ms() + timeout_ms;
	char req[4096];
	int fd, rc, n;

	if (path[0] != '/' || strpbrk(path, " \r\n") != NULL ||
	        (token != NULL && strpbrk(token, "\r\n") != NULL)) {
		errf(err, errlen, "bad request path or token");
		return CTL_HTTP_E_ARG;
	}
	n = snprintf(req, sizeof(req),
	        "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: rtcedgectl/%s\r\n"
	        "Accept: application/json, text/plain;q=0.9\r\n%s%s%s%s"
	        "Connection: close\r\n\r\n",
	        method, t->prefix, path, t->authority, RTCEDGE_VERSION,
	        token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "",
	        strcmp(method, "POST") == 0 ? "Content-Length: 0\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(req)) {
		errf(err, errlen, "request too long");
		return CTL_HTTP_E_ARG;
	}
	fd = sock_connect(t, deadline, timeout_ms, err, errlen);
	if (fd < 0)
		return fd;
	rc = sock_send_all(fd, req, (size_t)n, deadline);
	if (rc == CTL_HTTP_E_TIMEOUT)
		errf(err, errlen, "%s: sending the request timed out after %d ms", t->authority,
		        timeout_ms);
	else if (rc != 0)
		errf(err, errlen, "%s: sending the request: %s", t->authority, strerror(errno));
	else
		rc = resp_read(fd, t, deadline, timeout_ms, out, err, errlen);
	close(fd);
	return rc;
}
