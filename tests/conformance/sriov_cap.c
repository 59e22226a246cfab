/* tests/conformance/sriov_cap.c: the SR-IOV Extended Capability itself
 * (PCIe 6.0 §9.3.3), read with VF Enable clear. */
#include <string.h>

#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

/* §7.6.3: every Next Capability Offset must lead to a capability (a zero
 * header in the middle of the list means the list was damaged). */
static void check_ext_list(struct sriov_ctx *c)
{
	pci_rid r = c->pf->rid;
	uint16_t pos = PCI_EXT_CAP_START, bad = 0;
	char got[64] = "every link reaches a capability";
	for (unsigned n = 0; pos && n < 64; n++) {
		uint32_t h = pci_cfg_read32(r, pos);
		if (h == 0 && pos != PCI_EXT_CAP_START) {
			bad = pos;
			snprintf(got, sizeof(got), "header at 0x%x reads 0 but is linked", pos);
			break;
		}
		pos = (uint16_t)PCI_EXT_CAP_NEXT(h);
	}
	tap_check_kfail(sriov_known(c, "sriov-reset-clobbers-next-ext-cap"), bad == 0,
	                "PCIe 6.0 §7.6.3 Next Capability Offset points at a capability header", got,
	                "no zero header inside the list", "extended capability list intact");
}

static void check_page_sizes(struct sriov_ctx *c)
{
	pci_rid r = c->pf->rid;
	uint16_t cap = c->pf->sriov_cap;
	uint32_t sup = pci_cfg_read32(r, cap + PCI_SRIOV_SUP_PGSIZE);
	uint32_t sys = pci_cfg_read32(r, cap + PCI_SRIOV_SYS_PGSIZE);
	char got[48], want[64];
	snprintf(got, sizeof(got), "0x%x", sup);
	tap_check((sup & PCI_SRIOV_PGSIZE_REQUIRED) == PCI_SRIOV_PGSIZE_REQUIRED,
	          "PCIe 6.0 §9.3.3.12 Supported Page Sizes includes 4K, 8K, 64K, 256K, 1M, 4M", got,
	          "0x553 set", "Supported Page Sizes has the mandatory sizes");
	snprintf(got, sizeof(got), "0x%x", sys);
	snprintf(want, sizeof(want), "one bit of 0x%x", sup);
	tap_check(__builtin_popcount(sys) == 1 && (sys & sup),
	          "PCIe 6.0 §9.3.3.13 System Page Size holds exactly one supported bit", got, want,
	          "System Page Size is one supported page size");
	/* Every supported size can be programmed and reads back (RW). */
	unsigned bad = 0;
	uint32_t first_bad = 0, back = 0;
	for (unsigned b = 0; b < 32; b++) {
		if (!(sup & (1u << b)))
			continue;
		pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, 1u << b);
		uint32_t v = pci_cfg_read32(r, cap + PCI_SRIOV_SYS_PGSIZE);
		if (v != (1u << b) && bad++ == 0) {
			first_bad = 1u << b;
			back = v;
		}
	}
	pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, sys);
	snprintf(got, sizeof(got), bad ? "wrote 0x%x, read 0x%x" : "all read back", first_bad, back);
	tap_check(bad == 0, "PCIe 6.0 §9.3.3.13 System Page Size is RW for every supported size", got,
	          "each supported bit reads back", "System Page Size takes every supported size");
}

