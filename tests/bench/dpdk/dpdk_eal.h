/* tests/bench/dpdk/dpdk_eal.h: DPDK's EAL brought up for the VFs of a
 * vf_set, with options for a 1-vCPU TCG guest: one lcore (-l 0), no
 * telemetry thread, no shared runtime files (--in-memory), physical
 * addresses as IOVAs (--iova-mode=pa: uio_pci_generic has no IOMMU behind
 * it), only the listed VFs probed (-a BDF). EAL's log lines go to stdout
 * as TAP diagnostics ("# dpdk: ..."). */
#ifndef VFPROBE_BENCH_DPDK_EAL_H
#define VFPROBE_BENCH_DPDK_EAL_H

#include "vf_sysfs.h"

struct rte_mempool;

/* rte_eal_init() for VFs s->vf[0..n-1], a packet pool, every port started
 * with its link up. NULL, or why it failed. Once per process (EAL cannot
 * be initialised twice). */
const char *dpdk_eal_start(const struct vf_set *s, int n, struct rte_mempool **pool);
/* Stop and close every port and release EAL. */
void dpdk_eal_stop(void);

#endif
