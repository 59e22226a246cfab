#!/usr/bin/python3
"""tests/harness/test_topology.py: the topology seams, without booting.

The netdev backend: `--backend hub` is the default's QEMU command line, an
unknown backend is a one-line error, and the guest is told the backend and
who hears whom. The PF models: the host's table (scripts/topology.py) and
the guest's (firmware/pci/pf_model.c) must not drift apart.
Prints TAP and `# N passed, N failed, N skipped`."""

import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import backends  # noqa: E402
import topology  # noqa: E402
import vfprobe_core  # noqa: E402
from taplite import Tap  # noqa: E402

tap = Tap("topology")
check = tap.check
VFPROBE = os.path.join(ROOT, "scripts", "vfprobe")
TOPOLOGIES = [[], ["--pfs", "2", "--vfs", "3"], ["--vfs", "64"], ["--pf-model", "igb"],
              ["--pf-model", "nvme", "--vfs", "5"]]


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=vfprobe_core.BOOT_TIMEOUT_S)


def print_cmd(*argv):
    r = run([VFPROBE, "--no-build", "--accel", "tcg", "--print-cmd", *argv])
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def one_line_error(cmd, want, what):
    r = run(cmd)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    check(r.returncode == 2 and len(lines) == 1 and want in lines[0], f"{what}: one-line error, exit 2",
          (r.returncode, r.stderr.strip()), f"2, '{want}'")


def backend_option():
    for topo in TOPOLOGIES:
        code, default, err = print_cmd(*topo)
        code_hub, hub, err_hub = print_cmd(*topo, "--backend", "hub")
        say = " ".join(topo) or "the default topology"
        check(code == 0 and code_hub == 0 and default and hub == default,
              f"{say}: --backend hub gives the default's QEMU command line",
              (code, code_hub, err or err_hub or hub), default)
        argv = shlex.split(default)
        cmdline = argv[argv.index("-append") + 1] if "-append" in argv else ""
        words = cmdline.split()
        check("backend=hub" in words and "peers=all" in words,
              f"{say}: the guest's options carry backend=hub peers=all", cmdline, "backend=hub peers=all")
    # scripts/vfprobe's bad input is in test_harness.py; bench has a parser of its own.
    one_line_error([os.path.join(ROOT, "scripts", "bench"), "--no-build", "--backend", "nosuch"],
                   "unknown --backend 'nosuch' (use one of: hub)", "bench --backend nosuch")
    words = vfprobe_core.guest_cmdline("net", 1, 3, "virtio-net", "short").split()
    check("backend=hub" in words and "peers=all" in words, "the guest's options default to backend=hub peers=all",
          words, "backend=hub peers=all")


def peers():
    """Who hears whom, functions in the guest's order."""
    n = 6
    for name, want in (("all", lambda a, b: a != b), ("pairs", lambda a, b: a != b and a // 2 == b // 2),
                       ("host", lambda a, b: False)):
        be = type(f"Peers_{name}", (backends.Backend,), {"peers": name})()
        got = [(a, b) for a in range(n) for b in range(n) if be.hears(a, b)]
        check(got == [(a, b) for a in range(n) for b in range(n) if want(a, b)],
              f"peers={name}: who hears whom", got, name)
    check(backends.Hub.peers == "all" and all(cls.peers in backends.PEERS for cls in backends.BACKENDS.values()),
          "every backend names its peers; hub's are all", {k: v.peers for k, v in backends.BACKENDS.items()},
          "all of them in PEERS, hub: all")
    check([backends.function_index(p, v, 3) for p in range(2) for v in range(4)] == list(range(8)),
          "function_index: pf0, its VFs, pf1, its VFs", None, "0..7")


def c_defines(path):
    with open(os.path.join(ROOT, path)) as f:
        return dict(re.findall(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", f.read(), re.M))


def c_value(text, defines):
    """An integer field of the C table: literals and #defines joined by +."""
    text = re.sub(r"\w+", lambda m: defines.get(m.group(0), m.group(0)), text.strip())
    if not re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)(\s*\+\s*(0x[0-9a-fA-F]+|\d+))*", text):
        raise ValueError(f"not a sum of numbers: {text}")
    return sum(int(t, 0) for t in text.split("+"))


def guest_models():
    """pf_models[] of firmware/pci/pf_model.c as {name: {field: value}}."""
    with open(os.path.join(ROOT, "firmware", "pci", "pf_model.c")) as f:
        src = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    table = re.search(r"pf_models\[\]\s*=\s*\{(.*?)\n\};", src, re.S).group(1)
    defines = c_defines("firmware/virtio/spec_pci.h")
    out = {}
    for block in re.findall(r"\{(.*?)\}", table, re.S):
        fields = dict(re.findall(r"\.(\w+)\s*=\s*(\"[^\"]*\"|[^,]+)", block))
        name = fields["name"].strip('"')
        out[name] = {k: c_value(fields[k], defines) for k in ("vendor", "device", "vf_device", "class_code",
                                                               "max_total_vfs")}
        out[name]["vf_creation"] = {"PF_VFS_USER_CREATED": topology.VF_USER_CREATED,
                                    "PF_VFS_DEVICE_CREATED": topology.VF_DEVICE_CREATED}.get(
                                        fields["vf_creation"].strip())
    return out


def models():
    try:
        guest = guest_models()
    except (OSError, AttributeError, KeyError, ValueError) as e:
        check(False, "firmware/pci/pf_model.c: pf_models[] parsed", e, "the table")
        return
    check(list(guest) == list(topology.MODELS), "the host and the guest know the same PF models, in one order",
          list(guest), list(topology.MODELS))
    for name, m in topology.MODELS.items():
        g = guest.get(name, {})
        host = {"vendor": m.vendor, "device": m.device, "vf_device": m.vf_device, "class_code": m.class_code,
                "max_total_vfs": m.max_total_vfs, "vf_creation": m.vf_creation}
        check(g == host, f"{name}: IDs, class code, VF creation and TotalVFs limit as in firmware/pci/pf_model.c",
              {k: hex(v) if isinstance(v, int) else v for k, v in g.items()},
              {k: hex(v) if isinstance(v, int) else v for k, v in host.items()})
        check(m.min_total_vfs <= m.default_vfs <= m.max_total_vfs,
              f"{name}: the default VF count is within its TotalVFs limits", m.default_vfs,
              f"{m.min_total_vfs}..{m.max_total_vfs}")


backend_option()
peers()
models()
tap.done()
