/*
 * A GPU work queue: host rows for a batch of streams, plus (CUDA) a stream
 * and device buffers sized for the largest batch.
 *
 * Owns: the host memory producers write frames into. With the "cuda"
 * backend it is pinned (cudaHostAlloc), so the copies to the device are
 * DMA and asynchronous; with "cpu" (or when CUDA allocation is not
 * possible at all because the binary has no CUDA) it is plain aligned
 * malloc. It holds the rows of the whole AI chain (PCM in, 48 kHz float,
 * 16 kHz float, log-mel frames, band energies, VAD events) and the
 * per-stream states of the resampler, log-mel and VAD ops, one slot per
 * stream: gpu_queue_*_batch() make batches that chain these rows.
 *
 * One owner thread per queue. The ops are synchronous: when an op returns,
 * its output rows and states are on the host.
 */
#ifndef RTC_GPU_QUEUE_H
#define RTC_GPU_QUEUE_H

#include <stdint.h>

struct gpu_queue;
struct kernels_backend;
struct kernels_pcm_batch;
struct kernels_rs_batch;
struct kernels_mel_batch;
struct kernels_vad_batch;
struct kernels_rs_state;
struct kernels_mel_state;
struct kernels_vad_params;
struct kernels_vad_state;
struct kernels_vad_event;

/* Host rows of the PCM conversion; strides as in struct kernels_pcm_batch. */
struct gpu_queue_pcm_rows {
	int16_t *in;       /* max_streams * in_stride, in_stride = 2 * max_frames */
	float *out;        /* max_streams * out_stride, out_stride = max_frames */
	uint8_t *channels; /* [max_streams] */
	float *gain;       /* [max_streams] */
	uint32_t in_stride;
	uint32_t out_stride;
	uint32_t max_streams;
	uint32_t max_frames;
};

/*
 * Host rows of the AI ops, max_streams slots. The resampler reads the PCM
 * op's out rows (3 * n floats) and writes pcm16k; log-mel reads pcm16k and
 * writes mel, energy, nframes; the VAD reads energy, nframes and writes
 * events, nevents. Strides in elements.
 */
struct gpu_queue_ai_rows {
	float *pcm16k;                         /* max_streams * pcm16k_stride */
	struct kernels_rs_state *rs_state;     /* [max_streams] */
	float *mel;                            /* max_streams * mel_stride */
	float *energy;                         /* max_streams * energy_stride */
	uint32_t *nframes;                     /* [max_streams] */
	struct kernels_mel_state *mel_state;   /* [max_streams] */
	struct kernels_vad_params *vad_params; /* [max_streams], defaults at creation */
	struct kernels_vad_state *vad_state;   /* [max_streams] */
	struct kernels_vad_event *events;      /* max_streams * events_stride */
	uint32_t *nevents;                     /* [max_streams] */
	uint32_t max_out;                      /* 16 kHz samples per call: max_frames / 3 */
	uint32_t max_mel_frames;               /* KERNELS_MEL_FRAMES_MAX(max_out) */
	uint32_t pcm16k_stride;                /* max_out */
	uint32_t mel_stride;                   /* 80 * max_mel_frames */
	uint32_t energy_stride;                /* max_mel_frames */
	uint32_t events_stride;                /* max_mel_frames */
};

/*
 * A queue for backend @be (NULL means "cpu") holding up to @max_streams
 * rows of @max_frames stereo frames. 0 and *@out, or -EINVAL (sizes out of
 * the op limits), -ENOMEM, -EIO (a CUDA call failed).
 */
int gpu_queue_create(const struct kernels_backend *be, uint32_t max_streams, uint32_t max_frames,
        struct gpu_queue **out);
void gpu_queue_free(struct gpu_queue *q);

/* 1 if the host rows are page-locked (CUDA), 0 if plain malloc. */
int gpu_queue_is_pinned(const struct gpu_queue *q);

const struct gpu_queue_pcm_rows *gpu_queue_pcm_host(const struct gpu_queue *q);

/* A batch over the queue's host rows: @nstreams rows of @frames frames. */
void gpu_queue_pcm_batch(
        const struct gpu_queue *q, uint32_t nstreams, uint32_t frames, struct kernels_pcm_batch *b);

const struct gpu_queue_ai_rows *gpu_queue_ai_host(const struct gpu_queue *q);

/* A new stream in @slot: fresh resampler, log-mel and VAD states, default VAD params. */
void gpu_queue_stream_reset(struct gpu_queue *q, uint32_t slot);

/* Batches over the queue's rows, chained as above; @out_frames, @in_frames at 16 kHz. */
void gpu_queue_rs_batch(const struct gpu_queue *q, uint32_t nstreams, uint32_t out_frames,
        struct kernels_rs_batch *b);
void gpu_queue_mel_batch(const struct gpu_queue *q, uint32_t nstreams, uint32_t in_frames,
        struct kernels_mel_batch *b);
void gpu_queue_vad_batch(const struct gpu_queue *q, uint32_t nstreams, struct kernels_vad_batch *b);

#endif
