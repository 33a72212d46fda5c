#!/usr/bin/env bash
# Integration: the real rtcedge on a net_tap port inside a private network
# namespace, with the namespace's kernel stack as the peer on the other side of
# the TAP (rtc0: 198.18.0.1/24, fd00:198:18::1/64; rtcedge: .2 and ::2).
#
#   netns_ping.sh RTCEDGE_EXECUTABLE
#
# Checks: ARP and ND answered (the kernel's neighbour table holds our MAC),
# ping -c 3 to IPv4, IPv6 global and IPv6 link-local all answered, a STUN
# header to the media port counted media_stun, a datagram to port 9 counted
# drop_udp_closed_port (telemetry /rtcedge/stats), and a clean exit (0) on
# SIGTERM. The namespace and DPDK runtime directory are removed on any exit.
# Exit 77 (skipped) only without root, TUN/TAP or network namespaces.
set -uo pipefail

RTCEDGE=${1:?usage: netns_ping.sh RTCEDGE_EXECUTABLE}
RTC_PROG=netns_ping
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
[[ $(id -u) -eq 0 ]] || skip "needs root for network namespaces and TAP devices"
[[ -e /proc/self/ns/net ]] || skip "the kernel has no network namespace support (CONFIG_NET_NS)"
[[ -c /dev/net/tun ]] || skip "the kernel has no TUN/TAP support (/dev/net/tun missing)"

NS=rtcedge-it-$$
PREFIX=rtcedge-it-$$
IF=rtc0
PEER_MAC=02:00:00:00:00:01 # the kernel side's MAC, distinct from the port's
WORK=$(mktemp -d)
LOG=$WORK/rtcedge.log
: >"$LOG"
pid=""
failures=0

