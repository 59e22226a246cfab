/* tests/conformance/net_mq.c: suite `mq`, multiqueue on every VF whose
 * netdev has queue pairs (virtio v1.3 §5.1.6.5.6 Automatic receive
 * steering in multiqueue mode; the host's --queues N gives queues=N).
 *
 * Every VF opens N pairs and its control queue. Pair 1 carries traffic
 * before VQ_PAIRS_SET (multiqueue is off until then); after VQ_PAIRS_SET
 * N each pair carries it in turn. The switch (testpmd) forwards queue q of
 * a port to queue q of its pair, so every receiver must get each frame of
 * every function it hears on its own pair q, once, in order, byte for
 * byte, and nothing on its other receive queues: a frame elsewhere is a
 * vring the device handed to the wrong queue. Then one end of each link
 * goes back to one pair while the other end sends on the last pair: the
 * device must not queue anything on its receiveq2..N; VQ_PAIRS_SET N
 * brings the last pair back. The PF (on QEMU's hub: one queue) must not
 * offer MQ. */
#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "lib/frame.h"
#include "lib/net_port.h"
#include "traffic_check.h"
#include "virtio/net_ctrl.h"

#define R_OFFER                                                                                               \
	"virtio v1.3 §5.1.3 Feature bits: VIRTIO_NET_F_MQ offered by a function whose netdev has more than " \
	"one queue pair, negotiated with CTRL_VQ"
#define R_NO_MQ "virtio v1.3 §5.1.3 Feature bits: VIRTIO_NET_F_MQ not offered by a netdev with one queue"
#define R_MAX                                                                                                \
	"virtio v1.3 §5.1.4 Device configuration layout: max_virtqueue_pairs is the netdev's queue pairs"
#define R_NUMQ                                                                                               \
	"virtio v1.3 §5.1.2 Virtqueues + §4.1.4.3 num_queues: 2 x max_virtqueue_pairs receive/transmit "   \
	"queues and the control queue"
#define R_DEFAULT                                                                                            \
	"virtio v1.3 §5.1.6.5.6: multiqueue is disabled until VQ_PAIRS_SET: receiveq1/transmitq1 carry "    \
	"the traffic"
#define R_SET                                                                                                \
	"virtio v1.3 §5.1.6.5.6: VQ_PAIRS_SET with 1 <= virtqueue_pairs <= max_virtqueue_pairs is acked OK"
#define R_PAIR                                                                                               \
	"virtio v1.3 §5.1.6.5.6: with N pairs enabled, every transmitqK carries frames intact and in order"
#define R_PLACE                                                                                              \
	"virtio v1.3 §5.1.2 Virtqueues: receiveqK is the backend's queue K-1 (the switch forwards queue q " \
	"to queue q): nothing on another receive queue"
#define R_LIMIT                                                                                              \
	"virtio v1.3 §5.1.6.5.6: the device MUST NOT queue packets on receive queues greater than "         \
	"virtqueue_pairs once it has used the VQ_PAIRS_SET command"
#define R_BACK "virtio v1.3 §5.1.6.5.6: VQ_PAIRS_SET N again: the last pair carries traffic again"

#define MQ_FRAMES   48
#define MQ_QUIET_US 200000

static bool on_mq(const struct venv *e, size_t i, unsigned long pairs)
{
	return e->fn[i].up && e->fn[i].vf_no != 0 && e->fn[i].nd->npairs == pairs;
}

/* Frames waiting on every receive queue of fn i but pair q. */
static unsigned drain_other_pairs(struct venv_fn *fn, uint16_t q)
{
	static uint8_t buf[FRAME_BUF_LEN];
	unsigned n = 0;
	size_t len;
	for (uint16_t p = 0; p < fn->nd->npairs; p++)
		if (p != q)
			while (net_pair_rx(fn->nd, p, buf, sizeof(buf), &len) > 0)
				n++;
	return n;
}

