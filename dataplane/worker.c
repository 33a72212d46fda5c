/* The worker poll loop (see worker.h); shape of DPDK's l3fwd / ipsec-secgw loops. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dpmsg.h"
#include "fwd.h"
#include "rtcp.h"
#include "tap_ring.h"
#include "log.h"
#include "pkt.h"
#include "steer.h"
#include "worker.h"

#define TX_DRAIN_US 100

int
worker_setup(struct dp *dp, const unsigned *lcores, uint16_t n_rxq, uint16_t n_txq,
		const struct worker_sess_params *sp, char *err, size_t errlen)
{
	dp->workers = rte_zmalloc("rtc_workers", sizeof(struct worker) * dp->n_workers,
			RTE_CACHE_LINE_SIZE);
	if (dp->workers == NULL) {
		snprintf(err, errlen, "no memory for %u workers", dp->n_workers);
		return -ENOMEM;
	}
	dp->tx_drain_tsc = rte_get_tsc_hz() / 1000000 * TX_DRAIN_US;
	if (dp->n_workers >= 2) {
		/* the stream directory the workers share (wsess.h) */
		dp->viewer_mask = rte_zmalloc("rtc_viewer_mask", sizeof(uint64_t) * sp->streams,
				RTE_CACHE_LINE_SIZE);
		dp->pub_worker = rte_zmalloc("rtc_pub_worker", sizeof(uint16_t) * sp->streams,
				RTE_CACHE_LINE_SIZE);
		if (dp->viewer_mask == NULL || dp->pub_worker == NULL) {
			snprintf(err, errlen, "no memory for the stream directory");
			worker_teardown(dp);
			return -ENOMEM;
		}
	}
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		struct worker *w = &dp->workers[i];
		char name[RTE_RING_NAMESIZE];
		int sock = (int)rte_lcore_to_socket_id(lcores[i]);

		w->lcore = lcores[i];
		w->idx = i;
		w->tap = sp->taps != NULL ? sp->taps[i] : NULL;
		w->rxq = i < n_rxq ? i : -1;
		w->txq = i < n_txq ? i : -1;
		neigh_init(&w->neigh);
		snprintf(name, sizeof(name), "rtc_handoff_%u", i);
		w->handoff = rte_ring_create(name, WORKER_RING_SIZE, sock, RING_F_SC_DEQ);
		if (w->handoff == NULL)
			goto err_ring;
		if (w->txq >= 0 && n_txq < dp->n_workers) {
			snprintf(name, sizeof(name), "rtc_txring_%u", i);
			w->txring = rte_ring_create(name, WORKER_RING_SIZE, sock, RING_F_SC_DEQ);
			if (w->txring == NULL)
				goto err_ring;
		}
		snprintf(name, sizeof(name), "rtc_cmd_%u", i);
		w->cmd_ring = rte_ring_create_elem(name, sizeof(struct dpmsg_cmd), DPMSG_RING_SIZE,
				sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rtc_ev_%u", i);
		w->ev_ring = rte_ring_create_elem(name, sizeof(struct dpmsg_event), DPMSG_RING_SIZE,
				sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rtc_dtlsup_%u", i);
		w->dtls_up = rte_ring_create(name, DPMSG_RING_SIZE, sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rtc_dtlsdn_%u", i);
		w->dtls_down = rte_ring_create(name, DPMSG_RING_SIZE, sock,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rtc_announce_%u", i);
		w->announce = dp->n_workers < 2 ? NULL
						: rte_ring_create_elem(name,
								  sizeof(struct wsess_announce),
								  DPMSG_RING_SIZE, sock, RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rtc_relay_%u", i);
		w->relay = dp->n_workers < 2 ? NULL
					     : rte_ring_create(name, WORKER_RELAY_RING, sock,
							       RING_F_SC_DEQ);
		if (w->cmd_ring == NULL || w->ev_ring == NULL || w->dtls_up == NULL ||
				w->dtls_down == NULL ||
				(dp->n_workers >= 2 && (w->announce == NULL || w->relay == NULL)))
			goto err_ring;
		if (sp->srtp_be != NULL && (w->srtp_eng = srtp_engine_create(sp->srtp_be)) == NULL) {
			snprintf(err, errlen, "no memory for worker %u's SRTP engine", i);
			worker_teardown(dp);
			return -ENOMEM;
		}
		{
			uint32_t nflows = 1;
			struct wsess *slots;
			struct flowtab_entry *flows;
			while (nflows < sp->slots * 2)
				nflows <<= 1;
			slots = rte_zmalloc_socket("rtc_wsess", sizeof(struct wsess) * sp->slots,
					RTE_CACHE_LINE_SIZE, sock);
			flows = rte_zmalloc_socket("rtc_flows", sizeof(struct flowtab_entry) * nflows,
					RTE_CACHE_LINE_SIZE, sock);
			if (slots == NULL || flows == NULL) {
				rte_free(slots);
				rte_free(flows);
				snprintf(err, errlen, "no memory for %u sessions on worker %u (%zu bytes; "
						      "lower session.max or give EAL more memory, -m)",
						sp->slots, i, sizeof(struct wsess) * sp->slots);
				worker_teardown(dp);
				return -ENOMEM;
			}
			wsess_table_init(&w->sess, slots, sp->slots, flows, nflows, i, sp->node,
					sp->keys, sp->nkeys, sp->srtp_be, w->srtp_eng);
			if (sp->streams != 0) {
				struct wstream *st = rte_zmalloc_socket("rtc_streams",
						sizeof(*st) * sp->streams, RTE_CACHE_LINE_SIZE, sock);
				if (st == NULL) {
					snprintf(err, errlen, "no memory for %u streams on worker %u",
							sp->streams, i);
					worker_teardown(dp);
					return -ENOMEM;
				}
				wsess_table_streams(&w->sess, st, sp->streams);
			}
			{
				uint32_t nr = sp->slots < WORKER_RTX_BUFS ? sp->slots : WORKER_RTX_BUFS;
				struct wsess_rtxbuf *rb = rte_zmalloc_socket("rtc_rtxbuf",
						sizeof(*rb) * nr, RTE_CACHE_LINE_SIZE, sock);
				int32_t *rf = rte_zmalloc_socket("rtc_rtxfree", sizeof(*rf) * nr, 0,
						sock);
				if (rb == NULL || rf == NULL) {
					rte_free(rb);
					rte_free(rf);
					snprintf(err, errlen, "no memory for worker %u's retransmission "
							      "buffers",
							i);
					worker_teardown(dp);
					return -ENOMEM;
				}
				wsess_table_rtx(&w->sess, rb, rf, nr);
			}
			if (dp->n_workers >= 2) {
				/* the other workers' flows: up to every session of the node */
				uint32_t nf = 1;
				struct flowtab_entry *ff;
				while (nf < sp->streams * 2 || nf < nflows)
					nf <<= 1;
				ff = rte_zmalloc_socket("rtc_foreign", sizeof(*ff) * nf,
						RTE_CACHE_LINE_SIZE, sock);
				if (ff == NULL) {
					snprintf(err, errlen, "no memory for worker %u's flow directory",
							i);
					worker_teardown(dp);
					return -ENOMEM;
				}
				wsess_table_foreign(&w->sess, ff, nf);
				w->sess.viewer_mask = dp->viewer_mask;
				w->sess.pub_worker = dp->pub_worker;
			}
		}
	}
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		struct worker *w = &dp->workers[i];
		if (w->txq < 0)
			w->tx_via = dp->workers[i % n_txq].txring;
	}
	return 0;

err_ring:
	snprintf(err, errlen, "worker ring: %s", rte_strerror(rte_errno));
	worker_teardown(dp);
	return -ENOMEM;
}

void
worker_teardown(struct dp *dp)
{
	rte_free(dp->viewer_mask);
	rte_free(dp->pub_worker);
	dp->viewer_mask = NULL;
	dp->pub_worker = NULL;
	if (dp->workers == NULL)
		return;
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		struct worker *w = &dp->workers[i];
		struct rte_mbuf *m;
		while (w->handoff && rte_ring_dequeue(w->handoff, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (w->txring && rte_ring_dequeue(w->txring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->handoff);
		rte_ring_free(w->txring);
		rte_ring_free(w->cmd_ring);
		rte_ring_free(w->ev_ring);
		while (w->dtls_up && rte_ring_dequeue(w->dtls_up, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (w->dtls_down && rte_ring_dequeue(w->dtls_down, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->dtls_up);
		rte_ring_free(w->dtls_down);
		rte_ring_free(w->announce);
		while (w->relay && rte_ring_dequeue(w->relay, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->relay);
		if (w->sess.s != NULL) {
			/* ICE passwords, SRTP keys */
			memset(w->sess.s, 0, sizeof(struct wsess) * w->sess.cap);
			rte_free(w->sess.s);
			rte_free(w->sess.flows.e);
			rte_free(w->sess.streams);
			rte_free(w->sess.foreign.e);
			rte_free(w->sess.rtx);
			rte_free(w->sess.rtx_free);
		}
		if (w->srtp_eng != NULL)
			srtp_engine_free(w->sess.srtp_be, w->srtp_eng);
		rte_pktmbuf_free_bulk(w->tx_buf, w->tx_n);
	}
	rte_free(dp->workers);
	dp->workers = NULL;
}

void
worker_stats_total(const struct dp *dp, struct rtc_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (uint16_t i = 0; i < dp->n_workers; i++)
		rtc_stats_add(sum, &dp->workers[i].stats);
}

/* Count what the port accepted; free (and count) what it did not. */
static void
worker_tx_account(struct worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t sent)
{
	for (uint16_t i = 0; i < sent; i++)
		w->stats.v[RTC_STAT_tx_bytes] += pkts[i]->pkt_len;
	w->stats.v[RTC_STAT_tx_packets] += sent;
	if (sent < n) {
		w->stats.v[RTC_DROP_tx_full] += n - sent;
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
}

static void
worker_tx_flush(const struct dp *dp, struct worker *w)
{
	uint16_t sent;

	if (w->tx_n == 0)
		return;
	if (w->txq >= 0) {
		sent = rte_eth_tx_burst(dp->port_id, (uint16_t)w->txq, w->tx_buf, w->tx_n);
		worker_tx_account(w, w->tx_buf, w->tx_n, sent);
	} else {
		/* the worker owning the TX queue sends and counts them */
		sent = (uint16_t)rte_ring_enqueue_burst(w->tx_via, (void **)w->tx_buf, w->tx_n,
				NULL);
		w->stats.v[RTC_STAT_txring_out] += sent;
		if (sent < w->tx_n) {
			w->stats.v[RTC_DROP_tx_full] += w->tx_n - sent;
			rte_pktmbuf_free_bulk(&w->tx_buf[sent], w->tx_n - sent);
		}
	}
	w->tx_n = 0;
}

static inline void
worker_tx(const struct dp *dp, struct worker *w, struct rte_mbuf *m)
{
	w->tx_buf[w->tx_n++] = m;
	if (w->tx_n == WORKER_BURST)
		worker_tx_flush(dp, w);
}

/* Session events to the control lcore; a full ring loses them (counted). */
static void
worker_send_events(struct worker *w, const struct dpmsg_event *ev, unsigned n)
{
	unsigned sent;

	if (n == 0)
		return;
	sent = rte_ring_enqueue_burst_elem(w->ev_ring, ev, sizeof(*ev), n, NULL);
	w->stats.v[RTC_STAT_sess_events] += sent;
	w->stats.v[RTC_STAT_sess_events_lost] += n - sent;
}

/* Where the receiving worker leaves the frame's metadata for the owner: the mbuf's headroom. */
#define MEDIA_META_ROOM RTE_ALIGN_CEIL(sizeof(struct pkt_media), 8)

static inline struct pkt_media *
worker_meta_slot(struct rte_mbuf *m)
{
	return (struct pkt_media *)(rte_pktmbuf_mtod(m, uint8_t *) - MEDIA_META_ROOM);
}

static int worker_handoff(const struct dp *dp, struct worker *w, struct rte_mbuf *m,
		unsigned owner);

/*
 * A new frame to @v's selected pair: @rtp[0..len) rewritten for it (PT @pt,
 * SSRC @ssrc, header extensions from @from's ids to @to's, none if either is
 * NULL; @pt < 0: as it is), protected with @v's outbound SRTP (or, with
 * @rtcp, SRTCP) context, framed and queued for TX. 0, or -1 (counted).
 */
static int
worker_send_srtp_ext(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *v, int rtcp, const uint8_t *rtp, uint16_t len, int pt, uint32_t ssrc,
		uint16_t seq_add, uint32_t ts_add, const struct fwd_extmap *from,
		const struct fwd_extmap *to)
{
	struct rte_mbuf *m;
	uint16_t hlen = pkt_udp_headers_len(v->flow.family, v->l2_len), n;
	uint8_t *frame, *pl[1];
	uint16_t lens[1];
	uint8_t res[1];

	if (!v->srtp_on || !v->has_flow || v->l2_len == 0)
		return -1;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL) {
		rtc_stats_inc(&w->stats, RTC_DROP_fwd_no_mbuf);
		return -1;
	}
	frame = (uint8_t *)rte_pktmbuf_append(
			m, (uint16_t)(hlen + len + FWD_EXT_GROW + SRTP_MAX_TRAILER));
	if (frame == NULL) {
		rte_pktmbuf_free(m);
		rtc_stats_inc(&w->stats, RTC_DROP_fwd_no_mbuf);
		return -1;
	}
	if (pt >= 0) {
		struct fwd_ext_count xc = {0, 0, 0};
		n = fwd_rtp_remap(rtp, len, frame + hlen, (uint16_t)(len + FWD_EXT_GROW), (uint8_t)pt,
				ssrc, from, to, &xc);
		w->stats.v[RTC_STAT_fwd_ext_kept] += xc.kept;
		w->stats.v[RTC_STAT_fwd_ext_dropped] += xc.dropped;
		w->stats.v[RTC_STAT_fwd_ext_malformed] += xc.malformed;
		if (n != 0 && (seq_add | ts_add) != 0)
			fwd_rtp_shift(frame + hlen, seq_add, ts_add);
	} else {
		memcpy(frame + hlen, rtp, len); /* already what the peer gets (RTCP, RTX) */
		n = len;
	}
	pl[0] = frame + hlen;
	lens[0] = n;
	if (n == 0 || (rtcp ? srtp_protect_rtcp_burst(w->srtp_eng, &v->tx, pl, lens, 1, res)
			    : srtp_protect_burst(w->srtp_eng, &v->tx, pl, lens, 1, res)) != 1) {
		rte_pktmbuf_free(m);
		rtc_stats_inc(&w->stats, RTC_DROP_fwd_protect_failed);
		return -1;
	}
	n = pkt_udp_build(frame, v->l2, v->l2_len, &v->flow, lens[0]);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - n));
	v->tx_packets++;
	v->tx_bytes += lens[0];
	worker_tx(dp, w, m);
	return 0;
}

/* worker_send_srtp_ext() without header extensions. */
static inline int
worker_send_srtp(const struct dp *dp, struct worker *w, struct rte_mempool *pool, struct wsess *v,
		int rtcp, const uint8_t *rtp, uint16_t len, int pt, uint32_t ssrc, uint16_t seq_add,
		uint32_t ts_add)
{
	return worker_send_srtp_ext(
			dp, w, pool, v, rtcp, rtp, len, pt, ssrc, seq_add, ts_add, NULL, NULL);
}

/* Our SSRC toward a publisher in the RTCP we send it (it sends; we only receive). */
static inline uint32_t
worker_rtcp_ssrc(const struct worker *w, const struct wsess *pub)
{
	return 0x52544300u | (uint32_t)((pub - w->sess.s) & 0xff);
}

/*
 * A message (and @len octets of @data) to each worker of @mask but this one, on
 * its relay ring. A full ring or no mbuf drops that copy (counted).
 */
static void
worker_relay(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		const struct dpmsg_relay *r, const uint8_t *data, uint16_t len, uint64_t mask)
{
	mask &= ~(UINT64_C(1) << w->idx);
	while (mask != 0) {
		unsigned b = (unsigned)__builtin_ctzll(mask);
		struct rte_mbuf *m;
		char *p;
		mask &= mask - 1;
		if (b >= dp->n_workers)
			break;
		m = rte_pktmbuf_alloc(pool);
		p = m != NULL ? rte_pktmbuf_append(m, len) : NULL;
		if (p == NULL || rte_pktmbuf_headroom(m) < sizeof(*r)) {
			if (m != NULL)
				rte_pktmbuf_free(m);
			rtc_stats_inc(&w->stats, RTC_DROP_relay_full);
			continue;
		}
		if (len != 0)
			memcpy(p, data, len);
		worker_msg_put(m, r, sizeof(*r));
		if (rte_ring_enqueue(dp->workers[b].relay, m) != 0) {
			rte_pktmbuf_free(m);
			rtc_stats_inc(&w->stats, RTC_DROP_relay_full);
			continue;
		}
		rtc_stats_inc(&w->stats, RTC_STAT_relay_out);
	}
}

/* The other workers with viewers of @stream (a bit each), 0 with one worker. */
static inline uint64_t
worker_remote_viewers(const struct dp *dp, const struct worker *w, uint32_t stream)
{
	if (dp->viewer_mask == NULL || stream >= w->sess.n_streams)
		return 0;
	return __atomic_load_n(&dp->viewer_mask[stream], __ATOMIC_ACQUIRE) &
	       ~(UINT64_C(1) << w->idx);
}

/* Ask the stream's publisher for a keyframe: a PLI, at most every 500 ms. */
static void
worker_request_keyframe(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		uint32_t stream, uint64_t now_us)
{
	struct wstream *st;
	struct wsess *pub;
	uint8_t pli[FWD_PLI_LEN];

	if (stream >= w->sess.n_streams)
		return;
	st = &w->sess.streams[stream];
	if (st->pub < 0) {
		/* the publisher is on another worker: ask it (it applies the 500 ms limit) */
		uint16_t pw = dp->pub_worker != NULL
					      ? __atomic_load_n(&dp->pub_worker[stream], __ATOMIC_ACQUIRE)
					      : 0;
		if (pw != 0 && pw - 1u != w->idx && now_us - st->last_pli_us >= 100000) {
			struct dpmsg_relay r = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_KEYFRAME,
					.stream = stream};
			st->last_pli_us = now_us;
			worker_relay(dp, w, pool, &r, NULL, 0, UINT64_C(1) << (pw - 1u));
		}
		return;
	}
	if (now_us - st->last_pli_us < 500000) {
		st->pli_pending = 1; /* sent when the 500 ms have passed (worker_fanout) */
		return;
	}
	pub = &w->sess.s[st->pub];
	if (pub->remote_ssrc[1] == 0)
		return; /* no video SSRC known yet */
	/* sender: any SSRC of ours for this session (it sends no media); media: its video */
	fwd_rtcp_pli(pli, worker_rtcp_ssrc(w, pub), pub->remote_ssrc[1]);
	if (worker_send_srtp(dp, w, pool, pub, 1, pli, sizeof(pli), -1, 0, 0, 0) == 0) {
		st->last_pli_us = now_us;
		st->pli_pending = 0;
		rtc_stats_inc(&w->stats, RTC_STAT_pli_sent);
	}
}

/*
 * The publisher's video sequence numbers: a gap of 1..17 packets is asked
 * for again at once (RFC 4585 generic NACK; the publisher answers with RTX).
 */
static void
worker_nack_upstream(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *pub, uint16_t seq)
{
	int16_t d = (int16_t)(seq - pub->vid_last_seq);
	uint8_t nack[FWD_NACK_LEN];

	if (!pub->vid_seq_valid) {
		pub->vid_seq_valid = 1;
		pub->vid_last_seq = seq;
		return;
	}
	if (d <= 0)
		return; /* late or repeated (a retransmission) */
	if (d > 1 && d <= 18) {
		uint16_t pid = (uint16_t)(pub->vid_last_seq + 1), blp = 0;
		for (int i = 1; i < d - 1 && i <= 16; i++)
			blp |= (uint16_t)(1u << (i - 1));
		fwd_rtcp_nack(nack, worker_rtcp_ssrc(w, pub), pub->remote_ssrc[1], pid, blp);
		if (worker_send_srtp(dp, w, pool, pub, 1, nack, sizeof(nack), -1, 0, 0, 0) == 0) {
			pub->nack_sent++;
			rtc_stats_inc(&w->stats, RTC_STAT_nack_sent);
		}
	}
	pub->vid_last_seq = seq;
}

#define RTCP_CNAME "rtcedge"

/*
 * A publisher's sender report of kind @k (its SSRC @src, NTP and RTP times)
 * for every viewer of @stream on this worker: the same NTP time, the RTP time
 * as the viewer sees it (shifted by its fwd_seqmap), the viewer's SSRC and the
 * packet and octet counts of what we sent that viewer (RFC 3550 §6.4.1, §7.2).
 */
static void
worker_viewers_sr(const struct dp *dp, struct worker *w, struct rte_mempool *pool, uint32_t stream,
		int k, uint32_t src, uint64_t ntp, uint32_t rtp_ts, uint64_t now_us)
{
	if (stream >= w->sess.n_streams)
		return;
	for (int32_t v = w->sess.streams[stream].first_viewer; v >= 0; v = w->sess.s[v].next_viewer) {
		struct wsess *vs = &w->sess.s[v];
		struct rtcp_builder b;
		uint8_t out[128];
		int n;
		if (vs->pt[k] == DPMSG_PT_NONE || vs->local_ssrc[k] == 0 || vs->tx_pkts[k] == 0)
			continue;
		rtcp_build_begin(&b, out, sizeof(out));
		rtcp_build_sr(&b, vs->local_ssrc[k], ntp,
				rtp_ts + (vs->seqmap[k].src == src ? vs->seqmap[k].ts_add : 0),
				(uint32_t)vs->tx_pkts[k], (uint32_t)vs->tx_kind_bytes[k], NULL, 0);
		rtcp_build_sdes_cname(&b, vs->local_ssrc[k], RTCP_CNAME, sizeof(RTCP_CNAME) - 1);
		n = rtcp_build_end(&b);
		if (n > 0 && worker_send_srtp(dp, w, pool, vs, 1, out, (uint16_t)n, -1, 0, 0, 0) == 0) {
			vs->sr_lsr[k] = (uint32_t)(ntp >> 16);
			vs->sr_sent_us[k] = now_us;
			vs->sr_sent++;
			rtc_stats_inc(&w->stats, RTC_STAT_sr_sent);
		}
	}
}

/*
 * A publisher's RTCP: its SRs feed the receive statistics (LSR/DLSR of our
 * RRs) and are translated for every viewer of the stream here: the same NTP
 * and RTP time (we do not change timestamps), the viewer's SSRC and the
 * packet and octet counts of what we sent that viewer (RFC 3550 §6.4.1,
 * §7.2). The viewer's RR on such an SR gives its RTT.
 */
static void
worker_publisher_rtcp(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *pub, const uint8_t *buf, uint16_t len, uint64_t now_us)
{
	struct rtcp_iter it;
	struct rtcp_pkt p;
	struct rtcp_sr sr;

	if (pub->stream >= w->sess.n_streams)
		return;
	rtcp_iter_init(&it, buf, len);
	while (rtcp_iter_next(&it, &p) == 1) {
		int k;
		if (p.pt != 200 || rtcp_sr_parse(&p, &sr) != 0)
			continue;
		k = sr.ssrc == pub->remote_ssrc[0] ? 0 : sr.ssrc == pub->remote_ssrc[1] ? 1 : -1;
		if (k < 0)
			continue;
		if (pub->rx_on[k])
			rtp_stats_sr_received(&pub->rx_stats[k], sr.ntp, now_us);
		worker_viewers_sr(dp, w, pool, pub->stream, k, sr.ssrc, sr.ntp, sr.rtp_ts, now_us);
		if (worker_remote_viewers(dp, w, pub->stream) != 0) {
			struct dpmsg_relay r = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_SR,
					.kind = (uint8_t)k, .stream = pub->stream, .src_ssrc = sr.ssrc,
					.rtp_ts = sr.rtp_ts, .ntp = sr.ntp};
			worker_relay(dp, w, pool, &r, NULL, 0, worker_remote_viewers(dp, w, pub->stream));
		}
	}
}

/*
 * A peer's report blocks on our SRs: RTT = (now - when the SR left) - DLSR
 * (RFC 3550 §6.4.1); a viewer's (@remb) REMB too.
 */
static void
worker_peer_reports(struct wsess *vs, const uint8_t *buf, uint16_t len, uint64_t now_us, int remb)
{
	struct rtcp_iter it;
	struct rtcp_pkt p;

	rtcp_iter_init(&it, buf, len);
	while (rtcp_iter_next(&it, &p) == 1) {
		struct rtcp_rr rr;
		struct rtcp_sr sr;
		const uint8_t *blocks;
		uint8_t n;
		if (p.pt == 201 && rtcp_rr_parse(&p, &rr) == 0) {
			blocks = rr.blocks;
			n = rr.rc;
		} else if (p.pt == 200 && rtcp_sr_parse(&p, &sr) == 0) {
			blocks = sr.blocks;
			n = sr.rc;
		} else {
			struct rtcp_remb rm;
			if (remb && p.pt == 206 && p.count == RTCP_PSFB_AFB &&
					rtcp_remb_parse(&p, &rm) == 0) {
				vs->remb_bps = rm.bitrate;
				vs->remb_us = now_us;
			}
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			struct rtcp_report_block rb;
			if (rtcp_report_block_get(blocks, n, i, &rb) != 0)
				break;
			for (int k = 0; k < 2; k++) {
				uint64_t dlsr_us = (uint64_t)rb.dlsr * 1000000 / 65536, el;
				if (rb.ssrc != vs->local_ssrc[k] || rb.lsr == 0 || rb.lsr != vs->sr_lsr[k])
					continue;
				el = now_us - vs->sr_sent_us[k];
				if (el > dlsr_us)
					vs->rtt_us[k] = el - dlsr_us;
			}
		}
	}
}

/* Wall-clock time in NTP format (RFC 5905: seconds since 1900, 32.32 fixed point). */
static uint64_t
worker_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts); /* vDSO: no system call */
	return ((uint64_t)ts.tv_sec + UINT64_C(2208988800)) << 32 |
	       (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}

/*
 * Receiver reports to every publisher on this worker, once a second. A voice
 * session that we send audio to (say/play, echo, the export's backend) gets
 * a sender report of that stream instead (RFC 3550 §6.4.1: its NTP and RTP
 * time now, our packet and octet counts), carrying the same report blocks;
 * its receiver's reports on it give the session's audio RTT.
 */
static void
worker_rtcp_tick(const struct dp *dp, struct worker *w, uint64_t now_us)
{
	static const uint64_t interval = 1000000;

	if (dp->pool == NULL || now_us - w->rtcp_last_us < interval)
		return;
	w->rtcp_last_us = now_us;
	for (uint32_t i = 0; i < w->sess.cap; i++) {
		struct wsess *s = &w->sess.s[i];
		struct rtcp_report_block rb[2];
		struct rtcp_builder b;
		uint8_t out[224];
		unsigned nb = 0;
		uint64_t ntp = 0;
		uint32_t sender;
		int n, voice;
		if (!s->active || s->role != 0 || !s->srtp_on || !s->has_flow)
			continue;
		for (int k = 0; k < 2; k++)
			if (s->rx_on[k] && rtp_stats_report(&s->rx_stats[k], now_us, &rb[nb]) == 0)
				nb++;
		voice = s->local_ssrc[0] != 0 && s->tx_pkts[0] != 0 && s->voice_out.on;
		if (nb == 0 && !voice)
			continue;
		rtcp_build_begin(&b, out, sizeof(out));
		if (voice) {
			/* the RTP time now: the last packet's, plus the time since */
			uint32_t clock = s->clock[0] ? s->clock[0] : 48000;
			uint32_t ts = s->voice_out.last_ts +
				      (uint32_t)((now_us - s->voice_out.last_us) * clock / 1000000);
			ntp = worker_ntp_now();
			sender = s->local_ssrc[0];
			rtcp_build_sr(&b, sender, ntp, ts, (uint32_t)s->tx_pkts[0],
					(uint32_t)s->tx_kind_bytes[0], rb, nb);
		} else {
			sender = worker_rtcp_ssrc(w, s);
			rtcp_build_rr(&b, sender, rb, nb);
		}
		rtcp_build_sdes_cname(&b, sender, RTCP_CNAME, sizeof(RTCP_CNAME) - 1);
		/* REMB (draft-alvestrand-rmcat-remb): the cap, or the lowest recent REMB of the
		 * stream's viewers on this worker when lower */
		if (dp->remb_max_bps != 0) {
			uint64_t bps = dp->remb_max_bps;
			uint32_t ssrcs[2];
			unsigned ns = 0;
			if (s->stream < w->sess.n_streams)
				for (int32_t v = w->sess.streams[s->stream].first_viewer; v >= 0;
						v = w->sess.s[v].next_viewer) {
					const struct wsess *vs = &w->sess.s[v];
					if (vs->remb_bps != 0 && now_us - vs->remb_us < 5000000 &&
							vs->remb_bps < bps)
						bps = vs->remb_bps;
				}
			/* and other workers' viewers (DPMSG_RELAY_REMB) */
			if (s->stream < w->sess.n_streams) {
				const struct wstream *st = &w->sess.streams[s->stream];
				if (st->remote_remb_bps != 0 && now_us - st->remote_remb_us < 5000000 &&
						st->remote_remb_bps < bps)
					bps = st->remote_remb_bps;
			}
			for (int k = 0; k < 2; k++)
				if (s->remote_ssrc[k] != 0)
					ssrcs[ns++] = s->remote_ssrc[k];
			if (ns > 0) {
				rtcp_build_remb(&b, sender, bps, ssrcs, ns);
				s->remb_bps = bps;
			}
		}
		n = rtcp_build_end(&b);
		if (n > 0 && worker_send_srtp(dp, w, dp->pool, s, 1, out, (uint16_t)n, -1, 0, 0, 0) == 0) {
			if (voice) {
				s->sr_lsr[0] = (uint32_t)(ntp >> 16);
				s->sr_sent_us[0] = now_us;
				s->sr_sent++;
				rtc_stats_inc(&w->stats, RTC_STAT_sr_sent);
			} else {
				s->rr_sent++;
				rtc_stats_inc(&w->stats, RTC_STAT_rr_sent);
			}
			if (s->remb_bps != 0)
				rtc_stats_inc(&w->stats, RTC_STAT_remb_sent);
		}
	}
}

/*
 * One packet of the publisher's retransmission buffer (@orig, in the publisher's
 * numbering and extension ids @from) to viewer @vs: shifted to its numbering,
 * as RTX when negotiated, else as the original packet again.
 */
static void
worker_send_rtx(const struct dp *dp, struct worker *w, struct rte_mempool *pool, struct wsess *vs,
		const uint8_t *orig, uint16_t len, const struct fwd_extmap *from)
{
	const struct fwd_seqmap *sm = &vs->seqmap[1];
	uint8_t out[WSESS_RTX_MTU + 2 + FWD_EXT_GROW], shifted[WSESS_RTX_MTU];
	struct fwd_ext_count xc = {0, 0, 0};
	uint16_t ol;

	if (len > sizeof(shifted) || len < 12 || fwd_rtp_ssrc(orig, len) != sm->src) {
		vs->rtx_miss++;
		rtc_stats_inc(&w->stats, RTC_STAT_rtx_miss);
		return;
	}
	memcpy(shifted, orig, len);
	fwd_rtp_shift(shifted, sm->seq_add, sm->ts_add);
	if (vs->rtx_pt != DPMSG_PT_NONE && vs->local_rtx_ssrc != 0)
		ol = fwd_rtx_wrap_ext(shifted, len, out, sizeof(out), vs->rtx_pt, vs->local_rtx_ssrc,
				vs->rtx_seq++, from, &vs->ext[1], &xc);
	else
		ol = fwd_rtp_remap(shifted, len, out, sizeof(out), vs->pt[1], vs->local_ssrc[1], from,
				&vs->ext[1], &xc);
	if (ol != 0 && worker_send_srtp(dp, w, pool, vs, 0, out, ol, -1, 0, 0, 0) == 0) {
		vs->rtx_sent++;
		rtc_stats_inc(&w->stats, RTC_STAT_rtx_sent);
	}
}

/* The worker of @stream's publisher when it is another one, else -1. */
static inline int
worker_remote_publisher(const struct dp *dp, const struct worker *w, uint32_t stream)
{
	uint16_t pw = dp->pub_worker != NULL && stream < w->sess.n_streams
			      ? __atomic_load_n(&dp->pub_worker[stream], __ATOMIC_ACQUIRE)
			      : 0;
	return pw != 0 && pw - 1u != w->idx ? (int)(pw - 1u) : -1;
}

/*
 * A viewer's NACKs: each asked-for packet from its publisher's buffer, as RTX
 * when negotiated. The publisher on another worker: the request goes there, in
 * the publisher's numbering, and the packets come back (DPMSG_RELAY_RTX).
 */
static void
worker_serve_nack(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *vs, const uint8_t *rtcp, uint16_t len)
{
	uint16_t seqs[FWD_NACK_MAX_SEQ];
	unsigned n = fwd_rtcp_nack_seqs(rtcp, len, 0, seqs, FWD_NACK_MAX_SEQ);
	struct wstream *st;
	struct wsess *pub;
	struct wsess_rtxbuf *rb;
	int rp;

	if (n == 0 || vs->stream >= w->sess.n_streams)
		return;
	vs->nack_rx++;
	rtc_stats_inc(&w->stats, RTC_STAT_nack_rx);
	/* the viewer asks by its numbers: the publisher's, shifted (fwd_seqmap) */
	for (unsigned i = 0; i < n; i++)
		seqs[i] = (uint16_t)(seqs[i] - vs->seqmap[1].seq_add);
	st = &w->sess.streams[vs->stream];
	if (st->pub < 0 && (rp = worker_remote_publisher(dp, w, vs->stream)) >= 0) {
		struct dpmsg_relay r = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_NACK,
				.kind = 1, .stream = vs->stream, .from = w->idx,
				.slot = (uint32_t)(vs - w->sess.s), .gen = vs->gen};
		worker_relay(dp, w, pool, &r, (const uint8_t *)seqs, (uint16_t)(n * sizeof(seqs[0])),
				UINT64_C(1) << rp);
		return;
	}
	if (st->pub < 0 || (pub = &w->sess.s[st->pub])->rtxbuf < 0) {
		vs->rtx_miss += n;
		w->stats.v[RTC_STAT_rtx_miss] += n;
		return;
	}
	rb = &w->sess.rtx[pub->rtxbuf];
	for (unsigned i = 0; i < n; i++) {
		unsigned k = seqs[i] % WSESS_RTX_N;
		if (rb->len[k] == 0 || rb->seq[k] != seqs[i]) {
			vs->rtx_miss++;
			rtc_stats_inc(&w->stats, RTC_STAT_rtx_miss);
			continue;
		}
		worker_send_rtx(dp, w, pool, vs, rb->data[k], rb->len[k], &pub->ext[1]);
	}
}

/* The publisher's worker: a viewer elsewhere asked for packets (DPMSG_RELAY_NACK). */
static void
worker_relayed_nack(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		const struct dpmsg_relay *r, const uint16_t *seqs, unsigned n)
{
	struct wstream *st;
	struct wsess *pub;
	struct wsess_rtxbuf *rb;

	if (r->stream >= w->sess.n_streams || r->from >= dp->n_workers)
		return;
	st = &w->sess.streams[r->stream];
	if (st->pub < 0 || (pub = &w->sess.s[st->pub])->rtxbuf < 0) {
		w->stats.v[RTC_STAT_rtx_miss] += n;
		return;
	}
	rb = &w->sess.rtx[pub->rtxbuf];
	for (unsigned i = 0; i < n; i++) {
		unsigned k = seqs[i] % WSESS_RTX_N;
		struct dpmsg_relay a = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_RTX, .kind = 1,
				.stream = r->stream, .slot = r->slot, .gen = r->gen,
				.ext = pub->ext[1]};
		if (rb->len[k] == 0 || rb->seq[k] != seqs[i]) {
			rtc_stats_inc(&w->stats, RTC_STAT_rtx_miss);
			continue;
		}
		worker_relay(dp, w, pool, &a, rb->data[k], rb->len[k], UINT64_C(1) << r->from);
	}
}

/* A publisher's audio to the media pipeline (a full ring drops it; the ring counts). */
static void
worker_tap(struct worker *w, const struct wsess *s, const uint8_t *rtp, uint16_t len,
		uint64_t now_us)
{
	struct media_tap_msg hdr;
	uint16_t off, plen;

	if (fwd_rtp_payload(rtp, len, &off, &plen) != 0)
		return;
	memset(&hdr, 0, MEDIA_TAP_HDR_SIZE);
	hdr.track = 0;
	hdr.flags = (rtp[1] & 0x80) ? MEDIA_TAP_F_MARKER : 0;
	hdr.pt = rtp[1] & 0x7f;
	hdr.session = s->sess_id;
	hdr.ssrc = fwd_rtp_ssrc(rtp, len);
	hdr.seq = (uint16_t)(rtp[2] << 8 | rtp[3]);
	hdr.ts = (uint32_t)rtp[4] << 24 | (uint32_t)rtp[5] << 16 | (uint32_t)rtp[6] << 8 | rtp[7];
	hdr.arrival_us = now_us;
	if (media_tap_ring_push(w->tap, &hdr, rtp + off, plen) == 0)
		rtc_stats_inc(&w->stats, RTC_STAT_tap_pushed);
}

/*
 * The transceiver export, out: a session's unprotected audio RTP as it came, in
 * plain UDP from our export port for the session to export.target. Its MAC from
 * the neighbour cache; not known, an ARP request (at most every 200 ms) and the
 * packet is dropped (counted); learned more than a minute ago, an ARP request
 * too (the kernel of the backend may not talk to us by itself).
 */
static void
worker_export_out(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		const struct wsess *s, const uint8_t *rtp, uint16_t len, uint64_t now_us)
{
	uint8_t l2[18], ip[16], mac[6], *frame;
	uint16_t l2_len, hlen;
	struct pkt_flow f;
	struct rte_mbuf *m;
	int fresh, known;

	if (export_flow(&dp->nif, &dp->exp, s->sess_id, &f) != 0)
		return;
	neigh_ip4_mapped(dp->exp.addr, ip);
	fresh = neigh_lookup(&w->neigh, ip, now_us, EXPORT_NEIGH_FRESH_US, mac) == 0;
	known = fresh || neigh_lookup(&w->neigh, ip, now_us, UINT64_MAX, mac) == 0;
	if (!known)
		rtc_stats_inc(&w->stats, RTC_DROP_export_no_neigh);
	/* unknown, or learned long ago: ask (and, if known, go on with what we have) */
	if (!fresh && now_us - w->exp_arp_us >= EXPORT_ARP_GAP_US &&
			(m = rte_pktmbuf_alloc(pool)) != NULL) {
		frame = (uint8_t *)rte_pktmbuf_append(m, 64);
		hlen = frame ? export_arp_request(frame, 64, &dp->nif, &dp->exp) : 0;
		if (hlen == 0) {
			rte_pktmbuf_free(m);
			return;
		}
		rte_pktmbuf_trim(m, (uint16_t)(64 - hlen));
		w->exp_arp_us = now_us;
		rtc_stats_inc(&w->stats, RTC_STAT_export_arp);
		worker_tx(dp, w, m);
	}
	if (!known)
		return;
	l2_len = export_l2(l2, &dp->nif, mac);
	hlen = pkt_udp_headers_len(4, l2_len);
	m = rte_pktmbuf_alloc(pool);
	frame = m ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hlen + len)) : NULL;
	if (frame == NULL) {
		if (m != NULL)
			rte_pktmbuf_free(m);
		rtc_stats_inc(&w->stats, RTC_DROP_fwd_no_mbuf);
		return;
	}
	memcpy(frame + hlen, rtp, len);
	pkt_udp_build(frame, l2, l2_len, &f, len);
	rtc_stats_inc(&w->stats, RTC_STAT_export_out);
	worker_tx(dp, w, m);
}

