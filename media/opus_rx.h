/*
 * Per-track Opus receiver of the media lcore: RTP payloads in, 20 ms
 * frames of mono PCM out (48 kHz int16 by default; any Opus decoding rate,
 * 8..48 kHz, int16 or float: struct opus_rx_config). Sans-IO: the arrival time is an argument
 * (now_us, any monotonic microsecond clock), never read here.
 *
 * Owns: putting packets back in sequence order (16-bit sequence numbers
 * with wrap), telling late and duplicate packets apart, deciding when a
 * missing packet is lost, filling losses with libopus's packet-loss
 * concealment (PLC) or, for the last packet of a gap when the packet after
 * it carries in-band FEC (SILK LBRR data), with that FEC; decoding with
 * libopus at the configured rate into mono (libopus downmixes stereo
 * packets itself, and at 8..24 kHz does the rate change inside the codec,
 * which is cheaper than decoding at 48 kHz and resampling);
 * cutting the decoded stream into 20 ms frames stamped with the extended
 * RTP timestamp of their first sample; and naming every outcome in a
 * counter.
 *
 * When a packet is missing (next sequence number not held), it is declared
 * lost once a packet reorder_depth numbers later is held, or the oldest held
 * packet has waited max_wait_us, or a packet beyond the window arrived, or
 * opus_rx_drain() is called. A gap of k packets of the last packet duration
 * d: if k * d <= conceal_max_ms, the first k - 1 are concealed with PLC and
 * the last with FEC from the following packet when it has LBRR data (else
 * PLC too); a longer gap is not filled (gap_skipped): the next frame
 * carries OPUS_RX_F_DISCONT and the timeline jumps. A forward jump of the
 * RTP timestamp with contiguous sequence numbers (DTX) is filled with PLC up
 * to conceal_max_ms (libopus then produces comfort noise); any other
 * timestamp mismatch starts a new segment (OPUS_RX_F_DISCONT).
 *
 * A malformed payload (empty, or one libopus rejects) is counted as a
 * decode error and its duration concealed; it never stops the stream.
 * Counter invariants, once everything pushed has been pulled (or drained):
 *   packets == decoded + decode_errors
 *   lost    == (concealed - decode_errors) + fec_recovered + gap_skipped
 */
#ifndef RTC_MEDIA_OPUS_RX_H
#define RTC_MEDIA_OPUS_RX_H

#include <stddef.h>
#include <stdint.h>

#define OPUS_RX_RATE 48000u           /* the RTP clock (RFC 7587 §4.1), the default output rate */
#define OPUS_RX_FRAME 960u            /* samples per output frame at 48 kHz: 20 ms (the most) */
#define OPUS_RX_WINDOW 16u            /* reorder slots (sequence numbers held) */
#define OPUS_RX_PAYLOAD_MAX 1504u     /* = MEDIA_TAP_PAYLOAD_MAX */
#define OPUS_RX_PKT_SAMPLES_MAX 5760u /* 120 ms, the longest Opus packet */
#define OPUS_RX_MAX_DROPOUT 3000u     /* RFC 3550 App. A.1 */
#define OPUS_RX_MAX_MISORDER 100u     /* RFC 3550 App. A.1 */

/* frame flags */
#define OPUS_RX_F_DISCONT 0x01u   /* pts does not follow the previous frame's */
#define OPUS_RX_F_CONCEALED 0x02u /* holds samples made by PLC or FEC */

struct opus_rx_config {
	uint32_t reorder_depth;  /* 1..OPUS_RX_WINDOW - 1; default 3 */
	uint32_t max_wait_us;    /* default 60000 */
	uint32_t conceal_max_ms; /* longest gap filled, 0..1000; default 200 */
	uint8_t fec;             /* use in-band FEC; default 1 */
	uint8_t f32;             /* 0: int16 (opus_decode, soft clip); 1: float (see below) */
	uint8_t rsvd[2];         /* 0 */
	uint32_t rate;           /* output rate: 8000, 12000, 16000, 24000, 48000 (default) */
};

/* Samples of a 20 ms frame at @rate (the frame's pcm / pcm_f32 holds this many). */
#define OPUS_RX_FRAME_SAMPLES(rate) ((rate) / 50u)

/* Every outcome, counted: symbol, counter name, meaning. */
#define OPUS_RX_COUNTERS(_)                                                                        \
	_(PACKETS, "packets", "packets accepted into the reorder window")                          \
	_(DECODED, "decoded", "packets decoded")                                                   \
	_(FRAMES, "frames", "20 ms frames produced")                                               \
	_(LOST, "lost", "sequence numbers never received in time")                                 \
	_(CONCEALED, "concealed", "packet durations filled by PLC (lost or malformed)")            \
	_(FEC_RECOVERED, "fec_recovered", "lost packets rebuilt from the next packet's FEC")       \
	_(GAP_SKIPPED, "gap_skipped", "lost packets in a gap too long to conceal")                 \
	_(DECODE_ERRORS, "decode_errors", "malformed payloads (concealed)")                        \
	_(LATE, "late", "dropped: arrived after its turn")                                         \
	_(DUPLICATE, "duplicate", "dropped: already received")                                     \
	_(JUMP, "jump", "dropped: sequence number far out of line (RFC 3550 A.1)")                 \
	_(RESYNC, "resync", "restarted at a new sequence number after a jump")                     \
	_(TOO_LONG, "too_long", "dropped: payload longer than OPUS_RX_PAYLOAD_MAX")                \
	_(BUSY, "busy", "dropped: a packet beyond the window is already waiting")                  \
	_(TS_FILL, "ts_fill_samples", "48 kHz samples of PLC filling a timestamp jump (DTX)")      \
	_(DISCONT, "discont", "timeline discontinuities")

