/* tests/conformance/net_ring.c: the ring contract under the net suite's
 * traffic, on whichever format the run asked for (ring=split|packed): the
 * format and ring features negotiated, used and honoured, a queue size
 * below the device's maximum, and the features each function offered,
 * negotiated and exercised (a `# features:` line per function, which
 * scripts/virtio_features.py turns into the JSON results' "features"). */
#include "net_ring.h"

#include <stdio.h>
#include <string.h>

#include "deviations.h"

#define R_FORMAT                                                                                             \
	"virtio v1.3 §6 Reserved Feature Bits: VIRTIO_F_RING_PACKED offered (packed=on) and, when the run " \
	"drives packed rings, negotiated (§2.8 Packed Virtqueues)"
#define R_RING_FEAT                                                                                           \
	"virtio v1.3 §6 Reserved Feature Bits: VIRTIO_F_EVENT_IDX and VIRTIO_F_INDIRECT_DESC accepted when " \
	"offered"
#define R_INDIRECT                                                                                             \
	"virtio v1.3 §2.7.5.3 / §2.8.7 Indirect descriptors: TX chains through an indirect table were used " \
	"and came back"
#define R_EVENT                                                                                              \
	"virtio v1.3 §2.7.10 / §2.8.10 Available Buffer Notification Suppression: with EVENT_IDX the "     \
	"device's event index (not its flags) decides the kicks it asks for"
#define R_WRITE_FLAG                                                                                         \
	"virtio v1.3 §2.8.3 Write Flag: in a used descriptor F_WRITE says whether the device wrote the "    \
	"buffer (§2.8.4: len is reserved without it)"
#define R_SMALL                                                                                              \
	"virtio v1.3 §4.1.4.3 Common configuration structure layout: queue_size: the driver MAY write a "   \
	"smaller value, and the device uses that size"

static const struct deviation ring_deviations[] = {
    {
        .id = "packed-used-no-write-flag",
        .rule = R_WRITE_FLAG,
        .evidence = "packed RX used descriptors carry a len > 0 but only F_AVAIL|F_USED, never F_WRITE",
        .source = "hw/virtio/virtio.c:1012-1033 (virtqueue_packed_fill_desc builds the used flags from the "
                  "wrap counter alone)",
        .models = "virtio-net",
    },
};

static void check_features(struct venv *e, size_t i, const struct run_config *cfg)
{
	const struct virtio_pci_dev *vp = &e->fn[i].nd->vp;
	bool packed = cfg->ring == RUN_RING_PACKED;
	char got[96];
	snprintf(got, sizeof(got), "offered %d, negotiated %d, queues %s",
	         virtio_offers(vp, VIRTIO_F_RING_PACKED), virtio_has(vp, VIRTIO_F_RING_PACKED),
	         e->fn[i].nd->pair[0].txq.format == VQ_FORMAT_PACKED ? "packed" : "split");
	tap_check(
	    virtio_offers(vp, VIRTIO_F_RING_PACKED) == (packed || virtio_offers(vp, VIRTIO_F_RING_PACKED)) &&
	        virtio_has(vp, VIRTIO_F_RING_PACKED) == packed &&
	        (e->fn[i].nd->pair[0].txq.format == VQ_FORMAT_PACKED) == packed,
	    R_FORMAT, got, packed ? "offered 1, negotiated 1, queues packed" : "negotiated 0, queues split",
	    "%s virtqueues", packed ? "packed" : "split");
	uint64_t ring = 1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC;
	tap_check_eq(vp->negotiated & ring, vp->offered & ring, R_RING_FEAT,
	             "EVENT_IDX and INDIRECT_DESC negotiated as offered");
}

