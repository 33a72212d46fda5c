/*
 * The per-track Opus receiver on real speech: espeak-ng audio resampled to
 * 48 kHz, encoded by libopus (VOIP, 32 kbit/s, 20 ms, in-band FEC) into
 * RTP-like packets, delivered with loss (5 % singles and two bursts),
 * reordering, duplicates and a too-late packet.
 *
 * Checked: counters exactly (derived from the scenario), output bit-exact
 * with a plain libopus decode at the same rate up to the first loss,
 * normalised cross-correlation with the source (resampled to that rate by
 * media_speech.c) on the frames without concealment,
 * energy continuity across concealed gaps, timestamps, the FEC detector
 * against libopus's own behaviour, malformed payloads, sequence wrap,
 * long gaps, jumps and resync, DTX timestamp jumps and the wait timer.
 * The tests that decode run twice: 48 kHz int16 (opus_decode) and 16 kHz
 * float (opus_decode_float, what the pipeline uses), the latter against a
 * plain libopus decoder created at 16 kHz.
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
#include <opus/opus.h>

#include "media_speech.h"
#include "opus_rx.h"

#define FR OPUS_RX_FRAME /* 20 ms on the 48 kHz RTP clock (and samples at 48 kHz) */

/* Output rate and format of a run; a test's prestate (NULL: 48 kHz int16). */
struct mode {
	uint32_t rate;
	uint8_t f32;
	const char *name;
};

static const struct mode m48 = {48000, 0, "48 kHz int16"};
static const struct mode m16 = {16000, 1, "16 kHz float"};

static const struct mode *
mode_of(void **state)
{
	return *state != NULL ? (const struct mode *)*state : &m48;
}

/* Samples per 20 ms frame, octets per sample. */
static size_t
mfr(const struct mode *m)
{
	return m->rate / 50u;
}

static size_t
mss(const struct mode *m)
{
	return m->f32 ? sizeof(float) : sizeof(int16_t);
}

/* Sample @i of @buf (in @m's format), on the int16 scale. */
static double
smp(const struct mode *m, const void *buf, size_t i)
{
	return m->f32 ? (double)((const float *)buf)[i] * 32768.0 : ((const int16_t *)buf)[i];
}

/*
 * opus_rx.h's float frame contract, written out again: clamp to [-1, 1],
 * NaN -> 1, under half an int16 step (2^-16) -> 0.
 */
static float
clamp1(float v)
{
	if (isnan(v) || v > 1.0f)
		return 1.0f;
	if (v < -1.0f)
		return -1.0f;
	return fabsf(v) < 0x1p-16f ? 0.0f : v;
}

struct pkt {
	uint8_t data[1500];
	int len;
};

/* Shared by the tests: the source speech and its packets (made once). */
static int16_t *g_src;
static size_t g_nsrc;
static struct pkt *g_pkts;
static size_t g_npkts;
static int g_lookahead;
static int g_lag;      /* codec delay: the lag of best correlation near the lookahead */
static int16_t *g_ref; /* plain in-order decode of every packet */
/* the same at 16 kHz: source resampled by media_speech.c, plain float decode at 16 kHz */
static int16_t *g_src16;
static size_t g_nsrc16;
static int g_lag16;
static float *g_ref16;

static double ncc(const struct mode *m, const void *out, size_t from, size_t n);

/* The plain decode of every packet at @m's rate and format. */
static const void *
ref_of(const struct mode *m)
{
	return m->f32 ? (const void *)g_ref16 : (const void *)g_ref;
}

/* The lag of best NCC with the source around @around (+- @span). */
static int
lag_search(const struct mode *m, int around, int span)
{
	double best = -2;
	int best_lag = around;
	int *lag = m->f32 ? &g_lag16 : &g_lag;

	for (int l = around - span; l <= around + span; l++) {
		*lag = l;
		double q = ncc(m, ref_of(m), 0, g_npkts * mfr(m));
		if (q > best) {
			best = q;
			best_lag = l;
		}
	}
	return best_lag;
}

static const char g_text[] = "Please turn on the light in the kitchen. What time is it? "
                             "The quick brown fox jumps over the lazy dog.";

static int
setup(void **state)
{
	(void)state;
	OpusEncoder *enc;
	OpusDecoder *dec, *dec16;
	int err;

	if (media_speech_make(g_text, 48000, &g_src, &g_nsrc) != 0)
		return -1;
	g_npkts = (g_nsrc + FR - 1) / FR;
	g_pkts = calloc(g_npkts, sizeof(*g_pkts));
	g_ref = calloc(g_npkts * FR, sizeof(int16_t));
	g_ref16 = calloc(g_npkts * (FR / 3), sizeof(float));
	enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
	dec = opus_decoder_create(48000, 1, &err);
	dec16 = opus_decoder_create(16000, 1, &err);
	g_src16 = media_speech_resample(g_src, g_nsrc, 48000, 16000, &g_nsrc16);
	if (g_pkts == NULL || g_ref == NULL || g_ref16 == NULL || enc == NULL || dec == NULL ||
	        dec16 == NULL || g_src16 == NULL)
		return -1;
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
	opus_encoder_ctl(enc, OPUS_GET_LOOKAHEAD(&g_lookahead));
	for (size_t i = 0; i < g_npkts; i++) {
		int16_t frame[FR] = {0};
		size_t n = g_nsrc - i * FR < FR ? g_nsrc - i * FR : FR;
		memcpy(frame, g_src + i * FR, n * sizeof(int16_t));
		g_pkts[i].len = opus_encode(enc, frame, FR, g_pkts[i].data, sizeof(g_pkts[i].data));
		if (g_pkts[i].len <= 0)
			return -1;
		if (opus_decode(dec, g_pkts[i].data, g_pkts[i].len, g_ref + i * FR, FR, 0) != FR)
			return -1;
		float *r16 = g_ref16 + i * (FR / 3);
		if (opus_decode_float(dec16, g_pkts[i].data, g_pkts[i].len, r16, FR / 3, 0) !=
		        FR / 3)
			return -1;
		for (size_t k = 0; k < FR / 3; k++)
			r16[k] = clamp1(r16[k]);
	}
	opus_encoder_destroy(enc);
	opus_decoder_destroy(dec);
	opus_decoder_destroy(dec16);
	/* SILK's resamplers make the delay a few samples less than the lookahead */
	g_lag = lag_search(&m48, g_lookahead, 16);
	g_lag16 = lag_search(&m16, g_lookahead / 3, 8);
	print_message("codec delay %d samples at 48 kHz, %d at 16 kHz (lookahead %d at 48 kHz)\n",
	        g_lag, g_lag16, g_lookahead);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(g_src);
	free(g_pkts);
	free(g_ref);
	free(g_src16);
	free(g_ref16);
	return 0;
}

