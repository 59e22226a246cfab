"""The runner's own port on the wire of suite net: it captures every frame
the guest sends to it and compares each, byte for byte, with the frame
the guest says it sent (`# wire: sender I mac M frames N bytes B`), and
it sends frames of known content (scripts/frames.py) for the guest to
check. Two functions of one device that make the same mistake on TX and
on RX pass between themselves; against this port they cannot.

The handshake is tests/conformance/net_host_port.h's: on the guest's
"send" line the runner waits until its ports are quiet, forgets what it
captured and sends host frames 0..FRAME_HOST_COUNT-1; on its "count" line
it waits until quiet, keeps what it captured for points() and sends host
frame FRAME_HOST_COUNT, which lets the guest go on.

Ports (one per wire the functions are on):
  HubPort  `-netdev stream` to a unix socket the runner listens on, joined
           to hub 0 by a hubport: hears every function on the hub (all of
           them with --backend hub, the PFs with the others)
  VethPort --backend vhost-user: testpmd's net_af_packet port on one end
           of a veth pair, in place of the null port an odd VF count
           leaves the last VF paired with (scripts/switch.py); the
           runner's AF_PACKET socket on the other end hears that VF"""

import os
import re
import selectors
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import backends
import frames
import switch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST_PORT_H = os.path.join(ROOT, "tests", "conformance", "net_host_port.h")
QUIET_S = 0.3  # a port that took nothing for this long has all the guest sent
QUIET_MAX_S = 10.0
ETH_P_ALL = 0x0003
SOL_PACKET, PACKET_STATISTICS, SO_RCVBUFFORCE = 263, 6, 33  # linux/socket.h, if_packet.h, asm/socket.h
RCVBUF = 64 << 20
WIRE_LINE = re.compile(r"^wire: sender (\d+) mac ([0-9a-f:]{17}) frames (\d+) bytes (\d+)$")


def handshake_lines(path=HOST_PORT_H):
    """The guest's two console lines, as tap_diag prints them."""
    with open(path) as f:
        text = f.read()
    return tuple("# " + re.search(rf'#define HOST_PORT_{k}_LINE\s+"([^"]*)"', text).group(1) for k in ("SEND", "COUNT"))


SEND_LINE, COUNT_LINE = handshake_lines()


class Port:
    """One port of the host on the wire: frames captured in arrival order."""
    name = None

    def __init__(self, functions):
        self.functions = set(functions)
        self.frames = []
        self.window = (0, None)  # the frames between the two handshake lines
        self.last_rx = time.monotonic()
        self.error = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = None

    def qemu_args(self):
        return []

    def took(self, frame):
        with self.lock:
            self.frames.append(frame)
            self.last_rx = time.monotonic()

    def cut(self, end):
        with self.lock:
            n = len(self.frames)
            self.window = (self.window[0], n) if end else (n, None)

    def captured(self):
        with self.lock:
            start, end = self.window
            return self.frames[start:end]

    def send(self, frame):
        try:
            self.transmit(frame)
        except OSError as e:
            self.error = self.error or f"sending to the guest failed: {e}"

    def start(self):
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=5)


