/* Audio for injection: espeak-ng or a WAV -> 48 kHz -> Opus packets (see tts.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <opus/opus.h>

#include "tts.h"

extern char **environ;

static uint32_t
rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* espeak-ng --stdout: a RIFF/WAVE of 16-bit mono PCM. Reads it all; 0 or -EIO / -ENOENT. */
static int
espeak_wav(const char *text, const char *voice, uint8_t **wav, size_t *len)
{
	int pipefd[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[8];
	int argc = 0, status = 0, rc;
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf;

	if (pipe(pipefd) != 0)
		return -EIO;
	argv[argc++] = (char *)"espeak-ng";
	argv[argc++] = (char *)"--stdout";
	if (voice != NULL && voice[0] != '\0') {
		argv[argc++] = (char *)"-v";
		argv[argc++] = (char *)voice;
	}
	argv[argc++] = (char *)"--";
	argv[argc++] = (char *)text;
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", 0, 0);
	rc = posix_spawnp(&pid, "espeak-ng", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return -ENOENT;
	}
	buf = malloc(cap);
	for (;;) {
		ssize_t r;
		if (buf == NULL)
			break;
		if (n == cap) {
			uint8_t *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(pipefd[0], buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || n < 44) {
		free(buf);
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
	}
	*wav = buf;
	*len = n;
	return 0;
}

void
tts_clip_free(struct tts_clip *clip)
{
	free(clip);
}

const char *
tts_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "empty or too long text, or a bad voice name";
	case -ENOENT:
		return "not found";
	case -EACCES:
		return "permission denied";
	case -EFBIG:
		return "file too large";
	case -EPROTO:
		return "not a 16-bit PCM WAV of 1 or 2 channels at 8-48 kHz";
	case -ENOMEM:
		return "out of memory";
	default:
		return "render or encode failed";
	}
}

/* Mono 16-bit PCM at @rate -> 48 kHz (linear interpolation: speech for a voice channel) ->
 * 20 ms Opus packets, in one allocation. The last frame is padded with silence. */
static struct tts_clip *
encode48(const int16_t *pcm, size_t n_in, uint32_t rate, int *err)
{
	size_t n_out = (size_t)((double)n_in * 48000.0 / rate), frames, bytes = 0;
	int16_t *out48;
	uint8_t *tmp;
	uint16_t *lens;
	struct tts_clip *clip = NULL;
	OpusEncoder *enc;
	int e;

	frames = (n_out + 959) / 960;
	if (frames > TTS_MAX_PACKETS)
		frames = TTS_MAX_PACKETS;
	if (frames == 0) {
		*err = -EPROTO;
		return NULL;
	}
	out48 = calloc(frames * 960, sizeof(*out48));
	tmp = malloc(frames * TTS_PKT_MAX);
	lens = malloc(frames * sizeof(*lens));
	enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &e);
	*err = -ENOMEM;
	if (out48 == NULL || tmp == NULL || lens == NULL || enc == NULL)
		goto out;
	if (n_out > frames * 960)
		n_out = frames * 960;
	for (size_t i = 0; i < n_out; i++) {
		double t = (double)i * rate / 48000.0;
		size_t k = (size_t)t;
		double f = t - (double)k;
		if (k + 1 < n_in)
			out48[i] = (int16_t)((1.0 - f) * pcm[k] + f * pcm[k + 1]);
		else if (k < n_in)
			out48[i] = pcm[k];
	}
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
	opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	for (size_t i = 0; i < frames; i++) {
		int l = opus_encode(enc, out48 + i * 960, 960, tmp + i * TTS_PKT_MAX, TTS_PKT_MAX);
		if (l <= 0) {
			*err = -EIO;
			goto out;
		}
		lens[i] = (uint16_t)l;
		bytes += (size_t)l;
	}
	clip = malloc(sizeof(*clip) + (frames + 1) * sizeof(uint32_t) + bytes);
	if (clip == NULL)
		goto out;
	clip->tag = 0;
	clip->n = (unsigned)frames;
	clip->off = (uint32_t *)(clip + 1);
	clip->data = (uint8_t *)(clip->off + frames + 1);
	clip->off[0] = 0;
	for (size_t i = 0; i < frames; i++) {
		memcpy(clip->data + clip->off[i], tmp + i * TTS_PKT_MAX, lens[i]);
		clip->off[i + 1] = clip->off[i] + lens[i];
	}
	*err = 0;
out:
	if (enc != NULL)
		opus_encoder_destroy(enc);
	free(out48);
	free(tmp);
	free(lens);
	return clip;
}

