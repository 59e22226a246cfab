#!/usr/bin/env python3
"""scripts/linux/mkinitramfs.py: the Linux baseline's initramfs.

    mkinitramfs.py OUT.cpio.gz MODDIR BUSYBOX VFNET INIT MODULE...

Resolves the dependencies of the named modules from the `depends=` field of
each .ko's .modinfo (the Debian package ships no modules.dep), and writes a
gzip'd newc cpio with /init, /bin/busybox, /vfnet, /modules/*.ko and
/modules.order (load order, dependencies first). No cpio binary needed."""

import gzip
import os
import re
import sys


def index_modules(moddir):
    idx = {}
    for root, _, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                idx[f[:-3].replace("-", "_")] = os.path.join(root, f)
    return idx


def depends(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.search(rb"(?:^|\x00)depends=([^\x00]*)\x00", data)
    if not m or not m.group(1):
        return []
    return [d.decode().replace("-", "_") for d in m.group(1).split(b",") if d]


def resolve(idx, wanted):
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in idx:
            raise SystemExit(f"mkinitramfs: module {name} not found in the kernel package")
        for d in depends(idx[name]):
            visit(d)
        order.append(name)

    for w in wanted:
        visit(w.replace("-", "_"))
    return order


class Cpio:
    def __init__(self, out):
        self.out = out
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1):
        name_b = name.encode() + b"\x00"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        self.ino += 1
        self.out.write(hdr.encode() + name_b)
        self.out.write(b"\x00" * ((4 - (110 + len(name_b)) % 4) % 4))
        self.out.write(data)
        self.out.write(b"\x00" * ((4 - len(data) % 4) % 4))

    def dir(self, name):
        self._entry(name, 0o040755, nlink=2)

    def file(self, name, data, mode=0o100644):
        self._entry(name, mode, data)

    def end(self):
        self._entry("TRAILER!!!", 0)


def main():
    if len(sys.argv) < 7:
        raise SystemExit(__doc__)
    out, moddir, busybox, vfnet, init = sys.argv[1:6]
    idx = index_modules(moddir)
    order = resolve(idx, sys.argv[6:])
    tmp = out + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=6) as gz:
        c = Cpio(gz)
        for d in ("bin", "dev", "proc", "sys", "modules"):
            c.dir(d)
        for name, path, mode in (("init", init, 0o100755), ("bin/busybox", busybox, 0o100755),
                                 ("vfnet", vfnet, 0o100755)):
            with open(path, "rb") as f:
                c.file(name, f.read(), mode)
        for m in order:
            with open(idx[m], "rb") as f:
                c.file(f"modules/{m}.ko", f.read())
        c.file("modules.order", ("\n".join(order) + "\n").encode())
        c.end()
    os.replace(tmp, out)
    print(" ".join(order))


if __name__ == "__main__":
    main()
