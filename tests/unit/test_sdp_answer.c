/*
 * SDP answers (ctrlplane/sdp_answer.c) to the real offers of
 * tests/vectors/sdp/. Every answer is checked structurally by parsing it
 * back with sdp_desc_parse(); tests/integration/sdp_aiortc.py (and
 * sdp_chromium.py) hand the same answers to real clients. Then every refusal
 * reason, with its HTTP status.
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

#include "sdp_answer.h"
#include "sdpfrag.h"

#define OUR_UFRAG "rtce0a1b"
#define OUR_PWD "q2w3e4r5t6y7u8i9o0p1a2s3"

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

/* @text without every line that starts with @prefix; caller frees. */
static char *
drop_lines(const char *text, const char *prefix)
{
	size_t n = strlen(text), k = 0, pl = strlen(prefix);
	char *out = malloc(n + 1);

	assert_non_null(out);
	for (size_t i = 0; i < n;) {
		const char *nl = strchr(text + i, '\n');
		size_t ll = nl ? (size_t)(nl - (text + i)) + 1 : n - i;
		if (strncmp(text + i, prefix, pl) != 0) {
			memcpy(out + k, text + i, ll);
			k += ll;
		}
		i += ll;
	}
	out[k] = '\0';
	return out;
}

/* @text with every @from replaced by @to; caller frees. */
static char *
replace_all(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = strlen(text), k = 0;
	char *out = malloc(n * (tl > fl ? tl : 1) + n + 1);

	assert_non_null(out);
	for (size_t i = 0; i < n;) {
		if (strncmp(text + i, from, fl) == 0) {
			memcpy(out + k, to, tl);
			k += tl;
			i += fl;
		} else {
			out[k++] = text[i++];
		}
	}
	out[k] = '\0';
	return out;
}

static void
local_init(struct sdp_local *l)
{
	memset(l, 0, sizeof(*l));
	strcpy(l->ice_ufrag, OUR_UFRAG);
	strcpy(l->ice_pwd, OUR_PWD);
	l->fp.alg = SDP_HASH_SHA256;
	l->fp.len = 32;
	for (int i = 0; i < 32; i++)
		l->fp.bytes[i] = (uint8_t)(0xa0 + i);
	l->n_addrs = 2;
	l->addrs[0].family = 4;
	inet_pton(AF_INET, "198.51.100.10", l->addrs[0].addr);
	l->addrs[1].family = 6;
	inet_pton(AF_INET6, "2001:db8::10", l->addrs[1].addr);
	l->port = 443;
	l->sess_id = 4242;
	l->sess_version = 2;
	l->audio = (struct sdp_local_track){0x11111111, 0, "rtcedge", "edge", "a0"};
	l->video = (struct sdp_local_track){0x22222222, 0x33333333, "rtcedge", "edge", "v0"};
}

/* One negotiation: the offer, its answer, the answer parsed back. */
struct nego {
	struct sdp_desc offer;
	struct sdp_answer ans;
	struct sdp_desc back;
	struct sdp_answer_error err;
	struct sdp_local local;
	struct sdp_policy pol;
	char text[32768];
	int len;
};

static struct nego *
nego_new(enum sdp_answer_mode mode)
{
	struct nego *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	local_init(&n->local);
	sdp_policy_default(&n->pol, mode);
	return n;
}

/* Negotiate @offer; on success parse the answer back. Returns the code. */
static int
nego_run(struct nego *n, const char *offer, size_t len)
{
	struct sdp_error perr;
	int rc;

	memset(&n->ans, 0x5a, sizeof(n->ans));
	n->len = sdp_answer_negotiate(&n->ans, &n->offer, offer, len, &n->pol, &n->local, n->text,
	        sizeof(n->text), &n->err);
	if (n->len < 0) {
		static const struct sdp_answer zero;
		assert_memory_equal(&n->ans, &zero, sizeof(zero));
		assert_int_equal(n->err.code, n->len);
		assert_int_equal(n->err.http_status, sdp_answer_http_status(n->len));
		assert_true(n->err.reason[0] != '\0');
		assert_null(strpbrk(n->err.reason, "\r\n"));
		return n->len;
	}
	assert_int_equal((size_t)n->len, strlen(n->text));
	rc = sdp_desc_parse(&n->back, n->text, (size_t)n->len, &perr);
	if (rc != 0)
		fail_msg("our answer does not parse back: line %u: %s\n%s", perr.line, perr.what,
		        n->text);
	return 0;
}

static struct nego *
nego_vector(const char *name, enum sdp_answer_mode mode)
{
	struct nego *n = nego_new(mode);
	size_t len;
	char *text = load_vector(name, &len);
	int rc = nego_run(n, text, len);

	if (rc != 0)
		fail_msg("%s: refused: %d %s", name, n->err.http_status, n->err.reason);
	free(text);
	return n;
}

