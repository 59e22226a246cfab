/* firmware/virtio/vq_format.h: what a ring format gives the queue layer
 * (virtq.c), and the checks it gets back (vq_check.c). Modelled on DPDK's
 * _split/_packed pairs: the queue keeps ids, lengths, counts and errors; a
 * format only moves descriptors and indexes in its own memory. Private to
 * firmware/virtio. */
#ifndef VFPROBE_VIRTIO_VQ_FORMAT_H
#define VFPROBE_VIRTIO_VQ_FORMAT_H

#include "virtio/virtq.h"

struct vq_format_ops {
	const char *size_rule; /* what size_ok demands, in words */
	bool (*size_ok)(uint16_t n);
	size_t (*ring_bytes)(uint16_t n);
	size_t (*shadow_bytes)(uint16_t n);
	/* Point the format's state into `mem` and `shadow` (vq->size is set)
	 * and give the areas' offsets from `mem`. */
	void (*layout)(struct virtq *vq, void *mem, void *shadow, struct vq_areas *offsets);
	/* Zero the ring, rebuild the free list, set the format's flags. */
	void (*reset)(struct virtq *vq);
	/* Write a chain of n_out + n_in (>= 1, <= vq->num_free) descriptors,
	 * not yet visible to the device; return the id the device will
	 * return for it. */
	uint16_t (*add)(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in);
	/* The same chain written into `table` (the format's descriptor
	 * layout), one ring descriptor with F_INDIRECT pointing at it. */
	uint16_t (*add_indirect)(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in,
	                         void *table, uint64_t table_bus);
	/* Make every chain added so far visible; false when there was none. */
	bool (*publish)(struct virtq *vq);
	/* After publish: does the device want an available buffer
	 * notification? */
	bool (*notify_wanted)(struct virtq *vq);
	/* The next used element, read with the format's barriers: 1 with
	 * *id and *len (not yet checked), 0 if none, -1 when vq_check_used_count
	 * refused what the device published. */
	int (*next_used)(struct virtq *vq, uint32_t *id, uint32_t *len);
	/* Take back the descriptors of id (checked and in flight) and move
	 * past its used element. */
	void (*release)(struct virtq *vq, uint16_t id);
	uint16_t (*used_pending)(const struct virtq *vq);
	/* The format's indexes and device-written fields, for vq_dump. */
	int (*dump)(const struct virtq *vq, char *buf, size_t n);
};

/* Flags of element k of a chain of n with n_out readable ones first
 * (virtio v1.3 §2.7.4.2 / §2.8 Scatter-Gather Support: writable after
 * readable; F_NEXT on all but the last). Same bits in both formats. */
static inline uint16_t vq_chain_flags(unsigned k, unsigned n_out, unsigned n)
{
	return (uint16_t)((k >= n_out ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
}

extern const struct vq_format_ops vq_split_ops;
extern const struct vq_format_ops vq_packed_ops;

/* --- vq_check.c: what the device returns, checked once for every format */
/* The device says `used` elements are ready: no more than are in flight.
 * 0, or -1 with the sticky error set. */
int vq_check_used_count(struct virtq *vq, uint32_t used);
/* A used element: id in range and in flight, len within the writable
 * length posted. Its slot, or NULL with the sticky error set. */
struct vq_slot *vq_check_used_elem(struct virtq *vq, uint32_t id, uint32_t len);
/* The same with vq->unchecked: only the id's range, so that a bad id
 * cannot index past the shadow slots. */
struct vq_slot *vq_unchecked_used_elem(struct virtq *vq, uint32_t id);
/* Packed: the device's event suppression structure (flags as read, then
 * off_wrap): flags not reserved, DESC only with EVENT_IDX, the offset
 * inside the ring. 0, or -1 with the sticky error set. */
int vq_check_device_event(struct virtq *vq, uint16_t flags, uint16_t off_wrap);
/* Set the sticky error; returns -1. */
int vq_check_fail(struct virtq *vq, enum vq_error e, uint32_t got, uint32_t want);

#endif
