"""scripts/bench_table.py: the summary tables of scripts/bench.

Figures, two tables with one row per figure (name and params): vfprobe
against the baseline guests (DPDK, the kernel), each with how many times
vfprobe is faster than it; then vfprobe's own variants (another backend,
packed rings), each with how many times faster it is than vfprobe's main
figure. Columns of an implementation the run has no figure of are left
out. A value whose spread between repetitions ((max - min) / median of the
per-run medians) is over SPREAD_MARK_PCT is marked with MARK.

Boot: one row per boot mark (host wall seconds from QEMU's start), one
column per guest kind, the floor app's beside them.

Device work: one row per frame figure of the events boots
(bench_events.py), one column per guest: what the guest made QEMU's
device do per frame sent.
"""

from tabulate import tabulate

# (impl of the figures, column title): the guests vfprobe is compared with.
BASELINES = (("dpdk", "DPDK"), ("linux", "kernel"))
SPREAD_MARK_PCT = 20
MARK = "*"
RATE_FIGURES = ("rate", "agg_rate")
# Baseline figures that subtract a wait the kernel makes on purpose.
WAITS = {"vf_enable_up": "100 ms", "vf_disable": "1 s"}
FIG_ORDER = ["pci_init", "vf_enable", "vf_enable_up", "vf_enable_bind", "vf_disable", "vf_bringup", "rtt", "rate",
             "agg_rate", "copy", "frame_build"]
PARAM_ORDER = ["path", "size", "batch", "ring", "vfs", "total_vfs", "senders"]


def variants(vs_name):
    """(impl, value column, ratio column, what the ratio says): vfprobe
    measured another way, each against its main figure."""
    return (("vs", f"on {vs_name}", "vs/hub", f"how many times faster with the VFs on {vs_name}"),
            ("packed", "packed", "packed/split", "how many times faster on packed rings than on split"),
            ("iommu", "VT-d", "vt-d/off", "behind intel-iommu, each function in its own domain: the "
             "translation's cost (below 1x: slower)"),
            ("unchecked", "unchecked", "unchecked/checked", "used elements taken unvalidated (--no-validate): "
             "the cost of vfprobe's validation (above 1x: it costs that much)"),
            ("indirect", "2 desc", "indirect/direct", "every TX frame through an indirect table of header and "
             "frame (tx=indirect, as the conformance suites post it), against the main run's one descriptor "
             "with its header in front (tx=direct, as DPDK's PMD sends)"))


def param_order(k):
    return (PARAM_ORDER.index(k) if k in PARAM_ORDER else len(PARAM_ORDER), k)


def param_sort(p):
    k, _, v = p.partition("=")
    return (param_order(k), int(v) if v.isdigit() else 0, {"vf-vf": "0", "pf-vf": "1"}.get(v, v))


def fig_rank(name):
    return FIG_ORDER.index(name) if name in FIG_ORDER else len(FIG_ORDER)


def fmt_ns(v):
    if v is None:
        return "-"
    if v >= 1e9:
        return f"{v / 1e9:.2f} s"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.1f} us"
    return f"{v:.0f} ns"


def fmt_pps(v):
    return "-" if v is None else f"{v / 1000:.1f} kpps"


def sec(v):
    return "-" if v is None else f"{v:.2f} s"


def value(c, name):
    """A figure's number: frames/s for rates (higher is better), else ns."""
    if c is None:
        return None
    return c.get("pps") if name in RATE_FIGURES else c.get("median")


def speedup(cand, ref, name):
    """How many times `cand` is faster than `ref` (text), '-' without both."""
    a, b = value(cand, name), value(ref, name)
    if not a or not b:
        return "-"
    return f"{a / b:.2f}x" if name in RATE_FIGURES else f"{b / a:.2f}x"


def marked(c):
    return c is not None and c.get("repetitions", 1) > 1 and c.get("spread_pct", 0) > SPREAD_MARK_PCT


def cell(c, name):
    if c is None:
        return "-"
    v = value(c, name)
    text = fmt_pps(v) if name in RATE_FIGURES else fmt_ns(v)
    return text + (MARK if marked(c) else "")


