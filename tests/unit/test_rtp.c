/*
 * RTP header and RFC 8285 header extensions: the aiortc packets of
 * tests/vectors/rtp_rtcp/ (each with the outcome aiortc's tests expect and
 * the derived negatives its README lists), the RFC 8285 §4.2 / §4.3 example
 * layouts built by hand, the extension payload decoders, the in-place
 * rewrites and the builder.
 *
 * Independent view: the field values asserted for the vectors and for the
 * RFC 8285 examples were read with Wireshark's dissector at dev time
 * (`od -Ax -tx1 -v F | text2pcap -u 5000,5001 - F.pcap;
 *   tshark -r F.pcap -d udp.port==5001,rtp -V -O rtp`), and agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vectors.h"

#include "rtp.h"

/* Parse an exact-size heap copy (so ASan sees a read past the end); the result. */
static int
parse_copy(struct rtp_pkt *p, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rc = rtp_pkt_parse(p, copy, len);
	if (rc != RTP_OK)
		assert_true(bytes_all_zero(p, sizeof(*p))); /* never half-filled */
	free(copy);
	p->buf = NULL; /* the copy is gone */
	return rc;
}

static void
test_rtp_aiortc_plain(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp", buf, sizeof(buf));
	struct rtp_pkt p;

	assert_int_equal(n, 172);
	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_int_equal(p.pt, 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.seq, 15743);
	assert_int_equal(p.ts, 3937035252u);
	assert_int_equal(p.ssrc, 0xf01b40e9u);
	assert_int_equal(p.cc, 0);
	assert_int_equal(p.ext_form, RTP_EXT_NONE);
	assert_int_equal(p.payload_off, 12);
	assert_int_equal(p.payload_len, 160);
	assert_int_equal(p.pad_len, 0);
	assert_int_equal(p.len, 172);
	assert_ptr_equal(p.buf, buf);
}

static void
test_rtp_aiortc_csrc(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_with_csrc", buf, sizeof(buf));
	struct rtp_pkt p;

	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_int_equal(p.cc, 2);
	assert_int_equal(rtp_pkt_csrc(&p, 0), 0xabcdef01u);
	assert_int_equal(rtp_pkt_csrc(&p, 1), 0xdeadbeefu);
	assert_int_equal(rtp_pkt_csrc(&p, 2), 0); /* out of range */
	assert_int_equal(p.seq, 16082);
	assert_int_equal(p.ts, 144);
	assert_int_equal(p.ssrc, 0x5fbd169eu);
	assert_int_equal(p.payload_off, 20);
	assert_int_equal(p.payload_len, 160);

	/* README: any truncation inside the CSRC list must be rejected */
	for (size_t len = 0; len < 20; len++)
		assert_int_equal(parse_copy(&p, buf, len), RTP_E_SHORT);
	/* past the list, a shorter payload is still a packet */
	for (size_t len = 20; len <= n; len++) {
		assert_int_equal(parse_copy(&p, buf, len), RTP_OK);
		assert_int_equal(p.payload_len, len - 20);
	}
}

static void
test_rtp_aiortc_sdes_mid(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_with_sdes_mid", buf, sizeof(buf));
	struct rtp_pkt p;
	struct rtp_ext e;
	const uint8_t *mid;
	uint8_t mid_len;

	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_true(p.flags & RTP_F_MARKER);
	assert_true(p.flags & RTP_F_EXT);
	assert_int_equal(p.pt, 111);
	assert_int_equal(p.seq, 14156);
	assert_int_equal(p.ts, 1327210925u);
	assert_int_equal(p.ssrc, 4084547440u);
	assert_int_equal(p.ext_form, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.ext_profile, 0xbede);
	assert_int_equal(p.ext_off, 16);
	assert_int_equal(p.ext_len, 4);
	assert_int_equal(p.n_ext, 1);
	assert_int_equal(p.ext[0].id, 9);
	assert_int_equal(p.ext[0].len, 1);
	assert_int_equal(p.ext[0].off, 17);
	assert_int_equal(p.payload_off, 20);
	assert_int_equal(p.payload_len, 54);

	assert_int_equal(rtp_pkt_ext_find(&p, 9, &e), RTP_OK);
	assert_int_equal(rtp_ext_mid(&p, &e, &mid, &mid_len), RTP_OK);
	assert_int_equal(mid_len, 1);
	assert_memory_equal(mid, "0", 1);
	assert_int_equal(rtp_pkt_ext_find(&p, 1, &e), RTP_E_NOT_FOUND);
	assert_true(bytes_all_zero(&e, sizeof(e)));
	assert_int_equal(rtp_pkt_ext_find(&p, 0, &e), RTP_E_NOT_FOUND);

	/* the extension header and its block cut short */
	for (size_t len = 12; len < 20; len++)
		assert_int_equal(parse_copy(&p, buf, len), RTP_E_SHORT);
}