/* Source sample aligned with output sample @i of a decode at @m's rate (codec delay). */
static double
src_at(const struct mode *m, size_t i)
{
	const int16_t *src = m->f32 ? g_src16 : g_src;
	size_t lag = (size_t)(m->f32 ? g_lag16 : g_lag), n = m->f32 ? g_nsrc16 : g_nsrc;

	return i >= lag && i - lag < n ? src[i - lag] : 0;
}

/* Normalised cross-correlation of decoded samples [from, from + n) vs the source. */
static double
ncc(const struct mode *m, const void *out, size_t from, size_t n)
{
	double xy = 0, xx = 0, yy = 0;

	for (size_t i = from; i < from + n; i++) {
		double y = smp(m, out, i);
		double x = src_at(m, i);
		xy += x * y;
		xx += x * x;
		yy += y * y;
	}
	return xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0.0;
}

/* RMS of samples [from, from + n), int16 scale. */
static double
rms(const struct mode *m, const void *p, size_t from, size_t n)
{
	double s = 0;

	for (size_t i = from; i < from + n; i++)
		s += smp(m, p, i) * smp(m, p, i);
	return sqrt(s / (double)n);
}

/* A receiver for @m with @cfg's other fields (NULL: defaults). */
static struct opus_rx *
rx_new(const struct mode *m, const struct opus_rx_config *cfg)
{
	struct opus_rx_config c;
	struct opus_rx *rx = NULL;

	if (cfg != NULL)
		c = *cfg;
	else
		opus_rx_config_default(&c);
	c.rate = m->rate;
	c.f32 = m->f32;
	assert_int_equal(opus_rx_create(&c, &rx), 0);
	return rx;
}

/* Frame @f's samples, in @m's format. */
static const void *
frame_pcm(const struct mode *m, const struct opus_rx_frame *f)
{
	assert_int_equal(f->n, mfr(m));
	if (m->f32)
		for (size_t k = 0; k < f->n; k++)
			assert_true(f->pcm_f32[k] >= -1.0f && f->pcm_f32[k] <= 1.0f);
	return m->f32 ? (const void *)f->pcm_f32 : (const void *)f->pcm;
}

/* Deterministic LCG (Numerical Recipes constants). */
static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

struct run {
	const struct mode *m;
	struct opus_rx *rx;
	uint8_t *out; /* frames by index from the first pts, in m's format */
	uint8_t *flags;
	size_t nframes;
	uint64_t pts0;
	int have_pts0;
	uint64_t now;
};

static void
run_pull(struct run *r, int drain)
{
	struct opus_rx_frame f;

	while (drain ? opus_rx_drain(r->rx, &f) : opus_rx_pull(r->rx, r->now, &f)) {
		if (!r->have_pts0) {
			r->pts0 = f.pts;
			r->have_pts0 = 1;
		}
		assert_int_equal(f.pts, r->pts0 + (uint64_t)r->nframes * FR);
		assert_int_equal(f.rtp_ts, (uint32_t)f.pts);
		assert_false(f.flags & OPUS_RX_F_DISCONT);
		memcpy(r->out + r->nframes * mfr(r->m) * mss(r->m), frame_pcm(r->m, &f),
		        mfr(r->m) * mss(r->m));
		r->flags[r->nframes] = f.flags;
		r->nframes++;
	}
}

static void
run_push(struct run *r, uint16_t seq0, size_t i, enum opus_rx_verdict want)
{
	uint16_t seq = (uint16_t)(seq0 + i);
	uint32_t ts = 0x7ffff000u + (uint32_t)(i * FR); /* crosses 2^31, not a problem */

	assert_int_equal(
	        opus_rx_push(r->rx, seq, ts, g_pkts[i].data, (size_t)g_pkts[i].len, r->now), want);
	r->now += 20000;
	run_pull(r, 0);
}

/* A run's output buffer for @nframes frames (+ one). */
static void
run_init(struct run *r, const struct mode *m, size_t nframes)
{
	r->m = m;
	r->rx = rx_new(m, NULL);
	r->out = calloc((nframes + 1) * mfr(m), mss(m));
	r->flags = calloc(nframes + 1, 1);
	assert_non_null(r->out);
	assert_non_null(r->flags);
}

