package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.AciBuilder.Entry;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile ACIs through the real CLI: each is refused with one clear line and exit 254, nothing
 * lands outside the store, and the store lists no image and keeps no rendered tree of it.
 */
class MaliciousArchivesTest {
    @TempDir Path tmp;

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Each case gets the absolute path of the sentinel directory that must stay empty. */
    static Stream<Arguments> hostile() {
        return Stream.of(
            hostile("dot-dot at top", out -> base().entry(file("../outside/evil"))),
            hostile("dot-dot under rootfs", out -> base().entry(file("rootfs/../../outside/evil"))),
            hostile("absolute name", out -> base().entry(file(out + "/evil"))),
            hostile("symlink then write through it", out -> base().symlink("rootfs/escape", out.toString()).entry(file("rootfs/escape/evil"))),
            hostile("relative symlink out then write through it", out -> base().symlink("rootfs/up", "../../../../../../../../" + out)
                .entry(file("rootfs/up/evil"))),
            hostile("symlink to parent then write through it", out -> base().symlink("rootfs/up", "..").entry(file("rootfs/up/up/evil"))),
            hostile("hardlink to a host file", out -> base().hardlink("rootfs/passwd", "../../../../../../etc/passwd")),
            hostile("hardlink to an absolute host file", out -> base().hardlink("rootfs/shadow", "/etc/shadow")),
            hostile("duplicate entry", out -> base().file("rootfs/a", "one").file("rootfs/a", "two")),
            hostile("entry beside manifest and rootfs", out -> base().file("notrootfs/x", "x")),
            hostile("manifest that is not JSON", out -> base().rawManifest("this is { not json")),
            hostile("manifest of the wrong kind", out -> base().rawManifest("{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"name\":\"x\"}")),
            hostile("rootfs that is a file", out -> AciBuilder.named("example.com/hostile").file("rootfs", "I am a file"))
        );
    }

    static Arguments hostile(String what, Function<Path, AciBuilder> image) { return Arguments.of(what, image); }

    static Entry file(String name) { return new Entry(name, 'f', bytes("x"), null, 0644, 0, 0); }

    static AciBuilder base() {
        return AciBuilder.named("example.com/hostile").label("version", "1").dir("rootfs", 0755).file("rootfs/ok", "fine");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusedWithoutLeavingAnything(String what, Function<Path, AciBuilder> image) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path data = tmp.resolve("data");
        Path aci = image.apply(outside).write(Files.createDirectories(tmp.resolve("in")).resolve("hostile.aci"));
        Jrkt jrkt = new Jrkt(data);

        Jrkt.Result fetch = jrkt.run("fetch", aci.toString());
        if (fetch.exitCode() == 0) {
            // Accepted into the store: rendering it must then refuse, and keep no half-made tree.
            Jrkt.Result render = jrkt.run("image", "render", "example.com/hostile", tmp.resolve("rendered").toString());
            assertEquals(254, render.exitCode(), what + ": render should fail\n" + render);
            assertOneLine(render.stderr(), what);
            assertEquals(0, countFiles(data.resolve("cas/trees")), what + ": a tree was left behind");
        } else {
            assertEquals(254, fetch.exitCode(), what + ": " + fetch);
            assertOneLine(fetch.stderr(), what);
            assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out(), what + ": image listed after refusal");
        }

        assertEquals(0, countFiles(outside), what + ": something was written outside the store");
        assertFalse(Files.exists(tmp.resolve("evil")), what);
        assertTrue(Files.readString(Path.of("/etc/passwd")).startsWith("root:"), what + ": host passwd touched");
        assertEquals(0, countFiles(data.resolve("cas/tmp")), what + ": import leftovers in cas/tmp");
    }

    static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }

    private static void assertOneLine(String stderr, String what) {
        String s = stderr.strip();
        assertFalse(s.isEmpty(), what + ": no error message");
        assertEquals(1, s.lines().count(), what + ": error should be one line: " + s);
        assertTrue(s.startsWith("jrkt: "), what + ": " + s);
    }
}
