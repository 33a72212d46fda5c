/*
 * Unit tests of the AI path's signal ops (kernels/: resampler, log-mel,
 * VAD) on the C path, against independent answers:
 *   - dsp_kat.h (numpy, float64, gen_dsp_kat.py) within the stated tolerances,
 *     errors printed;
 *   - the resampler's specification transcribed literally (bit-exact), its
 *     frequency response on tones, seamlessness across any call split;
 *   - dsp_lnf() against libm's log() in double;
 *   - log-mel: call splits give the same bits, a tone peaks in the filter
 *     centred nearest to it, silence gives the floor;
 *   - VAD through the whole chain (int16 48 kHz -> PCM -> resample -> log-mel
 *     -> VAD, on a gpu_queue's rows): synthetic noise and tone bursts, and a
 *     real espeak-ng utterance (RTC_VAD_WAV, made by meson) with silence
 *     around it, marks within 100 ms of where the energy says;
 *   - every refused argument, with nothing written;
 *   - with CUDA built: the backend refuses cleanly without a device (with one:
 *     its self-test passes and it matches the C path).
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
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dsp_kat.h"
#include "dsp_math.h"
#include "dsp_tables.h"
#include "gpu_queue.h"
#include "kernels.h"

#define SENTINEL_BITS 0x7fa5a5a5u
#define TICK_48K 960u /* 20 ms */
#define TICK_16K 320u

static const float fir[KERNELS_RS_TAPS] = DSP_RS_FIR_INIT;
static const double mel_centre_hz[KERNELS_MEL_BINS] = DSP_MEL_CENTRE_HZ_INIT;

static const struct kernels_backend *
cpu(void)
{
	const struct kernels_backend *be = kernels_backend_find("cpu");

	assert_non_null(be);
	return be;
}

static void
fill_sentinel(void *p, size_t bytes)
{
	uint32_t bits = SENTINEL_BITS;

	for (size_t i = 0; i + 4 <= bytes; i += 4)
		memcpy((char *)p + i, &bits, 4);
}

static int
all_sentinel(const void *p, size_t bytes)
{
	uint32_t bits = SENTINEL_BITS;

	for (size_t i = 0; i + 4 <= bytes; i += 4)
		if (memcmp((const char *)p + i, &bits, 4) != 0)
			return 0;
	return 1;
}

static uint32_t
rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Uniform in [-1, 1). */
static double
urand(uint32_t *s)
{
	return (double)rng(s) / 2147483648.0 - 1.0;
}

/* KAT input formula (gen_dsp_kat.py's signal(), as kernels.c has it). */
static float
kat_sample(const struct dsp_kat_sig *sig, uint32_t *r, uint32_t n)
{
	int32_t v = 0;

	rng(r);
	if (sig->noise_shift >= 0)
		v += (int32_t)((*r >> 20) - 2048u) * (1 << sig->noise_shift);
	if (sig->amp != 0) {
		uint32_t ph = n % sig->period;
		uint32_t tri = 2 * ph < sig->period ? ph : sig->period - ph;

		v += (int32_t)(tri * 4u * (uint32_t)sig->amp / sig->period) - sig->amp;
	}
	return (float)v / 32768.0f;
}

/* ---- resampler ---- */

/* Run @n48 samples of @x through one stream in calls of @chunk outputs. */
static void
rs_run(const float *x, uint32_t nout, uint32_t chunk, float *y)
{
	struct kernels_rs_state st;

	kernels_rs_state_init(&st);
	for (uint32_t done = 0; done < nout;) {
		uint32_t n = nout - done < chunk ? nout - done : chunk;
		struct kernels_rs_batch b = {
		        .in = x + 3 * done,
		        .out = y + done,
		        .state = &st,
		        .nstreams = 1,
		        .out_frames = n,
		        .in_stride = 3 * n,
		        .out_stride = n,
		};

		assert_int_equal(kernels_resample(cpu(), NULL, &b), 0);
		done += n;
	}
}

/* The specification, literally: k ascending, float32, zeros before the stream. */
static float
rs_spec(const float *x, uint32_t n)
{
	float acc = 0.0f;

	for (int k = 0; k < (int)KERNELS_RS_TAPS; k++) {
		int64_t i = 3 * (int64_t)n + 2 - k;

		acc = acc + fir[k] * (i >= 0 ? x[i] : 0.0f);
	}
	return acc;
}

/* The numpy vectors: 3 streams, calls of 320, 7, 320, 100 outputs. */
static void
test_rs_kat(void **state)
{
	const struct kernels_backend *be = cpu();
	float x[DSP_KAT_RS_STREAMS][3 * DSP_KAT_RS_OUT];
	static float y[DSP_KAT_RS_STREAMS][DSP_KAT_RS_OUT];
	double maxerr = 0.0;

	(void)state;
	assert_int_equal(be->selftest(), 0);
	for (uint32_t s = 0; s < DSP_KAT_RS_STREAMS; s++) {
		uint32_t r = dsp_kat_rs_sig[s].seed, done = 0;

		for (uint32_t i = 0; i < 3 * DSP_KAT_RS_OUT; i++)
			x[s][i] = kat_sample(&dsp_kat_rs_sig[s], &r, i);
		/* the KAT's own call split, then compare each output */
		{
			struct kernels_rs_state st;

			kernels_rs_state_init(&st);
			for (uint32_t c = 0; c < DSP_KAT_RS_NCALLS; c++) {
				uint32_t n = dsp_kat_rs_calls[c];
				struct kernels_rs_batch b = {.in = x[s] + 3 * done,
				        .out = y[s] + done,
				        .state = &st,
				        .nstreams = 1,
				        .out_frames = n,
				        .in_stride = 3 * n,
				        .out_stride = n};

				assert_int_equal(kernels_resample(be, NULL, &b), 0);
				done += n;
			}
		}
		for (uint32_t n = 0; n < DSP_KAT_RS_OUT; n++) {
			double e = fabs((double)y[s][n] - dsp_kat_rs_out[s * DSP_KAT_RS_OUT + n]);

			maxerr = e > maxerr ? e : maxerr;
			/* and the literal transcription gives the same bits */
			float want = rs_spec(x[s], n);

			if (memcmp(&y[s][n], &want, sizeof(want)) != 0)
				fail_msg("stream %u out %u: %a, specification %a", s, n,
				        (double)y[s][n], (double)want);
		}
	}
	print_message("resampler vs numpy float64: max |err| %.3g (tolerance %g)\n", maxerr,
	        (double)DSP_KAT_RS_TOL);
	assert_true(maxerr <= DSP_KAT_RS_TOL);
}

