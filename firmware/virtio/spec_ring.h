/* firmware/virtio/spec_ring.h: virtqueue layouts, split (virtio v1.3 §2.7
 * Split Virtqueues) and packed (§2.8 Packed Virtqueues). Names follow
 * Linux include/uapi/linux/virtio_ring.h.
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

/* virtio v1.3 §2.7.10 / §2.7.7 with VIRTIO_F_EVENT_IDX: used_event after
 * avail->ring[n], avail_event after used->ring[n]. */
static inline volatile uint16_t *virtq_used_event(struct virtq_avail *a, uint16_t n)
{
	return (volatile uint16_t *)&a->ring[n];
}
static inline volatile uint16_t *virtq_avail_event(struct virtq_used *u, uint16_t n)
{
	return (volatile uint16_t *)&u->ring[n];
}
/* virtio v1.3 §2.7.10 Available Buffer Notification Suppression: notify
 * when the entries new_idx moved past include the one event names. */
static inline int virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* virtio v1.3 §2.8.1 Driver and Device Ring Wrap Counters; §2.8.22
 * Packed Virtqueues data layout: flag bits as Linux's shifts. */
#define VRING_PACKED_DESC_F_AVAIL 7
#define VRING_PACKED_DESC_F_USED  15
#define VIRTQ_PACKED_F_AVAIL      (1u << VRING_PACKED_DESC_F_AVAIL)
#define VIRTQ_PACKED_F_USED       (1u << VRING_PACKED_DESC_F_USED)

struct virtq_packed_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};
_Static_assert(sizeof(struct virtq_packed_desc) == 16, "virtio v1.3 §2.8.22");

/* virtio v1.3 §2.8.10 Event Suppression Structure Format */
#define VRING_PACKED_EVENT_FLAG_ENABLE   0x0
#define VRING_PACKED_EVENT_FLAG_DISABLE  0x1
#define VRING_PACKED_EVENT_FLAG_DESC     0x2 /* only with VIRTIO_F_EVENT_IDX */
#define VRING_PACKED_EVENT_FLAG_RESERVED 0x3
#define VRING_PACKED_EVENT_FLAGS_MASK    0x3
#define VRING_PACKED_EVENT_F_WRAP_CTR    15

struct virtq_packed_event {
	uint16_t off_wrap; /* bits 0..14 descriptor offset, bit 15 wrap counter */
	uint16_t flags;
};
_Static_assert(sizeof(struct virtq_packed_event) == 4, "virtio v1.3 §2.8.10");

/* virtio v1.3 §2.8.2 Packed Virtqueue Memory Layout... alignment: ring 16,
 * event suppression structures 4; Queue Size at most 2^15, any value. */
#define VIRTQ_PACKED_DESC_ALIGN  16
#define VIRTQ_PACKED_EVENT_ALIGN 4
#define VIRTQ_PACKED_MAX_SIZE    32768

#endif
