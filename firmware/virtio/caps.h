/* firmware/virtio/caps.h: finding the virtio structures through the PCI
 * capability list (virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities).
 * Pure: reads config space through a callback, so tests/unit can feed it a
 * fake register file. */
#ifndef VFPROBE_VIRTIO_CAPS_H
#define VFPROBE_VIRTIO_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct vpci_region {
	bool found;
	uint8_t bar;
	uint16_t cap_off; /* where the capability sits in config space */
	uint32_t offset, length;
};

struct vpci_caps {
	struct vpci_region common, notify, isr, device, pci_cfg;
	uint32_t notify_off_multiplier;
	unsigned vendor_caps;  /* virtio vendor capabilities seen */
	unsigned ignored_caps; /* skipped: reserved BAR, short cap_len, unknown type */
	bool list_broken;      /* a loop or a pointer into the header */
};

typedef uint8_t (*vpci_cfg_read8_fn)(void *ctx, uint16_t off);

/* Walk the capability list; the first usable instance of each type wins
 * (virtio v1.3 §4.1.4: "the driver SHOULD use the first instance of each
 * virtio structure type they can support"). 0 when common, notify, ISR and
 * (if want_device) device were all found; -1 otherwise. */
int vpci_parse_caps(vpci_cfg_read8_fn rd, void *ctx, bool want_device, struct vpci_caps *out);

/* Does [offset, offset+length) fit a BAR of bar_size bytes? */
bool vpci_region_fits(const struct vpci_region *r, uint64_t bar_size);

/* Offset of a queue's doorbell inside the notify region:
 * queue_notify_off * notify_off_multiplier, -1 when the 2-byte doorbell
 * (4 with NOTIFICATION_DATA) does not fit the region
 * (virtio v1.3 §4.1.4.4 Notification structure layout). */
int64_t vpci_notify_offset(const struct vpci_caps *c, uint16_t queue_notify_off, unsigned width);

#endif