/*
 * Injected audio holds the session's outgoing audio this long after its last
 * packet: the backend's RTP in that time is dropped (counted), so the two
 * never interleave on the one stream (a say is heard whole, then the backend
 * again; a stop command ends the hold within this time).
 */
#define WORKER_INJ_HOLD_US 100000

/*
 * An RTP packet @rtp (from the backend, or the client's own for the echo)
 * about to go out as voice session @s's audio: its source's numbering mapped
 * into the session's one outgoing stream (s->voice_out's shifts, which the
 * caller applies).
 */
static void
worker_voice_map(struct wsess *s, const uint8_t *rtp, uint16_t len, uint64_t now_us)
{
	if (len < 12)
		return;
	fwd_seqmap_next(&s->voice_out, fwd_rtp_ssrc(rtp, len), (uint16_t)(rtp[2] << 8 | rtp[3]),
			(uint32_t)rtp[4] << 24 | (uint32_t)rtp[5] << 16 | (uint32_t)rtp[6] << 8 | rtp[7],
			s->clock[0], now_us);
}

/*
 * The transceiver export, in: plain RTP from export.target to a session's export
 * port becomes that session's outgoing audio (our payload type and SSRC, the
 * backend's sequence numbers and timestamps), protected and sent on its pair.
 * 1 if @m was consumed (handed to the session's worker).
 */
