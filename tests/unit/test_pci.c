/* tests/unit/test_pci.c: the pure parts of firmware/pci over hand-made
 * config spaces and tables: MCFG parsing, capability walks (including
 * looping and out-of-bounds lists), BAR decode, window allocation, VF RID
 * arithmetic and page-size choice. */
#include <stdlib.h>
#include <string.h>

#include "pci/pci_pure.h"
#include "pci/pci_regs.h"
#include "unit.h"

static uint8_t cfg[4096] __attribute__((aligned(8)));

static void put16(uint16_t off, uint16_t v)
{
	memcpy(cfg + off, &v, 2);
}
static void put32(uint16_t off, uint32_t v)
{
	memcpy(cfg + off, &v, 4);
}

static void reset_cfg(void)
{
	memset(cfg, 0, sizeof(cfg));
	put16(PCI_VENDOR_ID, 0x1af4);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
}

static void test_std_caps(void)
{
	reset_cfg();
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[0x40] = PCI_CAP_ID_MSIX, cfg[0x41] = 0x50;
	cfg[0x50] = PCI_CAP_ID_VNDR, cfg[0x51] = 0x60;
	cfg[0x60] = PCI_CAP_ID_VNDR, cfg[0x61] = 0x70;
	cfg[0x70] = PCI_CAP_ID_EXP, cfg[0x71] = 0x00;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_EXP, 0), 0x70, "walk", "std: finds the last cap");
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_VNDR, 0), 0x50, "walk", "std: first vendor cap");
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_VNDR, 0x50), 0x60, "walk", "std: next vendor cap");
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_VNDR, 0x60), 0, "walk",
	             "std: no third vendor cap");
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_MSI, 0), 0, "walk", "std: absent cap");
	tap_check_true(pci_capwalk_std_problem(cfg, 4096) == NULL, "walk", "std: sound list has no problem");
	/* low bits of the pointer are reserved: masked */
	cfg[0x41] = 0x53;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_EXP, 0), 0x70, "walk",
	             "std: pointer bits 1:0 ignored");
	/* a loop */
	cfg[0x71] = 0x40;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_MSI, 0), 0, "walk", "std: loop ends");
	tap_check_true(pci_capwalk_std_problem(cfg, 4096) != NULL, "walk", "std: loop reported");
	/* self loop */
	cfg[0x71] = 0x70;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_MSI, 0), 0, "walk", "std: self loop ends");
	/* pointer into the header */
	cfg[0x71] = 0x10;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_MSI, 0), 0, "walk",
	             "std: pointer into header stops");
	tap_check_true(pci_capwalk_std_problem(cfg, 4096) != NULL, "walk",
	               "std: pointer into header reported");
	/* no capability list bit */
	cfg[0x71] = 0;
	put16(PCI_STATUS, 0);
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_EXP, 0), 0, "walk",
	             "std: Status.CapList clear: none");
	/* nothing answers: all ones */
	memset(cfg, 0xff, sizeof(cfg));
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_EXP, 0), 0, "walk", "std: all-ones space: none");
	tap_check_true(pci_capwalk_std_problem(cfg, 4096) == NULL, "walk",
	               "std: all-ones space: not a problem");
	/* a VF: Vendor ID 0xFFFF but a real list */
	reset_cfg();
	put16(PCI_VENDOR_ID, 0xffff);
	put16(PCI_DEVICE_ID, 0xffff);
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[0x40] = PCI_CAP_ID_EXP;
	tap_check_eq(pci_capwalk_std(cfg, 4096, PCI_CAP_ID_EXP, 0), 0x40, "walk",
	             "std: VF (vendor 0xffff) walked");
	/* a 256-byte buffer is enough for the standard walk */
	tap_check_eq(pci_capwalk_std(cfg, 256, PCI_CAP_ID_EXP, 0), 0x40, "walk", "std: 256-byte space");
	tap_check_eq(pci_capwalk_std(cfg, 64, PCI_CAP_ID_EXP, 0), 0, "walk", "std: too short a space");
}

