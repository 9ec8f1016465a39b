package jrkt.it.support;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Builds ACIs at test time. {@link #busybox} gives a working rootfs from Debian's busybox-static
 * (/bin/busybox with its applets as symlinks, /etc/passwd and /etc/group).
 */
public final class AciBuilder {
    public enum Compression { NONE, GZIP, BZIP2, XZ, ZSTD }

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String[] APPLETS = {"sh", "echo", "cat", "ls", "id", "hostname", "mount", "ps", "sleep", "touch",
        "mkdir", "env", "grep", "wc", "true", "false", "test", "pwd", "readlink", "stat", "kill", "rm", "head", "tail",
        "sed", "awk", "tr", "mv", "cp", "date", "printf", "find", "umount", "ln", "chmod", "whoami", "cut", "sort", "uname", "nc", "ip", "ping", "httpd", "wget"};

    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private final List<String> dependencies = new ArrayList<>();
    private final List<String> pathWhitelist = new ArrayList<>();
    private String appJson;
    private final List<Entry> entries = new ArrayList<>();
    private String rawManifest;

    /** One tar entry: type 'f' file, 'd' dir, 'l' symlink, 'h' hardlink, 'p' FIFO, 'c' character device ("MAJOR:MINOR" as linkTarget). */
    public record Entry(String name, char type, byte[] content, String linkTarget, int mode, int uid, int gid) {}

    private AciBuilder(String name) { this.name = name; }

    public static AciBuilder named(String name) { return new AciBuilder(name); }

    /** An image with busybox in rootfs/bin and an app running {@code exec} as root. */
    public static AciBuilder busybox(String name, String version, String... exec) throws IOException {
        AciBuilder b = new AciBuilder(name).label("version", version).label("os", "linux").label("arch", "amd64");
        b.dir("rootfs", 0755).dir("rootfs/bin", 0755).dir("rootfs/etc", 0755).dir("rootfs/tmp", 01777);
        b.entries.add(new Entry("rootfs/bin/busybox", 'f', Files.readAllBytes(BUSYBOX), null, 0755, 0, 0));
        for (String applet : APPLETS) b.symlink("rootfs/bin/" + applet, "busybox");
        b.file("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        b.file("rootfs/etc/group", "root:x:0:\nusers:x:100:user\nuser:x:1000:\nextra:x:1200:user\nnogroup:x:65534:\n");
        if (exec.length > 0) b.app(exec, "0", "0");
        return b;
    }

    /**
     * Only /bin with busybox and its applets, running {@code exec} as 0:0: an image whose every
     * other top-level path (/etc, /dev, /proc, /sys...) a test may make whatever it likes.
     */
    public static AciBuilder busyboxBare(String name, String... exec) throws IOException {
        AciBuilder b = new AciBuilder(name).label("version", "1.0").label("os", "linux").label("arch", "amd64");
        b.dir("rootfs", 0755).dir("rootfs/bin", 0755);
        b.entries.add(new Entry("rootfs/bin/busybox", 'f', Files.readAllBytes(BUSYBOX), null, 0755, 0, 0));
        for (String applet : APPLETS) b.symlink("rootfs/bin/" + applet, "busybox");
        if (exec.length > 0) b.app(exec, "0", "0");
        return b;
    }

    public AciBuilder label(String k, String v) { labels.put(k, v); return this; }
    public AciBuilder annotation(String k, String v) { annotations.put(k, v); return this; }
    public AciBuilder pathWhitelist(String... paths) { pathWhitelist.addAll(List.of(paths)); return this; }

    /** A dependency by name, with an optional image ID (null) and labels as "k=v". */
    public AciBuilder dependency(String imageName, String imageId, String... labelPairs) {
        StringBuilder s = new StringBuilder("{\"imageName\":" + q(imageName));
        if (imageId != null) s.append(",\"imageID\":").append(q(imageId));
        if (labelPairs.length > 0) s.append(",\"labels\":").append(labelsJson(pairs(labelPairs)));
        dependencies.add(s.append('}').toString());
        return this;
    }

    public AciBuilder app(String[] exec, String user, String group) {
        return appJson("{\"exec\":" + arr(exec) + ",\"user\":" + q(user) + ",\"group\":" + q(group) + "}");
    }

    /** The whole "app" object as JSON, for tests that need event handlers, mount points, env... */
    public AciBuilder appJson(String json) { this.appJson = json; return this; }

    /** Replaces the generated manifest with these exact bytes (for invalid-manifest tests). */
    public AciBuilder rawManifest(String manifest) { this.rawManifest = manifest; return this; }

    public AciBuilder file(String path, String content) { return file(path, content.getBytes(StandardCharsets.UTF_8), 0644); }
    public AciBuilder file(String path, byte[] content, int mode) { entries.add(new Entry(path, 'f', content, null, mode, 0, 0)); return this; }
    public AciBuilder dir(String path, int mode) { entries.add(new Entry(path, 'd', null, null, mode, 0, 0)); return this; }
    public AciBuilder symlink(String path, String target) { entries.add(new Entry(path, 'l', null, target, 0777, 0, 0)); return this; }
    public AciBuilder hardlink(String path, String target) { entries.add(new Entry(path, 'h', null, target, 0644, 0, 0)); return this; }
    public AciBuilder entry(Entry e) { entries.add(e); return this; }
    public AciBuilder charDevice(String path, int major, int minor, int mode) {
        entries.add(new Entry(path, 'c', null, major + ":" + minor, mode, 0, 0));
        return this;
    }

    public String manifest() {
        if (rawManifest != null) return rawManifest;
        StringBuilder m = new StringBuilder("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":" + q(name));
        if (!labels.isEmpty()) m.append(",\"labels\":").append(labelsJson(labels));
        if (appJson != null) m.append(",\"app\":").append(appJson);
        if (!dependencies.isEmpty()) m.append(",\"dependencies\":[").append(String.join(",", dependencies)).append(']');
        if (!pathWhitelist.isEmpty()) m.append(",\"pathWhitelist\":").append(arr(pathWhitelist.toArray(String[]::new)));
        if (!annotations.isEmpty()) m.append(",\"annotations\":").append(labelsJson(annotations));
        return m.append('}').toString();
    }

    public Path write(Path file) throws IOException { return write(file, Compression.NONE); }

    public Path write(Path file, Compression compression) throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
             OutputStream out = compress(raw, compression);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] manifest = manifest().getBytes(StandardCharsets.UTF_8);
            put(tar, new Entry("manifest", 'f', manifest, null, 0644, 0, 0));
            for (Entry e : entries) put(tar, e);
        }
        return file;
    }

    private static void put(TarArchiveOutputStream tar, Entry e) throws IOException {
        TarArchiveEntry te;
        switch (e.type()) {
            case 'd' -> te = new TarArchiveEntry(e.name().endsWith("/") ? e.name() : e.name() + "/");
            case 'l' -> { te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK); te.setLinkName(e.linkTarget()); }
            case 'h' -> { te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_LINK); te.setLinkName(e.linkTarget()); }
            case 'p' -> te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_FIFO);
            case 'c' -> {
                te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_CHR);
                String[] dev = e.linkTarget().split(":");
                te.setDevMajor(Integer.parseInt(dev[0]));
                te.setDevMinor(Integer.parseInt(dev[1]));
            }
            default -> { te = new TarArchiveEntry(e.name()); te.setSize(e.content().length); }
        }
        te.setMode(e.mode() | switch (e.type()) { case 'd' -> 040000; case 'l' -> 0120000; case 'p' -> 010000; case 'c' -> 020000; default -> 0100000; });
        te.setIds(e.uid(), e.gid());
        te.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(te);
        if (e.type() == 'f') tar.write(e.content());
        tar.closeArchiveEntry();
    }

    private static OutputStream compress(OutputStream raw, Compression c) throws IOException {
        return switch (c) {
            case NONE -> raw;
            case GZIP -> new GzipCompressorOutputStream(raw);
            case BZIP2 -> new BZip2CompressorOutputStream(raw);
            case XZ -> new XZOutputStream(raw, new LZMA2Options(1));
            case ZSTD -> new ZstdCompressorOutputStream(raw);
        };
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : kv) { int i = p.indexOf('='); m.put(p.substring(0, i), p.substring(i + 1)); }
        return m;
    }

    private static String labelsJson(Map<String, String> m) {
        List<String> items = new ArrayList<>();
        m.forEach((k, v) -> items.add("{\"name\":" + q(k) + ",\"value\":" + q(v) + "}"));
        return "[" + String.join(",", items) + "]";
    }

    static String arr(String... items) {
        List<String> q = new ArrayList<>();
        for (String s : items) q.add(q(s));
        return "[" + String.join(",", q) + "]";
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
            }
        }
        return b.append('"').toString();
    }
}
