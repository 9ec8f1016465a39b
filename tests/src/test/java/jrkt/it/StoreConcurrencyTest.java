package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several jrkt processes on one store at once, and a jrkt killed in the middle of an import. */
class StoreConcurrencyTest {
    @TempDir Path tmp;

    @Test
    void parallelFetchRemoveAndGcLeaveAConsistentStore() throws Exception {
        Jrkt jrkt = new Jrkt(tmp.resolve("data"));
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            images.add(AciBuilder.busybox("example.com/race" + i, "1.0", "/bin/true").write(tmp.resolve("race" + i + ".aci")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Jrkt.Result>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < images.size(); i++) {
                    Path aci = images.get(i);
                    String name = "example.com/race" + i;
                    results.add(pool.submit(() -> jrkt.run("fetch", aci.toString())));
                    results.add(pool.submit(() -> jrkt.run("image", "rm", name)));
                }
                results.add(pool.submit(() -> jrkt.run("image", "gc", "--grace-period=0s")));
            }
            for (Future<Jrkt.Result> f : results) {
                Jrkt.Result r = f.get(10, TimeUnit.MINUTES);
                // rm of an image another process just removed, or not yet fetched, fails cleanly; nothing else may.
                assertTrue(r.exitCode() == 0 || r.exitCode() == 254, r.toString());
                if (r.exitCode() == 254) assertEquals(1, r.stderr().strip().lines().count(), r.toString());
            }
        } finally {
            pool.shutdownNow();
        }
        // Every image listed is whole: its manifest reads and its blob exports and imports again.
        for (String id : jrkt.run("image", "list", "--no-legend", "--full", "--fields=id").expectSuccess().out().lines().toList()) {
            jrkt.run("image", "cat-manifest", id.strip()).expectSuccess();
            Path out = tmp.resolve("export-" + id.strip().substring(7, 20) + ".aci");
            jrkt.run("image", "export", id.strip(), out.toString()).expectSuccess();
            assertTrue(Files.size(out) > 0);
        }
        // A last fetch of every image works and they all list.
        for (Path aci : images) jrkt.run("fetch", aci.toString()).expectSuccess();
        assertEquals(3, jrkt.run("image", "list", "--no-legend").expectSuccess().out().lines().count());
    }

    @Test
    void killDuringImportLeavesNoImageAndTheNextCommandCleansUp() throws Exception {
        Path data = tmp.resolve("data");
        Jrkt jrkt = new Jrkt(data);
        Path aci = AciBuilder.busybox("example.com/killed", "1.0", "/bin/true").write(tmp.resolve("killed.aci"));
        byte[] bytes = Files.readAllBytes(aci);
        // A FIFO lets the test hold the import in the middle: half the archive, then nothing.
        Path fifo = tmp.resolve("slow.aci");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        Process fetch = new ProcessBuilder(Jrkt.LAUNCHER.toString(), "--dir=" + data, "fetch", fifo.toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("fetch.log").toFile()).start();
        try (OutputStream w = Files.newOutputStream(fifo)) {
            w.write(bytes, 0, bytes.length / 2);
            w.flush();
            Path casTmp = data.resolve("cas/tmp");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (countFiles(casTmp) == 0 && System.nanoTime() < deadline && fetch.isAlive()) Thread.sleep(20);
            assertTrue(fetch.isAlive(), "fetch ended early: " + Files.readString(tmp.resolve("fetch.log")));
            assertTrue(countFiles(casTmp) > 0, "the import never started writing to cas/tmp");
            fetch.destroyForcibly(); // SIGKILL: the launcher exec'd java, so this is the jrkt process itself
            fetch.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException brokenPipe) {
            // the reader died while we wrote: that is the point
        } finally {
            fetch.destroyForcibly();
        }

        assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out());
        assertEquals(0, countFiles(data.resolve("cas/tmp")), "the next command should remove a killed import's leftovers");
        assertEquals(0, countFiles(data.resolve("cas/blobs/sha512")));
        // and the image imports fine afterwards
        jrkt.run("fetch", aci.toString()).expectSuccess();
        assertEquals(1, jrkt.run("image", "list", "--no-legend").expectSuccess().out().lines().count());
    }

    static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }
}
