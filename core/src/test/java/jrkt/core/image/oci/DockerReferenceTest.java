package jrkt.core.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

class DockerReferenceTest {
    @Test
    void aBareNameIsDockerHubsLibraryImageTaggedLatest() {
        DockerReference r = DockerReference.parse("busybox");
        assertEquals("docker.io/library/busybox:latest", r.toString());
        assertEquals("registry-1.docker.io", r.apiHost());
        assertEquals("docker.io/team/app:latest", DockerReference.parse("team/app").toString());
        assertEquals("docker.io/library/busybox:1.36", DockerReference.parse("index.docker.io/busybox:1.36").toString());
    }

    @Test
    void aFirstComponentWithADotColonOrLocalhostIsTheRegistry() {
        DockerReference r = DockerReference.parse("127.0.0.1:5000/team/app:1.2");
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("team/app", r.repository());
        assertEquals("1.2", r.tag());
        assertEquals("127.0.0.1_5000/team/app", r.appcName());
        assertEquals("localhost", DockerReference.parse("localhost/app").registry());
        assertEquals("quay.io", DockerReference.parse("quay.io/coreos/etcd").registry());
    }

    @Test
    void aDigestPinsTheManifestAndNeedsNoTag() {
        String digest = "sha256:" + "ab".repeat(32);
        DockerReference r = DockerReference.parse("busybox@" + digest);
        assertNull(r.tag());
        assertEquals(digest, r.manifestReference());
        assertEquals("1", DockerReference.parse("busybox:1@" + digest).tag());
    }

    @Test
    void malformedReferencesAreRefusedNamingWhatIsWrong() {
        assertTrue(assertThrows(JrktException.class, () -> DockerReference.parse("Busybox")).getMessage().contains("\"Busybox\""));
        assertTrue(assertThrows(JrktException.class, () -> DockerReference.parse("busybox@sha256:abc")).getMessage().contains("digest"));
        assertTrue(assertThrows(JrktException.class, () -> DockerReference.parse("busybox:bad tag")).getMessage().contains("tag"));
        assertThrows(JrktException.class, () -> DockerReference.parse("a//b"));
    }
}
