/*
 * Frame processing of one received frame, sans-IO: bytes in, a verdict out.
 *
 * Owns: Ethernet/802.1Q, ARP, IPv4, IPv6 (+ND), ICMP/ICMPv6 echo and UDP
 * handling up to the media port's RFC 7983 class. Replies (ARP, echo, NA)
 * are built in place in the same buffer. Works on plain byte buffers so it
 * is unit-tested and fuzzed without DPDK; the worker wraps it around mbufs.
 * Every PKT_DROP increments exactly one RTC_DROP_* counter.
 */
#ifndef RTC_PKT_H
#define RTC_PKT_H

#include <stdint.h>

#include "demux.h"
#include "neigh.h"
#include "netif.h"
#include "stats.h"

enum pkt_verdict {
	PKT_DROP,     /* counted; free the buffer */
	PKT_CONSUMED, /* absorbed (e.g. an ARP reply learned); free the buffer */
	PKT_TX,	      /* a reply was built in place; *len is its length */
	PKT_MEDIA,    /* a datagram to our media port (or an export port); struct pkt_media */
};

/* Both ends of a UDP flow. IPv4 addresses are IPv4-mapped IPv6. */
struct pkt_flow {
	uint8_t raddr[16]; /* remote (source of the received datagram) */
	uint8_t laddr[16]; /* local (one of ours) */
	uint16_t rport;	   /* network order */
	uint16_t lport;	   /* network order */
	uint8_t family;	   /* 4 or 6 */
};

struct pkt_media {
	enum demux_class cls;
	uint16_t l2_len;      /* Ethernet (+802.1Q) header length */
	uint16_t payload_off; /* UDP payload offset in the frame */
	uint16_t payload_len;
	struct pkt_flow flow;
};

/* What the NIC already verified for a frame (struct pkt_ctx.hw_cksum). */
#define PKT_HW_IP4_GOOD (1u << 0)
#define PKT_HW_IP4_BAD (1u << 1)
#define PKT_HW_L4_GOOD (1u << 2)
#define PKT_HW_L4_BAD (1u << 3)

/* What one worker hands to the frame processor. */
struct pkt_ctx {
	const struct netif *nif;
	struct neigh_table *neigh;
	struct rtc_stats *st;
	uint64_t now_us;
	uint32_t hw_cksum; /* PKT_HW_* of the current frame; 0 = verify in software */
};

/*
 * Process the frame in buf[0..*len). @room is how many bytes buf can hold
 * (a reply may grow the frame up to it). On PKT_TX, buf[0..*len) is the
 * reply to send back on the same port. On PKT_MEDIA, @m is filled.
 */
enum pkt_verdict pkt_process(const struct pkt_ctx *c, uint8_t *buf, uint16_t *len,
		uint16_t room, struct pkt_media *m);

/*
 * Turn the received media datagram in buf (described by @m) into one back to
 * its sender carrying @plen bytes of @payload: MACs, addresses and ports
 * swapped, a fresh IPv4 (DF, TTL 64) or IPv6 (hop limit 64) header without
 * options or extension headers, checksums computed; the 802.1Q tag is kept.
 * Returns the frame length, or 0 if it would not fit in @room.
 */
uint16_t pkt_udp_reply(uint8_t *buf, uint16_t room, const struct pkt_media *m, const void *payload,
		uint16_t plen);

/* Bytes of Ethernet (@l2_len) + IP (@family) + UDP headers. */
uint16_t pkt_udp_headers_len(uint8_t family, uint16_t l2_len);
/*
 * Headers for @plen payload bytes that already follow them, from our side of
 * @f (laddr, lport) to the peer (raddr, rport), with the L2 header @l2
 * (destination MAC, ours, VLAN tag if any, EtherType rewritten): @frame
 * points pkt_udp_headers_len() bytes before the payload. Returns the frame
 * length, or 0 if it would exceed 65535.
 */
uint16_t pkt_udp_build(uint8_t *frame, const uint8_t *l2, uint16_t l2_len, const struct pkt_flow *f,
		uint16_t plen);

#endif
