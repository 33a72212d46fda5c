#!/usr/bin/python3
"""ICE through the dataplane: a WHIP session's ICE-lite agent on a DPDK worker,
against aioice (aiortc's ICE) as the client, over net_tap in a network
namespace this test creates (rtcedge 198.18.0.2, the kernel side 198.18.0.1).

  ice_dataplane.py RTCEDGE

The offer carries aioice's credentials; the answer's ufrag (the routing
label), pwd and host candidate are given to aioice, which must complete ICE
with Binding requests that the worker routes by label and answers. Then the
REST port must show the session connected with the selected pair; an ICE
restart by PATCH (If-Match) moves it to a new aioice agent; a forged label
and the credentials of a deleted session are dropped with their counters;
and when the client goes silent, consent expires (RFC 7675: 30 s) and the
session is closed (consent_expired), its worker slot freed.

Runs itself again inside the namespace (ip netns exec); the namespace and
the daemon are removed on any exit. Skips (77) without root, TUN/TAP,
namespaces or aioice.
"""
import asyncio
import json
import os
import re
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from rtcedge_proc import OUR_IP, PEER_IP, TAP_IF as IF, check, failures, netns_reexec, tap_up  # noqa: E402

ADMIN = "ice-admin-token"
FRAG = "application/trickle-ice-sdpfrag"



def offer_with(ufrag, pwd):
    """A real Chromium WHIP offer, its ICE credentials replaced by aioice's, no candidates."""
    with open(os.path.join(ROOT, "tests/vectors/sdp/chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp"), newline="") as f:
        lines = f.read().split("\r\n")
    out = []
    for ln in lines:
        if ln.startswith("a=ice-ufrag:"):
            ln = "a=ice-ufrag:" + ufrag
        elif ln.startswith("a=ice-pwd:"):
            ln = "a=ice-pwd:" + pwd
        elif ln.startswith("a=candidate:") or ln.startswith("a=end-of-candidates"):
            continue
        out.append(ln)
    return "\r\n".join(out)


def attr(text, name):
    m = re.search(r"^a=%s:(\S+)" % name, text, re.M)
    return m.group(1) if m else None


async def connect(aioice, ufrag, pwd, conn):
    conn.remote_is_lite = True
    conn.remote_username, conn.remote_password = ufrag, pwd
    await conn.add_remote_candidate(aioice.Candidate(
        foundation="1", component=1, transport="udp", priority=2130706431,
        host=OUR_IP, port=20000, type="host"))
    await conn.add_remote_candidate(None)
    await asyncio.wait_for(conn.connect(), 15)


def drops(d, reason):
    s = d.rest_json("GET", "/v1/stats")
    return sum(w["drops"].get(reason, 0) for w in s["workers"])


