/* tests/unit/test_virtq_formats.c: the queue API (firmware/virtio/virtq.h)
 * on every ring format, split (split.c) and packed (packed.c), against one
 * fake device that can complete buffers in or out of order, follow
 * indirect tables and publish event indexes; then the packed format
 * against a hostile device. test_virtq.c has the split-only cases. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "virtio/virtq.h"

static const char *const fmt_name[VQ_FORMAT_COUNT] = {"split", "packed"};

static unsigned notified;
static void fake_notify(void *ctx, uint16_t index)
{
	(void)ctx;
	(void)index;
	notified++;
}

/* A buffer the device took and has not used yet. */
struct taken {
	uint16_t id, ndescs;
	uint32_t writable;
};

struct fake {
	enum vq_format fmt;
	struct virtq vq;
	void *ring, *shadow;
	/* split: next avail entry to take, used->idx */
	uint16_t avail, used;
	/* packed: next descriptor to take, next used position (idx | wrap << 15) */
	uint16_t take_ow, use_ow;
	struct taken taken[64];
	unsigned ntaken;
};

static void fake_init(struct fake *f, enum vq_format fmt, uint16_t n)
{
	memset(f, 0, sizeof(*f));
	f->fmt = fmt;
	size_t bytes = vq_ring_bytes(fmt, n);
	f->ring = aligned_alloc(4096, (bytes + 4095) & ~4095ul);
	memset(f->ring, 0, bytes);
	f->shadow = malloc(vq_shadow_bytes(fmt, n));
	f->vq.notify = fake_notify;
	f->take_ow = f->use_ow = VQ_OW_WRAP;
	vq_layout(&f->vq, fmt, 0, n, f->ring, (uintptr_t)f->ring, f->shadow);
}

static void fake_free(struct fake *f)
{
	free(f->ring);
	free(f->shadow);
}

static uint32_t indirect_writable(const struct fake *f, uint64_t table, uint32_t len)
{
	uint32_t w = 0;
	if (f->fmt == VQ_FORMAT_SPLIT) {
		const struct virtq_desc *t = (const void *)(uintptr_t)table;
		for (unsigned k = 0; k < len / 16; k++)
			w += t[k].flags & VIRTQ_DESC_F_WRITE ? t[k].len : 0;
	} else {
		const struct virtq_packed_desc *t = (const void *)(uintptr_t)table;
		for (unsigned k = 0; k < len / 16; k++)
			w += t[k].flags & VIRTQ_DESC_F_WRITE ? t[k].len : 0;
	}
	return w;
}

/* The device takes the next available buffer: false when there is none. */
static bool fake_take(struct fake *f)
{
	struct virtq *vq = &f->vq;
	struct taken t = {0};
	if (f->fmt == VQ_FORMAT_SPLIT) {
		struct vq_split *sp = &vq->split;
		if (f->avail == sp->avail->idx)
			return false;
		uint16_t i = t.id = sp->avail->ring[f->avail++ & vq->mask];
		for (unsigned k = 0; k < vq->size; k++) {
			const struct virtq_desc *d = &sp->desc[i];
			if (d->flags & VIRTQ_DESC_F_INDIRECT)
				t.writable += indirect_writable(f, d->addr, d->len);
			else if (d->flags & VIRTQ_DESC_F_WRITE)
				t.writable += d->len;
			if (!(d->flags & VIRTQ_DESC_F_NEXT))
				break;
			i = d->next;
		}
	} else {
		struct vq_packed *p = &vq->packed;
		const struct virtq_packed_desc *d = &p->desc[vq_ow_idx(f->take_ow)];
		bool w = vq_ow_wrap(f->take_ow);
		if (!!(d->flags & VIRTQ_PACKED_F_AVAIL) != w || !!(d->flags & VIRTQ_PACKED_F_USED) == w)
			return false;
		for (;;) {
			d = &p->desc[vq_ow_idx(f->take_ow)];
			if (d->flags & VIRTQ_DESC_F_INDIRECT)
				t.writable += indirect_writable(f, d->addr, d->len);
			else if (d->flags & VIRTQ_DESC_F_WRITE)
				t.writable += d->len;
			t.id = d->id; /* the last descriptor's id counts */
			t.ndescs++;
			f->take_ow = vq_ow_advance(f->take_ow, 1, vq->size);
			if (!(d->flags & VIRTQ_DESC_F_NEXT))
				break;
		}
	}
	f->taken[f->ntaken++] = t;
	return true;
}

