/* The Redis link: hiredis async on the caller's loop (see redis_link.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "event_queue.h"
#include "redis_link.h"

#define RL_MAX_INFLIGHT 64   /* events sent and awaiting their XADD reply */
#define RL_BACKOFF_MIN_MS 10 /* first wait before a reconnection, doubled each time */
#define RL_CMD_COUNT 16      /* XREADGROUP COUNT */
#define RL_CMD_FIELDS_MAX 32 /* field pairs a command entry may have before it is refused */
#define RL_KEY_MAX 128
#define RL_POLL_MAX_MS 1000

enum rl_state { RL_IDLE, RL_CONNECTING, RL_HANDSHAKE, RL_READY };

/*
 * One serialised event: its fields as [u32 name len][name][u32 value len][value]
 * pairs, then its JSON. What the buffer holds: about the size of the text.
 */
struct rl_item {
	uint32_t n_fields;
	uint32_t json_len;
	enum event_type type;
	size_t len;
	char data[];
};

struct redis_link {
	/* from the configuration */
	char host[INET6_ADDRSTRLEN];
	int port;
	char password[sizeof(((struct rtc_config *)0)->redis_password)];
	uint32_t db;
	char events_key[RL_KEY_MAX];
	char commands_key[RL_KEY_MAX];
	char channel_prefix[RL_KEY_MAX];
	char maxlen[16];
	uint32_t reconnect_max_ms, timeout_ms, cmd_poll_ms;
	char node[EVENT_ID_MAX];
	struct redis_link_params p;

	/* the connection */
	redisAsyncContext *ac; /* NULL when none is ours (a dropped one may still be freeing) */
	enum rl_state state;
	uintptr_t gen; /* bumped at every loss: replies of an older connection are stale */
	int conn_fd;   /* the fd hiredis uses, -1 when none */
	unsigned want; /* POLLIN/POLLOUT hiredis asked for */
	int watch_fd;  /* what on_watch was last told */
	unsigned watch_events;
	uint64_t now;
	uint64_t next_connect, deadline, backoff;
	unsigned handshake_left;
	int handshake_failed;
	int ever_ready, failing;
	uint64_t outstanding; /* replies awaited */
	uint64_t last_progress;

	/* commands in */
	int cmd_enabled, cmd_outstanding, cmd_pending_phase;
	char cmd_cursor[EVENT_ID_MAX];
	uint64_t next_cmd_read;

	/* events out */
	struct event_queue q;
	struct event_fields *fields; /* scratch for encoding */
	struct redis_link_stats st;
};

static void rl_log(struct redis_link *l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
rl_log(struct redis_link *l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->p.on_log != NULL)
		l->p.on_log(l->p.arg, msg);
	else
		fprintf(stderr, "rtcedge: redis: %s\n", msg);
}

static uint64_t
rl_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the fd the caller watches: hiredis' adapter hooks ---- */

static void
rl_watch_sync(struct redis_link *l)
{
	if (l->watch_fd >= 0 && l->watch_fd != l->conn_fd) {
		if (l->p.on_watch != NULL)
			l->p.on_watch(l->p.arg, l->watch_fd, 0);
		l->watch_fd = -1;
		l->watch_events = 0;
	}
	if (l->conn_fd >= 0 && (l->watch_fd != l->conn_fd || l->watch_events != l->want)) {
		l->watch_fd = l->conn_fd;
		l->watch_events = l->want;
		if (l->p.on_watch != NULL)
			l->p.on_watch(l->p.arg, l->watch_fd, l->watch_events);
	}
}

static void
rl_add_read(void *data)
{
	struct redis_link *l = data;

	l->want |= POLLIN;
	rl_watch_sync(l);
}

static void
rl_del_read(void *data)
{
	struct redis_link *l = data;

	l->want &= ~(unsigned)POLLIN;
	rl_watch_sync(l);
}

static void
rl_add_write(void *data)
{
	struct redis_link *l = data;

	l->want |= POLLOUT;
	rl_watch_sync(l);
}

