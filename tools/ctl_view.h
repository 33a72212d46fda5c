/*
 * rtcedgectl's text views of the REST port's JSON (docs/openapi.json): what an
 * operator reads on a terminal. No I/O but the FILE it is given, no clock but
 * the time passed in.
 *
 * Owns: the layouts (status, session table, session detail, streams, drain,
 * config as key = value, the stats block of the live view) and the check of
 * the JSON shape each layout reads. A view writes nothing when the shape is
 * wrong: it returns CTL_VIEW_E_SHAPE with the field that was missing or of the
 * wrong type in @err (callers render into a memory stream and show it whole).
 */
#ifndef RTC_CTL_VIEW_H
#define RTC_CTL_VIEW_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

enum {
	CTL_VIEW_E_SHAPE = -1, /* the JSON does not have the documented shape */
	CTL_VIEW_E_NOMEM = -2,
};

#define CTL_VIEW_TOP_DROPS 5

/* "0.4s", "12.3s", "5m03s", "2h05m", "3d04h"; negative or NaN input shows as "-". */
void ctl_view_duration(char *buf, size_t len, double seconds);

/* GET /v1/health, /v1/ready (200 or 503) and /v1/stats together. */
int ctl_view_status(FILE *f, const char *server, const json_t *health, const json_t *ready,
        const json_t *stats, char *err, size_t errlen);

/* GET /v1/sessions: one row per session. */
int ctl_view_sessions(FILE *f, const json_t *list, char *err, size_t errlen);

/* GET /v1/sessions/{id} */
int ctl_view_session(FILE *f, const json_t *s, char *err, size_t errlen);

/* GET /v1/streams */
int ctl_view_streams(FILE *f, const json_t *list, char *err, size_t errlen);

/* DELETE /v1/sessions/{id} */
int ctl_view_deleted(FILE *f, const json_t *d, char *err, size_t errlen);

/* POST or DELETE /v1/drain */
int ctl_view_drain(FILE *f, const json_t *d, char *err, size_t errlen);

/* GET /v1/config as "key = value" lines, in the server's order. */
int ctl_view_config(FILE *f, const json_t *cfg, char *err, size_t errlen);

/* One block of the live view from GET /v1/stats, headed by @server and @now (wall clock). */
int ctl_view_stats(
        FILE *f, const char *server, time_t now, const json_t *stats, char *err, size_t errlen);

#endif
