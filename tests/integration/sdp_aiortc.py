#!/usr/bin/python3
"""Our SDP answers, taken by a real client: aiortc (Debian python3-aiortc).

usage: sdp_aiortc.py SDP_ANSWER_TOOL

For each mode (WHIP: the client sends; WHEP: it receives; voice: both), an
aiortc RTCPeerConnection with an audio and a video transceiver makes an
offer; sdp_answer_tool (ctrlplane/sdp_answer.c) answers it; the same peer
must accept the answer with setRemoteDescription, end in the 'stable'
signaling state with the directions we answered, and aiortc's own SDP parser
must read in the answer what we meant to say (ICE-lite, our ufrag and
fingerprint, DTLS role, rtcp-mux, candidates and end-of-candidates, the
offer's payload types). A WHEP answer to a sending offer must be refused with
a 422 and a reason. Exits 77 (skipped) without aiortc.

The answer's candidates are loopback addresses; aiortc may start ICE checks
towards them before the peer is closed, which stay on this machine.
"""
import asyncio
import subprocess
import sys

try:
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
    from aiortc.sdp import SessionDescription
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: aiortc not importable ({e}); apt-get install python3-aiortc")
    sys.exit(77)

TOOL = sys.argv[1] if len(sys.argv) > 1 else "build/tests/unit/sdp_answer_tool"
OUR_UFRAG = "rtce0a1b"  # sdp_answer_tool's fixed local parameters
OUR_PORT = 40000

CASES = [
    # mode, the offer's transceiver direction, the direction aiortc must end with
    ("whip", "sendonly", "sendonly"),
    ("whip", "sendrecv", "sendonly"),
    ("whep", "recvonly", "recvonly"),
    ("voice", "sendrecv", "sendrecv"),
]


def make_peer(direction):
    pc = RTCPeerConnection()
    if direction == "recvonly":
        pc.addTransceiver("audio", direction="recvonly")
        pc.addTransceiver("video", direction="recvonly")
    else:
        pc.addTransceiver(AudioStreamTrack(), direction=direction)
        pc.addTransceiver(VideoStreamTrack(), direction=direction)
    return pc


def run_tool(mode, offer):
    return subprocess.run(
        [TOOL, "--mode", mode, "--port", str(OUR_PORT), "--addr", "127.0.0.1", "--addr", "::1"],
        input=offer.encode(),
        capture_output=True,
        timeout=30,
    )


def check_answer_text(answer, offer_sdp, failures, name):
    """aiortc's parser, independent of ours, reads our answer."""
    ans = SessionDescription.parse(answer)
    offer = SessionDescription.parse(offer_sdp)

    def expect(cond, what):
        if not cond:
            failures.append(f"{name}: {what}")

    expect(len(ans.media) == len(offer.media), "m= line count differs from the offer")
    expect([g.semantic for g in ans.group] == ["BUNDLE"], "no BUNDLE group")
    for m, o in zip(ans.media, offer.media):
        expect(m.ice.iceLite, f"{m.kind}: not ICE-lite")
        expect(m.ice.usernameFragment == OUR_UFRAG, f"{m.kind}: ufrag {m.ice.usernameFragment}")
        expect(len(m.ice.password) >= 22, f"{m.kind}: short ice-pwd")
        expect(
            [f.algorithm for f in m.dtls.fingerprints] == ["sha-256"],
            f"{m.kind}: fingerprints {m.dtls.fingerprints}",
        )
        expect(m.dtls.role == "server", f"{m.kind}: DTLS role {m.dtls.role} (want passive)")
        expect(m.rtcp_mux, f"{m.kind}: no rtcp-mux")
        expect(m.port == OUR_PORT, f"{m.kind}: port {m.port}")
        expect(len(m.ice_candidates) == 2, f"{m.kind}: {len(m.ice_candidates)} candidates")
        expect(m.ice_candidates_complete, f"{m.kind}: no end-of-candidates")
        expect(
            all(c.protocol == "udp" and c.type == "host" and c.port == OUR_PORT
                for c in m.ice_candidates),
            f"{m.kind}: candidates {m.ice_candidates}",
        )
        expect(m.rtp.muxId == o.rtp.muxId, f"{m.kind}: mid {m.rtp.muxId} != {o.rtp.muxId}")
        offered = {c.payloadType: c.mimeType.lower() for c in o.rtp.codecs}
        for c in m.rtp.codecs:
            expect(
                offered.get(c.payloadType) == c.mimeType.lower(),
                f"{m.kind}: pt {c.payloadType} {c.mimeType} not as offered",
            )
        offered_ext = {(e.id, e.uri) for e in o.rtp.headerExtensions}
        for e in m.rtp.headerExtensions:
            expect((e.id, e.uri) in offered_ext, f"{m.kind}: extmap {e.id} {e.uri} not offered")
    return ans


async def one(mode, direction, want_dir, failures):
    name = f"{mode}/{direction}"
    pc = make_peer(direction)
    try:
        await pc.setLocalDescription(await pc.createOffer())
        offer = pc.localDescription.sdp
        p = run_tool(mode, offer)
        if p.returncode != 0:
            failures.append(f"{name}: refused: {p.stderr.decode().strip()}")
            return
        answer = p.stdout.decode()
        n_before = len(failures)
        ans = check_answer_text(answer, offer, failures, name)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        except Exception as e:  # the point of the test: aiortc must take it
            failures.append(f"{name}: setRemoteDescription failed: {e!r}")
            return
        if pc.signalingState != "stable":
            failures.append(f"{name}: signalingState {pc.signalingState}")
        dirs = [t.currentDirection for t in pc.getTransceivers()]
        if dirs != [want_dir, want_dir]:
            failures.append(f"{name}: currentDirection {dirs}, want {want_dir}")
        kinds = [(t.kind, [c.mimeType for c in t._codecs]) for t in pc.getTransceivers()]
        if kinds[0][1] != ["audio/opus"] or kinds[1][1][0] not in ("video/VP8", "video/H264"):
            failures.append(f"{name}: negotiated codecs {kinds}")
        status = "ok" if len(failures) == n_before else "FAIL"
        print(f"{status}: {name}: aiortc took our answer ({len(ans.media)} m= lines, "
              f"{dirs}, {kinds})")
    finally:
        await pc.close()


async def refused(failures):
    """A sending offer in WHEP mode: refused with 422 and a reason line."""
    pc = make_peer("sendonly")
    try:
        await pc.setLocalDescription(await pc.createOffer())
        p = run_tool("whep", pc.localDescription.sdp)
        err = p.stderr.decode().strip()
        if p.returncode != 1 or not err.startswith("422 ") or "sendonly" not in err:
            failures.append(f"whep/sendonly: expected a 422 refusal, got {p.returncode}: {err}")
        else:
            print(f"ok: whep/sendonly: refused: {err}")
    finally:
        await pc.close()


async def main():
    loop = asyncio.get_running_loop()
    # aiortc's connect task can outlive close() (its ICE checks towards our loopback
    # candidates): those late task errors are not what this test is about
    loop.set_exception_handler(lambda _loop, _ctx: None)
    failures = []
    for mode, direction, want in CASES:
        await one(mode, direction, want, failures)
    await refused(failures)
    await asyncio.sleep(0.2)
    for f in failures:
        print("FAIL:", f)
    total = len(CASES) + 1
    failed = len({f.split(":")[0] for f in failures})
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
