/*
 * libFuzzer target: SDP offer parse (ctrlplane/sdp.c), then the answer in
 * the three modes (ctrlplane/sdp_answer.c), then our answer parsed back.
 * Invariants: a parse succeeds whole or leaves the output zeroed with an
 * error line and text; every string is NUL-terminated inside its array and
 * every count inside its bound; an accepted offer's answer parses back with
 * the same m= lines, mids and payload types, and its restart fragment
 * parses back with the new credentials; a refusal has a one-line reason and
 * leaves the answer zeroed. Nothing reads past the input (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_answer.h"
#include "sdpfrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)
#define STR_OK(a) CHECK(strnlen((a), sizeof(a)) < sizeof(a))

/* memcmp against zeros: a byte loop over these large structs would dominate each run */
static int
is_zero(const void *p, size_t n)
{
	static const struct sdp_desc zero;
	const unsigned char *b = p;

	for (size_t off = 0; off < n; off += sizeof(zero)) {
		size_t k = n - off < sizeof(zero) ? n - off : sizeof(zero);
		if (memcmp(b + off, &zero, k) != 0)
			return 0;
	}
	return 1;
}

static void
check_transport(const struct sdp_transport *t)
{
	STR_OK(t->ice_ufrag);
	STR_OK(t->ice_pwd);
	CHECK(t->n_fp <= SDP_MAX_FP);
	for (unsigned i = 0; i < t->n_fp; i++)
		CHECK(t->fp[i].len > 0 && t->fp[i].len <= SDP_FP_LEN_MAX);
}

static void
check_desc(const struct sdp_desc *d)
{
	STR_OK(d->sess_id);
	check_transport(&d->t);
	CHECK(d->n_media <= SDP_MAX_MEDIA && d->n_bundle <= d->n_media);
	CHECK(d->n_extmap <= SDP_MAX_EXTMAP);
	for (unsigned i = 0; i < d->n_bundle; i++)
		CHECK(d->bundle[i] < d->n_media && d->media[d->bundle[i]].mid[0] != '\0');
	for (unsigned i = 0; i < d->n_media; i++) {
		const struct sdp_media *m = &d->media[i];
		STR_OK(m->media);
		STR_OK(m->proto);
		STR_OK(m->fmt0);
		STR_OK(m->mid);
		STR_OK(m->msid_stream);
		STR_OK(m->msid_track);
		check_transport(&m->t);
		CHECK(m->dir >= SDP_DIR_SENDRECV && m->dir <= SDP_DIR_INACTIVE);
		CHECK(m->n_codecs <= SDP_MAX_CODECS && m->n_extmap <= SDP_MAX_EXTMAP);
		CHECK(m->n_ssrc <= SDP_MAX_SSRC && m->n_ssrc_groups <= SDP_MAX_SSRC_GROUPS);
		CHECK(m->n_cand <= SDP_MAX_CAND);
		for (unsigned k = 0; k < m->n_codecs; k++) {
			const struct sdp_codec *c = &m->codecs[k];
			STR_OK(c->name);
			STR_OK(c->fmtp);
			CHECK(c->pt <= 127 && c->n_params <= SDP_MAX_PARAMS);
			for (unsigned p = 0; p < c->n_params; p++)
				CHECK((size_t)c->params[p].key_off + c->params[p].key_len <=
				                strlen(c->fmtp) &&
				        (size_t)c->params[p].val_off + c->params[p].val_len <=
				                strlen(c->fmtp));
		}
		for (unsigned k = 0; k < m->n_extmap; k++)
			STR_OK(m->extmap[k].uri);
		for (unsigned k = 0; k < m->n_ssrc_groups; k++)
			CHECK(m->ssrc_groups[k].n > 0 && m->ssrc_groups[k].n <= SDP_MAX_GROUP_SSRC);
		for (unsigned k = 0; k < m->n_cand; k++)
			CHECK(m->cand[k].skip == SDP_CAND_OK && m->cand[k].component == 1 &&
			        (m->cand[k].addr.family == 4 || m->cand[k].addr.family == 6));
	}
}

