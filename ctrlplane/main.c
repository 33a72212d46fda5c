/*
 * rtcedge: the process. The main lcore is the control lcore: it reads the
 * configuration, brings the port up, launches the workers, reports, and
 * shuts everything down on SIGINT/SIGTERM.
 *
 *   rtcedge [EAL options] -- [options]
 *
 * Exit codes (sysexits.h): 0 clean stop, 64 bad command line, 78 bad
 * configuration, 69 a resource is unavailable (EAL, port, memory),
 * 70 internal error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_version.h>
#include <rte_lcore.h>

#include "config.h"
#include "control.h"
#include "kernels.h"
#include "log.h"
#include "port.h"
#include "rtcedge_version.h"
#include "telemetry.h"
#include "worker.h"

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
usage(FILE *out, const char *prog)
{
	fprintf(out,
			"usage: %s [EAL options] -- [options]\n"
			"       %s --version | --help | --help-config | --check-config [options]\n"
			"\n"
			"WebRTC edge appliance: DPDK workers own the port; see README.md.\n"
			"\n"
			"options:\n"
			"  -c, --config FILE     read FILE (INI) over the embedded defaults\n"
			"  -s, --set KEY=VALUE   set one key, e.g. --set net.ipv4=10.0.0.2/24\n"
			"                        (repeatable, applied after the file)\n"
			"      --check-config    validate the configuration, print it, exit\n"
			"      --help-config     list every key with its default\n"
			"  -V, --version         print the version and exit\n"
			"  -h, --help            this text\n"
			"\n"
			"exit codes: 0 stopped cleanly, 64 bad command line, 78 bad configuration,\n"
			"            69 EAL/port/memory unavailable, 70 internal error\n",
			prog, prog);
}

struct app_opts {
	int check_config;
	struct rtc_config cfg;
};

/* Parse the application's own options into @o; returns -1 (done, *code set) or 0. */
static int
app_parse(int argc, char **argv, struct app_opts *o, int *code)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"set", required_argument, NULL, 's'},
		{"check-config", no_argument, NULL, 'C'},
		{"help-config", no_argument, NULL, 'H'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *file = NULL;
	char err[CONFIG_ERR_LEN];
	int nsets = 0, opt;
	char **sets = calloc((size_t)argc + 1, sizeof(*sets));

	if (sets == NULL) {
		*code = EX_OSERR;
		return -1;
	}
	config_defaults(&o->cfg);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:s:Vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 's':
			sets[nsets++] = optarg;
			break;
		case 'C':
			o->check_config = 1;
			break;
		case 'H':
			printf("configuration keys (INI [section] key = value, or --set section.key=value):\n");
			config_help(stdout);
			*code = EX_OK;
			goto out_done;
		case 'V':
			printf("rtcedge %s (DPDK %s)\n", RTCEDGE_VERSION, rte_version());
			*code = EX_OK;
			goto out_done;
		case 'h':
			usage(stdout, argv[0]);
			*code = EX_OK;
			goto out_done;
		case ':':
			fprintf(stderr, "rtcedge: option %s needs a value\n", argv[optind - 1]);
			*code = EX_USAGE;
			goto out_done;
		default:
			fprintf(stderr, "rtcedge: unknown option '%s' (see --help)\n",
					argv[optind - 1]);
			*code = EX_USAGE;
			goto out_done;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rtcedge: unexpected argument '%s' (see --help)\n", argv[optind]);
		*code = EX_USAGE;
		goto out_done;
	}
	if (file != NULL && config_load_file(&o->cfg, file, err, sizeof(err)) != 0)
		goto out_config;
	for (int i = 0; i < nsets; i++)
		if (config_set_assignment(&o->cfg, sets[i], err, sizeof(err)) != 0)
			goto out_config;
	if (config_validate(&o->cfg, err, sizeof(err)) != 0)
		goto out_config;
	free(sets);
	return 0;

out_config:
	fprintf(stderr, "rtcedge: config: %s\n", err);
	*code = EX_CONFIG;
out_done:
	free(sets);
	return -1;
}

static int
is_app_option(const char *a)
{
	static const char *const app_first[] = {"-h", "--help", "-V", "--version", "--check-config",
			"--help-config", "-c", "--config", "-s", "--set"};

	for (size_t i = 0; i < sizeof(app_first) / sizeof(app_first[0]); i++)
		if (strncmp(a, app_first[i], strlen(app_first[i])) == 0 &&
				(a[strlen(app_first[i])] == '\0' || a[strlen(app_first[i])] == '='))
			return 1;
	return 0;
}

