/*
 * ICE-lite agent (dataplane/proto/ice.c) through scripted timelines on a
 * simulated clock: nomination, several pairs and nomination switching,
 * peer-reflexive vs trickled candidates, consent refresh and expiry at
 * exactly 30 s after the last valid request, ICE restart, role conflict,
 * unknown attributes, bad integrity / ufrag / FINGERPRINT, limits, IPv6.
 *
 * Requests are built with the stun.h builder; every response is checked
 * against an independent construction: MESSAGE-INTEGRITY with OpenSSL's
 * one-shot HMAC(), FINGERPRINT with zlib's crc32(), XOR-MAPPED-ADDRESS
 * decoded here by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "ice.h"
#include "stun.h"

#define UFRAG "Lite"
#define PWD "abcdefghijklmnopqrstuv" /* 22 */
#define RUFRAG "Full"
#define RPWD "doesnotmatterforlite1234"
#define UFRAG2 "Lit2"
#define PWD2 "ABCDEFGHIJKLMNOPQRSTUV22"
#define RUFRAG2 "Ful2"
#define SEC 1000000ull
#define LOCAL_PRIO 2130706431u /* host, 126 << 24 | 65535 << 8 | 255 */

/* ---- addresses, requests ---- */

static struct stun_addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct stun_addr x;

	memset(&x, 0, sizeof(x));
	x.family = 4;
	x.port = port;
	x.addr[0] = a;
	x.addr[1] = b;
	x.addr[2] = c;
	x.addr[3] = d;
	return x;
}

static struct stun_addr
v6(uint16_t last, uint16_t port)
{
	struct stun_addr x;
	static const uint8_t pfx[14] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

	memset(&x, 0, sizeof(x));
	x.family = 6;
	x.port = port;
	memcpy(x.addr, pfx, sizeof(pfx));
	x.addr[14] = (uint8_t)(last >> 8);
	x.addr[15] = (uint8_t)last;
	return x;
}

enum { ROLE_NONE, ROLE_CONTROLLING, ROLE_CONTROLLED, ROLE_BOTH };

struct req {
	const char *username; /* NULL: none */
	const char *pwd;      /* NULL: no MESSAGE-INTEGRITY */
	uint32_t priority;    /* 0: no PRIORITY */
	int use_cand;
	int role;
	int no_fp;
	uint16_t extra_attr; /* 0: none */
	uint8_t cls;         /* enum stun_class */
	uint16_t method;     /* 0: Binding */
};

static uint8_t txid_ctr;

/* A request like a full agent's (RFC 8445 §7.1.1); returns its length. */
static size_t
make_req(uint8_t *buf, size_t cap, const struct req *r, uint8_t txid[STUN_TXID_LEN])
{
	struct stun_builder b;
	struct stun_hmac_key k;
	int n;

	txid_ctr++;
	for (int i = 0; i < STUN_TXID_LEN; i++)
		txid[i] = (uint8_t)(txid_ctr * 31 + i);
	stun_build_begin(&b, buf, cap, r->method ? r->method : STUN_METHOD_BINDING,
	        (enum stun_class)r->cls, txid);
	if (r->username)
		stun_build_attr(&b, STUN_ATTR_USERNAME, r->username, (uint16_t)strlen(r->username));
	if (r->priority)
		stun_build_u32(&b, STUN_ATTR_PRIORITY, r->priority);
	if (r->role == ROLE_CONTROLLING || r->role == ROLE_BOTH)
		stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x1122334455667788ull);
	if (r->role == ROLE_CONTROLLED || r->role == ROLE_BOTH)
		stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLED, 0x1122334455667788ull);
	if (r->use_cand)
		stun_build_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	if (r->extra_attr)
		stun_build_u32(&b, r->extra_attr, 0xdeadbeef);
	if (r->pwd) {
		stun_hmac_key_init(&k, r->pwd, strlen(r->pwd));
		stun_build_integrity(&b, &k);
	}
	if (!r->no_fp)
		stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	assert_true(n > 0);
	return (size_t)n;
}

/* A valid check from the full agent, optionally nominating. */
static struct req
good_req(int use_cand)
{
	struct req r = {.username = UFRAG ":" RUFRAG,
	        .pwd = PWD,
	        .priority = 1845501695u, /* prflx, RFC 8445 §5.1.2.1 */
	        .use_cand = use_cand,
	        .role = ROLE_CONTROLLING};
	return r;
}

static const struct stun_addr local4 = {.family = 4, .port = 3478, .addr = {192, 0, 2, 1}};

static void
agent_init(struct ice_agent *a, uint64_t now)
{
	struct ice_config cfg = {
	        .ufrag = UFRAG, .pwd = PWD, .remote_ufrag = RUFRAG, .local_priority = LOCAL_PRIO};

	assert_int_equal(ice_agent_init(a, &cfg, now), 0);
	assert_int_equal(a->state, ICE_STATE_NEW);
}

/* ---- the independent response check ---- */

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * @tx answers the request with @txid: class @cls (and @code for errors),
 * MESSAGE-INTEGRITY by one-shot HMAC-SHA1 with @pwd, FINGERPRINT by zlib,
 * XOR-MAPPED-ADDRESS = @mapped on success; sent from @from to @to.
 */
