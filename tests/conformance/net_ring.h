/* tests/conformance/net_ring.h: the ring contract checked under the net
 * suite's traffic (net_ring.c). */
#ifndef VFPROBE_TESTS_NET_RING_H
#define VFPROBE_TESTS_NET_RING_H

#include "lib/suite.h"
#include "traffic_check.h"
#include "virtio_env.h"

#define R_EVENT_IDLE                                                                                         \
	"virtio v1.3 §2.7.10 / §2.8.10: a device that waits for notifications and is idle names the next " \
	"entry the driver will make available as its event (avail_event / off_wrap), or that buffer is "     \
	"never noticed"

/* After the datapath phases: per function the ring format and ring
 * features as negotiated and used, then rings below the maximum size on
 * two functions, then one `# features:` line per function. */
void net_ring_checks(struct venv *e, struct vt *t, const struct run_config *cfg);

/* One function's TX ring filled twice over while nobody receives, then
 * drained: its idle event must name the next entry (net_backpressure.c). */
void net_event_after_backpressure(struct venv *e, struct vt *t, const struct run_config *cfg);

#endif
