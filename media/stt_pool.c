/*
 * Utterance slots, job queue, recogniser threads, completion queue; see
 * stt_pool.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stt_pool.h"

#define STT_PARTIAL_RING 16u

enum slot_state {
	SLOT_FREE = 0,
	SLOT_OPEN,
	SLOT_QUEUED,
	SLOT_DECODING,
	SLOT_DONE,
};

struct stt_slot {
	enum slot_state state;
	uint16_t gen; /* bumped at every begin: handle = gen << 16 | (index + 1) */
	uint8_t truncated;
	struct stt_utt_info info;
	uint64_t seq;
	size_t n;
	int16_t *pcm; /* max_samples */
	struct stt_result res;
};

struct stt_pool_worker {
	struct stt_pool *pool;
	pthread_t tid;
	int started;
	void *dec;
};

/* A FIFO of slot indices (capacity fixed at create). */
struct idx_fifo {
	uint32_t *v;
	uint32_t cap, head, n;
};

struct stt_pool {
	struct stt_config cfg;
	struct stt_pool_decoder_ops ops;
	size_t max_samples;
	size_t partial_samples;

	pthread_mutex_t mu;
	pthread_cond_t cv; /* workers: a job is queued, or stop */
	atomic_int stop;
	uint64_t ctr[STT_C_MAX];
	uint64_t next_seq;

	uint32_t nslots;
	struct stt_slot *slots;
	uint32_t nopen;
	struct idx_fifo jobs; /* QUEUED slots */
	struct idx_fifo done; /* DONE slots, in completion order */
	struct stt_result partial[STT_PARTIAL_RING];
	uint32_t partial_head, partial_n;

	uint32_t nworkers;
	struct stt_pool_worker *workers;
};

static int
fifo_init(struct idx_fifo *f, uint32_t cap)
{
	f->v = calloc(cap, sizeof(*f->v));
	f->cap = cap;
	f->head = f->n = 0;
	return f->v == NULL ? -ENOMEM : 0;
}

static int
fifo_push(struct idx_fifo *f, uint32_t i)
{
	if (f->n == f->cap)
		return -ENOBUFS;
	f->v[(f->head + f->n) % f->cap] = i;
	f->n++;
	return 0;
}

static uint32_t
fifo_pop(struct idx_fifo *f)
{
	uint32_t i = f->v[f->head];

	f->head = (f->head + 1) % f->cap;
	f->n--;
	return i;
}

static uint64_t
thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

size_t
stt_pool_partial_samples(const struct stt_pool_worker *w)
{
	return w->pool->partial_samples;
}

int
stt_pool_stopping(const struct stt_pool_worker *w)
{
	return atomic_load_explicit(&w->pool->stop, memory_order_relaxed);
}

void
stt_pool_partial(struct stt_pool_worker *w, struct stt_result *res)
{
	struct stt_pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	if (p->partial_n == STT_PARTIAL_RING) {
		p->ctr[STT_C_PARTIAL_DROP]++;
	} else {
		p->partial[(p->partial_head + p->partial_n) % STT_PARTIAL_RING] = *res;
		p->partial[(p->partial_head + p->partial_n) % STT_PARTIAL_RING].final = 0;
		p->partial_n++;
		p->ctr[STT_C_PARTIALS]++;
	}
	pthread_mutex_unlock(&p->mu);
}

static void
recognise(struct stt_pool_worker *w, struct stt_slot *s)
{
	struct stt_pool *p = w->pool;
	struct stt_pool_job job = {.pcm = s->pcm, .n = s->n, .t0_us = s->info.t0_us};
	struct stt_result *res = &s->res;
	uint64_t c0 = thread_cpu_us();
	int rc;

	memset(res, 0, sizeof(*res));
	res->stream = s->info.stream;
	res->t0_us = s->info.t0_us;
	res->utt_seq = s->seq;
	res->audio_us = (uint64_t)s->n * 1000000u / STT_RATE;
	res->confidence = -1.0f;
	rc = p->ops.decode(w->dec, w, &job, res);
	res->final = 1;
	res->decode_us = thread_cpu_us() - c0;
	if (rc != 0) {
		res->status = STT_FAILED;
		res->text[0] = '\0';
		res->nwords = 0;
	} else {
		res->status = s->truncated ? STT_TRUNCATED : STT_OK;
	}
	pthread_mutex_lock(&p->mu);
	if (rc != 0)
		p->ctr[STT_C_FAILED]++;
	p->ctr[STT_C_FINALS]++;
	p->ctr[STT_C_AUDIO_MS] += res->audio_us / 1000u;
	p->ctr[STT_C_DECODE_MS] += res->decode_us / 1000u;
	s->state = SLOT_DONE;
	/* cannot fail: done has a place for every slot */
	(void)fifo_push(&p->done, (uint32_t)(s - p->slots));
	pthread_mutex_unlock(&p->mu);
}