static void
check_response(const struct ice_transmit *tx, const uint8_t *txid, const char *pwd, int cls,
        uint16_t code, const struct stun_addr *from, const struct stun_addr *to)
{
	const uint8_t *r = tx->buf;
	size_t n = tx->len, off, mi_off = 0, xma_off = 0;
	uint8_t copy[256], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	struct stun_msg m;

	assert_true(n >= 20 + 24 + 8 && n <= sizeof(copy));
	assert_int_equal(stun_msg_parse(&m, r, n), STUN_OK);
	assert_int_equal(m.method, STUN_METHOD_BINDING);
	assert_int_equal(m.cls, cls);
	assert_memory_equal(m.txid, txid, STUN_TXID_LEN);
	assert_int_equal(be16(r + 2), n - 20);
	assert_int_equal(be32(r + 4), STUN_MAGIC_COOKIE);
	assert_int_equal(tx->src.family, from->family);
	assert_int_equal(tx->src.port, from->port);
	assert_memory_equal(tx->src.addr, from->addr, from->family == 6 ? 16 : 4);
	assert_int_equal(tx->dst.family, to->family);
	assert_int_equal(tx->dst.port, to->port);
	assert_memory_equal(tx->dst.addr, to->addr, to->family == 6 ? 16 : 4);

	/* walk the attributes by hand */
	for (off = 20; off + 4 <= n;) {
		uint16_t t = be16(r + off), l = be16(r + off + 2);
		if (t == STUN_ATTR_MESSAGE_INTEGRITY)
			mi_off = off;
		if (t == STUN_ATTR_XOR_MAPPED_ADDRESS)
			xma_off = off;
		off += 4 + ((l + 3u) & ~3u);
	}
	assert_int_equal(off, n);

	/* FINGERPRINT last, CRC-32 by zlib (RFC 8489 §14.7) */
	assert_int_equal(be16(r + n - 8), STUN_ATTR_FINGERPRINT);
	assert_int_equal(be16(r + n - 6), 4);
	assert_int_equal(
	        be32(r + n - 4), (uint32_t)crc32(0, r, (uInt)(n - 8)) ^ STUN_FINGERPRINT_XOR);

	/* MESSAGE-INTEGRITY just before it, HMAC-SHA1 by OpenSSL (RFC 8489 §14.5) */
	assert_int_equal(mi_off, n - 8 - 24);
	memcpy(copy, r, mi_off);
	copy[2] = (uint8_t)((mi_off + 24 - 20) >> 8);
	copy[3] = (uint8_t)(mi_off + 24 - 20);
	assert_non_null(HMAC(EVP_sha1(), pwd, (int)strlen(pwd), copy, mi_off, mac, &mac_len));
	assert_int_equal(mac_len, 20);
	assert_memory_equal(mac, r + mi_off + 4, 20);

	if (cls == STUN_CLASS_SUCCESS) {
		const struct stun_addr *a = to;
		const uint8_t *v = r + xma_off + 4;
		uint8_t want[16];
		assert_int_not_equal(xma_off, 0);
		assert_int_equal(be16(r + xma_off + 2), a->family == 6 ? 20 : 8);
		assert_int_equal(v[1], a->family == 6 ? 2 : 1);
		assert_int_equal(be16(v + 2) ^ 0x2112, a->port);
		for (int i = 0; i < (a->family == 6 ? 16 : 4); i++)
			want[i] = a->addr[i] ^ r[4 + i]; /* cookie, then the transaction id */
		assert_memory_equal(v + 4, want, a->family == 6 ? 16 : 4);
	} else {
		assert_int_equal(xma_off, 0);
		assert_true(m.flags & STUN_F_ERROR_CODE);
		assert_int_equal(m.error_code, code);
	}
}

/* Send @r from @src; expect it answered (checked) with @cls/@code. */
static void
send_ok(struct ice_agent *a, uint64_t now, const struct stun_addr *src, const struct req *r,
        int cls, uint16_t code, const char *pwd)
{
	uint8_t buf[512], txid[STUN_TXID_LEN];
	size_t n = make_req(buf, sizeof(buf), r, txid);
	struct ice_transmit tx;

	assert_int_equal(ice_agent_handle_packet(a, now, src, &local4, buf, n), 0);
	assert_int_equal(ice_agent_poll_transmit(a, &tx), 1);
	check_response(&tx, txid, pwd, cls, code, &local4, src);
	assert_int_equal(ice_agent_poll_transmit(a, &tx), 0);
}

/* Send @r from @src; expect it dropped for @why, nothing to send, the counter moved. */
static void
send_drop(struct ice_agent *a, uint64_t now, const struct stun_addr *src, const struct req *r,
        enum ice_drop why)
{
	uint8_t buf[512], txid[STUN_TXID_LEN];
	size_t n = make_req(buf, sizeof(buf), r, txid);
	struct ice_transmit tx;
	uint64_t before = a->drops[why];

	assert_int_equal(ice_agent_handle_packet(a, now, src, &local4, buf, n), -(int)why);
	assert_int_equal(ice_agent_poll_transmit(a, &tx), 0);
	assert_int_equal(a->drops[why], before + 1);
}

static void
expect_event(struct ice_agent *a, enum ice_event_type type, const struct stun_addr *remote)
{
	struct ice_event ev;

	assert_int_equal(ice_agent_poll_event(a, &ev), 1);
	if (ev.type != type)
		fail_msg("event %s, want %s", ice_event_name(ev.type), ice_event_name(type));
	if (remote != NULL) {
		assert_int_equal(ev.remote.family, remote->family);
		assert_int_equal(ev.remote.port, remote->port);
		assert_memory_equal(ev.remote.addr, remote->addr, 16);
		assert_int_equal(ev.local.port, local4.port);
	}
}

static void
expect_no_event(struct ice_agent *a)
{
	struct ice_event ev;

	if (ice_agent_poll_event(a, &ev))
		fail_msg("unexpected event %s", ice_event_name(ev.type));
}

/* Advance the clock to @t, firing the agent's deadlines on the way. */
static void
advance(struct ice_agent *a, uint64_t *now, uint64_t t)
{
	for (;;) {
		uint64_t d = ice_agent_poll_timeout(a);
		if (d > t)
			break;
		assert_true(d >= *now);
		*now = d;
		ice_agent_handle_timeout(a, d);
	}
	*now = t;
}

