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
