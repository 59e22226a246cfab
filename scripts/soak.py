"""scripts/soak.py: `make soak`, the conformance boots of `make check`
(tests/topologies.cfg, group check, without suite bench) booted again and
again to find the points that fail only sometimes.

  scripts/soak [--repeat N] [--boot NAME ...] [--extra "OPTIONS"] [--jobs N] [--load N] [--out DIR]

Each repetition boots every chosen boot once (scripts/vfprobe --mode
short, as `make check` does), --jobs at once. A point that fails in some
repetitions and passes in others is flaky; --load N keeps N more CPUs
busy meanwhile (Debian's stress-ng --cpu N, installed by scripts/deps), so
that timing flakes show; one that fails in every
repetition is broken, not flaky. A boot that ends without a verdict of its
own (timeout, crash, QEMU failure) counts as a failure of its point
`verdict`. Known deviations (TAP TODO) and skips are neither. The report
names each failing point with how often it failed and each boot's count
of failed repetitions; DIR (build/soak) gets soak.json and the logs of the
failed boots. Exit 0 when no point failed."""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import checkplan  # noqa: E402
import vfprobe_core  # noqa: E402

CONFIG = os.path.join(ROOT, "tests", "topologies.cfg")
# A measured figure in a point's name ("(0.2 ms)", "(3 of 16)") differs
# between repetitions of the same point.
MEASURED = re.compile(r"\([^()]*\d[^()]*\)")


def point_key(point):
    """The point's name as it is in every repetition, with its ring."""
    name = MEASURED.sub("(...)", point["name"])
    return f"[{point['ring']}] {name}" if point.get("ring") else name


def failing_points(result):
    """The keys of one boot's failing points (TODO and SKIP are not failures)."""
    bad = {point_key(p) for p in result.get("tests", []) if not p["ok"] and not p.get("directive")}
    if result.get("verdict") not in ("pass", "fail"):
        bad.add(f"verdict: {result.get('verdict')}")
    return bad


def tally(runs, repeat):
    """runs: [(boot, repetition, result)]. Per boot: how many repetitions
    failed, and for each failing point how many repetitions it failed in."""
    boots = {}
    for boot, _, result in runs:
        b = boots.setdefault(boot, {"runs": 0, "failed": 0, "points": {}})
        b["runs"] += 1
        bad = failing_points(result)
        b["failed"] += bool(bad) or result.get("verdict") != "pass"
        for key in bad:
            b["points"][key] = b["points"].get(key, 0) + 1
    return boots


def report(boots, repeat):
    """The report's lines: flaky points, broken points, each boot's count."""
    flaky = [(b, k, n) for b, v in boots.items() for k, n in v["points"].items() if n < v["runs"]]
    broken = [(b, k, n) for b, v in boots.items() for k, n in v["points"].items() if n == v["runs"]]
    lines = [f"# soak: flaky points ({len(flaky)}): failed in some repetitions, passed in the others"]
    lines += [f"#   {b}: {k}: failed {n} of {boots[b]['runs']}" for b, k, n in sorted(flaky)]
    if broken:
        lines.append(f"# soak: points that failed in every repetition ({len(broken)})")
        lines += [f"#   {b}: {k}: failed {n} of {boots[b]['runs']}" for b, k, n in sorted(broken)]
    lines.append("# soak: failed repetitions per boot")
    lines += [f"#   {b}: {v['failed']} of {v['runs']}" for b, v in boots.items()]
    runs = sum(v["runs"] for v in boots.values())
    failed = sum(v["failed"] for v in boots.values())
    lines.append(f"soak: {repeat} repetition(s), {runs} boot(s), {failed} failed; "
                 f"{len(flaky)} flaky point(s), {len(broken)} always failing")
    return lines


