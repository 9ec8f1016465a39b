#!/bin/sh
# What the appc metadata service costs a pod (docs/design-notes.md, "The metadata service is the
# pod's own"): the start of a pod with and without it, whole (jrkt run) and stage1 alone, and the
# memory of the in-pod server next to that of one shared service on the host (the JVM of
# `jrkt metadata-service`, the shape rkt had).
# Usage: bench/metadata-service.sh [RUNS]   (as root)
set -e
cd "$(dirname "$0")/.."
runs=${1:-20}
JAVA_HOME=$(scripts/setup); export JAVA_HOME
command -v hyperfine >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
[ -f cli/target/lib/jrkt-cli.jar ] || ./mvnw -B -ntp -q package -DskipTests

work=$(mktemp -d /tmp/jrkt-bench-mds.XXXXXX)
service=""
cleanup() {
    [ -n "$service" ] && kill "$service" 2>/dev/null
    for u in $(ls "$work/data/pods/run" 2>/dev/null); do ./jrkt --dir="$work/data" stop --force "$u" >/dev/null 2>&1 || true; done
    sleep 1
    ./jrkt --dir="$work/data" gc --grace-period=0s >/dev/null 2>&1
    for u in $(ls "$work/data/pods/prepared" 2>/dev/null); do ./jrkt --dir="$work/data" rm "$u" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
j="./jrkt --dir=$work/data"
$j fetch "$(scripts/busybox-aci "$work/aci")" >/dev/null
$j run --net=none example.com/busybox:1.0 --exec=/bin/true # renders the tree once, outside the timing

echo "## jrkt run, one app running /bin/true"
hyperfine --runs "$runs" --warmup 2 -N --cleanup "$j gc --grace-period=0s" \
    -n "without (--mds-register=false)" "$j run --net=none --mds-register=false example.com/busybox:1.0 --exec=/bin/true" \
    -n "with the service"     "$j run --net=none example.com/busybox:1.0 --exec=/bin/true"

# stage1 alone: one prepared pod run again and again by its stage1, with and without the
# plan's metadata line (and without cgroup lines, which would need jrkt to make the cgroups)
uuid=$($j prepare --net=none example.com/busybox:1.0 --exec=/bin/true | tail -1)
pod=$work/data/pods/prepared/$uuid
sed -i '/^cgroup /d' "$pod/plan"
cp "$pod/plan" "$pod/plan.with"
sed '/^metadata /d' "$pod/plan.with" >"$pod/plan.without"
run_stage1="cd $pod && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --lock-fd=9 $uuid"
echo "## stage1 run alone"
hyperfine --runs "$((runs * 5))" --warmup 3 \
    -n "stage1, no metadata line"   --prepare "cp $pod/plan.without $pod/plan" "$run_stage1" \
    -n "stage1, metadata line"      --prepare "cp $pod/plan.with $pod/plan" "$run_stage1"

# memory: smaps_rollup of each process of a running pod (kB)
mem() { # PID LABEL
    awk -v who="$2" '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_(Clean|Dirty):/ {v+=$2} END {printf "| %-40s | %6d | %6d | %6d |\n", who, r, p, v}' "/proc/$1/smaps_rollup"
}
echo "## memory, kB"
echo "| process | Rss | Pss | Private |"
echo "|---------|----:|----:|--------:|"
for flag in --mds-register=false --mds-register; do
    u=$($j run --detach --net=none "$flag" example.com/busybox:1.0 --exec=/bin/sleep -- 600)
    pid1=$(cat "$work/data/pods/run/$u/pid")
    run=$(awk '{print $4}' "/proc/$pid1/stat")
    mem "$run" "run process ($flag)"
    mem "$pid1" "PID 1 ($flag)"
    for c in $(cat "/proc/$pid1/task/$pid1/children"); do
        [ "$(cat "/proc/$c/comm")" = mds ] && mem "$c" "metadata server ($flag)"
    done
    $j stop "$u" >/dev/null
done
$j metadata-service --listen-port=0 >"$work/service.out" 2>/dev/null &
service=$!
i=0
while ! grep -q listening "$work/service.out" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# one request, so that what verifying loads is in memory
curl -s -o /dev/null -d "content=x&uuid=$uuid&signature=AAAA" "http://$(sed 's/listening on //' "$work/service.out")/acMetadata/v1/pod/hmac/verify"
mem "$service" "jrkt metadata-service (one JVM for the host)"
