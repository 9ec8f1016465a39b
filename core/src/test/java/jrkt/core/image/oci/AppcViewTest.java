package jrkt.core.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jrkt.core.image.aci.ImageManifest;
import org.junit.jupiter.api.Test;

class AppcViewTest {
    private static ImageManifest view(String config, Integer primaryGid) {
        String json = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{" + config + "},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        OciConfig c = OciConfig.parse(json.getBytes(StandardCharsets.UTF_8), "image x");
        return ImageManifest.parse(AppcView.manifest("docker.io/library/x", "1.0", c, "docker.io/library/x:1.0",
            "sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64), user -> primaryGid));
    }

    @Test
    void entrypointAndCmdMakeExecAndTheRestMapsToTheAppcApp() {
        ImageManifest m = view("\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hi\"],\"Env\":[\"A=1\",\"B=x=y\"],"
            + "\"WorkingDir\":\"/srv\",\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/var/lib/data\":{}},"
            + "\"Labels\":{\"org.example.Team\":\"blue\"}", null);
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), m.app().exec());
        assertEquals(List.of(new ImageManifest.EnvVar("A", "1"), new ImageManifest.EnvVar("B", "x=y")), m.app().environment());
        assertEquals("/srv", m.app().workingDirectory());
        assertEquals(List.of("80-tcp", "53-udp"), m.app().ports().stream().map(ImageManifest.Port::name).toList());
        assertEquals(53, m.app().ports().get(1).port());
        assertEquals(new ImageManifest.MountPoint("volume-var-lib-data", "/var/lib/data", false), m.app().mountPoints().get(0));
        assertEquals("blue", m.annotations().get("org.example.team"));
        assertEquals("aarch64", m.labels().get("arch"));
        assertEquals("1.0", m.version());
    }

    @Test
    void userForms() {
        assertEquals(List.of("0", "0"), userGroup(view("", null)));
        assertEquals(List.of("1000", "50"), userGroup(view("\"User\":\"1000:50\"", 7)));
        assertEquals(List.of("www", "33"), userGroup(view("\"User\":\"www\"", 33)));
        assertEquals(List.of("www", "0"), userGroup(view("\"User\":\"www\"", null)));
        assertEquals(List.of("www", "staff"), userGroup(view("\"User\":\"www:staff\"", 33)));
    }

    private static List<String> userGroup(ImageManifest m) { return List.of(m.app().user(), m.app().group()); }
}