/* No loss: bit-exact with plain libopus at the same rate, NCC with the source. */
static void
test_lossless(void **state)
{
	const struct mode *m = mode_of(state);
	struct run r = {0};
	const uint64_t *c;

	run_init(&r, m, g_npkts);
	for (size_t i = 0; i < g_npkts; i++)
		run_push(&r, 65500, i, OPUS_RX_ACCEPTED); /* seq wraps at i = 36 */
	run_pull(&r, 1);
	assert_int_equal(r.nframes, g_npkts);
	assert_memory_equal(r.out, ref_of(m), g_npkts * mfr(m) * mss(m));
	double q = ncc(m, r.out, 0, g_npkts * mfr(m));
	print_message("lossless, %s: %zu packets, bit-exact with libopus at %u Hz, NCC with the "
	              "source %.4f (bound 0.9)\n",
	        m->name, g_npkts, m->rate, q);
	assert_true(q > 0.9);
	c = opus_rx_counters(r.rx);
	assert_int_equal(c[OPUS_RX_C_PACKETS], g_npkts);
	assert_int_equal(c[OPUS_RX_C_DECODED], g_npkts);
	assert_int_equal(c[OPUS_RX_C_FRAMES], g_npkts);
	for (unsigned k = OPUS_RX_C_LOST; k < OPUS_RX_C_MAX; k++)
		assert_int_equal(c[k], 0);
	opus_rx_free(r.rx);
	free(r.out);
	free(r.flags);
}

/*
 * FEC against libopus's own decoder, on a copy of the decoder state
 * (OpusDecoder is one flat allocation of opus_decoder_get_size() bytes).
 * For a SILK-only packet, decode_fec=1 runs the SILK decoder on the LBRR
 * data if the packet's LBRR flag is set, and SILK's PLC otherwise, which is
 * exactly what a NULL packet gives: so "FEC output differs from PLC" is
 * "has LBRR" (checked from the 5th packet on). For hybrid packets the CELT layer's PLC differs from
 * the FEC path even without LBRR, so there only "has LBRR => differs" holds. Returns the number of
 * packets with LBRR; checks every packet.
 */
static unsigned
fec_oracle(const struct pkt *pk, size_t n, int exact)
{
	int err, size = opus_decoder_get_size(1);
	OpusDecoder *dec = opus_decoder_create(48000, 1, &err);
	OpusDecoder *a = malloc((size_t)size), *b = malloc((size_t)size);
	int16_t pa[5760], pb[5760], tmp[5760];
	unsigned with = 0, mism = 0;

	for (size_t i = 1; i < n; i++) {
		int ns = opus_packet_get_nb_samples(pk[i].data, pk[i].len, 48000);
		memcpy(a, dec, (size_t)size);
		memcpy(b, dec, (size_t)size);
		assert_int_equal(opus_decode(a, pk[i].data, pk[i].len, pa, ns, 1), ns);
		assert_int_equal(opus_decode(b, NULL, 0, pb, ns, 0), ns);
		int differs = memcmp(pa, pb, (size_t)ns * sizeof(int16_t)) != 0;
		int has = opus_rx_packet_has_fec(pk[i].data, (size_t)pk[i].len);
		with += (unsigned)has;
		/* from the 5th packet: the first ones after a decoder's start can differ
		 * for other reasons (seen once, 10 ms SILK, packet 2) */
		if (exact && i >= 5)
			mism += has != differs;
		else if (has)
			assert_true(differs);
		assert_int_equal(opus_decode(dec, pk[i].data, pk[i].len, tmp, ns, 0), ns);
	}
	assert_int_equal(mism, 0);
	opus_decoder_destroy(dec);
	free(a);
	free(b);
	return with;
}

/* @frame samples per packet, @channels, SILK-only when @wb; FEC on. */
static struct pkt *
encode_with(int frame, int channels, int wb, int bitrate, size_t *np)
{
	int err;
	OpusEncoder *enc = opus_encoder_create(48000, channels, OPUS_APPLICATION_VOIP, &err);
	size_t n = g_nsrc / (size_t)frame;
	struct pkt *pk = calloc(n, sizeof(*pk));
	int16_t *in = calloc((size_t)frame * 2, sizeof(int16_t));

	assert_non_null(enc);
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(15));
	if (wb)
		opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND));
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < frame; k++) {
			size_t at = i * (size_t)frame + (size_t)k;
			in[k * channels] = g_src[at];
			if (channels == 2) /* right: delayed and quieter, so side is not zero */
				in[k * 2 + 1] = (int16_t)(at >= 40 ? g_src[at - 40] / 2 : 0);
		}
		pk[i].len = opus_encode(enc, in, frame, pk[i].data, sizeof(pk[i].data));
		assert_true(pk[i].len > 0);
	}
	opus_encoder_destroy(enc);
	free(in);
	*np = n;
	return pk;
}

