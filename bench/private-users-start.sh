#!/bin/sh
# Does --private-users cost per file? Starts /bin/true from a small busybox image and from the
# same image with 50,000 more files, without a user namespace, with idmapped layers (the
# default) and with --private-users=chown (rkt's shifted copy), side by side with hyperfine.
# Usage: bench/private-users-start.sh [RUNS]   (as root)
set -e
cd "$(dirname "$0")/.."
runs=${1:-10}
JAVA_HOME=$(scripts/setup); export JAVA_HOME
command -v hyperfine >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
[ -f cli/target/lib/jrkt-cli.jar ] || ./mvnw -B -ntp -q package -DskipTests

work=$(mktemp -d /tmp/jrkt-bench-userns.XXXXXX)
trap './jrkt --dir="$work/data" gc --grace-period=0s >/dev/null 2>&1; rm -rf "$work"' EXIT
small=$(scripts/busybox-aci "$work/small")
# the big one: the same busybox, and 50,000 small files in 500 directories
mkdir -p "$work/big" && tar -xzf "$small" -C "$work/big"
sed -i 's|"example.com/busybox"|"example.com/busybox-50k"|' "$work/big/manifest"
i=0
while [ $i -lt 500 ]; do
    d="$work/big/rootfs/data/d$i"; mkdir -p "$d"
    j=0; while [ $j -lt 100 ]; do echo "$i $j" > "$d/f$j"; j=$((j+1)); done
    i=$((i+1))
done
tar --numeric-owner --owner=0 --group=0 -C "$work/big" -czf "$work/big.aci" manifest rootfs
j="./jrkt --dir=$work/data"
$j fetch "$small" >/dev/null
$j fetch --limit max-entries=100000 "$work/big.aci" >/dev/null 2>&1 || $j fetch "$work/big.aci" >/dev/null
# render both trees once, outside the timing
$j run --net=none example.com/busybox:1.0 --exec=/bin/true
$j run --net=none example.com/busybox-50k --exec=/bin/true

hyperfine --runs "$runs" --warmup 1 -N --export-markdown "$work/result.md" \
    --cleanup "$j gc --grace-period=0s" \
    -n "small"                "$j run --net=none example.com/busybox:1.0 --exec=/bin/true" \
    -n "50k files"            "$j run --net=none example.com/busybox-50k --exec=/bin/true" \
    -n "small, idmap"         "$j run --net=none --private-users example.com/busybox:1.0 --exec=/bin/true" \
    -n "50k files, idmap"     "$j run --net=none --private-users example.com/busybox-50k --exec=/bin/true" \
    -n "small, chown"         "$j run --net=none --private-users=chown example.com/busybox:1.0 --exec=/bin/true" \
    -n "50k files, chown"     "$j run --net=none --private-users=chown example.com/busybox-50k --exec=/bin/true"
cat "$work/result.md"
