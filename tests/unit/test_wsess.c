/*
 * A worker's session table (dataplane/wsess.c) and the reply frame builder
 * (dataplane/udp_reply.c, pkt_udp_reply).
 *
 * STUN Binding requests are built with the stun.h builder the way a full
 * ICE agent sends them (USERNAME "<label>:<peer ufrag>", PRIORITY,
 * ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT), with
 * routing labels from ufrag_label_encode(). Responses are checked
 * independently: MESSAGE-INTEGRITY with OpenSSL's one-shot HMAC(),
 * FINGERPRINT with zlib's crc32(), XOR-MAPPED-ADDRESS decoded by hand.
 * Every drop moves exactly one counter, by one.
 *
 * Reply frames: a request frame goes through pkt_process() (the real
 * classification into struct pkt_media), its answer through
 * pkt_udp_reply(); the frame is checked byte by byte, checksums with an
 * RFC 1071 sum written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "pkt.h"
#include "wsess.h"

#define SECRET "wsess test cluster secret 0001"
#define NODE 5
#define WORKER 1
#define SLOTS 8
#define PWD "wsessPasswordOfTwentyFour+/"
#define PWD2 "restartedPassword0123456789"
#define PEER "peerUf"
#define PEER2 "peerU2"
#define SEC 1000000ull
#define T0 (50 * SEC)
#define LOCAL_PRIO 2130706431u

static struct ufrag_key key;
static struct wsess slots[SLOTS];
static struct flowtab_entry flows[2 * SLOTS];
static struct wsess_table tab;
static struct rtc_stats st;

/* ---- labels, flows, requests ---- */

static const char *
label(uint16_t node, uint8_t worker, uint32_t slot, uint32_t gen)
{
	static char out[4][UFRAG_LABEL_LEN + 1];
	static unsigned k;
	struct ufrag_fields f = {.version = UFRAG_VERSION,
	        .node = node,
	        .worker = worker,
	        .slot = slot,
	        .generation = gen};
	char *o = out[k++ & 3];

	assert_int_equal(ufrag_label_encode(&key, &f, o, UFRAG_LABEL_LEN + 1), UFRAG_LABEL_LEN);
	return o;
}

static struct pkt_flow
flow4(void)
{
	struct pkt_flow f;

	memset(&f, 0, sizeof(f));
	f.family = 4;
	f.raddr[10] = f.raddr[11] = 0xff;
	f.raddr[12] = 203;
	f.raddr[13] = 0;
	f.raddr[14] = 113;
	f.raddr[15] = 5;
	f.laddr[10] = f.laddr[11] = 0xff;
	f.laddr[12] = 198;
	f.laddr[13] = 51;
	f.laddr[14] = 100;
	f.laddr[15] = 10;
	f.rport = htons(50000);
	f.lport = htons(20000);
	return f;
}

struct req {
	const char *username; /* NULL: none */
	const char *pwd;      /* NULL: no MESSAGE-INTEGRITY */
	int use_cand;
};

static uint8_t txid[STUN_TXID_LEN];

static uint16_t
make_req(uint8_t *buf, size_t cap, const struct req *r)
{
	struct stun_builder b;
	struct stun_hmac_key k;
	int n;

	for (int i = 0; i < STUN_TXID_LEN; i++)
		txid[i]++;
	stun_build_begin(&b, buf, cap, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	if (r->username)
		stun_build_attr(&b, STUN_ATTR_USERNAME, r->username, (uint16_t)strlen(r->username));
	stun_build_u32(&b, STUN_ATTR_PRIORITY, 1845501695u);
	stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x0102030405060708ull);
	if (r->use_cand)
		stun_build_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	if (r->pwd) {
		stun_hmac_key_init(&k, r->pwd, strlen(r->pwd));
		stun_build_integrity(&b, &k);
	}
	stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	assert_true(n > 0);
	return (uint16_t)n;
}

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

