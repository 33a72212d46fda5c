#!/usr/bin/python3
"""WHIP/WHEP and the REST port against the real daemon, over real HTTP.

Every status code of docs/whip.md reached by a real request, offers from the
real-client SDPs in tests/vectors/sdp answered, PATCH trickle and ICE
restart, DELETE freeing the worker's session slot, CORS as a browser sends
it, static and signed (JWT) tokens incl. expiry and wrong role, drain,
limits, rate limit, and every REST answer checked against docs/openapi.json.

  whip_http.py RTCEDGE
Requirement ids (W*, E*) are those of docs/whip.md.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rtcedge_proc import Daemon  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VEC = os.path.join(ROOT, "tests", "vectors", "sdp")
OPENAPI = os.path.join(ROOT, "docs", "openapi.json")
SDP = "application/sdp"
FRAG = "application/trickle-ice-sdpfrag"
JWT_KEY = "k" * 20 + "-integration-test-key"
PUB = "pub-token-123"
PLAY = "play-token-123"
ADMIN = "admin-token-123"

failures = []
checks = 0


def check(cond, what, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append("%s %s" % (what, detail))
        print("FAIL: %s %s" % (what, detail))


def vec(name):
    with open(os.path.join(VEC, name), "rb") as f:
        return f.read()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(stream, role, exp, key=JWT_KEY, alg="HS256"):
    """An HS256 JWT made here with the stdlib, independently of auth.c."""
    h = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    c = b64url(json.dumps({"stream": stream, "role": role, "exp": exp}).encode())
    sig = hmac.new(key.encode(), ("%s.%s" % (h, c)).encode(), hashlib.sha256).digest()
    return "%s.%s.%s" % (h, c, b64url(sig))


def bearer(t):
    return {"Authorization": "Bearer " + t}


def one(h, name):
    v = h.get(name.lower())
    return v[0] if v else None


def first_line(body):
    return body.decode(errors="replace").rstrip("\n")


# ---- OpenAPI conformance ----

class OpenApi:
    def __init__(self, path):
        import jsonschema
        with open(path) as f:
            self.doc = json.load(f)
        self.js = jsonschema
        self.seen = set()

    def _resolve(self, node):
        if isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                assert ref.startswith("#/"), ref
                tgt = self.doc
                for part in ref[2:].split("/"):
                    tgt = tgt[part]
                return self._resolve(tgt)
            return {k: self._resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._resolve(v) for v in node]
        return node

    def template(self, path):
        segs = path.split("?")[0].strip("/").split("/")
        for t in self.doc["paths"]:
            ts = t.strip("/").split("/")
            if len(ts) == len(segs) and all(a.startswith("{") or a == b for a, b in zip(ts, segs)):
                return t
        return None

    def validate(self, method, path, status, headers, body):
        t = self.template(path)
        if status == 405:  # any path: a method it does not have
            check(one(headers, "allow") is not None, "405 has Allow", path)
            return
        if t is None and status == 404:  # a path that is not in the API
            return
        check(t is not None, "openapi: path documented", path)
        if t is None:
            return
        op = self.doc["paths"][t].get(method.lower())
        check(op is not None, "openapi: method documented", "%s %s" % (method, t))
        if op is None:
            return
        resp = op["responses"].get(str(status)) or op["responses"].get("default")
        check(resp is not None, "openapi: status documented", "%s %s %d" % (method, t, status))
        if resp is None:
            return
        self.seen.add((method.lower(), t, str(status)))
        resp = self._resolve(resp)
        content = resp.get("content", {})
        ctype = (one(headers, "content-type") or "").split(";")[0].strip()
        if not content:
            return
        check(ctype in content, "openapi: content type", "%s %s %d: %s" % (method, t, status, ctype))
        if ctype == "application/json" and ctype in content:
            schema = content[ctype].get("schema")
            try:
                self.js.validate(json.loads(body), self._resolve(schema),
                                 cls=self.js.Draft202012Validator)
            except self.js.ValidationError as e:
                check(False, "openapi: schema", "%s %s %d: %s" % (method, t, status, e.message))


def rest(d, oa, method, path, expect, token=True, body=None):
    st, h, data = d.rest(method, path, token=token, body=body)
    check(st == expect, "REST %s %s" % (method, path), "got %d want %d: %s" % (st, expect, data[:200]))
    oa.validate(method, path, st, h, data)
    return json.loads(data) if one(h, "content-type") == "application/json" else data


def session_state(d, sid):
    st, _, data = d.rest("GET", "/v1/sessions/" + sid)
    return json.loads(data) if st == 200 else None


def worker_sessions(d):
    s = d.rest_json("GET", "/v1/stats")
    return sum(w["sessions"] for w in s["workers"])


def wait_for(fn, what, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.02)
    check(False, what, "(not within %.1fs)" % timeout)
    return False


def post(d, kind, stream, body, headers=None, ctype=SDP):
    h = {"Content-Type": ctype}
    h.update(headers or {})
    return d.http("POST", "/%s/%s" % (kind, stream), body, h)


# ---- daemon A: auth, CORS, ICE servers, the whole WHIP/WHEP surface ----

def daemon_a(exe, oa):
    sets = ["auth.tokens=publish:live*:%s,play:*:%s" % (PUB, PLAY),
            "auth.jwt_secret=" + JWT_KEY,
            "rest.token=" + ADMIN,
            "http.cors_origins=https://app.example",
            "http.ice_servers=stun:stun.example.net:3478,turn:turn.example.net:3478?transport=udp|u1|p1",
            "http.max_body=8192", "http.rate_limit=0",
            "session.max_per_stream=4"]
    with Daemon(exe, sets, name="A") as d:
        chrome = vec("chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp")
        # W4, W13, W33: 201 + Location + ETag + answer + one Link per server
        st, h, body = post(d, "whip", "live1", chrome, bearer(PUB))
        check(st == 201, "W4 POST -> 201", "%d %s" % (st, body[:200]))
        loc, etag = one(h, "location"), one(h, "etag")
        check(one(h, "content-type") == SDP, "W4 Content-Type application/sdp")
        check(loc and loc.startswith("/whip/live1/"), "W4 Location", loc)
        check(etag and etag.startswith('"') and etag.endswith('"'), "W13 strong ETag", etag)
        check(one(h, "accept-patch") == FRAG, "Accept-Patch")
        links = h.get("link", [])
        check(len(links) == 2 and all('rel="ice-server"' in x for x in links), "W33 Link x2", links)
        check(any('username="u1"' in x and 'credential="p1"' in x and
                  'credential-type="password"' in x for x in links), "W33 TURN credentials", links)
        ans = body.decode()
        check("a=ice-lite" in ans and "a=setup:passive" in ans and "a=recvonly" in ans,
              "W6/W29 answer ICE-lite, passive, recvonly")
        check("a=candidate:1 1 udp" in ans and "a=end-of-candidates" in ans, "W16 candidates")
        sid = loc.rsplit("/", 1)[1]
        s = session_state(d, sid)
        check(s is not None and s["state"] == "new" and s["role"] == "whip", "REST shows the session",
              s)
        ufrag = [ln for ln in ans.split("\r\n") if ln.startswith("a=ice-ufrag:")][0][12:]
        check(s and s["ice"]["local_ufrag"] == ufrag, "answer ufrag is the session's label")
        wait_for(lambda: worker_sessions(d) == 1, "session installed on the worker")

        # one publisher per stream: 409 + Retry-After (issue: unless replace)
        st, h, body = post(d, "whip", "live1", chrome, bearer(PUB))
        check(st == 409 and one(h, "retry-after"), "second publisher 409", "%d" % st)

        # WHEP viewer: 201, sendonly, the publisher's codecs (E3, E5)
        st, h, body = post(d, "whep", "live1", vec("chromium_156_offer_recvonly_bundle.sdp"),
                           bearer(PLAY))
        check(st == 201, "E3 WHEP POST -> 201", "%d %s" % (st, body[:200]))
        a = body.decode()
        check("a=sendonly" in a and "opus/48000/2" in a and "VP8/90000" in a and "H264" not in a,
              "E5 viewer answer sendonly with the publisher's codecs")
        viewer_loc = one(h, "location")

        # every real-client offer of the right shape is accepted
        cases = [("whip", "chrome_104_offer_sendonly_opus_vp8_h264_bundle.sdp", "passive"),
                 ("whip", "firefox_84_offer_sendonly_audio.sdp", "passive"),
                 ("whip", "firefox_46_offer_sendrecv_opus_vp8_h264_bundle.sdp", "passive"),
                 ("whip", "ffmpeg_whip_offer_sendonly_opus_h264.sdp", "active"),
                 ("whip", "aiortc_1.4_offer_sendonly_opus_vp8_h264_bundle.sdp", "passive"),
                 ("whip", "aiortc_1.4_offer_sendrecv_bundle.sdp", "passive"),
                 ("whip", "chromium_156_offer_sendrecv_bundle.sdp", "passive"),
                 ("whep", "aiortc_1.4_offer_recvonly_bundle.sdp", "passive")]
        for i, (kind, f, setup) in enumerate(cases):
            st, h, body = post(d, kind, "live-v%d" % i, vec(f), bearer(PUB if kind == "whip" else PLAY))
            check(st == 201 and ("a=setup:" + setup) in body.decode(), "real offer " + f,
                  "%d %s" % (st, body[:160]))

        # W2, E2: GET/HEAD on endpoint and session
        st, h, body = d.http("GET", "/whip/live1")
        check(st == 204 and body == b"", "W2 GET endpoint 204")
        st, h, body = d.http("HEAD", "/whep/live1")
        check(st == 200 and one(h, "content-type") == SDP, "E2 HEAD endpoint")

        # W11, W19, W20: trickle
        frag = ("a=ice-ufrag:%s\r\na=ice-pwd:%s\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"
                "a=candidate:1 1 udp 2122260223 198.18.0.1 50000 typ host\r\n"
                "a=candidate:2 1 tcp 1518280447 198.18.0.1 9 typ host tcptype active\r\n"
                "a=candidate:3 1 udp 2122260223 abcd.local 50001 typ host\r\n")
        remote_ufrag = [ln for ln in chrome.decode().split("\r\n") if ln.startswith("a=ice-ufrag:")][0][12:]
        remote_pwd = [ln for ln in chrome.decode().split("\r\n") if ln.startswith("a=ice-pwd:")][0][10:]
        before = session_state(d, sid)["ice"]["remote_candidates"]
        st, h, body = d.http("PATCH", loc, frag % (remote_ufrag, remote_pwd),
                             dict(bearer(PUB), **{"Content-Type": FRAG}))
        check(st == 204 and body == b"" and one(h, "etag") is None, "W19 trickle 204, no ETag",
              "%d %s" % (st, body))
        check(session_state(d, sid)["ice"]["remote_candidates"] == before + 1,
              "W20 only the UDP IP candidate kept")
        st, h, body = d.http("PATCH", loc, "garbage", dict(bearer(PUB), **{"Content-Type": FRAG}))
        check(st == 400 and len(body.splitlines()) == 1, "W11 malformed fragment 400", "%d" % st)
        st, h, body = d.http("PATCH", loc, "a=x", dict(bearer(PUB), **{"Content-Type": "text/plain"}))
        check(st == 415, "W11 wrong PATCH type 415", "%d" % st)

        # W21, W22, W15: ICE restart
        restart = ("a=ice-ufrag:newU\r\na=ice-pwd:newpasswordnewpassword12\r\n"
                   "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"
                   "a=candidate:1 1 udp 2122260223 198.18.0.1 50002 typ host\r\n")
        st, h, body = d.http("PATCH", loc, restart, dict(bearer(PUB), **{"Content-Type": FRAG}))
        check(st == 428, "W15 restart without If-Match 428", "%d" % st)
        st, h, body = d.http("PATCH", loc, restart,
                             dict(bearer(PUB), **{"Content-Type": FRAG, "If-Match": '"nope"'}))
        check(st == 412, "W15 restart with a stale ETag 412", "%d" % st)
        st, h, body = d.http("PATCH", loc, restart,
                             dict(bearer(PUB), **{"Content-Type": FRAG, "If-Match": etag}))
        check(st == 200 and one(h, "content-type") == FRAG, "W22 restart 200", "%d %s" % (st, body))
        new_etag = one(h, "etag")
        fr = body.decode()
        check(new_etag and new_etag != etag, "W22 a new ETag", new_etag)
        check("a=ice-lite" in fr and "a=ice-ufrag:" in fr and "a=ice-pwd:" in fr and
              ufrag not in fr, "W22/W24 new ufrag/pwd, ice-lite repeated")
        check(session_state(d, sid)["ice"]["restarting"] is True, "restart pending on the worker")
        st, h, body = d.http("PATCH", loc, restart,
                             dict(bearer(PUB), **{"Content-Type": FRAG, "If-Match": etag}))
        check(st == 412, "old ETag no longer matches", "%d" % st)

        # auth (W35, RFC 6750)
        st, h, body = post(d, "whip", "live2", chrome)
        check(st == 401 and one(h, "www-authenticate") == 'Bearer realm="rtcedge"',
              "no token 401 + challenge", "%d %s" % (st, one(h, "www-authenticate")))
        st, h, body = post(d, "whip", "live2", chrome, bearer("wrong-token-1"))
        check(st == 401 and 'error="invalid_token"' in (one(h, "www-authenticate") or ""),
              "bad token 401 invalid_token")
        st, h, body = post(d, "whip", "live2", chrome, bearer(PLAY))
        check(st == 403 and 'insufficient_scope' in (one(h, "www-authenticate") or ""),
              "play token on WHIP 403")
        st, h, body = post(d, "whip", "other", chrome, bearer(PUB))
        check(st == 403, "publish token outside its pattern 403", "%d" % st)
        st, h, body = post(d, "whip", "live2", chrome, {"Authorization": "Basic dTpw"})
        check(st == 400, "other scheme 400", "%d" % st)
        now = int(time.time())
        st, h, body = post(d, "whip", "jwt1", chrome, bearer(jwt("jwt*", "publish", now + 60)))
        check(st == 201, "JWT publish 201", "%d %s" % (st, body[:120]))
        st, h, body = post(d, "whip", "jwt2", chrome, bearer(jwt("jwt*", "publish", now - 5)))
        check(st == 401 and b"expired" in body, "expired JWT 401", "%d %s" % (st, body))
        st, h, body = post(d, "whip", "jwt3", chrome, bearer(jwt("jwt*", "play", now + 60)))
        check(st == 403, "JWT of the wrong role 403", "%d" % st)
        st, h, body = post(d, "whip", "jwt4", chrome, bearer(jwt("jwt*", "publish", now + 60,
                                                                  key="x" * 40)))
        check(st == 401, "JWT signed with another key 401", "%d" % st)
        st, h, body = post(d, "whip", "jwt5", chrome, bearer(jwt("jwt*", "publish", now + 60,
                                                                  alg="none")))
        check(st == 401, "JWT alg none 401", "%d" % st)

        # bad requests: right status, one line, nothing changed
        live_before = d.rest_json("GET", "/v1/stats")["sessions"]["live"]
        bad = [
            ("POST", "/whip/live3", chrome, {"Content-Type": "text/plain"}, 415),
            ("POST", "/whip/live3", b"", {"Content-Type": SDP}, 400),
            ("POST", "/whip/live3", b"v=0\r\nthis is not sdp\r\n", {"Content-Type": SDP}, 400),
            ("POST", "/whip/live3", chrome.replace(b"UDP/TLS/RTP/SAVPF", b"RTP/AVP"),
             {"Content-Type": SDP}, 422),
            ("POST", "/whip/live3", chrome + b"a=x:" + b"y" * 9000 + b"\r\n", {"Content-Type": SDP}, 413),
            ("PUT", "/whip/live3", chrome, {"Content-Type": SDP}, 405),
            ("POST", "/whip/live3/0123", chrome, {"Content-Type": SDP}, 405),
            ("POST", "/nope/live3", chrome, {"Content-Type": SDP}, 404),
            ("POST", "/whip/bad*name", chrome, {"Content-Type": SDP}, 400),
            ("DELETE", "/whip/live1/00000000deadbeefdeadbeefdeadbeef", None, {}, 404),
        ]
        for m, p, b, hh, want in bad:
            hh = dict(hh, **bearer(PUB))
            st, h, body = d.http(m, p, b, hh)
            check(st == want, "%s %s -> %d" % (m, p[:40], want), "got %d %s" % (st, body[:120]))
            check(st < 400 or (one(h, "content-type") or "").startswith("text/plain") and
                  len(first_line(body).splitlines()) == 1 and first_line(body),
                  "one-line reason for %d" % want, body[:200])
            if want == 405:
                check(one(h, "allow") is not None, "405 has Allow")
        check(d.rest_json("GET", "/v1/stats")["sessions"]["live"] == live_before,
              "refused requests changed nothing")

        # CORS (W9): preflight as a browser sends it, and the actual request
        pre = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization, content-type"}
        st, h, body = d.http("OPTIONS", "/whip/live4", None, pre)
        check(st == 200 and one(h, "access-control-allow-origin") == "https://app.example" and
              "POST" in (one(h, "access-control-allow-methods") or "") and
              "authorization" in (one(h, "access-control-allow-headers") or "").lower() and
              one(h, "accept-post") == SDP and not h.get("link"),
              "W9/W34 preflight", "%d %s" % (st, h))
        st, h, body = d.http("OPTIONS", "/whip/live4", None, dict(pre, Origin="https://evil.example"))
        check(st == 403, "preflight from another origin 403", "%d" % st)
        st, h, body = post(d, "whip", "live4", chrome, dict(bearer(PUB), Origin="https://app.example"))
        exp = (one(h, "access-control-expose-headers") or "")
        check(st == 201 and "Location" in exp and "ETag" in exp and "Link" in exp,
              "CORS exposes Location, ETag, Link", exp)

        # limits: a stream holds session.max_per_stream sessions
        codes = [post(d, "whep", "live4", vec("aiortc_1.4_offer_recvonly_bundle.sdp"),
                      bearer(PLAY))[0] for _ in range(4)]
        check(codes == [201, 201, 201, 503], "session.max_per_stream", codes)

        # W8, W14: DELETE frees the worker slot; the URL is then 404
        # the worker holds every live session once the commands of the last POSTs landed
        live = lambda: d.rest_json("GET", "/v1/stats")["sessions"]["live"]
        wait_for(lambda: worker_sessions(d) == live(), "the worker caught up")
        n = worker_sessions(d)
        st, h, body = d.http("DELETE", viewer_loc, None, dict(bearer(PLAY), **{"If-Match": '"stale"'}))
        check(st == 200, "W8/W14 DELETE 200 (If-Match ignored)", "%d" % st)
        wait_for(lambda: worker_sessions(d) == n - 1, "DELETE frees the worker's slot")
        st, h, body = d.http("DELETE", viewer_loc, None, bearer(PLAY))
        check(st == 404, "W8 DELETE again 404", "%d" % st)
        st, h, body = d.http("PATCH", viewer_loc, "a=ice-ufrag:x", dict(bearer(PLAY), **{"Content-Type": FRAG}))
        check(st == 404, "PATCH after DELETE 404", "%d" % st)

        # REST surface, checked against docs/openapi.json
        rest(d, oa, "GET", "/v1/health", 200, token=False)
        rest(d, oa, "GET", "/v1/ready", 200, token=False)
        rest(d, oa, "GET", "/v1/sessions", 401, token=False)
        lst = rest(d, oa, "GET", "/v1/sessions", 200)
        check(lst["count"] == len(lst["sessions"]) > 5, "session list")
        f = rest(d, oa, "GET", "/v1/sessions?stream=live1&role=whip", 200)
        check(f["count"] == 1 and f["sessions"][0]["id"] == sid, "filter by stream and role", f)
        rest(d, oa, "GET", "/v1/sessions?state=bogus", 400)
        det = rest(d, oa, "GET", "/v1/sessions/" + sid, 200)
        check(det["tracks"][0]["codec"] == "opus" and det["tracks"][1]["codec"] == "VP8",
              "session detail tracks", det.get("tracks"))
        rest(d, oa, "GET", "/v1/sessions/00000000ffffffffffffffffffffffff", 404)
        streams = rest(d, oa, "GET", "/v1/streams", 200)
        l1 = [x for x in streams["streams"] if x["name"] == "live1"]
        check(l1 and l1[0]["publisher"] == sid and l1[0]["viewers"] == 0, "streams", l1)
        stats = rest(d, oa, "GET", "/v1/stats", 200)
        check(stats["workers"][0]["rings"]["cmd"]["size"] > 0, "stats rings")
        cfg = rest(d, oa, "GET", "/v1/config", 200)
        check(cfg["auth.tokens"] == "<redacted>" and cfg["auth.jwt_secret"] == "<redacted>" and
              cfg["rest.token"] == "<redacted>" and cfg["http.ice_servers"] == "<redacted>",
              "config secrets redacted")
        check(PUB not in json.dumps(cfg) and JWT_KEY not in json.dumps(cfg), "no secret in /v1/config")
        st, h, body = d.rest("GET", "/metrics", token=False)
        oa.validate("GET", "/metrics", st, h, body)
        m = body.decode()
        check(st == 200 and 'rtcedge_sessions{state="new"}' in m and
              "rtcedge_session_setup_seconds_count" in m and
              'rtcedge_worker_drops_total{worker="0",reason="stun_no_session"}' in m,
              "metrics text")
        # DELETE on the REST port (admin kill)
        vid = lst["sessions"][-1]["id"]
        rest(d, oa, "DELETE", "/v1/sessions/" + vid, 200)
        rest(d, oa, "GET", "/v1/sessions/" + vid, 404)
        rest(d, oa, "PUT", "/v1/stats", 405)
        rest(d, oa, "GET", "/v1/nothing", 404)

        # drain: 503 + Retry-After for new sessions, live ones kept, ready says so
        live = d.rest_json("GET", "/v1/stats")["sessions"]["live"]
        dr = rest(d, oa, "POST", "/v1/drain", 200)
        check(dr["draining"] is True and dr["live"] == live, "drain keeps live sessions")
        st, h, body = post(d, "whip", "live5", chrome, bearer(PUB))
        check(st == 503 and one(h, "retry-after"), "W32 draining 503 + Retry-After", "%d" % st)
        rest(d, oa, "GET", "/v1/ready", 503, token=False)
        rest(d, oa, "DELETE", "/v1/drain", 200)
        rest(d, oa, "GET", "/v1/ready", 200, token=False)
        st, h, body = post(d, "whip", "live5", chrome, bearer(PUB))
        check(st == 201, "new sessions after the drain is lifted", "%d" % st)
        rc = d.stop()
        check(rc == 0, "daemon A exits 0", "%s\n%s" % (rc, d.tail()))


# ---- daemon B: node capacity, WHEP without publisher (409), per-token limit ----

def daemon_b(exe):
    sets = ["session.max=3", "session.max_per_stream=3", "session.whep_no_publisher=409", "session.retry_after_s=7",
            "auth.tokens=any:*:%s,any:*:%s" % (PUB, PLAY), "session.max_per_token=2",
            "http.rate_limit=0", "session.replace_publisher=true"]
    chrome = vec("chromium_156_offer_sendonly_opus_vp8_h264_bundle.sdp")
    view = vec("chromium_156_offer_recvonly_bundle.sdp")
    with Daemon(exe, sets, name="B") as d:
        st, h, body = post(d, "whep", "empty", view, bearer(PLAY))
        check(st == 409 and one(h, "retry-after") == "7", "E7 no publisher 409 + Retry-After",
              "%d %s" % (st, one(h, "retry-after")))
        st, h, _ = post(d, "whip", "s1", chrome, bearer(PUB))
        first = one(h, "location")
        check(st == 201, "publisher", st)
        st, h, _ = post(d, "whip", "s1", chrome, bearer(PUB))
        check(st == 201, "replace_publisher: a second publisher takes the stream", st)
        check(d.http("DELETE", first, None, bearer(PUB))[0] == 404, "the replaced one is gone")
        st, h, body = post(d, "whip", "s2", chrome, bearer(PUB))
        check(st == 201, "second live session of the token", st)
        st, h, body = post(d, "whip", "s3", chrome, bearer(PUB))
        check(st == 429, "session.max_per_token 429", "%d %s" % (st, body))
        st, h, body = post(d, "whep", "s1", view, bearer(PLAY))
        check(st == 201, "viewer", st)
        st, h, body = post(d, "whep", "s1", view, bearer(PLAY))
        check(st == 503 and one(h, "retry-after") == "7", "session.max: 503 node full",
              "%d %s" % (st, body))
        rc = d.stop()
        check(rc == 0, "daemon B exits 0", rc)


# ---- daemon C: per-client rate limit (429) ----

def daemon_c(exe):
    with Daemon(exe, ["http.rate_limit=1", "http.rate_burst=3"], name="C") as d:
        codes = [d.http("GET", "/whip/x")[0] for _ in range(4)]
        st, h, body = d.http("GET", "/whip/x")
        check(codes[:3] == [204, 204, 204] and st == 429 and one(h, "retry-after"),
              "rate limit: burst then 429 + Retry-After", "%s %d" % (codes, st))
        rc = d.stop()
        check(rc == 0, "daemon C exits 0", rc)


def main():
    exe = sys.argv[1]
    try:
        oa = OpenApi(OPENAPI)
    except ImportError:
        print("SKIP: python3-jsonschema missing")
        return 77
    daemon_a(exe, oa)
    daemon_b(exe)
    daemon_c(exe)
    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
