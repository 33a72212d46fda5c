/* rte_flow steering of sessions' 5-tuples (see flowsteer.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_flow.h>

#include "flowsteer.h"

/* The rule's parts for @f: eth / ipv4|ipv6 (exact src, dst) / udp (exact ports) -> queue. */
struct rule_parts {
	struct rte_flow_item_ipv4 ip4, ip4_mask;
	struct rte_flow_item_ipv6 ip6, ip6_mask;
	struct rte_flow_item_udp udp, udp_mask;
	struct rte_flow_action_queue queue;
	struct rte_flow_item pattern[4];
	struct rte_flow_action actions[2];
	struct rte_flow_attr attr;
};

static void
rule_build(struct rule_parts *r, const struct pkt_flow *f, uint16_t queue)
{
	memset(r, 0, sizeof(*r));
	r->attr.ingress = 1;
	r->pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH;
	if (f->family == 4) {
		memcpy(&r->ip4.hdr.src_addr, f->raddr + 12, 4);
		memcpy(&r->ip4.hdr.dst_addr, f->laddr + 12, 4);
		memset(&r->ip4_mask.hdr.src_addr, 0xff, 4);
		memset(&r->ip4_mask.hdr.dst_addr, 0xff, 4);
		r->pattern[1] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_IPV4,
				.spec = &r->ip4, .mask = &r->ip4_mask};
	} else {
		memcpy(r->ip6.hdr.src_addr, f->raddr, 16);
		memcpy(r->ip6.hdr.dst_addr, f->laddr, 16);
		memset(r->ip6_mask.hdr.src_addr, 0xff, 16);
		memset(r->ip6_mask.hdr.dst_addr, 0xff, 16);
		r->pattern[1] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_IPV6,
				.spec = &r->ip6, .mask = &r->ip6_mask};
	}
	r->udp.hdr.src_port = f->rport;
	r->udp.hdr.dst_port = f->lport;
	r->udp_mask.hdr.src_port = 0xffff;
	r->udp_mask.hdr.dst_port = 0xffff;
	r->pattern[2] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &r->udp,
			.mask = &r->udp_mask};
	r->pattern[3].type = RTE_FLOW_ITEM_TYPE_END;
	r->queue.index = queue;
	r->actions[0] = (struct rte_flow_action){.type = RTE_FLOW_ACTION_TYPE_QUEUE,
			.conf = &r->queue};
	r->actions[1].type = RTE_FLOW_ACTION_TYPE_END;
}

int
flowsteer_init(struct flowsteer *fs, uint16_t port_id, uint16_t n_rxq, uint32_t max_sessions)
{
	struct rule_parts r;
	struct rte_flow_error err;
	struct rte_flow *probe_rule;
	struct pkt_flow probe = {.family = 4};
	static const uint8_t v4[12] = {[10] = 0xff, [11] = 0xff};

	memset(fs, 0, sizeof(*fs));
	fs->port_id = port_id;
	fs->max = max_sessions;
	if (n_rxq < 2) {
		snprintf(fs->why, sizeof(fs->why), "one RX queue: nothing to steer");
		return 0;
	}
	memcpy(probe.raddr, v4, 12);
	memcpy(probe.laddr, v4, 12);
	probe.raddr[12] = 198, probe.raddr[13] = 18, probe.raddr[15] = 1;
	probe.laddr[12] = 198, probe.laddr[13] = 18, probe.laddr[15] = 2;
	probe.rport = 0x3412;
	probe.lport = 0x204e;
	rule_build(&r, &probe, 0);
	memset(&err, 0, sizeof(err));
	if (rte_flow_validate(port_id, &r.attr, r.pattern, r.actions, &err) != 0) {
		snprintf(fs->why, sizeof(fs->why), "the port refuses a 5-tuple -> queue rule: %s",
				err.message ? err.message : "not supported");
		return 0;
	}
	/* some drivers validate what they then cannot make (net_tap without its qdisc): make
	 * the probe rule and take it away again */
	memset(&err, 0, sizeof(err));
	probe_rule = rte_flow_create(port_id, &r.attr, r.pattern, r.actions, &err);
	if (probe_rule == NULL) {
		snprintf(fs->why, sizeof(fs->why), "the port validates but cannot make a 5-tuple -> "
				"queue rule: %s", err.message ? err.message : "not supported");
		return 0;
	}
	rte_flow_destroy(port_id, probe_rule, &err);
	fs->rule = calloc(max_sessions, sizeof(*fs->rule));
	if (fs->rule == NULL)
		return -ENOMEM;
	fs->on = 1;
	return 0;
}

void
flowsteer_del(struct flowsteer *fs, uint32_t idx)
{
	struct rte_flow_error err;

	if (!fs->on || idx >= fs->max || fs->rule[idx] == NULL)
		return;
	if (rte_flow_destroy(fs->port_id, fs->rule[idx], &err) == 0)
		fs->removed++;
	else
		fs->failed++;
	fs->rule[idx] = NULL;
}

int
flowsteer_set(struct flowsteer *fs, uint32_t idx, const struct pkt_flow *f, uint16_t queue)
{
	struct rule_parts r;
	struct rte_flow_error err;

	if (!fs->on || idx >= fs->max)
		return 0;
	flowsteer_del(fs, idx);
	rule_build(&r, f, queue);
	fs->rule[idx] = rte_flow_create(fs->port_id, &r.attr, r.pattern, r.actions, &err);
	if (fs->rule[idx] == NULL) {
		fs->failed++;
		return -1;
	}
	fs->installed++;
	return 0;
}

void
flowsteer_fini(struct flowsteer *fs)
{
	if (fs->rule != NULL)
		for (uint32_t i = 0; i < fs->max; i++)
			flowsteer_del(fs, i);
	free(fs->rule);
	fs->rule = NULL;
	fs->on = 0;
}
