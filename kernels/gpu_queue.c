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
/* cudaMalloc of @bytes (at least 1) into *@p; 0 or -ENOMEM. */
static int
dev_alloc(void *p, size_t bytes)
{
	void *d;

	if (cudaMalloc(&d, bytes ? bytes : 1) != cudaSuccess)
		return -ENOMEM;
	memcpy(p, &d, sizeof(d));
	return 0;
}

/* Device buffers of the AI ops, sized like the host rows. */
static int
cuda_setup_ai(struct gpu_queue *q)
{
	const struct gpu_queue_ai_rows *a = &q->ai;
	struct gpu_queue_dev_ai *d = &q->dai;
	size_t n = q->pcm.max_streams;
	int rc = 0;

	rc |= dev_alloc(&d->rs_out, n * a->pcm16k_stride * sizeof(float));
	rc |= dev_alloc(&d->mel, n * a->mel_stride * sizeof(float));
	rc |= dev_alloc(&d->energy, n * a->energy_stride * sizeof(float));
	rc |= dev_alloc(&d->nframes, n * sizeof(uint32_t));
	rc |= dev_alloc(&d->vad_params, n * sizeof(struct kernels_vad_params));
	rc |= dev_alloc(&d->events, n * a->events_stride * sizeof(struct kernels_vad_event));
	rc |= dev_alloc(&d->nevents, n * sizeof(uint32_t));
	for (int i = 0; i < 2; i++) {
		rc |= dev_alloc(&d->rs_st[i], n * sizeof(struct kernels_rs_state));
		rc |= dev_alloc(&d->mel_st[i], n * sizeof(struct kernels_mel_state));
		rc |= dev_alloc(&d->vad_st[i], n * sizeof(struct kernels_vad_state));
	}
	return rc ? -ENOMEM : 0;
}

static void
cuda_free_ai(struct gpu_queue_dev_ai *d)
{
	cudaFree(d->rs_out);
	cudaFree(d->mel);
	cudaFree(d->energy);
	cudaFree(d->nframes);
	cudaFree(d->vad_params);
	cudaFree(d->events);
	cudaFree(d->nevents);
	for (int i = 0; i < 2; i++) {
		cudaFree(d->rs_st[i]);
		cudaFree(d->mel_st[i]);
		cudaFree(d->vad_st[i]);
	}
}

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
	return cuda_setup_ai(q);
}
#endif

/* Host rows and states of the AI ops; states zeroed (= fresh), VAD params default. */
static int
ai_alloc(struct gpu_queue *q)
{
	struct gpu_queue_ai_rows *a = &q->ai;
	size_t n = q->pcm.max_streams;

	a->max_out = q->pcm.max_frames / 3;
	a->max_mel_frames = KERNELS_MEL_FRAMES_MAX(a->max_out);
	a->pcm16k_stride = a->max_out;
	a->mel_stride = KERNELS_MEL_BINS * a->max_mel_frames;
	a->energy_stride = a->max_mel_frames;
	a->events_stride = a->max_mel_frames;
	a->pcm16k = host_alloc(q->pinned, n * a->pcm16k_stride * sizeof(float));
	a->rs_state = host_alloc(q->pinned, n * sizeof(struct kernels_rs_state));
	a->mel = host_alloc(q->pinned, n * a->mel_stride * sizeof(float));
	a->energy = host_alloc(q->pinned, n * a->energy_stride * sizeof(float));
	a->nframes = host_alloc(q->pinned, n * sizeof(uint32_t));
	a->mel_state = host_alloc(q->pinned, n * sizeof(struct kernels_mel_state));
	a->vad_params = host_alloc(q->pinned, n * sizeof(struct kernels_vad_params));
	a->vad_state = host_alloc(q->pinned, n * sizeof(struct kernels_vad_state));
	a->events = host_alloc(q->pinned, n * a->events_stride * sizeof(struct kernels_vad_event));
	a->nevents = host_alloc(q->pinned, n * sizeof(uint32_t));
	if (a->pcm16k == NULL || a->rs_state == NULL || a->mel == NULL || a->energy == NULL ||
	        a->nframes == NULL || a->mel_state == NULL || a->vad_params == NULL ||
	        a->vad_state == NULL || a->events == NULL || a->nevents == NULL)
		return -ENOMEM;
	for (uint32_t s = 0; s < n; s++)
		gpu_queue_stream_reset(q, s);
	return 0;
}

static void
ai_free(struct gpu_queue *q)
{
	struct gpu_queue_ai_rows *a = &q->ai;

	host_free(q->pinned, a->nevents);
	host_free(q->pinned, a->events);
	host_free(q->pinned, a->vad_state);
	host_free(q->pinned, a->vad_params);
	host_free(q->pinned, a->mel_state);
	host_free(q->pinned, a->nframes);
	host_free(q->pinned, a->energy);
	host_free(q->pinned, a->mel);
	host_free(q->pinned, a->rs_state);
	host_free(q->pinned, a->pcm16k);
}

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
	if (ai_alloc(q) < 0)
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
		cuda_free_ai(&q->dai);
		cudaFree(q->d_param);
		cudaFree(q->d_out);
		cudaFree(q->d_in);
		if (q->stream != NULL)
			cudaStreamDestroy(q->stream);
		host_free(1, q->h_param);
	}
#endif
	ai_free(q);
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

const struct gpu_queue_ai_rows *
gpu_queue_ai_host(const struct gpu_queue *q)
{
	return &q->ai;
}

void
gpu_queue_stream_reset(struct gpu_queue *q, uint32_t slot)
{
	struct gpu_queue_ai_rows *a = &q->ai;

	if (slot >= q->pcm.max_streams)
		return;
	kernels_rs_state_init(&a->rs_state[slot]);
	kernels_mel_state_init(&a->mel_state[slot]);
	kernels_vad_state_init(&a->vad_state[slot]);
	kernels_vad_params_default(&a->vad_params[slot]);
}

void
gpu_queue_rs_batch(const struct gpu_queue *q, uint32_t nstreams, uint32_t out_frames,
        struct kernels_rs_batch *b)
{
	*b = (struct kernels_rs_batch){
	        .in = q->pcm.out,
	        .out = q->ai.pcm16k,
	        .state = q->ai.rs_state,
	        .nstreams = nstreams,
	        .out_frames = out_frames,
	        .in_stride = q->pcm.out_stride,
	        .out_stride = q->ai.pcm16k_stride,
	};
}

void
gpu_queue_mel_batch(const struct gpu_queue *q, uint32_t nstreams, uint32_t in_frames,
        struct kernels_mel_batch *b)
{
	*b = (struct kernels_mel_batch){
	        .in = q->ai.pcm16k,
	        .out = q->ai.mel,
	        .energy = q->ai.energy,
	        .nframes = q->ai.nframes,
	        .state = q->ai.mel_state,
	        .nstreams = nstreams,
	        .in_frames = in_frames,
	        .in_stride = q->ai.pcm16k_stride,
	        .out_stride = q->ai.mel_stride,
	        .energy_stride = q->ai.energy_stride,
	};
}

void
gpu_queue_vad_batch(const struct gpu_queue *q, uint32_t nstreams, struct kernels_vad_batch *b)
{
	*b = (struct kernels_vad_batch){
	        .energy = q->ai.energy,
	        .nframes = q->ai.nframes,
	        .params = q->ai.vad_params,
	        .state = q->ai.vad_state,
	        .events = q->ai.events,
	        .nevents = q->ai.nevents,
	        .nstreams = nstreams,
	        .energy_stride = q->ai.energy_stride,
	        .events_stride = q->ai.events_stride,
	};
}
