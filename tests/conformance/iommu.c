/* tests/conformance/iommu.c: suite `iommu` (needs --iommu vtd). Every
 * function (PF and VFs) is put in its own VT-d domain mapping only its own
 * rings and buffers; the datapath works translated; a VF whose device
 * writes to another VF's buffer, to the PF's memory, to an unmapped page
 * or to its own read-only RX buffers is stopped there, the fault is
 * recorded against that VF's requester ID, its device reports the error,
 * the other functions keep working, and the VF works again once reset and
 * re-mapped. */
#include <stdio.h>
#include <string.h>

#include "boot/mem.h"
#include "iommu/vtd_regs.h"
#include "deviations.h"
#include "iommu_deviations.h"
#include "iommu_checks.h"
#include "iommu_env.h"
#include "iommu_probe.h"
#include "iommu_rules.h"
#include "traffic_check.h"

#define PROBE_SEED 0xa5

struct probe_target {
	const char *what;
	uint8_t *mem;
	size_t bytes;
};

/* Function a writes its next frame to `mem` (outside its domain or
 * read-only in it) while every other function sends; then a is reset. */
static void probe(struct iommu_env *m, struct vt *t, size_t a, uint8_t *mem, size_t bytes, const char *what)
{
	struct venv_fn *fn = &m->e->fn[a];
	char phase[96];
	probe_fill(mem, bytes, PROBE_SEED);
	probe_aim_rx(fn->nd, dma_addr(mem));
	uint16_t used0 = 0, used1 = 0;
	uint32_t len = 0;
	bool split = probe_used(&fn->nd->pair[0].rxq, &used0, &len);
	fn->up = false;
	snprintf(phase, sizeof(phase), "while %s writes to %s", fn->name, what);
	vt_round(t, IOMMU_FRAMES_PER_ROUND, phase, R_OTHERS);
	tap_prefix_push("%s", fn->name);
	size_t at = probe_changed(mem, bytes, PROBE_SEED);
	char got[96];
	snprintf(got, sizeof(got), at == bytes ? "unchanged" : "byte %zu written", at);
	tap_check(at == bytes, R_BLOCKED, got, "unchanged", "%s: target memory unchanged", what);
	iommu_check_fault(m, a, mem, bytes, what, VTD_FR_WRITE);
	uint8_t status = vpci_get_status(&fn->nd->vp);
	if (split) {
		probe_used(&fn->nd->pair[0].rxq, &used1, &len);
		tap_diag("iommu: %s after writing to %s: device_status 0x%02x, %u RX buffer(s) used, "
		         "the last with len %u",
		         fn->name, what, status, (uint16_t)(used1 - used0), len);
		snprintf(got, sizeof(got), "%u used, the last with len %u", (uint16_t)(used1 - used0), len);
		tap_check_kfail(deviation_known("iommu-blocked-write-used-len", "virtio-net"),
		                used1 == used0 || len == 0, R_USED_LEN, got, "none used, or len 0",
		                "%s: no blocked buffer returned as written", what);
	}
	tap_check_kfail(deviation_known("iommu-blocked-dma-no-reset", "virtio-net"),
	                status & VIRTIO_CONFIG_S_NEEDS_RESET, R_DEVICE,
	                status & VIRTIO_CONFIG_S_NEEDS_RESET ? "set" : "clear", "set",
	                "%s: DEVICE_NEEDS_RESET (device_status 0x%02x)", what, status);
	tap_prefix_pop();
}

/* Function a's context entry removed: every request of its device is
 * blocked before any page table is looked at. */
