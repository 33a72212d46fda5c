/*
 * rtcedgectl's HTTP/1.1 client (tools/ctl_http.c): the server address, the
 * response parser (status line, headers, RFC 9112 §6.3 framing, chunked
 * coding with the RFC's own example) and that no error half-fills an output.
 * The socket side is exercised against the real daemon and a hand-written
 * loopback server by tests/integration/rtcedgectl.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_http.h"

static char err[256];

/* ---- server address ---- */

static void
target_ok(const char *spec, const char *host, const char *port, const char *authority,
        const char *prefix)
{
	struct ctl_http_target t;

	assert_int_equal(ctl_http_target_parse(spec, &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, host);
	assert_string_equal(t.port, port);
	assert_string_equal(t.authority, authority);
	assert_string_equal(t.prefix, prefix);
}

static void
test_target(void **state)
{
	(void)state;
	target_ok("127.0.0.1:9090", "127.0.0.1", "9090", "127.0.0.1:9090", "");
	target_ok("localhost", "localhost", "9090", "localhost:9090", "");
	target_ok("[::1]:8080", "::1", "8080", "[::1]:8080", "");
	target_ok("[fd00::2]", "fd00::2", "9090", "[fd00::2]:9090", "");
	target_ok("http://node1.example:1/", "node1.example", "1", "node1.example:1", "");
	target_ok("HTTP://h:65535/rtc/edge//", "h", "65535", "h:65535", "/rtc/edge");
}

static void
test_target_bad(void **state)
{
	static const char *const bad[] = {
	        "https://h:1",                     /* no TLS */
	        "ftp://h",                         /* another scheme */
	        "::1:9090",                        /* IPv6 without brackets */
	        "h:0",                             /* port range */
	        "h:65536", "h:12a", "h:", ":9090", /* no host */
	        "", "[::1",                        /* unclosed bracket */
	        "[::1]x",                          /* junk after ] */
	        "h o:1",                           /* space in the host */
	        "user@h:1",                        /* userinfo */
	        "h:1/a b",                         /* space in the prefix */
	        "h:1/a?b",                         /* query in the prefix */
	};
	struct ctl_http_target t, before;

	(void)state;
	memset(&t, 0x5a, sizeof(t));
	before = t;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		        ctl_http_target_parse(bad[i], &t, err, sizeof(err)), CTL_HTTP_E_ARG);
		assert_true(err[0] != '\0');
		assert_memory_equal(&t, &before, sizeof(t)); /* never half-filled */
	}
}

/* ---- status line and headers ---- */

static int
head(const char *s, struct ctl_http_head *h)
{
	return ctl_http_head_parse(s, strlen(s), h, err, sizeof(err));
}

static void
test_head_length(void **state)
{
	struct ctl_http_head h;
	const char *r = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	                "content-length:  12 \r\nConnection: close\r\n\r\n{\"a\":1}";

	(void)state;
	assert_int_equal(head(r, &h), 0);
	assert_int_equal(h.status, 200);
	assert_string_equal(h.reason, "OK");
	assert_string_equal(h.content_type, "application/json");
	assert_int_equal(h.framing, CTL_HTTP_FRAME_LENGTH);
	assert_int_equal(h.content_length, 12);
	assert_int_equal(h.head_len, strlen(r) - strlen("{\"a\":1}"));
}

static void
test_head_incremental(void **state)
{
	const char *r = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	struct ctl_http_head h;
	size_t n = strlen(r);

	(void)state;
	/* every proper prefix is incomplete, never an error; the whole is complete */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ctl_http_head_parse(r, i, &h, err, sizeof(err)), CTL_HTTP_MORE);
	assert_int_equal(ctl_http_head_parse(r, n, &h, err, sizeof(err)), 0);
	assert_int_equal(h.status, 404);
	assert_string_equal(h.reason, "Not Found");
	assert_int_equal(h.head_len, n);
}

