/*
 * The media pipeline's lifecycle, streams, per-session settings, commands,
 * events and counters; see pipeline.h. The poll itself is pipeline_tick.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

static const char *const ctr_names[MEDIA_PIPE_C_MAX] = {
#define MEDIA_PIPE_CTR_NAME(sym, name, kind, help) [MEDIA_PIPE_C_##sym] = name,
        MEDIA_PIPE_COUNTERS(MEDIA_PIPE_CTR_NAME)
#undef MEDIA_PIPE_CTR_NAME
};

static const char *const ctr_helps[MEDIA_PIPE_C_MAX] = {
#define MEDIA_PIPE_CTR_HELP(sym, name, kind, help) [MEDIA_PIPE_C_##sym] = help,
        MEDIA_PIPE_COUNTERS(MEDIA_PIPE_CTR_HELP)
#undef MEDIA_PIPE_CTR_HELP
};

static const char ctr_kinds[MEDIA_PIPE_C_MAX] = {
#define MEDIA_PIPE_CTR_KIND(sym, name, kind, help) [MEDIA_PIPE_C_##sym] = kind,
        MEDIA_PIPE_COUNTERS(MEDIA_PIPE_CTR_KIND)
#undef MEDIA_PIPE_CTR_KIND
};

const char *
media_pipeline_counter_name(unsigned c)
{
	return c < MEDIA_PIPE_C_MAX ? ctr_names[c] : NULL;
}

const char *
media_pipeline_counter_help(unsigned c)
{
	return c < MEDIA_PIPE_C_MAX ? ctr_helps[c] : NULL;
}

char
media_pipeline_counter_kind(unsigned c)
{
	return c < MEDIA_PIPE_C_MAX ? ctr_kinds[c] : 0;
}

void
media_pipeline_settings_default(struct media_pipeline_settings *s)
{
	struct kernels_vad_params vp;

	kernels_vad_params_default(&vp);
	memset(s, 0, sizeof(*s));
	s->stt = 1;
	s->vad_margin_db = vp.margin_db;
	s->vad_start_frames = vp.start_frames;
	s->vad_end_frames = vp.end_frames;
}

int
media_pipeline_settings_check(const struct media_pipeline_settings *s)
{
	/* the VAD's own parameter range (kernels.h); NaN fails both comparisons */
	if (s == NULL || s->stt > 1 || s->model > 1 || !(s->vad_margin_db >= KERNELS_VAD_MARGIN_MIN) ||
	        !(s->vad_margin_db <= KERNELS_VAD_MARGIN_MAX) || s->vad_start_frames < 1 ||
	        s->vad_start_frames > KERNELS_VAD_RUN_MAX || s->vad_end_frames < 1 ||
	        s->vad_end_frames > KERNELS_VAD_RUN_MAX)
		return -EINVAL;
	return 0;
}

void
media_pipeline_config_default(struct media_pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->n_rings = 1;
	cfg->ring_size = 2048;
	cfg->ring_budget = 1024;
	cfg->max_streams = 256;
	cfg->max_sessions = 0; /* = max_streams */
	cfg->idle_timeout_ms = 5000;
	cfg->event_queue_len = 1024;
	cfg->cmd_queue_len = 256;
	cfg->stt_poll_max = 64;
	media_pipeline_settings_default(&cfg->defaults);
	opus_rx_config_default(&cfg->rx);
	/* libopus decodes to 16 kHz itself: no 48 kHz decode, no pcm and resample ops */
	cfg->rx.rate = MP_RATE_16K;
	cfg->rx.f32 = 1;
	media_utt_config_default(&cfg->utt);
	cfg->stt_enable = 1;
	cfg->stt_backend = NULL;
	stt_config_default(&cfg->stt);
}

static int
pow2(uint32_t v)
{
	return v >= 2 && (v & (v - 1)) == 0;
}

