/*
 * A worker's sessions: the table the control lcore fills through commands
 * (dpmsg.h), and the STUN path that routes a Binding request by the routing
 * label in its USERNAME (ufrag.h) to the session's ICE-lite agent (ice.h).
 * Sans-IO over byte buffers like pkt.h: no EAL, no rings; the worker moves
 * messages and frames, this module decides.
 *
 * Owns, per worker: the session slots (generation, ICE agent, counters,
 * last receive time) and the verdict for every STUN datagram: answered,
 * owned by another worker of this node (hand it off), or dropped with a
 * named reason (stats.inc). A forged or stale label is refused by its MAC
 * or generation before any per-session state is touched.
 */
#ifndef RTC_WSESS_H
#define RTC_WSESS_H

#include <stdint.h>

#include "dpmsg.h"
#include "flowtab.h"
#include "fwd.h"
#include "ice.h"
#include "pkt.h"
#include "rtp_stats.h"
#include "srtp.h"
#include "stats.h"
#include "ufrag.h"

#define WSESS_L2_MAX 18 /* Ethernet + 802.1Q */

/* Per session, what the media path counted. */
struct wsess_media_stats {
	uint64_t dtls_rx, dtls_tx;
	uint64_t rtp_rx, rtp_rx_bytes, rtcp_rx;
	uint64_t srtp_fail; /* unprotect failed (auth, replay, malformed) */
	uint64_t no_srtp;   /* RTP/RTCP before the DTLS handshake finished */
};

/*
 * A publisher's recent video packets (as received, unprotected), for viewers'
 * NACKs (RFC 4585 §6.2.1): slot = sequence number mod WSESS_RTX_N.
 */
#define WSESS_RTX_N 512
#define WSESS_RTX_MTU 1232 /* a packet longer than this is not kept (counted) */
struct wsess_rtxbuf {
	uint16_t seq[WSESS_RTX_N];
	uint16_t len[WSESS_RTX_N]; /* 0 = empty */
	uint8_t data[WSESS_RTX_N][WSESS_RTX_MTU];
};

struct wsess {
	uint8_t active;
	uint8_t pending;       /* restart credentials under pending_gen */
	uint8_t checking_sent; /* DPMSG_EV_ICE_CHECKING reported */
	uint8_t has_flow;      /* a selected pair: flow and l2 are set */
	uint8_t srtp_on;       /* rx/tx contexts are initialised */
	uint8_t l2_len;
	uint8_t l2[WSESS_L2_MAX]; /* header template toward the peer: its MAC, ours, VLAN */
	uint32_t gen;
	uint32_t pending_gen;
	uint32_t sess_id;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t last_rx_us;
	uint64_t next_timeout_us;
	struct pkt_flow flow; /* the selected pair, as received: remote = the peer */
	/* media (dpmsg_media of the ADD) */
	uint8_t role; /* 0 publisher, 1 viewer */
	uint8_t echo; /* voice echo */
	uint8_t export_audio; /* transceiver export (export.h): port export_base + sess_id */
	uint8_t pt[2];
	uint8_t rtx_pt;
	uint32_t local_ssrc[2];
	uint32_t remote_ssrc[2];
	uint32_t stream;
	int32_t next_viewer, prev_viewer; /* the stream's viewer list on this worker; -1 ends */
	uint64_t fwd_packets, fwd_bytes;  /* what this session was sent as a viewer */
	uint32_t clock[2];
	uint32_t local_rtx_ssrc; /* viewer: our RTX SSRC; 0 = plain retransmissions */
	uint16_t rtx_seq;        /* viewer: our RTX stream's next sequence number */
	struct fwd_seqmap seqmap[2]; /* viewer: per kind, numbering across publishers */
	struct fwd_extmap ext[2];    /* per kind: its header extension ids (and mid), fwd.h */
	int32_t rtxbuf;          /* publisher: its retransmission buffer, -1 = none */
	uint8_t vid_seq_valid;   /* publisher: the last video sequence number seen */
	uint16_t vid_last_seq;
	uint64_t nack_sent, nack_rx, rtx_sent, rtx_miss, rtx_rx;
	/* per kind (0 audio, 1 video): what we received (RFC 3550 statistics) and sent */
	uint8_t rx_on[2];
	uint64_t rx_pkts[2], rx_kind_bytes[2];
	struct rtp_stats rx_stats[2];
	uint64_t tx_pkts[2], tx_kind_bytes[2];
	/* viewers: the last SR we sent per kind (its NTP middle 32 bits, when), the RTT its RR gave */
	uint32_t sr_lsr[2];
	uint64_t sr_sent_us[2];
	uint64_t rtt_us[2]; /* 0 = not known */
	uint64_t sr_sent, rr_sent;
	uint64_t remb_bps, remb_us; /* viewers: their last REMB, and when */
	uint16_t inj_seq;           /* voice: our injected audio's sequence numbers */
	/*
	 * voice: our outgoing audio is one RTP stream whatever feeds it (injected
	 * say/play, the export's backend, the echo): each source's numbering mapped
	 * to continue the stream (fwd_seqmap keyed by the source: our SSRC for
	 * injected audio, the sender's SSRC otherwise); when injected audio last went
	 */
	struct fwd_seqmap voice_out;
	uint64_t inj_last_us;
	struct wsess_media_stats media;
	struct srtp_ctx rx; /* SRTP_DIR_INBOUND, the peer's keys */
	struct srtp_ctx tx; /* SRTP_DIR_OUTBOUND, ours */
	struct ice_agent ice;
};

