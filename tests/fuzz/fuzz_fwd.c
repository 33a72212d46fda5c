/*
 * libFuzzer target: the SFU's per-packet rewrites and readers (dataplane/fwd.c)
 * on one datagram, and its sequence map on a script read from the same bytes.
 * Invariants: a rewrite keeps the payload (what fwd_rtp_payload() finds) byte for
 * byte, clears X, sets our PT and SSRC, and never grows the packet; an RTX wrap
 * unwraps to the rewrite of the original when the original has no padding; the
 * NACK reader never returns more than its room; the sequence map's output for a
 * newer packet is always exactly one after the last when the source changes;
 * nothing reads past the input (exact-size heap copy under ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

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

	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, len);
	fuzz_rtp(copy, len);
	(void)fwd_rtcp_wants_keyframe(copy, len);
	if (fwd_rtcp_nack_seqs(copy, len, 0, seqs, FWD_NACK_MAX_SEQ) > FWD_NACK_MAX_SEQ ||
			fwd_rtcp_nack_seqs(copy, len, 0, seqs, 3) > 3)
		abort();
	free(copy);
	fuzz_seqmap(data, size);
	return 0;
}
