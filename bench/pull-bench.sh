#!/bin/sh
# Pull of a multi-layer image from a local registry: jrkt fetch against podman pull, side by side.
# Usage: bench/pull-bench.sh [RUNS]   (root; installs docker-registry, skopeo, podman, hyperfine when missing)
# The image: 8 layers of ~8 MiB of incompressible data each plus busybox, built here as an OCI
# layout and pushed with skopeo to Debian's docker-registry on a free port of 127.0.0.1. Each run
# starts from an empty store (jrkt: a fresh --dir; podman: a fresh --root), so every layer is
# fetched, checked and unpacked.
set -e
runs=${1:-5}
cd "$(dirname "$0")/.."
for p in docker-registry skopeo podman hyperfine; do
    command -v $p >/dev/null 2>&1 || { apt-get install -y -qq --no-install-recommends $p >/dev/null; }
done
[ -f cli/target/lib/jrkt-cli.jar ] || ./mvnw -B -ntp -q package -DskipTests
work=$(mktemp -d /tmp/jrkt-pull-bench.XXXXXX)
trap 'kill $pull_registry 2>/dev/null; rm -rf "$work"' EXIT
. bench/pull-image.sh
pull_image "$work"
ref=$pull_ref layout=$pull_layout
# The same image from the layout (no HTTP) shows what the registry side costs jrkt.
echo "load before: $(cat /proc/loadavg)"
hyperfine -N --runs "$runs" --export-markdown "$work/result.md" \
    --prepare "rm -rf $work/jrkt $work/podman" \
    -n jrkt "./jrkt --dir=$work/jrkt --insecure-options=http fetch --quiet docker://$ref" \
    -n podman "podman --root=$work/podman --runroot=$work/podman-run --storage-driver=overlay pull --quiet --tls-verify=false $ref" \
    -n "jrkt oci-layout:" "./jrkt --dir=$work/jrkt fetch --quiet oci-layout:$layout:1"
echo "load after: $(cat /proc/loadavg)"
cat "$work/result.md"
