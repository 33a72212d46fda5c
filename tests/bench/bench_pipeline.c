/*
 * bench_pipeline: the media lcore's loop (media/pipeline.h) per 20 ms frame
 * of a stream, next to bare Opus decoding measured in the same run.
 *
 *   bench_pipeline [STREAMS [SECONDS [STT_UTTERANCES [ROUNDS]]]]   (default 256, 4, 4, 5)
 *
 * Audio: espeak-ng speech (MEDIA_SPEECH_VOICE) at 48 kHz, encoded once by
 * libopus as WebRTC sends voice (VOIP, mono, 20 ms, 32 kbit/s, in-band
 * FEC), SECONDS long; every stream sends it from its own offset. Costs are
 * this thread's CPU time (CLOCK_THREAD_CPUTIME_ID) per stream per 20 ms
 * frame. ROUNDS rounds, each running every row once in the same order
 * (interleaved, so that the machine's load drifts over all rows alike);
 * printed: the median of the rounds, and the median of each round's ratio
 * to the baseline measured in that round:
 *   dec48         bare opus_decode() at 48 kHz int16, one stream (the old chain's decode)
 *   dec16         bare opus_decode() at 16 kHz int16, one stream             (baseline)
 *   dec16f        bare opus_decode_float() at 16 kHz, one stream
 *   dec16f x N    the same over STREAMS decoders round robin (the pipeline's cache load)
 *   rx16f         opus_rx_push + opus_rx_pull at 16 kHz float (reorder window, FIFO, counters)
 *   rx16f x N     STREAMS receivers round robin, one packet each per tick
 *   kern 16k      log-mel + VAD on a gpu_queue of STREAMS rows (C path), one call per op per
 *                 tick: the kernels of the 16 kHz chain
 *   kern 48k      pcm + resample + log-mel + VAD: the kernels of the 48 kHz chain
 *   pipe48        media_pipeline_poll() of STREAMS streams with cfg.rx at 48 kHz int16 (the
 *                 chain before: pcm, resample, log-mel, VAD), one poll per 20 ms tick after
 *                 each stream's packet went into a tap ring (2 rings). STT off.
 *   pipe16        the same with the default cfg.rx, 16 kHz float (log-mel, VAD)
 *   pipe16+cut    pipe16 with the STT engine on (JSGF): the poll thread also converts 16 kHz
 *                 to int16 and feeds the cutters and the engine's buffers; recognition runs
 *                 on the engine's threads and is not in this figure.
 * The single-stream rows run the packets over and over (one decoder) for
 * as many frames as a N-stream row (STREAMS x ticks), so that every row is
 * measured over about the same time and a burst of load on the machine
 * weighs on them alike. Streams per core = 20 ms
 * / cost. The pushes into the rings are the workers' cost and are not timed.
 *
 * Speech-to-text separately: STT_UTTERANCES commands in one stream through
 * the pipeline with the engine on (1 thread), JSGF grammar and n-gram LM;
 * RTF = the engine's recognition thread CPU time / audio recognised
 * (pipeline counters stt_decode_ms / stt_audio_ms).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opus/opus.h>

#include "gpu_queue.h"
#include "kernels.h"
#include "media_speech.h"
#include "opus_rx.h"
#include "pipeline.h"

#define FRAME 960u
#define FR16 320u

static const char *const bench_text =
        "Please turn on the light in the kitchen. What time is it? The quick brown fox jumps "
        "over the lazy dog. Set a timer for five minutes and then play some music.";
static const char *const cmds[] = {"turn on the light", "what time is it",
        "set a timer for five minutes", "open the door", "play music", "call mom",
        "close the window", "volume up"};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

struct pkt {
	uint8_t data[400];
	int len;
};

static volatile uint64_t sink;
static const struct kernels_backend *g_kb;

static uint64_t
cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Timed regions. Under valgrind --tool=callgrind --collect-atstart=no they
 * are also the only code whose instructions are counted, and each row ends
 * with a dump named after it and its frame count (row_dump): instruction
 * counts per frame without the machine's noise (see docs/media.md). The
 * client requests are a few no-op instructions outside valgrind.
 */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_CALLGRIND 1
