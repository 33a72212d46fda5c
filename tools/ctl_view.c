/* rtcedgectl's text views of the REST port's JSON (see ctl_view.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_view.h"

static int __attribute__((format(printf, 3, 4)))
shape(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return CTL_VIEW_E_SHAPE;
}

/* json_unpack_ex with the shape error named after @what */
#define UNPACK(what, j, fmt, ...)                                                                  \
	do {                                                                                       \
		json_error_t je_;                                                                  \
		if (json_unpack_ex((json_t *)(j), &je_, 0, fmt, __VA_ARGS__) != 0)                 \
			return shape(err, errlen, "%s: %s", what, je_.text);                       \
	} while (0)

void
ctl_view_duration(char *buf, size_t len, double s)
{
	unsigned long long t;

	if (!(s >= 0) || isinf(s)) {
		snprintf(buf, len, "-");
		return;
	}
	if (s < 60) {
		snprintf(buf, len, "%.1fs", s);
		return;
	}
	t = (unsigned long long)s;
	if (t < 3600)
		snprintf(buf, len, "%llum%02llus", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, len, "%lluh%02llum", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, len, "%llud%02lluh", t / 86400, t % 86400 / 3600);
}

static const char *
yesno(int b)
{
	return b ? "yes" : "no";
}

/* by_state counts in the server's state order: "new 1, checking 0, connected 2" */
static int
by_state_line(FILE *f, const json_t *by_state, const char *sep, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	int first = 1;

	if (!json_is_object(by_state))
		return shape(err, errlen, "sessions.by_state: not an object");
	json_object_foreach((json_t *)by_state, k, v)
	{
		if (!json_is_integer(v))
			return shape(err, errlen, "sessions.by_state.%s: not an integer", k);
		fprintf(f, "%s%s %" JSON_INTEGER_FORMAT, first ? "" : sep, k,
		        json_integer_value(v));
		first = 0;
	}
	return 0;
}

struct summary {
	int live, max, streams, draining;
	json_int_t opened_whip, opened_whep;
	json_t *by_state, *closed, *refused;
};

static int
summary_unpack(const json_t *sessions, struct summary *s, char *err, size_t errlen)
{
	UNPACK("stats.sessions", sessions, "{s:i, s:i, s:i, s:o, s:I, s:I, s:o, s:o, s:b}", "live",
	        &s->live, "max", &s->max, "streams", &s->streams, "by_state", &s->by_state,
	        "opened_whip", &s->opened_whip, "opened_whep", &s->opened_whep, "closed",
	        &s->closed, "refused", &s->refused, "draining", &s->draining);
	if (!json_is_object(s->by_state))
		return shape(err, errlen, "stats.sessions.by_state: not an object");
	{
		const char *k;
		json_t *v;
		json_object_foreach(s->by_state, k, v)
		{
			if (!json_is_integer(v))
				return shape(err, errlen,
				        "stats.sessions.by_state.%s: not an integer", k);
		}
	}
	return 0;
}

struct worker {
	int idx, lcore, sessions;
	double rx_pps, tx_pps;
	json_t *drops, *rings;
};

static int
worker_unpack(const json_t *w, struct worker *o, char *err, size_t errlen)
{
	UNPACK("stats.workers[]", w, "{s:i, s:i, s:F, s:F, s:i, s:o, s:o}", "worker", &o->idx,
	        "lcore", &o->lcore, "rx_pps", &o->rx_pps, "tx_pps", &o->tx_pps, "sessions",
	        &o->sessions, "drops", &o->drops, "rings", &o->rings);
	if (!json_is_object(o->drops) || !json_is_object(o->rings))
		return shape(
		        err, errlen, "stats.workers[%d]: drops and rings must be objects", o->idx);
	return 0;
}

