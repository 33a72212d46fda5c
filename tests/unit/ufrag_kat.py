#!/usr/bin/python3
"""Known answers for dataplane/proto/ufrag.c, computed independently of it.

This is the ufrag routing label of docs/ufrag.md written again from the spec,
in plain Python (standard library only: hmac, hashlib), without looking at or
calling the C code:

  K      = HMAC-SHA256(cluster secret, "rtcedge ufrag label v1")[:16]
  F      = version(2) | key_id(1) | node(12) | worker(6) | slot(20) | generation(27)
  mac    = SipHash-2-4(K, F as 9 bytes big-endian)       (a 68-bit F, top 4 bits zero)
  label  = (F << 64 | mac) as 132 bits, 6 bits per character, most significant
           first, in A-Z a-z 0-9 + /

SipHash-2-4 is checked against the reference vectors of the paper
(Aumasson, Bernstein, "SipHash: a fast short-input PRF", 2012, vectors_sip64:
key 00..0f, message 00..len-1) before anything is printed.

usage:
  ufrag_kat.py                   print the vectors as C initialisers
                                 (pasted into tests/unit/test_ufrag.c and the
                                 self-test in dataplane/proto/ufrag.c)
  ufrag_kat.py --write-seeds DIR write fuzz seeds (tests/fuzz/corpus/ufrag/):
                                 labels under the fuzzer's secrets, USERNAMEs
"""
import hashlib
import hmac
import os
import sys

MASK = (1 << 64) - 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
CONTEXT = b"rtcedge ufrag label v1"


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def sipround(v):
    v0, v1, v2, v3 = v
    v0 = (v0 + v1) & MASK
    v1 = rotl(v1, 13)
    v1 ^= v0
    v0 = rotl(v0, 32)
    v2 = (v2 + v3) & MASK
    v3 = rotl(v3, 16)
    v3 ^= v2
    v0 = (v0 + v3) & MASK
    v3 = rotl(v3, 21)
    v3 ^= v0
    v2 = (v2 + v1) & MASK
    v1 = rotl(v1, 17)
    v1 ^= v2
    v2 = rotl(v2, 32)
    return [v0, v1, v2, v3]


def siphash24(key, msg):
    """SipHash-2-4 as in the paper, §2: returns the 64-bit value v0^v1^v2^v3."""
    k0 = int.from_bytes(key[0:8], "little")
    k1 = int.from_bytes(key[8:16], "little")
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D,
         k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]
    n = len(msg)
    end = n - n % 8
    blocks = [int.from_bytes(msg[i:i + 8], "little") for i in range(0, end, 8)]
    last = ((n & 0xFF) << 56) | int.from_bytes(msg[end:], "little")
    for m in blocks + [last]:
        v[3] ^= m
        v = sipround(sipround(v))
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        v = sipround(v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


# vectors_sip64 of the reference implementation, as little-endian integers
PAPER = {0: 0x726FDB47DD0E0E31, 1: 0x74F839C593DC67FD, 8: 0x93F5F5799A932462,
         9: 0x9E0082DF0BA9E4B0, 15: 0xA129CA6149BE45E5}


def check_siphash():
    key = bytes(range(16))
    for n, want in PAPER.items():
        got = siphash24(key, bytes(range(n)))
        assert got == want, "siphash len %d: %016x != %016x" % (n, got, want)


def derive(secret):
    return hmac.new(secret, CONTEXT, hashlib.sha256).digest()[:16]


def label(secret, key_id, node, worker, slot, gen, version=1):
    assert version < 4 and key_id < 2 and node < 1 << 12 and worker < 1 << 6
    assert slot < 1 << 20 and gen < 1 << 27
    f = version
    for val, bits in ((key_id, 1), (node, 12), (worker, 6), (slot, 20), (gen, 27)):
        f = (f << bits) | val
    mac = siphash24(derive(secret), f.to_bytes(9, "big"))
    whole = (f << 64) | mac
    return "".join(ALPHABET[(whole >> (6 * (21 - i))) & 63] for i in range(22))


# (secret, key_id, node, worker, slot, generation): the committed vectors
SECRET_A = b"rtcedge test cluster secret 0001"
SECRET_B = b"rtcedge test cluster secret 0002"
VECTORS = [
    (SECRET_A, 0, 0, 0, 0, 0),
    (SECRET_A, 0, 4095, 63, (1 << 20) - 1, (1 << 27) - 1),
    (SECRET_A, 0, 1234, 17, 654321, 98765432),
    (SECRET_A, 0, 1, 1, 1, 1),
    (SECRET_B, 1, 7, 3, 42, 5),
    (SECRET_B, 1, 4095, 0, 0, (1 << 27) - 1),
]

# what tests/fuzz/fuzz_ufrag.c accepts (keep in step with it)
FUZZ_SECRETS = [b"fuzz ufrag cluster secret, id 0", b"fuzz ufrag cluster secret, id 1"]


def c_string(b):
    return '"' + "".join(chr(c) if 32 <= c < 127 and chr(c) not in '"\\' else "\\x%02x" % c
                         for c in b) + '"'


def print_vectors():
    print("/* tests/unit/ufrag_kat.py: secret, key id, node, worker, slot, generation, label */")
    for secret, kid, node, worker, slot, gen in VECTORS:
        print("\t{%s, %d, %d, %d, %d, %d, \"%s\"}," % (
            c_string(secret), kid, node, worker, slot, gen,
            label(secret, kid, node, worker, slot, gen)))
    print("/* K = HMAC-SHA256(%s, %s)[:16] = %s */" % (
        c_string(SECRET_A), c_string(CONTEXT), derive(SECRET_A).hex()))


def write_seeds(d):
    os.makedirs(d, exist_ok=True)
    seeds = {}
    fields = [(0, 0, 0, 0), (4095, 63, (1 << 20) - 1, (1 << 27) - 1), (12, 3, 4567, 89)]
    for kid, secret in enumerate(FUZZ_SECRETS):
        for i, (node, worker, slot, gen) in enumerate(fields):
            lab = label(secret, kid, node, worker, slot, gen)
            seeds["label-k%d-%d" % (kid, i)] = lab.encode()
            seeds["username-k%d-%d" % (kid, i)] = (lab + ":v8Lx").encode()
    lab = label(FUZZ_SECRETS[0], 0, 1, 2, 3, 4)
    seeds["mutant-char"] = (lab[:5] + ("B" if lab[5] != "B" else "C") + lab[6:]).encode()
    seeds["mutant-short"] = lab[:21].encode()
    seeds["mutant-long"] = (lab + "A").encode()
    seeds["mutant-version"] = ("A" + lab[1:]).encode()
    seeds["username-2colons"] = (lab + ":ab:cd").encode()
    seeds["username-bad-char"] = (lab + ":ab-cd").encode()
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds), d))


def main():
    check_siphash()
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":
        write_seeds(sys.argv[2])
    elif len(sys.argv) == 1:
        print_vectors()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