static void bind_pair(struct venv *e, unsigned long pairs, uint16_t q)
{
	for (size_t i = 0; i < e->n; i++)
		if (on_mq(e, i, pairs))
			net_port_init_pair(&e->fn[i].port, e->fn[i].nd, q, e->fn[i].name);
}

/* Traffic on pair q between every two VFs that hear each other. */
static void pair_phase(struct vt *t, unsigned long pairs, uint16_t q, const char *phase, const char *rule)
{
	struct venv *e = t->e;
	bind_pair(e, pairs, q);
	for (size_t i = 0; i < e->n; i++)
		if (on_mq(e, i, pairs))
			vt_wait_function(t, i);
	vt_resync(t);
	for (size_t i = 0; i < e->n; i++)
		if (on_mq(e, i, pairs))
			(void)drain_other_pairs(&e->fn[i], q);
	vt_phase_begin(t);
	for (size_t s = 0; s < e->n; s++)
		if (on_mq(e, s, pairs) && venv_heard(e, s))
			vt_send(t, s, MQ_FRAMES, 60 + s * 37 + q * 11, 173);
	vt_drain_expected(t, 10000000);
	vt_phase_verdict(t, phase, rule);
	for (size_t r = 0; r < e->n; r++) {
		if (!on_mq(e, r, pairs) || !venv_hears_any(e, r))
			continue;
		unsigned stray = drain_other_pairs(&e->fn[r], q);
		tap_prefix_push("%s", e->fn[r].name);
		tap_check_true(stray == 0, R_PLACE, "%s: %u frames on receive queues other than pair %u",
		               phase, stray, q + 1);
		tap_prefix_pop();
	}
}

static bool pairs_set(struct venv_fn *fn, uint16_t pairs)
{
	uint8_t ack = 0xff;
	enum net_ctrl_result r = net_ctrl_mq_pairs(fn->nd, pairs, &ack);
	char got[64];
	snprintf(got, sizeof(got), "%s, ack %u", net_ctrl_result_name(r), ack);
	tap_prefix_push("%s", fn->name);
	bool ok = tap_check(r == NET_CTRL_DONE && ack == VIRTIO_NET_OK, R_SET, got, "done, ack 0 (OK)",
	                    "VQ_PAIRS_SET %u", pairs);
	tap_prefix_pop();
	return ok;
}

static void check_setup(struct venv_fn *fn, unsigned long pairs)
{
	const struct net_dev *nd = fn->nd;
	const struct virtio_pci_dev *vp = &nd->vp;
	char got[96];
	tap_prefix_push("%s", fn->name);
	if (fn->vf_no == 0) {
		tap_check_true(!virtio_offers(vp, VIRTIO_NET_F_MQ), R_NO_MQ,
		               "PF on its one-queue netdev: MQ %s",
		               virtio_offers(vp, VIRTIO_NET_F_MQ) ? "offered" : "not offered");
		tap_prefix_pop();
		return;
	}
	snprintf(got, sizeof(got), "offered %d negotiated %d, control queue %s",
	         virtio_offers(vp, VIRTIO_NET_F_MQ), virtio_has(vp, VIRTIO_NET_F_MQ),
	         nd->ctrl ? "up" : "down");
	tap_check(virtio_has(vp, VIRTIO_NET_F_MQ) && virtio_has(vp, VIRTIO_NET_F_CTRL_VQ) && nd->ctrl,
	          R_OFFER, got, "offered 1 negotiated 1, control queue up", "MQ negotiated");
	tap_check_eq(nd->max_pairs, pairs, R_MAX, "max_virtqueue_pairs");
	tap_check_eq(vp->num_queues, 2 * (uint64_t)nd->max_pairs + 1, R_NUMQ, "num_queues");
	tap_prefix_pop();
}

/* One end of each link (the function that hears a higher-numbered one)
 * back to one pair; the other end sends on the last pair. */
