"""tests/harness/test_topology.py: the topology seams, without booting.

The netdev backend: `--backend hub` is the default's QEMU command line, an
unknown backend is a one-line error, and the guest is told the backend and
who hears whom. The PF models: the host's table (scripts/topology.py) and
the guest's (firmware/pci/pf_model.c) must not drift apart.
Run by pytest."""

import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import backends  # noqa: E402
import pytest  # noqa: E402
import topology  # noqa: E402
import vfprobe_core  # noqa: E402

VFPROBE = os.path.join(ROOT, "scripts", "vfprobe")
TOPOLOGIES = [[], ["--pfs", "2", "--vfs", "3"], ["--vfs", "64"], ["--pf-model", "igb"],
              ["--pf-model", "nvme", "--vfs", "5"]]


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=vfprobe_core.BOOT_TIMEOUT_S)


def print_cmd(*argv):
    r = run([VFPROBE, "--no-build", "--accel", "tcg", "--print-cmd", *argv])
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def one_line_error(cmd, want):
    r = run(cmd)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert (r.returncode, len(lines)) == (2, 1) and want in lines[0], r.stderr


@pytest.mark.parametrize("topo", TOPOLOGIES, ids=lambda t: " ".join(t) or "default")
def test_backend_hub_is_the_default(topo):
    """--backend hub gives the default's QEMU command line, and the guest's
    options carry backend=hub peers=all."""
    code, default, err = print_cmd(*topo)
    code_hub, hub, err_hub = print_cmd(*topo, "--backend", "hub")
    assert (code, code_hub) == (0, 0) and default, err or err_hub
    assert hub == default
    argv = shlex.split(default)
    words = argv[argv.index("-append") + 1].split() if "-append" in argv else []
    assert "backend=hub" in words and "peers=all" in words, words


def test_bench_unknown_backend():
    # scripts/vfprobe's bad input is in test_harness.py; bench has a parser of its own.
    one_line_error([os.path.join(ROOT, "scripts", "bench"), "--no-build", "--backend", "nosuch"],
                   "unknown --backend 'nosuch' (use one of: hub, vhost-user, vdpa")


def test_guest_options_default_backend():
    words = vfprobe_core.guest_cmdline("net", 1, 3, "virtio-net", "short").split()
    assert "backend=hub" in words and "peers=all" in words, words


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


N_FUNCTIONS = 12
PEER_RULES = {"all": lambda a, b: a != b, "pairs": lambda a, b: a != b and a // 2 == b // 2,
              "host": lambda a, b: False,
              "all:0/pairs:1-3": lambda a, b: a != b and {a, b} == {1, 2},
              "all:0,4/pairs:1-3,5-7": lambda a, b: a != b and ({a, b} in ({0, 4}, {1, 2}, {3, 5}, {6, 7})),
              "all:0": lambda a, b: False}
MORE_SPECS = ["pairs:3,1,2,0", "all:1-4/all:6,7/pairs:8-11", "nosuch", "all:", "all:3-1", "pairs:1/all:1",
              "all:0//pairs:1", "all:512", "all:0,x"]


@pytest.mark.parametrize("spec", list(PEER_RULES))
def test_peers_who_hears_whom(spec):
    """Who hears whom, functions in the guest's order (scripts/backends.py)."""
    n, rule = N_FUNCTIONS, PEER_RULES[spec]
    assert host_hears(spec, n) == " ".join(f"{a}:{b}" for a in range(n) for b in range(n) if rule(a, b))


def test_guest_parser_agrees_with_host():
    """firmware/lib/peers.c gives the host's answer on every spec, errors included."""
    specs = list(PEER_RULES) + MORE_SPECS
    guest = guest_hears(specs, N_FUNCTIONS)
    assert dict(zip(specs, guest)) == {s: host_hears(s, N_FUNCTIONS) for s in specs}


@pytest.mark.parametrize("name", list(backends.BACKENDS))
@pytest.mark.parametrize("pfs,vfs", [(1, 3), (2, 3), (1, 16), (2, 16)])
def test_peers_fit_a_load_option(name, pfs, vfs):
    spec = backends.make(name).peers(pfs, vfs)
    assert len(spec) < 200 and host_hears(spec, pfs * (vfs + 1)) != "error", spec


def test_vhost_user_ports():
    """1 PF x 3 VFs: the PF alone on the hub, VF1 <-> VF2, VF3 on testpmd's null port."""
    be = backends.VhostUser()
    g = backends.parse_peers(be.peers(1, 3))
    assert not any(backends.hears(g, 0, s) for s in range(4)) and backends.hears(g, 1, 2)
    assert not backends.hears(g, 3, 2)
    assert [f for f, _ in be.ports(1, 3)] == [1, 2, 3, None]


def test_function_index_order():
    """pf0, its VFs, pf1, its VFs."""
    assert [backends.function_index(p, v, 3) for p in range(2) for v in range(4)] == list(range(8))


