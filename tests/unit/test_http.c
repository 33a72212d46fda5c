/*
 * HTTP request/response data and header parsers (ctrlplane/http.c): media
 * types (RFC 9110 §8.3.1), If-Match (RFC 9110 §13.1.1, strong comparison
 * §8.8.3.2), Bearer credentials (RFC 6750 §2.1 b64token), path split, and
 * the response builder (header values with CR/LF refused, body growth,
 * one-line error bodies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

/* ---- media types ---- */

static void
test_media_type(void **state)
{
	(void)state;
	assert_true(http_media_type_is("application/sdp", "application/sdp"));
	/* type and subtype are case-insensitive (RFC 9110 §8.3.1) */
	assert_true(http_media_type_is("Application/SDP", "application/sdp"));
	assert_true(http_media_type_is("APPLICATION/sdp", "application/sdp"));
	/* parameters are ignored, with or without OWS */
	assert_true(http_media_type_is("application/sdp;charset=utf-8", "application/sdp"));
	assert_true(http_media_type_is("application/sdp ; charset=utf-8", "application/sdp"));
	assert_true(http_media_type_is("application/sdp\t;x=y", "application/sdp"));
	assert_true(http_media_type_is(" \tapplication/sdp  ", "application/sdp"));
	assert_true(http_media_type_is(
	        "application/trickle-ice-sdpfrag", "application/trickle-ice-sdpfrag"));
	/* a longer subtype is another media type */
	assert_false(http_media_type_is("application/sdpx", "application/sdp"));
	assert_false(http_media_type_is("application/sdp-x", "application/sdp"));
	assert_false(http_media_type_is("application/sd", "application/sdp"));
	assert_false(http_media_type_is("text/plain", "application/sdp"));
	assert_false(http_media_type_is("application/json", "application/sdp"));
	assert_false(http_media_type_is("", "application/sdp"));
	assert_false(http_media_type_is("application/sdp x", "application/sdp"));
	assert_false(http_media_type_is("application /sdp", "application/sdp"));
	assert_false(http_media_type_is(NULL, "application/sdp"));
	assert_false(http_media_type_is("application/sdp", "application/trickle-ice-sdpfrag"));
}

/* ---- If-Match ---- */

#define ETAG "\"a1b2c3d4\""

