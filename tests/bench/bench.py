#!/usr/bin/python3
"""rtcedge vs dpdk-testpmd io forwarding, one core, same net_pcap replay.

Run through scripts/bench (which builds first). Not a test: prints figures
and the ratio, judges nothing. See docs/benchmarks.md for the method.

Per packet, on one worker lcore, both programs:
  rtcedge     rte_eth_rx_burst (32) -> pkt_process(): Ethernet, IPv4 header
              checks and checksum, UDP checksum, media port, RFC 7983 class
              -> the owner's media handler (a stub until the protocol
              modules land: counts the class) -> rte_pktmbuf_free.
  testpmd io  rte_eth_rx_burst (32) -> rte_eth_tx_burst on the same port
              (net_pcap without tx_pcap drops: counts and frees). It never
              reads the packet.
The RX side is the same for both: net_pcap's infinite_rx allocates an mbuf
and copies the frame from its in-memory ring of the pcap.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TESTPMD = "/usr/bin/dpdk-testpmd"
VALGRIND = "/usr/bin/valgrind"
CLASSES = ("media_rtp", "media_rtcp", "media_stun", "media_dtls")

DESCR = {
    "rtcedge": "rx burst -> pkt_process (eth, IPv4 hdr+cksum, UDP cksum, port, RFC 7983 class)"
               " -> media stub counts -> free",
    "testpmd": "rx burst -> tx burst on the same port (net_pcap tx drop: count + free);"
               " packet never read",
}


def log(msg):
    print(msg, flush=True)


def runtime_dir(prefix):
    """Where EAL puts a file prefix's runtime files (eal_get_runtime_dir)."""
    if os.geteuid() == 0:
        base = "/var/run"
    else:
        base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


def telemetry(prefix, cmd, timeout=5.0):
    """One request on DPDK's telemetry socket; the reply's value, or None."""
    path = os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    try:
        s.connect(path)
        hello = json.loads(s.recv(16384).decode())
        s.send(cmd.encode())
        reply = json.loads(s.recv(hello.get("max_output_len", 16384)).decode())
    except (OSError, ValueError):
        return None
    finally:
        s.close()
    return reply.get(cmd.split(",")[0])