static int
worker_export_in(const struct dp *dp, struct worker *w, struct rte_mbuf *m,
		const struct pkt_media *meta, uint64_t now_us)
{
	int32_t idx = export_port_index(&dp->nif, rte_be_to_cpu_16(meta->flow.lport));
	uint32_t own = idx >= 0 && dp->exp_owner != NULL ? dp->exp_owner[idx] : 0;
	const uint8_t *pl = rte_pktmbuf_mtod_offset(m, const uint8_t *, meta->payload_off);
	uint8_t ip[16];
	struct wsess *s;

	neigh_ip4_mapped(dp->exp.addr, ip);
	if (meta->flow.family != 4 || memcmp(meta->flow.raddr, ip, 16) != 0) {
		rtc_stats_inc(&w->stats, RTC_DROP_export_bad_source);
		return 0;
	}
	if (own == 0) {
		rtc_stats_inc(&w->stats, RTC_DROP_export_no_session);
		return 0;
	}
	if (export_owner_worker(own) != w->idx) {
		if (!m->hash.usr && export_owner_worker(own) < dp->n_workers)
			return worker_handoff(dp, w, m, export_owner_worker(own)) == 0;
		rtc_stats_inc(&w->stats, RTC_DROP_export_no_session);
		return 0;
	}
	if (meta->cls != DEMUX_RTP) {
		rtc_stats_inc(&w->stats, RTC_DROP_export_not_rtp);
		return 0;
	}
	s = export_owner_slot(own) < w->sess.cap ? &w->sess.s[export_owner_slot(own)] : NULL;
	if (s == NULL || !s->active || !s->export_audio || s->sess_id != (uint32_t)idx || s->pt[0] == DPMSG_PT_NONE ||
			s->local_ssrc[0] == 0) {
		rtc_stats_inc(&w->stats, RTC_DROP_export_no_session);
		return 0;
	}
	if (s->inj_last_us != 0 && now_us - s->inj_last_us < WORKER_INJ_HOLD_US) {
		rtc_stats_inc(&w->stats, RTC_DROP_export_in_muted);
		return 0;
	}
	worker_voice_map(s, pl, meta->payload_len, now_us);
	if (worker_send_srtp(dp, w, m->pool, s, 0, pl, meta->payload_len, s->pt[0],
			    s->local_ssrc[0], s->voice_out.seq_add, s->voice_out.ts_add) == 0) {
		s->tx_pkts[0]++;
		s->tx_kind_bytes[0] += meta->payload_len;
		rtc_stats_inc(&w->stats, RTC_STAT_export_in);
	}
	return 0;
}

