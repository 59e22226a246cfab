/* tests/conformance/iommu_checks.c: what every probe checks afterwards. */
#include "iommu_checks.h"

#include <stdio.h>

#include "boot/mem.h"
#include "iommu/vtd_regs.h"
#include "iommu_rules.h"

void iommu_check_fault(struct iommu_env *m, size_t a, const uint8_t *mem, size_t bytes, const char *what,
                       unsigned reason)
{
	const struct iommu_domain *d = &m->dom[a];
	unsigned n = iommu_env_faults(m);
	char got[160];
	snprintf(got, sizeof(got), "%u fault(s)", n);
	if (!tap_check(n >= 1, R_RECORDED, got, "at least 1", "%s: a fault is recorded", what))
		return;
	const struct vtd_fault *f = &m->fault[0];
	bool only_a = true;
	for (unsigned k = 0; k < n; k++)
		only_a &= m->fault[k].sid == d->sid;
	tap_check_eq(f->sid, d->sid, R_SID, "%s: source-id 0x%04x", what, d->sid);
	tap_check_true(only_a, R_SID, "%s: no fault names another function", what);
	tap_check_eq(f->reason, reason, R_REASON, "%s: reason %u (%s)", what, f->reason,
	             vtd_fault_reason_name(f->reason));
	bool read = reason == VTD_FR_READ;
	if (reason == VTD_FR_READ || reason == VTD_FR_WRITE)
		tap_check_true(f->read == read, R_TYPE, "%s: recorded as a %s", what,
		               read ? "read" : "write");
	if (mem) {
		uint64_t lo = dma_addr(mem) & ~VTD_PAGE_MASK, hi = dma_addr(mem) + bytes;
		snprintf(got, sizeof(got), "0x%llx", (unsigned long long)f->page);
		tap_check(f->page >= lo && f->page < hi, R_ADDR, got, "a page of the target",
		          "%s: fault address", what);
	}
	tap_check_eq(vtd_fsts(&m->unit) & (VTD_FSTS_PPF | VTD_FSTS_PFO), 0, R_FSTS, "%s: fault status clear",
	             what);
}

void iommu_recover(struct iommu_env *m, struct vt *t, size_t a, const char *after)
{
	struct venv_fn *fn = &m->e->fn[a];
	tap_prefix_push("%s", fn->name);
	/* Stopped first, mapped before it starts again: its first DMA after
	 * DRIVER_OK already goes through its domain. */
	int rc = net_close(fn->nd);
	tap_check(rc == 0, R_RECOVER, rc ? fn->nd->vp.err : "status 0", "status 0", "reset after %s", after);
	rc = iommu_env_map(m, a, VTD_SL_R | VTD_SL_W);
	tap_check(rc == 0, R_MAP, rc ? m->err : "mapped", "mapped", "re-mapped after %s", after);
	rc = venv_open(m->e, a, &venv_default_opts);
	tap_check(rc == 0, R_RECOVER, rc ? fn->nd->err : "up", "up", "re-initialised after %s", after);
	tap_prefix_pop();
	vt_resync(t);
	char phase[96];
	snprintf(phase, sizeof(phase), "after %s was reset and re-mapped (%s)", fn->name, after);
	vt_round(t, IOMMU_FRAMES_PER_ROUND, phase, R_RECOVER);
	tap_check_eq(iommu_env_faults(m), 0, R_NO_FAULT, "no fault %s", phase);
}
