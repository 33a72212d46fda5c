/*
 * The media pipeline end to end: real espeak-ng speech, encoded by libopus
 * as WebRTC sends voice (VOIP, 20 ms, 32 kbit/s, in-band FEC), pushed as
 * tap messages into the pipeline's rings for several concurrent streams
 * (different sessions, two rings like two workers, some loss and
 * reordering), one poll per simulated 20 ms; the kernels are the C path.
 * Checked:
 *   - speech.start / speech.end per utterance within 100 ms of where the
 *     energy of the source says speech is (first and last 10 ms window
 *     within 40 dB of the utterance's loudest), none for a silent stream;
 *   - with a JSGF grammar of the commands, one transcript.final per
 *     utterance with the spoken text (WER printed and bounded), in its
 *     time span; a session with STT off: speech events, no transcripts;
 *   - the events map onto ctrlplane/event.h (pipeline_event.h);
 *   - VAD sensitivity per session, before the first packet and at run time;
 *   - close_session ends speech in progress and frees the stream, idle
 *     streams are freed, settings of a closed session are forgotten;
 *   - bad messages, too many streams, full queues, SSRC change, bad
 *     settings and configs: refused and counted;
 *   - the thread runner.
 * Everything is deterministic except the STT threads' timing (waited for
 * with a bound, never timed). valgrind: every test but test_transcripts
 * (RTC_TEST_FILTER, docs/media.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <opus/opus.h>

#include "kernels.h"
#include "media_speech.h"
#include "pipeline.h"
#include "pipeline_event.h"

#define RATE 48000u
#define FRAME 960u
#define MAXUTT 4
#define EDGE_MS 100.0

static const char *const g_cmds[] = {"turn on the light", "what time is it",
        "set a timer for five minutes", "open the door", "play music", "call mom",
        "close the window", "volume up"};
#define NCMDS (sizeof(g_cmds) / sizeof(g_cmds[0]))

static int16_t *g_speech[NCMDS];
static size_t g_speech_n[NCMDS];
static char g_jsgf[1024];
static const struct kernels_backend *g_kb;

struct pkt {
	uint8_t data[400];
	int len;
};

/* One simulated publisher: its 48 kHz source, utterances, packets and network. */
struct src {
	uint32_t session;
	uint8_t track;
	uint32_t ssrc;
	uint16_t seq0;
	uint32_t ts0;
	int16_t *pcm;
	size_t n;
	int nutt;
	int cmd[MAXUTT];
	double on_ms[MAXUTT], off_ms[MAXUTT]; /* energy edges, media time */
	struct pkt *pkts;
	size_t npkts;
	size_t *order;  /* packet sent at step t */
	uint8_t *lost;  /* by packet index */
	size_t stop_at; /* steps from which nothing is sent (SIZE_MAX: never) */
};

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static int
group_setup(void **state)
{
	char why[256];

	(void)state;
	for (size_t i = 0; i < NCMDS; i++)
		if (media_speech_make(g_cmds[i], RATE, &g_speech[i], &g_speech_n[i]) != 0)
			return -1;
	if (stt_jsgf_from_phrases(g_cmds, NCMDS, g_jsgf, sizeof(g_jsgf)) < 0)
		return -1;
	g_kb = kernels_backend_select(KERNELS_PREF_CPU, why, sizeof(why));
	return g_kb == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCMDS; i++)
		free(g_speech[i]);
	return 0;
}

/*
 * A source: @lead_ms of faint noise, then each command of @cmds followed
 * by @gap_ms of it; the speech scaled by @gain. Encoded at once.
 */
static void
src_build(struct src *s, uint32_t session, uint8_t track, uint32_t lead_ms, uint32_t gap_ms,
        const int *cmds, int ncmd, double gain, uint32_t seed)
{
	size_t total = (size_t)lead_ms * 48u, at;
	int err;
	OpusEncoder *enc;

	memset(s, 0, sizeof(*s));
	s->session = session;
	s->track = track;
	s->ssrc = 0x1000u + session;
	s->seq0 = (uint16_t)(65500u + session); /* wraps early */
	s->ts0 = 0xffff0000u + session * 7u;    /* wraps too */
	s->nutt = ncmd;
	s->stop_at = SIZE_MAX;
	for (int u = 0; u < ncmd; u++)
		total += g_speech_n[cmds[u]] + (size_t)gap_ms * 48u;
	total = (total + FRAME - 1) / FRAME * FRAME;
	s->pcm = malloc(total * sizeof(int16_t));
	assert_non_null(s->pcm);
	s->n = total;
	/* about -66 dBFS of white noise: a quiet room */
	for (size_t k = 0; k < total; k++)
		s->pcm[k] = (int16_t)((int)(lcg(&seed) % 61) - 30);
	at = (size_t)lead_ms * 48u;
	for (int u = 0; u < ncmd; u++) {
		const int16_t *sp = g_speech[cmds[u]];
		size_t n = g_speech_n[cmds[u]], w0 = SIZE_MAX, w1 = 0;
		double loud = 0.0;

		s->cmd[u] = cmds[u];
		for (size_t k = 0; k < n; k++)
			s->pcm[at + k] = (int16_t)lrint(s->pcm[at + k] + gain * sp[k]);
		/* where the energy says speech is: 10 ms windows within 40 dB of the loudest */
		for (int pass = 0; pass < 2; pass++)
			for (size_t w = 0; w + 480 <= n; w += 480) {
				double e = 0.0;
				for (size_t k = w; k < w + 480; k++)
					e += (double)sp[k] * sp[k];
				if (pass == 0) {
					loud = e > loud ? e : loud;
				} else if (e >= loud * 1e-4) {
					w0 = w0 == SIZE_MAX ? w : w0;
					w1 = w + 480;
				}
			}
		s->on_ms[u] = (double)(at + w0) / 48.0;
		s->off_ms[u] = (double)(at + w1) / 48.0;
		at += n + (size_t)gap_ms * 48u;
	}
	s->npkts = total / FRAME;
	s->pkts = calloc(s->npkts, sizeof(*s->pkts));
	s->order = malloc(s->npkts * sizeof(size_t));
	s->lost = calloc(s->npkts, 1);
	assert_true(s->pkts != NULL && s->order != NULL && s->lost != NULL);
	enc = opus_encoder_create(RATE, 1, OPUS_APPLICATION_VOIP, &err);
	assert_non_null(enc);
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
	for (size_t i = 0; i < s->npkts; i++) {
		s->pkts[i].len = opus_encode(
		        enc, s->pcm + i * FRAME, FRAME, s->pkts[i].data, sizeof(s->pkts[i].data));
		assert_true(s->pkts[i].len > 0);
		s->order[i] = i;
	}
	opus_encoder_destroy(enc);
}

