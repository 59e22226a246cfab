/* firmware/pci/bar.c: sizing BARs on the device (PCIe 6.0 §7.5.1.2.1).
 * The arithmetic is in bar_decode.c. Decode is switched off in the Command
 * register while a BAR holds all ones, so the probe value never claims
 * addresses. */
#include "boot/io.h"
#include "pci/pci.h"
#include "pci/pci_internal.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

unsigned pci_bar_probe(pci_rid rid, uint16_t off, struct pci_bar *out)
{
	if (off & 3 || off + 4 > PCI_CFG_EXT_SPACE_SIZE)
		return 0;
	uint32_t lo = pci_cfg_read32(rid, off), hi = 0, plo, phi = 0;
	bool is64 = !(lo & PCI_BAR_SPACE_IO) && (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
	pci_cfg_write32(rid, off, 0xffffffffu);
	plo = pci_cfg_read32(rid, off);
	pci_cfg_write32(rid, off, lo);
	if (is64 && off + 8 <= PCI_CFG_EXT_SPACE_SIZE) {
		hi = pci_cfg_read32(rid, off + 4);
		pci_cfg_write32(rid, off + 4, 0xffffffffu);
		phi = pci_cfg_read32(rid, off + 4);
		pci_cfg_write32(rid, off + 4, hi);
	}
	return pci_bar_decode(lo, hi, plo, phi, out);
}

void pci_func_size_bars(struct pci_func *f)
{
	unsigned n = f->header_type == PCI_HEADER_TYPE_NORMAL   ? 6
	             : f->header_type == PCI_HEADER_TYPE_BRIDGE ? 2
	                                                        : 0;
	if (!n)
		return;
	uint16_t cmd = pci_cfg_read16(f->rid, PCI_COMMAND);
	pci_cfg_write16(f->rid, PCI_COMMAND, cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
	for (unsigned i = 0; i < n;) {
		unsigned used = pci_bar_probe(f->rid, PCI_BASE_ADDRESS_0 + 4 * i, &f->bar[i]);
		i += used ? used : 1;
	}
	pci_cfg_write16(f->rid, PCI_COMMAND, cmd);
}

void pci_bar_restore(const struct pci_func *f)
{
	if (f->is_vf)
		return; /* VF BARs live in the PF's SR-IOV capability */
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];
		if (!b->size)
			continue;
		uint16_t off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t type =
		    pci_cfg_read32(f->rid, off) & (b->is_io ? PCI_BAR_IO_FLAGS : PCI_BAR_MEM_FLAGS);
		pci_cfg_write32(f->rid, off, (uint32_t)b->base | type);
		if (b->is_64 && i + 1 < PCI_NUM_BARS)
			pci_cfg_write32(f->rid, off + 4, (uint32_t)(b->base >> 32));
	}
}

uint32_t pci_bar_read32(const struct pci_func *f, unsigned bar, uint64_t off)
{
	if (bar >= PCI_NUM_BARS || !f->bar[bar].size || !f->bar[bar].base || f->bar[bar].is_io ||
	    off + 4 > f->bar[bar].size || (off & 3))
		return 0xffffffffu;
	return mmio_read32((volatile void *)(uintptr_t)(f->bar[bar].base + off));
}

void pci_bar_write32(const struct pci_func *f, unsigned bar, uint64_t off, uint32_t v)
{
	if (bar >= PCI_NUM_BARS || !f->bar[bar].size || !f->bar[bar].base || f->bar[bar].is_io ||
	    off + 4 > f->bar[bar].size || (off & 3))
		return;
	mmio_write32((volatile void *)(uintptr_t)(f->bar[bar].base + off), v);
}

bool pci_msix_table(pci_rid rid, unsigned *bar, uint32_t *off)
{
	uint16_t c = pci_find_cap(rid, PCI_CAP_ID_MSIX, 0);
	if (!c)
		return false;
	uint32_t t = pci_cfg_read32(rid, c + PCI_MSIX_TABLE);
	*bar = t & PCI_MSIX_TABLE_BIR;
	*off = t & ~PCI_MSIX_TABLE_BIR;
	return *bar < PCI_NUM_BARS;
}
