/* tests/lib/frame.h: the one test frame every vfprobe traffic source sends
 * (conformance suites, benchmarks, the Linux baseline program) and every
 * checker reads (the guest's receivers, the runner's host port on the wire,
 * scripts/frames.py, which parses the FRAME_* numbers below from this file).
 *
 *   0  destination MAC        6
 *   6  source MAC             6
 *   12 ethertype 0x88b5       2   IEEE 802 local experimental
 *   14 magic "VFPB"           4
 *   18 sender                 2   the sender's index in its run
 *   20 run                    4   one value per measurement or phase
 *   24 sequence number        4   per sender, from 0
 *   28 frame length           2   bytes on the wire without FCS
 *   30 timestamp              8   sender's clock in ns, 0 when unstamped
 *   38 payload checksum       4   Fletcher-32 of bytes 42..length-1
 *   42 payload                    FRAME_PATTERN bytes (below)
 *
 * Multi-byte fields are big-endian (network order). */
#ifndef VFPROBE_TESTS_LIB_FRAME_H
#define VFPROBE_TESTS_LIB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_ETHERTYPE   0x88b5
#define FRAME_MAGIC       "VFPB"
#define FRAME_OFF_MAGIC   14
#define FRAME_OFF_SENDER  18
#define FRAME_OFF_RUN     20
#define FRAME_OFF_SEQ     24
#define FRAME_OFF_LEN     28
#define FRAME_OFF_STAMP   30
#define FRAME_OFF_CSUM    38
#define FRAME_OFF_PAYLOAD 42
/* The run of every conformance frame (benchmark runs count from 1). */
#define FRAME_RUN_CONFORMANCE 0
/* Ethernet frame limits without FCS (IEEE 802.3 §3.2). */
#define FRAME_MIN_LEN 60
#define FRAME_MAX_LEN 1514
/* A buffer for one frame: room past FRAME_MAX_LEN, so that a longer frame
 * a device delivers arrives whole and is seen to be too long. */
#define FRAME_BUF_LEN (FRAME_MAX_LEN + 64)
/* Payload byte i (offset from the frame start) is seed + i * STEP, where
 * the seed of sender s's frame seq is seq * SEQ_MUL + s * SENDER_MUL. */
#define FRAME_PATTERN_SEQ_MUL    131
#define FRAME_PATTERN_SENDER_MUL 17
#define FRAME_PATTERN_STEP       7
/* The runner's host port on the wire (scripts/wire_peer.py) sends as
 * sender FRAME_HOST_SENDER from FRAME_HOST_MAC, in the conformance run:
 * frames 0..FRAME_HOST_COUNT-1 when the guest asks for them, frame k
 * frame_host_len(k) bytes, then frame FRAME_HOST_COUNT (FRAME_MIN_LEN
 * bytes) once it has counted what the guest sent. */
#define FRAME_HOST_SENDER 0xffff
#define FRAME_HOST_MAC    "\x02\x56\x46\x50\x42\x48"
#define FRAME_HOST_COUNT  16

struct frame_hdr {
	uint8_t dst[6], src[6];
	uint16_t sender;
	uint32_t run, seq;
	uint16_t len;
	uint64_t stamp;
	uint32_t csum;
};

/* Fletcher-32: a changed or moved byte changes it. */
uint32_t frame_checksum(const uint8_t *p, size_t n);
/* The payload seed of sender s's frame seq. */
uint8_t frame_pattern_seed(uint16_t sender, uint32_t seq);
/* Write h's fields and a `len`-byte frame (clamped to 60..1514) whose
 * payload follows `seed`; the checksum is computed, h->len and h->csum
 * ignored. Returns the length written. */
size_t frame_build(uint8_t *buf, size_t len, const struct frame_hdr *h, uint8_t seed);
/* The length of the host port's frame seq: FRAME_MIN_LEN to FRAME_MAX_LEN
 * in FRAME_HOST_COUNT even steps, FRAME_MIN_LEN from FRAME_HOST_COUNT on. */
size_t frame_host_len(uint32_t seq);
/* Change a built frame's sequence number or timestamp (neither is covered
 * by the checksum, so a prebuilt frame can be re-sent cheaply). */
void frame_set_seq(uint8_t *buf, uint32_t seq);
void frame_set_stamp(uint8_t *buf, uint64_t stamp);
/* Read a frame's fields: true when it is one of ours (ethertype, magic,
 * at least the header long). The checksum is not verified here. */
bool frame_parse(const uint8_t *buf, size_t len, struct frame_hdr *h);
/* Does the payload checksum match? */
bool frame_payload_ok(const uint8_t *buf, size_t len);

#endif
