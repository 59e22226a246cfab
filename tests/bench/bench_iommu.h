/* tests/bench/bench_iommu.h: the benchmark's functions behind QEMU's
 * intel-iommu (iommu=vtd). Each function gets its own VT-d domain mapping
 * its rings and buffers at IOVA = guest-physical address, set up the way
 * the iommu suite sets it up (tests/conformance/iommu_env.h), so every
 * figure measured after bench_iommu_start carries the cost of translating
 * each of the device's DMA accesses. */
#ifndef VFPROBE_TESTS_BENCH_IOMMU_H
#define VFPROBE_TESTS_BENCH_IOMMU_H

#include <stddef.h>

#include "pci/pci.h"
#include "virtio/net.h"

/* net[0] is the PF's device, net[1 + i] VF i's. Domains mapped, root
 * table set, context and IOTLB invalidated, translation on. 0, or -1 with
 * the reason in err. */
int bench_iommu_start(struct pci_func *pf, struct net_dev *const *net, size_t n, char *err, size_t err_len);
/* One check: no DMA fault was recorded since the start (each one is a
 * diagnostic line); then translation off. */
void bench_iommu_stop(void);

#endif