static void
rl_del_write(void *data)
{
	struct redis_link *l = data;

	l->want &= ~(unsigned)POLLOUT;
	rl_watch_sync(l);
}

/* hiredis is done with the fd (it may call this twice); it closes the fd next. */
static void
rl_cleanup(void *data)
{
	struct redis_link *l = data;

	l->conn_fd = -1;
	l->want = 0;
	rl_watch_sync(l);
}

/* ---- connection life ---- */

/* The connection is gone (or never came): everything in flight will be sent again. */
static void
rl_lost(struct redis_link *l, int was_attempt)
{
	if (was_attempt)
		l->st.connect_failures++;
	l->st.errors++;
	l->state = RL_IDLE;
	l->gen++;
	l->outstanding = 0;
	l->cmd_outstanding = 0;
	event_queue_unsend_all(&l->q);
	l->next_connect = l->now + l->backoff;
	l->backoff = l->backoff * 2 > l->reconnect_max_ms ? l->reconnect_max_ms : l->backoff * 2;
	l->failing = 1;
}

/* Drop our connection (a timeout, a refused AUTH...). Safe inside a reply callback:
 * hiredis then frees the context when the callback returns. */
static void
rl_drop(struct redis_link *l, const char *why)
{
	redisAsyncContext *ac = l->ac;
	int attempt = l->state != RL_READY;

	if (ac == NULL)
		return;
	rl_log(l, "%s:%d: %s; reconnecting in %" PRIu64 " ms", l->host, l->port, why, l->backoff);
	l->ac = NULL;
	redisAsyncFree(ac);
	rl_lost(l, attempt);
}

static void
rl_on_disconnect(const redisAsyncContext *ac, int status)
{
	struct redis_link *l = ac->data;

	(void)status;
	if (l->ac != ac)
		return; /* one we dropped ourselves */
	rl_log(l, "%s:%d: connection lost (%s); reconnecting in %" PRIu64 " ms", l->host, l->port,
	        ac->errstr != NULL ? ac->errstr : "closed", l->backoff);
	l->ac = NULL;
	rl_lost(l, l->state != RL_READY);
}

/* A reply of the current connection, or NULL (stale, or the connection is going away). */
static struct redis_link *
rl_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct redis_link *l = ac->data;

	if (r == NULL || l->ac != ac || (uintptr_t)priv != l->gen)
		return NULL;
	if (l->outstanding > 0)
		l->outstanding--;
	l->last_progress = l->now;
	return l;
}

static int
rl_send(struct redis_link *l, redisCallbackFn *fn, int argc, const char **argv, const size_t *len)
{
	if (l->ac == NULL ||
	        redisAsyncCommandArgv(l->ac, fn, (void *)l->gen, argc, argv, len) != REDIS_OK)
		return -1;
	if (l->outstanding++ == 0)
		l->last_progress = l->now;
	return 0;
}

static void rl_flush(struct redis_link *l);

static void
rl_ready(struct redis_link *l)
{
	l->state = RL_READY;
	l->st.connects++;
	if (l->ever_ready)
		l->st.reconnects++;
	l->ever_ready = 1;
	l->failing = 0;
	l->backoff = RL_BACKOFF_MIN_MS;
	l->cmd_pending_phase = 1; /* first our own pending entries (ID 0), then new ones (>) */
	strcpy(l->cmd_cursor, "0");
	l->next_cmd_read = l->now;
	rl_log(l, "%s:%d: connected, %zu event(s) to send", l->host, l->port, l->q.count);
	rl_flush(l);
}

static void
rl_handshake_step(struct redis_link *l)
{
	if (--l->handshake_left == 0 && !l->handshake_failed && l->state == RL_HANDSHAKE)
		rl_ready(l);
}

static void
rl_on_auth_or_select(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;
	char why[200];

	if (l == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(why, sizeof(why), "handshake refused: %.150s", r->str);
		l->handshake_failed = 1;
		rl_drop(l, why);
		return;
	}
	rl_handshake_step(l);
}

