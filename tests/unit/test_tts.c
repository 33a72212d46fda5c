/*
 * media/tts.c: WAV files and espeak-ng speech to 20 ms Opus packets, checked
 * by decoding them with libopus; malformed WAVs refused; the render thread's
 * queue (order, tags, errors, a full queue).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <opus/opus.h>

#include "media_speech.h"
#include "tts.h"

/* A RIFF/WAVE of 16-bit PCM; @bits and @fmt let a test break it. */
static uint8_t *
wav_make(const int16_t *pcm, size_t frames, unsigned channels, unsigned rate, unsigned bits,
		unsigned fmt, size_t *len)
{
	size_t data = frames * channels * 2;
	uint8_t *w = malloc(44 + data);
	uint32_t v;

	assert_non_null(w);
	memcpy(w, "RIFF", 4);
	v = (uint32_t)(36 + data);
	memcpy(w + 4, &v, 4);
	memcpy(w + 8, "WAVEfmt ", 8);
	v = 16;
	memcpy(w + 16, &v, 4);
	w[20] = (uint8_t)fmt, w[21] = 0;
	w[22] = (uint8_t)channels, w[23] = 0;
	memcpy(w + 24, &rate, 4);
	v = rate * channels * 2;
	memcpy(w + 28, &v, 4);
	w[32] = (uint8_t)(channels * 2), w[33] = 0;
	w[34] = (uint8_t)bits, w[35] = 0;
	memcpy(w + 36, "data", 4);
	v = (uint32_t)data;
	memcpy(w + 40, &v, 4);
	memcpy(w + 44, pcm, data);
	*len = 44 + data;
	return w;
}

static int16_t *
sine(double hz, unsigned rate, size_t n, unsigned channels)
{
	int16_t *p = malloc(n * channels * sizeof(*p));

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		for (unsigned c = 0; c < channels; c++)
			p[i * channels + c] = (int16_t)(8000.0 * sin(2.0 * M_PI * hz * (double)i / rate));
	return p;
}

/* Decode every packet at 48 kHz: *@n samples. */
static int16_t *
decode(const struct tts_clip *c, size_t *n)
{
	int err;
	OpusDecoder *d = opus_decoder_create(48000, 1, &err);
	int16_t *out = malloc((size_t)c->n * 960 * sizeof(*out));

	assert_non_null(d);
	assert_non_null(out);
	*n = 0;
	for (unsigned i = 0; i < c->n; i++) {
		int got = opus_decode(d, c->data + c->off[i], (opus_int32)(c->off[i + 1] - c->off[i]),
				out + *n, 960, 0);
		assert_int_equal(got, 960); /* every packet is 20 ms */
		*n += (size_t)got;
	}
	opus_decoder_destroy(d);
	return out;
}

static double
rms(const int16_t *p, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)p[i] * p[i];
	return n ? sqrt(e / (double)n) : 0;
}

/* Zero crossings per second of the middle of @p: a tone's frequency. */
static double
freq(const int16_t *p, size_t n, unsigned rate)
{
	size_t a = n / 4, b = 3 * n / 4, z = 0;

	for (size_t i = a + 1; i < b; i++)
		z += (p[i - 1] < 0) != (p[i] < 0);
	return (double)z / 2.0 / ((double)(b - a) / rate);
}

/* Mono 16 kHz and stereo 44.1 kHz tones come out as 48 kHz Opus of the same tone. */
static void
test_wav_tones(void **state)
{
	static const struct {
		unsigned rate, channels;
		size_t frames;
	} cases[] = {{16000, 1, 16000}, {44100, 2, 44100}, {8000, 1, 4000}, {48000, 1, 48000}};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t len, n;
		int16_t *src = sine(440.0, cases[k].rate, cases[k].frames, cases[k].channels);
		uint8_t *w = wav_make(src, cases[k].frames, cases[k].channels, cases[k].rate, 16, 1,
				&len);
		int err = 1;
		struct tts_clip *c = tts_render_wav(w, len, &err);
		int16_t *pcm;
		double f, r;

		assert_non_null(c);
		assert_int_equal(err, 0);
		/* whole 20 ms frames, the last one padded */
		assert_int_equal(c->n, (cases[k].frames * 50 + cases[k].rate - 1) / cases[k].rate);
		pcm = decode(c, &n);
		f = freq(pcm, n, 48000);
		r = rms(pcm + n / 4, n / 2);
		printf("  %u Hz x%u: %u packets, %u octets, tone %.1f Hz, rms %.0f (source 5657)\n",
				cases[k].rate, cases[k].channels, c->n, c->off[c->n], f, r);
		assert_true(fabs(f - 440.0) < 5.0);
		assert_true(r > 5657 * 0.8 && r < 5657 * 1.2);
		free(pcm);
		tts_clip_free(c);
		free(w);
		free(src);
	}
}

