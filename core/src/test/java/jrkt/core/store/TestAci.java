package jrkt.core.store;

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
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds small ACIs at test time: a manifest and a rootfs of files, directories and symlinks. */
final class TestAci {
    enum Packing { PLAIN, GZIP, ZSTD }

    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<String> dependencies = new ArrayList<>();
    private final List<String> whitelist = new ArrayList<>();
    private final Map<String, Object> files = new LinkedHashMap<>(); // path under rootfs -> byte[] | "->target" | null (dir)

    private final java.util.Set<String> executables = new java.util.HashSet<>();

    private TestAci(String name) { this.name = name; }

    static TestAci named(String name) { return new TestAci(name); }

    TestAci label(String k, String v) { labels.put(k, v); return this; }
    TestAci version(String v) { return label("version", v); }
    TestAci dir(String path) { files.put(path, null); return this; }
    TestAci file(String path, String content) { files.put(path, content.getBytes(StandardCharsets.UTF_8)); return this; }
    TestAci file(String path, byte[] content) { files.put(path, content); return this; }
    TestAci executable(String path, byte[] content) { files.put(path, content); executables.add(path); return this; }
    TestAci symlink(String path, String target) { files.put(path, "->" + target); return this; }
    TestAci whitelist(String... paths) { whitelist.addAll(List.of(paths)); return this; }

    TestAci dependency(String imageName, String imageId, String... labelPairs) {
        StringBuilder s = new StringBuilder("{\"imageName\":\"" + imageName + "\"");
        if (imageId != null) s.append(",\"imageID\":\"").append(imageId).append('"');
        if (labelPairs.length > 0) {
            s.append(",\"labels\":[");
            for (int i = 0; i < labelPairs.length; i++) {
                String[] kv = labelPairs[i].split("=", 2);
                s.append(i > 0 ? "," : "").append("{\"name\":\"").append(kv[0]).append("\",\"value\":\"").append(kv[1]).append("\"}");
            }
            s.append(']');
        }
        dependencies.add(s.append('}').toString());
        return this;
    }

    String manifest() {
        StringBuilder s = new StringBuilder("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"" + name + "\"");
        s.append(",\"labels\":[");
        int i = 0;
        for (Map.Entry<String, String> l : labels.entrySet()) {
            s.append(i++ > 0 ? "," : "").append("{\"name\":\"").append(l.getKey()).append("\",\"value\":\"").append(l.getValue()).append("\"}");
        }
        s.append(']');
        if (!dependencies.isEmpty()) s.append(",\"dependencies\":[").append(String.join(",", dependencies)).append(']');
        if (!whitelist.isEmpty()) {
            s.append(",\"pathWhitelist\":[");
            for (int j = 0; j < whitelist.size(); j++) s.append(j > 0 ? "," : "").append('"').append(whitelist.get(j)).append('"');
            s.append(']');
        }
        return s.append('}').toString();
    }

    Path write(Path target) throws IOException { return write(target, Packing.PLAIN); }

    Path write(Path target, Packing packing) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target));
             OutputStream packed = switch (packing) {
                 case PLAIN -> new NonClosing(file);
                 case GZIP -> new GZIPOutputStream(new NonClosing(file));
                 case ZSTD -> new ZstdCompressorOutputStream(new NonClosing(file));
             };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(packed)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] manifest = manifest().getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry m = new TarArchiveEntry("manifest");
            m.setSize(manifest.length);
            m.setMode(0644);
            m.setModTime(1_700_000_000_000L); // fixed times: one image, one tar, one ID
            tar.putArchiveEntry(m);
            tar.write(manifest);
            tar.closeArchiveEntry();
            TarArchiveEntry root = new TarArchiveEntry("rootfs/");
            root.setMode(040755);
            root.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(root);
            tar.closeArchiveEntry();
            for (Map.Entry<String, Object> f : files.entrySet()) {
                String path = "rootfs/" + f.getKey();
                Object v = f.getValue();
                TarArchiveEntry e;
                if (v == null) {
                    e = new TarArchiveEntry(path + "/");
                    e.setMode(040755);
                } else if (v instanceof String link) {
                    e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(link.substring(2));
                    e.setMode(0120777);
                } else {
                    e = new TarArchiveEntry(path);
                    e.setSize(((byte[]) v).length);
                    e.setMode(executables.contains(f.getKey()) ? 0100755 : 0100644);
                }
                e.setModTime(1_700_000_000_000L);
                tar.putArchiveEntry(e);
                if (v instanceof byte[] bytes) tar.write(bytes);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return target;
    }

    /** Lets the compressor finish without closing the file under it twice. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) { super(out); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { out.flush(); }
    }
}