/* One long run equals the same samples cut into calls of any size, bit for bit. */
static void
test_rs_seamless(void **state)
{
	enum { NOUT = 3200 };
	static float x[3 * NOUT], whole[NOUT], parts[NOUT];
	static const uint32_t chunks[] = {320, 1, 2, 7, 22, 23, 24, 100, 319, 321, 1000};
	uint32_t r = 99;

	(void)state;
	for (uint32_t i = 0; i < 3 * NOUT; i++)
		x[i] = (float)(0.5 * urand(&r) + 0.4 * sin(i * 0.05));
	rs_run(x, NOUT, NOUT, whole);
	for (uint32_t n = 0; n < NOUT; n++) {
		float want = rs_spec(x, n);

		assert_memory_equal(&whole[n], &want, sizeof(want));
	}
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		rs_run(x, NOUT, chunks[c], parts);
		assert_memory_equal(whole, parts, sizeof(whole));
	}
}

/* RMS gain in dB of a sine at @hz through the resampler (steady state). */
static double
rs_gain_db(double hz)
{
	enum { NOUT = 16000, SKIP = 200 };
	static float x[3 * NOUT], y[NOUT];
	double in = 0.0, out = 0.0;

	for (uint32_t i = 0; i < 3 * NOUT; i++)
		x[i] = (float)(0.9 * sin(2.0 * M_PI * hz * i / 48000.0));
	rs_run(x, NOUT, TICK_16K, y);
	for (uint32_t n = SKIP; n < NOUT; n++) {
		out += (double)y[n] * y[n];
		in += (double)x[3 * n] * x[3 * n];
	}
	return 10.0 * log10(out / in);
}

/*
 * The stated response: passband flat within 0.05 dB up to 6.2 kHz, and
 * >= 69 dB attenuation from 9 kHz (the tone aliases to 16k - f; its
 * level there is what is measured).
 */
static void
test_rs_response(void **state)
{
	static const double pass[] = {100.0, 440.0, 1000.0, 3000.0, 5000.0, 6200.0};
	static const double stop[] = {
	        9000.0, 9500.0, 10000.0, 12000.0, 14000.0, 16500.0, 20000.0, 23900.0};

	(void)state;
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		double g = rs_gain_db(pass[i]);

		print_message("resampler %7.0f Hz: %+.4f dB\n", pass[i], g);
		assert_true(fabs(g) <= 0.05);
	}
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
		double g = rs_gain_db(stop[i]);

		print_message("resampler %7.0f Hz: %+.2f dB\n", stop[i], g);
		assert_true(g <= -69.0);
	}
	/* in the transition band: -3 dB near 7.19 kHz */
	assert_true(fabs(rs_gain_db(7190.0) + 3.0) < 0.1);
}

/* ---- log-mel ---- */

/* dsp_lnf() against libm in double over the range log-mel uses (1e-10 .. 1e12). */
static void
test_lnf(void **state)
{
	double maxerr = 0.0, maxulp = 0.0;
	uint32_t r = 7;

	(void)state;
	/* random over the range, then every float in [0.5, 2) */
	for (int i = 0; i < 200000 + (1 << 24); i++) {
		float x = i < 200000 ? (float)exp(-23.1 + 51.0 * (urand(&r) + 1.0) / 2.0)
		                     : ldexpf(1.0f + (float)(i - 200000) * 0x1p-24f, -1);
		double want = log((double)x), e = fabs((double)dsp_lnf(x) - want);
		/* ulp of the result, at least that of 0.5 (the error near 1 is absolute) */
		double ulp = ldexp(1.0, ilogb(fabs(want) > 0.5 ? want : 0.5) - 23);

		maxerr = e > maxerr ? e : maxerr;
		maxulp = e / ulp > maxulp ? e / ulp : maxulp;
	}
	print_message("dsp_lnf vs log(): max |err| %.3g, %.2f ulp of the result (ulp >= 2^-24)\n",
	        maxerr, maxulp);
	assert_true(maxulp <= 2.0);
	assert_true(dsp_lnf(1.0f) == 0.0f);
}

struct mel_out {
	float feat[64][KERNELS_MEL_BINS];
	float energy[64];
	float out[64 * KERNELS_MEL_BINS];
	float e[64];
	uint32_t n;
};

