#!/usr/bin/env python3
"""tests/harness/test_harness.py: the harness must be able to fail.

Boots the selftest suites, each on its own, and asserts the verdict the
harness gives; feeds scripts/vfprobe bad input and asserts a one-line error
with exit status 2; boots the image by hand the way README.md shows.
Prints TAP and `# N passed, N failed, N skipped`."""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import vfprobe_core  # noqa: E402
from taplite import Tap  # noqa: E402

tap = Tap("harness")
check = tap.check
HANG_TIMEOUT_S = 20  # --timeout of the hanging selftest
KILL_SLACK_S = 10    # how long after its timeout the hang may take to be killed


def boot(suite, *extra):
    argv = ["--suite", suite, "--no-build", "--quiet", "--name", f"harness-{suite}", *extra]
    t0 = time.monotonic()
    code, res = vfprobe_core.run(argv, summary=False)
    return code, res, time.monotonic() - t0


def point(res, i):
    return res["tests"][i] if len(res["tests"]) > i else {}


def selftests():
    code, res, _ = boot("selftest-fail")
    check(code == 1 and res["verdict"] == "fail", "selftest-fail: run verdict is fail, exit 1",
          (code, res["verdict"]), (1, "fail"))
    c = res["counts"]
    check((c["passed"], c["failed"]) == (1, 1), "selftest-fail: counted 1 passed, 1 failed",
          (c["passed"], c["failed"]), (1, 1))
    y = point(res, 1).get("yaml", {})
    check(not point(res, 1).get("ok", True) and y.get("got") == "0x1" and y.get("want") == "0x2"
          and "rule" in y, "selftest-fail: not ok point carries rule, got, want", y, "rule, got 0x1, want 0x2")

    code, res, _ = boot("selftest-skip")
    c = res["counts"]
    check(code == 0 and res["verdict"] == "pass" and (c["passed"], c["skipped"]) == (1, 1),
          "selftest-skip: verdict pass with 1 passed, 1 skipped", (code, res["verdict"], c), "0 pass 1/1")
    check(point(res, 1).get("directive") == "SKIP", "selftest-skip: point 2 carries # SKIP",
          point(res, 1), "SKIP")

    code, res, _ = boot("selftest-todo")
    c = res["counts"]
    check(code == 0 and c["todo"] == 1 and c["failed"] == 0,
          "selftest-todo: a failing TODO point is visible but does not fail the run", (code, c), "todo 1")

    code, res, wall = boot("selftest-exception")
    check(code == 1 and res["verdict"] == "crash", "selftest-exception: verdict crash, exit 1",
          (code, res["verdict"]), (1, "crash"))
    check("CPU exception 6" in res["reason"] and "selftest-exception: invalid opcode" in res["reason"],
          "selftest-exception: report names vector, RIP and test", res["reason"], "vector 6 and the test name")
    check(res["counts"]["failed"] >= 1, "selftest-exception: a crash counts as a failure", res["counts"], ">=1")

    code, res, _ = boot("selftest-triple-fault")
    check(code == 1 and res["verdict"] == "crash", "selftest-triple-fault: a reset without verdict is a crash",
          (code, res["verdict"], res["reason"]), (1, "crash"))

    code, res, wall = boot("selftest-hang", "--timeout", str(HANG_TIMEOUT_S))
    check(code == 1 and res["verdict"] == "timeout", "selftest-hang: a silent guest is a timeout, exit 1",
          (code, res["verdict"]), (1, "timeout"))
    check(wall < HANG_TIMEOUT_S + KILL_SLACK_S, "selftest-hang: killed at the timeout", f"{wall:.1f} s",
          f"< {HANG_TIMEOUT_S + KILL_SLACK_S} s")

    code, res, _ = boot("boot", "--", "-append", "suite=boot bogus=1")
    check(code == 1 and res["verdict"] == "bail" and "unknown option 'bogus'" in res["reason"],
          "guest bails out on an unknown load option", (code, res["verdict"], res["reason"]), "bail")

    code, res, _ = boot("boot", "--", "-append", "suite=boot backend=hub peers=nosuch")
    check(code == 1 and res["verdict"] == "bail" and "peers is all, pairs, host or" in res["reason"],
          "guest bails out on an unknown peers value", (code, res["verdict"], res["reason"]), "bail")


def peers_checked():
    """The net suite trusts what it is told about the switch and checks
    the wire against it: a hub (every port hears every frame) announced as
    point-to-point links must fail, naming the frames that leaked."""
    cmdline = "suite=net pfs=1 vfs=3 model=virtio-net mode=short backend=hub peers=pairs"
    code, res, _ = boot("net", "--vfs", "3", "--mode", "short", "--", "-append", cmdline)
    leaks = [p for p in res["tests"] if not p["ok"] and "leaked" in p.get("yaml", {}).get("got", "")]
    check(code == 1 and res["verdict"] == "fail" and len(leaks) >= 4,
          "net on a hub announced as peers=pairs: every receiver fails with leaked frames",
          (code, res["verdict"], len(leaks)), (1, "fail", ">= 4"))


def bad_input():
    vf = os.path.join(ROOT, "scripts", "vfprobe")
    cases = [
        (["--frobnicate"], "unrecognized arguments"),
        (["--pfs", "0"], "at least 1"),
        (["--vfs", "300"], "at most 255"),
        (["--pf-model", "e1000"], "unknown --pf-model"),
        (["--backend", "nosuch"], "unknown --backend 'nosuch' (use one of: hub, vhost-user, vdpa"),
        (["--pf-model", "igb", "--vfs", "3"], "fixed TotalVFs"),
        (["--accel", "xen"], "--accel"),
        (["--suite", "boot,nosuch"], "unknown suite"),
        (["--qemu", "/nonexistent/qemu"], "not an executable"),
        (["--qemu", "/bin/true"], "sriov-pf"),
    ]
    for argv, want in cases:
        r = subprocess.run([vf, "--no-build", "--suite", "boot", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=vfprobe_core.BOOT_TIMEOUT_S)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              f"vfprobe {' '.join(argv)}: one-line error, exit 2", (r.returncode, r.stderr.strip()),
              f"2, '{want}'")


def by_hand():
    """README's hand-run line, nothing of ours in between."""
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    cmd = [deps["QEMU"], "-machine", "q35", "-bios", deps["OVMF"], "-kernel",
           os.path.join(ROOT, "build", "test.efi"), "-device", vfprobe_core.DEBUG_EXIT_DEVICE,
           "-serial", "stdio", "-display", "none"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=vfprobe_core.BOOT_TIMEOUT_S,
                       stdin=subprocess.DEVNULL)
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 1 and "TAP version 13" in out and "\n1.." in out,
          "hand-run QEMU line prints TAP and exits 1 (the guest's pass)",
          (r.returncode, r.stderr.decode()[-200:]), "1 with TAP")


selftests()
peers_checked()
bad_input()
by_hand()
tap.done()
