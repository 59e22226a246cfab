/* tests/conformance/iommu_numvfs.c: the domains across VF disable and
 * re-enable with another NumVFs. Before VF Enable is cleared every VF's
 * context entry goes; after it is set again with one VF fewer, each VF
 * that is back is mapped before it starts and works in its own domain, and
 * the one that is not stays without a context entry; then all of them. */
#include <stdio.h>

#include "iommu/vtd_regs.h"
#include "iommu_checks.h"
#include "iommu_rules.h"

#define R_NUMVFS                                                                                             \
	"PCIe 6.0 §9.3.3.3.1 VF Enable + VT-d 3.3 §9.3: VFs enabled again with another NumVFs are each "   \
	"translated in their own domain, and a VF no longer there has no context entry"

static bool context_present(const struct iommu_env *m, size_t i)
{
	const struct vtd_entry *c =
	    ctx_tables_get(&m->ctx, (uint8_t)(m->dom[i].sid >> 8), (uint8_t)m->dom[i].sid);
	return c && (c->lo & VTD_CTX_P);
}

static void vfs_down(struct iommu_env *m, size_t pf)
{
	struct venv *e = m->e;
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no && e->fn[i].pf_idx == e->fn[pf].pf_idx) {
			e->fn[i].up = false;
			if (e->fn[i].f && iommu_env_unmap(m, i) != 0)
				tap_diag("iommu: %s: %s", e->fn[i].name, m->err);
		}
	pci_sriov_disable(e->fn[pf].f);
}

static void vfs_up(struct iommu_env *m, struct vt *t, size_t pf, uint16_t n)
{
	struct venv *e = m->e;
	tap_prefix_push("%s", e->fn[pf].name);
	int rc = pci_sriov_enable(e->fn[pf].f, n);
	tap_check_eq((unsigned)rc, 0, R_NUMVFS, "%u VFs enabled again", n);
	tap_prefix_pop();
	venv_refresh(e);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->vf_no || fn->pf_idx != e->fn[pf].pf_idx)
			continue;
		tap_prefix_push("%s", fn->name);
		if (!fn->f) {
			tap_check_true(!context_present(m, i), R_NUMVFS,
			               "NumVFs %u: VF %u gone, no context entry", n, fn->vf_no);
		} else {
			rc = iommu_env_map(m, i, VTD_SL_R | VTD_SL_W);
			tap_check(rc == 0, R_MAP, rc ? m->err : "mapped", "mapped", "NumVFs %u: mapped again",
			          n);
			rc = venv_open(e, i, &venv_default_opts);
			tap_check(rc == 0, R_NUMVFS, rc ? fn->nd->err : "up", "up",
			          "NumVFs %u: re-initialised", n);
			const struct vtd_entry *c =
			    ctx_tables_get(&m->ctx, (uint8_t)(fn->f->rid >> 8), (uint8_t)fn->f->rid);
			tap_check_eq(c ? (c->hi >> 8) & 0xffff : 0, m->dom[i].did, R_NUMVFS,
			             "NumVFs %u: in its own domain %u", n, m->dom[i].did);
		}
		tap_prefix_pop();
	}
	vt_resync(t);
	char phase[64];
	snprintf(phase, sizeof(phase), "with NumVFs %u", n);
	vt_round(t, IOMMU_FRAMES_PER_ROUND, phase, R_NUMVFS);
	tap_check_eq(iommu_env_faults(m), 0, R_NO_FAULT, "no fault %s", phase);
}

void iommu_numvfs(struct iommu_env *m, struct vt *t, size_t pf)
{
	uint16_t total = pci_sriov_num_vfs(m->e->fn[pf].f);
	if (total < 2) {
		tap_skip("fewer than 2 VFs", "VF re-enable with another NumVFs");
		return;
	}
	vfs_down(m, pf);
	vfs_up(m, t, pf, (uint16_t)(total - 1));
	vfs_down(m, pf);
	vfs_up(m, t, pf, total);
}
