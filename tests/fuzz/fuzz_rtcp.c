/*
 * libFuzzer target: RTCP compound walk, every typed view, and the builders.
 * Invariants: the walk exposes only packets whose views then succeed (SR,
 * RR and their blocks, SDES items to the end, BYE, APP, feedback, NACK
 * expansion, FIR entries, transport-wide CC statuses exactly status_count
 * of them, REMB); a failing call leaves its packet zeroed and the error
 * sticks; packets tile the input in order; rtcp_compound_check() agrees
 * with the walk; a compound rebuilt from what was parsed walks cleanly;
 * nothing reads past the input (exact-size heap copy under ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_OUT_CAP 8192

/* Views of one exposed packet; adds what can be rebuilt to @b. */
static void
fuzz_rtcp_views(const struct rtcp_pkt *p, struct rtcp_builder *b)
{
	struct rtcp_report_block rb[RTCP_MAX_COUNT];
	struct rtcp_fb fb;
	int rc;

	switch (p->pt) {
	case RTCP_PT_SR: {
		struct rtcp_sr sr;
		if (rtcp_sr_parse(p, &sr) != RTCP_OK || sr.rc != p->count)
			abort();
		for (unsigned i = 0; i < sr.rc; i++)
			if (rtcp_report_block_get(sr.blocks, sr.rc, i, &rb[i]) != RTCP_OK)
				abort();
		rtcp_build_sr(
		        b, sr.ssrc, sr.ntp, sr.rtp_ts, sr.pkt_count, sr.octet_count, rb, sr.rc);
		break;
	}
	case RTCP_PT_RR: {
		struct rtcp_rr rr;
		if (rtcp_rr_parse(p, &rr) != RTCP_OK || rr.rc != p->count)
			abort();
		for (unsigned i = 0; i < rr.rc; i++)
			if (rtcp_report_block_get(rr.blocks, rr.rc, i, &rb[i]) != RTCP_OK)
				abort();
		rtcp_build_rr(b, rr.ssrc, rb, rr.rc);
		break;
	}
	case RTCP_PT_SDES: {
		struct rtcp_sdes_iter it;
		struct rtcp_sdes_item item;
		if (rtcp_sdes_iter_init(&it, p) != RTCP_OK)
			abort();
		while ((rc = rtcp_sdes_iter_next(&it, &item)) > 0) {
			if (item.data < p->buf || item.data + item.len > p->buf + p->len)
				abort();
			if (item.type == RTCP_SDES_CNAME && item.len > 0)
				rtcp_build_sdes_cname(b, item.ssrc, item.data, item.len);
		}
		if (rc != 0)
			abort();
		break;
	}
	case RTCP_PT_BYE: {
		struct rtcp_bye bye;
		uint32_t ssrcs[RTCP_MAX_COUNT];
		if (rtcp_bye_parse(p, &bye) != RTCP_OK || bye.sc != p->count)
			abort();
		if (bye.reason != NULL && bye.reason + bye.reason_len > p->buf + p->len)
			abort();
		for (unsigned i = 0; i < bye.sc; i++)
			ssrcs[i] = rtcp_bye_ssrc(&bye, i);
		rtcp_build_bye(b, ssrcs, bye.sc, bye.reason, bye.reason_len);
		break;
	}
	case RTCP_PT_APP: {
		struct rtcp_app app;
		if (rtcp_app_parse(p, &app) != RTCP_OK ||
		        app.data + app.data_len != p->buf + p->len)
			abort();
		break;
	}
	case RTCP_PT_RTPFB:
	case RTCP_PT_PSFB:
		if (rtcp_fb_parse(p, &fb) != RTCP_OK || fb.fci + fb.fci_len != p->buf + p->len)
			abort();
		if (fb.pt == RTCP_PT_RTPFB && fb.fmt == RTCP_RTPFB_NACK) {
			static uint16_t seqs[16384 * RTCP_NACK_MAX_PER_ITEM];
			unsigned items = rtcp_nack_count(&fb);
			rc = rtcp_nack_expand_all(&fb, seqs, sizeof(seqs) / sizeof(seqs[0]));
			if (items == 0 || rc < (int)items ||
			        rc > (int)items * RTCP_NACK_MAX_PER_ITEM)
				abort();
			rtcp_build_nack(b, fb.sender_ssrc, fb.media_ssrc, seqs, (size_t)rc);
		} else if (fb.pt == RTCP_PT_RTPFB && fb.fmt == RTCP_RTPFB_TWCC) {
			struct rtcp_twcc tw;
			struct rtcp_twcc_iter it;
			struct rtcp_twcc_pkt tp;
			unsigned n = 0;
			if (rtcp_twcc_parse(p, &tw) != RTCP_OK)
				abort();
			rtcp_twcc_iter_init(&it, &tw);
			while ((rc = rtcp_twcc_iter_next(&it, &tp)) > 0) {
				if (tp.seq != (uint16_t)(tw.base_seq + n) || tp.status > 2 ||
				        (tp.status == 0 && tp.delta != 0))
					abort();
				n++;
			}
			if (rc != 0 || n != tw.status_count || it.delta_off != tw.deltas_len)
				abort();
		} else if (fb.pt == RTCP_PT_PSFB && fb.fmt == RTCP_PSFB_PLI) {
			if (fb.fci_len != 0)
				abort();
			rtcp_build_pli(b, fb.sender_ssrc, fb.media_ssrc);
		} else if (fb.pt == RTCP_PT_PSFB && fb.fmt == RTCP_PSFB_FIR) {
			unsigned n = rtcp_fir_count(&fb);
			struct rtcp_fir_entry e[64];
			if (n == 0)
				abort();
			for (unsigned i = 0; i < n; i++)
				if (rtcp_fir_get(&fb, i, &e[i % 64]) != RTCP_OK)
					abort();
			rtcp_build_fir(b, fb.sender_ssrc, e, n < 64 ? n : 64);
		} else if (fb.pt == RTCP_PT_PSFB && fb.fmt == RTCP_PSFB_AFB) {
			struct rtcp_remb remb;
			uint32_t ssrcs[255];
			if (rtcp_remb_parse(p, &remb) == RTCP_OK) {
				for (unsigned i = 0; i < remb.n_ssrc; i++)
					ssrcs[i] = rtcp_remb_ssrc(&remb, i);
				rtcp_build_remb(
				        b, remb.sender_ssrc, remb.bitrate, ssrcs, remb.n_ssrc);
			} else if (fb.fci_len >= 4 && memcmp(fb.fci, "REMB", 4) == 0) {
				abort(); /* the walk let a bad REMB through */
			}
		}
		break;
	default:
		break;
	}
}

