/* firmware/virtio/virtq.c: the format-independent queue. Bookkeeping by
 * id (cookie, writable length, descriptor count), statistics, and the
 * order of every operation; the format behind vq->ops touches the ring. */
#include "virtio/virtq.h"

#include <stdio.h>
#include <string.h>

#include "virtio/vq_format.h"

static const struct vq_format_ops *const vq_formats[VQ_FORMAT_COUNT] = {
    [VQ_FORMAT_SPLIT] = &vq_split_ops,
    [VQ_FORMAT_PACKED] = &vq_packed_ops,
};

static const struct vq_format_ops *format_ops(enum vq_format f)
{
	return (unsigned)f < VQ_FORMAT_COUNT ? vq_formats[f] : NULL;
}

bool vq_size_ok(enum vq_format f, uint16_t n)
{
	const struct vq_format_ops *ops = format_ops(f);
	return ops && n != 0 && ops->size_ok(n);
}

const char *vq_size_rule(enum vq_format f)
{
	const struct vq_format_ops *ops = format_ops(f);
	return ops ? ops->size_rule : "a known ring format";
}

size_t vq_ring_bytes(enum vq_format f, uint16_t n)
{
	const struct vq_format_ops *ops = format_ops(f);
	return ops ? ops->ring_bytes(n) : 0;
}

size_t vq_shadow_bytes(enum vq_format f, uint16_t n)
{
	const struct vq_format_ops *ops = format_ops(f);
	return ops ? (size_t)n * sizeof(struct vq_slot) + ops->shadow_bytes(n) : 0;
}

void vq_reset(struct virtq *vq)
{
	memset(vq->slot, 0, sizeof(struct vq_slot) * vq->size);
	vq->num_free = vq->size;
	vq->in_flight = 0;
	vq->err = VQ_OK;
	vq->err_got = vq->err_want = 0;
	vq->ops->reset(vq);
}

void vq_set_event_idx(struct virtq *vq, bool on)
{
	vq->event_idx = on;
	vq_reset(vq);
}

int vq_layout(struct virtq *vq, enum vq_format f, uint16_t index, uint16_t n, void *mem, uint64_t mem_bus,
              void *shadow)
{
	const struct vq_format_ops *ops = format_ops(f);
	if (!vq_size_ok(f, n) || !mem || !shadow || ((uintptr_t)mem & (VIRTQ_DESC_ALIGN - 1)))
		return -1;
	void (*notify)(void *, uint16_t) = vq->notify;
	void *ctx = vq->notify_ctx;
	memset(vq, 0, sizeof(*vq));
	vq->notify = notify;
	vq->notify_ctx = ctx;
	vq->ops = ops;
	vq->format = f;
	vq->index = index;
	vq->size = n;
	vq->mask = (uint16_t)(n - 1);
	vq->slot = shadow;
	struct vq_areas off;
	ops->layout(vq, mem, (uint8_t *)shadow + sizeof(struct vq_slot) * n, &off);
	vq->bus = (struct vq_areas){mem_bus + off.desc, mem_bus + off.driver, mem_bus + off.device};
	vq_reset(vq);
	return 0;
}

static uint32_t writable_len(const struct vq_sg *sg, unsigned n_out, unsigned n_in)
{
	uint32_t in_len = 0;
	for (unsigned k = n_out; k < n_out + n_in; k++)
		in_len += sg[k].len;
	return in_len;
}

static void track(struct virtq *vq, uint16_t id, uint32_t in_len, uint16_t ndescs, void *cookie)
{
	vq->slot[id] = (struct vq_slot){.cookie = cookie, .in_len = in_len, .ndescs = ndescs};
	vq->num_free = (uint16_t)(vq->num_free - ndescs);
	vq->in_flight++;
}

int vq_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *cookie)
{
	unsigned n = n_out + n_in;
	if (n == 0 || n > vq->num_free || vq->err != VQ_OK)
		return -1;
	uint16_t id = vq->ops->add(vq, sg, n_out, n_in);
	track(vq, id, writable_len(sg, n_out, n_in), (uint16_t)n, cookie);
	return 0;
}

int vq_add_indirect(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *table,
                    uint64_t table_bus, void *cookie)
{
	unsigned n = n_out + n_in;
	/* virtio v1.3 §2.7.5.3.1 Driver Requirements: Indirect Descriptors:
	 * a table of at most Queue Size entries. */
	if (n == 0 || n > vq->size || vq->num_free == 0 || !table || vq->err != VQ_OK)
		return -1;
	uint16_t id = vq->ops->add_indirect(vq, sg, n_out, n_in, table, table_bus);
	track(vq, id, writable_len(sg, n_out, n_in), 1, cookie);
	vq->indirect++;
	return 0;
}

bool vq_kick(struct virtq *vq)
{
	if (!vq->ops->publish(vq))
		return false;
	vq->kicks++;
	if (!vq->ops->notify_wanted(vq))
		return false;
	if (vq->notify)
		vq->notify(vq->notify_ctx, vq->index);
	vq->notifies++;
	return true;
}

uint16_t vq_used_pending(const struct virtq *vq)
{
	return vq->ops->used_pending(vq);
}

int vq_poll(struct virtq *vq, void **cookie, uint32_t *len)
{
	if (vq->err != VQ_OK)
		return -1;
	uint32_t id, l;
	int r = vq->ops->next_used(vq, &id, &l);
	if (r <= 0)
		return r;
	struct vq_slot *s = vq->unchecked ? vq_unchecked_used_elem(vq, id) : vq_check_used_elem(vq, id, l);
	if (!s)
		return -1;
	if (cookie)
		*cookie = s->cookie;
	if (len)
		*len = l;
	vq->ops->release(vq, (uint16_t)id);
	vq->num_free = (uint16_t)(vq->num_free + s->ndescs);
	s->ndescs = 0;
	s->cookie = NULL;
	vq->in_flight--;
	vq->completions++;
	return 1;
}

int vq_dump(const struct virtq *vq, char *buf, size_t n)
{
	int a = snprintf(buf, n, "vq %u size %u: ", vq->index, vq->size);
	if (a < 0 || (size_t)a >= n)
		return a;
	int b = vq->ops->dump(vq, buf + a, n - (size_t)a);
	if (b < 0 || (size_t)(a + b) >= n)
		return b < 0 ? b : a + b;
	int c = snprintf(buf + a + b, n - (size_t)(a + b),
	                 ", in flight %u, free %u, kicks %llu notifies %llu, error: %s (got %u want %u)",
	                 vq->in_flight, vq->num_free, (unsigned long long)vq->kicks,
	                 (unsigned long long)vq->notifies, vq_error_name(vq->err), vq->err_got, vq->err_want);
	return c < 0 ? c : a + b + c;
}

void vq_avail_event(const struct virtq *vq, unsigned *event, unsigned *next)
{
	if (vq->format == VQ_FORMAT_PACKED) {
		*event = ((const volatile struct virtq_packed_event *)vq->packed.device)->off_wrap;
		*next = vq->packed.pub_ow;
	} else {
		*event = *virtq_avail_event(vq->split.used, vq->size);
		*next = vq->split.avail_pub;
	}
}

bool vq_event_behind(const struct virtq *vq)
{
	if (!vq->event_idx || vq->size == 0 || vq->in_flight < vq->size)
		return false;
	if (vq->format == VQ_FORMAT_PACKED &&
	    ((const volatile struct virtq_packed_event *)vq->packed.device)->flags !=
	        VRING_PACKED_EVENT_FLAG_DESC)
		return false;
	unsigned event, next;
	vq_avail_event(vq, &event, &next);
	return event != next;
}
