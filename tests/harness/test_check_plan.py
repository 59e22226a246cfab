"""tests/harness/test_check_plan.py: scripts/check's plan, TAP reading and
outputs, without booting: shards partition the jobs, groups select, bad
options are one-line errors, TODO points that pass are named, and the
JUnit XML says what failed. Run by pytest."""

import os
import subprocess
import xml.etree.ElementTree as ET

import checkplan
import pytest
import results
from tapread import TapReader, deviations_unseen

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = os.path.join(ROOT, "tests", "topologies.cfg")
HARNESS = os.path.join(ROOT, "tests", "harness")
UNITS = ["build/unit/test_a", "build/unit/test_b", "build/unit/test_c"]

TAP = """\
noise from the firmware TAP version 13
ok 1 - sriov: 01:00.0: VF Device ID is valid
not ok 2 - sriov: 01:00.0: extended capability list intact # TODO known QEMU deviation dev-a (hw/pci/x.c:1)
  ---
  rule: "PCIe 6.0 §7.6.3 Next Capability Offset"
  got: "header at 0x140 reads 0"
  want: "no zero header"
  ...
ok 3 - sriov: 01:00.0: VF MSE gates decode # TODO known QEMU deviation dev-b (hw/pci/y.c:2)
ok 4 - virtio: 01:00.1: queue size # SKIP no queue
not ok 5 - virtio: 01:00.1: FEATURES_OK refused
  ---
  rule: "virtio v1.3 §3.1.1"
  got: "0x1"
  want: "0x2"
  ...
BENCH name=rtt unit=ns n=10 median=5
# 2 passed, 1 failed, 1 skipped
1..5
"""


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 40])
def test_shards_partition_the_jobs(full, n):
    """Every job in exactly one shard of n, whatever n."""
    jobs = [j.name for j in checkplan.plan(UNITS, HARNESS, CFG, full=full)]
    shards = [[j.name for j in checkplan.shard(checkplan.plan(UNITS, HARNESS, CFG, full=full), i, n)]
              for i in range(1, n + 1)]
    flat = [j for s in shards for j in s]
    assert sorted(flat) == sorted(jobs) and len(flat) == len(set(flat)) == len(jobs)
    assert shards == [[j.name for j in checkplan.shard(checkplan.plan(UNITS, HARNESS, CFG, full=full), i, n)]
                      for i in range(1, n + 1)], "deterministic"


def test_every_boot_in_plan():
    boots = checkplan.load_boots(CFG)
    check = [j.name for j in checkplan.plan([], HARNESS, CFG) if j.kind == "boot"]
    full = [j.name for j in checkplan.plan([], HARNESS, CFG, full=True) if j.kind == "boot"]
    assert check == [b.name for b in boots if "check" in b.groups]
    assert full == [b.name for b in boots if b.groups & {"check", "full"}]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "", "1/2/3"])
def test_bad_shard(text):
    with pytest.raises(checkplan.PlanError):
        checkplan.parse_shard(text)


def test_groups():
    sriov = checkplan.plan([], HARNESS, CFG, group="sriov")
    assert sriov and all(j.kind == "boot" and "sriov" in j.groups for j in sriov)
    igb = checkplan.plan([], HARNESS, CFG, group="igb")
    assert [j.name for j in igb] == [b.name for b in checkplan.load_boots(CFG) if "--pf-model igb" in b.args]
    assert all(j.kind == "harness" for j in checkplan.plan([], HARNESS, CFG, group="harness"))
    with pytest.raises(checkplan.PlanError):
        checkplan.plan([], HARNESS, CFG, group="nosuch")


BAD_INPUT = [(["--shard", "3/2"], "--shard"), (["--jobs", "0"], "--jobs"),
             (["--group", "nosuch"], "no job is in group 'nosuch'"), (["--frobnicate"], "unrecognized arguments")]


@pytest.mark.parametrize("argv,want", BAD_INPUT)
def test_check_bad_input(argv, want):
    r = subprocess.run([os.path.join(ROOT, "scripts", "check"), *argv], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert (r.returncode, len(lines)) == (2, 1) and want in lines[0], r.stderr


def read(text):
    t = TapReader()
    for line in text.splitlines():
        t.feed(line)
    t.finish()
    return t


def test_tap_reader():
    t = read(TAP)
    assert t.started and t.plan == 5 and len(t.points) == 5
    assert t.points[0]["name"] == "sriov: 01:00.0: VF Device ID is valid"
    assert t.points[1]["yaml"] == {"rule": "PCIe 6.0 §7.6.3 Next Capability Offset",
                                   "got": "header at 0x140 reads 0", "want": "no zero header"}
    assert t.points[4]["yaml"]["got"] == "0x1", "quoted scalars stay strings"
    assert [p["directive"] for p in t.points] == ["", "TODO", "TODO", "SKIP", ""]
    assert t.bench == [{"name": "rtt", "unit": "ns", "n": "10", "median": "5"}]
    assert t.counts() == {"passed": 3, "failed": 1, "skipped": 1, "todo": 1, "xpass": 1}


def test_deviation_no_longer_seen_is_named():
    t = read(TAP)
    assert deviations_unseen(t.points) == (["dev-b"], [])


def run_of(tap_text):
    t = read(tap_text)
    job = {"name": "sriov-1vf", "kind": "boot", "verdict": "fail", "reason": "", "tests": t.points,
           "counts": t.counts(), "topology": {"pf_model": "virtio-net", "pfs": 1, "vfs": 1}, "wall_s": 1.0}
    return {"jobs": [job], "totals": t.counts(), "summary": "3 passed, 1 failed, 1 skipped"}


@pytest.mark.parametrize("strict", [False, True])
def test_junit(strict):
    root = results.junit(run_of(TAP), strict).getroot()
    suite = root.find("testsuite")
    assert suite.get("name") == "boot sriov-1vf" and len(suite.findall("testcase")) == 5
    cases = suite.findall("testcase")
    fail = cases[4].find("failure")
    assert fail is not None and fail.text == 'rule: virtio v1.3 §3.1.1\ngot: 0x1\nwant: 0x2'
    assert cases[1].find("skipped").get("type") == "todo" and "dev-a" in cases[1].find("skipped").get("message")
    assert cases[3].find("skipped").get("message") == "SKIP no queue"
    assert (cases[2].find("failure") is not None) == strict, "a passing TODO fails only when strict"
    assert suite.get("failures") == str(1 + strict) and suite.get("skipped") == "2"
    ET.fromstring(ET.tostring(root))  # well-formed


def test_deviation_seen_anywhere_is_still_seen():
    def todo(name, ok, intermittent=False):
        tag = " [intermittent]" if intermittent else ""
        return {"name": name, "ok": ok, "directive": "TODO",
                "reason": f"known QEMU deviation {name}{tag} (hw/x.c:1)"}
    points = [todo("dev-a", True), todo("dev-a", False), todo("dev-b", True), todo("dev-b", True),
              todo("dev-c", True, intermittent=True), {"name": "plain", "ok": True, "directive": "", "reason": ""}]
    gone, intermittent = deviations_unseen(points)
    assert gone == ["dev-b"]
    assert intermittent == ["dev-c"]