static void
test_head_framing(void **state)
{
	struct ctl_http_head h;

	(void)state;
	/* RFC 9112 §6.3: Transfer-Encoding overrides Content-Length */
	assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	                      "Transfer-Encoding: chunked\r\n\r\n",
	                         &h),
	        0);
	assert_int_equal(h.framing, CTL_HTTP_FRAME_CHUNKED);
	assert_int_equal(
	        head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n", &h), 0);
	assert_int_equal(h.framing, CTL_HTTP_FRAME_CHUNKED);
	/* chunked not last: the body runs to the close */
	assert_int_equal(
	        head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", &h), 0);
	assert_int_equal(h.framing, CTL_HTTP_FRAME_CLOSE);
	assert_int_equal(head("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", &h), 0);
	assert_int_equal(h.framing, CTL_HTTP_FRAME_CLOSE);
	assert_int_equal(head("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", &h), 0);
	assert_int_equal(h.framing, CTL_HTTP_FRAME_NONE);
	/* same Content-Length twice is one value */
	assert_int_equal(
	        head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &h), 0);
	assert_int_equal(h.content_length, 3);
	/* bare LF line ends (RFC 9112 §2.2 allows a recipient to accept them) */
	assert_int_equal(head("HTTP/1.1 500 Oops\nContent-Length: 1\n\nx", &h), 0);
	assert_int_equal(h.status, 500);
	assert_int_equal(h.head_len, strlen("HTTP/1.1 500 Oops\nContent-Length: 1\n\n"));
	/* no reason phrase at all */
	assert_int_equal(head("HTTP/1.1 200\r\n\r\n", &h), 0);
	assert_string_equal(h.reason, "");
}

static void
test_head_interim(void **state)
{
	struct ctl_http_head h;
	const char *r =
	        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";

	(void)state;
	assert_int_equal(head(r, &h), 0);
	assert_int_equal(h.status, 201);
	assert_int_equal(h.head_len, strlen(r) - 2);
	assert_int_equal(head("HTTP/1.1 100 Continue\r\n\r\n", &h), CTL_HTTP_MORE);
}

static void
test_head_bad(void **state)
{
	static const char *const bad[] = {
	        "HTTP/2 200 OK\r\n\r\n",
	        "HTTP/1.1 20 OK\r\n\r\n",
	        "HTTP/1.1 600 Nope\r\n\r\n",
	        "HTTP/1.1 099 Nope\r\n\r\n",
	        "HTTP/1.1 200OK\r\n\r\n",
	        "SSH-2.0-OpenSSH_9.2\r\n\r\n",
	        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
	        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
	        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
	        "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", /* RFC 9112 §5.1 */
	        "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",   /* RFC 9112 §5.2 */
	        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
	        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	        "HTTP/1.1 200 OK\r\nContent-Length: 1,1\r\n\r\nx",
	        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
	        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	};
	struct ctl_http_head h, before;

	(void)state;
	memset(&h, 0x5a, sizeof(h));
	before = h;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(head(bad[i], &h), CTL_HTTP_E_PROTO);
		assert_true(err[0] != '\0');
		assert_memory_equal(&h, &before, sizeof(h));
	}
}

static void
test_head_err_excerpt(void **state)
{
	/* the server's bytes in an error message: bounded, no terminal escapes, no read past
	 * the data (the buffer is not NUL-terminated where the data ends) */
	char buf[64];
	struct ctl_http_head h;
	size_t n = (size_t)sprintf(buf, "\x1b[31mHTTP/1.1 200 OK\r\n\r\n");

	(void)state;
	memset(buf + n, 'Z', sizeof(buf) - n);
	assert_int_equal(ctl_http_head_parse(buf, n, &h, err, sizeof(err)), CTL_HTTP_E_PROTO);
	assert_null(strchr(err, '\x1b'));
	assert_null(strchr(err, 'Z'));
	assert_non_null(strstr(err, "'?[31mHTTP/1.1 200 OK'"));
}

static void
test_head_limits(void **state)
{
	struct ctl_http_head h;
	size_t n = CTL_HTTP_HEAD_MAX + 100, off;
	char *big = malloc(n + 1);

	(void)state;
	assert_non_null(big);
	/* a header section that never ends */
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nX-Big: ");
	memset(big + off, 'a', n - off);
	big[n] = '\0';
	assert_int_equal(ctl_http_head_parse(big, n, &h, err, sizeof(err)), CTL_HTTP_E_PROTO);
	/* more header fields than CTL_HTTP_HEADERS_MAX */
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i <= CTL_HTTP_HEADERS_MAX; i++)
		off += (size_t)sprintf(big + off, "X-%d: v\r\n", i);
	off += (size_t)sprintf(big + off, "\r\n");
	assert_int_equal(ctl_http_head_parse(big, off, &h, err, sizeof(err)), CTL_HTTP_E_PROTO);
	free(big);
}

/* ---- chunked ---- */

static int
chunked(const char *s, char *out, size_t *olen, size_t *used)
{
	return ctl_http_chunked_decode(s, strlen(s), out, olen, used, err, sizeof(err));
}

