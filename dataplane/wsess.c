/* A worker's session table and STUN routing (see wsess.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>

#include "wsess.h"

#define TICK_US 10000

/* The L2 header of the frame being handled (wsess_stun), for drain_agent(). */
struct wsess_frame {
	const uint8_t *l2;
	uint16_t l2_len;
};

void
wsess_table_init(struct wsess_table *t, struct wsess *slots, uint32_t cap,
		struct flowtab_entry *flows, uint32_t nflows, uint16_t worker, uint16_t node,
		const struct ufrag_key *keys, unsigned nkeys, const struct srtp_backend *be,
		struct srtp_engine *eng)
{
	memset(t, 0, sizeof(*t));
	t->s = slots;
	t->cap = cap;
	t->worker = worker;
	t->node = node;
	t->nkeys = nkeys > 2 ? 2 : nkeys;
	memcpy(t->keys, keys, t->nkeys * sizeof(keys[0]));
	flowtab_init(&t->flows, flows, nflows);
	t->srtp_be = be;
	t->srtp_eng = eng;
}

void
wsess_table_streams(struct wsess_table *t, struct wstream *streams, uint32_t n)
{
	t->streams = streams;
	t->n_streams = n;
	for (uint32_t i = 0; i < n; i++) {
		streams[i].pub = -1;
		streams[i].first_viewer = -1;
		streams[i].n_viewers = 0;
		streams[i].last_pli_us = 0;
		streams[i].pli_pending = 0;
	}
}

int
wsess_kind_of_pt(const struct wsess *s, int pt)
{
	if (pt < 0 || pt == DPMSG_PT_NONE)
		return -1;
	if (pt == s->pt[0])
		return 0;
	if (pt == s->pt[1])
		return 1;
	if (pt == s->rtx_pt)
		return 2;
	return -1;
}

/* Join / leave the stream's lists on this worker. */
static void
stream_link(struct wsess_table *t, struct wsess *s, int32_t slot)
{
	struct wstream *st;

	s->next_viewer = s->prev_viewer = -1;
	if (s->stream >= t->n_streams)
		return;
	st = &t->streams[s->stream];
	if (s->role == 0) {
		st->pub = slot;
		if (t->pub_worker != NULL)
			__atomic_store_n(&t->pub_worker[s->stream], (uint16_t)(t->worker + 1),
					__ATOMIC_RELEASE);
		return;
	}
	s->next_viewer = st->first_viewer;
	if (st->first_viewer >= 0)
		t->s[st->first_viewer].prev_viewer = slot;
	st->first_viewer = slot;
	if (st->n_viewers++ == 0 && t->viewer_mask != NULL)
		__atomic_fetch_or(&t->viewer_mask[s->stream], UINT64_C(1) << t->worker,
				__ATOMIC_RELEASE);
}

static void
stream_unlink(struct wsess_table *t, struct wsess *s, int32_t slot)
{
	struct wstream *st;

	if (s->stream >= t->n_streams)
		return;
	st = &t->streams[s->stream];
	if (s->role == 0) {
		if (st->pub == slot) {
			st->pub = -1;
			/* unless another worker's publisher took the stream meanwhile */
			if (t->pub_worker != NULL) {
				uint16_t me = (uint16_t)(t->worker + 1);
				__atomic_compare_exchange_n(&t->pub_worker[s->stream], &me, 0, 0,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED);
			}
		}
		return;
	}
	if (s->prev_viewer >= 0)
		t->s[s->prev_viewer].next_viewer = s->next_viewer;
	else if (st->first_viewer == slot)
		st->first_viewer = s->next_viewer;
	if (s->next_viewer >= 0)
		t->s[s->next_viewer].prev_viewer = s->prev_viewer;
	if (--st->n_viewers == 0 && t->viewer_mask != NULL)
		__atomic_fetch_and(&t->viewer_mask[s->stream], ~(UINT64_C(1) << t->worker),
				__ATOMIC_RELEASE);
}

