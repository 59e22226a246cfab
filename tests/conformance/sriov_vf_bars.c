/* tests/conformance/sriov_vf_bars.c: the VF BARs of the SR-IOV capability
 * (PCIe 6.0 §9.3.3.14), their placement, and VF memory decode under VF MSE
 * (§9.3.3.3.4). */
#include <string.h>

#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "sriov.h"

#define MSIX_PATTERN 0x5a5a0000u

static const char *bar_kind(const struct pci_bar *b)
{
	return b->is_io ? "I/O" : b->is_64 ? (b->prefetchable ? "64-bit prefetchable" : "64-bit") : "32-bit";
}

/* With VF Enable and VF MSE clear. */
void sriov_check_vf_bar_regs(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	pci_rid r = pf->rid;
	uint16_t cap = pf->sriov_cap;
	uint32_t sys = pci_cfg_read32(r, cap + PCI_SRIOV_SYS_PGSIZE);
	pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, PCI_SRIOV_PGSIZE_4K); /* as pci_sriov_enable does */
	tap_check_eq(pci_sriov_size_vf_bars(pf), 0,
	             "PCIe 6.0 §9.3.3.14 VF BARs are sized with VF Enable and VF MSE clear",
	             "VF BARs can be sized");
	unsigned nbars = 0;
	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		struct pci_bar vb = pf->vf_bar[b];
		if (!vb.size)
			continue;
		nbars++;
		uint16_t off = cap + PCI_SRIOV_BAR + 4 * b;
		uint32_t orig = pci_cfg_read32(r, off);
		pci_cfg_write32(r, off, 0);
		uint32_t zero = pci_cfg_read32(r, off);
		pci_cfg_write32(r, off, 0xffffffffu);
		uint32_t ones = pci_cfg_read32(r, off);
		pci_cfg_write32(r, off, orig);
		char got[64], want[32];
		uint32_t flags = orig & PCI_BAR_MEM_FLAGS;
		snprintf(got, sizeof(got), "type 0x%x after 0, 0x%x after ~0", zero & PCI_BAR_MEM_FLAGS,
		         ones & PCI_BAR_MEM_FLAGS);
		snprintf(want, sizeof(want), "0x%x both", flags);
		tap_check((zero & PCI_BAR_MEM_FLAGS) == flags && (ones & PCI_BAR_MEM_FLAGS) == flags,
		          "PCIe 6.0 §9.3.3.14 with §7.5.1.2.1: VF BAR type bits are read-only", got, want,
		          "VF BAR%u type bits read-only", b);
		tap_check(!vb.is_io, "PCIe 6.0 §9.3.3.14: VF BARs map memory space only", bar_kind(&vb),
		          "memory", "VF BAR%u is a memory BAR", b);
		snprintf(got, sizeof(got), "0x%llx", (unsigned long long)vb.size);
		tap_check(
		    (vb.size & (vb.size - 1)) == 0 && vb.size >= 4096,
		    "PCIe 6.0 §9.3.3.13: each VF BAR region is a power of two, at least the System Page Size",
		    got, "power of two >= 4 KiB", "VF BAR%u per-VF size with 4 KiB pages", b);
	}
	tap_check_true(nbars > 0, "PCIe 6.0 §9.3.3.14: a PF exposes its VFs' memory through VF BARs",
	               "at least one VF BAR implemented");
	/* §9.3.3.13: with a larger System Page Size every VF's region must
	 * start on such a page, so the VF BAR size reads at least that. */
	uint32_t sup = pci_cfg_read32(r, cap + PCI_SRIOV_SUP_PGSIZE);
	if (sup & PCI_SRIOV_PGSIZE_64K) {
		uint64_t page = (uint64_t)PCI_SRIOV_PGSIZE_64K << PCI_SRIOV_PGSIZE_SHIFT;
		pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, PCI_SRIOV_PGSIZE_64K);
		struct pci_bar big[PCI_NUM_BARS];
		memcpy(big, pf->vf_bar, sizeof(big));
		pci_sriov_size_vf_bars(pf);
		unsigned bad = 0, first = 0;
		for (unsigned b = 0; b < PCI_NUM_BARS; b++)
			if (pf->vf_bar[b].size && (pf->vf_bar[b].size & (page - 1)) && bad++ == 0)
				first = b;
		char got[64];
		snprintf(got, sizeof(got), bad ? "VF BAR%u is 0x%llx per VF" : "all multiples", first,
		         (unsigned long long)pf->vf_bar[first].size);
		tap_check_kfail(sriov_known(c, "sriov-vf-bar-ignores-page-size"), bad == 0,
		                "PCIe 6.0 §9.3.3.13: VF BARs are aligned to System Page Size (64 KiB here)",
		                got, "per-VF size a multiple of 64 KiB",
		                "VF BAR sizes follow System Page Size = 64 KiB");
		pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, PCI_SRIOV_PGSIZE_4K);
		pci_sriov_size_vf_bars(pf);
	} else {
		tap_skip("64 KiB not a supported page size", "VF BAR sizes follow System Page Size = 64 KiB");
	}
	pci_cfg_write32(r, cap + PCI_SRIOV_SYS_PGSIZE, sys);
}

