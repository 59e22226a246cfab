/* tests/conformance/net_datapath.c: suite `net`, the virtio-net datapath
 * of the PF and its VFs over the topology's backend (on QEMU's hub every
 * frame one port sends reaches every other port). Frames carry sender,
 * sequence number, length and a Fletcher-32 checksum (tests/lib/frame.h);
 * receivers rebuild each frame and compare it byte for byte
 * (traffic_check.h). */
#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "deviations.h"
#include "lib/traffic.h"
#include "net_host_port.h"
#include "net_ring.h"
#include "traffic_check.h"

#define R_RX                                                                                                   \
	"virtio v1.3 §5.1.6.4 Processing of Incoming Packets / §5.1.6.2 Packet Transmission: frames intact " \
	"to every port that hears the sender"
#define R_ORDER                                                                                               \
	"virtio v1.3 §2.7.8 The Virtqueue Used Ring + QEMU hub: per-sender order kept, none lost below the " \
	"RX ring size"
#define R_WRAP "virtio v1.3 §2.7.13.3 Updating idx: idx wraps; ring reuse over >= 4x the queue size"
#define R_MRG                                                                                                \
	"virtio v1.3 §5.1.6.4 Processing of Incoming Packets: num_buffers merged buffers "                  \
	"(VIRTIO_NET_F_MRG_RXBUF)"
#define R_PFVF "virtio v1.3 §5.1.6 Device Operation: PF and VFs share the switch: PF to VF and VF to PF"
#define R_OVERRUN                                                                                            \
	"IEEE 802.1Q-2018 §8.6.6 Queuing frames: frames of one source to one destination keep their order " \
	"(loss allowed when the RX ring runs dry)"
#define R_NOINT                                                                                              \
	"virtio v1.3 §2.7.7 Used Buffer Notification Suppression: VIRTQ_AVAIL_F_NO_INTERRUPT set, the "     \
	"device SHOULD NOT notify (ISR queue bit clear)"
#define R_NOINT_EVENT                                                                                        \
	"virtio v1.3 §2.7.7.2 / §2.8.10 Used Buffer Notification Suppression: with EVENT_IDX the device "  \
	"SHOULD NOT notify unless it used the entry the driver's event names (never reached here)"
#define R_OPEN "virtio v1.3 §5.1.5 Device Initialization: receive buffers posted, DRIVER_OK"

static const size_t sizes[] = {60,  61,  64,   100,  127,  128,  255,  256,
                               511, 512, 1000, 1023, 1024, 1500, 1513, 1514};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static unsigned open_all(struct venv *e, const struct net_opts *o, const char *what)
{
	unsigned up = 0;
	for (size_t i = 0; i < e->n; i++) {
		int rc = venv_open(e, i, o);
		tap_prefix_push("%s", e->fn[i].name);
		tap_check(rc == 0, R_OPEN, rc ? e->fn[i].nd->err : "up", "up", "%s: opened", what);
		tap_prefix_pop();
		up += rc == 0;
	}
	return up;
}

/* Every function in turn sends every size once; all others drain. */
static void phase_sizes(struct vt *t, const char *phase)
{
	vt_phase_begin(t);
	for (size_t s = 0; s < t->e->n; s++) {
		if (!t->e->fn[s].up)
			continue;
		for (size_t k = 0; k < NSIZES; k++)
			vt_send(t, s, 1, sizes[k], 0);
		vt_drain_expected(t, 5000000);
	}
	vt_drain_expected(t, 5000000);
	vt_phase_verdict(t, phase, R_RX);
}

static void check_pf_vf(struct vt *t)
{
	struct venv *e = t->e;
	size_t n = e->n;
	for (size_t p = 0; p < n; p++) {
		if (e->fn[p].vf_no != 0)
			continue;
		uint64_t to_vf = 0, want_to = 0, from_vf = 0, want_from = 0;
		bool linked = false;
		for (size_t v = 0; v < n; v++) {
			if (e->fn[v].vf_no == 0 || e->fn[v].pf != e->fn[p].pf)
				continue;
			linked |= venv_hears(e, v, p) || venv_hears(e, p, v);
			to_vf += t->rx_from[v * n + p];
			want_to += vt_phase_due(t, v, p);
			from_vf += t->rx_from[p * n + v];
			want_from += vt_phase_due(t, p, v);
		}
		tap_prefix_push("%s", e->fn[p].name);
		if (!linked) {
			tap_skip("no VF of this PF hears it on this backend", "PF to its VFs and back");
		} else {
			tap_check_true(want_to && to_vf == want_to, R_PFVF,
			               "PF to its VFs: %llu of %llu frames", (unsigned long long)to_vf,
			               (unsigned long long)want_to);
			tap_check_true(want_from && from_vf == want_from, R_PFVF,
			               "its VFs to the PF: %llu of %llu frames", (unsigned long long)from_vf,
			               (unsigned long long)want_from);
		}
		tap_prefix_pop();
	}
}