static void
test_rtp_aiortc_dtmf(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_dtmf", buf, sizeof(buf));
	struct rtp_pkt p;
	const uint8_t *ev;

	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_true(p.flags & RTP_F_MARKER);
	assert_int_equal(p.pt, 101);
	assert_int_equal(p.seq, 24152);
	assert_int_equal(p.ts, 4021352124u);
	assert_int_equal(p.ssrc, 0xa6a144f2u);
	assert_int_equal(p.payload_len, 4);
	/* RFC 4733 §2.3: event 1, end bit, volume 10, duration 960 */
	ev = p.buf + p.payload_off;
	assert_int_equal(ev[0], 1);
	assert_int_equal(ev[1] >> 7, 1);
	assert_int_equal(ev[1] & 0x3f, 10);
	assert_int_equal(ev[2] << 8 | ev[3], 960);
}

static void
test_rtp_aiortc_only_padding(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_only_padding", buf, sizeof(buf));
	struct rtp_pkt p;

	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_true(p.flags & RTP_F_PADDING);
	assert_int_equal(p.pt, 120);
	assert_int_equal(p.seq, 27759);
	assert_int_equal(p.ts, 4044047131u);
	assert_int_equal(p.ssrc, 2837429438u);
	assert_int_equal(p.pad_len, 224);
	assert_int_equal(p.payload_off, 12);
	assert_int_equal(p.payload_len, 0);

	/* truncations: the count byte becomes some payload byte */
	for (size_t len = 0; len <= n; len++) {
		int rc = parse_copy(&p, buf, len);
		if (len < 12)
			assert_int_equal(rc, RTP_E_SHORT);
		else if (len == 12 || buf[len - 1] == 0 || buf[len - 1] > len - 12)
			assert_int_equal(rc, RTP_E_PADDING);
		else
			assert_int_equal(rc, RTP_OK);
	}
}

static void
test_rtp_aiortc_only_padding_ext(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_only_padding_with_header_extensions", buf, sizeof(buf));
	struct rtp_pkt p;
	struct rtp_ext e;
	uint32_t t24;

	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_int_equal(p.flags, RTP_F_PADDING | RTP_F_EXT);
	assert_int_equal(p.pt, 98);
	assert_int_equal(p.seq, 22138);
	assert_int_equal(p.ts, 3171065731u);
	assert_int_equal(p.ssrc, 0x597eaf6du);
	assert_int_equal(p.pad_len, 224);
	assert_int_equal(p.payload_off, 20);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.n_ext, 1);
	assert_int_equal(rtp_pkt_ext_find(&p, 2, &e), RTP_OK);
	assert_int_equal(e.len, 3);
	assert_int_equal(rtp_ext_abs_send_time(&p, &e, &t24), RTP_OK);
	assert_int_equal(t24, 0xf1cc8c);
	/* 0xf1cc8c / 2^18 s = 60.4497528... s */
	assert_int_equal(rtp_abs_send_time_to_us(t24), 60449752);
}

