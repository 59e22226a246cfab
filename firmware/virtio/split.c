/* firmware/virtio/split.c: the split ring format (virtio v1.3 §2.7 Split
 * Virtqueues), driver side, polled: descriptor table, available ring, used
 * ring, and the barriers between them. The queue layer (virtq.c) keeps the
 * bookkeeping by id and checks what the device returns (vq_check.c).
 *
 * Indexes are free-running uint16_t, masked only at array access
 * (virtio v1.3 §2.7.13.3 Updating idx: idx "wraps naturally at 65536"). */
#include <stdio.h>
#include <string.h>

#include "boot/io.h"
#include "virtio/vq_format.h"

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t used_offset(uint16_t n)
{
	/* avail carries used_event after its ring: 6 + 2n bytes. */
	return align_up(virtq_desc_bytes(n) + virtq_avail_bytes(n), 64);
}

static bool split_size_ok(uint16_t n)
{
	/* virtio v1.3 §2.7 Split Virtqueues: a power of 2, at most 32768. */
	return (n & (n - 1)) == 0 && n <= VIRTQ_SPLIT_MAX_SIZE;
}

static size_t split_ring_bytes(uint16_t n)
{
	return used_offset(n) + virtq_used_bytes(n);
}

static size_t split_shadow_bytes(uint16_t n)
{
	return (size_t)n * 2 * sizeof(uint16_t);
}

static void split_layout(struct virtq *vq, void *mem, void *shadow, struct vq_areas *off)
{
	struct vq_split *s = &vq->split;
	uint16_t n = vq->size;
	*off = (struct vq_areas){0, virtq_desc_bytes(n), used_offset(n)};
	s->desc = mem;
	s->avail = (struct virtq_avail *)((uint8_t *)mem + off->driver);
	s->used = (struct virtq_used *)((uint8_t *)mem + off->device);
	s->next_free = shadow;
	s->chain_last = s->next_free + n;
}

static void split_reset(struct virtq *vq)
{
	struct vq_split *s = &vq->split;
	uint16_t n = vq->size;
	memset(s->desc, 0, virtq_desc_bytes(n));
	memset(s->avail, 0, virtq_avail_bytes(n));
	memset(s->used, 0, virtq_used_bytes(n));
	for (uint16_t i = 0; i < n; i++)
		s->next_free[i] = (uint16_t)((i + 1) & vq->mask);
	s->free_head = 0;
	s->avail_shadow = s->avail_pub = s->avail_prev = s->last_used = 0;
	/* Polled driver: ask the device not to interrupt (virtio v1.3 §2.7.7.1
	 * Driver Requirements: Used Buffer Notification Suppression). With
	 * EVENT_IDX flags MUST be 0 and used_event does it: one behind
	 * last_used, 65535 entries away. */
	if (vq->event_idx) {
		s->avail->flags = 0;
		*virtq_used_event(s->avail, vq->size) = (uint16_t)(s->last_used - 1);
	} else {
		s->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	}
}

static uint16_t split_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in)
{
	struct vq_split *s = &vq->split;
	unsigned n = n_out + n_in;
	uint16_t head = s->free_head, i = head, last = head;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &s->desc[i];
		d->addr = sg[k].addr;
		d->len = sg[k].len;
		uint16_t flags = k >= n_out ? VIRTQ_DESC_F_WRITE : 0;
		last = i;
		if (k + 1 < n) {
			flags |= VIRTQ_DESC_F_NEXT;
			d->next = s->next_free[i];
		}
		d->flags = flags;
		i = s->next_free[i];
	}
	s->free_head = i;
	s->chain_last[head] = last;
	/* The ring entry is not visible to the device until avail->idx moves
	 * (split_publish), so no barrier here. */
	s->avail->ring[s->avail_shadow & vq->mask] = head;
	s->avail_shadow++;
	return head;
}