static int
nego_text(struct nego *n, const char *lf)
{
	char *t = crlf(lf);
	int rc = nego_run(n, t, strlen(t));

	free(t);
	return rc;
}

static const struct sdp_extmap *
ext_by_id(const struct sdp_media *m, unsigned id)
{
	for (unsigned i = 0; i < m->n_extmap; i++)
		if (m->extmap[i].id == id)
			return &m->extmap[i];
	return NULL;
}

/* What every accepted section of every answer must carry (parsed back). */
static void
check_common(const struct nego *n)
{
	const struct sdp_desc *b = &n->back;
	char s[SDP_ADDR_STR_MAX];

	assert_true(b->ice_lite);
	assert_int_equal(b->n_media, n->offer.n_media);
	assert_int_equal(b->sess_version, 2);
	assert_string_equal(b->sess_id, "4242");
	for (unsigned i = 0; i < b->n_media; i++) {
		const struct sdp_media *m = &b->media[i];
		const struct sdp_media *o = &n->offer.media[i];

		/* the answer mirrors each m= line in order, with the offer's mid */
		assert_string_equal(m->media, o->media);
		assert_string_equal(m->mid, o->mid);
		assert_string_equal(m->proto, o->proto);
		if (!n->ans.media[i].accepted) {
			assert_int_equal(m->port, 0);
			assert_int_equal(m->n_cand, 0);
			continue;
		}
		assert_int_equal(m->port, 443);
		assert_true(m->rtcp_mux);
		assert_false(m->rtcp_mux_only);
		assert_string_equal(m->t.ice_ufrag, OUR_UFRAG);
		assert_string_equal(m->t.ice_pwd, OUR_PWD);
		assert_int_equal(m->t.ice_options, 0); /* ICE-lite: no trickle */
		assert_int_equal(m->t.n_fp, 1);
		assert_memory_equal(&m->t.fp[0], &n->local.fp, sizeof(n->local.fp));
		assert_int_equal(m->t.setup, n->ans.setup);
		assert_int_equal(m->dir, n->ans.media[i].dir);
		/* W16: all our candidates, then end-of-candidates */
		assert_int_equal(m->n_cand, 2);
		assert_true(m->end_of_candidates);
		sdp_addr_format(&m->cand[0].addr, s);
		assert_string_equal(s, "198.51.100.10");
		sdp_addr_format(&m->cand[1].addr, s);
		assert_string_equal(s, "2001:db8::10");
		assert_int_equal(m->cand[0].port, 443);
		assert_int_equal(m->cand[1].port, 443);
		assert_int_equal(m->cand[0].type, SDP_CAND_HOST);
		assert_true(m->cand[0].priority > m->cand[1].priority);
		/* one codec (+ rtx), with the offer's payload type numbers */
		assert_int_equal(m->codecs[0].pt, n->ans.media[i].codec.pt);
		assert_int_equal(m->n_codecs, n->ans.media[i].has_rtx ? 2 : 1);
		assert_non_null(sdp_media_codec_find(o, m->codecs[0].pt));
		assert_string_equal(
		        m->codecs[0].name, sdp_media_codec_find(o, m->codecs[0].pt)->name);
		/* negotiated rtcp-fb: a subset of the offer's */
		assert_int_equal(
		        m->codecs[0].fb & ~sdp_media_codec_find(o, m->codecs[0].pt)->fb, 0);
		/* extmaps: a subset of the offer's, same ids and URIs */
		for (unsigned k = 0; k < m->n_extmap; k++) {
			const struct sdp_extmap *oe = ext_by_id(o, m->extmap[k].id);
			assert_non_null(oe);
			assert_string_equal(oe->uri, m->extmap[k].uri);
		}
	}
}

