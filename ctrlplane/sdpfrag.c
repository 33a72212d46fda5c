/* Trickle ICE SDP fragments, RFC 8840 (see sdpfrag.h). */
#include <string.h>

#include "sdpfrag.h"

#define FRAG_FAIL(e, c, l, w)                                                                      \
	do {                                                                                       \
		(e)->code = (c);                                                                   \
		(e)->line = (l);                                                                   \
		(e)->what = (w);                                                                   \
		return (c);                                                                        \
	} while (0)

/* A bounded word reader over one line value. */
struct frag_rd {
	const char *p;
	size_t len;
	size_t off;
};

static int
frag_word(struct frag_rd *r, const char **w, size_t *n)
{
	while (r->off < r->len && (r->p[r->off] == ' ' || r->p[r->off] == '\t'))
		r->off++;
	*w = r->p + r->off;
	*n = 0;
	while (r->off < r->len && r->p[r->off] != ' ' && r->p[r->off] != '\t') {
		r->off++;
		(*n)++;
	}
	return *n > 0;
}

static int
frag_done(struct frag_rd *r)
{
	const char *w;
	size_t n;
	return !frag_word(r, &w, &n);
}

static int
word_eq(const char *w, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(w, lit, n) == 0;
}

static int
word_copy(char *dst, size_t cap, const char *w, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, w, n);
	dst[n] = '\0';
	return 0;
}

static int
word_visible(const char *w, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e)
			return 0;
	return 1;
}

/* m=<media> <port>[/<n>] <proto> <fmt> ... */
static int
frag_m(struct sdpfrag_media *m, const char *val, size_t len)
{
	struct frag_rd r = {val, len, 0};
	const char *media, *port, *proto, *fmt;
	size_t nm, np, npr, nf;
	uint32_t x = 0;
	size_t i;

	if (!frag_word(&r, &media, &nm) || !frag_word(&r, &port, &np) ||
	        !frag_word(&r, &proto, &npr) || !frag_word(&r, &fmt, &nf))
		return -1;
	if (!word_visible(media, nm) || word_copy(m->media, sizeof(m->media), media, nm) != 0)
		return -1;
	if (!word_visible(proto, npr) || word_copy(m->proto, sizeof(m->proto), proto, npr) != 0)
		return -1;
	for (i = 0; i < np && port[i] != '/'; i++) {
		if (port[i] < '0' || port[i] > '9' || i >= 5)
			return -1;
		x = x * 10 + (uint32_t)(port[i] - '0');
	}
	if (i == 0 || x > 65535)
		return -1;
	m->port = (uint16_t)x;
	return word_visible(fmt, nf) ? 0 : -1;
}

static int
frag_cred(char *dst, size_t cap, struct frag_rd *r)
{
	const char *w;
	size_t n;

	if (!frag_word(r, &w, &n) || !frag_done(r) || !sdp_ice_chars_valid(w, n))
		return SDP_E_VALUE;
	if (dst[0] != '\0')
		return 0; /* the first one counts */
	return word_copy(dst, cap, w, n) == 0 ? 0 : SDP_E_LIMIT;
}

