/*
 * libFuzzer target: rtcedgectl's HTTP client (tools/ctl_http.c) on what a
 * server, or the operator, could send it.
 *
 * The first byte picks the form, the rest is the input:
 *   'a'        a server address for ctl_http_target_parse() (-s / --server);
 *   otherwise  a response for ctl_http_resp_parse(), bit 0 of the first byte
 *              saying the server has closed (eof).
 * Checks: no crash or sanitizer report (the response is in a heap block of
 * exactly its size); a failure returns a CTL_HTTP_E_* code, leaves the output
 * byte for byte as it was and gives a printable one-line reason; MORE only
 * before eof; a success has a final status (200..599), a NUL-terminated body
 * no longer than the input, and agrees with ctl_http_head_parse(); every
 * prefix of a response that parses is MORE or a success, never an error; an
 * address that parses has a host, a port 1..65535 and a clean prefix.
 * Seeds: corpus/ctl_http/ (hand-written responses and addresses).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_ctl_http: invariant failed: %s (line %d)\n", #cond,  \
			        __LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static int
printable_line(const char *s)
{
	if (s[0] == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static void
fuzz_target(const uint8_t *data, size_t size)
{
	char *spec = malloc(size + 1), err[256] = "";
	struct ctl_http_target t, before;
	int rc;

	if (spec == NULL)
		return;
	memcpy(spec, data, size);
	spec[size] = '\0';
	memset(&t, 0xa5, sizeof(t));
	before = t;
	rc = ctl_http_target_parse(spec, &t, err, sizeof(err));
	CHECK(rc == 0 || rc == CTL_HTTP_E_ARG);
	if (rc != 0) {
		CHECK(memcmp(&t, &before, sizeof(t)) == 0);
		CHECK(err[0] != '\0');
	} else {
		long port = strtol(t.port, NULL, 10);
		size_t pl = strlen(t.prefix);
		CHECK(t.host[0] != '\0' && port >= 1 && port <= 65535);
		CHECK(strstr(t.authority, t.host) != NULL);
		CHECK(strpbrk(t.prefix, " ?#\r\n") == NULL);
		CHECK(pl == 0 || (t.prefix[0] == '/' && t.prefix[pl - 1] != '/'));
	}
	free(spec);
}

static void
fuzz_resp(const uint8_t *data, size_t size, int eof)
{
	char *buf = malloc(size ? size : 1), err[256] = "";
	struct ctl_http_resp r, before;
	int rc;

	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	memset(&r, 0xa5, sizeof(r));
	before = r;
	rc = ctl_http_resp_parse(buf, size, eof, &r, err, sizeof(err));
	CHECK(rc == 0 || rc == CTL_HTTP_MORE || rc == CTL_HTTP_E_PROTO || rc == CTL_HTTP_E_NOMEM);
	CHECK(!(eof && rc == CTL_HTTP_MORE));
	if (rc != 0) {
		CHECK(memcmp(&r, &before, sizeof(r)) == 0);
		if (rc < 0)
			CHECK(printable_line(err));
		free(buf);
		return;
	}
	CHECK(r.status >= 200 && r.status <= 599);
	CHECK(r.body != NULL && r.body_len <= size && r.body[r.body_len] == '\0');
	CHECK(memchr(r.reason, '\0', sizeof(r.reason)) != NULL);
	CHECK(memchr(r.content_type, '\0', sizeof(r.content_type)) != NULL);
	{
		struct ctl_http_head h;
		CHECK(ctl_http_head_parse(buf, size, &h, err, sizeof(err)) == 0);
		CHECK(h.status == r.status && h.head_len <= size);
	}
	if (!eof && size <= CTL_HTTP_HEAD_MAX) {
		/* a prefix of a complete response is incomplete or complete, never wrong */
		size_t cuts[] = {0, size / 3, size / 2, size > 0 ? size - 1 : 0};
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			struct ctl_http_resp p;
			int prc = ctl_http_resp_parse(buf, cuts[i], 0, &p, err, sizeof(err));
			CHECK(prc == 0 || prc == CTL_HTTP_MORE);
			if (prc == 0)
				ctl_http_resp_free(&p);
		}
	}
	ctl_http_resp_free(&r);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 'a')
		fuzz_target(data + 1, size - 1);
	else
		fuzz_resp(data + 1, size - 1, data[0] & 1);
	return 0;
}