/* The device uses taken buffer k (0: the oldest), writing len (-1: all
 * that is writable). */
static void fake_use(struct fake *f, unsigned k, int32_t len)
{
	struct virtq *vq = &f->vq;
	struct taken t = f->taken[k];
	memmove(&f->taken[k], &f->taken[k + 1], sizeof(t) * (f->ntaken - k - 1));
	f->ntaken--;
	uint32_t l = len < 0 ? t.writable : (uint32_t)len;
	if (f->fmt == VQ_FORMAT_SPLIT) {
		vq->split.used->ring[f->used & vq->mask] = (struct virtq_used_elem){t.id, l};
		vq->split.used->idx = ++f->used;
		return;
	}
	struct virtq_packed_desc *d = &vq->packed.desc[vq_ow_idx(f->use_ow)];
	d->id = t.id;
	d->len = l;
	uint16_t both = vq_ow_wrap(f->use_ow) ? VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED : 0;
	d->flags = (uint16_t)(both | (l ? VIRTQ_DESC_F_WRITE : 0));
	f->use_ow = vq_ow_advance(f->use_ow, t.ndescs, vq->size);
}

/* Take everything available and use it in order. */
static unsigned fake_complete_all(struct fake *f)
{
	unsigned n = 0;
	while (fake_take(f))
		;
	while (f->ntaken) {
		fake_use(f, 0, -1);
		n++;
	}
	return n;
}

/* The device asks not to be notified / to be notified. */
static void fake_suppress(struct fake *f, bool suppress)
{
	if (f->fmt == VQ_FORMAT_SPLIT)
		f->vq.split.used->flags = suppress ? VIRTQ_USED_F_NO_NOTIFY : 0;
	else
		f->vq.packed.device->flags =
		    suppress ? VRING_PACKED_EVENT_FLAG_DISABLE : VRING_PACKED_EVENT_FLAG_ENABLE;
}

static void test_basic(enum vq_format fmt)
{
	struct fake f;
	fake_init(&f, fmt, 8);
	struct virtq *vq = &f.vq;
	uint64_t bufs[2];
	struct vq_sg sg[3] = {{0x1000, 12}, {0x2000, 100}, {0x3000, 200}};
	tap_check_eq(vq_add(vq, sg, 1, 2, &bufs[0]), 0, "vq_add", "post a 1-out 2-in chain");
	tap_check_true(!fake_take(&f), "virtio v1.3 §2.7.13 / §2.8.6: nothing visible before the kick",
	               "the device sees no buffer before vq_kick");
	notified = 0;
	tap_check_true(vq_kick(vq) && notified == 1, "notify",
	               "kick notifies when the device did not suppress");
	tap_check_true(fake_take(&f) && f.taken[0].writable == 300,
	               "virtio v1.3 §2.7.4 / §2.8.6: the chain as posted",
	               "device walks the 3-descriptor chain");
	void *c = NULL;
	uint32_t len = 0;
	tap_check_eq(vq_poll(vq, &c, &len), 0, "vq_poll", "nothing used yet");
	fake_use(&f, 0, 250);
	tap_check_true(vq_poll(vq, &c, &len) == 1 && c == &bufs[0] && len == 250, "vq_poll",
	               "used element returned with its cookie and len");
	tap_check_eq(vq_num_free(vq), 8, "descriptor reuse", "all descriptors free again");
	int ok = 0;
	for (int i = 0; i < 8; i++)
		ok += vq_add(vq, sg, 1, 0, &bufs[1]) == 0;
	tap_check_eq(ok, 8, "vq_add", "8 single descriptors fit a queue of 8");
	tap_check_eq(vq_add(vq, sg, 1, 0, &bufs[1]) == 0, 0, "vq_add", "the ninth is refused");
	fake_suppress(&f, true);
	notified = 0;
	tap_check_true(!vq_kick(vq) && notified == 0,
	               "virtio v1.3 §2.7.10 / §2.8.10: notification suppression",
	               "kick does not notify when the device suppressed notifications");
	fake_suppress(&f, false);
	tap_check_eq(fake_complete_all(&f), 8, "batch", "the device takes the 8 published at once");
	int got = 0;
	while (vq_poll(vq, &c, &len) == 1)
		got++;
	tap_check_true(got == 8 && vq->err == VQ_OK, "vq_poll", "8 completions");
	fake_free(&f);
}

