/*
 * bench_pipeline: the media lcore's loop (media/pipeline.h) per 20 ms frame
 * of a stream, next to the bare Opus decode measured in the same run.
 *
 *   bench_pipeline [STREAMS [SECONDS [STT_UTTERANCES]]]   (default 256, 4, 4)
 *
 * Audio: espeak-ng speech (MEDIA_SPEECH_VOICE) at 48 kHz, encoded once by
 * libopus as WebRTC sends voice (VOIP, mono, 20 ms, 32 kbit/s, in-band
 * FEC), SECONDS long; every stream sends it from its own offset. Costs are
 * this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), best of 3 rounds, per
 * stream per 20 ms frame:
 *   opus_decode   bare libopus opus_decode() in order           (baseline)
 *   opus_rx       opus_rx_push + opus_rx_pull (reorder window, FIFO, counters)
 *   kernels       pcm + resample + log-mel + VAD on a gpu_queue of STREAMS
 *                 rows (C path), one call per op per tick; and each op
 *   opus_rx x N   STREAMS receivers round robin, one packet each per tick: the
 *                 decode with the pipeline's cache load (58 kB of state per stream)
 *   pipeline      media_pipeline_poll() of STREAMS streams, one poll per
 *                 20 ms tick after each stream's packet went into a tap ring
 *                 (2 rings): tap ring read, stream lookup, opus_rx, batch,
 *                 kernels, VAD marks -> events. STT off (stt_enable 0).
 *   pipeline+cut  the same with the STT engine on (JSGF): the poll thread
 *                 also converts 16 kHz to int16 and feeds the cutters and
 *                 the engine's buffers; recognition runs on the engine's
 *                 threads and is not in this figure.
 * Streams per core = 20 ms / cost. The pushes into the rings are the
 * workers' cost and are not timed.
 *
 * Speech-to-text separately: STT_UTTERANCES commands in one stream through
 * the pipeline with the engine on (1 thread), JSGF grammar and n-gram LM;
 * RTF = the engine's recognition thread CPU time / audio recognised
 * (pipeline counters stt_decode_ms / stt_audio_ms).
 */
#include <inttypes.h>
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

#define ROUNDS 3
#define FRAME 960u

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

/* ns per packet of a bare decode; the decoded PCM into @out (npkts * 960) if not NULL. */
static double
run_decode(const struct pkt *p, size_t n, int16_t *out)
{
	int err;
	OpusDecoder *d = opus_decoder_create(48000, 1, &err);
	int16_t pcm[FRAME];
	uint64_t t0 = cpu_ns();

	for (size_t i = 0; i < n; i++) {
		sink += (uint64_t)opus_decode(
		        d, p[i].data, p[i].len, out ? out + i * FRAME : pcm, FRAME, 0);
	}
	double ns = (double)(cpu_ns() - t0) / (double)n;
	opus_decoder_destroy(d);
	return ns;
}

static double
run_rx(const struct pkt *p, size_t n)
{
	struct opus_rx *rx;
	struct opus_rx_frame f;
	uint64_t t0;

	if (opus_rx_create(NULL, &rx) != 0)
		exit(1);
	t0 = cpu_ns();
	for (size_t i = 0; i < n; i++) {
		opus_rx_push(rx, (uint16_t)i, (uint32_t)(i * FRAME), p[i].data, (size_t)p[i].len,
		        i * 20000u);
		while (opus_rx_pull(rx, i * 20000u, &f))
			sink += (uint16_t)f.pcm[7];
	}
	double ns = (double)(cpu_ns() - t0) / (double)n;
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
		if (opus_rx_create(NULL, &rx[s]) != 0)
			exit(1);
	for (size_t k = 0; k < ticks; k++) {
		uint64_t a = cpu_ns();
		for (uint32_t s = 0; s < ns; s++) {
			const struct pkt *pk = &p[(k + s * 17u) % npkts];
			opus_rx_push(rx[s], (uint16_t)k, (uint32_t)(k * FRAME), pk->data,
			        (size_t)pk->len, k * 20000u);
			while (opus_rx_pull(rx[s], k * 20000u, &f))
				sink += (uint16_t)f.pcm[7];
		}
		t += cpu_ns() - a;
	}
	for (uint32_t s = 0; s < ns; s++)
		opus_rx_free(rx[s]);
	free(rx);
	return (double)t / (double)ticks / ns;
}

