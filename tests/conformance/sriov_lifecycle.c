/* tests/conformance/sriov_lifecycle.c: VFs appear only when enabled, all
 * of them where Offset/Stride say, none elsewhere (PCIe 6.0 §9.3.3.3.1,
 * §9.3.3.7, §9.3.3.9-10), and enable/disable cycles stay consistent. */
#include "boot/timer.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

static void check_none_answer(struct sriov_ctx *c, const char *when)
{
	unsigned n = sriov_count_answering_vfs(c, c->total);
	char got[48];
	snprintf(got, sizeof(got), "%u of %u VF RIDs answer", n, c->total);
	tap_check(n == 0, "PCIe 6.0 §9.3.3.3.1 VF Enable clear: no VF exists (config reads return all ones)",
	          got, "none", "no VF answers %s", when);
}

static void check_enabled(struct sriov_ctx *c, uint16_t n)
{
	pci_rid r = c->pf->rid;
	uint16_t cap = c->pf->sriov_cap;
	uint16_t ctrl = pci_cfg_read16(r, cap + PCI_SRIOV_CTRL);
	tap_check_eq(
	    ctrl & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE), PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE,
	    "PCIe 6.0 §9.3.3.3.1/4 VF Enable and VF MSE are RW", "VF Enable and VF MSE read back set");
	if (c->pf->parent && c->pf->parent->ari_forwarding)
		tap_check_eq(ctrl & PCI_SRIOV_CTRL_ARI, PCI_SRIOV_CTRL_ARI,
		             "PCIe 6.0 §9.3.3.3.5 ARI Capable Hierarchy is RW in the lowest-numbered PF",
		             "ARI Capable Hierarchy set (the port above forwards ARI)");
	tap_check_eq(pci_cfg_read16(r, cap + PCI_SRIOV_NUM_VF), n,
	             "PCIe 6.0 §9.3.3.7 NumVFs reads back what was written", "NumVFs reads %u", n);
	/* Each of the n VFs answers at PF RID + Offset + i x Stride. */
	struct agg a = {.total = n};
	char name[8];
	for (uint16_t i = 0; i < n; i++) {
		pci_rid vr = pci_sriov_vf_rid(c->pf, i);
		if (!vr || !sriov_rid_answers(vr))
			agg_fail(&a, "VF %u at %s does not answer", i, pci_rid_str(vr, name));
	}
	agg_report(&a, "PCIe 6.0 §9.3.3.9-10: VF i answers at PF RID + First VF Offset + i x VF Stride",
	           "every enabled VF answers", "all enabled VFs answer at Offset/Stride");
	/* VFs past NumVFs do not. */
	unsigned extra = sriov_count_answering_vfs(c, c->total) - sriov_count_answering_vfs(c, n);
	tap_check_eq(extra, 0, "PCIe 6.0 §9.3.3.7: only NumVFs VFs exist", "no VF beyond NumVFs = %u answers",
	             n);
	/* Nothing else appeared on the PF's buses. */
	pci_rid stray = 0;
	unsigned strays = sriov_count_strays(c, n, &stray);
	char got[48];
	snprintf(got, sizeof(got), strays ? "%u, first %s" : "none", strays, pci_rid_str(stray, name));
	tap_check(strays == 0, "PCIe 6.0 §9.3.3.9-10: VFs exist only at their routing IDs", got, "none",
	          "no function answers outside the PF, its VFs and enumerated functions");
}

