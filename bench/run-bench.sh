#!/bin/bash
# jrkt side by side with the other runtimes of this host, in one run, tools alternated round by
# round: start-to-exit of /bin/true, CPU per start, the JVM's own floor, the CLI commands against
# that floor, main-to-exec, resident memory per running pod, list/status/run with 0, 100 and
# 1,000 pods, 20 parallel starts, gc of 1,000 exited pods, the pull of a multi-layer image from a
# local registry (jrkt fetch against podman pull). Prints medians and ratios and writes
# bench/RESULTS.md. See bench/README.md.
#
# Usage: bench/run-bench.sh [--runs N] [--no-install] [--hyperfine] [--results FILE]
# As root. Installs podman, crun, runc, systemd-container, hyperfine, docker-registry and skopeo
# from Debian when missing. A peer that is missing or refuses to start gets a row that says why;
# the rest runs.
set -u
cd "$(dirname "$0")/.."
repo=$PWD
runs=15 install=1 hyperfine_too=0 results=bench/RESULTS.md
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift ;;
        --runs=*) runs=${1#*=} ;;
        --no-install) install=0 ;;
        --hyperfine) hyperfine_too=1 ;;
        --results) results=$2; shift ;;
        --results=*) results=${1#*=} ;;
        *) echo "usage: bench/run-bench.sh [--runs N] [--no-install] [--hyperfine] [--results FILE]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root (jrkt and the other runtimes need it)" >&2; exit 1; }
JAVA_HOME=$(scripts/setup) || exit 1
export JAVA_HOME
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

say() { echo "bench: $*" >&2; }

# ---- peers ------------------------------------------------------------------------------------
if [ "$install" = 1 ]; then
    need=""
    for p in podman crun runc systemd-container hyperfine docker-registry skopeo; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
    done
    if [ -n "$need" ]; then
        say "installing$need"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need; } >/dev/null 2>&1 ||
            say "could not install$need; their rows will say so"
    fi
fi
if [ ! -f cli/target/lib/jrkt-cli.jar ] || [ ! -f stage1/target/stage1-default.aci ]; then
    say "building jrkt"
    ./mvnw -B -ntp -q package -DskipTests >&2 || exit 1
fi

