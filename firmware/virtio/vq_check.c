/* firmware/virtio/vq_check.c: device-written values are hostile input.
 * Every used element is checked against the queue's private shadow state
 * before it is used; a violation is sticky and names the field. */
#include "virtio/vq_format.h"

int vq_check_fail(struct virtq *vq, enum vq_error e, uint32_t got, uint32_t want)
{
	vq->err = e;
	vq->err_got = got;
	vq->err_want = want;
	return -1;
}

int vq_check_used_count(struct virtq *vq, uint32_t used)
{
	if (used > vq->in_flight)
		return vq_check_fail(vq, VQ_ERR_USED_IDX, used, vq->in_flight);
	return 0;
}

struct vq_slot *vq_check_used_elem(struct virtq *vq, uint32_t id, uint32_t len)
{
	/* virtio v1.3 §2.7.8 The Virtqueue Used Ring: id is the head of a
	 * chain the driver made available. */
	if (id >= vq->size) {
		vq_check_fail(vq, VQ_ERR_USED_ID, id, vq->size);
		return NULL;
	}
	struct vq_slot *s = &vq->slot[id];
	if (s->ndescs == 0) {
		vq_check_fail(vq, VQ_ERR_NOT_FLIGHT, id, 0);
		return NULL;
	}
	/* virtio v1.3 §2.7.8.2 Device Requirements: The Virtqueue Used Ring:
	 * len bytes were written into the device-writable part. */
	if (len > s->in_len) {
		vq_check_fail(vq, VQ_ERR_USED_LEN, len, s->in_len);
		return NULL;
	}
	return s;
}

struct vq_slot *vq_unchecked_used_elem(struct virtq *vq, uint32_t id)
{
	if (id >= vq->size) {
		vq_check_fail(vq, VQ_ERR_USED_ID, id, vq->size);
		return NULL;
	}
	return &vq->slot[id];
}

int vq_check_device_event(struct virtq *vq, uint16_t flags, uint16_t off_wrap)
{
	/* virtio v1.3 §2.8 Packed Virtqueues, Event Suppression Structure
	 * Format: desc_event_flags is 2 bits, the other 14 are reserved
	 * (0); value 0x3 is reserved; RING_EVENT_FLAGS_DESC is only valid
	 * with VIRTIO_F_EVENT_IDX; desc_event_off is an offset in the ring. */
	if ((flags & ~VRING_PACKED_EVENT_FLAGS_MASK) != 0 || flags == VRING_PACKED_EVENT_FLAG_RESERVED ||
	    (flags == VRING_PACKED_EVENT_FLAG_DESC && !vq->event_idx))
		return vq_check_fail(vq, VQ_ERR_EVENT, flags,
		                     vq->event_idx ? VRING_PACKED_EVENT_FLAG_DESC
		                                   : VRING_PACKED_EVENT_FLAG_DISABLE);
	if (flags == VRING_PACKED_EVENT_FLAG_DESC && vq_ow_idx(off_wrap) >= vq->size)
		return vq_check_fail(vq, VQ_ERR_EVENT, vq_ow_idx(off_wrap), vq->size);
	return 0;
}

const char *vq_error_name(enum vq_error e)
{
	switch (e) {
	case VQ_OK:
		return "ok";
	case VQ_ERR_USED_IDX:
		return "used->idx advanced past the buffers in flight";
	case VQ_ERR_USED_ID:
		return "used->ring[].id out of range";
	case VQ_ERR_NOT_FLIGHT:
		return "used->ring[].id names a head not in flight";
	case VQ_ERR_USED_LEN:
		return "used->ring[].len larger than the writable buffer";
	case VQ_ERR_USED_FLAGS:
		return "used descriptor F_AVAIL/F_USED inconsistent with the wrap counter";
	case VQ_ERR_EVENT:
		return "device event suppression flags or offset invalid";
	}
	return "?";
}