def test_vdpa_command_line():
    """vhost-vdpa: one device per VF in order, the PF on the hub; the guest
    is told the VFs hear no other function."""
    code, cmd, err = print_cmd("--backend", "vdpa:/dev/vhost-vdpa-7,/dev/vhost-vdpa-3", "--vfs", "2")
    assert code == 0, err
    argv = shlex.split(cmd)
    netdevs = [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]
    assert netdevs == ["vhost-vdpa,id=pf0vf2,vhostdev=/dev/vhost-vdpa-3",
                       "vhost-vdpa,id=pf0vf1,vhostdev=/dev/vhost-vdpa-7", "hubport,id=pf0net,hubid=0"]
    words = argv[argv.index("-append") + 1].split()
    assert "backend=vdpa" in words and "peers=all:0" in words, words


def test_multiqueue_command_line():
    """--queues 3 on vhost-user: every VF's netdev and testpmd port have 3
    queue pairs and the VF offers MQ; the PF stays a one-queue hub port."""
    code, cmd, err = print_cmd("--backend", "vhost-user", "--vfs", "2", "--queues", "3")
    assert code == 0, err
    argv = shlex.split(cmd)
    netdevs = [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]
    assert [n.split(",")[-1] for n in netdevs[:2]] == ["queues=3", "queues=3"], netdevs
    assert netdevs[2] == "hubport,id=pf0net,hubid=0"
    devices = [argv[i + 1] for i, a in enumerate(argv) if a == "-device" and "virtio-net-pci" in argv[i + 1]]
    assert [d.endswith(",mq=on") for d in devices] == [True, True, False], devices
    assert "queues=3" in argv[argv.index("-append") + 1].split()
    be = backends.VhostUser()
    be.queues = 3
    pmd = be.service(1, 2).command()
    assert "--rxq=3" in pmd and "--txq=3" in pmd and any(a.endswith(",queues=3") for a in pmd), pmd


def test_queue_pair_limit_agrees_with_firmware():
    with open(os.path.join(ROOT, "firmware", "virtio", "net.h")) as f:
        limit = int(re.search(r"^#define NET_MAX_PAIRS\s+(\d+)", f.read(), re.M).group(1))
    assert limit == backends.MAX_QUEUE_PAIRS


@pytest.mark.parametrize("argv,want", [
    (["--queues", "2"], "--queues 2 needs a backend with queues per port: hub has 1"),
    (["--backend", "vhost-user", "--queues", "0"], "--queues 0: the guest drives 1 to 8 queue pairs"),
    (["--backend", "vhost-user", "--queues", "9"], "--queues 9: the guest drives 1 to 8 queue pairs")],
    ids=["queues on the hub", "no queues", "more queues than the guest drives"])
def test_bad_queues(argv, want):
    one_line_error([VFPROBE, "--no-build", *argv], want)


@pytest.mark.parametrize("argv,want", [
    (["--backend", "vdpa:/dev/vhost-vdpa-0", "--vfs", "2"], "1 device(s) given for 2 VFs"),
    (["--backend", "vhost-user", "--pf-model", "igb"], "--backend vhost-user needs --pf-model virtio-net"),
    (["--backend", "vhost-user", "--vfs", "40"], "at most 32 (RTE_MAX_ETHPORTS)")],
    ids=["vdpa short of devices", "vhost-user on igb", "vhost-user beyond testpmd's ports"])
def test_backend_bad_topology(argv, want):
    one_line_error([VFPROBE, "--no-build", *argv], want)


@pytest.mark.skipif(bool(backends.Vdpa().devices), reason="this host has vhost-vdpa devices")
def test_vdpa_skips_without_devices():
    r = run([VFPROBE, "--no-build", "--accel", "tcg", "--backend", "vdpa", "--suite", "net"])
    assert r.returncode == 0, r.stderr
    assert "SKIP --backend vdpa: this host has no /dev/vhost-vdpa-*" in r.stdout
    assert r.stdout.strip().endswith("0 passed, 0 failed, 1 skipped")


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
        keys = ("vendor", "device", "vf_device", "class_code", "max_total_vfs")
        out[name] = {k: c_value(fields[k], defines) for k in keys}
        out[name]["vf_creation"] = {"PF_VFS_USER_CREATED": topology.VF_USER_CREATED,
                                    "PF_VFS_DEVICE_CREATED": topology.VF_DEVICE_CREATED}.get(
                                        fields["vf_creation"].strip())
    return out


def test_guest_table_parses():
    assert guest_models(), "firmware/pci/pf_model.c: pf_models[] parsed"


def test_same_models_in_one_order():
    assert list(guest_models()) == list(topology.MODELS)


@pytest.mark.parametrize("name", list(topology.MODELS))
def test_model_agrees_with_firmware(name):
    """IDs, class code, VF creation and TotalVFs limit as in firmware/pci/pf_model.c."""
    m = topology.MODELS[name]
    g = guest_models().get(name, {})
    host = {"vendor": m.vendor, "device": m.device, "vf_device": m.vf_device, "class_code": m.class_code,
            "max_total_vfs": m.max_total_vfs, "vf_creation": m.vf_creation}
    assert g == host
    assert m.min_total_vfs <= m.default_vfs <= m.max_total_vfs, "the default VF count is within its TotalVFs limits"