static void
rl_on_group(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;

	if (l == NULL)
		return;
	/* BUSYGROUP: it exists already, which is the usual case */
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) != 0) {
		l->st.errors++;
		l->cmd_enabled = 0;
		rl_log(l, "XGROUP CREATE %s %s: %.150s; commands are off until reconnection",
		        l->commands_key, l->node, r->str);
	} else {
		l->cmd_enabled = 1;
	}
	if (l->state == RL_HANDSHAKE)
		rl_handshake_step(l);
}

static void
rl_group_create(struct redis_link *l)
{
	const char *argv[] = {"XGROUP", "CREATE", l->commands_key, l->node, "$", "MKSTREAM"};
	size_t len[6];

	for (int i = 0; i < 6; i++)
		len[i] = strlen(argv[i]);
	if (rl_send(l, rl_on_group, 6, argv, len) == 0 && l->state == RL_HANDSHAKE)
		l->handshake_left++;
}

static void
rl_on_connect(const redisAsyncContext *cac, int status)
{
	struct redis_link *l = cac->data;
	redisAsyncContext *ac = (redisAsyncContext *)cac; /* hiredis hands a const context */

	if (l->ac != ac)
		return;
	if (status != REDIS_OK) {
		/* hiredis frees the context after this returns */
		if (!l->failing)
			rl_log(l,
			        "%s:%d: connect failed: %s; retrying, every %" PRIu32 " ms at most",
			        l->host, l->port, ac->errstr != NULL ? ac->errstr : "?",
			        l->reconnect_max_ms);
		l->ac = NULL;
		rl_lost(l, 1);
		return;
	}
	redisEnableKeepAlive(&ac->c);
	l->state = RL_HANDSHAKE;
	l->deadline = l->now + l->timeout_ms;
	l->handshake_left = 1; /* held until every step is sent */
	l->handshake_failed = 0;
	if (l->password[0] != '\0') {
		const char *argv[] = {"AUTH", l->password};
		size_t len[] = {4, strlen(l->password)};
		if (rl_send(l, rl_on_auth_or_select, 2, argv, len) == 0)
			l->handshake_left++;
	}
	if (l->db != 0) {
		char db[16];
		const char *argv[] = {"SELECT", db};
		size_t len[2] = {6, (size_t)snprintf(db, sizeof(db), "%" PRIu32, l->db)};
		if (rl_send(l, rl_on_auth_or_select, 2, argv, len) == 0)
			l->handshake_left++;
	}
	rl_group_create(l);
	rl_handshake_step(l);
}

static void
rl_connect(struct redis_link *l)
{
	redisAsyncContext *ac = redisAsyncConnect(l->host, l->port);

	if (ac == NULL || ac->err) {
		if (!l->failing)
			rl_log(l,
			        "%s:%d: connect failed: %s; retrying, every %" PRIu32 " ms at most",
			        l->host, l->port,
			        ac != NULL && ac->errstr != NULL ? ac->errstr : "out of memory",
			        l->reconnect_max_ms);
		if (ac != NULL)
			redisAsyncFree(ac);
		rl_lost(l, 1);
		return;
	}
	l->ac = ac;
	l->state = RL_CONNECTING;
	l->deadline = l->now + l->timeout_ms;
	l->conn_fd = ac->c.fd;
	l->want = 0;
	ac->data = l;
	/* the hooks before the connect callback: setting it asks for the first write event */
	ac->ev.data = l;
	ac->ev.addRead = rl_add_read;
	ac->ev.delRead = rl_del_read;
	ac->ev.addWrite = rl_add_write;
	ac->ev.delWrite = rl_del_write;
	ac->ev.cleanup = rl_cleanup;
	redisAsyncSetConnectCallback(ac, rl_on_connect);
	redisAsyncSetDisconnectCallback(ac, rl_on_disconnect);
	rl_watch_sync(l);
}

/* ---- events out ---- */

