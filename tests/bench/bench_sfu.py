#!/usr/bin/python3
"""SFU forwarding through a DPDK port: the whole rtcedge worker, one core.

Run through scripts/bench-sfu (which builds first). Not a test: prints
figures and ratios, judges nothing. Method: docs/benchmarks.md, "SFU
forwarding through the port".

In the same run, rounds interleaved (the order alternates every round):
  rtcedge-port  bench_sfu_port: worker_main on net_pcap (infinite_rx=1)
                replaying gen_srtp_pcap's publisher stream; unprotect, N x
                (rewrite, protect, frame, TX burst); net_pcap TX drops. Per
                core = per second of the worker thread's CPU time.
  bench_fwd     the per-packet work without the port, and the two crypto
                baselines of the issue: bare ipsec-mb SRTP loop (a) and
                libsrtp2 (b); thread CPU time (tests/bench/bench_fwd.c).
  testpmd-io    dpdk-testpmd io forwarding on the same vdev and capture (c);
                per core = per second of its forwarding lcore's CPU time.
Then an optional sweep of rtcedge-port alone over large viewer counts.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bench  # noqa: E402  (Daemon, telemetry, wait_running, runtime_dir: scripts/bench's)

TESTPMD = bench.TESTPMD
MBUF_KB = 0.75  # one mbuf of 384 + 128 octets with its header and the mempool's, rounded up
SESS_KB = 16    # one worker session (struct wsess, ~12.6 KB) and its flow entries, rounded up
FWD_MAX = 128   # bench_fwd's viewer limit
TESTPMD_LCORE = "rte-worker-1"  # the name DPDK 22.11 gives the forwarding lcore's thread


def log(msg):
    print(msg, flush=True)


def eal(a, prefix, mem, pcap):
    return ["-l", a.lcores, "--no-huge", "-m", str(mem), "--no-pci", "--file-prefix", prefix,
            "--log-level", "lib.eal:notice",
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap]


def mem_mb(a, viewers):
    return int(a.mbufs * MBUF_KB / 1024 + (viewers + 1) * SESS_KB / 1024 + 320)


def port_argv(a, prefix, viewers, pcap):
    return [a.bench_sfu_port] + eal(a, prefix, mem_mb(a, viewers), pcap) + [
        "--", "--viewers", str(viewers), "--mbufs", str(a.mbufs), "--warmup", str(a.warmup),
        "--seconds", str(a.duration), "--max-rx", str(a.max_rx)]


def testpmd_argv(a, prefix, pcap):
    return [TESTPMD] + eal(a, prefix, mem_mb(a, 0), pcap) + [
        "--", "--forward-mode=io", "--nb-cores=1", "--port-topology=loop", "--rxq=1", "--txq=1",
        "--burst=32", "--auto-start", "--total-num-mbufs=%d" % a.mbufs, "--mbuf-size=512"]


def cleanup_prefix(prefix):
    d = bench.runtime_dir(prefix)
    if os.path.basename(d).startswith("rtcbench-") and os.path.isdir(d):
        shutil.rmtree(d, ignore_errors=True)


def run_port(a, viewers, pcap, tag):
    """One bench_sfu_port run: its JSON."""
    prefix = "rtcbench-sfu-%d-%s" % (os.getpid(), tag)
    limit = a.warmup + a.duration + 60 + (viewers + 1) * 0.002
    try:
        p = subprocess.run(port_argv(a, prefix, viewers, pcap), capture_output=True, text=True,
                           timeout=limit, start_new_session=True)
    finally:
        cleanup_prefix(prefix)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise RuntimeError("bench_sfu_port --viewers %d exited %d:\n%s%s" %
                           (viewers, p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    return json.loads(lines[-1])


def thread_cpu(pid, name):
    """CPU seconds of @pid's thread called @name (utime + stime, clock ticks)."""
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() != name:
                    continue
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return None