class Daemon:
    """One rtcedge or testpmd process we started; stopped by its PID only."""

    def __init__(self, app, argv, prefix, logpath, stop_timeout):
        self.app = app
        self.prefix = prefix
        self.logpath = logpath
        self.stop_timeout = stop_timeout
        self.logf = open(logpath, "wb")
        # own session: a terminal ^C reaches us, and we stop the child cleanly
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=self.logf,
                                  stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.alive():
            try:
                if self.app == "testpmd":
                    # non-interactive testpmd exits cleanly on a line on stdin
                    self.p.stdin.write(b"\n")
                    self.p.stdin.flush()
                else:
                    os.kill(self.p.pid, signal.SIGINT)
            except OSError:
                pass
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            log("bench: %s (pid %d) did not stop in %.0f s: SIGKILL" %
                (self.app, self.p.pid, self.stop_timeout))
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()
        self.logf.close()
        d = runtime_dir(self.prefix)
        if os.path.basename(d).startswith("rtcbench-") and os.path.isdir(d):
            shutil.rmtree(d, ignore_errors=True)
        return self.p.returncode

    def tail(self, n=15):
        try:
            with open(self.logpath, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""


def eal_args(a, prefix, pcap):
    return ["-l", a.lcores, "--no-huge", "-m", str(a.mem), "--no-pci",
            "--file-prefix", prefix, "--log-level", "lib.eal:notice",
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap]


def app_argv(a, app, prefix, pcap):
    if app == "rtcedge":
        return [a.rtcedge] + eal_args(a, prefix, pcap) + [
            "--", "--set", "worker.idle_sleep_max_us=0",
            "--set", "http.listen=off", "--set", "rest.listen=off",
            "--set", "dataplane.mbufs=%d" % a.mbufs]
    return [TESTPMD] + eal_args(a, prefix, pcap) + [
        "--", "--forward-mode=io", "--nb-cores=1", "--port-topology=loop",
        "--rxq=1", "--txq=1", "--burst=32", "--auto-start",
        "--total-num-mbufs=%d" % a.mbufs]


def sample(app, prefix):
    """(time, ethdev stats, rtcedge stats or {}) at one instant."""
    t0 = time.monotonic()
    eth = telemetry(prefix, "/ethdev/stats,0")
    t1 = time.monotonic()
    if eth is None:
        return None
    st = telemetry(prefix, "/rtcedge/stats") if app == "rtcedge" else {}
    if st is None:
        return None
    return ((t0 + t1) / 2, eth, st)


def wait_running(d, deadline, ask_timeout=1.0):
    """Until the port has received packets (the replay raced port start)."""
    while time.monotonic() < deadline:
        if not d.alive():
            return False
        eth = telemetry(d.prefix, "/ethdev/stats,0", timeout=ask_timeout)
        if eth is not None and eth.get("ipackets", 0) > 0:
            return True
        time.sleep(0.1)
    return False


def measure(a, app, pcap, tmp, tag):
    prefix = "rtcbench-%d-%s" % (os.getpid(), tag)
    d = Daemon(app, app_argv(a, app, prefix, pcap), prefix,
               os.path.join(tmp, "%s.log" % tag), stop_timeout=20)
    try:
        if not wait_running(d, time.monotonic() + a.start_timeout):
            raise RuntimeError("%s did not start receiving; log tail:\n%s" % (app, d.tail()))
        time.sleep(a.warmup)
        s0 = sample(app, prefix)
        time.sleep(a.duration)
        s1 = sample(app, prefix)
        if s0 is None or s1 is None:
            raise RuntimeError("%s: telemetry did not answer; log tail:\n%s" % (app, d.tail()))
    finally:
        rc = d.stop()
    if rc != 0:
        raise RuntimeError("%s exited %d; log tail:\n%s" % (app, rc, d.tail()))
    dt = s1[0] - s0[0]

    def rate(key, src=1):
        return (s1[src][key] - s0[src][key]) / dt

    r = {"app": app, "secs": dt, "rx_pps": rate("ipackets"), "tx_pps": rate("opackets"),
         "rx_nombuf": s1[1]["rx_nombuf"] - s0[1]["rx_nombuf"]}
    if app == "rtcedge":
        delta = {k: s1[2][k] - s0[2][k] for k in s1[2]}
        rx = delta["rx_packets"]
        r["worker_rx_pps"] = rx / dt
        r["classified"] = sum(delta[k] for k in CLASSES) / rx if rx else 0.0
        r["drops"] = sum(v for k, v in delta.items() if k.startswith("drop_"))
        r["drop_names"] = sorted(k for k, v in delta.items() if k.startswith("drop_") and v)
        r["classes"] = {k: delta[k] for k in CLASSES}
    return r


def fmt_pps(x):
    return "{:,.0f}".format(x)


def run_rounds(a, pcap, tmp):
    results = {"rtcedge": [], "testpmd": []}
    log("")
    log("%-5s  %-10s  %14s  %14s  %11s  %s" %
        ("round", "program", "port RX pkt/s", "port TX pkt/s", "classified", "drops"))
    for rnd in range(a.rounds):
        order = ("rtcedge", "testpmd") if rnd % 2 == 0 else ("testpmd", "rtcedge")
        for app in order:
            r = measure(a, app, pcap, tmp, "%s-r%d" % (app, rnd + 1))
            results[app].append(r)
            if app == "rtcedge":
                extra = "%10.2f%%  %d%s" % (100 * r["classified"], r["drops"],
                                            " " + ",".join(r["drop_names"]) if r["drops"] else "")
            else:
                extra = "%11s  %s" % ("-", "-")
            log("%-5d  %-10s  %14s  %14s  %s" %
                (rnd + 1, app if app == "rtcedge" else "testpmd-io", fmt_pps(r["rx_pps"]),
                 fmt_pps(r["tx_pps"]), extra))
    return results


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    return None


def callgrind_top(path, packets, n=6):
    """The @n functions with the most self instructions: (name, Ir/packet, %).

    Stripped objects have no names: they show as object+offset.
    """
    ann = subprocess.run(["callgrind_annotate", path], capture_output=True, text=True)
    acc = {}
    for line in ann.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S+?):([\w.]+)(?:\s+\[(\S+)\])?\s*$",
                     line)
        if m is None or m.group(3) == "PROGRAM TOTALS":
            continue
        fn = m.group(4)
        if fn.startswith("0x"):
            fn = "%s+0x%x" % (os.path.basename(m.group(5) or m.group(3)), int(fn, 16))
        ir, pct = acc.get(fn, (0, 0.0))
        acc[fn] = (ir + int(m.group(1).replace(",", "")), pct + float(m.group(2)))
    best = sorted(acc.items(), key=lambda kv: -kv[1][0])[:n]
    return [(fn, ir / packets, pct) for fn, (ir, pct) in best]


