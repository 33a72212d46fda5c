/*
 * Unit tests of kernels/: the PCM conversion against independent answers,
 * its edge cases and argument checks, the self-tests, backend selection,
 * gpu_queue, and (when built with CUDA) the CUDA backend's clean refusal
 * on a machine without a device.
 *
 * Registered from kernels/meson.build (suite 'unit').
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gpu_queue.h"
#include "kernels.h"

#define SENTINEL_BITS 0x7fa5a5a5u /* a NaN no conversion produces */

static const struct kernels_backend *
cpu_backend(void)
{
	const struct kernels_backend *be = kernels_backend_find("cpu");

	assert_non_null(be);
	return be;
}

static void
fill_sentinel(float *p, size_t n)
{
	uint32_t bits = SENTINEL_BITS;

	for (size_t i = 0; i < n; i++)
		memcpy(&p[i], &bits, sizeof(bits));
}

static int
is_sentinel(const float *p)
{
	uint32_t bits;

	memcpy(&bits, p, sizeof(bits));
	return bits == SENTINEL_BITS;
}

static int
same_bits(float a, float b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * Independent oracle in double: v * g is exact in double (v has at most 17
 * significant bits, g 24), / 32768 is exact, so (float) is the one and only
 * rounding, as the specification in kernels.h requires. Clamp after it.
 */
static float
oracle(const int16_t *x, unsigned int ch, uint32_t f, float g)
{
	double v = ch == 2 ? ((double)x[2 * f] + (double)x[2 * f + 1]) / 2.0 : (double)x[f];
	float y = (float)(v * (double)g / 32768.0);

	if (y < -1.0f)
		y = -1.0f;
	if (y > 32767.0f / 32768.0f)
		y = 32767.0f / 32768.0f;
	return y;
}

/* xorshift32: reproducible inputs without libc rand(). */
static uint32_t
rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static float
random_gain(uint32_t *s)
{
	uint32_t r = rng(s);

	switch (r % 8) {
	case 0:
		return 0.0f;
	case 1:
		return 1.0f;
	case 2:
		return KERNELS_PCM_GAIN_MAX;
	case 3:
		return KERNELS_PCM_GAIN_MIN;
	default: /* 1.m * 2^e, e in [-24, 5]: every float of the range is possible */
		return ldexpf(1.0f + (float)(rng(s) & 0x7fffff) * 0x1p-23f, (int)(r / 8 % 30) - 24);
	}
}

/* One hand-checked case: row of 1 or 2 channels, gain, input, expected output. */
struct pcm_case {
	unsigned int ch;
	float gain;
	int16_t x[2];
	float want;
};

/*
 * Worked out by hand from the definition (v = x or (l + r) / 2, y = v * g /
 * 32768 rounded to float, clamped to [-1, 32767/32768]). All but the 0.1f
 * rows are exact powers-of-two arithmetic. 0.1f is 0x1.99999ap-4: times 1 it
 * is exact; times 3 it is 0x1.3333338p-2, exactly halfway between two floats,
 * so ties-to-even picks 0x1.333334p-2 (the 0x...333 neighbour is odd).
 */
static const struct pcm_case pcm_cases[] = {
        {1, 1.0f, {16384}, 0.5f},
        {1, 1.0f, {INT16_MIN}, -1.0f},
        {1, 1.0f, {INT16_MAX}, 0x1.fffcp-1f}, /* 32767 / 32768 */
        {1, 1.0f, {1}, 0x1p-15f},
        {1, 1.0f, {-16385}, -0x1.0004p-1f}, /* -16385 / 32768 */
        {2, 1.0f, {1, 2}, 0x1.8p-15f},      /* 1.5 / 32768 */
        {2, 1.0f, {INT16_MIN, INT16_MAX}, -0x1p-16f},
        {2, 1.0f, {INT16_MAX, INT16_MAX}, 0x1.fffcp-1f},
        {2, 1.0f, {INT16_MIN, INT16_MIN}, -1.0f},
        {1, 2.0f, {16384}, 0x1.fffcp-1f}, /* 1.0 clipped to the top */
        {1, 2.0f, {-16384}, -1.0f},       /* exactly -1, no clipping needed */
        {1, 2.0f, {-16385}, -1.0f},       /* clipped */
        {1, 2.0f, {8191}, 0x1.fffp-2f},   /* 8191 / 16384 */
        {1, 0.1f, {1}, 0x1.99999ap-19f},
        {1, 0.1f, {3}, 0x1.333334p-17f}, /* the tie, see above */
        {1, 64.0f, {INT16_MIN}, -1.0f},
        {1, 64.0f, {511}, 0x1.ffp-1f}, /* 32704 / 32768 */
        {1, 0x1p-24f, {1}, 0x1p-39f},  /* smallest gain stays normal */
        {2, 0x1p-24f, {1, 0}, 0x1p-40f},
};

static void
test_hand_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pcm_cases) / sizeof(pcm_cases[0]); i++) {
		const struct pcm_case *c = &pcm_cases[i];
		uint8_t ch = (uint8_t)c->ch;
		float out[2];
		struct kernels_pcm_batch b = {
		        .in = c->x,
		        .out = out,
		        .channels = &ch,
		        .gain = &c->gain,
		        .nstreams = 1,
		        .frames = 1,
		        .in_stride = 2,
		        .out_stride = 2,
		};

		fill_sentinel(out, 2);
		assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
		if (!same_bits(out[0], c->want))
			fail_msg("case %zu: got %a want %a", i, (double)out[0], (double)c->want);
		assert_true(same_bits(out[0], oracle(c->x, ch, 0, c->gain)));
		assert_true(is_sentinel(&out[1]));
	}
}