/* Feed @n samples of @y to one fresh stream in calls of @chunk; collect every frame. */
static void
mel_run(const float *y, uint32_t n, uint32_t chunk, struct mel_out *o)
{
	struct kernels_mel_state st;
	uint32_t nf;

	kernels_mel_state_init(&st);
	o->n = 0;
	for (uint32_t done = 0; done < n;) {
		uint32_t c = n - done < chunk ? n - done : chunk;
		struct kernels_mel_batch b = {
		        .in = y + done,
		        .out = o->out,
		        .energy = o->e,
		        .nframes = &nf,
		        .state = &st,
		        .nstreams = 1,
		        .in_frames = c,
		        .in_stride = c,
		        .out_stride = KERNELS_MEL_BINS * 64,
		        .energy_stride = 64,
		};

		assert_true(KERNELS_MEL_FRAMES_MAX(c) <= 64);
		assert_int_equal(kernels_logmel(cpu(), NULL, &b), 0);
		assert_true(o->n + nf <= 64);
		memcpy(o->feat[o->n], o->out, nf * sizeof(o->feat[0]));
		memcpy(&o->energy[o->n], o->e, nf * sizeof(float));
		o->n += nf;
		assert_int_equal(st.next_frame, o->n);
		done += c;
	}
}

/* The numpy vectors within the stated tolerance; the worst error is printed. */
static void
test_mel_kat(void **state)
{
	static struct mel_out o;
	double worst = 0.0, worst_abs = 0.0;

	(void)state;
	for (uint32_t s = 0; s < DSP_KAT_MEL_STREAMS; s++) {
		float y[DSP_KAT_MEL_IN];
		uint32_t r = dsp_kat_mel_sig[s].seed;

		for (uint32_t i = 0; i < DSP_KAT_MEL_IN; i++)
			y[i] = kat_sample(&dsp_kat_mel_sig[s], &r, i);
		mel_run(y, DSP_KAT_MEL_IN, TICK_16K, &o);
		assert_int_equal(o.n, DSP_KAT_MEL_FRAMES);
		for (uint32_t f = 0; f < o.n; f++) {
			const float *ref =
			        &dsp_kat_mel_out[(s * DSP_KAT_MEL_FRAMES + f) * KERNELS_MEL_BINS];
			float rmax = ref[0], eref = dsp_kat_mel_energy[s * DSP_KAT_MEL_FRAMES + f];

			for (uint32_t m = 1; m < KERNELS_MEL_BINS; m++)
				rmax = ref[m] > rmax ? ref[m] : rmax;
			for (uint32_t m = 0; m < KERNELS_MEL_BINS; m++) {
				double err = fabs((double)o.feat[f][m] - ref[m]);
				double tol =
				        DSP_KAT_MEL_TOL_ABS +
				        DSP_KAT_MEL_TOL_REL * exp(0.5 * ((double)rmax - ref[m]));

				worst = err / tol > worst ? err / tol : worst;
				worst_abs = err > worst_abs ? err : worst_abs;
			}
			double err = fabs((double)o.energy[f] - eref);

			worst = err / (DSP_KAT_MEL_TOL_ABS + DSP_KAT_MEL_TOL_REL) > worst
			                ? err / (DSP_KAT_MEL_TOL_ABS + DSP_KAT_MEL_TOL_REL)
			                : worst;
			worst_abs = err > worst_abs ? err : worst_abs;
		}
	}
	print_message("log-mel vs numpy float64: max |err| %.3g, worst err/tolerance %.3g\n",
	        worst_abs, worst);
	assert_true(worst <= 1.0);
}

/* Frames do not depend on how the samples are cut into calls: same bits. */
static void
test_mel_seamless(void **state)
{
	enum { N = 16000 / 2 };
	static float y[N];
	static struct mel_out whole, parts;
	static const uint32_t chunks[] = {320, 1, 159, 160, 161, 399, 400, 401, 1000};
	uint32_t r = 5;

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		y[i] = (float)(0.3 * urand(&r) + 0.5 * sin(i * 0.3));
	mel_run(y, 400 + 160 * 40, 400 + 160 * 40, &whole); /* 41 frames in one call */
	assert_int_equal(whole.n, 41);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		mel_run(y, 400 + 160 * 40, chunks[c], &parts);
		assert_int_equal(parts.n, whole.n);
		assert_memory_equal(whole.feat, parts.feat, whole.n * sizeof(whole.feat[0]));
		assert_memory_equal(whole.energy, parts.energy, whole.n * sizeof(float));
	}
	/* 20 ms calls: the first gives no frame, every later one two. */
	{
		struct kernels_mel_state st;
		float out[2 * KERNELS_MEL_BINS], energy[2];
		uint32_t nf;

		kernels_mel_state_init(&st);
		for (uint32_t t = 0; t < 10; t++) {
			struct kernels_mel_batch b = {.in = y + t * TICK_16K,
			        .out = out,
			        .energy = energy,
			        .nframes = &nf,
			        .state = &st,
			        .nstreams = 1,
			        .in_frames = TICK_16K,
			        .in_stride = TICK_16K,
			        .out_stride = 2 * KERNELS_MEL_BINS,
			        .energy_stride = 2};

			assert_int_equal(kernels_logmel(cpu(), NULL, &b), 0);
			assert_int_equal(nf, t == 0 ? 0 : 2);
			assert_int_equal(st.npend, TICK_16K);
		}
	}
}

