"""scripts/compare.py: `scripts/vfprobe --compare QEMU_A QEMU_B [options]`.

Boots the same suites and topology on both QEMUs, prints the test points
whose result differs (pass, fail, skip, todo: a failing known deviation,
xpass: a known deviation that passed, absent), then every benchmark figure
and boot phase side by side with B / A. A QEMU without virtio-net
`sriov-pf` cannot run the virtio-net topologies: that side is skipped with
the reason, not failed. Exit status: 0 when no point differs, 1 when some
do, 2 on bad input."""

import json
import os
import shlex
import subprocess
import sys
import tempfile

from tabulate import tabulate

import vfprobe_core as vc
from results import point_state

USAGE = "--compare wants two QEMU binaries: scripts/vfprobe --compare QEMU_A QEMU_B [options]"
NOT_ALLOWED = ("--qemu", "--json", "--name", "--print-cmd", "--list")


def has_sriov_pf(qemu):
    r = subprocess.run([qemu, "-device", "virtio-net-pci,help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=vc.QEMU_VERSION_TIMEOUT_S)
    return "sriov-pf" in r.stdout


def parse(argv):
    i = argv.index("--compare")
    pair = argv[i + 1:i + 3]
    if len(pair) < 2 or any(q.startswith("-") for q in pair):
        raise vc.UsageError(USAGE)
    rest = argv[:i] + argv[i + 3:]
    for q in pair:
        if not (os.path.isfile(q) and os.access(q, os.X_OK)):
            raise vc.UsageError(f"--compare: {q} is not an executable")
    own = rest[:rest.index("--")] if "--" in rest else rest
    for opt in NOT_ALLOWED:
        if opt in own:
            raise vc.UsageError(f"--compare sets {opt} itself")
    args = vc.make_parser().parse_args(own)  # bad options fail here, before any boot
    return pair, rest, args


def boot(qemu, label, rest, args, tmp):
    """One side: its result dict, or None and why it was skipped."""
    version = vc.qemu_version(qemu)
    if args.pf_model == "virtio-net" and not has_sriov_pf(qemu):
        return None, f"{version} has no virtio-net 'sriov-pf' (QEMU >= 10.1): the virtio-net suites do not apply"
    js = os.path.join(tmp, f"{label}.json")
    name = f"compare-{label}-{args.pf_model}"
    cmd = [os.path.join(vc.ROOT, "scripts", "vfprobe"), "--quiet", "--qemu", qemu, "--json", js, "--name", name]
    own = rest[:rest.index("--")] if "--" in rest else rest
    cmd += own + rest[len(own):]
    print(f"# compare: {label}: {version}: {' '.join(shlex.quote(c) for c in cmd[1:])}", flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with open(js) as f:
            return json.load(f), None
    except (OSError, ValueError):
        tail = r.stdout.strip().splitlines()[-1:] or [""]
        raise vc.UsageError(f"--compare: {label} ({qemu}) gave no results: {tail[0]}")


def states(res):
    """{(name, occurrence): (state, point)}."""
    out, seen = {}, {}
    for p in res["tests"]:
        k = seen[p["name"]] = seen.get(p["name"], 0) + 1
        out[(p["name"], k)] = (point_state(p), p)
    return out


def figures(res):
    """{figure: (value, unit)} of the BENCH lines and the boot's wall time."""
    out = {"boot wall time": (res["wall_s"], "s")}
    for b in res["bench"]:
        if "phase" in b:
            out[f"phase {b['phase']}"] = (vc_num(b.get("value")), b.get("unit", ""))
        elif "name" in b:
            params = " ".join(f"{k}={v}" for k, v in b.items() if k not in ("name", "unit", "n", "median", "p90", "p99",
                                                                            "max", "min", "mean") and
                              not k.endswith("_cycles") and k not in ("pps", "mbps", "lost", "half_drift_pm"))
            out[f"{b['name']} {params}".strip() + " (median)"] = (vc_num(b.get("median")), b.get("unit", "ns"))
    return out


def vc_num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v):
    return "-" if v is None else f"{v:.4g}"


def main(argv):
    (qa, qb), rest, args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="vfprobe-compare-") as tmp:
        ra, why_a = boot(qa, "A", rest, args, tmp)
        rb, why_b = boot(qb, "B", rest, args, tmp)
    print(f"# compare: A = {qa} ({vc.qemu_version(qa)})")
    print(f"# compare: B = {qb} ({vc.qemu_version(qb)})")
    for label, res, why in (("A", ra, why_a), ("B", rb, why_b)):
        if res is None:
            print(f"# compare: {label} skipped: {why}")
        else:
            print(f"# compare: {label}: {res['verdict']}, {vc.format_summary(res['counts'])}, {res['wall_s']:.1f} s")
    if ra is None or rb is None:
        print("compare: 0 point(s) differ (one side skipped: nothing to compare)")
        return 0
    sa, sb = states(ra), states(rb)
    keys = list(sa) + [k for k in sb if k not in sa]
    differ = []
    for k in keys:
        a, b = sa.get(k, ("absent", None)), sb.get(k, ("absent", None))
        if a[0] != b[0]:
            got = next(((p.get("yaml") or {}).get("got", "") for _, p in (a, b) if p and not p["ok"]), "")
            differ.append((k[0] + (f" (#{k[1]})" if k[1] > 1 else ""), a[0], b[0], got))
    if differ:
        print(f"\npoints whose result differs ({len(differ)}):")
        print(tabulate(differ, headers=("point", "A", "B", "got (failing side)"), disable_numparse=True))
    fa, fb = figures(ra), figures(rb)
    rows = []
    for name in list(fa) + [n for n in fb if n not in fa]:
        va, ua = fa.get(name, (None, ""))
        vb, ub = fb.get(name, (None, ""))
        rows.append((name, ua or ub, fmt(va), fmt(vb), f"{vb / va:.2f}" if va and vb else "-"))
    print("\nfigures side by side (B / A: above 1 means B took longer):")
    print(tabulate(rows, headers=("figure", "unit", "A", "B", "B / A"), disable_numparse=True))
    print(f"\ncompare: {len(differ)} point(s) differ, {len(keys) - len(differ)} the same")
    return 1 if differ else 0


def run_main(argv):
    try:
        sys.exit(main(argv))
    except vc.UsageError as e:
        vc.die(f"{e} (see scripts/vfprobe --help)")
