"""tests/harness/test_soak.py: `make soak` (scripts/soak.py). Its tally
and report on made-up repetitions, then the short soak `make check` runs:
3 repetitions of one conformance boot, every point passing in each.
Run by pytest."""

import os
import subprocess

import soak

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOAK = os.path.join(ROOT, "scripts", "soak")
SHORT_BOOT = "virtio-net-reset-3vf"
SHORT_REPEAT = 3
SHORT_BUDGET_S = 300  # a hung soak fails here rather than holding make check


def point(name, ok=True, directive="", ring=None):
    p = {"n": 1, "ok": ok, "name": name, "directive": directive, "reason": ""}
    return dict(p, ring=ring) if ring else p


def test_tally_names_flaky_and_broken_points():
    ok = {"verdict": "pass", "tests": [point("net: a (1.5 ms)"), point("net: b")]}
    flake = {"verdict": "fail", "tests": [point("net: a (9.0 ms)", ok=False), point("net: b", ok=False)]}
    broken = {"verdict": "fail", "tests": [point("net: b", ok=False)]}
    hang = {"verdict": "timeout", "tests": [point("net: a"), point("net: b", ok=False)]}
    runs = [("x", 1, flake), ("x", 2, broken), ("x", 3, hang), ("y", 1, ok), ("y", 2, ok), ("y", 3, ok)]
    boots = soak.tally(runs, 3)
    assert boots["x"] == {"runs": 3, "failed": 3, "points": {"net: a (...)": 1, "net: b": 3, "verdict: timeout": 1}}
    assert boots["y"] == {"runs": 3, "failed": 0, "points": {}}
    lines = soak.report(boots, 3)
    assert "#   x: net: a (...): failed 1 of 3" in lines and "#   x: verdict: timeout: failed 1 of 3" in lines
    assert "#   x: net: b: failed 3 of 3" in lines
    assert "#   x: 3 of 3" in lines and "#   y: 0 of 3" in lines
    assert lines[-1] == "soak: 3 repetition(s), 6 boot(s), 3 failed; 2 flaky point(s), 1 always failing"


def test_known_deviations_and_skips_are_not_failures():
    res = {"verdict": "pass", "tests": [point("p", ok=False, directive="TODO"), point("q", directive="SKIP"),
                                        point("r", ring="packed")]}
    assert soak.failing_points(res) == set()
    assert soak.point_key(point("r", ring="packed")) == "[packed] r"


def test_the_default_boots_are_the_conformance_boots():
    names = [b.name for b in soak.choose([])]
    assert "virtio-net-reset-3vf" in names and "sysreset-3vf" in names
    assert "bench-guest-short" not in names and "sriov-255vf" not in names


def test_bad_boot_name_is_one_line():
    r = subprocess.run([SOAK, "--repeat", "1", "--boot", "no-such-boot"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, r.stderr
    assert "no boot no-such-boot in tests/topologies.cfg" in r.stderr


def test_short_soak(tmp_path):
    """What `make check` runs: 3 repetitions of one boot (split rings)."""
    r = subprocess.run([SOAK, "--repeat", str(SHORT_REPEAT), "--boot", SHORT_BOOT, "--extra", "--ring split",
                        "--out", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=SHORT_BUDGET_S)
    assert r.returncode == 0, r.stdout[-2000:]
    assert f"soak: {SHORT_REPEAT} repetition(s), {SHORT_REPEAT} boot(s), 0 failed; 0 flaky point(s)" in r.stdout
    assert os.path.exists(tmp_path / "soak.json")