static void probe_no_context(struct iommu_env *m, struct vt *t, size_t a)
{
	struct venv_fn *fn = &m->e->fn[a];
	struct net_pair *ap = &fn->nd->pair[0];
	const char *what = "no context entry";
	probe_fill(ap->rx_bufs, ap->rx_bufs_cap, PROBE_SEED);
	tap_prefix_push("%s", fn->name);
	int rc = iommu_env_unmap(m, a);
	tap_check(rc == 0, R_MAP, rc ? m->err : "cleared", "cleared", "context entry cleared");
	tap_prefix_pop();
	fn->up = false;
	char phase[96];
	snprintf(phase, sizeof(phase), "while %s has no context entry", fn->name);
	vt_round(t, IOMMU_FRAMES_PER_ROUND, phase, R_OTHERS);
	tap_prefix_push("%s", fn->name);
	size_t at = probe_changed(ap->rx_bufs, ap->rx_bufs_cap, PROBE_SEED);
	tap_check_eq(at, ap->rx_bufs_cap, R_BLOCKED, "%s: its RX buffers unchanged", what);
	iommu_check_fault(m, a, NULL, 0, what, VTD_FR_CONTEXT_NOT_PRESENT);
	uint8_t status = vpci_get_status(&fn->nd->vp);
	tap_diag("iommu: %s with %s: device_status 0x%02x", fn->name, what, status);
	/* On a split ring QEMU sets it (0x4f), on a packed ring not. */
	bool packed = fn->nd->pair[0].rxq.format == VQ_FORMAT_PACKED;
	tap_check_kfail(packed ? deviation_known("iommu-no-context-packed-no-reset", "virtio-net") : NULL,
	                status & VIRTIO_CONFIG_S_NEEDS_RESET, R_DEVICE,
	                status & VIRTIO_CONFIG_S_NEEDS_RESET ? "set" : "clear", "set",
	                "%s: DEVICE_NEEDS_RESET (device_status 0x%02x)", what, status);
	tap_prefix_pop();
	iommu_recover(m, t, a, what);
}

static bool setup(struct iommu_env *m, struct venv *e)
{
	int rc = iommu_env_open(m, e);
	tap_check(rc == 0, R_DMAR, rc ? m->err : "found", "found", "DMAR unit for every function");
	if (rc)
		return false;
	const struct vtd_unit *u = &m->unit;
	tap_diag(
	    "iommu: unit at 0x%llx, version %u.%u, cap 0x%016llx, ecap 0x%016llx, %u-level tables, MGAW %u, "
	    "%u fault record(s) at 0x%x, IOTLB registers at 0x%x",
	    (unsigned long long)m->du->base, VTD_VER_MAJOR(u->ver), VTD_VER_MINOR(u->ver),
	    (unsigned long long)u->cap, (unsigned long long)u->ecap, m->levels, m->mgaw, u->nfr, u->frcd_off,
	    u->iotlb_off);
	tap_check_eq(m->levels, 4, R_CAP, "4-level second-level tables (SAGAW 0x%x)", VTD_CAP_SAGAW(u->cap));
	tap_check_true(u->nfr >= 1, R_CAP, "%u fault recording register(s)", u->nfr);
	iommu_env_faults(m);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		tap_prefix_push("%s", fn->name);
		rc = venv_open(e, i, &venv_default_opts);
		tap_check(rc == 0, R_PLATFORM, rc ? fn->nd->err : "up", "up", "opened with ACCESS_PLATFORM");
		tap_check_true(rc == 0 && virtio_has(&fn->nd->vp, VIRTIO_F_ACCESS_PLATFORM), R_PLATFORM,
		               "VIRTIO_F_ACCESS_PLATFORM negotiated");
		rc = rc ? rc : iommu_env_map(m, i, VTD_SL_R | VTD_SL_W);
		tap_check(rc == 0, R_MAP, rc ? m->err : "mapped", "mapped",
		          "own domain %u: its rings and buffers", m->dom[i].did);
		tap_diag("iommu: %s: source-id 0x%04x, domain %u, %u table page(s)", fn->name, m->dom[i].sid,
		         m->dom[i].did, m->dom[i].sl.pages);
		tap_prefix_pop();
		if (rc)
			return false;
	}
	rc = vtd_set_root(&m->unit, ctx_tables_root_addr(&m->ctx));
	tap_check(rc == 0, R_ROOT, rc ? m->unit.err : "RTPS", "RTPS", "root table pointer set");
	rc = rc ? rc : vtd_invalidate_all(&m->unit);
	tap_check(rc == 0, R_MAP, rc ? m->unit.err : "done", "done", "global context and IOTLB invalidation");
	rc = rc ? rc : vtd_translation(&m->unit, true);
	tap_check(rc == 0, R_TE, rc ? m->unit.err : "TES", "TES", "translation enabled");
	return rc == 0;
}

