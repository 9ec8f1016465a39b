package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a small tmpfs (mounted by the test in its own temp dir) filled to the last byte,
 * by fetches and by a pod: image rm, image gc, rm and gc still work and free space, image list
 * still lists; every other command that needs space says so in one line and changes nothing.
 */
class FullDiskTest {
    static final String IMAGE = "example.com/shell";

    @TempDir Path tmp;
    Path small;
    Jrkt jrkt;
    String noSpace;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        small = Files.createDirectory(tmp.resolve("small"));
        sh("mount -t tmpfs -o size=24m jrkt-test-small " + small);
        jrkt = new Jrkt(small.resolve("data"));
        // what this test fills is the last MiB, not the space images keep free by default (limit min-free-space)
        Path config = Files.createDirectories(small.resolve("data/etc"));
        Files.writeString(config.resolve("limits.json"), "{\"min-free-space\": \"0\"}");
        noSpace = "jrkt: no space left on " + small.resolve("data") + " (free some with jrkt image gc)";
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            jrkt.run("gc", "--grace-period=0s");
            Path pods = small.resolve("data/pods");
            if (Files.isDirectory(pods)) {
                try (Stream<Path> all = Files.walk(pods, 2)) {
                    for (Path p : all.filter(p -> p.getNameCount() == pods.getNameCount() + 2).toList()) {
                        jrkt.run("rm", p.getFileName().toString());
                    }
                }
            }
        } finally {
            Mounts.detachAllUnder(small);
        }
    }

    static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), command);
    }

    /** An image of 3 MiB that does not compress: each one takes its full size in the store. */
    Path bigImage(int n) throws Exception {
        byte[] noise = new byte[3 << 20];
        new Random(n).nextBytes(noise);
        return AciBuilder.named("example.com/big-" + n).label("version", "1.0").dir("rootfs", 0755)
            .file("rootfs/noise", noise, 0644).write(tmp.resolve("big-" + n + ".aci"));
    }

    void assertNoSpace(Jrkt.Result r) {
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals(noSpace, r.stderr().strip(), r.toString());
    }

    /** Fetches big images until one fails; returns the IDs stored. */
    List<String> fillWithImages() throws Exception {
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Jrkt.Result fetch = jrkt.run("fetch", bigImage(i).toString());
            if (fetch.exitCode() != 0) {
                // refused before it starts (the image does not fit in what is left) or on the full disk
                if (!fetch.stderr().contains("not enough free space on " + small.resolve("data/cas"))) assertNoSpace(fetch);
                assertEquals(254, fetch.exitCode(), fetch.toString());
                assertEquals(1, fetch.stderr().strip().lines().count(), fetch.toString());
                // what no image fits in any more, a file of the host's fills: the disk is full now
                sh("head -c 100000000 /dev/zero > " + small.resolve("filler-" + System.nanoTime()) + " 2>/dev/null; true");
                return stored;
            }
            stored.add(fetch.out());
        }
        throw new AssertionError("the disk never filled up");
    }

    @Test
    void aDiskFilledByFetchesIsFreedByImageRmAndImageGcWhileOtherCommandsRefuse() throws Exception {
        jrkt.run("fetch", AciBuilder.busybox(IMAGE, "1.0", "/bin/sh").write(tmp.resolve("shell.aci")).toString()).expectSuccess();
        List<String> big = fillWithImages();
        assertTrue(big.size() >= 2, "a few images fit: " + big);
        try (Stream<Path> staged = Files.list(small.resolve("data/cas/tmp"))) {
            assertEquals(List.of(), staged.toList(), "the failed fetch left nothing behind");
        }

        // what fills the disk is listed, to choose what to remove: a listing writes nothing
        String listed = jrkt.run("image", "list", "--no-legend", "--full", "--fields=id").expectSuccess().stdout();
        for (String id : big) assertTrue(listed.contains(id), id + " is listed on the full disk: " + listed);
        assertNoSpace(jrkt.run("run", IMAGE, "--exec=/bin/true"));
        assertNoSpace(jrkt.run("prepare", IMAGE));
        assertEquals(List.of(), podDirs(), "no pod was started");

        Jrkt.Result rm = jrkt.run("image", "rm", big.getFirst());
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("removed " + big.getFirst(), rm.out());
        assertTrue(jrkt.run("image", "list").expectSuccess().stdout().contains(IMAGE), "the store works again");

        fillWithImages();
        Jrkt.Result gc = jrkt.run("image", "gc", "--grace-period=0s");
        assertEquals(0, gc.exitCode(), gc.toString());
        assertTrue(gc.stdout().contains("removed image"), gc.toString());
        jrkt.run("fetch", tmp.resolve("shell.aci").toString()).expectSuccess();
        assertEquals("ok", jrkt.run("run", IMAGE, "--exec=/bin/echo", "--", "ok").expectSuccess().out());
    }

    @Test
    void aDiskFilledByAPodIsFreedByGcAndRm() throws Exception {
        jrkt.run("fetch", AciBuilder.busybox(IMAGE, "1.0", "/bin/sh").write(tmp.resolve("shell.aci")).toString()).expectSuccess();
        Path uuidFile = tmp.resolve("uuid");
        // the app writes until ENOSPC: run still exits with the app's status, not stage1's 254,
        // even where stage1 cannot record it
        Jrkt.Result filled = jrkt.run("run", "--uuid-file-save=" + uuidFile, IMAGE, "--exec=/bin/sh", "--", "-c",
            "head -c 100000000 /dev/zero > /big; exit 7");
        assertEquals(7, filled.exitCode(), filled.toString());
        assertTrue(jrkt.run("image", "list").expectSuccess().stdout().contains(IMAGE), "listed on the full disk");
        assertNoSpace(jrkt.run("run", IMAGE, "--exec=/bin/true"));

        Jrkt.Result gc = jrkt.run("gc", "--grace-period=0s");
        assertEquals(0, gc.exitCode(), gc.toString());
        assertEquals(List.of(), podDirs(), "gc removed the pod that filled the disk");
        assertTrue(jrkt.run("image", "list").expectSuccess().stdout().contains(IMAGE));

        jrkt.run("run", "--uuid-file-save=" + uuidFile, IMAGE, "--exec=/bin/sh", "--", "-c", "head -c 100000000 /dev/zero > /big");
        Jrkt.Result rm = jrkt.run("rm", Files.readString(uuidFile).strip());
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("ok", jrkt.run("run", IMAGE, "--exec=/bin/echo", "--", "ok").expectSuccess().out());
    }

    List<String> podDirs() throws Exception {
        Path pods = small.resolve("data/pods");
        if (!Files.isDirectory(pods)) return List.of();
        try (Stream<Path> all = Files.walk(pods, 2)) {
            return all.filter(p -> p.getNameCount() == pods.getNameCount() + 2).map(Path::toString).toList();
        }
    }
}