enum opus_rx_counter {
#define OPUS_RX_CTR_ENUM(sym, name, help) OPUS_RX_C_##sym,
	OPUS_RX_COUNTERS(OPUS_RX_CTR_ENUM)
#undef OPUS_RX_CTR_ENUM
	        OPUS_RX_C_MAX
};

/* Counter name ("fec_recovered") and help; NULL if out of range. */
const char *opus_rx_counter_name(unsigned c);
const char *opus_rx_counter_help(unsigned c);

/* What opus_rx_push() made of a packet (>= 0), errors are < 0. */
enum opus_rx_verdict {
	OPUS_RX_ACCEPTED = 0,  /* held for decoding */
	OPUS_RX_DUPLICATE = 1, /* dropped, counted */
	OPUS_RX_LATE = 2,      /* dropped, counted */
	OPUS_RX_JUMP = 3,      /* dropped, counted; the next in line would resync */
	OPUS_RX_TOO_LONG = 4,  /* dropped, counted */
	OPUS_RX_BUSY = 5,      /* dropped, counted: pull before pushing more */
};

/*
 * A 20 ms frame: n = OPUS_RX_FRAME_SAMPLES(cfg.rate) mono samples, in pcm
 * (cfg.f32 == 0: libopus's opus_decode(), soft-clipped int16) or in
 * pcm_f32 (cfg.f32 == 1: opus_decode_float(), then clamped to [-1, 1], a
 * NaN to 1: libopus's float output is not bounded, and nothing downstream
 * should have to trust it; and |v| < OPUS_RX_F32_ZERO to 0, as the int16
 * output rounds them: libopus leaves silence as values down to 1e-30 and
 * below, whose squares underflow in a log-mel FFT, a microcode assist per
 * operation on x86 that made the log-mel op 30 % slower). pts stays on the
 * 48 kHz RTP clock whatever the rate: consecutive frames are 960 apart.
 */
#define OPUS_RX_F32_ZERO 0x1p-16f /* half an int16 step */
struct opus_rx_frame {
	union {
		int16_t pcm[OPUS_RX_FRAME];   /* cfg.f32 == 0 */
		float pcm_f32[OPUS_RX_FRAME]; /* cfg.f32 == 1 */
	};
	uint32_t n;      /* samples in the frame: cfg.rate / 50 */
	uint8_t flags;   /* OPUS_RX_F_* */
	uint64_t pts;    /* extended RTP timestamp (48 kHz) of the first sample (see below) */
	uint32_t rtp_ts; /* (uint32_t)pts: the RTP timestamp of the first sample */
};

struct opus_rx;

/* Defaults for a config (what NULL means to opus_rx_create). */
void opus_rx_config_default(struct opus_rx_config *cfg);

/*
 * A receiver (@cfg NULL: defaults). pts values are the RTP timestamps
 * unwrapped to 64 bits, starting at 2^32 + the first packet's timestamp
 * (so earlier, reordered packets never go below zero).
 * 0 and *@out, -EINVAL (a config field out of range), -ENOMEM, -EIO (libopus).
 */
int opus_rx_create(const struct opus_rx_config *cfg, struct opus_rx **out);
void opus_rx_free(struct opus_rx *rx);

/*
 * One RTP packet of the track: its sequence number, timestamp and Opus
 * payload (@len octets, copied). Returns an opus_rx_verdict; never fails.
 */
enum opus_rx_verdict opus_rx_push(struct opus_rx *rx, uint16_t seq, uint32_t ts,
        const uint8_t *payload, size_t len, uint64_t now_us);

/*
 * The next 20 ms frame, if one is ready at @now_us: 1 and *@f filled, or 0
 * (nothing ready; *@f untouched). Call until it returns 0 after each push
 * and periodically (a gap waiting for max_wait_us resolves on time only).
 */
int opus_rx_pull(struct opus_rx *rx, uint64_t now_us, struct opus_rx_frame *f);

/*
 * End of stream: like pull, but every gap is resolved at once and the last
 * partial frame is completed with zeros. 1 and *@f, or 0 when empty.
 */
int opus_rx_drain(struct opus_rx *rx, struct opus_rx_frame *f);

/* Counters, indexed by enum opus_rx_counter. */
const uint64_t *opus_rx_counters(const struct opus_rx *rx);

/*
 * 1 if @payload (an Opus packet) carries in-band FEC (SILK LBRR data) for
 * the packet before it, 0 if not or not parseable. RFC 6716 §4.2.3: the
 * range coder's first symbols are the SILK VAD flags and the LBRR flag,
 * each coded with probability 1/2, i.e. they are the top bits of the first
 * frame's first octet.
 */
int opus_rx_packet_has_fec(const uint8_t *payload, size_t len);

#endif