/* A success response to the last request: integrity with @pwd, fingerprint, mapped address. */
static void
check_success(const uint8_t *r, uint16_t n, const char *pwd, const uint8_t ip4[4], uint16_t port)
{
	size_t off, mi_off = 0, xma_off = 0, fp_off = 0;
	uint8_t copy[256], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;

	assert_true(n >= 20 && n <= sizeof(copy));
	assert_int_equal(be16(r), 0x0101); /* Binding success response */
	assert_int_equal(be16(r + 2), n - 20);
	assert_int_equal(be32(r + 4), STUN_MAGIC_COOKIE);
	assert_memory_equal(r + 8, txid, STUN_TXID_LEN);
	for (off = 20; off + 4 <= n;) {
		uint16_t t = be16(r + off), l = be16(r + off + 2);
		if (t == STUN_ATTR_MESSAGE_INTEGRITY)
			mi_off = off;
		if (t == STUN_ATTR_XOR_MAPPED_ADDRESS)
			xma_off = off;
		if (t == STUN_ATTR_FINGERPRINT)
			fp_off = off;
		off += 4 + ((l + 3u) & ~3u);
	}
	assert_int_equal(off, n);
	assert_true(mi_off && xma_off && fp_off == n - 8u);
	/* MESSAGE-INTEGRITY (RFC 8489 §14.5): length covering up to MI itself */
	memcpy(copy, r, mi_off);
	copy[2] = (uint8_t)((mi_off + 24 - 20) >> 8);
	copy[3] = (uint8_t)(mi_off + 24 - 20);
	assert_non_null(HMAC(EVP_sha1(), pwd, (int)strlen(pwd), copy, mi_off, mac, &mac_len));
	assert_int_equal(mac_len, 20);
	assert_memory_equal(r + mi_off + 4, mac, 20);
	/* FINGERPRINT (§14.7) */
	assert_int_equal(
	        be32(r + fp_off + 4), (uint32_t)crc32(0, r, (uInt)fp_off) ^ STUN_FINGERPRINT_XOR);
	/* XOR-MAPPED-ADDRESS (§14.2): IPv4 */
	assert_int_equal(r[xma_off + 5], 1);
	assert_int_equal(be16(r + xma_off + 6) ^ (STUN_MAGIC_COOKIE >> 16), port);
	assert_int_equal(be32(r + xma_off + 8) ^ STUN_MAGIC_COOKIE, be32(ip4));
}

/* ---- the table ---- */

static struct dpmsg_cmd
cmd(enum dpmsg_cmd_type type, uint32_t slot, uint32_t gen)
{
	struct dpmsg_cmd c;

	memset(&c, 0, sizeof(c));
	c.version = DPMSG_VERSION;
	c.type = (uint16_t)type;
	c.slot = slot;
	c.gen = gen;
	c.sess_id = 100 + slot;
	c.local_priority = LOCAL_PRIO;
	return c;
}

static void
add(uint32_t slot, uint32_t gen, const char *pwd, const char *remote)
{
	struct dpmsg_cmd c = cmd(DPMSG_SESS_ADD, slot, gen);
	struct dpmsg_event ev;

	snprintf(c.creds.ufrag, sizeof(c.creds.ufrag), "%s", label(NODE, WORKER, slot, gen));
	snprintf(c.creds.pwd, sizeof(c.creds.pwd), "%s", pwd);
	snprintf(c.creds.remote_ufrag, sizeof(c.creds.remote_ufrag), "%s", remote);
	memset(&ev, 0x55, sizeof(ev));
	assert_int_equal(wsess_apply(&tab, &c, T0, &ev, &st), 1);
	assert_int_equal(ev.version, DPMSG_VERSION);
	assert_int_equal(ev.type, DPMSG_EV_ADDED);
	assert_int_equal(ev.status, 0);
	assert_int_equal(ev.worker, WORKER);
	assert_int_equal(ev.slot, slot);
	assert_int_equal(ev.gen, gen);
	assert_int_equal(ev.sess_id, 100 + slot);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(ufrag_key_init(&key, 0, SECRET, strlen(SECRET)), 0);
	memset(slots, 0, sizeof(slots));
	memset(flows, 0, sizeof(flows));
	memset(&st, 0, sizeof(st));
	memset(txid, 0, sizeof(txid));
	wsess_table_init(&tab, slots, SLOTS, flows, 2 * SLOTS, WORKER, NODE, &key, 1, NULL, NULL);
	return 0;
}

/* One STUN datagram through wsess_stun(); exactly counter @moved moved, by one. */
static enum wsess_verdict
stun_in(uint64_t now, const uint8_t *buf, uint16_t len, enum rtc_stat moved, const uint8_t **resp,
        uint16_t *resp_len, unsigned *owner, struct dpmsg_event *ev, unsigned *n_ev)
{
	struct rtc_stats before = st;
	struct pkt_flow f = flow4();
	enum wsess_verdict v;

	*n_ev = 0;
	v = wsess_stun(&tab, now, &f, NULL, 0, buf, len, &st, resp, resp_len, owner, ev, 8, n_ev);
	for (unsigned k = 0; k < RTC_STAT__COUNT; k++) {
		uint64_t want = before.v[k] + ((int)k == (int)moved ? 1 : 0);
		if (st.v[k] != want)
			fail_msg("counter %s: %llu, want %llu", rtc_stats_name((enum rtc_stat)k),
			        (unsigned long long)st.v[k], (unsigned long long)want);
	}
	return v;
}

#define NONE RTC_STAT__COUNT

static void
expect_drop(uint64_t now, const struct req *r, enum rtc_stat reason)
{
	uint8_t buf[512];
	uint16_t n = make_req(buf, sizeof(buf), r), rl = 0;
	const uint8_t *resp = NULL;
	unsigned owner = 999, n_ev;
	struct dpmsg_event ev[8];

	assert_int_equal(stun_in(now, buf, n, reason, &resp, &rl, &owner, ev, &n_ev), WSESS_DROP);
	assert_null(resp);
	assert_int_equal(owner, 999);
}

