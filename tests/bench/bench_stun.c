/*
 * bench_stun: the cost of answering one ICE Binding request, as the ICE-lite
 * agent does it, next to a one-shot OpenSSL HMAC() and a memcpy of the same
 * bytes, all in the same run.
 *
 *   bench_stun [ITERATIONS]            ns/op (wall clock, best of 5 rounds), requests/s
 *   bench_stun --callgrind [ITERATIONS]  the same rows under callgrind: instructions/op
 *
 * The request is what Chrome sends once the pair is selected (116 bytes):
 * USERNAME "<22-char routing ufrag>:<4-char peer ufrag>", GOOG-NETWORK-INFO,
 * ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT;
 * the password has 24 characters. The answer (IPv4) is XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY, FINGERPRINT: 64 bytes.
 *
 * Rows:
 *   memcpy            copy the request's bytes
 *   hmac_oneshot      OpenSSL HMAC(EVP_sha1()) over what MESSAGE-INTEGRITY covers: the
 *                     baseline a naive responder pays twice per request (check, answer)
 *   parse             stun_msg_parse() (FINGERPRINT checked)
 *   parse+check       ... + stun_msg_check_integrity() with the precomputed key
 *   respond           ... + response built: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT
 *   respond_oneshot   the same with one-shot HMAC() for both MACs (what we avoid)
 *   agent             ice_agent_handle_packet() + poll_transmit() + poll_event() + copy of
 *                     the response out (the worker's mbuf): the whole per-request cost
 *   agent_bad_mi      a request whose MESSAGE-INTEGRITY fails: the flood case (dropped)
 *   agent_bad_ufrag   a request for a ufrag that is not ours (dropped before the HMAC)
 *
 * --callgrind re-runs this program under valgrind --tool=callgrind; each row
 * zeroes the counters, runs ITERATIONS ops and dumps (callgrind client
 * requests), and the parent reads each dump's total Ir: instructions per op,
 * loop overhead (a few instructions) included.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <valgrind/callgrind.h>

#include "ice.h"
#include "stun.h"

#define BENCH_ROUNDS 5
#define TARGET_RPS 1000000.0 /* issue 3: >= 1 M Binding requests/s per core */

static const char our_ufrag[] = "AbCdEfGhIjKlMnOpQrStUv"; /* 22: a routing label */
static const char peer_ufrag[] = "x9Kq";
static const char our_pwd[] = "q8Vn3JtR0pLz7WmYc2Hs5DkF"; /* 24 */

struct bench_buf {
	uint8_t data[512];
	size_t len;
};

static struct bench_buf req_good, req_bad_mi, req_bad_ufrag;
static struct stun_hmac_key key;
static struct ice_agent agent_good, agent_bad;
static const struct stun_addr peer = {.family = 4, .port = 54321, .addr = {198, 51, 100, 7}};
static const struct stun_addr local = {.family = 4, .port = 3478, .addr = {192, 0, 2, 1}};
static uint8_t sink_buf[512];
static volatile uint64_t sink;

static void
bench_build_req(struct bench_buf *o, const char *username, const char *pwd)
{
	static const uint8_t txid[STUN_TXID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	static const uint8_t netinfo[4] = {0x00, 0x01, 0x03, 0xe7}; /* GOOG-NETWORK-INFO */
	struct stun_builder b;
	struct stun_hmac_key k;
	int n;

	stun_hmac_key_init(&k, pwd, strlen(pwd));
	stun_build_begin(
	        &b, o->data, sizeof(o->data), STUN_METHOD_BINDING, STUN_CLASS_REQUEST, txid);
	stun_build_attr(&b, STUN_ATTR_USERNAME, username, (uint16_t)strlen(username));
	stun_build_attr(&b, 0xc057, netinfo, sizeof(netinfo));
	stun_build_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x5c1e9b7f3a2d4e61ull);
	stun_build_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	stun_build_u32(&b, STUN_ATTR_PRIORITY, 1853824767u);
	stun_build_integrity(&b, &k);
	stun_build_fingerprint(&b);
	n = stun_build_end(&b);
	if (n < 0)
		abort();
	o->len = (size_t)n;
}

static void
bench_agent_init(struct ice_agent *a)
{
	struct ice_config cfg = {.ufrag = our_ufrag,
	        .pwd = our_pwd,
	        .remote_ufrag = peer_ufrag,
	        .local_priority = 2130706431u};
	struct ice_transmit tx;
	struct ice_event ev;

	if (ice_agent_init(a, &cfg, 0) != 0)
		abort();
	/* the pair is known and selected, as for every request after the first */
	if (ice_agent_handle_packet(a, 1, &peer, &local, req_good.data, req_good.len) != 0 ||
	        !ice_agent_poll_transmit(a, &tx))
		abort();
	while (ice_agent_poll_event(a, &ev))
		;
}

/* ---- the measured operations: one call = one request ---- */

__attribute__((noinline)) static void
bench_op_memcpy(const struct bench_buf *b)
{
	memcpy(sink_buf, b->data, b->len);
	__asm__ volatile("" : : "r"(sink_buf) : "memory");
}

