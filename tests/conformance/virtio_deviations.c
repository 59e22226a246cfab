/* tests/conformance/virtio_deviations.c: QEMU 10.2.2's known deviations
 * seen by the virtio and net suites, for the shared table (deviations.h). */
#include "deviations.h"
#include "net_ring.h"
#include "virtio_env.h"

static const struct deviation virtio_deviations[] = {
    {
        .id = "virtio-features-ok-unoffered",
        .rule = "virtio v1.3 §2.2.2 Device Requirements: Feature Bits: accept a valid subset of the offered "
                "features, otherwise fail to set FEATURES_OK",
        .evidence =
            "device_status keeps FEATURES_OK after the driver wrote a feature bit the device did not offer",
        .source =
            "hw/virtio/virtio.c:3129-3130 (virtio_set_features_nocheck masks the unoffered bits and "
            "returns -1) and hw/virtio/virtio-pci.c:1663 (the driver_feature write ignores that result)",
        .models = "virtio-net",
    },
    {
        .id = "net-queue-reorder-on-rx-overrun",
        .rule = "IEEE 802.1Q-2018 §8.6.6 Queuing frames: the order of frames from one source to one "
                "destination is preserved",
        .evidence = "when a receiver's RX ring runs dry, later frames of a sender arrive before earlier ones "
                    "(timing-dependent)",
        .source = "net/queue.c:205-216 (qemu_net_queue_send delivers the new frame, line 210, before "
                  "flushing the older queued ones, line 216; the RX kick that would flush them earlier is "
                  "suppressed by NO_NOTIFY, hw/net/virtio-net.c:1673)",
        .models = "virtio-net",
        .intermittent = true,
    },
    {
        .id = "event-idx-unconditional-notify",
        .rule = "virtio v1.3 §2.7.7.2 Device Requirements: Used Buffer Notification Suppression (and the "
                "packed driver event, §2.8.10): with EVENT_IDX, notify when used_event is reached, otherwise "
                "SHOULD NOT",
        .evidence = "ISR queue bit set after traffic although used_event (split) / the driver event "
                    "(packed) lies a whole ring behind the device's used index",
        .source = "hw/virtio/virtio.c:2609 and 2651 (`return !v || ...`: the first check after a reset, "
                  "line 2323, and on packed rings after every used wrap, line 1112, notifies whatever the "
                  "event says)",
        .models = "virtio-net",
    },
    {
        .id = "packed-tx-stale-event",
        .rule = R_EVENT_IDLE,
        .evidence =
            "after the receivers pushed back, the idle TX queue's off_wrap names a descriptor the "
            "device already used (e.g. 0x8018 with the next entry at 26 of that lap): the next frame is "
            "never noticed",
        .source = "hw/net/virtio-net.c:2696-2697 (virtio_net_tx_complete enables notification, then flushes "
                  "and leaves it enabled when it stops short of tx_burst) + hw/virtio/virtio.c:569 (packed: "
                  "off_wrap = shadow_avail_idx, the next descriptor to pop; split, line 540: the avail idx)",
        .models = "virtio-net",
        .intermittent = true,
    },
};

void virtio_deviations_register(void)
{
	deviations_register(virtio_deviations, DEVIATION_COUNT(virtio_deviations));
}
