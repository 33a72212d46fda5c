#!/usr/bin/python3
"""A real browser through the dataplane: headless Chromium (Debian chromium, fake
capture devices) publishes with WHIP and plays the same stream back with WHEP,
from a page served on another origin, to rtcedge on net_tap in a network
namespace this test creates.

  media_chromium.py RTCEDGE

The page (one RTCPeerConnection per role) must reach "connected" for both
(ICE on the worker, DTLS on the control lcore, SRTP on the worker), and the
player's getStats() must show video frames decoded and audio samples with
energy received: every packet went browser -> worker -> browser. Then the
player restarts ICE through a PATCH with If-Match (RFC 9725 §4.3.3) and must
stay connected and go on decoding; REST shows the restart done. The page
reports to a loopback server in the namespace. Chromium runs in its own
process group with a fresh profile and is ended by its id. Skips (77)
without root, TAP or /usr/bin/chromium.
"""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rtcedge_proc import TAP_IF, check, failures, netns_reexec, tap_up  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PLAY_S = 5
REMB_KBPS = 150  # below Chromium's start bitrate (300 kbit/s): its video must come down

PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
const WHIP = '%(base)s/whip/chrome', WHEP = '%(base)s/whep/chrome';
const etagOf = {};
async function decoded(pc) {
  let n = 0;
  (await pc.getStats()).forEach(st => {
    if (st.type === 'inbound-rtp' && st.kind === 'video') n = st.framesDecoded; });
  return n;
}
async function connect(pc, url) {
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                body: pc.localDescription.sdp});
  const text = await res.text();
  if (res.status !== 201) throw new Error(url + ' ' + res.status + ' ' + text);
  await pc.setRemoteDescription({type: 'answer', sdp: text});
  await new Promise((ok, ko) => {
    const t = setTimeout(() => ko(new Error(url + ' not connected: ' + pc.connectionState)), 20000);
    const check = () => {
      if (pc.connectionState === 'connected') { clearTimeout(t); ok(); }
      if (pc.connectionState === 'failed') { clearTimeout(t); ko(new Error(url + ' failed')); }
    };
    pc.onconnectionstatechange = check; check();
  });
  etagOf[res.headers.get('Location')] = res.headers.get('ETag');
  return res.headers.get('Location');
}
(async () => {
  const r = {};
  try {
    const s = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
    const pub = new RTCPeerConnection();
    for (const t of s.getTracks()) pub.addTransceiver(t, {direction: 'sendonly', streams: [s]});
    r.whip_location = await connect(pub, WHIP);
    r.publisher = pub.connectionState;
    const play = new RTCPeerConnection();
    /* audio is decoded only when something plays it */
    play.ontrack = e => {
      if (e.track.kind !== 'audio') return;
      const a = new Audio(); a.srcObject = new MediaStream([e.track]); a.play();
    };
    play.addTransceiver('audio', {direction: 'recvonly'});
    play.addTransceiver('video', {direction: 'recvonly'});
    r.whep_location = await connect(play, WHEP);
    r.player = play.connectionState;
    await new Promise(ok => setTimeout(ok, %(play_ms)d));
    /* the publisher's video bitrate over 3 s: rtcedge's REMB caps it */
    const sent = async () => { let b = 0; (await pub.getStats()).forEach(st => {
      if (st.type === 'outbound-rtp' && st.kind === 'video') b = st.bytesSent; }); return b; };
    const b0 = await sent();
    await new Promise(ok => setTimeout(ok, 3000));
    r.pub_video_kbps = ((await sent()) - b0) * 8 / 3000;
    /* ICE restart of the player (RFC 9725 §4.3.3): new credentials in a PATCH with If-Match,
     * ours back in the 200's fragment, media must go on */
    const framesBefore = await decoded(play);
    play.restartIce();
    const offer = await play.createOffer();
    await play.setLocalDescription(offer);
    const ufrag = /a=ice-ufrag:(\S+)/.exec(offer.sdp)[1], pwd = /a=ice-pwd:(\S+)/.exec(offer.sdp)[1];
    const mid = /a=mid:(\S+)/.exec(offer.sdp)[1];
    const patch = await fetch('%(base)s' + r.whep_location, {method: 'PATCH',
      headers: {'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': etagOf[r.whep_location]},
      body: 'a=ice-ufrag:' + ufrag + '\\r\\na=ice-pwd:' + pwd + '\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 0\\r\\na=mid:' + mid + '\\r\\n'});
    r.restart_status = patch.status;
    const frag = await patch.text();
    const nu = /a=ice-ufrag:(\S+)/.exec(frag)[1], np = /a=ice-pwd:(\S+)/.exec(frag)[1];
    const ans = play.remoteDescription.sdp.replace(/a=ice-ufrag:\S+/g, 'a=ice-ufrag:' + nu)
                                          .replace(/a=ice-pwd:\S+/g, 'a=ice-pwd:' + np);
    await play.setRemoteDescription({type: 'answer', sdp: ans});
    await new Promise(ok => setTimeout(ok, 3000));
    r.player_after_restart = play.connectionState;
    r.frames_after_restart = (await decoded(play)) - framesBefore;
    (await play.getStats()).forEach(st => {
      if (st.type === 'inbound-rtp' && st.kind === 'video') {
        r.video_packets = st.packetsReceived; r.frames_decoded = st.framesDecoded;
        r.frame_width = st.frameWidth;
      }
      if (st.type === 'inbound-rtp' && st.kind === 'audio') {
        r.audio_packets = st.packetsReceived; r.samples = st.totalSamplesReceived;
        r.audio_energy = st.totalAudioEnergy; r.concealed = st.concealedSamples;
      }
    });
    (await pub.getStats()).forEach(st => {
      if (st.type === 'outbound-rtp' && st.kind === 'video') r.pub_video_packets = st.packetsSent;
    });
  } catch (e) {
    r.error = String(e);
  }
  await fetch('/result', {method: 'POST', body: JSON.stringify(r)});
})();
</script></body></html>
"""



class Handler(http.server.BaseHTTPRequestHandler):
    page = b""
    result = None
    done = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(Handler.page)

    def do_POST(self):
        Handler.result = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.send_response(204)
        self.end_headers()
        Handler.done.set()


def inner(exe):
    from rtcedge_proc import Daemon

    d = Daemon(exe, ["http.rate_limit=0", "session.idle_timeout_s=0",
                     "session.max_bitrate_kbps=%d" % REMB_KBPS], name="chr",
               vdev="net_tap0,iface=" + TAP_IF)
    d.start()
    profile = tempfile.mkdtemp(prefix="rtcedge-chromium-")
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    Handler.page = (PAGE % {"base": "http://127.0.0.1:%d" % d.http_port,
                            "play_ms": PLAY_S * 1000}).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proc = None
    r = {}
    try:
        tap_up()
        # the page's origin (this server's port) differs from the WHIP endpoint's: CORS
        url = "http://127.0.0.1:%d/" % server.server_address[1]
        proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--use-fake-device-for-media-stream",
             "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required",
             "--remote-debugging-port=0", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        finished = Handler.done.wait(90)
        check(finished, "the page reported")
        if finished:
            r = json.loads(Handler.result)
        print("page:", json.dumps(r))
        check("error" not in r, "no error in the page", r.get("error"))
        check(r.get("publisher") == "connected", "Chromium WHIP publisher connected")
        check(r.get("player") == "connected", "Chromium WHEP player connected")
        check((r.get("frames_decoded") or 0) >= 30, "the player decodes video frames",
              r.get("frames_decoded"))
        check((r.get("samples") or 0) >= 48000 and (r.get("audio_energy") or 0) > 0,
              "the player receives audio with energy", (r.get("samples"), r.get("audio_energy")))
        check(0 < (r.get("pub_video_kbps") or 0) <= REMB_KBPS * 1.3,
              "REMB caps the publisher's video (session.max_bitrate_kbps=%d)" % REMB_KBPS,
              r.get("pub_video_kbps"))
        check(r.get("restart_status") == 200, "ICE restart PATCH 200", r.get("restart_status"))
        check(r.get("player_after_restart") == "connected" and
              (r.get("frames_after_restart") or 0) >= 15,
              "media goes on after the ICE restart (frames decoded in the 3 s after)",
              (r.get("player_after_restart"), r.get("frames_after_restart")))
        whep = d.rest_json("GET", "/v1/sessions/" + r.get("whep_location", "/x/x/x").rsplit("/", 1)[1],
                           ) if r.get("whep_location") else {}
        check(whep.get("ice", {}).get("restarts") == 1 and not whep["ice"]["restarting"],
              "REST: the restart completed on the worker", whep.get("ice"))
        c = d.rest_json("GET", "/v1/stats")["workers"][0]["counters"]
        print("worker: srtp_rx %d fwd_rtp %d pli_sent %d remb_sent %d" % (
            c["srtp_rx"], c["fwd_rtp"], c["pli_sent"], c["remb_sent"]))
        check(c["fwd_rtp"] > 100, "the worker forwarded the browser's RTP", c["fwd_rtp"])
        # the same browser on both ends: the same extmap ids, the blocks pass whole
        print("header extensions: fwd_ext_kept %d fwd_ext_dropped %d fwd_ext_malformed %d" % (
            c["fwd_ext_kept"], c["fwd_ext_dropped"], c["fwd_ext_malformed"]))
        check(c["fwd_ext_kept"] >= c["fwd_rtp"] and c["fwd_ext_malformed"] == 0,
              "the browser's header extensions forwarded, none malformed",
              (c["fwd_ext_kept"], c["fwd_rtp"], c["fwd_ext_malformed"]))
    finally:
        if proc is not None:
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
        rc = d.stop()
        if failures:
            print(d.tail(20))
    check(rc == 0, "rtcedge exits 0", rc)


def main():
    exe = sys.argv[1]
    if "--inner" not in sys.argv:
        if not os.access(CHROMIUM, os.X_OK):
            print("SKIP: %s not installed (apt-get install chromium)" % CHROMIUM)
            return 77
        return netns_reexec(__file__, [exe])
    inner(exe)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