static bool inside(uint64_t base, uint64_t size, uint64_t wbase, uint64_t wsize)
{
	return wsize && base >= wbase && base + size <= wbase + wsize && base + size >= base;
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

/* What else decodes memory that a VF region must not overlap. */
static bool clash_with_others(const struct sriov_ctx *c, uint64_t base, uint64_t size, unsigned self_bar,
                              char *who, size_t len)
{
	char n[8];
	for (size_t i = 0; i < pci_func_count(); i++) {
		const struct pci_func *f = pci_func_at(i);
		for (unsigned b = 0; b < PCI_NUM_BARS; b++)
			if (!f->bar[b].is_io && overlaps(base, size, f->bar[b].base, f->bar[b].size)) {
				snprintf(who, len, "BAR%u of %s", b, pci_rid_str(f->rid, n));
				return true;
			}
		if (!f->sriov_cap)
			continue;
		uint16_t nv = f == c->pf ? c->pf->num_vfs : f->num_vfs;
		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			if (f == c->pf && b == self_bar)
				continue;
			const struct pci_bar *vb = &f->vf_bar[b];
			if (nv && overlaps(base, size, vb->base, vb->size * nv)) {
				snprintf(who, len, "VF BAR%u of %s", b, pci_rid_str(f->rid, n));
				return true;
			}
		}
	}
	return false;
}

/* Placement of the VF BAR regions, with `c->pf->num_vfs` VFs enabled. */
void sriov_check_vf_bar_placement(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	const struct pci_func *br = pf->parent;
	uint16_t n = pf->num_vfs;
	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		const struct pci_bar *vb = &pf->vf_bar[b];
		if (!vb->size)
			continue;
		/* Read the base back from the device, not from our copy. */
		uint16_t off = pf->sriov_cap + PCI_SRIOV_BAR + 4 * b;
		uint64_t base = pci_cfg_read32(pf->rid, off) & PCI_BAR_MEM_MASK;
		if (vb->is_64)
			base |= (uint64_t)pci_cfg_read32(pf->rid, off + 4) << 32;
		uint64_t span = vb->size * n;
		char got[96], want[96];
		snprintf(got, sizeof(got), "0x%llx + %u x 0x%llx", (unsigned long long)base, n,
		         (unsigned long long)vb->size);
		tap_check(base && (base & (vb->size - 1)) == 0,
		          "PCIe 6.0 §9.3.3.14 with §7.5.1.2.1: VF BAR base assigned and naturally aligned",
		          got, "non-zero, aligned to the per-VF size", "VF BAR%u assigned and aligned", b);
		if (br) {
			bool in = inside(base, span, br->mem_base, br->mem_size) ||
			          inside(base, span, br->pref_base, br->pref_size);
			snprintf(want, sizeof(want), "in 0x%llx+0x%llx or 0x%llx+0x%llx",
			         (unsigned long long)br->mem_base, (unsigned long long)br->mem_size,
			         (unsigned long long)br->pref_base, (unsigned long long)br->pref_size);
			tap_check(in,
			          "PCIe 6.0 §7.5.1.3.8-9: VF regions lie inside a window of the bridge above",
			          got, want, "VF BAR%u regions of all %u VFs inside the bridge window", b, n);
		}
		char who[48] = "nothing";
		bool clash = clash_with_others(c, base, span, b, who, sizeof(who));
		tap_check(!clash, "PCIe 6.0 §9.3.3.14: VF BAR regions do not overlap other decoders", who,
		          "nothing", "VF BAR%u regions overlap no other BAR", b);
		/* The VF table the library computes is base + i x size. */
		unsigned bad = 0;
		for (uint16_t i = 0; i < n; i++) {
			struct pci_func *vf = pci_sriov_vf(pf, i);
			bad += !vf || vf->bar[b].base != base + (uint64_t)i * vb->size;
		}
		tap_check_eq(bad, 0, "PCIe 6.0 §9.3.3.14: VF n's BAR is VF BAR base + n x per-VF size",
		             "per-VF BAR%u addresses follow the VF BAR", b);
	}
}

