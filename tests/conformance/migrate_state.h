/* tests/conformance/migrate_state.h: what suite `migrate` reads before a
 * migration and must read again after it: the PF's SR-IOV capability and
 * capability chains, the config header of the PF and of every VF, and
 * every virtio-pci common configuration register of each function with
 * its split rings' avail and used indexes. One check per register group
 * compares a snapshot with a later one. */
#ifndef VFPROBE_TESTS_MIGRATE_STATE_H
#define VFPROBE_TESTS_MIGRATE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "virtio/vpci.h"

#define MIG_MAX_VFS   16
#define MIG_HEADER_DW 16 /* the type 0 header, PCIe 6.0 §7.5.1 */
#define MIG_CHAIN_MAX 24
#define MIG_TEXT_MAX  160

struct mig_queue {
	uint16_t size, enable, msix, notify_off;
	uint64_t desc, driver, device;
	uint16_t avail_idx, used_idx; /* split rings: virtio v1.3 §2.7.6, §2.7.8 */
};

struct mig_virtio {
	bool read; /* false: the function had no open device */
	uint8_t status;
	uint64_t device_features, driver_features;
	uint16_t num_queues, config_msix;
	struct mig_queue q[VPCI_MAX_QUEUES];
};

struct mig_fn {
	pci_rid rid;
	bool answers;
	uint32_t header[MIG_HEADER_DW];
	struct mig_virtio v;
};

struct mig_snapshot {
	uint16_t sriov_cap;                   /* its offset */
	uint32_t sriov[PCI_SRIOV_SIZEOF / 4]; /* the capability, PCIe 6.0 §9.3.3 */
	uint16_t chain[MIG_CHAIN_MAX];        /* offset of each capability, standard then extended */
	uint16_t chain_ids[MIG_CHAIN_MAX];
	size_t chain_len;
	size_t nvf; /* VFs read: TotalVFs (to see that none appears) */
	struct mig_fn pf, vf[MIG_MAX_VFS];
};

/* Read everything of pf and its VFs; vp[i] is function i's open device
 * (0 the PF, i the VF i-1) or NULL. */
void mig_snapshot_take(struct mig_snapshot *s, const struct pci_func *pf, struct virtio_pci_dev *const *vp,
                       size_t nvp);
/* One TAP point per register group: after must read what before read.
 * vf_known: the known deviation (deviation_known) the VFs' own groups are
 * reported under, or NULL. */
void mig_snapshot_compare(const struct mig_snapshot *before, const struct mig_snapshot *after,
                          const char *vf_known);
/* Do two snapshots read the same everywhere? */
bool mig_snapshot_same(const struct mig_snapshot *a, const struct mig_snapshot *b);
/* How many of the VF routing IDs answer config reads (sriov_rid_answers). */
size_t mig_vfs_answering(const struct mig_snapshot *s);

#endif
