"""DPDK's testpmd as the VFs' switch (--backend vhost-user).

One vhost-user port per VF (`--vdev net_vhostN,iface=SOCKET`, testpmd the
server), io forwarding between port pairs, no hugepages (`--no-huge`,
IOVA as VA), its own --file-prefix and RUNTIME_DIRECTORY so that parallel
runs do not collide. The runner starts it before QEMU and stops it after,
on every exit path; stop() returns the per-port forward statistics that
testpmd prints when it stops, which cross_check() compares with the
guest's ledger (tests/conformance/virtio_env.h, venv_ledger)."""

import atexit
import os
import re
import shutil
import signal
import subprocess
import time

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15
MBUFS = 16384
MEM_MB = 512
RESTART_GAP_S = 1.0
RESTART_LINE = "# backend: restart the switch now"  # tests/conformance/backend_restart.c

FWD_PORT = re.compile(r"Forward statistics for port\s+(\d+)")
FWD_FIELDS = re.compile(r"(RX|TX)-(packets|dropped):\s*(\d+)")
LEDGER = re.compile(r"^ledger: fn (\d+) tx (\d+) txu (\d+) rx (\d+) rxu (\d+)$")


class SwitchError(Exception):
    """testpmd could not serve the run: one line naming the fix."""


def binary():
    b = shutil.which("dpdk-testpmd")
    if not b:
        raise SwitchError("dpdk-testpmd not found: run `make deps` (it installs Debian's dpdk-dev) "
                          "or use --backend hub")
    return b


LIVE = set()  # started and not yet stopped: stopped at exit whatever happens


@atexit.register
def _stop_all():
    for t in list(LIVE):
        t.stop()


class Testpmd:
    def __init__(self, rundir, ports, queues=1, host_iface=None):
        """ports: testpmd's ports in order, (function index, socket path),
        (None, None) for a null port that only swallows what it gets, or
        with host_iface a net_af_packet port on that interface (the
        runner's host port, scripts/wire_peer.py)."""
        self.rundir = rundir
        self.host_iface = host_iface
        self.ports = ports
        self.queues = queues
        self.proc = None
        self.log_path = os.path.join(rundir, "testpmd.log")
        self.stats = {}  # port -> counts, summed over the runs that were stopped cleanly
        self.restarted = False
        self.died = None  # how testpmd ended when it was gone before stop() (killed mid-run), else None

    def command(self):
        cmd = [binary(), "-l", "0,1", "--no-huge", "-m", str(MEM_MB), "--no-pci", "--log-level", "lib.eal:error",
               "--file-prefix", os.path.basename(self.rundir)]
        for i, (_, sock) in enumerate(self.ports):
            filler = f"net_af_packet{i},iface={self.host_iface}" if self.host_iface else f"net_null{i},no-rx=1"
            cmd += ["--vdev", f"net_vhost{i},iface={sock},queues={self.queues}" if sock else filler]
        return cmd + ["--", "--forward-mode=io", "--port-topology=paired", "--auto-start", "--stats-period", "1",
                      "--nb-cores=1", f"--rxq={self.queues}", f"--txq={self.queues}",
                      f"--total-num-mbufs={MBUFS}"]

    def sockets(self):
        return [s for _, s in self.ports if s]

    def remove_sockets(self):
        for s in self.sockets():
            try:
                os.unlink(s)  # a killed testpmd leaves them: "Address already in use"
            except FileNotFoundError:
                pass

    def start(self):
        cmd = self.command()
        os.makedirs(self.rundir, exist_ok=True)
        self.remove_sockets()
        os.makedirs(os.path.join(self.rundir, "dpdk"), exist_ok=True)
        env = dict(os.environ, RUNTIME_DIRECTORY=os.path.join(self.rundir, "dpdk"))
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        LIVE.add(self)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(os.path.exists(s) for s in self.sockets()):
            if self.proc.poll() is not None:
                raise SwitchError(f"testpmd exited with status {self.proc.returncode} before its sockets "
                                  f"appeared: {self.last_line()} (log {self.log_path})")
            if time.monotonic() > deadline:
                raise SwitchError(f"testpmd's sockets did not appear within {START_TIMEOUT_S} s "
                                  f"(log {self.log_path})")
            time.sleep(0.1)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def last_line(self):
        try:
            with open(self.log_path, errors="replace") as f:
                lines = [line.strip() for line in f if line.strip()]
            return lines[-1] if lines else "no output"
        except OSError:
            return "no log"

    def kill(self):
        """SIGKILL, as a crashing backend would go: no statistics, sockets left behind."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def restart(self):
        """Kill testpmd as a crash would (SIGKILL: its counters so far are
        lost), wait for QEMU to see it gone, start it again."""
        self.kill()
        self.restarted = True
        time.sleep(RESTART_GAP_S)
        self.start()

    def stop(self):
        """SIGINT (testpmd stops forwarding and prints its statistics), then
        SIGKILL if it lingers; sockets and runtime files removed. Safe to
        call more than once."""
        if self.proc is not None and self.proc.poll() is not None:
            rc = self.proc.returncode
            self.died = f"killed by signal {-rc}" if rc < 0 else f"exited with status {rc}"
        if self.proc is not None and self.proc.poll() is None:
            offset = os.path.getsize(self.log_path)
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            with open(self.log_path, errors="replace") as f:
                f.seek(offset)
                for port, c in parse_forward_stats(f.read()).items():
                    acc = self.stats.setdefault(port, dict.fromkeys(c, 0))
                    for k, v in c.items():
                        acc[k] += v
        self.proc = None
        LIVE.discard(self)
        self.remove_sockets()
        shutil.rmtree(os.path.join(self.rundir, "dpdk"), ignore_errors=True)
        return self.stats

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.rundir, ignore_errors=True)


def parse_forward_stats(text):
    """testpmd's `Forward statistics for port N` blocks: {N: {rx, rx_dropped, tx, tx_dropped}}."""
    out = {}
    for block in re.split(r"(?=Forward statistics for port)", text):
        m = FWD_PORT.match(block)
        if not m:
            continue
        c = {}
        for direction, what, n in FWD_FIELDS.findall(block):
            c.setdefault(f"{direction.lower()}{'' if what == 'packets' else '_dropped'}", int(n))
        out[int(m.group(1))] = c
    return out


