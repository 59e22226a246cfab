/* tests/lib/port.h: one end of the test traffic, whatever carries it: a
 * virtio-net function driven by vfprobe (net_port.c), or an AF_PACKET
 * socket in the Linux baseline (tests/bench/linux/packet_port.c). The
 * traffic library (traffic.h) and the measurements (measure.h) see only
 * this interface.
 *
 *   tx     post one frame; not on the wire before kick
 *   kick   make everything posted visible to the device
 *   reap   take back completed transmissions
 *   rx     one received frame, without blocking */
#ifndef VFPROBE_TESTS_LIB_PORT_H
#define VFPROBE_TESTS_LIB_PORT_H

#include <stddef.h>
#include <stdint.h>

#define TPORT_FULL (-2) /* tx: no room until the port is kicked and reaped */

struct tport;

struct tport_ops {
	/* 0 posted, TPORT_FULL, or -1 when the port broke. */
	int (*tx)(struct tport *p, const void *frame, size_t len);
	void (*kick)(struct tport *p);
	/* Completions taken back (>= 0), or -1 when the port broke. */
	int (*reap)(struct tport *p);
	/* 1 with a frame in buf, 0 when none is there, -1 when the port broke. */
	int (*rx)(struct tport *p, void *buf, size_t cap, size_t *len);
	/* Optional: frames that can be posted now without TPORT_FULL. */
	unsigned (*tx_room)(struct tport *p);
	/* Optional: sleep until rx may have something, at most timeout_us
	 * (a port without it is polled in a busy loop). */
	void (*wait_rx)(struct tport *p, uint64_t timeout_us);
	/* Optional: one line of queue state for a stall report. */
	void (*dump)(struct tport *p, char *buf, size_t n);
	/* Optional: the id of the known device deviation (deviations.h) that
	 * explains the port's stall, NULL when none does. */
	const char *(*stall_deviation)(struct tport *p);
};

struct tport {
	const struct tport_ops *ops;
	void *ctx;
	unsigned queue;    /* which of the device's queue pairs (0 on one-queue ports) */
	const char *error; /* why the port broke (one line), kept by the port */
	uint8_t mac[6];
	char name[24];
};

#endif
