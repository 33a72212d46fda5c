/*
 * bench_media: the media lcore's costs, each next to a baseline measured in
 * the same run.
 *
 *   bench_media [SECONDS_OF_SPEECH [RTF_REPEATS]]   (default 10 and 5)
 *
 * Opus receive. espeak-ng speech (MEDIA_SPEECH_VOICE) resampled to 48 kHz,
 * encoded once by libopus as WebRTC sends voice (VOIP, mono, 20 ms, 32
 * kbit/s, in-band FEC), repeated to SECONDS_OF_SPEECH. Then, per packet,
 * best of 5 rounds, thread CPU time:
 *   memcpy       payload copied into a tap message (the floor of any path)
 *   tap_ring     media_tap_ring_push + peek + release (worker -> media lcore)
 *   opus_decode  bare libopus opus_decode() in order (baseline)
 *   opus_rx      opus_rx_push + opus_rx_pull, no loss
 *   opus_rx_loss opus_rx with 5 % of the packets lost (PLC / FEC) and the
 *                same number of frames produced
 * Streams per core = 20 ms / (ns per packet): how many 32 kbit/s voice
 * streams one core decodes in real time (decode only, nothing else).
 *
 * Speech-to-text. A known utterance (BENCH_RTF_TEXT, about 4 s) through the
 * stt engine (pocketsphinx, one thread), RTF = recognition thread CPU time /
 * audio duration, median of RTF_REPEATS, for the n-gram LM and for a JSGF
 * grammar; and, as the baseline, the same audio through ps_process_raw()
 * on a bare pocketsphinx decoder in this thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opus/opus.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include "media_speech.h"
#include "opus_rx.h"
#include "stt.h"
#include "tap_ring.h"

#define ROUNDS 5
#define BENCH_RTF_TEXT "please set a timer for five minutes and then play some music in the kitchen"

static const char *const bench_text =
        "Please turn on the light in the kitchen. What time is it? The quick brown fox jumps "
        "over the lazy dog. Set a timer for five minutes and then play some music.";

struct pkt {
	uint8_t data[400];
	int len;
};

static volatile uint64_t sink;

static uint64_t
cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
run_memcpy(const struct pkt *p, size_t n)
{
	static struct media_tap_msg m;
	uint64_t t0 = cpu_ns();
	for (size_t i = 0; i < n; i++) {
		memcpy(m.payload, p[i].data, (size_t)p[i].len);
		m.len = (uint16_t)p[i].len;
		sink += m.payload[0];
	}
	return (double)(cpu_ns() - t0) / (double)n;
}

static double
run_ring(const struct pkt *p, size_t n)
{
	struct media_tap_ring *r;
	struct media_tap_msg h = {0};
	const struct media_tap_msg *v[32];
	uint64_t t0;

	if (media_tap_ring_create(64, &r) != 0)
		exit(1);
	t0 = cpu_ns();
	for (size_t i = 0; i < n; i += 32) {
		size_t b = n - i < 32 ? n - i : 32;
		for (size_t k = 0; k < b; k++) {
			h.seq = (uint16_t)(i + k);
			media_tap_ring_push(r, &h, p[i + k].data, (size_t)p[i + k].len);
		}
		unsigned got = media_tap_ring_peek(r, v, 32);
		for (unsigned k = 0; k < got; k++)
			sink += v[k]->payload[0];
		media_tap_ring_release(r, got);
	}
	double ns = (double)(cpu_ns() - t0) / (double)n;
	media_tap_ring_free(r);
	return ns;
}

static double
run_decode(const struct pkt *p, size_t n)
{
	int err;
	OpusDecoder *d = opus_decoder_create(48000, 1, &err);
	int16_t pcm[960];
	uint64_t t0 = cpu_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uint64_t)opus_decode(d, p[i].data, p[i].len, pcm, 960, 0) +
		        (uint16_t)pcm[100];
	double ns = (double)(cpu_ns() - t0) / (double)n;
	opus_decoder_destroy(d);
	return ns;
}

static double
run_rx(const struct pkt *p, size_t n, int loss)
{
	struct opus_rx *rx;
	struct opus_rx_frame f;
	uint32_t seed = 99;
	uint64_t t0, frames = 0;

	if (opus_rx_create(NULL, &rx) != 0)
		exit(1);
	t0 = cpu_ns();
	for (size_t i = 0; i < n; i++) {
		uint64_t now = i * 20000u;
		seed = seed * 1664525u + 1013904223u;
		if (!(loss && i > 0 && (seed >> 8) % 100 < 5))
			opus_rx_push(rx, (uint16_t)i, (uint32_t)(i * 960), p[i].data,
			        (size_t)p[i].len, now);
		while (opus_rx_pull(rx, now, &f))
			frames++;
	}
	while (opus_rx_drain(rx, &f))
		frames++;
	double ns = (double)(cpu_ns() - t0) / (double)n;
	if (frames != n) {
		fprintf(stderr, "opus_rx produced %" PRIu64 " frames for %zu packets\n", frames, n);
		exit(1);
	}
	opus_rx_free(rx);
	return ns;
}

static double
best_of(double (*fn)(const struct pkt *, size_t), const struct pkt *p, size_t n)
{
	double best = 1e30;
	for (int r = 0; r < ROUNDS; r++) {
		double v = fn(p, n);
		if (v < best)
			best = v;
	}
	return best;
}

static double
rx_lossless(const struct pkt *p, size_t n)
{
	return run_rx(p, n, 0);
}

static double
rx_loss(const struct pkt *p, size_t n)
{
	return run_rx(p, n, 1);
}

static void
bench_opus(unsigned seconds)
{
	int16_t *s;
	size_t ns, n = (size_t)seconds * 50u;
	int err, bytes = 0;
	OpusEncoder *enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
	struct pkt *p = calloc(n, sizeof(*p));

	if (media_speech_make(bench_text, 48000, &s, &ns) != 0 || enc == NULL || p == NULL)
		exit(1);
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
	for (size_t i = 0; i < n; i++) {
		size_t at = (i * 960) % (ns - 960); /* the speech, repeated */
		p[i].len = opus_encode(enc, s + at, 960, p[i].data, sizeof(p[i].data));
		if (p[i].len <= 0)
			exit(1);
		bytes += p[i].len;
	}
	opus_encoder_destroy(enc);
	free(s);

	printf("Opus receive: %zu packets (%u s of speech), mean payload %.1f octets (%.1f "
	       "kbit/s)\n",
	        n, seconds, (double)bytes / (double)n, (double)bytes * 8 / seconds / 1000);
	double t_mem = best_of(run_memcpy, p, n);
	double t_ring = best_of(run_ring, p, n);
	double t_dec = best_of(run_decode, p, n);
	double t_rx = best_of(rx_lossless, p, n);
	double t_loss = best_of(rx_loss, p, n);
	printf("  %-14s %9.1f ns/packet  %9.0f streams/core  x%.4f of opus_decode\n", "memcpy",
	        t_mem, 20e6 / t_mem, t_mem / t_dec);
	printf("  %-14s %9.1f ns/packet  %9.0f streams/core  x%.4f of opus_decode\n", "tap_ring",
	        t_ring, 20e6 / t_ring, t_ring / t_dec);
	printf("  %-14s %9.1f ns/packet  %9.0f streams/core  x%.4f (baseline)\n", "opus_decode",
	        t_dec, 20e6 / t_dec, 1.0);
	printf("  %-14s %9.1f ns/packet  %9.0f streams/core  x%.4f of opus_decode\n", "opus_rx",
	        t_rx, 20e6 / t_rx, t_rx / t_dec);
	printf("  %-14s %9.1f ns/packet  %9.0f streams/core  x%.4f of opus_decode\n",
	        "opus_rx_loss5%", t_loss, 20e6 / t_loss, t_loss / t_dec);
	free(p);
}

