/* firmware/iommu/sl_table.h: VT-d second-level page tables (VT-d 3.3 §3.7
 * Second-Level Translation, entries §9.8) with 4 KiB pages only. Pure: the
 * pages come from an allocator the caller gives (the DMA pool in the
 * guest, the heap in tests/unit); a table page's address is its pointer
 * (the guest's identity map), so a table can be walked back. */
#ifndef VFPROBE_IOMMU_SL_TABLE_H
#define VFPROBE_IOMMU_SL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sl_alloc {
	void *(*page)(void *ctx); /* a zeroed, 4 KiB aligned page, or NULL */
	void *ctx;
};

struct sl_table {
	uint64_t *root;
	unsigned levels;  /* 3, 4 or 5 */
	unsigned aw_bits; /* IOVAs below 2^aw_bits: the levels' reach within MGAW */
	unsigned pages;   /* table pages allocated, the root included */
	struct sl_alloc alloc;
};

enum sl_status {
	SL_OK = 0,
	SL_BAD_LEVELS,   /* not 3..5 */
	SL_NO_MEMORY,    /* the allocator gave no page */
	SL_UNALIGNED,    /* an IOVA or address not 4 KiB aligned */
	SL_BEYOND_WIDTH, /* an IOVA at or above 2^aw_bits, or an address past bit 51 */
	SL_NO_ACCESS,    /* neither read nor write asked for */
};

const char *sl_status_name(enum sl_status s);
/* The levels for a unit's SAGAW (CAP, §10.4.2), preferring 4 (48-bit
 * AGAW), then 3 (39-bit); 0 when it supports neither. */
unsigned sl_levels_for_sagaw(unsigned sagaw);
/* The context entry's AW field for these levels (§9.3: levels - 2). */
unsigned sl_context_aw(unsigned levels);
/* A table of `levels` levels for IOVAs within min(reach, mgaw) bits. */
enum sl_status sl_init(struct sl_table *t, unsigned levels, unsigned mgaw, struct sl_alloc a);
/* Map one page iova -> addr with access VTD_SL_R and/or VTD_SL_W
 * (replacing what was there); non-leaf entries get R|W so the leaf
 * decides (the hardware ANDs every level's rights). */
enum sl_status sl_map(struct sl_table *t, uint64_t iova, uint64_t addr, uint64_t access);
/* Every page of [iova, iova + bytes), rounded out to pages, to addr... */
enum sl_status sl_map_range(struct sl_table *t, uint64_t iova, uint64_t addr, uint64_t bytes,
                            uint64_t access);
/* Remove the leaf of iova; SL_OK also when nothing was mapped there. */
enum sl_status sl_unmap(struct sl_table *t, uint64_t iova);
/* Walk as the hardware does: the access every level grants (0: no
 * translation), and the page address in *addr. */
uint64_t sl_lookup(const struct sl_table *t, uint64_t iova, uint64_t *addr);

#endif