def wait_until(fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


async def inner_async(exe):
    import aioice
    import aioice.ice
    import aioice.stun
    from rtcedge_proc import Daemon

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_IP]
    aioice.ice.CONSENT_INTERVAL = 0.5
    d = Daemon(exe, ["rest.token=" + ADMIN, "http.rate_limit=0", "session.idle_timeout_s=0"],
               name="ice", vdev="net_tap0,iface=" + IF)
    d.start()
    ok = False
    try:
        tap_up()
        conn = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
        await conn.gather_candidates()
        st, h, body = d.http("POST", "/whip/ice1", offer_with(conn.local_username, conn.local_password),
                             {"Content-Type": "application/sdp"})
        check(st == 201, "WHIP POST 201", "%d %s" % (st, body[:200]))
        ans = body.decode()
        loc, etag = h["location"][0], h["etag"][0]
        sid = loc.rsplit("/", 1)[1]
        ufrag, pwd = attr(ans, "ice-ufrag"), attr(ans, "ice-pwd")
        check("a=candidate:1 1 udp 2130706431 %s 20000 typ host" % OUR_IP in ans, "host candidate")
        await connect(aioice, ufrag, pwd, conn)
        check(True, "aioice completed ICE against the worker")
        s = wait_until(lambda: (lambda j: j if j["state"] == "connected" else None)(
            d.rest_json("GET", "/v1/sessions/" + sid)), 5)
        check(s and s["state"] == "connected", "REST: session connected", s)
        port = [c.port for c in conn.local_candidates if c.host == PEER_IP][0]
        if s:
            pair = s["ice"]["selected_pair"]
            check(pair == {"local": "%s:20000" % OUR_IP, "remote": "%s:%d" % (PEER_IP, port)},
                  "REST: the selected pair is aioice's", pair)
            check(s["counters"]["stun_answered"] >= 1 and s["counters"]["rx_packets"] >= 1,
                  "REST: worker counters", s["counters"])
        await asyncio.sleep(1.5)  # aioice's consent checks every 0.5 s
        s2 = d.rest_json("GET", "/v1/sessions/" + sid)
        check(s2["counters"]["stun_answered"] >= s["counters"]["stun_answered"] + 2,
              "consent checks answered", s2["counters"])

        # ICE restart through PATCH (W21, W22): a new aioice agent with the new credentials
        conn2 = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
        await conn2.gather_candidates()
        frag = "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" % (
            conn2.local_username, conn2.local_password)
        st, h, body = d.http("PATCH", loc, frag, {"Content-Type": FRAG, "If-Match": etag})
        check(st == 200, "restart PATCH 200", "%d %s" % (st, body))
        fr = body.decode()
        u2, p2 = attr(fr, "ice-ufrag"), attr(fr, "ice-pwd")
        check(u2 and u2 != ufrag, "restart: a new label")
        await conn.close()  # the old client goes away
        await connect(aioice, u2, p2, conn2)
        port2 = [c.port for c in conn2.local_candidates if c.host == PEER_IP][0]
        s3 = wait_until(lambda: (lambda j: j if not j["ice"]["restarting"] and
                                 j["ice"]["selected_pair"]["remote"].endswith(":%d" % port2) else None)(
            d.rest_json("GET", "/v1/sessions/" + sid)), 5)
        check(s3 and s3["ice"]["local_ufrag"] == u2 and s3["ice"]["restarts"] == 1 and
              s3["state"] == "connected", "REST: restart done, new pair, new label", s3)

        # a forged label (MAC wrong) and a deleted session's credentials are dropped
        us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        us.bind((PEER_IP, 0))
        forged = u2[:-1] + ("A" if u2[-1] != "A" else "B")
        bad0 = drops(d, "stun_bad_label")
        msg = aioice.stun.Message(message_method=aioice.stun.Method.BINDING,
                                  message_class=aioice.stun.Class.REQUEST)
        msg.attributes["USERNAME"] = forged + ":" + conn2.local_username
        msg.add_message_integrity(p2.encode())  # and FINGERPRINT
        us.sendto(bytes(msg), (OUR_IP, 20000))
        check(wait_until(lambda: drops(d, "stun_bad_label") == bad0 + 1, 3),
              "forged label dropped (stun_bad_label)")

        conn3 = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
        st, h, body = d.http("POST", "/whip/ice2", offer_with(conn3.local_username, conn3.local_password),
                             {"Content-Type": "application/sdp"})
        u3, p3 = attr(body.decode(), "ice-ufrag"), attr(body.decode(), "ice-pwd")
        n0 = d.rest_json("GET", "/v1/stats")["workers"][0]["sessions"]
        st, _, _ = d.http("DELETE", h["location"][0])
        check(st == 200, "DELETE 200")
        check(wait_until(lambda: d.rest_json("GET", "/v1/stats")["workers"][0]["sessions"] == n0 - 1, 3),
              "DELETE frees the worker slot")
        gone0 = drops(d, "stun_no_session")
        msg = aioice.stun.Message(message_method=aioice.stun.Method.BINDING,
                                  message_class=aioice.stun.Class.REQUEST)
        msg.attributes["USERNAME"] = u3 + ":" + conn3.local_username
        msg.attributes["PRIORITY"] = 1853817087
        msg.attributes["ICE-CONTROLLING"] = 1
        msg.add_message_integrity(p3.encode())  # and FINGERPRINT
        us.sendto(bytes(msg), (OUR_IP, 20000))
        check(wait_until(lambda: drops(d, "stun_no_session") == gone0 + 1, 3),
              "request for a deleted session dropped (stun_no_session)")
        us.close()

        # consent expiry (RFC 7675 §5.1: 30 s without a valid request): the client vanishes
        await conn2.close()
        t0 = time.monotonic()
        closed = wait_until(lambda: d.rest("GET", "/v1/sessions/" + sid)[0] == 404, 40)
        waited = time.monotonic() - t0
        check(closed, "consent expiry closes the session", "after %.1fs" % waited)
        check(28 <= waited <= 36, "after about 30 s", "%.1f s" % waited)
        st = d.rest_json("GET", "/v1/stats")
        check(st["sessions"]["closed"]["consent_expired"] == 1, "counted consent_expired",
              st["sessions"]["closed"])
        check(st["workers"][0]["sessions"] == 0, "worker slot freed", st["workers"][0]["sessions"])
        ok = True
    finally:
        if not ok or failures:
            try:
                w = d.rest_json("GET", "/v1/stats")["workers"][0]
                print("worker counters:", {k: v for k, v in w["counters"].items() if v},
                      "drops:", w["drops"])
                for x in d.rest_json("GET", "/v1/sessions")["sessions"]:
                    print("session", json.dumps(d.rest_json("GET", "/v1/sessions/" + x["id"])))
            except Exception as e:  # the daemon may be gone
                print("no stats:", e)
        rc = d.stop()
        if not ok or failures:
            print(d.tail(30))
    check(rc == 0, "rtcedge exits 0", rc)


def main():
    exe = sys.argv[1]
    if "--inner" not in sys.argv:
        return netns_reexec(__file__, [exe], need=("aioice",))
    asyncio.run(inner_async(exe))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