static void test_wrap(enum vq_format fmt, uint16_t n)
{
	struct fake f;
	fake_init(&f, fmt, n);
	struct virtq *vq = &f.vq;
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, 1500}};
	unsigned errors = 0;
	uintptr_t next_cookie = 1, expect = 1;
	uint64_t descs = 0;
	/* 70000 bursts of 1..7 chains of 1 or 2 descriptors: the split
	 * indexes pass 65535, the packed wrap counters flip thousands of
	 * times, at positions that move since chains straddle the end. */
	for (unsigned it = 0; it < 70000; it++) {
		unsigned burst = 1 + it % 7;
		for (unsigned b = 0; b < burst; b++) {
			unsigned in = (it + b) & 1;
			if (vq_add(vq, sg, 1, in, (void *)next_cookie++) != 0)
				errors++;
			descs += 1 + in;
		}
		vq_kick(vq);
		fake_complete_all(&f);
		void *c;
		uint32_t len;
		while (vq_poll(vq, &c, &len) == 1)
			errors += (uintptr_t)c != expect++;
	}
	tap_check_true(errors == 0 && vq->err == VQ_OK && expect == next_cookie,
	               fmt == VQ_FORMAT_SPLIT
	                   ? "virtio v1.3 §2.7.13.3: idx wraps naturally at 65536"
	                   : "virtio v1.3 §2.8.1: the wrap counters flip at the end of the ring",
	               "%s size %u: 70000 bursts (%llu descriptors, %llu laps), cookies in order",
	               fmt_name[fmt], n, (unsigned long long)descs, (unsigned long long)(descs / n));
	tap_check_eq(vq_num_free(vq), n, "descriptor reuse", "%s: all descriptors free after the wraps",
	             fmt_name[fmt]);
	fake_free(&f);
}

/* The device takes five buffers and uses them in the order 3 1 4 0 2. */
static void test_out_of_order(enum vq_format fmt)
{
	struct fake f;
	fake_init(&f, fmt, 16);
	struct virtq *vq = &f.vq;
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, 64}};
	uintptr_t cookies[5];
	for (unsigned i = 0; i < 5; i++) {
		cookies[i] = 100 + i;
		vq_add(vq, sg, 1, i & 1, (void *)cookies[i]); /* chains of 1 and 2 descriptors */
	}
	vq_kick(vq);
	while (fake_take(&f))
		;
	static const unsigned order[5] = {3, 1, 4, 0, 2};
	unsigned bad = 0;
	for (unsigned k = 0; k < 5; k++) {
		/* taken[] shrinks as buffers are used: find the one posted order[k]-th */
		unsigned j;
		for (j = 0; j < f.ntaken; j++) {
			unsigned posted = 0;
			for (unsigned m = 0; m < 5; m++)
				if (vq->slot[f.taken[j].id].cookie == (void *)cookies[m])
					posted = m;
			if (posted == order[k])
				break;
		}
		fake_use(&f, j, -1);
		void *c;
		uint32_t len;
		bad += vq_poll(vq, &c, &len) != 1 || c != (void *)cookies[order[k]] ||
		       len != (order[k] & 1 ? 64u : 0u);
	}
	tap_check_true(bad == 0 && vq->err == VQ_OK,
	               "virtio v1.3 §2.8 Packed Virtqueues: the device may complete buffers out of order",
	               "%s: 5 buffers used in the order 3 1 4 0 2, each with its cookie and len",
	               fmt_name[fmt]);
	tap_check_eq(vq_num_free(vq), 16, "descriptor reuse",
	             "%s: every descriptor back after out-of-order use", fmt_name[fmt]);
	/* The ring keeps working over a few laps after that. */
	unsigned errors = 0;
	for (unsigned it = 0; it < 100; it++) {
		for (unsigned b = 0; b < 5; b++)
			errors += vq_add(vq, sg, 1, 1, (void *)(uintptr_t)(b + 1)) != 0;
		vq_kick(vq);
		while (fake_take(&f))
			;
		while (f.ntaken)
			fake_use(&f, f.ntaken - 1, 1); /* newest first */
		void *c;
		uint32_t len;
		unsigned got = 0;
		while (vq_poll(vq, &c, &len) == 1)
			got++;
		errors += got != 5;
	}
	tap_check_true(errors == 0 && vq->err == VQ_OK, "out of order over laps",
	               "%s: 100 bursts of 5 used newest first", fmt_name[fmt]);
	fake_free(&f);
}

