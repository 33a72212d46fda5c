#!/usr/bin/env bash
# sfu-port (meson test, suite bench): bench_sfu_port's exact counts, so the
# benchmark harness cannot rot. No wall-clock threshold: each run is bounded
# (timeout) only so that a hang fails instead of blocking the suite.
#
#   test_sfu_port.sh GEN_SRTP_PCAP BENCH_SFU_PORT
#
# 1. A 3000-frame capture read once (net_pcap, no infinite_rx), 2 viewers:
#    every frame unprotected once and forwarded to both viewers, sent =
#    forwarded + receiver reports, no drop, nothing lost without a name.
# 2. The same capture replayed (infinite_rx=1): the first pass forwarded as
#    above, every later frame refused by SRTP's replay check and counted in
#    drop_srtp_unprotect_failed, and nothing else.
set -euo pipefail

gen=$1
harness=$2
tmp=$(mktemp -d)
prefix=rtcbench-sfutest-$$
if [[ $(id -u) == 0 ]]; then
	rundir=/var/run/dpdk/$prefix
else
	rundir=${XDG_RUNTIME_DIR:-/tmp}/dpdk/$prefix
fi
trap 'rm -rf "$tmp" "$rundir"' EXIT

eal=(-l 0-1 --no-huge -m 256 --no-pci --file-prefix "$prefix" --log-level lib.eal:notice)
"$gen" "$tmp/pub.pcap" --packets 3000
echo "-- read once, 2 viewers"
timeout 90 "$harness" "${eal[@]}" --vdev "net_pcap0,rx_pcap=$tmp/pub.pcap" -- \
	--viewers 2 --mbufs 8192 --check-exact 3000
echo "-- replayed (infinite_rx=1), 2 viewers"
timeout 90 "$harness" "${eal[@]}" --vdev "net_pcap0,rx_pcap=$tmp/pub.pcap,infinite_rx=1" -- \
	--viewers 2 --mbufs 16384 --check-replay 3000
echo "sfu-port: ok"
