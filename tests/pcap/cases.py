#!/usr/bin/python3
"""
The pcap test cases of rtcedge's dataplane: frames in, frames and counters out.

Each case gives
  - the input frames (built with scapy, or as raw bytes where scapy would
    "fix" a deliberately broken frame),
  - the frames rtcedge must send, built independently: replies are written
    field by field as new packets (never by transforming the input with the
    logic under test), and the basic ARP reply also as a hex literal,
  - the exact value of every counter of dataplane/stats.inc that may be
    nonzero; all others must be 0. Each input frame is annotated with the
    counters it moves and the reply it causes; a case's expectations are the
    sum. rx_packets/rx_bytes/tx_packets/tx_bytes are derived from the
    frames; idle_sleeps (timing) is never checked.
  - optional rtcedge options (--set KEY=VALUE), EAL lcore options and, for
    the multi-worker case, per-worker expectations.

Run by run_case.py. Usage of this file on its own:
  cases.py --list              the case names, one a line
  cases.py --show CASE         every frame of a case: note, in, out, counters
  cases.py --write-seeds DIR   every input frame as a raw file in DIR
                               (<case>-<nn>.bin): the fuzz seed corpus
                               (multi-worker's 124 frames are left out)
Needs scapy (Debian's /usr/bin/python3 has it) for everything but --list.
"""
import os
import struct
import sys

try:
    from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_Router_Alert
    from scapy.layers.inet6 import (
        ICMPv6EchoReply,
        ICMPv6EchoRequest,
        ICMPv6ND_NA,
        ICMPv6ND_NS,
        ICMPv6ND_RS,
        ICMPv6NDOptDstLLAddr,
        ICMPv6NDOptSrcLLAddr,
        IPv6,
        IPv6ExtHdrDestOpt,
        IPv6ExtHdrFragment,
        IPv6ExtHdrHopByHop,
        IPv6ExtHdrRouting,
    )
    from scapy.layers.l2 import ARP, Dot1Q, Ether
    from scapy.packet import Padding, Raw

    HAVE_SCAPY = True
except ImportError:  # run_case.py turns this into a skip (exit 77)
    HAVE_SCAPY = False

# ---------------------------------------------------------------------------
# Addresses
#
# net_pcap gives its port a fixed MAC, 02:'p':'c':'a':'p':<n> where n counts
# the net_pcap devices of the process (DPDK drivers/net/pcap), so ours is
# 02:70:63:61:70:00. rtcedge cannot be told another one: net_pcap refuses
# rte_eth_dev_default_mac_addr_set(), and --set net.mac=... makes rtcedge
# exit 78. run_case.py checks this MAC against rtcedge's startup line
# ("port net_pcap0 (net_pcap) <MAC>") and fails loudly if it ever differs.
# The other addresses are rtcedge's defaults (ctrlplane/config.c).
OUR_MAC = "02:70:63:61:70:00"
PEER_MAC = "02:00:00:00:00:01"
PEER2_MAC = "02:00:00:00:00:03"
OUR4 = "198.18.0.2"
PEER4 = "198.18.0.1"
PEER4_2 = "198.18.0.3"
OUR6 = "fd00:198:18::2"
PEER6 = "fd00:198:18::1"
PEER_LL = "fe80::1"
MEDIA_PORT = 20000
PEER_PORT = 50000
BCAST = "ff:ff:ff:ff:ff:ff"


def eui64_link_local(mac):
    """fe80::/64 with the modified EUI-64 interface id of @mac (RFC 4291 App. A)."""
    b = bytes(int(x, 16) for x in mac.split(":"))
    iid = bytes([b[0] ^ 0x02, b[1], b[2], 0xFF, 0xFE, b[3], b[4], b[5]])
    groups = [iid[i] << 8 | iid[i + 1] for i in range(0, 8, 2)]
    return "fe80::" + ":".join("%x" % g for g in groups)


OUR_LL = eui64_link_local(OUR_MAC)  # fe80::70:63ff:fe61:7000


def solicited_node(addr):
    """ff02::1:ffXX:XXXX of @addr (RFC 4291 §2.7.1) and its MAC (RFC 2464 §7)."""
    import ipaddress

    low = ipaddress.IPv6Address(addr).packed[13:]
    ip = str(ipaddress.IPv6Address(bytes.fromhex("ff02" + "00" * 9 + "01ff") + low))
    mac = "33:33:ff:%02x:%02x:%02x" % tuple(low)
    return ip, mac


# ---------------------------------------------------------------------------
# Media payloads (RFC 7983 first byte classes), written with struct.


def stun_binding_request(tid=b"rtcedge-pcap"):
    # RFC 8489 §5: type 0x0001, length 0, magic cookie, 96-bit transaction id
    return struct.pack("!HHI", 0x0001, 0, 0x2112A442) + tid[:12].ljust(12, b"\0")


def dtls_client_hello_record():
    # RFC 6347 §4.1 record header: ContentType handshake(22), DTLS 1.0
    # (0xfeff), epoch 0, 48-bit sequence 0, length; then the start of a
    # ClientHello handshake header (msg_type 1). Only the class matters here.
    body = bytes([1]) + (0).to_bytes(3, "big") + b"\0" * 8
    return struct.pack("!BHH", 22, 0xFEFF, 0) + (0).to_bytes(6, "big") + \
        struct.pack("!H", len(body)) + body


def rtp_packet(seq=1, pt=111, marker=0, ssrc=0x11223344, payload=b"\xde\xad\xbe\xef"):
    # RFC 3550 §5.1: V=2, no padding/extension/CSRC
    return struct.pack("!BBHII", 0x80, (marker << 7) | pt, seq, 160 * seq, ssrc) + payload


def rtcp_sender_report(ssrc=0x11223344):
    # RFC 3550 §6.4.1: V=2, RC=0, PT=200, length 6 (28 bytes)
    return struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, 0xE1E2E3E4, 0x01020304, 160, 1, 160)


# ---------------------------------------------------------------------------
# Frame builders. Inputs come from the peer; expected frames come from us.


def eth_in(dst=OUR_MAC, src=PEER_MAC, vlan=None, prio=0, **kw):
    e = Ether(dst=dst, src=src, **kw)
    return e / Dot1Q(prio=prio, vlan=vlan) if vlan is not None else e


def eth_out(dst=PEER_MAC, vlan=None, prio=0):
    e = Ether(dst=dst, src=OUR_MAC)
    return e / Dot1Q(prio=prio, id=0, vlan=vlan) if vlan is not None else e


