"""The host's half of suite `migrate`: the guest asks for `migrate
how=file|tcp` (scripts/qmp_events.py), the host moves the running VM into
a second QEMU started with the same command line plus `-incoming defer`,
and the runner follows that destination from then on: its stdout is the
guest's console, its stdin takes the replies, its exit status is the
verdict. The source is stopped once the destination runs.

    how=file  QMP migrate "file:DIR/vm.state" on the source, then
              migrate-incoming with the same URI on the destination
    how=tcp   migrate-incoming "tcp:127.0.0.1:0" on the destination (the
              port it got from query-migrate), then migrate on the
              source: live, over loopback

A migration QEMU refuses (a blocker, a failed stream) is an error answer
with QEMU's own text, given to the source, which still runs the guest.
The destination sends no self-announce frames (announce-rounds 0), so the
guest's rings see only its own traffic."""

import os
import re
import shutil
import subprocess
import tempfile
import time

import qmp_events

MIGRATE_TIMEOUT_S = 30.0
MIGRATE_POLL_S = 0.05
SOURCE_QUIT_TIMEOUT_S = 5.0
DEST_EXIT_WAIT_S = 2.0  # a destination that refused the stream exits on its own
HOWS = ("file", "tcp")
STATE_FILE = "vm.state"


def qemu_base(cmd):
    """cmd without its -qmp and -incoming options: each QEMU gets its own."""
    out, skip = [], False
    for a in cmd:
        if skip:
            skip = False
        elif a in ("-qmp", "-incoming"):
            skip = True
        else:
            out.append(a)
    return out


def listening_uri(channel):
    """The destination listens on port 0 (the kernel picks one, so
    parallel runs never collide); query-migrate says which it got."""
    channel.command("migrate-incoming", uri="tcp:127.0.0.1:0")
    for addr in channel.command("query-migrate").get("socket-address", []):
        if addr.get("type") == "inet" and addr.get("port", "0") != "0":
            return f"tcp:{addr['host']}:{addr['port']}"
    raise qmp_events.EventError("destination: query-migrate gave no listening TCP port")


class Destination:
    """A QEMU waiting for an incoming migration (-incoming defer) and the
    QMP channel to it, in a run directory of its own."""

    def __init__(self, cmd):
        self.rundir = tempfile.mkdtemp(prefix="vfprobe-migrate-")
        self.uri = None  # where the state came from, once migrated
        self.channel = qmp_events.Channel(self.rundir)
        self.proc = subprocess.Popen(qemu_base(cmd) + ["-incoming", "defer"] + self.channel.qemu_args(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.channel.connect(self.proc)
        except qmp_events.QmpUnreachable as e:
            self.stop()
            raise qmp_events.EventError(f"destination QEMU: {e}")

    def exit_reason(self):
        """Why the destination QEMU exited (its last line of stderr), or
        None when it still runs DEST_EXIT_WAIT_S after the failure."""
        try:
            self.proc.wait(timeout=DEST_EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            return None
        lines = self.proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
        last = re.sub(r"^\S*qemu-system-\S+: ", "", lines[-1]) if lines else "no message"
        return f"destination QEMU exited (status {self.proc.returncode}): {last}"

    def stop(self):
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.rundir, ignore_errors=True)


def wait_migration(channel, who, timeout=MIGRATE_TIMEOUT_S):
    """Poll query-migrate until completed; EventError with QEMU's
    error-desc when it failed, or when it is still going at the deadline."""
    end = time.monotonic() + timeout
    status = "none"
    while time.monotonic() < end:
        info = channel.command("query-migrate")
        status = info.get("status", "none")
        if status == "completed":
            return info
        if status in ("failed", "cancelled"):
            raise qmp_events.EventError(f"{who}: migration {status}: {info.get('error-desc', 'no reason given')}")
        time.sleep(MIGRATE_POLL_S)
    raise qmp_events.EventError(f"{who}: migration still '{status}' after {timeout:.0f} s")


def wait_running(channel, timeout=MIGRATE_TIMEOUT_S):
    """The destination runs the guest once the incoming stream is loaded."""
    end = time.monotonic() + timeout
    while True:
        status = channel.command("query-status").get("status")
        if status == "running":
            return
        if status in ("paused", "postmigrate") or time.monotonic() > end:
            channel.command("cont")
            return
        time.sleep(MIGRATE_POLL_S)


def migrate(host, how):
    """Move the VM of host.proc into a new QEMU; the Destination, running."""
    dest = Destination(host.qemu_cmd)
    try:
        # No self-announce (RARP from every NIC, net/announce.c): only the
        # guest's own frames may move a ring index across the migration.
        dest.channel.command("migrate-set-parameters", **{"announce-rounds": 0})
        if how == "file":
            uri = f"file:{os.path.join(dest.rundir, STATE_FILE)}"
            host.channel.command("migrate", uri=uri)
            wait_migration(host.channel, "source")
            dest.channel.command("migrate-incoming", uri=uri)
        else:
            uri = listening_uri(dest.channel)
            host.channel.command("migrate", uri=uri)
            wait_migration(host.channel, "source")
        wait_migration(dest.channel, "destination")
        wait_running(dest.channel)
        dest.uri = uri
    except qmp_events.EventError as e:
        why = dest.exit_reason() or str(e)
        dest.stop()
        resume_source(host.channel)
        raise qmp_events.EventError(why)
    return dest


def resume_source(channel):
    """A source paused by a migration that then failed runs the guest
    again, so the guest reads the error answer instead of waiting out its
    deadline."""
    try:
        if channel.command("query-status").get("status") in ("postmigrate", "paused", "finish-migrate"):
            channel.command("cont")
    except qmp_events.EventError:
        pass  # the source is gone too: its exit is the verdict


def stop_source(proc, channel):
    """The source after a completed migration: asked to quit, then killed."""
    try:
        channel.command("quit")
    except qmp_events.EventError:
        pass  # already gone: the kill below is a no-op
    try:
        proc.wait(timeout=SOURCE_QUIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    channel.close()


@qmp_events.handler("migrate")
def migrate_event(host, args):
    """Migrate the VM (how=file or how=tcp) and hand the run to the destination."""
    how = args.get("how", "")
    if how not in HOWS:
        raise qmp_events.EventError(f"how= must be one of {', '.join(HOWS)}, not '{how}'")
    if not getattr(host, "qemu_cmd", None):
        raise qmp_events.EventError("this QEMU's command line is unknown: nothing to start a destination from")
    t0 = time.monotonic()
    host.successor = migrate(host, how)
    dest = host.successor
    return f"migrated over {dest.uri} to QEMU pid {dest.proc.pid} in {time.monotonic() - t0:.1f} s"
