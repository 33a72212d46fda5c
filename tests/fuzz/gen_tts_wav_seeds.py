#!/usr/bin/python3
"""Seeds of fuzz_tts_wav: WAV files the play command may meet.

  gen_tts_wav_seeds.py OUTDIR

espeak-ng's own WAV (its streaming data size 0x7ffff000) cut to 6 KB, PCM 16-bit
mono and stereo at 8, 16, 22.05, 44.1 and 48 kHz (short tones), a LIST chunk before
the data, an odd-sized chunk with its pad byte, and near misses (8-bit, float,
3 channels, 96 kHz, a data size larger than the file, no data chunk).
"""
import math
import os
import struct
import subprocess
import sys
import tempfile


def wav(rate, ch, n, bits=16, fmt=1, extra=b"", data_size=None):
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) * ch
                      for i in range(n))
    if bits != 16:
        frames = frames[: n * ch * bits // 8]
    fmtc = struct.pack("<4sIHHIIHH", b"fmt ", 16, fmt, ch, rate, rate * ch * bits // 8,
                       ch * bits // 8, bits)
    body = fmtc + extra + struct.pack("<4sI", b"data",
                                      len(frames) if data_size is None else data_size) + frames
    return struct.pack("<4sI4s", b"RIFF", 4 + len(body), b"WAVE") + body


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "mono8k": wav(8000, 1, 400),
        "mono16k": wav(16000, 1, 800),
        "mono22k": wav(22050, 1, 1000),
        "stereo44k": wav(44100, 2, 1500),
        "mono48k": wav(48000, 1, 2000),
        "list-chunk": wav(16000, 1, 400, extra=struct.pack("<4sI", b"LIST", 5) + b"abcde\0"),
        "bits8": wav(16000, 1, 400, bits=8),
        "float": wav(16000, 1, 400, fmt=3),
        "chan3": wav(16000, 3, 200),
        "rate96k": wav(96000, 1, 400),
        "size-lies": wav(16000, 1, 400, data_size=0x7ffff000),
        "no-data": wav(16000, 1, 0)[:36],
    }
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "e.wav")
        subprocess.run(["espeak-ng", "-w", p, "hello from the edge"], check=True)
        seeds["espeak-ng"] = open(p, "rb").read()[:6000]
        r = subprocess.run(["espeak-ng", "--stdout", "stop"], check=True, capture_output=True)
        seeds["espeak-ng-stdout"] = r.stdout[:6000]
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".wav"), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), out))


if __name__ == "__main__":
    main()