static void
test_answer_chrome104_whip(void **state)
{
	(void)state;
	struct nego *n =
	        nego_vector("chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", SDP_MODE_WHIP);
	const struct sdp_desc *b = &n->back;
	const struct sdp_answer *a = &n->ans;

	check_common(n);
	/* the datachannel is rejected with port 0 and leaves the BUNDLE group (W28) */
	assert_false(a->media[0].accepted);
	assert_int_equal(b->media[0].port, 0);
	assert_string_equal(b->media[0].fmt0, "webrtc-datachannel");
	assert_int_equal(b->n_bundle, 2);
	assert_string_equal(b->media[b->bundle[0]].mid, "1");
	assert_string_equal(b->media[b->bundle[1]].mid, "2");
	assert_int_equal(a->transport, 1);
	/* the offerer's transport: first accepted section of its group */
	assert_string_equal(a->remote_ufrag, "v8Lx");
	assert_string_equal(a->remote_pwd, "GdpW980Caww9WWsbg6jJ5pGu");
	assert_int_equal(a->remote_fp.alg, SDP_HASH_SHA256);
	assert_int_equal(a->remote_fp.bytes[0], 0x7a);
	assert_int_equal(a->remote_ice_options, SDP_ICE_OPT_TRICKLE);
	assert_int_equal(a->setup, SDP_SETUP_PASSIVE);
	/* W6: sendonly offer -> recvonly answer */
	assert_int_equal(b->media[1].dir, SDP_DIR_RECVONLY);
	assert_int_equal(b->media[2].dir, SDP_DIR_RECVONLY);
	/* audio: Opus with our fmtp */
	assert_int_equal(b->media[1].codecs[0].pt, 111);
	assert_string_equal(b->media[1].codecs[0].fmtp, "minptime=10;useinbandfec=1");
	assert_int_equal(b->media[1].codecs[0].channels, 2);
	assert_int_equal(b->media[1].codecs[0].fb, SDP_FB_TRANSPORT_CC);
	assert_int_equal(b->media[1].n_extmap, 4);
	/* video: the offerer's first acceptable codec, VP8, and its rtx */
	assert_int_equal(b->media[2].codecs[0].pt, 96);
	assert_string_equal(b->media[2].codecs[0].name, "VP8");
	assert_int_equal(b->media[2].codecs[1].pt, 97);
	assert_int_equal(b->media[2].codecs[1].apt, 96);
	assert_int_equal(b->media[2].codecs[0].fb, SDP_FB_NACK | SDP_FB_NACK_PLI | SDP_FB_CCM_FIR |
	                                                   SDP_FB_GOOG_REMB | SDP_FB_TRANSPORT_CC);
	assert_int_equal(b->media[2].codecs[1].fb, 0);
	assert_true(b->media[2].rtcp_rsize);
	/* extmaps we support: abs-send-time 2, transport-cc 3, mid 4; not toffset etc. */
	assert_int_equal(b->media[2].n_extmap, 3);
	assert_non_null(ext_by_id(&b->media[2], 2));
	assert_non_null(ext_by_id(&b->media[2], 3));
	assert_non_null(ext_by_id(&b->media[2], 4));
	/* we send nothing: no msid, no ssrc */
	assert_int_equal(b->media[2].n_ssrc, 0);
	assert_string_equal(b->media[2].msid_stream, "");
	/* the remote streams, for the session layer */
	assert_int_equal(a->media[2].n_remote_ssrc, 2);
	assert_int_equal(a->media[2].remote_groups[0].ssrcs[1], 1979944319u);
	assert_string_equal(a->media[1].remote_msid_track, "37d89104-03a9-4be0-8cf4-50310d61b211");
	free(n);
}