static struct rl_item *
rl_item_encode(struct redis_link *l, const struct event *ev)
{
	struct event_fields *f = l->fields;
	struct rl_item *it;
	size_t jlen, size = 0;
	char *json, *p;

	if (event_fields_build(ev, f) != 0)
		return NULL;
	json = event_json_dumps(ev, &jlen);
	if (json == NULL)
		return NULL;
	for (unsigned i = 0; i < f->n; i++)
		size += 8 + strlen(f->name[i]) + f->value_len[i];
	size += jlen;
	it = malloc(sizeof(*it) + size);
	if (it == NULL) {
		free(json);
		return NULL;
	}
	it->n_fields = f->n;
	it->json_len = (uint32_t)jlen;
	it->type = ev->type;
	it->len = size;
	p = it->data;
	for (unsigned i = 0; i < f->n; i++) {
		uint32_t n = (uint32_t)strlen(f->name[i]), v = (uint32_t)f->value_len[i];
		memcpy(p, &n, 4);
		memcpy(p + 4, f->name[i], n);
		p += 4 + n;
		memcpy(p, &v, 4);
		memcpy(p + 4, f->value[i], v);
		p += 4 + v;
	}
	memcpy(p, json, jlen);
	free(json);
	return it;
}

static void
rl_on_xadd(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;
	struct rl_item *it;

	if (l == NULL)
		return;
	it = event_queue_ack(&l->q);
	if (r->type == REDIS_REPLY_ERROR) {
		l->st.rejected++;
		l->st.errors++;
		if ((l->st.rejected & (l->st.rejected - 1)) == 0) /* 1st, 2nd, 4th, 8th... */
			rl_log(l, "XADD %s refused (%" PRIu64 " so far): %.150s", l->events_key,
			        l->st.rejected, r->str);
	} else {
		l->st.sent++;
	}
	free(it);
}

static void
rl_on_publish(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;

	if (l == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR)
		l->st.errors++;
	else
		l->st.published++;
}

static int
rl_item_send(struct redis_link *l, const struct rl_item *it)
{
	const char *argv[6 + 2 * EVENT_FIELDS_MAX];
	size_t len[6 + 2 * EVENT_FIELDS_MAX];
	char channel[RL_KEY_MAX + EVENT_NAME_MAX];
	const char *p = it->data;
	int argc = 6;

	argv[0] = "XADD", argv[1] = l->events_key, argv[2] = "MAXLEN", argv[3] = "~";
	argv[4] = l->maxlen, argv[5] = "*";
	for (int i = 0; i < 6; i++)
		len[i] = strlen(argv[i]);
	for (uint32_t i = 0; i < it->n_fields && i < EVENT_FIELDS_MAX; i++) {
		for (int k = 0; k < 2; k++) {
			uint32_t n;
			memcpy(&n, p, 4);
			argv[argc] = p + 4;
			len[argc++] = n;
			p += 4 + n;
		}
	}
	if (rl_send(l, rl_on_xadd, argc, argv, len) != 0)
		return -1;
	snprintf(channel, sizeof(channel), "%s%s", l->channel_prefix, event_type_name(it->type));
	argv[0] = "PUBLISH", len[0] = 7;
	argv[1] = channel, len[1] = strlen(channel);
	argv[2] = p, len[2] = it->json_len;
	return rl_send(l, rl_on_publish, 3, argv, len);
}

static void
rl_flush(struct redis_link *l)
{
	struct rl_item *it;

	while (l->state == RL_READY && l->ac != NULL &&
	        (it = event_queue_next_unsent(&l->q, RL_MAX_INFLIGHT)) != NULL) {
		if (rl_item_send(l, it) != 0)
			break; /* the context is going away; the loss puts the item back */
	}
}

int
redis_link_publish(struct redis_link *l, const struct event *ev)
{
	struct rl_item *it = rl_item_encode(l, ev), *old;

	if (it == NULL) {
		l->st.encode_errors++;
		return -EINVAL;
	}
	old = event_queue_push(&l->q, it);
	if (old != NULL) {
		l->st.dropped++;
		if ((l->st.dropped & (l->st.dropped - 1)) == 0)
			rl_log(l,
			        "buffer full (%zu events): dropped the oldest (%" PRIu64 " so far)",
			        l->q.cap, l->st.dropped);
		free(old);
	}
	rl_flush(l);
	return 0;
}

