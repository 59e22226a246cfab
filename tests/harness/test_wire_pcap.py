#!/usr/bin/python3
"""tests/harness/test_wire_pcap.py: frames that leave QEMU, checked on the host.

Boots suite `net` with one more port on the hub: a `dgram` netdev on a unix
socket this script binds, with `-object filter-dump` writing a pcap of that
netdev. Every frame the guest sends crosses the hub, so the wire must carry,
for every sender the guest reports (`# wire: sender I mac M frames N`),
sequence numbers 0..N-1 in order, each once, each byte-identical to the
frame the guest built (rebuilt here from the layout in tests/lib/frame.h,
whose FRAME_* numbers this script reads), and the datagrams that reached
the host socket must equal the pcap's frames.

  tests/harness/test_wire_pcap.py [--vfs N] [--pfs N]

Prints TAP and `# N passed, N failed, N skipped`; exit 1 on a failure."""

import argparse
import os
import re
import socket
import struct
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import vfprobe_core  # noqa: E402
import backends  # noqa: E402
from taplite import Tap  # noqa: E402

FRAME_H = os.path.join(ROOT, "tests", "lib", "frame.h")
tap = None


def frame_layout(path=FRAME_H):
    """The FRAME_* numbers and strings of tests/lib/frame.h."""
    out = {}
    with open(path) as f:
        for m in re.finditer(r"^#define FRAME_(\w+)\s+(0x[0-9a-fA-F]+|\d+|\"[^\"]*\")", f.read(), re.M):
            v = m.group(2)
            out[m.group(1)] = v.strip('"').encode() if v.startswith('"') else int(v, 0)
    return out


F = frame_layout()


def check(ok, name, got=None, want=None, rule="host-side wire check", todo=None):
    return tap.check(ok, name, got, want, rule=rule, todo=todo)


def fletcher32(data):
    a = b = 0xFFFF
    for x in data:
        a = (a + x) % 65535
        b = (b + a) % 65535
    return b << 16 | a


def build(length, sender, seq, src):
    """The frame the guest's conformance traffic sends (vt_build): to
    broadcast, the conformance run, no timestamp, the sender's payload pattern."""
    length = max(F["MIN_LEN"], min(F["MAX_LEN"], length))
    b = bytearray(length)
    b[0:6] = b"\xff" * 6
    b[6:12] = src
    struct.pack_into(">H", b, 12, F["ETHERTYPE"])
    b[F["OFF_MAGIC"]:F["OFF_MAGIC"] + 4] = F["MAGIC"]
    struct.pack_into(">H", b, F["OFF_SENDER"], sender)
    struct.pack_into(">I", b, F["OFF_RUN"], F["RUN_CONFORMANCE"])
    struct.pack_into(">I", b, F["OFF_SEQ"], seq)
    struct.pack_into(">H", b, F["OFF_LEN"], length)
    struct.pack_into(">Q", b, F["OFF_STAMP"], 0)
    seed = (seq * F["PATTERN_SEQ_MUL"] + sender * F["PATTERN_SENDER_MUL"]) & 0xFF
    for i in range(F["OFF_PAYLOAD"], length):
        b[i] = (seed + i * F["PATTERN_STEP"]) & 0xFF
    struct.pack_into(">I", b, F["OFF_CSUM"], fletcher32(b[F["OFF_PAYLOAD"]:]))
    return bytes(b)


