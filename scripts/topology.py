"""QEMU command lines for vfprobe's topologies (../shared/DESIGN.md).

A topology is a PF model, a number of PFs, each on its own pcie-root-port,
and the VFs of each PF. The virtio-net PF takes user-created VFs
(`sriov-pf=`), listed before their PF at function numbers above it; igb and
nvme create their own VFs.
"""

MODELS = ("virtio-net", "igb", "nvme")
MAX_DEVFN = 255          # one bus: 8-bit device/function with ARI
IGB_TOTAL_VFS = 8        # QEMU hw/net/igb.c: IGB_MAX_VF_FUNCTIONS
IGB_VF_OFFSET, IGB_VF_STRIDE = 0x80, 2
NVME_MAX_VFS = 255       # QEMU hw/nvme/nvme.h NVME_MAX_CONTROLLERS 256 = PF + VFs; 256 is refused


class TopologyError(ValueError):
    pass


def default_vfs(model):
    return {"virtio-net": 3, "igb": IGB_TOTAL_VFS, "nvme": 3}[model]


def validate(model, pfs, vfs):
    if model not in MODELS:
        raise TopologyError(f"unknown --pf-model '{model}' (use one of: {', '.join(MODELS)})")
    if pfs < 1:
        raise TopologyError("--pfs must be at least 1: a topology without a PF has nothing to test")
    if pfs > 16:
        raise TopologyError("--pfs at most 16 (each PF takes a root port on pcie.0)")
    if vfs < 1:
        raise TopologyError("--vfs must be at least 1")
    if model == "virtio-net" and vfs > MAX_DEVFN:
        raise TopologyError(f"--vfs {vfs} does not fit: with the PF at function 0 and stride 1, "
                            f"VFs take functions 1..{MAX_DEVFN} (ARI), so at most {MAX_DEVFN}")
    if model == "igb" and vfs != IGB_TOTAL_VFS:
        raise TopologyError(f"igb has a fixed TotalVFs of {IGB_TOTAL_VFS}: use --vfs {IGB_TOTAL_VFS}")
    if model == "nvme" and vfs > NVME_MAX_VFS:
        raise TopologyError(f"nvme takes at most {NVME_MAX_VFS} VFs (sriov_max_vfs)")


def mac(pf, vf):
    """Locally administered MAC: 52:54:00:5f:<pf>:<vf>, vf 0 is the PF."""
    return f"52:54:00:5f:{pf:02x}:{vf:02x}"


def devfn_addr(devfn):
    return f"0x{devfn >> 3:x}.0x{devfn & 7:x}"


def device_args(model, pfs, vfs):
    """The -netdev/-device arguments for the topology."""
    args = []
    for p in range(pfs):
        rp = f"rp{p}"
        args += ["-device", f"pcie-root-port,id={rp},chassis={p + 1},bus=pcie.0"]
        if model == "virtio-net":
            # VFs first, at functions 1..vfs above the PF (stride 1).
            for v in range(vfs, 0, -1):
                nd = f"pf{p}vf{v}"
                args += ["-netdev", f"hubport,id={nd},hubid=0",
                         "-device", f"virtio-net-pci,bus={rp},addr={devfn_addr(v)},netdev={nd},"
                                    f"sriov-pf=pf{p},disable-legacy=on,romfile=,mac={mac(p, v)}"]
            nd = f"pf{p}net"
            args += ["-netdev", f"hubport,id={nd},hubid=0",
                     "-device", f"virtio-net-pci,bus={rp},addr=0x0.0x0,netdev={nd},id=pf{p},"
                                f"disable-legacy=on,romfile=,mac={mac(p, 0)}"]
        elif model == "igb":
            nd = f"pf{p}net"
            args += ["-netdev", f"hubport,id={nd},hubid=0",
                     "-device", f"igb,bus={rp},netdev={nd},romfile=,mac={mac(p, 0)}"]
        else:
            args += ["-device", f"nvme-subsys,id=subsys{p},nqn=vfprobe{p}",
                     "-device", f"nvme,bus={rp},serial=vfprobe{p},subsys=subsys{p},"
                                f"sriov_max_vfs={vfs},sriov_vq_flexible={2 * vfs},"
                                f"sriov_vi_flexible={vfs},max_ioqpairs={2 * vfs + 2},"
                                f"msix_qsize={vfs + 1}"]
    return args


def memory_mb(model, pfs, vfs):
    """Enough RAM for the firmware's pools plus OVMF's own needs."""
    return 512 if pfs * vfs <= 64 else 1024