static void
addr_to_flow16(const struct stun_addr *a, uint8_t out[16])
{
	if (a->family == 4) {
		static const uint8_t prefix[12] = {[10] = 0xff, [11] = 0xff};
		memcpy(out, prefix, 12);
		memcpy(out + 12, a->addr, 4);
	} else {
		memcpy(out, a->addr, 16);
	}
}

void
wsess_table_rtx(struct wsess_table *t, struct wsess_rtxbuf *bufs, int32_t *free_list, uint32_t n)
{
	t->rtx = bufs;
	t->rtx_free = free_list;
	t->n_rtx = t->rtx_free_n = n;
	for (uint32_t i = 0; i < n; i++)
		free_list[i] = (int32_t)(n - 1 - i);
}

void
wsess_table_foreign(struct wsess_table *t, struct flowtab_entry *entries, uint32_t n)
{
	flowtab_init(&t->foreign, entries, n);
	t->announce_on = 1;
}

static void
announce(struct wsess_table *t, const struct pkt_flow *f, int add)
{
	struct wsess_announce *a;

	if (!t->announce_on)
		return;
	if (t->aq_tail - t->aq_head == WSESS_ANNOUNCE_Q) {
		t->announce_lost++;
		return;
	}
	a = &t->aq[t->aq_tail++ % WSESS_ANNOUNCE_Q];
	memset(a, 0, sizeof(*a));
	a->version = DPMSG_VERSION;
	a->add = (uint8_t)add;
	a->owner = t->worker;
	a->flow = *f;
}

int
wsess_announce_poll(struct wsess_table *t, struct wsess_announce *out)
{
	if (t->aq_head == t->aq_tail)
		return 0;
	*out = t->aq[t->aq_head++ % WSESS_ANNOUNCE_Q];
	return 1;
}

void
wsess_announce_apply(struct wsess_table *t, const struct wsess_announce *a)
{
	if (!t->announce_on || a->version != DPMSG_VERSION || a->owner == t->worker)
		return;
	if (a->add)
		flowtab_put(&t->foreign, &a->flow, a->owner, 0);
	else
		flowtab_del(&t->foreign, &a->flow, a->owner);
}

/* The selected pair (from the agent's event) becomes the session's flow. */
static void
wsess_set_flow(struct wsess_table *t, struct wsess *s, uint32_t slot, const struct ice_event *ie,
		const struct wsess_frame *fr)
{
	struct pkt_flow f = {0};

	f.family = ie->remote.family;
	addr_to_flow16(&ie->remote, f.raddr);
	addr_to_flow16(&ie->local, f.laddr);
	f.rport = rte_cpu_to_be_16(ie->remote.port);
	f.lport = rte_cpu_to_be_16(ie->local.port);
	if (s->has_flow && flowtab_del(&t->flows, &s->flow, slot) == 0)
		announce(t, &s->flow, 0);
	s->flow = f;
	s->has_flow = flowtab_put(&t->flows, &f, slot, s->gen) == 0;
	if (s->has_flow)
		announce(t, &f, 1);
	if (fr != NULL && fr->l2_len >= 14 && fr->l2_len <= WSESS_L2_MAX) {
		/* toward the peer: its MAC (the request's source) first, then ours */
		memcpy(s->l2, fr->l2 + 6, 6);
		memcpy(s->l2 + 6, fr->l2, 6);
		memcpy(s->l2 + 12, fr->l2 + 12, fr->l2_len - 12u);
		s->l2_len = (uint8_t)fr->l2_len;
	}
}

struct wsess *
wsess_lookup(struct wsess_table *t, uint32_t slot, uint32_t gen)
{
	struct wsess *s;

	if (slot >= t->cap)
		return NULL;
	s = &t->s[slot];
	if (!s->active || (s->gen != gen && !(s->pending && s->pending_gen == gen)))
		return NULL;
	return s;
}

static void
ev_fill(struct dpmsg_event *ev, const struct wsess_table *t, const struct dpmsg_cmd *c,
		enum dpmsg_ev_type type, int status, uint64_t now_us)
{
	memset(ev, 0, sizeof(*ev));
	ev->version = DPMSG_VERSION;
	ev->type = (uint16_t)type;
	ev->worker = t->worker;
	ev->status = (int16_t)status;
	ev->slot = c->slot;
	ev->gen = c->gen;
	ev->sess_id = c->sess_id;
	ev->time_us = now_us;
}

