#!/usr/bin/python3
"""Injected audio into a live voice session (session.voice = agent): an aiortc
client offers sendrecv audio with WHIP and hears nothing until an orchestrator
asks for it over the REST port:

  1. say TEXT: espeak-ng renders it on the render thread, the control lcore
     paces its 20 ms Opus packets to the worker, the worker frames them as RTP
     on the session's audio SSRC and protects them. The client's decoded audio
     must correlate with espeak-ng's own rendering of the text (CORR_MIN).
  2. play FILE: a 440 Hz WAV from ai.media_dir; the client hears 440 Hz.
  3. stop (barge-in): a long say stopped 0.6 s in ends 'stopped', and no more
     of it is sent.
  4. a missing file: 202, then a command.error event; bad requests are refused
     with their status (404 no session, 400 a path that climbs, 409 set with the
     AI path off) and change nothing.
playout.start / playout.end events come for each clip, over SSE.

  tts_aiortc.py RTCEDGE

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
from aiortc_util import main_in_netns, record_audio, sse_start, to16k, wait_connected  # noqa: E402
from media_util import best_corr, load_mono16k, speech_wav  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, stop_reporting, tap_up  # noqa: E402

SAY = "hello from the edge, how can I help you"
LONG = ("this is a long answer that goes on for several seconds, so that the caller can "
        "interrupt it in the middle of a sentence, which is what a voice agent must allow")
CORR_MIN = 0.8  # measured here: see the printed figure


def tone_wav(path, hz=440.0, seconds=1.0, rate=16000):
    import numpy as np
    t = np.arange(int(seconds * rate)) / rate
    x = (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())


async def run(exe):
    import aioice.ice
    import numpy as np
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-tts-")
    media = os.path.join(tmp, "media")
    os.mkdir(media)
    tone_wav(os.path.join(media, "tone.wav"))
    ref = os.path.join(tmp, "ref.wav")
    subprocess.run(["espeak-ng", "-w", ref, SAY], check=True)  # the daemon's default voice
    src = load_mono16k(ref)
    mic = speech_wav(tmp)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "session.voice=agent",
                     "ai.media_dir=" + media], name="tts", vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pc = RTCPeerConnection()
    events, stop = sse_start(d.rest_port)
    ok = False
    try:
        tap_up()
        rec = []
        record_audio(pc, rec)
        pc.addTrack(MediaPlayer(mic, loop=True).audio)  # sendrecv: the client talks too
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/agent1", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201 and "a=sendrecv" in body.decode(), "voice WHIP POST 201, answered sendrecv",
              "%d %s" % (st, body[:200]))
        sid = h["location"][0].rsplit("/", 1)[1]

        def command(obj):
            st, _, b = d.rest("POST", "/v1/commands", json.dumps(obj),
                              {"Content-Type": "application/json"})
            return st, b.decode()

        # asked before the client has even answered: it waits for the session's SRTP
        st, b = command({"type": "say", "session": sid, "text": SAY})
        check(st == 202, "say accepted (202) before DTLS is done", "%d %s" % (st, b))
        t_say = time.monotonic()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        st = await wait_connected(pc)
        check(st == "connected", "connected", st)
        end = time.monotonic() + 15
        while time.monotonic() < end and not any(t == "playout.end" for t, _ in events):
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the last packets through the client's jitter buffer
        said = list(rec)
        print("say: %.1f s after the command, %d frames (%.2f s) heard" %
              (time.monotonic() - t_say, len(said), sum(len(a) / r for r, a in said)))
        check(len(said) > 0, "the client hears the say")
        if said:
            x = to16k(said)
            corr = best_corr(x, src)
            print("say: correlation with espeak-ng's own rendering %.3f (%.2f s vs %.2f s)" %
                  (corr, len(x) / 16000, len(src) / 16000))
            check(corr > CORR_MIN, "what the client hears is the text, spoken", corr)
            check(abs(len(x) - len(src)) < 0.2 * 16000 + 0.1 * len(src),
                  "as long as the rendering", (len(x) / 16000, len(src) / 16000))

        check(d.rest_json("GET", "/v1/sessions/" + sid).get("playout_pending") == 0,
              "REST: nothing left to play")
        # play a file of ai.media_dir
        n0 = len(rec)
        st, b = command({"type": "play", "session": sid, "file": "tone.wav"})
        check(st == 202, "play accepted", "%d %s" % (st, b))
        end = time.monotonic() + 10
        while time.monotonic() < end and sum(1 for t, _ in events if t == "playout.end") < 2:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        tone = rec[n0:]
        if tone:
            x = to16k(tone)
            spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
            peak = np.argmax(spec) * 16000 / len(x)
            print("play: %.2f s heard, peak at %.1f Hz" % (len(x) / 16000, peak))
            check(abs(peak - 440) < 10, "the client hears the file's 440 Hz", peak)
            check(0.8 < len(x) / 16000 < 1.4, "about the file's 1 s", len(x) / 16000)
        else:
            check(False, "the client hears the file")

        # errors: refused at once, or a command.error event for what fails later
        st, b = command({"type": "play", "session": sid, "file": "missing.wav"})
        check(st == 202, "play of a missing file accepted (it is read on the render thread)", st)
        st, b = command({"type": "say", "session": "nosuchsession", "text": "hi"})
        check(st == 404, "say to an unknown session: 404", "%d %s" % (st, b))
        st, b = command({"type": "play", "session": sid, "file": "../etc/passwd"})
        check(st == 400, "play of a path that climbs: 400", "%d %s" % (st, b))
        st, b = command({"type": "set", "session": sid, "stt": "off"})
        check(st == 409 and "ai.enabled" in b, "set with the AI path off: 409", "%d %s" % (st, b))
        end = time.monotonic() + 5
        while time.monotonic() < end and not any(t == "command.error" for t, _ in events):
            await asyncio.sleep(0.1)
        errs = [e for t, e in events if t == "command.error"]
        check(len(errs) == 1 and errs[0].get("session") == sid and "not found" in errs[0]["error"],
              "the missing file: one command.error naming the session", errs)
        mine = [t for t, e in events if e.get("session") == sid and t.startswith("playout")]
        check(mine == ["playout.start", "playout.end"] * 2, "playout.start/end per clip", mine)
        ends = [e.get("reason") for t, e in events if t == "playout.end"]
        check(ends == ["done", "done"], "both played to their end", ends)
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        heard = sum(len(a) / r for r, a in rec)
        print("worker: tts_rtp %d (%.2f s), the client decoded %.2f s" %
              (c["tts_rtp"], c["tts_rtp"] * 0.02, heard))
        check(c["tts_rtp"] > 50 + 40, "the worker sent both clips", c["tts_rtp"])
        check(abs(heard - c["tts_rtp"] * 0.02) < 0.3, "the client decoded every packet sent",
              (heard, c["tts_rtp"] * 0.02))

        # barge-in: a long answer stopped 0.6 s after it began
        st, b = command({"type": "stop", "session": sid})
        check(st == 202, "stop with nothing playing: 202 (nothing happens)", "%d %s" % (st, b))
        n_ev, tts0 = len(events), c["tts_rtp"]
        st, b = command({"type": "say", "session": sid, "text": LONG})
        check(st == 202, "a long say accepted", "%d %s" % (st, b))
        end = time.monotonic() + 10
        while time.monotonic() < end and not any(t == "playout.start" for t, _ in events[n_ev:]):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.6)
        st, b = command({"type": "stop", "session": sid})
        check(st == 202, "stop: 202", "%d %s" % (st, b))
        end = time.monotonic() + 5
        while time.monotonic() < end and not any(t == "playout.end" for t, _ in events[n_ev:]):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        later = [(t, e.get("reason")) for t, e in events[n_ev:] if t.startswith("playout")]
        sent = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]["tts_rtp"] - tts0
        print("stop: %s; %d packets (%.2f s) of the long answer sent" % (later, sent, sent * 0.02))
        check(later == [("playout.start", None), ("playout.end", "stopped")],
              "the long answer ends 'stopped'", later)
        check(10 < sent < 75, "only its first ~0.6 s went out (of several seconds)", sent)
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
