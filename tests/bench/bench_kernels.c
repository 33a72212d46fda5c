/*
 * bench_kernels: cost of the AI path's signal ops on the C path, per 20 ms
 * tick of a batch of N streams, next to baselines measured in the same run.
 *
 *   bench_kernels [TICKS [N...]]   (default 200 ticks, N = 64 256 512)
 *
 * For each N: a gpu_queue (C backend) of N streams, each fed its own 48 kHz
 * int16 signal (noise and tones, bursts so the VAD works), one tick =
 *   pcm   kernels_pcm_s16_to_f32   960 int16 -> 960 float     (baseline, the existing op)
 *   rs    kernels_resample         960 float -> 320 float at 16 kHz
 *   mel   kernels_logmel           320 float -> 2 frames of 80 log-mel + energy
 *   vad   kernels_vad              2 energies -> events
 * and a second baseline, memcpy of the tick's 960 floats per stream.
 * Wall clock, best of 5 rounds of TICKS ticks (the ops are checked and run
 * through the public API, as the pipeline calls them). Prints the cost per
 * stream per tick, streams per core in real time (20 ms / that cost) for
 * rs+mel+vad and for each op, and the ratio of rs+mel+vad to each baseline.
 *
 * The CUDA path's plan per tick is printed from its launch plan (one launch
 * per op per batch, the copies backend_cuda.c issues): no GPU here, so no
 * GPU time is measured or claimed.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpu_queue.h"
#include "kernels.h"

#define TICK_48K 960u
#define TICK_16K 320u
#define ROUNDS 5
#define NOPS 5

enum { OP_MEMCPY, OP_PCM, OP_RS, OP_MEL, OP_VAD };
static const char *const op_name[NOPS] = {"memcpy", "pcm", "rs", "mel", "vad"};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t
rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Stream s's tick t: noise at -50 dBFS, and every other second a tone + noise burst. */
static void
fill_tick(int16_t *x, uint32_t s, uint32_t t, uint32_t *r)
{
	int burst = ((t + 7 * s) / 50) % 2;
	double hz = 200.0 + 37.0 * (s % 50);

	for (uint32_t i = 0; i < TICK_48K; i++) {
		double v = 100.0 * ((double)rng(r) / 2147483648.0 - 1.0);

		if (burst)
			v += 6000.0 * sin(2.0 * M_PI * hz * (t * TICK_48K + i) / 48000.0) +
			     1500.0 * ((double)rng(r) / 2147483648.0 - 1.0);
		x[i] = (int16_t)lrint(v);
	}
}

struct bench {
	struct gpu_queue *q;
	const struct gpu_queue_pcm_rows *h;
	const struct gpu_queue_ai_rows *a;
	const struct kernels_backend *be;
	float *copy; /* memcpy baseline's destination */
	uint32_t n;
	uint64_t events;
};

static void
check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "bench_kernels: %s failed: %d\n", what, rc);
		exit(1);
	}
}

/* One tick: every op once, each timed into @acc. */
static void
tick(struct bench *b, double *acc)
{
	struct kernels_pcm_batch pb;
	struct kernels_rs_batch rb;
	struct kernels_mel_batch mb;
	struct kernels_vad_batch vb;
	double t0, t1;

	gpu_queue_pcm_batch(b->q, b->n, TICK_48K, &pb);
	gpu_queue_rs_batch(b->q, b->n, TICK_16K, &rb);
	gpu_queue_mel_batch(b->q, b->n, TICK_16K, &mb);
	gpu_queue_vad_batch(b->q, b->n, &vb);

	t0 = now_s();
	check(kernels_pcm_s16_to_f32(b->be, b->q, &pb), "pcm");
	t1 = now_s();
	acc[OP_PCM] += t1 - t0;
	memcpy(b->copy, b->h->out, (size_t)b->n * b->h->out_stride * sizeof(float));
	t0 = now_s();
	acc[OP_MEMCPY] += t0 - t1;
	check(kernels_resample(b->be, b->q, &rb), "resample");
	t1 = now_s();
	acc[OP_RS] += t1 - t0;
	check(kernels_logmel(b->be, b->q, &mb), "logmel");
	t0 = now_s();
	acc[OP_MEL] += t0 - t1;
	check(kernels_vad(b->be, b->q, &vb), "vad");
	t1 = now_s();
	acc[OP_VAD] += t1 - t0;
	for (uint32_t s = 0; s < b->n; s++)
		b->events += b->a->nevents[s];
}

