/* firmware/pci/ecam.c: configuration access through ECAM (PCIe 6.0 §7.2.2).
 *
 * The window comes from the ACPI MCFG table (never hard-coded). Accesses
 * are naturally aligned and of the size asked: an offset past the 4 KiB of
 * a function, a misaligned one, or a bus outside the MCFG range reads all
 * ones and drops the write, as a master abort would. */
#include <stdio.h>

#include "boot/acpi.h"
#include "boot/io.h"
#include "lib/tap.h"
#include "pci/pci_internal.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

static struct pci_ecam ecam;
static bool ecam_ok;
static const char *ecam_error;

int pci_ecam_init(void)
{
	if (ecam_ok)
		return 0;
	enum acpi_status st;
	const struct acpi_sdt_header *t = acpi_find("MCFG", &st);
	if (!t) {
		ecam_error = acpi_status_name(st);
		tap_diag("pci: no usable MCFG table: %s", ecam_error);
		return -1;
	}
	enum pci_mcfg_status ms = pci_mcfg_parse(t, &ecam);
	if (ms != PCI_MCFG_OK) {
		ecam_error = pci_mcfg_status_name(ms);
		tap_diag("pci: MCFG table rejected: %s", ecam_error);
		return -1;
	}
	ecam_ok = true;
	tap_diag("pci: ECAM at 0x%llx, segment %u, buses %02x-%02x (from MCFG)",
	         (unsigned long long)ecam.base, ecam.segment, ecam.start_bus, ecam.end_bus);
	return 0;
}

bool pci_ecam_found(void)
{
	return ecam_ok;
}
const char *pci_ecam_error(void)
{
	return ecam_error ? ecam_error : "pci_init() not called";
}

bool pci_ecam_bus_range(uint8_t *start, uint8_t *end)
{
	if (!ecam_ok)
		return false;
	*start = ecam.start_bus;
	*end = ecam.end_bus;
	return true;
}

volatile uint8_t *pci_ecam_window(pci_rid rid)
{
	uint8_t bus = rid >> 8;
	if (!ecam_ok || bus < ecam.start_bus || bus > ecam.end_bus)
		return NULL;
	return (volatile uint8_t *)(uintptr_t)(ecam.base + ((uint64_t)rid << PCI_ECAM_DEVFN_SHIFT));
}

static volatile uint8_t *reg(pci_rid rid, uint16_t off, unsigned size)
{
	if (off >= PCI_CFG_EXT_SPACE_SIZE || (off & (size - 1)))
		return NULL;
	volatile uint8_t *w = pci_ecam_window(rid);
	return w ? w + off : NULL;
}

uint8_t pci_cfg_read8(pci_rid rid, uint16_t off)
{
	volatile uint8_t *p = reg(rid, off, 1);
	return p ? mmio_read8(p) : 0xff;
}

uint16_t pci_cfg_read16(pci_rid rid, uint16_t off)
{
	volatile uint8_t *p = reg(rid, off, 2);
	return p ? mmio_read16(p) : 0xffff;
}

uint32_t pci_cfg_read32(pci_rid rid, uint16_t off)
{
	volatile uint8_t *p = reg(rid, off, 4);
	return p ? mmio_read32(p) : 0xffffffffu;
}

void pci_cfg_write8(pci_rid rid, uint16_t off, uint8_t v)
{
	volatile uint8_t *p = reg(rid, off, 1);
	if (p)
		mmio_write8(p, v);
}

void pci_cfg_write16(pci_rid rid, uint16_t off, uint16_t v)
{
	volatile uint8_t *p = reg(rid, off, 2);
	if (p)
		mmio_write16(p, v);
}

void pci_cfg_write32(pci_rid rid, uint16_t off, uint32_t v)
{
	volatile uint8_t *p = reg(rid, off, 4);
	if (p)
		mmio_write32(p, v);
}
