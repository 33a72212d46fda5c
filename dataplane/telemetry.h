/*
 * Dataplane counters on the DPDK telemetry socket (dpdk-telemetry.py).
 *
 * Owns: the rtcedge telemetry commands:
 *   /rtcedge/info              version, port, queues, RSS, MTU, media port, link
 *   /rtcedge/stats             every counter, summed over the workers
 *   /rtcedge/worker_stats,<n>  every counter of worker n
 * Callbacks run on EAL's telemetry thread and only read worker counters.
 */
#ifndef RTC_TELEMETRY_H
#define RTC_TELEMETRY_H

struct dp;
struct port_state;

/* Register the commands; the objects must outlive the process's telemetry. */
int rtc_telemetry_register(const struct dp *dp, const struct port_state *ps);

#endif
