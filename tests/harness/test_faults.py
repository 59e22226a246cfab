#!/usr/bin/python3
"""tests/harness/test_faults.py: the suites fail on a broken device.

Boots the suites on the fault-injection twin of our QEMU build
(scripts/qemu-faults.patch; scripts/deps prints it as QEMU_FAULTS), one
fault at a time through VFPROBE_FAULT, and asserts that the run fails and
that the check naming the broken rule is among the failures. With no fault
the same binary must pass, so a failure is the fault's doing. Prints TAP and
`# N passed, N failed, N skipped`."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import vfprobe_core  # noqa: E402
from taplite import Tap  # noqa: E402

# fault, suites, text of the failing check(s) that name the broken rule, how many at least
FAULTS = [
    ("stride", "sriov", "all enabled VFs answer at Offset/Stride", 1),
    ("sriov_on_vf", "virtio", "VIRTIO_F_SR_IOV (bit 37) not offered by a VF", 3),
    ("reset_status", "virtio", "device_status reads 0 within 100 ms of writing 0", 1),
    ("rx_corrupt", "net", "frames received intact", 1),
]


def boot(qemu, fault, suites):
    os.environ["VFPROBE_FAULT"] = fault
    try:
        return vfprobe_core.run(["--no-build", "--quiet", "--qemu", qemu, "--suite", suites, "--vfs", "3",
                                 "--mode", "short", "--name", f"fault-{fault}"], summary=False)
    finally:
        del os.environ["VFPROBE_FAULT"]


def main():
    tap = Tap("faults")
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    qemu = deps.get("QEMU_FAULTS")
    if not qemu:
        print(f"ok 1 - faults: the suites fail on a broken device # SKIP no fault-injection QEMU "
              f"(QEMU={deps['QEMU']} is not our cached build)")
        print("1..1\n# 0 passed, 0 failed, 1 skipped")
        return
    code, res = boot(qemu, "none", "sriov,virtio,net")
    tap.check(code == 0 and res["verdict"] == "pass", "no fault: the twin passes sriov,virtio,net",
              (code, res["verdict"], res["counts"]), "pass")
    for fault, suites, text, at_least in FAULTS:
        code, res = boot(qemu, fault, suites)
        failing = [p["name"] for p in res["tests"] if not p["ok"] and p["directive"] != "TODO"]
        named = [n for n in failing if text in n]
        tap.check(code == 1 and res["verdict"] == "fail", f"fault {fault}: suite {suites} fails (not hangs)",
                  (code, res["verdict"], res["reason"]), "exit 1, verdict fail")
        tap.check(len(named) >= at_least, f"fault {fault}: the check '{text}' fails",
                  f"{len(named)} of {len(failing)} failing points: {failing[:3]}", f">= {at_least}")
    tap.done()


main()