static void
test_if_match(void **state)
{
	(void)state;
	/* "*" matches any current representation */
	assert_int_equal(http_if_match("*", ETAG), 1);
	assert_int_equal(http_if_match("  * ", ETAG), 1);
	assert_int_equal(http_if_match("*, \"a1b2c3d4\"", ETAG), -1); /* "*" stands alone */
	assert_int_equal(http_if_match("**", ETAG), -1);
	/* exact strong tag, quotes included */
	assert_int_equal(http_if_match(ETAG, ETAG), 1);
	assert_int_equal(http_if_match(" \"a1b2c3d4\"\t", ETAG), 1);
	assert_int_equal(http_if_match("\"a1b2c3d5\"", ETAG), 0);
	assert_int_equal(
	        http_if_match("\"A1B2C3D4\"", ETAG), 0); /* opaque tags are case-sensitive */
	assert_int_equal(http_if_match("\"a1b2c3d4x\"", ETAG), 0);
	assert_int_equal(http_if_match("\"a1b2c3d\"", ETAG), 0);
	assert_int_equal(http_if_match("\"\"", ETAG), 0); /* empty opaque tag: valid, no match */
	/* lists: any member matches */
	assert_int_equal(http_if_match("\"x\", \"a1b2c3d4\"", ETAG), 1);
	assert_int_equal(http_if_match("\"x\",\"y\" , \"a1b2c3d4\"", ETAG), 1);
	assert_int_equal(http_if_match("\"x\", \"y\"", ETAG), 0);
	assert_int_equal(
	        http_if_match(", ,\"a1b2c3d4\",", ETAG), 1); /* empty list elements (§5.6.1) */
	/* weak tags never match under strong comparison (§8.8.3.2) */
	assert_int_equal(http_if_match("W/\"a1b2c3d4\"", ETAG), 0);
	assert_int_equal(http_if_match("W/\"x\", W/\"a1b2c3d4\"", ETAG), 0);
	assert_int_equal(http_if_match("W/\"a1b2c3d4\", \"a1b2c3d4\"", ETAG), 1);
	/* malformed */
	assert_int_equal(http_if_match(NULL, ETAG), -1);
	assert_int_equal(http_if_match("", ETAG), -1);
	assert_int_equal(http_if_match("   ", ETAG), -1);
	assert_int_equal(http_if_match(",", ETAG), -1);
	assert_int_equal(http_if_match("a1b2c3d4", ETAG), -1);           /* no quotes */
	assert_int_equal(http_if_match("\"a1b2c3d4", ETAG), -1);         /* unterminated */
	assert_int_equal(http_if_match("\"a1b2\"c3d4\"", ETAG), -1);     /* text after the tag */
	assert_int_equal(http_if_match("\"a1 b2\"", ETAG), -1);          /* SP is not an etagc */
	assert_int_equal(http_if_match("\"a1\x7f\"", ETAG), -1);         /* DEL neither */
	assert_int_equal(http_if_match("\"a1b2c3d4\" \"x\"", ETAG), -1); /* no comma */
	assert_int_equal(http_if_match("w/\"a1b2c3d4\"", ETAG), -1);     /* W/ is case-sensitive */
	assert_int_equal(http_if_match("W/a1b2c3d4", ETAG), -1);
	assert_int_equal(http_if_match("\"x\", *", ETAG), -1);
	/* obs-text (0x80-0xff) is an etagc */
	assert_int_equal(http_if_match("\"\xc3\xa9\"", "\"\xc3\xa9\""), 1);
}

/* ---- Bearer ---- */

