#!/bin/sh
# The stage1 flavors side by side (docs/flavors.md): how long a pod running /bin/true takes from
# `jrkt run` to its exit, and how much memory a running pod takes (its cgroup's usage: the apps,
# and for kvm the VM, which is QEMU). Needs root and a built checkout; installs hyperfine.
# usage: bench/flavors.sh [RUNS]        (kvm runs under TCG where /dev/kvm is no hardware hypervisor)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
work=$(mktemp -d /tmp/jrkt-bench-flavors.XXXXXX)
data=$work/data
cleanup() { ./jrkt --dir="$data" gc --grace-period=0s >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
aci=$(scripts/busybox-aci "$work")
./jrkt --dir="$data" fetch "$aci" >/dev/null

net() { [ "$1" = fly ] && echo --net=host || echo --net=none; }

echo "## start to exit of a pod running /bin/true ($runs runs each)"
for f in default fly kvm; do
    set -- "./jrkt --dir=$data run --stage1-name=jrkt.io/stage1-$f $(net $f) example.com/busybox:1.0 --exec=/bin/true"
    hyperfine -N --style basic --warmup 1 --runs "$runs" --command-name "$f" "$1" 2>/dev/null | grep -E 'Time|Range'
done

echo "## memory of a running pod (one app: sleep), its cgroup's usage"
for f in default fly kvm; do
    uuid=$(./jrkt --dir="$data" run --detach --cgroup-parent=jrkt-bench --stage1-name=jrkt.io/stage1-$f $(net $f) \
        example.com/busybox:1.0 --exec=/bin/sleep -- 600 2>/dev/null)
    sleep 3
    for file in /sys/fs/cgroup/memory/jrkt-bench/"$uuid"/memory.usage_in_bytes /sys/fs/cgroup/jrkt-bench/"$uuid"/memory.current; do
        [ -f "$file" ] && echo "$f: $(( $(cat "$file") / 1024 )) KiB"
    done
    ./jrkt --dir="$data" stop --force "$uuid" >/dev/null
    sleep 1
done