static void test_indirect(enum vq_format fmt)
{
	struct fake f;
	fake_init(&f, fmt, 4);
	struct virtq *vq = &f.vq;
	uint8_t table[4][16] __attribute__((aligned(16)));
	struct vq_sg sg[3] = {{0x1000, 12}, {0x2000, 100}, {0x3000, 28}};
	tap_check_eq(vq_add_indirect(vq, sg, 1, 2, table, (uintptr_t)table, &f), 0, "vq_add_indirect",
	             "%s: a 3-entry indirect chain", fmt_name[fmt]);
	tap_check_eq(vq_num_free(vq), 3,
	             "virtio v1.3 §2.7.5.3 / §2.8.7: an indirect chain takes one descriptor",
	             "%s: one ring descriptor used", fmt_name[fmt]);
	vq_kick(vq);
	tap_check_true(fake_take(&f) && f.taken[0].writable == 128 && f.taken[0].ndescs <= 1,
	               "virtio v1.3 §2.7.5.3 / §2.8.7: the device reads the table",
	               "%s: 128 writable bytes in the table", fmt_name[fmt]);
	fake_use(&f, 0, 129);
	void *c;
	uint32_t len;
	tap_check_true(vq_poll(vq, &c, &len) == -1 && vq->err == VQ_ERR_USED_LEN,
	               "virtio v1.3 §2.7.8.2: len within what the table made writable",
	               "%s: a used len past the indirect table's writable bytes is caught", fmt_name[fmt]);
	fake_free(&f);
}

/* The device publishes an event index: the driver notifies only when a
 * kick makes that entry available. */
static void test_event_idx(enum vq_format fmt)
{
	struct fake f;
	fake_init(&f, fmt, 8);
	struct virtq *vq = &f.vq;
	vq_set_event_idx(vq, true);
	struct vq_sg sg = {0x1000, 12};
	unsigned pattern = 0;
	for (unsigned i = 0; i < 6; i++) {
		/* The device wants to hear about entry 2 only (a position in
		 * the first lap: packed wrap counter 1). */
		if (fmt == VQ_FORMAT_SPLIT) {
			*virtq_avail_event(vq->split.used, 8) = 2;
		} else {
			vq->packed.device->off_wrap = 2 | VQ_OW_WRAP;
			vq->packed.device->flags = VRING_PACKED_EVENT_FLAG_DESC;
		}
		vq_add(vq, &sg, 1, 0, &f);
		pattern = pattern << 1 | vq_kick(vq);
	}
	tap_check_eq(pattern, 0x8,
	             "virtio v1.3 §2.7.10 / §2.8.10: notify when the kick covers the event index",
	             "%s: six single kicks, only the third notifies", fmt_name[fmt]);
	tap_check_true(vq->event_checks == 6 && vq->event_suppressed == 5, "statistics",
	               "%s: the event index decided each kick", fmt_name[fmt]);
	if (fmt == VQ_FORMAT_SPLIT)
		tap_check_true(vq->split.avail->flags == 0,
		               "virtio v1.3 §2.7.7.1: with EVENT_IDX the driver sets avail->flags to 0",
		               "split: avail->flags 0, used_event used instead");
	else
		tap_check_true(vq->packed.driver->flags == VRING_PACKED_EVENT_FLAG_DESC &&
		                   vq_ow_idx(vq->packed.driver->off_wrap) < 8,
		               "virtio v1.3 §2.8.10: a descriptor event inside the ring",
		               "packed: driver event is DESC");
	fake_free(&f);
}

