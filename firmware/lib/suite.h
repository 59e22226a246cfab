/* firmware/lib/suite.h: how a suite registers itself.
 *
 *   static void run(const struct run_config *cfg) { ... tap_check(...) ... }
 *   VFPROBE_SUITE(sriov, "PCIe SR-IOV capability and VF lifecycle", run, 0, NULL);
 *
 * The linker script gathers every VFPROBE_SUITE into one table, so adding a
 * suite means adding a file: no central list to edit. */
#ifndef VFPROBE_TESTS_SUITE_H
#define VFPROBE_TESTS_SUITE_H

#include <stdbool.h>

#include "lib/options.h"
#include "lib/peers.h"
#include "lib/tap.h"

/* The virtqueue format the suites drive (ring=): split (virtio v1.3 §2.7)
 * or packed (§2.8, VIRTIO_F_RING_PACKED, which the device must offer). */
enum run_ring {
	RUN_RING_SPLIT,
	RUN_RING_PACKED,
};

/* The IOMMU in front of the functions (iommu=): none, or QEMU's
 * intel-iommu (VT-d), whose functions then need VIRTIO_F_ACCESS_PLATFORM. */
enum run_iommu {
	RUN_IOMMU_NONE,
	RUN_IOMMU_VTD,
};

/* What the host asked for (scripts/vfprobe passes it in the load options).
 * 0 / NULL means "not said": a suite then discovers what is there. */
struct run_config {
	unsigned long pfs;            /* expected SR-IOV PFs */
	unsigned long vfs;            /* expected TotalVFs of each PF */
	const char *model;            /* "virtio-net", "igb" or "nvme" */
	const char *backend;          /* the functions' netdev backend, e.g. "hub" */
	const struct peer_map *peers; /* who hears whom (peers=, lib/peers.h) */
	enum run_ring ring;           /* ring=split|packed (split when not said) */
	unsigned long queues;         /* queues=: queue pairs behind every VF (1 when not said) */
	enum run_iommu iommu;         /* iommu=none|vtd (none when not said) */
	bool short_mode;              /* mode=short: fewer iterations (make check) */
	const struct options *opts;
	/* The functions the runner's host port on the wire hears (hostport=
	 * LIST, the LIST of peers=), NULL when there is none. */
	const struct peer_map *host_port;
};

enum suite_flags {
	SUITE_EXPLICIT = 1 << 0, /* never part of `all`: selftests */
};

struct suite {
	const char *name;
	const char *summary;
	void (*run)(const struct run_config *cfg);
	unsigned flags;
	const char *const *options; /* extra load-option keys it reads, or NULL */
};

#define VFPROBE_SUITE(id, sname, ssummary, fn, sflags, sopts)                                                \
	static const struct suite suite_##id                                                                 \
	    __attribute__((used, section(".data.vfprobe_suites"), aligned(8))) = {                           \
	        .name = sname,                                                                               \
	        .summary = ssummary,                                                                         \
	        .run = fn,                                                                                   \
	        .flags = sflags,                                                                             \
	        .options = sopts,                                                                            \
	}

#endif
