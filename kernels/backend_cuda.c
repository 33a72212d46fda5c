/*
 * The "cuda" backend: probe, self-test and the host side of each op
 * (copies and one kernel launch per batch on the queue's stream). The
 * kernels themselves are in the .cu files. Built only with RTC_HAVE_CUDA.
 */
#include <errno.h>
#include <stdio.h>

#include <cuda_runtime_api.h>

#include "dsp_kat.h"
#include "kernels_internal.h"
#include "pcm_kat.h"

/* The oldest architecture kernels/meson.build compiles machine code for. */
#define CUDA_MIN_CC_MAJOR 7
#define CUDA_MIN_CC_MINOR 5

static int
cuda_probe(char *why, size_t len)
{
	struct cudaDeviceProp prop;
	cudaError_t e;
	int n = 0;

	e = cudaGetDeviceCount(&n);
	if (e != cudaSuccess || n <= 0) {
		snprintf(why, len, "no CUDA device (cudaGetDeviceCount: %s%s)",
		        e != cudaSuccess ? cudaGetErrorName(e) : "0 devices",
		        e == cudaErrorInsufficientDriver
		                ? ": no NVIDIA driver, or one older than this CUDA runtime"
		                : "");
		return -ENODEV;
	}
	e = cudaGetDeviceProperties(&prop, 0);
	if (e != cudaSuccess) {
		snprintf(why, len, "CUDA device 0 unreadable (%s)", cudaGetErrorName(e));
		return -ENODEV;
	}
	if (prop.major < CUDA_MIN_CC_MAJOR ||
	        (prop.major == CUDA_MIN_CC_MAJOR && prop.minor < CUDA_MIN_CC_MINOR)) {
		snprintf(why, len, "CUDA device 0 (%s) is sm_%d%d, kernels need sm_%d%d+",
		        prop.name, prop.major, prop.minor, CUDA_MIN_CC_MAJOR, CUDA_MIN_CC_MINOR);
		return -ENODEV;
	}
	snprintf(why, len, "device 0 of %d: %s, sm_%d%d", n, prop.name, prop.major, prop.minor);
	return 0;
}

static int
cuda_selftest(void)
{
	struct gpu_queue *q;
	int rc;

	rc = gpu_queue_create(&kernels_backend_cuda,
	        PCM_KAT_STREAMS > DSP_KAT_QUEUE_STREAMS ? PCM_KAT_STREAMS : DSP_KAT_QUEUE_STREAMS,
	        PCM_KAT_FRAMES > DSP_KAT_QUEUE_FRAMES ? PCM_KAT_FRAMES : DSP_KAT_QUEUE_FRAMES, &q);
	if (rc < 0)
		return rc;
	rc = kernels_selftest_pcm(&kernels_backend_cuda, q);
	if (rc == 0)
		rc = kernels_selftest_dsp(&kernels_backend_cuda, q);
	gpu_queue_free(q);
	return rc;
}