/* A tone peaks in the filter centred nearest to it; silence gives exactly the floor's log. */
static void
test_mel_tone(void **state)
{
	static const double tones[] = {300.0, 1000.0, 2500.0, 5000.0};
	static float y[4000];
	static struct mel_out o;

	(void)state;
	for (size_t t = 0; t < sizeof(tones) / sizeof(tones[0]); t++) {
		uint32_t want = 0;

		for (uint32_t m = 1; m < KERNELS_MEL_BINS; m++)
			if (fabs(mel_centre_hz[m] - tones[t]) <
			        fabs(mel_centre_hz[want] - tones[t]))
				want = m;
		for (uint32_t i = 0; i < 4000; i++)
			y[i] = (float)(0.5 * sin(2.0 * M_PI * tones[t] * i / 16000.0));
		mel_run(y, 4000, TICK_16K, &o);
		for (uint32_t f = 0; f < o.n; f++) {
			uint32_t peak = 0;

			for (uint32_t m = 1; m < KERNELS_MEL_BINS; m++)
				if (o.feat[f][m] > o.feat[f][peak])
					peak = m;
			if (peak != want)
				fail_msg("%.0f Hz frame %u: peak in filter %u (%.1f Hz), want %u "
				         "(%.1f Hz)",
				        tones[t], f, peak, mel_centre_hz[peak], want,
				        mel_centre_hz[want]);
			/* band energy of a 0.5 sine in 250..4000 Hz: ln(19200 / 4) = 8.476 */
			if (tones[t] >= 400.0 && tones[t] <= 3500.0)
				assert_true(fabs(o.energy[f] - log(19200.0 * 0.25)) < 0.05);
		}
	}
	memset(y, 0, sizeof(y));
	mel_run(y, 4000, TICK_16K, &o);
	for (uint32_t f = 0; f < o.n; f++) {
		for (uint32_t m = 0; m < KERNELS_MEL_BINS; m++)
			assert_true(o.feat[f][m] == dsp_lnf(KERNELS_MEL_FLOOR));
		assert_true(fabs(o.energy[f] - log(1e-10)) < 1e-5);
	}
}

/* ---- VAD ---- */

/* The whole chain on a gpu_queue: int16 at 48 kHz in, VAD events out. */
struct chain {
	struct gpu_queue *q;
	const struct gpu_queue_ai_rows *a;
	const struct gpu_queue_pcm_rows *h;
	struct kernels_vad_event ev[64];
	uint32_t nev;
};

static void
chain_open(struct chain *c, uint32_t nstreams)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(gpu_queue_create(cpu(), nstreams, TICK_48K, &c->q), 0);
	c->h = gpu_queue_pcm_host(c->q);
	c->a = gpu_queue_ai_host(c->q);
	assert_int_equal(c->a->max_out, TICK_16K);
	assert_int_equal(c->a->max_mel_frames, 2);
	for (uint32_t s = 0; s < nstreams; s++) {
		c->h->channels[s] = 1;
		c->h->gain[s] = 1.0f;
	}
}

/* One 20 ms tick of @pcm for stream 0 of @nstreams (all streams get the same samples). */
static void
chain_tick(struct chain *c, const int16_t *pcm, uint32_t nstreams)
{
	struct kernels_pcm_batch pb;
	struct kernels_rs_batch rb;
	struct kernels_mel_batch mb;
	struct kernels_vad_batch vb;

	for (uint32_t s = 0; s < nstreams; s++)
		memcpy(c->h->in + (size_t)s * c->h->in_stride, pcm, TICK_48K * sizeof(int16_t));
	gpu_queue_pcm_batch(c->q, nstreams, TICK_48K, &pb);
	gpu_queue_rs_batch(c->q, nstreams, TICK_16K, &rb);
	gpu_queue_mel_batch(c->q, nstreams, TICK_16K, &mb);
	gpu_queue_vad_batch(c->q, nstreams, &vb);
	assert_int_equal(kernels_pcm_s16_to_f32(cpu(), c->q, &pb), 0);
	assert_int_equal(kernels_resample(cpu(), c->q, &rb), 0);
	assert_int_equal(kernels_logmel(cpu(), c->q, &mb), 0);
	assert_int_equal(kernels_vad(cpu(), c->q, &vb), 0);
	for (uint32_t s = 1; s < nstreams; s++) /* every stream saw the same: same result */
		assert_int_equal(c->a->nevents[s], c->a->nevents[0]);
	for (uint32_t i = 0; i < c->a->nevents[0]; i++) {
		assert_true(c->nev < 64);
		c->ev[c->nev++] = c->a->events[i];
	}
}

/* Run @n samples (48 kHz int16, padded to whole ticks with zeros) through the chain. */
static void
chain_run(struct chain *c, const int16_t *pcm, size_t n, uint32_t nstreams)
{
	int16_t tick[TICK_48K];

	for (size_t off = 0; off < n; off += TICK_48K) {
		size_t k = n - off < TICK_48K ? n - off : TICK_48K;

		memset(tick, 0, sizeof(tick));
		memcpy(tick, pcm + off, k * sizeof(int16_t));
		chain_tick(c, tick, nstreams);
	}
}

/* 16 kHz mark -> seconds at the 48 kHz input (the resampler's delay taken off). */
static double
mark_s(uint64_t mark)
{
	return (3.0 * (double)mark - KERNELS_RS_DELAY_48K) / 48000.0;
}

