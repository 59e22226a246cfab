/* tests/lib/measure.h: the datapath figures, measured the same way over
 * any ports (port.h) by the guest's `bench` suite and the Linux baseline:
 *
 *   rtt       ping-pong of one frame between two ports (60, 512, 1514 B)
 *   rate      one-way bursts of 1, 8, 32 and ring-size frames; one sample
 *             per complete burst: burst time / frames
 *   agg_rate  1, 2, 4 ... senders send 32-frame bursts to one receiver
 *   copy      the guest's copy of one frame (60, 512, 1514 B; frame_copy.h),
 *             no device: what every TX and RX copy of the datapath costs it
 *   frame_build  building one test frame (frame.h), no device: the work
 *             every figure does before its timing starts
 *
 * Each figure is one BENCH line (bench_report.h). */
#ifndef VFPROBE_TESTS_LIB_MEASURE_H
#define VFPROBE_TESTS_LIB_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "port.h"

/* One frame or one burst's last frame: how long a receiver waits. */
#define MEASURE_WAIT_US 200000

/* Samples per figure. */
struct measure_counts {
	unsigned rtt, rtt_warmup;
	unsigned rate;       /* bursts per rate figure */
	unsigned rate_large; /* ... for bursts of 64 frames or more */
	unsigned agg;        /* rounds per agg_rate figure */
};

/* mode=short (make check's smoke run): enough to prove each figure works. */
extern const struct measure_counts measure_counts_short;

struct measure {
	struct measure_counts n;
	uint32_t run;      /* tag of the current figure (frame.h) */
	uint64_t *samples; /* grown as needed */
	size_t samples_cap;
	uint8_t tx[FRAME_BUF_LEN], reply[FRAME_BUF_LEN], rx[FRAME_BUF_LEN];
	uint8_t *bursts; /* one built frame per sender of a rate figure, grown as needed */
	size_t bursts_cap;
	char err[256]; /* why the last send failed (a stall report) */
	/* Optional: start a port over after a figure it broke or stalled, so
	 * the figures after it are still measured. */
	void (*recover)(struct measure *m, struct tport *p);
	void *owner; /* for recover */
	/* Optional: the TODO reason of a known deviation id (deviation_known),
	 * NULL when it is not known for the device under test. */
	const char *(*known_deviation)(const char *id);
};

/* A sample buffer of at least n entries (NULL when out of memory). */
uint64_t *measure_samples(struct measure *m, size_t n);
/* Receive and drop what earlier figures left queued at p. */
void measure_drain(struct measure *m, struct tport *p);

void measure_rtt(struct measure *m, struct tport *a, struct tport *z, const char *path);
/* `ring` is the TX ring size: the largest burst. */
void measure_rate(struct measure *m, struct tport *a, struct tport *z, const char *path, unsigned ring);
void measure_guest_work(struct measure *m);
/* Senders tx[0..1], tx[0..3] ... tx[0..ntx-1] at once to rx. */
void measure_aggregate(struct measure *m, struct tport *const *tx, size_t ntx, struct tport *rx);

#endif
