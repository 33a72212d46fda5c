/*
 * bench_sfu_port: the whole rtcedge worker forwarding one publisher's SRTP
 * to N viewers through a real DPDK port (docs/benchmarks.md, "SFU
 * forwarding through the port").
 *
 *   bench_sfu_port [EAL options: -l 0-1 --no-huge -m M --file-prefix P
 *                   --vdev net_pcap0,rx_pcap=CAP,infinite_rx=1] --
 *                  --viewers N [--mbufs M] [--warmup S] [--seconds S] [--max-rx P]
 *                  [--check-exact P | --check-replay P] [--srtp ipsec-mb|libsrtp|auto]
 *
 * What runs is the daemon's code, not a copy: port_setup() (dataplane/port.c),
 * worker_setup() and worker_main() (dataplane/worker.c) on one worker lcore,
 * fed by the port's RX queue and sending on its TX queue. The capture
 * (gen_srtp_pcap) is the publisher's; without tx_pcap, net_pcap's TX counts
 * and frees what is sent, the cheapest sink there is (the same one
 * scripts/bench gives testpmd).
 *
 * Sessions are installed the way the control lcore does it, except for the
 * two handshakes:
 *   1. DPMSG_SESS_ADD for the publisher (slot 0, stream 0, role 0, Opus PT
 *      111) and N viewers (slots 1..N, role 1), through the worker's command
 *      ring, the worker running (its RX queue not yet polled: rxq = -1);
 *   2. ICE: the worker stopped, one nominating Binding request per session
 *      (USERNAME "<label>:<peer ufrag>", PRIORITY, ICE-CONTROLLING,
 *      USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT: what a browser sends)
 *      handed to wsess_stun() on the worker's table, the function the worker
 *      calls for every STUN datagram: the agent selects the pair, the
 *      session gets its flow and L2 header. Its responses are not sent;
 *   3. DPMSG_SESS_SRTP with known keys (instead of DTLS), through the ring.
 * Then the worker's RX queue is switched on (rxq = 0) and worker_main runs
 * for the warm-up and the window. Counters are the worker's own (struct
 * rtc_stats) and the port's; rates per core use the worker thread's CPU
 * time (pthread_getcpuclockid), so time the VM gave to other processes
 * does not count.
 *
 * The capture holds each SRTP index once: a second pass of infinite_rx is a
 * replay, which the worker refuses (drop_srtp_unprotect_failed). A
 * measurement window ends when the worker has received --max-rx frames
 * (the capture's length), so it never measures the replay. --check-replay
 * runs into it on purpose and checks that exactly that happens.
 *
 * Output: one JSON object on stdout. Exit 0; with --check-*: 1 if a count
 * is not what it must be (messages on stderr).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dpmsg.h"
#include "log.h"
#include "port.h"
#include "sfu_port_bench.h"
#include "stun.h"
#include "ufrag.h"
#include "worker.h"

#define SECRET "bench_sfu_port cluster secret, not a real one"
#define NODE 0
#define PEER_UFRAG "benchPeer"
#define LOCAL_PRIO ((126u << 24) | (65535u << 8) | 255u) /* as control.c */
#define SETUP_TIMEOUT_S 120.0
#define CHECK_TIMEOUT_S 60.0

struct opts {
	uint32_t viewers;
	uint32_t mbufs;
	double warmup, seconds;
	uint64_t max_rx;
	uint64_t check_exact, check_replay;
	const char *srtp;
};

static struct dp dp;
static struct ufrag_key key;
static pthread_t worker_thread;

