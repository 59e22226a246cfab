/* tests/conformance/iommu_env.h: the iommu suite's remapping setup: the
 * DMAR table's unit for the functions under test, its root and context
 * tables, and one domain per function (PF and each VF, domain id = index
 * + 1) whose second-level table maps exactly the function's own DMA
 * memory (iommu_regions.h) at IOVA = guest-physical address. The identity
 * keeps dma_addr() valid: the driver needs no change, and a page outside
 * the map is one the function must not touch. */
#ifndef VFPROBE_TESTS_IOMMU_ENV_H
#define VFPROBE_TESTS_IOMMU_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/ctx_table.h"
#include "iommu/dmar.h"
#include "iommu/vtd.h"
#include "virtio_env.h"

struct iommu_domain {
	struct sl_table sl;
	uint16_t did, sid;
	bool mapped;
};

#define IOMMU_FAULTS_MAX 8

struct iommu_env {
	struct venv *e;
	struct dmar_info dmar;
	const struct dmar_unit *du;
	struct vtd_unit unit;
	struct ctx_tables ctx;
	unsigned levels, mgaw;
	struct iommu_domain dom[VENV_MAX];
	/* The faults the last iommu_env_faults took. */
	struct vtd_fault fault[IOMMU_FAULTS_MAX];
	unsigned n_faults, dropped;
	bool overflow;
	char err[200];
};

/* DMAR, the unit, its registers and the empty root table: the suite's
 * first checks. 0 or -1 (m->err). */
int iommu_env_open(struct iommu_env *m, struct venv *e);
/* Function i's domain: a fresh table mapping its memory (RX buffers with
 * rx_access, the rest read/write), its context entry, then context and
 * IOTLB invalidation. 0 or -1 (m->err). */
int iommu_env_map(struct iommu_env *m, size_t i, uint64_t rx_access);
/* Function i's context entry not present, invalidated. */
int iommu_env_unmap(struct iommu_env *m, size_t i);
/* Take every recorded fault (cleared in the unit), one diagnostic line each. */
unsigned iommu_env_faults(struct iommu_env *m);

#endif
