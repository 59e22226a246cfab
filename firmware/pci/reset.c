/* firmware/pci/reset.c: Function Level Reset (PCIe 6.0 §6.6.2).
 * A function advertises FLR in Device Capabilities (§7.5.3.3); software
 * sets Initiate Function Level Reset in Device Control (§7.5.3.4) and must
 * wait 100 ms before it may expect the function to be ready again. */
#include "boot/timer.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"

bool pci_flr_capable(pci_rid rid)
{
	uint16_t exp = pci_find_cap(rid, PCI_CAP_ID_EXP, 0);
	return exp && (pci_cfg_read32(rid, exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR);
}

bool pci_flr(pci_rid rid)
{
	uint16_t exp = pci_find_cap(rid, PCI_CAP_ID_EXP, 0);
	if (!exp || !(pci_cfg_read32(rid, exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR))
		return false;
	uint16_t ctl = pci_cfg_read16(rid, exp + PCI_EXP_DEVCTL);
	pci_cfg_write16(rid, exp + PCI_EXP_DEVCTL, ctl | PCI_EXP_DEVCTL_BCR_FLR);
	udelay(PCI_FLR_WAIT_US);
	return true;
}