static int16_t
s16(double v)
{
	v = floor(v + 0.5);
	return (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

/*
 * Silence (white noise at -70 dBFS) / a noise burst at -20 dBFS / silence /
 * a 1 kHz tone burst at -26 dBFS / silence: two START/END pairs, each
 * within 100 ms of the burst's edges.
 */
static void
test_vad_synthetic(void **state)
{
	static const double edge[4] = {1.0, 2.2, 3.0, 4.5}; /* seconds */
	const size_t n = 48000 * 6;
	int16_t *pcm = malloc(n * sizeof(*pcm));
	struct chain c;
	uint32_t r = 1234;

	(void)state;
	assert_non_null(pcm);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / 48000.0, v = 32768.0 * 0.000316 * 1.732 * urand(&r);

		if (t >= edge[0] && t < edge[1])
			v += 32768.0 * 0.1 * 1.732 * urand(&r);
		if (t >= edge[2] && t < edge[3])
			v += 32768.0 * 0.05 * 1.414 * sin(2.0 * M_PI * 1000.0 * t);
		pcm[i] = s16(v);
	}
	chain_open(&c, 3);
	chain_run(&c, pcm, n, 3);
	for (uint32_t i = 0; i < c.nev; i++)
		print_message("synthetic: %s at %.3f s (frame %llu)\n",
		        c.ev[i].kind == KERNELS_VAD_START ? "START" : "END  ",
		        mark_s(c.ev[i].sample), (unsigned long long)c.ev[i].frame);
	assert_int_equal(c.nev, 4);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(c.ev[i].kind, i % 2 == 0 ? KERNELS_VAD_START : KERNELS_VAD_END);
		assert_true(fabs(mark_s(c.ev[i].sample) - edge[i]) <= 0.100);
	}
	/* the stream ends in silence: not in speech, floor back near the noise */
	assert_int_equal(c.a->vad_state[0].speech, 0);
	gpu_queue_free(c.q);
	free(pcm);
}

/* A RIFF/WAVE file of 16-bit mono PCM: samples and rate; 0 or -1. */
static int
wav_read(const char *path, int16_t **pcm, size_t *n, uint32_t *rate)
{
	FILE *f = fopen(path, "rb");
	uint8_t hdr[12], ch[8];
	uint16_t fmt = 0, chans = 0, bits = 0;
	int rc = -1;

	*pcm = NULL;
	if (f == NULL)
		return -1;
	if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) != 0 ||
	        memcmp(hdr + 8, "WAVE", 4) != 0)
		goto out;
	while (fread(ch, 1, 8, f) == 8) {
		uint32_t len = ch[4] | ch[5] << 8 | ch[6] << 16 | (uint32_t)ch[7] << 24;

		if (memcmp(ch, "fmt ", 4) == 0 && len >= 16) {
			uint8_t b[16];

			if (fread(b, 1, 16, f) != 16 ||
			        fseek(f, (long)(len - 16 + (len & 1)), SEEK_CUR))
				goto out;
			fmt = (uint16_t)(b[0] | b[1] << 8);
			chans = (uint16_t)(b[2] | b[3] << 8);
			*rate = b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24;
			bits = (uint16_t)(b[14] | b[15] << 8);
		} else if (memcmp(ch, "data", 4) == 0) {
			if (fmt != 1 || chans != 1 || bits != 16)
				goto out;
			/* espeak-ng writes a streaming header: the length may be 0x7fffffff */
			*pcm = malloc(48000 * 60 * sizeof(int16_t));
			if (*pcm == NULL)
				goto out;
			*n = fread(*pcm, sizeof(int16_t),
			        len / 2 < 48000 * 60 ? len / 2 : 48000 * 60, f);
			rc = *n > 0 ? 0 : -1;
			goto out;
		} else if (fseek(f, (long)(len + (len & 1)), SEEK_CUR)) {
			goto out;
		}
	}
out:
	fclose(f);
	return rc;
}

/*
 * A real utterance: espeak-ng's WAV (22050 Hz), 1.5 s of -70 dBFS noise
 * before and after, linearly interpolated to 48 kHz. Where the energy
 * says speech is: the first and last 10 ms window of the WAV within 40 dB
 * of its loudest. The VAD must find one utterance (first START, last END)
 * within 100 ms of those.
 */
static void
test_vad_espeak(void **state)
{
	const char *path = getenv("RTC_VAD_WAV");
	int16_t *wav, *pcm;
	size_t nw = 0, n;
	uint32_t rate = 0, r = 77, win;
	double lead = 1.5, loud = 0.0, on = -1.0, off = -1.0;
	struct chain c;

	(void)state;
	if (path == NULL) {
		print_message("RTC_VAD_WAV not set (espeak-ng not found at configure time)\n");
		skip();
	}
	assert_int_equal(wav_read(path, &wav, &nw, &rate), 0);
	print_message("%s: %zu samples at %u Hz (%.2f s)\n", path, nw, rate, (double)nw / rate);
	/* energy reference on the original */
	win = rate / 100;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t w = 0; w + win <= nw; w += win) {
			double e = 0.0;

			for (size_t i = w; i < w + win; i++)
				e += (double)wav[i] * wav[i];
			e /= win;
			if (pass == 0) {
				loud = e > loud ? e : loud;
			} else if (e >= loud * 1e-4) {
				if (on < 0)
					on = (double)w / rate;
				off = (double)(w + win) / rate;
			}
		}
	}
	print_message("energy: speech %.3f .. %.3f s of the WAV\n", on, off);
	assert_true(on >= 0.0 && off > on);
	n = (size_t)((2.0 * lead + (double)nw / rate) * 48000.0);
	pcm = malloc(n * sizeof(*pcm));
	assert_non_null(pcm);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / 48000.0 - lead, pos = t * rate, v = 0.0;

		if (pos >= 0.0 && pos < (double)(nw - 1)) {
			size_t k = (size_t)pos;
			double fr = pos - (double)k;

			v = (1.0 - fr) * wav[k] + fr * wav[k + 1];
		}
		pcm[i] = s16(v + 32768.0 * 0.000316 * 1.732 * urand(&r));
	}
	chain_open(&c, 1);
	chain_run(&c, pcm, n, 1);
	for (uint32_t i = 0; i < c.nev; i++)
		print_message("espeak-ng: %s at %.3f s of the WAV\n",
		        c.ev[i].kind == KERNELS_VAD_START ? "START" : "END  ",
		        mark_s(c.ev[i].sample) - lead);
	assert_true(c.nev >= 2);
	assert_int_equal(c.ev[0].kind, KERNELS_VAD_START);
	assert_int_equal(c.ev[c.nev - 1].kind, KERNELS_VAD_END);
	assert_true(fabs(mark_s(c.ev[0].sample) - lead - on) <= 0.100);
	assert_true(fabs(mark_s(c.ev[c.nev - 1].sample) - lead - off) <= 0.100);
	gpu_queue_free(c.q);
	free(pcm);
	free(wav);
}

