/* tests/conformance/iommu_env.c: DMAR -> unit -> tables -> domains. */
#include "iommu_env.h"

#include <stdarg.h>
#include <stdio.h>

#include "boot/mem.h"
#include "iommu/vtd_regs.h"
#include "iommu_regions.h"

static int env_fail(struct iommu_env *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int env_fail(struct iommu_env *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void *table_page(void *ctx)
{
	(void)ctx;
	return dma_alloc(VTD_PAGE_SIZE, VTD_PAGE_SIZE);
}

static const struct sl_alloc table_alloc = {table_page, NULL};

static uint8_t fn_bus(const struct venv_fn *fn)
{
	return (uint8_t)(fn->f->rid >> 8);
}

static uint8_t fn_devfn(const struct venv_fn *fn)
{
	return (uint8_t)fn->f->rid;
}

/* The bridges above the function (a VF's are its PF's), root bus first,
 * then the function; 0 when deeper than a scope path can be. */
static size_t fn_hops(const struct venv_fn *fn, struct dmar_hop *hops)
{
	const struct pci_func *up[DMAR_MAX_PATH];
	size_t n = 0;
	for (const struct pci_func *p = fn->f->is_vf ? fn->pf->parent : fn->f->parent; p; p = p->parent) {
		if (n == DMAR_MAX_PATH - 1)
			return 0;
		up[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		hops[i] = (struct dmar_hop){(uint8_t)(up[n - 1 - i]->rid >> 8), (uint8_t)up[n - 1 - i]->rid};
	hops[n] = (struct dmar_hop){fn_bus(fn), fn_devfn(fn)};
	return n + 1;
}

int iommu_env_open(struct iommu_env *m, struct venv *e)
{
	m->e = e;
	enum acpi_status ast;
	const struct acpi_sdt_header *t = acpi_find("DMAR", &ast);
	if (!t)
		return env_fail(m, "no DMAR table: %s", acpi_status_name(ast));
	enum dmar_status st = dmar_parse(t, &m->dmar);
	if (st != DMAR_OK)
		return env_fail(m, "DMAR: %s", dmar_status_name(st));
	for (size_t i = 0; i < e->n; i++) {
		struct dmar_hop hops[DMAR_MAX_PATH];
		size_t n = fn_hops(&e->fn[i], hops);
		const struct dmar_unit *u = n ? dmar_unit_for(&m->dmar, hops, n) : NULL;
		if (!u)
			return env_fail(m, "DMAR: no unit covers %s", e->fn[i].name);
		if (m->du && u != m->du)
			return env_fail(m, "DMAR: %s is under another unit than %s", e->fn[i].name,
			                e->fn[0].name);
		m->du = u;
	}
	if (vtd_open(&m->unit, m->du->base) != 0)
		return env_fail(m, "%s", m->unit.err);
	m->levels = sl_levels_for_sagaw(VTD_CAP_SAGAW(m->unit.cap));
	m->mgaw = VTD_CAP_MGAW(m->unit.cap);
	if (!m->levels)
		return env_fail(m, "SAGAW 0x%x offers neither 3- nor 4-level tables",
		                VTD_CAP_SAGAW(m->unit.cap));
	if (VTD_CAP_DOMAINS(m->unit.cap) <= e->n)
		return env_fail(m, "%u domains for %zu functions", VTD_CAP_DOMAINS(m->unit.cap), e->n);
	if (ctx_tables_init(&m->ctx, table_alloc) != SL_OK)
		return env_fail(m, "no memory for the root table");
	for (size_t i = 0; i < e->n; i++)
		m->dom[i] = (struct iommu_domain){
		    .did = (uint16_t)(i + 1), .sid = vtd_source_id(fn_bus(&e->fn[i]), fn_devfn(&e->fn[i]))};
	return 0;
}

int iommu_env_map(struct iommu_env *m, size_t i, uint64_t rx_access)
{
	struct venv_fn *fn = &m->e->fn[i];
	struct iommu_domain *d = &m->dom[i];
	if (!fn->nd)
		return env_fail(m, "%s has no device to map", fn->name);
	enum sl_status st = sl_init(&d->sl, m->levels, m->mgaw, table_alloc);
	struct dma_region r[DMA_REGIONS_MAX];
	size_t n = net_dma_regions(fn->nd, r, DMA_REGIONS_MAX);
	for (size_t k = 0; k < n && st == SL_OK; k++)
		st = sl_map_range(&d->sl, r[k].addr, r[k].addr, r[k].bytes,
		                  r[k].kind == DMA_RX_BUFFERS ? rx_access : VTD_SL_R | VTD_SL_W);
	if (st == SL_OK)
		st = ctx_tables_set(&m->ctx, fn_bus(fn), fn_devfn(fn), &d->sl, d->did);
	if (st != SL_OK)
		return env_fail(m, "%s: %s", fn->name, sl_status_name(st));
	d->mapped = true;
	if (vtd_invalidate_function(&m->unit, d->sid, d->did) != 0)
		return env_fail(m, "%s", m->unit.err);
	return 0;
}

int iommu_env_unmap(struct iommu_env *m, size_t i)
{
	struct venv_fn *fn = &m->e->fn[i];
	ctx_tables_clear(&m->ctx, fn_bus(fn), fn_devfn(fn));
	m->dom[i].mapped = false;
	if (vtd_invalidate_function(&m->unit, m->dom[i].sid, m->dom[i].did) != 0)
		return env_fail(m, "%s", m->unit.err);
	return 0;
}

unsigned iommu_env_faults(struct iommu_env *m)
{
	m->n_faults = vtd_faults_take(&m->unit, m->fault, IOMMU_FAULTS_MAX, &m->dropped, &m->overflow);
	for (unsigned k = 0; k < m->n_faults; k++) {
		char line[160];
		vtd_fault_format(&m->fault[k], line, sizeof(line));
		tap_diag("iommu: fault: %s", line);
	}
	if (m->dropped || m->overflow)
		tap_diag("iommu: %u fault record(s) not kept, primary fault overflow %s", m->dropped,
		         m->overflow ? "set" : "clear");
	return m->n_faults;
}
