/*
 * bench_whip: WHIP session setups per second (POST offer -> 201 answer) and
 * their latency percentiles, with a bounded loop on loopback; and the
 * baseline: the simplest handler of the same HTTP library (libmicrohttpd,
 * same mode as rtcedge: external epoll, one thread) that reads the body and
 * answers 201 with a fixed body of the same size.
 *
 *   bench_whip serve PORT ANSWER_BYTES      the baseline server, until SIGTERM
 *   bench_whip load PORT PREFIX N CONNS OFFER_FILE [TOKEN]
 *       N POSTs of OFFER_FILE to PREFIX<i> (one stream per request) over
 *       CONNS keep-alive connections; prints one line:
 *       "setups N ok K seconds S rate R p50_us A p90_us B p99_us C max_us D"
 * Run by tests/bench/whip_bench.py (scripts/bench-whip), which interleaves
 * rounds of both servers and prints medians and the ratio.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define MAX_CONNS 64

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- baseline server ---- */

static volatile sig_atomic_t stop;
static char *answer;
static size_t answer_len;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static enum MHD_Result
serve_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
		const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* the body is read and dropped */
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(answer_len, answer, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/sdp");
	MHD_add_response_header(r, "Location", "/whip/x/0123456789abcdef0123456789abcdef");
	MHD_add_response_header(r, "ETag", "\"0123456789abcdef\"");
	ok = MHD_queue_response(c, 201, r);
	MHD_destroy_response(r);
	return ok;
}

static int
serve(int port, size_t bytes)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	int ep;

	answer_len = bytes;
	answer = malloc(bytes);
	if (answer == NULL)
		return 1;
	memset(answer, 'a', bytes);
	d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_TURBO, (uint16_t)port, NULL, NULL, serve_access,
			NULL, MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bench_whip: cannot listen on %d\n", port);
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	/* as rtcedge does: MHD's epoll fd inside our own (waiting on MHD's directly
	 * would consume the edge-triggered events MHD_run needs) */
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	ep = epoll_create1(EPOLL_CLOEXEC);
	{
		struct epoll_event add = {.events = EPOLLIN};
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, di->epoll_fd, &add) != 0)
			return 1;
	}
	printf("serving %d\n", port);
	fflush(stdout);
	while (!stop) {
		struct epoll_event ev;
		MHD_UNSIGNED_LONG_LONG to;
		int t = 10;
		if (MHD_get_timeout(d, &to) == MHD_YES && to < 10)
			t = (int)to;
		epoll_wait(ep, &ev, 1, t); /* rtcedge's loop: the same wait, then MHD_run */
		MHD_run(d);
	}
	MHD_stop_daemon(d);
	close(ep);
	free(answer);
	return 0;
}

/* ---- load client ---- */

struct conn {
	int fd;
	uint64_t t0;
	size_t sent, req_len;
	char req[65536 + 1024];
	char buf[65536];
	size_t got;
	int busy;
};

