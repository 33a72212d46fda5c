/*
 * SDP (RFC 8866) offers as WebRTC clients send them: parse into a bounded
 * struct. Sans-IO: text in, struct out; no allocation, no globals, no clock.
 *
 * Owns: the line grammar (`<letter>=<value>`, CRLF or LF, RFC 8866 §5) and
 * the attributes a WHIP/WHEP edge needs: BUNDLE groups (RFC 8843), mid,
 * rtcp-mux / rtcp-mux-only (RFC 5761, RFC 8858), rtcp-rsize (RFC 5506),
 * msid (RFC 8830), ssrc and ssrc-group (RFC 5576), rtpmap / fmtp, rtcp-fb
 * (RFC 4585, RFC 5104), extmap (RFC 8285), direction, setup (RFC 4145,
 * RFC 5763), fingerprint (RFC 8122), ice-ufrag / ice-pwd / ice-options /
 * ice-lite / candidate / end-of-candidates (RFC 8839). Everything else is
 * skipped.
 *
 * Every string is copied into a fixed array of the struct (the text may be
 * freed after the parse) and every count has a bound: an input over a bound
 * is refused with SDP_E_LIMIT / SDP_E_TOO_MANY_MEDIA / SDP_E_TOO_BIG /
 * SDP_E_LINE_TOO_LONG, never truncated. The one exception is candidates:
 * those we cannot use (non-UDP, mDNS `.local` or other host names, RTCP
 * component, past SDP_MAX_CAND) are dropped and counted, as WHIP asks (W20).
 *
 * Media-level values are effective values: a media section without its own
 * ice-ufrag, ice-pwd, fingerprint, setup, direction or ice-options gets the
 * session-level one (RFC 8839 §5.4, RFC 8122 §5); session-level extmaps are
 * added to every media section (RFC 8285 §5). The session-level values are
 * kept too.
 *
 * A parse either succeeds whole or returns a negative SDP_E_* and leaves the
 * output zeroed; struct sdp_error says which line and why.
 *
 * struct sdp_desc is large (about 300 KB): allocate it, don't put it on a
 * small stack.
 */
#ifndef RTC_SDP_H
#define RTC_SDP_H

#include <stddef.h>
#include <stdint.h>

#define SDP_MAX_LEN 65536     /* whole description, bytes */
#define SDP_MAX_LINE 1024     /* one line without its CRLF */
#define SDP_MAX_MEDIA 8       /* m= sections */
#define SDP_MAX_CODECS 64     /* payload types on one m= line */
#define SDP_MAX_PARAMS 16     /* fmtp parameters of one codec */
#define SDP_MAX_EXTMAP 24     /* extmap lines of one section */
#define SDP_MAX_SSRC 16       /* distinct SSRCs of one section */
#define SDP_MAX_SSRC_GROUPS 8 /* ssrc-group lines of one section */
#define SDP_MAX_GROUP_SSRC 8  /* SSRCs of one ssrc-group */
#define SDP_MAX_CAND 32       /* usable candidates kept per section (more are dropped) */
#define SDP_MAX_FP 4          /* fingerprints per level */
#define SDP_MAX_LOCAL_ADDR 8  /* our data addresses (answer candidates) */

/* String bounds: each array holds up to N-1 characters and a NUL. */
#define SDP_MID_MAX 65    /* RFC 8843 identification-tag (a token) */
#define SDP_UFRAG_MAX 257 /* RFC 8839 §5.4: 4..256 ice-chars */
#define SDP_PWD_MAX 257   /* RFC 8839 §5.4: 22..256 ice-chars */
#define SDP_NAME_MAX 32   /* rtpmap encoding name */
#define SDP_FMTP_MAX 256  /* fmtp parameter string */
#define SDP_URI_MAX 128   /* extmap URI */
#define SDP_MSID_MAX 65   /* RFC 8830 msid-id / msid-appdata: 1*64 token-char */
#define SDP_CNAME_MAX 128 /* ssrc cname */
#define SDP_PROTO_MAX 32  /* m= proto */
#define SDP_FMT_MAX 32    /* one m= fmt token */
#define SDP_SEMANTICS_MAX 16
#define SDP_FOUNDATION_MAX 33 /* RFC 8839: 1*32 ice-char */
#define SDP_ADDR_STR_MAX 46   /* INET6_ADDRSTRLEN */
#define SDP_SESS_ID_MAX 32    /* o= sess-id */
#define SDP_FP_LEN_MAX 64     /* sha-512 */

