package jrkt.core.image.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.oci.Digests;
import jrkt.core.image.oci.MediaTypes;
import jrkt.core.image.oci.OciManifest;
import jrkt.core.json.Json;
import jrkt.core.store.ImageInfo;

/**
 * {@code oci-layout:DIR[:TAG]} (and {@code oci-archive:}, a layout in a tar): an OCI image
 * layout directory, its index.json naming images by the annotation
 * {@code org.opencontainers.image.ref.name}, its blobs under {@code blobs/sha256/}. The image is
 * named {@code localhost/<directory name>} unless the index names it.
 */
final class LayoutSource {
    private LayoutSource() {}

    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String IMAGE_NAME = "io.containerd.image.name";

    static ImageInfo fetch(Path layout, String tag, String defaultName, OciImporter importer, String what, String sourceUrl,
                           OciManifest.Platform platform) throws IOException {
        if (!Files.isRegularFile(layout.resolve("oci-layout"))) {
            throw new JrktException(what + ": " + layout + " is not an OCI image layout (no oci-layout file)");
        }
        byte[] indexBytes = read(layout.resolve("index.json"), OciManifest.MAX_SIZE, what);
        OciManifest.Index index = OciManifest.parseIndex(indexBytes, MediaTypes.OCI_INDEX, what + ": index.json");
        Map<String, Object> indexJson = Json.asObject(Json.parse(indexBytes));
        List<Object> rawEntries = Json.asArray(indexJson.get("manifests"));
        OciManifest.Descriptor chosen = null;
        String name = defaultName;
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < index.manifests().size(); i++) {
            Map<String, Object> annotations = Json.asObject(rawEntries.get(i)).get("annotations") instanceof Map<?, ?> a
                ? Json.asObject(a) : Map.of();
            String refName = annotations.get(REF_NAME) instanceof String s ? s : null;
            if (refName != null) tags.add(refName);
            boolean match = tag == null ? index.manifests().size() == 1 : tag.equals(refName);
            if (match && chosen == null) {
                chosen = index.manifests().get(i);
                if (annotations.get(IMAGE_NAME) instanceof String n) name = n;
            }
        }
        if (chosen == null) {
            throw new JrktException(what + ": " + (tag == null
                ? "the layout holds " + index.manifests().size() + " images; name one with :TAG (tags: " + String.join(", ", tags) + ")"
                : "no image tagged \"" + tag + "\" in the layout (tags: " + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")"));
        }
        if (MediaTypes.isIndex(chosen.mediaType())) {
            byte[] nested = blob(layout, chosen.digest(), what);
            chosen = PlatformChoice.choose(OciManifest.parseIndex(nested, chosen.mediaType(), what), platform, what);
        }
        byte[] manifestBytes = blob(layout, chosen.digest(), what);
        OciManifest manifest = OciManifest.parse(manifestBytes, chosen.mediaType(), what);
        byte[] config = blob(layout, manifest.config().digest(), what);
        List<OciImporter.LayerRef> layers = new ArrayList<>();
        for (OciManifest.Descriptor l : manifest.layers()) {
            Path file = blobFile(layout, l.digest());
            layers.add(new OciImporter.LayerRef(l.digest(), l.size(), l.mediaType(), () -> open(file, what)));
        }
        String appcName = appcName(name);
        return importer.importImage(what, sourceUrl, appcName, tag != null ? tag : "latest", sourceUrl, manifestBytes,
            chosen.digest(), manifest.config().digest(), config, layers);
    }

    /** A docker reference's name as given, or "localhost/<text>" made an AC identifier. */
    static String appcName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int colon = n.lastIndexOf(':');
        if (colon > n.lastIndexOf('/')) n = n.substring(0, colon);
        n = n.replace(':', '_').replaceAll("[^a-z0-9._~/-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return n.isEmpty() ? "localhost/image" : n.contains("/") ? n : "localhost/" + n;
    }

    private static Path blobFile(Path layout, String digest) { return layout.resolve("blobs").resolve("sha256").resolve(Digests.hex(digest)); }

    private static byte[] blob(Path layout, String digest, String what) throws IOException {
        byte[] data = read(blobFile(layout, digest), 8 << 20, what);
        if (!Digests.of(data).equals(digest)) {
            throw new JrktException(what + ": blob " + digest + " in the layout has digest " + Digests.of(data) + " (corrupt)");
        }
        return data;
    }

    private static InputStream open(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new JrktException(what + ": the layout has no blob " + file.getFileName());
        return Files.newInputStream(file);
    }

    private static byte[] read(Path file, int max, String what) throws IOException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(file.toString());
            if (Files.size(file) > max) throw new JrktException(what + ": " + file + " is larger than " + (max >> 20) + "MiB");
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JrktException(what + ": " + file + " does not exist");
        }
    }
}
