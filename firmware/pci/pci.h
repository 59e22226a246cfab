/* firmware/pci/pci.h: PCI Express configuration access through ECAM,
 * enumeration, capabilities, BARs and SR-IOV.
 *
 * The interface the rest of the firmware (virtio/, tests/) uses. Register
 * offsets and bits live in firmware/pci/pci_regs.h (PCIe 6.0 section numbers
 * beside them). */
#ifndef VFPROBE_PCI_PCI_H
#define VFPROBE_PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_MAX_FUNCS 1024
#define PCI_NUM_BARS  6

/* Routing ID: bus << 8 | devfn (devfn = device << 3 | function, or the
 * 8-bit function number under ARI). */
typedef uint16_t pci_rid;

struct pci_bar {
	uint64_t base; /* bus address (= guest physical), 0 if unassigned */
	uint64_t size; /* 0 if the BAR is not implemented */
	bool is_io, is_64, prefetchable;
};

struct pci_func {
	pci_rid rid;
	volatile uint8_t *cfg; /* this function's 4 KiB ECAM window */
	/* For a VF (whose own registers read 0xFFFF, PCIe 6.0 §9.3.4.1.1-2):
	 * the PF's Vendor ID and the VF Device ID of the SR-IOV capability. */
	uint16_t vendor, device;
	uint8_t header_type; /* without the multi-function bit */
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	/* For a VF: VF BAR base + vf_index x per-VF size (§9.3.3.14). On QEMU
	 * a VF's BARs only decode once its own Command Memory Space Enable is
	 * set (pci_enable_mem_bus_master), see firmware/pci/NOTES.md. */
	struct pci_bar bar[PCI_NUM_BARS];
	/* SR-IOV: a VF points at its PF and knows its index (0-based). */
	struct pci_func *pf;
	uint16_t vf_index;
	bool is_vf;
	uint16_t sriov_cap; /* extended capability offset, 0 if none (PFs) */
	/* Bridges: the bus range and memory windows below them. */
	uint8_t secondary_bus, subordinate_bus;
	struct pci_func *parent; /* the bridge above, NULL on the root bus */
	uint16_t pcie_cap;       /* PCI Express capability offset, 0 if none */
	uint8_t port_type;       /* PCI_EXP_TYPE_* from the PCIe capability */
	bool ari_forwarding;     /* downstream ports: ARI Forwarding Enable is set */
	/* Bridges: memory and prefetchable windows (size 0 = closed). */
	uint64_t mem_base, mem_size, pref_base, pref_size;
	/* PFs: the SR-IOV capability as read at enumeration, and the VF BARs
	 * (base of VF 0's region and the per-VF size) as last programmed. */
	uint16_t total_vfs, initial_vfs, vf_offset, vf_stride, vf_device;
	uint32_t sys_page_size; /* the System Page Size bit programmed */
	struct pci_bar vf_bar[PCI_NUM_BARS];
	struct pci_func *vfs; /* total_vfs entries once enabled, else NULL */
	uint16_t num_vfs;     /* VFs enabled by pci_sriov_enable() */
};

/* Find ECAM through the ACPI MCFG table and enumerate every function below
 * every bridge (idempotent: later calls return the cached result). 0 on
 * success, negative with a reason printed as a TAP diagnostic otherwise. */
int pci_init(void);
bool pci_ecam_found(void);

/* Raw config access by routing ID (works for VFs, which a vendor-ID scan
 * cannot see). Out-of-range offsets read all ones and ignore writes. */
uint8_t pci_cfg_read8(pci_rid rid, uint16_t off);
uint16_t pci_cfg_read16(pci_rid rid, uint16_t off);
uint32_t pci_cfg_read32(pci_rid rid, uint16_t off);
void pci_cfg_write8(pci_rid rid, uint16_t off, uint8_t v);
void pci_cfg_write16(pci_rid rid, uint16_t off, uint16_t v);
void pci_cfg_write32(pci_rid rid, uint16_t off, uint32_t v);

/* Enumerated functions (PFs, bridges, everything a vendor-ID scan finds). */
size_t pci_func_count(void);
struct pci_func *pci_func_at(size_t i);
struct pci_func *pci_find_rid(pci_rid rid);

/* Capabilities: offset of the first (or next after `after`, 0 to start)
 * capability with this ID, 0 if none. Loop- and bounds-protected. */
uint16_t pci_find_cap(pci_rid rid, uint8_t id, uint16_t after);
uint16_t pci_find_ext_cap(pci_rid rid, uint16_t id, uint16_t after);

/* What is wrong with the capability lists of rid (loop, pointer out of
 * bounds), NULL when both lists are sound. */
const char *pci_cap_list_problem(pci_rid rid);

/* Memory/IO decode and bus mastering on the Command register. */
void pci_enable_mem_bus_master(pci_rid rid);

