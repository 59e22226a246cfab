"""Events the guest asks the host for during a run, served over QMP.

Every QEMU the runner starts gets a QMP socket (QEMU's own qemu.qmp
library, python/qemu/qmp of the QEMU source, cached by scripts/deps). The
guest asks for an event with one line on COM1 (firmware/lib/host_event.h):

    # vfprobe-event: SEQ NAME [KEY=VALUE ...]

the host acts, then answers on the guest's COM1 (QEMU's stdin):

    vfprobe-reply: SEQ ok TEXT
    vfprobe-reply: SEQ error TEXT

SEQ is the guest's number for the request, so an answer that comes too
late for one request is never taken for the next. A new event is one
function here under @handler("name"): it gets the Host and the request's
key=value arguments and returns the reply text, or raises EventError, or
returns None when the guest will not be there to read an answer (after a
reset, say).
"""

import logging
import os
import re
import sys
import time

import topology

EVENT_PREFIX = "# vfprobe-event: "
REPLY_PREFIX = "vfprobe-reply: "
EVENT_RE = re.compile(r"^# vfprobe-event: (\d+) ([a-z][a-z0-9-]*)((?: [a-z][a-z0-9_-]*=\S+)*)\s*$")
QMP_CONNECT_TIMEOUT_S = 10.0
QMP_COMMAND_TIMEOUT_S = 5.0
QMP_CONNECT_RETRY_S = 0.05
QMP_SOCKET = "qmp.sock"

HANDLERS = {}


class QmpUnreachable(Exception):
    """The QMP socket of a QEMU could not be reached: one line saying why."""


class EventError(Exception):
    """A request the host refuses: its text is the guest's answer."""


def use_library(path):
    """Put QEMU's python/ directory (scripts/deps' QEMU_PYTHON) on the import path."""
    if path and path not in sys.path:
        sys.path.insert(0, path)
    # Failures reach the run as exceptions, reported by the runner.
    log = logging.getLogger("qemu.qmp")
    log.addHandler(logging.NullHandler())
    log.propagate = False


def _legacy():
    try:
        from qemu.qmp import legacy
    except ImportError as e:
        raise QmpUnreachable(f"QEMU's Python QMP library (qemu.qmp) is not importable ({e}): run `make deps`")
    return legacy


class Channel:
    """The QMP connection to one QEMU: QEMU listens on a socket in rundir
    (server=on,wait=off), the runner connects once QEMU has made it."""

    def __init__(self, rundir):
        self.path = os.path.join(rundir, QMP_SOCKET)
        self.qmp = None

    def qemu_args(self):
        return ["-qmp", f"unix:{self.path},server=on,wait=off"]

    def connect(self, proc, timeout=QMP_CONNECT_TIMEOUT_S):
        legacy = _legacy()
        end = time.monotonic() + timeout
        why = "no socket"
        while True:
            if proc.poll() is not None:
                raise QmpUnreachable(f"QEMU exited (status {proc.returncode}) before its QMP socket {self.path} "
                                     f"answered ({why})")
            qmp = legacy.QEMUMonitorProtocol(self.path)
            try:
                qmp.connect()
                qmp.settimeout(QMP_COMMAND_TIMEOUT_S)
                self.qmp = qmp
                return
            except (OSError, legacy.QMPError) as e:
                why = str(e) or type(e).__name__
                qmp.close()
            if time.monotonic() > end:
                raise QmpUnreachable(f"QMP socket {self.path} did not answer within {timeout:.0f} s ({why})")
            time.sleep(QMP_CONNECT_RETRY_S)

    def command(self, name, /, **args):
        """The command's return value; EventError with QEMU's reason."""
        if self.qmp is None:
            raise EventError("no QMP connection")
        legacy = _legacy()
        try:
            return self.qmp.cmd(name, **args)
        except legacy.QMPError as e:
            raise EventError(f"QMP {name}: {e}")
        except Exception as e:  # a dead QEMU or a timed-out command
            raise EventError(f"QMP {name}: {type(e).__name__} {e}".rstrip())

    def close(self):
        if self.qmp is not None:
            try:
                self.qmp.close()
            except Exception:
                pass  # QEMU is gone already: nothing left to close
            self.qmp = None


class Host:
    """What the handlers act on: the QMP channel and the topology."""

    def __init__(self, channel, pf_model=None, pfs=0, vfs=0):
        self.channel, self.pf_model, self.pfs, self.vfs = channel, pf_model, pfs, vfs
        self.qemu_cmd = None  # the QEMU command line, for a migration's destination
        self.successor = None  # a handler's new QEMU the runner follows from now on
        self.kept = {}  # what handlers keep between requests, for this QEMU's life

    def netdev_of(self, fn):
        """The netdev id of guest function number fn, the inverse of
        backends.function_index."""
        if not self.pf_model:
            raise EventError("this QEMU has no topology to act on")
        pf, vf = divmod(fn, self.vfs + 1)
        if pf >= self.pfs:
            raise EventError(f"fn={fn} is not a function of {self.pfs} PF(s) with {self.vfs} VFs each")
        return topology.netdev_id(pf, vf)

    def handle(self, line):
        """The reply line to a guest's event line (None: no answer), and a
        one-line error for the host's own output when the request was
        refused (else None). None, None when the line is no request."""
        if not line.startswith(EVENT_PREFIX):
            return None, None
        m = EVENT_RE.match(line)
        if not m:
            text = f"malformed event request {line[len(EVENT_PREFIX):]!r}"
            return f"{REPLY_PREFIX}0 error {text}", text
        seq, name = m.group(1), m.group(2)
        args = dict(w.split("=", 1) for w in m.group(3).split())
        fn = HANDLERS.get(name)
        try:
            if fn is None:
                raise EventError(f"unknown event '{name}' (known: {', '.join(sorted(HANDLERS))})")
            text = fn(self, args)
            return (None if text is None else f"{REPLY_PREFIX}{seq} ok {text}"), None
        except EventError as e:
            return f"{REPLY_PREFIX}{seq} error {e}", f"event {seq} {name}: {e}"


def handler(name):
    def register(fn):
        HANDLERS[name] = fn
        return fn
    return register


def _function(args):
    v = args.get("fn", "")
    if not v.isdigit():
        raise EventError(f"fn= must be a function number, not '{v}'")
    return int(v)


def _set_link(host, args, up):
    netdev = host.netdev_of(_function(args))
    host.channel.command("set_link", name=netdev, up=up)
    return f"set_link {netdev} {'up' if up else 'down'}"


@handler("link-down")
def link_down(host, args):
    """Take the link of function fn= down (QMP set_link on its netdev)."""
    return _set_link(host, args, False)


@handler("link-up")
def link_up(host, args):
    """Bring the link of function fn= back up."""
    return _set_link(host, args, True)
