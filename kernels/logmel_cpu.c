/*
 * The C reference of the log-mel op (specification in kernels.h): framing
 * with per-stream pending samples, Hann window, 512-point real FFT done as
 * a 256-point complex FFT of the even/odd samples plus the split, power
 * spectrum, sparse HTK mel filters, dsp_lnf().
 *
 * The FFT is radix-2, decimation in time, split real/imaginary arrays,
 * input in bit-reversed order; stage h (half-size 1, 2, .., 128) takes its
 * twiddles from one contiguous table, so from h = 4 on the inner loop is
 * unit-stride and vectorises. pcm.cu's sibling logmel.cu does the same
 * operations in the same order.
 */
#include <string.h>

#include "dsp_math.h"
#include "dsp_tables.h"
#include "kernels_internal.h"

#define FFT_N 256u /* complex points: the 512 real ones in pairs */
#define NSPEC 257u /* bins 0..256 */

static const float mel_hann[KERNELS_MEL_WIN] = DSP_HANN_INIT;
static const float fft_tw_re[DSP_FFT_TW_N] = DSP_FFT_TW_RE_INIT;
static const float fft_tw_im[DSP_FFT_TW_N] = DSP_FFT_TW_IM_INIT;
static const float rfft_cos[NSPEC] = DSP_RFFT_COS_INIT;
static const float rfft_sin[NSPEC] = DSP_RFFT_SIN_INIT;
static const uint8_t fft_bitrev[FFT_N] = DSP_FFT_BITREV_INIT;
static const uint16_t mel_first[KERNELS_MEL_BINS] = DSP_MEL_FIRST_INIT;
static const uint16_t mel_count[KERNELS_MEL_BINS] = DSP_MEL_COUNT_INIT;
static const uint16_t mel_off[KERNELS_MEL_BINS] = DSP_MEL_OFF_INIT;
static const float mel_w[DSP_MEL_NW] = DSP_MEL_W_INIT;

/* In-place complex FFT of 256 points, input bit-reversed, output natural. */
__attribute__((target_clones("avx2", "default"))) static void
fft256(float *restrict re, float *restrict im)
{
	/* h = 1 and h = 2 (twiddles 1 and -i) as one radix-4 pass per 4 points. */
	for (uint32_t g = 0; g < FFT_N; g += 4) {
		float a0r = re[g] + re[g + 1], a0i = im[g] + im[g + 1];
		float a1r = re[g] - re[g + 1], a1i = im[g] - im[g + 1];
		float b0r = re[g + 2] + re[g + 3], b0i = im[g + 2] + im[g + 3];
		float b1r = re[g + 2] - re[g + 3], b1i = im[g + 2] - im[g + 3];

		re[g] = a0r + b0r;
		im[g] = a0i + b0i;
		re[g + 2] = a0r - b0r;
		im[g + 2] = a0i - b0i;
		/* (-i) * b1 = (b1i, -b1r) */
		re[g + 1] = a1r + b1i;
		im[g + 1] = a1i - b1r;
		re[g + 3] = a1r - b1i;
		im[g + 3] = a1i + b1r;
	}
	for (uint32_t h = 4; h < FFT_N; h *= 2) {
		const float *restrict wr = fft_tw_re + h - 1, *restrict wi = fft_tw_im + h - 1;

		for (uint32_t g = 0; g < FFT_N; g += 2 * h) {
			/* the a and b halves of a group never overlap */
			float *restrict ar = re + g, *restrict ai = im + g;
			float *restrict br = re + g + h, *restrict bi = im + g + h;

			for (uint32_t j = 0; j < h; j++) {
				float tr = wr[j] * br[j] - wi[j] * bi[j];
				float ti = wr[j] * bi[j] + wi[j] * br[j];

				br[j] = ar[j] - tr;
				bi[j] = ai[j] - ti;
				ar[j] = ar[j] + tr;
				ai[j] = ai[j] + ti;
			}
		}
	}
}

/*
 * Power spectrum P[0..256] of the 512 real points whose even/odd samples
 * are Z = re + i im (after fft256): with Zc = conj(Z[256 - k]),
 * 2X[k] = (Z[k] + Zc) - i W^k (Z[k] - Zc), W = e^(-2 pi i / 512), so
 * P[k] = |2X[k]|^2 / 4.
 */
__attribute__((target_clones("avx2", "default"))) static void
rfft_power(const float *restrict re, const float *restrict im, float *restrict pw)
{
	pw[0] = (re[0] + im[0]) * (re[0] + im[0]);
	pw[FFT_N] = (re[0] - im[0]) * (re[0] - im[0]);
	for (uint32_t k = 1; k < FFT_N; k++) {
		float zr = re[k], zi = im[k], mr = re[FFT_N - k], mi = im[FFT_N - k];
		float er = zr + mr, ei = zi - mi;  /* 2E */
		float orr = zi + mi, oi = mr - zr; /* 2O = (Z - Zc) / i */
		float c = rfft_cos[k], s = rfft_sin[k];
		/* W^k O = (c - i s)(orr + i oi) */
		float xr = er + (c * orr + s * oi);
		float xi = ei + (c * oi - s * orr);

		pw[k] = (xr * xr + xi * xi) * 0.25f;
	}
}

