# shellcheck shell=bash
# scripts/lib.sh: helpers shared by the vfprobe scripts (sourced, not run).

die() {
	echo "$*" >&2
	exit 2
}

vfprobe_cache_dir() {
	if [ -n "${VFPROBE_CACHE:-}" ]; then
		echo "$VFPROBE_CACHE"
	elif mkdir -p /var/cache/vfprobe 2>/dev/null && [ -w /var/cache/vfprobe ]; then
		echo /var/cache/vfprobe
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/vfprobe"
	fi
}

# True when the QEMU binary $1 runs and its virtio-net-pci has `sriov-pf`.
qemu_has_sriov() {
	"$1" -device virtio-net-pci,help 2>/dev/null | grep -q 'sriov-pf'
}

# True when the QEMU binary $1 has the netdev type $2 compiled in (-netdev
# help lists every type, built or not): a bad chardev is then the error.
qemu_has_netdev() {
	local out
	out=$("$1" -machine none -nodefaults -display none -netdev "$2,id=probe,chardev=probe" 2>&1 || true)
	case $out in *'chardev "probe" not found'*) return 0 ;; esac
	return 1
}

# --backend vhost-user needs the vhost-user netdev.
qemu_has_vhost_user() {
	qemu_has_netdev "$1" vhost-user
}
