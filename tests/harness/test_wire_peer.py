"""tests/harness/test_wire_peer.py: the runner's host port on the wire
(scripts/wire_peer.py) catches what the functions' checks of each other
cannot.

- compare() on frames made here: a changed byte, a short frame, a lost
  one, a duplicate, a frame from a function the port does not hear and a
  byte total that disagrees are each a named failing point.
- A boot whose host port sends, and expects, other content than the
  guest's (frames.build changed in this process): the host's points fail
  and so do the guest's. The host port on testpmd (vhost-user) passes.
- The fault QEMU (scripts/qemu-faults.patch): with tx_rx_flip every frame
  over 60 bytes is changed on TX and changed back on RX, so the functions
  hear each other intact and only the host port sees the fault, from both
  ends; with rx_corrupt the guest's check of the host's frames fails.

Run by pytest."""

import frames
import pytest
import vfprobe_core
import wire_peer

MAC = bytes.fromhex("5254005f0001")
FUNCTION_POINT = "wire: host port hub: function 1: every frame it sent arrived once, byte for byte"
STRAY_POINT = "wire: host port hub: no frame from a function it does not hear"
GUEST_POINT = "host port: its 16 frames of 60..1514 bytes arrived intact"


def sent(n=4):
    """Function 1's frames 0..n-1 and its wire line."""
    fs = [frames.build(60 + 100 * q, 1, q, MAC) for q in range(n)]
    return fs, {1: (MAC, n, sum(map(len, fs)))}


def verdicts(captured, senders):
    return {name: (ok, got) for ok, name, got, _ in wire_peer.compare("hub", {1}, captured, senders)}


def test_intact_frames_pass():
    fs, senders = sent()
    v = verdicts(fs, senders)
    assert v[FUNCTION_POINT][0] and v[STRAY_POINT][0], v


def test_order_is_not_judged():
    """A busy host port makes QEMU send queued frames late (net/queue.c:210)."""
    fs, senders = sent()
    assert verdicts(fs[::-1], senders)[FUNCTION_POINT][0]


@pytest.mark.parametrize("change,text", [
    (lambda fs: [fs[0], fs[1][:-1] + bytes([fs[1][-1] ^ 1])] + fs[2:], "1 differ"),
    (lambda fs: [fs[0], fs[1][:-4]] + fs[2:], "1 differ"),
    (lambda fs: fs[:2] + fs[3:], "1 missing"),
    (lambda fs: fs + [fs[2]], "1 extra"),
    (lambda fs: fs + [frames.build(60, 1, 4, MAC)], "1 extra"),
], ids=["changed-byte", "short-frame", "lost", "duplicate", "unreported"])
def test_a_wrong_frame_fails_its_point(change, text):
    fs, senders = sent()
    ok, got = verdicts(change(fs), senders)[FUNCTION_POINT]
    assert not ok and text in got, got


def test_frames_a_reset_cut_off_may_be_missing():
    """A reset with frames posted drops them unsent (the ledger's txu)."""
    fs, senders = sent()
    captured = fs[:2]
    ok = {n: o for o, n, _, _ in wire_peer.compare("hub", {1}, captured, senders, {1: 2})}
    assert ok[FUNCTION_POINT]
    ok = {n: o for o, n, _, _ in wire_peer.compare("hub", {1}, captured, senders, {1: 1})}
    assert not ok[FUNCTION_POINT]


def test_byte_total_must_agree():
    fs, senders = sent()
    mac, n, nbytes = senders[1]
    assert not verdicts(fs, {1: (mac, n, nbytes + 1)})[FUNCTION_POINT][0]


def test_a_function_the_port_does_not_hear_fails():
    fs, senders = sent()
    ok, got = verdicts(fs + [frames.build(60, 2, 0, MAC)], senders)[STRAY_POINT]
    assert not ok and "sender 2" in got, got


def test_no_wire_line_fails():
    fs, _ = sent()
    assert not verdicts(fs, {})[FUNCTION_POINT][0]