int
wsess_apply(struct wsess_table *t, const struct dpmsg_cmd *c, uint64_t now_us,
		struct dpmsg_event *ev, struct rtc_stats *st)
{
	struct wsess *s;
	struct ice_config ic;
	int rc;

	if (c->version != DPMSG_VERSION || c->slot >= t->cap) {
		rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
		return 0;
	}
	rtc_stats_inc(st, RTC_STAT_sess_cmds);
	s = &t->s[c->slot];
	switch (c->type) {
	case DPMSG_SESS_ADD:
		/* a slot is given out again only after its DEL (same ring, in order) */
		if (!s->active)
			t->n_active++;
		memset(s, 0, offsetof(struct wsess, ice));
		ic.ufrag = c->creds.ufrag;
		ic.pwd = c->creds.pwd;
		ic.remote_ufrag = c->creds.remote_ufrag;
		ic.local_priority = c->local_priority;
		rc = ice_agent_init(&s->ice, &ic, now_us);
		if (rc != 0) {
			t->n_active--;
			ev_fill(ev, t, c, DPMSG_EV_ADDED, rc, now_us);
			return 1;
		}
		s->active = 1;
		s->gen = c->gen;
		s->sess_id = c->sess_id;
		s->role = c->media.role;
		s->echo = c->media.echo;
		s->export_audio = c->media.export_audio;
		memcpy(s->pt, c->media.pt, sizeof(s->pt));
		s->rtx_pt = c->media.rtx_pt;
		memcpy(s->local_ssrc, c->media.local_ssrc, sizeof(s->local_ssrc));
		memcpy(s->remote_ssrc, c->media.remote_ssrc, sizeof(s->remote_ssrc));
		s->stream = c->media.stream;
		memcpy(s->clock, c->media.clock, sizeof(s->clock));
		s->local_rtx_ssrc = c->media.local_rtx_ssrc;
		memcpy(s->ext, c->media.ext, sizeof(s->ext));
		s->rtxbuf = -1;
		if (s->role == 0 && s->pt[1] != DPMSG_PT_NONE) {
			if (t->rtx_free_n > 0) {
				s->rtxbuf = t->rtx_free[--t->rtx_free_n];
				memset(t->rtx[s->rtxbuf].len, 0, sizeof(t->rtx[s->rtxbuf].len));
			} else if (t->n_rtx > 0) {
				t->rtx_pool_empty++;
			}
		}
		stream_link(t, s, (int32_t)c->slot);
		s->next_timeout_us = ice_agent_poll_timeout(&s->ice);
		ev_fill(ev, t, c, DPMSG_EV_ADDED, 0, now_us);
		return 1;
	case DPMSG_SESS_CAND:
		s = wsess_lookup(t, c->slot, c->gen);
		if (s == NULL) {
			rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
			return 0;
		}
		/* a full candidate table is not fatal: requests teach the agent the pairs */
		ice_agent_add_remote_candidate(&s->ice, &c->cand.addr, c->cand.priority,
				(enum ice_cand_type)c->cand.type);
		return 0;
	case DPMSG_SESS_RESTART:
		s = wsess_lookup(t, c->slot, c->gen);
		if (s == NULL) {
			rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
			return 0;
		}
		if (ice_agent_set_pending_credentials(&s->ice, c->creds.ufrag, c->creds.pwd,
				    c->creds.remote_ufrag) == 0) {
			s->pending = 1;
			s->pending_gen = c->new_gen;
		}
		return 0;
	case DPMSG_SESS_SRTP: {
		struct srtp_params rx = {.profile = (enum srtp_profile)c->srtp.profile,
				.dir = SRTP_DIR_INBOUND};
		struct srtp_params tx = {.profile = (enum srtp_profile)c->srtp.profile,
				.dir = SRTP_DIR_OUTBOUND};
		s = wsess_lookup(t, c->slot, c->gen);
		if (s == NULL) {
			rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
			return 0;
		}
		memcpy(rx.master_key, c->srtp.remote_key, sizeof(c->srtp.remote_key));
		memcpy(rx.master_salt, c->srtp.remote_salt, sizeof(c->srtp.remote_salt));
		memcpy(tx.master_key, c->srtp.local_key, sizeof(c->srtp.local_key));
		memcpy(tx.master_salt, c->srtp.local_salt, sizeof(c->srtp.local_salt));
		rc = t->srtp_be == NULL ? -ENOTSUP
					: srtp_ctx_init(&s->rx, t->srtp_be, t->srtp_eng, &rx);
		if (rc == 0)
			rc = srtp_ctx_init(&s->tx, t->srtp_be, t->srtp_eng, &tx);
		memset(&rx, 0, sizeof(rx));
		memset(&tx, 0, sizeof(tx));
		s->srtp_on = rc == 0;
		ev_fill(ev, t, c, DPMSG_EV_SRTP, rc, now_us);
		return 1;
	}
	case DPMSG_SESS_DEL:
		s = wsess_lookup(t, c->slot, c->gen);
		if (s == NULL) {
			rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
			return 0;
		}
		if (s->has_flow && flowtab_del(&t->flows, &s->flow, c->slot) == 0)
			announce(t, &s->flow, 0);
		stream_unlink(t, s, (int32_t)c->slot);
		if (s->rtxbuf >= 0)
			t->rtx_free[t->rtx_free_n++] = s->rtxbuf;
		memset(s, 0, sizeof(*s)); /* the ICE password and SRTP keys too */
		t->n_active--;
		ev_fill(ev, t, c, DPMSG_EV_REMOVED, 0, now_us);
		return 1;
	default:
		rtc_stats_inc(st, RTC_STAT_sess_cmds_stale);
		return 0;
	}
}

