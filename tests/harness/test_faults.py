"""tests/harness/test_faults.py: the suites fail on a broken device.

Boots the suites on the fault-injection twin of our QEMU build
(scripts/qemu-faults.patch; scripts/deps prints it as QEMU_FAULTS), one
fault at a time through VFPROBE_FAULT, and asserts that the run fails and
that the check naming the broken rule is among the failures. With no fault
the same binary must pass, so a failure is the fault's doing. Run by pytest."""

import os

import pytest
import vfprobe_core

# fault, suites, text of the failing check(s) that name the broken rule, how many at least
FAULTS = [
    ("stride", "sriov", "all enabled VFs answer at Offset/Stride", 1),
    ("sriov_on_vf", "virtio", "VIRTIO_F_SR_IOV (bit 37) not offered by a VF", 3),
    ("reset_status", "virtio", "device_status reads 0 within 100 ms of writing 0", 1),
    ("rx_corrupt", "net", "frames received intact", 1),
]


@pytest.fixture(scope="module")
def qemu():
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    if not deps.get("QEMU_FAULTS"):
        pytest.skip(f"no fault-injection QEMU (QEMU={deps['QEMU']} is not our cached build)")
    return deps["QEMU_FAULTS"]


def boot(qemu, fault, suites):
    os.environ["VFPROBE_FAULT"] = fault
    try:
        return vfprobe_core.run(["--no-build", "--quiet", "--qemu", qemu, "--suite", suites, "--vfs", "3",
                                 "--mode", "short", "--name", f"fault-{fault}"], summary=False)
    finally:
        del os.environ["VFPROBE_FAULT"]


def test_no_fault_the_twin_passes(qemu):
    code, res = boot(qemu, "none", "sriov,virtio,net")
    assert (code, res["verdict"]) == (0, "pass"), res["counts"]


@pytest.mark.parametrize("fault,suites,text,at_least", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_caught(qemu, fault, suites, text, at_least):
    """The run fails (not hangs), and the check naming the broken rule fails."""
    code, res = boot(qemu, fault, suites)
    failing = [p["name"] for p in res["tests"] if not p["ok"] and p["directive"] != "TODO"]
    assert (code, res["verdict"]) == (1, "fail"), res["reason"]
    named = [n for n in failing if text in n]
    assert len(named) >= at_least, f"{len(named)} of {len(failing)} failing points: {failing[:3]}"
