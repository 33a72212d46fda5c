/*
 * Utterance cutting with a real engine (pocketsphinx, JSGF grammar of the
 * commands): a 16 kHz stream of espeak-ng commands between pauses, VAD marks
 * placed 100 ms late (start) and 100 ms after the end, pushed in 20 ms
 * frames. Checked: each command comes back recognised with the media time
 * of its first sample (start mark - pre-roll), the maximum length cut, the
 * minimum length, late / bad / redundant marks, stream discontinuities,
 * flush, and an engine without a free slot.
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

#include "media_speech.h"
#include "utterance.h"

static const char *const g_cmds[] = {
        "turn on the light", "stop", "set a timer for five minutes", "what time is it"};
#define NCMDS 4
#define LATE 1600u /* a VAD's start decision 100 ms after the speech began */
#define HANG 1600u /* and its end 100 ms after it ended */

static char g_jsgf[512];
static int16_t *g_stream;
static size_t g_len;
static uint64_t g_start[NCMDS], g_end[NCMDS];

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* 0.5 s of faint noise, then each command followed by 0.6 s of it. */
static int
setup(void **state)
{
	(void)state;
	int16_t *pcm[NCMDS];
	size_t n[NCMDS], total = 8000;
	uint32_t seed = 1;

	if (stt_jsgf_from_phrases(g_cmds, NCMDS, g_jsgf, sizeof(g_jsgf)) < 0)
		return -1;
	for (int i = 0; i < NCMDS; i++) {
		if (media_speech_make(g_cmds[i], 16000, &pcm[i], &n[i]) != 0)
			return -1;
		total += n[i] + 9600;
	}
	g_stream = malloc(total * sizeof(int16_t));
	for (size_t k = 0; k < total; k++)
		g_stream[k] = (int16_t)((int)(lcg(&seed) % 61) - 30);
	size_t at = 8000;
	for (int i = 0; i < NCMDS; i++) {
		memcpy(g_stream + at, pcm[i], n[i] * sizeof(int16_t));
		g_start[i] = at;
		g_end[i] = at + n[i];
		at += n[i] + 9600;
		free(pcm[i]);
	}
	g_len = total;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(g_stream);
	return 0;
}

static struct stt_engine *
engine(uint32_t max_open)
{
	struct stt_config cfg;
	struct stt_engine *e;

	stt_config_default(&cfg);
	cfg.mode = STT_MODE_JSGF;
	cfg.jsgf = g_jsgf;
	cfg.max_open = max_open;
	assert_int_equal(stt_engine_create(&stt_pocketsphinx_backend, &cfg, &e), 0);
	return e;
}

/* Push [from, to) of the stream in 20 ms frames, with the marks that fall in each. */
static void
push_range(struct media_utt *u, uint64_t base, size_t from, size_t to,
        const struct media_vad_mark *marks, size_t nmarks)
{
	size_t mi = 0;

	for (size_t off = from; off < to; off += 320) {
		size_t n = to - off < 320 ? to - off : 320;
		size_t m0 = mi;
		while (mi < nmarks && marks[mi].pos < base + off + n)
			mi++;
		assert_int_equal(media_utt_push(u, base + off, g_stream + off, n,
		                         mi > m0 ? marks + m0 : NULL, mi - m0),
		        0);
	}
}

static size_t
collect(struct stt_engine *e, struct stt_result *res, size_t want)
{
	size_t got = 0;
	struct timespec ts = {0, 10000000};

	for (int spins = 0; got < want && spins < 30000; spins++) {
		if (stt_poll(e, &res[got]) == 1) {
			if (res[got].final)
				got++;
		} else {
			nanosleep(&ts, NULL);
		}
	}
	return got;
}

