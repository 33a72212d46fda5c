/*
 * SDP parse (ctrlplane/sdp.c) against real offers in tests/vectors/sdp/:
 * Chrome 104 and Chromium 156, Firefox 46 and 84, FFmpeg's WHIP muxer,
 * aiortc 1.4, and the RFC 4566 / RFC 8866 examples. Then the bounds, the
 * errors (each with its line), and the all-or-nothing rule on every prefix
 * of a real offer.
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

#include "sdp.h"

static char *
load_vector(const char *name, size_t *len)
{
	const char *dir = getenv("RTC_VECTORS");
	char path[512];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/sdp/%s", dir ? dir : "tests/vectors", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (set RTC_VECTORS)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Parse a vector file; the struct is heap-allocated (it is large). */
static struct sdp_desc *
parse_vector(const char *name)
{
	struct sdp_desc *d = malloc(sizeof(*d));
	struct sdp_error err;
	size_t len;
	char *text = load_vector(name, &len);
	int rc;

	assert_non_null(d);
	rc = sdp_desc_parse(d, text, len, &err);
	if (rc != 0)
		fail_msg("%s: %s at line %u: %s", name, sdp_strerror(rc), err.line, err.what);
	free(text);
	return d;
}

/* "\n" -> "\r\n" so that test SDP can be written readably; caller frees. */
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

/* Parse @lf (converted to CRLF); expect @code at @line; on failure the output is all zeros. */
static void
expect_parse(const char *lf, int code, unsigned line)
{
	struct sdp_desc *d = malloc(sizeof(*d));
	struct sdp_error err;
	char *text = crlf(lf);
	int rc;

	assert_non_null(d);
	memset(d, 0xa5, sizeof(*d));
	rc = sdp_desc_parse(d, text, strlen(text), &err);
	if (rc != code)
		fail_msg("expected %s, got %s (line %u: %s) for:\n%s", sdp_strerror(code),
		        sdp_strerror(rc), err.line, err.what ? err.what : "", lf);
	assert_int_equal(err.code, code);
	if (code != 0) {
		assert_true(is_zero(d, sizeof(*d)));
		assert_non_null(err.what);
		if (line != 0 && err.line != line)
			fail_msg("expected line %u, got %u (%s)", line, err.line, err.what);
	}
	free(text);
	free(d);
}

static const struct sdp_extmap *
ext_by_id(const struct sdp_media *m, unsigned id)
{
	for (unsigned i = 0; i < m->n_extmap; i++)
		if (m->extmap[i].id == id)
			return &m->extmap[i];
	return NULL;
}

static void
assert_param(const struct sdp_codec *c, const char *key, const char *val)
{
	size_t vl;
	const char *v = sdp_codec_param(c, key, &vl);

	if (v == NULL)
		fail_msg("pt %u: no fmtp %s", c->pt, key);
	if (vl != strlen(val) || memcmp(v, val, vl) != 0)
		fail_msg("pt %u: fmtp %s=%.*s, expected %s", c->pt, key, (int)vl, v, val);
}

