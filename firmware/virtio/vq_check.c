/* firmware/virtio/vq_check.c: device-written values are hostile input.
 * Every used element is checked against the queue's private shadow state
 * before it is used; a violation is sticky and names the field. */
#include "virtio/vq_format.h"

static int vq_fail(struct virtq *vq, enum vq_error e, uint32_t got, uint32_t want)
{
	vq->err = e;
	vq->err_got = got;
	vq->err_want = want;
	return -1;
}

int vq_check_used_count(struct virtq *vq, uint32_t used)
{
	if (used > vq->in_flight)
		return vq_fail(vq, VQ_ERR_USED_IDX, used, vq->in_flight);
	return 0;
}

struct vq_slot *vq_check_used_elem(struct virtq *vq, uint32_t id, uint32_t len)
{
	/* virtio v1.3 §2.7.8 The Virtqueue Used Ring: id is the head of a
	 * chain the driver made available. */
	if (id >= vq->size) {
		vq_fail(vq, VQ_ERR_USED_ID, id, vq->size);
		return NULL;
	}
	struct vq_slot *s = &vq->slot[id];
	if (s->ndescs == 0) {
		vq_fail(vq, VQ_ERR_NOT_FLIGHT, id, 0);
		return NULL;
	}
	/* virtio v1.3 §2.7.8.2 Device Requirements: The Virtqueue Used Ring:
	 * len bytes were written into the device-writable part. */
	if (len > s->in_len) {
		vq_fail(vq, VQ_ERR_USED_LEN, len, s->in_len);
		return NULL;
	}
	return s;
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
	}
	return "?";
}