static int
rl_sink_publish(void *ctx, const struct event *ev)
{
	return redis_link_publish(ctx, ev);
}

const struct event_sink_ops redis_link_sink_ops = {
        .api_version = EVENT_SINK_API,
        .name = "redis",
        .publish = rl_sink_publish,
};

/* ---- commands in ---- */

static void
rl_on_xack(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;

	if (l == NULL)
		return;
	if (r->type == REDIS_REPLY_INTEGER)
		l->st.commands_acked += (uint64_t)r->integer;
	else
		l->st.errors++;
}

static void
rl_ack(struct redis_link *l, const char *id, size_t id_len)
{
	const char *argv[] = {"XACK", l->commands_key, l->node, id};
	size_t len[] = {4, strlen(l->commands_key), strlen(l->node), id_len};

	rl_send(l, rl_on_xack, 4, argv, len);
}

/* An error event for a command: to every sink through the bus. */
static void
rl_error_event(struct redis_link *l, const char *id, const char *session, const char *error)
{
	struct event ev;

	if (event_init_command_error(&ev, id, session, error) != 0 &&
	        event_init_command_error(&ev, id, "", "command refused") != 0)
		return;
	event_bus_publish(l->p.bus, &ev, rl_wall_ms());
}

static void
rl_cmd_entry(struct redis_link *l, const redisReply *e)
{
	struct command_field f[RL_CMD_FIELDS_MAX];
	char err[COMMAND_ERR_MAX] = "", session[COMMAND_ID_MAX] = "";
	const redisReply *id, *kv;
	struct command cmd;
	int rc;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	        e->element[0]->type != REDIS_REPLY_STRING || e->element[0]->len >= EVENT_ID_MAX) {
		l->st.errors++; /* not an entry: nothing to acknowledge */
		return;
	}
	id = e->element[0];
	kv = e->element[1];
	if (kv->type != REDIS_REPLY_ARRAY) {
		/* a pending entry deleted since (XDEL, trimming): nothing to run */
		rl_log(l, "command %s: entry deleted before it was handled", id->str);
		rl_ack(l, id->str, id->len);
		return;
	}
	if (kv->elements % 2 != 0 || kv->elements / 2 > RL_CMD_FIELDS_MAX) {
		snprintf(err, sizeof(err), "more than %d fields", RL_CMD_FIELDS_MAX);
		rc = COMMAND_E_SYNTAX;
	} else {
		size_t n = kv->elements / 2;
		rc = 0;
		for (size_t i = 0; i < n; i++) {
			const redisReply *k = kv->element[2 * i], *v = kv->element[2 * i + 1];
			if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
				snprintf(err, sizeof(err), "field %zu is not a string", i);
				rc = COMMAND_E_SYNTAX;
				break;
			}
			f[i] = (struct command_field){.name = k->str,
			        .name_len = k->len,
			        .value = v->str,
			        .value_len = v->len};
		}
		if (rc == 0)
			rc = command_parse_fields(f, n, &cmd, err, sizeof(err), session);
	}
	if (rc != 0) {
		l->st.commands_bad++;
		rl_log(l, "command %s refused: %s", id->str, err);
		rl_error_event(l, id->str, session, err);
	} else if (cmd.node[0] != '\0' && strcmp(cmd.node, l->node) != 0) {
		l->st.commands_other_node++;
	} else if (l->p.on_command(l->p.arg, &cmd, id->str, err, sizeof(err)) == 0) {
		l->st.commands++;
	} else {
		l->st.commands_refused++;
		err[sizeof(err) - 1] = '\0';
		rl_error_event(l, id->str, cmd.session, err[0] ? err : "command refused");
	}
	rl_ack(l, id->str, id->len);
}