static void
test_sdp_chrome104_offer(void **state)
{
	(void)state;
	struct sdp_desc *d = parse_vector("chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp");
	const struct sdp_media *dc = &d->media[0], *au = &d->media[1], *vi = &d->media[2];
	const struct sdp_codec *c;
	char s[SDP_ADDR_STR_MAX];

	assert_string_equal(d->sess_id, "2954344436352400798");
	assert_int_equal(d->sess_version, 4);
	assert_int_equal(d->n_media, 3);
	assert_true(d->extmap_allow_mixed);
	assert_false(d->ice_lite);
	assert_int_equal(d->n_bundle_groups, 1);
	assert_int_equal(d->n_bundle, 3);
	assert_int_equal(d->bundle[0], 0);
	assert_int_equal(d->bundle[2], 2);

	/* datachannel: one UDP candidate kept, the TCP one dropped (W20) */
	assert_int_equal(dc->kind, SDP_KIND_APPLICATION);
	assert_int_equal(dc->port, 64356);
	assert_string_equal(dc->proto, "UDP/DTLS/SCTP");
	assert_string_equal(dc->fmt0, "webrtc-datachannel");
	assert_false(dc->is_rtp);
	assert_int_equal(dc->sctp_port, 5000);
	assert_string_equal(dc->mid, "0");
	assert_int_equal(dc->n_cand, 1);
	assert_int_equal(dc->n_cand_skipped, 1);
	assert_string_equal(dc->cand[0].foundation, "1669605774");
	assert_int_equal(dc->cand[0].component, 1);
	assert_int_equal(dc->cand[0].priority, 2122260223u);
	assert_int_equal(dc->cand[0].port, 64356);
	assert_int_equal(dc->cand[0].type, SDP_CAND_HOST);
	sdp_addr_format(&dc->cand[0].addr, s);
	assert_string_equal(s, "192.168.115.173");

	/* audio */
	assert_int_equal(au->kind, SDP_KIND_AUDIO);
	assert_int_equal(au->port, 9);
	assert_true(au->is_rtp);
	assert_true(au->is_dtls_srtp);
	assert_string_equal(au->mid, "1");
	assert_int_equal(au->dir, SDP_DIR_SENDONLY);
	assert_true(au->rtcp_mux);
	assert_false(au->rtcp_mux_only);
	assert_false(au->rtcp_rsize);
	assert_string_equal(au->t.ice_ufrag, "v8Lx");
	assert_string_equal(au->t.ice_pwd, "GdpW980Caww9WWsbg6jJ5pGu");
	assert_int_equal(au->t.ice_options, SDP_ICE_OPT_TRICKLE);
	assert_int_equal(au->t.setup, SDP_SETUP_ACTPASS);
	assert_int_equal(au->t.n_fp, 1);
	assert_int_equal(au->t.fp[0].alg, SDP_HASH_SHA256);
	assert_int_equal(au->t.fp[0].len, 32);
	assert_int_equal(au->t.fp[0].bytes[0], 0x7a);
	assert_int_equal(au->t.fp[0].bytes[31], 0x15);
	assert_string_equal(au->msid_stream, "bce3d790-a073-42ae-89e6-6a8979f4e203");
	assert_string_equal(au->msid_track, "37d89104-03a9-4be0-8cf4-50310d61b211");
	assert_int_equal(au->n_codecs, 14);
	c = sdp_media_codec_find(au, 111);
	assert_non_null(c);
	assert_string_equal(c->name, "opus");
	assert_int_equal(c->clock, 48000);
	assert_int_equal(c->channels, 2);
	assert_string_equal(c->fmtp, "minptime=10;useinbandfec=1");
	assert_int_equal(c->n_params, 2);
	assert_param(c, "minptime", "10");
	assert_param(c, "USEINBANDFEC", "1");
	assert_int_equal(c->fb, SDP_FB_TRANSPORT_CC);
	c = sdp_media_codec_find(au, 0);
	assert_string_equal(c->name, "PCMU");
	assert_int_equal(c->clock, 8000);
	c = sdp_media_codec_find(au, 63);
	assert_string_equal(c->name, "red");
	assert_int_equal(c->n_params, 1);
	assert_int_equal(c->params[0].key_len, 0); /* a bare value: "111/111" */
	assert_int_equal(au->n_extmap, 4);
	assert_string_equal(ext_by_id(au, 1)->uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
	assert_string_equal(ext_by_id(au, 4)->uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
	assert_int_equal(au->n_ssrc, 1);
	assert_int_equal(au->ssrcs[0].ssrc, 2096647523u);
	assert_string_equal(au->ssrcs[0].cname, "XafHSPS71ySwVueL");
	assert_string_equal(au->ssrcs[0].msid_stream, "bce3d790-a073-42ae-89e6-6a8979f4e203");
	assert_int_equal(au->n_cand, 0);

	/* video: 25 payload types, rtx apt, H.264 variants, FID group */
	assert_int_equal(vi->n_codecs, 25);
	assert_true(vi->rtcp_rsize);
	assert_int_equal(vi->n_extmap, 11);
	assert_string_equal(ext_by_id(vi, 14)->uri, "urn:ietf:params:rtp-hdrext:toffset");
	c = sdp_media_codec_find(vi, 96);
	assert_string_equal(c->name, "VP8");
	assert_int_equal(c->fb, SDP_FB_GOOG_REMB | SDP_FB_TRANSPORT_CC | SDP_FB_CCM_FIR |
	                                SDP_FB_NACK | SDP_FB_NACK_PLI);
	assert_int_equal(c->apt, -1);
	c = sdp_media_codec_find(vi, 97);
	assert_string_equal(c->name, "rtx");
	assert_int_equal(c->apt, 96);
	c = sdp_media_codec_find(vi, 127);
	assert_string_equal(c->name, "H264");
	assert_param(c, "profile-level-id", "42001f");
	assert_param(c, "packetization-mode", "1");
	assert_param(c, "level-asymmetry-allowed", "1");
	assert_null(sdp_codec_param(c, "sprop-parameter-sets", &(size_t){0}));
	c = sdp_media_codec_find(vi, 118);
	assert_string_equal(c->name, "ulpfec");
	assert_int_equal(vi->n_ssrc_groups, 1);
	assert_string_equal(vi->ssrc_groups[0].semantics, "FID");
	assert_int_equal(vi->ssrc_groups[0].n, 2);
	assert_int_equal(vi->ssrc_groups[0].ssrcs[0], 2796837875u);
	assert_int_equal(vi->ssrc_groups[0].ssrcs[1], 1979944319u);
	assert_int_equal(vi->n_ssrc, 2);
	assert_string_equal(vi->ssrcs[1].msid_track, "a7fb716d-5759-4f9c-80a7-3a3d1833b429");
	assert_int_equal(sdp_desc_media_by_mid(d, "2"), 2);
	assert_int_equal(sdp_desc_media_by_mid(d, "3"), -1);
	free(d);
}

static void
test_sdp_firefox46_session_level_values_inherited(void **state)
{
	(void)state;
	struct sdp_desc *d = parse_vector("firefox_46_offer_sendrecv_opus_vp8_h264_bundle.sdp");
	const struct sdp_codec *c;

	/* RFC 8122 §5: a session-level fingerprint applies to every m= section */
	assert_int_equal(d->t.n_fp, 1);
	assert_int_equal(d->t.ice_options, SDP_ICE_OPT_TRICKLE);
	assert_int_equal(d->n_media, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(d->media[i].t.n_fp, 1);
		assert_int_equal(d->media[i].t.fp[0].bytes[0], 0x24);
		assert_int_equal(d->media[i].t.ice_options, SDP_ICE_OPT_TRICKLE);
		assert_string_equal(d->media[i].t.ice_ufrag, "3edc9012");
		assert_int_equal(d->media[i].dir, SDP_DIR_SENDRECV);
	}
	assert_string_equal(d->media[0].mid, "sdparta_0");
	assert_string_equal(d->media[0].msid_stream, "{258e92fb-547c-40ca-92e9-efe0cedb4cba}");
	/* fmtp and rtcp-fb before rtpmap */
	c = sdp_media_codec_find(&d->media[1], 126);
	assert_string_equal(c->name, "H264");
	assert_param(c, "packetization-mode", "1");
	assert_int_equal(c->fb, SDP_FB_NACK | SDP_FB_NACK_PLI | SDP_FB_CCM_FIR);
	c = sdp_media_codec_find(&d->media[1], 97);
	assert_null(sdp_codec_param(c, "packetization-mode", &(size_t){0}));
	c = sdp_media_codec_find(&d->media[0], 9);
	assert_string_equal(c->name, "G722");
	assert_int_equal(c->channels, 1);
	/* old SCTP form */
	assert_int_equal(d->media[2].kind, SDP_KIND_APPLICATION);
	assert_string_equal(d->media[2].proto, "DTLS/SCTP");
	assert_string_equal(d->media[2].fmt0, "5000");
	assert_int_equal(d->media[2].n_codecs, 0);
	assert_int_equal(d->n_bundle, 3);
	free(d);
}

static void
test_sdp_firefox84_extmap_direction_and_bare_fmtp(void **state)
{
	(void)state;
	struct sdp_desc *d = parse_vector("firefox_84_offer_sendonly_audio.sdp");
	const struct sdp_media *m = &d->media[0];
	const struct sdp_codec *c = sdp_media_codec_find(m, 101);

	assert_int_equal(m->dir, SDP_DIR_SENDONLY);
	assert_int_equal(ext_by_id(m, 1)->dir, SDP_DIR_NONE);
	assert_int_equal(ext_by_id(m, 2)->dir, SDP_DIR_RECVONLY);
	assert_string_equal(ext_by_id(m, 2)->uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
	assert_string_equal(c->name, "telephone-event");
	assert_int_equal(c->n_params, 1);
	assert_int_equal(c->params[0].key_len, 0);
	assert_int_equal(c->params[0].val_len, 4);
	assert_string_equal(m->msid_stream, "-");
	assert_string_equal(m->msid_track, "{5c7f12e5-b4bd-7142-9a06-2885a2d1cb66}");
	assert_int_equal(m->ssrcs[0].ssrc, 1481683531u);
	free(d);
}

static void
test_sdp_ffmpeg_whip_passive(void **state)
{
	(void)state;
	struct sdp_desc *d = parse_vector("ffmpeg_whip_offer_sendonly_opus_h264.sdp");
	const struct sdp_media *v = &d->media[1];

	assert_int_equal(d->media[0].t.setup, SDP_SETUP_PASSIVE);
	assert_int_equal(v->t.setup, SDP_SETUP_PASSIVE);
	assert_string_equal(d->media[0].msid_stream, "FFmpeg");
	assert_string_equal(d->media[0].msid_track, "audio");
	assert_int_equal(v->n_codecs, 2);
	assert_param(sdp_media_codec_find(v, 106), "profile-level-id", "42001e");
	assert_int_equal(sdp_media_codec_find(v, 105)->apt, 106);
	assert_int_equal(sdp_media_codec_find(v, 106)->fb, SDP_FB_NACK);
	assert_int_equal(v->ssrc_groups[0].ssrcs[1], 3166090380u);
	assert_string_equal(d->media[0].t.ice_pwd, "a202d23be47d1decaa6f67d04d4e6c16");
	free(d);
}

static void
test_sdp_rfc_examples(void **state)
{
	(void)state;
	struct sdp_desc *d = parse_vector("rfc4566_s5_example.sdp");

	/* session-level a=recvonly applies to both m= lines */
	assert_int_equal(d->dir, SDP_DIR_RECVONLY);
	assert_int_equal(d->n_media, 2);
	assert_int_equal(d->media[0].dir, SDP_DIR_RECVONLY);
	assert_string_equal(d->media[0].proto, "RTP/AVP");
	assert_true(d->media[0].is_rtp);
	assert_false(d->media[0].is_dtls_srtp);
	assert_string_equal(d->media[0].codecs[0].name, "PCMU");
	assert_string_equal(sdp_media_codec_find(&d->media[1], 99)->name, "h263-1998");
	assert_int_equal(d->media[1].port, 51372);
	assert_int_equal(d->n_bundle, 0);
	free(d);

	d = parse_vector("rfc8866_s5_example.sdp");
	assert_int_equal(d->n_media, 3);
	assert_int_equal(d->media[0].dir, SDP_DIR_SENDRECV);
	assert_int_equal(d->media[1].port, 49180);
	assert_int_equal(d->media[2].kind, SDP_KIND_VIDEO);
	free(d);
}

static void
test_sdp_aiortc14_offers(void **state)
{
	(void)state;
	static const char *const files[] = {
	        "aiortc_1.4_offer_sendonly_opus_vp8_h264_bundle.sdp",
	        "aiortc_1.4_offer_recvonly_bundle.sdp",
	        "aiortc_1.4_offer_sendrecv_bundle.sdp",
	};
	static const uint8_t dirs[] = {SDP_DIR_SENDONLY, SDP_DIR_RECVONLY, SDP_DIR_SENDRECV};

	for (unsigned i = 0; i < 3; i++) {
		struct sdp_desc *d = parse_vector(files[i]);
		const struct sdp_media *a = &d->media[0], *v = &d->media[1];

		assert_int_equal(d->n_media, 2);
		assert_int_equal(d->n_bundle, 2);
		assert_int_equal(a->dir, dirs[i]);
		/* aiortc 1.4: one transport per m= line in the offer (own ufrag, port) */
		assert_string_not_equal(a->t.ice_ufrag, v->t.ice_ufrag);
		assert_int_not_equal(a->port, v->port);
		/* ... and the same extmap id for different URIs in audio and video */
		assert_string_equal(
		        ext_by_id(a, 2)->uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
		assert_string_equal(ext_by_id(v, 2)->uri,
		        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
		assert_int_equal(a->n_cand, 2);
		assert_int_equal(a->cand[0].addr.family, 4);
		assert_int_equal(a->cand[1].addr.family, 6);
		assert_true(a->end_of_candidates);
		assert_true(v->end_of_candidates);
		assert_int_equal(v->n_codecs, 6);
		assert_param(sdp_media_codec_find(v, 101), "profile-level-id", "42e01f");
		assert_int_equal(sdp_media_codec_find(v, 102)->apt, 101);
		assert_int_equal(v->n_ssrc_groups, 1);
		assert_int_equal(a->t.setup, SDP_SETUP_ACTPASS);
		free(d);
	}
}

static void
test_sdp_chromium156_offers(void **state)
{
	(void)state;
	static const char *const files[] = {
	        "chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp",
	        "chromium_156_offer_recvonly_bundle.sdp",
	        "chromium_156_offer_sendrecv_bundle.sdp",
	};

	for (unsigned i = 0; i < 3; i++) {
		struct sdp_desc *d = parse_vector(files[i]);
		const struct sdp_media *v = &d->media[1];

		assert_int_equal(d->n_media, 2);
		assert_true(d->extmap_allow_mixed);
		assert_int_equal(d->n_bundle, 2);
		assert_int_equal(v->kind, SDP_KIND_VIDEO);
		assert_true(v->n_codecs >= 20);
		assert_string_equal(v->codecs[0].name, "VP8");
		/* two UDP (IPv4, IPv6) kept, two TCP dropped */
		assert_int_equal(d->media[0].n_cand, 2);
		assert_int_equal(d->media[0].n_cand_skipped, 2);
		assert_true(d->media[0].rtcp_mux);
		assert_int_equal(d->media[0].t.fp[0].alg, SDP_HASH_SHA256);
		free(d);
	}
}

/* CRLF and LF alone parse the same; the last line needs no line end. */
static void
test_sdp_lf_only_and_no_final_newline(void **state)
{
	(void)state;
	size_t len, k = 0;
	char *text = load_vector("chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", &len);
	char *lf = malloc(len + 1);
	struct sdp_desc *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	for (size_t i = 0; i < len; i++)
		if (text[i] != '\r')
			lf[k++] = text[i];
	assert_int_equal(sdp_desc_parse(a, text, len, NULL), 0);
	assert_int_equal(sdp_desc_parse(b, lf, k, NULL), 0);
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(sdp_desc_parse(b, lf, k - 1, NULL), 0); /* no final LF */
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(sdp_desc_parse(b, text, len - 2, NULL), 0); /* no final CRLF */
	assert_memory_equal(a, b, sizeof(*a));
	free(text);
	free(lf);
	free(a);
	free(b);
}

#define HDR "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
#define MA "m=audio 9 UDP/TLS/RTP/SAVPF 111\n"

static void
test_sdp_errors_with_line(void **state)
{
	(void)state;
	expect_parse("", SDP_E_EMPTY, 0);
	expect_parse("\n\n", SDP_E_EMPTY, 0);
	expect_parse("o=- 1 1 IN IP4 0.0.0.0\n", SDP_E_SYNTAX, 1);
	expect_parse("v=1\n", SDP_E_VALUE, 1);
	expect_parse("v=0\ns=-\n", SDP_E_SYNTAX, 0);                 /* no o= */
	expect_parse(HDR "v=0\n", SDP_E_SYNTAX, 5);                  /* second v= */
	expect_parse(HDR "x=1\n", SDP_E_SYNTAX, 5);                  /* unknown type */
	expect_parse(HDR "A=1\n", SDP_E_SYNTAX, 5);                  /* not a lowercase letter */
	expect_parse(HDR "a\n", SDP_E_SYNTAX, 5);                    /* no = */
	expect_parse(HDR " a=x\n", SDP_E_SYNTAX, 5);                 /* leading blank */
	expect_parse(HDR "a=x\ry\n", SDP_E_SYNTAX, 5);               /* bare CR */
	expect_parse("v=0\nm=audio 9 RTP/AVP 0\n", SDP_E_SYNTAX, 2); /* m= before o= */
	expect_parse(HDR "m=audio 9\n", SDP_E_SYNTAX, 5);
	expect_parse(HDR "m=audio 70000 RTP/AVP 0\n", SDP_E_VALUE, 5);
	expect_parse(HDR "m=audio 9 RTP/AVP 128\n", SDP_E_VALUE, 5);
	expect_parse(HDR "m=audio 9 RTP/AVP 0 0\n", SDP_E_DUPLICATE, 5);
	expect_parse(HDR MA "a=rtpmap:111 opus\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=rtpmap:111 opus/0/2\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=rtpmap:111 opus/48000/2\na=rtpmap:111 opus/48000/2\n",
	        SDP_E_DUPLICATE, 7);
	expect_parse(HDR MA "a=fmtp:111 a=1\na=fmtp:111 b=2\n", SDP_E_DUPLICATE, 7);
	expect_parse(HDR MA "a=fmtp:x a=1\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=rtcp-fb:x nack\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=extmap:0 urn:x\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=extmap:300 urn:x\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=extmap:1/sideways urn:x\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=extmap:1 urn:x\na=extmap:1 urn:y\n", SDP_E_DUPLICATE, 7);
	expect_parse(HDR MA "a=mid:0\na=mid:1\n", SDP_E_DUPLICATE, 7);
	expect_parse(HDR MA "a=mid:0\n" MA "a=mid:0\n", SDP_E_DUPLICATE, 7);
	expect_parse(HDR "a=group:BUNDLE 0 1\n" MA "a=mid:0\n", SDP_E_BUNDLE, 5);
	expect_parse(HDR "a=group:BUNDLE 0 0\n" MA "a=mid:0\n", SDP_E_BUNDLE, 5);
	expect_parse(HDR MA "a=setup:maybe\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=sendonly\na=recvonly\n", SDP_E_DUPLICATE, 7);
	expect_parse(HDR MA "a=ice-ufrag:ab-cd\n", SDP_E_VALUE, 6); /* '-' is no ice-char */
	expect_parse(HDR MA "a=ice-pwd:\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=fingerprint:sha-256 7A:D7\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=fingerprint:sha-1 "
	                    "7A:D7:C9:33:94:8D:8A:BA:10:EB:93:21:7C:B4:91:6D:40:F7:56:0G\n",
	        SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=candidate:1 1 udp 1 192.0.2.1 5000 host\n", SDP_E_VALUE, 6);
	expect_parse(
	        HDR MA "a=candidate:1 1 udp 4294967296 192.0.2.1 5000 typ host\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=candidate:1 0 udp 1 192.0.2.1 5000 typ host\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=ssrc:x cname:a\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=ssrc-group:FID\n", SDP_E_VALUE, 6);
	expect_parse(HDR MA "a=msid:a b c\n", SDP_E_VALUE, 6);
	expect_parse("v=0\no=- x 1 IN IP4 0.0.0.0\n", 0, 0);
	expect_parse("v=0\no=- 1 x IN IP4 0.0.0.0\n", SDP_E_VALUE, 2);
	expect_parse("v=0\no=- 1 1 IN IP4\n", SDP_E_SYNTAX, 2);
	/* a=fmtp with a byte >= 0x80 (we would echo it) */
	expect_parse(HDR MA "a=fmtp:111 a=\xc3\xa9\n", SDP_E_VALUE, 6);
	/* not errors: unknown attributes, unknown fingerprint hash, lines for absent PTs */
	expect_parse(HDR MA "a=x-google-flag:conference\na=fingerprint:sha-3000 00\n"
	                    "a=rtpmap:96 VP8/90000\na=fmtp:96 x=1\na=rtcp-fb:96 nack\n",
	        0, 0);
}

static void
test_sdp_bounds(void **state)
{
	(void)state;
	static char buf[SDP_MAX_LEN + 4096];
	struct sdp_desc *d = malloc(sizeof(*d));
	struct sdp_error err;
	size_t n;

	assert_non_null(d);
	/* a line of exactly SDP_MAX_LINE bytes is fine, one more is not */
	n = (size_t)sprintf(buf, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=x-pad:");
	memset(buf + n, 'x', SDP_MAX_LINE - 8);
	n += SDP_MAX_LINE - 8;
	memcpy(buf + n, "\r\n", 2);
	assert_int_equal(sdp_desc_parse(d, buf, n + 2, &err), 0);
	buf[n] = 'x';
	memcpy(buf + n + 1, "\r\n", 2);
	assert_int_equal(sdp_desc_parse(d, buf, n + 3, &err), SDP_E_LINE_TOO_LONG);
	assert_int_equal(err.line, 3);
	assert_true(is_zero(d, sizeof(*d)));

	/* total size: SDP_MAX_LEN bytes parse, one more is refused before reading */
	n = (size_t)sprintf(buf, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
	while (n + 100 <= SDP_MAX_LEN)
		n += (size_t)sprintf(buf + n, "a=x-pad:%088d\r\n", 0);
	while (n < SDP_MAX_LEN)
		buf[n++] = '\n';
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), 0);
	buf[n++] = '\n';
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_TOO_BIG);
	assert_true(is_zero(d, sizeof(*d)));

	/* SDP_MAX_MEDIA m= lines, then one more */
	n = (size_t)sprintf(buf, HDR);
	for (int i = 0; i < SDP_MAX_MEDIA; i++)
		n += (size_t)sprintf(buf + n, "m=audio 9 RTP/AVP 0\n");
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), 0);
	assert_int_equal(d->n_media, SDP_MAX_MEDIA);
	n += (size_t)sprintf(buf + n, "m=audio 9 RTP/AVP 0\n");
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_TOO_MANY_MEDIA);
	assert_int_equal(err.line, 5 + SDP_MAX_MEDIA);

	/* payload types on one m= line */
	n = (size_t)sprintf(buf, HDR "m=video 9 RTP/AVP");
	for (int i = 0; i < SDP_MAX_CODECS; i++)
		n += (size_t)sprintf(buf + n, " %d", i);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), 0);
	assert_int_equal(d->media[0].n_codecs, SDP_MAX_CODECS);
	n += (size_t)sprintf(buf + n, " 100");
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);

	/* SSRCs, extmaps, fmtp length and parameters, candidates (dropped, not refused) */
	n = (size_t)sprintf(buf, HDR MA);
	for (int i = 0; i <= SDP_MAX_SSRC; i++)
		n += (size_t)sprintf(buf + n, "a=ssrc:%d cname:x\n", i + 1);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);
	assert_int_equal(err.line, 6 + SDP_MAX_SSRC);
	n = (size_t)sprintf(buf, HDR MA);
	for (int i = 0; i <= SDP_MAX_EXTMAP; i++)
		n += (size_t)sprintf(buf + n, "a=extmap:%d urn:x:%d\n", i + 1, i);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);
	n = (size_t)sprintf(buf, HDR MA "a=fmtp:111 x=%0254d\n", 0);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);
	n = (size_t)sprintf(buf, HDR MA "a=fmtp:111 x=%0253d\n", 0);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), 0);
	assert_int_equal(strlen(d->media[0].codecs[0].fmtp), 255);
	n = (size_t)sprintf(buf, HDR MA "a=fmtp:111 a");
	for (int i = 0; i < SDP_MAX_PARAMS; i++)
		n += (size_t)sprintf(buf + n, ";k%d=%d", i, i);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);
	n = (size_t)sprintf(buf, HDR MA);
	for (int i = 0; i < SDP_MAX_CAND + 5; i++)
		n += (size_t)sprintf(
		        buf + n, "a=candidate:%d 1 udp 1 192.0.2.1 %d typ host\n", i, 1000 + i);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), 0);
	assert_int_equal(d->media[0].n_cand, SDP_MAX_CAND);
	assert_int_equal(d->media[0].n_cand_skipped, 5);
	n = (size_t)sprintf(buf, HDR MA "a=mid:%065d\n", 0);
	assert_int_equal(sdp_desc_parse(d, buf, n, &err), SDP_E_LIMIT);
	free(d);
}

