/*
 * SRTP and SRTCP (RFC 3711, RFC 7714) for DTLS-SRTP (RFC 5764). Sans-IO.
 *
 * Owns: the interface every SRTP backend implements (struct srtp_backend),
 * the per-direction crypto context (struct srtp_ctx), and the RFC 3711
 * logic shared by backends that do their own framing: key derivation
 * (§4.3, AES-CM PRF), packet index estimation (§3.3.1, Appendix A), the
 * replay window (§3.3.2), SRTCP index and E flag (§3.4), header checks.
 *
 * Profiles: SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711/5764) and
 * SRTP_AEAD_AES_128_GCM (RFC 7714). Backends:
 *   "ipsec-mb"  the fast path: intel-ipsec-mb jobs, our own framing;
 *   "libsrtp"   the reference and test oracle: libsrtp2's srtp_protect() et al.
 * srtp_backend_select() runs the backend's known-answer self-test (the
 * libsrtp full-packet KATs for both profiles, SRTP and SRTCP, both ways)
 * before handing it out.
 *
 * Threads: a context has one owner at a time (the session's worker lcore);
 * contexts are built on the control lcore and handed over. Backend state
 * that is per thread (the ipsec-mb job manager) lives in a struct
 * srtp_engine, which is an explicit argument: one per lcore, made at start.
 * Contexts of one backend work with any engine of that backend.
 *
 * Bursts: the caller's buffers are changed in place. Protect needs
 * SRTP_MAX_TRAILER writable bytes after lens[i] (tag, SRTCP E||index, and
 * the ipsec-mb backend's temporary ROC). Unprotect reads and writes only
 * [0, lens[i]). Each packet gets a result; lens[i] changes only on SRTP_OK.
 * After a failed unprotect the packet's bytes are unspecified (the fast
 * path decrypts and authenticates in one pass): drop it.
 */
#ifndef RTC_SRTP_H
#define RTC_SRTP_H

#include <stddef.h>
#include <stdint.h>

/* Bumped on any change of struct srtp_backend or of an op's contract. */
#define SRTP_API_VERSION 1

#define SRTP_MAX_SSRC 16        /* SSRC states per context (audio, video, RTX, simulcast) */
#define SRTP_REPLAY_WINDOW 128  /* packets; RFC 3711 §3.3.2 asks for >= 64 */
#define SRTP_MAX_TRAILER 20     /* protect growth at most: 16-octet tag + SRTCP E||index */
#define SRTP_MASTER_KEY_MAX 16  /* AES-128 for both profiles */
#define SRTP_MASTER_SALT_MAX 14 /* 14 (CM), 12 (GCM) */
#define SRTP_RTCP_HDR_LEN 8     /* RTCP header left in clear (RFC 3711 §3.4) */
#define SRTP_RTCP_TRAILER_LEN 4 /* E flag || 31-bit SRTCP index */
#define SRTP_RTCP_INDEX_MAX 0x7fffffffu

/* DTLS-SRTP protection profiles; the values are the RFC 5764 §4.1.2 / RFC 7714 §14.2 ids. */
enum srtp_profile {
	SRTP_PROFILE_AES128_CM_SHA1_80 = 0x0001,
	SRTP_PROFILE_AEAD_AES_128_GCM = 0x0007,
};

enum srtp_direction {
	SRTP_DIR_OUTBOUND = 0, /* protect: our packets to the peer */
	SRTP_DIR_INBOUND = 1,  /* unprotect: the peer's packets to us */
};

/* Flags of struct srtp_params. */
#define SRTP_F_ALLOW_REPEAT_TX (1u << 0)   /* outbound: protecting an index twice is allowed */
#define SRTP_F_UNENCRYPTED_SRTP (1u << 1)  /* RTP payload authenticated only (RFC 4568 §6.3) */
#define SRTP_F_UNENCRYPTED_SRTCP (1u << 2) /* outbound SRTCP with E = 0 (RFC 3711 §3.4) */

/*
 * Per-packet results. X-macro: expands into the enum, the names and the
 * strings, so that every drop has a name (and a counter, elsewhere).
 */
#define SRTP_RESULT_LIST(_)                                                                        \
	_(OK, "ok")                                                                                \
	_(SHORT, "shorter than its header and trailer")                                            \
	_(TOO_LONG, "protected packet would exceed 65535 octets")                                  \
	_(BAD_HEADER, "not version 2, or CSRC list or header extension overruns the packet")       \
	_(REPLAY, "index already seen (RFC 3711 §3.3.2)")                                          \
	_(REPLAY_OLD, "index older than the replay window")                                        \
	_(AUTH, "authentication tag mismatch")                                                     \
	_(SSRC_FULL, "new SSRC and no free SSRC slot in the context")                              \
	_(KEY_EXHAUSTED, "index space of the keys used up (2^48 SRTP, 2^31 SRTCP)")                \
	_(DIRECTION, "context is for the other direction")                                         \
	_(BACKEND, "backend failure")