static void
test_commands(void **state)
{
	(void)state;
	struct stt_engine *e = engine(4);
	struct media_utt *u;
	struct media_vad_mark marks[2 * NCMDS];
	struct stt_result res[NCMDS];
	const uint64_t base = 16000u * 3600u; /* an hour into the stream */
	const uint64_t *c;

	assert_int_equal(media_utt_create(NULL, e, 42, &u), 0);
	for (int i = 0; i < NCMDS; i++) {
		marks[2 * i] = (struct media_vad_mark){
		        .pos = base + g_start[i] + LATE, .kind = MEDIA_VAD_START};
		marks[2 * i + 1] = (struct media_vad_mark){
		        .pos = base + g_end[i] + HANG, .kind = MEDIA_VAD_END};
	}
	push_range(u, base, 0, g_len, marks, 2 * NCMDS);
	assert_false(media_utt_in_speech(u));
	assert_int_equal(collect(e, res, NCMDS), NCMDS);
	for (int i = 0; i < NCMDS; i++) {
		/* the pre-roll (200 ms) reaches back before the late start mark */
		uint64_t first = base + g_start[i] + LATE - 3200;
		print_message("utterance %d: \"%s\" t0 %.3f s, %.2f s of audio\n", i, res[i].text,
		        (double)res[i].t0_us / 1e6, (double)res[i].audio_us / 1e6);
		assert_int_equal(res[i].stream, 42);
		assert_string_equal(res[i].text, g_cmds[i]);
		assert_int_equal(res[i].t0_us, first * 1000000u / 16000u);
		assert_int_equal(
		        res[i].audio_us, (base + g_end[i] + HANG - first) * 1000000u / 16000u);
		assert_true(res[i].words[0].start_us >= res[i].t0_us);
	}
	c = media_utt_counters(u);
	assert_int_equal(c[MEDIA_UTT_C_UTTERANCES], NCMDS);
	for (unsigned k = MEDIA_UTT_C_CUT_MAX; k < MEDIA_UTT_C_MAX; k++)
		assert_int_equal(c[k], 0);
	media_utt_free(u);
	stt_engine_destroy(e);
}

static void
test_max_min_and_marks(void **state)
{
	(void)state;
	struct stt_engine *e = engine(4);
	struct media_utt_config cfg;
	struct media_utt *u;
	struct stt_result res[4];
	const uint64_t *c;
	const int k = 2; /* "set a timer for five minutes", about 2 s */

	media_utt_config_default(&cfg);
	cfg.max_ms = 800;
	cfg.min_ms = 100;
	assert_int_equal(media_utt_create(&cfg, e, 7, &u), 0);
	struct media_vad_mark m[] = {
	        {.pos = g_start[k], .kind = MEDIA_VAD_START},
	        {.pos = g_end[k], .kind = MEDIA_VAD_END},
	};
	uint64_t len = g_end[k] - g_start[k] + 3200; /* with the pre-roll */
	size_t pieces = (size_t)((len + 12799) / 12800);
	push_range(u, 0, g_start[k] - 8000, g_end[k] + 8000, m, 2);
	c = media_utt_counters(u);
	assert_int_equal(c[MEDIA_UTT_C_CUT_MAX], pieces - 1);
	assert_int_equal(c[MEDIA_UTT_C_UTTERANCES] + c[MEDIA_UTT_C_TOO_SHORT], pieces);
	assert_int_equal(
	        collect(e, res, (size_t)c[MEDIA_UTT_C_UTTERANCES]), c[MEDIA_UTT_C_UTTERANCES]);
	/* consecutive pieces: each starts where the previous one was cut */
	for (size_t i = 1; i < c[MEDIA_UTT_C_UTTERANCES]; i++)
		assert_int_equal(res[i].t0_us, res[i - 1].t0_us + 800000u);
	assert_int_equal(res[0].t0_us, (g_start[k] - 3200) * 1000000u / 16000u);
	assert_int_equal(res[0].audio_us, 800000u);
	media_utt_free(u);

	/* too short: 50 ms between start and end, no pre-roll */
	cfg.preroll_ms = 0;
	assert_int_equal(media_utt_create(&cfg, e, 8, &u), 0);
	struct media_vad_mark s[] = {
	        {.pos = 1000, .kind = MEDIA_VAD_START}, {.pos = 1800, .kind = MEDIA_VAD_END},
	        {.pos = 1900, .kind = MEDIA_VAD_END},   /* redundant */
	        {.pos = 1850, .kind = MEDIA_VAD_START}, /* out of order */
	        {.pos = 2000, .kind = 9},               /* unknown kind */
	        {.pos = 5000, .kind = MEDIA_VAD_START}, /* past this push */
	};
	assert_int_equal(media_utt_push(u, 0, g_stream, 3200, s, 6), 0);
	c = media_utt_counters(u);
	assert_int_equal(c[MEDIA_UTT_C_TOO_SHORT], 1);
	assert_int_equal(c[MEDIA_UTT_C_UTTERANCES], 0);
	assert_int_equal(c[MEDIA_UTT_C_MARK_REDUNDANT], 1);
	assert_int_equal(c[MEDIA_UTT_C_MARK_BAD], 3);
	assert_int_equal(media_utt_push(u, 0, NULL, 10, NULL, 0), -EINVAL);
	assert_int_equal(media_utt_push(u, 0, g_stream, 10, NULL, 1), -EINVAL);

	/* a late start (before this push) uses the pre-roll; a discontinuity ends the utterance */
	media_utt_free(u);
	media_utt_config_default(&cfg);
	assert_int_equal(media_utt_create(&cfg, e, 9, &u), 0);
	push_range(u, 0, g_start[1] - 4800, g_start[1] + 320, NULL, 0);
	struct media_vad_mark late = {.pos = g_start[1] - 800, .kind = MEDIA_VAD_START};
	assert_int_equal(
	        media_utt_push(u, g_start[1] + 320, g_stream + g_start[1] + 320, 320, &late, 1), 0);
	assert_true(media_utt_in_speech(u));
	push_range(u, 0, g_start[1] + 640, g_end[1], NULL, 0);
	/* the stream jumps: the open utterance is ended (and submitted) */
	assert_int_equal(media_utt_push(u, g_end[1] + 100000, g_stream, 320, NULL, 0), 0);
	assert_false(media_utt_in_speech(u));
	c = media_utt_counters(u);
	assert_int_equal(c[MEDIA_UTT_C_DISCONT], 1);
	assert_int_equal(c[MEDIA_UTT_C_UTTERANCES], 1);
	assert_int_equal(collect(e, res, 1), 1);
	assert_int_equal(res[0].t0_us, (g_start[1] - 800 - 3200) * 1000000u / 16000u);
	assert_string_equal(res[0].text, "stop");

	/* flush ends an open utterance */
	struct media_vad_mark st = {.pos = g_end[1] + 100320, .kind = MEDIA_VAD_START};
	assert_int_equal(
	        media_utt_push(u, g_end[1] + 100320, g_stream + g_start[0], 16000, &st, 1), 0);
	media_utt_flush(u);
	assert_int_equal(media_utt_counters(u)[MEDIA_UTT_C_UTTERANCES], 2);
	assert_int_equal(collect(e, res, 1), 1);
	media_utt_free(u);
	stt_engine_destroy(e);
}