/*
 * The room packet @p (in @m's buffer) has for its rewrite in place: what lies
 * after it minus the SRTP trailer, if that holds the packet grown by
 * FWD_EXT_GROW (what a copy gets) and the viewer's @hlen bytes of headers fit
 * before it; else 0 (the packet is copied).
 */
static inline uint16_t
worker_inplace_room(const struct rte_mbuf *m, const uint8_t *p, uint16_t len, uint16_t hlen)
{
	const uint8_t *base = m->buf_addr, *end = base + m->buf_len;
	ptrdiff_t room = end - p - SRTP_MAX_TRAILER;

	if (p < base + hlen || p >= end || room < (ptrdiff_t)len + FWD_EXT_GROW)
		return 0;
	return room > UINT16_MAX ? UINT16_MAX : (uint16_t)room;
}

/*
 * @n unprotected RTP packets of @stream's publisher (@kind each: 0 audio, 1
 * video) to every viewer of the stream on this worker. Per viewer: each
 * packet rewritten (payload type, SSRC, extension ids from the publisher's
 * @from[kind] to the viewer's, and the viewer's fwd_seqmap) into a new mbuf,
 * then all of them protected with the viewer's context in one burst (the
 * ipsec-mb backend runs a burst on its multi-buffer path), framed and queued
 * for TX. The last viewer takes the mbuf a packet arrived in instead of a
 * copy where @own[j] is that mbuf (set to NULL when taken; @own may be NULL):
 * rewritten, protected and framed where it lies, so a 1 -> 1 stream costs
 * no allocation and no copy.
 */