enum srtp_result {
#define SRTP_RESULT_ENUM(n, s) SRTP_RES_##n,
	SRTP_RESULT_LIST(SRTP_RESULT_ENUM)
#undef SRTP_RESULT_ENUM
	        SRTP_RES__COUNT
};

/* What the caller derives from DTLS: its side's key and salt for one direction (RFC 5764 §4.2). */
struct srtp_params {
	enum srtp_profile profile;
	enum srtp_direction dir;
	uint32_t flags; /* SRTP_F_* */
	uint8_t master_key[SRTP_MASTER_KEY_MAX];
	uint8_t master_salt[SRTP_MASTER_SALT_MAX]; /* first 12 octets for GCM */
};

/* Session keys of one of SRTP or SRTCP (RFC 3711 §4.3; RFC 7714 §11 for GCM). */
struct srtp_session_keys {
	uint8_t enc[16];
	uint8_t salt[14]; /* 14 (CM) or 12 (GCM) used */
	uint8_t auth[20]; /* HMAC-SHA1 key; unused by GCM */
};

/* RFC 3711 §3.3.2 replay window: bit i of bits[] set = index (top - i) received. */
#define SRTP_REPLAY_WORDS (SRTP_REPLAY_WINDOW / 64)
struct srtp_replay {
	uint64_t top; /* highest index accepted (48-bit SRTP, 31-bit SRTCP) */
	uint64_t bits[SRTP_REPLAY_WORDS];
};

/* Per-SSRC state (§3.2.1: ROC, s_l and replay list per SSRC); top = ROC << 16 | s_l. */
#define SRTP_SSRC_RTP (1u << 0)  /* rtp holds a packet index */
#define SRTP_SSRC_RTCP (1u << 1) /* rtcp holds an SRTCP index */
struct srtp_ssrc_state {
	uint32_t ssrc;
	uint32_t flags; /* SRTP_SSRC_*; 0 = a slot taken by the burst in progress */
	struct srtp_replay rtp;
	struct srtp_replay rtcp; /* outbound: rtcp.top is the last index sent */
	uint64_t spec_top;       /* inbound: highest index estimated in burst spec_gen */
	uint32_t spec_gen;
};

struct srtp_backend;

/*
 * One direction of one session. Caller-allocated (no allocation on the hot
 * path, none at all for the ipsec-mb backend); srtp_ctx_init() fills it,
 * srtp_ctx_clear() wipes it. The backend keeps its expanded keys in be[].
 */
#define SRTP_CTX_BE_SIZE 2432
struct srtp_ctx {
	const struct srtp_backend *be;
	enum srtp_profile profile;
	enum srtp_direction dir;
	uint32_t flags;
	uint8_t tag_len;  /* 10 (HMAC-SHA1-80) or 16 (GCM) */
	uint8_t n_ssrc;   /* slots in use */
	uint16_t be_kind; /* backend-defined: key layout of be[] */
	uint32_t gen;     /* bursts (chunks) processed: tags spec_top */
	uint32_t last;    /* slot of the SSRC found last (a hint: checked against n_ssrc, ssrc) */
	struct srtp_ssrc_state ssrc[SRTP_MAX_SSRC];
	_Alignas(64) uint8_t be_priv[SRTP_CTX_BE_SIZE];
};

/* Per-thread backend state (the ipsec-mb job manager and scratch). Opaque. */
struct srtp_engine;

typedef unsigned int (*srtp_burst_fn)(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[]);

/* A backend. Ops are called through the srtp_* wrappers below, which check arguments. */
struct srtp_backend {
	unsigned int api_version; /* SRTP_API_VERSION it was built against */
	const char *name;         /* "ipsec-mb", "libsrtp" */
	/* 0 if usable on this machine, else -ENODEV and a reason in @why. */
	int (*probe)(char *why, size_t len);
	/* Known-answer test; 0 or a negative errno. */
	int (*selftest)(void);
	struct srtp_engine *(*engine_create)(void);
	void (*engine_free)(struct srtp_engine *e);
	/*
	 * Fill the backend part of @c. @p is always given; @keys (SRTP, SRTCP) are the
	 * session keys derived from it, or given directly by srtp_ctx_init_session(), in
	 * which case @p's master key is not meaningful. A backend that can only start
	 * from a master key returns -ENOTSUP for the latter (@from_master == 0).
	 */
	int (*ctx_init)(struct srtp_engine *e, struct srtp_ctx *c, const struct srtp_params *p,
	        const struct srtp_session_keys keys[2], int from_master);
	void (*ctx_clear)(struct srtp_ctx *c);
	srtp_burst_fn protect;
	srtp_burst_fn unprotect;
	srtp_burst_fn protect_rtcp;
	srtp_burst_fn unprotect_rtcp;
};

