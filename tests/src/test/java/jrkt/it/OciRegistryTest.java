package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.OciLayoutBuilder.Layer;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI images from a real registry (Debian's docker-registry on a free port of 127.0.0.1), pushed
 * there by skopeo from layouts built here: busybox in the bottom layer, a whiteout and an opaque
 * directory above, and a manifest list of two platforms.
 */
class OciRegistryTest {
    @TempDir Path tmp;
    PodEnv env;
    TestRegistry registry;
    Path layout;
    String appDescriptor;

    static final String CONFIG = "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hello from oci; ls /data; ls /opaque; echo $GREETING; pwd\"],"
        + "\"Env\":[\"PATH=/usr/bin:/bin\",\"GREETING=hi there\"],\"WorkingDir\":\"/data\",\"ExposedPorts\":{\"80/tcp\":{}},"
        + "\"Volumes\":{\"/var/lib/data\":{}},\"Labels\":{\"org.example.team\":\"blue\"}";

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        registry = TestRegistry.anonymous(tmp.resolve("registry"));
        layout = tmp.resolve("layout");
        OciLayoutBuilder b = new OciLayoutBuilder(layout);
        Layer base = Layer.busybox().dir("data").file("data/keep.txt", "keep\n").file("data/remove-me.txt", "gone\n")
            .dir("opaque").file("opaque/old.txt", "old\n");
        Layer middle = new Layer().dir("data").file("data/.wh.remove-me.txt", "").dir("opaque").file("opaque/.wh..wh..opq", "")
            .file("opaque/new.txt", "new\n");
        Layer top = new Layer().dir("etc").file("etc/motd", "layer three\n");
        appDescriptor = b.image(new OciLayoutBuilder.Image("amd64", List.of(base, middle, top), CONFIG));
        String arm = b.image(new OciLayoutBuilder.Image("arm64", List.of(base, new Layer().file("arch", "arm64\n")), CONFIG));
        String multi = b.index(List.of(OciLayoutBuilder.withPlatform(appDescriptor, "amd64"), OciLayoutBuilder.withPlatform(arm, "arm64")));
        b.tags(List.of("1.2", "multi"), List.of(appDescriptor, multi));
    }

    @AfterEach
    void tearDown() {
        env.close();
        registry.close();
    }

    private static void assertOneLineError(Jrkt.Result r, String... mentions) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        for (String m : mentions) assertTrue(err.contains(m), "expected '" + m + "' in: " + err);
    }

    @Test
    void aPulledImageRunsWithItsLayersStackedWhiteoutsHonouredAndItsConfigAsTheApp() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        String ref = "docker://" + registry.host() + "/team/app:1.2";
        String id = env.run("--insecure-options=http", "fetch", ref).expectSuccess().out();
        assertTrue(id.matches("sha256-[0-9a-f]{64}"), id);

        Jrkt.Result run = env.run("run", id).expectSuccess();
        assertEquals(List.of("hello from oci", "keep.txt", "new.txt", "hi there", "/data"), run.out().lines().toList());

        String list = env.run("image", "list", "--no-legend", "--fields=name,version").expectSuccess().out();
        assertTrue(list.contains("127.0.0.1_" + registry.port() + "/team/app  1.2"), list);
        String manifest = env.run("image", "cat-manifest", id).expectSuccess().out();
        for (String expected : List.of("\"/bin/sh\"", "\"GREETING\"", "\"workingDirectory\": \"/data\"", "\"80-tcp\"",
                "\"volume-var-lib-data\"", "\"org.example.team\"", "\"blue\"")) {
            assertTrue(manifest.contains(expected), expected + " in " + manifest);
        }
    }

    @Test
    void runAndPrepareFetchADockerReferenceThemselvesAndReuseTheStoredImage() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        String ref = "docker://" + registry.host() + "/team/app:1.2";
        Jrkt.Result run = env.run("--insecure-options=http", "run", ref, "--exec=/bin/cat", "--", "/etc/motd").expectSuccess();
        assertEquals("layer three", run.out());
        registry.close(); // from now on only the store can answer
        assertEquals("layer three", env.run("--insecure-options=http", "run", ref, "--exec=/bin/cat", "--", "/etc/motd").expectSuccess().out());
        assertOneLineError(env.run("--insecure-options=http", "fetch", ref), "team/app:1.2", "cannot connect");
    }

    @Test
    void aManifestListGivesTheHostsPlatformAndImagesSharingALayerStoreItOnce() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        registry.push(layout, "multi", "team/multi:1");
        Jrkt.Result fetched = env.run("--insecure-options=http", "fetch", "docker://" + registry.host() + "/team/app:1.2",
            "docker://" + registry.host() + "/team/multi:1").expectSuccess();
        List<String> ids = fetched.out().lines().toList();
        assertEquals(ids.get(0), ids.get(1), "the amd64 entry of the list is the same image");
        // base layer of the arm64 image is never fetched: three layers, three unpacked directories
        try (Stream<Path> layers = Files.list(env.data().resolve("cas/layers"))) {
            assertEquals(3, layers.count());
        }
    }

    @Test
    void aDigestReferencePinsTheManifest() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        String digest = OciLayoutBuilder.digestOf(appDescriptor);
        String id = env.run("--insecure-options=http", "fetch", "docker://" + registry.host() + "/team/app@" + digest).expectSuccess().out();
        assertTrue(id.startsWith("sha256-"), id);
        String wrong = "sha256:" + "0".repeat(64);
        assertOneLineError(env.run("--insecure-options=http", "fetch", "docker://" + registry.host() + "/team/app@" + wrong), "404");
    }

    @Test
    void aCorruptBlobIsRefusedAndNothingOfItIsKeptAndARetryReusesTheWholeLayers() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        String top = topLayerDigest();
        Path blob = registry.blobFile(top);
        byte[] good = Files.readAllBytes(blob);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x5a;
        Files.write(blob, bad);
        String ref = "docker://" + registry.host() + "/team/app:1.2";
        Jrkt.Result r = env.run("--insecure-options=http", "fetch", ref);
        assertOneLineError(r, "image " + ref, "layer 3 of 3");
        assertEquals("", env.run("image", "list", "--no-legend").expectSuccess().out());
        try (Stream<Path> t = Files.list(env.data().resolve("cas/tmp"))) {
            assertEquals(List.of(), t.toList(), "nothing half-stored");
        }
        try (Stream<Path> layers = Files.list(env.data().resolve("cas/layers"))) {
            assertEquals(2, layers.count(), "the two whole layers are kept for the retry");
        }

        Files.write(blob, good);
        env.run("--insecure-options=http", "fetch", ref).expectSuccess();
        // the stored image, by its appc name (the registry's ':' is '_' there) and version
        assertEquals("layer three", env.run("run", "127.0.0.1_" + registry.port() + "/team/app:1.2", "--exec=/bin/cat", "--", "/etc/motd")
            .expectSuccess().out());
    }

    @Test
    void imageRmAndGcKeepLayersAnotherImageStillUses() throws Exception {
        registry.push(layout, "1.2", "team/app:1.2");
        registry.push(layout, "multi", "team/multi:1");
        OciLayoutBuilder other = new OciLayoutBuilder(tmp.resolve("other"));
        String d = other.image(new OciLayoutBuilder.Image("amd64", List.of(Layer.busybox().dir("data").file("data/keep.txt", "keep\n")
            .file("data/remove-me.txt", "gone\n").dir("opaque").file("opaque/old.txt", "old\n"), new Layer().file("other", "x\n")), CONFIG));
        other.tags(List.of("1"), List.of(d));
        String a = env.run("--insecure-options=http", "fetch", "docker://" + registry.host() + "/team/app:1.2").expectSuccess().out();
        String b = env.run("fetch", "oci-layout:" + tmp.resolve("other") + ":1").expectSuccess().out();
        assertFalse(a.equals(b));
        env.run("image", "rm", a).expectSuccess();
        env.run("image", "gc", "--grace-period=1h").expectSuccess(); // b is recent: only what no image lists goes
        assertEquals("x", env.run("run", b, "--exec=/bin/cat", "--", "/other").expectSuccess().out());
        assertEquals("keep", env.run("run", b, "--exec=/bin/cat", "--", "/data/keep.txt").expectSuccess().out());
        try (Stream<Path> layers = Files.list(env.data().resolve("cas/layers"))) {
            assertEquals(2, layers.count(), "the shared base layer and b's own");
        }
    }

    private String topLayerDigest() throws IOException {
        String manifest = Files.readString(layout.resolve("blobs/sha256/" + OciLayoutBuilder.digestOf(appDescriptor).substring(7)));
        int at = manifest.lastIndexOf("\"digest\":\"") + 10;
        return manifest.substring(at, manifest.indexOf('"', at));
    }
}
