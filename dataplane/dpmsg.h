/*
 * The control lcore <-> worker message ABI: fixed-size, versioned structs
 * carried by value in rte_ring element rings (one command ring and one event
 * ring per worker, single producer, single consumer). No pointers cross: a
 * message is complete in itself. Both ends are built into one binary, so
 * the version field guards against a ring fed by the wrong producer (the
 * worker counts and ignores a message of another version); it is not a
 * compatibility scheme.
 *
 * Owns the message layouts only; dataplane/wsess.c applies commands on the
 * worker, ctrlplane/session.c produces them and consumes the events.
 *
 * A worker session is named by (slot, generation): the slot indexes the
 * worker's session table and the generation is the one written into the
 * ICE ufrag label (ufrag.h). A command whose generation is not the slot's
 * is stale and ignored (counted).
 */
#ifndef RTC_DPMSG_H
#define RTC_DPMSG_H

#include <stdint.h>

#include "fwd.h"
#include "stun.h"
#include "ufrag.h"

#define DPMSG_VERSION 1
#define DPMSG_RING_SIZE 1024 /* entries per ring (power of two) */
#define DPMSG_REMOTE_UFRAG_MAX 257

enum dpmsg_cmd_type {
	DPMSG_SESS_ADD = 1, /* install: credentials, first remote candidates */
	DPMSG_SESS_CAND,    /* one trickled remote candidate */
	DPMSG_SESS_RESTART, /* ICE restart: pending credentials under new_gen */
	DPMSG_SESS_DEL,     /* remove; the slot is free afterwards */
	DPMSG_SESS_SRTP,    /* DTLS done: SRTP master keys of both directions */
};

struct dpmsg_creds {
	char ufrag[UFRAG_LABEL_MAX + 1];
	char pwd[UFRAG_PWD_MAX + 1];
	char remote_ufrag[DPMSG_REMOTE_UFRAG_MAX]; /* "" = not checked */
};

struct dpmsg_cand {
	struct stun_addr addr;
	uint32_t priority;
	uint8_t type; /* enum ice_cand_type */
};

/* RFC 5764 §4.2 keying material split by direction (dtls.h: struct dtls_srtp_keys). */
struct dpmsg_srtp {
	uint16_t profile; /* enum srtp_profile (the RFC 5764 / RFC 7714 id) */
	uint8_t key_len;
	uint8_t salt_len;
	uint8_t local_key[16]; /* protects what we send */
	uint8_t local_salt[14];
	uint8_t remote_key[16]; /* unprotects what we receive */
	uint8_t remote_salt[14];
};

/* What a session does with media (ADD): its stream, role and negotiated payload types. */
#define DPMSG_PT_NONE 0xff
struct dpmsg_media {
	uint32_t stream;         /* the node's stream index (session.c) */
	uint8_t role;            /* 0 publisher (WHIP), 1 viewer (WHEP) */
	uint8_t echo;            /* voice: the publisher's audio back to it */
	uint8_t export_audio;    /* its audio to export.target as plain RTP, and back (export.h) */
	uint8_t pt[2];           /* negotiated PT by kind, [0] audio [1] video; DPMSG_PT_NONE */
	uint8_t rtx_pt;          /* the video rtx PT, DPMSG_PT_NONE */
	uint32_t local_ssrc[2];  /* what we send per kind (viewers) */
	uint32_t remote_ssrc[2]; /* what the peer signaled per kind (publishers); 0 unknown */
	uint32_t clock[2];       /* RTP clock rate per kind, for jitter */
	uint32_t local_rtx_ssrc; /* viewers: the SSRC of our video retransmissions (RFC 4588) */
	struct fwd_extmap ext[2]; /* header extensions per kind (fwd.h): all zero = none */
};

struct dpmsg_cmd {
	uint16_t version; /* DPMSG_VERSION */
	uint16_t type;    /* enum dpmsg_cmd_type */
	uint32_t slot;
	uint32_t gen;      /* the session's current generation */
	uint32_t new_gen;  /* RESTART: the generation of the new credentials */
	uint32_t sess_id;  /* the control plane's session index, echoed in events */
	uint32_t local_priority;
	struct dpmsg_creds creds; /* ADD, RESTART */
	struct dpmsg_media media; /* ADD */
	struct dpmsg_cand cand;   /* CAND */
	struct dpmsg_srtp srtp;   /* SRTP */
};

