/*
 * libFuzzer target: the SFU's per-packet rewrites and readers (dataplane/fwd.c)
 * on one datagram, and its sequence map on a script read from the same bytes.
 * Invariants: a rewrite keeps the payload (what fwd_rtp_payload() finds) byte for
 * byte, clears X, sets our PT and SSRC, and never grows the packet; an RTX wrap
 * unwraps to the rewrite of the original when the original has no padding; the
 * NACK reader never returns more than its room; the sequence map's output for a
 * newer packet is always exactly one after the last when the source changes;
 * nothing reads past the input (exact-size heap copy under ASan).
 * Header extension remap (the datagram after 16 bytes that make a publisher's
 * and a viewer's maps): it succeeds whenever the plain rewrite does, is at most
 * FWD_EXT_GROW longer than the input, keeps the payload byte for byte, and what
 * it writes parses (rtp.c) as an RFC 8285 block (32-bit aligned; two-byte only
 * if the viewer allows mixed) holding only the viewer's ids, each once, the mid
 * being the viewer's; its RTX wrap unwraps to it. The in-place remap gives the
 * same length, bytes and counts as the copying one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"
#include "rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_rtp(const uint8_t *in, uint16_t len)
{
	uint8_t out[2048], rtx[2100], back[2100];
	uint16_t n, off, plen, off2, plen2, r, b;

	n = fwd_rtp_rewrite(in, len, out, sizeof(out), 100, 0x01020304);
	if (n == 0)
		return;
	if (n > len || (out[0] & 0x10) || (out[1] & 0x7f) != 100 || fwd_rtp_ssrc(out, n) != 0x01020304)
		abort();
	if (fwd_rtp_payload(in, len, &off, &plen) == 0) {
		if (fwd_rtp_payload(out, n, &off2, &plen2) != 0 || plen2 != plen ||
				memcmp(out + off2, in + off, plen) != 0)
			abort();
	}
	if (in[0] & 0x20)
		return; /* the RTX wrap drops padding: no round trip to compare */
	r = fwd_rtx_wrap(in, len, rtx, sizeof(rtx), 97, 0x0a0b0c0d, 7);
	if (r == 0)
		return;
	b = fwd_rtx_unwrap(rtx, r, back, sizeof(back), 100, 0x01020304);
	if (b != n || memcmp(back, out, n) != 0)
		abort();
}

/* An id from a config byte: mostly small (one-byte ids, collisions), sometimes any. */
static uint8_t
cfg_id(uint8_t b)
{
	return (b & 0x80) ? b : (uint8_t)(b % 17);
}

/*
 * The in-place remap, in an exact-size heap buffer of the room the worker
 * gives it (the packet + FWD_EXT_GROW), against the copying one with the same
 * room: the same length, bytes and counts.
 */
static void
remap_inplace_same(const uint8_t *in, uint16_t len, const struct fwd_extmap *from,
		const struct fwd_extmap *to)
{
	uint16_t cap = (uint16_t)(len + FWD_EXT_GROW), n, m;
	struct fwd_ext_count c0 = {0, 0, 0}, c1 = {0, 0, 0};
	uint8_t *out = malloc(cap), *buf = malloc(cap);

	if (out == NULL || buf == NULL)
		abort();
	memcpy(buf, in, len);
	n = fwd_rtp_remap(in, len, out, cap, 100, 0x01020304, from, to, &c0);
	m = fwd_rtp_remap_inplace(buf, len, cap, 100, 0x01020304, from, to, &c1);
	if (m != n || memcmp(buf, out, n) != 0 || memcmp(&c0, &c1, sizeof(c0)) != 0)
		abort();
	free(out);
	free(buf);
}

