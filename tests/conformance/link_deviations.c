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
    {
        .id = "packed-tx-drop-on-link-down",
        .rule = "virtio v1.3 §5.1.6.2 Packet Transmission with §2.8.10 Event Suppression Structure Format: "
                "the device hands back every TX buffer it drops while the link is down, and one that turns "
                "driver notifications off goes on taking the buffers made available",
        .evidence = "packed ring, frames sent with the link down: only the first comes back used; after the "
                    "link is up the TX queue's device event flags stay DISABLE (0x1), so the driver rings no "
                    "doorbell and nothing is sent; a doorbell rung anyway sets DEVICE_NEEDS_RESET (QEMU: "
                    "\"Virtqueue size exceeded\")",
        .source =
            "hw/virtio/virtio.c:2020-2070 (virtqueue_packed_drop_all turns notifications off, line 2038, "
            "and never back on; it never raises vq->inuse, so virtqueue_packed_flush's inuse -= ndescs, "
            "line 1107, wraps it, the loop of line 2040 stops after one buffer and the next pop fails, "
            "line 1885; the split version, line 2073, does neither), called on a TX kick with the link "
            "down by hw/net/virtio-net.c:2859",
        .models = "virtio-net",
    },
};

void link_deviations_register(void)
{
	deviations_register(link_deviations, DEVIATION_COUNT(link_deviations));
}
