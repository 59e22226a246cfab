/* firmware/pci/pci_internal.h: shared between the files of firmware/pci
 * only (the rest of the firmware uses pci.h). */
#ifndef VFPROBE_PCI_PCI_INTERNAL_H
#define VFPROBE_PCI_PCI_INTERNAL_H

#include "pci/pci.h"

int pci_ecam_init(void);
/* The 4 KiB config window of `rid`, NULL when its bus is outside MCFG. */
volatile uint8_t *pci_ecam_window(pci_rid rid);
/* Size the BARs of an enumerated function into f->bar[]. */
void pci_func_size_bars(struct pci_func *f);

#endif
