/* firmware/pci/mcfg.c: ECAM location from the ACPI MCFG table.
 *
 * PCI Firmware Specification 3.3 §4.1.2: after the standard header and 8
 * reserved bytes come 16-byte "configuration space base address allocation"
 * structures. The base address is that of bus 0 of the segment, even when
 * the decoded range starts at a later bus (Linux reads it the same way). */
#include <string.h>

#include "boot/acpi.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

const char *pci_mcfg_status_name(enum pci_mcfg_status s)
{
	switch (s) {
	case PCI_MCFG_OK:
		return "ok";
	case PCI_MCFG_NULL:
		return "no MCFG table";
	case PCI_MCFG_SHORT:
		return "MCFG shorter than one allocation structure";
	case PCI_MCFG_BAD_LENGTH:
		return "MCFG length not a whole number of allocation structures";
	case PCI_MCFG_NO_SEGMENT0:
		return "MCFG has no entry for segment 0";
	case PCI_MCFG_BAD_RANGE:
		return "MCFG entry with end bus below start bus or unaligned base";
	}
	return "unknown MCFG status";
}

enum pci_mcfg_status pci_mcfg_parse(const struct acpi_sdt_header *t, struct pci_ecam *out)
{
	if (!t)
		return PCI_MCFG_NULL;
	uint32_t len = t->length;
	if (len < PCI_MCFG_ENTRIES + PCI_MCFG_ENTRY_SIZE)
		return PCI_MCFG_SHORT;
	if ((len - PCI_MCFG_ENTRIES) % PCI_MCFG_ENTRY_SIZE)
		return PCI_MCFG_BAD_LENGTH;
	const uint8_t *p = (const uint8_t *)t;
	for (uint32_t o = PCI_MCFG_ENTRIES; o + PCI_MCFG_ENTRY_SIZE <= len; o += PCI_MCFG_ENTRY_SIZE) {
		const uint8_t *e = p + o;
		if (acpi_get_le(e + PCI_MCFG_ENTRY_SEGMENT, 2) != 0)
			continue;
		struct pci_ecam ec = {
		    .base = acpi_get_le(e + PCI_MCFG_ENTRY_BASE, 8),
		    .segment = 0,
		    .start_bus = e[PCI_MCFG_ENTRY_START],
		    .end_bus = e[PCI_MCFG_ENTRY_END],
		};
		if (ec.end_bus < ec.start_bus || (ec.base & ((1ull << PCI_ECAM_BUS_SHIFT) - 1)) || !ec.base)
			return PCI_MCFG_BAD_RANGE;
		*out = ec;
		return PCI_MCFG_OK;
	}
	return PCI_MCFG_NO_SEGMENT0;
}