def parse(frame):
    """(sender, seq, length) of one of our frames, or None."""
    if len(frame) < F["OFF_PAYLOAD"] or struct.unpack_from(">H", frame, 12)[0] != F["ETHERTYPE"] \
            or frame[F["OFF_MAGIC"]:F["OFF_MAGIC"] + 4] != F["MAGIC"]:
        return None
    return (struct.unpack_from(">H", frame, F["OFF_SENDER"])[0], struct.unpack_from(">I", frame, F["OFF_SEQ"])[0],
            struct.unpack_from(">H", frame, F["OFF_LEN"])[0])


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{len(data)} bytes, no pcap header")
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise ValueError(f"pcap magic 0x{magic:08x}")
    linktype = struct.unpack_from("<I", data, 20)[0]
    if linktype != 1:
        raise ValueError(f"linktype {linktype}, not Ethernet")
    frames, off, truncated = [], 24, 0
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack_from("<IIII", data, off)
        frames.append(data[off + 16:off + 16 + incl])
        truncated += incl != orig
        off += 16 + incl
    return frames, truncated


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vfs", type=int, default=3)
    ap.add_argument("--pfs", type=int, default=1)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vfprobe-wire-")
    host_sock = os.path.join(tmp, "host.sock")
    pcap = os.path.join(tmp, "wire.pcap")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(host_sock)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    got_host = []
    stop = threading.Event()

    def reader():
        s.settimeout(0.2)
        while not stop.is_set():
            try:
                got_host.append(s.recv(65536))
            except socket.timeout:
                continue

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    name = f"wire-pcap-{a.pfs}pf-{a.vfs}vf"
    argv = ["--suite", "net", "--vfs", str(a.vfs), "--pfs", str(a.pfs), "--no-build", "--quiet",
            "--mode", "short", "--name", name, "--",
            "-netdev", f"dgram,id=wire,local.type=unix,local.path={os.path.join(tmp, 'qemu.sock')},"
                       f"remote.type=unix,remote.path={host_sock}",
            "-netdev", f"hubport,id=wireport,hubid={backends.Hub.HUB_ID},netdev=wire",
            "-object", f"filter-dump,id=wiredump,netdev=wire,file={pcap}"]
    code, res = vfprobe_core.run(argv, summary=False)
    stop.set()
    th.join()
    s.setblocking(False)
    while True:  # what QEMU sent before it exited but the reader had not taken yet
        try:
            got_host.append(s.recv(65536))
        except BlockingIOError:
            break
    s.close()
    check(code == 0 and res and res["verdict"] == "pass", "guest suite net passed with a host port on the hub",
          (code, res and res["verdict"]), (0, "pass"))
    log = os.path.join(ROOT, "build", "logs", f"{name}.log")
    senders = {}
    try:
        with open(log, errors="replace") as f:
            for line in f:
                m = re.search(r"# wire: sender (\d+) mac ([0-9a-f:]{17}) frames (\d+)", line)
                if m:
                    senders[int(m.group(1))] = (bytes.fromhex(m.group(2).replace(":", "")), int(m.group(3)))
    except OSError as e:
        check(False, "guest log readable", e, log)
    check(len(senders) == a.pfs * (a.vfs + 1), "guest reported every function's frame count",
          len(senders), a.pfs * (a.vfs + 1))
    try:
        frames, truncated = read_pcap(pcap)
    except (OSError, ValueError) as e:
        check(False, "filter-dump wrote a pcap", e, "a pcap with Ethernet frames")
        return
    check(truncated == 0, "no frame truncated in the pcap (incl_len == orig_len)", truncated, 0)
    ours = [f for f in frames if parse(f)]
    bad, seen = [], {}
    for f in ours:
        sender, seq, length = parse(f)
        src = senders.get(sender, (f[6:12], 0))[0]
        if build(length, sender, seq, src) != f:
            bad.append((sender, seq, len(f)))
        seen.setdefault(sender, []).append(seq)
    check(not bad, "every frame on the wire is byte-identical to the frame the guest built",
          f"{len(bad)} differ, first {bad[:1]}", "0 differ",
          rule="virtio v1.3 §5.1.6.2 Packet Transmission: the device sends the buffer's frame unchanged")
    order_bad = []
    for i, (mac, count) in sorted(senders.items()):
        if seen.get(i, []) != list(range(count)):
            got = seen.get(i, [])
            order_bad.append(f"sender {i}: {len(got)} frames, want {count}")
    check(not order_bad and senders, "each sender's frames 0..N-1 on the wire, once each, in order",
          "; ".join(order_bad[:3]), "all senders complete",
          rule="virtio v1.3 §5.1.6.2 Packet Transmission: every posted TX buffer is sent, in ring order")
    check(len(ours) == sum(c for _, c in senders.values()), "wire frame count equals frames the guest sent",
          len(ours), sum(c for _, c in senders.values()))
    host_ours = [f for f in got_host if parse(f)]
    check(sorted(host_ours) == sorted(ours), "the frames at the host socket are the pcap's, byte for byte",
          f"{len(host_ours)} frames at the socket", f"the {len(ours)} of the pcap")
    first = next((i for i, (x, y) in enumerate(zip(host_ours, ours)) if x != y), None)
    check(first is None, "the host socket gets the frames in the pcap's order",
          f"first difference at frame {first}", "same order",
          rule="IEEE 802.1Q-2018 §8.6.6 Queuing frames: order of frames from one source to one destination kept",
          todo="known QEMU deviation net-queue-reorder-on-rx-overrun: when the socket is busy (EAGAIN) "
               "net/dgram.c:96-98 queues the frame and net/queue.c:210,216 delivers later frames first")


if __name__ == "__main__":
    tap = Tap("wire")
    main()
    tap.done()
