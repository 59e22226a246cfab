/* firmware/pci/pci_pure.h: the parts of PCI handling that are plain logic
 * over values and buffers (no port or MMIO access of their own), so that
 * tests/unit can run them on the host with sanitizers. The hardware side
 * (ecam.c, enum.c, bar.c, sriov.c) feeds them what it read. */
#ifndef VFPROBE_PCI_PCI_PURE_H
#define VFPROBE_PCI_PCI_PURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/acpi.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"

/* --- mcfg.c: ECAM from the MCFG table (PCI Firmware 3.3 §4.1.2) -------- */
struct pci_ecam {
	uint64_t base; /* address of bus 0 of the segment (even if start_bus > 0) */
	uint16_t segment;
	uint8_t start_bus, end_bus;
};

enum pci_mcfg_status {
	PCI_MCFG_OK = 0,
	PCI_MCFG_NULL,        /* no table */
	PCI_MCFG_SHORT,       /* length below header + one entry */
	PCI_MCFG_BAD_LENGTH,  /* entries not a whole number of 16-byte structures */
	PCI_MCFG_NO_SEGMENT0, /* no entry for segment 0 */
	PCI_MCFG_BAD_RANGE,   /* end bus < start bus, or base not 1 MiB aligned */
};

const char *pci_mcfg_status_name(enum pci_mcfg_status s);
/* The segment 0 entry of a (checksum-verified) MCFG table. */
enum pci_mcfg_status pci_mcfg_parse(const struct acpi_sdt_header *t, struct pci_ecam *out);

/* --- capwalk.c: capability lists over one function's config space ------- */
/* `cfg` is the function's config space: the ECAM window, or a buffer of
 * `len` bytes (256 or 4096) in the unit tests. Each walk visits at most as
 * many entries as fit in the space, so a looping list ends. */
uint16_t pci_capwalk_std(const volatile uint8_t *cfg, size_t len, uint8_t id, uint16_t after);
uint16_t pci_capwalk_ext(const volatile uint8_t *cfg, size_t len, uint16_t id, uint16_t after);
/* Walk problems the enumeration reports: 0 when the list is sound, else a
 * static description (loop, pointer into the header, out of bounds). */
const char *pci_capwalk_std_problem(const volatile uint8_t *cfg, size_t len);
const char *pci_capwalk_ext_problem(const volatile uint8_t *cfg, size_t len);

/* --- bar_decode.c: BAR sizing arithmetic (§7.5.1.2.1) ------------------- */
/* Decode a BAR from its original value and what it read back after all ones
 * were written (`probe_hi` is the upper half for a 64-bit memory BAR, else
 * ignored). Returns the number of registers it used (1 or 2). */
unsigned pci_bar_decode(uint32_t orig_lo, uint32_t orig_hi, uint32_t probe_lo, uint32_t probe_hi,
                        struct pci_bar *out);
/* Size of a BAR from the writable mask read back (bits 0..3 already
 * cleared): the lowest set bit. 0 when nothing is writable. */
uint64_t pci_bar_size_from_mask(uint64_t mask);

/* --- window.c: placing BARs inside a bridge window ---------------------- */
struct pci_range {
	uint64_t base, size; /* size 0: empty */
};

static inline bool pci_ranges_overlap(struct pci_range a, struct pci_range b)
{
	return a.size && b.size && a.base <= b.base + (b.size - 1) && b.base <= a.base + (a.size - 1);
}

/* The lowest address >= win.base, aligned to `align` (a power of two),
 * such that [addr, addr + size) lies inside `win` and overlaps none of
 * `busy`. false when there is no room (or on arithmetic overflow). */
bool pci_window_alloc(struct pci_range win, const struct pci_range *busy, size_t nbusy, uint64_t size,
                      uint64_t align, uint64_t *addr);
/* Bridge window registers (§7.5.1.3.8/9) to a range; size 0 when the
 * window is closed (limit below base). */
struct pci_range pci_bridge_mem_window(uint16_t base_reg, uint16_t limit_reg);
struct pci_range pci_bridge_pref_window(uint16_t base_reg, uint16_t limit_reg, uint32_t base_upper,
                                        uint32_t limit_upper);

/* --- vf_math.c: SR-IOV routing IDs and page sizes (§9.3.3) -------------- */
/* RID of VF i (0-based): PF RID + First VF Offset + i x VF Stride, modulo
 * nothing: false when it leaves the 16-bit RID space (§9.3.3.9-10). */
bool pci_vf_rid_calc(pci_rid pf, uint16_t offset, uint16_t stride, uint16_t i, pci_rid *out);
/* The last bus any of `n` VFs lands on; false on overflow. */
bool pci_vf_last_bus(pci_rid pf, uint16_t offset, uint16_t stride, uint16_t n, uint8_t *bus);
/* System Page Size to program: the bit for `page_bytes` if supported, else
 * the lowest supported bit; 0 when `supported` is 0. */
uint32_t pci_sriov_pick_page_size(uint32_t supported, uint64_t page_bytes);
/* Bytes of a System Page Size / Supported Page Sizes bit (bit n = 2^(n+12)). */
static inline uint64_t pci_sriov_page_bytes(uint32_t pgsize_bit)
{
	for (unsigned n = 0; n < 32; n++)
		if (pgsize_bit & (1u << n))
			return 1ull << (n + PCI_SRIOV_PGSIZE_SHIFT);
	return 0;
}
static inline unsigned pci_popcount32(uint32_t v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

#endif
