package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Directories every command expects to find. */
public final class Dirs {
    private Dirs() {}

    /**
     * dir, made with its parents unless it is a directory already (following symlinks, as
     * Files.createDirectories does). The usual case costs one stat: Files.createDirectories
     * tries a mkdir first, and its EEXIST becomes an exception with a stack trace, caught and
     * checked; a run met nine of them, interpreted, in the store's and the pods' directories.
     */
    public static Path made(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) Files.createDirectories(dir);
        return dir;
    }
}
