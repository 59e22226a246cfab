/* tests/conformance/iommu_checks.h: what the iommu suite checks after a
 * function's device reached outside its domain, and its recovery. */
#ifndef VFPROBE_TESTS_IOMMU_CHECKS_H
#define VFPROBE_TESTS_IOMMU_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "iommu_env.h"
#include "traffic_check.h"

#define IOMMU_FRAMES_PER_ROUND 8

/* The faults recorded since the last take: at least one, every one from
 * function a's source-id, the first with `reason`; for VTD_FR_WRITE and
 * VTD_FR_READ the matching type; with mem, on a page of
 * [mem, mem + bytes); the fault status clear after. */
void iommu_check_fault(struct iommu_env *m, size_t a, const uint8_t *mem, size_t bytes, const char *what,
                       unsigned reason);
/* Function a's device reads a frame from victim's memory (a TX buffer
 * pointing there): blocked, recorded as a read, nothing of it on the wire. */
void iommu_probe_read(struct iommu_env *m, struct vt *t, size_t a, size_t victim);
/* VFs of PF `pf` disabled and enabled again with NumVFs - 1, then with
 * all of them: each domain follows (iommu_numvfs.c). */
void iommu_numvfs(struct iommu_env *m, struct vt *t, size_t pf);
/* Reset function a, re-initialise it, map its domain read/write again,
 * then a round of traffic between every function, with no fault. */
void iommu_recover(struct iommu_env *m, struct vt *t, size_t a, const char *after);

#endif
