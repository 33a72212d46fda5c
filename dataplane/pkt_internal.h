/*
 * Shared by the per-protocol files behind pkt_process(): the frame being
 * processed, a bounded cursor over it, and the per-protocol entry points.
 * Not for use outside dataplane/pkt*.[ch], arp.c, ipv4.c, ipv6.c, icmp*.c.
 */
#ifndef RTC_PKT_INTERNAL_H
#define RTC_PKT_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "cksum.h"
#include "pkt.h"

/* The frame under processing. Offsets only grow; every access is checked. */
struct pkt_frame {
	uint8_t *buf;
	uint16_t len;  /* bytes valid (for IP: trimmed to the IP datagram) */
	uint16_t room; /* bytes the buffer can hold */
	uint16_t l2_len;
	uint16_t l3_off;
	uint16_t l4_off;
	uint8_t l2_group; /* sent to a broadcast or multicast MAC */
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

enum pkt_verdict pkt_arp_input(const struct pkt_ctx *c, struct pkt_frame *f);
enum pkt_verdict pkt_ipv4_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m);
enum pkt_verdict pkt_ipv6_input(const struct pkt_ctx *c, struct pkt_frame *f, struct pkt_media *m);
enum pkt_verdict pkt_icmp4_input(const struct pkt_ctx *c, struct pkt_frame *f);
enum pkt_verdict pkt_icmp6_input(const struct pkt_ctx *c, struct pkt_frame *f);

#endif
