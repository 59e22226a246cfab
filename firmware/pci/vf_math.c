/* firmware/pci/vf_math.c: where VFs are and what page size to program.
 *
 * PCIe 6.0 §9.3.3.9/10: VF n (1-based in the spec) has Routing ID
 * PF RID + First VF Offset + (n - 1) x VF Stride, a 16-bit sum that may
 * carry into the bus number. §9.3.3.13: System Page Size holds exactly one
 * bit of Supported Page Sizes; VF BARs are aligned to it. */
#include "pci/pci_pure.h"

bool pci_vf_rid_calc(pci_rid pf, uint16_t offset, uint16_t stride, uint16_t i, pci_rid *out)
{
	uint32_t rid = (uint32_t)pf + offset + (uint32_t)i * stride;
	if (rid > 0xffff)
		return false;
	*out = (pci_rid)rid;
	return true;
}

bool pci_vf_last_bus(pci_rid pf, uint16_t offset, uint16_t stride, uint16_t n, uint8_t *bus)
{
	pci_rid last;
	if (!n)
		return false;
	if (!pci_vf_rid_calc(pf, offset, stride, (uint16_t)(n - 1), &last))
		return false;
	*bus = (uint8_t)(last >> 8);
	return true;
}

uint32_t pci_sriov_pick_page_size(uint32_t supported, uint64_t page_bytes)
{
	for (unsigned n = 0; n < 32; n++)
		if ((1ull << (n + PCI_SRIOV_PGSIZE_SHIFT)) == page_bytes && (supported & (1u << n)))
			return 1u << n;
	return supported & (~supported + 1);
}
