/*
 * A GPU work queue: host rows for a batch of streams, plus (CUDA) a stream
 * and device buffers sized for the largest batch.
 *
 * Owns: the host memory producers write frames into. With the "cuda"
 * backend it is pinned (cudaHostAlloc), so the copies to the device are
 * DMA and asynchronous; with "cpu" (or when CUDA allocation is not
 * possible at all because the binary has no CUDA) it is plain aligned
 * malloc. Later this holds the pinned per-queue ring of the AI path.
 *
 * One owner thread per queue. The ops are synchronous for now: when
 * kernels_pcm_s16_to_f32() returns, the output rows are on the host.
 */
#ifndef RTC_GPU_QUEUE_H
#define RTC_GPU_QUEUE_H

#include <stdint.h>

struct gpu_queue;
struct kernels_backend;
struct kernels_pcm_batch;

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

#endif
