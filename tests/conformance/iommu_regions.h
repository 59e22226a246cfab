/* tests/conformance/iommu_regions.h: the DMA memory one virtio-net
 * function uses, as its net_dev laid it out: every ring (descriptor,
 * driver and device areas) and every buffer area (RX buffers, TX slots
 * with their indirect tables, the control buffer). What the iommu suite
 * maps, and nothing more, in that function's domain. */
#ifndef VFPROBE_TESTS_IOMMU_REGIONS_H
#define VFPROBE_TESTS_IOMMU_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "virtio/net.h"

enum dma_region_kind {
	DMA_RING,
	DMA_RX_BUFFERS, /* the device writes them */
	DMA_TX_BUFFERS, /* the device reads them */
	DMA_CTRL_BUFFER,
};

struct dma_region {
	uint64_t addr, bytes;
	enum dma_region_kind kind;
};

/* 2 rings and 2 buffer areas per pair, the control queue's ring and buffer. */
#define DMA_REGIONS_MAX (4 * NET_MAX_PAIRS + 2)

size_t net_dma_regions(const struct net_dev *nd, struct dma_region *out, size_t max);

#endif
