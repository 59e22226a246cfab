"""scripts/bench_scale.py: the scale series of scripts/bench.

The `scale` boot runs suite `bench` on one PF with SCALE_VFS VFs. Its
figures (impl `scale`) give three series over the VF count:

  vf_enable     VF Enable until N VFs answer config reads, N = 1, 2, 4 ... 255
  vf_enable_up  VF Enable until N VFs are DRIVER_OK, N = 1, 2, 4 ... 64 (the
                guest drives the PF and its first 64 VFs: 1.1 MB of DMA each)
  agg_rate      1, 2, 4 ... 64 VFs sending 32-frame bursts to the PF at once

Each time series gets a least-squares line (statistics.linear_regression):
the per-VF cost (slope) and the fixed cost (intercept), written beside the
points into a CSV, whose plot the caller draws."""

import os
import statistics

SCALE_VFS = 255
IMPL = "scale"
# (figure, what it is): the time series that get a line.
FITTED = (("vf_enable", "VFs answer config reads"), ("vf_enable_up", "VFs DRIVER_OK"))


def points(figs, name, xkey):
    """[(x, median ns or frames/s)] of the scale boot's figure `name`."""
    out = []
    for (impl, n, params), c in figs.items():
        if impl != IMPL or n != name:
            continue
        kv = dict(p.split("=", 1) for p in params.split())
        if xkey in kv:
            out.append((int(kv[xkey]), c.get("pps") if name == "agg_rate" else c["median"]))
    return sorted(out)


def fit(pts):
    """(slope, intercept, r2) of y = slope * x + intercept, or None with
    fewer than two distinct x."""
    if len({x for x, _ in pts}) < 2:
        return None
    xs, ys = [float(x) for x, _ in pts], [float(y) for _, y in pts]
    slope, intercept = statistics.linear_regression(xs, ys)
    mean = statistics.fmean(ys)
    total = sum((y - mean) ** 2 for y in ys)
    resid = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys))
    return slope, intercept, (1.0 - resid / total) if total else 1.0


def fits(figs):
    """{figure: {"per_vf_ns", "fixed_ns", "r2", "points"}} of the fitted series."""
    out = {}
    for name, _ in FITTED:
        pts = points(figs, name, "vfs")
        f = fit(pts)
        if f:
            out[name] = {"per_vf_ns": round(f[0], 1), "fixed_ns": round(f[1], 1), "r2": round(f[2], 4),
                         "points": len(pts)}
    return out


def write(figs, outdir, write_csv):
    """The series' CSVs (with the fitted line); [(csv, title, xlabel,
    ylabel, columns, log y)] for the plots."""
    plots = []
    found = fits(figs)
    for name, what in FITTED:
        pts = points(figs, name, "vfs")
        if name not in found:
            continue
        f = found[name]
        rows = [(x, round(y / 1000, 3), round((f["per_vf_ns"] * x + f["fixed_ns"]) / 1000, 3)) for x, y in pts]
        p = os.path.join(outdir, f"scale_{name}.csv")
        write_csv(p, ["vfs", "median_us", "fit_us"], rows)
        plots.append((p, f"{name} on {SCALE_VFS} VFs: {what}; fit {f['per_vf_ns'] / 1000:.2f} us per VF + "
                      f"{f['fixed_ns'] / 1000:.1f} us", "VFs (log)", "microseconds (log)",
                      [(2, "median"), (3, "least-squares line")], True))
    agg = points(figs, "agg_rate", "senders")
    if agg:
        p = os.path.join(outdir, "scale_agg_rate.csv")
        write_csv(p, ["senders", "pps"], agg)
        plots.append((p, f"aggregate rate on {SCALE_VFS} VFs: N VFs send 60-byte frames to the PF",
                      "sending VFs (log)", "frames per second (log)", [(2, "vfprobe")], True))
    return plots


def summary_lines(figs):
    """The fits, one line each, for the summary."""
    lines = []
    for name, f in fits(figs).items():
        lines.append(f"  {name}: {f['per_vf_ns'] / 1000:.2f} us per VF + {f['fixed_ns'] / 1000:.1f} us fixed "
                     f"(least squares over {f['points']} VF counts, r2 {f['r2']:.3f})")
    agg = points(figs, "agg_rate", "senders")
    if agg:
        lines.append("  agg_rate: " + ", ".join(f"{x} VFs {y / 1000:.1f} kpps" for x, y in agg))
    return lines
