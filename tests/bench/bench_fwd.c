/*
 * bench_fwd: the per-packet work of SFU forwarding on a worker, without the
 * port: one publisher's SRTP packet (Opus-sized: 12-octet header, 100-octet
 * payload, AES_CM_128_HMAC_SHA1_80) unprotected once, then for each of N
 * viewers rewritten (fwd_rtp_remap: PT, SSRC, header extensions), protected
 * with the viewer's context and framed (pkt_udp_build: Ethernet, IPv4,
 * UDP with checksum) into a buffer. Next to, in the same run:
 *   bare-imb   the same unprotect + N x protect of a plain copy on the
 *              ipsec-mb SRTP backend (srtp_*_burst), no rewrite, no framing:
 *              the crypto alone, the baseline (a);
 *   libsrtp2   the same with libsrtp2 (srtp_unprotect / srtp_protect per
 *              packet): baseline (b).
 * What this leaves out (the net_pcap benchmark of the whole worker will
 * add it): mbuf allocation, TX bursts, the RX path and classification.
 *
 *   bench_fwd [--viewers 1,10,100] [--rounds R] [--packets P] [--ext none|same|remap|strip]
 * --ext: the publisher's packets carry a header extension block (12 octets,
 * one-byte form: sdes:mid, abs-send-time, ssrc-audio-level, as a browser's
 * Opus) and the viewer negotiated the same ids (same: the block copied whole),
 * other ids (remap: the block rebuilt), or nothing is mapped (strip: the
 * block dropped, what rtcedge did before it forwarded extensions); none (the
 * default): no extension in the packets.
 * Prints per row and N: input packets/s and output packets/s per core
 * (thread CPU time), the ratio rtcedge/bare-imb and rtcedge/libsrtp2, all
 * medians of R interleaved rounds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "fwd.h"
#include "pkt.h"
#include "srtp.h"

#define PAYLOAD 100
#define HDR 12
#define EXT_BLOCK 12
#define ROOM 256
#define MAX_VIEWERS 128

static const uint8_t key[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
		0xcc, 0xdd, 0xee, 0xff, 0x00};
static const uint8_t salt[14] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_fwd: %s\n", what);
	exit(1);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct fixture {
	const struct srtp_backend *be;
	struct srtp_engine *e;
	unsigned npkt;
	uint8_t (*prot)[ROOM]; /* the publisher's packets, protected once */
	uint16_t *prot_len;
	uint8_t (*work)[ROOM];
	uint8_t out[ROOM + 64];
	int ext; /* 0 none, 1 same, 2 remap, 3 strip */
	struct fwd_extmap pub, viewer;
};

static void
ctx_init(struct fixture *f, struct srtp_ctx *c, enum srtp_direction dir)
{
	struct srtp_params p = {.profile = SRTP_PROFILE_AES128_CM_SHA1_80, .dir = dir};

	memcpy(p.master_key, key, sizeof(key));
	memcpy(p.master_salt, salt, sizeof(salt));
	if (srtp_ctx_init(c, f->be, f->e, &p) != 0)
		die("srtp_ctx_init");
}