static void
test_rtp_derived_negatives(void **state)
{
	(void)state;
	uint8_t orig[512], buf[512];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_only_padding", orig, sizeof(orig));
	struct rtp_pkt p;

	/* README: padding count 0, or larger than the payload */
	memcpy(buf, orig, n);
	buf[n - 1] = 0;
	assert_int_equal(parse_copy(&p, buf, n), RTP_E_PADDING);
	buf[n - 1] = 225; /* payload is 224 bytes */
	assert_int_equal(parse_copy(&p, buf, n), RTP_E_PADDING);
	buf[n - 1] = 255;
	assert_int_equal(parse_copy(&p, buf, n), RTP_E_PADDING);
	buf[n - 1] = 1;
	assert_int_equal(parse_copy(&p, buf, n), RTP_OK);
	assert_int_equal(p.payload_len, 223);

	/* padding may not eat the extension block */
	n = vector_load("rtp_rtcp", "aiortc_rtp_only_padding_with_header_extensions", buf, sizeof(buf));
	buf[n - 1] = 225;
	assert_int_equal(parse_copy(&p, buf, n), RTP_E_PADDING);

	/* P set on a bare header: no room for the count */
	n = vector_load("rtp_rtcp", "aiortc_rtp", buf, sizeof(buf));
	buf[0] |= 0x20;
	assert_int_equal(parse_copy(&p, buf, 12), RTP_E_PADDING);

	/* versions 0, 1, 3 */
	for (uint8_t v = 0; v < 4; v++) {
		if (v == 2)
			continue;
		n = vector_load("rtp_rtcp", "aiortc_rtp", buf, sizeof(buf));
		buf[0] = (uint8_t)(v << 6 | (buf[0] & 0x3f));
		assert_int_equal(parse_copy(&p, buf, n), RTP_E_VERSION);
	}
}

/*
 * RFC 8285 §4.2 figure: one-byte form, 3 words: (ID L=0 data) (ID L=1 data
 * data) two padding bytes (ID L=3 data x4). Ids 1, 2, 3 chosen here.
 */
static const uint8_t rfc8285_one_byte[] = {
        0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, /* header, X */
        0xbe, 0xde, 0x00, 0x03,                                                 /* length=3 */
        0x10, 0xaa, 0x21, 0xbb, 0xcc, 0x00, 0x00, 0x33, 0x01, 0x02, 0x03, 0x04, /* elements */
        0xde, 0xad,                                                             /* payload */
};

/*
 * RFC 8285 §4.3 figure: two-byte form, 3 words: (ID L=0) (ID L=1 data) one
 * padding byte (ID L=4 data x4). Ids 1, 200, 255 here, appbits 0x5.
 */
static const uint8_t rfc8285_two_byte[] = {
        0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, /* header, X */
        0x10, 0x05, 0x00, 0x03,                                                 /* length=3 */
        0x01, 0x00, 0xc8, 0x01, 0x41, 0x00, 0xff, 0x04, 0x41, 0x42, 0x43, 0x44, /* elements */
        0xde, 0xad,                                                             /* payload */
};

