/* tests/conformance/sysreset.h: suite `sysreset`, the state a machine
 * reset must leave on every virtio-net SR-IOV PF, checked on the boot
 * that follows QMP system_reset (sysreset.c runs the two boots). */
#ifndef VFPROBE_TESTS_SYSRESET_H
#define VFPROBE_TESTS_SYSRESET_H

#include <stdbool.h>
#include <stddef.h>

#include "pci/pci.h"

#define SYSRESET_CHAIN_MAX 48 /* one PF's chain as sysreset_cap_chain writes it */

/* Append function rid's extended capability chain to buf as "OFF:ID,..."
 * (hex, from 0x100 along each Next Capability Offset, at most 8 links; a
 * header that reads 0 ends it as "OFF:0"). false when a linked header
 * (any but the first) reads 0: the list is damaged (PCIe 6.0 §7.6.3). */
bool sysreset_cap_chain(pci_rid rid, char *buf, size_t len);

/* Before VF Enable is touched again: VF Enable, VF MSE and NumVFs at
 * their reset values, no VF answering, the capability chain the first
 * boot read (`chain_before`, NULL when none was carried) and intact, the
 * PF's device_status 0. */
void sysreset_check_pf(struct pci_func *pf, const char *chain_before, const char *model);

/* device_status of fn, read without resetting it: 0 when the device is
 * reset; -1 (why in err) when its virtio registers cannot be mapped. */
int sysreset_device_status(const struct pci_func *fn, char *err, size_t errlen);

#endif
