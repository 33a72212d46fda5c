/*
 * One pass of the media pipeline (media_pipeline_poll): rings -> Opus ->
 * batched kernels -> VAD marks, utterances -> STT results -> events.
 *
 * The batch. A poll gathers every stream's ready 20 ms frames (at most
 * MEDIA_PIPE_PENDING each); batch k holds the k-th frame of every stream
 * that has one, one gpu_queue row per stream, and runs the four ops over
 * its rows [0, n): one call each (one kernel launch each with CUDA). In
 * real time a stream has one frame per 20 ms, so a poll every few ms makes
 * one batch per tick holding every stream whose frame came due.
 *
 * Rows and states. The ops read a stream's resampler, log-mel and VAD
 * states at its row's index. A stream keeps the row it had if that row is
 * in [0, n) and free in this batch; the others take the lowest free rows.
 * A row keeps the states of its last stream until another one needs it
 * (then they are copied back into that stream: state_swaps), so steady
 * traffic moves no state.
 */
#include <math.h>
#include <string.h>

#include "pipeline_internal.h"

/* ---- rings -> Opus receivers ---- */

/* Frames ready in @s's receiver, into pend[] (up to MEDIA_PIPE_PENDING). */
static unsigned
stream_pull(struct media_pipeline *p, struct mp_stream *s, uint64_t now_us)
{
	struct opus_rx_frame *f = &p->rxf;
	unsigned n = 0;

	while (s->npend < MEDIA_PIPE_PENDING && opus_rx_pull(s->rx, now_us, f)) {
		struct mp_frame *d = &s->pend[s->npend++];
		if (p->at16k)
			memcpy(d->f32, f->pcm_f32, sizeof(d->f32));
		else
			memcpy(d->s16, f->pcm, sizeof(d->s16));
		d->pts = f->pts;
		d->flags = f->flags;
		n++;
	}
	return n;
}

/* Up to ring_budget messages of ring @r. A stream whose pend[] is full stops the ring. */
static unsigned
ring_drain(struct media_pipeline *p, struct media_tap_ring *r, uint64_t now_us)
{
	const struct media_tap_msg *v[MP_PEEK_BURST];
	uint32_t budget = p->cfg.ring_budget;
	unsigned total = 0;

	while (budget > 0) {
		unsigned want = budget < MP_PEEK_BURST ? budget : MP_PEEK_BURST;
		unsigned n = media_tap_ring_peek(r, v, want), used = 0;
		int stop = 0;

		if (n == 0)
			break;
		for (; used < n; used++) {
			const struct media_tap_msg *m = v[used];
			struct mp_stream *s;

			if (media_tap_msg_check(m) != 0) {
				mp_ctr_add(p, MEDIA_PIPE_C_BAD_MSG, 1);
				continue;
			}
			s = mp_stream_get(p, m, now_us);
			if (s == NULL)
				continue; /* counted: no_stream or stream_nomem */
			if (s->npend >= MEDIA_PIPE_PENDING) {
				stop = 1; /* left in the ring for the next poll */
				break;
			}
			if (opus_rx_push(s->rx, m->seq, m->ts, m->payload, m->len, now_us) !=
			        OPUS_RX_ACCEPTED)
				mp_ctr_add(p, MEDIA_PIPE_C_RX_DROPPED, 1);
			s->last_us = now_us;
			stream_pull(p, s, now_us);
		}
		media_tap_ring_release(r, used);
		mp_ctr_add(p, MEDIA_PIPE_C_PACKETS_IN, used);
		total += used;
		budget -= used;
		if (stop || used < n)
			break;
	}
	return total;
}

/* Every live stream: frames its receiver's timers released; idle ones freed. */
static void
streams_sweep(struct media_pipeline *p, uint64_t now_us)
{
	uint64_t idle_us = (uint64_t)p->cfg.idle_timeout_ms * 1000u;

	for (uint32_t k = p->nlive; k-- > 0;) {
		struct mp_stream *s = &p->streams[p->live[k]];

		stream_pull(p, s, now_us);
		if (s->npend == 0 && now_us > s->last_us && now_us - s->last_us > idle_us)
			mp_stream_end(p, s, MP_END_IDLE);
	}
}

/* ---- the batched tick ---- */