int
ctl_view_status(FILE *f, const char *server, const json_t *health, const json_t *ready,
        const json_t *stats, char *err, size_t errlen)
{
	const char *hs, *reason = NULL;
	int is_ready, rc;
	double up;
	json_t *workers, *sessions, *w;
	struct summary s;
	size_t i;
	char dur[32];

	UNPACK("health", health, "{s:s}", "status", &hs);
	UNPACK("ready", ready, "{s:b, s?s}", "ready", &is_ready, "reason", &reason);
	UNPACK("stats", stats, "{s:F, s:o, s:o}", "uptime_s", &up, "workers", &workers, "sessions",
	        &sessions);
	if (!json_is_array(workers))
		return shape(err, errlen, "stats.workers: not an array");
	rc = summary_unpack(sessions, &s, err, errlen);
	if (rc != 0)
		return rc;
	json_array_foreach(workers, i, w)
	{
		struct worker wk;
		rc = worker_unpack(w, &wk, err, errlen);
		if (rc != 0)
			return rc;
	}
	ctl_view_duration(dur, sizeof(dur), up);
	fprintf(f, "server     %s\n", server);
	fprintf(f, "health     %s\n", hs);
	fprintf(f, "ready      %s%s%s%s\n", yesno(is_ready), reason ? " (" : "",
	        reason ? reason : "", reason ? ")" : "");
	if (up < 60)
		fprintf(f, "uptime     %s\n", dur);
	else
		fprintf(f, "uptime     %s (%.0f s)\n", dur, up);
	fprintf(f, "sessions   %d live / %d max (", s.live, s.max);
	rc = by_state_line(f, s.by_state, ", ", err, errlen);
	if (rc != 0)
		return rc;
	fprintf(f, ")\n");
	fprintf(f, "streams    %d\n", s.streams);
	fprintf(f, "draining   %s\n", yesno(s.draining));
	fprintf(f, "workers    %zu\n", json_array_size(workers));
	json_array_foreach(workers, i, w)
	{
		struct worker wk;
		worker_unpack(w, &wk, err, errlen);
		fprintf(f, "  worker %d  lcore %d  rx %.1f pps  tx %.1f pps  sessions %d\n", wk.idx,
		        wk.lcore, wk.rx_pps, wk.tx_pps, wk.sessions);
	}
	return 0;
}

struct sess_row {
	const char *id, *role, *stream, *state, *client;
	int worker;
	double age, state_age;
	json_int_t created;
};

static int
sess_row_unpack(const json_t *s, struct sess_row *r, char *err, size_t errlen)
{
	UNPACK("session", s, "{s:s, s:s, s:s, s:s, s:i, s:F, s:F, s:I, s:s}", "id", &r->id, "role",
	        &r->role, "stream", &r->stream, "state", &r->state, "worker", &r->worker, "age_s",
	        &r->age, "state_age_s", &r->state_age, "created_unix", &r->created, "client",
	        &r->client);
	return 0;
}

int
ctl_view_sessions(FILE *f, const json_t *list, char *err, size_t errlen)
{
	json_t *arr, *s;
	int count, stream_w = 6;
	size_t i;

	UNPACK("sessions", list, "{s:i, s:o}", "count", &count, "sessions", &arr);
	if (!json_is_array(arr))
		return shape(err, errlen, "sessions.sessions: not an array");
	json_array_foreach(arr, i, s)
	{
		struct sess_row r;
		int rc = sess_row_unpack(s, &r, err, errlen);
		if (rc != 0)
			return rc;
		if ((int)strlen(r.stream) > stream_w)
			stream_w = (int)strlen(r.stream);
	}
	if (json_array_size(arr) == 0) {
		fprintf(f, "no sessions\n");
		return 0;
	}
	fprintf(f, "%-32s  %-4s  %-*s  %-9s  %6s  %7s  %s\n", "ID", "ROLE", stream_w, "STREAM",
	        "STATE", "WORKER", "AGE", "CLIENT");
	json_array_foreach(arr, i, s)
	{
		struct sess_row r;
		char age[32];
		sess_row_unpack(s, &r, err, errlen);
		ctl_view_duration(age, sizeof(age), r.age);
		fprintf(f, "%-32s  %-4s  %-*s  %-9s  %6d  %7s  %s\n", r.id, r.role, stream_w,
		        r.stream, r.state, r.worker, age, r.client);
	}
	return 0;
}