/* Two streams, an engine with one slot: the second speaker is refused and counted. */
static void
test_engine_busy(void **state)
{
	(void)state;
	struct stt_engine *e = engine(1);
	struct media_utt *a, *b;
	struct media_vad_mark m = {.pos = 0, .kind = MEDIA_VAD_START};
	struct stt_result r;

	assert_int_equal(media_utt_create(NULL, e, 1, &a), 0);
	assert_int_equal(media_utt_create(NULL, e, 2, &b), 0);
	assert_int_equal(media_utt_push(a, 0, g_stream + g_start[0], 320, &m, 1), 0);
	assert_int_equal(media_utt_push(b, 0, g_stream + g_start[0], 320, &m, 1), 0);
	assert_int_equal(media_utt_counters(a)[MEDIA_UTT_C_STT_BUSY], 0);
	assert_int_equal(media_utt_counters(b)[MEDIA_UTT_C_STT_BUSY], 1);
	/* b's speech goes on without an utterance; nothing is fed, nothing breaks */
	assert_int_equal(media_utt_push(b, 320, g_stream + g_start[0] + 320, 320, NULL, 0), 0);
	media_utt_free(a); /* abandons a's open utterance */
	media_utt_free(b);
	assert_int_equal(stt_poll(e, &r), 0);
	assert_string_equal(media_utt_counter_name(MEDIA_UTT_C_CUT_MAX), "cut_max_len");
	assert_null(media_utt_counter_name(MEDIA_UTT_C_MAX));
	struct media_utt_config bad;
	media_utt_config_default(&bad);
	bad.min_ms = bad.max_ms + 1;
	assert_int_equal(media_utt_create(&bad, e, 3, &a), -EINVAL);
	assert_int_equal(media_utt_create(NULL, NULL, 3, &a), -EINVAL);
	stt_engine_destroy(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_commands),
	        cmocka_unit_test(test_max_min_and_marks),
	        cmocka_unit_test(test_engine_busy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
