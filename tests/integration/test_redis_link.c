/*
 * The Redis link against a real redis-server, started here on 127.0.0.1 with
 * a free port (--save '' --appendonly no), stopped and restarted by PID.
 * The link runs on an epoll loop fed by its on_watch callback, like the
 * control lcore's; a synchronous hiredis client plays the orchestrator.
 *
 *   events        every type lands in <prefix>:events with exactly the fields of
 *                 event_fields_build(), and on <prefix>:events:<type> (PSUBSCRIBE)
 *                 with exactly the JSON of event_json_dumps(), in order
 *   capped        XADD MAXLEN ~ trims the stream
 *   away          Redis stops; K events published meanwhile arrive, in order, once
 *                 it is back on the same port
 *   frozen        Redis stops answering (SIGSTOP): the link times out, reconnects,
 *                 and after SIGCONT every event is stored, first copies in order
 *                 (at least once: a resent event may be stored twice)
 *   overflow      more events than the buffer while Redis is away: exactly the
 *                 oldest are dropped and counted, the rest arrive in order
 *   commands      XADDed commands are delivered once, in order, and acknowledged;
 *                 bad and refused ones give command.error events; another node's
 *                 are ignored
 *   pending       a command delivered before a restart but never acknowledged is
 *                 delivered again, then new ones
 *   auth          AUTH and SELECT; a wrong password: refused, retried, nothing lost
 *
 * Every wait is bounded (a failure, never a figure); skips (77) without redis-server.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "config.h"
#include "event_bus.h"
#include "redis_link.h"

#define WAIT_MS 10000 /* the most any condition may take before the test fails */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- redis-server ---- */

struct server {
	pid_t pid;
	int port;
	char dir[64];
	char pass[32];
};

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static redisContext *
client_try(const struct server *s)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = 300000};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
	redisReply *r;

	if (c == NULL || c->err) {
		if (c != NULL)
			redisFree(c);
		return NULL;
	}
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	redisSetTimeout(c, tv);
	if (s->pass[0] != '\0') {
		r = redisCommand(c, "AUTH %s", s->pass);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			if (r != NULL)
				freeReplyObject(r);
			redisFree(c);
			return NULL;
		}
		freeReplyObject(r);
	}
	r = redisCommand(c, "PING");
	if (r == NULL || r->type != REDIS_REPLY_STATUS) {
		if (r != NULL)
			freeReplyObject(r);
		redisFree(c);
		return NULL;
	}
	freeReplyObject(r);
	return c;
}

static redisContext *
client(const struct server *s)
{
	redisContext *c = client_try(s);

	assert_non_null(c);
	return c;
}

static void
server_start(struct server *s)
{
	char port[16], logfile[96];
	uint64_t t0;

	snprintf(port, sizeof(port), "%d", s->port);
	snprintf(logfile, sizeof(logfile), "%s/redis.log", s->dir);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		const char *argv[24] = {"redis-server", "--port", port, "--bind", "127.0.0.1",
		        "--save", "", "--appendonly", "no", "--dir", s->dir, "--logfile", logfile,
		        "--daemonize", "no"};
		int n = 15, fd = open("/dev/null", O_RDWR);
		if (s->pass[0] != '\0') {
			argv[n++] = "--requirepass";
			argv[n++] = s->pass;
		}
		argv[n] = NULL;
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		execvp("redis-server", (char *const *)argv);
		_exit(127);
	}
	/* ready when it answers PING */
	for (t0 = now_ms(); now_ms() - t0 < WAIT_MS; usleep(20000)) {
		redisContext *c = client_try(s);
		if (c != NULL) {
			redisFree(c);
			return;
		}
		assert_int_equal(waitpid(s->pid, NULL, WNOHANG), 0); /* it did not exit */
	}
	fail_msg("redis-server on port %d did not answer", s->port);
}

static void
server_stop(struct server *s)
{
	uint64_t t0 = now_ms();

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	kill(s->pid, SIGCONT); /* a stopped server handles SIGTERM only once resumed */
	while (waitpid(s->pid, NULL, WNOHANG) == 0) {
		if (now_ms() - t0 > WAIT_MS) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			break;
		}
		usleep(5000);
	}
	s->pid = 0;
}

/* ---- the loop: epoll, as the control lcore ---- */

