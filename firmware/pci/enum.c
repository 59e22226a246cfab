/* firmware/pci/enum.c: finding every function below every bridge.
 *
 * Bus numbers are the firmware's (OVMF assigned them); this walk follows
 * each Type 1 function's Secondary/Subordinate Bus Numbers (PCIe 6.0
 * §7.5.1.3.3-4). Below a Downstream Port with ARI Forwarding enabled the
 * 8 bits after the bus are one Function Number (§6.13), so all 256 are
 * probed; elsewhere devices 0-31 with functions 1-7 only when function 0
 * is multi-function (§7.5.1.1.9). ARI Forwarding is switched on where the
 * port supports it and the function below has an ARI capability, as an OS
 * would before enabling more than 7 VFs. A vendor-ID scan never sees VFs:
 * sriov.c finds them from the SR-IOV capability. */
#include <stdlib.h>
#include <string.h>

#include "lib/tap.h"
#include "pci/pci.h"
#include "pci/pci_internal.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

#define MAX_BRIDGE_DEPTH 32

static struct pci_func *funcs[PCI_MAX_FUNCS];
static size_t nfuncs;
static struct pci_func *sriov_pfs[PCI_MAX_FUNCS];
static size_t nsriov;
static bool bus_seen[256];
static int init_result = 1; /* 1: not run yet */

const char *pci_rid_str(pci_rid rid, char buf[8])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t bus = rid >> 8, dev = (rid >> 3) & 0x1f, fn = rid & 7;
	buf[0] = hex[bus >> 4];
	buf[1] = hex[bus & 15];
	buf[2] = ':';
	buf[3] = hex[dev >> 4];
	buf[4] = hex[dev & 15];
	buf[5] = '.';
	buf[6] = hex[fn];
	buf[7] = 0;
	return buf;
}

size_t pci_func_count(void)
{
	return nfuncs;
}
struct pci_func *pci_func_at(size_t i)
{
	return i < nfuncs ? funcs[i] : NULL;
}
size_t pci_sriov_pf_count(void)
{
	return nsriov;
}
struct pci_func *pci_sriov_pf(size_t i)
{
	return i < nsriov ? sriov_pfs[i] : NULL;
}

struct pci_func *pci_find_rid(pci_rid rid)
{
	for (size_t i = 0; i < nfuncs; i++)
		if (funcs[i]->rid == rid)
			return funcs[i];
	for (size_t i = 0; i < nsriov; i++) {
		struct pci_func *pf = sriov_pfs[i];
		for (uint16_t v = 0; pf->vfs && v < pf->num_vfs; v++)
			if (pf->vfs[v].rid == rid)
				return &pf->vfs[v];
	}
	return NULL;
}

struct pci_func *pci_parent_bridge(const struct pci_func *f)
{
	return f->is_vf && f->pf ? f->pf->parent : f->parent;
}

static void read_windows(struct pci_func *b)
{
	pci_rid r = b->rid;
	struct pci_range m =
	    pci_bridge_mem_window(pci_cfg_read16(r, PCI_MEMORY_BASE), pci_cfg_read16(r, PCI_MEMORY_LIMIT));
	struct pci_range p = pci_bridge_pref_window(
	    pci_cfg_read16(r, PCI_PREF_MEMORY_BASE), pci_cfg_read16(r, PCI_PREF_MEMORY_LIMIT),
	    pci_cfg_read32(r, PCI_PREF_BASE_UPPER32), pci_cfg_read32(r, PCI_PREF_LIMIT_UPPER32));
	b->mem_base = m.base;
	b->mem_size = m.size;
	b->pref_base = p.base;
	b->pref_size = p.size;
}

static void read_sriov(struct pci_func *f)
{
	uint16_t c = f->sriov_cap;
	f->total_vfs = pci_cfg_read16(f->rid, c + PCI_SRIOV_TOTAL_VF);
	f->initial_vfs = pci_cfg_read16(f->rid, c + PCI_SRIOV_INITIAL_VF);
	f->vf_offset = pci_cfg_read16(f->rid, c + PCI_SRIOV_VF_OFFSET);
	f->vf_stride = pci_cfg_read16(f->rid, c + PCI_SRIOV_VF_STRIDE);
	f->vf_device = pci_cfg_read16(f->rid, c + PCI_SRIOV_VF_DID);
	f->sys_page_size = pci_cfg_read32(f->rid, c + PCI_SRIOV_SYS_PGSIZE);
}

