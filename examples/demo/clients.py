#!/usr/bin/python3
"""The demo's clients (scripts/run): an aiortc publisher that speaks (espeak-ng,
looped) and shows a test video over WHIP, and an aiortc player over WHEP,
both to rtcedge at 198.18.0.2 from the demo's network namespace. Every second
it prints what the player decoded and the per-session figures of rtcedge's
REST port, until SIGINT/SIGTERM or --duration.

  clients.py [--http http://127.0.0.1:8080] [--rest http://127.0.0.1:9090] [--duration S]
Needs Debian's python3-aiortc and espeak-ng (run with /usr/bin/python3).
"""
import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


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


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--http", default="http://127.0.0.1:8080")
    ap.add_argument("--rest", default="http://127.0.0.1:9090")
    ap.add_argument("--duration", type=float, default=0)
    ap.add_argument("--host", default="198.18.0.1", help="our address toward rtcedge")
    a = ap.parse_args()
    import aioice.ice
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from aiortc.mediastreams import VideoStreamTrack
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [a.host]

    tmp = tempfile.mkdtemp(prefix="rtcedge-demo-")
    wav = os.path.join(tmp, "speech.wav")
    subprocess.run(["espeak-ng", "-s", "150", "-w", wav, "Hello from the edge. Every packet you "
                    "hear crossed a DPDK worker core: decrypted once, encrypted again for you."],
                   check=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def connect(pc, kind):
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = http("POST", "%s/%s/demo" % (a.http, kind), pc.localDescription.sdp,
                           "application/sdp")
        if st != 201:
            raise SystemExit("demo: %s POST: %d %s" % (kind, st, body.strip()))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body, type="answer"))
        print("demo: %s session %s" % (kind.upper(), h.get("Location")), flush=True)
        return h.get("Location")

    pub = RTCPeerConnection()
    media = MediaPlayer(wav, loop=True)
    pub.addTransceiver(media.audio, direction="sendonly")
    pub.addTransceiver(VideoStreamTrack(), direction="sendonly")
    locs = [await connect(pub, "whip")]
    play = RTCPeerConnection()
    got = {"audio": 0, "video": 0, "peak": 0}

    def on_track(track):
        async def pull():
            while True:
                try:
                    f = await track.recv()
                except Exception:
                    return
                got[track.kind] += 1
                if track.kind == "audio":
                    import numpy as np
                    got["peak"] = max(got["peak"], int(np.abs(f.to_ndarray()).max()))
        asyncio.ensure_future(pull())
    play.on("track", on_track)
    play.addTransceiver("audio", direction="recvonly")
    play.addTransceiver("video", direction="recvonly")
    locs.append(await connect(play, "whep"))
    start = time.monotonic()
    while not stop.is_set() and (a.duration == 0 or time.monotonic() - start < a.duration):
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
        line = ["demo: player decoded %d audio frames (peak %d), %d video frames" %
                (got["audio"], got["peak"], got["video"])]
        st, _, body = http("GET", a.rest + "/v1/sessions?stream=demo")
        if st != 200:
            line.append("  (REST port: %d %s)" % (st, body.strip()[:80]))
        if st == 200:
            for s in json.loads(body)["sessions"]:
                _, _, d = http("GET", "%s/v1/sessions/%s" % (a.rest, s["id"]))
                d = json.loads(d)
                tr = " ".join("%s rx %d tx %d" % (t["kind"], t.get("rx", {}).get("packets", 0),
                                                  t.get("tx", {}).get("packets", 0))
                              for t in d["tracks"])
                line.append("  %s %s %s dtls %s | %s" % (s["role"], s["id"][:8], s["state"],
                                                         d["dtls"]["state"], tr))
        print("\n".join(line), flush=True)
    for loc in locs:
        http("DELETE", a.http + loc)
    await pub.close()
    await play.close()
    print("demo: sessions deleted", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