def run_testpmd(a, pcap, tmp, tag):
    """testpmd io on the capture: port RX packets per second of its forwarding lcore's CPU."""
    prefix = "rtcbench-sfu-%d-%s" % (os.getpid(), tag)
    d = bench.Daemon("testpmd", testpmd_argv(a, prefix, pcap), prefix,
                     os.path.join(tmp, "%s.log" % tag), stop_timeout=20)
    try:
        if not bench.wait_running(d, time.monotonic() + 60):
            raise RuntimeError("testpmd did not start receiving; log tail:\n%s" % d.tail())
        time.sleep(a.warmup)
        s0 = (time.monotonic(), bench.telemetry(prefix, "/ethdev/stats,0"),
              thread_cpu(d.p.pid, TESTPMD_LCORE))
        time.sleep(a.duration)
        s1 = (time.monotonic(), bench.telemetry(prefix, "/ethdev/stats,0"),
              thread_cpu(d.p.pid, TESTPMD_LCORE))
    finally:
        rc = d.stop()
    if rc != 0 or s0[1] is None or s1[1] is None:
        raise RuntimeError("testpmd: exit %s or no telemetry; log tail:\n%s" % (rc, d.tail()))
    rx = s1[1]["ipackets"] - s0[1]["ipackets"]
    cpu = (s1[2] - s0[2]) if s0[2] is not None and s1[2] is not None else 0
    wall = s1[0] - s0[0]
    return {"rx": rx, "pps_wall": rx / wall, "pps_cpu": rx / cpu if cpu > 0 else rx / wall,
            "cpu_s": cpu, "wall_s": wall}