static const uint8_t PEER4[4] = {203, 0, 113, 5};

static int
bytes_zero_wsess(const struct wsess *s)
{
	const uint8_t *p = (const uint8_t *)s;

	for (size_t i = 0; i < sizeof(*s); i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
test_add_and_answer(void **state)
{
	uint8_t buf[512];
	uint16_t n, rl;
	const uint8_t *resp;
	unsigned owner, n_ev;
	struct dpmsg_event ev[8];
	char user[128];
	struct wsess *s;

	(void)state;
	add(2, 7, PWD, PEER);
	assert_int_equal(tab.n_active, 1);
	assert_int_equal(st.v[RTC_STAT_sess_cmds], 1);
	s = wsess_lookup(&tab, 2, 7);
	assert_non_null(s);
	assert_null(wsess_lookup(&tab, 2, 6));
	assert_null(wsess_lookup(&tab, 3, 7));
	assert_null(wsess_lookup(&tab, SLOTS, 7));

	/* a nominating request: answered, CHECKING then SELECTED */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	assert_int_equal(
	        stun_in(T0 + SEC, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	check_success(resp, rl, PWD, PEER4, 50000);
	assert_int_equal(n_ev, 2);
	assert_int_equal(ev[0].type, DPMSG_EV_ICE_CHECKING);
	assert_int_equal(ev[1].type, DPMSG_EV_ICE_SELECTED);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ev[i].version, DPMSG_VERSION);
		assert_int_equal(ev[i].worker, WORKER);
		assert_int_equal(ev[i].slot, 2);
		assert_int_equal(ev[i].gen, 7);
		assert_int_equal(ev[i].sess_id, 102);
		assert_int_equal(ev[i].time_us, T0 + SEC);
	}
	assert_int_equal(ev[1].local.family, 4);
	assert_int_equal(ev[1].local.port, 20000);
	assert_memory_equal(ev[1].local.addr, ((uint8_t[]){198, 51, 100, 10}), 4);
	assert_int_equal(ev[1].remote.port, 50000);
	assert_memory_equal(ev[1].remote.addr, PEER4, 4);
	assert_int_equal(s->rx_packets, 1);
	assert_int_equal(s->rx_bytes, n);
	assert_int_equal(s->tx_packets, 1);
	assert_int_equal(s->tx_bytes, rl);
	assert_int_equal(s->last_rx_us, T0 + SEC);
	/* a second request: answered, no new events (CHECKING is reported once) */
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	assert_int_equal(stun_in(T0 + 2 * SEC, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner,
	                         ev, &n_ev),
	        WSESS_TX);
	check_success(resp, rl, PWD, PEER4, 50000);
	assert_int_equal(n_ev, 0);

	/* a trickled candidate reaches the agent */
	{
		struct dpmsg_cmd c = cmd(DPMSG_SESS_CAND, 2, 7);
		struct dpmsg_event e;
		c.cand.addr =
		        (struct stun_addr){.family = 4, .port = 40000, .addr = {192, 0, 2, 9}};
		c.cand.priority = 1694498815u;
		c.cand.type = ICE_CAND_SRFLX;
		assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
		assert_non_null(ice_agent_find_cand(&s->ice, &c.cand.addr));
	}
}

static void
test_drops(void **state)
{
	uint8_t buf[512];
	const uint8_t *resp = NULL;
	uint16_t rl = 0;
	unsigned owner = 999, n_ev;
	struct dpmsg_event ev[8];
	char user[128], forged[UFRAG_LABEL_LEN + 1];
	uint16_t n;

	(void)state;
	add(2, 7, PWD, PEER);
	add(4, 1, PWD, PEER);
	/* not STUN at all */
	memcpy(buf, "\x00\x01\x00\x04junkjunkjunkjunkjunk", 24);
	assert_int_equal(
	        stun_in(T0, buf, 24, RTC_DROP_stun_malformed, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_DROP);
	/* a request without USERNAME */
	expect_drop(T0, &(struct req){NULL, PWD, 1}, RTC_DROP_stun_no_username);
	/* USERNAME that is no label: forged MAC, garbage, no colon */
	memcpy(forged, label(NODE, WORKER, 2, 7), sizeof(forged));
	forged[UFRAG_LABEL_LEN - 1] = forged[UFRAG_LABEL_LEN - 1] == 'A' ? 'B' : 'A';
	snprintf(user, sizeof(user), "%s:%s", forged, PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_bad_label);
	expect_drop(T0, &(struct req){"abcdefghijklmnopqrstuv:x", PWD, 1}, RTC_DROP_stun_bad_label);
	expect_drop(T0, &(struct req){label(NODE, WORKER, 2, 7), PWD, 1}, RTC_DROP_stun_bad_label);
	/* a label signed under another secret */
	{
		struct ufrag_key other;
		struct ufrag_fields f = {.version = UFRAG_VERSION,
		        .node = NODE,
		        .worker = WORKER,
		        .slot = 2,
		        .generation = 7};
		char lab[UFRAG_LABEL_LEN + 1];
		assert_int_equal(ufrag_key_init(&other, 0, "another cluster secret 999", 26), 0);
		assert_int_equal(ufrag_label_encode(&other, &f, lab, sizeof(lab)), UFRAG_LABEL_LEN);
		snprintf(user, sizeof(user), "%s:%s", lab, PEER);
		expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_bad_label);
	}
	/* another node's label */
	snprintf(user, sizeof(user), "%s:%s", label(NODE + 1, WORKER, 2, 7), PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_other_node);
	/* no session: an empty slot, a stale generation, a slot beyond the table */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 3, 7), PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_no_session);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 6), PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_no_session);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, SLOTS + 100, 7), PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_no_session);
	/* the right label, a wrong password, a wrong peer ufrag, no integrity: the agent refuses */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), PEER);
	expect_drop(T0, &(struct req){user, "wrongPasswordWrongPassword", 1},
	        RTC_DROP_stun_ice_refused);
	expect_drop(T0, &(struct req){user, NULL, 1}, RTC_DROP_stun_ice_refused);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), "intruder");
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_ice_refused);
	/* the label of slot 4 with slot 2's... no: slot 4's own pwd works, not another's */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 4, 1), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 0});
	assert_int_equal(stun_in(T0, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	/* no event from a refused request: the session stays NEW on the control plane */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, "wrongPasswordWrongPassword", 1});
	stun_in(T0, buf, n, RTC_DROP_stun_ice_refused, &resp, &rl, &owner, ev, &n_ev);
	assert_int_equal(n_ev, 0);

	/* another worker's label: hand-off to the owner, no counter here */
	snprintf(user, sizeof(user), "%s:%s", label(NODE, 3, 2, 7), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	resp = NULL;
	assert_int_equal(stun_in(T0, buf, n, NONE, &resp, &rl, &owner, ev, &n_ev), WSESS_HANDOFF);
	assert_int_equal(owner, 3);
	assert_null(resp);

	/* after DEL: no session */
	{
		struct dpmsg_cmd c = cmd(DPMSG_SESS_DEL, 2, 7);
		struct dpmsg_event e;
		assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 1);
		assert_int_equal(e.type, DPMSG_EV_REMOVED);
		assert_int_equal(e.slot, 2);
		assert_int_equal(e.gen, 7);
		assert_int_equal(tab.n_active, 1);
		assert_true(bytes_zero_wsess(&slots[2]));
	}
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), PEER);
	expect_drop(T0, &(struct req){user, PWD, 1}, RTC_DROP_stun_no_session);
}

