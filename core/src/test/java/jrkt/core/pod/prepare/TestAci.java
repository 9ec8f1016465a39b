package jrkt.core.pod.prepare;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small real ACIs (plain tar) for pod tests: a busybox app image and a stage1 image. */
final class TestAci {
    private TestAci() {}

    /** busybox with a few applets, /etc/passwd and /etc/group, an app running {@code /bin/sh -c "echo hi"} and a mount point "logs". */
    static Path busybox(Path dir, String name) throws IOException {
        String manifest = """
            {"acKind":"ImageManifest","acVersion":"0.8.11","name":"%s",
             "labels":[{"name":"version","value":"1.0"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
             "app":{"exec":["/bin/sh","-c","echo hi"],"user":"0","group":"0",
                    "environment":[{"name":"FROM_IMAGE","value":"image"}],
                    "mountPoints":[{"name":"logs","path":"/var/log/app","readOnly":false}]}}
            """.formatted(name);
        Path aci = dir.resolve(name.replace('/', '_') + ".aci");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(aci))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(tar, "manifest", manifest.getBytes(StandardCharsets.UTF_8), 0644);
            for (String d : new String[] {"rootfs", "rootfs/bin", "rootfs/etc", "rootfs/var", "rootfs/var/lib"}) dir(tar, d);
            file(tar, "rootfs/bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
            for (String applet : new String[] {"sh", "env", "echo", "cat"}) symlink(tar, "rootfs/bin/" + applet, "busybox");
            file(tar, "rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "rootfs/etc/group", "root:x:0:\nwww:x:33:\n".getBytes(StandardCharsets.UTF_8), 0644);
            symlink(tar, "rootfs/data", "/var/lib/data");
        }
        return aci;
    }

    /** A stage1 image: an executable rootfs/init named by the run annotation. */
    static Path stage1(Path dir) throws IOException { return stage1(dir, "1,2"); }

    /** A stage1 image that reads the given plan versions (null: the annotation is absent). */
    static Path stage1(Path dir, String planVersions) throws IOException {
        String versions = planVersions == null ? "" : ",\n                            {\"name\":\"jrkt.io/stage1/plan-versions\",\"value\":\"" + planVersions + "\"}";
        String manifest = """
            {"acKind":"ImageManifest","acVersion":"0.8.11","name":"jrkt.io/stage1-test",
             "labels":[{"name":"version","value":"0.1"}],
             "annotations":[{"name":"jrkt.io/stage1/run","value":"/init"}%s]}
            """.formatted(versions);
        Path aci = dir.resolve("stage1.aci");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(aci))) {
            file(tar, "manifest", manifest.getBytes(StandardCharsets.UTF_8), 0644);
            dir(tar, "rootfs");
            file(tar, "rootfs/init", "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8), 0750);
        }
        return aci;
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name + "/");
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        OutputStream out = tar;
        out.write(content);
        tar.closeArchiveEntry();
    }

    private static void symlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }
}