/* Whatever is not a 16-bit PCM WAV of 1-2 channels at 8-48 kHz is refused, and nothing
 * breaks on a truncated or lying file. */
static void
test_wav_refused(void **state)
{
	int16_t *src = sine(300.0, 16000, 1600, 2);
	size_t len;
	uint8_t *w;
	int err;

	(void)state;
	w = wav_make(src, 1600, 1, 16000, 8, 1, &len); /* 8 bits */
	assert_null(tts_render_wav(w, len, &err));
	assert_int_equal(err, -EPROTO);
	free(w);
	w = wav_make(src, 1600, 1, 16000, 16, 3, &len); /* float */
	assert_null(tts_render_wav(w, len, &err));
	free(w);
	w = wav_make(src, 800, 3, 16000, 16, 1, &len); /* 3 channels */
	assert_null(tts_render_wav(w, len, &err));
	free(w);
	w = wav_make(src, 1600, 1, 96000, 16, 1, &len); /* 96 kHz */
	assert_null(tts_render_wav(w, len, &err));
	free(w);
	w = wav_make(src, 1600, 1, 4000, 16, 1, &len); /* 4 kHz */
	assert_null(tts_render_wav(w, len, &err));
	free(w);
	w = wav_make(src, 0, 1, 16000, 16, 1, &len); /* no samples */
	assert_null(tts_render_wav(w, len, &err));
	assert_int_equal(err, -EPROTO);
	/* every truncation of a good file: refused or a clip, never a read past the end */
	free(w);
	w = wav_make(src, 100, 1, 16000, 16, 1, &len);
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *t = malloc(cut ? cut : 1);
		struct tts_clip *c;
		memcpy(t, w, cut);
		c = tts_render_wav(t, cut, &err);
		assert_true((c == NULL) == (err != 0));
		if (cut < 46) /* not one sample */
			assert_null(c);
		tts_clip_free(c);
		free(t);
	}
	/* a fmt chunk that claims more than the file holds */
	w[16] = 0xff, w[17] = 0xff, w[18] = 0xff, w[19] = 0x7f;
	assert_null(tts_render_wav(w, len, &err));
	memcpy(w, "RIFX", 4);
	assert_null(tts_render_wav(w, len, &err));
	free(w);
	free(src);
}

/* Frame energies (10 ms) of @p. */
static void
envelope(const int16_t *p, size_t n, double *env, size_t frames)
{
	for (size_t f = 0; f < frames; f++)
		env[f] = (f + 1) * 480 <= n ? rms(p + f * 480, 480) : 0;
}

static double
ncc(const double *a, const double *b, size_t n)
{
	double ab = 0, aa = 0, bb = 0, ma = 0, mb = 0;

	for (size_t i = 0; i < n; i++)
		ma += a[i], mb += b[i];
	ma /= (double)n, mb /= (double)n;
	for (size_t i = 0; i < n; i++) {
		ab += (a[i] - ma) * (b[i] - mb);
		aa += (a[i] - ma) * (a[i] - ma);
		bb += (b[i] - mb) * (b[i] - mb);
	}
	return ab / sqrt(aa * bb);
}

/* espeak-ng's speech through tts_render_text: the decoded envelope is espeak-ng's own
 * (rendered here independently and resampled with the tests' sinc resampler). */
