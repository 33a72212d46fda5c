/*
 * The media pipeline's state, shared by its files (pipeline.c: lifecycle,
 * streams, settings, commands, events, counters; pipeline_tick.c: one poll;
 * pipeline_thread.c: the thread runner). Not for users: see pipeline.h.
 */
#ifndef RTC_MEDIA_PIPELINE_INTERNAL_H
#define RTC_MEDIA_PIPELINE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "gpu_queue.h"
#include "kernels.h"
#include "keymap.h"
#include "pipeline.h"
#include "spsc.h"

#define MP_FRAME_16K (OPUS_RX_FRAME / 3u) /* 320: 16 kHz samples per 20 ms frame */
#define MP_RATE_16K 16000u
#define MP_CMD_PER_POLL 64u
#define MP_PEEK_BURST 32u

/* Commands, control lcore -> pipeline (fixed size, over an SPSC queue). */
enum mp_cmd_type {
	MP_CMD_SET = 1,
	MP_CMD_CLOSE = 2,
};

struct mp_cmd {
	uint32_t type; /* enum mp_cmd_type */
	uint32_t session;
	struct media_pipeline_settings set;
};

/*
 * A frame waiting for the tick: what the stream's opus_rx gave, without
 * the unused tail of struct opus_rx_frame (a 16 kHz float frame is 1280
 * octets of its 3840).
 */
struct mp_frame {
	union {
		int16_t s16[OPUS_RX_FRAME]; /* rx.rate 48000, int16: the pcm op's input */
		float f32[MP_FRAME_16K];    /* rx.rate 16000, float: log-mel's input as is */
	};
	uint64_t pts;
	uint8_t flags;
};

/* Why a stream ends. */
enum mp_end {
	MP_END_CLOSE,
	MP_END_IDLE,
	MP_END_SSRC,
	MP_END_DESTROY,
};

/*
 * One (session, track). Its kernel states live either here (row < 0) or
 * in gpu_queue row `row` (row_owner[row] is this stream): rows cache the
 * states of the streams that used them last, so a stream that keeps its
 * row from tick to tick moves no state at all.
 */
struct mp_stream {
	uint64_t key; /* session << 8 | track; also the STT stream id */
	uint32_t session;
	uint32_t ssrc;
	uint8_t track;
	uint8_t started;   /* first frame seen: first_pts set */
	uint8_t in_speech; /* between a speech.start and its speech.end */
	uint8_t pad;
	uint32_t live_pos; /* index in live[] */
	int32_t row;       /* gpu_queue row holding the kernel states, or -1 */
	uint32_t stamp;    /* batch stamp: assigned a row in this batch */
	uint32_t npend;    /* frames in pend[] */
	uint64_t last_us;  /* now_us of the last packet */
	uint64_t first_pts;
	uint64_t seg_base; /* 16 kHz position of the current segment's first sample */
	uint64_t seg_out;  /* 16 kHz samples the kernels gave in this segment */
	uint64_t rx_lost;  /* opus_rx LOST already counted */
	struct opus_rx *rx;
	struct media_utt *utt; /* NULL: STT off for this stream */
	struct media_pipeline_settings set;
	struct kernels_rs_state rs;
	struct kernels_mel_state mel;
	struct kernels_vad_state vad;
	struct kernels_vad_params vp;
	struct mp_frame pend[MEDIA_PIPE_PENDING];
};

struct mp_session {
	uint32_t session;
	struct media_pipeline_settings set;
};

struct media_pipeline {
	struct media_pipeline_config cfg;
	const struct kernels_backend *kb;
	struct gpu_queue *q;
	struct stt_engine *stt; /* NULL when cfg.stt_enable == 0 */
	struct stt_engine *stt_alt; /* cfg.stt_alt: NULL unless stt_alt_enable */
	struct media_tap_ring *rings[MEDIA_PIPE_RINGS_MAX];
	struct media_spsc *cmdq; /* control -> pipeline */
	struct media_spsc *evq;  /* pipeline -> control */

	/* streams: slots, a free stack, the live list, the (session, track) map */
	struct mp_stream *streams;
	uint32_t *free_ids;
	uint32_t nfree;
	uint32_t *live;
	uint32_t nlive;
	struct media_keymap smap;

	/* per-session settings: slots, a free stack, the session map */
	struct mp_session *sess;
	uint32_t *sess_free;
	uint32_t nsess_free;
	struct media_keymap sessmap;

	/* the tick: streams with frames, and per row: owner, batch stamp, stream, position */
	uint32_t *act;
	uint32_t nact;
	int32_t *row_owner;
	uint32_t *row_stamp;
	uint32_t *row_stream;
	uint64_t *row_pos;
	uint32_t stamp;
	uint8_t at16k;            /* cfg.rx: 16 kHz float (2 ops), else 48 kHz int16 (4 ops) */
	struct opus_rx_frame rxf; /* opus_rx_pull's frame, copied into a stream's pend[] */
	int16_t pcm16[MP_FRAME_16K];

	_Atomic uint64_t ctr[MEDIA_PIPE_C_MAX];

	/* thread runner */
	pthread_t thread;
	uint8_t thread_running;
	_Atomic int thread_stop;
	uint32_t idle_max_us;
};

/* A counter with one writer (the pipeline thread): plain add, relaxed store. */
static inline void
mp_ctr_add(struct media_pipeline *p, enum media_pipeline_counter c, uint64_t n)
{
	atomic_store_explicit(&p->ctr[c],
	        atomic_load_explicit(&p->ctr[c], memory_order_relaxed) + n, memory_order_relaxed);
}

static inline void
mp_ctr_set(struct media_pipeline *p, enum media_pipeline_counter c, uint64_t v)
{
	atomic_store_explicit(&p->ctr[c], v, memory_order_relaxed);
}

static inline uint64_t
mp_ctr_get(const struct media_pipeline *p, enum media_pipeline_counter c)
{
	return atomic_load_explicit(&p->ctr[c], memory_order_relaxed);
}

/* pipeline.c */
void mp_event_push(struct media_pipeline *p, const struct media_pipeline_event *ev);
void mp_speech_event(
        struct media_pipeline *p, const struct mp_stream *s, uint8_t kind, uint64_t pos16);
struct mp_stream *mp_stream_get(
        struct media_pipeline *p, const struct media_tap_msg *m, uint64_t now_us);
void mp_stream_end(struct media_pipeline *p, struct mp_stream *s, enum mp_end why);
void mp_stream_kernels_reset(struct media_pipeline *p, struct mp_stream *s);
unsigned mp_commands_apply(struct media_pipeline *p);

#endif
