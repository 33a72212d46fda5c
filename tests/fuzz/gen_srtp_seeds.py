#!/usr/bin/python3
"""Seeds for fuzz_srtp (see fuzz_srtp.c for the input format), made with
pylibsrtp (Debian python3-pylibsrtp, libsrtp2 underneath) and the keys of
the libsrtp KATs that the fuzz target uses.

usage: /usr/bin/python3 tests/fuzz/gen_srtp_seeds.py tests/fuzz/corpus/srtp
"""
import os
import struct
import sys

from pylibsrtp import Policy, Session

CM = (bytes.fromhex("e1f97a0d3e018be0d64fa32c06de4139") +
      bytes.fromhex("0ec675ad498afeebb6960b3aabe6"), Policy.SRTP_PROFILE_AES128_CM_SHA1_80)
GCM = (bytes.fromhex("000102030405060708090a0b0c0d0e0f") +
       bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaab"), Policy.SRTP_PROFILE_AEAD_AES_128_GCM)


def session(prof):
    key, p = prof
    return Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND, srtp_profile=p))


def rtp(ssrc, seq, cc=0, ext=False, plen=40):
    b0 = 0x80 | (0x10 if ext else 0) | cc
    h = struct.pack("!BBHII", b0, 96, seq, seq * 160, ssrc) + b"\xc5\xc5\xc5\xc5" * cc
    if ext:
        h += b"\xbe\xde\x00\x01\x10\xaa\x00\x00"
    return h + bytes((seq + i) & 0xff for i in range(plen))


def rtcp(ssrc, words=6):
    return struct.pack("!BBHI", 0x80, 200, words + 1, ssrc) + bytes(range(4 * words))


def seed(flags, pkts):
    out = bytes([flags])
    for p in pkts:
        out += struct.pack("!H", len(p)) + p
    return out


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for name, prof, fl in (("cm", CM, 0), ("gcm", GCM, 1)):
        s = session(prof)
        # across the rollover, two SSRCs, CSRCs and an extension, a replay, a gap
        seqs = [65533, 65534, 65535, 0, 1, 5, 3, 6]
        plain = [rtp(0xcafebabe, q, cc=q % 3, ext=(q % 2 == 0), plen=20 + q % 50) for q in seqs]
        plain += [rtp(0x01020304, 100 + i) for i in range(4)]
        prot = [s.protect(p) for p in plain]
        seeds["%s-rtp-kat" % name] = seed(fl, [session(prof).protect(rtp(0xcafebabe, 0x1234))])
        seeds["%s-rtp-stream" % name] = seed(fl, prot + [prot[2]])
        seeds["%s-rtp-protect" % name] = seed(fl | 4, plain)
        rc = [s.protect_rtcp(rtcp(0xcafebabe, w)) for w in (0, 1, 6, 20)]
        rc += [s.protect_rtcp(rtcp(0x11111111)) for _ in range(3)]
        seeds["%s-rtcp-stream" % name] = seed(fl | 2, rc + [rc[1]])
        seeds["%s-rtcp-protect" % name] = seed(fl | 6, [rtcp(1), rtcp(2, 0), rtcp(1, 30)])
    seeds["garbage"] = seed(0, [b"", b"\x80", b"\x80" * 11, b"\x8f" + b"\x00" * 30])
    for k, v in seeds.items():
        with open(os.path.join(outdir, k), "wb") as f:
            f.write(v)


if __name__ == "__main__":
    main(sys.argv[1])