static void
test_rtp_rfc8285_one_byte(void **state)
{
	(void)state;
	struct rtp_pkt p;
	struct rtp_ext e;

	assert_int_equal(rtp_pkt_parse(&p, rfc8285_one_byte, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(p.ext_form, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.ext_len, 12);
	assert_int_equal(p.n_ext, 3);
	assert_int_equal(p.ext[0].id, 1);
	assert_int_equal(p.ext[0].len, 1);
	assert_int_equal(p.ext[0].off, 17);
	assert_int_equal(p.ext[1].id, 2);
	assert_int_equal(p.ext[1].len, 2);
	assert_int_equal(p.ext[1].off, 19);
	assert_int_equal(p.ext[2].id, 3);
	assert_int_equal(p.ext[2].len, 4);
	assert_int_equal(p.ext[2].off, 24);
	assert_int_equal(p.payload_off, 28);
	assert_int_equal(p.payload_len, 2);
	assert_int_equal(rtp_pkt_ext_find(&p, 3, &e), RTP_OK);
	assert_memory_equal(p.buf + e.off, "\x01\x02\x03\x04", 4);

	/* every truncation inside the block is short, never a read past it */
	for (size_t len = 0; len < 28; len++)
		assert_int_equal(parse_copy(&p, rfc8285_one_byte, len), RTP_E_SHORT);
}

static void
test_rtp_rfc8285_two_byte(void **state)
{
	(void)state;
	struct rtp_pkt p;
	struct rtp_ext e;

	assert_int_equal(rtp_pkt_parse(&p, rfc8285_two_byte, sizeof(rfc8285_two_byte)), RTP_OK);
	assert_int_equal(p.ext_form, RTP_EXT_TWO_BYTE);
	assert_int_equal(p.ext_profile, 0x1005);
	assert_int_equal(p.n_ext, 3);
	/* extension length 0 in the two-byte form */
	assert_int_equal(p.ext[0].id, 1);
	assert_int_equal(p.ext[0].len, 0);
	assert_int_equal(p.ext[0].off, 18);
	assert_int_equal(p.ext[1].id, 200);
	assert_int_equal(p.ext[1].len, 1);
	assert_int_equal(p.ext[1].off, 20);
	/* after an id-0 padding byte */
	assert_int_equal(p.ext[2].id, 255);
	assert_int_equal(p.ext[2].len, 4);
	assert_int_equal(p.ext[2].off, 24);
	assert_int_equal(rtp_pkt_ext_find(&p, 200, &e), RTP_OK);
	assert_int_equal(p.buf[e.off], 'A');
	assert_int_equal(p.payload_off, 28);

	for (size_t len = 0; len < 28; len++)
		assert_int_equal(parse_copy(&p, rfc8285_two_byte, len), RTP_E_SHORT);
}

static void
test_rtp_ext_malformed(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtp_pkt p;
	struct rtp_ext e;

	/* one-byte: the last element claims 5 bytes, 4 remain in the block */
	memcpy(buf, rfc8285_one_byte, sizeof(rfc8285_one_byte));
	buf[23] = 0x34;
	assert_int_equal(parse_copy(&p, buf, sizeof(rfc8285_one_byte)), RTP_E_EXT);
	/* two-byte: an id as the last byte of the block, without its length */
	memcpy(buf, rfc8285_two_byte, sizeof(rfc8285_two_byte));
	memset(buf + 16, 0, 12);
	buf[27] = 0x07;
	assert_int_equal(parse_copy(&p, buf, sizeof(rfc8285_two_byte)), RTP_E_EXT);
	/* two-byte: a length past the block */
	buf[27] = 0;
	buf[26] = 0x07;
	buf[27] = 0x01;
	assert_int_equal(parse_copy(&p, buf, sizeof(rfc8285_two_byte)), RTP_E_EXT);
	/* block length larger than the packet */
	memcpy(buf, rfc8285_one_byte, sizeof(rfc8285_one_byte));
	buf[15] = 0x05;
	assert_int_equal(parse_copy(&p, buf, sizeof(rfc8285_one_byte)), RTP_E_SHORT);

	/* one-byte id 15: processing stops there, the rest is not looked at (§4.2) */
	memcpy(buf, rfc8285_one_byte, sizeof(rfc8285_one_byte));
	buf[18] = 0xff; /* in place of (id 2, L=1) */
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(p.n_ext, 1);
	assert_true(p.flags & RTP_F_EXT_STOPPED);
	assert_int_equal(rtp_pkt_ext_find(&p, 3, &e), RTP_E_NOT_FOUND);
	/* one-byte id 0 with a nonzero length is not padding: stop too */
	buf[18] = 0x01;
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(p.n_ext, 1);
	assert_true(p.flags & RTP_F_EXT_STOPPED);

	/* another profile: the block is kept, no elements */
	memcpy(buf, rfc8285_one_byte, sizeof(rfc8285_one_byte));
	buf[12] = 0x12;
	buf[13] = 0x34;
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(p.ext_form, RTP_EXT_OTHER);
	assert_int_equal(p.ext_profile, 0x1234);
	assert_int_equal(p.ext_len, 12);
	assert_int_equal(p.n_ext, 0);
	assert_int_equal(rtp_pkt_ext_find(&p, 1, &e), RTP_E_NOT_FOUND);

	/* an empty block, and one of padding only */
	memcpy(buf, rfc8285_one_byte, 16);
	buf[15] = 0;
	assert_int_equal(rtp_pkt_parse(&p, buf, 16), RTP_OK);
	assert_int_equal(p.n_ext, 0);
	assert_int_equal(p.payload_len, 0);
	memcpy(buf, rfc8285_one_byte, 16);
	buf[15] = 1;
	memset(buf + 16, 0, 4);
	assert_int_equal(rtp_pkt_parse(&p, buf, 20), RTP_OK);
	assert_int_equal(p.n_ext, 0);
}

static void
test_rtp_ext_more_than_table(void **state)
{
	(void)state;
	uint8_t buf[256];
	struct rtp_builder b;
	struct rtp_pkt p;
	struct rtp_ext e;
	int n;

	/* 20 two-byte elements, ids 1..20, each one byte of value id */
	rtp_build_begin(&b, buf, sizeof(buf), 96, 0, 1, 2, 3);
	rtp_build_ext_begin(&b, 1);
	for (uint8_t id = 1; id <= 20; id++)
		rtp_build_ext(&b, id, &id, 1);
	n = rtp_build_end(&b);
	assert_true(n > 0);
	assert_int_equal(rtp_pkt_parse(&p, buf, (size_t)n), RTP_OK);
	assert_int_equal(p.n_ext, RTP_EXT_MAX);
	assert_true(p.flags & RTP_F_EXT_MORE);
	for (uint8_t id = 1; id <= 20; id++) {
		assert_int_equal(rtp_pkt_ext_find(&p, id, &e), RTP_OK);
		assert_int_equal(e.len, 1);
		assert_int_equal(p.buf[e.off], id);
	}
	assert_int_equal(rtp_pkt_ext_find(&p, 21, &e), RTP_E_NOT_FOUND);
	/* malformed after the 16th element still fails the parse */
	buf[n - 1] = 0x09;
	buf[n - 2] = 0x15;
	assert_int_equal(parse_copy(&p, buf, (size_t)n), RTP_E_EXT);
}

static void
test_rtp_ext_decoders(void **state)
{
	(void)state;
	/* one-byte: mid "a-b" (id 1), abs-send-time (id 2), twcc (id 3), audio level (id 4) */
	static const uint8_t pkt[] = {0x90, 0x6f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x11, 0x22,
	        0x33, 0x44, 0xbe, 0xde, 0x00, 0x04, 0x12, 'a', '-', 'b', 0x22, 0x12, 0x34, 0x56,
	        0x31, 0xab, 0xcd, 0x40, 0xaa, 0x00, 0x00, 0x00};
	struct rtp_pkt p;
	struct rtp_ext e;
	const uint8_t *mid;
	uint8_t mid_len = 0, level;
	uint32_t t24;
	uint16_t seq;
	int voice;

	assert_int_equal(rtp_pkt_parse(&p, pkt, sizeof(pkt)), RTP_OK);
	assert_int_equal(p.n_ext, 4);
	assert_int_equal(rtp_pkt_ext_find(&p, 1, &e), RTP_OK);
	assert_int_equal(rtp_ext_mid(&p, &e, &mid, &mid_len), RTP_OK);
	assert_int_equal(mid_len, 3);
	assert_memory_equal(mid, "a-b", 3);
	assert_int_equal(rtp_pkt_ext_find(&p, 2, &e), RTP_OK);
	assert_int_equal(rtp_ext_abs_send_time(&p, &e, &t24), RTP_OK);
	assert_int_equal(t24, 0x123456);
	assert_int_equal(rtp_pkt_ext_find(&p, 3, &e), RTP_OK);
	assert_int_equal(rtp_ext_twcc_seq(&p, &e, &seq), RTP_OK);
	assert_int_equal(seq, 0xabcd);
	assert_int_equal(rtp_pkt_ext_find(&p, 4, &e), RTP_OK);
	/* RFC 6464 §3: V=1, level 42 (-42 dBov) */
	assert_int_equal(rtp_ext_audio_level(&p, &e, &voice, &level), RTP_OK);
	assert_int_equal(voice, 1);
	assert_int_equal(level, 42);

	/* wrong lengths are refused and leave the outputs alone */
	t24 = 7;
	seq = 7;
	assert_int_equal(rtp_pkt_ext_find(&p, 3, &e), RTP_OK); /* 2 bytes */
	assert_int_equal(rtp_ext_abs_send_time(&p, &e, &t24), RTP_E_INVAL);
	assert_int_equal(rtp_ext_audio_level(&p, &e, &voice, &level), RTP_E_INVAL);
	assert_int_equal(rtp_pkt_ext_find(&p, 2, &e), RTP_OK); /* 3 bytes */
	assert_int_equal(rtp_ext_twcc_seq(&p, &e, &seq), RTP_E_INVAL);
	assert_int_equal(t24, 7);
	assert_int_equal(seq, 7);
	/* a mid must be token characters */
	assert_int_equal(rtp_pkt_ext_find(&p, 2, &e), RTP_OK);
	assert_int_equal(rtp_ext_mid(&p, &e, &mid, &mid_len), RTP_E_INVAL); /* 0x12, 0x34, 0x56 */
	assert_int_equal(mid_len, 3);
	/* an element that is not inside the packet */
	e.off = (uint16_t)(sizeof(pkt) - 1);
	e.len = 3;
	assert_int_equal(rtp_ext_abs_send_time(&p, &e, &t24), RTP_E_INVAL);
}

static void
test_rtp_abs_send_time_conversions(void **state)
{
	(void)state;
	/* 6.18 fixed point: 1.5 s = 1.5 * 2^18 */
	assert_int_equal(rtp_abs_send_time_from_us(1500000), 393216);
	assert_int_equal(rtp_abs_send_time_to_us(393216), 1500000);
	/* wraps every 64 s */
	assert_int_equal(rtp_abs_send_time_from_us(64000000), 0);
	assert_int_equal(rtp_abs_send_time_from_us(65500000), 393216);
	assert_int_equal(rtp_abs_send_time_to_us(0xffffff), 63999996);
	/* a Unix-epoch microsecond clock does not overflow */
	assert_int_equal(rtp_abs_send_time_from_us(1700000000500000ull),
	        ((1700000000ull % 64) << 18) | (1u << 17));
	/* round trip within one unit (3.8 us) and one microsecond of flooring */
	for (uint64_t us = 0; us < 64000000; us += 999983) {
		uint32_t back = rtp_abs_send_time_to_us(rtp_abs_send_time_from_us(us));
		assert_true(us - back < 5);
	}
}

static void
test_rtp_header_rewrite(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = vector_load("rtp_rtcp", "aiortc_rtp_with_sdes_mid", buf, sizeof(buf));
	struct rtp_pkt p;

	rtp_hdr_set_ssrc(buf, 0x01020304);
	rtp_hdr_set_pt(buf, 96);
	rtp_hdr_set_seq(buf, 65535);
	rtp_hdr_set_ts(buf, 0xfffffffe);
	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_int_equal(p.ssrc, 0x01020304);
	assert_int_equal(p.pt, 96);
	assert_true(p.flags & RTP_F_MARKER); /* kept */
	assert_int_equal(p.seq, 65535);
	assert_int_equal(p.ts, 0xfffffffe);
	assert_int_equal(p.n_ext, 1); /* the rest is unchanged */
	rtp_hdr_set_marker(buf, 0);
	rtp_hdr_set_pt(buf, 0xff); /* 7 bits only */
	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_false(p.flags & RTP_F_MARKER);
	assert_int_equal(p.pt, 127);
	rtp_hdr_set_marker(buf, 1);
	assert_int_equal(rtp_pkt_parse(&p, buf, n), RTP_OK);
	assert_true(p.flags & RTP_F_MARKER);
	assert_int_equal(p.pt, 127);
}

static void
test_rtp_ext_rewrite(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtp_pkt p;
	struct rtp_ext e;
	uint16_t seq;
	static const uint8_t twcc[2] = {0x12, 0x34};

	/* one-byte form */
	memcpy(buf, rfc8285_one_byte, sizeof(rfc8285_one_byte));
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(rtp_pkt_ext_write(buf, &p, 2, twcc, 2), RTP_OK);
	assert_int_equal(rtp_pkt_ext_find(&p, 2, &e), RTP_OK);
	assert_int_equal(rtp_ext_twcc_seq(&p, &e, &seq), RTP_OK);
	assert_int_equal(seq, 0x1234);
	assert_int_equal(rtp_pkt_ext_write(buf, &p, 2, twcc, 1), RTP_E_INVAL); /* length differs */
	assert_int_equal(rtp_pkt_ext_write(buf, &p, 9, twcc, 2), RTP_E_NOT_FOUND);
	/* renumber 2 -> 14, strip 1 */
	assert_int_equal(rtp_pkt_ext_set_id(buf, &p, 2, 15), RTP_E_INVAL);
	assert_int_equal(rtp_pkt_ext_set_id(buf, &p, 2, 0), RTP_E_INVAL);
	assert_int_equal(rtp_pkt_ext_set_id(buf, &p, 2, 14), RTP_OK);
	assert_int_equal(rtp_pkt_ext_clear(buf, &p, 1), RTP_OK);
	assert_int_equal(rtp_pkt_ext_clear(buf, &p, 5), RTP_E_NOT_FOUND);
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_one_byte)), RTP_OK);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(p.ext[0].id, 14);
	assert_int_equal(p.ext[0].len, 2);
	assert_int_equal(p.ext[1].id, 3);
	assert_int_equal(rtp_pkt_ext_find(&p, 1, &e), RTP_E_NOT_FOUND);
	assert_int_equal(rtp_pkt_ext_find(&p, 14, &e), RTP_OK);
	assert_memory_equal(p.buf + e.off, twcc, 2);

	/* two-byte form: ids up to 255, the length-0 element can be cleared too */
	memcpy(buf, rfc8285_two_byte, sizeof(rfc8285_two_byte));
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_two_byte)), RTP_OK);
	assert_int_equal(rtp_pkt_ext_set_id(buf, &p, 255, 100), RTP_OK);
	assert_int_equal(rtp_pkt_ext_clear(buf, &p, 1), RTP_OK);
	assert_int_equal(rtp_pkt_parse(&p, buf, sizeof(rfc8285_two_byte)), RTP_OK);
	assert_int_equal(p.n_ext, 2);
	assert_int_equal(p.ext[0].id, 200);
	assert_int_equal(p.ext[1].id, 100);
	assert_int_equal(p.ext[1].len, 4);

	/* the buffer must be the one parsed */
	assert_int_equal(rtp_pkt_ext_write(buf + 1, &p, 200, "Z", 1), RTP_E_INVAL);
}

