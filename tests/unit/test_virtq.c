/* tests/unit/test_virtq.c: the queue layer (firmware/virtio/virtq.c,
 * vq_check.c) in the split format (split.c) against a fake device that
 * reads avail and writes used, including a hostile device whose used
 * elements break the rules. */
#include <stdlib.h>
#include <string.h>

#include "lib/tap.h"
#include "virtio/virtq.h"

static unsigned notified;
static void fake_notify(void *ctx, uint16_t index)
{
	(void)ctx;
	(void)index;
	notified++;
}

struct fake {
	struct virtq vq;
	void *ring, *shadow;
	uint16_t dev_avail; /* next avail entry the device will take */
	uint16_t dev_used;  /* device's used->idx */
};

static void fake_init(struct fake *f, uint16_t n)
{
	memset(f, 0, sizeof(*f));
	size_t bytes = vq_ring_bytes(VQ_FORMAT_SPLIT, n);
	f->ring = aligned_alloc(4096, (bytes + 4095) & ~4095ul);
	memset(f->ring, 0, bytes);
	f->shadow = malloc(vq_shadow_bytes(VQ_FORMAT_SPLIT, n));
	f->vq.notify = fake_notify;
	vq_layout(&f->vq, VQ_FORMAT_SPLIT, 0, n, f->ring, (uintptr_t)f->ring, f->shadow);
}

static void fake_free(struct fake *f)
{
	free(f->ring);
	free(f->shadow);
}

/* The device completes the next available chain, writing `len`. Returns
 * the head it used, after checking the chain it walked. */