static void
worker_send_viewers(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		uint32_t stream, const uint8_t *const rtp[], const uint16_t len[], const uint8_t kind[],
		struct rte_mbuf *own[], unsigned n, uint64_t now_us, const struct fwd_extmap from[2])
{
	if (stream >= w->sess.n_streams)
		return;
	for (int32_t v = w->sess.streams[stream].first_viewer; v >= 0;
			v = w->sess.s[v].next_viewer) {
		struct wsess *vs = &w->sess.s[v];
		int last = vs->next_viewer < 0;
		struct rte_mbuf *ms[WORKER_BURST];
		uint8_t *pl[WORKER_BURST], res[WORKER_BURST], k[WORKER_BURST], took[WORKER_BURST];
		uint16_t lens[WORKER_BURST], ulen[WORKER_BURST];
		uint16_t hlen = pkt_udp_headers_len(vs->flow.family, vs->l2_len);
		struct fwd_ext_count xc = {0, 0, 0};
		unsigned cnt = 0;

		if (!vs->srtp_on || !vs->has_flow || vs->l2_len == 0)
			continue;
		for (unsigned j = 0; j < n; j++) {
			const uint8_t *p = rtp[j];
			struct fwd_seqmap *sm = &vs->seqmap[kind[j]];
			uint8_t *frame;
			uint16_t m, room;
			if (vs->pt[kind[j]] == DPMSG_PT_NONE || len[j] < 12)
				continue;
			fwd_seqmap_next(sm, fwd_rtp_ssrc(p, len[j]), (uint16_t)(p[2] << 8 | p[3]),
					(uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
							(uint32_t)p[6] << 8 | p[7],
					vs->clock[kind[j]], now_us);
			if (last && own != NULL && own[j] != NULL &&
					(room = worker_inplace_room(own[j], p, len[j], hlen)) != 0) {
				/* the received buffer is ours and every other viewer has its copy */
				ms[cnt] = own[j];
				own[j] = NULL;
				took[cnt] = 1;
				frame = (uint8_t *)(uintptr_t)p - hlen;
				m = fwd_rtp_remap_inplace(frame + hlen, len[j], room, vs->pt[kind[j]],
						vs->local_ssrc[kind[j]], &from[kind[j]],
						&vs->ext[kind[j]], &xc);
			} else {
				took[cnt] = 0;
				ms[cnt] = rte_pktmbuf_alloc(pool);
				frame = ms[cnt] != NULL ? (uint8_t *)rte_pktmbuf_append(ms[cnt],
									  (uint16_t)(hlen + len[j] +
											  FWD_EXT_GROW +
											  SRTP_MAX_TRAILER))
							: NULL;
				if (frame == NULL) {
					if (ms[cnt] != NULL)
						rte_pktmbuf_free(ms[cnt]);
					rtc_stats_inc(&w->stats, RTC_DROP_fwd_no_mbuf);
					continue;
				}
				m = fwd_rtp_remap(p, len[j], frame + hlen,
						(uint16_t)(len[j] + FWD_EXT_GROW), vs->pt[kind[j]],
						vs->local_ssrc[kind[j]], &from[kind[j]],
						&vs->ext[kind[j]], &xc);
			}
			if (m == 0) {
				rte_pktmbuf_free(ms[cnt]);
				rtc_stats_inc(&w->stats, RTC_DROP_fwd_protect_failed);
				continue;
			}
			if ((sm->seq_add | sm->ts_add) != 0)
				fwd_rtp_shift(frame + hlen, sm->seq_add, sm->ts_add);
			pl[cnt] = frame + hlen;
			lens[cnt] = m;
			ulen[cnt] = m;
			k[cnt] = kind[j];
			cnt++;
		}
		w->stats.v[RTC_STAT_fwd_ext_kept] += xc.kept;
		w->stats.v[RTC_STAT_fwd_ext_dropped] += xc.dropped;
		w->stats.v[RTC_STAT_fwd_ext_malformed] += xc.malformed;
		if (cnt == 0)
			continue;
		srtp_protect_burst(w->srtp_eng, &vs->tx, pl, lens, cnt, res);
		for (unsigned j = 0; j < cnt; j++) {
			uint8_t *frame = pl[j] - hlen;
			uint16_t fl;
			if (res[j] != SRTP_RES_OK) {
				rte_pktmbuf_free(ms[j]);
				rtc_stats_inc(&w->stats, RTC_DROP_fwd_protect_failed);
				continue;
			}
			fl = pkt_udp_build(frame, vs->l2, vs->l2_len, &vs->flow, lens[j]);
			/* a new mbuf or a received one: the frame is its data, no offloads */
			ms[j]->data_off = (uint16_t)(frame - (uint8_t *)ms[j]->buf_addr);
			ms[j]->data_len = fl;
			ms[j]->pkt_len = fl;
			ms[j]->ol_flags = 0;
			vs->tx_packets++;
			vs->tx_bytes += lens[j];
			vs->fwd_packets++;
			vs->fwd_bytes += ulen[j];
			vs->tx_pkts[k[j]]++;
			vs->tx_kind_bytes[k[j]] += ulen[j];
			rtc_stats_inc(&w->stats, RTC_STAT_fwd_rtp);
			w->stats.v[RTC_STAT_fwd_inplace] += took[j];
			worker_tx(dp, w, ms[j]);
		}
	}
}

/*
 * One unprotected RTP packet of a publisher before it is forwarded: its kind
 * (0 audio, 1 video; -1 not forwarded, counted), a retransmission (RFC 4588)
 * unwrapped into @orig, video kept for NACKs and losses asked for upstream.
 * *@rtp and *@len are what to forward.
 */
static int
worker_fanout_prepare(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *pub, const uint8_t **rtp, uint16_t *len, uint8_t *orig, size_t orig_cap)
{
	int kind = wsess_kind_of_pt(pub, fwd_rtp_pt(*rtp, *len));

	if (kind == 2) {
		uint16_t ol = pub->remote_ssrc[1] != 0 ? fwd_rtx_unwrap(*rtp, *len, orig, orig_cap,
								 pub->pt[1], pub->remote_ssrc[1])
						       : 0;
		if (ol == 0) {
			rtc_stats_inc(&w->stats, RTC_DROP_rtp_not_forwarded);
			return -1;
		}
		pub->rtx_rx++;
		rtc_stats_inc(&w->stats, RTC_STAT_rtx_rx);
		*rtp = orig;
		*len = ol;
		kind = 1;
	}
	if (kind < 0 || kind > 1 || pub->stream >= w->sess.n_streams) {
		rtc_stats_inc(&w->stats, RTC_DROP_rtp_not_forwarded); /* a PT nobody negotiated */
		return -1;
	}
	if (pub->remote_ssrc[kind] == 0)
		pub->remote_ssrc[kind] = fwd_rtp_ssrc(*rtp, *len);
	if (kind == 1) {
		uint16_t seq = (uint16_t)((*rtp)[2] << 8 | (*rtp)[3]);
		if (pub->rtxbuf >= 0) {
			struct wsess_rtxbuf *rb = &w->sess.rtx[pub->rtxbuf];
			unsigned k = seq % WSESS_RTX_N;
			if (*len <= WSESS_RTX_MTU) {
				memcpy(rb->data[k], *rtp, *len);
				rb->len[k] = *len;
				rb->seq[k] = seq;
			} else {
				rb->len[k] = 0;
				rtc_stats_inc(&w->stats, RTC_STAT_rtx_too_long);
			}
		}
		worker_nack_upstream(dp, w, pool, pub, seq);
	}
	return kind;
}

/*
 * @n unprotected RTP packets of publisher @pub (n <= WORKER_BURST): its audio to
 * the media pipeline, the export and the echo; everything relayed to the
 * workers with viewers of its stream, then forwarded to its viewers here (one
 * protect burst per viewer). @own[j]: the mbuf pkts[j] lies in, which the
 * last viewer may take (then set to NULL); @own may be NULL.
 */
static void
worker_publisher_rtp(const struct dp *dp, struct worker *w, struct rte_mempool *pool,
		struct wsess *pub, uint8_t *const pkts[], const uint16_t lens[],
		struct rte_mbuf *own[], unsigned n, uint64_t now_us)
{
	const uint8_t *fw[WORKER_BURST];
	struct rte_mbuf *fo[WORKER_BURST];
	uint16_t fl[WORKER_BURST];
	uint8_t kinds[WORKER_BURST], src[WORKER_BURST];
	unsigned nf = 0;
	uint64_t remote;
	struct wstream *st;