static void
test_rtp_build_roundtrip(void **state)
{
	(void)state;
	uint8_t buf[128];
	struct rtp_builder b;
	struct rtp_pkt p;
	struct rtp_ext e;
	const uint8_t *mid;
	uint8_t mid_len, level;
	uint32_t t24;
	uint16_t seq;
	int voice, n;
	static const uint8_t ast[3] = {0x01, 0x02, 0x03}, tw[2] = {0xbe, 0xef}, al[1] = {0x85};

	rtp_build_begin(&b, buf, sizeof(buf), 111, 1, 4242, 960, 0xcafebabe);
	rtp_build_csrc(&b, 0x11111111);
	rtp_build_csrc(&b, 0x22222222);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "v0", 2);
	rtp_build_ext(&b, 3, ast, 3);
	rtp_build_ext(&b, 5, tw, 2);
	rtp_build_ext(&b, 10, al, 1);
	n = rtp_build_end(&b);
	/* 12 + 8 + 4 + (3 + 4 + 3 + 2 = 12) */
	assert_int_equal(n, 36);
	memcpy(buf + n, "opus", 4);
	assert_int_equal(rtp_pkt_parse(&p, buf, (size_t)n + 4), RTP_OK);
	assert_int_equal(p.pt, 111);
	assert_true(p.flags & RTP_F_MARKER);
	assert_int_equal(p.seq, 4242);
	assert_int_equal(p.ts, 960);
	assert_int_equal(p.ssrc, 0xcafebabe);
	assert_int_equal(p.cc, 2);
	assert_int_equal(rtp_pkt_csrc(&p, 1), 0x22222222);
	assert_int_equal(p.ext_form, RTP_EXT_ONE_BYTE);
	assert_int_equal(p.n_ext, 4);
	assert_int_equal(p.payload_off, 36);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(rtp_pkt_ext_find(&p, 1, &e), RTP_OK);
	assert_int_equal(rtp_ext_mid(&p, &e, &mid, &mid_len), RTP_OK);
	assert_memory_equal(mid, "v0", 2);
	assert_int_equal(rtp_pkt_ext_find(&p, 3, &e), RTP_OK);
	assert_int_equal(rtp_ext_abs_send_time(&p, &e, &t24), RTP_OK);
	assert_int_equal(t24, 0x010203);
	assert_int_equal(rtp_pkt_ext_find(&p, 5, &e), RTP_OK);
	assert_int_equal(rtp_ext_twcc_seq(&p, &e, &seq), RTP_OK);
	assert_int_equal(seq, 0xbeef);
	assert_int_equal(rtp_pkt_ext_find(&p, 10, &e), RTP_OK);
	assert_int_equal(rtp_ext_audio_level(&p, &e, &voice, &level), RTP_OK);
	assert_int_equal(voice, 1);
	assert_int_equal(level, 5);

	/* two-byte form reproduces the RFC 8285 §4.3 block, padding byte included */
	rtp_build_begin(&b, buf, sizeof(buf), 0x60, 0, 1, 2, 0x11223344);
	rtp_build_ext_begin(&b, 1);
	rtp_build_ext(&b, 1, NULL, 0);
	rtp_build_ext(&b, 200, "A", 1);
	n = rtp_build_end(&b);
	assert_int_equal(n, 12 + 4 + 8);
	assert_memory_equal(buf + 12, "\x10\x00\x00\x02\x01\x00\xc8\x01\x41\x00\x00\x00", 12);
	/* no extension at all */
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	assert_int_equal(rtp_build_end(&b), 12);
	assert_int_equal(rtp_pkt_parse(&p, buf, 12), RTP_OK);
	assert_int_equal(p.flags, 0);
}