static uint32_t ext_hdr(uint16_t id, unsigned ver, uint16_t next)
{
	return id | ver << 16 | (uint32_t)next << 20;
}

static void test_ext_caps(void)
{
	reset_cfg();
	put32(0x100, ext_hdr(PCI_EXT_CAP_ID_SRIOV, 1, 0x140));
	put32(0x140, ext_hdr(PCI_EXT_CAP_ID_ARI, 1, 0x150));
	put32(0x150, ext_hdr(0x0b, 1, 0x160));
	put32(0x160, ext_hdr(0x0b, 1, 0));
	tap_check_eq(pci_capwalk_ext(cfg, 4096, PCI_EXT_CAP_ID_SRIOV, 0), 0x100, "walk", "ext: first");
	tap_check_eq(pci_capwalk_ext(cfg, 4096, PCI_EXT_CAP_ID_ARI, 0), 0x140, "walk", "ext: second");
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0b, 0x150), 0x160, "walk", "ext: next of same id");
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0b, 0x160), 0, "walk", "ext: none after last");
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0001, 0), 0, "walk", "ext: absent id");
	tap_check_true(pci_capwalk_ext_problem(cfg, 4096) == NULL, "walk", "ext: sound list");
	put32(0x160, ext_hdr(0x0b, 1, 0x100));
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0001, 0), 0, "walk", "ext: loop ends");
	tap_check_true(pci_capwalk_ext_problem(cfg, 4096) != NULL, "walk", "ext: loop reported");
	put32(0x160, ext_hdr(0x0b, 1, 0x80));
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0001, 0), 0, "walk", "ext: pointer below 0x100 stops");
	tap_check_true(pci_capwalk_ext_problem(cfg, 4096) != NULL, "walk",
	               "ext: pointer below 0x100 reported");
	put32(0x160, 0xfff0000bu); /* next = 0xfff: masked to 0xffc, inside */
	put32(0xffc, 0);
	tap_check_eq(pci_capwalk_ext(cfg, 4096, 0x0001, 0), 0, "walk", "ext: next 0xffc, zero header ends");
	put32(0x100, 0);
	tap_check_eq(pci_capwalk_ext(cfg, 4096, PCI_EXT_CAP_ID_ARI, 0), 0, "walk",
	             "ext: zero header at 0x100");
	put32(0x100, 0xffffffffu);
	tap_check_eq(pci_capwalk_ext(cfg, 4096, PCI_EXT_CAP_ID_ARI, 0), 0, "walk", "ext: all ones at 0x100");
	put32(0x100, ext_hdr(PCI_EXT_CAP_ID_SRIOV, 1, 0));
	tap_check_eq(pci_capwalk_ext(cfg, 256, PCI_EXT_CAP_ID_SRIOV, 0), 0, "walk", "ext: no extended space");
}

static void test_bar_decode(void)
{
	struct pci_bar b;
	/* 32-bit memory BAR, 4 KiB at 0xc0003000 */
	tap_check_eq(pci_bar_decode(0xc0003000, 0, 0xfffff000, 0, &b), 1, "bar", "32-bit uses one register");
	tap_check_true(b.size == 0x1000 && b.base == 0xc0003000 && !b.is_64 && !b.is_io && !b.prefetchable,
	               "bar", "32-bit mem: size 4 KiB, base kept");
	/* 64-bit prefetchable, 16 KiB */
	tap_check_eq(pci_bar_decode(0x0000c00c, 0xe0, 0xffffc00c, 0xffffffff, &b), 2, "bar",
	             "64-bit uses two registers");
	tap_check_true(b.size == 0x4000 && b.base == 0xe00000c000ull && b.is_64 && b.prefetchable, "bar",
	               "64-bit pref: size 16 KiB, base from both halves");
	/* 64-bit BAR larger than 4 GiB: low half all zero writable bits */
	pci_bar_decode(0x0c, 0, 0x0c, 0xfffffffe, &b);
	tap_check_eq(b.size, 0x200000000ull, "bar", "64-bit 8 GiB BAR sized from the upper half");
	/* not implemented */
	pci_bar_decode(0, 0, 0, 0, &b);
	tap_check_true(b.size == 0 && b.base == 0, "bar", "unimplemented BAR: size 0");
	/* I/O, 32 bytes, 16-bit decoder */
	pci_bar_decode(0x6241, 0, 0x0000ffe1, 0, &b);
	tap_check_true(b.is_io && b.size == 0x20 && b.base == 0x6240, "bar", "16-bit I/O BAR: 32 bytes");
	pci_bar_decode(0x6241, 0, 0xffffffe1, 0, &b);
	tap_check_true(b.is_io && b.size == 0x20, "bar", "32-bit I/O BAR: 32 bytes");
	tap_check_eq(pci_bar_size_from_mask(0xfff00000), 0x100000, "bar", "size from mask: lowest set bit");
	tap_check_eq(pci_bar_size_from_mask(0), 0, "bar", "size from empty mask: 0");
}

