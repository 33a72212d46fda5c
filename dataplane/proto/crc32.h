/*
 * CRC-32 (IEEE 802.3 / ITU-T V.42 polynomial 0x04C11DB7, reflected), the
 * checksum under STUN's FINGERPRINT (RFC 8489 §14.7). Not CRC-32C.
 *
 * Owns: a slicing-by-8 table implementation with no dependencies.
 */
#ifndef RTC_CRC32_H
#define RTC_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of @len bytes continuing from @crc (0 to start). */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#endif
