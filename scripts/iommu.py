"""The emulated IOMMU of a topology (--iommu): QEMU's intel-iommu (VT-d).

`vtd` puts `-device intel-iommu` on the machine before the root ports (the
IOMMU must exist before the devices it translates) and `iommu_platform=on`
on every virtio function, whose DMA then goes through it; such a function
offers VIRTIO_F_ACCESS_PLATFORM and refuses FEATURES_OK without it. The
guest is told `iommu=vtd` and programs the remapping hardware itself.
"""

NONE, VTD = "none", "vtd"
IOMMUS = (NONE, VTD)

# intremap=off: vfprobe polls, so no interrupt remapping (which would need
# kernel-irqchip=split under KVM); aw-bits=48: 4-level second-level tables
# (VT-d 4.1 §3.6, SAGAW in the capability register, §11.4.2).
VTD_DEVICE = "intel-iommu,intremap=off,aw-bits=48"
VIRTIO_PROPS = ",iommu_platform=on"


class IommuError(ValueError):
    pass


def validate(iommu, model_name, backend_name):
    if iommu not in IOMMUS:
        raise IommuError(f"unknown --iommu '{iommu}' (use one of: {', '.join(IOMMUS)})")
    if iommu == NONE:
        return
    if model_name != "virtio-net":
        raise IommuError(f"--iommu {iommu} needs --pf-model virtio-net: {model_name} has no virtio "
                         "functions to put behind it")
    if backend_name != "hub":
        raise IommuError(f"--iommu {iommu} needs --backend hub: {backend_name}'s datapath is outside QEMU "
                         "and would need the device IOTLB, which vfprobe does not drive")


def machine_args(iommu):
    """The arguments that go before the root ports."""
    return ["-device", VTD_DEVICE] if iommu == VTD else []


def virtio_props(iommu):
    """What every virtio function's -device gets."""
    return VIRTIO_PROPS if iommu == VTD else ""
