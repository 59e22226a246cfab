"""tests/harness/test_report_html.py: the HTML report renders in a real browser.

Writes a report (scripts/results.py, the code `scripts/check` uses) of a
made-up run with two boots, a failing point, a known deviation and a
benchmark plot, loads it in Debian's headless Chromium, and asserts on the
DOM it rendered: the matrix cells, the link from a failing cell to its
rule/got/want, the deviation with its evidence, and the plot decoded.
Run by pytest."""

import os
import re
import shutil
import subprocess

import pytest
import results
from tapread import TapReader

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(ROOT, "docs", "bench-rate_vf-vf.png")
CHROMIUM_TIMEOUT_S = 120

BOOT_A = """TAP version 13
ok 1 - sriov: 01:00.0: VF Device ID is valid
not ok 2 - sriov: 01:00.0: next cap intact # TODO known QEMU deviation dev-clobber (hw/pci/pcie_sriov.c:466)
  ---
  rule: "PCIe 6.0 §7.6.3 Next Capability Offset points at a capability header"
  got: "header at 0x140 reads 0 but is linked"
  want: "no zero header inside the list"
  ...
ok 3 - virtio: 01:00.1: DRIVER_OK
1..3
"""
BOOT_B = """TAP version 13
ok 1 - sriov: 01:00.0: VF Device ID is valid
not ok 2 - sriov: 01:00.0: VF Stride as programmed
  ---
  rule: "PCIe 6.0 §9.3.3.10 VF Stride"
  got: "0x2"
  want: "0x1"
  ...
1..2
"""


def boot(name, text, verdict):
    t = TapReader()
    for line in text.splitlines():
        t.feed(line)
    t.finish()
    return {"name": name, "kind": "boot", "verdict": verdict, "reason": "", "tests": t.points,
            "counts": t.counts(), "topology": {"pf_model": "virtio-net", "pfs": 1, "vfs": 3}, "wall_s": 1.0}


def chromium():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("Debian's chromium is not installed (make deps installs it)")


@pytest.fixture(scope="module")
def dom(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    run = {"jobs": [boot("sriov-3vf", BOOT_A, "pass"), boot("sriov-stride", BOOT_B, "fail")],
           "totals": {"passed": 4, "failed": 1, "skipped": 0}, "summary": "4 passed, 1 failed"}
    results.write_all(run, str(out), [PLOT])
    profile = tmp_path_factory.mktemp("chromium-profile")
    r = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
                        (out / "index.html").as_uri()],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=CHROMIUM_TIMEOUT_S)
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-1000:]
    return r.stdout


def test_matrix_renders(dom):
    """Two suites x two boots: sriov on both, virtio on the first only."""
    m = re.search(r'id="render-check"[^>]*', dom).group(0)
    assert 'data-cells="3"' in m, m
    assert dom.count('class="cell ') == 3 and 'class="none"' in dom


def test_failing_cell_links_to_rule_got_want(dom):
    link = re.search(r'<td class="cell fail"><a href="#([^"]+)">', dom)
    assert link, "the failing cell is a link"
    section = dom[dom.index(f'id="{link.group(1)}"'):]
    assert "PCIe 6.0 §9.3.3.10 VF Stride" in section and "0x2" in section and "0x1" in section


def test_deviation_with_evidence(dom):
    dev = dom[dom.index('id="deviations"'):]
    assert "dev-clobber" in dev and "hw/pci/pcie_sriov.c:466" in dev and "header at 0x140 reads 0" in dev


def test_plot_renders(dom):
    m = re.search(r'id="render-check"[^>]*', dom).group(0)
    assert 'data-plots="1"' in m and 'data-plots-loaded="1"' in m, m
