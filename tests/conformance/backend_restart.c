/* tests/conformance/backend_restart.c: suite `backend`, the VFs' datapath
 * when the process serving their backend goes away and comes back
 * (--backend vhost-user: the runner kills testpmd with SIGKILL when this
 * suite says so, removes its stale sockets and starts it again; QEMU's
 * chardev reconnects, reconnect-ms). The VFs must say that their link went
 * down (or that they need a reset) instead of hanging, and carry traffic
 * again once re-initialised. Other backends skip. */
#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "traffic_check.h"

#define R_DOWN                                                                                               \
	"virtio v1.3 §5.1.4.2 Driver Requirements: Device configuration layout (VIRTIO_NET_S_LINK_UP) / "   \
	"§2.1.1 DEVICE_NEEDS_RESET: a VF whose backend went away reports link down or needs reset"
#define R_UP "virtio v1.3 §5.1.4 Device configuration layout: the link comes back up when the backend does"
#define R_AGAIN                                                                                              \
	"virtio v1.3 §3.1.1 Driver Requirements: Device Initialization: re-initialised after the backend "  \
	"restarted, the VFs carry traffic again"
#define DOWN_TIMEOUT_US 30000000ULL
#define UP_TIMEOUT_US   60000000ULL

/* The first VF the backend links to another function. */
static size_t first_linked_vf(struct venv *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no && venv_heard(e, i))
			return i;
	return e->n;
}

static bool link_up(struct venv_fn *fn, bool *needs_reset)
{
	uint8_t mac[6];
	uint16_t st = 0;
	*needs_reset = (vpci_get_status(&fn->nd->vp) & VIRTIO_CONFIG_S_NEEDS_RESET) != 0;
	return net_read_config(fn->nd, mac, &st) == 0 && (st & VIRTIO_NET_S_LINK_UP);
}

static unsigned traffic(struct vt *t, const char *phase)
{
	vt_resync(t);
	vt_phase_begin(t);
	for (size_t s = 0; s < t->e->n; s++)
		if (t->e->fn[s].up && t->e->fn[s].vf_no)
			vt_send(t, s, 16, 60 + s * 41, 151);
	vt_drain_expected(t, 10000000);
	return vt_phase_verdict(t, phase, R_AGAIN);
}

static unsigned open_vfs(struct venv *e, const char *when)
{
	unsigned bad = 0;
	for (size_t i = 0; i < e->n; i++) {
		if (!e->fn[i].vf_no)
			continue;
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", e->fn[i].name);
		bad += !tap_check(rc == 0, R_AGAIN, rc ? e->fn[i].nd->err : "up", "up", "%s: opened", when);
		tap_prefix_pop();
	}
	return bad;
}

static void run(const struct run_config *cfg)
{
	if (!cfg->backend || strcmp(cfg->backend, "vhost-user") != 0) {
		tap_skip("the backend is not served by a host process (use --backend vhost-user)",
		         "datapath across a backend restart");
		return;
	}
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	size_t v = first_linked_vf(e);
	if (v == e->n) {
		tap_skip("no VF is linked to another function", "datapath across a backend restart");
		return;
	}
	struct venv_fn *fn = &e->fn[v];
	if (open_vfs(e, "before the restart"))
		return;
	struct vt *t = vt_new(e);
	traffic(t, "before the backend restart");
	/* The runner kills the backend on this line and starts it again. */
	tap_diag("backend: restart the switch now");
	uint64_t t0 = rdtsc();
	bool nr = false, down = false;
	struct deadline end = deadline_in_us(DOWN_TIMEOUT_US);
	while (!deadline_passed(end) && !(down = !link_up(fn, &nr) || nr))
		udelay(1000);
	tap_prefix_push("%s", fn->name);
	tap_check_true(down, R_DOWN, "backend gone: link down or DEVICE_NEEDS_RESET (%s) after %.0f ms",
	               nr ? "needs reset" : "link down", tsc_to_ns(rdtsc() - t0) / 1e6);
	bool up = false;
	end = deadline_in_us(UP_TIMEOUT_US);
	while (!deadline_passed(end) && !(up = link_up(fn, &nr) && !nr))
		udelay(1000);
	tap_check_true(up, R_UP, "link up again %.0f ms after the restart began",
	               tsc_to_ns(rdtsc() - t0) / 1e6);
	tap_prefix_pop();
	if (!up)
		return;
	if (open_vfs(e, "after the backend restart") == 0)
		traffic(t, "after the backend restart");
	venv_ledger(e);
}

VFPROBE_SUITE(backend, "backend", "VF datapath across a restart of the process serving the backend", run, 0,
              NULL);
