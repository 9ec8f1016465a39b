package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jrkt.core.pod.prepare.RootfsPath;
import jrkt.sys.Linux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups in stacked layers follow overlayfs: whiteouts, opaque directories, upper wins. */
class ImageRootTest {
    @TempDir Path tmp;

    @Test
    void theTopmostLayerWinsAndWhiteoutsAndOpaqueDirectoriesHideLowerLayers() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/passwd"), "lower");
        Files.writeString(lower.resolve("etc/gone"), "lower");
        Files.createDirectories(lower.resolve("opaque/sub"));
        Files.writeString(lower.resolve("opaque/old"), "lower");
        Files.createSymbolicLink(lower.resolve("link"), Path.of("/etc/passwd"));
        Files.createDirectories(upper.resolve("etc"));
        Files.writeString(upper.resolve("etc/passwd"), "upper");
        Linux.get().mknod(upper.resolve("etc/gone"), Linux.S_IFCHR, 0);
        Files.createDirectories(upper.resolve("opaque"));
        Linux.get().lsetxattr(upper.resolve("opaque"), "trusted.overlay.opaque", new byte[] {'y'});
        Files.writeString(upper.resolve("opaque/new"), "upper");

        ImageRoot root = new ImageRoot(List.of(), List.of(upper, lower));
        assertEquals(upper.resolve("etc/passwd"), root.locate(List.of("etc", "passwd")));
        assertNull(root.locate(List.of("etc", "gone")));
        assertNull(root.locate(List.of("opaque", "old")));
        assertNull(root.locate(List.of("opaque", "sub")));
        assertEquals(upper.resolve("opaque/new"), root.locate(List.of("opaque", "new")));
        // a symlink of a lower layer is resolved in the merged root, where /etc/passwd is the upper one's
        assertEquals(upper.resolve("etc/passwd"), RootfsPath.resolveHost(root, "/link"));
        assertEquals("/etc/passwd", RootfsPath.resolve(root, "/link"));
        assertEquals(false, Files.exists(RootfsPath.resolveHost(root, "/etc/gone")));
    }
}