void sriov_check_capability(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	pci_rid r = pf->rid;
	uint16_t cap = pf->sriov_cap;
	uint32_t hdr = pci_cfg_read32(r, cap);
	tap_check_eq(PCI_EXT_CAP_VER(hdr), 1, "PCIe 6.0 §9.3.3.1 SR-IOV Capability Version is 1h",
	             "SR-IOV capability version");
	uint16_t ctrl = pci_cfg_read16(r, cap + PCI_SRIOV_CTRL);
	tap_check_eq(ctrl & PCI_SRIOV_CTRL_VFE, 0, "PCIe 6.0 §9.3.3.3.1 VF Enable defaults to 0b",
	             "VF Enable clear before software sets it");
	uint16_t initial = pci_cfg_read16(r, cap + PCI_SRIOV_INITIAL_VF);
	uint16_t total = c->total;
	uint32_t caps = pci_cfg_read32(r, cap + PCI_SRIOV_CAP);
	char got[64], want[64];
	snprintf(got, sizeof(got), "InitialVFs %u, TotalVFs %u", initial, total);
	tap_check(initial <= total, "PCIe 6.0 §9.3.3.5 InitialVFs <= TotalVFs", got, "InitialVFs <= TotalVFs",
	          "InitialVFs <= TotalVFs");
	if (!(caps & PCI_SRIOV_CAP_VFM))
		tap_check(initial == total,
		          "PCIe 6.0 §9.3.3.5 InitialVFs = TotalVFs when VF Migration Capable is 0", got,
		          "InitialVFs = TotalVFs", "InitialVFs = TotalVFs (no VF Migration)");
	else
		tap_skip("VF Migration Capable is set", "InitialVFs = TotalVFs (no VF Migration)");
	tap_check_true(total >= 1, "PCIe 6.0 §9.3.3.6 TotalVFs: a PF with SR-IOV offers at least one VF",
	               "TotalVFs >= 1");
	if (c->cfg->vfs)
		tap_check_eq(total, c->cfg->vfs, "topology: TotalVFs = the VFs the host configured (--vfs)",
		             "TotalVFs = %lu", c->cfg->vfs);
	tap_check_eq(pci_cfg_read16(r, cap + PCI_SRIOV_NUM_VF), 0, "PCIe 6.0 §9.3.3.7 NumVFs defaults to 0",
	             "NumVFs is 0 before software sets it");

	/* VF Device ID: a real ID; and the one the model's VFs carry. */
	uint16_t did = pci_cfg_read16(r, cap + PCI_SRIOV_VF_DID);
	tap_check_true(did != 0xffff && did != 0,
	               "PCIe 6.0 §9.3.3.11 VF Device ID is a device ID (not 0000h/FFFFh)",
	               "VF Device ID 0x%04x is valid", did);
	if (c->model)
		tap_check_eq(did, c->model->vf_device, c->model->vf_device_rule,
		             "VF Device ID is the model's VF ID");

	/* Where the VFs land: First VF Offset and VF Stride (§9.3.3.9-10),
	 * inside the bus range the bridge above forwards (§7.5.1.3.3-4). */
	uint16_t off = pci_cfg_read16(r, cap + PCI_SRIOV_VF_OFFSET);
	uint16_t stride = pci_cfg_read16(r, cap + PCI_SRIOV_VF_STRIDE);
	tap_check_true(off != 0, "PCIe 6.0 §9.3.3.9 First VF Offset is not 0 (a VF is not its PF)",
	               "First VF Offset %u is non-zero", off);
	if (total > 1)
		tap_check_true(stride != 0, "PCIe 6.0 §9.3.3.10 VF Stride is not 0 when TotalVFs > 1",
		               "VF Stride %u is non-zero", stride);
	uint8_t last_bus = 0;
	bool fits = pci_sriov_vf_last_bus(pf, total, &last_bus);
	uint8_t sub = pf->parent ? pf->parent->subordinate_bus : pci_rid_bus(r);
	snprintf(got, sizeof(got), fits ? "last VF on bus %02x" : "RID overflow", last_bus);
	snprintf(want, sizeof(want), "bus %02x..%02x", pci_rid_bus(r), sub);
	tap_check(fits && last_bus <= sub,
	          "PCIe 6.0 §9.3.3.9-10 with §7.5.1.3.4: all TotalVFs RIDs within the bus range", got, want,
	          "routing IDs of all %u VFs fit the bus range", total);
	/* No VF RID collides with a function that exists on its own. */
	unsigned clash = 0;
	pci_rid clash_rid = 0;
	for (uint16_t i = 0; i < total; i++) {
		pci_rid vr = pci_sriov_vf_rid(pf, i);
		if (pci_find_rid(vr) && clash++ == 0)
			clash_rid = vr;
	}
	char cn[8];
	snprintf(got, sizeof(got), clash ? "VF RID %s is an enumerated function" : "none",
	         pci_rid_str(clash_rid, cn));
	tap_check(clash == 0, "PCIe 6.0 §9.3.3.9-10: VF routing IDs are unused by other functions", got,
	          "none", "no VF RID collides with another function");

	/* ARI (§7.8.7): with more VFs than fit in one device number, the PF
	 * needs ARI and the port above must forward it. */
	uint16_t ari = pci_find_ext_cap(r, PCI_EXT_CAP_ID_ARI, 0);
	if (fits && (uint32_t)(pci_rid_devfn(r)) + off + (uint32_t)(total - 1) * stride > 7) {
		tap_check_kfail(sriov_known(c, "sriov-reset-clobbers-next-ext-cap"), ari != 0,
		                "PCIe 6.0 §7.8.7 ARI: functions above 7 need the ARI capability in the PF",
		                ari ? "true" : "false", "true",
		                "PF has an ARI capability (VFs beyond function 7)");
	}
	check_ext_list(c);
	check_page_sizes(c);
}
