/* tests/conformance/sriov_vf_header.c: the configuration header of each
 * enabled VF (PCIe 6.0 §9.3.4.1, the VF's Type 0 header, and §9.3.5 its PCI
 * Express capability). One TAP point per rule across all VFs. */
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

void sriov_check_vf_headers(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	uint16_t n = pf->num_vfs;
	pci_rid pr = pf->rid;
	uint32_t pf_class = pci_cfg_read32(pr, PCI_REVISION_ID) >> 8;
	uint16_t pf_svid = pci_cfg_read16(pr, PCI_SUBSYSTEM_VENDOR_ID);
	/* ARI is expected where the PF has it, or where VFs sit beyond
	 * function 7 (they cannot be reached without it, §7.8.7). */
	bool pf_ari = pci_find_ext_cap(pr, PCI_EXT_CAP_ID_ARI, 0) != 0 ||
	              (n && pci_rid_devfn(pr) + pf->vf_offset + (uint32_t)(n - 1) * pf->vf_stride > 7);
	uint8_t pf_type = pf->port_type;
	struct agg vid = {.total = n}, did = vid, mse = vid, io = vid, bars = vid, bars_w = vid, pin = vid,
	           htype = vid, cls = vid, svid = vid, ssid = vid, exp = vid, type = vid, ari = vid,
	           caps = vid;
	uint16_t ssid0 = 0;
	char name[8];
	for (uint16_t i = 0; i < n; i++) {
		struct pci_func *vf = pci_sriov_vf(pf, i);
		pci_rid r = vf->rid;
		pci_rid_str(r, name);
		uint16_t v = pci_cfg_read16(r, PCI_VENDOR_ID);
		if (v != 0xffff)
			agg_fail(&vid, "VF %s Vendor ID 0x%04x", name, v);
		v = pci_cfg_read16(r, PCI_DEVICE_ID);
		if (v != 0xffff)
			agg_fail(&did, "VF %s Device ID 0x%04x", name, v);

		uint16_t cmd = pci_cfg_read16(r, PCI_COMMAND);
		pci_cfg_write16(r, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
		uint16_t after = pci_cfg_read16(r, PCI_COMMAND);
		pci_cfg_write16(r, PCI_COMMAND, cmd);
		if ((cmd | after) & PCI_COMMAND_MEMORY)
			agg_fail(&mse, "VF %s Command 0x%04x, 0x%04x after writing MSE", name, cmd, after);
		if ((cmd | after) & PCI_COMMAND_IO)
			agg_fail(&io, "VF %s Command 0x%04x, 0x%04x after writing IOSE", name, cmd, after);

		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			uint16_t off = PCI_BASE_ADDRESS_0 + 4 * b;
			uint32_t val = pci_cfg_read32(r, off);
			if (val) {
				agg_fail(&bars, "VF %s BAR%u reads 0x%08x", name, b, val);
				continue;
			}
			pci_cfg_write32(r, off, 0xffffffffu);
			uint32_t w = pci_cfg_read32(r, off);
			pci_cfg_write32(r, off, val);
			if (w)
				agg_fail(&bars_w, "VF %s BAR%u reads 0x%08x after writing ~0", name, b, w);
		}
		uint8_t p = pci_cfg_read8(r, PCI_INTERRUPT_PIN);
		if (p)
			agg_fail(&pin, "VF %s Interrupt Pin %u", name, p);
		uint8_t ht = pci_cfg_read8(r, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
		if (ht != PCI_HEADER_TYPE_NORMAL)
			agg_fail(&htype, "VF %s Header Type %u", name, ht);
		uint32_t cl = pci_cfg_read32(r, PCI_REVISION_ID) >> 8;
		if (cl != pf_class)
			agg_fail(&cls, "VF %s Class Code 0x%06x, PF 0x%06x", name, cl, pf_class);
		uint16_t sv = pci_cfg_read16(r, PCI_SUBSYSTEM_VENDOR_ID);
		if (sv != pf_svid)
			agg_fail(&svid, "VF %s Subsystem Vendor ID 0x%04x, PF 0x%04x", name, sv, pf_svid);
		uint16_t ss = pci_cfg_read16(r, PCI_SUBSYSTEM_ID);
		if (i == 0)
			ssid0 = ss;
		else if (ss != ssid0)
			agg_fail(&ssid, "VF %s Subsystem ID 0x%04x, VF 0 0x%04x", name, ss, ssid0);

		uint16_t e = pci_find_cap(r, PCI_CAP_ID_EXP, 0);
		if (!e) {
			agg_fail(&exp, "VF %s has no PCI Express capability", name);
		} else {
			uint8_t t = (pci_cfg_read16(r, e + PCI_EXP_FLAGS) >> PCI_EXP_FLAGS_TYPE_SHIFT) &
			            PCI_EXP_FLAGS_TYPE_MASK;
			if (t != pf_type)
				agg_fail(&type, "VF %s Device/Port Type %u, PF %u", name, t, pf_type);
		}
		if (pf_ari && !pci_find_ext_cap(r, PCI_EXT_CAP_ID_ARI, 0))
			agg_fail(&ari, "VF %s has no ARI capability", name);
		const char *prob = pci_cap_list_problem(r);
		if (prob)
			agg_fail(&caps, "VF %s: %s", name, prob);
	}
	agg_report(&vid, "PCIe 6.0 §9.3.4.1.1 VF Vendor ID reads FFFFh", "0xffff",
	           "VF Vendor ID reads 0xFFFF");
	agg_report(&did, "PCIe 6.0 §9.3.4.1.2 VF Device ID reads FFFFh", "0xffff",
	           "VF Device ID reads 0xFFFF");
	agg_report_kfail(sriov_known(c, "sriov-vf-command-mse-writable"), &mse,
	                 "PCIe 6.0 §9.3.4.1.3 VF Command Memory Space Enable is RO 0",
	                 "0, stays 0 when written", "VF Memory Space Enable reads 0 and stays 0");
	agg_report_kfail(sriov_known(c, "sriov-vf-command-iose-writable"), &io,
	                 "PCIe 6.0 §9.3.4.1.3 VF Command I/O Space Enable is RO 0", "0, stays 0 when written",
	                 "VF I/O Space Enable reads 0 and stays 0");
	agg_report(&bars, "PCIe 6.0 §9.3.4.1.11 VF Base Address Registers read 0 (VF BARs live in the PF)",
	           "0", "VF header BARs read 0");
	agg_report(&bars_w, "PCIe 6.0 §9.3.4.1.11 VF Base Address Registers are RO 0", "0 after writing ~0",
	           "VF header BARs stay 0 when written");
	agg_report_kfail(sriov_known(c, "sriov-vf-interrupt-pin"), &pin,
	                 "PCIe 6.0 §9.3.4.1.18 VF Interrupt Pin is 0 (no INTx for VFs)", "0",
	                 "VF Interrupt Pin reads 0");
	agg_report(&htype, "PCIe 6.0 §9.3.4.1.9 VF Header Type is 0 (Type 0 header)", "0",
	           "VF Header Type is 0");
	agg_report(&cls, "PCIe 6.0 §9.3.4.1.6 VF Class Code is the PF's", "the PF's Class Code",
	           "VF Class Code = PF's");
	agg_report(&svid, "PCIe 6.0 §9.3.4.1.13 VF Subsystem Vendor ID is the PF's",
	           "the PF's Subsystem Vendor ID", "VF Subsystem Vendor ID = PF's");
	agg_report(&ssid, "PCIe 6.0 §9.3.4.1.14 VF Subsystem ID is the same for all VFs of a PF",
	           "VF 0's value", "VF Subsystem IDs consistent");
	agg_report(&exp, "PCIe 6.0 §9.3.5: every VF implements the PCI Express Capability", "present",
	           "VF has a PCI Express capability");
	agg_report(&type, "PCIe 6.0 §9.3.5.2: VF Device/Port Type matches its PF", "the PF's type",
	           "VF Device/Port Type = PF's");
	if (pf_ari)
		agg_report(&ari,
		           "PCIe 6.0 §7.8.7 / §9.3.7: VFs implement ARI when their PF does or they sit "
		           "beyond function 7",
		           "present", "VF has an ARI capability");
	else
		tap_skip("the PF has no ARI capability and its VFs fit in functions 1-7",
		         "VF has an ARI capability");
	agg_report(&caps,
	           "PCIe 6.0 §7.5.1.1.11 / §7.6.3: VF capability lists end without loops or bad pointers",
	           "sound lists", "VF capability lists are sound");
}