static void
flow_addrs(const struct pkt_flow *f, struct stun_addr *src, struct stun_addr *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = f->family;
	src->port = rte_be_to_cpu_16(f->rport);
	dst->port = rte_be_to_cpu_16(f->lport);
	if (f->family == 4) {
		memcpy(src->addr, f->raddr + 12, 4);
		memcpy(dst->addr, f->laddr + 12, 4);
	} else {
		memcpy(src->addr, f->raddr, 16);
		memcpy(dst->addr, f->laddr, 16);
	}
}

static void
push_ev(const struct wsess_table *t, const struct wsess *s, uint32_t slot, enum dpmsg_ev_type type,
		const struct ice_event *ie, uint64_t now_us, struct dpmsg_event *ev, unsigned ev_cap,
		unsigned *n_ev)
{
	struct dpmsg_event *e;

	if (*n_ev >= ev_cap)
		return;
	e = &ev[(*n_ev)++];
	memset(e, 0, sizeof(*e));
	e->version = DPMSG_VERSION;
	e->type = (uint16_t)type;
	e->worker = t->worker;
	e->slot = slot;
	e->gen = s->gen;
	e->sess_id = s->sess_id;
	e->time_us = now_us;
	if (ie != NULL) {
		e->local = ie->local;
		e->remote = ie->remote;
	}
}

/* Agent events -> control events, in the agent's order (a restart's
 * RESTART_DONE may follow the pair events of the same request; every one of
 * them carries the old generation, which the control plane accepts while the
 * restart is pending). */
