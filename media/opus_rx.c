/*
 * Per-track Opus receiver; see opus_rx.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <opus/opus.h>

#include "opus_rx.h"
#include "tap_ring.h"

_Static_assert(OPUS_RX_PAYLOAD_MAX == MEDIA_TAP_PAYLOAD_MAX, "a tapped payload fits a slot");
_Static_assert((OPUS_RX_WINDOW & (OPUS_RX_WINDOW - 1)) == 0, "window is a power of two");

/* Opus frame sizes are multiples of 2.5 ms: 120 samples at 48 kHz. */
#define OPUS_RX_QUANTUM 120u
/* fifo: less than a frame pending + the longest packet (samples at 48 kHz) */
#define OPUS_RX_FIFO (OPUS_RX_FRAME + OPUS_RX_PKT_SAMPLES_MAX)

struct opus_rx_slot {
	uint8_t used;
	uint16_t seq;
	uint16_t len;
	uint64_t ext_ts;
	uint64_t arrival_us;
	uint8_t data[OPUS_RX_PAYLOAD_MAX];
};

struct opus_rx {
	struct opus_rx_config cfg;
	OpusDecoder *dec;
	uint32_t mul;     /* 48 kHz samples per output sample: 48000 / cfg.rate */
	uint32_t frame;   /* output samples per 20 ms frame */
	uint32_t quantum; /* output samples per 2.5 ms */
	uint32_t ssz;     /* octets per sample: 2 (int16) or 4 (float) */
	uint64_t ctr[OPUS_RX_C_MAX];

	/* sequence */
	uint8_t started;
	uint16_t next_seq; /* the next packet to output */
	uint64_t hist;     /* bit i: next_seq - 1 - i was a real packet */
	uint8_t bad_seq_valid;
	uint16_t bad_seq; /* RFC 3550 A.1: a jump resyncs if this comes next */
	uint32_t last_ts;
	uint64_t last_ext_ts;
	uint32_t last_dur; /* output samples of the last decoded packet */

	/* a gap being filled: next_seq .. gap_end - 1 */
	uint8_t gap_active;
	uint8_t gap_skip;
	uint16_t gap_end;

	/* a packet beyond the window, waiting for the window to drain */
	uint8_t over_used;
	uint8_t over_resync;
	struct opus_rx_slot over;

	/* output */
	uint8_t have_pts;
	uint8_t force_discont;
	uint8_t next_flags; /* flags of the frame starting at fifo[0] */
	uint64_t fifo_pts;  /* pts of fifo[0] */
	uint32_t fifo_n;    /* output samples in the fifo */
	uint32_t seg_at;    /* 0, or frame: fifo[seg_at] starts at seg_pts */
	uint64_t seg_pts;
	uint8_t seg_flags;
	uint32_t conc_lo, conc_hi; /* span of the fifo with concealed samples */
	uint8_t *fifo;             /* frame + longest packet samples of ssz octets, after slot[] */

	/*
	 * bit i: slot[i].used. The steady state (every packet in time) looks
	 * for held packets after each frame: the mask answers without
	 * touching 15 slots 1.5 kB apart, cold after the other streams' turns.
	 */
	uint16_t held;
	struct opus_rx_slot slot[OPUS_RX_WINDOW];
};
_Static_assert(OPUS_RX_WINDOW <= 16, "held is a 16-bit mask");

static const char *const ctr_names[OPUS_RX_C_MAX] = {
#define OPUS_RX_CTR_NAME(sym, name, help) [OPUS_RX_C_##sym] = name,
        OPUS_RX_COUNTERS(OPUS_RX_CTR_NAME)
#undef OPUS_RX_CTR_NAME
};

static const char *const ctr_helps[OPUS_RX_C_MAX] = {
#define OPUS_RX_CTR_HELP(sym, name, help) [OPUS_RX_C_##sym] = help,
        OPUS_RX_COUNTERS(OPUS_RX_CTR_HELP)
#undef OPUS_RX_CTR_HELP
};

const char *
opus_rx_counter_name(unsigned c)
{
	return c < OPUS_RX_C_MAX ? ctr_names[c] : NULL;
}