static void
test_rtp_build_errors(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct rtp_builder b;

	rtp_build_begin(&b, buf, 11, 0, 0, 0, 0, 0);
	assert_int_equal(rtp_build_end(&b), RTP_E_NOSPACE);
	rtp_build_begin(&b, buf, sizeof(buf), 128, 0, 0, 0, 0);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	/* one-byte form limits: id 1..14, 1..16 bytes */
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 15, "x", 1);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "", 0);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "0123456789abcdefg", 17);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	/* an element without a block, a CSRC after the block, two blocks */
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext(&b, 1, "x", 1);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_csrc(&b, 1);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	rtp_build_begin(&b, buf, sizeof(buf), 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext_begin(&b, 1);
	assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	/* 16 CSRCs */
	{
		uint8_t big[128];
		rtp_build_begin(&b, big, sizeof(big), 0, 0, 0, 0, 0);
		for (uint32_t i = 0; i < 16; i++)
			rtp_build_csrc(&b, i);
		assert_int_equal(rtp_build_end(&b), RTP_E_INVAL);
	}
	/* no room for the element, or for the padding at the end */
	rtp_build_begin(&b, buf, 18, 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "abc", 3);
	assert_int_equal(rtp_build_end(&b), RTP_E_NOSPACE);
	rtp_build_begin(&b, buf, 18, 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "a", 1);
	assert_int_equal(rtp_build_end(&b), RTP_E_NOSPACE);
	rtp_build_begin(&b, buf, 20, 0, 0, 0, 0, 0);
	rtp_build_ext_begin(&b, 0);
	rtp_build_ext(&b, 1, "a", 1);
	assert_int_equal(rtp_build_end(&b), 20);
}

