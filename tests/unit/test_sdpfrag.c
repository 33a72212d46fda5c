/*
 * Trickle ICE SDP fragments (ctrlplane/sdpfrag.c, RFC 8840): the PATCH
 * bodies of WHIP/WHEP (W11, W18, W20, W21) and our ICE restart response
 * (W22, W24), built and parsed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "sdpfrag.h"

static char *
crlf(const char *lf)
{
	size_t n = strlen(lf), k = 0;
	char *out = malloc(2 * n + 1);

	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		if (lf[i] == '\n')
			out[k++] = '\r';
		out[k++] = lf[i];
	}
	out[k] = '\0';
	return out;
}

static int
is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static struct sdpfrag *
frag_ok(const char *lf)
{
	struct sdpfrag *f = malloc(sizeof(*f));
	struct sdp_error err;
	char *t = crlf(lf);
	int rc;

	assert_non_null(f);
	rc = sdpfrag_parse(f, t, strlen(t), &err);
	if (rc != 0)
		fail_msg("%s at line %u: %s", sdp_strerror(rc), err.line, err.what);
	free(t);
	return f;
}

static void
frag_fails(const char *lf, int code, unsigned line)
{
	struct sdpfrag *f = malloc(sizeof(*f));
	struct sdp_error err;
	char *t = crlf(lf);
	int rc;

	assert_non_null(f);
	memset(f, 0x77, sizeof(*f));
	rc = sdpfrag_parse(f, t, strlen(t), &err);
	if (rc != code)
		fail_msg("expected %s, got %s (%s) for\n%s", sdp_strerror(code), sdp_strerror(rc),
		        err.what ? err.what : "", lf);
	assert_true(is_zero(f, sizeof(*f)));
	assert_int_equal(err.code, code);
	assert_non_null(err.what);
	if (line)
		assert_int_equal(err.line, line);
	free(t);
	free(f);
}

/* The trickle PATCH of RFC 9725 §4.3.2 (its example's shape and values). */
static const char whip_trickle[] =
        "a=ice-options:trickle ice2\n"
        "a=group:BUNDLE 0 1\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\n"
        "a=mid:0\n"
        "a=ice-ufrag:EsAw\n"
        "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\n"
        "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 "
        "ufrag EsAw network-id 1\n"
        "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 "
        "ufrag EsAw network-id 2\n"
        "a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active "
        "generation 0 ufrag EsAw network-id 1\n"
        "a=candidate:2154773085 1 tcp 1518214911 198.51.100.2 9 typ host tcptype active "
        "generation 0 ufrag EsAw network-id 2\n"
        "a=end-of-candidates\n";

static void
test_sdpfrag_whip_trickle_patch(void **state)
{
	(void)state;
	struct sdpfrag *f = frag_ok(whip_trickle);
	const struct sdpfrag_media *m = &f->media[0];
	char s[SDP_ADDR_STR_MAX];

	assert_int_equal(f->ice_options, SDP_ICE_OPT_TRICKLE | SDP_ICE_OPT_ICE2);
	assert_false(f->ice_lite);
	assert_int_equal(f->n_media, 1);
	assert_string_equal(m->media, "audio");
	assert_int_equal(m->port, 9);
	assert_string_equal(m->proto, "UDP/TLS/RTP/SAVPF");
	assert_string_equal(m->mid, "0");
	assert_string_equal(m->ice_ufrag, "EsAw");
	assert_string_equal(m->ice_pwd, "P2uYro0UCOQ4zxjKXaWCBui1");
	assert_string_equal(sdpfrag_ufrag(f), "EsAw");
	assert_string_equal(sdpfrag_pwd(f), "P2uYro0UCOQ4zxjKXaWCBui1");
	assert_string_equal(f->ice_ufrag, ""); /* nothing at session level */
	/* W20: the two TCP candidates are dropped, not an error */
	assert_int_equal(m->n_cand, 2);
	assert_int_equal(m->n_cand_skipped, 2);
	assert_string_equal(m->cand[0].foundation, "1387637174");
	assert_int_equal(m->cand[1].port, 61765);
	sdp_addr_format(&m->cand[1].addr, s);
	assert_string_equal(s, "198.51.100.2");
	assert_true(m->end_of_candidates);
	assert_int_equal(f->loose.n_cand, 0);
	free(f);
}

