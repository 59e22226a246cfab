"""tests/harness/test_migration.py: the host's half of suite `migrate`
(scripts/migration.py): the `migrate` event's arguments and refusals
without QEMU, then two boots: one where the runner must follow each
destination QEMU (its console, stdin and exit status), one where every
destination refuses the stream, which must be a named failure in the
guest with QEMU's reason, not a hang. Run by pytest."""

import os
import re

import migration
import qmp_events
import vfprobe_core

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRATIONS = 3  # file, tcp, and file with VF Enable clear (tests/conformance/migrate.c)
BOOT_ARGS = ["--no-build", "--accel", "tcg", "--suite", "migrate", "--vfs", "3", "--timeout", "150"]
FOLLOW_LINE = "[host] following the destination QEMU, pid "


class FakeChannel:
    """QMP as a table: each command answers from `answers` (an Exception
    is raised), and is recorded."""

    def __init__(self, answers):
        self.answers, self.sent = answers, []

    def command(self, name, /, **args):
        self.sent.append(name)
        a = self.answers.get(name, {})
        if isinstance(a, Exception):
            raise a
        return a


class FakeDestination:
    def __init__(self, cmd):
        self.channel = FakeChannel({"query-migrate": {"status": "completed"}, "query-status": {"status": "running"}})
        self.rundir, self.stopped = "/nonexistent", False

    def exit_reason(self):
        return None

    def stop(self):
        self.stopped = True


def test_destination_command_line():
    """The destination is the source's command line with its own QMP
    socket and -incoming defer: the source's -qmp and any -incoming go."""
    cmd = ["qemu", "-m", "256", "-qmp", "unix:/a/qmp.sock,server=on,wait=off", "-incoming", "defer", "-S"]
    assert migration.qemu_base(cmd) == ["qemu", "-m", "256", "-S"]


def test_bad_how_is_refused():
    host = qmp_events.Host(FakeChannel({}), pf_model="virtio-net", pfs=1, vfs=3)
    host.qemu_cmd = ["qemu"]
    reply, err = host.handle("# vfprobe-event: 4 migrate how=ftp")
    assert reply == "vfprobe-reply: 4 error how= must be one of file, tcp, not 'ftp'", reply
    assert err.startswith("event 4 migrate: how=") and host.successor is None


def test_qemu_refusal_is_the_answer(monkeypatch):
    """A migration QEMU refuses (a blocker): QEMU's text is the guest's
    answer, the destination is stopped and a paused source runs again."""
    made = []
    monkeypatch.setattr(migration, "Destination", lambda cmd: made.append(FakeDestination(cmd)) or made[-1])
    blocker = qmp_events.EventError("QMP migrate: {'class': 'GenericError', 'desc': 'a device blocks migration'}")
    src = FakeChannel({"migrate": blocker, "query-status": {"status": "postmigrate"}})
    host = qmp_events.Host(src, pf_model="virtio-net", pfs=1, vfs=3)
    host.qemu_cmd = ["qemu"]
    reply, err = host.handle("# vfprobe-event: 2 migrate how=file")
    assert reply.startswith("vfprobe-reply: 2 error QMP migrate: ") and "a device blocks migration" in reply
    assert made[0].stopped and "cont" in src.sent and host.successor is None


def test_runner_follows_the_destination():
    """Each migration hands the run to a new QEMU: the guest's checks after
    it come from the destination's console, the verdict from its exit
    status, and no QEMU is left running."""
    code, res = vfprobe_core.run(BOOT_ARGS + ["--name", "migrate-follow"], summary=False)
    log = open(res["log"], errors="replace").read()
    pids = re.findall(re.escape(FOLLOW_LINE) + r"(\d+)", log)
    assert code == 0 and res["verdict"] == "pass", (res["verdict"], res["reason"])
    assert len(set(pids)) == MIGRATIONS, pids
    assert res["exit_status"] == 1 and res["counts"]["failed"] == 0
    assert all(p.poll() is not None for p in vfprobe_core.QEMUS)
    after = [t for t in res["tests"] if "no VF appears after the migration" in t["name"]]
    assert len(after) == 1 and after[0]["ok"], after


def test_failed_migration_is_a_named_failure(monkeypatch):
    """Every destination gets other RAM than the source, so QEMU refuses
    the stream: each `migrate` is a failing check naming the event with
    QEMU's reason, the guest goes on on the source, and the run ends with
    a fail verdict long before its timeout."""
    base = migration.qemu_base

    def other_ram(cmd):
        out = base(cmd)
        i = out.index("-m")
        return out[:i + 1] + [str(int(out[i + 1]) + 32)] + out[i + 2:]

    monkeypatch.setattr(migration, "qemu_base", other_ram)
    code, res = vfprobe_core.run(BOOT_ARGS + ["--name", "migrate-refused"], summary=False)
    named = [t for t in res["tests"] if not t["ok"] and "host event migrate how=" in t["name"]]
    assert code == 1 and res["verdict"] == "fail", (res["verdict"], res["reason"])
    assert len(named) == MIGRATIONS, [t["name"] for t in res["tests"] if not t["ok"]]
    assert res["wall_s"] < 120, res["wall_s"]
    assert all("destination QEMU exited" in t["yaml"]["got"] and "load of migration failed" in t["yaml"]["got"]
               for t in named), [t["yaml"]["got"] for t in named]
    assert FOLLOW_LINE not in open(res["log"], errors="replace").read()
