/* firmware/iommu/sl_table.c: second-level page tables (VT-d 3.3 §3.7, §9.8). */
#include "iommu/sl_table.h"

#include "iommu/vtd_regs.h"

const char *sl_status_name(enum sl_status s)
{
	switch (s) {
	case SL_OK:
		return "ok";
	case SL_BAD_LEVELS:
		return "second-level tables have 3 to 5 levels";
	case SL_NO_MEMORY:
		return "no page for a second-level table";
	case SL_UNALIGNED:
		return "IOVA or address not 4 KiB aligned";
	case SL_BEYOND_WIDTH:
		return "IOVA beyond the address width, or address beyond bit 51";
	case SL_NO_ACCESS:
		return "a mapping without read or write access";
	}
	return "unknown second-level table status";
}

unsigned sl_levels_for_sagaw(unsigned sagaw)
{
	if (sagaw & VTD_SAGAW_48_4LEVEL)
		return 4;
	if (sagaw & VTD_SAGAW_39_3LEVEL)
		return 3;
	return 0;
}

unsigned sl_context_aw(unsigned levels)
{
	return levels - 2;
}

static unsigned reach_bits(unsigned levels)
{
	return VTD_PAGE_SHIFT + VTD_LEVEL_STRIDE * levels;
}

enum sl_status sl_init(struct sl_table *t, unsigned levels, unsigned mgaw, struct sl_alloc a)
{
	*t = (struct sl_table){.levels = levels, .alloc = a};
	if (levels < 3 || levels > 5)
		return SL_BAD_LEVELS;
	t->aw_bits = mgaw < reach_bits(levels) ? mgaw : reach_bits(levels);
	t->root = a.page(a.ctx);
	if (!t->root)
		return SL_NO_MEMORY;
	t->pages = 1;
	return SL_OK;
}

static unsigned level_index(uint64_t iova, unsigned level)
{
	return (unsigned)(iova >> (VTD_PAGE_SHIFT + VTD_LEVEL_STRIDE * (level - 1))) & (VTD_SL_ENTRIES - 1);
}

static uint64_t *entry_table(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & VTD_SL_ADDR_MASK);
}

static enum sl_status check_page(const struct sl_table *t, uint64_t iova, uint64_t addr)
{
	if ((iova | addr) & VTD_PAGE_MASK)
		return SL_UNALIGNED;
	if ((t->aw_bits < 64 && iova >> t->aw_bits) || (addr & ~VTD_SL_ADDR_MASK))
		return SL_BEYOND_WIDTH;
	return SL_OK;
}

/* The leaf entry of iova, creating the tables on the way when `create`. */
static uint64_t *leaf(struct sl_table *t, uint64_t iova, bool create, enum sl_status *st)
{
	uint64_t *table = t->root;
	for (unsigned level = t->levels; level > 1; level--) {
		uint64_t *e = &table[level_index(iova, level)];
		if (!(*e & (VTD_SL_R | VTD_SL_W))) {
			if (!create)
				return NULL;
			uint64_t *next = t->alloc.page(t->alloc.ctx);
			if (!next) {
				*st = SL_NO_MEMORY;
				return NULL;
			}
			t->pages++;
			*e = ((uint64_t)(uintptr_t)next & VTD_SL_ADDR_MASK) | VTD_SL_R | VTD_SL_W;
		}
		table = entry_table(*e);
	}
	return &table[level_index(iova, 1)];
}

enum sl_status sl_map(struct sl_table *t, uint64_t iova, uint64_t addr, uint64_t access)
{
	enum sl_status st = check_page(t, iova, addr);
	if (st != SL_OK)
		return st;
	if (!(access & (VTD_SL_R | VTD_SL_W)))
		return SL_NO_ACCESS;
	uint64_t *e = leaf(t, iova, true, &st);
	if (!e)
		return st;
	*e = addr | (access & (VTD_SL_R | VTD_SL_W));
	return SL_OK;
}

enum sl_status sl_map_range(struct sl_table *t, uint64_t iova, uint64_t addr, uint64_t bytes, uint64_t access)
{
	if ((iova & VTD_PAGE_MASK) != (addr & VTD_PAGE_MASK))
		return SL_UNALIGNED;
	uint64_t first = iova & ~VTD_PAGE_MASK, end = (iova + bytes + VTD_PAGE_MASK) & ~VTD_PAGE_MASK;
	uint64_t base = addr & ~VTD_PAGE_MASK;
	for (uint64_t o = 0; first + o < end; o += VTD_PAGE_SIZE) {
		enum sl_status st = sl_map(t, first + o, base + o, access);
		if (st != SL_OK)
			return st;
	}
	return SL_OK;
}

enum sl_status sl_unmap(struct sl_table *t, uint64_t iova)
{
	enum sl_status st = check_page(t, iova, 0);
	if (st != SL_OK)
		return st;
	uint64_t *e = leaf(t, iova, false, &st);
	if (e)
		*e = 0;
	return SL_OK;
}

uint64_t sl_lookup(const struct sl_table *t, uint64_t iova, uint64_t *addr)
{
	if (t->aw_bits < 64 && iova >> t->aw_bits)
		return 0;
	uint64_t access = VTD_SL_R | VTD_SL_W;
	const uint64_t *table = t->root;
	for (unsigned level = t->levels; level >= 1; level--) {
		uint64_t e = table[level_index(iova, level)];
		access &= e;
		if (!(access & (VTD_SL_R | VTD_SL_W)))
			return 0;
		if (level == 1) {
			*addr = (e & VTD_SL_ADDR_MASK) | (iova & VTD_PAGE_MASK);
			break;
		}
		table = entry_table(e);
	}
	return access & (VTD_SL_R | VTD_SL_W);
}
