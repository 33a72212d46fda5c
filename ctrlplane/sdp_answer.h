/*
 * SDP offer/answer for a WHIP/WHEP ICE-lite edge (RFC 3264, RFC 8829 §5.3,
 * RFC 9725 §4.4). Sans-IO: a parsed offer, our codec policy and our ICE/DTLS
 * parameters in; an answer struct, its text, or an error with a one-line
 * reason and an HTTP status out.
 *
 * What the answer is:
 *  - ICE-lite (a=ice-lite at session level), our ice-ufrag/ice-pwd, one host
 *    UDP candidate per data address, all on one port, then
 *    a=end-of-candidates (W16: everything gathered before answering; no
 *    a=ice-options:trickle, an ICE-lite server does not trickle);
 *  - our fingerprint; a=setup:passive, or a=setup:active when the offer is
 *    passive (FFmpeg's WHIP offer) (RFC 5763 §5, W29);
 *  - BUNDLE: the offer's group less the m= sections we reject; one
 *    transport, whose remote ICE credentials and fingerprint are those of
 *    the first accepted m= section of the group (RFC 8843 §7.3);
 *  - a=rtcp-mux on every media section (required; an offer with
 *    a=rtcp-mux-only but no a=rtcp-mux is accepted, RFC 8858 §4.3);
 *  - per audio/video section: one codec (the offer's payload type number),
 *    its rtx when the policy allows and the offer has one, the rtcp-fb values
 *    both sides support, the extmaps both support with the offer's ids
 *    (each section on its own: aiortc 1.4 reuses one id for different URIs
 *    in audio and video);
 *  - direction by mode: WHIP answers recvonly to sendonly/sendrecv (W6),
 *    WHEP sendonly to recvonly/sendrecv (E5), VOICE sendrecv to sendrecv;
 *  - datachannel and other non-RTP sections are rejected with port 0;
 *    an audio/video section we cannot serve fails the whole offer (W28, no
 *    partial answers), as do more audio or video sections than the policy
 *    allows (W27).
 */
#ifndef RTC_SDP_ANSWER_H
#define RTC_SDP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "sdp.h"

#define SDP_POLICY_MAX_CODECS 8
#define SDP_POLICY_MAX_EXT 8
#define SDP_REASON_MAX 256

enum sdp_answer_mode {
	SDP_MODE_WHIP = 0, /* ingest: we receive */
	SDP_MODE_WHEP,     /* egress: we send */
	SDP_MODE_VOICE,    /* voice session: both ways allowed */
};

/*
 * Errors: name, value, HTTP status for the WHIP/WHEP layer, text. 400 for an
 * offer we cannot read, 413 for an oversized one, 422 for a well-formed offer
 * we cannot accept (RFC 9725 §4.4: 422 or 400), 500 for our own faults.
 */
#define SDP_ANSWER_ERRORS(_)                                                                       \
	_(PARSE, -20, 400, "malformed SDP offer")                                                  \
	_(TOO_BIG, -21, 413, "SDP offer too large")                                                \
	_(TOO_MANY_MEDIA, -22, 422, "too many m= lines")                                           \
	_(NO_MEDIA, -23, 422, "no audio or video m= line")                                         \
	_(TRACKS, -24, 422, "more than one audio or video track")                                  \
	_(PROTO, -25, 422, "m= line not UDP/TLS/RTP/SAVPF")                                        \
	_(NO_RTCP_MUX, -26, 422, "no a=rtcp-mux")                                                  \
	_(NO_FINGERPRINT, -27, 422, "no usable a=fingerprint")                                     \
	_(NO_ICE, -28, 422, "no usable a=ice-ufrag / a=ice-pwd")                                   \
	_(NO_CODEC, -29, 422, "no common codec")                                                   \
	_(DIRECTION, -30, 422, "media direction not allowed")                                      \
	_(SETUP, -31, 422, "a=setup not allowed")                                                  \
	_(BUNDLE, -32, 422, "BUNDLE required")                                                     \
	_(ICE_LITE, -33, 422, "offerer is ICE-lite too")                                           \
	_(LOCAL, -34, 500, "bad local ICE/DTLS parameters")                                        \
	_(NOSPACE, -35, 500, "answer buffer too small")