/* Let the device complete what fn posted: a slow listener, such as the
 * runner's host port alone on a PF's hub, holds its last frames back for
 * a while. A stall is what traffic_send calls one: TRAFFIC_TX_STALL_US
 * without a single completion. */
static void wait_tx_done(struct venv_fn *fn)
{
	const struct virtq *tq = &fn->nd->pair[0].txq;
	uint64_t seen = tq->completions;
	struct deadline d = deadline_in_us(TRAFFIC_TX_STALL_US);
	while (vq_in_flight(tq) && !deadline_passed(d)) {
		if (fn->port.ops->reap(&fn->port) < 0)
			break;
		if (tq->completions != seen) {
			seen = tq->completions;
			d = deadline_in_us(TRAFFIC_TX_STALL_US);
		}
	}
}

/* Each wrap sender pushes 4 x its TX ring size (sizes cycling 60..1514) in
 * bursts below the receivers' RX ring size, draining after each burst. */
static void phase_wrap(struct vt *t, bool short_mode)
{
	struct venv *e = t->e;
	size_t n = e->n;
	vt_phase_begin(t);
	uint64_t t0 = rdtsc();
	unsigned senders = 0;
	for (size_t s = 0; s < n; s++) {
		struct venv_fn *fn = &e->fn[s];
		/* Large topologies in short mode: the PFs and the first two VFs
		 * of each PF send; every function still receives > 4x its ring. */
		if (!fn->up || (short_mode && n > 8 && fn->vf_no > 2))
			continue;
		if (!venv_heard(e, s)) {
			tap_prefix_push("%s", fn->name);
			tap_skip("no other function hears it on this backend", "TX ring reuse");
			tap_prefix_pop();
			continue;
		}
		senders++;
		unsigned total = 4u * fn->nd->pair[0].txq.size + 7, burst = fn->nd->pair[0].rxq.size / 2;
		uint64_t tx0 = fn->nd->pair[0].txq.completions;
		for (unsigned sent = 0; sent < total && fn->up; sent += burst) {
			unsigned b = total - sent < burst ? total - sent : burst;
			vt_send(t, s, b, 60 + s * 13, 97);
			vt_drain_expected(t, 5000000);
		}
		wait_tx_done(fn);
		uint64_t done = fn->nd->pair[0].txq.completions - tx0;
		tap_prefix_push("%s", fn->name);
		const struct virtq *tq = &fn->nd->pair[0].txq;
		/* Stalled with the device's event behind, now or when the send
		 * gave up (the device may have moved on since: dev_error keeps
		 * what it saw then). */
		bool stale = (vq_event_behind(tq) || (!fn->up && fn->tx_event_behind)) &&
		             tq->format == VQ_FORMAT_PACKED;
		char got[64];
		snprintf(got, sizeof(got), "%llu times%s", (unsigned long long)(done / tq->size),
		         stale ? ", stalled with the device's event behind" : "");
		if (!tap_check_kfail(stale ? deviation_known("packed-tx-stale-event", "virtio-net") : NULL,
		                     done >= 4u * tq->size, R_WRAP, got, ">= 4 times",
		                     "TX ring of %u reused %llu times (>= 4)", tq->size,
		                     (unsigned long long)(done / tq->size))) {
			char state[256];
			vq_dump(tq, state, sizeof(state));
			tap_diag("net: %s: TX queue after the wrap phase: %s", fn->name, state);
		}
		tap_prefix_pop();
	}
	vt_drain_expected(t, 5000000);
	tap_diag("net: wrap phase: %u senders, %.1f ms", senders, tsc_to_ns(rdtsc() - t0) / 1e6);
	for (size_t r = 0; r < n; r++) {
		struct venv_fn *fn = &e->fn[r];
		if (!fn->up || !venv_hears_any(e, r))
			continue;
		uint64_t due = 0;
		for (size_t s = 0; s < n; s++)
			due += vt_phase_due(t, r, s);
		tap_prefix_push("%s", fn->name);
		if (due < 4u * fn->nd->pair[0].rxq.size) {
			tap_skip("the functions it hears sent less than 4x its RX ring in this mode",
			         "RX ring reuse");
			tap_prefix_pop();
			continue;
		}
		tap_check_true(fn->nd->st.rx_frames >= 4u * fn->nd->pair[0].rxq.size, R_WRAP,
		               "RX ring of %u reused >= 4 times (%llu frames so far)",
		               fn->nd->pair[0].rxq.size, (unsigned long long)fn->nd->st.rx_frames);
		tap_prefix_pop();
	}
	vt_phase_verdict(t, "wrap-around", R_ORDER);
}

