/* firmware/pci/sriov.c: enabling and disabling VFs (PCIe 6.0 §9.3.3).
 *
 * The order follows the rules: with VF Enable clear, program ARI Capable
 * Hierarchy (§9.3.3.3.5: it changes First VF Offset and VF Stride), System
 * Page Size (§9.3.3.13: it changes how VF BARs size and align), NumVFs
 * (§9.3.3.7), then re-read Offset/Stride (§9.3.3.9-10: they may depend on
 * NumVFs), size the VF BARs (§9.3.3.14) and place them inside the parent
 * bridge's window when the firmware left them out, and only then set VF
 * Enable and VF MSE. VFs are found only by RID arithmetic: their Vendor ID
 * reads 0xFFFF (§9.3.4.1.1), a vendor scan never sees them. */
#include <stdlib.h>
#include <string.h>

#include "boot/timer.h"
#include "lib/tap.h"
#include "pci/pci.h"
#include "pci/pci_internal.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

#define CPU_PAGE_BYTES 4096u
#define MAX_BUSY       4096

static uint32_t wait_enable_us = PCI_SRIOV_VF_ENABLE_WAIT_US, wait_disable_us = 0;
static uint64_t sys_page_bytes = CPU_PAGE_BYTES;

void pci_sriov_set_page_bytes(uint64_t bytes)
{
	sys_page_bytes = bytes ? bytes : CPU_PAGE_BYTES;
}

void pci_sriov_set_waits(uint32_t after_enable_us, uint32_t after_disable_us)
{
	wait_enable_us = after_enable_us;
	wait_disable_us = after_disable_us;
}

uint16_t pci_sriov_num_vfs(const struct pci_func *pf)
{
	if (!pf || !pf->sriov_cap)
		return 0;
	if (!(pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE))
		return 0;
	return pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_NUM_VF);
}

pci_rid pci_sriov_vf_rid(const struct pci_func *pf, uint16_t i)
{
	pci_rid r;
	/* 0 is never a VF (it is at least PF + First VF Offset >= 1). */
	return pci_vf_rid_calc(pf->rid, pf->vf_offset, pf->vf_stride, i, &r) ? r : 0;
}

bool pci_sriov_vf_last_bus(const struct pci_func *pf, uint16_t n, uint8_t *bus)
{
	return pci_vf_last_bus(pf->rid, pf->vf_offset, pf->vf_stride, n, bus);
}

struct pci_func *pci_sriov_vf(struct pci_func *pf, uint16_t i)
{
	return pf && pf->vfs && i < pf->num_vfs ? &pf->vfs[i] : NULL;
}

uint64_t pci_sriov_vf_bar_addr(const struct pci_func *pf, uint16_t i, unsigned bar)
{
	if (bar >= PCI_NUM_BARS || !pf->vf_bar[bar].size || !pf->vf_bar[bar].base)
		return 0;
	return pf->vf_bar[bar].base + (uint64_t)i * pf->vf_bar[bar].size;
}

int pci_sriov_size_vf_bars(struct pci_func *pf)
{
	if (!pf || !pf->sriov_cap)
		return -1;
	if (pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_CTRL) &
	    (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE))
		return -1;
	memset(pf->vf_bar, 0, sizeof(pf->vf_bar));
	for (unsigned i = 0; i < PCI_NUM_BARS;) {
		unsigned used = pci_bar_probe(pf->rid, pf->sriov_cap + PCI_SRIOV_BAR + 4 * i, &pf->vf_bar[i]);
		i += used ? used : 1;
	}
	return 0;
}

static bool is_ancestor(const struct pci_func *maybe, const struct pci_func *f)
{
	for (const struct pci_func *p = f->parent; p; p = p->parent)
		if (p == maybe)
			return true;
	return false;
}

/* Everything already decoding memory that a new VF region must avoid. */
static size_t collect_busy(const struct pci_func *pf, unsigned skip_bar, struct pci_range *busy, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < pci_func_count(); i++) {
		const struct pci_func *f = pci_func_at(i);
		for (unsigned b = 0; b < PCI_NUM_BARS && n < max; b++)
			if (f->bar[b].size && f->bar[b].base && !f->bar[b].is_io)
				busy[n++] = (struct pci_range){f->bar[b].base, f->bar[b].size};
		if (f->header_type == PCI_HEADER_TYPE_BRIDGE && !is_ancestor(f, pf) && n + 2 <= max) {
			busy[n++] = (struct pci_range){f->mem_base, f->mem_size};
			busy[n++] = (struct pci_range){f->pref_base, f->pref_size};
		}
		if (f->sriov_cap)
			for (unsigned b = 0; b < PCI_NUM_BARS && n < max; b++) {
				const struct pci_bar *vb = &f->vf_bar[b];
				if ((f == pf && b == skip_bar) || !vb->size || !vb->base)
					continue;
				busy[n++] = (struct pci_range){vb->base,
				                               vb->size * (f->total_vfs ? f->total_vfs : 1)};
			}
	}
	return n;
}

