/* firmware/virtio/caps.h: finding the virtio structures through the PCI
 * capability list (virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities).
 * Pure: reads a function's config space given as bytes (the ECAM window,
 * struct pci_func's cfg, or a buffer in tests/unit); the list itself is
 * walked by pci_capwalk_std (pci/pci_pure.h). */
#ifndef VFPROBE_VIRTIO_CAPS_H
#define VFPROBE_VIRTIO_CAPS_H

#include <stdbool.h>
#include <stddef.h>
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
	unsigned ignored_caps; /* skipped: reserved BAR, short cap_len, body past 0xff, unknown type */
	bool list_broken;      /* a loop or a pointer into the header (pci_capwalk_std_problem) */
};

/* Walk the capability list of `cfg` (`len` bytes: 256 or 4096); the first
 * usable instance of each type wins (virtio v1.3 §4.1.4.1 Driver
 * Requirements: Virtio Structure PCI Capabilities: "the driver SHOULD use
 * the first instance of each virtio structure type they can support"). 0
 * when common, notify, ISR and (if want_device) device were all found and
 * the list is sound; -1 otherwise. */
int vpci_parse_caps(const volatile uint8_t *cfg, size_t len, bool want_device, struct vpci_caps *out);

/* Does [offset, offset+length) fit a BAR of bar_size bytes? */
bool vpci_region_fits(const struct vpci_region *r, uint64_t bar_size);

/* Offset of a queue's doorbell inside the notify region:
 * queue_notify_off * notify_off_multiplier, -1 when the 2-byte doorbell
 * (4 with NOTIFICATION_DATA) does not fit the region
 * (virtio v1.3 §4.1.4.4 Notification structure layout). */
int64_t vpci_notify_offset(const struct vpci_caps *c, uint16_t queue_notify_off, unsigned width);

#endif