static int
drops_line(FILE *f, const json_t *drops, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	int first = 1;

	if (!json_is_object(drops))
		return shape(err, errlen, "ice.drops: not an object");
	json_object_foreach((json_t *)drops, k, v)
	{
		if (!json_is_integer(v))
			return shape(err, errlen, "ice.drops.%s: not an integer", k);
	}
	if (json_object_size(drops) == 0) {
		fprintf(f, "none");
		return 0;
	}
	json_object_foreach((json_t *)drops, k, v)
	{
		fprintf(f, "%s%s %" JSON_INTEGER_FORMAT, first ? "" : ", ", k,
		        json_integer_value(v));
		first = 0;
	}
	return 0;
}

static int
tracks_check(const json_t *tracks, char *err, size_t errlen)
{
	json_t *t;
	size_t i;

	if (!json_is_array(tracks))
		return shape(err, errlen, "tracks: not an array");
	json_array_foreach(tracks, i, t)
	{
		const char *kind, *mid, *codec, *dir;
		int pt, clock, ch;
		json_int_t rs, ls;
		UNPACK("tracks[]", t, "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I, s:I}", "kind",
		        &kind, "mid", &mid, "codec", &codec, "payload_type", &pt, "clock_rate",
		        &clock, "channels", &ch, "direction", &dir, "remote_ssrc", &rs,
		        "local_ssrc", &ls);
	}
	return 0;
}

static void
tracks_print(FILE *f, const json_t *tracks)
{
	json_t *t;
	size_t i;

	if (json_array_size(tracks) == 0) {
		fprintf(f, "tracks     none\n");
		return;
	}
	fprintf(f, "tracks\n  %-4s  %-5s  %-12s  %3s  %6s  %2s  %-9s  %11s  %11s\n", "MID", "KIND",
	        "CODEC", "PT", "CLOCK", "CH", "DIRECTION", "REMOTE SSRC", "LOCAL SSRC");
	json_array_foreach(tracks, i, t)
	{
		const char *kind, *mid, *codec, *dir;
		int pt, clock, ch;
		json_int_t rs, ls;
		json_unpack((json_t *)t, "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I, s:I}", "kind",
		        &kind, "mid", &mid, "codec", &codec, "payload_type", &pt, "clock_rate",
		        &clock, "channels", &ch, "direction", &dir, "remote_ssrc", &rs,
		        "local_ssrc", &ls);
		fprintf(f,
		        "  %-4s  %-5s  %-12s  %3d  %6d  %2d  %-9s  %11" JSON_INTEGER_FORMAT
		        "  %11" JSON_INTEGER_FORMAT "\n",
		        mid, kind, codec, pt, clock, ch, dir, rs, ls);
	}
}