const char *
opus_rx_counter_help(unsigned c)
{
	return c < OPUS_RX_C_MAX ? ctr_helps[c] : NULL;
}

void
opus_rx_config_default(struct opus_rx_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->reorder_depth = 3;
	cfg->max_wait_us = 60000;
	cfg->conceal_max_ms = 200;
	cfg->fec = 1;
	cfg->f32 = 0;
	cfg->rate = OPUS_RX_RATE;
}

/* The rates libopus decodes to (RFC 6716 §2: 8, 12, 16, 24, 48 kHz). */
static int
rate_valid(uint32_t rate)
{
	return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

int
opus_rx_create(const struct opus_rx_config *cfg, struct opus_rx **out)
{
	struct opus_rx_config c;
	struct opus_rx *rx;
	uint32_t mul, ssz;
	int err;

	if (cfg == NULL)
		opus_rx_config_default(&c);
	else
		c = *cfg;
	if (c.reorder_depth < 1 || c.reorder_depth >= OPUS_RX_WINDOW || c.conceal_max_ms > 1000 ||
	        c.fec > 1 || c.f32 > 1 || !rate_valid(c.rate))
		return -EINVAL;
	ssz = c.f32 ? sizeof(float) : sizeof(int16_t);
	mul = OPUS_RX_RATE / c.rate;
	/* one allocation: the receiver, then its fifo (sized for the rate and format) */
	rx = calloc(1, sizeof(*rx) + (size_t)(OPUS_RX_FIFO / mul) * ssz);
	if (rx == NULL)
		return -ENOMEM;
	rx->cfg = c;
	rx->mul = mul;
	rx->frame = OPUS_RX_FRAME / mul;
	rx->quantum = OPUS_RX_QUANTUM / mul;
	rx->ssz = ssz;
	rx->fifo = (uint8_t *)(rx + 1);
	rx->last_dur = rx->frame;
	/* mono: libopus downmixes stereo packets (L + R) / 2 itself */
	rx->dec = opus_decoder_create((opus_int32)c.rate, 1, &err);
	if (rx->dec == NULL || err != OPUS_OK) {
		free(rx);
		return err == OPUS_ALLOC_FAIL ? -ENOMEM : -EIO;
	}
	*out = rx;
	return 0;
}

void
opus_rx_free(struct opus_rx *rx)
{
	if (rx == NULL)
		return;
	opus_decoder_destroy(rx->dec);
	free(rx);
}

const uint64_t *
opus_rx_counters(const struct opus_rx *rx)
{
	return rx->ctr;
}

int
opus_rx_packet_has_fec(const uint8_t *payload, size_t len)
{
	const unsigned char *frames[48];
	opus_int16 sizes[48];
	unsigned char toc;
	int nf, spf, nsilk, stereo, bit;
	uint8_t b;

	if (payload == NULL || len < 2 || len > OPUS_RX_PAYLOAD_MAX)
		return 0;
	/* RFC 6716 §3.1: configurations 16..31 are CELT-only, no SILK layer */
	if ((payload[0] >> 3) >= 16)
		return 0;
	nf = opus_packet_parse(payload, (opus_int32)len, &toc, frames, sizes, NULL);
	if (nf < 1 || sizes[0] < 1)
		return 0;
	spf = opus_packet_get_samples_per_frame(payload, OPUS_RX_RATE);
	/* SILK frames per Opus frame: 10 and 20 ms one, 40 ms two, 60 ms three */
	nsilk = spf <= 960 ? 1 : spf / 960;
	stereo = (toc & 0x4) != 0;
	b = frames[0][0];
	/* §4.2.3: mid VAD flags (nsilk), mid LBRR flag, then side VAD + LBRR */
	bit = (b >> (7 - nsilk)) & 1;
	if (stereo)
		bit |= (b >> (7 - (2 * nsilk + 1))) & 1;
	return bit;
}

static struct opus_rx_slot *
slot_of(struct opus_rx *rx, uint16_t seq)
{
	return &rx->slot[seq & (OPUS_RX_WINDOW - 1)];
}

/* 1 if the window slot of @seq holds a packet (of any sequence number). */
static int
slot_held(const struct opus_rx *rx, uint16_t seq)
{
	return (rx->held >> (seq & (OPUS_RX_WINDOW - 1))) & 1u;
}

static void
slot_mark(struct opus_rx *rx, uint16_t seq, int used)
{
	uint16_t bit = (uint16_t)(1u << (seq & (OPUS_RX_WINDOW - 1)));

	slot_of(rx, seq)->used = (uint8_t)used;
	rx->held = used ? (uint16_t)(rx->held | bit) : (uint16_t)(rx->held & ~bit);
}

static void
slot_store(struct opus_rx_slot *s, uint16_t seq, uint64_t ext_ts, const uint8_t *p, size_t len,
        uint64_t now_us)
{
	s->used = 1;
	s->seq = seq;
	s->len = (uint16_t)len;
	s->ext_ts = ext_ts;
	s->arrival_us = now_us;
	if (len > 0)
		memcpy(s->data, p, len);
}

enum opus_rx_verdict
opus_rx_push(struct opus_rx *rx, uint16_t seq, uint32_t ts, const uint8_t *payload, size_t len,
        uint64_t now_us)
{
	uint64_t ext_ts;
	uint16_t d;

	if (len > OPUS_RX_PAYLOAD_MAX) {
		rx->ctr[OPUS_RX_C_TOO_LONG]++;
		return OPUS_RX_TOO_LONG;
	}
	if (!rx->started) {
		rx->started = 1;
		rx->next_seq = seq;
		rx->last_ts = ts;
		rx->last_ext_ts = (1ull << 32) + ts;
	}
	/* unwrap against the last packet pushed: reordering moves it by little */
	ext_ts = rx->last_ext_ts + (uint64_t)(int64_t)(int32_t)(ts - rx->last_ts);

	d = (uint16_t)(seq - rx->next_seq);
	if (d >= 0x8000u) {
		/* behind the next one to output */
		uint16_t b = (uint16_t)(rx->next_seq - seq);
		if (b <= 64 && (rx->hist >> (b - 1)) & 1) {
			rx->ctr[OPUS_RX_C_DUPLICATE]++;
			return OPUS_RX_DUPLICATE;
		}
		if (b <= OPUS_RX_MAX_MISORDER) {
			rx->ctr[OPUS_RX_C_LATE]++;
			return OPUS_RX_LATE;
		}
	} else if (d < OPUS_RX_WINDOW) {
		struct opus_rx_slot *s = slot_of(rx, seq);
		if (rx->gap_active && d < (uint16_t)(rx->gap_end - rx->next_seq)) {
			/* its gap is already being concealed */
			rx->ctr[OPUS_RX_C_LATE]++;
			return OPUS_RX_LATE;
		}
		if (s->used && s->seq == seq) {
			rx->ctr[OPUS_RX_C_DUPLICATE]++;
			return OPUS_RX_DUPLICATE;
		}
		slot_store(s, seq, ext_ts, payload, len, now_us);
		slot_mark(rx, seq, 1);
		goto accepted;
	} else if (d <= OPUS_RX_MAX_DROPOUT) {
		/* ahead of the window but plausible: a long loss */
		if (rx->over_used) {
			if (rx->over.seq == seq) {
				rx->ctr[OPUS_RX_C_DUPLICATE]++;
				return OPUS_RX_DUPLICATE;
			}
			rx->ctr[OPUS_RX_C_BUSY]++;
			return OPUS_RX_BUSY;
		}
		slot_store(&rx->over, seq, ext_ts, payload, len, now_us);
		rx->over_used = 1;
		rx->over_resync = 0;
		goto accepted;
	}
	/* far out of line: RFC 3550 A.1, two in sequence make a new start */
	if (rx->over_used) {
		rx->ctr[OPUS_RX_C_BUSY]++;
		return OPUS_RX_BUSY;
	}
	if (rx->bad_seq_valid && seq == rx->bad_seq) {
		slot_store(&rx->over, seq, ext_ts, payload, len, now_us);
		rx->over_used = 1;
		rx->over_resync = 1;
		rx->bad_seq_valid = 0;
		goto accepted;
	}
	rx->bad_seq_valid = 1;
	rx->bad_seq = (uint16_t)(seq + 1);
	rx->ctr[OPUS_RX_C_JUMP]++;
	return OPUS_RX_JUMP;

accepted:
	rx->last_ts = ts;
	rx->last_ext_ts = ext_ts;
	rx->ctr[OPUS_RX_C_PACKETS]++;
	return OPUS_RX_ACCEPTED;
}

/* Mark fifo[from, from + n) as concealed. */
static void
mark_concealed(struct opus_rx *rx, uint32_t from, uint32_t n)
{
	if (rx->conc_hi <= rx->conc_lo) {
		rx->conc_lo = from;
		rx->conc_hi = from + n;
	} else {
		if (from < rx->conc_lo)
			rx->conc_lo = from;
		if (from + n > rx->conc_hi)
			rx->conc_hi = from + n;
	}
}

static void *
fifo_at(struct opus_rx *rx, uint32_t i)
{
	return rx->fifo + (size_t)i * rx->ssz;
}

/* @n samples of silence at fifo[@from] (0.0f is all zero bits too). */
static void
fifo_zero(struct opus_rx *rx, uint32_t from, uint32_t n)
{
	memset(fifo_at(rx, from), 0, (size_t)n * rx->ssz);
}

/* libopus into the fifo tail, in the configured format: its return value. */
static int
dec(struct opus_rx *rx, const uint8_t *data, uint16_t len, uint32_t n, int fec)
{
	if (rx->cfg.f32)
		return opus_decode_float(rx->dec, data, len, fifo_at(rx, rx->fifo_n), (int)n, fec);
	return opus_decode(rx->dec, data, len, fifo_at(rx, rx->fifo_n), (int)n, fec);
}

/* libopus PLC (@fec == NULL) or FEC from @fec: @n samples to the fifo tail. */
static void
conceal(struct opus_rx *rx, uint32_t n, const struct opus_rx_slot *fec)
{
	int r;

	if (fec != NULL)
		r = dec(rx, fec->data, fec->len, n, 1);
	else
		r = dec(rx, NULL, 0, n, 0);
	if (r != (int)n) {
		/* cannot happen for n a multiple of 2.5 ms; keep the timeline anyway */
		fifo_zero(rx, rx->fifo_n, n);
	}
	mark_concealed(rx, rx->fifo_n, n);
	rx->fifo_n += n;
}

/* Next output packet moved on: @real if it was decoded from a real packet. */
static void
seq_advance(struct opus_rx *rx, int real)
{
	rx->hist = rx->hist << 1 | (real ? 1u : 0u);
	rx->next_seq++;
}

/*
 * The fifo tail (pts @tail) must continue at @ts. 0: it does; 1: a PLC
 * chunk was added towards it (call again); after a discontinuity the fifo
 * is set up so that @ts starts a frame, and 0 is returned.
 */
static int
ts_align(struct opus_rx *rx, uint64_t ts)
{
	uint64_t tail = rx->fifo_pts + (uint64_t)rx->fifo_n * rx->mul;
	uint64_t max = (uint64_t)rx->cfg.conceal_max_ms * (OPUS_RX_RATE / 1000);

	if (!rx->have_pts) {
		rx->have_pts = 1;
		rx->fifo_pts = ts;
		rx->force_discont = 0;
		return 0;
	}
	if (!rx->force_discont) {
		if (ts == tail)
			return 0;
		if (ts > tail && ts - tail <= max && (ts - tail) % OPUS_RX_QUANTUM == 0) {
			/* DTX or a sender's timestamp jump: PLC (comfort noise) */
			uint32_t n = (uint32_t)(ts - tail) / rx->mul;
			if (n > rx->frame)
				n = rx->frame;
			conceal(rx, n, NULL);
			rx->ctr[OPUS_RX_C_TS_FILL] += (uint64_t)n * rx->mul;
			return 1;
		}
	}
	rx->force_discont = 0;
	rx->ctr[OPUS_RX_C_DISCONT]++;
	if (rx->fifo_n == 0) {
		rx->fifo_pts = ts;
		rx->next_flags |= OPUS_RX_F_DISCONT;
		return 0;
	}
	/* complete the pending partial frame with zeros; @ts starts the next */
	fifo_zero(rx, rx->fifo_n, rx->frame - rx->fifo_n);
	rx->fifo_n = rx->frame;
	rx->seg_at = rx->frame;
	rx->seg_pts = ts;
	rx->seg_flags = OPUS_RX_F_DISCONT;
	return 0;
}

/* Decode the held packet @s (the next in sequence). 1 if progress. */
static int
decode_slot(struct opus_rx *rx, struct opus_rx_slot *s)
{
	int n, r;

	if (ts_align(rx, s->ext_ts))
		return 1;
	n = s->len > 0 ? opus_packet_get_nb_samples(s->data, s->len, (opus_int32)rx->cfg.rate)
	               : OPUS_BAD_ARG;
	if (n > 0 && n <= (int)(OPUS_RX_PKT_SAMPLES_MAX / rx->mul) && n % (int)rx->quantum == 0) {
		r = dec(rx, s->data, s->len, (uint32_t)n, 0);
		if (r == n) {
			rx->fifo_n += (uint32_t)n;
			rx->last_dur = (uint32_t)n;
			rx->ctr[OPUS_RX_C_DECODED]++;
			slot_mark(rx, s->seq, 0);
			seq_advance(rx, 1);
			return 1;
		}
	}
	/* malformed: counted, its (presumed) duration concealed */
	rx->ctr[OPUS_RX_C_DECODE_ERRORS]++;
	rx->ctr[OPUS_RX_C_CONCEALED]++;
	conceal(rx, rx->last_dur, NULL);
	slot_mark(rx, s->seq, 0);
	seq_advance(rx, 0);
	return 1;
}

/* Fill one packet of the active gap. 1 (always progress). */
static int
gap_step(struct opus_rx *rx)
{
	uint16_t left = (uint16_t)(rx->gap_end - rx->next_seq);

	if (rx->gap_skip) {
		rx->ctr[OPUS_RX_C_GAP_SKIPPED] += left;
		rx->hist = left >= 64 ? 0 : rx->hist << left;
		rx->next_seq = rx->gap_end;
		rx->force_discont = 1;
		rx->gap_active = 0;
		return 1;
	}
	if (left == 1 && rx->cfg.fec) {
		struct opus_rx_slot *nx = slot_of(rx, rx->gap_end);
		if (rx->over_used && rx->over.seq == rx->gap_end)
			nx = &rx->over;
		if (nx->used && nx->seq == rx->gap_end &&
		        opus_rx_packet_has_fec(nx->data, nx->len)) {
			conceal(rx, rx->last_dur, nx);
			rx->ctr[OPUS_RX_C_FEC_RECOVERED]++;
			seq_advance(rx, 0);
			rx->gap_active = 0;
			return 1;
		}
	}
	conceal(rx, rx->last_dur, NULL);
	rx->ctr[OPUS_RX_C_CONCEALED]++;
	seq_advance(rx, 0);
	if (rx->next_seq == rx->gap_end)
		rx->gap_active = 0;
	return 1;
}

/* Start filling next_seq .. @end - 1 (k packets, declared lost). */
static void
gap_begin(struct opus_rx *rx, uint16_t end)
{
	uint16_t k = (uint16_t)(end - rx->next_seq);
	uint64_t max = (uint64_t)rx->cfg.conceal_max_ms * rx->cfg.rate / 1000u;

	rx->ctr[OPUS_RX_C_LOST] += k;
	rx->gap_active = 1;
	rx->gap_end = end;
	rx->gap_skip = (uint64_t)k * rx->last_dur > max;
}

/* One step towards the next frame. 1 if progress was made, 0 if waiting. */
static int
advance(struct opus_rx *rx, uint64_t now_us, int draining)
{
	struct opus_rx_slot *s;
	uint16_t nearest = 0, far = 0;
	uint64_t oldest = UINT64_MAX;

	if (rx->gap_active)
		return gap_step(rx);
	s = slot_of(rx, rx->next_seq);
	if (slot_held(rx, rx->next_seq) && s->seq == rx->next_seq)
		return decode_slot(rx, s);

	for (uint16_t d = 1; rx->held != 0 && d < OPUS_RX_WINDOW; d++) {
		uint16_t q = (uint16_t)(rx->next_seq + d);
		struct opus_rx_slot *h = slot_of(rx, q);
		if (!slot_held(rx, q) || h->seq != q)
			continue;
		if (nearest == 0)
			nearest = d;
		far = d;
		if (h->arrival_us < oldest)
			oldest = h->arrival_us;
	}
	if (nearest != 0) {
		if (draining || rx->over_used || far >= rx->cfg.reorder_depth ||
		        (now_us >= oldest && now_us - oldest >= rx->cfg.max_wait_us)) {
			gap_begin(rx, (uint16_t)(rx->next_seq + nearest));
			return 1;
		}
		return 0;
	}
	if (rx->over_used) {
		/* the window is empty: move the far packet in */
		uint16_t seq = rx->over.seq;
		if (rx->over_resync) {
			rx->ctr[OPUS_RX_C_RESYNC]++;
			rx->next_seq = seq;
			rx->hist = 0;
			rx->force_discont = 1;
		} else {
			gap_begin(rx, seq);
		}
		*slot_of(rx, seq) = rx->over;
		slot_mark(rx, seq, 1);
		rx->over_used = 0;
		return 1;
	}
	return 0;
}

/*
 * @n floats clamped to [-1, 1] (NaN -> 1), and those under half an int16
 * step to 0 (opus_rx.h): branch-free, so it vectorises.
 */
static void
clamp_f32(float *restrict out, const float *restrict in, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		float v = in[i] < 1.0f ? in[i] : 1.0f;
		v = v > -1.0f ? v : -1.0f;
		out[i] = fabsf(v) < OPUS_RX_F32_ZERO ? 0.0f : v;
	}
}

