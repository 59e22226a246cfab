/* tests/conformance/reset_vf.c: suite `reset`. A VF's Function Level Reset
 * leaves its virtio device reset (status 0, queues disabled) and the VF
 * works after re-initialisation while the other functions keep working;
 * VFs disabled with traffic in flight and enabled again give a working
 * datapath. */
#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "traffic_check.h"

#define R_FLR_CAP "PCIe 6.0 §9.2.1.3 / §7.5.3.3: a VF supports Function Level Reset (Device Capabilities FLR)"
#define R_FLR_STATUS                                                                                         \
	"PCIe 6.0 §6.6.2 Function Level Reset + virtio v1.3 §4.1.4.3.1 Device Requirements: Common "       \
	"configuration structure layout: after reset device_status reads 0"
#define R_FLR_QUEUE                                                                                          \
	"PCIe 6.0 §6.6.2 Function Level Reset + virtio v1.3 §4.1.4.3.1 Device Requirements: Common "       \
	"configuration structure layout: queue_enable reads 0 after reset"
#define R_FLR_AGAIN                                                                                          \
	"virtio v1.3 §3.1.1 Driver Requirements: Device Initialization: a reset device initialises again "  \
	"and carries traffic"
#define R_OTHERS "PCIe 6.0 §6.6.2: FLR affects only the function reset; the others keep their datapath"
#define R_VFE_PF "PCIe 6.0 §9.3.3.3.1 VF Enable: clearing it leaves the PF running (status DRIVER_OK kept)"
#define R_VFE_NEW                                                                                            \
	"PCIe 6.0 §9.3.3.3.1 VF Enable: re-enabled VFs start from reset (virtio device_status 0, queues "   \
	"off)"
#define R_VFE_AGAIN                                                                                          \
	"PCIe 6.0 §9.3.3.3.1 VF Enable: VFs disabled with traffic in flight work again after re-enable"

static void check_reset_state(struct venv_fn *fn, const char *rs, const char *rq, const char *when)
{
	struct virtio_pci_dev vp;
	tap_prefix_push("%s", fn->name);
	if (!fn->f || vpci_open(&vp, fn->f) != 0) {
		tap_check(false, rs, fn->f ? vp.err : "no function", "readable",
		          "%s: virtio structures readable", when);
		tap_prefix_pop();
		return;
	}
	tap_check_eq(vpci_get_status(&vp), 0, rs, "%s: device_status 0", when);
	uint16_t nq = (uint16_t)vpci_common_read(&vp, num_queues), en = 0;
	for (uint16_t q = 0; q < nq && q < 16; q++)
		en += vpci_queue_enabled(&vp, q) != 0;
	tap_check_eq(en, 0, rq, "%s: no queue enabled (of %u)", when, nq);
	tap_prefix_pop();
}

static void flr_one(struct venv *e, struct vt *t, size_t target)
{
	struct venv_fn *fn = &e->fn[target];
	tap_prefix_push("%s", fn->name);
	bool capable = tap_check_true(pci_flr_capable(fn->f->rid), R_FLR_CAP, "VF advertises FLR");
	tap_prefix_pop();
	if (!capable)
		return;
	/* Traffic in flight both ways: the target sends, another sends to all. */
	size_t other = target == 0 ? 1 : 0;
	vt_send(t, target, 32, 60, 101);
	vt_send(t, other, 32, 1514, 0);
	uint64_t t0 = rdtsc();
	pci_flr(fn->f->rid);
	tap_diag("reset: %s: FLR with traffic in flight, %.1f ms including the 100 ms wait", fn->name,
	         tsc_to_ns(rdtsc() - t0) / 1e6);
	fn->up = false;
	check_reset_state(fn, R_FLR_STATUS, R_FLR_QUEUE, "after FLR");
	char phase[64];
	snprintf(phase, sizeof(phase), "while %s is reset", fn->name);
	vt_round(t, 8, phase, R_OTHERS);
	/* The VF's command register was reset too: venv_open (vpci_open)
	 * turns bus mastering back on. */
	int rc = venv_open(e, target, &venv_default_opts);
	tap_prefix_push("%s", fn->name);
	tap_check(rc == 0, R_FLR_AGAIN, rc ? fn->nd->err : "up", "up", "re-initialised after FLR");
	tap_prefix_pop();
	vt_wait_function(t, target);
	snprintf(phase, sizeof(phase), "after FLR of %s", fn->name);
	vt_round(t, 8, phase, R_FLR_AGAIN);
}