static void
test_restart(void **state)
{
	uint8_t buf[512];
	const uint8_t *resp;
	uint16_t rl, n;
	unsigned owner, n_ev;
	struct dpmsg_event ev[8];
	char old_user[128], new_user[128];
	struct dpmsg_cmd c;
	struct dpmsg_event e;

	(void)state;
	add(5, 40, PWD, PEER);
	snprintf(old_user, sizeof(old_user), "%s:%s", label(NODE, WORKER, 5, 40), PEER);
	snprintf(new_user, sizeof(new_user), "%s:%s", label(NODE, WORKER, 5, 41), PEER2);
	n = make_req(buf, sizeof(buf), &(struct req){old_user, PWD, 1});
	assert_int_equal(stun_in(T0, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	/* before RESTART, the new label is stale */
	expect_drop(T0, &(struct req){new_user, PWD2, 1}, RTC_DROP_stun_no_session);
	c = cmd(DPMSG_SESS_RESTART, 5, 40);
	c.new_gen = 41;
	snprintf(c.creds.ufrag, sizeof(c.creds.ufrag), "%s", label(NODE, WORKER, 5, 41));
	snprintf(c.creds.pwd, sizeof(c.creds.pwd), "%s", PWD2);
	snprintf(c.creds.remote_ufrag, sizeof(c.creds.remote_ufrag), "%s", PEER2);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	assert_non_null(wsess_lookup(&tab, 5, 41));
	assert_non_null(wsess_lookup(&tab, 5, 40));
	/* until a nomination under the new credentials, the old ones still work */
	n = make_req(buf, sizeof(buf), &(struct req){old_user, PWD, 1});
	assert_int_equal(
	        stun_in(T0 + SEC, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	check_success(resp, rl, PWD, PEER4, 50000);
	/* the new label with the old password: refused by the agent */
	expect_drop(T0 + SEC, &(struct req){new_user, PWD, 1}, RTC_DROP_stun_ice_refused);
	/* a nomination under the new label: answered with the new password, RESTARTED */
	n = make_req(buf, sizeof(buf), &(struct req){new_user, PWD2, 1});
	assert_int_equal(stun_in(T0 + 2 * SEC, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner,
	                         ev, &n_ev),
	        WSESS_TX);
	check_success(resp, rl, PWD2, PEER4, 50000);
	assert_true(n_ev >= 1);
	assert_int_equal(ev[0].type, DPMSG_EV_ICE_RESTARTED);
	assert_int_equal(ev[0].gen, 40); /* the generation the control plane knows */
	for (unsigned i = 1; i < n_ev; i++)
		assert_int_equal(ev[i].gen, 41);
	/* the old credentials are gone */
	assert_null(wsess_lookup(&tab, 5, 40));
	expect_drop(T0 + 3 * SEC, &(struct req){old_user, PWD, 1}, RTC_DROP_stun_no_session);
	n = make_req(buf, sizeof(buf), &(struct req){new_user, PWD2, 1});
	assert_int_equal(stun_in(T0 + 3 * SEC, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner,
	                         ev, &n_ev),
	        WSESS_TX);
	/* a command of the old generation is stale now; the DEL names the new one */
	c = cmd(DPMSG_SESS_DEL, 5, 40);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	assert_int_equal(st.v[RTC_STAT_sess_cmds_stale], 1);
	c = cmd(DPMSG_SESS_DEL, 5, 41);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 1);
	assert_int_equal(tab.n_active, 0);
}

static void
test_consent_expiry(void **state)
{
	uint8_t buf[512];
	const uint8_t *resp;
	uint16_t rl, n;
	unsigned owner, n_ev = 0;
	struct dpmsg_event ev[8];
	char user[128];
	uint64_t t = T0 + 5 * SEC;

	(void)state;
	add(1, 3, PWD, PEER);
	add(6, 9, PWD, PEER);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 1, 3), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	assert_int_equal(stun_in(t, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	/* RFC 7675: 30 s after the last valid request; slot 6 (never a request) 30 s after ADD */
	n_ev = 0;
	wsess_tick(&tab, T0 + 30 * SEC - 10000, ev, 8, &n_ev);
	assert_int_equal(n_ev, 0);
	wsess_tick(&tab, T0 + 30 * SEC, ev, 8, &n_ev);
	/* only FAILED: no CHECKING for an agent that never had a valid request */
	assert_int_equal(n_ev, 1);
	assert_int_equal(ev[0].type, DPMSG_EV_ICE_FAILED);
	assert_int_equal(ev[0].slot, 6);
	assert_int_equal(ev[0].gen, 9);
	assert_int_equal(ev[0].sess_id, 106);
	n_ev = 0;
	wsess_tick(&tab, t + 30 * SEC - 10000, ev, 8, &n_ev);
	assert_int_equal(n_ev, 0);
	/* ticks are at most every 10 ms: this one is skipped */
	wsess_tick(&tab, t + 30 * SEC - 1, ev, 8, &n_ev);
	assert_int_equal(n_ev, 0);
	wsess_tick(&tab, t + 30 * SEC, ev, 8, &n_ev);
	assert_int_equal(n_ev, 1);
	assert_int_equal(ev[0].type, DPMSG_EV_ICE_FAILED);
	assert_int_equal(ev[0].slot, 1);
	assert_int_equal(ev[0].gen, 3);
	/* reported once */
	n_ev = 0;
	wsess_tick(&tab, t + 60 * SEC, ev, 8, &n_ev);
	assert_int_equal(n_ev, 0);
	/* a failed agent answers nothing */
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	stun_in(t + 61 * SEC, buf, n, RTC_DROP_stun_ice_refused, &resp, &rl, &owner, ev, &n_ev);
	/* the event array is bounded */
	n_ev = 0;
	wsess_tick(&tab, t + 100 * SEC, ev, 0, &n_ev);
	assert_int_equal(n_ev, 0);
}

static void
test_stale_commands(void **state)
{
	struct dpmsg_cmd c;
	struct dpmsg_event e;

	(void)state;
	add(0, 1, PWD, PEER);
	/* wrong version, slot beyond the table: not applied at all */
	c = cmd(DPMSG_SESS_DEL, 0, 1);
	c.version = DPMSG_VERSION + 1;
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	c = cmd(DPMSG_SESS_ADD, SLOTS, 1);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	assert_int_equal(st.v[RTC_STAT_sess_cmds_stale], 2);
	assert_int_equal(st.v[RTC_STAT_sess_cmds], 1);
	/* CAND, RESTART, DEL of another generation; an unknown type */
	c = cmd(DPMSG_SESS_CAND, 0, 2);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	c = cmd(DPMSG_SESS_RESTART, 0, 2);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	c = cmd(DPMSG_SESS_DEL, 0, 2);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	c = cmd(DPMSG_SESS_DEL, 3, 1); /* an empty slot */
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	c = cmd(99, 0, 1);
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 0);
	assert_int_equal(st.v[RTC_STAT_sess_cmds_stale], 7);
	assert_non_null(wsess_lookup(&tab, 0, 1));
	assert_int_equal(tab.n_active, 1);
	/* an ADD the agent refuses (bad credentials): ADDED with an error, nothing active */
	c = cmd(DPMSG_SESS_ADD, 3, 1);
	snprintf(c.creds.ufrag, sizeof(c.creds.ufrag), "%s", label(NODE, WORKER, 3, 1));
	snprintf(c.creds.pwd, sizeof(c.creds.pwd), "short");
	assert_int_equal(wsess_apply(&tab, &c, T0, &e, &st), 1);
	assert_int_equal(e.type, DPMSG_EV_ADDED);
	assert_true(e.status < 0);
	assert_null(wsess_lookup(&tab, 3, 1));
	assert_int_equal(tab.n_active, 1);
	/* and one that replaces a live slot without a DEL in between keeps the count right */
	add(0, 5, PWD, PEER);
	assert_int_equal(tab.n_active, 1);
	assert_null(wsess_lookup(&tab, 0, 1));
}

/* ---- pkt_udp_reply ---- */

static const uint8_t OUR_MAC[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t PEER_MAC[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t OUR4[4] = {198, 51, 100, 10};
static const uint8_t OUR6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x10};
static const uint8_t PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x05};

/* RFC 1071, one byte at a time */
static uint16_t
t_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A received frame: Ethernet (VLAN @vlan if nonzero), IPv4 or IPv6, UDP, @pl. */
static size_t
rx_frame(uint8_t *b, int v6, uint16_t vlan, const uint8_t *pl, size_t plen)
{
	size_t l2 = vlan ? 18 : 14, l3 = v6 ? 40 : 20, off = 0;
	uint8_t *ip = b + l2, *udp = b + l2 + l3;
	uint32_t s;

	memcpy(b, OUR_MAC, 6);
	memcpy(b + 6, PEER_MAC, 6);
	if (vlan) {
		put16(b + 12, 0x8100);
		put16(b + 14, vlan);
		off = 4;
	}
	put16(b + 12 + off, v6 ? 0x86dd : 0x0800);
	if (!v6) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (unsigned)(20 + 8 + plen));
		put16(ip + 4, 0x1234);
		ip[8] = 57;
		ip[9] = 17;
		memcpy(ip + 12, PEER4, 4);
		memcpy(ip + 16, OUR4, 4);
		put16(ip + 10, (uint16_t)~t_sum(ip, 20, 0));
	} else {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (unsigned)(8 + plen));
		ip[6] = 17;
		ip[7] = 61;
		memcpy(ip + 8, PEER6, 16);
		memcpy(ip + 24, OUR6, 16);
	}
	put16(udp, 50000);
	put16(udp + 2, 20000);
	put16(udp + 4, (unsigned)(8 + plen));
	put16(udp + 6, 0);
	memcpy(udp + 8, pl, plen);
	/* pseudo-header + UDP */
	s = t_sum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 17 + 8 + (uint32_t)plen);
	put16(udp + 6, (uint16_t)~t_sum(udp, 8 + plen, s));
	return l2 + l3 + 8 + plen;
}

