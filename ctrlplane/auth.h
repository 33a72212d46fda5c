/*
 * Bearer token checks for WHIP/WHEP (RFC 9725 §4.7, RFC 6750). Sans-IO:
 * the token, the stream, the role and the time in; a verdict out.
 *
 * Owns two kinds of token:
 *  - static tokens from the configuration (auth.tokens): "role:pattern:token"
 *    items, role publish | play | any, pattern a stream name, a prefix
 *    ending in '*', or '*';
 *  - signed tokens an auth service mints without talking to the node: a JWT
 *    (RFC 7519) signed HS256 (RFC 7518 §3.2) with auth.jwt_secret, claims
 *    "stream" (name or pattern as above), "role" and "exp" (required),
 *    "nbf" (optional). Only HS256 is accepted ("none" and everything else
 *    are refused: no algorithm confusion).
 * With neither configured, authentication is off. Token comparisons are
 * constant-time. Verdicts map to RFC 6750 §3.1: no token 401 (no error
 * code), a bad or expired token 401 invalid_token, a valid token of another
 * stream or role 403 insufficient_scope, a malformed header 400
 * invalid_request.
 */
#ifndef RTC_AUTH_H
#define RTC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_MAX_RULES 64
#define AUTH_PATTERN_MAX 128
#define AUTH_TOKEN_MAX 512
#define AUTH_JWT_MAX 2048 /* longest signed token we read */

enum auth_role {
	AUTH_ROLE_PUBLISH = 1,
	AUTH_ROLE_PLAY = 2,
	AUTH_ROLE_ANY = 3,
};

enum auth_verdict {
	AUTH_OK = 0,
	AUTH_NO_TOKEN,  /* 401, WWW-Authenticate: Bearer realm="rtcedge" */
	AUTH_INVALID,   /* 401 invalid_token */
	AUTH_EXPIRED,   /* 401 invalid_token, "token expired" */
	AUTH_FORBIDDEN, /* 403 insufficient_scope */
	AUTH_MALFORMED, /* 400 invalid_request */
};

struct auth_rule {
	uint8_t roles; /* AUTH_ROLE_* bits */
	char pattern[AUTH_PATTERN_MAX];
	char token[AUTH_TOKEN_MAX];
	uint16_t token_len;
};

struct auth {
	unsigned n_rules;
	struct auth_rule rules[AUTH_MAX_RULES];
	uint8_t jwt_on;
	uint8_t jwt_key[256];
	size_t jwt_key_len;
};

/* What a valid token grants, for limits and logs. */
struct auth_grant {
	uint8_t kind;     /* 0 none (auth off), 1 static, 2 jwt */
	uint16_t rule;    /* static: index into rules */
	uint64_t key;     /* identifies the token for per-token limits (hash; not secret) */
	int64_t expires;  /* jwt: exp; else 0 */
};

/*
 * Parse an auth.tokens value into @out (may be NULL to validate only).
 * Returns the number of rules, or -1 with a one-line problem in @err.
 */
int auth_rules_parse(const char *spec, struct auth_rule *out, size_t cap, char *err, size_t errlen);

/* Set up from the configuration values; 0 or -1 with @err. */
int auth_init(struct auth *a, const char *tokens, const char *jwt_secret, char *err, size_t errlen);
/* Wipe the secrets. */
void auth_clear(struct auth *a);
/* Nonzero when requests need a token. */
int auth_enabled(const struct auth *a);

/*
 * Check the request's Authorization header value @authz (NULL if absent)
 * for @role on @stream at @unix_now. On AUTH_OK fills @g. @why gets a short
 * description for error_description (no secrets).
 */
enum auth_verdict auth_check(const struct auth *a, const char *authz, const char *stream,
		enum auth_role role, int64_t unix_now, struct auth_grant *g, char *why, size_t whylen);

/* Is @p a stream pattern (RFC 3986 unreserved characters, '*' only last)? */
int auth_pattern_valid(const char *p);
/* Does @stream match @pattern (exact, "prefix*", "*")? */
int auth_pattern_match(const char *pattern, const char *stream);

/* The HTTP status of a verdict and the RFC 6750 error code ("" for none). */
int auth_http_status(enum auth_verdict v);
const char *auth_error_code(enum auth_verdict v);

/*
 * Mint a signed token (for rtcedgectl and tests): HS256 JWT with @stream,
 * @role ("publish", "play", "any") and @exp. Length written, or -1.
 */
int auth_jwt_mint(const void *key, size_t key_len, const char *stream, const char *role,
		int64_t exp, char *out, size_t outlen);

#endif
