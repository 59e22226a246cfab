/* firmware/virtio/spec_ring.h: split virtqueue layout (virtio v1.3 §2.7
 * Split Virtqueues). Names follow Linux include/uapi/linux/virtio_ring.h.
 * All fields little-endian (VIRTIO_F_VERSION_1; x86 is little-endian). */
#ifndef VFPROBE_VIRTIO_SPEC_RING_H
#define VFPROBE_VIRTIO_SPEC_RING_H

#include <stddef.h>
#include <stdint.h>

/* virtio v1.3 §2.7.5 The Virtqueue Descriptor Table */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio v1.3 §2.7.5");

/* virtio v1.3 §2.7.6 The Virtqueue Available Ring */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* queue size entries, then used_event (EVENT_IDX) */
};

/* virtio v1.3 §2.7.8 The Virtqueue Used Ring */
#define VIRTQ_USED_F_NO_NOTIFY 1
struct virtq_used_elem {
	uint32_t id;  /* index of start of used descriptor chain (u32 for padding) */
	uint32_t len; /* bytes written into the device-writable part */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio v1.3 §2.7.8");
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* queue size entries, then avail_event */
};

/* virtio v1.3 §2.7 Split Virtqueues: alignment of each part */
#define VIRTQ_DESC_ALIGN  16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN  4
/* virtio v1.3 §2.7 Split Virtqueues: "Queue Size ... maximum 32768" */
#define VIRTQ_SPLIT_MAX_SIZE 32768

static inline size_t virtq_desc_bytes(uint16_t n)
{
	return 16u * n;
}
static inline size_t virtq_avail_bytes(uint16_t n)
{
	return 6u + 2u * n;
}
static inline size_t virtq_used_bytes(uint16_t n)
{
	return 6u + 8u * n;
}

#endif
