/*
 * The C reference of the resampler (48 kHz -> 16 kHz, specification in
 * kernels.h): polyphase, vectorised over output samples.
 *
 * The three phases of the input are split into their own arrays
 * (u[q][m] = x[3m + q]), so that for a block of outputs every tap reads
 * consecutive floats: acc[b] += h[k] * u[2 - p][n + b + 23 - j] with
 * k = 3j + p, taken in k order exactly as the specification sums, one
 * block of outputs across the SIMD lanes. No reassociation (no
 * -ffast-math, -ffp-contract=off), so any vector width gives the
 * specification's bits; an AVX2 clone is picked at run time when the
 * CPU has it (the default clone does the same with SSE2 pairs).
 */
#include <string.h>

#include "dsp_tables.h"
#include "kernels_internal.h"

#define RS_PHASE_TAPS (KERNELS_RS_TAPS / 3) /* 24 */
#define RS_LEAD (RS_PHASE_TAPS - 1)         /* 23 history samples per phase */
#define RS_CHUNK 320u                       /* outputs per pass: u fits in L1 */
#define RS_BLOCK 64u                        /* outputs per accumulator block */

static const float rs_h[KERNELS_RS_TAPS] = DSP_RS_FIR_INIT;

_Static_assert(KERNELS_RS_TAPS % 3 == 0 && KERNELS_RS_HIST == 3 * RS_LEAD, "polyphase layout");
_Static_assert(DSP_RS_TAPS == KERNELS_RS_TAPS, "dsp_tables.h out of date");

/* Eight floats, unaligned (GCC/clang vector extension; no intrinsics, any ISA). */
typedef float rs_v8 __attribute__((vector_size(32)));

/* a += c * p[0..7], p unaligned (a macro: a vector-returning function would change the ABI). */
#define RS_MAC8(a, c, p)                                                                           \
	do {                                                                                       \
		rs_v8 x_;                                                                          \
		memcpy(&x_, (p), sizeof(x_));                                                      \
		(a) = (a) + (c)*x_;                                                                \
	} while (0)

/*
 * The outputs of a chunk whose phases are in @u (row pitch RS_CHUNK +
 * RS_LEAD + RS_BLOCK). Blocks of 64 outputs in 8 vector accumulators: each
 * output is one lane summing its taps in k order, and the 8 independent
 * chains hide the add latency (the order within a chain is fixed by the
 * specification, so more lanes, not reassociation, is what buys speed).
 */
__attribute__((target_clones("avx2", "default"))) static void
rs_chunk(const float *restrict u, float *restrict y, uint32_t nc)
{
	enum { PITCH = RS_CHUNK + RS_LEAD + RS_BLOCK };
	uint32_t b0;

	for (b0 = 0; b0 + RS_BLOCK <= nc; b0 += RS_BLOCK) {
		rs_v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0},
		      a7 = {0};

		for (uint32_t j = 0; j < RS_PHASE_TAPS; j++) {
			for (uint32_t p = 0; p < 3; p++) {
				const rs_v8 c = (rs_v8){0} + rs_h[3 * j + p];
				const float *src = u + (2 - p) * PITCH + b0 + RS_LEAD - j;

				RS_MAC8(a0, c, src);
				RS_MAC8(a1, c, src + 8);
				RS_MAC8(a2, c, src + 16);
				RS_MAC8(a3, c, src + 24);
				RS_MAC8(a4, c, src + 32);
				RS_MAC8(a5, c, src + 40);
				RS_MAC8(a6, c, src + 48);
				RS_MAC8(a7, c, src + 56);
			}
		}
		memcpy(y + b0, &a0, sizeof(a0));
		memcpy(y + b0 + 8, &a1, sizeof(a1));
		memcpy(y + b0 + 16, &a2, sizeof(a2));
		memcpy(y + b0 + 24, &a3, sizeof(a3));
		memcpy(y + b0 + 32, &a4, sizeof(a4));
		memcpy(y + b0 + 40, &a5, sizeof(a5));
		memcpy(y + b0 + 48, &a6, sizeof(a6));
		memcpy(y + b0 + 56, &a7, sizeof(a7));
	}
	for (; b0 < nc; b0++) { /* tail: the same sums one output at a time */
		float acc = 0.0f;

		for (uint32_t j = 0; j < RS_PHASE_TAPS; j++)
			for (uint32_t p = 0; p < 3; p++)
				acc = acc + rs_h[3 * j + p] * u[(2 - p) * PITCH + b0 + RS_LEAD - j];
		y[b0] = acc;
	}
}

static void
rs_row(const float *restrict x, float *restrict y, uint32_t nout, struct kernels_rs_state *st)
{
	enum { PITCH = RS_CHUNK + RS_LEAD + RS_BLOCK };
	float u[3 * PITCH];
	uint32_t nin = 3 * nout;

	for (uint32_t n0 = 0; n0 < nout; n0 += RS_CHUNK) {
		uint32_t nc = nout - n0 < RS_CHUNK ? nout - n0 : RS_CHUNK;
		/* The 69 samples before x[3 n0]: the history, or this call's input. */
		const float *lead = n0 == 0 ? st->hist : x + 3 * n0 - KERNELS_RS_HIST;
		const float *cur = x + 3 * n0;

		for (uint32_t m = 0; m < RS_LEAD; m++)
			for (uint32_t q = 0; q < 3; q++)
				u[q * PITCH + m] = lead[3 * m + q];
		for (uint32_t m = 0; m < nc; m++)
			for (uint32_t q = 0; q < 3; q++)
				u[q * PITCH + RS_LEAD + m] = cur[3 * m + q];
		rs_chunk(u, y + n0, nc);
	}
	/* The new history: the last 69 samples of hist ++ x. */
	if (nin >= KERNELS_RS_HIST) {
		memcpy(st->hist, x + nin - KERNELS_RS_HIST, sizeof(st->hist));
	} else {
		memmove(st->hist, st->hist + nin, (KERNELS_RS_HIST - nin) * sizeof(float));
		memcpy(st->hist + KERNELS_RS_HIST - nin, x, nin * sizeof(float));
	}
}

void
kernels_rs_cpu_run(const struct kernels_rs_batch *b)
{
	for (uint32_t s = 0; s < b->nstreams; s++)
		rs_row(b->in + (size_t)s * b->in_stride, b->out + (size_t)s * b->out_stride,
		        b->out_frames, &b->state[s]);
}
