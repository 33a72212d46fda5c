#!/usr/bin/env python3
"""Write the seed corpus of fuzz_command (see fuzz_command.c for the input format).

usage: gen_command_seeds.py OUT_DIR

'f' + records [u16 LE len][name][u16 LE len][value] for field lists (Redis stream
entries), 'j' + body for JSON. Valid commands of every type, and near misses.
"""
import json
import os
import struct
import sys

FIELDS = {
    "say": [("type", "say"), ("session", "s-1"), ("text", "Hello, how can I help?"),
            ("voice", "en-us+f3")],
    "say-utf8": [("type", "say"), ("session", "s:2"), ("text", "caf\u00e9\nnext line\tok")],
    "play": [("type", "play"), ("session", "s1"), ("file", "prompts/welcome.opus"),
             ("node", "edge-1")],
    "set-all": [("type", "set"), ("session", "s1"), ("vad_sensitivity", "70"), ("stt", "off"),
                ("model", "en-us_small.v2")],
    "set-stt": [("type", "set"), ("session", "s1"), ("stt", "true")],
    "end": [("type", "end"), ("session", "s1")],
    "stop": [("type", "stop"), ("session", "s1")],
    "bad-type": [("type", "dance"), ("session", "s1")],
    "bad-dup": [("type", "end"), ("type", "end"), ("session", "s1")],
    "bad-path": [("type", "play"), ("session", "s1"), ("file", "a/../../etc/passwd")],
    "bad-vad": [("type", "set"), ("session", "s1"), ("vad_sensitivity", "101")],
    "bad-misplaced": [("type", "end"), ("session", "s1"), ("text", "hi")],
    "bad-nul": [("type", "end"), ("session", "s\x001")],
}

JSON = {
    "say": {"type": "say", "session": "s1", "text": "hi there", "voice": "en"},
    "set": {"type": "set", "session": "s1", "vad_sensitivity": 40, "stt": True,
            "model": "m1"},
    "play": {"type": "play", "session": "s1", "file": "a/b.opus"},
    "end": {"type": "end", "session": "s1", "node": "n1"},
    "bad-real": {"type": "set", "session": "s1", "vad_sensitivity": 4.5},
    "bad-null": {"type": "end", "session": None},
}


def record(s):
    b = s.encode("utf-8")
    return struct.pack("<H", len(b)) + b


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fields in FIELDS.items():
        data = b"f" + b"".join(record(k) + record(v) for k, v in fields)
        with open(os.path.join(out, "fields-" + name + ".bin"), "wb") as f:
            f.write(data)
    for name, obj in JSON.items():
        with open(os.path.join(out, "json-" + name + ".bin"), "wb") as f:
            f.write(b"j" + json.dumps(obj).encode())
    with open(os.path.join(out, "json-dup-key.bin"), "wb") as f:
        f.write(b'j{"type":"end","type":"say","session":"s"}')


if __name__ == "__main__":
    main()
