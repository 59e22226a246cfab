/* tests/conformance/migrate.c: suite `migrate`, the VM moved by the host
 * (host event `migrate`, scripts/migration.py) into a new QEMU while the
 * SR-IOV PF has VFs enabled (NumVFs < TotalVFs, a System Page Size other
 * than 4 KiB, VF BARs assigned), every function runs its queues with a
 * non-default RX mode set through the control queue, and frames are in
 * flight. After each migration (to a file, then live over TCP) every
 * register read before must read the same (migrate_state.h), the frames
 * in flight arrive once each and in order, traffic goes on, and a VF
 * disable/enable works. Last, a migration with VF Enable clear and NumVFs
 * kept: no VF may appear on the destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/host_request.h"
#include "boot/timer.h"
#include "deviations.h"
#include "migrate_deviations.h"
#include "migrate_filter.h"
#include "migrate_in_flight.h"
#include "migrate_state.h"
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"
#include "sriov.h"
#include "traffic_check.h"
#include "virtio/net_ctrl.h"

#define R_EVENT "vfprobe host events (lib/host_event.h): the host migrates the VM and answers ok"
#define R_SETUP                                                                                              \
	"suite migrate: the state to migrate is set up (NumVFs < TotalVFs, PCIe 6.0 §9.3.3.7; "             \
	"a System Page Size other than 4 KiB, §9.3.3.13; VF BARs assigned, §9.3.3.14)"
#define R_OPEN "virtio v1.3 §3.1.1 Driver Requirements: Device Initialization"
#define R_FILTER_SET                                                                                         \
	"virtio v1.3 §5.1.6.5.1-2: VIRTIO_NET_CTRL_RX_PROMISC off and VIRTIO_NET_CTRL_MAC_TABLE_SET "       \
	"are acked"
#define R_FILTER                                                                                             \
	"virtio v1.3 §5.1.6.5.1-2 Packet Receive Filtering / MAC Address Filtering: with promiscuous "      \
	"mode off a function takes a unicast frame to its MAC table and not one outside it, "                \
	"before a migration and after it"
#define R_TRAFFIC "virtio v1.3 §5.1.6 Device Operation: the datapath goes on after a migration"
#define R_VF_CYCLE                                                                                           \
	"PCIe 6.0 §9.3.3.3.1 VF Enable: clearing and setting VF Enable after a migration gives "            \
	"working VFs"
#define R_OVERFLOW                                                                                           \
	"PCIe 6.0 §9.3.3.7 NumVFs (a value above TotalVFs gives undefined results) with §9.3.3.3.1 "       \
	"VF Enable: whatever it does, the device stays sane: the PF answers and no VF beyond TotalVFs "      \
	"appears"
#define R_VF_NONE                                                                                            \
	"PCIe 6.0 §9.3.3.3.1 VF Enable: with VF Enable clear (NumVFs kept) no VF answers on the "           \
	"destination"

#define EVENT_TIMEOUT_US 60000000ULL /* a migration under TCG, destination start included */
#define DRAIN_TIMEOUT_US 3000000ULL
#define SETTLE_US        50000u /* between two snapshots that must agree */
#define SETTLE_TRIES     20u
#define PAGE_BYTES       8192u /* System Page Size bit 1 (§9.3.3.13) */
#define ROUND_FRAMES     16u

static const struct net_opts mig_opts = {.rx_buf_len = 2048, .ctrl_vq = true, .ctrl_no_vlan = true};

static bool ask_migrate(const char *how)
{
	char args[16];
	snprintf(args, sizeof(args), "how=%s", how);
	struct host_event_reply r;
	host_request("migrate", args, EVENT_TIMEOUT_US, &r);
	return tap_check(r.status == HOST_EVENT_DONE, R_EVENT, r.text, "ok", "host event migrate %s answered",
	                 args);
}

static struct pci_func *the_pf(struct venv *e)
{
	return e->n ? e->fn[0].pf : NULL;
}

