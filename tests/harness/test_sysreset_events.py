"""tests/harness/test_sysreset_events.py: the host's half of suite
`sysreset` (scripts/sysreset_events.py) without QEMU: the reset is QMP
system_reset with -no-reboot's shutdown lifted for that one request, no
answer goes to the vanished guest, and boot-count tells each boot its
number with the first boot's words handed back unchanged. The boot
itself is `[sysreset-3vf]` of tests/topologies.cfg. Run by pytest."""

import pytest
import qmp_events
import sysreset_events  # noqa: F401 (registers the handlers under test)

CARRIED = "passed=8 failed=0 skipped=0 todo=0 total=8 caps=100:10,140:0"


class FakeChannel:
    def __init__(self, fail=None):
        self.sent, self.fail = [], fail

    def command(self, name, /, **args):
        self.sent.append((name, args))
        if name == self.fail:
            raise qmp_events.EventError(f"QMP {name}: refused")
        return {}


@pytest.fixture
def host():
    return qmp_events.Host(FakeChannel(), pf_model="virtio-net", pfs=1, vfs=3)


def test_boot_count_before_any_reset(host):
    assert host.handle("# vfprobe-event: 1 boot-count") == ("vfprobe-reply: 1 ok boot=1", None)
    assert host.channel.sent == []


def test_reset_then_second_boot(host):
    assert host.handle(f"# vfprobe-event: 2 sysreset {CARRIED}") == (None, None)
    assert host.channel.sent == [("set-action", {"reboot": "reset"}), ("system_reset", {}),
                                 ("set-action", {"reboot": "shutdown"})]
    assert host.handle("# vfprobe-event: 1 boot-count") == (f"vfprobe-reply: 1 ok boot=2 {CARRIED}", None)


def test_refused_reset_restores_shutdown():
    """A system_reset QEMU refuses: the guest gets the error, and a later
    guest reset is still an exit (-no-reboot), not a silent reboot."""
    host = qmp_events.Host(FakeChannel(fail="system_reset"), pf_model="virtio-net", pfs=1, vfs=3)
    reply, err = host.handle("# vfprobe-event: 2 sysreset total=0")
    assert reply == "vfprobe-reply: 2 error QMP system_reset: refused" and err
    assert host.channel.sent[-1] == ("set-action", {"reboot": "shutdown"})
    assert host.handle("# vfprobe-event: 3 boot-count")[0] == "vfprobe-reply: 3 ok boot=1"


@pytest.mark.parametrize("line,error", [
    ("# vfprobe-event: 4 boot-count fn=1", "boot-count takes no arguments, not fn=1"),
    ("# vfprobe-event: 5 sysreset boot=3", "sysreset takes the first boot's state, not boot="),
])
def test_bad_requests(host, line, error):
    reply, err = host.handle(line)
    assert reply.startswith(f"vfprobe-reply: {line.split()[2]} error {error}") and error in err
    assert ("system_reset", {}) not in host.channel.sent
