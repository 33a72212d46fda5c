/*
 * Test helpers shared by the unit tests: reading a vector file from
 * tests/vectors (RTC_VECTORS, set by meson) and byte checks. Include after
 * <cmocka.h>.
 */
#ifndef RTC_TEST_VECTORS_H
#define RTC_TEST_VECTORS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* tests/vectors/<dir>/<stem>.bin into @buf; fails the test if it cannot be read. */
static inline size_t
vector_load(const char *dir, const char *stem, uint8_t *buf, size_t cap)
{
	const char *root = getenv("RTC_VECTORS");
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/%s.bin", root ? root : "tests/vectors", dir, stem);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (set RTC_VECTORS)", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static inline int
bytes_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

#endif
