#!/bin/sh
# Run a libFuzzer target for a while on a copy of its seed corpus, so the
# committed corpus is never written. Crash/timeout/leak inputs go to ARTIFACTS.
# usage: run_fuzzer.sh FUZZER SEED_DIR ARTIFACTS [libFuzzer options...]
# libFuzzer exits 77 on a crash by default, which meson reads as "skipped":
# a finding is made exit 1 here.
set -u
fuzzer=$1
seeds=$2
artifacts=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/rtcedge-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
cp -R "$seeds"/. "$work"/ || exit 1
mkdir -p "$artifacts" || exit 1
"$fuzzer" -artifact_prefix="$artifacts/" -error_exitcode=1 -timeout_exitcode=1 "$@" "$work"
rc=$?
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