def arp_request(tip=OUR4, sip=PEER4, sha=PEER_MAC, dst=BCAST, vlan=None, prio=0, pad_to=None):
    p = eth_in(dst=dst, src=sha, vlan=vlan, prio=prio) / ARP(
        hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=1, hwsrc=sha, psrc=sip,
        hwdst="00:00:00:00:00:00", pdst=tip)
    return pad(p, pad_to)


def arp_reply_expected(tha=PEER_MAC, tip=PEER4, sip=OUR4, vlan=None, prio=0):
    """RFC 826: op reply, sender = us, target = the requester; 42 bytes, no padding."""
    return eth_out(dst=tha, vlan=vlan, prio=prio) / ARP(
        hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=2, hwsrc=OUR_MAC, psrc=sip,
        hwdst=tha, pdst=tip)


def pad(p, pad_to):
    """@p with zero Ethernet padding up to @pad_to bytes."""
    if pad_to is None or len(p) >= pad_to:
        return p
    return p / Padding(b"\0" * (pad_to - len(p)))


# Requests come with TTL / hop limit values a reply must not keep (it uses 64).
def ip4_in(src=PEER4, dst=OUR4, **kw):
    kw.setdefault("ttl", 57)
    return IP(src=src, dst=dst, **kw)


def ip6_in(src=PEER6, dst=OUR6, hlim=61, **kw):
    return IPv6(src=src, dst=dst, hlim=hlim, **kw)


def echo4(payload=b"", ident=0x1234, seq=1, ip_id=0x4242, tos=0, flags=0, options=None,
          eth=None, **ipkw):
    ip = ip4_in(id=ip_id, tos=tos, flags=flags, **ipkw)
    if options is not None:
        ip.options = options
    return (eth if eth is not None else eth_in()) / ip / ICMP(type=8, code=0, id=ident, seq=seq) / \
        Raw(payload)


def echo4_reply(payload=b"", ident=0x1234, seq=1, ip_id=0x4242, tos=0, flags=0, vlan=None):
    """RFC 792 echo reply, as a new packet: addresses swapped, no IP options, TTL 64."""
    return eth_out(vlan=vlan) / IP(version=4, ihl=5, tos=tos, id=ip_id, flags=flags, frag=0,
                                   ttl=64, proto=1, src=OUR4, dst=PEER4) / \
        ICMP(type=0, code=0, id=ident, seq=seq) / Raw(payload)


def echo6(payload=b"", dst=OUR6, src=PEER6, ident=0x5678, seq=1, eth=None, ext=None):
    ip = ip6_in(src=src, dst=dst)
    if ext is not None:
        ip = ip / ext
    return (eth if eth is not None else eth_in()) / ip / \
        ICMPv6EchoRequest(id=ident, seq=seq, data=payload)


def echo6_reply(payload=b"", src=OUR6, dst=PEER6, ident=0x5678, seq=1, vlan=None):
    """RFC 4443 §4.2 echo reply, as a new packet, hop limit 64, no extension headers."""
    return eth_out(vlan=vlan) / IPv6(src=src, dst=dst, hlim=64, tc=0, fl=0) / \
        ICMPv6EchoReply(id=ident, seq=seq, data=payload)


def ns(target=OUR6, src=PEER6, dst=None, sllao=PEER_MAC, hlim=255, code=0, eth_src=PEER_MAC,
       vlan=None, opts=None):
    """A neighbour solicitation; to @target's solicited-node group unless @dst is given."""
    if dst is None:
        dst, dmac = solicited_node(target)
    else:
        dmac = solicited_node(dst)[1] if dst.startswith("ff02::1:ff") else OUR_MAC
    p = eth_in(dst=dmac, src=eth_src, vlan=vlan) / IPv6(src=src, dst=dst, hlim=hlim) / \
        ICMPv6ND_NS(code=code, tgt=target)
    if sllao is not None:
        p = p / ICMPv6NDOptSrcLLAddr(lladdr=sllao)
    if opts is not None:
        p = p / Raw(opts)
    return p


def na_expected(target=OUR6, dst=PEER6, dmac=PEER_MAC, solicited=1, vlan=None):
    """RFC 4861 §7.2.4: R=0, S as given, O=1, target link-layer address option = our MAC."""
    return eth_out(dst=dmac, vlan=vlan) / IPv6(src=target, dst=dst, hlim=255, tc=0, fl=0) / \
        ICMPv6ND_NA(code=0, R=0, S=solicited, O=1, tgt=target) / \
        ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC)


def dad_na_expected(target=OUR6, vlan=None):
    """RFC 4861 §7.2.4: answer to a DAD probe goes to all-nodes, S=0."""
    return na_expected(target=target, dst="ff02::1", dmac="33:33:00:00:00:01", solicited=0,
                       vlan=vlan)


def udp4(payload, sport=PEER_PORT, dport=MEDIA_PORT, chksum=None, eth=None, **ipkw):
    u = UDP(sport=sport, dport=dport)
    if chksum is not None:
        u.chksum = chksum
    return (eth if eth is not None else eth_in()) / ip4_in(**ipkw) / u / Raw(payload)


def udp6(payload, sport=PEER_PORT, dport=MEDIA_PORT, chksum=None, eth=None, ext=None, **ipkw):
    u = UDP(sport=sport, dport=dport)
    if chksum is not None:
        u.chksum = chksum
    ip = ip6_in(**ipkw)
    if ext is not None:
        ip = ip / ext
    return (eth if eth is not None else eth_in()) / ip / u / Raw(payload)


def wrong_cksum(p, layer):
    """@p with @layer's checksum off by one (still nonzero)."""
    field = "cksum" if layer is ICMPv6EchoRequest else "chksum"
    good = getattr(Ether(raw(p))[layer], field)
    q = p.copy()
    setattr(q[layer], field, (good + 1) & 0xFFFF or 1)
    return q


def raw(b):
    return bytes(b)


# ---------------------------------------------------------------------------
# The cases
#
# A case is a list of input frames, each annotated with what it must do:
# the counters it moves (besides rx_packets/rx_bytes) and the frame it makes
# rtcedge send, if any. The case's expected output is the annotated replies
# in input order; its expected counters are the sum of the annotations.
# run_case.py --per-frame runs every frame alone to check each annotation.

# Counters that depend on timing, never compared.
IGNORED_COUNTERS = ("idle_sleeps",)