/* RTF of the engine on @pcm: median over @reps. */
static double
engine_rtf(enum stt_mode mode, const char *jsgf, const int16_t *pcm, size_t n, unsigned reps,
        char *text, size_t tlen)
{
	struct stt_config cfg;
	struct stt_engine *e;
	struct stt_result r;
	double *v = calloc(reps, sizeof(double)), med;

	stt_config_default(&cfg);
	cfg.mode = mode;
	cfg.jsgf = jsgf;
	cfg.max_utt_ms = 20000;
	if (stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e) != 0)
		exit(1);
	for (unsigned k = 0; k < reps; k++) {
		struct stt_utt_info info = {.stream = k, .t0_us = 0};
		uint32_t u;
		if (stt_utt_begin(e, &info, &u) != 0 || stt_utt_feed_s16(e, u, pcm, n) != 0 ||
		        stt_utt_end(e, u) != 0)
			exit(1);
		for (;;) {
			if (stt_poll(e, &r) == 1 && r.final)
				break;
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL);
		}
		v[k] = (double)r.decode_us / (double)r.audio_us;
	}
	snprintf(text, tlen, "%s", r.text);
	qsort(v, reps, sizeof(double), cmp_double);
	med = v[reps / 2];
	free(v);
	stt_engine_destroy(e);
	return med;
}