static uint16_t split_add_indirect(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in,
                                   void *table, uint64_t table_bus)
{
	struct vq_split *s = &vq->split;
	unsigned n = n_out + n_in;
	struct virtq_desc *t = table;
	/* virtio v1.3 §2.7.5.3 Indirect Descriptors: the table is chained by
	 * F_NEXT and next inside itself; no entry has F_INDIRECT. */
	for (unsigned k = 0; k < n; k++)
		t[k] = (struct virtq_desc){sg[k].addr, sg[k].len, vq_chain_flags(k, n_out, n),
		                           (uint16_t)(k + 1 < n ? k + 1 : 0)};
	uint16_t head = s->free_head;
	struct virtq_desc *d = &s->desc[head];
	/* §2.7.5.3.1: F_INDIRECT and F_NEXT never together. */
	*d = (struct virtq_desc){table_bus, (uint32_t)(n * sizeof(*t)), VIRTQ_DESC_F_INDIRECT, 0};
	s->free_head = s->next_free[head];
	s->chain_last[head] = head;
	s->avail->ring[s->avail_shadow & vq->mask] = head;
	s->avail_shadow++;
	return head;
}

static bool split_publish(struct virtq *vq)
{
	struct vq_split *s = &vq->split;
	if (s->avail_shadow == s->avail_pub)
		return false;
	/* virtio v1.3 §2.7.13.3.1 Driver Requirements: Updating idx:
	 * descriptors and ring entries before idx. */
	wmb();
	s->avail->idx = s->avail_shadow;
	s->avail_prev = s->avail_pub;
	s->avail_pub = s->avail_shadow;
	return true;
}

static bool split_notify_wanted(struct virtq *vq)
{
	/* virtio v1.3 §2.7.13.4.1 Driver Requirements: Notifying The Device:
	 * the idx store must be visible before we read used->flags, or we may
	 * miss a notification the device needs: a store->load order, which
	 * x86 only keeps with a full fence. */
	mb();
	struct vq_split *s = &vq->split;
	if (!vq->event_idx)
		return !(*(volatile uint16_t *)&s->used->flags & VIRTQ_USED_F_NO_NOTIFY);
	/* virtio v1.3 §2.7.10.1 Driver Requirements: Available Buffer
	 * Notification Suppression: with EVENT_IDX, ignore used->flags and
	 * notify when the entries just published include avail_event. */
	uint16_t event = *virtq_avail_event(s->used, vq->size);
	vq->event_checks++;
	bool want = virtq_need_event(event, s->avail_pub, s->avail_prev);
	vq->event_suppressed += !want;
	return want;
}

static uint16_t split_used_pending(const struct virtq *vq)
{
	return (uint16_t)(*(volatile const uint16_t *)&vq->split.used->idx - vq->split.last_used);
}

static int split_next_used(struct virtq *vq, uint32_t *id, uint32_t *len)
{
	uint16_t pending = split_used_pending(vq);
	if (pending == 0)
		return 0;
	if (vq_check_used_count(vq, pending) != 0)
		return -1;
	/* virtio v1.3 §2.7.14 Receiving Used Buffers From The Device: read
	 * used->idx before the entries it covers. */
	rmb();
	volatile struct virtq_used_elem *e = &vq->split.used->ring[vq->split.last_used & vq->mask];
	*id = e->id;
	*len = e->len;
	return 1;
}

static void split_release(struct virtq *vq, uint16_t id)
{
	struct vq_split *s = &vq->split;
	/* Give the chain back: its internal links are still in next_free. */
	s->next_free[s->chain_last[id]] = s->free_head;
	s->free_head = id;
	s->last_used++;
	if (vq->event_idx)
		*virtq_used_event(s->avail, vq->size) = (uint16_t)(s->last_used - 1);
}

static int split_dump(const struct virtq *vq, char *buf, size_t n)
{
	const struct vq_split *s = &vq->split;
	int a =
	    snprintf(buf, n, "avail shadow %u published %u, last_used %u, used idx %u flags 0x%x",
	             s->avail_shadow, s->avail_pub, s->last_used, *(volatile const uint16_t *)&s->used->idx,
	             *(volatile const uint16_t *)&s->used->flags);
	if (a < 0 || (size_t)a >= n || !vq->event_idx)
		return a;
	int b = snprintf(buf + a, n - (size_t)a, " avail_event %u", *virtq_avail_event(s->used, vq->size));
	return b < 0 ? b : a + b;
}

const struct vq_format_ops vq_split_ops = {
    .size_rule = "a power of 2",
    .size_ok = split_size_ok,
    .ring_bytes = split_ring_bytes,
    .shadow_bytes = split_shadow_bytes,
    .layout = split_layout,
    .reset = split_reset,
    .add = split_add,
    .add_indirect = split_add_indirect,
    .publish = split_publish,
    .notify_wanted = split_notify_wanted,
    .next_used = split_next_used,
    .release = split_release,
    .used_pending = split_used_pending,
    .dump = split_dump,
};
