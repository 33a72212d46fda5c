/*
 * Internet checksum (RFC 1071) for the frame processor.
 *
 * Owns: the one's complement sum. A running sum is a uint64_t of native
 * 16-bit units with end-around carry: bytes are loaded in host order, 8 at a
 * time, and the result is swapped once at the end (RFC 1071 §2(B): the sum
 * of byte-swapped words is the byte-swapped sum). Constants (pseudo-header
 * lengths, protocol numbers) enter through cksum_be16(), i.e. as they would
 * sit on the wire. A sum over bytes must start at an even offset of the
 * checksummed stream; every caller here adds pieces of even length except
 * the last.
 */
#ifndef RTC_CKSUM_H
#define RTC_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

static inline uint64_t
cksum_add64(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

/* A host-order 16-bit value as a checksum term (the way the wire holds it). */
static inline uint64_t
cksum_be16(uint16_t v)
{
	return rte_cpu_to_be_16(v);
}

/* Add @n bytes at @p to the running sum @acc. */
uint64_t cksum_partial(uint64_t acc, const void *p, size_t n);

/* The 16-bit one's complement sum of @acc in host order; 0xffff = checksum correct. */
static inline uint16_t
cksum_fold(uint64_t acc)
{
	acc = (acc >> 32) + (acc & 0xffffffff);
	acc = (acc >> 32) + (acc & 0xffffffff);
	acc = (acc >> 16) + (acc & 0xffff);
	acc = (acc >> 16) + (acc & 0xffff);
	return rte_be_to_cpu_16((uint16_t)acc);
}

/* The sum of an IPv4 header of @hlen bytes (20 is inlined: the common case). */
static inline uint64_t
cksum_ip4_hdr(const void *hdr, size_t hlen)
{
	uint64_t a, b;
	uint32_t c;

	if (hlen != 20)
		return cksum_partial(0, hdr, hlen);
	memcpy(&a, hdr, 8);
	memcpy(&b, (const uint8_t *)hdr + 8, 8);
	memcpy(&c, (const uint8_t *)hdr + 16, 4);
	return cksum_add64(cksum_add64(a, b), c);
}

/* IPv4 pseudo-header (RFC 768): addresses, protocol, upper-layer length. */
static inline uint64_t
cksum_pseudo4(const struct rte_ipv4_hdr *ip, uint8_t proto, uint16_t l4_len)
{
	uint64_t addrs;

	memcpy(&addrs, &ip->src_addr, 8); /* source and destination are adjacent */
	return cksum_add64(addrs, cksum_be16(proto) + cksum_be16(l4_len));
}

/* IPv6 pseudo-header (RFC 8200 §8.1): addresses, 32-bit length, next header. */
static inline uint64_t
cksum_pseudo6(const struct rte_ipv6_hdr *ip, uint8_t nh, uint32_t l4_len)
{
	return cksum_add64(cksum_partial(0, ip->src_addr, 32),
			cksum_be16((uint16_t)(l4_len >> 16)) + cksum_be16((uint16_t)l4_len) +
					cksum_be16(nh));
}

#endif