static void
bearer_ok(const char *h, const char *want)
{
	const char *tok = NULL;
	size_t len = 0;

	assert_int_equal(http_bearer(h, &tok, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(tok, want, len);
	/* a view into the header */
	assert_true(tok >= h && tok + len <= h + strlen(h));
}

static void
test_bearer(void **state)
{
	const char *tok = (const char *)0x1;
	size_t len = 77;

	(void)state;
	bearer_ok("Bearer abc", "abc");
	bearer_ok("bearer abc", "abc"); /* the scheme is case-insensitive (RFC 9110 §11.1) */
	bearer_ok("BEARER abc", "abc");
	bearer_ok("Bearer   abc", "abc");
	/* every b64token character, and trailing '=' */
	bearer_ok("Bearer AZaz09-._~+/", "AZaz09-._~+/");
	bearer_ok("Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"); /* RFC 6750 §2.1 example */
	bearer_ok("Bearer abc=", "abc=");
	bearer_ok("Bearer abc==", "abc==");
	bearer_ok("Bearer eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig_-",
	        "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig_-");
	/* no credentials */
	assert_int_equal(http_bearer(NULL, &tok, &len), -1);
	assert_int_equal(http_bearer("", &tok, &len), -1);
	/* other schemes, malformed */
	assert_int_equal(http_bearer("Basic dXNlcjpwYXNz", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer ", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer    ", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearerabc", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer\tabc", &tok, &len), -2); /* 1*SP */
	assert_int_equal(http_bearer("Bearer a=b", &tok, &len), -2);  /* '=' only at the end */
	assert_int_equal(http_bearer("Bearer =abc", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer ==", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer abc def", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer abc ", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer ab\"c", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer ab,c", &tok, &len), -2);
	assert_int_equal(http_bearer("Bearer ab\x80", &tok, &len), -2);
	assert_int_equal(http_bearer(" Bearer abc", &tok, &len), -2);
	assert_int_equal(http_bearer("Token abc", &tok, &len), -2);
	/* outputs untouched on failure */
	assert_ptr_equal(tok, (const char *)0x1);
	assert_int_equal(len, 77);
}

/* ---- path split ---- */

static void
test_path_split(void **state)
{
	char buf[64];
	const char *seg[4];

	(void)state;
	assert_int_equal(http_path_split("/", buf, sizeof(buf), seg, 4), 0);
	assert_int_equal(http_path_split("/whip", buf, sizeof(buf), seg, 4), 1);
	assert_string_equal(seg[0], "whip");
	assert_int_equal(http_path_split("/whip/live", buf, sizeof(buf), seg, 4), 2);
	assert_string_equal(seg[0], "whip");
	assert_string_equal(seg[1], "live");
	/* one trailing slash is tolerated */
	assert_int_equal(http_path_split("/whip/live/", buf, sizeof(buf), seg, 4), 2);
	assert_string_equal(seg[1], "live");
	assert_int_equal(http_path_split("/whip/live/abc", buf, sizeof(buf), seg, 4), 3);
	assert_string_equal(seg[2], "abc");
	/* two trailing slashes: an empty segment */
	assert_int_equal(http_path_split("/whip/live//", buf, sizeof(buf), seg, 4), 3);
	assert_string_equal(seg[2], "");
	assert_int_equal(http_path_split("/whip//live", buf, sizeof(buf), seg, 4), 3);
	assert_string_equal(seg[1], "");
	/* exactly max segments, and one more */
	assert_int_equal(http_path_split("/a/b/c/d", buf, sizeof(buf), seg, 4), 4);
	assert_string_equal(seg[3], "d");
	assert_int_equal(http_path_split("/a/b/c/d/", buf, sizeof(buf), seg, 4), 4);
	assert_int_equal(http_path_split("/a/b/c/d/e", buf, sizeof(buf), seg, 4), -1);
	assert_int_equal(http_path_split("/a/b/c", buf, sizeof(buf), seg, 2), -1);
	/* not absolute */
	assert_int_equal(http_path_split("whip/live", buf, sizeof(buf), seg, 4), -1);
	assert_int_equal(http_path_split("", buf, sizeof(buf), seg, 4), -1);
	/* does not fit the buffer */
	{
		char big[100];
		memset(big, 'a', sizeof(big) - 1);
		big[0] = '/';
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(http_path_split(big, buf, sizeof(buf), seg, 4), -1);
		big[sizeof(buf) - 1] = '\0'; /* 63 characters: len == buflen - 1 fits */
		assert_int_equal(http_path_split(big, buf, sizeof(buf), seg, 4), 1);
		assert_int_equal(strlen(seg[0]), sizeof(buf) - 2);
	}
}

/* ---- methods, status texts, peer ---- */

static void
test_methods_status_peer(void **state)
{
	struct http_req q;
	char buf[64];

	(void)state;
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
	assert_int_equal(http_method_parse("POST"), HTTP_POST);
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_int_equal(http_method_parse("DELETE"), HTTP_DELETE);
	assert_int_equal(http_method_parse("OPTIONS"), HTTP_OPTIONS);
	assert_int_equal(http_method_parse("PUT"), HTTP_PUT);
	assert_int_equal(http_method_parse("get"), HTTP_OTHER); /* case-sensitive, RFC 9110 §9.1 */
	assert_int_equal(http_method_parse("TRACE"), HTTP_OTHER);
	assert_int_equal(http_method_parse("OTHER"), HTTP_OTHER);
	assert_int_equal(http_method_parse(""), HTTP_OTHER);
	assert_string_equal(http_method_name(HTTP_PATCH), "PATCH");
	assert_string_equal(http_method_name((enum http_method)99), "OTHER");
	assert_string_equal(http_status_text(201), "Created");
	assert_string_equal(http_status_text(428), "Precondition Required");
	assert_string_equal(http_status_text(422), "Unprocessable Content");
	assert_string_equal(http_status_text(299), "");

	memset(&q, 0, sizeof(q));
	http_peer_format(&q, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	q.peer_family = 4;
	memcpy(q.peer, (uint8_t[]){198, 18, 0, 1}, 4);
	http_peer_format(&q, buf, sizeof(buf));
	assert_string_equal(buf, "198.18.0.1");
	q.peer_family = 6;
	memset(q.peer, 0, 16);
	q.peer[0] = 0xfd;
	q.peer[15] = 1;
	http_peer_format(&q, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::1");
}

/* ---- response builder ---- */

static void
test_resp_headers(void **state)
{
	struct http_resp r;

	(void)state;
	http_resp_init(&r);
	assert_int_equal(r.status, 500);
	assert_null(r.body);
	assert_int_equal(http_resp_header(&r, "Location", "/whip/%s/%d", "live", 7), 0);
	assert_int_equal(http_resp_header(&r, "ETag", "\"%s\"", "abc"), 0);
	assert_string_equal(http_resp_header_get(&r, "location"), "/whip/live/7");
	assert_string_equal(http_resp_header_get(&r, "ETAG"), "\"abc\"");
	assert_null(http_resp_header_get(&r, "Link"));
	assert_int_equal(r.n_hdr, 2);
	assert_false(r.hdr_overflow);

	/* CR or LF in a value: refused (header injection), nothing added, flagged */
	assert_int_equal(http_resp_header(&r, "X-A", "a\r\nSet-Cookie: x=1"), -1);
	assert_true(r.hdr_overflow);
	assert_int_equal(r.n_hdr, 2);
	assert_null(http_resp_header_get(&r, "X-A"));
	r.hdr_overflow = 0;
	assert_int_equal(http_resp_header(&r, "X-B", "%s", "line\nbreak"), -1);
	assert_true(r.hdr_overflow);
	assert_int_equal(http_resp_header(&r, "X-C", "%s", "cr\r"), -1);
	assert_int_equal(r.n_hdr, 2);
	/* earlier headers intact after refusals */
	assert_string_equal(http_resp_header_get(&r, "Location"), "/whip/live/7");
	http_resp_free(&r);

	/* count limit */
	http_resp_init(&r);
	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		assert_int_equal(http_resp_header(&r, "Link", "<stun:h%d>", i), 0);
	assert_false(r.hdr_overflow);
	assert_int_equal(http_resp_header(&r, "Link", "<stun:one-more>"), -1);
	assert_true(r.hdr_overflow);
	assert_int_equal(r.n_hdr, HTTP_MAX_HEADERS);
	http_resp_free(&r);

	/* space limit: a value that does not fit the header space */
	http_resp_init(&r);
	{
		char big[HTTP_HDR_SPACE];
		memset(big, 'v', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(http_resp_header(&r, "X-Big", "%s", big), -1);
		assert_true(r.hdr_overflow);
		assert_int_equal(r.n_hdr, 0);
		/* the largest value that fits: name + NUL + value + NUL == HTTP_HDR_SPACE */
		r.hdr_overflow = 0;
		big[HTTP_HDR_SPACE - strlen("X-Big") - 2] = '\0';
		assert_int_equal(http_resp_header(&r, "X-Big", "%s", big), 0);
		assert_int_equal(r.hdr_used, HTTP_HDR_SPACE);
		assert_int_equal(strlen(http_resp_header_get(&r, "x-big")),
		        HTTP_HDR_SPACE - strlen("X-Big") - 2);
		assert_int_equal(http_resp_header(&r, "A", "b"), -1);
		assert_true(r.hdr_overflow);
	}
	http_resp_free(&r);
}

static void
test_resp_body(void **state)
{
	struct http_resp r;
	char chunk[1000];
	size_t total = 0;

	(void)state;
	http_resp_init(&r);
	http_resp_append(&r, "", 0);
	assert_non_null(r.body);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(r.body, "");
	/* grows past its first 1024 bytes, stays NUL-terminated and in order */
	for (int i = 0; i < 20; i++) {
		memset(chunk, 'a' + i, sizeof(chunk));
		http_resp_append(&r, chunk, sizeof(chunk));
		total += sizeof(chunk);
		assert_int_equal(r.body_len, total);
		assert_true(r.body_cap > r.body_len);
		assert_int_equal(r.body[r.body_len], '\0');
	}
	for (int i = 0; i < 20; i++)
		assert_int_equal(r.body[i * 1000 + 999], 'a' + i);
	http_resp_printf(&r, "%s=%d\n", "n", 42);
	assert_int_equal(r.body_len, total + 5);
	assert_string_equal(r.body + total, "n=42\n");
	/* printf of a long string through the growth path */
	{
		char big[5000];
		memset(big, 'z', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		http_resp_printf(&r, "[%s]", big);
		assert_int_equal(r.body_len, total + 5 + 5001);
		assert_int_equal(r.body[r.body_len - 1], ']');
		assert_int_equal(strlen(r.body), r.body_len);
	}
	assert_false(r.body_oom);
	http_resp_free(&r);
	assert_null(r.body);
	assert_int_equal(r.body_len, 0);
	http_resp_free(&r); /* twice is harmless */
}

static void
test_resp_error(void **state)
{
	struct http_resp r;

	(void)state;
	http_resp_init(&r);
	http_resp_printf(&r, "a partial answer that the error replaces");
	http_resp_error(&r, 400, "stream %s is bad", "x");
	assert_int_equal(r.status, 400);
	assert_string_equal(r.body, "stream x is bad\n");
	assert_int_equal(r.body_len, strlen("stream x is bad\n"));
	assert_string_equal(http_resp_header_get(&r, "Content-Type"), "text/plain; charset=utf-8");
	http_resp_free(&r);

	/* CR and LF from the input never break the line */
	http_resp_init(&r);
	http_resp_error(&r, 403, "origin %s not allowed", "https://a\r\nX-Evil: 1\n");
	assert_int_equal(r.status, 403);
	assert_string_equal(r.body, "origin https://a  X-Evil: 1  not allowed\n");
	assert_null(strchr(r.body, '\r'));
	assert_ptr_equal(strchr(r.body, '\n'), r.body + r.body_len - 1);
	http_resp_free(&r);

	/* an empty reason is still one line */
	http_resp_init(&r);
	http_resp_error(&r, 500, "%s", "");
	assert_string_equal(r.body, "\n");
	http_resp_free(&r);
}


/* Comma-separated configuration lists. */
static void
test_list_next(void **state)
{
	const char *items[8], *p, *it;
	size_t lens[8], len;
	unsigned n = 0;

	(void)state;
	p = " a , bb,,c ,";
	while (http_list_next(&p, &it, &len) && n < 8) {
		items[n] = it;
		lens[n++] = len;
	}
	assert_int_equal(n, 5);
	assert_int_equal(lens[0], 1);
	assert_memory_equal(items[0], "a", 1);
	assert_int_equal(lens[1], 2);
	assert_memory_equal(items[1], "bb", 2);
	assert_int_equal(lens[2], 0); /* ",," */
	assert_int_equal(lens[3], 1);
	assert_memory_equal(items[3], "c", 1);
	assert_int_equal(lens[4], 0); /* the trailing comma */
	/* one item, and an empty list */
	p = "x";
	assert_int_equal(http_list_next(&p, &it, &len), 1);
	assert_int_equal(len, 1);
	assert_int_equal(http_list_next(&p, &it, &len), 0);
	p = NULL;
	assert_int_equal(http_list_next(&p, &it, &len), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_list_next),
	        cmocka_unit_test(test_media_type),
	        cmocka_unit_test(test_if_match),
	        cmocka_unit_test(test_bearer),
	        cmocka_unit_test(test_path_split),
	        cmocka_unit_test(test_methods_status_peer),
	        cmocka_unit_test(test_resp_headers),
	        cmocka_unit_test(test_resp_body),
	        cmocka_unit_test(test_resp_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
