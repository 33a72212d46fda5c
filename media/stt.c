/*
 * The speech-to-text interface: config defaults, handle dispatch, counter
 * names, the JSGF helper; see stt.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stt.h"

struct stt_engine {
	const struct stt_backend *be;
	void *impl;
};

static const char *const ctr_names[STT_C_MAX] = {
#define STT_CTR_NAME(sym, name, help) [STT_C_##sym] = name,
        STT_COUNTERS(STT_CTR_NAME)
#undef STT_CTR_NAME
};

static const char *const ctr_helps[STT_C_MAX] = {
#define STT_CTR_HELP(sym, name, help) [STT_C_##sym] = help,
        STT_COUNTERS(STT_CTR_HELP)
#undef STT_CTR_HELP
};

const char *
stt_counter_name(unsigned c)
{
	return c < STT_C_MAX ? ctr_names[c] : NULL;
}

const char *
stt_counter_help(unsigned c)
{
	return c < STT_C_MAX ? ctr_helps[c] : NULL;
}

void
stt_config_default(struct stt_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = STT_MODE_LM;
	cfg->workers = 1;
	cfg->queue_len = 8;
	cfg->max_open = 16;
	cfg->max_utt_ms = 10000;
	cfg->partial_ms = 0;
}

const struct stt_backend *
stt_backend_find(const char *name)
{
	if (name != NULL && strcmp(name, stt_pocketsphinx_backend.name) == 0)
		return &stt_pocketsphinx_backend;
	return NULL;
}

int
stt_engine_create(
        const struct stt_backend *be, const struct stt_config *cfg, struct stt_engine **out)
{
	struct stt_config def;
	struct stt_engine *e;
	int rc;

	if (be == NULL)
		return -EINVAL;
	if (be->api_version != STT_API_VERSION)
		return -EPROTO;
	if (cfg == NULL) {
		stt_config_default(&def);
		cfg = &def;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->be = be;
	rc = be->create(cfg, &e->impl);
	if (rc != 0) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void
stt_engine_destroy(struct stt_engine *e)
{
	if (e == NULL)
		return;
	e->be->destroy(e->impl);
	free(e);
}

const char *
stt_engine_name(const struct stt_engine *e)
{
	return e->be->name;
}

int
stt_utt_begin(struct stt_engine *e, const struct stt_utt_info *info, uint32_t *utt)
{
	if (info == NULL || utt == NULL)
		return -EINVAL;
	return e->be->utt_begin(e->impl, info, utt);
}

int
stt_utt_feed_s16(struct stt_engine *e, uint32_t utt, const int16_t *pcm, size_t n)
{
	return e->be->utt_feed_s16(e->impl, utt, pcm, n);
}

int
stt_utt_feed_f32(struct stt_engine *e, uint32_t utt, const float *pcm, size_t n)
{
	return e->be->utt_feed_f32(e->impl, utt, pcm, n);
}

int
stt_utt_end(struct stt_engine *e, uint32_t utt)
{
	return e->be->utt_end(e->impl, utt);
}

int
stt_utt_abort(struct stt_engine *e, uint32_t utt)
{
	return e->be->utt_abort(e->impl, utt);
}

int
stt_poll(struct stt_engine *e, struct stt_result *out)
{
	return e->be->poll(e->impl, out);
}

void
stt_counters(struct stt_engine *e, uint64_t ctr[STT_C_MAX])
{
	e->be->counters(e->impl, ctr);
}

static int
phrase_ok(const char *s)
{
	if (s == NULL || *s == '\0' || *s == ' ')
		return 0;
	for (const char *c = s; *c != '\0'; c++) {
		if (!((*c >= 'a' && *c <= 'z') || *c == '\'' || *c == ' '))
			return 0;
		if (*c == ' ' && (c[1] == ' ' || c[1] == '\0'))
			return 0;
	}
	return 1;
}

int
stt_jsgf_from_phrases(const char *const *phrases, size_t n, char *buf, size_t size)
{
	static const char head[] = "#JSGF V1.0;\ngrammar commands;\npublic <command> = ";
	size_t len = sizeof(head) - 1;

	if (n == 0 || phrases == NULL)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!phrase_ok(phrases[i]))
			return -EINVAL;
		len += strlen(phrases[i]) + (i > 0 ? 3 : 0);
	}
	len += 2; /* ";\n" */
	if (len + 1 > size || len > 0x7fffffff)
		return -ENOSPC;
	char *p = buf;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(phrases[i]);
		if (i > 0) {
			memcpy(p, " | ", 3);
			p += 3;
		}
		memcpy(p, phrases[i], l);
		p += l;
	}
	memcpy(p, ";\n", 3);
	return (int)len;
}
