#!/usr/bin/python3
"""A stream's publisher replaced under a playing viewer (session.replace_publisher):
an aiortc publisher A speaks to stream 'room', an aiortc player plays it; then
publisher B (other speech, its own SSRC, sequence numbers and timestamps)
POSTs WHIP to the same stream and takes it. The player's session goes on:
what it decodes after the switch is B's speech, and its RTP numbering is one
stream without a jump (rtcedge shifts B's sequence numbers and timestamps to
continue A's, dataplane/fwd.h fwd_seqmap): the player's own statistics count
almost no packets lost, where an unshifted switch would count thousands (or
go negative).

  sfu_replace.py RTCEDGE

Skips (77) without root, TAP, aiortc, numpy or espeak-ng.
"""
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from media_util import best_corr, load_mono16k  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, failures, netns_reexec, stop_reporting, tap_up  # noqa: E402

CORR_MIN = 0.8
LOST_MAX = 25  # packets the player may count lost around the switch (20 ms each)


def speech(tmp, name, text):
    path = os.path.join(tmp, name)
    subprocess.run(["espeak-ng", "-s", "150", "-w", path, text], check=True)
    return path


async def run(exe):
    import aioice.ice
    import numpy as np
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-replace-")
    wav_a = speech(tmp, "a.wav", "This is the first publisher, speaking from far away.")
    wav_b = speech(tmp, "b.wav", "Now the second one has taken the stream over, one two three.")
    src_b = load_mono16k(wav_b)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0",
                     "session.replace_publisher=true"], name="replace",
               vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pcs = []
    ok = False
    try:
        tap_up()

        async def connect(pc, kind):
            await pc.setLocalDescription(await pc.createOffer())
            st, h, body = d.http("POST", "/%s/room" % kind, pc.localDescription.sdp,
                                 {"Content-Type": "application/sdp"})
            check(st == 201, "%s POST 201" % kind.upper(), "%d %s" % (st, body[:200]))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
            end = time.monotonic() + 20
            while pc.connectionState not in ("connected", "failed") and time.monotonic() < end:
                await asyncio.sleep(0.1)
            check(pc.connectionState == "connected", "%s connected" % kind.upper(),
                  pc.connectionState)
            return h["location"][0].rsplit("/", 1)[1]

        pub_a = RTCPeerConnection()
        pcs.append(pub_a)
        pub_a.addTransceiver(MediaPlayer(wav_a, loop=True).audio, direction="sendonly")
        sid_a = await connect(pub_a, "whip")
        player = RTCPeerConnection()
        pcs.append(player)
        rec = []

        def on_track(track):
            async def pull():
                while True:
                    try:
                        f = await track.recv()
                    except Exception:
                        return
                    a = f.to_ndarray().astype(np.float64).reshape(-1, len(f.layout.channels))
                    rec.append((time.monotonic(), f.sample_rate, a.mean(axis=1)))
            asyncio.ensure_future(pull())
        player.on("track", on_track)
        player.addTransceiver("audio", direction="recvonly")
        await connect(player, "whep")
        await asyncio.sleep(3.0)
        n_a = len(rec)
        check(n_a > 50, "the player hears publisher A", n_a)

        pub_b = RTCPeerConnection()
        pcs.append(pub_b)
        pub_b.addTransceiver(MediaPlayer(wav_b, loop=True).audio, direction="sendonly")
        t_switch = time.monotonic()
        sid_b = await connect(pub_b, "whip")
        check(d.rest("GET", "/v1/sessions/" + sid_a)[0] == 404, "publisher A's session is gone")
        streams = d.rest_json("GET", "/v1/streams")["streams"]
        room = [s for s in streams if s["name"] == "room"]
        check(room and room[0].get("publisher") == sid_b, "the stream's publisher is B", room)
        await asyncio.sleep(4.0)

        after = [(r, a) for t, r, a in rec if t > t_switch + 1.0]
        if after:
            rate = after[0][0]
            x = np.concatenate([a for _, a in after])
            t = np.arange(0, len(x) / rate, 1 / 16000.0)
            x16 = np.interp(t, np.arange(len(x)) / rate, x)
            corr = best_corr(x16, src_b)
            print("player: %.1f s after the switch, correlation with B's speech %.3f" %
                  (len(x16) / 16000, corr))
            check(corr > CORR_MIN, "the player hears publisher B", corr)
        else:
            check(False, "the player decodes audio after the switch")
        stats = await player.getReceivers()[0].getStats()
        inbound = [s for s in stats.values() if s.type == "inbound-rtp"]
        check(len(inbound) == 1, "the player has one inbound stream", list(stats.values()))
        if inbound:
            lost, got = inbound[0].packetsLost, inbound[0].packetsReceived
            print("player: %d packets received, %d counted lost over the switch" % (got, lost))
            check(0 <= lost <= LOST_MAX, "one stream without a jump (packets lost 0..%d)" % LOST_MAX,
                  lost)
        ok = True
    finally:
        for pc in pcs:
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
