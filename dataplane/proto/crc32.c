/* Slicing-by-8 CRC-32 (see crc32.h); tables built once on first use. */
#include <string.h>

#include "crc32.h"

static uint32_t crc_tab[8][256];
static int crc_tab_ready;

static void
crc32_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
	__atomic_store_n(&crc_tab_ready, 1, __ATOMIC_RELEASE);
}

uint32_t
crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!__atomic_load_n(&crc_tab_ready, __ATOMIC_ACQUIRE))
		crc32_tables(); /* idempotent: racing first callers write the same values */
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
		lo ^= crc; /* little-endian hosts (x86_64, aarch64 LE) */
		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
				crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
				crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
				crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xff];
	return ~crc;
}