/* ---- tests ---- */

static void
test_nomination(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(0);
	const struct ice_pair *p;
	uint64_t now = 1000;

	agent_init(&a, now);
	send_ok(&a, now, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	assert_int_equal(a.state, ICE_STATE_CHECKING);
	expect_no_event(&a);
	p = ice_agent_find_pair(&a, &local4, &peer);
	assert_non_null(p);
	assert_int_equal(p->nominated, 0);
	assert_null(ice_agent_selected_pair(&a));
	assert_int_equal(ice_agent_find_cand(&a, &peer)->type, ICE_CAND_PRFLX);

	/* regular nomination: the same check again with USE-CANDIDATE (RFC 8445 §8.1.1) */
	now += 20000;
	r = good_req(1);
	send_ok(&a, now, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	assert_int_equal(a.state, ICE_STATE_CONNECTED);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
	expect_no_event(&a);
	assert_ptr_equal(ice_agent_selected_pair(&a), p);
	assert_int_equal(a.stats[ICE_STAT_NOMINATIONS], 1);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED], 2);
	assert_int_equal(a.stats[ICE_STAT_PRFLX_LEARNED], 1);
	assert_int_equal(a.stats[ICE_STAT_PAIRS_LEARNED], 1);
	assert_int_equal(ice_agent_poll_timeout(&a), now + 30 * SEC);

	/* a consent check on the selected pair */
	now += 5 * SEC;
	r = good_req(0);
	send_ok(&a, now, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &peer);
	assert_int_equal(ice_agent_poll_timeout(&a), now + 30 * SEC);
}

static void
test_aggressive_first_check(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);

	agent_init(&a, 0);
	send_ok(&a, 10, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
	/* USE-CANDIDATE on every check (aggressive, RFC 5245): no new nomination, no event */
	send_ok(&a, 20, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &peer);
	expect_no_event(&a);
	assert_int_equal(a.stats[ICE_STAT_NOMINATIONS], 1);
}

