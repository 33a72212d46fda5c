#!/usr/bin/python3
"""Our SDP answers, taken by a real browser: headless Chromium (Debian chromium).

usage: sdp_chromium.py SDP_ANSWER_TOOL

A loopback HTTP server serves a page and answers its POSTed offers with
sdp_answer_tool (ctrlplane/sdp_answer.c), as a WHIP/WHEP endpoint would. The
page, in headless Chromium with fake capture devices, makes three offers
(WHIP: camera+mic sendonly; WHEP: recvonly transceivers; voice: sendrecv),
POSTs each, applies our answer with setRemoteDescription and reports the
outcome back to the server. Each must end 'stable' with the directions we
answered. Exits 77 (skipped) without /usr/bin/chromium.

Chromium runs in its own process group with a new --user-data-dir, only on
loopback, and is ended by its id when the page has reported (or after 90 s).
"""
import http.server
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
TOOL = sys.argv[1] if len(sys.argv) > 1 else "build/tests/unit/sdp_answer_tool"

PAGE = b"""<!doctype html><html><body><pre id="out">pending</pre><script>
const log = [];
async function one(name, mode, dir, media) {
  const pc = new RTCPeerConnection();
  try {
    if (media) {
      const s = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
      for (const t of s.getTracks()) pc.addTransceiver(t, {direction: dir, streams: [s]});
    } else {
      pc.addTransceiver('audio', {direction: dir});
      pc.addTransceiver('video', {direction: dir});
    }
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise(r => {
      if (pc.iceGatheringState === 'complete') r();
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); };
      setTimeout(r, 3000);
    });
    const res = await fetch('/offer?mode=' + mode, {method: 'POST',
      headers: {'Content-Type': 'application/sdp'}, body: pc.localDescription.sdp});
    const text = await res.text();
    if (res.status !== 201) { log.push(name + ' REFUSED ' + res.status + ' ' + text); return; }
    await pc.setRemoteDescription({type: 'answer', sdp: text});
    log.push(name + ' ACCEPTED ' + pc.signalingState + ' ' +
      pc.getTransceivers().map(t => t.currentDirection).join(','));
  } catch (e) {
    log.push(name + ' ERROR ' + e);
  } finally {
    pc.close();
  }
}
(async () => {
  await one('whip', 'whip', 'sendonly', true);
  await one('whep', 'whep', 'recvonly', false);
  await one('voice', 'voice', 'sendrecv', true);
  await fetch('/result', {method: 'POST', body: log.join('\\n')});
})();
</script></body></html>
"""

EXPECT = {
    "whip": "ACCEPTED stable sendonly,sendonly",
    "whep": "ACCEPTED stable recvonly,recvonly",
    "voice": "ACCEPTED stable sendrecv,sendrecv",
}


class Handler(http.server.BaseHTTPRequestHandler):
    result = None
    done = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(PAGE)

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if url.path == "/result":
            Handler.result = body.decode()
            self.send_response(204)
            self.end_headers()
            Handler.done.set()
            return
        mode = urllib.parse.parse_qs(url.query).get("mode", ["whip"])[0]
        p = subprocess.run([TOOL, "--mode", mode], input=body, capture_output=True, timeout=30)
        self.send_response(201 if p.returncode == 0 else 422)
        self.send_header("Content-Type", "application/sdp")
        self.end_headers()
        self.wfile.write(p.stdout if p.returncode == 0 else p.stderr)


def main():
    if not os.access(CHROMIUM, os.X_OK):
        print(f"SKIP: {CHROMIUM} not installed (apt-get install chromium)")
        return 77
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    profile = tempfile.mkdtemp(prefix="rtcedge-chromium-")
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--use-fake-device-for-media-stream",
         "--use-fake-ui-for-media-stream", "--remote-debugging-port=0", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        finished = Handler.done.wait(90)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started, by its id
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    if not finished:
        print("FAIL: the page did not report within 90 s")
        print("0 passed, 3 failed")
        return 1
    got = dict(line.split(" ", 1) for line in Handler.result.splitlines() if " " in line)
    failed = 0
    for name, want in EXPECT.items():
        ok = got.get(name) == want
        failed += not ok
        print(f"{'ok' if ok else 'FAIL'}: {name}: {got.get(name, 'no result')}")
    print(f"{len(EXPECT) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
