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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from aiortc_util import main_in_netns, record_audio, to16k, wait_connected  # noqa: E402
from media_util import best_corr, load_mono16k, speech_wav  # noqa: E402
from rtcedge_proc import PEER_IP, TAP_IF, check, stop_reporting, tap_up  # noqa: E402

CORR_MIN = 0.8   # measured here: 0.970 and 0.971 (Opus, resampled 22.05 -> 48 -> 16 kHz)
RECORD_S = 4.0


async def run(exe):
    import aioice.ice
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
        record_audio(pc, rec)
        player = MediaPlayer(wav, loop=True)
        pc.addTrack(player.audio)  # sendrecv
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/voice1", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201 and "a=sendrecv" in body.decode(), "voice WHIP POST 201, answered sendrecv",
              "%d %s" % (st, body[:200]))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        st = await wait_connected(pc)
        check(st == "connected", "connected", st)
        await asyncio.sleep(RECORD_S)
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        check(c["echo_rtp"] > 100, "the worker sends the voice back", c["echo_rtp"])
        # our audio's sender reports: the client's receiver knows our counts, and its
        # receiver reports on them give the session's audio RTT
        check(c["sr_sent"] >= 2, "sender reports of the audio we send", c["sr_sent"])
        remote = [s for s in (await pc.getReceivers()[0].getStats()).values()
                  if s.type == "remote-outbound-rtp"]
        sess = d.rest_json("GET", "/v1/sessions?stream=voice1")["sessions"]
        detail = d.rest_json("GET", "/v1/sessions/" + sess[0]["id"]) if sess else {}
        audio = [t for t in detail.get("tracks", []) if t.get("kind") == "audio"]
        sent = audio[0]["tx"]["packets"] if audio else 0
        print("client: our SR says %s packets sent (REST: %d); audio RTT %s ms" %
              (remote[0].packetsSent if remote else None, sent,
               audio[0].get("rtt_ms") if audio else None))
        check(len(remote) == 1 and 0 < remote[0].packetsSent <= sent,
              "the client read our sender report", remote)
        check(audio and isinstance(audio[0].get("rtt_ms"), float) and
              0 <= audio[0]["rtt_ms"] < 1000, "REST: the session's audio RTT from its reports",
              audio)
        if rec:
            x16 = to16k(rec)[8000:]  # the first half second may be the decoder's start
            corr = best_corr(x16, src)
            print("client: %.1f s of audio back, correlation with what it said %.3f" %
                  (len(x16) / 16000 + 0.5, corr))
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
    return main_in_netns(__file__, run)


if __name__ == "__main__":
    sys.exit(main())