static void
drain_agent(struct wsess_table *t, struct wsess *s, uint32_t slot, uint64_t now_us,
		const struct wsess_frame *fr, struct dpmsg_event *ev, unsigned ev_cap, unsigned *n_ev)
{
	struct ice_event ie;

	/* a valid request was answered; an agent that failed without one never checked */
	if (!s->checking_sent && s->ice.state != ICE_STATE_NEW && s->ice.state != ICE_STATE_FAILED) {
		s->checking_sent = 1;
		push_ev(t, s, slot, DPMSG_EV_ICE_CHECKING, NULL, now_us, ev, ev_cap, n_ev);
	}
	while (ice_agent_poll_event(&s->ice, &ie)) {
		switch (ie.type) {
		case ICE_EV_RESTART_DONE:
			/* the event carries the old generation: the control plane knows it */
			push_ev(t, s, slot, DPMSG_EV_ICE_RESTARTED, &ie, now_us, ev, ev_cap, n_ev);
			s->gen = s->pending_gen;
			s->pending = 0;
			if (s->has_flow) /* the flow now maps to the new generation */
				flowtab_put(&t->flows, &s->flow, slot, s->gen);
			break;
		case ICE_EV_PAIR_SELECTED:
		case ICE_EV_PAIR_CHANGED:
			wsess_set_flow(t, s, slot, &ie, fr);
			push_ev(t, s, slot, DPMSG_EV_ICE_SELECTED, &ie, now_us, ev, ev_cap, n_ev);
			break;
		case ICE_EV_CONSENT_EXPIRED:
			push_ev(t, s, slot, DPMSG_EV_ICE_FAILED, &ie, now_us, ev, ev_cap, n_ev);
			break;
		default: /* consent refreshed: last_rx_us says it */
			break;
		}
	}
	s->next_timeout_us = ice_agent_poll_timeout(&s->ice);
}

enum wsess_verdict
wsess_stun(struct wsess_table *t, uint64_t now_us, const struct pkt_flow *flow, const uint8_t *l2,
		uint16_t l2_len, const uint8_t *buf, uint16_t len, struct rtc_stats *st,
		const uint8_t **resp, uint16_t *resp_len, unsigned *owner, struct dpmsg_event *ev,
		unsigned ev_cap, unsigned *n_ev)
{
	const struct wsess_frame fr = {l2, l2_len};
	struct stun_msg m;
	struct ufrag_username u;
	struct ufrag_fields f;
	struct wsess *s;
	struct stun_addr src, dst;
	struct ice_transmit tx;

	if (stun_msg_parse(&m, buf, len) != 0) {
		rtc_stats_inc(st, RTC_DROP_stun_malformed);
		return WSESS_DROP;
	}
	if (m.username == NULL) {
		rtc_stats_inc(st, RTC_DROP_stun_no_username);
		return WSESS_DROP;
	}
	if (ufrag_username_split((const char *)m.username, m.username_len, &u) != 0 ||
			ufrag_label_decode(t->keys, t->nkeys, u.local, u.local_len, &f) != 0) {
		rtc_stats_inc(st, RTC_DROP_stun_bad_label);
		return WSESS_DROP;
	}
	if (f.node != t->node) {
		rtc_stats_inc(st, RTC_DROP_stun_other_node);
		return WSESS_DROP;
	}
	if (f.worker != t->worker) {
		*owner = f.worker;
		return WSESS_HANDOFF;
	}
	s = wsess_lookup(t, f.slot, f.generation);
	if (s == NULL) {
		rtc_stats_inc(st, RTC_DROP_stun_no_session);
		return WSESS_DROP;
	}
	s->rx_packets++;
	s->rx_bytes += len;
	flow_addrs(flow, &src, &dst);
	if (ice_agent_handle_packet(&s->ice, now_us, &src, &dst, buf, len) != 0) {
		rtc_stats_inc(st, RTC_DROP_stun_ice_refused);
		drain_agent(t, s, f.slot, now_us, &fr, ev, ev_cap, n_ev);
		return WSESS_DROP;
	}
	s->last_rx_us = now_us;
	drain_agent(t, s, f.slot, now_us, &fr, ev, ev_cap, n_ev);
	if (!ice_agent_poll_transmit(&s->ice, &tx)) {
		rtc_stats_inc(st, RTC_DROP_stun_ice_refused);
		return WSESS_DROP;
	}
	rtc_stats_inc(st, RTC_STAT_stun_answered);
	s->tx_packets++;
	s->tx_bytes += tx.len;
	*resp = tx.buf;
	*resp_len = (uint16_t)tx.len;
	return WSESS_TX;
}

