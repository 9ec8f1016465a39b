package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.JrktException;

/**
 * The free space of jrkt's data directory. Below {@link #FULL_BELOW} its file system counts as
 * full: commands that need space refuse to start ("no space left on DIR (free some with jrkt
 * image gc)") rather than fail half-way, and a failure that happens while it is full is
 * reported the same way, whatever low-level error it surfaced as (ENOSPC, SQLITE_FULL, SQLite
 * unable to map its shared memory).
 */
public final class DiskSpace {
    private DiskSpace() {}

    /** Less free space than this is full: the store's index needs some to open at all. */
    public static final long FULL_BELOW = 1 << 20;

    /** The error every command that needs space gives on a full disk. */
    public static final class NoSpaceException extends JrktException {
        public NoSpaceException(Path dataDir) {
            super("no space left on " + dataDir + " (free some with jrkt image gc)");
        }
    }

    /** Bytes still usable in the file system of dir (or of its nearest existing parent); MAX_VALUE when unknown. */
    public static long usable(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) p = p.getParent(); // the store may not exist yet
        if (p == null) return Long.MAX_VALUE;
        long usable = p.toFile().getUsableSpace(); // one statvfs: every command that opens the store asks
        if (usable > 0) return usable;
        try {
            return Files.getFileStore(p).getUsableSpace(); // 0 may also mean statvfs failed: ask again, with the reason
        } catch (IOException e) {
            return Long.MAX_VALUE; // cannot tell: let the command try and report what happens
        }
    }

    public static boolean isFull(Path dataDir) { return usable(dataDir) < FULL_BELOW; }

    /** Throws NoSpaceException when dataDir's file system is full. */
    public static void requireSpace(Path dataDir) {
        if (isFull(dataDir)) throw new NoSpaceException(dataDir);
    }

    /**
     * Whether a failure may have come from a lack of space: an I/O failure anywhere in its causes
     * (SQLite's errors are IOExceptions too). Validation errors of jrkt itself are not.
     */
    public static boolean couldBeNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof java.io.UncheckedIOException) return true;
            for (Throwable s : t.getSuppressed()) if (s instanceof IOException) return true;
        }
        return false;
    }
}
