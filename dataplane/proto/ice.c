/* ICE-lite agent (see ice.h). RFC 8445, RFC 8838, RFC 7675 sections cited inline. */
#include <string.h>

#include "ice.h"

/* ---- small helpers ---- */

static int
ice_addr_valid(const struct stun_addr *x)
{
	return x->family == 4 || x->family == 6;
}

static int
ice_addr_eq(const struct stun_addr *x, const struct stun_addr *y)
{
	return x->family == y->family && x->port == y->port &&
	       memcmp(x->addr, y->addr, x->family == 6 ? 16 : 4) == 0;
}

/* Copy with the unused address bytes zeroed, so stored addresses compare and print cleanly. */
static void
ice_addr_copy(struct stun_addr *to, const struct stun_addr *from)
{
	memset(to, 0, sizeof(*to));
	to->family = from->family;
	to->port = from->port;
	memcpy(to->addr, from->addr, from->family == 6 ? 16 : 4);
}

/* RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/" */
static int
ice_chars_ok(const char *s, size_t min, size_t max, size_t *len)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		if (n >= max)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '+' || c == '/'))
			return 0;
	}
	if (n < min)
		return 0;
	*len = n;
	return 1;
}

static int
ice_creds_set(struct ice_creds *c, const char *ufrag, const char *pwd, const char *remote_ufrag)
{
	size_t ul, pl, rl = 0;

	if (!ice_chars_ok(ufrag, ICE_UFRAG_MIN, ICE_UFRAG_MAX, &ul) ||
	        !ice_chars_ok(pwd, ICE_PWD_MIN, ICE_PWD_MAX, &pl))
		return ICE_E_INVAL;
	if (remote_ufrag != NULL && remote_ufrag[0] != '\0' &&
	        !ice_chars_ok(remote_ufrag, ICE_UFRAG_MIN, ICE_UFRAG_MAX, &rl))
		return ICE_E_INVAL;
	memset(c, 0, sizeof(*c));
	memcpy(c->ufrag, ufrag, ul);
	c->ufrag_len = (uint16_t)ul;
	if (rl) {
		memcpy(c->remote_ufrag, remote_ufrag, rl);
		c->remote_ufrag_len = (uint16_t)rl;
	}
	stun_hmac_key_init(&c->key, pwd, pl); /* RFC 8489 §9.1.1: short-term key = password */
	return 0;
}

/* RFC 8445 §6.1.2.3 with G the controlling (remote) and D the controlled (our) priority. */
static uint64_t
ice_pair_priority(uint32_t g, uint32_t d)
{
	uint64_t lo = g < d ? g : d, hi = g < d ? d : g;

	return (lo << 32) + 2 * hi + (g > d ? 1 : 0);
}

static int
ice_fresh(const struct ice_pair *p, uint64_t now_us)
{
	return now_us - p->last_valid_us < ICE_CONSENT_TIMEOUT_US;
}

static int
ice_drop(struct ice_agent *a, enum ice_drop why)
{
	a->drops[why]++;
	return -(int)why;
}

static void
ice_event_push(struct ice_agent *a, enum ice_event_type type, uint64_t now_us)
{
	struct ice_event *ev;

	if (a->ev_tail - a->ev_head >= ICE_EVQ_LEN) {
		a->stats[ICE_STAT_EVENTS_LOST]++;
		return;
	}
	ev = &a->ev[a->ev_tail++ & (ICE_EVQ_LEN - 1)];
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)type;
	ev->time_us = now_us;
	if (a->selected >= 0) {
		ev->local = a->pairs[a->selected].local;
		ev->remote = a->pairs[a->selected].remote;
	}
}

/* ---- configuration ---- */

int
ice_agent_init(struct ice_agent *a, const struct ice_config *cfg, uint64_t now_us)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->selected = -1;
	rc = ice_creds_set(&a->creds[0], cfg->ufrag, cfg->pwd, cfg->remote_ufrag);
	if (rc != 0)
		return rc;
	a->state = ICE_STATE_NEW;
	a->local_priority = cfg->local_priority;
	a->start_us = now_us;
	return 0;
}

/* A peer-reflexive candidate no pair refers to, whose slot may be reused; -1 if none. */
static int
ice_cand_reusable(const struct ice_agent *a)
{
	for (int i = 0; i < ICE_MAX_CANDS; i++) {
		int in_use = 0;
		if (a->cands[i].type != ICE_CAND_PRFLX)
			continue;
		for (int j = 0; j < ICE_MAX_PAIRS; j++)
			in_use |= a->pairs[j].used && a->pairs[j].cand == i;
		if (!in_use)
			return i;
	}
	return -1;
}

