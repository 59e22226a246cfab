/* tests/lib/traffic.h: sending and receiving test frames (frame.h) over a
 * port (port.h), with a deadline on every wait. */
#ifndef VFPROBE_TESTS_LIB_TRAFFIC_H
#define VFPROBE_TESTS_LIB_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "port.h"

/* How long a full TX ring may stay full before the port counts as stuck. */
#define TRAFFIC_TX_STALL_US 2000000

/* Post one frame; when the ring is full, kick and reap until there is
 * room (at most stall_us). 0, or -1 with a reason in err (the port broke,
 * or its TX ring stayed full: then err carries the port's queue dump). */
int traffic_send(struct tport *p, const void *frame, size_t len, uint64_t stall_us, char *err, size_t errlen);
/* Reap until at least `room` frames can be posted (ports that cannot tell
 * return at once). false when the port broke or timeout_us passed. */
bool traffic_wait_room(struct tport *p, unsigned room, uint64_t timeout_us);
/* The next received frame of `run`, other frames dropped: 1 with its
 * header in *h, 0 when timeout_us passed, -1 when the port broke. */
int traffic_recv_run(struct tport *p, uint8_t *buf, size_t cap, uint32_t run, struct frame_hdr *h,
                     uint64_t timeout_us);
/* Receive and drop until nothing arrived for quiet_us (at most
 * timeout_us), then reap TX. Returns the frames dropped. */
unsigned long traffic_drain(struct tport *p, uint8_t *buf, size_t cap, uint64_t quiet_us,
                            uint64_t timeout_us);

#endif
