package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    static final byte[] BUSYBOX = readBusybox();

    @TempDir Path tmp;
    Path data;
    Store store;

    static byte[] readBusybox() {
        try {
            return Files.readAllBytes(Path.of("/bin/busybox"));
        } catch (IOException e) {
            throw new IllegalStateException("these tests need /bin/busybox (Debian busybox-static)", e);
        }
    }

    @BeforeEach
    void open() throws IOException {
        data = tmp.resolve("data");
        store = Store.open(data);
    }

    @AfterEach
    void close() { store.close(); }

    private ImageInfo imp(TestAci aci, String file) throws IOException {
        Path p = aci.write(tmp.resolve(file));
        return store.importAci(p, p.toUri().toString());
    }

    private TestAci base() {
        return TestAci.named("example.com/base").version("1.0").label("os", "linux")
                .dir("bin").executable("bin/busybox", BUSYBOX).symlink("bin/sh", "busybox")
                .dir("etc").file("etc/os-release", "ID=base\n").file("etc/motd", "base motd\n")
                .dir("opt").file("opt/junk", "junk\n");
    }

    private Set<String> blobNames() throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("cas/blobs/sha512"))) {
            return s.map(p -> "sha512-" + p.getFileName()).collect(Collectors.toSet());
        }
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }

    // ---- import -------------------------------------------------------------------------

    @Test
    void aReadingOpenListsWithoutMakingWhatOnlyWritersNeedAndAWritingOpenMakesIt() throws IOException {
        ImageInfo image = imp(base(), "b.aci");
        store.close();
        Files.delete(data.resolve("cas/reserve"));
        for (String dir : List.of("tmp", "trees", "locks", "layers")) jrkt.core.fs.Trees.delete(data.resolve("cas").resolve(dir));
        store = Store.openToRead(data, jrkt.core.image.ImageLimits.DEFAULT);
        assertEquals(List.of(image.id()), store.listImages().stream().map(ImageInfo::id).toList(), "listed by a reader");
        for (String name : List.of("reserve", "tmp", "trees", "locks", "layers")) {
            assertFalse(Files.exists(data.resolve("cas").resolve(name)), name + " is a writer's to make");
        }
        store.close();
        store = Store.open(data);
        for (String name : List.of("reserve", "tmp", "trees", "locks", "layers")) {
            assertTrue(Files.exists(data.resolve("cas").resolve(name)), name + " made again by a writing open");
        }
        assertEquals(1, store.listImages().size());
    }

    @Test
    void aReadingOpenOfADirectoryWithNoStoreMakesOneAsAnyOpenDoes() throws IOException {
        Path other = tmp.resolve("other");
        try (Store fresh = Store.openToRead(other, jrkt.core.image.ImageLimits.DEFAULT)) {
            assertEquals(List.of(), fresh.listImages());
        }
        assertTrue(Files.isRegularFile(other.resolve("cas/db/index.sqlite")));
    }

    @Test
    void plainGzipAndZstdArchivesOfOneTarGiveOneImage() throws IOException {
        TestAci aci = base();
        ImageInfo plain = store.importAci(aci.write(tmp.resolve("b.aci")), null);
        ImageInfo gzip = store.importAci(aci.write(tmp.resolve("b.aci.gz"), TestAci.Packing.GZIP), null);
        ImageInfo zstd = store.importAci(aci.write(tmp.resolve("b.aci.zst"), TestAci.Packing.ZSTD), "https://example.com/b.aci");
        assertTrue(plain.id().matches("sha512-[0-9a-f]{128}"), plain.id());
        assertEquals(plain.id(), gzip.id());
        assertEquals(plain.id(), zstd.id());
        assertEquals(1, store.listImages().size());
        assertEquals("https://example.com/b.aci", store.listImages().get(0).sourceUrl());
        assertEquals(plain.importTime(), zstd.importTime(), "a re-import leaves the image unchanged");
        assertEquals(Files.size(tmp.resolve("b.aci")), plain.size());
        assertEquals(Set.of(plain.id()), blobNames());
        assertEquals(0, count(data.resolve("cas/tmp")));
    }

    @Test
    void theIdIsTheSha512OfTheUncompressedTar() throws Exception {
        Path plain = base().write(tmp.resolve("b.aci"));
        ImageInfo info = store.importAci(base().write(tmp.resolve("b.aci.gz"), TestAci.Packing.GZIP), null);
        String expected = "sha512-" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(plain)));
        assertEquals(expected, info.id());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(store.blob(info.id()))));
    }

    @Test
    void listShowsNameLabelsAndManifest() throws IOException {
        ImageInfo info = imp(base(), "b.aci");
        imp(TestAci.named("example.com/other").version("2"), "o.aci");
        List<ImageInfo> all = store.listImages();
        assertEquals(List.of("example.com/base", "example.com/other"), all.stream().map(ImageInfo::name).toList());
        assertEquals(Map.of("version", "1.0", "os", "linux"), all.get(0).labels());
        assertEquals(List.of("version", "os"), List.copyOf(all.get(0).labels().keySet()));
        assertEquals(info.importTime(), info.lastUsed());
        assertEquals("example.com/base", store.manifest(info.id()).name());
        assertEquals(base().manifest(), new String(store.manifestBytes(info.id()), StandardCharsets.UTF_8));
    }

    @Test
    void aBrokenArchiveIsRefusedNamingTheFileAndLeavesNothing() throws IOException {
        Path bad = tmp.resolve("bad.aci");
        Files.writeString(bad, "this is not a tar archive at all, not even close".repeat(40));
        JrktException e = assertThrows(JrktException.class, () -> store.importAci(bad, null));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        Path badManifest = TestAci.named("Not A Valid Name").write(tmp.resolve("badname.aci"));
        JrktException e2 = assertThrows(JrktException.class, () -> store.importAci(badManifest, null));
        assertTrue(e2.getMessage().contains(badManifest.toString()), e2.getMessage());
        assertEquals(List.of(), store.listImages());
        assertEquals(Set.of(), blobNames());
        assertEquals(0, count(data.resolve("cas/tmp")));
    }

    // ---- resolve ------------------------------------------------------------------------

    @Test
    void resolvesIdsPrefixesNamesVersionsAndLabels() throws IOException {
        ImageInfo v1 = imp(base(), "b1.aci");
        ImageInfo v2 = imp(TestAci.named("example.com/base").version("2.0").label("os", "linux").label("arch", "amd64")
                .dir("etc").file("etc/motd", "two\n"), "b2.aci");
        assertEquals(v1, store.resolve(v1.id()));
        assertEquals(v1, store.resolve(v1.id().substring(0, 20)));
        assertEquals(v2, store.resolve(v2.id().substring(7, 19)));
        assertEquals(v1, store.resolve("example.com/base:1.0"));
        assertEquals(v2, store.resolve("example.com/base:2.0"));
        assertEquals(v2, store.resolve("example.com/base"), "without a version, the latest import");
        assertEquals(v2, store.resolve("example.com/base,arch=amd64"));
        assertEquals(v1, store.resolve("example.com/base,version=1.0,os=linux"));
        JrktException missing = assertThrows(JrktException.class, () -> store.resolve("example.com/base:3.0"));
        assertEquals("image \"example.com/base:3.0\" not found in the store", missing.getMessage());
        assertThrows(JrktException.class, () -> store.resolve("example.com/base,arch=arm64"));
        assertThrows(JrktException.class, () -> store.resolve("sha512-" + "0".repeat(128)));
    }

    @Test
    void anAmbiguousIdPrefixSaysHowManyMatch() throws IOException {
        Map<Character, List<String>> byFirstDigit = new HashMap<>();
        for (int i = 0; i < 17; i++) { // 17 IDs over 16 hex digits: two must share the first
            ImageInfo info = imp(TestAci.named("example.com/many").version("v" + i), "m" + i + ".aci");
            byFirstDigit.computeIfAbsent(info.id().charAt(7), c -> new ArrayList<>()).add(info.id());
        }
        Map.Entry<Character, List<String>> shared = byFirstDigit.entrySet().stream()
                .filter(e -> e.getValue().size() > 1).findFirst().orElseThrow();
        JrktException e = assertThrows(JrktException.class, () -> store.resolve("sha512-" + shared.getKey()));
        assertTrue(e.getMessage().contains("ambiguous") && e.getMessage().contains(shared.getValue().size() + " images"),
                e.getMessage());
    }

    /**
     * Each jrkt command is a connection of its own, and each open reads the index's whole log:
     * the log must stay short however many commands write (it grew by every write before).
     */
    @Test
    void theIndexLogStaysShortAcrossCommandsThatEachWriteOnce() throws Exception {
        ImageInfo image = imp(base(), "base.aci");
        store.close();
        Path wal = data.resolve("cas/db/index.sqlite-wal");
        long longest = 0;
        Instant when = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 300; i++) {
            try (Store command = Store.open(data)) {
                command.markUsed(List.of(image.id()), when = when.plusSeconds(60));
            }
            longest = Math.max(longest, Files.size(wal));
        }
        assertTrue(longest <= (StoreIndex.WAL_PAGES + 8) * 4096L, "the log reached " + longest + " bytes");
        store = Store.open(data);
        assertEquals(when, store.resolve(image.id()).lastUsed(), "the last write is there after the log was emptied");
    }

    // ---- render -------------------------------------------------------------------------

    @Test
    void aLeaseMarksWhatItRenderedUsedWithItsDependenciesOncePerGranularity() throws Exception {
        ImageInfo base = imp(base(), "base.aci");
        ImageInfo app = imp(TestAci.named("example.com/app").version("1")
                .dependency("example.com/base", null, "version=1.0").file("motd", "hi\n"), "app.aci");
        ImageInfo other = imp(TestAci.named("example.com/other").file("x", "x"), "other.aci");
        // just imported: used "now" to within the granularity, so a lease writes nothing
        try (Lease lease = store.lease()) {
            lease.render(app.id());
            lease.markUsed();
        }
        assertEquals(app.lastUsed(), store.resolve(app.id()).lastUsed(), "no write for an image used within " + Lease.USE_GRANULARITY);
        // last used an hour ago: marked when the lease says, not at each render, with its dependency
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        store.markUsed(List.of(app.id(), base.id(), other.id()), hourAgo);
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // the index keeps milliseconds
        try (Lease lease = store.lease()) {
            lease.render(app.id());
            assertEquals(hourAgo.toEpochMilli(), store.resolve(app.id()).lastUsed().toEpochMilli(), "not at the render");
            lease.markUsed();
            assertFalse(store.resolve(app.id()).lastUsed().isBefore(before));
            assertFalse(store.resolve(base.id()).lastUsed().isBefore(before), "a dependency is used with its image");
            lease.render(other.id()); // after markUsed: the lease's end marks it
        }
        assertFalse(store.resolve(other.id()).lastUsed().isBefore(before));
    }

    @Test
    void rendersDependenciesFirstAndTheImageOverridesThem() throws Exception {
        imp(base(), "base.aci");
        ImageInfo app = imp(TestAci.named("example.com/app").version("1")
                .dependency("example.com/base", null, "version=1.0")
                .dir("etc").file("etc/motd", "app motd\n").dir("app").file("app/run", "#!/bin/sh\n"), "app.aci");
        RenderedTree tree = store.render(app.id());
        Path root = tree.rootfs();
        assertEquals("app motd\n", Files.readString(root.resolve("etc/motd")));
        assertEquals("ID=base\n", Files.readString(root.resolve("etc/os-release")));
        assertTrue(Files.exists(root.resolve("app/run")));
        assertEquals("busybox", Files.readSymbolicLink(root.resolve("bin/sh")).toString());
        Process p = new ProcessBuilder(root.resolve("bin/busybox").toString(), "echo", "rendered").start();
        assertEquals("rendered\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor());
        assertTrue(tree.treeId().startsWith("deps-"), tree.treeId());
        assertEquals(tree.hash(), Files.readString(root.getParent().resolve("hash")).strip());
        // rendered once: the second call returns the same tree untouched
        Files.writeString(root.resolve("marker"), "kept");
        RenderedTree again = store.render(app.id());
        assertEquals(tree.treeId(), again.treeId());
        assertTrue(Files.exists(again.rootfs().resolve("marker")));
    }

    @Test
    void aPathWhitelistDropsWhatItDoesNotName() throws IOException {
        imp(base(), "base.aci");
        ImageInfo slim = imp(TestAci.named("example.com/slim").version("1")
                .dependency("example.com/base", null)
                .whitelist("/bin/busybox", "/etc/motd", "/slim", "/unlisted-dir/")
                .file("slim", "slim\n").file("fat", "fat\n"), "slim.aci");
        Path root = store.render(slim.id()).rootfs();
        assertTrue(Files.isRegularFile(root.resolve("bin/busybox")));
        assertEquals("base motd\n", Files.readString(root.resolve("etc/motd")));
        assertEquals("slim\n", Files.readString(root.resolve("slim")));
        assertFalse(Files.exists(root.resolve("fat")));
        assertFalse(Files.exists(root.resolve("etc/os-release")));
        assertFalse(Files.exists(root.resolve("bin/sh"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("opt/junk")));
    }

    @Test
    void aDependencyWhoseIdDiffersFromTheManifestsImageIdIsAnError() throws IOException {
        imp(base(), "base.aci");
        String wrong = "sha512-" + "ab".repeat(64);
        ImageInfo app = imp(TestAci.named("example.com/pinned").version("1")
                .dependency("example.com/base", wrong).file("x", "x"), "pinned.aci");
        JrktException e = assertThrows(JrktException.class, () -> store.render(app.id()));
        assertTrue(e.getMessage().contains("example.com/base") && e.getMessage().contains(wrong), e.getMessage());
        ImageInfo missing = imp(TestAci.named("example.com/needs").dependency("example.com/absent", null).file("x", "x"), "n.aci");
        JrktException e2 = assertThrows(JrktException.class, () -> store.render(missing.id()));
        assertTrue(e2.getMessage().contains("example.com/absent") && e2.getMessage().contains("not found"), e2.getMessage());
        try (Stream<Path> s = Files.list(data.resolve("cas/trees"))) {
            assertEquals(List.of(), s.toList(), "a failed render leaves no tree");
        }
    }

    @Test
    void verifyFindsAChangedFileAndRepairRestoresIt() throws IOException {
        ImageInfo b = imp(base(), "base.aci");
        RenderedTree tree = store.render(b.id());
        TreeCheck clean = store.verifyTree(b.id(), false);
        assertTrue(clean.ok());
        assertEquals(tree.hash(), clean.actualHash());

        Files.writeString(tree.rootfs().resolve("etc/motd"), "tampered\n");
        TreeCheck bad = store.verifyTree(b.id(), false);
        assertFalse(bad.ok());
        assertFalse(bad.repaired());
        assertNotEquals(bad.expectedHash(), bad.actualHash());
        assertEquals("tampered\n", Files.readString(tree.rootfs().resolve("etc/motd")), "verify alone changes nothing");

        TreeCheck fixed = store.verifyTree(b.id(), true);
        assertTrue(fixed.repaired());
        assertEquals("base motd\n", Files.readString(tree.rootfs().resolve("etc/motd")));
        assertTrue(store.verifyTree(b.id(), false).ok());
        Files.setPosixFilePermissions(tree.rootfs().resolve("etc/os-release"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(store.verifyTree(b.id(), false).ok(), "a mode change is a change");
    }

    @Test
    void aTreeWithoutItsHashIsRenderedAgain() throws IOException {
        ImageInfo b = imp(base(), "base.aci");
        RenderedTree tree = store.render(b.id());
        Files.delete(tree.rootfs().getParent().resolve("hash")); // as if killed before the render finished
        Files.writeString(tree.rootfs().resolve("leftover"), "x");
        RenderedTree again = store.render(b.id());
        assertFalse(Files.exists(again.rootfs().resolve("leftover")));
        assertEquals(tree.hash(), again.hash());
    }

    // ---- remove and gc ------------------------------------------------------------------

    @Test
    void removeDeletesRowAndBlob() throws IOException {
        ImageInfo b = imp(base(), "base.aci");
        ImageInfo o = imp(TestAci.named("example.com/other"), "o.aci");
        store.removeImage(b.id());
        assertEquals(List.of(o), store.listImages());
        assertEquals(Set.of(o.id()), blobNames());
        JrktException e = assertThrows(JrktException.class, () -> store.removeImage(b.id()));
        assertTrue(e.getMessage().contains(b.id()), e.getMessage());
        assertThrows(JrktException.class, () -> store.resolve("example.com/base"));
    }

    @Test
    void gcRemovesImagesUnusedWithinTheGracePeriodAndTreesNotInUse() throws Exception {
        ImageInfo used = imp(base(), "base.aci");
        ImageInfo idle = imp(TestAci.named("example.com/idle").file("x", "x"), "idle.aci");
        ImageInfo other = imp(TestAci.named("example.com/other").file("y", "y"), "other.aci");
        RenderedTree keptTree = store.render(other.id());
        Thread.sleep(30);
        Instant mark = Instant.now();
        Thread.sleep(30);
        store.markUsed(used.id());
        RenderedTree usedTree = store.render(used.id());

        GcReport nothing = store.gc(Duration.ofHours(1), Set.of());
        assertEquals(List.of(), nothing.removedImages());
        assertEquals(List.of(), nothing.removedTrees(), "trees rendered within the grace period stay");

        GcReport report = store.gc(Duration.between(mark, Instant.now()), Set.of(keptTree.treeId()));
        assertEquals(Set.of(idle.id(), other.id()), Set.copyOf(report.removedImages()));
        assertEquals(List.of(used.id()), store.listImages().stream().map(ImageInfo::id).toList());
        assertEquals(Set.of(used.id()), blobNames());
        assertTrue(report.bytesFreed() >= idle.size() + other.size());
        assertTrue(Files.isDirectory(keptTree.rootfs()), "a tree a pod uses stays");

        Thread.sleep(30);
        GcReport all = store.gc(Duration.ZERO, Set.of());
        assertEquals(List.of(used.id()), all.removedImages());
        assertEquals(Set.of(usedTree.treeId(), keptTree.treeId()), Set.copyOf(all.removedTrees()));
        assertEquals(Set.of(), blobNames());
        assertEquals(0, count(data.resolve("cas/trees")));
    }

    @Test
    void importsAndImageGcSweepBlobsThatNoRowListsOnceTheyAreOld() throws IOException {
        ImageInfo b = imp(base(), "base.aci");
        Path blobs = data.resolve("cas/blobs/sha512");
        Path orphanOld = blobs.resolve("aa".repeat(64));
        Path orphanNew = blobs.resolve("bb".repeat(64));
        Files.writeString(orphanOld, "crash between rename and insert");
        Files.writeString(orphanNew, "an import about to insert its row");
        Files.setLastModifiedTime(orphanOld, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        store.close();
        store = Store.open(data);
        assertTrue(Files.exists(orphanOld), "opening the store (every run and listing) leaves the sweep to imports and gc");

        imp(TestAci.named("example.com/other").version("2"), "other.aci");
        assertFalse(Files.exists(orphanOld), "an import sweeps");
        assertTrue(Files.exists(orphanNew), "a young unlisted blob may belong to an import in flight");
        assertTrue(Files.exists(store.blob(b.id())));

        Path orphanLater = blobs.resolve("cc".repeat(64));
        Files.writeString(orphanLater, "another crash");
        Files.setLastModifiedTime(orphanLater, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        store.gc(Duration.ofDays(1), Set.of());
        assertFalse(Files.exists(orphanLater), "image gc sweeps");
        assertTrue(Files.exists(store.blob(b.id())), "a listed blob stays");
    }

    // ---- crashes and concurrency --------------------------------------------------------

    @Test
    void anImportKilledMidwayLeavesNoImageAndTheNextOpenCleansUp() throws Exception {
        byte[] aci = Files.readAllBytes(base().write(tmp.resolve("big.aci")));
        Path fifo = tmp.resolve("slow.aci");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ImportMain.class.getName(), data.toString(), fifo.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            // The FIFO holds the import in the middle: half the archive, then nothing until the kill.
            try (OutputStream w = Files.newOutputStream(fifo)) {
                w.write(aci, 0, aci.length / 2);
                w.flush();
                Path casTmp = data.resolve("cas/tmp");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (count(casTmp) == 0 && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
                assertTrue(child.isAlive(), "the import ended early: " + Files.readString(tmp.resolve("child.log")));
                assertEquals(1, count(casTmp), "the import never started writing to cas/tmp");
                child.destroyForcibly();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(List.of(), store.listImages());
        assertEquals(1, count(data.resolve("cas/tmp")), "the killed import's file is there until the next open");
        store.close();
        store = Store.open(data);
        assertEquals(0, count(data.resolve("cas/tmp")));
        assertEquals(Set.of(), blobNames());
        ImageInfo whole = store.importAci(tmp.resolve("big.aci"), null);
        assertEquals(List.of(whole), store.listImages());
    }

    @Test
    void anOpenRemovesTheWorkInProgressOfDeadProcessesOnlyByThePidInItsName() throws Exception {
        // a pid no process has (above the kernel's pid_max of 2^22), and this JVM's own
        String dead = "9999999", alive = Long.toString(ProcessHandle.current().pid());
        Path casTmp = data.resolve("cas/tmp"), trees = data.resolve("cas/trees");
        for (String pid : List.of(dead, alive)) {
            Files.writeString(casTmp.resolve("import-" + pid + "-0a1b"), "half an archive");
            Files.createDirectories(trees.resolve("deps-sha512-ab.tmp-" + pid).resolve("rootfs"));
            Files.createDirectories(trees.resolve("deps-sha512-cd.old-" + pid));
        }
        Files.createDirectories(trees.resolve("deps-sha512-ef")); // a finished tree: no pid in its name
        Files.createDirectories(trees.resolve("deps-sha512-ef.tmp-x" + alive)); // no pid where one belongs: nobody's
        store.close();
        store = Store.open(data);
        assertEquals(Set.of("import-" + alive + "-0a1b"), names(casTmp));
        assertEquals(Set.of("deps-sha512-ab.tmp-" + alive, "deps-sha512-cd.old-" + alive, "deps-sha512-ef"), names(trees));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void parallelImportsAndRemovesKeepEveryRowWithItsBlob() throws Exception {
        List<Path> acis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acis.add(TestAci.named("example.com/race" + i).dir("bin").executable("bin/busybox", BUSYBOX)
                    .file("n", "" + i).write(tmp.resolve("race" + i + ".aci"), i == 1 ? TestAci.Packing.GZIP : TestAci.Packing.PLAIN));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int seed = t;
                work.add(pool.submit(() -> {
                    try (Store own = Store.open(data)) { // one store per thread, as separate processes would have
                        for (int round = 0; round < 8; round++) {
                            Path aci = acis.get((seed + round) % acis.size());
                            ids.add(own.importAci(aci, null).id());
                            String victim = "example.com/race" + ((seed + round + 1) % acis.size());
                            try {
                                own.removeImage(own.resolve(victim).id());
                            } catch (JrktException gone) {
                                // another thread removed it first or has not imported it yet
                            }
                            if (round % 4 == 3) own.gc(Duration.ZERO, Set.of());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        Set<String> rows = new HashSet<>();
        for (ImageInfo i : store.listImages()) rows.add(i.id());
        assertEquals(rows, blobNames(), "every row has its blob and every blob its row");
        for (String id : rows) store.manifest(id);
        for (Path aci : acis) store.importAci(aci, null);
        assertEquals(ids, Set.copyOf(store.listImages().stream().map(ImageInfo::id).toList()));
        assertEquals(ids, blobNames());
        assertEquals(0, count(data.resolve("cas/tmp")));
    }

    @Test
    void concurrentRendersOfOneTreeRenderItOnce() throws Exception {
        ImageInfo b = imp(base(), "base.aci");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RenderedTree>> renders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                renders.add(pool.submit(() -> {
                    try (Store own = Store.open(data)) { return own.render(b.id()); }
                }));
            }
            Set<String> hashes = new HashSet<>();
            Set<Path> roots = new HashSet<>();
            for (Future<RenderedTree> f : renders) {
                RenderedTree t = f.get(5, TimeUnit.MINUTES);
                hashes.add(t.hash());
                roots.add(t.rootfs());
            }
            assertEquals(1, hashes.size());
            assertEquals(1, roots.size());
            assertEquals(1, count(data.resolve("cas/trees")), "no leftover render directories");
            assertTrue(store.verifyTree(b.id(), false).ok());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoOpenStoresOnOneDirectorySeeEachOthersChanges() throws Exception {
        ImageInfo b = imp(base(), "base.aci");
        try (Store second = Store.open(data)) {
            assertEquals(List.of(b), second.listImages());
            Thread.sleep(20);
            second.markUsed(b.id());
        }
        ImageInfo now = store.resolve(b.id());
        assertTrue(now.lastUsed().isAfter(b.importTime()), now.toString());
        assertEquals(b.importTime(), now.importTime());
    }
}