/* Every int16, mono and stereo (as l == r and as l, -l - 1), unity gain. */
static void
test_all_int16(void **state)
{
	static int16_t in[2 * 65536];
	static float out[65536];
	const uint8_t mono = 1, stereo = 2;
	const float one = 1.0f;
	struct kernels_pcm_batch b = {
	        .in = in,
	        .out = out,
	        .gain = &one,
	        .nstreams = 1,
	        .in_stride = 2 * 65536,
	        .out_stride = 65536,
	};

	(void)state;
	/* At most KERNELS_PCM_MAX_FRAMES per batch: two batches. */
	for (int32_t base = 0; base < 65536; base += (int32_t)KERNELS_PCM_MAX_FRAMES) {
		uint32_t n = 65536 - (uint32_t)base < KERNELS_PCM_MAX_FRAMES
		                     ? 65536 - (uint32_t)base
		                     : KERNELS_PCM_MAX_FRAMES;

		b.frames = n;
		for (uint32_t f = 0; f < n; f++)
			in[f] = (int16_t)(base + (int32_t)f - 32768);
		b.channels = &mono;
		assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
		for (uint32_t f = 0; f < n; f++) {
			assert_true(same_bits(out[f], (float)in[f] / 32768.0f));
			assert_true(out[f] >= -1.0f && out[f] < 1.0f);
		}
		for (uint32_t f = n; f-- > 0;) {
			in[2 * f] = in[f];
			in[2 * f + 1] = (int16_t)(-in[f] - 1);
		}
		b.channels = &stereo;
		assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
		for (uint32_t f = 0; f < n; f++) /* (x + (-x - 1)) / 2 = -1/2 */
			assert_true(same_bits(out[f], -0x1p-16f));
	}
}