class HubPort(Port):
    """A stream netdev on hub 0; QEMU connects to the runner's socket."""
    name = "hub"
    NETDEV = "vfprobe-wire"

    def __init__(self, rundir, functions):
        super().__init__(functions)
        self.path = os.path.join(rundir, "hub.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(2)
        self.conn = None

    def qemu_args(self):
        return ["-netdev", f"stream,id={self.NETDEV},server=off,addr.type=unix,addr.path={self.path}",
                "-netdev", f"hubport,id={self.NETDEV}-port,hubid={backends.Hub.HUB_ID},netdev={self.NETDEV}"]

    def transmit(self, frame):
        if self.conn is None:
            raise OSError("QEMU never connected to the hub port")
        self.conn.sendall(struct.pack(">I", len(frame)) + frame)  # net/stream.c: length, network order

    def serve(self):
        """Every QEMU that connects is read (a migration's destination runs
        the same command line); the host's frames go to the newest."""
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        bufs = {}
        while not self.stopping.is_set():
            for key, _ in sel.select(timeout=0.2):
                if key.fileobj is self.listener:
                    conn, _ = self.listener.accept()
                    sel.register(conn, selectors.EVENT_READ)
                    bufs[conn] = b""
                    self.conn = conn
                    continue
                chunk = key.fileobj.recv(1 << 20)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                bufs[key.fileobj] = self.frames_of(bufs[key.fileobj] + chunk)
        sel.close()
        for conn in bufs:
            conn.close()

    def frames_of(self, buf):
        """Take the whole frames of buf (net/stream.c: a length in network
        order, then the frame); returns what is left."""
        at = 0
        while len(buf) - at >= 4 and len(buf) - at >= 4 + struct.unpack_from(">I", buf, at)[0]:
            n = struct.unpack_from(">I", buf, at)[0]
            self.took(buf[at + 4:at + 4 + n])
            at += 4 + n
        return buf[at:]

    def stop(self):
        super().stop()
        for s in (self.conn, self.listener):
            if s:
                s.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


class VethPort(Port):
    """A veth pair the runner makes: testpmd's net_af_packet port on one
    end (switch_iface), the runner's raw socket on the other (iface)."""
    name = "veth"

    def __init__(self, tag, functions):
        super().__init__(functions)
        self.switch_iface, self.iface = f"vfw{tag}", f"vfh{tag}"  # IFNAMSIZ: 15 characters
        self.sock = None
        self.made = False
        ip("link", "add", self.switch_iface, "type", "veth", "peer", "name", self.iface)
        self.made = True
        try:
            for end in (self.switch_iface, self.iface):
                no_ipv6(end)
                ip("link", "set", end, "up")
        except OSError:
            self.stop()
            raise

    def open(self):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        try:  # room for a whole phase's bursts while this thread is slow (root may pass rmem_max)
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        self.sock.bind((self.iface, ETH_P_ALL))
        self.sock.settimeout(0.2)

    def transmit(self, frame):
        if self.sock is None:
            raise OSError(f"no socket on {self.iface}")
        self.sock.send(frame)

    def serve(self):
        while not self.stopping.is_set():
            try:
                frame, addr = self.sock.recvfrom(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                break
            if addr[2] != socket.PACKET_OUTGOING:  # not the runner's own
                self.took(frame)

    def start(self):
        self.open()
        super().start()

    def dropped(self):
        """Frames the kernel dropped because the socket was full (PACKET_STATISTICS)."""
        _, drops = struct.unpack("II", self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
        return drops

    def stop(self):
        super().stop()
        if self.sock:
            drops = self.dropped()
            if drops:
                self.error = self.error or f"the host's socket dropped {drops} frames (the host was slow)"
            self.sock.close()
            self.sock = None
        if self.made:
            self.made = False
            try:
                ip("link", "del", self.switch_iface)  # and its peer
            except OSError:
                pass


def no_ipv6(iface):
    """No IPv6 chatter of the host's own kernel on the wire, where it can be helped."""
    try:
        with open(f"/proc/sys/net/ipv6/conf/{iface}/disable_ipv6", "w") as f:
            f.write("1\n")
    except OSError:
        pass


def ip(*args):
    """Run `ip ARGS`; OSError with its one-line complaint when it fails."""
    r = subprocess.run(["ip", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {r.stderr.strip() or f'status {r.returncode}'}")


class HostPeer:
    """The ports, the handshake and the verdict of one boot."""

    def __init__(self, ports, rundir):
        self.ports, self.rundir = ports, rundir
        self.seen = []  # the handshake lines the guest printed, in order
        self.events = []
        self.wake = threading.Condition()
        self.worker = None
        self.done = False

    def functions(self):
        """The guest's hostport= value: every function some port hears."""
        return backends.ranges(sorted(set().union(*(p.functions for p in self.ports))))

    def qemu_args(self):
        return [a for p in self.ports for a in p.qemu_args()]

    def start(self):
        for p in self.ports:
            try:
                p.start()
            except OSError as e:
                p.error = str(e)
        self.worker = threading.Thread(target=self.answer, daemon=True)
        self.worker.start()

    def console(self, line):
        """The runner's echo callback: every console line as it arrives."""
        if line in (SEND_LINE, COUNT_LINE):
            with self.wake:
                self.events.append(line)
                self.wake.notify()

    def answer(self):
        while True:
            with self.wake:
                while not self.events and not self.done:
                    self.wake.wait()
                if not self.events:
                    return
                line = self.events.pop(0)
            self.wait_quiet()
            last = line == COUNT_LINE
            for p in self.ports:
                p.cut(end=last)
            seqs = [frames.HOST_COUNT] if last else range(frames.HOST_COUNT)
            for seq in seqs:
                for p in self.ports:
                    p.send(frames.host_frame(seq))
            self.seen.append(line)

    def wait_quiet(self):
        end = time.monotonic() + QUIET_MAX_S
        while time.monotonic() < end:
            with_rx = max(p.last_rx for p in self.ports)
            if time.monotonic() - with_rx >= QUIET_S:
                return
            time.sleep(0.05)

    def stop(self):
        with self.wake:
            self.done = True
            self.wake.notify()
        if self.worker:
            self.worker.join(timeout=QUIET_MAX_S + 5)
        for p in self.ports:
            p.stop()
        shutil.rmtree(self.rundir, ignore_errors=True)

    def points(self, diags):
        """The verdict as TAP points (the runner appends them)."""
        skips = []
        ran = SEND_LINE in self.seen and self.seen[-1:] == [COUNT_LINE] and self.seen.count(COUNT_LINE) == 1
        out = [(ran, "wire: host port: the guest ran the handshake",
                ", ".join(f"'{s[2:]}'" for s in self.seen) or "no handshake line",
                f"'{SEND_LINE[2:]}' (again while a late datapath starts), then '{COUNT_LINE[2:]}'")]
        if ran:
            senders = parse_wire_lines(diags)
            cut_off = {fn: c[1] for fn, c in net_ledger(diags).items()}
            for p in self.ports:
                gone = sorted(p.functions - senders.keys()) if senders else []
                skips += [(f"wire: host port {p.name}: function {fn}",
                           f"the guest reported {len(senders)} functions, not this one (a migration kept fewer)")
                          for fn in gone]
                out += compare(p.name, p.functions - set(gone), p.captured(), senders, cut_off)
        for p in self.ports:
            if p.error:
                out.append((False, f"wire: host port {p.name}: the host's port worked", p.error, "no error"))
        return ([{"n": None, "ok": ok, "name": name, "directive": "", "reason": "", "yaml": {"got": got, "want": want}}
                 for ok, name, got, want in out]
                + [{"n": None, "ok": True, "name": name, "directive": "SKIP", "reason": why} for name, why in skips])


def parse_wire_lines(diags):
    """{sender: (mac bytes, frames, bytes)} from the guest's wire lines."""
    out = {}
    for d in diags:
        m = WIRE_LINE.match(d)
        if m:
            out[int(m.group(1))] = (bytes.fromhex(m.group(2).replace(":", "")), int(m.group(3)), int(m.group(4)))
    return out


def net_ledger(diags):
    """The ledger the net suite printed right after its wire lines (a later
    suite's counts more resets)."""
    last_wire = max((i for i, d in enumerate(diags) if WIRE_LINE.match(d)), default=len(diags))
    out = {}
    for fn, counts in ((fn, c) for d in diags[last_wire + 1:] for fn, c in switch.parse_ledger([d]).items()):
        out.setdefault(fn, counts)
    return out


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def compare(port, functions, captured, senders, cut_off=None):
    """What one port captured against what the guest says each function it
    hears sent: [(ok, name, got, want)]. The guest's frames only (ours,
    not the host's); order is not judged: a busy port makes QEMU queue
    frames and send later ones first (known deviation
    net-queue-reorder-on-rx-overrun, net/queue.c:210). cut_off: per
    function, the frames it posted that a reset of its queue may have
    dropped unsent (the ledger's txu): that many may be missing."""
    mine, strays = {}, []
    for f in captured:
        p = frames.parse(f)
        if p is None or p[0] == frames.HOST_SENDER:
            continue
        if p[0] in functions and p[0] in senders:
            mine.setdefault(p[0], []).append((p, f))
        else:
            strays.append(p)
    out = []
    for s in sorted(functions):
        name = f"wire: host port {port}: function {s}: every frame it sent arrived once, byte for byte"
        if s not in senders:
            out.append((False, name, "no wire line for it", "wire: sender I mac M frames N bytes B"))
            continue
        mac, n, nbytes = senders[s]
        seen, differ, extra = {}, [], 0
        for (_, seq, length), f in mine.get(s, []):
            if seq >= n or seq in seen:
                extra += 1
                continue
            seen[seq] = f
            want = frames.build(length, s, seq, mac)
            if f != want:
                differ.append(f"seq {seq}: {len(f)} bytes, want {len(want)}, "
                              f"first difference at byte {first_difference(f, want)}")
        missing = [q for q in range(n) if q not in seen]
        got_bytes = sum(len(f) for f in seen.values())
        allowed = (cut_off or {}).get(s, 0)
        whole = got_bytes == nbytes if not missing else got_bytes < nbytes
        ok = len(missing) <= allowed and not differ and not extra and whole
        got = (f"{len(seen) - len(differ)} of {n} intact, {len(missing)} missing, {len(differ)} differ, "
               f"{extra} extra, {got_bytes} bytes"
               + (f"; first missing seq {missing[0]}" if missing else "") + (f"; {differ[0]}" if differ else ""))
        want = f"seq 0..{n - 1} once each as tests/lib/frame.h builds them, {nbytes} bytes"
        out.append((ok, name, got, want + (f" (up to {allowed} cut off unsent by a reset)" if allowed else "")))
    out.append((not strays, f"wire: host port {port}: no frame from a function it does not hear",
                f"{len(strays)} frames" + (f", first from sender {strays[0][0]} seq {strays[0][1]}" if strays else ""),
                f"only functions {backends.ranges(sorted(functions))}"))
    return out


def wanted(suites, model):
    """Does this boot get a host port? Suite net on the virtio-net PF."""
    names = suites.split(",")
    return model == "virtio-net" and ("net" in names or "all" in names)


def make(be, pfs, vfs, on_switch=False):
    """The host port of a boot on backend `be`: on hub 0, and with
    on_switch on the backend's switch too when it has a place for it
    (be.host_iface is set then)."""
    rundir = tempfile.mkdtemp(prefix="vfprobe-hostport-")
    ports = [HubPort(rundir, be.hub_functions(pfs, vfs))]
    fn = be.host_switch_function(pfs, vfs) if on_switch else None
    if hasattr(be, "host_iface"):
        be.host_iface = None
    if fn is not None:
        try:
            veth = VethPort(re.sub(r"\W", "", os.path.basename(rundir))[-8:], [fn])
        except OSError as e:
            print(f"# vfprobe: no host port on the switch ({e}): function {fn} keeps its null port", flush=True)
        else:
            be.host_iface = veth.switch_iface
            ports.append(veth)
    return HostPeer(ports, rundir)
