/* tests/conformance/iommu_regions.c: a net_dev's DMA memory. */
#include "iommu_regions.h"

#include "boot/mem.h"

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;
	return m < c ? m : c;
}

static void add(struct dma_region *out, size_t max, size_t *n, uint64_t addr, uint64_t bytes,
                enum dma_region_kind kind)
{
	if (*n < max && bytes)
		out[(*n)++] = (struct dma_region){addr, bytes, kind};
}

/* The ring's three areas lie in one allocation of vq_ring_bytes (pci.c). */
static void add_ring(struct dma_region *out, size_t max, size_t *n, const struct virtq *vq)
{
	if (vq->size)
		add(out, max, n, min3(vq->bus.desc, vq->bus.driver, vq->bus.device),
		    vq_ring_bytes(vq->format, vq->size), DMA_RING);
}

size_t net_dma_regions(const struct net_dev *nd, struct dma_region *out, size_t max)
{
	size_t n = 0;
	for (uint16_t q = 0; q < nd->npairs; q++) {
		const struct net_pair *p = &nd->pair[q];
		add_ring(out, max, &n, &p->rxq);
		add_ring(out, max, &n, &p->txq);
		add(out, max, &n, dma_addr(p->rx_bufs), p->rx_bufs_cap, DMA_RX_BUFFERS);
		add(out, max, &n, dma_addr(p->tx_bufs), (uint64_t)p->txq.size * NET_TX_SLOT, DMA_TX_BUFFERS);
	}
	if (nd->ctrl) {
		add_ring(out, max, &n, &nd->ctrlq);
		add(out, max, &n, dma_addr(nd->ctrl_buf), NET_CTRL_BUF, DMA_CTRL_BUFFER);
	}
	return n;
}
