/*
 * Utterance cutting between VAD marks and an STT engine; see utterance.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utterance.h"

struct media_utt {
	struct media_utt_config cfg;
	struct stt_engine *e;
	uint64_t stream;
	uint64_t ctr[MEDIA_UTT_C_MAX];

	uint8_t in_speech; /* between a start and an end mark */
	uint8_t have_utt;  /* an engine utterance is open */
	uint32_t utt;
	uint64_t utt_len; /* samples fed to it */
	uint64_t max_samples, min_samples;
	uint32_t preroll;

	uint8_t started;
	uint64_t next_pos; /* position after the last sample seen */
	/* the last ring_fill samples before next_pos: pre-roll + late-mark allowance */
	uint32_t ring_cap, ring_fill, ring_head; /* head: index of the oldest */
	int16_t *ring;
};

static const char *const ctr_names[MEDIA_UTT_C_MAX] = {
#define MEDIA_UTT_CTR_NAME(sym, name, help) [MEDIA_UTT_C_##sym] = name,
        MEDIA_UTT_COUNTERS(MEDIA_UTT_CTR_NAME)
#undef MEDIA_UTT_CTR_NAME
};

const char *
media_utt_counter_name(unsigned c)
{
	return c < MEDIA_UTT_C_MAX ? ctr_names[c] : NULL;
}

void
media_utt_config_default(struct media_utt_config *cfg)
{
	cfg->preroll_ms = 200;
	cfg->max_ms = 10000;
	cfg->min_ms = 150;
}

int
media_utt_create(const struct media_utt_config *cfg, struct stt_engine *e, uint64_t stream,
        struct media_utt **out)
{
	struct media_utt_config c;
	struct media_utt *u;

	if (cfg == NULL)
		media_utt_config_default(&c);
	else
		c = *cfg;
	if (e == NULL || c.preroll_ms > 1000 || c.max_ms < 500 || c.max_ms > 60000 ||
	        c.min_ms > c.max_ms)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	u->cfg = c;
	u->e = e;
	u->stream = stream;
	u->max_samples = (uint64_t)c.max_ms * (MEDIA_UTT_RATE / 1000u);
	u->min_samples = (uint64_t)c.min_ms * (MEDIA_UTT_RATE / 1000u);
	u->preroll = c.preroll_ms * (MEDIA_UTT_RATE / 1000u);
	u->ring_cap = (c.preroll_ms + MEDIA_UTT_LATE_MS) * (MEDIA_UTT_RATE / 1000u);
	u->ring = malloc(u->ring_cap * sizeof(int16_t));
	if (u->ring == NULL) {
		free(u);
		return -ENOMEM;
	}
	*out = u;
	return 0;
}

void
media_utt_free(struct media_utt *u)
{
	if (u == NULL)
		return;
	if (u->have_utt)
		stt_utt_abort(u->e, u->utt);
	free(u->ring);
	free(u);
}

int
media_utt_in_speech(const struct media_utt *u)
{
	return u->in_speech;
}

const uint64_t *
media_utt_counters(const struct media_utt *u)
{
	return u->ctr;
}

static void
ring_append(struct media_utt *u, const int16_t *pcm, size_t n)
{
	uint32_t tail;
	size_t first;

	if (n >= u->ring_cap) {
		memcpy(u->ring, pcm + n - u->ring_cap, u->ring_cap * sizeof(int16_t));
		u->ring_head = 0;
		u->ring_fill = u->ring_cap;
		return;
	}
	/* two copies around the wrap; what does not fit overwrites the oldest */
	tail = (u->ring_head + u->ring_fill) % u->ring_cap;
	first = u->ring_cap - tail < n ? u->ring_cap - tail : n;
	memcpy(u->ring + tail, pcm, first * sizeof(int16_t));
	memcpy(u->ring, pcm + first, (n - first) * sizeof(int16_t));
	if (u->ring_fill + n <= u->ring_cap) {
		u->ring_fill += (uint32_t)n;
	} else {
		u->ring_head =
		        (uint32_t)((u->ring_head + u->ring_fill + n - u->ring_cap) % u->ring_cap);
		u->ring_fill = u->ring_cap;
	}
}

/* Open an engine utterance whose first sample is at @pos. */
static void
utt_open(struct media_utt *u, uint64_t pos)
{
	struct stt_utt_info info = {
	        .stream = u->stream,
	        .t0_us = pos * 1000000u / MEDIA_UTT_RATE,
	};

	u->utt_len = 0;
	if (stt_utt_begin(u->e, &info, &u->utt) == 0)
		u->have_utt = 1;
	else
		u->ctr[MEDIA_UTT_C_STT_BUSY]++;
}