static void
rl_on_xreadgroup(redisAsyncContext *ac, void *reply, void *priv)
{
	struct redis_link *l = rl_reply(ac, reply, priv);
	redisReply *r = reply;
	const redisReply *entries;

	if (l == NULL)
		return;
	l->cmd_outstanding = 0;
	l->next_cmd_read = l->now + l->cmd_poll_ms;
	if (r->type == REDIS_REPLY_ERROR) {
		l->st.errors++;
		rl_log(l, "XREADGROUP %s: %.150s", l->commands_key, r->str);
		if (strncmp(r->str, "NOGROUP", 7) == 0)
			rl_group_create(l); /* the stream or the group went away: make them again */
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
	        r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 2 ||
	        r->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
		if (r->type != REDIS_REPLY_NIL)
			l->st.errors++;
		else if (l->cmd_pending_phase)
			l->cmd_pending_phase = 0;
		return;
	}
	entries = r->element[0]->element[1];
	for (size_t i = 0; i < entries->elements && l->ac == ac; i++)
		rl_cmd_entry(l, entries->element[i]);
	if (l->cmd_pending_phase) {
		if (entries->elements == 0) {
			l->cmd_pending_phase = 0; /* our history is clean: now the new entries */
		} else {
			const redisReply *last = entries->element[entries->elements - 1];
			if (last->type == REDIS_REPLY_ARRAY && last->elements == 2 &&
			        last->element[0]->type == REDIS_REPLY_STRING &&
			        last->element[0]->len < sizeof(l->cmd_cursor))
				memcpy(l->cmd_cursor, last->element[0]->str,
				        last->element[0]->len + 1);
		}
		l->next_cmd_read = l->now;
	} else if (entries->elements == RL_CMD_COUNT) {
		l->next_cmd_read = l->now; /* more may be waiting */
	}
}

static void
rl_cmd_read(struct redis_link *l)
{
	const char *id = l->cmd_pending_phase ? l->cmd_cursor : ">";
	const char *argv[] = {"XREADGROUP", "GROUP", l->node, l->node, "COUNT", "16", "STREAMS",
	        l->commands_key, id};
	size_t len[9];

	for (int i = 0; i < 9; i++)
		len[i] = strlen(argv[i]);
	if (rl_send(l, rl_on_xreadgroup, 9, argv, len) == 0)
		l->cmd_outstanding = 1;
}

/* ---- the caller's loop ---- */

int
redis_link_fd(const struct redis_link *l, unsigned *events)
{
	*events = l->conn_fd >= 0 ? l->want : 0;
	return l->conn_fd;
}

void
redis_link_handle(struct redis_link *l, unsigned revents, uint64_t now_ms)
{
	redisAsyncContext *ac = l->ac;

	l->now = now_ms;
	if (ac == NULL)
		return;
	if (revents & (POLLIN | POLLERR | POLLHUP))
		redisAsyncHandleRead(ac);
	/* HandleRead may have freed the context: then l->ac changed */
	if (l->ac == ac && (revents & (POLLOUT | POLLERR | POLLHUP)) && (l->want & POLLOUT))
		redisAsyncHandleWrite(ac);
	rl_flush(l);
}

static uint64_t
rl_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int
redis_link_poll(struct redis_link *l, uint64_t now_ms)
{
	uint64_t next = now_ms + RL_POLL_MAX_MS;

	l->now = now_ms;
	switch (l->state) {
	case RL_IDLE:
		if (now_ms >= l->next_connect)
			rl_connect(l);
		break;
	case RL_CONNECTING:
	case RL_HANDSHAKE:
		if (now_ms >= l->deadline) {
			l->st.timeouts++;
			rl_drop(l, "no answer within redis.timeout_ms");
		}
		break;
	case RL_READY:
		if (l->outstanding > 0 && now_ms - l->last_progress >= l->timeout_ms) {
			l->st.timeouts++;
			rl_drop(l, "no reply within redis.timeout_ms");
			break;
		}
		if (l->cmd_enabled && !l->cmd_outstanding && now_ms >= l->next_cmd_read)
			rl_cmd_read(l);
		rl_flush(l);
		break;
	}
	switch (l->state) {
	case RL_IDLE:
		next = rl_min(next, l->next_connect);
		break;
	case RL_CONNECTING:
	case RL_HANDSHAKE:
		next = rl_min(next, l->deadline);
		break;
	case RL_READY:
		if (l->outstanding > 0)
			next = rl_min(next, l->last_progress + l->timeout_ms);
		if (l->cmd_enabled && !l->cmd_outstanding)
			next = rl_min(next, l->next_cmd_read);
		break;
	}
	return next <= now_ms ? 0 : (int)(next - now_ms);
}

