#!/usr/bin/python3
"""The transceiver export (export.target): a backend that is no WebRTC peer
gets a session's decrypted audio as plain RTP and sends plain RTP back as the
session's outgoing audio. Here the backend is a UDP socket on the kernel side
of the TAP (a second address, inside the test's namespace) that sends every packet it
gets straight back; an aiortc client offers sendrecv audio (session.voice =
agent), speaks, and must hear its own speech: client -> SRTP -> worker
(unprotect) -> plain RTP -> backend -> plain RTP -> worker (our SSRC and PT,
protect) -> SRTP -> client.

Also: the backend gets RTP version 2 with the client's Opus payload type,
unencrypted (its payloads decode: the correlation proves it); datagrams to
an export port from another address, or to the port of no exported session,
are dropped and counted; a bad export.target is refused naming the key.
A say command on the exported session speaks alone: the backend's audio is
held (export_in_muted) while it plays, and the client receives one RTP
stream throughout (sequence numbers one apart, timestamps never back).

  export_aiortc.py RTCEDGE

Skips (77) without root, TAP, aiortc, numpy or espeak-ng.
"""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from aiortc_util import main_in_netns, record_audio, to16k, wait_connected  # noqa: E402
from media_util import best_corr, load_mono16k, speech_wav  # noqa: E402
from rtcedge_proc import OUR_IP, PEER_IP, TAP_IF, check, stop_reporting, tap_up  # noqa: E402

BACKEND_PORT = 40500
PORT_BASE = 41000
BACKEND_IP = "198.18.0.3"  # an address the kernel never ARPs from: the worker must ask
CORR_MIN = 0.8
RECORD_S = 4.0


def backend(sock, stats, stop):
    """Echo every datagram to its sender; note what came."""
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            data, addr = sock.recvfrom(2048)
        except socket.timeout:
            continue
        stats["n"] += 1
        stats["from"].add(addr)
        if len(data) >= 12 and data[0] >> 6 == 2:
            stats["rtp"] += 1
            stats["pt"].add(data[1] & 0x7f)
        sock.sendto(data, addr)


