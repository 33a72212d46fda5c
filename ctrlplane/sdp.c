/* SDP parse (see sdp.h). RFC sections cited inline. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sdp.h"

/* A bounded reader over one value: every read checks off against len. */
struct sdp_rd {
	const char *p;
	size_t len;
	size_t off;
};

struct sdp_tok {
	const char *p;
	size_t n;
};

/* Parser state besides the output. */
struct sdp_parse {
	struct sdp_desc *d;
	struct sdp_media *m; /* current m= section, NULL at session level */
	unsigned line;
	const char *what;
	uint8_t have_v;
	uint8_t have_o;
	uint8_t media_dir_set[SDP_MAX_MEDIA];
	uint8_t sess_dir_set;
	uint8_t n_tags; /* first BUNDLE group, resolved after the last line */
	char tags[SDP_MAX_MEDIA][SDP_MID_MAX];
	unsigned group_line;
};

#define FAIL(p, code, text)                                                                        \
	do {                                                                                       \
		(p)->what = (text);                                                                \
		return (code);                                                                     \
	} while (0)

static void
rd_init(struct sdp_rd *r, const char *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static void
rd_skip_ws(struct sdp_rd *r)
{
	while (r->off < r->len && is_ws(r->p[r->off]))
		r->off++;
}

/* The next run of non-blanks; 0 when there is none. */
static int
rd_word(struct sdp_rd *r, struct sdp_tok *t)
{
	rd_skip_ws(r);
	t->p = r->p + r->off;
	t->n = 0;
	while (r->off < r->len && !is_ws(r->p[r->off])) {
		r->off++;
		t->n++;
	}
	return t->n > 0;
}

/* What is left, without leading and trailing blanks (may be empty). */
static void
rd_rest(struct sdp_rd *r, struct sdp_tok *t)
{
	size_t end = r->len;

	rd_skip_ws(r);
	while (end > r->off && is_ws(r->p[end - 1]))
		end--;
	t->p = r->p + r->off;
	t->n = end - r->off;
	r->off = r->len;
}

static int
rd_done(struct sdp_rd *r)
{
	rd_skip_ws(r);
	return r->off == r->len;
}

/* Split @t at the first @c: head in @a, the rest (after @c) in @b; 0 if no @c. */
static int
tok_split(const struct sdp_tok *t, char c, struct sdp_tok *a, struct sdp_tok *b)
{
	const char *s = t->n ? memchr(t->p, c, t->n) : NULL;

	if (s == NULL) {
		*a = *t;
		b->p = t->p + t->n;
		b->n = 0;
		return 0;
	}
	a->p = t->p;
	a->n = (size_t)(s - t->p);
	b->p = s + 1;
	b->n = t->n - a->n - 1;
	return 1;
}

static int
tok_eq(const struct sdp_tok *t, const char *lit)
{
	size_t n = strlen(lit);
	return t->n == n && memcmp(t->p, lit, n) == 0;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
mem_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
tok_ieq(const struct sdp_tok *t, const char *lit)
{
	size_t n = strlen(lit);
	return t->n == n && mem_ieq(t->p, lit, n);
}

/* Decimal digits only, at most 20, value <= @max. */
static int
tok_u64(const struct sdp_tok *t, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (t->n == 0 || t->n > 20)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		unsigned dgt = (unsigned char)t->p[i] - '0';
		if (dgt > 9 || x > (UINT64_MAX - dgt) / 10)
			return -1;
		x = x * 10 + dgt;
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

static int
tok_u32(const struct sdp_tok *t, uint32_t max, uint32_t *v)
{
	uint64_t x;

	if (tok_u64(t, max, &x) != 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* RFC 8866 §9 token-char. */
static int
is_token_char(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d ||
	       c == 0x2e || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ||
	       (c >= 0x5e && c <= 0x7e);
}

static int
tok_is_token(const struct sdp_tok *t)
{
	if (t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (!is_token_char((unsigned char)t->p[i]))
			return 0;
	return 1;
}

/* Visible ASCII only (no blanks, nothing >= 0x7f). */
static int
tok_is_visible(const struct sdp_tok *t)
{
	if (t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if ((unsigned char)t->p[i] < 0x21 || (unsigned char)t->p[i] > 0x7e)
			return 0;
	return 1;
}

/* Copy into a fixed array; -1 if it does not fit with its NUL. */
static int
tok_copy(char *dst, size_t cap, const struct sdp_tok *t)
{
	if (t->n >= cap)
		return -1;
	memcpy(dst, t->p, t->n);
	dst[t->n] = '\0';
	return 0;
}

int
sdp_ice_chars_valid(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

/* ---- lines ---- */

void
sdp_lines_init(struct sdp_lines *r, const char *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->lineno = 0;
}

int
sdp_lines_next(struct sdp_lines *r, struct sdp_line *l)
{
	while (r->off < r->len) {
		const char *s = r->buf + r->off;
		size_t rem = r->len - r->off;
		const char *nl = memchr(s, '\n', rem);
		size_t n = nl ? (size_t)(nl - s) : rem;

		r->off += nl ? n + 1 : n;
		r->lineno++;
		l->lineno = r->lineno;
		if (n > 0 && s[n - 1] == '\r')
			n--; /* RFC 8866 §5: CRLF; LF alone is accepted too */
		if (n == 0)
			continue;
		if (n > SDP_MAX_LINE)
			return SDP_E_LINE_TOO_LONG;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return SDP_E_SYNTAX; /* NUL, bare CR, other controls */
		}
		if (n < 2 || s[0] < 'a' || s[0] > 'z' || s[1] != '=')
			return SDP_E_SYNTAX;
		l->type = s[0];
		l->val = s + 2;
		l->len = n - 2;
		return 1;
	}
	return 0;
}

/* ---- names ---- */

const char *
sdp_kind_name(enum sdp_kind k)
{
	switch (k) {
	case SDP_KIND_AUDIO:
		return "audio";
	case SDP_KIND_VIDEO:
		return "video";
	case SDP_KIND_APPLICATION:
		return "application";
	default:
		return "?";
	}
}

const char *
sdp_dir_name(enum sdp_dir d)
{
	switch (d) {
	case SDP_DIR_SENDRECV:
		return "sendrecv";
	case SDP_DIR_SENDONLY:
		return "sendonly";
	case SDP_DIR_RECVONLY:
		return "recvonly";
	case SDP_DIR_INACTIVE:
		return "inactive";
	default:
		return "?";
	}
}

const char *
sdp_setup_name(enum sdp_setup s)
{
	switch (s) {
	case SDP_SETUP_ACTPASS:
		return "actpass";
	case SDP_SETUP_ACTIVE:
		return "active";
	case SDP_SETUP_PASSIVE:
		return "passive";
	case SDP_SETUP_HOLDCONN:
		return "holdconn";
	default:
		return "?";
	}
}

static const struct {
	const char *name;
	uint8_t len;
} sdp_hashes[] = {
        [SDP_HASH_SHA1] = {"sha-1", 20},
        [SDP_HASH_SHA224] = {"sha-224", 28},
        [SDP_HASH_SHA256] = {"sha-256", 32},
        [SDP_HASH_SHA384] = {"sha-384", 48},
        [SDP_HASH_SHA512] = {"sha-512", 64},
        [SDP_HASH_MD5] = {"md5", 16},
};

const char *
sdp_hash_name(enum sdp_hash h)
{
	if ((unsigned)h >= sizeof(sdp_hashes) / sizeof(sdp_hashes[0]) || sdp_hashes[h].name == NULL)
		return "?";
	return sdp_hashes[h].name;
}

const char *
sdp_cand_type_name(enum sdp_cand_type t)
{
	switch (t) {
	case SDP_CAND_HOST:
		return "host";
	case SDP_CAND_SRFLX:
		return "srflx";
	case SDP_CAND_PRFLX:
		return "prflx";
	case SDP_CAND_RELAY:
		return "relay";
	default:
		return "?";
	}
}

static const char *const sdp_fb_names[SDP_FB_COUNT] = {
        "nack",
        "nack pli",
        "nack sli",
        "nack rpsi",
        "ccm fir",
        "ccm tmmbr",
        "ccm tstr",
        "ccm vbcm",
        "goog-remb",
        "transport-cc",
        "goog-lntf",
};

const char *
sdp_fb_name(uint32_t bit)
{
	for (unsigned i = 0; i < SDP_FB_COUNT; i++)
		if (bit == 1u << i)
			return sdp_fb_names[i];
	return "?";
}

const char *
sdp_strerror(int err)
{
	switch (err) {
	case SDP_OK:
		return "ok";
	case SDP_E_TOO_BIG:
		return "SDP too large";
	case SDP_E_LINE_TOO_LONG:
		return "SDP line too long";
	case SDP_E_SYNTAX:
		return "SDP syntax error";
	case SDP_E_VALUE:
		return "malformed SDP attribute value";
	case SDP_E_TOO_MANY_MEDIA:
		return "too many m= lines";
	case SDP_E_LIMIT:
		return "SDP over a count or length limit";
	case SDP_E_DUPLICATE:
		return "duplicate SDP value";
	case SDP_E_BUNDLE:
		return "bad BUNDLE group";
	case SDP_E_EMPTY:
		return "empty SDP";
	case SDP_E_NOSPACE:
		return "output buffer too small";
	default:
		return "unknown SDP error";
	}
}

/* ---- addresses and candidates ---- */

static int
addr_parse(const struct sdp_tok *t, struct sdp_addr *a)
{
	char s[SDP_ADDR_STR_MAX];
	uint8_t buf[16];

	if (t->n == 0 || t->n >= sizeof(s))
		return -1;
	memcpy(s, t->p, t->n);
	s[t->n] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, buf) == 1) {
		a->family = 4;
		memcpy(a->addr, buf, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		a->family = 6;
		memcpy(a->addr, buf, 16);
		return 0;
	}
	return -1;
}

void
sdp_addr_format(const struct sdp_addr *a, char out[SDP_ADDR_STR_MAX])
{
	out[0] = '\0';
	if (a->family == 4)
		inet_ntop(AF_INET, a->addr, out, SDP_ADDR_STR_MAX);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->addr, out, SDP_ADDR_STR_MAX);
}

static int
tok_ends_with_i(const struct sdp_tok *t, const char *suffix)
{
	size_t n = strlen(suffix);
	return t->n >= n && mem_ieq(t->p + t->n - n, suffix, n);
}

/* RFC 8839 §5.1 candidate-attribute, after "candidate:". */
int
sdp_candidate_parse(struct sdp_candidate *c, const char *val, size_t len)
{
	struct sdp_rd r;
	struct sdp_tok f, comp, tr, prio, addr, port, typ, type, k, v;
	uint32_t x;
	int rc = SDP_E_VALUE;

	memset(c, 0, sizeof(*c));
	rd_init(&r, val, len);
	if (!rd_word(&r, &f) || !rd_word(&r, &comp) || !rd_word(&r, &tr) || !rd_word(&r, &prio) ||
	        !rd_word(&r, &addr) || !rd_word(&r, &port) || !rd_word(&r, &typ) ||
	        !rd_word(&r, &type) || !tok_eq(&typ, "typ"))
		goto fail;
	if (!sdp_ice_chars_valid(f.p, f.n))
		goto fail;
	if (tok_copy(c->foundation, sizeof(c->foundation), &f) != 0) {
		rc = SDP_E_LIMIT;
		goto fail;
	}
	if (tok_u32(&comp, 256, &x) != 0 || x == 0)
		goto fail;
	c->component = (uint16_t)x;
	if (!tok_is_token(&tr))
		goto fail;
	if (tok_u32(&prio, UINT32_MAX, &c->priority) != 0)
		goto fail;
	if (!tok_is_visible(&addr))
		goto fail;
	if (tok_u32(&port, 65535, &x) != 0)
		goto fail;
	c->port = (uint16_t)x;
	if (!tok_is_token(&type))
		goto fail;
	if (tok_eq(&type, "host"))
		c->type = SDP_CAND_HOST;
	else if (tok_eq(&type, "srflx"))
		c->type = SDP_CAND_SRFLX;
	else if (tok_eq(&type, "prflx"))
		c->type = SDP_CAND_PRFLX;
	else if (tok_eq(&type, "relay"))
		c->type = SDP_CAND_RELAY;
	/* extensions come in name/value pairs; raddr/rport are the ones we keep */
	while (rd_word(&r, &k)) {
		if (!rd_word(&r, &v))
			break; /* a lone trailing token: ignored */
		if (tok_eq(&k, "raddr")) {
			c->has_raddr = addr_parse(&v, &c->raddr) == 0;
		} else if (tok_eq(&k, "rport")) {
			if (tok_u32(&v, 65535, &x) != 0)
				goto fail;
			c->rport = (uint16_t)x;
		}
	}
	if (!c->has_raddr)
		memset(&c->raddr, 0, sizeof(c->raddr));

	/* W20: keep only what we can use; the rest is dropped, not an error */
	if (!tok_ieq(&tr, "udp"))
		c->skip = SDP_CAND_SKIP_TRANSPORT;
	else if (addr_parse(&addr, &c->addr) != 0)
		c->skip = tok_ends_with_i(&addr, ".local") ? SDP_CAND_SKIP_MDNS
		                                           : SDP_CAND_SKIP_HOSTNAME;
	else if (c->component != 1)
		c->skip = SDP_CAND_SKIP_COMPONENT;
	else if (c->type == 0)
		c->skip = SDP_CAND_SKIP_TYPE;
	return 0;
fail:
	memset(c, 0, sizeof(*c));
	return rc;
}

/* ---- attributes ---- */

static const struct {
	uint8_t pt;
	const char *name;
	uint32_t clock;
	uint8_t channels;
} sdp_static_pts[] = {
        /* RFC 3551 §6 */
        {0, "PCMU", 8000, 1},
        {3, "GSM", 8000, 1},
        {4, "G723", 8000, 1},
        {8, "PCMA", 8000, 1},
        {9, "G722", 8000, 1},
        {13, "CN", 8000, 1},
        {18, "G729", 8000, 1},
        {26, "JPEG", 90000, 0},
        {31, "H261", 90000, 0},
        {34, "H263", 90000, 0},
};

static struct sdp_codec *
media_codec(struct sdp_media *m, uint32_t pt)
{
	for (unsigned i = 0; i < m->n_codecs; i++)
		if (m->codecs[i].pt == pt)
			return &m->codecs[i];
	return NULL;
}

const struct sdp_codec *
sdp_media_codec_find(const struct sdp_media *m, uint8_t pt)
{
	for (unsigned i = 0; i < m->n_codecs; i++)
		if (m->codecs[i].pt == pt)
			return &m->codecs[i];
	return NULL;
}

const char *
sdp_codec_param(const struct sdp_codec *c, const char *key, size_t *vlen)
{
	size_t kl = strlen(key);

	for (unsigned i = 0; i < c->n_params; i++) {
		const struct sdp_param *p = &c->params[i];
		if (p->key_len == kl && mem_ieq(c->fmtp + p->key_off, key, kl)) {
			*vlen = p->val_len;
			return c->fmtp + p->val_off;
		}
	}
	return NULL;
}

int
sdp_desc_media_by_mid(const struct sdp_desc *d, const char *mid)
{
	for (unsigned i = 0; i < d->n_media; i++)
		if (d->media[i].mid[0] != '\0' && strcmp(d->media[i].mid, mid) == 0)
			return (int)i;
	return -1;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14) */
static int
parse_m(struct sdp_parse *p, const char *val, size_t len)
{
	struct sdp_desc *d = p->d;
	struct sdp_media *m;
	struct sdp_rd r;
	struct sdp_tok media, port, proto, fmt, pnum, pcount;
	uint32_t x;

	if (d->n_media >= SDP_MAX_MEDIA)
		FAIL(p, SDP_E_TOO_MANY_MEDIA, "more m= lines than allowed");
	m = &d->media[d->n_media++];
	p->m = m;
	m->line = (uint16_t)(p->line > UINT16_MAX ? UINT16_MAX : p->line);
	rd_init(&r, val, len);
	if (!rd_word(&r, &media) || !rd_word(&r, &port) || !rd_word(&r, &proto))
		FAIL(p, SDP_E_SYNTAX, "m= line needs media, port, proto and formats");
	if (!tok_is_token(&media) || tok_copy(m->media, sizeof(m->media), &media) != 0)
		FAIL(p, SDP_E_VALUE, "m= media is not a short token");
	if (tok_eq(&media, "audio"))
		m->kind = SDP_KIND_AUDIO;
	else if (tok_eq(&media, "video"))
		m->kind = SDP_KIND_VIDEO;
	else if (tok_eq(&media, "application"))
		m->kind = SDP_KIND_APPLICATION;
	if ((tok_split(&port, '/', &pnum, &pcount) && tok_u32(&pcount, 65535, &x) != 0) ||
	        tok_u32(&pnum, 65535, &x) != 0)
		FAIL(p, SDP_E_VALUE, "m= port is not a number 0..65535");
	m->port = (uint16_t)x;
	if (!tok_is_visible(&proto) || tok_copy(m->proto, sizeof(m->proto), &proto) != 0)
		FAIL(p, SDP_E_VALUE, "m= proto is not a short token");
	m->is_rtp = memmem(proto.p, proto.n, "RTP/", 4) != NULL;
	/* RFC 5764 §8: UDP/TLS/RTP/SAVP(F); RTP/SAVPF as older browsers sent it with DTLS */
	m->is_dtls_srtp = tok_eq(&proto, "UDP/TLS/RTP/SAVPF") ||
	                  tok_eq(&proto, "UDP/TLS/RTP/SAVP") || tok_eq(&proto, "RTP/SAVPF");
	if (!rd_word(&r, &fmt))
		FAIL(p, SDP_E_SYNTAX, "m= line without a format");
	if (!tok_is_visible(&fmt) || tok_copy(m->fmt0, sizeof(m->fmt0), &fmt) != 0)
		FAIL(p, SDP_E_VALUE, "m= format too long");
	if (!m->is_rtp)
		return 0; /* fmts of non-RTP protos are not payload types */
	do {
		struct sdp_codec *c;
		if (tok_u32(&fmt, 127, &x) != 0)
			FAIL(p, SDP_E_VALUE, "m= payload type is not a number 0..127");
		if (media_codec(m, x) != NULL)
			FAIL(p, SDP_E_DUPLICATE, "payload type twice on the m= line");
		if (m->n_codecs >= SDP_MAX_CODECS)
			FAIL(p, SDP_E_LIMIT, "too many payload types on the m= line");
		c = &m->codecs[m->n_codecs++];
		c->pt = (uint8_t)x;
		c->apt = -1;
		for (unsigned i = 0; i < sizeof(sdp_static_pts) / sizeof(sdp_static_pts[0]); i++) {
			if (sdp_static_pts[i].pt == x) {
				strcpy(c->name, sdp_static_pts[i].name);
				c->clock = sdp_static_pts[i].clock;
				c->channels = sdp_static_pts[i].channels;
			}
		}
	} while (rd_word(&r, &fmt));
	return 0;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2) */
static int
parse_o(struct sdp_parse *p, const char *val, size_t len)
{
	struct sdp_rd r;
	struct sdp_tok t[6];

	rd_init(&r, val, len);
	for (int i = 0; i < 6; i++)
		if (!rd_word(&r, &t[i]))
			FAIL(p, SDP_E_SYNTAX, "o= needs six fields");
	if (!rd_done(&r))
		FAIL(p, SDP_E_SYNTAX, "o= has more than six fields");
	if (!tok_is_visible(&t[1]) || tok_copy(p->d->sess_id, sizeof(p->d->sess_id), &t[1]) != 0)
		FAIL(p, SDP_E_VALUE, "o= sess-id too long");
	if (tok_u64(&t[2], UINT64_MAX, &p->d->sess_version) != 0)
		FAIL(p, SDP_E_VALUE, "o= sess-version is not a number");
	return 0;
}

/* a=rtpmap:<pt> <encoding name>/<clock rate>[/<encoding parameters>] (§6.6) */
static int
attr_rtpmap(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok pt, enc, name, rest, clock, chans;
	struct sdp_codec *c;
	uint32_t x, clk, ch = 0;

	if (!rd_word(r, &pt) || !rd_word(r, &enc) || !rd_done(r) || tok_u32(&pt, 127, &x) != 0)
		FAIL(p, SDP_E_VALUE, "rtpmap is not <pt> <name>/<clock>[/<channels>]");
	tok_split(&enc, '/', &name, &rest);
	if (tok_split(&rest, '/', &clock, &chans) && tok_u32(&chans, 255, &ch) != 0)
		FAIL(p, SDP_E_VALUE, "rtpmap channels not a number 1..255");
	if (!tok_is_token(&name) || tok_u32(&clock, UINT32_MAX, &clk) != 0 || clk == 0)
		FAIL(p, SDP_E_VALUE, "rtpmap is not <pt> <name>/<clock>[/<channels>]");
	c = media_codec(p->m, x);
	if (c == NULL)
		return 0; /* not on the m= line: ignored */
	if (c->has_rtpmap)
		FAIL(p, SDP_E_DUPLICATE, "second rtpmap for a payload type");
	if (tok_copy(c->name, sizeof(c->name), &name) != 0)
		FAIL(p, SDP_E_LIMIT, "rtpmap encoding name too long");
	c->clock = clk;
	c->channels = (uint8_t)ch;
	c->has_rtpmap = 1;
	return 0;
}

/* Copy @n bytes of fmtp text into @c and split it on ';' into trimmed key=value offsets. */
static int
fmtp_set(struct sdp_codec *c, const char *s, size_t n)
{
	size_t i;

	if (n >= sizeof(c->fmtp))
		return SDP_E_LIMIT;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] > 0x7e || ((unsigned char)s[i] < 0x20 && s[i] != '\t'))
			return SDP_E_VALUE;
	memcpy(c->fmtp, s, n);
	c->fmtp[n] = '\0';
	c->n_params = 0;
	memset(c->params, 0, sizeof(c->params));
	for (i = 0; i < n;) {
		size_t b = i, e, eq, ks, ke, vs, ve;
		while (i < n && c->fmtp[i] != ';')
			i++;
		e = i;
		if (i < n)
			i++;
		while (b < e && is_ws(c->fmtp[b]))
			b++;
		while (e > b && is_ws(c->fmtp[e - 1]))
			e--;
		if (b == e)
			continue;
		if (c->n_params >= SDP_MAX_PARAMS)
			return SDP_E_LIMIT;
		for (eq = b; eq < e && c->fmtp[eq] != '='; eq++)
			;
		if (eq == e) {
			ks = ke = vs = b;
			ve = e;
		} else {
			ks = b;
			ke = eq;
			while (ke > ks && is_ws(c->fmtp[ke - 1]))
				ke--;
			vs = eq + 1;
			while (vs < e && is_ws(c->fmtp[vs]))
				vs++;
			ve = e;
		}
		c->params[c->n_params++] = (struct sdp_param){
		        (uint8_t)ks, (uint8_t)(ke - ks), (uint8_t)vs, (uint8_t)(ve - vs)};
	}
	return 0;
}

int
sdp_codec_set_fmtp(struct sdp_codec *c, const char *s)
{
	struct sdp_codec tmp = *c;
	int rc = fmtp_set(&tmp, s, strnlen(s, sizeof(c->fmtp)));

	if (rc == 0)
		*c = tmp; /* all or nothing */
	return rc;
}

/* a=fmtp:<pt> <format specific parameters> (§6.15): `k=v;k=v` or a bare value */
static int
attr_fmtp(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok pt, rest;
	struct sdp_codec *c;
	uint32_t x;
	int rc;

	if (!rd_word(r, &pt) || tok_u32(&pt, 127, &x) != 0)
		FAIL(p, SDP_E_VALUE, "fmtp does not start with a payload type");
	rd_rest(r, &rest);
	for (size_t i = 0; i < rest.n; i++)
		if ((unsigned char)rest.p[i] > 0x7e)
			FAIL(p, SDP_E_VALUE, "fmtp has a non-ASCII byte");
	c = media_codec(p->m, x);
	if (c == NULL)
		return 0;
	if (c->has_fmtp)
		FAIL(p, SDP_E_DUPLICATE, "second fmtp for a payload type");
	rc = fmtp_set(c, rest.p, rest.n);
	if (rc == SDP_E_LIMIT)
		FAIL(p, rc, "fmtp longer than 255 bytes or with more than 16 parameters");
	if (rc != 0)
		FAIL(p, rc, "fmtp has a bad byte");
	c->has_fmtp = 1;
	return 0;
}

static uint32_t
fb_bit(const struct sdp_tok *type, const struct sdp_tok *sub, int has_sub)
{
	char buf[32];
	size_t n;

	if (type->n + 1 + sub->n >= sizeof(buf))
		return 0;
	memcpy(buf, type->p, type->n);
	n = type->n;
	if (has_sub) {
		buf[n++] = ' ';
		memcpy(buf + n, sub->p, sub->n);
		n += sub->n;
	}
	buf[n] = '\0';
	for (unsigned i = 0; i < SDP_FB_COUNT; i++)
		if (strcmp(buf, sdp_fb_names[i]) == 0)
			return 1u << i;
	return 0;
}

/* a=rtcp-fb:<pt>|* <type> [<subtype> [<params>]] (RFC 4585 §4.2) */
static int
attr_rtcp_fb(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok pt, type, sub;
	struct sdp_codec *c = NULL;
	int has_sub;
	uint32_t x = 0, bit;

	if (!rd_word(r, &pt) || !rd_word(r, &type))
		FAIL(p, SDP_E_VALUE, "rtcp-fb is not <pt> <type>");
	if (!tok_eq(&pt, "*") && tok_u32(&pt, 127, &x) != 0)
		FAIL(p, SDP_E_VALUE, "rtcp-fb payload type is not a number or *");
	has_sub = rd_word(r, &sub);
	bit = fb_bit(&type, &sub, has_sub && !tok_eq(&type, "trr-int"));
	if (tok_eq(&pt, "*")) {
		p->m->fb_all |= bit;
		return 0;
	}
	c = media_codec(p->m, x);
	if (c == NULL)
		return 0;
	if (bit != 0)
		c->fb |= bit;
	else if (c->n_fb_other < UINT16_MAX)
		c->n_fb_other++;
	return 0;
}

static int
dir_parse(const struct sdp_tok *t)
{
	if (tok_eq(t, "sendrecv"))
		return SDP_DIR_SENDRECV;
	if (tok_eq(t, "sendonly"))
		return SDP_DIR_SENDONLY;
	if (tok_eq(t, "recvonly"))
		return SDP_DIR_RECVONLY;
	if (tok_eq(t, "inactive"))
		return SDP_DIR_INACTIVE;
	return SDP_DIR_NONE;
}

/* a=extmap:<id>[/<direction>] <URI> [<extensionattributes>] (RFC 8285 §8) */
static int
attr_extmap(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok head, uri, id, dir;
	struct sdp_extmap *list, *e;
	uint8_t *n;
	uint32_t x;
	int has_dir;

	if (!rd_word(r, &head) || !rd_word(r, &uri))
		FAIL(p, SDP_E_VALUE, "extmap is not <id> <uri>");
	has_dir = tok_split(&head, '/', &id, &dir);
	/* §5: 1-14 one-byte, 1-255 two-byte; 4096-4351 only to be remapped by the answer */
	if (tok_u32(&id, 4351, &x) != 0 || x == 0 || (x > 255 && x < 4096))
		FAIL(p, SDP_E_VALUE, "extmap id not in 1..255 or 4096..4351");
	if (has_dir && dir_parse(&dir) == SDP_DIR_NONE)
		FAIL(p, SDP_E_VALUE, "extmap direction unknown");
	if (!tok_is_visible(&uri))
		FAIL(p, SDP_E_VALUE, "extmap URI has a bad byte");
	if (p->m != NULL) {
		list = p->m->extmap;
		n = &p->m->n_extmap;
	} else {
		list = p->d->extmap;
		n = &p->d->n_extmap;
	}
	for (unsigned i = 0; i < *n; i++)
		if (list[i].id == x)
			FAIL(p, SDP_E_DUPLICATE, "extmap id twice in one section");
	if (*n >= SDP_MAX_EXTMAP)
		FAIL(p, SDP_E_LIMIT, "too many extmap lines in one section");
	e = &list[*n];
	if (tok_copy(e->uri, sizeof(e->uri), &uri) != 0) {
		memset(e, 0, sizeof(*e));
		FAIL(p, SDP_E_LIMIT, "extmap URI too long");
	}
	e->id = (uint16_t)x;
	e->dir = has_dir ? (uint8_t)dir_parse(&dir) : SDP_DIR_NONE;
	(*n)++;
	return 0;
}

static struct sdp_ssrc *
ssrc_get(struct sdp_media *m, uint32_t ssrc)
{
	for (unsigned i = 0; i < m->n_ssrc; i++)
		if (m->ssrcs[i].ssrc == ssrc)
			return &m->ssrcs[i];
	if (m->n_ssrc >= SDP_MAX_SSRC)
		return NULL;
	m->ssrcs[m->n_ssrc].ssrc = ssrc;
	return &m->ssrcs[m->n_ssrc++];
}

/* msid-id [SP msid-appdata] (RFC 8830 §2): 1*64 token-char each */
static int
msid_parse(struct sdp_parse *p, struct sdp_rd *r, char *stream, char *track)
{
	struct sdp_tok s, t;

	if (!rd_word(r, &s) || !tok_is_token(&s))
		FAIL(p, SDP_E_VALUE, "msid is not <stream> [<track>]");
	if (rd_word(r, &t) && !tok_is_token(&t))
		FAIL(p, SDP_E_VALUE, "msid track is not a token");
	if (!rd_done(r))
		FAIL(p, SDP_E_VALUE, "msid has more than two fields");
	if (s.n >= SDP_MSID_MAX || t.n >= SDP_MSID_MAX)
		FAIL(p, SDP_E_LIMIT, "msid longer than 64 characters");
	tok_copy(stream, SDP_MSID_MAX, &s);
	tok_copy(track, SDP_MSID_MAX, &t);
	return 0;
}

/* a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1) */
static int
attr_ssrc(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok id, av, name, value;
	struct sdp_ssrc *s;
	struct sdp_rd vr;
	uint32_t x;

	if (!rd_word(r, &id) || tok_u32(&id, UINT32_MAX, &x) != 0)
		FAIL(p, SDP_E_VALUE, "ssrc does not start with a 32-bit number");
	s = ssrc_get(p->m, x);
	if (s == NULL)
		FAIL(p, SDP_E_LIMIT, "too many SSRCs in one section");
	rd_rest(r, &av);
	tok_split(&av, ':', &name, &value);
	if (tok_eq(&name, "cname")) {
		if (!tok_is_visible(&value))
			FAIL(p, SDP_E_VALUE, "ssrc cname empty or with a bad byte");
		if (s->cname[0] == '\0' && tok_copy(s->cname, sizeof(s->cname), &value) != 0)
			FAIL(p, SDP_E_LIMIT, "ssrc cname too long");
	} else if (tok_eq(&name, "msid") && s->msid_stream[0] == '\0') {
		char stream[SDP_MSID_MAX] = "", track[SDP_MSID_MAX] = "";
		int rc;
		rd_init(&vr, value.p, value.n);
		rc = msid_parse(p, &vr, stream, track);
		if (rc != 0)
			return rc;
		memcpy(s->msid_stream, stream, sizeof(stream));
		memcpy(s->msid_track, track, sizeof(track));
	}
	return 0;
}

/* a=ssrc-group:<semantics> <ssrc-id> ... (RFC 5576 §4.2) */
static int
attr_ssrc_group(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_media *m = p->m;
	struct sdp_ssrc_group *g;
	struct sdp_tok sem, id;
	uint32_t x;

	if (!rd_word(r, &sem) || !tok_is_token(&sem))
		FAIL(p, SDP_E_VALUE, "ssrc-group has no semantics");
	if (m->n_ssrc_groups >= SDP_MAX_SSRC_GROUPS)
		FAIL(p, SDP_E_LIMIT, "too many ssrc-group lines in one section");
	g = &m->ssrc_groups[m->n_ssrc_groups];
	if (tok_copy(g->semantics, sizeof(g->semantics), &sem) != 0) {
		memset(g, 0, sizeof(*g));
		FAIL(p, SDP_E_LIMIT, "ssrc-group semantics too long");
	}
	while (rd_word(r, &id)) {
		if (g->n >= SDP_MAX_GROUP_SSRC) {
			memset(g, 0, sizeof(*g));
			FAIL(p, SDP_E_LIMIT, "too many SSRCs in one ssrc-group");
		}
		if (tok_u32(&id, UINT32_MAX, &x) != 0) {
			memset(g, 0, sizeof(*g));
			FAIL(p, SDP_E_VALUE, "ssrc-group SSRC is not a 32-bit number");
		}
		g->ssrcs[g->n++] = x;
	}
	if (g->n == 0) {
		memset(g, 0, sizeof(*g));
		FAIL(p, SDP_E_VALUE, "ssrc-group without SSRCs");
	}
	m->n_ssrc_groups++;
	return 0;
}

/* a=group:<semantics> <identification-tag> ... (RFC 5888 §5); BUNDLE (RFC 8843 §7.1) */
static int
attr_group(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok sem, tag;
	unsigned n = 0;

	if (!rd_word(r, &sem))
		FAIL(p, SDP_E_VALUE, "group has no semantics");
	if (!tok_eq(&sem, "BUNDLE"))
		return 0;
	if (p->d->n_bundle_groups < UINT8_MAX)
		p->d->n_bundle_groups++;
	if (p->d->n_bundle_groups > 1)
		return 0; /* kept: the count; the answer refuses more than one */
	p->group_line = p->line;
	while (rd_word(r, &tag)) {
		if (!tok_is_token(&tag))
			FAIL(p, SDP_E_VALUE, "BUNDLE tag is not a token");
		if (n >= SDP_MAX_MEDIA)
			FAIL(p, SDP_E_BUNDLE, "BUNDLE group longer than the m= lines allowed");
		if (tok_copy(p->tags[n], SDP_MID_MAX, &tag) != 0)
			FAIL(p, SDP_E_LIMIT, "BUNDLE tag longer than 64 characters");
		n++;
	}
	p->n_tags = (uint8_t)n;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)lower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5): XX:XX:... uppercase or lowercase */
static int
attr_fingerprint(struct sdp_parse *p, struct sdp_rd *r, struct sdp_transport *t)
{
	struct sdp_tok alg, hex;
	struct sdp_fingerprint fp;
	unsigned h;

	if (!rd_word(r, &alg) || !rd_word(r, &hex) || !rd_done(r))
		FAIL(p, SDP_E_VALUE, "fingerprint is not <hash> <hex>");
	memset(&fp, 0, sizeof(fp));
	for (h = 1; h < sizeof(sdp_hashes) / sizeof(sdp_hashes[0]); h++)
		if (tok_ieq(&alg, sdp_hashes[h].name))
			break;
	if (h == sizeof(sdp_hashes) / sizeof(sdp_hashes[0]))
		return 0; /* a hash we do not know: ignored */
	fp.alg = (uint8_t)h;
	if (hex.n != (size_t)sdp_hashes[h].len * 3 - 1)
		FAIL(p, SDP_E_VALUE, "fingerprint length does not match its hash");
	for (size_t i = 0; i < sdp_hashes[h].len; i++) {
		int hi = hexval(hex.p[3 * i]), lo = hexval(hex.p[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i + 1 < sdp_hashes[h].len && hex.p[3 * i + 2] != ':'))
			FAIL(p, SDP_E_VALUE, "fingerprint is not colon-separated hex");
		fp.bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	fp.len = sdp_hashes[h].len;
	if (t->n_fp >= SDP_MAX_FP)
		FAIL(p, SDP_E_LIMIT, "too many fingerprints");
	t->fp[t->n_fp++] = fp;
	return 0;
}

static int
attr_ice_cred(struct sdp_parse *p, struct sdp_rd *r, char *dst, size_t cap, const char *what)
{
	struct sdp_tok v;

	if (!rd_word(r, &v) || !rd_done(r) || !sdp_ice_chars_valid(v.p, v.n))
		FAIL(p, SDP_E_VALUE, what);
	if (dst[0] != '\0')
		return 0; /* the first one counts */
	if (tok_copy(dst, cap, &v) != 0)
		FAIL(p, SDP_E_LIMIT, "ice-ufrag or ice-pwd longer than 256 characters");
	return 0;
}

static int
attr_ice_options(struct sdp_parse *p, struct sdp_rd *r, struct sdp_transport *t)
{
	struct sdp_tok v;

	(void)p;
	while (rd_word(r, &v)) {
		if (tok_eq(&v, "trickle"))
			t->ice_options |= SDP_ICE_OPT_TRICKLE;
		else if (tok_eq(&v, "ice2"))
			t->ice_options |= SDP_ICE_OPT_ICE2;
		else if (tok_eq(&v, "renomination"))
			t->ice_options |= SDP_ICE_OPT_RENOMINATION;
		else
			t->ice_options |= SDP_ICE_OPT_OTHER;
	}
	return 0;
}

static int
attr_setup(struct sdp_parse *p, struct sdp_rd *r, struct sdp_transport *t)
{
	struct sdp_tok v;
	uint8_t s;

	if (!rd_word(r, &v) || !rd_done(r))
		FAIL(p, SDP_E_VALUE, "setup has no value");
	if (tok_eq(&v, "actpass"))
		s = SDP_SETUP_ACTPASS;
	else if (tok_eq(&v, "active"))
		s = SDP_SETUP_ACTIVE;
	else if (tok_eq(&v, "passive"))
		s = SDP_SETUP_PASSIVE;
	else if (tok_eq(&v, "holdconn"))
		s = SDP_SETUP_HOLDCONN;
	else
		FAIL(p, SDP_E_VALUE, "setup is not actpass, active, passive or holdconn");
	if (t->setup == SDP_SETUP_NONE)
		t->setup = s;
	return 0;
}

static int
attr_candidate(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_media *m = p->m;
	struct sdp_candidate c;
	int rc = sdp_candidate_parse(&c, r->p + r->off, r->len - r->off);

	if (rc != 0)
		FAIL(p, rc, "candidate is not RFC 8839 §5.1 syntax");
	if (c.skip != SDP_CAND_OK || m->n_cand >= SDP_MAX_CAND) {
		if (m->n_cand_skipped < UINT16_MAX)
			m->n_cand_skipped++;
		return 0;
	}
	m->cand[m->n_cand++] = c;
	return 0;
}

static int
attr_mid(struct sdp_parse *p, struct sdp_rd *r)
{
	struct sdp_tok v;

	if (!rd_word(r, &v) || !rd_done(r) || !tok_is_token(&v))
		FAIL(p, SDP_E_VALUE, "mid is not a token");
	if (p->m->mid[0] != '\0')
		FAIL(p, SDP_E_DUPLICATE, "second mid in one m= section");
	if (tok_copy(p->m->mid, sizeof(p->m->mid), &v) != 0)
		FAIL(p, SDP_E_LIMIT, "mid longer than 64 characters");
	return 0;
}

/* a=<attribute>[:<value>] (§5.13) */
static int
parse_a(struct sdp_parse *p, const char *val, size_t len)
{
	struct sdp_desc *d = p->d;
	struct sdp_media *m = p->m;
	struct sdp_transport *t = m ? &m->t : &d->t;
	struct sdp_tok all, name, value;
	struct sdp_rd r;
	int dir;

	all.p = val;
	all.n = len;
	tok_split(&all, ':', &name, &value);
	if (!tok_is_token(&name))
		FAIL(p, SDP_E_SYNTAX, "attribute name is not a token");
	rd_init(&r, value.p, value.n);

	dir = dir_parse(&name);
	if (dir != SDP_DIR_NONE) {
		uint8_t *set = m ? &p->media_dir_set[d->n_media - 1] : &p->sess_dir_set;
		if (*set)
			FAIL(p, SDP_E_DUPLICATE, "second direction attribute in one section");
		*set = 1;
		if (m)
			m->dir = (uint8_t)dir;
		else
			d->dir = (uint8_t)dir;
		return 0;
	}
	if (tok_eq(&name, "ice-ufrag"))
		return attr_ice_cred(p, &r, t->ice_ufrag, sizeof(t->ice_ufrag),
		        "ice-ufrag is not 1*256 ice-char");
	if (tok_eq(&name, "ice-pwd"))
		return attr_ice_cred(
		        p, &r, t->ice_pwd, sizeof(t->ice_pwd), "ice-pwd is not 1*256 ice-char");
	if (tok_eq(&name, "ice-options"))
		return attr_ice_options(p, &r, t);
	if (tok_eq(&name, "fingerprint"))
		return attr_fingerprint(p, &r, t);
	if (tok_eq(&name, "setup"))
		return attr_setup(p, &r, t);
	if (tok_eq(&name, "extmap"))
		return attr_extmap(p, &r);
	if (tok_eq(&name, "ice-lite")) {
		d->ice_lite = 1;
		return 0;
	}
	if (tok_eq(&name, "extmap-allow-mixed")) {
		d->extmap_allow_mixed = 1;
		return 0;
	}
	if (tok_eq(&name, "group"))
		return m ? 0 : attr_group(p, &r);
	if (m == NULL)
		return 0; /* other session-level attributes are not ours */

	if (tok_eq(&name, "mid"))
		return attr_mid(p, &r);
	if (tok_eq(&name, "rtpmap"))
		return attr_rtpmap(p, &r);
	if (tok_eq(&name, "fmtp"))
		return attr_fmtp(p, &r);
	if (tok_eq(&name, "rtcp-fb"))
		return attr_rtcp_fb(p, &r);
	if (tok_eq(&name, "candidate"))
		return attr_candidate(p, &r);
	if (tok_eq(&name, "ssrc"))
		return attr_ssrc(p, &r);
	if (tok_eq(&name, "ssrc-group"))
		return attr_ssrc_group(p, &r);
	if (tok_eq(&name, "msid")) {
		char stream[SDP_MSID_MAX] = "", track[SDP_MSID_MAX] = "";
		int rc = msid_parse(p, &r, stream, track);
		if (rc == 0 && m->msid_stream[0] == '\0') {
			memcpy(m->msid_stream, stream, sizeof(stream));
			memcpy(m->msid_track, track, sizeof(track));
		}
		return rc;
	}
	if (tok_eq(&name, "rtcp-mux"))
		m->rtcp_mux = 1;
	else if (tok_eq(&name, "rtcp-mux-only"))
		m->rtcp_mux_only = 1;
	else if (tok_eq(&name, "rtcp-rsize"))
		m->rtcp_rsize = 1;
	else if (tok_eq(&name, "bundle-only"))
		m->bundle_only = 1;
	else if (tok_eq(&name, "end-of-candidates"))
		m->end_of_candidates = 1;
	else if (tok_eq(&name, "simulcast") || tok_eq(&name, "rid"))
		m->has_simulcast = 1;
	else if (tok_eq(&name, "sctp-port")) {
		struct sdp_tok v;
		uint32_t x;
		if (!rd_word(&r, &v) || tok_u32(&v, 65535, &x) != 0)
			FAIL(p, SDP_E_VALUE, "sctp-port is not a port number");
		m->sctp_port = (uint16_t)x;
	}
	return 0;
}

static int
parse_line(struct sdp_parse *p, const struct sdp_line *l)
{
	if (!p->have_v) {
		if (l->type != 'v')
			FAIL(p, SDP_E_SYNTAX, "the first line must be v=0");
		if (l->len != 1 || l->val[0] != '0')
			FAIL(p, SDP_E_VALUE, "v= is not 0");
		p->have_v = 1;
		return 0;
	}
	switch (l->type) {
	case 'v':
		FAIL(p, SDP_E_SYNTAX, "second v= line");
	case 'o':
		if (p->have_o || p->m != NULL)
			FAIL(p, SDP_E_SYNTAX, "o= twice or after an m= line");
		p->have_o = 1;
		return parse_o(p, l->val, l->len);
	case 'm':
		if (!p->have_o)
			FAIL(p, SDP_E_SYNTAX, "m= before o=");
		return parse_m(p, l->val, l->len);
	case 'a':
		return parse_a(p, l->val, l->len);
	case 's':
	case 'i':
	case 'u':
	case 'e':
	case 'p':
	case 'c':
	case 'b':
	case 't':
	case 'r':
	case 'z':
	case 'k':
		return 0; /* RFC 8866 types we do not need */
	default:
		FAIL(p, SDP_E_SYNTAX, "unknown line type (RFC 8866 §5: not understood)");
	}
}

/* After the last line: inheritance, wildcards, mids, BUNDLE tags. */
static int
parse_finish(struct sdp_parse *p)
{
	struct sdp_desc *d = p->d;

	for (unsigned i = 0; i < d->n_media; i++) {
		struct sdp_media *m = &d->media[i];

		p->line = m->line;
		/* RFC 8839 §5.4, RFC 8122 §5, RFC 4145 §4: media level, else session level */
		if (m->t.ice_ufrag[0] == '\0')
			memcpy(m->t.ice_ufrag, d->t.ice_ufrag, sizeof(m->t.ice_ufrag));
		if (m->t.ice_pwd[0] == '\0')
			memcpy(m->t.ice_pwd, d->t.ice_pwd, sizeof(m->t.ice_pwd));
		if (m->t.ice_options == 0)
			m->t.ice_options = d->t.ice_options;
		if (m->t.setup == SDP_SETUP_NONE)
			m->t.setup = d->t.setup;
		if (m->t.n_fp == 0) {
			m->t.n_fp = d->t.n_fp;
			memcpy(m->t.fp, d->t.fp, sizeof(m->t.fp));
		}
		if (m->dir == SDP_DIR_NONE)
			m->dir = d->dir != SDP_DIR_NONE ? d->dir : SDP_DIR_SENDRECV;
		/* RFC 8285 §5: session-level extmaps apply to every media section */
		for (unsigned k = 0; k < d->n_extmap; k++) {
			unsigned j;
			for (j = 0; j < m->n_extmap; j++)
				if (m->extmap[j].id == d->extmap[k].id)
					break;
			if (j < m->n_extmap)
				continue;
			if (m->n_extmap >= SDP_MAX_EXTMAP)
				FAIL(p, SDP_E_LIMIT,
				        "too many extmap lines with the session-level ones");
			m->extmap[m->n_extmap++] = d->extmap[k];
		}
		for (unsigned k = 0; k < m->n_codecs; k++) {
			struct sdp_codec *c = &m->codecs[k];
			size_t vl;
			const char *v;

			c->fb |= m->fb_all;
			/* RFC 4588 §8.1: rtx apt= names the original payload type */
			v = sdp_codec_param(c, "apt", &vl);
			if (v != NULL && strcasecmp(c->name, "rtx") == 0) {
				struct sdp_tok t = {v, vl};
				uint32_t x;
				if (tok_u32(&t, 127, &x) == 0)
					c->apt = (int16_t)x;
			}
		}
		if (m->mid[0] != '\0')
			for (unsigned j = 0; j < i; j++)
				if (strcmp(d->media[j].mid, m->mid) == 0)
					FAIL(p, SDP_E_DUPLICATE,
					        "two m= sections with the same mid");
	}
	/* RFC 8843 §7.1: each tag names an m= section by its mid, once */
	p->line = p->group_line;
	for (unsigned k = 0; k < p->n_tags; k++) {
		int idx = sdp_desc_media_by_mid(d, p->tags[k]);
		if (idx < 0)
			FAIL(p, SDP_E_BUNDLE, "BUNDLE tag names no m= section");
		for (unsigned j = 0; j < d->n_bundle; j++)
			if (d->bundle[j] == idx)
				FAIL(p, SDP_E_BUNDLE, "BUNDLE tag twice");
		d->bundle[d->n_bundle++] = (uint8_t)idx;
	}
	return 0;
}

int
sdp_desc_parse(struct sdp_desc *d, const char *text, size_t len, struct sdp_error *err)
{
	struct sdp_parse p;
	struct sdp_lines lines;
	struct sdp_line l;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(&p, 0, sizeof(p));
	p.d = d;
	if (len > SDP_MAX_LEN) {
		rc = SDP_E_TOO_BIG;
		p.what = "larger than 64 KiB";
		goto fail;
	}
	sdp_lines_init(&lines, text, len);
	while ((rc = sdp_lines_next(&lines, &l)) == 1) {
		p.line = l.lineno;
		rc = parse_line(&p, &l);
		if (rc != 0)
			goto fail;
	}
	if (rc != 0) {
		p.line = lines.lineno;
		p.what = rc == SDP_E_LINE_TOO_LONG ? "line longer than 1024 bytes"
		                                   : "not a <letter>=<value> line of visible text";
		goto fail;
	}
	if (!p.have_v) {
		rc = SDP_E_EMPTY;
		p.what = "no SDP lines";
		goto fail;
	}
	if (!p.have_o) {
		rc = SDP_E_SYNTAX;
		p.line = lines.lineno;
		p.what = "no o= line";
		goto fail;
	}
	rc = parse_finish(&p);
	if (rc != 0)
		goto fail;
	if (err != NULL)
		*err = (struct sdp_error){SDP_OK, 0, NULL};
	return SDP_OK;
fail:
	memset(d, 0, sizeof(*d));
	if (err != NULL)
		*err = (struct sdp_error){rc, p.line, p.what ? p.what : sdp_strerror(rc)};
	return rc;
}

/* ---- writer ---- */

void
sdp_writer_init(struct sdp_writer *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = cap == 0 ? SDP_E_NOSPACE : 0;
	if (cap > 0)
		buf[0] = '\0';
}

void
sdp_writer_printf(struct sdp_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->err != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->err = SDP_E_NOSPACE;
		w->buf[w->len] = '\0';
		return;
	}
	w->len += (size_t)n;
}

void
sdp_writer_fingerprint(struct sdp_writer *w, const struct sdp_fingerprint *fp)
{
	char hex[SDP_FP_LEN_MAX * 3 + 1];
	static const char digits[] = "0123456789ABCDEF";
	size_t n = 0;

	for (unsigned i = 0; i < fp->len && i < SDP_FP_LEN_MAX; i++) {
		if (i > 0)
			hex[n++] = ':';
		hex[n++] = digits[fp->bytes[i] >> 4];
		hex[n++] = digits[fp->bytes[i] & 15];
	}
	hex[n] = '\0';
	sdp_writer_printf(w, "a=fingerprint:%s %s\r\n", sdp_hash_name(fp->alg), hex);
}

void
sdp_writer_host_candidates(
        struct sdp_writer *w, const struct sdp_addr *addrs, unsigned n, uint16_t port)
{
	char s[SDP_ADDR_STR_MAX];

	for (unsigned i = 0; i < n; i++) {
		/* RFC 8445 §5.1.2.1: type preference 126 (host), local preference by
		 * the caller's order, component 1 */
		uint32_t prio = (126u << 24) | ((65535u - i) << 8) | (256u - 1u);
		sdp_addr_format(&addrs[i], s);
		sdp_writer_printf(
		        w, "a=candidate:%u 1 udp %u %s %u typ host\r\n", i + 1, prio, s, port);
	}
	sdp_writer_printf(w, "a=end-of-candidates\r\n");
}

int
sdp_writer_end(struct sdp_writer *w)
{
	if (w->err != 0)
		return w->err;
	if (w->len > (size_t)INT32_MAX)
		return SDP_E_NOSPACE;
	return (int)w->len;
}