enum dpmsg_ev_type {
	DPMSG_EV_ADDED = 1,     /* ADD applied (or refused: status < 0) */
	DPMSG_EV_REMOVED,       /* DEL applied; the worker no longer knows the slot */
	DPMSG_EV_ICE_CHECKING,  /* first valid Binding request */
	DPMSG_EV_ICE_SELECTED,  /* a pair is selected (or changed): local, remote */
	DPMSG_EV_ICE_RESTARTED, /* a pair was nominated under the new credentials */
	DPMSG_EV_ICE_FAILED,    /* consent expired with no pair left */
	DPMSG_EV_SRTP,          /* SRTP contexts installed (status < 0: refused) */
};

/*
 * DTLS datagrams between a worker and the control lcore travel as mbufs on
 * two more rings per worker (pointers to mbufs, the rte_ring convention for
 * packets), each mbuf with this in its headroom, just before the data:
 * up (worker -> control) the datagram as received; down (control -> worker)
 * the datagram to send on the session's selected pair: DTLS as it is, or
 * injected audio (say, play: an Opus payload) that the worker frames as RTP
 * on the session's audio SSRC, numbers and protects.
 */
struct dpmsg_dgram {
	uint16_t version;
	uint16_t worker;
	uint32_t slot;
	uint32_t gen;
	uint32_t sess_id;
	uint8_t kind;   /* DPMSG_DGRAM_* (down only) */
	uint8_t marker; /* AUDIO: the first packet of a talkspurt */
	uint16_t rsvd;
	uint32_t ts; /* AUDIO: its RTP timestamp (48 kHz) */
};

#define DPMSG_DGRAM_DTLS 0  /* a DTLS datagram, sent as it is */
#define DPMSG_DGRAM_AUDIO 1 /* an Opus payload: the worker adds our RTP header and SRTP */

/*
 * Between workers (2+ workers): the worker of a stream's publisher relays its
 * unprotected RTP and its sender reports' times to the workers that have
 * viewers of the stream (wsess.h: the stream directory), and those ask it for
 * keyframes. mbufs on each worker's relay ring (multi-producer), with this in
 * the headroom just before the data (RTP: the packet as the publisher sent it,
 * RTX already unwrapped).
 */
enum dpmsg_relay_type {
	DPMSG_RELAY_RTP = 1, /* the data: RTP of @kind for @stream's viewers */
	DPMSG_RELAY_SR,      /* a sender report of @kind: @src_ssrc, @ntp, @rtp_ts */
	DPMSG_RELAY_KEYFRAME, /* a viewer elsewhere wants a keyframe of @stream */
	DPMSG_RELAY_NACK,     /* viewer @slot/@gen of worker @from asks for the video packets whose
	                       * (publisher's) sequence numbers are the data (uint16_t each) */
	DPMSG_RELAY_RTX,      /* the answer: the data is one such packet, for viewer @slot/@gen */
	DPMSG_RELAY_REMB,     /* a viewer elsewhere reported @ntp bits/s (REMB) */
};

struct dpmsg_relay {
	uint16_t version;
	uint8_t type; /* enum dpmsg_relay_type */
	uint8_t kind; /* 0 audio, 1 video */
	uint32_t stream;
	uint32_t src_ssrc;
	uint32_t rtp_ts;
	uint64_t ntp;          /* SR: its NTP time; REMB: the bit rate */
	uint16_t from;         /* NACK: the viewer's worker */
	uint16_t rsvd;
	uint32_t slot, gen;    /* NACK, RTX: the viewer */
	struct fwd_extmap ext; /* RTP, RTX: the publisher's header extension ids for @kind */
};

struct dpmsg_event {
	uint16_t version;
	uint16_t type; /* enum dpmsg_ev_type */
	uint16_t worker;
	int16_t status; /* 0, or a negative reason */
	uint32_t slot;
	uint32_t gen;
	uint32_t sess_id;
	uint64_t time_us;
	struct stun_addr local;
	struct stun_addr remote;
};

/* Element sizes must be multiples of 4 for rte_ring_*_elem. */
_Static_assert(sizeof(struct dpmsg_cmd) % 4 == 0, "dpmsg_cmd size");
_Static_assert(sizeof(struct dpmsg_event) % 4 == 0, "dpmsg_event size");

#endif