static int fake_complete(struct fake *f, int32_t len)
{
	struct virtq *vq = &f->vq;
	struct vq_split *sp = &vq->split;
	if (f->dev_avail == sp->avail->idx)
		return -1;
	uint16_t head = sp->avail->ring[f->dev_avail & vq->mask];
	f->dev_avail++;
	uint32_t writable = 0;
	uint16_t i = head;
	for (unsigned k = 0; k < vq->size; k++) {
		if (sp->desc[i].flags & VIRTQ_DESC_F_WRITE)
			writable += sp->desc[i].len;
		if (!(sp->desc[i].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = sp->desc[i].next;
	}
	sp->used->ring[f->dev_used & vq->mask] =
	    (struct virtq_used_elem){head, len < 0 ? writable : (uint32_t)len};
	f->dev_used++;
	sp->used->idx = f->dev_used;
	return head;
}

static void test_layout(void)
{
	struct virtq vq;
	char mem[4096] __attribute__((aligned(64)));
	char sh[1024];
	const uint64_t bus = 0x12340000;
	memset(&vq, 0, sizeof(vq));
	tap_check_eq(vq_layout(&vq, VQ_FORMAT_SPLIT, 0, 0, mem, bus, sh) == 0, 0,
	             "virtio v1.3 §2.7: queue size 0 means unavailable", "layout rejects size 0");
	tap_check_eq(vq_layout(&vq, VQ_FORMAT_SPLIT, 0, 6, mem, bus, sh) == 0, 0,
	             "virtio v1.3 §2.7: split queue size is a power of 2", "layout rejects size 6");
	tap_check_true(vq_size_ok(VQ_FORMAT_SPLIT, 32768) && !vq_size_ok(VQ_FORMAT_SPLIT, 0) &&
	                   !vq_size_ok(VQ_FORMAT_SPLIT, 48) && !vq_size_ok(VQ_FORMAT_COUNT, 8),
	               "virtio v1.3 §2.7: at most 32768", "size rule by format");
	tap_check_eq(vq_layout(&vq, VQ_FORMAT_SPLIT, 0, 8, mem, bus, sh), 0, "layout",
	             "layout accepts size 8");
	struct vq_split *sp = &vq.split;
	tap_check_true(((uintptr_t)sp->used & 3) == 0 && ((uintptr_t)sp->avail & 1) == 0,
	               "virtio v1.3 §2.7 Split Virtqueues: alignment (avail 2, used 4)",
	               "ring parts aligned");
	tap_check_true((uint8_t *)sp->used >= (uint8_t *)sp->avail + virtq_avail_bytes(8),
	               "virtio v1.3 §2.7: parts do not overlap", "used ring after avail ring and used_event");
	tap_check_true(vq_desc_area(&vq) == bus &&
	                   vq_driver_area(&vq) == bus + ((uint8_t *)sp->avail - (uint8_t *)mem) &&
	                   vq_device_area(&vq) == bus + ((uint8_t *)sp->used - (uint8_t *)mem),
	               "virtio v1.3 §2.6: descriptor, driver and device areas",
	               "bus addresses of the three areas");
	tap_check_eq(sp->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT,
	             "virtio v1.3 §2.7.7: a polled driver sets VIRTQ_AVAIL_F_NO_INTERRUPT", "avail->flags");
}

static void test_basic(void)
{
	struct fake f;
	fake_init(&f, 8);
	struct virtq *vq = &f.vq;
	struct vq_split *sp = &vq->split;
	uint64_t bufs[4];
	struct vq_sg sg[3] = {{0x1000, 12}, {0x2000, 100}, {0x3000, 200}};
	tap_check_eq(vq_add(vq, sg, 1, 2, &bufs[0]), 0, "vq_add", "post a 1-out 2-in chain");
	tap_check_eq(sp->avail->idx, 0, "virtio v1.3 §2.7.13: batching",
	             "avail->idx not moved before the kick");
	notified = 0;
	tap_check_true(vq_kick(vq), "kick", "kick notifies when used->flags is 0");
	tap_check_eq(sp->avail->idx, 1, "virtio v1.3 §2.7.13.3", "kick publishes avail->idx");
	uint16_t h = sp->avail->ring[0];
	tap_check_true(sp->desc[h].flags == VIRTQ_DESC_F_NEXT && sp->desc[h].addr == 0x1000 &&
	                   sp->desc[h].len == 12,
	               "virtio v1.3 §2.7.5", "first descriptor device-readable, chained");
	uint16_t d2 = sp->desc[h].next, d3 = sp->desc[d2].next;
	tap_check_true(sp->desc[d2].flags == (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE) &&
	                   sp->desc[d3].flags == VIRTQ_DESC_F_WRITE && sp->desc[d3].len == 200,
	               "virtio v1.3 §2.7.4.2: readable before writable",
	               "writable descriptors after readable ones");
	tap_check_eq(vq_num_free(vq), 5, "bookkeeping", "3 of 8 descriptors in use");
	void *c = NULL;
	uint32_t len = 0;
	tap_check_eq(vq_poll(vq, &c, &len), 0, "vq_poll", "nothing used yet");
	fake_complete(&f, 250);
	tap_check_true(vq_poll(vq, &c, &len) == 1 && c == &bufs[0] && len == 250, "vq_poll",
	               "used element returned with its cookie and len");
	tap_check_eq(vq_num_free(vq), 8, "descriptor reuse", "all descriptors back on the free list");
	/* Fill it completely with single descriptors. */
	int ok = 0;
	for (int i = 0; i < 8; i++)
		ok += vq_add(vq, sg, 1, 0, &bufs[1]) == 0;
	tap_check_eq(ok, 8, "vq_add", "8 single descriptors fit a queue of 8");
	tap_check_eq(vq_add(vq, sg, 1, 0, &bufs[1]) == 0, 0, "vq_add", "the ninth is refused");
	sp->used->flags = VIRTQ_USED_F_NO_NOTIFY;
	notified = 0;
	tap_check_true(!vq_kick(vq) && notified == 0, "virtio v1.3 §2.7.10: VIRTQ_USED_F_NO_NOTIFY",
	               "kick does not notify when the device said NO_NOTIFY");
	sp->used->flags = 0;
	for (int i = 0; i < 8; i++)
		fake_complete(&f, 0);
	int got = 0;
	while (vq_poll(vq, &c, &len) == 1)
		got++;
	tap_check_eq(got, 8, "vq_poll", "8 completions, batch published at once");
	fake_free(&f);
}

static void test_wrap(void)
{
	struct fake f;
	fake_init(&f, 16);
	struct virtq *vq = &f.vq;
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, 1500}};
	unsigned errors = 0;
	uintptr_t next_cookie = 1, expect = 1;
	/* 70000 chains of varying length, with varying numbers in flight:
	 * both 16-bit indexes wrap. */
	for (unsigned it = 0; it < 70000; it++) {
		unsigned burst = 1 + it % 7;
		for (unsigned b = 0; b < burst; b++)
			if (vq_add(vq, sg, 1, (it + b) & 1, (void *)next_cookie++) != 0)
				errors++;
		vq_kick(vq);
		while (fake_complete(&f, -1) >= 0)
			;
		void *c;
		uint32_t len;
		while (vq_poll(vq, &c, &len) == 1)
			errors += (uintptr_t)c != expect++;
	}
	tap_check_eq(errors, 0, "virtio v1.3 §2.7.13.3: idx wraps naturally at 65536",
	             "70000 bursts, indexes wrapped, cookies in order");
	tap_check_true(vq->split.avail_shadow != (uint16_t)(next_cookie - 1) || next_cookie > 65536, "wrap",
	               "the free-running index went past 65535");
	tap_check_eq(vq_num_free(vq), 16, "descriptor reuse", "free list intact after wrap");
	fake_free(&f);
}