static void limit_phase(struct vt *t, unsigned long pairs)
{
	struct venv *e = t->e;
	uint16_t last = (uint16_t)(pairs - 1);
	bool narrowed[VENV_MAX] = {false};
	for (size_t r = 0; r < e->n; r++)
		for (size_t s = r + 1; s < e->n && !narrowed[r]; s++)
			if (on_mq(e, r, pairs) && on_mq(e, s, pairs) && venv_hears(e, r, s) && !narrowed[s])
				narrowed[r] = pairs_set(&e->fn[r], 1);
	bind_pair(e, pairs, last);
	for (size_t s = 0; s < e->n; s++)
		if (on_mq(e, s, pairs) && !narrowed[s] && venv_heard(e, s))
			vt_send(t, s, MQ_FRAMES, 60, 173);
	udelay(MQ_QUIET_US);
	for (size_t r = 0; r < e->n; r++) {
		if (!narrowed[r])
			continue;
		unsigned stray = drain_other_pairs(&e->fn[r], 0);
		tap_prefix_push("%s", e->fn[r].name);
		tap_check_true(stray == 0, R_LIMIT,
		               "VQ_PAIRS_SET 1, its peer sending on pair %u: %u frames on "
		               "receiveq2..%lu",
		               last + 1, stray, pairs);
		tap_prefix_pop();
	}
	/* What the peers sent on the last pair went nowhere: expect anew. */
	vt_resync(t);
	for (size_t r = 0; r < e->n; r++)
		if (narrowed[r])
			(void)pairs_set(&e->fn[r], (uint16_t)pairs);
	pair_phase(t, pairs, last, "the last pair after VQ_PAIRS_SET 1 and back", R_BACK);
}

static void run(const struct run_config *cfg)
{
	if (cfg->queues < 2) {
		tap_skip(
		    "queues=1: give the VFs queue pairs (scripts/vfprobe --backend vhost-user --queues N)",
		    "multiqueue");
		return;
	}
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	struct vt *t = vt_new(e);
	if (!t) {
		tap_bail_out("mq: out of memory for the traffic state");
		return;
	}
	unsigned long pairs = cfg->queues;
	struct net_opts o = venv_default_opts;
	for (size_t i = 0; i < e->n; i++) {
		o.pairs = e->fn[i].vf_no ? (uint16_t)pairs : 1;
		if (venv_open(e, i, &o) != 0) {
			tap_check(false, "virtio v1.3 §3.1.1 Device Initialization: every pair set up",
			          e->fn[i].nd ? e->fn[i].nd->err : "no memory", "open",
			          "%s: open with %u pairs", e->fn[i].name, o.pairs);
			continue;
		}
		check_setup(&e->fn[i], pairs);
	}
	/* The PF has nobody to talk to here: parked, not failed. */
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].vf_no == 0)
			e->fn[i].up = false;
	pair_phase(t, pairs, 0, "pair 1 before VQ_PAIRS_SET", R_DEFAULT);
	for (size_t i = 0; i < e->n; i++)
		if (on_mq(e, i, pairs))
			(void)pairs_set(&e->fn[i], (uint16_t)pairs);
	for (uint16_t q = 0; q < pairs; q++) {
		char phase[48];
		snprintf(phase, sizeof(phase), "pair %u of %lu", (unsigned)q + 1, pairs);
		pair_phase(t, pairs, q, phase, R_PAIR);
	}
	limit_phase(t, pairs);
	for (size_t i = 0; i < e->n; i++) {
		const struct net_dev *nd = e->fn[i].nd;
		if (nd && e->fn[i].up)
			tap_diag("features: %s: offered=0x%llx negotiated=0x%llx exercised=0x%llx",
			         e->fn[i].name, (unsigned long long)nd->vp.offered,
			         (unsigned long long)nd->vp.negotiated,
			         (unsigned long long)net_features_exercised(nd));
	}
	venv_ledger(e);
	/* Leave every function as the other suites expect it: one pair. */
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].nd)
			(void)venv_open(e, i, &venv_default_opts);
}

VFPROBE_SUITE(mq, "mq",
              "virtio-net multiqueue on every VF: VQ_PAIRS_SET, traffic on every pair, the pair limit", run,
              0, NULL);