static void
test_sdpfrag_session_level_credentials(void **state)
{
	(void)state;
	/* RFC 8840 §4.4 / §9: credentials at session level, one m= line with its mid */
	struct sdpfrag *f = frag_ok("a=ice-ufrag:8hhY\n"
	                            "a=ice-pwd:asd88fgpdd777uzjYhagZg\n"
	                            "m=audio 9 RTP/AVP 0\n"
	                            "a=mid:1\n"
	                            "a=candidate:1 1 UDP 1658497328 192.0.2.1 5000 typ host\n"
	                            "a=candidate:2 1 UDP 1658497328 2001:db8::1 5001 typ host\n"
	                            "a=end-of-candidates\n");

	assert_string_equal(f->ice_ufrag, "8hhY");
	assert_string_equal(f->media[0].ice_ufrag, "8hhY");
	assert_string_equal(f->media[0].ice_pwd, "asd88fgpdd777uzjYhagZg");
	assert_string_equal(sdpfrag_ufrag(f), "8hhY");
	assert_int_equal(f->media[0].n_cand, 2);
	assert_int_equal(f->media[0].cand[1].addr.family, 6);
	free(f);

	/* media level wins over session level; no m= line: the session level */
	f = frag_ok("a=ice-ufrag:sess\na=ice-pwd:sessionpasswordsessionpw\n"
	            "m=video 9 UDP/TLS/RTP/SAVPF 96\na=ice-ufrag:medi\n");
	assert_string_equal(sdpfrag_ufrag(f), "medi");
	assert_string_equal(sdpfrag_pwd(f), "sessionpasswordsessionpw");
	free(f);
	f = frag_ok("a=ice-ufrag:only\na=ice-pwd:sessionpasswordsessionpw\n");
	assert_int_equal(f->n_media, 0);
	assert_string_equal(sdpfrag_ufrag(f), "only");
	free(f);
}

/* W21: a restart PATCH carries new credentials (the caller compares them). */
static void
test_sdpfrag_restart_request(void **state)
{
	(void)state;
	struct sdpfrag *f =
	        frag_ok("a=ice-options:trickle ice2\n"
	                "a=group:BUNDLE 0 1\n"
	                "m=audio 9 UDP/TLS/RTP/SAVPF 111\n"
	                "a=mid:0\n"
	                "a=ice-ufrag:ysXw\n"
	                "a=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\n"
	                "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host "
	                "generation 0 ufrag ysXw network-id 1\n");

	assert_string_equal(sdpfrag_ufrag(f), "ysXw");
	assert_string_equal(sdpfrag_pwd(f), "vw5LmwG4y/e6dPP/zAP9Gp5k");
	assert_false(f->media[0].end_of_candidates);
	assert_int_equal(f->media[0].n_cand, 1);
	free(f);
}

static void
test_sdpfrag_unusable_candidates_dropped(void **state)
{
	(void)state;
	/* W20: mDNS, host names, TCP, RTCP component: dropped and counted */
	struct sdpfrag *f = frag_ok(
	        "m=audio 9 UDP/TLS/RTP/SAVPF 111\na=mid:0\n"
	        "a=candidate:1 1 udp 2122260223 0f6a8c6e-2d1e-4f3a-9b7c-1d2e3f4a5b6c.local "
	        "54321 typ host\n"
	        "a=candidate:2 1 udp 1 turn.example.net 3478 typ relay raddr 0.0.0.0 rport 0\n"
	        "a=candidate:3 1 tcp 1 192.0.2.1 9 typ host tcptype active\n"
	        "a=candidate:4 2 udp 1 192.0.2.1 5001 typ host\n"
	        "a=candidate:5 1 udp 1 192.0.2.1 5000 typ host\n");

	assert_int_equal(f->media[0].n_cand, 1);
	assert_int_equal(f->media[0].n_cand_skipped, 4);
	assert_string_equal(f->media[0].cand[0].foundation, "5");
	free(f);
}