/* Lose about @pct % of the packets (never the first), and swap @nswap adjacent pairs. */
static void
src_impair(struct src *s, unsigned pct, unsigned nswap, uint32_t seed)
{
	for (size_t i = 1; i < s->npkts; i++)
		s->lost[i] = lcg(&seed) % 100u < pct;
	for (unsigned k = 0; k < nswap; k++) {
		size_t i = 2 + lcg(&seed) % (s->npkts - 4);
		size_t t = s->order[i];
		s->order[i] = s->order[i + 1];
		s->order[i + 1] = t;
	}
}

static size_t
src_nlost(const struct src *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->npkts; i++)
		n += s->lost[i];
	return n;
}

static void
src_free(struct src *s)
{
	free(s->pcm);
	free(s->pkts);
	free(s->order);
	free(s->lost);
}

#define EVMAX 512

/* The simulation: one poll per 20 ms step; events collected as the control lcore would. */
struct drive {
	struct media_pipeline *p;
	struct src **src;
	int nsrc;
	uint64_t now_us;
	size_t step;
	void (*hook)(struct drive *d);
	void *arg;
	struct media_pipeline_event ev[EVMAX];
	size_t nev;
	size_t sent;
};

static void
drive_collect(struct drive *d)
{
	struct media_pipeline_event e;

	while (media_pipeline_poll_event(d->p, &e) == 1) {
		assert_true(d->nev < EVMAX);
		d->ev[d->nev++] = e;
	}
}

static void
drive_push(struct drive *d, struct src *s, size_t k, unsigned ring)
{
	struct media_tap_msg h;

	memset(&h, 0, sizeof(h));
	h.track = s->track;
	h.pt = 111;
	h.session = s->session;
	h.ssrc = s->ssrc;
	h.seq = (uint16_t)(s->seq0 + k);
	h.ts = s->ts0 + (uint32_t)(k * FRAME);
	h.arrival_us = d->now_us;
	assert_int_equal(media_tap_ring_push(media_pipeline_tap_ring(d->p, ring), &h,
	                         s->pkts[k].data, (size_t)s->pkts[k].len),
	        0);
	d->sent++;
}

/* @steps steps of 20 ms: each source sends its packet of the step, then one poll. */
static void
drive_run(struct drive *d, size_t steps)
{
	for (size_t t = 0; t < steps; t++, d->step++, d->now_us += 20000) {
		if (d->hook != NULL)
			d->hook(d);
		for (int i = 0; i < d->nsrc; i++) {
			struct src *s = d->src[i];
			if (d->step < s->npkts && d->step < s->stop_at &&
			        !s->lost[s->order[d->step]])
				drive_push(d, s, s->order[d->step], (unsigned)i % 2u);
		}
		media_pipeline_poll(d->p, d->now_us);
		drive_collect(d);
	}
}

static size_t
drive_steps(const struct drive *d)
{
	size_t m = 0;
	for (int i = 0; i < d->nsrc; i++)
		m = d->src[i]->npkts > m ? d->src[i]->npkts : m;
	return m;
}

static size_t
count_kind(const struct drive *d, uint32_t session, uint8_t kind)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nev; i++)
		n += d->ev[i].session == session && d->ev[i].kind == kind;
	return n;
}

/*
 * @s's speech events: exactly one start/end pair per utterance, in order,
 * each edge within EDGE_MS of the energy's. Returns the largest error (ms).
 */
static double
check_speech(const struct drive *d, const struct src *s)
{
	int u = 0, want = MEDIA_PIPE_EV_SPEECH_START;
	double worst = 0.0;

	for (size_t i = 0; i < d->nev; i++) {
		const struct media_pipeline_event *e = &d->ev[i];
		double ref, err;

		if (e->session != s->session || e->kind > MEDIA_PIPE_EV_SPEECH_END)
			continue;
		assert_int_equal(e->kind, want);
		assert_int_equal(e->track, s->track);
		assert_true(u < s->nutt);
		ref = want == MEDIA_PIPE_EV_SPEECH_START ? s->on_ms[u] : s->off_ms[u];
		err = (double)e->media_ms - ref;
		print_message("  session %u utt %d %s at %" PRIu64 " ms, energy %.0f ms (%+.0f)\n",
		        s->session, u, want == MEDIA_PIPE_EV_SPEECH_START ? "start" : "end  ",
		        e->media_ms, ref, err);
		assert_true(fabs(err) <= EDGE_MS);
		worst = fabs(err) > worst ? fabs(err) : worst;
		if (want == MEDIA_PIPE_EV_SPEECH_END)
			u++;
		want = want == MEDIA_PIPE_EV_SPEECH_START ? MEDIA_PIPE_EV_SPEECH_END
		                                          : MEDIA_PIPE_EV_SPEECH_START;
	}
	assert_int_equal(u, s->nutt);
	return worst;
}

/* The chain of a prestate: NULL the default (16 kHz float), &g_at48 the 48 kHz int16 one. */
static const int g_at48 = 1;

static struct media_pipeline *
pipe_new_at(uint8_t stt, uint32_t max_streams, int at48)
{
	struct media_pipeline_config cfg;
	struct media_pipeline *p;

	media_pipeline_config_default(&cfg);
	assert_int_equal(cfg.rx.rate, 16000);
	assert_int_equal(cfg.rx.f32, 1);
	if (at48) {
		/* libopus at 48 kHz int16, then the pcm and resample ops */
		cfg.rx.rate = 48000;
		cfg.rx.f32 = 0;
	}
	cfg.n_rings = 2;
	cfg.max_streams = max_streams;
	cfg.stt_enable = stt;
	cfg.stt.mode = STT_MODE_JSGF;
	cfg.stt.jsgf = g_jsgf;
	cfg.stt.workers = 2;
	/* every utterance of the test is queued at once when the machine is slow: none may drop */
	cfg.stt.queue_len = 64;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), 0);
	return p;
}

