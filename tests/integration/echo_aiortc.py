#!/usr/bin/python3
"""A voice session through the dataplane (session.voice = echo): an aiortc
client offers sendrecv audio with WHIP, speaks (espeak-ng, looped) and must
hear its own speech back: rtcedge's worker unprotects each packet and sends
it back protected with the session's outbound context under our own SSRC,
the simplest proof that both directions of SRTP work on the worker.

  echo_aiortc.py RTCEDGE

The peak normalized cross-correlation of what the client decodes against
the source, both at 16 kHz, must exceed CORR_MIN (the figure is printed).
Skips (77) without root, TAP, aiortc, numpy or espeak-ng.
"""
import asyncio
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from media_util import best_corr, load_mono16k, speech_wav  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, failures, netns_reexec, stop_reporting, tap_up  # noqa: E402

CORR_MIN = 0.8   # measured here: 0.970 and 0.971 (Opus, resampled 22.05 -> 48 -> 16 kHz)
RECORD_S = 4.0


async def run(exe):
    import aioice.ice
    import numpy as np
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-echo-")
    wav = speech_wav(tmp)
    src = load_mono16k(wav)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "session.voice=echo"],
               name="echo", vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pc = RTCPeerConnection()
    ok = False
    try:
        tap_up()
        rec = []

        def on_track(track):
            async def pull():
                while True:
                    try:
                        f = await track.recv()
                    except Exception:
                        return
                    a = f.to_ndarray().astype(np.float64).reshape(-1, len(f.layout.channels))
                    rec.append((f.sample_rate, a.mean(axis=1)))
            asyncio.ensure_future(pull())
        pc.on("track", on_track)
        player = MediaPlayer(wav, loop=True)
        pc.addTrack(player.audio)  # sendrecv
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/voice1", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201 and "a=sendrecv" in body.decode(), "voice WHIP POST 201, answered sendrecv",
              "%d %s" % (st, body[:200]))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        end = time.monotonic() + 20
        while pc.connectionState not in ("connected", "failed") and time.monotonic() < end:
            await asyncio.sleep(0.1)
        check(pc.connectionState == "connected", "connected", pc.connectionState)
        await asyncio.sleep(RECORD_S)
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        check(c["echo_rtp"] > 100, "the worker sends the voice back", c["echo_rtp"])
        if rec:
            rate = rec[0][0]
            x = np.concatenate([a for _, a in rec])
            t = np.arange(0, len(x) / rate, 1 / 16000.0)
            x16 = np.interp(t, np.arange(len(x)) / rate, x)[8000:]
            corr = best_corr(x16, src)
            print("client: %.1f s of audio back, correlation with what it said %.3f" %
                  (len(x) / rate, corr))
            check(corr > CORR_MIN, "the client hears its own speech", corr)
        else:
            check(False, "the client decodes audio back")
        ok = True
    finally:
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