/* All functions send at once: each sends k frames, then all drain; per
 * receiver (n-1) x k frames stay below half its RX ring. */
static void phase_all(struct vt *t, unsigned rounds)
{
	struct venv *e = t->e;
	size_t n = e->n;
	unsigned rx = 256;
	for (size_t i = 0; i < n; i++)
		if (e->fn[i].up && e->fn[i].nd->pair[0].rxq.size < rx)
			rx = e->fn[i].nd->pair[0].rxq.size;
	unsigned k = n > 1 ? (unsigned)(rx / 2 / (n - 1)) : 1;
	if (k == 0)
		k = 1;
	if (k > 32)
		k = 32;
	vt_phase_begin(t);
	for (unsigned round = 0; round < rounds; round++) {
		for (size_t s = 0; s < n; s++)
			if (e->fn[s].up)
				vt_send(t, s, k, 60 + round * 131 + s, 211);
		vt_drain_expected(t, 10000000);
	}
	vt_drain_expected(t, 5000000);
	char phase[64];
	snprintf(phase, sizeof(phase), "all sending at once (%u rounds x %u frames each)", rounds, k);
	vt_phase_verdict(t, phase, R_ORDER);
}

static bool heard_by_a_function(const struct venv *e, size_t s)
{
	for (size_t r = 0; r < e->n; r++)
		if (venv_hears(e, r, s))
			return true;
	return false;
}

/* The RX rings run dry: one function sends without pause while the others
 * take only a few frames per pass, so frames wait in QEMU's queue for each
 * receiver. Loss would be allowed; reordering is not. */
static void phase_overrun(struct vt *t, bool short_mode, const char *model)
{
	struct venv *e = t->e;
	size_t n = e->n, s = 0;
	while (s + 1 < n && !(e->fn[s].up && heard_by_a_function(e, s)))
		s++;
	vt_resync(t);
	vt_phase_begin(t);
	unsigned rounds = short_mode ? 6 : 24;
	for (unsigned i = 0; i < rounds && e->fn[s].up; i++) {
		vt_send(t, s, 96, 60 + i * 7, 331);
		vt_drain_some(t, 8);
	}
	bool all = vt_drain_expected(t, 3000000);
	tap_diag("net: overrun: %s", all ? "every receiver reached the last frame" : "drain timed out");
	for (size_t r = 0; r < n; r++) {
		struct venv_fn *fn = &e->fn[r];
		if (!venv_hears(e, r, s) || !fn->up)
			continue;
		struct vt_rx_stats *st = &t->rx[r];
		char got[200];
		snprintf(got, sizeof(got),
		         "%llu of %u frames: %llu in order, %llu late, %llu gaps, %llu corrupt%s%s",
		         (unsigned long long)t->rx_from[r * n + s], t->tx_seq[s] - t->base[s],
		         (unsigned long long)st->ok, (unsigned long long)st->reordered,
		         (unsigned long long)st->lost, (unsigned long long)st->corrupt,
		         st->first_err[0] ? "; " : "", st->first_err);
		tap_prefix_push("%s", fn->name);
		tap_check_kfail(deviation_known("net-queue-reorder-on-rx-overrun", model),
		                st->reordered == 0 && st->corrupt == 0 && st->bad_csum == 0, R_OVERRUN, got,
		                "0 reordered, 0 corrupt", "RX ring overrun from %s: per-sender order kept",
		                e->fn[s].name);
		tap_prefix_pop();
	}
}