static void write_vf_bar(struct pci_func *pf, unsigned b, uint64_t base)
{
	uint16_t off = pf->sriov_cap + PCI_SRIOV_BAR + 4 * b;
	uint32_t type = pci_cfg_read32(pf->rid, off) & PCI_BAR_MEM_FLAGS;
	pci_cfg_write32(pf->rid, off, (uint32_t)base | type);
	if (pf->vf_bar[b].is_64)
		pci_cfg_write32(pf->rid, off + 4, (uint32_t)(base >> 32));
	pf->vf_bar[b].base = base;
}

/* Keep the firmware's placement when all n VFs fit in the bridge window;
 * otherwise place TotalVFs (or at least n) regions, aligned to the larger
 * of the per-VF size and the System Page Size. */
static int assign_vf_bars(struct pci_func *pf, uint16_t n)
{
	const struct pci_func *br = pf->parent;
	uint64_t page = pci_sriov_page_bytes(pf->sys_page_size);
	char name[8];
	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		struct pci_bar *vb = &pf->vf_bar[b];
		if (!vb->size)
			continue;
		struct pci_range win = {0, 0};
		if (br) {
			struct pci_range mem = {br->mem_base, br->mem_size},
			                 pref = {br->pref_base, br->pref_size};
			bool pref_ok = pref.size && (vb->is_64 || pref.base + pref.size <= (1ull << 32));
			win = vb->prefetchable && pref_ok ? pref : mem;
		}
		struct pci_range need = {vb->base, vb->size * (n ? n : 1)};
		bool inside = need.base >= win.base && need.base + need.size <= win.base + win.size;
		if (vb->base && (inside || !br) && (vb->base & (page - 1)) == 0)
			continue;
		if (!br) {
			tap_diag("pci: %s: VF BAR%u unassigned and no bridge window to place it in",
			         pci_rid_str(pf->rid, name), b);
			return -1;
		}
		static struct pci_range busy[MAX_BUSY];
		size_t nb = collect_busy(pf, b, busy, MAX_BUSY);
		uint64_t align = vb->size > page ? vb->size : page, addr;
		uint16_t want = pf->total_vfs > n ? pf->total_vfs : n;
		if (!pci_window_alloc(win, busy, nb, vb->size * want, align, &addr) &&
		    !pci_window_alloc(win, busy, nb, vb->size * (n ? n : 1), align, &addr)) {
			tap_diag("pci: %s: no room for VF BAR%u (%u x 0x%llx) in bridge window 0x%llx+0x%llx",
			         pci_rid_str(pf->rid, name), b, n, (unsigned long long)vb->size,
			         (unsigned long long)win.base, (unsigned long long)win.size);
			return -1;
		}
		write_vf_bar(pf, b, addr);
		tap_diag("pci: %s: VF BAR%u placed at 0x%llx (per-VF 0x%llx)", pci_rid_str(pf->rid, name), b,
		         (unsigned long long)addr, (unsigned long long)vb->size);
	}
	return 0;
}

/* §9.3.3.3.5: ARI Capable Hierarchy is meaningful in the lowest-numbered
 * PF of the device only; set it when the port above forwards ARI. */
static bool lowest_pf(const struct pci_func *pf)
{
	for (size_t i = 0; i < pci_sriov_pf_count(); i++) {
		const struct pci_func *o = pci_sriov_pf(i);
		if (o != pf && o->parent == pf->parent && pci_rid_bus(o->rid) == pci_rid_bus(pf->rid) &&
		    o->rid < pf->rid)
			return false;
	}
	return true;
}

