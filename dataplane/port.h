/*
 * One DPDK port for the dataplane: any ethdev (PCI NIC or vdev).
 *
 * Owns: device configuration (queues, RSS on IPv4/IPv6 UDP where the port
 * offers it, MTU), one mbuf pool per NUMA socket that has workers, queue
 * setup, start/stop and link status. Runs on the control lcore only.
 */
#ifndef RTC_PORT_H
#define RTC_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_build_config.h>

struct rte_mempool;

struct port_params {
	uint16_t port_id;
	uint16_t mtu;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t mbufs_per_socket;
	/*
	 * Data room of each mbuf; 0 = RTE_MBUF_DEFAULT_DATAROOM (or the MTU's frame,
	 * if larger). Only tests/bench/bench_sfu_port sets it, to a smaller room, so
	 * that a replayed capture of millions of frames fits in memory.
	 */
	uint16_t mbuf_room;
	unsigned n_workers;
	const unsigned *worker_lcores; /* n_workers entries */
	int allow_rss;
};

struct port_state {
	uint16_t port_id;
	char name[64];
	char driver[32];
	uint16_t n_rxq; /* == n_workers with RSS, else 1 */
	uint16_t n_txq; /* min(n_workers, device maximum) */
	uint64_t rss_hf; /* 0: no RSS */
	uint64_t rx_offloads; /* RTE_ETH_RX_OFFLOAD_* checksum offloads enabled */
	uint16_t mtu;
	struct rte_mempool *pool[RTE_MAX_NUMA_NODES];
	int started;
};

/* Resolve "auto", a port number, or a device name (e.g. "net_tap0", "0000:01:00.0"). */
int port_resolve(const char *spec, uint16_t *port_id, char *err, size_t errlen);
/* Configure, set up queues for the workers and start. */
int port_setup(const struct port_params *p, struct port_state *ps, char *err, size_t errlen);
/* The pool RX queues of @lcore use. */
struct rte_mempool *port_pool_for_lcore(const struct port_state *ps, unsigned lcore);
/* Stop and close; safe to call on a port that never started. */
void port_teardown(struct port_state *ps);
/* Current link, as "up 10000 Mbps full-duplex" or "down", into @buf. */
int port_link_string(const struct port_state *ps, char *buf, size_t len, int *up);

#endif
