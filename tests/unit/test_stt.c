/*
 * Speech-to-text through the stt interface with the pocketsphinx backend,
 * on real speech: 18 short commands spoken by espeak-ng (voice
 * MEDIA_SPEECH_VOICE), resampled to 16 kHz, recognised by pocketsphinx's
 * en-us model with the n-gram LM and with a JSGF grammar of the commands,
 * directly and after a trip through Opus (32 kbit/s) and the Opus receiver.
 *
 * The word error rates are printed and checked against bounds set from
 * what was measured here (everything is deterministic: same audio, same
 * model, each utterance recognised on its own, same result): LM 25/46 =
 * 54.3 % (bound 60 %), JSGF 0/46 (bound 5 %), JSGF after Opus with 5 %
 * loss 0/46. espeak-ng's synthetic voice is far from the model's training
 * speech; with a grammar the search has few choices and gets all right.
 *
 * Also: the thread pool (every submitted utterance gets exactly one final
 * result, full-queue drops counted and reported), handles, truncation,
 * partial results, float input, config errors, and destroying an engine
 * with work in flight (run under valgrind for leaks: docs/media.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <opus/opus.h>

#include "media_speech.h"
#include "opus_rx.h"
#include "stt.h"

static const char *const g_phrases[] = {
        "what time is it",
        "hello",
        "stop",
        "play music",
        "turn on the light",
        "turn off the light",
        "call mom",
        "open the door",
        "close the window",
        "next song",
        "volume up",
        "volume down",
        "good morning",
        "cancel",
        "yes",
        "no",
        "set a timer for five minutes",
        "what is the weather today",
};
#define NPHRASES (sizeof(g_phrases) / sizeof(g_phrases[0]))

static int16_t *g_pcm[NPHRASES]; /* 16 kHz */
static size_t g_n[NPHRASES];
static char g_jsgf[2048];

#define WER_LM_BOUND 0.60
#define WER_JSGF_BOUND 0.05

static int
setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPHRASES; i++)
		if (media_speech_make(g_phrases[i], 16000, &g_pcm[i], &g_n[i]) != 0)
			return -1;
	if (stt_jsgf_from_phrases(g_phrases, NPHRASES, g_jsgf, sizeof(g_jsgf)) < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPHRASES; i++)
		free(g_pcm[i]);
	return 0;
}

/* Split @s into words (at most 64 of up to 31 characters). */
static int
words_of(const char *s, char w[64][32])
{
	int n = 0;

	while (*s != '\0' && n < 64) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		int k = 0;
		while (*s != '\0' && *s != ' ') {
			if (k < 31)
				w[n][k++] = *s;
			s++;
		}
		w[n++][k] = '\0';
	}
	return n;
}

