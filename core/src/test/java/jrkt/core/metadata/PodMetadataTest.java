package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;
import jrkt.core.pod.prepare.PlanWriter;
import jrkt.core.pod.prepare.PreparedApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What prepare decides about a pod's metadata service, and what it leaves in the pod for stage1 and status. */
class PodMetadataTest {
    @TempDir Path tmp;
    PodDirs dirs;
    Path pod;
    String uuid;
    byte[] imageManifest = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/web\"}".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void pod() throws Exception {
        dirs = new PodDirs(tmp.resolve("data"));
        uuid = Pods.newUuid();
        pod = Files.createDirectories(dirs.pod(PodDirs.PREPARE, uuid));
        Files.writeString(pod.resolve("pod"), "{\"acKind\":\"PodManifest\"}\n");
        stage1(true);
    }

    ImageManifest stage1;

    private void stage1(boolean serves) {
        stage1 = ImageManifest.parse(("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/stage1\",\"annotations\":["
            + (serves ? "{\"name\":\"jrkt.io/stage1/metadata-service\",\"value\":\"true\"}" : "") + "]}").getBytes(StandardCharsets.UTF_8));
    }

    private PodMetadata prepare(MetadataMode mode, boolean hostNetwork) throws Exception {
        PreparedApp web = new PreparedApp("web", "sha512-abc", "example.com/web", Map.of(),
            new jrkt.core.store.ImageRoot(List.of("deps-sha512-abc"), List.of(tmp)), List.of("/bin/sh"),
            "0", "0", 0, 0, List.of(), "/", Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false);
        return PodMetadata.prepare(dirs, pod, Files.readAllBytes(pod.resolve("pod")), uuid, stage1, mode, hostNetwork, Map.of("owner", "me"), List.of(web),
            List.of(ImageManifest.parse(imageManifest)), id -> imageManifest);
    }

    @Test
    void aPodWithANetworkOfItsOwnGetsItsKeyItsTableAndAnOptionalServiceByDefault() throws Exception {
        PodMetadata m = prepare(MetadataMode.AUTO, false);
        assertNotNull(m);
        assertNotNull(PodKeys.read(dirs, uuid));
        String table = Files.readString(pod.resolve(PodMetadata.RESOURCES));
        assertTrue(table.contains("get /acMetadata/v1/apps/web/image/id " + PlanWriter.encode("text/plain; charset=us-ascii") + " sha512-abc"),
            table);
        PlanWriter plan = new PlanWriter();
        m.planLine(plan);
        assertEquals("metadata optional 169.254.169.255 18112 metadata-resources " + PodKeys.dir(dirs).toAbsolutePath() + "\n", plan.text());
        assertNull(PodMetadata.status(pod), "it has not run");
        Files.writeString(pod.resolve(PodMetadata.STATUS), "http://169.254.169.255:18112");
        assertEquals("http://169.254.169.255:18112", PodMetadata.status(pod));
    }

    @Test
    void mdsRegisterMakesTheServiceRequired() throws Exception {
        PlanWriter plan = new PlanWriter();
        prepare(MetadataMode.REQUIRED, false).planLine(plan);
        assertTrue(plan.text().startsWith("metadata required "), plan.text());
    }

    @Test
    void withTheHostsNetworkThePodRunsWithoutAndStatusSaysWhyButAskingForItFailsInOneLine() throws Exception {
        assertNull(prepare(MetadataMode.AUTO, true));
        assertNull(PodKeys.read(dirs, uuid), "no service, no key");
        assertEquals("unavailable: " + PodMetadata.HOST_NETWORK, PodMetadata.status(pod));
        JrktException e = assertThrows(JrktException.class, () -> PodMetadata.check(MetadataMode.REQUIRED, true));
        assertEquals("--mds-register: " + PodMetadata.HOST_NETWORK, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aStage1ThatServesNoneGivesNoneAndAskingForItFailsNamingTheStage1() throws Exception {
        stage1(false);
        assertNull(prepare(MetadataMode.AUTO, false));
        assertTrue(PodMetadata.status(pod).startsWith("unavailable: stage1 example.com/stage1 does not serve one"), PodMetadata.status(pod));
        Files.delete(pod.resolve(PodMetadata.DISABLED));
        JrktException e = assertThrows(JrktException.class, () -> prepare(MetadataMode.REQUIRED, false));
        assertTrue(e.getMessage().startsWith("--mds-register: stage1 example.com/stage1 does not serve one"), e.getMessage());
    }

    @Test
    void aPodPreparedByAnEarlierJrktStillSaysWhyItHasNone() throws Exception {
        // its reason in metadata/disabled, before the pod's files moved out of a metadata/ of their own
        Files.createDirectories(pod.resolve("metadata"));
        Files.writeString(pod.resolve("metadata/disabled"), "disabled (--mds-register=false)\n");
        assertEquals("disabled (--mds-register=false)", PodMetadata.status(pod));
        Files.writeString(pod.resolve(PodMetadata.STATUS), "http://169.254.169.255:18112\n");
        assertEquals("http://169.254.169.255:18112", PodMetadata.status(pod), "what stage1 wrote when it ran comes first");
    }

    @Test
    void mdsRegisterFalseGivesNoServiceAndNoKey() throws Exception {
        assertNull(prepare(MetadataMode.OFF, false));
        assertNull(PodKeys.read(dirs, uuid));
        assertFalse(Files.exists(pod.resolve(PodMetadata.RESOURCES)));
        assertEquals("disabled (--mds-register=false)", PodMetadata.status(pod));
    }
}
