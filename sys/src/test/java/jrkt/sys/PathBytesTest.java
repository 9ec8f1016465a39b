package jrkt.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Path's exact bytes and back, on the real file system: ASCII, UTF-8, and bytes that are neither. */
class PathBytesTest {
    @TempDir Path dir;

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void everyKindOfNameRoundTripsByteForByte() {
        List<byte[]> names = List.of(
            bytes("/var/lib/jrkt/pods/run/x"), bytes("relative/path"), bytes("café"), bytes("😀/emoji"),
            new byte[] {'/', 't', (byte) 0xff, (byte) 0xfe}, // not UTF-8
            new byte[] {'a', (byte) 0xef, (byte) 0xbf, (byte) 0xbd}, // U+FFFD's own UTF-8 bytes
            new byte[] {'x', (byte) 0xc3}); // a UTF-8 sequence cut short
        for (byte[] name : names) {
            assertArrayEquals(name, PathBytes.of(PathBytes.path(name)), new String(name, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void anAsciiPathIsItsTextAndAnUnusualOneStillNamesTheFileTheKernelMade() throws Exception {
        assertArrayEquals(bytes("/a/b c/d"), PathBytes.of(Path.of("/a/b c/d")));
        assertEquals(Path.of("/a/b c/d"), PathBytes.path(bytes("/a/b c/d")));
        byte[] odd = {'n', (byte) 0xff, '-', (byte) 0xc3, (byte) 0xa9};
        Linux linux = Linux.get();
        int dirfd = linux.open(dir.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        try {
            linux.close(linux.openat(dirfd, odd, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_CLOEXEC));
            assertArrayEquals(odd, linux.readDirectory(dirfd).get(0).name());
        } finally {
            linux.close(dirfd);
        }
        Path file = PathBytes.resolve(dir, odd);
        assertTrue(Files.exists(file), "the Path made of the bytes names the file the kernel made");
    }
}