static void
test_answer_h264_profile_family(void **state)
{
	(void)state;
	struct nego *n = nego_new(SDP_MODE_WHIP);
	size_t len;
	char *text = load_vector("chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", &len);

	/* our preference (H264 first) instead of the offer's: the first pm=1 42xxxx, 42001f */
	n->pol.prefer_offer_order = 0;
	n->pol.codecs[1] = n->pol.codecs[2];
	n->pol.n_codecs = 2;
	assert_int_equal(nego_run(n, text, len), 0);
	check_common(n);
	assert_int_equal(n->back.media[2].codecs[0].pt, 127);
	assert_string_equal(n->back.media[2].codecs[0].fmtp,
	        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
	assert_int_equal(n->back.media[2].codecs[1].pt, 121);
	free(text);

	/* 42e01f alone (constrained baseline) is accepted too */
	assert_int_equal(nego_text(n, "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
	                              "m=video 9 UDP/TLS/RTP/SAVPF 100 101 102\n"
	                              "a=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv\n"
	                              "a=fingerprint:sha-256 "
	                              "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:"
	                              "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\n"
	                              "a=setup:actpass\na=sendonly\na=rtcp-mux\n"
	                              "a=rtpmap:100 H264/90000\n"
	                              "a=fmtp:100 profile-level-id=64001f;packetization-mode=1\n"
	                              "a=rtpmap:101 H264/90000\n"
	                              "a=fmtp:101 profile-level-id=42e01f;packetization-mode=0\n"
	                              "a=rtpmap:102 h264/90000\n"
	                              "a=fmtp:102 profile-level-id=42E01F;packetization-mode=1\n"),
	        0);
	assert_int_equal(n->back.media[0].codecs[0].pt, 102);
	assert_int_equal(n->back.media[0].n_codecs, 1);

	/* only main/high or packetization-mode 0: no common codec, and the reason says so */
	assert_int_equal(nego_text(n, "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
	                              "m=video 9 UDP/TLS/RTP/SAVPF 100 101 102\n"
	                              "a=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv\n"
	                              "a=fingerprint:sha-256 "
	                              "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:"
	                              "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\n"
	                              "a=setup:actpass\na=sendonly\na=rtcp-mux\na=mid:v\n"
	                              "a=rtpmap:100 H264/90000\n"
	                              "a=fmtp:100 profile-level-id=64001f;packetization-mode=1\n"
	                              "a=rtpmap:101 H264/90000\n"
	                              "a=fmtp:101 profile-level-id=42e01f\n"
	                              "a=rtpmap:102 VP9/90000\n"),
	        SDP_ANSWER_E_NO_CODEC);
	assert_int_equal(n->err.http_status, 422);
	assert_int_equal(n->err.media, 0);
	assert_non_null(strstr(n->err.reason, "m-line 1 (video, mid v): no common codec"));
	assert_non_null(strstr(n->err.reason, "offered H264/90000, VP9/90000"));
	assert_non_null(
	        strstr(n->err.reason, "accepted H264/90000 packetization-mode=1 profile 42"));
	free(n);
}

static void
test_answer_ffmpeg_passive_offer_gets_active(void **state)
{
	(void)state;
	struct nego *n = nego_vector("ffmpeg_whip_offer_sendonly_opus_h264.sdp", SDP_MODE_WHIP);

	check_common(n);
	/* RFC 5763 §5: the offerer wants to be the DTLS server; we are the client */
	assert_int_equal(n->ans.setup, SDP_SETUP_ACTIVE);
	assert_int_equal(n->back.media[0].t.setup, SDP_SETUP_ACTIVE);
	assert_int_equal(n->back.media[1].codecs[0].pt, 106);
	assert_int_equal(n->back.media[1].codecs[1].pt, 105);
	assert_int_equal(n->back.media[1].codecs[1].apt, 106);
	assert_int_equal(n->back.media[1].codecs[0].fb, SDP_FB_NACK);
	assert_int_equal(n->back.n_bundle, 2);
	assert_string_equal(n->ans.remote_ufrag, "08a9c3f4");
	free(n);
}

static void
test_answer_firefox(void **state)
{
	(void)state;
	struct nego *n =
	        nego_vector("firefox_46_offer_sendrecv_opus_vp8_h264_bundle.sdp", SDP_MODE_WHIP);

	check_common(n);
	/* W6: sendrecv offer, recvonly answer; old-style datachannel rejected */
	assert_int_equal(n->back.media[0].dir, SDP_DIR_RECVONLY);
	assert_int_equal(n->back.media[1].codecs[0].pt, 120);
	assert_false(n->ans.media[2].accepted);
	assert_string_equal(n->back.media[2].fmt0, "5000");
	assert_int_equal(n->back.n_bundle, 2);
	/* the session-level fingerprint is the remote one */
	assert_int_equal(n->ans.remote_fp.bytes[0], 0x24);
	free(n);

	n = nego_vector("firefox_84_offer_sendonly_audio.sdp", SDP_MODE_WHIP);
	check_common(n);
	assert_int_equal(n->back.n_media, 1);
	assert_int_equal(n->back.media[0].codecs[0].pt, 109);
	/* csrc-audio-level (2/recvonly) is not ours; ssrc-audio-level 1 and mid 3 are */
	assert_int_equal(n->back.media[0].n_extmap, 2);
	assert_null(ext_by_id(&n->back.media[0], 2));
	free(n);
}

static void
test_answer_aiortc14(void **state)
{
	(void)state;
	struct nego *n;

	/* WHIP: sendonly offer */
	n = nego_vector("aiortc_1.4_offer_sendonly_opus_vp8_h264_bundle.sdp", SDP_MODE_WHIP);
	check_common(n);
	/* per-section extmaps: id 2 is audio-level in audio, abs-send-time in video */
	assert_string_equal(ext_by_id(&n->back.media[0], 2)->uri,
	        "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
	assert_string_equal(ext_by_id(&n->back.media[1], 2)->uri,
	        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
	/* the transport is the first section's (aiortc offers one per section) */
	assert_string_equal(n->ans.remote_ufrag, n->offer.media[0].t.ice_ufrag);
	assert_int_equal(n->ans.n_remote_cand, 2);
	assert_true(n->ans.remote_end_of_candidates);
	assert_int_equal(n->back.media[0].codecs[0].pt, 96);
	assert_int_equal(n->back.media[1].codecs[0].pt, 97);
	assert_int_equal(n->back.media[1].codecs[1].pt, 98);
	free(n);

	/* WHEP: recvonly offer, sendonly answer with our SSRCs, msid and FID group */
	n = nego_vector("aiortc_1.4_offer_recvonly_bundle.sdp", SDP_MODE_WHEP);
	check_common(n);
	assert_int_equal(n->back.media[0].dir, SDP_DIR_SENDONLY);
	assert_string_equal(n->back.media[0].msid_stream, "edge");
	assert_string_equal(n->back.media[0].msid_track, "a0");
	assert_int_equal(n->back.media[0].n_ssrc, 1);
	assert_int_equal(n->back.media[0].ssrcs[0].ssrc, 0x11111111u);
	assert_string_equal(n->back.media[0].ssrcs[0].cname, "rtcedge");
	assert_int_equal(n->back.media[1].n_ssrc, 2);
	assert_int_equal(n->back.media[1].n_ssrc_groups, 1);
	assert_string_equal(n->back.media[1].ssrc_groups[0].semantics, "FID");
	assert_int_equal(n->back.media[1].ssrc_groups[0].ssrcs[0], 0x22222222u);
	assert_int_equal(n->back.media[1].ssrc_groups[0].ssrcs[1], 0x33333333u);
	assert_string_equal(n->back.media[1].ssrcs[1].msid_track, "v0");
	free(n);

	/* voice: sendrecv both ways */
	n = nego_vector("aiortc_1.4_offer_sendrecv_bundle.sdp", SDP_MODE_VOICE);
	check_common(n);
	assert_int_equal(n->back.media[0].dir, SDP_DIR_SENDRECV);
	assert_int_equal(n->back.media[0].n_ssrc, 1);
	free(n);
}

static void
test_answer_chromium156(void **state)
{
	(void)state;
	struct nego *n;

	n = nego_vector("chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp", SDP_MODE_WHIP);
	check_common(n);
	assert_int_equal(n->back.media[0].dir, SDP_DIR_RECVONLY);
	assert_string_equal(n->back.media[1].codecs[0].name, "VP8");
	assert_int_equal(n->back.media[1].n_codecs, 2);
	free(n);
	n = nego_vector("chromium_156_offer_recvonly_bundle.sdp", SDP_MODE_WHEP);
	check_common(n);
	assert_int_equal(n->back.media[1].dir, SDP_DIR_SENDONLY);
	free(n);
	n = nego_vector("chromium_156_offer_sendrecv_bundle.sdp", SDP_MODE_VOICE);
	check_common(n);
	assert_int_equal(n->back.media[0].dir, SDP_DIR_SENDRECV);
	free(n);
}

/* Our SDP: an FFmpeg offer with edits, so each refusal has one cause. */
static struct nego *
refuse(const char *vector, enum sdp_answer_mode mode, const char *drop, const char *from,
        const char *to, int code, const char *reason_part)
{
	struct nego *n = nego_new(mode);
	size_t len;
	char *text = load_vector(vector, &len);
	char *t1 = drop ? drop_lines(text, drop) : strdup(text);
	char *t2 = from ? replace_all(t1, from, to) : strdup(t1);
	int rc = nego_run(n, t2, strlen(t2));

	if (rc != code)
		fail_msg("expected %s, got %d (%s)", sdp_answer_strerror(code), rc, n->err.reason);
	if (reason_part != NULL && strstr(n->err.reason, reason_part) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", n->err.reason, reason_part);
	free(text);
	free(t1);
	free(t2);
	return n;
}

#define FFMPEG "ffmpeg_whip_offer_sendonly_opus_h264.sdp"
#define CHROME "chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp"

static void
test_answer_refusals(void **state)
{
	(void)state;
	struct nego *n;

	/* W26: no RTP/RTCP mux at all */
	n = refuse(FFMPEG, SDP_MODE_WHIP, "a=rtcp-mux", NULL, NULL, SDP_ANSWER_E_NO_RTCP_MUX,
	        "m-line 1 (audio, mid 0): no a=rtcp-mux");
	assert_int_equal(n->err.http_status, 422);
	assert_int_equal(n->err.media, 0);
	free(n);
	/* a=rtcp-mux-only alone implies mux (RFC 8858); the answer says a=rtcp-mux */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=rtcp-mux\r\n", "a=rtcp-mux-only\r\n", 0, NULL);
	check_common(n);
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=rtcp-mux\r\n",
	        "a=rtcp-mux\r\na=rtcp-mux-only\r\n", 0, NULL);
	check_common(n);
	free(n);
	/* fingerprint */
	n = refuse(FFMPEG, SDP_MODE_WHIP, "a=fingerprint", NULL, NULL, SDP_ANSWER_E_NO_FINGERPRINT,
	        "no a=fingerprint with sha-256");
	free(n);
	/* sha-1 only: parsed, but not good enough (RFC 8827 §6.5) */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL,
	        "a=fingerprint:sha-256 21:69:7C:46:D3:DC:4D:D3:66:61:5C:C5:6A:0B:F7:36:BD:91:"
	        "A9:2A:FF:BC:1A:59:D9:38:38:C8:E2:A4:8D:AF",
	        "a=fingerprint:sha-1 21:69:7C:46:D3:DC:4D:D3:66:61:5C:C5:6A:0B:F7:36:BD:91:"
	        "A9:2A",
	        SDP_ANSWER_E_NO_FINGERPRINT, "sha-256, sha-384 or sha-512");
	assert_int_equal(n->offer.media[0].t.fp[0].alg, SDP_HASH_SHA1);
	free(n);
	/* ICE credentials */
	n = refuse(FFMPEG, SDP_MODE_WHIP, "a=ice-pwd", NULL, NULL, SDP_ANSWER_E_NO_ICE,
	        "no a=ice-ufrag / a=ice-pwd");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=ice-pwd:a202d23be47d1decaa6f67d04d4e6c16",
	        "a=ice-pwd:short", SDP_ANSWER_E_NO_ICE, "RFC 8839");
	free(n);
	/* no common codec, in the audio section */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "opus/48000/2", "G722/8000", SDP_ANSWER_E_NO_CODEC,
	        "offered G722/8000; accepted opus/48000");
	free(n);
	/* Opus must be stereo-signalled (RFC 7587 §7) */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "opus/48000/2", "opus/48000", SDP_ANSWER_E_NO_CODEC,
	        NULL);
	free(n);
	/* W6 / E5: direction by mode */
	n = refuse(FFMPEG, SDP_MODE_WHEP, NULL, NULL, NULL, SDP_ANSWER_E_DIRECTION,
	        "a=sendonly not allowed in a WHEP offer");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=sendonly", "a=recvonly", SDP_ANSWER_E_DIRECTION,
	        "a=recvonly not allowed in a WHIP offer");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_VOICE, NULL, "a=sendonly", "a=inactive", SDP_ANSWER_E_DIRECTION,
	        "a=inactive");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_VOICE, NULL, NULL, NULL, 0, NULL);
	assert_int_equal(n->back.media[0].dir, SDP_DIR_RECVONLY);
	free(n);
	/* setup */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=setup:passive", "a=setup:holdconn",
	        SDP_ANSWER_E_SETUP, "holdconn");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, "a=setup", NULL, NULL, 0, NULL);
	assert_int_equal(n->ans.setup, SDP_SETUP_PASSIVE);
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=setup:passive", "a=setup:active", 0, NULL);
	assert_int_equal(n->ans.setup, SDP_SETUP_PASSIVE);
	free(n);
	/* BUNDLE: two media sections and no group; a section outside the group; two groups */
	n = refuse(FFMPEG, SDP_MODE_WHIP, "a=group:BUNDLE", NULL, NULL, SDP_ANSWER_E_BUNDLE,
	        "2 media m= lines without a=group:BUNDLE");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0",
	        SDP_ANSWER_E_BUNDLE, "m-line 2 (video, mid 1) is not in the BUNDLE group");
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=group:BUNDLE 0 1",
	        "a=group:BUNDLE 0\r\na=group:BUNDLE 1", SDP_ANSWER_E_BUNDLE, "2 BUNDLE groups");
	free(n);
	/* W27: two audio tracks */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "m=video 9 UDP/TLS/RTP/SAVPF 106 105",
	        "m=audio 9 UDP/TLS/RTP/SAVPF 106 105", SDP_ANSWER_E_TRACKS,
	        "m-line 2 (audio, mid 1): more than 1 audio track(s) (W27)");
	free(n);
	/* plain RTP */
	n = refuse("rfc8866_s5_example.sdp", SDP_MODE_VOICE, NULL, NULL, NULL, SDP_ANSWER_E_PROTO,
	        "proto RTP/AVP");
	free(n);
	/* ICE-lite offerer */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "t=0 0\r\n", "t=0 0\r\na=ice-lite\r\n",
	        SDP_ANSWER_E_ICE_LITE, "ICE-lite");
	free(n);
	/* a datachannel in the first (tagged) place is rejected; the tag moves to video */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "m=audio 9 UDP/TLS/RTP/SAVPF 111",
	        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", 0, NULL);
	check_common(n);
	assert_false(n->ans.media[0].accepted);
	assert_int_equal(n->ans.transport, 1);
	assert_int_equal(n->back.n_bundle, 1);
	assert_string_equal(n->back.media[n->back.bundle[0]].mid, "1");
	free(n);
	/* malformed: the line and what is wrong, 400 */
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=rtpmap:111 opus/48000/2",
	        "a=rtpmap:111 opus/x/2", SDP_ANSWER_E_PARSE,
	        "malformed SDP offer, line 18: rtpmap is not");
	assert_int_equal(n->err.http_status, 400);
	assert_int_equal(n->err.line, 18);
	assert_int_equal(n->err.sdp_code, SDP_E_VALUE);
	free(n);
	n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "v=0", "v=1", SDP_ANSWER_E_PARSE, "v= is not 0");
	free(n);
}