static void *
worker_main(void *arg)
{
	struct stt_pool_worker *w = arg;
	struct stt_pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->jobs.n == 0 && !atomic_load(&p->stop))
			pthread_cond_wait(&p->cv, &p->mu);
		if (atomic_load(&p->stop))
			break;
		struct stt_slot *s = &p->slots[fifo_pop(&p->jobs)];
		s->state = SLOT_DECODING;
		pthread_mutex_unlock(&p->mu);
		recognise(w, s);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int
config_check(const struct stt_config *c)
{
	if (c->workers < 1 || c->workers > 16 || c->queue_len < 1 || c->queue_len > 1024 ||
	        c->max_open < 1 || c->max_open > 1024 || c->max_utt_ms < 500 ||
	        c->max_utt_ms > 60000 || c->partial_ms > 60000)
		return -EINVAL;
	return 0;
}

int
stt_pool_create(const struct stt_config *cfg, const struct stt_pool_decoder_ops *ops, void *ctx,
        struct stt_pool **out)
{
	struct stt_pool *p;
	int rc;

	if (config_check(cfg) != 0)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->cfg = *cfg;
	p->ops = *ops;
	p->max_samples = (size_t)cfg->max_utt_ms * (STT_RATE / 1000u);
	p->partial_samples = (size_t)cfg->partial_ms * (STT_RATE / 1000u);
	p->nslots = cfg->max_open + cfg->queue_len + cfg->workers;
	p->nworkers = cfg->workers;
	atomic_init(&p->stop, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);

	rc = -ENOMEM;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	p->workers = calloc(p->nworkers, sizeof(*p->workers));
	if (p->slots == NULL || p->workers == NULL || fifo_init(&p->jobs, cfg->queue_len) != 0 ||
	        fifo_init(&p->done, p->nslots) != 0)
		goto err;
	for (uint32_t i = 0; i < p->nslots; i++) {
		p->slots[i].pcm = malloc(p->max_samples * sizeof(int16_t));
		if (p->slots[i].pcm == NULL)
			goto err;
	}
	for (uint32_t i = 0; i < p->nworkers; i++) {
		p->workers[i].pool = p;
		rc = ops->dec_create(ctx, &p->workers[i].dec);
		if (rc != 0)
			goto err;
	}
	for (uint32_t i = 0; i < p->nworkers; i++) {
		if (pthread_create(&p->workers[i].tid, NULL, worker_main, &p->workers[i]) != 0) {
			rc = -EAGAIN;
			goto err;
		}
		p->workers[i].started = 1;
	}
	*out = p;
	return 0;
err:
	stt_pool_destroy(p);
	return rc;
}

void
stt_pool_destroy(struct stt_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->stop, 1);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (uint32_t i = 0; p->workers != NULL && i < p->nworkers; i++) {
		if (p->workers[i].started)
			pthread_join(p->workers[i].tid, NULL);
		if (p->workers[i].dec != NULL)
			p->ops.dec_free(p->workers[i].dec);
	}
	for (uint32_t i = 0; p->slots != NULL && i < p->nslots; i++)
		free(p->slots[i].pcm);
	free(p->slots);
	free(p->workers);
	free(p->jobs.v);
	free(p->done.v);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* The OPEN slot of handle @utt, or NULL (counted as stale). Caller holds mu. */
static struct stt_slot *
slot_open_locked(struct stt_pool *p, uint32_t utt)
{
	uint32_t idx = (utt & 0xffffu) - 1u;

	if ((utt & 0xffffu) != 0 && idx < p->nslots && p->slots[idx].state == SLOT_OPEN &&
	        p->slots[idx].gen == (uint16_t)(utt >> 16))
		return &p->slots[idx];
	p->ctr[STT_C_STALE]++;
	return NULL;
}

/*
 * The OPEN slot of @utt for feeding, without the lock: only the caller's
 * thread moves a slot out of OPEN, so its state and gen are stable here.
 */