int
ice_agent_add_remote_candidate(struct ice_agent *a, const struct stun_addr *addr, uint32_t priority,
        enum ice_cand_type type)
{
	int free_slot = -1;

	if (!ice_addr_valid(addr) || type == ICE_CAND_PRFLX || type > ICE_CAND_RELAY ||
	        priority == 0)
		return ICE_E_INVAL;
	for (int i = 0; i < ICE_MAX_CANDS; i++) {
		struct ice_cand *c = &a->cands[i];
		if (!c->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (ice_addr_eq(&c->addr, addr)) {
			/* trickled (RFC 8838) after its first check: the signaled candidate
			 * replaces the peer-reflexive one learned earlier; its pairs keep their
			 * priority */
			c->type = (uint8_t)type;
			c->priority = priority;
			return 0;
		}
	}
	if (free_slot < 0)
		free_slot = ice_cand_reusable(a);
	if (free_slot < 0)
		return ICE_E_FULL;
	ice_addr_copy(&a->cands[free_slot].addr, addr);
	a->cands[free_slot].priority = priority;
	a->cands[free_slot].type = (uint8_t)type;
	a->cands[free_slot].used = 1;
	return 0;
}

int
ice_agent_set_pending_credentials(
        struct ice_agent *a, const char *ufrag, const char *pwd, const char *remote_ufrag)
{
	struct ice_creds c;
	int rc;

	if (a->state == ICE_STATE_FAILED)
		return ICE_E_STATE;
	rc = ice_creds_set(&c, ufrag, pwd, remote_ufrag);
	if (rc != 0)
		return rc;
	/* the USERNAME must say which set a request is under (RFC 8445 §9: a new ufrag) */
	if (c.ufrag_len == a->creds[0].ufrag_len &&
	        memcmp(c.ufrag, a->creds[0].ufrag, c.ufrag_len) == 0)
		return ICE_E_INVAL;
	if (a->has_pending) {
		/* a second restart before the first completed: forget the first's pairs */
		for (int i = 0; i < ICE_MAX_PAIRS; i++) {
			struct ice_pair *p = &a->pairs[i];
			p->nominated &= (uint8_t)~ICE_GEN_PEND;
			p->seen &= (uint8_t)~ICE_GEN_PEND;
			if (p->used && p->seen == 0 && i != a->selected)
				p->used = 0;
		}
	}
	a->creds[1] = c;
	a->has_pending = 1;
	return 0;
}

/* ---- selection and consent ---- */

/* The fresh nominated pair of highest priority (ties keep the selected pair), or -1. */
static int
ice_best_pair(struct ice_agent *a, uint64_t now_us)
{
	int best = -1;

	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		struct ice_pair *p = &a->pairs[i];
		if (!p->used || !(p->nominated & ICE_GEN_CUR))
			continue;
		if (!ice_fresh(p, now_us)) {
			p->nominated = 0; /* a lapsed pair must be nominated again */
			a->stats[ICE_STAT_CONSENT_LAPSED]++;
			continue;
		}
		if (best < 0 || p->priority > a->pairs[best].priority ||
		        (p->priority == a->pairs[best].priority && i == a->selected))
			best = i;
	}
	return best;
}

static void
ice_fail(struct ice_agent *a, uint64_t now_us)
{
	a->state = ICE_STATE_FAILED;
	ice_event_push(a, ICE_EV_CONSENT_EXPIRED, now_us); /* with the pair that lapsed, if any */
	a->selected = -1;
	a->has_pending = 0;
}

/* Re-run selection; raises PAIR_SELECTED / PAIR_CHANGED, or fails with nothing left. */
static void
ice_reselect(struct ice_agent *a, uint64_t now_us)
{
	int best = ice_best_pair(a, now_us);

	if (best == a->selected && (best < 0 || a->pairs[best].used))
		return;
	if (best < 0) {
		if (a->state == ICE_STATE_CONNECTED)
			ice_fail(a, now_us);
		return;
	}
	a->selected = (int8_t)best;
	a->stats[ICE_STAT_SELECTED_CHANGES]++;
	if (a->state == ICE_STATE_CONNECTED) {
		ice_event_push(a, ICE_EV_PAIR_CHANGED, now_us);
	} else {
		a->state = ICE_STATE_CONNECTED;
		ice_event_push(a, ICE_EV_PAIR_SELECTED, now_us);
	}
}