static void
test_sdpfrag_loose_candidates(void **state)
{
	(void)state;
	/* not RFC 8840, but seen: candidates with no m= line; kept apart */
	struct sdpfrag *f = frag_ok("a=ice-ufrag:EsAw\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\n"
	                            "a=candidate:1 1 udp 1 192.0.2.1 5000 typ host\n"
	                            "a=end-of-candidates\n");

	assert_int_equal(f->n_media, 0);
	assert_int_equal(f->loose.n_cand, 1);
	assert_true(f->loose.end_of_candidates);
	assert_string_equal(f->loose.ice_ufrag, "EsAw");
	free(f);
	/* LF alone, no final line end, blank lines */
	f = malloc(sizeof(*f));
	assert_int_equal(sdpfrag_parse(f, "\n\na=ice-lite\n\na=end-of-candidates",
	                         strlen("\n\na=ice-lite\n\na=end-of-candidates"), NULL),
	        0);
	assert_true(f->ice_lite);
	assert_true(f->loose.end_of_candidates);
	free(f);
}

static void
test_sdpfrag_errors(void **state)
{
	(void)state;
	static char big[SDP_MAX_LEN + 16];
	struct sdpfrag *f = malloc(sizeof(*f));
	char *t;
	size_t k = 0;

	frag_fails("", SDP_E_EMPTY, 0);
	frag_fails("\n\n", SDP_E_EMPTY, 0);
	frag_fails("v=0\no=- 1 1 IN IP4 0.0.0.0\n", SDP_E_SYNTAX, 1);
	frag_fails("a=ice-lite\ns=-\n", SDP_E_SYNTAX, 2);
	frag_fails("m=audio 9 UDP/TLS/RTP/SAVPF\n", SDP_E_VALUE, 1);
	frag_fails("m=audio x UDP/TLS/RTP/SAVPF 0\n", SDP_E_VALUE, 1);
	frag_fails("m=audio 123456 UDP/TLS/RTP/SAVPF 0\n", SDP_E_VALUE, 1);
	frag_fails("m=audio 9 UDP/TLS/RTP/SAVPF 0\na=mid:0\na=mid:1\n", SDP_E_DUPLICATE, 3);
	frag_fails("a=ice-ufrag:no_underscores\n", SDP_E_VALUE, 1);
	frag_fails("a=ice-pwd:\n", SDP_E_VALUE, 1);
	frag_fails("m=audio 9 UDP/TLS/RTP/SAVPF 0\na=candidate:1 1 udp 1 192.0.2.1 5000\n",
	        SDP_E_VALUE, 2);
	frag_fails("a=candidate:garbage\n", SDP_E_VALUE, 1);
	frag_fails("a=x\rb\n", SDP_E_SYNTAX, 1);
	assert_int_equal(sdpfrag_parse(f, "a=ice-lite\r\na=x\0y\r\n", 18, NULL), SDP_E_SYNTAX);
	t = malloc(4096);
	k = (size_t)sprintf(t, "a=");
	memset(t + k, 'x', SDP_MAX_LINE);
	t[k + SDP_MAX_LINE] = '\0';
	frag_fails(t, SDP_E_LINE_TOO_LONG, 1);
	k = 0;
	for (int i = 0; i <= SDP_MAX_MEDIA; i++)
		k += (size_t)sprintf(t + k, "m=audio 9 UDP/TLS/RTP/SAVPF 0\n");
	frag_fails(t, SDP_E_TOO_MANY_MEDIA, SDP_MAX_MEDIA + 1);
	free(t);
	memset(big, '\n', sizeof(big));
	memcpy(big, "a=ice-lite", 10);
	assert_int_equal(sdpfrag_parse(f, big, SDP_MAX_LEN, NULL), 0);
	assert_int_equal(sdpfrag_parse(f, big, SDP_MAX_LEN + 1, NULL), SDP_E_TOO_BIG);
	assert_true(is_zero(f, sizeof(*f)));
	free(f);
}