static double
bare_rtf(const int16_t *pcm, size_t n, unsigned reps)
{
	cmd_ln_t *cl = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm",
	        "/usr/share/pocketsphinx/model/en-us/en-us", "-dict",
	        "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict", "-lm",
	        "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin", NULL);
	ps_decoder_t *ps = ps_init(cl);
	double *v = calloc(reps, sizeof(double)), med;

	if (ps == NULL)
		exit(1);
	for (unsigned k = 0; k < reps; k++) {
		uint64_t t0 = cpu_ns();
		ps_start_stream(ps);
		ps_start_utt(ps);
		ps_process_raw(ps, pcm, n, FALSE, TRUE);
		ps_end_utt(ps);
		int32 score;
		sink += (uintptr_t)ps_get_hyp(ps, &score);
		v[k] = (double)(cpu_ns() - t0) / 1e9 / ((double)n / 16000.0);
	}
	qsort(v, reps, sizeof(double), cmp_double);
	med = v[reps / 2];
	free(v);
	ps_free(ps);
	cmd_ln_free_r(cl);
	return med;
}

static void
bench_stt(unsigned reps)
{
	static const char *const phrases[] = {BENCH_RTF_TEXT};
	char jsgf[512], t_lm[STT_TEXT_MAX], t_jsgf[STT_TEXT_MAX];
	int16_t *pcm;
	size_t n;

	if (media_speech_make(BENCH_RTF_TEXT, 16000, &pcm, &n) != 0 ||
	        stt_jsgf_from_phrases(phrases, 1, jsgf, sizeof(jsgf)) < 0)
		exit(1);
	err_set_logfp(NULL);
	double bare = bare_rtf(pcm, n, reps);
	double lm = engine_rtf(STT_MODE_LM, NULL, pcm, n, reps, t_lm, sizeof(t_lm));
	double gr = engine_rtf(STT_MODE_JSGF, jsgf, pcm, n, reps, t_jsgf, sizeof(t_jsgf));
	printf("Speech-to-text: \"%s\" (%.2f s of 16 kHz audio), median of %u\n", BENCH_RTF_TEXT,
	        (double)n / 16000, reps);
	printf("  %-26s RTF %.3f (baseline)\n", "bare ps_process_raw, LM", bare);
	printf("  %-26s RTF %.3f  x%.3f of bare   -> \"%s\"\n", "stt engine, LM", lm, lm / bare,
	        t_lm);
	printf("  %-26s RTF %.3f  x%.3f of bare   -> \"%s\"\n", "stt engine, JSGF", gr, gr / bare,
	        t_jsgf);
	free(pcm);
}

int
main(int argc, char **argv)
{
	unsigned seconds = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
	unsigned reps = argc > 2 ? (unsigned)atoi(argv[2]) : 5;

	if (seconds < 1 || seconds > 3600 || reps < 1 || reps > 100) {
		fprintf(stderr, "usage: bench_media [SECONDS_OF_SPEECH [RTF_REPEATS]]\n");
		return 64;
	}
	bench_opus(seconds);
	bench_stt(reps);
	return 0;
}
