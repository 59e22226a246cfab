/* tests/conformance/iommu_deviations.c: QEMU 10.2.2's known deviations seen
 * by the iommu suite, for the shared table (deviations.h). */
#include "iommu_deviations.h"

#include "deviations.h"

/* Both come from one path: a translation without the permission gives the
 * device an unassigned region (system/physmem.c:448), which
 * address_space_map serves with a bounce buffer instead of failing
 * (3733-3764); address_space_unmap writes it back and ignores the failure
 * (3802). So virtqueue_map_desc's error path (dma_memory_map NULL ->
 * virtio_error, which sets NEEDS_RESET, hw/virtio/virtio.c:1614-1620) is
 * never taken, and virtio-net fills the used element with the frame's
 * length (hw/net/virtio-net.c:2036). */
#define BOUNCE_SOURCE                                                                                        \
	"system/physmem.c:448, 3733-3764, 3802; hw/virtio/virtio.c:1614-1620; hw/net/virtio-net.c:2036"

static const struct deviation iommu_deviations[] = {
    {
        .id = "iommu-blocked-dma-no-reset",
        .rule = "virtio v1.3 §2.1.2 Device Requirements: Device Status Field: a device in an error state "
                "sets DEVICE_NEEDS_RESET",
        .evidence = "a VF whose RX descriptors (or a TX descriptor) point outside its VT-d domain: the IOMMU "
                    "records the fault, the target is unchanged, and device_status stays 0x0f; the device "
                    "goes on taking buffers as if nothing happened",
        .source = BOUNCE_SOURCE,
        .models = "virtio-net",
    },
    {
        .id = "iommu-blocked-write-used-len",
        .rule = "virtio v1.3 §2.7.8.1 Device Requirements: The Virtqueue Used Ring: len is the number of "
                "bytes written into the buffer; none were",
        .evidence = "the same VF's used ring returns every blocked RX buffer with the frame's length "
                    "(e.g. 8 used elements of 1526 bytes) while not one byte of the buffer changed",
        .source = BOUNCE_SOURCE,
        .models = "virtio-net",
    },
    {
        .id = "iommu-blocked-read-sends-zeros",
        .rule = "VT-d 3.3 §7.1 + PCIe 6.0 §2.3.2: a blocked read completes without data; the device does "
                "not transmit a frame made of data it never got",
        .evidence = "a VF's TX buffer pointing into another VF's memory: the IOMMU records the read fault "
                    "and none of the target's bytes leave, but the device transmits a frame of the same "
                    "length made of zeros, which every other function receives",
        .source = "system/physmem.c:448, 3733-3764 (the bounce buffer is zeroed and the failed read of the "
                  "unassigned region is ignored); hw/net/virtio-net.c:2793 sends it as the frame",
        .models = "virtio-net",
    },
    {
        .id = "iommu-no-context-packed-no-reset",
        .rule = "virtio v1.3 §2.1.2 Device Requirements: Device Status Field: a device in an error state "
                "sets DEVICE_NEEDS_RESET",
        .evidence = "packed ring, the VF's context entry cleared: the IOMMU records reason 2 for its ring "
                    "reads, nothing is written, and device_status stays 0x0f (on a split ring the same "
                    "blocked reads end in DEVICE_NEEDS_RESET, 0x4f)",
        .source = "hw/virtio/virtio.c:752-755 (the blocked read of the descriptor flags reads 0: not "
                  "available, the queue looks empty, no error); a split ring's blocked avail index read "
                  "instead trips virtio_error at hw/virtio/virtio.c:1219",
        .models = "virtio-net",
    },
};

void iommu_deviations_register(void)
{
	deviations_register(iommu_deviations, DEVIATION_COUNT(iommu_deviations));
}
