/*
 * libFuzzer target: DTLS (dtls.c) server in the middle of a handshake.
 *
 * Once: a client connection makes a real ClientHello. Per input: a fresh
 * server connection takes that ClientHello (so it has answered with its
 * flight and waits for the client's second flight), then the input as
 * datagrams: [u16 big-endian length][bytes]..., a length with the top bit
 * set first advancing the clock by 1.5 s and running the timers. A tail too
 * short for a length is one last datagram. The corpus (tests/fuzz/corpus/dtls)
 * holds real handshake datagrams captured by tests/unit/test_dtls.c in this
 * format.
 *
 * Invariants: no crash, leak or sanitizer report; datagrams out fit
 * DTLS_DGRAM_MAX; at most one terminal event; a connection that failed or
 * closed wants no timeout; the state and the events agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dtls_cert *fz_server_cert, *fz_client_cert;
static uint8_t fz_hello[DTLS_DGRAM_MAX];
static int fz_hello_len;

static void
fz_init(void)
{
	struct dtls_conn *cl;

	fz_server_cert = dtls_cert_new(1700000000, 0);
	fz_client_cert = dtls_cert_new(1700000000, 0);
	if (fz_server_cert == NULL || fz_client_cert == NULL)
		abort();
	if (dtls_conn_new(&cl, NULL, fz_client_cert, DTLS_ROLE_CLIENT,
	            dtls_cert_fingerprint(fz_server_cert)) != DTLS_OK ||
	        dtls_conn_start(cl, 0) != DTLS_OK)
		abort();
	fz_hello_len = dtls_conn_poll_transmit(cl, fz_hello, sizeof(fz_hello));
	if (fz_hello_len <= 0)
		abort();
	dtls_conn_free(cl);
}

/* Drain outputs and check what can be checked. */
static void
fz_drain(struct dtls_conn *c, uint64_t now, int *terminal, int *connected)
{
	uint8_t out[DTLS_DGRAM_MAX];
	struct dtls_event ev;
	int n;

	while ((n = dtls_conn_poll_transmit(c, out, sizeof(out))) > 0)
		if (n > DTLS_DGRAM_MAX)
			abort();
	if (n != 0)
		abort();
	while (dtls_conn_poll_event(c, &ev)) {
		switch (ev.type) {
		case DTLS_EV_CONNECTED:
			if (*connected || *terminal || ev.keys.key_len != DTLS_SRTP_KEY_LEN ||
			        ev.keys.salt_len != dtls_srtp_salt_len(ev.keys.profile))
				abort();
			*connected = 1;
			break;
		case DTLS_EV_FAILED:
		case DTLS_EV_CLOSED:
			if (*terminal)
				abort();
			*terminal = 1;
			break;
		default:
			abort();
		}
	}
	if (*terminal && (dtls_conn_poll_timeout(c) != DTLS_TIMEOUT_NONE ||
	                         (dtls_conn_state(c) != DTLS_STATE_FAILED &&
	                                 dtls_conn_state(c) != DTLS_STATE_CLOSED)))
		abort();
	if (dtls_conn_poll_timeout(c) < now)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtls_conn *sv;
	uint64_t now = 10000;
	int terminal = 0, connected = 0;
	size_t off = 0;

	if (fz_server_cert == NULL)
		fz_init();
	if (dtls_conn_new(&sv, NULL, fz_server_cert, DTLS_ROLE_SERVER,
	            dtls_cert_fingerprint(fz_client_cert)) != DTLS_OK)
		abort();
	(void)dtls_conn_handle_packet(sv, now, fz_hello, (size_t)fz_hello_len);
	fz_drain(sv, now, &terminal, &connected);
	if (dtls_conn_state(sv) != DTLS_STATE_HANDSHAKE)
		abort();

	while (off < size) {
		size_t len;
		uint8_t *dgram;

		if (size - off < 2) {
			len = size - off;
		} else {
			uint16_t hdr = (uint16_t)(data[off] << 8 | data[off + 1]);
			off += 2;
			if (hdr & 0x8000) {
				now += 1500000;
				dtls_conn_handle_timeout(sv, now);
				fz_drain(sv, now, &terminal, &connected);
			}
			len = hdr & 0x7fff;
			if (len > size - off)
				len = size - off;
		}
		/* an exact-size copy, so ASan sees any read past the datagram */
		dgram = malloc(len ? len : 1);
		if (dgram == NULL)
			abort();
		memcpy(dgram, data + off, len);
		now += 1000;
		(void)dtls_conn_handle_packet(sv, now, dgram, len);
		free(dgram);
		off += len;
		fz_drain(sv, now, &terminal, &connected);
	}
	dtls_conn_close(sv, now);
	fz_drain(sv, now, &terminal, &connected);
	dtls_conn_free(sv);
	return 0;
}