/* SR-IOV (PCIe 6.0 §9.3.3). The PFs with an SR-IOV capability, in
 * enumeration order. */
size_t pci_sriov_pf_count(void);
struct pci_func *pci_sriov_pf(size_t i);
/* Set NumVFs = n, System Page Size, ARI Capable Hierarchy, assign VF BARs
 * when unassigned, set VF Enable | VF MSE; fill the VF table. 0 on success. */
int pci_sriov_enable(struct pci_func *pf, uint16_t n);
void pci_sriov_disable(struct pci_func *pf);
uint16_t pci_sriov_num_vfs(const struct pci_func *pf); /* enabled now */
/* VF i (0-based) of an enabled PF: RID from First VF Offset and VF Stride,
 * BARs from the VF BARs of the capability (base + i x per-VF size). */
struct pci_func *pci_sriov_vf(struct pci_func *pf, uint16_t i);
pci_rid pci_sriov_vf_rid(const struct pci_func *pf, uint16_t i);

/* Why pci_init() failed ("ok" style text when it did not). */
const char *pci_ecam_error(void);
/* The bus range MCFG gave; false before a successful pci_init(). */
bool pci_ecam_bus_range(uint8_t *start, uint8_t *end);
/* "bb:dd.f" (an ARI function number prints split the same way, as Linux
 * does). buf needs 8 bytes. */
const char *pci_rid_str(pci_rid rid, char buf[8]);
static inline uint8_t pci_rid_bus(pci_rid rid)
{
	return (uint8_t)(rid >> 8);
}
static inline uint8_t pci_rid_devfn(pci_rid rid)
{
	return (uint8_t)rid;
}

/* Size one BAR (or a VF BAR in the SR-IOV capability) at config offset
 * `off` of `rid`: saves it, writes all ones, reads back, restores. The
 * caller turns decode off first (Command, or VF MSE). Returns the number
 * of registers used (1, or 2 for a 64-bit BAR); 0 when off is bad. */
unsigned pci_bar_probe(pci_rid rid, uint16_t off, struct pci_bar *out);
/* 32-bit MMIO access inside memory BAR `bar` of f (f->bar[bar].base):
 * all ones / ignored when the BAR is absent or off is outside it. */
uint32_t pci_bar_read32(const struct pci_func *f, unsigned bar, uint64_t off);
void pci_bar_write32(const struct pci_func *f, unsigned bar, uint64_t off, uint32_t v);
/* The MSI-X table's BAR and offset (PCIe 6.0 §7.7.2.3); false if none. */
bool pci_msix_table(pci_rid rid, unsigned *bar, uint32_t *off);
/* Write f->bar[] bases back (after a reset cleared them). */
void pci_bar_restore(const struct pci_func *f);

/* Function Level Reset (PCIe 6.0 §6.6.2): true when Device Capabilities
 * says the function supports it. pci_flr() sets Initiate FLR and waits
 * PCI_FLR_WAIT_US (pci_regs.h), the time the spec gives the function;
 * false when it cannot. */
bool pci_flr_capable(pci_rid rid);
bool pci_flr(pci_rid rid);

/* SR-IOV details. */
/* How long pci_sriov_enable()/disable() wait after setting/clearing VF
 * Enable before touching the VFs (PCIe 6.0 §9.3.3.3.1 allows a VF 100 ms
 * to answer; Linux also waits 1 s after clearing). Defaults
 * PCI_SRIOV_VF_ENABLE_WAIT_US (pci_regs.h) / 0. */
void pci_sriov_set_waits(uint32_t after_enable_us, uint32_t after_disable_us);
/* The page size pci_sriov_enable() programs into System Page Size when
 * the PF supports it (PCIe 6.0 §9.3.3.13); 0 restores the CPU's 4 KiB. */
void pci_sriov_set_page_bytes(uint64_t bytes);
/* Size the PF's VF BARs into pf->vf_bar[] (VF Enable and VF MSE must be
 * clear; System Page Size programmed first, §9.3.3.13). 0 on success. */
int pci_sriov_size_vf_bars(struct pci_func *pf);
/* Address of BAR `bar` of VF i: VF BAR base + i x per-VF size; 0 if none. */
uint64_t pci_sriov_vf_bar_addr(const struct pci_func *pf, uint16_t i, unsigned bar);
/* The bus of the last of `n` VFs (from Offset/Stride as enumerated); false
 * when n is 0 or the RID leaves the 16-bit space. */
bool pci_sriov_vf_last_bus(const struct pci_func *pf, uint16_t n, uint8_t *bus);
/* The bridge above `f` (or NULL) whose window a BAR of `f` must sit in. */
struct pci_func *pci_parent_bridge(const struct pci_func *f);

#endif
