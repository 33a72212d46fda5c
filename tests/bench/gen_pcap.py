#!/usr/bin/python3
"""Write the benchmark's input: a pcap of media-port UDP datagrams to rtcedge.

The mix is shaped like a media edge's inbound traffic: mostly RTP (PCMU,
20 ms: a 12-byte header and 160 bytes of payload), some compound RTCP
(SR + SDES, RR + SDES) and some STUN binding requests (ICE connectivity
checks / consent freshness, RFC 8445 §7.2.2, RFC 7675) with a real
MESSAGE-INTEGRITY and FINGERPRINT, from many remote addresses and ports,
all to 198.18.0.2:20000 with correct IPv4 and UDP checksums. Each flow
keeps its SSRC and advances its RTP sequence number and timestamp.

Runs under Debian's /usr/bin/python3 (scapy is python3-scapy).

usage: gen_pcap.py OUT.pcap [--frames N] [--flows N] [--dst-mac MAC] [--seed N]
"""
import argparse
import hashlib
import hmac
import random
import struct
import sys
import zlib

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.utils import wrpcap

DST_IP = "198.18.0.2"
MEDIA_PORT = 20000
# net_pcap's MAC for the first pcap vdev of a process (02:70:63:61:70:<n>)
PCAP_PMD_MAC = "02:70:63:61:70:00"

STUN_MAGIC = 0x2112A442


def stun_attr(typ, val):
    pad = (4 - len(val) % 4) % 4
    return struct.pack("!HH", typ, len(val)) + val + b"\0" * pad


def stun_binding_request(rng, ufrag_l, ufrag_r, pwd):
    """RFC 8489 binding request with ICE attributes, MESSAGE-INTEGRITY, FINGERPRINT."""
    tid = bytes(rng.getrandbits(8) for _ in range(12))
    attrs = stun_attr(0x0006, ("%s:%s" % (ufrag_l, ufrag_r)).encode())  # USERNAME
    attrs += stun_attr(0x0024, struct.pack("!I", 0x6E7F1EFF))  # PRIORITY
    attrs += stun_attr(0x802A, struct.pack("!Q", rng.getrandbits(64)))  # ICE-CONTROLLING
    attrs += stun_attr(0x0025, b"")  # USE-CANDIDATE
    # MESSAGE-INTEGRITY over the message with the length covering it (RFC 8489 §14.5)
    hdr = struct.pack("!HHI", 0x0001, len(attrs) + 24, STUN_MAGIC) + tid
    mac = hmac.new(pwd.encode(), hdr + attrs, hashlib.sha1).digest()
    attrs += stun_attr(0x0008, mac)
    # FINGERPRINT (RFC 8489 §14.7)
    hdr = struct.pack("!HHI", 0x0001, len(attrs) + 8, STUN_MAGIC) + tid
    crc = (zlib.crc32(hdr + attrs) ^ 0x5354554E) & 0xFFFFFFFF
    attrs += stun_attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", 0x0001, len(attrs), STUN_MAGIC) + tid + attrs


def rtp_packet(rng, fl):
    fl["seq"] = (fl["seq"] + 1) & 0xFFFF
    fl["ts"] = (fl["ts"] + 160) & 0xFFFFFFFF
    hdr = struct.pack("!BBHII", 0x80, fl["pt"], fl["seq"], fl["ts"], fl["ssrc"])
    return hdr + bytes(rng.getrandbits(8) for _ in range(160))


def rtcp_compound(rng, fl):
    """SR (or RR) with one report block, then SDES CNAME (RFC 3550 §6.1)."""
    block = struct.pack("!IIIIII", fl["peer_ssrc"], rng.getrandbits(32) & 0x00FFFFFF,
                        fl["seq"], rng.getrandbits(16), rng.getrandbits(32), 0)
    if fl["sends"]:
        body = struct.pack("!IIIIII", fl["ssrc"], rng.getrandbits(32), rng.getrandbits(32),
                           fl["ts"], fl["seq"], fl["seq"] * 172) + block
        first = struct.pack("!BBH", 0x81, 200, len(body) // 4) + body
    else:
        body = struct.pack("!I", fl["ssrc"]) + block
        first = struct.pack("!BBH", 0x81, 201, len(body) // 4) + body
    cname = ("%08x@rtcbench" % fl["ssrc"]).encode()
    item = struct.pack("!BB", 1, len(cname)) + cname + b"\0"
    item += b"\0" * ((4 - (4 + len(item)) % 4) % 4)
    sdes_body = struct.pack("!I", fl["ssrc"]) + item
    sdes = struct.pack("!BBH", 0x81, 202, len(sdes_body) // 4) + sdes_body
    return first + sdes


def make_flows(rng, n):
    flows = []
    for i in range(n):
        flows.append({
            # documentation and CGNAT ranges: never ours, never multicast/broadcast
            "src": "100.%d.%d.%d" % (64 + i % 64, rng.randrange(256), 1 + rng.randrange(254)),
            "sport": 10000 + rng.randrange(50000),
            "mac": "02:00:5e:%02x:%02x:%02x" % (i >> 8 & 0xFF, i & 0xFF, rng.randrange(256)),
            "ssrc": rng.getrandbits(32),
            "peer_ssrc": rng.getrandbits(32),
            "seq": rng.randrange(65536),
            "ts": rng.getrandbits(32),
            "pt": rng.choice((0, 8)),  # PCMU / PCMA: 160 bytes per 20 ms
            "sends": rng.random() < 0.5,
            "ufrag": "%08x" % rng.getrandbits(32),
        })
    return flows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--frames", type=int, default=1024)
    ap.add_argument("--flows", type=int, default=64)
    ap.add_argument("--dst-mac", default=PCAP_PMD_MAC)
    ap.add_argument("--seed", type=int, default=7983)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    flows = make_flows(rng, a.flows)
    frames = []
    counts = {"rtp": 0, "rtcp": 0, "stun": 0}
    for i in range(a.frames):
        fl = flows[rng.randrange(len(flows))]
        r = rng.random()
        if r < 0.03:
            payload, kind = stun_binding_request(rng, "rtce", fl["ufrag"], "benchpassword0123456789"), "stun"
        elif r < 0.06:
            payload, kind = rtcp_compound(rng, fl), "rtcp"
        else:
            payload, kind = rtp_packet(rng, fl), "rtp"
        counts[kind] += 1
        p = (Ether(src=fl["mac"], dst=a.dst_mac) /
             IP(src=fl["src"], dst=DST_IP, ttl=58, id=rng.randrange(65536), flags="DF") /
             UDP(sport=fl["sport"], dport=MEDIA_PORT) / payload)
        p.time = 1700000000 + i * 0.0002
        frames.append(p)
    wrpcap(a.out, frames)
    sizes = [len(bytes(p)) for p in frames]
    print("%s: %d frames (rtp %d, rtcp %d, stun %d), %d flows, %d..%d bytes, mean %.1f" %
          (a.out, len(frames), counts["rtp"], counts["rtcp"], counts["stun"], a.flows,
           min(sizes), max(sizes), sum(sizes) / len(sizes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
