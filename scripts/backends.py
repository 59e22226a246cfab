"""The netdev behind each function of a topology: one class per backend.

A backend turns (PF index, VF index, netdev id) into the -netdev arguments
of that function (VF index 0 is the PF) and says who hears a sender, as the
guest's `peers=` option (firmware/lib/peers.h has the grammar):

  all | pairs | host     over every function: one hub, links 2k <-> 2k+1,
                         nobody
  all:LIST/pairs:LIST    groups of functions (LIST: N[-M][,N[-M]...]): an
                         `all` group hears itself, a `pairs` group is taken
                         two by two in LIST's order; a function in no group
                         hears nobody

Functions are numbered in the guest's order: pf0, its VFs 1..N, pf1, its
VFs, ... (function_index). A new backend is one new class here, listed in
BACKENDS: a `name` (the --backend value), peers(), netdev_args(),
machine_args() when it needs more of the machine (a vhost-user backend
needs guest memory QEMU can share), service() when a host process serves
it (scripts/switch.py) and unavailable() for a one-line skip reason.
"""

import glob
import os

PEERS_MAX_FN = 512  # firmware/lib/peers.h
MAX_QUEUE_PAIRS = 8  # firmware/virtio/net.h NET_MAX_PAIRS
# Debian's DPDK 22.11 is built with RTE_MAX_ETHPORTS 32.
TESTPMD_MAX_PORTS = 32
RECONNECT_MS = 1000


class BackendError(ValueError):
    """A backend that cannot serve this topology: one line naming the fix."""


def function_index(pf, vf, vfs):
    """The guest's number of VF `vf` of PF `pf` (vf 0: the PF), with `vfs` VFs per PF."""
    return pf * (vfs + 1) + vf


def ranges(nums):
    """[0, 1, 2, 5] -> '0-2,5'."""
    out, nums = [], list(nums)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(out)