/* Put @s's kernel states into row @i (evicting the row's previous stream). */
static void
row_bind(struct media_pipeline *p, struct mp_stream *s, uint32_t i)
{
	const struct gpu_queue_ai_rows *a = gpu_queue_ai_host(p->q);
	int32_t t = p->row_owner[i];

	if (s->row == (int32_t)i)
		return;
	if (s->row >= 0) {
		uint32_t j = (uint32_t)s->row;
		s->rs = a->rs_state[j];
		s->mel = a->mel_state[j];
		s->vad = a->vad_state[j];
		p->row_owner[j] = -1;
		s->row = -1;
		mp_ctr_add(p, MEDIA_PIPE_C_STATE_SWAPS, 1);
	}
	if (t >= 0) {
		struct mp_stream *o = &p->streams[t];
		o->rs = a->rs_state[i];
		o->mel = a->mel_state[i];
		o->vad = a->vad_state[i];
		o->row = -1;
		mp_ctr_add(p, MEDIA_PIPE_C_STATE_SWAPS, 1);
	}
	a->rs_state[i] = s->rs;
	a->mel_state[i] = s->mel;
	a->vad_state[i] = s->vad;
	a->vad_params[i] = s->vp;
	p->row_owner[i] = (int32_t)(s - p->streams);
	s->row = (int32_t)i;
}

/*
 * The timeline of @s jumps to @pts (a gap too long to conceal, or a new
 * segment): speech in progress ends where the audio ended, the utterance
 * is closed, and the kernels start over at the new position (never before
 * the old end, so positions only grow).
 */
static void
stream_discont(struct media_pipeline *p, struct mp_stream *s, uint64_t pts)
{
	uint64_t end = s->seg_base + s->seg_out;
	uint64_t at = pts > s->first_pts ? (pts - s->first_pts) / 3u : 0;

	mp_ctr_add(p, MEDIA_PIPE_C_DISCONT, 1);
	if (s->in_speech) {
		mp_speech_event(p, s, MEDIA_PIPE_EV_SPEECH_END, end);
		s->in_speech = 0;
	}
	if (s->utt != NULL)
		media_utt_flush(s->utt);
	mp_stream_kernels_reset(p, s);
	s->seg_base = at > end ? at : end;
	s->seg_out = 0;
}

/*
 * Batch @k: rows for every stream with a k-th frame, its PCM in the rows
 * (48 kHz int16 into the pcm op's input; 16 kHz float straight into the
 * 16 kHz rows log-mel reads). Returns n.
 */
static uint32_t
batch_fill(struct media_pipeline *p, uint32_t k)
{
	const struct gpu_queue_pcm_rows *h = gpu_queue_pcm_host(p->q);
	const struct gpu_queue_ai_rows *a = gpu_queue_ai_host(p->q);
	uint32_t n = 0, next = 0, stamp = ++p->stamp;

	for (uint32_t j = 0; j < p->nact; j++)
		if (p->streams[p->act[j]].npend > k)
			n++;
	if (n == 0)
		return 0;
	/* keep rows in [0, n) that are free in this batch */
	for (uint32_t j = 0; j < p->nact; j++) {
		struct mp_stream *s = &p->streams[p->act[j]];
		if (s->npend > k && s->row >= 0 && (uint32_t)s->row < n &&
		        p->row_stamp[s->row] != stamp) {
			p->row_stamp[s->row] = stamp;
			s->stamp = stamp;
		}
	}
	for (uint32_t j = 0; j < p->nact; j++) {
		struct mp_stream *s = &p->streams[p->act[j]];
		if (s->npend <= k)
			continue;
		if (s->stamp != stamp) {
			while (p->row_stamp[next] == stamp)
				next++;
			row_bind(p, s, next);
			p->row_stamp[next] = stamp;
			s->stamp = stamp;
		}
		uint32_t i = (uint32_t)s->row;
		const struct mp_frame *f = &s->pend[k];
		if (!s->started) {
			s->started = 1;
			s->first_pts = f->pts;
		} else if (f->flags & OPUS_RX_F_DISCONT) {
			stream_discont(p, s, f->pts);
		}
		if (p->at16k)
			memcpy(a->pcm16k + (size_t)i * a->pcm16k_stride, f->f32, sizeof(f->f32));
		else
			memcpy(h->in + (size_t)i * h->in_stride, f->s16, sizeof(f->s16));
		p->row_stream[i] = p->act[j];
		p->row_pos[i] = s->seg_base + s->seg_out;
	}
	return n;
}

/*
 * The ops over rows [0, n): log-mel and VAD, after pcm and resample when
 * the frames are 48 kHz int16. 0, or the first op's error.
 */