def run_fwd(a, viewers):
    """bench_fwd, one round: {viewers: (rtcedge in/s, bare-imb in/s, libsrtp2 in/s)}."""
    vs = [v for v in viewers if v <= FWD_MAX]
    p = subprocess.run([a.bench_fwd, "--viewers", ",".join(str(v) for v in vs), "--rounds", "1"],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("bench_fwd exited %d:\n%s" % (p.returncode, p.stderr))
    out = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 7 and f[0].isdigit():
            out[int(f[0])] = (float(f[1]), float(f[3]), float(f[4]))
    return out


def fmt(x):
    return "{:,.0f}".format(x)


def lost_of(r):
    run = r["run"]
    return run["lost_rx"] + run["lost_fwd"] + run["lost_tx"] + run["lost_port"]


def drops_of(r):
    d = r["run"]["drops"]
    return ",".join("%s=%d" % kv for kv in sorted(d.items())) or "none"


def show_port(rnd, r):
    log("%-5d  %-12s  %8d  %14s  %14s  %6.2f  %5d  %s" %
        (rnd, "rtcedge-port", r["viewers"], fmt(r["in_pps_cpu"]), fmt(r["out_pps_cpu"]),
         r["window_cpu_s"], lost_of(r), drops_of(r)))


def main():
    ap = argparse.ArgumentParser(
        prog="scripts/bench-sfu",
        description="SFU forwarding through a DPDK port (the real worker), next to the bare"
                    " ipsec-mb loop, libsrtp2 and testpmd io, same run",
        epilog="Prints figures and ratios; judges nothing. See docs/benchmarks.md.")
    ap.add_argument("-r", "--rounds", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("-d", "--duration", type=float, default=3.0,
                    help="window per run, seconds (default 3; cut short at --packets)")
    ap.add_argument("-w", "--warmup", type=float, default=0.5,
                    help="seconds of forwarding before the window (default 0.5)")
    ap.add_argument("--viewers", default="1,10,100", help="viewer counts (default 1,10,100)")
    ap.add_argument("--sweep", default="1000,5000,20000,40000",
                    help="viewer counts of the rtcedge-only sweep ('' = none;"
                         " default 1000,5000,20000,40000)")
    ap.add_argument("--packets", type=int, default=2000000,
                    help="frames in the capture (default 2,000,000: 330 MB of mbufs)")
    ap.add_argument("--no-testpmd", action="store_true")
    ap.add_argument("--no-fwd", action="store_true", help="skip bench_fwd (the baselines)")
    ap.add_argument("--lcores", default="0-1")
    ap.add_argument("--build-dir", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (capture, logs)")
    a = ap.parse_args()
    a.bench_sfu_port = os.path.join(a.build_dir, "tests", "bench", "bench_sfu_port")
    a.bench_fwd = os.path.join(a.build_dir, "tests", "bench", "bench_fwd")
    gen = os.path.join(a.build_dir, "tests", "bench", "gen_srtp_pcap")
    for path in (a.bench_sfu_port, a.bench_fwd, gen) + (() if a.no_testpmd else (TESTPMD,)):
        if not os.access(path, os.X_OK):
            log("bench-sfu: %s is missing" % path)
            return 69
    viewers = [int(v) for v in a.viewers.split(",") if v]
    sweep = [int(v) for v in a.sweep.split(",") if v]
    if a.rounds < 1 or a.duration <= 0 or a.packets < 10000 or not viewers:
        log("bench-sfu: bad --rounds, --duration, --packets or --viewers")
        return 64
    a.mbufs = a.packets + 32768  # the capture's frames stay in the pool; the rest is for work
    a.max_rx = a.packets - 20000  # end the window before the replay (see bench_sfu_port.c)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="rtcbench-sfu.")
    started = time.monotonic()
    try:
        pcap = os.path.join(tmp, "publisher.pcap")
        g = subprocess.run([gen, pcap, "--packets", str(a.packets)], capture_output=True,
                           text=True, timeout=600)
        if g.returncode != 0:
            log("bench-sfu: gen_srtp_pcap failed:\n" + g.stdout + g.stderr)
            return 70
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        log("rtcedge bench-sfu: %d CPUs (%s), load %s" %
            (os.cpu_count(), cpu, " ".join("%.2f" % x for x in os.getloadavg())))
        log("input: " + g.stdout.strip().split(": ", 1)[1])
        log("commands (PREFIX unique per run, CAP the capture):")
        log("  " + " ".join(port_argv(a, "PREFIX", viewers[0], "CAP")))
        if not a.no_testpmd:
            log("  " + " ".join(testpmd_argv(a, "PREFIX", "CAP")))
        if not a.no_fwd:
            log("  %s --viewers %s --rounds 1" %
                (a.bench_fwd, ",".join(str(v) for v in viewers if v <= FWD_MAX)))
        log("window %.1f s after %.1f s warm-up (cut at %d frames: the capture's first pass);"
            " per core = per CPU second of the worker / forwarding thread" %
            (a.duration, a.warmup, a.max_rx))
        log("")
        log("%-5s  %-12s  %8s  %14s  %14s  %6s  %5s  %s" %
            ("round", "program", "viewers", "in pkt/s/core", "out pkt/s/core", "cpu s", "lost",
             "drops"))
        port = {v: [] for v in viewers}
        fwd = {v: [] for v in viewers}
        tpmd = []
        for rnd in range(1, a.rounds + 1):
            units = ["port-%d" % v for v in viewers]
            if not a.no_fwd:
                units.append("fwd")
            if not a.no_testpmd:
                units.append("testpmd")
            if rnd % 2 == 0:
                units.reverse()
            for u in units:
                if u == "fwd":
                    res = run_fwd(a, viewers)
                    for v, t in res.items():
                        fwd[v].append(t)
                        log("%-5d  %-12s  %8d  %14s  %14s  %6s  %5s  %s" %
                            (rnd, "bench_fwd", v, fmt(t[0]), fmt(t[0] * v), "-", "-",
                             "bare-imb %s, libsrtp2 %s in/s" % (fmt(t[1]), fmt(t[2]))))
                elif u == "testpmd":
                    t = run_testpmd(a, pcap, tmp, "testpmd-r%d" % rnd)
                    tpmd.append(t)
                    log("%-5d  %-12s  %8s  %14s  %14s  %6.2f  %5s  %s" %
                        (rnd, "testpmd-io", "-", fmt(t["pps_cpu"]), fmt(t["pps_cpu"]), t["cpu_s"],
                         "-", "wall %s pkt/s" % fmt(t["pps_wall"])))
                else:
                    v = int(u.split("-")[1])
                    r = run_port(a, v, pcap, "port%d-r%d" % (v, rnd))
                    port[v].append(r)
                    show_port(rnd, r)

        log("")
        log("medians of %d rounds (per core; ratios of the medians):" % a.rounds)
        log("%8s %13s %13s %13s %13s %13s %9s %9s %9s %6s" %
            ("viewers", "port in/s", "port out/s", "no-port in/s", "bare-imb in/s",
             "libsrtp2 in/s", "/bare-imb", "/libsrtp2", "/testpmd", "lost"))
        med_t = statistics.median(t["pps_cpu"] for t in tpmd) if tpmd else None
        for v in viewers:
            pin = statistics.median(r["in_pps_cpu"] for r in port[v])
            pout = statistics.median(r["out_pps_cpu"] for r in port[v])
            lost = sum(lost_of(r) for r in port[v])
            if fwd[v]:
                nop = statistics.median(t[0] for t in fwd[v])
                bare = statistics.median(t[1] for t in fwd[v])
                lib = statistics.median(t[2] for t in fwd[v])
                cols = "%13s %13s %13s %9.2f %9.2f" % (fmt(nop), fmt(bare), fmt(lib), pin / bare,
                                                       pin / lib)
            else:
                cols = "%13s %13s %13s %9s %9s" % ("-", "-", "-", "-", "-")
            log("%8d %13s %13s %s %9s %6d" %
                (v, fmt(pin), fmt(pout), cols, "%.3f" % (pin / med_t) if med_t else "-", lost))
        if not a.no_fwd:
            log("per-round ratios (each round's rtcedge-port run against that round's bench_fwd"
                " run; median, range):")
            for v in viewers:
                for name, k in (("bare-imb", 1), ("libsrtp2", 2)):
                    rs = [r["in_pps_cpu"] / t[k] for r, t in zip(port[v], fwd[v])]
                    log("  %6d viewers  /%-8s  %5.2f  (%.2f..%.2f)" %
                        (v, name, statistics.median(rs), min(rs), max(rs)))
            # Noise here (other tenants on the host's sibling threads) only ever slows a
            # run: each program's fastest round is its least disturbed one.
            log("best of %d rounds (each program's fastest round; ratios of those):" % a.rounds)
            for v in viewers:
                pin = max(r["in_pps_cpu"] for r in port[v])
                bare = max(t[1] for t in fwd[v])
                lib = max(t[2] for t in fwd[v])
                log("  %6d viewers  port %s in/s  bare-imb %s  libsrtp2 %s  /bare-imb %.2f"
                    "  /libsrtp2 %.2f" % (v, fmt(pin), fmt(bare), fmt(lib), pin / bare, pin / lib))
        if med_t:
            log("testpmd io-fwd: %s pkt/s per core (median; runs %s..%s)" %
                (fmt(med_t), fmt(min(t["pps_cpu"] for t in tpmd)),
                 fmt(max(t["pps_cpu"] for t in tpmd))))

        if sweep:
            log("")
            log("sweep (rtcedge-port only, %d rounds interleaved):" % a.rounds)
            log("%-5s  %-12s  %8s  %14s  %14s  %6s  %5s  %s" %
                ("round", "program", "viewers", "in pkt/s/core", "out pkt/s/core", "cpu s",
                 "lost", "drops"))
            sw = {v: [] for v in sweep}
            for rnd in range(1, a.rounds + 1):
                for v in (sweep if rnd % 2 else list(reversed(sweep))):
                    r = run_port(a, v, pcap, "sweep%d-r%d" % (v, rnd))
                    sw[v].append(r)
                    show_port(rnd, r)
            log("")
            best = None
            for v in sweep:
                out = statistics.median(r["out_pps_cpu"] for r in sw[v])
                log("%8d viewers: %s out pkt/s per core (median; = %s Opus viewer streams of 50 pkt/s),"
                    " lost %d" % (v, fmt(out), fmt(out / 50), sum(lost_of(r) for r in sw[v])))
                if out >= 1e6:
                    best = v
            log("largest swept viewer count with >= 1,000,000 out pkt/s per core: %s" %
                (best if best is not None else "none"))
        log("")
        log("bench-sfu: done in %.0f s; load average now %s" %
            (time.monotonic() - started, " ".join("%.2f" % x for x in os.getloadavg())))
        return 0
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        log("bench-sfu: error: %s" % e)
        return 70
    except KeyboardInterrupt:
        log("bench-sfu: interrupted")
        return 130
    finally:
        if a.keep:
            log("bench-sfu: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
