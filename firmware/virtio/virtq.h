/* firmware/virtio/virtq.h: the one virtqueue API (split rings today).
 *
 *   vq_add(vq, sg, n_out, n_in, cookie)  post a chain, not yet visible
 *   vq_kick(vq)                          publish avail->idx, notify if wanted
 *   vq_poll(vq, &cookie, &len)           take one used element, validated
 *
 * Pure: no PCI, no timer. The transport gives the ring its memory (bus
 * addresses are computed by the caller of vq_layout) and a notify callback.
 * Device-written fields (used->idx, used->ring[].id/len, used->flags) are
 * hostile input: vq_poll checks them against private shadow state and turns
 * a violation into a sticky error (vq->err) naming queue and field. */
#ifndef VFPROBE_VIRTIO_VIRTQ_H
#define VFPROBE_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/spec_ring.h"

struct vq_sg {
	uint64_t addr; /* bus address (dma_addr()) */
	uint32_t len;
};

/* Per-head shadow state (never read back from device-visible memory). */
struct vq_slot {
	void *cookie;
	uint32_t in_len; /* total device-writable length posted */
	uint16_t ndescs; /* 0: not in flight */
	uint16_t last;   /* last descriptor of the chain (to splice the free list) */
};

enum vq_error {
	VQ_OK = 0,
	VQ_ERR_USED_IDX,   /* used->idx moved by more than is in flight */
	VQ_ERR_USED_ID,    /* used id out of range */
	VQ_ERR_NOT_FLIGHT, /* used id names a head not in flight */
	VQ_ERR_USED_LEN,   /* used len larger than the writable buffer */
};

struct virtq {
	uint16_t index, size, mask;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	struct vq_slot *slot; /* [size] */
	uint16_t *next_free;  /* [size]: shadow free-list links */
	uint16_t free_head, num_free;
	uint16_t avail_shadow; /* next avail->idx to publish (free-running) */
	uint16_t avail_pub;    /* last value written to avail->idx */
	uint16_t last_used;    /* used entries consumed (free-running) */
	uint16_t in_flight;    /* heads posted and not yet returned */
	/* Notification: the transport's doorbell. */
	void (*notify)(void *ctx, uint16_t index);
	void *notify_ctx;
	/* Statistics and the sticky error. */
	uint64_t kicks, notifies, completions;
	enum vq_error err;
	uint32_t err_got, err_want;
};

/* Bytes of ring memory (desc + avail + used, with alignment) for n entries. */
size_t vq_ring_bytes(uint16_t n);
/* Lay out the ring in `mem` (zeroed, 16-byte aligned, vq_ring_bytes(n)) and
 * the shadow arrays in `shadow` (vq_shadow_bytes(n)); n != 0, power of 2. */
size_t vq_shadow_bytes(uint16_t n);
int vq_layout(struct virtq *vq, uint16_t index, uint16_t n, void *mem, void *shadow);
/* Forget everything in flight and start over (after a device reset). */
void vq_reset(struct virtq *vq);

/* Post a chain of n_out device-readable then n_in device-writable buffers.
 * 0, or -1 when fewer than n_out+n_in descriptors are free or n is 0. */
int vq_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *cookie);
/* Publish what vq_add posted and notify unless the device said
 * VIRTQ_USED_F_NO_NOTIFY. Returns true when it notified. */
bool vq_kick(struct virtq *vq);
/* 1 with *cookie and *len of the next used element, 0 if none, -1 when the
 * device broke a rule (see vq->err; the queue stays broken). */
int vq_poll(struct virtq *vq, void **cookie, uint32_t *len);
/* Used entries the device has published and we have not consumed (the
 * raw, unvalidated difference). */
uint16_t vq_used_pending(const struct virtq *vq);

const char *vq_error_name(enum vq_error e);
/* One line: index, size, avail shadow/published, last_used, used idx/flags,
 * in flight, free, error. */
int vq_dump(const struct virtq *vq, char *buf, size_t n);

static inline unsigned vq_num_free(const struct virtq *vq)
{
	return vq->num_free;
}
static inline unsigned vq_in_flight(const struct virtq *vq)
{
	return vq->in_flight;
}

#endif