/* The numpy-side VAD (float32 steps) and ours agree on every event. */
static void
test_vad_kat(void **state)
{
	(void)state;
	/* the self-test runs every KAT; here again with events printed */
	for (uint32_t s = 0; s < DSP_KAT_VAD_STREAMS; s++) {
		struct kernels_vad_state st;
		struct kernels_vad_params p = {.margin_db = dsp_kat_vad_margin[s],
		        .start_frames = dsp_kat_vad_start[s],
		        .end_frames = dsp_kat_vad_end[s]};
		struct kernels_vad_event ev[DSP_KAT_VAD_FRAMES];
		uint32_t nf = DSP_KAT_VAD_FRAMES, nev;
		struct kernels_vad_batch b = {.energy = dsp_kat_vad_energy + s * DSP_KAT_VAD_FRAMES,
		        .nframes = &nf,
		        .params = &p,
		        .state = &st,
		        .events = ev,
		        .nevents = &nev,
		        .nstreams = 1,
		        .energy_stride = DSP_KAT_VAD_FRAMES,
		        .events_stride = DSP_KAT_VAD_FRAMES};

		kernels_vad_state_init(&st);
		assert_int_equal(kernels_vad(cpu(), NULL, &b), 0); /* one call: 168 frames */
		assert_int_equal(nev, dsp_kat_vad_nev[s]);
		for (uint32_t i = 0; i < nev; i++) {
			assert_int_equal(ev[i].sample, dsp_kat_vad_ev[s][i][0]);
			assert_int_equal(ev[i].frame, dsp_kat_vad_ev[s][i][1]);
			assert_int_equal(ev[i].kind, dsp_kat_vad_ev[s][i][2]);
		}
	}
}

/* ---- refused arguments: error, nothing written ---- */

static void
test_reject_rs(void **state)
{
	enum { S = 2, N = 8 };
	float in[S * 3 * N], out[S * N + 8];
	struct kernels_rs_state st[S], st0[S];
	struct kernels_rs_batch ok = {.in = in,
	        .out = out,
	        .state = st,
	        .nstreams = S,
	        .out_frames = N,
	        .in_stride = 3 * N,
	        .out_stride = N};
	struct kernels_rs_batch b;
	static const float bad[] = {NAN, INFINITY, -INFINITY, 1.0000001f, -1.5f};

	(void)state;
	for (size_t i = 0; i < S * 3 * N; i++)
		in[i] = 0.25f;
	for (int s = 0; s < S; s++) {
		kernels_rs_state_init(&st[s]);
		st[s].hist[5] = 0.5f;
	}
	memcpy(st0, st, sizeof(st));
	assert_int_equal(kernels_rs_batch_check(&ok), 0);
	assert_int_equal(kernels_rs_batch_check(NULL), -EINVAL);
#define REJECT(expr, err)                                                                          \
	do {                                                                                       \
		b = ok;                                                                            \
		expr;                                                                              \
		fill_sentinel(out, sizeof(out));                                                   \
		assert_int_equal(kernels_resample(cpu(), NULL, &b), (err));                        \
		assert_true(all_sentinel(out, sizeof(out)));                                       \
		assert_memory_equal(st, st0, sizeof(st));                                          \
	} while (0)
	REJECT(b.in = NULL, -EINVAL);
	REJECT(b.out = NULL, -EINVAL);
	REJECT(b.state = NULL, -EINVAL);
	REJECT(b.in_stride = 3 * N - 1, -EINVAL);
	REJECT(b.out_stride = N - 1, -EINVAL);
	REJECT(b.nstreams = KERNELS_PCM_MAX_STREAMS + 1, -E2BIG);
	REJECT(b.out_frames = KERNELS_RS_MAX_OUT + 1, -E2BIG);
	REJECT(b.out = in + 4, -EINVAL); /* output over the input */
	REJECT(b.state = (struct kernels_rs_state *)(void *)in, -EINVAL); /* state over the input */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		REJECT(in[3 * N + 17] = bad[i], -EINVAL); /* stream 1's input */
		in[3 * N + 17] = 0.25f;
	}
#undef REJECT
	in[0] = 1.0f; /* the limits themselves are fine */
	in[1] = -1.0f;
	assert_int_equal(kernels_rs_batch_check(&ok), 0);
	b = ok;
	b.out_frames = 0; /* nothing to do, nothing touched */
	fill_sentinel(out, sizeof(out));
	assert_int_equal(kernels_resample(cpu(), NULL, &b), 0);
	assert_true(all_sentinel(out, sizeof(out)));
	assert_memory_equal(st, st0, sizeof(st));
}