def parse_ledger(diags):
    """The guest's last `ledger:` line per function: {fn: (tx, txu, rx, rxu)}."""
    out = {}
    for d in diags:
        m = LEDGER.match(d)
        if m:
            out[int(m.group(1))] = tuple(int(x) for x in m.group(2, 3, 4, 5))
    return out


def cross_check(ports, stats, ledger, names=None):
    """Compare what each VF's port of the switch counted with what the
    guest says it sent and received. A frame posted when a reset stopped
    the queue (txu) may or may not have been sent; an RX buffer posted
    then (rxu) may have been filled. Returns [(ok, name, got, want)]."""
    points = []
    for port, (fn, _) in enumerate(ports):
        if fn is None:
            continue
        who = f"{(names or {}).get(fn, f'function {fn}')} (testpmd port {port})"
        if fn not in ledger:
            points.append((False, f"switch: {who}: the guest reported its frame counts", "no ledger line",
                           "ledger: fn N ..."))
            continue
        tx, txu, rx, rxu = ledger[fn]
        c = stats.get(port)
        if c is None:
            points.append((False, f"switch: {who}: testpmd reported the port's counters", "no statistics",
                           "Forward statistics for the port"))
            continue
        took = c.get("rx", 0) + c.get("rx_dropped", 0)
        gave = c.get("tx", 0)
        points.append((tx - txu <= took <= tx, f"switch: {who}: frames the guest sent = frames testpmd received",
                       f"testpmd RX {took}", f"guest TX {tx}" + (f", {txu} of them cut off by a reset" if txu else "")))
        points.append((rx <= gave <= rx + rxu, f"switch: {who}: frames testpmd delivered = frames the guest got",
                       f"testpmd TX {gave}", f"guest RX {rx}" + (f", + up to {rxu} posted at a reset" if rxu else "")))
    return points