static void
test_two_pairs_switching(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr lo = v4(203, 0, 113, 5, 40000), hi = v4(198, 51, 100, 7, 50000),
	                 low2 = v4(203, 0, 113, 6, 40001);
	struct req r;
	uint64_t now = 0;

	agent_init(&a, now);
	/* pair "lo" nominated first: selected */
	r = good_req(1);
	r.priority = 100;
	send_ok(&a, now, &lo, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &lo);

	/* a higher-priority pair nominated later wins (RFC 8445 §8.1.1: highest priority) */
	now = 1 * SEC;
	r = good_req(1);
	r.priority = 2000000000u;
	send_ok(&a, now, &hi, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_CHANGED, &hi);
	assert_true(ice_agent_find_pair(&a, &local4, &hi)->priority >
	            ice_agent_find_pair(&a, &local4, &lo)->priority);

	/* a lower-priority nomination does not move the selection */
	now = 2 * SEC;
	r = good_req(1);
	r.priority = 50;
	send_ok(&a, now, &low2, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_no_event(&a);
	assert_ptr_equal(ice_agent_selected_pair(&a), ice_agent_find_pair(&a, &local4, &hi));

	/* the peer keeps checking "lo" but stops on "hi": hi lapses at 1 s + 30 s, lo takes over */
	r = good_req(0);
	r.priority = 100;
	for (uint64_t t = 5 * SEC; t <= 30 * SEC; t += 5 * SEC) {
		advance(&a, &now, t);
		send_ok(&a, now, &lo, &r, STUN_CLASS_SUCCESS, 0, PWD);
	}
	expect_no_event(&a);
	advance(&a, &now, 31 * SEC - 1);
	expect_no_event(&a);
	advance(&a, &now, 31 * SEC);
	expect_event(&a, ICE_EV_PAIR_CHANGED, &lo);
	assert_int_equal(a.state, ICE_STATE_CONNECTED);
	assert_int_equal(ice_agent_find_pair(&a, &local4, &hi)->nominated, 0);
	/* low2 (nominated at 2 s) is still fresh but ranks below lo; lo lasts until 60 s */
	assert_int_equal(ice_agent_poll_timeout(&a), 60 * SEC);
	advance(&a, &now, 60 * SEC);
	expect_event(&a, ICE_EV_CONSENT_EXPIRED, &lo);
	assert_int_equal(a.state, ICE_STATE_FAILED);
	assert_int_equal(ice_agent_poll_timeout(&a), ICE_TIME_NEVER);
}

static void
test_prflx_vs_trickled(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr host = v4(192, 168, 1, 10, 5000), nat = v4(198, 51, 100, 9, 6000);
	struct req r = good_req(0);
	const struct ice_pair *p;

	agent_init(&a, 0);
	/* trickled (RFC 8838) before its first check: not peer-reflexive */
	assert_int_equal(ice_agent_add_remote_candidate(&a, &host, 2122260223u, ICE_CAND_HOST), 0);
	send_ok(&a, 1, &host, &r, STUN_CLASS_SUCCESS, 0, PWD);
	p = ice_agent_find_pair(&a, &local4, &host);
	assert_int_equal(ice_agent_find_cand(&a, &host)->type, ICE_CAND_HOST);
	assert_int_equal(a.stats[ICE_STAT_PRFLX_LEARNED], 0);
	/* pair priority from the signaled priority (RFC 8445 §6.1.2.3) */
	assert_true(p->priority == ((uint64_t)2122260223u << 32) + 2ull * LOCAL_PRIO);

	/* a check from an address never signaled: peer-reflexive, priority from PRIORITY */
	send_ok(&a, 2, &nat, &r, STUN_CLASS_SUCCESS, 0, PWD);
	assert_int_equal(ice_agent_find_cand(&a, &nat)->type, ICE_CAND_PRFLX);
	assert_int_equal(ice_agent_find_cand(&a, &nat)->priority, r.priority);
	assert_int_equal(a.stats[ICE_STAT_PRFLX_LEARNED], 1);
	p = ice_agent_find_pair(&a, &local4, &nat);
	assert_true(p->priority == ((uint64_t)r.priority << 32) + 2ull * LOCAL_PRIO);

	/* trickled later: the peer-reflexive candidate takes the signaled type */
	assert_int_equal(ice_agent_add_remote_candidate(&a, &nat, 1694498815u, ICE_CAND_SRFLX), 0);
	assert_int_equal(ice_agent_find_cand(&a, &nat)->type, ICE_CAND_SRFLX);

	/* bad trickle input */
	assert_int_equal(ice_agent_add_remote_candidate(&a, &nat, 1, ICE_CAND_PRFLX), ICE_E_INVAL);
	{
		struct stun_addr bad = nat;
		bad.family = 5;
		assert_int_equal(
		        ice_agent_add_remote_candidate(&a, &bad, 1, ICE_CAND_HOST), ICE_E_INVAL);
	}
}

/*
 * The consent timeline (RFC 7675 §5.1): a scripted peer sends a valid check
 * every 5 s until 20 s, then only checks that fail integrity every second.
 * Expiry at exactly 20 s + 30 s, driven by whichever of the peer and the
 * agent has the earlier deadline.
 */
static void
test_consent_timeline(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req good = good_req(0), bad = good_req(0);
	uint64_t now = 0, peer_next = 100000, last_valid = 0;
	int refreshed = 0, expired = 0;
	struct ice_event ev;

	bad.pwd = "wrongwrongwrongwrongwr";
	agent_init(&a, now);
	good.use_cand = 1;
	send_ok(&a, peer_next, &peer, &good, STUN_CLASS_SUCCESS, 0, PWD);
	good.use_cand = 0;
	last_valid = peer_next;
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
	peer_next += 5 * SEC;

	while (a.state != ICE_STATE_FAILED) {
		uint64_t agent_next = ice_agent_poll_timeout(&a);
		assert_true(now <= 120 * SEC);
		if (agent_next <= peer_next) {
			now = agent_next;
			ice_agent_handle_timeout(&a, now);
		} else {
			now = peer_next;
			if (now <= 20 * SEC + 100000) {
				send_ok(&a, now, &peer, &good, STUN_CLASS_SUCCESS, 0, PWD);
				last_valid = now;
				peer_next += 5 * SEC;
			} else {
				send_drop(&a, now, &peer, &bad, ICE_DROP_INTEGRITY);
				peer_next += 1 * SEC;
			}
		}
		while (ice_agent_poll_event(&a, &ev)) {
			if (ev.type == ICE_EV_CONSENT_REFRESHED)
				refreshed++;
			else if (ev.type == ICE_EV_CONSENT_EXPIRED) {
				expired++;
				assert_int_equal(ev.time_us, now);
			} else
				fail_msg("unexpected %s", ice_event_name(ev.type));
		}
	}
	assert_int_equal(refreshed, 4); /* at 5.1, 10.1, 15.1, 20.1 s */
	assert_int_equal(expired, 1);
	assert_int_equal(last_valid, 20 * SEC + 100000);
	assert_int_equal(now, last_valid + 30 * SEC);
	assert_int_equal(a.drops[ICE_DROP_INTEGRITY], 25); /* 25.1 .. 49.1 s */

	/* failed: everything is dropped, even valid checks */
	send_drop(&a, now + 1, &peer, &good, ICE_DROP_FAILED);
	assert_int_equal(ice_agent_set_pending_credentials(&a, UFRAG2, PWD2, RUFRAG2), ICE_E_STATE);
}

static void
test_expiry_boundary(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);

	/* never a valid request: fails 30 s after init */
	agent_init(&a, 5 * SEC);
	assert_int_equal(ice_agent_poll_timeout(&a), 35 * SEC);
	ice_agent_handle_timeout(&a, 35 * SEC - 1);
	assert_int_equal(a.state, ICE_STATE_NEW);
	ice_agent_handle_timeout(&a, 35 * SEC);
	assert_int_equal(a.state, ICE_STATE_FAILED);
	expect_event(&a, ICE_EV_CONSENT_EXPIRED, NULL);

	/* checking, not nominated: 30 s after the last valid request */
	agent_init(&a, 0);
	r.use_cand = 0;
	send_ok(&a, 7 * SEC, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	ice_agent_handle_timeout(&a, 37 * SEC - 1);
	assert_int_equal(a.state, ICE_STATE_CHECKING);
	ice_agent_handle_timeout(&a, 37 * SEC);
	assert_int_equal(a.state, ICE_STATE_FAILED);

	/* connected: one microsecond before the deadline is still alive */
	agent_init(&a, 0);
	r.use_cand = 1;
	send_ok(&a, 3 * SEC, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	ice_agent_handle_timeout(&a, 33 * SEC - 1);
	assert_int_equal(a.state, ICE_STATE_CONNECTED);
	ice_agent_handle_timeout(&a, 33 * SEC);
	assert_int_equal(a.state, ICE_STATE_FAILED);

	/* a caller late with handle_timeout: a request after the deadline finds the agent failed */
	agent_init(&a, 0);
	send_ok(&a, 3 * SEC, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
	send_ok(&a, 33 * SEC - 1, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &peer);
	send_drop(&a, 63 * SEC - 1, &peer, &r, ICE_DROP_FAILED);
	expect_event(&a, ICE_EV_CONSENT_EXPIRED, &peer);
	assert_int_equal(a.state, ICE_STATE_FAILED);
}

static void
test_bad_integrity(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);
	uint8_t buf[512], txid[STUN_TXID_LEN];
	struct ice_transmit tx;
	size_t n;

	agent_init(&a, 0);
	r.pwd = "abcdefghijklmnopqrstuw"; /* one letter off */
	send_drop(&a, 1, &peer, &r, ICE_DROP_INTEGRITY);
	r.pwd = NULL;
	send_drop(&a, 2, &peer, &r, ICE_DROP_NO_INTEGRITY);

	/* a good request with one bit of the MAC flipped, FINGERPRINT recomputed */
	r = good_req(1);
	n = make_req(buf, sizeof(buf), &r, txid);
	buf[n - 8 - 20] ^= 1;
	{
		uint32_t fp = (uint32_t)crc32(0, buf, (uInt)(n - 8)) ^ STUN_FINGERPRINT_XOR;
		buf[n - 4] = (uint8_t)(fp >> 24);
		buf[n - 3] = (uint8_t)(fp >> 16);
		buf[n - 2] = (uint8_t)(fp >> 8);
		buf[n - 1] = (uint8_t)fp;
	}
	assert_int_equal(
	        ice_agent_handle_packet(&a, 3, &peer, &local4, buf, n), -ICE_DROP_INTEGRITY);
	assert_int_equal(ice_agent_poll_transmit(&a, &tx), 0);
	assert_int_equal(a.drops[ICE_DROP_INTEGRITY], 2);

	/* nothing learned, no event, still new */
	assert_null(ice_agent_find_pair(&a, &local4, &peer));
	assert_null(ice_agent_find_cand(&a, &peer));
	assert_int_equal(a.state, ICE_STATE_NEW);
	expect_no_event(&a);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED], 0);
	assert_int_equal(ice_agent_poll_timeout(&a), 30 * SEC);
}

