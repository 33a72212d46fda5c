/*
 * Inside kernels/: what the backends share, not for users of kernels_dep.
 *
 * Owns: the gpu_queue layout (host rows and, with CUDA, device buffers and
 * the stream), the per-stream parameter block copied to the device, the
 * entry point into pcm.cu, the backend objects and the shared self-test.
 * Also included by pcm.cu (C++): plain C types only, no CUDA headers.
 */
#ifndef RTC_KERNELS_INTERNAL_H
#define RTC_KERNELS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "gpu_queue.h"
#include "kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Per-stream parameters as the device reads them: one copy per batch. */
struct kernels_pcm_param {
	float gain;
	uint32_t channels;
};

struct gpu_queue {
	struct gpu_queue_pcm_rows pcm; /* host rows the caller fills */
	const struct kernels_backend *be;
	int pinned;                        /* host rows from cudaHostAlloc (else malloc) */
	int device;                        /* CUDA ordinal, -1 without CUDA */
	void *stream;                      /* cudaStream_t */
	struct kernels_pcm_param *h_param; /* pinned [max_streams] */
	struct kernels_pcm_param *d_param; /* device [max_streams] */
	int16_t *d_in;                     /* device, max_streams * in_stride */
	float *d_out;                      /* device, max_streams * max_frames */
};

/* The C reference, on a checked batch (pcm_cpu.c). */
void kernels_pcm_cpu_run(const struct kernels_pcm_batch *b);

/*
 * pcm.cu: one launch converting @nstreams rows of @frames frames from
 * @d_in (row pitch @in_pitch int16) to @d_out (row pitch @frames float) on
 * @stream. Returns the cudaError_t of the launch (0 = cudaSuccess).
 */
int kernels_cuda_pcm_launch(const int16_t *d_in, uint32_t in_pitch,
        const struct kernels_pcm_param *d_param, float *d_out, uint32_t nstreams, uint32_t frames,
        void *stream);

/* Known-answer test of the PCM op on @be (with @q, may be NULL for "cpu"). */
int kernels_selftest_pcm(const struct kernels_backend *be, struct gpu_queue *q);

extern const struct kernels_backend kernels_backend_cpu;
#ifdef RTC_HAVE_CUDA
extern const struct kernels_backend kernels_backend_cuda;
#endif

#ifdef __cplusplus
}
#endif

#endif