static int
config_check(const struct media_pipeline_config *c)
{
	if (c->n_rings < 1 || c->n_rings > MEDIA_PIPE_RINGS_MAX || c->ring_budget < 1 ||
	        c->max_streams < 1 || c->max_streams > MEDIA_PIPE_STREAMS_MAX ||
	        c->max_sessions > MEDIA_KEYMAP_MAX || c->idle_timeout_ms < 1 ||
	        c->idle_timeout_ms > 3600000u || !pow2(c->event_queue_len) ||
	        c->event_queue_len > MEDIA_SPSC_MAX || !pow2(c->cmd_queue_len) ||
	        c->cmd_queue_len > MEDIA_SPSC_MAX || c->stt_poll_max < 1 || c->stt_enable > 1 ||
	        c->stt_alt_enable > 1 || (c->stt_alt_enable && !c->stt_enable))
		return -EINVAL;
	if (c->defaults.model == 1 && !c->stt_alt_enable)
		return -EINVAL;
	/* the two chains the tick knows */
	if (!(c->rx.rate == MP_RATE_16K && c->rx.f32 == 1) &&
	        !(c->rx.rate == OPUS_RX_RATE && c->rx.f32 == 0))
		return -EINVAL;
	return media_pipeline_settings_check(&c->defaults);
}

/*
 * Everything a pipeline holds, freed (for a half-made one too: @p is calloc'd
 * and every free below takes what was never made).
 */
static void
mp_free(struct media_pipeline *p)
{
	stt_engine_destroy(p->stt);
	stt_engine_destroy(p->stt_alt);
	gpu_queue_free(p->q);
	for (uint32_t i = 0; i < p->cfg.n_rings; i++)
		media_tap_ring_free(p->rings[i]);
	media_spsc_free(p->evq);
	media_spsc_free(p->cmdq);
	media_keymap_fini(&p->sessmap);
	media_keymap_fini(&p->smap);
	free(p->sess_free);
	free(p->sess);
	free(p->row_pos);
	free(p->row_stream);
	free(p->row_stamp);
	free(p->row_owner);
	free(p->act);
	free(p->live);
	free(p->free_ids);
	free(p->streams);
	free(p);
}

int
media_pipeline_create(const struct media_pipeline_config *cfg, const struct kernels_backend *kb,
        struct media_pipeline **out)
{
	struct media_pipeline *p;
	const struct gpu_queue_pcm_rows *h;
	uint32_t nmax, nsess;
	int rc;

	if (cfg == NULL || kb == NULL || out == NULL || config_check(cfg) != 0)
		return -EINVAL;
	if (cfg->stt_enable && cfg->utt.max_ms > cfg->stt.max_utt_ms)
		return -EINVAL;
	if (cfg->stt_alt_enable && cfg->utt.max_ms > cfg->stt_alt.max_utt_ms)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->cfg = *cfg;
	if (p->cfg.max_sessions == 0)
		p->cfg.max_sessions = p->cfg.max_streams;
	/* pointers into the caller's memory are not kept (the STT engine copies its grammar) */
	p->cfg.stt.jsgf = NULL;
	p->cfg.stt.model_dir = p->cfg.stt.dict = p->cfg.stt.lm = NULL;
	p->cfg.stt_alt.jsgf = NULL;
	p->cfg.stt_alt.model_dir = p->cfg.stt_alt.dict = p->cfg.stt_alt.lm = NULL;
	p->kb = kb;
	p->at16k = p->cfg.rx.rate == MP_RATE_16K;
	nmax = p->cfg.max_streams;
	nsess = p->cfg.max_sessions;

