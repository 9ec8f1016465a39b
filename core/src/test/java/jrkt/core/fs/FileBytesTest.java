package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileBytes.read keeps Files.readAllBytes's contract, which its callers catch by. */
class FileBytesTest {
    @TempDir Path dir;

    @Test
    void readsAWholeFileFollowsLinksAndTellsAnAbsentOneByNoSuchFile() throws Exception {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        Path file = Files.write(dir.resolve("pod"), data);
        assertArrayEquals(data, FileBytes.read(file));
        assertArrayEquals(data, FileBytes.read(Files.createSymbolicLink(dir.resolve("link"), file)));
        assertThrows(NoSuchFileException.class, () -> FileBytes.read(dir.resolve("absent")));
        assertThrows(NoSuchFileException.class, () -> FileBytes.read(Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"))));
        IOException e = assertThrows(IOException.class, () -> FileBytes.read(dir));
        assertFalse(e instanceof NoSuchFileException, "a directory is there: not reported as absent");
    }
}
