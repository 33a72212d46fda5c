/*
 * gen_srtp_pcap: a publisher's Opus-sized SRTP stream as a pcap, for
 * bench_sfu_port (docs/benchmarks.md, "SFU forwarding through the port").
 *
 *   gen_srtp_pcap OUT.pcap [--packets P] [--backend ipsec-mb|libsrtp|auto]
 *
 * P frames (default 1,000,000) from the publisher of sfu_port_bench.h to the
 * node's media port: Ethernet / IPv4 / UDP with correct header and UDP
 * checksums (pkt_udp_build), RTP version 2, PT 111, one SSRC, sequence
 * numbers 0, 1, 2, ... (wrapping, so the ROC advances every 65536) and
 * timestamps +960, a 100-octet payload, protected with the publisher's
 * master key by the project's SRTP module (AES_CM_128_HMAC_SHA1_80: a
 * 10-octet tag, 164-octet frames). Every packet has a distinct SRTP index,
 * so a receiver accepts each exactly once: a second pass over the capture
 * (net_pcap infinite_rx) is a replay, and is refused as one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "sfu_port_bench.h"
#include "srtp.h"

#define BURST 32
#define ROOM 256

struct pcap_hdr {
	uint32_t magic, ver, zone, sigfigs, snaplen, linktype;
} __attribute__((packed));
_Static_assert(sizeof(struct pcap_hdr) == 24, "pcap header");

struct pcap_rec {
	uint32_t sec, usec, caplen, len;
};

static int
usage(void)
{
	fprintf(stderr,
	        "usage: gen_srtp_pcap OUT.pcap [--packets P] [--backend ipsec-mb|libsrtp|auto]\n");
	return 64;
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *bename = "auto";
	unsigned long npkt = 1000000;
	const struct srtp_backend *be;
	struct srtp_engine *e;
	struct srtp_ctx ctx;
	struct srtp_params sp = {
	        .profile = SRTP_PROFILE_AES128_CM_SHA1_80, .dir = SRTP_DIR_OUTBOUND};
	struct pkt_flow flow = {.family = 4};
	uint8_t l2[14];
	static uint8_t frames[BURST][ROOM];
	uint16_t hl = pkt_udp_headers_len(4, 14);
	char why[256];
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--packets") && i + 1 < argc)
			npkt = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			bename = argv[++i];
		else if (argv[i][0] != '-' && out == NULL)
			out = argv[i];
		else
			return usage();
	}
	if (out == NULL || npkt == 0 || npkt > 100000000ul)
		return usage();
	be = srtp_backend_select(bename, why, sizeof(why));
	if (be == NULL || (e = srtp_engine_create(be)) == NULL) {
		fprintf(stderr, "gen_srtp_pcap: SRTP backend %s: %s\n", bename, why);
		return 1;
	}
	memcpy(sp.master_key, SFUB_PUB_KEY, sizeof(SFUB_PUB_KEY));
	memcpy(sp.master_salt, SFUB_PUB_SALT, sizeof(SFUB_PUB_SALT));
	if (srtp_ctx_init(&ctx, be, e, &sp) != 0) {
		fprintf(stderr, "gen_srtp_pcap: srtp_ctx_init failed\n");
		return 1;
	}
	/* pkt_udp_build writes from "our" side (laddr) to the peer (raddr): here publisher -> node
	 */
	flow.laddr[10] = flow.laddr[11] = flow.raddr[10] = flow.raddr[11] = 0xff;
	memcpy(flow.laddr + 12, SFUB_PUB_IP, 4);
	memcpy(flow.raddr + 12, SFUB_NODE_IP, 4);
	flow.lport = (uint16_t)(SFUB_PUB_PORT >> 8 | (SFUB_PUB_PORT & 0xff) << 8);
	flow.rport = (uint16_t)(SFUB_MEDIA_PORT >> 8 | (SFUB_MEDIA_PORT & 0xff) << 8);
	memcpy(l2, SFUB_NODE_MAC, 6);
	memcpy(l2 + 6, SFUB_PUB_MAC, 6);
	l2[12] = 0x08;
	l2[13] = 0x00;

	f = fopen(out, "wb");
	if (f == NULL) {
		fprintf(stderr, "gen_srtp_pcap: %s: %s\n", out, strerror(errno));
		return 1;
	}
	{
		struct pcap_hdr h = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1};
		fwrite(&h, sizeof(h), 1, f);
	}
	for (unsigned long base = 0; base < npkt; base += BURST) {
		unsigned n = npkt - base < BURST ? (unsigned)(npkt - base) : BURST;
		uint8_t *pl[BURST], res[BURST];
		uint16_t lens[BURST];
		for (unsigned k = 0; k < n; k++) {
			unsigned long i = base + k;
			uint32_t ts = (uint32_t)(i * SFUB_OPUS_TS_STEP);
			uint8_t *p = frames[k] + hl;
			p[0] = 0x80;
			p[1] = SFUB_OPUS_PT;
			p[2] = (uint8_t)(i >> 8);
			p[3] = (uint8_t)i;
			p[4] = (uint8_t)(ts >> 24), p[5] = (uint8_t)(ts >> 16);
			p[6] = (uint8_t)(ts >> 8), p[7] = (uint8_t)ts;
			p[8] = (uint8_t)(SFUB_PUB_SSRC >> 24),
			p[9] = (uint8_t)(SFUB_PUB_SSRC >> 16);
			p[10] = (uint8_t)(SFUB_PUB_SSRC >> 8), p[11] = (uint8_t)SFUB_PUB_SSRC;
			for (unsigned j = 0; j < SFUB_PAYLOAD; j++)
				p[12 + j] = (uint8_t)(i + j);
			pl[k] = p;
			lens[k] = 12 + SFUB_PAYLOAD;
		}
		if (srtp_protect_burst(e, &ctx, pl, lens, n, res) != n) {
			fprintf(stderr, "gen_srtp_pcap: protect failed at packet %lu: %s\n", base,
			        srtp_result_str(res[0]));
			return 1;
		}
		for (unsigned k = 0; k < n; k++) {
			unsigned long i = base + k;
			uint16_t fl = pkt_udp_build(frames[k], l2, 14, &flow, lens[k]);
			struct pcap_rec r = {
			        (uint32_t)(i / 50), (uint32_t)(i % 50 * 20000), fl, fl};
			if (fl == 0) {
				fprintf(stderr, "gen_srtp_pcap: frame build failed\n");
				return 1;
			}
			fwrite(&r, sizeof(r), 1, f);
			fwrite(frames[k], fl, 1, f);
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_srtp_pcap: %s: %s\n", out, strerror(errno));
		return 1;
	}
	srtp_ctx_clear(&ctx);
	srtp_engine_free(be, e);
	printf("gen_srtp_pcap: %s: %lu SRTP frames of %u octets (Opus-sized, "
	       "AES_CM_128_HMAC_SHA1_80, "
	       "SSRC %08x, seq 0..%lu mod 65536, backend %s)\n",
	        out, npkt, (unsigned)(hl + 12 + SFUB_PAYLOAD + 10), SFUB_PUB_SSRC, npkt - 1,
	        be->name);
	return 0;
}
