/*
 * Batched signal kernels for the AI path: one backend vtable, two backends.
 *
 * Owns: the backend contract (struct kernels_backend, KERNELS_API_VERSION),
 * the choice of backend at start (kernels_backend_select) and the exact
 * specification of every op, which both backends implement to the bit:
 *   "cpu"   the C reference, always built;
 *   "cuda"  CUDA kernels, built when nvcc is found (RTC_HAVE_CUDA) and
 *           chosen only when a device is present and its self-test passes.
 * Each backend carries a known-answer self-test (libsrtp style) that
 * kernels_backend_select() runs before handing the backend out.
 *
 * Ops take a batch of streams (one row per stream, fixed strides, as the
 * pinned host ring of a gpu_queue lays them out) and a gpu_queue, which the
 * CUDA backend needs for its stream and device buffers and the C backend
 * ignores (NULL is fine there).
 */
#ifndef RTC_KERNELS_H
#define RTC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Bumped on any change of struct kernels_backend or of an op's contract. */
#define KERNELS_API_VERSION 1

struct gpu_queue;

/*
 * PCM conversion, int16 interleaved -> float32 mono, per-stream gain.
 *
 * For stream s (0 <= s < nstreams) and frame f (0 <= f < frames), with
 * x = in + s * in_stride, g = gain[s]:
 *
 *   channels[s] == 1:  v = (float)x[f]
 *   channels[s] == 2:  v = (float)((int32_t)x[2f] + (int32_t)x[2f + 1]) * 0.5f
 *   y = (v * g) * 0x1p-15f                  (float32, round to nearest even)
 *   out[s * out_stride + f] = min(max(y, -1.0f), 0x1.fffcp-1f)
 *
 * v is exact (an integer or half-integer of at most 17 bits), v * g is the
 * only rounding, and * 2^-15 is exact because the gain range keeps every
 * value normal (no subnormals, so FTZ/DAZ settings cannot matter). Hence
 * both backends agree bit-for-bit (tolerance 0 ULP), and equal
 * (float)((double)v * g / 32768) clamped. The upper clamp is 32767/32768,
 * the largest value unity gain can produce, so the range is [-1, 1) and a
 * clipped sample reads like a full-scale int16. A zero result keeps the
 * IEEE sign (gain 0 on a negative sample gives -0.0f, which == 0.0f).
 *
 * Memory: in must hold nstreams * in_stride readable int16 (the whole last
 * row too: the CUDA backend copies min(in_stride, 2 * frames) per row); only
 * out[s * out_stride + f] for f < frames is written, the padding between
 * rows is left alone. in and out must not overlap.
 */
#define KERNELS_PCM_MAX_STREAMS 4096u
#define KERNELS_PCM_MAX_FRAMES 48000u /* 1 s at 48 kHz */
#define KERNELS_PCM_GAIN_MAX 64.0f    /* +36 dB */
#define KERNELS_PCM_GAIN_MIN 0x1p-24f /* -144 dB; 0 is allowed too */
#define KERNELS_PCM_OUT_MAX 0x1.fffcp-1f

struct kernels_pcm_batch {
	const int16_t *in;       /* row s at in + s * in_stride */
	float *out;              /* row s at out + s * out_stride */
	const uint8_t *channels; /* [nstreams], 1 (mono) or 2 (L, R interleaved) */
	const float *gain;       /* [nstreams], 0 or GAIN_MIN..GAIN_MAX, linear */
	uint32_t nstreams;       /* 0..KERNELS_PCM_MAX_STREAMS */
	uint32_t frames;         /* sample frames per stream, 0..KERNELS_PCM_MAX_FRAMES */
	uint32_t in_stride;      /* int16 per row, >= frames * channels[s] */
	uint32_t out_stride;     /* float per row, >= frames */
};

struct kernels_backend {
	unsigned int api_version; /* KERNELS_API_VERSION it was built against */
	const char *name;         /* "cpu", "cuda" */
	/* 0 if usable on this machine, else -ENODEV and a reason in @why. */
	int (*probe)(char *why, size_t len);
	/* Known-answer test of every op; 0 or a negative errno. */
	int (*selftest)(void);
	/* Ops: called only with a batch kernels_pcm_batch_check() accepted. */
	int (*pcm_s16_to_f32)(struct gpu_queue *q, const struct kernels_pcm_batch *b);
};

enum kernels_pref {
	KERNELS_PREF_AUTO, /* CUDA if built, present and self-tested; else C */
	KERNELS_PREF_CPU,  /* the C reference, always */
	KERNELS_PREF_CUDA, /* CUDA or nothing */
};

/*
 * Pick and self-test a backend. Writes one line saying what was chosen and
 * why ("cpu: no CUDA device (cudaGetDeviceCount: ...)") into @why (may be
 * NULL). Returns NULL only if the preferred backend is unusable or the C
 * reference fails its own self-test. Call once at start, before workers run.
 */
const struct kernels_backend *kernels_backend_select(enum kernels_pref pref, char *why, size_t len);

/* The backend called @name if it is linked into this binary, else NULL. */
const struct kernels_backend *kernels_backend_find(const char *name);

/* "auto", "cpu", "cuda" -> @pref; 0 or -EINVAL. */
int kernels_pref_parse(const char *s, enum kernels_pref *pref);

/* 0 if @b satisfies the op contract above, else -EINVAL (or -E2BIG). */
int kernels_pcm_batch_check(const struct kernels_pcm_batch *b);

/*
 * Check @b, then run it on @be. 0 or a negative errno; when the check fails
 * nothing is written. Not thread-safe per queue: one caller per gpu_queue.
 */
int kernels_pcm_s16_to_f32(
        const struct kernels_backend *be, struct gpu_queue *q, const struct kernels_pcm_batch *b);

#endif
