#!/usr/bin/python3
"""WHIP session setups per second and latency: rtcedge next to the simplest
handler of the same HTTP library, same run (see bench_whip.c).

  whip_bench.py --build-dir DIR [-n REQUESTS] [-r ROUNDS] [-c CONNS,...]

For each connection count, rounds alternate between the baseline server
(bench_whip serve: libmicrohttpd in rtcedge's mode, reads the body, answers
201 with a fixed body of the answer's size) and rtcedge (the real WHIP
pipeline: route, auth off, rate limit off, SDP parse + negotiate + answer,
session reserve/commit, ufrag label + pwd minting, dataplane command).
Prints per-round lines and the medians: setups/s, p50, p90, p99 and the ratio
rtcedge / baseline. Bounded: REQUESTS x ROUNDS x len(CONNS) requests per server.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from rtcedge_proc import Daemon, free_port  # noqa: E402

OFFER = os.path.join(ROOT, "tests/vectors/sdp/chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp")


def run_load(bench, port, prefix, n, conns):
    out = subprocess.run([bench, "load", str(port), prefix, str(n), str(conns), OFFER],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError("load failed (%d): %s %s" % (out.returncode, out.stdout, out.stderr))
    f = out.stdout.split()
    return {f[i]: float(f[i + 1]) for i in range(0, len(f), 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("-n", type=int, default=3000, help="requests per round (default 3000)")
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("-c", "--conns", default="1,8", help="connection counts (default 1,8)")
    a = ap.parse_args()
    bench = os.path.join(a.build_dir, "tests/bench/bench_whip")
    exe = os.path.join(a.build_dir, "ctrlplane/rtcedge")
    conns = [int(x) for x in a.conns.split(",")]
    total = a.n * a.rounds * len(conns)
    answer_bytes = 1758  # rtcedge's answer to this offer
    bport = free_port()
    base = subprocess.Popen([bench, "serve", str(bport), str(answer_bytes)], stdout=subprocess.PIPE, text=True)
    base.stdout.readline()
    sets = ["session.max=%d" % (total + 16), "session.max_per_stream=1", "http.rate_limit=0",
            "http.max_connections=256", "session.setup_timeout_s=3600", "log.level=warning"]
    mem = 256 + total * 6 // 1024  # the worker's session table: ~5 KB per session
    results = {}
    try:
        with Daemon(exe, sets, name="wb", mem_mb=mem) as d:
            for c in conns:
                for r in range(a.rounds):
                    for who, port in (("baseline", bport), ("rtcedge", d.http_port)):
                        res = run_load(bench, port, "/whip/c%dr%d-" % (c, r), a.n, c)
                        results.setdefault((c, who), []).append(res)
                        print("conns %d round %d %-8s %7.0f setups/s  p50 %5.0f us  p90 %5.0f us  "
                              "p99 %5.0f us  max %6.0f us  (%d/%d 201)" % (
                                  c, r, who, res["rate"], res["p50_us"], res["p90_us"], res["p99_us"],
                                  res["max_us"], res["ok"], res["setups"]), flush=True)
            live = d.rest_json("GET", "/v1/stats")["sessions"]["live"]
            print("rtcedge holds %d live sessions (expected %d)" % (live, a.n * a.rounds * len(conns)))
    finally:
        base.send_signal(signal.SIGTERM)
        base.wait(10)
    print("\nmedians over %d rounds of %d POSTs (rtcedge: 201 with a negotiated answer; "
          "baseline: libmicrohttpd answering 201 with a fixed body)" % (a.rounds, a.n))
    print("%5s %10s %10s %6s %8s %8s %8s %8s" % ("conns", "rtcedge/s", "base/s", "ratio", "p50 us",
                                               "p90 us", "p99 us", "base p99"))
    for c in conns:
        rt, bs = results[(c, "rtcedge")], results[(c, "baseline")]
        med = lambda rs, k: statistics.median(x[k] for x in rs)
        print("%5d %10.0f %10.0f %6.2f %8.0f %8.0f %8.0f %8.0f" % (
            c, med(rt, "rate"), med(bs, "rate"), med(rt, "rate") / med(bs, "rate"),
            med(rt, "p50_us"), med(rt, "p90_us"), med(rt, "p99_us"), med(bs, "p99_us")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
