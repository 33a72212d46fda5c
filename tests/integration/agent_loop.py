#!/usr/bin/python3
"""The voice-agent loop end to end: rtcedge (session.voice = agent, ai.enabled,
Redis), a real redis-server on 127.0.0.1, the example orchestrator
(examples/orchestrator/orchestrator.py) and an aiortc client that asks
"what time is it" on a sendrecv WHIP session:

  client speech -> worker -> media pipeline (VAD, pocketsphinx) ->
  transcript.final -> Redis -> orchestrator -> say command -> Redis ->
  render thread -> playout -> worker -> SRTP -> client

Checks: the orchestrator heard the question's words, its say command is on
the commands stream, and what the client decodes after the question
correlates with espeak-ng's own rendering of that command's text.

  agent_loop.py RTCEDGE

Skips (77) without root, TAP, aiortc, numpy, espeak-ng, redis-server or
python3-redis. Every process it starts it stops by PID.
"""
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from aiortc_util import main_in_netns, record_audio, to16k, wait_connected  # noqa: E402
from media_util import best_corr, load_mono16k  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, free_port, stop_reporting, tap_up  # noqa: E402

QUESTION = "what time is it"
CORR_MIN = 0.8


def question_wav(tmp):
    """1 s of silence, the question, 6 s of silence (16-bit mono)."""
    import numpy as np
    q = os.path.join(tmp, "q.wav")
    subprocess.run(["espeak-ng", "-s", "140", "-w", q, QUESTION], check=True)
    with wave.open(q) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    out = os.path.join(tmp, "ask.wav")
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate([np.zeros(rate, np.int16), x,
                                      np.zeros(6 * rate, np.int16)]).tobytes())
    return out


def wait_port(port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


async def run(exe):
    import aioice.ice
    import redis
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-agent-")
    ask = question_wav(tmp)
    port = free_port()
    srv = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    orch = None
    d = None
    pc = RTCPeerConnection()
    ok = False
    try:
        check(wait_port(port), "redis-server listens")
        d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "session.voice=agent",
                         "ai.enabled=true", "ai.stt=grammar",
                         "ai.phrases=what time is it,hello,stop,turn on the light",
                         "redis.enabled=true", "redis.port=%d" % port, "redis.prefix=agent"],
                   name="agent", vdev="net_tap0,iface=" + TAP_IF)
        d.start()
        orch_log = open(os.path.join(tmp, "orch.log"), "w+")
        orch = subprocess.Popen(["/usr/bin/python3", "-u",
                                 os.path.join(ROOT, "examples/orchestrator/orchestrator.py"),
                                 "--redis", "127.0.0.1:%d" % port, "--prefix", "agent",
                                 "--no-greeting", "--count", "1"],
                                stdout=orch_log, stderr=subprocess.STDOUT)
        r = redis.Redis(port=port, decode_responses=True)
        time.sleep(1.0)  # the orchestrator reads from '$': let it start first
        tap_up()
        rec = []
        record_audio(pc, rec)
        pc.addTrack(MediaPlayer(ask).audio)
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/agent", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201, "WHIP POST 201", "%d %s" % (st, body[:200]))
        sid = h["location"][0].rsplit("/", 1)[1]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        st = await wait_connected(pc)
        check(st == "connected", "connected", st)
        t0 = time.monotonic()
        # question (about 2.5 s with the silence before it), recognition, reply, playout
        end = time.monotonic() + 20
        while time.monotonic() < end and orch.poll() is None:
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        check(orch.poll() == 0, "the orchestrator replied and saw its reply played",
              "%s after %.1f s" % (orch.poll(), time.monotonic() - t0))
        orch_log.seek(0)
        log = orch_log.read()
        print("".join("  | " + line + "\n" for line in log.splitlines()), end="")
        check("heard: %r" % QUESTION in log, "the orchestrator got the question's transcript")
        cmds = [f for _, f in r.xrange("agent:commands")]
        says = [c for c in cmds if c.get("type") == "say" and c.get("session") == sid]
        check(len(says) == 1 and says[0]["text"].startswith("it is "), "one say: the time", cmds)
        if says and rec:
            ref = os.path.join(tmp, "ref.wav")
            subprocess.run(["espeak-ng", "-w", ref, says[0]["text"]], check=True)
            x16 = to16k(rec)
            corr = best_corr(x16, load_mono16k(ref))
            print("client heard %.2f s: correlation with '%s' %.3f" %
                  (len(x16) / 16000, says[0]["text"], corr))
            check(corr > CORR_MIN, "the client hears the answer", corr)
        else:
            check(False, "the client hears an answer", len(rec))
        ok = True
    finally:
        await pc.close()
        if orch is not None and orch.poll() is None:
            orch.terminate()
            orch.wait(5)
        rc = stop_reporting(d, ok) if d is not None else 0
        srv.terminate()
        srv.wait(5)
        shutil.rmtree(tmp, ignore_errors=True)
    check(rc == 0, "rtcedge exits 0", rc)


def main():
    return main_in_netns(__file__, run, need=("aiortc", "numpy", "redis"), tools=("espeak-ng", "redis-server"))


if __name__ == "__main__":
    sys.exit(main())
