/*
 * Bearer token checks (ctrlplane/auth.c): the auth.tokens rule list and
 * its errors, static tokens (roles, exact / prefix* / * patterns, the
 * RFC 6750 §3.1 verdicts), and HS256 JWTs checked against tokens minted
 * independently by tests/unit/jwt_kat.py (Python standard library: hmac,
 * hashlib, base64, json): valid, expired, not yet valid, algorithm
 * confusion ("none", HS512), bad and non-canonical signatures, tampered
 * claims. auth_jwt_mint() must produce the very bytes Python produced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"

#define JWT_SECRET "rtcedge test jwt secret, 32+ bytes long!"
#define NOW 1800000000

struct jwt_kat {
	const char *name;
	const char *token;
	const char *stream;
	enum auth_role role;
	int64_t now;
	enum auth_verdict verdict;
};

static const struct jwt_kat jwt_kats[] = {
        /* tests/unit/jwt_kat.py: name, token, stream, role, now, verdict */
        {"good_publish",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q8",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_OK},
        {"good_publish_other_stream",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q8",
                "other", AUTH_ROLE_PUBLISH, 1800000000, AUTH_FORBIDDEN},
        {"good_publish_as_play",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q8",
                "live", AUTH_ROLE_PLAY, 1800000000, AUTH_FORBIDDEN},
        {"prefix_play",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJjYW0qIiwicm9sZSI6InBsYXkiLCJleHAiOjE4MDAwMDAwNjAsIm5iZiI6MTc5OTk5OT"
                "k0MH0._1CGOZOK-at4sdUAu4DMMhFKmHyWkng22FbKG3Cbi80",
                "cam-7", AUTH_ROLE_PLAY, 1800000000, AUTH_OK},
        {"prefix_play_miss",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJjYW0qIiwicm9sZSI6InBsYXkiLCJleHAiOjE4MDAwMDAwNjAsIm5iZiI6MTc5OTk5OT"
                "k0MH0._1CGOZOK-at4sdUAu4DMMhFKmHyWkng22FbKG3Cbi80",
                "live", AUTH_ROLE_PLAY, 1800000000, AUTH_FORBIDDEN},
        {"any_any",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiIqIiwicm9sZSI6ImFueSIsImV4cCI6MTgwMDAwMDAwMX0."
                "vB024Mw74DAF5lnMMiD5wiwIF1RcOKvlf4dJOHNqUCA",
                "whatever", AUTH_ROLE_PUBLISH, 1800000000, AUTH_OK},
        {"any_any_play",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiIqIiwicm9sZSI6ImFueSIsImV4cCI6MTgwMDAwMDAwMX0."
                "vB024Mw74DAF5lnMMiD5wiwIF1RcOKvlf4dJOHNqUCA",
                "x", AUTH_ROLE_PLAY, 1800000000, AUTH_OK},
        {"expired_at_exp",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDAwMDB9.dp68tNDv_"
                "yaegnEVrZKusGh-I80PpmI7TobrAqUygsk",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_EXPIRED},
        {"valid_before_exp",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDAwMDB9.dp68tNDv_"
                "yaegnEVrZKusGh-I80PpmI7TobrAqUygsk",
                "live", AUTH_ROLE_PUBLISH, 1799999999, AUTH_OK},
        {"nbf_future",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDAsIm5iZiI6MTgwMD"
                "AwMDAxMH0.EomWJ0QjxgXULa7ngXyrBPhg2kgAWmnDJjyEA7wgTFE",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"nbf_reached",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDAsIm5iZiI6MTgwMD"
                "AwMDAxMH0.EomWJ0QjxgXULa7ngXyrBPhg2kgAWmnDJjyEA7wgTFE",
                "live", AUTH_ROLE_PUBLISH, 1800000010, AUTH_OK},
        {"alg_none_unsigned",
                "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"alg_none_signed",
                "eyJhbGciOiJub25lIn0."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9."
                "Wvuxho7v6kbXJsbl5atznvUvOlpYM5b58w6QvkORr7U",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"alg_hs512_header",
                "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.qucXis2T-"
                "lvdAK4KEHDX8grD6fOC763PO1-wQrom_Ss",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"alg_hs512_signed",
                "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9."
                "sct16y6FLhvS7heovQkz680oB8BgRUL5AhllbuxXvOTEFv1rAQfrDKB92g3oBmshKeZlxQosTmSXk4tFWG"
                "okAw",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"alg_missing",
                "eyJ0eXAiOiJKV1QifQ."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9."
                "hzxfRehSysE7p0hMtpJ95kUoUTjIS-OyazXQWCGVWD0",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"other_key",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9."
                "IXGqMwcDz6orY4vxIEL9Ts75CJoslf5cQCDXzt6raS8",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"tampered_claims",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDA5OTk5OTl9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q8",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"sig_noncanonical",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q9",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"sig_truncated",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"sig_padded",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOjE4MDAwMDM2MDB9.2yNozQXZch_"
                "iM4CrDDbGq0WGow_Jkpq7dTtezNmM9q8=",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"no_exp",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2gifQ.B7iRAI2ILAgR-Kq3-aqsJ1xhkqB-"
                "WUvSMQkcrEvZhhM",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"exp_string",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6InB1Ymxpc2giLCJleHAiOiIxODAwMDAwMDYwIn0."
                "fzILxHv57pw3fkM28BsfuEm_G2Xe3WUUapMVHQTaUg4",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"bad_role",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJsaXZlIiwicm9sZSI6ImFkbWluIiwiZXhwIjoxODAwMDAwMDYwfQ."
                "99t2YivawfIPMlj7TQ6IXGbKzKktVLsHPVnuvoB8FGc",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"bad_stream",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                "eyJzdHJlYW0iOiJhL2IiLCJyb2xlIjoicHVibGlzaCIsImV4cCI6MTgwMDAwMDA2MH0.8VfcxcV-"
                "3jFZ8rXWSADh_5W5hkLyz7gDDIfUT_h04EU",
                "a/b", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"claims_not_json",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.bm90IGpzb24."
                "BqwB7oIEg4Tp71nYQ4NMeixdNexuSHgpze1moFJm_R8",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
        {"claims_array",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.WzEsMl0."
                "EhF0BonUcqM4wrtFiihGnhYaRYRN3Xjdy9ZjQuTMOfs",
                "live", AUTH_ROLE_PUBLISH, 1800000000, AUTH_INVALID},
};

/* ---- auth.tokens rules ---- */

static void
rules_fail(const char *spec, const char *want_err)
{
	char err[256] = "";
	struct auth_rule r[AUTH_MAX_RULES];

	assert_int_equal(auth_rules_parse(spec, r, AUTH_MAX_RULES, err, sizeof(err)), -1);
	if (strcmp(err, want_err) != 0)
		fail_msg("'%s': error '%s', want '%s'", spec, err, want_err);
}

static void
test_rules_parse(void **state)
{
	static struct auth_rule r[AUTH_MAX_RULES];
	char err[256] = "";
	char big[AUTH_MAX_RULES * 32 + 64];
	size_t off = 0;

	(void)state;
	assert_int_equal(auth_rules_parse("", r, AUTH_MAX_RULES, err, sizeof(err)), 0);
	assert_int_equal(
	        auth_rules_parse("publish:live:tok12345678", r, AUTH_MAX_RULES, err, sizeof(err)),
	        1);
	assert_int_equal(r[0].roles, AUTH_ROLE_PUBLISH);
	assert_string_equal(r[0].pattern, "live");
	assert_string_equal(r[0].token, "tok12345678");
	assert_int_equal(r[0].token_len, 11);
	/* spaces around items, every role, prefix and '*' patterns, b64token characters */
	assert_int_equal(auth_rules_parse(" publish:live:tok12345678 , play:cam*:a-b._~+/Z9== ,"
	                                  "any:*:admintoken ",
	                         r, AUTH_MAX_RULES, err, sizeof(err)),
	        3);
	assert_int_equal(r[1].roles, AUTH_ROLE_PLAY);
	assert_string_equal(r[1].pattern, "cam*");
	assert_string_equal(r[1].token, "a-b._~+/Z9==");
	assert_int_equal(r[2].roles, AUTH_ROLE_ANY);
	assert_string_equal(r[2].pattern, "*");
	assert_string_equal(r[2].token, "admintoken");
	/* '=' only as trailing padding (RFC 6750 b64token); no empty item after a trailing comma */
	assert_int_equal(auth_rules_parse("play:x:abc=defgh", r, AUTH_MAX_RULES, err, sizeof(err)),
	        -1);
	assert_non_null(strstr(err, "b64token"));
	assert_int_equal(auth_rules_parse("play:x:abcdefgh,", r, AUTH_MAX_RULES, err, sizeof(err)),
	        -1);
	assert_non_null(strstr(err, "is empty"));
	/* validate only */
	assert_int_equal(
	        auth_rules_parse("play:x:12345678,play:y:12345678", NULL, 0, err, sizeof(err)), 2);

	/* each error names the item */
	rules_fail("live:tok12345678", "item 1: expected role:stream-pattern:token");
	rules_fail("publish:live:tok12345678,play:x", "item 2: expected role:stream-pattern:token");
	rules_fail("admin:live:tok12345678", "item 1: role must be publish, play or any");
	rules_fail("Publish:live:tok12345678", "item 1: role must be publish, play or any");
	rules_fail("publish:live:tok12345678,publish:a/b:tok12345678",
	        "item 2: stream pattern must be 1..127 of A-Z a-z 0-9 - . _ ~ with an optional "
	        "final '*'");
	rules_fail("publish:a*b:tok12345678",
	        "item 1: stream pattern must be 1..127 of A-Z a-z 0-9 "
	        "- . _ ~ with an optional final '*'");
	rules_fail("publish::tok12345678", "item 1: stream pattern must be 1..127 of A-Z a-z 0-9 - "
	                                   ". _ ~ with an optional final '*'");
	rules_fail("publish:live:short", "item 1: token must be 8..511 characters");
	rules_fail("play:x:12345678,publish:live:", "item 2: token must be 8..511 characters");
	rules_fail("publish:live:tok 12345678",
	        "item 1: token has a character outside RFC 6750 b64token");
	rules_fail("publish:live:abc:defgh123",
	        "item 1: token has a character outside RFC 6750 b64token");
	rules_fail("publish:live:tok12345678,,play:x:12345678", "item 2 is empty (two commas, or a trailing one)");
	rules_fail("publish:live:tok12345678, ,play:x:12345678", "item 2 is empty (two commas, or a trailing one)");
	for (int i = 0; i <= AUTH_MAX_RULES; i++)
		off += (size_t)snprintf(
		        big + off, sizeof(big) - off, "%splay:s%d:token%04d", i ? "," : "", i, i);
	rules_fail(big, "more than 64 tokens");
	/* auth_init passes the error up and leaves everything off */
	{
		struct auth a;
		memset(&a, 0xa5, sizeof(a));
		assert_int_equal(auth_init(&a, "nope", "", err, sizeof(err)), -1);
		assert_string_equal(err, "item 1: expected role:stream-pattern:token");
		assert_int_equal(auth_init(&a, "", "too short a secret", err, sizeof(err)), -1);
		assert_string_equal(err, "auth.jwt_secret: 32..256 bytes");
		assert_false(auth_enabled(&a));
	}
}

/* ---- patterns, verdict mapping ---- */

static void
test_patterns_and_codes(void **state)
{
	(void)state;
	assert_true(auth_pattern_match("live", "live"));
	assert_false(auth_pattern_match("live", "live2"));
	assert_false(auth_pattern_match("live", "liv"));
	assert_false(auth_pattern_match("live", "LIVE"));
	assert_true(auth_pattern_match("cam*", "cam"));
	assert_true(auth_pattern_match("cam*", "cam-42"));
	assert_false(auth_pattern_match("cam*", "ca"));
	assert_false(auth_pattern_match("cam*", "xcam"));
	assert_true(auth_pattern_match("*", "anything"));
	assert_true(auth_pattern_match("*", ""));

	assert_int_equal(auth_http_status(AUTH_OK), 200);
	assert_int_equal(auth_http_status(AUTH_NO_TOKEN), 401);
	assert_int_equal(auth_http_status(AUTH_INVALID), 401);
	assert_int_equal(auth_http_status(AUTH_EXPIRED), 401);
	assert_int_equal(auth_http_status(AUTH_FORBIDDEN), 403);
	assert_int_equal(auth_http_status(AUTH_MALFORMED), 400);
	/* RFC 6750 §3.1: no error code when no credentials were sent */
	assert_string_equal(auth_error_code(AUTH_NO_TOKEN), "");
	assert_string_equal(auth_error_code(AUTH_INVALID), "invalid_token");
	assert_string_equal(auth_error_code(AUTH_EXPIRED), "invalid_token");
	assert_string_equal(auth_error_code(AUTH_FORBIDDEN), "insufficient_scope");
	assert_string_equal(auth_error_code(AUTH_MALFORMED), "invalid_request");
	assert_string_equal(auth_error_code(AUTH_OK), "");
}

/* ---- static tokens ---- */

static struct auth the_auth;

static enum auth_verdict
check(const char *authz, const char *stream, enum auth_role role, struct auth_grant *g, char *why)
{
	return auth_check(&the_auth, authz, stream, role, NOW, g, why, 128);
}

static void
test_auth_off(void **state)
{
	struct auth_grant g;
	char why[128], err[256];

	(void)state;
	assert_int_equal(auth_init(&the_auth, "", "", err, sizeof(err)), 0);
	assert_false(auth_enabled(&the_auth));
	/* everything is allowed, whatever is sent */
	assert_int_equal(check(NULL, "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_OK);
	assert_int_equal(g.kind, 0);
	assert_int_equal(g.key, 0);
	assert_int_equal(check("Bearer whatever", "live", AUTH_ROLE_PLAY, &g, why), AUTH_OK);
	assert_int_equal(check("Basic garbage", "x", AUTH_ROLE_PLAY, &g, why), AUTH_OK);
	assert_int_equal(check("Bearer a.b.c", "x", AUTH_ROLE_PUBLISH, &g, why), AUTH_OK);
	assert_string_equal(why, "");
}

static void
test_static_tokens(void **state)
{
	struct auth_grant g, g2;
	char why[128], err[256];

	(void)state;
	assert_int_equal(auth_init(&the_auth,
	                         "publish:live:pubtoken1,play:cam*:playtoken,any:*:admintoken,"
	                         "publish:a:sametoken1,publish:b:sametoken1",
	                         "", err, sizeof(err)),
	        0);
	assert_true(auth_enabled(&the_auth));

	assert_int_equal(check("Bearer pubtoken1", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_OK);
	assert_int_equal(g.kind, 1);
	assert_int_equal(g.rule, 0);
	assert_int_not_equal(g.key, 0);
	assert_int_equal(g.expires, 0);
	/* the same token, the same key; another token, another key */
	assert_int_equal(check("bearer pubtoken1", "live", AUTH_ROLE_PUBLISH, &g2, why), AUTH_OK);
	assert_int_equal(g2.key, g.key);
	assert_int_equal(check("Bearer admintoken", "live", AUTH_ROLE_PUBLISH, &g2, why), AUTH_OK);
	assert_int_equal(g2.rule, 2);
	assert_int_not_equal(g2.key, g.key);
	assert_int_equal(check("Bearer admintoken", "zzz", AUTH_ROLE_PLAY, &g2, why), AUTH_OK);

	/* a right token for another stream or role: 403 insufficient_scope */
	assert_int_equal(
	        check("Bearer pubtoken1", "live2", AUTH_ROLE_PUBLISH, &g, why), AUTH_FORBIDDEN);
	assert_string_equal(why, "token is for another stream or role");
	assert_int_equal(g.kind, 0);
	assert_int_equal(
	        check("Bearer pubtoken1", "live", AUTH_ROLE_PLAY, &g, why), AUTH_FORBIDDEN);
	assert_int_equal(check("Bearer playtoken", "cam", AUTH_ROLE_PLAY, &g, why), AUTH_OK);
	assert_int_equal(g.rule, 1);
	assert_int_equal(check("Bearer playtoken", "cam-7", AUTH_ROLE_PLAY, &g, why), AUTH_OK);
	assert_int_equal(check("Bearer playtoken", "ca", AUTH_ROLE_PLAY, &g, why), AUTH_FORBIDDEN);
	assert_int_equal(
	        check("Bearer playtoken", "cam-7", AUTH_ROLE_PUBLISH, &g, why), AUTH_FORBIDDEN);
	/* one token in two rules: the rule that fits wins */
	assert_int_equal(check("Bearer sametoken1", "b", AUTH_ROLE_PUBLISH, &g, why), AUTH_OK);
	assert_int_equal(g.rule, 4);
	assert_int_equal(check("Bearer sametoken1", "a", AUTH_ROLE_PUBLISH, &g, why), AUTH_OK);
	assert_int_equal(g.rule, 3);

	/* wrong tokens: 401 invalid_token (prefix, longer, case) */
	assert_int_equal(
	        check("Bearer pubtoken", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_INVALID);
	assert_string_equal(why, "unknown token");
	assert_int_equal(
	        check("Bearer pubtoken12", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_INVALID);
	assert_int_equal(
	        check("Bearer PUBTOKEN1", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_INVALID);
	/* no JWT secret: a dotted token is just unknown */
	assert_int_equal(check("Bearer a.b.c", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_INVALID);
	/* no header: 401 without an error code */
	assert_int_equal(check(NULL, "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_NO_TOKEN);
	assert_string_equal(why, "a Bearer token is required");
	assert_int_equal(check("", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_NO_TOKEN);
	/* malformed header: 400 invalid_request */
	assert_int_equal(
	        check("Basic cHVidG9rZW4x", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_MALFORMED);
	assert_string_equal(why, "Authorization is not 'Bearer <token>'");
	assert_int_equal(check("Bearer ", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_MALFORMED);
	assert_int_equal(
	        check("Bearer pub token1", "live", AUTH_ROLE_PUBLISH, &g, why), AUTH_MALFORMED);
	assert_int_equal(g.kind, 0);

	/* auth_clear wipes the secrets */
	auth_clear(&the_auth);
	{
		const uint8_t *p = (const uint8_t *)&the_auth;
		for (size_t i = 0; i < sizeof(the_auth); i++)
			assert_int_equal(p[i], 0);
	}
	assert_false(auth_enabled(&the_auth));
}

/* ---- JWT ---- */

static enum auth_verdict
verdict_of(const char *name)
{
	for (size_t i = 0; i < sizeof(jwt_kats) / sizeof(jwt_kats[0]); i++)
		if (strcmp(jwt_kats[i].name, name) == 0)
			return jwt_kats[i].verdict;
	fail_msg("no vector %s", name);
	return AUTH_OK;
}

static const struct jwt_kat *
kat(const char *name)
{
	for (size_t i = 0; i < sizeof(jwt_kats) / sizeof(jwt_kats[0]); i++)
		if (strcmp(jwt_kats[i].name, name) == 0)
			return &jwt_kats[i];
	fail_msg("no vector %s", name);
	return NULL;
}

static enum auth_verdict
jwt_check(const struct jwt_kat *k, struct auth_grant *g, char *why)
{
	char authz[AUTH_JWT_MAX + 64];

	snprintf(authz, sizeof(authz), "Bearer %s", k->token);
	return auth_check(&the_auth, authz, k->stream, k->role, k->now, g, why, 128);
}

static void
test_jwt_kats(void **state)
{
	char err[256], why[128];
	struct auth_grant g;

	(void)state;
	assert_int_equal(auth_init(&the_auth, "", JWT_SECRET, err, sizeof(err)), 0);
	assert_true(auth_enabled(&the_auth));
	for (size_t i = 0; i < sizeof(jwt_kats) / sizeof(jwt_kats[0]); i++) {
		const struct jwt_kat *k = &jwt_kats[i];
		enum auth_verdict v = jwt_check(k, &g, why);
		if (v != k->verdict)
			fail_msg("%s: verdict %d (%s), want %d", k->name, v, why, k->verdict);
		if (v == AUTH_OK) {
			assert_int_equal(g.kind, 2);
			assert_int_not_equal(g.key, 0);
			assert_true(g.expires > k->now);
			assert_string_equal(why, "");
		} else {
			assert_int_equal(g.kind, 0);
			assert_true(why[0] != '\0');
		}
	}
	assert_int_equal(verdict_of("good_publish"), AUTH_OK);
	/* the reasons name the check that failed */
	jwt_check(kat("good_publish"), &g, why);
	assert_int_equal(g.expires, NOW + 3600);
	jwt_check(kat("expired_at_exp"), &g, why);
	assert_string_equal(why, "token expired");
	assert_int_equal(auth_http_status(AUTH_EXPIRED), 401);
	jwt_check(kat("nbf_future"), &g, why);
	assert_string_equal(why, "token not valid yet (nbf)");
	jwt_check(kat("alg_none_unsigned"), &g, why);
	assert_string_equal(why, "token signature does not verify");
	jwt_check(kat("alg_none_signed"), &g, why);
	assert_string_equal(why, "token alg must be HS256");
	jwt_check(kat("alg_hs512_header"), &g, why);
	assert_string_equal(why, "token alg must be HS256");
	jwt_check(kat("alg_hs512_signed"), &g, why);
	assert_string_equal(why, "token signature does not verify");
	jwt_check(kat("tampered_claims"), &g, why);
	assert_string_equal(why, "token signature does not verify");
	jwt_check(kat("sig_noncanonical"), &g, why);
	assert_string_equal(why, "token signature does not verify");
	jwt_check(kat("exp_string"), &g, why);
	assert_string_equal(why, "token claims need stream, role (publish|play|any) and exp");
	jwt_check(kat("claims_not_json"), &g, why);
	assert_string_equal(why, "token claims are not JSON");
	jwt_check(kat("good_publish_other_stream"), &g, why);
	assert_string_equal(why, "token is for another stream or role");
	/* the key identifies the token */
	{
		struct auth_grant g1, g2;
		assert_int_equal(jwt_check(kat("any_any"), &g1, why), AUTH_OK);
		assert_int_equal(jwt_check(kat("any_any_play"), &g2, why), AUTH_OK);
		assert_int_equal(g1.key, g2.key);
		assert_int_equal(jwt_check(kat("good_publish"), &g2, why), AUTH_OK);
		assert_int_not_equal(g1.key, g2.key);
	}
	/* another secret: nothing verifies */
	assert_int_equal(auth_init(&the_auth, "", "another jwt secret of enough length, 0002", err,
	                         sizeof(err)),
	        0);
	assert_int_equal(jwt_check(kat("good_publish"), &g, why), AUTH_INVALID);
	assert_int_equal(jwt_check(kat("other_key"), &g, why), AUTH_OK);
	auth_clear(&the_auth);
}

static void
test_jwt_shapes(void **state)
{
	char err[256], why[128], authz[AUTH_JWT_MAX + 64];
	struct auth_grant g;
	const char *good = kat("good_publish")->token;

	(void)state;
	/* static rules and JWT together: a static token never reaches the JWT path */
	assert_int_equal(
	        auth_init(&the_auth, "publish:live:pubtoken1", JWT_SECRET, err, sizeof(err)), 0);
	assert_int_equal(auth_check(&the_auth, "Bearer pubtoken1", "live", AUTH_ROLE_PUBLISH, NOW,
	                         &g, why, sizeof(why)),
	        AUTH_OK);
	assert_int_equal(g.kind, 1);
	snprintf(authz, sizeof(authz), "Bearer %s", good);
	assert_int_equal(
	        auth_check(&the_auth, authz, "live", AUTH_ROLE_PUBLISH, NOW, &g, why, sizeof(why)),
	        AUTH_OK);
	assert_int_equal(g.kind, 2);
	/* one or no dot: not a JWT */
	assert_int_equal(auth_check(&the_auth, "Bearer abc.def", "live", AUTH_ROLE_PUBLISH, NOW, &g,
	                         why, sizeof(why)),
	        AUTH_INVALID);
	assert_string_equal(why, "unknown token");
	assert_int_equal(auth_check(&the_auth, "Bearer ..", "live", AUTH_ROLE_PUBLISH, NOW, &g, why,
	                         sizeof(why)),
	        AUTH_INVALID);
	/* longer than AUTH_JWT_MAX: refused before any decoding */
	{
		size_t n = strlen("Bearer ");
		memcpy(authz, "Bearer ", n);
		memset(authz + n, 'A', AUTH_JWT_MAX + 1);
		authz[n + 10] = '.';
		authz[n + 20] = '.';
		authz[n + AUTH_JWT_MAX + 1] = '\0';
		assert_int_equal(auth_check(&the_auth, authz, "live", AUTH_ROLE_PUBLISH, NOW, &g,
		                         why, sizeof(why)),
		        AUTH_INVALID);
		assert_string_equal(why, "unknown token");
	}
	auth_clear(&the_auth);
}

static void
test_jwt_mint(void **state)
{
	char tok[512], err[256], why[128], authz[600];
	struct auth_grant g;
	int n;

	(void)state;
	/* byte for byte what Python minted for the same header, claims and key */
	n = auth_jwt_mint(
	        JWT_SECRET, strlen(JWT_SECRET), "live", "publish", NOW + 3600, tok, sizeof(tok));
	assert_int_equal(n, strlen(kat("good_publish")->token));
	assert_string_equal(tok, kat("good_publish")->token);
	n = auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "*", "any", NOW + 1, tok, sizeof(tok));
	assert_string_equal(tok, kat("any_any")->token);

	/* round trip through auth_check */
	assert_int_equal(auth_init(&the_auth, "", JWT_SECRET, err, sizeof(err)), 0);
	n = auth_jwt_mint(
	        JWT_SECRET, strlen(JWT_SECRET), "room-1", "play", NOW + 5, tok, sizeof(tok));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(tok));
	snprintf(authz, sizeof(authz), "Bearer %s", tok);
	assert_int_equal(
	        auth_check(&the_auth, authz, "room-1", AUTH_ROLE_PLAY, NOW, &g, why, sizeof(why)),
	        AUTH_OK);
	assert_int_equal(g.expires, NOW + 5);
	assert_int_equal(auth_check(&the_auth, authz, "room-1", AUTH_ROLE_PLAY, NOW + 5, &g, why,
	                         sizeof(why)),
	        AUTH_EXPIRED);
	assert_int_equal(auth_check(&the_auth, authz, "room-1", AUTH_ROLE_PUBLISH, NOW, &g, why,
	                         sizeof(why)),
	        AUTH_FORBIDDEN);
	/* refusals: a stream that is no pattern, no room */
	assert_int_equal(auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "a\"b", "play", NOW, tok,
	                         sizeof(tok)),
	        -1);
	assert_int_equal(
	        auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "", "play", NOW, tok, sizeof(tok)),
	        -1);
	n = auth_jwt_mint(
	        JWT_SECRET, strlen(JWT_SECRET), "live", "publish", NOW + 3600, tok, sizeof(tok));
	assert_int_equal(auth_jwt_mint(JWT_SECRET, strlen(JWT_SECRET), "live", "publish",
	                         NOW + 3600, tok, (size_t)n),
	        -1);
	auth_clear(&the_auth);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rules_parse),
	        cmocka_unit_test(test_patterns_and_codes),
	        cmocka_unit_test(test_auth_off),
	        cmocka_unit_test(test_static_tokens),
	        cmocka_unit_test(test_jwt_kats),
	        cmocka_unit_test(test_jwt_shapes),
	        cmocka_unit_test(test_jwt_mint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
