/*
 * Backend selection, op argument checks and the shared known-answer tests.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dsp_kat.h"
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

/* ---- per-stream state ---- */

void
kernels_rs_state_init(struct kernels_rs_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
kernels_mel_state_init(struct kernels_mel_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
kernels_vad_state_init(struct kernels_vad_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
kernels_vad_params_default(struct kernels_vad_params *p)
{
	*p = (struct kernels_vad_params){
	        .margin_db = KERNELS_VAD_DEFAULT_MARGIN,
	        .start_frames = KERNELS_VAD_DEFAULT_START,
	        .end_frames = KERNELS_VAD_DEFAULT_END,
	};
}

/* ---- argument checks of the AI ops ---- */

/* Bytes spanned by @n rows of @len elements of @size, @stride apart (0 if empty). */
struct span {
	uintptr_t lo, hi;
};

static struct span
rows_span(const void *p, uint32_t n, uint32_t stride, uint32_t len, size_t size)
{
	struct span r = {(uintptr_t)p, (uintptr_t)p};

	if (n > 0 && len > 0)
		r.hi = r.lo + ((uintptr_t)(n - 1) * stride + len) * size;
	return r;
}

/* 0 if no span of @w (written) meets another span of @w or of @r (read). */
static int
spans_disjoint(const struct span *w, size_t nw, const struct span *r, size_t nr)
{
	for (size_t i = 0; i < nw; i++) {
		for (size_t j = i + 1; j < nw; j++)
			if (w[i].lo < w[j].hi && w[j].lo < w[i].hi)
				return -EINVAL;
		for (size_t j = 0; j < nr; j++)
			if (w[i].lo < r[j].hi && r[j].lo < w[i].hi)
				return -EINVAL;
	}
	return 0;
}

/* 0 if every value of @n rows of @len floats is finite with |v| <= lim. */
static int
rows_bounded(const float *p, uint32_t n, uint32_t stride, uint32_t len, float lim)
{
	for (uint32_t s = 0; s < n; s++) {
		const float *x = p + (size_t)s * stride;
		int bad = 0;

		for (uint32_t i = 0; i < len; i++) /* NaN fails the comparison */
			bad |= !(fabsf(x[i]) <= lim);
		if (bad)
			return -EINVAL;
	}
	return 0;
}

int
kernels_rs_batch_check(const struct kernels_rs_batch *b)
{
	uint32_t nin;

	if (b == NULL)
		return -EINVAL;
	if (b->nstreams > KERNELS_PCM_MAX_STREAMS || b->out_frames > KERNELS_RS_MAX_OUT)
		return -E2BIG;
	if (b->nstreams == 0)
		return 0;
	nin = 3 * b->out_frames;
	if (b->in == NULL || b->out == NULL || b->state == NULL || b->in_stride < nin ||
	        b->out_stride < b->out_frames)
		return -EINVAL;
	{
		struct span w[] = {
		        rows_span(b->out, b->nstreams, b->out_stride, b->out_frames, sizeof(float)),
		        rows_span(b->state, 1, 0, b->nstreams, sizeof(*b->state)),
		};
		struct span r[] = {rows_span(b->in, b->nstreams, b->in_stride, nin, sizeof(float))};

		if (spans_disjoint(w, 2, r, 1) < 0)
			return -EINVAL;
	}
	return rows_bounded(b->in, b->nstreams, b->in_stride, nin, KERNELS_RS_IN_MAX);
}

int
kernels_mel_batch_check(const struct kernels_mel_batch *b)
{
	uint32_t fmax;

	if (b == NULL)
		return -EINVAL;
	if (b->nstreams > KERNELS_PCM_MAX_STREAMS || b->in_frames > KERNELS_MEL_MAX_IN)
		return -E2BIG;
	if (b->nstreams == 0)
		return 0;
	fmax = KERNELS_MEL_FRAMES_MAX(b->in_frames);
	if (b->in == NULL || b->out == NULL || b->energy == NULL || b->nframes == NULL ||
	        b->state == NULL || b->in_stride < b->in_frames ||
	        b->out_stride < KERNELS_MEL_BINS * fmax || b->energy_stride < fmax)
		return -EINVAL;
	for (uint32_t s = 0; s < b->nstreams; s++)
		if (b->state[s].npend >= KERNELS_MEL_WIN) /* corrupt: would overrun pend[] */
			return -EINVAL;
	{
		struct span w[] = {
		        rows_span(b->out, b->nstreams, b->out_stride, KERNELS_MEL_BINS * fmax,
		                sizeof(float)),
		        rows_span(b->energy, b->nstreams, b->energy_stride, fmax, sizeof(float)),
		        rows_span(b->nframes, 1, 0, b->nstreams, sizeof(uint32_t)),
		        rows_span(b->state, 1, 0, b->nstreams, sizeof(*b->state)),
		};
		struct span r[] = {
		        rows_span(b->in, b->nstreams, b->in_stride, b->in_frames, sizeof(float))};

		if (spans_disjoint(w, 4, r, 1) < 0)
			return -EINVAL;
	}
	return rows_bounded(b->in, b->nstreams, b->in_stride, b->in_frames, KERNELS_MEL_IN_MAX);
}

int
kernels_vad_batch_check(const struct kernels_vad_batch *b)
{
	uint32_t fmax = 0;

	if (b == NULL)
		return -EINVAL;
	if (b->nstreams > KERNELS_PCM_MAX_STREAMS)
		return -E2BIG;
	if (b->nstreams == 0)
		return 0;
	if (b->energy == NULL || b->nframes == NULL || b->params == NULL || b->state == NULL ||
	        b->events == NULL || b->nevents == NULL)
		return -EINVAL;
	for (uint32_t s = 0; s < b->nstreams; s++) {
		const struct kernels_vad_params *p = &b->params[s];
		const float *e = b->energy + (size_t)s * b->energy_stride;
		uint32_t n = b->nframes[s];

		if (n > KERNELS_VAD_MAX_FRAMES)
			return -E2BIG;
		if (n > b->energy_stride || n > b->events_stride)
			return -EINVAL;
		if (!(p->margin_db >= KERNELS_VAD_MARGIN_MIN &&
		            p->margin_db <= KERNELS_VAD_MARGIN_MAX) ||
		        p->start_frames < 1 || p->start_frames > KERNELS_VAD_RUN_MAX ||
		        p->end_frames < 1 || p->end_frames > KERNELS_VAD_RUN_MAX)
			return -EINVAL;
		for (uint32_t i = 0; i < n; i++)
			if (!(e[i] >= KERNELS_VAD_E_MIN && e[i] <= KERNELS_VAD_E_MAX))
				return -EINVAL;
		fmax = n > fmax ? n : fmax;
	}
	{
		struct span w[] = {
		        rows_span(
		                b->events, b->nstreams, b->events_stride, fmax, sizeof(*b->events)),
		        rows_span(b->nevents, 1, 0, b->nstreams, sizeof(uint32_t)),
		        rows_span(b->state, 1, 0, b->nstreams, sizeof(*b->state)),
		};
		struct span r[] = {
		        rows_span(b->energy, b->nstreams, b->energy_stride, fmax, sizeof(float)),
		        rows_span(b->nframes, 1, 0, b->nstreams, sizeof(uint32_t)),
		        rows_span(b->params, 1, 0, b->nstreams, sizeof(*b->params)),
		};

		if (spans_disjoint(w, 3, r, 3) < 0)
			return -EINVAL;
	}
	return 0;
}

int
kernels_resample(
        const struct kernels_backend *be, struct gpu_queue *q, const struct kernels_rs_batch *b)
{
	int rc = kernels_rs_batch_check(b);

	if (rc < 0)
		return rc;
	if (b->nstreams == 0 || b->out_frames == 0)
		return 0;
	return be->resample(q, b);
}

int
kernels_logmel(
        const struct kernels_backend *be, struct gpu_queue *q, const struct kernels_mel_batch *b)
{
	int rc = kernels_mel_batch_check(b);

	if (rc < 0)
		return rc;
	if (b->nstreams == 0)
		return 0;
	if (b->in_frames == 0) { /* nothing arrives: no frame, state unchanged */
		memset(b->nframes, 0, b->nstreams * sizeof(*b->nframes));
		return 0;
	}
	return be->logmel(q, b);
}

int
kernels_vad(
        const struct kernels_backend *be, struct gpu_queue *q, const struct kernels_vad_batch *b)
{
	int rc = kernels_vad_batch_check(b);

	if (rc < 0)
		return rc;
	if (b->nstreams == 0)
		return 0;
	return be->vad(q, b);
}

/* ---- known-answer tests of the AI ops (dsp_kat.h) ---- */

/* Sample @n of a KAT stream, continuing the xorshift state *@r: gen_dsp_kat.py's signal(). */
static float
dsp_kat_sample(const struct dsp_kat_sig *sig, uint32_t *r, uint32_t n)
{
	int32_t v = 0;

	*r ^= *r << 13;
	*r ^= *r >> 17;
	*r ^= *r << 5;
	if (sig->noise_shift >= 0)
		v += (int32_t)((*r >> 20) - 2048u) * (1 << sig->noise_shift);
	if (sig->amp != 0) {
		uint32_t ph = n % sig->period;
		uint32_t tri = 2 * ph < sig->period ? ph : sig->period - ph;

		v += (int32_t)(tri * 4u * (uint32_t)sig->amp / sig->period) - sig->amp;
	}
	return (float)v / 32768.0f;
}

static int
kat_close(float got, float want, float tol)
{
	return fabsf(got - want) <= tol; /* false for NaN */
}

/* Log-mel tolerance (kernels.h): 1e-4 + 1e-6 * sqrt(Mmax / max(M_ref, floor)). */
static float
kat_mel_tol(float ref, float ref_max)
{
	return DSP_KAT_MEL_TOL_ABS + DSP_KAT_MEL_TOL_REL * expf(0.5f * (ref_max - ref));
}

static int
kat_rs(const struct kernels_backend *be, struct gpu_queue *q)
{
	enum {
		S = DSP_KAT_RS_STREAMS,
		MAXC = 320,
		IN_STRIDE = 3 * MAXC + 5,
		OUT_STRIDE = MAXC + 3
	};
	static const uint32_t guard = 0x7fa5a5a5u;
	float in[S * IN_STRIDE], out[S * OUT_STRIDE];
	struct kernels_rs_state st[S];
	uint32_t r[S], done = 0;

	for (uint32_t s = 0; s < S; s++) {
		kernels_rs_state_init(&st[s]);
		r[s] = dsp_kat_rs_sig[s].seed;
	}
	for (uint32_t c = 0; c < DSP_KAT_RS_NCALLS; c++) {
		uint32_t n = dsp_kat_rs_calls[c];
		struct kernels_rs_batch b = {
		        .in = in,
		        .out = out,
		        .state = st,
		        .nstreams = S,
		        .out_frames = n,
		        .in_stride = IN_STRIDE,
		        .out_stride = OUT_STRIDE,
		};
		int rc;

		if (n > MAXC)
			return -EIO;
		for (uint32_t s = 0; s < S; s++)
			for (uint32_t i = 0; i < 3 * n; i++)
				in[s * IN_STRIDE + i] =
				        dsp_kat_sample(&dsp_kat_rs_sig[s], &r[s], 3 * done + i);
		for (size_t i = 0; i < S * OUT_STRIDE; i++)
			memcpy(&out[i], &guard, sizeof(guard));
		rc = kernels_resample(be, q, &b);
		if (rc < 0)
			return rc;
		for (uint32_t s = 0; s < S; s++) {
			for (uint32_t i = 0; i < OUT_STRIDE; i++) {
				const float *got = &out[s * OUT_STRIDE + i];

				if (i >= n ? memcmp(got, &guard, sizeof(guard)) != 0
				           : !kat_close(*got,
				                     dsp_kat_rs_out[s * DSP_KAT_RS_OUT + done + i],
				                     DSP_KAT_RS_TOL))
					return -EIO;
			}
		}
		done += n;
	}
	return 0;
}

static int
kat_mel(const struct kernels_backend *be, struct gpu_queue *q)
{
	enum {
		S = DSP_KAT_MEL_STREAMS,
		MAXC = 481,
		FMAX = KERNELS_MEL_FRAMES_MAX(MAXC),
		IN_STRIDE = MAXC + 3,
		OUT_STRIDE = FMAX * KERNELS_MEL_BINS + 7,
		E_STRIDE = FMAX + 1,
	};
	static const uint32_t guard = 0x7fa5a5a5u;
	float in[S * IN_STRIDE], out[S * OUT_STRIDE], energy[S * E_STRIDE];
	struct kernels_mel_state st[S];
	uint32_t r[S], nframes[S], done = 0, fdone[S] = {0};

	for (uint32_t s = 0; s < S; s++) {
		kernels_mel_state_init(&st[s]);
		r[s] = dsp_kat_mel_sig[s].seed;
	}
	for (uint32_t c = 0; c < DSP_KAT_MEL_NCALLS; c++) {
		uint32_t n = dsp_kat_mel_calls[c];
		struct kernels_mel_batch b = {
		        .in = in,
		        .out = out,
		        .energy = energy,
		        .nframes = nframes,
		        .state = st,
		        .nstreams = S,
		        .in_frames = n,
		        .in_stride = IN_STRIDE,
		        .out_stride = OUT_STRIDE,
		        .energy_stride = E_STRIDE,
		};
		int rc;

		if (n > MAXC)
			return -EIO;
		for (uint32_t s = 0; s < S; s++)
			for (uint32_t i = 0; i < n; i++)
				in[s * IN_STRIDE + i] =
				        dsp_kat_sample(&dsp_kat_mel_sig[s], &r[s], done + i);
		for (size_t i = 0; i < S * OUT_STRIDE; i++)
			memcpy(&out[i], &guard, sizeof(guard));
		for (size_t i = 0; i < S * E_STRIDE; i++)
			memcpy(&energy[i], &guard, sizeof(guard));
		rc = kernels_logmel(be, q, &b);
		if (rc < 0)
			return rc;
		done += n;
		for (uint32_t s = 0; s < S; s++) {
			uint32_t want =
			        done >= KERNELS_MEL_WIN
			                ? (done - KERNELS_MEL_WIN) / KERNELS_MEL_HOP + 1 - fdone[s]
			                : 0;

			if (nframes[s] != want || st[s].next_frame != fdone[s] + want)
				return -EIO;
			for (uint32_t i = 0; i < OUT_STRIDE; i++) {
				const float *got = &out[s * OUT_STRIDE + i];
				const float *ref;
				float rmax;

				if (i >= want * KERNELS_MEL_BINS) { /* zeroed up to fmax, then
					                               guards */
					if (i < KERNELS_MEL_FRAMES_MAX(n) * KERNELS_MEL_BINS
					                ? *got != 0.0f
					                : memcmp(got, &guard, sizeof(guard)) != 0)
						return -EIO;
					continue;
				}
				ref = &dsp_kat_mel_out[(s * DSP_KAT_MEL_FRAMES + fdone[s] +
				                               i / KERNELS_MEL_BINS) *
				                       KERNELS_MEL_BINS];
				rmax = ref[0];
				for (uint32_t k = 1; k < KERNELS_MEL_BINS; k++)
					rmax = ref[k] > rmax ? ref[k] : rmax;
				if (!kat_close(*got, ref[i % KERNELS_MEL_BINS],
				            kat_mel_tol(ref[i % KERNELS_MEL_BINS], rmax)))
					return -EIO;
			}
			for (uint32_t i = 0; i < E_STRIDE; i++) {
				const float *got = &energy[s * E_STRIDE + i];
				float ref;

				if (i >= want) {
					if (i < KERNELS_MEL_FRAMES_MAX(n)
					                ? *got != 0.0f
					                : memcmp(got, &guard, sizeof(guard)) != 0)
						return -EIO;
					continue;
				}
				ref = dsp_kat_mel_energy[s * DSP_KAT_MEL_FRAMES + fdone[s] + i];
				if (!kat_close(*got, ref, kat_mel_tol(ref, ref)))
					return -EIO;
			}
			fdone[s] += want;
		}
	}
	return 0;
}

static int
kat_vad(const struct kernels_backend *be, struct gpu_queue *q)
{
	enum { S = DSP_KAT_VAD_STREAMS, N = DSP_KAT_VAD_FRAMES };
	struct kernels_vad_event ev[S * N];
	struct kernels_vad_params p[S];
	struct kernels_vad_state st[S];
	uint32_t nframes[S], nev[S], got[S] = {0}, done = 0;

	for (uint32_t s = 0; s < S; s++) {
		kernels_vad_state_init(&st[s]);
		p[s] = (struct kernels_vad_params){
		        .margin_db = dsp_kat_vad_margin[s],
		        .start_frames = dsp_kat_vad_start[s],
		        .end_frames = dsp_kat_vad_end[s],
		};
	}
	for (uint32_t c = 0; c < DSP_KAT_VAD_NCALLS; c++) {
		struct kernels_vad_batch b = {
		        .energy = dsp_kat_vad_energy + done,
		        .nframes = nframes,
		        .params = p,
		        .state = st,
		        .events = ev,
		        .nevents = nev,
		        .nstreams = S,
		        .energy_stride = N,
		        .events_stride = N,
		};
		int rc;

		for (uint32_t s = 0; s < S; s++)
			nframes[s] = dsp_kat_vad_calls[c];
		rc = kernels_vad(be, q, &b);
		if (rc < 0)
			return rc;
		for (uint32_t s = 0; s < S; s++) {
			for (uint32_t i = 0; i < nev[s]; i++) {
				const struct kernels_vad_event *e = &ev[s * N + i];
				const uint64_t *w = dsp_kat_vad_ev[s][got[s]];

				if (got[s] >= dsp_kat_vad_nev[s] || e->sample != w[0] ||
				        e->frame != w[1] || e->kind != w[2])
					return -EIO;
				got[s]++;
			}
		}
		done += dsp_kat_vad_calls[c];
	}
	for (uint32_t s = 0; s < S; s++)
		if (got[s] != dsp_kat_vad_nev[s] || st[s].frame != N)
			return -EIO;
	return 0;
}

int
kernels_selftest_dsp(const struct kernels_backend *be, struct gpu_queue *q)
{
	int rc = kat_rs(be, q);

	if (rc == 0)
		rc = kat_mel(be, q);
	if (rc == 0)
		rc = kat_vad(be, q);
	return rc;
}