/* A pair was nominated under the pending credentials: they become the current ones. */
static void
ice_restart_done(struct ice_agent *a, uint64_t now_us)
{
	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		struct ice_pair *p = &a->pairs[i];
		if (!p->used)
			continue;
		p->seen = p->seen & ICE_GEN_PEND ? ICE_GEN_CUR : 0;
		p->nominated = p->nominated & ICE_GEN_PEND ? ICE_GEN_CUR : 0;
		if (p->seen == 0)
			p->used = 0; /* a->selected may point here: ice_reselect() sees it unused */
	}
	a->creds[0] = a->creds[1];
	memset(&a->creds[1], 0, sizeof(a->creds[1]));
	a->has_pending = 0;
	a->stats[ICE_STAT_RESTARTS]++;
	ice_reselect(a, now_us);
	ice_event_push(a, ICE_EV_RESTART_DONE, now_us);
}

static uint64_t
ice_deadline(const struct ice_agent *a)
{
	uint64_t base;

	if (a->state == ICE_STATE_FAILED)
		return ICE_TIME_NEVER;
	if (a->selected >= 0)
		base = a->pairs[a->selected].last_valid_us;
	else
		base = a->last_valid_us > a->start_us ? a->last_valid_us : a->start_us;
	if (base > ICE_TIME_NEVER - ICE_CONSENT_TIMEOUT_US)
		return ICE_TIME_NEVER;
	return base + ICE_CONSENT_TIMEOUT_US;
}

uint64_t
ice_agent_poll_timeout(const struct ice_agent *a)
{
	return ice_deadline(a);
}

void
ice_agent_handle_timeout(struct ice_agent *a, uint64_t now_us)
{
	if (a->state == ICE_STATE_FAILED || now_us < ice_deadline(a))
		return;
	if (a->selected < 0) {
		ice_fail(a, now_us); /* RFC 7675 §5.1: 30 s without a valid request */
		return;
	}
	ice_reselect(a, now_us); /* drops the lapsed selected pair; fails if none is left */
}

/* ---- the responder ---- */

/* Which credentials the USERNAME names: 0 current, 1 pending, or -ICE_DROP_*. */
static int
ice_match_username(const struct ice_agent *a, const struct stun_msg *m)
{
	const uint8_t *u = m->username, *colon;
	size_t len = m->username_len, llen, rlen;
	int drop = ICE_DROP_UNKNOWN_UFRAG;

	colon = memchr(u, ':', len);
	if (colon == NULL || colon == u || (size_t)(colon - u) == len - 1)
		return -ICE_DROP_BAD_USERNAME;
	llen = (size_t)(colon - u);
	rlen = len - llen - 1;
	for (int g = 0; g <= a->has_pending; g++) {
		const struct ice_creds *c = &a->creds[g];
		if (llen != c->ufrag_len || memcmp(u, c->ufrag, llen) != 0)
			continue;
		/* RFC 8445 §7.3: "<our ufrag>:<peer ufrag>" */
		if (c->remote_ufrag_len != 0 &&
		        (rlen != c->remote_ufrag_len ||
		                memcmp(colon + 1, c->remote_ufrag, rlen) != 0)) {
			drop = ICE_DROP_WRONG_REMOTE_UFRAG;
			continue;
		}
		return g;
	}
	return -drop;
}

static struct ice_tx_slot *
ice_tx_slot(struct ice_agent *a)
{
	return &a->tx[a->tx_tail & (ICE_TXQ_LEN - 1)];
}

/* Finish and queue the response being built in the tail slot. */
static int
ice_tx_commit(struct ice_agent *a, struct stun_builder *b, const struct stun_hmac_key *k,
        const struct stun_addr *src, const struct stun_addr *dst)
{
	struct ice_tx_slot *s = ice_tx_slot(a);
	int n;

	stun_build_integrity(b, k);
	stun_build_fingerprint(b);
	n = stun_build_end(b);
	if (n < 0)
		return n; /* cannot happen: every response fits ICE_TX_MAX */
	s->len = (uint16_t)n;
	ice_addr_copy(&s->src, dst);
	ice_addr_copy(&s->dst, src);
	a->tx_tail++;
	return 0;
}

static int
ice_answer_error(struct ice_agent *a, const struct stun_msg *m, const struct stun_hmac_key *k,
        const struct stun_addr *src, const struct stun_addr *dst, uint16_t code, const char *reason,
        enum ice_stat stat)
{
	struct stun_builder b;

