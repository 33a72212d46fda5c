/*
 * sdp_answer_tool: read an SDP offer on stdin, print our answer on stdout
 * (CRLF, as sent). Not a test: the integration test (sdp_aiortc.py) feeds it
 * real offers and hands the answers to a real client.
 *
 *   sdp_answer_tool [--mode whip|whep|voice] [--port N] [--addr IP]...
 *                   [--restart UFRAG PWD]
 *
 * Local parameters are fixed test values (ufrag, pwd, a sha-256
 * fingerprint, 127.0.0.1) unless given. With --restart the ICE restart
 * fragment for the answer is printed after it, separated by a line "--".
 * On a refused offer: exit 1 and "<http status> <reason>" on stderr.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_answer.h"

int
main(int argc, char **argv)
{
	static char offer[SDP_MAX_LEN + 2];
	static char out[65536];
	static struct sdp_desc scratch;
	static struct sdp_answer ans;
	struct sdp_policy pol;
	struct sdp_local local;
	struct sdp_answer_error err;
	enum sdp_answer_mode mode = SDP_MODE_WHIP;
	const char *rs_ufrag = NULL, *rs_pwd = NULL;
	size_t n;
	int rc;

	memset(&local, 0, sizeof(local));
	strcpy(local.ice_ufrag, "rtce0a1b");
	strcpy(local.ice_pwd, "q2w3e4r5t6y7u8i9o0p1a2s3");
	local.fp.alg = SDP_HASH_SHA256;
	local.fp.len = 32;
	for (int i = 0; i < 32; i++)
		local.fp.bytes[i] = (uint8_t)(0xa0 + i);
	local.port = 40000;
	local.sess_id = 1234567890123ull;
	local.sess_version = 2;
	local.audio = (struct sdp_local_track){0x11111111, 0, "rtcedge", "rtcedge", "audio0"};
	local.video =
	        (struct sdp_local_track){0x22222222, 0x33333333, "rtcedge", "rtcedge", "video0"};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "whip") == 0)
				mode = SDP_MODE_WHIP;
			else if (strcmp(argv[i], "whep") == 0)
				mode = SDP_MODE_WHEP;
			else if (strcmp(argv[i], "voice") == 0)
				mode = SDP_MODE_VOICE;
			else
				goto usage;
		} else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			local.port = (uint16_t)atoi(argv[++i]);
		} else if (strcmp(argv[i], "--addr") == 0 && i + 1 < argc &&
		           local.n_addrs < SDP_MAX_LOCAL_ADDR) {
			struct sdp_addr *a = &local.addrs[local.n_addrs];
			i++;
			if (inet_pton(AF_INET, argv[i], a->addr) == 1)
				a->family = 4;
			else if (inet_pton(AF_INET6, argv[i], a->addr) == 1)
				a->family = 6;
			else
				goto usage;
			local.n_addrs++;
		} else if (strcmp(argv[i], "--restart") == 0 && i + 2 < argc) {
			rs_ufrag = argv[++i];
			rs_pwd = argv[++i];
		} else {
			goto usage;
		}
	}
	if (local.n_addrs == 0) {
		local.addrs[0].family = 4;
		inet_pton(AF_INET, "127.0.0.1", local.addrs[0].addr);
		local.n_addrs = 1;
	}
	n = fread(offer, 1, sizeof(offer), stdin);
	sdp_policy_default(&pol, mode);
	rc = sdp_answer_negotiate(&ans, &scratch, offer, n, &pol, &local, out, sizeof(out), &err);
	if (rc < 0) {
		fprintf(stderr, "%d %s\n", err.http_status, err.reason);
		return 1;
	}
	fwrite(out, 1, (size_t)rc, stdout);
	if (rs_ufrag != NULL) {
		rc = sdp_answer_restart_write(&ans, rs_ufrag, rs_pwd, out, sizeof(out));
		if (rc < 0) {
			fprintf(stderr, "restart: %s\n", sdp_answer_strerror(rc));
			return 1;
		}
		printf("--\n");
		fwrite(out, 1, (size_t)rc, stdout);
	}
	return 0;
usage:
	fprintf(stderr, "usage: sdp_answer_tool [--mode whip|whep|voice] [--port N] [--addr IP]... "
	                "[--restart UFRAG PWD] < offer.sdp\n");
	return 64;
}
