/* tests/conformance/sriov_main.c: suite `sriov`, the PCIe-level rules of
 * SR-IOV (PCIe 6.0 chapter 9) checked on every SR-IOV PF found, for every
 * PF model (virtio-net with user-created VFs, igb, nvme). Each check is one
 * TAP point naming its rule and comparing what the device returned with
 * what the rule (or the topology the host asked for) demands. */
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

bool sriov_rid_answers(pci_rid rid)
{
	return pci_cfg_read32(rid, PCI_REVISION_ID) != 0xffffffffu;
}

unsigned sriov_count_answering_vfs(const struct sriov_ctx *c, uint16_t upto)
{
	unsigned n = 0;
	for (uint16_t i = 0; i < upto; i++) {
		pci_rid r = pci_sriov_vf_rid(c->pf, i);
		n += r && sriov_rid_answers(r);
	}
	return n;
}

static bool is_expected(const struct sriov_ctx *c, pci_rid rid, uint16_t expect)
{
	for (size_t i = 0; i < pci_func_count(); i++)
		if (pci_func_at(i)->rid == rid)
			return true;
	for (uint16_t i = 0; i < expect; i++)
		if (pci_sriov_vf_rid(c->pf, i) == rid)
			return true;
	return false;
}

unsigned sriov_count_strays(const struct sriov_ctx *c, uint16_t expect, pci_rid *first_stray)
{
	uint8_t first = pci_rid_bus(c->pf->rid);
	uint8_t last = c->pf->parent ? c->pf->parent->subordinate_bus : first;
	unsigned n = 0;
	for (unsigned bus = first; bus <= last; bus++)
		for (unsigned fn = 0; fn < 256; fn++) {
			pci_rid r = (pci_rid)(bus << 8 | fn);
			if (sriov_rid_answers(r) && !is_expected(c, r, expect) && n++ == 0)
				*first_stray = r;
		}
	return n;
}

static void run_pf(const struct run_config *cfg, struct pci_func *pf)
{
	struct sriov_ctx c = {.cfg = cfg, .pf = pf, .model = pf_model_of(pf)};
	const char *model = c.model ? c.model->name : NULL;
	pci_rid_str(pf->rid, c.name);
	tap_prefix_push("%s", c.name);
	c.total = pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_TOTAL_VF);
	c.cycles = cfg->short_mode ? 100 : 500;
	if (cfg->model)
		tap_check(c.model && c.model == pf_model_by_name(cfg->model),
		          "topology: the PF is the model asked for", model ? model : "unknown", cfg->model,
		          "PF %04x:%04x is a %s", pf->vendor, pf->device, cfg->model);
	deviations_list(model);
	sriov_check_capability(&c);
	sriov_check_vf_bar_regs(&c);
	sriov_check_lifecycle(&c);
	sriov_check_cycles(&c);
	sriov_check_reset(&c);
	pci_sriov_disable(pf);
	tap_prefix_pop();
}

/* Several PFs at once: each keeps its own VFs and VF memory (§9.3.3). */
static void check_all_pfs_together(void)
{
	size_t npf = pci_sriov_pf_count();
	struct agg up = {.total = 0};
	char name[8], got[96];
	bool enabled = true;
	for (size_t i = 0; i < npf; i++) {
		struct pci_func *pf = pci_sriov_pf(i);
		enabled &= pci_sriov_enable(pf, pf->total_vfs) == 0;
	}
	tap_check_true(enabled, "PCIe 6.0 §9.3.3: every PF enables its VFs while the others have theirs",
	               "all %zu PFs enable all their VFs at once", npf);
	for (size_t i = 0; i < npf; i++) {
		struct pci_func *pf = pci_sriov_pf(i);
		struct sriov_ctx c = {.pf = pf, .total = pf->total_vfs};
		up.total += pf->total_vfs;
		unsigned a = sriov_count_answering_vfs(&c, pf->total_vfs);
		if (a != pf->total_vfs)
			agg_fail(&up, "PF %s: %u of %u VFs answer", pci_rid_str(pf->rid, name), a,
			         pf->total_vfs);
	}
	agg_report(&up, "PCIe 6.0 §9.3.3.9-10: each PF's VFs answer at its own Offset/Stride",
	           "every VF of every PF", "VFs of all PFs answer together");
	/* VF regions of different PFs never overlap. */
	unsigned clash = 0;
	snprintf(got, sizeof(got), "none");
	for (size_t i = 0; i < npf; i++)
		for (size_t j = i + 1; j < npf; j++)
			for (unsigned a = 0; a < PCI_NUM_BARS; a++)
				for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
					const struct pci_func *p = pci_sriov_pf(i), *q = pci_sriov_pf(j);
					const struct pci_bar *x = &p->vf_bar[a], *y = &q->vf_bar[b];
					uint64_t xs = x->size * p->num_vfs, ys = y->size * q->num_vfs;
					if (xs && ys && x->base < y->base + ys && y->base < x->base + xs &&
					    clash++ == 0)
						snprintf(got, sizeof(got),
						         "VF BAR%u of PF %zu overlaps VF BAR%u of PF %zu", a,
						         i, b, j);
				}
	tap_check(clash == 0, "PCIe 6.0 §9.3.3.14: VF regions of different PFs are disjoint", got, "none",
	          "VF BAR regions of all PFs are disjoint");
	for (size_t i = 0; i < npf; i++)
		pci_sriov_disable(pci_sriov_pf(i));
}

static void run(const struct run_config *cfg)
{
	deviations_register(sriov_deviations, sriov_deviation_count);
	int r = pci_init();
	tap_check(r == 0, "PCI Firmware 3.3 §4.1.2: ECAM found through a valid MCFG table", pci_ecam_error(),
	          "ok", "PCI enumeration through ECAM");
	if (r != 0)
		return;
	size_t n = pci_sriov_pf_count();
	if (cfg->pfs)
		tap_check_eq(n, cfg->pfs, "topology: one SR-IOV PF per root port asked for",
		             "SR-IOV PFs found = --pfs");
	else
		tap_check_true(n > 0, "topology: at least one SR-IOV PF", "an SR-IOV PF is present");
	for (size_t i = 0; i < n; i++)
		run_pf(cfg, pci_sriov_pf(i));
	if (n > 1)
		check_all_pfs_together();
}

VFPROBE_SUITE(sriov, "sriov", "PCIe SR-IOV capability, VF lifecycle, VF headers and BARs, FLR", run, 0, NULL);
