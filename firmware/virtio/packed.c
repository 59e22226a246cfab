/* firmware/virtio/packed.c: the packed ring format (virtio v1.3 §2.8
 * Packed Virtqueues), driver side, polled: one descriptor ring both sides
 * write, buffer ids from a private free list, the two wrap counters, and
 * the event suppression structures. The queue layer (virtq.c) keeps the
 * bookkeeping by id and checks what the device returns (vq_check.c).
 *
 * Positions are `idx | wrap << 15` (packed.h). The device completes
 * buffers in any order: it writes one used descriptor per buffer at the
 * next position, and both sides then skip the number of descriptors that
 * buffer took (§2.8.6 Next Flag: Descriptor Chaining). */
#include <stdio.h>
#include <string.h>

#include "boot/io.h"
#include "virtio/vq_format.h"

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t driver_offset(uint16_t n)
{
	return align_up(sizeof(struct virtq_packed_desc) * n, VIRTQ_PACKED_EVENT_ALIGN);
}

static bool packed_size_ok(uint16_t n)
{
	/* virtio v1.3 §2.8 Packed Virtqueues: up to 2^15 entries; the size
	 * need not be a power of 2. */
	return n <= VIRTQ_PACKED_MAX_SIZE;
}

static size_t packed_ring_bytes(uint16_t n)
{
	return driver_offset(n) + 2 * sizeof(struct virtq_packed_event);
}

static size_t packed_shadow_bytes(uint16_t n)
{
	return (size_t)n * sizeof(uint16_t);
}

static void packed_layout(struct virtq *vq, void *mem, void *shadow, struct vq_areas *off)
{
	struct vq_packed *p = &vq->packed;
	size_t drv = driver_offset(vq->size);
	*off = (struct vq_areas){0, drv, drv + sizeof(struct virtq_packed_event)};
	p->desc = mem;
	p->driver = (struct virtq_packed_event *)((uint8_t *)mem + off->driver);
	p->device = (struct virtq_packed_event *)((uint8_t *)mem + off->device);
	p->id_next = shadow;
}

/* Polled: the driver wants no used buffer notifications. With EVENT_IDX
 * the event names the descriptor a whole lap behind the next used one,
 * so a device that honours it could stay silent for a full ring
 * (§2.8.10 Driver and Device Event Suppression). */
static void packed_set_driver_event(struct virtq *vq)
{
	struct vq_packed *p = &vq->packed;
	volatile struct virtq_packed_event *e = p->driver;
	if (!vq->event_idx) {
		e->flags = VRING_PACKED_EVENT_FLAG_DISABLE;
		return;
	}
	uint16_t behind = vq_ow_advance(p->used_ow, (uint16_t)(vq->size - 1), vq->size);
	e->off_wrap = behind;
	wmb();
	e->flags = VRING_PACKED_EVENT_FLAG_DESC;
}

static void packed_reset(struct virtq *vq)
{
	struct vq_packed *p = &vq->packed;
	uint16_t n = vq->size;
	memset(p->desc, 0, sizeof(struct virtq_packed_desc) * n);
	memset(p->driver, 0, sizeof(*p->driver));
	memset(p->device, 0, sizeof(*p->device));
	for (uint16_t i = 0; i < n; i++)
		p->id_next[i] = (uint16_t)(i + 1);
	p->id_free = 0;
	/* §2.8.1 Driver and Device Ring Wrap Counters: both start at 1. */
	p->avail_ow = p->pub_ow = p->used_ow = VQ_OW_WRAP;
	p->added = p->batch = 0;
	p->pending = false;
	p->used_len_without_write = 0;
	packed_set_driver_event(vq);
}

/* §2.8.1: available means F_AVAIL equal to the driver's wrap counter and
 * F_USED its inverse. */
static uint16_t avail_bits(uint16_t ow)
{
	return vq_ow_wrap(ow) ? VIRTQ_PACKED_F_AVAIL : VIRTQ_PACKED_F_USED;
}

static uint16_t take_id(struct vq_packed *p)
{
	uint16_t id = p->id_free;
	p->id_free = p->id_next[id];
	return id;
}

/* Write one descriptor at avail_ow; the first head of a batch keeps its
 * flags back until publish. */
