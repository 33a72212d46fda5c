/*
 * libFuzzer target: RTP parse (RFC 3550 §5.1, RFC 8285 extensions), the
 * extension decoders, the in-place rewrites and the builder.
 * Invariants: a parse succeeds whole or leaves the packet zeroed; header,
 * CSRCs, extension block, payload and padding tile the datagram exactly;
 * every element lies inside the block and is found by its id; a rebuild of
 * the header, CSRCs and elements parses back to the same values; in-place
 * rewrites keep the packet parseable with the same layout; nothing reads
 * past the input (exact-size heap copy under ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_rtp_check_layout(const struct rtp_pkt *p, size_t size)
{
	size_t hdr = RTP_HDR_LEN + 4u * p->cc;

	if (p->len != size || p->cc > RTP_MAX_CSRC || p->n_ext > RTP_EXT_MAX)
		abort();
	if (p->flags & RTP_F_EXT) {
		if (p->ext_off != hdr + RTP_EXT_HDR_LEN || p->ext_len % 4 != 0)
			abort();
		hdr = (size_t)p->ext_off + p->ext_len;
	} else if (p->ext_off != 0 || p->ext_len != 0 || p->n_ext != 0) {
		abort();
	}
	if (p->payload_off != hdr || (size_t)p->payload_off + p->payload_len + p->pad_len != size)
		abort();
	if (((p->flags & RTP_F_PADDING) != 0) != (p->pad_len != 0))
		abort();
	for (unsigned i = 0; i < p->n_ext; i++) {
		const struct rtp_ext *e = &p->ext[i];
		struct rtp_ext f;
		if (e->id == 0 || e->off < p->ext_off ||
		        (size_t)e->off + e->len > (size_t)p->ext_off + p->ext_len)
			abort();
		if (p->ext_form == RTP_EXT_ONE_BYTE &&
		        (e->id > RTP_EXT_ONE_BYTE_MAX_ID || e->len == 0 || e->len > 16))
			abort();
		/* find returns the first element with that id */
		if (rtp_pkt_ext_find(p, e->id, &f) != RTP_OK || f.off > e->off)
			abort();
	}
}

static void
fuzz_rtp_decoders(const struct rtp_pkt *p)
{
	for (unsigned i = 0; i < p->n_ext; i++) {
		const struct rtp_ext *e = &p->ext[i];
		const uint8_t *mid;
		uint8_t mid_len, level;
		uint32_t t24 = 0;
		uint16_t seq;
		int voice;

		if (rtp_ext_mid(p, e, &mid, &mid_len) == RTP_OK &&
		        (mid != p->buf + e->off || mid_len != e->len))
			abort();
		if ((rtp_ext_abs_send_time(p, e, &t24) == RTP_OK) != (e->len == 3) ||
		        t24 > 0xffffff)
			abort();
		if ((rtp_ext_twcc_seq(p, e, &seq) == RTP_OK) != (e->len == 2))
			abort();
		if ((rtp_ext_audio_level(p, e, &voice, &level) == RTP_OK) != (e->len == 1))
			abort();
		if (e->len == 3 && rtp_abs_send_time_to_us(t24) >= 64000000u)
			abort();
	}
}