	rc = -ENOMEM;
	/* C11 aligned_alloc: the size a multiple of the alignment (ASan holds us to it) */
	p->streams = aligned_alloc(64, ((size_t)nmax * sizeof(*p->streams) + 63) & ~(size_t)63);
	p->free_ids = malloc(nmax * sizeof(uint32_t));
	p->live = malloc(nmax * sizeof(uint32_t));
	p->act = malloc(nmax * sizeof(uint32_t));
	p->row_owner = malloc(nmax * sizeof(int32_t));
	p->row_stamp = calloc(nmax, sizeof(uint32_t));
	p->row_stream = malloc(nmax * sizeof(uint32_t));
	p->row_pos = malloc(nmax * sizeof(uint64_t));
	p->sess = malloc(nsess * sizeof(*p->sess));
	p->sess_free = malloc(nsess * sizeof(uint32_t));
	if (p->streams == NULL || p->free_ids == NULL || p->live == NULL || p->act == NULL ||
	        p->row_owner == NULL || p->row_stamp == NULL || p->row_stream == NULL ||
	        p->row_pos == NULL || p->sess == NULL || p->sess_free == NULL)
		goto err;
	memset(p->streams, 0, (size_t)nmax * sizeof(*p->streams));
	for (uint32_t i = 0; i < nmax; i++) {
		p->free_ids[i] = nmax - 1 - i; /* pop gives 0 first */
		p->row_owner[i] = -1;
	}
	p->nfree = nmax;
	for (uint32_t i = 0; i < nsess; i++)
		p->sess_free[i] = nsess - 1 - i;
	p->nsess_free = nsess;
	if ((rc = media_keymap_init(&p->smap, nmax)) != 0)
		goto err;
	if ((rc = media_keymap_init(&p->sessmap, nsess)) != 0)
		goto err;
	if ((rc = media_spsc_create(cfg->cmd_queue_len, sizeof(struct mp_cmd), &p->cmdq)) != 0)
		goto err;
	if ((rc = media_spsc_create(
	             cfg->event_queue_len, sizeof(struct media_pipeline_event), &p->evq)) != 0)
		goto err;
	for (uint32_t i = 0; i < cfg->n_rings; i++)
		if ((rc = media_tap_ring_create(cfg->ring_size, &p->rings[i])) != 0)
			goto err;
	if ((rc = gpu_queue_create(kb, nmax, OPUS_RX_FRAME, &p->q)) != 0)
		goto err;
	h = gpu_queue_pcm_host(p->q);
	for (uint32_t i = 0; i < nmax; i++) {
		h->channels[i] = 1;
		h->gain[i] = 1.0f;
	}
	if (cfg->stt_enable) {
		const struct stt_backend *be =
		        cfg->stt_backend != NULL ? cfg->stt_backend : &stt_pocketsphinx_backend;
		if ((rc = stt_engine_create(be, &cfg->stt, &p->stt)) != 0)
			goto err;
		if (cfg->stt_alt_enable && (rc = stt_engine_create(be, &cfg->stt_alt, &p->stt_alt)) != 0)
			goto err;
	}
	atomic_init(&p->thread_stop, 0);
	*out = p;
	return 0;

err:
	mp_free(p);
	return rc;
}

void
media_pipeline_destroy(struct media_pipeline *p)
{
	if (p == NULL)
		return;
	media_pipeline_thread_stop(p);
	while (p->nlive > 0)
		mp_stream_end(p, &p->streams[p->live[p->nlive - 1]], MP_END_DESTROY);
	mp_free(p);
}

struct media_tap_ring *
media_pipeline_tap_ring(struct media_pipeline *p, unsigned i)
{
	return i < p->cfg.n_rings ? p->rings[i] : NULL;
}

/* ---- events ---- */

void
mp_event_push(struct media_pipeline *p, const struct media_pipeline_event *ev)
{
	if (media_spsc_push(p->evq, ev) == 0)
		mp_ctr_add(p, MEDIA_PIPE_C_EVENTS, 1);
	else
		mp_ctr_add(p, MEDIA_PIPE_C_EVENTS_LOST, 1);
}

/* A speech edge of @s at 16 kHz position @pos16 (media time pos16 / 16 ms). */
void
mp_speech_event(struct media_pipeline *p, const struct mp_stream *s, uint8_t kind, uint64_t pos16)
{
	struct media_pipeline_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.track = s->track;
	ev.session = s->session;
	ev.media_ms = pos16 / (MEDIA_UTT_RATE / 1000u);
	ev.confidence_milli = -1;
	mp_ctr_add(p,
	        kind == MEDIA_PIPE_EV_SPEECH_START ? MEDIA_PIPE_C_SPEECH_STARTS
	                                           : MEDIA_PIPE_C_SPEECH_ENDS,
	        1);
	mp_event_push(p, &ev);
}

int
media_pipeline_poll_event(struct media_pipeline *p, struct media_pipeline_event *ev)
{
	return media_spsc_pop(p->evq, ev);
}

void
media_pipeline_stats(const struct media_pipeline *p, uint64_t out[MEDIA_PIPE_C_MAX])
{
	struct media_tap_ring_stats st;

	for (unsigned c = 0; c < MEDIA_PIPE_C_MAX; c++)
		out[c] = mp_ctr_get(p, c);
	out[MEDIA_PIPE_C_RING_FULL] = 0;
	out[MEDIA_PIPE_C_RING_TOO_LONG] = 0;
	for (uint32_t i = 0; i < p->cfg.n_rings; i++) {
		media_tap_ring_stats(p->rings[i], &st);
		out[MEDIA_PIPE_C_RING_FULL] += st.drops[MEDIA_TAP_DROP_FULL];
		out[MEDIA_PIPE_C_RING_TOO_LONG] += st.drops[MEDIA_TAP_DROP_TOO_LONG];
	}
}

/* ---- settings ---- */