/* Random rows, mixed channels and gains, odd frame counts, padded strides. */
static void
run_random(const struct kernels_backend *be, struct gpu_queue *q, uint32_t seed, uint32_t nstreams,
        uint32_t frames)
{
	enum { MAXS = 17, MAXF = 961, IN_STRIDE = 2 * MAXF + 3, OUT_STRIDE = MAXF + 1 };
	static int16_t in[MAXS * IN_STRIDE];
	static float out[MAXS * OUT_STRIDE];
	uint8_t ch[MAXS];
	float gain[MAXS];
	struct kernels_pcm_batch b = {
	        .in = in,
	        .out = out,
	        .channels = ch,
	        .gain = gain,
	        .nstreams = nstreams,
	        .frames = frames,
	        .in_stride = IN_STRIDE,
	        .out_stride = OUT_STRIDE,
	};
	uint32_t s = seed;

	assert_true(nstreams <= MAXS && frames <= MAXF);
	for (size_t i = 0; i < MAXS * IN_STRIDE; i++)
		in[i] = (int16_t)rng(&s);
	for (uint32_t i = 0; i < MAXS; i++) {
		ch[i] = (uint8_t)(1 + rng(&s) % 2);
		gain[i] = random_gain(&s);
	}
	fill_sentinel(out, MAXS * OUT_STRIDE);
	if (q != NULL) { /* go through the queue's own rows instead */
		const struct gpu_queue_pcm_rows *h = gpu_queue_pcm_host(q);

		assert_true(nstreams <= h->max_streams && frames <= h->max_frames);
		gpu_queue_pcm_batch(q, nstreams, frames, &b);
		for (uint32_t r = 0; r < nstreams; r++) {
			memcpy(h->in + (size_t)r * h->in_stride, in + (size_t)r * IN_STRIDE,
			        2 * frames * sizeof(int16_t));
			h->channels[r] = ch[r];
			h->gain[r] = gain[r];
		}
		fill_sentinel(h->out, (size_t)h->max_streams * h->out_stride);
	}
	assert_int_equal(kernels_pcm_s16_to_f32(be, q, &b), 0);
	for (uint32_t r = 0; r < nstreams; r++) {
		for (uint32_t f = 0; f < b.out_stride; f++) {
			const float *got = b.out + (size_t)r * b.out_stride + f;

			if (f >= frames) {
				assert_true(is_sentinel(got));
				continue;
			}
			float want =
			        oracle(b.in + (size_t)r * b.in_stride, b.channels[r], f, b.gain[r]);

			if (!same_bits(*got, want))
				fail_msg("%s seed %u row %u frame %u: got %a want %a", be->name,
				        seed, r, f, (double)*got, (double)want);
		}
	}
}

static void
test_random_vs_oracle(void **state)
{
	static const uint32_t frames[] = {1, 2, 3, 7, 480, 481, 960, 961};

	(void)state;
	for (uint32_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		for (uint32_t seed = 1; seed <= 8; seed++)
			run_random(cpu_backend(), NULL, seed * 2654435761u, 17, frames[i]);
}

/* Gain 0 gives zeros (IEEE sign kept), gain 64 never leaves [-1, 32767/32768]. */
static void
test_gain_edges(void **state)
{
	int16_t in[2 * 9] = {INT16_MIN, INT16_MIN, INT16_MAX, INT16_MAX, -1, 0, 1, 0, 0, 0, -2, 1,
	        300, 301, -300, -301, 2, -3};
	float out[9];
	uint8_t ch = 2;
	float g = 0.0f;
	struct kernels_pcm_batch b = {
	        .in = in,
	        .out = out,
	        .channels = &ch,
	        .gain = &g,
	        .nstreams = 1,
	        .frames = 9,
	        .in_stride = 18,
	        .out_stride = 9,
	};

	(void)state;
	assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
	for (int f = 0; f < 9; f++) {
		int32_t sum = in[2 * f] + in[2 * f + 1];

		assert_true(out[f] == 0.0f);
		assert_int_equal(!!signbit(out[f]), sum < 0);
	}
	g = KERNELS_PCM_GAIN_MAX;
	assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
	for (int f = 0; f < 9; f++)
		assert_true(out[f] >= -1.0f && out[f] <= KERNELS_PCM_OUT_MAX);
	assert_true(same_bits(out[0], -1.0f));
	assert_true(same_bits(out[1], KERNELS_PCM_OUT_MAX));
	assert_true(same_bits(out[6], 0x1.2c8p-1f));  /* 300.5 * 64 / 32768 = 19232 / 32768 */
	assert_true(same_bits(out[7], -0x1.2c8p-1f)); /* no clipping below full scale */
}

/* Zero streams or zero frames: success, nothing touched, NULLs allowed when empty. */
static void
test_empty(void **state)
{
	int16_t in[4] = {1, 2, 3, 4};
	float out[2];
	uint8_t ch = 2;
	float g = 1.0f;
	struct kernels_pcm_batch b = {.nstreams = 0};

	(void)state;
	assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
	b = (struct kernels_pcm_batch){.in = in,
	        .out = out,
	        .channels = &ch,
	        .gain = &g,
	        .nstreams = 1,
	        .frames = 0,
	        .in_stride = 4,
	        .out_stride = 2};
	fill_sentinel(out, 2);
	assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), 0);
	assert_true(is_sentinel(&out[0]) && is_sentinel(&out[1]));
}

