package jrkt.it;

import static jrkt.it.support.RawTar.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.AciBuilder.Compression;
import jrkt.it.support.Jrkt;
import jrkt.it.support.RawTar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Images made to exhaust the host, through the real CLI: compression bombs, oversized images, a
 * disk that would fill, trees thousands deep, names thousands long, too many entries. Each is
 * refused with one line naming the file and the limit, exit 254, and leaves nothing in the store;
 * gc and the next fetch still work. Refusing early is what keeps these tests quick: none of them
 * writes more than a few tens of MiB.
 */
class ImageLimitsTest {
    static final String MANIFEST = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/hostile\","
        + "\"labels\":[{\"name\":\"version\",\"value\":\"1\"}]}";

    @TempDir Path tmp;

    Jrkt jrkt() { return new Jrkt(tmp.resolve("data")); }

    @ParameterizedTest(name = "a 1 GiB {0} bomb")
    @EnumSource(value = Compression.class, names = {"GZIP", "BZIP2", "XZ", "ZSTD"})
    void aCompressionBombIsRefusedEarlyAndLeavesNothing(Compression compression) throws IOException {
        Path bomb = tmp.resolve("bomb.aci");
        long compressed = RawTar.writeBomb(bomb, compression, 1L << 30, MANIFEST);
        assertTrue(compressed < 2 << 20, "the bomb is small: " + compressed);
        Jrkt.Result fetch = jrkt().run("fetch", bomb.toString());
        assertRefused(fetch, bomb, "expands more than 100 times its compressed size", "limit max-compression-ratio");
        assertStoreEmptyAndUsable();
    }

    @Test
    void aBombWithinTheRatioIsStoppedByTheSizeLimit() throws IOException {
        Path big = tmp.resolve("big.aci");
        RawTar.writeBomb(big, Compression.NONE, 64L << 20, MANIFEST);
        Jrkt.Result fetch = jrkt().run("--limit", "max-image-size=16MiB", "fetch", big.toString());
        assertRefused(fetch, big, "larger than 16MiB uncompressed", "limit max-image-size");
        assertStoreEmptyAndUsable();
    }

    @Test
    void theRatioLimitCanBeRaisedAndTurnedOffForAnImageThatIsMostlyZeros() throws IOException {
        Path sparse = tmp.resolve("zeros.aci");
        RawTar.writeBomb(sparse, Compression.GZIP, 48L << 20, MANIFEST);
        assertRefused(jrkt().run("fetch", sparse.toString()), sparse, "limit max-compression-ratio");
        Files.createDirectories(tmp.resolve("data/etc"));
        Files.writeString(tmp.resolve("data/etc/limits.json"), "{\"max-compression-ratio\": 0}\n");
        jrkt().run("fetch", sparse.toString()).expectSuccess();
        assertEquals(1, jrkt().run("image", "list", "--no-legend").expectSuccess().out().lines().count());
    }

    @Test
    void anImportThatWouldLeaveTooLittleFreeSpaceIsRefusedBeforeItStarts() throws IOException {
        Path aci = good().write(tmp.resolve("good.aci"));
        Jrkt.Result fetch = jrkt().run("--limit", "min-free-space=1000000TiB", "fetch", aci.toString());
        assertRefused(fetch, aci, "not enough free space on", "limit min-free-space");
        assertStoreEmptyAndUsable();
    }

    @Test
    void aTreeTenThousandLevelsDeepIsRefusedNamingTheDepthLimit() throws IOException {
        RawTar tar = new RawTar().manifest(MANIFEST).dir(utf8("rootfs"), 0755);
        List<byte[]> parts = new ArrayList<>(List.of(utf8("rootfs")));
        for (int i = 0; i < 10_000; i++) {
            parts.add(utf8("d"));
            tar.dir(RawTar.path(parts), 0755);
        }
        Path deep = tar.writeTo(tmp.resolve("deep.aci"), Compression.GZIP);
        assertRefused(jrkt().run("fetch", deep.toString()), deep, "lies more than 128 directories deep", "limit max-path-depth");
        assertStoreEmptyAndUsable();
    }

    @Test
    void aDeepTreeWithinRaisedLimitsIsFetchedAndRendered() throws IOException {
        RawTar tar = new RawTar().manifest(MANIFEST).dir(utf8("rootfs"), 0755);
        List<byte[]> parts = new ArrayList<>(List.of(utf8("rootfs")));
        for (int i = 0; i < 300; i++) {
            parts.add(utf8("d"));
            tar.dir(RawTar.path(parts), 0755);
        }
        parts.add(utf8("leaf"));
        tar.file(RawTar.path(parts), utf8("bottom"), 0644);
        Path deep = tar.writeTo(tmp.resolve("deep.aci"), Compression.XZ);
        Jrkt raised = jrkt();
        raised.run("--limit", "max-path-depth=300", "--limit", "max-path-length=700", "fetch", deep.toString()).expectSuccess();
        Path out = tmp.resolve("rendered");
        raised.run("image", "render", "--rootfs-only", "example.com/hostile", out.toString()).expectSuccess();
        assertEquals("bottom", Files.readString(out.resolve("d/".repeat(300) + "leaf")));
    }

