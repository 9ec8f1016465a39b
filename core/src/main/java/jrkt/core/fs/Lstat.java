package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Questions about a path that do not follow a symlink at its end, answered through the C gate
 * without an exception for an absent file. NIO's answers with LinkOption.NOFOLLOW_LINKS build two
 * exceptions (stack traces filled in by the interpreter) for every file that is not there, which
 * is what most of a start's checks find: an image without /etc/resolv.conf, a temporary file
 * cleared before it is written.
 */
public final class Lstat {
    private Lstat() {}

    /** Whether anything (a symlink included) is there; false also when it cannot be told, as Files.exists. */
    public static boolean exists(Path path) {
        return stat(path) != null;
    }

    public static boolean isDirectory(Path path) {
        Linux.FileStat st = stat(path);
        return st != null && st.isDirectory();
    }

    public static boolean isRegularFile(Path path) {
        Linux.FileStat st = stat(path);
        return st != null && st.isRegularFile();
    }

    /** Removes what is there (an empty directory too, as Files.deleteIfExists); false when nothing was. */
    public static boolean deleteIfExists(Path path) throws IOException {
        try {
            return Linux.get().unlinkIfPresent(path);
        } catch (SysException e) {
            return Files.deleteIfExists(path); // a directory (EISDIR), or an error NIO reports by its own words
        }
    }

    private static Linux.FileStat stat(Path path) {
        try {
            return Linux.get().statIfPresent(path);
        } catch (SysException e) {
            return null; // EACCES, ELOOP in a parent...: cannot be told, as NIO's answers
        }
    }
}