enum sdp_err {
	SDP_OK = 0,
	SDP_E_TOO_BIG = -1,        /* more than SDP_MAX_LEN bytes */
	SDP_E_LINE_TOO_LONG = -2,  /* a line over SDP_MAX_LINE bytes */
	SDP_E_SYNTAX = -3,         /* not `<type>=<value>`, a control byte, v= not first */
	SDP_E_VALUE = -4,          /* an attribute value we read is malformed */
	SDP_E_TOO_MANY_MEDIA = -5, /* more than SDP_MAX_MEDIA m= lines */
	SDP_E_LIMIT = -6,          /* a per-section count or a field's length over its bound */
	SDP_E_DUPLICATE = -7,      /* a mid, payload type, rtpmap, fmtp or extmap id twice */
	SDP_E_BUNDLE = -8,         /* a BUNDLE tag that names no m= section, or twice */
	SDP_E_EMPTY = -9,          /* no description at all */
	SDP_E_NOSPACE = -10,       /* writer: the output buffer is too small */
};

/* Where a parse failed: 1-based line number (0: not a line) and a fixed text. */
struct sdp_error {
	int code;
	unsigned line;
	const char *what; /* static string, never NULL after a failed parse */
};

enum sdp_kind {
	SDP_KIND_OTHER = 0,
	SDP_KIND_AUDIO,
	SDP_KIND_VIDEO,
	SDP_KIND_APPLICATION,
};