static void put_desc(struct virtq *vq, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags, bool head)
{
	struct vq_packed *p = &vq->packed;
	uint16_t pos = vq_ow_idx(p->avail_ow);
	volatile struct virtq_packed_desc *d = &p->desc[pos];
	d->addr = addr;
	d->len = len;
	d->id = id;
	flags |= avail_bits(p->avail_ow);
	if (head && !p->pending) {
		p->pending = true;
		p->head_pos = pos;
		p->head_flags = flags;
	} else {
		/* A later head is not read before the held-back first one. */
		d->flags = flags;
	}
	p->avail_ow = vq_ow_advance(p->avail_ow, 1, vq->size);
	p->added++;
}

static uint16_t packed_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in)
{
	struct vq_packed *p = &vq->packed;
	unsigned n = n_out + n_in;
	uint16_t id = take_id(p);
	/* §2.8.6 Next Flag: Descriptor Chaining: F_NEXT on all but the last;
	 * the buffer id belongs in the last (we write it in every one). */
	for (unsigned k = 0; k < n; k++)
		put_desc(vq, sg[k].addr, sg[k].len, id, vq_chain_flags(k, n_out, n), k == 0);
	return id;
}

static uint16_t packed_add_indirect(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in,
                                    void *table, uint64_t table_bus)
{
	struct vq_packed *p = &vq->packed;
	unsigned n = n_out + n_in;
	struct virtq_packed_desc *t = table;
	/* §2.8.7 Indirect Flag: Scatter-Gather Support: entries follow one
	 * another; F_WRITE is their only valid flag; their id is ignored. */
	for (unsigned k = 0; k < n; k++)
		t[k] = (struct virtq_packed_desc){.addr = sg[k].addr,
		                                  .len = sg[k].len,
		                                  .id = 0,
		                                  .flags = k >= n_out ? VIRTQ_DESC_F_WRITE : 0};
	uint16_t id = take_id(p);
	put_desc(vq, table_bus, (uint32_t)(n * sizeof(*t)), id, VIRTQ_DESC_F_INDIRECT, true);
	return id;
}

static bool packed_publish(struct virtq *vq)
{
	struct vq_packed *p = &vq->packed;
	if (!p->pending)
		return false;
	/* §2.8.6 Next Flag: Descriptor Chaining: the first descriptor is made
	 * available after the rest of the list (and of the batch). */
	wmb();
	((volatile struct virtq_packed_desc *)p->desc)[p->head_pos].flags = p->head_flags;
	p->pending = false;
	p->batch = p->added;
	p->added = 0;
	p->pub_ow = p->avail_ow;
	return true;
}

static bool packed_notify_wanted(struct virtq *vq)
{
	struct vq_packed *p = &vq->packed;
	volatile struct virtq_packed_event *e = p->device;
	/* The head's flags must be visible before the device's event
	 * structure is read: a store->load order (as split_notify_wanted). */
	mb();
	uint16_t flags = e->flags;
	rmb();
	uint16_t off_wrap = e->off_wrap;
	int r = vq_check_device_event(vq, flags, off_wrap);
	if (r < 0)
		return true; /* the queue is broken; a doorbell more harms nothing */
	if (flags == VRING_PACKED_EVENT_FLAG_ENABLE)
		return true;
	if (flags == VRING_PACKED_EVENT_FLAG_DISABLE)
		return false;
	/* VRING_PACKED_EVENT_FLAG_DESC: notify when this batch made the
	 * descriptor at off_wrap available. An event of the other lap is
	 * counted from the previous lap (one ring back). */
	uint16_t new_idx = vq_ow_idx(p->pub_ow);
	uint16_t old = (uint16_t)(new_idx - p->batch);
	uint16_t event = vq_ow_idx(off_wrap);
	if (vq_ow_wrap(off_wrap) != vq_ow_wrap(p->pub_ow))
		event = (uint16_t)(event - vq->size);
	vq->event_checks++;
	bool want = virtq_need_event(event, new_idx, old);
	vq->event_suppressed += !want;
	return want;
}

