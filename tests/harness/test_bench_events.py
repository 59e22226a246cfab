"""tests/harness/test_bench_events.py: the per-frame device counts
(scripts/bench_events.py) on a made-up trace. Run by pytest."""

import bench_events

TX, RX = "0x1000", "0x2000"


def console(text):
    """The guest writing text + newline to COM1, one byte per trace line
    (with a divisor-latch write in between, which is no console byte)."""
    lines = [f"serial_write write addr 0x00 val 0x{ord(c):02x}" for c in text + "\n"]
    return lines[:2] + ["serial_write write addr 0x03 val 0x80"] + lines[2:]


def frame():
    """One frame: a TX kick, the TX element (two buffers), the RX element."""
    return [f"virtio_queue_notify vdev 0xa n 1 vq {TX}",
            f"virtqueue_pop vq {TX} elem 0xe in_num 0 out_num 2",
            f"virtqueue_pop vq {RX} elem 0xf in_num 1 out_num 0"]


def figures(tmp_path, lines):
    p = tmp_path / "boot.trace"
    p.write_text("".join(line + "\n" for line in lines) + "garbage that is no trace line\n")
    return bench_events.figures(str(p))


def test_counts_per_frame_between_bench_lines(tmp_path):
    lines = (frame() + console("BENCH name=vf_enable unit=ns n=3 median=5 vfs=1") + console("ok 3 - x") + frame()
             + frame() + ["1234@1796180000.000001:virtio_notify vdev 0xa vq 0x2000"]
             + console("BENCH name=rtt unit=ns n=2 median=9 path=vf-vf size=60") + frame())
    got = figures(tmp_path, lines)
    assert len(got) == 1
    rec, c = got[0]
    assert (rec["name"], rec["size"]) == ("rtt", "60")
    assert c == {"frames": 2, "tx_kicks": 1.0, "rx_kicks": 0.0, "irqs": 0.5, "tx_bufs": 2.0, "rx_elems": 1.0,
                 "rx_bufs": 1.0}


def test_the_first_figure_and_one_without_frames_are_left_out(tmp_path):
    lines = frame() + console("BENCH name=rtt unit=ns n=1") + console("BENCH name=rate unit=ns n=1")
    assert figures(tmp_path, lines) == []


def test_a_queue_with_both_kinds_of_buffer_is_neither_tx_nor_rx():
    ev = [("virtqueue_pop", {"vq": "0x3", "in_num": "1", "out_num": "1"}),
          ("virtqueue_pop", {"vq": TX, "in_num": "0", "out_num": "1"})]
    assert bench_events.queue_roles(ev) == {"0x3": "other", TX: "tx"}


def test_trace_arguments():
    args = bench_events.qemu_args("/x/boot.trace")
    assert args[:2] == ["-D", "/x/boot.trace"]
    assert [args[i + 1] for i in range(2, len(args), 2)] == list(bench_events.EVENTS)