static struct pci_func *add_func(pci_rid rid, struct pci_func *parent)
{
	char name[8];
	if (nfuncs >= PCI_MAX_FUNCS) {
		tap_diag("pci: more than %d functions, %s ignored", PCI_MAX_FUNCS, pci_rid_str(rid, name));
		return NULL;
	}
	struct pci_func *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->rid = rid;
	f->cfg = pci_ecam_window(rid);
	f->parent = parent;
	f->vendor = pci_cfg_read16(rid, PCI_VENDOR_ID);
	f->device = pci_cfg_read16(rid, PCI_DEVICE_ID);
	f->header_type = pci_cfg_read8(rid, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	f->class_code = pci_cfg_read32(rid, PCI_REVISION_ID) >> 8;
	const char *bad = pci_capwalk_std_problem(f->cfg, PCI_CFG_EXT_SPACE_SIZE);
	if (bad)
		tap_diag("pci: %s: %s", pci_rid_str(rid, name), bad);
	f->pcie_cap = pci_find_cap(rid, PCI_CAP_ID_EXP, 0);
	if (f->pcie_cap) {
		uint16_t flags = pci_cfg_read16(rid, f->pcie_cap + PCI_EXP_FLAGS);
		f->port_type = (flags >> PCI_EXP_FLAGS_TYPE_SHIFT) & PCI_EXP_FLAGS_TYPE_MASK;
		bad = pci_capwalk_ext_problem(f->cfg, PCI_CFG_EXT_SPACE_SIZE);
		if (bad)
			tap_diag("pci: %s: %s", pci_rid_str(rid, name), bad);
		f->sriov_cap = pci_find_ext_cap(rid, PCI_EXT_CAP_ID_SRIOV, 0);
	}
	pci_func_size_bars(f);
	funcs[nfuncs++] = f;
	if (f->sriov_cap && nsriov < PCI_MAX_FUNCS) {
		read_sriov(f);
		sriov_pfs[nsriov++] = f;
	}
	return f;
}

static bool is_downstream_port(const struct pci_func *b)
{
	return b && b->pcie_cap &&
	       (b->port_type == PCI_EXP_TYPE_ROOT_PORT || b->port_type == PCI_EXP_TYPE_DOWNSTREAM);
}

/* §6.13: ARI Forwarding Enable in the port when it supports it and the
 * function 0 below has an ARI capability. */
static void setup_ari(struct pci_func *port, uint8_t bus)
{
	if (!is_downstream_port(port))
		return;
	pci_rid r = port->rid;
	uint16_t ctl2 = pci_cfg_read16(r, port->pcie_cap + PCI_EXP_DEVCTL2);
	if (!(ctl2 & PCI_EXP_DEVCTL2_ARI)) {
		pci_rid f0 = (pci_rid)(bus << 8);
		if (!(pci_cfg_read32(r, port->pcie_cap + PCI_EXP_DEVCAP2) & PCI_EXP_DEVCAP2_ARI))
			return;
		if (pci_cfg_read16(f0, PCI_VENDOR_ID) == 0xffff ||
		    !pci_find_ext_cap(f0, PCI_EXT_CAP_ID_ARI, 0))
			return;
		pci_cfg_write16(r, port->pcie_cap + PCI_EXP_DEVCTL2, ctl2 | PCI_EXP_DEVCTL2_ARI);
		ctl2 = pci_cfg_read16(r, port->pcie_cap + PCI_EXP_DEVCTL2);
	}
	port->ari_forwarding = ctl2 & PCI_EXP_DEVCTL2_ARI;
}

static void scan_bus(uint8_t bus, struct pci_func *bridge, unsigned depth);

static void visit(pci_rid rid, struct pci_func *bridge, unsigned depth)
{
	struct pci_func *f = add_func(rid, bridge);
	if (!f || f->header_type != PCI_HEADER_TYPE_BRIDGE)
		return;
	f->secondary_bus = pci_cfg_read8(rid, PCI_SECONDARY_BUS);
	f->subordinate_bus = pci_cfg_read8(rid, PCI_SUBORDINATE_BUS);
	read_windows(f);
	uint8_t start, end;
	pci_ecam_bus_range(&start, &end);
	char name[8];
	if (f->secondary_bus <= pci_rid_bus(rid) || f->secondary_bus > f->subordinate_bus ||
	    f->subordinate_bus > end) {
		tap_diag("pci: bridge %s has bus range %02x-%02x: not scanned", pci_rid_str(rid, name),
		         f->secondary_bus, f->subordinate_bus);
		return;
	}
	if (depth >= MAX_BRIDGE_DEPTH) {
		tap_diag("pci: bridges nested deeper than %d at %s", MAX_BRIDGE_DEPTH,
		         pci_rid_str(rid, name));
		return;
	}
	scan_bus(f->secondary_bus, f, depth + 1);
}

static void scan_bus(uint8_t bus, struct pci_func *bridge, unsigned depth)
{
	if (bus_seen[bus]) {
		tap_diag("pci: bus %02x reached twice (overlapping bridge ranges)", bus);
		return;
	}
	bus_seen[bus] = true;
	setup_ari(bridge, bus);
	if (bridge && bridge->ari_forwarding) {
		for (unsigned fn = 0; fn < 256; fn++) {
			pci_rid rid = (pci_rid)(bus << 8 | fn);
			if (pci_cfg_read16(rid, PCI_VENDOR_ID) != 0xffff)
				visit(rid, bridge, depth);
		}
		return;
	}
	for (unsigned dev = 0; dev < 32; dev++) {
		pci_rid rid0 = (pci_rid)(bus << 8 | dev << 3);
		if (pci_cfg_read16(rid0, PCI_VENDOR_ID) == 0xffff)
			continue;
		bool multi = pci_cfg_read8(rid0, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MULTI;
		for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++) {
			pci_rid rid = (pci_rid)(rid0 | fn);
			if (pci_cfg_read16(rid, PCI_VENDOR_ID) != 0xffff)
				visit(rid, bridge, depth);
		}
	}
}

int pci_init(void)
{
	if (init_result <= 0)
		return init_result;
	if (pci_ecam_init() != 0) {
		init_result = -1;
		return init_result;
	}
	uint8_t start, end;
	pci_ecam_bus_range(&start, &end);
	scan_bus(start, NULL, 0);
	char name[8];
	for (size_t i = 0; i < nsriov; i++) {
		struct pci_func *pf = sriov_pfs[i];
		tap_diag("pci: SR-IOV PF %s %04x:%04x TotalVFs %u offset %u stride %u",
		         pci_rid_str(pf->rid, name), pf->vendor, pf->device, pf->total_vfs, pf->vf_offset,
		         pf->vf_stride);
	}
	tap_diag("pci: %zu functions, %zu SR-IOV PFs", nfuncs, nsriov);
	init_result = 0;
	return 0;
}
