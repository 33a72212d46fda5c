/*
 * The media pipeline thread's loop as a library: tapped Opus packets in,
 * speech and transcript events out.
 *
 * Owns: the tap rings (one per worker, created here and handed out with
 * media_pipeline_tap_ring()), one stream per (session, track) with its Opus
 * receiver, kernel states and utterance cutter; the batched tick (every
 * stream's 20 ms frames of one poll go through the kernels as one batch per
 * op on one gpu_queue: libopus decodes to 16 kHz float itself, then log-mel
 * -> VAD; or, with cfg.rx at 48 kHz int16, s16 -> float -> 16 kHz ->
 * log-mel -> VAD);
 * the STT engine; per-session settings; the command queue (control lcore
 * -> pipeline) and the event queue (pipeline -> control lcore); counters.
 *
 * Threads. Three roles, each a single thread:
 *   worker i      media_tap_ring_push(media_pipeline_tap_ring(p, i), ...)
 *   pipeline      media_pipeline_poll() (an lcore's loop, or the thread of
 *                 media_pipeline_thread_start())
 *   control       media_pipeline_set(), media_pipeline_close_session(),
 *                 media_pipeline_poll_event()
 * media_pipeline_stats() may be called from any thread. create/destroy run
 * when no other role runs (destroy: after the workers stopped pushing and
 * the pipeline thread stopped).
 *
 * Sans-IO: the pipeline reads no clock; now_us (any monotonic microsecond
 * clock) is an argument of media_pipeline_poll(). Media time (the ms of
 * events) is the stream's RTP clock: 0 at the first sample of the stream's
 * first frame, gaps in the timeline kept (docs/media.md, "Pipeline").
 */
#ifndef RTC_MEDIA_PIPELINE_H
#define RTC_MEDIA_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "opus_rx.h"
#include "stt.h"
#include "tap_ring.h"
#include "utterance.h"

struct kernels_backend;

#define MEDIA_PIPE_RINGS_MAX 64u
#define MEDIA_PIPE_STREAMS_MAX 4096u /* KERNELS_PCM_MAX_STREAMS: rows of one batch */
/* 20 ms frames a stream may hold between two ticks; a stream with this many waits in its ring. */
#define MEDIA_PIPE_PENDING 8u

/* Per-session settings, changed at run time with media_pipeline_set(). */
struct media_pipeline_settings {
	uint8_t stt;         /* 1: cut utterances and recognise them (transcripts) */
	uint8_t model;       /* 0: the engine of cfg.stt; 1: that of cfg.stt_alt (when enabled) */
	uint8_t rsvd[2];     /* 0 */
	float vad_margin_db; /* sensitivity, KERNELS_VAD_MARGIN_MIN..MAX; lower: more sensitive */
	uint16_t vad_start_frames; /* 10 ms loud frames that start speech, 1..KERNELS_VAD_RUN_MAX */
	uint16_t vad_end_frames;   /* 10 ms quiet frames that end it */
};

struct media_pipeline_config {
	uint32_t n_rings;         /* tap rings, one per worker: 1..MEDIA_PIPE_RINGS_MAX */
	uint32_t ring_size;       /* messages per ring (power of two); default 2048 */
	uint32_t ring_budget;     /* messages taken from one ring per poll; default 1024 */
	uint32_t max_streams;     /* live (session, track) streams, 1..MEDIA_PIPE_STREAMS_MAX */
	uint32_t max_sessions;    /* sessions with their own settings; default max_streams */
	uint32_t idle_timeout_ms; /* a stream without packets this long is freed; default 5000 */
	uint32_t event_queue_len; /* events waiting for the control lcore (power of two); 1024 */
	uint32_t cmd_queue_len;   /* commands waiting for the pipeline (power of two); 256 */
	uint32_t stt_poll_max;    /* STT results taken per poll; default 64 */
	struct media_pipeline_settings defaults; /* of a session nobody set */
	/* every stream's Opus receiver; rate and format choose the chain: 16000 + f32
	 * (default: log-mel, VAD) or 48000 + int16 (pcm, resample, log-mel, VAD) */
	struct opus_rx_config rx;
	struct media_utt_config utt;           /* every stream's utterance cutter */
	uint8_t stt_enable;                    /* 0: no engine at all (speech events only) */
	const struct stt_backend *stt_backend; /* NULL: stt_pocketsphinx_backend */
	struct stt_config stt;                 /* the engine (mode, grammar, threads...) */
	/* a second engine (another model: e.g. the n-gram LM next to a command grammar) that a
	 * session's settings may choose (model = 1); only with stt_enable */
	uint8_t stt_alt_enable;
	struct stt_config stt_alt;
};