/* Each bad batch is refused with nothing written. */
static void
test_reject(void **state)
{
	int16_t in[2 * 4] = {0};
	float out[2 * 4 + 8];
	uint8_t ch[2] = {1, 2};
	float g[2] = {1.0f, 1.0f};
	struct kernels_pcm_batch ok = {
	        .in = in,
	        .out = out,
	        .channels = ch,
	        .gain = g,
	        .nstreams = 2,
	        .frames = 4,
	        .in_stride = 8,
	        .out_stride = 4,
	};
	struct kernels_pcm_batch b;
	const float bad_gains[] = {
	        NAN, INFINITY, -INFINITY, -1.0f, -0x1p-30f, 0x1p-25f, 1e-30f, 64.5f, 1e30f};

	(void)state;
	assert_int_equal(kernels_pcm_batch_check(&ok), 0);
	assert_int_equal(kernels_pcm_batch_check(NULL), -EINVAL);
#define REJECT(expr, err)                                                                          \
	do {                                                                                       \
		b = ok;                                                                            \
		expr;                                                                              \
		fill_sentinel(out, 16);                                                            \
		assert_int_equal(kernels_pcm_s16_to_f32(cpu_backend(), NULL, &b), (err));          \
		for (int i_ = 0; i_ < 16; i_++)                                                    \
			assert_true(is_sentinel(&out[i_]));                                        \
	} while (0)
	REJECT(b.in = NULL, -EINVAL);
	REJECT(b.out = NULL, -EINVAL);
	REJECT(b.channels = NULL, -EINVAL);
	REJECT(b.gain = NULL, -EINVAL);
	REJECT(ch[0] = 0, -EINVAL);
	ch[0] = 1;
	REJECT(ch[1] = 3, -EINVAL);
	ch[1] = 2;
	REJECT(b.in_stride = 7, -EINVAL); /* stream 1 is stereo: needs 8 */
	REJECT(b.out_stride = 3, -EINVAL);
	REJECT(b.nstreams = KERNELS_PCM_MAX_STREAMS + 1, -E2BIG);
	REJECT(b.frames = KERNELS_PCM_MAX_FRAMES + 1, -E2BIG);
	REJECT(b.out = (float *)(void *)in, -EINVAL); /* overlapping rows */
	for (size_t i = 0; i < sizeof(bad_gains) / sizeof(bad_gains[0]); i++) {
		REJECT(g[1] = bad_gains[i], -EINVAL);
		g[1] = 1.0f;
	}
#undef REJECT
	g[1] = 0.0f;
	assert_int_equal(kernels_pcm_batch_check(&ok), 0);
	g[1] = KERNELS_PCM_GAIN_MIN;
	assert_int_equal(kernels_pcm_batch_check(&ok), 0);
	g[1] = KERNELS_PCM_GAIN_MAX;
	assert_int_equal(kernels_pcm_batch_check(&ok), 0);
}

