/* firmware/virtio/virtq.h: the one virtqueue API, whatever the ring format.
 *
 *   vq_add(vq, sg, n_out, n_in, cookie)  post a chain, not yet visible
 *   vq_kick(vq)                          publish it, notify if wanted
 *   vq_poll(vq, &cookie, &len)           take one used element, validated
 *
 * Two layers: this queue (virtq.c, vq_check.c) keeps what every format
 * shares: size, the bus addresses of the three areas, per-id shadow slots,
 * statistics, the sticky error and the checks of what the device returns.
 * A format (split.c, §2.7 Split Virtqueues; packed.c, §2.8 Packed
 * Virtqueues) lays out and drives the ring memory behind struct vq_format_ops
 * (vq_format.h).
 *
 * Pure: no PCI, no timer. The transport gives the queue its memory and that
 * memory's bus address, asks it for the areas' bus addresses
 * (vq_desc_area() ...), and sets a notify callback. Device-written fields
 * are hostile input: vq_poll checks them against private shadow state and
 * turns a violation into a sticky error (vq->err) naming the field. */
#ifndef VFPROBE_VIRTIO_VIRTQ_H
#define VFPROBE_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/packed.h"
#include "virtio/split.h"

struct vq_sg {
	uint64_t addr; /* bus address (dma_addr()) */
	uint32_t len;
};

/* Per-id shadow state (never read back from device-visible memory). */
struct vq_slot {
	void *cookie;
	uint32_t in_len; /* total device-writable length posted */
	uint16_t ndescs; /* 0: not in flight */
};

enum vq_error {
	VQ_OK = 0,
	VQ_ERR_USED_IDX,   /* more used than is in flight */
	VQ_ERR_USED_ID,    /* used id out of range */
	VQ_ERR_NOT_FLIGHT, /* used id names a buffer not in flight */
	VQ_ERR_USED_LEN,   /* used len larger than the writable buffer */
	VQ_ERR_USED_FLAGS, /* packed: F_AVAIL/F_USED fit neither side's wrap counter */
	VQ_ERR_EVENT,      /* device event suppression flags or offset invalid */
};

/* Ring formats (virtio v1.3 §2.6 Virtqueues: "Two formats are supported").
 * A new one is its own file with its vq_format_ops (declared in
 * vq_format.h), a name here, its entry in the table of virtq.c, and its
 * state in the union of struct virtq. */
enum vq_format {
	VQ_FORMAT_SPLIT,
	VQ_FORMAT_PACKED,
	VQ_FORMAT_COUNT,
};

/* Bus addresses of the three parts of a virtqueue (virtio v1.3 §2.6
 * Virtqueues): what the transport writes to queue_desc/driver/device. */
struct vq_areas {
	uint64_t desc, driver, device;
};

struct vq_format_ops;

struct virtq {
	uint16_t index, size, mask;
	enum vq_format format;
	const struct vq_format_ops *ops;
	struct vq_areas bus;
	struct vq_slot *slot; /* [size], indexed by the id the device returns */
	uint16_t num_free;    /* descriptors free */
	uint16_t in_flight;   /* ids posted and not yet returned */
	bool event_idx;       /* VIRTIO_F_EVENT_IDX negotiated (vq_set_event_idx) */
	/* Benchmarks only: take used elements without checking them against
	 * the shadow state (the id is still bounded by the ring size). */
	bool unchecked;
	/* Notification: the transport's doorbell. */
	void (*notify)(void *ctx, uint16_t index);
	void *notify_ctx;
	/* Statistics and the sticky error. */
	uint64_t kicks, notifies, completions;
	uint64_t indirect;         /* chains posted through an indirect table */
	uint64_t event_checks;     /* kicks decided by the device's event index */
	uint64_t event_suppressed; /* ... of which the event index said no */
	enum vq_error err;
	uint32_t err_got, err_want;
	/* The format's own state. */
	union {
		struct vq_split split;
		struct vq_packed packed;
	};
};

/* Is n a queue size the format allows? split: a power of 2 up to 32768;
 * packed: any up to 32768. */
bool vq_size_ok(enum vq_format f, uint16_t n);
/* What vq_size_ok demands, for error messages ("a power of 2"). */
const char *vq_size_rule(enum vq_format f);
/* Bytes of ring memory (all areas, aligned) and of private shadow state
 * for n entries. */
size_t vq_ring_bytes(enum vq_format f, uint16_t n);
size_t vq_shadow_bytes(enum vq_format f, uint16_t n);
/* Lay out the ring in `mem` (zeroed, 16-byte aligned, vq_ring_bytes(),
 * at bus address mem_bus) and the shadow state in `shadow`
 * (vq_shadow_bytes()). Keeps vq->notify and notify_ctx. 0, or -1 when the
 * size or memory is unusable. */
int vq_layout(struct virtq *vq, enum vq_format f, uint16_t index, uint16_t n, void *mem, uint64_t mem_bus,
              void *shadow);
/* Forget everything in flight and start over (after a device reset). */
void vq_reset(struct virtq *vq);
/* VIRTIO_F_EVENT_IDX was negotiated: the ring's event fields replace its
 * flags (virtio v1.3 §2.7.7, §2.7.10, §2.8.10). Resets the ring. */
void vq_set_event_idx(struct virtq *vq, bool on);

static inline uint64_t vq_desc_area(const struct virtq *vq)
{
	return vq->bus.desc;
}
static inline uint64_t vq_driver_area(const struct virtq *vq)
{
	return vq->bus.driver;
}
static inline uint64_t vq_device_area(const struct virtq *vq)
{
	return vq->bus.device;
}

/* Post a chain of n_out device-readable then n_in device-writable buffers.
 * 0, or -1 when fewer than n_out+n_in descriptors are free, n is 0 or the
 * queue is broken. */
int vq_add(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *cookie);
/* The same chain through an indirect table (VIRTIO_F_INDIRECT_DESC): one
 * ring descriptor pointing at `table` (16 bytes per entry, n_out + n_in
 * entries, DMA memory the caller keeps until the chain is used, at bus
 * address table_bus). 0 or -1 as vq_add. */
int vq_add_indirect(struct virtq *vq, const struct vq_sg *sg, unsigned n_out, unsigned n_in, void *table,
                    uint64_t table_bus, void *cookie);
/* Publish what vq_add posted and notify unless the device suppressed
 * notifications. Returns true when it notified. */
bool vq_kick(struct virtq *vq);
/* 1 with *cookie and *len of the next used element, 0 if none, -1 when the
 * device broke a rule (see vq->err; the queue stays broken). */
int vq_poll(struct virtq *vq, void **cookie, uint32_t *len);
/* Used entries the device has published and we have not consumed (the
 * raw, unvalidated count). */
uint16_t vq_used_pending(const struct virtq *vq);

const char *vq_error_name(enum vq_error e);
/* One line: index, size, the format's indexes and device-written fields,
 * in flight, free, statistics, error. */
int vq_dump(const struct virtq *vq, char *buf, size_t n);

static inline unsigned vq_num_free(const struct virtq *vq)
{
	return vq->num_free;
}
static inline unsigned vq_in_flight(const struct virtq *vq)
{
	return vq->in_flight;
}
/* A full ring whose device asks to be notified at an entry other than the
 * next one the driver will make available: no kick can ever reach it
 * (virtio v1.3 §2.7.10 / §2.8.10). */
bool vq_event_behind(const struct virtq *vq);
/* The entry the device asks to be notified at (avail_event / off_wrap)
 * and the next one the driver will make available, in the same form. */
void vq_avail_event(const struct virtq *vq, unsigned *event, unsigned *next);

#endif
