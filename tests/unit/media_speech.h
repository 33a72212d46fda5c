/*
 * Test and bench helper: real speech for the media tests.
 *
 * Owns: running espeak-ng (the real synthesiser, as a child process writing
 * a WAV to a pipe), parsing its 16-bit mono WAV, and a windowed-sinc
 * resampler (double precision, slow, exact enough for tests) to the 48 kHz
 * of Opus and the 16 kHz of the recogniser. Not part of any library.
 */
#ifndef RTC_MEDIA_SPEECH_H
#define RTC_MEDIA_SPEECH_H

#include <stddef.h>
#include <stdint.h>

/*
 * The voice the tests use: American English with espeak-ng's Klatt
 * formant synthesiser (variant klatt2), which pocketsphinx's en-us model
 * recognises far better than the default voice (docs/media.md).
 */
#define MEDIA_SPEECH_VOICE "en-us+klatt2"

/*
 * Speak @text with espeak-ng (voice @voice, e.g. "en-us", at @wpm words per
 * minute, 0 = espeak-ng's default 175) and return its
 * samples in *@pcm (malloc'd, the caller frees), their count in *@n and the
 * rate in *@rate (22050 for espeak-ng). 0, or -1 when espeak-ng could not
 * run or wrote no valid WAV (a message is printed).
 */
int media_speech_espeak(const char *voice, unsigned wpm, const char *text, int16_t **pcm, size_t *n,
        unsigned *rate);

/*
 * Resample @n samples from @rate_in to @rate_out (Blackman-windowed sinc,
 * cut-off 0.45 * the lower rate, 32 zero crossings). Returns a malloc'd
 * buffer of *@n_out samples, or NULL.
 */
int16_t *media_speech_resample(
        const int16_t *in, size_t n, unsigned rate_in, unsigned rate_out, size_t *n_out);

/* espeak-ng text -> @rate_out Hz samples (the two above); 0 or -1. */
int media_speech_make(const char *text, unsigned rate_out, int16_t **pcm, size_t *n);

#endif