static void
test_fec_detector(void **state)
{
	(void)state;
	static const struct {
		int frame, channels, wb, bitrate;
	} cases[] = {
	        {960, 1, 1, 24000},  /* SILK WB 20 ms: LBRR flag is bit 6 */
	        {480, 1, 1, 24000},  /* 10 ms */
	        {1920, 1, 1, 24000}, /* 40 ms: two VAD flags, bit 5 */
	        {2880, 1, 1, 24000}, /* 60 ms: three VAD flags, bit 4 */
	        {960, 2, 1, 40000},  /* stereo: mid and side flags */
	        {2880, 2, 1, 40000},
	};
	unsigned with;

	with = fec_oracle(g_pkts, g_npkts, 0);
	print_message("FEC detector, hybrid 32 kbit/s: %u of %zu packets carry LBRR\n", with,
	        g_npkts - 1);
	assert_true(with > g_npkts / 2);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t np;
		struct pkt *pk = encode_with(
		        cases[c].frame, cases[c].channels, cases[c].wb, cases[c].bitrate, &np);
		assert_true(((pk[1].data[0] >> 3) & 0x1f) < 12); /* SILK-only */
		with = fec_oracle(pk, np, 1);
		print_message(
		        "FEC detector, SILK %d ms %s: %u of %zu packets carry LBRR, all agree\n",
		        cases[c].frame / 48, cases[c].channels == 2 ? "stereo" : "mono", with,
		        np - 1);
		assert_true(with > 0 && with < np);
		free(pk);
	}
	/* CELT-only, too short and garbage say no */
	static const uint8_t celt[] = {0xf8, 0xff, 0xfe};
	assert_int_equal(opus_rx_packet_has_fec(celt, sizeof(celt)), 0);
	assert_int_equal(opus_rx_packet_has_fec(celt, 1), 0);
	assert_int_equal(opus_rx_packet_has_fec(NULL, 10), 0);
	static const uint8_t bad3[] = {0x0b, 0x00}; /* code 3, zero frames */
	assert_int_equal(opus_rx_packet_has_fec(bad3, sizeof(bad3)), 0);
}

/* The loss scenario: which packets are dropped, and the delivery order. */
struct scenario {
	uint8_t *drop; /* [npkts] never sent */
	size_t *order; /* packet indices in delivery order (may repeat) */
	size_t norder;
	size_t lost; /* sequence numbers lost */
	size_t fec;  /* gaps whose next packet carries FEC */
	size_t dups;
	size_t late;
};

static void
scenario_make(struct scenario *s)
{
	uint32_t seed = 12345;
	size_t n = g_npkts, too_late = 150;

	s->drop = calloc(n, 1);
	s->order = calloc(n * 2, sizeof(*s->order));
	s->norder = 0;
	/* 5 % single losses, never the first 5 or last 5, never next to another */
	for (size_t i = 5; i + 5 < n; i++)
		if (lcg(&seed) % 100 < 5 && !s->drop[i - 1])
			s->drop[i] = 1;
	/* bursts of 3 and 6 */
	for (size_t i = 100; i < 103; i++)
		s->drop[i] = 1;
	for (size_t i = 180; i < 186; i++)
		s->drop[i] = 1;
	s->drop[99] = s->drop[103] = s->drop[179] = s->drop[186] = 0;
	/* the packets around the reorders and the late one are delivered */
	for (size_t i = 40; i < 62; i++)
		s->drop[i] = 0;
	for (size_t i = too_late - 1; i < too_late + 6; i++)
		s->drop[i] = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 40 || i == 50) {
			/* swap with the next one */
			s->order[s->norder++] = i + 1;
			s->order[s->norder++] = i;
			i++;
			continue;
		}
		if (i == 55) {
			/* 55 two places later, inside the reorder depth of 3 */
			s->order[s->norder++] = 56;
			s->order[s->norder++] = 57;
			s->order[s->norder++] = 55;
			i = 57;
			continue;
		}
		if (i == too_late)
			continue; /* sent after too_late + 5 */
		if (!s->drop[i])
			s->order[s->norder++] = i;
		if (i == 30) {
			s->order[s->norder++] = 30; /* immediate duplicate */
			s->dups++;
		}
		if (i == 60) {
			s->order[s->norder++] = 45; /* old duplicate, already played */
			s->dups++;
		}
		if (i == too_late + 5) {
			s->order[s->norder++] = too_late; /* its gap was concealed already */
			s->late++;
		}
	}
	/* expected losses and FEC, gap by gap; too_late is lost too */
	for (size_t i = 0; i < n;) {
		if (!s->drop[i] && i != too_late) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && (s->drop[j] || j == too_late))
			j++;
		s->lost += j - i;
		if (j < n && opus_rx_packet_has_fec(g_pkts[j].data, (size_t)g_pkts[j].len))
			s->fec++;
		i = j;
	}
}

/*
 * With RTC_OPUS_RX_SEEDS=<dir>, write the delivery order as a script for
 * tests/fuzz/fuzz_opus_rx.c (its input format is described there).
 */
static void
seeds_write(const size_t *order, size_t n, const char *name, uint8_t cfg)
{
	const char *dir = getenv("RTC_OPUS_RX_SEEDS");
	char path[512];
	FILE *fp;
	size_t prev = 0;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputc(cfg, fp);
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		long ds = (long)i - (long)prev;
		if (ds < -128 || ds > 127 || g_pkts[i].len > 254)
			continue;
		fputc(0x02, fp); /* 20 ms later */
		fputc((uint8_t)(int8_t)ds, fp);
		fputc((uint8_t)(int8_t)(ds * 8), fp); /* 960 = 8 x 120 */
		fputc(g_pkts[i].len, fp);
		fwrite(g_pkts[i].data, 1, (size_t)g_pkts[i].len, fp);
		prev = i;
	}
	fclose(fp);
}