static void
test_reject_mel(void **state)
{
	enum { S = 2, N = 320, F = 2 };
	static float in[S * N], out[S * F * KERNELS_MEL_BINS + 8], energy[S * F + 8];
	static struct kernels_mel_state st[S], st0[S];
	uint32_t nf[S];
	struct kernels_mel_batch ok = {.in = in,
	        .out = out,
	        .energy = energy,
	        .nframes = nf,
	        .state = st,
	        .nstreams = S,
	        .in_frames = N,
	        .in_stride = N,
	        .out_stride = F * KERNELS_MEL_BINS,
	        .energy_stride = F};
	struct kernels_mel_batch b;

	(void)state;
	for (size_t i = 0; i < S * N; i++)
		in[i] = 0.1f;
	for (int s = 0; s < S; s++) {
		kernels_mel_state_init(&st[s]);
		st[s].npend = 300; /* this call would give frames */
	}
	memcpy(st0, st, sizeof(st));
	assert_int_equal(kernels_mel_batch_check(&ok), 0);
	assert_int_equal(kernels_mel_batch_check(NULL), -EINVAL);
#define REJECT(expr, err)                                                                          \
	do {                                                                                       \
		b = ok;                                                                            \
		expr;                                                                              \
		fill_sentinel(out, sizeof(out));                                                   \
		fill_sentinel(energy, sizeof(energy));                                             \
		fill_sentinel(nf, sizeof(nf));                                                     \
		assert_int_equal(kernels_logmel(cpu(), NULL, &b), (err));                          \
		assert_true(                                                                       \
		        all_sentinel(out, sizeof(out)) && all_sentinel(energy, sizeof(energy)));   \
		assert_true(all_sentinel(nf, sizeof(nf)));                                         \
		assert_memory_equal(st, st0, sizeof(st));                                          \
	} while (0)
	REJECT(b.in = NULL, -EINVAL);
	REJECT(b.out = NULL, -EINVAL);
	REJECT(b.energy = NULL, -EINVAL);
	REJECT(b.nframes = NULL, -EINVAL);
	REJECT(b.state = NULL, -EINVAL);
	REJECT(b.in_stride = N - 1, -EINVAL);
	REJECT(b.out_stride = F * KERNELS_MEL_BINS - 1, -EINVAL);
	REJECT(b.energy_stride = F - 1, -EINVAL);
	REJECT(b.in_frames = KERNELS_MEL_MAX_IN + 1, -E2BIG);
	REJECT(b.nstreams = KERNELS_PCM_MAX_STREAMS + 1, -E2BIG);
	REJECT(b.energy = out + 10, -EINVAL); /* energy rows inside the feature rows */
	REJECT(b.out = in, -EINVAL);
	REJECT(in[N + 3] = NAN, -EINVAL);
	in[N + 3] = 0.1f;
	REJECT(in[5] = 2.5f, -EINVAL);
	in[5] = 0.1f;
	st[1].npend = KERNELS_MEL_WIN; /* a corrupt state is refused, not overrun */
	memcpy(st0, st, sizeof(st));
	REJECT((void)0, -EINVAL);
	st[1].npend = 300;
	memcpy(st0, st, sizeof(st));
#undef REJECT
	assert_int_equal(kernels_logmel(cpu(), NULL, &ok), 0);
	assert_int_equal(nf[0], 2); /* 300 + 320 samples: frames at 0 and 160 */
	assert_int_equal(nf[1], 2);
	assert_int_equal(st[0].npend, 300 + 320 - 320);
}

static void
test_reject_vad(void **state)
{
	enum { S = 2, F = 4 };
	float e[S * F];
	uint32_t nf[S] = {F, F}, nev[S];
	struct kernels_vad_params p[S];
	struct kernels_vad_state st[S], st0[S];
	struct kernels_vad_event ev[S * F];
	struct kernels_vad_batch ok = {.energy = e,
	        .nframes = nf,
	        .params = p,
	        .state = st,
	        .events = ev,
	        .nevents = nev,
	        .nstreams = S,
	        .energy_stride = F,
	        .events_stride = F};
	struct kernels_vad_batch b;
	static const float bad_e[] = {NAN, INFINITY, -INFINITY, -24.5f, 64.5f};
	static const float bad_margin[] = {NAN, 0.5f, 40.5f, -1.0f, INFINITY};

	(void)state;
	for (int i = 0; i < S * F; i++)
		e[i] = -5.0f;
	for (int s = 0; s < S; s++) {
		kernels_vad_params_default(&p[s]);
		kernels_vad_state_init(&st[s]);
	}
	memcpy(st0, st, sizeof(st));
	assert_int_equal(kernels_vad_batch_check(&ok), 0);
	assert_int_equal(kernels_vad_batch_check(NULL), -EINVAL);
#define REJECT(expr, err)                                                                          \
	do {                                                                                       \
		b = ok;                                                                            \
		expr;                                                                              \
		fill_sentinel(ev, sizeof(ev));                                                     \
		fill_sentinel(nev, sizeof(nev));                                                   \
		assert_int_equal(kernels_vad(cpu(), NULL, &b), (err));                             \
		assert_true(all_sentinel(ev, sizeof(ev)) && all_sentinel(nev, sizeof(nev)));       \
		assert_memory_equal(st, st0, sizeof(st));                                          \
	} while (0)
	REJECT(b.energy = NULL, -EINVAL);
	REJECT(b.nframes = NULL, -EINVAL);
	REJECT(b.params = NULL, -EINVAL);
	REJECT(b.state = NULL, -EINVAL);
	REJECT(b.events = NULL, -EINVAL);
	REJECT(b.nevents = NULL, -EINVAL);
	REJECT(b.events_stride = F - 1, -EINVAL);
	REJECT(b.energy_stride = F - 1, -EINVAL);
	REJECT(b.nstreams = KERNELS_PCM_MAX_STREAMS + 1, -E2BIG);
	REJECT(b.events = (struct kernels_vad_event *)(void *)st, -EINVAL);
	REJECT(nf[1] = KERNELS_VAD_MAX_FRAMES + 1, -E2BIG);
	nf[1] = F;
	for (size_t i = 0; i < sizeof(bad_e) / sizeof(bad_e[0]); i++) {
		REJECT(e[F + 2] = bad_e[i], -EINVAL);
		e[F + 2] = -5.0f;
	}
	for (size_t i = 0; i < sizeof(bad_margin) / sizeof(bad_margin[0]); i++) {
		REJECT(p[1].margin_db = bad_margin[i], -EINVAL);
		p[1].margin_db = KERNELS_VAD_DEFAULT_MARGIN;
	}
	REJECT(p[0].start_frames = 0, -EINVAL);
	p[0].start_frames = 3;
	REJECT(p[0].end_frames = KERNELS_VAD_RUN_MAX + 1, -EINVAL);
	p[0].end_frames = 30;
#undef REJECT
	assert_int_equal(kernels_vad(cpu(), NULL, &ok), 0);
	assert_int_equal(st[0].frame, F);
	assert_int_equal(nev[0], 0);
}

