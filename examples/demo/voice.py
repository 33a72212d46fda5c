#!/usr/bin/python3
"""The voice demo's client (scripts/run --voice): an aiortc caller on a
sendrecv WHIP session to rtcedge (session.voice = agent). It asks questions
(espeak-ng speech with pauses for the answers, looped) and reports what it
hears back: each answer's length and the question before it, found by the
decoded audio's energy. The answers come from the
example orchestrator (examples/orchestrator) through rtcedge's Redis events
and commands.

  voice.py [--http http://127.0.0.1:8080] [--duration S] [--host 198.18.0.1]
Needs Debian's python3-aiortc, numpy and espeak-ng (run with /usr/bin/python3).
"""
import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
import urllib.request
import wave

QUESTIONS = ["hello", "what time is it", "turn on the light"]
PAUSE_S = 6.0  # after each question: time for the recognition and the answer


def http(method, url, body=None, ctype=None):
    req = urllib.request.Request(url, data=body.encode() if isinstance(body, str) else body,
                                 method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def script_wav(tmp):
    """The questions with their pauses as one WAV; returns it and [(question, end_s)]."""
    import numpy as np
    parts, marks, t, rate = [], [], 0.0, None
    for i, q in enumerate(QUESTIONS):
        p = os.path.join(tmp, "q%d.wav" % i)
        subprocess.run(["espeak-ng", "-s", "140", "-w", p, q], check=True)
        with wave.open(p) as w:
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        t += len(x) / rate
        marks.append((q, t))
        parts += [x, np.zeros(int(PAUSE_S * rate), np.int16)]
        t += PAUSE_S
    out = os.path.join(tmp, "questions.wav")
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate(parts).tobytes())
    return out, marks, t


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--http", default="http://127.0.0.1:8080")
    ap.add_argument("--duration", type=float, default=0)
    ap.add_argument("--host", default="198.18.0.1", help="our address toward rtcedge")
    a = ap.parse_args()
    import aioice.ice
    import numpy as np
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [a.host]

    tmp = tempfile.mkdtemp(prefix="rtcedge-voice-")
    wav, marks, period = script_wav(tmp)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pc = RTCPeerConnection()
    # an answer: frames arriving (the node sends nothing between clips), ended by 0.5 s
    # without a loud frame
    talking = {"on": False, "start": 0.0, "last": 0.0}
    t_start = [None]

    def said_before(t):
        """The last question that ended before @t (seconds since the call started)."""
        k, off = int(t // period), t % period
        best = None
        for q, end in marks:
            if end <= off:
                best = (q, k * period + end)
        return best

    def since():
        return time.monotonic() - (t_start[0] or time.monotonic())

    def answer_done():
        if talking["on"] and since() - talking["last"] > 0.5:
            talking["on"] = False
            q = said_before(talking["start"])
            # (which question: by the script's timing from the answer of the WHIP POST;
            # the caller's audio starts a little later, once DTLS is done)
            print("voice: heard an answer of %.1f s%s" %
                  (talking["last"] - talking["start"],
                   ", after '%s'" % q[0] if q else " (a greeting)"), flush=True)

    def on_track(track):
        async def pull():
            while True:
                try:
                    f = await track.recv()
                except Exception:
                    return
                now = since()
                if np.sqrt(np.mean(f.to_ndarray().astype(np.float64) ** 2)) > 300:
                    if not talking["on"]:
                        talking.update(on=True, start=now)
                    talking["last"] = now
        asyncio.ensure_future(pull())
    pc.on("track", on_track)
    pc.addTrack(MediaPlayer(wav, loop=True).audio)
    await pc.setLocalDescription(await pc.createOffer())
    st, h, body = http("POST", a.http + "/whip/voice", pc.localDescription.sdp, "application/sdp")
    if st != 201:
        raise SystemExit("voice: WHIP POST: %d %s" % (st, body.strip()))
    await pc.setRemoteDescription(RTCSessionDescription(sdp=body, type="answer"))
    t_start[0] = time.monotonic()
    print("voice: session %s; asking %s, one every %.0f s" %
          (h.get("Location"), ", ".join(repr(q) for q in QUESTIONS), period / len(QUESTIONS)),
          flush=True)
    start = time.monotonic()
    while not stop.is_set() and (a.duration == 0 or time.monotonic() - start < a.duration):
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except asyncio.TimeoutError:
            pass
        answer_done()
    http("DELETE", a.http + h.get("Location"))
    await pc.close()
    print("voice: session deleted", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