/* The compound rebuilt from the parsed views walks cleanly. */
static void
fuzz_rtcp_check_rebuilt(const uint8_t *out, int n)
{
	struct rtcp_iter it;
	struct rtcp_pkt p;
	int rc;

	if (n == RTCP_E_NOSPACE)
		return; /* a large input rebuilt into a bounded buffer */
	if (n < 0)
		abort();
	rtcp_iter_init(&it, out, (size_t)n);
	while ((rc = rtcp_iter_next(&it, &p)) > 0)
		;
	if (rc != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rtcp_pkt zero;
	static uint8_t out[FUZZ_OUT_CAP];
	struct rtcp_builder b;
	struct rtcp_iter it;
	struct rtcp_pkt p;
	size_t next = 0;
	unsigned count = 0, checked;
	uint8_t *copy;
	int rc, crc;

	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees overreads */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rtcp_build_begin(&b, out, sizeof(out));
	rtcp_iter_init(&it, copy, size);
	while ((rc = rtcp_iter_next(&it, &p)) > 0) {
		/* packets tile the input in order; padding only on the last */
		if (p.buf != copy + next || p.off != next || p.len < RTCP_HDR_LEN ||
		        (p.len + (size_t)p.pad_len) % 4 != 0 ||
		        (p.padding && next + p.len + p.pad_len != size) ||
		        (!p.padding && p.pad_len != 0))
			abort();
		next += p.len + (size_t)p.pad_len;
		count++;
		fuzz_rtcp_views(&p, &b);
	}
	if (rc < 0) {
		if (memcmp(&p, &zero, sizeof(p)) != 0 || rtcp_iter_next(&it, &p) != rc)
			abort();
	} else if (next != size) {
		abort();
	}
	crc = rtcp_compound_check(copy, size, 1, &checked);
	if (rc < 0 ? crc != rc
	           : (size == 0 ? crc != RTCP_E_SHORT : crc != RTCP_OK || checked != count))
		abort();
	if (rc == 0)
		fuzz_rtcp_check_rebuilt(out, rtcp_build_end(&b));
	free(copy);
	return 0;
}