	stun_build_begin(&b, ice_tx_slot(a)->buf, ICE_TX_MAX, STUN_METHOD_BINDING, STUN_CLASS_ERROR,
	        m->txid);
	stun_build_error(&b, code, reason);
	if (code == STUN_ERR_UNKNOWN_ATTRIBUTE) /* RFC 8489 §14.9 */
		stun_build_unknown(&b, m->unknown,
		        m->n_unknown < STUN_MAX_UNKNOWN ? m->n_unknown : STUN_MAX_UNKNOWN);
	if (ice_tx_commit(a, &b, k, src, dst) != 0)
		return ice_drop(a, ICE_DROP_TX_FULL);
	a->stats[stat]++;
	return 0;
}

/* The remote candidate for @src: signaled, known peer-reflexive, or a new one (§7.3.1.3). */
static int
ice_cand_for(struct ice_agent *a, const struct stun_addr *src, uint32_t priority)
{
	int free_slot = -1;

	for (int i = 0; i < ICE_MAX_CANDS; i++) {
		if (!a->cands[i].used) {
			if (free_slot < 0)
				free_slot = i;
		} else if (ice_addr_eq(&a->cands[i].addr, src)) {
			return i;
		}
	}
	if (free_slot < 0)
		free_slot = ice_cand_reusable(a);
	if (free_slot < 0)
		return -ICE_DROP_TOO_MANY_CANDS;
	/* RFC 8445 §7.3.1.3: priority from PRIORITY, type peer reflexive */
	ice_addr_copy(&a->cands[free_slot].addr, src);
	a->cands[free_slot].priority = priority;
	a->cands[free_slot].type = ICE_CAND_PRFLX;
	a->cands[free_slot].used = 1;
	a->stats[ICE_STAT_PRFLX_LEARNED]++;
	return free_slot;
}

/* The pair of this 5-tuple, learning it if new; index or -ICE_DROP_*. */
static int
ice_pair_for(struct ice_agent *a, uint64_t now_us, const struct stun_addr *src,
        const struct stun_addr *dst, uint32_t priority)
{
	int slot = -1, cand;
	struct ice_pair *p;

	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		p = &a->pairs[i];
		if (p->used && ice_addr_eq(&p->remote, src) && ice_addr_eq(&p->local, dst))
			return i;
		if (!p->used && slot < 0)
			slot = i;
	}
	if (slot < 0) {
		/* reuse a pair whose consent lapsed and that is not selected */
		for (int i = 0; i < ICE_MAX_PAIRS && slot < 0; i++)
			if (i != a->selected && !ice_fresh(&a->pairs[i], now_us))
				slot = i;
		if (slot < 0)
			return -ICE_DROP_TOO_MANY_PAIRS;
		a->pairs[slot].used = 0;
		a->stats[ICE_STAT_PAIRS_REUSED]++;
	}
	cand = ice_cand_for(a, src, priority);
	if (cand < 0)
		return cand;
	p = &a->pairs[slot];
	memset(p, 0, sizeof(*p));
	ice_addr_copy(&p->local, dst);
	ice_addr_copy(&p->remote, src);
	p->cand = (uint8_t)cand;
	/* G: the priority the peer would give a peer-reflexive candidate, or the signaled one */
	p->priority = ice_pair_priority(
	        a->cands[cand].type == ICE_CAND_PRFLX ? priority : a->cands[cand].priority,
	        a->local_priority);
	p->used = 1;
	a->stats[ICE_STAT_PAIRS_LEARNED]++;
	return slot;
}

