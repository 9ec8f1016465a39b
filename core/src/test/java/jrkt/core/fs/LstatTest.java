package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lstat answers as NIO does with NOFOLLOW_LINKS: a link at the end is looked at, not through. */
class LstatTest {
    @TempDir Path dir;

    @Test
    void answersAsNioDoesWithoutFollowingTheLastLink() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "x");
        Path sub = Files.createDirectory(dir.resolve("etc"));
        Path toFile = Files.createSymbolicLink(dir.resolve("to-file"), file);
        Path toDir = Files.createSymbolicLink(dir.resolve("to-dir"), sub);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        for (Path p : new Path[] {file, sub, toFile, toDir, dangling, dir.resolve("absent"), file.resolve("below")}) {
            assertTrue(Lstat.exists(p) == Files.exists(p, LinkOption.NOFOLLOW_LINKS), "exists " + p);
            assertTrue(Lstat.isDirectory(p) == Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), "isDirectory " + p);
            assertTrue(Lstat.isRegularFile(p) == Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), "isRegularFile " + p);
        }
        assertTrue(Lstat.deleteIfExists(toDir));
        assertTrue(Files.isDirectory(sub), "the link went, not the directory");
        assertFalse(Lstat.deleteIfExists(toDir));
        assertTrue(Lstat.deleteIfExists(Files.createDirectory(dir.resolve("empty"))), "an empty directory, as Files.deleteIfExists");
    }
}