/* A stream as this worker sees it: its publisher, if here, and its viewers here. */
struct wstream {
	int32_t pub;          /* slot, -1 = none on this worker */
	int32_t first_viewer; /* slot, -1 = none */
	uint32_t n_viewers;
	uint64_t last_pli_us; /* keyframe requests are rate-limited per stream */
	uint8_t pli_pending;  /* one was asked for within the limit: send it when it passes */
	uint64_t remote_remb_bps, remote_remb_us; /* the lowest REMB relayed by other workers */
};

/*
 * A flow's owner, told to the node's other workers: the NIC's RSS (or the
 * software hand-off's 5-tuple hash) may deliver a session's DTLS and SRTP to
 * any worker, which then hands them to the owner. Fixed size, by value on
 * each worker's announcement ring.
 */
struct wsess_announce {
	uint16_t version; /* DPMSG_VERSION */
	uint8_t add;      /* 1 the flow is @owner's now, 0 it is no one's */
	uint8_t pad;
	uint32_t owner;   /* worker index */
	struct pkt_flow flow;
	uint8_t pad2[3];
};
_Static_assert(sizeof(struct wsess_announce) % 4 == 0, "ring element size");

#define WSESS_ANNOUNCE_Q 256 /* announcements waiting for the worker to send them */

struct wsess_table {
	uint16_t worker;
	uint16_t node;
	uint32_t cap;
	uint32_t n_active;
	unsigned nkeys;
	struct ufrag_key keys[2];
	struct wsess *s; /* [cap], the caller's memory */
	uint64_t next_scan_us;
	struct flowtab flows; /* selected pairs -> slots */
	uint32_t n_streams;
	struct wstream *streams; /* [n_streams] by the node's stream index, the caller's memory */
	const struct srtp_backend *srtp_be;
	struct srtp_engine *srtp_eng; /* this worker's */
	/* retransmission buffers of publishers on this worker: a pool, the caller's memory */
	struct wsess_rtxbuf *rtx;
	uint32_t n_rtx, rtx_free_n;
	int32_t *rtx_free;
	uint64_t rtx_pool_empty; /* publishers that got none */
	/*
	 * The node's stream directory (2+ workers; NULL with one), shared by all workers:
	 * per stream index, which workers have viewers of it (bit per worker) and which
	 * worker has its publisher (+1; 0 none). Each worker writes its own bit and its own
	 * publishers; a publisher's worker relays to the others (worker.c).
	 */
	uint64_t *viewer_mask;
	uint16_t *pub_worker;
	/* other workers' flows (slot = the owner worker), kept from their announcements */
	struct flowtab foreign;
	uint8_t announce_on; /* more than one worker: announce our flows */
	uint32_t aq_head, aq_tail;
	uint64_t announce_lost; /* the queue was full */
	struct wsess_announce aq[WSESS_ANNOUNCE_Q];
};

enum wsess_verdict {
	WSESS_DROP = 0, /* counted in the stats */
	WSESS_TX,       /* a response: *resp, *resp_len */
	WSESS_HANDOFF,  /* another worker of this node owns it: *owner */
	WSESS_CONTROL,  /* a DTLS datagram for the control lcore: *sess */
	WSESS_RTP,      /* an SRTP/SRTCP packet, unprotected in place: *sess, new length */
	WSESS_UNKNOWN,  /* no session here or announced: the caller decides (not counted) */
};

/*
 * @slots: @cap zeroed entries; @flows: a zeroed array of @nflows entries (a
 * power of two >= 2 * @cap). @keys: the accepted cluster keys (1 or 2).
 * @be/@eng: the SRTP backend and this worker's engine (NULL: no SRTP).
 */