static struct stt_slot *
slot_feed(struct stt_pool *p, uint32_t utt)
{
	uint32_t idx = (utt & 0xffffu) - 1u;
	struct stt_slot *s = NULL;

	if ((utt & 0xffffu) != 0 && idx < p->nslots) {
		s = &p->slots[idx];
		pthread_mutex_lock(&p->mu);
		if (s->state != SLOT_OPEN || s->gen != (uint16_t)(utt >> 16)) {
			p->ctr[STT_C_STALE]++;
			s = NULL;
		}
		pthread_mutex_unlock(&p->mu);
		return s;
	}
	pthread_mutex_lock(&p->mu);
	p->ctr[STT_C_STALE]++;
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
stt_pool_utt_begin(struct stt_pool *p, const struct stt_utt_info *info, uint32_t *utt)
{
	int rc = -EBUSY;

	pthread_mutex_lock(&p->mu);
	if (p->nopen < p->cfg.max_open) {
		for (uint32_t i = 0; i < p->nslots; i++) {
			struct stt_slot *s = &p->slots[i];
			if (s->state != SLOT_FREE)
				continue;
			s->state = SLOT_OPEN;
			s->gen++;
			if (s->gen == 0)
				s->gen = 1;
			s->info = *info;
			s->n = 0;
			s->truncated = 0;
			s->seq = ++p->next_seq;
			p->nopen++;
			p->ctr[STT_C_BEGUN]++;
			*utt = (uint32_t)s->gen << 16 | (i + 1);
			rc = 0;
			break;
		}
	}
	if (rc != 0)
		p->ctr[STT_C_OPEN_FULL]++;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int
stt_pool_utt_feed_s16(struct stt_pool *p, uint32_t utt, const int16_t *pcm, size_t n)
{
	struct stt_slot *s;
	size_t room;

	if (pcm == NULL && n > 0)
		return -EINVAL;
	s = slot_feed(p, utt);
	if (s == NULL)
		return -ESTALE;
	room = p->max_samples - s->n;
	if (n > room) {
		n = room;
		s->truncated = 1;
	}
	memcpy(s->pcm + s->n, pcm, n * sizeof(int16_t));
	s->n += n;
	return 0;
}

int
stt_pool_utt_feed_f32(struct stt_pool *p, uint32_t utt, const float *pcm, size_t n)
{
	struct stt_slot *s;
	size_t room;

	if (pcm == NULL && n > 0)
		return -EINVAL;
	s = slot_feed(p, utt);
	if (s == NULL)
		return -ESTALE;
	room = p->max_samples - s->n;
	if (n > room) {
		n = room;
		s->truncated = 1;
	}
	for (size_t i = 0; i < n; i++) {
		float v = pcm[i] * 32768.0f;
		/* NaN compares false both ways: it becomes 0 */
		int16_t q = v >= 32767.0f    ? 32767
		            : v <= -32768.0f ? -32768
		            : v == v         ? (int16_t)v
		                             : 0;
		s->pcm[s->n + i] = q;
	}
	s->n += n;
	return 0;
}

int
stt_pool_utt_end(struct stt_pool *p, uint32_t utt)
{
	struct stt_slot *s;
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	s = slot_open_locked(p, utt);
	if (s == NULL) {
		pthread_mutex_unlock(&p->mu);
		return -ESTALE;
	}
	p->nopen--;
	if (s->truncated)
		p->ctr[STT_C_TRUNCATED]++;
	if (s->n == 0) {
		p->ctr[STT_C_EMPTY]++;
		s->state = SLOT_FREE;
		rc = -ENODATA;
	} else if (fifo_push(&p->jobs, (uint32_t)(s - p->slots)) != 0) {
		p->ctr[STT_C_QUEUE_FULL]++;
		s->state = SLOT_FREE;
		rc = -ENOBUFS;
	} else {
		s->state = SLOT_QUEUED;
		p->ctr[STT_C_SUBMITTED]++;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int
stt_pool_utt_abort(struct stt_pool *p, uint32_t utt)
{
	struct stt_slot *s;

	pthread_mutex_lock(&p->mu);
	s = slot_open_locked(p, utt);
	if (s != NULL) {
		s->state = SLOT_FREE;
		p->nopen--;
		p->ctr[STT_C_ABORTED]++;
	}
	pthread_mutex_unlock(&p->mu);
	return s != NULL ? 0 : -ESTALE;
}

int
stt_pool_poll(struct stt_pool *p, struct stt_result *out)
{
	int got = 0;

	pthread_mutex_lock(&p->mu);
	if (p->partial_n > 0) {
		*out = p->partial[p->partial_head];
		p->partial_head = (p->partial_head + 1) % STT_PARTIAL_RING;
		p->partial_n--;
		got = 1;
	} else if (p->done.n > 0) {
		struct stt_slot *s = &p->slots[fifo_pop(&p->done)];
		*out = s->res;
		s->state = SLOT_FREE;
		got = 1;
	}
	if (got)
		p->ctr[STT_C_POLLED]++;
	pthread_mutex_unlock(&p->mu);
	return got;
}

void
stt_pool_counters(struct stt_pool *p, uint64_t ctr[STT_C_MAX])
{
	pthread_mutex_lock(&p->mu);
	memcpy(ctr, p->ctr, sizeof(p->ctr));
	pthread_mutex_unlock(&p->mu);
}
