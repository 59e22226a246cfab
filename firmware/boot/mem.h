/* firmware/boot/mem.h: the heap behind malloc and the DMA page pool.
 *
 * Both are carved out of pages allocated from UEFI before ExitBootServices,
 * below 4 GiB so that a device without 64-bit DMA can reach them. Guest
 * physical addresses equal virtual ones (UEFI identity map); dma_addr() is
 * the one place that would change under an IOMMU or ACCESS_PLATFORM. */
#ifndef VFPROBE_BOOT_MEM_H
#define VFPROBE_BOOT_MEM_H

#include <stddef.h>
#include <stdint.h>

struct mem_region {
	uint8_t *base;
	size_t size;
	size_t used;
};

void heap_init(void *base, size_t size);
void dma_pool_init(void *base, size_t size);

/* Zeroed, aligned (a power of two, at least 64) DMA memory, or NULL when
 * the pool is exhausted. Never freed: a test run is short. */
void *dma_alloc(size_t size, size_t align);

static inline uint64_t dma_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
