/* firmware/boot/mem.c: bump allocators for the heap and the DMA pool. */
#include "boot/mem.h"

#include <string.h>
#include <unistd.h>

static struct mem_region heap;
static struct mem_region dma;

void heap_init(void *base, size_t size)
{
	heap = (struct mem_region){.base = base, .size = size};
}

void dma_pool_init(void *base, size_t size)
{
	dma = (struct mem_region){.base = base, .size = size};
}

/* newlib's malloc grows the heap through sbrk. */
void *sbrk(ptrdiff_t incr)
{
	if (incr < 0 ? (size_t)-incr > heap.used : (size_t)incr > heap.size - heap.used)
		return (void *)-1;
	void *old = heap.base + heap.used;
	heap.used += (size_t)incr;
	return old;
}

void *dma_alloc(size_t size, size_t align)
{
	if (align < 64)
		align = 64;
	uintptr_t start = ((uintptr_t)dma.base + dma.used + align - 1) & ~(uintptr_t)(align - 1);
	size_t offset = start - (uintptr_t)dma.base;
	if (offset > dma.size || size > dma.size - offset)
		return NULL;
	dma.used = offset + size;
	memset((void *)start, 0, size);
	return (void *)start;
}