static void
test_answer_datachannel_only_and_disabled_sections(void **state)
{
	(void)state;
	struct nego *n = nego_new(SDP_MODE_WHIP);
	size_t len;
	char *text = load_vector(CHROME, &len);
	char *t;

	/* audio and video disabled by the offerer (port 0): only the datachannel left */
	t = replace_all(text, "m=audio 9", "m=audio 0");
	free(text);
	text = replace_all(t, "m=video 9", "m=video 0");
	assert_int_equal(nego_run(n, text, strlen(text)), SDP_ANSWER_E_NO_MEDIA);
	assert_non_null(strstr(n->err.reason, "no audio or video m= line we can accept"));
	free(t);
	free(text);
	/* a disabled video section is mirrored with port 0, audio goes on */
	text = load_vector(CHROME, &len);
	t = replace_all(text, "m=video 9", "m=video 0");
	assert_int_equal(nego_run(n, t, strlen(t)), 0);
	check_common(n);
	assert_false(n->ans.media[2].accepted);
	assert_int_equal(n->back.n_bundle, 1);
	free(t);
	free(text);
	/* bundle-only (port 0) sections are accepted into the group */
	text = load_vector(FFMPEG, &len);
	t = replace_all(text, "m=video 9 UDP/TLS/RTP/SAVPF 106 105\r\n",
	        "m=video 0 UDP/TLS/RTP/SAVPF 106 105\r\na=bundle-only\r\n");
	assert_int_equal(nego_run(n, t, strlen(t)), 0);
	check_common(n);
	assert_true(n->ans.media[1].accepted);
	assert_false(n->back.media[1].bundle_only); /* RFC 8843 §7.3.1: not in answers */
	free(t);
	free(text);
	free(n);
}