static void
utt_close(struct media_utt *u)
{
	int rc;

	if (!u->have_utt)
		return;
	u->have_utt = 0;
	if (u->utt_len < u->min_samples) {
		stt_utt_abort(u->e, u->utt);
		u->ctr[MEDIA_UTT_C_TOO_SHORT]++;
		return;
	}
	rc = stt_utt_end(u->e, u->utt);
	if (rc == 0)
		u->ctr[MEDIA_UTT_C_UTTERANCES]++;
	else
		u->ctr[MEDIA_UTT_C_STT_DROPPED]++;
}

/* Feed @n samples at @pos to the open utterance, cutting at max length. */
static void
utt_feed(struct media_utt *u, uint64_t pos, const int16_t *pcm, size_t n)
{
	while (n > 0 && u->in_speech) {
		if (!u->have_utt)
			return; /* the engine refused this one; wait for the next start */
		uint64_t room = u->max_samples - u->utt_len;
		size_t k = n < room ? n : (size_t)room;
		stt_utt_feed_s16(u->e, u->utt, pcm, k);
		u->utt_len += k;
		pcm += k;
		pos += k;
		n -= k;
		if (u->utt_len == u->max_samples) {
			u->ctr[MEDIA_UTT_C_CUT_MAX]++;
			utt_close(u);
			utt_open(u, pos);
		}
	}
}

/* Speech starts at @p (<= next_pos): open and feed the pre-roll. */
static void
speech_start(struct media_utt *u, uint64_t p)
{
	uint64_t back = u->preroll;
	uint64_t from = p > back ? p - back : 0;
	uint64_t oldest = u->next_pos - u->ring_fill;

	if (from < oldest)
		from = oldest;
	u->in_speech = 1;
	utt_open(u, from);
	/* the ring holds [oldest, next_pos); feed [from, next_pos) in order */
	for (uint64_t q = from; q < u->next_pos && u->in_speech;) {
		uint32_t idx = (u->ring_head + (uint32_t)(q - oldest)) % u->ring_cap;
		uint32_t run = u->ring_cap - idx;
		if (run > u->next_pos - q)
			run = (uint32_t)(u->next_pos - q);
		utt_feed(u, q, u->ring + idx, run);
		q += run;
	}
}

static void
speech_end(struct media_utt *u)
{
	u->in_speech = 0;
	utt_close(u);
}

/* Samples [pos, pos + n): to the utterance (if in speech) and the pre-roll. */
static void
consume(struct media_utt *u, uint64_t pos, const int16_t *pcm, size_t n)
{
	if (n == 0)
		return;
	if (u->in_speech)
		utt_feed(u, pos, pcm, n);
	ring_append(u, pcm, n);
	u->next_pos = pos + n;
}

int
media_utt_push(struct media_utt *u, uint64_t pos, const int16_t *pcm, size_t n,
        const struct media_vad_mark *marks, size_t nmarks)
{
	uint64_t cur = pos, last_mark = 0;

	if ((pcm == NULL && n > 0) || (marks == NULL && nmarks > 0))
		return -EINVAL;
	if (u->started && pos != u->next_pos) {
		u->ctr[MEDIA_UTT_C_DISCONT]++;
		if (u->in_speech)
			speech_end(u);
		u->ring_fill = 0;
		u->ring_head = 0;
	}
	u->started = 1;
	u->next_pos = pos;
	for (size_t i = 0; i < nmarks; i++) {
		const struct media_vad_mark *m = &marks[i];
		if ((m->kind != MEDIA_VAD_START && m->kind != MEDIA_VAD_END) || m->pos >= pos + n ||
		        (i > 0 && m->pos < last_mark)) {
			u->ctr[MEDIA_UTT_C_MARK_BAD]++;
			continue;
		}
		last_mark = m->pos;
		if (m->pos > cur) {
			consume(u, cur, pcm + (cur - pos), (size_t)(m->pos - cur));
			cur = m->pos;
		}
		if (m->kind == MEDIA_VAD_START) {
			if (u->in_speech)
				u->ctr[MEDIA_UTT_C_MARK_REDUNDANT]++;
			else
				speech_start(u, m->pos);
		} else {
			if (!u->in_speech)
				u->ctr[MEDIA_UTT_C_MARK_REDUNDANT]++;
			else
				speech_end(u);
		}
	}
	consume(u, cur, pcm + (cur - pos), (size_t)(pos + n - cur));
	return 0;
}

void
media_utt_flush(struct media_utt *u)
{
	if (u->in_speech)
		speech_end(u);
}