	for (unsigned j = 0; j < n; j++) {
		uint8_t *pl = pkts[j];
		uint16_t len = lens[j];
		const uint8_t *p = pl;
		uint16_t l = len;
		int kind;
		if (wsess_kind_of_pt(pub, fwd_rtp_pt(pl, len)) == 0) {
			if (w->tap != NULL)
				worker_tap(w, pub, pl, len, now_us);
			if (pub->export_audio)
				worker_export_out(dp, w, pool, pub, pl, len, now_us);
			/* voice echo: its audio back to it, as our track */
			if (pub->echo && pub->local_ssrc[0] != 0)
				worker_voice_map(pub, pl, len, now_us);
			if (pub->echo && pub->local_ssrc[0] != 0 &&
					worker_send_srtp(dp, w, pool, pub, 0, pl, len, pub->pt[0],
							pub->local_ssrc[0], pub->voice_out.seq_add,
							pub->voice_out.ts_add) == 0) {
				rtc_stats_inc(&w->stats, RTC_STAT_echo_rtp);
				pub->tx_pkts[0]++;
				pub->tx_kind_bytes[0] += len;
			}
		}
		kind = worker_fanout_prepare(dp, w, pool, pub, &p, &l, w->unwrap[j],
				sizeof(w->unwrap[j]));
		if (kind < 0)
			continue;
		fw[nf] = p;
		fl[nf] = l;
		kinds[nf] = (uint8_t)kind;
		/* an unwrapped retransmission lies in w->unwrap, not in its mbuf */
		fo[nf] = own != NULL && p == pl ? own[j] : NULL;
		src[nf] = (uint8_t)j;
		nf++;
	}
	if (nf == 0)
		return;
	st = &w->sess.streams[pub->stream];
	if (st->pli_pending && now_us - st->last_pli_us >= 500000)
		worker_request_keyframe(dp, w, pool, pub->stream, now_us);
	/* relayed first: a local viewer may rewrite the packet where it lies */
	remote = worker_remote_viewers(dp, w, pub->stream);
	for (unsigned j = 0; remote != 0 && j < nf; j++) {
		struct dpmsg_relay r = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_RTP,
				.kind = kinds[j], .stream = pub->stream, .ext = pub->ext[kinds[j]]};
		worker_relay(dp, w, pool, &r, fw[j], fl[j], remote);
	}
	worker_send_viewers(dp, w, pool, pub->stream, fw, fl, kinds, fo, nf, now_us, pub->ext);
	for (unsigned f = 0; own != NULL && f < nf; f++)
		if (fo[f] == NULL && fw[f] == pkts[src[f]])
			own[src[f]] = NULL; /* taken by its last viewer */
}

/* Relayed messages from other workers (2+ workers); how many were handled. */
static unsigned
worker_relay_in(const struct dp *dp, struct worker *w, uint64_t now_us)
{
	struct rte_mbuf *ms[WORKER_BURST];
	unsigned n;

	if (w->relay == NULL)
		return 0;
	n = rte_ring_dequeue_burst(w->relay, (void **)ms, RTE_DIM(ms), NULL);
	for (unsigned i = 0; i < n; i++) {
		struct dpmsg_relay r;
		worker_msg_get(ms[i], &r, sizeof(r));
		if (r.version == DPMSG_VERSION && r.kind <= 1) {
			if (r.type == DPMSG_RELAY_RTP) {
				const uint8_t *p = rte_pktmbuf_mtod(ms[i], const uint8_t *);
				uint16_t l = rte_pktmbuf_data_len(ms[i]);
				struct fwd_extmap from[2];
				from[r.kind] = r.ext;
				/* the message's mbuf goes out to the last viewer here */
				worker_send_viewers(dp, w, ms[i]->pool, r.stream, &p, &l, &r.kind,
						&ms[i], 1, now_us, from);
			}
			else if (r.type == DPMSG_RELAY_SR)
				worker_viewers_sr(dp, w, ms[i]->pool, r.stream, r.kind, r.src_ssrc,
						r.ntp, r.rtp_ts, now_us);
			else if (r.type == DPMSG_RELAY_KEYFRAME)
				worker_request_keyframe(dp, w, ms[i]->pool, r.stream, now_us);
			else if (r.type == DPMSG_RELAY_NACK)
				worker_relayed_nack(dp, w, ms[i]->pool, &r,
						rte_pktmbuf_mtod(ms[i], const uint16_t *),
						rte_pktmbuf_data_len(ms[i]) / 2u);
			else if (r.type == DPMSG_RELAY_RTX) {
				struct wsess *vs = wsess_lookup(&w->sess, r.slot, r.gen);
				if (vs != NULL && vs->role == 1 && vs->stream == r.stream)
					worker_send_rtx(dp, w, ms[i]->pool, vs,
							rte_pktmbuf_mtod(ms[i], const uint8_t *),
							rte_pktmbuf_data_len(ms[i]), &r.ext);
			} else if (r.type == DPMSG_RELAY_REMB && r.stream < w->sess.n_streams) {
				/* the lowest of the other workers' viewers, for 5 s */
				struct wstream *st = &w->sess.streams[r.stream];
				if (now_us - st->remote_remb_us >= 5000000 || r.ntp < st->remote_remb_bps) {
					st->remote_remb_bps = r.ntp;
					st->remote_remb_us = now_us;
				}
			}
		}
		rtc_stats_inc(&w->stats, RTC_STAT_relay_in);
		if (ms[i] != NULL)
			rte_pktmbuf_free(ms[i]);
	}
	return n;
}

/*
 * A datagram whose flow is no session of this worker (wsess_flow's verdict
 * @v): handed to the worker that announced it (WSESS_HANDOFF, @owner), or,
 * announced by nobody (WSESS_UNKNOWN), to the worker its 5-tuple hashes to,
 * which may be about to (a hand-off received there ends there if not), or
 * dropped. 1 if @m was consumed.
 */
static inline int
worker_flow_elsewhere(const struct dp *dp, struct worker *w, struct rte_mbuf *m,
		const struct pkt_media *meta, enum wsess_verdict v, unsigned owner)
{
	if (v != WSESS_HANDOFF)
		owner = steer_owner(&meta->flow, dp->n_workers);
	else if (owner >= dp->n_workers)
		owner = w->idx;
	if (owner != w->idx && (v == WSESS_HANDOFF || !m->hash.usr)) {
		/* the owner reads the metadata from the headroom (the batch left it there unwritten) */
		if (meta != worker_meta_slot(m))
			*worker_meta_slot(m) = *meta;
		return worker_handoff(dp, w, m, owner) == 0;
	}
	if (v == WSESS_HANDOFF)
		return 0;
	rtc_stats_inc(&w->stats, RTC_DROP_media_no_session);
	return 0;
}

/*
 * DTLS, RTP, RTCP of a session's selected pair (the flow table), one packet
 * (a hand-off, or what the batch did not take): DTLS goes to the control
 * lcore; SRTP is unprotected here and forwarded (a publisher's), SRTCP read
 * (viewers' keyframe requests, NACKs, reports; publishers' SRs). 1 if @m was
 * consumed (queued, handed off, or sent on to a last viewer).
 */
