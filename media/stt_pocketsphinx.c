/*
 * The pocketsphinx backend of the stt interface (pocketsphinx 0.8+5prealpha,
 * Debian's model in /usr/share/pocketsphinx/model/en-us).
 *
 * Each recogniser thread of the pool owns one ps_decoder_t (they are not
 * thread-safe; the models are memory-mapped per decoder). STT_MODE_LM
 * searches the n-gram model (en-us.lm.bin by default) with a best-path pass
 * over the lattice, which also gives posterior probabilities (confidence);
 * STT_MODE_JSGF searches the caller's grammar (an FSG search, which in this
 * version computes no posteriors: confidence -1).
 *
 * Every utterance is recognised on its own: ps_start_stream() before each
 * resets the front end's noise estimate, which otherwise carries over from
 * the utterances the same thread decoded before, so that a result depends
 * only on its audio, not on the thread or on the order of work.
 *
 * Without partial results an utterance goes to ps_process_raw() in one
 * call as a full utterance (batch cepstral mean normalisation); with
 * partial_ms it is fed in chunks of that length (live normalisation) and
 * the hypothesis after each chunk is published as a partial result.
 *
 * sphinxbase logs through a process-wide file pointer: creating an engine
 * turns its logging off (err_set_logfp(NULL)) before any decoder exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>

#include "stt.h"
#include "stt_pool.h"

#define STT_PS_MODEL_ROOT "/usr/share/pocketsphinx/model/en-us"
#define STT_PS_HMM STT_PS_MODEL_ROOT "/en-us"
#define STT_PS_DICT STT_PS_MODEL_ROOT "/cmudict-en-us.dict"
#define STT_PS_LM STT_PS_MODEL_ROOT "/en-us.lm.bin"
#define STT_PS_SEARCH "commands"
#define STT_PS_FRAME_US 10000u /* -frate 100 */

/* One recogniser thread's decoder. */
struct ps_dec {
	ps_decoder_t *ps;
	int posteriors; /* LM search: the lattice gives posterior probabilities */
};

struct ps_ctx {
	struct stt_config cfg;
	char *jsgf; /* our copy */
	struct stt_pool *pool;
};

/*
 * The grammar's first public rule as the decoder's search. What
 * ps_set_jsgf_string() does, but that one never frees the parsed grammar
 * in this version (valgrind: 10 kB per decoder).
 */
static int
grammar_set(ps_decoder_t *ps, const char *text)
{
	jsgf_t *g = jsgf_parse_string(text, NULL);
	jsgf_rule_t *rule;
	fsg_model_t *fsg = NULL;
	int rc = -EINVAL;

	if (g == NULL)
		return -EINVAL;
	rule = jsgf_get_public_rule(g);
	if (rule != NULL)
		fsg = jsgf_build_fsg(
		        g, rule, ps_get_logmath(ps), cmd_ln_float32_r(ps_get_config(ps), "-lw"));
	/* ps_set_fsg takes its own reference; it fails on words not in the dictionary */
	if (fsg != NULL && ps_set_fsg(ps, STT_PS_SEARCH, fsg) == 0 &&
	        ps_set_search(ps, STT_PS_SEARCH) == 0)
		rc = 0;
	if (fsg != NULL)
		fsg_model_free(fsg);
	jsgf_grammar_free(g);
	return rc;
}

static int
dec_create(void *arg, void **out)
{
	struct ps_ctx *c = arg;
	const char *hmm = c->cfg.model_dir ? c->cfg.model_dir : STT_PS_HMM;
	const char *dict = c->cfg.dict ? c->cfg.dict : STT_PS_DICT;
	const char *lm = c->cfg.lm ? c->cfg.lm : STT_PS_LM;
	cmd_ln_t *cl;
	ps_decoder_t *ps;
	struct ps_dec *d;

	if (c->cfg.mode == STT_MODE_LM)
		cl = cmd_ln_init(
		        NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, "-lm", lm, NULL);
	else
		cl = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, NULL);
	if (cl == NULL)
		return -EINVAL;
	ps = ps_init(cl);
	cmd_ln_free_r(cl); /* the decoder keeps its own reference */
	if (ps == NULL)
		return -EINVAL;
	if (c->cfg.mode == STT_MODE_JSGF && grammar_set(ps, c->jsgf) != 0) {
		ps_free(ps);
		return -EINVAL;
	}
	d = malloc(sizeof(*d));
	if (d == NULL) {
		ps_free(ps);
		return -ENOMEM;
	}
	d->ps = ps;
	/* from the config, not ps_get_search(), which leaks an iterator in this version */
	d->posteriors = c->cfg.mode == STT_MODE_LM;
	*out = d;
	return 0;
}

