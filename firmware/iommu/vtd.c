/* firmware/iommu/vtd.c: a VT-d unit's registers (VT-d 3.3 §10.4). */
#include "iommu/vtd.h"

#include <stdarg.h>
#include <stdio.h>

#include "boot/io.h"
#include "boot/timer.h"
#include "iommu/vtd_regs.h"

/* How long a command may take to show in GSTS or to clear its busy bit:
 * QEMU completes them in the register write. */
#define VTD_CMD_TIMEOUT_US 100000

static int vtd_fail(struct vtd_unit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vtd_fail(struct vtd_unit *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->err, sizeof(u->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t rd32(const struct vtd_unit *u, unsigned off)
{
	return mmio_read32(u->regs + off);
}

static uint64_t rd64(const struct vtd_unit *u, unsigned off)
{
	return mmio_read64(u->regs + off);
}

static void wr32(struct vtd_unit *u, unsigned off, uint32_t v)
{
	mmio_write32(u->regs + off, v);
}

static void wr64(struct vtd_unit *u, unsigned off, uint64_t v)
{
	mmio_write64(u->regs + off, v);
}

int vtd_open(struct vtd_unit *u, uint64_t base)
{
	*u = (struct vtd_unit){.regs = (volatile uint8_t *)(uintptr_t)base};
	u->ver = rd32(u, VTD_REG_VER);
	u->cap = rd64(u, VTD_REG_CAP);
	u->ecap = rd64(u, VTD_REG_ECAP);
	if (u->cap == 0 || u->cap == ~0ULL)
		return vtd_fail(u, "capability register reads 0x%llx at 0x%llx", (unsigned long long)u->cap,
		                (unsigned long long)base);
	u->frcd_off = VTD_CAP_FRO(u->cap);
	u->nfr = VTD_CAP_NFR(u->cap);
	u->iotlb_off = VTD_ECAP_IRO(u->ecap);
	/* Both register sets lie within the unit's 4 KiB page(s) (§10.4.2, §10.4.3). */
	if (u->frcd_off < VTD_REG_FECTL || u->iotlb_off < VTD_REG_FECTL)
		return vtd_fail(u,
		                "fault recording offset 0x%x or IOTLB offset 0x%x inside the fixed registers",
		                u->frcd_off, u->iotlb_off);
	wr32(u, VTD_REG_FECTL, VTD_FECTL_IM);
	return 0;
}

uint32_t vtd_gsts(const struct vtd_unit *u)
{
	return rd32(u, VTD_REG_GSTS);
}

uint32_t vtd_fsts(const struct vtd_unit *u)
{
	return rd32(u, VTD_REG_FSTS);
}

/* §10.4.4: one command bit over the persistent state GSTS shows. */
static int global_command(struct vtd_unit *u, uint32_t cmd, bool set, uint32_t status, const char *what)
{
	uint32_t v = vtd_gsts(u) & VTD_GSTS_PERSISTENT;
	v = set ? v | cmd : v & ~cmd;
	wr32(u, VTD_REG_GCMD, v);
	struct deadline d = deadline_in_us(VTD_CMD_TIMEOUT_US);
	while (((vtd_gsts(u) & status) != 0) != set) {
		if (deadline_passed(d))
			return vtd_fail(u, "%s: GSTS 0x%08x after %u us", what, vtd_gsts(u),
			                VTD_CMD_TIMEOUT_US);
		cpu_relax();
	}
	return 0;
}

static int flush_write_buffer(struct vtd_unit *u)
{
	if (!(u->cap & VTD_CAP_RWBF))
		return 0;
	/* §6.8 Write Buffer Flushing: WBFS clears when done. */
	uint32_t v = (vtd_gsts(u) & VTD_GSTS_PERSISTENT) | VTD_GCMD_WBF;
	wr32(u, VTD_REG_GCMD, v);
	struct deadline d = deadline_in_us(VTD_CMD_TIMEOUT_US);
	while (vtd_gsts(u) & VTD_GSTS_WBFS) {
		if (deadline_passed(d))
			return vtd_fail(u, "write buffer flush: WBFS still set after %u us",
			                VTD_CMD_TIMEOUT_US);
		cpu_relax();
	}
	return 0;
}

int vtd_set_root(struct vtd_unit *u, uint64_t root)
{
	wmb();
	wr64(u, VTD_REG_RTADDR, (root & ~VTD_PAGE_MASK) | VTD_RTADDR_TTM_LEGACY);
	uint32_t v = (vtd_gsts(u) & VTD_GSTS_PERSISTENT) | VTD_GCMD_SRTP;
	wr32(u, VTD_REG_GCMD, v);
	struct deadline d = deadline_in_us(VTD_CMD_TIMEOUT_US);
	while (!(vtd_gsts(u) & VTD_GSTS_RTPS)) {
		if (deadline_passed(d))
			return vtd_fail(u, "set root table pointer: RTPS not set after %u us",
			                VTD_CMD_TIMEOUT_US);
		cpu_relax();
	}
	return 0;
}

int vtd_translation(struct vtd_unit *u, bool on)
{
	if (flush_write_buffer(u) != 0)
		return -1;
	return global_command(u, VTD_GCMD_TE, on, VTD_GSTS_TES,
	                      on ? "translation enable" : "translation disable");
}

/* §6.5.1.1: write CCMD with ICC, wait for ICC to clear; CAIG 0 is a refusal. */
static int context_invalidate(struct vtd_unit *u, uint64_t cmd)
{
	wmb();
	wr64(u, VTD_REG_CCMD, cmd | VTD_CCMD_ICC);
	struct deadline d = deadline_in_us(VTD_CMD_TIMEOUT_US);
	uint64_t v;
	while ((v = rd64(u, VTD_REG_CCMD)) & VTD_CCMD_ICC) {
		if (deadline_passed(d))
			return vtd_fail(u, "context invalidation: ICC still set after %u us",
			                VTD_CMD_TIMEOUT_US);
		cpu_relax();
	}
	if (VTD_CCMD_CAIG(v) == 0)
		return vtd_fail(u, "context invalidation 0x%llx not done (CAIG 0)", (unsigned long long)cmd);
	return 0;
}

/* §6.5.1.2: write the IOTLB register with IVT, wait for IVT to clear. */
static int iotlb_invalidate(struct vtd_unit *u, uint64_t cmd)
{
	unsigned off = u->iotlb_off + VTD_IOTLB_REG_OFF;
	wr64(u, off, cmd | VTD_IOTLB_IVT | VTD_IOTLB_DR | VTD_IOTLB_DW);
	struct deadline d = deadline_in_us(VTD_CMD_TIMEOUT_US);
	uint64_t v;
	while ((v = rd64(u, off)) & VTD_IOTLB_IVT) {
		if (deadline_passed(d))
			return vtd_fail(u, "IOTLB invalidation: IVT still set after %u us",
			                VTD_CMD_TIMEOUT_US);
		cpu_relax();
	}
	if (VTD_IOTLB_IAIG(v) == 0)
		return vtd_fail(u, "IOTLB invalidation 0x%llx not done (IAIG 0)", (unsigned long long)cmd);
	return 0;
}

int vtd_invalidate_all(struct vtd_unit *u)
{
	if (flush_write_buffer(u) != 0 || context_invalidate(u, VTD_CCMD_CIRG_GLOBAL) != 0)
		return -1;
	return iotlb_invalidate(u, VTD_IOTLB_IIRG_GLOBAL);
}

int vtd_invalidate_function(struct vtd_unit *u, uint16_t sid, uint16_t did)
{
	if (flush_write_buffer(u) != 0 ||
	    context_invalidate(u, VTD_CCMD_CIRG_DEVICE | VTD_CCMD_SID(sid) | VTD_CCMD_DID(did)) != 0)
		return -1;
	return iotlb_invalidate(u, VTD_IOTLB_IIRG_DOMAIN | VTD_IOTLB_DID(did));
}

unsigned vtd_faults_take(struct vtd_unit *u, struct vtd_fault *out, unsigned max, unsigned *dropped,
                         bool *overflow)
{
	unsigned n = 0;
	*dropped = 0;
	for (unsigned i = 0; i < u->nfr; i++) {
		unsigned off = u->frcd_off + i * VTD_FRCD_BYTES;
		uint64_t hi = rd64(u, off + 8);
		if (!(hi & VTD_FRCD_F))
			continue;
		uint64_t lo = rd64(u, off);
		if (n < max)
			vtd_fault_decode(lo, hi, &out[n++]);
		else
			(*dropped)++;
		/* §10.4.14: F is write-1-to-clear; the rest of the record is RO. */
		wr64(u, off + 8, VTD_FRCD_F);
	}
	uint32_t fsts = vtd_fsts(u);
	*overflow = (fsts & VTD_FSTS_PFO) != 0;
	if (fsts & VTD_FSTS_RW1C)
		wr32(u, VTD_REG_FSTS, fsts & VTD_FSTS_RW1C);
	return n;
}
