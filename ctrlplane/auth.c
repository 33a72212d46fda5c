/* Bearer tokens: static rules and HS256 JWTs (see auth.h). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "http.h"

static int
auth_role_parse(const char *s, size_t n, uint8_t *roles)
{
	if (n == 7 && memcmp(s, "publish", 7) == 0)
		*roles = AUTH_ROLE_PUBLISH;
	else if (n == 4 && memcmp(s, "play", 4) == 0)
		*roles = AUTH_ROLE_PLAY;
	else if (n == 3 && memcmp(s, "any", 3) == 0)
		*roles = AUTH_ROLE_ANY;
	else
		return -1;
	return 0;
}

/* Stream names and patterns: RFC 3986 unreserved characters, '*' only last. */
static int
auth_pattern_ok(const char *p, size_t n)
{
	if (n == 0 || n >= AUTH_PATTERN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '*' && i == n - 1)
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				    c == '-' || c == '.' || c == '_' || c == '~'))
			return 0;
	}
	return 1;
}

int
auth_pattern_valid(const char *p)
{
	return auth_pattern_ok(p, strlen(p));
}

static int
auth_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~+/=", c) != NULL);
}

int
auth_rules_parse(const char *spec, struct auth_rule *out, size_t cap, char *err, size_t errlen)
{
	const char *list = *spec ? spec : NULL, *p;
	size_t len;
	int n = 0;

	while (http_list_next(&list, &p, &len)) {
		const char *c1, *c2;
		struct auth_rule r = {0};

		if (len == 0) {
			snprintf(err, errlen, "item %d is empty (two commas, or a trailing one)", n + 1);
			return -1;
		}
		c1 = memchr(p, ':', len);
		c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p)) : NULL;
		if (c1 == NULL || c2 == NULL) {
			snprintf(err, errlen, "item %d: expected role:stream-pattern:token", n + 1);
			return -1;
		}
		if (auth_role_parse(p, (size_t)(c1 - p), &r.roles) != 0) {
			snprintf(err, errlen, "item %d: role must be publish, play or any", n + 1);
			return -1;
		}
		if (!auth_pattern_ok(c1 + 1, (size_t)(c2 - c1 - 1))) {
			snprintf(err, errlen, "item %d: stream pattern must be 1..%d of A-Z a-z 0-9 - . _ ~ "
					      "with an optional final '*'",
					n + 1, AUTH_PATTERN_MAX - 1);
			return -1;
		}
		r.token_len = (uint16_t)(p + len - c2 - 1);
		if (r.token_len < 8 || r.token_len >= AUTH_TOKEN_MAX) {
			snprintf(err, errlen, "item %d: token must be 8..%d characters", n + 1,
					AUTH_TOKEN_MAX - 1);
			return -1;
		}
		for (size_t i = 0; i < r.token_len; i++)
			/* RFC 6750 b64token: '=' only as trailing padding */
			if (!auth_token_char(c2[1 + i]) ||
					(c2[1 + i] == '=' && i + 1 < r.token_len && c2[2 + i] != '=')) {
				snprintf(err, errlen, "item %d: token has a character outside RFC 6750 "
						      "b64token",
						n + 1);
				return -1;
			}
		if ((size_t)n == AUTH_MAX_RULES) {
			snprintf(err, errlen, "more than %d tokens", AUTH_MAX_RULES);
			return -1;
		}
		memcpy(r.pattern, c1 + 1, (size_t)(c2 - c1 - 1));
		memcpy(r.token, c2 + 1, r.token_len);
		if (out != NULL && (size_t)n < cap)
			out[n] = r;
		n++;
	}
	return n;
}

int
auth_init(struct auth *a, const char *tokens, const char *jwt_secret, char *err, size_t errlen)
{
	int n;
	size_t klen = strlen(jwt_secret);

	memset(a, 0, sizeof(*a));
	n = auth_rules_parse(tokens, a->rules, AUTH_MAX_RULES, err, errlen);
	if (n < 0)
		return -1;
	a->n_rules = (unsigned)n;
	if (klen > 0) {
		if (klen < 32 || klen > sizeof(a->jwt_key)) {
			snprintf(err, errlen, "auth.jwt_secret: 32..%zu bytes", sizeof(a->jwt_key));
			auth_clear(a);
			return -1;
		}
		memcpy(a->jwt_key, jwt_secret, klen);
		a->jwt_key_len = klen;
		a->jwt_on = 1;
	}
	return 0;
}

