/*
 * The C reference of the VAD (specification in kernels.h): the frame step
 * of dsp_math.h, which the CUDA kernel runs too, over each stream's frames.
 */
#include <string.h>

#include "dsp_math.h"
#include "kernels_internal.h"

void
kernels_vad_cpu_run(const struct kernels_vad_batch *b)
{
	uint32_t w = 0;

	for (uint32_t s = 0; s < b->nstreams; s++)
		w = b->nframes[s] > w ? b->nframes[s] : w;
	for (uint32_t s = 0; s < b->nstreams; s++) {
		const float *e = b->energy + (size_t)s * b->energy_stride;
		struct kernels_vad_event *ev = b->events + (size_t)s * b->events_stride;
		uint32_t n = 0;

		for (uint32_t i = 0; i < b->nframes[s]; i++) {
			uint64_t mark = 0, frame = b->state[s].frame;
			uint32_t kind = dsp_vad_frame(&b->state[s], &b->params[s], e[i], &mark);

			if (kind != 0)
				ev[n++] = (struct kernels_vad_event){
				        .sample = mark, .frame = frame, .kind = kind};
		}
		/* unused slots up to the batch's most frames: zero (kernels.h) */
		memset(ev + n, 0, (w - n) * sizeof(*ev));
		b->nevents[s] = n;
	}
}
