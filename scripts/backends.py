"""The netdev behind each function of a topology: one class per backend.

A backend turns (PF index, VF index, netdev id) into the -netdev arguments
of that function (VF index 0 is the PF) and says who hears a sender, as the
guest's `peers=` option:

  all    every function hears every other (a hub)
  pairs  functions 2k and 2k+1 hear each other only (point-to-point links)
  host   no function hears another: the host is the peer

Functions are numbered in the guest's order: pf0, pf0's VFs 1..N, pf1, its
VFs, ... (function_index). A new backend is one new class here, listed in
BACKENDS: a `name` (the --backend value), its `peers`, netdev_args(), and
machine_args() when it needs more of the machine (a vhost-user backend
needs guest memory QEMU can share).
"""

PEERS = ("all", "pairs", "host")


def function_index(pf, vf, vfs):
    """The guest's number of VF `vf` of PF `pf` (vf 0: the PF), with `vfs` VFs per PF."""
    return pf * (vfs + 1) + vf


class Backend:
    name = None
    peers = None  # one of PEERS

    def netdev_args(self, pf, vf, netdev_id):
        """The -netdev arguments (and whatever they refer to) of one function."""
        raise NotImplementedError

    def machine_args(self, mem_mb):
        """Arguments the whole machine needs for this backend."""
        return []

    def hears(self, sender, receiver):
        """Whether function `receiver` gets what function `sender` sends."""
        if sender == receiver or self.peers == "host":
            return False
        return self.peers == "all" or sender // 2 == receiver // 2


class Hub(Backend):
    """QEMU's hub: one broadcast domain inside QEMU that every port is on."""
    name = "hub"
    peers = "all"
    HUB_ID = 0

    def netdev_args(self, pf, vf, netdev_id):
        return ["-netdev", f"hubport,id={netdev_id},hubid={self.HUB_ID}"]


BACKENDS = {cls.name: cls for cls in (Hub,)}
DEFAULT = Hub.name
