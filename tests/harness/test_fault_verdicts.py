"""tests/harness/test_fault_verdicts.py: what the runner says when the
host side of a run fails, not the device: QEMU killed mid-run, a backend
(testpmd) killed mid-run, the guest stopped over QMP past the timeout, QMP
unreachable. Each asserts the verdict (or the one-line error) and how soon
it comes. Run by pytest."""

import os
import shutil
import stat
import subprocess
import threading
import time

import pytest
import switch
import vfprobe_core

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VFPROBE = os.path.join(ROOT, "scripts", "vfprobe")
KILL_VERDICT_S = 2        # a killed QEMU is a verdict within this
STOP_TIMEOUT_S = 15       # --timeout of the stopped guest
TIMEOUT_SLACK_S = 10
WAIT_S = 60               # for the guest to start printing TAP
BACKEND_VERDICT_S = 150   # a killed backend's VFs fail fast: the run ends within this


class Boot(threading.Thread):
    """vfprobe_core.run in a thread, so the test can act on its QEMU."""

    def __init__(self, name, *argv):
        super().__init__(daemon=True)
        self.name_, self.argv = name, ["--no-build", "--accel", "tcg", "--name", name, *argv]
        self.log = os.path.join(ROOT, "build", "logs", f"{name}.log")
        self.result = self.done_at = None

    def run(self):
        try:
            self.result = vfprobe_core.run(self.argv, summary=False)
        finally:
            self.done_at = time.monotonic()

    def wait_for_log(self, text):
        end = time.monotonic() + WAIT_S
        while time.monotonic() < end and self.is_alive():
            if os.path.exists(self.log) and text in open(self.log, errors="replace").read():
                return
            time.sleep(0.1)
        pytest.fail(f"{self.log} never showed {text!r}")


@pytest.fixture(autouse=True)
def stale_log():
    """Each boot writes a fresh log: remove the last run's before starting."""
    for name in ("fault-killed", "fault-stopped", "fault-backend-killed"):
        path = os.path.join(ROOT, "build", "logs", f"{name}.log")
        if os.path.exists(path):
            os.remove(path)


def test_qemu_killed_mid_run(capsys):
    """SIGKILL to QEMU while the guest runs: qemu-failure within 2 s, with
    the last lines of the log shown."""
    boot = Boot("fault-killed", "--suite", "selftest-hang", "--timeout", "120")
    boot.start()
    boot.wait_for_log("# suite selftest-hang")
    proc = vfprobe_core.QEMUS[-1]
    killed_at = time.monotonic()
    proc.kill()
    boot.join(WAIT_S)
    assert boot.done_at is not None, "the run did not end after QEMU was killed"
    code, res = boot.result
    out = capsys.readouterr().out
    assert (code, res["verdict"]) == (1, "qemu-failure"), res["reason"]
    assert "killed by signal 9" in res["reason"], res["reason"]
    assert boot.done_at - killed_at < KILL_VERDICT_S, f"verdict after {boot.done_at - killed_at:.2f} s"
    assert "# last lines of" in out and "selftest-hang" in out.split("# last lines of")[1], out[-600:]


