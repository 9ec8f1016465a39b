package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.OciLayoutBuilder.Layer;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** oci-layout:, oci-archive: and docker-archive: (the last two written by skopeo from a layout built here). */
class OciArchivesTest {
    @TempDir Path tmp;
    PodEnv env;
    Path layout;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        layout = tmp.resolve("layout");
        OciLayoutBuilder b = new OciLayoutBuilder(layout);
        String d = b.image(new OciLayoutBuilder.Image("amd64", List.of(Layer.busybox().dir("data").file("data/a", "a\n"),
            new Layer().dir("data").file("data/.wh.a", "").file("data/b", "b\n")),
            "\"Cmd\":[\"/bin/ls\",\"/data\"],\"User\":\"user\""));
        b.tags(List.of("v1"), List.of(d));
    }

    @AfterEach
    void tearDown() { env.close(); }

    private void skopeo(String from, String to) throws Exception {
        Process p = new ProcessBuilder("skopeo", "copy", "--quiet", from, to).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    @Test
    void theSameImageFromALayoutAnOciArchiveAndADockerArchiveIsOneImage() throws Exception {
        skopeo("oci:" + layout + ":v1", "oci-archive:" + tmp.resolve("image.tar") + ":v1");
        skopeo("oci:" + layout + ":v1", "docker-archive:" + tmp.resolve("docker.tar") + ":example.org/team/tool:2.0");
        String fromDocker = env.run("fetch", "docker-archive:" + tmp.resolve("docker.tar")).expectSuccess().out();
        String fromLayout = env.run("fetch", "oci-layout:" + layout + ":v1").expectSuccess().out();
        String fromArchive = env.run("fetch", "oci-archive:" + tmp.resolve("image.tar") + ":v1").expectSuccess().out();
        assertEquals(fromLayout, fromArchive);
        assertEquals(fromLayout, fromDocker, "one config, one image ID, whatever the transport");

        // the whiteout holds, and User "user" runs as uid 1000 with its primary group 1001 from /etc/passwd
        assertEquals("b", env.run("run", fromDocker).expectSuccess().out());
        assertEquals("1000 1001", env.run("run", fromDocker, "--exec=/bin/sh", "--", "-c", "echo $(id -u) $(id -g)").expectSuccess().out());
        String names = env.run("image", "list", "--no-legend", "--fields=name,version").expectSuccess().out();
        // the first fetch named it (an image has one name in the store)
        assertTrue(names.contains("example.org/team/tool") && names.contains("2.0"), names);
    }

    @Test
    void anExportedOciImageIsAFlatAciThatJrktRunsAgain() throws Exception {
        String id = env.run("fetch", "oci-layout:" + layout + ":v1").expectSuccess().out();
        Path aci = tmp.resolve("flat.aci");
        env.run("image", "export", id, aci.toString()).expectSuccess();
        Jrkt other = new Jrkt(tmp.resolve("other-data"));
        String aciId = other.run("fetch", aci.toString()).expectSuccess().out();
        assertTrue(aciId.startsWith("sha512-"), aciId);
        assertEquals("b", other.run("run", aciId).expectSuccess().out());
    }

    @Test
    void anImageOfMoreLayersThanAnOverlayMountTakesRunsWithItsBottomLayersMerged() throws Exception {
        Path deep = tmp.resolve("deep");
        OciLayoutBuilder b = new OciLayoutBuilder(deep);
        List<Layer> layers = new java.util.ArrayList<>(List.of(Layer.busybox().file("f", "0\n")));
        for (int i = 1; i < 45; i++) {
            Layer l = new Layer().file("f", i + "\n").file("f" + i, "here\n");
            if (i == 3) l.file(".wh.f2", ""); // a whiteout inside the merged part
            layers.add(l);
        }
        b.tags(List.of("1"), List.of(b.image(new OciLayoutBuilder.Image("amd64", layers, "\"Cmd\":[\"/bin/cat\",\"/f\"]"))));
        String id = env.run("fetch", "oci-layout:" + deep + ":1").expectSuccess().out();
        assertEquals("44", env.run("run", id).expectSuccess().out());
        assertEquals("here\nhere", env.run("run", id, "--exec=/bin/cat", "--", "/f1", "/f44").expectSuccess().out());
        assertEquals("1", env.run("run", id, "--exec=/bin/sh", "--", "-c", "test -e /f2; echo $?").expectSuccess().out());
        String uuid = env.run("prepare", id).expectSuccess().out();
        String plan = Files.readString(env.podDir(uuid).resolve("plan"));
        assertEquals(40, plan.lines().filter(line -> line.startsWith("image ")).count(), plan);
    }

    @Test
    void preparingAPodOfAStoredOciImageLoadsNoHttpRegistryOrOpenPgpClass() throws Exception {
        String id = env.run("fetch", "oci-layout:" + layout + ":v1").expectSuccess().out();
        Path log = tmp.resolve("classes.log");
        env.jrkt().withEnv("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log).run("prepare", id).expectSuccess();
        String loaded = Files.readString(log);
        assertTrue(loaded.contains("jrkt.core.store.LayerStore"), "the log names the classes loaded");
        for (String absent : List.of("java.net.http.", "org.bouncycastle.", "jrkt.core.image.fetch.RegistryClient",
                "jrkt.core.trust.", "javax.net.ssl.SSLContext ")) {
            assertFalse(loaded.contains(absent), absent + " was loaded");
        }
    }

    @Test
    void aMissingTagOrLayoutIsOneLineNamingIt() throws Exception {
        Jrkt.Result r = env.run("fetch", "oci-layout:" + layout + ":v2");
        assertEquals(254, r.exitCode());
        assertTrue(r.stderr().contains("no image tagged \"v2\"") && r.stderr().contains("v1"), r.stderr());
        r = env.run("fetch", "oci-layout:" + tmp.resolve("nowhere"));
        assertEquals(254, r.exitCode());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        Files.writeString(tmp.resolve("junk.tar"), "not a tar at all, not at all, not even close to one");
        r = env.run("fetch", "docker-archive:" + tmp.resolve("junk.tar"));
        assertEquals(254, r.exitCode());
        assertTrue(r.stderr().contains("junk.tar"), r.stderr());
    }
}
