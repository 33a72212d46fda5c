/*
 * libFuzzer target: the configuration parsers on untrusted text.
 *
 * The input is used twice, each time over the embedded defaults:
 *   1. as one --set argument (NUL-terminated) for config_set_assignment();
 *   2. as the contents of an INI file (a memfd) for config_load_file().
 * Checks: nothing crashes or trips a sanitizer; a failure leaves every byte
 * of the configuration as it was (memcmp) and says why, a file error as
 * "file:line: ...".
 * With FUZZ_CONFIG_STRICT=1 in the environment, also: after a success the
 * dump loads back to the same dump (config.h's promise for config_dump).
 * That check is off by default because of a known gap: string values INI
 * cannot carry (surrounding blanks, a leading ';', line breaks) are
 * accepted but not dumped faithfully; see tests/fuzz/README.md.
 * A failed check aborts (a crash for libFuzzer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_config: invariant failed: %s (line %d)\n", #cond, \
					__LINE__);                                            \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* A memfd holding @n bytes of @p; its path is /proc/self/fd/N. */
static int
fuzz_memfd(const void *p, size_t n, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz_config.ini", 0);

	CHECK(fd >= 0);
	CHECK(write(fd, p, n) == (ssize_t)n);
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/* config_dump() into a malloc'd string. */
static char *
fuzz_dump(const struct rtc_config *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	CHECK(f != NULL);
	config_dump(c, f);
	CHECK(fclose(f) == 0);
	return s;
}

/* The dump of @c loads over the defaults and dumps the same again. */
static void
fuzz_round_trip(const struct rtc_config *c)
{
	struct rtc_config back;
	char err[CONFIG_ERR_LEN] = "";
	char path[64];
	char *d1 = fuzz_dump(c), *d2;
	int fd = fuzz_memfd(d1, strlen(d1), path, sizeof(path));

	config_defaults(&back);
	/* a secret is never dumped (config.h): the loader keeps its own */
	memcpy(back.redis_password, c->redis_password, sizeof(back.redis_password));
	if (config_load_file(&back, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_config: the dump does not load: %s\n%s", err, d1);
		abort();
	}
	d2 = fuzz_dump(&back);
	if (strcmp(d1, d2) != 0) {
		fprintf(stderr, "fuzz_config: dump -> load -> dump differs:\n%s---\n%s", d1, d2);
		abort();
	}
	free(d1);
	free(d2);
	close(fd);
}

static void
fuzz_assignment(const uint8_t *data, size_t size, int strict)
{
	struct rtc_config c, before;
	char err[CONFIG_ERR_LEN];
	char *kv = malloc(size + 1);

	CHECK(kv != NULL);
	memcpy(kv, data, size);
	kv[size] = '\0';
	config_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	err[0] = '\0';
	if (config_set_assignment(&c, kv, err, sizeof(err)) != 0) {
		CHECK(memcmp(&before, &c, sizeof(c)) == 0);
		CHECK(err[0] != '\0');
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	} else if (strict) {
		fuzz_round_trip(&c);
	}
	free(kv);
}

static void
fuzz_file(const uint8_t *data, size_t size, int strict)
{
	struct rtc_config c, before;
	char err[CONFIG_ERR_LEN];
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	config_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	err[0] = '\0';
	if (config_load_file(&c, path, err, sizeof(err)) != 0) {
		CHECK(memcmp(&before, &c, sizeof(c)) == 0);
		/* "file:line: ..." */
		CHECK(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
	} else if (strict) {
		fuzz_round_trip(&c);
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int strict = -1;

	if (strict < 0) {
		const char *s = getenv("FUZZ_CONFIG_STRICT");
		strict = s != NULL && strcmp(s, "1") == 0;
	}
	if (size > 65536)
		return 0;
	fuzz_assignment(data, size, strict);
	fuzz_file(data, size, strict);
	return 0;
}
