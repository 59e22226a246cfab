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
                   "unknown --backend 'nosuch' (use one of: hub)")


def test_guest_options_default_backend():
    words = vfprobe_core.guest_cmdline("net", 1, 3, "virtio-net", "short").split()
    assert "backend=hub" in words and "peers=all" in words, words


@pytest.mark.parametrize("name,want", [("all", lambda a, b: a != b),
                                       ("pairs", lambda a, b: a != b and a // 2 == b // 2),
                                       ("host", lambda a, b: False)], ids=["all", "pairs", "host"])
def test_peers_who_hears_whom(name, want):
    """Who hears whom, functions in the guest's order."""
    n = 6
    be = type(f"Peers_{name}", (backends.Backend,), {"peers": name})()
    got = [(a, b) for a in range(n) for b in range(n) if be.hears(a, b)]
    assert got == [(a, b) for a in range(n) for b in range(n) if want(a, b)]


def test_every_backend_names_its_peers():
    assert backends.Hub.peers == "all"
    assert all(cls.peers in backends.PEERS for cls in backends.BACKENDS.values()), \
        {k: v.peers for k, v in backends.BACKENDS.items()}


def test_function_index_order():
    """pf0, its VFs, pf1, its VFs."""
    assert [backends.function_index(p, v, 3) for p in range(2) for v in range(4)] == list(range(8))


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