static void
check_reply(const uint8_t *b, size_t len, int v6, uint16_t vlan, const uint8_t *pl, size_t plen)
{
	size_t l2 = vlan ? 18 : 14, l3 = v6 ? 40 : 20;
	const uint8_t *ip = b + l2, *udp = b + l2 + l3;
	uint32_t s;

	assert_int_equal(len, l2 + l3 + 8 + plen);
	assert_memory_equal(b, PEER_MAC, 6);
	assert_memory_equal(b + 6, OUR_MAC, 6);
	if (vlan) {
		assert_int_equal(be16(b + 12), 0x8100);
		assert_int_equal(be16(b + 14), vlan);
	}
	assert_int_equal(be16(b + l2 - 2), v6 ? 0x86dd : 0x0800);
	if (!v6) {
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[1], 0);
		assert_int_equal(be16(ip + 2), 20 + 8 + plen);
		assert_int_equal(be16(ip + 6), 0x4000); /* DF */
		assert_int_equal(ip[8], 64);
		assert_int_equal(ip[9], 17);
		assert_memory_equal(ip + 12, OUR4, 4);
		assert_memory_equal(ip + 16, PEER4, 4);
		assert_int_equal(t_sum(ip, 20, 0), 0xffff); /* header checksum verifies */
	} else {
		assert_int_equal(be32(ip), 6u << 28);
		assert_int_equal(be16(ip + 4), 8 + plen);
		assert_int_equal(ip[6], 17);
		assert_int_equal(ip[7], 64);
		assert_memory_equal(ip + 8, OUR6, 16);
		assert_memory_equal(ip + 24, PEER6, 16);
	}
	assert_int_equal(be16(udp), 20000);
	assert_int_equal(be16(udp + 2), 50000);
	assert_int_equal(be16(udp + 4), 8 + plen);
	assert_int_not_equal(be16(udp + 6), 0);
	s = t_sum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 17 + 8 + (uint32_t)plen);
	assert_int_equal(t_sum(udp, 8 + plen, s), 0xffff); /* UDP checksum verifies */
	assert_memory_equal(udp + 8, pl, plen);
}

