#!/usr/bin/python3
"""A voice-agent orchestrator for rtcedge, over Redis: it reads the node's
events stream, and for every final transcript of a session it decides a reply
with a few local rules (no cloud calls) and sends it back as a command on the
commands stream. With scripts/run --voice it closes the loop: the demo client
asks a question, rtcedge transcribes it, this answers, the client hears it.

  orchestrator.py [--redis HOST:PORT] [--prefix rtcedge] [--music FILE] [--count N]

Rules (reply()):
  "what time is it"      -> say the time (UTC)
  "hello"                -> say a greeting
  "turn on/off the light"-> say the light's new state (kept per session)
  "play music"           -> play FILE (--music, relative to the node's ai.media_dir)
  "stop"                 -> say goodbye, then end the session when that has played
  anything else          -> say what it heard
A new session gets a greeting. When the caller starts talking while an answer
plays (speech.start between playout.start and playout.end), the answer is
stopped (barge-in: the stop command). Every decision is printed on one line.
--count N: exit after N replies (tests). Needs Debian's python3-redis.
"""
import argparse
import json
import sys
import time


def reply(text, state, now=None, music=None):
    """The commands (dicts without 'session') that answer @text; @state: the session's."""
    t = " ".join(text.lower().split())
    now = time.gmtime(now if now is not None else time.time())
    if "time" in t:
        return [{"type": "say", "text": "it is %d %02d, universal time" % (now.tm_hour, now.tm_min)}]
    if t.startswith("hello"):
        return [{"type": "say", "text": "hello, I am the edge. ask me the time."}]
    if "light" in t and ("on" in t.split() or "off" in t.split()):
        state["light"] = "on" if "on" in t.split() else "off"
        return [{"type": "say", "text": "the light is %s" % state["light"]}]
    if "music" in t:
        if music:
            return [{"type": "play", "file": music}]
        return [{"type": "say", "text": "I have no music here"}]
    if t == "stop":
        state["ending"] = True
        return [{"type": "say", "text": "goodbye"}]
    return [{"type": "say", "text": "you said: %s" % text}]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--redis", default="127.0.0.1:6379")
    ap.add_argument("--prefix", default="rtcedge")
    ap.add_argument("--music", default=None)
    ap.add_argument("--count", type=int, default=0, help="exit after this many replies")
    ap.add_argument("--no-greeting", action="store_true")
    ap.add_argument("--no-barge-in", action="store_true",
                    help="let answers play out when the caller talks over them")
    a = ap.parse_args()
    try:
        import redis
    except ImportError:
        print("orchestrator: needs python3-redis (run with /usr/bin/python3)", file=sys.stderr)
        return 69
    host, _, port = a.redis.rpartition(":")
    r = redis.Redis(host=host or "127.0.0.1", port=int(port), decode_responses=True)
    events, commands = a.prefix + ":events", a.prefix + ":commands"
    sessions = {}  # session id -> its state (light, ending)
    last = "$"     # only what happens from now on
    replies = 0
    print("orchestrator: reading %s on %s" % (events, a.redis), flush=True)

    def send(sid, node, cmd):
        fields = dict(cmd, session=sid)
        if node:
            fields["node"] = node  # the node that has the session
        r.xadd(commands, fields, maxlen=10000, approximate=True)
        print("orchestrator: %s -> %s" % (sid, json.dumps(fields)), flush=True)

    while True:
        try:
            got = r.xread({events: last}, block=1000, count=64)
        except redis.ConnectionError as e:
            print("orchestrator: redis: %s; retrying" % e, file=sys.stderr, flush=True)
            time.sleep(1)
            continue
        for _, entries in got:
            for eid, ev in entries:
                last = eid
                sid, node, typ = ev.get("session"), ev.get("node"), ev.get("type")
                if sid is None:
                    continue
                st = sessions.setdefault(sid, {})
                if typ == "session.created" and not a.no_greeting:
                    send(sid, node, {"type": "say", "text": "hello, ask me something"})
                elif typ == "transcript.final":
                    print("orchestrator: %s heard: %r" % (sid, ev.get("text", "")), flush=True)
                    for cmd in reply(ev.get("text", ""), st, music=a.music):
                        send(sid, node, cmd)
                    replies += 1
                elif typ == "playout.start":
                    st["playing"] = True
                elif typ == "speech.start" and st.get("playing") and not a.no_barge_in:
                    # barge-in: the caller talks over the answer, which stops
                    send(sid, node, {"type": "stop"})
                elif typ == "playout.end" and st.get("ending"):
                    st["playing"] = False
                    send(sid, node, {"type": "end"})
                    st["ending"] = False
                elif typ == "command.error":
                    print("orchestrator: %s: command refused: %s" % (sid, ev.get("error")),
                          flush=True)
                elif typ == "session.closed":
                    sessions.pop(sid, None)
                if typ == "playout.end":
                    st["playing"] = False
                if a.count and replies >= a.count and typ == "playout.end":
                    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
