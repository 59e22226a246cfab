/* tests/conformance/sriov_reset.c: Function Level Reset of one VF and of
 * the PF (PCIe 6.0 §6.6.2, §9.2.2 with the SR-IOV rules of §9.3.3.3.1). */
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

static void check_vf_flr(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	uint16_t n = c->total;
	if (pci_sriov_enable(pf, n) != 0) {
		tap_check_true(false, "PCIe 6.0 §9.3.3", "enable VFs for the VF FLR checks");
		return;
	}
	uint16_t k = n / 2, j = k + 1 < n ? (uint16_t)(k + 1) : (uint16_t)(k ? k - 1 : k);
	struct pci_func *vk = pci_sriov_vf(pf, k), *vj = pci_sriov_vf(pf, j);
	if (!pci_flr_capable(vk->rid)) {
		tap_skip("the VF does not advertise FLR in Device Capabilities",
		         "VF FLR resets only that VF");
		pci_sriov_disable(pf);
		return;
	}
	char name[8];
	pci_rid_str(vk->rid, name);
	/* Bus Master Enable is RW in a VF (§9.3.4.1.3) and reset by FLR. */
	for (uint16_t i = 0; i < n; i++) {
		pci_rid r = pci_sriov_vf(pf, i)->rid;
		pci_cfg_write16(r, PCI_COMMAND, pci_cfg_read16(r, PCI_COMMAND) | PCI_COMMAND_MASTER);
	}
	uint16_t jcmd = pci_cfg_read16(vj->rid, PCI_COMMAND);
	tap_check_true(jcmd & PCI_COMMAND_MASTER, "PCIe 6.0 §9.3.4.1.3 VF Bus Master Enable is RW",
	               "VF Bus Master Enable can be set");
	pci_flr(vk->rid);
	tap_check_true(sriov_rid_answers(vk->rid), "PCIe 6.0 §6.6.2: a VF still exists after its FLR",
	               "VF %s answers after its FLR", name);
	tap_check_eq(pci_cfg_read16(vk->rid, PCI_COMMAND) & PCI_COMMAND_MASTER, 0,
	             "PCIe 6.0 §6.6.2: FLR returns the function's Command register to its default",
	             "VF %s Bus Master Enable cleared by its FLR", name);
	if (j != k)
		tap_check_eq(pci_cfg_read16(vj->rid, PCI_COMMAND) & PCI_COMMAND_MASTER, PCI_COMMAND_MASTER,
		             "PCIe 6.0 §6.6.2: FLR affects only the function reset",
		             "the neighbour VF keeps Bus Master Enable");
	uint16_t ctrl = pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_CTRL);
	tap_check_eq(ctrl & PCI_SRIOV_CTRL_VFE, PCI_SRIOV_CTRL_VFE,
	             "PCIe 6.0 §9.3.3.3.1: a VF's FLR leaves the PF's VF Enable set",
	             "PF VF Enable still set after a VF FLR");
	tap_check_eq(sriov_count_answering_vfs(c, n), n, "PCIe 6.0 §6.6.2: FLR of one VF removes no other VF",
	             "all %u VFs answer after one VF's FLR", n);
	for (uint16_t i = 0; i < n; i++) {
		pci_rid r = pci_sriov_vf(pf, i)->rid;
		pci_cfg_write16(r, PCI_COMMAND, pci_cfg_read16(r, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
	}
	pci_sriov_disable(pf);
}

static void check_pf_flr(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	uint16_t n = c->total;
	if (!pci_flr_capable(pf->rid)) {
		tap_skip("the PF does not advertise FLR", "PF FLR clears VF Enable");
		return;
	}
	if (pci_sriov_enable(pf, n) != 0) {
		tap_check_true(false, "PCIe 6.0 §9.3.3", "enable VFs for the PF FLR checks");
		return;
	}
	uint16_t cmd = pci_cfg_read16(pf->rid, PCI_COMMAND);
	pci_flr(pf->rid);
	uint16_t cap = pf->sriov_cap;
	tap_check_true(pci_cfg_read16(pf->rid, PCI_VENDOR_ID) == pf->vendor,
	               "PCIe 6.0 §6.6.2: the PF answers after its FLR", "PF answers after its FLR");
	tap_check_eq(pci_cfg_read16(pf->rid, cap + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE, 0,
	             "PCIe 6.0 §9.3.3.3.1: FLR of the PF clears VF Enable", "VF Enable clear after PF FLR");
	unsigned left = sriov_count_answering_vfs(c, n);
	char got[40];
	snprintf(got, sizeof(got), "%u VFs answer", left);
	tap_check(left == 0, "PCIe 6.0 §9.3.3.3.1: with VF Enable cleared by the PF's FLR the VFs vanish",
	          got, "none", "no VF answers after PF FLR");
	tap_check_eq(pci_cfg_read16(pf->rid, cap + PCI_SRIOV_NUM_VF), 0,
	             "PCIe 6.0 §9.3.3.7: FLR of the PF resets NumVFs to 0", "NumVFs is 0 after PF FLR");
	/* Put the PF back the way the firmware left it. */
	pci_bar_restore(pf);
	pci_cfg_write16(pf->rid, PCI_COMMAND, cmd);
	pf->num_vfs = 0;
	pci_sriov_disable(pf);

	/* The reset also returned the VF BARs to 0 on QEMU: enabling again
	 * must place them (firmware/pci) and bring every VF back. */
	int r = pci_sriov_enable(pf, n);
	tap_check_eq(r, 0, "PCIe 6.0 §9.3.3: VFs can be enabled again after a PF FLR",
	             "re-enable %u VFs after PF FLR", n);
	if (r == 0) {
		tap_check_eq(sriov_count_answering_vfs(c, n), n,
		             "PCIe 6.0 §9.3.3.9-10: re-enabled VFs answer at Offset/Stride",
		             "all %u VFs answer again after PF FLR", n);
		tap_prefix_push("after PF FLR");
		sriov_check_vf_bar_placement(c);
		tap_prefix_pop();
	}
	pci_sriov_disable(pf);
}

void sriov_check_reset(struct sriov_ctx *c)
{
	check_vf_flr(c);
	check_pf_flr(c);
}
