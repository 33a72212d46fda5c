#!/usr/bin/python3
"""
Run pcap test cases (cases.py) against the real rtcedge daemon on net_pcap.

  run_case.py --rtcedge build/ctrlplane/rtcedge CASE [CASE...]
  run_case.py --rtcedge build/ctrlplane/rtcedge all
  run_case.py --rtcedge build/ctrlplane/rtcedge --per-frame CASE...
  run_case.py --check-registered NAME...   (meson: every case is registered)

For each case: write in.pcap in a fresh temp dir, start rtcedge with
  -l 0-1 (or the case's lcores) --no-huge -m 256 --no-pci
  --file-prefix rtc-pcap-<case>-<pid>-<n>
  --vdev net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap -- [--set ...]
poll the DPDK telemetry socket until rx_packets equals the number of input
frames and all counters stay still, read the counters (totals, per worker,
info), stop rtcedge with SIGTERM (by its PID) and require exit code 0, then
compare out.pcap (net_pcap writes it at port close) frame by frame and byte
for byte with the expected frames, and the counters with the expected ones.

Exit codes: 0 all passed, 1 a case failed, 77 skipped (scapy missing), 64 usage.
Every wait is bounded (--timeout, default 30 s per case): it never hangs.
"""
import argparse
import concurrent.futures
import itertools
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

STABLE_POLLS = 4       # identical counter snapshots in a row ...
POLL_S = 0.05          # ... this far apart
LONG_STABLE_POLLS = 40  # ... or this many while what was sent differs from the case
EXIT_WAIT_S = 15


class CaseFailure(Exception):
    pass


STOP = threading.Event()  # set on SIGTERM: every run stops its daemon and cleans up


def pause():
    """Sleep one poll interval; give up at once when we are being stopped."""
    if STOP.wait(POLL_S):
        raise CaseFailure("interrupted (SIGTERM)")


# ---------------------------------------------------------------------------
# pcap files (classic libpcap format), without scapy's help


def pcap_write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # DLT_EN10MB
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)))
            f.write(fr)


def pcap_read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise CaseFailure("%s: %d bytes, not a pcap file" % (path, len(data)))
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise CaseFailure("%s: bad pcap magic %#x" % (path, magic))
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        raise CaseFailure("%s: link type %d, expected Ethernet" % (path, linktype))
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise CaseFailure("%s: truncated record header" % path)
        _, _, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if incl != orig or off + incl > len(data):
            raise CaseFailure("%s: truncated record (%d of %d bytes)" % (path, incl, orig))
        frames.append(data[off:off + incl])
        off += incl
    return frames


# ---------------------------------------------------------------------------
# DPDK telemetry v2 client


def dpdk_runtime_dir(prefix):
    """Where EAL puts its runtime files (eal_create_runtime_dir())."""
    base = "/var/run" if os.getuid() == 0 else os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


class Telemetry:
    def __init__(self, path, pid):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(5)
        self.s.connect(path)
        hello = json.loads(self.s.recv(65536).decode())
        self.maxlen = int(hello.get("max_output_len", 16384))
        if hello.get("pid") != pid:
            raise CaseFailure("telemetry socket %s belongs to pid %s, not ours (%d)"
                              % (path, hello.get("pid"), pid))

    def query(self, cmd):
        self.s.send(cmd.encode())
        reply = json.loads(self.s.recv(self.maxlen + 1024).decode())
        return reply.get(cmd.split(",")[0])

    def close(self):
        self.s.close()


# ---------------------------------------------------------------------------
# Reporting


def hexdump(b, mark=None):
    out = []
    for off in range(0, len(b), 16):
        chunk = b[off:off + 16]
        hx = " ".join(("[%02x]" if mark == off + i else "%02x") % c for i, c in enumerate(chunk))
        out.append("    %04x  %s" % (off, hx))
    return "\n".join(out)


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def frames_diff(expect, got):
    """None if equal, else a readable account of the first mismatch."""
    if expect == got:
        return None
    lines = ["frames differ: expected %d, got %d" % (len(expect), len(got))]
    for i in range(max(len(expect), len(got))):
        e = expect[i] if i < len(expect) else None
        g = got[i] if i < len(got) else None
        if e == g:
            continue
        lines.append("first mismatch at output frame %d" % i)
        if e is None:
            lines.append("  unexpected frame (%d B): %s" % (len(g), cases.summary(g)))
            lines.append(hexdump(g))
        elif g is None:
            lines.append("  missing frame (%d B): %s" % (len(e), cases.summary(e)))
            lines.append(hexdump(e))
        else:
            d = first_diff(e, g)
            lines.append("  first differing byte: offset %d (expected %d B, got %d B)"
                         % (d, len(e), len(g)))
            lines.append("  expected: %s" % cases.summary(e))
            lines.append(hexdump(e, d))
            lines.append("  got:      %s" % cases.summary(g))
            lines.append(hexdump(g, d))
            try:
                lines.append("  expected, dissected:\n" + cases.Ether(e).show(dump=True))
                lines.append("  got, dissected:\n" + cases.Ether(g).show(dump=True))
            except Exception:
                pass
        break
    lines.append("all output frames:")
    for i, g in enumerate(got):
        lines.append("  %2d %4d B %s" % (i, len(g), cases.summary(g)))
    return "\n".join(lines)