__attribute__((noinline)) static void
bench_op_hmac_oneshot(const struct bench_buf *b)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;

	/* the bytes MESSAGE-INTEGRITY covers: all but MI (24) and FINGERPRINT (8) */
	HMAC(EVP_sha1(), our_pwd, (int)sizeof(our_pwd) - 1, b->data, b->len - 32, mac, &mac_len);
	sink += mac[0] + mac_len;
}

__attribute__((noinline)) static void
bench_op_parse(const struct bench_buf *b)
{
	struct stun_msg m;

	sink += (uint64_t)stun_msg_parse(&m, b->data, b->len) + m.flags;
}

__attribute__((noinline)) static void
bench_op_parse_check(const struct bench_buf *b)
{
	struct stun_msg m;

	if (stun_msg_parse(&m, b->data, b->len) == STUN_OK)
		sink += (uint64_t)stun_msg_check_integrity(&m, &key);
}

__attribute__((noinline)) static void
bench_op_respond(const struct bench_buf *b)
{
	struct stun_msg m;
	struct stun_builder sb;

	if (stun_msg_parse(&m, b->data, b->len) != STUN_OK ||
	        stun_msg_check_integrity(&m, &key) != STUN_OK)
		return;
	stun_build_begin(
	        &sb, sink_buf, sizeof(sink_buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, m.txid);
	stun_build_xor_addr(&sb, STUN_ATTR_XOR_MAPPED_ADDRESS, &peer);
	stun_build_integrity(&sb, &key);
	stun_build_fingerprint(&sb);
	sink += (uint64_t)stun_build_end(&sb);
}

/* The same, with one-shot HMAC() for both MACs. */
__attribute__((noinline)) static void
bench_op_respond_oneshot(const struct bench_buf *b)
{
	static const uint8_t zero[STUN_MI_LEN];
	uint8_t copy[512], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	struct stun_msg m;
	struct stun_builder sb;
	size_t body;

	if (stun_msg_parse(&m, b->data, b->len) != STUN_OK || m.mi_off == 0)
		return;
	memcpy(copy, b->data, m.mi_off);
	copy[2] = (uint8_t)((m.mi_off + 24 - STUN_HDR_LEN) >> 8);
	copy[3] = (uint8_t)(m.mi_off + 24 - STUN_HDR_LEN);
	HMAC(EVP_sha1(), our_pwd, (int)sizeof(our_pwd) - 1, copy, m.mi_off, mac, &mac_len);
	if (memcmp(mac, b->data + m.mi_off + 4, STUN_MI_LEN) != 0)
		return;
	stun_build_begin(
	        &sb, sink_buf, sizeof(sink_buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, m.txid);
	stun_build_xor_addr(&sb, STUN_ATTR_XOR_MAPPED_ADDRESS, &peer);
	body = sb.len;
	stun_build_attr(&sb, STUN_ATTR_MESSAGE_INTEGRITY, zero, STUN_MI_LEN);
	HMAC(EVP_sha1(), our_pwd, (int)sizeof(our_pwd) - 1, sink_buf, body, mac, &mac_len);
	memcpy(sink_buf + body + 4, mac, STUN_MI_LEN);
	stun_build_fingerprint(&sb);
	sink += (uint64_t)stun_build_end(&sb);
}

static void
bench_agent(struct ice_agent *a, const struct bench_buf *b)
{
	struct ice_transmit tx;
	struct ice_event ev;

	if (ice_agent_handle_packet(a, 2, &peer, &local, b->data, b->len) == 0 &&
	        ice_agent_poll_transmit(a, &tx)) {
		memcpy(sink_buf, tx.buf, tx.len);
		sink += tx.len;
	}
	while (ice_agent_poll_event(a, &ev))
		sink += ev.type;
}

__attribute__((noinline)) static void
bench_op_agent(const struct bench_buf *b)
{
	bench_agent(&agent_good, b);
}

__attribute__((noinline)) static void
bench_op_agent_bad(const struct bench_buf *b)
{
	bench_agent(&agent_bad, b);
}

/* ---- rows ---- */

struct bench_row {
	const char *name;
	void (*op)(const struct bench_buf *);
	const struct bench_buf *buf;
};

static const struct bench_row rows[] = {
        {"memcpy", bench_op_memcpy, &req_good},
        {"hmac_oneshot", bench_op_hmac_oneshot, &req_good},
        {"parse", bench_op_parse, &req_good},
        {"parse+check", bench_op_parse_check, &req_good},
        {"respond", bench_op_respond, &req_good},
        {"respond_oneshot", bench_op_respond_oneshot, &req_good},
        {"agent", bench_op_agent, &req_good},
        {"agent_bad_mi", bench_op_agent_bad, &req_bad_mi},
        {"agent_bad_ufrag", bench_op_agent_bad, &req_bad_ufrag},
};
#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double
bench_run(const struct bench_row *r, unsigned iters)
{
	double best = 1e30;

	for (int k = 0; k < BENCH_ROUNDS; k++) {
		double t0 = bench_now(), dt;
		for (unsigned i = 0; i < iters; i++)
			r->op(r->buf);
		dt = (bench_now() - t0) * 1e9 / iters;
		if (dt < best)
			best = dt;
	}
	return best;
}

static void
bench_setup(void)
{
	char user[64], bad_user[64];

	snprintf(user, sizeof(user), "%s:%s", our_ufrag, peer_ufrag);
	snprintf(bad_user, sizeof(bad_user), "ZbCdEfGhIjKlMnOpQrStUv:%s", peer_ufrag);
	bench_build_req(&req_good, user, our_pwd);
	bench_build_req(&req_bad_mi, user, "q8Vn3JtR0pLz7WmYc2Hs5DkG");
	bench_build_req(&req_bad_ufrag, bad_user, our_pwd);
	stun_hmac_key_init(&key, our_pwd, sizeof(our_pwd) - 1);
	bench_agent_init(&agent_good);
	bench_agent_init(&agent_bad);
}

/* Under valgrind: one dump per row, named after it. */
static int
bench_callgrind_child(unsigned iters)
{
	for (size_t i = 0; i < N_ROWS; i++) {
		CALLGRIND_ZERO_STATS;
		for (unsigned k = 0; k < iters; k++)
			rows[i].op(rows[i].buf);
		CALLGRIND_DUMP_STATS_AT(rows[i].name);
	}
	return 0;
}

/* Total Ir of the dump of @row in @dir, or -1. */
static double
bench_dump_ir(const char *dir, const char *row)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	double ir = -1;

	while (d != NULL && (e = readdir(d)) != NULL && ir < 0) {
		char path[600], line[512], want[128];
		int match = 0;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(want, sizeof(want), "desc: Trigger: Client Request: %s\n", row);
		f = fopen(path, "r");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			if (strcmp(line, want) == 0)
				match = 1;
			if (match && (strncmp(line, "summary: ", 9) == 0 ||
			                     strncmp(line, "totals: ", 8) == 0))
				ir = strtod(line + (line[0] == 's' ? 9 : 8), NULL);
		}
		if (f != NULL)
			fclose(f);
	}
	if (d != NULL)
		closedir(d);
	return ir;
}

