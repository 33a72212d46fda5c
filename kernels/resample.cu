/*
 * CUDA kernel of the resampler, 48 kHz -> 16 kHz (specification in
 * kernels.h). One launch per batch: grid (output blocks, streams), one
 * thread per output sample summing the 72 taps in the specification's
 * order (k ascending, no FMA: -fmad=false), so it gives resample_cpu.c's
 * bits. States are double-buffered on the device (read st_in, write
 * st_out), so no thread can see a history another has already replaced.
 */
#include <cuda_runtime.h>

#include "dsp_tables.h"
#include "kernels_internal.h"

namespace
{

constexpr unsigned int rs_block = 128;
constexpr unsigned int rs_max_blocks = 65535;

__constant__ float c_fir[KERNELS_RS_TAPS] = DSP_RS_FIR_INIT;

/* x[i] of the stream: this call's input, or the history for i < 0. */
__device__ __forceinline__ float
rs_x(const float *x, const float *hist, int64_t i)
{
	return i >= 0 ? x[i] : hist[KERNELS_RS_HIST + i];
}

__global__ void
rs_kernel(const float *__restrict__ in, float *__restrict__ out,
        const struct kernels_rs_state *__restrict__ st_in,
        struct kernels_rs_state *__restrict__ st_out, uint32_t out_frames)
{
	uint32_t s = blockIdx.y, nin = 3 * out_frames;
	const float *x = in + (size_t)s * nin;
	const float *hist = st_in[s].hist;

	for (uint32_t n = blockIdx.x * blockDim.x + threadIdx.x; n < out_frames;
	        n += gridDim.x * blockDim.x) {
		float acc = 0.0f;

		for (int k = 0; k < (int)KERNELS_RS_TAPS; k++)
			acc = acc + c_fir[k] * rs_x(x, hist, 3 * (int64_t)n + 2 - k);
		out[(size_t)s * out_frames + n] = acc;
	}
	/* The new history: the last 69 samples of hist ++ x; the padding as it was. */
	if (blockIdx.x == 0) {
		for (uint32_t t = threadIdx.x; t < KERNELS_RS_HIST; t += blockDim.x)
			st_out[s].hist[t] = rs_x(x, hist, (int64_t)nin - KERNELS_RS_HIST + t);
		if (threadIdx.x < 3)
			st_out[s].pad[threadIdx.x] = st_in[s].pad[threadIdx.x];
	}
}

} // namespace

extern "C" int
kernels_cuda_rs_launch(const float *d_in, float *d_out, const struct kernels_rs_state *st_in,
        struct kernels_rs_state *st_out, uint32_t nstreams, uint32_t out_frames, void *stream)
{
	uint32_t blocks = (out_frames + rs_block - 1) / rs_block;

	if (nstreams == 0 || out_frames == 0)
		return (int)cudaSuccess;
	if (blocks > rs_max_blocks)
		blocks = rs_max_blocks;
	rs_kernel<<<dim3(blocks, nstreams), rs_block, 0, (cudaStream_t)stream>>>(
	        d_in, d_out, st_in, st_out, out_frames);
	return (int)cudaGetLastError();
}