static void
test_loss_reorder_dup(void **state)
{
	const struct mode *m = mode_of(state);
	const size_t fr = mfr(m);
	struct scenario s = {0};
	struct run r = {0};
	const uint64_t *c;
	size_t first_gap = g_npkts, nclean = 0;
	double q_clean, q_plc = 0, q_fec = 0;

	scenario_make(&s);
	{
		/* short scripts for the fuzzer: the start, and the stretch with reorders */
		size_t k40 = 0;
		while (k40 < s.norder && s.order[k40] != 41)
			k40++;
		seeds_write(s.order, s.norder < 60 ? s.norder : 60, "speech_start", 0x12);
		seeds_write(s.order + k40, s.norder - k40 < 40 ? s.norder - k40 : 40, "reorder_dup",
		        0x32);
		seeds_write(s.order + 90, 110, "bursts", 0x52);
	}
	run_init(&r, m, g_npkts);
	for (size_t k = 0; k < s.norder; k++) {
		size_t i = s.order[k];
		uint16_t seq = (uint16_t)(1000 + i);
		uint32_t ts = (uint32_t)(i * FR);
		enum opus_rx_verdict v =
		        opus_rx_push(r.rx, seq, ts, g_pkts[i].data, (size_t)g_pkts[i].len, r.now);
		assert_true(v == OPUS_RX_ACCEPTED || v == OPUS_RX_DUPLICATE || v == OPUS_RX_LATE);
		r.now += 20000;
		run_pull(&r, 0);
	}
	run_pull(&r, 1);
	c = opus_rx_counters(r.rx);
	print_message("scenario: %zu packets, %zu lost, %zu gaps with FEC, %zu dup, %zu late\n",
	        g_npkts, s.lost, s.fec, s.dups, s.late);
	assert_int_equal(r.nframes, g_npkts);
	assert_int_equal(c[OPUS_RX_C_FRAMES], g_npkts);
	assert_int_equal(c[OPUS_RX_C_LOST], s.lost);
	assert_int_equal(c[OPUS_RX_C_FEC_RECOVERED], s.fec);
	assert_int_equal(c[OPUS_RX_C_CONCEALED], s.lost - s.fec);
	assert_int_equal(c[OPUS_RX_C_DUPLICATE], s.dups);
	assert_int_equal(c[OPUS_RX_C_LATE], s.late);
	assert_int_equal(c[OPUS_RX_C_PACKETS], g_npkts - s.lost);
	assert_int_equal(c[OPUS_RX_C_DECODED], g_npkts - s.lost);
	assert_int_equal(c[OPUS_RX_C_GAP_SKIPPED], 0);
	assert_int_equal(c[OPUS_RX_C_DECODE_ERRORS], 0);
	assert_int_equal(c[OPUS_RX_C_DISCONT], 0);
	assert_int_equal(c[OPUS_RX_C_JUMP], 0);
	assert_true(s.fec > 0 && s.lost > s.fec);

	/* up to the first gap: bit-exact with the plain decode */
	for (size_t i = 0; i < g_npkts; i++)
		if (s.drop[i]) {
			first_gap = i;
			break;
		}
	assert_memory_equal(r.out, ref_of(m), first_gap * fr * mss(m));
	for (size_t i = 0; i < first_gap; i++)
		assert_int_equal(r.flags[i], 0);

	/* frames without concealment (decoder state differs after a gap) vs the source */
	{
		double xy = 0, xx = 0, yy = 0;
		for (size_t i = 0; i < g_npkts; i++) {
			if (r.flags[i] & OPUS_RX_F_CONCEALED)
				continue;
			for (size_t k = i * fr; k < (i + 1) * fr; k++) {
				double y = smp(m, r.out, k);
				double x = src_at(m, k);
				xy += x * y;
				xx += x * x;
				yy += y * y;
			}
			nclean++;
		}
		q_clean = xy / sqrt(xx * yy);
	}
	/* concealed frames: PLC and FEC quality, and energy continuity */
	unsigned nplc = 0, nfec = 0;
	for (size_t i = 1; i + 1 < g_npkts; i++) {
		if (!(r.flags[i] & OPUS_RX_F_CONCEALED))
			continue;
		assert_true(s.drop[i] || i == 150);
		double e = rms(m, r.out, i * fr, fr);
		/* the last concealed frame before a packet: neighbours are real frames */
		size_t a = i, b = i;
		while (a > 0 && (r.flags[a] & OPUS_RX_F_CONCEALED))
			a--;
		while (b + 1 < g_npkts && (r.flags[b] & OPUS_RX_F_CONCEALED))
			b++;
		double ea = rms(m, r.out, a * fr, fr), eb = rms(m, r.out, b * fr, fr);
		double emax = ea > eb ? ea : eb;
		/* no burst of noise: never louder than twice the louder neighbour (+ floor) */
		assert_true(e <= 2.0 * emax + 200.0);
		int fec_frame =
		        i + 1 < g_npkts && !s.drop[i + 1] && i + 1 != 150 &&
		        opus_rx_packet_has_fec(g_pkts[i + 1].data, (size_t)g_pkts[i + 1].len);
		if (fec_frame) {
			q_fec += ncc(m, r.out, i * fr, fr);
			nfec++;
		} else {
			q_plc += ncc(m, r.out, i * fr, fr);
			nplc++;
		}
		/* a single loss inside speech is not silence */
		if (a + 2 == b && ea > 1000 && eb > 1000)
			assert_true(e > 0.05 * (ea < eb ? ea : eb));
	}
	print_message("%s: NCC clean frames (%zu) %.4f (bound 0.9); mean NCC of FEC frames (%u) "
	              "%.3f, PLC frames (%u) %.3f\n",
	        m->name, nclean, q_clean, nfec, nfec ? q_fec / nfec : 0, nplc,
	        nplc ? q_plc / nplc : 0);
	assert_true(q_clean > 0.9);
	assert_true(nfec > 0 && q_fec / nfec > 0.5);
	assert_true(q_fec / nfec > q_plc / nplc);

	opus_rx_free(r.rx);
	free(r.out);
	free(r.flags);
	free(s.drop);
	free(s.order);
}

