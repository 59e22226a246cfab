"""tests/harness/test_harness.py: the harness must be able to fail.

Boots the selftest suites, each on its own, and asserts the verdict the
harness gives; feeds scripts/vfprobe bad input and asserts a one-line error
with exit status 2; boots the image by hand the way README.md shows.
Run by pytest."""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import pytest  # noqa: E402
import vfprobe_core  # noqa: E402

HANG_TIMEOUT_S = 20  # --timeout of the hanging selftest
KILL_SLACK_S = 10    # how long after its timeout the hang may take to be killed


def boot(suite, *extra):
    argv = ["--suite", suite, "--no-build", "--quiet", "--name", f"harness-{suite}", *extra]
    t0 = time.monotonic()
    code, res = vfprobe_core.run(argv, summary=False)
    return code, res, time.monotonic() - t0


def point(res, i):
    return res["tests"][i] if len(res["tests"]) > i else {}


def test_selftest_fail():
    code, res, _ = boot("selftest-fail")
    assert (code, res["verdict"]) == (1, "fail")
    c = res["counts"]
    assert (c["passed"], c["failed"]) == (1, 1)
    y = point(res, 1).get("yaml", {})
    assert not point(res, 1).get("ok", True), "the not ok point"
    assert y.get("got") == "0x1" and y.get("want") == "0x2" and "rule" in y, "it carries rule, got, want"


def test_selftest_skip():
    code, res, _ = boot("selftest-skip")
    c = res["counts"]
    assert (code, res["verdict"], c["passed"], c["skipped"]) == (0, "pass", 1, 1)
    assert point(res, 1).get("directive") == "SKIP"


def test_selftest_todo():
    """A failing TODO point is visible but does not fail the run."""
    code, res, _ = boot("selftest-todo")
    assert (code, res["counts"]["todo"], res["counts"]["failed"]) == (0, 1, 0)


def test_selftest_exception():
    code, res, _ = boot("selftest-exception")
    assert (code, res["verdict"]) == (1, "crash")
    assert "CPU exception 6" in res["reason"] and "selftest-exception: invalid opcode" in res["reason"], \
        "the report names vector, RIP and test"
    assert res["counts"]["failed"] >= 1, "a crash counts as a failure"


def test_selftest_triple_fault():
    """A reset without verdict is a crash."""
    code, res, _ = boot("selftest-triple-fault")
    assert (code, res["verdict"]) == (1, "crash"), res["reason"]


def test_selftest_hang():
    """A silent guest is a timeout, killed at the timeout."""
    code, res, wall = boot("selftest-hang", "--timeout", str(HANG_TIMEOUT_S))
    assert (code, res["verdict"]) == (1, "timeout")
    assert wall < HANG_TIMEOUT_S + KILL_SLACK_S


@pytest.mark.parametrize("append,why", [("suite=boot bogus=1", "unknown option 'bogus'"),
                                        ("suite=boot backend=hub peers=nosuch", "peers is all, pairs, host or"),
                                        ("suite=boot validate=off", "option 'validate' belongs to a suite"),
                                        ("suite=bench tx=sideways", "tx is direct or indirect")],
                         ids=["unknown option", "unknown peers", "bench's option without bench", "bad bench option"])
def test_guest_bails_out(append, why):
    code, res, _ = boot("boot", "--", "-append", append)
    assert (code, res["verdict"]) == (1, "bail") and why in res["reason"], res["reason"]


def test_peers_checked():
    """The net suite trusts what it is told about the switch and checks
    the wire against it: a hub (every port hears every frame) announced as
    point-to-point links must fail, naming the frames that leaked."""
    cmdline = "suite=net pfs=1 vfs=3 model=virtio-net mode=short backend=hub peers=pairs"
    code, res, _ = boot("net", "--vfs", "3", "--mode", "short", "--", "-append", cmdline)
    leaks = [p for p in res["tests"] if not p["ok"] and "leaked" in p.get("yaml", {}).get("got", "")]
    assert (code, res["verdict"]) == (1, "fail") and len(leaks) >= 4, "every receiver fails with leaked frames"


BAD_INPUT = [
    (["--frobnicate"], "unrecognized arguments"),
    (["--pfs", "0"], "at least 1"),
    (["--vfs", "300"], "at most 255"),
    (["--pf-model", "e1000"], "unknown --pf-model"),
    (["--backend", "nosuch"], "unknown --backend 'nosuch' (use one of: hub, vhost-user, vdpa"),
    (["--pf-model", "igb", "--vfs", "3"], "fixed TotalVFs"),
    (["--accel", "xen"], "--accel"),
    (["--suite", "boot,nosuch"], "unknown suite"),
    (["--no-validate"], "--no-validate is for --suite bench alone"),
    (["--qemu", "/nonexistent/qemu"], "not an executable"),
    (["--qemu", "/bin/true"], "sriov-pf"),
    (["--compare", "/nonexistent/qemu"], "--compare"),
    (["--compare", "/nonexistent/a", "/nonexistent/b"], "not an executable"),
]


@pytest.mark.parametrize("argv,want", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input(argv, want):
    """A one-line error, exit 2."""
    vf = os.path.join(ROOT, "scripts", "vfprobe")
    r = subprocess.run([vf, "--no-build", "--suite", "boot", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=vfprobe_core.BOOT_TIMEOUT_S)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert (r.returncode, len(lines)) == (2, 1) and want in lines[0], r.stderr


def test_by_hand():
    """README's hand-run line, nothing of ours in between."""
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    cmd = [deps["QEMU"], "-machine", "q35", "-bios", deps["OVMF"], "-kernel",
           os.path.join(ROOT, "build", "test.efi"), "-device", vfprobe_core.DEBUG_EXIT_DEVICE,
           "-serial", "stdio", "-display", "none"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=vfprobe_core.BOOT_TIMEOUT_S,
                       stdin=subprocess.DEVNULL)
    out = r.stdout.decode("utf-8", "replace")
    assert r.returncode == 1 and "TAP version 13" in out and "\n1.." in out, \
        ("the hand-run line prints TAP and exits 1 (the guest's pass)", r.returncode, r.stderr.decode()[-200:])
