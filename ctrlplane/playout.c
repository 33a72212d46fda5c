/* Playout of injected audio: per-session clip FIFOs on a 20 ms schedule (see playout.h). */
#include <errno.h>
#include <stdlib.h>

#include "playout.h"

struct pl_sess {
	struct tts_clip **fifo; /* max_clips slots; fifo[head] plays */
	unsigned head, n;
	unsigned next;      /* the next packet of fifo[head] */
	int started;        /* fifo[head] has begun (its start was told) */
	uint64_t due_us;    /* when the next packet is due */
	uint64_t origin_us; /* the schedule's time of timestamp ts_base */
	uint32_t ts_base;
	int has_origin;     /* the session has played (its timestamps are set) */
	int in_spurt;       /* packets are being sent back to back */
	uint32_t active_pos; /* in p->active, when n > 0 */
};

struct playout {
	uint32_t max;
	unsigned max_clips;
	struct pl_sess *s;
	struct tts_clip **slots;
	uint32_t *active; /* sessions with clips */
	uint32_t n_active;
	struct playout_stats st;
};

int
playout_create(uint32_t max_sessions, unsigned max_clips, struct playout **out)
{
	struct playout *p;

	if (max_sessions == 0 || max_clips == 0)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->max = max_sessions;
	p->max_clips = max_clips;
	p->s = calloc(max_sessions, sizeof(*p->s));
	p->slots = calloc((size_t)max_sessions * max_clips, sizeof(*p->slots));
	p->active = calloc(max_sessions, sizeof(*p->active));
	if (p->s == NULL || p->slots == NULL || p->active == NULL) {
		playout_destroy(p);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < max_sessions; i++)
		p->s[i].fifo = p->slots + (size_t)i * max_clips;
	*out = p;
	return 0;
}

void
playout_destroy(struct playout *p)
{
	if (p == NULL)
		return;
	if (p->s != NULL)
		for (uint32_t i = 0; i < p->max; i++)
			for (unsigned k = 0; k < p->s[i].n; k++)
				tts_clip_free(p->s[i].fifo[(p->s[i].head + k) % p->max_clips]);
	free(p->s);
	free(p->slots);
	free(p->active);
	free(p);
}

static void
deactivate(struct playout *p, uint32_t idx)
{
	uint32_t pos = p->s[idx].active_pos, last = p->active[--p->n_active];

	p->active[pos] = last;
	p->s[last].active_pos = pos;
}

int
playout_add(struct playout *p, uint32_t idx, struct tts_clip *clip, uint32_t ts_offset,
		uint64_t now_us)
{
	struct pl_sess *s;

	if (idx >= p->max || clip == NULL) {
		tts_clip_free(clip);
		return -EINVAL;
	}
	s = &p->s[idx];
	if (s->n == p->max_clips) {
		tts_clip_free(clip);
		p->st.refused++;
		return -ENOBUFS;
	}
	s->fifo[(s->head + s->n) % p->max_clips] = clip;
	if (s->n++ == 0) {
		if (!s->has_origin) {
			/* the session's first clip: its timestamps start at the random offset */
			s->has_origin = 1;
			s->origin_us = now_us;
			s->ts_base = ts_offset;
		}
		s->due_us = now_us;
		s->next = 0;
		s->started = 0;
		s->in_spurt = 0;
		s->active_pos = p->n_active;
		p->active[p->n_active++] = idx;
	}
	return 0;
}

static void
pop(struct playout *p, uint32_t idx, const struct playout_ops *ops, int done)
{
	struct pl_sess *s = &p->s[idx];
	struct tts_clip *c = s->fifo[s->head];

	if (s->started && ops != NULL && ops->clip != NULL)
		ops->clip(ops->ctx, idx, c->tag, 0, done);
	tts_clip_free(c);
	s->fifo[s->head] = NULL;
	s->head = (s->head + 1) % p->max_clips;
	s->n--;
	s->next = 0;
	s->started = 0;
	if (s->n == 0) {
		s->in_spurt = 0;
		deactivate(p, idx);
	}
}

void
playout_stop(struct playout *p, uint32_t idx, const struct playout_ops *ops)
{
	if (idx >= p->max)
		return;
	if (p->s[idx].n > 0)
		p->st.stopped++;
	while (p->s[idx].n > 0)
		pop(p, idx, ops, 0);
}

void
playout_close(struct playout *p, uint32_t idx, const struct playout_ops *ops)
{
	if (idx >= p->max)
		return;
	playout_stop(p, idx, ops);
	p->s[idx].has_origin = 0; /* the index may serve another session next */
}

unsigned
playout_pending(const struct playout *p, uint32_t idx)
{
	return idx < p->max ? p->s[idx].n : 0;
}

/* The RTP timestamp of a packet due at @due_us. */
static uint32_t
ts_at(const struct pl_sess *s, uint64_t due_us)
{
	return s->ts_base + (uint32_t)((due_us - s->origin_us) * 48 / 1000);
}

int64_t
playout_run(struct playout *p, uint64_t now_us, const struct playout_ops *ops)
{
	int64_t wait = -1;

	for (uint32_t i = 0; i < p->n_active;) {
		uint32_t idx = p->active[i];
		struct pl_sess *s = &p->s[idx];

		while (s->n > 0 && s->due_us <= now_us) {
			struct tts_clip *c = s->fifo[s->head];
			if (now_us - s->due_us > PLAYOUT_LATE_US) {
				s->due_us = now_us; /* far behind: go on from now, after a gap */
				s->in_spurt = 0;
				p->st.late_shifts++;
			}
			if (ops->send(ops->ctx, idx, c->data + c->off[s->next],
					    (uint16_t)(c->off[s->next + 1] - c->off[s->next]),
					    !s->in_spurt, ts_at(s, s->due_us)) == -EAGAIN) {
				/* not up yet: hold, try again one frame later (no catching up) */
				s->due_us = now_us + PLAYOUT_FRAME_US;
				p->st.held++;
				break;
			}
			if (!s->started) {
				s->started = 1;
				p->st.clips++;
				if (ops->clip != NULL)
					ops->clip(ops->ctx, idx, c->tag, 1, 0);
			}
			p->st.packets++;
			s->in_spurt = 1;
			s->due_us += PLAYOUT_FRAME_US;
			if (++s->next == c->n)
				pop(p, idx, ops, 1); /* the next clip follows on the same schedule */
		}
		if (s->n == 0)
			continue; /* pop() moved another session into position i */
		if (wait < 0 || (int64_t)(s->due_us - now_us) < wait)
			wait = (int64_t)(s->due_us - now_us);
		i++;
	}
	return wait;
}

void
playout_stats(const struct playout *p, struct playout_stats *out)
{
	*out = p->st;
}