static void check_exercised(struct venv *e, size_t i, const struct run_config *cfg)
{
	struct net_dev *nd = e->fn[i].nd;
	const struct virtio_pci_dev *vp = &nd->vp;
	if (!venv_heard(e, i)) {
		/* Nobody on this backend hears it, so it sent nothing. */
		tap_skip("no function hears it on this backend: it sent no traffic",
		         "ring features exercised");
		return;
	}
	const struct virtq *tq = &nd->pair[0].txq;
	if (virtio_has(vp, VIRTIO_F_INDIRECT_DESC))
		tap_check_true(tq->indirect > 0 && tq->completions > 0 && tq->err == VQ_OK, R_INDIRECT,
		               "%llu indirect TX chains posted, %llu TX completions",
		               (unsigned long long)tq->indirect, (unsigned long long)tq->completions);
	if (!virtio_has(vp, VIRTIO_F_EVENT_IDX))
		return;
	bool split = tq->format == VQ_FORMAT_SPLIT;
	/* §2.8.10: on a packed ring RING_EVENT_FLAGS_DESC is the device's
	 * choice even with EVENT_IDX; on a split ring avail_event is all
	 * there is (§2.7.10). */
	if (!split && tq->event_checks == 0)
		tap_skip("packed: the device never asked for kicks by descriptor (RING_EVENT_FLAGS_DESC is "
		         "its choice)",
		         "TX: %llu kicks, none by event index", (unsigned long long)tq->kicks);
	else
		tap_check_true(tq->event_checks > 0 && (!split || tq->event_checks == tq->kicks), R_EVENT,
		               "TX: %llu kicks, %llu by event index, %llu notifications suppressed",
		               (unsigned long long)tq->kicks, (unsigned long long)tq->event_checks,
		               (unsigned long long)tq->event_suppressed);
	/* QEMU's own datapath waits for kicks; a backend that polls the ring
	 * (vhost-user, vDPA) need not ask for any. */
	if (cfg->backend && strcmp(cfg->backend, "hub") != 0) {
		tap_skip("the backend may poll instead of waiting for notifications",
		         "TX event index names the next available entry when idle");
		return;
	}
	/* The TX queue is idle now (everything reaped): its event. */
	net_tx_reap(nd);
	const struct virtq *q = &nd->pair[0].txq;
	unsigned got, want;
	vq_avail_event(q, &got, &want);
	char g[48], w[48];
	snprintf(g, sizeof(g), "0x%x", got);
	snprintf(w, sizeof(w), "0x%x", want);
	tap_check(got == want || q->in_flight > 0, R_EVENT_IDLE, g, w,
	          "TX event index names the next available entry when idle (in flight %u)", q->in_flight);
}

static void check_write_flag(struct venv *e, size_t i, const struct run_config *cfg)
{
	const struct net_dev *nd = e->fn[i].nd;
	if (nd->pair[0].rxq.format != VQ_FORMAT_PACKED || nd->pair[0].rxq.completions == 0)
		return;
	char got[80];
	snprintf(got, sizeof(got), "%u of %llu used RX descriptors with len > 0 lack F_WRITE",
	         nd->pair[0].rxq.packed.used_len_without_write,
	         (unsigned long long)nd->pair[0].rxq.completions);
	/* The deviation is in QEMU's own datapath: on another backend the
	 * backend writes the used descriptors. */
	bool qemu_rx = venv_qemu_datapath(e, i);
	tap_check_kfail(
	    qemu_rx ? deviation_known("packed-used-no-write-flag", cfg->model ? cfg->model : "virtio-net")
	            : NULL,
	    nd->pair[0].rxq.packed.used_len_without_write == 0, R_WRITE_FLAG, got, "0",
	    "packed RX used descriptors that carry data have F_WRITE");
}

/* Two functions that hear each other re-opened with rings smaller than
 * the device's maximum (split: a power of 2; packed: deliberately not),
 * then over 4x their rings of traffic each way. */
