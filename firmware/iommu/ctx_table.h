/* firmware/iommu/ctx_table.h: the legacy-mode root table and its context
 * tables (VT-d 3.3 §3.4.2, entries §9.1 and §9.3): one root entry per bus,
 * one context entry per devfn of that bus, naming the function's domain
 * and its second-level table. Pure, pages from an sl_alloc; a table's
 * address is its pointer (identity). */
#ifndef VFPROBE_IOMMU_CTX_TABLE_H
#define VFPROBE_IOMMU_CTX_TABLE_H

#include <stdint.h>

#include "iommu/sl_table.h"
#include "iommu/vtd_regs.h"

struct vtd_entry {
	uint64_t lo, hi;
};

struct ctx_tables {
	struct vtd_entry *root;                      /* VTD_ROOT_ENTRIES */
	struct vtd_entry *context[VTD_ROOT_ENTRIES]; /* per bus, NULL until used */
	struct sl_alloc alloc;
};

/* The source-id the IOMMU sees for bus:devfn (PCIe requester ID). */
static inline uint16_t vtd_source_id(uint8_t bus, uint8_t devfn)
{
	return (uint16_t)(bus << 8 | devfn);
}

/* The root table; SL_NO_MEMORY when the allocator has no page. */
enum sl_status ctx_tables_init(struct ctx_tables *t, struct sl_alloc a);
uint64_t ctx_tables_root_addr(const struct ctx_tables *t);
/* bus:devfn translated through `sl` in domain `did` (§9.3: P, TT 00b,
 * SLPTPTR, AW, DID; FPD clear so every fault is recorded). */
enum sl_status ctx_tables_set(struct ctx_tables *t, uint8_t bus, uint8_t devfn, const struct sl_table *sl,
                              uint16_t did);
/* bus:devfn not present: its requests fault (reason 2). */
void ctx_tables_clear(struct ctx_tables *t, uint8_t bus, uint8_t devfn);
/* The entry in force for bus:devfn, or NULL when its bus has no table. */
const struct vtd_entry *ctx_tables_get(const struct ctx_tables *t, uint8_t bus, uint8_t devfn);

#endif
