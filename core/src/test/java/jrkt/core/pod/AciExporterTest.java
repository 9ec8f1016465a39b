package jrkt.core.pod;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jrkt.core.JrktException;
import jrkt.sys.Linux;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AciExporterTest {
    @TempDir Path tmp;

    @Test void theUpperDirIsMergedOverTheLowerTreeHonouringWhiteoutsAndOpaqueDirs() throws Exception {
        Path lower = tmp.resolve("lower"), upper = tmp.resolve("upper");
        write(lower, "bin/app", "v1");
        write(lower, "etc/removed.conf", "gone");
        write(lower, "etc/kept.conf", "kept");
        write(lower, "var/cache/old1", "old");
        write(lower, "var/cache/sub/old2", "old");
        write(lower, "replaced", "file in lower");
        write(upper, "bin/app", "v2");
        write(upper, "var/cache/new", "new");
        write(upper, "replaced/now-a-dir", "dir in upper");
        Files.createDirectories(upper.resolve("etc"));
        Linux.get().mknod(upper.resolve("etc/removed.conf"), Linux.S_IFCHR | 0, 0);
        Linux.get().lsetxattr(upper.resolve("var/cache"), "trusted.overlay.opaque", "y".getBytes());
        Files.createSymbolicLink(upper.resolve("link"), Path.of("/etc/kept.conf"));

        Path aci = tmp.resolve("out.aci");
        byte[] manifest = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/x\"}".getBytes();
        AciExporter.write(manifest, List.of(lower, upper), aci, false);

        Map<String, String> files = read(aci);
        assertEquals(new String(manifest), files.get("manifest"));
        assertEquals("v2", files.get("rootfs/bin/app"));
        assertEquals("kept", files.get("rootfs/etc/kept.conf"));
        assertFalse(files.containsKey("rootfs/etc/removed.conf"), "a whiteout hides the lower file");
        assertEquals("new", files.get("rootfs/var/cache/new"));
        assertFalse(files.containsKey("rootfs/var/cache/old1"), "an opaque dir hides the lower contents");
        assertFalse(files.containsKey("rootfs/var/cache/sub/"));
        assertEquals("dir in upper", files.get("rootfs/replaced/now-a-dir"));
        assertEquals("-> /etc/kept.conf", files.get("rootfs/link"));

        JrktException exists = assertThrows(JrktException.class,
            () -> AciExporter.write(manifest, List.of(lower, upper), aci, false));
        assertTrue(exists.getMessage().contains("--overwrite"), exists.getMessage());
    }

    private static void write(Path root, String rel, String content) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** name -> content ("" for directories, "-> target" for symlinks). */
    private static Map<String, String> read(Path aci) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = Files.newInputStream(aci); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isSymbolicLink()) out.put(e.getName(), "-> " + e.getLinkName());
                else out.put(e.getName(), e.isDirectory() ? "" : new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test void aTreeDeeperThanAnExportCarriesIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        // 10,000 levels, built in chunks the kernel resolves; an app in a pod can do the same
        jrkt.core.fs.TreeDeleterTest.sh(upper, "i=0; while [ $i -lt 100 ]; do mkdir -p " + "d/".repeat(100)
            + " && cd -P " + "d/".repeat(100) + " || exit 1; i=$((i+1)); done");
        Path out = tmp.resolve("out.aci");
        try {
            JrktException e = assertThrows(JrktException.class, () -> AciExporter.write("{}".getBytes(), List.of(upper), out, false));
            assertTrue(e.getMessage().contains("longer than 4096 bytes") && e.getMessage().length() < 600, e.getMessage());
            assertFalse(Files.exists(out));
        } finally {
            jrkt.core.fs.TreeDeleter.delete(upper);
        }
    }
}