static struct media_pipeline *
pipe_new(uint8_t stt, uint32_t max_streams)
{
	return pipe_new_at(stt, max_streams, 0);
}

/* Word-level edit distance between two phrases (words separated by single spaces). */
static unsigned
word_errors(const char *ref, const char *hyp)
{
	char rb[256], hb[256], *rw[32], *hw[32], *save;
	unsigned nr = 0, nh = 0, dp[33][33];

	snprintf(rb, sizeof(rb), "%s", ref);
	snprintf(hb, sizeof(hb), "%s", hyp);
	for (char *w = strtok_r(rb, " ", &save); w != NULL && nr < 32;
	        w = strtok_r(NULL, " ", &save))
		rw[nr++] = w;
	for (char *w = strtok_r(hb, " ", &save); w != NULL && nh < 32;
	        w = strtok_r(NULL, " ", &save))
		hw[nh++] = w;
	for (unsigned i = 0; i <= nr; i++)
		for (unsigned j = 0; j <= nh; j++) {
			if (i == 0 || j == 0) {
				dp[i][j] = i + j;
				continue;
			}
			unsigned sub = dp[i - 1][j - 1] + (strcmp(rw[i - 1], hw[j - 1]) != 0);
			unsigned del = dp[i - 1][j] + 1, ins = dp[i][j - 1] + 1;
			dp[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return dp[nr][nh];
}

static unsigned
word_count(const char *s)
{
	unsigned n = 0;
	for (const char *c = s; *c; c++)
		n += (c == s || c[-1] == ' ') && *c != ' ';
	return n;
}

static size_t
count_finals(const struct drive *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nev; i++)
		n += d->ev[i].kind == MEDIA_PIPE_EV_TRANSCRIPT_FINAL;
	return n;
}

/* Poll (media time frozen) until @want finals arrived, at most 120 s of wall time. */
static void
wait_finals(struct drive *d, size_t want)
{
	struct timespec ts = {0, 10000000};

	for (int spins = 0; count_finals(d) < want && spins < 12000; spins++) {
		if (media_pipeline_poll(d->p, d->now_us) == 0)
			nanosleep(&ts, NULL);
		drive_collect(d);
	}
}

/*
 * Four sessions at once on two rings: A (3 commands, 3 % loss, 2 swaps),
 * B (2 commands, STT off by media_pipeline_set before its first packet,
 * 5 % loss), C (2 commands, lossless), D (silence). Speech edges, finals,
 * WER, counters, and the mapping onto struct event. Run with both chains:
 * Opus decoded at 16 kHz to float (log-mel, VAD: 2 ops per batch) and at
 * 48 kHz to int16 (pcm, resample, log-mel, VAD: 4).
 */
static void
test_transcripts(void **state)
{
	static struct drive d;
	struct src a, b, c, z;
	struct src *all[] = {&a, &b, &c, &z};
	const int ca[] = {0, 1, 2}, cb[] = {3, 4}, cc[] = {5, 6};
	struct media_pipeline_settings off;
	uint64_t st[MEDIA_PIPE_C_MAX];
	unsigned errs = 0, words = 0;
	double worst = 0.0;
	const int at48 = *state != NULL;
	const uint64_t ops = at48 ? 4 : 2;

	print_message("chain: Opus at %s\n", at48 ? "48 kHz int16, pcm, resample" : "16 kHz float");
	src_build(&a, 101, 0, 600, 1000, ca, 3, 1.0, 1);
	src_build(&b, 202, 1, 900, 1100, cb, 2, 1.0, 2);
	src_build(&c, 303, 0, 400, 1000, cc, 2, 1.0, 3);
	src_build(&z, 404, 0, 5000, 0, NULL, 0, 1.0, 4);
	src_impair(&a, 3, 2, 11);
	src_impair(&b, 5, 0, 12);
	memset(&d, 0, sizeof(d));
	d.p = pipe_new_at(1, 16, at48);
	d.src = all;
	d.nsrc = 4;
	d.now_us = 1000000;
	media_pipeline_settings_default(&off);
	off.stt = 0;
	assert_int_equal(media_pipeline_set(d.p, 202, &off), 0);
	drive_run(&d, drive_steps(&d) + 50);
	wait_finals(&d, (size_t)(a.nutt + c.nutt));

	print_message("lost: A %zu of %zu, B %zu of %zu\n", src_nlost(&a), a.npkts, src_nlost(&b),
	        b.npkts);
	for (int i = 0; i < 4; i++) {
		double w = check_speech(&d, all[i]);
		worst = w > worst ? w : worst;
	}
	print_message("speech edges: worst %.0f ms of %d edges (bound %.0f)\n", worst,
	        2 * (a.nutt + b.nutt + c.nutt), EDGE_MS);
	assert_int_equal(count_kind(&d, 404, MEDIA_PIPE_EV_SPEECH_START), 0);
	assert_int_equal(count_kind(&d, 202, MEDIA_PIPE_EV_TRANSCRIPT_FINAL), 0);
	assert_int_equal(count_kind(&d, 404, MEDIA_PIPE_EV_TRANSCRIPT_FINAL), 0);

	/* one final per utterance of A and C, in order, with its text and time span */
	for (int si = 0; si < 4; si += 2) {
		const struct src *s = all[si];
		int u = 0;
		for (size_t i = 0; i < d.nev; i++) {
			const struct media_pipeline_event *e = &d.ev[i];
			struct event ev;
			if (e->session != s->session || e->kind != MEDIA_PIPE_EV_TRANSCRIPT_FINAL)
				continue;
			assert_true(u < s->nutt);
			unsigned we = word_errors(g_cmds[s->cmd[u]], e->text);
			print_message("  session %u utt %d: \"%s\" (%s) %" PRIu64 "..%" PRIu64
			              " ms, energy %.0f..%.0f, %u errors\n",
			        s->session, u, e->text, g_cmds[s->cmd[u]], e->start_ms, e->end_ms,
			        s->on_ms[u], s->off_ms[u], we);
			errs += we;
			words += word_count(g_cmds[s->cmd[u]]);
			assert_int_equal(e->track, s->track);
			assert_int_equal(e->stt_status, STT_OK);
			assert_int_equal(e->confidence_milli, -1); /* JSGF: no posterior */
			/* the words lie in the utterance (pre-roll 200 ms, end found 300 ms late)
			 */
			assert_true((double)e->start_ms >= s->on_ms[u] - 300.0);
			assert_true((double)e->end_ms <= s->off_ms[u] + 400.0);
			assert_true(e->start_ms < e->end_ms);
			/* and it is a struct event */
			assert_int_equal(
			        media_pipeline_event_to_event(e, "sess-a", "room", &ev), 0);
			assert_int_equal(ev.type, EVENT_TRANSCRIPT_FINAL);
			assert_string_equal(ev.u.transcript.text, e->text);
			assert_int_equal(ev.u.transcript.start_ms, e->start_ms);
			assert_int_equal(ev.u.transcript.confidence_milli, 0);
			u++;
		}
		assert_int_equal(u, s->nutt);
	}
	print_message("WER (JSGF, through Opus with loss): %u/%u words = %.1f %%\n", errs, words,
	        100.0 * errs / words);
	assert_true(errs * 20 <= words); /* <= 5 % */

	/* speech events are struct events too */
	for (size_t i = 0; i < d.nev; i++) {
		struct event ev;
		if (d.ev[i].kind != MEDIA_PIPE_EV_SPEECH_START)
			continue;
		assert_int_equal(media_pipeline_event_to_event(&d.ev[i], "s1", "", &ev), 0);
		assert_int_equal(ev.type, EVENT_SPEECH_START);
		assert_int_equal(ev.u.speech.media_ms, d.ev[i].media_ms);
		assert_int_equal(ev.u.speech.track, d.ev[i].track);
	}

	media_pipeline_stats(d.p, st);
	for (unsigned k = 0; k < MEDIA_PIPE_C_MAX; k++)
		print_message("  %-20s %" PRIu64 "\n", media_pipeline_counter_name(k), st[k]);
	assert_int_equal(st[MEDIA_PIPE_C_PACKETS_IN], d.sent);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_CREATED], 4);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_LIVE], 4);
	assert_int_equal(st[MEDIA_PIPE_C_BAD_MSG] + st[MEDIA_PIPE_C_NO_STREAM] +
	                         st[MEDIA_PIPE_C_RING_FULL] + st[MEDIA_PIPE_C_EVENTS_LOST],
	        0);
	assert_int_equal(st[MEDIA_PIPE_C_KERNEL_CALLS], ops * st[MEDIA_PIPE_C_BATCHES]);
	assert_int_equal(st[MEDIA_PIPE_C_BATCH_MAX], 4); /* the four streams in one batch */
	assert_int_equal(st[MEDIA_PIPE_C_KERNEL_ERRORS], 0);
	assert_int_equal(st[MEDIA_PIPE_C_SPEECH_STARTS], (uint64_t)(a.nutt + b.nutt + c.nutt));
	assert_int_equal(st[MEDIA_PIPE_C_TRANSCRIPTS], (uint64_t)(a.nutt + c.nutt));
	assert_int_equal(st[MEDIA_PIPE_C_STT_QUEUED], (uint64_t)(a.nutt + c.nutt));
	assert_int_equal(st[MEDIA_PIPE_C_STT_DROPPED], 0);
	assert_int_equal(st[MEDIA_PIPE_C_EVENTS], d.nev);
	/* every frame of every stream, lost ones concealed: frames out = packets' duration */
	assert_true(st[MEDIA_PIPE_C_RX_LOST] >= src_nlost(&a) + src_nlost(&b) - 2);
	assert_true(st[MEDIA_PIPE_C_FRAMES] + 3 * 4 >= a.npkts + b.npkts + c.npkts + z.npkts);
	media_pipeline_destroy(d.p);
	for (int i = 0; i < 4; i++)
		src_free(all[i]);
}

