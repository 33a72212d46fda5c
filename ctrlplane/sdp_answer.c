/* SDP offer/answer for the ICE-lite edge (see sdp_answer.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_answer.h"
#include "sdpfrag.h"

static const struct {
	int code;
	int http;
	const char *text;
} answer_errors[] = {
#define SDP_ANSWER_ROW(name, val, http, text) {val, http, text},
        SDP_ANSWER_ERRORS(SDP_ANSWER_ROW)
#undef SDP_ANSWER_ROW
};

const char *
sdp_answer_strerror(int err)
{
	if (err == SDP_ANSWER_OK)
		return "ok";
	for (size_t i = 0; i < sizeof(answer_errors) / sizeof(answer_errors[0]); i++)
		if (answer_errors[i].code == err)
			return answer_errors[i].text;
	return "unknown SDP answer error";
}

int
sdp_answer_http_status(int err)
{
	if (err == SDP_ANSWER_OK)
		return 201;
	for (size_t i = 0; i < sizeof(answer_errors) / sizeof(answer_errors[0]); i++)
		if (answer_errors[i].code == err)
			return answer_errors[i].http;
	return 500;
}

static int set_err(struct sdp_answer_error *e, int code, int media, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Fill @e (if any) with @code and a formatted reason; returns @code. */
static int
set_err(struct sdp_answer_error *e, int code, int media, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->http_status = sdp_answer_http_status(code);
	e->media = media;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	for (char *s = e->reason; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' '; /* one line, whatever went in */
	return code;
}

void
sdp_answer_error_from_parse(struct sdp_answer_error *err, const struct sdp_error *perr)
{
	int code = perr->code == SDP_E_TOO_BIG          ? SDP_ANSWER_E_TOO_BIG
	           : perr->code == SDP_E_TOO_MANY_MEDIA ? SDP_ANSWER_E_TOO_MANY_MEDIA
	                                                : SDP_ANSWER_E_PARSE;
	const char *what = perr->what ? perr->what : sdp_strerror(perr->code);

	if (err == NULL)
		return;
	if (code == SDP_ANSWER_E_TOO_BIG)
		set_err(err, code, -1, "SDP offer larger than %u bytes", SDP_MAX_LEN);
	else if (code == SDP_ANSWER_E_TOO_MANY_MEDIA)
		set_err(err, code, -1, "more than %u m= lines (line %u)", SDP_MAX_MEDIA,
		        perr->line);
	else if (perr->line > 0)
		set_err(err, code, -1, "malformed SDP offer, line %u: %s", perr->line, what);
	else
		set_err(err, code, -1, "malformed SDP offer: %s", what);
	err->line = perr->line;
	err->sdp_code = perr->code;
}

void
sdp_policy_default(struct sdp_policy *p, enum sdp_answer_mode mode)
{
	static const char *const exts[] = {
	        "urn:ietf:params:rtp-hdrext:sdes:mid",
	        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
	        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
	        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
	};
	struct sdp_codec_rule *r;

	memset(p, 0, sizeof(*p));
	p->mode = (uint8_t)mode;
	r = &p->codecs[p->n_codecs++];
	r->kind = SDP_KIND_AUDIO;
	strcpy(r->name, "opus");
	r->clock = 48000;
	r->channels = 2; /* RFC 7587 §7: always opus/48000/2 */
	strcpy(r->fmtp, "minptime=10;useinbandfec=1");

	r = &p->codecs[p->n_codecs++];
	r->kind = SDP_KIND_VIDEO;
	strcpy(r->name, "VP8");
	r->clock = 90000;
	r->rtx = 1;

	r = &p->codecs[p->n_codecs++];
	r->kind = SDP_KIND_VIDEO;
	strcpy(r->name, "H264");
	r->clock = 90000;
	r->rtx = 1;
	r->h264 = 1;
	r->h264_pmode = 1;
	r->h264_profile_idc = 0x42; /* baseline family: 42001f, 42e01f, 42c01f, ... */
	r->h264_iop_mask = 0;

	p->prefer_offer_order = 1;
	p->fb = SDP_FB_NACK | SDP_FB_NACK_PLI | SDP_FB_CCM_FIR | SDP_FB_GOOG_REMB |
	        SDP_FB_TRANSPORT_CC;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		strcpy(p->ext[p->n_ext++], exts[i]);
	p->max_audio = 1;
	p->max_video = 1;
	p->rtcp_rsize = 1;
}

/* ---- codec matching ---- */

static int
hex2(const char *s)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* RFC 6184 §8.1: packetization-mode (default 0), profile-level-id (default 420010). */
static int
h264_match(const struct sdp_codec *c, const struct sdp_codec_rule *r)
{
	size_t vl;
	const char *v = sdp_codec_param(c, "packetization-mode", &vl);
	int pmode = 0, idc = 0x42, iop = 0x00, level = 0x10;

	if (v != NULL) {
		if (vl != 1 || v[0] < '0' || v[0] > '2')
			return 0;
		pmode = v[0] - '0';
	}
	if (pmode != r->h264_pmode)
		return 0;
	v = sdp_codec_param(c, "profile-level-id", &vl);
	if (v != NULL) {
		if (vl != 6)
			return 0;
		idc = hex2(v);
		iop = hex2(v + 2);
		level = hex2(v + 4);
		if (idc < 0 || iop < 0 || level < 0)
			return 0;
	}
	if (idc != r->h264_profile_idc || (iop & r->h264_iop_mask) != r->h264_iop_value)
		return 0;
	return r->h264_level_max == 0 || level <= r->h264_level_max;
}

static int
codec_match(const struct sdp_codec *c, const struct sdp_codec_rule *r)
{
	if (c->name[0] == '\0' || strcasecmp(c->name, r->name) != 0 || c->clock != r->clock)
		return 0;
	if (r->channels != 0 && c->channels != r->channels)
		return 0;
	return !r->h264 || h264_match(c, r);
}

/* The rtx payload type for @pt in @m (RFC 4588 §8.1), or NULL. */
static const struct sdp_codec *
rtx_find(const struct sdp_media *m, const struct sdp_codec *orig)
{
	for (unsigned i = 0; i < m->n_codecs; i++) {
		const struct sdp_codec *c = &m->codecs[i];
		if (c->apt == orig->pt && strcasecmp(c->name, "rtx") == 0 &&
		        c->clock == orig->clock)
			return c;
	}
	return NULL;
}

/* Index of the chosen codec of @m and the rule it matched, or -1. */
static int
codec_choose(const struct sdp_media *m, const struct sdp_policy *pol, int *rule)
{
	int best = -1;
	unsigned best_rank = ~0u;

	for (unsigned i = 0; i < m->n_codecs; i++) {
		for (unsigned k = 0; k < pol->n_codecs && k < SDP_POLICY_MAX_CODECS; k++) {
			unsigned rank;
			if (pol->codecs[k].kind != m->kind ||
			        !codec_match(&m->codecs[i], &pol->codecs[k]))
				continue;
			rank = pol->prefer_offer_order ? i * SDP_POLICY_MAX_CODECS + k
			                               : k * SDP_MAX_CODECS + i;
			if (rank < best_rank) {
				best_rank = rank;
				best = (int)i;
				*rule = (int)k;
			}
		}
	}
	return best;
}

/* "VP9/90000, AV1/90000, ..." : distinct names of @m's codecs, to explain a refusal. */
static void
codec_list(const struct sdp_media *m, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < m->n_codecs; i++) {
		const struct sdp_codec *c = &m->codecs[i];
		unsigned j;
		int w;

		if (c->name[0] == '\0' || strcasecmp(c->name, "rtx") == 0)
			continue;
		for (j = 0; j < i; j++)
			if (strcasecmp(m->codecs[j].name, c->name) == 0 &&
			        m->codecs[j].clock == c->clock)
				break;
		if (j < i)
			continue;
		w = snprintf(out + n, cap - n, "%s%s/%u", n ? ", " : "", c->name, c->clock);
		if (w < 0 || (size_t)w >= cap - n) {
			if (cap > 4)
				strcpy(out + cap - 4, "...");
			return;
		}
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(out, cap, "none");
}

static void
rule_list(const struct sdp_policy *pol, uint8_t kind, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned k = 0; k < pol->n_codecs && k < SDP_POLICY_MAX_CODECS; k++) {
		const struct sdp_codec_rule *r = &pol->codecs[k];
		int w;
		if (r->kind != kind)
			continue;
		if (r->h264)
			w = snprintf(out + n, cap - n, "%s%s/%u packetization-mode=%u profile %02x",
			        n ? ", " : "", r->name, r->clock, r->h264_pmode,
			        r->h264_profile_idc);
		else
			w = snprintf(out + n, cap - n, "%s%s/%u", n ? ", " : "", r->name, r->clock);
		if (w < 0 || (size_t)w >= cap - n)
			return;
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(out, cap, "none");
}

/* ---- checks ---- */

static int
local_valid(const struct sdp_local *l)
{
	size_t ul = strnlen(l->ice_ufrag, sizeof(l->ice_ufrag));
	size_t pl = strnlen(l->ice_pwd, sizeof(l->ice_pwd));

	if (ul < 4 || ul >= sizeof(l->ice_ufrag) || !sdp_ice_chars_valid(l->ice_ufrag, ul) ||
	        pl < 22 || pl >= sizeof(l->ice_pwd) || !sdp_ice_chars_valid(l->ice_pwd, pl))
		return 0;
	if ((l->fp.alg != SDP_HASH_SHA256 || l->fp.len != 32) &&
	        (l->fp.alg != SDP_HASH_SHA384 || l->fp.len != 48) &&
	        (l->fp.alg != SDP_HASH_SHA512 || l->fp.len != 64))
		return 0;
	if (l->n_addrs == 0 || l->n_addrs > SDP_MAX_LOCAL_ADDR || l->port == 0)
		return 0;
	for (unsigned i = 0; i < l->n_addrs; i++)
		if (l->addrs[i].family != 4 && l->addrs[i].family != 6)
			return 0;
	for (int k = 0; k < 2; k++) {
		const struct sdp_local_track *t = k ? &l->video : &l->audio;
		struct sdp_desc_strs {
			const char *s;
			size_t cap;
		} strs[] = {{t->cname, sizeof(t->cname)}, {t->stream_id, sizeof(t->stream_id)},
		        {t->track_id, sizeof(t->track_id)}};
		for (size_t i = 0; i < 3; i++) {
			size_t n = strnlen(strs[i].s, strs[i].cap);
			if (n == strs[i].cap)
				return 0;
			for (size_t j = 0; j < n; j++)
				if ((unsigned char)strs[i].s[j] < 0x21 ||
				        (unsigned char)strs[i].s[j] > 0x7e)
					return 0;
		}
		if (t->ssrc != 0 && t->cname[0] == '\0')
			return 0; /* RFC 5576: a=ssrc needs a cname */
	}
	return 1;
}

/* Our direction for an offered one, by mode; SDP_DIR_NONE if not allowed. */
static uint8_t
answer_dir(uint8_t mode, uint8_t offer)
{
	switch (mode) {
	case SDP_MODE_WHIP: /* W6: the client sends */
		return offer == SDP_DIR_SENDONLY || offer == SDP_DIR_SENDRECV ? SDP_DIR_RECVONLY
		                                                              : SDP_DIR_NONE;
	case SDP_MODE_WHEP: /* E5: the client receives */
		return offer == SDP_DIR_RECVONLY || offer == SDP_DIR_SENDRECV ? SDP_DIR_SENDONLY
		                                                              : SDP_DIR_NONE;
	case SDP_MODE_VOICE:
		if (offer == SDP_DIR_SENDRECV)
			return SDP_DIR_SENDRECV;
		if (offer == SDP_DIR_SENDONLY)
			return SDP_DIR_RECVONLY;
		if (offer == SDP_DIR_RECVONLY)
			return SDP_DIR_SENDONLY;
		return SDP_DIR_NONE;
	default:
		return SDP_DIR_NONE;
	}
}

static const char *
mode_name(uint8_t mode)
{
	return mode == SDP_MODE_WHIP ? "WHIP" : mode == SDP_MODE_WHEP ? "WHEP" : "voice";
}

/* RFC 8285 §7: an offered direction is answered with its mirror. */
static uint8_t
ext_dir(uint8_t d)
{
	return d == SDP_DIR_SENDONLY   ? SDP_DIR_RECVONLY
	       : d == SDP_DIR_RECVONLY ? SDP_DIR_SENDONLY
	                               : d;
}

static int
policy_has_ext(const struct sdp_policy *pol, const char *uri)
{
	for (unsigned i = 0; i < pol->n_ext && i < SDP_POLICY_MAX_EXT; i++)
		if (strncmp(pol->ext[i], uri, SDP_URI_MAX) == 0)
			return 1;
	return 0;
}

static const struct sdp_fingerprint *
fp_choose(const struct sdp_transport *t)
{
	static const uint8_t order[] = {SDP_HASH_SHA256, SDP_HASH_SHA384, SDP_HASH_SHA512};

	for (size_t k = 0; k < sizeof(order); k++)
		for (unsigned i = 0; i < t->n_fp && i < SDP_MAX_FP; i++)
			if (t->fp[i].alg == order[k])
				return &t->fp[i];
	return NULL;
}

static int
in_bundle(const struct sdp_desc *o, unsigned idx)
{
	for (unsigned i = 0; i < o->n_bundle; i++)
		if (o->bundle[i] == idx)
			return 1;
	return 0;
}

/* Negotiate one audio/video section; fills @am or fails the whole offer. */
static int
media_negotiate(struct sdp_answer_media *am, const struct sdp_media *m, unsigned idx,
        const struct sdp_policy *pol, const struct sdp_local *local, struct sdp_answer_error *err)
{
	char offered[160], ours[160];
	const struct sdp_codec *c, *rtx;
	const char *mid = m->mid[0] ? m->mid : "-";
	const char *kind = sdp_kind_name((enum sdp_kind)m->kind);
	int ci, rule = -1;

	if (!m->is_dtls_srtp)
		return set_err(err, SDP_ANSWER_E_PROTO, (int)idx,
		        "m-line %u (%s, mid %s): proto %s, not UDP/TLS/RTP/SAVPF (DTLS-SRTP)",
		        idx + 1, kind, mid, m->proto);
	/* W26, RFC 8858 §4.3: rtcp-mux-only implies mux; we accept a=rtcp-mux alone */
	if (!m->rtcp_mux && !m->rtcp_mux_only)
		return set_err(err, SDP_ANSWER_E_NO_RTCP_MUX, (int)idx,
		        "m-line %u (%s, mid %s): no a=rtcp-mux (RTP/RTCP multiplexing is "
		        "required)",
		        idx + 1, kind, mid);
	am->dir = answer_dir(pol->mode, m->dir);
	if (am->dir == SDP_DIR_NONE)
		return set_err(err, SDP_ANSWER_E_DIRECTION, (int)idx,
		        "m-line %u (%s, mid %s): a=%s not allowed in a %s offer (%s)", idx + 1,
		        kind, mid, sdp_dir_name((enum sdp_dir)m->dir), mode_name(pol->mode),
		        pol->mode == SDP_MODE_WHIP   ? "send: sendonly or sendrecv"
		        : pol->mode == SDP_MODE_WHEP ? "receive: recvonly or sendrecv"
		                                     : "not inactive");
	ci = codec_choose(m, pol, &rule);
	if (ci < 0) {
		codec_list(m, offered, sizeof(offered));
		rule_list(pol, m->kind, ours, sizeof(ours));
		return set_err(err, SDP_ANSWER_E_NO_CODEC, (int)idx,
		        "m-line %u (%s, mid %s): no common codec; offered %s; accepted %s", idx + 1,
		        kind, mid, offered, ours);
	}
	c = &m->codecs[ci];
	am->codec = *c;
	am->codec.fb = c->fb & pol->fb;
	am->codec.n_fb_other = 0;
	if (pol->codecs[rule].fmtp[0] != '\0') {
		/* our fmtp: what we want to receive (RFC 7587 §7 for Opus) */
		am->codec.has_fmtp = 1;
		if (sdp_codec_set_fmtp(&am->codec, pol->codecs[rule].fmtp) != 0)
			return set_err(err, SDP_ANSWER_E_LOCAL, (int)idx,
			        "policy fmtp for %s is not valid", pol->codecs[rule].name);
	}
	rtx = pol->codecs[rule].rtx ? rtx_find(m, c) : NULL;
	if (rtx != NULL) {
		am->has_rtx = 1;
		am->rtx = *rtx;
		am->rtx.fb = 0;
		am->rtx.n_fb_other = 0;
	}
	am->rtcp_rsize = m->rtcp_rsize && pol->rtcp_rsize;
	for (unsigned i = 0; i < m->n_extmap && i < SDP_MAX_EXTMAP; i++) {
		const struct sdp_extmap *e = &m->extmap[i];
		/* RFC 8285 §6: ids 4096+ ask the answerer to remap; we keep the offer's ids */
		if (e->id > 255 || !policy_has_ext(pol, e->uri))
			continue;
		am->extmap[am->n_extmap] = *e;
		am->extmap[am->n_extmap].dir = ext_dir(e->dir);
		am->n_extmap++;
	}
	memcpy(am->remote_msid_stream, m->msid_stream, sizeof(am->remote_msid_stream));
	memcpy(am->remote_msid_track, m->msid_track, sizeof(am->remote_msid_track));
	am->n_remote_ssrc = m->n_ssrc;
	memcpy(am->remote_ssrcs, m->ssrcs, sizeof(am->remote_ssrcs));
	am->n_remote_groups = m->n_ssrc_groups;
	memcpy(am->remote_groups, m->ssrc_groups, sizeof(am->remote_groups));
	if (am->dir == SDP_DIR_SENDONLY || am->dir == SDP_DIR_SENDRECV)
		am->local = m->kind == SDP_KIND_AUDIO ? local->audio : local->video;
	if (!am->has_rtx)
		am->local.rtx_ssrc = 0;
	am->accepted = 1;
	return 0;
}

static int
answer_create(struct sdp_answer *a, const struct sdp_desc *o, const struct sdp_policy *pol,
        const struct sdp_local *local, struct sdp_answer_error *err)
{
	unsigned n_audio = 0, n_video = 0, n_acc = 0;
	const struct sdp_media *tm;
	const struct sdp_fingerprint *fp;
	size_t ul, pl;
	int t = -1, rc;

	if (!local_valid(local))
		return set_err(err, SDP_ANSWER_E_LOCAL, -1,
		        "local ICE/DTLS parameters invalid (ufrag, pwd, fingerprint, "
		        "addresses, port)");
	if (o->n_media == 0)
		return set_err(err, SDP_ANSWER_E_NO_MEDIA, -1, "the offer has no m= line");
	if (o->n_bundle_groups > 1)
		return set_err(err, SDP_ANSWER_E_BUNDLE, -1,
		        "%u BUNDLE groups; one transport is all we have (max-bundle)",
		        o->n_bundle_groups);
	a->mode = pol->mode;
	a->n_media = o->n_media;
	a->local = *local;
	for (unsigned i = 0; i < o->n_media; i++) {
		const struct sdp_media *m = &o->media[i];
		struct sdp_answer_media *am = &a->media[i];
		const char *mid = m->mid[0] ? m->mid : "-";

		am->kind = m->kind;
		am->offer_dir = m->dir;
		memcpy(am->media, m->media, sizeof(am->media));
		memcpy(am->proto, m->proto, sizeof(am->proto));
		memcpy(am->fmt0, m->fmt0, sizeof(am->fmt0));
		memcpy(am->mid, m->mid, sizeof(am->mid));
		/* W28: datachannels and other non-RTP media may be rejected with port 0;
		 * a section the offerer disabled (port 0, not bundle-only) stays so */
		if ((m->kind != SDP_KIND_AUDIO && m->kind != SDP_KIND_VIDEO) ||
		        (m->port == 0 && !m->bundle_only))
			continue;
		if (m->kind == SDP_KIND_AUDIO && ++n_audio > pol->max_audio)
			return set_err(err, SDP_ANSWER_E_TRACKS, (int)i,
			        "m-line %u (audio, mid %s): more than %u audio track(s) (W27)",
			        i + 1, mid, pol->max_audio);
		if (m->kind == SDP_KIND_VIDEO && ++n_video > pol->max_video)
			return set_err(err, SDP_ANSWER_E_TRACKS, (int)i,
			        "m-line %u (video, mid %s): more than %u video track(s) (W27)",
			        i + 1, mid, pol->max_video);
		rc = media_negotiate(am, m, i, pol, local, err);
		if (rc != 0)
			return rc;
		if (o->n_bundle > 0 && !in_bundle(o, i))
			return set_err(err, SDP_ANSWER_E_BUNDLE, (int)i,
			        "m-line %u (%s, mid %s) is not in the BUNDLE group (max-bundle "
			        "required)",
			        i + 1, sdp_kind_name((enum sdp_kind)m->kind), mid);
		n_acc++;
	}
	if (n_acc == 0)
		return set_err(err, SDP_ANSWER_E_NO_MEDIA, -1,
		        "no audio or video m= line we can accept (%u m= line(s))", o->n_media);
	if (pol->one_stream) {
		const char *first = NULL;
		for (unsigned i = 0; i < o->n_media; i++) {
			const char *s = a->media[i].remote_msid_stream;
			if (!a->media[i].accepted || s[0] == '\0' || strcmp(s, "-") == 0)
				continue;
			if (first != NULL && strcmp(first, s) != 0)
				return set_err(err, SDP_ANSWER_E_TRACKS, (int)i,
				        "m-line %u: msid stream %s differs from %s (one "
				        "MediaStream, W27)",
				        i + 1, s, first);
			first = s;
		}
	}
	/* RFC 8285 §6: we take either form, and say so when the offerer does (the SFU then
	 * sends it the two-byte form where an element needs it) */
	a->extmap_allow_mixed = o->extmap_allow_mixed;
	/* the transport: first accepted section of the BUNDLE group, or the only one */
	if (o->n_bundle > 0) {
		a->bundled = 1;
		for (unsigned k = 0; k < o->n_bundle; k++) {
			unsigned idx = o->bundle[k];
			if (!a->media[idx].accepted)
				continue;
			if (t < 0)
				t = (int)idx;
			a->bundle[a->n_bundle++] = (uint8_t)idx;
		}
	} else {
		if (n_acc > 1)
			return set_err(err, SDP_ANSWER_E_BUNDLE, -1,
			        "%u media m= lines without a=group:BUNDLE (max-bundle "
			        "required)",
			        n_acc);
		for (unsigned i = 0; i < o->n_media; i++)
			if (a->media[i].accepted)
				t = (int)i;
	}
	a->transport = (uint8_t)t;
	tm = &o->media[t];
	/* RFC 8839 §5.4: ufrag 4..256, pwd 22..256 characters */
	ul = strlen(tm->t.ice_ufrag);
	pl = strlen(tm->t.ice_pwd);
	if (ul == 0 || pl == 0)
		return set_err(err, SDP_ANSWER_E_NO_ICE, t,
		        "m-line %u (mid %s): no a=ice-ufrag / a=ice-pwd", t + 1,
		        tm->mid[0] ? tm->mid : "-");
	if (ul < 4 || pl < 22)
		return set_err(err, SDP_ANSWER_E_NO_ICE, t,
		        "m-line %u: ice-ufrag shorter than 4 or ice-pwd shorter than 22 "
		        "characters (RFC 8839 §5.4)",
		        t + 1);
	fp = fp_choose(&tm->t);
	if (fp == NULL)
		return set_err(err, SDP_ANSWER_E_NO_FINGERPRINT, t,
		        "m-line %u (mid %s): no a=fingerprint with sha-256, sha-384 or sha-512",
		        t + 1, tm->mid[0] ? tm->mid : "-");
	if (o->ice_lite)
		return set_err(err, SDP_ANSWER_E_ICE_LITE, -1,
		        "the offer has a=ice-lite; we are ICE-lite too, someone must be full "
		        "ICE (RFC 8445 §2.5)");
	/* RFC 5763 §5: we are the DTLS server unless the offerer insists on it */
	switch (tm->t.setup) {
	case SDP_SETUP_NONE: /* RFC 4145 §4: absent means active */
	case SDP_SETUP_ACTPASS:
	case SDP_SETUP_ACTIVE:
		a->setup = SDP_SETUP_PASSIVE;
		break;
	case SDP_SETUP_PASSIVE:
		a->setup = SDP_SETUP_ACTIVE;
		break;
	default:
		return set_err(err, SDP_ANSWER_E_SETUP, t,
		        "m-line %u: a=setup:%s, but a DTLS connection is needed now", t + 1,
		        sdp_setup_name((enum sdp_setup)tm->t.setup));
	}
	memcpy(a->remote_ufrag, tm->t.ice_ufrag, sizeof(a->remote_ufrag));
	memcpy(a->remote_pwd, tm->t.ice_pwd, sizeof(a->remote_pwd));
	a->remote_fp = *fp;
	a->remote_ice_options = tm->t.ice_options;
	a->remote_end_of_candidates = tm->end_of_candidates;
	a->n_remote_cand = tm->n_cand;
	memcpy(a->remote_cand, tm->cand, sizeof(a->remote_cand));
	return 0;
}

int
sdp_answer_create(struct sdp_answer *a, const struct sdp_desc *offer, const struct sdp_policy *pol,
        const struct sdp_local *local, struct sdp_answer_error *err)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	rc = answer_create(a, offer, pol, local, err);
	if (rc != 0)
		memset(a, 0, sizeof(*a));
	return rc;
}