/* Word-level Levenshtein distance: substitutions + deletions + insertions. */
static int
word_errors(const char *ref, const char *hyp, int *nref)
{
	static char a[64][32], b[64][32];
	static int d[65][65];
	int n = words_of(ref, a), m = words_of(hyp, b);

	for (int i = 0; i <= n; i++)
		d[i][0] = i;
	for (int j = 0; j <= m; j++)
		d[0][j] = j;
	for (int i = 1; i <= n; i++)
		for (int j = 1; j <= m; j++) {
			int c = d[i - 1][j - 1] + (strcmp(a[i - 1], b[j - 1]) != 0);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	*nref = n;
	return d[n][m];
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/*
 * Poll until @want final results arrived (partials are counted in
 * *@partials if not NULL). A hang guard of 10 minutes, not a time bound.
 */
static size_t
poll_finals(struct stt_engine *e, struct stt_result *res, size_t want, size_t *partials)
{
	size_t got = 0;
	static struct stt_result r;

	for (long spins = 0; got < want && spins < 60000; spins++) {
		if (stt_poll(e, &r) == 0) {
			sleep_ms(10);
			continue;
		}
		if (!r.final) {
			if (partials != NULL)
				(*partials)++;
			continue;
		}
		res[got++] = r;
	}
	return got;
}

static struct stt_engine *
engine(enum stt_mode mode, uint32_t workers, uint32_t queue_len)
{
	struct stt_config cfg;
	struct stt_engine *e = NULL;

	stt_config_default(&cfg);
	cfg.mode = mode;
	cfg.jsgf = mode == STT_MODE_JSGF ? g_jsgf : NULL;
	cfg.workers = workers;
	cfg.queue_len = queue_len;
	cfg.max_open = 32;
	assert_int_equal(stt_engine_create(stt_backend_find("pocketsphinx"), &cfg, &e), 0);
	assert_string_equal(stt_engine_name(e), "pocketsphinx");
	return e;
}

static void
submit(struct stt_engine *e, uint64_t stream, uint64_t t0_us, const int16_t *pcm, size_t n)
{
	struct stt_utt_info info = {.stream = stream, .t0_us = t0_us};
	uint32_t utt;

	assert_int_equal(stt_utt_begin(e, &info, &utt), 0);
	assert_int_not_equal(utt, 0);
	/* fed in 20 ms pieces, as the media lcore does */
	for (size_t off = 0; off < n; off += 320)
		assert_int_equal(
		        stt_utt_feed_s16(e, utt, pcm + off, n - off < 320 ? n - off : 320), 0);
	assert_int_equal(stt_utt_end(e, utt), 0);
}

/* Recognise all phrases (from @pcm) and return the WER; checks every result. */
static double
run_wer(struct stt_engine *e, int16_t *const *pcm, const size_t *n, const char *label)
{
	static struct stt_result res[NPHRASES];
	int errs = 0, words = 0;
	uint64_t seen_seq = 0;
	uint64_t ctr[STT_C_MAX];

	for (size_t i = 0; i < NPHRASES; i++)
		submit(e, 100 + i, 1000000u * (i + 1), pcm[i], n[i]);
	assert_int_equal(poll_finals(e, res, NPHRASES, NULL), NPHRASES);
	for (size_t k = 0; k < NPHRASES; k++) {
		const struct stt_result *r = &res[k];
		size_t i = r->stream - 100;
		int nref;
		assert_true(i < NPHRASES);
		assert_int_equal(r->final, 1);
		assert_int_equal(r->status, STT_OK);
		assert_int_equal(r->t0_us, 1000000u * (i + 1));
		assert_int_equal(r->audio_us, (uint64_t)n[i] * 1000000u / 16000u);
		assert_true(r->utt_seq >= 1 && !(seen_seq & (1ull << r->utt_seq)));
		seen_seq |= 1ull << r->utt_seq;
		/* the words are the text's words, in order, inside the utterance */
		char joined[STT_TEXT_MAX] = "";
		for (unsigned w = 0; w < r->nwords; w++) {
			const struct stt_word *wd = &r->words[w];
			if (w > 0)
				strcat(joined, " ");
			strcat(joined, wd->word);
			assert_true(wd->start_us >= r->t0_us && wd->end_us > wd->start_us);
			assert_true(wd->end_us <= r->t0_us + r->audio_us + 20000);
			assert_true(wd->confidence == -1.0f ||
			            (wd->confidence >= 0.0f && wd->confidence <= 1.0f));
		}
		assert_string_equal(joined, r->text);
		assert_true(
		        r->confidence == -1.0f || (r->confidence >= 0.0f && r->confidence <= 1.0f));
		errs += word_errors(g_phrases[i], r->text, &nref);
		words += nref;
		print_message("%s: %-30s -> %-30s conf %.2f rtf %.3f\n", label, g_phrases[i],
		        r->text, r->confidence, (double)r->decode_us / (double)r->audio_us);
	}
	stt_counters(e, ctr);
	assert_int_equal(ctr[STT_C_SUBMITTED], NPHRASES);
	assert_int_equal(ctr[STT_C_FINALS], NPHRASES);
	assert_int_equal(ctr[STT_C_POLLED], NPHRASES);
	assert_int_equal(ctr[STT_C_QUEUE_FULL], 0);
	assert_int_equal(ctr[STT_C_FAILED], 0);
	print_message("%s: WER %d/%d = %.1f %%\n", label, errs, words, 100.0 * errs / words);
	return (double)errs / words;
}

static void
test_wer_lm(void **state)
{
	(void)state;
	struct stt_engine *e = engine(STT_MODE_LM, 2, 32);
	double wer = run_wer(e, g_pcm, g_n, "LM");

	assert_true(wer < WER_LM_BOUND);
	stt_engine_destroy(e);
}

static void
test_wer_jsgf(void **state)
{
	(void)state;
	struct stt_engine *e = engine(STT_MODE_JSGF, 2, 32);
	double wer = run_wer(e, g_pcm, g_n, "JSGF");

	assert_true(wer <= WER_JSGF_BOUND);
	stt_engine_destroy(e);
}

/*
 * The media path: 48 kHz speech -> Opus 32 kbit/s 20 ms -> opus_rx (with
 * 5 % of the packets lost) -> 16 kHz -> JSGF recognition.
 */
static void
test_wer_jsgf_via_opus(void **state)
{
	(void)state;
	int16_t *pcm[NPHRASES];
	size_t n[NPHRASES];
	uint32_t seed = 7;
	unsigned lost = 0;

	for (size_t i = 0; i < NPHRASES; i++) {
		int16_t *s48, *out;
		size_t n48, np, nout = 0;
		int err;
		OpusEncoder *enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
		struct opus_rx *rx;
		struct opus_rx_frame f;

		assert_int_equal(media_speech_make(g_phrases[i], 48000, &s48, &n48), 0);
		opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
		opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
		opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
		assert_int_equal(opus_rx_create(NULL, &rx), 0);
		np = n48 / 960;
		out = calloc((np + 2) * 960, sizeof(int16_t));
		for (size_t k = 0; k < np; k++) {
			uint8_t pkt[1500];
			int len = opus_encode(enc, s48 + k * 960, 960, pkt, sizeof(pkt));
			assert_true(len > 0);
			seed = seed * 1664525u + 1013904223u;
			if (k > 0 && (seed >> 8) % 100 < 5) {
				lost++;
				continue;
			}
			opus_rx_push(
			        rx, (uint16_t)k, (uint32_t)(k * 960), pkt, (size_t)len, k * 20000);
			while (opus_rx_pull(rx, k * 20000, &f))
				memcpy(out + 960 * nout++, f.pcm, sizeof(f.pcm));
		}
		while (opus_rx_drain(rx, &f))
			memcpy(out + 960 * nout++, f.pcm, sizeof(f.pcm));
		pcm[i] = media_speech_resample(out, nout * 960, 48000, 16000, &n[i]);
		assert_non_null(pcm[i]);
		opus_rx_free(rx);
		opus_encoder_destroy(enc);
		free(out);
		free(s48);
	}
	print_message("via Opus: %u packets lost\n", lost);
	struct stt_engine *e = engine(STT_MODE_JSGF, 2, 32);
	double wer = run_wer(e, pcm, n, "JSGF via Opus");
	assert_true(wer <= WER_JSGF_BOUND);
	stt_engine_destroy(e);
	for (size_t i = 0; i < NPHRASES; i++)
		free(pcm[i]);
}

/* Floats in [-1, 1) that are int16 / 32768 give exactly the int16 result. */
static void
test_f32_input(void **state)
{
	(void)state;
	struct stt_engine *e = engine(STT_MODE_JSGF, 1, 4);
	struct stt_result res[2];
	struct stt_utt_info info = {.stream = 1, .t0_us = 0};
	const size_t k = 16; /* "set a timer for five minutes" */
	float *f = malloc(g_n[k] * sizeof(float));
	uint32_t utt;

	for (size_t i = 0; i < g_n[k]; i++)
		f[i] = (float)g_pcm[k][i] / 32768.0f;
	submit(e, 0, 0, g_pcm[k], g_n[k]);
	assert_int_equal(poll_finals(e, res, 1, NULL), 1);
	assert_int_equal(stt_utt_begin(e, &info, &utt), 0);
	assert_int_equal(stt_utt_feed_f32(e, utt, f, g_n[k]), 0);
	assert_int_equal(stt_utt_end(e, utt), 0);
	assert_int_equal(poll_finals(e, res + 1, 1, NULL), 1);
	assert_string_equal(res[0].text, g_phrases[k]);
	assert_string_equal(res[1].text, res[0].text);
	assert_int_equal(res[1].nwords, res[0].nwords);
	for (unsigned w = 0; w < res[0].nwords; w++) {
		assert_int_equal(res[1].words[w].start_us, res[0].words[w].start_us);
		assert_int_equal(res[1].words[w].end_us, res[0].words[w].end_us);
	}
	/* out of range and NaN are clamped, not undefined */
	f[0] = 3.0f;
	f[1] = -3.0f;
	f[2] = __builtin_nanf("");
	assert_int_equal(stt_utt_begin(e, &info, &utt), 0);
	assert_int_equal(stt_utt_feed_f32(e, utt, f, 3), 0);
	assert_int_equal(stt_utt_abort(e, utt), 0);
	free(f);
	stt_engine_destroy(e);
}

/*
 * One thread, a queue of one: of 8 utterances ended back to back, the
 * first goes to the thread, the next waits, the rest find the queue full
 * unless the thread finished a 3 s LM recognition (~1.5 s of CPU here)
 * within the microseconds between two calls. Whatever the timing, every
 * end() either returned 0 and gets exactly one final result, or returned
 * -ENOBUFS and is counted as a drop.
 */
static void
test_queue_full(void **state)
{
	(void)state;
	struct stt_engine *e = engine(STT_MODE_LM, 1, 1);
	struct stt_result res[8];
	uint64_t ctr[STT_C_MAX];
	uint32_t utt[8];
	const size_t k = 16;
	int accepted = 0, dropped = 0;
	uint64_t seqs = 0;

	for (int i = 0; i < 8; i++) {
		struct stt_utt_info info = {.stream = (uint64_t)i, .t0_us = 0};
		assert_int_equal(stt_utt_begin(e, &info, &utt[i]), 0);
		/* three copies: about 6 s of audio */
		for (int c = 0; c < 3; c++)
			assert_int_equal(stt_utt_feed_s16(e, utt[i], g_pcm[k], g_n[k]), 0);
	}
	for (int i = 0; i < 8; i++) {
		int rc = stt_utt_end(e, utt[i]);
		assert_true(rc == 0 || rc == -ENOBUFS);
		if (rc == 0)
			accepted++;
		else
			dropped++;
	}
	stt_counters(e, ctr);
	assert_int_equal(ctr[STT_C_SUBMITTED], accepted);
	assert_int_equal(ctr[STT_C_QUEUE_FULL], dropped);
	assert_true(dropped >= 1);
	assert_int_equal(poll_finals(e, res, (size_t)accepted, NULL), accepted);
	for (int i = 0; i < accepted; i++) {
		assert_true(!(seqs & (1ull << res[i].utt_seq)));
		seqs |= 1ull << res[i].utt_seq;
	}
	/* and no more */
	sleep_ms(50);
	assert_int_equal(stt_poll(e, &res[0]), 0);
	stt_counters(e, ctr);
	assert_int_equal(ctr[STT_C_FINALS], accepted);
	print_message("queue of 1: %d of 8 accepted, %d dropped and counted\n", accepted, dropped);
	/* the handles are used up */
	assert_int_equal(stt_utt_end(e, utt[0]), -ESTALE);
	stt_engine_destroy(e);
}

static void
test_handles_and_limits(void **state)
{
	(void)state;
	struct stt_config cfg;
	struct stt_engine *e;
	struct stt_utt_info info = {.stream = 9, .t0_us = 5};
	uint32_t u[3], v;
	uint64_t ctr[STT_C_MAX];
	int16_t s[10] = {0};

	stt_config_default(&cfg);
	cfg.mode = STT_MODE_JSGF;
	cfg.jsgf = g_jsgf;
	cfg.max_open = 2;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), 0);
	assert_int_equal(stt_utt_begin(e, &info, &u[0]), 0);
	assert_int_equal(stt_utt_begin(e, &info, &u[1]), 0);
	assert_int_equal(stt_utt_begin(e, &info, &u[2]), -EBUSY);
	assert_int_equal(stt_utt_feed_s16(e, u[0], NULL, 5), -EINVAL);
	assert_int_equal(stt_utt_feed_s16(e, 0, s, 10), -ESTALE);
	assert_int_equal(stt_utt_feed_s16(e, 0xffff, s, 10), -ESTALE);
	assert_int_equal(
	        stt_utt_feed_s16(e, u[0] ^ 0x10000u, s, 10), -ESTALE); /* wrong generation */
	/* empty: not queued */
	assert_int_equal(stt_utt_end(e, u[0]), -ENODATA);
	assert_int_equal(stt_utt_abort(e, u[1]), 0);
	assert_int_equal(stt_utt_abort(e, u[1]), -ESTALE);
	assert_int_equal(stt_utt_feed_s16(e, u[0], s, 10), -ESTALE);
	/* slots are reused with a new generation: the old handle stays dead */
	assert_int_equal(stt_utt_begin(e, &info, &v), 0);
	assert_int_not_equal(v, u[0]);
	assert_int_not_equal(v, u[1]);
	assert_int_equal(stt_utt_feed_s16(e, u[0], s, 10), -ESTALE);
	assert_int_equal(stt_utt_abort(e, v), 0);
	stt_counters(e, ctr);
	assert_int_equal(ctr[STT_C_BEGUN], 3);
	assert_int_equal(ctr[STT_C_OPEN_FULL], 1);
	assert_int_equal(ctr[STT_C_EMPTY], 1);
	assert_int_equal(ctr[STT_C_ABORTED], 2);
	assert_int_equal(ctr[STT_C_STALE], 6);
	assert_int_equal(ctr[STT_C_SUBMITTED], 0);
	for (unsigned c = 0; c < STT_C_MAX; c++)
		assert_non_null(stt_counter_name(c));
	assert_null(stt_counter_name(STT_C_MAX));
	stt_engine_destroy(e);
}

