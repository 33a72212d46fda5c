/*
 * Network byte order loads and stores on unaligned bytes, and the bounded
 * reader the sans-IO parsers take every untrusted length through. The loads
 * and stores only move bytes: callers check bounds first (wire_rd_take).
 */
#ifndef RTC_WIRE_H
#define RTC_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* A cursor over len bytes at p; off <= len always. */
struct wire_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

/* @n bytes at the cursor, advancing it, or NULL (cursor unchanged) if fewer remain. */
static inline const uint8_t *
wire_rd_take(struct wire_rd *r, size_t n)
{
	const uint8_t *q;

	if (n > r->len - r->off)
		return NULL;
	q = r->p + r->off;
	r->off += n;
	return q;
}

static inline size_t
wire_rd_left(const struct wire_rd *r)
{
	return r->len - r->off;
}

static inline uint16_t
wire_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
wire_rd24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t
wire_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wire_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