struct tts_clip *
tts_render_wav(const uint8_t *wav, size_t len, int *err)
{
	size_t off = 12, n = 0;
	uint32_t rate = 0, channels = 0;
	const uint8_t *data = NULL;
	int16_t *pcm;
	struct tts_clip *clip;

	*err = -EPROTO;
	if (len < 12 || memcmp(wav, "RIFF", 4) != 0 || memcmp(wav + 8, "WAVE", 4) != 0)
		return NULL;
	/* chunks: "fmt " then "data" (espeak-ng writes a data size of 0x7ffff000 when it
	 * streams: the data runs to the end of what was written) */
	while (off + 8 <= len) {
		uint32_t sz = rd_le32(wav + off + 4);
		if (memcmp(wav + off, "fmt ", 4) == 0) {
			if (sz < 16 || off + 8 + 16 > len)
				return NULL;
			/* format 1 (PCM), 16 bits per sample */
			if (wav[off + 8] != 1 || wav[off + 9] != 0 || wav[off + 22] != 16 ||
					wav[off + 23] != 0)
				return NULL;
			channels = (uint32_t)wav[off + 10] | (uint32_t)wav[off + 11] << 8;
			rate = rd_le32(wav + off + 12);
		} else if (memcmp(wav + off, "data", 4) == 0) {
			data = wav + off + 8;
			n = len - off - 8;
			if (sz < n)
				n = sz;
			break;
		}
		if (sz > len - off - 8)
			return NULL;
		off += 8 + (size_t)sz + (sz & 1);
	}
	if (data == NULL || (channels != 1 && channels != 2) || rate < 8000 || rate > 48000)
		return NULL;
	n /= 2 * channels; /* frames */
	if (n == 0)
		return NULL;
	if (n > (size_t)TTS_MAX_PACKETS * rate / 50 + rate)
		n = (size_t)TTS_MAX_PACKETS * rate / 50 + rate; /* what the clip can hold, and a bit */
	pcm = malloc(n * sizeof(*pcm));
	if (pcm == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = data + i * 2 * channels;
		int32_t v = (int16_t)(p[0] | p[1] << 8);
		if (channels == 2)
			v = (v + (int16_t)(p[2] | p[3] << 8)) / 2;
		pcm[i] = (int16_t)v;
	}
	clip = encode48(pcm, n, rate, err);
	free(pcm);
	return clip;
}

struct tts_clip *
tts_render_text(const char *text, const char *voice, int *err)
{
	uint8_t *wav = NULL;
	size_t wlen = 0;
	struct tts_clip *clip;
	int rc;

	if (text == NULL || text[0] == '\0' || strlen(text) >= TTS_TEXT_MAX ||
			(voice != NULL && strlen(voice) >= TTS_VOICE_MAX) ||
			(voice != NULL && voice[0] == '-')) {
		*err = -EINVAL;
		return NULL;
	}
	rc = espeak_wav(text, voice, &wav, &wlen);
	if (rc != 0) {
		*err = rc;
		return NULL;
	}
	clip = tts_render_wav(wav, wlen, err);
	if (clip == NULL && *err == -EPROTO)
		*err = -EIO; /* espeak-ng wrote something else than it should */
	free(wav);
	return clip;
}

/* A whole file, at most TTS_WAV_MAX octets. 0 or a negative errno. */
static int
read_file(const char *path, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t n = 0;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT
		       : errno == EACCES		    ? -EACCES
							    : -EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOENT;
	}
	if ((uint64_t)st.st_size > TTS_WAV_MAX) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

/* ---- the thread ---- */

struct tts_job {
	uint64_t tag;
	int is_file;
	char text[TTS_TEXT_MAX]; /* or the path */
	char voice[TTS_VOICE_MAX];
};