class Frame:
    def __init__(self, frame, counters, out=None, note=""):
        self.frame = raw(frame)
        self.counters = dict(counters)
        self.out = raw(out) if out is not None else None
        self.note = note


class Case:
    def __init__(self, name, doc, sets=(), eal_lcores=None):
        self.name = name
        self.doc = doc
        self.items = []
        self.sets = list(sets)
        self.eal_lcores = eal_lcores or ["-l", "0-1"]
        self.workers = None  # [(meta, counters)] per worker, for the multi-worker case
        self.info = {}       # expected /rtcedge/info fields

    def add(self, frame, *counters, out=None, note=""):
        """@counters: names each incremented once, or one dict of name: count.

        A media datagram goes on to the session layer (dataplane/wsess.c), and
        these cases have no session: its drop there is implied unless given
        (media_no_session for DTLS/RTP/RTCP, stun_no_username for STUN)."""
        if len(counters) == 1 and isinstance(counters[0], dict):
            cnt = dict(counters[0])
        else:
            cnt = {}
            for k in counters:
                cnt[k] = cnt.get(k, 0) + 1
        for k in ("media_dtls", "media_rtp", "media_rtcp"):
            if k in cnt and "drop_media_no_session" not in cnt:
                cnt["drop_media_no_session"] = cnt[k]
        if "media_stun" in cnt and not any(k.startswith("drop_stun_") for k in cnt):
            cnt[STUN_NO_SESSION] = cnt["media_stun"]
        self.items.append(Frame(frame, cnt, out, note))

    @property
    def frames(self):
        return [it.frame for it in self.items]

    @property
    def expect(self):
        return [it.out for it in self.items if it.out is not None]

    @property
    def counters(self):
        return counters_of(self.items)

    def single(self, i):
        """Frame @i as a case of its own (run_case.py --per-frame)."""
        c = Case("%s#%d" % (self.name, i), self.items[i].note, self.sets, self.eal_lcores)
        c.items = [self.items[i]]
        return c


def counters_of(items):
    tot = {"rx_packets": len(items), "rx_bytes": sum(len(it.frame) for it in items),
           "tx_packets": 0, "tx_bytes": 0}
    for it in items:
        for k, v in it.counters.items():
            tot[k] = tot.get(k, 0) + v
        if it.out is not None:
            tot["tx_packets"] += 1
            tot["tx_bytes"] += len(it.out)
    return tot


REGISTRY = []


def case(fn):
    REGISTRY.append((fn.__name__.replace("_", "-"), fn))
    return fn


@case
def arp():
    """ARP (RFC 826): requests for us answered (42 bytes, no padding), replies learned."""
    c = Case("arp", arp.__doc__)
    # The canonical reply, byte for byte as RFC 826 lays it out.
    reply = bytes.fromhex(
        "020000000001" "027063617000" "0806"  # Ethernet: to the requester, from us
        "0001" "0800" "06" "04" "0002"        # Ethernet/IPv4, op reply
        "027063617000" "c6120002"             # sender: our MAC, 198.18.0.2
        "020000000001" "c6120001")            # target: the requester
    assert raw(arp_reply_expected()) == reply
    c.add(arp_request(pad_to=60), "arp_replies", "arp_learned", out=reply,
          note="broadcast request, padded to 60 B: 42-byte reply")
    c.add(arp_request(dst=OUR_MAC), "arp_replies", "arp_learned", out=arp_reply_expected(),
          note="unicast request")
    c.add(eth_in(dst=OUR_MAC, src=PEER2_MAC) / ARP(op=2, hwsrc=PEER2_MAC, psrc=PEER4_2,
                                                   hwdst=OUR_MAC, pdst=OUR4),
          "arp_learned", note="reply to us: learned, consumed")
    c.add(arp_request(tip="198.18.0.9"), "drop_arp_not_ours", note="request for another host")
    c.add(arp_request(sip="0.0.0.0", pad_to=60), "arp_replies",
          out=arp_reply_expected(tip="0.0.0.0"),
          note="RFC 5227 probe from 0.0.0.0: answered, not learned")
    c.add(eth_in(dst=BCAST) / ARP(op=3, hwsrc=PEER_MAC, psrc=PEER4, pdst=OUR4),
          "drop_arp_unhandled_op", note="RARP request (op 3)")
    c.add(eth_in(dst=BCAST) / ARP(op=1, ptype=0x86DD, hwsrc=PEER_MAC, psrc=PEER4, pdst=OUR4),
          "drop_arp_malformed", note="protocol type IPv6")
    c.add(raw(arp_request())[:14 + 20], "drop_arp_malformed", note="ARP cut at 20 bytes")
    ieee802 = bytearray(raw(arp_request()))
    ieee802[14:16] = b"\x00\x06"
    c.add(ieee802, "drop_arp_malformed", note="hardware type 6 (IEEE 802)")
    return c


@case
def icmp4_echo():
    """ICMP echo (RFC 792, RFC 1122 §3.2.2.6): replies without options or padding."""
    c = Case("icmp4-echo", icmp4_echo.__doc__)
    p56 = bytes(range(56))
    r = "icmp_echo_replies"
    c.add(echo4(p56, flags="DF"), r, out=echo4_reply(p56, flags="DF"),
          note="56-byte payload, DF kept")
    c.add(echo4(b"opts", seq=2, options=[IPOption_Router_Alert()]), r,
          out=echo4_reply(b"opts", seq=2), note="IP options: none in the reply")
    c.add(pad(echo4(b"ab", seq=3), 60), r, out=echo4_reply(b"ab", seq=3),
          note="Ethernet padding: 44-byte reply")
    c.add(echo4(b"odd", seq=4, tos=0x10), r, out=echo4_reply(b"odd", seq=4, tos=0x10),
          note="odd length, TOS kept")
    c.add(echo4(p56, eth=eth_in(dst=BCAST), seq=5), "drop_ip_l2_group",
          note="to our IP in a broadcast frame (RFC 1122 §3.3.6)")
    c.add(wrong_cksum(echo4(b"x", seq=6), ICMP), "drop_icmp_bad_cksum", note="bad checksum")
    c.add(eth_in() / ip4_in() / ICMP(type=13, code=0, ts_ori=1, ts_rx=0, ts_tx=0),
          "drop_icmp_unhandled", note="timestamp request")
    c.add(eth_in() / ip4_in() / ICMP(type=8, code=1), "drop_icmp_unhandled",
          note="echo with code 1")
    c.add(eth_in() / ip4_in(proto=1) / Raw(b"\x08\x00\xf7\xff"), "drop_icmp_truncated",
          note="4-byte ICMP")
    c.add(echo4(b"b", src="198.18.0.255"), "drop_ipv4_bad_source",
          note="from our subnet's broadcast")
    c.add(echo4(b"m", src="224.0.0.1"), "drop_ipv4_bad_source", note="multicast source")
    c.add(echo4(b"l", src="127.0.0.1"), "drop_ipv4_bad_source", note="loopback source")
    c.add(echo4(b"o", src=OUR4), "drop_ipv4_bad_source", note="our own source")
    c.add(echo4(b"n", dst="198.18.0.3"), "drop_ipv4_not_ours", note="to another host")
    c.add(echo4(b"n", dst="198.18.0.255", eth=eth_in(dst=BCAST)), "drop_ipv4_not_ours",
          note="to the subnet broadcast (RFC 1122 §3.2.2.6 MAY ignore)")
    return c


