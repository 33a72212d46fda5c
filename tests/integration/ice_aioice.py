#!/usr/bin/python3
"""Interop: our ICE-lite agent (dataplane/proto/ice.c in ice_udp_peer, on
127.0.0.1) against aioice (Debian python3-aioice, the ICE of aiortc) as the
full agent.

    ice_aioice.py ICE_UDP_PEER_EXECUTABLE

Cases, each with a fresh aioice Connection:
  regular     controlling, remote_is_lite=True: a check, then a second one
              with USE-CANDIDATE (regular nomination); aioice must complete,
              we must select the pair it nominated, data must flow over it
              (the harness echoes what comes from the selected pair), and
              aioice's consent checks (RFC 7675) must refresh our consent
  aggressive  controlling, remote_is_lite=False: USE-CANDIDATE on every check
  role        aioice starts controlled: we answer 487, it switches to
              controlling (RFC 8445 section 7.2.5.1) and completes
  restart     after "regular", new credentials on our side and a new aioice
              Connection with them: restart_done and pair_changed to its
              port, data over the new pair, the old credentials refused
  badpwd      aioice with a wrong password for us: never answered, counted

Skips (77) without aioice. Loopback UDP only.
"""
import asyncio
import secrets
import string
import sys

try:
    import aioice
    import aioice.ice
except ImportError:
    print("SKIP: no aioice (apt install python3-aioice)")
    sys.exit(77)

PEER = sys.argv[1] if len(sys.argv) > 1 else None
if PEER is None:
    print("usage: ice_aioice.py ICE_UDP_PEER_EXECUTABLE")
    sys.exit(2)

# consent checks every ~0.3 s instead of 5 s so that a few happen quickly
aioice.ice.CONSENT_INTERVAL = 0.3
# aioice leaves loopback out of its host candidates; the test runs on loopback only
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

ICE_CHARS = string.ascii_letters + string.digits + "+/"


def rand(n):
    return "".join(secrets.choice(ICE_CHARS) for _ in range(n))