static int
conn_open(struct conn *c, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* A complete response in c->buf: its status, and c->got reduced by it; 0 if not yet. */
static int
conn_response(struct conn *c)
{
	char *end, *cl;
	size_t hlen, blen = 0;
	int status;

	c->buf[c->got < sizeof(c->buf) ? c->got : sizeof(c->buf) - 1] = '\0';
	end = strstr(c->buf, "\r\n\r\n");
	if (end == NULL)
		return 0;
	hlen = (size_t)(end - c->buf) + 4;
	cl = strcasestr(c->buf, "\r\nContent-Length:");
	if (cl != NULL && cl < end)
		blen = strtoul(cl + 17, NULL, 10);
	if (c->got < hlen + blen)
		return 0;
	status = atoi(c->buf + 9);
	memmove(c->buf, c->buf + hlen + blen, c->got - hlen - blen);
	c->got -= hlen + blen;
	return status;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
load(int port, const char *prefix, long n, int conns, const char *offer_file, const char *token)
{
	static struct conn cs[MAX_CONNS];
	struct pollfd pf[MAX_CONNS];
	char *offer;
	long offer_len, next = 0, done = 0, ok = 0;
	uint64_t *lat = calloc((size_t)n, sizeof(*lat)), t_start, t_end;
	FILE *f = fopen(offer_file, "rb");

	if (f == NULL || lat == NULL || conns < 1 || conns > MAX_CONNS) {
		fprintf(stderr, "bench_whip: bad arguments or %s unreadable\n", offer_file);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	offer_len = ftell(f);
	fseek(f, 0, SEEK_SET);
	offer = malloc((size_t)offer_len);
	if (offer == NULL || offer_len > 65536 ||
			fread(offer, 1, (size_t)offer_len, f) != (size_t)offer_len) {
		fprintf(stderr, "bench_whip: cannot read %s\n", offer_file);
		return 1;
	}
	fclose(f);
	for (int i = 0; i < conns; i++)
		if (conn_open(&cs[i], port) != 0) {
			fprintf(stderr, "bench_whip: connect: %s\n", strerror(errno));
			return 1;
		}
	t_start = now_us();
	while (done < n) {
		for (int i = 0; i < conns; i++) {
			struct conn *c = &cs[i];
			if (!c->busy && next < n) {
				int h = snprintf(c->req, sizeof(c->req),
						"POST %s%ld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						"Content-Type: application/sdp\r\nContent-Length: %ld\r\n"
						"%s%s%s\r\n",
						prefix, next, offer_len, token ? "Authorization: Bearer " : "",
						token ? token : "", token ? "\r\n" : "");
				memcpy(c->req + h, offer, (size_t)offer_len);
				c->req_len = (size_t)h + (size_t)offer_len;
				c->sent = 0;
				c->busy = 1;
				c->t0 = now_us();
				next++;
			}
			if (c->busy && c->sent < c->req_len) {
				ssize_t w = send(c->fd, c->req + c->sent, c->req_len - c->sent,
						MSG_DONTWAIT | MSG_NOSIGNAL);
				if (w > 0)
					c->sent += (size_t)w;
			}
			pf[i].fd = c->fd;
			pf[i].events = POLLIN | (c->busy && c->sent < c->req_len ? POLLOUT : 0);
		}
		if (poll(pf, (nfds_t)conns, 10000) <= 0) {
			fprintf(stderr, "bench_whip: no response for 10 s\n");
			return 1;
		}
		for (int i = 0; i < conns; i++) {
			struct conn *c = &cs[i];
			ssize_t r;
			int st;
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = recv(c->fd, c->buf + c->got, sizeof(c->buf) - 1 - c->got, MSG_DONTWAIT);
			if (r == 0) {
				fprintf(stderr, "bench_whip: the server closed a connection\n");
				return 1;
			}
			if (r < 0)
				continue;
			c->got += (size_t)r;
			while (c->busy && (st = conn_response(c)) != 0) {
				lat[done++] = now_us() - c->t0;
				ok += st == 201;
				c->busy = 0;
			}
		}
	}
	t_end = now_us();
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	printf("setups %ld ok %ld seconds %.3f rate %.0f p50_us %llu p90_us %llu p99_us %llu "
	       "max_us %llu\n",
			n, ok, (double)(t_end - t_start) / 1e6,
			(double)n / ((double)(t_end - t_start) / 1e6),
			(unsigned long long)lat[n / 2], (unsigned long long)lat[n * 9 / 10],
			(unsigned long long)lat[n * 99 / 100], (unsigned long long)lat[n - 1]);
	for (int i = 0; i < conns; i++)
		close(cs[i].fd);
	free(lat);
	free(offer);
	return ok == n ? 0 : 2;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(atoi(argv[2]), (size_t)atol(argv[3]));
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "load") == 0)
		return load(atoi(argv[2]), argv[3], atol(argv[4]), atoi(argv[5]), argv[6],
				argc == 8 ? argv[7] : NULL);
	fprintf(stderr, "usage: bench_whip serve PORT ANSWER_BYTES\n"
			"       bench_whip load PORT PREFIX N CONNS OFFER_FILE [TOKEN]\n");
	return 64;
}