void
wsess_tick(struct wsess_table *t, uint64_t now_us, struct dpmsg_event *ev, unsigned ev_cap,
		unsigned *n_ev)
{
	if (now_us < t->next_scan_us)
		return;
	t->next_scan_us = now_us + TICK_US;
	for (uint32_t i = 0; i < t->cap && *n_ev < ev_cap; i++) {
		struct wsess *s = &t->s[i];
		if (!s->active || now_us < s->next_timeout_us)
			continue;
		ice_agent_handle_timeout(&s->ice, now_us);
		drain_agent(t, s, i, now_us, NULL, ev, ev_cap, n_ev);
	}
}

struct wsess *
wsess_flow(struct wsess_table *t, const struct pkt_flow *flow, unsigned *owner,
		enum wsess_verdict *verdict)
{
	const struct flowtab_entry *fe = flowtab_get(&t->flows, flow);
	struct wsess *s = fe ? wsess_lookup(t, fe->slot, fe->gen) : NULL;

	if (s == NULL) {
		/* another worker's session: hand it over */
		const struct flowtab_entry *ff = fe == NULL && t->announce_on
							 ? flowtab_get(&t->foreign, flow)
							 : NULL;
		if (ff != NULL && ff->slot != t->worker) {
			*owner = ff->slot;
			*verdict = WSESS_HANDOFF;
		} else {
			*verdict = WSESS_UNKNOWN;
		}
	}
	return s;
}

void
wsess_rtp_received(struct wsess *s, const uint8_t *buf, uint16_t len, uint64_t now_us,
		struct rtc_stats *st)
{
	int kind = len >= 12 ? wsess_kind_of_pt(s, buf[1] & 0x7f) : -1;

	s->media.rtp_rx++;
	s->media.rtp_rx_bytes += len;
	rtc_stats_inc(st, RTC_STAT_srtp_rx);
	if (kind == 0 || kind == 1) {
		uint32_t ssrc = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
				(uint32_t)buf[10] << 8 | buf[11];
		if (!s->rx_on[kind] || s->rx_stats[kind].ssrc != ssrc) {
			rtp_stats_init(&s->rx_stats[kind], ssrc, s->clock[kind]);
			s->rx_on[kind] = 1;
		}
		rtp_stats_update(&s->rx_stats[kind], (uint16_t)(buf[2] << 8 | buf[3]),
				(uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 |
						buf[7],
				now_us);
		s->rx_pkts[kind]++;
		s->rx_kind_bytes[kind] += len;
	}
}

enum wsess_verdict
wsess_media(struct wsess_table *t, uint64_t now_us, const struct pkt_flow *flow,
		enum demux_class cls, uint8_t *buf, uint16_t *len, struct rtc_stats *st,
		struct wsess **sess, unsigned *owner)
{
	enum wsess_verdict v = WSESS_DROP;
	struct wsess *s = wsess_flow(t, flow, owner, &v);
	uint8_t *pkts[1] = {buf};
	uint16_t lens[1] = {*len};
	uint8_t res[1];

	if (s == NULL)
		return v;
	wsess_rx_seen(s, *len, now_us);
	*sess = s;
	if (cls == DEMUX_DTLS) {
		s->media.dtls_rx++;
		return WSESS_CONTROL;
	}
	if (!s->srtp_on) {
		s->media.no_srtp++;
		rtc_stats_inc(st, RTC_DROP_media_no_srtp);
		return WSESS_DROP;
	}
	if (cls == DEMUX_RTP ? srtp_unprotect_burst(t->srtp_eng, &s->rx, pkts, lens, 1, res) != 1
			     : srtp_unprotect_rtcp_burst(t->srtp_eng, &s->rx, pkts, lens, 1, res) != 1) {
		s->media.srtp_fail++;
		rtc_stats_inc(st, RTC_DROP_srtp_unprotect_failed);
		return WSESS_DROP;
	}
	*len = lens[0];
	if (cls == DEMUX_RTP) {
		wsess_rtp_received(s, buf, *len, now_us, st);
	} else {
		s->media.rtcp_rx++;
		rtc_stats_inc(st, RTC_STAT_srtcp_rx);
	}
	return WSESS_RTP;
}
