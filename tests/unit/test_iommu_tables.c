/* tests/unit/test_iommu_tables.c: second-level page tables, root and
 * context tables and fault records (firmware/iommu/sl_table.c,
 * ctx_table.c, fault.c) built and walked on the host. */
#include <stdlib.h>
#include <string.h>

#include "iommu/ctx_table.h"
#include "iommu/fault.h"
#include "iommu/sl_table.h"
#include "unit.h"

struct pages {
	unsigned left; /* pages the allocator still gives */
	unsigned n;
	void *page[64];
};

static void *page_alloc(void *ctx)
{
	struct pages *p = ctx;
	if (!p->left || p->n == 64)
		return NULL;
	p->left--;
	p->page[p->n] = aligned_alloc(VTD_PAGE_SIZE, VTD_PAGE_SIZE);
	memset(p->page[p->n], 0, VTD_PAGE_SIZE);
	return p->page[p->n++];
}

static void pages_free(struct pages *p)
{
	for (unsigned i = 0; i < p->n; i++)
		free(p->page[i]);
	memset(p, 0, sizeof(*p));
}

static void sl_tests(void)
{
	struct pages p = {.left = 64};
	struct sl_table t;
	struct sl_alloc a = {page_alloc, &p};
	tap_check_eq(sl_levels_for_sagaw(VTD_SAGAW_39_3LEVEL | VTD_SAGAW_48_4LEVEL), 4,
	             "VT-d 3.3 §10.4.2 SAGAW", "4 levels when 48-bit AGAW is supported");
	tap_check_eq(sl_levels_for_sagaw(VTD_SAGAW_39_3LEVEL), 3, "VT-d 3.3 §10.4.2 SAGAW", "else 3");
	tap_check_eq(sl_levels_for_sagaw(VTD_SAGAW_57_5LEVEL), 0, "VT-d 3.3 §10.4.2 SAGAW", "5 only: none");
	tap_check_eq(sl_context_aw(4), 2, "VT-d 3.3 §9.3 AW: 010b is 48-bit, 4 levels", "AW for 4 levels");
	tap_check_eq(sl_init(&t, 2, 48, a), SL_BAD_LEVELS, "VT-d 3.3 §3.7", "2 levels refused");
	tap_check_eq(sl_init(&t, 4, 48, a), SL_OK, "VT-d 3.3 §3.7", "4-level table");
	tap_check_eq(t.aw_bits, 48, "VT-d 3.3 §3.7: 4 levels reach 48 bits", "address width");

	uint64_t pa = 0, base = 0x12345000;
	tap_check_eq(sl_map(&t, 0x7f0000001000, base, VTD_SL_R | VTD_SL_W), SL_OK, "VT-d 3.3 §9.8", "map RW");
	tap_check_eq(t.pages, 4, "VT-d 3.3 §3.7: one table per level", "root + 3 tables for one page");
	tap_check_eq(sl_lookup(&t, 0x7f0000001abc, &pa), VTD_SL_R | VTD_SL_W, "VT-d 3.3 §9.8",
	             "walk gives RW");
	tap_check_eq(pa, base | 0xabc, "VT-d 3.3 §3.7: page + offset", "walk gives the address");
	tap_check_eq(sl_lookup(&t, 0x7f0000002000, &pa), 0, "VT-d 3.3 §9.8", "the next page is unmapped");
	tap_check_eq(sl_map(&t, 0x7f0000002000, base + 0x1000, VTD_SL_R), SL_OK, "VT-d 3.3 §9.8", "map R");
	tap_check_eq(t.pages, 4, "VT-d 3.3 §3.7", "a neighbour page reuses the tables");
	tap_check_eq(sl_lookup(&t, 0x7f0000002000, &pa), VTD_SL_R, "VT-d 3.3 §9.8: W clear", "read-only");
	tap_check_eq(sl_unmap(&t, 0x7f0000001000), SL_OK, "VT-d 3.3 §9.8", "unmap");
	tap_check_eq(sl_lookup(&t, 0x7f0000001000, &pa), 0, "VT-d 3.3 §9.8", "gone after unmap");
	tap_check_eq(sl_lookup(&t, 0x7f0000002000, &pa), VTD_SL_R, "VT-d 3.3 §9.8", "the neighbour stays");
	tap_check_eq(sl_unmap(&t, 0x40000000), SL_OK, "unmap of nothing", "unmap where no table exists");
	tap_check_eq(sl_map(&t, 0x1000000000000, base, VTD_SL_R), SL_BEYOND_WIDTH, "VT-d 3.3 §3.7",
	             "an IOVA at 2^48 does not fit");
	tap_check_eq(sl_lookup(&t, 0x1000000000000, &pa), 0, "VT-d 3.3 §3.7", "nor translates");
	tap_check_eq(sl_map(&t, 0x1800, base, VTD_SL_R), SL_UNALIGNED, "4 KiB pages", "unaligned IOVA");
	tap_check_eq(sl_map(&t, 0x2000, 1ULL << 52, VTD_SL_R), SL_BEYOND_WIDTH, "VT-d 3.3 §9.8: bits 51:12",
	             "address past bit 51");
	tap_check_eq(sl_map(&t, 0x2000, base, 0), SL_NO_ACCESS, "VT-d 3.3 §9.8", "no access asked");
	tap_check_eq(sl_map_range(&t, 0x10000800, 0x20000800, 0x1900, VTD_SL_W), SL_OK, "VT-d 3.3 §9.8",
	             "a range over three pages");
	tap_check_true(sl_lookup(&t, 0xffff000, &pa) == 0 && sl_lookup(&t, 0x10000000, &pa) == VTD_SL_W &&
	                   sl_lookup(&t, 0x10002fff, &pa) == VTD_SL_W && pa == 0x20002fff &&
	                   sl_lookup(&t, 0x10003000, &pa) == 0,
	               "VT-d 3.3 §9.8", "exactly the pages of the range, write-only");
	tap_check_eq(sl_map_range(&t, 0x10000800, 0x20000000, 16, VTD_SL_R), SL_UNALIGNED, "identity offsets",
	             "IOVA and address with different page offsets");
	pages_free(&p);

	p.left = 2;
	tap_check_eq(sl_init(&t, 4, 48, a), SL_OK, "VT-d 3.3 §3.7", "table with 1 spare page");
	tap_check_eq(sl_map(&t, 0, base, VTD_SL_R), SL_NO_MEMORY, "out of memory",
	             "a mapping needing 3 pages");
	tap_check_eq(sl_init(&t, 3, 48, a), SL_NO_MEMORY, "out of memory", "no page for a root");
	pages_free(&p);
	p.left = 8;
	tap_check_eq(sl_init(&t, 3, 36, a), SL_OK, "VT-d 3.3 §3.7", "3 levels within a 36-bit MGAW");
	tap_check_eq(t.aw_bits, 36, "VT-d 3.3 §10.4.2 MGAW", "the width is MGAW's");
	pages_free(&p);
}

