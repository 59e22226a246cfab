/* firmware/virtio/split.h: the state of a split virtqueue (virtio v1.3
 * §2.7 Split Virtqueues), one member of struct virtq's format union. Only
 * split.c and tests/unit (the fake device) look inside. */
#ifndef VFPROBE_VIRTIO_SPLIT_H
#define VFPROBE_VIRTIO_SPLIT_H

#include <stdint.h>

#include "virtio/spec_ring.h"

struct vq_split {
	struct virtq_desc *desc;   /* Descriptor Area */
	struct virtq_avail *avail; /* Driver Area */
	struct virtq_used *used;   /* Device Area */
	uint16_t *next_free;       /* [size]: shadow free-list links */
	uint16_t *chain_last;      /* [size]: last descriptor of the chain a head starts */
	uint16_t free_head;
	uint16_t avail_shadow; /* next avail->idx to publish (free-running) */
	uint16_t avail_pub;    /* last value written to avail->idx */
	uint16_t avail_prev;   /* the value before it (EVENT_IDX: what the kick covers) */
	uint16_t last_used;    /* used entries consumed (free-running) */
};

#endif
