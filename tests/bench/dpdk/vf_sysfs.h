/* tests/bench/dpdk/vf_sysfs.h: the PF and its VFs through Linux's sysfs,
 * for the DPDK guest: find the virtio-net PF, enable N VFs without letting
 * a kernel driver take them (sriov_drivers_autoprobe = 0), hand them to
 * uio_pci_generic (driver_override, drivers_probe) so that DPDK's
 * net_virtio can drive them from user space. */
#ifndef VFPROBE_BENCH_DPDK_VF_SYSFS_H
#define VFPROBE_BENCH_DPDK_VF_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#define VF_SYSFS_MAX_VFS 64
#define VF_SYSFS_BDF_LEN 16 /* "0000:01:00.1" */

struct vf_set {
	char pf[VF_SYSFS_BDF_LEN];
	int total; /* sriov_totalvfs */
	int n;     /* VFs enabled */
	char vf[VF_SYSFS_MAX_VFS][VF_SYSFS_BDF_LEN];
};

/* The PF with `vendor`:`device` and an SR-IOV capability; false if none. */
bool vf_sysfs_find_pf(struct vf_set *s, unsigned vendor, unsigned device);
/* Enable n VFs (0: disable), with kernel drivers kept off them; fills
 * s->vf from the PF's virtfnK links. NULL, or why it failed. */
const char *vf_sysfs_enable(struct vf_set *s, int n);
/* Bind every enabled VF to `driver` and wait until each is bound. */
const char *vf_sysfs_bind(const struct vf_set *s, const char *driver);

#endif
