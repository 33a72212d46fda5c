/*
 * Trickle ICE SDP fragments (RFC 8840 §9, `application/trickle-ice-sdpfrag`):
 * the bodies of WHIP/WHEP PATCH requests (W11, W18, W21) and of our ICE
 * restart response (W22, W24). Sans-IO.
 *
 * Parse: session-level a=ice-ufrag / a=ice-pwd / a=ice-options / a=ice-lite,
 * then m= sections with a=mid, media-level ice-ufrag / ice-pwd (which win),
 * a=candidate and a=end-of-candidates; a=group and c= are read and ignored;
 * other line types (v=, o=, ...) are not fragment lines and are refused.
 * Candidates we cannot use (TCP, mDNS, host names: W20) are dropped and
 * counted, as in sdp.h. Candidates and a=end-of-candidates before the first
 * m= line (not RFC 8840, but some clients send them) land in `loose`.
 *
 * Whether a fragment is a restart is the caller's call: it compares the
 * ufrag here with the session's (RFC 8840 §4.4, W22).
 *
 * A parse either succeeds whole or returns a negative SDP_E_* and leaves the
 * output zeroed.
 */
#ifndef RTC_SDPFRAG_H
#define RTC_SDPFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "sdp.h"

struct sdpfrag_media {
	char media[16]; /* m= media token; "" for `loose` */
	uint16_t port;
	char proto[SDP_PROTO_MAX];
	char mid[SDP_MID_MAX];
	char ice_ufrag[SDP_UFRAG_MAX]; /* effective: media level, else session level */
	char ice_pwd[SDP_PWD_MAX];
	uint8_t end_of_candidates;
	uint8_t n_cand;
	struct sdp_candidate cand[SDP_MAX_CAND];
	uint16_t n_cand_skipped;
};

struct sdpfrag {
	char ice_ufrag[SDP_UFRAG_MAX]; /* session level */
	char ice_pwd[SDP_PWD_MAX];
	uint32_t ice_options; /* SDP_ICE_OPT_* */
	uint8_t ice_lite;
	uint8_t n_media;
	struct sdpfrag_media media[SDP_MAX_MEDIA];
	struct sdpfrag_media loose; /* before the first m= line */
};

/* Parse @len bytes of @text. @err may be NULL. */
int sdpfrag_parse(struct sdpfrag *f, const char *text, size_t len, struct sdp_error *err);

/* The ufrag / pwd the fragment carries: the first m= section's, else session level; "" if none. */
const char *sdpfrag_ufrag(const struct sdpfrag *f);
const char *sdpfrag_pwd(const struct sdpfrag *f);

/* Our ICE restart response (RFC 9725 §4.3.3). */
struct sdpfrag_restart {
	const char *ufrag; /* the new ones: 4..256 and 22..256 ice-chars */
	const char *pwd;
	uint8_t ice_lite;
	uint8_t n_bundle;
	const char *bundle[SDP_MAX_MEDIA]; /* mids for a=group:BUNDLE; none: no group line */
	const char *media;                 /* first bundled m= line: "audio" */
	const char *proto;                 /* "UDP/TLS/RTP/SAVPF" */
	const char *fmt;                   /* "111" */
	const char *mid;                   /* "0"; NULL or "": no a=mid */
	const struct sdp_addr *addrs;
	unsigned n_addrs;
	uint16_t port;
};

/* The fragment text: its length, SDP_E_VALUE for a bad field, or SDP_E_NOSPACE. */
int sdpfrag_restart_write(const struct sdpfrag_restart *r, char *buf, size_t cap);

#endif
