/* tests/conformance/migrate_deviations.c: QEMU 10.2.2's known deviations
 * seen by the migrate suite, for the shared table (deviations.h). */
#include "migrate_deviations.h"

#include "deviations.h"

static const struct deviation migrate_deviations[] = {
    {
        .id = MIGRATE_VF_RESET,
        .rule =
            "PCIe 6.0 §9.3.3.3.1 VF Enable with virtio v1.3 §4.1.4.3: a migration keeps each enabled VF's "
            "configuration header and virtio state; nothing resets a VF the guest did not reset",
        .evidence = "on the destination every enabled VF reads Command 0 (Memory Space and Bus Master were "
                    "set), device_status 0 (was 0x0f), features 0 and num_queues 0: the VF was reset, so its "
                    "frames in flight are lost and the driver must initialise it again",
        .source = "hw/pci/pci.c:895 (pci_post_load of the PF calls pcie_sriov_pf_post_load) -> "
                  "hw/pci/pcie_sriov.c:71-72 (consume_config: VF Enable set -> register_vfs) -> "
                  "hw/pci/pcie_sriov.c:47 (pci_set_enabled(vf, true)) -> hw/pci/pci.c:3326-3337 "
                  "(pci_device_reset of a VF that was disabled on the fresh destination, after its own "
                  "state was loaded: the VFs are created, and loaded, before their PF)",
        .models = "virtio-net",
    },
};

void migrate_deviations_register(void)
{
	deviations_register(migrate_deviations, DEVIATION_COUNT(migrate_deviations));
}
