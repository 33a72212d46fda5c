/*
 * Cutting one stream's 16 kHz audio into utterances for speech-to-text.
 *
 * Owns: the per-stream state between a voice activity detector and an STT
 * engine: the VAD mark format (struct media_vad_mark, which the kernels'
 * VAD will produce), a pre-roll of recent audio (a VAD says "speech" some
 * tens of ms after it started, so each utterance begins preroll_ms before
 * its start mark), the maximum utterance length (a longer one is ended and
 * a new one continues at once), a minimum length (shorter ones, clicks, are
 * abandoned), and a counter for every outcome.
 *
 * Positions are sample indices of the stream at 16 kHz; an utterance's
 * media time t0_us is its first sample's position * 1e6 / 16000.
 * One cutter per stream, one caller thread (the media lcore's).
 */
#ifndef RTC_MEDIA_UTTERANCE_H
#define RTC_MEDIA_UTTERANCE_H

#include <stddef.h>
#include <stdint.h>

#include "stt.h"

#define MEDIA_UTT_RATE 16000u
/* A start mark this much older than the audio being pushed still gets its whole pre-roll. */
#define MEDIA_UTT_LATE_MS 100u

enum media_vad_kind {
	MEDIA_VAD_START = 1, /* speech starts at pos */
	MEDIA_VAD_END = 2,   /* speech ended at pos (first sample not speech) */
};

struct media_vad_mark {
	uint64_t pos; /* stream sample index at 16 kHz */
	uint8_t kind; /* enum media_vad_kind */
	uint8_t rsvd[7];
};

struct media_utt_config {
	uint32_t preroll_ms; /* 0..1000; default 200 */
	uint32_t max_ms;     /* 500..60000, <= the engine's max_utt_ms; default 10000 */
	uint32_t min_ms;     /* 0..max_ms; default 150 */
};

#define MEDIA_UTT_COUNTERS(_)                                                                      \
	_(UTTERANCES, "utterances", "utterances handed to the engine")                             \
	_(CUT_MAX, "cut_max_len", "utterances ended at max_ms (speech went on)")                   \
	_(TOO_SHORT, "too_short", "utterances shorter than min_ms, abandoned")                     \
	_(STT_BUSY, "stt_busy", "speech not recognised: the engine had no free slot")              \
	_(STT_DROPPED, "stt_dropped", "utterances the engine dropped (queue full)")                \
	_(DISCONT, "discont", "stream positions that did not follow (open utterance ended)")       \
	_(MARK_BAD, "mark_bad", "marks ignored: unknown kind, out of order or past the audio")     \
	_(MARK_REDUNDANT, "mark_redundant", "start while in speech or end while not")

enum media_utt_counter {
#define MEDIA_UTT_CTR_ENUM(sym, name, help) MEDIA_UTT_C_##sym,
	MEDIA_UTT_COUNTERS(MEDIA_UTT_CTR_ENUM)
#undef MEDIA_UTT_CTR_ENUM
	        MEDIA_UTT_C_MAX
};

const char *media_utt_counter_name(unsigned c);

struct media_utt;

void media_utt_config_default(struct media_utt_config *cfg);

/*
 * A cutter for stream @stream (the id results carry) feeding engine @e
 * (which must outlive it). @cfg NULL: defaults. 0, -EINVAL or -ENOMEM.
 */
int media_utt_create(const struct media_utt_config *cfg, struct stt_engine *e, uint64_t stream,
        struct media_utt **out);
/* Frees the cutter; an open utterance is abandoned (use flush first to keep it). */
void media_utt_free(struct media_utt *u);

/*
 * @n samples at stream position @pos, with the VAD marks that fall in
 * [@pos, @pos + @n) (or earlier: a start up to MEDIA_UTT_LATE_MS before
 * @pos still gets its full pre-roll, an older one what is left; a late end
 * ends now), in non-decreasing pos order. Marks at or after @pos + @n are
 * ignored and counted. Returns 0; -EINVAL if @pcm is NULL with n > 0 or
 * @marks NULL with nmarks > 0 (nothing done).
 */
int media_utt_push(struct media_utt *u, uint64_t pos, const int16_t *pcm, size_t n,
        const struct media_vad_mark *marks, size_t nmarks);

/* End of stream: an open utterance is ended (submitted) as if speech ended. */
void media_utt_flush(struct media_utt *u);

/* 1 while an utterance is open. */
int media_utt_in_speech(const struct media_utt *u);

const uint64_t *media_utt_counters(const struct media_utt *u);

#endif