static void
test_wrong_ufrag(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);

	agent_init(&a, 0);
	r.username = "Othr:" RUFRAG;
	send_drop(&a, 1, &peer, &r, ICE_DROP_UNKNOWN_UFRAG);
	r.username = UFRAG ":Othr";
	send_drop(&a, 1, &peer, &r, ICE_DROP_WRONG_REMOTE_UFRAG);
	r.username = RUFRAG ":" UFRAG; /* swapped */
	send_drop(&a, 1, &peer, &r, ICE_DROP_UNKNOWN_UFRAG);
	r.username = UFRAG RUFRAG;
	send_drop(&a, 1, &peer, &r, ICE_DROP_BAD_USERNAME);
	r.username = UFRAG ":";
	send_drop(&a, 1, &peer, &r, ICE_DROP_BAD_USERNAME);
	r.username = ":" RUFRAG;
	send_drop(&a, 1, &peer, &r, ICE_DROP_BAD_USERNAME);
	r.username = "Lit:" RUFRAG; /* a prefix of ours */
	send_drop(&a, 1, &peer, &r, ICE_DROP_UNKNOWN_UFRAG);
	r.username = NULL;
	send_drop(&a, 1, &peer, &r, ICE_DROP_NO_USERNAME);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED], 0);

	/* without a signaled remote ufrag any is accepted */
	{
		struct ice_config cfg = {.ufrag = UFRAG, .pwd = PWD, .remote_ufrag = NULL};
		assert_int_equal(ice_agent_init(&a, &cfg, 0), 0);
		r = good_req(0);
		r.username = UFRAG ":anything";
		send_ok(&a, 1, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	}
}

static void
test_fingerprint(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);
	uint8_t buf[512], txid[STUN_TXID_LEN];
	struct ice_transmit tx;
	size_t n;

	agent_init(&a, 0);
	r.no_fp = 1;
	send_drop(&a, 1, &peer, &r, ICE_DROP_NO_FINGERPRINT);

	r.no_fp = 0;
	n = make_req(buf, sizeof(buf), &r, txid);
	buf[n - 1] ^= 0x80;
	assert_int_equal(
	        ice_agent_handle_packet(&a, 2, &peer, &local4, buf, n), -ICE_DROP_BAD_FINGERPRINT);
	assert_int_equal(ice_agent_poll_transmit(&a, &tx), 0);
	assert_int_equal(a.state, ICE_STATE_NEW);
}

static void
test_role_conflict(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);

	agent_init(&a, 0);
	/* the peer claims controlled too: 487, integrity-protected (RFC 8445 §7.3.1.1) */
	r.role = ROLE_CONTROLLED;
	send_ok(&a, 1, &peer, &r, STUN_CLASS_ERROR, STUN_ERR_ROLE_CONFLICT, PWD);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED_487], 1);
	/* not a valid check: nothing learned, no consent */
	assert_null(ice_agent_find_pair(&a, &local4, &peer));
	assert_int_equal(a.state, ICE_STATE_NEW);
	expect_no_event(&a);

	/* both role attributes, or no PRIORITY: 400 */
	r.role = ROLE_BOTH;
	send_ok(&a, 2, &peer, &r, STUN_CLASS_ERROR, STUN_ERR_BAD_REQUEST, PWD);
	r = good_req(1);
	r.priority = 0;
	send_ok(&a, 3, &peer, &r, STUN_CLASS_ERROR, STUN_ERR_BAD_REQUEST, PWD);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED_400], 2);

	/* a 487 to a request failing integrity would be reflection: dropped */
	r = good_req(1);
	r.role = ROLE_CONTROLLED;
	r.pwd = "wrongwrongwrongwrongwr";
	send_drop(&a, 4, &peer, &r, ICE_DROP_INTEGRITY);

	/* neither role attribute (an old agent): answered, counted */
	r = good_req(1);
	r.role = ROLE_NONE;
	send_ok(&a, 5, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	assert_int_equal(a.stats[ICE_STAT_NO_ROLE], 1);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
}

