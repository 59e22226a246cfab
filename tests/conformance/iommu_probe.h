/* tests/conformance/iommu_probe.h: making one function's device reach for
 * memory outside its domain, and what that leaves behind. The probe
 * points every RX descriptor of the function (split and packed rings both
 * keep the buffer address in a descriptor's first 8 bytes) at a target,
 * so the next frame it receives is written there; the target is filled
 * with a pattern first, so a write that got through shows. */
#ifndef VFPROBE_TESTS_IOMMU_PROBE_H
#define VFPROBE_TESTS_IOMMU_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/net.h"

void probe_fill(void *p, size_t n, uint8_t seed);
/* The first byte that no longer holds the pattern, or n when none. */
size_t probe_changed(const void *p, size_t n, uint8_t seed);
/* Point every RX descriptor of pair 0 at `target`. */
void probe_aim_rx(struct net_dev *nd, uint64_t target);
/* Post one TX buffer at `addr`, `len` bytes (the virtio-net header
 * included), on pair 0 and ring the doorbell: the device reads it from
 * there. 0, or -1 when the queue has no free descriptor. */
int probe_tx_from(struct net_dev *nd, uint64_t addr, uint32_t len);
/* The device's used index of a split ring and the length of the last used
 * element (what it claims to have written); false for a packed ring. */
bool probe_used(const struct virtq *vq, uint16_t *idx, uint32_t *last_len);

#endif