/* Malformed payloads: counted, concealed, the stream goes on; too long is dropped. */
static void
test_bad_payloads(void **state)
{
	const struct mode *m = mode_of(state);
	struct run r = {0};
	const uint64_t *c;
	static uint8_t big[OPUS_RX_PAYLOAD_MAX + 1];
	static const uint8_t code3_zero[] = {0x0b, 0x00};       /* code 3, M = 0 */
	static const uint8_t code2_overrun[] = {0x0a, 0xfb, 1}; /* code 2, first frame 251 > 1 */
	static const uint8_t code3_long[] = {0x0b, 0x07, 0, 0}; /* 7 x 20 ms = 140 ms > 120 */
	const uint8_t *bad[] = {code3_zero, code2_overrun, code3_long, NULL};
	const size_t badlen[] = {sizeof(code3_zero), sizeof(code2_overrun), sizeof(code3_long), 0};
	const size_t at[] = {10, 11, 20, 30};

	run_init(&r, m, 60);
	for (size_t i = 0; i < 50; i++) {
		const uint8_t *p = g_pkts[i].data;
		size_t len = (size_t)g_pkts[i].len;
		for (int k = 0; k < 4; k++)
			if (at[k] == i) {
				p = bad[k];
				len = badlen[k];
			}
		if (i == 40)
			assert_int_equal(opus_rx_push(r.rx, (uint16_t)(7 + i), (uint32_t)(i * FR),
			                         big, sizeof(big), r.now),
			        OPUS_RX_TOO_LONG);
		assert_int_equal(
		        opus_rx_push(r.rx, (uint16_t)(7 + i), (uint32_t)(i * FR), p, len, r.now),
		        OPUS_RX_ACCEPTED);
		r.now += 20000;
		run_pull(&r, 0);
	}
	run_pull(&r, 1);
	c = opus_rx_counters(r.rx);
	assert_int_equal(r.nframes, 50);
	assert_int_equal(c[OPUS_RX_C_PACKETS], 50);
	assert_int_equal(c[OPUS_RX_C_DECODED], 46);
	assert_int_equal(c[OPUS_RX_C_DECODE_ERRORS], 4);
	assert_int_equal(c[OPUS_RX_C_CONCEALED], 4);
	assert_int_equal(c[OPUS_RX_C_LOST], 0);
	assert_int_equal(c[OPUS_RX_C_TOO_LONG], 1);
	for (size_t k = 0; k < 4; k++)
		assert_true(r.flags[at[k]] & OPUS_RX_F_CONCEALED);
	assert_memory_equal(r.out, ref_of(m), 10 * mfr(m) * mss(m));
	opus_rx_free(r.rx);
	free(r.out);
	free(r.flags);
}

/* A gap longer than conceal_max_ms is not filled: the timeline jumps. */
static void
test_long_gap_and_resync(void **state)
{
	(void)state;
	struct opus_rx *rx;
	struct opus_rx_frame f;
	const uint64_t *c;
	uint64_t now = 0, pts0 = 0;
	size_t frames = 0;
	int saw_discont = 0;

	assert_int_equal(opus_rx_create(NULL, &rx), 0);
	for (size_t i = 0; i < 60; i++) {
		if (i >= 20 && i < 40)
			continue; /* 20 packets = 400 ms > 200 ms */
		assert_int_equal(opus_rx_push(rx, (uint16_t)i, (uint32_t)(i * FR), g_pkts[i].data,
		                         (size_t)g_pkts[i].len, now),
		        OPUS_RX_ACCEPTED);
		now += 20000;
		while (opus_rx_pull(rx, now, &f)) {
			if (frames == 0)
				pts0 = f.pts;
			if (f.flags & OPUS_RX_F_DISCONT) {
				assert_int_equal(frames, 20);
				assert_int_equal(f.pts, pts0 + 40 * FR); /* jumped the 20 skipped */
				saw_discont = 1;
			}
			frames++;
		}
	}
	assert_true(saw_discont);
	c = opus_rx_counters(rx);
	assert_int_equal(c[OPUS_RX_C_LOST], 20);
	assert_int_equal(c[OPUS_RX_C_GAP_SKIPPED], 20);
	assert_int_equal(c[OPUS_RX_C_CONCEALED], 0);
	assert_int_equal(c[OPUS_RX_C_DISCONT], 1);

	/* a far jump: dropped once, the next in line resyncs */
	assert_int_equal(opus_rx_push(rx, 20000, 5, g_pkts[60].data, (size_t)g_pkts[60].len, now),
	        OPUS_RX_JUMP);
	assert_int_equal(
	        opus_rx_push(rx, 20001, 5 + FR, g_pkts[61].data, (size_t)g_pkts[61].len, now),
	        OPUS_RX_ACCEPTED);
	/* pushing again before pulling: the resync packet still waits outside the window */
	assert_int_equal(
	        opus_rx_push(rx, 20002, 5 + 2 * FR, g_pkts[62].data, (size_t)g_pkts[62].len, now),
	        OPUS_RX_BUSY);
	assert_int_equal(opus_rx_pull(rx, now, &f), 1);
	assert_int_equal(f.rtp_ts, 5 + FR);
	assert_true(f.flags & OPUS_RX_F_DISCONT);
	assert_int_equal(
	        opus_rx_push(rx, 20002, 5 + 2 * FR, g_pkts[62].data, (size_t)g_pkts[62].len, now),
	        OPUS_RX_ACCEPTED);
	assert_int_equal(opus_rx_pull(rx, now, &f), 1);
	assert_int_equal(f.rtp_ts, 5 + 2 * FR);
	assert_int_equal(f.flags, 0);
	assert_int_equal(opus_rx_counters(rx)[OPUS_RX_C_BUSY], 1);
	c = opus_rx_counters(rx);
	assert_int_equal(c[OPUS_RX_C_JUMP], 1);
	assert_int_equal(c[OPUS_RX_C_RESYNC], 1);
	assert_int_equal(c[OPUS_RX_C_LOST], 20); /* a resync loses nothing */
	/* old sequence numbers are now far behind: a jump, not a duplicate */
	assert_int_equal(
	        opus_rx_push(rx, 59, 59 * FR, g_pkts[59].data, (size_t)g_pkts[59].len, now),
	        OPUS_RX_JUMP);
	/* the new stream's duplicate */
	assert_int_equal(
	        opus_rx_push(rx, 20001, 5 + FR, g_pkts[61].data, (size_t)g_pkts[61].len, now),
	        OPUS_RX_DUPLICATE);
	opus_rx_free(rx);
}