static void vf_disable_enable(struct venv *e, struct vt *t)
{
	/* Traffic in flight everywhere. */
	for (size_t s = 0; s < e->n; s++)
		if (e->fn[s].up)
			vt_send(t, s, 32, 60 + s, 89);
	uint16_t nvfs[16] = {0};
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (fn->vf_no == 0 && fn->pf_idx < 16) {
			nvfs[fn->pf_idx] = pci_sriov_num_vfs(fn->pf);
			pci_sriov_disable(fn->pf);
		}
	}
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no)
			e->fn[i].up = false;
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (fn->vf_no == 0 && fn->nd) {
			tap_prefix_push("%s", fn->name);
			uint8_t s = vpci_get_status(&fn->nd->vp);
			tap_check_eq(s,
			             VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			                 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK,
			             R_VFE_PF, "PF device_status unchanged by clearing VF Enable");
			tap_prefix_pop();
		}
	}
	unsigned pfs_up = 0;
	for (size_t i = 0; i < e->n; i++)
		pfs_up += e->fn[i].up;
	if (pfs_up >= 2)
		vt_round(t, 8, "PFs while VFs are disabled", R_VFE_PF);
	udelay(10000);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (fn->vf_no == 0 && fn->pf_idx < 16) {
			tap_prefix_push("%s", fn->name);
			tap_check_eq(pci_sriov_enable(fn->pf, nvfs[fn->pf_idx]), 0, R_VFE_AGAIN,
			             "%u VFs enabled again", nvfs[fn->pf_idx]);
			tap_prefix_pop();
		}
	}
	venv_refresh(e);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->vf_no)
			continue;
		check_reset_state(fn, R_VFE_NEW, R_VFE_NEW, "after VF re-enable");
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", fn->name);
		tap_check(rc == 0, R_VFE_AGAIN, rc ? fn->nd->err : "up", "up",
		          "re-initialised after VF re-enable");
		tap_prefix_pop();
	}
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no)
			vt_wait_function(t, i);
	vt_round(t, 8, "after VF disable with traffic in flight and re-enable", R_VFE_AGAIN);
}

static void run(const struct run_config *cfg)
{
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	unsigned up = 0;
	for (size_t i = 0; i < e->n; i++) {
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", e->fn[i].name);
		tap_check(rc == 0, R_FLR_AGAIN, rc ? e->fn[i].nd->err : "up", "up", "opened");
		tap_prefix_pop();
		up += rc == 0;
	}
	if (up < 2) {
		tap_skip("fewer than two functions up", "datapath");
		return;
	}
	struct vt *t = vt_new(e);
	/* FLR: the first VF, and in full mode (or small topologies) every VF
	 * of the first PF; the last VF too. */
	size_t first = 0, last = 0;
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no) {
			if (!first)
				first = i;
			last = i;
		}
	if (!first) {
		tap_skip("no VF", "FLR of a VF");
		return;
	}
	for (size_t i = first; i <= last; i++) {
		if (!e->fn[i].vf_no)
			continue;
		bool pick = i == first || i == last || (!cfg->short_mode && e->n <= 16);
		if (pick)
			flr_one(e, t, i);
	}
	vf_disable_enable(e, t);
	venv_ledger(e);
}

VFPROBE_SUITE(reset, "reset", "VF FLR and VF disable/enable with virtio-net traffic in flight", run, 0, NULL);
