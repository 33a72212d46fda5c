/*
 * The machinery a CPU speech recogniser needs behind the stt interface
 * (internal to media/, not for callers).
 *
 * Owns: utterance slots and their PCM buffers (all allocated at create:
 * nothing is allocated per utterance), the bounded queue of ended
 * utterances, the recogniser threads (one decoder object each, made by the
 * backend), the completion queue of final results and a small ring of
 * partial results. One mutex guards the queues and slot states; the
 * caller's calls hold it for O(1) work only and never wait on a condition.
 *
 * A slot goes FREE -> OPEN (caller feeds) -> QUEUED -> DECODING -> DONE
 * (final result waiting to be polled) -> FREE. Slots = max_open +
 * queue_len + workers, so a caller that stops polling runs out of slots
 * (begin returns -EBUSY, counted) rather than losing final results.
 */
#ifndef RTC_MEDIA_STT_POOL_H
#define RTC_MEDIA_STT_POOL_H

#include "stt.h"

struct stt_pool;
struct stt_pool_worker;

/* What a recogniser thread is given. */
struct stt_pool_job {
	const int16_t *pcm; /* 16 kHz mono */
	size_t n;
	uint64_t t0_us;
};

struct stt_pool_decoder_ops {
	/* One decoder per thread, made on the creating thread; 0 or a negative errno. */
	int (*dec_create)(void *ctx, void **dec);
	void (*dec_free)(void *dec);
	/*
	 * Recognise @job into @res (text, words, confidence; the pool fills the
	 * rest). May call stt_pool_partial() and should return early when
	 * stt_pool_stopping(). 0, or a negative errno (the result is then
	 * STT_FAILED with empty text).
	 */
	int (*decode)(void *dec, struct stt_pool_worker *w, const struct stt_pool_job *job,
	        struct stt_result *res);
};

/* @ctx is passed to dec_create. 0 and *out or a negative errno. */
int stt_pool_create(const struct stt_config *cfg, const struct stt_pool_decoder_ops *ops, void *ctx,
        struct stt_pool **out);
void stt_pool_destroy(struct stt_pool *p);

int stt_pool_utt_begin(struct stt_pool *p, const struct stt_utt_info *info, uint32_t *utt);
int stt_pool_utt_feed_s16(struct stt_pool *p, uint32_t utt, const int16_t *pcm, size_t n);
int stt_pool_utt_feed_f32(struct stt_pool *p, uint32_t utt, const float *pcm, size_t n);
int stt_pool_utt_end(struct stt_pool *p, uint32_t utt);
int stt_pool_utt_abort(struct stt_pool *p, uint32_t utt);
int stt_pool_poll(struct stt_pool *p, struct stt_result *out);
void stt_pool_counters(struct stt_pool *p, uint64_t ctr[STT_C_MAX]);

/* From decode(): the configured partial interval in samples (0: none). */
size_t stt_pool_partial_samples(const struct stt_pool_worker *w);
/* From decode(): publish a partial result (dropped and counted if the ring is full). */
void stt_pool_partial(struct stt_pool_worker *w, struct stt_result *res);
/* From decode(): 1 once the pool is being destroyed. */
int stt_pool_stopping(const struct stt_pool_worker *w);

#endif
