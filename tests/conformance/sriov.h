/* tests/conformance/sriov.h: shared by the sriov_*.c files of suite
 * `sriov` (PCIe 6.0 chapter 9, Single Root I/O Virtualization). */
#ifndef VFPROBE_TESTS_SRIOV_H
#define VFPROBE_TESTS_SRIOV_H

#include <stdarg.h>
#include <stdio.h>

#include "deviations.h"
#include "pci/pci.h"
#include "pci/pf_model.h"
#include "lib/suite.h"

struct sriov_ctx {
	const struct run_config *cfg;
	const struct pf_model *model; /* from the PF's IDs, NULL when unknown */
	struct pci_func *pf;
	char name[8]; /* "bb:dd.f" of the PF */
	uint16_t total;
	unsigned cycles; /* enable/disable cycles to run */
};

/* A function answers config reads when the dword holding Class Code and
 * Revision ID is not all ones (a VF's Vendor ID reads 0xFFFF by rule, so
 * the Vendor ID cannot tell). */
bool sriov_rid_answers(pci_rid rid);
/* How many of VF RIDs 0..total-1 answer, and how many other functions
 * answer on the PF's bus range that are neither enumerated nor one of the
 * first `expect` VFs; *first_stray gets the first such RID. */
unsigned sriov_count_answering_vfs(const struct sriov_ctx *c, uint16_t upto);
unsigned sriov_count_strays(const struct sriov_ctx *c, uint16_t expect, pci_rid *first_stray);
/* The reason text for tap_check_kfail() when `id` is a known deviation of
 * this PF's model, else NULL. */
static inline const char *sriov_known(const struct sriov_ctx *c, const char *id)
{
	return deviation_known(id, c->model ? c->model->name : NULL);
}

/* One check per rule across all VFs: the first failing VF is what `got`
 * shows, the count says how many failed. */
struct agg {
	unsigned bad, total;
	char got[160];
};

static inline void agg_fail(struct agg *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void agg_fail(struct agg *a, const char *fmt, ...)
{
	if (a->bad++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(a->got, sizeof(a->got), fmt, ap);
		va_end(ap);
	}
}

/* `known`: NULL, or the known deviation that makes a failure a TODO. */
static inline bool agg_report_kfail(const char *known, struct agg *a, const char *rule, const char *want,
                                    const char *what)
{
	char got[200];
	if (a->bad)
		snprintf(got, sizeof(got), "%s (%u of %u VFs fail)", a->got, a->bad, a->total);
	else
		snprintf(got, sizeof(got), "all %u VFs", a->total);
	return tap_check_kfail(known, a->bad == 0, rule, got, want, "%s", what);
}

static inline bool agg_report(struct agg *a, const char *rule, const char *want, const char *what)
{
	return agg_report_kfail(NULL, a, rule, want, what);
}

/* The areas, in the order the suite runs them. */
void sriov_check_capability(struct sriov_ctx *c);       /* VFs disabled */
void sriov_check_vf_bar_regs(struct sriov_ctx *c);      /* VFs disabled */
void sriov_check_lifecycle(struct sriov_ctx *c);        /* enables and disables */
void sriov_check_vf_headers(struct sriov_ctx *c);       /* VFs enabled */
void sriov_check_vf_bars(struct sriov_ctx *c);          /* VFs enabled */
void sriov_check_vf_bar_placement(struct sriov_ctx *c); /* VFs enabled */
void sriov_check_cycles(struct sriov_ctx *c);
void sriov_check_reset(struct sriov_ctx *c); /* VF FLR, then PF FLR */

#endif