cleanup() {
	local rc=$?
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if ((rc != 0 && rc != 77)) && [[ -s $LOG ]]; then
		echo "---- rtcedge output ----"
		cat "$LOG"
		echo "------------------------"
	fi
	ip netns del "$NS" 2>/dev/null
	rm -rf "/var/run/dpdk/$PREFIX" "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
fatal() {
	echo "FAIL: $*"
	exit 1
}
in_ns() { ip netns exec "$NS" "$@"; }
must() { "$@" || fatal "$*"; }

if ! err=$(ip netns add "$NS" 2>&1); then
	[[ $err == *"not supported"* || $err == *"Invalid argument"* ]] &&
		skip "cannot create a network namespace: $err"
	fatal "ip netns add $NS: $err"
fi
must ip -n "$NS" link set lo up

ip netns exec "$NS" "$RTCEDGE" -l 0-1 --no-huge -m 512 --no-pci --file-prefix "$PREFIX" \
	--vdev "net_tap0,iface=$IF" -- --set log.stats_interval_ms=0 >"$LOG" 2>&1 &
pid=$! # ip netns exec execs rtcedge: this is rtcedge's own PID

alive() { kill -0 "$pid" 2>/dev/null; }
# rtcedge registers its telemetry commands once the port and workers are set up
started() { rtc_telemetry "$PREFIX" /rtcedge/info >/dev/null 2>&1 || ! alive; }
rtc_wait_for 30 started || fatal "rtcedge did not start within 30 s"
if ! alive; then
	rc=0
	wait "$pid" || rc=$?
	pid=""
	fatal "rtcedge exited early (exit $rc)"
fi
MAC=$(rtc_telemetry "$PREFIX" /ethdev/info,0 mac_addr | tr 'A-F' 'a-f')
[[ $MAC =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || fatal "no port MAC from telemetry /ethdev/info,0"
LL=$(rtc_eui64_ll "$MAC")
ok "rtcedge pid $pid: port MAC $MAC, link-local $LL"

rtc_wait_for 10 ip -n "$NS" link show "$IF" >/dev/null 2>&1 || fatal "no $IF in the namespace"
# net_tap gives the kernel side the port's own MAC and sets it up at port start,
# so the kernel also took (and failed DAD on) our fe80:: address: give the kernel
# side its own MAC, and its own link-local with it, before configuring it.
must ip -n "$NS" link set "$IF" down
in_ns sysctl -qw "net.ipv6.conf.$IF.accept_dad=0" || true
must ip -n "$NS" link set "$IF" address "$PEER_MAC"
must ip -n "$NS" link set "$IF" up
must ip -n "$NS" addr add 198.18.0.1/24 dev "$IF"
must ip -n "$NS" addr add fd00:198:18::1/64 dev "$IF" nodad
# the kernel's own fe80:: address must exist before it can ping a link-local one
ll_ready() { ip -n "$NS" -6 addr show dev "$IF" scope link | grep -q 'inet6 fe80'; }
rtc_wait_for 10 ll_ready || fail "the kernel has no link-local address on $IF"

ping_check() {
	local what=$1 out
	shift
	out=$(in_ns ping -c 3 -i 0.2 -W 2 "$@" 2>&1)
	if grep -q ' 3 received' <<<"$out"; then
		ok "ping $what: 3/3 answered"
	else
		fail "ping $what: not all answered"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}
ping_check "IPv4 198.18.0.2" 198.18.0.2
ping_check "IPv6 fd00:198:18::2" -6 fd00:198:18::2
ping_check "IPv6 $LL%$IF" -6 "$LL%$IF"

neigh_check() {
	local addr=$1 line
	line=$(ip -n "$NS" neigh show "$addr" dev "$IF")
	if [[ $line == *"lladdr $MAC"* ]]; then
		ok "neighbour $addr -> $MAC ($(awk '{print $NF}' <<<"$line"))"
	else
		fail "the kernel did not learn $addr -> $MAC: '${line}'"
	fi
}
neigh_check 198.18.0.2
neigh_check fd00:198:18::2
neigh_check "$LL"

# UDP from the kernel side: a STUN Binding request header (first byte 0x00,
# RFC 8489 §5) to the media port over IPv4 and IPv6, and one datagram to port 9.
in_ns /usr/bin/python3 - <<'EOF' || fail "could not send the UDP datagrams"
import os, socket
stun = bytes([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]) + os.urandom(12)
for fam, addr in ((socket.AF_INET, "198.18.0.2"), (socket.AF_INET6, "fd00:198:18::2")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.sendto(stun, (addr, 20000))
    s.close()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"discard me", ("198.18.0.2", 9))
s.close()
EOF

# counters: wait up to 5 s for the last datagrams to be counted
want=(arp_replies=1 icmp_echo_replies=3 icmp6_echo_replies=6 nd_adverts=1 media_stun=2
	drop_udp_closed_port=1)
counters_ok() {
	rtc_telemetry "$PREFIX" /rtcedge/stats >"$WORK/stats.json" 2>"$WORK/tel.err" &&
		/usr/bin/python3 - "$WORK/stats.json" "${want[@]}" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
bad = [kv for kv in sys.argv[2:] if st.get(kv.split("=")[0], 0) < int(kv.split("=")[1])]
sys.exit(1 if bad else 0)
EOF
}
if rtc_wait_for 5 counters_ok; then
	ok "telemetry /rtcedge/stats: at least ${want[*]}"
else
	fail "telemetry /rtcedge/stats below ${want[*]}:"
	cat "$WORK/tel.err" "$WORK/stats.json" 2>/dev/null | grep -v ': 0,\?$' | sed 's/^/    /'
fi
if info=$(rtc_telemetry "$PREFIX" /rtcedge/info) && [[ $info == *'"media_port": 20000'* ]]; then
	ok "telemetry /rtcedge/info answers (media port 20000)"
else
	fail "telemetry /rtcedge/info: ${info:-no answer}"
fi
if w0=$(rtc_telemetry "$PREFIX" /rtcedge/worker_stats,0) && [[ $w0 == *'"lcore": 1'* ]]; then
	ok "telemetry /rtcedge/worker_stats,0 answers (lcore 1)"
else
	fail "telemetry /rtcedge/worker_stats,0: ${w0:-no answer}"
fi

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
if ((rc == 0)); then
	ok "SIGTERM: rtcedge exited 0"
else
	fail "SIGTERM: rtcedge exited $rc"
fi
grep -q "final counters" "$LOG" || fail "no final counters printed on exit"

if ((failures)); then
	echo "netns_ping: $failures check(s) failed"
	exit 1
fi
echo "netns_ping: all checks passed"