static void
test_chunked(void **state)
{
	/* three chunks (RFC 9112 §7.1), one with a chunk extension, and a trailer field */
	const char *c = "4\r\nWiki\r\n5;name=\"v\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
	                "0\r\nExpires: never\r\n\r\n";
	char out[128];
	size_t olen, used, n = strlen(c);

	(void)state;
	assert_int_equal(chunked(c, out, &olen, &used), 0);
	assert_int_equal(olen, 23);
	assert_memory_equal(out, "Wikipedia in\r\n\r\nchunks.", 23);
	assert_int_equal(used, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ctl_http_chunked_decode(c, i, out, &olen, &used, err, sizeof(err)),
		        CTL_HTTP_MORE);
	assert_int_equal(chunked("0\r\n\r\n", out, &olen, &used), 0);
	assert_int_equal(olen, 0);
	assert_int_equal(used, 5);
	/* upper-case hex, bare LF */
	assert_int_equal(chunked("A\nabcdefghij\n0\n\n", out, &olen, &used), 0);
	assert_int_equal(olen, 10);
}

static void
test_chunked_bad(void **state)
{
	static const char *const bad[] = {
	        "\r\n",                             /* no size */
	        "x\r\n",                            /* not hex */
	        "-1\r\n", "3\r\nabcd\r\n0\r\n\r\n", /* data longer than its size */
	        "4x\r\nabcd\r\n",                   /* junk after the size */
	        "FFFFFFFFFFFFFFFFFFFF\r\n",         /* overflow */
	        "8000000\r\n",                      /* over CTL_HTTP_BODY_MAX */
	};
	char out[64];
	size_t olen = 7, used = 9;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chunked(bad[i], out, &olen, &used), CTL_HTTP_E_PROTO);
		assert_int_equal(olen, 7);
		assert_int_equal(used, 9);
	}
}

/* ---- whole responses ---- */

static void
test_resp(void **state)
{
	struct ctl_http_resp r;
	const char *cl = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
	                 "Content-Length: 18\r\n\r\n{\"error\":\"no\"}\n\n\n\nEXTRA";
	const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	                 "3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
	const char *cd = "HTTP/1.0 200 OK\r\n\r\nall of it";

	(void)state;
	assert_int_equal(ctl_http_resp_parse(cl, strlen(cl), 0, &r, err, sizeof(err)), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.content_type, "application/json");
	assert_int_equal(r.body_len, 18);
	assert_string_equal(r.body, "{\"error\":\"no\"}\n\n\n\n");
	ctl_http_resp_free(&r);

	assert_int_equal(ctl_http_resp_parse(ch, strlen(ch), 0, &r, err, sizeof(err)), 0);
	assert_string_equal(r.body, "{\"a\":1}");
	assert_int_equal(r.body_len, 7);
	ctl_http_resp_free(&r);

	/* close-delimited: incomplete until the server closes */
	assert_int_equal(
	        ctl_http_resp_parse(cd, strlen(cd), 0, &r, err, sizeof(err)), CTL_HTTP_MORE);
	assert_int_equal(ctl_http_resp_parse(cd, strlen(cd), 1, &r, err, sizeof(err)), 0);
	assert_string_equal(r.body, "all of it");
	ctl_http_resp_free(&r);
}

static void
test_resp_truncated(void **state)
{
	const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345";
	const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12";
	struct ctl_http_resp r, before;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	before = r;
	assert_int_equal(
	        ctl_http_resp_parse(cl, strlen(cl), 0, &r, err, sizeof(err)), CTL_HTTP_MORE);
	assert_int_equal(
	        ctl_http_resp_parse(cl, strlen(cl), 1, &r, err, sizeof(err)), CTL_HTTP_E_PROTO);
	assert_int_equal(
	        ctl_http_resp_parse(ch, strlen(ch), 0, &r, err, sizeof(err)), CTL_HTTP_MORE);
	assert_int_equal(
	        ctl_http_resp_parse(ch, strlen(ch), 1, &r, err, sizeof(err)), CTL_HTTP_E_PROTO);
	assert_int_equal(
	        ctl_http_resp_parse("HTTP/1.1 2", 10, 1, &r, err, sizeof(err)), CTL_HTTP_E_PROTO);
	assert_int_equal(ctl_http_resp_parse("", 0, 1, &r, err, sizeof(err)), CTL_HTTP_E_PROTO);
	assert_memory_equal(&r, &before, sizeof(r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_target),
	        cmocka_unit_test(test_target_bad),
	        cmocka_unit_test(test_head_length),
	        cmocka_unit_test(test_head_incremental),
	        cmocka_unit_test(test_head_framing),
	        cmocka_unit_test(test_head_interim),
	        cmocka_unit_test(test_head_bad),
	        cmocka_unit_test(test_head_err_excerpt),
	        cmocka_unit_test(test_head_limits),
	        cmocka_unit_test(test_chunked),
	        cmocka_unit_test(test_chunked_bad),
	        cmocka_unit_test(test_resp),
	        cmocka_unit_test(test_resp_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