static void fill_vf(struct pci_func *pf, uint16_t i)
{
	struct pci_func *vf = &pf->vfs[i];
	memset(vf, 0, sizeof(*vf));
	vf->rid = pci_sriov_vf_rid(pf, i);
	vf->cfg = pci_ecam_window(vf->rid);
	vf->vendor = pf->vendor;
	vf->device = pf->vf_device;
	vf->header_type = pci_cfg_read8(vf->rid, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	vf->class_code = pci_cfg_read32(vf->rid, PCI_REVISION_ID) >> 8;
	vf->pf = pf;
	vf->vf_index = i;
	vf->is_vf = true;
	vf->parent = pf->parent;
	vf->pcie_cap = pci_find_cap(vf->rid, PCI_CAP_ID_EXP, 0);
	if (vf->pcie_cap)
		vf->port_type =
		    (pci_cfg_read16(vf->rid, vf->pcie_cap + PCI_EXP_FLAGS) >> PCI_EXP_FLAGS_TYPE_SHIFT) &
		    PCI_EXP_FLAGS_TYPE_MASK;
	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		vf->bar[b] = pf->vf_bar[b];
		vf->bar[b].base = pci_sriov_vf_bar_addr(pf, i, b);
	}
}

int pci_sriov_enable(struct pci_func *pf, uint16_t n)
{
	if (!pf || !pf->sriov_cap)
		return -1;
	pci_rid r = pf->rid;
	uint16_t c = pf->sriov_cap;
	char name[8];
	pf->total_vfs = pci_cfg_read16(r, c + PCI_SRIOV_TOTAL_VF);
	if (n > pf->total_vfs) {
		tap_diag("pci: %s: %u VFs asked, TotalVFs is %u", pci_rid_str(r, name), n, pf->total_vfs);
		return -1;
	}
	if (pci_cfg_read16(r, c + PCI_SRIOV_CTRL) & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE))
		pci_sriov_disable(pf);
	uint16_t ctrl = pci_cfg_read16(r, c + PCI_SRIOV_CTRL) & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	if (pf->parent && pf->parent->ari_forwarding && lowest_pf(pf))
		ctrl |= PCI_SRIOV_CTRL_ARI;
	else
		ctrl &= ~PCI_SRIOV_CTRL_ARI;
	pci_cfg_write16(r, c + PCI_SRIOV_CTRL, ctrl);
	uint32_t ps = pci_sriov_pick_page_size(pci_cfg_read32(r, c + PCI_SRIOV_SUP_PGSIZE), sys_page_bytes);
	pci_cfg_write32(r, c + PCI_SRIOV_SYS_PGSIZE, ps);
	pf->sys_page_size = pci_cfg_read32(r, c + PCI_SRIOV_SYS_PGSIZE);
	pci_cfg_write16(r, c + PCI_SRIOV_NUM_VF, n);
	if (pci_cfg_read16(r, c + PCI_SRIOV_NUM_VF) != n) {
		tap_diag("pci: %s: NumVFs did not take %u", pci_rid_str(r, name), n);
		return -1;
	}
	pf->vf_offset = pci_cfg_read16(r, c + PCI_SRIOV_VF_OFFSET);
	pf->vf_stride = pci_cfg_read16(r, c + PCI_SRIOV_VF_STRIDE);
	pf->vf_device = pci_cfg_read16(r, c + PCI_SRIOV_VF_DID);
	uint8_t last_bus;
	if (n && (!pci_vf_last_bus(r, pf->vf_offset, pf->vf_stride, n, &last_bus) ||
	          (pf->parent && last_bus > pf->parent->subordinate_bus))) {
		tap_diag("pci: %s: VF routing IDs leave the bus range below the bridge",
		         pci_rid_str(r, name));
		return -1;
	}
	if (pci_sriov_size_vf_bars(pf) != 0 || assign_vf_bars(pf, n) != 0)
		return -1;
	pci_cfg_write16(r, c + PCI_SRIOV_CTRL, ctrl | PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	if (wait_enable_us)
		udelay(wait_enable_us);
	if (!(pci_cfg_read16(r, c + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE)) {
		tap_diag("pci: %s: VF Enable did not stick", pci_rid_str(r, name));
		return -1;
	}
	if (!pf->vfs && pf->total_vfs)
		pf->vfs = calloc(pf->total_vfs, sizeof(*pf->vfs));
	if (!pf->vfs && n)
		return -1;
	for (uint16_t i = 0; i < n; i++)
		fill_vf(pf, i);
	pf->num_vfs = n;
	return 0;
}

void pci_sriov_disable(struct pci_func *pf)
{
	if (!pf || !pf->sriov_cap)
		return;
	pci_rid r = pf->rid;
	uint16_t c = pf->sriov_cap;
	uint16_t ctrl = pci_cfg_read16(r, c + PCI_SRIOV_CTRL);
	pci_cfg_write16(r, c + PCI_SRIOV_CTRL, ctrl & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	if (wait_disable_us)
		udelay(wait_disable_us);
	pci_cfg_write16(r, c + PCI_SRIOV_NUM_VF, 0);
	pf->num_vfs = 0;
}