static void phase_mrg(struct venv *e, struct vt *t)
{
	struct net_opts o = {.mrg_rxbuf = true, .rx_buf_len = 256};
	open_all(e, &o, "MRG_RXBUF with 256-byte RX buffers");
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].up) {
			tap_prefix_push("%s", e->fn[i].name);
			tap_check_true(virtio_has(&e->fn[i].nd->vp, VIRTIO_NET_F_MRG_RXBUF), R_MRG,
			               "VIRTIO_NET_F_MRG_RXBUF negotiated");
			tap_prefix_pop();
			e->fn[i].nd->st.rx_merged = 0;
		}
	vt_resync(t);
	phase_sizes(t, "MRG_RXBUF, 60..1514 bytes");
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].up) {
			tap_prefix_push("%s", e->fn[i].name);
			tap_check_true(e->fn[i].nd->st.rx_merged > 0 || !venv_hears_any(e, i), R_MRG,
			               "frames over 244 bytes arrived in several buffers (%llu merged)",
			               (unsigned long long)e->fn[i].nd->st.rx_merged);
			tap_prefix_pop();
		}
}

/* After traffic: with VIRTQ_AVAIL_F_NO_INTERRUPT on every ring (and no
 * EVENT_IDX), the device should never have raised a used-buffer
 * notification, so the ISR queue bit stays clear. */
static void check_no_interrupt(struct venv *e, const char *model)
{
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->up)
			continue;
		tap_prefix_push("%s", fn->name);
		uint8_t isr = vpci_read_isr(&fn->nd->vp);
		char got[16];
		snprintf(got, sizeof(got), "ISR 0x%x", isr);
		bool event_idx = virtio_has(&fn->nd->vp, VIRTIO_F_EVENT_IDX);
		tap_check_kfail(event_idx ? deviation_known("event-idx-unconditional-notify", model) : NULL,
		                !(isr & VIRTIO_PCI_ISR_QUEUE), event_idx ? R_NOINT_EVENT : R_NOINT, got,
		                "ISR queue bit clear", "no used-buffer notification after traffic");
		tap_prefix_pop();
	}
}

static void run(const struct run_config *cfg)
{
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	uint64_t t0 = rdtsc();
	unsigned up = open_all(e, &venv_default_opts, "no MRG_RXBUF, 2048-byte RX buffers");
	if (up < 2) {
		tap_skip("fewer than two functions up", "datapath");
		return;
	}
	struct vt *t = vt_new(e);
	host_port_greet(e);
	vt_resync(t);
	phase_sizes(t, "60..1514 bytes from every function");
	check_pf_vf(t);
	tap_diag("net: sizes phase done at %.1f ms", tsc_to_ns(rdtsc() - t0) / 1e6);
	phase_wrap(t, cfg->short_mode);
	tap_diag("net: wrap phase done at %.1f ms", tsc_to_ns(rdtsc() - t0) / 1e6);
	phase_all(t, cfg->short_mode ? 4 : 16);
	tap_diag("net: all-at-once phase done at %.1f ms", tsc_to_ns(rdtsc() - t0) / 1e6);
	check_no_interrupt(e, cfg->model ? cfg->model : "virtio-net");
	phase_overrun(t, cfg->short_mode, cfg->model ? cfg->model : "virtio-net");
	tap_diag("net: overrun phase done at %.1f ms", tsc_to_ns(rdtsc() - t0) / 1e6);
	phase_mrg(e, t);
	net_ring_checks(e, t, cfg);
	tap_diag("net: done in %.1f ms", tsc_to_ns(rdtsc() - t0) / 1e6);
	/* For the host: a port on the wire that hears a function (the runner's
	 * host port, net_host_port.h) must have seen its sequence numbers
	 * 0..frames-1, byte for byte, bytes in all. */
	for (size_t i = 0; i < e->n; i++) {
		const uint8_t *m = e->fn[i].nd ? e->fn[i].nd->mac : (const uint8_t[6]){0};
		tap_diag("wire: sender %zu mac %02x:%02x:%02x:%02x:%02x:%02x frames %u bytes %llu", i, m[0],
		         m[1], m[2], m[3], m[4], m[5], t->tx_seq[i], (unsigned long long)t->tx_bytes[i]);
	}
	host_port_close(e);
	venv_ledger(e);
}

VFPROBE_SUITE(net, "net", "virtio-net datapath: every function to every other over the QEMU hub", run, 0,
              NULL);