void sriov_check_lifecycle(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	uint16_t n = c->total;
	check_none_answer(c, "before VF Enable");
	pci_sriov_set_waits(PCI_SRIOV_VF_ENABLE_WAIT_US, 0);
	int r = pci_sriov_enable(pf, n);
	if (!tap_check_eq(r, 0, "PCIe 6.0 §9.3.3: NumVFs, System Page Size, VF BARs, then VF Enable",
	                  "enable all %u VFs", n))
		return;
	check_enabled(c, n);
	sriov_check_vf_headers(c);
	sriov_check_vf_bars(c);
	pci_sriov_disable(pf);
	tap_check_eq(pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE, 0,
	             "PCIe 6.0 §9.3.3.3.1 VF Enable is RW", "VF Enable reads back clear");
	check_none_answer(c, "after VF Enable is cleared");

	/* NumVFs = 0 with VF Enable: no VF (§9.3.3.7). */
	r = pci_sriov_enable(pf, 0);
	unsigned ans = sriov_count_answering_vfs(c, c->total);
	tap_check_eq(r == 0 ? ans : 9999, 0,
	             "PCIe 6.0 §9.3.3.7 NumVFs = 0 with VF Enable set: no VF is visible",
	             "NumVFs = 0 and VF Enable: none answers");
	pci_sriov_disable(pf);

	/* NumVFs > TotalVFs: undefined per §9.3.3.7, but no more than
	 * TotalVFs functions can ever appear. */
	uint16_t cap = pf->sriov_cap;
	uint16_t ctrl =
	    pci_cfg_read16(pf->rid, cap + PCI_SRIOV_CTRL) & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	pci_cfg_write16(pf->rid, cap + PCI_SRIOV_NUM_VF, (uint16_t)(c->total + 1));
	pci_cfg_write16(pf->rid, cap + PCI_SRIOV_CTRL, ctrl | PCI_SRIOV_CTRL_VFE);
	udelay(PCI_SRIOV_VF_ENABLE_WAIT_US);
	ans = sriov_count_answering_vfs(c, c->total + 1);
	char got[48];
	snprintf(got, sizeof(got), "%u answer", ans);
	tap_check(ans <= c->total, "PCIe 6.0 §9.3.3.6-7: never more than TotalVFs VFs", got, "<= TotalVFs",
	          "NumVFs = TotalVFs + 1 enables at most TotalVFs");
	pci_cfg_write16(pf->rid, cap + PCI_SRIOV_CTRL, ctrl);
	pci_cfg_write16(pf->rid, cap + PCI_SRIOV_NUM_VF, 0);
	check_none_answer(c, "after NumVFs > TotalVFs is undone");
}

void sriov_check_cycles(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	unsigned bad_on = 0, bad_off = 0, fail = 0, first = 0;
	uint16_t n = c->total;
	pci_sriov_set_waits(0, 0);
	for (unsigned k = 0; k < c->cycles; k++) {
		/* Alternate all VFs and a smaller count so NumVFs changes too. */
		uint16_t want = (k & 1) && n > 1 ? (uint16_t)(n / 2) : n;
		if (pci_sriov_enable(pf, want) != 0) {
			if (fail++ == 0)
				first = k;
			continue;
		}
		/* Poll up to the 100 ms a VF may take instead of always
		 * sleeping it, so hundreds of cycles fit in a boot. */
		struct deadline d = deadline_in_us(PCI_SRIOV_VF_ENABLE_WAIT_US);
		unsigned on = sriov_count_answering_vfs(c, n);
		while (on != want && !deadline_passed(d))
			on = sriov_count_answering_vfs(c, n);
		pci_sriov_disable(pf);
		unsigned off = sriov_count_answering_vfs(c, n);
		if (on != want && bad_on++ == 0 && !fail)
			first = k;
		if (off != 0 && bad_off++ == 0 && !fail && !bad_on)
			first = k;
	}
	pci_sriov_set_waits(PCI_SRIOV_VF_ENABLE_WAIT_US, 0);
	char got[96];
	snprintf(got, sizeof(got),
	         "%u enable failures, %u wrong counts enabled, %u VFs left after disable (first: cycle %u)",
	         fail, bad_on, bad_off, first);
	tap_check(!fail && !bad_on && !bad_off,
	          "PCIe 6.0 §9.3.3.3.1/§9.3.3.7: each enable shows exactly NumVFs VFs, each disable none",
	          got, "every cycle consistent", "%u enable/disable cycles", c->cycles);
}
