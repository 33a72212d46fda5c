/*
 * ice_udp_peer: dataplane/proto/ice.c on a loopback UDP socket, for
 * interop tests against a real full ICE agent (tests/integration/ice_aioice.py).
 *
 *   ice_udp_peer UFRAG PWD REMOTE_UFRAG
 *
 * Binds 127.0.0.1 on an ephemeral port and prints "port N". STUN datagrams
 * go to the agent, its responses are sent back; anything else that comes
 * from the selected pair's remote address is echoed back prefixed with
 * "echo:" (the media path that the selected pair opens), and dropped
 * otherwise. Prints one line per event ("event pair_selected 127.0.0.1:P")
 * and per dropped request ("drop INTEGRITY"). Commands on stdin:
 *   restart UFRAG PWD REMOTE_UFRAG   ice_agent_set_pending_credentials()
 *   stats                            "stat NAME N" / "drop NAME N" lines, then "end"
 * Exits on end of input or when the agent fails.
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

#include "ice.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
to_addr(struct stun_addr *a, const struct sockaddr_in *sin)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->port = ntohs(sin->sin_port);
	memcpy(a->addr, &sin->sin_addr, 4);
}

static void
to_sin(struct sockaddr_in *sin, const struct stun_addr *a)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(a->port);
	memcpy(&sin->sin_addr, a->addr, 4);
}

static void
print_stats(const struct ice_agent *a)
{
	for (int i = 0; i < ICE_STAT_MAX; i++)
		printf("stat %s %llu\n", ice_stat_name((enum ice_stat)i),
		        (unsigned long long)a->stats[i]);
	for (int i = 1; i < ICE_DROP_MAX; i++)
		printf("drop %s %llu\n", ice_drop_name((enum ice_drop)i),
		        (unsigned long long)a->drops[i]);
	printf("end\n");
	fflush(stdout);
}

static void
drain(struct ice_agent *a, int fd)
{
	struct ice_transmit tx;
	struct ice_event ev;
	struct sockaddr_in to;

	while (ice_agent_poll_transmit(a, &tx)) {
		to_sin(&to, &tx.dst);
		if (sendto(fd, tx.buf, tx.len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			perror("sendto");
	}
	while (ice_agent_poll_event(a, &ev)) {
		char ip[INET_ADDRSTRLEN] = "-";
		if (ev.remote.family == 4)
			inet_ntop(AF_INET, ev.remote.addr, ip, sizeof(ip));
		printf("event %s %s:%u\n", ice_event_name((enum ice_event_type)ev.type), ip,
		        ev.remote.port);
	}
	fflush(stdout);
}

/* One stdin line; 0 to go on, 1 at end of input. */
static int
command(struct ice_agent *a)
{
	char line[1024], u[300], p[300], r[300];

	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	if (sscanf(line, "restart %299s %299s %299s", u, p, r) == 3)
		printf("restart %d\n", ice_agent_set_pending_credentials(a, u, p, r));
	else if (strncmp(line, "stats", 5) == 0)
		print_stats(a);
	else
		printf("unknown command\n");
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ice_config cfg = {0};
	struct ice_agent *a;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct stun_addr local;
	socklen_t sl = sizeof(sin);
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s UFRAG PWD REMOTE_UFRAG\n", argv[0]);
		return 2;
	}
	setvbuf(stdin, NULL, _IOLBF, 0);
	a = calloc(1, sizeof(*a));
	cfg.ufrag = argv[1];
	cfg.pwd = argv[2];
	cfg.remote_ufrag = argv[3];
	cfg.local_priority = 2130706431u; /* host */
	if (a == NULL || ice_agent_init(a, &cfg, now_us()) != 0) {
		fprintf(stderr, "bad credentials\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	        getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		perror("socket");
		return 1;
	}
	to_addr(&local, &sin);
	printf("port %u\n", ntohs(sin.sin_port));
	fflush(stdout);

	for (;;) {
		struct pollfd pf[2] = {{.fd = fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
		uint64_t now = now_us(), deadline = ice_agent_poll_timeout(a);
		int wait_ms = 100;

		if (deadline <= now)
			wait_ms = 0;
		else if (deadline - now < 100000)
			wait_ms = (int)((deadline - now + 999) / 1000);
		if (poll(pf, 2, wait_ms) < 0 && errno != EINTR) {
			perror("poll");
			return 1;
		}
		now = now_us();
		if (pf[0].revents & POLLIN) {
			uint8_t buf[2048];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			struct stun_addr src;
			ssize_t n =
			        recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

			if (n >= 0) {
				to_addr(&src, &from);
				if (n > 0 && buf[0] < 4) { /* RFC 7983: STUN */
					int rc = ice_agent_handle_packet(
					        a, now, &src, &local, buf, (size_t)n);
					if (rc < 0)
						printf("drop %s\n",
						        ice_drop_name((enum ice_drop) - rc));
				} else {
					const struct ice_pair *p = ice_agent_selected_pair(a);
					uint8_t out[2100] = "echo:";
					if (p != NULL && p->remote.port == src.port &&
					        memcmp(p->remote.addr, src.addr, 4) == 0) {
						memcpy(out + 5, buf, (size_t)n);
						sendto(fd, out, (size_t)n + 5, 0,
						        (struct sockaddr *)&from, fl);
					} else {
						printf("data not from the selected pair\n");
					}
				}
			}
		}
		if (pf[1].revents & (POLLIN | POLLHUP) && command(a))
			break;
		if (now >= ice_agent_poll_timeout(a))
			ice_agent_handle_timeout(a, now);
		drain(a, fd);
		if (a->state == ICE_STATE_FAILED)
			break;
	}
	print_stats(a);
	close(fd);
	free(a);
	return 0;
}
