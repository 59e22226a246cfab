"""tests/harness/test_iommu_topology.py: `--iommu vtd` on the QEMU command
line, without booting: QEMU's intel-iommu before the root ports, every
virtio function behind it (iommu_platform=on), the guest told iommu=vtd;
a topology that cannot work is a one-line error. Run by pytest."""

import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import iommu  # noqa: E402
import pytest  # noqa: E402
import topology  # noqa: E402
import vfprobe_core  # noqa: E402

VFPROBE = os.path.join(ROOT, "scripts", "vfprobe")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=vfprobe_core.BOOT_TIMEOUT_S)


def device_values(argv):
    return [argv[i + 1] for i, a in enumerate(argv) if a == "-device"]


def test_vtd_command_line():
    args = topology.device_args("virtio-net", 2, 3, iommu=iommu.VTD)
    devices = device_values(args)
    first_port = next(i for i, d in enumerate(devices) if d.startswith("pcie-root-port"))
    assert devices.index(iommu.VTD_DEVICE) < first_port, devices
    assert "intremap=off" in iommu.VTD_DEVICE and "aw-bits=48" in iommu.VTD_DEVICE
    virtio = [d for d in devices if d.startswith("virtio-net-pci")]
    assert len(virtio) == 2 * (3 + 1) and all(d.endswith(",iommu_platform=on") for d in virtio), virtio


def test_no_iommu_is_unchanged():
    plain = topology.device_args("virtio-net", 1, 3)
    assert plain == topology.device_args("virtio-net", 1, 3, iommu=iommu.NONE)
    assert not any("iommu" in a for a in plain), plain


def test_guest_told_iommu():
    words = vfprobe_core.guest_cmdline("iommu", 1, 3, "virtio-net", "short", iommu=iommu.VTD).split()
    assert "iommu=vtd" in words, words
    plain = vfprobe_core.guest_cmdline("iommu", 1, 3, "virtio-net", "short").split()
    assert not any(w.startswith("iommu=") for w in plain), plain


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "build", "test.efi")), reason="make has not run")
def test_print_cmd():
    r = run([VFPROBE, "--no-build", "--accel", "tcg", "--print-cmd", "--iommu", "vtd", "--vfs", "3"])
    assert r.returncode == 0, r.stderr
    argv = shlex.split(r.stdout)
    assert iommu.VTD_DEVICE in device_values(argv)
    assert "iommu=vtd" in argv[argv.index("-append") + 1].split()


@pytest.mark.parametrize("argv,want", [
    (["--iommu", "amd"], "unknown --iommu 'amd' (use one of: none, vtd)"),
    (["--iommu", "vtd", "--pf-model", "igb"], "--iommu vtd needs --pf-model virtio-net: igb has no virtio"),
    (["--iommu", "vtd", "--pf-model", "nvme"], "--iommu vtd needs --pf-model virtio-net: nvme has no virtio"),
    (["--iommu", "vtd", "--backend", "vhost-user"], "--iommu vtd needs --backend hub: vhost-user's datapath")],
    ids=["unknown iommu", "igb", "nvme", "vhost-user"])
def test_bad_iommu_topology(argv, want):
    r = run([VFPROBE, "--no-build", *argv])
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert (r.returncode, len(lines)) == (2, 1) and want in lines[0], r.stderr
