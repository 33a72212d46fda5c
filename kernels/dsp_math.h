/*
 * Inside kernels/: the scalar steps the C reference and the CUDA kernels
 * share as source, so both evaluate the very same float32 operations: the
 * natural logarithm of the log-mel op and one frame of the VAD.
 *
 * Owns: dsp_lnf(), dsp_vad_frame(). Plain C that nvcc also compiles for the
 * device (DSP_HD); no libm, no fused multiply-add (-ffp-contract=off in C,
 * -fmad=false in CUDA), every + - * / rounded to nearest.
 */
#ifndef RTC_DSP_MATH_H
#define RTC_DSP_MATH_H

#include <stdint.h>
#include <string.h>

#include "kernels.h"

#ifdef __CUDACC__
#define DSP_HD __host__ __device__ __forceinline__ static
#else
#define DSP_HD static inline
#endif

/* dB -> ln units of power: ln(10) / 10. */
#define DSP_DB_TO_LN 0.2302585f

/*
 * ln(x) for normal x > 0 (the log-mel op passes max(M, 1e-10)), error below
 * 2e-7 absolute over that range (test_kernels_dsp checks it against libm).
 * x = 2^e * m with m in [sqrt(1/2), sqrt(2)); ln(m) = 2 atanh(s),
 * s = (m - 1) / (m + 1), |s| < 0.1716, series to s^9 (next term < 1e-9).
 * Plain arithmetic and integer bit moves: vectorises in C, identical on CUDA.
 */
DSP_HD float
dsp_lnf(float x)
{
	const float ln2_hi = 0x1.62e4p-1f;    /* 0.693145751953125, 16 bits: e * hi is exact */
	const float ln2_lo = 0x1.7f7d1cp-20f; /* ln 2 - ln2_hi */
	uint32_t u, mu;
	int32_t t, e;
	float m, f, s, s2, p;

	memcpy(&u, &x, sizeof(u));
	t = (int32_t)(u - 0x3f3504f3u); /* 0x3f3504f3 = sqrt(1/2) */
	e = t >> 23;                    /* arithmetic shift: floor */
	mu = ((uint32_t)t & 0x007fffffu) + 0x3f3504f3u;
	memcpy(&m, &mu, sizeof(m));
	f = m - 1.0f; /* exact (Sterbenz) */
	s = f / (2.0f + f);
	s2 = s * s;
	p = s2 *
	    (0x1.555556p-2f + s2 * (0x1.99999ap-3f + s2 * (0x1.24924ap-3f + s2 * 0x1.c71c72p-4f)));
	/* 2s + 2s(s^2/3 + s^4/5 + s^6/7 + s^8/9) */
	return (float)e * ln2_hi + ((float)e * ln2_lo + (2.0f * s + 2.0f * s * p));
}

/*
 * One VAD frame of energy @e for a stream (specification in kernels.h).
 * Returns the event kind (KERNELS_VAD_START / _END) or 0; *@mark gets the
 * event's sample index.
 */
DSP_HD uint32_t
dsp_vad_frame(
        struct kernels_vad_state *st, const struct kernels_vad_params *p, float e, uint64_t *mark)
{
	uint64_t f = st->frame++;
	uint32_t ev = 0;
	int loud;

	if (!st->primed) {
		st->floor = e;
		st->primed = 1;
	}
	loud = e > st->floor + p->margin_db * DSP_DB_TO_LN && e > KERNELS_VAD_ABS_MIN;
	if (!st->speech) {
		if (!loud) {
			st->run = 0;
		} else {
			if (st->run == 0)
				st->first = f;
			if (++st->run >= p->start_frames) {
				ev = KERNELS_VAD_START;
				st->speech = 1;
				st->run = 0;
			}
		}
	} else {
		if (loud) {
			st->run = 0;
		} else {
			if (st->run == 0)
				st->first = f;
			if (++st->run >= p->end_frames) {
				ev = KERNELS_VAD_END;
				st->speech = 0;
				st->run = 0;
			}
		}
	}
	if (ev != 0)
		*mark = st->first * KERNELS_MEL_HOP + 120u;
	if (e < st->floor) {
		st->floor = e;
	} else {
		float up =
		        st->floor + (st->speech ? KERNELS_VAD_RISE_SPEECH : KERNELS_VAD_RISE_QUIET);

		st->floor = e < up ? e : up;
	}
	return ev;
}

#endif