/* Header, CSRCs and the element table rebuilt; it must parse back the same. */
static void
fuzz_rtp_rebuild(const struct rtp_pkt *p)
{
	uint8_t out[4352]; /* 12 + 60 + 4 + 16 elements of up to 257 bytes */
	struct rtp_builder b;
	struct rtp_pkt q;
	int n;

	if (p->flags & (RTP_F_EXT_MORE | RTP_F_EXT_STOPPED))
		return;
	rtp_build_begin(&b, out, sizeof(out), p->pt, (p->flags & RTP_F_MARKER) != 0, p->seq, p->ts,
	        p->ssrc);
	for (unsigned i = 0; i < p->cc; i++)
		rtp_build_csrc(&b, rtp_pkt_csrc(p, i));
	if (p->n_ext > 0) {
		rtp_build_ext_begin(&b, p->ext_form == RTP_EXT_TWO_BYTE);
		for (unsigned i = 0; i < p->n_ext; i++)
			rtp_build_ext(&b, p->ext[i].id, p->buf + p->ext[i].off, p->ext[i].len);
	}
	n = rtp_build_end(&b);
	if (n < 0)
		abort(); /* everything parsed fits the form it came in */
	if (rtp_pkt_parse(&q, out, (size_t)n) != RTP_OK)
		abort();
	if (q.pt != p->pt || q.seq != p->seq || q.ts != p->ts || q.ssrc != p->ssrc ||
	        q.cc != p->cc || q.n_ext != p->n_ext || q.payload_len != 0 ||
	        (q.flags & RTP_F_MARKER) != (p->flags & RTP_F_MARKER))
		abort();
	for (unsigned i = 0; i < p->cc; i++)
		if (rtp_pkt_csrc(&q, i) != rtp_pkt_csrc(p, i))
			abort();
	for (unsigned i = 0; i < q.n_ext; i++)
		if (q.ext[i].id != p->ext[i].id || q.ext[i].len != p->ext[i].len ||
		        memcmp(q.buf + q.ext[i].off, p->buf + p->ext[i].off, q.ext[i].len) != 0)
			abort();
}

/* In-place rewrites on the mutable copy keep the layout. */
static void
fuzz_rtp_rewrite(uint8_t *buf, size_t size, const struct rtp_pkt *p0)
{
	struct rtp_pkt p = *p0, q;
	uint16_t nseq = (uint16_t)(p.seq ^ 0xffffu);
	uint8_t id, len;

	rtp_hdr_set_seq(buf, nseq);
	rtp_hdr_set_ts(buf, ~p.ts);
	rtp_hdr_set_ssrc(buf, ~p.ssrc);
	rtp_hdr_set_pt(buf, (uint8_t)(p.pt ^ 0x55));
	rtp_hdr_set_marker(buf, !(p.flags & RTP_F_MARKER));
	if (rtp_pkt_parse(&q, buf, size) != RTP_OK || q.seq != nseq || q.ts != ~p.ts ||
	        q.ssrc != ~p.ssrc || q.pt != ((p.pt ^ 0x55) & 0x7f) ||
	        (q.flags & RTP_F_MARKER) == (p.flags & RTP_F_MARKER) ||
	        q.payload_off != p.payload_off || q.n_ext != p.n_ext)
		abort();
	if (p.n_ext == 0 || (p.flags & RTP_F_EXT_MORE))
		return;
	p = q;
	id = p.ext[0].id;
	len = p.ext[0].len;
	/* the same bytes back, then another id, then the element gone */
	if (rtp_pkt_ext_write(buf, &p, id, buf + p.ext[0].off, len) != RTP_OK)
		abort();
	if (rtp_pkt_ext_set_id(buf, &p, id, id) != RTP_OK)
		abort();
	if (rtp_pkt_ext_clear(buf, &p, id) != RTP_OK)
		abort();
	if (rtp_pkt_parse(&q, buf, size) != RTP_OK || q.payload_off != p.payload_off ||
	        q.n_ext + 1u != p.n_ext)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rtp_pkt zero;
	struct rtp_pkt p;
	uint8_t *copy;
	int rc;

	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rc = rtp_pkt_parse(&p, copy, size);
	if (rc != RTP_OK) {
		if (memcmp(&p, &zero, sizeof(p)) != 0 || rc >= 0)
			abort();
		free(copy);
		return 0;
	}
	fuzz_rtp_check_layout(&p, size);
	fuzz_rtp_decoders(&p);
	fuzz_rtp_rebuild(&p);
	fuzz_rtp_rewrite(copy, size, &p);
	free(copy);
	return 0;
}
