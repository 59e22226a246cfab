#!/usr/bin/python3
"""tests/harness/test_bench_smoke.py: `scripts/bench --short` works.

A smoke run, not a timed test: it asserts that the benchmark driver boots
vfprobe, the Linux baseline and the floor app, and writes the JSON, the CSV
series and the plots. Speed never fails it. Prints TAP and
`# N passed, N failed, N skipped`."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "bench")
from taplite import Tap  # noqa: E402

tap = Tap("bench smoke")
check = tap.check
r = subprocess.run([os.path.join(ROOT, "scripts", "bench"), "--short"], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True)
check(r.returncode == 0, "scripts/bench --short exits 0", (r.returncode, r.stdout[-1500:]), 0)
try:
    with open(os.path.join(OUT, "results.json")) as f:
        res = json.load(f)
except (OSError, ValueError) as e:
    res = {}
    check(False, "build/bench/results.json is valid JSON", e, "a JSON object")
figs = res.get("figures", [])
impls = {f.get("impl") for f in figs}
check({"vfprobe", "linux"} <= impls, "figures from vfprobe and from the Linux baseline", impls,
      "vfprobe and linux")
need = {"unit", "median", "p90", "p99", "max", "samples_per_rep"}
bad = [f.get("name") for f in figs if not need <= set(f)]
check(figs and not bad, "every figure has unit, median, p90, p99, max and sample counts", bad[:5], "none missing")
check(all(res.get(k) for k in ("qemu_version", "accel", "topology", "git_commit")),
      "results carry QEMU version, accelerator, topology and commit",
      {k: res.get(k) for k in ("qemu_version", "accel", "git_commit")}, "all set")
check({"floor", "vfprobe", "linux"} <= set(res.get("boot", {})), "boot times of floor, vfprobe and Linux",
      list(res.get("boot", {})), "floor, vfprobe, linux")
for series in ("vf_enable", "rate_vf-vf"):
    csv = os.path.join(OUT, f"{series}.csv")
    png = os.path.join(OUT, f"{series}.png")
    check(os.path.exists(csv) and os.path.getsize(csv) > 0, f"{series}.csv written", csv, "non-empty")
    with open(png, "rb") if os.path.exists(png) else open(os.devnull, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{series}.png is a PNG plot", png, "PNG signature")
tap.done()