int
ice_agent_handle_packet(struct ice_agent *a, uint64_t now_us, const struct stun_addr *src,
        const struct stun_addr *dst, const uint8_t *buf, size_t len)
{
	struct stun_msg m;
	const struct stun_hmac_key *k;
	struct stun_builder b;
	struct ice_pair *p;
	uint8_t gen;
	int g, rc, idx, was_selected;

	a->stats[ICE_STAT_RX]++;
	if (now_us >= ice_deadline(a))
		ice_agent_handle_timeout(a, now_us); /* a late caller: expiry comes first */
	if (a->state == ICE_STATE_FAILED)
		return ice_drop(a, ICE_DROP_FAILED);
	if (a->tx_tail - a->tx_head >= ICE_TXQ_LEN)
		return ice_drop(a, ICE_DROP_TX_FULL);
	if (!ice_addr_valid(src) || !ice_addr_valid(dst))
		return ice_drop(a, ICE_DROP_BAD_ADDRESS);
	rc = stun_msg_parse(&m, buf, len); /* checks FINGERPRINT when present */
	if (rc != STUN_OK)
		return ice_drop(a,
		        rc == STUN_E_FINGERPRINT ? ICE_DROP_BAD_FINGERPRINT : ICE_DROP_MALFORMED);
	if (m.method != STUN_METHOD_BINDING)
		return ice_drop(a, ICE_DROP_NOT_BINDING);
	if (m.cls == STUN_CLASS_INDICATION)
		return ice_drop(a, ICE_DROP_INDICATION);
	if (m.cls != STUN_CLASS_REQUEST)
		return ice_drop(a, ICE_DROP_NOT_REQUEST);
	/* WebRTC agents always send FINGERPRINT; cheap, so checked before the HMAC */
	if (!(m.flags & STUN_F_FINGERPRINT))
		return ice_drop(a, ICE_DROP_NO_FINGERPRINT);
	if (m.username == NULL)
		return ice_drop(a, ICE_DROP_NO_USERNAME);
	g = ice_match_username(a, &m);
	if (g < 0)
		return ice_drop(a, (enum ice_drop) - g);
	if (m.mi_off == 0)
		return ice_drop(a, ICE_DROP_NO_INTEGRITY);
	k = &a->creds[g].key;
	/* RFC 8489 §9.1.3 would answer 401; we answer nothing (no reflection) */
	if (stun_msg_check_integrity(&m, k) != STUN_OK)
		return ice_drop(a, ICE_DROP_INTEGRITY);

	/* authenticated from here on: errors are answered, integrity-protected */
	if (m.n_unknown != 0) /* RFC 8489 §6.3.1.1 */
		return ice_answer_error(a, &m, k, src, dst, STUN_ERR_UNKNOWN_ATTRIBUTE,
		        "Unknown Attribute", ICE_STAT_ANSWERED_420);
	if ((m.flags & (STUN_F_ICE_CONTROLLING | STUN_F_ICE_CONTROLLED)) ==
	                (STUN_F_ICE_CONTROLLING | STUN_F_ICE_CONTROLLED) ||
	        !(m.flags & STUN_F_PRIORITY)) /* RFC 8445 §7.1.1: PRIORITY is mandatory */
		return ice_answer_error(a, &m, k, src, dst, STUN_ERR_BAD_REQUEST, "Bad Request",
		        ICE_STAT_ANSWERED_400);
	/*
	 * RFC 8445 §7.3.1.1: the controlled agent that receives ICE-CONTROLLED
	 * either switches to controlling or answers 487. A lite agent is always
	 * controlled (§6.1.1) and cannot switch, so it always answers 487, whatever
	 * the tie-breakers; the full agent then switches to controlling (§7.2.5.1).
	 */
	if (m.flags & STUN_F_ICE_CONTROLLED)
		return ice_answer_error(a, &m, k, src, dst, STUN_ERR_ROLE_CONFLICT, "Role Conflict",
		        ICE_STAT_ANSWERED_487);
	if (!(m.flags & STUN_F_ICE_CONTROLLING))
		a->stats[ICE_STAT_NO_ROLE]++; /* §7.3.1.1: a conflict cannot be detected */

	idx = ice_pair_for(a, now_us, src, dst, m.priority);
	if (idx < 0)
		return ice_drop(a, (enum ice_drop) - idx);

	stun_build_begin(&b, ice_tx_slot(a)->buf, ICE_TX_MAX, STUN_METHOD_BINDING,
	        STUN_CLASS_SUCCESS, m.txid);
	stun_build_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, src); /* RFC 8445 §7.3.1.2 */
	if (ice_tx_commit(a, &b, k, src, dst) != 0)
		return ice_drop(a, ICE_DROP_TX_FULL);
	a->stats[ICE_STAT_ANSWERED]++;

	/* a valid request: the pair's consent (RFC 7675 §5.1) */
	p = &a->pairs[idx];
	gen = g == 0 ? ICE_GEN_CUR : ICE_GEN_PEND;
	if (!ice_fresh(p, now_us) && p->nominated) {
		p->nominated = 0; /* lapsed before this request: nominate again */
		a->stats[ICE_STAT_CONSENT_LAPSED]++;
	}
	p->last_valid_us = now_us;
	p->seen |= gen;
	a->last_valid_us = now_us;
	if (a->state == ICE_STATE_NEW)
		a->state = ICE_STATE_CHECKING;
	was_selected = idx == a->selected;
	if (was_selected) {
		a->stats[ICE_STAT_CONSENT_REFRESHED]++;
		ice_event_push(a, ICE_EV_CONSENT_REFRESHED, now_us);
	}

	/* RFC 8445 §7.3.1.5: a lite agent nominates on USE-CANDIDATE (no check to wait for) */
	if (m.flags & STUN_F_USE_CANDIDATE) {
		if (!(p->nominated & gen))
			a->stats[ICE_STAT_NOMINATIONS]++;
		p->nominated |= gen;
		if (gen == ICE_GEN_PEND)
			ice_restart_done(a, now_us);
		else
			ice_reselect(a, now_us);
	}
	return 0;
}