static void
dec_free(void *dec)
{
	struct ps_dec *d = dec;

	ps_free(d->ps);
	free(d);
}

/* Dictionary fillers and sentence marks are not words of the transcript. */
static int
is_filler(const char *w)
{
	return w[0] == '<' || w[0] == '[' || w[0] == '+' || w[0] == '\0';
}

/* @w without an alternate-pronunciation suffix "(2)", into @dst. */
static void
word_copy(char *dst, size_t size, const char *w)
{
	size_t n = strcspn(w, "(");

	if (n >= size)
		n = size - 1;
	memcpy(dst, w, n);
	dst[n] = '\0';
}

/* @hyp into res->text, cut at the last whole word that fits. */
static void
text_copy(struct stt_result *res, const char *hyp)
{
	size_t n = hyp ? strlen(hyp) : 0;

	if (n >= STT_TEXT_MAX) {
		n = STT_TEXT_MAX - 1;
		while (n > 0 && hyp[n] != ' ')
			n--;
	}
	if (n > 0)
		memcpy(res->text, hyp, n);
	res->text[n] = '\0';
}

static void
words_fill(ps_decoder_t *ps, const struct stt_pool_job *job, int posteriors, struct stt_result *res)
{
	logmath_t *lm = ps_get_logmath(ps);
	ps_seg_t *seg;

	res->nwords = 0;
	for (seg = ps_seg_iter(ps); seg != NULL; seg = ps_seg_next(seg)) {
		const char *w = ps_seg_word(seg);
		struct stt_word *o;
		int sf, ef;
		int32 a, l, b;

		if (w == NULL || is_filler(w))
			continue;
		if (res->nwords == STT_WORDS_MAX) {
			ps_seg_free(seg);
			break;
		}
		o = &res->words[res->nwords++];
		word_copy(o->word, sizeof(o->word), w);
		ps_seg_frames(seg, &sf, &ef);
		o->start_us = job->t0_us + (uint64_t)(sf > 0 ? sf : 0) * STT_PS_FRAME_US;
		o->end_us = job->t0_us + (uint64_t)(ef + 1 > 0 ? ef + 1 : 0) * STT_PS_FRAME_US;
		o->confidence =
		        posteriors ? (float)logmath_exp(lm, ps_seg_prob(seg, &a, &l, &b)) : -1.0f;
	}
}

static int
ps_decode_job(void *dec, struct stt_pool_worker *w, const struct stt_pool_job *job,
        struct stt_result *res)
{
	struct ps_dec *d = dec;
	ps_decoder_t *ps = d->ps;
	size_t chunk = stt_pool_partial_samples(w);
	int posteriors = d->posteriors;
	const char *hyp;
	int32 score;

	/* a new stream resets the noise estimate: the result depends on this audio only */
	if (ps_start_stream(ps) != 0 || ps_start_utt(ps) != 0)
		return -EIO;
	if (chunk == 0) {
		if (ps_process_raw(ps, job->pcm, job->n, FALSE, TRUE) < 0)
			goto fail;
	} else {
		for (size_t off = 0; off < job->n; off += chunk) {
			size_t n = job->n - off < chunk ? job->n - off : chunk;
			if (stt_pool_stopping(w))
				goto fail;
			if (ps_process_raw(ps, job->pcm + off, n, FALSE, FALSE) < 0)
				goto fail;
			if (off + n < job->n) {
				hyp = ps_get_hyp(ps, &score);
				text_copy(res, hyp);
				res->audio_us = (uint64_t)(off + n) * 1000000u / STT_RATE;
				stt_pool_partial(w, res);
			}
		}
		res->audio_us = (uint64_t)job->n * 1000000u / STT_RATE;
	}
	if (ps_end_utt(ps) != 0)
		return -EIO;
	hyp = ps_get_hyp(ps, &score);
	text_copy(res, hyp);
	res->confidence =
	        posteriors ? (float)logmath_exp(ps_get_logmath(ps), ps_get_prob(ps)) : -1.0f;
	words_fill(ps, job, posteriors, res);
	return 0;
fail:
	ps_end_utt(ps);
	return -EIO;
}