async def run(exe):
    import aioice.ice
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from rtcedge_proc import Daemon

    # a bad target names the key (no EAL needed for --check-config)
    for bad in ("[fd00::1]:5000", "198.18.0.1", "198.18.0.1:0"):
        r = subprocess.run([exe, "--check-config", "--set", "export.target=" + bad],
                           capture_output=True, text=True)
        check(r.returncode == 78 and "export.target" in r.stderr,
              "export.target=%s refused (78, names the key)" % bad,
              (r.returncode, r.stderr.strip()))
    r = subprocess.run([exe, "--check-config", "--set", "export.target=10.0.0.1:5000",
                        "--set", "export.port_base=20000"], capture_output=True, text=True)
    check(r.returncode == 78 and "net.media_port" in r.stderr,
          "export ports over the media port refused", (r.returncode, r.stderr.strip()))

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    tmp = tempfile.mkdtemp(prefix="rtc-export-")
    wav = speech_wav(tmp)
    src = load_mono16k(wav)
    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0", "session.voice=agent",
                     "export.target=%s:%d" % (BACKEND_IP, BACKEND_PORT),
                     "export.port_base=%d" % PORT_BASE],
               name="export", vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    pc = RTCPeerConnection()
    stop = threading.Event()
    stats = {"n": 0, "rtp": 0, "pt": set(), "from": set()}
    ok = False
    try:
        tap_up()
        subprocess.run(["ip", "addr", "add", BACKEND_IP + "/24", "dev", TAP_IF], check=True)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((BACKEND_IP, BACKEND_PORT))
        th = threading.Thread(target=backend, args=(sock, stats, stop), daemon=True)
        th.start()
        rec = []
        record_audio(pc, rec)
        # every RTP packet the client's receiver gets: (sequence number, timestamp)
        from aiortc.rtcrtpreceiver import RTCRtpReceiver
        rtp_in = []
        handle_rtp = RTCRtpReceiver._handle_rtp_packet

        async def spy(self, packet, arrival_time_ms):
            rtp_in.append((packet.sequence_number, packet.timestamp))
            return await handle_rtp(self, packet, arrival_time_ms)
        RTCRtpReceiver._handle_rtp_packet = spy
        pc.addTrack(MediaPlayer(wav, loop=True).audio)
        await pc.setLocalDescription(await pc.createOffer())
        opus_pt = int([ln for ln in pc.localDescription.sdp.splitlines()
                       if "opus/48000" in ln][0].split(":")[1].split()[0])
        st, h, body = d.http("POST", "/whip/exp1", pc.localDescription.sdp,
                             {"Content-Type": "application/sdp"})
        check(st == 201 and "a=sendrecv" in body.decode(), "WHIP POST 201, answered sendrecv",
              "%d %s" % (st, body[:200]))
        sid = h["location"][0].rsplit("/", 1)[1]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode(), type="answer"))
        st = await wait_connected(pc)
        check(st == "connected", "connected", st)
        await asyncio.sleep(RECORD_S)
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        print("backend: %d datagrams (%d RTP, PT %s) from %s; worker: export_out %d, "
              "export_in %d, export_arp %d" % (stats["n"], stats["rtp"], sorted(stats["pt"]),
                                               sorted(stats["from"]), c["export_out"],
                                               c["export_in"], c.get("export_arp", 0)))
        check(stats["rtp"] > 100 and stats["rtp"] == stats["n"], "the backend gets plain RTP",
              stats)
        check(stats["pt"] == {opus_pt}, "with the client's Opus payload type", stats["pt"])
        ports = {p for a, p in stats["from"]}
        check({a for a, p in stats["from"]} == {OUR_IP} and len(ports) == 1 and
              list(ports)[0] >= PORT_BASE, "from one export port of ours", stats["from"])
        check(c["export_in"] > 100, "the worker sends the backend's RTP on", c["export_in"])
        sess = d.rest_json("GET", "/v1/sessions?stream=exp1")["sessions"]
        detail = d.rest_json("GET", "/v1/sessions/" + sess[0]["id"]) if sess else {}
        check(detail.get("export_port") in ports, "REST: the session's export port",
              (detail.get("export_port"), ports))
        check(c["export_arp"] >= 1, "the worker asked for the backend's MAC (ARP)", c["export_arp"])
        if rec:
            x16 = to16k(rec)[8000:]  # the first half second may be the decoder's start
            corr = best_corr(x16, src)
            print("client: %.1f s of audio back through the backend, correlation %.3f" %
                  (len(x16) / 16000 + 0.5, corr))
            check(corr > CORR_MIN, "the client hears its speech back through the backend", corr)
        else:
            check(False, "the client decodes audio from the backend")

        # a say on the exported session: it speaks alone (the backend's audio held while
        # it plays), and the client's one stream stays one stream
        c0 = d.rest_json("GET", "/v1/stats")["workers"][0]
        n0 = len(rtp_in)
        st, _, b = d.rest("POST", "/v1/commands",
                          json.dumps({"type": "say", "session": sid, "text": "one two three"}),
                          {"Content-Type": "application/json"})
        check(st == 202, "say on the exported session accepted", (st, b[:200]))
        await asyncio.sleep(3.0)
        c1 = d.rest_json("GET", "/v1/stats")["workers"][0]
        said = c1["counters"]["tts_rtp"] - c0["counters"]["tts_rtp"]
        muted = c1["drops"].get("export_in_muted", 0) - c0["drops"].get("export_in_muted", 0)
        print("say: %d packets injected, %d of the backend's held meanwhile" % (said, muted))
        check(said > 20 and muted > 20, "the say went out, the backend's audio held meanwhile",
              (said, muted))
        seen = rtp_in[n0:]
        steps = [(b[0] - a[0]) % 65536 for a, b in zip(seen, seen[1:])]
        back = [(b[1] - a[1]) % (1 << 32) >= (1 << 31) for a, b in zip(seen, seen[1:])]
        print("client: %d packets over the say, sequence steps %s, timestamps back %d" %
              (len(seen), sorted(set(steps)), sum(back)))
        check(len(seen) > 100 and set(steps) <= {1, 2, 3} and not any(back),
              "the client receives one stream across the say (no jump, no repeat)",
              (len(seen), sorted(set(steps))[:10], sum(back)))

        # strangers: another address to the session's export port, our address to the
        # port of a session index nobody has
        port = list(ports)[0] if ports else PORT_BASE
        drops = lambda: d.rest_json("GET", "/v1/stats")["workers"][0]["drops"]  # noqa: E731
        d0 = drops()
        rtp = bytes([0x80, opus_pt, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4]) + b"\xf8" * 20
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as o:
            o.bind((PEER_IP, 0))
            for _ in range(3):
                o.sendto(rtp, (OUR_IP, port))
        sock.sendto(rtp, (OUR_IP, PORT_BASE + 999))
        sock.sendto(rtp, (OUR_IP, PORT_BASE + 998))
        end = time.monotonic() + 3
        while time.monotonic() < end:
            d1 = drops()
            if (d1.get("export_bad_source", 0) - d0.get("export_bad_source", 0) >= 3 and
                    d1.get("export_no_session", 0) - d0.get("export_no_session", 0) >= 2):
                break
            await asyncio.sleep(0.1)
        check(d1.get("export_bad_source", 0) - d0.get("export_bad_source", 0) == 3,
              "from another address: dropped, counted", d1.get("export_bad_source"))
        check(d1.get("export_no_session", 0) - d0.get("export_no_session", 0) == 2,
              "to no session's port: dropped, counted", d1.get("export_no_session"))
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
