"""Run the real rtcedge daemon for a test, and talk HTTP to it (stdlib only).

The dataplane port is net_pcap on an empty capture: no frames arrive, so the
worker idles (back-off sleeps) and the test measures signaling alone. The
HTTP listeners are on 127.0.0.1 with ports chosen free at start. Only the
PID this module started is ever signalled.
"""
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time


# ---- checks: every test prints "ok" or "FAIL" per check and exits 1 if any failed ----

failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else "  " + str(detail)))
    if not cond:
        failures.append(what)
    return bool(cond)


def stop_reporting(d, ok):
    """Stop the daemon @d; when the test did not get through (@ok false) or a check failed,
    print worker 0's counters and the daemon's last lines first. The daemon's exit code."""
    if not ok or failures:
        try:
            print("stats:", json.dumps(d.rest_json("GET", "/v1/stats")["workers"][0]))
        except Exception as e:  # the daemon may be gone
            print("no stats:", e)
    rc = d.stop()
    if not ok or failures:
        print(d.tail(30))
    return rc


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def empty_pcap(path):
    # libpcap global header: magic, v2.4, tz 0, sigfigs 0, snaplen 65535, Ethernet
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


class Daemon:
    """rtcedge with @sets (["key=value", ...]); use as a context manager."""

    def __init__(self, exe, sets=(), name="t", netns=None, vdev=None, extra_eal=(), mem_mb=256,
                 lcores=("-l", "0-1")):
        self.exe = exe
        self.tmp = tempfile.mkdtemp(prefix="rtc-%s-" % name)
        self.http_port = free_port()
        self.rest_port = free_port()
        self.log_path = os.path.join(self.tmp, "rtcedge.log")
        pcap = os.path.join(self.tmp, "empty.pcap")
        empty_pcap(pcap)
        if vdev is None:
            vdev = "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (pcap, os.path.join(self.tmp, "out.pcap"))
        self.prefix = "rtc%s%d" % (name, os.getpid())
        cmd = [exe] + list(lcores) + ["--no-huge", "-m", str(mem_mb), "--no-pci",
               "--file-prefix", self.prefix, "--vdev", vdev] + list(extra_eal) + [
            "--", "--set", "http.listen=127.0.0.1:%d" % self.http_port,
            "--set", "rest.listen=127.0.0.1:%d" % self.rest_port]
        for s in sets:
            cmd += ["--set", s]
        if netns:
            cmd = ["ip", "netns", "exec", netns] + cmd
        self.cmd = cmd
        self.netns = netns
        self.proc = None
        self.admin = None
        for s in sets:
            if s.startswith("rest.token="):
                self.admin = s.split("=", 1)[1]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=30):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rtcedge exited %d:\n%s" % (self.proc.returncode, self.tail()))
            try:
                st, _, _ = self.rest("GET", "/v1/health")
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("rtcedge did not serve /v1/health in %ds:\n%s" % (timeout, self.tail()))

    def stop(self):
        """SIGTERM, wait; returns the exit code (the caller checks it)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def tail(self, n=40):
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def _req(self, port, method, path, body=None, headers=None):
        h = dict(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        if isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs.setdefault(k.lower(), []).append(v)
        c.close()
        return r.status, hdrs, data

    def http(self, method, path, body=None, headers=None):
        """(status, {lower-name: [values]}, body bytes) from the WHIP/WHEP listener."""
        return self._req(self.http_port, method, path, body, headers)

    def rest(self, method, path, body=None, headers=None, token=True):
        h = dict(headers or {})
        if token and self.admin:
            h["Authorization"] = "Bearer " + self.admin
        return self._req(self.rest_port, method, path, body, h)

    def rest_json(self, method, path, expect=200, **kw):
        st, h, data = self.rest(method, path, **kw)
        if st != expect:
            raise AssertionError("%s %s: %d (want %d): %s" % (method, path, st, expect, data))
        return json.loads(data)


# ---- a private network namespace with rtcedge on net_tap (see netns_ping.sh) ----

PEER_IP, OUR_IP, TAP_IF = "198.18.0.1", "198.18.0.2", "rtc0"


def netns_reexec(script, args, need=()):
    """Run @script again inside a new network namespace (ip netns exec) with @args + --inner;
    returns its exit code, 77 when root, TUN/TAP, namespaces or a module in @need are missing.
    The namespace is removed on any exit."""
    import importlib
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespace, TAP)")
        return 77
    if not os.path.exists("/dev/net/tun"):
        print("SKIP: no TUN/TAP")
        return 77
    for mod in need:
        try:
            importlib.import_module(mod)
        except ImportError:
            print("SKIP: no %s" % mod)
            return 77
    ns = "rtcedge-%s-%d" % (os.path.basename(script).split(".")[0][:12], os.getpid())
    r = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP: ip netns add: " + r.stderr.strip())
        return 77
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        return subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", script] +
                              list(args) + ["--inner"]).returncode
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def tap_up():
    """The kernel side of rtcedge's TAP: its own MAC and PEER_IP/24 (see netns_ping.sh)."""
    deadline = time.monotonic() + 10
    while subprocess.run(["ip", "link", "show", TAP_IF], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError("no %s" % TAP_IF)
        time.sleep(0.1)
    for cmd in (["ip", "link", "set", TAP_IF, "down"],
                ["ip", "link", "set", TAP_IF, "address", "02:00:00:00:00:01"],
                ["ip", "link", "set", TAP_IF, "up"],
                ["ip", "addr", "add", PEER_IP + "/24", "dev", TAP_IF]):
        subprocess.run(cmd, check=True)
