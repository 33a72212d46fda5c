#!/usr/bin/python3
"""Speech-to-text of a live session: an aiortc WHIP publisher says four commands
(espeak-ng, with silence around them) to rtcedge on net_tap in a network
namespace this test creates, with ai.enabled: the worker taps the decrypted
Opus packets to the media pipeline (Opus decode, resample, log-mel, VAD,
utterances, pocketsphinx with a grammar of ai.phrases on its own thread), and
the speech and transcript events reach an SSE client on the REST port under
the session's id and stream.

  stt_aiortc.py RTCEDGE

Checks (ai.stt = both: the grammar of ai.phrases by default, the general
language model loaded too): a speech.start and a speech.end per command; a
transcript.final whose text is the command for the first two (the grammar,
no posterior); then 'set model lm' (REST): the third is recognised by the
language model (its transcript has a posterior); then 'set stt off': the
fourth gets its speech events but no transcript; 'set' of a model that is not
loaded is refused (409). The worker's tap counter moves.
Skips (77) without root, TAP, aiortc, numpy or espeak-ng.
"""
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from aiortc_util import main_in_netns, sse_start, wait_connected  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, stop_reporting, tap_up  # noqa: E402

COMMANDS = ["turn on the light", "what time is it", "hello", "stop"]
GRAMMAR = 2  # by the grammar; then 'set model lm': the third by the language model; then stt off


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


async def run(exe):
    import aioice.ice
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-stt-")
    wav, dur = speech(tmp)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "ai.enabled=true",
                     "ai.stt=both", "ai.phrases=" + ",".join(COMMANDS + ["play music"])],
               name="stt", vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pc = RTCPeerConnection()
    events, stop = sse_start(d.rest_port)
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
        st = await wait_connected(pc)
        check(st == "connected", "connected", st)
        # the speech, then time for the last utterance's recognition
        def command(obj):
            st, _, b = d.rest("POST", "/v1/commands", json.dumps(obj),
                              {"Content-Type": "application/json"})
            return st, b.decode()

        def finals_so_far():
            return sum(1 for t, e in events if t == "transcript.final")

        end = time.monotonic() + dur + 10
        while time.monotonic() < end and finals_so_far() < GRAMMAR:
            await asyncio.sleep(0.05)
        st, b = command({"type": "set", "session": sid, "model": "whisper"})
        check(st == 409 and "not loaded" in b, "set of a model not loaded: 409", "%d %s" % (st, b))
        check(d.rest_json("GET", "/v1/sessions/" + sid).get("stt") == {"on": True,
                                                                       "model": "grammar"},
              "REST: the session's STT is on, the grammar")
        st, b = command({"type": "set", "session": sid, "model": "lm"})
        check(st == 202, "set model lm: 202", "%d %s" % (st, b))
        time.sleep(0.1)
        check(d.rest_json("GET", "/v1/sessions/" + sid).get("stt") == {"on": True, "model": "lm"},
              "REST: the session's STT model is lm")
        while time.monotonic() < end and finals_so_far() < GRAMMAR + 1:
            await asyncio.sleep(0.05)
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
        finals = [e for t, e in mine if t == "transcript.final"]
        texts = [e["text"] for e in finals]
        check(len(starts) == len(COMMANDS) and len(ends) == len(COMMANDS),
              "a speech.start and a speech.end per command", (len(starts), len(ends)))
        check(texts[:GRAMMAR] == COMMANDS[:GRAMMAR],
              "the grammar's transcripts have the commands' words", texts)
        # the grammar gives no posterior (confidence 0) and only its phrases; the language
        # model gives a posterior (here 0.001 for "the lamb": its English is poor on espeak-ng)
        phrases = COMMANDS + ["play music"]
        check(len(finals) == GRAMMAR + 1 and all(e["confidence"] == 0 for e in finals[:GRAMMAR])
              and (finals[GRAMMAR]["confidence"] > 0 or finals[GRAMMAR]["text"] not in phrases),
              "after 'set model lm' the third by the language model (a posterior), none after "
              "stt off", [(e["text"], e["confidence"]) for e in finals])
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
    return main_in_netns(__file__, run)


if __name__ == "__main__":
    sys.exit(main())
