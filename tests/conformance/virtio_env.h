/* tests/conformance/virtio_env.h: what the virtio, net and reset suites
 * share: the virtio-net functions under test (every SR-IOV PF and its VFs,
 * VFs enabled once), one cached net_dev per function (DMA memory is never
 * freed, so a device is opened once and re-opened after that), and the
 * test traffic (frames that carry sender, sequence and a checksum, checked
 * byte for byte by every receiver). */
#ifndef VFPROBE_TESTS_VIRTIO_ENV_H
#define VFPROBE_TESTS_VIRTIO_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci/pci.h"
#include "lib/suite.h"
#include "virtio/net.h"

#define VENV_MAX 300

struct venv_fn {
	struct pci_func *f; /* current pci_func (changes after VF re-enable) */
	struct pci_func *pf;
	unsigned pf_idx, vf_no; /* vf_no 0 = the PF itself, else VF index + 1 */
	char name[24];          /* "pf0 01:00.0" / "pf0.vf2 01:00.2" */
	struct net_dev *nd;     /* NULL until venv_open */
	bool up;
	bool failed; /* taken down by a device error (not parked on purpose) */
};

struct venv {
	size_t n;
	struct venv_fn fn[VENV_MAX];
};

/* Find the virtio-net SR-IOV PFs and enable all their VFs (or cfg->vfs).
 * NULL (and a bail-out diagnostic) when there is nothing to test. */
struct venv *venv_get(const struct run_config *cfg);
/* The virtio table of known QEMU deviations (virtio_deviations.c). */
void virtio_deviations_register(void);
/* Re-read fn[].f after VFs were re-enabled. */
void venv_refresh(struct venv *e);
/* No MRG_RXBUF, 2048-byte RX buffers, 256-entry rings: what every suite
 * opens with unless it says otherwise (a re-open keeps the last options
 * otherwise, e.g. the net suite's 256-byte merged buffers). */
extern const struct net_opts venv_default_opts;
/* Open (or re-open) fn i as a net device; 0 or -1 (nd->err). */
int venv_open(struct venv *e, size_t i, const struct net_opts *o);
/* The expected MAC of a function (scripts/topology.py: 52:54:00:5f:pf:vf). */
void venv_expected_mac(const struct venv_fn *fn, uint8_t mac[6]);

/* --- traffic ------------------------------------------------------------- */
#define VT_ETHERTYPE 0x88b5 /* IEEE 802 local experimental */

/* Build the frame number `seq` of sender `s`, `len` bytes (60..1514). */
size_t vt_build(uint8_t *buf, size_t len, unsigned s, uint32_t seq, const uint8_t src_mac[6]);

struct vt_rx_stats {
	uint64_t frames, ok, lost, reordered, corrupt, bad_csum, foreign;
	char first_err[160];
};

/* A traffic run over the functions with up[] set. Each sender keeps a
 * sequence counter; each receiver expects every other sender's next
 * sequence number: anything else is loss, reordering or corruption. */
struct vt {
	struct venv *e;
	uint32_t *tx_seq;       /* [n] */
	uint32_t *expect;       /* [n x n]: receiver r, sender s */
	struct vt_rx_stats *rx; /* [n] */
	uint64_t *rx_from;      /* [n x n] frames received per pair */
	uint32_t *base;         /* [n]: tx_seq at vt_phase_begin */
	uint8_t *buf, *ref;
	bool device_error;
	char dev_err[200];
};

struct vt *vt_new(struct venv *e);
void vt_clear_stats(struct vt *t);
/* Send `count` frames from fn s (sizes cycling from size0 with step, or
 * fixed when step is 0), reaping TX as needed; kick at the end. 0 or -1. */
int vt_send(struct vt *t, size_t s, unsigned count, size_t size0, size_t step);
/* Drain every up function until all have been quiet for quiet_us (or
 * timeout_us passes). Returns frames received. */
uint64_t vt_drain(struct vt *t, uint64_t quiet_us, uint64_t timeout_us);
/* One pass: every up function takes at most max_per_fn frames. */
uint64_t vt_drain_some(struct vt *t, unsigned max_per_fn);
/* Drain until every up receiver has seen (or counted as lost) every frame
 * the other up functions sent since vt_phase_begin, then until quiet for
 * 1 ms (to catch duplicates). false when timeout_us passed first. */
bool vt_drain_expected(struct vt *t, uint64_t timeout_us);
/* Forget what is queued and make every receiver expect each sender's next
 * sequence number (after a re-init). */
void vt_resync(struct vt *t);
/* Frame size of sequence number seq in the cycling pattern. */
size_t vt_size(uint32_t seq, size_t size0, size_t step);

/* Start a phase: remember each sender's sequence number and clear the
 * receive statistics. */
void vt_phase_begin(struct vt *t);
/* One TAP point per up receiver: every frame each other up function sent
 * since vt_phase_begin arrived exactly once, in order, byte for byte.
 * Returns the number of failing receivers. */
unsigned vt_phase_verdict(struct vt *t, const char *suite, const char *phase, const char *rule);

#endif