static void
netif_from_config(struct netif *nif, const struct rtc_config *c, const uint8_t mac[6])
{
	memset(nif, 0, sizeof(*nif));
	memcpy(nif->mac, mac, 6);
	nif->vlan = (uint16_t)c->vlan;
	nif->media_port = (uint16_t)c->media_port;
	for (unsigned i = 0; i < c->n_ipv4; i++)
		netif_add_ip4(nif, c->ipv4[i].addr, c->ipv4[i].plen);
	for (unsigned i = 0; i < c->n_ipv6; i++)
		netif_add_ip6(nif, c->ipv6[i].addr, c->ipv6[i].plen);
	if (c->ipv6_link_local)
		netif_add_ip6_link_local(nif);
}

static void
stats_print_final(const struct dp *dp)
{
	struct rtc_stats sum;

	worker_stats_total(dp, &sum);
	printf("rtcedge: final counters (all workers)\n");
	for (unsigned k = 0; k < RTC_STAT__COUNT; k++)
		if (sum.v[k] != 0)
			printf("  %-28s %" PRIu64 "\n", rtc_stats_name((enum rtc_stat)k), sum.v[k]);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct dp dp;
	struct app_opts o = {0};
	struct port_state ps = {0};
	struct port_params pp = {0};
	struct worker_sess_params sp;
	struct control *ctl = NULL;
	const struct kernels_backend *kb;
	unsigned lcores[WORKER_MAX];
	unsigned n = 0, lc;
	char err[256];
	uint8_t mac[6];
	int code = EX_OK, dd = -1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	if (dd < 0 && argc > 1 && is_app_option(argv[1])) {
		/* no EAL: --version, --help, --check-config and friends */
		if (app_parse(argc, argv, &o, &code) != 0)
			return code;
		if (!o.check_config) {
			fprintf(stderr, "rtcedge: EAL options and '--' are needed to run; see --help\n");
			return EX_USAGE;
		}
		config_dump(&o.cfg, stdout);
		return EX_OK;
	}

	if (rte_eal_init(dd < 0 ? argc : dd, argv) < 0) {
		/* EINVAL: an EAL option EAL did not accept; anything else: a resource */
		int usage_err = rte_errno == EINVAL;
		fprintf(stderr, "rtcedge: EAL init failed: %s%s\n", rte_strerror(rte_errno),
				usage_err ? " (see --help and DPDK's EAL options)" : "");
		return usage_err ? EX_USAGE : EX_UNAVAILABLE;
	}
	/* the application's options follow "--"; without it there are none */
	if (dd < 0)
		dd = argc - 1;
	argv[dd] = argv[0];
	if (app_parse(argc - dd, argv + dd, &o, &code) != 0)
		goto out_eal;
	if (o.check_config) {
		config_dump(&o.cfg, stdout);
		goto out_eal;
	}
	rtc_log_init();
	rte_log_set_level(rtc_logtype, o.cfg.log_level);
	kb = kernels_backend_select((enum kernels_pref)o.cfg.kernels_backend, err, sizeof(err));
	if (kb == NULL) {
		fprintf(stderr, "rtcedge: config: kernels.backend: %s\n", err);
		code = EX_CONFIG;
		goto out_eal;
	}
	RTC_LOG(INFO, "kernels: %s", err);

	RTE_LCORE_FOREACH_WORKER(lc) {
		if (n == WORKER_MAX) {
			fprintf(stderr, "rtcedge: at most %d worker lcores\n", WORKER_MAX);
			code = EX_USAGE;
			goto out_eal;
		}
		lcores[n++] = lc;
	}
	if (n == 0) {
		fprintf(stderr, "rtcedge: no worker lcore: give the main lcore and at least one "
				"more (e.g. -l 0-1)\n");
		code = EX_USAGE;
		goto out_eal;
	}
	if (port_resolve(o.cfg.port, &pp.port_id, err, sizeof(err)) != 0) {
		fprintf(stderr, "rtcedge: config: %s\n", err);
		code = EX_CONFIG;
		goto out_eal;
	}
	pp.mtu = (uint16_t)o.cfg.mtu;
	pp.rx_desc = (uint16_t)o.cfg.rx_desc;
	pp.tx_desc = (uint16_t)o.cfg.tx_desc;
	pp.mbufs_per_socket = o.cfg.mbufs;
	pp.n_workers = n;
	pp.worker_lcores = lcores;
	pp.allow_rss = o.cfg.rss;
	if (o.cfg.mac_set) {
		struct rte_ether_addr ea;
		memcpy(ea.addr_bytes, o.cfg.mac, 6);
		int rc = rte_eth_dev_default_mac_addr_set(pp.port_id, &ea);
		if (rc != 0) {
			fprintf(stderr, "rtcedge: config: net.mac: the port refuses it: %s\n",
					rte_strerror(-rc));
			code = EX_CONFIG;
			goto out_eal;
		}
	}
	if (port_setup(&pp, &ps, err, sizeof(err)) != 0) {
		fprintf(stderr, "rtcedge: %s\n", err);
		code = strncmp(err, "dataplane.", 10) == 0 ? EX_CONFIG : EX_UNAVAILABLE;
		goto out_port;
	}
	{
		struct rte_ether_addr ea;
		rte_eth_macaddr_get(pp.port_id, &ea);
		memcpy(mac, ea.addr_bytes, 6);
	}
	netif_from_config(&dp.nif, &o.cfg, mac);
	if (config_export_target(&o.cfg, &dp.exp.addr, &dp.exp.port, err, sizeof(err)) > 0) {
		/* the transceiver export: a port per session index, and who owns each */
		dp.nif.export_base = (uint16_t)o.cfg.export_port_base;
		dp.nif.export_count = (uint16_t)o.cfg.session_max;
		dp.exp_owner = calloc(o.cfg.session_max, sizeof(*dp.exp_owner));
		if (dp.exp_owner == NULL) {
			fprintf(stderr, "rtcedge: out of memory (export directory)\n");
			code = EX_OSERR;
			goto out_port;
		}
	}
	dp.port_id = pp.port_id;
	dp.remb_max_bps = (uint64_t)o.cfg.max_bitrate_kbps * 1000;
	for (unsigned i = 0; i < RTE_MAX_NUMA_NODES && dp.pool == NULL; i++)
		dp.pool = ps.pool[i];
	dp.n_workers = (uint16_t)n;
	dp.idle.polls_before_sleep = o.cfg.idle_polls;
	dp.idle.sleep_max_us = o.cfg.idle_sleep_max_us;
	{
		int is_config;
		if (control_init(&ctl, &o.cfg, (uint16_t)n, kb, err, sizeof(err), &is_config) != 0) {
			fprintf(stderr, "rtcedge: %s%s\n", is_config ? "config: " : "", err);
			code = is_config ? EX_CONFIG : EX_UNAVAILABLE;
			goto out_port;
		}
	}
	control_worker_params(ctl, &sp);
	if (worker_setup(&dp, lcores, ps.n_rxq, ps.n_txq, &sp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rtcedge: %s\n", err);
		code = EX_UNAVAILABLE;
		goto out_port;
	}
	if (control_listen(ctl, &dp, &ps, err, sizeof(err)) != 0) {
		fprintf(stderr, "rtcedge: %s\n", err);
		code = EX_UNAVAILABLE;
		goto out_workers;
	}
	if (rtc_telemetry_register(&dp, &ps) != 0)
		RTC_LOG(WARNING, "telemetry commands not registered");

	RTC_LOG(NOTICE, "rtcedge %s: port %s (%s) %02x:%02x:%02x:%02x:%02x:%02x, %u worker(s), "
			"%u RX / %u TX queue(s), RSS %s, RX checksum offload %s, MTU %u, media port %u",
			RTCEDGE_VERSION, ps.name, ps.driver, mac[0], mac[1], mac[2], mac[3], mac[4],
			mac[5], n, ps.n_rxq, ps.n_txq, ps.rss_hf ? "on" : "off",
			ps.rx_offloads ? "on" : "off", ps.mtu,
			dp.nif.media_port);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (rte_eal_mp_remote_launch(worker_main, &dp, SKIP_MAIN) != 0) {
		fprintf(stderr, "rtcedge: cannot launch the workers\n");
		code = EX_SOFTWARE;
		dp.quit = 1;
	} else {
		control_run(ctl, &got_signal);
		RTC_LOG(NOTICE, "signal %d: stopping", (int)got_signal);
		dp.quit = 1;
	}
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (rte_eal_wait_lcore(lc) < 0)
			code = EX_SOFTWARE;
	}
	stats_print_final(&dp);
	control_fini(ctl);
	port_teardown(&ps);
	worker_teardown(&dp);
	free((void *)dp.exp_owner);
	rte_eal_cleanup();
	return code;

out_workers:
	worker_teardown(&dp);
out_port:
	control_fini(ctl);
	port_teardown(&ps);
	free((void *)dp.exp_owner);
out_eal:
	rte_eal_cleanup();
	return code;
}
