/*
 * Inside kernels/: what the backends share, not for users of kernels_dep.
 *
 * Owns: the gpu_queue layout (host rows and, with CUDA, device buffers and
 * the stream), the per-stream parameter block copied to the device, the
 * entry points into the .cu files, the C reference runners, the backend
 * objects and the shared self-tests.
 * Also included by the .cu files (C++): plain C types only, no CUDA headers.
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

/* Device buffers of the AI ops (CUDA); [2] = state in, state out. */
struct gpu_queue_dev_ai {
	float *rs_out;                     /* max_streams * max_out, also the log-mel input */
	struct kernels_rs_state *rs_st[2]; /* [max_streams] */
	float *mel;                        /* max_streams * max_mel_frames * 80 */
	float *energy;                     /* max_streams * max_mel_frames, also the VAD input */
	uint32_t *nframes;                 /* [max_streams], also the VAD input */
	struct kernels_mel_state *mel_st[2];
	struct kernels_vad_params *vad_params;
	struct kernels_vad_state *vad_st[2];
	struct kernels_vad_event *events; /* max_streams * max_mel_frames */
	uint32_t *nevents;
};

struct gpu_queue {
	struct gpu_queue_pcm_rows pcm; /* host rows the caller fills */
	struct gpu_queue_ai_rows ai;   /* host rows and states of the AI ops */
	struct gpu_queue_dev_ai dai;   /* device side of ai (CUDA) */
	const struct kernels_backend *be;
	int pinned;                        /* host rows from cudaHostAlloc (else malloc) */
	int device;                        /* CUDA ordinal, -1 without CUDA */
	void *stream;                      /* cudaStream_t */
	struct kernels_pcm_param *h_param; /* pinned [max_streams] */
	struct kernels_pcm_param *d_param; /* device [max_streams] */
	int16_t *d_in;                     /* device, max_streams * in_stride */
	float *d_out;                      /* device, max_streams * max_frames */
};

/* The C references, on checked batches (pcm_cpu.c, resample_cpu.c, logmel_cpu.c, vad_cpu.c). */
void kernels_pcm_cpu_run(const struct kernels_pcm_batch *b);
void kernels_rs_cpu_run(const struct kernels_rs_batch *b);
void kernels_mel_cpu_run(const struct kernels_mel_batch *b);
void kernels_vad_cpu_run(const struct kernels_vad_batch *b);

/*
 * pcm.cu: one launch converting @nstreams rows of @frames frames from
 * @d_in (row pitch @in_pitch int16) to @d_out (row pitch @frames float) on
 * @stream. Returns the cudaError_t of the launch (0 = cudaSuccess).
 */
int kernels_cuda_pcm_launch(const int16_t *d_in, uint32_t in_pitch,
        const struct kernels_pcm_param *d_param, float *d_out, uint32_t nstreams, uint32_t frames,
        void *stream);

/*
 * resample.cu, logmel.cu, vad.cu: one launch each over a batch whose rows
 * are on the device with compact pitches (rs: 3 * out_frames in, out_frames
 * out; mel: in_frames in, KERNELS_MEL_FRAMES_MAX(in_frames) frames out;
 * vad: @energy_pitch energies and events per stream), states read from
 * st_in and written to st_out. Return the launch's cudaError_t.
 */
int kernels_cuda_rs_launch(const float *d_in, float *d_out, const struct kernels_rs_state *st_in,
        struct kernels_rs_state *st_out, uint32_t nstreams, uint32_t out_frames, void *stream);
int kernels_cuda_mel_launch(const float *d_in, float *d_out, float *d_energy, uint32_t *d_nframes,
        const struct kernels_mel_state *st_in, struct kernels_mel_state *st_out, uint32_t nstreams,
        uint32_t in_frames, void *stream);
int kernels_cuda_vad_launch(const float *d_energy, const uint32_t *d_nframes,
        const struct kernels_vad_params *d_params, const struct kernels_vad_state *st_in,
        struct kernels_vad_state *st_out, struct kernels_vad_event *d_events, uint32_t *d_nevents,
        uint32_t nstreams, uint32_t energy_pitch, void *stream);

/* Known-answer test of the PCM op on @be (with @q, may be NULL for "cpu"). */
int kernels_selftest_pcm(const struct kernels_backend *be, struct gpu_queue *q);
/*
 * Known-answer tests of the resampler, log-mel and VAD ops (dsp_kat.h,
 * from numpy): run through @be with @q (NULL for "cpu"; for "cuda" a queue
 * of at least DSP_KAT_QUEUE_STREAMS x DSP_KAT_QUEUE_FRAMES).
 */
int kernels_selftest_dsp(const struct kernels_backend *be, struct gpu_queue *q);

extern const struct kernels_backend kernels_backend_cpu;
#ifdef RTC_HAVE_CUDA
extern const struct kernels_backend kernels_backend_cuda;
#endif

#ifdef __cplusplus
}
#endif

#endif