#endif
#endif

static uint64_t
t_on(void)
{
	uint64_t t = cpu_ns();
#ifdef BENCH_CALLGRIND
	CALLGRIND_TOGGLE_COLLECT;
#endif
	return t;
}

static uint64_t
t_off(void)
{
#ifdef BENCH_CALLGRIND
	CALLGRIND_TOGGLE_COLLECT;
#endif
	return cpu_ns();
}

/* Row @name of @frames stream-frames done: a callgrind dump (nothing outside valgrind). */
static void
row_dump(const char *name, size_t frames)
{
#ifdef BENCH_CALLGRIND
	char d[96];
	snprintf(d, sizeof(d), "%s frames=%zu", name, frames);
	CALLGRIND_DUMP_STATS_AT(d);
#else
	(void)name;
	(void)frames;
#endif
}

static struct pkt *
encode(const int16_t *pcm, size_t nsamples, size_t npkts)
{
	int err;
	OpusEncoder *enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
	struct pkt *p = calloc(npkts, sizeof(*p));

	if (enc == NULL || p == NULL)
		exit(1);
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
	for (size_t i = 0; i < npkts; i++) {
		size_t at = (i * FRAME) % (nsamples - FRAME);
		p[i].len = opus_encode(enc, pcm + at, FRAME, p[i].data, sizeof(p[i].data));
		if (p[i].len <= 0)
			exit(1);
	}
	opus_encoder_destroy(enc);
	return p;
}

/* ns per packet of a bare decode at @rate (@flt: opus_decode_float), @reps passes over @n. */
static double
run_decode(const struct pkt *p, size_t n, int rate, int flt, unsigned reps)
{
	int err, fs = rate / 50;
	OpusDecoder *d = opus_decoder_create(rate, 1, &err);
	int16_t pcm[FRAME];
	float pf[FRAME];
	uint64_t t0 = t_on();

	for (unsigned r = 0; r < reps; r++)
		for (size_t i = 0; i < n; i++) {
			if (flt)
				sink += (uint64_t)opus_decode_float(
				        d, p[i].data, p[i].len, pf, fs, 0);
			else
				sink += (uint64_t)opus_decode(d, p[i].data, p[i].len, pcm, fs, 0);
		}
	double ns = (double)(t_off() - t0) / (double)(n * reps);
	opus_decoder_destroy(d);
	return ns;
}

/* The plain decode of every packet: 48 kHz int16 into @s16, 16 kHz float into @f16. */
static void
decode_ref(const struct pkt *p, size_t n, int16_t *s16, float *f16)
{
	int err;
	OpusDecoder *a = opus_decoder_create(48000, 1, &err);
	OpusDecoder *b = opus_decoder_create(16000, 1, &err);

	for (size_t i = 0; i < n; i++) {
		if (opus_decode(a, p[i].data, p[i].len, s16 + i * FRAME, FRAME, 0) != (int)FRAME ||
		        opus_decode_float(b, p[i].data, p[i].len, f16 + i * FR16, FR16, 0) !=
		                (int)FR16)
			exit(1);
		for (size_t k = 0; k < FR16; k++) {
			float v = f16[i * FR16 + k];
			v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
			f16[i * FR16 + k] = fabsf(v) < OPUS_RX_F32_ZERO ? 0.0f : v; /* as opus_rx */
		}
	}
	opus_decoder_destroy(a);
	opus_decoder_destroy(b);
}

/* @ns decoders at 16 kHz float round robin, one packet each per tick. */
static double
run_decode_multi(const struct pkt *p, size_t npkts, uint32_t ns, size_t ticks)
{
	OpusDecoder **d = calloc(ns, sizeof(*d));
	float pf[FR16];
	uint64_t t = 0;
	int err;

	for (uint32_t s = 0; s < ns; s++)
		if ((d[s] = opus_decoder_create(16000, 1, &err)) == NULL)
			exit(1);
	for (size_t k = 0; k < ticks; k++) {
		uint64_t a = t_on();
		for (uint32_t s = 0; s < ns; s++) {
			const struct pkt *pk = &p[(k + s * 17u) % npkts];
			sink += (uint64_t)opus_decode_float(d[s], pk->data, pk->len, pf, FR16, 0);
		}
		t += t_off() - a;
	}
	for (uint32_t s = 0; s < ns; s++)
		opus_decoder_destroy(d[s]);
	free(d);
	return (double)t / (double)ticks / ns;
}