static void test_window(void)
{
	struct pci_range win = {0xc0000000, 0x200000};
	struct pci_range busy[] = {{0xc0000000, 0x1000}, {0xc0003000, 0x1000}, {0xc0100000, 0x80000}};
	uint64_t a = 0;
	tap_check_true(pci_window_alloc(win, busy, 3, 0x1000, 0x1000, &a) && a == 0xc0001000, "window",
	               "first free 4 KiB slot");
	tap_check_true(pci_window_alloc(win, busy, 3, 0x3000, 0x1000, &a) && a == 0xc0004000, "window",
	               "12 KiB skips the 4 KiB hole");
	tap_check_true(pci_window_alloc(win, busy, 3, 0x10000, 0x10000, &a) && a == 0xc0010000, "window",
	               "64 KiB aligned to 64 KiB");
	tap_check_true(pci_window_alloc(win, busy, 3, 0x80000, 0x80000, &a) && a == 0xc0080000, "window",
	               "512 KiB in the aligned gap before the busy range");
	tap_check_true(!pci_window_alloc(win, busy, 3, 0x100000, 0x100000, &a), "window",
	               "1 MiB aligned: both slots taken");
	tap_check_true(!pci_window_alloc(win, busy, 3, 0x200000, 0x1000, &a), "window", "no room: false");
	tap_check_true(!pci_window_alloc(win, busy, 3, 0x1000, 0x3000, &a), "window",
	               "non power of two alignment");
	tap_check_true(!pci_window_alloc((struct pci_range){0, 0}, busy, 0, 0x1000, 0x1000, &a), "window",
	               "closed window: false");
	struct pci_range top = {0xfffffffffff00000ull, 0x100000};
	tap_check_true(pci_window_alloc(top, NULL, 0, 0x100000, 0x1000, &a) && a == top.base, "window",
	               "window at the top of the address space");
	tap_check_true(!pci_window_alloc(top, NULL, 0, 0x200000, 0x1000, &a), "window",
	               "no overflow at the top");
	/* unsorted, overlapping busy list */
	struct pci_range messy[] = {{0xc0002000, 0x3000}, {0xc0000000, 0x2800}};
	tap_check_true(pci_window_alloc(win, messy, 2, 0x1000, 0x1000, &a) && a == 0xc0005000, "window",
	               "overlapping unsorted busy ranges");
	struct pci_range m = pci_bridge_mem_window(0xc000, 0xc010);
	tap_check_true(m.base == 0xc0000000 && m.size == 0x200000, "window", "memory window decode");
	m = pci_bridge_mem_window(0xfff0, 0x0000);
	tap_check_eq(m.size, 0, "window", "closed memory window (limit < base)");
	m = pci_bridge_pref_window(0x0001, 0x1ff1, 0xe0, 0xe0);
	tap_check_true(m.base == 0xe000000000ull && m.size == 0x20000000, "window",
	               "64-bit prefetchable window");
	tap_check_true(pci_ranges_overlap((struct pci_range){0, 0x10}, (struct pci_range){0xf, 1}) &&
	                   !pci_ranges_overlap((struct pci_range){0, 0x10}, (struct pci_range){0x10, 1}) &&
	                   !pci_ranges_overlap((struct pci_range){0, 0}, (struct pci_range){0, 1}),
	               "window", "range overlap edges");
}

