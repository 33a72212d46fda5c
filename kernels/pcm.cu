/*
 * CUDA kernel of the PCM conversion (specification in kernels.h).
 *
 * One thread per output sample, grid-stride, one launch per batch. Each
 * arithmetic step is spelled with an explicit round-to-nearest intrinsic
 * and the file is built with -fmad=false -ftz=false -prec-div=true, so the
 * result is bit-identical to pcm_cpu.c.
 */
#include <cuda_runtime.h>

#include "kernels_internal.h"

namespace
{

constexpr unsigned int pcm_block = 256;
constexpr unsigned int pcm_max_blocks = 65535;

__device__ __forceinline__ float
pcm_clamp(float y)
{
	return y < -1.0f ? -1.0f : (y > KERNELS_PCM_OUT_MAX ? KERNELS_PCM_OUT_MAX : y);
}

__global__ void
pcm_s16_to_f32_kernel(const int16_t *__restrict__ in, uint32_t in_pitch,
        const struct kernels_pcm_param *__restrict__ param, float *__restrict__ out,
        uint32_t frames, uint64_t n)
{
	uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
	uint64_t step = (uint64_t)gridDim.x * blockDim.x;

	for (; i < n; i += step) {
		uint32_t s = (uint32_t)(i / frames);
		uint32_t f = (uint32_t)(i % frames);
		const int16_t *x = in + (size_t)s * in_pitch;
		struct kernels_pcm_param p = param[s];
		float v;

		if (p.channels == 2)
			v = __fmul_rn(__int2float_rn((int)x[2 * f] + (int)x[2 * f + 1]), 0.5f);
		else
			v = __int2float_rn(x[f]);
		out[i] = pcm_clamp(__fmul_rn(__fmul_rn(v, p.gain), 0x1p-15f));
	}
}

} // namespace

extern "C" int
kernels_cuda_pcm_launch(const int16_t *d_in, uint32_t in_pitch,
        const struct kernels_pcm_param *d_param, float *d_out, uint32_t nstreams, uint32_t frames,
        void *stream)
{
	uint64_t n = (uint64_t)nstreams * frames;
	uint64_t blocks = (n + pcm_block - 1) / pcm_block;

	if (n == 0)
		return (int)cudaSuccess;
	if (blocks > pcm_max_blocks)
		blocks = pcm_max_blocks;
	pcm_s16_to_f32_kernel<<<(unsigned int)blocks, pcm_block, 0, (cudaStream_t)stream>>>(
	        d_in, in_pitch, d_param, d_out, frames, n);
	return (int)cudaGetLastError();
}