static void
test_unknown_attributes(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);
	uint8_t buf[512], txid[STUN_TXID_LEN];
	struct ice_transmit tx;
	struct stun_msg m;
	size_t n;

	agent_init(&a, 0);
	r.extra_attr = 0x0031; /* comprehension-required, unknown */
	n = make_req(buf, sizeof(buf), &r, txid);
	assert_int_equal(ice_agent_handle_packet(&a, 1, &peer, &local4, buf, n), 0);
	assert_int_equal(ice_agent_poll_transmit(&a, &tx), 1);
	check_response(
	        &tx, txid, PWD, STUN_CLASS_ERROR, STUN_ERR_UNKNOWN_ATTRIBUTE, &local4, &peer);
	/* UNKNOWN-ATTRIBUTES lists it (RFC 8489 §14.9) */
	assert_int_equal(stun_msg_parse(&m, tx.buf, tx.len), STUN_OK);
	{
		const uint8_t *p = tx.buf + 20;
		int found = 0;
		while (p < tx.buf + tx.len) {
			uint16_t t = be16(p), l = be16(p + 2);
			if (t == STUN_ATTR_UNKNOWN_ATTRIBUTES) {
				assert_int_equal(l, 2);
				assert_int_equal(be16(p + 4), 0x0031);
				found = 1;
			}
			p += 4 + ((l + 3u) & ~3u);
		}
		assert_true(found);
	}
	assert_null(ice_agent_find_pair(&a, &local4, &peer));
	assert_int_equal(a.stats[ICE_STAT_ANSWERED_420], 1);

	/* the same with a bad password: no 420, nothing at all */
	r.pwd = "wrongwrongwrongwrongwr";
	send_drop(&a, 2, &peer, &r, ICE_DROP_INTEGRITY);

	/* comprehension-optional unknown attribute: ignored */
	r = good_req(1);
	r.extra_attr = 0xc0de;
	send_ok(&a, 3, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
}

/*
 * ICE restart: the old pair carries media until a pair is nominated under
 * the new credentials; then the old credentials are rejected.
 */
static void
test_restart(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr old_peer = v4(198, 51, 100, 7, 50000),
	                 new_peer = v4(198, 51, 100, 7, 50002);
	struct req old_r = good_req(1), new_r = good_req(0);
	uint64_t now = 0;

	agent_init(&a, now);
	send_ok(&a, now, &old_peer, &old_r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &old_peer);

	/* bad pending credentials */
	assert_int_equal(ice_agent_set_pending_credentials(&a, UFRAG, PWD2, RUFRAG2), ICE_E_INVAL);
	assert_int_equal(
	        ice_agent_set_pending_credentials(&a, UFRAG2, "short", RUFRAG2), ICE_E_INVAL);
	assert_int_equal(ice_agent_set_pending_credentials(&a, "a:bc", PWD2, RUFRAG2), ICE_E_INVAL);
	assert_int_equal(ice_agent_set_pending_credentials(&a, UFRAG2, PWD2, RUFRAG2), 0);

	/* checks under the new credentials, not nominating: answered with the new password */
	new_r.username = UFRAG2 ":" RUFRAG2;
	new_r.pwd = PWD2;
	now = 1 * SEC;
	send_ok(&a, now, &new_peer, &new_r, STUN_CLASS_SUCCESS, 0, PWD2);
	assert_ptr_equal(ice_agent_selected_pair(&a), ice_agent_find_pair(&a, &local4, &old_peer));
	expect_no_event(&a);
	/* the old pair still carries media and its consent is still refreshed */
	now = 2 * SEC;
	old_r.use_cand = 0;
	send_ok(&a, now, &old_peer, &old_r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &old_peer);
	/* the new ufrag with the old password: integrity fails */
	{
		struct req x = new_r;
		x.pwd = PWD;
		send_drop(&a, now, &new_peer, &x, ICE_DROP_INTEGRITY);
	}
	/* old ufrag with the new remote ufrag: wrong pairing */
	{
		struct req x = old_r;
		x.username = UFRAG ":" RUFRAG2;
		send_drop(&a, now, &old_peer, &x, ICE_DROP_WRONG_REMOTE_UFRAG);
	}

	/* nomination under the new credentials: restart done, media moves */
	now = 3 * SEC;
	new_r.use_cand = 1;
	send_ok(&a, now, &new_peer, &new_r, STUN_CLASS_SUCCESS, 0, PWD2);
	expect_event(&a, ICE_EV_PAIR_CHANGED, &new_peer);
	expect_event(&a, ICE_EV_RESTART_DONE, &new_peer);
	expect_no_event(&a);
	assert_int_equal(a.has_pending, 0);
	assert_int_equal(a.stats[ICE_STAT_RESTARTS], 1);
	assert_null(ice_agent_find_pair(&a, &local4, &old_peer));

	/* old credentials now rejected */
	now = 4 * SEC;
	send_drop(&a, now, &old_peer, &old_r, ICE_DROP_UNKNOWN_UFRAG);
	new_r.use_cand = 0;
	send_ok(&a, now, &new_peer, &new_r, STUN_CLASS_SUCCESS, 0, PWD2);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &new_peer);
	assert_int_equal(ice_agent_poll_timeout(&a), 34 * SEC);
}

