/* tests/lib/frame.c: see frame.h. Pure: built for the guest, the Linux
 * baseline program and the host unit tests. */
#include "frame.h"

#include <string.h>

#include "lib/frame_copy.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* Bytes summed between two reductions mod 65535: from a, b < 2^16 both sums
 * stay below 2^32 (b < 2^16 + 2048 * (2^16 + 255 * 2048)). */
#define CSUM_BLOCK 2048

uint32_t frame_checksum(const uint8_t *p, size_t n)
{
	uint32_t a = 0xffff, b = 0xffff;
	while (n) {
		size_t k = n < CSUM_BLOCK ? n : CSUM_BLOCK;
		n -= k;
		for (; k; k--) {
			a += *p++;
			b += a;
		}
		a %= 65535;
		b %= 65535;
	}
	return b << 16 | a;
}

uint8_t frame_pattern_seed(uint16_t sender, uint32_t seq)
{
	return (uint8_t)(seq * FRAME_PATTERN_SEQ_MUL + sender * FRAME_PATTERN_SENDER_MUL);
}

size_t frame_build(uint8_t *buf, size_t len, const struct frame_hdr *h, uint8_t seed)
{
	if (len < FRAME_MIN_LEN)
		len = FRAME_MIN_LEN;
	if (len > FRAME_MAX_LEN)
		len = FRAME_MAX_LEN;
	frame_copy(buf, h->dst, 6);
	frame_copy(buf + 6, h->src, 6);
	put16(buf + 12, FRAME_ETHERTYPE);
	frame_copy(buf + FRAME_OFF_MAGIC, FRAME_MAGIC, 4);
	put16(buf + FRAME_OFF_SENDER, h->sender);
	put32(buf + FRAME_OFF_RUN, h->run);
	put32(buf + FRAME_OFF_SEQ, h->seq);
	put16(buf + FRAME_OFF_LEN, (uint16_t)len);
	put64(buf + FRAME_OFF_STAMP, h->stamp);
	for (size_t i = FRAME_OFF_PAYLOAD; i < len; i++)
		buf[i] = (uint8_t)(seed + i * FRAME_PATTERN_STEP);
	put32(buf + FRAME_OFF_CSUM, frame_checksum(buf + FRAME_OFF_PAYLOAD, len - FRAME_OFF_PAYLOAD));
	return len;
}

size_t frame_host_len(uint32_t seq)
{
	if (seq >= FRAME_HOST_COUNT)
		return FRAME_MIN_LEN;
	return FRAME_MIN_LEN + (size_t)(FRAME_MAX_LEN - FRAME_MIN_LEN) * seq / (FRAME_HOST_COUNT - 1);
}

void frame_set_seq(uint8_t *buf, uint32_t seq)
{
	put32(buf + FRAME_OFF_SEQ, seq);
}

void frame_set_stamp(uint8_t *buf, uint64_t stamp)
{
	put64(buf + FRAME_OFF_STAMP, stamp);
}

bool frame_parse(const uint8_t *buf, size_t len, struct frame_hdr *h)
{
	if (len < FRAME_OFF_PAYLOAD || get16(buf + 12) != FRAME_ETHERTYPE ||
	    memcmp(buf + FRAME_OFF_MAGIC, FRAME_MAGIC, 4) != 0)
		return false;
	frame_copy(h->dst, buf, 6);
	frame_copy(h->src, buf + 6, 6);
	h->sender = get16(buf + FRAME_OFF_SENDER);
	h->run = get32(buf + FRAME_OFF_RUN);
	h->seq = get32(buf + FRAME_OFF_SEQ);
	h->len = get16(buf + FRAME_OFF_LEN);
	h->stamp = get64(buf + FRAME_OFF_STAMP);
	h->csum = get32(buf + FRAME_OFF_CSUM);
	return true;
}

bool frame_payload_ok(const uint8_t *buf, size_t len)
{
	return len >= FRAME_OFF_PAYLOAD && frame_checksum(buf + FRAME_OFF_PAYLOAD, len - FRAME_OFF_PAYLOAD) ==
	                                       get32(buf + FRAME_OFF_CSUM);
}