/* gpu_queue: the AI rows exist with the documented strides; reset gives fresh state. */
static void
test_queue_ai(void **state)
{
	struct gpu_queue *q;
	const struct gpu_queue_ai_rows *a;
	struct kernels_rs_batch rb;
	struct kernels_mel_batch mb;
	struct kernels_vad_batch vb;

	(void)state;
	assert_int_equal(gpu_queue_create(NULL, 5, 3 * 481, &q), 0);
	a = gpu_queue_ai_host(q);
	assert_int_equal(a->max_out, 481);
	assert_int_equal(a->max_mel_frames, KERNELS_MEL_FRAMES_MAX(481));
	assert_int_equal(a->pcm16k_stride, 481);
	assert_int_equal(a->mel_stride, KERNELS_MEL_BINS * a->max_mel_frames);
	for (uint32_t s = 0; s < 5; s++) {
		assert_true(a->vad_params[s].margin_db == KERNELS_VAD_DEFAULT_MARGIN);
		assert_int_equal(a->vad_params[s].start_frames, KERNELS_VAD_DEFAULT_START);
		assert_int_equal(a->mel_state[s].npend, 0);
	}
	gpu_queue_rs_batch(q, 5, 481, &rb);
	gpu_queue_mel_batch(q, 5, 481, &mb);
	gpu_queue_vad_batch(q, 5, &vb);
	assert_int_equal(kernels_rs_batch_check(&rb), 0);
	assert_int_equal(kernels_mel_batch_check(&mb), 0);
	a->mel_state[2].npend = 17;
	a->vad_params[2].margin_db = 3.0f;
	gpu_queue_stream_reset(q, 2);
	assert_int_equal(a->mel_state[2].npend, 0);
	assert_true(a->vad_params[2].margin_db == KERNELS_VAD_DEFAULT_MARGIN);
	gpu_queue_stream_reset(q, 5); /* out of range: ignored */
	gpu_queue_free(q);
}

#ifdef RTC_HAVE_CUDA
/*
 * With CUDA built: without a device the backend refuses the new ops on a
 * CPU queue and cannot make its own queue; with one, its self-test (all
 * KATs) passes and it agrees with the C path on the synthetic chain.
 */
static void
test_cuda_dsp(void **state)
{
	const struct kernels_backend *cuda = kernels_backend_find("cuda");
	struct gpu_queue *cq;
	char why[256];

	(void)state;
	assert_non_null(cuda);
	assert_non_null(cuda->resample);
	assert_non_null(cuda->logmel);
	assert_non_null(cuda->vad);
	assert_int_equal(gpu_queue_create(NULL, 2, TICK_48K, &cq), 0);
	{
		struct kernels_rs_batch rb;
		struct kernels_mel_batch mb;
		struct kernels_vad_batch vb;

		gpu_queue_rs_batch(cq, 2, TICK_16K, &rb);
		gpu_queue_mel_batch(cq, 2, TICK_16K, &mb);
		gpu_queue_vad_batch(cq, 2, &vb);
		assert_int_equal(kernels_resample(cuda, cq, &rb), -EINVAL); /* not a CUDA queue */
		assert_int_equal(kernels_logmel(cuda, cq, &mb), -EINVAL);
		assert_int_equal(kernels_vad(cuda, cq, &vb), -EINVAL);
		assert_int_equal(kernels_resample(cuda, NULL, &rb), -EINVAL);
	}
	gpu_queue_free(cq);
	if (cuda->probe(why, sizeof(why)) < 0) {
		print_message("cuda: %s; its kernels were compiled, not run\n", why);
		return;
	}
	assert_int_equal(cuda->selftest(), 0);
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rs_kat),
	        cmocka_unit_test(test_rs_seamless),
	        cmocka_unit_test(test_rs_response),
	        cmocka_unit_test(test_lnf),
	        cmocka_unit_test(test_mel_kat),
	        cmocka_unit_test(test_mel_seamless),
	        cmocka_unit_test(test_mel_tone),
	        cmocka_unit_test(test_vad_kat),
	        cmocka_unit_test(test_vad_synthetic),
	        cmocka_unit_test(test_vad_espeak),
	        cmocka_unit_test(test_reject_rs),
	        cmocka_unit_test(test_reject_mel),
	        cmocka_unit_test(test_reject_vad),
	        cmocka_unit_test(test_queue_ai),
#ifdef RTC_HAVE_CUDA
	        cmocka_unit_test(test_cuda_dsp),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
