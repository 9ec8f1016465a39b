package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A copied tree keeps what a root filesystem needs; a linked one shares its files. */
class TreeCopyTest {
    @TempDir Path tmp;

    static Object attr(Path p, String name) throws Exception {
        return Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void keepsOwnersModesTimesLinksFifosAndXattrs() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path bin = Files.createDirectories(src.resolve("bin"));
        Path su = Files.writeString(bin.resolve("su"), "setuid program");
        Files.setAttribute(su, "unix:uid", 1234);
        Files.setAttribute(su, "unix:gid", 5678);
        Files.setAttribute(su, "unix:mode", 04755); // after chown, which clears setuid
        Files.createLink(bin.resolve("su-again"), su);
        Files.createSymbolicLink(bin.resolve("sh"), Path.of("busybox"));
        Path tmpDir = Files.createDirectories(src.resolve("tmp"));
        Files.setAttribute(tmpDir, "unix:mode", 01777);
        assertEquals(0, new ProcessBuilder("mkfifo", src.resolve("fifo").toString()).start().waitFor());
        Files.getFileAttributeView(su, UserDefinedFileAttributeView.class)
                .write("jrkt.test", ByteBuffer.wrap("kept".getBytes(StandardCharsets.UTF_8)));
        FileTime old = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
        Files.setLastModifiedTime(su, old);
        Files.setLastModifiedTime(bin, old);

        Path dst = tmp.resolve("dst");
        TreeCopy.copy(src, dst);

        Path su2 = dst.resolve("bin/su");
        assertEquals("setuid program", Files.readString(su2));
        assertEquals(04755, (Integer) attr(su2, "unix:mode") & 07777);
        assertEquals(1234, attr(su2, "unix:uid"));
        assertEquals(5678, attr(su2, "unix:gid"));
        assertEquals(old, Files.getLastModifiedTime(su2));
        assertEquals(old, Files.getLastModifiedTime(dst.resolve("bin")), "directory time set after its entries");
        assertEquals(attr(su2, "unix:ino"), attr(dst.resolve("bin/su-again"), "unix:ino"), "hardlink kept");
        assertTrue(Files.isSymbolicLink(dst.resolve("bin/sh")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(dst.resolve("bin/sh")));
        assertEquals(01777, (Integer) attr(dst.resolve("tmp"), "unix:mode") & 07777);
        assertEquals(0010000, (Integer) attr(dst.resolve("fifo"), "unix:mode") & 0170000, "FIFO stays a FIFO");
        var xattrs = Files.getFileAttributeView(su2, UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(xattrs.size("jrkt.test"));
        xattrs.read("jrkt.test", value);
        assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), value.array());
    }

    @Test
    void linkFilesNeverFollowsASymlinkOutOfTheTree() throws Exception {
        Path outside = Files.writeString(tmp.resolve("host-file"), "host");
        Path outsideDir = Files.createDirectories(tmp.resolve("host-dir"));
        FileTime hostTime = FileTime.from(Instant.parse("2021-05-06T07:08:09Z"));
        Files.setLastModifiedTime(outside, hostTime);
        Files.setLastModifiedTime(outsideDir, hostTime);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path toFile = Files.createSymbolicLink(src.resolve("to-file"), outside);
        Files.setAttribute(toFile, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.createSymbolicLink(src.resolve("to-dir"), outsideDir);
        // deeper down, where the listing's entry types decide what is linked: a magic link and a climb
        Path deep = Files.createDirectories(src.resolve("usr/lib"));
        Files.createSymbolicLink(deep.resolve("host-root"), Path.of("/proc/self/root"));
        Files.createSymbolicLink(deep.resolve("up"), Path.of("../../../host-dir"));
        Path dst = Files.createDirectories(tmp.resolve("dst"));

        TreeCopy.linkFiles(src, dst);

        assertTrue(Files.isSymbolicLink(dst.resolve("to-file")) && Files.isSymbolicLink(dst.resolve("to-dir")));
        assertEquals(Path.of("/proc/self/root"), Files.readSymbolicLink(dst.resolve("usr/lib/host-root")), "copied as a link, not entered");
        assertEquals(Path.of("../../../host-dir"), Files.readSymbolicLink(dst.resolve("usr/lib/up")));
        assertEquals(0, attr(outside, "unix:uid"), "the file the symlink names keeps its owner");
        assertEquals(hostTime, Files.getLastModifiedTime(outside), "and its times");
        assertEquals(hostTime, Files.getLastModifiedTime(outsideDir));
        try (var left = Files.list(outsideDir)) {
            assertEquals(0, left.count(), "nothing is linked into the directory a symlink names");
        }
    }

    @Test
    void linkFilesSharesRegularFilesAndCopiesTheRestIntoAnExistingTarget() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/bin"));
        Files.writeString(src.resolve("init"), "stage1");
        Files.setAttribute(src.getParent(), "unix:mode", 0750);
        Path enter = Files.createSymbolicLink(src.resolve("enter"), Path.of("init"));
        Files.setAttribute(enter, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(src, "unix:uid", 1234);
        Files.setAttribute(src, "unix:gid", 5678);
        Files.setAttribute(src, "unix:mode", 02751); // after chown, which clears setgid
        Files.getFileAttributeView(src, UserDefinedFileAttributeView.class)
                .write("jrkt.test", ByteBuffer.wrap("dir".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, new ProcessBuilder("mkfifo", src.resolve("fifo").toString()).start().waitFor());
        FileTime old = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
        Files.setLastModifiedTime(src, old);
        Path dst = Files.createDirectories(tmp.resolve("dst"));

        TreeCopy.linkFiles(src.getParent(), dst);

        assertEquals(attr(src.resolve("init"), "unix:ino"), attr(dst.resolve("bin/init"), "unix:ino"), "regular files are linked");
        assertEquals(Path.of("init"), Files.readSymbolicLink(dst.resolve("bin/enter")));
        assertEquals(4321, attr(dst.resolve("bin/enter"), "unix:uid"), "a symlink keeps its owner");
        assertEquals(0750, (Integer) attr(dst, "unix:mode") & 07777, "the existing target takes the source's mode");
        Path bin = dst.resolve("bin");
        assertEquals(02751, (Integer) attr(bin, "unix:mode") & 07777);
        assertEquals(1234, attr(bin, "unix:uid"));
        assertEquals(5678, attr(bin, "unix:gid"));
        assertEquals(old, Files.getLastModifiedTime(bin), "directory time set after its entries");
        assertEquals(0010000, (Integer) attr(bin.resolve("fifo"), "unix:mode") & 0170000, "a FIFO is made anew, not linked");
        var xattrs = Files.getFileAttributeView(bin, UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(xattrs.size("jrkt.test"));
        xattrs.read("jrkt.test", value);
        assertArrayEquals("dir".getBytes(StandardCharsets.UTF_8), value.array(), "a directory keeps its xattrs");
    }
}