static int
batch_run(struct media_pipeline *p, uint32_t n)
{
	struct kernels_pcm_batch pb;
	struct kernels_rs_batch rb;
	struct kernels_mel_batch mb;
	struct kernels_vad_batch vb;
	int rc;

	gpu_queue_mel_batch(p->q, n, MP_FRAME_16K, &mb);
	gpu_queue_vad_batch(p->q, n, &vb);
	if (!p->at16k) {
		gpu_queue_pcm_batch(p->q, n, OPUS_RX_FRAME, &pb);
		gpu_queue_rs_batch(p->q, n, MP_FRAME_16K, &rb);
		mp_ctr_add(p, MEDIA_PIPE_C_KERNEL_CALLS, 1);
		if ((rc = kernels_pcm_s16_to_f32(p->kb, p->q, &pb)) != 0)
			return rc;
		mp_ctr_add(p, MEDIA_PIPE_C_KERNEL_CALLS, 1);
		if ((rc = kernels_resample(p->kb, p->q, &rb)) != 0)
			return rc;
	}
	mp_ctr_add(p, MEDIA_PIPE_C_KERNEL_CALLS, 1);
	if ((rc = kernels_logmel(p->kb, p->q, &mb)) != 0)
		return rc;
	mp_ctr_add(p, MEDIA_PIPE_C_KERNEL_CALLS, 1);
	return kernels_vad(p->kb, p->q, &vb);
}

/* 16 kHz float in [-1.8, 1.8] -> int16: clamped, rounded half away from zero (no libm call). */
static void
to_s16(int16_t *out, const float *in, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		float v = in[i] * 32768.0f;
		v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
		out[i] = (int16_t)(v + (v >= 0.0f ? 0.5f : -0.5f));
	}
}

/* Row @i's results: VAD marks -> events and the cutter, 16 kHz audio -> the cutter. */
static void
row_post(struct media_pipeline *p, uint32_t i)
{
	const struct gpu_queue_ai_rows *a = gpu_queue_ai_host(p->q);
	struct mp_stream *s = &p->streams[p->row_stream[i]];
	struct media_vad_mark marks[KERNELS_MEL_FRAMES_MAX(MP_FRAME_16K)];
	uint32_t nm = 0;

	for (uint32_t j = 0; j < a->nevents[i] && nm < KERNELS_MEL_FRAMES_MAX(MP_FRAME_16K); j++) {
		const struct kernels_vad_event *e = &a->events[(size_t)i * a->events_stride + j];
		uint64_t pos = s->seg_base + e->sample;

		if (e->kind == KERNELS_VAD_START && !s->in_speech) {
			s->in_speech = 1;
			mp_speech_event(p, s, MEDIA_PIPE_EV_SPEECH_START, pos);
			marks[nm++] = (struct media_vad_mark){.pos = pos, .kind = MEDIA_VAD_START};
		} else if (e->kind == KERNELS_VAD_END && s->in_speech) {
			s->in_speech = 0;
			mp_speech_event(p, s, MEDIA_PIPE_EV_SPEECH_END, pos);
			marks[nm++] = (struct media_vad_mark){.pos = pos, .kind = MEDIA_VAD_END};
		}
	}
	if (s->utt != NULL) {
		to_s16(p->pcm16, a->pcm16k + (size_t)i * a->pcm16k_stride, MP_FRAME_16K);
		media_utt_push(s->utt, p->row_pos[i], p->pcm16, MP_FRAME_16K, marks, nm);
	}
	s->seg_out += MP_FRAME_16K;
}

/* A failed op may leave states half-written: the batch's streams start over. */
static void
batch_fail(struct media_pipeline *p, uint32_t n)
{
	mp_ctr_add(p, MEDIA_PIPE_C_KERNEL_ERRORS, 1);
	for (uint32_t i = 0; i < n; i++) {
		struct mp_stream *s = &p->streams[p->row_stream[i]];
		s->seg_out += MP_FRAME_16K; /* the frame's time passed */
		stream_discont(p, s, 0);
	}
}

