/*
 * The C reference of the PCM conversion (the "cpu" backend object is in
 * backend_cpu.c).
 *
 * This is the definition the CUDA kernels are held to: keep each op a
 * literal transcription of its specification in kernels.h. Built with
 * -ffp-contract=off so no multiply-add is ever fused.
 */
#include "kernels_internal.h"

static inline float
pcm_clamp(float y)
{
	return y < -1.0f ? -1.0f : (y > KERNELS_PCM_OUT_MAX ? KERNELS_PCM_OUT_MAX : y);
}

static void
pcm_row_mono(const int16_t *restrict x, float *restrict y, uint32_t frames, float g)
{
	for (uint32_t f = 0; f < frames; f++)
		y[f] = pcm_clamp(((float)x[f] * g) * 0x1p-15f);
}

static void
pcm_row_stereo(const int16_t *restrict x, float *restrict y, uint32_t frames, float g)
{
	for (uint32_t f = 0; f < frames; f++) {
		float v = (float)((int32_t)x[2 * f] + (int32_t)x[2 * f + 1]) * 0.5f;

		y[f] = pcm_clamp((v * g) * 0x1p-15f);
	}
}

void
kernels_pcm_cpu_run(const struct kernels_pcm_batch *b)
{
	for (uint32_t s = 0; s < b->nstreams; s++) {
		const int16_t *x = b->in + (size_t)s * b->in_stride;
		float *y = b->out + (size_t)s * b->out_stride;

		if (b->channels[s] == 2)
			pcm_row_stereo(x, y, b->frames, b->gain[s]);
		else
			pcm_row_mono(x, y, b->frames, b->gain[s]);
	}
}
