/* firmware/pci/caps.c: capability lookup by routing ID (the walk itself is
 * capwalk.c, which the unit tests run over hand-made config spaces). */
#include "pci/pci.h"
#include "pci/pci_internal.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

uint16_t pci_find_cap(pci_rid rid, uint8_t id, uint16_t after)
{
	volatile uint8_t *cfg = pci_ecam_window(rid);
	return cfg ? pci_capwalk_std(cfg, PCI_CFG_EXT_SPACE_SIZE, id, after) : 0;
}

uint16_t pci_find_ext_cap(pci_rid rid, uint16_t id, uint16_t after)
{
	volatile uint8_t *cfg = pci_ecam_window(rid);
	return cfg ? pci_capwalk_ext(cfg, PCI_CFG_EXT_SPACE_SIZE, id, after) : 0;
}

const char *pci_cap_list_problem(pci_rid rid)
{
	volatile uint8_t *cfg = pci_ecam_window(rid);
	if (!cfg)
		return NULL;
	const char *p = pci_capwalk_std_problem(cfg, PCI_CFG_EXT_SPACE_SIZE);
	return p ? p : pci_capwalk_ext_problem(cfg, PCI_CFG_EXT_SPACE_SIZE);
}

void pci_enable_mem_bus_master(pci_rid rid)
{
	uint16_t cmd = pci_cfg_read16(rid, PCI_COMMAND);
	struct pci_func *f = pci_find_rid(rid);
	bool io = false;
	for (unsigned i = 0; f && i < PCI_NUM_BARS; i++)
		io |= f->bar[i].size && f->bar[i].is_io;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | (io ? PCI_COMMAND_IO : 0);
	pci_cfg_write16(rid, PCI_COMMAND, cmd);
}
