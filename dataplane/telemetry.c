/* The rtcedge telemetry commands (see telemetry.h). */
#include <stdlib.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "port.h"
#include "rtcedge_version.h"
#include "telemetry.h"
#include "worker.h"

static const struct dp *tel_dp;
static const struct port_state *tel_port;

static void
tel_add_stats(struct rte_tel_data *d, const struct rtc_stats *st)
{
	for (unsigned i = 0; i < RTC_STAT__COUNT; i++)
		rte_tel_data_add_dict_u64(d, rtc_stats_name((enum rtc_stat)i), st->v[i]);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct rtc_stats sum;

	worker_stats_total(tel_dp, &sum);
	rte_tel_data_start_dict(d);
	tel_add_stats(d, &sum);
	return 0;
}

static int
tel_worker_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	char *end;
	unsigned long n;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	n = strtoul(params, &end, 10);
	if (*end != '\0' || n >= tel_dp->n_workers)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "lcore", (int)tel_dp->workers[n].lcore);
	rte_tel_data_add_dict_int(d, "rx_queue", tel_dp->workers[n].rxq);
	rte_tel_data_add_dict_int(d, "tx_queue", tel_dp->workers[n].txq);
	tel_add_stats(d, &tel_dp->workers[n].stats);
	return 0;
}

static int
tel_info(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	char link[RTE_ETH_LINK_MAX_STR_LEN];
	int up;

	port_link_string(tel_port, link, sizeof(link), &up);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", RTCEDGE_VERSION);
	rte_tel_data_add_dict_string(d, "port", tel_port->name);
	rte_tel_data_add_dict_string(d, "driver", tel_port->driver);
	rte_tel_data_add_dict_string(d, "link", link);
	rte_tel_data_add_dict_int(d, "workers", tel_dp->n_workers);
	rte_tel_data_add_dict_int(d, "rx_queues", tel_port->n_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", tel_port->n_txq);
	rte_tel_data_add_dict_u64(d, "rss_hf", tel_port->rss_hf);
	rte_tel_data_add_dict_u64(d, "rx_offloads", tel_port->rx_offloads);
	rte_tel_data_add_dict_int(d, "mtu", tel_port->mtu);
	rte_tel_data_add_dict_int(d, "media_port", tel_dp->nif.media_port);
	return 0;
}

int
rtc_telemetry_register(const struct dp *dp, const struct port_state *ps)
{
	int rc = 0;

	tel_dp = dp;
	tel_port = ps;
	rc |= rte_telemetry_register_cmd("/rtcedge/info", tel_info,
			"rtcedge version, port, queues and link. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/rtcedge/stats", tel_stats,
			"rtcedge counters summed over workers. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/rtcedge/worker_stats", tel_worker_stats,
			"rtcedge counters of one worker. Parameters: int worker index");
	return rc;
}