/* Restart on the same 5-tuple (a browser keeps its host candidate): no pair change. */
static void
test_restart_same_tuple(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000);
	struct req r = good_req(1);

	agent_init(&a, 0);
	send_ok(&a, 1, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD);
	expect_event(&a, ICE_EV_PAIR_SELECTED, &peer);
	assert_int_equal(ice_agent_set_pending_credentials(&a, "Lit3", PWD2, "Ful3"), 0);
	/* replaced before anything used it */
	assert_int_equal(ice_agent_set_pending_credentials(&a, UFRAG2, PWD2, RUFRAG2), 0);
	r.username = "Lit3:Ful3";
	r.pwd = PWD2;
	send_drop(&a, 2, &peer, &r, ICE_DROP_UNKNOWN_UFRAG);
	r.username = UFRAG2 ":" RUFRAG2;
	send_ok(&a, 3, &peer, &r, STUN_CLASS_SUCCESS, 0, PWD2);
	expect_event(&a, ICE_EV_CONSENT_REFRESHED, &peer);
	expect_event(&a, ICE_EV_RESTART_DONE, &peer);
	expect_no_event(&a);
	assert_int_equal(a.state, ICE_STATE_CONNECTED);
	r = good_req(1);
	send_drop(&a, 4, &peer, &r, ICE_DROP_UNKNOWN_UFRAG);
}

static void
test_limits(void **state)
{
	(void)state;
	struct ice_agent a;
	struct req r = good_req(0);
	struct stun_addr s;
	uint64_t now = 0;

	agent_init(&a, now);
	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		s = v4(10, 0, 0, (uint8_t)(1 + i), 1000);
		send_ok(&a, now, &s, &r, STUN_CLASS_SUCCESS, 0, PWD);
	}
	s = v4(10, 0, 0, 100, 1000);
	send_drop(&a, now, &s, &r, ICE_DROP_TOO_MANY_PAIRS);
	assert_null(ice_agent_find_cand(&a, &s));

	/* keep the first pair selected and fresh; the other seven lapse after 30 s */
	r.use_cand = 1;
	s = v4(10, 0, 0, 1, 1000);
	for (uint64_t t = 10 * SEC; t <= 30 * SEC; t += 10 * SEC)
		send_ok(&a, t, &s, &r, STUN_CLASS_SUCCESS, 0, PWD);
	now = 30 * SEC;
	s = v4(10, 0, 0, 100, 1000);
	r.use_cand = 0;
	send_ok(&a, now, &s, &r, STUN_CLASS_SUCCESS, 0, PWD);
	assert_int_equal(a.stats[ICE_STAT_PAIRS_REUSED], 1);
	assert_non_null(ice_agent_find_pair(&a, &local4, &s));

	/* remote candidates: ICE_MAX_CANDS signaled ones fill the table */
	agent_init(&a, 0);
	for (int i = 0; i < ICE_MAX_CANDS; i++) {
		s = v4(10, 1, 0, (uint8_t)(1 + i), 2000);
		assert_int_equal(ice_agent_add_remote_candidate(&a, &s, 1000, ICE_CAND_HOST), 0);
	}
	s = v4(10, 1, 0, 200, 2000);
	assert_int_equal(ice_agent_add_remote_candidate(&a, &s, 1000, ICE_CAND_HOST), ICE_E_FULL);
	send_drop(&a, 1, &s, &r, ICE_DROP_TOO_MANY_CANDS);
	/* a signaled one checks fine */
	s = v4(10, 1, 0, 3, 2000);
	send_ok(&a, 2, &s, &r, STUN_CLASS_SUCCESS, 0, PWD);

	/* peer-reflexive candidates that pairs use are not given up for signaled ones */
	agent_init(&a, 0);
	for (int i = 0; i < ICE_MAX_PAIRS; i++) {
		s = v4(10, 2, 0, (uint8_t)(1 + i), 3000);
		send_ok(&a, 0, &s, &r, STUN_CLASS_SUCCESS, 0, PWD);
	}
	for (int i = 0; i < ICE_MAX_CANDS - ICE_MAX_PAIRS; i++) {
		s = v4(10, 3, 0, (uint8_t)(1 + i), 3000);
		assert_int_equal(ice_agent_add_remote_candidate(&a, &s, 1000, ICE_CAND_HOST), 0);
	}
	s = v4(10, 3, 0, 99, 3000);
	assert_int_equal(ice_agent_add_remote_candidate(&a, &s, 1000, ICE_CAND_HOST), ICE_E_FULL);

	/* the transmit queue: ICE_TXQ_LEN answers, then dropped until polled */
	agent_init(&a, 0);
	{
		uint8_t buf[512], txid[STUN_TXID_LEN];
		struct ice_transmit tx;
		size_t n = make_req(buf, sizeof(buf), &r, txid);
		s = v4(10, 4, 0, 1, 4000);
		for (int i = 0; i < ICE_TXQ_LEN; i++)
			assert_int_equal(ice_agent_handle_packet(&a, 1, &s, &local4, buf, n), 0);
		assert_int_equal(
		        ice_agent_handle_packet(&a, 1, &s, &local4, buf, n), -ICE_DROP_TX_FULL);
		for (int i = 0; i < ICE_TXQ_LEN; i++) {
			assert_int_equal(ice_agent_poll_transmit(&a, &tx), 1);
			check_response(&tx, txid, PWD, STUN_CLASS_SUCCESS, 0, &local4, &s);
		}
		assert_int_equal(ice_agent_poll_transmit(&a, &tx), 0);
		assert_int_equal(ice_agent_handle_packet(&a, 1, &s, &local4, buf, n), 0);
	}

	/* the event queue: overflow is counted, not fatal */
	agent_init(&a, 0);
	r.use_cand = 1;
	s = v4(10, 5, 0, 1, 5000);
	for (int i = 0; i < ICE_EVQ_LEN + 3; i++) {
		struct ice_transmit tx;
		uint8_t buf[512], txid[STUN_TXID_LEN];
		size_t n = make_req(buf, sizeof(buf), &r, txid);
		assert_int_equal(ice_agent_handle_packet(&a, 1, &s, &local4, buf, n), 0);
		assert_int_equal(ice_agent_poll_transmit(&a, &tx), 1);
	}
	assert_int_equal(a.stats[ICE_STAT_EVENTS_LOST], 3);
}