static int
cuda_pcm_s16_to_f32(struct gpu_queue *q, const struct kernels_pcm_batch *b)
{
	cudaStream_t st;
	uint32_t n = b->nstreams, w;
	cudaError_t e;

	if (q == NULL || q->be != &kernels_backend_cuda)
		return -EINVAL;
	if (n > q->pcm.max_streams || b->frames > q->pcm.max_frames)
		return -E2BIG;
	st = q->stream;
	/* The current device is per thread; the queue's owner may not be its creator. */
	if (cudaSetDevice(q->device) != cudaSuccess)
		return -EIO;
	/* Device rows hold w int16: all of a stereo row, never past the caller's row. */
	w = b->in_stride < 2 * b->frames ? b->in_stride : 2 * b->frames;
	for (uint32_t s = 0; s < n; s++) {
		q->h_param[s].gain = b->gain[s];
		q->h_param[s].channels = b->channels[s];
	}
	e = cudaMemcpyAsync(
	        q->d_param, q->h_param, n * sizeof(*q->h_param), cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpy2DAsync(q->d_in, w * sizeof(int16_t), b->in,
		        (size_t)b->in_stride * sizeof(int16_t), w * sizeof(int16_t), n,
		        cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = (cudaError_t)kernels_cuda_pcm_launch(
		        q->d_in, w, q->d_param, q->d_out, n, b->frames, st);
	if (e == cudaSuccess)
		e = cudaMemcpy2DAsync(b->out, (size_t)b->out_stride * sizeof(float), q->d_out,
		        b->frames * sizeof(float), b->frames * sizeof(float), n,
		        cudaMemcpyDeviceToHost, st);
	/* Always drain the stream: h_param and the rows may be reused on return. */
	if (cudaStreamSynchronize(st) != cudaSuccess || e != cudaSuccess)
		return -EIO;
	return 0;
}

/* A queue made for this backend, current device set for the calling thread. */
static int
cuda_queue_enter(struct gpu_queue *q)
{
	if (q == NULL || q->be != &kernels_backend_cuda)
		return -EINVAL;
	if (cudaSetDevice(q->device) != cudaSuccess)
		return -EIO;
	return 0;
}

/* Drain the stream (host rows may be reused on return); 0 or -EIO. */
static int
cuda_queue_leave(struct gpu_queue *q, cudaError_t e)
{
	if (cudaStreamSynchronize(q->stream) != cudaSuccess || e != cudaSuccess)
		return -EIO;
	return 0;
}

/*
 * Resampler: rows in (3n floats each, compact on the device), states in,
 * one launch, rows and states out. The input goes to d_out, the PCM op's
 * float rows (max_frames per stream >= 3 * max_out).
 */
static int
cuda_resample(struct gpu_queue *q, const struct kernels_rs_batch *b)
{
	uint32_t n = b->nstreams, nout = b->out_frames, nin = 3 * nout;
	struct gpu_queue_dev_ai *d;
	cudaStream_t st;
	cudaError_t e;
	int rc = cuda_queue_enter(q);

	if (rc < 0)
		return rc;
	d = &q->dai; /* q checked by cuda_queue_enter() */
	if (n > q->pcm.max_streams || nout > q->ai.max_out)
		return -E2BIG;
	st = q->stream;
	e = cudaMemcpy2DAsync(q->d_out, nin * sizeof(float), b->in,
	        (size_t)b->in_stride * sizeof(float), nin * sizeof(float), n,
	        cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        d->rs_st[0], b->state, n * sizeof(*b->state), cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = (cudaError_t)kernels_cuda_rs_launch(
		        q->d_out, d->rs_out, d->rs_st[0], d->rs_st[1], n, nout, st);
	if (e == cudaSuccess)
		e = cudaMemcpy2DAsync(b->out, (size_t)b->out_stride * sizeof(float), d->rs_out,
		        nout * sizeof(float), nout * sizeof(float), n, cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        b->state, d->rs_st[1], n * sizeof(*b->state), cudaMemcpyDeviceToHost, st);
	return cuda_queue_leave(q, e);
}

/* Log-mel: rows and states in, one launch, frame rows (whole slots), counts and states out. */
static int
cuda_logmel(struct gpu_queue *q, const struct kernels_mel_batch *b)
{
	uint32_t n = b->nstreams, nin = b->in_frames, fmax = KERNELS_MEL_FRAMES_MAX(nin);
	struct gpu_queue_dev_ai *d;
	size_t row = (size_t)fmax * KERNELS_MEL_BINS * sizeof(float);
	cudaStream_t st;
	cudaError_t e;
	int rc = cuda_queue_enter(q);

	if (rc < 0)
		return rc;
	d = &q->dai; /* q checked by cuda_queue_enter() */
	if (n > q->pcm.max_streams || nin > q->ai.max_out)
		return -E2BIG;
	st = q->stream;
	e = cudaMemcpy2DAsync(d->rs_out, nin * sizeof(float), b->in,
	        (size_t)b->in_stride * sizeof(float), nin * sizeof(float), n,
	        cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        d->mel_st[0], b->state, n * sizeof(*b->state), cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = (cudaError_t)kernels_cuda_mel_launch(d->rs_out, d->mel, d->energy, d->nframes,
		        d->mel_st[0], d->mel_st[1], n, nin, st);
	if (e == cudaSuccess && fmax > 0)
		e = cudaMemcpy2DAsync(b->out, (size_t)b->out_stride * sizeof(float), d->mel, row,
		        row, n, cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess && fmax > 0)
		e = cudaMemcpy2DAsync(b->energy, (size_t)b->energy_stride * sizeof(float),
		        d->energy, fmax * sizeof(float), fmax * sizeof(float), n,
		        cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        b->nframes, d->nframes, n * sizeof(uint32_t), cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        b->state, d->mel_st[1], n * sizeof(*b->state), cudaMemcpyDeviceToHost, st);
	return cuda_queue_leave(q, e);
}

/* VAD: energies (W = the batch's most frames per row), counts, params, states in; events out. */
static int
cuda_vad(struct gpu_queue *q, const struct kernels_vad_batch *b)
{
	uint32_t n = b->nstreams, w = 0;
	struct gpu_queue_dev_ai *d;
	cudaStream_t st;
	cudaError_t e = cudaSuccess;
	int rc = cuda_queue_enter(q);

	if (rc < 0)
		return rc;
	d = &q->dai; /* q checked by cuda_queue_enter() */
	for (uint32_t s = 0; s < n; s++)
		w = b->nframes[s] > w ? b->nframes[s] : w;
	if (n > q->pcm.max_streams || w > q->ai.max_mel_frames)
		return -E2BIG;
	st = q->stream;
	if (w > 0)
		e = cudaMemcpy2DAsync(d->energy, w * sizeof(float), b->energy,
		        (size_t)b->energy_stride * sizeof(float), w * sizeof(float), n,
		        cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        d->nframes, b->nframes, n * sizeof(uint32_t), cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(d->vad_params, b->params, n * sizeof(*b->params),
		        cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        d->vad_st[0], b->state, n * sizeof(*b->state), cudaMemcpyHostToDevice, st);
	if (e == cudaSuccess)
		e = (cudaError_t)kernels_cuda_vad_launch(d->energy, d->nframes, d->vad_params,
		        d->vad_st[0], d->vad_st[1], d->events, d->nevents, n, w, st);
	if (e == cudaSuccess && w > 0)
		e = cudaMemcpy2DAsync(b->events, (size_t)b->events_stride * sizeof(*b->events),
		        d->events, w * sizeof(*b->events), w * sizeof(*b->events), n,
		        cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        b->nevents, d->nevents, n * sizeof(uint32_t), cudaMemcpyDeviceToHost, st);
	if (e == cudaSuccess)
		e = cudaMemcpyAsync(
		        b->state, d->vad_st[1], n * sizeof(*b->state), cudaMemcpyDeviceToHost, st);
	return cuda_queue_leave(q, e);
}

const struct kernels_backend kernels_backend_cuda = {
        .api_version = KERNELS_API_VERSION,
        .name = "cuda",
        .probe = cuda_probe,
        .selftest = cuda_selftest,
        .pcm_s16_to_f32 = cuda_pcm_s16_to_f32,
        .resample = cuda_resample,
        .logmel = cuda_logmel,
        .vad = cuda_vad,
};
