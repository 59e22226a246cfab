"""The test frame of tests/lib/frame.h, on the host: its FRAME_* numbers
are read from that file, so the two cannot drift apart. Builds the frame
the guest's conformance traffic sends (vt_build) and the frames the
runner's host port sends (frame_host_len), and parses a frame's header."""

import codecs
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAME_H = os.path.join(ROOT, "tests", "lib", "frame.h")
BROADCAST = b"\xff" * 6


def layout(path=FRAME_H):
    """The FRAME_* numbers and strings (C escapes decoded, as bytes) of frame.h."""
    out = {}
    with open(path) as f:
        for m in re.finditer(r"^#define FRAME_(\w+)\s+(0x[0-9a-fA-F]+|\d+|\"[^\"]*\")", f.read(), re.M):
            v = m.group(2)
            if v.startswith('"'):
                out[m.group(1)] = codecs.escape_decode(v[1:-1].encode())[0]
            else:
                out[m.group(1)] = int(v, 0)
    return out


F = layout()
HOST_SENDER = F["HOST_SENDER"]
HOST_MAC = F["HOST_MAC"]
HOST_COUNT = F["HOST_COUNT"]


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
    b[0:6] = BROADCAST
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


def host_len(seq):
    """frame_host_len(): the length of the host port's frame seq."""
    if seq >= HOST_COUNT:
        return F["MIN_LEN"]
    return F["MIN_LEN"] + (F["MAX_LEN"] - F["MIN_LEN"]) * seq // (HOST_COUNT - 1)


def host_frame(seq):
    """The host port's frame seq, as the guest rebuilds it."""
    return build(host_len(seq), HOST_SENDER, seq, HOST_MAC)


def parse(frame):
    """(sender, seq, length field) of one of our frames, or None."""
    if len(frame) < F["OFF_PAYLOAD"] or struct.unpack_from(">H", frame, 12)[0] != F["ETHERTYPE"] \
            or frame[F["OFF_MAGIC"]:F["OFF_MAGIC"] + 4] != F["MAGIC"]:
        return None
    return (struct.unpack_from(">H", frame, F["OFF_SENDER"])[0], struct.unpack_from(">I", frame, F["OFF_SEQ"])[0],
            struct.unpack_from(">H", frame, F["OFF_LEN"])[0])