/* Event kinds; each maps onto one ctrlplane/event.h type (media/pipeline_event.h). */
enum media_pipeline_event_kind {
	MEDIA_PIPE_EV_SPEECH_START = 1,       /* EVENT_SPEECH_START */
	MEDIA_PIPE_EV_SPEECH_END = 2,         /* EVENT_SPEECH_END */
	MEDIA_PIPE_EV_TRANSCRIPT_PARTIAL = 3, /* EVENT_TRANSCRIPT_PARTIAL */
	MEDIA_PIPE_EV_TRANSCRIPT_FINAL = 4,   /* EVENT_TRANSCRIPT_FINAL */
};

/*
 * One event for the control lcore. It carries the tap's session id, not
 * the session's name: the control lcore maps the id to its session and
 * stream names and builds a struct event (media_pipeline_event_to_event()).
 */
struct media_pipeline_event {
	uint8_t kind;       /* enum media_pipeline_event_kind */
	uint8_t track;      /* audio track index within the session */
	uint8_t stt_status; /* transcripts: enum stt_status */
	uint8_t rsvd;
	uint32_t session;  /* the tap message's session id */
	uint64_t media_ms; /* speech: media time of the edge */
	uint64_t start_ms; /* transcripts: media time span of the text */
	uint64_t end_ms;
	int32_t confidence_milli; /* transcripts: 0..1000, -1 when the search gives none (JSGF) */
	uint32_t rsvd2;
	char text[STT_TEXT_MAX]; /* transcripts: UTF-8, NUL-terminated; "" for speech */
};

/*
 * Counters and gauges, readable from any thread (media_pipeline_stats):
 * symbol, name (/metrics: rtcedge_media_<name>), 'c' counter or 'g' gauge, help.
 */
#define MEDIA_PIPE_COUNTERS(_)                                                                     \
	_(PACKETS_IN, "packets_in", 'c', "tap messages taken from the rings")                      \
	_(RING_FULL, "ring_full", 'c', "tap messages lost: a ring was full (counted by the ring)") \
	_(RING_TOO_LONG, "ring_too_long", 'c', "tap messages refused by a ring: payload too long") \
	_(BAD_MSG, "bad_msg", 'c', "tap messages dropped: wrong version or length")                \
	_(NO_STREAM, "no_stream", 'c', "packets dropped: max_streams streams live")                \
	_(STREAM_NOMEM, "stream_nomem", 'c', "packets dropped: a new stream could not allocate")   \
	_(RX_DROPPED, "rx_dropped", 'c', "packets the Opus receiver dropped (late, dup, jump...)") \
	_(RX_LOST, "rx_lost", 'c', "packets never received, concealed or skipped")                 \
	_(SSRC_CHANGES, "ssrc_changes", 'c', "streams restarted: the SSRC changed")                \
	_(STREAMS_CREATED, "streams_created", 'c', "streams started (first packet)")               \
	_(STREAMS_CLOSED, "streams_closed", 'c', "streams freed by media_pipeline_close_session")  \
	_(STREAMS_IDLE, "streams_idle", 'c', "streams freed after idle_timeout_ms")                \
	_(STREAMS_LIVE, "streams_live", 'g', "streams now")                                        \
	_(FRAMES, "frames", 'c', "20 ms frames through the kernels")                               \
	_(DISCONT, "discont", 'c', "timeline discontinuities (kernel states reset)")               \
	_(TICKS, "ticks", 'c', "polls that ran the kernels")                                       \
	_(BATCHES, "batches", 'c', "batches (each: [pcm, resample,] log-mel, VAD over its rows)")  \
	_(KERNEL_CALLS, "kernel_calls", 'c', "op calls; with CUDA one kernel launch each")         \
	_(KERNEL_ERRORS, "kernel_errors", 'c', "op calls that failed (batch's streams reset)")     \
	_(STATE_SWAPS, "state_swaps", 'c', "kernel states moved between a stream and a row")       \
	_(TICK_FRAMES, "tick_frames", 'g', "frames in the last tick")                              \
	_(TICK_BATCHES, "tick_batches", 'g', "batches in the last tick")                           \
	_(TICK_KERNEL_CALLS, "tick_kernel_calls", 'g', "op calls in the last tick")                \
	_(BATCH_MAX, "batch_rows_max", 'g', "most rows in one batch so far")                       \
	_(SPEECH_STARTS, "speech_starts", 'c', "speech.start events made")                         \
	_(SPEECH_ENDS, "speech_ends", 'c', "speech.end events made")                               \
	_(TRANSCRIPTS, "transcripts_final", 'c', "transcript.final events made")                   \
	_(PARTIALS, "transcripts_partial", 'c', "transcript.partial events made")                  \
	_(TRANSCRIPTS_EMPTY, "transcripts_empty", 'c', "final results with no words (no event)")   \
	_(STT_QUEUED, "stt_queued", 'c', "utterances queued for recognition")                      \
	_(STT_DROPPED, "stt_dropped", 'c',                                                         \
	        "utterances refused (no free slot) or dropped (queue full)")                       \
	_(STT_AUDIO_MS, "stt_audio_ms", 'c', "ms of audio the engine recognised")                  \
	_(STT_DECODE_MS, "stt_decode_ms", 'c', "recognition thread CPU ms (RTF = decode / audio)") \
	_(EVENTS, "events", 'c', "events queued for the control lcore")                            \
	_(EVENTS_LOST, "events_lost", 'c', "events lost: the event queue was full")                \
	_(COMMANDS, "commands", 'c', "commands applied")                                           \
	_(SETTINGS_FULL, "settings_full", 'c', "settings refused: max_sessions sessions set")      \
	_(IDLE_SLEEPS, "idle_sleeps", 'c', "thread runner: sleeps after an idle poll")