/*
 * Two engines (cfg.stt_alt): the main one with the grammar of every command,
 * the second with a grammar of two phrases that are not said. Session A keeps
 * model 0, session C is switched to model 1 before its first packet: A's
 * commands come back as said, C's as one of the second grammar's phrases
 * (or nothing), never as said; both engines' work is counted.
 */
static void
test_stt_models(void **state)
{
	static struct drive d;
	static const char *const alt_phrases[] = {"yes", "no"};
	static char alt_jsgf[256];
	struct src a, c;
	struct src *all[] = {&a, &c};
	const int ca[] = {1, 3}, cc[] = {1, 3};
	struct media_pipeline_config cfg;
	struct media_pipeline_settings alt;
	uint64_t st[MEDIA_PIPE_C_MAX];
	int na = 0, nc = 0;

	(void)state;
	assert_true(stt_jsgf_from_phrases(alt_phrases, 2, alt_jsgf, sizeof(alt_jsgf)) > 0);
	media_pipeline_config_default(&cfg);
	cfg.n_rings = 2;
	cfg.max_streams = 4;
	cfg.stt.mode = STT_MODE_JSGF;
	cfg.stt.jsgf = g_jsgf;
	cfg.stt.queue_len = 64;
	cfg.stt_alt = cfg.stt;
	cfg.stt_alt.jsgf = alt_jsgf;
	/* the second engine is refused without the first, or when it is off */
	cfg.stt_alt_enable = 1;
	cfg.stt_enable = 0;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &d.p), -EINVAL);
	/* a second engine that cannot be made (17 threads: 1..16) after everything else,
	 * the first engine included, was: refused, and nothing kept (ASan's leak check in
	 * the sanitized build) */
	cfg.stt_enable = 1;
	cfg.stt_alt.workers = 17;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &d.p), -EINVAL);
	cfg.stt_alt.workers = cfg.stt.workers;
	cfg.stt_enable = 1;
	cfg.stt_alt_enable = 0;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &d.p), 0);
	media_pipeline_settings_default(&alt);
	alt.model = 1;
	assert_int_equal(media_pipeline_set(d.p, 303, &alt), -EINVAL); /* no second engine */
	media_pipeline_destroy(d.p);
	cfg.stt_alt_enable = 1;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &d.p), 0);
	alt.model = 2;
	assert_int_equal(media_pipeline_set(d.p, 303, &alt), -EINVAL);
	alt.model = 1;
	assert_int_equal(media_pipeline_set(d.p, 303, &alt), 0);

	src_build(&a, 101, 0, 600, 1000, ca, 2, 1.0, 1);
	src_build(&c, 303, 1, 700, 1000, cc, 2, 1.0, 3);
	d.src = all;
	d.nsrc = 2;
	d.now_us = 1000000;
	drive_run(&d, drive_steps(&d) + 50);
	wait_finals(&d, (size_t)(a.nutt + c.nutt));
	for (size_t i = 0; i < d.nev; i++) {
		const struct media_pipeline_event *e = &d.ev[i];
		if (e->kind != MEDIA_PIPE_EV_TRANSCRIPT_FINAL)
			continue;
		print_message("  session %u: \"%s\"\n", e->session, e->text);
		if (e->session == 101) {
			assert_true(na < a.nutt);
			assert_string_equal(e->text, g_cmds[ca[na++]]);
		} else {
			assert_int_equal(e->session, 303);
			assert_true(strcmp(e->text, "yes") == 0 || strcmp(e->text, "no") == 0 ||
			            e->text[0] == '\0');
			nc++;
		}
	}
	assert_int_equal(na, a.nutt);
	assert_int_equal(nc, c.nutt);
	media_pipeline_stats(d.p, st);
	assert_int_equal(st[MEDIA_PIPE_C_STT_QUEUED], (uint64_t)(a.nutt + c.nutt)); /* both engines */
	assert_int_equal(st[MEDIA_PIPE_C_TRANSCRIPTS], (uint64_t)(a.nutt + c.nutt));
	media_pipeline_destroy(d.p);
	src_free(&a);
	src_free(&c);
}

