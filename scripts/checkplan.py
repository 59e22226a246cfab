"""scripts/checkplan.py: which jobs `scripts/check` runs.

A job is one host unit test, the lint run, one harness test file or one
conformance boot of tests/topologies.cfg. Groups (like kvm-unit-tests'
`-g`): a boot is in the groups its section lists, in the group of every
suite it runs and in the group of its PF model; unit tests are in `unit`,
lint in `lint`, harness tests in `harness`. A shard I/N is every Nth job of
the selected list, starting at the Ith: the shards partition it."""

import configparser
import os
import re
import shlex
from dataclasses import dataclass, field

SHARD = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


class PlanError(Exception):
    pass


@dataclass
class Job:
    name: str
    kind: str  # unit, lint, harness, boot
    groups: set = field(default_factory=set)
    args: str = ""  # boot: scripts/vfprobe options; unit, harness: the file


def boot_groups(section_groups, args):
    """The groups of one boot: its section's, its suites', its PF model's."""
    groups = set(section_groups.split())
    argv = shlex.split(args)
    for opt, default in (("--suite", None), ("--pf-model", "virtio-net")):
        value = argv[argv.index(opt) + 1] if opt in argv[:-1] else default
        if value:
            groups |= set(value.split(","))
    return groups


def load_boots(cfg_path):
    cfg = configparser.ConfigParser()
    if not cfg.read(cfg_path):
        raise PlanError(f"cannot read {cfg_path}")
    return [Job(s, "boot", boot_groups(cfg[s].get("groups", "check"), cfg[s]["args"]), cfg[s]["args"])
            for s in cfg.sections()]


def harness_jobs(harness_dir):
    files = sorted(f for f in os.listdir(harness_dir) if f.startswith("test_") and f.endswith(".py"))
    return [Job(f, "harness", {"harness"}, os.path.join(harness_dir, f)) for f in files]


def plan(units, harness_dir, cfg_path, full=False, unit_only=False, group=None):
    """The ordered job list: units, lint, harness files, boots."""
    jobs = [Job(f"unit {os.path.basename(u)}", "unit", {"unit"}, u) for u in units]
    jobs.append(Job("lint", "lint", {"lint"}))
    if unit_only:
        return jobs
    jobs += harness_jobs(harness_dir)
    boots = load_boots(cfg_path)
    if group is None:
        wanted = {"check", "full"} if full else {"check"}
        return jobs + [b for b in boots if b.groups & wanted]
    chosen = [j for j in jobs + boots if group in j.groups]
    if not chosen:
        known = sorted(set().union(*(j.groups for j in jobs + boots)))
        raise PlanError(f"no job is in group '{group}' (groups: {', '.join(known)})")
    return chosen


def parse_shard(text):
    """'I/N' -> (I, N), 1 <= I <= N."""
    m = SHARD.match(text or "")
    if not m or int(m.group(1)) > int(m.group(2)):
        raise PlanError(f"--shard wants I/N with 1 <= I <= N, not '{text}'")
    return int(m.group(1)), int(m.group(2))


def shard(jobs, i, n):
    """Shard i of n (1-based): jobs i-1, i-1+n, i-1+2n, ... of the list."""
    return jobs[i - 1::n]
