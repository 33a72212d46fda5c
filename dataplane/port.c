/* DPDK port bring-up for the dataplane (see port.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "log.h"
#include "port.h"

#define PORT_RSS_WANTED \
	(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV6 | \
			RTE_ETH_RSS_NONFRAG_IPV6_UDP)
#define PORT_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)
#define PORT_MBUF_CACHE 256
#define PORT_L2_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 2 * 4) /* QinQ */

int
port_resolve(const char *spec, uint16_t *port_id, char *err, size_t errlen)
{
	uint16_t pid;
	char *end;

	if (rte_eth_dev_count_avail() == 0) {
		snprintf(err, errlen,
				"dataplane.port: no DPDK port exists (bind a NIC or give --vdev)");
		return -ENODEV;
	}
	if (strcmp(spec, "auto") == 0) {
		RTE_ETH_FOREACH_DEV(pid) {
			*port_id = pid;
			return 0;
		}
	}
	unsigned long n = strtoul(spec, &end, 10);
	if (*spec != '\0' && *end == '\0') {
		if (n >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port((uint16_t)n)) {
			snprintf(err, errlen, "dataplane.port: no port number %s", spec);
			return -ENODEV;
		}
		*port_id = (uint16_t)n;
		return 0;
	}
	if (rte_eth_dev_get_port_by_name(spec, &pid) != 0) {
		snprintf(err, errlen, "dataplane.port: no port named '%s'", spec);
		return -ENODEV;
	}
	*port_id = pid;
	return 0;
}

static int
lcore_socket(unsigned lcore)
{
	int s = (int)rte_lcore_to_socket_id(lcore);

	return s < 0 || s >= RTE_MAX_NUMA_NODES ? 0 : s;
}

struct rte_mempool *
port_pool_for_lcore(const struct port_state *ps, unsigned lcore)
{
	return ps->pool[lcore_socket(lcore)];
}

