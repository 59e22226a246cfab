"""tests/harness/test_host_events.py: the guest's event requests and the
host's answers (scripts/qmp_events.py, firmware/lib/host_event.h).

The grammar and the function-to-netdev map are checked without QEMU; then
a boot whose requests the host must refuse (one-line errors on the host, a
negative answer to the guest), and a boot with nobody to answer (the guest
reports a failure naming the event instead of hanging). Run by pytest."""

import os
import subprocess

import pytest
import qmp_events
import topology
import vfprobe_core

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VFPROBE = os.path.join(ROOT, "scripts", "vfprobe")
GUEST_EVENT_TIMEOUT_S = 10  # EVENT_TIMEOUT_US of tests/conformance/link.c


class FakeChannel:
    def __init__(self):
        self.sent = []

    def command(self, name, /, **args):
        self.sent.append((name, args))
        return {}


@pytest.fixture
def host():
    return qmp_events.Host(FakeChannel(), pf_model="virtio-net", pfs=2, vfs=3)


@pytest.mark.parametrize("fn,netdev", [(0, "pf0net"), (3, "pf0vf3"), (4, "pf1net"), (5, "pf1vf1")])
def test_function_to_netdev(host, fn, netdev):
    """Guest function numbers are backends.function_index's."""
    reply, err = host.handle(f"# vfprobe-event: 7 link-down fn={fn}")
    assert (reply, err) == (f"vfprobe-reply: 7 ok set_link {netdev} down", None)
    assert host.channel.sent == [("set_link", {"name": netdev, "up": False})]
    assert topology.netdev_id(*divmod(fn, 4)) == netdev


@pytest.mark.parametrize("line,reply,err", [
    ("# vfprobe-event: 3 teleport", "vfprobe-reply: 3 error unknown event 'teleport'", "event 3 teleport: unknown"),
    ("# vfprobe-event: 4 link-up fn=8", "vfprobe-reply: 4 error fn=8 is not a function", "event 4 link-up: fn=8"),
    ("# vfprobe-event: 5 link-up", "vfprobe-reply: 5 error fn= must be a function number", "event 5 link-up"),
    ("# vfprobe-event: link-up fn=1", "vfprobe-reply: 0 error malformed event request", "malformed"),
], ids=["unknown event", "no such function", "no fn", "no seq"])
def test_refused(host, line, reply, err):
    """A request the host cannot serve: an error answer and a one-line error."""
    got_reply, got_err = host.handle(line)
    assert got_reply.startswith(reply) and got_err.startswith(err) and "\n" not in got_err, (got_reply, got_err)
    assert host.channel.sent == []


def test_no_answer(host, monkeypatch):
    """A handler after which the guest cannot read (a reset) answers nothing."""
    monkeypatch.setitem(qmp_events.HANDLERS, "vanish", lambda h, args: None)
    assert host.handle("# vfprobe-event: 9 vanish") == (None, None)


def test_not_a_request(host):
    assert host.handle("# vfprobe: options ...") == (None, None)
    assert host.handle("ok 1 - link: # vfprobe-event: 1 link-up fn=1") == (None, None)


def test_refusals_reach_the_guest():
    """selftest-event asks for what the host must refuse: each refusal is
    one line on the host's stderr and a passing check in the guest."""
    r = subprocess.run([VFPROBE, "--no-build", "--accel", "tcg", "--suite", "selftest-event", "--vfs", "1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=vfprobe_core.BOOT_TIMEOUT_S)
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == 0 and "3 passed, 0 failed" in r.stdout, r.stdout[-800:]
    assert len(errors) == 3 and all(e.startswith("vfprobe: event ") for e in errors), errors
    assert "unknown event 'no-such-event' (known: " in errors[0] and "link-down, link-up" in errors[0], errors[0]


def test_no_host_to_answer():
    """The link suite booted with nobody reading its requests: every
    request runs to its deadline and fails naming the event; the guest
    finishes with a fail verdict, it does not hang."""
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    cmdline = vfprobe_core.guest_cmdline("link", 1, 1, "virtio-net", "short")
    cmd = (vfprobe_core.base_cmd(deps["QEMU"], deps["OVMF"], "tcg", 512)
           + vfprobe_core.boot_args(os.path.join(ROOT, "build", "test.efi"), False, cmdline)
           + topology.device_args("virtio-net", 1, 1))
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=vfprobe_core.BOOT_TIMEOUT_S + 4 * GUEST_EVENT_TIMEOUT_S)
    out = r.stdout.decode("utf-8", "replace")
    named = [line for line in out.splitlines()
             if line.startswith("not ok") and "host event link-down fn=1 answered" in line]
    assert r.returncode == 3, ("the guest's fail verdict", r.returncode, out[-600:])
    assert len(named) == 1 and "no reply to event" in out, out[-600:]