static int
frag_attr(struct sdpfrag *f, struct sdpfrag_media *m, const struct sdp_line *l, struct sdp_error *e)
{
	const char *colon = memchr(l->val, ':', l->len);
	size_t nlen = colon ? (size_t)(colon - l->val) : l->len;
	struct frag_rd r = {colon ? colon + 1 : l->val + l->len, colon ? l->len - nlen - 1 : 0, 0};
	const char *name = l->val, *w;
	size_t n;
	int rc;

	if (word_eq(name, nlen, "ice-ufrag") || word_eq(name, nlen, "ice-pwd")) {
		int is_ufrag = word_eq(name, nlen, "ice-ufrag");
		char *dst = m ? (is_ufrag ? m->ice_ufrag : m->ice_pwd)
		              : (is_ufrag ? f->ice_ufrag : f->ice_pwd);
		rc = frag_cred(dst, SDP_UFRAG_MAX, &r);
		if (rc != 0)
			FRAG_FAIL(e, rc, l->lineno,
			        rc == SDP_E_LIMIT ? "ice-ufrag or ice-pwd longer than 256"
			                          : "ice-ufrag or ice-pwd is not ice-chars");
		return 0;
	}
	if (word_eq(name, nlen, "ice-options")) {
		while (frag_word(&r, &w, &n)) {
			if (word_eq(w, n, "trickle"))
				f->ice_options |= SDP_ICE_OPT_TRICKLE;
			else if (word_eq(w, n, "ice2"))
				f->ice_options |= SDP_ICE_OPT_ICE2;
			else if (word_eq(w, n, "renomination"))
				f->ice_options |= SDP_ICE_OPT_RENOMINATION;
			else
				f->ice_options |= SDP_ICE_OPT_OTHER;
		}
		return 0;
	}
	if (word_eq(name, nlen, "ice-lite")) {
		f->ice_lite = 1;
		return 0;
	}
	if (m == NULL)
		m = &f->loose;
	if (word_eq(name, nlen, "candidate")) {
		struct sdp_candidate c;
		rc = sdp_candidate_parse(&c, r.p, r.len);
		if (rc != 0)
			FRAG_FAIL(e, rc, l->lineno, "candidate is not RFC 8839 §5.1 syntax");
		if (c.skip != SDP_CAND_OK || m->n_cand >= SDP_MAX_CAND) {
			if (m->n_cand_skipped < UINT16_MAX)
				m->n_cand_skipped++; /* W20: dropped, not an error */
			return 0;
		}
		m->cand[m->n_cand++] = c;
		return 0;
	}
	if (word_eq(name, nlen, "end-of-candidates")) {
		m->end_of_candidates = 1;
		return 0;
	}
	if (word_eq(name, nlen, "mid") && m != &f->loose) {
		if (!frag_word(&r, &w, &n) || !frag_done(&r) || !word_visible(w, n))
			FRAG_FAIL(e, SDP_E_VALUE, l->lineno, "mid is not a token");
		if (m->mid[0] != '\0')
			FRAG_FAIL(e, SDP_E_DUPLICATE, l->lineno, "second mid in one m= section");
		if (word_copy(m->mid, sizeof(m->mid), w, n) != 0)
			FRAG_FAIL(e, SDP_E_LIMIT, l->lineno, "mid longer than 64 characters");
		return 0;
	}
	return 0; /* a=group, a=ice-pacing, ...: not needed */
}

int
sdpfrag_parse(struct sdpfrag *f, const char *text, size_t len, struct sdp_error *err)
{
	struct sdp_error e = {0, 0, NULL};
	struct sdpfrag_media *m = NULL;
	struct sdp_lines lines;
	struct sdp_line l;
	unsigned seen = 0;
	int rc;

	memset(f, 0, sizeof(*f));
	if (len > SDP_MAX_LEN) {
		e = (struct sdp_error){SDP_E_TOO_BIG, 0, "larger than 64 KiB"};
		rc = e.code;
		goto fail;
	}
	sdp_lines_init(&lines, text, len);
	while ((rc = sdp_lines_next(&lines, &l)) == 1) {
		seen++;
		switch (l.type) {
		case 'a':
			rc = frag_attr(f, m, &l, &e);
			break;
		case 'm':
			if (f->n_media >= SDP_MAX_MEDIA) {
				e = (struct sdp_error){SDP_E_TOO_MANY_MEDIA, l.lineno,
				        "more m= lines than allowed"};
				rc = e.code;
				break;
			}
			m = &f->media[f->n_media++];
			rc = 0;
			if (frag_m(m, l.val, l.len) != 0) {
				e = (struct sdp_error){SDP_E_VALUE, l.lineno,
				        "m= is not <media> <port> <proto> <fmt>"};
				rc = e.code;
			}
			break;
		case 'c':
			rc = 0;
			break;
		default:
			e = (struct sdp_error){SDP_E_SYNTAX, l.lineno,
			        "only a=, m= and c= lines belong in an sdpfrag (RFC 8840 §9)"};
			rc = e.code;
			break;
		}
		if (rc != 0)
			goto fail;
	}
	if (rc != 0) {
		e = (struct sdp_error){rc, lines.lineno,
		        rc == SDP_E_LINE_TOO_LONG ? "line longer than 1024 bytes"
		                                  : "not a <letter>=<value> line of visible text"};
		goto fail;
	}
	if (seen == 0) {
		e = (struct sdp_error){SDP_E_EMPTY, 0, "empty fragment"};
		rc = e.code;
		goto fail;
	}
	/* RFC 8839 §5.4: media-level credentials, else session-level ones */
	for (unsigned i = 0; i < f->n_media; i++) {
		if (f->media[i].ice_ufrag[0] == '\0')
			memcpy(f->media[i].ice_ufrag, f->ice_ufrag, sizeof(f->ice_ufrag));
		if (f->media[i].ice_pwd[0] == '\0')
			memcpy(f->media[i].ice_pwd, f->ice_pwd, sizeof(f->ice_pwd));
	}
	memcpy(f->loose.ice_ufrag, f->ice_ufrag, sizeof(f->ice_ufrag));
	memcpy(f->loose.ice_pwd, f->ice_pwd, sizeof(f->ice_pwd));
	if (err != NULL)
		*err = (struct sdp_error){SDP_OK, 0, NULL};
	return SDP_OK;
fail:
	memset(f, 0, sizeof(*f));
	if (err != NULL)
		*err = (struct sdp_error){e.code, e.line, e.what ? e.what : sdp_strerror(e.code)};
	return rc;
}

