/*
 * Speech-to-text engines of the media lcore: one interface, pluggable
 * backends (pocketsphinx today; a batched GPU model later).
 *
 * Owns: the backend contract (struct stt_backend, STT_API_VERSION), the
 * configuration, the result format and the caller-side API that checks
 * handles and dispatches to the backend.
 *
 * The model: the caller (the media lcore) opens an utterance, feeds it
 * 16 kHz mono PCM as it arrives, and ends it; the engine recognises it on
 * its own threads and the caller polls for results (partial ones while a
 * long utterance is decoded, then exactly one final result per ended
 * utterance). Nothing the caller calls ever waits for recognition: a
 * backend that is behind refuses new utterances or drops ended ones, and
 * counts it; no callback ever runs on the caller's thread from another.
 * All caller-side functions of one engine must be called from one thread.
 */
#ifndef RTC_MEDIA_STT_H
#define RTC_MEDIA_STT_H

#include <stddef.h>
#include <stdint.h>

/* Bumped on any change of struct stt_backend, stt_config or stt_result. */
#define STT_API_VERSION 1

#define STT_RATE 16000u   /* input: 16 kHz mono */
#define STT_TEXT_MAX 256u /* final text, NUL-terminated, truncated at a word */
#define STT_WORDS_MAX 32u
#define STT_WORD_MAX 32u

/* What the recogniser searches. */
enum stt_mode {
	STT_MODE_LM = 0,   /* a statistical n-gram language model (dictation) */
	STT_MODE_JSGF = 1, /* a JSGF grammar (commands); see stt_jsgf_from_phrases() */
};

struct stt_config {
	enum stt_mode mode;
	const char *model_dir; /* acoustic model; NULL: the backend's default */
	const char *dict;      /* pronunciation dictionary; NULL: default */
	const char *lm;        /* STT_MODE_LM: n-gram model file; NULL: default */
	const char *jsgf;      /* STT_MODE_JSGF: the grammar's text (not a path) */
	uint32_t workers;      /* recogniser threads, 1..16; default 1 */
	uint32_t queue_len;    /* ended utterances waiting for a thread, 1..1024; default 8 */
	uint32_t max_open;     /* utterances being fed at once, 1..1024; default 16 */
	uint32_t max_utt_ms;   /* longest utterance, 500..60000; default 10000 (rest cut) */
	uint32_t partial_ms;   /* 0: no partials; else one every this much decoded audio */
};

/* Fill @cfg with the defaults (mode LM, every path NULL). */
void stt_config_default(struct stt_config *cfg);

/* Who an utterance belongs to and where it is in media time. */
struct stt_utt_info {
	uint64_t stream; /* caller's id (session, track), returned in results */
	uint64_t t0_us;  /* media time of the first sample fed */
};

enum stt_status {
	STT_OK = 0,
	STT_TRUNCATED = 1, /* longer than max_utt_ms: recognised up to the limit */
	STT_FAILED = 2,    /* the recogniser failed on it (text empty) */
};

struct stt_word {
	char word[STT_WORD_MAX]; /* NUL-terminated, lower case as the dictionary spells it */
	uint64_t start_us;       /* media time */
	uint64_t end_us;
	float confidence; /* posterior probability 0..1, or -1 when the search gives none */
};

struct stt_result {
	uint64_t stream;    /* from stt_utt_info */
	uint64_t t0_us;     /* from stt_utt_info */
	uint64_t utt_seq;   /* the engine's number for the utterance, from 1 */
	uint64_t audio_us;  /* audio recognised */
	uint64_t decode_us; /* thread CPU time spent recognising it */
	float confidence;   /* posterior of the whole hypothesis 0..1, or -1 */
	uint8_t final;      /* 1: the final result; 0: a partial one */
	uint8_t status;     /* enum stt_status */
	uint16_t nwords;    /* words[] entries (fillers and silences left out) */
	char text[STT_TEXT_MAX];
	struct stt_word words[STT_WORDS_MAX];
};

