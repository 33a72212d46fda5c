/*
 * The control lcore: everything rtcedge does that is not packet forwarding.
 * Owns the session manager, the WHIP/WHEP and REST listeners, the DTLS
 * certificate, the cluster key of the routing labels, and the loop that
 * ties them to the workers: it waits on the HTTP listeners (epoll) with a
 * short tick, moves session commands to the workers' command rings and
 * their events back, runs the session timeouts, refreshes the node view
 * of the REST port, watches the link and prints periodic counters.
 *
 * Order at start: control_init() (sizes the workers' session tables) ->
 * worker_setup() -> control_listen() -> launch the workers ->
 * control_run() until a signal -> control_fini().
 */
#ifndef RTC_CONTROL_H
#define RTC_CONTROL_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "port.h"
#include "worker.h"

struct control;

/* 0 and *@out, or -1 with @err ("key: problem" for configuration errors, *is_config set). */
struct kernels_backend;
/* @kb: the AI path's compute backend (kernels_backend_select), for ai.enabled. */
int control_init(struct control **out, const struct rtc_config *cfg, uint16_t n_workers,
		const struct kernels_backend *kb, char *err, size_t errlen, int *is_config);
/* What worker_setup() needs for the session tables. */
void control_worker_params(const struct control *c, struct worker_sess_params *sp);
/* Open the listeners; 0 or -1 with @err. */
int control_listen(struct control *c, struct dp *dp, const struct port_state *ps, char *err,
		size_t errlen);
/* Serve until *@stop is nonzero. */
void control_run(struct control *c, volatile sig_atomic_t *stop);
void control_fini(struct control *c);

#endif