enum sdp_answer_err {
	SDP_ANSWER_OK = 0,
#define SDP_ANSWER_ENUM(name, val, http, text) SDP_ANSWER_E_##name = val,
	SDP_ANSWER_ERRORS(SDP_ANSWER_ENUM)
#undef SDP_ANSWER_ENUM
};

struct sdp_answer_error {
	int code;                    /* SDP_ANSWER_E_* */
	int http_status;             /* 400, 413, 422, 500 */
	int media;                   /* 0-based m= section it is about, -1 for the whole offer */
	unsigned line;               /* offer line for a parse error, 0 otherwise */
	int sdp_code;                /* SDP_E_* of the parse, 0 otherwise */
	char reason[SDP_REASON_MAX]; /* one line, no CR/LF */
};

/* One codec we accept. */
struct sdp_codec_rule {
	uint8_t kind;            /* SDP_KIND_AUDIO or SDP_KIND_VIDEO */
	char name[SDP_NAME_MAX]; /* encoding name, compared without case */
	uint32_t clock;
	uint8_t channels;         /* required rtpmap channels; 0 = any */
	uint8_t rtx;              /* answer its rtx (RFC 4588, apt=) when offered */
	uint8_t h264;             /* apply the H.264 checks below (RFC 6184 §8.1) */
	uint8_t h264_pmode;       /* packetization-mode required (absent = 0) */
	uint8_t h264_profile_idc; /* profile_idc of profile-level-id (absent = 42) */
	uint8_t h264_iop_mask;    /* profile-iop bits that must equal h264_iop_value */
	uint8_t h264_iop_value;
	uint8_t h264_level_max;  /* level_idc at most; 0 = any */
	char fmtp[SDP_FMTP_MAX]; /* our fmtp for it; "" = echo the offer's */
};

struct sdp_policy {
	uint8_t mode; /* enum sdp_answer_mode */
	uint8_t n_codecs;
	struct sdp_codec_rule codecs[SDP_POLICY_MAX_CODECS]; /* our preference order */
	uint8_t prefer_offer_order; /* pick the offerer's first acceptable codec, not ours */
	uint32_t fb;                /* SDP_FB_* we implement */
	uint8_t n_ext;
	char ext[SDP_POLICY_MAX_EXT][SDP_URI_MAX]; /* extmap URIs we implement */
	uint8_t max_audio;                         /* W27: 1 */
	uint8_t max_video;                         /* W27: 1 */
	uint8_t rtcp_rsize;                        /* echo a=rtcp-rsize (RFC 5506) */
	uint8_t one_stream; /* refuse audio and video in different msid streams (W27) */
};

/* What we send on one kind, used when the answer direction includes send. */
struct sdp_local_track {
	uint32_t ssrc;     /* 0: no a=ssrc lines */
	uint32_t rtx_ssrc; /* 0: no rtx stream */
	char cname[SDP_CNAME_MAX];
	char stream_id[SDP_MSID_MAX]; /* "" : no a=msid */
	char track_id[SDP_MSID_MAX];
};

/* Our side: ICE, DTLS, addresses. Given by the caller; no randomness here. */
struct sdp_local {
	char ice_ufrag[SDP_UFRAG_MAX]; /* 4..256 ice-chars: the routing ufrag */
	char ice_pwd[SDP_PWD_MAX];     /* 22..256 ice-chars */
	struct sdp_fingerprint fp;     /* of our DTLS certificate (sha-256) */
	uint8_t n_addrs;
	struct sdp_addr addrs[SDP_MAX_LOCAL_ADDR]; /* one host candidate each */
	uint16_t port;                             /* the media port, the same on every address */
	uint64_t sess_id;                          /* o= sess-id */
	uint64_t sess_version;                     /* o= sess-version */
	struct sdp_local_track audio;
	struct sdp_local_track video;
};

