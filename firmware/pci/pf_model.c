/* firmware/pci/pf_model.c: the table of pf_model.h and its lookups (pure:
 * also built for the host unit tests and the Linux baseline). */
#include "pci/pf_model.h"

#include <string.h>

#include "virtio/spec_pci.h"

const struct pf_model pf_models[] = {
    {
        .name = "virtio-net",
        .vendor = VIRTIO_PCI_VENDOR_ID,
        .device = VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET,
        .class_code = 0x020000,
        .vf_device = VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET,
        .vf_device_rule = "virtio v1.3 §4.1.2.1: network device, Device ID 0x1040 + 1",
        .vf_creation = PF_VFS_USER_CREATED,
        .max_total_vfs = 255, /* functions 1..255 of the PF's bus with ARI */
    },
    {
        .name = "igb",
        .vendor = 0x8086,
        .device = 0x10c9,
        .class_code = 0x020000,
        .vf_device = 0x10ca,
        .vf_device_rule = "82576 datasheet: the VF's Device ID is 0x10CA",
        .vf_creation = PF_VFS_DEVICE_CREATED,
        .max_total_vfs = 8, /* QEMU hw/net/igb.c IGB_MAX_VF_FUNCTIONS */
    },
    {
        .name = "nvme",
        .vendor = 0x1b36,
        .device = 0x0010,
        .class_code = 0x010802,
        .match_by_class = true,
        .vf_device = 0x0010,
        .vf_device_rule = "QEMU nvme: VFs carry the PF's Device ID",
        .vf_creation = PF_VFS_DEVICE_CREATED,
        .max_total_vfs = 255, /* QEMU hw/nvme/nvme.h NVME_MAX_CONTROLLERS - 1 */
    },
};
const size_t pf_model_count = sizeof(pf_models) / sizeof(pf_models[0]);

const struct pf_model *pf_model_of(const struct pci_func *pf)
{
	for (size_t i = 0; i < pf_model_count; i++) {
		const struct pf_model *m = &pf_models[i];
		if (m->match_by_class ? pf->class_code == m->class_code
		                      : pf->vendor == m->vendor && pf->device == m->device)
			return m;
	}
	return NULL;
}

const struct pf_model *pf_model_by_name(const char *name)
{
	for (size_t i = 0; name && i < pf_model_count; i++)
		if (strcmp(pf_models[i].name, name) == 0)
			return &pf_models[i];
	return NULL;
}
