#!/usr/bin/python3
"""Events and commands end to end: the real daemon with a real redis-server
(started here on 127.0.0.1, a free port, no persistence) and an SSE client
on the REST port.

  events_redis.py RTCEDGE

Checks: a WHIP session's session.created reaches both the Redis stream
<prefix>:events (XRANGE) and the SSE stream, with the same seq and JSON
fields; an 'end' command XADDed to <prefix>:commands closes the session
(reason command) and is acknowledged; a 'say' command for a session that
does not exist yields a command.error event; POST /v1/commands does the same
over REST (202, 404, 409 say without voice sessions, 400, 415); SSE resumes from
Last-Event-ID with exactly the later events. Skips (77) without
redis-server or python3-redis. Every process it starts it stops by PID.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rtcedge_proc import Daemon, free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OFFER = os.path.join(ROOT, "tests/vectors/sdp/chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp")
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else "  " + str(detail)))
    if not cond:
        failures.append(what)


class Sse:
    """A streaming GET /v1/events; parses messages as they come."""

    def __init__(self, port, last_id=None):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        h = {"Last-Event-ID": str(last_id)} if last_id is not None else {}
        self.c.request("GET", "/v1/events", headers=h)
        self.r = self.c.getresponse()
        self.status = self.r.status
        self.ctype = self.r.getheader("Content-Type")

    def next(self):
        """The next message as a dict (id, event, data); comments skipped."""
        msg = {}
        while True:
            line = self.r.fp.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\r\n")
            if line == "":
                if msg:
                    return msg
                continue
            if line.startswith(":"):
                continue
            k, _, v = line.partition(": ")
            msg[k] = msg.get(k, "") + v if k != "data" else (msg.get("data", "") + v)

    def close(self):
        self.c.close()


def main():
    exe = sys.argv[1]
    rs = shutil.which("redis-server")
    try:
        import redis
    except ImportError:
        redis = None
    if rs is None or redis is None:
        print("SKIP: needs redis-server and python3-redis")
        return 77
    tmp = tempfile.mkdtemp(prefix="rtc-redis-")
    port = free_port()
    srv = subprocess.Popen([rs, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL)
    try:
        r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                r.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sets = ["redis.enabled=true", "redis.port=%d" % port, "redis.prefix=it",
                "redis.command_poll_ms=20", "http.rate_limit=0"]
        with Daemon(exe, sets, name="ev") as d:
            sse = Sse(d.rest_port, last_id=0)
            check(sse.status == 200 and sse.ctype == "text/event-stream", "SSE stream opens")
            first = sse.next()
            check(first.get("event") == "node" and json.loads(first["data"])["what"] == "started",
                  "the backlog starts with node/started", first)
            st, h, _ = d.http("POST", "/whip/ev1", open(OFFER, "rb").read(),
                              {"Content-Type": "application/sdp"})
            sid = h["location"][0].rsplit("/", 1)[1]
            m = sse.next()
            ev = json.loads(m["data"])
            check(m["event"] == "session.created" and ev["session"] == sid and ev["stream"] == "ev1"
                  and m["id"] == str(ev["seq"]), "SSE: session.created", m)

            def in_stream(seq):
                for _id, f in r.xrange("it:events"):
                    if f.get("seq") == str(seq):
                        return f
                return None
            deadline = time.monotonic() + 5
            f = None
            while f is None and time.monotonic() < deadline:
                f = in_stream(ev["seq"])
                time.sleep(0.05)
            check(f is not None and f["type"] == "session.created" and f["session"] == sid,
                  "Redis stream: the same event", f)

            # an orchestrator ends the session through Redis
            r.xadd("it:commands", {"type": "end", "session": sid})
            m = sse.next()
            ev2 = json.loads(m["data"])
            check(m["event"] == "session.closed" and ev2["session"] == sid and
                  ev2["reason"] == "command", "Redis 'end' command closes the session", m)
            check(d.rest("GET", "/v1/sessions/" + sid)[0] == 404, "REST: the session is gone")
            # say to a session that is not there -> command.error
            r.xadd("it:commands", {"type": "say", "session": "x" * 8, "text": "hello"})
            m = sse.next()
            check(m["event"] == "command.error", "a command that cannot be applied: command.error", m)
            time.sleep(0.2)
            pend = r.xpending("it:commands", "rtcedge-0")
            check(pend["pending"] == 0, "commands acknowledged", pend)

            # the same over REST
            st, h, _ = d.http("POST", "/whip/ev2", open(OFFER, "rb").read(),
                              {"Content-Type": "application/sdp"})
            sid2 = h["location"][0].rsplit("/", 1)[1]
            created2 = sse.next()
            cmd = lambda body, ct="application/json": d.rest("POST", "/v1/commands", body,
                                                             {"Content-Type": ct})
            check(cmd(json.dumps({"type": "say", "session": sid2, "text": "hi"}))[0] == 409,
                  "REST say on a node without voice sessions (session.voice = off): 409")
            check(cmd(json.dumps({"type": "end", "session": "nope"}))[0] == 404, "REST end: 404")
            check(cmd("{not json")[0] == 400, "REST command: bad JSON 400")
            check(cmd("{}", "text/plain")[0] == 415, "REST command: wrong type 415")
            st, _, body = cmd(json.dumps({"type": "end", "session": sid2}))
            check(st == 202, "REST end: 202", body)
            closed2 = sse.next()
            check(closed2["event"] == "session.closed", "SSE: closed", closed2)
            sse.close()

            # resume: exactly what came after the given id
            again = Sse(d.rest_port, last_id=int(created2["id"]))
            m = again.next()
            check(m["id"] == closed2["id"], "Last-Event-ID resumes after the given id",
                  (m, closed2["id"]))
            again.close()
            st, _, body = d.rest("GET", "/metrics")
            met = body.decode()
            check("rtcedge_redis_sent_total" in met and "rtcedge_redis_ready 1" in met,
                  "metrics: the Redis link")
            check(d.stop() == 0, "rtcedge exits 0")
    finally:
        srv.terminate()
        srv.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
