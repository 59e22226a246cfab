/* tests/conformance/net_ring.h: the ring contract checked under the net
 * suite's traffic (net_ring.c). */
#ifndef VFPROBE_TESTS_NET_RING_H
#define VFPROBE_TESTS_NET_RING_H

#include "lib/suite.h"
#include "traffic_check.h"
#include "virtio_env.h"

/* After the datapath phases: per function the ring format and ring
 * features as negotiated and used, then rings below the maximum size on
 * two functions, then one `# features:` line per function. */
void net_ring_checks(struct venv *e, struct vt *t, const struct run_config *cfg);

#endif
