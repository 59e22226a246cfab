/* tests/conformance/link.c: suite `link`, each VF's link taken down and
 * brought up again by the host (a host event, lib/host_event.h: the
 * runner's QMP set_link on the VF's netdev) while every function carries
 * checked traffic (traffic_check.h). The VF must report the change in its
 * config space, its frames must stop and start with the link, and no
 * other function may notice. */
#include <stdio.h>
#include <string.h>

#include "boot/host_request.h"
#include "boot/timer.h"
#include "deviations.h"
#include "link_deviations.h"
#include "pci/pci_regs.h"
#include "traffic_check.h"

#define R_EVENT "vfprobe host events (lib/host_event.h): the host acts on the request and answers ok"
#define R_STATUS                                                                                             \
	"virtio v1.3 §5.1.3 Feature bits: VIRTIO_NET_F_STATUS is offered and negotiated, "                  \
	"so the link state can be read"
#define R_UP_AT_START                                                                                        \
	"virtio v1.3 §5.1.4 Device configuration layout: "                                                  \
	"VIRTIO_NET_S_LINK_UP set on a live link"
#define R_DOWN                                                                                               \
	"virtio v1.3 §5.1.4 Device configuration layout: "                                                  \
	"VIRTIO_NET_S_LINK_UP clears when the link goes down"
#define R_UP                                                                                                 \
	"virtio v1.3 §5.1.4 Device configuration layout: "                                                  \
	"VIRTIO_NET_S_LINK_UP is set again when the link is up"
#define R_GEN                                                                                                \
	"virtio v1.3 §4.1.4.3.1 Device Requirements: Common configuration structure layout: "               \
	"config_generation changes when the device configuration changed"
#define R_OTHERS_LINK                                                                                        \
	"virtio v1.3 §5.1.4 Device configuration layout: one function's link going down "                   \
	"leaves every other function's VIRTIO_NET_S_LINK_UP set"
#define R_NO_TX                                                                                              \
	"virtio v1.3 §5.1.4 (VIRTIO_NET_S_LINK_UP clear): "                                                 \
	"frames a function sends while its link is down reach no peer"
#define R_NO_RX                                                                                              \
	"virtio v1.3 §5.1.4 (VIRTIO_NET_S_LINK_UP clear): "                                                 \
	"frames sent to a function while its link is down are not delivered to it"
#define R_OTHERS_TRAFFIC                                                                                     \
	"virtio v1.3 §5.1.6 Device Operation: "                                                             \
	"the other functions' traffic flows while one function's link is down"
#define R_RESUME "virtio v1.3 §5.1.6 Device Operation: traffic resumes once the link is up again"
#define R_OPEN   "virtio v1.3 §3.1.1 Driver Requirements: Device Initialization"
#define R_TX_DROPPED                                                                                         \
	"virtio v1.3 §5.1.6.2 Packet Transmission: every TX buffer made available while the link "          \
	"was down comes back used, dropped while down or sent once the link is up"
#define R_TX_AGAIN                                                                                           \
	"virtio v1.3 §2.8.10 Event Suppression Structure Format / §5.1.6.2 Packet "                        \
	"Transmission: once the link is up, a frame the driver makes available is "                          \
	"transmitted, whether the device takes notifications or not"
#define R_ISR_CONFIG                                                                                         \
	"virtio v1.3 §4.1.5.3 Device Configuration Change Notification: with MSI-X "                        \
	"disabled, the device sets the Device Configuration Interrupt bit (ISR bit 1)"
#define R_ISR_QUEUE                                                                                          \
	"virtio v1.3 §4.1.5.3 Device Configuration Change Notification / §4.1.5.4: a "                     \
	"configuration change sets ISR bit 1; bit 0 (Queue Interrupt) sends the driver "                     \
	"through its virtqueues"

#define EVENT_TIMEOUT_US 10000000ULL /* the host's answer to a request */
#define LINK_TIMEOUT_US  2000000ULL  /* the status change after the host's ok */
#define DRAIN_TIMEOUT_US 5000000ULL
#define FRAMES_PER_FN    8u
#define ISR_QUIET_US     2000
#define TX_AGAIN_US      200000ULL

