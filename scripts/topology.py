"""QEMU command lines for vfprobe's topologies (../shared/DESIGN.md).

A topology is a PF model, a number of PFs, each on its own pcie-root-port,
the VFs of each PF, and the backend of their netdevs (scripts/backends.py).
The virtio-net PF takes user-created VFs (`sriov-pf=`), listed before their
PF at function numbers above it; igb and nvme create their own VFs.
"""

from dataclasses import dataclass

import backends
import iommu as iommus

MAX_DEVFN = 255          # one bus: 8-bit device/function with ARI
MAX_PFS = 16             # each PF takes a root port on pcie.0
VF_USER_CREATED, VF_DEVICE_CREATED = "user", "device"


@dataclass(frozen=True)
class PfModel:
    name: str              # the --pf-model value
    vendor: int
    device: int
    vf_device: int         # the VF Device ID in the PF's SR-IOV capability
    class_code: int        # base << 16 | sub << 8 | prog-if
    vf_creation: str       # VF_USER_CREATED (one -device per VF, sriov-pf=) or VF_DEVICE_CREATED
    min_total_vfs: int     # the TotalVFs a topology can give it: min..max
    max_total_vfs: int
    limit: str             # where max_total_vfs comes from
    default_vfs: int
    default_suites: str


# The PF models vfprobe knows. The guest's twin is pf_models[] in
# firmware/pci/pf_model.c: the IDs and limits must stay the same
# (tests/harness/test_topology.py compares them).
MODELS = {m.name: m for m in (
    PfModel("virtio-net", vendor=0x1af4, device=0x1041, vf_device=0x1041, class_code=0x020000,
            vf_creation=VF_USER_CREATED, min_total_vfs=1, max_total_vfs=MAX_DEVFN,
            limit=f"with the PF at function 0 and stride 1, VFs take functions 1..{MAX_DEVFN} with ARI",
            default_vfs=3, default_suites="sriov,virtio"),
    PfModel("igb", vendor=0x8086, device=0x10c9, vf_device=0x10ca, class_code=0x020000,
            vf_creation=VF_DEVICE_CREATED, min_total_vfs=8, max_total_vfs=8,
            limit="QEMU hw/net/igb.c IGB_MAX_VF_FUNCTIONS", default_vfs=8, default_suites="sriov"),
    PfModel("nvme", vendor=0x1b36, device=0x0010, vf_device=0x0010, class_code=0x010802,
            vf_creation=VF_DEVICE_CREATED, min_total_vfs=1, max_total_vfs=255,
            limit="QEMU hw/nvme/nvme.h: NVME_MAX_CONTROLLERS 256 counts the PF",
            default_vfs=3, default_suites="sriov"),
)}


class TopologyError(ValueError):
    pass


def model(name):
    if name not in MODELS:
        raise TopologyError(f"unknown --pf-model '{name}' (use one of: {', '.join(MODELS)})")
    return MODELS[name]


def backend(spec):
    """A backends.Backend from its --backend value (or the instance itself)."""
    if isinstance(spec, backends.Backend):
        return spec
    try:
        return backends.make(spec)
    except backends.BackendError as e:
        raise TopologyError(str(e))


def validate(model_name, pfs, vfs, backend_name=backends.DEFAULT, iommu=iommus.NONE):
    m = model(model_name)
    be = backend(backend_name)
    try:
        iommus.validate(iommu, m.name, be.name)
    except iommus.IommuError as e:
        raise TopologyError(str(e))
    if pfs < 1:
        raise TopologyError("--pfs must be at least 1: a topology without a PF has nothing to test")
    if pfs > MAX_PFS:
        raise TopologyError(f"--pfs at most {MAX_PFS} (each PF takes a root port on pcie.0)")
    if vfs < 1:
        raise TopologyError("--vfs must be at least 1")
    if m.min_total_vfs == m.max_total_vfs and vfs != m.max_total_vfs:
        raise TopologyError(f"{m.name} has a fixed TotalVFs of {m.max_total_vfs} ({m.limit}): "
                            f"use --vfs {m.max_total_vfs}")
    if vfs > m.max_total_vfs:
        raise TopologyError(f"--vfs {vfs} does not fit: {m.name} takes at most {m.max_total_vfs} VFs ({m.limit})")
    try:
        be.validate(m.name, pfs, vfs)
    except backends.BackendError as e:
        raise TopologyError(str(e))