@case
def icmp6_echo():
    """ICMPv6 echo (RFC 4443 §4): global and link-local; extension headers and trailers dropped."""
    c = Case("icmp6-echo", icmp6_echo.__doc__)
    p = bytes(range(64))
    r = "icmp6_echo_replies"
    c.add(echo6(p), r, out=echo6_reply(p), note="to our global address")
    c.add(echo6(b"ll", src=PEER_LL, dst=OUR_LL, seq=2), r,
          out=echo6_reply(b"ll", src=OUR_LL, dst=PEER_LL, seq=2), note="to our link-local")
    c.add(echo6(b"dst-opts", seq=3, ext=IPv6ExtHdrDestOpt()), r,
          out=echo6_reply(b"dst-opts", seq=3), note="destination options: not echoed")
    c.add(echo6(b"hbh", seq=4, ext=IPv6ExtHdrHopByHop()), r, out=echo6_reply(b"hbh", seq=4),
          note="hop-by-hop options: not echoed")
    c.add(raw(echo6(b"trailer", seq=5)) + b"\xee" * 8, r, out=echo6_reply(b"trailer", seq=5),
          note="bytes past the payload length: not echoed")
    c.add(echo6(b"odd", seq=6), r, out=echo6_reply(b"odd", seq=6), note="odd length")
    c.add(wrong_cksum(echo6(b"x", seq=7), ICMPv6EchoRequest), "drop_icmp_bad_cksum",
          note="bad checksum")
    c.add(echo6(b"m", src="ff02::1"), "drop_ipv6_bad_source", note="multicast source")
    c.add(echo6(b"o", src=OUR6), "drop_ipv6_bad_source", note="our own source")
    c.add(echo6(b"n", dst="fd00:198:18::3"), "drop_ipv6_not_ours", note="to another host")
    c.add(eth_in() / ip6_in(hlim=255) / ICMPv6ND_RS(), "drop_icmp6_unhandled",
          note="router solicitation")
    c.add(echo6(b"u", src="::"), "drop_icmp6_unhandled", note="from ::, cannot be answered")
    c.add(eth_in() / ip6_in(nh=58) / Raw(b"\x80\x00"), "drop_icmp_truncated",
          note="2-byte ICMPv6")
    return c


@case
def nd():
    """Neighbour Discovery (RFC 4861): NS answered with NA (S|O, TLLAO), DAD, NA learned."""
    c = Case("nd", nd.__doc__)
    assert solicited_node(OUR6) == ("ff02::1:ff00:2", "33:33:ff:00:00:02")
    a, lrn = "nd_adverts", "nd_learned"
    c.add(ns(), a, lrn, out=na_expected(), note="to the solicited-node group, SLLAO: learned")
    c.add(ns(dst=OUR6), a, lrn, out=na_expected(), note="unicast (NUD)")
    c.add(ns(target=OUR_LL, src=PEER_LL), a, lrn, out=na_expected(target=OUR_LL, dst=PEER_LL),
          note="for our link-local address")
    c.add(ns(dst=OUR6, sllao=None), a, out=na_expected(), note="no SLLAO: answered, not learned")
    c.add(ns(src="::", sllao=None), a, out=dad_na_expected(),
          note="DAD probe: NA to ff02::1 without S")
    # RFC 4861 §7.2.5: an advertisement only refreshes an entry we have (unit-tested);
    # for a target never seen here it is consumed and nothing is learned
    c.add(eth_in() / IPv6(src=PEER6, dst=OUR6, hlim=255) /
          ICMPv6ND_NA(R=0, S=1, O=1, tgt="fd00:198:18::77") /
          ICMPv6NDOptDstLLAddr(lladdr=PEER_MAC), {},
          note="NA for a target we never saw: consumed, not learned")
    c.add(eth_in() / IPv6(src=PEER6, dst=OUR6, hlim=255) / ICMPv6ND_NA(R=0, S=1, O=1, tgt=PEER6),
          {}, note="NA without TLLAO: consumed")
    return c


@case
def nd_invalid():
    """RFC 4861 §7.1.1/§7.1.2 validity checks: every failing NS/NA is dropped as nd_invalid."""
    c = Case("nd-invalid", nd_invalid.__doc__)
    d = "drop_nd_invalid"
    c.add(ns(hlim=254), d, note="NS hop limit 254")
    c.add(ns(dst=OUR6, hlim=64), d, note="unicast NS hop limit 64")
    c.add(ns(code=1), d, note="NS code 1")
    c.add(ns(sllao=None, opts=b"\x01\x00" + b"\0" * 6), d, note="option of length 0")
    c.add(ns(src="::", sllao=PEER_MAC), d, note="DAD probe with SLLAO")
    c.add(ns(src="::", sllao=None, dst=OUR6), d, note="DAD probe to a unicast address")
    c.add(ns(target="ff02::1", dst=OUR6), d, note="multicast target")
    c.add(eth_in() / IPv6(src=PEER6, dst=OUR6, hlim=255, nh=58) /
          Raw(fix_icmp6_cksum(PEER6, OUR6, raw(ICMPv6ND_NS(tgt=OUR6, cksum=0))[:20])), d,
          note="NS of 20 bytes (right checksum)")
    c.add(eth_in() / IPv6(src=PEER6, dst=OUR6, hlim=64) /
          ICMPv6ND_NA(R=0, S=1, O=1, tgt=PEER6) / ICMPv6NDOptDstLLAddr(lladdr=PEER_MAC), d,
          note="NA hop limit 64")
    return c


