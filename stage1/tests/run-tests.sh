#!/bin/bash
# End-to-end tests of the default stage1: pod directories built by hand around a
# busybox-static rootfs, plans written as stage0 would, real namespaces and mounts.
# Run as root: make -C stage1 check
set -u
export LC_ALL=C

STAGE1_DIR=$(cd "$(dirname "$0")/.." && pwd)
STAGE1_ROOTFS=$STAGE1_DIR/target/default/rootfs
BUSYBOX=${BUSYBOX:-/bin/busybox}
APPLETS="sh echo cat env id hostname ls sleep touch grep readlink ifconfig pwd sort nc wget tr head sed"

if [ "$(id -u)" != 0 ]; then echo "run-tests.sh: must run as root" >&2; exit 1; fi
if [ ! -x "$STAGE1_ROOTFS/init" ]; then echo "run-tests.sh: build first (make -C stage1)" >&2; exit 1; fi
if [ ! -x "$BUSYBOX" ]; then echo "run-tests.sh: $BUSYBOX missing (Debian: busybox-static)" >&2; exit 1; fi

WORK=$(mktemp -d /tmp/jrkt-stage1-tests.XXXXXX)
passed=0
failed=0

# Kills what a failed test may have left running and unmounts what leaked, then removes WORK.
cleanup() {
    local pidfile pid
    for pidfile in "$WORK"/pods/*/pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        # only our pod's PID 1: its comm is the stage1 binary's name
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = init ] && [ ! -e "$(dirname "$pidfile")/exit" ]; then
            kill -9 "$pid" 2>/dev/null
        fi
    done
    grep -F " $WORK" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    local cg
    for cg in /sys/fs/cgroup/*/jrkt-stage1-test-$$; do
        [ -d "$cg" ] && rmdir "$cg"/*/ "$cg" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
expect_eq() { # NAME EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}
expect_file() { # NAME PATH
    if [ -e "$2" ]; then pass "$1"; else fail "$1" "$2 does not exist"; fi
}
expect_no_file() { # NAME PATH
    if [ ! -e "$2" ]; then pass "$1"; else fail "$1" "$2 exists"; fi
}

# Waits (up to 30 s, a safety net rather than a timing assertion) for a file to appear.
wait_for_file() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# The percent-encoding of docs/stage1-abi.md.
enc() {
    local s=$1 out= c h i
    if [ -z "$s" ]; then printf '%%'; return; fi
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._/,=:+@-]) out+=$c ;;
            *) printf -v h '%%%02X' "'$c"; out+=$h ;;
        esac
    done
    printf '%s' "$out"
}

# plan_line FIELD... appends one encoded line to $POD/plan.
plan_line() {
    local line= f
    for f in "$@"; do line+="${line:+ }$(enc "$f")"; done
    printf '%s\n' "$line" >>"$POD/plan"
}

# new_pod NAME: a pod directory with the stage1 rootfs, a busybox app image and a host volume
# (vol/, world-writable) that apps see at /vol. Sets POD and starts the plan's pod lines.
new_pod() {
    POD=$WORK/pods/$1
    UUID=$1
    mkdir -p "$POD/stage1" "$POD/image/bin" "$POD/image/etc" "$POD/vol"
    chmod 777 "$POD/vol"
    cp -a "$STAGE1_ROOTFS" "$POD/stage1/rootfs"
    cp "$BUSYBOX" "$POD/image/bin/busybox"
    local a
    for a in $APPLETS; do ln -s busybox "$POD/image/bin/$a"; done
    echo "only in the app image" >"$POD/image/marker"
    : >"$POD/plan"
    plan_line version 2
    plan_line hostname "$1"
    plan_line net none
    plan_line volume vol host "$POD/vol"
}

# app_lines NAME CMD: an app running `sh -c CMD` in its own bind mount of the image, with /vol.
app_lines() {
    plan_line app "$1"
    plan_line rootfs "$1" dir image
    plan_line mount "$1" vol /vol ""
    plan_line exec "$1" /bin/sh -c "$2"
    plan_line env "$1" PATH=/bin
}
# simple_pod NAME CMD: a one-app pod named a.
simple_pod() {
    new_pod "$1"
    app_lines a "$2"
}

# run_pod [RUN-OPTIONS]: runs the pod in the foreground; output in $POD/out, status in RC.
run_pod() {
    (cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run "$@" --lock-fd=9 "$UUID" >"$POD/out" 2>"$POD/err")
    RC=$?
}
# start_pod: runs the pod in the background; its pid in RUN_PID.
start_pod() {
    (cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --lock-fd=9 "$UUID" >"$POD/out" 2>"$POD/err") &
    RUN_PID=$!
}
# wait_run: waits for the background run (up to 30 s, a safety net so that a broken stage1
# fails the test instead of hanging it); its status in RC, "still running" if it never ended.
wait_run() {
    local i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$RUN_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$RUN_PID" 2>/dev/null; then
        kill -9 "$RUN_PID"
        wait "$RUN_PID" 2>/dev/null
        RC="still running"
    else
        wait "$RUN_PID"
        RC=$?
    fi
}
# in_pod CMD...: runs a stage1 entrypoint from the pod directory.
in_pod() { (cd "$POD" && exec "$@"); }

# the pid namespace of the pod's PID 1, as the host sees it
pod_pidns() { readlink "/proc/$(cat "$POD/pid")/ns/pid"; }
# pids of host processes in a pid namespace
pids_in_ns() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
    done
}

test_exit_status_single() {
    simple_pod single 'echo out; exit 7'
    run_pod
    expect_eq "single app: run exits with the app's status" 7 "$RC"
    expect_eq "single app: exit file" 7 "$(cat "$POD/exit")"
    expect_eq "single app: apps/a/exited status" 7 "$(cut -d' ' -f1 "$POD/apps/a/exited")"
    expect_file "single app: apps/a/started" "$POD/apps/a/started"
    expect_file "single app: ready" "$POD/ready"
    expect_eq "single app: stdout reaches the caller" out "$(cat "$POD/out")"
    expect_eq "single app: the pid file holds a pid" yes "$(grep -qE '^[0-9]+$' "$POD/pid" && echo yes)"
}

test_exit_status_multi() {
    new_pod multi
    app_lines a 'exit 0'
    app_lines b 'sleep 0.2; exit 5'
    app_lines c 'exit 6'
    run_pod
    expect_eq "apps 0,5,6: the pod's status is the first failing app's" 5 "$RC"
    expect_eq "apps 0,5,6: exit file" 5 "$(cat "$POD/exit")"
    expect_eq "apps 0,5,6: each app's status" "0 5 6" \
        "$(for a in a b c; do cut -d' ' -f1 "$POD/apps/$a/exited"; done | tr '\n' ' ' | sed 's/ $//')"
}

test_pid_namespace() {
    simple_pod pidns 'echo $PPID; for p in /proc/[0-9]*; do cat $p/comm; done'
    run_pod
    expect_eq "pid ns: the app is a child of PID 1, and only PID 1 and the app exist" \
        "$(printf '1\ninit\nsh')" "$(cat "$POD/out")"
}

test_hostname() {
    local before
    before=$(hostname)
    simple_pod podhost 'hostname'
    run_pod
    expect_eq "uts ns: the app sees the planned hostname" podhost "$(cat "$POD/out")"
    expect_eq "uts ns: the host's hostname is unchanged" "$before" "$(hostname)"
}

test_net_none() {
    simple_pod netnone 'ifconfig | grep -o "^[a-z0-9]*" ; ifconfig lo | grep -o UP'
    run_pod
    expect_eq "net none: only lo, and it is up" "$(printf 'lo\nUP')" "$(cat "$POD/out")"
}

test_mount_isolation() {
    new_pod mounts
    mkdir "$POD/scratch"
    plan_line volume scratch empty scratch
    app_lines a 'grep -c " /scratch " /proc/self/mountinfo > /vol/inside; touch /vol/up; while [ ! -e /vol/go ]; do sleep 0.1; done'
    plan_line mount a scratch /scratch ""
    start_pod
    if wait_for_file "$POD/vol/up"; then
        expect_eq "mount ns: the pod's volume is mounted inside" 1 "$(cat "$POD/vol/inside")"
        expect_eq "mount ns: no mount of the pod on the host while it runs" 0 "$(grep -cF "$POD" /proc/self/mountinfo)"
    else
        fail "mount ns" "the app never started: $(cat "$POD/err")"
    fi
    touch "$POD/vol/go"
    wait_run
    expect_eq "mount ns: the pod ends cleanly" 0 "$RC"
}

test_env() {
    new_pod env
    plan_line app a
    plan_line rootfs a dir image
    plan_line exec a /bin/env
    plan_line env a PATH=/bin
    plan_line env a "GREETING=hello, world %20 100%"
    plan_line env a EMPTY=
    FOO=leak run_pod
    expect_eq "env: exactly the planned environment, percent-decoded" \
        "$(printf 'EMPTY=\nGREETING=hello, world %%20 100%%\nPATH=/bin')" "$(sort "$POD/out")"
}

test_user() {
    simple_pod user 'id -u; id -g; id -G; touch /vol/owned'
    plan_line user a 1000 1001
    plan_line groups a 2000 2001
    run_pod
    expect_eq "user: uid, gid and supplementary groups" "$(printf '1000\n1001\n1001 2000 2001')" "$(cat "$POD/out")"
    expect_eq "user: files are created as the app's user" "1000:1001" "$(stat -c %u:%g "$POD/vol/owned" 2>/dev/null)"
}

test_workdir() {
    simple_pod workdir 'pwd'
    plan_line workdir a /bin
    run_pod
    expect_eq "workdir: the app starts in it" /bin "$(cat "$POD/out")"

    simple_pod noworkdir 'echo should not run'
    plan_line workdir a /no/such/dir
    run_pod
    expect_eq "missing workdir: the pod fails with 254" 254 "$RC"
    expect_eq "missing workdir: apps/a/error says why" "workdir /no/such/dir: No such file or directory" \
        "$(cat "$POD/apps/a/error" 2>/dev/null)"
    expect_no_file "missing workdir: the app is not started" "$POD/apps/a/started"
    expect_eq "missing workdir: the app did not run" "" "$(cat "$POD/out")"
    expect_eq "missing workdir: apps/a/exited" 254 "$(cut -d' ' -f1 "$POD/apps/a/exited" 2>/dev/null)"
    expect_eq "missing workdir: the reason on stderr, one line" "stage1: app a: workdir /no/such/dir: No such file or directory" \
        "$(cat "$POD/err")"

    simple_pod detachnoworkdir 'echo should not run'
    plan_line workdir a /no/such/dir
    local out rc
    out=$(cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --detach --lock-fd=9 "$UUID" 2>"$POD/err")
    rc=$?
    expect_eq "--detach, an app cannot start: the UUID, the reason on stderr, 254" \
        "254 detachnoworkdir stage1: app a: workdir /no/such/dir: No such file or directory" "$rc $out $(cat "$POD/err")"
}

test_handlers() {
    simple_pod handlers 'echo app >> /vol/order'
    plan_line prestart a /bin/sh -c 'echo pre1 >> /vol/order'
    plan_line prestart a /bin/sh -c 'echo pre2 >> /vol/order'
    plan_line poststop a /bin/sh -c 'echo post >> /vol/order'
    run_pod
    expect_eq "handlers: pre-start in order, then the app, then post-stop" \
        "$(printf 'pre1\npre2\napp\npost')" "$(cat "$POD/vol/order" 2>/dev/null)"
    expect_eq "handlers: the pod succeeds" 0 "$RC"

    simple_pod badprestart 'echo app >> /vol/order'
    plan_line prestart a /bin/sh -c 'echo pre >> /vol/order; exit 7'
    run_pod
    expect_eq "failing pre-start: the app does not run" pre "$(cat "$POD/vol/order" 2>/dev/null)"
    expect_eq "failing pre-start: the pod fails with the handler's status" 7 "$RC"
    expect_eq "failing pre-start: apps/a/error says why" "pre-start handler /bin/sh exited with status 7" \
        "$(cat "$POD/apps/a/error" 2>/dev/null)"
    expect_no_file "failing pre-start: the app is not started" "$POD/apps/a/started"
}

test_sigterm_forwarded() {
    simple_pod sigterm 'trap "echo TERM > /vol/term; exit 3" TERM; touch /vol/up; while :; do sleep 0.1; done'
    start_pod
    if wait_for_file "$POD/vol/up"; then
        kill -TERM "$RUN_PID"
        wait_run
        expect_eq "SIGTERM to run: the app gets SIGTERM" TERM "$(cat "$POD/vol/term" 2>/dev/null)"
        expect_eq "SIGTERM to run: run exits with the app's status" 3 "$RC"
    else
        fail "SIGTERM to run" "the app never started: $(cat "$POD/err")"
    fi
}

test_kill_run() {
    new_pod killrun
    app_lines a 'sleep 1000 & sleep 1000 & touch /vol/up; wait'
    start_pod
    if ! wait_for_file "$POD/vol/up"; then
        fail "kill -9 run" "the app never started: $(cat "$POD/err")"
        return
    fi
    local ns i
    ns=$(pod_pidns)
    if [ -z "$ns" ]; then
        fail "kill -9 run" "the pod is not running: $(cat "$POD/err")"
        return
    fi
    expect_eq "kill -9 run: the pod has PID 1, the app and its child" "init sh sleep sleep" \
        "$(for p in $(pids_in_ns "$ns"); do cat /proc/$p/comm; done | sort | tr '\n' ' ' | sed 's/ $//')"
    kill -9 "$RUN_PID"
    wait "$RUN_PID" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        [ -z "$(pids_in_ns "$ns")" ] && break
        sleep 0.1
    done
    expect_eq "kill -9 run: no process of the pod remains" "" "$(pids_in_ns "$ns")"
    expect_eq "kill -9 run: no mount of the pod is left on the host" 0 "$(grep -cF "$POD" /proc/self/mountinfo)"
}

test_detach_enter_stop() {
    simple_pod detach 'echo to-stdout; echo to-stderr >&2; trap "echo TERM > /vol/term; exit 3" TERM; touch /vol/up; while :; do sleep 0.1; done'
    echo "app only" >"$POD/image/appfile"
    local out rc
    out=$(cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --detach --lock-fd=9 "$UUID" 2>"$POD/err")
    rc=$?
    expect_eq "--detach: returns 0" 0 "$rc"
    expect_eq "--detach: prints the uuid" "$UUID" "$out"
    expect_file "--detach: every app started before it returned" "$POD/apps/a/started"
    expect_eq "--detach: the pod holds the lock" held "$(flock -n -x "$POD" true && echo free || echo held)"
    if ! wait_for_file "$POD/vol/up"; then
        fail "--detach" "the app never started: $(cat "$POD/err" "$POD/stage1.log" 2>/dev/null)"
        return
    fi
    expect_eq "--detach: the app's stdout and stderr go to logs/a.log" "$(printf 'to-stdout\nto-stderr')" \
        "$(cat "$POD/logs/a.log")"

    out=$(in_pod ./stage1/rootfs/enter --app=a -- cat /appfile)
    expect_eq "enter: sees the app's files (PATH searched in the app root)" "app only" "$out"
    out=$(in_pod ./stage1/rootfs/enter --app=a -- /bin/sh -c 'readlink /proc/self/ns/pid')
    expect_eq "enter: runs in the pod's pid namespace" "$(pod_pidns)" "$out"
    out=$(in_pod ./stage1/rootfs/enter --app=a -- hostname)
    expect_eq "enter: runs in the pod's uts namespace" detach "$out"
    in_pod ./stage1/rootfs/enter --app=a -- sh -c 'exit 9'
    expect_eq "enter: exits with the command's status" 9 $?
    out=$(in_pod ./stage1/rootfs/enter --app=nope -- true 2>&1)
    rc=$?
    expect_eq "enter: an unknown app is an error" "254 stage1: enter: the pod has no app 'nope'" "$rc $out"

    in_pod ./stage1/rootfs/stop
    expect_eq "stop: returns 0" 0 $?
    if wait_for_file "$POD/exit"; then
        expect_eq "stop: the app got SIGTERM" TERM "$(cat "$POD/vol/term" 2>/dev/null)"
        expect_eq "stop: the pod's status is the app's" 3 "$(cat "$POD/exit")"
        expect_eq "stop: the lock is released" free "$(flock -n -x "$POD" true && echo free || echo held)"
    else
        fail "stop" "the pod did not end"
    fi

    simple_pod forcestop 'trap "" TERM; touch /vol/up; while :; do sleep 0.1; done'
    out=$(cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --detach --lock-fd=9 "$UUID" 2>"$POD/err")
    if ! wait_for_file "$POD/vol/up"; then
        fail "stop --force" "the app never started: $(cat "$POD/err")"
        return
    fi
    in_pod ./stage1/rootfs/stop --force
    expect_eq "stop --force: returns 0" 0 $?
    if wait_for_file "$POD/exit"; then
        expect_eq "stop --force: PID 1 is killed (128+SIGKILL)" 137 "$(cat "$POD/exit")"
    else
        fail "stop --force" "the pod did not end"
    fi
}

test_interactive() {
    simple_pod interactive 'cat'
    plan_line interactive a
    run_pod <<<"from the caller"
    expect_eq "interactive: the app reads the caller's stdin" "from the caller" "$(cat "$POD/out")"

    simple_pod notinteractive 'cat; echo eof'
    run_pod <<<"from the caller"
    expect_eq "not interactive: the app's stdin is /dev/null" eof "$(cat "$POD/out")"
}

test_status_formats() {
    simple_pod formats 'exit 0'
    run_pod
    expect_eq "status files: pid, exit, started, exited are one bare line each" "ok ok ok ok" \
        "$(for f in pid exit apps/a/started apps/a/exited; do
               grep -qxE '[0-9]+( [0-9]+)?' "$POD/$f" && [ "$(tail -c1 "$POD/$f" | od -An -c | tr -d ' ')" != '\n' ] && echo ok
           done | tr '\n' ' ' | sed 's/ $//')"
    expect_eq "status files: exited holds the status and epoch milliseconds" yes \
        "$(grep -qxE '0 [0-9]{13}' "$POD/apps/a/exited" && echo yes)"
}

test_net_join() {
    simple_pod netjoin 'readlink /proc/self/ns/net'
    touch "$POD/netns"
    if ! unshare --net="$POD/netns" true; then
        fail "net join" "cannot create a network namespace"
        return
    fi
    sed -i 's/^net none$/net join netns/' "$POD/plan"
    run_pod
    expect_eq "net join: the app is in the planned network namespace" \
        "net:[$(stat -L -c %i "$POD/netns")]" "$(cat "$POD/out")"
    umount "$POD/netns"
}

test_detach_failure() {
    new_pod detachfail
    plan_line volume bad host /no/such/source
    app_lines a true
    plan_line mount a bad /srv ""
    local out rc line
    line=$(wc -l <"$POD/plan")
    out=$(cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/init run --detach --lock-fd=9 "$UUID" 2>"$POD/err")
    rc=$?
    expect_eq "--detach, stage1 fails: the foreground exits 254 and prints no uuid" "254 " "$rc $out"
    expect_eq "--detach, stage1 fails: the foreground reports stage1's error line" \
        "stage1: app a: plan line $line: volume bad on /srv: open the volume's source /no/such/source: No such file or directory" \
        "$(cat "$POD/err")"
}

test_bad_plan() {
    simple_pod badplan 'echo should not run'
    plan_line bogus field
    local line
    line=$(wc -l <"$POD/plan")
    run_pod
    expect_eq "bad plan: stage1 fails with 254" 254 "$RC"
    expect_eq "bad plan: one line naming the plan line" \
        "stage1: plan line $line: pod line 'bogus' after the app lines" "$(cat "$POD/err")"
    expect_no_file "bad plan: no pod is started" "$POD/pid"
}

test_gc() {
    simple_pod gc 'exit 0'
    run_pod
    local out1 out2 rc1 rc2
    out1=$(in_pod ./stage1/rootfs/gc "$UUID" 2>&1); rc1=$?
    out2=$(in_pod ./stage1/rootfs/gc "$UUID" 2>&1); rc2=$?
    expect_eq "gc: succeeds silently, twice" "0  0 " "$rc1 $out1 $rc2 $out2"
}

test_overlay_root() {
    new_pod overlay
    mkdir -p "$POD/layer2/etc" "$POD/upper" "$POD/work"
    echo "from the top layer" >"$POD/layer2/marker"
    echo "only below" >"$POD/image/etc/below"
    plan_line app a
    plan_line image a "$POD/layer2"
    plan_line image a "$POD/image"
    plan_line rootfs a overlay upper work
    plan_line exec a /bin/sh -c 'cat /marker /etc/below; echo new > /written; rm /etc/below'
    plan_line env a PATH=/bin
    run_pod
    expect_eq "overlay: the first image line is on top" "$(printf 'from the top layer\nonly below')" "$(cat "$POD/out")"
    expect_eq "overlay: writes land in the upper directory" new "$(cat "$POD/upper/written" 2>/dev/null)"
    expect_eq "overlay: the layers are unchanged" "only below" "$(cat "$POD/image/etc/below")"
}

test_files_masks_readonly() {
    simple_pod masks 'cat /etc/hosts; wc -c < /marker; ls /proc/sys | wc -l; touch /bin/x 2>&1 | grep -o "Read-only"; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1 | grep -o "Read-only"; echo hi > /etc/hosts && cat /etc/hosts'
    mkdir -p "$POD/etc"
    echo "127.0.0.1 from-the-pod" >"$POD/etc/hosts"
    plan_line file a /etc/hosts etc/hosts
    plan_line mask a /marker
    plan_line mask a /no/such/path
    plan_line readonly a /bin
    plan_line readonly a /proc/sys
    run_pod
    expect_eq "file, mask, readonly: the app sees the pod's file, an empty mask, read-only paths" \
        "$(printf '127.0.0.1 from-the-pod\n0\n%s\nRead-only\nRead-only\nhi' "$(ls /proc/sys | wc -l)")" "$(cat "$POD/out")"
    expect_eq "file: the app writes its own copy in the pod directory" hi "$(cat "$POD/etc/hosts")"
    expect_eq "mask: the image's file is unchanged" "only in the app image" "$(cat "$POD/image/marker")"
}

test_readonly_rootfs() {
    simple_pod rorootfs 'touch /x 2>&1 | grep -o Read-only; touch /vol/y && echo volume-writable'
    plan_line readonly-rootfs a
    run_pod
    expect_eq "readonly-rootfs: the root is read-only, volumes are not" "$(printf 'Read-only\nvolume-writable')" "$(cat "$POD/out")"
}

test_caps_and_nonewprivs() {
    simple_pod caps 'grep -E "^(CapBnd|CapEff|CapInh|CapAmb|NoNewPrivs)" /proc/self/status'
    plan_line caps a a80425fb
    plan_line nonewprivs a
    run_pod
    expect_eq "caps: a root app has exactly the set, nothing inheritable or ambient; nonewprivs" \
        "$(printf 'CapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1')" \
        "$(cat "$POD/out")"

    simple_pod capsuser 'grep -E "^(CapBnd|CapEff|CapPrm)" /proc/self/status'
    plan_line caps a a80425fb
    plan_line user a 1000 1000
    run_pod
    expect_eq "caps: a non-root app has none permitted or effective" \
        "$(printf 'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb')" "$(cat "$POD/out")"
}

# A filter: x86_64 only; mkdir and mkdirat fail with EPERM; everything else is allowed.
write_filter() {
    local ins=(
        "20 00 00 00 04 00 00 00"  # ld arch
        "15 00 01 00 3e 00 00 c0"  # jeq AUDIT_ARCH_X86_64, +1
        "06 00 00 00 00 00 00 80"  # ret KILL_PROCESS
        "20 00 00 00 00 00 00 00"  # ld nr
        "15 00 02 00 53 00 00 00"  # jeq mkdir, +2
        "15 00 01 00 02 01 00 00"  # jeq mkdirat, +1
        "06 00 00 00 00 00 ff 7f"  # ret ALLOW
        "06 00 00 00 01 00 05 00"  # ret ERRNO(EPERM)
    )
    local i b
    : >"$1"
    for i in "${ins[@]}"; do for b in $i; do printf "\\x$b" >>"$1"; done; done
}

test_seccomp_and_oom() {
    simple_pod seccomp 'grep ^Seccomp: /proc/self/status; mkdir /tmp-x 2>&1 | grep -o "Operation not permitted"; cat /proc/self/oom_score_adj'
    write_filter "$POD/filter"
    plan_line seccomp a filter
    plan_line oom-score-adj a 500
    run_pod
    expect_eq "seccomp and oom-score-adj: the filter is installed and denies what it says" \
        "$(printf 'Seccomp:\t2\nOperation not permitted\n500')" "$(cat "$POD/out")"

    simple_pod seccompuser 'mkdir /tmp-x 2>&1 | grep -o "Operation not permitted"; id -u'
    write_filter "$POD/filter"
    plan_line seccomp a filter
    plan_line user a 1000 1000
    run_pod
    expect_eq "seccomp: installed for a non-root app without nonewprivs too" "$(printf 'Operation not permitted\n1000')" "$(cat "$POD/out")"

    simple_pod badfilter 'true'
    printf 'abc' >"$POD/filter"
    plan_line seccomp a filter
    run_pod
    expect_eq "seccomp: a filter file of the wrong size fails the pod with 254" 254 "$RC"
}

test_cgroups() {
    local v1=/sys/fs/cgroup/pids v2=/sys/fs/cgroup/unified rel=jrkt-stage1-test-$$ d
    if [ ! -d "$v1" ] || [ ! -d "$v2" ]; then
        fail "cgroups" "this test expects the hybrid layout (v1 pids at $v1, cgroup2 at $v2)"
        return
    fi
    for d in "$v1/$rel" "$v1/$rel/stage1" "$v1/$rel/app-a" "$v2/$rel" "$v2/$rel/stage1" "$v2/$rel/app-a"; do mkdir "$d"; done
    new_pod cgroups
    plan_line cgroup pids "$v1" "/$rel"
    plan_line cgroup unified "$v2" "/$rel"
    app_lines a 'cat /proc/self/cgroup | grep -E "pids|^0::"; ls /sys/fs/cgroup; test -e /sys/fs/cgroup/pids/pids.max && echo pids-visible; (echo 1 > /sys/fs/cgroup/pids/pids.max) 2>&1 | grep -o Read-only; touch /vol/up; while [ ! -e /vol/go ]; do sleep 0.1; done'
    start_pod
    if wait_for_file "$POD/vol/up"; then
        expect_eq "cgroups: PID 1 is in the stage1 cgroup of every hierarchy" "$(cat "$POD/pid") $(cat "$POD/pid")" \
            "$(cat "$v1/$rel/stage1/cgroup.procs") $(cat "$v2/$rel/stage1/cgroup.procs")"
        local pid1 f
        pid1=$(cat "$POD/pid")
        expect_eq "cgroups: the app (not PID 1) is in its own cgroup of every hierarchy" "app app" \
            "$(for f in "$v1/$rel/app-a/cgroup.procs" "$v2/$rel/app-a/cgroup.procs"; do
                   [ -n "$(cat "$f")" ] && ! grep -qx "$pid1" "$f" && echo app; done | tr '\n' ' ' | sed 's/ $//')"
    else
        fail "cgroups" "the app never started: $(cat "$POD/err")"
    fi
    touch "$POD/vol/go"
    wait_run
    expect_eq "cgroups: the app sees its own cgroups as / (a cgroup namespace), read-only" \
        "$(printf '%s\n0::/\npids\nunified\npids-visible\nRead-only' "$(grep pids /proc/self/cgroup | cut -d: -f1-2):/")" "$(cat "$POD/out")"
    for d in "$v1/$rel/app-a" "$v1/$rel/stage1" "$v1/$rel" "$v2/$rel/app-a" "$v2/$rel/stage1" "$v2/$rel"; do rmdir "$d" 2>/dev/null; done
}

test_userns_idmap() {
    local base=2147483648
    new_pod userns
    mkdir -p "$POD/upper" "$POD/work"
    chown "$base:$base" "$POD/upper"
    # the pod's line comes before the app lines: put it right after the pod lines of new_pod
    sed -i "/^volume vol host /a userns $base $base 65536 idmap" "$POD/plan"
    plan_line app a
    plan_line image a "$POD/image"
    plan_line rootfs a overlay upper work
    plan_line mount a vol /vol ""
    plan_line exec a /bin/sh -c 'id -u; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"; stat -c %u /bin/busybox; touch /made-as-root /vol/made-as-root; touch /vol/up; while [ ! -e /vol/go ]; do sleep 0.1; done'
    plan_line env a PATH=/bin
    start_pod
    if ! wait_for_file "$POD/vol/up"; then
        fail "userns" "the app never started: $(cat "$POD/err")"
        touch "$POD/vol/go"; wait_run
        return
    fi
    local out
    out=$(in_pod ./stage1/rootfs/enter --app=a -- /bin/sh -c 'id -u; touch /made-by-enter')
    expect_eq "userns: enter joins the pod's user namespace as its root" 0 "$out"
    touch "$POD/vol/go"
    wait_run
    expect_eq "userns: the app is root inside, mapped to the pod's range, image files look root's" \
        "$(printf '0\n0 %s 65536\n0' "$base")" "$(cat "$POD/out")"
    expect_eq "userns: what the app makes in its root belongs to the range on the host" "$base $base" \
        "$(stat -c %u "$POD/upper/made-as-root") $(stat -c %u "$POD/upper/made-by-enter")"
    expect_eq "userns: what the app makes in a volume keeps the owner the pod sees (idmapped)" 0 \
        "$(stat -c %u "$POD/vol/made-as-root")"
    expect_eq "userns: the image's files are unchanged on disk" 0 "$(stat -c %u "$POD/image/bin/busybox")"
}

test_fly() {
    new_pod fly
    sed -i 's/^net none$/net host/' "$POD/plan"
    app_lines a 'for n in pid net uts; do readlink /proc/self/ns/$n; done; grep -c " /vol " /proc/self/mountinfo; (sleep 3001 &); touch /vol/up; while [ ! -e /vol/go ]; do sleep 0.1; done'
    (cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/fly --lock-fd=9 "$UUID" >"$POD/out" 2>"$POD/err") &
    RUN_PID=$!
    if ! wait_for_file "$POD/vol/up"; then
        fail "fly" "the app never started: $(cat "$POD/err")"
        touch "$POD/vol/go"; wait_run
        return
    fi
    expect_eq "fly: the pod's volume is not mounted on the host" 0 "$(grep -cF "$POD" /proc/self/mountinfo)"
    expect_eq "fly: enter runs in the host's uts namespace" "$(hostname)" "$(in_pod ./stage1/rootfs/enter --app=a -- hostname)"
    touch "$POD/vol/go"
    wait_run
    expect_eq "fly: the app ends the pod with its status" 0 "$RC"
    expect_eq "fly: the app is in the host's pid, network and uts namespaces, its volume mounted" \
        "$(printf '%s\n%s\n%s\n1' "$(readlink /proc/self/ns/pid)" "$(readlink /proc/self/ns/net)" "$(readlink /proc/self/ns/uts)")" \
        "$(cat "$POD/out")"
    expect_eq "fly: what the app left running ended with the pod" "" "$(pgrep -f 'sleep 3001')"
}

test_fly_refuses_private_namespaces() {
    simple_pod flynet 'true'
    (cd "$POD" && exec 9<. && flock -x 9 && exec ./stage1/rootfs/fly --lock-fd=9 "$UUID" >"$POD/out" 2>"$POD/err")
    RC=$?
    expect_eq "fly: a plan asking for a network of the pod's own fails in one line" \
        "254 stage1: the fly flavor runs apps in the host's network namespace: the plan asks for another" "$RC $(cat "$POD/err")"
}

# metadata_pod MODE CMD: a one-app pod named by a fresh UUID, serving the metadata service at
# 169.254.169.255:18112 from a small resource table, its key in $WORK/keys. The app may reach
# the service through $MDS (the address) in CMD.
MDS_ADDR=169.254.169.255
metadata_pod() {
    new_pod "$(cat /proc/sys/kernel/random/uuid)"
    mkdir -p "$POD/md" "$WORK/keys"
    chmod 700 "$WORK/keys"
    head -c 64 /dev/urandom >"$WORK/keys/$UUID"
    chmod 400 "$WORK/keys/$UUID"
    table_line get /acMetadata/v1/pod/uuid "text/plain; charset=us-ascii" "$UUID"
    table_line get /acMetadata/v1/apps/a/annotations '[{"name":"a/b","value":"c d"}]' application/json
    table_line get /acMetadata/v1/apps/a/annotations/a/b "text/plain; charset=us-ascii" "c d"
    table_line sign /acMetadata/v1/pod/hmac/sign
    table_line verify /acMetadata/v1/pod/hmac/verify
    plan_line metadata "$1" "$MDS_ADDR" 18112 md/resources "$WORK/keys"
    app_lines a "$2"
}
table_line() {
    local line= f
    for f in "$@"; do line+="${line:+ }$(enc "$f")"; done
    printf '%s\n' "$line" >>"$POD/md/resources"
}
# The signature stage1 must give: HMAC-SHA512 with the key over the UUID's 16 bytes and the content.
expected_signature() { # UUID CONTENT
    (printf '%s' "$1" | tr -d - | xxd -r -p; printf '%s' "$2") |
        openssl dgst -sha512 -mac HMAC -macopt "hexkey:$(xxd -p -c 256 "$WORK/keys/$1")" -binary | base64 -w0
}

test_metadata() {
    # raw requests through nc show the status line and headers as sent
    metadata_pod required 'get() { printf "GET %s HTTP/1.0\r\n\r\n" "$1" | nc '$MDS_ADDR' 18112 | tr -d "\r"; echo; }
        echo "url=$AC_METADATA_URL"
        get /acMetadata/v1/pod/uuid
        get /acMetadata/v1/apps/a/annotations/a/b
        get /acMetadata/v1/apps/nope/image/id | head -1
        printf "POST /acMetadata/v1/pod/uuid HTTP/1.1\r\nContent-Length: 0\r\n\r\n" | nc '$MDS_ADDR' 18112 | tr -d "\r" | grep -E "^(HTTP|Allow)"
        wget -q -O- --post-data="content=hello world" $AC_METADATA_URL/acMetadata/v1/pod/hmac/sign > /vol/sig
        sig=$(sed "s/+/%2B/g; s,/,%2F,g; s/=/%3D/g" /vol/sig); uuid=$(wget -q -O- $AC_METADATA_URL/acMetadata/v1/pod/uuid)
        v() { wget -S -q -O- --post-data="$1" $AC_METADATA_URL/acMetadata/v1/pod/hmac/verify 2>&1 | head -1 | sed "s/^ *//"; }
        v "content=hello+world&uuid=$uuid&signature=$sig"
        v "content=hello+World&uuid=$uuid&signature=$sig"
        v "content=hello+world&uuid=00000000-0000-4000-8000-000000000000&signature=$sig"
        v "content=hello+world&uuid=$uuid&signature=%21%21"
        v "content=hello+world&uuid=$uuid"
        for f in Uid CapEff CapBnd NoNewPrivs Seccomp; do grep "^$f:" /proc/2/status | tr -s "\t" " "; done
        ls /proc/2/fd | wc -l'
    run_pod
    local sig
    sig=$(expected_signature "$UUID" "hello world")
    expect_eq "metadata: the service answers every request as the plan and table say" "$(printf '%s\n' \
        "url=http://$MDS_ADDR:18112" \
        "HTTP/1.1 200 OK" "Content-Type: text/plain; charset=us-ascii" "Content-Length: 36" "Connection: close" "" "$UUID" \
        "HTTP/1.1 200 OK" "Content-Type: text/plain; charset=us-ascii" "Content-Length: 3" "Connection: close" "" "c d" \
        "HTTP/1.1 404 Not Found" \
        "HTTP/1.1 405 Method Not Allowed" "Allow: GET, HEAD" \
        "HTTP/1.1 200 OK" "HTTP/1.1 403 Forbidden" "HTTP/1.1 403 Forbidden" "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" \
        "Uid: 65534 65534 65534 65534" "CapEff: 0000000000000000" "CapBnd: 0000000000000000" "NoNewPrivs: 1" "Seccomp: 2" \
        5)" "$(cat "$POD/out")"
    expect_eq "metadata: the signature is HMAC-SHA512 with the pod's key over its UUID and the content" "$sig" "$(cat "$POD/vol/sig")"
    expect_eq "metadata: status says where the service was" "http://$MDS_ADDR:18112" "$(cat "$POD/metadata-service")"
    expect_eq "metadata: the pod ran as its app said" 0 "$RC"
}

