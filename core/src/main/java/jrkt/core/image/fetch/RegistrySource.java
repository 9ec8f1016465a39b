package jrkt.core.image.fetch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.image.oci.Digests;
import jrkt.core.image.oci.DockerReference;
import jrkt.core.image.oci.MediaTypes;
import jrkt.core.image.oci.OciManifest;
import jrkt.core.store.ImageInfo;

/** {@code docker://REFERENCE}: pulls an image from a registry through {@link RegistryClient}. */
final class RegistrySource {
    private RegistrySource() {}

    static ImageInfo fetch(DockerReference ref, RegistryClient client, OciImporter importer, String what,
                           OciManifest.Platform platform) throws IOException {
        Document top = manifest(client, ref.manifestReference(), what);
        if (ref.digest() != null && !top.digest().equals(ref.digest())) {
            throw new JrktException(what + ": the registry served a manifest with digest " + top.digest() + ", not the one asked for");
        }
        Document chosen = top;
        String type = OciManifest.mediaTypeOf(top.bytes(), top.contentType(), what);
        if (MediaTypes.isIndex(type)) {
            OciManifest.Index index = OciManifest.parseIndex(top.bytes(), top.contentType(), what);
            OciManifest.Descriptor d = PlatformChoice.choose(index, platform, what);
            chosen = manifest(client, d.digest(), what);
            if (!chosen.digest().equals(d.digest())) {
                throw new JrktException(what + ": the manifest for " + platform + " has digest " + chosen.digest() + ", the index says " + d.digest());
            }
        }
        OciManifest manifest = OciManifest.parse(chosen.bytes(), chosen.contentType(), what);
        String configStep = "fetching the config " + manifest.config().digest();
        byte[] config = OciImporter.readSmall(client.blob(manifest.config().digest(), configStep).body(), 8 << 20, what + ": " + configStep);
        List<OciImporter.LayerRef> layers = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            OciManifest.Descriptor l = manifest.layers().get(i);
            String step = "fetching layer " + (i + 1) + " of " + manifest.layers().size();
            layers.add(new OciImporter.LayerRef(l.digest(), l.size(), l.mediaType(), () -> client.blob(l.digest(), step).body()));
        }
        return importer.importImage(what, "docker://" + ref, ref.appcName(), ref.tag() != null ? ref.tag() : ref.digest(),
            ref.toString(), chosen.bytes(), chosen.digest(), manifest.config().digest(), config, layers);
    }

    record Document(byte[] bytes, String contentType, String digest) {}

    /** A manifest or index, read whole and named by the digest of its bytes. */
    private static Document manifest(RegistryClient client, String reference, String what) throws IOException {
        RegistryClient.Opened opened = client.manifest(reference);
        byte[] bytes = OciImporter.readSmall(opened.body(), OciManifest.MAX_SIZE, what + ": the manifest");
        String digest = Digests.of(bytes);
        if (Digests.isValid(reference) && !digest.equals(reference)) {
            throw new JrktException(what + ": the manifest fetched by digest " + reference + " has digest " + digest + " (corrupt or tampered)");
        }
        return new Document(bytes, opened.contentType(), digest);
    }
}
