# shellcheck shell=bash
# scripts/linux/debs.sh: what the guests of scripts/bench share (sourced by
# scripts/linux/build and scripts/linux/build-dpdk, after scripts/lib.sh):
# Debian packages fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into the vfprobe cache, outside the clone; the kernel;
# kernel modules staged in the order kmod's modprobe resolves; the
# initramfs packed with cpio.
#
# Needs: $cache (the cache folder, created), log().
: "${cache:?scripts/linux/debs.sh needs \$cache}"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
apt_updated=0

apt_update_once() {
	[ $apt_updated = 1 ] && return 0
	log "apt-get update"
	$SUDO apt-get update -qq >&2 || die "linux: apt-get update failed"
	apt_updated=1
}

# Install host packages $@ that are missing (apt-get, like scripts/deps).
host_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		{ apt_update_once && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; } ||
		die "linux: apt-get install ${missing[*]} failed"
}

# Download package $1 (version $2 if given and still in the archive, else
# the candidate) and unpack it once into $cache/$1 (again when $2 differs
# from the version unpacked there).
fetch() {
	local name=$1 version=${2:-} dest=$cache/$1
	if [ -f "$dest/.unpacked" ] && { [ -z "$version" ] || [ "$(cat "$dest/.unpacked")" = "$version" ]; }; then
		return 0
	fi
	log "downloading $name${version:+ $version}"
	mkdir -p "$cache/debs"
	local get=(apt-get download -qq)
	{ [ -n "$version" ] && (cd "$cache/debs" && "${get[@]}" "$name=$version" >&2 2>/dev/null); } ||
		(cd "$cache/debs" && "${get[@]}" "$name" >&2 2>/dev/null) ||
		{ apt_update_once && (cd "$cache/debs" && "${get[@]}" "$name" >&2); } ||
		die "linux: apt-get download $name failed"
	local debs deb
	debs=("$cache/debs/${name}"_*.deb)
	deb=${debs[-1]}
	rm -rf "$dest"
	dpkg-deb -x "$deb" "$dest" || die "linux: dpkg-deb -x $deb failed"
	dpkg-deb -f "$deb" Version >"$dest/.unpacked"
	rm -f "$cache/debs/${name}"_*.deb
}

kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}

# Fetch the kernel: sets kpkg, kver, kernel, moddir.
fetch_kernel() {
	kpkg=$(kernel_pkg)
	if [ -z "$kpkg" ]; then
		apt_update_once
		kpkg=$(kernel_pkg)
	fi
	[ -n "$kpkg" ] || die "linux: linux-image-amd64 depends on no linux-image-* package here"
	# A newer kernel package replaces the old one: keep one unpacked tree.
	local old
	for old in "$cache"/linux-image-*; do
		[ -d "$old" ] && [ "$old" != "$cache/$kpkg" ] && rm -rf "$old"
	done
	fetch "$kpkg"
	kver=${kpkg#linux-image-}
	kernel=$cache/$kpkg/boot/vmlinuz-$kver
	moddir=$cache/$kpkg/lib/modules/$kver
	[ -f "$kernel" ] || die "linux: $kernel missing in the unpacked package"
	# The package ships no modules.dep: kmod's depmod writes it into the unpacked tree.
	if [ ! -s "$moddir/modules.dep" ]; then
		depmod -b "$cache/$kpkg" "$kver" || die "linux: depmod -b $cache/$kpkg $kver failed (package kmod)"
	fi
}

# Copy the modules $2... and their dependencies into $1/modules and list
# them in load order in $1/modules.order; prints the order.
stage_modules() {
	local stage=$1 mods m name order=
	shift
	mods=$(modprobe -a -d "$cache/$kpkg" -S "$kver" --show-depends "$@" |
		sed -n 's/^insmod \([^ ]*\).*/\1/p') || die "linux: modprobe --show-depends failed"
	[ -n "$mods" ] || die "linux: modprobe resolved no module for $*"
	mkdir -p "$stage/modules"
	declare -A seen=()
	for m in $mods; do
		[ -z "${seen[$m]:-}" ] || continue # a dependency of two: loaded once
		seen[$m]=1
		[ "$(modinfo -F vermagic "$m" | cut -d' ' -f1)" = "$kver" ] || die "linux: $m is not built for $kver"
		name=$(basename "$m" .ko)
		install -m 644 "$m" "$stage/modules/$name.ko"
		order="$order${order:+ }$name"
	done
	tr ' ' '\n' <<<"$order" >"$stage/modules.order"
	echo "$order"
}

# Pack folder $1 into the gzipped newc cpio $2.
pack_initramfs() {
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) | gzip -6 >"$2.tmp" ||
		die "linux: packing the initramfs with cpio failed (package cpio)"
	mv "$2.tmp" "$2"
}