test_metadata_hostile_requests() {
    # what an app may send the server: each gets its status, and the server goes on serving
    metadata_pod required 'raw() { nc '$MDS_ADDR' 18112 | tr -d "\r" | head -1; }
        (sleep 5 | nc '$MDS_ADDR' 18112 >/dev/null) & # a client that says nothing holds one connection
        printf "GARBAGE\r\n\r\n" | raw
        printf "GET /acMetadata/v1/pod/uuid HTTP/9.9\r\n\r\n" | raw
        printf "GET /acMetadata/v1/pod/%%zz HTTP/1.1\r\n\r\n" | raw
        (printf "GET /acMetadata/v1/pod/uuid HTTP/1.1\r\nX-Long: "; head -c 9000 /dev/zero | tr "\0" a; printf "\r\n\r\n") | raw
        (printf "GET /"; head -c 20000 /dev/zero | tr "\0" a; printf " HTTP/1.1\r\n\r\n") | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\n\r\ncontent=x" | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ncontent=x\r\n0\r\n\r\n" | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nContent-Length: 300000\r\n\r\n" | raw
        (printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nContent-Length: 70009\r\n\r\ncontent="; head -c 70001 /dev/zero | tr "\0" a) | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nContent-Length: 20\r\n\r\ncontent=x" | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" | raw
        printf "POST /acMetadata/v1/pod/hmac/sign HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 9\r\n\r\n--b\r\nxxxx" | raw
        printf "GET /acMetadata/v1/pod/uuid HTTP/1.1\r\n\r\n" | raw'
    run_pod
    expect_eq "metadata: hostile requests get their statuses and the server serves on" "$(printf '%s\n' \
        "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" \
        "HTTP/1.1 431 Request Header Fields Too Large" "HTTP/1.1 431 Request Header Fields Too Large" \
        "HTTP/1.1 411 Length Required" "HTTP/1.1 411 Length Required" \
        "HTTP/1.1 413 Content Too Large" "HTTP/1.1 413 Content Too Large" "HTTP/1.1 400 Bad Request" \
        "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" "HTTP/1.1 200 OK")" "$(cat "$POD/out")"
    expect_eq "metadata: the server was never killed (by its seccomp filter or otherwise)" "http://$MDS_ADDR:18112" \
        "$(cat "$POD/metadata-service")"
}

test_metadata_key_missing() {
    local mode
    for mode in required optional; do
        metadata_pod "$mode" 'echo "app ran, url=[$AC_METADATA_URL]"'
        rm "$WORK/keys/$UUID"
        run_pod
        if [ "$mode" = required ]; then
            expect_eq "metadata required, no key: the pod fails in one line before any app starts" \
                "254 stage1: metadata service: open the key of pod $UUID: No such file or directory" "$RC $(cat "$POD/err")$(cat "$POD/out")"
        else
            expect_eq "metadata optional, no key: the pod runs without it, and says why" \
                "0 app ran, url=[] unavailable: open the key of pod $UUID: No such file or directory" \
                "$RC $(cat "$POD/out") $(cat "$POD/metadata-service")"
        fi
    done
}

test_metadata_address_taken() {
    local mode holder
    for mode in required optional; do
        metadata_pod "$mode" 'echo "app ran, url=[$AC_METADATA_URL]"'
        touch "$POD/netns"
        if ! unshare --net="$POD/netns" true; then
            fail "metadata address taken" "cannot create a network namespace"
            return
        fi
        sed -i 's/^net none$/net join netns/' "$POD/plan"
        # something in the joined namespace listens on the service's port (of every address)
        nsenter --net="$POD/netns" "$BUSYBOX" nc -l -p 18112 </dev/null >/dev/null 2>&1 &
        holder=$!
        local i
        for ((i = 0; i < 300; i++)); do
            nsenter --net="$POD/netns" grep -q ":46C0 00000000:0000 0A" /proc/net/tcp 2>/dev/null && break
            sleep 0.1
        done
        run_pod
        kill "$holder" 2>/dev/null
        wait "$holder" 2>/dev/null
        umount "$POD/netns"
        if [ "$mode" = required ]; then
            expect_eq "metadata required, address taken: the pod fails in one line before any app starts" \
                "254 stage1: metadata service: listen on $MDS_ADDR:18112: Address already in use" "$RC $(cat "$POD/err")$(cat "$POD/out")"
        else
            expect_eq "metadata optional, address taken: the pod runs without it, and says why" \
                "0 app ran, url=[] unavailable: listen on $MDS_ADDR:18112: Address already in use" \
                "$RC $(cat "$POD/out") $(cat "$POD/metadata-service")"
        fi
    done
}

test_metadata_bad_plan() {
    metadata_pod required 'echo should not run'
    sed -i 's/^net none$/net host/' "$POD/plan"
    run_pod
    expect_eq "metadata with the host's network: refused as a plan error" \
        "254 stage1: plan: a 'metadata' service needs a network of the pod's own, not 'net host'" "$RC $(cat "$POD/err")$(cat "$POD/out")"
    metadata_pod required 'echo should not run'
    printf 'get /x\n' >>"$POD/md/resources"
    run_pod
    expect_eq "metadata: a bad resource table fails the pod, naming the line" \
        "254 stage1: metadata resources line 6: not 'get PATH TYPE BODY', 'sign PATH' or 'verify PATH'" "$RC $(cat "$POD/err")$(cat "$POD/out")"
}

# all tests, or the ones named on the command line
TESTS=(exit_status_single exit_status_multi pid_namespace hostname net_none mount_isolation env user workdir handlers
       sigterm_forwarded kill_run detach_enter_stop interactive status_formats net_join detach_failure bad_plan gc
       overlay_root files_masks_readonly readonly_rootfs caps_and_nonewprivs seccomp_and_oom cgroups userns_idmap
       fly fly_refuses_private_namespaces metadata metadata_hostile_requests metadata_key_missing
       metadata_address_taken metadata_bad_plan)
[ $# -gt 0 ] && TESTS=("$@")
for t in "${TESTS[@]}"; do "test_$t"; done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
