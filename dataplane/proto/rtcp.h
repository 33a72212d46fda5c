/*
 * RTCP (RFC 3550 §6, RFC 4585 §6, RFC 5104 §4.3.1): compound packet walk,
 * typed views and builders. Sans-IO.
 *
 * Owns: the compound walk and the RFC 3550 §6.4.1 / App. A.2 length and
 * padding rules; views of SR, RR and their report blocks, SDES chunks and
 * items, BYE (with reason), APP, RTPFB generic NACK (fmt 1) and
 * transport-wide CC (fmt 15, draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §3.1), PSFB PLI (fmt 1), FIR (fmt 4) and REMB (fmt 15,
 * draft-alvestrand-rmcat-remb-03 §2); builders for RR, SR, SDES CNAME,
 * BYE, PLI, FIR, NACK and REMB into a caller buffer.
 *
 * The walk (rtcp_iter_next) exposes a packet only after its length, its
 * count field and its type's structure have been checked against its
 * bytes (the janus_rtcp_check_len idea): SR/RR report blocks fit, SDES
 * chunks and items fit and are terminated, BYE sources and reason fit,
 * feedback FCI has the size its format needs, a transport-wide CC packet's
 * chunks and deltas are all there, a REMB's SSRC list fits. The typed
 * views then read fields without failing on lengths. Views point into the
 * caller's buffer. A view function either succeeds whole or returns a
 * negative RTCP_E_* and leaves its output zeroed.
 *
 * Reduced-size RTCP (RFC 5506) is accepted: a compound need not start with
 * SR or RR. rtcp_compound_check() applies the full RFC 3550 App. A.2 rule.
 */
#ifndef RTC_RTCP_H
#define RTC_RTCP_H

#include <stddef.h>
#include <stdint.h>

#define RTCP_VERSION 2
#define RTCP_HDR_LEN 4
#define RTCP_MAX_COUNT 31           /* RC / SC field */
#define RTCP_REPORT_BLOCK_LEN 24    /* RFC 3550 §6.4.1 */
#define RTCP_SR_INFO_LEN 20         /* NTP (8), RTP ts, packet count, octet count */
#define RTCP_FB_HDR_LEN 12          /* RFC 4585 §6.1: header + sender SSRC + media SSRC */
#define RTCP_NACK_MAX_PER_ITEM 17   /* PID + 16 BLP bits */
#define RTCP_TWCC_DELTA_US 250      /* receive delta unit */
#define RTCP_TWCC_REF_TIME_US 64000 /* reference time unit */

/* Packet types (RFC 3550 §12.1, RFC 4585 §6.1). */
enum rtcp_pt {
	RTCP_PT_SR = 200,
	RTCP_PT_RR = 201,
	RTCP_PT_SDES = 202,
	RTCP_PT_BYE = 203,
	RTCP_PT_APP = 204,
	RTCP_PT_RTPFB = 205,
	RTCP_PT_PSFB = 206,
	RTCP_PT_XR = 207,
};

/* Feedback message types (FMT). */
#define RTCP_RTPFB_NACK 1  /* RFC 4585 §6.2.1 */
#define RTCP_RTPFB_TWCC 15 /* draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 */
#define RTCP_PSFB_PLI 1    /* RFC 4585 §6.3.1 */
#define RTCP_PSFB_FIR 4    /* RFC 5104 §4.3.1 */
#define RTCP_PSFB_AFB 15   /* RFC 4585 §6.4; REMB when the FCI starts with "REMB" */

/* SDES item types (RFC 3550 §6.5). */
enum rtcp_sdes_type {
	RTCP_SDES_END = 0,
	RTCP_SDES_CNAME = 1,
	RTCP_SDES_NAME = 2,
	RTCP_SDES_EMAIL = 3,
	RTCP_SDES_PHONE = 4,
	RTCP_SDES_LOC = 5,
	RTCP_SDES_TOOL = 6,
	RTCP_SDES_NOTE = 7,
	RTCP_SDES_PRIV = 8,
};

enum rtcp_err {
	RTCP_OK = 0,
	RTCP_E_SHORT = -1,    /* fewer than 4 bytes, or a length field past the end */
	RTCP_E_VERSION = -2,  /* version is not 2 */
	RTCP_E_LENGTH = -3,   /* a count or FCI inconsistent with the packet's length */
	RTCP_E_PADDING = -4,  /* zero or oversized padding count, or P not on the last packet */
	RTCP_E_FORMAT = -5,   /* malformed body: SDES items, BYE reason, TWCC chunks, REMB */
	RTCP_E_TYPE = -6,     /* a view asked of a packet of another type or format */
	RTCP_E_COMPOUND = -7, /* rtcp_compound_check: does not start with SR or RR */
	RTCP_E_NOSPACE = -8,  /* builder or output array too small */
	RTCP_E_INVAL = -9,    /* builder: an argument out of range */
};