static void test_vf_math(void)
{
	pci_rid r = 0;
	tap_check_true(pci_vf_rid_calc(0x0100, 1, 1, 0, &r) && r == 0x0101, "vf", "VF0 = PF + offset");
	tap_check_true(pci_vf_rid_calc(0x0100, 1, 1, 254, &r) && r == 0x01ff, "vf", "VF254 at devfn 255");
	tap_check_true(pci_vf_rid_calc(0x0100, 0x80, 2, 64, &r) && r == 0x0200, "vf",
	               "carry into the next bus");
	tap_check_true(!pci_vf_rid_calc(0xff00, 0x100, 1, 0xff, &r), "vf", "beyond RID ffff: false");
	uint8_t bus = 0;
	tap_check_true(pci_vf_last_bus(0x0100, 1, 1, 255, &bus) && bus == 1, "vf", "255 VFs stay on the bus");
	tap_check_true(pci_vf_last_bus(0x0100, 1, 1, 256, &bus) && bus == 2, "vf",
	               "256 VFs reach the next bus");
	tap_check_true(!pci_vf_last_bus(0x0100, 1, 1, 0, &bus), "vf", "no VFs: no last bus");
	tap_check_eq(pci_sriov_pick_page_size(0x553, 4096), 1, "vf", "4 KiB chosen when supported");
	tap_check_eq(pci_sriov_pick_page_size(0x550, 4096), 0x10, "vf", "lowest supported otherwise");
	tap_check_eq(pci_sriov_pick_page_size(0, 4096), 0, "vf", "none supported: 0");
	tap_check_eq(pci_sriov_page_bytes(0x10), 0x10000, "vf", "bit 4 = 64 KiB");
	tap_check_eq(pci_sriov_page_bytes(0x400), 0x400000, "vf", "bit 10 = 4 MiB");
	tap_check_eq(pci_popcount32(0x553), 6, "vf", "popcount of required sizes");
}

struct __attribute__((packed)) mcfg_fake {
	struct acpi_sdt_header h;
	uint8_t reserved[8];
	uint8_t e[2][16];
};

static void test_mcfg(void)
{
	struct mcfg_fake m;
	memset(&m, 0, sizeof(m));
	memcpy(m.h.signature, "MCFG", 4);
	m.h.length = sizeof(m);
	uint64_t base = 0xb0000000;
	memcpy(m.e[0], &base, 8);
	m.e[0][8] = 1; /* segment 1 first */
	m.e[0][11] = 0xff;
	memcpy(m.e[1], &base, 8);
	m.e[1][10] = 0;
	m.e[1][11] = 0x7f;
	struct pci_ecam ec;
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_OK, "mcfg", "segment 0 found after segment 1");
	tap_check_true(ec.base == base && ec.start_bus == 0 && ec.end_bus == 0x7f, "mcfg",
	               "segment 0 fields");
	tap_check_eq(pci_mcfg_parse(NULL, &ec), PCI_MCFG_NULL, "mcfg", "no table");
	m.h.length = 44;
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_SHORT, "mcfg", "no entries");
	m.h.length = 44 + 20;
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_BAD_LENGTH, "mcfg", "partial entry");
	m.h.length = 44 + 16;
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_NO_SEGMENT0, "mcfg", "only segment 1");
	m.h.length = sizeof(m);
	m.e[1][10] = 0x80;
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_BAD_RANGE, "mcfg", "end below start");
	m.e[1][10] = 0;
	base = 0xb0001000;
	memcpy(m.e[1], &base, 8);
	tap_check_eq(pci_mcfg_parse(&m.h, &ec), PCI_MCFG_BAD_RANGE, "mcfg", "unaligned base");
	tap_check_true(strlen(pci_mcfg_status_name(PCI_MCFG_BAD_RANGE)) > 0, "mcfg", "status names");
}

int main(void)
{
	tap_begin();
	test_std_caps();
	test_ext_caps();
	test_bar_decode();
	test_window();
	test_vf_math();
	test_mcfg();
	return unit_done();
}
