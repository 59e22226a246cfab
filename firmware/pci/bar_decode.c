/* firmware/pci/bar_decode.c: BAR sizing arithmetic (PCIe 6.0 §7.5.1.2.1).
 *
 * Software writes all ones to a BAR and reads back: the address bits that
 * stay 0 are the ones the function hard-wires, so the lowest writable bit
 * is the size. Bits 3:0 (memory) or 1:0 (I/O) are type bits, read-only. */
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

uint64_t pci_bar_size_from_mask(uint64_t mask)
{
	return mask & (~mask + 1);
}

unsigned pci_bar_decode(uint32_t orig_lo, uint32_t orig_hi, uint32_t probe_lo, uint32_t probe_hi,
                        struct pci_bar *out)
{
	struct pci_bar b = {0};
	unsigned used = 1;
	if (orig_lo & PCI_BAR_SPACE_IO) {
		b.is_io = true;
		uint64_t mask = probe_lo & (uint32_t)PCI_BAR_IO_MASK;
		/* 16-bit I/O decoders read the upper half as 0: only the low
		 * 16 bits count then. */
		if (!(mask & 0xffff0000u))
			mask |= 0xffff0000u;
		b.size = (probe_lo & (uint32_t)PCI_BAR_IO_MASK) ? pci_bar_size_from_mask(mask) : 0;
		b.base = orig_lo & (uint32_t)PCI_BAR_IO_MASK;
	} else {
		b.prefetchable = orig_lo & PCI_BAR_MEM_PREFETCH;
		b.is_64 = (orig_lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
		uint64_t mask = probe_lo & (uint32_t)PCI_BAR_MEM_MASK;
		b.base = orig_lo & (uint32_t)PCI_BAR_MEM_MASK;
		if (b.is_64) {
			used = 2;
			mask |= (uint64_t)probe_hi << 32;
			b.base |= (uint64_t)orig_hi << 32;
		} else {
			if (mask)
				mask |= 0xffffffff00000000ull;
		}
		b.size = pci_bar_size_from_mask(mask);
	}
	if (!b.size)
		b.base = 0;
	*out = b;
	return used;
}