/* §9.3.3.3.4: VF memory decodes only while VF MSE is set. Probed through
 * the MSI-X table of VF 0 (every model's VFs have one, and its Message
 * Data is read-write): a pattern written must read back while decoding,
 * and nothing may answer (all ones) once VF MSE is clear. */
static void check_decode(struct sriov_ctx *c)
{
	struct pci_func *pf = c->pf;
	struct pci_func *vf = pci_sriov_vf(pf, 0);
	unsigned bar;
	uint32_t toff;
	if (!vf || !pci_msix_table(vf->rid, &bar, &toff) || !vf->bar[bar].size) {
		tap_skip("VF 0 has no MSI-X table in a VF BAR", "VF memory decodes only while VF MSE is set");
		return;
	}
	uint16_t ctl_off = pf->sriov_cap + PCI_SRIOV_CTRL;
	uint16_t ctrl = pci_cfg_read16(pf->rid, ctl_off);
	uint64_t data = toff + PCI_MSIX_ENTRY_DATA;
	char got[64];

	/* VF MSE set, the VF's own Command register as reset left it (its
	 * Memory Space Enable is RO 0 in a VF, §9.3.4.1.3). */
	pci_bar_write32(vf, bar, data, MSIX_PATTERN | 1);
	uint32_t v = pci_bar_read32(vf, bar, data);
	snprintf(got, sizeof(got), "0x%08x", v);
	tap_check_kfail(sriov_known(c, "sriov-vf-decode-needs-vf-command-mse"), v == (MSIX_PATTERN | 1),
	                "PCIe 6.0 §9.3.3.3.4 VF MSE set: VF memory space decodes", got,
	                "the pattern written (0x5a5a0001)", "VF 0 MSI-X table decodes with VF MSE set");

	/* What a driver does anyway: set the VF's Command MSE (RO 0 in a
	 * VF, so harmless), then write the pattern again. */
	uint16_t cmd = pci_cfg_read16(vf->rid, PCI_COMMAND);
	pci_cfg_write16(vf->rid, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	pci_bar_write32(vf, bar, data, MSIX_PATTERN | 2);
	uint32_t with_cmd = pci_bar_read32(vf, bar, data);
	tap_diag("VF 0 MSI-X data with VF MSE and the VF's Command MSE written: 0x%08x", with_cmd);

	pci_cfg_write16(pf->rid, ctl_off, ctrl & ~PCI_SRIOV_CTRL_MSE);
	v = pci_bar_read32(vf, bar, data);
	snprintf(got, sizeof(got), "0x%08x", v);
	/* Nothing may claim the address: hardware reads all ones (master
	 * abort), QEMU reads 0 from unclaimed memory (seen above, before the
	 * VF's Command MSE was set), so the test is that the VF's register is
	 * gone, not a particular value. */
	tap_check_kfail(sriov_known(c, "sriov-vf-mse-ignored"),
	                v != (MSIX_PATTERN | 2) && (v == 0xffffffffu || v == 0),
	                "PCIe 6.0 §9.3.3.3.4 VF MSE clear: VFs do not decode memory", got,
	                "no completer: all ones (or QEMU's 0 for unclaimed memory), not 0x5a5a0002",
	                "VF 0 MSI-X table does not decode with VF MSE clear");
	pci_cfg_write16(pf->rid, ctl_off, ctrl);
	pci_cfg_write16(vf->rid, PCI_COMMAND, cmd);
}

void sriov_check_vf_bars(struct sriov_ctx *c)
{
	sriov_check_vf_bar_placement(c);
	check_decode(c);
}