void
auth_clear(struct auth *a)
{
	OPENSSL_cleanse(a, sizeof(*a));
}

int
auth_enabled(const struct auth *a)
{
	return a->n_rules > 0 || a->jwt_on;
}

int
auth_pattern_match(const char *pattern, const char *stream)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, stream, n - 1) == 0;
	return strcmp(pattern, stream) == 0;
}

static uint64_t
auth_key_hash(const char *t, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a: counting, not security */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)t[i]) * 0x100000001b3ull;
	return h;
}

static const char b64url_chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* RFC 4648 §5 without padding (RFC 7515 §2). Decoded length, or -1. */
static int
b64url_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = in[i] ? strchr(b64url_chars, in[i]) : NULL;
		if (p == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(p - b64url_chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* the leftover bits must be zero (canonical encoding) */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (int)o;
}

static size_t
b64url_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url_chars[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = b64url_chars[(acc << (6 - bits)) & 63];
	out[o] = '\0';
	return o;
}

static enum auth_verdict
auth_check_jwt(const struct auth *a, const char *tok, size_t len, const char *stream,
		enum auth_role role, int64_t now, struct auth_grant *g, char *why, size_t whylen)
{
	const char *d1 = memchr(tok, '.', len), *d2;
	uint8_t buf[AUTH_JWT_MAX], mac[EVP_MAX_MD_SIZE], sig[64];
	unsigned maclen = 0;
	int n, sn;
	json_t *hdr = NULL, *cl = NULL;
	json_error_t jerr;
	enum auth_verdict v = AUTH_INVALID;
	const char *alg, *c_stream, *c_role;
	json_t *exp, *nbf;
	uint8_t roles;

	d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok)) : NULL;
	if (d1 == NULL || d2 == NULL || len > AUTH_JWT_MAX) {
		snprintf(why, whylen, "unknown token");
		return AUTH_INVALID;
	}
	/* the signature first: nothing of an unsigned token is parsed further */
	sn = b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - tok), sig, sizeof(sig));
	if (HMAC(EVP_sha256(), a->jwt_key, (int)a->jwt_key_len, (const uint8_t *)tok,
			    (size_t)(d2 - tok), mac, &maclen) == NULL ||
			sn != 32 || maclen != 32 || CRYPTO_memcmp(mac, sig, 32) != 0) {
		snprintf(why, whylen, "token signature does not verify");
		return AUTH_INVALID;
	}
	n = b64url_decode(tok, (size_t)(d1 - tok), buf, sizeof(buf));
	if (n < 0 || (hdr = json_loadb((const char *)buf, (size_t)n, 0, &jerr)) == NULL ||
			!json_is_object(hdr)) {
		snprintf(why, whylen, "token header is not JSON");
		goto out;
	}
	alg = json_string_value(json_object_get(hdr, "alg"));
	if (alg == NULL || strcmp(alg, "HS256") != 0) {
		snprintf(why, whylen, "token alg must be HS256");
		goto out;
	}
	n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), buf, sizeof(buf));
	if (n < 0 || (cl = json_loadb((const char *)buf, (size_t)n, 0, &jerr)) == NULL ||
			!json_is_object(cl)) {
		snprintf(why, whylen, "token claims are not JSON");
		goto out;
	}
	c_stream = json_string_value(json_object_get(cl, "stream"));
	c_role = json_string_value(json_object_get(cl, "role"));
	exp = json_object_get(cl, "exp");
	nbf = json_object_get(cl, "nbf");
	if (c_stream == NULL || c_role == NULL || !json_is_integer(exp) ||
			(nbf != NULL && !json_is_integer(nbf)) ||
			!auth_pattern_ok(c_stream, strlen(c_stream)) ||
			auth_role_parse(c_role, strlen(c_role), &roles) != 0) {
		snprintf(why, whylen, "token claims need stream, role (publish|play|any) and exp");
		goto out;
	}
	if (now >= json_integer_value(exp)) {
		snprintf(why, whylen, "token expired");
		v = AUTH_EXPIRED;
		goto out;
	}
	if (nbf != NULL && now < json_integer_value(nbf)) {
		snprintf(why, whylen, "token not valid yet (nbf)");
		goto out;
	}
	if (!(roles & role) || !auth_pattern_match(c_stream, stream)) {
		snprintf(why, whylen, "token is for another stream or role");
		v = AUTH_FORBIDDEN;
		goto out;
	}
	g->kind = 2;
	g->rule = 0;
	g->key = auth_key_hash(tok, len);
	g->expires = json_integer_value(exp);
	v = AUTH_OK;