/* A gap is declared lost by depth, or by time when nothing comes after it. */
static void
test_wait_timer_and_dtx(void **state)
{
	const struct mode *m = mode_of(state);
	struct opus_rx *rx = rx_new(m, NULL);
	struct opus_rx_frame f;
	const uint64_t *c;
	uint64_t pts0;

	assert_int_equal(opus_rx_push(rx, 1, 0, g_pkts[0].data, (size_t)g_pkts[0].len, 0), 0);
	assert_int_equal(opus_rx_pull(rx, 0, &f), 1);
	pts0 = f.pts;
	assert_int_equal(opus_rx_pull(rx, 0, &f), 0);
	/* 2 is missing; 3 waits */
	assert_int_equal(
	        opus_rx_push(rx, 3, 2 * FR, g_pkts[2].data, (size_t)g_pkts[2].len, 40000), 0);
	assert_int_equal(opus_rx_pull(rx, 40000, &f), 0);
	assert_int_equal(opus_rx_pull(rx, 99999, &f), 0);
	assert_int_equal(opus_rx_pull(rx, 100000, &f), 1); /* 60 ms after 3 arrived */
	assert_int_equal(f.pts, pts0 + FR);
	assert_true(f.flags & OPUS_RX_F_CONCEALED);
	assert_int_equal(opus_rx_pull(rx, 100000, &f), 1);
	assert_int_equal(f.pts, pts0 + 2 * FR);
	c = opus_rx_counters(rx);
	assert_int_equal(c[OPUS_RX_C_LOST], 1);
	assert_int_equal(c[OPUS_RX_C_CONCEALED] + c[OPUS_RX_C_FEC_RECOVERED], 1);

	/* DTX: sequence goes on, the timestamp jumps 3 frames: filled by PLC */
	assert_int_equal(
	        opus_rx_push(rx, 4, 6 * FR, g_pkts[3].data, (size_t)g_pkts[3].len, 120000), 0);
	for (uint64_t k = 3; k <= 6; k++) {
		assert_int_equal(opus_rx_pull(rx, 120000, &f), 1);
		assert_int_equal(f.pts, pts0 + k * FR);
		assert_int_equal(!!(f.flags & OPUS_RX_F_CONCEALED), k < 6);
	}
	assert_int_equal(opus_rx_pull(rx, 120000, &f), 0);
	c = opus_rx_counters(rx);
	assert_int_equal(c[OPUS_RX_C_TS_FILL], 3 * FR); /* 48 kHz samples at any rate */
	assert_int_equal(c[OPUS_RX_C_LOST], 1);
	/* a timestamp going back: new segment */
	assert_int_equal(opus_rx_push(rx, 5, 0, g_pkts[4].data, (size_t)g_pkts[4].len, 140000), 0);
	assert_int_equal(opus_rx_pull(rx, 140000, &f), 1);
	assert_true(f.flags & OPUS_RX_F_DISCONT);
	assert_int_equal(f.rtp_ts, 0);
	assert_int_equal(opus_rx_counters(rx)[OPUS_RX_C_DISCONT], 1);
	assert_int_equal(opus_rx_drain(rx, &f), 0);
	opus_rx_free(rx);
}