static void
test_sdp_candidate_parse(void **state)
{
	(void)state;
	struct sdp_candidate c;
	char s[SDP_ADDR_STR_MAX];
#define CAND(str) sdp_candidate_parse(&c, str, strlen(str))

	assert_int_equal(CAND("1 1 UDP 2130706431 192.0.2.1 443 typ host"), 0);
	assert_int_equal(c.skip, SDP_CAND_OK);
	assert_int_equal(c.priority, 2130706431u);
	assert_int_equal(c.port, 443);
	assert_int_equal(c.addr.family, 4);
	assert_int_equal(CAND("a+/B 1 udp 1686052607 203.0.113.7 61001 typ srflx raddr 10.0.0.2 "
	                      "rport 61001 generation 0 ufrag EsAw network-id 1"),
	        0);
	assert_int_equal(c.type, SDP_CAND_SRFLX);
	assert_true(c.has_raddr);
	assert_int_equal(c.rport, 61001);
	sdp_addr_format(&c.raddr, s);
	assert_string_equal(s, "10.0.0.2");
	assert_int_equal(CAND("2 1 udp 1 2001:db8::1 9 typ relay raddr host.example rport 1"), 0);
	assert_int_equal(c.addr.family, 6);
	assert_int_equal(c.type, SDP_CAND_RELAY);
	assert_false(c.has_raddr);
	sdp_addr_format(&c.addr, s);
	assert_string_equal(s, "2001:db8::1");
	/* W20: valid but unusable */
	assert_int_equal(CAND("1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active"), 0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_TRANSPORT);
	assert_int_equal(CAND("1 1 udp 2122260223 4b5d2c3e-1f0a-4c1b-9d1e-2f3a4b5c6d7e.local 5000 "
	                      "typ host"),
	        0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_MDNS);
	assert_int_equal(CAND("1 1 udp 1 turn.example.com 3478 typ relay"), 0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_HOSTNAME);
	assert_int_equal(CAND("1 1 udp 1 fe80::1%eth0 5000 typ host"), 0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_HOSTNAME);
	assert_int_equal(CAND("1 2 udp 1 192.0.2.1 5001 typ host"), 0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_COMPONENT);
	assert_int_equal(CAND("1 1 udp 1 192.0.2.1 5001 typ bogus"), 0);
	assert_int_equal(c.skip, SDP_CAND_SKIP_TYPE);
	/* syntax errors leave it zeroed */
	assert_int_equal(CAND("1 1 udp 1 192.0.2.1 5001 host"), SDP_E_VALUE);
	assert_true(is_zero(&c, sizeof(c)));
	assert_int_equal(CAND("1 1 udp 1 192.0.2.1 65536 typ host"), SDP_E_VALUE);
	assert_int_equal(CAND("1 257 udp 1 192.0.2.1 1 typ host"), SDP_E_VALUE);
	assert_int_equal(CAND("f-1 1 udp 1 192.0.2.1 1 typ host"), SDP_E_VALUE);
	assert_int_equal(CAND("123456789012345678901234567890123 1 udp 1 192.0.2.1 1 typ host"),
	        SDP_E_LIMIT);
	assert_int_equal(CAND("1 1 udp 1 192.0.2.1 1 typ host rport x"), SDP_E_VALUE);
	assert_int_equal(CAND(""), SDP_E_VALUE);
#undef CAND
}