static void
test_truncate_and_partials(void **state)
{
	(void)state;
	struct stt_config cfg;
	struct stt_engine *e;
	struct stt_result res[1];
	struct stt_result r;
	struct stt_utt_info info = {.stream = 3, .t0_us = 0};
	uint64_t ctr[STT_C_MAX];
	uint32_t utt;
	size_t partials = 0;
	const size_t k = 16;

	stt_config_default(&cfg);
	cfg.max_utt_ms = 1000;
	cfg.mode = STT_MODE_JSGF;
	cfg.jsgf = g_jsgf;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), 0);
	assert_true(g_n[k] > 16000);
	submit(e, 3, 0, g_pcm[k], g_n[k]);
	assert_int_equal(poll_finals(e, res, 1, NULL), 1);
	assert_int_equal(res[0].status, STT_TRUNCATED);
	assert_int_equal(res[0].audio_us, 1000000);
	stt_counters(e, ctr);
	assert_int_equal(ctr[STT_C_TRUNCATED], 1);
	stt_engine_destroy(e);

	/* partials: one per 300 ms of decoded audio, all before the final */
	stt_config_default(&cfg);
	cfg.partial_ms = 300;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), 0);
	assert_int_equal(stt_utt_begin(e, &info, &utt), 0);
	assert_int_equal(stt_utt_feed_s16(e, utt, g_pcm[k], g_n[k]), 0);
	assert_int_equal(stt_utt_end(e, utt), 0);
	assert_int_equal(poll_finals(e, res, 1, &partials), 1);
	assert_int_equal(stt_poll(e, &r), 0);
	stt_counters(e, ctr);
	size_t want = (g_n[k] + 4799) / 4800 - 1; /* chunks but the last */
	print_message("partials: %zu for %.2f s of audio; final \"%s\"\n", partials,
	        (double)g_n[k] / 16000, res[0].text);
	assert_int_equal(ctr[STT_C_PARTIALS] + ctr[STT_C_PARTIAL_DROP], want);
	assert_int_equal(partials, ctr[STT_C_PARTIALS]);
	assert_true(partials >= 1);
	assert_int_equal(res[0].status, STT_OK);
	stt_engine_destroy(e);
}