work=$(mktemp -d /tmp/jrkt-bench.XXXXXX)
data=$work/jrkt
cleanups=()
cleanup() {
    local i
    for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" >/dev/null 2>&1; done
    ./jrkt --dir="$data" gc --grace-period=0s >/dev/null 2>&1
    ./jrkt --dir="$data" gc --grace-period=0s >/dev/null 2>&1
    findmnt -rn -o TARGET | grep "^$work" | sort -r | xargs -r umount -l 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -Wall -o "$work/runit" bench/runit.c || exit 1
runit=$work/runit

# ---- the image, for every runtime -------------------------------------------------------------
aci=$(scripts/busybox-aci "$work") || exit 1
./jrkt --dir="$data" fetch "$aci" >/dev/null || { say "jrkt cannot fetch the busybox image"; exit 1; }
mkdir -p "$work/bundle"
tar -xzf "$aci" -C "$work/bundle"
mkdir -p "$work/bundle/rootfs/usr" # systemd-nspawn refuses a tree without /usr
image=example.com/busybox:1.0
cgparent=jrkt-bench-$$
jrkt_run="./jrkt --dir=$data run --net=none --cgroup-parent=$cgparent $image --exec=/bin/true"
cleanups+=("rmdir_cgroups $cgparent")
rmdir_cgroups() {
    local m
    for m in $(findmnt -rn -t cgroup,cgroup2 -o TARGET); do
        [ -d "$m/$1" ] && find "$m/$1" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
}

declare -A cmd why after
# A row is a command line (run through runit) or a reason it cannot run.
row() { cmd[$1]=$2; }
norow() { why[$1]=$2; say "$1: $2"; }
# Smoke-tests a row's command: keeps it if it exits 0, else records the error it printed.
smoke() {
    local name=$1 out
    out=$(eval "${cmd[$name]}" 2>&1 >/dev/null)
    if [ $? -ne 0 ]; then
        unset "cmd[$name]"
        norow "$name" "fails: $(echo "$out" | grep -v '^\s*$' | tail -1 | cut -c1-160)"
        return 1
    fi
}

# The JVM floor: Hello World with the launcher's options and an AOT cache of its own.
jvm_opts=$(./jrkt --jvm-options)
mkdir -p "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/hello/Hello.java"
"$JAVA_HOME/bin/javac" -d "$work/hello" "$work/hello/Hello.java" && (cd "$work/hello" && "$JAVA_HOME/bin/jar" cf hello.jar Hello.class)
"$JAVA_HOME/bin/java" $jvm_opts -XX:AOTCacheOutput="$work/hello/hello.aot" -cp "$work/hello/hello.jar" Hello >/dev/null 2>&1
row floor "$JAVA_HOME/bin/java $jvm_opts -XX:AOTCache=$work/hello/hello.aot -cp $work/hello/hello.jar Hello"
smoke floor

row jrkt "$jrkt_run"
smoke jrkt || { say "jrkt itself does not run; nothing to compare"; exit 1; }

# runc and crun: one OCI bundle of the same tree.
if command -v runc >/dev/null; then
    (cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)
    row runc "runc --root $work/runc run --bundle $work/bundle bench-runc"
    smoke runc
else
    norow runc "not installed"
fi

# crun 1.8 refuses a hybrid host whose cgroup2 mount holds a controller ("cgroups in hybrid mode
# not supported, drop all controllers from cgroupv2"). Such a controller moves back to v1 when a
# v1 hierarchy of it is mounted, as long as no v2 cgroup enables it; the script does that for the
# run and undoes it at exit (the controller returns to v2 once its v1 hierarchy is gone).
v1_moved=() unified=""
restore_v2_controllers() {
    # A v1 hierarchy goes (and its controller back to cgroup2) once it is unmounted without child
    # cgroups; a child still busy (a conmon exiting) keeps it alive, unmounted: mount it again,
    # remove the children, unmount, until cgroup2 lists the controller again.
    local c d i
    for c in "${v1_moved[@]}"; do
        d=/sys/fs/cgroup/$c
        for ((i = 0; i < 50; i++)); do
            grep -qw "$c" "$unified/cgroup.controllers" && break
            findmnt -rn "$d" >/dev/null 2>&1 || { mkdir -p "$d" && mount -t cgroup -o "$c" cgroup "$d"; }
            find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
            umount "$d" 2>/dev/null
            sleep 0.2
        done
        rmdir "$d" 2>/dev/null
        grep -qw "$c" "$unified/cgroup.controllers" ||
            say "could not give the $c controller back to cgroup2: mount it as v1, remove the cgroups below it, unmount it"
    done
}
if command -v crun >/dev/null; then
    row crun "crun --root $work/crun run --bundle $work/bundle bench-crun"
    err=$(eval "${cmd[crun]}" 2>&1 >/dev/null)
    if echo "$err" | grep -q "hybrid mode"; then
        unified=$(findmnt -rn -t cgroup2 -o TARGET | head -1)
        if [ -n "$unified" ] && findmnt -rn -t cgroup >/dev/null && [ -z "$(cat "$unified/cgroup.subtree_control")" ]; then
            cleanups+=("restore_v2_controllers")
            for c in $(cat "$unified/cgroup.controllers"); do
                mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" && v1_moved+=("$c")
            done
            say "crun: moved cgroup controllers ${v1_moved[*]} from cgroup2 to v1 for the run (undone at exit)"
        fi
    fi
    smoke crun
else
    norow crun "not installed"
fi

# podman, with its default runtime (crun) and with runc, in a storage of its own.
if command -v podman >/dev/null; then
    pm="podman --root $work/podman/root --runroot $work/podman/run --cgroup-manager=cgroupfs --events-backend=none"
    cleanups+=("$pm rm -af -t 0; $pm system reset -f")
    tar -C "$work/bundle/rootfs" -c . | $pm import - localhost/bench-busybox >/dev/null 2>&1
    podman_run="$pm run --rm --net none localhost/bench-busybox /bin/true"
    out=$(eval "$podman_run" 2>&1)
    if echo "$out" | grep -q "setrlimit\|rlimit"; then
        # podman raises RLIMIT_NOFILE/NPROC to its defaults, which needs CAP_SYS_RESOURCE; keep them low instead
        podman_run="$pm run --rm --net none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/bench-busybox /bin/true"
        podman_note="(with --ulimit nofile=1024:1024 --ulimit nproc=1024:1024: this host denies raising limits)"
    fi
    row podman "$podman_run"
    smoke podman
    row podman-runc "${podman_run/ run / --runtime runc run }"
    smoke podman-runc
else
    norow podman "not installed"
    norow podman-runc "not installed"
fi

if command -v systemd-nspawn >/dev/null; then
    row nspawn "systemd-nspawn -q --register=no --keep-unit -D $work/bundle/rootfs /bin/true"
    smoke nspawn
else
    norow nspawn "not installed"
fi

# ---- measuring ---------------------------------------------------------------------------------
samples=$work/samples
mkdir -p "$samples"
# Runs each named row once per round, the rows in turn, for $runs rounds.
measure() {
    local r name
    for ((r = 0; r < runs; r++)); do
        for name in "$@"; do
            if [ "$name" = main-to-exec ]; then main_to_exec_sample; continue; fi
            [ -n "${cmd[$name]:-}" ] || continue
            # shellcheck disable=SC2086
            $runit -q sh -c "${cmd[$name]}" >> "$samples/$name"
            [ -z "${after[$name]:-}" ] || eval "${after[$name]}" # untimed: what the row left
        done
    done
}
median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Median of a column (1 wall us, 2 cpu us, 3 maxrss KiB) over the samples that exited 0.
med_of() { awk -v c="$2" '$4 == 0 {print $c}' "$samples/$1" 2>/dev/null | median; }
ms() { [ -n "$1" ] && awk -v v="$1" 'BEGIN {printf "%.1f", v / 1000}'; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b}'; }
failures() { awk '$4 != 0' "$samples/$1" 2>/dev/null | wc -l; }

# main -> execve of stage1, from jrkt --debug's phases: one sample a round, in the start rounds,
# so that it meets the machine in the states the floor and the other rows met it in
main_to_exec_sample() {
    ./jrkt --debug --dir="$data" run --net=none --cgroup-parent="$cgparent" "$image" --exec=/bin/true 2>&1 >/dev/null |
        awk '/debug: main to exec/ {m = $(NF - 1)} /debug: phase jvm/ {j = $5} END {print m * 1000, j * 1000}' >> "$samples/main-to-exec"
}

say "start to exit of /bin/true: $runs rounds of ${!cmd[*]} (and jrkt --debug run)"
measure floor jrkt main-to-exec podman podman-runc runc crun nspawn
main_to_exec=$(awk '{print $1}' "$samples/main-to-exec" | median)
jvm_to_main=$(awk '{print $2}' "$samples/main-to-exec" | median)

# The CLI commands against the floor, in the same rounds, on a store of one pod: the start rows
# above left theirs (every pod is a line of list, 0.25 ms each), so they go first.
./jrkt --dir="$data" gc --grace-period=0s >/dev/null 2>&1
./jrkt --dir="$data" gc --grace-period=0s >/dev/null 2>&1
template_uuid=""
./jrkt --dir="$data" run --net=none --cgroup-parent="$cgparent" --uuid-file-save="$work/uuid" "$image" --exec=/bin/true >/dev/null 2>&1 &&
    template_uuid=$(cat "$work/uuid")
row version "./jrkt version"
row list "./jrkt --dir=$data list"
row status "./jrkt --dir=$data status $template_uuid"
row image-list "./jrkt --dir=$data image list"
say "CLI commands: $runs rounds"
measure floor version list status image-list

# ---- resident memory of a running pod's runtime processes --------------------------------------
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# PSS: pages shared between processes (stage1's binary in both of its processes) counted once
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
# every descendant of a pid (itself included)
tree_pids() {
    local p=$1 c
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
wait_for_sleep() { # the pid of a "sleep 600" below pid $1, waiting up to 20 s
    local i p
    for ((i = 0; i < 200; i++)); do
        for p in $(tree_pids "$1"); do
            [ "$( { tr '\0' ' ' < /proc/"$p"/cmdline; } 2>/dev/null)" = "/bin/sleep 600 " ] && { echo "$p"; return; }
        done
        sleep 0.1
    done
}
declare -A rss pss rss_what
measure_rss_jrkt() {
    ./jrkt --dir="$data" run --net=none --cgroup-parent="$cgparent" --uuid-file-save="$work/sleep-uuid" "$image" --exec=/bin/sleep -- 600 >/dev/null 2>&1 &
    local top=$! app total=0 proportional=0 p n=0
    app=$(wait_for_sleep "$top")
    if [ -n "$app" ]; then
        for p in $(tree_pids "$top"); do
            [ "$p" = "$app" ] && continue
            total=$((total + $(rss_kib "$p"))) proportional=$((proportional + $(pss_kib "$p"))) n=$((n + 1))
        done
        rss[jrkt]=$total pss[jrkt]=$proportional rss_what[jrkt]="stage1: $n processes (the run process that waits, the pod's PID 1 and, when one serves, the metadata server)"
    else
        norow rss-jrkt "the pod did not start"
    fi
    ./jrkt --dir="$data" stop "$(cat "$work/sleep-uuid" 2>/dev/null)" >/dev/null 2>&1
    wait "$top" 2>/dev/null
}
measure_rss_podman() {
    local id pid
    id=$(eval "$(echo "${cmd[podman]}" | sed 's| run --rm | run -d --rm |; s|/bin/true$|/bin/sleep 600|')" 2>/dev/null)
    pid=$($pm inspect --format '{{.State.ConmonPid}}' "$id" 2>/dev/null)
    if [ -n "$pid" ] && [ "$pid" != 0 ]; then
        rss[podman]=$(rss_kib "$pid") pss[podman]=$(pss_kib "$pid") rss_what[podman]="conmon"
    else
        norow rss-podman "no conmon found"
    fi
    $pm rm -f -t 0 "$id" >/dev/null 2>&1
}
measure_rss_nspawn() {
    systemd-nspawn -q --register=no --keep-unit -D "$work/bundle/rootfs" /bin/sleep 600 >/dev/null 2>&1 &
    local top=$! app
    app=$(wait_for_sleep "$top")
    if [ -n "$app" ]; then
        rss[nspawn]=$(rss_kib "$top") pss[nspawn]=$(pss_kib "$top") rss_what[nspawn]="the systemd-nspawn supervisor"
        kill -KILL "$app" # the container's PID 1: only SIGKILL reaches it from outside
    else
        norow rss-nspawn "the container did not start"
        kill -KILL "$top"
    fi
    wait "$top" 2>/dev/null
}
say "resident memory of a running pod"
measure_rss_jrkt
[ -n "${cmd[podman]:-}" ] && measure_rss_podman
[ -n "${cmd[nspawn]:-}" ] && measure_rss_nspawn

# ---- 20 pods at once --------------------------------------------------------------------------
parallel() { # runs $2 twenty times at once; prints wall us, cpu us
    local script="for i in \$(seq 20); do $1 >/dev/null 2>&1 & done; wait"
    $runit -q sh -c "$script"
}
say "20 parallel starts: 3 rounds"
for ((r = 0; r < 3; r++)); do
    parallel "$jrkt_run" >> "$samples/parallel-jrkt"
    [ -n "${cmd[podman]:-}" ] && parallel "${cmd[podman]}" >> "$samples/parallel-podman"
done

# ---- 0, 100 and 1,000 pods in the store -------------------------------------------------------
# Pods are copies of one exited pod (hard links, its UUID replaced in its cgroup record): what
# 1,000 runs of /bin/true would leave, made in seconds.
make_pods() { # $1: a data dir, $2: the UUID of an exited pod in it, $3: how many more
    local i u
    for ((i = 0; i < $3; i++)); do
        u=$(cat /proc/sys/kernel/random/uuid)
        cp -al "$1/pods/run/$2" "$1/pods/run/$u"
        sed -i "s/$2/$u/g" "$1/pods/run/$u/cgroups"
    done
}
for n in 0 100 1000; do
    d=$work/pods-$n
    ./jrkt --dir="$d" fetch "$aci" >/dev/null
    ./jrkt --dir="$d" run --net=none --cgroup-parent="$cgparent" --uuid-file-save="$d.uuid" "$image" --exec=/bin/true >/dev/null 2>&1
    first=$(cat "$d.uuid")
    if [ "$n" = 0 ]; then
        ./jrkt --dir="$d" gc --grace-period=0s >/dev/null 2>&1; ./jrkt --dir="$d" gc --grace-period=0s >/dev/null 2>&1
    else
        make_pods "$d" "$first" $((n - 1)) 2>/dev/null
        row "status-$n" "./jrkt --dir=$d status $first"
    fi
    row "list-$n" "./jrkt --dir=$d list"
    row "run-$n" "./jrkt --dir=$d run --net=none --cgroup-parent=$cgparent $image --exec=/bin/true"
done
say "0, 100, 1000 pods: $runs rounds"
# the runs add pods: measure list and status first, then the runs
measure list-0 list-100 list-1000 status-100 status-1000
measure run-0 run-1000
say "gc of 1000 exited pods"
d=$work/pods-1000
$runit -q ./jrkt --dir="$d" gc --mark-only > "$samples/gc-mark"
$runit -q ./jrkt --dir="$d" gc --grace-period=0s > "$samples/gc-sweep"
gc_left=$(find "$d/pods" -mindepth 2 -maxdepth 2 | wc -l)

# ---- the pull of a multi-layer image from a local registry --------------------------------------
# Each pull starts from an empty store (jrkt: a fresh --dir; podman: a fresh --root), removed after
# the pull, untimed: every layer is fetched, checked and unpacked each time.
. bench/pull-image.sh
mkdir -p "$work/pull" "$work/pulls"
if pull_image "$work/pull" 2> "$work/pull.err"; then
    fresh='d=$(mktemp -d -p '"$work/pulls"')'
    row pull-jrkt "$fresh; ./jrkt --dir=\$d --insecure-options=http fetch --quiet docker://$pull_ref"
    row pull-layout "$fresh; ./jrkt --dir=\$d fetch --quiet oci-layout:$pull_layout:1"
    if command -v podman >/dev/null; then
        row pull-podman "$fresh; podman --root=\$d/root --runroot=\$d/run --storage-driver=overlay --events-backend=none pull --quiet --tls-verify=false $pull_ref"
    else
        norow pull-podman "not installed"
    fi
    for name in pull-jrkt pull-layout pull-podman; do
        [ -n "${cmd[$name]:-}" ] || continue
        after[$name]="rm -rf $work/pulls/*"
        smoke "$name" && eval "${after[$name]}"
    done
    say "pull of a 9-layer image from a registry on 127.0.0.1: $runs rounds"
    measure pull-jrkt pull-podman pull-layout
else
    for name in pull-jrkt pull-layout pull-podman; do norow "$name" "no image to pull: $(tail -1 "$work/pull.err")"; done
fi
[ -z "${pull_registry:-}" ] || kill "$pull_registry" 2>/dev/null

if [ "$hyperfine_too" = 1 ] && command -v hyperfine >/dev/null; then
    say "hyperfine, for a second opinion on the start rows"
    hf=()
    for name in floor jrkt podman podman-runc runc crun nspawn; do [ -n "${cmd[$name]:-}" ] && hf+=(-n "$name" "${cmd[$name]}"); done
    hyperfine --runs "$runs" --warmup 2 -N --export-markdown "$work/hyperfine.md" "${hf[@]}" >&2
fi

# ---- report ------------------------------------------------------------------------------------
cell() { [ -n "$1" ] && echo "$1" || echo "-"; }
start_row() { # name, what, the row it is against (podman's start unless named)
    local name=$1 w c m against=${3:-podman}
    if [ -z "${cmd[$name]:-}" ]; then
        printf '| %s | %s | - | - | - | %s |\n' "$name" "$2" "${why[$name]:-not run}"
        return
    fi
    w=$(med_of "$name" 1) c=$(med_of "$name" 2) m=$(med_of "$name" 3)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$2" "$(cell "$(ms "$w")")" "$(cell "$(ms "$c")")" \
        "$(cell "$(awk -v v="$m" 'BEGIN {if (v != "") printf "%.0f", v / 1024}')")" \
        "wall $(cell "$(ratio "$w" "$(med_of "$against" 1)")")x podman, cpu $(cell "$(ratio "$c" "$(med_of "$against" 2)")")x$([ "$(failures "$name")" = 0 ] || echo ", $(failures "$name") failed")"
}
cli_row() {
    local name=$1 w c
    w=$(med_of "$name" 1) c=$(med_of "$name" 2)
    printf '| `%s` | %s | %s | %s | %s |\n' "$2" "$(cell "$(ms "$w")")" "$(cell "$(ms "$c")")" \
        "$(cell "$(ratio "$w" "$(med_of floor 1)")")" "$(cell "$(ratio "$c" "$(med_of floor 2)")")"
}
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# Benchmark results"
    echo
    echo "Made by \`bench/run-bench.sh --runs $runs\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Medians of $runs rounds; in each round"
    echo "every tool ran once, in turn. Wall is from fork to exit; CPU is user + system of every process the"
    echo "command started, daemons included (runit reaps them); RSS is the largest process's."
    echo
    echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo),"
    echo "$(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
    echo "Load average at start: $load_start; at the end: $load_end (the machine is shared: other builds run beside)."
    echo "Versions: $(podman --version 2>/dev/null || echo 'podman -'), $(crun --version 2>/dev/null | head -1 || echo 'crun -'),"
    echo "$(runc --version 2>/dev/null | head -1 || echo 'runc -'), $(systemd-nspawn --version 2>/dev/null | head -1 || echo 'systemd-nspawn -')."
    [ -n "${podman_note:-}" ] && echo "podman ran $podman_note."
    [ ${#v1_moved[@]} -gt 0 ] && echo "For crun, the cgroup controllers ${v1_moved[*]} were moved from cgroup2 to v1 for the run (undone after)."
    echo
    echo "## Start a container running /bin/true and wait for it"
    echo
    echo "| row | what | wall ms | CPU ms | max RSS MiB | against podman |"
    echo "|---|---|---:|---:|---:|---|"
    start_row floor "Hello World: the JVM with jrkt's options and an AOT cache of its own"
    start_row jrkt "\`jrkt run --net=none IMAGE --exec=/bin/true\`: prepare a pod, stage1, one app"
    start_row podman "\`podman run --rm --net none IMAGE /bin/true\` (crun, cgroupfs)"
    start_row podman-runc "the same with \`--runtime runc\`"
    start_row runc "\`runc run\` of an OCI bundle"
    start_row crun "\`crun run\` of the same bundle"
    start_row nspawn "\`systemd-nspawn -D ROOTFS /bin/true\`"
    echo
    echo "jrkt's main to the execve of stage1 (\`jrkt --debug run\`, \"main to exec\", one sample in each of the rounds"
    echo "above): $(cell "$(ms "$main_to_exec")") ms;"
    echo "the JVM's start to main: $(cell "$(ms "$jvm_to_main")") ms."
    echo
    echo "## CLI commands against the JVM floor (same rounds)"
    echo
    echo "| command | wall ms | CPU ms | wall / floor | CPU / floor |"
    echo "|---|---:|---:|---:|---:|"
    cli_row floor "Hello World (the floor)"
    cli_row version "jrkt version"
    cli_row list "jrkt list (1 pod)"
    cli_row status "jrkt status UUID"
    cli_row image-list "jrkt image list (2 images)"
    echo
    echo "## Resident memory of a running pod (the runtime's processes, not the app's)"
    echo
    echo "| runtime | RSS KiB | PSS KiB | processes |"
    echo "|---|---:|---:|---|"
    for name in jrkt podman nspawn; do
        printf '| %s | %s | %s | %s |\n' "$name" "$(cell "${rss[$name]:-}")" "$(cell "${pss[$name]:-}")" \
            "${rss_what[$name]:-${why[rss-$name]:-not measured}}"
    done
    echo
    echo "RSS counts a page in every process that maps it; PSS shares it out among them."
    echo
    echo "## 20 pods started at once"
    echo
    echo "| runtime | wall ms | CPU ms | pods/s |"
    echo "|---|---:|---:|---:|"
    for name in jrkt podman; do
        f=$samples/parallel-$name
        [ -s "$f" ] || { printf '| %s | - | - | - |\n' "$name"; continue; }
        w=$(awk '{print $1}' "$f" | median) c=$(awk '{print $2}' "$f" | median)
        printf '| %s | %s | %s | %s |\n' "$name" "$(ms "$w")" "$(ms "$c")" "$(awk -v w="$w" 'BEGIN {printf "%.1f", 20 / (w / 1e6)}')"
    done
    echo
    echo "## Many pods in the store"
    echo
    echo "| command | 0 pods | 100 pods | 1,000 pods |"
    echo "|---|---:|---:|---:|"
    printf '| `jrkt list`, wall ms | %s | %s | %s |\n' "$(ms "$(med_of list-0 1)")" "$(ms "$(med_of list-100 1)")" "$(ms "$(med_of list-1000 1)")"
    printf '| `jrkt status UUID`, wall ms | - | %s | %s |\n' "$(ms "$(med_of status-100 1)")" "$(ms "$(med_of status-1000 1)")"
    printf '| `jrkt run`, wall ms | %s | - | %s |\n' "$(ms "$(med_of run-0 1)")" "$(ms "$(med_of run-1000 1)")"
    echo
    printf '`jrkt gc` of 1,000 exited pods: %s ms to mark them (`gc --mark-only`), %s ms to remove them (`gc --grace-period=0s`; %s left behind).\n' \
        "$(ms "$(awk '{print $1}' "$samples/gc-mark")")" "$(ms "$(awk '{print $1}' "$samples/gc-sweep")")" "$gc_left"
    echo
    echo "## Pull a multi-layer image from a local registry"
    echo
    echo "9 layers (busybox and 8 of 8 MiB of random bytes, gzipped: 72 MiB), served by Debian's docker-registry on"
    echo "127.0.0.1 over HTTP; each pull into an empty store, every layer fetched, checked and unpacked."
    echo
    echo "| row | what | wall ms | CPU ms | max RSS MiB | against podman |"
    echo "|---|---|---:|---:|---:|---|"
    start_row pull-jrkt "\`jrkt fetch docker://REGISTRY/bench/app:1\`" pull-podman
    start_row pull-podman "\`podman pull\` of the same (overlay storage, its own --root)" pull-podman
    start_row pull-layout "\`jrkt fetch oci-layout:DIR:1\`: the same image from its OCI layout, no HTTP" pull-podman
    if [ -f "$work/hyperfine.md" ]; then
        echo
        echo "## hyperfine, the start rows once more (each tool's runs back to back)"
        echo
        cat "$work/hyperfine.md"
    fi
} > "$work/results.md"
cat "$work/results.md"
cp "$work/results.md" "$results"
say "wrote $results"