/* ---- VAD sensitivity, no STT ---- */

struct sens_arg {
	uint32_t session;
	size_t at_step;
	float margin;
};

static void
sens_hook(struct drive *d)
{
	const struct sens_arg *a = d->arg;
	struct media_pipeline_settings s;

	if (d->step != a->at_step)
		return;
	media_pipeline_settings_default(&s);
	s.vad_margin_db = a->margin;
	assert_int_equal(media_pipeline_set(d->p, a->session, &s), 0);
}

/*
 * The same quiet speech (-30 dB) in five sessions: default margin (10 dB):
 * every utterance; 40 dB from the start: nothing; 40 dB from between the
 * first and second utterance on: only the first; 40 dB set and the session
 * closed before its first packet: defaults again; start after 30 frames
 * (300 ms) instead of 3: every start 270 ms later.
 */
static void
test_vad_sensitivity(void **state)
{
	static struct drive d;
	struct src s[5];
	struct src *all[5];
	const int cmds[] = {0, 3};
	struct media_pipeline_settings deaf, slow;
	struct sens_arg arg;
	uint64_t st[MEDIA_PIPE_C_MAX];

	(void)state;
	for (int i = 0; i < 5; i++) {
		src_build(&s[i], 500u + (uint32_t)i, 0, 600, 1200, cmds, 2, 0.03, 7);
		all[i] = &s[i];
	}
	memset(&d, 0, sizeof(d));
	d.p = pipe_new(0, 8);
	d.src = all;
	d.nsrc = 5;
	media_pipeline_settings_default(&deaf);
	deaf.vad_margin_db = 40.0f;
	assert_int_equal(media_pipeline_set(d.p, 501, &deaf), 0);
	assert_int_equal(media_pipeline_set(d.p, 503, &deaf), 0);
	assert_int_equal(media_pipeline_close_session(d.p, 503), 0);
	media_pipeline_settings_default(&slow);
	slow.vad_start_frames = 30;
	assert_int_equal(media_pipeline_set(d.p, 504, &slow), 0);
	/* session 502 turns deaf half-way between its two utterances */
	arg.session = 502;
	arg.at_step = (size_t)((s[2].off_ms[0] + 600.0) / 20.0);
	arg.margin = 40.0f;
	d.arg = &arg;
	d.hook = sens_hook;
	drive_run(&d, drive_steps(&d) + 50);

	check_speech(&d, &s[0]);
	check_speech(&d, &s[3]);
	assert_int_equal(count_kind(&d, 501, MEDIA_PIPE_EV_SPEECH_START), 0);
	assert_int_equal(count_kind(&d, 502, MEDIA_PIPE_EV_SPEECH_START), 1);
	assert_int_equal(count_kind(&d, 502, MEDIA_PIPE_EV_SPEECH_END), 1);
	/* 504 starts 27 frames later than 500 (same audio, same floor) */
	size_t k0 = 0, k4 = 0;
	for (size_t i = 0; i < d.nev; i++) {
		const struct media_pipeline_event *e = &d.ev[i];
		if (e->kind != MEDIA_PIPE_EV_SPEECH_START)
			continue;
		if (e->session == 500)
			k0 = k0 == 0 ? e->media_ms + 1 : k0;
		if (e->session == 504)
			k4 = k4 == 0 ? e->media_ms + 1 : k4;
	}
	print_message("first start: 3 frames %zu ms, 30 frames %zu ms\n", k0 - 1, k4 - 1);
	assert_true(k0 > 0 && k4 > 0);
	assert_true(k4 >= k0 + 200); /* the run of 30 must hold: at least 270 ms more of loud */
	media_pipeline_stats(d.p, st);
	assert_int_equal(st[MEDIA_PIPE_C_COMMANDS], 5);
	assert_int_equal(st[MEDIA_PIPE_C_TRANSCRIPTS], 0);
	media_pipeline_destroy(d.p);
	for (int i = 0; i < 5; i++)
		src_free(&s[i]);
}

