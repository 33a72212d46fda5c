/*
 * What gen_srtp_pcap (writes the publisher's capture) and bench_sfu_port
 * (installs the sessions that receive it) agree on: addresses, ports, the
 * publisher's SSRC, payload type and SRTP master key. Bench-only values,
 * never a deployment's.
 */
#ifndef RTC_SFU_PORT_BENCH_H
#define RTC_SFU_PORT_BENCH_H

#include <stdint.h>

/* The node: the port's MAC (set on the port by the harness), its IPv4 and media port. */
static const uint8_t SFUB_NODE_MAC[6] = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
static const uint8_t SFUB_NODE_IP[4] = {198, 18, 0, 2};
#define SFUB_NODE_PLEN 24
#define SFUB_MEDIA_PORT 20000

/* The publisher (WHIP): one Opus stream. */
static const uint8_t SFUB_PUB_MAC[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t SFUB_PUB_IP[4] = {100, 64, 0, 1};
#define SFUB_PUB_PORT 40000
#define SFUB_PUB_SSRC 0x0badcafeu
#define SFUB_OPUS_PT 111
#define SFUB_OPUS_CLOCK 48000
#define SFUB_OPUS_TS_STEP 960 /* 20 ms at 48 kHz */
#define SFUB_PAYLOAD 100      /* octets of "Opus" per packet */

/* Viewer i (WHEP): 100.65.0.0/16 + i, port 30000 + i % 20000, MAC 02:00:5e:01:xx:xx. */
#define SFUB_VIEWER_PORT_BASE 30000

/* The publisher's SRTP master key and salt (AES_CM_128_HMAC_SHA1_80, RFC 5764 §4.2 split). */
static const uint8_t SFUB_PUB_KEY[16] = {0x5f, 0x0e, 0x6d, 0x21, 0x9c, 0x41, 0xb2, 0x77, 0x03, 0xe8,
        0x1a, 0x4c, 0x90, 0x3d, 0x66, 0xaf};
static const uint8_t SFUB_PUB_SALT[14] = {
        0x71, 0x2a, 0x9e, 0x05, 0xd3, 0x48, 0x1b, 0xc6, 0x7f, 0x30, 0x84, 0xe9, 0x52, 0x0d};

#endif
