/* The byte loop of the Internet checksum (see cksum.h). */
#include "cksum.h"

uint64_t
cksum_partial(uint64_t acc, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t v;

#if defined(__x86_64__) && defined(__GNUC__)
	/* add-with-carry chains straight from memory: 64 bytes in nine instructions */
	while (n >= 64) {
		__asm__("addq 0(%[p]), %[a]\n\t"
			"adcq 8(%[p]), %[a]\n\t"
			"adcq 16(%[p]), %[a]\n\t"
			"adcq 24(%[p]), %[a]\n\t"
			"adcq 32(%[p]), %[a]\n\t"
			"adcq 40(%[p]), %[a]\n\t"
			"adcq 48(%[p]), %[a]\n\t"
			"adcq 56(%[p]), %[a]\n\t"
			"adcq $0, %[a]"
			: [a] "+r"(acc)
			: [p] "r"(b), "m"(*(const uint8_t(*)[64])b)
			: "cc");
		b += 64;
		n -= 64;
	}
	if (n >= 32) {
		__asm__("addq 0(%[p]), %[a]\n\t"
			"adcq 8(%[p]), %[a]\n\t"
			"adcq 16(%[p]), %[a]\n\t"
			"adcq 24(%[p]), %[a]\n\t"
			"adcq $0, %[a]"
			: [a] "+r"(acc)
			: [p] "r"(b), "m"(*(const uint8_t(*)[32])b)
			: "cc");
		b += 32;
		n -= 32;
	}
#endif
	while (n >= 8) {
		memcpy(&v, b, 8);
		acc = cksum_add64(acc, v);
		b += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t w;
		memcpy(&w, b, 4);
		acc = cksum_add64(acc, w);
		b += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;
		memcpy(&w, b, 2);
		acc = cksum_add64(acc, w);
		b += 2;
		n -= 2;
	}
	if (n) /* a last odd byte is the high byte of a big-endian word */
		acc = cksum_add64(acc, cksum_be16((uint16_t)(b[0] << 8)));
	return acc;
}