void
redis_link_stats_get(const struct redis_link *l, struct redis_link_stats *out)
{
	*out = l->st;
	out->buffered = l->q.count;
	out->inflight = l->q.inflight;
	out->ready = l->state == RL_READY;
}

/* ---- life ---- */

static int
rl_id_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n >= EVENT_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

struct redis_link *
redis_link_create(
        const struct rtc_config *cfg, const struct redis_link_params *p, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	struct redis_link *l;
	const void *addr;
	int rc;

	if (p == NULL || !rl_id_ok(p->node) || p->on_command == NULL || p->bus == NULL) {
		snprintf(err, errlen,
		        "redis: a node id (1..63 printable ASCII), a bus and a "
		        "command callback are required");
		return NULL;
	}
	rc = getaddrinfo(cfg->redis_host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "redis.host: '%s': %s", cfg->redis_host, gai_strerror(rc));
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL || event_queue_init(&l->q, cfg->redis_buffer_events) != 0 ||
	        (l->fields = malloc(sizeof(*l->fields))) == NULL) {
		snprintf(err, errlen, "redis: out of memory for %u buffered events",
		        cfg->redis_buffer_events);
		freeaddrinfo(res);
		if (l != NULL) {
			event_queue_fini(&l->q);
			free(l);
		}
		return NULL;
	}
	if (res->ai_family == AF_INET)
		addr = &((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	else
		addr = &((const struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	inet_ntop(res->ai_family, addr, l->host, sizeof(l->host));
	freeaddrinfo(res);

	l->port = (int)cfg->redis_port;
	snprintf(l->password, sizeof(l->password), "%s", cfg->redis_password);
	l->db = cfg->redis_db;
	snprintf(l->events_key, sizeof(l->events_key), "%s:events", cfg->redis_prefix);
	snprintf(l->commands_key, sizeof(l->commands_key), "%s:commands", cfg->redis_prefix);
	snprintf(l->channel_prefix, sizeof(l->channel_prefix), "%s:events:", cfg->redis_prefix);
	snprintf(l->maxlen, sizeof(l->maxlen), "%" PRIu32, cfg->redis_stream_maxlen);
	l->reconnect_max_ms = cfg->redis_reconnect_max_ms;
	l->timeout_ms = cfg->redis_timeout_ms;
	l->cmd_poll_ms = cfg->redis_command_poll_ms;
	snprintf(l->node, sizeof(l->node), "%s", p->node);
	l->p = *p;
	l->p.node = l->node;
	l->conn_fd = -1;
	l->watch_fd = -1;
	l->backoff = RL_BACKOFF_MIN_MS;
	l->state = RL_IDLE;
	return l;
}

void
redis_link_destroy(struct redis_link *l)
{
	struct rl_item *it;

	if (l == NULL)
		return;
	if (l->ac != NULL) {
		redisAsyncContext *ac = l->ac;
		l->ac = NULL;
		redisAsyncFree(ac);
	}
	while ((it = event_queue_pop_any(&l->q)) != NULL) {
		l->st.dropped++;
		free(it);
	}
	if (l->st.dropped > 0)
		rl_log(l, "closed; %" PRIu64 " event(s) dropped in all", l->st.dropped);
	event_queue_fini(&l->q);
	free(l->fields);
	memset(l->password, 0, sizeof(l->password));
	free(l);
}
