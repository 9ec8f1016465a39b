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
trap 'kill $registry 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 & registry=$!

# An OCI layout: busybox, then 8 layers of random bytes, gzipped.
layout=$work/layout; mkdir -p "$layout/blobs/sha256"
echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
blob() { h=$(sha256sum "$1" | cut -d' ' -f1); mv "$1" "$layout/blobs/sha256/$h"; echo "$h"; }
layers=""; diffs=""
for i in 0 1 2 3 4 5 6 7 8; do
    d=$work/l$i; mkdir -p "$d"
    if [ $i = 0 ]; then mkdir -p "$d/bin"; cp /bin/busybox "$d/bin/"; ln -s busybox "$d/bin/sh"
    else head -c 8M /dev/urandom > "$d/data$i"; fi
    tar -C "$d" -cf "$work/l$i.tar" .
    diff=$(sha256sum "$work/l$i.tar" | cut -d' ' -f1)
    gzip -1 -c "$work/l$i.tar" > "$work/l$i.tgz"; size=$(stat -c %s "$work/l$i.tgz"); h=$(blob "$work/l$i.tgz")
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$h\",\"size\":$size}"
    diffs="$diffs${diffs:+,}\"sha256:$diff\""
done
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" > "$work/config"
csize=$(stat -c %s "$work/config"); c=$(blob "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$c" "$csize" "$layers" > "$work/manifest"
msize=$(stat -c %s "$work/manifest"); m=$(blob "$work/manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' "$m" "$msize" > "$layout/index.json"
sleep 1
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:1" "docker://127.0.0.1:$port/bench/app:1"

ref=127.0.0.1:$port/bench/app:1
# The same image from the layout (no HTTP) shows what the registry side costs jrkt.
echo "load before: $(cat /proc/loadavg)"
hyperfine -N --runs "$runs" --export-markdown "$work/result.md" \
    --prepare "rm -rf $work/jrkt $work/podman" \
    -n jrkt "./jrkt --dir=$work/jrkt --insecure-options=http fetch --quiet docker://$ref" \
    -n podman "podman --root=$work/podman --runroot=$work/podman-run --storage-driver=overlay pull --quiet --tls-verify=false $ref" \
    -n "jrkt oci-layout:" "./jrkt --dir=$work/jrkt fetch --quiet oci-layout:$layout:1"
echo "load after: $(cat /proc/loadavg)"
cat "$work/result.md"