static const struct stt_pool_decoder_ops ps_ops = {
        .dec_create = dec_create,
        .dec_free = dec_free,
        .decode = ps_decode_job,
};

static int
file_ok(const char *path)
{
	return access(path, R_OK) == 0;
}

static int
ps_create(const struct stt_config *cfg, void **impl)
{
	struct ps_ctx *c;
	int rc;

	if (cfg->mode != STT_MODE_LM && cfg->mode != STT_MODE_JSGF)
		return -EINVAL;
	if (cfg->mode == STT_MODE_JSGF && (cfg->jsgf == NULL || cfg->jsgf[0] == '\0'))
		return -EINVAL;
	if (!file_ok(cfg->model_dir ? cfg->model_dir : STT_PS_HMM) ||
	        !file_ok(cfg->dict ? cfg->dict : STT_PS_DICT) ||
	        (cfg->mode == STT_MODE_LM && !file_ok(cfg->lm ? cfg->lm : STT_PS_LM)))
		return -ENOENT;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->cfg = *cfg;
	c->cfg.jsgf = NULL;
	if (cfg->mode == STT_MODE_JSGF) {
		c->jsgf = strdup(cfg->jsgf);
		if (c->jsgf == NULL) {
			free(c);
			return -ENOMEM;
		}
	}
	err_set_logfp(NULL);
	rc = stt_pool_create(&c->cfg, &ps_ops, c, &c->pool);
	if (rc != 0) {
		free(c->jsgf);
		free(c);
		return rc;
	}
	*impl = c;
	return 0;
}

static void
ps_destroy(void *impl)
{
	struct ps_ctx *c = impl;

	stt_pool_destroy(c->pool);
	free(c->jsgf);
	free(c);
}

static int
ps_utt_begin(void *impl, const struct stt_utt_info *info, uint32_t *utt)
{
	return stt_pool_utt_begin(((struct ps_ctx *)impl)->pool, info, utt);
}

static int
ps_utt_feed_s16(void *impl, uint32_t utt, const int16_t *pcm, size_t n)
{
	return stt_pool_utt_feed_s16(((struct ps_ctx *)impl)->pool, utt, pcm, n);
}

static int
ps_utt_feed_f32(void *impl, uint32_t utt, const float *pcm, size_t n)
{
	return stt_pool_utt_feed_f32(((struct ps_ctx *)impl)->pool, utt, pcm, n);
}

static int
ps_utt_end(void *impl, uint32_t utt)
{
	return stt_pool_utt_end(((struct ps_ctx *)impl)->pool, utt);
}

static int
ps_utt_abort(void *impl, uint32_t utt)
{
	return stt_pool_utt_abort(((struct ps_ctx *)impl)->pool, utt);
}

static int
ps_poll(void *impl, struct stt_result *out)
{
	return stt_pool_poll(((struct ps_ctx *)impl)->pool, out);
}

static void
ps_counters(void *impl, uint64_t ctr[STT_C_MAX])
{
	stt_pool_counters(((struct ps_ctx *)impl)->pool, ctr);
}

const struct stt_backend stt_pocketsphinx_backend = {
        .api_version = STT_API_VERSION,
        .name = "pocketsphinx",
        .create = ps_create,
        .destroy = ps_destroy,
        .utt_begin = ps_utt_begin,
        .utt_feed_s16 = ps_utt_feed_s16,
        .utt_feed_f32 = ps_utt_feed_f32,
        .utt_end = ps_utt_end,
        .utt_abort = ps_utt_abort,
        .poll = ps_poll,
        .counters = ps_counters,
};