/* rtcedge: unprotect, then rewrite + protect + frame per viewer. Returns CPU seconds. */
static double
row_rtcedge(struct fixture *f, unsigned nv, struct srtp_ctx *rx, struct srtp_ctx *tx)
{
	struct pkt_flow flow = {.family = 4, .rport = 0x1234, .lport = 0x204e};
	uint8_t l2[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	double t0;

	flow.raddr[10] = flow.raddr[11] = flow.laddr[10] = flow.laddr[11] = 0xff;
	flow.raddr[12] = 198, flow.raddr[15] = 1, flow.laddr[12] = 198, flow.laddr[15] = 2;
	memcpy(f->work, f->prot, (size_t)f->npkt * ROOM);
	t0 = cpu_s();
	for (unsigned i = 0; i < f->npkt; i++) {
		uint8_t *p[1] = {f->work[i]}, res[1];
		uint16_t l[1] = {f->prot_len[i]};
		if (srtp_unprotect_burst(f->e, rx, p, l, 1, res) != 1)
			die("unprotect (rtcedge row)");
		for (unsigned v = 0; v < nv; v++) {
			uint16_t hl = pkt_udp_headers_len(4, 14);
			uint8_t *o[1] = {f->out + hl};
			uint16_t ol[1];
			ol[0] = fwd_rtp_remap(f->work[i], l[0], f->out + hl, ROOM, 111, 0x1000 + v,
					f->ext == 3 ? NULL : &f->pub, &f->viewer, NULL);
			if (ol[0] == 0 || srtp_protect_burst(f->e, &tx[v], o, ol, 1, res) != 1)
				die("protect (rtcedge row)");
			if (pkt_udp_build(f->out, l2, 14, &flow, ol[0]) == 0)
				die("frame");
		}
	}
	return cpu_s() - t0;
}

/* bare ipsec-mb SRTP backend: unprotect, then N protects of a plain copy. */
static double
row_bare(struct fixture *f, unsigned nv, struct srtp_ctx *rx, struct srtp_ctx *tx)
{
	double t0;

	memcpy(f->work, f->prot, (size_t)f->npkt * ROOM);
	t0 = cpu_s();
	for (unsigned i = 0; i < f->npkt; i++) {
		uint8_t *p[1] = {f->work[i]}, res[1];
		uint16_t l[1] = {f->prot_len[i]};
		if (srtp_unprotect_burst(f->e, rx, p, l, 1, res) != 1)
			die("unprotect (bare row)");
		for (unsigned v = 0; v < nv; v++) {
			uint8_t *o[1] = {f->out};
			uint16_t ol[1] = {l[0]};
			memcpy(f->out, f->work[i], l[0]);
			if (srtp_protect_burst(f->e, &tx[v], o, ol, 1, res) != 1)
				die("protect (bare row)");
		}
	}
	return cpu_s() - t0;
}

static srtp_t
lib_session(int inbound, uint32_t ssrc)
{
	srtp_policy_t pol;
	uint8_t mk[30];
	srtp_t s;

	memset(&pol, 0, sizeof(pol));
	memcpy(mk, key, 16);
	memcpy(mk + 16, salt, 14);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.ssrc.value = ssrc;
	pol.key = mk;
	pol.window_size = 128;
	pol.allow_repeat_tx = 1;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		die("srtp_create");
	return s;
}

/* libsrtp2: unprotect, then N protects of a copy (one session per viewer). */
static double
row_libsrtp(struct fixture *f, unsigned nv)
{
	srtp_t rx = lib_session(1, 0), tx[MAX_VIEWERS];
	double t0, t;

	for (unsigned v = 0; v < nv; v++)
		tx[v] = lib_session(0, 0x5eed0000u);
	memcpy(f->work, f->prot, (size_t)f->npkt * ROOM);
	t0 = cpu_s();
	for (unsigned i = 0; i < f->npkt; i++) {
		int len = f->prot_len[i];
		if (srtp_unprotect(rx, f->work[i], &len) != srtp_err_status_ok)
			die("libsrtp2 unprotect");
		for (unsigned v = 0; v < nv; v++) {
			int ol = len;
			memcpy(f->out, f->work[i], (size_t)len);
			if (srtp_protect(tx[v], f->out, &ol) != srtp_err_status_ok)
				die("libsrtp2 protect");
		}
	}
	t = cpu_s() - t0;
	srtp_dealloc(rx);
	for (unsigned v = 0; v < nv; v++)
		srtp_dealloc(tx[v]);
	return t;
}

int
main(int argc, char **argv)
{
	unsigned nvs[8] = {1, 10, 100}, n_nv = 3, rounds = 5;
	struct fixture f = {.npkt = 4096};
	char why[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--packets") && i + 1 < argc)
			f.npkt = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ext") && i + 1 < argc) {
			const char *e = argv[++i];
			f.ext = !strcmp(e, "none") ? 0 : !strcmp(e, "same") ? 1 : !strcmp(e, "remap") ? 2
				: !strcmp(e, "strip") ? 3 : -1;
			if (f.ext < 0)
				die("--ext none|same|remap|strip");
		}
		else if (!strcmp(argv[i], "--viewers") && i + 1 < argc) {
			char *s = argv[++i], *tok;
			n_nv = 0;
			for (tok = strtok(s, ","); tok && n_nv < 8; tok = strtok(NULL, ","))
				nvs[n_nv++] = (unsigned)atoi(tok);
		} else {
			fprintf(stderr, "usage: bench_fwd [--viewers 1,10,100] [--rounds R] "
					"[--packets P] [--ext none|same|remap|strip]\n");
			return 64;
		}
	}
	if (rounds < 1 || rounds > 101 || f.npkt < 16 || f.npkt > 60000)
		die("bad --rounds or --packets");
	for (unsigned k = 0; k < n_nv; k++)
		if (nvs[k] < 1 || nvs[k] > MAX_VIEWERS)
			die("viewers must be 1..128");
	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init");
	f.be = srtp_backend_select("ipsec-mb", why, sizeof(why));
	if (f.be == NULL)
		die(why);
	f.e = srtp_engine_create(f.be);
	f.prot = calloc(f.npkt, ROOM);
	f.work = calloc(f.npkt, ROOM);
	f.prot_len = calloc(f.npkt, sizeof(*f.prot_len));
	if (f.e == NULL || !f.prot || !f.work || !f.prot_len)
		die("out of memory");
	/* a browser's audio: mid 4, abs-send-time 2, ssrc-audio-level 1; the viewer's 3, 5, 6 */
	f.pub.id[FWD_EXT_MID] = 4, f.pub.id[FWD_EXT_ABS_SEND_TIME] = 2;
	f.pub.id[FWD_EXT_AUDIO_LEVEL] = 1, f.pub.mid_len = 1, f.pub.mid[0] = '0';
	f.viewer = f.pub;
	if (f.ext == 2)
		f.viewer.id[FWD_EXT_MID] = 3, f.viewer.id[FWD_EXT_ABS_SEND_TIME] = 5,
		f.viewer.id[FWD_EXT_AUDIO_LEVEL] = 6;
	{
		struct srtp_ctx pub;
		ctx_init(&f, &pub, SRTP_DIR_OUTBOUND);
		for (unsigned i = 0; i < f.npkt; i++) {
			uint8_t *p = f.prot[i], *pp[1] = {p}, res[1];
			uint16_t l[1] = {HDR + PAYLOAD};
			uint16_t x = f.ext ? EXT_BLOCK : 0;
			p[0] = f.ext ? 0x90 : 0x80;
			p[1] = 111;
			p[2] = (uint8_t)(i >> 8), p[3] = (uint8_t)i;
			p[4] = (uint8_t)(i * 960 >> 24), p[5] = (uint8_t)(i * 960 >> 16);
			p[6] = (uint8_t)(i * 960 >> 8), p[7] = (uint8_t)(i * 960);
			p[8] = 0xca, p[9] = 0xfe, p[10] = 0xba, p[11] = 0xbe;
			if (f.ext) {
				const uint8_t blk[EXT_BLOCK] = {0xbe, 0xde, 0, 2, 0x40, '0', 0x22,
						(uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 0x10,
						(uint8_t)(i & 0x7f)};
				memcpy(p + HDR, blk, sizeof(blk));
				l[0] = (uint16_t)(l[0] + x);
			}
			memset(p + HDR + x, (int)(i & 0xff), PAYLOAD);
			if (srtp_protect_burst(f.e, &pub, pp, l, 1, res) != 1)
				die("protect (fixture)");
			f.prot_len[i] = l[0];
		}
		srtp_ctx_clear(&pub);
	}
	printf("SFU forwarding per core: %u Opus-sized packets (%d-octet payload, AES_CM_128_HMAC_SHA1_80, "
	       "header extensions: %s) per round, medians of %u rounds (thread CPU time)\n",
			f.npkt, PAYLOAD,
			(const char *[]){"none", "same ids (block copied)", "other ids (block rebuilt)",
					"dropped (not mapped)"}[f.ext],
			rounds);
	printf("%8s %14s %14s %14s %14s %10s %10s\n", "viewers", "rtcedge in/s", "rtcedge out/s",
			"bare-imb in/s", "libsrtp2 in/s", "/bare-imb", "/libsrtp2");
	for (unsigned k = 0; k < n_nv; k++) {
		unsigned nv = nvs[k];
		double t_rt[101], t_bare[101], t_lib[101], r_bare[101], r_lib[101];
		static struct srtp_ctx tx[MAX_VIEWERS];
		struct srtp_ctx rx;
		for (unsigned r = 0; r < rounds; r++) {
			/* fresh contexts per row (outside the clock): each row replays the same
			 * indices, which a context refuses the second time */
			for (unsigned v = 0; v < nv; v++)
				ctx_init(&f, &tx[v], SRTP_DIR_OUTBOUND);
			ctx_init(&f, &rx, SRTP_DIR_INBOUND);
			t_rt[r] = row_rtcedge(&f, nv, &rx, tx);
			for (unsigned v = 0; v < nv; v++)
				ctx_init(&f, &tx[v], SRTP_DIR_OUTBOUND);
			ctx_init(&f, &rx, SRTP_DIR_INBOUND);
			t_bare[r] = row_bare(&f, nv, &rx, tx);
			t_lib[r] = row_libsrtp(&f, nv);
			r_bare[r] = t_bare[r] / t_rt[r];
			r_lib[r] = t_lib[r] / t_rt[r];
		}
		{
			double mrt = median(t_rt, (int)rounds), mb = median(t_bare, (int)rounds);
			double ml = median(t_lib, (int)rounds);
			printf("%8u %14.0f %14.0f %14.0f %14.0f %10.2f %10.2f\n", nv, f.npkt / mrt,
					f.npkt * (double)nv / mrt, f.npkt / mb, f.npkt / ml,
					median(r_bare, (int)rounds), median(r_lib, (int)rounds));
		}
		for (unsigned v = 0; v < nv; v++)
			srtp_ctx_clear(&tx[v]);
		srtp_ctx_clear(&rx);
	}
	srtp_engine_free(f.be, f.e);
	free(f.prot);
	free(f.work);
	free(f.prot_len);
	srtp_shutdown();
	return 0;
}