struct rec_cmd {
	struct command cmd;
	char id[64];
};

struct fixture {
	struct server srv;
	struct rtc_config cfg;
	struct event_bus *bus;
	struct redis_link *l;
	int ep;
	int fd;           /* registered with epoll */
	unsigned events;  /* as registered */
	unsigned n_watch; /* on_watch calls */
	unsigned n_cmds;
	struct rec_cmd cmds[32];
	char log[4096];
};

static void
on_watch(void *arg, int fd, unsigned events)
{
	struct fixture *f = arg;
	struct epoll_event ev = {.events = events, .data.fd = fd};

	f->n_watch++;
	if (events == 0) {
		assert_int_equal(fd, f->fd);
		assert_int_equal(epoll_ctl(f->ep, EPOLL_CTL_DEL, fd, NULL), 0);
		f->fd = -1;
	} else if (fd != f->fd) {
		assert_int_equal(f->fd, -1); /* the old one was removed first */
		assert_int_equal(epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev), 0);
		f->fd = fd;
	} else {
		assert_int_equal(epoll_ctl(f->ep, EPOLL_CTL_MOD, fd, &ev), 0);
	}
	f->events = events;
}

static int
on_command(void *arg, const struct command *cmd, const char *id, char *err, size_t errlen)
{
	struct fixture *f = arg;

	if (strcmp(cmd->session, "nosuch") == 0) {
		snprintf(err, errlen, "no such session");
		return -1;
	}
	assert_true(f->n_cmds < 32);
	f->cmds[f->n_cmds].cmd = *cmd;
	snprintf(f->cmds[f->n_cmds].id, sizeof(f->cmds[0].id), "%s", id);
	f->n_cmds++;
	return 0;
}

static void
on_log(void *arg, const char *msg)
{
	struct fixture *f = arg;
	size_t n = strlen(f->log);

	snprintf(f->log + n, sizeof(f->log) - n, "%s\n", msg);
}

static void
link_create(struct fixture *f)
{
	struct redis_link_params p = {.node = "node1",
	        .bus = f->bus,
	        .on_command = on_command,
	        .on_watch = on_watch,
	        .on_log = on_log,
	        .arg = f};
	char err[REDIS_LINK_ERR_MAX];

	f->l = redis_link_create(&f->cfg, &p, err, sizeof(err));
	if (f->l == NULL)
		fail_msg("redis_link_create: %s", err);
	assert_int_equal(event_bus_sink_add(f->bus, &redis_link_sink_ops, f->l), 0);
}

static void
link_destroy(struct fixture *f)
{
	if (f->l == NULL)
		return;
	assert_int_equal(event_bus_sink_remove(f->bus, &redis_link_sink_ops, f->l), 0);
	redis_link_destroy(f->l);
	f->l = NULL;
	assert_int_equal(f->fd, -1); /* the fd was handed back */
}

