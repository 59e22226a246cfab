/* firmware/iommu/ctx_table.c: root and context tables (VT-d 3.3 §9.1, §9.3). */
#include "iommu/ctx_table.h"

enum sl_status ctx_tables_init(struct ctx_tables *t, struct sl_alloc a)
{
	*t = (struct ctx_tables){.alloc = a};
	t->root = a.page(a.ctx);
	return t->root ? SL_OK : SL_NO_MEMORY;
}

uint64_t ctx_tables_root_addr(const struct ctx_tables *t)
{
	return (uint64_t)(uintptr_t)t->root;
}

enum sl_status ctx_tables_set(struct ctx_tables *t, uint8_t bus, uint8_t devfn, const struct sl_table *sl,
                              uint16_t did)
{
	if (!t->context[bus]) {
		t->context[bus] = t->alloc.page(t->alloc.ctx);
		if (!t->context[bus])
			return SL_NO_MEMORY;
		t->root[bus].lo = ((uint64_t)(uintptr_t)t->context[bus] & VTD_SL_ADDR_MASK) | VTD_ROOT_P;
		t->root[bus].hi = 0;
	}
	struct vtd_entry *e = &t->context[bus][devfn];
	/* §9.3: write the high half first so a present entry is never half made. */
	e->lo = 0;
	e->hi = VTD_CTX_AW(sl_context_aw(sl->levels)) | VTD_CTX_DID(did);
	e->lo = ((uint64_t)(uintptr_t)sl->root & VTD_SL_ADDR_MASK) | VTD_CTX_TT_SL | VTD_CTX_P;
	return SL_OK;
}

void ctx_tables_clear(struct ctx_tables *t, uint8_t bus, uint8_t devfn)
{
	if (t->context[bus])
		t->context[bus][devfn] = (struct vtd_entry){0, 0};
}

const struct vtd_entry *ctx_tables_get(const struct ctx_tables *t, uint8_t bus, uint8_t devfn)
{
	return t->context[bus] ? &t->context[bus][devfn] : NULL;
}