static void check_setup(struct pci_func *pf)
{
	uint16_t c = pf->sriov_cap;
	uint16_t num = pci_cfg_read16(pf->rid, (uint16_t)(c + PCI_SRIOV_NUM_VF));
	uint16_t total = pci_cfg_read16(pf->rid, (uint16_t)(c + PCI_SRIOV_TOTAL_VF));
	char got[96];
	snprintf(got, sizeof(got), "NumVFs %u, TotalVFs %u", num, total);
	tap_check(num && num < total, R_SETUP, got, "0 < NumVFs < TotalVFs", "NumVFs below TotalVFs");
	uint32_t sup = pci_cfg_read32(pf->rid, (uint16_t)(c + PCI_SRIOV_SUP_PGSIZE));
	uint32_t sys = pci_cfg_read32(pf->rid, (uint16_t)(c + PCI_SRIOV_SYS_PGSIZE));
	snprintf(got, sizeof(got), "System Page Size 0x%x (supported 0x%x)", sys, sup);
	if (sup & ~PCI_SRIOV_PGSIZE_4K)
		tap_check(sys != PCI_SRIOV_PGSIZE_4K, R_SETUP, got, "not 0x1", "System Page Size not 4 KiB");
	else
		tap_skip("the PF supports 4 KiB pages only", "System Page Size not 4 KiB");
	unsigned assigned = 0, misaligned = 0;
	uint64_t page = pci_sriov_page_bytes(sys);
	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		const struct pci_bar *vb = &pf->vf_bar[b];
		assigned += vb->size && vb->base;
		misaligned += vb->size && page && (vb->base & (page - 1));
	}
	snprintf(got, sizeof(got), "%u assigned, %u not aligned to %llu bytes", assigned, misaligned,
	         (unsigned long long)page);
	tap_check(assigned > 0 && !misaligned, R_SETUP, got, "assigned, aligned",
	          "VF BARs assigned, aligned to the System Page Size");
}

static void set_filter(struct venv_fn *fn)
{
	char why[80];
	if (!fn->nd->ctrl) {
		tap_skip("no control queue negotiated", "receive filter set");
		return;
	}
	bool ok = mig_filter_set(fn->nd, why, sizeof(why));
	tap_check(ok, R_FILTER_SET, why, "acked", "promiscuous mode off, a one-entry unicast MAC table");
}

/* The probe from function s, judged at every other function r with
 * want_checked(r); known: the deviation those checks are reported under. */
static void check_filter(struct venv *e, size_t s, bool (*want_checked)(const struct venv_fn *),
                         const char *when, const char *known)
{
	static unsigned run;
	struct mig_filter_seen seen[VENV_MAX];
	if (mig_filter_probe(e, s, ++run, seen) != 0) {
		tap_skip("the probe's sender could not send", "receive filter %s", when);
		return;
	}
	for (size_t r = 0; r < e->n; r++) {
		struct venv_fn *fn = &e->fn[r];
		if (r == s || !fn->up || !fn->nd->ctrl || !want_checked(fn))
			continue;
		char got[64];
		snprintf(got, sizeof(got), "table's frame %s, other frame %s",
		         seen[r].in ? "taken" : "missed", seen[r].out ? "taken" : "dropped");
		tap_prefix_push("%s", fn->name);
		tap_check_kfail(known, seen[r].in && !seen[r].out, R_FILTER, got,
		                "table's frame taken, other dropped", "receive filter %s", when);
		tap_prefix_pop();
	}
}

static bool is_vf(const struct venv_fn *fn)
{
	return fn->vf_no != 0;
}

static bool is_pf(const struct venv_fn *fn)
{
	return fn->vf_no == 0;
}

static unsigned open_all(struct venv *e)
{
	unsigned up = 0;
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		tap_prefix_push("%s", fn->name);
		int rc = venv_open(e, i, &mig_opts);
		if (tap_check(rc == 0, R_OPEN, rc ? fn->nd->err : "up", "up", "opened")) {
			up++;
			set_filter(fn);
		}
		tap_prefix_pop();
	}
	return up;
}

static const char *model_name = "virtio-net";

static void take(struct venv *e, struct mig_snapshot *s)
{
	struct pci_func *pf = the_pf(e);
	struct virtio_pci_dev *vp[MIG_MAX_VFS + 1] = {0};
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (fn->pf == pf && fn->up && fn->vf_no <= MIG_MAX_VFS)
			vp[fn->vf_no] = &fn->nd->vp;
	}
	mig_snapshot_take(s, pf, vp, MIG_MAX_VFS + 1);
}

/* The snapshot once the device has done all it will do unkicked: two
 * reads SETTLE_US apart agree (scratch is overwritten). */
static void take_settled(struct venv *e, struct mig_snapshot *s, struct mig_snapshot *scratch)
{
	take(e, s);
	for (unsigned i = 0; i < SETTLE_TRIES; i++) {
		udelay(SETTLE_US);
		take(e, scratch);
		if (mig_snapshot_same(s, scratch))
			return;
		*s = *scratch;
	}
	tap_diag("migrate: the registers kept changing for %u ms before the migration",
	         SETTLE_TRIES * SETTLE_US / 1000);
}

