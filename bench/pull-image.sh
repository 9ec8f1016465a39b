# Sourced by bench/run-bench.sh and bench/pull-bench.sh (POSIX sh): the multi-layer image both
# pull from a local registry. pull_image WORK builds an OCI layout in WORK/layout (busybox, then 8
# layers of 8 MiB of random bytes, gzipped: 72 MiB), serves WORK/registry with Debian's
# docker-registry on a free port of 127.0.0.1, pushes the image there with skopeo, and sets
# pull_ref (HOST:PORT/bench/app:1), pull_layout and pull_registry (the registry's pid: the caller
# kills it). On failure it says why on stderr and returns 1.
pull_image() {
    _w=$1
    for _p in docker-registry skopeo python3; do
        command -v $_p >/dev/null 2>&1 || { echo "$_p is not installed" >&2; return 1; }
    done
    _port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$_w/registry"
    cat > "$_w/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $_w/registry}}
http: {addr: 127.0.0.1:$_port}
YML
    docker-registry serve "$_w/registry.yml" >/dev/null 2>&1 &
    pull_registry=$!
    pull_layout=$_w/layout
    mkdir -p "$pull_layout/blobs/sha256"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$pull_layout/oci-layout"
    _layers="" _diffs=""
    for _i in 0 1 2 3 4 5 6 7 8; do
        _d=$_w/l$_i; mkdir -p "$_d"
        if [ $_i = 0 ]; then mkdir -p "$_d/bin"; cp /bin/busybox "$_d/bin/"; ln -s busybox "$_d/bin/sh"
        else head -c 8M /dev/urandom > "$_d/data$_i"; fi
        tar -C "$_d" -cf "$_w/l$_i.tar" .
        _diff=$(sha256sum "$_w/l$_i.tar" | cut -d' ' -f1)
        gzip -1 -c "$_w/l$_i.tar" > "$_w/l$_i.tgz"
        _size=$(stat -c %s "$_w/l$_i.tgz"); _h=$(pull_blob "$_w/l$_i.tgz")
        rm -rf "$_d" "$_w/l$_i.tar"
        _layers="$_layers${_layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$_h\",\"size\":$_size}"
        _diffs="$_diffs${_diffs:+,}\"sha256:$_diff\""
    done
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$_diffs" > "$_w/config"
    _csize=$(stat -c %s "$_w/config"); _c=$(pull_blob "$_w/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$_c" "$_csize" "$_layers" > "$_w/manifest"
    _msize=$(stat -c %s "$_w/manifest"); _m=$(pull_blob "$_w/manifest")
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' "$_m" "$_msize" > "$pull_layout/index.json"
    pull_ref=127.0.0.1:$_port/bench/app:1
    # the registry takes a moment to listen
    for _i in 1 2 3 4 5 6 7 8 9 10; do
        skopeo copy --quiet --dest-tls-verify=false "oci:$pull_layout:1" "docker://$pull_ref" 2>"$_w/skopeo.err" && return 0
        sleep 0.5
    done
    echo "skopeo could not push the image: $(tail -1 "$_w/skopeo.err")" >&2
    return 1
}

# Moves a file into the layout's blobs under its SHA-256; prints the digest's hex.
pull_blob() {
    _bh=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$pull_layout/blobs/sha256/$_bh"
    echo "$_bh"
}