/* One chain of 1 readable + `writable` bytes posted and kicked on a fresh
 * queue of 8; then the device publishes `elem` as used->ring[0] and moves
 * used->idx to `idx`. Returns what vq_poll said. */
static int post_and_return(struct fake *f, uint32_t writable, struct virtq_used_elem elem, uint16_t idx)
{
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, writable}};
	void *c;
	uint32_t len;
	fake_init(f, 8);
	vq_add(&f->vq, sg, 1, writable ? 1 : 0, f);
	vq_kick(&f->vq);
	f->vq.split.used->ring[0] = elem;
	f->vq.split.used->idx = idx;
	return vq_poll(&f->vq, &c, &len);
}

static bool broke(const struct fake *f, enum vq_error e, uint32_t got, uint32_t want)
{
	return f->vq.err == e && f->vq.err_got == got && f->vq.err_want == want;
}

static void test_hostile(void)
{
	struct fake f;
	void *c;
	uint32_t len;

	tap_check_true(post_and_return(&f, 100, (struct virtq_used_elem){0, 0}, 2) == -1 &&
	                   broke(&f, VQ_ERR_USED_IDX, 2, 1),
	               "virtio v1.3 §2.7.8: used->idx moves by buffers used",
	               "used->idx jumping past in-flight is caught");
	tap_check_eq(vq_poll(&f.vq, &c, &len), (uint64_t)-1, "sticky", "the queue stays broken");
	struct vq_sg sg = {0x1000, 12};
	tap_check_eq(vq_add(&f.vq, &sg, 1, 0, &f), (uint64_t)-1, "sticky",
	             "a broken queue takes no more buffers");
	fake_free(&f);

	tap_check_true(post_and_return(&f, 100, (struct virtq_used_elem){8, 0}, 1) == -1 &&
	                   broke(&f, VQ_ERR_USED_ID, 8, 8),
	               "virtio v1.3 §2.7.8: id is a descriptor chain head",
	               "used id >= queue size is caught");
	fake_free(&f);

	tap_check_true(post_and_return(&f, 100, (struct virtq_used_elem){5, 0}, 1) == -1 &&
	                   broke(&f, VQ_ERR_NOT_FLIGHT, 5, 0),
	               "virtio v1.3 §2.7.8: id is a head the driver made available",
	               "used id not in flight is caught");
	fake_free(&f);

	tap_check_true(post_and_return(&f, 100, (struct virtq_used_elem){0, 101}, 1) == -1 &&
	                   broke(&f, VQ_ERR_USED_LEN, 101, 100),
	               "virtio v1.3 §2.7.8.2: len is at most the writable size",
	               "used len beyond the writable buffer is caught");
	fake_free(&f);

	tap_check_true(post_and_return(&f, 0, (struct virtq_used_elem){0, 1}, 1) == -1 &&
	                   broke(&f, VQ_ERR_USED_LEN, 1, 0),
	               "virtio v1.3 §2.7.8.2: len is at most the writable size",
	               "used len on a chain with nothing writable is caught");
	fake_free(&f);

	tap_check_true(post_and_return(&f, 100, (struct virtq_used_elem){0, 100}, 1) == 1 &&
	                   f.vq.err == VQ_OK,
	               "no false alarm", "len equal to the writable size passes");
	f.vq.split.used->idx = 2; /* a second element with nothing in flight */
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_USED_IDX, 1, 0),
	               "virtio v1.3 §2.7.8: used->idx moves by buffers used",
	               "a used element while nothing is in flight is caught");
	fake_free(&f);

	/* Two single buffers in flight; the device returns the first twice. */
	fake_init(&f, 8);
	vq_add(&f.vq, &sg, 1, 0, &f);
	vq_add(&f.vq, &sg, 1, 0, &f);
	vq_kick(&f.vq);
	fake_complete(&f, 0);
	tap_check_eq(vq_poll(&f.vq, &c, &len), 1, "no false alarm", "a well-behaved completion passes");
	f.vq.split.used->ring[1] = (struct virtq_used_elem){0, 0};
	f.vq.split.used->idx = 2; /* head 0 again, not re-posted; head 1 still in flight */
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_NOT_FLIGHT, 0, 0),
	               "virtio v1.3 §2.7.8: a head is used once per posting",
	               "a head returned twice is caught");
	char dump[256];
	vq_dump(&f.vq, dump, sizeof(dump));
	const char *want =
	    "vq 0 size 8: avail shadow 2 published 2, last_used 1, used idx 2 flags 0x0, in flight 1, "
	    "free 7, kicks 1 notifies 1, error: used->ring[].id names a head not in flight (got 0 "
	    "want 0)";
	tap_check(strcmp(dump, want) == 0, "state dump", dump, want,
	          "the dump names indexes, device fields and the error");
	fake_free(&f);
}

