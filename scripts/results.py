"""scripts/results.py: the outputs of a `scripts/check` run, for CI and for
people: JUnit XML, one JSON file, and a static HTML report.

A run is a dict: {"jobs": [job...], "totals": counts, ...}; a job has its
name, kind (unit, lint, harness, boot), verdict, counts, tests (TAP points:
n, ok, name, directive, reason, yaml), and for boots suites, topology and
bench. Nothing here boots anything."""

import html
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET

from tapread import deviation_name, deviations_unseen

SOURCE = re.compile(r"\(([^()]*:\d+[^()]*)\)\s*$")


def failure_text(point):
    y = point.get("yaml") or {}
    return "\n".join(f"{k}: {y[k]}" for k in ("rule", "got", "want") if k in y) or "no rule, got or want given"


def point_state(p):
    if p["directive"] == "SKIP":
        return "skip"
    if p["directive"] == "TODO":
        return "xpass" if p["ok"] else "todo"
    return "pass" if p["ok"] else "fail"


# --- JUnit --------------------------------------------------------------------

def junit(run, strict=False):
    """One <testsuite> per job (a boot, a harness file, a unit test), one
    <testcase> per TAP point."""
    root = ET.Element("testsuites", name="vfprobe")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    gone = set(deviations_unseen([p for job in run["jobs"] for p in job["tests"]])[0])
    for job in run["jobs"]:
        suite = ET.SubElement(root, "testsuite", name=f"{job['kind']} {job['name']}",
                              time=f"{job.get('wall_s', 0):.3f}")
        n = {"tests": 0, "failures": 0, "skipped": 0}
        for p in job["tests"]:
            case = ET.SubElement(suite, "testcase", name=p["name"] or f"point {p['n']}",
                                 classname=f"{job['kind']}.{job['name']}", time=str(p.get("time_s", 0)))
            n["tests"] += 1
            state = point_state(p)
            if state == "xpass" and deviation_name(p) not in gone:
                state = "todo-passed"  # seen elsewhere in the run, or intermittent
            if state == "fail" or (state == "xpass" and strict):
                f = ET.SubElement(case, "failure", type="xpass" if state == "xpass" else "check",
                                  message=(p.get("yaml") or {}).get("rule", p["name"]) if state == "fail"
                                  else f"known deviation no longer seen: {deviation_name(p)}")
                f.text = failure_text(p)
                n["failures"] += 1
            elif state == "skip":
                ET.SubElement(case, "skipped", message=f"SKIP {p['reason']}")
                n["skipped"] += 1
            elif state == "todo":
                s = ET.SubElement(case, "skipped", type="todo", message=f"TODO {p['reason']}")
                s.text = failure_text(p)
                n["skipped"] += 1
            elif state == "xpass":
                ET.SubElement(case, "system-out").text = \
                    f"TODO point passed: known deviation no longer seen: {deviation_name(p)}"
            elif state == "todo-passed":
                ET.SubElement(case, "system-out").text = \
                    f"TODO point passed here; known deviation {deviation_name(p)} still seen in this run"
        if job["verdict"] not in ("pass", "fail"):  # the job did not run to its end: one more failure
            case = ET.SubElement(suite, "testcase", name="verdict", classname=f"{job['kind']}.{job['name']}")
            ET.SubElement(case, "failure", type=job["verdict"], message=job.get("reason", "")).text = \
                job.get("output_tail", "")
            n["tests"] += 1
            n["failures"] += 1
        for k, v in n.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("errors", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return ET.ElementTree(root)


# --- HTML ---------------------------------------------------------------------

CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}
td.pass{background:#cfc}td.fail{background:#f99}td.todo{background:#ffc}td.none{color:#999}
td.xpass{background:#9cf}pre{white-space:pre-wrap;margin:0}img{max-width:900px;display:block}"""

RENDER_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.querySelectorAll('img.plot'));
  var c = document.getElementById('render-check');
  c.setAttribute('data-cells', document.querySelectorAll('#matrix td.cell').length);
  c.setAttribute('data-plots', imgs.length);
  c.setAttribute('data-plots-loaded', imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length);
});
</script>"""


def esc(v):
    return html.escape(str(v))


def anchor(*parts):
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(parts))


def suite_of(point):
    return point["name"].split(":", 1)[0].strip()


def matrix(boots):
    """{(suite, boot name): [points]} and the suites in order of appearance."""
    cells, suites = {}, []
    for b in boots:
        for p in b["tests"]:
            s = suite_of(p)
            if s not in suites:
                suites.append(s)
            cells.setdefault((s, b["name"]), []).append(p)
    return cells, suites


def cell_html(points, target):
    states = [point_state(p) for p in points]
    n = {s: states.count(s) for s in ("pass", "fail", "todo", "skip", "xpass")}
    cls = "fail" if n["fail"] else "todo" if n["todo"] else "xpass" if n["xpass"] else "pass"
    text = ", ".join(f"{v} {k}" for k, v in n.items() if v)
    if n["fail"] or n["todo"] or n["xpass"]:
        text = f'<a href="#{target}">{esc(text)}</a>'
    else:
        text = esc(text)
    return f'<td class="cell {cls}">{text}</td>'


def deviations(boots):
    """{deviation id: {"reason", "source", "points": [(boot, point)]}} of every TODO point."""
    out = {}
    for b in boots:
        for p in b["tests"]:
            if p["directive"] != "TODO":
                continue
            d = out.setdefault(deviation_name(p), {"reason": p["reason"], "points": [], "seen": False,
                                                   "source": ""})
            m = SOURCE.search(p["reason"])
            d["source"] = m.group(1) if m else d["source"]
            d["points"].append((b["name"], p))
            d["seen"] |= not p["ok"]
    return out


def html_report(run, plots=()):
    boots = [j for j in run["jobs"] if j["kind"] == "boot"]
    others = [j for j in run["jobs"] if j["kind"] != "boot"]
    cells, suites = matrix(boots)
    out = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'><title>vfprobe results</title>",
           f"<style>{CSS}</style></head><body>", "<h1>vfprobe results</h1>",
           f"<p id='summary'>{esc(run.get('summary', ''))}; QEMU: {esc(run.get('qemu_version', 'unknown'))}; "
           f"git {esc(run.get('git_commit', ''))}; {esc(run.get('date', ''))}</p>",
           "<p id='render-check'></p>",
           "<h2>Conformance matrix</h2>",
           "<p>Rows: suites; columns: the boots of tests/topologies.cfg. A cell links to its failing and "
           "known-deviation points.</p>", "<table id='matrix'><tr><th>suite</th>"]
    out += [f"<th>{esc(b['name'])}<br><small>{esc(topo_text(b))}</small></th>" for b in boots]
    out.append("</tr>")
    for s in suites:
        out.append(f"<tr><th>{esc(s)}</th>")
        for b in boots:
            pts = cells.get((s, b["name"]))
            out.append(cell_html(pts, anchor("pts", b["name"], s)) if pts else '<td class="none">-</td>')
        out.append("</tr>")
    out.append("<tr><th>verdict</th>" + "".join(
        f"<td class='{'pass' if b['verdict'] == 'pass' else 'fail'}'>{esc(b['verdict'])}"
        + (f"<br><small>{esc(b.get('reason', ''))}</small>" if b["verdict"] != "pass" else "") + "</td>"
        for b in boots) + "</tr></table>")
    out.append("<h2>Failing and known-deviation points</h2>")
    for (s, bname), pts in cells.items():
        shown = [p for p in pts if point_state(p) in ("fail", "todo", "xpass")]
        if not shown:
            continue
        out.append(f"<h3 id='{anchor('pts', bname, s)}'>{esc(bname)}: {esc(s)}</h3>")
        out.append("<table class='points'><tr><th>#</th><th>point</th><th>state</th><th>rule</th><th>got</th>"
                   "<th>want</th></tr>")
        for p in shown:
            y = p.get("yaml") or {}
            out.append(f"<tr><td>{p['n']}</td><td>{esc(p['name'])}</td><td>{point_state(p)}"
                       + (f"<br><small>{esc(p['reason'])}</small>" if p["reason"] else "") + "</td>"
                       + "".join(f"<td><pre>{esc(y.get(k, ''))}</pre></td>" for k in ("rule", "got", "want"))
                       + "</tr>")
        out.append("</table>")
    out.append("<h2>Known QEMU deviations</h2>")
    devs = deviations(boots)
    if devs:
        out.append("<table id='deviations'><tr><th>deviation</th><th>QEMU source</th><th>state</th>"
                   "<th>rule</th><th>evidence (got)</th><th>want</th><th>seen on</th></tr>")
        for name, d in sorted(devs.items()):
            p = next((p for _, p in d["points"] if not p["ok"]), d["points"][0][1])
            y = p.get("yaml") or {}
            where = sorted({b for b, _ in d["points"]})
            out.append(f"<tr id='{anchor('dev', name)}'><td>{esc(name)}</td><td>{esc(d['source'])}</td>"
                       f"<td class='{'todo' if d['seen'] else 'xpass'}'>"
                       f"{'still seen' if d['seen'] else 'no longer seen'}</td>"
                       + "".join(f"<td><pre>{esc(y.get(k, ''))}</pre></td>" for k in ("rule", "got", "want"))
                       + f"<td>{esc(', '.join(where))}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No known deviation was reported in this run.</p>")
    out.append("<h2>Benchmark plots</h2>")
    if plots:
        out += [f"<figure><img class='plot' src='{esc(p)}' alt='{esc(p)}'><figcaption>{esc(p)}</figcaption>"
                "</figure>" for p in plots]
    else:
        out.append("<p>No plots in this run (scripts/bench writes them).</p>")
    out.append("<h2>Other jobs</h2><table id='jobs'><tr><th>job</th><th>verdict</th><th>counts</th></tr>")
    out += [f"<tr><td>{esc(j['kind'])} {esc(j['name'])}</td><td class='{'pass' if j['verdict'] == 'pass' else 'fail'}'>"
            f"{esc(j['verdict'])}</td><td>{esc(counts_text(j['counts']))}</td></tr>" for j in others]
    out += ["</table>", RENDER_CHECK, "</body></html>"]
    return "\n".join(out) + "\n"


def topo_text(b):
    t = b.get("topology") or {}
    if not t:
        return ""
    return f"{t.get('pf_model')} {t.get('pfs')} PF x {t.get('vfs')} VF" + (" iso" if b.get("boot") == "iso" else "")


def counts_text(c):
    return f"{c.get('passed', 0)} passed, {c.get('failed', 0)} failed, {c.get('skipped', 0)} skipped"


# --- all of them --------------------------------------------------------------

def write_all(run, outdir, plot_files=(), strict=False):
    """results.json, junit.xml and index.html (with copies of the plots) in outdir."""
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(run, f, indent=1)
    junit(run, strict).write(os.path.join(outdir, "junit.xml"), encoding="utf-8", xml_declaration=True)
    plots = []
    if plot_files:
        os.makedirs(os.path.join(outdir, "plots"), exist_ok=True)
    for p in plot_files:
        dest = os.path.join("plots", os.path.basename(p))
        shutil.copyfile(p, os.path.join(outdir, dest))
        plots.append(dest)
    with open(os.path.join(outdir, "index.html"), "w") as f:
        f.write(html_report(run, plots))
    return [os.path.join(outdir, n) for n in ("junit.xml", "results.json", "index.html")]