def mac(pf, vf):
    """Locally administered MAC: 52:54:00:5f:<pf>:<vf>, vf 0 is the PF."""
    return f"52:54:00:5f:{pf:02x}:{vf:02x}"


def netdev_id(pf, vf):
    """The -netdev id of VF `vf` of PF `pf` (vf 0: the PF's own)."""
    return f"pf{pf}vf{vf}" if vf else f"pf{pf}net"


def devfn_addr(devfn):
    return f"0x{devfn >> 3:x}.0x{devfn & 7:x}"


def _virtio_net_pf(p, rp, vfs, be, packed=False, iommu=iommus.NONE):
    args = []
    # packed=on: the function offers VIRTIO_F_RING_PACKED (QEMU's
    # virtio-pci property); the guest's ring= says whether it takes it.
    ring = (",packed=on" if packed else "") + iommus.virtio_props(iommu)
    # VFs first, at functions 1..vfs above the PF (stride 1).
    for v in range(vfs, 0, -1):
        nd = netdev_id(p, v)
        args += be.netdev_args(p, v, nd)
        args += ["-device", f"virtio-net-pci,bus={rp},addr={devfn_addr(v)},netdev={nd},"
                            f"sriov-pf=pf{p},disable-legacy=on,romfile=,mac={mac(p, v)}{ring}{be.device_props(p, v)}"]
    nd = netdev_id(p, 0)
    return args + be.netdev_args(p, 0, nd) + [
        "-device", f"virtio-net-pci,bus={rp},addr=0x0.0x0,netdev={nd},id=pf{p},"
                   f"disable-legacy=on,romfile=,mac={mac(p, 0)}{ring}"]


def _igb_pf(p, rp, vfs, be, packed=False, iommu=iommus.NONE):
    nd = netdev_id(p, 0)
    return be.netdev_args(p, 0, nd) + ["-device", f"igb,bus={rp},netdev={nd},romfile=,mac={mac(p, 0)}"]


def _nvme_pf(p, rp, vfs, be, packed=False, iommu=iommus.NONE):
    return ["-device", f"nvme-subsys,id=subsys{p},nqn=vfprobe{p}",
            "-device", f"nvme,bus={rp},serial=vfprobe{p},subsys=subsys{p},"
                       f"sriov_max_vfs={vfs},sriov_vq_flexible={2 * vfs},"
                       f"sriov_vi_flexible={vfs},max_ioqpairs={2 * vfs + 2},"
                       f"msix_qsize={vfs + 1}"]


_PF_DEVICES = {"virtio-net": _virtio_net_pf, "igb": _igb_pf, "nvme": _nvme_pf}


def device_args(model_name, pfs, vfs, backend_name=backends.DEFAULT, packed=False, iommu=iommus.NONE):
    """The -netdev/-device arguments for the topology (packed: every
    virtio function offers packed virtqueues; iommu: scripts/iommu.py)."""
    pf_devices = _PF_DEVICES[model(model_name).name]
    be = backend(backend_name)
    be.vfs = vfs
    args = be.machine_args(memory_mb(model_name, pfs, vfs)) + iommus.machine_args(iommu)
    for p in range(pfs):
        rp = f"rp{p}"
        args += ["-device", f"pcie-root-port,id={rp},chassis={p + 1},bus=pcie.0"]
        args += pf_devices(p, rp, vfs, be, packed, iommu)
    return args


def memory_mb(model_name, pfs, vfs):
    """Enough RAM for the firmware's pools plus OVMF's own needs."""
    return 512 if pfs * vfs <= 64 else 1024