int
ctl_view_session(FILE *f, const json_t *s, char *err, size_t errlen)
{
	struct sess_row r;
	json_t *ice, *dtls, *tracks, *counters = NULL, *pair, *drops = NULL;
	const char *ufrag, *setup, *fp_alg, *srtp = NULL, *pl = NULL, *pr = NULL;
	int slot, restarts, restarting, rcands, rc;
	json_int_t rxp = 0, rxb = 0, txp = 0, txb = 0, stun_ok = 0, stun_drop = 0;
	json_t *last_rx = NULL, *srtp_j;
	char age[32], sage[32], created[64] = "-";
	time_t ct;
	struct tm tm;

	rc = sess_row_unpack(s, &r, err, errlen);
	if (rc != 0)
		return rc;
	UNPACK("session", s, "{s:o, s:o, s:o, s?o}", "ice", &ice, "dtls", &dtls, "tracks", &tracks,
	        "counters", &counters);
	UNPACK("session.ice", ice, "{s:s, s:i, s:i, s:b, s:i, s:o, s?o}", "local_ufrag", &ufrag,
	        "slot", &slot, "restarts", &restarts, "restarting", &restarting,
	        "remote_candidates", &rcands, "selected_pair", &pair, "drops", &drops);
	if (!json_is_null(pair))
		UNPACK("session.ice.selected_pair", pair, "{s:s, s:s}", "local", &pl, "remote",
		        &pr);
	UNPACK("session.dtls", dtls, "{s:s, s:s, s:o}", "setup", &setup, "remote_fingerprint_alg",
	        &fp_alg, "srtp_profile", &srtp_j);
	if (json_is_string(srtp_j))
		srtp = json_string_value(srtp_j);
	else if (!json_is_null(srtp_j))
		return shape(err, errlen, "session.dtls.srtp_profile: not a string or null");
	rc = tracks_check(tracks, err, errlen);
	if (rc != 0)
		return rc;
	if (counters != NULL) {
		UNPACK("session.counters", counters, "{s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		        "rx_packets", &rxp, "rx_bytes", &rxb, "tx_packets", &txp, "tx_bytes", &txb,
		        "stun_answered", &stun_ok, "stun_dropped", &stun_drop, "last_rx_age_s",
		        &last_rx);
		if (!json_is_null(last_rx) && !json_is_number(last_rx))
			return shape(err, errlen, "session.counters.last_rx_age_s: not a number");
	}
	if (drops != NULL && !json_is_object(drops))
		return shape(err, errlen, "session.ice.drops: not an object");

	ctl_view_duration(age, sizeof(age), r.age);
	ctl_view_duration(sage, sizeof(sage), r.state_age);
	ct = (time_t)r.created;
	if (r.created > 0 && gmtime_r(&ct, &tm) != NULL)
		strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "session    %s\n", r.id);
	fprintf(f, "role       %s\n", r.role);
	fprintf(f, "stream     %s\n", r.stream);
	fprintf(f, "state      %s (for %s)\n", r.state, sage);
	fprintf(f, "worker     %d\n", r.worker);
	fprintf(f, "age        %s (created %s)\n", age, created);
	fprintf(f, "client     %s\n", r.client);
	fprintf(f, "ice        ufrag %s  slot %d  restarts %d%s  remote candidates %d\n", ufrag,
	        slot, restarts, restarting ? " (restart pending)" : "", rcands);
	if (pl != NULL)
		fprintf(f, "  pair     %s <-> %s\n", pl, pr);
	else
		fprintf(f, "  pair     none selected\n");
	if (drops != NULL) {
		fprintf(f, "  drops    ");
		rc = drops_line(f, drops, err, errlen);
		if (rc != 0)
			return rc;
		fprintf(f, "\n");
	}
	fprintf(f, "dtls       setup %s  remote fingerprint %s  srtp profile %s\n", setup, fp_alg,
	        srtp ? srtp : "-");
	tracks_print(f, tracks);
	if (counters != NULL) {
		char last[32] = "never";
		if (json_is_number(last_rx)) {
			ctl_view_duration(last, sizeof(last), json_number_value(last_rx));
			strncat(last, " ago", sizeof(last) - strlen(last) - 1);
		}
		fprintf(f,
		        "counters   rx %" JSON_INTEGER_FORMAT " packets %" JSON_INTEGER_FORMAT
		        " bytes  tx %" JSON_INTEGER_FORMAT " packets %" JSON_INTEGER_FORMAT
		        " bytes\n",
		        rxp, rxb, txp, txb);
		fprintf(f,
		        "           stun answered %" JSON_INTEGER_FORMAT
		        "  stun dropped %" JSON_INTEGER_FORMAT "  last rx %s\n",
		        stun_ok, stun_drop, last);
	}
	return 0;
}

