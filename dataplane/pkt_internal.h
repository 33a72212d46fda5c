/*
 * Shared by the per-protocol files behind pkt_process(): the frame being
 * processed, a bounded cursor over it, and the per-protocol entry points.
 * Not for use outside dataplane/pkt*.c, arp.c, ipv4.c, ipv6.c, icmp*.c, udp.c.
 */
#ifndef RTC_PKT_INTERNAL_H
#define RTC_PKT_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "pkt.h"

struct rte_ipv4_hdr;
struct rte_ipv6_hdr;

/* The frame under processing. Offsets only grow; every access is checked. */
struct pkt_frame {
	uint8_t *buf;
	uint16_t len;  /* bytes valid (for IP: trimmed to the IP datagram) */
	uint16_t room; /* bytes the buffer can hold */
	uint16_t l2_len;
	uint16_t l3_off;
	uint16_t l4_off;
};

/* Pointer to @n bytes at @off, or NULL if they are not all inside the frame. */
static inline uint8_t *
pkt_at(const struct pkt_frame *f, size_t off, size_t n)
{
	if (off > f->len || n > (size_t)f->len - off)
		return NULL;
	return f->buf + off;
}

static inline enum pkt_verdict
pkt_drop(const struct pkt_ctx *c, enum rtc_stat reason)
{
	rtc_stats_inc(c->st, reason);
	return PKT_DROP;
}

/* Turn the Ethernet header around: destination = old source, source = us. */
void pkt_eth_reply(const struct pkt_ctx *c, struct pkt_frame *f);

/* Internet checksum helpers (RFC 1071) over plain bytes. */
uint32_t pkt_cksum_add(uint32_t sum, const void *p, size_t n);
uint16_t pkt_cksum_fold(uint32_t sum);
/* Pseudo-header sums (RFC 768, RFC 8200 §8.1) of the header's addresses. */
uint32_t pkt_cksum_pseudo4(const struct rte_ipv4_hdr *ip, uint8_t proto, uint16_t l4_len);
uint32_t pkt_cksum_pseudo6(const struct rte_ipv6_hdr *ip, uint8_t nh, uint32_t l4_len);

enum pkt_verdict pkt_arp_input(const struct pkt_ctx *c, struct pkt_frame *f);
enum pkt_verdict pkt_ipv4_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m);
enum pkt_verdict pkt_ipv6_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m);
enum pkt_verdict pkt_icmp4_input(const struct pkt_ctx *c, struct pkt_frame *f);
enum pkt_verdict pkt_icmp6_input(const struct pkt_ctx *c, struct pkt_frame *f);
/* @pseudo: the pseudo-header sum; @l4_len: bytes of UDP header + payload. */
enum pkt_verdict pkt_udp_input(const struct pkt_ctx *c, struct pkt_frame *f, uint32_t pseudo,
		uint16_t l4_len, int cksum_required, struct pkt_media *m);

#endif
