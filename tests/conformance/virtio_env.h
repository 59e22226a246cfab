/* tests/conformance/virtio_env.h: what the virtio, net and reset suites
 * share: the virtio-net functions under test (every SR-IOV PF and its VFs,
 * VFs enabled once), one cached net_dev per function (DMA memory is never
 * freed, so a device is opened once and re-opened after that) with its
 * traffic port (tests/lib/port.h), and who hears whom on the topology's
 * backend. The checked traffic itself is in traffic_check.h. */
#ifndef VFPROBE_TESTS_VIRTIO_ENV_H
#define VFPROBE_TESTS_VIRTIO_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/port.h"
#include "lib/suite.h"
#include "pci/pci.h"
#include "virtio/net.h"

#define VENV_MAX 300

struct venv_fn {
	struct pci_func *f; /* current pci_func (changes after VF re-enable) */
	struct pci_func *pf;
	unsigned pf_idx, vf_no; /* vf_no 0 = the PF itself, else VF index + 1 */
	char name[24];          /* "pf0 01:00.0" / "pf0.vf2 01:00.2" */
	struct net_dev *nd;     /* NULL until venv_open */
	struct tport port;      /* on nd, bound by venv_open */
	bool up;
	bool failed;          /* taken down by a device error (not parked on purpose) */
	bool tx_event_behind; /* ... by a TX stall whose device event was behind (vq_event_behind) */
	/* Frames that may or may not have crossed the wire: posted when the
	 * device was reset under them (venv_ledger). */
	uint64_t tx_unsure, rx_unsure;
	/* Frames of devices this function had before nd (venv_retire). */
	uint64_t tx_retired, rx_retired;
};

struct venv {
	struct peer_map peers;
	/* The runner's host port on the wire (run_config.host_port,
	 * net_host_port.h): host.group[i] != 0 when function i and the host
	 * hear each other. */
	bool host_port;
	struct peer_map host;
	enum run_ring ring;   /* every venv_open asks for this format */
	bool access_platform; /* ... and VIRTIO_F_ACCESS_PLATFORM (iommu=vtd) */
	/* QEMU's own datapath (the hub) carries frames from DRIVER_OK on; an
	 * offloaded backend may start a function's datapath later. */
	bool datapath_at_driver_ok;
	bool all_on_hub;     /* backend=hub: every function on QEMU's hub, else only the PFs */
	const char *backend; /* the VFs' (--backend), NULL on the hub */
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
/* Open (or re-open) fn i as a net device, on the run's ring format;
 * 0 or -1 (nd->err). */
int venv_open(struct venv *e, size_t i, const struct net_opts *o);
/* The expected MAC of a function (scripts/topology.py: 52:54:00:5f:pf:vf). */
void venv_expected_mac(const struct venv_fn *fn, uint8_t mac[6]);

/* Is function i's datapath QEMU's own (its hub) rather than a backend's?
 * The PFs always are (scripts/backends.py: a VF backend leaves them on
 * the hub). */
bool venv_qemu_datapath(const struct venv *e, size_t i);
/* Can function r hear what function s sends? From the topology's peers
 * (the host's --backend, lib/peers.h): a hub delivers every frame to
 * every other port, a point-to-point link only to the other end, a
 * function alone on its wire to nobody. Never r == s. */
bool venv_hears(const struct venv *e, size_t r, size_t s);
/* Does function r hear any function that is up? */
bool venv_hears_any(const struct venv *e, size_t r);
/* Does anyone hear s: another function or the runner's host port? One
 * that nobody hears does not send: its
 * wire may never take a frame (a QEMU hub with no other port holds the
 * sender's TX queue until one can receive, net/hub.c). */
bool venv_heard(const struct venv *e, size_t s);
/* Are function i and the runner's host port linked? */
bool venv_host_hears(const struct venv *e, size_t i);
/* Print every opened function's frame counts since boot, for the host to
 * compare with the switch's port counters:
 *   # ledger: fn I tx N txu N rx N rxu N
 * tx frames posted (txu of them posted when a reset stopped the queue),
 * rx frames received (rxu: RX buffers posted when a reset stopped the
 * queue, which the device may have filled). Reads what is left in the RX
 * rings first. */
void venv_ledger(struct venv *e);
/* Reset fn i's device and forget it (fn->nd = NULL), keeping its frame
 * counts in the function's ledger: for a suite that drives the function
 * through a device of its own for a while. */
void venv_retire(struct venv *e, size_t i);

#endif
