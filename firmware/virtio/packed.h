/* firmware/virtio/packed.h: the state of a packed virtqueue (virtio v1.3
 * §2.8 Packed Virtqueues), one member of struct virtq's format union. Only
 * packed.c and tests/unit (the fake device) look inside.
 *
 * Ring positions are kept as `idx | wrap << 15` in one uint16_t (the
 * off_wrap encoding of §2.8.10 Driver and Device Event Suppression): idx
 * in [0, size), wrap the ring wrap counter that goes with it. */
#ifndef VFPROBE_VIRTIO_PACKED_H
#define VFPROBE_VIRTIO_PACKED_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/spec_ring.h"

#define VQ_OW_WRAP ((uint16_t)1 << VRING_PACKED_EVENT_F_WRAP_CTR)

struct vq_packed {
	struct virtq_packed_desc *desc;    /* Descriptor Area: the ring */
	struct virtq_packed_event *driver; /* Driver Area: we write, device reads */
	struct virtq_packed_event *device; /* Device Area: device writes */
	uint16_t *id_next;                 /* [size]: shadow free list of buffer ids */
	uint16_t id_free;                  /* first free buffer id */
	uint16_t avail_ow;                 /* next descriptor to make available */
	uint16_t pub_ow;                   /* avail_ow at the last publish */
	uint16_t used_ow;                  /* where the next used descriptor is due */
	uint16_t added;                    /* descriptors added since the last publish */
	uint16_t batch;                    /* descriptors the last publish made available */
	uint16_t head_pos, head_flags;     /* first head not yet visible (when pending) */
	bool pending;
	uint32_t used_len_without_write; /* used with len > 0 and F_WRITE clear */
};

static inline uint16_t vq_ow_idx(uint16_t ow)
{
	return (uint16_t)(ow & (VQ_OW_WRAP - 1));
}
static inline bool vq_ow_wrap(uint16_t ow)
{
	return (ow & VQ_OW_WRAP) != 0;
}
/* Move n (<= size) descriptors on; the wrap counter flips at the end of
 * the ring (§2.8.1 Driver and Device Ring Wrap Counters). */
static inline uint16_t vq_ow_advance(uint16_t ow, uint16_t n, uint16_t size)
{
	uint32_t i = (uint32_t)vq_ow_idx(ow) + n;
	uint16_t w = (uint16_t)(ow & VQ_OW_WRAP);
	if (i >= size) {
		i -= size;
		w ^= VQ_OW_WRAP;
	}
	return (uint16_t)(i | w);
}
/* Descriptors from `from` to `to` (to at most one lap ahead). */
static inline uint16_t vq_ow_distance(uint16_t from, uint16_t to, uint16_t size)
{
	uint32_t d = (uint32_t)vq_ow_idx(to) + size - vq_ow_idx(from);
	if (vq_ow_wrap(to) == vq_ow_wrap(from))
		d -= size;
	return (uint16_t)d;
}

#endif