def test_host_frames_cover_every_length():
    lengths = [frames.host_len(q) for q in range(frames.HOST_COUNT)]
    assert (lengths[0], lengths[-1], frames.host_len(frames.HOST_COUNT)) == (60, 1514, 60)


def boot(name, qemu=None):
    argv = ["--suite", "net", "--vfs", "1", "--mode", "short", "--no-build", "--quiet", "--name", name]
    code, res = vfprobe_core.run(argv + (["--qemu", qemu] if qemu else []), summary=False)
    failing = {p["name"] for p in res["tests"] if not p["ok"] and p["directive"] != "TODO"}
    return res["verdict"], failing


def test_host_port_passes_on_a_sound_device():
    verdict, failing = boot("wire-peer-sound")
    assert (verdict, failing) == ("pass", set())


def test_host_port_on_the_switch():
    """By default VF1 (alone with 1 VF) is linked with the host through testpmd."""
    argv = ["--suite", "net", "--vfs", "1", "--mode", "short", "--no-build", "--quiet", "--name", "wire-peer-switch",
            "--backend", "vhost-user"]
    _, res = vfprobe_core.run(argv, summary=False)
    names = {p["name"] for p in res["tests"] if p["ok"]}
    assert res["verdict"] == "pass", res["reason"]
    assert {"wire: host port veth: function 1: every frame it sent arrived once, byte for byte",
            f"net: pf0.vf1 01:00.1: {GUEST_POINT}"} <= names


def test_other_content_fails_on_both_ends(monkeypatch):
    """The host sends and expects frames whose last byte differs (over 60 bytes)."""
    build = frames.build

    def other(length, sender, seq, src):
        f = bytearray(build(length, sender, seq, src))
        if len(f) > 60:
            f[-1] ^= 0x55
        return bytes(f)

    monkeypatch.setattr(frames, "build", other)
    verdict, failing = boot("wire-peer-other-content")
    assert verdict == "fail"
    assert {FUNCTION_POINT, "wire: host port hub: function 0: every frame it sent arrived once, byte for byte",
            f"net: pf0 01:00.0: {GUEST_POINT}", f"net: pf0.vf1 01:00.1: {GUEST_POINT}"} <= failing, failing


def test_bad_hostport_is_a_one_line_bail_out():
    argv = ["--suite", "net", "--vfs", "1", "--mode", "short", "--no-build", "--quiet", "--name", "wire-peer-bad",
            "--", "-append", "suite=net vfs=1 hostport=1-x"]
    _, res = vfprobe_core.run(argv, summary=False)
    assert res["verdict"] == "bail" and "hostport is a function list N[-M][,N[-M]...], not '1-x'" in res["reason"], \
        res["reason"]


@pytest.fixture(scope="module")
def faults_qemu():
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    if not deps.get("QEMU_FAULTS"):
        pytest.skip(f"no fault-injection QEMU (QEMU={deps['QEMU']} is not our cached build)")
    return deps["QEMU_FAULTS"]


def fault_boot(monkeypatch, qemu, fault):
    monkeypatch.setenv("VFPROBE_FAULT", fault)
    return boot(f"wire-peer-fault-{fault}", qemu)


def test_symmetric_fault_is_caught_by_the_host_port_only(monkeypatch, faults_qemu):
    with open(faults_qemu, "rb") as f:
        if b"tx_rx_flip" not in f.read():
            pytest.skip(f"{faults_qemu} predates tx_rx_flip in scripts/qemu-faults.patch: scripts/deps rebuilds it "
                        "when QEMU_RECIPE changes")
    verdict, failing = fault_boot(monkeypatch, faults_qemu, "tx_rx_flip")
    assert verdict == "fail"
    assert not [n for n in failing if "received intact" in n], "the functions must hear each other intact"
    assert {FUNCTION_POINT, f"net: pf0.vf1 01:00.1: {GUEST_POINT}"} <= failing, failing


def test_rx_corrupt_fails_the_guests_check_of_the_host(monkeypatch, faults_qemu):
    verdict, failing = fault_boot(monkeypatch, faults_qemu, "rx_corrupt")
    assert verdict == "fail" and f"net: pf0.vf1 01:00.1: {GUEST_POINT}" in failing, failing
