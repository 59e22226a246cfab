"""scripts/vfprobe: boot build/test.efi under QEMU on an SR-IOV topology,
stream its TAP, judge the run and print `N passed, N failed, N skipped`.

The guest's verdict (isa-debug-exit status) and the TAP it printed must
agree: neither is trusted alone."""

import argparse
import hashlib
import json
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import backends
import iommu as iommus
import migration
import qmp_events
import sysreset_events  # noqa: F401 (registers its event handlers)
import switch
import virtio_features
import topology
import wire_peer
from tapread import TapReader, deviations_unseen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")

# isa-debug-exit: QEMU exits with (V << 1) | 1 for the guest's V.
DEBUG_EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04"
GUEST_STATUS = {1: "pass", 3: "fail", 5: "crash", 7: "bail"}
ACCELS = ("auto", "tcg", "kvm")
MODES = ("short", "full")
RINGS = ("split", "packed", "both")

# Seconds: a boot's default timeout is BOOT_TIMEOUT_S plus
# BOOT_TIMEOUT_PER_FUNCTION_S for each VF of each PF.
BOOT_TIMEOUT_S = 120
BOOT_TIMEOUT_PER_FUNCTION_S = 2
KVM_PROBE_TIMEOUT_S = 60
KVM_PROBE_MEM_MB = 256
QEMU_VERSION_TIMEOUT_S = 10


QEMUS = []  # every QEMU started, killed by main() on Ctrl-C / SIGTERM


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def make_parser():
    p = Parser(prog="scripts/vfprobe", description="Boot vfprobe on an SR-IOV topology and report.",
               epilog="Everything after -- is passed to QEMU unchanged.")
    models = topology.MODELS.values()
    p.add_argument("--suite", default=None, help="suite[,suite...] (default: "
                   + "; ".join(f"{m.default_suites} for {m.name}" for m in models) + "; `all`; --list shows them)")
    p.add_argument("--pfs", type=int, default=1, help="SR-IOV PFs, each on its own root port (default 1)")
    p.add_argument("--vfs", type=int, default=None, help="VFs per PF (default: "
                   + "; ".join(f"{m.default_vfs} for {m.name}" for m in models) + ")")
    p.add_argument("--pf-model", default="virtio-net", help=" | ".join(topology.MODELS))
    p.add_argument("--backend", default=backends.DEFAULT,
                   help=f"{' | '.join(backends.BACKENDS)}: the netdev of every function (default {backends.DEFAULT})")
    p.add_argument("--queues", type=int, default=1, help="queue pairs of every VF (VIRTIO_NET_F_MQ; needs a "
                   "backend with queues per port: vhost-user)")
    p.add_argument("--host-port-on-switch", action=argparse.BooleanOptionalAction, default=True,
                   help="suite net, --backend vhost-user: link the VF an odd VF count leaves alone with the "
                   "runner's host port through testpmd too, a veth pair (default; --no-host-port-on-switch "
                   "leaves that VF on testpmd's null port)")
    p.add_argument("--ring", default="split", help=" | ".join(RINGS) + ": the virtqueue format the guest "
                   "drives; packed and both give every function packed=on; both boots once per format")
    p.add_argument("--no-validate", action="store_true", help="suite bench only: take used elements without "
                   "checking them (the cost of vfprobe's validation; never for a conformance suite)")
    p.add_argument("--iommu", default=iommus.NONE, help=" | ".join(iommus.IOMMUS) + ": vtd puts QEMU's "
                   "intel-iommu in front of every virtio function (iommu_platform=on)")
    p.add_argument("--qemu", default=None, help="qemu-system-x86_64 with sriov-pf (default: scripts/deps)")
    p.add_argument("--ovmf", default=None, help="OVMF.fd (default: Debian's ovmf)")
    p.add_argument("--accel", default="auto", help=" | ".join(ACCELS) + " (auto tries KVM, falls back to TCG)")
    p.add_argument("--timeout", type=float, default=None, help="seconds before QEMU is killed (default: by topology)")
    p.add_argument("--json", default=None, help="write the results as JSON to FILE")
    p.add_argument("--iso", action="store_true", help="boot build/vfprobe.iso as a CD-ROM instead of -kernel")
    p.add_argument("--mode", default="full", help=" | ".join(MODES) + ": short cuts iteration counts (make check)")
    p.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    p.add_argument("--no-build", action="store_true", help="do not run make first")
    p.add_argument("--print-cmd", action="store_true", help="print the QEMU command line and exit")
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    p.add_argument("--name", default=None, help="name of this run for the log file (default: from the options)")
    p.add_argument("--strict-deviations", action="store_true",
                   help="a known deviation whose check passes (TODO that passed) is a failure")
    return p