/* Initialise again every function the migration reset, so the datapath
 * checks after it see the migration, not a dead function. */
static void reopen_reset(struct venv *e, struct vt *t, const bool *reset)
{
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!reset[i])
			continue;
		int rc = venv_open(e, i, &mig_opts);
		tap_prefix_push("%s", fn->name);
		if (tap_check(rc == 0, R_OPEN, rc ? fn->nd->err : "up", "up",
		              "initialised again after the migration reset it"))
			set_filter(fn);
		tap_prefix_pop();
		vt_wait_function(t, i);
	}
}

/* One migration with VFs enabled and frames in flight. */
static void migrate_running(struct venv *e, struct vt *t, const char *how, struct mig_snapshot *before,
                            struct mig_snapshot *after)
{
	tap_prefix_push("%s", how);
	vt_drain(t, 2000, 200000);
	vt_resync(t);
	vt_phase_begin(t);
	mig_put_in_flight(t);
	take_settled(e, before, after);
	uint64_t t0 = rdtsc();
	if (!ask_migrate(how)) {
		mig_kick_all(e);
		vt_drain_expected(t, DRAIN_TIMEOUT_US);
		tap_prefix_pop();
		return;
	}
	tap_diag("migrate: %s: the guest waited %.1f ms (its own clock)", how,
	         (double)tsc_to_ns(rdtsc() - t0) / 1e6);
	take(e, after);
	const char *known = deviation_known(MIGRATE_VF_RESET, model_name);
	mig_snapshot_compare(before, after, known);
	static bool reset[VENV_MAX];
	unsigned n_reset = mig_find_reset(e, reset);
	if (n_reset)
		tap_diag("migrate: %s: %u function(s) read device_status 0 on the destination", how, n_reset);
	mig_kick_all(e);
	vt_drain_expected(t, DRAIN_TIMEOUT_US);
	mig_in_flight_verdict(t, reset, known);
	check_filter(e, 0, is_vf, "after the migration", n_reset ? known : NULL);
	reopen_reset(e, t, reset);
	check_filter(e, 1, is_pf, "after the migration", NULL);
	vt_resync(t);
	vt_phase_begin(t);
	vt_round(t, ROUND_FRAMES, "after the migration", R_TRAFFIC);
	tap_prefix_pop();
}

/* VF disable/enable on the destination, then traffic on the new VFs. */
static void vf_cycle(struct venv *e, struct vt *t, uint16_t n, const char *when)
{
	struct pci_func *pf = the_pf(e);
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no)
			venv_retire(e, i);
	pci_sriov_disable(pf);
	tap_check_eq((uint64_t)pci_sriov_enable(pf, n), 0, R_VF_CYCLE, "%u VFs enabled again %s", n, when);
	venv_refresh(e);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->vf_no)
			continue;
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", fn->name);
		tap_check(rc == 0, R_VF_CYCLE, rc ? fn->nd->err : "up", "up",
		          "re-initialised after VF re-enable");
		tap_prefix_pop();
	}
	vt_resync(t);
	vt_phase_begin(t);
	char phase[80];
	snprintf(phase, sizeof(phase), "VFs enabled again %s", when);
	vt_round(t, ROUND_FRAMES, phase, R_VF_CYCLE);
}

/* On the destination of a migration with VF Enable clear: NumVFs =
 * TotalVFs + 1, then VF Enable. PCIe 6.0 §9.3.3.7 leaves the result
 * undefined; the PF must go on answering and no VF beyond TotalVFs may
 * appear (the write mask the destination rebuilds must not let VF Enable
 * through, hw/pci/pcie_sriov.c consume_config). Left with VF Enable clear
 * and NumVFs 0. */