struct tts_done {
	uint64_t tag;
	struct tts_clip *clip;
	int err;
	struct tts_done *next;
};

struct tts_queue {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	unsigned depth, head, n;
	struct tts_job *jobs;
	struct tts_done *done, **done_tail;
};

static struct tts_clip *
run_job(const struct tts_job *job, int *err)
{
	uint8_t *wav = NULL;
	size_t len = 0;
	struct tts_clip *clip;

	if (!job->is_file)
		return tts_render_text(job->text, job->voice, err);
	*err = read_file(job->text, &wav, &len);
	if (*err != 0)
		return NULL;
	clip = tts_render_wav(wav, len, err);
	free(wav);
	return clip;
}

static void *
tts_thread(void *arg)
{
	struct tts_queue *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct tts_job *job;
		struct tts_done *d;
		while (!q->stop && q->n == 0)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop)
			break;
		job = &q->jobs[q->head]; /* its slot stays taken until it is done */
		pthread_mutex_unlock(&q->mu);
		d = calloc(1, sizeof(*d));
		if (d != NULL) {
			d->tag = job->tag;
			d->clip = run_job(job, &d->err);
			if (d->clip != NULL)
				d->clip->tag = job->tag;
		}
		pthread_mutex_lock(&q->mu);
		q->head = (q->head + 1) % q->depth;
		q->n--;
		if (d != NULL) {
			*q->done_tail = d;
			q->done_tail = &d->next;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int
tts_queue_create(unsigned depth, struct tts_queue **out)
{
	struct tts_queue *q;

	if (depth == 0)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->depth = depth;
	q->jobs = calloc(depth, sizeof(*q->jobs));
	q->done_tail = &q->done;
	if (q->jobs == NULL)
		goto fail;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->thread, NULL, tts_thread, q) != 0) {
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		goto fail;
	}
	*out = q;
	return 0;
fail:
	free(q->jobs);
	free(q);
	return -ENOMEM;
}

void
tts_queue_destroy(struct tts_queue *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	while (q->done != NULL) {
		struct tts_done *d = q->done;
		q->done = d->next;
		free(d->clip);
		free(d);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->jobs);
	free(q);
}

static int
submit(struct tts_queue *q, uint64_t tag, int is_file, const char *text, const char *voice)
{
	struct tts_job *j;

	pthread_mutex_lock(&q->mu);
	if (q->n == q->depth) {
		pthread_mutex_unlock(&q->mu);
		return -ENOBUFS;
	}
	j = &q->jobs[(q->head + q->n) % q->depth];
	j->tag = tag;
	j->is_file = is_file;
	snprintf(j->text, sizeof(j->text), "%s", text);
	snprintf(j->voice, sizeof(j->voice), "%s", voice ? voice : "");
	q->n++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

int
tts_queue_say(struct tts_queue *q, uint64_t tag, const char *text, const char *voice)
{
	if (text == NULL || text[0] == '\0' || strlen(text) >= TTS_TEXT_MAX ||
			(voice != NULL && (strlen(voice) >= TTS_VOICE_MAX || voice[0] == '-')))
		return -EINVAL;
	return submit(q, tag, 0, text, voice);
}

int
tts_queue_play(struct tts_queue *q, uint64_t tag, const char *path)
{
	if (path == NULL || path[0] == '\0' || strlen(path) >= TTS_PATH_MAX)
		return -EINVAL;
	return submit(q, tag, 1, path, NULL);
}

int
tts_queue_poll(struct tts_queue *q, uint64_t *tag, struct tts_clip **clip, int *err)
{
	struct tts_done *d;

	pthread_mutex_lock(&q->mu);
	d = q->done;
	if (d != NULL) {
		q->done = d->next;
		if (q->done == NULL)
			q->done_tail = &q->done;
	}
	pthread_mutex_unlock(&q->mu);
	if (d == NULL)
		return 0;
	*tag = d->tag;
	*clip = d->clip;
	*err = d->clip != NULL ? 0 : d->err != 0 ? d->err : -ENOMEM;
	free(d);
	return 1;
}