def fix_icmp6_cksum(src, dst, msg):
    """@msg with its ICMPv6 checksum (bytes 2..3) set right, computed here (RFC 4443 §2.3)."""
    import ipaddress

    msg = bytearray(msg)
    msg[2:4] = b"\0\0"
    ph = ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + \
        struct.pack("!I3xB", len(msg), 58)
    data = ph + bytes(msg) + (b"\0" if len(msg) % 2 else b"")
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    msg[2:4] = struct.pack("!H", ~s & 0xFFFF)
    return bytes(msg)


@case
def nd_not_ours():
    """Neighbour solicitations for addresses that are not ours are not answered."""
    c = Case("nd-not-ours", nd_not_ours.__doc__)
    c.add(ns(target=PEER6, src="fd00:198:18::5", dst=OUR6), "drop_nd_not_ours",
          note="unicast to us, for another target")
    c.add(ns(target="fd00:198:18:0:1::2"), "drop_nd_not_ours",
          note="to our solicited-node group, another target")
    c.add(ns(target="fd00:198:18::7"), "drop_ipv6_not_ours",
          note="to another solicited-node group")
    return c


MEDIA_KINDS = (("media_stun", stun_binding_request), ("media_dtls", dtls_client_hello_record),
               ("media_rtp", rtp_packet), ("media_rtcp", rtcp_sender_report))
# A STUN datagram goes to the session its USERNAME's routing label names
# (dataplane/wsess.c); these carry no USERNAME, so they are dropped after
# classification. The session path itself is tested in test_wsess.c and
# tests/integration/ice_dataplane.py.
STUN_NO_SESSION = "drop_stun_no_username"


@case
def media():
    """RFC 7983 classes on the media port over IPv4 and IPv6: counted, nothing sent."""
    c = Case("media", media.__doc__)
    for mk, fam in ((udp4, "IPv4"), (udp6, "IPv6")):
        for cnt, pl in MEDIA_KINDS:
            extra = (STUN_NO_SESSION,) if cnt == "media_stun" else ()
            c.add(mk(pl()), cnt, *extra, note="%s over %s" % (cnt[6:].upper(), fam))
    c.add(udp4(rtp_packet(seq=2, pt=96, marker=1), chksum=0), "media_rtp",
          note="IPv4, zero UDP checksum (none)")
    c.add(udp6(stun_binding_request(), ext=IPv6ExtHdrHopByHop()), "media_stun", STUN_NO_SESSION,
          note="behind a hop-by-hop header")
    c.add(udp6(rtcp_sender_report(), src=PEER_LL, dst=OUR_LL), "media_rtcp",
          note="to our link-local address")
    c.add(pad(udp4(stun_binding_request(b"padded-frame")), 64), "media_stun", STUN_NO_SESSION,
          note="Ethernet padding")
    return c


@case
def media_boundaries():
    """RFC 7983 §7 first-byte ranges at their edges; others are media_unknown_class."""
    c = Case("media-boundaries", media_boundaries.__doc__)

    def first(b, n=24):
        return udp4(bytes([b]) + bytes(range(1, n)))
    for b, cnt in ((0, "media_stun"), (3, "media_stun"), (20, "media_dtls"), (63, "media_dtls"),
                   (128, "media_rtp"), (191, "media_rtp")):
        # STUN-class bytes that are no STUN message (length 0x0203 > what follows)
        extra = ("drop_stun_malformed",) if cnt == "media_stun" else ()
        c.add(first(b), cnt, *extra, note="first byte %d" % b)
    c.add(udp4(b"\x80\xc8" + b"\0" * 6), "media_rtcp", note="PT 72 with M (RTCP 200), 8 bytes")
    c.add(udp4(b"\x80\x5f" + b"\0" * 6), "media_rtcp", note="PT 95 (RTCP 223)")
    c.add(udp4(b"\x80\x3f" + b"\0" * 10), "media_rtp", note="PT 63, 12 bytes")
    c.add(udp4(b"\x80\x60" + b"\0" * 10), "media_rtp", note="PT 96")
    for b in (4, 15, 16, 19, 64, 70, 79, 127, 192, 255):
        c.add(first(b), "drop_media_unknown_class", note="first byte %d" % b)
    c.add(udp6(bytes([70]) + b"\0" * 23), "drop_media_unknown_class",
          note="first byte 70 over IPv6")
    return c


@case
def media_truncated():
    """Media shorter than its class's fixed header (STUN 20, DTLS 13, RTP 12, RTCP 8 bytes)."""
    c = Case("media-truncated", media_truncated.__doc__)
    d = "drop_media_truncated"
    c.add(udp4(b"\x00"), d, note="1-byte STUN")
    c.add(udp4(stun_binding_request()[:19]), d, note="19-byte STUN")
    c.add(udp4(dtls_client_hello_record()[:12]), d, note="12-byte DTLS")
    c.add(udp4(rtp_packet()[:11]), d, note="11-byte RTP")
    c.add(udp4(rtcp_sender_report()[:7]), d, note="7-byte RTCP")
    c.add(udp4(b"\x80"), d, note="RTP/RTCP without a second byte")
    c.add(udp4(b""), d, note="empty datagram")
    c.add(udp6(b"\x01"), d, note="1-byte STUN over IPv6")
    return c


def udp_datagram(payload, src=PEER4, dst=OUR4, sport=PEER_PORT, dport=MEDIA_PORT):
    """UDP header + payload with the right checksum for @src -> @dst (IPv4)."""
    return raw(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(payload))[20:]


@case
def udp():
    """UDP (RFC 768, RFC 8200 §8.1): checksums, zero checksum, closed ports, lengths."""
    c = Case("udp", udp.__doc__)
    c.add(wrong_cksum(udp4(rtp_packet()), UDP), "drop_udp_bad_cksum", note="bad checksum, IPv4")
    c.add(wrong_cksum(udp6(rtp_packet()), UDP), "drop_udp_bad_cksum", note="bad checksum, IPv6")
    c.add(udp6(rtp_packet(), chksum=0), "drop_udp_bad_cksum",
          note="zero checksum over IPv6 (RFC 8200 §8.1)")
    c.add(udp4(rtp_packet(), chksum=0), "media_rtp", note="zero checksum over IPv4: none")
    c.add(udp4(rtp_packet(), dport=5004), "drop_udp_closed_port", note="closed port, IPv4")
    c.add(udp6(rtp_packet(), dport=5004), "drop_udp_closed_port", note="closed port, IPv6")
    c.add(udp4(rtp_packet(), dport=MEDIA_PORT + 1), "drop_udp_closed_port",
          note="media port + 1")
    c.add(eth_in() / ip4_in() / UDP(sport=PEER_PORT, dport=MEDIA_PORT, len=60) /
          Raw(rtp_packet()), "drop_udp_truncated", note="UDP length past the IP payload")
    c.add(eth_in() / ip4_in() / UDP(sport=PEER_PORT, dport=MEDIA_PORT, len=7) /
          Raw(rtp_packet()), "drop_udp_truncated", note="UDP length 7")
    c.add(eth_in() / ip4_in(proto=17) / Raw(udp_datagram(rtp_packet()) + b"\xaa" * 4),
          "media_rtp", note="IP payload longer than the UDP length: the rest is ignored")
    c.add(eth_in() / ip4_in() / TCP(dport=MEDIA_PORT), "drop_l4_unhandled", note="TCP, IPv4")
    c.add(eth_in() / ip6_in() / TCP(dport=MEDIA_PORT), "drop_l4_unhandled", note="TCP, IPv6")
    return c


