/* tests/conformance/link_deviations.c: QEMU 10.2.2's known deviations seen
 * by the link suite, for the shared table (deviations.h). */
#include "link_deviations.h"

#include "deviations.h"

static const struct deviation link_deviations[] = {
    {
        .id = "config-change-isr-queue-bit",
        .rule =
            "virtio v1.3 §4.1.5.3 Device Configuration Change Notification: with MSI-X disabled, set the "
            "second lower bit of the ISR (Device Configuration Interrupt); the lower bit (Queue Interrupt, "
            "§4.1.5.4) sends the driver through every virtqueue",
        .evidence = "after a link change and nothing else, the ISR reads 0x3: the Queue Interrupt bit is set "
                    "with the Device Configuration Interrupt bit",
        .source =
            "hw/virtio/virtio.c:2724 (virtio_notify_config: virtio_set_isr(vdev, 0x3)); INTx follows bit 0 "
            "only, hw/virtio/virtio-pci.c:83 (pci_set_irq(..., isr & 1))",
        .models = "virtio-net",
    },
};

void link_deviations_register(void)
{
	deviations_register(link_deviations, DEVIATION_COUNT(link_deviations));
}