static void
test_sdp_wildcard_fb_session_extmap_and_inheritance(void **state)
{
	(void)state;
	struct sdp_desc *d = malloc(sizeof(*d));
	char *t = crlf(
	        HDR "a=extmap:5 urn:ietf:params:rtp-hdrext:sdes:mid\n"
	            "a=ice-ufrag:sess\na=ice-pwd:sessionpasswordsessionpw\na=setup:active\n"
	            "a=sendonly\n"
	            "m=video 9 UDP/TLS/RTP/SAVPF 96 97\na=rtcp-fb:* nack\na=rtcp-fb:96 goog-remb\n"
	            "a=rtcp-fb:96 trr-int 100\na=rtcp-fb:97 ccm tmmbr\na=extmap:5 urn:x\n"
	            "a=ice-ufrag:media\na=recvonly\n"
	            "m=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtcp-mux-only\na=bundle-only\n"
	            "a=rtcp-fb:* nack pli\n");

	assert_int_equal(sdp_desc_parse(d, t, strlen(t), NULL), 0);
	assert_int_equal(d->media[0].codecs[0].fb, SDP_FB_NACK | SDP_FB_GOOG_REMB);
	assert_int_equal(d->media[0].codecs[0].n_fb_other, 1); /* trr-int */
	assert_int_equal(d->media[0].codecs[1].fb, SDP_FB_NACK | SDP_FB_CCM_TMMBR);
	assert_int_equal(d->media[0].fb_all, SDP_FB_NACK);
	/* the media-level extmap 5 wins over the session-level one */
	assert_int_equal(d->media[0].n_extmap, 1);
	assert_string_equal(d->media[0].extmap[0].uri, "urn:x");
	assert_int_equal(d->media[1].n_extmap, 1);
	assert_string_equal(d->media[1].extmap[0].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
	assert_string_equal(d->media[0].t.ice_ufrag, "media");
	assert_string_equal(d->media[0].t.ice_pwd, "sessionpasswordsessionpw");
	assert_string_equal(d->media[1].t.ice_ufrag, "sess");
	assert_string_equal(d->t.ice_ufrag, "sess");
	assert_int_equal(d->media[1].t.setup, SDP_SETUP_ACTIVE);
	assert_int_equal(d->media[0].dir, SDP_DIR_RECVONLY);
	assert_int_equal(d->media[1].dir, SDP_DIR_SENDONLY);
	assert_true(d->media[1].rtcp_mux_only);
	assert_false(d->media[1].rtcp_mux);
	assert_true(d->media[1].bundle_only);
	assert_int_equal(d->media[1].codecs[0].fb, SDP_FB_NACK_PLI);
	free(t);
	free(d);
}

static void
test_sdp_codec_set_fmtp_and_names(void **state)
{
	(void)state;
	struct sdp_codec c;
	char big[300];

	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_codec_set_fmtp(&c, " a = 1 ; b=2;;c ; "), 0);
	assert_int_equal(c.n_params, 3);
	assert_param(&c, "a", "1");
	assert_param(&c, "B", "2");
	assert_int_equal(c.params[2].key_len, 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sdp_codec_set_fmtp(&c, big), SDP_E_LIMIT);
	assert_int_equal(c.n_params, 3); /* unchanged */
	assert_int_equal(sdp_codec_set_fmtp(&c, "a=\x01"), SDP_E_VALUE);

	assert_string_equal(sdp_fb_name(SDP_FB_NACK_PLI), "nack pli");
	assert_string_equal(sdp_fb_name(SDP_FB_TRANSPORT_CC), "transport-cc");
	assert_string_equal(sdp_fb_name(3), "?");
	assert_string_equal(sdp_hash_name(SDP_HASH_SHA256), "sha-256");
	assert_string_equal(sdp_setup_name(SDP_SETUP_PASSIVE), "passive");
	assert_string_equal(sdp_dir_name(SDP_DIR_RECVONLY), "recvonly");
	assert_string_equal(sdp_kind_name(SDP_KIND_VIDEO), "video");
	assert_string_equal(sdp_cand_type_name(SDP_CAND_PRFLX), "prflx");
	for (int e = SDP_E_NOSPACE; e <= 0; e++)
		assert_string_not_equal(sdp_strerror(e), "unknown SDP error");
	assert_true(sdp_ice_chars_valid("a+/Z09", 6));
	assert_false(sdp_ice_chars_valid("a:b", 3));
	assert_false(sdp_ice_chars_valid("", 0));
}

