/* tests/conformance/net_backpressure.c: the TX event index after the
 * receivers pushed back (virtio v1.3 §2.7.10 / §2.8.10).
 *
 * One function keeps its TX ring full for 4x the ring while the receivers
 * take only a few frames at a time, so the device keeps holding frames
 * until they post buffers again while the driver keeps adding more; then
 * every receiver drains and the sender reaps everything. A
 * device that waits for notifications must by then name, as its event,
 * the next entry the driver will make available: an event at an entry it
 * already took is never reached, and the next frame is never noticed. */
#include <stdio.h>

#include "boot/timer.h"
#include "deviations.h"
#include "lib/frame.h"
#include "net_ring.h"

#define BP_ROUNDS    8
#define BP_IDLE_US   100000
#define BP_DRAIN_US  2000000
#define BP_SETTLE_US 30000000ULL
#define BP_QUIET_US  200000

/* Bursts of a full TX ring to one receiver, the others left full: each
 * burst ends when the receiver got it or was quiet for BP_IDLE_US. */
static void bursts(struct vt *t, size_t s, size_t r, unsigned n)
{
	static uint8_t buf[FRAME_BUF_LEN];
	struct net_dev *nd = t->e->fn[s].nd;
	struct tport *rx = &t->e->fn[r].port;
	for (unsigned k = 0; k < n && t->e->fn[s].up; k++) {
		unsigned room = nd->pair[0].tx_nfree, got = 0;
		if (room && vt_send(t, s, room, 1514, 0) != 0)
			return;
		struct deadline quiet = deadline_in_us(BP_IDLE_US);
		while (got < room && !deadline_passed(quiet)) {
			size_t len;
			if (rx->ops->rx(rx, buf, sizeof(buf), &len) == 1) {
				got++;
				quiet = deadline_in_us(BP_IDLE_US);
			}
		}
		net_tx_reap(nd);
	}
}

/* Receive everything until the sender has nothing in flight. */
static void drain_all(struct vt *t, size_t s)
{
	struct net_dev *nd = t->e->fn[s].nd;
	struct deadline end = deadline_in_us(BP_DRAIN_US);
	do {
		vt_drain_some(t, 64);
		net_tx_reap(nd);
	} while (vq_in_flight(&nd->pair[0].txq) && !deadline_passed(end));
	vt_drain(t, 20000, BP_DRAIN_US);
	net_tx_reap(nd);
}

/* The hub hands a frame to every other port with qemu_send_packet
 * (net/hub.c:59), which queues it in that port's incoming queue while the
 * receiver has no RX buffer (up to 10000 frames, net/queue.c:102) and
 * delivers it when buffers come back: the receivers left full hold many
 * frames inside QEMU, and a drain that stops after a quiet spell or a
 * time limit can leave some to turn up in the next phase. One more frame
 * from s lands behind all of them at every receiver: wait until each has
 * it. A sender whose TX queue is stuck (the event index it was left with
 * is never reached, packed-tx-stale-event) cannot send it: then drain
 * until every receiver is quiet for BP_QUIET_US. */
static void settle(struct vt *t, size_t s, bool sender_stuck)
{
	uint64_t t0 = rdtsc();
	bool all;
	if (sender_stuck) {
		vt_drain(t, BP_QUIET_US, BP_SETTLE_US);
		all = false;
	} else {
		vt_send(t, s, 1, FRAME_MIN_LEN, 0);
		all = vt_drain_expected(t, BP_SETTLE_US);
	}
	tap_diag("net: backpressure: %s in %.1f ms",
	         all            ? "every receiver emptied its hub queue"
	         : sender_stuck ? "sender stuck, receivers quiet"
	                        : "the hub's queues did not empty",
	         (double)tsc_to_ns(rdtsc() - t0) / 1e6);
}

void net_event_after_backpressure(struct venv *e, struct vt *t, const struct run_config *cfg)
{
	size_t s = e->n, r = e->n;
	for (size_t i = 0; i < e->n && r == e->n; i++)
		for (size_t j = 0; j < e->n && e->fn[i].up; j++)
			if (j != i && e->fn[j].up && venv_hears(e, j, i) && venv_qemu_datapath(e, i) &&
			    venv_qemu_datapath(e, j)) {
				s = i;
				r = j;
				break;
			}
	if (s == e->n || !virtio_has(&e->fn[s].nd->vp, VIRTIO_F_EVENT_IDX)) {
		tap_skip(s == e->n ? "no function on QEMU's own datapath is heard by another"
		                   : "EVENT_IDX not negotiated",
		         "TX event index after backpressure");
		return;
	}
	struct venv_fn *fn = &e->fn[s];
	const struct virtq *q = &fn->nd->pair[0].txq;
	unsigned stale = 0, rounds = 0;
	char got[96] = "";
	bool stuck = false; /* the last round left the event short of the next entry */
	vt_resync(t);
	for (unsigned round = 0; round < BP_ROUNDS && fn->up; round++) {
		bursts(t, s, r, 4);
		drain_all(t, s);
		rounds++;
		unsigned ev, want;
		vq_avail_event(q, &ev, &want);
		stuck = q->in_flight || ev != want;
		if (stuck) {
			stale++;
			snprintf(got, sizeof(got), "round %u: event 0x%x, next entry 0x%x, in flight %u",
			         round + 1, ev, want, q->in_flight);
			break;
		}
	}
	settle(t, s, stuck || !fn->up);
	if (stale) {
		/* What the device never noticed stays with it until a reset. */
		struct net_opts o = fn->nd->opts;
		(void)venv_open(e, s, &o);
		vt_wait_function(t, s);
	}
	vt_resync(t);
	if (!stale)
		snprintf(got, sizeof(got), "%u rounds: the event named the next entry each time", rounds);
	const char *known =
	    q->format == VQ_FORMAT_PACKED
	        ? deviation_known("packed-tx-stale-event", cfg->model ? cfg->model : "virtio-net")
	        : NULL;
	tap_prefix_push("%s", fn->name);
	tap_check_kfail(known, fn->up && stale == 0, R_EVENT_IDLE, got, "the next entry, nothing in flight",
	                "TX event index names the next available entry after %u rounds of backpressure",
	                rounds);
	tap_prefix_pop();
}
