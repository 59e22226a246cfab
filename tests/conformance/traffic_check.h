/* tests/conformance/traffic_check.h: checked traffic between the functions
 * under test (virtio_env.h) for the net and reset suites.
 *
 * Every frame is a test frame (tests/lib/frame.h) sent to broadcast with
 * the sender's index and a per-sender sequence number; its payload
 * follows the sender's pattern, so a receiver rebuilds the frame it must
 * have got and compares byte for byte. Each receiver expects, from every
 * sender it can hear (venv_hears), the sender's next sequence number:
 * anything else is loss, reordering or corruption, and a frame from a
 * sender it cannot hear is a leak. */
#ifndef VFPROBE_TESTS_TRAFFIC_CHECK_H
#define VFPROBE_TESTS_TRAFFIC_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio_env.h"

/* Build the frame number `seq` of sender `s`, `len` bytes (60..1514). */
size_t vt_build(uint8_t *buf, size_t len, unsigned s, uint32_t seq, const uint8_t src_mac[6]);

struct vt_rx_stats {
	uint64_t frames, ok, lost, reordered, corrupt, bad_csum, foreign, leaked;
	uint64_t late; /* intact frames sent before the last vt_resync (vt.fence) */
	char first_err[160];
	/* The frame before the current one: its RX buffer and used element. */
	uint16_t prev_buf;
	uint64_t prev_used;
};

/* A traffic run over the functions with up[] set. */
struct vt {
	struct venv *e;
	uint32_t *tx_seq;       /* [n] */
	uint64_t *tx_bytes;     /* [n]: bytes of every frame sent */
	uint32_t *expect;       /* [n x n]: receiver r, sender s */
	struct vt_rx_stats *rx; /* [n] */
	uint64_t *rx_from;      /* [n x n] frames received per pair */
	uint32_t *base;         /* [n]: tx_seq at vt_phase_begin */
	uint32_t *fence;        /* [n]: tx_seq at the last vt_resync */
	uint8_t *buf, *ref;
	bool device_error;
	char dev_err[200];
};

struct vt *vt_new(struct venv *e);
void vt_clear_stats(struct vt *t);
/* Send `count` frames from fn s (sizes cycling from size0 with step, or
 * fixed when step is 0), reaping TX as needed; kick at the end. 0 or -1. */
int vt_send(struct vt *t, size_t s, unsigned count, size_t size0, size_t step);
/* Drain every up function until all have been quiet for quiet_us (or
 * timeout_us passes). Returns frames received. */
uint64_t vt_drain(struct vt *t, uint64_t quiet_us, uint64_t timeout_us);
/* One pass: every up function takes at most max_per_fn frames. */
uint64_t vt_drain_some(struct vt *t, unsigned max_per_fn);
/* Drain until every up receiver has seen (or counted as lost) every frame
 * the up functions it hears sent since vt_phase_begin, then until quiet
 * for 1 ms (to catch duplicates). false when timeout_us passed first. */
bool vt_drain_expected(struct vt *t, uint64_t timeout_us);
/* Forget what is queued and make every receiver expect each sender's next
 * sequence number (after a re-init). A frame sent before it that arrives
 * later, ahead of everything its sender sent since (a probe a busy switch
 * still held when the drain's quiet period ended), is counted late and
 * belongs to no phase; after a newer frame of its sender it is reordered. */
void vt_resync(struct vt *t);
/* Send single frames from s until one reaches r (at most timeout_us):
 * a backend may start a function's datapath some time after DRIVER_OK.
 * false when nothing arrived. The caller vt_resync()s after. */
bool vt_wait_path(struct vt *t, size_t s, size_t r, uint64_t timeout_us);
/* After fn i was (re)initialised on a backend that starts datapaths late:
 * wait for the path to and from every function it hears or is heard by,
 * then vt_resync. At once on the hub. */
void vt_wait_function(struct vt *t, size_t i);
/* Frame size of sequence number seq in the cycling pattern. */
size_t vt_size(uint32_t seq, size_t size0, size_t step);

/* Start a phase: remember each sender's sequence number and clear the
 * receive statistics. */
void vt_phase_begin(struct vt *t);
/* Frames receiver r must have got from s since vt_phase_begin (0 when r
 * cannot hear s). */
uint64_t vt_phase_due(const struct vt *t, size_t r, size_t s);
/* One TAP point per up receiver: every frame each up function it hears
 * sent since vt_phase_begin arrived exactly once, in order, byte for
 * byte, and nothing from a function it cannot hear; named after the
 * receiver under the current prefix. Returns the number of failing
 * receivers. */
unsigned vt_phase_verdict(struct vt *t, const char *phase, const char *rule);
/* A phase in which every up function sends `frames` frames (sizes cycling
 * through 60..1514), in rounds small enough that no receiver has more than
 * half an RX ring in flight, then vt_phase_verdict(phase, rule). */
void vt_round(struct vt *t, unsigned frames, const char *phase, const char *rule);

#endif
