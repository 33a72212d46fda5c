# shellcheck shell=bash
# Helpers shared by scripts/setup, scripts/run and scripts/test (sourced, not run).
#
# RTC_ROOT is the repository root, whatever the caller's cwd.

RTC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RTC_PROG=${RTC_PROG:-$(basename "$0")}

rtc_say() { printf '%s: %s\n' "$RTC_PROG" "$*"; }
rtc_die() {
	printf '%s: error: %s\n' "$RTC_PROG" "$*" >&2
	exit "${RTC_DIE_CODE:-1}"
}

# Run scripts/setup quietly when a package is missing (it prints what it did).
rtc_setup_if_needed() {
	"$RTC_ROOT/scripts/setup" --check >/dev/null 2>&1 || "$RTC_ROOT/scripts/setup"
}

# rtc_meson_setup DIR [meson options...]: configure DIR, or reconfigure it if it
# is already a meson build directory (so changed options take effect).
rtc_meson_setup() {
	local dir=$1
	shift
	if [[ -f $RTC_ROOT/$dir/meson-private/coredata.dat ]]; then
		meson setup --reconfigure "$RTC_ROOT/$dir" "$RTC_ROOT" "$@"
	elif [[ -e $RTC_ROOT/$dir ]]; then
		meson setup --wipe "$RTC_ROOT/$dir" "$RTC_ROOT" "$@"
	else
		meson setup "$RTC_ROOT/$dir" "$RTC_ROOT" "$@"
	fi
}

# rtc_wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds.
rtc_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# rtc_eui64_ll MAC: the fe80::/64 EUI-64 address of MAC (RFC 4291 §2.5.1, App. A).
rtc_eui64_ll() {
	local IFS=:
	# shellcheck disable=SC2206
	local b=($1)
	printf 'fe80::%x:%x:%x:%x\n' \
		$(((0x${b[0]} ^ 2) << 8 | 0x${b[1]})) $((0x${b[2]} << 8 | 0xff)) \
		$((0xfe << 8 | 0x${b[3]})) $((0x${b[4]} << 8 | 0x${b[5]}))
}

# rtc_telemetry PREFIX COMMAND [FIELD]: one DPDK telemetry request (AF_UNIX
# SEQPACKET /var/run/dpdk/PREFIX/dpdk_telemetry.v2); prints the reply's value
# as JSON, or only its FIELD. Fails when the socket does not answer or the
# command is not registered (yet).
rtc_telemetry() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, socket, sys
prefix, cmd, field = sys.argv[1], sys.argv[2], (sys.argv[3:] or [None])[0]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix)
hello = json.loads(s.recv(16384).decode())
s.send(cmd.encode())
value = json.loads(s.recv(hello.get("max_output_len", 16384)).decode()).get(cmd.split(",")[0])
if value is None:
    sys.exit("telemetry: %s: no answer" % cmd)
print(json.dumps(value, indent=1) if field is None else value[field])
EOF
}

# rtc_usage: print the calling script's header comment (from line 2 to the
# first line that is not a comment).
rtc_usage() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}
