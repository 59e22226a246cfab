/* firmware/iommu/vtd.h: one VT-d remapping unit driven through its
 * registers (VT-d 3.3 §10.4): what it can do, the root table, translation
 * on and off, register-based invalidation (§6.5.1) and the fault records,
 * read and cleared by polling (§7.2.1; the fault interrupt stays masked). */
#ifndef VFPROBE_IOMMU_VTD_H
#define VFPROBE_IOMMU_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/fault.h"

struct vtd_unit {
	volatile uint8_t *regs;
	uint32_t ver;
	uint64_t cap, ecap;
	unsigned frcd_off, nfr, iotlb_off;
	char err[160];
};

/* Read the identity registers of the unit at `base`; mask the fault
 * event. 0, or -1 (err) when its registers make no sense. */
int vtd_open(struct vtd_unit *u, uint64_t base);
uint32_t vtd_gsts(const struct vtd_unit *u);
/* §10.4.4: SRTP with the root table at `root` (legacy mode). 0 or -1. */
int vtd_set_root(struct vtd_unit *u, uint64_t root);
/* §10.4.4: TE on or off, waiting for GSTS.TES. 0 or -1. */
int vtd_translation(struct vtd_unit *u, bool on);
/* §6.5.1.1: context-cache invalidation of every entry, then §6.5.1.2:
 * IOTLB invalidation of every domain, draining reads and writes. What
 * follows a change of a context entry or a page table. 0 or -1. */
int vtd_invalidate_all(struct vtd_unit *u);
/* The same, scoped: the context entry of sid in domain did, then that
 * domain's IOTLB. 0 or -1. */
int vtd_invalidate_function(struct vtd_unit *u, uint16_t sid, uint16_t did);
/* Every recorded fault, at most `max` into out (more are counted in
 * *dropped), each cleared (F is RW1C), then FSTS.PFO cleared (*overflow
 * says it was set). The count read. */
unsigned vtd_faults_take(struct vtd_unit *u, struct vtd_fault *out, unsigned max, unsigned *dropped,
                         bool *overflow);
uint32_t vtd_fsts(const struct vtd_unit *u);

#endif
