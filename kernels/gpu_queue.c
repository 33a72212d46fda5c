/*
 * gpu_queue: host rows (pinned with CUDA, malloc without) and device buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef RTC_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

#include "kernels_internal.h"

#define GPU_QUEUE_ALIGN 64

static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static void *
host_alloc(int pinned, size_t bytes)
{
	void *p = NULL;

	bytes = round_up(bytes ? bytes : 1, GPU_QUEUE_ALIGN);
#ifdef RTC_HAVE_CUDA
	if (pinned && cudaHostAlloc(&p, bytes, cudaHostAllocDefault) != cudaSuccess)
		p = NULL;
#endif
	if (!pinned)
		p = aligned_alloc(GPU_QUEUE_ALIGN, bytes);
	if (p != NULL)
		memset(p, 0, bytes);
	return p;
}

static void
host_free(int pinned, void *p)
{
	if (p == NULL)
		return;
#ifdef RTC_HAVE_CUDA
	if (pinned) {
		cudaFreeHost(p);
		return;
	}
#else
	(void)pinned;
#endif
	free(p);
}

#ifdef RTC_HAVE_CUDA
/* Stream and device buffers of a CUDA queue; gpu_queue_free() undoes partial work. */
static int
cuda_setup(struct gpu_queue *q)
{
	const struct gpu_queue_pcm_rows *h = &q->pcm;
	cudaStream_t s;
	void *p;

	q->device = 0; /* one queue per device comes with the AI path */
	if (cudaSetDevice(q->device) != cudaSuccess)
		return -EIO;
	if (cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) != cudaSuccess)
		return -EIO;
	q->stream = s;
	if (cudaMalloc(&p, (size_t)h->max_streams * h->in_stride * sizeof(int16_t)) != cudaSuccess)
		return -ENOMEM;
	q->d_in = p;
	if (cudaMalloc(&p, (size_t)h->max_streams * h->max_frames * sizeof(float)) != cudaSuccess)
		return -ENOMEM;
	q->d_out = p;
	if (cudaMalloc(&p, (size_t)h->max_streams * sizeof(struct kernels_pcm_param)) !=
	        cudaSuccess)
		return -ENOMEM;
	q->d_param = p;
	return 0;
}
#endif

int
gpu_queue_create(const struct kernels_backend *be, uint32_t max_streams, uint32_t max_frames,
        struct gpu_queue **out)
{
	struct gpu_queue *q;
	struct gpu_queue_pcm_rows *h;
	int rc = -ENOMEM;

	if (max_streams == 0 || max_streams > KERNELS_PCM_MAX_STREAMS || max_frames == 0 ||
	        max_frames > KERNELS_PCM_MAX_FRAMES)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->be = be != NULL ? be : &kernels_backend_cpu;
	q->device = -1;
#ifdef RTC_HAVE_CUDA
	q->pinned = q->be == &kernels_backend_cuda;
#endif
	h = &q->pcm;
	h->max_streams = max_streams;
	h->max_frames = max_frames;
	h->in_stride = 2 * max_frames;
	h->out_stride = max_frames;
	h->in = host_alloc(q->pinned, (size_t)max_streams * h->in_stride * sizeof(int16_t));
	h->out = host_alloc(q->pinned, (size_t)max_streams * h->out_stride * sizeof(float));
	h->channels = host_alloc(q->pinned, max_streams);
	h->gain = host_alloc(q->pinned, (size_t)max_streams * sizeof(float));
	if (h->in == NULL || h->out == NULL || h->channels == NULL || h->gain == NULL)
		goto err_free;
#ifdef RTC_HAVE_CUDA
	if (q->pinned) {
		q->h_param = host_alloc(1, (size_t)max_streams * sizeof(struct kernels_pcm_param));
		if (q->h_param == NULL)
			goto err_free;
		rc = cuda_setup(q);
		if (rc < 0)
			goto err_free;
	}
#endif
	*out = q;
	return 0;

err_free:
	gpu_queue_free(q);
	return rc;
}

void
gpu_queue_free(struct gpu_queue *q)
{
	if (q == NULL)
		return;
#ifdef RTC_HAVE_CUDA
	if (q->pinned) {
		if (q->stream != NULL)
			cudaStreamSynchronize(q->stream);
		cudaFree(q->d_param);
		cudaFree(q->d_out);
		cudaFree(q->d_in);
		if (q->stream != NULL)
			cudaStreamDestroy(q->stream);
		host_free(1, q->h_param);
	}
#endif
	host_free(q->pinned, q->pcm.gain);
	host_free(q->pinned, q->pcm.channels);
	host_free(q->pinned, q->pcm.out);
	host_free(q->pinned, q->pcm.in);
	free(q);
}

int
gpu_queue_is_pinned(const struct gpu_queue *q)
{
	return q->pinned;
}

const struct gpu_queue_pcm_rows *
gpu_queue_pcm_host(const struct gpu_queue *q)
{
	return &q->pcm;
}

void
gpu_queue_pcm_batch(
        const struct gpu_queue *q, uint32_t nstreams, uint32_t frames, struct kernels_pcm_batch *b)
{
	b->in = q->pcm.in;
	b->out = q->pcm.out;
	b->channels = q->pcm.channels;
	b->gain = q->pcm.gain;
	b->nstreams = nstreams;
	b->frames = frames;
	b->in_stride = q->pcm.in_stride;
	b->out_stride = q->pcm.out_stride;
}