static void
test_answer_size_and_media_limits(void **state)
{
	(void)state;
	struct nego *n = nego_new(SDP_MODE_WHIP);
	static char big[SDP_MAX_LEN + 256];
	size_t k;

	/* oversized: 413 */
	k = (size_t)snprintf(big, sizeof(big), "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
	while (k <= SDP_MAX_LEN)
		k += (size_t)snprintf(big + k, sizeof(big) - k, "a=x:%090d\r\n", 0);
	assert_int_equal(nego_run(n, big, k), SDP_ANSWER_E_TOO_BIG);
	assert_int_equal(n->err.http_status, 413);
	assert_non_null(strstr(n->err.reason, "larger than 65536 bytes"));
	/* too many m= lines */
	k = (size_t)snprintf(big, sizeof(big), "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
	for (int i = 0; i <= SDP_MAX_MEDIA; i++)
		k += (size_t)snprintf(
		        big + k, sizeof(big) - k, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
	assert_int_equal(nego_run(n, big, k), SDP_ANSWER_E_TOO_MANY_MEDIA);
	assert_int_equal(n->err.http_status, 422);
	assert_non_null(strstr(n->err.reason, "more than 8 m= lines (line 11)"));
	free(n);
}

static void
test_answer_extmap_directions_and_remap_ids(void **state)
{
	(void)state;
	struct nego *n = refuse(FFMPEG, SDP_MODE_WHIP, NULL, "a=mid:0\r\n",
	        "a=mid:0\r\na=extmap:3/sendonly urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	        "a=extmap:4096 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	        "a=extmap:5/inactive http://www.webrtc.org/experiments/rtp-hdrext/"
	        "abs-send-time\r\n",
	        0, NULL);
	const struct sdp_media *m = &n->back.media[0];

	/* RFC 8285 §7: sendonly is answered recvonly; 4096+ would need remapping */
	assert_int_equal(m->n_extmap, 2);
	assert_int_equal(ext_by_id(m, 3)->dir, SDP_DIR_RECVONLY);
	assert_int_equal(ext_by_id(m, 5)->dir, SDP_DIR_INACTIVE);
	assert_null(ext_by_id(m, 4096));
	assert_non_null(strstr(n->text, "a=extmap:3/recvonly urn:ietf:params:rtp-hdrext:sdes:mid"));
	free(n);
}

static void
test_answer_local_and_buffer_errors(void **state)
{
	(void)state;
	struct nego *n = nego_new(SDP_MODE_WHIP);
	size_t len;
	char *text = load_vector(FFMPEG, &len);
	char small[4096];
	int full;

	strcpy(n->local.ice_pwd, "tooshort");
	assert_int_equal(nego_run(n, text, len), SDP_ANSWER_E_LOCAL);
	assert_int_equal(n->err.http_status, 500);
	local_init(&n->local);
	n->local.n_addrs = 0;
	assert_int_equal(nego_run(n, text, len), SDP_ANSWER_E_LOCAL);
	local_init(&n->local);
	n->local.fp.len = 20;
	assert_int_equal(nego_run(n, text, len), SDP_ANSWER_E_LOCAL);
	local_init(&n->local);
	strcpy(n->local.video.cname, "has space");
	assert_int_equal(nego_run(n, text, len), SDP_ANSWER_E_LOCAL);
	local_init(&n->local);
	assert_int_equal(nego_run(n, text, len), 0);

	/* the writer: every buffer shorter than the answer is refused, never cut */
	full = sdp_answer_write(&n->ans, small, sizeof(small));
	assert_true(full > 0);
	assert_int_equal(full, n->len);
	for (int cap = 0; cap <= full; cap++)
		assert_int_equal(
		        sdp_answer_write(&n->ans, small, (size_t)cap), SDP_ANSWER_E_NOSPACE);
	assert_int_equal(sdp_answer_write(&n->ans, small, (size_t)full + 1), full);
	n->len = sdp_answer_negotiate(
	        &n->ans, &n->offer, text, len, &n->pol, &n->local, small, 100, &n->err);
	assert_int_equal(n->len, SDP_ANSWER_E_NOSPACE);
	assert_int_equal(n->err.http_status, 500);
	free(text);
	free(n);
}

/* W22, W24: the restart fragment parses back with the new credentials. */
static void
test_answer_restart_fragment(void **state)
{
	(void)state;
	struct nego *n = nego_vector(CHROME, SDP_MODE_WHIP);
	struct sdpfrag *f = malloc(sizeof(*f));
	char buf[1024];
	int len;

	len = sdp_answer_restart_write(&n->ans, "newU", "newpasswordnewpassword", buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(sdpfrag_parse(f, buf, (size_t)len, NULL), 0);
	assert_true(f->ice_lite);
	assert_int_equal(f->n_media, 1);
	assert_string_equal(f->media[0].media, "audio");
	assert_string_equal(f->media[0].mid, "1");
	assert_string_equal(sdpfrag_ufrag(f), "newU");
	assert_string_equal(sdpfrag_pwd(f), "newpasswordnewpassword");
	assert_int_equal(f->media[0].n_cand, 2);
	assert_int_equal(f->media[0].cand[0].port, 443);
	assert_true(f->media[0].end_of_candidates);
	assert_non_null(strstr(buf, "a=group:BUNDLE 1 2\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
	assert_int_equal(sdp_answer_restart_write(&n->ans, "newU", "short", buf, sizeof(buf)),
	        SDP_ANSWER_E_LOCAL);
	assert_int_equal(sdp_answer_restart_write(
	                         &n->ans, "newU", "newpasswordnewpassword", buf, (size_t)len),
	        SDP_ANSWER_E_NOSPACE);
	free(f);
	free(n);
}

static void
test_answer_one_stream_policy(void **state)
{
	(void)state;
	struct nego *n = nego_new(SDP_MODE_WHIP);
	size_t len;
	char *text = load_vector(FFMPEG, &len);
	char *t = replace_all(text, "a=msid:FFmpeg video", "a=msid:Other video");

	assert_int_equal(nego_run(n, t, strlen(t)), 0); /* off by default */
	n->pol.one_stream = 1;
	assert_int_equal(nego_run(n, text, len), 0);
	assert_int_equal(nego_run(n, t, strlen(t)), SDP_ANSWER_E_TRACKS);
	assert_non_null(strstr(n->err.reason, "msid stream Other differs from FFmpeg"));
	free(t);
	free(text);
	free(n);
}

static void
test_answer_strerror_and_status(void **state)
{
	(void)state;
	assert_int_equal(sdp_answer_http_status(SDP_ANSWER_OK), 201);
	assert_int_equal(sdp_answer_http_status(SDP_ANSWER_E_PARSE), 400);
	assert_int_equal(sdp_answer_http_status(SDP_ANSWER_E_TOO_BIG), 413);
	assert_int_equal(sdp_answer_http_status(SDP_ANSWER_E_NO_CODEC), 422);
	assert_int_equal(sdp_answer_http_status(SDP_ANSWER_E_NOSPACE), 500);
	assert_int_equal(sdp_answer_http_status(-999), 500);
	assert_string_equal(sdp_answer_strerror(SDP_ANSWER_E_NO_RTCP_MUX), "no a=rtcp-mux");
	assert_string_equal(sdp_answer_strerror(-999), "unknown SDP answer error");
	for (int e = SDP_ANSWER_E_NOSPACE; e <= SDP_ANSWER_E_PARSE; e++)
		assert_string_not_equal(sdp_answer_strerror(e), "unknown SDP answer error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_answer_chrome104_whip),
	        cmocka_unit_test(test_answer_h264_profile_family),
	        cmocka_unit_test(test_answer_ffmpeg_passive_offer_gets_active),
	        cmocka_unit_test(test_answer_firefox),
	        cmocka_unit_test(test_answer_aiortc14),
	        cmocka_unit_test(test_answer_chromium156),
	        cmocka_unit_test(test_answer_refusals),
	        cmocka_unit_test(test_answer_datachannel_only_and_disabled_sections),
	        cmocka_unit_test(test_answer_size_and_media_limits),
	        cmocka_unit_test(test_answer_extmap_directions_and_remap_ids),
	        cmocka_unit_test(test_answer_local_and_buffer_errors),
	        cmocka_unit_test(test_answer_restart_fragment),
	        cmocka_unit_test(test_answer_one_stream_policy),
	        cmocka_unit_test(test_answer_strerror_and_status),
	};

	return cmocka_run_group_tests_name("sdp_answer", tests, NULL, NULL);
}
