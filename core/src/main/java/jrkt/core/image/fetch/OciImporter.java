package jrkt.core.image.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.image.oci.AppcView;
import jrkt.core.image.oci.Digests;
import jrkt.core.image.oci.OciConfig;
import jrkt.core.pod.prepare.RootfsPath;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.ImageRoot;
import jrkt.core.store.LayerStore;
import jrkt.core.store.Store;

/**
 * Brings one OCI or Docker image into the store from wherever its blobs come from (a registry,
 * a layout, an archive): the config first, then the layers in parallel, each streamed once
 * (stored, digested, unpacked as it arrives; see {@link LayerStore#fetchLayer}), then the index
 * rows. Every layer is tried even when another failed, so that a retry finds the whole ones.
 */
final class OciImporter {
    /** How many layers are fetched at once. */
    static final int PARALLEL = 4;

    /** One layer to fetch: digest null (and size -1) when the source does not know it (docker-archive). */
    record LayerRef(String digest, long size, String mediaType, LayerStore.Opener opener) {}

    private final Store store;
    private final Progress progress;

    OciImporter(Store store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * @param what          the image as the user named it, for messages ("image docker://...")
     * @param name          the appc name; version the version label (the tag), or null
     * @param manifestBytes the manifest as fetched (stored as a blob), or null (docker-archive)
     */
    ImageInfo importImage(String what, String sourceUrl, String name, String version, String reference,
                          byte[] manifestBytes, String manifestDigest, String configDigest, byte[] configBytes,
                          List<LayerRef> layers) throws IOException {
        if (!Digests.of(configBytes).equals(configDigest)) {
            throw new JrktException(what + ": the image config's digest is " + Digests.of(configBytes) + ", not " + configDigest);
        }
        OciConfig config = OciConfig.parse(configBytes, what);
        if (config.diffIds().size() != layers.size()) {
            throw new JrktException(what + ": the manifest has " + layers.size() + " layers but the config lists "
                + config.diffIds().size() + " diff IDs");
        }
        LayerStore ls = store.layers();
        List<LayerStore.Layer> stored = new ArrayList<>();
        try (LayerStore.Hold importing = ls.importing()) {
            progress.start(what, layers.size(), layers.stream().mapToLong(l -> Math.max(l.size(), 0)).sum());
            try {
                stored = fetchLayers(what, config, layers);
            } finally {
                progress.finish();
            }
            ls.putBlob(configDigest, configBytes, what + ": config");
            List<String> others = new ArrayList<>(List.of(configDigest));
            if (manifestBytes != null) {
                ls.putBlob(manifestDigest, manifestBytes, what + ": manifest");
                others.add(manifestDigest);
            }
            List<Path> dirs = new ArrayList<>();
            for (int i = stored.size() - 1; i >= 0; i--) dirs.add(ls.layerDir(stored.get(i).diffId()));
            ImageRoot root = dirs.isEmpty() ? null : new ImageRoot(List.of(), dirs);
            byte[] appc = AppcView.manifest(name, version, config, reference, manifestDigest, configDigest,
                user -> root == null ? null : primaryGid(root, user));
            ImageManifest parsed = ImageManifest.parse(appc);
            Map<String, String> labels = new LinkedHashMap<>(parsed.labels());
            return ls.commit(configDigest, parsed.name(), labels, appc, sourceUrl, stored, others);
        }
    }

    private List<LayerStore.Layer> fetchLayers(String what, OciConfig config, List<LayerRef> layers) throws IOException {
        if (layers.isEmpty()) return List.of();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, layers.size()), r -> {
            Thread t = new Thread(r, "jrkt-layer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<LayerStore.Layer>> futures = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                LayerRef l = layers.get(i);
                String diffId = config.diffIds().get(i);
                String step = what + ": layer " + (i + 1) + " of " + layers.size() + " ("
                    + (l.digest() != null ? l.digest() : diffId).substring(0, 19) + "...)";
                futures.add(pool.submit(() -> {
                    LayerStore.Layer done = store.layers().fetchLayer(l.digest(), l.size(), diffId, l.mediaType(), l.opener(),
                        step, progress::bytes);
                    progress.layerDone();
                    return done;
                }));
            }
            List<LayerStore.Layer> out = new ArrayList<>();
            Throwable first = null;
            for (Future<LayerStore.Layer> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JrktException(what + ": interrupted");
                }
            }
            if (first instanceof IOException io) throw io;
            if (first instanceof RuntimeException re) throw re;
            if (first instanceof Error err) throw err;
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The gid /etc/passwd of the image gives a user (a name or a uid), or null. */
    static Integer primaryGid(ImageRoot root, String user) {
        Path passwd = RootfsPath.resolveHost(root, "/etc/passwd");
        if (!Files.isRegularFile(passwd, LinkOption.NOFOLLOW_LINKS)) return null;
        try {
            if (Files.size(passwd) > 16 << 20) return null;
            for (String line : new String(Files.readAllBytes(passwd), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length < 4 || !(f[0].equals(user) || f[2].equals(user))) continue;
                return f[3].matches("[0-9]{1,10}") && Long.parseLong(f[3]) <= 0xfffffffeL ? (int) Long.parseLong(f[3]) : null;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Reads a small document (manifest, config) whole, refusing more than max bytes. */
    static byte[] readSmall(InputStream in, int max, String what) throws IOException {
        try (in) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) throw new JrktException(what + ": larger than " + (max >> 20) + "MiB");
            return data;
        }
    }
}