def boot_once(job, rep, extra, out):
    """One boot of one repetition: its result dict (as scripts/vfprobe --json)."""
    name = f"soak-{job.name}-r{rep}"
    js = os.path.join(out, "json", f"{name}.json")
    argv = shlex.split(job.args) + shlex.split(extra) + ["--no-build", "--quiet", "--mode", "short",
                                                         "--name", name, "--json", js]
    t0 = time.monotonic()
    p = subprocess.run([os.path.join(HERE, "vfprobe"), *argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, cwd=ROOT)
    try:
        with open(js) as f:
            res = json.load(f)
    except (OSError, ValueError):
        res = {"verdict": "error", "tests": [], "wall_s": time.monotonic() - t0,
               "reason": f"scripts/vfprobe exited with {p.returncode} and wrote no results: "
                         + " ".join(p.stdout.strip().splitlines()[-1:])}
    os.makedirs(os.path.join(out, "logs"), exist_ok=True)
    for log in [res.get("log")] + [r.get("log") for r in res.get("rings", {}).values()]:
        if log and os.path.exists(log):
            if failing_points(res) or res["verdict"] != "pass":
                shutil.move(log, os.path.join(out, "logs", os.path.basename(log)))
            else:
                os.unlink(log)
    return res


class Load:
    """stress-ng --cpu N for the length of one `with` (nothing when N is 0)."""

    def __init__(self, cpus):
        self.cpus, self.proc = cpus, None

    def __enter__(self):
        if self.cpus:
            self.proc = subprocess.Popen(["stress-ng", "--cpu", str(self.cpus), "--quiet"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return False


def stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def report_repetition(rep, repeat, jobs, results, runs, t0):
    """One repetition's line, and each failing point of it as it comes."""
    failed = 0
    for job, res in zip(jobs, results):
        runs.append((job.name, rep, res))
        bad = failing_points(res)
        failed += bool(bad)
        for key in sorted(bad):
            print(f"# soak: repetition {rep}: {job.name}: not ok - {key}", flush=True)
        if res.get("verdict") not in ("pass", "fail"):
            print(f"# soak: repetition {rep}: {job.name}: {res.get('verdict')}: {res.get('reason')}", flush=True)
    walls = ", ".join(f"{r.get('wall_s') or 0:.0f}" for r in results)
    print(f"# soak: repetition {rep}/{repeat}: {len(jobs) - failed} of {len(jobs)} boot(s) passed "
          f"(boot wall s: {walls}; {time.monotonic() - t0:.0f} s so far)", flush=True)


def parse_args(argv):
    ap = vfprobe_core.Parser(prog="scripts/soak", description="Boot make check's conformance boots N times, "
                             "report the points that fail only sometimes.")
    ap.add_argument("--repeat", "-n", type=int, default=50, help="repetitions (default 50)")
    ap.add_argument("--boot", action="append", default=[], help="only this boot of tests/topologies.cfg "
                    "(repeatable; default: every boot of group check)")
    ap.add_argument("--extra", default="", help="scripts/vfprobe options added to every boot's own")
    ap.add_argument("--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)), help="boots at once")
    ap.add_argument("--load", type=int, default=0, help="CPUs kept busy by stress-ng --cpu N meanwhile (default 0)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "soak"), help="output folder")
    a = ap.parse_args(argv)
    if a.repeat < 1 or a.jobs < 1 or a.load < 0:
        raise vfprobe_core.UsageError("--repeat and --jobs want positive numbers, --load zero or more")
    if a.load and not shutil.which("stress-ng"):
        raise vfprobe_core.UsageError("--load needs stress-ng: run `make deps` (it installs Debian's stress-ng)")
    return a


def choose(names):
    boots = checkplan.load_boots(CONFIG)
    if not names:
        # Conformance boots: the benchmark smoke boot (suite bench) has no
        # rule to flake on, only figures.
        return [b for b in boots if "check" in b.groups and "bench" not in b.groups]
    known = {b.name: b for b in boots}
    missing = [n for n in names if n not in known]
    if missing:
        raise vfprobe_core.UsageError(f"no boot {', '.join(missing)} in tests/topologies.cfg")
    return [known[n] for n in names]


def main():
    try:
        a = parse_args(sys.argv[1:])
        jobs = choose(a.boot)
    except (vfprobe_core.UsageError, checkplan.PlanError) as e:
        print(f"soak: {e} (see scripts/soak --help)", file=sys.stderr)
        sys.exit(2)
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(os.path.join(a.out, "json"))
    commit = vfprobe_core.git_commit()
    print(f"# soak: {a.repeat} repetition(s) of {len(jobs)} boot(s), {a.jobs} at once, commit {commit}"
          + (f", {a.load} CPU(s) kept busy by stress-ng" if a.load else ""), flush=True)
    runs = []
    t0 = time.monotonic()
    signal.signal(signal.SIGTERM, stop_on_signal)
    done = 0
    with Load(a.load), ThreadPoolExecutor(max_workers=a.jobs) as pool:
        # Every boot of every repetition queued at once, reported by repetition.
        queued = {rep: [pool.submit(boot_once, j, rep, a.extra, a.out) for j in jobs]
                  for rep in range(1, a.repeat + 1)}
        try:
            for rep, futures in queued.items():
                results = [f.result() for f in futures]
                report_repetition(rep, a.repeat, jobs, results, runs, t0)
                done = rep
        except KeyboardInterrupt:
            for futures in queued.values():
                for f in futures:
                    f.cancel()
            print(f"# soak: stopped after {done} whole repetition(s); the boots running now finish first",
                  flush=True)
    # Boots that finished in repetitions cut short count too, each against its own runs.
    for rep, futures in queued.items():
        if rep > done:
            for job, f in zip(jobs, futures):
                if f.done() and not f.cancelled():
                    runs.append((job.name, rep, f.result()))
                    for key in sorted(failing_points(f.result())):
                        print(f"# soak: repetition {rep} (cut short): {job.name}: not ok - {key}", flush=True)
    boots = tally(runs, done)
    with open(os.path.join(a.out, "soak.json"), "w") as f:
        json.dump({"repeat": done, "asked": a.repeat, "git_commit": commit, "load": a.load, "jobs": a.jobs,
                   "extra": a.extra, "elapsed_s": round(time.monotonic() - t0, 1),
                   "boots": boots,
                   "runs": [{"boot": b, "repetition": r, "verdict": res.get("verdict"), "wall_s": res.get("wall_s"),
                             "failing": sorted(failing_points(res))} for b, r, res in runs]}, f, indent=2)
    for line in report(boots, done):
        print(line)
    out = os.path.relpath(a.out) if a.out.startswith(ROOT + os.sep) else a.out
    print(f"# soak: {time.monotonic() - t0:.1f} s; {out}/soak.json, the failed boots' logs in {out}/logs")
    sys.exit(1 if any(v["failed"] for v in boots.values()) else 0)


if __name__ == "__main__":
    main()
