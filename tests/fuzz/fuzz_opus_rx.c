/*
 * libFuzzer target: the per-track Opus receiver (media/opus_rx.c) driven by
 * a script of packet arrivals and clock steps.
 *
 * Input: one config octet (reorder depth 1..15, FEC on/off, conceal_max_ms
 * 0..980), then records:
 *   op       bits 0-2: advance the clock by that many 10 ms; bit 3: drain
 *            (end of stream) after this record; bit 7: no packet
 *   seq      int8, added to the previous packet's sequence number
 *   ts       int8, times 120 samples (2.5 ms), added to the previous timestamp
 *   len      payload octets that follow (255: a 1505-octet payload of zeros,
 *            longer than OPUS_RX_PAYLOAD_MAX)
 * After each record every ready frame is pulled; at the end the receiver
 * is drained. Every input runs twice, at 48 kHz int16 and at 16 kHz float
 * (the pipeline's). Invariants: frame timestamps advance by exactly 960
 * unless the frame says OPUS_RX_F_DISCONT; frames hold rate / 50 samples,
 * float ones in [-1, 1] and 0 or at least OPUS_RX_F32_ZERO in size; when drained, the counter
 * identities of opus_rx.h hold (packets == decoded + decode_errors, lost == concealed -
 * decode_errors + fec_recovered + gap_skipped), and both runs count the
 * same (the receiver's decisions do not depend on the output rate). Seeds:
 * corpus/opus_rx/, real Opus packets of the unit test's loss scenario
 * (RTC_OPUS_RX_SEEDS=dir test_opus_rx writes them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opus_rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_opus_out {
	int have;
	uint64_t pts;
	uint64_t frames;
};

static void
fuzz_opus_check(
        struct fuzz_opus_out *o, const struct opus_rx_config *cfg, const struct opus_rx_frame *f)
{
	if (f->n != cfg->rate / 50u)
		abort();
	if (cfg->f32)
		for (uint32_t i = 0; i < f->n; i++)
			if (!(f->pcm_f32[i] >= -1.0f && f->pcm_f32[i] <= 1.0f) ||
			        (f->pcm_f32[i] != 0.0f && f->pcm_f32[i] < OPUS_RX_F32_ZERO &&
			                f->pcm_f32[i] > -OPUS_RX_F32_ZERO))
				abort();
	if (o->have && !(f->flags & OPUS_RX_F_DISCONT) && f->pts != o->pts + OPUS_RX_FRAME)
		abort();
	if (f->rtp_ts != (uint32_t)f->pts)
		abort();
	o->have = 1;
	o->pts = f->pts;
	o->frames++;
}

/* One run of the script at @rate (@f32); the counters into @ctr. */
static void
fuzz_opus_run(const uint8_t *data, size_t size, uint32_t rate, uint8_t f32, uint64_t *ctr)
{
	static uint8_t big[OPUS_RX_PAYLOAD_MAX + 1];
	struct opus_rx_config cfg;
	struct opus_rx *rx;
	struct opus_rx_frame f;
	struct fuzz_opus_out o = {0};
	size_t off = 1;
	uint64_t now = 0;
	uint16_t seq = 1000;
	uint32_t ts = 0xfffff000u; /* wraps soon */

	opus_rx_config_default(&cfg);
	cfg.reorder_depth = 1u + data[0] % 15u;
	cfg.fec = (data[0] >> 4) & 1u;
	cfg.conceal_max_ms = (uint32_t)(data[0] >> 5) * 140u;
	cfg.rate = rate;
	cfg.f32 = f32;
	if (opus_rx_create(&cfg, &rx) != 0)
		abort();
	while (off < size) {
		uint8_t op = data[off++];
		now += (uint64_t)(op & 7u) * 10000u;
		if (!(op & 0x80u)) {
			if (size - off < 3)
				break;
			seq = (uint16_t)(seq + (int8_t)data[off]);
			ts += (uint32_t)((int32_t)(int8_t)data[off + 1] * 120);
			size_t len = data[off + 2];
			off += 3;
			const uint8_t *p = data + off;
			if (len == 255) {
				p = big;
				len = sizeof(big);
			} else {
				if (len > size - off)
					len = size - off;
				off += len;
			}
			enum opus_rx_verdict v = opus_rx_push(rx, seq, ts, p, len, now);
			if (v > OPUS_RX_BUSY)
				abort();
		}
		while (opus_rx_pull(rx, now, &f))
			fuzz_opus_check(&o, &cfg, &f);
		if (op & 0x08u)
			while (opus_rx_drain(rx, &f))
				fuzz_opus_check(&o, &cfg, &f);
	}
	while (opus_rx_drain(rx, &f))
		fuzz_opus_check(&o, &cfg, &f);
	const uint64_t *c = opus_rx_counters(rx);
	if (c[OPUS_RX_C_PACKETS] != c[OPUS_RX_C_DECODED] + c[OPUS_RX_C_DECODE_ERRORS])
		abort();
	if (c[OPUS_RX_C_LOST] + c[OPUS_RX_C_DECODE_ERRORS] !=
	        c[OPUS_RX_C_CONCEALED] + c[OPUS_RX_C_FEC_RECOVERED] + c[OPUS_RX_C_GAP_SKIPPED])
		abort();
	if (c[OPUS_RX_C_FRAMES] != o.frames)
		abort();
	memcpy(ctr, c, OPUS_RX_C_MAX * sizeof(*ctr));
	opus_rx_free(rx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t c48[OPUS_RX_C_MAX], c16[OPUS_RX_C_MAX];

	if (size < 1)
		return 0;
	fuzz_opus_run(data, size, 48000, 0, c48);
	fuzz_opus_run(data, size, 16000, 1, c16);
	if (memcmp(c48, c16, sizeof(c48)) != 0)
		abort();
	return 0;
}
