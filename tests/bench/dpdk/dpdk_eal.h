/* tests/bench/dpdk/dpdk_eal.h: DPDK's EAL brought up for the VFs of a
 * vf_set, with options for a 1-vCPU TCG guest: one lcore (-l 0), no
 * telemetry thread, no shared runtime files (--in-memory), physical
 * addresses as IOVAs (--iova-mode=pa: uio_pci_generic has no IOMMU behind
 * it), only the listed VFs probed (-a BDF). EAL's log lines go to stdout
 * as TAP diagnostics ("# dpdk: ..."). */
#ifndef VFPROBE_BENCH_DPDK_EAL_H
#define VFPROBE_BENCH_DPDK_EAL_H

#include <stdint.h>

#include "vf_sysfs.h"

struct rte_mempool;

/* Where dpdk_eal_start's time went (clock ticks). */
struct dpdk_eal_times {
	uint64_t eal_init; /* rte_eal_init(): hugepages, PCI scan, net_virtio probe */
	uint64_t ports;    /* pool, configure, queues, start, until every link is up */
};

/* rte_eal_init() for VFs s->vf[0..n-1], a packet pool, every port started
 * with its link up. NULL, or why it failed. Once per process (EAL cannot
 * be initialised twice). */
const char *dpdk_eal_start(const struct vf_set *s, int n, struct rte_mempool **pool,
                           struct dpdk_eal_times *t);
/* Stop and close every port and release EAL. */
void dpdk_eal_stop(void);

#endif