static void
rx_new(struct opus_rx **rx)
{
	struct opus_rx_config c;

	opus_rx_config_default(&c);
	c.rate = 16000;
	c.f32 = 1;
	if (opus_rx_create(&c, rx) != 0)
		exit(1);
}

static double
run_rx(const struct pkt *p, size_t n, unsigned reps)
{
	struct opus_rx *rx;
	struct opus_rx_frame f;
	uint64_t t0;

	rx_new(&rx);
	t0 = t_on();
	for (size_t j = 0; j < n * reps; j++) {
		size_t i = j % n;
		opus_rx_push(rx, (uint16_t)j, (uint32_t)(j * FRAME), p[i].data, (size_t)p[i].len,
		        j * 20000u);
		while (opus_rx_pull(rx, j * 20000u, &f))
			sink += (uint64_t)f.pcm_f32[7];
	}
	double ns = (double)(t_off() - t0) / (double)(n * reps);
	opus_rx_free(rx);
	return ns;
}

/* @ns receivers round robin, one packet each per tick: opus_rx with the pipeline's cache load. */
static double
run_rx_multi(const struct pkt *p, size_t npkts, uint32_t ns, size_t ticks)
{
	struct opus_rx **rx = calloc(ns, sizeof(*rx));
	struct opus_rx_frame f;
	uint64_t t = 0;

	for (uint32_t s = 0; s < ns; s++)
		rx_new(&rx[s]);
	for (size_t k = 0; k < ticks; k++) {
		uint64_t a = t_on();
		for (uint32_t s = 0; s < ns; s++) {
			const struct pkt *pk = &p[(k + s * 17u) % npkts];
			opus_rx_push(rx[s], (uint16_t)k, (uint32_t)(k * FRAME), pk->data,
			        (size_t)pk->len, k * 20000u);
			while (opus_rx_pull(rx[s], k * 20000u, &f))
				sink += (uint64_t)f.pcm_f32[7];
		}
		t += t_off() - a;
	}
	for (uint32_t s = 0; s < ns; s++)
		opus_rx_free(rx[s]);
	free(rx);
	return (double)t / (double)ticks / ns;
}

/*
 * The ops on @ns rows for @ticks ticks, per-op ns per stream-tick into
 * @op[4] (pcm, resample, log-mel, VAD). @s16 (48 kHz int16): all four from
 * the pcm rows; else @f16 (16 kHz float) into the 16 kHz rows, log-mel and
 * VAD only (op[0], op[1] = 0).
 */
static void
run_kernels(
        const int16_t *s16, const float *f16, size_t npkts, uint32_t ns, size_t ticks, double op[4])
{
	struct gpu_queue *q;
	struct kernels_pcm_batch pb;
	struct kernels_rs_batch rb;
	struct kernels_mel_batch mb;
	struct kernels_vad_batch vb;
	uint64_t t[4] = {0};

	if (gpu_queue_create(g_kb, ns, FRAME, &q) != 0)
		exit(1);
	const struct gpu_queue_pcm_rows *h = gpu_queue_pcm_host(q);
	const struct gpu_queue_ai_rows *ai = gpu_queue_ai_host(q);
	for (uint32_t s = 0; s < ns; s++) {
		h->channels[s] = 1;
		h->gain[s] = 1.0f;
	}
	gpu_queue_pcm_batch(q, ns, FRAME, &pb);
	gpu_queue_rs_batch(q, ns, FR16, &rb);
	gpu_queue_mel_batch(q, ns, FR16, &mb);
	gpu_queue_vad_batch(q, ns, &vb);
	for (size_t k = 0; k < ticks; k++) {
		for (uint32_t s = 0; s < ns; s++) {
			size_t at = (k + s * 17u) % npkts;
			if (s16 != NULL)
				memcpy(h->in + (size_t)s * h->in_stride, s16 + at * FRAME,
				        FRAME * sizeof(int16_t));
			else
				memcpy(ai->pcm16k + (size_t)s * ai->pcm16k_stride, f16 + at * FR16,
				        FR16 * sizeof(float));
		}
		int rc = 0;
		uint64_t a = t_on(), b = a, c = a;
		if (s16 != NULL) {
			rc |= kernels_pcm_s16_to_f32(g_kb, q, &pb);
			b = cpu_ns();
			rc |= kernels_resample(g_kb, q, &rb);
			c = cpu_ns();
		}
		rc |= kernels_logmel(g_kb, q, &mb);
		uint64_t d = cpu_ns();
		rc |= kernels_vad(g_kb, q, &vb);
		uint64_t e = t_off();
		if (rc != 0)
			exit(1);
		t[0] += b - a;
		t[1] += c - b;
		t[2] += d - c;
		t[3] += e - d;
	}
	for (int i = 0; i < 4; i++)
		op[i] = (double)t[i] / (double)ticks / ns;
	gpu_queue_free(q);
}

