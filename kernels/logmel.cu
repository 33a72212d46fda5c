/*
 * CUDA kernel of the log-mel op (specification in kernels.h). One launch
 * per batch: grid (frame slots, streams), one block of 128 threads per
 * frame: window into bit-reversed order, the 256-point complex FFT in
 * shared memory (a radix-4 first pass, then radix-2 stages, one butterfly
 * per thread), the real split and power, the mel sums (one thread per
 * filter, bins in order), the band sum (one thread, in order), dsp_lnf().
 * Every value is computed with the operations of logmel_cpu.c in the same
 * order, without FMA (-fmad=false). Slot 0's block also writes the stream's
 * new state and frame count; slots past the stream's frames write zeros.
 */
#include <cuda_runtime.h>

#include "dsp_math.h"
#include "dsp_tables.h"
#include "kernels_internal.h"

namespace
{

constexpr unsigned int mel_threads = 128;
constexpr unsigned int fft_n = 256;
constexpr unsigned int nspec = 257;

__constant__ float c_hann[KERNELS_MEL_WIN] = DSP_HANN_INIT;
__constant__ float c_tw_re[DSP_FFT_TW_N] = DSP_FFT_TW_RE_INIT;
__constant__ float c_tw_im[DSP_FFT_TW_N] = DSP_FFT_TW_IM_INIT;
__constant__ float c_rcos[nspec] = DSP_RFFT_COS_INIT;
__constant__ float c_rsin[nspec] = DSP_RFFT_SIN_INIT;
__constant__ uint8_t c_bitrev[fft_n] = DSP_FFT_BITREV_INIT;
__constant__ uint16_t c_mel_first[KERNELS_MEL_BINS] = DSP_MEL_FIRST_INIT;
__constant__ uint16_t c_mel_count[KERNELS_MEL_BINS] = DSP_MEL_COUNT_INIT;
__constant__ uint16_t c_mel_off[KERNELS_MEL_BINS] = DSP_MEL_OFF_INIT;
__constant__ float c_mel_w[DSP_MEL_NW] = DSP_MEL_W_INIT;

/* Sample i of pend ++ x. */
__device__ __forceinline__ float
mel_y(const struct kernels_mel_state *st, const float *x, uint32_t i)
{
	return i < st->npend ? st->pend[i] : x[i - st->npend];
}

__global__ void
mel_kernel(const float *__restrict__ in, float *__restrict__ out, float *__restrict__ energy,
        uint32_t *__restrict__ nframes, const struct kernels_mel_state *__restrict__ st_in,
        struct kernels_mel_state *__restrict__ st_out, uint32_t in_frames, uint32_t fmax)
{
	__shared__ float re[fft_n], im[fft_n], pw[nspec], mel[KERNELS_MEL_BINS];
	uint32_t s = blockIdx.y, slot = blockIdx.x, t = threadIdx.x;
	const struct kernels_mel_state *st = &st_in[s];
	const float *x = in + (size_t)s * in_frames;
	uint32_t total = st->npend + in_frames;
	uint32_t nf =
	        total >= KERNELS_MEL_WIN ? (total - KERNELS_MEL_WIN) / KERNELS_MEL_HOP + 1 : 0;
	float *o = out + ((size_t)s * fmax + slot) * KERNELS_MEL_BINS;
	uint32_t start = slot * KERNELS_MEL_HOP;