@case
def truncated():
    """Frames cut short at every layer: Ethernet, 802.1Q, IPv4, IPv6, UDP."""
    c = Case("truncated", truncated.__doc__)
    good4 = raw(udp4(rtp_packet()))
    good6 = raw(udp6(rtp_packet()))
    c.add(good4[:10], "drop_eth_truncated", note="10 bytes")
    c.add(raw(eth_in())[:12] + b"\x81\x00\x00", "drop_eth_truncated", note="802.1Q tag cut")
    c.add(good4[:14 + 10], "drop_ipv4_truncated", note="IPv4 header cut")
    c.add(eth_in() / ip4_in(len=200) / UDP(sport=PEER_PORT, dport=MEDIA_PORT) /
          Raw(rtp_packet()), "drop_ipv4_truncated", note="total length past the frame")
    c.add(raw(eth_in() / ip4_in(ihl=6) / Raw(b"\0" * 16))[:14 + 22], "drop_ipv4_truncated",
          note="IHL 6, frame ends inside the options")
    c.add(eth_in() / ip4_in(len=20 + 4, proto=17) /
          Raw(udp_datagram(rtp_packet())[:4]), "drop_udp_truncated", note="4 bytes of UDP")
    c.add(good6[:14 + 30], "drop_ipv6_truncated", note="IPv6 header cut")
    c.add(eth_in() / ip6_in(plen=200) / UDP(sport=PEER_PORT, dport=MEDIA_PORT) /
          Raw(rtp_packet()), "drop_ipv6_truncated", note="payload length past the frame")
    c.add(eth_in() / ip6_in(plen=4, nh=17) / Raw(udp_datagram(rtp_packet())[:4]),
          "drop_udp_truncated", note="4 bytes of UDP over IPv6")
    return c


@case
def ip4_checks():
    """IPv4 header checks: version, IHL, total length, checksum, fragments."""
    c = Case("ip4-checks", ip4_checks.__doc__)
    bad = eth_in() / ip4_in(chksum=0xBAD0) / UDP(sport=PEER_PORT, dport=MEDIA_PORT) / \
        Raw(rtp_packet())
    assert IP(raw(ip4_in() / UDP(sport=PEER_PORT, dport=MEDIA_PORT) /
                  Raw(rtp_packet()))).chksum != 0xBAD0
    c.add(bad, "drop_ipv4_bad_cksum", note="bad header checksum")
    c.add(udp4(rtp_packet(), flags="MF"), "drop_ipv4_fragment", note="first fragment (MF)")
    c.add(udp4(rtp_packet(), frag=100), "drop_ipv4_fragment", note="last fragment (offset)")
    c.add(udp4(rtp_packet(), flags="MF", frag=1), "drop_ipv4_fragment",
          note="middle fragment")
    c.add(eth_in() / ip4_in(version=6) / UDP(dport=MEDIA_PORT) / Raw(rtp_packet()),
          "drop_ipv4_bad_header", note="version 6 under ethertype IPv4")
    c.add(eth_in() / ip4_in(ihl=4) / Raw(b"\0" * 20), "drop_ipv4_bad_header", note="IHL 4")
    c.add(eth_in() / ip4_in(len=16) / Raw(b"\0" * 20), "drop_ipv4_bad_header",
          note="total length < header length")
    c.add(udp4(rtp_packet(), dst="198.18.0.7"), "drop_ipv4_not_ours", note="to another host")
    c.add(eth_in() / ip4_in(proto=47) / Raw(b"\0" * 8), "drop_l4_unhandled", note="GRE")
    c.add(udp4(rtp_packet(), flags="DF"), "media_rtp", note="DF alone: not a fragment")
    return c


@case
def ip6_checks():
    """IPv6 checks: version, fragments, extension-header order and segments left, addresses."""
    c = Case("ip6-checks", ip6_checks.__doc__)
    c.add(udp6(rtp_packet(), ext=IPv6ExtHdrFragment(m=1, offset=0, id=7)),
          "drop_ipv6_fragment", note="fragment header, first fragment")
    c.add(udp6(rtp_packet(), ext=IPv6ExtHdrFragment(m=0, offset=0, id=8)),
          "drop_ipv6_fragment", note="atomic fragment")
    c.add(udp6(rtp_packet(), ext=IPv6ExtHdrRouting(addresses=["fd00::9"], segleft=1)),
          "drop_ipv6_ext_hdr", note="routing header, segments left 1")
    c.add(udp6(rtp_packet(), ext=IPv6ExtHdrRouting(addresses=["fd00::9"], segleft=0)),
          "media_rtp", note="routing header, segments left 0")
    c.add(udp6(rtp_packet(), ext=IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop()),
          "drop_ipv6_ext_hdr", note="hop-by-hop not first (RFC 8200 §4.1)")
    c.add(eth_in() / ip6_in(nh=60, plen=4) / Raw(b"\x11\x00\x00\x00"), "drop_ipv6_ext_hdr",
          note="extension header cut")
    c.add(eth_in() / ip6_in(version=4) / UDP(dport=MEDIA_PORT) / Raw(rtp_packet()),
          "drop_ipv6_bad_header", note="version 4 under ethertype IPv6")
    c.add(udp6(rtp_packet(), dst="fd00:198:18::9"), "drop_ipv6_not_ours",
          note="to another host")
    c.add(udp6(rtp_packet(), src=OUR6), "drop_ipv6_bad_source", note="our own source")
    c.add(udp6(rtp_packet(), src="ff05::2"), "drop_ipv6_bad_source", note="multicast source")
    c.add(udp6(rtp_packet(), src="::"), "drop_ipv6_bad_source",
          note="UDP from :: (RFC 4291 §2.5.2: cannot be answered)")
    c.add(udp6(rtp_packet(), dst="ff02::1:ff00:2", eth=eth_in(dst="33:33:ff:00:00:02")),
          "drop_ipv6_not_ours", note="UDP to our solicited-node group")
    return c


