/* tests/bench/bench_iommu.c: see bench_iommu.h. */
#include "bench_iommu.h"

#include <stdio.h>

#include "conformance/iommu_env.h"
#include "conformance/iommu_rules.h"
#include "iommu/vtd_regs.h"
#include "lib/tap.h"

/* The functions as the iommu layer of the conformance suites knows them. */
static struct venv fns;
static struct iommu_env env;

static int fail(char *err, size_t err_len, const char *why)
{
	snprintf(err, err_len, "%s", why);
	return -1;
}

int bench_iommu_start(struct pci_func *pf, struct net_dev *const *net, size_t n, char *err, size_t err_len)
{
	if (n > VENV_MAX)
		return fail(err, err_len, "more functions than the iommu layer takes");
	fns.n = n;
	for (size_t i = 0; i < n; i++) {
		struct venv_fn *fn = &fns.fn[i];
		*fn = (struct venv_fn){.f = i ? pci_sriov_vf(pf, (uint16_t)(i - 1)) : pf,
		                       .pf = pf,
		                       .vf_no = (unsigned)i,
		                       .nd = net[i]};
		snprintf(fn->name, sizeof(fn->name), i ? "vf%zu" : "pf", i);
		if (!fn->f)
			return fail(err, err_len, "a VF of the PF is missing");
	}
	if (iommu_env_open(&env, &fns) != 0)
		return fail(err, err_len, env.err);
	for (size_t i = 0; i < n; i++)
		if (iommu_env_map(&env, i, VTD_SL_R | VTD_SL_W) != 0)
			return fail(err, err_len, env.err);
	if (vtd_set_root(&env.unit, ctx_tables_root_addr(&env.ctx)) != 0 ||
	    vtd_invalidate_all(&env.unit) != 0 || vtd_translation(&env.unit, true) != 0)
		return fail(err, err_len, env.unit.err);
	tap_diag("bench: translation on: %zu functions, each in its own domain (%u-level tables)", n,
	         env.levels);
	return 0;
}

void bench_iommu_stop(void)
{
	tap_check_eq(iommu_env_faults(&env), 0, R_NO_FAULT,
	             "no DMA fault while every function used only its own domain");
	vtd_translation(&env.unit, false);
}
