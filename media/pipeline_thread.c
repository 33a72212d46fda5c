/*
 * The media pipeline's thread runner (no spare lcore): poll, and sleep with
 * a growing back-off while nothing arrives; see pipeline.h.
 */
#include <errno.h>
#include <time.h>

#include "pipeline_internal.h"

#define MP_IDLE_MIN_US 50u
#define MP_IDLE_MAX_US 1000u

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *
runner(void *arg)
{
	struct media_pipeline *p = arg;
	uint32_t sleep_us = MP_IDLE_MIN_US;

	while (!atomic_load_explicit(&p->thread_stop, memory_order_acquire)) {
		if (media_pipeline_poll(p, mono_us()) > 0) {
			sleep_us = MP_IDLE_MIN_US;
			continue;
		}
		/* idle: a 20 ms frame per stream is due at most every 20 ms, a ms late is fine */
		struct timespec ts = {0, (long)sleep_us * 1000};
		nanosleep(&ts, NULL);
		mp_ctr_add(p, MEDIA_PIPE_C_IDLE_SLEEPS, 1);
		if (sleep_us < p->idle_max_us)
			sleep_us = sleep_us * 2 < p->idle_max_us ? sleep_us * 2 : p->idle_max_us;
	}
	return NULL;
}

int
media_pipeline_thread_start(struct media_pipeline *p, uint32_t idle_max_us)
{
	int rc;

	if (p == NULL || idle_max_us > 1000000u)
		return -EINVAL;
	if (p->thread_running)
		return -EBUSY;
	p->idle_max_us = idle_max_us == 0 ? MP_IDLE_MAX_US : idle_max_us;
	if (p->idle_max_us < MP_IDLE_MIN_US)
		p->idle_max_us = MP_IDLE_MIN_US;
	atomic_store_explicit(&p->thread_stop, 0, memory_order_release);
	rc = pthread_create(&p->thread, NULL, runner, p);
	if (rc != 0)
		return -rc;
	pthread_setname_np(p->thread, "rtc-media");
	p->thread_running = 1;
	return 0;
}

void
media_pipeline_thread_stop(struct media_pipeline *p)
{
	if (p == NULL || !p->thread_running)
		return;
	atomic_store_explicit(&p->thread_stop, 1, memory_order_release);
	pthread_join(p->thread, NULL);
	p->thread_running = 0;
}
