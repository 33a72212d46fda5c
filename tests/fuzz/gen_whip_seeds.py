#!/usr/bin/python3
"""Seeds for fuzz_whip (tests/fuzz/corpus/whip/): requests in the format
fuzz_whip.c reads.

    byte 0   method: 0 OTHER, 1 GET, 2 HEAD, 3 POST, 4 PATCH, 5 DELETE, 6 OPTIONS, 7 PUT
    byte 1   flags: 1 Content-Type, 2 Authorization, 4 If-Match, 8 Origin,
             16 Access-Control-Request-Method, 32 body too big, 64 IPv6 peer, 128 no peer
    then     path NUL Content-Type NUL Authorization NUL If-Match NUL Origin NUL ACRM NUL body

"{id}" in the path is the id of the session the harness creates first,
"{etag}" in If-Match its ETag, "{jwt}" in Authorization a valid JWT. The
offers are the real ones of tests/vectors/sdp.

    gen_whip_seeds.py OUTDIR
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors", "sdp")
TOKEN = b"Bearer fuzztoken-000001"
ORIGIN = b"https://app.example.com"
GET, HEAD, POST, PATCH, DELETE, OPTIONS, PUT = 1, 2, 3, 4, 5, 6, 7

TRICKLE = (b"a=ice-options:trickle ice2\r\n"
           b"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
           b"a=mid:0\r\n"
           b"a=ice-ufrag:08a9c3f4\r\n"
           b"a=ice-pwd:a202d23be47d1decaa6f67d04d4e6c16\r\n"
           b"a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r\n"
           b"a=candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active\r\n"
           b"a=candidate:3 1 udp 2122260223 0b7c.local 61765 typ host\r\n"
           b"a=end-of-candidates\r\n")
RESTART = (b"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
           b"a=mid:0\r\n"
           b"a=ice-ufrag:ysXw\r\n"
           b"a=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\n"
           b"a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r\n")


def rec(method, path, ct=None, authz=TOKEN, if_match=None, origin=None, acrm=None, body=b"",
        flags=0):
    fields = [path, ct, authz, if_match, origin, acrm]
    for i, v in enumerate(fields[1:]):
        if v is not None:
            flags |= 1 << i
    return bytes([method, flags]) + b"\0".join(v or b"" for v in fields) + b"\0" + body


def offer(name):
    with open(os.path.join(VECTORS, name), "rb") as f:
        return f.read()


def seeds():
    s = {}
    sdp, frag = b"application/sdp", b"application/trickle-ice-sdpfrag"
    s["post-ffmpeg-whip"] = rec(POST, b"/whip/cam", sdp,
                                body=offer("ffmpeg_whip_offer_sendonly_opus_h264.sdp"))
    s["post-chromium-whip"] = rec(POST, b"/whip/cam", sdp, origin=ORIGIN,
                                  body=offer("chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp"))
    s["post-firefox-whip-jwt"] = rec(POST, b"/whip/cam", sdp, authz=b"Bearer {jwt}",
                                     body=offer("firefox_84_offer_sendonly_audio.sdp"))
    s["post-chromium-whep"] = rec(POST, b"/whep/live", sdp,
                                  body=offer("chromium_156_offer_recvonly_bundle.sdp"))
    s["post-aiortc-whep"] = rec(POST, b"/whep/live", sdp,
                                body=offer("aiortc_1.4_offer_recvonly_bundle.sdp"))
    s["post-publisher-live"] = rec(POST, b"/whip/live", sdp,
                                   body=offer("ffmpeg_whip_offer_sendonly_opus_h264.sdp"))
    s["post-no-token"] = rec(POST, b"/whip/cam", sdp, authz=None,
                             body=offer("ffmpeg_whip_offer_sendonly_opus_h264.sdp"))
    s["post-basic"] = rec(POST, b"/whip/cam", sdp, authz=b"Basic dXNlcjpwYXNz", body=b"v=0\r\n")
    s["post-bad-type"] = rec(POST, b"/whip/cam", b"text/plain", body=b"v=0\r\n")
    s["post-too-big"] = rec(POST, b"/whip/cam", sdp, body=b"v=0\r\n", flags=32)
    s["post-garbage"] = rec(POST, b"/whip/cam", sdp, body=b"garbage\r\n")
    s["patch-trickle"] = rec(PATCH, b"/whip/live/{id}", frag, body=TRICKLE)
    s["patch-trickle-ifmatch"] = rec(PATCH, b"/whip/live/{id}", frag, if_match=b"{etag}",
                                     body=TRICKLE)
    s["patch-restart"] = rec(PATCH, b"/whip/live/{id}", frag, if_match=b"\"*\", {etag}",
                             body=RESTART)
    s["patch-restart-star"] = rec(PATCH, b"/whip/live/{id}", frag, if_match=b"*", body=RESTART)
    s["patch-restart-no-ifmatch"] = rec(PATCH, b"/whip/live/{id}", frag, body=RESTART)
    s["patch-weak"] = rec(PATCH, b"/whip/live/{id}", frag, if_match=b"W/{etag}", body=TRICKLE)
    s["delete"] = rec(DELETE, b"/whip/live/{id}", if_match=b"\"stale\"")
    s["delete-other-role"] = rec(DELETE, b"/whep/live/{id}")
    s["options-preflight"] = rec(OPTIONS, b"/whip/live", origin=ORIGIN, acrm=b"POST", authz=None)
    s["options-session"] = rec(OPTIONS, b"/whip/live/{id}", origin=b"https://evil.example",
                               acrm=b"PATCH", authz=None)
    s["get"] = rec(GET, b"/whip/live", authz=None)
    s["head-whep"] = rec(HEAD, b"/whep/live", authz=None, flags=64)
    s["get-session"] = rec(GET, b"/whip/live/{id}/", authz=None, flags=128)
    s["put"] = rec(PUT, b"/whip/live")
    s["other"] = rec(0, b"/whep/x/y/z")
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds()), sys.argv[1]))


if __name__ == "__main__":
    main()
