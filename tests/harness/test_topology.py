#!/usr/bin/env python3
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
                   "unknown --backend 'nosuch' (use one of: hub, vhost-user, vdpa", "bench --backend nosuch")
    words = vfprobe_core.guest_cmdline("net", 1, 3, "virtio-net", "short").split()
    check("backend=hub" in words and "peers=all" in words, "the guest's options default to backend=hub peers=all",
          words, "backend=hub peers=all")


def host_hears(spec, n):
    try:
        g = backends.parse_peers(spec)
    except ValueError:
        return "error"
    return " ".join(f"{r}:{s}" for r in range(n) for s in range(n) if backends.hears(g, r, s))


def guest_hears(specs, n):
    """firmware/lib/peers.c built for the host, on the same specs."""
    exe = os.path.join(ROOT, "build", "harness", "peers_dump")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    subprocess.run(["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "firmware"),
                    os.path.join(ROOT, "tests", "harness", "peers_dump.c"),
                    os.path.join(ROOT, "firmware", "lib", "peers.c"), "-o", exe], check=True)
    out = subprocess.run([exe, str(n), *specs], stdout=subprocess.PIPE, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines()]


def peers():
    """Who hears whom, functions in the guest's order: the host's rules
    (scripts/backends.py) and the guest's (firmware/lib/peers.c) agree."""
    n = 12
    want = {"all": lambda a, b: a != b, "pairs": lambda a, b: a != b and a // 2 == b // 2,
            "host": lambda a, b: False,
            "all:0/pairs:1-3": lambda a, b: a != b and {a, b} == {1, 2},
            "all:0,4/pairs:1-3,5-7": lambda a, b: a != b and ({a, b} in ({0, 4}, {1, 2}, {3, 5}, {6, 7})),
            "all:0": lambda a, b: False}
    for spec, rule in want.items():
        got = host_hears(spec, n)
        check(got == " ".join(f"{a}:{b}" for a in range(n) for b in range(n) if rule(a, b)),
              f"peers={spec}: who hears whom (host)", got, spec)
    specs = list(want) + ["pairs:3,1,2,0", "all:1-4/all:6,7/pairs:8-11", "nosuch", "all:", "all:3-1",
                          "pairs:1/all:1", "all:0//pairs:1", "all:512", "all:0,x"]
    try:
        guest = guest_hears(specs, n)
    except (OSError, subprocess.CalledProcessError) as e:
        check(False, "firmware/lib/peers.c builds on the host", e, "tests/harness/peers_dump")
        return
    for spec, g in zip(specs, guest):
        check(g == host_hears(spec, n), f"peers={spec}: the guest's parser agrees with the host's", g,
              host_hears(spec, n))
    for p, v in ((1, 3), (2, 3), (1, 16), (2, 16)):
        for name in backends.BACKENDS:
            be = backends.make(name)
            spec = be.peers(p, v)
            check(len(spec) < 200 and host_hears(spec, p * (v + 1)) != "error",
                  f"{name}, {p} PF(s) x {v} VFs: peers={spec} parses and fits a load option", len(spec), "< 200")
    be = backends.VhostUser()
    g = backends.parse_peers(be.peers(1, 3))
    check(not any(backends.hears(g, 0, s) for s in range(4)) and backends.hears(g, 1, 2)
          and not backends.hears(g, 3, 2),
          "vhost-user, 1 PF x 3 VFs: the PF alone on the hub, VF1 <-> VF2, VF3 on a null port",
          be.peers(1, 3), "all:0/pairs:1-3")
    check([f for f, _ in be.ports(1, 3)] == [1, 2, 3, None],
          "vhost-user: testpmd's ports are the VFs in the guest's order, a null port for an odd count",
          be.ports(1, 3), "VF1..3, null")
    check([backends.function_index(p, v, 3) for p in range(2) for v in range(4)] == list(range(8)),
          "function_index: pf0, its VFs, pf1, its VFs", None, "0..7")


def vdpa():
    """vhost-vdpa: one device per VF in order, the PF on the hub; skipped
    with one line where the host has none."""
    code, cmd, err = print_cmd("--backend", "vdpa:/dev/vhost-vdpa-7,/dev/vhost-vdpa-3", "--vfs", "2")
    argv = shlex.split(cmd)
    netdevs = [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]
    check(code == 0 and netdevs == ["vhost-vdpa,id=pf0vf2,vhostdev=/dev/vhost-vdpa-3",
                                    "vhost-vdpa,id=pf0vf1,vhostdev=/dev/vhost-vdpa-7",
                                    "hubport,id=pf0net,hubid=0"],
          "vdpa:DEV,DEV: each VF on its vhost-vdpa device, in order; the PF on the hub", netdevs or err,
          "VF1 on vhost-vdpa-7, VF2 on vhost-vdpa-3")
    cmdline = argv[argv.index("-append") + 1] if "-append" in argv else ""
    check("backend=vdpa" in cmdline.split() and "peers=all:0" in cmdline.split(),
          "vdpa: the guest is told the VFs hear no other function", cmdline, "backend=vdpa peers=all:0")
    one_line_error([VFPROBE, "--no-build", "--backend", "vdpa:/dev/vhost-vdpa-0", "--vfs", "2"],
                   "1 device(s) given for 2 VFs", "vdpa with fewer devices than VFs")
    if not backends.Vdpa().devices:
        r = run([VFPROBE, "--no-build", "--accel", "tcg", "--backend", "vdpa", "--suite", "net"])
        check(r.returncode == 0 and "SKIP --backend vdpa: this host has no /dev/vhost-vdpa-*" in r.stdout
              and r.stdout.strip().endswith("0 passed, 0 failed, 1 skipped"),
              "vdpa on a host without /dev/vhost-vdpa-*: skipped with one line", (r.returncode, r.stdout), "SKIP")
    one_line_error([VFPROBE, "--no-build", "--backend", "vhost-user", "--pf-model", "igb"],
                   "--backend vhost-user needs --pf-model virtio-net", "vhost-user on igb")
    one_line_error([VFPROBE, "--no-build", "--backend", "vhost-user", "--vfs", "40"],
                   "at most 32 (RTE_MAX_ETHPORTS)", "vhost-user with more VFs than testpmd ports")


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
vdpa()
models()
tap.done()