def die(msg, code=2):
    print(f"vfprobe: {msg}", file=sys.stderr)
    sys.exit(code)


def list_suites():
    pat = re.compile(r'VFPROBE_SUITE\(\s*\w+,\s*"([^"]+)",\s*"([^"]*)"')
    out = []
    for d in ("tests/conformance", "tests/bench", "tests/selftest"):
        full = os.path.join(ROOT, d)
        for f in sorted(os.listdir(full)) if os.path.isdir(full) else []:
            if f.endswith(".c"):
                with open(os.path.join(full, f)) as fh:
                    src = re.sub(r"\s+", " ", fh.read())
                out += pat.findall(src)
    return out


def resolve_deps(args):
    env = dict(os.environ)
    # Only the virtio-net PF needs sriov-pf: igb and nvme run on any QEMU.
    other_model = getattr(args, "pf_model", "virtio-net") != "virtio-net"
    if args.qemu and not other_model:
        env["QEMU"] = args.qemu
    if args.ovmf:
        env["OVMF"] = args.ovmf
    if args.qemu and not os.access(args.qemu, os.X_OK):
        die(f"--qemu {args.qemu} is not an executable")
    r = subprocess.run([os.path.join(ROOT, "scripts", "deps"), "--print"], env=env,
                       stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(2)  # deps printed its one-line reason
    deps = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    qmp_events.use_library(deps.get("QEMU_PYTHON"))
    if args.qemu and other_model:
        deps["QEMU"] = args.qemu
        deps.pop("QEMU_FAULTS", None)
    return deps


def cache_dir():
    r = subprocess.run(["bash", "-c", f". '{ROOT}/scripts/lib.sh'; vfprobe_cache_dir"],
                       stdout=subprocess.PIPE, text=True)
    return r.stdout.strip()


def git_commit():
    """HEAD's commit, "-dirty" when tracked files differ from it."""
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    if head.returncode != 0:
        return "none (no commit yet)"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def qemu_version(qemu):
    try:
        r = subprocess.run([qemu, "--version"], stdout=subprocess.PIPE, text=True, timeout=QEMU_VERSION_TIMEOUT_S)
        return r.stdout.splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def base_cmd(qemu, ovmf, accel, mem_mb):
    return [qemu, "-machine", "q35", "-accel", accel, "-cpu", "max", "-m", str(mem_mb), "-smp", "1",
            "-nodefaults", "-vga", "none", "-display", "none", "-no-reboot", "-monitor", "none",
            "-serial", "stdio", "-L", "/usr/share/qemu", "-bios", ovmf,
            "-device", DEBUG_EXIT_DEVICE]


def boot_args(efi_or_iso, iso, cmdline):
    if iso:
        return ["-drive", f"file={efi_or_iso},media=cdrom,if=none,id=cd0,format=raw,readonly=on",
                "-device", "ide-cd,drive=cd0,bus=ide.0,bootindex=0",
                "-fw_cfg", f"name=opt/vfprobe/cmdline,string={cmdline}"]
    return ["-kernel", efi_or_iso, "-append", cmdline]


def kvm_usable(qemu, ovmf, efi):
    """Try KVM with a canary boot; remember the answer per QEMU binary."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    st = os.stat(qemu)
    key = hashlib.sha256(f"{qemu}:{st.st_mtime}:{st.st_size}:{ovmf}".encode()).hexdigest()[:16]
    stamp = os.path.join(cache_dir(), f"kvm-probe-{key}")
    if os.path.exists(stamp):
        with open(stamp) as f:
            return f.read().strip() == "yes"
    cmd = base_cmd(qemu, ovmf, "kvm", KVM_PROBE_MEM_MB) + boot_args(efi, False, "suite=canary")
    res = run_qemu(cmd, KVM_PROBE_TIMEOUT_S, None, quiet=True,
                   kill_on=re.compile(r"KVM internal error|emulation failure"))
    ok = res["status"] == 1 and res["counts"]["failed"] == 0 and res["plan_ok"]
    try:
        with open(stamp, "w") as f:
            f.write("yes\n" if ok else "no\n")
    except OSError:
        pass
    return ok


def run_qemu(cmd, timeout, log_path, quiet=False, kill_on=None, echo=None, topo=None):
    """Run QEMU with a QMP channel, stream its serial output through a
    TapReader and answer the guest's event requests (qmp_events) on the
    topology topo ({pf_model, pfs, vfs}). QmpUnreachable when QMP never
    answered (QEMU is killed first)."""
    rundir = tempfile.mkdtemp(prefix="vfprobe-qmp-")
    channel = qmp_events.Channel(rundir)
    try:
        return _run_qemu(cmd, channel, timeout, log_path, kill_on, echo, topo or {})
    finally:
        channel.close()
        shutil.rmtree(rundir, ignore_errors=True)


def answer_event(host, proc, line, log, echo):
    """Serve one guest event request: the reply goes to COM1 (QEMU's stdin)."""
    reply, err = host.handle(line)
    if host.successor:
        proc = host.successor.proc
    if reply is None:
        return
    if err:
        print(f"vfprobe: {err}", file=sys.stderr, flush=True)
    if log:
        log.write(f"[host] {reply}\n")
    if echo:
        echo(f"# host: {reply}")
    try:
        proc.stdin.write(reply.encode() + b"\n")
        proc.stdin.flush()
    except OSError:
        pass  # QEMU is gone: its exit is the verdict


def vm_state(channel):
    """QEMU's run state (QMP query-status), or why it could not be read."""
    try:
        return channel.command("query-status").get("status", "unknown")
    except qmp_events.EventError as e:
        return str(e)


def _run_qemu(cmd, channel, timeout, log_path, kill_on, echo, topo):
    """Start QEMU, connect QMP, serve it; QEMU never outlives this call."""
    t0 = time.monotonic()
    log = open(log_path, "w") if log_path else None
    proc = subprocess.Popen(cmd + channel.qemu_args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    QEMUS.append(proc)
    followed = []
    try:
        try:
            channel.connect(proc)
        except qmp_events.QmpUnreachable as e:
            err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines() if proc.poll() is not None else []
            raise qmp_events.QmpUnreachable(f"{e}: {err[-1]}" if err else str(e))
        host = qmp_events.Host(channel, **topo)
        host.qemu_cmd, host.followed = cmd, followed
        return _serve_qemu(proc, channel, timeout, log, kill_on, echo, host, t0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for dest in followed:
            dest.stop()
        if log:
            log.close()


def _serve_qemu(proc, channel, timeout, log, kill_on, echo, host, t0):
    """Stream QEMU's output until it exits, is killed for a line of
    kill_on, or times out; the run's raw result."""
    tap = TapReader()
    stderr_lines = []
    tail = []
    first_byte = None
    timed_out = killed_for = None
    state_at_timeout = None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    bufs = {"out": b"", "err": b""}
    open_streams = 2
    deadline = t0 + timeout
    while open_streams:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            state_at_timeout = vm_state(channel)
            break
        for key, _ in sel.select(timeout=min(left, 1.0)):
            if key.fileobj not in (proc.stdout, proc.stderr):
                continue  # the source QEMU, left behind by a migration
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "out" and first_byte is None:
                first_byte = time.monotonic() - t0
            bufs[key.data] += chunk
            *lines, bufs[key.data] = bufs[key.data].split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                if key.data == "err":
                    stderr_lines.append(line)
                    if log:
                        log.write(f"[qemu stderr] {line}\n")
                    if kill_on and kill_on.search(line):
                        killed_for = line
                    continue
                if log:
                    log.write(line + "\n")
                    log.flush()
                # OVMF may leave escape sequences before our first line.
                clean = re.sub(r"\x1b\[[0-9;?=]*[A-Za-z]", "", line)
                tail = (tail + [clean])[-20:]
                was_started = tap.started
                if tap.feed(clean) and echo:
                    echo(clean if was_started else clean[clean.find("TAP version 13"):])
                answer_event(host, proc, clean, log, echo)
                if host.successor:
                    proc, channel = follow(host, proc, channel, sel, bufs, log)
                    open_streams = 2
                    break
        if killed_for:
            break
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    for k in ("out", "err"):
        if bufs[k]:
            line = bufs[k].decode("utf-8", "replace")
            (stderr_lines if k == "err" else tail).append(line)
            if k == "out":
                tap.feed(line)
    tap.finish()
    counts = tap.counts()
    return {"status": status, "timed_out": bool(timed_out), "killed_for": killed_for,
            "state_at_timeout": state_at_timeout,
            "wall_s": time.monotonic() - t0, "first_byte_s": first_byte, "tap": tap, "counts": counts,
            "plan_ok": tap.plan is not None and tap.plan == len(tap.points),
            "stderr": stderr_lines, "tail": tail}


def follow(host, proc, channel, sel, bufs, log):
    """After a migration: the destination QEMU is the run's QEMU from now
    on (its console, stdin and exit status), the source is stopped."""
    dest, host.successor = host.successor, None
    QEMUS.append(dest.proc)
    host.followed.append(dest)
    for f in (proc.stdout, proc.stderr):
        if any(k.fileobj is f for k in sel.get_map().values()):
            sel.unregister(f)
    bufs["out"] = bufs["err"] = b""
    migration.stop_source(proc, channel)
    if log:
        log.write(f"[host] following the destination QEMU, pid {dest.proc.pid}\n")
    sel.register(dest.proc.stdout, selectors.EVENT_READ, "out")
    sel.register(dest.proc.stderr, selectors.EVENT_READ, "err")
    host.channel = dest.channel
    return dest.proc, dest.channel


def judge(res):
    """The run's verdict and one line saying why."""
    tap, c = res["tap"], res["counts"]
    st = res["status"]
    if res["timed_out"]:
        state = res.get("state_at_timeout")
        vm = f" (QMP: the VM was {state})" if state and state != "running" else ""
        return "timeout", f"the guest did not finish in time (hang?){vm}: QEMU was killed"
    if res["killed_for"]:
        return "qemu-failure", res["killed_for"]
    guest = GUEST_STATUS.get(st) if tap.started else None
    if guest is None and tap.started and st == 0:
        # -no-reboot turns a triple fault (or a reset) into a plain exit.
        return "crash", "the guest reset or shut down without a verdict (triple fault?)"
    if guest is None:
        err = next((e for e in reversed(res["stderr"]) if e.strip()), "")
        how = f"was killed by signal {-st}" if st < 0 else f"exited with status {st}"
        why = f"QEMU {how} before the guest gave a verdict"
        return "qemu-failure", why + (f": {err}" if err else "")
    if guest == "crash":
        return "crash", tap.bail or "the guest reported a CPU exception"
    if guest == "bail" or (tap.bail and guest in ("pass", "fail")):
        # A Bail out! line ends the TAP stream (TAP 13): what follows is no verdict.
        return "bail", tap.bail or "the guest bailed out"
    if not res["plan_ok"]:
        return "fail", f"TAP plan {tap.plan} does not match {len(tap.points)} test points"
    if guest == "pass" and c["failed"]:
        return "fail", "the guest said pass but printed failing checks"
    if guest == "fail" and not c["failed"]:
        return "fail", "the guest said fail but printed no failing check"
    return guest, "all checks passed" if guest == "pass" else f"{c['failed']} check(s) failed"


def summary_counts(verdict, c):
    """Counts for the summary: a run that did not end cleanly is one more failure."""
    c = dict(c)
    if verdict not in ("pass", "fail"):
        c["failed"] += 1
    return c


def format_summary(c):
    s = f"{c['passed']} passed, {c['failed']} failed"
    return s + (f", {c['skipped']} skipped" if c.get("skipped") else "")


def deviations_gone_line(names):
    return f"{len(names)} known deviation(s) no longer seen: {', '.join(names)}"


def guest_cmdline(suite, pfs, vfs, model, mode, backend=backends.DEFAULT, ring="split", iommu=iommus.NONE,
                  validate=True):
    """The guest's options: what it runs, and the topology it is to find."""
    be = topology.backend(backend)
    return (f"suite={suite} pfs={pfs} vfs={vfs} model={model} mode={mode} "
            f"backend={be.name} peers={be.peers(pfs, vfs)} ring={ring} queues={be.queues}"
            + (f" iommu={iommu}" if iommu != iommus.NONE else "") + ("" if validate else " validate=off"))


class Service:
    """The host process behind a backend (testpmd for vhost-user), up for
    the length of one `with`: stopped and its files removed on every way
    out (normal end, QEMU failure, timeout, an exception, Ctrl-C, SIGTERM)."""

    def __init__(self, be, pfs, vfs, qemu):
        self.be, self.svc = be, None
        if be.name == "vhost-user" and not qemu_has_netdev(qemu, "vhost-user"):
            raise UsageError(f"{qemu} has no vhost-user netdev: run `make deps` (its QEMU has it) or pass "
                             "--qemu with one")
        self.pfs, self.vfs = pfs, vfs

    def __enter__(self):
        # SIGTERM unwinds like Ctrl-C (only the main thread may set it;
        # scripts/check's boot threads rely on switch.py's atexit stop).
        self.old_term = None
        if threading.current_thread() is threading.main_thread():
            self.old_term = signal.signal(signal.SIGTERM, self._term)
        self.svc = self.be.service(self.pfs, self.vfs)
        if self.svc:
            try:
                self.svc.start()
            except switch.SwitchError:
                self.svc.cleanup()
                raise
        return self.svc

    def _term(self, signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.svc:
            self.svc.stop()
        if self.old_term is not None:
            signal.signal(signal.SIGTERM, self.old_term)
        return False


def qemu_has_netdev(qemu, name):
    """`-netdev help` lists types that are not built: ask for one with a
    missing chardev and see which error comes back (scripts/lib.sh)."""
    r = subprocess.run(["bash", "-c", f". '{ROOT}/scripts/lib.sh'; qemu_has_netdev \"$1\" \"$2\"", "-", qemu, name])
    return r.returncode == 0


def switch_points(svc, tap):
    """The switch's counters against the guest's ledger, as TAP points."""
    ledger = switch.parse_ledger(tap.diags)
    if svc is None or not ledger:
        return []
    if svc.died and not svc.restarted:
        return [{"n": None, "ok": False, "name": "switch: testpmd (the vhost-user backend) served the whole boot",
                 "directive": "", "reason": "", "yaml": {"got": f"testpmd {svc.died} during the run: its port "
                                                         "counters are lost", "want": "testpmd up to the end"}}]
    if svc.restarted:
        return [{"n": None, "ok": True, "name": "switch: port counters match the guest's", "directive": "SKIP",
                 "reason": "testpmd was killed and restarted during the run: the counts before are lost"}]
    return [{"n": None, "ok": ok, "name": name, "directive": "", "reason": "", "yaml": {"got": got, "want": want}}
            for ok, name, got, want in switch.cross_check(svc.ports, svc.stats, ledger)]


def default_timeout(pfs, vfs):
    return BOOT_TIMEOUT_S + BOOT_TIMEOUT_PER_FUNCTION_S * pfs * vfs


def run(argv, summary=True):
    """Parse argv, boot, report; returns (exit code, result dict). With
    summary=False the caller prints its own `N passed, N failed` line."""
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    args = make_parser().parse_args(argv)
    if args.list:
        for name, summary in list_suites():
            print(f"{name:20} {summary}")
        return 0, None
    if args.accel not in ACCELS:
        raise UsageError(f"--accel must be one of {', '.join(ACCELS)}, not '{args.accel}'")
    if args.mode not in MODES:
        raise UsageError(f"--mode must be one of {', '.join(MODES)}, not '{args.mode}'")
    if args.ring not in RINGS:
        raise UsageError(f"--ring must be one of {', '.join(RINGS)}, not '{args.ring}'")
    try:
        model = topology.model(args.pf_model)
        vfs = args.vfs if args.vfs is not None else model.default_vfs
        be = topology.backend(args.backend)
        be.queues = args.queues
        topology.validate(args.pf_model, args.pfs, vfs, be, args.iommu)
    except topology.TopologyError as e:
        raise UsageError(str(e))
    if args.suite is None:
        args.suite = model.default_suites
    known = {n for n, _ in list_suites()} | {"all"}
    for s in args.suite.split(","):
        if s not in known:
            raise UsageError(f"unknown suite '{s}' (scripts/vfprobe --list shows them)")
    if args.no_validate and args.suite != "bench":
        raise UsageError("--no-validate is for --suite bench alone: a conformance suite always checks what the "
                         "device returns")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")

    if not args.no_build:
        target = "build/vfprobe.iso" if args.iso else "build/test.efi"
        r = subprocess.run(["make", "-s", "-C", ROOT, target])
        if r.returncode != 0:
            die("building the firmware failed (see above)")
    deps = resolve_deps(args)
    qemu, ovmf = deps["QEMU"], deps["OVMF"]
    image = os.path.join(BUILD, "vfprobe.iso" if args.iso else "test.efi")
    if not os.path.exists(image):
        die(f"{image} does not exist: run make{' iso' if args.iso else ''} first")

    skip = be.unavailable()
    if skip and not args.print_cmd:
        print(f"# vfprobe: SKIP {skip}", flush=True)
        if summary:
            print(format_summary({"passed": 0, "failed": 0, "skipped": 1}), flush=True)
        result = {"name": args.name or f"{args.suite}-{args.backend}", "verdict": "pass", "reason": skip,
                  "counts": {"passed": 0, "failed": 0, "skipped": 1}, "wall_s": 0.0, "features": [], "bench": [],
                  "tests": [{"n": 1, "ok": True, "name": f"backend {be.name}", "directive": "SKIP",
                             "reason": skip}]}
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=2)
        return 0, result
    accel = args.accel
    if accel == "auto":
        accel = "kvm" if kvm_usable(qemu, ovmf, os.path.join(BUILD, "test.efi")) else "tcg"
    rings = ("split", "packed") if args.ring == "both" else (args.ring,)
    results = [boot_ring(args, ring, vfs, be, qemu, ovmf, image, accel, extra) for ring in rings]
    if results[0] is None:
        return 0, None
    result = results[0] if len(results) == 1 else merge_rings(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    if summary:
        print(format_summary(result["counts"]), flush=True)
    return (0 if result["verdict"] == "pass" else 1), result


def merge_rings(results):
    """--ring both: one result for the two boots, counts added, each
    boot's result under "rings"."""
    counts = {k: sum(r["counts"].get(k, 0) for r in results) for k in results[0]["counts"]}
    bad = [r for r in results if r["verdict"] != "pass"]
    merged = dict(results[0])
    merged.update({"name": results[0]["name"].rsplit("-split", 1)[0], "counts": counts,
                   "verdict": bad[0]["verdict"] if bad else "pass", "reason": bad[0]["reason"] if bad else "",
                   "wall_s": round(sum(r["wall_s"] for r in results), 3), "ring": "both",
                   "tests": [dict(t, ring=r["ring"]) for r in results for t in r["tests"]],
                   "bench": [dict(b, ring=r["ring"]) for r in results for b in r["bench"]],
                   "features": [f for r in results for f in r["features"]],
                   "rings": {r["ring"]: r for r in results}})
    return merged


def print_switch_points(points, name, quiet):
    for p in points:
        line = f"{'ok' if p['ok'] else 'not ok'} - {p['name']}" + (f" # SKIP {p['reason']}" if p["directive"] else "")
        if not p["ok"] or not quiet:
            print(f"# [{name}] {line}" if quiet else line, flush=True)
        if not p["ok"]:
            print(f"  ---\n  got: \"{p['yaml']['got']}\"\n  want: \"{p['yaml']['want']}\"\n  ...", flush=True)


def boot_ring(args, ring, vfs, be, qemu, ovmf, image, accel, extra):
    """One boot on one ring format, with the backend's service (testpmd)
    around it: its result dict (None with --print-cmd)."""
    packed = ring == "packed" or args.ring == "both"
    be.rundir = tempfile.mkdtemp(prefix="vfprobe-") if be.service(args.pfs, vfs) is not None else None
    peer = (wire_peer.make(be, args.pfs, vfs, args.host_port_on_switch)
            if wire_peer.wanted(args.suite, args.pf_model) else None)
    cmdline = guest_cmdline(args.suite, args.pfs, vfs, args.pf_model, args.mode, be, ring, args.iommu,
                            not args.no_validate)
    cmdline += f" hostport={peer.functions()}" if peer else ""
    mem = topology.memory_mb(args.pf_model, args.pfs, vfs)
    cmd = (base_cmd(qemu, ovmf, accel, mem) + boot_args(image, args.iso, cmdline)
           + topology.device_args(args.pf_model, args.pfs, vfs, be, packed=packed, iommu=args.iommu)
           + (peer.qemu_args() if peer else []) + extra)
    if args.print_cmd:
        if be.rundir:
            os.rmdir(be.rundir)
        if peer:
            peer.stop()
        print(" ".join(shlex.quote(c) for c in cmd))
        return None

    backend = "" if args.backend == backends.DEFAULT else f"-{args.backend}"
    ring_tag = "" if args.ring == "split" else f"-{ring}"
    name = args.name or re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{args.suite}-{args.pf_model}-{args.pfs}pf-{vfs}vf"
                                                         f"{backend}{'-iso' if args.iso else ''}"
                                                         f"{f'-{be.queues}q' if be.queues > 1 else ''}"
                                                         f"{'' if args.iommu == iommus.NONE else f'-{args.iommu}'}")
    name += ring_tag
    logdir = os.path.join(BUILD, "logs")
    os.makedirs(logdir, exist_ok=True)
    log_path = os.path.join(logdir, f"{name}.log")
    timeout = args.timeout or default_timeout(args.pfs, vfs)
    if not args.quiet:
        print(f"# vfprobe: {args.pf_model} x{args.pfs} PF, {vfs} VFs each, suites {args.suite}, {ring} rings, "
              f"backend {be.name}, {accel}, {'iso' if args.iso else 'kernel'} boot; log {os.path.relpath(log_path)}",
              flush=True)

    live = {}

    def echo(line):
        if line == switch.RESTART_LINE and live.get("svc"):
            live["svc"].restart()
        if peer:
            peer.console(line)
        if args.quiet:
            if line.startswith("not ok") and "# TODO" not in line:
                print(f"# [{name}] {line}", flush=True)
        else:
            print(line, flush=True)

    try:
        with Service(be, args.pfs, vfs, qemu) as svc:
            live["svc"] = svc
            if svc and not args.quiet:
                print(f"# vfprobe: testpmd up, {len(svc.ports)} ports, log {svc.log_path}", flush=True)
            if peer:
                peer.start()
            try:
                res = run_qemu(cmd, timeout, log_path, echo=echo,
                               topo={"pf_model": args.pf_model, "pfs": args.pfs, "vfs": vfs})
            finally:
                if peer:
                    peer.stop()
        verdict, why = judge(res)
        extra_points = switch_points(svc, res["tap"])
        wire_points = peer.points(res["tap"].diags) if peer else []
    except (switch.SwitchError, qmp_events.QmpUnreachable) as e:
        die(str(e))
    finally:
        if be.rundir:
            shutil.rmtree(be.rundir, ignore_errors=True)
        if peer:
            peer.stop()
    print_switch_points(extra_points + wire_points, name, args.quiet)
    for p in extra_points + wire_points:
        res["counts"]["skipped" if p["directive"] else "passed" if p["ok"] else "failed"] += 1
    res["tap"].points += extra_points + wire_points
    if verdict == "pass" and any(not p["ok"] for p in extra_points):
        verdict, why = "fail", "the switch's port counters disagree with the guest's frame counts"
    if verdict == "pass" and any(not p["ok"] for p in wire_points):
        verdict, why = "fail", "the host port on the wire disagrees with what the guest sent or got"
    counts = summary_counts(verdict, res["counts"])
    gone, intermittent = deviations_unseen(res["tap"].points)
    if intermittent:
        print(f"# {len(intermittent)} intermittent deviation(s) not seen this time: {', '.join(intermittent)}",
              flush=True)
    if gone:
        print(f"# {deviations_gone_line(gone)}", flush=True)
        if args.strict_deviations:
            counts["failed"] += len(gone)
            if verdict == "pass":
                verdict, why = "fail", "known deviation(s) no longer seen (--strict-deviations)"
    if verdict not in ("pass",):
        print(f"# vfprobe [{name}]: {verdict}: {why}", flush=True)
        if verdict in ("timeout", "crash", "qemu-failure", "bail"):
            print(f"# last lines of {os.path.relpath(log_path)}:")
            for line in (res["tail"] + [f"[qemu stderr] {e}" for e in res["stderr"][-5:]])[-15:]:
                print(f"#   {line}")
    result = {
        "name": name, "verdict": verdict, "reason": why, "exit_status": res["status"],
        "counts": counts, "wall_s": round(res["wall_s"], 3),
        "first_serial_byte_s": None if res["first_byte_s"] is None else round(res["first_byte_s"], 3),
        "qemu": qemu, "qemu_version": qemu_version(qemu), "accel": accel, "ovmf": ovmf,
        "topology": {"pf_model": args.pf_model, "pfs": args.pfs, "vfs": vfs, "backend": args.backend,
                     "queues": be.queues, "packed": packed},
        "ring": ring, "suites": args.suite, "boot": "iso" if args.iso else "kernel", "cmdline": cmdline,
        "log": log_path, "command": cmd,
        "tests": res["tap"].points, "bench": res["tap"].bench, "deviations_no_longer_seen": gone,
        "features": [dict(f, ring=ring) for f in
                     virtio_features.merge(f for f in map(virtio_features.parse, res["tap"].diags) if f)],
        "switch": svc and {"ports": svc.ports, "stats": svc.stats},
    }
    if not args.quiet:
        for line in virtio_features.table(result["features"]):
            print(f"# {line}", flush=True)
    return result


def interrupt_on_sigterm():
    """SIGTERM unwinds like Ctrl-C, so the QEMUs and backends started so far are stopped."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, raise_interrupt)


def kill_qemus():
    for p in QEMUS:
        if p.poll() is None:
            p.kill()


def main():
    interrupt_on_sigterm()
    if "--compare" in sys.argv[1:]:
        import compare
        compare.run_main(sys.argv[1:])
    try:
        code, _ = run(sys.argv[1:])
    except UsageError as e:
        die(f"{e} (see scripts/vfprobe --help)")
    except qmp_events.QmpUnreachable as e:
        die(str(e))
    except KeyboardInterrupt:
        kill_qemus()
        die("interrupted", 130)
    sys.exit(code)