@pytest.mark.skipif(shutil.which("dpdk-testpmd") is None, reason="no dpdk-testpmd (make deps installs dpdk-dev)")
def test_backend_killed_mid_run():
    """testpmd SIGKILLed (and not restarted) while the net suite runs on
    --backend vhost-user: the VFs it served fail naming the backend, the
    PF (on the hub) and the VF on testpmd's null port go on, the host
    says testpmd died, and the run ends with a fail verdict, not a hang."""
    # vf3 on testpmd's null port, not the host port: a VF the kill leaves alone.
    boot = Boot("fault-backend-killed", "--suite", "net", "--vfs", "3", "--backend", "vhost-user",
                "--no-host-port-on-switch", "--timeout", "600")
    boot.start()
    boot.wait_for_log(" - net: ")
    testpmd = next(iter(switch.LIVE))
    killed_at = time.monotonic()
    testpmd.kill()
    boot.join(BACKEND_VERDICT_S)
    assert boot.done_at is not None, f"no verdict {BACKEND_VERDICT_S} s after testpmd was killed"
    code, res = boot.result
    assert (code, res["verdict"]) == (1, "fail"), res["reason"]
    failing = [p for p in res["tests"] if not p["ok"] and not p["directive"]]
    served = ("net: pf0.vf1 ", "net: pf0.vf2 ")  # testpmd's port pair; vf3 is on its null port
    vfs = [p for p in failing if p["name"].startswith(served)]
    assert vfs and all("its backend vhost-user is gone" in p["yaml"]["got"] for p in vfs), vfs
    assert [p["name"] for p in failing if p["name"].startswith("switch: ")] == [
        "switch: testpmd (the vhost-user backend) served the whole boot"], failing
    others = [p["name"] for p in failing if not p["name"].startswith(served + ("switch: ",))]
    assert not others, others
    pf = [p for p in res["tests"] if p["name"].startswith("net: pf0 ") and not p["directive"]]
    assert pf and all(p["ok"] for p in pf), pf
    assert boot.done_at - killed_at < BACKEND_VERDICT_S


def test_guest_stopped_past_timeout(tmp_path):
    """QMP `stop` (from a second QMP monitor of the test's own) and the
    guest never finishes: timeout at --timeout, the VM named as paused."""
    vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))  # puts qemu.qmp on the path
    from qemu.qmp import legacy
    sock = str(tmp_path / "test-qmp.sock")
    boot = Boot("fault-stopped", "--suite", "boot", "--timeout", str(STOP_TIMEOUT_S), "--",
                "-qmp", f"unix:{sock},server=on,wait=off")
    started = time.monotonic()
    boot.start()
    end = time.monotonic() + WAIT_S
    while not os.path.exists(sock) and time.monotonic() < end:
        time.sleep(0.05)
    qmp = legacy.QEMUMonitorProtocol(sock)
    qmp.connect()
    qmp.cmd("stop")
    qmp.close()
    boot.join(STOP_TIMEOUT_S + TIMEOUT_SLACK_S + WAIT_S)
    code, res = boot.result
    assert (code, res["verdict"]) == (1, "timeout"), res["reason"]
    assert "the VM was paused" in res["reason"], res["reason"]
    assert boot.done_at - started < STOP_TIMEOUT_S + TIMEOUT_SLACK_S


def test_qmp_unreachable(tmp_path):
    """A QEMU that never opens its QMP socket (a wrapper drops -qmp): a
    one-line error, exit 2, and no QEMU left behind."""
    deps = vfprobe_core.resolve_deps(vfprobe_core.make_parser().parse_args([]))
    wrapper = tmp_path / "qemu-without-qmp"
    wrapper.write_text("#!/bin/sh\n"
                       "n=$#; skip=0\n"
                       "while [ $n -gt 0 ]; do\n"
                       "  a=$1; shift; n=$((n - 1))\n"
                       "  if [ $skip = 1 ]; then skip=0; elif [ \"$a\" = -qmp ]; then skip=1; "
                       "else set -- \"$@\" \"$a\"; fi\n"
                       "done\n"
                       f"exec '{deps['QEMU']}' \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    tag = f"vfprobe-{tmp_path.name}"
    r = subprocess.run([VFPROBE, "--no-build", "--accel", "tcg", "--qemu", str(wrapper), "--suite", "selftest-hang",
                        "--timeout", "60", "--", "-name", tag],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=vfprobe_core.BOOT_TIMEOUT_S)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert (r.returncode, len(lines)) == (2, 1), r.stderr
    assert "QMP socket" in lines[0] and "did not answer" in lines[0], lines[0]
    left = subprocess.run(["pgrep", "-f", tag], stdout=subprocess.PIPE, text=True).stdout
    assert not left.strip(), f"QEMU left running: {left}"
