/*
 * libFuzzer target: the WAV reader of the play command (media/tts.c,
 * tts_render_wav): a RIFF/WAVE file in memory to 20 ms Opus packets.
 * Input: the file (at most 64 KB, so one run encodes at most a few seconds).
 * Invariants: NULL exactly when *err is set, and then err is one of the
 * documented codes; a clip has 1..TTS_MAX_PACKETS packets whose offsets grow
 * and stay inside the clip, and each packet decodes with libopus to exactly
 * 960 samples; nothing reads past the input (exact-size heap copy under ASan).
 * Seeds: corpus/tts_wav/ (gen_tts_wav_seeds.py: espeak-ng's own WAV cut short,
 * PCM mono/stereo at 8-48 kHz, odd chunks, lying sizes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opus/opus.h>

#include "tts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static OpusDecoder *dec;
	uint8_t *copy;
	struct tts_clip *c;
	int16_t pcm[960];
	int err = 12345;

	if (size > 65536)
		return 0;
	if (dec == NULL && (dec = opus_decoder_create(48000, 1, &err)) == NULL)
		abort();
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	c = tts_render_wav(copy, size, &err);
	free(copy);
	if (c == NULL) {
		if (err != -EPROTO && err != -ENOMEM && err != -EIO)
			abort();
		return 0;
	}
	if (err != 0 || c->n < 1 || c->n > TTS_MAX_PACKETS || c->off[0] != 0)
		abort();
	for (unsigned i = 0; i < c->n; i++) {
		if (c->off[i + 1] <= c->off[i] || c->off[i + 1] - c->off[i] > TTS_PKT_MAX)
			abort();
		if (opus_decode(dec, c->data + c->off[i], (opus_int32)(c->off[i + 1] - c->off[i]), pcm,
				    960, 0) != 960)
			abort();
	}
	tts_clip_free(c);
	return 0;
}