	if (slot == 0) { /* the new state: samples from the next frame's start */
		uint32_t from = nf * KERNELS_MEL_HOP, keep = total - from;

		for (uint32_t i = t; i < keep; i += blockDim.x)
			st_out[s].pend[i] = mel_y(st, x, from + i);
		for (uint32_t i = keep + t; i < KERNELS_MEL_WIN; i += blockDim.x)
			st_out[s].pend[i] = st->pend[i]; /* as the C path: untouched beyond npend */
		if (t == 0) {
			st_out[s].npend = keep;
			st_out[s].pad = st->pad;
			st_out[s].next_frame = st->next_frame + nf;
			nframes[s] = nf;
		}
	}
	if (slot >= nf) {
		for (uint32_t m = t; m < KERNELS_MEL_BINS; m += blockDim.x)
			o[m] = 0.0f;
		if (t == 0)
			energy[(size_t)s * fmax + slot] = 0.0f;
		return;
	}
	for (uint32_t p = t; p < fft_n; p += blockDim.x) {
		uint32_t n = c_bitrev[p];

		if (n < KERNELS_MEL_WIN / 2) {
			re[p] = c_hann[2 * n] * mel_y(st, x, start + 2 * n);
			im[p] = c_hann[2 * n + 1] * mel_y(st, x, start + 2 * n + 1);
		} else {
			re[p] = 0.0f;
			im[p] = 0.0f;
		}
	}
	__syncthreads();
	if (t < fft_n / 4) { /* h = 1 and 2 as one radix-4 pass, as fft256() */
		uint32_t g = 4 * t;
		float a0r = re[g] + re[g + 1], a0i = im[g] + im[g + 1];
		float a1r = re[g] - re[g + 1], a1i = im[g] - im[g + 1];
		float b0r = re[g + 2] + re[g + 3], b0i = im[g + 2] + im[g + 3];
		float b1r = re[g + 2] - re[g + 3], b1i = im[g + 2] - im[g + 3];

		re[g] = a0r + b0r;
		im[g] = a0i + b0i;
		re[g + 2] = a0r - b0r;
		im[g + 2] = a0i - b0i;
		re[g + 1] = a1r + b1i;
		im[g + 1] = a1i - b1r;
		re[g + 3] = a1r - b1i;
		im[g + 3] = a1i + b1r;
	}
	__syncthreads();
	for (uint32_t h = 4; h < fft_n; h *= 2) { /* 128 butterflies per stage */
		uint32_t j = t % h, a = (t / h) * 2 * h + j, b = a + h;
		float wr = c_tw_re[h - 1 + j], wi = c_tw_im[h - 1 + j];
		float tr = wr * re[b] - wi * im[b];
		float ti = wr * im[b] + wi * re[b];
		float ar = re[a], ai = im[a];

		__syncthreads();
		re[b] = ar - tr;
		im[b] = ai - ti;
		re[a] = ar + tr;
		im[a] = ai + ti;
		__syncthreads();
	}
	for (uint32_t k = t; k <= fft_n; k += blockDim.x) { /* as rfft_power() */
		if (k == 0) {
			pw[0] = (re[0] + im[0]) * (re[0] + im[0]);
		} else if (k == fft_n) {
			pw[fft_n] = (re[0] - im[0]) * (re[0] - im[0]);
		} else {
			float zr = re[k], zi = im[k], mr = re[fft_n - k], mi = im[fft_n - k];
			float er = zr + mr, ei = zi - mi;
			float orr = zi + mi, oi = mr - zr;
			float c = c_rcos[k], sn = c_rsin[k];
			float xr = er + (c * orr + sn * oi);
			float xi = ei + (c * oi - sn * orr);

			pw[k] = (xr * xr + xi * xi) * 0.25f;
		}
	}
	__syncthreads();
	if (t < KERNELS_MEL_BINS) {
		const float *w = c_mel_w + c_mel_off[t], *pk = pw + c_mel_first[t];
		float acc = 0.0f;

		for (uint32_t i = 0; i < c_mel_count[t]; i++)
			acc = acc + w[i] * pk[i];
		mel[t] = acc;
	}
	__syncthreads();
	if (t < KERNELS_MEL_BINS)
		o[t] = dsp_lnf(mel[t] > KERNELS_MEL_FLOOR ? mel[t] : KERNELS_MEL_FLOOR);
	if (t == 0) {
		float band = 0.0f;

		for (uint32_t m = DSP_VAD_MEL_LO; m <= DSP_VAD_MEL_HI; m++)
			band = band + mel[m];
		energy[(size_t)s * fmax + slot] =
		        dsp_lnf(band > KERNELS_MEL_FLOOR ? band : KERNELS_MEL_FLOOR);
	}
}

} // namespace

extern "C" int
kernels_cuda_mel_launch(const float *d_in, float *d_out, float *d_energy, uint32_t *d_nframes,
        const struct kernels_mel_state *st_in, struct kernels_mel_state *st_out, uint32_t nstreams,
        uint32_t in_frames, void *stream)
{
	uint32_t fmax = KERNELS_MEL_FRAMES_MAX(in_frames);

	if (nstreams == 0 || fmax == 0)
		return (int)cudaSuccess;
	mel_kernel<<<dim3(fmax, nstreams), mel_threads, 0, (cudaStream_t)stream>>>(
	        d_in, d_out, d_energy, d_nframes, st_in, st_out, in_frames, fmax);
	return (int)cudaGetLastError();
}
