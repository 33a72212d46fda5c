/*
 * espeak-ng speech for the media tests; see media_speech.h.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "media_speech.h"

extern char **environ;

static uint32_t
rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Whole output of a child's stdout; NULL on failure. */
static uint8_t *
run_capture(char *const argv[], size_t *len)
{
	int fd[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	int status;

	if (pipe(fd) != 0)
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL)
				break;
			buf = nb;
			cap = ncap;
		}
		ssize_t r = read(fd[0], buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int
media_speech_espeak(
        const char *voice, unsigned wpm, const char *text, int16_t **pcm, size_t *n, unsigned *rate)
{
	char speed[16];
	snprintf(speed, sizeof(speed), "%u", wpm ? wpm : 175);
	char *argv[] = {
	        "espeak-ng", "-v", (char *)voice, "-s", speed, "--stdout", (char *)text, NULL};
	size_t len = 0, off = 12;
	uint8_t *w = run_capture(argv, &len);
	unsigned fmt_rate = 0, fmt_ok = 0;

	if (w == NULL || len < 12 || memcmp(w, "RIFF", 4) != 0 || memcmp(w + 8, "WAVE", 4) != 0)
		goto bad;
	while (off + 8 <= len) {
		uint32_t id_len = rd_le32(w + off + 4);
		const uint8_t *body = w + off + 8;
		size_t avail = len - off - 8;
		if (memcmp(w + off, "fmt ", 4) == 0 && id_len >= 16 && avail >= 16) {
			fmt_ok = rd_le16(body) == 1 && rd_le16(body + 2) == 1 &&
			         rd_le16(body + 14) == 16;
			fmt_rate = rd_le32(body + 4);
		} else if (memcmp(w + off, "data", 4) == 0) {
			/* espeak-ng writes to a pipe and cannot seek back: the size is a
			 * placeholder (0x7ffff000), the data runs to the end */
			size_t dn = id_len < avail ? id_len : avail;
			if (!fmt_ok || fmt_rate == 0)
				goto bad;
			int16_t *s = malloc((dn / 2 + 1) * sizeof(*s));
			if (s == NULL)
				goto bad;
			for (size_t i = 0; i < dn / 2; i++)
				s[i] = (int16_t)rd_le16(body + 2 * i);
			*pcm = s;
			*n = dn / 2;
			*rate = fmt_rate;
			free(w);
			return 0;
		}
		if (id_len > avail)
			break;
		off += 8 + id_len + (id_len & 1);
	}
bad:
	fprintf(stderr, "media_speech: espeak-ng -v %s \"%s\" gave no 16-bit mono WAV\n", voice,
	        text);
	free(w);
	return -1;
}

static unsigned
gcd_u(unsigned a, unsigned b)
{
	while (b != 0) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * Output sample i sits at input position t = i * M / L (rate_in / rate_out
 * = M / L in lowest terms), so its fractional part is one of L phases p / L.
 * The taps of each phase are computed once: h(x) = 2 fc sinc(2 fc x) w(x),
 * x = k - t, with a Blackman window w over |x| <= half.
 */
int16_t *
media_speech_resample(
        const int16_t *in, size_t n, unsigned rate_in, unsigned rate_out, size_t *n_out)
{
	const unsigned g = gcd_u(rate_in, rate_out);
	const unsigned L = rate_out / g, M = rate_in / g;
	const double lower = rate_in < rate_out ? rate_in : rate_out;
	const double fc = 0.45 * lower / rate_in; /* cut-off, cycles per input sample */
	const double half = 16.0 / fc / 2.0;      /* 32 zero crossings wide */
	const long w = (long)ceil(half) + 1;      /* taps j = -w .. w around floor(t) */
	const size_t width = (size_t)(2 * w + 1);
	size_t m = (size_t)((double)n * rate_out / rate_in);
	int16_t *out = malloc((m + 1) * sizeof(*out));
	double *taps = malloc((size_t)L * width * sizeof(double));

	if (out == NULL || taps == NULL || L > 100000) {
		free(out);
		free(taps);
		return NULL;
	}
	for (unsigned p = 0; p < L; p++) {
		double frac = (double)p / L;
		for (long j = -w; j <= w; j++) {
			double x = (double)j - frac;
			double h = 0.0;
			if (fabs(x) <= half) {
				double s =
				        x == 0.0 ? 1.0
				                 : sin(2.0 * M_PI * fc * x) / (2.0 * M_PI * fc * x);
				double win = 0.42 + 0.5 * cos(M_PI * x / half) +
				             0.08 * cos(2.0 * M_PI * x / half);
				h = 2.0 * fc * s * win;
			}
			taps[(size_t)p * width + (size_t)(j + w)] = h;
		}
	}
	for (size_t i = 0; i < m; i++) {
		uint64_t num = (uint64_t)i * M;
		long k0 = (long)(num / L);
		const double *h = taps + (size_t)(num % L) * width;
		double acc = 0.0;
		for (long j = -w; j <= w; j++) {
			long k = k0 + j;
			if (k >= 0 && k < (long)n)
				acc += in[k] * h[j + w];
		}
		acc = lrint(acc);
		out[i] = (int16_t)(acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
	}
	free(taps);
	*n_out = m;
	return out;
}

int
media_speech_make(const char *text, unsigned rate_out, int16_t **pcm, size_t *n)
{
	int16_t *raw;
	size_t nraw, nout;
	unsigned rate;

	if (media_speech_espeak(MEDIA_SPEECH_VOICE, 0, text, &raw, &nraw, &rate) != 0)
		return -1;
	int16_t *out = media_speech_resample(raw, nraw, rate, rate_out, &nout);
	free(raw);
	if (out == NULL)
		return -1;
	*pcm = out;
	*n = nout;
	return 0;
}
