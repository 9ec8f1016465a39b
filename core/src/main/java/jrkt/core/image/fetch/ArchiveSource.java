package jrkt.core.image.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.fs.Trees;
import jrkt.core.image.archive.Compression;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.oci.Digests;
import jrkt.core.image.oci.DockerReference;
import jrkt.core.image.oci.OciManifest;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Store;
import jrkt.sys.Linux;

/**
 * {@code oci-archive:FILE[:TAG]} (a tar of an OCI layout) and {@code docker-archive:FILE[:REF]}
 * ({@code docker save} / {@code podman save} output: manifest.json, the config and each layer as
 * an uncompressed tar, checked against the config's diff IDs). The archive is unpacked safely into
 * the store's work area first and removed after.
 */
final class ArchiveSource {
    private ArchiveSource() {}

    static ImageInfo fetchOciArchive(Path file, String tag, Store store, OciImporter importer, String what, String sourceUrl,
                                     OciManifest.Platform platform) throws IOException {
        Path work = unpack(file, store, what);
        try {
            String base = file.getFileName().toString().replaceAll("\\.(tar|tgz|tar\\.gz)$", "");
            return LayoutSource.fetch(work, tag, base, importer, what, sourceUrl, platform);
        } finally {
            Trees.delete(work);
        }
    }

    static ImageInfo fetchDockerArchive(Path file, String ref, Store store, OciImporter importer, String what, String sourceUrl)
            throws IOException {
        Path work = unpack(file, store, what);
        try {
            Path manifestFile = work.resolve("manifest.json");
            if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
                throw new JrktException(what + ": " + file + " is not a docker archive (no manifest.json)");
            }
            List<Object> entries;
            try {
                entries = Json.asArray(Json.parse(Files.readAllBytes(manifestFile)));
            } catch (JsonException | ClassCastException e) {
                throw new JrktException(what + ": manifest.json is not a JSON array of images");
            }
            Map<String, Object> chosen = null;
            String chosenTag = null;
            for (Object e : entries) {
                if (!(e instanceof Map<?, ?> m)) continue;
                List<Object> repoTags = Json.asObject(m).get("RepoTags") instanceof List<?> t ? Json.asArray(t) : List.of();
                if (ref == null && chosen == null) {
                    chosen = Json.asObject(m);
                    chosenTag = repoTags.isEmpty() ? null : String.valueOf(repoTags.get(0));
                }
                for (Object t : repoTags) {
                    if (ref != null && (ref.equals(t) || DockerReference.parse(ref).equals(DockerReference.parse(String.valueOf(t))))) {
                        chosen = Json.asObject(m);
                        chosenTag = String.valueOf(t);
                    }
                }
            }
            if (chosen == null) throw new JrktException(what + ": " + (ref == null ? "the archive holds no image" : "no image " + ref + " in the archive"));
            if (!(chosen.get("Config") instanceof String configName) || !(chosen.get("Layers") instanceof List<?> layerNames)) {
                throw new JrktException(what + ": manifest.json names no Config and Layers");
            }
            byte[] config = Files.readAllBytes(inside(work, configName, what));
            String configDigest = Digests.of(config);
            List<OciImporter.LayerRef> layers = new ArrayList<>();
            for (Object name : layerNames) {
                Path layer = inside(work, String.valueOf(name), what);
                layers.add(new OciImporter.LayerRef(null, -1, "application/vnd.docker.image.rootfs.diff.tar",
                    () -> Files.newInputStream(layer)));
            }
            DockerReference named = chosenTag == null ? null : DockerReference.parse(chosenTag);
            String name = named != null ? named.appcName() : LayoutSource.appcName(file.getFileName().toString().replaceAll("\\.tar$", ""));
            String version = named != null ? named.tag() : "latest";
            return importer.importImage(what, sourceUrl, name, version, chosenTag, null, null, configDigest, config, layers);
        } finally {
            Trees.delete(work);
        }
    }

    /** A file named by the archive's manifest, which must lie inside the unpacked archive. */
    private static Path inside(Path work, String name, String what) {
        Path p = work.resolve(name).normalize();
        if (!p.startsWith(work) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new JrktException(what + ": the archive names \"" + name + "\", which it does not hold as a file");
        }
        return p;
    }

    private static Path unpack(Path file, Store store, String what) throws IOException {
        if (!Files.isRegularFile(file)) throw new JrktException(what + ": " + file + " does not exist or is not a file");
        Path work = store.layers().newWorkDir("archive");
        try (InputStream in = Compression.decompress(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            new SafeExtractor(Linux.get()).extract(in, work, new SafeExtractor.Options("", null, false, false, null));
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(work, e);
            if (e instanceof JrktException je) throw new JrktException(what + ": " + je.getMessage(), je);
            throw new JrktException(what + ": cannot unpack the archive: " + e.getMessage(), e);
        }
        return work;
    }
}