int
ctl_view_streams(FILE *f, const json_t *list, char *err, size_t errlen)
{
	json_t *arr, *s;
	int count, name_w = 6;
	size_t i;

	UNPACK("streams", list, "{s:i, s:o}", "count", &count, "streams", &arr);
	if (!json_is_array(arr))
		return shape(err, errlen, "streams.streams: not an array");
	json_array_foreach(arr, i, s)
	{
		const char *name;
		json_t *pub;
		int n, v;
		UNPACK("streams[]", s, "{s:s, s:o, s:i, s:i}", "name", &name, "publisher", &pub,
		        "sessions", &n, "viewers", &v);
		if (!json_is_string(pub) && !json_is_null(pub))
			return shape(err, errlen, "streams[].publisher: not a string or null");
		if ((int)strlen(name) > name_w)
			name_w = (int)strlen(name);
	}
	if (json_array_size(arr) == 0) {
		fprintf(f, "no streams\n");
		return 0;
	}
	fprintf(f, "%-*s  %-32s  %8s  %7s\n", name_w, "STREAM", "PUBLISHER", "SESSIONS", "VIEWERS");
	json_array_foreach(arr, i, s)
	{
		const char *name;
		json_t *pub;
		int n, v;
		json_unpack(s, "{s:s, s:o, s:i, s:i}", "name", &name, "publisher", &pub, "sessions",
		        &n, "viewers", &v);
		fprintf(f, "%-*s  %-32s  %8d  %7d\n", name_w, name,
		        json_is_string(pub) ? json_string_value(pub) : "-", n, v);
	}
	return 0;
}

int
ctl_view_deleted(FILE *f, const json_t *d, char *err, size_t errlen)
{
	const char *id, *stream;

	UNPACK("deleted", d, "{s:s, s:s}", "deleted", &id, "stream", &stream);
	fprintf(f, "ended session %s (stream %s)\n", id, stream);
	return 0;
}

int
ctl_view_drain(FILE *f, const json_t *d, char *err, size_t errlen)
{
	int draining, live;

	UNPACK("drain", d, "{s:b, s:i}", "draining", &draining, "live", &live);
	if (draining)
		fprintf(f, "draining: new sessions are refused (503); %d live session%s kept\n",
		        live, live == 1 ? "" : "s");
	else
		fprintf(f, "not draining: new sessions are accepted; %d live session%s\n", live,
		        live == 1 ? "" : "s");
	return 0;
}

int
ctl_view_config(FILE *f, const json_t *cfg, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(cfg))
		return shape(err, errlen, "config: not an object");
	json_object_foreach((json_t *)cfg, k, v)
	{
		if (!json_is_string(v))
			return shape(err, errlen, "config.%s: not a string", k);
	}
	json_object_foreach((json_t *)cfg, k, v) fprintf(f, "%s = %s\n", k, json_string_value(v));
	return 0;
}

struct drop_sum {
	const char *name;
	json_int_t n;
};

