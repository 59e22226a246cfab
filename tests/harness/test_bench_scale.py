"""tests/harness/test_bench_scale.py: the scale series' fit
(scripts/bench_scale.py) on made-up figures. Run by pytest."""

import bench_scale


def fig(name, params, median=None, pps=None):
    return (bench_scale.IMPL, name, params), {"median": median, "pps": pps}


def test_fit_recovers_a_line():
    slope, intercept, r2 = bench_scale.fit([(1, 1500.0), (2, 2500.0), (4, 4500.0), (255, 255500.0)])
    assert (round(slope, 6), round(intercept, 6), round(r2, 6)) == (1000.0, 500.0, 1.0)


def test_fit_needs_two_vf_counts():
    assert bench_scale.fit([(4, 10.0), (4, 12.0)]) is None


def test_fits_take_the_scale_boot_only():
    figs = dict([fig("vf_enable", "vfs=1 total_vfs=255", 1200), fig("vf_enable", "vfs=3 total_vfs=255", 3200),
                 (("vfprobe", "vf_enable", "vfs=2 total_vfs=8"), {"median": 99999}),
                 fig("agg_rate", "senders=2 size=60 batch=32", pps=5000)])
    assert bench_scale.fits(figs) == {"vf_enable": {"per_vf_ns": 1000.0, "fixed_ns": 200.0, "r2": 1.0, "points": 2}}
    assert bench_scale.points(figs, "agg_rate", "senders") == [(2, 5000)]
    lines = bench_scale.summary_lines(figs)
    assert lines[0].startswith("  vf_enable: 1.00 us per VF + 0.2 us fixed") and "2 VFs 5.0 kpps" in lines[1]