int
ice_agent_poll_transmit(struct ice_agent *a, struct ice_transmit *out)
{
	const struct ice_tx_slot *s;

	if (a->tx_head == a->tx_tail)
		return 0;
	s = &a->tx[a->tx_head++ & (ICE_TXQ_LEN - 1)];
	out->src = s->src;
	out->dst = s->dst;
	out->buf = s->buf;
	out->len = s->len;
	return 1;
}

int
ice_agent_poll_event(struct ice_agent *a, struct ice_event *ev)
{
	if (a->ev_head == a->ev_tail)
		return 0;
	*ev = a->ev[a->ev_head++ & (ICE_EVQ_LEN - 1)];
	return 1;
}

const struct ice_pair *
ice_agent_selected_pair(const struct ice_agent *a)
{
	return a->selected >= 0 ? &a->pairs[a->selected] : NULL;
}

const struct ice_pair *
ice_agent_find_pair(
        const struct ice_agent *a, const struct stun_addr *local, const struct stun_addr *remote)
{
	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		const struct ice_pair *p = &a->pairs[i];
		if (p->used && ice_addr_eq(&p->local, local) && ice_addr_eq(&p->remote, remote))
			return p;
	}
	return NULL;
}

const struct ice_cand *
ice_agent_find_cand(const struct ice_agent *a, const struct stun_addr *addr)
{
	for (int i = 0; i < ICE_MAX_CANDS; i++)
		if (a->cands[i].used && ice_addr_eq(&a->cands[i].addr, addr))
			return &a->cands[i];
	return NULL;
}

/* ---- names ---- */

const char *
ice_state_name(enum ice_state s)
{
	switch (s) {
	case ICE_STATE_NEW:
		return "new";
	case ICE_STATE_CHECKING:
		return "checking";
	case ICE_STATE_CONNECTED:
		return "connected";
	case ICE_STATE_FAILED:
		return "failed";
	}
	return "?";
}

const char *
ice_event_name(enum ice_event_type t)
{
	switch (t) {
	case ICE_EV_PAIR_SELECTED:
		return "pair_selected";
	case ICE_EV_PAIR_CHANGED:
		return "pair_changed";
	case ICE_EV_CONSENT_REFRESHED:
		return "consent_refreshed";
	case ICE_EV_CONSENT_EXPIRED:
		return "consent_expired";
	case ICE_EV_RESTART_DONE:
		return "restart_done";
	}
	return "?";
}

static const char *const ice_stat_names[ICE_STAT_MAX] = {
#define ICE_STAT_NAME(name, help) #name,
        ICE_STATS(ICE_STAT_NAME)
#undef ICE_STAT_NAME
};

static const char *const ice_drop_names[ICE_DROP_MAX] = {"none",
#define ICE_DROP_NAME(name, help) #name,
        ICE_DROPS(ICE_DROP_NAME)
#undef ICE_DROP_NAME
};

static const char *const ice_drop_helps[ICE_DROP_MAX] = {"not dropped",
#define ICE_DROP_HELP(name, help) help,
        ICE_DROPS(ICE_DROP_HELP)
#undef ICE_DROP_HELP
};

const char *
ice_stat_name(enum ice_stat s)
{
	return (unsigned)s < ICE_STAT_MAX ? ice_stat_names[s] : "?";
}

const char *
ice_drop_name(enum ice_drop d)
{
	return (unsigned)d < ICE_DROP_MAX ? ice_drop_names[d] : "?";
}

const char *
ice_drop_help(enum ice_drop d)
{
	return (unsigned)d < ICE_DROP_MAX ? ice_drop_helps[d] : "?";
}