struct sdp_answer_media {
	uint8_t accepted;  /* 0: port 0 in the answer */
	uint8_t kind;      /* enum sdp_kind */
	uint8_t offer_dir; /* enum sdp_dir of the offer */
	uint8_t dir;       /* ours */
	char media[16];
	char proto[SDP_PROTO_MAX];
	char fmt0[SDP_FMT_MAX];
	char mid[SDP_MID_MAX];
	struct sdp_codec codec; /* chosen: the offer's pt, name, clock; our fmtp; fb = both sides */
	uint8_t has_rtx;
	struct sdp_codec rtx;
	uint8_t rtcp_rsize;
	uint8_t n_extmap;
	struct sdp_extmap extmap[SDP_MAX_EXTMAP]; /* negotiated, offer ids, our direction */
	/* the offerer's streams in this section */
	char remote_msid_stream[SDP_MSID_MAX];
	char remote_msid_track[SDP_MSID_MAX];
	uint8_t n_remote_ssrc;
	struct sdp_ssrc remote_ssrcs[SDP_MAX_SSRC];
	uint8_t n_remote_groups;
	struct sdp_ssrc_group remote_groups[SDP_MAX_SSRC_GROUPS];
	struct sdp_local_track local; /* ours, when dir includes send */
};

struct sdp_answer {
	uint8_t mode;
	uint8_t n_media;
	struct sdp_answer_media media[SDP_MAX_MEDIA]; /* in offer order */
	uint8_t bundled;                              /* the answer carries a BUNDLE group */
	uint8_t n_bundle;
	uint8_t bundle[SDP_MAX_MEDIA]; /* accepted sections in group order; [0] is the tag */
	uint8_t transport;             /* section whose remote ICE/DTLS parameters we use */
	uint8_t setup;                 /* ours: SDP_SETUP_PASSIVE (DTLS server) or ACTIVE */
	uint8_t extmap_allow_mixed;    /* RFC 8285 §6: both sides take the two-byte form */
	/* the offerer's transport */
	char remote_ufrag[SDP_UFRAG_MAX];
	char remote_pwd[SDP_PWD_MAX];
	struct sdp_fingerprint remote_fp;
	uint32_t remote_ice_options;
	uint8_t remote_end_of_candidates;
	uint8_t n_remote_cand;
	struct sdp_candidate remote_cand[SDP_MAX_CAND];
	struct sdp_local local;
};

/* Opus 48000/2 (minptime=10;useinbandfec=1), VP8 + rtx, H.264 pm=1 42xxxx + rtx;
 * nack, nack pli, ccm fir, goog-remb, transport-cc; sdes:mid, abs-send-time,
 * transport-wide-cc, ssrc-audio-level; one audio, one video; rtcp-rsize. */
void sdp_policy_default(struct sdp_policy *p, enum sdp_answer_mode mode);

/*
 * Negotiate: 0 and @a filled, or a negative SDP_ANSWER_E_* with @a zeroed
 * and @err (may be NULL) filled.
 */
int sdp_answer_create(struct sdp_answer *a, const struct sdp_desc *offer,
        const struct sdp_policy *pol, const struct sdp_local *local, struct sdp_answer_error *err);

/* The answer text (CRLF lines): its length, or SDP_ANSWER_E_NOSPACE. */
int sdp_answer_write(const struct sdp_answer *a, char *buf, size_t cap);

/*
 * All in one for the HTTP layer: parse @offer (into @scratch, which the
 * caller allocates), negotiate into @a, write into @buf. Returns the answer
 * length or a negative SDP_ANSWER_E_* with @err filled (a parse failure
 * becomes SDP_ANSWER_E_PARSE, _TOO_BIG or _TOO_MANY_MEDIA with the line).
 */
int sdp_answer_negotiate(struct sdp_answer *a, struct sdp_desc *scratch, const char *offer,
        size_t len, const struct sdp_policy *pol, const struct sdp_local *local, char *buf,
        size_t cap, struct sdp_answer_error *err);

/* Turn a failed sdp_desc_parse() into an answer error. */
void sdp_answer_error_from_parse(struct sdp_answer_error *err, const struct sdp_error *perr);

/*
 * ICE restart response (W22, W24): an RFC 8840 fragment with a=ice-lite,
 * the new ufrag/pwd, the first bundled m= line and its mid, our candidates
 * and a=end-of-candidates. Returns the length or SDP_ANSWER_E_NOSPACE /
 * SDP_ANSWER_E_LOCAL.
 */
int sdp_answer_restart_write(
        const struct sdp_answer *a, const char *ufrag, const char *pwd, char *buf, size_t cap);

const char *sdp_answer_strerror(int err);
int sdp_answer_http_status(int err);

#endif