const char *
sdpfrag_ufrag(const struct sdpfrag *f)
{
	return f->n_media > 0 ? f->media[0].ice_ufrag : f->ice_ufrag;
}

const char *
sdpfrag_pwd(const struct sdpfrag *f)
{
	return f->n_media > 0 ? f->media[0].ice_pwd : f->ice_pwd;
}

/* A string we may put on a line as it is: visible ASCII, no blanks. */
static int
str_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strnlen(s, max);
	return n < max && word_visible(s, n);
}

int
sdpfrag_restart_write(const struct sdpfrag_restart *r, char *buf, size_t cap)
{
	struct sdp_writer w;
	int has_mid = r->mid != NULL && r->mid[0] != '\0';
	size_t ul = r->ufrag ? strnlen(r->ufrag, SDP_UFRAG_MAX) : 0;
	size_t pl = r->pwd ? strnlen(r->pwd, SDP_PWD_MAX) : 0;

	/* RFC 8839 §5.4: ufrag 4..256, pwd 22..256 ice-chars */
	if (ul < 4 || ul >= SDP_UFRAG_MAX || !sdp_ice_chars_valid(r->ufrag, ul) || pl < 22 ||
	        pl >= SDP_PWD_MAX || !sdp_ice_chars_valid(r->pwd, pl))
		return SDP_E_VALUE;
	if (!str_ok(r->media, 16) || !str_ok(r->proto, SDP_PROTO_MAX) ||
	        !str_ok(r->fmt, SDP_FMT_MAX) || (has_mid && !str_ok(r->mid, SDP_MID_MAX)) ||
	        r->n_bundle > SDP_MAX_MEDIA || r->n_addrs == 0 || r->n_addrs > SDP_MAX_LOCAL_ADDR ||
	        r->addrs == NULL || r->port == 0)
		return SDP_E_VALUE;
	for (unsigned i = 0; i < r->n_bundle; i++)
		if (!str_ok(r->bundle[i], SDP_MID_MAX))
			return SDP_E_VALUE;
	for (unsigned i = 0; i < r->n_addrs; i++)
		if (r->addrs[i].family != 4 && r->addrs[i].family != 6)
			return SDP_E_VALUE;

	sdp_writer_init(&w, buf, cap);
	if (r->ice_lite)
		sdp_writer_printf(&w, "a=ice-lite\r\n");
	if (r->n_bundle > 0) {
		sdp_writer_printf(&w, "a=group:BUNDLE");
		for (unsigned i = 0; i < r->n_bundle; i++)
			sdp_writer_printf(&w, " %s", r->bundle[i]);
		sdp_writer_printf(&w, "\r\n");
	}
	/* RFC 8840 §4.4 / RFC 9725 §4.3.3: the m= line of the first bundled section */
	sdp_writer_printf(&w, "m=%s 9 %s %s\r\n", r->media, r->proto, r->fmt);
	if (has_mid)
		sdp_writer_printf(&w, "a=mid:%s\r\n", r->mid);
	sdp_writer_printf(&w, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", r->ufrag, r->pwd);
	sdp_writer_host_candidates(&w, r->addrs, r->n_addrs, r->port);
	return sdp_writer_end(&w);
}
