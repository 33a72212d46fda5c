/*
 * libFuzzer target: the ICE-lite agent (dataplane/proto/ice.c) fed a script
 * of records: datagrams from a few source addresses (one IPv6), clock
 * advances (timeouts), trickled candidates and ICE restarts. The agent has
 * fixed credentials A; restarts make B or C pending.
 *
 * Record (first byte & 3):
 *   0 datagram   [op] [src | fix << 2] [len:2] [bytes]: fix 1..3 re-signs
 *                MESSAGE-INTEGRITY (when there is one) with A, B or C's
 *                password, and bit 4 of op recomputes a final FINGERPRINT, so
 *                that mutations reach the code behind the integrity check
 *   1 time       [op] [delta µs:4], then handle_timeout() when due
 *   2 trickle    [op] [addr] [priority:4] [type]
 *   3 restart    [op]: bit 2 picks B or C as the pending credentials
 *
 * Invariants (abort on violation): a response is queued exactly when
 * handle_packet() returns 0, at most one; then the request parses, is a
 * Binding request with FINGERPRINT whose MESSAGE-INTEGRITY verifies with one
 * of the three passwords, and the response parses, carries the request's
 * transaction id and verifies with that same password. Otherwise exactly one
 * drop counter moved. Every datagram is accounted for (answers + drops = rx).
 * A selected pair is in use, nominated and the agent connected.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crc32.h"
#include "ice.h"
#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ufrags[3] = {"fuzA", "fuzB", "fuzC"};
static const char *const pwds[3] = {
        "passwordApasswordApassA", "passwordBpasswordBpassB", "passwordCpasswordCpassC"};
static const char *const remotes[3] = {"peer", "pee2", "pee3"};

static struct stun_addr
fuzz_addr(unsigned i)
{
	struct stun_addr a;

	memset(&a, 0, sizeof(a));
	a.family = 4;
	a.port = (uint16_t)(40000 + (i & 3));
	a.addr[0] = 198;
	a.addr[1] = 51;
	a.addr[2] = 100;
	a.addr[3] = (uint8_t)(1 + (i & 1));
	if ((i & 3) == 3) {
		a.family = 6;
		a.addr[0] = 0x20;
		a.addr[1] = 0x01;
		a.addr[2] = 0x0d;
		a.addr[3] = 0xb8;
		a.addr[15] = 7;
	}
	return a;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Re-sign @m in place: the first MESSAGE-INTEGRITY with @pwd, a last FINGERPRINT. */
static void
fuzz_fixup(uint8_t *m, size_t len, const char *pwd, int fp)
{
	size_t off = STUN_HDR_LEN, last = 0;

	if (len < STUN_HDR_LEN)
		return;
	while (off + 4 <= len) {
		uint16_t t = rd16(m + off), l = rd16(m + off + 2);
		size_t padded = ((size_t)l + 3) & ~(size_t)3;
		if (padded > len - off - 4)
			return;
		if (pwd != NULL && t == STUN_ATTR_MESSAGE_INTEGRITY && l == STUN_MI_LEN) {
			uint8_t save[2], mac[EVP_MAX_MD_SIZE];
			unsigned mac_len = 0;
			size_t mlen = off + 4 + STUN_MI_LEN - STUN_HDR_LEN;
			memcpy(save, m + 2, 2);
			m[2] = (uint8_t)(mlen >> 8);
			m[3] = (uint8_t)mlen;
			HMAC(EVP_sha1(), pwd, (int)strlen(pwd), m, off, mac, &mac_len);
			memcpy(m + off + 4, mac, STUN_MI_LEN);
			memcpy(m + 2, save, 2);
			pwd = NULL;
		}
		last = off;
		off += 4 + padded;
	}
	if (fp && last != 0 && rd16(m + last) == STUN_ATTR_FINGERPRINT && rd16(m + last + 2) == 4 &&
	        last + 8 == len) {
		uint32_t c = crc32_ieee(0, m, last) ^ STUN_FINGERPRINT_XOR;
		m[last + 4] = (uint8_t)(c >> 24);
		m[last + 5] = (uint8_t)(c >> 16);
		m[last + 6] = (uint8_t)(c >> 8);
		m[last + 7] = (uint8_t)c;
	}
}