out:
	json_decref(hdr);
	json_decref(cl);
	return v;
}

enum auth_verdict
auth_check(const struct auth *a, const char *authz, const char *stream, enum auth_role role,
		int64_t unix_now, struct auth_grant *g, char *why, size_t whylen)
{
	const char *tok;
	size_t len;
	int rc, found = -1, scoped = -1;

	memset(g, 0, sizeof(*g));
	why[0] = '\0';
	if (!auth_enabled(a))
		return AUTH_OK;
	rc = http_bearer(authz, &tok, &len);
	if (rc == -1) {
		snprintf(why, whylen, "a Bearer token is required");
		return AUTH_NO_TOKEN;
	}
	if (rc != 0) {
		snprintf(why, whylen, "Authorization is not 'Bearer <token>'");
		return AUTH_MALFORMED;
	}
	/* every rule is compared, in constant time per rule, whatever matches */
	for (unsigned i = 0; i < a->n_rules; i++) {
		const struct auth_rule *r = &a->rules[i];
		int eq = r->token_len == len && CRYPTO_memcmp(r->token, tok, len) == 0;
		if (eq && found < 0)
			found = (int)i;
		if (eq && scoped < 0 && (r->roles & role) && auth_pattern_match(r->pattern, stream))
			scoped = (int)i;
	}
	if (scoped >= 0) {
		g->kind = 1;
		g->rule = (uint16_t)scoped;
		g->key = auth_key_hash(tok, len);
		return AUTH_OK;
	}
	if (found >= 0) {
		snprintf(why, whylen, "token is for another stream or role");
		return AUTH_FORBIDDEN;
	}
	if (a->jwt_on && memchr(tok, '.', len) != NULL)
		return auth_check_jwt(a, tok, len, stream, role, unix_now, g, why, whylen);
	snprintf(why, whylen, "unknown token");
	return AUTH_INVALID;
}

int
auth_http_status(enum auth_verdict v)
{
	switch (v) {
	case AUTH_OK: return 200;
	case AUTH_FORBIDDEN: return 403;
	case AUTH_MALFORMED: return 400;
	default: return 401;
	}
}

const char *
auth_error_code(enum auth_verdict v)
{
	switch (v) {
	case AUTH_INVALID:
	case AUTH_EXPIRED: return "invalid_token";
	case AUTH_FORBIDDEN: return "insufficient_scope";
	case AUTH_MALFORMED: return "invalid_request";
	default: return "";
	}
}

int
auth_jwt_mint(const void *key, size_t key_len, const char *stream, const char *role, int64_t exp,
		char *out, size_t outlen)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char claims[512], signing[1024];
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	size_t n;
	int cn;

	cn = snprintf(claims, sizeof(claims), "{\"stream\":\"%s\",\"role\":\"%s\",\"exp\":%lld}",
			stream, role, (long long)exp);
	if (cn < 0 || (size_t)cn >= sizeof(claims) || !auth_pattern_ok(stream, strlen(stream)))
		return -1;
	n = b64url_encode((const uint8_t *)hdr, sizeof(hdr) - 1, signing);
	signing[n++] = '.';
	n += b64url_encode((const uint8_t *)claims, (size_t)cn, signing + n);
	if (HMAC(EVP_sha256(), key, (int)key_len, (const uint8_t *)signing, n, mac, &maclen) ==
			NULL)
		return -1;
	if (n + 1 + 44 + 1 > outlen)
		return -1;
	memcpy(out, signing, n);
	out[n++] = '.';
	n += b64url_encode(mac, maclen, out + n);
	return (int)n;
}
