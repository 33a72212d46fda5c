#!/usr/bin/env bash
# Integration: rtcedge's command line, configuration errors and exit codes
# (sysexits: 0 ok, 64 bad command line, 78 bad configuration).
#
#   cli.sh RTCEDGE_EXECUTABLE
#
# Most cases need no EAL (--version, --help, --check-config); the last ones
# start EAL with --no-huge --no-shconf and no port, so they need no root
# beyond what DPDK's EAL itself wants, and no network.
set -uo pipefail

RTCEDGE=${1:?usage: cli.sh RTCEDGE_EXECUTABLE}
PREFIX=rtcedge-cli-$$
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "/var/run/dpdk/$PREFIX" 2>/dev/null' EXIT
passed=0
failed=0

# expect CODE DESCRIPTION PATTERN ARGS...: run rtcedge ARGS, check the exit
# code and that PATTERN (fixed strings, '|'-separated, all required) is in
# its stdout+stderr.
expect() {
	local want=$1 what=$2 pats=$3 rc=0 p missing=""
	shift 3
	"$RTCEDGE" "$@" </dev/null >"$WORK/out" 2>&1 || rc=$?
	IFS='|' read -ra plist <<<"$pats"
	for p in "${plist[@]}"; do
		grep -qF -- "$p" "$WORK/out" || missing+=" '$p'"
	done
	if ((rc == want)) && [[ -z $missing ]]; then
		echo "ok: $what (exit $rc)"
		passed=$((passed + 1))
	else
		echo "FAIL: $what: exit $rc (want $want)${missing:+, output lacks$missing}"
		echo "    \$ rtcedge $*"
		sed 's/^/    | /' "$WORK/out" | head -20
		failed=$((failed + 1))
	fi
}

# expect_no PATTERN DESCRIPTION: the last run's output must not contain PATTERN.
expect_no() {
	if grep -qF -- "$1" "$WORK/out"; then
		echo "FAIL: $2"
		failed=$((failed + 1))
	else
		echo "ok: $2"
		passed=$((passed + 1))
	fi
}

# -- information, no EAL ----------------------------------------------------
expect 0 "--version" "rtcedge 0.|DPDK" --version
expect 0 "-V" "rtcedge " -V
expect 0 "--help" "usage:|--check-config|exit codes" --help
expect 0 "-h" "usage:" -h
expect 0 "--help-config lists every key" \
	"net.ipv4|net.ipv6|net.media_port|dataplane.port|log.stats_interval_ms" --help-config

# -- --check-config: the embedded defaults, and overrides ---------------------
expect 0 "--check-config prints the defaults" \
	"[dataplane]|[net]|ipv4 = 198.18.0.2/24|ipv6 = fd00:198:18::2/64|media_port = 20000|port = auto" \
	--check-config
expect_no "EAL:" "--check-config does not start EAL"
# docs/rtcedge.ini is what --check-config prints for the defaults
if diff -u "$(dirname "$0")/../../docs/rtcedge.ini" "$WORK/out" >"$WORK/diff"; then
	echo "ok: docs/rtcedge.ini is the defaults' --check-config"
	passed=$((passed + 1))
else
	echo "FAIL: docs/rtcedge.ini differs from --check-config (regenerate it):"
	head -20 "$WORK/diff" | sed 's/^/    | /'
	failed=$((failed + 1))
fi
# a list over indented lines; a line longer than the INI reader's buffer
{
	printf '[ai]\nphrases = '
	for i in $(seq 0 9); do printf 'phrase number %d,' "$i"; done
	printf '\n    '
	for i in $(seq 10 19); do printf 'phrase number %d,' "$i"; done
	printf '\n\tphrase number 20\n'
} >"$WORK/list.ini"
expect 0 "--check-config joins a list continued on indented lines" \
	"phrase number 9,|phrase number 19,|phrase number 20" --check-config -c "$WORK/list.ini"
tr -d '\n\t' <"$WORK/list.ini" | sed 's/^\[ai\]/[ai]\n/' >"$WORK/long.ini"
expect 78 "a line longer than 199 characters is named" \
	"long.ini:2: line longer than 199 characters" --check-config -c "$WORK/long.ini"
expect 0 "--check-config with --set" "vlan = 100|media_port = 3478|ipv4 = 10.1.2.3/16" \
	--check-config --set net.vlan=100 -s net.media_port=3478 --set=net.ipv4=10.1.2.3/16
expect 0 "--check-config empty IPv4 list, IPv6 only" "ipv4 = |ipv6 = 2001:db8::5/64" \
	--check-config --set net.ipv4= --set net.ipv6=2001:db8::5

