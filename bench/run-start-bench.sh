#!/bin/sh
# Side-by-side: time to start a container running /bin/true and reap it, jrkt against the
# other runtimes on this host (runc, crun, systemd-nspawn, podman), with hyperfine in one run;
# jrkt and podman each without a network and on their default network.
# Usage: bench/run-start-bench.sh [RUNS]   (as root; installs hyperfine runc crun systemd-container podman)
# crun 1.8 refuses a hybrid cgroup host whose cgroup2 mount has a controller; it runs here in a
# private mount namespace without that mount and without cgroups (a few ms of unshare+sh added).
set -e
cd "$(dirname "$0")/.."
runs=${1:-20}
JAVA_HOME=$(scripts/setup); export JAVA_HOME
need=""
for p in hyperfine runc crun systemd-container podman; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
[ -z "$need" ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null; }
[ -f cli/target/lib/jrkt-cli.jar ] || ./mvnw -B -ntp -q package -DskipTests

work=$(mktemp -d /tmp/jrkt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
aci=$(scripts/busybox-aci "$work")
./jrkt --dir="$work/data" fetch "$aci" >/dev/null

# One OCI bundle for runc and crun, one plain tree for systemd-nspawn: the same busybox.
mkdir -p "$work/bundle"
tar -xzf "$aci" -C "$work/bundle"
mkdir -p "$work/bundle/rootfs/usr"   # systemd-nspawn refuses a tree without /usr
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)

# podman with a store of its own, the same tree imported as an image; its default network is the
# CNI bridge "podman" of /etc/cni/net.d. No systemd here: cgroupfs and a file for events. Its
# default rlimits (nofile, nproc) are above what this host lets a container raise to.
podman="podman --root $work/podman/root --runroot $work/podman/run --cgroup-manager=cgroupfs --events-backend=file --runtime=runc"
podman_run="$podman run --rm --ulimit=nofile=20000:20000 --ulimit=nproc=1000:1000"
tar -C "$work/bundle/rootfs" -c . | $podman import - localhost/bench-busybox >/dev/null

hyperfine --runs "$runs" --warmup 2 -N --export-markdown "$work/result.md" \
    -n jrkt   "./jrkt --dir=$work/data run --net=none example.com/busybox:1.0 --exec=/bin/true" \
    -n jrkt-default "./jrkt --dir=$work/data run --net=default example.com/busybox:1.0 --exec=/bin/true" \
    -n podman "$podman_run --net=none localhost/bench-busybox /bin/true" \
    -n podman-default "$podman_run localhost/bench-busybox /bin/true" \
    -n runc   "runc --root $work/runc run --bundle $work/bundle bench-runc" \
    -n crun   "unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled --root $work/crun run --bundle $work/bundle bench-crun'" \
    -n nspawn "systemd-nspawn -q --register=no --keep-unit -D $work/bundle/rootfs /bin/true"
./jrkt --dir="$work/data" gc --grace-period=0s >/dev/null 2>&1 || true
$podman rmi -af >/dev/null 2>&1 || true
cat "$work/result.md"