static void test_odd_size(void)
{
	tap_check_true(vq_size_ok(VQ_FORMAT_PACKED, 6) && vq_size_ok(VQ_FORMAT_PACKED, 32768) &&
	                   !vq_size_ok(VQ_FORMAT_PACKED, 0) && !vq_size_ok(VQ_FORMAT_SPLIT, 6),
	               "virtio v1.3 §2.8: packed sizes need not be powers of 2",
	               "packed accepts 6, split does not");
	struct fake f;
	fake_init(&f, VQ_FORMAT_PACKED, 6);
	struct virtq *vq = &f.vq;
	tap_check_true(((uintptr_t)vq->packed.driver & 3) == 0 && ((uintptr_t)vq->packed.device & 3) == 0 &&
	                   vq_driver_area(vq) == (uintptr_t)vq->packed.driver &&
	                   vq_device_area(vq) == (uintptr_t)vq->packed.device &&
	                   (uint8_t *)vq->packed.driver >= (uint8_t *)vq->packed.desc + 6 * 16,
	               "virtio v1.3 §2.8.10.1 Structure Size and Alignment: ring 16, event structures 4",
	               "packed layout: areas aligned, after the ring");
	tap_check_true(vq->packed.driver->flags == VRING_PACKED_EVENT_FLAG_DISABLE,
	               "virtio v1.3 §2.8.10: a polled driver disables used buffer notifications",
	               "packed: driver event flags DISABLE");
	fake_free(&f);
}

/* Packed: post one 1-out chain (plus a 100-byte writable one when
 * writable) on a fresh queue of 8 and kick. */
static void packed_post(struct fake *f, bool writable)
{
	struct vq_sg sg[2] = {{0x1000, 12}, {0x2000, 100}};
	fake_init(f, VQ_FORMAT_PACKED, 8);
	vq_add(&f->vq, sg, 1, writable, f);
	vq_kick(&f->vq);
}

static bool broke(const struct fake *f, enum vq_error e, uint32_t got, uint32_t want)
{
	return f->vq.err == e && f->vq.err_got == got && f->vq.err_want == want;
}

static void packed_write(struct fake *f, uint16_t pos, uint16_t id, uint32_t len, uint16_t flags)
{
	struct virtq_packed_desc *d = &f->vq.packed.desc[pos];
	d->id = id;
	d->len = len;
	d->flags = flags;
}

