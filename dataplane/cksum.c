/* The byte loop of the Internet checksum (see cksum.h). */
#include "cksum.h"

uint64_t
cksum_partial(uint64_t acc, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t v;

#if defined(__x86_64__) && defined(__GNUC__)
	/* add-with-carry chain: 32 bytes in five instructions */
	while (n >= 32) {
		uint64_t w0, w1, w2, w3;
		memcpy(&w0, b, 8);
		memcpy(&w1, b + 8, 8);
		memcpy(&w2, b + 16, 8);
		memcpy(&w3, b + 24, 8);
		__asm__("addq %1, %0\n\t"
			"adcq %2, %0\n\t"
			"adcq %3, %0\n\t"
			"adcq %4, %0\n\t"
			"adcq $0, %0"
			: "+r"(acc)
			: "r"(w0), "r"(w1), "r"(w2), "r"(w3)
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