enum media_pipeline_counter {
#define MEDIA_PIPE_CTR_ENUM(sym, name, kind, help) MEDIA_PIPE_C_##sym,
	MEDIA_PIPE_COUNTERS(MEDIA_PIPE_CTR_ENUM)
#undef MEDIA_PIPE_CTR_ENUM
	        MEDIA_PIPE_C_MAX
};

/* Name ("packets_in"), help, and 'c' or 'g' of counter @c; NULL / 0 if out of range. */
const char *media_pipeline_counter_name(unsigned c);
const char *media_pipeline_counter_help(unsigned c);
char media_pipeline_counter_kind(unsigned c);

struct media_pipeline;

/* Defaults: 1 ring, 256 streams, STT on with stt_config_default() (LM). */
void media_pipeline_config_default(struct media_pipeline_config *cfg);
/* stt 1, margin 10 dB, start after 3 loud frames, end after 30 quiet ones (kernels' defaults). */
void media_pipeline_settings_default(struct media_pipeline_settings *s);
/* 0 if @s is in range, else -EINVAL. */
int media_pipeline_settings_check(const struct media_pipeline_settings *s);

/*
 * A pipeline running its kernels on @kb (kernels_backend_select()'s result;
 * the gpu_queue is created for it, one row per stream), with cfg->n_rings
 * tap rings and, if cfg->stt_enable, an STT engine (models loaded, threads
 * started). 0 and *@out; -EINVAL (config out of range), -ENOMEM, -EIO
 * (gpu_queue), or the STT engine's error (-ENOENT model missing, ...).
 */
int media_pipeline_create(const struct media_pipeline_config *cfg, const struct kernels_backend *kb,
        struct media_pipeline **out);
/* Stops the thread runner if running, frees everything (open utterances are abandoned). */
void media_pipeline_destroy(struct media_pipeline *p);

/* Worker @i's tap ring (it is the ring's only producer), or NULL if i >= n_rings. */
struct media_tap_ring *media_pipeline_tap_ring(struct media_pipeline *p, unsigned i);

/*
 * One pass of the loop at @now_us, never blocking: apply queued commands,
 * take up to ring_budget messages from each ring into their streams' Opus
 * receivers, pull ready 20 ms frames, run this pass's frames of all streams
 * through the kernels in batches, hand VAD marks and 16 kHz audio to each
 * stream's utterance cutter, free idle streams, and turn STT results into
 * events. Returns the work done (messages + frames + results + commands):
 * 0 means idle.
 */
unsigned media_pipeline_poll(struct media_pipeline *p, uint64_t now_us);

/*
 * Control lcore. Settings of @session (all its tracks, now and later; kept
 * until media_pipeline_close_session). 0 when queued; -EINVAL (@s out of
 * range, nothing queued), -ENOBUFS (command queue full: not applied).
 */
int media_pipeline_set(
        struct media_pipeline *p, uint32_t session, const struct media_pipeline_settings *s);

/*
 * Control lcore. The session is gone: its streams are freed (an utterance
 * in progress is ended and still recognised, a speech.end made for speech
 * in progress) and its settings forgotten. 0 when queued, -ENOBUFS.
 */
int media_pipeline_close_session(struct media_pipeline *p, uint32_t session);

/* Control lcore. The oldest event: 1 and *@ev, or 0. */
int media_pipeline_poll_event(struct media_pipeline *p, struct media_pipeline_event *ev);

/* Any thread: counters and gauges, indexed by enum media_pipeline_counter. */
void media_pipeline_stats(const struct media_pipeline *p, uint64_t out[MEDIA_PIPE_C_MAX]);

/*
 * Thread runner for deployments without a spare lcore: a pthread calling
 * media_pipeline_poll(CLOCK_MONOTONIC) in a loop, sleeping (nanosleep, from
 * 50 us doubling to @idle_max_us, 0: 1000) after each idle poll. 0, -EBUSY
 * (already running), -EINVAL, or pthread_create's error (negated).
 */
int media_pipeline_thread_start(struct media_pipeline *p, uint32_t idle_max_us);
/* Stops and joins the thread (no-op if not running). */
void media_pipeline_thread_stop(struct media_pipeline *p);

#endif