/* Every outcome, counted: symbol, counter name, meaning. */
#define STT_COUNTERS(_)                                                                            \
	_(BEGUN, "utt_begun", "utterances opened")                                                 \
	_(SUBMITTED, "utt_submitted", "utterances ended and queued for recognition")               \
	_(FINALS, "results_final", "final results produced")                                       \
	_(PARTIALS, "results_partial", "partial results produced")                                 \
	_(POLLED, "results_polled", "results handed to the caller")                                \
	_(ABORTED, "utt_aborted", "utterances abandoned by the caller")                            \
	_(TRUNCATED, "utt_truncated", "utterances cut at max_utt_ms")                              \
	_(EMPTY, "utt_empty", "ended utterances with no audio (not queued)")                       \
	_(OPEN_FULL, "drop_open_full", "refused at begin: no free utterance slot")                 \
	_(QUEUE_FULL, "drop_queue_full", "dropped at end: recognition queue full")                 \
	_(PARTIAL_DROP, "drop_partial", "partial results dropped: caller behind")                  \
	_(STALE, "bad_handle", "calls with an unknown or stale utterance handle")                  \
	_(FAILED, "decode_failed", "utterances the recogniser failed on")                          \
	_(AUDIO_MS, "audio_ms", "milliseconds of audio recognised")                                \
	_(DECODE_MS, "decode_ms", "thread CPU milliseconds spent recognising")

enum stt_counter {
#define STT_CTR_ENUM(sym, name, help) STT_C_##sym,
	STT_COUNTERS(STT_CTR_ENUM)
#undef STT_CTR_ENUM
	        STT_C_MAX
};

const char *stt_counter_name(unsigned c);
const char *stt_counter_help(unsigned c);

/*
 * A backend. Handles are 32-bit values the backend hands out (0 is never
 * valid). Every function but create/destroy is called from the one caller
 * thread; they must not wait for recognition.
 */
struct stt_backend {
	unsigned int api_version; /* STT_API_VERSION it was built against */
	const char *name;         /* "pocketsphinx" */
	/* 0 and *impl, or a negative errno (-EINVAL bad config, -ENOENT model missing). */
	int (*create)(const struct stt_config *cfg, void **impl);
	/* Stops the threads (in-flight recognitions are abandoned), frees everything. */
	void (*destroy)(void *impl);
	/* 0 and *utt; -EBUSY when no slot is free (counted). */
	int (*utt_begin)(void *impl, const struct stt_utt_info *info, uint32_t *utt);
	/* Append samples; past max_utt_ms they are dropped and the result flagged. */
	int (*utt_feed_s16)(void *impl, uint32_t utt, const int16_t *pcm, size_t n);
	int (*utt_feed_f32)(void *impl, uint32_t utt, const float *pcm, size_t n);
	/* Submit; the handle is invalid afterwards. 0, or -ENOBUFS (queue full: dropped, counted).
	 */
	int (*utt_end)(void *impl, uint32_t utt);
	int (*utt_abort)(void *impl, uint32_t utt);
	/* 1 and *out (the oldest result), or 0. */
	int (*poll)(void *impl, struct stt_result *out);
	void (*counters)(void *impl, uint64_t ctr[STT_C_MAX]);
};

extern const struct stt_backend stt_pocketsphinx_backend;

/* The backend called @name linked into this binary, or NULL. */
const struct stt_backend *stt_backend_find(const char *name);

struct stt_engine;

/*
 * An engine of backend @be (refused with -EPROTO unless its api_version is
 * STT_API_VERSION) configured by @cfg (NULL: defaults). Loads the models
 * and starts the threads. 0 and *@out, or a negative errno.
 */
int stt_engine_create(
        const struct stt_backend *be, const struct stt_config *cfg, struct stt_engine **out);
void stt_engine_destroy(struct stt_engine *e);
const char *stt_engine_name(const struct stt_engine *e);

/*
 * Caller side; handles are checked (-ESTALE for unknown or used-up ones,
 * counted). feed: 0, or -EINVAL (NULL pcm with n > 0). Floats are in
 * [-1, 1) and are clamped.
 */
int stt_utt_begin(struct stt_engine *e, const struct stt_utt_info *info, uint32_t *utt);
int stt_utt_feed_s16(struct stt_engine *e, uint32_t utt, const int16_t *pcm, size_t n);
int stt_utt_feed_f32(struct stt_engine *e, uint32_t utt, const float *pcm, size_t n);
int stt_utt_end(struct stt_engine *e, uint32_t utt);
int stt_utt_abort(struct stt_engine *e, uint32_t utt);
int stt_poll(struct stt_engine *e, struct stt_result *out);
void stt_counters(struct stt_engine *e, uint64_t ctr[STT_C_MAX]);

/*
 * A JSGF grammar accepting exactly one of @phrases (lower-case words
 * separated by single spaces, [a-z' ] only) into @buf:
 *   #JSGF V1.0;\ngrammar commands;\npublic <command> = p1 | p2 | ...;\n
 * Returns its length, -EINVAL (a phrase with other characters, or none) or
 * -ENOSPC (@buf too small; nothing useful written).
 */
int stt_jsgf_from_phrases(const char *const *phrases, size_t n, char *buf, size_t size);

#endif
