/* tests/unit/test_virtio_caps.c: finding virtio structures in a fake
 * config space laid out like QEMU's virtio-pci (hw/virtio/virtio-pci.c). */
#include <string.h>

#include "lib/tap.h"
#include "pci/pci_regs.h"
#include "virtio/caps.h"
#include "virtio/spec_pci.h"

static uint8_t cfg[PCI_CFG_SPACE_SIZE];

static int parse(struct vpci_caps *c)
{
	return vpci_parse_caps(cfg, sizeof(cfg), true, c);
}

static void put32(unsigned off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void vcap(unsigned pos, unsigned next, uint8_t type, uint8_t bar, uint32_t off, uint32_t len,
                 uint8_t cap_len)
{
	cfg[pos] = PCI_CAP_ID_VNDR;
	cfg[pos + 1] = (uint8_t)next;
	cfg[pos + 2] = cap_len;
	cfg[pos + 3] = type;
	cfg[pos + 4] = bar;
	put32(pos + 8, off);
	put32(pos + 12, len);
}

static void qemu_like(void)
{
	memset(cfg, 0, sizeof(cfg));
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAPABILITY_LIST] = 0x98;
	cfg[0x98] = PCI_CAP_ID_MSIX;
	cfg[0x99] = 0x84;
	vcap(0x84, 0x70, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 20);
	vcap(0x70, 0x60, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000, 20);
	put32(0x70 + 16, 4);
	vcap(0x60, 0x50, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000, 16);
	vcap(0x50, 0x40, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000, 16);
	vcap(0x40, 0x00, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0, 0x1000, 16);
}

int main(void)
{
	struct vpci_caps c;
	tap_begin();

	qemu_like();
	tap_check_eq(parse(&c), 0, "virtio v1.3 §4.1.4", "QEMU-like layout parses");
	tap_check_true(c.common.found && c.common.bar == 4 && c.common.offset == 0 &&
	                   c.common.length == 0x1000,
	               "virtio v1.3 §4.1.4.3", "common cfg in BAR4 at 0");
	tap_check_true(c.notify.offset == 0x3000 && c.notify_off_multiplier == 4, "virtio v1.3 §4.1.4.4",
	               "notify region and multiplier");
	tap_check_true(c.device.offset == 0x2000 && c.isr.offset == 0x1000 && c.pci_cfg.found,
	               "virtio v1.3 §4.1.4", "device, ISR and PCI cfg access caps");
	tap_check_eq(c.vendor_caps, 5, "walk", "5 vendor capabilities seen");
	tap_check_eq(vpci_notify_offset(&c, 3, 2), 12, "virtio v1.3 §4.1.4.4: queue_notify_off x multiplier",
	             "queue 3 doorbell at 12");
	tap_check_eq(vpci_notify_offset(&c, 0x3ff, 2), 0xffc, "bounds", "last doorbell fits");
	tap_check_eq(vpci_notify_offset(&c, 0x400, 2), (uint64_t)-1,
	             "virtio v1.3 §4.1.4.4: cap.length >= off x mult + 2",
	             "doorbell past the region refused");
	tap_check_true(vpci_region_fits(&c.notify, 0x4000) && !vpci_region_fits(&c.notify, 0x3800),
	               "virtio v1.3 §4.1.4: structure inside its BAR", "region vs BAR size");

	/* A first notify cap with a reserved BAR must be skipped in favour of a
	 * later usable one. */
	qemu_like();
	cfg[PCI_CAPABILITY_LIST] = 0xa0;
	vcap(0xa0, 0x98, VIRTIO_PCI_CAP_NOTIFY_CFG, 7, 0x5000, 0x100, 20);
	tap_check_true(
	    parse(&c) == 0 && c.notify.bar == 4 && c.notify.offset == 0x3000 && c.ignored_caps == 1,
	    "virtio v1.3 §4.1.4: ignore a capability with a reserved BAR", "reserved-BAR notify cap ignored");

	/* A later instance of a type already found does not replace it. */
	qemu_like();
	cfg[0x41] = 0xb0;
	vcap(0xb0, 0x00, VIRTIO_PCI_CAP_COMMON_CFG, 2, 0x8000, 0x1000, 16);
	tap_check_true(parse(&c) == 0 && c.common.bar == 4 && c.common.offset == 0 && c.ignored_caps == 0 &&
	                   c.vendor_caps == 6,
	               "virtio v1.3 §4.1.4.1: the driver SHOULD use the first instance of each type",
	               "second common cfg cap does not replace the first");

	/* A cap_len too short for its type is ignored; a later good one wins. */
	qemu_like();
	cfg[PCI_CAPABILITY_LIST] = 0xa0;
	vcap(0xa0, 0x98, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x5000, 0x100, 16);
	tap_check_true(parse(&c) == 0 && c.notify.offset == 0x3000 && c.notify_off_multiplier == 4 &&
	                   c.ignored_caps == 1,
	               "virtio v1.3 §4.1.4.4: the notify capability is 20 bytes",
	               "notify cap with cap_len 16 ignored");
	qemu_like();
	cfg[0x60 + 2] = 12;
	tap_check_true(parse(&c) != 0 && !c.device.found && c.ignored_caps == 1,
	               "virtio v1.3 §4.1.4: struct virtio_pci_cap is 16 bytes",
	               "device cap with cap_len 12 ignored, so missing");

	/* Multiplier 0: every queue shares one doorbell. */
	qemu_like();
	put32(0x70 + 16, 0);
	parse(&c);
	tap_check_eq(vpci_notify_offset(&c, 9, 2), 0, "virtio v1.3 §4.1.4.4: multiplier 0 means one address",
	             "multiplier 0");

	/* Missing device cap. */
	qemu_like();
	cfg[0x51] = 0x00; /* ISR -> end; drops common too */
	cfg[0x70 + 1] = 0x50;
	tap_check_eq(parse(&c) == 0, 0, "virtio v1.3 §4.1.4.3: common cfg required",
	             "missing common/device cap refused");

	/* A loop in the list. */
	qemu_like();
	cfg[0x41] = 0x98;
	tap_check_true(parse(&c) != 0 && c.list_broken, "PCI 3.0 §6.7: list terminates",
	               "capability loop detected");

	/* A loop through vendor capabilities ends too. */
	qemu_like();
	cfg[0x41] = 0x70;
	tap_check_true(parse(&c) != 0 && c.list_broken && c.vendor_caps == 5, "PCI 3.0 §6.7: list terminates",
	               "loop through vendor caps: each parsed once");

	/* A pointer into the header. */
	qemu_like();
	cfg[0x51] = 0x20;
	tap_check_true(parse(&c) != 0 && c.list_broken, "PCIe 6.0 §7.5.1.1.11: capabilities after the header",
	               "pointer to 0x20 detected");

	/* No capability list at all. */
	memset(cfg, 0, sizeof(cfg));
	tap_check_eq(parse(&c) == 0, 0, "PCI 3.0 §6.8.1.2", "no cap list: refused");

	struct tap_counts n = tap_end();
	return n.failed ? 1 : 0;
}
