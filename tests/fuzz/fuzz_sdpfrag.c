/*
 * libFuzzer target: trickle-ice-sdpfrag parse (ctrlplane/sdpfrag.c, RFC
 * 8840), then a restart response built from what was parsed, parsed back.
 * Invariants: a parse succeeds whole or leaves the output zeroed with an
 * error line and text; strings are NUL-terminated inside their arrays,
 * counts inside their bounds, only usable candidates kept; the restart
 * fragment parses back with the same credentials, mid and candidates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	static const struct sdpfrag zero;
	const unsigned char *b = p;

	for (size_t off = 0; off < n; off += sizeof(zero)) {
		size_t k = n - off < sizeof(zero) ? n - off : sizeof(zero);
		if (memcmp(b + off, &zero, k) != 0)
			return 0;
	}
	return 1;
}

static void
check_media(const struct sdpfrag_media *m)
{
	STR_OK(m->media);
	STR_OK(m->proto);
	STR_OK(m->mid);
	STR_OK(m->ice_ufrag);
	STR_OK(m->ice_pwd);
	CHECK(m->n_cand <= SDP_MAX_CAND);
	for (unsigned k = 0; k < m->n_cand; k++) {
		STR_OK(m->cand[k].foundation);
		CHECK(m->cand[k].skip == SDP_CAND_OK && m->cand[k].component == 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdpfrag f, back;
	static char text[8192];
	struct sdp_addr addrs[2] = {{4, {192, 0, 2, 1}}, {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}}};
	struct sdpfrag_restart r;
	struct sdp_error err;
	const char *ufrag, *pwd;
	char *copy;
	size_t ul, pl;
	int rc, len;

	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rc = sdpfrag_parse(&f, copy, size, &err);
	free(copy);
	if (rc != 0) {
		CHECK(rc < 0 && err.code == rc && err.what != NULL);
		CHECK(is_zero(&f, sizeof(f)));
		return 0;
	}
	STR_OK(f.ice_ufrag);
	STR_OK(f.ice_pwd);
	CHECK(f.n_media <= SDP_MAX_MEDIA);
	check_media(&f.loose);
	for (unsigned i = 0; i < f.n_media; i++)
		check_media(&f.media[i]);

	/* answer a restart with the credentials we were given, when they would do */
	ufrag = sdpfrag_ufrag(&f);
	pwd = sdpfrag_pwd(&f);
	ul = strlen(ufrag);
	pl = strlen(pwd);
	memset(&r, 0, sizeof(r));
	r.ufrag = ufrag;
	r.pwd = pwd;
	r.ice_lite = 1;
	r.media = f.n_media ? f.media[0].media : "audio";
	r.proto = f.n_media ? f.media[0].proto : "UDP/TLS/RTP/SAVPF";
	r.fmt = "111";
	r.mid = f.n_media ? f.media[0].mid : NULL;
	r.addrs = addrs;
	r.n_addrs = 2;
	r.port = 443;
	len = sdpfrag_restart_write(&r, text, sizeof(text));
	if (ul < 4 || pl < 22) {
		CHECK(len == SDP_E_VALUE);
		return 0;
	}
	CHECK(len > 0 && (size_t)len == strlen(text));
	CHECK(sdpfrag_parse(&back, text, (size_t)len, NULL) == 0);
	CHECK(strcmp(sdpfrag_ufrag(&back), ufrag) == 0 && strcmp(sdpfrag_pwd(&back), pwd) == 0);
	CHECK(back.n_media == 1 && back.media[0].n_cand == 2 && back.media[0].end_of_candidates);
	CHECK(strcmp(back.media[0].mid, f.n_media ? f.media[0].mid : "") == 0);
	return 0;
}