/* A request frame in through pkt_process() and wsess_stun(), the reply frame out. */
static void
reply_case(int v6, uint16_t vlan)
{
	struct netif nif;
	struct neigh_table *neigh = malloc(sizeof(*neigh));
	struct pkt_ctx ctx;
	struct pkt_media m;
	uint8_t mem[2048 + 2], *buf = mem + 2, req_pl[512], before[2048];
	uint16_t len, rl, n, out;
	const uint8_t *resp;
	unsigned owner, n_ev = 0; /* wsess_stun() adds to it */
	struct dpmsg_event ev[8];
	char user[128];
	uint32_t a4;

	assert_non_null(neigh);
	memset(&nif, 0, sizeof(nif));
	memcpy(nif.mac, OUR_MAC, 6);
	nif.vlan = vlan;
	nif.media_port = 20000;
	memcpy(&a4, OUR4, 4);
	assert_int_equal(netif_add_ip4(&nif, a4, 24), 0);
	assert_int_equal(netif_add_ip6(&nif, OUR6, 64), 0);
	neigh_init(neigh);
	memset(&ctx, 0, sizeof(ctx));
	ctx.nif = &nif;
	ctx.neigh = neigh;
	ctx.st = &st;
	ctx.now_us = T0;

	add(2, 7, PWD, PEER);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 7), PEER);
	n = make_req(req_pl, sizeof(req_pl), &(struct req){user, PWD, 1});
	len = (uint16_t)rx_frame(buf, v6, vlan, req_pl, n);
	assert_int_equal(pkt_process(&ctx, buf, &len, 2048, &m), PKT_MEDIA);
	assert_int_equal(m.cls, DEMUX_STUN);
	assert_int_equal(m.flow.family, v6 ? 6 : 4);
	assert_int_equal(wsess_stun(&tab, T0, &m.flow, buf, m.l2_len, buf + m.payload_off,
	                         m.payload_len, &st,
	                         &resp, &rl, &owner, ev, 8, &n_ev),
	        WSESS_TX);
	/* too small a room: 0 and the frame untouched */
	memcpy(before, buf, len);
	out = pkt_udp_reply(buf, (uint16_t)(m.l2_len + (v6 ? 40 : 20) + 8 + rl - 1), &m, resp, rl);
	assert_int_equal(out, 0);
	assert_memory_equal(buf, before, len);
	/* exactly enough */
	out = pkt_udp_reply(buf, (uint16_t)(m.l2_len + (v6 ? 40 : 20) + 8 + rl), &m, resp, rl);
	assert_int_not_equal(out, 0);
	check_reply(buf, out, v6, vlan, resp, rl);
	/* the answer inside the reply still verifies */
	{
		const uint8_t *udp = buf + m.l2_len + (v6 ? 40 : 20);
		uint8_t ip_peer[4];
		memcpy(ip_peer, PEER4, 4);
		if (!v6)
			check_success(udp + 8, rl, PWD, ip_peer, 50000);
	}
	/* a payload sitting inside the frame (where the new headers go) is moved first */
	{
		uint8_t pl[64];
		for (unsigned i = 0; i < sizeof(pl); i++)
			pl[i] = (uint8_t)(0xa0 + i);
		len = (uint16_t)rx_frame(buf, v6, vlan, pl, sizeof(pl));
		assert_int_equal(pkt_process(&ctx, buf, &len, 2048, &m), PKT_MEDIA);
		out = pkt_udp_reply(buf, 2048, &m, buf + m.payload_off + 4, 40);
		check_reply(buf, out, v6, vlan, pl + 4, 40);
	}
	free(neigh);
}