def parse_peers(spec):
    """The group of every function number (0: hears nobody), as the
    guest's peers_parse() computes it; ValueError on a bad spec."""
    if spec in ("all", "pairs"):
        return [1 if spec == "all" else 1 + f // 2 for f in range(PEERS_MAX_FN)]
    group = [0] * PEERS_MAX_FN
    if spec == "host":
        return group
    nxt = 1
    for g in spec.split("/"):
        kind, sep, lst = g.partition(":")
        if kind not in ("all", "pairs") or not sep:
            raise ValueError(f"peers is all, pairs, host or all:LIST/pairs:LIST, not '{g[:12]}'")
        fns = []
        for r in lst.split(","):
            lo, _, hi = r.partition("-")
            if not lo.isdigit() or (hi and not hi.isdigit()) or (hi and int(hi) < int(lo)):
                raise ValueError(f"peers: bad range '{r}'")
            fns += range(int(lo), int(hi or lo) + 1)
        for pos, f in enumerate(fns):
            if f >= PEERS_MAX_FN:
                raise ValueError(f"peers: function {f} is not below {PEERS_MAX_FN}")
            if group[f]:
                raise ValueError(f"peers: function {f} is in two groups")
            group[f] = nxt + pos // 2 if kind == "pairs" else nxt
        nxt += (len(fns) + 1) // 2 if kind == "pairs" else 1
    return group


def hears(group, receiver, sender):
    return receiver != sender and group[receiver] != 0 and group[receiver] == group[sender]


class Backend:
    name = None
    vfs = None  # VFs per PF of the topology being built (topology.device_args)
    queues = 1  # queue pairs of every VF's netdev (--queues)
    max_queues = 1  # what the backend's ports can have

    def peers(self, pfs, vfs):
        """The guest's peers= value for this topology."""
        raise NotImplementedError

    def netdev_args(self, pf, vf, netdev_id):
        """The -netdev arguments (and whatever they refer to) of one function."""
        raise NotImplementedError

    def machine_args(self, mem_mb):
        """Arguments the whole machine needs for this backend."""
        return []

    def validate(self, model, pfs, vfs):
        """Raise BackendError when this topology cannot work on the backend."""
        self.validate_queues()

    def validate_queues(self):
        if not 1 <= self.queues <= MAX_QUEUE_PAIRS:
            raise BackendError(f"--queues {self.queues}: the guest drives 1 to {MAX_QUEUE_PAIRS} queue pairs")
        if self.queues > self.max_queues:
            raise BackendError(f"--queues {self.queues} needs a backend with queues per port: {self.name} has "
                               f"{self.max_queues} (use --backend vhost-user)")

    def device_props(self, pf, vf):
        """Extra virtio-net-pci properties of one function (vf 0: the PF)."""
        return ""

    def unavailable(self):
        """None, or why this host cannot run the backend (the run is skipped)."""
        return None

    def service(self, pfs, vfs):
        """The host process serving the netdevs (start/stop), or None."""
        return None

    def hub_functions(self, pfs, vfs):
        """The functions on QEMU's hub 0, which the runner's host port joins (scripts/wire_peer.py)."""
        return []

    def host_switch_function(self, pfs, vfs):
        """The function the backend's switch can link with the runner's host port, or None."""
        return None


class Hub(Backend):
    """QEMU's hub: one broadcast domain inside QEMU that every port is on."""
    name = "hub"
    HUB_ID = 0

    def peers(self, pfs, vfs):
        return "all"

    def netdev_args(self, pf, vf, netdev_id):
        return ["-netdev", f"hubport,id={netdev_id},hubid={self.HUB_ID}"]

    def hub_functions(self, pfs, vfs):
        return list(range(function_index(pfs, 0, vfs)))


class _VfBackend(Backend):
    """The PFs stay on the hub; every VF gets a netdev of its own."""

    def validate(self, model, pfs, vfs):
        self.validate_queues()
        if model != "virtio-net":
            raise BackendError(f"--backend {self.name} needs --pf-model virtio-net: {model}'s VFs "
                               "have no netdev of their own")

    def pf_group(self, pfs, vfs):
        return "all:" + ",".join(str(function_index(p, 0, vfs)) for p in range(pfs))

    def hub_functions(self, pfs, vfs):
        return [function_index(p, 0, vfs) for p in range(pfs)]

    def vf_functions(self, pfs, vfs):
        return [function_index(p, v, vfs) for p in range(pfs) for v in range(1, vfs + 1)]

    def netdev_args(self, pf, vf, netdev_id):
        if vf == 0:
            return Hub().netdev_args(pf, vf, netdev_id)
        return self.vf_netdev_args(pf, vf, netdev_id)


class VhostUser(_VfBackend):
    """Each VF on a vhost-user port of DPDK's testpmd (scripts/switch.py),
    QEMU the client with reconnect-ms so that a restarted testpmd is found
    again. testpmd forwards io between port pairs: port 2k to 2k+1 and
    back, in the VFs' order, so VF-to-VF traffic needs no MAC learning and
    each link is a point-to-point wire (mac forwarding would reach more
    ports but is still fixed pairs in testpmd, with rewritten addresses).
    An odd last VF gets a null port (no-rx) as its other end, or, when the
    runner's host port is on (host_iface), a net_af_packet port there. With
    --queues N every VF's port has N queue pairs (mq=on on the VF) and
    testpmd forwards queue q of a port to queue q of its pair."""
    name = "vhost-user"
    max_queues = MAX_QUEUE_PAIRS
    host_iface = None

    def __init__(self, rundir=None):
        self.rundir = rundir or "/tmp/vfprobe-switch"
        self.socks = {}

    def socket(self, pf, vf):
        return os.path.join(self.rundir, f"pf{pf}vf{vf}.sock")

    def peers(self, pfs, vfs):
        return f"{self.pf_group(pfs, vfs)}/pairs:{ranges(self.vf_functions(pfs, vfs))}"

    def validate(self, model, pfs, vfs):
        super().validate(model, pfs, vfs)
        ports = pfs * vfs + (pfs * vfs) % 2
        if ports > TESTPMD_MAX_PORTS:
            raise BackendError(f"--backend vhost-user: {pfs * vfs} VFs need {ports} testpmd ports, Debian's "
                               f"DPDK has at most {TESTPMD_MAX_PORTS} (RTE_MAX_ETHPORTS): use fewer VFs")

    def vf_netdev_args(self, pf, vf, netdev_id):
        return ["-chardev", f"socket,id={netdev_id}c,path={self.socket(pf, vf)},reconnect-ms={RECONNECT_MS}",
                "-netdev", f"vhost-user,id={netdev_id},chardev={netdev_id}c,queues={self.queues}"]

    def device_props(self, pf, vf):
        # virtio v1.3 §5.1.3: VIRTIO_NET_F_MQ is QEMU's mq property.
        return ",mq=on" if vf and self.queues > 1 else ""

    def machine_args(self, mem_mb):
        # vhost-user maps guest RAM into the backend: it must be shareable.
        return ["-object", f"memory-backend-memfd,id=vfprobe-mem,size={mem_mb}M,share=on",
                "-machine", "memory-backend=vfprobe-mem"]

    def unavailable(self):
        return None

    def ports(self, pfs, vfs):
        """testpmd's ports in order: (function index or None for a filler, socket)."""
        out = [(function_index(p, v, vfs), self.socket(p, v)) for p in range(pfs) for v in range(1, vfs + 1)]
        return out + ([(None, None)] if len(out) % 2 else [])

    def host_switch_function(self, pfs, vfs):
        # testpmd gives every port --queues pairs: a host port with more than
        # one spreads the host's frames over queues the VF reads only after
        # VQ_PAIRS_SET, so with --queues the VF keeps its null port.
        return function_index(pfs - 1, vfs, vfs) if pfs * vfs % 2 and self.queues == 1 else None

    def service(self, pfs, vfs):
        import switch
        host = self.host_iface if self.host_switch_function(pfs, vfs) is not None else None
        return switch.Testpmd(self.rundir, self.ports(pfs, vfs), self.queues, host_iface=host)


class Vdpa(_VfBackend):
    """Each VF on a host vDPA device (-netdev vhost-vdpa): /dev/vhost-vdpa-N
    in order, or the devices of `vdpa:DEV,...`. What a vDPA device's far
    end is (a NIC's wire, a simulator's loopback) is not ours to know: the
    VFs hear no other function."""
    name = "vdpa"

    def __init__(self, devices=None):
        self.explicit = devices is not None
        self.devices = devices if devices is not None else sorted(glob.glob("/dev/vhost-vdpa-*"))
        self.next = {}

    def peers(self, pfs, vfs):
        return self.pf_group(pfs, vfs)

    def device(self, pf, vf, vfs):
        i = pf * vfs + vf - 1
        return self.devices[i] if i < len(self.devices) else f"/dev/vhost-vdpa-{i}"

    def validate(self, model, pfs, vfs):
        super().validate(model, pfs, vfs)
        if self.explicit and len(self.devices) < pfs * vfs:
            raise BackendError(f"--backend vdpa: {len(self.devices)} device(s) given for {pfs * vfs} VFs: "
                               "name one /dev/vhost-vdpa-N per VF")

    def vf_netdev_args(self, pf, vf, netdev_id):
        return ["-netdev", f"vhost-vdpa,id={netdev_id},vhostdev={self.device(pf, vf, self.vfs)}"]

    def machine_args(self, mem_mb):
        return []

    def unavailable(self):
        missing = [d for d in self.devices if not os.path.exists(d)]
        if not self.devices:
            return "--backend vdpa: this host has no /dev/vhost-vdpa-* (load a vDPA driver, e.g. vdpa_sim_net)"
        if missing:
            return f"--backend vdpa: {missing[0]} does not exist"
        return None


BACKENDS = {cls.name: cls for cls in (Hub, VhostUser, Vdpa)}
DEFAULT = Hub.name


def make(spec):
    """A backend from its --backend value: NAME or vdpa:DEV,..."""
    name, sep, arg = spec.partition(":")
    if name not in BACKENDS or (sep and name != "vdpa"):
        raise BackendError(f"unknown --backend '{spec}' (use one of: {', '.join(BACKENDS)}, vdpa:DEV,...)")
    if name == "vdpa" and sep:
        return Vdpa([d for d in arg.split(",") if d])
    return BACKENDS[name]()