static struct media_pipeline *
pipe_new(uint32_t streams, uint8_t stt, enum stt_mode mode, const char *jsgf, int at48)
{
	struct media_pipeline_config cfg;
	struct media_pipeline *p;
	int rc;

	media_pipeline_config_default(&cfg);
	if (at48) {
		cfg.rx.rate = 48000;
		cfg.rx.f32 = 0;
	}
	cfg.n_rings = 2;
	cfg.ring_size = 4096;
	cfg.ring_budget = 4096;
	cfg.max_streams = streams;
	cfg.event_queue_len = 1u << 16;
	cfg.stt_enable = stt;
	cfg.stt.mode = mode;
	cfg.stt.jsgf = jsgf;
	cfg.stt.max_open = streams < 1024 ? streams : 1024; /* every stream may be speaking */
	cfg.stt.queue_len = 64;
	if ((rc = media_pipeline_create(&cfg, g_kb, &p)) != 0) {
		fprintf(stderr, "media_pipeline_create: %d\n", rc);
		exit(1);
	}
	return p;
}

static void
push(struct media_pipeline *p, uint32_t s, size_t k, const struct pkt *pk)
{
	struct media_tap_msg h = {.session = s + 1,
	        .ssrc = s,
	        .seq = (uint16_t)k,
	        .ts = (uint32_t)(k * FRAME),
	        .pt = 111};
	if (media_tap_ring_push(
	            media_pipeline_tap_ring(p, s % 2u), &h, pk->data, (size_t)pk->len) != 0)
		exit(1);
}

/* ns of media_pipeline_poll per stream-frame; the counters into @st. */
static double
run_pipeline(const struct pkt *pk, size_t npkts, uint32_t ns, size_t ticks, uint8_t stt,
        const char *jsgf, int at48, uint64_t st[MEDIA_PIPE_C_MAX])
{
	struct media_pipeline *p = pipe_new(ns, stt, STT_MODE_JSGF, jsgf, at48);
	struct media_pipeline_event ev;
	uint64_t t = 0;

	for (size_t k = 0; k < ticks; k++) {
		for (uint32_t s = 0; s < ns; s++)
			push(p, s, k, &pk[(k + s * 17u) % npkts]);
		uint64_t a = t_on();
		media_pipeline_poll(p, k * 20000u);
		t += t_off() - a;
		while (media_pipeline_poll_event(p, &ev)) /* the control lcore's side */
			sink += ev.kind;
	}
	media_pipeline_stats(p, st);
	media_pipeline_destroy(p);
	return (double)t / (double)ticks / ns;
}

enum row {
	R_DEC48,
	R_DEC16,
	R_DEC16F,
	R_DEC16F_N,
	R_RX16F,
	R_RX16F_N,
	R_KERN16,
	R_KERN48,
	R_PIPE48,
	R_PIPE16,
	R_PIPE16_CUT,
	R_MAX
};

static const char *const row_names[R_MAX] = {"dec48", "dec16 (baseline)", "dec16f", "dec16f x N",
        "rx16f", "rx16f x N", "kern 16k (2 ops)", "kern 48k (4 ops)", "pipe48 (before)", "pipe16",
        "pipe16+cut"};