static void
test_selftest(void **state)
{
	const struct kernels_backend *be = cpu_backend();

	(void)state;
	assert_int_equal(be->api_version, KERNELS_API_VERSION);
	assert_string_equal(be->name, "cpu");
	assert_int_equal(be->selftest(), 0);
}

static void
test_pref_parse(void **state)
{
	enum kernels_pref p;

	(void)state;
	assert_int_equal(kernels_pref_parse("auto", &p), 0);
	assert_int_equal(p, KERNELS_PREF_AUTO);
	assert_int_equal(kernels_pref_parse("cpu", &p), 0);
	assert_int_equal(p, KERNELS_PREF_CPU);
	assert_int_equal(kernels_pref_parse("cuda", &p), 0);
	assert_int_equal(p, KERNELS_PREF_CUDA);
	assert_int_equal(kernels_pref_parse("gpu", &p), -EINVAL);
	assert_int_equal(kernels_pref_parse("", &p), -EINVAL);
}

/*
 * Selection agrees with the CUDA probe: without CUDA in the build, or
 * without a device (this machine, CI), "auto" picks "cpu" and says why.
 */
static void
test_select(void **state)
{
	const struct kernels_backend *be, *cuda = kernels_backend_find("cuda");
	char why[256], probe_why[256] = "";
	int cuda_ok = 0;

	(void)state;
	if (cuda != NULL)
		cuda_ok = cuda->probe(probe_why, sizeof(probe_why)) == 0;
	be = kernels_backend_select(KERNELS_PREF_AUTO, why, sizeof(why));
	print_message("kernels_backend_select(auto): %s\n", why);
	assert_non_null(be);
	if (cuda_ok) {
		assert_string_equal(be->name, "cuda");
		assert_true(strncmp(why, "cuda: ", 6) == 0);
	} else {
		assert_string_equal(be->name, "cpu");
		assert_true(strncmp(why, "cpu: ", 5) == 0);
		if (cuda != NULL) /* the probe's own reason is passed on */
			assert_non_null(strstr(why, probe_why));
		else
			assert_non_null(strstr(why, "built without CUDA"));
	}

	be = kernels_backend_select(KERNELS_PREF_CPU, why, sizeof(why));
	assert_non_null(be);
	assert_string_equal(be->name, "cpu");
	assert_string_equal(why, "cpu: cpu requested");

	be = kernels_backend_select(KERNELS_PREF_CUDA, why, sizeof(why));
	print_message("kernels_backend_select(cuda): %s\n", why);
	if (cuda_ok) {
		assert_non_null(be);
	} else {
		assert_null(be);
		assert_true(strncmp(why, "none: cuda required", 19) == 0);
	}
	assert_non_null(kernels_backend_select(KERNELS_PREF_AUTO, NULL, 0));
}

/* A queue for the selected backend (here "cpu": malloc'd rows) runs batches. */
static void
test_queue(void **state)
{
	const struct kernels_backend *be = kernels_backend_select(KERNELS_PREF_AUTO, NULL, 0);
	struct gpu_queue *q;
	const struct gpu_queue_pcm_rows *h;

	(void)state;
	assert_int_equal(gpu_queue_create(be, 0, 960, &q), -EINVAL);
	assert_int_equal(gpu_queue_create(be, 4, 0, &q), -EINVAL);
	assert_int_equal(gpu_queue_create(be, KERNELS_PCM_MAX_STREAMS + 1, 960, &q), -EINVAL);
	assert_int_equal(gpu_queue_create(be, 4, KERNELS_PCM_MAX_FRAMES + 1, &q), -EINVAL);
	assert_int_equal(gpu_queue_create(be, 17, 961, &q), 0);
	h = gpu_queue_pcm_host(q);
	assert_int_equal(h->max_streams, 17);
	assert_int_equal(h->max_frames, 961);
	assert_int_equal(h->in_stride, 2 * 961);
	assert_int_equal(h->out_stride, 961);
	assert_int_equal(gpu_queue_is_pinned(q), strcmp(be->name, "cuda") == 0);
	assert_int_equal((uintptr_t)h->in % 64, 0);
	assert_int_equal((uintptr_t)h->out % 64, 0);
	run_random(be, q, 7, 17, 961);
	run_random(be, q, 8, 5, 3);
	run_random(be, q, 9, 1, 1);
	gpu_queue_free(q);
	gpu_queue_free(NULL);

	assert_int_equal(gpu_queue_create(NULL, 2, 8, &q), 0); /* NULL = cpu */
	assert_int_equal(gpu_queue_is_pinned(q), 0);
	gpu_queue_free(q);
}