static void
fuzz_remap(const uint8_t cfg[16], const uint8_t *in, uint16_t len)
{
	uint8_t out[2048], plain[2048], rtx[2100], back[2100];
	struct fwd_extmap from, to;
	struct fwd_ext_count c = {0, 0, 0};
	struct rtp_pkt p;
	uint16_t n, r, b, off, plen, off2, plen2;
	unsigned seen = 0;

	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	for (unsigned k = 0; k < FWD_EXT_COUNT; k++) {
		from.id[k] = cfg_id(cfg[k]);
		to.id[k] = cfg_id(cfg[6 + k]);
	}
	to.mixed = cfg[12] & 1;
	to.mid_len = (uint8_t)((cfg[12] >> 1) % (FWD_MID_MAX + 1));
	for (unsigned i = 0; i < to.mid_len; i++)
		to.mid[i] = (char)('a' + (cfg[13 + i % 3] + i) % 26);
	/* a map never names one id twice: the SDP parser refuses that in a section */
	for (unsigned k = 0; k < FWD_EXT_COUNT; k++)
		for (unsigned j = 0; j < k; j++) {
			if (from.id[j] == from.id[k])
				from.id[k] = 0;
			if (to.id[j] == to.id[k])
				to.id[k] = 0;
		}
	if (cfg[15] & 1) /* the common case: the viewer's ids are the publisher's */
		memcpy(to.id, from.id, sizeof(to.id));
	n = fwd_rtp_remap(in, len, out, sizeof(out), 100, 0x01020304, &from, &to, &c);
	remap_inplace_same(in, len, &from, &to);
	r = fwd_rtp_rewrite(in, len, plain, sizeof(plain), 100, 0x01020304);
	if ((n == 0) != (r == 0))
		abort();
	if (n == 0)
		return;
	if (n > len + FWD_EXT_GROW || (out[1] & 0x7f) != 100 || fwd_rtp_ssrc(out, n) != 0x01020304)
		abort();
	if (!(out[0] & 0x10) && (n != r || memcmp(out, plain, n) != 0))
		abort(); /* nothing kept: exactly the plain rewrite */
	if (fwd_rtp_payload(in, len, &off, &plen) == 0) {
		if (fwd_rtp_payload(out, n, &off2, &plen2) != 0 || plen2 != plen ||
				memcmp(out + off2, in + off, plen) != 0)
			abort();
		if (rtp_pkt_parse(&p, out, n) != RTP_OK)
			abort();
		if (out[0] & 0x10) {
			if (p.ext_len % 4 != 0 || p.n_ext == 0 || p.n_ext > FWD_EXT_COUNT ||
					(p.flags & RTP_F_EXT_MORE) ||
					(p.ext_form != RTP_EXT_ONE_BYTE &&
							(p.ext_form != RTP_EXT_TWO_BYTE || !to.mixed)))
				abort();
			for (unsigned i = 0; i < p.n_ext; i++) {
				unsigned k;
				for (k = 0; k < FWD_EXT_COUNT && to.id[k] != p.ext[i].id; k++)
					;
				if (k == FWD_EXT_COUNT || (seen & (1u << k)))
					abort(); /* not the viewer's, or twice */
				seen |= 1u << k;
				if (k == FWD_EXT_MID && (p.ext[i].len != to.mid_len ||
								memcmp(out + p.ext[i].off, to.mid,
										to.mid_len) != 0))
					abort();
			}
		}
	}
	if (in[0] & 0x20)
		return; /* the RTX wrap drops padding */
	r = fwd_rtx_wrap_ext(in, len, rtx, sizeof(rtx), 97, 0x0a0b0c0d, 7, &from, &to, &c);
	if (r == 0)
		abort(); /* room enough */
	b = fwd_rtx_unwrap(rtx, r, back, sizeof(back), 100, 0x01020304);
	if (b != n || memcmp(back, out, n) != 0)
		abort();
}

/* Records of 10 bytes: ssrc (1 byte: few sources), seq (2), ts (4), clock step (3). */
static void
fuzz_seqmap(const uint8_t *d, size_t size)
{
	struct fwd_seqmap m;
	uint64_t now = 0;

	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i + 10 <= size; i += 10) {
		uint32_t ssrc = d[i] & 3;
		uint16_t seq = (uint16_t)(d[i + 1] << 8 | d[i + 2]);
		uint32_t ts = (uint32_t)d[i + 3] << 24 | (uint32_t)d[i + 4] << 16 |
			      (uint32_t)d[i + 5] << 8 | d[i + 6];
		int switched = m.on && ssrc != m.src;
		uint16_t before = m.last_seq;
		now += (uint32_t)d[i + 7] << 16 | (uint32_t)d[i + 8] << 8 | d[i + 9];
		fwd_seqmap_next(&m, ssrc, seq, ts, d[i] & 4 ? 48000 : 0, now);
		if (m.src != ssrc)
			abort();
		if (switched && ((uint16_t)(seq + m.seq_add) != (uint16_t)(before + 1) ||
					m.last_seq != (uint16_t)(before + 1)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	uint16_t seqs[FWD_NACK_MAX_SEQ];
	uint16_t len = size > 1500 ? 1500 : (uint16_t)size;

	copy = calloc(1, len ? len : 1); /* calloc: nothing uninitialised when len is 0 */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, len);
	fuzz_rtp(copy, len);
	if (len > 16) {
		/* an exact-size copy of the packet part too, for ASan */
		uint8_t *pk = malloc((size_t)len - 16);
		if (pk != NULL) {
			memcpy(pk, copy + 16, (size_t)len - 16);
			fuzz_remap(copy, pk, (uint16_t)(len - 16));
			free(pk);
		}
	}
	(void)fwd_rtcp_wants_keyframe(copy, len);
	if (fwd_rtcp_nack_seqs(copy, len, 0, seqs, FWD_NACK_MAX_SEQ) > FWD_NACK_MAX_SEQ ||
			fwd_rtcp_nack_seqs(copy, len, 0, seqs, 3) > 3)
		abort();
	free(copy);
	fuzz_seqmap(data, size);
	return 0;
}
