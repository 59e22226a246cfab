"""scripts/bench_events.py: what each guest makes the device do per frame.

An events boot is a benchmark boot (short mode) with QEMU's own trace
points on (the log backend): every kick the guest writes
(virtio_queue_notify), every interrupt the device decides to send
(virtio_notify, after its suppression checks), every element it takes
from a ring (virtqueue_pop, with how many buffers it maps) and every byte
the guest writes to COM1 (serial_write). The console bytes put the BENCH
lines into the same log, in order with the device's events: a figure's
events are those between the BENCH line before it and its own. Per figure
they are divided by the TX elements the device took, i.e. the frames
sent. The same counts for vfprobe, DPDK's virtio PMD
and the kernel guest say whether a difference in time comes from the
guest asking the device for more work (more kicks, more buffers per
frame, interrupts) or from the guest's own instructions.

Only the hub backend shows the datapath here: with vhost-user the rings
are served by the backend, not by QEMU.
"""

import re

DEVICE_EVENTS = ("virtio_queue_notify", "virtio_notify", "virtqueue_pop")
CONSOLE_EVENT = "serial_write"
EVENTS = DEVICE_EVENTS + (CONSOLE_EVENT,)
THR = 0  # the UART's transmit holding register: one console byte
# The figures whose frames can be counted (one TX element per frame).
FRAME_FIGURES = ("rtt", "rate", "agg_rate")
# An event, after the time stamp QEMU may put first ("2026-...Z " with
# -msg timestamp=on, "pid@sec.usec:" in older QEMUs).
TRACE_LINE = re.compile(r"^(?:\S+Z |\d+@[\d.]+:)?(" + "|".join(EVENTS) + r") (.*)$")
BENCH_LINE = re.compile(r"^BENCH name=")
FIELD = re.compile(r"(\w+) (0x[0-9a-fA-F]+|\d+)\b")  # "vq 0x55.. in_num 1"; serial's "write addr 0x00 val 0x42"


def qemu_args(trace_path):
    args = ["-D", trace_path]
    for e in EVENTS:
        args += ["-trace", e]
    return args


def bench_fields(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def parse_trace(path):
    """([(event, {field: value})] of the device, [(index in that list,
    BENCH line)]): each BENCH line after the device events logged before
    its last byte."""
    events, marks, line = [], [], []
    with open(path, errors="replace") as f:
        for raw in f:
            m = TRACE_LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            fields = dict(FIELD.findall(m.group(2)))
            if m.group(1) != CONSOLE_EVENT:
                events.append((m.group(1), fields))
                continue
            if int(fields.get("addr", "0x1"), 16) != THR:
                continue
            ch = chr(int(fields["val"], 16))
            if ch != "\n":
                line.append(ch)
                continue
            text = "".join(line).rstrip("\r")
            line = []
            if BENCH_LINE.match(text):
                marks.append((len(events), text))
    return events, marks


def queue_roles(events):
    """{vq pointer: 'tx' | 'rx' | 'other'} from the elements each queue gave:
    a TX element has only device-readable buffers, an RX one only writable."""
    roles = {}
    for ev, f in events:
        if ev != "virtqueue_pop":
            continue
        role = "tx" if f["in_num"] == "0" else "rx" if f["out_num"] == "0" else "other"
        if roles.setdefault(f["vq"], role) != role:
            roles[f["vq"]] = "other"
    return roles


def tally(events, roles):
    c = dict.fromkeys(("tx_frames", "rx_elems", "tx_bufs", "rx_bufs", "tx_kicks", "rx_kicks", "irqs"), 0)
    for ev, f in events:
        role = roles.get(f.get("vq"), "other")
        if ev == "virtqueue_pop" and role == "tx":
            c["tx_frames"] += 1
            c["tx_bufs"] += int(f["out_num"])
        elif ev == "virtqueue_pop" and role == "rx":
            c["rx_elems"] += 1
            c["rx_bufs"] += int(f["in_num"])
        elif ev == "virtio_queue_notify" and role in ("tx", "rx"):
            c[f"{role}_kicks"] += 1
        elif ev == "virtio_notify":
            c["irqs"] += 1
    return c


def per_frame(c):
    """Per TX frame: kicks on TX and RX queues, interrupts, buffers of a TX
    and of an RX element, RX elements (above 1 with mergeable buffers or
    frames also delivered elsewhere on the hub)."""
    n = c["tx_frames"]
    if not n:
        return None
    return {"frames": n, "tx_kicks": c["tx_kicks"] / n, "rx_kicks": c["rx_kicks"] / n, "irqs": c["irqs"] / n,
            "tx_bufs": c["tx_bufs"] / n, "rx_elems": c["rx_elems"] / n,
            "rx_bufs": c["rx_bufs"] / c["rx_elems"] if c["rx_elems"] else 0.0}


def figures(trace_path):
    """[(BENCH fields, per-frame counts)] of the frame figures of one boot."""
    events, marks = parse_trace(trace_path)
    roles = queue_roles(events)
    out, start = [], None
    for end, line in marks:
        rec = bench_fields(line)
        if start is not None and rec.get("name") in FRAME_FIGURES:
            counts = per_frame(tally(events[start:end], roles))
            if counts:
                out.append((rec, counts))
        start = end
    return out
