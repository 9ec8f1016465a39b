package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jrkt.sys.Linux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trees shaped by a hostile app: far deeper than any fd limit or stack, long names, odd modes, flags. */
public class TreeDeleterTest {
    @TempDir Path tmp;

    /** JUnit's own cleanup cannot remove what these tests build (paths past PATH_MAX). */
    @org.junit.jupiter.api.AfterEach void deleteWhatJUnitCannot() throws IOException {
        try (var entries = Files.list(tmp)) {
            for (Path p : entries.toList()) TreeDeleter.delete(p);
        }
    }

    /** Runs a shell script in dir (mkdir -p of relative chunks builds trees deeper than PATH_MAX). */
    public static void sh(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "script did not finish: " + script);
        assertEquals(0, p.exitValue(), "script failed: " + out);
    }

    /** A chain of `levels` directories named name below dir, built in chunks the kernel can resolve, with a file at the bottom. */
    static void deepChain(Path dir, String name, int levels, int perChunk) throws Exception {
        String chunk = (name + "/").repeat(perChunk);
        sh(dir, "i=0; while [ $i -lt " + (levels / perChunk) + " ]; do mkdir -p " + chunk + " && cd -P " + chunk
            + " || exit 1; i=$((i+1)); done; printf bottom > file");
    }

    @Test void aTreeThirtyThousandLevelsDeepIsDeletedWithFewFdsAndNoRecursion() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("deep"));
        deepChain(root, "a", 30_000, 1000);

        long freed = TreeDeleter.delete(root);

        assertFalse(Files.exists(root));
        assertEquals(6, freed, "the bytes of the one file at the bottom");
    }

    @Test void longNamesManyEntriesUnreadableDirectoriesAndLinksOutAreAllHandled() throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path root = Files.createDirectory(tmp.resolve("root"));
        // names of 255 bytes, 200 levels: a path of 51 KB, far past PATH_MAX
        deepChain(root, "n".repeat(255), 200, 10);
        Path wide = Files.createDirectory(root.resolve("wide"));
        sh(wide, "i=0; while [ $i -lt 200 ]; do : > f$i; i=$((i+1)); done; seq 1 20000 | sed 's/^/g/' | xargs touch");
        Path locked = Files.createDirectories(root.resolve("locked/inner"));
        Files.writeString(locked.resolve("secret"), "x");
        sh(root, "chmod 000 locked/inner locked && mkfifo fifo && ln -s " + outside + " out && ln -s "
            + outside.resolve("precious") + " file-out && ln -s out/precious through-link");

        TreeDeleter.delete(root);

        assertFalse(Files.exists(root));
        assertEquals("keep me", Files.readString(outside.resolve("precious")));
    }

    @Test void anImmutableFileIsNamedShortlyAndTheRestIsLeftForAnotherTry() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("pod"));
        deepChain(root, "d", 500, 100);
        Path bottom = root;
        try {
            sh(root, "cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100)
                + " && cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100) + " && chattr +i file");
            FileSystemException e = assertThrows(FileSystemException.class, () -> TreeDeleter.delete(root));
            assertTrue(e.getReason().contains("immutable"), e.getMessage());
            assertTrue(e.getFile().endsWith("/d/d/d/file"), e.getFile());
            assertTrue(e.getFile().contains("levels)"), "a deep path is shortened: " + e.getFile());
            assertTrue(e.getMessage().length() < 400, e.getMessage());
            assertTrue(Files.exists(root), "what could not be deleted stays");
        } finally {
            sh(root, "cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100)
                + " && cd -P " + "d/".repeat(100) + " && cd -P " + "d/".repeat(100) + " && chattr -i file");
        }
        TreeDeleter.delete(bottom);
        assertFalse(Files.exists(root), "once the flag is gone, a second try deletes it all");
    }

    @Test void aDeleteThatFailsDeepInTheTreeClosesWhatItOpenedAndNothingElse() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("pinned"));
        Path bottom = Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(bottom.resolve("file"), "x");
        sh(bottom, "chattr +i file");
        try {
            // a sentinel the deleter must not close: each failed delete leaves the numbers it used free
            java.io.RandomAccessFile sentinel = new java.io.RandomAccessFile(tmp.resolve("sentinel").toFile(), "rw");
            try (sentinel) {
                long before = openFds();
                for (int i = 0; i < 20; i++) {
                    FileSystemException e = assertThrows(FileSystemException.class, () -> TreeDeleter.delete(root));
                    assertTrue(e.getReason().contains("immutable"), e.getMessage());
                    sentinel.write('s'); // still open
                }
                // before the fix, each failure left the directory it was in open (and closed a free number twice)
                assertTrue(openFds() - before < 5, "fds open before: " + before + ", after 20 failed deletes: " + openFds());
            }
            assertTrue(Files.exists(bottom.resolve("file")));
        } finally {
            sh(bottom, "chattr -i file");
        }
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test void aMountPointBelowTheRootIsNotEntered() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Path mnt = Files.createDirectories(root.resolve("sub/mnt"));
        Linux.get().mount("tmpfs", mnt.toString(), "tmpfs", 0, "size=1m");
        try {
            Files.writeString(mnt.resolve("on-the-mount"), "keep");
            FileSystemException e = assertThrows(FileSystemException.class, () -> TreeDeleter.delete(root));
            assertTrue(e.getMessage().contains("mount point"), e.getMessage());
            assertEquals("keep", Files.readString(mnt.resolve("on-the-mount")));
        } finally {
            Linux.get().umount2(mnt.toString(), Linux.MNT_DETACH);
        }
        TreeDeleter.delete(root);
        assertFalse(Files.exists(root));
    }

    @Test void aSymlinkOrFileAsRootIsRemovedItselfAndAMissingRootFreesNothing() throws Exception {
        Path target = Files.writeString(tmp.resolve("target"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        TreeDeleter.delete(link);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(target));
        assertEquals(4, TreeDeleter.delete(target));
        assertEquals(0, TreeDeleter.delete(tmp.resolve("never-was")));
    }
}