static void
test_rtp_every_vector_every_truncation(void **state)
{
	(void)state;
	static const char *const valid[] = {"aiortc_rtp", "aiortc_rtp_with_csrc",
	        "aiortc_rtp_with_sdes_mid", "aiortc_rtp_dtmf", "aiortc_rtp_only_padding",
	        "aiortc_rtp_only_padding_with_header_extensions"};
	uint8_t buf[512];
	struct rtp_pkt p;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		size_t n = vector_load("rtp_rtcp", valid[i], buf, sizeof(buf));
		assert_int_equal(parse_copy(&p, buf, n), RTP_OK);
		for (size_t len = 0; len < n; len++) {
			int rc = parse_copy(&p, buf, len);
			assert_true(rc == RTP_OK || rc == RTP_E_SHORT || rc == RTP_E_PADDING);
		}
	}
	assert_string_equal(rtp_strerror(RTP_E_SHORT), "truncated");
	assert_string_equal(rtp_strerror(1), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rtp_aiortc_plain),
	        cmocka_unit_test(test_rtp_aiortc_csrc),
	        cmocka_unit_test(test_rtp_aiortc_sdes_mid),
	        cmocka_unit_test(test_rtp_aiortc_dtmf),
	        cmocka_unit_test(test_rtp_aiortc_only_padding),
	        cmocka_unit_test(test_rtp_aiortc_only_padding_ext),
	        cmocka_unit_test(test_rtp_derived_negatives),
	        cmocka_unit_test(test_rtp_rfc8285_one_byte),
	        cmocka_unit_test(test_rtp_rfc8285_two_byte),
	        cmocka_unit_test(test_rtp_ext_malformed),
	        cmocka_unit_test(test_rtp_ext_more_than_table),
	        cmocka_unit_test(test_rtp_ext_decoders),
	        cmocka_unit_test(test_rtp_abs_send_time_conversions),
	        cmocka_unit_test(test_rtp_header_rewrite),
	        cmocka_unit_test(test_rtp_ext_rewrite),
	        cmocka_unit_test(test_rtp_build_roundtrip),
	        cmocka_unit_test(test_rtp_build_errors),
	        cmocka_unit_test(test_rtp_every_vector_every_truncation),
	};
	return cmocka_run_group_tests_name("rtp", tests, NULL, NULL);
}