static void
set(struct rtc_config *c, const char *key, const char *value)
{
	char err[CONFIG_ERR_LEN];

	if (config_set(c, key, value, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char port[16];

	assert_non_null(f);
	snprintf(f->srv.dir, sizeof(f->srv.dir), "/tmp/rtc-redis-XXXXXX");
	assert_non_null(mkdtemp(f->srv.dir));
	f->srv.port = free_port();
	snprintf(port, sizeof(port), "%d", f->srv.port);
	config_defaults(&f->cfg);
	set(&f->cfg, "redis.enabled", "true");
	set(&f->cfg, "redis.port", port);
	set(&f->cfg, "redis.reconnect_max_ms", "100");
	set(&f->cfg, "redis.timeout_ms", "3000");
	set(&f->cfg, "redis.command_poll_ms", "10");
	f->bus = event_bus_create("node1");
	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->fd = -1;
	assert_true(f->ep >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	link_destroy(f);
	server_stop(&f->srv);
	event_bus_destroy(f->bus);
	close(f->ep);
	snprintf(path, sizeof(path), "%s/redis.log", f->srv.dir);
	unlink(path);
	rmdir(f->srv.dir);
	free(f);
	return 0;
}

/* Run the loop until @cond holds; fail after WAIT_MS. */
static void
drive(struct fixture *f, int (*cond)(struct fixture *, void *), void *arg, const char *what)
{
	uint64_t t0 = now_ms();

	for (;;) {
		struct epoll_event evs[4];
		unsigned ev;
		int fd, timeout, n;

		if (cond(f, arg))
			return;
		if (now_ms() - t0 > WAIT_MS) {
			struct redis_link_stats st;
			redis_link_stats_get(f->l, &st);
			fail_msg("timed out waiting for %s (sent %llu, buffered %llu, ready %llu, "
			         "errors %llu)\nlog:\n%s",
			        what, (unsigned long long)st.sent, (unsigned long long)st.buffered,
			        (unsigned long long)st.ready, (unsigned long long)st.errors,
			        f->log);
		}
		timeout = redis_link_poll(f->l, now_ms());
		assert_true(timeout >= 0 && timeout <= 1000);
		/* the getter and the callback agree */
		fd = redis_link_fd(f->l, &ev);
		assert_int_equal(fd, f->fd);
		if (fd >= 0)
			assert_int_equal(ev, f->events);
		n = epoll_wait(f->ep, evs, 4, timeout > 50 ? 50 : timeout);
		for (int i = 0; i < n; i++)
			redis_link_handle(f->l, evs[i].events, now_ms());
	}
}

static struct redis_link_stats
stats(struct fixture *f)
{
	struct redis_link_stats st;

	redis_link_stats_get(f->l, &st);
	return st;
}

static int
is_ready(struct fixture *f, void *arg)
{
	(void)arg;
	return stats(f).ready == 1;
}

static int
not_ready(struct fixture *f, void *arg)
{
	(void)arg;
	return stats(f).ready == 0;
}

static int
sent_at_least(struct fixture *f, void *arg)
{
	struct redis_link_stats st = stats(f);
	uint64_t n = *(uint64_t *)arg;

	return st.sent >= n && st.published >= n && st.buffered == 0;
}

static int
failures_at_least(struct fixture *f, void *arg)
{
	return stats(f).connect_failures >= *(uint64_t *)arg;
}

static void
wait_sent(struct fixture *f, uint64_t n)
{
	drive(f, sent_at_least, &n, "events stored");
	assert_int_equal(stats(f).sent, n);
}

/* ---- helpers on the client side ---- */

static redisReply *
cmd(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (r == NULL)
		fail_msg("redis: %s", c->errstr);
	return r;
}

/* The seq field of an XRANGE entry. */
static uint64_t
entry_seq(const redisReply *e)
{
	const redisReply *kv = e->element[1];

	for (size_t i = 0; i + 1 < kv->elements; i += 2)
		if (strcmp(kv->element[i]->str, "seq") == 0)
			return strtoull(kv->element[i + 1]->str, NULL, 10);
	fail_msg("entry without seq");
	return 0;
}

static const char *
entry_field(const redisReply *e, const char *name)
{
	const redisReply *kv = e->element[1];

	for (size_t i = 0; i + 1 < kv->elements; i += 2)
		if (strcmp(kv->element[i]->str, name) == 0)
			return kv->element[i + 1]->str;
	return NULL;
}

/* The stream holds exactly the events with seq first..last, in that order. */
static void
assert_stream_seqs(redisContext *c, uint64_t first, uint64_t last)
{
	redisReply *r = cmd(c, "XRANGE rtcedge:events - +");

	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_int_equal(r->elements, last - first + 1);
	for (size_t i = 0; i < r->elements; i++)
		assert_int_equal(entry_seq(r->element[i]), first + i);
	freeReplyObject(r);
}

static uint64_t
publish_node(struct fixture *f, unsigned i)
{
	struct event ev;
	char what[16];

	snprintf(what, sizeof(what), "tick%u", i);
	assert_int_equal(event_init_node(&ev, what, NULL), 0);
	event_bus_publish(f->bus, &ev, 1700000000000 + i);
	return ev.seq;
}

/* ---- tests ---- */

static void
test_events_stream_and_pubsub(void **state)
{
	struct fixture *f = *state;
	struct event evs[7];
	redisContext *c, *sub;
	redisReply *r;

	server_start(&f->srv);
	c = client(&f->srv);
	sub = client(&f->srv);
	r = cmd(sub, "PSUBSCRIBE rtcedge:events:*");
	freeReplyObject(r);
	link_create(f);
	drive(f, is_ready, NULL, "ready");
	assert_true(f->n_watch > 0);

	assert_int_equal(event_init_session(&evs[0], EVENT_SESSION_CREATED, "s1", "room", NULL), 0);
	assert_int_equal(
	        event_init_session(&evs[1], EVENT_SESSION_CONNECTED, "s1", "room", NULL), 0);
	assert_int_equal(event_init_speech(&evs[2], EVENT_SPEECH_START, "s1", "room", 0, 1500), 0);
	assert_int_equal(event_init_transcript(&evs[3], EVENT_TRANSCRIPT_PARTIAL, "s1", "room", 0,
	                         "hel", 1500, 1800, 400),
	        0);
	assert_int_equal(event_init_transcript(&evs[4], EVENT_TRANSCRIPT_FINAL, "s1", "room", 0,
	                         "hello \"w\xc3\xb6rld\"\nsecond line", 1500, 2600, 870),
	        0);
	assert_int_equal(event_init_node(&evs[5], "draining", "maintenance"), 0);
	assert_int_equal(event_node_add(&evs[5], "sessions", "1"), 0);
	assert_int_equal(
	        event_init_session(&evs[6], EVENT_SESSION_CLOSED, "s1", "room", "client"), 0);
	for (int i = 0; i < 7; i++)
		assert_int_equal(event_bus_publish(f->bus, &evs[i], 1700000000000 + i), 0);
	wait_sent(f, 7);

	/* the stream: exactly the field lists, in order */
	r = cmd(c, "XRANGE rtcedge:events - +");
	assert_int_equal(r->elements, 7);
	for (int i = 0; i < 7; i++) {
		struct event_fields want;
		const redisReply *kv = r->element[i]->element[1];
		assert_int_equal(event_fields_build(&evs[i], &want), 0);
		assert_int_equal(kv->elements, 2 * want.n);
		for (unsigned k = 0; k < want.n; k++) {
			assert_string_equal(kv->element[2 * k]->str, want.name[k]);
			assert_int_equal(kv->element[2 * k + 1]->len, want.value_len[k]);
			assert_memory_equal(
			        kv->element[2 * k + 1]->str, want.value[k], want.value_len[k]);
		}
	}
	freeReplyObject(r);

	/* Pub/Sub: the JSON on <prefix>:events:<type>, in order */
	for (int i = 0; i < 7; i++) {
		char channel[64];
		size_t jlen;
		char *json = event_json_dumps(&evs[i], &jlen);
		void *reply = NULL;
		assert_int_equal(redisGetReply(sub, &reply), REDIS_OK);
		r = reply;
		assert_int_equal(r->type, REDIS_REPLY_ARRAY);
		assert_int_equal(r->elements, 4);
		assert_string_equal(r->element[0]->str, "pmessage");
		snprintf(channel, sizeof(channel), "rtcedge:events:%s",
		        event_type_name(evs[i].type));
		assert_string_equal(r->element[2]->str, channel);
		assert_string_equal(r->element[3]->str, json);
		free(json);
		freeReplyObject(r);
	}
	assert_int_equal(stats(f).dropped, 0);
	assert_int_equal(stats(f).errors, 0);
	assert_int_equal(stats(f).connects, 1);
	redisFree(sub);
	redisFree(c);
}

static void
test_events_stream_capped(void **state)
{
	struct fixture *f = *state;
	redisContext *c;
	redisReply *r;

	set(&f->cfg, "redis.stream_maxlen", "10");
	server_start(&f->srv);
	c = client(&f->srv);
	link_create(f);
	drive(f, is_ready, NULL, "ready");
	for (unsigned i = 0; i < 500; i++)
		publish_node(f, i);
	wait_sent(f, 500);
	/* MAXLEN ~ trims whole stream nodes (100 entries by default): well under 500 remain */
	r = cmd(c, "XLEN rtcedge:events");
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	assert_true(r->integer >= 10 && r->integer < 500);
	freeReplyObject(r);
	redisFree(c);
}

static void
test_events_buffered_while_redis_away(void **state)
{
	struct fixture *f = *state;
	const uint64_t K = 50;
	redisContext *c;

	server_start(&f->srv);
	link_create(f);
	drive(f, is_ready, NULL, "ready");
	for (unsigned i = 0; i < 3; i++)
		publish_node(f, i);
	wait_sent(f, 3);

	server_stop(&f->srv);
	drive(f, not_ready, NULL, "the loss noticed");
	for (unsigned i = 0; i < K; i++)
		publish_node(f, 100 + i);
	assert_int_equal(stats(f).buffered, K);
	assert_int_equal(stats(f).sent, 3);

	server_start(&f->srv); /* same port, empty: no persistence */
	wait_sent(f, 3 + K);
	c = client(&f->srv);
	assert_stream_seqs(c, 4, 3 + K); /* all K, in order, once */
	assert_int_equal(stats(f).dropped, 0);
	assert_int_equal(stats(f).reconnects, 1);
	assert_int_equal(stats(f).connects, 2);
	assert_non_null(strstr(f->log, "connection lost"));
	redisFree(c);
}

static void
test_events_overflow_drops_oldest_exactly(void **state)
{
	struct fixture *f = *state;
	uint64_t two = 2;
	redisContext *c;

	set(&f->cfg, "redis.buffer_events", "16");
	/* Redis is not there yet: the link keeps trying */
	link_create(f);
	drive(f, failures_at_least, &two, "two failed attempts");
	for (unsigned i = 1; i <= 40; i++)
		assert_int_equal(publish_node(f, i), i);
	assert_int_equal(stats(f).dropped, 24);
	assert_int_equal(stats(f).buffered, 16);

	server_start(&f->srv);
	wait_sent(f, 16);
	c = client(&f->srv);
	assert_stream_seqs(c, 25, 40); /* the newest 16, in order */
	assert_int_equal(stats(f).dropped, 24);
	assert_non_null(strstr(f->log, "buffer full"));
	redisFree(c);
}

static int
timeouts_at_least(struct fixture *f, void *arg)
{
	return stats(f).timeouts >= *(uint64_t *)arg;
}

static void
test_events_redis_frozen_then_back(void **state)
{
	struct fixture *f = *state;
	uint64_t two = 2, next = 1;
	redisContext *c;
	redisReply *r;

	set(&f->cfg, "redis.timeout_ms", "300");
	server_start(&f->srv);
	link_create(f);
	drive(f, is_ready, NULL, "ready");
	publish_node(f, 0);
	wait_sent(f, 1);

	kill(f->srv.pid, SIGSTOP);
	for (unsigned i = 1; i <= 20; i++)
		publish_node(f, i);
	/* the reply timeout, then the next connection's handshake times out too (the kernel
	 * still accepts TCP connections for the stopped server) */
	drive(f, timeouts_at_least, &two, "two timeouts");
	assert_int_equal(stats(f).ready, 0);
	assert_int_equal(stats(f).buffered, 20);
	kill(f->srv.pid, SIGCONT);
	drive(f, sent_at_least, &(uint64_t){21}, "events stored after SIGCONT");

	c = client(&f->srv);
	r = cmd(c, "XRANGE rtcedge:events - +");
	assert_true(r->elements >= 21);
	for (size_t i = 0; i < r->elements; i++) {
		uint64_t seq = entry_seq(r->element[i]);
		if (seq == next)
			next++; /* a first copy, in order */
		else
			assert_true(seq < next); /* else a repeat of one already stored */
	}
	assert_int_equal(next, 22);
	freeReplyObject(r);
	assert_int_equal(stats(f).dropped, 0);
	assert_non_null(strstr(f->log, "redis.timeout_ms"));
	redisFree(c);
}

static int
commands_settled(struct fixture *f, void *arg)
{
	struct redis_link_stats st = stats(f);
	uint64_t n = *(uint64_t *)arg;

	return st.commands + st.commands_bad + st.commands_refused + st.commands_other_node >= n &&
	       st.commands_acked >= n && st.buffered == 0;
}

static void
xadd_cmd(redisContext *c, char *id_out, size_t cap, const char *const *kv)
{
	const char *argv[32] = {"XADD", "rtcedge:commands", "*"};
	int argc = 3;
	redisReply *r;

	for (; kv[argc - 3] != NULL; argc++)
		argv[argc] = kv[argc - 3];
	r = redisCommandArgv(c, argc, argv, NULL);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	snprintf(id_out, cap, "%s", r->str);
	freeReplyObject(r);
}

static void
assert_no_pending(redisContext *c)
{
	redisReply *r = cmd(c, "XPENDING rtcedge:commands node1");

	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_int_equal(r->element[0]->integer, 0);
	freeReplyObject(r);
}

static void
test_commands_delivered_once_and_acked(void **state)
{
	struct fixture *f = *state;
	char ids[9][64];
	uint64_t n = 7;
	redisContext *c;
	redisReply *r;

	server_start(&f->srv);
	c = client(&f->srv);
	link_create(f);
	drive(f, is_ready, NULL, "ready");

	xadd_cmd(c, ids[0], 64,
	        (const char *const[]){"type", "say", "session", "s1", "text",
	                "Hello, how can I help?", "voice", "en-us", NULL});
	xadd_cmd(c, ids[1], 64, (const char *const[]){"type", "dance", "session", "s1", NULL});
	xadd_cmd(c, ids[2], 64,
	        (const char *const[]){"type", "set", "session", "s1", "vad_sensitivity", "70",
	                "stt", "on", NULL});
	xadd_cmd(c, ids[3], 64, (const char *const[]){"type", "end", NULL});
	xadd_cmd(c, ids[4], 64,
	        (const char *const[]){"type", "end", "session", "s2", "node", "other-node", NULL});
	xadd_cmd(c, ids[5], 64, (const char *const[]){"type", "end", "session", "nosuch", NULL});
	xadd_cmd(c, ids[6], 64,
	        (const char *const[]){"type", "end", "session", "s1", "node", "node1", NULL});
	drive(f, commands_settled, &n, "7 commands handled");

	assert_int_equal(f->n_cmds, 3);
	assert_string_equal(f->cmds[0].id, ids[0]);
	assert_int_equal(f->cmds[0].cmd.type, COMMAND_SAY);
	assert_string_equal(f->cmds[0].cmd.u.say.text, "Hello, how can I help?");
	assert_string_equal(f->cmds[0].cmd.u.say.voice, "en-us");
	assert_string_equal(f->cmds[1].id, ids[2]);
	assert_int_equal(f->cmds[1].cmd.type, COMMAND_SET);
	assert_int_equal(f->cmds[1].cmd.u.set.vad_sensitivity, 70);
	assert_int_equal(f->cmds[1].cmd.u.set.stt, 1);
	assert_string_equal(f->cmds[2].id, ids[6]);
	assert_int_equal(f->cmds[2].cmd.type, COMMAND_END);
	assert_int_equal(stats(f).commands, 3);
	assert_int_equal(stats(f).commands_bad, 2);
	assert_int_equal(stats(f).commands_refused, 1);
	assert_int_equal(stats(f).commands_other_node, 1);
	assert_int_equal(stats(f).commands_acked, 7);
	assert_no_pending(c);

	/* the error events: in the stream, naming the entry, the session if known, the reason */
	wait_sent(f, 3);
	r = cmd(c, "XRANGE rtcedge:events - +");
	assert_int_equal(r->elements, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(entry_field(r->element[i], "type"), "command.error");
	assert_string_equal(entry_field(r->element[0], "command_id"), ids[1]);
	assert_string_equal(entry_field(r->element[0], "session"), "s1");
	assert_string_equal(
	        entry_field(r->element[0], "error"), "type: 'dance' is not say, play, set, end or stop");
	assert_string_equal(entry_field(r->element[1], "command_id"), ids[3]);
	assert_null(entry_field(r->element[1], "session"));
	assert_string_equal(entry_field(r->element[1], "error"), "end: missing field 'session'");
	assert_string_equal(entry_field(r->element[2], "command_id"), ids[5]);
	assert_string_equal(entry_field(r->element[2], "session"), "nosuch");
	assert_string_equal(entry_field(r->element[2], "error"), "no such session");
	freeReplyObject(r);

	/* one more: it alone is delivered, nothing before it again */
	xadd_cmd(c, ids[7], 64,
	        (const char *const[]){
	                "type", "play", "session", "s1", "file", "prompts/hi.opus", NULL});
	n = 8;
	drive(f, commands_settled, &n, "the 8th command");
	assert_int_equal(f->n_cmds, 4);
	assert_string_equal(f->cmds[3].id, ids[7]);
	assert_string_equal(f->cmds[3].cmd.u.play.file, "prompts/hi.opus");
	assert_int_equal(stats(f).commands_acked, 8);
	assert_no_pending(c);
	redisFree(c);
}

static void
test_commands_pending_recovered_after_restart(void **state)
{
	struct fixture *f = *state;
	char a[64], b[64];
	uint64_t n = 2;
	redisContext *c;
	redisReply *r;

	server_start(&f->srv);
	c = client(&f->srv);
	/* a previous life of node1 read A and died before its XACK */
	r = cmd(c, "XGROUP CREATE rtcedge:commands node1 $ MKSTREAM");
	freeReplyObject(r);
	xadd_cmd(c, a, sizeof(a), (const char *const[]){"type", "end", "session", "sA", NULL});
	r = cmd(c, "XREADGROUP GROUP node1 node1 COUNT 10 STREAMS rtcedge:commands >");
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	freeReplyObject(r);
	r = cmd(c, "XPENDING rtcedge:commands node1");
	assert_int_equal(r->element[0]->integer, 1);
	freeReplyObject(r);
	xadd_cmd(c, b, sizeof(b), (const char *const[]){"type", "end", "session", "sB", NULL});

	link_create(f);
	drive(f, commands_settled, &n, "A (pending) and B (new)");
	assert_int_equal(f->n_cmds, 2);
	assert_string_equal(f->cmds[0].id, a);
	assert_string_equal(f->cmds[0].cmd.session, "sA");
	assert_string_equal(f->cmds[1].id, b);
	assert_string_equal(f->cmds[1].cmd.session, "sB");
	assert_no_pending(c);
	redisFree(c);
}

static void
test_auth_select_and_wrong_password(void **state)
{
	struct fixture *f = *state;
	uint64_t fails;
	redisContext *c;
	redisReply *r;

	snprintf(f->srv.pass, sizeof(f->srv.pass), "s3cret-pw");
	server_start(&f->srv);
	set(&f->cfg, "redis.password", "s3cret-pw");
	set(&f->cfg, "redis.db", "2");
	link_create(f);
	drive(f, is_ready, NULL, "ready");
	publish_node(f, 1);
	wait_sent(f, 1);
	c = client(&f->srv);
	r = cmd(c, "SELECT 2");
	freeReplyObject(r);
	r = cmd(c, "XLEN rtcedge:events");
	assert_int_equal(r->integer, 1);
	freeReplyObject(r);
	r = cmd(c, "SELECT 0");
	freeReplyObject(r);
	r = cmd(c, "XLEN rtcedge:events");
	assert_int_equal(r->integer, 0);
	freeReplyObject(r);
	link_destroy(f);

	/* a wrong password: refused at each attempt, the event stays buffered */
	set(&f->cfg, "redis.password", "bad-pw-xyz");
	f->log[0] = '\0';
	link_create(f);
	fails = 3;
	publish_node(f, 2);
	drive(f, failures_at_least, &fails, "three refused attempts");
	assert_int_equal(stats(f).ready, 0);
	assert_int_equal(stats(f).buffered, 1);
	assert_int_equal(stats(f).sent, 0);
	assert_non_null(strstr(f->log, "handshake refused"));
	assert_null(strstr(f->log, "bad-pw-xyz")); /* the password is never logged */
	redisFree(c);
}

static int
have_redis_server(void)
{
	const char *path = getenv("PATH");
	char buf[4096], *save = NULL, *dir;

	if (path == NULL || strlen(path) >= sizeof(buf))
		return 0;
	strcpy(buf, path);
	for (dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char p[4200];
		snprintf(p, sizeof(p), "%s/redis-server", dir);
		if (access(p, X_OK) == 0)
			return 1;
	}
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_events_stream_and_pubsub),
	        T(test_events_stream_capped),
	        T(test_events_buffered_while_redis_away),
	        T(test_events_redis_frozen_then_back),
	        T(test_events_overflow_drops_oldest_exactly),
	        T(test_commands_delivered_once_and_acked),
	        T(test_commands_pending_recovered_after_restart),
	        T(test_auth_select_and_wrong_password),
	};

	if (!have_redis_server()) {
		fprintf(stderr, "redis-server not found: skipped\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("redis_link", tests, NULL, NULL);
}
