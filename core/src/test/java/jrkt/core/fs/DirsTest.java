package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirsTest {
    @TempDir Path tmp;

    @Test
    void makesWhatIsMissingKeepsWhatIsThereAndRefusesAFile() throws Exception {
        Path deep = tmp.resolve("a/b/c");
        assertEquals(deep, Dirs.made(deep));
        assertTrue(Files.isDirectory(deep));
        Files.writeString(deep.resolve("kept"), "x");
        Dirs.made(deep); // there already: left as it is
        assertEquals("x", Files.readString(deep.resolve("kept")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), deep);
        assertEquals(link, Dirs.made(link), "a symlink to a directory is a directory, as for Files.createDirectories");
        Path file = Files.writeString(tmp.resolve("file"), "");
        assertThrows(FileAlreadyExistsException.class, () -> Dirs.made(file));
    }
}
