/* firmware/virtio/caps.c: virtio structure capabilities (pure). The list
 * itself is walked by pci/capwalk.c; this file reads the virtio vendor
 * capabilities it finds. */
#include "virtio/caps.h"

#include <string.h>

#include "pci/pci_pure.h"
#include "pci/pci_regs.h"
#include "virtio/spec_pci.h"

static uint32_t cfg_le32(const volatile uint8_t *cfg, uint16_t off)
{
	return (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 | (uint32_t)cfg[off + 2] << 16 |
	       (uint32_t)cfg[off + 3] << 24;
}

static struct vpci_region *region_of(struct vpci_caps *out, uint8_t cfg_type)
{
	switch (cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return &out->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return &out->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:
		return &out->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return &out->device;
	case VIRTIO_PCI_CAP_PCI_CFG:
		return &out->pci_cfg;
	default:
		return NULL;
	}
}

static void parse_vendor_cap(const volatile uint8_t *cfg, uint16_t pos, struct vpci_caps *out)
{
	uint8_t cap_len = cfg[pos + offsetof(struct virtio_pci_cap, cap_len)];
	uint8_t type = cfg[pos + offsetof(struct virtio_pci_cap, cfg_type)];
	uint8_t bar = cfg[pos + offsetof(struct virtio_pci_cap, bar)];
	struct vpci_region *r = region_of(out, type);
	unsigned need = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? sizeof(struct virtio_pci_notify_cap)
	                                                  : sizeof(struct virtio_pci_cap);
	out->vendor_caps++;
	/* virtio v1.3 §4.1.4.1 Driver Requirements: Virtio Structure PCI
	 * Capabilities: BAR values 0x6..0xff are reserved and such a
	 * capability MUST be ignored (the PCI config access capability has no
	 * BAR of its own to check). A body running past the standard config
	 * space is malformed too. */
	if (!r || cap_len < need || pos + need > PCI_CFG_SPACE_SIZE ||
	    (bar >= PCI_NUM_BARS && type != VIRTIO_PCI_CAP_PCI_CFG)) {
		out->ignored_caps++;
		return;
	}
	if (r->found)
		return;
	r->found = true;
	r->bar = bar;
	r->cap_off = pos;
	r->offset = cfg_le32(cfg, (uint16_t)(pos + offsetof(struct virtio_pci_cap, offset)));
	r->length = cfg_le32(cfg, (uint16_t)(pos + offsetof(struct virtio_pci_cap, length)));
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		out->notify_off_multiplier = cfg_le32(
		    cfg, (uint16_t)(pos + offsetof(struct virtio_pci_notify_cap, notify_off_multiplier)));
}

int vpci_parse_caps(const volatile uint8_t *cfg, size_t len, bool want_device, struct vpci_caps *out)
{
	memset(out, 0, sizeof(*out));
	out->list_broken = pci_capwalk_std_problem(cfg, len) != NULL;
	/* A broken list may loop through vendor capabilities: visit each
	 * dword-aligned position (0x40..0xfc) once. */
	uint64_t visited = 0;
	for (uint16_t pos = pci_capwalk_std(cfg, len, PCI_CAP_ID_VNDR, 0); pos;
	     pos = pci_capwalk_std(cfg, len, PCI_CAP_ID_VNDR, pos)) {
		uint64_t bit = 1ull << ((pos - PCI_CAP_MIN_OFFSET) / 4);
		if (visited & bit)
			break;
		visited |= bit;
		parse_vendor_cap(cfg, pos, out);
	}
	bool ok = out->common.found && out->notify.found && out->isr.found &&
	          (!want_device || out->device.found) && !out->list_broken;
	return ok ? 0 : -1;
}

bool vpci_region_fits(const struct vpci_region *r, uint64_t bar_size)
{
	return r->found && bar_size != 0 && (uint64_t)r->offset + r->length <= bar_size;
}

int64_t vpci_notify_offset(const struct vpci_caps *c, uint16_t queue_notify_off, unsigned width)
{
	uint64_t off = (uint64_t)queue_notify_off * c->notify_off_multiplier;
	if (!c->notify.found || off + width > c->notify.length)
		return -1;
	return (int64_t)off;
}