static void
test_sdpfrag_restart_write_round_trip(void **state)
{
	(void)state;
	struct sdp_addr addrs[2] = {{4, {198, 51, 100, 1}},
	        {6, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
	struct sdpfrag_restart r = {
	        .ufrag = "289b31b754eaa438",
	        .pwd = "0b66f472495ef0ccac7bda653ab6be49ea13114472a5d10a",
	        .ice_lite = 1,
	        .n_bundle = 2,
	        .bundle = {"0", "1"},
	        .media = "audio",
	        .proto = "UDP/TLS/RTP/SAVPF",
	        .fmt = "111",
	        .mid = "0",
	        .addrs = addrs,
	        .n_addrs = 2,
	        .port = 39132,
	};
	static const char expect[] =
	        "a=ice-lite\r\n"
	        "a=group:BUNDLE 0 1\r\n"
	        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
	        "a=mid:0\r\n"
	        "a=ice-ufrag:289b31b754eaa438\r\n"
	        "a=ice-pwd:0b66f472495ef0ccac7bda653ab6be49ea13114472a5d10a\r\n"
	        "a=candidate:1 1 udp 2130706431 198.51.100.1 39132 typ host\r\n"
	        "a=candidate:2 1 udp 2130706175 2001:db8::1 39132 typ host\r\n"
	        "a=end-of-candidates\r\n";
	struct sdpfrag *f = malloc(sizeof(*f));
	char buf[1024];
	int len = sdpfrag_restart_write(&r, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(expect));
	assert_string_equal(buf, expect);
	assert_int_equal(sdpfrag_parse(f, buf, (size_t)len, NULL), 0);
	assert_true(f->ice_lite); /* W24: the same ice-lite as in the answer */
	assert_string_equal(sdpfrag_ufrag(f), r.ufrag);
	assert_string_equal(sdpfrag_pwd(f), r.pwd);
	assert_int_equal(f->media[0].n_cand, 2);
	assert_int_equal(f->media[0].cand[1].port, 39132);
	assert_true(f->media[0].end_of_candidates);

	/* no group, no mid */
	r.n_bundle = 0;
	r.mid = NULL;
	len = sdpfrag_restart_write(&r, buf, sizeof(buf));
	assert_true(len > 0);
	assert_null(strstr(buf, "a=group"));
	assert_null(strstr(buf, "a=mid"));
	/* too small: refused, never cut */
	for (int cap = 0; cap <= len; cap++)
		assert_int_equal(sdpfrag_restart_write(&r, buf, (size_t)cap), SDP_E_NOSPACE);
	/* bad fields */
	r.pwd = "short";
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	r.pwd = "0b66f472495ef0ccac7bda653ab6be49";
	r.ufrag = "a:b:";
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	r.ufrag = "abcd";
	r.mid = "has space";
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	r.mid = "0";
	r.n_addrs = 0;
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	r.n_addrs = 1;
	r.port = 0;
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	r.port = 1;
	r.media = NULL;
	assert_int_equal(sdpfrag_restart_write(&r, buf, sizeof(buf)), SDP_E_VALUE);
	free(f);
}

/* Every prefix of a PATCH body: a clean parse or an error with the output zeroed. */
static void
test_sdpfrag_every_prefix_all_or_nothing(void **state)
{
	(void)state;
	char *t = crlf(whip_trickle);
	struct sdpfrag *f = malloc(sizeof(*f));
	size_t len = strlen(t);

	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		int rc;
		memcpy(copy, t, n);
		rc = sdpfrag_parse(f, copy, n, NULL);
		if (rc != 0 && !is_zero(f, sizeof(*f)))
			fail_msg("prefix %zu: error %d left output behind", n, rc);
		free(copy);
	}
	free(t);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sdpfrag_whip_trickle_patch),
	        cmocka_unit_test(test_sdpfrag_session_level_credentials),
	        cmocka_unit_test(test_sdpfrag_restart_request),
	        cmocka_unit_test(test_sdpfrag_unusable_candidates_dropped),
	        cmocka_unit_test(test_sdpfrag_loose_candidates),
	        cmocka_unit_test(test_sdpfrag_errors),
	        cmocka_unit_test(test_sdpfrag_restart_write_round_trip),
	        cmocka_unit_test(test_sdpfrag_every_prefix_all_or_nothing),
	};

	return cmocka_run_group_tests_name("sdpfrag", tests, NULL, NULL);
}