static int packed_next_used(struct virtq *vq, uint32_t *id, uint32_t *len)
{
	struct vq_packed *p = &vq->packed;
	volatile struct virtq_packed_desc *d = &p->desc[vq_ow_idx(p->used_ow)];
	uint16_t flags = d->flags;
	bool w = vq_ow_wrap(p->used_ow);
	bool a = (flags & VIRTQ_PACKED_F_AVAIL) != 0, u = (flags & VIRTQ_PACKED_F_USED) != 0;
	uint16_t published = vq_ow_distance(p->used_ow, p->pub_ow, vq->size);
	uint16_t want_used = w ? (uint16_t)(VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED) : 0;
	if (published == 0) {
		/* Nothing made available lies here: a used descriptor of this
		 * lap cannot be. */
		if (a == w && u == w)
			return vq_check_used_count(vq, vq->in_flight + 1u);
		return 0;
	}
	/* §2.8.1 Driver and Device Ring Wrap Counters: our available
	 * descriptor (F_AVAIL = w, F_USED = !w) or the device's used one
	 * (both = w); any other pair here is neither. */
	if (a == w && u != w)
		return 0;
	if (a != w || u != w)
		return vq_check_fail(vq, VQ_ERR_USED_FLAGS,
		                     flags & (VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED), want_used);
	if (vq_check_used_count(vq, 1) != 0)
		return -1;
	/* virtio v1.3 §2.8 Packed Virtqueues, Receiving Used Buffers From
	 * The Device: flags, then a read barrier, then id and len. */
	rmb();
	*id = d->id;
	*len = d->len;
	/* §2.8.4 Element Address and Length: len is reserved unless the
	 * device set F_WRITE in the used descriptor, and drivers ignore it:
	 * for a buffer with nothing device-writable it means nothing. For
	 * one with writable parts the device wrote without saying so (the
	 * id is checked after this; an unknown one keeps its len). */
	if (*len && !(flags & VIRTQ_DESC_F_WRITE)) {
		if (*id < vq->size && vq->slot[*id].ndescs && vq->slot[*id].in_len == 0)
			*len = 0;
		else
			p->used_len_without_write++;
	}
	return 1;
}

static void packed_release(struct virtq *vq, uint16_t id)
{
	struct vq_packed *p = &vq->packed;
	/* §2.8.2 Polling of available and used descriptors: skip the
	 * descriptors the buffer took (the queue still holds ndescs). */
	p->used_ow = vq_ow_advance(p->used_ow, vq->slot[id].ndescs, vq->size);
	p->id_next[id] = p->id_free;
	p->id_free = id;
	if (vq->event_idx)
		packed_set_driver_event(vq);
}

static uint16_t packed_used_pending(const struct virtq *vq)
{
	/* Raw: used descriptors in a row from used_ow, skipping by the
	 * ndescs of ids in flight; stops at anything else. */
	const struct vq_packed *p = &vq->packed;
	uint16_t ow = p->used_ow, n = 0;
	for (uint16_t seen = 0; seen < vq->in_flight; seen++) {
		const volatile struct virtq_packed_desc *d = &p->desc[vq_ow_idx(ow)];
		uint16_t f = d->flags, id = d->id;
		uint16_t want = vq_ow_wrap(ow) ? (uint16_t)(VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED) : 0;
		if ((f & (VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED)) != want || id >= vq->size ||
		    vq->slot[id].ndescs == 0)
			break;
		n++;
		ow = vq_ow_advance(ow, vq->slot[id].ndescs, vq->size);
	}
	return n;
}

static int packed_dump(const struct virtq *vq, char *buf, size_t n)
{
	const struct vq_packed *p = &vq->packed;
	const volatile struct virtq_packed_desc *d = &p->desc[vq_ow_idx(p->used_ow)];
	const volatile struct virtq_packed_event *e = p->device;
	return snprintf(
	    buf, n,
	    "avail %u wrap %u published %u, used %u wrap %u (flags 0x%x id %u), device event flags "
	    "0x%x off_wrap 0x%x",
	    vq_ow_idx(p->avail_ow), vq_ow_wrap(p->avail_ow), vq_ow_idx(p->pub_ow), vq_ow_idx(p->used_ow),
	    vq_ow_wrap(p->used_ow), d->flags, d->id, e->flags, e->off_wrap);
}

const struct vq_format_ops vq_packed_ops = {
    .size_rule = "at most 32768",
    .size_ok = packed_size_ok,
    .ring_bytes = packed_ring_bytes,
    .shadow_bytes = packed_shadow_bytes,
    .layout = packed_layout,
    .reset = packed_reset,
    .add = packed_add,
    .add_indirect = packed_add_indirect,
    .publish = packed_publish,
    .notify_wanted = packed_notify_wanted,
    .next_used = packed_next_used,
    .release = packed_release,
    .used_pending = packed_used_pending,
    .dump = packed_dump,
};