static void
test_ipv6(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v6(0xabcd, 61000);
	struct stun_addr local6 = v6(1, 3478);
	struct req r = good_req(1);
	uint8_t buf[512], txid[STUN_TXID_LEN];
	struct ice_transmit tx;
	struct ice_event ev;
	size_t n;

	agent_init(&a, 0);
	n = make_req(buf, sizeof(buf), &r, txid);
	assert_int_equal(ice_agent_handle_packet(&a, 1, &peer, &local6, buf, n), 0);
	assert_int_equal(ice_agent_poll_transmit(&a, &tx), 1);
	check_response(&tx, txid, PWD, STUN_CLASS_SUCCESS, 0, &local6, &peer);
	assert_int_equal(tx.len, 20 + 24 + 24 + 8);
	assert_int_equal(ice_agent_poll_event(&a, &ev), 1);
	assert_int_equal(ev.type, ICE_EV_PAIR_SELECTED);
	assert_int_equal(ev.remote.family, 6);
	assert_memory_equal(ev.remote.addr, peer.addr, 16);
	assert_memory_equal(ev.local.addr, local6.addr, 16);
	/* the same remote address to our IPv4 address is another pair */
	assert_null(ice_agent_find_pair(&a, &local4, &peer));
	assert_non_null(ice_agent_find_pair(&a, &local6, &peer));
}

static void
test_not_requests(void **state)
{
	(void)state;
	struct ice_agent a;
	struct stun_addr peer = v4(198, 51, 100, 7, 50000), bad = peer;
	struct req r = good_req(0);
	static const uint8_t junk[] = {0x80, 0x60, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t buf[512], txid[STUN_TXID_LEN];
	size_t n;

	agent_init(&a, 0);
	r.cls = STUN_CLASS_INDICATION;
	send_drop(&a, 1, &peer, &r, ICE_DROP_INDICATION);
	r.cls = STUN_CLASS_SUCCESS;
	send_drop(&a, 1, &peer, &r, ICE_DROP_NOT_REQUEST);
	r.cls = STUN_CLASS_ERROR;
	send_drop(&a, 1, &peer, &r, ICE_DROP_NOT_REQUEST);
	r.cls = STUN_CLASS_REQUEST;
	r.method = 0x003; /* Allocate */
	send_drop(&a, 1, &peer, &r, ICE_DROP_NOT_BINDING);
	assert_int_equal(ice_agent_handle_packet(&a, 1, &peer, &local4, junk, sizeof(junk)),
	        -ICE_DROP_MALFORMED);
	bad.family = 0;
	r = good_req(0);
	n = make_req(buf, sizeof(buf), &r, txid);
	assert_int_equal(
	        ice_agent_handle_packet(&a, 1, &bad, &local4, buf, n), -ICE_DROP_BAD_ADDRESS);
	assert_int_equal(a.stats[ICE_STAT_RX], 6);
	assert_int_equal(a.stats[ICE_STAT_ANSWERED], 0);
}

static void
test_config_and_names(void **state)
{
	(void)state;
	struct ice_agent a;
	struct ice_config cfg = {.ufrag = UFRAG, .pwd = PWD, .remote_ufrag = RUFRAG};
	char big[ICE_UFRAG_MAX + 2];

	cfg.pwd = "abcdefghijklmnopqrstu"; /* 21 */
	assert_int_equal(ice_agent_init(&a, &cfg, 0), ICE_E_INVAL);
	cfg.pwd = PWD;
	cfg.ufrag = "abc";
	assert_int_equal(ice_agent_init(&a, &cfg, 0), ICE_E_INVAL);
	cfg.ufrag = "ab:cd";
	assert_int_equal(ice_agent_init(&a, &cfg, 0), ICE_E_INVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cfg.ufrag = big;
	assert_int_equal(ice_agent_init(&a, &cfg, 0), ICE_E_INVAL);
	big[ICE_UFRAG_MAX] = '\0';
	assert_int_equal(ice_agent_init(&a, &cfg, 0), 0);
	cfg.ufrag = UFRAG;
	cfg.remote_ufrag = "x y z";
	assert_int_equal(ice_agent_init(&a, &cfg, 0), ICE_E_INVAL);

	for (int i = 1; i < ICE_DROP_MAX; i++) {
		assert_string_not_equal(ice_drop_name((enum ice_drop)i), "?");
		assert_true(strlen(ice_drop_help((enum ice_drop)i)) > 5);
	}
	for (int i = 0; i < ICE_STAT_MAX; i++)
		assert_string_not_equal(ice_stat_name((enum ice_stat)i), "?");
	assert_string_equal(ice_drop_name(ICE_DROP_INTEGRITY), "INTEGRITY");
	assert_string_equal(ice_state_name(ICE_STATE_CONNECTED), "connected");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_nomination),
	        cmocka_unit_test(test_aggressive_first_check),
	        cmocka_unit_test(test_two_pairs_switching),
	        cmocka_unit_test(test_prflx_vs_trickled),
	        cmocka_unit_test(test_consent_timeline),
	        cmocka_unit_test(test_expiry_boundary),
	        cmocka_unit_test(test_bad_integrity),
	        cmocka_unit_test(test_wrong_ufrag),
	        cmocka_unit_test(test_fingerprint),
	        cmocka_unit_test(test_role_conflict),
	        cmocka_unit_test(test_unknown_attributes),
	        cmocka_unit_test(test_restart),
	        cmocka_unit_test(test_restart_same_tuple),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_ipv6),
	        cmocka_unit_test(test_not_requests),
	        cmocka_unit_test(test_config_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
