/*
 * UDP input (RFC 768, RFC 8200 §8.1): verify, keep the media port (and the
 * transceiver export's ports, export.h), classify
 * (RFC 7983). Inline: it runs for every media packet, behind IPv4 or IPv6,
 * and is small enough to fold into both callers.
 */
#ifndef RTC_PKT_UDP_H
#define RTC_PKT_UDP_H

#include <rte_byteorder.h>
#include <rte_udp.h>

#include "pkt_internal.h"

/* @pseudo: the pseudo-header sum without the length; @l4_len: bytes of UDP header + payload. */
static inline enum pkt_verdict
pkt_udp_input(const struct pkt_ctx *c, struct pkt_frame *f, uint64_t pseudo, uint16_t l4_len,
		int cksum_required, struct pkt_media *m)
{
	const struct rte_udp_hdr *uh = (const void *)pkt_at(f, f->l4_off, sizeof(*uh));
	uint16_t ulen;
	enum demux_class cls;

	if (uh == NULL || l4_len < sizeof(*uh))
		return pkt_drop(c, RTC_DROP_udp_truncated);
	ulen = rte_be_to_cpu_16(uh->dgram_len);
	if (ulen < sizeof(*uh) || ulen > l4_len)
		return pkt_drop(c, RTC_DROP_udp_truncated);
	if (uh->dgram_cksum == 0) {
		if (cksum_required)
			return pkt_drop(c, RTC_DROP_udp_bad_cksum);
	} else if ((c->hw_cksum & PKT_HW_L4_BAD) ||
			(!(c->hw_cksum & PKT_HW_L4_GOOD) &&
					cksum_fold(cksum_partial(cksum_add64(pseudo, cksum_be16(ulen)), uh, ulen)) != 0xffff)) {
		return pkt_drop(c, RTC_DROP_udp_bad_cksum);
	}
	if (rte_be_to_cpu_16(uh->dst_port) != c->nif->media_port &&
			(uint16_t)(rte_be_to_cpu_16(uh->dst_port) - c->nif->export_base) >=
					c->nif->export_count)
		return pkt_drop(c, RTC_DROP_udp_closed_port);

	m->payload_off = (uint16_t)(f->l4_off + sizeof(*uh));
	m->payload_len = (uint16_t)(ulen - sizeof(*uh));
	cls = demux_classify(f->buf + m->payload_off, m->payload_len);
	if (cls == DEMUX_TRUNCATED)
		return pkt_drop(c, RTC_DROP_media_truncated);
	if (cls == DEMUX_UNKNOWN)
		return pkt_drop(c, RTC_DROP_media_unknown_class);
	m->cls = cls;
	m->flow.rport = uh->src_port;
	m->flow.lport = uh->dst_port;
	return PKT_MEDIA;
}

#endif