static void
test_sdp_writer(void **state)
{
	(void)state;
	char buf[64];
	struct sdp_writer w;
	struct sdp_addr a[2] = {{4, {192, 0, 2, 1}}, {6, {0x20, 0x01, 0x0d, 0xb8}}};

	sdp_writer_init(&w, buf, sizeof(buf));
	sdp_writer_printf(&w, "v=%d\r\n", 0);
	assert_int_equal(sdp_writer_end(&w), 5);
	assert_string_equal(buf, "v=0\r\n");
	sdp_writer_host_candidates(&w, a, 2, 443); /* does not fit */
	assert_int_equal(sdp_writer_end(&w), SDP_E_NOSPACE);
	sdp_writer_printf(&w, "x"); /* no-op after an error */
	assert_int_equal(sdp_writer_end(&w), SDP_E_NOSPACE);
	sdp_writer_init(&w, buf, 0);
	assert_int_equal(sdp_writer_end(&w), SDP_E_NOSPACE);
}

/* Every prefix of a real offer: a clean parse or an error with the output zeroed. */
static void
test_sdp_every_prefix_all_or_nothing(void **state)
{
	(void)state;
	size_t len;
	char *text = load_vector("chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", &len);
	struct sdp_desc *d = malloc(sizeof(*d));
	unsigned ok = 0;

	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		struct sdp_error err;
		int rc;

		memcpy(copy, text, n);
		rc = sdp_desc_parse(d, copy, n, &err);
		if (rc == 0)
			ok++;
		else if (!is_zero(d, sizeof(*d)))
			fail_msg("prefix %zu: error %d left output behind", n, rc);
		free(copy);
	}
	assert_true(ok > 0);
	free(text);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sdp_chrome104_offer),
	        cmocka_unit_test(test_sdp_firefox46_session_level_values_inherited),
	        cmocka_unit_test(test_sdp_firefox84_extmap_direction_and_bare_fmtp),
	        cmocka_unit_test(test_sdp_ffmpeg_whip_passive),
	        cmocka_unit_test(test_sdp_rfc_examples),
	        cmocka_unit_test(test_sdp_aiortc14_offers),
	        cmocka_unit_test(test_sdp_chromium156_offers),
	        cmocka_unit_test(test_sdp_lf_only_and_no_final_newline),
	        cmocka_unit_test(test_sdp_errors_with_line),
	        cmocka_unit_test(test_sdp_bounds),
	        cmocka_unit_test(test_sdp_candidate_parse),
	        cmocka_unit_test(test_sdp_wildcard_fb_session_extmap_and_inheritance),
	        cmocka_unit_test(test_sdp_codec_set_fmtp_and_names),
	        cmocka_unit_test(test_sdp_writer),
	        cmocka_unit_test(test_sdp_every_prefix_all_or_nothing),
	};

	return cmocka_run_group_tests_name("sdp", tests, NULL, NULL);
}