static void test_packed_hostile(void)
{
	struct fake f;
	void *c;
	uint32_t len;
	const uint16_t used1 = VIRTQ_PACKED_F_AVAIL | VIRTQ_PACKED_F_USED;

	packed_post(&f, true);
	packed_write(&f, 0, 0, 0, VIRTQ_PACKED_F_USED); /* F_USED = 1, F_AVAIL = 0 */
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 &&
	                   broke(&f, VQ_ERR_USED_FLAGS, VIRTQ_PACKED_F_USED, used1),
	               "virtio v1.3 §2.8.1: a used descriptor has F_AVAIL equal to F_USED",
	               "packed: F_USED without F_AVAIL is caught");
	tap_check_eq(vq_poll(&f.vq, &c, &len), (uint64_t)-1, "sticky", "packed: the queue stays broken");
	fake_free(&f);

	packed_post(&f, true);
	packed_write(&f, 0, 8, 0, used1);
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_USED_ID, 8, 8),
	               "virtio v1.3 §2.8: the buffer id is one the driver gave",
	               "packed: used id >= queue size is caught");
	fake_free(&f);

	packed_post(&f, true);
	packed_write(&f, 0, 5, 0, used1);
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_NOT_FLIGHT, 5, 0),
	               "virtio v1.3 §2.8: the buffer id is one in flight",
	               "packed: used id not in flight is caught");
	fake_free(&f);

	packed_post(&f, true);
	packed_write(&f, 0, 0, 101, used1 | VIRTQ_DESC_F_WRITE);
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && broke(&f, VQ_ERR_USED_LEN, 101, 100),
	               "virtio v1.3 §2.8.4: len is what the device wrote, within the buffer",
	               "packed: used len beyond the writable buffer is caught");
	fake_free(&f);

	packed_post(&f, true);
	packed_write(&f, 0, 0, 100, used1 | VIRTQ_DESC_F_WRITE);
	tap_check_true(vq_poll(&f.vq, &c, &len) == 1 && len == 100 && f.vq.err == VQ_OK &&
	                   f.vq.packed.used_len_without_write == 0,
	               "no false alarm", "packed: len equal to the writable size, F_WRITE set, passes");
	/* Position 2 (nothing made available there) marked used in this lap. */
	packed_write(&f, 2, 0, 0, used1);
	packed_write(&f, 1, 0, 0, used1);
	tap_check_true(vq_poll(&f.vq, &c, &len) == -1 && f.vq.err == VQ_ERR_USED_IDX,
	               "virtio v1.3 §2.8: a used descriptor only where the driver made one available",
	               "packed: a used descriptor with nothing in flight is caught");
	fake_free(&f);

	packed_post(&f, true);
	packed_write(&f, 0, 0, 40, used1); /* len without F_WRITE */
	tap_check_true(vq_poll(&f.vq, &c, &len) == 1 && f.vq.packed.used_len_without_write == 1,
	               "virtio v1.3 §2.8.4: len is reserved without F_WRITE in the used descriptor",
	               "packed: a len without F_WRITE is counted");
	fake_free(&f);

	packed_post(&f, false);
	packed_write(&f, 0, 0, 12, used1); /* a TX buffer's length, without F_WRITE */
	tap_check_true(vq_poll(&f.vq, &c, &len) == 1 && len == 0 && f.vq.err == VQ_OK &&
	                   f.vq.packed.used_len_without_write == 0,
	               "virtio v1.3 §2.8.4: without F_WRITE len is reserved and ignored by drivers",
	               "packed: a len on a device-readable buffer without F_WRITE is ignored");
	fake_free(&f);

	packed_post(&f, false);
	f.vq.packed.device->flags = VRING_PACKED_EVENT_FLAG_RESERVED;
	struct vq_sg sg = {0x1000, 12};
	vq_add(&f.vq, &sg, 1, 0, &f);
	vq_kick(&f.vq);
	tap_check_true(
	    broke(&f, VQ_ERR_EVENT, VRING_PACKED_EVENT_FLAG_RESERVED, VRING_PACKED_EVENT_FLAG_DISABLE),
	    "virtio v1.3 §2.8 Event Suppression Structure Format: flags value 0x3 is reserved",
	    "packed: reserved device event flags are caught");
	fake_free(&f);

	packed_post(&f, false);
	f.vq.packed.device->flags = VRING_PACKED_EVENT_FLAG_DESC;
	vq_add(&f.vq, &sg, 1, 0, &f);
	vq_kick(&f.vq);
	tap_check_true(broke(&f, VQ_ERR_EVENT, VRING_PACKED_EVENT_FLAG_DESC, VRING_PACKED_EVENT_FLAG_DISABLE),
	               "virtio v1.3 §2.8.10: RING_EVENT_FLAGS_DESC only with VIRTIO_F_EVENT_IDX",
	               "packed: a descriptor event without EVENT_IDX is caught");
	fake_free(&f);

	packed_post(&f, false);
	vq_set_event_idx(&f.vq, true);
	f.vq.packed.device->off_wrap = 9 | VQ_OW_WRAP;
	f.vq.packed.device->flags = VRING_PACKED_EVENT_FLAG_DESC;
	vq_add(&f.vq, &sg, 1, 0, &f);
	vq_kick(&f.vq);
	tap_check_true(broke(&f, VQ_ERR_EVENT, 9, 8),
	               "virtio v1.3 §2.8.10: the event offset is within the ring",
	               "packed: an event offset past the ring is caught");
	fake_free(&f);
}

int main(void)
{
	tap_begin();
	for (enum vq_format fmt = 0; fmt < VQ_FORMAT_COUNT; fmt++) {
		tap_prefix_push("%s", fmt_name[fmt]);
		test_basic(fmt);
		test_wrap(fmt, 16);
		test_out_of_order(fmt);
		test_indirect(fmt);
		test_event_idx(fmt);
		tap_prefix_pop();
	}
	test_wrap(VQ_FORMAT_PACKED, 13);
	test_odd_size();
	test_packed_hostile();
	return unit_done();
}