static void vf_enable_overflow(struct pci_func *pf)
{
	uint16_t c = pf->sriov_cap, ctrl = (uint16_t)(c + PCI_SRIOV_CTRL);
	uint16_t total = pci_cfg_read16(pf->rid, (uint16_t)(c + PCI_SRIOV_TOTAL_VF));
	pci_cfg_write16(pf->rid, (uint16_t)(c + PCI_SRIOV_NUM_VF), (uint16_t)(total + 1));
	pci_cfg_write16(pf->rid, ctrl,
	                (uint16_t)(pci_cfg_read16(pf->rid, ctrl) | PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	udelay(PCI_SRIOV_VF_ENABLE_WAIT_US);
	uint16_t now = pci_cfg_read16(pf->rid, ctrl);
	bool beyond = sriov_rid_answers(pci_sriov_vf_rid(pf, total));
	bool pf_ok = sriov_rid_answers(pf->rid);
	char got[96];
	snprintf(got, sizeof(got), "VF Enable reads %u, VF %u %s, PF %s",
	         (unsigned)(now & PCI_SRIOV_CTRL_VFE), total + 1u, beyond ? "answers" : "does not answer",
	         pf_ok ? "answers" : "gone");
	tap_check(pf_ok && !beyond, R_OVERFLOW, got, "PF answers, no VF beyond TotalVFs",
	          "NumVFs = TotalVFs + 1 and VF Enable on the destination");
	pci_cfg_write16(pf->rid, ctrl,
	                pci_cfg_read16(pf->rid, ctrl) &
	                    (uint16_t) ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	pci_cfg_write16(pf->rid, (uint16_t)(c + PCI_SRIOV_NUM_VF), 0);
}

/* VF Enable and VF MSE cleared, NumVFs left as it was; migrate. true
 * when the host migrated. */
static bool migrate_vfs_disabled(struct venv *e, struct vt *t, struct mig_snapshot *before,
                                 struct mig_snapshot *after)
{
	struct pci_func *pf = the_pf(e);
	tap_prefix_push("VF Enable clear");
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no)
			venv_retire(e, i);
	vt_drain(t, 2000, 200000); /* what the hub still carried to the PF */
	uint16_t off = (uint16_t)(pf->sriov_cap + PCI_SRIOV_CTRL);
	pci_cfg_write16(pf->rid, off,
	                pci_cfg_read16(pf->rid, off) & (uint16_t) ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	take_settled(e, before, after);
	char got[48];
	snprintf(got, sizeof(got), "%zu answer", mig_vfs_answering(before));
	tap_check(mig_vfs_answering(before) == 0, R_VF_NONE, got, "0 answer",
	          "no VF answers before the migration");
	bool migrated = ask_migrate("file");
	if (migrated) {
		take(e, after);
		mig_snapshot_compare(before, after, NULL);
		snprintf(got, sizeof(got), "%zu answer", mig_vfs_answering(after));
		tap_check(mig_vfs_answering(after) == 0, R_VF_NONE, got, "0 answer",
		          "no VF appears after the migration");
	}
	tap_prefix_pop();
	return migrated;
}

static void run(const struct run_config *cfg)
{
	if (!cfg || cfg->vfs < 2) {
		tap_skip("needs a PF with at least 2 VFs (--vfs 2 or more)", "migrate");
		return;
	}
	if (cfg->backend && strcmp(cfg->backend, "hub") != 0) {
		tap_skip("the backend's host process would have to follow the VM: hub only", "migrate");
		return;
	}
	struct run_config one_less = *cfg;
	one_less.vfs = cfg->vfs - 1; /* NumVFs < TotalVFs */
	migrate_deviations_register();
	if (cfg->model)
		model_name = cfg->model;
	pci_sriov_set_page_bytes(PAGE_BYTES);
	struct venv *e = venv_get(&one_less);
	if (!e)
		return;
	struct pci_func *pf = the_pf(e);
	uint16_t nvfs = pci_sriov_num_vfs(pf);
	check_setup(pf);
	if (open_all(e) < 2) {
		tap_skip("fewer than two functions up", "migrations");
		return;
	}
	struct mig_snapshot *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	if (!before || !after) {
		tap_bail_out("migrate: out of memory for the snapshots");
		return;
	}
	struct vt *t = vt_new(e);
	vt_resync(t);
	vt_phase_begin(t);
	vt_round(t, ROUND_FRAMES, "before any migration", R_TRAFFIC);
	check_filter(e, 0, is_vf, "before any migration", NULL);
	check_filter(e, 1, is_pf, "before any migration", NULL);
	migrate_running(e, t, "file", before, after);
	migrate_running(e, t, "tcp", before, after);
	vf_cycle(e, t, nvfs, "after the migrations");
	if (migrate_vfs_disabled(e, t, before, after))
		vf_enable_overflow(pf);
	vf_cycle(e, t, nvfs, "after a migration with VF Enable clear");
	pci_sriov_set_page_bytes(0);
}

VFPROBE_SUITE(migrate, "migrate",
              "the VM migrated by the host (to a file, live over TCP) with VFs enabled and frames in flight",
              run, 0, NULL);