static inline int
worker_media_flow(const struct dp *dp, struct worker *w, struct rte_mbuf *m,
		const struct pkt_media *meta, uint64_t now_us)
{
	uint8_t *pl = rte_pktmbuf_mtod_offset(m, uint8_t *, meta->payload_off);
	uint16_t len = meta->payload_len;
	struct wsess *s = NULL;

	unsigned owner = 0;

	enum wsess_verdict v = wsess_media(&w->sess, now_us, &meta->flow, meta->cls, pl, &len,
			&w->stats, &s, &owner);

	switch (v) {
	case WSESS_HANDOFF:
	case WSESS_UNKNOWN:
		return worker_flow_elsewhere(dp, w, m, meta, v, owner);
	case WSESS_CONTROL: {
		const struct dpmsg_dgram d = {.version = DPMSG_VERSION, .worker = w->idx,
				.slot = (uint32_t)(s - w->sess.s), .gen = s->gen,
				.sess_id = s->sess_id};
		/* the datagram alone, its session's name just before it */
		rte_pktmbuf_adj(m, meta->payload_off);
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - meta->payload_len));
		if (rte_pktmbuf_headroom(m) < sizeof(d)) {
			rtc_stats_inc(&w->stats, RTC_DROP_reply_no_room);
			return 0;
		}
		worker_msg_put(m, &d, sizeof(d));
		if (rte_ring_enqueue(w->dtls_up, m) != 0) {
			rtc_stats_inc(&w->stats, RTC_DROP_dtls_up_full);
			return 0;
		}
		rtc_stats_inc(&w->stats, RTC_STAT_dtls_up);
		return 1;
	}
	case WSESS_RTP:
		if (meta->cls == DEMUX_RTP && s->role == 0) {
			struct rte_mbuf *own = m;
			worker_publisher_rtp(dp, w, m->pool, s, &pl, &len, &own, 1, now_us);
			return own == NULL; /* taken by its last viewer */
		} else if (meta->cls == DEMUX_RTCP && s->role == 1) {
			/* a viewer's PLI/FIR: the publisher is asked for a keyframe */
			if (fwd_rtcp_wants_keyframe(pl, len))
				worker_request_keyframe(dp, w, m->pool, s->stream, now_us);
			worker_serve_nack(dp, w, m->pool, s, pl, len);
			worker_peer_reports(s, pl, len, now_us, 1);
			if (s->remb_us == now_us && s->remb_bps != 0) {
				/* its REMB to a publisher on another worker (its cap, worker_rtcp_tick) */
				int rp = worker_remote_publisher(dp, w, s->stream);
				struct dpmsg_relay r = {.version = DPMSG_VERSION, .type = DPMSG_RELAY_REMB,
						.stream = s->stream, .ntp = s->remb_bps};
				if (rp >= 0)
					worker_relay(dp, w, m->pool, &r, NULL, 0, UINT64_C(1) << rp);
			}
			rtc_stats_inc(&w->stats, RTC_STAT_rtcp_consumed);
		} else if (meta->cls == DEMUX_RTCP) {
			if (s->role == 0) {
				worker_publisher_rtcp(dp, w, m->pool, s, pl, len, now_us);
				/* a voice session's receiver reports on our SRs: its RTT */
				if (s->sr_sent != 0)
					worker_peer_reports(s, pl, len, now_us, 0);
			}
			rtc_stats_inc(&w->stats, RTC_STAT_rtcp_consumed);
		} else {
			rtc_stats_inc(&w->stats, RTC_DROP_rtp_not_forwarded);
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * A media datagram this worker handles. STUN goes to the session its
 * routing label names (answered here, or handed to the owning worker);
 * DTLS, RTP and RTCP to the session of its flow (worker_media_flow); the
 * export ports' plain RTP to its session (worker_export_in). Returns 1 if
 * @m was consumed (sent or handed off), 0 if the caller frees it.
 */
static inline int
worker_media(const struct dp *dp, struct worker *w, struct rte_mbuf *m,
		const struct pkt_media *meta, uint64_t now_us)
{
	static const enum rtc_stat cls_stat[] = {
		[DEMUX_STUN] = RTC_STAT_media_stun,
		[DEMUX_DTLS] = RTC_STAT_media_dtls,
		[DEMUX_RTP] = RTC_STAT_media_rtp,
		[DEMUX_RTCP] = RTC_STAT_media_rtcp,
	};
	struct dpmsg_event ev[4];
	unsigned n_ev = 0, owner = 0;
	const uint8_t *resp = NULL;
	uint16_t resp_len = 0, len;

	/* counted once, by the worker that received it (not again after a hand-off) */
	if (!m->hash.usr)
		rtc_stats_inc(&w->stats, cls_stat[meta->cls]);
	if (meta->flow.lport != rte_cpu_to_be_16(dp->nif.media_port))
		return worker_export_in(dp, w, m, meta, now_us);
	if (meta->cls != DEMUX_STUN)
		return worker_media_flow(dp, w, m, meta, now_us);
	switch (wsess_stun(&w->sess, now_us, &meta->flow, rte_pktmbuf_mtod(m, const uint8_t *),
			meta->l2_len, rte_pktmbuf_mtod_offset(m, const uint8_t *, meta->payload_off),
			meta->payload_len, &w->stats, &resp, &resp_len, &owner, ev, RTE_DIM(ev),
			&n_ev)) {
	case WSESS_TX:
		worker_send_events(w, ev, n_ev);
		len = pkt_udp_reply(rte_pktmbuf_mtod(m, uint8_t *),
				(uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)), meta, resp,
				resp_len);
		if (len == 0) {
			rtc_stats_inc(&w->stats, RTC_DROP_reply_no_room);
			return 0;
		}
		m->data_len = len;
		m->pkt_len = len;
		m->ol_flags = 0;
		worker_tx(dp, w, m);
		return 1;
	case WSESS_HANDOFF:
		if (owner >= dp->n_workers || owner == w->idx) {
			rtc_stats_inc(&w->stats, RTC_DROP_stun_no_session);
			return 0;
		}
		return worker_handoff(dp, w, m, owner) == 0;
	default:
		worker_send_events(w, ev, n_ev);
		return 0;
	}
}

/*
 * Pass @m to its owner with its metadata (in the headroom, see
 * worker_meta_slot); 0 if queued, -1 if the owner's ring is full (counted).
 */
static int
worker_handoff(const struct dp *dp, struct worker *w, struct rte_mbuf *m, unsigned owner)
{
	m->hash.usr = 1; /* handed off once: the owner does not hand it on by hash */
	if (rte_ring_enqueue(dp->workers[owner].handoff, m) != 0) {
		rtc_stats_inc(&w->stats, RTC_DROP_handoff_full);
		return -1;
	}
	rtc_stats_inc(&w->stats, RTC_STAT_handoff_out);
	return 0;
}

/* What the NIC said about the frame's checksums, as PKT_HW_* flags. */
static inline uint32_t
worker_hw_cksum(const struct rte_mbuf *m)
{
	uint32_t f = 0;

	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		f |= PKT_HW_IP4_GOOD;
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		f |= PKT_HW_IP4_BAD;
		break;
	}
	switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
		f |= PKT_HW_L4_GOOD;
		break;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD:
		f |= PKT_HW_L4_BAD;
		break;
	}
	return f;
}

/*
 * Release frames this worker received and is done with. Fresh RX mbufs are
 * direct, single-segment, referenced once and from one pool: then they go
 * straight back to the pool (what DPDK's MBUF_FAST_FREE does on TX), else
 * through the general free.
 */
static inline void
worker_free_rx(struct rte_mbuf **m, uint16_t n)
{
	struct rte_mempool *pool = m[0]->pool;

	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(m[i]->pool != pool || rte_mbuf_refcnt_read(m[i]) != 1 ||
				    m[i]->nb_segs != 1 || !RTE_MBUF_DIRECT(m[i]) ||
				    m[i]->next != NULL)) {
			rte_pktmbuf_free_bulk(m, n);
			return;
		}
	}
	rte_mempool_put_bulk(pool, (void **)m, n);
}

/*
 * The RTP of a received burst, batched: each packet's session found by its
 * flow, then per session (in arrival order) one unprotect burst and one
 * forwarding pass (worker_publisher_rtp: one protect burst per viewer).
 * What is not a session of this worker (to hand off, unknown) takes the
 * one-packet path. Every mbuf ends in @done (freed by the caller) or is
 * consumed (handed off, or sent on to a publisher's last viewer).
 */
static void
worker_rtp_batch(const struct dp *dp, struct worker *w, struct rte_mbuf **ms,
		const struct pkt_media *meta, unsigned n, struct rte_mbuf **done, uint16_t *n_done,
		uint64_t now_us)
{
	struct wsess *ss[WORKER_BURST];

	for (unsigned i = 0; i < n; i++) {
		enum wsess_verdict v = WSESS_DROP;
		unsigned owner = 0;
		ss[i] = wsess_flow(&w->sess, &meta[i].flow, &owner, &v);
		/* no session here: the verdict is known, no second lookup */
		if (ss[i] == NULL && !worker_flow_elsewhere(dp, w, ms[i], &meta[i], v, owner))
			done[(*n_done)++] = ms[i];
	}
	for (unsigned i = 0; i < n; i++) {
		struct wsess *s = ss[i];
		struct rte_mbuf *own[WORKER_BURST];
		uint8_t *pl[WORKER_BURST], res[WORKER_BURST];
		uint16_t lens[WORKER_BURST];
		unsigned k = 0, ok = 0;

		if (s == NULL)
			continue;
		for (unsigned j = i; j < n; j++) {
			if (ss[j] != s)
				continue;
			ss[j] = NULL;
			pl[k] = rte_pktmbuf_mtod_offset(ms[j], uint8_t *, meta[j].payload_off);
			lens[k] = meta[j].payload_len;
			wsess_rx_seen(s, lens[k], now_us);
			own[k] = ms[j];
			k++;
		}
		if (!s->srtp_on) {
			s->media.no_srtp += k;
			w->stats.v[RTC_DROP_media_no_srtp] += k;
			ok = 0;
		} else {
			srtp_unprotect_burst(w->srtp_eng, &s->rx, pl, lens, k, res);
			for (unsigned j = 0; j < k; j++) {
				if (res[j] != SRTP_RES_OK) {
					s->media.srtp_fail++;
					rtc_stats_inc(&w->stats, RTC_DROP_srtp_unprotect_failed);
					done[(*n_done)++] = own[j];
					continue;
				}
				wsess_rtp_received(s, pl[j], lens[j], now_us, &w->stats);
				pl[ok] = pl[j];
				lens[ok] = lens[j];
				own[ok] = own[j];
				ok++;
			}
			k = ok;
		}
		if (ok != 0 && s->role == 0)
			worker_publisher_rtp(dp, w, ms[i]->pool, s, pl, lens, own, ok, now_us);
		else
			w->stats.v[RTC_DROP_rtp_not_forwarded] += ok;
		for (unsigned j = 0; j < k; j++)
			if (own[j] != NULL)
				done[(*n_done)++] = own[j];
	}
}

/* One received burst through pkt_process(); verdicts become TX, media or free. */
static void
worker_rx_burst(const struct dp *dp, struct worker *w, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_us)
{
	struct pkt_ctx ctx = {.nif = &dp->nif, .neigh = &w->neigh, .st = &w->stats,
			.now_us = now_us};
	struct rte_mbuf *done[WORKER_BURST], *rtp[WORKER_BURST];
	struct pkt_media rtp_meta[WORKER_BURST];
	uint16_t n_done = 0, n_rtp = 0;
	struct pkt_media meta;

	w->stats.v[RTC_STAT_rx_packets] += n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t len = rte_pktmbuf_data_len(m);
		uint16_t room = (uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m));

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		w->stats.v[RTC_STAT_rx_bytes] += m->pkt_len;
		if (unlikely(m->nb_segs != 1)) {
			rtc_stats_inc(&w->stats, RTC_DROP_rx_multiseg);
			done[n_done++] = m;
			continue;
		}
		ctx.hw_cksum = worker_hw_cksum(m);
		switch (pkt_process(&ctx, rte_pktmbuf_mtod(m, uint8_t *), &len, room, &meta)) {
		case PKT_TX:
			m->data_len = len;
			m->pkt_len = len;
			m->ol_flags = 0;
			worker_tx(dp, w, m);
			break;
		case PKT_MEDIA:
			/* the owner reads the metadata from the headroom, not a second parse */
			if (unlikely(rte_pktmbuf_headroom(m) < MEDIA_META_ROOM)) {
				rtc_stats_inc(&w->stats, RTC_DROP_reply_no_room);
				done[n_done++] = m;
				break;
			}
			/* the receiving worker resolves the owner: STUN by its ufrag label,
			 * the rest by the flow tables (worker_media_flow) */
			m->hash.usr = 0; /* not handed off yet */
			if (meta.cls == DEMUX_RTP &&
					meta.flow.lport == rte_cpu_to_be_16(dp->nif.media_port)) {
				/* SRTP: batched after the burst (worker_rtp_batch; the metadata
				 * goes to the headroom only if the packet is handed off) */
				rtc_stats_inc(&w->stats, RTC_STAT_media_rtp);
				rtp_meta[n_rtp] = meta;
				rtp[n_rtp++] = m;
				break;
			}
			*worker_meta_slot(m) = meta;
			if (!worker_media(dp, w, m, &meta, now_us))
				done[n_done++] = m;
			break;
		case PKT_DROP:
		case PKT_CONSUMED:
			done[n_done++] = m;
			break;
		}
	}
	if (n_rtp != 0)
		worker_rtp_batch(dp, w, rtp, rtp_meta, n_rtp, done, &n_done, now_us);
	if (n_done != 0)
		worker_free_rx(done, n_done);
}