static void
local_init(struct sdp_local *l)
{
	memset(l, 0, sizeof(*l));
	strcpy(l->ice_ufrag, "fuzzUfrag");
	strcpy(l->ice_pwd, "fuzzpasswordfuzzpassword");
	l->fp.alg = SDP_HASH_SHA256;
	l->fp.len = 32;
	l->n_addrs = 2;
	l->addrs[0] = (struct sdp_addr){4, {192, 0, 2, 1}};
	l->addrs[1] = (struct sdp_addr){6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	l->port = 443;
	l->sess_id = 1;
	l->sess_version = 2;
	l->audio = (struct sdp_local_track){1, 0, "c", "s", "a"};
	l->video = (struct sdp_local_track){2, 3, "c", "s", "v"};
}

static void
check_answer(const struct sdp_desc *d, enum sdp_answer_mode mode)
{
	static struct sdp_answer a;
	static struct sdp_desc back;
	static struct sdpfrag frag;
	static char text[65536];
	struct sdp_answer_error e;
	struct sdp_policy pol;
	struct sdp_local l;
	int len, rc;

	local_init(&l);
	sdp_policy_default(&pol, mode);
	pol.one_stream = mode == SDP_MODE_VOICE;
	rc = sdp_answer_create(&a, d, &pol, &l, &e);
	if (rc != 0) {
		CHECK(rc == e.code && e.reason[0] != '\0' && strpbrk(e.reason, "\r\n") == NULL);
		CHECK(strnlen(e.reason, sizeof(e.reason)) < sizeof(e.reason));
		CHECK(e.http_status == 422 || e.http_status == 500);
		CHECK(is_zero(&a, sizeof(a)));
		return;
	}
	len = sdp_answer_write(&a, text, sizeof(text));
	CHECK(len > 0 && (size_t)len == strlen(text));
	CHECK(sdp_desc_parse(&back, text, (size_t)len, NULL) == 0);
	CHECK(back.ice_lite && back.n_media == d->n_media);
	for (unsigned i = 0; i < d->n_media; i++) {
		CHECK(strcmp(back.media[i].mid, d->media[i].mid) == 0);
		CHECK(strcmp(back.media[i].media, d->media[i].media) == 0);
		if (!a.media[i].accepted) {
			CHECK(back.media[i].port == 0);
			continue;
		}
		CHECK(back.media[i].port == 443 && back.media[i].rtcp_mux);
		CHECK(back.media[i].n_codecs >= 1 &&
		        back.media[i].codecs[0].pt == a.media[i].codec.pt);
		CHECK(sdp_media_codec_find(&d->media[i], a.media[i].codec.pt) != NULL);
		CHECK(back.media[i].n_cand == 2 && back.media[i].end_of_candidates);
		CHECK(back.media[i].t.setup == a.setup);
	}
	len = sdp_answer_restart_write(&a, "newU", "newpasswordnewpassword", text, sizeof(text));
	CHECK(len > 0);
	CHECK(sdpfrag_parse(&frag, text, (size_t)len, NULL) == 0);
	CHECK(strcmp(sdpfrag_ufrag(&frag), "newU") == 0 && frag.ice_lite);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdp_desc d;
	struct sdp_error err;
	char *copy;
	int rc;

	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rc = sdp_desc_parse(&d, copy, size, &err);
	free(copy);
	if (rc != 0) {
		CHECK(rc < 0 && err.code == rc && err.what != NULL);
		CHECK(is_zero(&d, sizeof(d)));
		return 0;
	}
	check_desc(&d);
	check_answer(&d, SDP_MODE_WHIP);
	check_answer(&d, SDP_MODE_WHEP);
	check_answer(&d, SDP_MODE_VOICE);
	return 0;
}
