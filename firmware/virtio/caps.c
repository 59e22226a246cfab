/* firmware/virtio/caps.c: virtio structure capabilities (pure). */
#include "virtio/caps.h"

#include <string.h>

#include "virtio/spec_pci.h"

#define PCI_STATUS          0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_MAX_CAPS        48 /* (256 - 64) / 4 */

static uint32_t rd32(vpci_cfg_read8_fn rd, void *ctx, uint16_t off)
{
	return (uint32_t)rd(ctx, off) | (uint32_t)rd(ctx, (uint16_t)(off + 1)) << 8 |
	       (uint32_t)rd(ctx, (uint16_t)(off + 2)) << 16 | (uint32_t)rd(ctx, (uint16_t)(off + 3)) << 24;
}

int vpci_parse_caps(vpci_cfg_read8_fn rd, void *ctx, bool want_device, struct vpci_caps *out)
{
	memset(out, 0, sizeof(*out));
	if (!(rd(ctx, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -1;
	uint8_t pos = rd(ctx, PCI_CAPABILITY_LIST) & 0xfc;
	for (int n = 0; pos; n++) {
		if (n >= PCI_MAX_CAPS || pos < 0x40) {
			out->list_broken = true;
			break;
		}
		uint8_t id = rd(ctx, pos), next = rd(ctx, (uint16_t)(pos + 1)) & 0xfc;
		if (id == PCI_CAP_ID_VNDR) {
			uint8_t cap_len = rd(ctx, (uint16_t)(pos + 2));
			uint8_t type = rd(ctx, (uint16_t)(pos + 3));
			uint8_t bar = rd(ctx, (uint16_t)(pos + 4));
			struct vpci_region *r = NULL;
			switch (type) {
			case VIRTIO_PCI_CAP_COMMON_CFG:
				r = &out->common;
				break;
			case VIRTIO_PCI_CAP_NOTIFY_CFG:
				r = &out->notify;
				break;
			case VIRTIO_PCI_CAP_ISR_CFG:
				r = &out->isr;
				break;
			case VIRTIO_PCI_CAP_DEVICE_CFG:
				r = &out->device;
				break;
			case VIRTIO_PCI_CAP_PCI_CFG:
				r = &out->pci_cfg;
				break;
			default:
				break;
			}
			out->vendor_caps++;
			unsigned need = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20u : 16u;
			/* virtio v1.3 §4.1.4: BAR values 0x6..0xff are reserved and
			 * such a capability MUST be ignored (the PCI config access
			 * capability has no BAR of its own to check). */
			if (!r || cap_len < need || (bar > 5 && type != VIRTIO_PCI_CAP_PCI_CFG)) {
				out->ignored_caps++;
			} else if (!r->found) {
				r->found = true;
				r->bar = bar;
				r->cap_off = pos;
				r->offset = rd32(rd, ctx, (uint16_t)(pos + 8));
				r->length = rd32(rd, ctx, (uint16_t)(pos + 12));
				if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
					out->notify_off_multiplier = rd32(rd, ctx, (uint16_t)(pos + 16));
			}
		}
		pos = next;
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
