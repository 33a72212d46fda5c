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
from aiortc_util import main_in_netns, record_audio, to16k, wait_connected  # noqa: E402
from media_util import best_corr, load_mono16k  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, stop_reporting, tap_up  # noqa: E402

CORR_MIN = 0.8
LOST_MAX = 25  # packets the player may count lost around the switch (20 ms each)


def speech(tmp, name, text):
    path = os.path.join(tmp, name)
    subprocess.run(["espeak-ng", "-s", "150", "-w", path, text], check=True)
    return path


async def run(exe):
    import aioice.ice
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
            state = await wait_connected(pc)
            check(state == "connected", "%s connected" % kind.upper(), state)
            return h["location"][0].rsplit("/", 1)[1]

        pub_a = RTCPeerConnection()
        pcs.append(pub_a)
        pub_a.addTransceiver(MediaPlayer(wav_a, loop=True).audio, direction="sendonly")
        sid_a = await connect(pub_a, "whip")
        player = RTCPeerConnection()
        pcs.append(player)
        rec = []
        record_audio(player, rec, stamped=True)
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
            x16 = to16k(after)
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
    return main_in_netns(__file__, run)


if __name__ == "__main__":
    sys.exit(main())