/* ---- close and idle ---- */

struct close_arg {
	struct src *x;
	size_t at_step;
	uint64_t closed_at_ms;
};

static void
close_hook(struct drive *d)
{
	struct close_arg *a = d->arg;

	if (d->step != a->at_step)
		return;
	assert_int_equal(media_pipeline_close_session(d->p, a->x->session), 0);
	a->x->stop_at = d->step; /* the session is gone: the worker stops tapping it */
	a->closed_at_ms = (uint64_t)d->step * 20u;
}

/*
 * X is closed in the middle of its second utterance: its speech ends at
 * once (speech.end at the end of the audio it had), the stream is freed.
 * Y stops sending after its first utterance: freed after the idle timeout
 * (1 s here) with nothing more. Z runs to its end and idles out too.
 */
static void
test_close_and_idle(void **state)
{
	static struct drive d;
	struct src x, y, z;
	struct src *all[] = {&x, &y, &z};
	const int cmds[] = {1, 4};
	struct media_pipeline_config cfg;
	struct close_arg arg;
	uint64_t st[MEDIA_PIPE_C_MAX];
	size_t ends = 0;

	(void)state;
	src_build(&x, 808, 0, 500, 1000, cmds, 2, 1.0, 21);
	src_build(&y, 909, 2, 500, 1000, cmds, 2, 1.0, 22);
	src_build(&z, 910, 0, 500, 1000, cmds, 1, 1.0, 23);
	y.stop_at = (size_t)((y.off_ms[0] + 500.0) / 20.0);
	memset(&d, 0, sizeof(d));
	media_pipeline_config_default(&cfg);
	cfg.n_rings = 2;
	cfg.max_streams = 4;
	cfg.stt_enable = 0;
	cfg.idle_timeout_ms = 1000;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &d.p), 0);
	d.src = all;
	d.nsrc = 3;
	arg.x = &x;
	arg.at_step = (size_t)((x.on_ms[1] + x.off_ms[1]) / 2.0 / 20.0);
	d.arg = &arg;
	d.hook = close_hook;
	drive_run(&d, y.stop_at + 10);
	media_pipeline_stats(d.p, st);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_LIVE], 3);
	drive_run(&d, 60); /* past the idle timeout of Y */
	media_pipeline_stats(d.p, st);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_IDLE], 1);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_LIVE], 2 - st[MEDIA_PIPE_C_STREAMS_CLOSED]);
	drive_run(&d, drive_steps(&d) + 80 - d.step);

	/* X: start, end, start, then an end made by the close */
	for (size_t i = 0; i < d.nev; i++) {
		const struct media_pipeline_event *e = &d.ev[i];
		if (e->session == 808 && e->kind == MEDIA_PIPE_EV_SPEECH_END) {
			ends++;
			if (ends == 2) {
				print_message("closed at %" PRIu64 " ms: speech.end at %" PRIu64
				              " ms (utterance %.0f..%.0f)\n",
				        arg.closed_at_ms, e->media_ms, x.on_ms[1], x.off_ms[1]);
				assert_true((double)e->media_ms > x.on_ms[1]);
				assert_true(e->media_ms <= arg.closed_at_ms);
				assert_true(e->media_ms + 100 >= arg.closed_at_ms);
			}
		}
	}
	assert_int_equal(ends, 2);
	assert_int_equal(count_kind(&d, 808, MEDIA_PIPE_EV_SPEECH_START), 2);
	check_speech(&d, &z);
	assert_int_equal(count_kind(&d, 909, MEDIA_PIPE_EV_SPEECH_START), 1);
	assert_int_equal(count_kind(&d, 909, MEDIA_PIPE_EV_SPEECH_END), 1);
	media_pipeline_stats(d.p, st);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_CLOSED], 1);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_IDLE], 2);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_LIVE], 0);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_CREATED], 3);
	media_pipeline_destroy(d.p);
	for (int i = 0; i < 3; i++)
		src_free(all[i]);
}

/* ---- bad input and limits ---- */

