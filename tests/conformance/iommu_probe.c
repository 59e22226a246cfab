/* tests/conformance/iommu_probe.c: aiming a device at foreign memory. */
#include "iommu_probe.h"

#include "boot/io.h"
#include "virtio/spec_ring.h"

static uint8_t pattern(size_t i, uint8_t seed)
{
	return (uint8_t)(seed ^ (i * 31) ^ (i >> 8));
}

void probe_fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = pattern(i, seed);
}

size_t probe_changed(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != pattern(i, seed))
			return i;
	return n;
}

void probe_aim_rx(struct net_dev *nd, uint64_t target)
{
	struct virtq *vq = &nd->pair[0].rxq;
	_Static_assert(offsetof(struct virtq_desc, addr) == 0 &&
	                   offsetof(struct virtq_packed_desc, addr) == 0,
	               "virtio v1.3 §2.7.5, §2.8.13: the address leads both descriptor formats");
	volatile uint64_t *desc = (volatile uint64_t *)(uintptr_t)vq->bus.desc;
	for (uint16_t i = 0; i < vq->size; i++)
		desc[i * (sizeof(struct virtq_desc) / sizeof(uint64_t))] = target;
	wmb();
}

bool probe_used(const struct virtq *vq, uint16_t *idx, uint32_t *last_len)
{
	if (vq->format != VQ_FORMAT_SPLIT)
		return false;
	const volatile struct virtq_used *u = (const volatile struct virtq_used *)(uintptr_t)vq->bus.device;
	rmb();
	*idx = u->idx;
	*last_len = u->ring[(uint16_t)(*idx - 1) & vq->mask].len;
	return true;
}

int probe_tx_from(struct net_dev *nd, uint64_t addr, uint32_t len)
{
	struct vq_sg sg = {addr, len};
	if (vq_add(&nd->pair[0].txq, &sg, 1, 0, nd) != 0)
		return -1;
	net_pair_tx_kick(nd, 0);
	return 0;
}
