#!/usr/bin/python3
"""Seeds for fuzz_ice (tests/fuzz/corpus/ice/): scripts of records in the
format fuzz_ice.c reads, with Binding requests signed here (hmac, zlib).

    gen_ice_seeds.py OUTDIR
"""
import hashlib
import hmac
import os
import struct
import sys
import zlib

PWD = {"A": b"passwordApasswordApassA", "B": b"passwordBpasswordBpassB",
       "C": b"passwordCpasswordCpassC"}
USER = {"A": b"fuzA:peer", "B": b"fuzB:pee2", "C": b"fuzC:pee3"}
txn = [0]


def attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def stun(attrs, pwd=None, fp=True, cls=0x0001):
    """cls: the message type (0x0001 Binding request, 0x0011 indication, 0x0101 success)."""
    txn[0] += 1
    tid = struct.pack("!III", 0x1234, 0x5678, txn[0])
    body = b"".join(attrs)
    if pwd is not None:
        hdr = struct.pack("!HHI", cls, len(body) + 24, 0x2112A442) + tid
        body += attr(0x0008, hmac.new(pwd, hdr + body, hashlib.sha1).digest())
    if fp:
        hdr = struct.pack("!HHI", cls, len(body) + 8, 0x2112A442) + tid
        crc = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", cls, len(body), 0x2112A442) + tid + body


def req(creds="A", use=False, role="controlling", prio=1845501695, extra=(), fp=True,
        pwd=None, user=None, cls=0x0001):
    a = [attr(0x0006, user if user is not None else USER[creds])]
    if prio:
        a.append(attr(0x0024, struct.pack("!I", prio)))
    if role == "controlling":
        a.append(attr(0x802A, struct.pack("!Q", 0x1122334455667788)))
    elif role == "controlled":
        a.append(attr(0x8029, struct.pack("!Q", 0x1122334455667788)))
    if use:
        a.append(attr(0x0025, b""))
    a.extend(extra)
    return stun(a, PWD[creds] if pwd is None else pwd, fp, cls)


def pkt(msg, src=0, fix=0, fixfp=False):
    return bytes([0x10 if fixfp else 0, src | fix << 2]) + struct.pack("!H", len(msg)) + msg


def tick(us):
    return b"\x01" + struct.pack("!I", us)


def trickle(addr, prio, typ=0):
    return b"\x02" + bytes([addr]) + struct.pack("!I", prio) + bytes([typ])


def restart(which="B"):
    return b"\x03" if which == "B" else b"\x07"


SEC = 1000000
seeds = {
    "nominate_consent_expire": pkt(req()) + pkt(req(use=True)) + tick(5 * SEC) +
    pkt(req()) + tick(29 * SEC) + pkt(req(pwd=b"wrongwrongwrongwrongwr")) + tick(2 * SEC) +
    pkt(req()),
    "two_pairs_switch": pkt(req(use=True, prio=100), src=1) +
    pkt(req(use=True, prio=2000000000), src=2) + tick(10 * SEC) + pkt(req(prio=100), src=1) +
    tick(21 * SEC) + tick(30 * SEC),
    "restart": pkt(req(use=True)) + restart("B") + pkt(req("B"), src=1) + pkt(req()) +
    pkt(req("B", use=True), src=1) + pkt(req()) + restart("C") + pkt(req("C", use=True)),
    "trickle_prflx_ipv6": trickle(1, 2122260223) + pkt(req(), src=1) + pkt(req(), src=2) +
    trickle(2, 1694498815, 1) + pkt(req(use=True), src=3),
    "errors": pkt(req(role="controlled")) + pkt(req(role="both")) + pkt(req(prio=0)) +
    pkt(req(extra=[attr(0x0031, b"\1\2\3\4")])) + pkt(req(fp=False)) +
    pkt(req(user=b"nope:peer")) + pkt(req(user=b"fuzA:nope")) + pkt(req(user=b"fuzApeer")) +
    pkt(req(cls=0x0011)) + pkt(req(cls=0x0101)) + pkt(b"\x80\x60\x00\x00"),
    "fixup": pkt(req(pwd=b"x" * 22), fix=1, fixfp=True) + restart("B") +
    pkt(req("B", pwd=b"y" * 22, use=True), src=3, fix=2, fixfp=True),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "ice")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)


main()
