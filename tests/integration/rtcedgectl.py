#!/usr/bin/python3
"""rtcedgectl (tools/rtcedgectl.c) against the real daemon, over real HTTP.

The daemon runs as in whip_http.py (net_pcap on an empty capture, HTTP on
loopback ports chosen free, rest.token set). Sessions are made by real WHIP
and WHEP POSTs of the real-client offers in tests/vectors/sdp; then every
command of rtcedgectl is run and its output compared with what the REST port
itself says (read here with http.client, independently of the tool), and its
exit codes checked: 0 ok, 1 server error, 2 not found, 3 unauthorized,
64 usage, 69 cannot connect / timeout, 76 protocol error.

A second part points rtcedgectl at a hand-written loopback server to reach
what the daemon never sends: chunked and close-delimited bodies, bad HTTP,
bad JSON, the wrong JSON shape, no answer (timeout), and checks the request
it writes (path prefix, percent-encoded query, Host, Bearer token).

  rtcedgectl.py RTCEDGE RTCEDGECTL
Set RTCEDGECTL_WRAPPER (e.g. "valgrind --leak-check=full --error-exitcode=99 -q") to run
every rtcedgectl under a wrapper.
"""
import json
import os
import pty
import shlex
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rtcedge_proc import Daemon, free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VEC = os.path.join(ROOT, "tests", "vectors", "sdp")
ADMIN = "ctl-admin-token-42"
SDP = "application/sdp"

failures = []
checks = 0
CTL = None
WRAP = shlex.split(os.environ.get("RTCEDGECTL_WRAPPER", ""))