def counters_diff(expect, got, what):
    """Every counter must equal the expected value (0 if not listed)."""
    errs = []
    unknown = sorted(set(expect) - set(got))
    if unknown:
        errs.append("%s: expected counters rtcedge does not have: %s" % (what, unknown))
    for k in sorted(got):
        if k in cases.IGNORED_COUNTERS or not isinstance(got[k], int) or k in (
                "lcore", "rx_queue", "tx_queue"):
            continue
        want = expect.get(k, 0)
        if got[k] != want:
            errs.append("%s: %s = %d, expected %d" % (what, k, got[k], want))
    return errs


# ---------------------------------------------------------------------------
# One run of the daemon

_run_no = itertools.count(1)


def run_one(rtcedge, c, timeout, keep, verbose):
    prefix = "rtc-pcap-%s-%d-%d" % (c.name.replace("#", "-"), os.getpid(), next(_run_no))
    tmp = tempfile.mkdtemp(prefix=prefix + "-")
    inp, outp, logp = (os.path.join(tmp, n) for n in ("in.pcap", "out.pcap", "rtcedge.log"))
    rundir = dpdk_runtime_dir(prefix)
    pcap_write(inp, c.frames)
    cmd = [rtcedge] + c.eal_lcores + [
        "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
        "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (inp, outp), "--",
        # frames only: no HTTP listeners (parallel cases would compete for the ports)
        "--set", "http.listen=off", "--set", "rest.listen=off"]
    for s in c.sets:
        cmd += ["--set", s]
    if verbose:
        print("  $ " + " ".join(cmd))
    deadline = time.monotonic() + timeout
    proc = None
    log = open(logp, "wb")
    try:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
                                stdin=subprocess.DEVNULL)
        res = drive(proc, c, rundir, deadline)
        stop(proc)
        proc = None
        text = open(logp, errors="replace").read()
        check_startup_line(text)
        got = pcap_read(outp)
        errs = []
        d = frames_diff(c.expect, got)
        if d:
            errs.append(d)
        errs += counters_diff(c.counters, res["stats"], "totals")
        errs += check_exit_report(text, res["stats"])
        if c.workers is not None:
            for i, (meta, wc) in enumerate(c.workers):
                ws = res["workers"][i]
                for k, v in meta.items():
                    if ws.get(k) != v:
                        errs.append("worker %d: %s = %s, expected %s" % (i, k, ws.get(k), v))
                errs += counters_diff(wc, ws, "worker %d" % i)
        for k, v in c.info.items():
            if res["info"].get(k) != v:
                errs.append("info: %s = %r, expected %r" % (k, res["info"].get(k), v))
        if errs:
            raise CaseFailure("\n".join(errs))
        return None
    except CaseFailure as e:
        log.flush()
        tail = open(logp, errors="replace").read()[-4000:]
        return "%s\n--- rtcedge output (tail) ---\n%s" % (e, tail)
    finally:
        if proc is not None:
            kill(proc)
        log.close()
        # EAL leaves its runtime dir behind; this one is ours (unique prefix)
        if os.path.isdir(rundir) and os.path.basename(rundir) == prefix:
            shutil.rmtree(rundir, ignore_errors=True)
        if keep:
            print("  kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def drive(proc, c, rundir, deadline):
    """Wait for telemetry, then until every frame is received and counters are still."""
    sock = os.path.join(rundir, "dpdk_telemetry.v2")
    tel = None
    while tel is None:
        if proc.poll() is not None:
            raise CaseFailure("rtcedge exited early with code %d" % proc.returncode)
        if time.monotonic() > deadline:
            raise CaseFailure("timeout: no telemetry socket at %s" % sock)
        if os.path.exists(sock):
            try:
                tel = Telemetry(sock, proc.pid)
            except (OSError, ValueError):
                tel = None
        if tel is None:
            pause()
    try:
        n = len(c.frames)
        want_tx = c.counters.get("tx_packets", 0)
        last, same = None, 0
        while True:
            if proc.poll() is not None:
                raise CaseFailure("rtcedge exited early with code %d" % proc.returncode)
            st = tel.query("/rtcedge/stats")
            if isinstance(st, dict) and "rx_packets" in st:
                if st["rx_packets"] > n:
                    raise CaseFailure("rx_packets %d > %d input frames" % (st["rx_packets"], n))
                snap = {k: v for k, v in st.items() if k not in cases.IGNORED_COUNTERS}
                same = same + 1 if snap == last and st["rx_packets"] == n else 0
                last = snap
                # Replies are counted when a worker flushes its TX buffer and
                # hand-offs when the owner dequeues them: a starved worker can
                # lag. Still counters are enough when sent and handed-off
                # frames are all accounted for; otherwise wait longer before
                # concluding that the difference is real.
                done = (st.get("tx_packets") == want_tx and
                        st.get("handoff_in") == st.get("handoff_out"))
                if same >= (STABLE_POLLS if done else LONG_STABLE_POLLS):
                    break
            if time.monotonic() > deadline:
                raise CaseFailure("timeout: counters did not settle at rx_packets=%d: %s"
                                  % (n, last))
            pause()
        info = tel.query("/rtcedge/info")
        workers = []
        for i in range(int(info.get("workers", 0))):
            workers.append(tel.query("/rtcedge/worker_stats,%d" % i))
        # the totals again: nothing may have moved while we read the rest
        again = tel.query("/rtcedge/stats")
        if {k: v for k, v in again.items() if k not in cases.IGNORED_COUNTERS} != last:
            raise CaseFailure("counters moved after settling: %s -> %s" % (last, again))
        return {"stats": st, "info": info, "workers": workers}
    finally:
        tel.close()


def stop(proc):
    os.kill(proc.pid, signal.SIGTERM)
    try:
        rc = proc.wait(timeout=EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        kill(proc)
        raise CaseFailure("rtcedge did not stop within %d s of SIGTERM" % EXIT_WAIT_S)
    if rc != 0:
        raise CaseFailure("rtcedge exit code %d after SIGTERM, expected 0" % rc)


def kill(proc):
    """Last resort for the process we started, by its PID only."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=EXIT_WAIT_S)


def check_startup_line(text):
    m = re.search(r"port net_pcap0 \(net_pcap\) ([0-9a-f:]{17})", text)
    if m is None:
        raise CaseFailure("no startup line naming net_pcap0's MAC in rtcedge's output")
    if m.group(1) != cases.OUR_MAC:
        raise CaseFailure("net_pcap0's MAC is %s, cases.py assumes %s: update OUR_MAC"
                          % (m.group(1), cases.OUR_MAC))


def check_exit_report(text, stats):
    """The exit report lists every nonzero counter; it must agree with telemetry."""
    i = text.find("final counters (all workers)")
    if i < 0:
        return ["no 'final counters' report in rtcedge's output"]
    printed = {}
    for line in text[i:].splitlines()[1:]:
        m = re.match(r"^\s+(\w+)\s+(\d+)$", line)
        if not m:
            break
        printed[m.group(1)] = int(m.group(2))
    errs = []
    for k, v in stats.items():
        if k in cases.IGNORED_COUNTERS:
            continue
        if printed.get(k, 0) != v:
            errs.append("exit report: %s = %d, telemetry said %d" % (k, printed.get(k, 0), v))
    return errs


def on_sigterm(signum, frame):
    # meson's timeout: unwind, so the daemons we started are stopped and
    # their temp and runtime dirs removed by the finally blocks
    STOP.set()
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    ap = argparse.ArgumentParser(description=__doc__.strip().split("\n")[0])
    ap.add_argument("--rtcedge", help="the rtcedge executable")
    ap.add_argument("--timeout", type=float, default=30, help="seconds per case (30)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="daemons run at once (each has its own file prefix)")
    ap.add_argument("--keep", action="store_true", help="keep each case's temp dir")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--per-frame", action="store_true",
                    help="run every frame of the cases alone, checking its own annotation")
    ap.add_argument("--check-registered", action="store_true",
                    help="check that the names given are exactly cases.py's cases")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()

    if a.check_registered:
        want, have = set(cases.case_names()), set(a.cases)
        if want != have:
            print("meson.build and cases.py disagree: missing in meson %s, unknown %s"
                  % (sorted(want - have), sorted(have - want)))
            return 1
        print("all %d cases registered" % len(want))
        return 0
    if not cases.HAVE_SCAPY:
        print("SKIP: scapy is not importable by %s" % sys.executable)
        return 77
    if not a.rtcedge or not a.cases:
        ap.print_usage()
        return 64
    names = cases.case_names() if a.cases == ["all"] else a.cases
    runs = []
    for name in names:
        try:
            c = cases.build(name)
        except KeyError:
            print("unknown case '%s'; cases: %s" % (name, " ".join(cases.case_names())))
            return 64
        runs += [c.single(i) for i in range(len(c.items))] if a.per_frame else [c]
    def one(c):
        t0 = time.monotonic()
        try:
            err = run_one(os.path.abspath(a.rtcedge), c, a.timeout, a.keep, a.verbose)
        except Exception:  # e.g. the executable cannot be run: a failure, not a crash
            err = traceback.format_exc()
        return c, err, time.monotonic() - t0

    failed = []
    ex = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs))
    try:
        for c, err, dt in ex.map(one, runs):  # reported in order
            what = c.name + (" (%s)" % c.doc if a.per_frame else "")
            if err is None:
                print("PASS %-22s %3d in, %2d out (%.1f s)" % (what, len(c.frames),
                                                              len(c.expect), dt))
            else:
                print("FAIL %s (%.1f s)\n%s" % (what, dt, err))
                failed.append(c.name)
            sys.stdout.flush()
    finally:
        # on SIGTERM: runs not started are dropped, running ones see STOP
        ex.shutdown(wait=True, cancel_futures=True)
    if failed:
        print("failed: %s" % " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
