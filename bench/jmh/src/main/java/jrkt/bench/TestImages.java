package jrkt.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** ACIs made in memory for the benchmarks: a manifest and a rootfs of many small files and one large one. */
public final class TestImages {
    private TestImages() {}

    public static final String MANIFEST = """
        {"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench",
         "labels":[{"name":"version","value":"1.0"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
         "app":{"exec":["/bin/sh","-c","echo hello"],"user":"0","group":"0","workingDirectory":"/",
          "environment":[{"name":"PATH","value":"/usr/bin:/bin"},{"name":"LANG","value":"C.UTF-8"}],
          "eventHandlers":[{"name":"pre-start","exec":["/bin/true"]}],
          "mountPoints":[{"name":"data","path":"/data","readOnly":false}],
          "ports":[{"name":"http","protocol":"tcp","port":8080,"count":1,"socketActivated":false}],
          "isolators":[{"name":"resource/memory","value":{"limit":"256M"}},
                       {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_BIND_SERVICE","CAP_CHOWN"]}}]},
         "dependencies":[{"imageName":"example.com/base","labels":[{"name":"version","value":"1"}]}],
         "annotations":[{"name":"authors","value":"jrkt bench"},{"name":"created","value":"2026-12-01T00:00:00Z"}]}
        """;

    /** An uncompressed ACI tar: {@code files} files of {@code fileSize} bytes in 10 directories, and one of {@code bigSize}. */
    public static byte[] aci(int files, int fileSize, int bigSize) throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            add(tar, "manifest", MANIFEST.getBytes(StandardCharsets.UTF_8), 0100644);
            directory(tar, "rootfs/");
            for (int d = 0; d < 10; d++) directory(tar, "rootfs/dir" + d + "/");
            byte[] content = new byte[fileSize];
            for (int i = 0; i < files; i++) {
                random.nextBytes(content);
                add(tar, "rootfs/dir" + (i % 10) + "/file" + i, content, 0100644);
            }
            byte[] big = new byte[bigSize];
            random.nextBytes(big);
            add(tar, "rootfs/big", big, 0100755);
            TarArchiveEntry link = new TarArchiveEntry("rootfs/link", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("dir0/file0");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
