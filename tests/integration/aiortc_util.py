"""What the aiortc media tests share: the script's entry (skips, a private network
namespace), waiting for a peer connection, recording a received audio track,
and reading the REST port's Server-Sent Events in a thread.

Run with Debian's /usr/bin/python3 (aiortc, numpy). Every test that uses
main_in_netns() runs again inside a namespace it creates and deletes
(rtcedge_proc.netns_reexec).
"""
import asyncio
import http.client
import json
import shutil
import sys
import threading
import time

from rtcedge_proc import failures, netns_reexec


def main_in_netns(script, run, need=("aiortc", "numpy"), tools=("espeak-ng",), flags=()):
    """The test's main(): outside, check @tools and re-run @script in a namespace (with the
    @flags of sys.argv); inside (--inner), asyncio.run(run(exe)). Its exit code."""
    exe = sys.argv[1]
    if "--inner" not in sys.argv:
        missing = [t for t in tools if shutil.which(t) is None]
        if missing:
            print("SKIP: no %s" % ", ".join(missing))
            return 77
        return netns_reexec(script, [exe] + [f for f in flags if f in sys.argv], need=need)
    asyncio.run(run(exe))
    print("%d failures" % len(failures))
    return 1 if failures else 0


async def wait_connected(pc, timeout=20):
    """Until @pc is connected or failed, at most @timeout s; its state."""
    end = time.monotonic() + timeout
    while pc.connectionState not in ("connected", "failed") and time.monotonic() < end:
        await asyncio.sleep(0.1)
    return pc.connectionState


def record_audio(pc, rec, stamped=False):
    """Append every decoded audio frame of @pc's remote tracks to @rec as (rate, mono
    samples), or (arrival time, rate, mono samples) when @stamped."""
    import numpy as np

    def on_track(track):
        if track.kind != "audio":
            return

        async def pull():
            while True:
                try:
                    f = await track.recv()
                except Exception:
                    return
                a = f.to_ndarray().astype(np.float64).reshape(-1, len(f.layout.channels))
                item = (f.sample_rate, a.mean(axis=1))
                rec.append((time.monotonic(),) + item if stamped else item)
        asyncio.ensure_future(pull())
    pc.on("track", on_track)


def to16k(frames):
    """Recorded (rate, samples) frames as one 16 kHz signal (linear interpolation)."""
    import numpy as np
    rate = frames[0][0]
    x = np.concatenate([a for _, a in frames])
    t = np.arange(0, len(x) / rate, 1 / 16000.0)
    return np.interp(t, np.arange(len(x)) / rate, x)


def sse_start(port):
    """Read GET /v1/events on 127.0.0.1:@port in a thread: (events, stop). @events fills with
    (event name, parsed data); stop.set() ends the reading at the next line."""
    events, stop = [], threading.Event()

    def reader():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/v1/events")
        r = c.getresponse()
        msg = {}
        while not stop.is_set():
            line = r.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line == "":
                if "data" in msg:
                    events.append((msg.get("event"), json.loads(msg["data"])))
                msg = {}
            elif not line.startswith(":"):
                k, _, v = line.partition(": ")
                msg[k] = v
    threading.Thread(target=reader, daemon=True).start()
    return events, stop
