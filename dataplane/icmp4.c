/* ICMP (RFC 792): answer echo requests to our addresses (RFC 1122 §3.2.2.6). */
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "pkt_internal.h"

#define ICMP4_REPLY_TTL 64

enum pkt_verdict
pkt_icmp4_input(const struct pkt_ctx *c, struct pkt_frame *f)
{
	struct rte_ipv4_hdr *ip = (void *)(f->buf + f->l3_off);
	uint16_t msg_len = (uint16_t)(f->len - f->l4_off);
	struct rte_icmp_hdr *ic = (void *)pkt_at(f, f->l4_off, sizeof(*ic));
	rte_be32_t a;

	if (ic == NULL)
		return pkt_drop(c, RTC_DROP_icmp_truncated);
	if (cksum_fold(cksum_partial(0, ic, msg_len)) != 0xffff)
		return pkt_drop(c, RTC_DROP_icmp_bad_cksum);
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0)
		return pkt_drop(c, RTC_DROP_icmp_unhandled);

	/* The reply carries no IP options: move the message up behind a 20-byte header. */
	if (f->l4_off != f->l3_off + sizeof(*ip)) {
		memmove(f->buf + f->l3_off + sizeof(*ip), ic, msg_len);
		f->l4_off = (uint16_t)(f->l3_off + sizeof(*ip));
		ic = (void *)(f->buf + f->l4_off);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
	}
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + msg_len));
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = ICMP4_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(cksum_ip4_hdr(ip, sizeof(*ip))));

	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = rte_cpu_to_be_16((uint16_t)~cksum_fold(cksum_partial(0, ic, msg_len)));
	f->len = (uint16_t)(f->l4_off + msg_len);
	pkt_eth_reply(c, f);
	rtc_stats_inc(c->st, RTC_STAT_icmp_echo_replies);
	return PKT_TX;
}