/* 10, 40 and 60 ms packets are cut into 20 ms frames; a lost one is concealed at its length. */
static void
test_packet_durations(void **state)
{
	const struct mode *m = mode_of(state);
	const size_t ss = mss(m), fr = mfr(m);
	static const int frames[] = {480, 1920, 2880};

	for (size_t c = 0; c < 3; c++) {
		int fs = frames[c], err;
		int fsm = fs / (int)(48000u / m->rate); /* samples per packet at m's rate */
		size_t np, nout = 0;
		struct pkt *pk = encode_with(fs, 1, 1, 24000, &np);
		OpusDecoder *dec = opus_decoder_create((opus_int32)m->rate, 1, &err);
		uint8_t *ref = calloc(np * (size_t)fsm, ss);
		uint8_t *out = calloc(np * (size_t)fsm + fr, ss);
		struct opus_rx *rx = rx_new(m, NULL);
		struct opus_rx_frame f;
		uint64_t pts0 = 0;
		const size_t lose = 20;

		for (size_t i = 0; i < np; i++) {
			if (i < lose && m->f32) {
				float *r = (float *)ref + i * (size_t)fsm;
				assert_int_equal(
				        opus_decode_float(dec, pk[i].data, pk[i].len, r, fsm, 0),
				        fsm);
				for (int k = 0; k < fsm; k++)
					r[k] = clamp1(r[k]);
			} else if (i < lose) {
				assert_int_equal(opus_decode(dec, pk[i].data, pk[i].len,
				                         (int16_t *)ref + i * (size_t)fsm, fsm, 0),
				        fsm);
			}
			if (i == lose)
				continue;
			assert_int_equal(opus_rx_push(rx, (uint16_t)i, (uint32_t)(i * (size_t)fs),
			                         pk[i].data, (size_t)pk[i].len, i * 1000),
			        OPUS_RX_ACCEPTED);
			while (opus_rx_pull(rx, i * 1000, &f)) {
				if (nout == 0)
					pts0 = f.pts;
				assert_int_equal(f.pts, pts0 + nout * FR);
				memcpy(out + nout * fr * ss, frame_pcm(m, &f), fr * ss);
				nout++;
			}
		}
		while (opus_rx_drain(rx, &f))
			nout++;
		/* every sample is accounted for: np packets of fs samples, in 20 ms frames */
		assert_int_equal(nout, (np * (size_t)fs + FR - 1) / FR);
		/* bit-exact until the loss */
		assert_memory_equal(out, ref, lose * (size_t)fsm * ss);
		const uint64_t *ctr = opus_rx_counters(rx);
		assert_int_equal(ctr[OPUS_RX_C_LOST], 1);
		assert_int_equal(ctr[OPUS_RX_C_CONCEALED] + ctr[OPUS_RX_C_FEC_RECOVERED], 1);
		assert_int_equal(ctr[OPUS_RX_C_DISCONT], 0);
		assert_int_equal(ctr[OPUS_RX_C_TS_FILL], 0);
		opus_rx_free(rx);
		opus_decoder_destroy(dec);
		free(ref);
		free(out);
		free(pk);
	}
}

static void
test_config(void **state)
{
	(void)state;
	struct opus_rx_config cfg;
	struct opus_rx *rx = NULL;

	opus_rx_config_default(&cfg);
	assert_int_equal(cfg.reorder_depth, 3);
	cfg.reorder_depth = OPUS_RX_WINDOW;
	assert_int_equal(opus_rx_create(&cfg, &rx), -EINVAL);
	cfg.reorder_depth = 0;
	assert_int_equal(opus_rx_create(&cfg, &rx), -EINVAL);
	opus_rx_config_default(&cfg);
	cfg.conceal_max_ms = 1001;
	assert_int_equal(opus_rx_create(&cfg, &rx), -EINVAL);
	assert_null(rx);
	opus_rx_config_default(&cfg);
	assert_int_equal(cfg.rate, 48000);
	assert_int_equal(cfg.f32, 0);
	static const uint32_t bad_rates[] = {0, 44100, 32000, 96000, 16001};
	for (size_t i = 0; i < sizeof(bad_rates) / sizeof(bad_rates[0]); i++) {
		cfg.rate = bad_rates[i];
		assert_int_equal(opus_rx_create(&cfg, &rx), -EINVAL);
	}
	cfg.rate = 16000;
	cfg.f32 = 2;
	assert_int_equal(opus_rx_create(&cfg, &rx), -EINVAL);
	assert_null(rx);
	/* every libopus rate, both formats: frames of rate / 50 samples, pts 960 apart */
	static const uint32_t rates[] = {8000, 12000, 16000, 24000, 48000};
	for (size_t i = 0; i < 5; i++)
		for (uint8_t f32 = 0; f32 < 2; f32++) {
			struct opus_rx_frame f;
			opus_rx_config_default(&cfg);
			cfg.rate = rates[i];
			cfg.f32 = f32;
			assert_int_equal(opus_rx_create(&cfg, &rx), 0);
			for (size_t k = 0; k < 3; k++)
				assert_int_equal(
				        opus_rx_push(rx, (uint16_t)k, (uint32_t)(k * FR),
				                g_pkts[k].data, (size_t)g_pkts[k].len, k * 20000),
				        OPUS_RX_ACCEPTED);
			for (size_t k = 0; k < 3; k++) {
				assert_int_equal(opus_rx_drain(rx, &f), 1);
				assert_int_equal(f.n, rates[i] / 50);
				assert_int_equal(f.rtp_ts, k * FR);
			}
			assert_int_equal(opus_rx_drain(rx, &f), 0);
			opus_rx_free(rx);
			rx = NULL;
		}
	assert_string_equal(opus_rx_counter_name(OPUS_RX_C_FEC_RECOVERED), "fec_recovered");
	assert_null(opus_rx_counter_name(OPUS_RX_C_MAX));
	for (unsigned i = 0; i < OPUS_RX_C_MAX; i++)
		assert_non_null(opus_rx_counter_help(i));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_config),
	        cmocka_unit_test(test_lossless),
	        cmocka_unit_test_prestate(test_lossless, (void *)&m16),
	        cmocka_unit_test(test_fec_detector),
	        cmocka_unit_test(test_loss_reorder_dup),
	        cmocka_unit_test_prestate(test_loss_reorder_dup, (void *)&m16),
	        cmocka_unit_test(test_bad_payloads),
	        cmocka_unit_test_prestate(test_bad_payloads, (void *)&m16),
	        cmocka_unit_test(test_packet_durations),
	        cmocka_unit_test_prestate(test_packet_durations, (void *)&m16),
	        cmocka_unit_test(test_long_gap_and_resync),
	        cmocka_unit_test(test_wait_timer_and_dtx),
	        cmocka_unit_test_prestate(test_wait_timer_and_dtx, (void *)&m16),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
