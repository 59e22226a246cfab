"""scripts/tapread.py: the TAP 13 stream of a boot or a test program, read
line by line as it arrives (tappy's line parser, PyYAML for the blocks).

Every test point is a dict: n, ok, name, directive ("", "SKIP" or "TODO"),
reason (the directive's text) and, when the point had one, yaml (its
rule, got and want)."""

import re

import yaml
from tap.line import Bail, Diagnostic, Plan, Result, Version
from tap.parser import Parser

BENCH = re.compile(r"^BENCH\s+(.*)$")
DEVIATION = re.compile(r"known QEMU deviation (\S+)")


def deviation_name(point):
    """The known deviation a TODO point names (its ID), else the point's name."""
    m = DEVIATION.search(point.get("reason", ""))
    return m.group(1) if m else point["name"]


def deviation_intermittent(point):
    """Does the guest say the deviation only shows under some timings?"""
    return "[intermittent]" in point.get("reason", "")


def deviations_unseen(points):
    """Known deviations that passed wherever they were checked in `points`
    (a deviation that failed on one function and passed on another is
    still seen): (no longer seen, intermittent ones not seen this time).
    Only the first is news: an intermittent deviation passes some runs."""
    todo = [p for p in points if p.get("directive") == "TODO"]
    seen = {deviation_name(p) for p in todo if not p["ok"]}
    unseen = {deviation_name(p): deviation_intermittent(p) for p in todo if p["ok"]}
    unseen = {n: i for n, i in unseen.items() if n not in seen}
    return sorted(n for n, i in unseen.items() if not i), sorted(n for n, i in unseen.items() if i)


def key_lines(text):
    return [line for line in text.splitlines() if re.match(r"^\s*\w+:", line)]


class TapReader:
    """Incremental TAP 13 reader: feed() one line at a time."""

    def __init__(self):
        self.parser = Parser()
        self.started = False
        self.points = []
        self.plan = None
        self.bail = None
        self.bench = []
        self.diags = []
        self._yaml = None  # lines of the YAML block being read, or None

    def feed(self, line):
        """Returns True when the line is part of the TAP stream."""
        if not self.started:
            i = line.find("TAP version 13")
            if i < 0:
                return False
            self.started = True
            line = line[i:]
        if self._yaml is not None:
            if line.strip() == "...":
                self._end_yaml()
            else:
                self._yaml.append(line)
            return True
        if line.strip() == "---" and self.points and line.startswith((" ", "\t")):
            self._yaml = []
            return True
        m = BENCH.match(line)
        if m:
            self.bench.append(dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv))
            return True
        t = self.parser.parse_line(line)
        if isinstance(t, Result):
            d = t.directive
            name = re.sub(r"^-\s*", "", t.description)
            self.points.append({"n": int(t.number) if t.number else len(self.points) + 1, "ok": t.ok,
                                "name": name, "directive": "SKIP" if d.skip else "TODO" if d.todo else "",
                                "reason": (d.reason or "").strip() if (d.skip or d.todo) else ""})
        elif isinstance(t, Plan):
            self.plan = t.expected_tests
        elif isinstance(t, Bail):
            self.bail = t.reason.strip()
        elif isinstance(t, Diagnostic):
            self.diags.append(t.text[1:].strip())
        elif not isinstance(t, Version):
            pass  # anything else the guest prints (OVMF, our own notes) is kept in the log only
        return True

    def _end_yaml(self):
        text = "\n".join(self._yaml)
        self._yaml = None
        try:
            block = yaml.safe_load(text)
        except yaml.YAMLError:
            block = None
        if not isinstance(block, dict):  # not one mapping: keep what each `key: value` line says
            block = {}
            for line in key_lines(text):
                k, _, v = line.strip().partition(":")
                block[k] = v.strip().strip('"')
        self.points[-1]["yaml"] = {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
                                   for k, v in block.items()}

    def finish(self):
        """End of stream: an unterminated YAML block still belongs to its point."""
        if self._yaml is not None and self.points:
            self._end_yaml()

    def counts(self):
        """passed (TODO points included), failed, skipped; todo: failing TODO
        points; xpass: passing TODO points (whether their deviation is still
        seen elsewhere in the run is deviations_unseen()'s question)."""
        c = {"passed": 0, "failed": 0, "skipped": 0, "todo": 0, "xpass": 0}
        for p in self.points:
            if p["directive"] == "SKIP":
                c["skipped"] += 1
            elif p["ok"] or p["directive"] == "TODO":
                c["passed"] += 1
                c["todo"] += not p["ok"]
                c["xpass"] += p["ok"] and p["directive"] == "TODO"
            else:
                c["failed"] += 1
        return c