static const struct media_pipeline_settings *
session_settings(const struct media_pipeline *p, uint32_t session)
{
	uint32_t i = media_keymap_get(&p->sessmap, session);

	return i == MEDIA_KEYMAP_NONE ? &p->cfg.defaults : &p->sess[i].set;
}

/* The VAD parameters of @s's settings, where the VAD reads them. */
static void
stream_vad_params(struct media_pipeline *p, struct mp_stream *s)
{
	s->vp.margin_db = s->set.vad_margin_db;
	s->vp.start_frames = s->set.vad_start_frames;
	s->vp.end_frames = s->set.vad_end_frames;
	if (s->row >= 0)
		gpu_queue_ai_host(p->q)->vad_params[s->row] = s->vp;
}

/* Apply @set to @s: VAD parameters at once; STT on: a cutter from the next frame on. */
static void
stream_apply(
        struct media_pipeline *p, struct mp_stream *s, const struct media_pipeline_settings *set)
{
	struct stt_engine *eng = set->model == 1 ? p->stt_alt : p->stt;
	int model_changed = s->set.model != set->model;

	s->set = *set;
	stream_vad_params(p, s);
	if (s->utt != NULL && (!set->stt || model_changed)) {
		media_utt_free(s->utt); /* an utterance being cut is abandoned */
		s->utt = NULL;
	}
	if (set->stt && s->utt == NULL && eng != NULL) {
		/* the cutter starts with the next frame and the next speech start */
		if (media_utt_create(&p->cfg.utt, eng, s->key, &s->utt) != 0)
			s->utt = NULL; /* out of memory: no transcripts for it (counted below) */
		if (s->utt == NULL)
			mp_ctr_add(p, MEDIA_PIPE_C_STREAM_NOMEM, 1);
	}
}

static void
cmd_set(struct media_pipeline *p, const struct mp_cmd *c)
{
	uint32_t i = media_keymap_get(&p->sessmap, c->session);

	if (i == MEDIA_KEYMAP_NONE) {
		if (p->nsess_free == 0) {
			mp_ctr_add(p, MEDIA_PIPE_C_SETTINGS_FULL, 1);
			return;
		}
		i = p->sess_free[--p->nsess_free];
		media_keymap_put(&p->sessmap, c->session, i);
		p->sess[i].session = c->session;
	}
	p->sess[i].set = c->set;
	for (uint32_t k = 0; k < p->nlive; k++) {
		struct mp_stream *s = &p->streams[p->live[k]];
		if (s->session == c->session)
			stream_apply(p, s, &c->set);
	}
}

static void
cmd_close(struct media_pipeline *p, const struct mp_cmd *c)
{
	uint32_t i = media_keymap_get(&p->sessmap, c->session);

	if (i != MEDIA_KEYMAP_NONE) {
		media_keymap_del(&p->sessmap, c->session);
		p->sess_free[p->nsess_free++] = i;
	}
	/* backwards: ending a stream moves the last live one into its place */
	for (uint32_t k = p->nlive; k-- > 0;) {
		struct mp_stream *s = &p->streams[p->live[k]];
		if (s->session == c->session)
			mp_stream_end(p, s, MP_END_CLOSE);
	}
}

unsigned
mp_commands_apply(struct media_pipeline *p)
{
	struct mp_cmd c;
	unsigned n = 0;

	while (n < MP_CMD_PER_POLL && media_spsc_pop(p->cmdq, &c) == 1) {
		if (c.type == MP_CMD_SET)
			cmd_set(p, &c);
		else if (c.type == MP_CMD_CLOSE)
			cmd_close(p, &c);
		n++;
	}
	if (n > 0)
		mp_ctr_add(p, MEDIA_PIPE_C_COMMANDS, n);
	return n;
}

int
media_pipeline_set(
        struct media_pipeline *p, uint32_t session, const struct media_pipeline_settings *s)
{
	struct mp_cmd c;

	if (media_pipeline_settings_check(s) != 0 || (s->model == 1 && p->stt_alt == NULL))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.type = MP_CMD_SET;
	c.session = session;
	c.set = *s;
	memset(c.set.rsvd, 0, sizeof(c.set.rsvd));
	return media_spsc_push(p->cmdq, &c);
}

int
media_pipeline_close_session(struct media_pipeline *p, uint32_t session)
{
	struct mp_cmd c;

	memset(&c, 0, sizeof(c));
	c.type = MP_CMD_CLOSE;
	c.session = session;
	return media_spsc_push(p->cmdq, &c);
}

