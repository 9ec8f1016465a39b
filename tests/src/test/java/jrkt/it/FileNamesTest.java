package jrkt.it;

import static jrkt.it.support.RawTar.concat;
import static jrkt.it.support.RawTar.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.RawTar;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names are bytes: every byte string Linux allows arrives exactly in the store's tree, in a
 * pod (overlay and copied), in a rendered copy and in an export, whatever the locale jrkt runs
 * under: none (a bare systemd unit, cron), POSIX, or UTF-8. The names: UTF-8 (café, 中), Latin-1
 * (caf\xe9), Shift-JIS, bytes that are no encoding at all (\xff\xfe), and control characters; as
 * file, directory, symlink (name and target) and hard link names, short and past 100 bytes.
 */
class FileNamesTest {
    @TempDir Path tmp;

    static final List<byte[]> NAMES = List.of(
        utf8("café"),
        utf8("中文-名前"),
        "caf\u00e9-latin1".getBytes(StandardCharsets.ISO_8859_1),
        "日本-sjis".getBytes(Charset.forName("Shift_JIS")),
        concat(new byte[] {(byte) 0xff, (byte) 0xfe}, utf8("-name")),
        concat(utf8("tab\tnew"), new byte[] {'\n', 0x1b}, utf8("[31m-esc")),
        concat(utf8("long-"), "x".repeat(120).getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xe9}));

    /** The image: /data holding a file, a directory with a file, a symlink and a hard link per name. */
    static byte[] image() {
        RawTar tar = new RawTar().manifest("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/names\","
            + "\"labels\":[{\"name\":\"version\",\"value\":\"1\"}],\"app\":{\"exec\":[\"/bin/sh\",\"-c\",\"cd /data && find . | od -An -tx1 -v\"],"
            + "\"user\":\"0\",\"group\":\"0\"}}").dir(utf8("rootfs"), 0755).dir(utf8("rootfs/bin"), 0755);
        try {
            tar.file(utf8("rootfs/bin/busybox"), Files.readAllBytes(Path.of("/bin/busybox")), 0755);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (String applet : List.of("sh", "find", "od", "cat")) tar.symlink(utf8("rootfs/bin/" + applet), utf8("busybox"));
        tar.dir(utf8("rootfs/data"), 0755);
        int i = 0;
        for (byte[] name : NAMES) {
            byte[] file = concat(utf8("rootfs/data/f-"), name);
            tar.file(file, utf8("content " + i), 0644);
            tar.dir(concat(utf8("rootfs/data/d-"), name), 0755);
            tar.file(concat(utf8("rootfs/data/d-"), name, utf8("/inner-"), name), utf8("inner " + i), 0600);
            tar.symlink(concat(utf8("rootfs/data/s-"), name), concat(utf8("f-"), name));
            tar.hardlink(concat(utf8("rootfs/data/h-"), name), file);
            i++;
        }
        return tar.end();
    }

    /** The relative paths below dir, as bytes, sorted: what find prints, NUL-separated. */
    static TreeSet<String> namesBelow(Path dir) throws IOException, InterruptedException {
        Process find = new ProcessBuilder("find", dir.toString(), "-mindepth", "1", "-printf", "%P\\0").start();
        byte[] out = find.getInputStream().readAllBytes();
        assertTrue(find.waitFor(60, TimeUnit.SECONDS));
        TreeSet<String> names = new TreeSet<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                names.add(HexFormat.of().formatHex(out, start, i));
                start = i + 1;
            }
        }
        return names;
    }

    static TreeSet<String> expected() {
        TreeSet<String> names = new TreeSet<>();
        for (byte[] name : NAMES) {
            for (String kind : List.of("f-", "d-", "s-", "h-")) names.add(HexFormat.of().formatHex(concat(utf8(kind), name)));
            names.add(HexFormat.of().formatHex(concat(utf8("d-"), name, utf8("/inner-"), name)));
        }
        return names;
    }

    @ParameterizedTest(name = "locale: {0}")
    @ValueSource(strings = {"none", "POSIX", "C.UTF-8"})
    void everyNameArrivesExactlyWhateverTheLocale(String locale) throws Exception {
        Jrkt jrkt = new Jrkt(tmp.resolve("data")).withoutEnv("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE");
        if (!locale.equals("none")) jrkt = jrkt.withEnv("LC_ALL", locale);
        Path aci = tmp.resolve("names.aci");
        Files.write(aci, RawTar.compress(image(), AciBuilder.Compression.XZ));
        jrkt.run("fetch", aci.toString()).expectSuccess();

        Path rendered = tmp.resolve("rendered");
        jrkt.run("image", "render", "--rootfs-only", "example.com/names", rendered.toString()).expectSuccess();
        assertEquals(expected(), namesBelow(rendered.resolve("data")), "image render");
        TreeSet<String> links = new TreeSet<>();
        for (byte[] name : NAMES) {
            links.add(HexFormat.of().formatHex(concat(utf8("s-"), name)) + " -> " + HexFormat.of().formatHex(concat(utf8("f-"), name)));
        }
        assertEquals(links, linksBelow(rendered.resolve("data")), "symlink names and targets");
        Path extracted = tmp.resolve("extracted");
        jrkt.run("image", "extract", "--rootfs-only", "example.com/names", extracted.toString()).expectSuccess();
        assertEquals(expected(), namesBelow(extracted.resolve("data")), "image extract");
        jrkt.run("image", "verify", "example.com/names").expectSuccess();

        for (String overlay : List.of("--no-overlay", "--hostname=overlay")) {
            Jrkt.Result run = jrkt.run("run", "--net=none", overlay, "example.com/names");
            assertEquals(0, run.exitCode(), run.toString());
            String hex = run.stdout().replaceAll("\\s+", "");
            for (byte[] name : NAMES) {
                assertTrue(hex.contains(HexFormat.of().formatHex(concat(utf8("./d-"), name, utf8("/inner-"), name, utf8("\n")))),
                    "the pod (" + overlay + ") holds " + HexFormat.of().formatHex(name) + ": " + hex);
            }
        }
        String uuid = jrkt.run("list", "--no-legend", "--full").expectSuccess().out().lines().findFirst().orElseThrow().split("\\s+")[0];
        Path exported = tmp.resolve("exported.aci");
        jrkt.run("export", uuid, exported.toString()).expectSuccess();
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-C", unpacked.toString(), "-xf", exported.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        TreeSet<String> exportedNames = namesBelow(unpacked.resolve("rootfs/data"));
        assertEquals(expected(), exportedNames, "export");
        jrkt.run("gc", "--grace-period=0s").expectSuccess();
        jrkt.run("image", "gc", "--grace-period=0s").expectSuccess();
    }

    @ParameterizedTest(name = "caller locale: {0}")
    @ValueSource(strings = {"none", "POSIX"})
    void appsInheritTheCallersLocaleNotTheOneJrktRunsUnder(String locale) throws IOException {
        Jrkt jrkt = new Jrkt(tmp.resolve("data")).withoutEnv("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE");
        if (!locale.equals("none")) jrkt = jrkt.withEnv("LC_ALL", locale);
        Path aci = AciBuilder.busybox("example.com/env", "1", "/bin/env").write(tmp.resolve("env.aci"));
        jrkt.run("fetch", aci.toString()).expectSuccess();
        Jrkt.Result run = jrkt.run("run", "--net=none", "--inherit-env", "example.com/env");
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("JRKT_CALLER_LC_ALL"), run.stdout());
        if (locale.equals("none")) assertFalse(run.stdout().contains("LC_ALL="), run.stdout());
        else assertTrue(run.stdout().lines().anyMatch(l -> l.equals("LC_ALL=" + locale)), run.stdout());
    }

    /** "name -> target" of the symlinks in dir, as hex of their bytes. */
    static TreeSet<String> linksBelow(Path dir) throws IOException, InterruptedException {
        Process find = new ProcessBuilder("find", dir.toString(), "-mindepth", "1", "-type", "l", "-printf", "%P\\0%l\\0").start();
        byte[] out = find.getInputStream().readAllBytes();
        assertTrue(find.waitFor(60, TimeUnit.SECONDS));
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                fields.add(HexFormat.of().formatHex(out, start, i));
                start = i + 1;
            }
        }
        TreeSet<String> links = new TreeSet<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) links.add(fields.get(i) + " -> " + fields.get(i + 1));
        return links;
    }
}