/* One packet of a compound, as exposed by the walk. */
struct rtcp_pkt {
	const uint8_t *buf; /* its first header byte */
	uint16_t len;       /* bytes without padding (header included) */
	uint16_t off;       /* offset in the compound */
	uint8_t pt;
	uint8_t count; /* RC, SC or FMT */
	uint8_t pad_len;
	uint8_t padding; /* P bit */
};

/* Compound walk: init, then next until it returns 0 (end) or < 0 (error). */
struct rtcp_iter {
	const uint8_t *buf;
	size_t len;
	size_t off;
	int err; /* sticky: once an error is returned, every later call returns it */
};

void rtcp_iter_init(struct rtcp_iter *it, const uint8_t *buf, size_t len);
/* 1 and *p for the next valid packet; 0 at the end; a negative RTCP_E_* (p zeroed). */
int rtcp_iter_next(struct rtcp_iter *it, struct rtcp_pkt *p);

/*
 * The whole datagram: every packet valid (as for rtcp_iter_next), the first
 * an SR or RR unless @reduced_size (RFC 5506 §3.4.1 / RFC 3550 App. A.2).
 * RTCP_OK and the number of packets in *n (may be NULL), or an error.
 */
int rtcp_compound_check(const uint8_t *buf, size_t len, int reduced_size, unsigned *n);

/* Report blocks (RFC 3550 §6.4.1). */
struct rtcp_report_block {
	uint32_t ssrc;
	uint8_t fraction_lost;
	int32_t cum_lost; /* 24-bit signed on the wire */
	uint32_t ext_high_seq;
	uint32_t jitter;
	uint32_t lsr;
	uint32_t dlsr;
};

struct rtcp_sr {
	uint32_t ssrc;
	uint64_t ntp; /* NTP timestamp, 32.32 */
	uint32_t rtp_ts;
	uint32_t pkt_count;
	uint32_t octet_count;
	uint8_t rc;
	const uint8_t *blocks; /* rc blocks */
	const uint8_t *ext;    /* profile-specific extension (§6.4.1), or NULL */
	uint16_t ext_len;
};

struct rtcp_rr {
	uint32_t ssrc;
	uint8_t rc;
	const uint8_t *blocks;
	const uint8_t *ext;
	uint16_t ext_len;
};

int rtcp_sr_parse(const struct rtcp_pkt *p, struct rtcp_sr *sr);
int rtcp_rr_parse(const struct rtcp_pkt *p, struct rtcp_rr *rr);
/* Block @i of @blocks, which holds @n (from an SR or RR view). */
int rtcp_report_block_get(
        const uint8_t *blocks, uint8_t n, unsigned i, struct rtcp_report_block *rb);

/* SDES: items of all chunks in order, each with its chunk's SSRC. */
struct rtcp_sdes_item {
	uint32_t ssrc;
	uint8_t type; /* enum rtcp_sdes_type */
	uint8_t len;
	const uint8_t *data;
};

struct rtcp_sdes_iter {
	const uint8_t *buf; /* the packet */
	uint16_t len;
	uint16_t off;
	uint8_t chunks_left;
	uint8_t in_chunk;
	uint32_t ssrc;
};

int rtcp_sdes_iter_init(struct rtcp_sdes_iter *it, const struct rtcp_pkt *p);
/* 1 and *item, 0 at the end, or a negative RTCP_E_* (never for a packet the walk exposed). */
int rtcp_sdes_iter_next(struct rtcp_sdes_iter *it, struct rtcp_sdes_item *item);

struct rtcp_bye {
	uint8_t sc;
	const uint8_t *ssrcs; /* sc SSRCs */
	const uint8_t *reason;
	uint8_t reason_len;
};

int rtcp_bye_parse(const struct rtcp_pkt *p, struct rtcp_bye *bye);
uint32_t rtcp_bye_ssrc(const struct rtcp_bye *bye, unsigned i);

struct rtcp_app {
	uint8_t subtype;
	uint32_t ssrc;
	const uint8_t *name; /* 4 ASCII characters */
	const uint8_t *data;
	uint16_t data_len;
};

int rtcp_app_parse(const struct rtcp_pkt *p, struct rtcp_app *app);

/* Common feedback header (RFC 4585 §6.1), RTPFB or PSFB. */
struct rtcp_fb {
	uint8_t pt;
	uint8_t fmt;
	uint32_t sender_ssrc;
	uint32_t media_ssrc;
	const uint8_t *fci;
	uint16_t fci_len;
};

int rtcp_fb_parse(const struct rtcp_pkt *p, struct rtcp_fb *fb);

/* Generic NACK (RTPFB fmt 1): fci_len / 4 items of PID and BLP. */
unsigned rtcp_nack_count(const struct rtcp_fb *fb);
int rtcp_nack_get(const struct rtcp_fb *fb, unsigned i, uint16_t *pid, uint16_t *blp);
/* The sequence numbers one item names, PID first; returns their number (1..17). */
unsigned rtcp_nack_expand(uint16_t pid, uint16_t blp, uint16_t out[RTCP_NACK_MAX_PER_ITEM]);
/* All of them, item by item: their number, or RTCP_E_NOSPACE (out untouched) if > cap. */
int rtcp_nack_expand_all(const struct rtcp_fb *fb, uint16_t *out, size_t cap);

