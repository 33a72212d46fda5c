/*
 * Audio for injection into a session (the orchestrator's say and play
 * commands): text rendered by espeak-ng (a child process writing a WAV to a
 * pipe) or a WAV file, resampled to 48 kHz mono and encoded to 20 ms Opus
 * packets (RFC 7587), ready to be sent as the session's outgoing audio, one
 * every 20 ms (ctrlplane/playout.h paces them).
 *
 * Owns: the rendering and encoding (tts_render_text, tts_render_wav), and a
 * thread with a bounded job queue so that the control lcore never waits for
 * espeak-ng, the disk or the encoder (tts_queue_*): jobs in, finished clips
 * out, polled; a full queue refuses the job (the caller answers 503).
 */
#ifndef RTC_MEDIA_TTS_H
#define RTC_MEDIA_TTS_H

#include <stddef.h>
#include <stdint.h>

#define TTS_TEXT_MAX 2048
#define TTS_VOICE_MAX 64
#define TTS_PATH_MAX 512
#define TTS_PKT_MAX 400      /* an Opus packet of 20 ms voice at 32 kbit/s is far below this */
#define TTS_MAX_PACKETS 3000 /* 60 s at most; longer audio is cut there */
#define TTS_WAV_MAX (64u << 20)

/* A rendered clip: @n Opus packets of 20 ms, 48 kHz mono; packet i is data[off[i]..off[i+1]). */
struct tts_clip {
	uint64_t tag; /* the caller's */
	unsigned n;
	uint32_t *off; /* n + 1 offsets into data */
	uint8_t *data;
};

/* One allocation: free() it (or tts_clip_free). */
void tts_clip_free(struct tts_clip *clip);

/*
 * Render @text with espeak-ng (voice @voice, NULL or "" for the default).
 * A clip, or NULL with *@err: -EINVAL empty or too long text, -ENOENT no
 * espeak-ng, -EIO a failed render or encode, -ENOMEM.
 */
struct tts_clip *tts_render_text(const char *text, const char *voice, int *err);

/*
 * Encode a RIFF/WAVE file in memory (PCM 16-bit, 1 or 2 channels, 8-48 kHz;
 * stereo is mixed down). A clip, or NULL with *@err: -EPROTO not such a
 * WAV (or not a WAV), -ENOMEM, -EIO an encoder failure.
 */
struct tts_clip *tts_render_wav(const uint8_t *wav, size_t len, int *err);

struct tts_queue;
/* A thread with room for @depth waiting jobs. 0 or a negative errno. */
int tts_queue_create(unsigned depth, struct tts_queue **out);
/* Stop the thread (a job being rendered finishes) and free everything, finished clips too. */
void tts_queue_destroy(struct tts_queue *q);
/* Queue @text for @tag. 0, -ENOBUFS when full, -EINVAL for a bad text or voice. */
int tts_queue_say(struct tts_queue *q, uint64_t tag, const char *text, const char *voice);
/* Queue the WAV file @path (read on the thread) for @tag. 0, -ENOBUFS, -EINVAL. */
int tts_queue_play(struct tts_queue *q, uint64_t tag, const char *path);
/*
 * A finished job or NULL. *@tag is its tag; the clip, or NULL with *@err
 * (the errors of the render functions; a file: -ENOENT missing, -EACCES,
 * -EFBIG over TTS_WAV_MAX, -EIO a read error).
 */
int tts_queue_poll(struct tts_queue *q, uint64_t *tag, struct tts_clip **clip, int *err);

/* A one-line description of a render error. */
const char *tts_strerror(int err);

#endif