@case
def l2():
    """Ethernet: MAC filter, unknown ethertypes, 802.1Q without a configured VLAN."""
    c = Case("l2", l2.__doc__)
    c.add(udp4(rtp_packet(), eth=eth_in(dst="02:00:00:00:00:99")), "drop_eth_not_ours",
          note="another host's MAC")
    c.add(udp4(rtp_packet(), eth=eth_in(dst="01:00:5e:00:00:01")), "drop_eth_not_ours",
          note="IPv4 multicast MAC")
    c.add(eth_in(type=0x1234) / Raw(b"\0" * 46), "drop_eth_unknown_type", note="type 0x1234")
    c.add(eth_in(type=0x88A8) / Raw(b"\0" * 46), "drop_eth_unknown_type", note="802.1ad S-tag")
    c.add(eth_in(type=0x88CC) / Raw(b"\0" * 46), "drop_eth_unknown_type",
          note="LLDP to our MAC")
    c.add(arp_request(vlan=100), "drop_vlan_mismatch", note="tagged, no VLAN configured")
    c.add(udp4(rtp_packet(), eth=eth_in(vlan=0)), "media_rtp",
          note="priority tag (VID 0) is untagged (IEEE 802.1Q)")
    c.add(udp6(rtp_packet(), eth=eth_in(dst="33:33:00:00:00:01"), dst="ff02::1"),
          "drop_ipv6_not_ours", note="IPv6 multicast MAC passes L2, ff02::1 serves only ND")
    return c


@case
def vlan():
    """net.vlan=100: tagged frames of VLAN 100 answered with the tag kept; others dropped."""
    V = 100
    c = Case("vlan", vlan.__doc__, sets=["net.vlan=%d" % V])
    assert len(raw(arp_reply_expected(vlan=V))) == 46
    c.add(arp_request(vlan=V), "arp_replies", "arp_learned", out=arp_reply_expected(vlan=V),
          note="ARP request, VLAN 100")
    c.add(arp_request(vlan=V, prio=5, dst=OUR_MAC, pad_to=64), "arp_replies", "arp_learned",
          out=arp_reply_expected(vlan=V, prio=5), note="PCP 5 kept, padding trimmed")
    c.add(echo4(b"tagged", eth=eth_in(vlan=V)), "icmp_echo_replies",
          out=echo4_reply(b"tagged", vlan=V), note="ICMP echo")
    c.add(echo6(b"tagged6", eth=eth_in(vlan=V)), "icmp6_echo_replies",
          out=echo6_reply(b"tagged6", vlan=V), note="ICMPv6 echo")
    c.add(ns(vlan=V), "nd_adverts", "nd_learned", out=na_expected(vlan=V), note="NS")
    c.add(ns(src="::", sllao=None, vlan=V), "nd_adverts", out=dad_na_expected(vlan=V),
          note="DAD NS")
    c.add(udp4(rtp_packet(), eth=eth_in(vlan=V)), "media_rtp", note="RTP over IPv4")
    c.add(udp6(stun_binding_request(), eth=eth_in(vlan=V)), "media_stun", STUN_NO_SESSION,
          note="STUN over IPv6")
    c.add(arp_request(), "drop_vlan_mismatch", note="untagged")
    c.add(arp_request(vlan=200), "drop_vlan_mismatch", note="VLAN 200")
    c.add(echo4(b"x", eth=eth_in(vlan=0)), "drop_vlan_mismatch", note="priority tag only")
    c.add(raw(eth_in(dst=OUR_MAC, vlan=V))[:16], "drop_eth_truncated", note="tag cut")
    return c


@case
def config():
    """Non-default addresses and media port from --set reach the dataplane."""
    a1, a2, a6 = "10.1.2.3", "10.9.9.9", "2001:db8::7"
    peer, peer6 = "10.1.2.1", "2001:db8::1"
    c = Case("config", config.__doc__,
             sets=["net.ipv4=%s/24,%s/16" % (a1, a2), "net.ipv6=%s/64" % a6,
                   "net.ipv6_link_local=false", "net.media_port=3478"])
    c.add(arp_request(tip=a1, sip=peer), "arp_replies", "arp_learned",
          out=arp_reply_expected(tip=peer, sip=a1), note="first IPv4 address")
    c.add(arp_request(tip=a2, sip=peer), "arp_replies", "arp_learned",
          out=arp_reply_expected(tip=peer, sip=a2), note="second IPv4 address")
    c.add(arp_request(tip=OUR4, sip=peer), "drop_arp_not_ours", note="the default is gone")
    c.add(eth_in() / IP(src=peer, dst=a2, id=1, ttl=50) / ICMP(id=1, seq=1) / Raw(b"cfg"),
          "icmp_echo_replies",
          out=eth_out() / IP(ihl=5, id=1, ttl=64, flags=0, src=a2, dst=peer) /
          ICMP(type=0, id=1, seq=1) / Raw(b"cfg"), note="echo to the second address")
    c.add(eth_in() / IPv6(src=peer6, dst=a6, hlim=50) / ICMPv6EchoRequest(id=2, seq=2),
          "icmp6_echo_replies",
          out=eth_out() / IPv6(src=a6, dst=peer6, hlim=64) / ICMPv6EchoReply(id=2, seq=2),
          note="ICMPv6 echo to the configured address")
    c.add(echo6(b"ll", src=PEER_LL, dst=OUR_LL), "drop_ipv6_not_ours",
          note="link-local turned off")
    c.add(udp4(rtp_packet(), src=peer, dst=a1, dport=3478), "media_rtp",
          note="the configured media port")
    c.add(udp4(rtp_packet(), src=peer, dst=a1, dport=MEDIA_PORT), "drop_udp_closed_port",
          note="20000 is closed now")
    return c


# --- multi-worker: a model of dataplane/steer.c to predict the owner of each flow


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC32C = None


