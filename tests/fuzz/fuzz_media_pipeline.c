/*
 * libFuzzer target: the media pipeline (media/pipeline*.c) driven by a
 * script of tap messages, commands and clock steps; C kernels, no STT.
 *
 * Input: one config octet (bits 0-1: max_streams 1..4; bit 2: two rings;
 * bit 3: an event queue of 2 instead of 64; bit 4: idle timeout 200 ms
 * instead of 2 s), then records of 6 octets and a payload:
 *   op     bits 0-2: advance the clock by that many 10 ms; bit 3: poll
 *          after the record; bits 4-6: 0-3 a packet, 4 settings of the
 *          session (margin from the seq octet, stt from ts), 5 close the
 *          session, 6 drain the events, 7 a message of a wrong version
 *   who    bits 0-2: session 1..8; bits 3-4: track; bit 5: the SSRC (two)
 *   seq    int8, added to the session's last sequence number
 *   ts     int8 times 120 samples (2.5 ms), added to its last timestamp
 *   aux    settings: start frames 1 + aux % 8, end frames 1 + aux / 8
 *   len    payload octets that follow (at most what is left)
 * At the end the clock runs on until every ring is empty and every stream
 * idled out. Invariants, after every poll: streams_live <= max_streams and
 * created == live + closed + idle + ssrc_changes; speech ends never
 * outnumber starts, and starts - ends <= live; events + events_lost ==
 * speech events made; 2 kernel calls per batch (log-mel, VAD), no kernel error; at the
 * end every message pushed was taken (packets_in + nothing left) and every
 * speech start has its end. Seeds: corpus/media_pipeline/, real Opus
 * packets of two sessions (RTC_PIPELINE_SEEDS=dir test_media_pipeline
 * writes them). FUZZ_PIPELINE_TRACE=1 prints the counters at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct kernels_backend *fz_kb;

static void
fz_check(struct media_pipeline *p, uint32_t max_streams)
{
	uint64_t c[MEDIA_PIPE_C_MAX];

	media_pipeline_stats(p, c);
	if (c[MEDIA_PIPE_C_STREAMS_LIVE] > max_streams)
		abort();
	if (c[MEDIA_PIPE_C_STREAMS_CREATED] !=
	        c[MEDIA_PIPE_C_STREAMS_LIVE] + c[MEDIA_PIPE_C_STREAMS_CLOSED] +
	                c[MEDIA_PIPE_C_STREAMS_IDLE] + c[MEDIA_PIPE_C_SSRC_CHANGES])
		abort();
	if (c[MEDIA_PIPE_C_SPEECH_ENDS] > c[MEDIA_PIPE_C_SPEECH_STARTS] ||
	        c[MEDIA_PIPE_C_SPEECH_STARTS] - c[MEDIA_PIPE_C_SPEECH_ENDS] >
	                c[MEDIA_PIPE_C_STREAMS_LIVE])
		abort();
	if (c[MEDIA_PIPE_C_EVENTS] + c[MEDIA_PIPE_C_EVENTS_LOST] !=
	        c[MEDIA_PIPE_C_SPEECH_STARTS] + c[MEDIA_PIPE_C_SPEECH_ENDS])
		abort();
	if (c[MEDIA_PIPE_C_KERNEL_CALLS] != 2 * c[MEDIA_PIPE_C_BATCHES] ||
	        c[MEDIA_PIPE_C_KERNEL_ERRORS] != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_pipeline_config cfg;
	struct media_pipeline *p;
	struct media_pipeline_event ev;
	uint16_t seq[8][4] = {{0}};
	uint32_t ts[8][4] = {{0}};
	uint64_t now = 1000000, pushed = 0, c[MEDIA_PIPE_C_MAX];
	size_t off = 1;

	if (size < 1)
		return 0;
	if (fz_kb == NULL && (fz_kb = kernels_backend_find("cpu")) == NULL)
		abort();
	media_pipeline_config_default(&cfg);
	cfg.max_streams = 1u + (data[0] & 3u);
	cfg.n_rings = data[0] & 4u ? 2 : 1;
	cfg.ring_size = 64;
	cfg.ring_budget = 16;
	cfg.event_queue_len = data[0] & 8u ? 2 : 64;
	cfg.idle_timeout_ms = data[0] & 16u ? 200 : 2000;
	cfg.max_sessions = 4;
	cfg.stt_enable = 0;
	if (media_pipeline_create(&cfg, fz_kb, &p) != 0)
		abort();
	while (off + 6 <= size) {
		const uint8_t *r = data + off;
		uint32_t sess = 1u + (r[1] & 7u), track = (r[1] >> 3) & 3u;
		unsigned kind = (r[0] >> 4) & 7u;
		size_t len = r[5] < size - off - 6 ? r[5] : size - off - 6;
		const uint8_t *payload = r + 6;

		off += 6 + len;
		now += 10000u * (r[0] & 7u);
		if (kind <= 3 || kind == 7) {
			struct media_tap_msg h;
			struct media_tap_ring *ring =
			        media_pipeline_tap_ring(p, sess % cfg.n_rings);

			memset(&h, 0, sizeof(h));
			seq[sess - 1][track] = (uint16_t)(seq[sess - 1][track] + (int8_t)r[2]);
			ts[sess - 1][track] += (uint32_t)((int8_t)r[3] * 120);
			h.session = sess;
			h.track = (uint8_t)track;
			h.ssrc = r[1] & 32u ? 2 : 1;
			h.seq = seq[sess - 1][track];
			h.ts = ts[sess - 1][track];
			if (media_tap_ring_push(ring, &h, payload, len) == 0) {
				pushed++;
				if (kind == 7) /* the consumer must refuse it, not misread it */
					ring->slots[(atomic_load(&ring->head) - 1) & ring->mask]
					        .version = MEDIA_TAP_MSG_VERSION + 1;
			}
		} else if (kind == 4) {
			struct media_pipeline_settings s;
			media_pipeline_settings_default(&s);
			s.vad_margin_db = 1.0f + (float)(r[2] % 40u);
			s.vad_start_frames = (uint16_t)(1u + r[4] % 8u);
			s.vad_end_frames = (uint16_t)(1u + r[4] / 8u);
			s.stt = r[3] & 1u; /* no engine: accepted, no cutter */
			(void)media_pipeline_set(p, sess, &s);
		} else if (kind == 5) {
			(void)media_pipeline_close_session(p, sess);
		} else {
			while (media_pipeline_poll_event(p, &ev) == 1)
				if (ev.kind != MEDIA_PIPE_EV_SPEECH_START &&
				        ev.kind != MEDIA_PIPE_EV_SPEECH_END)
					abort();
		}
		if (r[0] & 8u) {
			media_pipeline_poll(p, now);
			fz_check(p, cfg.max_streams);
		}
	}
	/* run on until the rings are empty and every stream idled out */
	for (int i = 0; i < 400; i++) {
		now += 10000;
		media_pipeline_poll(p, now);
		fz_check(p, cfg.max_streams);
		media_pipeline_stats(p, c);
		if (c[MEDIA_PIPE_C_STREAMS_LIVE] == 0 &&
		        media_tap_ring_count(media_pipeline_tap_ring(p, 0)) == 0 &&
		        (cfg.n_rings == 1 ||
		                media_tap_ring_count(media_pipeline_tap_ring(p, 1)) == 0))
			break;
	}
	media_pipeline_stats(p, c);
	if (getenv("FUZZ_PIPELINE_TRACE") != NULL)
		for (unsigned k = 0; k < MEDIA_PIPE_C_MAX; k++)
			if (c[k] != 0)
				fprintf(stderr, "%s=%llu ", media_pipeline_counter_name(k),
				        (unsigned long long)c[k]);
	if (c[MEDIA_PIPE_C_PACKETS_IN] != pushed || c[MEDIA_PIPE_C_STREAMS_LIVE] != 0 ||
	        c[MEDIA_PIPE_C_SPEECH_STARTS] != c[MEDIA_PIPE_C_SPEECH_ENDS])
		abort();
	media_pipeline_destroy(p);
	return 0;
}