static void ctx_tests(void)
{
	struct pages p = {.left = 64};
	struct sl_alloc a = {page_alloc, &p};
	struct ctx_tables c;
	struct sl_table sl;
	tap_check_eq(ctx_tables_init(&c, a), SL_OK, "VT-d 3.3 §3.4.2", "root table");
	tap_check_eq(sl_init(&sl, 4, 48, a), SL_OK, "VT-d 3.3 §3.7", "a domain's table");
	tap_check_true(ctx_tables_get(&c, 1, 2) == NULL, "VT-d 3.3 §9.1", "no context table before use");
	tap_check_eq(ctx_tables_set(&c, 1, 2, &sl, 3), SL_OK, "VT-d 3.3 §9.3", "01:00.2 in domain 3");
	const struct vtd_entry *e = ctx_tables_get(&c, 1, 2);
	tap_check_eq(c.root[1].lo, (uint64_t)(uintptr_t)c.context[1] | VTD_ROOT_P, "VT-d 3.3 §9.1: P, CTP",
	             "root entry of bus 1");
	tap_check_eq(e->lo, (uint64_t)(uintptr_t)sl.root | VTD_CTX_P, "VT-d 3.3 §9.3: P, TT 00b, SLPTPTR",
	             "context entry low half");
	tap_check_eq(e->hi, 2 | 3 << 8, "VT-d 3.3 §9.3: AW 010b, DID", "context entry high half");
	tap_check_eq(c.root[0].lo | c.context[1][1].lo | c.context[1][3].lo, 0, "VT-d 3.3 §9.1",
	             "nothing else present");
	tap_check_eq(vtd_source_id(1, 2), 0x0102, "PCIe 6.0 §2.2.6.2 Requester ID", "source-id bus<<8|devfn");
	ctx_tables_clear(&c, 1, 2);
	tap_check_true(e->lo == 0 && e->hi == 0, "VT-d 3.3 §9.3", "cleared entry is not present");
	ctx_tables_clear(&c, 7, 0);
	pages_free(&p);
}

static void fault_tests(void)
{
	struct vtd_fault f;
	char line[160];
	uint64_t hi = VTD_FRCD_F | (uint64_t)VTD_FR_WRITE << 32 | 0x0102;
	tap_check_true(vtd_fault_decode(0x7f3a0123, hi, &f), "VT-d 3.3 §10.4.14: F", "a recorded fault");
	tap_check_true(f.sid == 0x0102 && f.reason == VTD_FR_WRITE && !f.read && f.page == 0x7f3a0000 &&
	                   !f.pasid,
	               "VT-d 3.3 §10.4.14: SID, FR, T, FI", "fields decoded");
	vtd_fault_format(&f, line, sizeof(line));
	tap_check(strcmp(line,
	                 "sid 01:00.2 (0x0102) write page 0x7f3a0000 reason 0x5 (write to a page without "
	                 "write permission)") == 0,
	          "one-line report", line, "sid 01:00.2 ... reason 0x5 (...)", "formatted");
	tap_check_true(vtd_fault_decode(0, VTD_FRCD_T | (uint64_t)VTD_FR_READ << 32, &f) == false && f.read,
	               "VT-d 3.3 §10.4.14: F clear", "no fault without F, T is a read");
	tap_check(strcmp(vtd_fault_reason_name(0x42), "unknown fault reason") == 0, "Appendix A",
	          vtd_fault_reason_name(0x42), "unknown fault reason", "an unknown reason is named so");
}

int main(void)
{
	tap_begin();
	tap_prefix_push("iommu");
	sl_tests();
	ctx_tests();
	fault_tests();
	return unit_done();
}
