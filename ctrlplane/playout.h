/*
 * Playout of injected audio (say, play) into sessions: per session a FIFO of
 * rendered clips (media/tts.h), sent one 20 ms Opus packet at a time on the
 * clock the caller passes in. Sans-IO: no thread, no I/O; the control loop
 * calls playout_run() and sends what it is handed.
 *
 * Owns: the clips it is given (freed when played, stopped or destroyed), the
 * schedule (packet i of a talkspurt is due at start + 20 ms * i), the RTP
 * timestamps (48 kHz, from the schedule, plus a per-session random offset:
 * continuous inside a talkspurt, advancing with the wall clock across silence),
 * and the marker bit (the first packet of a talkspurt, RFC 3551 §4.1). The
 * sequence numbers belong to the sender (the worker), which numbers every
 * packet it sends on the session's audio SSRC.
 *
 * A loop that runs late sends the packets that came due meanwhile at once
 * (the receiver's jitter buffer absorbs a few); later than PLAYOUT_LATE_US,
 * the schedule moves to now instead (counted), the receiver hearing a gap.
 */
#ifndef RTC_PLAYOUT_H
#define RTC_PLAYOUT_H

#include <stdint.h>

#include "tts.h"

#define PLAYOUT_FRAME_US 20000
#define PLAYOUT_FRAME_TS 960 /* 20 ms at 48 kHz */
#define PLAYOUT_LATE_US 200000

struct playout;

struct playout_stats {
	uint64_t clips, packets, late_shifts, refused, stopped, held;
};

struct playout_ops {
	/* Send packet @pkt of @len octets for session @idx: 0 (sent, or lost on the way: the
	 * schedule goes on), or -EAGAIN: the session cannot send yet (its media is not up),
	 * the packet waits and its clip is held, due again PLAYOUT_FRAME_US later. */
	int (*send)(void *ctx, uint32_t idx, const uint8_t *pkt, uint16_t len, int marker,
			uint32_t ts);
	/* A clip of session @idx began (@start: its first packet went) or ended (!@start,
	 * @done: played to its end, else stopped). */
	void (*clip)(void *ctx, uint32_t idx, uint64_t tag, int start, int done);
	void *ctx;
};

/* For sessions 0..@max_sessions-1, each with room for @max_clips clips. */
int playout_create(uint32_t max_sessions, unsigned max_clips, struct playout **out);
void playout_destroy(struct playout *p);

/*
 * Queue @clip for session @idx (owned from now on, also on failure); it starts
 * when the clips before it end, or at @now_us. @ts_offset: the session's
 * random RTP timestamp offset, used when its first clip starts. 0, -ENOBUFS
 * (its FIFO is full), -EINVAL (@idx out of range).
 */
int playout_add(struct playout *p, uint32_t idx, struct tts_clip *clip, uint32_t ts_offset,
		uint64_t now_us);

/* Stop session @idx (barge-in): its clips are freed (the one playing ends with done = 0);
 * its timestamps go on with the clock (the next clip continues the same stream). */
void playout_stop(struct playout *p, uint32_t idx, const struct playout_ops *ops);
/* The session is gone: stopped, and its timestamps forgotten (the next clip for @idx is
 * another session's, from its own offset). */
void playout_close(struct playout *p, uint32_t idx, const struct playout_ops *ops);

/* Clips queued or playing for session @idx. */
unsigned playout_pending(const struct playout *p, uint32_t idx);

/* Send what is due at @now_us. Microseconds until the next packet is due, or -1 for none. */
int64_t playout_run(struct playout *p, uint64_t now_us, const struct playout_ops *ops);

void playout_stats(const struct playout *p, struct playout_stats *out);

#endif