/* ---- text ---- */

static void
write_codec(struct sdp_writer *w, const struct sdp_codec *c)
{
	if (c->channels > 1 || (c->channels == 1 && c->has_rtpmap))
		sdp_writer_printf(
		        w, "a=rtpmap:%u %s/%u/%u\r\n", c->pt, c->name, c->clock, c->channels);
	else
		sdp_writer_printf(w, "a=rtpmap:%u %s/%u\r\n", c->pt, c->name, c->clock);
	if (c->fmtp[0] != '\0')
		sdp_writer_printf(w, "a=fmtp:%u %s\r\n", c->pt, c->fmtp);
	for (unsigned b = 0; b < SDP_FB_COUNT; b++)
		if (c->fb & (1u << b))
			sdp_writer_printf(w, "a=rtcp-fb:%u %s\r\n", c->pt, sdp_fb_name(1u << b));
}

static void
write_ssrc(struct sdp_writer *w, uint32_t ssrc, const struct sdp_local_track *t)
{
	sdp_writer_printf(w, "a=ssrc:%u cname:%s\r\n", ssrc, t->cname);
	if (t->stream_id[0] != '\0')
		sdp_writer_printf(w, "a=ssrc:%u msid:%s%s%s\r\n", ssrc, t->stream_id,
		        t->track_id[0] ? " " : "", t->track_id);
}