static int
bench_callgrind(const char *self, unsigned iters)
{
	char dir[] = "/tmp/bench_stun_cg.XXXXXX", out[128], n[32];
	pid_t pid;
	int status;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(out, sizeof(out), "--callgrind-out-file=%s/cg.out", dir);
	snprintf(n, sizeof(n), "%u", iters);
	pid = fork();
	if (pid == 0) {
		execlp("valgrind", "valgrind", "--tool=callgrind", "--quiet", out, self,
		        "--callgrind-child", n, (char *)NULL);
		perror("valgrind");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	        WEXITSTATUS(status) != 0) {
		fprintf(stderr, "valgrind --tool=callgrind failed\n");
		return 1;
	}
	printf("callgrind, %u requests per row: instructions per request (Ir/op)\n", iters);
	for (size_t i = 0; i < N_ROWS; i++) {
		double ir = bench_dump_ir(dir, rows[i].name);
		printf("%-16s %4zu B  %10.1f Ir/op\n", rows[i].name, rows[i].buf->len,
		        ir < 0 ? -1.0 : ir / iters);
	}
	{
		char cmd[200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned iters = 100000;
	double t[N_ROWS];

	bench_setup();
	if (argc == 3 && strcmp(argv[1], "--callgrind-child") == 0)
		return bench_callgrind_child((unsigned)strtoul(argv[2], NULL, 10));
	if (argc >= 2 && strcmp(argv[1], "--callgrind") == 0)
		return bench_callgrind(
		        argv[0], argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000);
	if (argc > 1)
		iters = (unsigned)strtoul(argv[1], NULL, 10);
	if (iters == 0 || argc > 2) {
		fprintf(stderr, "usage: %s [ITERATIONS] | --callgrind [ITERATIONS]\n", argv[0]);
		return 64;
	}
	printf("request %zu B, response 64 B; %u iterations x %d rounds (best round)\n",
	        req_good.len, iters, BENCH_ROUNDS);
	for (size_t i = 0; i < N_ROWS; i++) {
		t[i] = bench_run(&rows[i], iters);
		printf("%-16s %4zu B  %9.2f ns/op  %12.0f /s  x memcpy %7.1f\n", rows[i].name,
		        rows[i].buf->len, t[i], 1e9 / t[i], t[i] / t[0]);
	}
	/* rows[6] is the agent, rows[5] respond_oneshot, rows[4] respond, rows[7] the flood */
	printf("\nBinding requests/s per core through the agent: %.0f (target %.0f: %.2fx)\n",
	        1e9 / t[6], TARGET_RPS, 1e9 / t[6] / TARGET_RPS);
	printf("bogus requests (MESSAGE-INTEGRITY fails) dropped/s per core: %.0f\n", 1e9 / t[7]);
	printf("respond with the precomputed key vs one-shot HMAC(): %.2f vs %.2f ns (%.1fx)\n",
	        t[4], t[5], t[5] / t[4]);
	return sink == 42 ? 1 : 0;
}
