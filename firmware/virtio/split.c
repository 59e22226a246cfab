/* firmware/virtio/split.c: split virtqueues (virtio v1.3 §2.7 Split
 * Virtqueues), driver side, polled. Pure: no PCI and no timer, so
 * tests/unit runs it against a fake device.
 *
 * Indexes are free-running uint16_t, masked only at array access
 * (virtio v1.3 §2.7.6: idx "wraps naturally at 65536"). */
#include "virtio/virtq.h"

#include <stdio.h>
#include <string.h>

#include "boot/io.h"

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t used_offset(uint16_t n)
{
	/* avail carries used_event after its ring: 6 + 2n bytes. */
	return align_up(virtq_desc_bytes(n) + virtq_avail_bytes(n), 64);
}

size_t vq_ring_bytes(uint16_t n)
{
	return used_offset(n) + virtq_used_bytes(n);
}

size_t vq_shadow_bytes(uint16_t n)
{
	return (size_t)n * (sizeof(struct vq_slot) + sizeof(uint16_t));
}

void vq_reset(struct virtq *vq)
{
	uint16_t n = vq->size;
	memset(vq->desc, 0, virtq_desc_bytes(n));
	memset(vq->avail, 0, virtq_avail_bytes(n));
	memset(vq->used, 0, virtq_used_bytes(n));
	memset(vq->slot, 0, sizeof(struct vq_slot) * n);
	for (uint16_t i = 0; i < n; i++)
		vq->next_free[i] = (uint16_t)((i + 1) & vq->mask);
	vq->free_head = 0;
	vq->num_free = n;
	vq->avail_shadow = vq->avail_pub = vq->last_used = vq->in_flight = 0;
	vq->err = VQ_OK;
	vq->err_got = vq->err_want = 0;
	/* Polled driver: ask the device not to interrupt (virtio v1.3 §2.7.7
	 * Used Buffer Notification Suppression; no EVENT_IDX negotiated). */
	vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}

int vq_layout(struct virtq *vq, uint16_t index, uint16_t n, void *mem, void *shadow)
{
	if (n == 0 || (n & (n - 1)) != 0 || n > VIRTQ_SPLIT_MAX_SIZE || !mem || !shadow ||
	    ((uintptr_t)mem & (VIRTQ_DESC_ALIGN - 1)))
		return -1;
	void (*notify)(void *, uint16_t) = vq->notify;
	void *ctx = vq->notify_ctx;
	memset(vq, 0, sizeof(*vq));
	vq->notify = notify;
	vq->notify_ctx = ctx;
	vq->index = index;
	vq->size = n;
	vq->mask = (uint16_t)(n - 1);
	vq->desc = mem;
	vq->avail = (struct virtq_avail *)((uint8_t *)mem + virtq_desc_bytes(n));
	vq->used = (struct virtq_used *)((uint8_t *)mem + used_offset(n));
	vq->slot = shadow;
	vq->next_free = (uint16_t *)((uint8_t *)shadow + sizeof(struct vq_slot) * n);
	vq_reset(vq);
	return 0;
}

int vq_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *cookie)
{
	unsigned n = n_out + n_in;
	if (n == 0 || n > vq->num_free || vq->err != VQ_OK)
		return -1;
	uint16_t head = vq->free_head, i = head, last = head;
	uint32_t in_len = 0;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];
		d->addr = sg[k].addr;
		d->len = sg[k].len;
		uint16_t flags = k >= n_out ? VIRTQ_DESC_F_WRITE : 0;
		if (k >= n_out)
			in_len += sg[k].len;
		last = i;
		if (k + 1 < n) {
			flags |= VIRTQ_DESC_F_NEXT;
			d->next = vq->next_free[i];
		}
		d->flags = flags;
		i = vq->next_free[i];
	}
	vq->free_head = i;
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->slot[head] =
	    (struct vq_slot){.cookie = cookie, .in_len = in_len, .ndescs = (uint16_t)n, .last = last};
	/* The ring entry is not visible to the device until avail->idx moves
	 * (vq_kick), so no barrier here. */
	vq->avail->ring[vq->avail_shadow & vq->mask] = head;
	vq->avail_shadow++;
	vq->in_flight++;
	return 0;
}

bool vq_kick(struct virtq *vq)
{
	if (vq->avail_shadow == vq->avail_pub)
		return false;
	/* virtio v1.3 §2.7.13.3.1: descriptors and ring entries before idx. */
	wmb();
	vq->avail->idx = vq->avail_shadow;
	vq->avail_pub = vq->avail_shadow;
	vq->kicks++;
	/* virtio v1.3 §2.7.13.4: the idx store must be visible before we read
	 * used->flags, or we may miss a notification the device needs: a
	 * store->load order, which x86 only keeps with a full fence. */
	mb();
	if (*(volatile uint16_t *)&vq->used->flags & VIRTQ_USED_F_NO_NOTIFY)
		return false;
	if (vq->notify)
		vq->notify(vq->notify_ctx, vq->index);
	vq->notifies++;
	return true;
}

uint16_t vq_used_pending(const struct virtq *vq)
{
	return (uint16_t)(*(volatile const uint16_t *)&vq->used->idx - vq->last_used);
}

static int vq_fail(struct virtq *vq, enum vq_error e, uint32_t got, uint32_t want)
{
	vq->err = e;
	vq->err_got = got;
	vq->err_want = want;
	return -1;
}

int vq_poll(struct virtq *vq, void **cookie, uint32_t *len)
{
	if (vq->err != VQ_OK)
		return -1;
	uint16_t pending = vq_used_pending(vq);
	if (pending == 0)
		return 0;
	if (pending > vq->in_flight)
		return vq_fail(vq, VQ_ERR_USED_IDX, pending, vq->in_flight);
	/* virtio v1.3 §2.7.14: read used->idx before the entries it covers. */
	rmb();
	volatile struct virtq_used_elem *e = &vq->used->ring[vq->last_used & vq->mask];
	uint32_t id = e->id, l = e->len;
	if (id >= vq->size)
		return vq_fail(vq, VQ_ERR_USED_ID, id, vq->size);
	struct vq_slot *s = &vq->slot[id];
	if (s->ndescs == 0)
		return vq_fail(vq, VQ_ERR_NOT_FLIGHT, id, 0);
	if (l > s->in_len)
		return vq_fail(vq, VQ_ERR_USED_LEN, l, s->in_len);
	if (cookie)
		*cookie = s->cookie;
	if (len)
		*len = l;
	/* Give the chain back: its internal links are still in next_free. */
	vq->next_free[s->last] = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free = (uint16_t)(vq->num_free + s->ndescs);
	s->ndescs = 0;
	s->cookie = NULL;
	vq->last_used++;
	vq->in_flight--;
	vq->completions++;
	return 1;
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

int vq_dump(const struct virtq *vq, char *buf, size_t n)
{
	return snprintf(buf, n,
	                "vq %u size %u: avail shadow %u published %u, last_used %u, used idx %u flags 0x%x, "
	                "in flight %u, free %u, kicks %llu notifies %llu, error: %s (got %u want %u)",
	                vq->index, vq->size, vq->avail_shadow, vq->avail_pub, vq->last_used,
	                *(volatile const uint16_t *)&vq->used->idx,
	                *(volatile const uint16_t *)&vq->used->flags, vq->in_flight, vq->num_free,
	                (unsigned long long)vq->kicks, (unsigned long long)vq->notifies,
	                vq_error_name(vq->err), vq->err_got, vq->err_want);
}