/* Flow ownership across workers: a selected pair is announced; another worker hands its
 * DTLS/RTP to the owner; the session's end withdraws it. */
static void
test_flow_announcements(void **state)
{
	static struct wsess other_slots[SLOTS];
	static struct flowtab_entry other_flows[2 * SLOTS], foreign_a[4 * SLOTS],
	        foreign_b[4 * SLOTS];
	struct wsess_table other;
	struct wsess_announce a;
	uint8_t buf[512], dtls[16] = {22, 0xfe, 0xfd};
	uint16_t n, rl, dl = sizeof(dtls);
	const uint8_t *resp;
	unsigned owner = 999, n_ev;
	struct dpmsg_event ev[8];
	char user[128];
	struct pkt_flow f = flow4();
	struct wsess *sp = NULL;
	struct rtc_stats ost;
	struct dpmsg_cmd del;
	struct dpmsg_event dev;

	(void)state;
	memset(other_slots, 0, sizeof(other_slots));
	memset(other_flows, 0, sizeof(other_flows));
	memset(foreign_a, 0, sizeof(foreign_a));
	memset(foreign_b, 0, sizeof(foreign_b));
	memset(&ost, 0, sizeof(ost));
	wsess_table_foreign(&tab, foreign_a, 4 * SLOTS);
	wsess_table_init(&other, other_slots, SLOTS, other_flows, 2 * SLOTS, WORKER + 1, NODE, &key,
	        1, NULL, NULL);
	wsess_table_foreign(&other, foreign_b, 4 * SLOTS);
	/* before: the other worker knows nothing of the flow */
	assert_int_equal(wsess_media(&other, T0, &f, DEMUX_DTLS, dtls, &dl, &ost, &sp, &owner),
	        WSESS_UNKNOWN);
	assert_int_equal(ost.v[RTC_DROP_media_no_session], 0); /* the caller counts it */

	add(1, 3, PWD, PEER);
	snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 1, 3), PEER);
	n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
	assert_int_equal(stun_in(T0, buf, n, RTC_STAT_stun_answered, &resp, &rl, &owner, ev, &n_ev),
	        WSESS_TX);
	/* the selection is announced once, for our worker */
	assert_int_equal(wsess_announce_poll(&tab, &a), 1);
	assert_int_equal(a.add, 1);
	assert_int_equal(a.owner, WORKER);
	assert_memory_equal(&a.flow, &f, sizeof(f));
	assert_int_equal(wsess_announce_poll(&tab, &a), 0);
	/* applied by the other worker: it hands the flow's DTLS to us */
	assert_int_equal(wsess_announce_poll(&tab, &a), 0);
	a.add = 1;
	a.owner = WORKER;
	a.flow = f;
	a.version = DPMSG_VERSION;
	wsess_announce_apply(&other, &a);
	owner = 999;
	dl = sizeof(dtls);
	assert_int_equal(wsess_media(&other, T0, &f, DEMUX_DTLS, dtls, &dl, &ost, &sp, &owner),
	        WSESS_HANDOFF);
	assert_int_equal(owner, WORKER);
	/* and we, the owner, take it ourselves */
	dl = sizeof(dtls);
	assert_int_equal(wsess_media(&tab, T0, &f, DEMUX_DTLS, dtls, &dl, &st, &sp, &owner),
	        WSESS_CONTROL);
	assert_ptr_equal(sp, wsess_lookup(&tab, 1, 3));
	/* our own announcement is ignored where it came from */
	wsess_announce_apply(&tab, &a);
	dl = sizeof(dtls);
	assert_int_equal(wsess_media(&tab, T0, &f, DEMUX_DTLS, dtls, &dl, &st, &sp, &owner),
	        WSESS_CONTROL);
	/* the session ends: withdrawn, and the other worker forgets it */
	del = cmd(DPMSG_SESS_DEL, 1, 3);
	assert_int_equal(wsess_apply(&tab, &del, T0, &dev, &st), 1);
	assert_int_equal(wsess_announce_poll(&tab, &a), 1);
	assert_int_equal(a.add, 0);
	wsess_announce_apply(&other, &a);
	dl = sizeof(dtls);
	assert_int_equal(wsess_media(&other, T0, &f, DEMUX_DTLS, dtls, &dl, &ost, &sp, &owner),
	        WSESS_UNKNOWN);
	/* a full queue loses announcements, counted */
	for (unsigned i = 0; i < WSESS_ANNOUNCE_Q + 3; i++) {
		add(2, 10 + i, PWD, PEER);
		snprintf(user, sizeof(user), "%s:%s", label(NODE, WORKER, 2, 10 + i), PEER);
		f.rport = htons((uint16_t)(40000 + i));
		n = make_req(buf, sizeof(buf), &(struct req){user, PWD, 1});
		(void)wsess_stun(&tab, T0, &f, NULL, 0, buf, n, &st, &resp, &rl, &owner, ev, 8, &n_ev);
		del = cmd(DPMSG_SESS_DEL, 2, 10 + i);
		assert_int_equal(wsess_apply(&tab, &del, T0, &dev, &st), 1);
	}
	assert_true(tab.announce_lost > 0);
}

static void
test_udp_reply_ipv4(void **state)
{
	(void)state;
	reply_case(0, 0);
}

static void
test_udp_reply_ipv6(void **state)
{
	(void)state;
	reply_case(1, 0);
}

static void
test_udp_reply_vlan(void **state)
{
	(void)state;
	reply_case(0, 7);
	setup(NULL);
	reply_case(1, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_add_and_answer, setup),
	        cmocka_unit_test_setup(test_drops, setup),
	        cmocka_unit_test_setup(test_restart, setup),
	        cmocka_unit_test_setup(test_consent_expiry, setup),
	        cmocka_unit_test_setup(test_stale_commands, setup),
	        cmocka_unit_test_setup(test_flow_announcements, setup),
	        cmocka_unit_test_setup(test_udp_reply_ipv4, setup),
	        cmocka_unit_test_setup(test_udp_reply_ipv6, setup),
	        cmocka_unit_test_setup(test_udp_reply_vlan, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
