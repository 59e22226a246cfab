/* firmware/pci/window.c: finding room for BARs inside a bridge window.
 *
 * PCIe 6.0 §7.5.1.3.8-11: a Type 1 function forwards memory requests in
 * [base, limit] of its memory and prefetchable windows (1 MiB granularity),
 * so a BAR below it only decodes if it lies inside one of them. */
#include "pci/pci_pure.h"

struct pci_range pci_bridge_mem_window(uint16_t base_reg, uint16_t limit_reg)
{
	uint64_t base = (uint64_t)(base_reg & PCI_MEMORY_RANGE_MASK) << 16;
	uint64_t limit = ((uint64_t)(limit_reg & PCI_MEMORY_RANGE_MASK) << 16) | 0xfffffu;
	if (limit < base)
		return (struct pci_range){0, 0};
	return (struct pci_range){base, limit - base + 1};
}

struct pci_range pci_bridge_pref_window(uint16_t base_reg, uint16_t limit_reg, uint32_t base_upper,
                                        uint32_t limit_upper)
{
	uint64_t base = (uint64_t)(base_reg & PCI_MEMORY_RANGE_MASK) << 16;
	uint64_t limit = ((uint64_t)(limit_reg & PCI_MEMORY_RANGE_MASK) << 16) | 0xfffffu;
	if ((base_reg & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64) {
		base |= (uint64_t)base_upper << 32;
		limit |= (uint64_t)limit_upper << 32;
	}
	if (limit < base)
		return (struct pci_range){0, 0};
	return (struct pci_range){base, limit - base + 1};
}

bool pci_window_alloc(struct pci_range win, const struct pci_range *busy, size_t nbusy, uint64_t size,
                      uint64_t align, uint64_t *addr)
{
	if (!size || !win.size || !align || (align & (align - 1)))
		return false;
	/* Inclusive last addresses: a window may end at the top of the
	 * 64-bit space. */
	uint64_t win_last = win.base + (win.size - 1);
	if (win_last < win.base)
		return false;
	uint64_t a = (win.base + align - 1) & ~(align - 1);
	if (a < win.base)
		return false;
	/* Each pass either succeeds or moves past one busy range, so at most
	 * nbusy + 1 passes. */
	for (size_t pass = 0; pass <= nbusy; pass++) {
		uint64_t last = a + (size - 1);
		if (last < a || last > win_last)
			return false;
		struct pci_range cand = {a, size};
		bool hit = false;
		uint64_t next = a;
		for (size_t i = 0; i < nbusy; i++) {
			if (!pci_ranges_overlap(cand, busy[i]))
				continue;
			uint64_t end = busy[i].base + busy[i].size; /* exclusive */
			if (end < busy[i].base)
				return false; /* busy up to the top: nothing above */
			hit = true;
			if (end > next)
				next = end;
		}
		if (!hit) {
			*addr = a;
			return true;
		}
		uint64_t na = (next + align - 1) & ~(align - 1);
		if (na < next)
			return false;
		a = na;
	}
	return false;
}
