#!/usr/bin/python3
"""Known answers for the HS256 JWT check of ctrlplane/auth.c, minted independently.

The tokens are written here from RFC 7519 / RFC 7515 / RFC 7518 §3.2 with the
Python standard library only (hmac, hashlib, base64, json), without looking
at or calling the C code:

  token = b64url(header) "." b64url(claims) "." b64url(HMAC-SHA256(secret, first two parts))

b64url is RFC 4648 §5 without padding (RFC 7515 §2). The script checks its
own HMAC against RFC 4231 test case 2 before printing anything.

Each vector is (name, token, stream, role, now, expected verdict): the
verdict is what auth.h documents for that token (AUTH_OK, AUTH_INVALID,
AUTH_EXPIRED, AUTH_FORBIDDEN).

usage:
  jwt_kat.py      print the vectors as C initialisers (pasted into tests/unit/test_auth.c)
"""
import base64
import hashlib
import hmac
import json
import sys

SECRET = b"rtcedge test jwt secret, 32+ bytes long!"
OTHER_SECRET = b"another jwt secret of enough length, 0002"
NOW = 1800000000


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def sign(signing, key=SECRET, digest=hashlib.sha256):
    return b64url(hmac.new(key, signing.encode(), digest).digest())


def jwt(claims, header=None, key=SECRET, digest=hashlib.sha256, raw_claims=None):
    if header is None:
        header = {"alg": "HS256", "typ": "JWT"}
    h = b64url(compact(header))
    c = b64url(raw_claims if raw_claims is not None else compact(claims))
    signing = h + "." + c
    return signing + "." + sign(signing, key, digest)


def check_hmac():
    # RFC 4231 §4.3, test case 2
    got = hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha256).hexdigest()
    assert got == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", got

def noncanonical(tok):
    """Flip the unused low bits of the last signature character: same bytes, other text."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(tok[-1])
    assert last & 3 == 0  # 32 bytes = 42 chars + 4 bits: the last char has 2 spare bits
    alt = tok[:-1] + alphabet[last | 1]
    assert base64.urlsafe_b64decode(alt[alt.rindex(".") + 1:] + "=") == \
        base64.urlsafe_b64decode(tok[tok.rindex(".") + 1:] + "=")
    return alt


def vectors():
    v = []
    good = {"stream": "live", "role": "publish", "exp": NOW + 3600}
    t_good = jwt(good)
    v.append(("good_publish", t_good, "live", "PUBLISH", NOW, "AUTH_OK"))
    v.append(("good_publish_other_stream", t_good, "other", "PUBLISH", NOW, "AUTH_FORBIDDEN"))
    v.append(("good_publish_as_play", t_good, "live", "PLAY", NOW, "AUTH_FORBIDDEN"))
    t = jwt({"stream": "cam*", "role": "play", "exp": NOW + 60, "nbf": NOW - 60})
    v.append(("prefix_play", t, "cam-7", "PLAY", NOW, "AUTH_OK"))
    v.append(("prefix_play_miss", t, "live", "PLAY", NOW, "AUTH_FORBIDDEN"))
    t = jwt({"stream": "*", "role": "any", "exp": NOW + 1})
    v.append(("any_any", t, "whatever", "PUBLISH", NOW, "AUTH_OK"))
    v.append(("any_any_play", t, "x", "PLAY", NOW, "AUTH_OK"))
    # exp is the first second the token is no longer valid (RFC 7519 §4.1.4)
    t = jwt({"stream": "live", "role": "publish", "exp": NOW})
    v.append(("expired_at_exp", t, "live", "PUBLISH", NOW, "AUTH_EXPIRED"))
    v.append(("valid_before_exp", t, "live", "PUBLISH", NOW - 1, "AUTH_OK"))
    t = jwt({"stream": "live", "role": "publish", "exp": NOW + 3600, "nbf": NOW + 10})
    v.append(("nbf_future", t, "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("nbf_reached", t, "live", "PUBLISH", NOW + 10, "AUTH_OK"))
    # algorithm confusion: "none" unsigned, "none" signed, HS512
    h = b64url(compact({"alg": "none", "typ": "JWT"})) + "." + b64url(compact(good))
    v.append(("alg_none_unsigned", h + ".", "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("alg_none_signed", jwt(good, header={"alg": "none"}), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    v.append(("alg_hs512_header", jwt(good, header={"alg": "HS512", "typ": "JWT"}), "live",
              "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("alg_hs512_signed", jwt(good, header={"alg": "HS512", "typ": "JWT"},
                                      digest=hashlib.sha512), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    v.append(("alg_missing", jwt(good, header={"typ": "JWT"}), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    # signature
    v.append(("other_key", jwt(good, key=OTHER_SECRET), "live", "PUBLISH", NOW, "AUTH_INVALID"))
    parts = t_good.split(".")
    tampered = parts[0] + "." + b64url(compact({"stream": "live", "role": "publish",
                                                 "exp": NOW + 999999})) + "." + parts[2]
    v.append(("tampered_claims", tampered, "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("sig_noncanonical", noncanonical(t_good), "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("sig_truncated", t_good[:-1], "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("sig_padded", t_good + "=", "live", "PUBLISH", NOW, "AUTH_INVALID"))
    # well signed, bad claims
    v.append(("no_exp", jwt({"stream": "live", "role": "publish"}), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    v.append(("exp_string", jwt({"stream": "live", "role": "publish", "exp": str(NOW + 60)}),
              "live", "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("bad_role", jwt({"stream": "live", "role": "admin", "exp": NOW + 60}), "live",
              "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("bad_stream", jwt({"stream": "a/b", "role": "publish", "exp": NOW + 60}), "a/b",
              "PUBLISH", NOW, "AUTH_INVALID"))
    v.append(("claims_not_json", jwt(None, raw_claims=b"not json"), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    v.append(("claims_array", jwt(None, raw_claims=b"[1,2]"), "live", "PUBLISH", NOW,
              "AUTH_INVALID"))
    return v


def main():
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    check_hmac()
    print("/* tests/unit/jwt_kat.py: name, token, stream, role, now, verdict */")
    for name, tok, stream, role, now, verdict in vectors():
        print('\t{"%s",\n\t\t"%s",\n\t\t"%s", AUTH_ROLE_%s, %d, %s},' %
              (name, tok, stream, role, now, verdict))


if __name__ == "__main__":
    main()
