#!/usr/bin/python3
"""Speech-to-text of a live session: an aiortc WHIP publisher says three commands
(espeak-ng, with silence around them) to rtcedge on net_tap in a network
namespace this test creates, with ai.enabled: the worker taps the decrypted
Opus packets to the media pipeline (Opus decode, resample, log-mel, VAD,
utterances, pocketsphinx with a grammar of ai.phrases on its own thread), and
the speech and transcript events reach an SSE client on the REST port under
the session's id and stream.

  stt_aiortc.py RTCEDGE

Checks: a speech.start and a speech.end per command, and a transcript.final
whose text is the command for the first two; then a 'set' command (REST)
turns the session's speech-to-text off: the third command still gets its
speech events but no transcript; 'set' of a model that is not loaded is
refused (409). The worker's tap counter moves.
Skips (77) without root, TAP, aiortc, numpy or espeak-ng.
"""
import asyncio
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rtcedge_proc import (PEER_IP, TAP_IF, check, failures, netns_reexec,  # noqa: E402
                          stop_reporting, tap_up)

COMMANDS = ["turn on the light", "what time is it", "hello"]
TRANSCRIBED = 2  # then speech-to-text is turned off


def speech(tmp):
    """The commands, each with 1.5 s of silence before and after, as one 16-bit mono WAV."""
    import numpy as np
    parts, rate = [], None
    for i, text in enumerate(COMMANDS):
        p = os.path.join(tmp, "c%d.wav" % i)
        subprocess.run(["espeak-ng", "-s", "140", "-w", p, text], check=True)
        with wave.open(p) as w:
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        parts += [np.zeros(int(1.5 * rate), dtype=np.int16), x]
    parts.append(np.zeros(int(2.0 * rate), dtype=np.int16))
    out = os.path.join(tmp, "commands.wav")
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate(parts).tobytes())
    return out, sum(len(p) for p in parts) / rate


def sse_reader(port, events, stop):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/v1/events")
    r = c.getresponse()
    msg = {}
    while not stop.is_set():
        line = r.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line == "":
            if "data" in msg:
                events.append((msg.get("event"), json.loads(msg["data"])))
            msg = {}
        elif not line.startswith(":"):
            k, _, v = line.partition(": ")
            msg[k] = v


async def run(exe):
    import aioice.ice
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-stt-")
    wav, dur = speech(tmp)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "ai.enabled=true",
                     "ai.stt=grammar", "ai.phrases=" + ",".join(COMMANDS + ["stop", "play music"])],
               name="stt", vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pc = RTCPeerConnection()
    events, stop = [], threading.Event()
    reader = threading.Thread(target=sse_reader, args=(d.rest_port, events, stop), daemon=True)
    reader.start()
    ok = False
    try:
        tap_up()
        pc.addTransceiver(MediaPlayer(wav).audio, direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/voice", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201, "WHIP POST 201", "%d %s" % (st, body[:200]))
        sid = h["location"][0].rsplit("/", 1)[1]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        end = time.monotonic() + 20
        while pc.connectionState not in ("connected", "failed") and time.monotonic() < end:
            await asyncio.sleep(0.1)
        check(pc.connectionState == "connected", "connected", pc.connectionState)
        # the speech, then time for the last utterance's recognition
        def command(obj):
            st, _, b = d.rest("POST", "/v1/commands", json.dumps(obj),
                              {"Content-Type": "application/json"})
            return st, b.decode()

        end = time.monotonic() + dur + 8
        while time.monotonic() < end:
            if sum(1 for t, e in events if t == "transcript.final") >= TRANSCRIBED:
                break
            await asyncio.sleep(0.05)
        st, b = command({"type": "set", "session": sid, "model": "lm"})
        check(st == 409 and "not loaded" in b, "set of a model not loaded: 409", "%d %s" % (st, b))
        st, b = command({"type": "set", "session": sid, "stt": "off", "vad_sensitivity": 50})
        check(st == 202, "set stt off: 202", "%d %s" % (st, b))
        # the last command's speech, and time for a transcript that must not come
        while time.monotonic() < end:
            if sum(1 for t, e in events if t == "speech.end") >= len(COMMANDS):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)
        mine = [(t, e) for t, e in events if e.get("session") == sid]
        for t, e in mine:
            if t.startswith("speech") or t.startswith("transcript"):
                print("event:", t, json.dumps(e))
        starts = [e for t, e in mine if t == "speech.start"]
        ends = [e for t, e in mine if t == "speech.end"]
        finals = [e["text"] for t, e in mine if t == "transcript.final"]
        check(len(starts) == len(COMMANDS) and len(ends) == len(COMMANDS),
              "a speech.start and a speech.end per command", (len(starts), len(ends)))
        check(finals == COMMANDS[:TRANSCRIBED],
              "a transcript per command with the command's words, none after stt off", finals)
        check(all(e["stream"] == "voice" for _, e in mine), "events carry the session's stream")
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        check(c["tap_pushed"] > 100, "the worker taps the publisher's audio", c["tap_pushed"])
        ok = True
    finally:
        stop.set()
        await pc.close()
        rc = stop_reporting(d, ok)
        shutil.rmtree(tmp, ignore_errors=True)
    check(rc == 0, "rtcedge exits 0", rc)


def main():
    exe = sys.argv[1]
    if "--inner" not in sys.argv:
        if shutil.which("espeak-ng") is None:
            print("SKIP: no espeak-ng")
            return 77
        return netns_reexec(__file__, [exe], need=("aiortc", "numpy"))
    asyncio.run(run(exe))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