void wsess_table_init(struct wsess_table *t, struct wsess *slots, uint32_t cap,
		struct flowtab_entry *flows, uint32_t nflows, uint16_t worker, uint16_t node,
		const struct ufrag_key *keys, unsigned nkeys, const struct srtp_backend *be,
		struct srtp_engine *eng);
/*
 * A node with several workers: @entries (zeroed, @n a power of two >= 2 x
 * the node's sessions) hold the other workers' flows, and this worker's own
 * flow changes are queued for them (wsess_announce_poll).
 */
void wsess_table_foreign(struct wsess_table *t, struct flowtab_entry *entries, uint32_t n);
/* The oldest announcement to send to every other worker: 1, or 0 when none. */
int wsess_announce_poll(struct wsess_table *t, struct wsess_announce *out);
/* Another worker's announcement. */
void wsess_announce_apply(struct wsess_table *t, const struct wsess_announce *a);
/* @n retransmission buffers for the publishers (@free: @n ints of scratch). */
void wsess_table_rtx(struct wsess_table *t, struct wsess_rtxbuf *bufs, int32_t *free_list, uint32_t n);
/* The stream table (@n entries, any content): every stream starts empty. No streams: NULL, 0. */
void wsess_table_streams(struct wsess_table *t, struct wstream *streams, uint32_t n);
/* The media kind (0 audio, 1 video) of payload type @pt of publisher @s; 2 for its RTX, -1 none. */
int wsess_kind_of_pt(const struct wsess *s, int pt);

/* Apply one command; returns 1 and fills @ev when the control lcore is to be told. */
int wsess_apply(struct wsess_table *t, const struct dpmsg_cmd *c, uint64_t now_us,
		struct dpmsg_event *ev, struct rtc_stats *st);

/*
 * A STUN datagram @buf[0..len) on the media port of @flow, received in a
 * frame whose L2 header is @l2[0..l2_len) (the session keeps it, MACs
 * swapped, as the template of what it sends once the pair is selected).
 * Events (at most @ev_cap) are written to @ev and counted in *@n_ev.
 */
enum wsess_verdict wsess_stun(struct wsess_table *t, uint64_t now_us, const struct pkt_flow *flow,
		const uint8_t *l2, uint16_t l2_len, const uint8_t *buf, uint16_t len,
		struct rtc_stats *st, const uint8_t **resp, uint16_t *resp_len, unsigned *owner,
		struct dpmsg_event *ev, unsigned ev_cap, unsigned *n_ev);

/*
 * A DTLS, RTP or RTCP datagram of @flow: the session whose selected pair it
 * is, by the flow table. DTLS -> WSESS_CONTROL; SRTP/SRTCP are unprotected
 * in place (*@len shrinks) -> WSESS_RTP; another worker's flow (its
 * announcement) -> WSESS_HANDOFF with *@owner; a flow nobody announced ->
 * WSESS_UNKNOWN (the caller counts RTC_DROP_media_no_session or hands it to
 * the worker its 5-tuple hashes to); anything else is dropped and counted.
 */
/*
 * The pieces of wsess_media() for a caller that unprotects a burst itself
 * (worker.c batches a received burst's RTP per session): the session of a
 * flow (NULL with *@verdict HANDOFF and *@owner, or UNKNOWN); what every
 * datagram of a session's pair counts; the accounting of one unprotected RTP
 * packet (receive statistics per kind).
 */
struct wsess *wsess_flow(struct wsess_table *t, const struct pkt_flow *flow, unsigned *owner,
		enum wsess_verdict *verdict);
static inline void
wsess_rx_seen(struct wsess *s, uint16_t len, uint64_t now_us)
{
	s->rx_packets++;
	s->rx_bytes += len;
	s->last_rx_us = now_us;
}
void wsess_rtp_received(struct wsess *s, const uint8_t *buf, uint16_t len, uint64_t now_us,
		struct rtc_stats *st);

enum wsess_verdict wsess_media(struct wsess_table *t, uint64_t now_us, const struct pkt_flow *flow,
		enum demux_class cls, uint8_t *buf, uint16_t *len, struct rtc_stats *st,
		struct wsess **sess, unsigned *owner);

/* Consent timeouts, at most every 10 ms of @now_us; events as above. */
void wsess_tick(struct wsess_table *t, uint64_t now_us, struct dpmsg_event *ev, unsigned ev_cap,
		unsigned *n_ev);

/* The live session of (@slot, @gen or its pending generation), or NULL. */
struct wsess *wsess_lookup(struct wsess_table *t, uint32_t slot, uint32_t gen);

#endif