static void
test_text(void **state)
{
	const char *text = "hello from the edge";
	int16_t *ref22, *ref48, *pcm;
	size_t n22, n48, n, frames;
	unsigned rate;
	int err = 1;
	struct tts_clip *c;
	double *e1, *e2, best = -1;

	(void)state;
	c = tts_render_text(text, "en-us", &err);
	assert_non_null(c);
	assert_int_equal(err, 0);
	assert_int_equal(media_speech_espeak("en-us", 0, text, &ref22, &n22, &rate), 0);
	ref48 = media_speech_resample(ref22, n22, rate, 48000, &n48);
	assert_non_null(ref48);
	pcm = decode(c, &n);
	assert_int_equal(c->n, (n48 + 959) / 960);
	frames = n48 / 480;
	e1 = calloc(frames, sizeof(*e1));
	e2 = calloc(frames + 2, sizeof(*e2));
	envelope(ref48, n48, e1, frames);
	envelope(pcm, n, e2, frames + 2);
	for (size_t lag = 0; lag < 2; lag++) /* Opus's 6.5 ms delay: within one frame */
		if (ncc(e1, e2 + lag, frames) > best)
			best = ncc(e1, e2 + lag, frames);
	printf("  '%s': %u packets (%.2f s), %u octets (%.1f kbit/s), envelope NCC %.3f, "
	       "rms %.0f vs %.0f\n",
			text, c->n, c->n * 0.02, c->off[c->n], c->off[c->n] * 8.0 / (c->n * 20.0),
			best, rms(pcm, n), rms(ref48, n48));
	assert_true(best > 0.9);
	assert_true(rms(pcm, n) > 0.7 * rms(ref48, n48) && rms(pcm, n) < 1.3 * rms(ref48, n48));
	assert_null(tts_render_text("", NULL, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(tts_render_text("hi", "-w/tmp/x", &err)); /* not an option to espeak-ng */
	assert_int_equal(err, -EINVAL);
	free(e1);
	free(e2);
	free(pcm);
	free(ref22);
	free(ref48);
	tts_clip_free(c);
}

static int
poll_one(struct tts_queue *q, uint64_t *tag, struct tts_clip **clip, int *err)
{
	/* a bound on a hang, not a performance threshold: espeak-ng takes ~0.1 s here */
	for (int i = 0; i < 3000; i++) {
		if (tts_queue_poll(q, tag, clip, err))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* The thread: jobs done in order, with their tags; errors come back as such. */
static void
test_queue(void **state)
{
	char path[] = "/tmp/rtcedge-test-tts-XXXXXX";
	int16_t *src = sine(500.0, 16000, 8000, 1);
	size_t len;
	uint8_t *w = wav_make(src, 8000, 1, 16000, 16, 1, &len);
	int fd = mkstemp(path), err;
	struct tts_queue *q;
	struct tts_clip *c;
	uint64_t tag;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, w, len), (ssize_t)len);
	close(fd);
	assert_int_equal(tts_queue_create(0, &q), -EINVAL);
	assert_int_equal(tts_queue_create(4, &q), 0);
	assert_int_equal(tts_queue_say(q, 1ull << 40 | 7, "yes", NULL), 0);
	assert_int_equal(tts_queue_play(q, 2, path), 0);
	assert_int_equal(tts_queue_play(q, 3, "/nonexistent/rtcedge.wav"), 0);
	assert_int_equal(tts_queue_play(q, 4, "/etc/hostname"), 0); /* not a WAV */
	assert_int_equal(tts_queue_say(q, 5, "", NULL), -EINVAL);
	assert_int_equal(tts_queue_say(q, 5, "full", NULL), -ENOBUFS); /* 4 waiting or running */
	assert_true(poll_one(q, &tag, &c, &err));
	assert_int_equal(tag, 1ull << 40 | 7);
	assert_non_null(c);
	assert_int_equal(c->tag, tag);
	assert_true(c->n > 5);
	tts_clip_free(c);
	assert_true(poll_one(q, &tag, &c, &err));
	assert_int_equal(tag, 2);
	assert_non_null(c);
	assert_int_equal(c->n, 25); /* 0.5 s */
	tts_clip_free(c);
	assert_true(poll_one(q, &tag, &c, &err));
	assert_int_equal(tag, 3);
	assert_null(c);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(tts_strerror(err), "not found");
	assert_true(poll_one(q, &tag, &c, &err));
	assert_int_equal(tag, 4);
	assert_null(c);
	assert_int_equal(err, -EPROTO);
	assert_int_equal(tts_queue_poll(q, &tag, &c, &err), 0);
	/* destroyed with a job waiting and one done: nothing leaks (valgrind/ASan builds) */
	assert_int_equal(tts_queue_say(q, 6, "one", NULL), 0);
	assert_int_equal(tts_queue_say(q, 7, "two", NULL), 0);
	assert_true(poll_one(q, &tag, &c, &err));
	tts_clip_free(c);
	tts_queue_destroy(q);
	unlink(path);
	free(w);
	free(src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wav_tones),
		cmocka_unit_test(test_wav_refused),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