int
sdp_answer_write(const struct sdp_answer *a, char *buf, size_t cap)
{
	const struct sdp_local *l = &a->local;
	struct sdp_writer w;
	char addr[SDP_ADDR_STR_MAX];
	const char *ipv;
	int rc;

	if (a->n_media == 0 || a->n_media > SDP_MAX_MEDIA || l->n_addrs == 0)
		return SDP_ANSWER_E_LOCAL;
	sdp_addr_format(&l->addrs[0], addr);
	ipv = l->addrs[0].family == 6 ? "IP6" : "IP4";
	sdp_writer_init(&w, buf, cap);
	/* RFC 8866 §5.2; RFC 8829 §5.3.1 for the rest of the session part */
	sdp_writer_printf(&w, "v=0\r\no=- %llu %llu IN %s %s\r\ns=-\r\nt=0 0\r\n",
	        (unsigned long long)l->sess_id, (unsigned long long)l->sess_version, ipv, addr);
	sdp_writer_printf(&w, "a=ice-lite\r\n"); /* RFC 8839 §5.3 */
	if (a->extmap_allow_mixed)
		sdp_writer_printf(&w, "a=extmap-allow-mixed\r\n"); /* RFC 8285 §6 */
	if (a->bundled && a->n_bundle > 0) {
		sdp_writer_printf(&w, "a=group:BUNDLE");
		for (unsigned k = 0; k < a->n_bundle && k < SDP_MAX_MEDIA; k++)
			sdp_writer_printf(&w, " %s", a->media[a->bundle[k]].mid);
		sdp_writer_printf(&w, "\r\n");
	}
	for (unsigned i = 0; i < a->n_media; i++) {
		const struct sdp_answer_media *am = &a->media[i];

		if (!am->accepted) {
			/* RFC 3264 §6: a rejected stream keeps its m= line with port 0 */
			sdp_writer_printf(&w, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\n", am->media,
			        am->proto, am->fmt0);
			if (am->mid[0] != '\0')
				sdp_writer_printf(&w, "a=mid:%s\r\n", am->mid);
			continue;
		}
		sdp_writer_printf(&w, "m=%s %u %s %u", am->media, l->port, am->proto, am->codec.pt);
		if (am->has_rtx)
			sdp_writer_printf(&w, " %u", am->rtx.pt);
		sdp_writer_printf(&w, "\r\nc=IN %s %s\r\n", ipv, addr);
		if (am->mid[0] != '\0')
			sdp_writer_printf(&w, "a=mid:%s\r\n", am->mid);
		sdp_writer_printf(&w, "a=%s\r\n", sdp_dir_name((enum sdp_dir)am->dir));
		sdp_writer_printf(
		        &w, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", l->ice_ufrag, l->ice_pwd);
		sdp_writer_fingerprint(&w, &l->fp);
		sdp_writer_printf(&w, "a=setup:%s\r\n", sdp_setup_name((enum sdp_setup)a->setup));
		sdp_writer_printf(&w, "a=rtcp-mux\r\n");
		if (am->rtcp_rsize)
			sdp_writer_printf(&w, "a=rtcp-rsize\r\n");
		for (unsigned k = 0; k < am->n_extmap && k < SDP_MAX_EXTMAP; k++) {
			const struct sdp_extmap *e = &am->extmap[k];
			if (e->dir != SDP_DIR_NONE)
				sdp_writer_printf(&w, "a=extmap:%u/%s %s\r\n", e->id,
				        sdp_dir_name((enum sdp_dir)e->dir), e->uri);
			else
				sdp_writer_printf(&w, "a=extmap:%u %s\r\n", e->id, e->uri);
		}
		write_codec(&w, &am->codec);
		if (am->has_rtx)
			write_codec(&w, &am->rtx);
		if (am->dir == SDP_DIR_SENDONLY || am->dir == SDP_DIR_SENDRECV) {
			const struct sdp_local_track *t = &am->local;
			if (t->stream_id[0] != '\0')
				sdp_writer_printf(&w, "a=msid:%s%s%s\r\n", t->stream_id,
				        t->track_id[0] ? " " : "", t->track_id);
			if (t->ssrc != 0) {
				/* RFC 5576 §4.2, RFC 4588 §8.1 */
				if (t->rtx_ssrc != 0)
					sdp_writer_printf(&w, "a=ssrc-group:FID %u %u\r\n", t->ssrc,
					        t->rtx_ssrc);
				write_ssrc(&w, t->ssrc, t);
				if (t->rtx_ssrc != 0)
					write_ssrc(&w, t->rtx_ssrc, t);
			}
		}
		sdp_writer_host_candidates(&w, l->addrs, l->n_addrs, l->port);
	}
	rc = sdp_writer_end(&w);
	return rc < 0 ? SDP_ANSWER_E_NOSPACE : rc;
}

int
sdp_answer_negotiate(struct sdp_answer *a, struct sdp_desc *scratch, const char *offer, size_t len,
        const struct sdp_policy *pol, const struct sdp_local *local, char *buf, size_t cap,
        struct sdp_answer_error *err)
{
	struct sdp_error perr;
	int rc;

	rc = sdp_desc_parse(scratch, offer, len, &perr);
	if (rc != 0) {
		memset(a, 0, sizeof(*a));
		sdp_answer_error_from_parse(err, &perr);
		return err ? err->code : SDP_ANSWER_E_PARSE;
	}
	rc = sdp_answer_create(a, scratch, pol, local, err);
	if (rc != 0)
		return rc;
	rc = sdp_answer_write(a, buf, cap);
	if (rc < 0) {
		memset(a, 0, sizeof(*a));
		return set_err(err, rc, -1, "%s", sdp_answer_strerror(rc));
	}
	return rc;
}

int
sdp_answer_restart_write(
        const struct sdp_answer *a, const char *ufrag, const char *pwd, char *buf, size_t cap)
{
	const struct sdp_answer_media *am;
	struct sdpfrag_restart r;
	char fmt[8];
	int rc;

	if (a->n_media == 0 || a->transport >= a->n_media || !a->media[a->transport].accepted)
		return SDP_ANSWER_E_LOCAL;
	am = &a->media[a->transport];
	memset(&r, 0, sizeof(r));
	r.ufrag = ufrag;
	r.pwd = pwd;
	r.ice_lite = 1; /* W24: the same ice-lite as in the answer */
	for (unsigned k = 0; k < a->n_bundle && k < SDP_MAX_MEDIA; k++)
		r.bundle[r.n_bundle++] = a->media[a->bundle[k]].mid;
	if (!a->bundled)
		r.n_bundle = 0;
	snprintf(fmt, sizeof(fmt), "%u", am->codec.pt);
	r.media = am->media;
	r.proto = am->proto;
	r.fmt = fmt;
	r.mid = am->mid;
	r.addrs = a->local.addrs;
	r.n_addrs = a->local.n_addrs;
	r.port = a->local.port;
	rc = sdpfrag_restart_write(&r, buf, cap);
	if (rc == SDP_E_NOSPACE)
		return SDP_ANSWER_E_NOSPACE;
	return rc < 0 ? SDP_ANSWER_E_LOCAL : rc;
}