/* DTLS datagrams the control lcore wrote: headers prepended, sent on the session's pair. */
static unsigned
worker_dtls_down(const struct dp *dp, struct worker *w, uint64_t now_us)
{
	struct rte_mbuf *ms[WORKER_BURST];
	unsigned n = rte_ring_dequeue_burst(w->dtls_down, (void **)ms, WORKER_BURST, NULL);

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = ms[i];
		/* a copy: the headers prepended below overwrite the headroom it sits in */
		struct dpmsg_dgram dg;
		const struct dpmsg_dgram *d = &dg;
		struct wsess *s;
		worker_msg_get(m, &dg, sizeof(dg));
		s = d->version == DPMSG_VERSION ? wsess_lookup(&w->sess, d->slot, d->gen)
							       : NULL;
		uint16_t plen = rte_pktmbuf_data_len(m), hlen;
		uint8_t *frame;

		if (s == NULL || !s->has_flow || s->l2_len == 0) {
			rtc_stats_inc(&w->stats, RTC_DROP_dtls_down_no_pair);
			rte_pktmbuf_free(m);
			continue;
		}
		if (d->kind == DPMSG_DGRAM_AUDIO) {
			/* injected audio (say): our RTP header, then the session's SRTP */
			uint8_t *rtp = (uint8_t *)rte_pktmbuf_prepend(m, 12), *pl[1], res[1];
			uint16_t lens[1], seq;
			uint32_t ts = d->ts;
			if (rtp == NULL || !s->srtp_on || s->pt[0] == DPMSG_PT_NONE ||
					rte_pktmbuf_append(m, SRTP_MAX_TRAILER) == NULL) {
				rtc_stats_inc(&w->stats, RTC_DROP_fwd_protect_failed);
				rte_pktmbuf_free(m);
				continue;
			}
			/* the session's one outgoing audio stream (worker_voice_map) */
			fwd_seqmap_next(&s->voice_out, s->local_ssrc[0], s->inj_seq, ts, s->clock[0],
					now_us);
			seq = (uint16_t)(s->inj_seq++ + s->voice_out.seq_add);
			ts += s->voice_out.ts_add;
			s->inj_last_us = now_us;
			rtp[0] = 0x80;
			rtp[1] = (uint8_t)((d->marker ? 0x80 : 0) | (s->pt[0] & 0x7f));
			rtp[2] = (uint8_t)(seq >> 8);
			rtp[3] = (uint8_t)seq;
			rtp[4] = (uint8_t)(ts >> 24), rtp[5] = (uint8_t)(ts >> 16);
			rtp[6] = (uint8_t)(ts >> 8), rtp[7] = (uint8_t)ts;
			rtp[8] = (uint8_t)(s->local_ssrc[0] >> 24), rtp[9] = (uint8_t)(s->local_ssrc[0] >> 16);
			rtp[10] = (uint8_t)(s->local_ssrc[0] >> 8), rtp[11] = (uint8_t)s->local_ssrc[0];
			pl[0] = rtp;
			lens[0] = (uint16_t)(12 + plen);
			if (srtp_protect_burst(w->srtp_eng, &s->tx, pl, lens, 1, res) != 1) {
				rtc_stats_inc(&w->stats, RTC_DROP_fwd_protect_failed);
				rte_pktmbuf_free(m);
				continue;
			}
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - lens[0]));
			plen = lens[0];
			s->tx_pkts[0]++;
			s->tx_kind_bytes[0] += plen;
			rtc_stats_inc(&w->stats, RTC_STAT_tts_rtp);
		}
		hlen = pkt_udp_headers_len(s->flow.family, s->l2_len);
		frame = (uint8_t *)rte_pktmbuf_prepend(m, hlen);
		if (frame == NULL || pkt_udp_build(frame, s->l2, s->l2_len, &s->flow, plen) == 0) {
			rtc_stats_inc(&w->stats, RTC_DROP_reply_no_room);
			rte_pktmbuf_free(m);
			continue;
		}
		m->ol_flags = 0;
		s->tx_packets++;
		s->tx_bytes += plen;
		if (d->kind == DPMSG_DGRAM_DTLS) {
			s->media.dtls_tx++;
			rtc_stats_inc(&w->stats, RTC_STAT_dtls_down);
		}
		worker_tx(dp, w, m);
	}
	return n;
}

/*
 * Flow ownership between workers: ours go to every other worker (a full ring
 * loses it, counted; the flow's packets then reach us only by the 5-tuple
 * hash), theirs are applied to our directory of foreign flows.
 */
static unsigned
worker_announcements(const struct dp *dp, struct worker *w)
{
	struct wsess_announce a[16];
	unsigned n = 0, k;

	if (w->announce == NULL)
		return 0;
	while (wsess_announce_poll(&w->sess, &a[0])) {
		for (uint16_t i = 0; i < dp->n_workers; i++)
			if (i != w->idx && rte_ring_enqueue_elem(dp->workers[i].announce, &a[0],
						   sizeof(a[0])) != 0)
				rtc_stats_inc(&w->stats, RTC_STAT_announce_lost);
		n++;
	}
	k = rte_ring_dequeue_burst_elem(w->announce, a, sizeof(a[0]), RTE_DIM(a), NULL);
	for (unsigned i = 0; i < k; i++)
		wsess_announce_apply(&w->sess, &a[i]);
	return n + k;
}

/* Commands from the control lcore, and session timers; the number of commands applied. */
static unsigned
worker_control(const struct dp *dp, struct worker *w, uint64_t now_us)
{
	struct dpmsg_cmd cmd[8];
	struct dpmsg_event ev[8];
	unsigned n, n_ev = 0, n_dtls;

	/* DTLS first: a session's close_notify was queued before its DEL */
	n_dtls = worker_dtls_down(dp, w, now_us);
	n = rte_ring_dequeue_burst_elem(w->cmd_ring, cmd, sizeof(cmd[0]), RTE_DIM(cmd), NULL);
	for (unsigned i = 0; i < n; i++) {
		int got_ev = wsess_apply(&w->sess, &cmd[i], now_us, &ev[n_ev], &w->stats);
		/* a viewer whose SRTP is ready wants a keyframe now, not at the next one */
		if (got_ev && ev[n_ev].type == DPMSG_EV_SRTP && ev[n_ev].status == 0 &&
				cmd[i].slot < w->sess.cap && w->sess.s[cmd[i].slot].role == 1 &&
				dp->pool != NULL)
			worker_request_keyframe(dp, w, dp->pool, w->sess.s[cmd[i].slot].stream, now_us);
		n_ev += got_ev ? 1u : 0u;
	}
	worker_send_events(w, ev, n_ev);
	n_ev = 0;
	wsess_tick(&w->sess, now_us, ev, RTE_DIM(ev), &n_ev);
	worker_send_events(w, ev, n_ev);
	worker_rtcp_tick(dp, w, now_us);
	return n + n_dtls + worker_announcements(dp, w) + worker_relay_in(dp, w, now_us);
}

/* l3fwd-power style: spin while busy, back off exponentially once idle. */
static void
worker_idle(const struct dp *dp, struct worker *w, unsigned got)
{
	if (got != 0 || dp->idle.sleep_max_us == 0) {
		w->idle_polls = 0;
		w->sleep_us = 0;
		return;
	}
	if (++w->idle_polls < dp->idle.polls_before_sleep) {
		rte_pause();
		return;
	}
	w->sleep_us = w->sleep_us ? RTE_MIN(w->sleep_us * 2, dp->idle.sleep_max_us) : 1;
	w->stats.v[RTC_STAT_idle_sleeps]++;
	rte_delay_us_sleep(w->sleep_us);
}

int
worker_main(void *arg)
{
	struct dp *dp = arg;
	struct worker *w = NULL;
	struct rte_mbuf *pkts[WORKER_BURST];
	const uint64_t tsc_hz = rte_get_tsc_hz();
	uint64_t prev_tsc = rte_rdtsc();
	unsigned self = rte_lcore_id();

	for (uint16_t i = 0; i < dp->n_workers; i++)
		if (dp->workers[i].lcore == self)
			w = &dp->workers[i];
	if (w == NULL)
		return -ENOENT;
	RTC_LOG(INFO, "worker %u on lcore %u: rx queue %d, tx queue %d", w->idx, self, w->rxq,
			w->txq);

	while (!dp->quit) {
		uint64_t now_tsc = rte_rdtsc();
		uint64_t now_us = now_tsc / (tsc_hz / 1000000);
		unsigned got = 0;
		uint16_t n;

		if (now_tsc - prev_tsc > dp->tx_drain_tsc) {
			worker_tx_flush(dp, w);
			prev_tsc = now_tsc;
		}
		if (w->rxq >= 0) {
			n = rte_eth_rx_burst(dp->port_id, (uint16_t)w->rxq, pkts, WORKER_BURST);
			if (n != 0)
				worker_rx_burst(dp, w, pkts, n, now_us);
			got += n;
		}
		/* media frames other workers received for flows we own */
		n = (uint16_t)rte_ring_dequeue_burst(w->handoff, (void **)pkts, WORKER_BURST, NULL);
		if (n != 0) {
			struct rte_mbuf *done[WORKER_BURST];
			uint16_t n_done = 0;
			w->stats.v[RTC_STAT_handoff_in] += n;
			for (uint16_t i = 0; i < n; i++) {
				struct pkt_media meta = *worker_meta_slot(pkts[i]);
				if (!worker_media(dp, w, pkts[i], &meta, now_us))
					done[n_done++] = pkts[i];
			}
			if (n_done != 0)
				worker_free_rx(done, n_done);
			got += n;
		}
		got += worker_control(dp, w, now_us);
		/* frames other workers send through our TX queue */
		if (w->txring != NULL) {
			n = (uint16_t)rte_ring_dequeue_burst(w->txring, (void **)pkts, WORKER_BURST,
					NULL);
			if (n != 0)
				worker_tx_account(w, pkts, n,
						rte_eth_tx_burst(dp->port_id, (uint16_t)w->txq, pkts, n));
			got += n;
		}
		if (got == 0)
			worker_tx_flush(dp, w);
		worker_idle(dp, w, got);
	}
	worker_tx_flush(dp, w);
	return 0;
}