/* Transport-wide CC feedback (RTPFB fmt 15). */
enum rtcp_twcc_status {
	RTCP_TWCC_NOT_RECEIVED = 0,
	RTCP_TWCC_SMALL_DELTA = 1, /* 8-bit unsigned delta */
	RTCP_TWCC_LARGE_DELTA = 2, /* 16-bit signed delta */
};

struct rtcp_twcc {
	uint32_t sender_ssrc;
	uint32_t media_ssrc;
	uint16_t base_seq;
	uint16_t status_count;
	int32_t ref_time; /* 24-bit signed, units of 64 ms */
	uint8_t fb_count;
	const uint8_t *chunks; /* from here to the end of the FCI: chunks, then deltas */
	uint16_t chunks_len;   /* bytes of packet chunks */
	uint16_t deltas_len;   /* bytes of receive deltas */
};

int rtcp_twcc_parse(const struct rtcp_pkt *p, struct rtcp_twcc *tw);

/* Per-packet walk of a parsed transport-wide CC feedback. */
struct rtcp_twcc_iter {
	const struct rtcp_twcc *tw;
	uint16_t done;      /* statuses returned */
	uint16_t chunk_off; /* next chunk, from tw->chunks */
	uint16_t delta_off; /* next delta, from tw->chunks + tw->chunks_len */
	uint16_t chunk;     /* current chunk */
	uint16_t chunk_left;
	uint8_t chunk_pos;
};

struct rtcp_twcc_pkt {
	uint16_t seq;
	uint8_t status; /* enum rtcp_twcc_status */
	int32_t delta;  /* units of 250 us; 0 when not received */
};

void rtcp_twcc_iter_init(struct rtcp_twcc_iter *it, const struct rtcp_twcc *tw);
/* 1 and *pkt for each of status_count packets, then 0; RTCP_E_FORMAT if tw is inconsistent. */
int rtcp_twcc_iter_next(struct rtcp_twcc_iter *it, struct rtcp_twcc_pkt *pkt);

/* FIR (PSFB fmt 4): fci_len / 8 entries. */
struct rtcp_fir_entry {
	uint32_t ssrc;
	uint8_t seq_nr;
};

unsigned rtcp_fir_count(const struct rtcp_fb *fb);
int rtcp_fir_get(const struct rtcp_fb *fb, unsigned i, struct rtcp_fir_entry *e);

/* REMB (PSFB fmt 15, "REMB"). */
struct rtcp_remb {
	uint32_t sender_ssrc;
	uint64_t bitrate; /* bits per second: mantissa << exp */
	uint8_t n_ssrc;
	const uint8_t *ssrcs;
};

int rtcp_remb_parse(const struct rtcp_pkt *p, struct rtcp_remb *remb);
uint32_t rtcp_remb_ssrc(const struct rtcp_remb *remb, unsigned i);

/*
 * Compound builder into a caller buffer. Calls after an error are no-ops;
 * rtcp_build_end() returns the total length or the first error.
 */
struct rtcp_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	size_t last; /* offset of the last packet started */
	int padded;  /* the last packet was padded: nothing may follow (§6.4.1) */
	int err;
};

void rtcp_build_begin(struct rtcp_builder *b, uint8_t *buf, size_t cap);
void rtcp_build_sr(struct rtcp_builder *b, uint32_t ssrc, uint64_t ntp, uint32_t rtp_ts,
        uint32_t pkt_count, uint32_t octet_count, const struct rtcp_report_block *rb, unsigned n);
void rtcp_build_rr(
        struct rtcp_builder *b, uint32_t ssrc, const struct rtcp_report_block *rb, unsigned n);
void rtcp_build_sdes_cname(struct rtcp_builder *b, uint32_t ssrc, const void *cname, size_t len);
void rtcp_build_bye(struct rtcp_builder *b, const uint32_t *ssrcs, unsigned n, const void *reason,
        size_t reason_len);
void rtcp_build_pli(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc);
void rtcp_build_fir(
        struct rtcp_builder *b, uint32_t sender_ssrc, const struct rtcp_fir_entry *e, unsigned n);
/* Sequence numbers to items: each that is not within PID+1..PID+16 of the open item starts one. */
void rtcp_build_nack(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc,
        const uint16_t *seqs, size_t n);
/* Bitrate as the smallest exponent whose mantissa fits 18 bits (rounded down). */
void rtcp_build_remb(struct rtcp_builder *b, uint32_t sender_ssrc, uint64_t bitrate,
        const uint32_t *ssrcs, unsigned n);
/*
 * Append @n padding bytes (4..252, a multiple of 4; the last one holds @n)
 * to the last packet and set its P bit (§6.4.1); no packet may follow.
 */
void rtcp_build_pad(struct rtcp_builder *b, unsigned n);
int rtcp_build_end(struct rtcp_builder *b);

const char *rtcp_strerror(int err);

#endif