    @Test
    void aPathLongerThanTheLimitIsRefused() throws IOException {
        byte[] longName = utf8("rootfs/" + "n".repeat(200) + "/" + "m".repeat(900));
        Path aci = new RawTar().manifest(MANIFEST).dir(utf8("rootfs"), 0755).file(longName, utf8("x"), 0644)
            .writeTo(tmp.resolve("long.aci"), Compression.ZSTD);
        assertRefused(jrkt().run("fetch", aci.toString()), aci, "has a path longer than 1024 bytes", "limit max-path-length");
        assertStoreEmptyAndUsable();
    }

    @Test
    void aSymlinkTargetLongerThanTheLimitIsRefused() throws IOException {
        Path aci = new RawTar().manifest(MANIFEST).dir(utf8("rootfs"), 0755).symlink(utf8("rootfs/l"), utf8("x/".repeat(600)))
            .writeTo(tmp.resolve("longlink.aci"), Compression.BZIP2);
        assertRefused(jrkt().run("fetch", aci.toString()), aci, "is a symbolic link longer than 1024 bytes", "limit max-path-length");
        assertStoreEmptyAndUsable();
    }

    @Test
    void moreEntriesThanTheLimitAreRefused() throws IOException {
        RawTar tar = new RawTar().manifest(MANIFEST).dir(utf8("rootfs"), 0755);
        for (int i = 0; i < 2000; i++) tar.file(utf8("rootfs/f" + i), new byte[0], 0644);
        Path aci = tar.writeTo(tmp.resolve("many.aci"), Compression.GZIP);
        Jrkt.Result fetch = jrkt().run("--limit", "max-entries=1000", "fetch", aci.toString());
        assertRefused(fetch, aci, "has more than 1000 entries", "limit max-entries");
        assertStoreEmptyAndUsable();
        jrkt().run("fetch", aci.toString()).expectSuccess(); // within the default
    }

    @Test
    void aWrongLimitIsAnErrorNamingItsSource() throws IOException {
        Jrkt.Result flag = jrkt().run("--limit", "max-image-sise=1GiB", "image", "list");
        assertEquals(254, flag.exitCode(), flag.toString());
        assertTrue(flag.stderr().strip().startsWith("jrkt: --limit max-image-sise=1GiB: unknown limit \"max-image-sise\""), flag.stderr());
        Files.createDirectories(tmp.resolve("data/etc"));
        Files.writeString(tmp.resolve("data/etc/limits.json"), "{\"max-entries\": \"lots\"}");
        Jrkt.Result file = jrkt().run("image", "list");
        assertEquals(254, file.exitCode(), file.toString());
        assertTrue(file.stderr().contains("limits.json: max-entries \"lots\" is not a whole number"), file.stderr());
    }

    @Test
    void configShowsTheLimitsInForce() throws IOException {
        Files.createDirectories(tmp.resolve("data/etc"));
        Files.writeString(tmp.resolve("data/etc/limits.json"), "{\"max-image-size\": \"8GiB\"}");
        String config = jrkt().run("--limit", "max-entries=5", "config").expectSuccess().out();
        assertTrue(config.contains("\"max-image-size\": 8589934592"), config);
        assertTrue(config.contains("\"max-entries\": 5"), config);
        assertTrue(config.contains("\"min-free-space\": 134217728"), config);
    }

    static AciBuilder good() {
        return AciBuilder.named("example.com/good").label("version", "1").dir("rootfs", 0755).file("rootfs/ok", "fine");
    }

    static void assertRefused(Jrkt.Result result, Path file, String... fragments) {
        assertEquals(254, result.exitCode(), result.toString());
        String err = result.stderr().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("jrkt: "), err);
        assertTrue(err.contains(file.toString()), "names the file: " + err);
        for (String f : fragments) assertTrue(err.contains(f), "says \"" + f + "\": " + err);
        assertTrue(!err.contains("Exception") && !err.contains("\tat "), "no Java trace: " + err);
    }

    /** Nothing of the refused image anywhere in the store; gc, image gc and a later fetch still work. */
    void assertStoreEmptyAndUsable() throws IOException {
        Path cas = tmp.resolve("data/cas");
        for (String dir : List.of("tmp", "blobs/sha512", "trees")) {
            assertEquals(List.of(), list(cas.resolve(dir)), dir + " must be empty");
        }
        Jrkt jrkt = jrkt();
        assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out());
        jrkt.run("gc", "--grace-period=0s").expectSuccess();
        jrkt.run("image", "gc", "--grace-period=0s").expectSuccess();
        Path aci = good().write(tmp.resolve("good-after.aci"));
        jrkt.run("fetch", aci.toString()).expectSuccess();
        jrkt.run("image", "render", "example.com/good", tmp.resolve("good-rendered").toString()).expectSuccess();
    }

    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