enum sdp_dir {
	SDP_DIR_NONE = 0, /* no direction attribute (sendrecv by default) */
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

enum sdp_setup {
	SDP_SETUP_NONE = 0,
	SDP_SETUP_ACTPASS,
	SDP_SETUP_ACTIVE,
	SDP_SETUP_PASSIVE,
	SDP_SETUP_HOLDCONN,
};

enum sdp_hash {
	SDP_HASH_NONE = 0,
	SDP_HASH_SHA1,
	SDP_HASH_SHA224,
	SDP_HASH_SHA256,
	SDP_HASH_SHA384,
	SDP_HASH_SHA512,
	SDP_HASH_MD5,
};

/* rtcp-fb values (RFC 4585 §4.2, RFC 5104 §7.1, and the two Google ones). */
#define SDP_FB_NACK (1u << 0)         /* nack */
#define SDP_FB_NACK_PLI (1u << 1)     /* nack pli */
#define SDP_FB_NACK_SLI (1u << 2)     /* nack sli */
#define SDP_FB_NACK_RPSI (1u << 3)    /* nack rpsi */
#define SDP_FB_CCM_FIR (1u << 4)      /* ccm fir */
#define SDP_FB_CCM_TMMBR (1u << 5)    /* ccm tmmbr */
#define SDP_FB_CCM_TSTR (1u << 6)     /* ccm tstr */
#define SDP_FB_CCM_VBCM (1u << 7)     /* ccm vbcm */
#define SDP_FB_GOOG_REMB (1u << 8)    /* goog-remb */
#define SDP_FB_TRANSPORT_CC (1u << 9) /* transport-cc */
#define SDP_FB_GOOG_LNTF (1u << 10)   /* goog-lntf */
#define SDP_FB_COUNT 11

/* ice-options tokens (RFC 8839 §5.6). */
#define SDP_ICE_OPT_TRICKLE (1u << 0)
#define SDP_ICE_OPT_ICE2 (1u << 1)
#define SDP_ICE_OPT_RENOMINATION (1u << 2)
#define SDP_ICE_OPT_OTHER (1u << 3)

enum sdp_cand_type {
	SDP_CAND_HOST = 1,
	SDP_CAND_SRFLX,
	SDP_CAND_PRFLX,
	SDP_CAND_RELAY,
};

/* Why a syntactically valid candidate is not kept (W20). */
enum sdp_cand_skip {
	SDP_CAND_OK = 0,
	SDP_CAND_SKIP_TRANSPORT, /* not UDP (TCP, ...) */
	SDP_CAND_SKIP_MDNS,      /* an mDNS `.local` name */
	SDP_CAND_SKIP_HOSTNAME,  /* another name we would have to resolve */
	SDP_CAND_SKIP_COMPONENT, /* RTCP component: we require rtcp-mux */
	SDP_CAND_SKIP_TYPE,      /* a candidate type we do not know */
};

/* An IP address in binary form. */
struct sdp_addr {
	uint8_t family;   /* 4 or 6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
};

struct sdp_candidate {
	char foundation[SDP_FOUNDATION_MAX];
	uint16_t component; /* 1..256 */
	uint32_t priority;
	struct sdp_addr addr;
	uint16_t port;
	uint8_t type; /* enum sdp_cand_type */
	uint8_t skip; /* enum sdp_cand_skip (only sdp_candidate_parse() returns skipped ones) */
	uint8_t has_raddr;
	struct sdp_addr raddr;
	uint16_t rport;
};

struct sdp_fingerprint {
	uint8_t alg; /* enum sdp_hash */
	uint8_t len; /* bytes */
	uint8_t bytes[SDP_FP_LEN_MAX];
};

/* fmtp parameter: offsets into the codec's fmtp string; key_len 0 for a bare value ("0-15"). */
struct sdp_param {
	uint8_t key_off;
	uint8_t key_len;
	uint8_t val_off;
	uint8_t val_len;
};

struct sdp_codec {
	uint8_t pt;
	uint8_t channels; /* rtpmap encoding parameters; 0 when absent */
	int16_t apt;      /* rtx: the fmtp apt= payload type, -1 when absent */
	uint32_t clock;   /* 0: no rtpmap and not a static type we know */
	char name[SDP_NAME_MAX];
	char fmtp[SDP_FMTP_MAX]; /* trimmed, "" when absent */
	uint8_t has_rtpmap;
	uint8_t has_fmtp;
	uint8_t n_params;
	struct sdp_param params[SDP_MAX_PARAMS];
	uint32_t fb;         /* SDP_FB_* offered for this payload type (incl. `*` lines) */
	uint16_t n_fb_other; /* rtcp-fb lines with values we do not know */
};

struct sdp_extmap {
	uint16_t id; /* 1..255 or 4096..4351 (RFC 8285 §5, §6) */
	uint8_t dir; /* enum sdp_dir; SDP_DIR_NONE when not given */
	char uri[SDP_URI_MAX];
};

struct sdp_ssrc {
	uint32_t ssrc;
	char cname[SDP_CNAME_MAX];
	char msid_stream[SDP_MSID_MAX];
	char msid_track[SDP_MSID_MAX];
};

struct sdp_ssrc_group {
	char semantics[SDP_SEMANTICS_MAX]; /* "FID", "SIM", "FEC-FR", ... */
	uint8_t n;
	uint32_t ssrcs[SDP_MAX_GROUP_SSRC];
};

/* Transport attributes that may sit at session or media level. */
struct sdp_transport {
	char ice_ufrag[SDP_UFRAG_MAX];
	char ice_pwd[SDP_PWD_MAX];
	uint32_t ice_options; /* SDP_ICE_OPT_* */
	uint8_t setup;        /* enum sdp_setup */
	uint8_t n_fp;
	struct sdp_fingerprint fp[SDP_MAX_FP];
};

struct sdp_media {
	uint8_t kind; /* enum sdp_kind */
	uint16_t port;
	uint16_t line;  /* line number of the m= line */
	char media[16]; /* the m= media token as sent ("audio", "video", "application", ...) */
	char proto[SDP_PROTO_MAX];
	char fmt0[SDP_FMT_MAX]; /* first fmt token (for a rejected m= line in an answer) */
	uint8_t is_rtp;         /* proto is an RTP profile: fmts are payload types */
	uint8_t is_dtls_srtp;   /* UDP/TLS/RTP/SAVP(F) or (legacy) RTP/SAVPF */
	char mid[SDP_MID_MAX];  /* "" when absent */
	uint8_t dir;            /* effective enum sdp_dir (never NONE: sendrecv by default) */
	uint8_t rtcp_mux;
	uint8_t rtcp_mux_only;
	uint8_t rtcp_rsize;
	uint8_t bundle_only;
	uint8_t end_of_candidates;
	uint8_t has_simulcast;  /* a=simulcast or a=rid seen (not negotiated here) */
	uint16_t sctp_port;     /* a=sctp-port, 0 when absent */
	struct sdp_transport t; /* effective (media, else session) */
	char msid_stream[SDP_MSID_MAX];
	char msid_track[SDP_MSID_MAX];
	uint8_t n_codecs;
	struct sdp_codec codecs[SDP_MAX_CODECS]; /* in m= line order */
	uint32_t fb_all; /* `a=rtcp-fb:*` values, already merged into every codec */
	uint8_t n_extmap;
	struct sdp_extmap extmap[SDP_MAX_EXTMAP];
	uint8_t n_ssrc;
	struct sdp_ssrc ssrcs[SDP_MAX_SSRC];
	uint8_t n_ssrc_groups;
	struct sdp_ssrc_group ssrc_groups[SDP_MAX_SSRC_GROUPS];
	uint8_t n_cand;
	struct sdp_candidate cand[SDP_MAX_CAND];
	uint16_t n_cand_skipped; /* dropped: unusable, or past SDP_MAX_CAND */
};

struct sdp_desc {
	char sess_id[SDP_SESS_ID_MAX]; /* o= sess-id */
	uint64_t sess_version;
	uint8_t ice_lite;           /* session-level a=ice-lite */
	uint8_t extmap_allow_mixed; /* RFC 8285 §6 */
	uint8_t dir;                /* session-level direction, SDP_DIR_NONE when absent */
	struct sdp_transport t;     /* session-level values only */
	uint8_t n_extmap;           /* session-level extmaps (also merged into media) */
	struct sdp_extmap extmap[SDP_MAX_EXTMAP];
	uint8_t n_bundle_groups; /* a=group:BUNDLE lines; the first one is kept */
	uint8_t n_bundle;
	uint8_t bundle[SDP_MAX_MEDIA]; /* media indexes of the first BUNDLE group, in tag order */
	uint8_t n_media;
	struct sdp_media media[SDP_MAX_MEDIA];
};

/* Parse @len bytes of @text (no NUL needed). @err may be NULL. */
int sdp_desc_parse(struct sdp_desc *d, const char *text, size_t len, struct sdp_error *err);

/* The codec of payload type @pt in @m, or NULL. */
const struct sdp_codec *sdp_media_codec_find(const struct sdp_media *m, uint8_t pt);

/*
 * The value of fmtp parameter @key (case-insensitive) of @c: a pointer into
 * c->fmtp and its length in *vlen, or NULL when absent.
 */
const char *sdp_codec_param(const struct sdp_codec *c, const char *key, size_t *vlen);

/*
 * Replace @c's fmtp with the NUL-terminated @s and split it into params:
 * 0, or SDP_E_LIMIT / SDP_E_VALUE with @c unchanged.
 */
int sdp_codec_set_fmtp(struct sdp_codec *c, const char *s);

/* The media section whose mid is @mid, or -1. */
int sdp_desc_media_by_mid(const struct sdp_desc *d, const char *mid);

/*
 * Parse the value of an `a=candidate:` attribute (after the colon; RFC 8839
 * §5.1). Returns 0 and fills @c (c->skip says whether it is usable), or
 * SDP_E_VALUE / SDP_E_LIMIT and leaves @c zeroed.
 */
int sdp_candidate_parse(struct sdp_candidate *c, const char *val, size_t len);

/* Nonzero if @s[0..len) is 1*ice-char (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4). */
int sdp_ice_chars_valid(const char *s, size_t len);

/* Names: "audio", "sendonly", "actpass", "sha-256", "host", "nack pli", ...; "?" when unknown. */
const char *sdp_kind_name(enum sdp_kind k);
const char *sdp_dir_name(enum sdp_dir d);
const char *sdp_setup_name(enum sdp_setup s);
const char *sdp_hash_name(enum sdp_hash h);
const char *sdp_cand_type_name(enum sdp_cand_type t);
const char *sdp_fb_name(uint32_t bit); /* one SDP_FB_* bit */
const char *sdp_strerror(int err);

/*
 * Line splitter shared by the SDP and sdpfrag parsers: one `<letter>=<value>`
 * line at a time, CRLF or LF, bounded by SDP_MAX_LINE.
 */
struct sdp_lines {
	const char *buf;
	size_t len;
	size_t off;
	unsigned lineno;
};

struct sdp_line {
	char type; /* 'v', 'o', 'a', 'm', ... */
	const char *val;
	size_t len; /* of val */
	unsigned lineno;
};

void sdp_lines_init(struct sdp_lines *r, const char *buf, size_t len);
/*
 * 1 and the next line in @l; 0 at the end; SDP_E_SYNTAX (not `<a-z>=`, a
 * control byte, a bare CR) or SDP_E_LINE_TOO_LONG. Empty lines are skipped.
 */
int sdp_lines_next(struct sdp_lines *r, struct sdp_line *l);

/*
 * Writer for SDP text into a caller buffer. Calls after an error are no-ops;
 * sdp_writer_end() returns the final length (the text is NUL-terminated but
 * the NUL is not counted) or SDP_E_NOSPACE.
 */
struct sdp_writer {
	char *buf;
	size_t cap;
	size_t len;
	int err;
};

void sdp_writer_init(struct sdp_writer *w, char *buf, size_t cap);
void sdp_writer_printf(struct sdp_writer *w, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* `a=fingerprint:<alg> XX:XX:...` CRLF */
void sdp_writer_fingerprint(struct sdp_writer *w, const struct sdp_fingerprint *fp);
/* One `a=candidate:` host UDP line per address, all on @port, and a=end-of-candidates. */
void sdp_writer_host_candidates(
        struct sdp_writer *w, const struct sdp_addr *addrs, unsigned n, uint16_t port);
/* The address as text (inet_ntop); "" for a bad family. */
void sdp_addr_format(const struct sdp_addr *a, char out[SDP_ADDR_STR_MAX]);
int sdp_writer_end(struct sdp_writer *w);

#endif