static int
port_pools_create(const struct port_params *p, struct port_state *ps, char *err, size_t errlen)
{
	uint32_t need = (uint32_t)(ps->n_rxq * p->rx_desc + ps->n_txq * p->tx_desc +
			p->n_workers * (PORT_MBUF_CACHE + 2 * 32) + 1024);
	uint32_t room = p->mbuf_room != 0 ? p->mbuf_room : RTE_MBUF_DEFAULT_DATAROOM;

	if ((uint32_t)p->mtu + PORT_L2_OVERHEAD > room)
		room = p->mtu + PORT_L2_OVERHEAD;
	if (p->mbufs_per_socket < need) {
		snprintf(err, errlen,
				"dataplane.mbufs: %u is too few for %u RX and %u TX queues; need >= %u",
				p->mbufs_per_socket, ps->n_rxq, ps->n_txq, need);
		return -EINVAL;
	}
	for (unsigned i = 0; i < p->n_workers; i++) {
		int s = lcore_socket(p->worker_lcores[i]);
		char name[RTE_MEMPOOL_NAMESIZE];
		if (ps->pool[s] != NULL)
			continue;
		snprintf(name, sizeof(name), "rtc_mbuf_s%d", s);
		ps->pool[s] = rte_pktmbuf_pool_create(name, p->mbufs_per_socket, PORT_MBUF_CACHE,
				0, (uint16_t)(RTE_PKTMBUF_HEADROOM + room), s);
		if (ps->pool[s] == NULL) {
			snprintf(err, errlen, "mbuf pool on socket %d (%u mbufs): %s", s,
					p->mbufs_per_socket, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

static int
port_configure(const struct port_params *p, struct port_state *ps,
		const struct rte_eth_dev_info *di, char *err, size_t errlen)
{
	struct rte_eth_conf conf = {0};
	int rc;

	conf.rxmode.mtu = p->mtu;
	/* let the NIC verify IPv4 and UDP checksums where it can (pkt.h PKT_HW_*) */
	ps->rx_offloads = di->rx_offload_capa & PORT_RX_OFFLOADS;
	conf.rxmode.offloads = ps->rx_offloads;
	ps->n_txq = (uint16_t)RTE_MIN(p->n_workers, di->max_tx_queues);
	ps->rss_hf = di->flow_type_rss_offloads & PORT_RSS_WANTED;
	if (p->allow_rss && p->n_workers > 1 && ps->rss_hf != 0 &&
			di->max_rx_queues >= p->n_workers) {
		ps->n_rxq = (uint16_t)p->n_workers;
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = ps->rss_hf;
		rc = rte_eth_dev_configure(p->port_id, ps->n_rxq, ps->n_txq, &conf);
		if (rc == 0)
			return 0;
		RTC_LOG(NOTICE, "port %s: RSS refused (%s); using one RX queue", ps->name,
				rte_strerror(-rc));
	}
	ps->n_rxq = 1;
	ps->rss_hf = 0;
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	conf.rx_adv_conf.rss_conf.rss_hf = 0;
	rc = rte_eth_dev_configure(p->port_id, ps->n_rxq, ps->n_txq, &conf);
	if (rc != 0)
		snprintf(err, errlen, "port %s: configure: %s", ps->name, rte_strerror(-rc));
	return rc;
}

int
port_setup(const struct port_params *p, struct port_state *ps, char *err, size_t errlen)
{
	struct rte_eth_dev_info di;
	uint16_t nrx, ntx;
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->port_id = p->port_id;
	rte_eth_dev_get_name_by_port(p->port_id, ps->name);
	rc = rte_eth_dev_info_get(p->port_id, &di);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: info: %s", ps->name, rte_strerror(-rc));
		return rc;
	}
	snprintf(ps->driver, sizeof(ps->driver), "%s", di.driver_name);
	if (p->mtu < di.min_mtu || p->mtu > di.max_mtu) {
		snprintf(err, errlen, "dataplane.mtu: %u outside what port %s allows [%u, %u]",
				p->mtu, ps->name, di.min_mtu, di.max_mtu);
		return -EINVAL;
	}
	rc = port_configure(p, ps, &di, err, errlen);
	if (rc != 0)
		return rc;
	nrx = p->rx_desc;
	ntx = p->tx_desc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: descriptors: %s", ps->name, rte_strerror(-rc));
		return rc;
	}
	rc = port_pools_create(p, ps, err, errlen);
	if (rc != 0)
		return rc;
	/* Queue q belongs to worker q; its memory sits on that worker's socket. */
	for (uint16_t q = 0; q < ps->n_rxq; q++) {
		unsigned lc = p->worker_lcores[q];
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, (unsigned)lcore_socket(lc), NULL,
				port_pool_for_lcore(ps, lc));
		if (rc != 0) {
			snprintf(err, errlen, "port %s: RX queue %u: %s", ps->name, q,
					rte_strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ps->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntx,
				(unsigned)lcore_socket(p->worker_lcores[q]), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port %s: TX queue %u: %s", ps->name, q,
					rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: start: %s", ps->name, rte_strerror(-rc));
		return rc;
	}
	ps->started = 1;
	/* IPv6 neighbour discovery needs solicited-node multicast frames. */
	rc = rte_eth_allmulticast_enable(p->port_id);
	if (rc != 0 && rc != -ENOTSUP)
		RTC_LOG(NOTICE, "port %s: all-multicast: %s", ps->name, rte_strerror(-rc));
	rte_eth_dev_get_mtu(p->port_id, &ps->mtu);
	return 0;
}

void
port_teardown(struct port_state *ps)
{
	if (ps->started) {
		rte_eth_dev_stop(ps->port_id);
		ps->started = 0;
	}
	rte_eth_dev_close(ps->port_id);
}

int
port_link_string(const struct port_state *ps, char *buf, size_t len, int *up)
{
	struct rte_eth_link link;
	int rc = rte_eth_link_get_nowait(ps->port_id, &link);

	if (rc != 0) {
		snprintf(buf, len, "unknown (%s)", rte_strerror(-rc));
		*up = 0;
		return rc;
	}
	*up = link.link_status == RTE_ETH_LINK_UP;
	rte_eth_link_to_str(buf, len, &link);
	return 0;
}