expect 0 "--check-config redacts redis.password" "[redis]|; password = <set, not shown>" \
	--check-config --set redis.password=hunter2-secret
expect_no "hunter2" "--check-config never prints the password"

# -- bad values: 78, naming the key -------------------------------------------
expect 78 "unknown key" "no.such|unknown key" --check-config --set no.such=1
expect 78 "unknown key in a known section" "net.ipv5" --check-config --set net.ipv5=1.2.3.4
expect 78 "dataplane.mtu below range" "dataplane.mtu|[576, 9600]" --check-config --set dataplane.mtu=100
expect 78 "net.media_port above range" "net.media_port" --check-config --set net.media_port=70000
expect 78 "net.vlan not a number" "net.vlan" --check-config --set net.vlan=-1
expect 78 "bad IPv4 address" "net.ipv4|300.1.2.3" --check-config --set net.ipv4=300.1.2.3/24
expect 78 "bad IPv4 prefix" "net.ipv4|prefix length" --check-config --set net.ipv4=10.0.0.1/33
expect 78 "multicast IPv6 address" "net.ipv6|not a unicast" --check-config --set net.ipv6=ff02::1
expect 78 "multicast MAC" "net.mac|multicast" --check-config --set net.mac=01:00:5e:00:00:01
expect 78 "bad boolean" "dataplane.rss" --check-config --set dataplane.rss=maybe
expect 78 "bad log level" "log.level" --check-config --set log.level=loud
expect 78 "no address at all" "net.ipv4" --check-config --set net.ipv4= --set net.ipv6=
expect 78 "--set without '='" "expected section.key=value" --check-config --set net.vlan

# -- bad command line: 64 -----------------------------------------------------
expect 64 "unknown option" "--bogus" --check-config --bogus
expect 64 "unexpected argument" "stray" --check-config stray
expect 64 "--set without a value" "needs a value" --check-config --set
expect 64 "app options without '--' and not --check-config" "'--' are needed" --set net.vlan=1

# -- INI file ------------------------------------------------------------------
cat >"$WORK/good.ini" <<'EOF'
; a comment
[net]
ipv4 = 192.0.2.10/24, 192.0.2.11/24
vlan = 7

[log]
level = debug
EOF
expect 0 "good INI file" "ipv4 = 192.0.2.10/24,192.0.2.11/24|vlan = 7|level = debug" \
	--check-config --config "$WORK/good.ini"
expect 0 "--set applies after the file" "vlan = 8" \
	--check-config -c "$WORK/good.ini" --set net.vlan=8
cat >"$WORK/bad_value.ini" <<'EOF'
[net]
ipv4 = 192.0.2.10/24

[dataplane]
mtu = 99999
EOF
expect 78 "INI value out of range: file:line and key" \
	"$WORK/bad_value.ini:5:|dataplane.mtu" --check-config -c "$WORK/bad_value.ini"
cat >"$WORK/bad_key.ini" <<'EOF'
[net]
ipv4 = 192.0.2.10/24
colour = blue
EOF
expect 78 "INI unknown key: file:line and key" "$WORK/bad_key.ini:3:|net.colour" \
	--check-config -c "$WORK/bad_key.ini"
printf '[net]\nthis line has no equals sign\n' >"$WORK/bad_syntax.ini"
expect 78 "INI syntax error: file:line" "$WORK/bad_syntax.ini:2:" \
	--check-config -c "$WORK/bad_syntax.ini"
expect 78 "missing config file" "$WORK/none.ini|cannot open" --check-config -c "$WORK/none.ini"

# -- with EAL (no hugepages, no shared files, no port) --------------------------
EAL=(--no-huge -m 256 --no-pci --no-shconf --no-telemetry --file-prefix "$PREFIX")
expect 64 "no worker lcore (-l 0)" "no worker lcore" -l 0 "${EAL[@]}" --
expect 0 "EAL then --check-config" "media_port = 20000" -l 0 "${EAL[@]}" -- --check-config
expect 64 "EAL then an unknown option" "--bogus" -l 0-1 "${EAL[@]}" -- --bogus
expect 64 "an EAL option EAL rejects" "EAL init failed" -l 0-1 "${EAL[@]}" --no-such-eal-option --
expect 78 "EAL then a bad --set" "net.vlan" -l 0-1 "${EAL[@]}" -- --set net.vlan=5000
expect 78 "no DPDK port at all" "dataplane.port" -l 0-1 "${EAL[@]}" --
expect 78 "dataplane.port names no port" "dataplane.port|nosuch" \
	-l 0-1 "${EAL[@]}" --vdev net_null0 -- --set dataplane.port=nosuch

echo "cli: $passed passed, $failed failed"
((failed == 0))