#ifdef RTC_HAVE_CUDA
/*
 * Built with nvcc: the CUDA backend is linked in. Without a device its
 * probe says so (no crash), its queue cannot be made, its op refuses a
 * CPU queue, and selection falls back to the C path. With a device, it
 * must pass its self-test and agree with the C path to the bit.
 */
static void
test_cuda_backend(void **state)
{
	const struct kernels_backend *cuda = kernels_backend_find("cuda");
	struct gpu_queue *q = NULL, *cq;
	char why[256] = "";
	int rc;

	(void)state;
	assert_non_null(cuda);
	assert_string_equal(cuda->name, "cuda");
	assert_int_equal(cuda->api_version, KERNELS_API_VERSION);
	rc = cuda->probe(why, sizeof(why));
	print_message("cuda probe: %d (%s)\n", rc, why);
	assert_true(why[0] != '\0');
	assert_int_equal(cuda->probe(why, sizeof(why)), rc); /* stable, repeatable */

	assert_int_equal(gpu_queue_create(NULL, 2, 8, &cq), 0);
	{
		int16_t in[2] = {1, 2};
		float out[1], g = 1.0f;
		uint8_t ch = 2;
		struct kernels_pcm_batch b = {.in = in,
		        .out = out,
		        .channels = &ch,
		        .gain = &g,
		        .nstreams = 1,
		        .frames = 1,
		        .in_stride = 2,
		        .out_stride = 1};

		assert_int_equal(kernels_pcm_s16_to_f32(cuda, NULL, &b), -EINVAL);
		assert_int_equal(kernels_pcm_s16_to_f32(cuda, cq, &b), -EINVAL);
	}
	gpu_queue_free(cq);

	if (rc < 0) {
		assert_int_equal(rc, -ENODEV);
		assert_non_null(strstr(why, "CUDA"));
		assert_true(gpu_queue_create(cuda, 2, 8, &q) < 0);
		assert_null(kernels_backend_select(KERNELS_PREF_CUDA, NULL, 0));
		assert_string_equal(
		        kernels_backend_select(KERNELS_PREF_AUTO, NULL, 0)->name, "cpu");
		return;
	}
	assert_int_equal(cuda->selftest(), 0);
	assert_int_equal(gpu_queue_create(cuda, 17, 961, &q), 0);
	assert_int_equal(gpu_queue_is_pinned(q), 1);
	for (uint32_t seed = 1; seed <= 8; seed++)
		run_random(cuda, q, seed * 40503u, 17, seed * 120 + 1);
	gpu_queue_free(q);
}
#else
static void
test_cuda_absent(void **state)
{
	(void)state;
	assert_null(kernels_backend_find("cuda"));
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hand_table),
	        cmocka_unit_test(test_all_int16),
	        cmocka_unit_test(test_random_vs_oracle),
	        cmocka_unit_test(test_gain_edges),
	        cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_reject),
	        cmocka_unit_test(test_selftest),
	        cmocka_unit_test(test_pref_parse),
	        cmocka_unit_test(test_select),
	        cmocka_unit_test(test_queue),
#ifdef RTC_HAVE_CUDA
	        cmocka_unit_test(test_cuda_backend),
#else
	        cmocka_unit_test(test_cuda_absent),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