/* Destroy with utterances queued, one being decoded and results unpolled. */
static void
test_destroy_in_flight(void **state)
{
	(void)state;
	struct stt_engine *e = engine(STT_MODE_LM, 2, 8);
	struct stt_utt_info info = {.stream = 1, .t0_us = 0};
	uint32_t open_utt;

	for (int i = 0; i < 6; i++)
		submit(e, (uint64_t)i, 0, g_pcm[16], g_n[16]);
	assert_int_equal(stt_utt_begin(e, &info, &open_utt), 0);
	assert_int_equal(stt_utt_feed_s16(e, open_utt, g_pcm[0], g_n[0]), 0);
	sleep_ms(20);
	stt_engine_destroy(e); /* joins the threads, frees everything (valgrind: no leak) */
}

static void
test_config_errors(void **state)
{
	(void)state;
	struct stt_config cfg;
	struct stt_engine *e = NULL;
	struct stt_backend other = stt_pocketsphinx_backend;

	assert_ptr_equal(stt_backend_find("pocketsphinx"), &stt_pocketsphinx_backend);
	assert_null(stt_backend_find("whisper"));
	assert_null(stt_backend_find(NULL));
	other.api_version = STT_API_VERSION + 1;
	assert_int_equal(stt_engine_create(&other, NULL, &e), -EPROTO);
	assert_int_equal(stt_engine_create(NULL, NULL, &e), -EINVAL);
	stt_config_default(&cfg);
	cfg.model_dir = "/nonexistent/model";
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -ENOENT);
	stt_config_default(&cfg);
	cfg.lm = "/nonexistent.lm.bin";
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -ENOENT);
	stt_config_default(&cfg);
	cfg.mode = STT_MODE_JSGF;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	cfg.jsgf = "#JSGF V1.0;\ngrammar broken;\npublic <x> = ( unclosed ;\n";
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	cfg.jsgf =
	        "#JSGF V1.0;\ngrammar w;\npublic <x> = qzxvbnmword;\n"; /* not in the dictionary */
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	stt_config_default(&cfg);
	cfg.workers = 0;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	cfg.workers = 17;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	stt_config_default(&cfg);
	cfg.max_utt_ms = 100;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	cfg.max_utt_ms = 10000;
	cfg.mode = (enum stt_mode)7;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), -EINVAL);
	assert_null(e);
}