static void
frame_emit(struct opus_rx *rx, struct opus_rx_frame *f)
{
	uint32_t fr = rx->frame;

	if (rx->cfg.f32)
		clamp_f32(f->pcm_f32, (const float *)rx->fifo, fr);
	else
		memcpy(f->pcm, rx->fifo, fr * sizeof(int16_t));
	f->n = fr;
	f->pts = rx->fifo_pts;
	f->rtp_ts = (uint32_t)rx->fifo_pts;
	f->flags = rx->next_flags;
	if (rx->conc_hi > rx->conc_lo && rx->conc_lo < fr)
		f->flags |= OPUS_RX_F_CONCEALED;
	rx->ctr[OPUS_RX_C_FRAMES]++;

	rx->fifo_n -= fr;
	memmove(rx->fifo, fifo_at(rx, fr), (size_t)rx->fifo_n * rx->ssz);
	if (rx->seg_at == fr) {
		rx->fifo_pts = rx->seg_pts;
		rx->next_flags = rx->seg_flags;
		rx->seg_at = 0;
	} else {
		rx->fifo_pts += OPUS_RX_FRAME; /* 20 ms on the 48 kHz clock */
		rx->next_flags = 0;
	}
	rx->conc_lo = rx->conc_lo > fr ? rx->conc_lo - fr : 0;
	rx->conc_hi = rx->conc_hi > fr ? rx->conc_hi - fr : 0;
}

int
opus_rx_pull(struct opus_rx *rx, uint64_t now_us, struct opus_rx_frame *f)
{
	while (rx->fifo_n < rx->frame) {
		if (!advance(rx, now_us, 0))
			return 0;
	}
	frame_emit(rx, f);
	return 1;
}

int
opus_rx_drain(struct opus_rx *rx, struct opus_rx_frame *f)
{
	while (rx->fifo_n < rx->frame) {
		if (!advance(rx, 0, 1)) {
			if (rx->fifo_n == 0)
				return 0;
			fifo_zero(rx, rx->fifo_n, rx->frame - rx->fifo_n);
			rx->fifo_n = rx->frame;
		}
	}
	frame_emit(rx, f);
	return 1;
}
