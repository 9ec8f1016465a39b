#!/bin/sh
# Builds the kvm flavor's initramfs (an uncompressed cpio: nothing to unpack under TCG):
#   /kvm-guest          the stage1 binary, the VM's init (rdinit=/kvm-guest)
#   /kvm/modules/*.ko   the drivers the VM needs, from the installed Debian kernel's modules,
#   /kvm/modules/order  with their dependencies, in load order
# usage: initramfs.sh KERNEL_VERSION STAGE1_BINARY OUTPUT MODULE...
set -eu
kver=$1 binary=$2 out=$3
shift 3
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || { echo "initramfs.sh: $moddir/modules.dep not found (install linux-image-amd64)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kvm/modules" "$work/dev" "$work/proc" "$work/sys" "$work/pod"
cp "$binary" "$work/kvm-guest"
: > "$work/kvm/modules/order"

# the path of a module (as modules.dep names it) by its name
path_of() {
    awk -F: -v m="$1" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n); if (n == m) { print $1; exit } }' "$moddir/modules.dep"
}
add() { # add PATH: its dependencies first, then itself, once
    grep -qx "$(basename "$1")" "$work/kvm/modules/order" && return 0
    for dep in $(awk -F: -v p="$1" '$1 == p { print $2 }' "$moddir/modules.dep"); do add "$dep"; done
    case "$1" in
        *.ko) cp "$moddir/$1" "$work/kvm/modules/" ;;
        *.ko.xz) xz -dc "$moddir/$1" > "$work/kvm/modules/$(basename "$1" .xz)" ;;
        *.ko.zst) zstd -qdc "$moddir/$1" > "$work/kvm/modules/$(basename "$1" .zst)" ;;
        *) echo "initramfs.sh: cannot unpack $1" >&2; exit 1 ;;
    esac
    basename "${1%.xz}" | sed 's/\.zst$//' >> "$work/kvm/modules/order"
}
for m in "$@"; do
    p=$(path_of "$(echo "$m" | tr - _)")
    [ -n "$p" ] || { echo "initramfs.sh: no module $m in $moddir" >&2; exit 1; }
    add "$p"
done
(cd "$work" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