/*
 * Backend choice, once at start: "ipsec-mb", "libsrtp", or "auto" (ipsec-mb
 * when this CPU can run it and it passes its self-test, else libsrtp).
 * Writes what was chosen and why into @why (may be NULL). NULL if the named
 * backend is unknown, unusable or fails its self-test.
 */
const struct srtp_backend *srtp_backend_select(const char *name, char *why, size_t len);
/* The backend called @name if linked in, without self-test; else NULL. */
const struct srtp_backend *srtp_backend_find(const char *name);

/* Per-lcore engine; NULL on allocation failure. Not shared between threads. */
struct srtp_engine *srtp_engine_create(const struct srtp_backend *be);
void srtp_engine_free(const struct srtp_backend *be, struct srtp_engine *e);

/* Master key and salt lengths of @profile; 0 if unknown. */
size_t srtp_profile_key_len(enum srtp_profile profile);
size_t srtp_profile_salt_len(enum srtp_profile profile);
size_t srtp_profile_tag_len(enum srtp_profile profile);

/*
 * Build a context from master key and salt: KDF (kdr = 0), then the
 * backend's key setup. 0, -EINVAL (bad profile, direction or flags) or the
 * backend's negative errno. @e is any engine of @be (used for key expansion).
 */
int srtp_ctx_init(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e,
        const struct srtp_params *p);
/* The same from session keys (test vectors that skip the KDF); -ENOTSUP on libsrtp. */
int srtp_ctx_init_session(struct srtp_ctx *c, const struct srtp_backend *be, struct srtp_engine *e,
        const struct srtp_params *p, const struct srtp_session_keys *rtp,
        const struct srtp_session_keys *rtcp);
/* Wipe keys and state; the context may be initialised again. */
void srtp_ctx_clear(struct srtp_ctx *c);

/*
 * Bursts: @n packets of any length, results in @res[i] (enum srtp_result).
 * Return the number of SRTP_RES_OK. A context of the wrong direction gets
 * SRTP_RES_DIRECTION for every packet. @e must belong to the calling thread.
 */
unsigned int srtp_protect_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[]);
unsigned int srtp_unprotect_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[]);
unsigned int srtp_protect_rtcp_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[]);
unsigned int srtp_unprotect_rtcp_burst(struct srtp_engine *e, struct srtp_ctx *c, uint8_t *pkts[],
        uint16_t lens[], unsigned int n, uint8_t res[]);

/*
 * ipsec-mb specifics, for benchmarks and diagnostics: an engine whose jobs
 * all run on the job manager of @arch: "sse", "avx", "avx2", "avx512",
 * "auto" (the one ipsec-mb picks by itself), "sse-noshani" (for valgrind,
 * which lacks SHA-NI), or "default" (what srtp_engine_create() makes: "auto",
 * plus SSE on SHA-NI for short AES-CM bursts). NULL if unknown or this CPU
 * cannot run it. GCM contexts only work with engines of the arch they were
 * made with. srtp_ipsecmb_engine_arch() names an engine's managers.
 */
struct srtp_engine *srtp_ipsecmb_engine_create(const char *arch);
const char *srtp_ipsecmb_engine_arch(const struct srtp_engine *e);

/* "OK", "REPLAY", ...: short names for counters; and one-line descriptions. */
const char *srtp_result_name(unsigned int res);
const char *srtp_result_str(unsigned int res);

/*
 * The RFC 3711 §4.3 key derivation (AES-CM PRF, kdr = 0) for both profiles
 * (a 12-octet GCM salt is right-padded with two zero octets, RFC 7714 §11).
 * Exposed for the B.3 vectors and for backends. 0 or -EINVAL / -EIO.
 */
int srtp_kdf(const uint8_t *master_key, size_t key_len, const uint8_t *master_salt, size_t salt_len,
        uint8_t label, uint8_t *out, size_t out_len);
int srtp_session_keys_derive(
        const struct srtp_params *p, struct srtp_session_keys *rtp, struct srtp_session_keys *rtcp);

#endif