class Harness:
    """ice_udp_peer as a subprocess; its stdout lines collected as they come."""

    async def start(self, ufrag, pwd, remote_ufrag):
        self.proc = await asyncio.create_subprocess_exec(
            PEER, ufrag, pwd, remote_ufrag,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        self.lines = []
        self.new_line = asyncio.Event()
        first = (await asyncio.wait_for(self.proc.stdout.readline(), 5)).decode()
        assert first.startswith("port "), first
        self.port = int(first.split()[1])
        self.reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.decode().rstrip("\n"))
            self.new_line.set()

    async def wait_for(self, pred, timeout=5.0):
        """The first line (from the start) for which pred is true, waiting for it."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            for line in self.lines:
                if pred(line):
                    return line
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError("no such line; got:\n  " + "\n  ".join(self.lines))
            self.new_line.clear()
            try:
                await asyncio.wait_for(self.new_line.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def command(self, cmd):
        self.proc.stdin.write((cmd + "\n").encode())
        await self.proc.stdin.drain()

    async def stats(self):
        mark = len(self.lines)
        await self.command("stats")
        await self.wait_for(lambda l: l == "end" and self.lines.index(l, mark) >= 0, 5)
        out = {}
        for line in self.lines[mark:]:
            parts = line.split()
            if len(parts) == 3 and parts[0] in ("stat", "drop"):
                out[parts[0] + ":" + parts[1]] = int(parts[2])
        # forget this block so that the next stats call finds its own "end"
        del self.lines[mark:]
        return out

    async def stop(self):
        if self.proc.returncode is None:
            self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.reader.cancel()


def loopback_port(conn):
    for c in conn.local_candidates:
        if c.host == "127.0.0.1":
            return c.port
    raise AssertionError("aioice has no 127.0.0.1 candidate: %s" % conn.local_candidates)


results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else "  " + detail))


async def connect_and_echo(name, h, conn):
    await asyncio.wait_for(conn.connect(), 10)
    port = loopback_port(conn)
    sel = await h.wait_for(lambda l: l.startswith("event pair_") and
                           l.endswith("127.0.0.1:%d" % port))
    check(name + ": aioice completed, we selected its pair 127.0.0.1:%d" % port,
          sel is not None)
    await conn.send(b"hello " + name.encode())
    data = await asyncio.wait_for(conn.recv(), 5)
    check(name + ": data over the selected pair", data == b"echo:hello " + name.encode(),
          repr(data))
    return port


async def case_regular_and_restart():
    ufrag, pwd = rand(8), rand(24)
    # the harness needs aioice's ufrag before aioice needs the harness's port
    conn = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
    h = await Harness().start(ufrag, pwd, conn.local_username)
    conn.remote_is_lite = True
    conn.remote_username, conn.remote_password = ufrag, pwd
    await conn.gather_candidates()
    await conn.add_remote_candidate(aioice.Candidate(
        foundation="1", component=1, transport="udp", priority=2130706431,
        host="127.0.0.1", port=h.port, type="host"))
    await conn.add_remote_candidate(None)
    try:
        await connect_and_echo("regular", h, conn)
        await asyncio.sleep(1.5)  # aioice's consent checks every ~0.3 s
        s = await h.stats()
        check("regular: nominated once, by USE-CANDIDATE after a plain check",
              s["stat:NOMINATIONS"] == 1 and s["stat:ANSWERED"] >= 2, s)
        check("regular: consent refreshed by aioice's checks",
              s["stat:CONSENT_REFRESHED"] >= 2, s)
        check("regular: nothing dropped for integrity or username",
              s["drop:INTEGRITY"] == 0 and s["drop:UNKNOWN_UFRAG"] == 0
              and s["drop:WRONG_REMOTE_UFRAG"] == 0, s)

        # ICE restart: new credentials on our side, a new aioice agent uses them
        ufrag2, pwd2 = rand(8), rand(24)
        conn2 = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
        await h.command("restart %s %s %s" % (ufrag2, pwd2, conn2.local_username))
        await h.wait_for(lambda l: l == "restart 0")
        # the old pair still carries media until the new one is nominated
        await conn.send(b"before")
        data = await asyncio.wait_for(conn.recv(), 5)
        check("restart: old pair carries media while the restart is pending",
              data == b"echo:before", repr(data))
        conn2.remote_is_lite = True
        conn2.remote_username, conn2.remote_password = ufrag2, pwd2
        await conn2.gather_candidates()
        await conn2.add_remote_candidate(aioice.Candidate(
            foundation="1", component=1, transport="udp", priority=2130706431,
            host="127.0.0.1", port=h.port, type="host"))
        await conn2.add_remote_candidate(None)
        await asyncio.wait_for(conn2.connect(), 10)
        port2 = loopback_port(conn2)
        await h.wait_for(lambda l: l == "event restart_done 127.0.0.1:%d" % port2)
        ch = await h.wait_for(lambda l: l == "event pair_changed 127.0.0.1:%d" % port2)
        check("restart: restart_done, selected pair moved to the new agent", ch)
        await conn2.send(b"after")
        data = await asyncio.wait_for(conn2.recv(), 5)
        check("restart: data over the new pair", data == b"echo:after", repr(data))
        await asyncio.sleep(1.0)  # the old agent's consent checks now fail
        s = await h.stats()
        check("restart: old credentials refused (consent checks of the old agent)",
              s["drop:UNKNOWN_UFRAG"] >= 1 and s["stat:RESTARTS"] == 1, s)
        await conn2.close()
    finally:
        await conn.close()
        await h.stop()


async def case_simple(name, controlling, lite, want):
    ufrag, pwd = rand(4), rand(22)
    conn = aioice.Connection(ice_controlling=controlling, components=1, use_ipv6=False)
    h = await Harness().start(ufrag, pwd, conn.local_username)
    conn.remote_is_lite = lite
    conn.remote_username, conn.remote_password = ufrag, pwd
    try:
        await conn.gather_candidates()
        await conn.add_remote_candidate(aioice.Candidate(
            foundation="1", component=1, transport="udp", priority=2130706431,
            host="127.0.0.1", port=h.port, type="host"))
        await conn.add_remote_candidate(None)
        await connect_and_echo(name, h, conn)
        s = await h.stats()
        check(name + ": " + want[0], want[1](s), s)
    finally:
        await conn.close()
        await h.stop()


async def case_badpwd():
    ufrag, pwd = rand(4), rand(22)
    conn = aioice.Connection(ice_controlling=True, components=1, use_ipv6=False)
    h = await Harness().start(ufrag, pwd, conn.local_username)
    conn.remote_is_lite = True
    conn.remote_username, conn.remote_password = ufrag, rand(22)
    try:
        await conn.gather_candidates()
        await conn.add_remote_candidate(aioice.Candidate(
            foundation="1", component=1, transport="udp", priority=2130706431,
            host="127.0.0.1", port=h.port, type="host"))
        await conn.add_remote_candidate(None)
        failed = False
        try:
            await asyncio.wait_for(conn.connect(), 3)
        except (ConnectionError, asyncio.TimeoutError):
            failed = True
        s = await h.stats()
        check("badpwd: aioice cannot connect", failed)
        check("badpwd: every check dropped for integrity, none answered",
              s["drop:INTEGRITY"] >= 1 and s["stat:ANSWERED"] == 0
              and s["stat:ANSWERED_487"] == 0 and s["stat:ANSWERED_400"] == 0, s)
        check("badpwd: no pair selected", not any(l.startswith("event pair_") for l in h.lines))
    finally:
        await conn.close()
        await h.stop()


async def main():
    await case_regular_and_restart()
    await case_simple("aggressive", True, False,
                      ("USE-CANDIDATE on every check, one nomination",
                       lambda s: s["stat:NOMINATIONS"] == 1 and s["stat:ANSWERED"] >= 1))
    await case_simple("role", False, True,
                      ("487 answered, aioice switched to controlling",
                       lambda s: s["stat:ANSWERED_487"] >= 1 and s["stat:NOMINATIONS"] == 1))
    await case_badpwd()


try:
    asyncio.run(asyncio.wait_for(main(), 90))
except Exception as e:  # a case that raised (timeout, assertion) fails the test
    import traceback
    traceback.print_exc()
    results.append(("exception: %r" % e, False))

failed = [n for n, ok in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed or not results else 0)