static void
test_bad_input(void **state)
{
	struct media_pipeline_config cfg;
	struct media_pipeline *p;
	struct media_pipeline_settings s;
	struct media_pipeline_event ev;
	struct media_tap_msg h;
	struct media_tap_ring *r;
	uint64_t st[MEDIA_PIPE_C_MAX];
	struct src a;
	const int cmds[] = {4};
	uint8_t big[MEDIA_TAP_PAYLOAD_MAX + 1] = {0};

	(void)state;
	/* configs */
	media_pipeline_config_default(&cfg);
	cfg.stt_enable = 0;
	assert_int_equal(media_pipeline_create(&cfg, NULL, &p), -EINVAL);
	cfg.n_rings = 0;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.n_rings = MEDIA_PIPE_RINGS_MAX + 1;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.n_rings = 1;
	cfg.ring_size = 1000; /* not a power of two */
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.ring_size = 64;
	cfg.max_streams = MEDIA_PIPE_STREAMS_MAX + 1;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.max_streams = 2;
	cfg.event_queue_len = 3;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.event_queue_len = 2;
	cfg.defaults.vad_margin_db = 0.5f;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	media_pipeline_settings_default(&cfg.defaults);
	/* the two chains only: 16 kHz float or 48 kHz int16 */
	cfg.rx.f32 = 0; /* 16 kHz int16 */
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.rx.rate = 48000;
	cfg.rx.f32 = 1;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.rx.rate = 8000;
	cfg.rx.f32 = 1;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.rx.rate = 16000;
	cfg.stt_enable = 1;
	cfg.stt.mode = STT_MODE_JSGF;
	cfg.stt.jsgf = NULL; /* the engine refuses: JSGF without a grammar */
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), -EINVAL);
	cfg.stt_enable = 0;
	cfg.cmd_queue_len = 2;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), 0);
	assert_null(media_pipeline_tap_ring(p, 1));
	r = media_pipeline_tap_ring(p, 0);
	assert_non_null(r);

	/* settings: refused synchronously when out of range; a full queue says so */
	media_pipeline_settings_default(&s);
	s.vad_margin_db = NAN;
	assert_int_equal(media_pipeline_set(p, 1, &s), -EINVAL);
	s.vad_margin_db = 41.0f;
	assert_int_equal(media_pipeline_set(p, 1, &s), -EINVAL);
	media_pipeline_settings_default(&s);
	s.vad_end_frames = 0;
	assert_int_equal(media_pipeline_set(p, 1, &s), -EINVAL);
	s.vad_end_frames = 30;
	s.stt = 2;
	assert_int_equal(media_pipeline_set(p, 1, &s), -EINVAL);
	assert_int_equal(media_pipeline_set(p, 1, NULL), -EINVAL);
	s.stt = 1;
	assert_int_equal(media_pipeline_set(p, 1, &s), 0);
	assert_int_equal(media_pipeline_close_session(p, 1), 0);
	assert_int_equal(media_pipeline_set(p, 2, &s), -ENOBUFS);
	assert_int_equal(media_pipeline_close_session(p, 2), -ENOBUFS);
	assert_int_equal(media_pipeline_poll(p, 0), 2);
	assert_int_equal(media_pipeline_poll(p, 0), 0);

	/* messages: a wrong version, a payload too long (the ring refuses it) */
	memset(&h, 0, sizeof(h));
	h.session = 7;
	assert_int_equal(media_tap_ring_push(r, &h, big, 10), 0);
	r->slots[0].version = 9;
	assert_int_equal(media_tap_ring_push(r, &h, big, sizeof(big)), -EMSGSIZE);
	/* three sessions, two stream slots */
	src_build(&a, 1, 0, 100, 100, cmds, 1, 1.0, 5);
	for (uint32_t k = 0; k < 3; k++) {
		h.session = 10 + k;
		h.ssrc = 1;
		h.seq = 0;
		h.ts = 0;
		assert_int_equal(
		        media_tap_ring_push(r, &h, a.pkts[0].data, (size_t)a.pkts[0].len), 0);
	}
	/* a new SSRC on session 10: the stream starts over */
	h.session = 10;
	h.ssrc = 2;
	assert_int_equal(media_tap_ring_push(r, &h, a.pkts[0].data, (size_t)a.pkts[0].len), 0);
	media_pipeline_poll(p, 1000);
	media_pipeline_stats(p, st);
	assert_int_equal(st[MEDIA_PIPE_C_PACKETS_IN], 5);
	assert_int_equal(st[MEDIA_PIPE_C_BAD_MSG], 1);
	assert_int_equal(st[MEDIA_PIPE_C_RING_TOO_LONG], 1);
	assert_int_equal(st[MEDIA_PIPE_C_NO_STREAM], 1);
	assert_int_equal(st[MEDIA_PIPE_C_SSRC_CHANGES], 1);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_CREATED], 3);
	assert_int_equal(st[MEDIA_PIPE_C_STREAMS_LIVE], 2);
	/* 11 and the new 10; the old 10's frame went with it */
	assert_int_equal(st[MEDIA_PIPE_C_FRAMES], 2);
	assert_int_equal(st[MEDIA_PIPE_C_COMMANDS], 2);
	media_pipeline_destroy(p);
	src_free(&a);

	/* an event queue of 2: speech of three streams loses events, each counted */
	media_pipeline_config_default(&cfg);
	cfg.stt_enable = 0;
	cfg.event_queue_len = 2;
	cfg.n_rings = 2;
	assert_int_equal(media_pipeline_create(&cfg, g_kb, &p), 0);
	{
		static struct drive d;
		struct src x[3];
		struct src *all[] = {&x[0], &x[1], &x[2]};
		for (int i = 0; i < 3; i++)
			src_build(&x[i], 20u + (uint32_t)i, 0, 200, 600, cmds, 1, 1.0, 9);
		memset(&d, 0, sizeof(d));
		d.p = p;
		d.src = all;
		d.nsrc = 3;
		/* run without collecting: the control lcore is asleep */
		for (size_t t = 0; t < drive_steps(&d) + 30; t++, d.step++, d.now_us += 20000) {
			for (int i = 0; i < 3; i++)
				if (d.step < x[i].npkts)
					drive_push(&d, &x[i], d.step, (unsigned)i % 2u);
			media_pipeline_poll(p, d.now_us);
		}
		media_pipeline_stats(p, st);
		assert_int_equal(st[MEDIA_PIPE_C_SPEECH_STARTS], 3);
		assert_int_equal(st[MEDIA_PIPE_C_SPEECH_ENDS], 3);
		assert_int_equal(st[MEDIA_PIPE_C_EVENTS], 2);
		assert_int_equal(st[MEDIA_PIPE_C_EVENTS_LOST], 4);
		assert_int_equal(media_pipeline_poll_event(p, &ev), 1);
		assert_int_equal(ev.kind, MEDIA_PIPE_EV_SPEECH_START);
		assert_int_equal(media_pipeline_poll_event(p, &ev), 1);
		assert_int_equal(media_pipeline_poll_event(p, &ev), 0);
		for (int i = 0; i < 3; i++)
			src_free(&x[i]);
	}
	media_pipeline_destroy(p);

	/* counter names: all there, all different */
	for (unsigned i = 0; i < MEDIA_PIPE_C_MAX; i++) {
		assert_non_null(media_pipeline_counter_name(i));
		assert_non_null(media_pipeline_counter_help(i));
		assert_true(media_pipeline_counter_kind(i) == 'c' ||
		            media_pipeline_counter_kind(i) == 'g');
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(
			        media_pipeline_counter_name(i), media_pipeline_counter_name(j));
	}
	assert_null(media_pipeline_counter_name(MEDIA_PIPE_C_MAX));
}

/* ---- the thread runner ---- */

/*
 * The pipeline on its own thread (real clock), this thread as both a
 * worker (pushing two streams' packets, faster than real time) and the
 * control lcore (draining events). Speech edges are media time, so they
 * are the same as in a simulated run.
 */