/* vq->unchecked (benchmarks' validate=off): the element is taken as the
 * device says, only its id is kept inside the shadow slots. */
static void test_unchecked(void)
{
	struct fake f;
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, 100}};
	void *c;
	uint32_t len;
	fake_init(&f, 8);
	f.vq.unchecked = true;
	vq_add(&f.vq, sg, 1, 1, &f);
	vq_kick(&f.vq);
	f.vq.split.used->ring[0] = (struct virtq_used_elem){0, 101};
	f.vq.split.used->idx = 1;
	tap_check_true(vq_poll(&f.vq, &c, &len) == 1 && len == 101 && c == &f && f.vq.err == VQ_OK,
	               "validate=off", "unchecked: a len beyond the writable buffer is not looked at");
	vq_add(&f.vq, sg, 1, 1, &f);
	vq_kick(&f.vq);
	f.vq.split.used->ring[1] = (struct virtq_used_elem){8, 0};
	f.vq.split.used->idx = 2;
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_USED_ID, 8, 8), "memory safety",
	               "unchecked: an id past the ring still breaks the queue");
	fake_free(&f);
}

int main(void)
{
	tap_begin();
	test_layout();
	test_basic();
	test_wrap();
	test_hostile();
	test_unchecked();
	struct tap_counts c = tap_end();
	return c.failed ? 1 : 0;
}