def crc32c_raw(data, crc):
    """CRC-32C over @data from @crc, no pre/post inversion: what SSE4.2 crc32 and
    DPDK's rte_hash_crc() compute."""
    global _CRC32C
    if _CRC32C is None:
        _CRC32C = _crc32c_table()
    for b in data:
        crc = _CRC32C[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def steer_owner(raddr, laddr, rport, lport, n_workers):
    """steer_owner() of dataplane/steer.c: addresses as 16 bytes (IPv4-mapped), ports host order.

    rte_hash_crc_4byte() hashes the uint32 (rport_be << 16 | lport_be) as its
    little-endian bytes, i.e. lport then rport in network order."""
    import ipaddress

    def a16(a):
        ip = ipaddress.ip_address(a)
        return ip.packed if ip.version == 6 else b"\0" * 10 + b"\xff\xff" + ip.packed
    h = crc32c_raw(a16(raddr), 0)
    h = crc32c_raw(a16(laddr), h)
    h = crc32c_raw(struct.pack("!HH", lport, rport), h)
    return h % n_workers


@case
def multi_worker():
    """Two workers on one RX/TX queue: a flow no worker announced is handed to the worker its
    5-tuple hashes to (which may be about to own it: dataplane/worker.c), replies still sent."""
    c = Case("multi-worker", multi_worker.__doc__, eal_lcores=["--lcores", "0@0,1@1,2@1"])
    per = [dict(), dict()]  # media counters per owning worker
    c.add(arp_request(), "arp_replies", "arp_learned", out=arp_reply_expected(), note="ARP")
    for i in range(48):
        sport = 40000 + i
        v6 = i % 3 == 2
        owner = steer_owner(PEER6 if v6 else PEER4, OUR6 if v6 else OUR4, sport, MEDIA_PORT, 2)
        for k in range(2 + i % 2):  # 2 or 3 datagrams of each flow
            cnt, mk = MEDIA_KINDS[(i + k) % 4]
            pl = mk(seq=k + 1) if mk is rtp_packet else mk()
            ctr = {cnt: 1}
            # STUN's owner is named by its ufrag, not the 5-tuple: the receiving
            # worker (0) reads it, and drops it here (no USERNAME)
            own = 0 if cnt == "media_stun" else owner
            drop = STUN_NO_SESSION if cnt == "media_stun" else "drop_media_no_session"
            ctr[drop] = 1  # at the owner: no session in this case
            per[own][drop] = per[own].get(drop, 0) + 1
            if own == 1:
                ctr.update(handoff_out=1, handoff_in=1)
            c.add(udp6(pl, sport=sport) if v6 else udp4(pl, sport=sport), ctr,
                  note="flow %d -> worker %d" % (sport, own))
            per[0][cnt] = per[0].get(cnt, 0) + 1  # classes: counted where received
        if i == 20:
            c.add(echo4(b"mw", seq=9), "icmp_echo_replies", out=echo4_reply(b"mw", seq=9),
                  note="ICMP echo")
        if i == 30:
            c.add(echo6(b"mw6", seq=9), "icmp6_echo_replies", out=echo6_reply(b"mw6", seq=9),
                  note="ICMPv6 echo")
        if i == 40:
            c.add(ns(), "nd_adverts", "nd_learned", out=na_expected(), note="NS")
    to_w1 = per[1].get("drop_media_no_session", 0)  # every hand-off ends there
    assert 0 < to_w1 < sum(per[0].values()) + to_w1, "the flows must use both workers"
    # One RX and one TX queue (net_pcap has no RSS): worker 0 receives and
    # sends everything; worker 1 only gets its flows handed off. It never has
    # a reply to send, so txring_out stays 0 (see README.md).
    tot = c.counters
    w0 = {k: v for k, v in tot.items() if not k.startswith("media_") and k != "handoff_in"
          and k not in (STUN_NO_SESSION, "drop_media_no_session")}
    w0.update(per[0])
    w1 = dict(per[1], handoff_in=to_w1)
    c.workers = [({"lcore": 1, "rx_queue": 0, "tx_queue": 0}, w0),
                 ({"lcore": 2, "rx_queue": -1, "tx_queue": -1}, w1)]
    c.info = {"workers": 2, "rx_queues": 1, "tx_queues": 1, "media_port": MEDIA_PORT,
              "driver": "net_pcap"}
    return c


def case_names():
    return [n for n, _ in REGISTRY]


def build(name):
    for n, fn in REGISTRY:
        if n == name:
            c = fn()
            assert c.name == name, (c.name, name)
            return c
    raise KeyError(name)


# Cases whose frames are only more of the same kinds: left out of the seeds.
SEED_SKIP = ("multi-worker",)


def write_seeds(d):
    """Every input frame of every case (but SEED_SKIP) as <case>-<nn>.bin in @d."""
    os.makedirs(d, exist_ok=True)
    n = 0
    for name in case_names():
        if name in SEED_SKIP:
            continue
        for i, f in enumerate(build(name).frames):
            with open(os.path.join(d, "%s-%02d.bin" % (name, i)), "wb") as fh:
                fh.write(f)
            n += 1
    return n


def summary(frame):
    """scapy's one-line summary of @frame, or its hex if scapy cannot dissect it."""
    try:
        return Ether(frame).summary()
    except Exception:  # deliberately broken frames
        return "undissectable: " + frame.hex()


def show(name):
    c = build(name)
    print("%s: %s" % (c.name, c.doc))
    if c.sets:
        print("options: " + " ".join("--set " + s for s in c.sets))
    print("frames in (%d), each with what it must do:" % len(c.items))
    for i, it in enumerate(c.items):
        print("  %2d %4d B  %s" % (i, len(it.frame), it.note))
        print("             in:  %s" % summary(it.frame))
        if it.out is not None:
            print("             out: %4d B %s" % (len(it.out), summary(it.out)))
        print("             counters: %s" % (" ".join("%s+%d" % kv for kv in
                                                       sorted(it.counters.items())) or "-"))
    print("totals: %s" % " ".join("%s=%d" % kv for kv in sorted(c.counters.items())))


def main(argv):
    if len(argv) >= 1 and argv[0] == "--list":
        print("\n".join(case_names()))
        return 0
    if not HAVE_SCAPY:
        print("cases.py: scapy is missing (use /usr/bin/python3)", file=sys.stderr)
        return 77
    if len(argv) == 2 and argv[0] == "--write-seeds":
        print("wrote %d seeds to %s" % (write_seeds(argv[1]), argv[1]))
        return 0
    if len(argv) == 2 and argv[0] == "--show":
        show(argv[1])
        return 0
    print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
