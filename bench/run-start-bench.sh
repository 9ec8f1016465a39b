#!/bin/sh
# Side-by-side: time to start a container running /bin/true and reap it, jrkt against the
# other runtimes on this host (runc, crun, systemd-nspawn), with hyperfine in one run.
# Usage: bench/run-start-bench.sh [RUNS]   (as root; installs hyperfine runc crun systemd-container)
set -e
cd "$(dirname "$0")/.."
runs=${1:-20}
JAVA_HOME=$(scripts/setup); export JAVA_HOME
need=""
for p in hyperfine runc crun systemd-container; do
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
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)

hyperfine --runs "$runs" --warmup 2 -N --export-markdown "$work/result.md" \
    -n jrkt   "./jrkt --dir=$work/data run --net=host example.com/busybox:1.0 --exec=/bin/true" \
    -n runc   "runc --root $work/runc run --bundle $work/bundle bench-runc" \
    -n crun   "crun --root $work/crun run --bundle $work/bundle bench-crun" \
    -n nspawn "systemd-nspawn -q --register=no --keep-unit -D $work/bundle/rootfs /bin/true"
./jrkt --dir="$work/data" gc --grace-period=0s >/dev/null 2>&1 || true
cat "$work/result.md"