/* VIRTIO_NET_S_LINK_UP of fn, or -1 when the config space would not read. */
static int link_state(struct venv_fn *fn)
{
	uint8_t mac[6];
	uint16_t st = 0;
	if (net_read_config(fn->nd, mac, &st) != 0)
		return -1;
	return (st & VIRTIO_NET_S_LINK_UP) != 0;
}

/* Poll until fn's link reads `up` or the deadline; the time taken in *ms. */
static bool wait_link(struct venv_fn *fn, bool up, double *ms)
{
	uint64_t t0 = rdtsc();
	struct deadline end = deadline_in_us(LINK_TIMEOUT_US);
	int s;
	while ((s = link_state(fn)) != (int)up && s >= 0 && !deadline_passed(end))
		udelay(100);
	*ms = (double)tsc_to_ns(rdtsc() - t0) / 1e6;
	return s == (int)up;
}

/* MSI-X Enable (PCIe 6.0 §7.7.2.2): the ISR rules are those of MSI-X disabled. */
static bool msix_enabled(const struct venv_fn *fn)
{
	uint16_t cap = pci_find_cap(fn->f->rid, PCI_CAP_ID_MSIX, 0);
	return cap && (pci_cfg_read16(fn->f->rid, (uint16_t)(cap + PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_ENABLE);
}

/* Read (and so clear, §4.1.4.5) the ISR, wait, and read it again: what a
 * quiet device shows, which must be 0 for check_isr to blame the change. */
static uint8_t isr_quiet(struct venv_fn *fn)
{
	(void)vpci_read_isr(&fn->nd->vp);
	udelay(ISR_QUIET_US);
	return vpci_read_isr(&fn->nd->vp);
}

/* What the link change left in the ISR; `before` is isr_quiet's. */
static void check_isr(struct venv_fn *fn, uint8_t before, const char *when, const char *model)
{
	if (msix_enabled(fn)) {
		tap_skip("MSI-X is enabled: the ISR is not the notification path", "ISR after the link %s",
		         when);
		return;
	}
	uint8_t isr = vpci_read_isr(&fn->nd->vp);
	char got[40];
	snprintf(got, sizeof(got), "ISR 0x%x (0x%x before the change)", isr, before);
	tap_check(isr & VIRTIO_PCI_ISR_CONFIG, R_ISR_CONFIG, got, "bit 1 set",
	          "ISR configuration bit set when the link %s", when);
	if (before) {
		tap_skip("the ISR was not quiet before the change",
		         "ISR queue bit clear when only the link %s", when);
		return;
	}
	tap_check_kfail(deviation_known("config-change-isr-queue-bit", model), !(isr & VIRTIO_PCI_ISR_QUEUE),
	                R_ISR_QUEUE, got, "bit 0 clear", "ISR queue bit clear when only the link %s", when);
}

static bool ask_host(const char *event, size_t i)
{
	char args[24];
	snprintf(args, sizeof(args), "fn=%zu", i);
	struct host_event_reply r;
	host_request(event, args, EVENT_TIMEOUT_US, &r);
	return tap_check(r.status == HOST_EVENT_DONE, R_EVENT, r.text, "ok",
	                 "host event %s %s answered within %llu s", event, args, EVENT_TIMEOUT_US / 1000000);
}

static unsigned open_all(struct venv *e)
{
	unsigned up = 0;
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", fn->name);
		if (tap_check(rc == 0, R_OPEN, rc ? fn->nd->err : "up", "up", "opened")) {
			up++;
			if (tap_check_true(virtio_has(&fn->nd->vp, VIRTIO_NET_F_STATUS), R_STATUS,
			                   "VIRTIO_NET_F_STATUS negotiated"))
				tap_check_eq((uint64_t)link_state(fn), 1, R_UP_AT_START,
				             "link up before any flap");
		}
		tap_prefix_pop();
	}
	return up;
}

/* Every up function sends; every receiver must get it all, in order. */
static void traffic(struct vt *t, const char *phase, const char *rule)
{
	for (size_t s = 0; s < t->e->n; s++)
		if (t->e->fn[s].up)
			vt_send(t, s, FRAMES_PER_FN, 60 + s * 97, 131);
	vt_drain_expected(t, DRAIN_TIMEOUT_US);
	vt_phase_verdict(t, phase, rule);
}

/* Frames counted from sender s at any receiver (from == true), or at
 * receiver s from any sender, since the last vt_clear_stats. */
static uint64_t frames_of(const struct vt *t, size_t s, bool from)
{
	uint64_t n = 0;
	for (size_t k = 0; k < t->e->n; k++)
		n += from ? t->rx_from[k * t->e->n + s] : t->rx_from[s * t->e->n + k];
	return n;
}

static void check_others_up(struct venv *e, size_t i)
{
	char down[160] = "";
	size_t len = 0;
	for (size_t j = 0; j < e->n; j++) {
		if (j == i || !e->fn[j].up || link_state(&e->fn[j]) == 1)
			continue;
		int n = snprintf(down + len, sizeof(down) - len, "%s%s", len ? ", " : "", e->fn[j].name);
		if (n > 0 && (size_t)n < sizeof(down) - len)
			len += (size_t)n;
	}
	tap_check(len == 0, R_OTHERS_LINK, len ? down : "all up", "all up",
	          "every other function's link stays up");
}

/* The TX queue fn's port sends on. */
static struct virtq *tx_queue(struct venv_fn *fn)
{
	return &fn->nd->pair[fn->port.queue].txq;
}

/* Reap fn's TX queue until nothing is in flight or TX_AGAIN_US passed;
 * what is left in flight. */
static unsigned tx_settle(struct venv_fn *fn)
{
	struct deadline end = deadline_in_us(TX_AGAIN_US);
	while (vq_in_flight(tx_queue(fn)) && !deadline_passed(end) && fn->port.ops->reap(&fn->port) >= 0)
		;
	return vq_in_flight(tx_queue(fn));
}

/* One frame from fn i: taken back (used) by the device within TX_AGAIN_US?
 * What the TX queue looked like in got when not. */
static bool tx_taken(struct vt *t, size_t i, char *got, size_t cap)
{
	struct venv_fn *fn = &t->e->fn[i];
	struct virtq *txq = tx_queue(fn);
	uint64_t notifies = txq->notifies;
	if (vt_send(t, i, 1, 60, 0) != 0) {
		snprintf(got, cap, "%s", fn->nd->err);
		return false;
	}
	tx_settle(fn);
	int n = snprintf(got, cap, "%u in flight after %llu ms, %llu doorbell(s) rung", vq_in_flight(txq),
	                 TX_AGAIN_US / 1000, (unsigned long long)(txq->notifies - notifies));
	if (txq->format == VQ_FORMAT_PACKED && n > 0 && (size_t)n < cap)
		snprintf(got + n, cap - (size_t)n, ", device event flags 0x%x", txq->packed.device->flags);
	return vq_in_flight(txq) == 0;
}

/* The link of function i goes down: seen, nothing crosses it, the others go on. */
static bool link_down_phase(struct venv *e, struct vt *t, size_t i, const char *model)
{
	struct venv_fn *fn = &e->fn[i];
	vt_resync(t);
	uint8_t isr_before = isr_quiet(fn);
	uint8_t gen = vpci_config_generation(&fn->nd->vp);
	if (!ask_host("link-down", i))
		return false;
	double ms;
	bool down = wait_link(fn, false, &ms);
	tap_check_true(down, R_DOWN, "VIRTIO_NET_S_LINK_UP clear within %llu ms of the host's ok (%.1f ms)",
	               LINK_TIMEOUT_US / 1000, ms);
	check_isr(fn, isr_before, "went down", model);
	uint8_t now = vpci_config_generation(&fn->nd->vp);
	char got[40];
	snprintf(got, sizeof(got), "%u -> %u", gen, now);
	tap_check(now != gen, R_GEN, got, "a new value",
	          "config_generation advanced when the link went down");
	check_others_up(e, i);

	vt_resync(t);
	vt_phase_begin(t);
	vt_send(t, i, FRAMES_PER_FN, 60, 0);
	fn->up = false; /* its frames are due nowhere, and it takes none */
	char phase[64];
	snprintf(phase, sizeof(phase), "while %s is down", fn->name);
	traffic(t, phase, R_OTHERS_TRAFFIC);
	uint64_t leaked = frames_of(t, i, true);
	snprintf(got, sizeof(got), "%llu of %u frames", (unsigned long long)leaked, FRAMES_PER_FN);
	tap_check(leaked == 0, R_NO_TX, got, "0 frames", "frames sent while down reach no peer");
	return true;
}

/* The link of function i comes back: seen, nothing queued for it while
 * down arrives, and every function's traffic flows again. */
static void link_up_phase(struct venv *e, struct vt *t, size_t i, const char *model)
{
	struct venv_fn *fn = &e->fn[i];
	vt_drain(t, 2000, 200000);
	uint8_t isr_before = isr_quiet(fn);
	uint8_t gen = vpci_config_generation(&fn->nd->vp);
	bool asked = ask_host("link-up", i);
	double ms;
	bool up = asked && wait_link(fn, true, &ms);
	if (asked) {
		tap_check_true(up, R_UP,
		               "VIRTIO_NET_S_LINK_UP set again within %llu ms of the host's ok (%.1f ms)",
		               LINK_TIMEOUT_US / 1000, ms);
		check_isr(fn, isr_before, "came up", model);
		uint8_t now = vpci_config_generation(&fn->nd->vp);
		char got[40];
		snprintf(got, sizeof(got), "%u -> %u", gen, now);
		tap_check(now != gen, R_GEN, got, "a new value",
		          "config_generation advanced when the link came up");
	}
	fn->up = !fn->failed;
	vt_clear_stats(t);
	vt_drain(t, 2000, 200000);
	uint64_t late = frames_of(t, i, false);
	char got[96];
	snprintf(got, sizeof(got), "%llu frames", (unsigned long long)late);
	tap_check(late == 0, R_NO_RX, got, "0 frames", "frames sent to it while down were not delivered");
	if (!up) {
		tap_skip("its link did not come back up", "traffic after the link came back");
		return;
	}
	const char *known = tx_queue(fn)->format == VQ_FORMAT_PACKED
	                        ? deviation_known("packed-tx-drop-on-link-down", model)
	                        : NULL;
	unsigned left = tx_settle(fn);
	snprintf(got, sizeof(got), "%u of %u in flight", left, FRAMES_PER_FN);
	tap_check_kfail(known, left == 0, R_TX_DROPPED, got, "0 in flight",
	                "TX buffers posted while down have all come back once the link is up");
	bool taken = tap_check_kfail(known, tx_taken(t, i, got, sizeof(got)), R_TX_AGAIN, got, "taken back",
	                             "a frame sent after the link came up is transmitted without a reset");
	if (!taken) {
		/* A reset gives the queue a new start, so the checks below see the
		 * link, not this stuck queue. */
		int rc = venv_open(e, i, &venv_default_opts);
		if (!tap_check(rc == 0, R_OPEN, rc ? fn->nd->err : "up", "up",
		               "re-initialised after its TX stalled"))
			return;
		vt_wait_function(t, i);
	}
	vt_resync(t);
	vt_phase_begin(t);
	char phase[72];
	snprintf(phase, sizeof(phase), "after %s came back up%s", fn->name, taken ? "" : " (re-initialised)");
	traffic(t, phase, R_RESUME);
}

static void run(const struct run_config *cfg)
{
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	link_deviations_register();
	const char *model = cfg->model ? cfg->model : "virtio-net";
	if (open_all(e) < 2) {
		tap_skip("fewer than two functions up", "link flaps");
		return;
	}
	struct vt *t = vt_new(e);
	vt_resync(t);
	vt_phase_begin(t);
	traffic(t, "before any flap", R_RESUME);
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->vf_no || !fn->up || !virtio_has(&fn->nd->vp, VIRTIO_NET_F_STATUS))
			continue;
		uint64_t t0 = rdtsc();
		tap_prefix_push("%s", fn->name);
		if (link_down_phase(e, t, i, model))
			link_up_phase(e, t, i, model);
		else
			ask_host("link-up", i); /* whatever the host did, leave the link up */
		tap_prefix_pop();
		tap_diag("link: %s flapped in %.1f ms", fn->name, (double)tsc_to_ns(rdtsc() - t0) / 1e6);
	}
}

VFPROBE_SUITE(link, "link", "each VF's link taken down and up by the host (QMP set_link) under traffic", run,
              0, NULL);
