package jrkt.core.pod;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.sys.Linux;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodDeleterTest {
    @TempDir Path tmp;

    @AfterEach void unmountLeftovers() {
        // even when an assertion failed, no mount of this test may outlive it
        PodDeleter.unmountBelow(realTmp());
    }

    private Path realTmp() {
        try {
            return tmp.toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test void deletingAPodUnmountsWhatIsMountedBelowItFirst() throws Exception {
        Path pod = Files.createDirectories(realTmp().resolve("pods/garbage/pod"));
        Path mnt = Files.createDirectories(pod.resolve("stage1/rootfs/opt/stage2/web/rootfs"));
        Linux.get().mount("tmpfs", mnt.toString(), "tmpfs", 0, "size=1m");
        Path nested = Files.createDirectories(mnt.resolve("proc"));
        Linux.get().mount("tmpfs", nested.toString(), "tmpfs", 0, "size=1m");
        Files.writeString(nested.resolve("file"), "x");
        assertEquals(2, PodDeleter.mountsBelow(pod).size());
        assertEquals(nested.toString(), PodDeleter.mountsBelow(pod).getFirst(), "deepest first");

        PodDeleter.delete(pod);

        assertFalse(Files.exists(pod));
        assertEquals(0, PodDeleter.mountsBelow(realTmp()).size());
    }

    @Test void deletingNeverFollowsASymlinkOutOfThePod() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path pod = Files.createDirectories(tmp.resolve("pod/rootfs"));
        Files.createSymbolicLink(pod.resolve("escape"), outside);
        Files.createSymbolicLink(pod.resolve("file-escape"), outside.resolve("precious"));

        PodDeleter.delete(tmp.resolve("pod"));

        assertFalse(Files.exists(tmp.resolve("pod")));
        assertEquals("keep me", Files.readString(outside.resolve("precious")));
    }

    @Test void mountinfoEscapesAreDecoded() {
        assertEquals("/var/lib/a b\\c", PodDeleter.unescape("/var/lib/a\\040b\\134c"));
    }
}