static int
drop_sum_cmp(const void *a, const void *b)
{
	const struct drop_sum *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Drops summed over the workers, largest first (names point into @workers); 0 or error. */
static int
drops_sum(const json_t *workers, struct drop_sum **out, size_t *n, char *err, size_t errlen)
{
	struct drop_sum *d;
	size_t cap = 0, used = 0, i;
	json_t *w, *v;
	const char *k;

	json_array_foreach(workers, i, w) cap += json_object_size(json_object_get(w, "drops"));
	d = calloc(cap + 1, sizeof(*d));
	if (d == NULL)
		return CTL_VIEW_E_NOMEM;
	json_array_foreach(workers, i, w)
	{
		json_object_foreach(json_object_get(w, "drops"), k, v)
		{
			size_t j = 0;
			if (!json_is_integer(v)) {
				free(d);
				return shape(err, errlen,
				        "stats.workers[%zu].drops.%s: not an integer", i, k);
			}
			while (j < used && strcmp(d[j].name, k) != 0)
				j++;
			if (j == used)
				d[used++].name = k;
			d[j].n += json_integer_value(v);
		}
	}
	qsort(d, used, sizeof(*d), drop_sum_cmp);
	*out = d;
	*n = used;
	return 0;
}

int
ctl_view_stats(
        FILE *f, const char *server, time_t now, const json_t *stats, char *err, size_t errlen)
{
	json_t *workers, *sessions, *http, *w;
	struct summary s;
	struct drop_sum *drops = NULL;
	json_int_t req, created, rl, auth, sdp;
	double up;
	size_t i, n_drops = 0;
	char dur[32], when[32] = "-";
	struct tm tm;
	int rc;

	UNPACK("stats", stats, "{s:F, s:o, s:o, s:o}", "uptime_s", &up, "workers", &workers,
	        "sessions", &sessions, "http", &http);
	UNPACK("stats.http", http, "{s:I, s:I, s:I, s:I, s:I}", "requests", &req, "created",
	        &created, "rate_limited", &rl, "auth_refused", &auth, "sdp_refused", &sdp);
	if (!json_is_array(workers))
		return shape(err, errlen, "stats.workers: not an array");
	rc = summary_unpack(sessions, &s, err, errlen);
	if (rc != 0)
		return rc;
	json_array_foreach(workers, i, w)
	{
		struct worker wk;
		const char *k;
		json_t *v;
		rc = worker_unpack(w, &wk, err, errlen);
		if (rc != 0)
			return rc;
		json_object_foreach(wk.rings, k, v)
		{
			int used, size;
			UNPACK("stats.workers[].rings", v, "{s:i, s:i}", "used", &used, "size",
			        &size);
		}
	}
	rc = drops_sum(workers, &drops, &n_drops, err, errlen);
	if (rc != 0)
		return rc;

	ctl_view_duration(dur, sizeof(dur), up);
	if (localtime_r(&now, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "rtcedge %s  %s  up %s  draining %s\n", server, when, dur, yesno(s.draining));
	fprintf(f, "sessions  %d live / %d max  ", s.live, s.max);
	rc = by_state_line(f, s.by_state, "  ", err, errlen);
	if (rc != 0) {
		free(drops);
		return rc;
	}
	fprintf(f,
	        "  streams %d  opened whip %" JSON_INTEGER_FORMAT " whep %" JSON_INTEGER_FORMAT
	        "\n",
	        s.streams, s.opened_whip, s.opened_whep);
	fprintf(f,
	        "http      requests %" JSON_INTEGER_FORMAT "  created %" JSON_INTEGER_FORMAT
	        "  rate limited %" JSON_INTEGER_FORMAT "  auth refused %" JSON_INTEGER_FORMAT
	        "  sdp refused %" JSON_INTEGER_FORMAT "\n",
	        req, created, rl, auth, sdp);
	fprintf(f, "%6s %5s %12s %12s %8s  %s\n", "WORKER", "LCORE", "RX PPS", "TX PPS", "SESSIONS",
	        "RINGS used/size");
	json_array_foreach(workers, i, w)
	{
		struct worker wk;
		const char *k;
		json_t *v;
		worker_unpack(w, &wk, err, errlen);
		fprintf(f, "%6d %5d %12.1f %12.1f %8d ", wk.idx, wk.lcore, wk.rx_pps, wk.tx_pps,
		        wk.sessions);
		json_object_foreach(wk.rings, k, v)
		        fprintf(f, " %s %" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, k,
		                json_integer_value(json_object_get(v, "used")),
		                json_integer_value(json_object_get(v, "size")));
		fprintf(f, "\n");
	}
	if (n_drops == 0) {
		fprintf(f, "drops     none\n");
	} else {
		fprintf(f, "drops     top %zu of %zu reasons, all workers\n",
		        n_drops < CTL_VIEW_TOP_DROPS ? n_drops : CTL_VIEW_TOP_DROPS, n_drops);
		for (i = 0; i < n_drops && i < CTL_VIEW_TOP_DROPS; i++)
			fprintf(f, "  %-28s %12" JSON_INTEGER_FORMAT "\n", drops[i].name,
			        drops[i].n);
	}
	free(drops);
	return 0;
}
