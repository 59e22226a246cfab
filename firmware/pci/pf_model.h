/* firmware/pci/pf_model.h: the SR-IOV PF models vfprobe knows, one table
 * (its host-side twin is MODELS in scripts/topology.py).
 *
 * A model says how to recognise the PF, which Device ID its VFs carry and
 * how its VFs come to exist: virtio-net's are separate QEMU devices the
 * user creates (`sriov-pf=`), igb and nvme create their own. */
#ifndef VFPROBE_PCI_PF_MODEL_H
#define VFPROBE_PCI_PF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci/pci.h"

enum pf_vf_creation {
	PF_VFS_USER_CREATED,   /* one -device per VF, joined to the PF by sriov-pf= */
	PF_VFS_DEVICE_CREATED, /* the PF device model instantiates its VFs */
};

struct pf_model {
	const char *name; /* the --pf-model name: "virtio-net", "igb", "nvme" */
	uint16_t vendor, device;
	uint32_t class_code;        /* base << 16 | sub << 8 | prog-if */
	bool match_by_class;        /* recognise by class code alone (any vendor) */
	uint16_t vf_device;         /* VF Device ID (PCIe 6.0 §9.3.3.11) */
	const char *vf_device_rule; /* where that VF Device ID is defined */
	enum pf_vf_creation vf_creation;
	uint16_t max_total_vfs; /* the largest TotalVFs a topology can give it */
};

extern const struct pf_model pf_models[];
extern const size_t pf_model_count;

/* The model of a PF from its IDs, NULL when vfprobe does not know it. */
const struct pf_model *pf_model_of(const struct pci_func *pf);
const struct pf_model *pf_model_by_name(const char *name);
/* The nth (0-based) SR-IOV PF of `model` after pci_init(), NULL if none. */
struct pci_func *pf_model_pf(const struct pf_model *model, size_t nth);

#endif
