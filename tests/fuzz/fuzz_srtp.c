/*
 * libFuzzer target: SRTP/SRTCP unprotect (dataplane/proto/srtp.[ch]) on both
 * backends, with the keys of the libsrtp KATs (so the seeds, real protected
 * packets, are accepted and mutations of them explore the reject paths).
 *
 * Input: one flags octet, then up to 40 packets, each a 2-octet big-endian
 * length and that many octets (a short last one is cut to what is left).
 *   flags bit 0: AEAD_AES_128_GCM (else AES128_CM_SHA1_80)
 *         bit 1: SRTCP (else SRTP)
 *         bit 2: also protect each packet (outbound context, exactly
 *                SRTP_MAX_TRAILER octets of tailroom) and unprotect it back
 * Every packet sits in a heap block of exactly its size (ASan sees any read
 * past it). The ipsec-mb backend gets all packets as one burst, libsrtp one
 * at a time. Invariants: each result is a valid code; a length changes only
 * on SRTP_RES_OK and never grows on unprotect; whatever ipsec-mb accepts,
 * libsrtp accepts with the same bytes (the converse need not hold: ipsec-mb
 * bounds its SSRC table and is stricter behind forged packets in a burst);
 * a protect that succeeds unprotects back to the original.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srtp.h"

#define MAXP 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct srtp_backend *imb, *lib;
static struct srtp_engine *imb_e, *lib_e;

static const uint8_t cm_key[16] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3,
        0x2c, 0x06, 0xde, 0x41, 0x39};
static const uint8_t cm_salt[14] = {
        0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};
static const uint8_t gcm_key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
        0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t gcm_salt[12] = {
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};

static void
ctx_init(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e, int gcm,
        enum srtp_direction dir)
{
	struct srtp_params p = {
	        .profile = gcm ? SRTP_PROFILE_AEAD_AES_128_GCM : SRTP_PROFILE_AES128_CM_SHA1_80,
	        .dir = dir,
	};

	memcpy(p.master_key, gcm ? gcm_key : cm_key, 16);
	memcpy(p.master_salt, gcm ? gcm_salt : cm_salt, gcm ? 12 : 14);
	if (srtp_ctx_init(c, be, e, &p) != 0)
		abort();
}

static unsigned int
unprotect(struct srtp_engine *e, struct srtp_ctx *c, int rtcp, uint8_t *pkts[], uint16_t lens[],
        unsigned int n, uint8_t res[])
{
	return rtcp ? srtp_unprotect_rtcp_burst(e, c, pkts, lens, n, res)
	            : srtp_unprotect_burst(e, c, pkts, lens, n, res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct srtp_ctx ci, cl, co;
	uint8_t *a[MAXP], *b[MAXP];
	uint16_t la[MAXP], lb[MAXP], orig[MAXP];
	uint8_t ra[MAXP], rb[MAXP];
	unsigned int n = 0;
	size_t off = 1;
	int gcm, rtcp, prot;

	if (imb == NULL) {
		imb = srtp_backend_select("ipsec-mb", NULL, 0);
		lib = srtp_backend_select("libsrtp", NULL, 0);
		if (imb == NULL || lib == NULL)
			abort();
		imb_e = srtp_engine_create(imb);
		lib_e = srtp_engine_create(lib);
		if (imb_e == NULL || lib_e == NULL)
			abort();
	}
	if (size < 1)
		return 0;
	gcm = data[0] & 1;
	rtcp = !!(data[0] & 2);
	prot = !!(data[0] & 4);
	while (off + 2 <= size && n < MAXP) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		a[n] = malloc(len ? len : 1);
		b[n] = malloc(len ? len : 1);
		if (a[n] == NULL || b[n] == NULL)
			abort();
		memcpy(a[n], data + off, len);
		memcpy(b[n], data + off, len);
		la[n] = lb[n] = orig[n] = (uint16_t)len;
		off += len;
		n++;
	}

	ctx_init(&ci, imb, imb_e, gcm, SRTP_DIR_INBOUND);
	ctx_init(&cl, lib, lib_e, gcm, SRTP_DIR_INBOUND);
	unsigned int ok = unprotect(imb_e, &ci, rtcp, a, la, n, ra), seen = 0;
	for (unsigned int i = 0; i < n; i++)
		unprotect(lib_e, &cl, rtcp, &b[i], &lb[i], 1, &rb[i]);
	for (unsigned int i = 0; i < n; i++) {
		if (ra[i] >= SRTP_RES__COUNT || rb[i] >= SRTP_RES__COUNT)
			abort();
		if ((ra[i] != SRTP_RES_OK && la[i] != orig[i]) || la[i] > orig[i] ||
		        (rb[i] != SRTP_RES_OK && lb[i] != orig[i]) || lb[i] > orig[i])
			abort();
		if (ra[i] == SRTP_RES_OK) {
			seen++;
			if (rb[i] != SRTP_RES_OK || la[i] != lb[i] ||
			        memcmp(a[i], b[i], la[i]) != 0)
				abort();
		}
	}
	if (seen != ok)
		abort();
	srtp_ctx_clear(&ci);
	srtp_ctx_clear(&cl);

	if (prot) { /* the input packets as plaintext: protect, then unprotect back */
		uint8_t *u[MAXP];
		uint16_t lu[MAXP];
		unsigned int m = 0;

		ctx_init(&co, imb, imb_e, gcm, SRTP_DIR_OUTBOUND);
		ctx_init(&ci, imb, imb_e, gcm, SRTP_DIR_INBOUND);
		for (unsigned int i = 0; i < n; i++) {
			free(a[i]);
			a[i] = malloc(
			        (size_t)orig[i] + SRTP_MAX_TRAILER); /* exactly the room promised */
			if (a[i] == NULL)
				abort();
			la[i] = orig[i];
		}
		off = 1;
		for (unsigned int i = 0; i < n;
		        i++) { /* b[] was unprotected: take the input again */
			off += 2;
			memcpy(a[i], data + off, orig[i]);
			memcpy(b[i], data + off, orig[i]);
			off += orig[i];
		}
		ok = rtcp ? srtp_protect_rtcp_burst(imb_e, &co, a, la, n, ra)
		          : srtp_protect_burst(imb_e, &co, a, la, n, ra);
		for (unsigned int i = 0; i < n; i++) {
			if (ra[i] >= SRTP_RES__COUNT ||
			        (ra[i] != SRTP_RES_OK && la[i] != orig[i]) ||
			        la[i] > orig[i] + SRTP_MAX_TRAILER)
				abort();
			if (ra[i] == SRTP_RES_OK) {
				u[m] = a[i];
				lu[m++] = la[i];
			}
		}
		if (m != ok || unprotect(imb_e, &ci, rtcp, u, lu, m, rb) != m)
			abort();
		for (unsigned int i = 0, k = 0; i < n; i++) {
			if (ra[i] != SRTP_RES_OK)
				continue;
			if (lu[k] != orig[i] || memcmp(u[k], b[i], orig[i]) != 0)
				abort();
			k++;
		}
		srtp_ctx_clear(&co);
		srtp_ctx_clear(&ci);
	}
	for (unsigned int i = 0; i < n; i++) {
		free(a[i]);
		free(b[i]);
	}
	return 0;
}
