"""tests/harness/taplite.py: TAP 13 output for the host-side harness tests,
with the same conventions as the guest's firmware/lib/tap.c."""

import sys


class Tap:
    def __init__(self, prefix):
        self.prefix = prefix
        self.n = 0
        self.failed = 0
        print("TAP version 13", flush=True)

    def check(self, ok, name, got=None, want=None, rule=None, todo=None):
        """One test point. todo: a known QEMU deviation; its failure is shown
        as TAP TODO and does not fail the run (as tap_check_kfail())."""
        self.n += 1
        self.failed += not ok and not todo
        print(f"{'ok' if ok else 'not ok'} {self.n} - {self.prefix}: {name}" + (f" # TODO {todo}" if todo else ""))
        if not ok:
            print("  ---")
            if rule:
                print(f"  rule: \"{rule}\"")
            print(f"  got: \"{got}\"\n  want: \"{want}\"\n  ...")
        sys.stdout.flush()
        return ok

    def done(self):
        """Plan, summary line, and the exit status: 1 if any check failed."""
        print(f"1..{self.n}")
        print(f"# {self.n - self.failed} passed, {self.failed} failed, 0 skipped", flush=True)
        sys.exit(1 if self.failed else 0)
