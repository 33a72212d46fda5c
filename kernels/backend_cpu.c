/*
 * The "cpu" backend: the C references of every op behind the vtable, and
 * its self-test (all known-answer vectors). Always built, always usable.
 */
#include <stdio.h>

#include "kernels_internal.h"

static int
cpu_probe(char *why, size_t len)
{
	if (why != NULL && len > 0)
		snprintf(why, len, "C reference");
	return 0;
}

static int
cpu_selftest(void)
{
	int rc = kernels_selftest_pcm(&kernels_backend_cpu, NULL);

	if (rc == 0)
		rc = kernels_selftest_dsp(&kernels_backend_cpu, NULL);
	return rc;
}

static int
cpu_pcm_s16_to_f32(struct gpu_queue *q, const struct kernels_pcm_batch *b)
{
	(void)q;
	kernels_pcm_cpu_run(b);
	return 0;
}

static int
cpu_resample(struct gpu_queue *q, const struct kernels_rs_batch *b)
{
	(void)q;
	kernels_rs_cpu_run(b);
	return 0;
}

static int
cpu_logmel(struct gpu_queue *q, const struct kernels_mel_batch *b)
{
	(void)q;
	kernels_mel_cpu_run(b);
	return 0;
}

static int
cpu_vad(struct gpu_queue *q, const struct kernels_vad_batch *b)
{
	(void)q;
	kernels_vad_cpu_run(b);
	return 0;
}

const struct kernels_backend kernels_backend_cpu = {
        .api_version = KERNELS_API_VERSION,
        .name = "cpu",
        .probe = cpu_probe,
        .selftest = cpu_selftest,
        .pcm_s16_to_f32 = cpu_pcm_s16_to_f32,
        .resample = cpu_resample,
        .logmel = cpu_logmel,
        .vad = cpu_vad,
};
