package jrkt.core.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

class OciManifestTest {
    static final String D = "sha256:" + "0".repeat(64);
    static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + D + "\",\"size\":10},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" + D + "\",\"size\":20}]}";

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String fails(Runnable r) { return assertThrows(JrktException.class, r::run).getMessage(); }

    @Test
    void aDockerSchema2ManifestGivesItsConfigAndLayers() {
        OciManifest m = OciManifest.parse(b(MANIFEST), "application/vnd.docker.distribution.manifest.v2+json", "image x");
        assertEquals(D, m.config().digest());
        assertEquals(1, m.layers().size());
        assertEquals(20, m.layers().get(0).size());
    }

    @Test
    void schema1IsRefusedWithAClearMessage() {
        String message = fails(() -> OciManifest.parse(b("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}"),
            "application/vnd.docker.distribution.manifest.v1+prettyjws", "image x"));
        assertTrue(message.startsWith("image x: ") && message.contains("schema 1"), message);
    }

    @Test
    void aDocumentThatIsNotWhatItsMediaTypeSaysIsRefused() {
        assertTrue(fails(() -> OciManifest.parse(b(MANIFEST), "application/vnd.oci.image.manifest.v1+json", "image x"))
            .contains("served as"));
        assertTrue(fails(() -> OciManifest.parse(b("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"),
            null, "image x")).contains("config"));
        assertTrue(fails(() -> OciManifest.parse(b("{\"mediaType\":\"application/x-unknown\"}"), null, "image x"))
            .contains("unknown media type"));
        assertTrue(fails(() -> OciManifest.parse(b(MANIFEST.replace("rootfs.diff.tar.gzip", "rootfs.diff.rar")), null, "image x"))
            .contains("layer " + D));
        assertTrue(fails(() -> OciManifest.parse(b("[1,2"), null, "image x")).contains("not valid JSON"));
    }

    @Test
    void anIndexListsPlatformsAndTheHostsIsChosen() {
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "1".repeat(64) + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        OciManifest.Index parsed = OciManifest.parseIndex(b(index), null, "image x");
        assertEquals(2, parsed.manifests().size());
        assertEquals("linux/arm64/v8", parsed.manifests().get(0).platform().toString());
    }
}