def callgrind_pkt(a, pcap, tmp):
    """pkt_process() alone: Ir per packet, and the functions that spend them."""
    out = os.path.join(tmp, "callgrind.pkt")
    cmd = [VALGRIND, "--tool=callgrind", "--toggle-collect=pkt_process",
           "--callgrind-out-file=" + out, a.bench_pkt, pcap, str(a.cg_iterations)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    m = re.search(r" packets (\d+)$", p.stdout, re.M)
    # bench_pkt exits 1 when some frames were dropped: still a figure (a --pcap of mixed traffic)
    if p.returncode not in (0, 1) or m is None:
        raise RuntimeError("bench_pkt under callgrind failed:\n%s%s" % (p.stdout, p.stderr))
    packets = int(m.group(1))
    ir = callgrind_total(out)
    top = callgrind_top(out, packets)
    return {"packets": packets, "ir": ir, "ir_per_pkt": ir / packets, "top": top,
            "verdicts": re.search(r"^verdicts .*$", p.stdout, re.M).group(0)}


def callgrind_daemon(a, app, pcap, tmp):
    """Whole worker lcore under callgrind: that thread's Ir / packets it received.

    testpmd is stripped, so no function can be toggled; both programs are
    measured the same way instead: --separate-threads=yes, and the thread
    with the most instructions is the forwarding/worker lcore (the others
    block in syscalls). It includes the lcore's start and stop (a few
    thousand instructions against billions).
    """
    prefix = "rtcbench-%d-cg-%s" % (os.getpid(), app)
    out = os.path.join(tmp, "callgrind.%s" % app)
    # --fair-sched: a busy-polling worker would otherwise starve the other threads
    # (telemetry, the main lcore that must see the stop signal) under valgrind
    argv = [VALGRIND, "--tool=callgrind", "--separate-threads=yes", "--fair-sched=yes",
            "--callgrind-out-file=" + out] + app_argv(a, app, prefix, pcap)
    d = Daemon(app, argv, prefix, os.path.join(tmp, "cg-%s.log" % app), stop_timeout=120)
    try:
        # under valgrind the telemetry thread answers slowly: be patient with it
        if not wait_running(d, time.monotonic() + 120, ask_timeout=10.0):
            raise RuntimeError("%s under valgrind did not start; log tail:\n%s" % (app, d.tail()))
        time.sleep(a.cg_secs)
    finally:
        rc = d.stop()
    with open(d.logpath, errors="replace") as f:
        text = f.read()
    if rc != 0:
        raise RuntimeError("%s under valgrind exited %d:\n%s" % (app, rc, d.tail()))
    if app == "rtcedge":
        m = re.search(r"^\s+rx_packets\s+(\d+)$", text, re.M)
    else:
        m = re.search(r"Accumulated forward statistics.*?RX-packets:\s+(\d+)", text, re.S)
    if m is None:
        raise RuntimeError("%s: no final packet count in the log:\n%s" % (app, d.tail()))
    packets = int(m.group(1))
    threads = []
    for name in os.listdir(tmp):
        if name.startswith(os.path.basename(out) + "-"):
            threads.append((callgrind_total(os.path.join(tmp, name)) or 0, name))
    threads.sort(reverse=True)
    if not threads or packets == 0:
        raise RuntimeError("%s: no callgrind thread files or no packets" % app)
    ir = threads[0][0]
    rest = sum(t[0] for t in threads[1:])
    return {"packets": packets, "ir": ir, "ir_per_pkt": ir / packets, "other_threads_ir": rest,
            "top": callgrind_top(os.path.join(tmp, threads[0][1]), packets, 5)}


def main():
    ap = argparse.ArgumentParser(
        prog="scripts/bench",
        description="rtcedge vs dpdk-testpmd io forwarding on one core, same net_pcap replay",
        epilog="Prints figures and the ratio; judges nothing. See docs/benchmarks.md.")
    ap.add_argument("-d", "--duration", type=float, default=5.0,
                    help="measured window per run, seconds (default 5)")
    ap.add_argument("-r", "--rounds", type=int, default=3,
                    help="rounds; each runs both programs, order alternating (default 3)")
    ap.add_argument("-w", "--warmup", type=float, default=2.0,
                    help="seconds after the first packet before the window (default 2)")
    ap.add_argument("--frames", type=int, default=1024, help="frames in the pcap (default 1024)")
    ap.add_argument("--flows", type=int, default=64, help="remote flows in the pcap (default 64)")
    ap.add_argument("--pcap", help="replay this pcap instead of generating one")
    ap.add_argument("--callgrind", choices=("all", "pkt", "none"), default="all",
                    help="instruction counts: pkt_process alone (pkt), also both worker"
                         " lcores (all, default), or none")
    ap.add_argument("--cg-iterations", type=int, default=100,
                    help="passes over the pcap for bench_pkt under callgrind (default 100)")
    ap.add_argument("--cg-secs", type=float, default=10.0,
                    help="seconds each daemon runs under callgrind (default 10)")
    ap.add_argument("--lcores", default="0-1", help="EAL -l for both (default 0-1: main + 1)")
    ap.add_argument("--mem", type=int, default=512, help="EAL -m with --no-huge (default 512)")
    ap.add_argument("--mbufs", type=int, default=16384, help="mbuf pool size, both (default 16384)")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (pcap, logs, callgrind)")
    a = ap.parse_args()
    a.rtcedge = os.path.join(a.build_dir, "ctrlplane", "rtcedge")
    a.bench_pkt = os.path.join(a.build_dir, "tests", "bench", "bench_pkt")
    a.start_timeout = 30.0
    for path in (a.rtcedge, TESTPMD) + ((a.bench_pkt, VALGRIND) if a.callgrind != "none" else ()):
        if not os.access(path, os.X_OK):
            log("bench: %s is missing (build with tests enabled; dpdk-dev, valgrind)" % path)
            return 69
    if a.duration <= 0 or a.rounds < 1 or a.warmup < 0:
        log("bench: --duration and --rounds must be positive")
        return 64

    # SIGTERM unwinds like ^C: the finally clauses stop our children and clean up
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="rtcbench.")
    started = time.monotonic()
    try:
        if a.pcap:
            pcap = os.path.abspath(a.pcap)
            if not os.path.isfile(pcap):
                log("bench: %s: no such file" % pcap)
                return 66
            pcap_desc = pcap
        else:
            pcap = os.path.join(tmp, "media.pcap")
            g = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_pcap.py"), pcap,
                                "--frames", str(a.frames), "--flows", str(a.flows)],
                               capture_output=True, text=True, timeout=300)
            if g.returncode != 0:
                log("bench: pcap generation failed:\n" + g.stdout + g.stderr)
                return 70
            pcap_desc = g.stdout.strip().split(": ", 1)[1]
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        log("rtcedge bench: %d CPUs (%s), load %s" %
            (os.cpu_count(), cpu, " ".join("%.2f" % x for x in os.getloadavg())))
        log("input: net_pcap replay (infinite_rx=1) of %s" % pcap_desc)
        log("one worker lcore each (-l %s: main lcore + 1 worker/forwarding lcore), busy poll,"
            " burst 32, --no-huge -m %d, %d mbufs" % (a.lcores, a.mem, a.mbufs))
        log("per packet:")
        log("  rtcedge     " + DESCR["rtcedge"])
        log("  testpmd-io  " + DESCR["testpmd"])
        log("commands (PREFIX unique per run):")
        log("  " + " ".join(app_argv(a, "rtcedge", "PREFIX", pcap)))
        log("  " + " ".join(app_argv(a, "testpmd", "PREFIX", pcap)))
        log("window %.1f s after %.1f s warm-up; rates from /ethdev/stats,0 on each program's"
            " telemetry socket" % (a.duration, a.warmup))

        res = run_rounds(a, pcap, tmp)
        med_r = statistics.median(r["rx_pps"] for r in res["rtcedge"])
        med_t = statistics.median(r["rx_pps"] for r in res["testpmd"])
        cls = {k: sum(r["classes"][k] for r in res["rtcedge"]) for k in CLASSES}
        tot = sum(cls.values()) or 1
        log("")
        spread = {app: "%.2f..%.2f" % (min(r["rx_pps"] for r in res[app]) / 1e6,
                                       max(r["rx_pps"] for r in res[app]) / 1e6)
                  for app in res}
        log("median rtcedge     %14s pkt/s  (%.2f Mpps, runs %s; classes %s)" %
            (fmt_pps(med_r), med_r / 1e6, spread["rtcedge"],
             ", ".join("%s %.1f%%" % (k[6:], 100 * v / tot) for k, v in cls.items() if v)))
        log("median testpmd-io  %14s pkt/s  (%.2f Mpps, runs %s)" %
            (fmt_pps(med_t), med_t / 1e6, spread["testpmd"]))
        nombuf = sum(r["rx_nombuf"] for app in res for r in res[app])
        if nombuf:
            log("warning: %d RX mbuf allocation failures during the windows" % nombuf)
        log("rtcedge / testpmd io-fwd = %.2f (target >= 0.6)" % (med_r / med_t))

        if a.callgrind != "none":
            log("")
            log("callgrind instruction counts (noise-free; Ir = instructions executed):")
            cg = callgrind_pkt(a, pcap, tmp)
            log("  pkt_process() alone (tests/bench/bench_pkt, %d packets): %.0f Ir/packet"
                % (cg["packets"], cg["ir_per_pkt"]))
            log("    " + cg["verdicts"])
            for name, per, pct in cg["top"]:
                log("    %-34s %7.1f Ir/packet  %5.1f%%" % (name, per, pct))
        if a.callgrind == "all":
            cgd = {}
            for app in ("rtcedge", "testpmd"):
                cgd[app] = callgrind_daemon(a, app, pcap, tmp)
                log("  %-10s worker lcore, whole loop (%d packets in %.0f s under valgrind):"
                    " %.0f Ir/packet" % (app if app == "rtcedge" else "testpmd-io",
                                         cgd[app]["packets"], a.cg_secs, cgd[app]["ir_per_pkt"]))
                for name, per, pct in cgd[app]["top"]:
                    log("    %-34s %7.1f Ir/packet  %5.1f%%" % (name, per, pct))
            log("  instructions: testpmd-io / rtcedge per packet = %.2f"
                " (the pps ratio if time followed instructions)" %
                (cgd["testpmd"]["ir_per_pkt"] / cgd["rtcedge"]["ir_per_pkt"]))
        log("")
        log("bench: done in %.0f s; load average now %s" %
            (time.monotonic() - started, " ".join("%.2f" % x for x in os.getloadavg())))
        return 0
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        log("bench: error: %s" % e)
        return 70
    except KeyboardInterrupt:
        log("bench: interrupted")
        return 130
    finally:
        if a.keep:
            log("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
