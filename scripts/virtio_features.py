"""virtio feature bits by name, for the per-function feature lines the
guest prints (`# features: FUNCTION: offered=0x.. negotiated=0x..
exercised=0x..`, tests/conformance/net_ring.c) and the JSON results.

Bit numbers from virtio v1.3 §5.1.3 Feature bits (virtio-net) and §6
Reserved Feature Bits; the guest's names are in firmware/virtio/spec_*.h.
"""

import re

NAMES = {
    0: "VIRTIO_NET_F_CSUM", 1: "VIRTIO_NET_F_GUEST_CSUM", 2: "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS",
    3: "VIRTIO_NET_F_MTU", 5: "VIRTIO_NET_F_MAC", 7: "VIRTIO_NET_F_GUEST_TSO4",
    8: "VIRTIO_NET_F_GUEST_TSO6", 9: "VIRTIO_NET_F_GUEST_ECN", 10: "VIRTIO_NET_F_GUEST_UFO",
    11: "VIRTIO_NET_F_HOST_TSO4", 12: "VIRTIO_NET_F_HOST_TSO6", 13: "VIRTIO_NET_F_HOST_ECN",
    14: "VIRTIO_NET_F_HOST_UFO", 15: "VIRTIO_NET_F_MRG_RXBUF", 16: "VIRTIO_NET_F_STATUS",
    17: "VIRTIO_NET_F_CTRL_VQ", 18: "VIRTIO_NET_F_CTRL_RX", 19: "VIRTIO_NET_F_CTRL_VLAN",
    20: "VIRTIO_NET_F_CTRL_RX_EXTRA", 21: "VIRTIO_NET_F_GUEST_ANNOUNCE", 22: "VIRTIO_NET_F_MQ",
    23: "VIRTIO_NET_F_CTRL_MAC_ADDR", 24: "VIRTIO_F_NOTIFY_ON_EMPTY", 27: "VIRTIO_F_ANY_LAYOUT",
    28: "VIRTIO_F_INDIRECT_DESC", 29: "VIRTIO_F_EVENT_IDX", 30: "VIRTIO_F_BAD_FEATURE",
    32: "VIRTIO_F_VERSION_1", 33: "VIRTIO_F_ACCESS_PLATFORM", 34: "VIRTIO_F_RING_PACKED",
    35: "VIRTIO_F_IN_ORDER", 36: "VIRTIO_F_ORDER_PLATFORM", 37: "VIRTIO_F_SR_IOV",
    38: "VIRTIO_F_NOTIFICATION_DATA", 39: "VIRTIO_F_NOTIF_CONFIG_DATA", 40: "VIRTIO_F_RING_RESET",
    41: "VIRTIO_F_ADMIN_VQ", 52: "VIRTIO_NET_F_VQ_NOTF_COAL", 53: "VIRTIO_NET_F_NOTF_COAL",
    54: "VIRTIO_NET_F_GUEST_USO4", 55: "VIRTIO_NET_F_GUEST_USO6", 56: "VIRTIO_NET_F_HOST_USO",
    57: "VIRTIO_NET_F_HASH_REPORT", 59: "VIRTIO_NET_F_GUEST_HDRLEN", 60: "VIRTIO_NET_F_RSS_CONTEXT",
    61: "VIRTIO_NET_F_RSC_EXT", 62: "VIRTIO_NET_F_STANDBY", 63: "VIRTIO_NET_F_SPEED_DUPLEX",
}

LINE = re.compile(r"^features: (.+?): offered=(0x[0-9a-fA-F]+) negotiated=(0x[0-9a-fA-F]+) "
                  r"exercised=(0x[0-9a-fA-F]+)")


def names(mask):
    return [NAMES.get(b, f"bit{b}") for b in range(64) if mask >> b & 1]


def parse(diag):
    """A `features:` diagnostic (without '# ') as a dict, or None."""
    m = LINE.match(diag)
    if not m:
        return None
    return entry(m.group(1), *(int(m.group(i), 16) for i in (2, 3, 4)))


def merge(features):
    """One entry per function: several suites (net, ctrl) each print the
    features of their own opens; what any open negotiated or exercised
    counts, in the order the functions first appeared."""
    out = {}
    for f in features:
        masks = [int(f[k], 16) for k in ("offered_mask", "negotiated_mask", "exercised_mask")]
        if f["function"] in out:
            masks = [a | b for a, b in zip(masks, out[f["function"]])]
        out[f["function"]] = masks
    return [entry(name, *masks) for name, masks in out.items()]


def entry(function, off, neg, ex):
    """The dict of one function's masks, with their names."""
    return {"function": function, "offered_mask": hex(off), "negotiated_mask": hex(neg),
            "exercised_mask": hex(ex), "offered": names(off), "negotiated": names(neg),
            "exercised": names(ex), "offered_not_negotiated": names(off & ~neg),
            "negotiated_not_exercised": names(neg & ~ex)}


def table(features):
    """Lines: per function, what was offered, negotiated and exercised."""
    out = []
    for f in features:
        ring = f" ({f['ring']} rings)" if "ring" in f else ""
        out.append(f"features {f['function']}{ring}: offered {f['offered_mask']}, negotiated "
                   f"{f['negotiated_mask']}, exercised {f['exercised_mask']}")
        out.append(f"  exercised: {' '.join(f['exercised']) or '-'}")
        out.append(f"  negotiated, not exercised: {' '.join(f['negotiated_not_exercised']) or '-'}")
        out.append(f"  offered, not negotiated: {' '.join(f['offered_not_negotiated']) or '-'}")
    return out
