/*
 * The "cuda" backend: probe, self-test and the host side of each op
 * (copies and one kernel launch per batch on the queue's stream). The
 * kernels themselves are in the .cu files. Built only with RTC_HAVE_CUDA.
 */
#include <errno.h>
#include <stdio.h>

#include <cuda_runtime_api.h>

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

	rc = gpu_queue_create(&kernels_backend_cuda, PCM_KAT_STREAMS, PCM_KAT_FRAMES, &q);
	if (rc < 0)
		return rc;
	rc = kernels_selftest_pcm(&kernels_backend_cuda, q);
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

const struct kernels_backend kernels_backend_cuda = {
        .api_version = KERNELS_API_VERSION,
        .name = "cuda",
        .probe = cuda_probe,
        .selftest = cuda_selftest,
        .pcm_s16_to_f32 = cuda_pcm_s16_to_f32,
};
