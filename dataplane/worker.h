/*
 * Worker lcores: the poll-mode loop.
 *
 * Owns: each worker's private state (queues, TX buffer, neighbour cache,
 * counters, idle back-off) and the loop that moves frames through
 * pkt_process(). A worker touches only its own struct worker, the read-only
 * struct dp, and other workers' rings (MP enqueue, SC dequeue by the owner).
 * No allocation, lock, syscall or log on the hot path; the only sleep is
 * the idle back-off when nothing arrived for a while.
 */
#ifndef RTC_WORKER_H
#define RTC_WORKER_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "export.h"
#include "neigh.h"
#include "netif.h"
#include "stats.h"
#include "wsess.h"

#define WORKER_BURST 32
#define WORKER_MAX 64
#define WORKER_RING_SIZE 4096
#define WORKER_RELAY_RING 8192 /* relayed packets waiting for a worker (2+ workers) */
#define WORKER_RTX_BUFS 16 /* publishers per worker with a retransmission buffer (~630 KB each) */

struct rte_ring;
struct media_tap_ring;

/*
 * The message header (struct dpmsg_dgram, dpmsg_relay) an mbuf carries in
 * its headroom, just before its data: written and read by copy, since the
 * data may start at any byte (a datagram's payload after its headers).
 */
static inline void
worker_msg_put(struct rte_mbuf *m, const void *hdr, size_t n)
{
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, -(int)n), hdr, n);
}

static inline void
worker_msg_get(const struct rte_mbuf *m, void *hdr, size_t n)
{
	memcpy(hdr, rte_pktmbuf_mtod_offset(m, const uint8_t *, -(int)n), n);
}

struct worker_idle {
	uint32_t polls_before_sleep; /* empty polls before the first sleep */
	uint32_t sleep_max_us;	     /* back-off ceiling; 0 = busy-poll always */
};

struct worker {
	struct rtc_stats stats; /* first: telemetry reads these */
	unsigned lcore;
	uint16_t idx;
	int rxq;		/* -1: no RX queue, fed through the hand-off ring */
	int txq;		/* -1: no TX queue, sends through another worker's txring */
	struct rte_ring *handoff; /* media frames this worker owns, from other workers */
	struct rte_ring *txring;  /* frames to send on this worker's TX queue, from others */
	struct rte_ring *tx_via;  /* when txq < 0: the txring of the worker that sends for us */
	uint16_t tx_n;
	struct rte_mbuf *tx_buf[WORKER_BURST];
	uint64_t tx_deadline;
	uint32_t idle_polls;
	uint32_t sleep_us;
	struct rte_ring *cmd_ring; /* struct dpmsg_cmd from the control lcore (elem ring) */
	struct rte_ring *ev_ring;  /* struct dpmsg_event to the control lcore (elem ring) */
	struct rte_ring *dtls_up;   /* DTLS datagrams (mbufs) to the control lcore */
	struct rte_ring *dtls_down; /* DTLS datagrams (mbufs) from it, to send */
	struct rte_ring *announce;  /* struct wsess_announce from other workers (2+ workers) */
	struct rte_ring *relay;     /* mbufs with a struct dpmsg_relay, from other workers (2+) */
	struct srtp_engine *srtp_eng;
	uint64_t rtcp_last_us; /* receiver reports to publishers: last round */
	uint64_t exp_arp_us;   /* the last ARP request for export.target */
	struct media_tap_ring *tap; /* publishers' audio to the media pipeline; NULL: off */
	struct wsess_table sess;
	struct neigh_table neigh;
	uint8_t unwrap[WORKER_BURST][WSESS_RTX_MTU + 64]; /* publishers' RTX, unwrapped */
} __rte_cache_aligned;

/* The sessions every worker can hold, and the keys of the routing labels. */
struct worker_sess_params {
	uint32_t slots;   /* per worker */
	uint32_t streams; /* the node's stream indexes: session.max */
	uint16_t node;
	unsigned nkeys;
	const struct ufrag_key *keys;
	const struct srtp_backend *srtp_be; /* NULL: no SRTP (sessions stop at DTLS) */
	struct media_tap_ring *const *taps;  /* per worker, or NULL: no audio tap */
};

/* What all workers share; read-only once they run, except @quit. */
struct dp {
	volatile int quit;
	uint16_t port_id;
	uint16_t n_workers;
	struct netif nif;
	struct worker_idle idle;
	uint64_t tx_drain_tsc; /* flush a partial TX burst after this many TSC cycles */
	struct rte_mempool *pool; /* for frames workers make (forwarding, RTCP); NUMA: see port.c */
	uint64_t remb_max_bps;    /* the most a publisher is told it may send (REMB) */
	/* the transceiver export (export.h): the backend, and per session index its owner
	 * (written by the control lcore before the session's ADD, cleared after its DEL) */
	struct export_target exp;
	/* the stream directory (wsess.h), 2+ workers: per stream index */
	uint64_t *viewer_mask;
	uint16_t *pub_worker;
	volatile uint32_t *exp_owner; /* nif.export_count entries */
	struct worker *workers; /* n_workers, cache-aligned */
};

/* The dataplane's clock in µs (TSC based): workers and the control lcore compare its values. */
static inline uint64_t
rtc_now_us(void)
{
	return rte_rdtsc() / (rte_get_tsc_hz() / 1000000);
}

/* Assign queues and rings; 0 or a negative errno with @err set. */
int worker_setup(struct dp *dp, const unsigned *lcores, uint16_t n_rxq, uint16_t n_txq,
		const struct worker_sess_params *sp, char *err, size_t errlen);
/* Free the rings and worker array. */
void worker_teardown(struct dp *dp);
/* lcore entry point; arg is the struct dp. */
int worker_main(void *arg);
/* Sum of all workers' counters. */
void worker_stats_total(const struct dp *dp, struct rtc_stats *sum);

#endif