/* ---- streams ---- */

static uint64_t
stream_key(uint32_t session, uint8_t track)
{
	return (uint64_t)session << 8 | track;
}

void
mp_stream_kernels_reset(struct media_pipeline *p, struct mp_stream *s)
{
	if (s->row >= 0) {
		const struct gpu_queue_ai_rows *a = gpu_queue_ai_host(p->q);
		kernels_rs_state_init(&a->rs_state[s->row]);
		kernels_mel_state_init(&a->mel_state[s->row]);
		kernels_vad_state_init(&a->vad_state[s->row]);
	} else {
		kernels_rs_state_init(&s->rs);
		kernels_mel_state_init(&s->mel);
		kernels_vad_state_init(&s->vad);
	}
}

static struct mp_stream *
stream_new(struct media_pipeline *p, const struct media_tap_msg *m, uint64_t now_us)
{
	struct mp_stream *s;
	uint32_t id;

	if (p->nfree == 0) {
		mp_ctr_add(p, MEDIA_PIPE_C_NO_STREAM, 1);
		return NULL;
	}
	id = p->free_ids[p->nfree - 1];
	s = &p->streams[id];
	memset(s, 0, offsetof(struct mp_stream, pend));
	if (opus_rx_create(&p->cfg.rx, &s->rx) != 0) {
		mp_ctr_add(p, MEDIA_PIPE_C_STREAM_NOMEM, 1);
		return NULL;
	}
	s->key = stream_key(m->session, m->track);
	s->session = m->session;
	s->track = m->track;
	s->ssrc = m->ssrc;
	s->row = -1;
	s->last_us = now_us;
	mp_stream_kernels_reset(p, s);
	s->utt = NULL;
	stream_apply(p, s, session_settings(p, m->session));
	p->nfree--;
	media_keymap_put(&p->smap, s->key, id);
	s->live_pos = p->nlive;
	p->live[p->nlive++] = id;
	mp_ctr_add(p, MEDIA_PIPE_C_STREAMS_CREATED, 1);
	mp_ctr_set(p, MEDIA_PIPE_C_STREAMS_LIVE, p->nlive);
	return s;
}

struct mp_stream *
mp_stream_get(struct media_pipeline *p, const struct media_tap_msg *m, uint64_t now_us)
{
	uint32_t id = media_keymap_get(&p->smap, stream_key(m->session, m->track));
	struct mp_stream *s;

	if (id == MEDIA_KEYMAP_NONE)
		return stream_new(p, m, now_us);
	s = &p->streams[id];
	if (s->ssrc != m->ssrc) {
		/* a new RTP source on the track: its sequence and clock start over */
		mp_ctr_add(p, MEDIA_PIPE_C_SSRC_CHANGES, 1);
		mp_stream_end(p, s, MP_END_SSRC);
		return stream_new(p, m, now_us);
	}
	return s;
}

void
mp_stream_end(struct media_pipeline *p, struct mp_stream *s, enum mp_end why)
{
	uint32_t id = (uint32_t)(s - p->streams);
	uint32_t last;
	uint64_t lost = opus_rx_counters(s->rx)[OPUS_RX_C_LOST];

	mp_ctr_add(p, MEDIA_PIPE_C_RX_LOST, lost - s->rx_lost);
	if (s->in_speech && why != MP_END_DESTROY)
		mp_speech_event(p, s, MEDIA_PIPE_EV_SPEECH_END, s->seg_base + s->seg_out);
	if (s->utt != NULL) {
		if (why != MP_END_DESTROY)
			media_utt_flush(s->utt); /* the utterance in progress is still recognised */
		media_utt_free(s->utt);
	}
	opus_rx_free(s->rx);
	s->rx = NULL;
	s->utt = NULL;
	if (s->row >= 0)
		p->row_owner[s->row] = -1;
	s->row = -1;
	media_keymap_del(&p->smap, s->key);
	last = p->live[--p->nlive];
	p->live[s->live_pos] = last;
	p->streams[last].live_pos = s->live_pos;
	p->free_ids[p->nfree++] = id;
	if (why == MP_END_CLOSE)
		mp_ctr_add(p, MEDIA_PIPE_C_STREAMS_CLOSED, 1);
	else if (why == MP_END_IDLE)
		mp_ctr_add(p, MEDIA_PIPE_C_STREAMS_IDLE, 1);
	mp_ctr_set(p, MEDIA_PIPE_C_STREAMS_LIVE, p->nlive);
}