/* feat[m] = ln(max(mel[m], floor)): two plain loops, so both vectorise. */
__attribute__((target_clones("avx2", "default"))) static void
mel_log(const float *restrict mel, float *restrict feat)
{
	float t[KERNELS_MEL_BINS];

	for (uint32_t m = 0; m < KERNELS_MEL_BINS; m++)
		t[m] = mel[m] > KERNELS_MEL_FLOOR ? mel[m] : KERNELS_MEL_FLOOR;
	for (uint32_t m = 0; m < KERNELS_MEL_BINS; m++)
		feat[m] = dsp_lnf(t[m]);
}

/* One feature frame from its 400 samples @y. */
static void
mel_frame(const float *restrict y, float *restrict feat, float *restrict energy)
{
	float re[FFT_N], im[FFT_N], pw[NSPEC], mel[KERNELS_MEL_BINS];
	float band = 0.0f;

	/* Windowed samples 2n, 2n + 1 to position p = bitrev(n); n >= 200 is padding. */
	for (uint32_t p = 0; p < FFT_N; p++) {
		uint32_t n = fft_bitrev[p];

		if (n < KERNELS_MEL_WIN / 2) {
			re[p] = mel_hann[2 * n] * y[2 * n];
			im[p] = mel_hann[2 * n + 1] * y[2 * n + 1];
		} else {
			re[p] = 0.0f;
			im[p] = 0.0f;
		}
	}
	fft256(re, im);
	rfft_power(re, im, pw);
	for (uint32_t m = 0; m < KERNELS_MEL_BINS; m++) {
		const float *w = mel_w + mel_off[m], *pk = pw + mel_first[m];
		float acc = 0.0f;

		for (uint32_t i = 0; i < mel_count[m]; i++)
			acc = acc + w[i] * pk[i];
		mel[m] = acc;
	}
	for (uint32_t m = DSP_VAD_MEL_LO; m <= DSP_VAD_MEL_HI; m++)
		band = band + mel[m];
	mel_log(mel, feat);
	*energy = dsp_lnf(band > KERNELS_MEL_FLOOR ? band : KERNELS_MEL_FLOOR);
}

static uint32_t
mel_row(const float *restrict x, uint32_t n, float *restrict out, float *restrict energy,
        struct kernels_mel_state *st)
{
	uint32_t np = st->npend, total = np + n, nf = 0, keep;
	float frame[KERNELS_MEL_WIN];

	/* Frame i starts at 160 i in pend ++ x. */
	for (uint32_t start = 0; start + KERNELS_MEL_WIN <= total; start += KERNELS_MEL_HOP, nf++) {
		const float *y;

		if (start >= np) {
			y = x + (start - np);
		} else { /* straddles: npend < 400, so never wholly pending */
			memcpy(frame, st->pend + start, (np - start) * sizeof(float));
			memcpy(frame + (np - start), x,
			        (start + KERNELS_MEL_WIN - np) * sizeof(float));
			y = frame;
		}
		mel_frame(y, out + (size_t)nf * KERNELS_MEL_BINS, energy + nf);
	}
	/* Keep everything from the next frame's start. */
	keep = total - nf * KERNELS_MEL_HOP;
	if (nf * KERNELS_MEL_HOP < np) {
		uint32_t from_pend = np - nf * KERNELS_MEL_HOP;

		memmove(st->pend, st->pend + nf * KERNELS_MEL_HOP, from_pend * sizeof(float));
		memcpy(st->pend + from_pend, x, n * sizeof(float));
	} else {
		memcpy(st->pend, x + (nf * KERNELS_MEL_HOP - np), keep * sizeof(float));
	}
	st->npend = keep;
	st->next_frame += nf;
	return nf;
}

void
kernels_mel_cpu_run(const struct kernels_mel_batch *b)
{
	uint32_t fmax = KERNELS_MEL_FRAMES_MAX(b->in_frames);

	for (uint32_t s = 0; s < b->nstreams; s++) {
		float *out = b->out + (size_t)s * b->out_stride;
		float *energy = b->energy + (size_t)s * b->energy_stride;
		uint32_t nf = mel_row(
		        b->in + (size_t)s * b->in_stride, b->in_frames, out, energy, &b->state[s]);

		/* unused slots up to the most this call could give: zero (kernels.h) */
		memset(out + (size_t)nf * KERNELS_MEL_BINS, 0,
		        (size_t)(fmax - nf) * KERNELS_MEL_BINS * sizeof(float));
		memset(energy + nf, 0, (fmax - nf) * sizeof(float));
		b->nframes[s] = nf;
	}
}
