#!/bin/sh
# JMH micro benchmarks of jrkt's hot pieces: tar unpacking and digesting, manifest parsing, plan
# writing (bench/jmh). Not part of the build or the tests: builds them on demand (-P jmh) and runs
# them, forked, with JMH's own defaults shortened; any JMH option may follow, e.g. a benchmark
# name pattern (bench/run-jmh.sh Manifest) or -rf json -rff bench/jmh-results.json.
# Usage: bench/run-jmh.sh [JMH OPTIONS...]   (as root: unpacking sets owners)
set -e
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/setup); export JAVA_HOME
./mvnw -B -ntp -q -P jmh -pl bench/jmh -am package -DskipTests
cp="bench/jmh/target/classes"
for jar in bench/jmh/target/lib/*.jar; do cp="$cp:$jar"; done
# Shorter runs than JMH's defaults, unless the command line sets them.
defaults=""
for option in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s"; do
    given=""
    for arg in "$@"; do [ "$arg" = "${option%% *}" ] && given=1; done
    [ -n "$given" ] || defaults="$defaults $option"
done
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main \
    $defaults -jvmArgsAppend --enable-native-access=ALL-UNNAMED "$@"