#define R_BASE R_DEC16

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of @n values (sorts a copy). */
static double
median(const double *v, unsigned n)
{
	double t[64];

	memcpy(t, v, n * sizeof(double));
	qsort(t, n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void
bench_loop(uint32_t ns, unsigned seconds, unsigned rounds)
{
	int16_t *speech, *s16;
	float *f16;
	size_t nsp, npkts = (size_t)seconds * 50u, ticks = npkts;
	struct pkt *pk;
	double v[R_MAX][64], op16[64][4], op48[64][4];
	uint64_t st48[MEDIA_PIPE_C_MAX], st16[MEDIA_PIPE_C_MAX], stc[MEDIA_PIPE_C_MAX];
	char jsgf[1024];
	const unsigned reps = ns * ticks / npkts > 0 ? (unsigned)(ns * ticks / npkts) : 1;

	if (media_speech_make(bench_text, 48000, &speech, &nsp) != 0 ||
	        stt_jsgf_from_phrases(cmds, NCMDS, jsgf, sizeof(jsgf)) < 0)
		exit(1);
	pk = encode(speech, nsp, npkts);
	s16 = malloc(npkts * FRAME * sizeof(int16_t));
	f16 = malloc(npkts * FR16 * sizeof(float));
	decode_ref(pk, npkts, s16, f16);
	for (unsigned r = 0; r < rounds; r++) {
		size_t one = npkts * reps, all = (size_t)ns * ticks;
		row_dump("setup", 0);
		v[R_DEC48][r] = run_decode(pk, npkts, 48000, 0, reps);
		row_dump(row_names[R_DEC48], one);
		v[R_DEC16][r] = run_decode(pk, npkts, 16000, 0, reps);
		row_dump(row_names[R_DEC16], one);
		v[R_DEC16F][r] = run_decode(pk, npkts, 16000, 1, reps);
		row_dump(row_names[R_DEC16F], one);
		v[R_DEC16F_N][r] = run_decode_multi(pk, npkts, ns, ticks);
		row_dump(row_names[R_DEC16F_N], all);
		v[R_RX16F][r] = run_rx(pk, npkts, reps);
		row_dump(row_names[R_RX16F], one);
		v[R_RX16F_N][r] = run_rx_multi(pk, npkts, ns, ticks);
		row_dump(row_names[R_RX16F_N], all);
		run_kernels(NULL, f16, npkts, ns, ticks, op16[r]);
		v[R_KERN16][r] = op16[r][2] + op16[r][3];
		row_dump(row_names[R_KERN16], all);
		run_kernels(s16, NULL, npkts, ns, ticks, op48[r]);
		v[R_KERN48][r] = op48[r][0] + op48[r][1] + op48[r][2] + op48[r][3];
		row_dump(row_names[R_KERN48], all);
		v[R_PIPE48][r] = run_pipeline(pk, npkts, ns, ticks, 0, NULL, 1, st48);
		row_dump(row_names[R_PIPE48], all);
		v[R_PIPE16][r] = run_pipeline(pk, npkts, ns, ticks, 0, NULL, 0, st16);
		row_dump(row_names[R_PIPE16], all);
		v[R_PIPE16_CUT][r] = run_pipeline(pk, npkts, ns, ticks, 1, jsgf, 0, stc);
		row_dump(row_names[R_PIPE16_CUT], all);
	}
	printf("Media loop: %u streams, %zu ticks of 20 ms (%u s of speech each), kernels '%s', "
	       "thread CPU time, median of %u interleaved rounds\n",
	        ns, ticks, seconds, g_kb->name, rounds);
	printf("  %-18s %10s %8s %10s %10s  %s\n", "", "ns/frame", "str/core", "x dec16",
	        "x (range)", "rounds: streams/core");
	for (int i = 0; i < R_MAX; i++) {
		double ratio[64], m = median(v[i], rounds), lo = 1e30, hi = 0;
		for (unsigned r = 0; r < rounds; r++) {
			ratio[r] = v[i][r] / v[R_BASE][r];
			lo = ratio[r] < lo ? ratio[r] : lo;
			hi = ratio[r] > hi ? ratio[r] : hi;
		}
		printf("  %-18s %10.1f %8.0f %10.3f %4.2f-%4.2f  ", row_names[i], m, 20e6 / m,
		        median(ratio, rounds), lo, hi);
		for (unsigned r = 0; r < rounds; r++)
			printf(" %.0f", 20e6 / v[i][r]);
		printf("\n");
	}
	static const char *const opn[4] = {"pcm", "resample", "logmel", "vad"};
	for (int i = 0; i < 4; i++) {
		double a[64], b[64];
		for (unsigned r = 0; r < rounds; r++) {
			a[r] = op48[r][i];
			b[r] = op16[r][i];
		}
		printf("    %-10s 48k chain %8.1f ns/stream-frame, 16k chain %8.1f\n", opn[i],
		        median(a, rounds), median(b, rounds));
	}
	/* what the 16 kHz pipeline adds to its decode, per round, then the median */
	{
		double a[64], b[64], c[64];
		for (unsigned r = 0; r < rounds; r++) {
			a[r] = v[R_PIPE16][r] - v[R_DEC16F_N][r];
			b[r] = v[R_PIPE16][r] - v[R_RX16F_N][r] - v[R_KERN16][r];
			c[r] = v[R_PIPE16][r] / v[R_PIPE48][r];
		}
		printf("  pipe16 - dec16f x N = %.1f ns/stream-frame (opus_rx, kernels, the "
		       "loop)\n",
		        median(a, rounds));
		printf("  pipe16 - rx16f x N - kern 16k = %.1f ns/stream-frame (rings, lookup, "
		       "copies, batch, events)\n",
		        median(b, rounds));
		printf("  pipe16 / pipe48 = %.3f (median of rounds)\n", median(c, rounds));
	}
	printf("  target 500 streams/core = %.3f x dec16 at this run's dec16 (%.0f/core); "
	       "at the issue's 640/core it would be %.3f\n",
	        20e6 / 500.0 / median(v[R_BASE], rounds), 20e6 / median(v[R_BASE], rounds),
	        640.0 / 500.0);
	printf("  per tick, pipe16: %.2f batches, %.1f kernel calls (= CUDA launches), %.0f rows "
	       "per batch; pipe48: %.1f kernel calls; frames %" PRIu64 ", state swaps %" PRIu64
	       ", speech starts %" PRIu64 " (pipe48 %" PRIu64 "), events lost %" PRIu64 "\n",
	        (double)st16[MEDIA_PIPE_C_BATCHES] / st16[MEDIA_PIPE_C_TICKS],
	        (double)st16[MEDIA_PIPE_C_KERNEL_CALLS] / st16[MEDIA_PIPE_C_TICKS],
	        (double)st16[MEDIA_PIPE_C_FRAMES] / st16[MEDIA_PIPE_C_BATCHES],
	        (double)st48[MEDIA_PIPE_C_KERNEL_CALLS] / st48[MEDIA_PIPE_C_TICKS],
	        st16[MEDIA_PIPE_C_FRAMES], st16[MEDIA_PIPE_C_STATE_SWAPS],
	        st16[MEDIA_PIPE_C_SPEECH_STARTS], st48[MEDIA_PIPE_C_SPEECH_STARTS],
	        st16[MEDIA_PIPE_C_EVENTS_LOST]);
	printf("  pipe16+cut: %" PRIu64 " utterances queued, %" PRIu64 " dropped (engine busy)\n",
	        stc[MEDIA_PIPE_C_STT_QUEUED], stc[MEDIA_PIPE_C_STT_DROPPED]);
	free(s16);
	free(f16);
	free(pk);
	free(speech);
}

/* One stream of @nutt commands (1 s of faint noise around each) through the pipeline with STT. */
static void
bench_stt(unsigned nutt, enum stt_mode mode, const char *jsgf)
{
	int16_t *sp[NCMDS];
	size_t n[NCMDS], total = 48000, at = 48000;
	uint32_t seed = 7;
	struct media_pipeline *p = pipe_new(4, 1, mode, jsgf, 0);
	struct media_pipeline_event ev;
	uint64_t st[MEDIA_PIPE_C_MAX], finals = 0;
	struct timespec ts = {0, 5000000};

	for (unsigned u = 0; u < nutt; u++) {
		if (media_speech_make(cmds[u], 48000, &sp[u], &n[u]) != 0)
			exit(1);
		total += n[u] + 48000;
	}
	total = (total + FRAME - 1) / FRAME * FRAME;
	int16_t *pcm = malloc(total * sizeof(int16_t));
	for (size_t k = 0; k < total; k++) {
		seed = seed * 1664525u + 1013904223u;
		pcm[k] = (int16_t)((int)((seed >> 8) % 61) - 30);
	}
	for (unsigned u = 0; u < nutt; u++) {
		for (size_t k = 0; k < n[u]; k++)
			pcm[at + k] = (int16_t)(pcm[at + k] + sp[u][k]);
		at += n[u] + 48000;
		free(sp[u]);
	}
	size_t npk = total / FRAME;
	struct pkt *pk = encode(pcm, total + FRAME, npk);
	for (size_t k = 0; k < npk; k++) {
		push(p, 0, k, &pk[k]);
		media_pipeline_poll(p, k * 20000u);
	}
	printf("  %s:", mode == STT_MODE_JSGF ? "JSGF" : "LM  ");
	for (int spins = 0; finals < nutt && spins < 24000; spins++) {
		if (media_pipeline_poll_event(p, &ev) == 1) {
			if (ev.kind == MEDIA_PIPE_EV_TRANSCRIPT_FINAL) {
				finals++;
				printf(" \"%s\"", ev.text);
			}
			continue;
		}
		if (media_pipeline_poll(p, npk * 20000u) == 0)
			nanosleep(&ts, NULL);
	}
	media_pipeline_stats(p, st);
	printf("\n        %" PRIu64 " finals, %.2f s of audio, RTF %.3f (recognition thread CPU / "
	       "audio): %.0f streams of continuous speech per core\n",
	        finals, st[MEDIA_PIPE_C_STT_AUDIO_MS] / 1000.0,
	        (double)st[MEDIA_PIPE_C_STT_DECODE_MS] / (double)st[MEDIA_PIPE_C_STT_AUDIO_MS],
	        (double)st[MEDIA_PIPE_C_STT_AUDIO_MS] / (double)st[MEDIA_PIPE_C_STT_DECODE_MS]);
	media_pipeline_destroy(p);
	free(pk);
	free(pcm);
}

int
main(int argc, char **argv)
{
	uint32_t ns = argc > 1 ? (uint32_t)atoi(argv[1]) : 256;
	unsigned seconds = argc > 2 ? (unsigned)atoi(argv[2]) : 4;
	unsigned nutt = argc > 3 ? (unsigned)atoi(argv[3]) : 4;
	unsigned rounds = argc > 4 ? (unsigned)atoi(argv[4]) : 5;
	char why[256], jsgf[1024];

	if (ns < 1 || ns > MEDIA_PIPE_STREAMS_MAX || seconds < 1 || seconds > 600 || nutt > NCMDS ||
	        rounds < 1 || rounds > 64) {
		fprintf(stderr,
		        "usage: bench_pipeline [STREAMS [SECONDS [STT_UTTERANCES (0..%zu) [ROUNDS "
		        "(1..64)]]]]\n",
		        NCMDS);
		return 64;
	}
	g_kb = kernels_backend_select(KERNELS_PREF_AUTO, why, sizeof(why));
	if (g_kb == NULL)
		return 1;
	printf("kernels: %s\n", why);
	bench_loop(ns, seconds, rounds);
	if (nutt > 0) {
		if (stt_jsgf_from_phrases(cmds, NCMDS, jsgf, sizeof(jsgf)) < 0)
			return 1;
		printf("Speech-to-text through the pipeline: %u commands, 1 engine thread\n", nutt);
		bench_stt(nutt, STT_MODE_JSGF, jsgf);
		bench_stt(nutt, STT_MODE_LM, NULL);
	}
	return 0;
}