static void
test_thread_runner(void **state)
{
	static struct drive d;
	struct src x, y;
	struct src *all[] = {&x, &y};
	const int cx[] = {2}, cy[] = {5, 6};
	struct timespec ts = {0, 2000000};
	uint64_t st[MEDIA_PIPE_C_MAX];

	(void)state;
	src_build(&x, 31, 0, 500, 800, cx, 1, 1.0, 31);
	src_build(&y, 32, 0, 300, 900, cy, 2, 1.0, 32);
	memset(&d, 0, sizeof(d));
	d.p = pipe_new(0, 8);
	d.src = all;
	d.nsrc = 2;
	assert_int_equal(media_pipeline_thread_start(d.p, 0), 0);
	assert_int_equal(media_pipeline_thread_start(d.p, 0), -EBUSY);
	for (size_t k = 0; k < drive_steps(&d); k++) {
		for (int i = 0; i < 2; i++)
			if (k < all[i]->npkts)
				while (media_tap_ring_push(
				               media_pipeline_tap_ring(d.p, (unsigned)i),
				               &(struct media_tap_msg){.session = all[i]->session,
				                       .ssrc = 5,
				                       .seq = (uint16_t)k,
				                       .ts = (uint32_t)(k * FRAME)},
				               all[i]->pkts[k].data,
				               (size_t)all[i]->pkts[k].len) != 0)
					nanosleep(&ts, NULL); /* ring full: the worker would drop;
					                         we wait */
		drive_collect(&d);
	}
	/* wait (bounded) until both streams' frames went through */
	for (int spins = 0; spins < 5000; spins++) {
		media_pipeline_stats(d.p, st);
		if (st[MEDIA_PIPE_C_FRAMES] >= x.npkts + y.npkts - 8 &&
		        st[MEDIA_PIPE_C_SPEECH_ENDS] >= 3)
			break;
		nanosleep(&ts, NULL);
		drive_collect(&d);
	}
	media_pipeline_thread_stop(d.p);
	media_pipeline_thread_stop(d.p); /* no-op */
	drive_collect(&d);
	check_speech(&d, &x);
	check_speech(&d, &y);
	media_pipeline_stats(d.p, st);
	print_message("thread: %" PRIu64 " frames in %" PRIu64 " ticks, %" PRIu64
	              " idle sleeps, %" PRIu64 " ring full\n",
	        st[MEDIA_PIPE_C_FRAMES], st[MEDIA_PIPE_C_TICKS], st[MEDIA_PIPE_C_IDLE_SLEEPS],
	        st[MEDIA_PIPE_C_RING_FULL]);
	assert_int_equal(st[MEDIA_PIPE_C_RING_FULL], 0);
	assert_int_equal(st[MEDIA_PIPE_C_PACKETS_IN], x.npkts + y.npkts);
	media_pipeline_destroy(d.p);
	src_free(&x);
	src_free(&y);
}

/*
 * RTC_PIPELINE_SEEDS=dir: write seeds for tests/fuzz/fuzz_media_pipeline.c
 * (its record format): two sessions speaking, packets interleaved one poll
 * per 20 ms; the same with one loss and a swap, with settings, and with a
 * close in the middle. Without the variable: nothing (a skip).
 */
static void
seed_write(const char *dir, const char *name, const uint8_t *buf, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static void
test_write_seeds(void **state)
{
	const char *dir = getenv("RTC_PIPELINE_SEEDS");
	const int cmds[] = {4};
	static uint8_t buf[65536];
	struct src x[2];

	(void)state;
	if (dir == NULL)
		skip();
	src_build(&x[0], 1, 0, 300, 500, cmds, 1, 1.0, 41);
	src_build(&x[1], 2, 1, 200, 600, cmds, 1, 1.0, 42);
	for (int variant = 0; variant < 4; variant++) {
		size_t n = 0;
		uint8_t gap[2] = {1, 1};                     /* packets since the last one sent */
		buf[n++] = 0x05 | (variant == 3 ? 0x10 : 0); /* 2 streams, 2 rings */
		for (size_t k = 0; k < x[0].npkts; k++) {
			for (int i = 0; i < 2; i++) {
				const struct pkt *pk = &x[i].pkts[k];
				uint8_t op =
				        (uint8_t)(i == 1 ? 0x0a
				                         : 0x00); /* 20 ms + poll once per step */
				if (variant == 1 && i == 0 && (k == 20 || k == 31 || k == 32)) {
					gap[i]++; /* lost: the next one's deltas skip it */
					continue;
				}
				if (variant == 2 && i == 1 && k == 5) {
					uint8_t set[6] = {
					        0x40, (uint8_t)(x[i].session - 1), 20, 1, 0x23, 0};
					memcpy(buf + n, set, 6);
					n += 6;
				}
				if (variant == 3 && i == 0 && k == x[0].npkts / 2) {
					uint8_t cl[6] = {0x50, 0, 0, 0, 0, 0};
					memcpy(buf + n, cl, 6);
					n += 6;
					break;
				}
				assert_true(
				        pk->len <= 255 && n + 6 + (size_t)pk->len < sizeof(buf));
				buf[n++] = op;
				buf[n++] = (uint8_t)((x[i].session - 1) | (x[i].track << 3));
				buf[n++] = gap[i];
				buf[n++] = (uint8_t)(8 * gap[i]); /* 8 * 120 = 960 */
				gap[i] = 1;
				buf[n++] = 0;
				buf[n++] = (uint8_t)pk->len;
				memcpy(buf + n, pk->data, (size_t)pk->len);
				n += (size_t)pk->len;
			}
		}
		char name[32];
		snprintf(name, sizeof(name), "two-sessions-%d", variant);
		seed_write(dir, name, buf, n);
	}
	src_free(&x[0]);
	src_free(&x[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_vad_sensitivity),
	        cmocka_unit_test(test_close_and_idle),
	        cmocka_unit_test(test_thread_runner),
	        cmocka_unit_test(test_transcripts),
	        cmocka_unit_test(test_stt_models),
	        cmocka_unit_test_prestate(test_transcripts, (void *)&g_at48),
	        cmocka_unit_test(test_write_seeds),
	};
	/* RTC_TEST_FILTER=test_close_and_idle valgrind ...: one test (cmocka's glob) */
	if (getenv("RTC_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("RTC_TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
