/*
 * A DTLS endpoint on a UDP socket, for interop tests against independent
 * implementations (openssl s_client / s_server, see dtls_openssl.sh): the
 * sans-IO struct dtls_conn driven by poll() and CLOCK_MONOTONIC.
 *
 *   dtls_udp_peer --role server|client --peer-fp "sha-256 AB:.."
 *                 [--connect 127.0.0.1:PORT] [--profiles P1[:P2]] [--timeout-ms N]
 *                 [--close]
 *
 * Prints, one per line: "port N" (the bound port), "fingerprint sha-256 .."
 * (ours), then "connected PROFILE", "material HEX" (RFC 5764 §4.2 order:
 * client key | server key | client salt | server salt, rebuilt from our
 * local/remote keys), "closed remote=0|1" or "failed REASON alert=N".
 * A server waits for the peer's close_notify; --close makes us close first.
 * Exit: 0 connected and closed, 1 failed, 2 usage or socket errors, 3 timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dtls.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
parse_profiles(const char *s, struct dtls_config *cfg)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		enum dtls_srtp_profile p;
		if (strcmp(tok, "SRTP_AES128_CM_SHA1_80") == 0)
			p = DTLS_SRTP_AES128_CM_SHA1_80;
		else if (strcmp(tok, "SRTP_AEAD_AES_128_GCM") == 0)
			p = DTLS_SRTP_AEAD_AES_128_GCM;
		else
			return -1;
		if (cfg->n_profiles == DTLS_PROFILES_MAX)
			return -1;
		cfg->profiles[cfg->n_profiles++] = p;
	}
	return 0;
}

static void
print_material(const struct dtls_srtp_keys *k, enum dtls_role role)
{
	const uint8_t *ck = role == DTLS_ROLE_CLIENT ? k->local_key : k->remote_key;
	const uint8_t *sk = role == DTLS_ROLE_CLIENT ? k->remote_key : k->local_key;
	const uint8_t *cs = role == DTLS_ROLE_CLIENT ? k->local_salt : k->remote_salt;
	const uint8_t *ss = role == DTLS_ROLE_CLIENT ? k->remote_salt : k->local_salt;

	printf("material ");
	for (int i = 0; i < k->key_len; i++)
		printf("%02X", ck[i]);
	for (int i = 0; i < k->key_len; i++)
		printf("%02X", sk[i]);
	for (int i = 0; i < k->salt_len; i++)
		printf("%02X", cs[i]);
	for (int i = 0; i < k->salt_len; i++)
		printf("%02X", ss[i]);
	printf("\n");
}

static int
usage(void)
{
	fprintf(stderr, "usage: dtls_udp_peer --role server|client --peer-fp FP "
	                "[--connect IP:PORT] [--profiles P[:P]] [--timeout-ms N] [--close]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *role_s = NULL, *peer_fp = NULL, *connect_to = NULL;
	struct dtls_config cfg = {0};
	struct sockaddr_in local = {0}, peer = {0};
	socklen_t slen = sizeof(local);
	int close_first = 0, have_peer = 0, fd, rc = 3;
	uint64_t deadline;
	long timeout_ms = 20000;
	struct dtls_cert *cert;
	struct dtls_conn *c;
	enum dtls_role role;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_s = argv[++i];
		else if (strcmp(argv[i], "--peer-fp") == 0 && i + 1 < argc)
			peer_fp = argv[++i];
		else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc)
			connect_to = argv[++i];
		else if (strcmp(argv[i], "--profiles") == 0 && i + 1 < argc) {
			if (parse_profiles(argv[++i], &cfg) != 0)
				return usage();
		} else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			timeout_ms = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--close") == 0)
			close_first = 1;
		else
			return usage();
	}
	if (role_s == NULL || peer_fp == NULL)
		return usage();
	role = strcmp(role_s, "client") == 0 ? DTLS_ROLE_CLIENT : DTLS_ROLE_SERVER;
	if (role == DTLS_ROLE_CLIENT && connect_to == NULL)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	local.sin_family = AF_INET;
	local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0 ||
	        getsockname(fd, (struct sockaddr *)&local, &slen) != 0) {
		perror("socket");
		return 2;
	}
	if (connect_to != NULL) {
		char host[64];
		const char *colon = strrchr(connect_to, ':');
		if (colon == NULL || (size_t)(colon - connect_to) >= sizeof(host))
			return usage();
		memcpy(host, connect_to, (size_t)(colon - connect_to));
		host[colon - connect_to] = '\0';
		peer.sin_family = AF_INET;
		peer.sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &peer.sin_addr) != 1)
			return usage();
		have_peer = 1;
	}
	cert = dtls_cert_new((int64_t)time(NULL), 0);
	if (cert == NULL || dtls_conn_new(&c, &cfg, cert, role, peer_fp) != DTLS_OK) {
		fprintf(stderr, "dtls setup failed\n");
		return 2;
	}
	printf("port %u\n", ntohs(local.sin_port));
	printf("fingerprint %s\n", dtls_cert_fingerprint(cert));

	deadline = now_us() + (uint64_t)timeout_ms * 1000u;
	if (role == DTLS_ROLE_CLIENT)
		dtls_conn_start(c, now_us());
	for (;;) {
		uint8_t buf[DTLS_DGRAM_MAX + 1];
		struct dtls_event ev;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t t = now_us(), next = dtls_conn_poll_timeout(c);
		int n, wait_ms, done = 0;

		while ((n = dtls_conn_poll_transmit(c, buf, sizeof(buf))) > 0)
			if (have_peer && sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer,
			                         sizeof(peer)) != n)
				perror("sendto");
		while (dtls_conn_poll_event(c, &ev)) {
			if (ev.type == DTLS_EV_CONNECTED) {
				printf("connected %s\n", dtls_srtp_profile_name(ev.keys.profile));
				print_material(&ev.keys, role);
				if (close_first)
					dtls_conn_close(c, now_us());
			} else if (ev.type == DTLS_EV_FAILED) {
				printf("failed %s alert=%d\n", dtls_fail_reason_str(ev.reason),
				        ev.alert);
				rc = 1;
				done = 1;
			} else if (ev.type == DTLS_EV_CLOSED) {
				printf("closed remote=%d\n", ev.remote);
				rc = 0;
				done = 1;
			}
		}
		if (done) {
			/* our close_notify or alert out before leaving */
			while ((n = dtls_conn_poll_transmit(c, buf, sizeof(buf))) > 0)
				if (have_peer)
					(void)sendto(fd, buf, (size_t)n, 0,
					        (struct sockaddr *)&peer, sizeof(peer));
			break;
		}
		if (t >= deadline) {
			printf("timeout\n");
			break;
		}
		if (next != DTLS_TIMEOUT_NONE && next <= t) {
			dtls_conn_handle_timeout(c, t);
			continue;
		}
		if (next == DTLS_TIMEOUT_NONE || next > deadline)
			next = deadline;
		wait_ms = (int)((next - t + 999) / 1000);
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
			perror("poll");
			rc = 2;
			break;
		}
		if (pfd.revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			n = (int)recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
			if (n <= 0)
				continue;
			if (!have_peer) {
				peer = from; /* a server answers whoever spoke first */
				have_peer = 1;
			}
			dtls_conn_handle_packet(c, now_us(), buf, (size_t)n);
		}
	}
	dtls_conn_free(c);
	dtls_cert_unref(cert);
	close(fd);
	return rc;
}