/* CUDA launch plan per tick for N streams, from backend_cuda.c's calls. */
static void
print_cuda_plan(uint32_t n)
{
	size_t in = (size_t)n * (TICK_48K * 4 + sizeof(struct kernels_rs_state))    /* rs */
	            + (size_t)n * (TICK_16K * 4 + sizeof(struct kernels_mel_state)) /* mel */
	            + (size_t)n * (2 * 4 + 4 + sizeof(struct kernels_vad_params) +
	                                  sizeof(struct kernels_vad_state)); /* vad */
	size_t out = (size_t)n * (TICK_16K * 4 + sizeof(struct kernels_rs_state)) +
	             (size_t)n * (2 * KERNELS_MEL_BINS * 4 + 2 * 4 + 4 +
	                                 sizeof(struct kernels_mel_state)) +
	             (size_t)n * (2 * sizeof(struct kernels_vad_event) + 4 +
	                                 sizeof(struct kernels_vad_state));

	printf("  cuda plan (not run: no GPU here, no GPU time measured): batch %u streams, "
	       "3 launches per tick (rs grid 3x%u x128, mel grid 2x%u x128, vad %u threads), "
	       "17 async copies, %.0f KiB H2D + %.0f KiB D2H, 3 stream syncs\n",
	        n, n, n, n, in / 1024.0, out / 1024.0);
}

static void
run(uint32_t n, uint32_t ticks)
{
	struct bench b = {.n = n};
	double best[NOPS], total_best = 1e30;
	uint32_t r = 12345, t = 0;

	b.be = kernels_backend_select(KERNELS_PREF_CPU, NULL, 0);
	check(b.be == NULL, "select cpu");
	check(gpu_queue_create(b.be, n, TICK_48K, &b.q), "gpu_queue_create");
	b.h = gpu_queue_pcm_host(b.q);
	b.a = gpu_queue_ai_host(b.q);
	b.copy = malloc((size_t)n * b.h->out_stride * sizeof(float));
	check(b.copy == NULL, "malloc");
	for (uint32_t s = 0; s < n; s++) {
		b.h->channels[s] = 1;
		b.h->gain[s] = 1.0f;
	}
	for (int i = 0; i < NOPS; i++)
		best[i] = 1e30;
	for (int round = 0; round < ROUNDS; round++) {
		double acc[NOPS] = {0};

		for (uint32_t k = 0; k < ticks; k++, t++) {
			/* new samples are outside the clock */
			for (uint32_t s = 0; s < n; s++)
				fill_tick(b.h->in + (size_t)s * b.h->in_stride, s, t, &r);
			tick(&b, acc);
		}
		if (round == 0)
			continue; /* warm-up: caches, first-tick framing */
		for (int i = 0; i < NOPS; i++)
			best[i] = acc[i] < best[i] ? acc[i] : best[i];
		double ours = acc[OP_RS] + acc[OP_MEL] + acc[OP_VAD];

		total_best = ours < total_best ? ours : total_best;
	}
	double per = 1.0 / ((double)ticks * n); /* seconds -> per stream per tick */
	double ours = total_best * per;

	printf("N=%u streams, %u ticks x %d rounds (best), %" PRIu64 " VAD events\n", n, ticks,
	        ROUNDS - 1, b.events);
	for (int i = 0; i < NOPS; i++)
		printf("  %-7s %8.3f us/stream/tick  %8.0f streams/core\n", op_name[i],
		        best[i] * per * 1e6, 0.020 / (best[i] * per));
	printf("  rs+mel+vad %5.3f us/stream/tick  %8.0f streams/core in real time\n", ours * 1e6,
	        0.020 / ours);
	printf("  ratio rs+mel+vad / pcm op = %.2f,  / memcpy = %.2f\n",
	        ours / (best[OP_PCM] * per), ours / (best[OP_MEMCPY] * per));
	print_cuda_plan(n);
	free(b.copy);
	gpu_queue_free(b.q);
}

int
main(int argc, char **argv)
{
	static const uint32_t def[] = {64, 256, 512};
	uint32_t ticks = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 200;

	if (ticks == 0) {
		fprintf(stderr, "usage: bench_kernels [TICKS [N...]]\n");
		return 64;
	}
	if (argc > 2) {
		for (int i = 2; i < argc; i++)
			run((uint32_t)strtoul(argv[i], NULL, 10), ticks);
	} else {
		for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
			run(def[i], ticks);
	}
	return 0;
}