static uint64_t
sum(const uint64_t *v, int n)
{
	uint64_t s = 0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void
fuzz_packet(struct ice_agent *a, uint64_t now, const struct stun_hmac_key *keys, uint8_t op,
        uint8_t sel, const uint8_t *bytes, size_t len)
{
	struct stun_addr src = fuzz_addr(sel & 3), dst = fuzz_addr(0);
	unsigned fix = (sel >> 2) & 3;
	uint64_t drops_before = sum(a->drops, ICE_DROP_MAX);
	struct ice_transmit tx;
	struct stun_msg req, resp;
	uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
	int rc, key_ok = -1;

	if (copy == NULL)
		return;
	memcpy(copy, bytes, len);
	dst.port = 3478;
	fuzz_fixup(copy, len, fix ? pwds[fix - 1] : NULL, op & 0x10);
	rc = ice_agent_handle_packet(a, now, &src, &dst, copy, len);
	if (rc != 0) {
		if (rc > 0 || -rc >= ICE_DROP_MAX || ice_agent_poll_transmit(a, &tx) != 0 ||
		        sum(a->drops, ICE_DROP_MAX) != drops_before + 1 || a->drops[-rc] == 0)
			abort();
		free(copy);
		return;
	}
	if (!ice_agent_poll_transmit(a, &tx))
		abort();
	/* answered: the request must have earned it (no reflection of unauthenticated input) */
	if (stun_msg_parse(&req, copy, len) != STUN_OK || req.cls != STUN_CLASS_REQUEST ||
	        req.method != STUN_METHOD_BINDING || !(req.flags & STUN_F_FINGERPRINT))
		abort();
	for (int i = 0; i < 3 && key_ok < 0; i++)
		if (stun_msg_check_integrity(&req, &keys[i]) == STUN_OK)
			key_ok = i;
	if (key_ok < 0)
		abort();
	if (stun_msg_parse(&resp, tx.buf, tx.len) != STUN_OK ||
	        (resp.cls != STUN_CLASS_SUCCESS && resp.cls != STUN_CLASS_ERROR) ||
	        memcmp(resp.txid, req.txid, STUN_TXID_LEN) != 0 ||
	        !(resp.flags & STUN_F_FINGERPRINT) ||
	        stun_msg_check_integrity(&resp, &keys[key_ok]) != STUN_OK)
		abort();
	if (ice_agent_poll_transmit(a, &tx) != 0)
		abort();
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct stun_hmac_key keys[3];
	static int keys_ready;
	struct ice_config cfg = {.ufrag = ufrags[0],
	        .pwd = pwds[0],
	        .remote_ufrag = remotes[0],
	        .local_priority = 2130706431u};
	struct ice_agent *a;
	uint64_t now = 1000000;
	size_t off = 0;

	if (!keys_ready) {
		for (int i = 0; i < 3; i++)
			stun_hmac_key_init(&keys[i], pwds[i], strlen(pwds[i]));
		keys_ready = 1;
	}
	a = malloc(sizeof(*a));
	if (a == NULL || ice_agent_init(a, &cfg, now) != 0)
		abort();

	while (off < size) {
		uint8_t op = data[off++];
		switch (op & 3) {
		case 0: {
			uint8_t sel;
			size_t len;
			if (size - off < 3)
				goto done;
			sel = data[off];
			len = rd16(data + off + 1);
			off += 3;
			if (len > size - off)
				len = size - off;
			fuzz_packet(a, now, keys, op, sel, data + off, len);
			off += len;
			break;
		}
		case 1: {
			uint32_t d;
			if (size - off < 4)
				goto done;
			d = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
			    (uint32_t)data[off + 2] << 8 | data[off + 3];
			off += 4;
			now += d;
			if (now >= ice_agent_poll_timeout(a))
				ice_agent_handle_timeout(a, now);
			break;
		}
		case 2: {
			struct stun_addr c;
			uint32_t prio;
			if (size - off < 6)
				goto done;
			c = fuzz_addr(data[off]);
			prio = (uint32_t)data[off + 1] << 24 | (uint32_t)data[off + 2] << 16 |
			       (uint32_t)data[off + 3] << 8 | data[off + 4];
			(void)ice_agent_add_remote_candidate(
			        a, &c, prio, (enum ice_cand_type)(data[off + 5] & 7));
			off += 6;
			break;
		}
		default: {
			int w = op & 4 ? 2 : 1;
			(void)ice_agent_set_pending_credentials(a, ufrags[w], pwds[w], remotes[w]);
			break;
		}
		}
		/* consistency after every record */
		{
			struct ice_event ev;
			const struct ice_pair *p = ice_agent_selected_pair(a);
			if (a->stats[ICE_STAT_RX] != a->stats[ICE_STAT_ANSWERED] +
			                                     a->stats[ICE_STAT_ANSWERED_400] +
			                                     a->stats[ICE_STAT_ANSWERED_420] +
			                                     a->stats[ICE_STAT_ANSWERED_487] +
			                                     sum(a->drops, ICE_DROP_MAX))
				abort();
			if (p != NULL && (!p->used || !(p->nominated & ICE_GEN_CUR) ||
			                         a->state != ICE_STATE_CONNECTED))
				abort();
			if (p == NULL && a->state == ICE_STATE_CONNECTED)
				abort();
			while (ice_agent_poll_event(a, &ev))
				if (ev.type < ICE_EV_PAIR_SELECTED || ev.type > ICE_EV_RESTART_DONE)
					abort();
		}
	}
done:
	free(a);
	return 0;
}