/* The four ops on @ns rows for @ticks ticks; per-op ns per stream-tick into @op[4]. */
static void
run_kernels(const int16_t *pcm, size_t npkts, uint32_t ns, size_t ticks, double op[4])
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
	for (uint32_t s = 0; s < ns; s++) {
		h->channels[s] = 1;
		h->gain[s] = 1.0f;
	}
	gpu_queue_pcm_batch(q, ns, FRAME, &pb);
	gpu_queue_rs_batch(q, ns, FRAME / 3, &rb);
	gpu_queue_mel_batch(q, ns, FRAME / 3, &mb);
	gpu_queue_vad_batch(q, ns, &vb);
	for (size_t k = 0; k < ticks; k++) {
		for (uint32_t s = 0; s < ns; s++)
			memcpy(h->in + (size_t)s * h->in_stride,
			        pcm + ((k + s * 17u) % npkts) * FRAME, FRAME * sizeof(int16_t));
		uint64_t a = cpu_ns();
		int rc = kernels_pcm_s16_to_f32(g_kb, q, &pb);
		uint64_t b = cpu_ns();
		rc |= kernels_resample(g_kb, q, &rb);
		uint64_t c = cpu_ns();
		rc |= kernels_logmel(g_kb, q, &mb);
		uint64_t d = cpu_ns();
		rc |= kernels_vad(g_kb, q, &vb);
		uint64_t e = cpu_ns();
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
pipe_new(uint32_t streams, uint8_t stt, enum stt_mode mode, const char *jsgf)
{
	struct media_pipeline_config cfg;
	struct media_pipeline *p;
	int rc;

	media_pipeline_config_default(&cfg);
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
        const char *jsgf, uint64_t st[MEDIA_PIPE_C_MAX])
{
	struct media_pipeline *p = pipe_new(ns, stt, STT_MODE_JSGF, jsgf);
	struct media_pipeline_event ev;
	uint64_t t = 0;

	for (size_t k = 0; k < ticks; k++) {
		for (uint32_t s = 0; s < ns; s++)
			push(p, s, k, &pk[(k + s * 17u) % npkts]);
		uint64_t a = cpu_ns();
		media_pipeline_poll(p, k * 20000u);
		t += cpu_ns() - a;
		while (media_pipeline_poll_event(p, &ev)) /* the control lcore's side */
			sink += ev.kind;
	}
	media_pipeline_stats(p, st);
	media_pipeline_destroy(p);
	return (double)t / (double)ticks / ns;
}

static void
bench_loop(uint32_t ns, unsigned seconds)
{
	int16_t *speech, *dec;
	size_t nsp, npkts = (size_t)seconds * 50u, ticks = npkts;
	struct pkt *pk;
	double best[7], op[4], bop[4] = {1e30, 1e30, 1e30, 1e30};
	uint64_t st[MEDIA_PIPE_C_MAX], st2[MEDIA_PIPE_C_MAX];
	char jsgf[1024];

	if (media_speech_make(bench_text, 48000, &speech, &nsp) != 0 ||
	        stt_jsgf_from_phrases(cmds, NCMDS, jsgf, sizeof(jsgf)) < 0)
		exit(1);
	pk = encode(speech, nsp, npkts);
	dec = malloc(npkts * FRAME * sizeof(int16_t));
	run_decode(pk, npkts, dec);
	for (int i = 0; i < 7; i++)
		best[i] = 1e30;
	for (int r = 0; r < ROUNDS; r++) {
		double v[7];
		v[0] = run_decode(pk, npkts, NULL);
		v[1] = run_rx(pk, npkts);
		run_kernels(dec, npkts, ns, ticks, op);
		v[2] = op[0] + op[1] + op[2] + op[3];
		v[3] = op[1] + op[2] + op[3];
		v[4] = run_pipeline(pk, npkts, ns, ticks, 0, NULL, st);
		v[5] = run_pipeline(pk, npkts, ns, ticks, 1, jsgf, st2);
		v[6] = run_rx_multi(pk, npkts, ns, ticks);
		for (int i = 0; i < 7; i++)
			best[i] = v[i] < best[i] ? v[i] : best[i];
		for (int i = 0; i < 4; i++)
			bop[i] = op[i] < bop[i] ? op[i] : bop[i];
	}
	printf("Media loop: %u streams, %zu ticks of 20 ms (%u s of speech each), kernels '%s', "
	       "thread CPU time, best of %d\n",
	        ns, ticks, seconds, g_kb->name, ROUNDS);
	static const char *const names[7] = {"opus_decode", "opus_rx", "kernels (4 ops)",
	        "  rs+mel+vad", "pipeline", "pipeline+cut", "opus_rx x N"};
	for (int i = 0; i < 7; i++)
		printf("  %-16s %9.1f ns/stream-frame %7.0f streams/core  x%.3f of opus_decode%s\n",
		        names[i], best[i], 20e6 / best[i], best[i] / best[0],
		        i == 0 ? " (baseline)" : "");
	static const char *const opn[4] = {"pcm", "resample", "logmel", "vad"};
	for (int i = 0; i < 4; i++)
		printf("    %-14s %9.1f ns/stream-frame  x%.3f of opus_decode\n", opn[i], bop[i],
		        bop[i] / best[0]);
	double rest = best[4] - best[1] - best[2], rest_n = best[4] - best[6] - best[2];
	printf("  pipeline - opus_rx - kernels = %.1f ns/stream-frame (%.1f %% of the pipeline)\n",
	        rest, 100.0 * rest / best[4]);
	printf("  pipeline - opus_rx x N - kernels = %.1f ns/stream-frame (%.1f %%): rings, "
	       "lookup, "
	       "copies, batch, events\n",
	        rest_n, 100.0 * rest_n / best[4]);
	printf("  per tick: %.2f batches, %.1f kernel calls (= CUDA launches), %.0f rows per "
	       "batch; frames %" PRIu64 ", state swaps %" PRIu64 ", speech starts %" PRIu64
	       ", events lost %" PRIu64 "\n",
	        (double)st[MEDIA_PIPE_C_BATCHES] / st[MEDIA_PIPE_C_TICKS],
	        (double)st[MEDIA_PIPE_C_KERNEL_CALLS] / st[MEDIA_PIPE_C_TICKS],
	        (double)st[MEDIA_PIPE_C_FRAMES] / st[MEDIA_PIPE_C_BATCHES], st[MEDIA_PIPE_C_FRAMES],
	        st[MEDIA_PIPE_C_STATE_SWAPS], st[MEDIA_PIPE_C_SPEECH_STARTS],
	        st[MEDIA_PIPE_C_EVENTS_LOST]);
	printf("  pipeline+cut: %" PRIu64 " utterances queued, %" PRIu64 " dropped (engine busy)\n",
	        st2[MEDIA_PIPE_C_STT_QUEUED], st2[MEDIA_PIPE_C_STT_DROPPED]);
	free(dec);
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
	struct media_pipeline *p = pipe_new(4, 1, mode, jsgf);
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
	char why[256], jsgf[1024];

	if (ns < 1 || ns > MEDIA_PIPE_STREAMS_MAX || seconds < 1 || seconds > 600 || nutt > NCMDS) {
		fprintf(stderr,
		        "usage: bench_pipeline [STREAMS [SECONDS [STT_UTTERANCES (0..%zu)]]]\n",
		        NCMDS);
		return 64;
	}
	g_kb = kernels_backend_select(KERNELS_PREF_AUTO, why, sizeof(why));
	if (g_kb == NULL)
		return 1;
	printf("kernels: %s\n", why);
	bench_loop(ns, seconds);
	if (nutt > 0) {
		if (stt_jsgf_from_phrases(cmds, NCMDS, jsgf, sizeof(jsgf)) < 0)
			return 1;
		printf("Speech-to-text through the pipeline: %u commands, 1 engine thread\n", nutt);
		bench_stt(nutt, STT_MODE_JSGF, jsgf);
		bench_stt(nutt, STT_MODE_LM, NULL);
	}
	return 0;
}
