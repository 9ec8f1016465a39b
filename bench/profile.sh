#!/bin/bash
# Where a jrkt command's Java spends its time: async-profiler (Maven Central's
# tools.profiler:async-profiler, its libasyncProfiler.so as a JVM agent) samples the CPU while the
# command runs RUNS times, started as the launcher starts it (its JVM options, the group's AOT
# cache), and the jrkt methods are printed by their share of the main thread's samples, each
# counting what it calls. The command runs through a small class that calls jrkt's Main.run and
# then exits, so that the agent writes its samples; a command that execs stage1 never exits, so
# profile `prepare` for the run path (its exec phase: `run` with a stage1 that cannot start);
# each `prepare` leaves its pod: use a scratch --dir, or jrkt rm them after.
# The agent costs the command several times its speed: read shares, not times.
# --event wall samples the main thread also while it waits (a lock, a slow syscall, another
# thread's class initialisation): what a CPU profile does not show.
#
# Usage: bench/profile.sh [--runs N] [--interval 100us] [--event cpu|wall]
#                         [--group run|query|pods|images|info] [--out FILE] -- JRKT-ARGS...
#   e.g. bench/profile.sh --runs 12 -- --dir=/tmp/data prepare --net=none IMAGE --exec=/bin/true
#        bench/profile.sh --group query -- --dir=/tmp/data list
# FILE keeps every sample (the collapsed stacks), for flame graphs or a closer look.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=12 interval=100us event=cpu group=run out=""
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --interval) interval=$2; shift 2 ;;
        --event) event=$2; shift 2 ;;
        --group) group=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "profile.sh: unknown option $1 (the jrkt command follows --)" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "profile.sh: no jrkt command after --" >&2; exit 2; }
JAVA_HOME=$("$here/scripts/setup"); export JAVA_HOME
lib="$here/cli/target/lib"
[ -f "$lib/jrkt-cli.jar" ] || { echo "profile.sh: jrkt is not built (./mvnw package -DskipTests)" >&2; exit 1; }
case $(uname -m) in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "profile.sh: no async-profiler for $(uname -m)" >&2; exit 1 ;; esac

work=$(mktemp -d /tmp/jrkt-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/mvnw" -B -ntp -q -f "$here/pom.xml" -N dependency:copy -Dartifact=tools.profiler:async-profiler:4.6 \
    -DoutputDirectory="$work"
(cd "$work" && "$JAVA_HOME/bin/jar" xf async-profiler-4.6.jar "$arch/libasyncProfiler.so")
agent="$work/$arch/libasyncProfiler.so"

# The class path as the launcher builds it (jrkt's jars first), plus the harness.
cp=""
for jar in "$lib"/jrkt-*.jar "$lib"/*.jar; do
    case $jar in "$lib"/jrkt-*) case $cp in *"$jar"*) continue ;; esac ;; esac
    cp="${cp:+$cp:}$jar"
done
mkdir -p "$work/harness/jrkt/cli"
cat > "$work/harness/jrkt/cli/ProfileHarness.java" <<'EOF'
package jrkt.cli;

/** Runs one jrkt command line and ends as jrkt's Main does (halt; the profiler writes its samples then). */
public final class ProfileHarness {
    public static void main(String[] args) {
        int status = Main.run(args);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status); // not System.exit: it sets up the JDK's logging, which jrkt never does
    }
}
EOF
"$JAVA_HOME/bin/javac" -cp "$cp" -d "$work/harness" "$work/harness/jrkt/cli/ProfileHarness.java"

gate="$here/sys/target/native/libjrkt-gate.so"
# shellcheck disable=SC2046
set -- $("$here/jrkt" --jvm-options) -XX:AOTCache="$lib/jrkt-$group.aot" -Djrkt.aot="$lib/jrkt-$group.aot" \
    -Djrkt.home="$here" -Djrkt.native.gate="$gate" -cp "$cp:$work/harness" jrkt.cli.ProfileHarness "$@"
for i in $(seq "$runs"); do
    "$JAVA_HOME/bin/java" -agentpath:"$agent=start,event=$event,interval=$interval,file=$work/samples-$i.txt,collapsed" \
        "$@" >/dev/null 2>&1 || true # a failing command (a run whose stage1 cannot start) still has its samples
done
cat "$work"/samples-*.txt > "$work/all.txt" 2>/dev/null || true
[ -s "$work/all.txt" ] || { echo "profile.sh: no samples (is perf_event_open allowed? run as root)" >&2; exit 1; }
[ -z "$out" ] || cp "$work/all.txt" "$out"

# Collapsed stacks: "frame;frame;... COUNT". Each jrkt frame counts once per stack.
awk -v runs="$runs" '
{
    n = $NF
    stack = substr($0, 1, length($0) - length($NF) - 1)
    k = split(stack, frames, ";")
    if (frames[1] != "jrkt/cli/ProfileHarness.main") next
    total += n
    split("", seen)
    for (i = 1; i <= k; i++) {
        f = frames[i]
        if (f ~ /^jrkt\// && !(f in seen)) { seen[f] = 1; share[f] += n }
    }
}
END {
    printf "%d samples of the main thread in %d runs; each jrkt method with what it calls:\n", total, runs
    for (f in share) printf "%6.1f %%  %s\n", 100 * share[f] / total, f | "sort -rn | head -50"
}' "$work/all.txt"
