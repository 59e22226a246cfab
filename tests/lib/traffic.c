/* tests/lib/traffic.c: see traffic.h. */
#include "traffic.h"

#include <stdio.h>

#include "clock.h"

/* After a kick: reap until a frame can be posted. 1 when one can, 0 when
 * stall_us passed first, -1 when the port broke. */
static int reap_for_room(struct tport *p, uint64_t stall_us)
{
	struct clock_deadline d = clock_deadline_in_us(stall_us);
	for (;;) {
		int reaped = p->ops->reap(p);
		if (reaped < 0)
			return -1;
		if (p->ops->tx_room ? p->ops->tx_room(p) > 0 : reaped > 0)
			return 1;
		if (clock_deadline_passed(d))
			return 0;
		clock_relax();
	}
}

int traffic_send(struct tport *p, const void *frame, size_t len, uint64_t stall_us, char *err, size_t errlen)
{
	int rc = p->ops->tx(p, frame, len);
	if (rc == TPORT_FULL) {
		p->ops->kick(p);
		int room = reap_for_room(p, stall_us);
		if (room == 0) {
			char dump[200] = "no queue state";
			if (p->ops->dump)
				p->ops->dump(p, dump, sizeof(dump));
			snprintf(err, errlen, "%s: TX ring full for %llu ms: %s", p->name,
			         (unsigned long long)stall_us / 1000, dump);
			return -1;
		}
		rc = room < 0 ? -1 : p->ops->tx(p, frame, len);
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s", p->error);
		return -1;
	}
	return 0;
}

bool traffic_wait_room(struct tport *p, unsigned room, uint64_t timeout_us)
{
	if (!p->ops->tx_room)
		return true;
	struct clock_deadline d = clock_deadline_in_us(timeout_us);
	while (p->ops->tx_room(p) < room) {
		if (p->ops->reap(p) < 0 || clock_deadline_passed(d))
			return false;
	}
	return true;
}

int traffic_recv_run(struct tport *p, uint8_t *buf, size_t cap, uint32_t run, struct frame_hdr *h,
                     uint64_t timeout_us)
{
	struct clock_deadline d = clock_deadline_in_us(timeout_us);
	for (;;) {
		size_t len;
		int r = p->ops->rx(p, buf, cap, &len);
		if (r < 0)
			return -1;
		if (r == 1) {
			if (frame_parse(buf, len, h) && h->run == run)
				return 1;
			continue;
		}
		if (clock_deadline_passed(d))
			return 0;
		if (p->ops->wait_rx) {
			uint64_t now = clock_now();
			uint64_t left = d.end > now ? clock_ticks_to_ns(d.end - now) / 1000 : 0;
			p->ops->wait_rx(p, left);
		}
	}
}

unsigned long traffic_drain(struct tport *p, uint8_t *buf, size_t cap, uint64_t quiet_us, uint64_t timeout_us)
{
	struct clock_deadline end = clock_deadline_in_us(timeout_us);
	uint64_t quiet = clock_ns_to_ticks(quiet_us * 1000), last = clock_now();
	unsigned long n = 0;
	while (!clock_deadline_passed(end) && clock_now() - last < quiet) {
		size_t len;
		int r = p->ops->rx(p, buf, cap, &len);
		if (r < 0)
			break;
		if (r == 1) {
			n++;
			last = clock_now();
		}
	}
	p->ops->reap(p);
	return n;
}