def check(cond, what, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append("%s %s" % (what, detail))
        print("FAIL: %s %s" % (what, detail))


def vec(name):
    with open(os.path.join(VEC, name), "rb") as f:
        return f.read()


def ctl(args, token=ADMIN, server=None, env_server=None, timeout=60):
    """Run rtcedgectl; (exit code, stdout, stderr). token None: no token at all."""
    env = {k: v for k, v in os.environ.items() if k not in ("RTCEDGE_TOKEN", "RTCEDGE_SERVER")}
    if token is not None:
        env["RTCEDGE_TOKEN"] = token
    if env_server is not None:
        env["RTCEDGE_SERVER"] = env_server
    cmd = WRAP + [CTL] + (["-s", server] if server else []) + list(args)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def ctl_tty(args, server):
    """rtcedgectl with its stdout on a pseudo-terminal; (exit code, bytes written)."""
    master, slave = pty.openpty()
    env = dict(os.environ, RTCEDGE_TOKEN=ADMIN)
    p = subprocess.Popen(WRAP + [CTL, "-s", server] + list(args), stdout=slave,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not b:
            break
        out += b
    os.close(master)
    p.wait(60)
    p.stderr.close()
    return p.returncode, out


def parse_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        check(False, "%s: output parses as JSON" % what, "%s: %r" % (e, text[:200]))
        return None


def table(out):
    """rows of a whitespace table after its header line, as lists of columns"""
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return [ln.split() for ln in lines[1:]]


def kv(out):
    """'name   value...' lines -> {name: value}"""
    d = {}
    for ln in out.splitlines():
        if ln and not ln.startswith(" "):
            parts = ln.split(None, 1)
            d[parts[0]] = parts[1] if len(parts) > 1 else ""
    return d


def live_now(d):
    return d.rest_json("GET", "/v1/stats")["sessions"]["live"]


def post(d, kind, stream, offer):
    st, h, body = d.http("POST", "/%s/%s" % (kind, stream), vec(offer), {"Content-Type": SDP})
    check(st == 201, "%s POST %s" % (kind, stream), "%d %s" % (st, body[:200]))
    return h["location"][0].rsplit("/", 1)[1] if st == 201 else None


# ---- against the real daemon ----

def against_daemon(exe):
    # sessions stay "new" (no ICE arrives): a long setup timeout keeps them for a slow run
    # (valgrind, a loaded machine)
    sets = ["rest.token=" + ADMIN, "http.rate_limit=0", "session.setup_timeout_s=3600",
            "session.idle_timeout_s=86400"]
    with Daemon(exe, sets, name="ctl") as d:
        srv = "127.0.0.1:%d" % d.rest_port
        pub0 = post(d, "whip", "cam0", "chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp")
        pub1 = post(d, "whip", "cam1", "firefox_84_offer_sendonly_audio.sdp")
        view1 = post(d, "whep", "cam0", "chromium_156_offer_recvonly_bundle.sdp")
        view2 = post(d, "whep", "cam0", "aiortc_1.4_offer_recvonly_bundle.sdp")
        ids = {pub0: ("whip", "cam0"), pub1: ("whip", "cam1"), view1: ("whep", "cam0"),
               view2: ("whep", "cam0")}
        stats = d.rest_json("GET", "/v1/stats")

        # status: the counts the REST port reports
        rc, out, err = ctl(["status"], server=srv)
        check(rc == 0 and err == "", "status exit 0", "%d %s" % (rc, err))
        s = kv(out)
        check(s.get("server") == srv and s.get("health") == "ok" and s.get("ready") == "yes",
              "status: server, health, ready", out)
        want = "%d live / %d max (new 4, checking 0, connected 0)" % (4, stats["sessions"]["max"])
        check(s.get("sessions") == want, "status: sessions live/max by state",
              "%r want %r" % (s.get("sessions"), want))
        check(s.get("streams") == "2" and s.get("draining") == "no", "status: streams, draining",
              out)
        check(s.get("workers") == str(len(stats["workers"])) and
              "  worker 0  lcore %d  rx 0.0 pps  tx 0.0 pps  sessions 4" % stats["workers"][0]["lcore"]
              in out, "status: per-worker line", out)
        rc, out, err = ctl(["status", "--json"], server=srv)
        j = parse_json(out, "status --json")
        check(rc == 0 and j is not None and j["health"] == {"status": "ok"} and
              j["ready"] == {"ready": True} and j["stats"]["sessions"]["live"] == 4 and
              len(j["stats"]["workers"]) == len(stats["workers"]), "status --json", out[:300])
        # the server from RTCEDGE_SERVER when there is no -s
        rc, out, err = ctl(["status"], env_server="http://" + srv + "/")
        check(rc == 0 and kv(out).get("server") == srv, "RTCEDGE_SERVER", "%d %s" % (rc, err))

        # sessions: the table and its filters
        rc, out, err = ctl(["sessions"], server=srv)
        rows = table(out)
        check(rc == 0 and out.split()[:7] == ["ID", "ROLE", "STREAM", "STATE", "WORKER", "AGE",
                                              "CLIENT"], "sessions header", out)
        check({r[0] for r in rows} == set(ids) and len(rows) == 4, "sessions lists every id", out)
        check(all((r[1], r[2]) == ids[r[0]] and r[3] == "new" and r[4] == "0" and
                  r[6] == "127.0.0.1" for r in rows), "sessions rows: role, stream, state, "
              "worker, client", out)
        for args, want_ids in [(["--stream", "cam1"], {pub1}),
                               (["--role", "whep"], {view1, view2}),
                               (["--stream", "cam0", "--role", "whip"], {pub0}),
                               (["--state", "new"], set(ids))]:
            rc, out, err = ctl(["sessions"] + args, server=srv)
            got = {r[0] for r in table(out)}
            check(rc == 0 and got == want_ids, "sessions " + " ".join(args), out)
        rc, out, err = ctl(["sessions", "--state", "connected"], server=srv)
        check(rc == 0 and out == "no sessions\n", "sessions --state connected: none", out)
        rc, out, err = ctl(["sessions", "--stream", "no such/stream"], server=srv)
        check(rc == 0 and out == "no sessions\n", "sessions --stream percent-encoded", out + err)
        rc, out, err = ctl(["--json", "sessions", "--role", "whep"], server=srv)
        j = parse_json(out, "sessions --json")
        check(rc == 0 and j is not None and j["count"] == 2 and
              {x["id"] for x in j["sessions"]} == {view1, view2}, "sessions --json", out[:300])

        # session ID: the detail, readable
        det = d.rest_json("GET", "/v1/sessions/" + pub0)
        rc, out, err = ctl(["session", pub0], server=srv)
        s = kv(out)
        check(rc == 0 and s.get("session") == pub0 and s.get("role") == "whip" and
              s.get("stream") == "cam0" and s.get("state", "").startswith("new (for ") and
              s.get("worker") == "0" and s.get("client") == "127.0.0.1", "session detail header",
              out)
        check(("ufrag %s  slot %d  restarts 0  remote candidates %d" %
               (det["ice"]["local_ufrag"], det["ice"]["slot"], det["ice"]["remote_candidates"]))
              in out and "  pair     none selected" in out and "  drops    none" in out,
              "session detail: ICE", out)
        check("dtls       setup %s  remote fingerprint %s  srtp profile -" %
              (det["dtls"]["setup"], det["dtls"]["remote_fingerprint_alg"]) in out,
              "session detail: DTLS", out)
        trk = [ln.split() for ln in out.splitlines() if ln.startswith("  ") and
               ln.split()[0] in [t["mid"] for t in det["tracks"]]]
        want = [[t["mid"], t["kind"], t["codec"], str(t["payload_type"]), str(t["clock_rate"]),
                 str(t["channels"]), t["direction"], str(t["remote_ssrc"]), str(t["local_ssrc"])]
                for t in det["tracks"]]
        check(trk == want and want[0][2] == "opus" and want[1][2] == "VP8",
              "session detail: tracks", "%s vs %s" % (trk, want))
        check("counters   rx 0 packets 0 bytes  tx 0 packets 0 bytes" in out and
              "stun answered 0  stun dropped 0  last rx never" in out,
              "session detail: counters", out)
        rc, out, err = ctl(["session", pub0, "--json"], server=srv)
        j = parse_json(out, "session --json")
        check(rc == 0 and j is not None and j["id"] == pub0 and j["tracks"] == det["tracks"],
              "session --json", out[:200])

        # streams
        rc, out, err = ctl(["streams"], server=srv)
        rows = {r[0]: r[1:] for r in table(out)}
        check(rc == 0 and rows == {"cam0": [pub0, "3", "2"], "cam1": [pub1, "1", "0"]},
              "streams table", out)

        # config: every key of /v1/config as key = value, in order
        cfg = d.rest_json("GET", "/v1/config")
        rc, out, err = ctl(["config"], server=srv)
        check(rc == 0 and out == "".join("%s = %s\n" % (k, v) for k, v in cfg.items()),
              "config key = value lines", out[:300])
        check("rest.token = <redacted>\n" in out and ADMIN not in out and
              ("http.listen = 127.0.0.1:%d\n" % d.http_port) in out, "config values", out[:300])

        # metrics: as is, no token needed
        rc, out, err = ctl(["metrics"], token=None, server=srv)
        check(rc == 0 and "\nrtcedge_up 1\n" in out and 'rtcedge_sessions{state="new"} 4\n' in out
              and out.startswith("# HELP ") and out.endswith("\n"), "metrics raw", out[:200])

        # stats: -n 2 prints two refreshes; plain blocks when stdout is not a tty
        # (counts read from the REST port just before: a session still "new" after 30 s ends
        # by consent expiry, which a slow run under valgrind reaches)
        live = live_now(d)
        rc, out, err = ctl(["stats", "-n", "2", "-i", "0.2"], server=srv)
        heads = [ln for ln in out.splitlines() if ln.startswith("rtcedge %s  " % srv)]
        check(rc == 0 and len(heads) == 2 and "\x1b" not in out, "stats -n 2: two plain blocks",
              "%d %r" % (rc, out[:400]))
        check(out.count("sessions  %d live / %d max  new %d  checking 0  connected 0" %
                        (live, stats["sessions"]["max"], live)) == 2 and out.count("\nWORKER LCORE") == 2 and
              out.count("\ndrops     ") == 2 and "\n\nrtcedge " in out,
              "stats blocks: sessions by state, workers, drops", out[:600])
        wline = [ln for ln in out.splitlines() if ln.split()[:2] == ["0", str(stats["workers"][0]["lcore"])]]
        check(len(wline) == 2 and all(("cmd 0/%d" % stats["workers"][0]["rings"]["cmd"]["size"]) in ln
                                      for ln in wline), "stats: worker line with ring occupancy",
              wline)
        rc, out, err = ctl(["stats", "-n", "2", "-i", "0.1", "--json"], server=srv)
        docs = [parse_json(ln, "stats --json line") for ln in out.splitlines()]
        check(rc == 0 and len(docs) == 2 and all(x and x["sessions"]["live"] == live for x in docs),
              "stats --json: one document per refresh", out[:200])
        rc, raw = ctl_tty(["stats", "-n", "2", "-i", "0.1"], srv)
        check(rc == 0 and raw.count(b"\x1b[H\x1b[2J") == 2 and raw.count(b"WORKER LCORE") == 2,
              "stats on a tty: clears the screen each refresh", "%d %r" % (rc, raw[:200]))

        # drain / --off: WHIP POST gets 503 while draining
        live = live_now(d)
        rc, out, err = ctl(["drain"], server=srv)
        check(rc == 0 and out == "draining: new sessions are refused (503); %d live session%s "
              "kept\n" % (live, "" if live == 1 else "s"), "drain", out + err)
        st, h, _ = d.http("POST", "/whip/cam9", vec("firefox_84_offer_sendonly_audio.sdp"),
                          {"Content-Type": SDP})
        check(st == 503, "WHIP POST while draining 503", st)
        rc, out, err = ctl(["status"], server=srv)
        s = kv(out)
        check(rc == 0 and s.get("draining") == "yes" and s.get("ready") == "no (draining)",
              "status while draining", out)
        live = live_now(d)
        rc, out, err = ctl(["drain", "--off", "--json"], server=srv)
        j = parse_json(out, "drain --off --json")
        check(rc == 0 and j == {"draining": False, "live": live}, "drain --off --json", out)
        st, h, _ = d.http("POST", "/whip/cam9", vec("firefox_84_offer_sendonly_audio.sdp"),
                          {"Content-Type": SDP})
        check(st == 201, "WHIP POST after drain --off 201", st)
        live = live_now(d)
        rc, out, err = ctl(["drain", "--off"], server=srv)
        check(rc == 0 and out == "not draining: new sessions are accepted; %d live session%s\n" %
              (live, "" if live == 1 else "s"), "drain --off again", out)

        # kill ID ends it: the REST port then 404s, session ID exits 2
        pub1 = post(d, "whip", "cam8", "firefox_84_offer_sendonly_audio.sdp")
        rc, out, err = ctl(["kill", pub1], server=srv)
        check(rc == 0 and out == "ended session %s (stream cam8)\n" % pub1, "kill", out + err)
        st, _, _ = d.rest("GET", "/v1/sessions/" + pub1)
        check(st == 404, "REST 404 after kill", st)
        rc, out, err = ctl(["session", pub1], server=srv)
        check(rc == 2 and out == "" and err == "rtcedgectl: 404 no such session\n",
              "session of a killed id exits 2", "%d %r" % (rc, err))
        rc, out, err = ctl(["kill", pub1], server=srv)
        check(rc == 2 and err == "rtcedgectl: 404 no such session\n", "kill again exits 2",
              "%d %r" % (rc, err))
        rc, out, err = ctl(["session", "../health"], server=srv)
        check(rc == 2, "an id with a slash stays one path segment (404)", "%d %r" % (rc, err))

        # the server's 4xx other than 404/401/403 -> 1 (state validated by us, so ask raw)
        # wrong or missing token -> 3
        rc, out, err = ctl(["sessions"], token="wrong-token", server=srv)
        check(rc == 3 and out == "" and
              err == "rtcedgectl: 401 admin Bearer token required (rest.token)\n",
              "wrong token exits 3", "%d %r" % (rc, err))
        rc, out, err = ctl(["-t", "wrong-token", "status"], server=srv)
        check(rc == 3, "-t wrong token, status exits 3", rc)
        fresh = post(d, "whip", "cam7", "firefox_84_offer_sendonly_audio.sdp")
        rc, out, err = ctl(["-t", ADMIN, "sessions", "--stream", "cam7"], token=None, server=srv)
        check(rc == 0 and [r[0] for r in table(out)] == [fresh], "-t TOKEN without the variable",
              "%d %s %s" % (rc, err, out))
        pub0 = fresh
        rc, out, err = ctl(["kill", pub0], token=None, server=srv)
        rc2, out2, err2 = ctl(["sessions"], server=srv)
        check(rc == 3 and rc2 == 0 and pub0 in {r[0] for r in table(out2)},
              "no token: kill refused (3), session kept", "%d %d %r %r" % (rc, rc2, out2, err2))

        dc = d.stop()
        check(dc == 0, "daemon exits 0", "%s\n%s" % (dc, d.tail()))
        # the port is closed now: nothing listens
        rc, out, err = ctl(["status"], server=srv)
        check(rc == 69 and err == "rtcedgectl: cannot connect to %s: Connection refused\n" % srv,
              "stopped daemon: exit 69", "%d %r" % (rc, err))


# ---- usage ----

def usage():
    rc, out, err = ctl(["--help"])
    check(rc == 0 and "exit codes:" in out and "\n  69  " in out and "\n  76  " in out, "--help", rc)
    rc, out, err = ctl(["--version"])
    check(rc == 0 and out.startswith("rtcedgectl "), "--version", out)
    port = free_port()
    srv = "127.0.0.1:%d" % port
    for args in [[], ["frobnicate"], ["session"], ["kill"], ["sessions", "extra"],
                 ["session", "a", "b"], ["sessions", "--off"], ["status", "-n", "2"],
                 ["stats", "-n", "0"], ["stats", "-n", "x"], ["stats", "-i", "0"],
                 ["sessions", "--state", "closed"], ["sessions", "--role", "sfu"],
                 ["--bogus", "status"], ["-s", "https://127.0.0.1:1", "status"],
                 ["-s", "::1:9090", "status"], ["-T", "0", "status"], ["-s"],
                 ["drain", "--stream", "x"]]:
        rc, out, err = ctl(args, server=None if "-s" in args else srv)
        check(rc == 64 and out == "" and err.startswith("rtcedgectl: "), "usage %s -> 64" % args,
              "%d %r" % (rc, err))
    rc, out, err = ctl(["status"], token="bad token", server=srv)
    check(rc == 64, "a token with a space -> 64", rc)
    # nothing listens on a free port
    for cmd in (["status"], ["sessions"], ["metrics"], ["stats", "-n", "2"], ["drain"]):
        rc, out, err = ctl(cmd, server=srv)
        check(rc == 69 and out == "" and ("cannot connect to %s" % srv) in err,
              "no server: %s -> 69" % cmd[0], "%d %r" % (rc, err))


# ---- a hand-written server: what the daemon never sends ----

class Scripted:
    """Loopback HTTP server answering each connection with the next scripted reply
    (bytes, or None: read the request and never answer until the client leaves)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.replies = []
        self.requests = []
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with c:
                c.settimeout(30)
                req = b""
                while b"\r\n\r\n" not in req:
                    b = c.recv(4096)
                    if not b:
                        break
                    req += b
                self.requests.append(req.decode(errors="replace"))
                reply = self.replies.pop(0) if self.replies else b""
                if reply is None:
                    try:
                        while c.recv(4096):
                            pass
                    except OSError:
                        pass
                    continue
                for part in reply if isinstance(reply, list) else [reply]:
                    c.sendall(part)

    def close(self):
        self.stop = True
        self.sock.close()


def reply(status, body, ctype=None):
    """an HTTP/1.1 response with a Content-Length"""
    h = b"HTTP/1.1 %s\r\n" % status.encode()
    if ctype:
        h += b"Content-Type: %s\r\n" % ctype.encode()
    return h + b"Content-Length: %d\r\n\r\n" % len(body) + body


def chunked(body, size=7):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x;ext=1\r\n%s\r\n" % (len(piece), piece)
    return out + b"0\r\nX-Trailer: t\r\n\r\n"


def scripted():
    srv = Scripted()
    addr = "127.0.0.1:%d" % srv.port
    lst = json.dumps({"count": 1, "sessions": [{
        "id": "0123456789abcdef0123456789abcdef", "role": "whep", "stream": "a-b",
        "state": "checking", "worker": 1, "age_s": 3725.2, "state_age_s": 1.5,
        "created_unix": 1700000000, "client": "::1"}]}).encode()
    try:
        # chunked, sent in pieces; the request line, Host, token, prefix and query
        srv.replies.append([b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n", chunked(lst)[:20],
                            chunked(lst)[20:]])
        rc, out, err = ctl(["sessions", "--stream", "a b", "--role", "whep"], token="tok-1",
                           server="http://%s/pre/" % addr)
        rows = table(out)
        check(rc == 0 and rows == [["0123456789abcdef0123456789abcdef", "whep", "a-b", "checking",
                                    "1", "1h02m", "::1"]], "chunked body", "%d %r %r" % (rc, out, err))
        req = (srv.requests[-1] if srv.requests else "").split("\r\n")
        check(req[0] == "GET /pre/v1/sessions?stream=a%20b&role=whep HTTP/1.1",
              "request line: prefix, percent-encoded query", req[0])
        check("Host: %s" % addr in req and "Authorization: Bearer tok-1" in req and
              "Connection: close" in req, "request headers", req)
        # --json prints the decoded body as the server sent it
        srv.replies.append(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(lst))
        rc, out, err = ctl(["--json", "sessions"], server=addr)
        check(rc == 0 and out == lst.decode() + "\n", "--json: the body as is", repr(out[:100]))
        # close-delimited body, HTTP/1.0
        srv.replies.append(b"HTTP/1.0 200 OK\r\n\r\n" + lst)
        rc, out, err = ctl(["sessions"], server=addr)
        check(rc == 0 and len(table(out)) == 1, "close-delimited body", "%d %r" % (rc, err))
        # a POST carries Content-Length: 0
        srv.replies.append(reply("200 OK", b'{"draining":true,"live":0}\r\n'))
        rc, out, err = ctl(["drain"], server=addr)
        last = srv.requests[-1] if srv.requests else ""
        check(rc == 0 and last.startswith("POST /v1/drain HTTP/1.1\r\n") and
              "\r\nContent-Length: 0\r\n" in last, "POST with Content-Length: 0", last)
        # server errors: the one-line reason, the exit code
        cases = [
            (reply("500 Internal", b'{"error":"boom"}\n', "application/json"), 1,
             "rtcedgectl: 500 boom\n"),
            (reply("503 Busy", b""), 1, "rtcedgectl: 503 Busy\n"),
            (reply("409 Conflict", b'{"error":"x"}'), 1, "rtcedgectl: 409 x\n"),
            (reply("403 Forbidden", b"no\n"), 3, "rtcedgectl: 403 no\n"),
            (reply("401 Unauthorized", b"{}"), 3, "rtcedgectl: 401 {}\n"),
            (reply("404 Not Found", b"not here\nsecond line"), 2, "rtcedgectl: 404 not here\n"),
            (reply("400 Bad", b'{"error":"a\\u001bb"}\n'), 1, "rtcedgectl: 400 a?b\n"),
        ]
        for r, want_rc, want_err in cases:
            srv.replies.append(r)
            rc, out, err = ctl(["sessions"], server=addr)
            check(rc == want_rc and err == want_err and out == "", "server error -> %d" % want_rc,
                  "%d %r" % (rc, err))
        # protocol errors -> 76
        bad = [
            (b"SSH-2.0-OpenSSH_9.2\r\n\r\n", "not an HTTP/1.x status line"),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nnot j", "bad JSON"),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"count\":1}", "connection closed"),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"count\":\"x\"}", "unexpected JSON"),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
            (b"", "without a response"),
        ]
        for r, want in bad:
            srv.replies.append(r)
            rc, out, err = ctl(["sessions"], server=addr)
            check(rc == 76 and out == "" and want in err, "protocol error -> 76: " + want,
                  "%d %r" % (rc, err))
        srv.replies.append(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        rc, out, err = ctl(["session", "0123456789abcdef0123456789abcdef"], server=addr)
        check(rc == 76 and "unexpected JSON: session:" in err, "session of the wrong shape -> 76",
              "%d %r" % (rc, err))
        # stats of two workers with drops: summed over workers, the top 5, largest first (ties
        # by name); status of a node whose link is down (ready 503) still exits 0
        def worker(i, drops):
            return {"worker": i, "lcore": i + 2, "rx_queue": i, "tx_queue": i, "rx_pps": 1000.5 * (i + 1),
                    "tx_pps": 10.0, "sessions": 3 + i, "counters": {"rx_packets": 7}, "drops": drops,
                    "rings": {"cmd": {"used": i, "size": 1023}, "txring": {"used": 5, "size": 2047}}}
        st = {"uptime_s": 93784.0, "workers": [worker(0, {"a": 5, "b": 1}),
                                              worker(1, {"a": 2, "c": 9, "d": 3, "e": 4, "f": 1})],
              "sessions": {"live": 7, "max": 100, "streams": 3,
                           "by_state": {"new": 1, "checking": 2, "connected": 4},
                           "opened_whip": 5, "opened_whep": 9, "closed": {}, "refused": {},
                           "draining": False},
              "http": {"requests": 11, "created": 10, "rate_limited": 1, "auth_refused": 0,
                       "sdp_refused": 0}}
        srv.replies.append(reply("200 OK", json.dumps(st).encode()))
        rc, out, err = ctl(["stats", "-n", "1"], server=addr)
        lines = out.splitlines()
        check(rc == 0 and lines[0].startswith("rtcedge %s  " % addr) and
              lines[0].endswith("  up 1d02h  draining no") and
              lines[1] == "sessions  7 live / 100 max  new 1  checking 2  connected 4  streams 3  "
              "opened whip 5 whep 9" and
              lines[2] == "http      requests 11  created 10  rate limited 1  auth refused 0  "
              "sdp refused 0", "stats block head", out)
        check(lines[4].split() == ["0", "2", "1000.5", "10.0", "3", "cmd", "0/1023", "txring",
                                   "5/2047"] and
              lines[5].split() == ["1", "3", "2001.0", "10.0", "4", "cmd", "1/1023", "txring",
                                   "5/2047"], "stats: per-worker rates, sessions, rings", out)
        check(lines[6] == "drops     top 5 of 6 reasons, all workers" and
              [ln.split() for ln in lines[7:]] == [["c", "9"], ["a", "7"], ["e", "4"], ["d", "3"],
                                                  ["b", "1"]], "stats: top drop reasons", out)
        srv.replies += [reply("200 OK", b'{"status":"ok"}'),
                        reply("503 Service Unavailable", b'{"ready":false,"reason":"link down"}'),
                        reply("200 OK", json.dumps(st).encode())]
        rc, out, err = ctl(["status"], server=addr)
        s = kv(out)
        check(rc == 0 and s.get("ready") == "no (link down)" and
              s.get("uptime") == "1d02h (93784 s)" and
              s.get("sessions") == "7 live / 100 max (new 1, checking 2, connected 4)" and
              "  worker 1  lcore 3  rx 2001.0 pps  tx 10.0 pps  sessions 4" in out,
              "status of a node not ready: exit 0, says why", "%d %r %r" % (rc, out, err))
        # no answer: the deadline ends it (-T), exit 69
        srv.replies.append(None)
        rc, out, err = ctl(["-T", "0.3", "sessions"], server=addr)
        check(rc == 69 and err == "rtcedgectl: %s: no complete response within 300 ms\n" % addr,
              "no answer -> 69", "%d %r" % (rc, err))
    finally:
        srv.close()


def main():
    global CTL
    exe, CTL = sys.argv[1], sys.argv[2]
    usage()
    scripted()
    against_daemon(exe)
    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