static unsigned
tick(struct media_pipeline *p)
{
	uint32_t frames = 0, batches = 0;
	uint64_t calls0 = mp_ctr_get(p, MEDIA_PIPE_C_KERNEL_CALLS);

	p->nact = 0;
	for (uint32_t k = 0; k < p->nlive; k++)
		if (p->streams[p->live[k]].npend > 0)
			p->act[p->nact++] = p->live[k];
	if (p->nact == 0)
		return 0;
	for (uint32_t k = 0; k < MEDIA_PIPE_PENDING; k++) {
		uint32_t n = batch_fill(p, k);

		if (n == 0)
			break;
		if (batch_run(p, n) != 0) {
			batch_fail(p, n);
		} else {
			for (uint32_t i = 0; i < n; i++)
				row_post(p, i);
		}
		if (n > mp_ctr_get(p, MEDIA_PIPE_C_BATCH_MAX))
			mp_ctr_set(p, MEDIA_PIPE_C_BATCH_MAX, n);
		frames += n;
		batches++;
	}
	for (uint32_t j = 0; j < p->nact; j++) {
		struct mp_stream *s = &p->streams[p->act[j]];
		uint64_t lost = opus_rx_counters(s->rx)[OPUS_RX_C_LOST];

		s->npend = 0;
		mp_ctr_add(p, MEDIA_PIPE_C_RX_LOST, lost - s->rx_lost);
		s->rx_lost = lost;
	}
	mp_ctr_add(p, MEDIA_PIPE_C_FRAMES, frames);
	mp_ctr_add(p, MEDIA_PIPE_C_TICKS, 1);
	mp_ctr_add(p, MEDIA_PIPE_C_BATCHES, batches);
	mp_ctr_set(p, MEDIA_PIPE_C_TICK_FRAMES, frames);
	mp_ctr_set(p, MEDIA_PIPE_C_TICK_BATCHES, batches);
	mp_ctr_set(p, MEDIA_PIPE_C_TICK_KERNEL_CALLS,
	        mp_ctr_get(p, MEDIA_PIPE_C_KERNEL_CALLS) - calls0);
	return frames;
}

/* ---- STT results -> events ---- */

static void
stt_event(struct media_pipeline *p, const struct stt_result *r)
{
	struct media_pipeline_event ev;

	if (r->nwords == 0 && r->text[0] == '\0') {
		if (r->final)
			mp_ctr_add(p, MEDIA_PIPE_C_TRANSCRIPTS_EMPTY, 1);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = r->final ? MEDIA_PIPE_EV_TRANSCRIPT_FINAL : MEDIA_PIPE_EV_TRANSCRIPT_PARTIAL;
	ev.session = (uint32_t)(r->stream >> 8);
	ev.track = (uint8_t)r->stream;
	ev.stt_status = r->status;
	if (r->nwords > 0) {
		ev.start_ms = r->words[0].start_us / 1000u;
		ev.end_ms = r->words[r->nwords - 1].end_us / 1000u;
	} else {
		ev.start_ms = r->t0_us / 1000u;
		ev.end_ms = (r->t0_us + r->audio_us) / 1000u;
	}
	if (ev.end_ms < ev.start_ms)
		ev.end_ms = ev.start_ms;
	if (r->confidence < 0.0f)
		ev.confidence_milli = -1;
	else
		ev.confidence_milli =
		        r->confidence >= 1.0f ? 1000 : (int32_t)lrintf(r->confidence * 1000.0f);
	memcpy(ev.text, r->text, sizeof(ev.text));
	ev.text[sizeof(ev.text) - 1] = '\0';
	mp_ctr_add(p, r->final ? MEDIA_PIPE_C_TRANSCRIPTS : MEDIA_PIPE_C_PARTIALS, 1);
	mp_event_push(p, &ev);
}

static unsigned
stt_results(struct media_pipeline *p)
{
	struct stt_engine *engines[2] = {p->stt, p->stt_alt};
	struct stt_result r;
	uint64_t c[STT_C_MAX], sum[STT_C_MAX] = {0};
	unsigned n = 0;

	if (p->stt == NULL)
		return 0;
	/* both engines' results and counters (the second one's when enabled) */
	for (unsigned e = 0; e < 2 && engines[e] != NULL; e++) {
		while (n < p->cfg.stt_poll_max && stt_poll(engines[e], &r) == 1) {
			stt_event(p, &r);
			n++;
		}
		stt_counters(engines[e], c);
		for (unsigned k = 0; k < STT_C_MAX; k++)
			sum[k] += c[k];
	}
	mp_ctr_set(p, MEDIA_PIPE_C_STT_QUEUED, sum[STT_C_SUBMITTED]);
	mp_ctr_set(p, MEDIA_PIPE_C_STT_DROPPED, sum[STT_C_OPEN_FULL] + sum[STT_C_QUEUE_FULL]);
	mp_ctr_set(p, MEDIA_PIPE_C_STT_AUDIO_MS, sum[STT_C_AUDIO_MS]);
	mp_ctr_set(p, MEDIA_PIPE_C_STT_DECODE_MS, sum[STT_C_DECODE_MS]);
	return n;
}

unsigned
media_pipeline_poll(struct media_pipeline *p, uint64_t now_us)
{
	unsigned work = mp_commands_apply(p);

	for (uint32_t i = 0; i < p->cfg.n_rings; i++)
		work += ring_drain(p, p->rings[i], now_us);
	streams_sweep(p, now_us);
	work += tick(p);
	work += stt_results(p);
	return work;
}