static void phase_small_rings(struct venv *e, struct vt *t, const struct run_config *cfg)
{
	size_t a = e->n, b = e->n;
	for (size_t i = 0; i < e->n && b == e->n; i++)
		for (size_t j = i + 1; j < e->n && e->fn[i].up; j++)
			if (e->fn[j].up && venv_hears(e, i, j) && venv_hears(e, j, i)) {
				a = i;
				b = j;
				break;
			}
	if (b == e->n) {
		tap_skip("no two functions hear each other", "rings smaller than the maximum");
		return;
	}
	uint16_t size = cfg->ring == RUN_RING_PACKED ? 100 : 64;
	struct net_opts o = venv_default_opts;
	o.rx_size = o.tx_size = size;
	size_t pair[2] = {a, b};
	struct net_dev *saved[2];
	bool up = true;
	for (int k = 0; k < 2; k++) {
		struct venv_fn *fn = &e->fn[pair[k]];
		saved[k] = fn->nd;
		fn->nd = NULL;
		int rc = venv_open(e, pair[k], &o);
		tap_prefix_push("%s", fn->name);
		/* queue_size reads back what the driver wrote (vpci_queue_max
		 * only selects the queue and reads the field). */
		struct net_dev *nd = fn->nd;
		unsigned reads = 0, ring = 0, rx_ring = 0;
		const char *state = "no memory";
		if (nd) {
			state = rc ? nd->err : "up";
			if (rc == 0) {
				reads = vpci_queue_max(&nd->vp, VIRTIO_NET_TXQ);
				ring = nd->pair[0].txq.size;
				rx_ring = nd->pair[0].rxq.size;
			}
		}
		char got[240];
		snprintf(got, sizeof(got), "%s; queue_size reads %u, ring %u", state, reads, ring);
		tap_check(rc == 0 && reads == size && ring == size && rx_ring == size, R_SMALL, got,
		          "up; queue_size reads the size written", "%u-entry rings opened below the maximum",
		          size);
		tap_prefix_pop();
		up &= rc == 0;
	}
	if (up) {
		vt_wait_path(t, pair[0], pair[1], 2000000);
		vt_wait_path(t, pair[1], pair[0], 2000000);
		vt_resync(t);
		vt_phase_begin(t);
		for (int k = 0; k < 2; k++) {
			struct net_dev *nd = e->fn[pair[k]].nd;
			unsigned total = 4u * size + 7;
			for (unsigned sent = 0; sent < total && e->fn[pair[k]].up; sent += size / 2) {
				unsigned n = total - sent < size / 2u ? total - sent : size / 2u;
				vt_send(t, pair[k], n, 60 + sent % 1400, 37);
				vt_drain_expected(t, 5000000);
			}
			tap_prefix_push("%s", e->fn[pair[k]].name);
			tap_check_true(nd->pair[0].txq.completions >= 4u * size && e->fn[pair[k]].up, R_SMALL,
			               "TX ring of %u used %llu times over", size,
			               (unsigned long long)(nd->pair[0].txq.completions / size));
			tap_prefix_pop();
		}
		vt_drain_expected(t, 5000000);
		char phase[64];
		snprintf(phase, sizeof(phase), "%u-entry rings, over 4x each way", size);
		vt_phase_verdict(t, phase, R_SMALL);
	}
	/* Back to the full-size devices. */
	for (int k = 0; k < 2; k++) {
		struct venv_fn *fn = &e->fn[pair[k]];
		venv_retire(e, pair[k]);
		fn->nd = saved[k];
		venv_open(e, pair[k], &venv_default_opts);
	}
	vt_resync(t);
}

void net_ring_checks(struct venv *e, struct vt *t, const struct run_config *cfg)
{
	deviations_register(ring_deviations, DEVIATION_COUNT(ring_deviations));
	for (size_t i = 0; i < e->n; i++) {
		if (!e->fn[i].up)
			continue;
		tap_prefix_push("%s", e->fn[i].name);
		check_features(e, i, cfg);
		check_exercised(e, i, cfg);
		check_write_flag(e, i, cfg);
		tap_prefix_pop();
	}
	/* Before the small rings: what the net suite's last open (MRG_RXBUF)
	 * negotiated and what its traffic used. */
	for (size_t i = 0; i < e->n; i++) {
		const struct net_dev *nd = e->fn[i].nd;
		if (nd)
			tap_diag("features: %s: offered=0x%llx negotiated=0x%llx exercised=0x%llx",
			         e->fn[i].name, (unsigned long long)nd->vp.offered,
			         (unsigned long long)nd->vp.negotiated,
			         (unsigned long long)net_features_exercised(nd));
	}
	net_event_after_backpressure(e, t, cfg);
	phase_small_rings(e, t, cfg);
}