class Layout:
    """The columns of one run: which baselines and variants it has."""

    def __init__(self, figs, vs_name):
        present = {impl for impl, _, _ in figs}
        self.baselines = [(k, t) for k, t in BASELINES if k in present]
        self.variants = [v for v in variants(vs_name) if v[0] in present]
        self.reps = max((c["repetitions"] for c in figs.values()), default=1)

    def header(self):
        h = ["figure", "params", "vfprobe"] + [t for _, t in self.baselines]
        h += [f"vfprobe/{t}" for _, t in self.baselines]
        return h + (["spread"] if self.reps > 1 else [])

    def row(self, label, name, params, vf, base):
        """base: {impl: figure} of the baselines."""
        r = [label, params, cell(vf, name)] + [cell(base.get(k), name) for k, _ in self.baselines]
        r += [speedup(vf, base.get(k), name) for k, _ in self.baselines]
        if self.reps > 1:
            cs = [vf] + [base.get(k) for k, _ in self.baselines]
            r.append("/".join("-" if c is None else f"{c['spread_pct']:.0f}" for c in cs) + "%")
        return r

    def variant_header(self):
        h = ["figure", "params", "vfprobe"]
        for _, col, rcol, _ in self.variants:
            h += [col, rcol]
        return h

    def variant_row(self, name, params, vf, var):
        """var: {impl: figure} of the variants."""
        r = [name, params, cell(vf, name)]
        for k, _, _, _ in self.variants:
            r += [cell(var.get(k), name), speedup(var.get(k), vf, name)]
        return r


def figure_keys(figs, impls):
    return sorted({(n, p) for (i, n, p) in figs if i in impls and not n.endswith("_work")},
                  key=lambda k: (fig_rank(k[0]), [param_sort(x) for x in k[1].split()]))


def figure_rows(figs, layout):
    rows = []
    for name, params in figure_keys(figs, {"vfprobe"} | {k for k, _ in layout.baselines}):
        vf = figs.get(("vfprobe", name, params))
        rows.append(layout.row(name, name, params, vf, {k: figs.get((k, name, params)) for k, _ in layout.baselines}))
        for k, title in layout.baselines:
            work = figs.get((k, f"{name}_work", params))
            if work:
                label = f"{name} ({title} minus its {WAITS.get(name, 'sleep')} wait)"
                rows.append(layout.row(label, name, params, vf, {k: work}))
    return rows


def variant_rows(figs, layout):
    """The figures vfprobe has in its main run and in at least one variant."""
    return [layout.variant_row(name, params, figs[("vfprobe", name, params)],
                               {k: figs.get((k, name, params)) for k, _, _, _ in layout.variants})
            for name, params in figure_keys(figs, {k for k, _, _, _ in layout.variants})
            if ("vfprobe", name, params) in figs]


def boot_rows(boots):
    kinds = [("vfprobe", "vfprobe")] + [(k, t) for k, t in BASELINES if k in boots]
    f = boots.get("floor") or {}

    def line(label, what, key, floor=True):
        return [label, what] + [sec((boots.get(k) or {}).get(key)) for k, _ in kinds] + \
            [sec(f.get(key)) if floor else ""]
    rows = [line("first serial byte", "host wall", "first_serial_byte_s"),
            line("first line of our code", "TAP / vfnet / vfdpdk", "first_line_s")]
    fl = f.get("first_line_s")
    rows.append(["  as times the floor's", "first line"] +
                [f"{boots[k]['first_line_s'] / fl:.2f}x" if fl and (boots.get(k) or {}).get("first_line_s")
                 else "-" for k, _ in kinds] + ["1.00x" if fl else "-"])
    rows.append(line("end of PCI enumeration", "host wall", "enumerated_s", floor=False))
    rows.append(line("verdict", "host wall", "verdict_line_s", floor=False))
    rows.append(line("whole boot", "wall, measurements included", "wall_s"))
    v, c = boots.get("vfprobe") or {}, boots.get("conform")
    if c:
        rows.append(["conformance run", "wall", sec(c["wall_s"])] + ["-"] * (len(kinds) - 1) +
                    [f"{c['wall_s'] / f['wall_s']:.2f}x floor" if f.get("wall_s") else ""])
    if v:
        rows.append(["guest phases", "since reset (TSC)",
                     f"efi_main {sec(v.get('guest_efi_main_s'))}, enum {sec(v.get('guest_pci_enumerated_s'))}"] +
                    ["-"] * (len(kinds) - 1) + [f"efi_main {sec(f.get('guest_efi_main_s'))}" if f else ""])
    return ["boot", "what"] + [t for _, t in kinds] + ["floor app"], rows


