package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependency graphs that fan out and repeat: an image with 10,000 dependencies on one image that
 * has 10,000 dependencies of its own is 100,000,000 paths through the graph but three images, and
 * runs as such; a graph of more distinct images than max-dependencies is refused in one line.
 */
class DependencyFanOutTest {
    @TempDir Path tmp;

    @Test
    void tenThousandTimesTenThousandDependenciesRunAsThreeImages() throws IOException {
        Jrkt jrkt = new Jrkt(tmp.resolve("data"));
        AciBuilder base = AciBuilder.busybox("example.com/c", "1");
        AciBuilder middle = AciBuilder.named("example.com/b").label("version", "1").dir("rootfs", 0755);
        for (int i = 0; i < 10_000; i++) middle.dependency("example.com/c", null);
        AciBuilder top = AciBuilder.named("example.com/a").label("version", "1").dir("rootfs", 0755)
            .app(new String[] {"/bin/sh", "-c", "echo fan-out ok"}, "0", "0");
        for (int i = 0; i < 10_000; i++) top.dependency("example.com/b", null);
        for (AciBuilder image : new AciBuilder[] {base, middle, top}) {
            jrkt.run("fetch", image.write(tmp.resolve(image.hashCode() + ".aci")).toString()).expectSuccess();
        }
        Jrkt.Result run = jrkt.run("run", "--net=none", "example.com/a");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("fan-out ok"), run.stdout());
        jrkt.run("gc", "--grace-period=0s").expectSuccess();
    }

    @Test
    void moreDistinctImagesThanTheLimitAreRefusedInOneLine() throws IOException {
        Jrkt jrkt = new Jrkt(tmp.resolve("data"));
        for (int i = 0; i < 5; i++) {
            AciBuilder image = AciBuilder.named("example.com/n" + i).label("version", "1").dir("rootfs", 0755)
                .file("rootfs/from-n" + i, "n" + i);
            if (i < 4) image.dependency("example.com/n" + (i + 1), null);
            jrkt.run("fetch", image.write(tmp.resolve("n" + i + ".aci")).toString()).expectSuccess();
        }
        Jrkt.Result render = jrkt.run("--limit", "max-dependencies=3", "image", "render", "example.com/n0", tmp.resolve("out").toString());
        assertEquals(254, render.exitCode(), render.toString());
        String err = render.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("jrkt: image example.com/n0 (sha512-") && err.endsWith(
            "its dependencies hold more than 3 distinct images (limit max-dependencies)"), err);
        assertEquals(java.util.List.of(), ImageLimitsTest.list(tmp.resolve("data/cas/trees")));
        jrkt.run("image", "render", "example.com/n0", tmp.resolve("out").toString()).expectSuccess();
        jrkt.run("image", "gc", "--grace-period=0s").expectSuccess();
    }
}