/* The targets of VF a: a buffer of VF `victim`, one of its PF's, a page
 * no domain maps, then its own RX buffers mapped read-only. */
static void probe_vf(struct iommu_env *m, struct vt *t, size_t a, size_t victim, size_t pf)
{
	struct venv *e = m->e;
	struct net_pair *vp = &e->fn[victim].nd->pair[0], *pp = &e->fn[pf].nd->pair[0];
	struct probe_target targets[] = {
	    {"another VF's buffer", vp->tx_bufs + (size_t)(vp->txq.size - 1) * NET_TX_SLOT, NET_TX_SLOT},
	    {"the PF's buffer", pp->tx_bufs + (size_t)(pp->txq.size - 1) * NET_TX_SLOT, NET_TX_SLOT},
	    {"an unmapped page", dma_alloc(VTD_PAGE_SIZE, VTD_PAGE_SIZE), VTD_PAGE_SIZE},
	};
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		if (!targets[k].mem)
			continue;
		tap_diag("iommu: %s aims its RX at %s (0x%llx)", e->fn[a].name, targets[k].what,
		         (unsigned long long)dma_addr(targets[k].mem));
		probe(m, t, a, targets[k].mem, targets[k].bytes, targets[k].what);
		iommu_recover(m, t, a, targets[k].what);
	}
	iommu_probe_read(m, t, a, victim);
	probe_no_context(m, t, a);
	struct net_pair *ap = &e->fn[a].nd->pair[0];
	tap_prefix_push("%s", e->fn[a].name);
	int rc = iommu_env_map(m, a, VTD_SL_R);
	tap_check(rc == 0, R_MAP, rc ? m->err : "mapped", "mapped", "RX buffers re-mapped read-only");
	tap_prefix_pop();
	if (rc == 0) {
		probe(m, t, a, ap->rx_bufs, ap->rx_bufs_cap, "its own read-only RX buffers");
		iommu_recover(m, t, a, "its own read-only RX buffers");
	}
}

/* The next VF of the same PF after a, wrapping; a itself when alone. */
static size_t other_vf(const struct venv *e, size_t a)
{
	for (size_t k = 1; k < e->n; k++) {
		size_t i = (a + k) % e->n;
		if (e->fn[i].vf_no && e->fn[i].pf_idx == e->fn[a].pf_idx)
			return i;
	}
	return a;
}

static size_t pf_of(const struct venv *e, size_t a)
{
	for (size_t i = 0; i < e->n; i++)
		if (!e->fn[i].vf_no && e->fn[i].pf_idx == e->fn[a].pf_idx)
			return i;
	return a;
}

static void run(const struct run_config *cfg)
{
	iommu_deviations_register();
	if (cfg->iommu != RUN_IOMMU_VTD) {
		tap_skip("needs an IOMMU: scripts/vfprobe --iommu vtd", "DMA isolation under VT-d");
		return;
	}
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	size_t first = 0, last = 0;
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no) {
			first = first ? first : i;
			last = i;
		}
	if (!first || other_vf(e, first) == first) {
		tap_skip("fewer than 2 VFs on a PF", "DMA isolation between VFs");
		return;
	}
	static struct iommu_env m;
	if (!setup(&m, e))
		return;
	struct vt *t = vt_new(e);
	vt_round(t, 2 * IOMMU_FRAMES_PER_ROUND, "translated, each function in its own domain", R_OWN);
	tap_check_eq(iommu_env_faults(&m), 0, R_NO_FAULT, "no fault with every function in its own domain");
	/* Every VF in full mode, the first and the last in short mode. */
	for (size_t a = first; a <= last; a++)
		if (e->fn[a].vf_no && (a == first || a == last || !cfg->short_mode))
			probe_vf(&m, t, a, other_vf(e, a), pf_of(e, a));
	iommu_numvfs(&m, t, pf_of(e, first));
	int rc = vtd_translation(&m.unit, false);
	tap_check(rc == 0, R_TE_OFF, rc ? m.unit.err : "TES clear", "TES clear",
	          "translation disabled at the end");
	venv_ledger(e);
}

VFPROBE_SUITE(iommu, "iommu", "DMA isolation of every function in its own VT-d domain", run, 0, NULL);
