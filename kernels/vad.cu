/*
 * CUDA kernel of the VAD (specification in kernels.h): one thread per
 * stream runs dsp_vad_frame() of dsp_math.h, the very code of vad_cpu.c,
 * over its frames. One launch per batch; states double-buffered.
 */
#include <cuda_runtime.h>

#include "dsp_math.h"
#include "kernels_internal.h"

namespace
{

constexpr unsigned int vad_block = 128;

__global__ void
vad_kernel(const float *__restrict__ energy, const uint32_t *__restrict__ nframes,
        const struct kernels_vad_params *__restrict__ params,
        const struct kernels_vad_state *__restrict__ st_in,
        struct kernels_vad_state *__restrict__ st_out,
        struct kernels_vad_event *__restrict__ events, uint32_t *__restrict__ nevents,
        uint32_t nstreams, uint32_t pitch)
{
	uint32_t s = blockIdx.x * blockDim.x + threadIdx.x;
	struct kernels_vad_state st;
	struct kernels_vad_event *ev;
	const float *e;
	uint32_t n = 0;

	if (s >= nstreams)
		return;
	st = st_in[s];
	e = energy + (size_t)s * pitch;
	ev = events + (size_t)s * pitch;
	for (uint32_t i = 0; i < nframes[s]; i++) {
		uint64_t mark = 0, frame = st.frame;
		uint32_t kind = dsp_vad_frame(&st, &params[s], e[i], &mark);

		if (kind != 0) {
			ev[n].sample = mark;
			ev[n].frame = frame;
			ev[n].kind = kind;
			ev[n].pad = 0;
			n++;
		}
	}
	for (uint32_t i = n; i < pitch; i++) /* zero up to the batch's most frames */
		ev[i] = kernels_vad_event{};
	nevents[s] = n;
	st_out[s] = st;
}

} // namespace

extern "C" int
kernels_cuda_vad_launch(const float *d_energy, const uint32_t *d_nframes,
        const struct kernels_vad_params *d_params, const struct kernels_vad_state *st_in,
        struct kernels_vad_state *st_out, struct kernels_vad_event *d_events, uint32_t *d_nevents,
        uint32_t nstreams, uint32_t energy_pitch, void *stream)
{
	if (nstreams == 0)
		return (int)cudaSuccess;
	vad_kernel<<<(nstreams + vad_block - 1) / vad_block, vad_block, 0, (cudaStream_t)stream>>>(
	        d_energy, d_nframes, d_params, st_in, st_out, d_events, d_nevents, nstreams,
	        energy_pitch);
	return (int)cudaGetLastError();
}