static void
test_jsgf_from_phrases(void **state)
{
	(void)state;
	char buf[256];
	const char *two[] = {"stop", "turn on the light"};
	const char *bad1[] = {"Stop"};
	const char *bad2[] = {"stop  now"};
	const char *bad3[] = {"stop;"};
	const char *bad4[] = {""};
	static const char want[] = "#JSGF V1.0;\ngrammar commands;\npublic <command> = stop | "
	                           "turn on the light;\n";

	assert_int_equal(stt_jsgf_from_phrases(two, 2, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(stt_jsgf_from_phrases(two, 2, buf, strlen(want) + 1), (int)strlen(want));
	assert_int_equal(stt_jsgf_from_phrases(two, 2, buf, strlen(want)), -ENOSPC);
	assert_int_equal(stt_jsgf_from_phrases(bad1, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(stt_jsgf_from_phrases(bad2, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(stt_jsgf_from_phrases(bad3, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(stt_jsgf_from_phrases(bad4, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(stt_jsgf_from_phrases(two, 0, buf, sizeof(buf)), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_jsgf_from_phrases),
	        cmocka_unit_test(test_config_errors),
	        cmocka_unit_test(test_handles_and_limits),
	        cmocka_unit_test(test_wer_jsgf),
	        cmocka_unit_test(test_wer_lm),
	        cmocka_unit_test(test_wer_jsgf_via_opus),
	        cmocka_unit_test(test_f32_input),
	        cmocka_unit_test(test_truncate_and_partials),
	        cmocka_unit_test(test_queue_full),
	        cmocka_unit_test(test_destroy_in_flight),
	};
	/* RTC_TEST_FILTER=test_destroy_in_flight valgrind ...: one test (cmocka's glob) */
	if (getenv("RTC_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("RTC_TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
