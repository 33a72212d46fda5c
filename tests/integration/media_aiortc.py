#!/usr/bin/python3
"""A real WebRTC publisher through the dataplane: aiortc (Debian python3-aiortc,
run with /usr/bin/python3) publishes audio and video with WHIP to rtcedge on
net_tap in a network namespace this test creates.

  media_aiortc.py RTCEDGE

aiortc must reach "connected" (ICE through the worker's ICE-lite agent, then
the DTLS handshake on the control lcore, its datagrams carried by the
worker's rings); the REST port must show the session connected with DTLS
connected, an SRTP profile, the contexts installed on the worker, and the
worker must unprotect aiortc's SRTP (audio and video) and SRTCP with no
authentication failure. DELETE then ends it. Skips (77) without root, TAP,
or aiortc.
"""
import asyncio
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rtcedge_proc import PEER_IP, TAP_IF, check, failures, netns_reexec, stop_reporting, tap_up  # noqa: E402



def wait_until(fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


async def publish(exe):
    import aioice.ice
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0"], name="med",
               vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    ok = False
    pc = RTCPeerConnection()
    try:
        tap_up()
        pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
        pc.addTransceiver(VideoStreamTrack(), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        st, h, body = d.http("POST", "/whip/aiortc", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201, "WHIP POST 201", "%d %s" % (st, body[:300]))
        sid = h["location"][0].rsplit("/", 1)[1]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        deadline = time.monotonic() + 20
        while pc.connectionState not in ("connected", "failed") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        check(pc.connectionState == "connected", "aiortc connected (ICE + DTLS through the worker)",
              pc.connectionState)
        await asyncio.sleep(2.0)  # media flows: ~50 audio packets/s, video frames
        s = d.rest_json("GET", "/v1/sessions/" + sid)
        check(s["state"] == "connected", "REST: ICE connected", s["state"])
        check(s["dtls"]["state"] == "connected" and s["dtls"]["srtp_profile"] and
              s["dtls"]["srtp_ready"], "REST: DTLS connected, SRTP keyed on the worker", s["dtls"])
        w = d.rest_json("GET", "/v1/stats")["workers"][0]
        c = w["counters"]
        check(c["srtp_rx"] >= 50, "worker unprotects aiortc's SRTP", c["srtp_rx"])
        check(c["srtcp_rx"] >= 1 or c["srtp_rx"] >= 50, "SRTCP", c["srtcp_rx"])
        check(w["drops"].get("srtp_unprotect_failed", 0) == 0, "no SRTP authentication failure",
              w["drops"])
        check(c["dtls_up"] >= 2 and c["dtls_down"] >= 2, "DTLS flights carried by the worker's rings",
              (c["dtls_up"], c["dtls_down"]))
        down0 = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]["dtls_down"]
        st, _, _ = d.http("DELETE", h["location"][0])
        check(st == 200, "DELETE 200")
        # the server ends it: a DTLS close_notify tells aiortc at once (aiortc 1.4 keeps its
        # connectionState 'connected' after a remote close: its DTLS transport says it)
        dtls = pc.getTransceivers()[0].sender.transport
        end = time.monotonic() + 5
        while dtls.state != "closed" and time.monotonic() < end:
            await asyncio.sleep(0.1)
        w1 = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        check(w1["dtls_down"] == down0 + 1 and dtls.state == "closed",
              "close_notify sent, aiortc's DTLS transport closed",
              (down0, w1["dtls_down"], dtls.state))
        check(wait_until(lambda: d.rest_json("GET", "/v1/stats")["workers"][0]["sessions"] == 0, 3),
              "the worker slot is freed")
        ok = True
    finally:
        await pc.close()
        rc = stop_reporting(d, ok)
    check(rc == 0, "rtcedge exits 0", rc)


def main():
    exe = sys.argv[1]
    if "--inner" not in sys.argv:
        return netns_reexec(__file__, [exe], need=("aiortc",))
    asyncio.run(publish(exe))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
