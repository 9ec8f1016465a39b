package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.json.Json;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image commands through the real launcher: what a user types and sees. */
class ImageCommandsTest {
    @TempDir Path tmp;

    private Jrkt jrkt() { return new Jrkt(tmp.resolve("data")); }

    private Path busybox(String name, String version, AciBuilder.Compression compression) throws IOException {
        return AciBuilder.busybox(name, version, "/bin/true").write(tmp.resolve(name.replace('/', '_') + "-" + version + "-" + compression + ".aci"), compression);
    }

    private static void assertOneLineError(Jrkt.Result r, String... mentions) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("jrkt: "), err);
        for (String m : mentions) assertTrue(err.contains(m), "expected '" + m + "' in: " + err);
    }

    @Test
    void fetchPrintsTheIdAndTheSameImageCompressedTwoWaysIsOneImage() throws Exception {
        Jrkt jrkt = jrkt();
        Path gz = busybox("example.com/bb", "1.0", AciBuilder.Compression.GZIP);
        Path zst = busybox("example.com/bb", "1.0", AciBuilder.Compression.ZSTD);
        String id = jrkt.run("fetch", gz.toString()).expectSuccess().out();
        assertTrue(id.matches("sha512-[0-9a-f]{128}"), id);
        assertEquals(id, jrkt.run("fetch", "file://" + zst).expectSuccess().out());

        List<String> rows = jrkt.run("image", "list", "--no-legend").expectSuccess().out().lines().toList();
        assertEquals(1, rows.size(), rows.toString());
        List<String> cells = List.of(rows.get(0).split("\\s+"));
        assertEquals(id.substring(0, "sha512-".length() + 12), cells.get(0));
        assertEquals(List.of("example.com/bb", "1.0"), cells.subList(1, 3));

        // The same image, named every way a user may name it.
        for (String ref : List.of(id, id.substring(0, 20), id.substring(7, 20), "example.com/bb", "example.com/bb:1.0",
                "example.com/bb,os=linux,arch=amd64")) {
            String manifest = jrkt.run("image", "cat-manifest", ref).expectSuccess().out();
            assertTrue(manifest.contains("\"example.com/bb\""), ref + ": " + manifest);
        }
        assertOneLineError(jrkt.run("image", "cat-manifest", "example.com/bb:2.0"), "example.com/bb:2.0");
        assertOneLineError(jrkt.run("fetch", tmp.resolve("missing.aci").toString()), "missing.aci");
        assertOneLineError(jrkt.run("fetch", "ftp://127.0.0.1/x.aci"), "ftp", "unsupported URL scheme");
    }

    @Test
    void listingFlagsSelectSortAndFormat() throws Exception {
        Jrkt jrkt = jrkt();
        jrkt.run("fetch", busybox("example.com/zeta", "1", AciBuilder.Compression.NONE).toString()).expectSuccess();
        jrkt.run("fetch", busybox("example.com/alpha", "2", AciBuilder.Compression.NONE).toString()).expectSuccess();

        assertEquals("example.com/zeta\nexample.com/alpha", jrkt.run("image", "list", "--no-legend", "--fields=name").expectSuccess().out());
        assertEquals("example.com/alpha\nexample.com/zeta",
                jrkt.run("image", "list", "--no-legend", "--fields=name", "--sort=name").expectSuccess().out());
        assertEquals("NAME               VERSION\nexample.com/zeta   1\nexample.com/alpha  2",
                jrkt.run("image", "list", "--fields=name,version").expectSuccess().out());

        List<Object> json = Json.asArray(Json.parse(jrkt.run("image", "list", "--format=json", "--sort=name", "--order=desc").expectSuccess().out()));
        Map<String, Object> first = Json.asObject(json.get(0));
        assertEquals("example.com/zeta", first.get("name"));
        assertTrue(((String) first.get("id")).matches("sha512-[0-9a-f]{128}"), first.toString());
        assertTrue(first.get("size") instanceof Long size && size > 100_000, first.toString());

        assertOneLineError(jrkt.run("image", "list", "--fields=name,colour"), "colour", "importtime");
        // Global flags after the subcommand win over the ones before it.
        assertEquals("", jrkt.run("image", "list", "--no-legend", "--dir=" + tmp.resolve("other")).expectSuccess().out());
    }

    @Test
    void extractGivesTheImageAloneAndRenderAppliesItsDependencies() throws Exception {
        Jrkt jrkt = jrkt();
        Path base = AciBuilder.named("example.com/base").label("version", "1").dir("rootfs", 0755)
                .file("rootfs/base.txt", "from base").file("rootfs/shared.txt", "base wins?")
                .write(tmp.resolve("base.aci"));
        String baseId = jrkt.run("fetch", base.toString()).expectSuccess().out();
        Path app = AciBuilder.named("example.com/app").label("version", "1").dependency("example.com/base", baseId)
                .dir("rootfs", 0755).file("rootfs/app.txt", "from app").file("rootfs/shared.txt", "app wins")
                .write(tmp.resolve("app.aci"));
        jrkt.run("fetch", app.toString()).expectSuccess();

        Path extracted = tmp.resolve("extracted");
        jrkt.run("image", "extract", "example.com/app", extracted.toString()).expectSuccess();
        assertTrue(Files.readString(extracted.resolve("manifest")).contains("example.com/base"));
        assertEquals("from app", Files.readString(extracted.resolve("rootfs/app.txt")));
        assertFalse(Files.exists(extracted.resolve("rootfs/base.txt")), "extract must not include dependencies");

        Path rendered = tmp.resolve("rendered");
        jrkt.run("image", "render", "--rootfs-only", "example.com/app:1", rendered.toString()).expectSuccess();
        assertEquals("from base", Files.readString(rendered.resolve("base.txt")));
        assertEquals("app wins", Files.readString(rendered.resolve("shared.txt")));
        assertFalse(Files.exists(rendered.resolve("manifest")));

        // An existing output is kept unless --overwrite, and replaced whole with it.
        assertOneLineError(jrkt.run("image", "render", "example.com/app", rendered.toString()), "--overwrite");
        assertEquals("from base", Files.readString(rendered.resolve("base.txt")));
        jrkt.run("image", "extract", "--rootfs-only", "--overwrite", "example.com/app", rendered.toString()).expectSuccess();
        assertFalse(Files.exists(rendered.resolve("base.txt")), "overwrite replaces the directory, it does not merge");
        assertEquals("from app", Files.readString(rendered.resolve("app.txt")));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "staging left behind");
        }
    }

    @Test
    void exportWritesTheAciWhoseHashIsTheId() throws Exception {
        Jrkt jrkt = jrkt();
        String id = jrkt.run("fetch", busybox("example.com/bb", "1.0", AciBuilder.Compression.XZ).toString()).expectSuccess().out();
        Path out = tmp.resolve("out.aci");
        jrkt.run("image", "export", "example.com/bb", out.toString()).expectSuccess();
        assertEquals(id, "sha512-" + sha512(out));

        Files.writeString(out, "precious");
        assertOneLineError(jrkt.run("image", "export", id, out.toString()), "out.aci", "--overwrite");
        assertEquals("precious", Files.readString(out));
        jrkt.run("image", "export", "--overwrite", id, out.toString()).expectSuccess();
        assertEquals(id, "sha512-" + sha512(out));
        // and it imports into another store as the same image
        assertEquals(id, new Jrkt(tmp.resolve("other")).run("fetch", out.toString()).expectSuccess().out());
    }

    @Test
    void rmRemovesWhatItCanAndReportsEachFailure() throws Exception {
        Jrkt jrkt = jrkt();
        String a = jrkt.run("fetch", busybox("example.com/a", "1", AciBuilder.Compression.NONE).toString()).expectSuccess().out();
        String b = jrkt.run("fetch", busybox("example.com/b", "1", AciBuilder.Compression.NONE).toString()).expectSuccess().out();
        Jrkt.Result rm = jrkt.run("image", "rm", "example.com/a", "example.com/nothere", b.substring(0, 24));
        assertOneLineError(rm, "example.com/nothere");
        assertEquals("removed " + a + "\nremoved " + b, rm.out());
        assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out());
    }

    @Test
    void gcKeepsRecentImagesAndRemovesUnusedOnesWithTheirTrees() throws Exception {
        Jrkt jrkt = jrkt();
        String id = jrkt.run("fetch", busybox("example.com/bb", "1.0", AciBuilder.Compression.NONE).toString()).expectSuccess().out();
        jrkt.run("image", "render", id, tmp.resolve("r").toString()).expectSuccess();
        Path trees = jrkt.dataDir().resolve("cas/trees");
        assertEquals(1, count(trees));

        assertEquals("freed 0B", jrkt.run("image", "gc").expectSuccess().out());
        assertEquals(1, jrkt.run("image", "list", "--no-legend").expectSuccess().out().lines().count());

        String out = jrkt.run("image", "gc", "--grace-period=0s").expectSuccess().out();
        assertTrue(out.contains("removed image " + id), out);
        assertTrue(out.contains("removed tree "), out);
        assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out());
        assertEquals(0, count(trees));
        assertOneLineError(jrkt.run("image", "gc", "--grace-period=soon"), "--grace-period", "soon");
    }

    @Test
    void verifyFindsATamperedTreeAndRepairsIt() throws Exception {
        Jrkt jrkt = jrkt();
        String id = jrkt.run("fetch", busybox("example.com/bb", "1.0", AciBuilder.Compression.NONE).toString()).expectSuccess().out();
        jrkt.run("image", "render", id, tmp.resolve("r").toString()).expectSuccess();
        assertEquals("ok " + id, jrkt.run("image", "verify", "example.com/bb").expectSuccess().out());

        Path passwd;
        try (Stream<Path> t = Files.list(jrkt.dataDir().resolve("cas/trees"))) {
            passwd = t.filter(Files::isDirectory).findFirst().orElseThrow().resolve("rootfs/etc/passwd");
        }
        String original = Files.readString(passwd);
        Files.writeString(passwd, "root::0:0::/:/bin/sh\n");

        Jrkt.Result damaged = jrkt.run("image", "verify", "example.com/bb");
        assertEquals(1, damaged.exitCode(), damaged.toString());
        assertTrue(damaged.out().startsWith("damaged " + id), damaged.out());
        assertTrue(jrkt.run("image", "verify", "--repair", "example.com/bb").expectSuccess().out().startsWith("repaired " + id));
        assertEquals(original, Files.readString(passwd));
        assertEquals("ok " + id, jrkt.run("image", "verify", id).expectSuccess().out());
    }

    private static String sha512(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-512");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }
}
