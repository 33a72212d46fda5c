/*
 * Backend selection, op argument checks and the shared known-answer tests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernels_internal.h"
#include "pcm_kat.h"

static const struct kernels_backend *const backends[] = {
#ifdef RTC_HAVE_CUDA
        &kernels_backend_cuda,
#endif
        &kernels_backend_cpu,
};

static void __attribute__((format(printf, 3, 4))) say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

const struct kernels_backend *
kernels_backend_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

int
kernels_pref_parse(const char *s, enum kernels_pref *pref)
{
	if (strcmp(s, "auto") == 0)
		*pref = KERNELS_PREF_AUTO;
	else if (strcmp(s, "cpu") == 0)
		*pref = KERNELS_PREF_CPU;
	else if (strcmp(s, "cuda") == 0)
		*pref = KERNELS_PREF_CUDA;
	else
		return -EINVAL;
	return 0;
}

/* API version, probe, self-test; 0, or negative with the reason in @why. */
static int
backend_usable(const struct kernels_backend *be, char *why, size_t len)
{
	int rc;

	if (be->api_version != KERNELS_API_VERSION) {
		say(why, len, "API version %u, this build wants %u", be->api_version,
		        KERNELS_API_VERSION);
		return -EPROTO;
	}
	rc = be->probe(why, len);
	if (rc < 0)
		return rc;
	rc = be->selftest();
	if (rc < 0) {
		say(why, len, "self-test failed: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

const struct kernels_backend *
kernels_backend_select(enum kernels_pref pref, char *why, size_t len)
{
	char r[256] = "cpu requested";
	const struct kernels_backend *cpu = &kernels_backend_cpu;

	if (pref != KERNELS_PREF_CPU) {
#ifdef RTC_HAVE_CUDA
		char ok[256];

		if (backend_usable(&kernels_backend_cuda, ok, sizeof(ok)) == 0) {
			say(why, len, "cuda: %s, self-test passed", ok);
			return &kernels_backend_cuda;
		}
		snprintf(r, sizeof(r), "%s", ok);
#else
		snprintf(r, sizeof(r), "built without CUDA (-Dcuda=disabled or no nvcc)");
#endif
		if (pref == KERNELS_PREF_CUDA) {
			say(why, len, "none: cuda required, but %s", r);
			return NULL;
		}
	}
	if (backend_usable(cpu, NULL, 0) < 0) {
		say(why, len, "none: the C reference failed its self-test");
		return NULL;
	}
	say(why, len, "cpu: %s", r);
	return cpu;
}

static int
gain_ok(float g)
{
	/* Written so that NaN fails: every comparison with NaN is false. */
	return g == 0.0f || (g >= KERNELS_PCM_GAIN_MIN && g <= KERNELS_PCM_GAIN_MAX);
}

int
kernels_pcm_batch_check(const struct kernels_pcm_batch *b)
{
	uintptr_t in0, in1, out0, out1;

	if (b == NULL)
		return -EINVAL;
	if (b->nstreams > KERNELS_PCM_MAX_STREAMS || b->frames > KERNELS_PCM_MAX_FRAMES)
		return -E2BIG;
	if (b->nstreams == 0)
		return 0;
	if (b->in == NULL || b->out == NULL || b->channels == NULL || b->gain == NULL ||
	        b->out_stride < b->frames)
		return -EINVAL;
	for (uint32_t s = 0; s < b->nstreams; s++) {
		uint8_t ch = b->channels[s];

		if ((ch != 1 && ch != 2) || b->in_stride < (uint64_t)b->frames * ch ||
		        !gain_ok(b->gain[s]))
			return -EINVAL;
	}
	in0 = (uintptr_t)b->in;
	in1 = in0 + (uintptr_t)b->nstreams * b->in_stride * sizeof(*b->in);
	out0 = (uintptr_t)b->out;
	out1 = out0 + (uintptr_t)b->nstreams * b->out_stride * sizeof(*b->out);
	if (in0 < out1 && out0 < in1)
		return -EINVAL;
	return 0;
}

int
kernels_pcm_s16_to_f32(
        const struct kernels_backend *be, struct gpu_queue *q, const struct kernels_pcm_batch *b)
{
	int rc = kernels_pcm_batch_check(b);

	if (rc < 0)
		return rc;
	if (b->nstreams == 0 || b->frames == 0)
		return 0;
	return be->pcm_s16_to_f32(q, b);
}

/*
 * Run the vectors of pcm_kat.h twice: whole (7 frames, odd, all cases),
 * then the first 5 rows over 3 frames (shorter copies than the strides).
 * Outputs are compared as bits, and the guard floats around every row
 * must survive.
 */
#define KAT_GUARD 0x7fa5a5a5u /* a NaN no conversion can produce */

static int
kat_pcm_run(
        const struct kernels_backend *be, struct gpu_queue *q, uint32_t nstreams, uint32_t frames)
{
	float out[PCM_KAT_STREAMS * PCM_KAT_OUT_STRIDE];
	struct kernels_pcm_batch b = {
	        .in = pcm_kat_in,
	        .out = out,
	        .channels = pcm_kat_channels,
	        .gain = pcm_kat_gain,
	        .nstreams = nstreams,
	        .frames = frames,
	        .in_stride = PCM_KAT_IN_STRIDE,
	        .out_stride = PCM_KAT_OUT_STRIDE,
	};
	uint32_t guard = KAT_GUARD;
	int rc;

	for (size_t i = 0; i < PCM_KAT_STREAMS * PCM_KAT_OUT_STRIDE; i++)
		memcpy(&out[i], &guard, sizeof(guard));
	rc = kernels_pcm_s16_to_f32(be, q, &b);
	if (rc < 0)
		return rc;
	for (uint32_t s = 0; s < PCM_KAT_STREAMS; s++) {
		for (uint32_t f = 0; f < PCM_KAT_OUT_STRIDE; f++) {
			const float *got = &out[s * PCM_KAT_OUT_STRIDE + f];
			const void *want = &guard;

			if (s < nstreams && f < frames)
				want = &pcm_kat_out[s * PCM_KAT_FRAMES + f];
			if (memcmp(got, want, sizeof(*got)) != 0)
				return -EIO;
		}
	}
	return 0;
}

int
kernels_selftest_pcm(const struct kernels_backend *be, struct gpu_queue *q)
{
	int rc = kat_pcm_run(be, q, PCM_KAT_STREAMS, PCM_KAT_FRAMES);

	if (rc == 0)
		rc = kat_pcm_run(be, q, 5, 3);
	return rc;
}