static void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench_sfu_port: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(70);
}

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The worker lcore's CPU time so far. */
static double
worker_cpu_s(void)
{
	clockid_t cid;
	struct timespec ts;

	if (pthread_getcpuclockid(worker_thread, &cid) != 0 || clock_gettime(cid, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
get_self(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return 0;
}

/* ---- sessions ---- */

static void
viewer_addr(uint32_t i, uint8_t mac[6], uint8_t ip[4], uint16_t *port)
{
	const uint8_t m[6] = {0x02, 0x00, 0x5e, 0x01, (uint8_t)(i >> 8), (uint8_t)i};

	memcpy(mac, m, 6);
	ip[0] = 100;
	ip[1] = (uint8_t)(65 + (i >> 16));
	ip[2] = (uint8_t)(i >> 8);
	ip[3] = (uint8_t)i;
	*port = (uint16_t)(SFUB_VIEWER_PORT_BASE + i % 20000);
}

/* Slot 0 is the publisher, 1..N the viewers. */
static void
sess_addr(uint32_t slot, uint8_t mac[6], uint8_t ip[4], uint16_t *port)
{
	if (slot == 0) {
		memcpy(mac, SFUB_PUB_MAC, 6);
		memcpy(ip, SFUB_PUB_IP, 4);
		*port = SFUB_PUB_PORT;
	} else {
		viewer_addr(slot - 1, mac, ip, port);
	}
}

static void
sess_label(uint32_t slot, char out[UFRAG_LABEL_LEN + 1])
{
	struct ufrag_fields f = {
	        .version = UFRAG_VERSION, .node = NODE, .worker = 0, .slot = slot, .generation = 1};

	if (ufrag_label_encode(&key, &f, out, UFRAG_LABEL_LEN + 1) != UFRAG_LABEL_LEN)
		die("ufrag_label_encode failed");
}

static void
sess_pwd(uint32_t slot, char *out, size_t len)
{
	snprintf(out, len, "benchPassword%010" PRIu32 "abcdefgh", slot);
}

static void
cmd_base(struct dpmsg_cmd *c, enum dpmsg_cmd_type type, uint32_t slot)
{
	memset(c, 0, sizeof(*c));
	c->version = DPMSG_VERSION;
	c->type = (uint16_t)type;
	c->slot = slot;
	c->gen = 1;
	c->sess_id = slot;
	c->local_priority = LOCAL_PRIO;
}

static void
cmd_add(struct dpmsg_cmd *c, uint32_t slot)
{
	cmd_base(c, DPMSG_SESS_ADD, slot);
	sess_label(slot, c->creds.ufrag);
	sess_pwd(slot, c->creds.pwd, sizeof(c->creds.pwd));
	snprintf(c->creds.remote_ufrag, sizeof(c->creds.remote_ufrag), "%s", PEER_UFRAG);
	c->media.stream = 0;
	c->media.role = slot == 0 ? 0 : 1;
	c->media.pt[0] = SFUB_OPUS_PT;
	c->media.pt[1] = DPMSG_PT_NONE;
	c->media.rtx_pt = DPMSG_PT_NONE;
	c->media.clock[0] = SFUB_OPUS_CLOCK;
	if (slot == 0)
		c->media.remote_ssrc[0] = SFUB_PUB_SSRC;
	else
		c->media.local_ssrc[0] = 0x10000000u + slot;
}

/* Keys: the publisher's remote (what it sends) is the capture's; the rest per slot, any. */
static void
cmd_srtp(struct dpmsg_cmd *c, uint32_t slot)
{
	cmd_base(c, DPMSG_SESS_SRTP, slot);
	c->srtp.profile = SRTP_PROFILE_AES128_CM_SHA1_80;
	c->srtp.key_len = 16;
	c->srtp.salt_len = 14;
	for (unsigned i = 0; i < 16; i++) {
		c->srtp.local_key[i] = (uint8_t)(slot * 7 + i + 1);
		c->srtp.remote_key[i] = (uint8_t)(slot * 13 + i + 2);
	}
	for (unsigned i = 0; i < 14; i++) {
		c->srtp.local_salt[i] = (uint8_t)(slot * 3 + i);
		c->srtp.remote_salt[i] = (uint8_t)(slot * 5 + i);
	}
	if (slot == 0) {
		memcpy(c->srtp.remote_key, SFUB_PUB_KEY, 16);
		memcpy(c->srtp.remote_salt, SFUB_PUB_SALT, 14);
	}
}

static int
launch_worker(struct worker *w)
{
	dp.quit = 0;
	return rte_eal_remote_launch(worker_main, &dp, w->lcore);
}

static void
stop_worker(struct worker *w)
{
	dp.quit = 1;
	if (rte_eal_wait_lcore(w->lcore) != 0)
		die("worker_main returned an error");
}

/*
 * Commands @type for slots 0..n-1 through the command ring, the worker
 * running, until each has its event with status 0 (the way control.c
 * flushes commands and pumps events).
 */
static void
install(struct worker *w, enum dpmsg_cmd_type type, uint32_t n)
{
	enum dpmsg_ev_type want = type == DPMSG_SESS_ADD ? DPMSG_EV_ADDED : DPMSG_EV_SRTP;
	uint32_t next = 0, got = 0;
	double t0 = wall_s();

	if (launch_worker(w) != 0)
		die("cannot launch the worker");
	while (got < n) {
		struct dpmsg_event ev[32];
		unsigned k;
		/* no more in flight than the event ring holds: a full ring loses events */
		while (next < n && next - got < DPMSG_RING_SIZE / 2) {
			struct dpmsg_cmd c;
			if (type == DPMSG_SESS_ADD)
				cmd_add(&c, next);
			else
				cmd_srtp(&c, next);
			if (rte_ring_enqueue_elem(w->cmd_ring, &c, sizeof(c)) != 0)
				break;
			next++;
		}
		k = rte_ring_dequeue_burst_elem(w->ev_ring, ev, sizeof(ev[0]), RTE_DIM(ev), NULL);
		for (unsigned i = 0; i < k; i++) {
			if (ev[i].type != want)
				continue;
			if (ev[i].status != 0) {
				fprintf(stderr, "bench_sfu_port: slot %u: event %u status %d\n",
				        ev[i].slot, ev[i].type, ev[i].status);
				exit(70);
			}
			got++;
		}
		if (k == 0)
			rte_pause();
		if (w->stats.v[RTC_STAT_sess_events_lost] != 0)
			die("the worker lost session events (its event ring was full)");
		if (wall_s() - t0 > SETUP_TIMEOUT_S)
			die("session setup timed out");
	}
	stop_worker(w);
}

/* ICE: each session's nominating Binding request, through wsess_stun() (the worker stopped). */
static void
select_pairs(struct worker *w, uint32_t n)
{
	uint64_t now = rtc_now_us();

	for (uint32_t slot = 0; slot < n; slot++) {
		uint8_t mac[6], ip[4], l2[14], buf[512], txid[STUN_TXID_LEN] = {0};
		uint16_t port, rl = 0;
		char user[UFRAG_LABEL_LEN + 1 + sizeof(PEER_UFRAG)], pwd[64];
		struct stun_builder b;
		struct stun_hmac_key k;
		struct pkt_flow flow = {.family = 4};
		struct dpmsg_event ev[8];
		const uint8_t *resp = NULL;
		unsigned owner = 0, n_ev = 0;
		int len;
		struct wsess *s;

		sess_addr(slot, mac, ip, &port);
		sess_label(slot, user);
		strcat(user, ":" PEER_UFRAG);
		sess_pwd(slot, pwd, sizeof(pwd));
		memcpy(txid, &slot, sizeof(slot));
		stun_build_begin(
		        &b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
		stun_build_attr(&b, STUN_ATTR_USERNAME, user, (uint16_t)strlen(user));
		stun_build_u32(&b, STUN_ATTR_PRIORITY, 1845501695u);
		stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x0102030405060708ull + slot);
		stun_build_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
		stun_hmac_key_init(&k, pwd, strlen(pwd));
		stun_build_integrity(&b, &k);
		stun_build_fingerprint(&b);
		len = stun_build_end(&b);
		if (len <= 0)
			die("STUN request build failed");
		flow.raddr[10] = flow.raddr[11] = flow.laddr[10] = flow.laddr[11] = 0xff;
		memcpy(flow.raddr + 12, ip, 4);
		memcpy(flow.laddr + 12, SFUB_NODE_IP, 4);
		flow.rport = rte_cpu_to_be_16(port);
		flow.lport = rte_cpu_to_be_16(SFUB_MEDIA_PORT);
		/* the request's Ethernet header: to us, from the peer */
		memcpy(l2, SFUB_NODE_MAC, 6);
		memcpy(l2 + 6, mac, 6);
		l2[12] = 0x08;
		l2[13] = 0x00;
		if (wsess_stun(&w->sess, now, &flow, l2, sizeof(l2), buf, (uint16_t)len, &w->stats,
		            &resp, &rl, &owner, ev, RTE_DIM(ev), &n_ev) != WSESS_TX)
			die("a nominating Binding request was not answered");
		s = wsess_lookup(&w->sess, slot, 1);
		if (s == NULL || !s->has_flow || s->l2_len != 14)
			die("no selected pair after a nominating request");
		/* what the worker does with its events: to the control lcore (drained below) */
		rte_ring_enqueue_burst_elem(w->ev_ring, ev, sizeof(ev[0]), n_ev, NULL);
		if (slot % 256 == 255 || slot + 1 == n) {
			struct dpmsg_event drain[64];
			while (rte_ring_dequeue_burst_elem(w->ev_ring, drain, sizeof(drain[0]),
			               RTE_DIM(drain), NULL) != 0)
				;
		}
	}
}

/* ---- measurement ---- */

struct sample {
	double wall, cpu;
	struct rtc_stats st;
	struct rte_eth_stats eth;
};

static void
take(struct sample *s, const struct worker *w)
{
	s->wall = wall_s();
	s->cpu = worker_cpu_s();
	/* torn reads of a counter being incremented are tolerated (stats.h) */
	memcpy(&s->st, (const void *)&w->stats, sizeof(s->st));
	rte_eth_stats_get(dp.port_id, &s->eth);
}

static void
drain_events(struct worker *w)
{
	struct dpmsg_event ev[32];

	while (rte_ring_dequeue_burst_elem(w->ev_ring, ev, sizeof(ev[0]), RTE_DIM(ev), NULL) != 0)
		;
}

/* Wait (draining events) until @secs passed or the worker received @max_rx frames. */
static void
run_until(struct worker *w, double secs, uint64_t max_rx)
{
	double t_end = wall_s() + secs;

	while (wall_s() < t_end && (max_rx == 0 || w->stats.v[RTC_STAT_rx_packets] < max_rx)) {
		drain_events(w);
		usleep(1000);
	}
}

#define D(k) (b->st.v[RTC_STAT_##k] - a->st.v[RTC_STAT_##k])
#define DD(k) (b->st.v[RTC_DROP_##k] - a->st.v[RTC_DROP_##k])

/* Frames the node lost without a name, over [a, b] (both taken with the worker stopped). */
struct accounting {
	int64_t lost_rx, lost_fwd, lost_tx, lost_port;
	uint64_t drops_rx;
};

static void
account(const struct sample *a, const struct sample *b, uint32_t nv, struct accounting *acc)
{
	uint64_t made;

	acc->drops_rx = 0;
	for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
		if (rtc_stats_is_drop((enum rtc_stat)k) && k != RTC_DROP_fwd_no_mbuf &&
		        k != RTC_DROP_fwd_protect_failed && k != RTC_DROP_tx_full)
			acc->drops_rx += b->st.v[k] - a->st.v[k];
	/* every frame received: unprotected (srtp_rx), or dropped with a name */
	acc->lost_rx = (int64_t)(D(rx_packets) - D(srtp_rx) - acc->drops_rx);
	/* every unprotected packet: one copy per viewer, or a named drop */
	acc->lost_fwd = (int64_t)((uint64_t)nv * D(srtp_rx) - D(fwd_rtp) - DD(fwd_no_mbuf) -
	                          DD(fwd_protect_failed));
	/* every frame made (copies, RTCP the worker sends on its own): sent or tx_full */
	made = D(fwd_rtp) + D(rr_sent) + D(sr_sent) + D(pli_sent) + D(nack_sent) + D(rtx_sent) +
	       D(echo_rtp) + D(stun_answered) + D(dtls_down);
	acc->lost_tx = (int64_t)(made - D(tx_packets) - DD(tx_full));
	/* what the worker handed the port is what the port says it sent */
	acc->lost_port = (int64_t)(D(tx_packets) - (b->eth.opackets - a->eth.opackets));
}

static void
print_json(const struct opts *o, const struct sample *s0, const struct sample *w0,
        const struct sample *w1, const struct sample *s1, const struct accounting *acc)
{
	const struct sample *a = w0, *b = w1;
	double cpu = w1->cpu - w0->cpu, wall = w1->wall - w0->wall;
	int first = 1;

	printf("{\"viewers\": %" PRIu32 ", \"sess_bytes\": %zu, \"window_wall_s\": %.4f, "
	       "\"window_cpu_s\": %.4f, ",
	        o->viewers, sizeof(struct wsess), wall, cpu);
	printf("\"rx\": %" PRIu64 ", \"srtp_rx\": %" PRIu64 ", \"fwd_rtp\": %" PRIu64
	       ", \"tx\": %" PRIu64 ", ",
	        D(rx_packets), D(srtp_rx), D(fwd_rtp), D(tx_packets));
	printf("\"in_pps_cpu\": %.0f, \"out_pps_cpu\": %.0f, \"in_pps_wall\": %.0f, "
	       "\"out_pps_wall\": %.0f, ",
	        cpu > 0 ? (double)D(rx_packets) / cpu : 0,
	        cpu > 0 ? (double)D(tx_packets) / cpu : 0, (double)D(rx_packets) / wall,
	        (double)D(tx_packets) / wall);
	printf("\"port_ipackets\": %" PRIu64 ", \"port_opackets\": %" PRIu64
	       ", \"rx_nombuf\": %" PRIu64 ", ",
	        b->eth.ipackets - a->eth.ipackets, b->eth.opackets - a->eth.opackets,
	        b->eth.rx_nombuf - a->eth.rx_nombuf);
	a = s0;
	b = s1;
	printf("\"run\": {\"rx\": %" PRIu64 ", \"srtp_rx\": %" PRIu64 ", \"fwd_rtp\": %" PRIu64
	       ", \"tx\": %" PRIu64 ", \"rr_sent\": %" PRIu64 ", \"port_opackets\": %" PRIu64
	       ", \"lost_rx\": %" PRId64 ", \"lost_fwd\": %" PRId64 ", \"lost_tx\": %" PRId64
	       ", \"lost_port\": %" PRId64 ", \"drops\": {",
	        D(rx_packets), D(srtp_rx), D(fwd_rtp), D(tx_packets), D(rr_sent),
	        b->eth.opackets - a->eth.opackets, acc->lost_rx, acc->lost_fwd, acc->lost_tx,
	        acc->lost_port);
	for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
		if (rtc_stats_is_drop((enum rtc_stat)k) && b->st.v[k] != a->st.v[k]) {
			printf("%s\"%s\": %" PRIu64, first ? "" : ", ",
			        rtc_stats_name((enum rtc_stat)k), b->st.v[k] - a->st.v[k]);
			first = 0;
		}
	printf("}}}\n");
	fflush(stdout);
}

static int
check(int ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "bench_sfu_port: check failed: %s\n", what);
	return ok ? 0 : 1;
}

/* --check-exact P (a capture read once) / --check-replay P (infinite_rx): exact counts. */
static int
checks(const struct opts *o, const struct sample *a, const struct sample *b,
        const struct accounting *acc)
{
	uint64_t p = o->check_exact ? o->check_exact : o->check_replay;
	uint64_t nv = o->viewers;
	int bad = 0;

	bad += check(
	        acc->lost_rx == 0 && acc->lost_fwd == 0 && acc->lost_tx == 0 && acc->lost_port == 0,
	        "no frame lost without a named drop counter");
	bad += check(D(srtp_rx) == p, "every packet of the capture unprotected exactly once");
	bad += check(D(fwd_rtp) == nv * p, "every packet forwarded to every viewer");
	bad += check(D(fwd_inplace) == p, "the last viewer sent each packet in its received mbuf");
	bad += check(
	        D(tx_packets) == D(fwd_rtp) + D(rr_sent), "sent = forwarded + receiver reports");
	bad += check(DD(tx_full) == 0 && DD(fwd_no_mbuf) == 0 && DD(fwd_protect_failed) == 0,
	        "no forwarding drops");
	if (o->check_exact) {
		bad += check(D(rx_packets) == p, "received = the capture");
		bad += check(acc->drops_rx == 0, "no receive drops");
	} else {
		bad += check(D(rx_packets) >= 2 * p, "the capture was replayed");
		bad += check(DD(srtp_unprotect_failed) == D(rx_packets) - p,
		        "every replayed packet refused by SRTP (drop_srtp_unprotect_failed)");
		bad += check(acc->drops_rx == DD(srtp_unprotect_failed), "no other receive drop");
	}
	return bad;
}

static int
usage(void)
{
	fprintf(stderr, "usage: bench_sfu_port EAL-OPTIONS -- --viewers N [--mbufs M] [--warmup S] "
	                "[--seconds S] [--max-rx P] [--check-exact P | --check-replay P] "
	                "[--srtp ipsec-mb|libsrtp|auto]\n");
	return 64;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	/* every option takes a value */
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			return -1;
		if (!strcmp(a, "--viewers"))
			o->viewers = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--mbufs"))
			o->mbufs = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--warmup"))
			o->warmup = atof(v);
		else if (!strcmp(a, "--seconds"))
			o->seconds = atof(v);
		else if (!strcmp(a, "--max-rx"))
			o->max_rx = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--check-exact"))
			o->check_exact = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--check-replay"))
			o->check_replay = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--srtp"))
			o->srtp = v;
		else
			return -1;
	}
	if (o->viewers < 1 || o->viewers > UFRAG_SLOT_MAX - 1 || o->seconds <= 0 || o->warmup < 0 ||
	        (o->check_exact && o->check_replay))
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = {
	        .viewers = 1, .mbufs = 65536, .warmup = 1.0, .seconds = 3.0, .srtp = "ipsec-mb"};
	struct port_params pp = {0};
	struct port_state ps;
	struct worker_sess_params sp = {0};
	const struct srtp_backend *be;
	struct worker *w;
	struct sample s0, w0, w1, s1;
	struct accounting acc;
	unsigned lcores[1], lc, n_lc = 0;
	char err[256];
	int n, bad = 0;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		die("EAL init failed: %s", rte_strerror(rte_errno));
	argv[n] = argv[0];
	if (parse(argc - n, argv + n, &o) != 0)
		return usage();
	rtc_log_init();
	rte_log_set_level(rtc_logtype, RTE_LOG_NOTICE);
	RTE_LCORE_FOREACH_WORKER(lc)
	{
		if (n_lc == 0)
			lcores[n_lc++] = lc;
	}
	if (n_lc == 0)
		die("no worker lcore: give -l with two lcores");
	be = srtp_backend_select(o.srtp, err, sizeof(err));
	if (be == NULL)
		die("SRTP backend: %s", err);
	if (ufrag_key_init(&key, 0, SECRET, strlen(SECRET)) != 0)
		die("ufrag key");

	/* the port, as main.c brings it up; small mbufs (see port.h) and an MTU that fits them */
	if (port_resolve("auto", &pp.port_id, err, sizeof(err)) != 0)
		die("%s", err);
	{
		/* the capture is addressed to net_pcap's first MAC; another port is given it */
		struct rte_ether_addr ea;
		memcpy(ea.addr_bytes, SFUB_NODE_MAC, 6);
		if (rte_eth_dev_default_mac_addr_set(pp.port_id, &ea) != 0 &&
		        (rte_eth_macaddr_get(pp.port_id, &ea) != 0 ||
		                memcmp(ea.addr_bytes, SFUB_NODE_MAC, 6) != 0))
			die("the port has another MAC than the capture's destination and refuses "
			    "it");
	}
	pp.mtu = 300;
	pp.mbuf_room = 384;
	pp.rx_desc = 1024;
	pp.tx_desc = 1024;
	pp.mbufs_per_socket = o.mbufs;
	pp.n_workers = 1;
	pp.worker_lcores = lcores;
	if (port_setup(&pp, &ps, err, sizeof(err)) != 0)
		die("%s", err);

	memcpy(dp.nif.mac, SFUB_NODE_MAC, 6);
	dp.nif.media_port = SFUB_MEDIA_PORT;
	{
		rte_be32_t a;
		memcpy(&a, SFUB_NODE_IP, 4);
		netif_add_ip4(&dp.nif, a, SFUB_NODE_PLEN);
	}
	dp.port_id = pp.port_id;
	dp.pool = port_pool_for_lcore(&ps, lcores[0]);
	dp.n_workers = 1;
	dp.idle.polls_before_sleep = 0;
	dp.idle.sleep_max_us = 0; /* busy poll, as scripts/bench runs the daemon */
	sp.slots = o.viewers + 1;
	sp.streams = 1;
	sp.node = NODE;
	sp.nkeys = 1;
	sp.keys = &key;
	sp.srtp_be = be;
	/* no RX queue yet (rxq = -1): sessions first, then the capture */
	if (worker_setup(&dp, lcores, 0, ps.n_txq, &sp, err, sizeof(err)) != 0)
		die("%s", err);
	w = &dp.workers[0];
	if (rte_eal_remote_launch(get_self, &worker_thread, lcores[0]) != 0 ||
	        rte_eal_wait_lcore(lcores[0]) != 0)
		die("cannot reach the worker lcore");

	install(w, DPMSG_SESS_ADD, o.viewers + 1);
	select_pairs(w, o.viewers + 1);
	install(w, DPMSG_SESS_SRTP, o.viewers + 1);
	drain_events(w);
	if (w->sess.streams[0].n_viewers != o.viewers || w->sess.streams[0].pub != 0)
		die("the stream does not have its publisher and viewers");

	/* the run: the worker polls the port now */
	take(&s0, w);
	w->rxq = 0;
	if (launch_worker(w) != 0)
		die("cannot launch the worker");
	if (o.check_exact || o.check_replay) {
		/* until the counts stop moving (a capture read once) or the replay is under way */
		uint64_t want = o.check_exact ? o.check_exact : 3 * o.check_replay,
		         last = UINT64_MAX;
		double t0 = wall_s();
		w0 = s0;
		for (;;) {
			uint64_t rx = w->stats.v[RTC_STAT_rx_packets];
			usleep(50000);
			drain_events(w);
			if (rx >= want + s0.st.v[RTC_STAT_rx_packets] &&
			        (o.check_replay || rx == last))
				break;
			last = rx;
			if (wall_s() - t0 > CHECK_TIMEOUT_S) {
				fprintf(stderr,
				        "bench_sfu_port: %" PRIu64 " of %" PRIu64
				        " frames received in %.0f s\n",
				        rx, want, CHECK_TIMEOUT_S);
				bad++;
				break;
			}
		}
		stop_worker(w);
		take(&s1, w);
		w1 = s1;
	} else {
		uint64_t lim = o.max_rx ? o.max_rx + s0.st.v[RTC_STAT_rx_packets] : 0;
		run_until(w, o.warmup, lim);
		take(&w0, w);
		run_until(w, o.seconds, lim);
		take(&w1, w);
		stop_worker(w);
		take(&s1, w);
	}
	account(&s0, &s1, o.viewers, &acc);
	print_json(&o, &s0, &w0, &w1, &s1, &acc);
	if (o.check_exact || o.check_replay)
		bad += checks(&o, &s0, &s1, &acc);

	port_teardown(&ps);
	worker_teardown(&dp);
	rte_eal_cleanup();
	return bad ? 1 : 0;
}