def sample_counts(figs):
    """'impl: name n, ...' lines: samples per repetition of each figure kind."""
    out = []
    titles = dict([("vfprobe", "vfprobe"), *BASELINES, ("vs", "vfprobe on the other backend"),
                   ("packed", "vfprobe on packed rings"), ("iommu", "vfprobe behind VT-d"),
                   ("unchecked", "vfprobe unvalidated"), ("indirect", "vfprobe with indirect TX tables")])
    for impl in titles:
        per = {}
        for (i, n, _), c in figs.items():
            if i == impl and not n.endswith("_work"):
                per.setdefault(n, set()).update(c["samples_per_rep"])
        if per:
            parts = [f"{n} {min(s)}" + (f"-{max(s)}" if max(s) != min(s) else "")
                     for n, s in sorted(per.items(), key=lambda x: fig_rank(x[0]))]
            out.append(f"  {titles[impl]}: " + ", ".join(parts))
    return out


def events_cell(e):
    if e is None:
        return "-"
    return f"{e['tx_kicks']:.2f}+{e['rx_kicks']:.2f} / {e['irqs']:.2f} / {e['tx_bufs']:.2f}+{e['rx_bufs']:.2f}"


def events_rows(events):
    """(header, rows): per figure of vfprobe's events boot, each guest's counts."""
    by = {(e["impl"], e["name"], e["params"]): e for e in events}
    impls = [("vfprobe", "vfprobe")] + [(k, t) for k, t in BASELINES if any(i == k for i, _, _ in by)]
    keys = [k for k in figure_keys(by, {i for i, _ in impls}) if ("vfprobe",) + k in by]
    rows = [[n, p] + [events_cell(by.get((i, n, p))) for i, _ in impls] for n, p in keys]
    return ["figure", "params"] + [t for _, t in impls], rows


def print_tables(figs, boots, meta, vs_name="vhost-user", events=()):
    layout = Layout(figs, vs_name)
    print(f"\nvfprobe benchmark summary ({meta})")
    print("median of per-run medians; rates are frames/s from the median time per frame.")
    print("vfprobe/X: the ratio that says how many times vfprobe is faster than X (X's time / vfprobe's; rates:")
    print("vfprobe's / X's); spread: (max - min) / median of the per-run medians, vfprobe/baselines; a value")
    print(f"marked {MARK} has a spread over {SPREAD_MARK_PCT} % between repetitions.")
    print(tabulate(figure_rows(figs, layout), headers=layout.header(), tablefmt="simple", disable_numparse=True))
    if layout.variants:
        print("\nvfprobe's variants, each figure against vfprobe's main one:")
        for _, col, rcol, what in layout.variants:
            print(f"  {col} ({rcol}): {what}")
        print(tabulate(variant_rows(figs, layout), headers=layout.variant_header(), tablefmt="simple",
                       disable_numparse=True))
    hdr, rows = boot_rows(boots)
    print()
    print(tabulate(rows, headers=hdr, tablefmt="simple", disable_numparse=True))
    if events:
        hdr, rows = events_rows(events)
        print("\ndevice work per frame sent (QEMU's trace in the events boots, short mode): kicks on the TX +")
        print("RX queues / interrupts sent / buffers the device mapped per TX element + per RX element")
        print(tabulate(rows, headers=hdr, tablefmt="simple", disable_numparse=True))
    counts = sample_counts(figs)
    if counts:
        print("\nsamples per figure and repetition (min-max over its params):")
        print("\n".join(counts))
