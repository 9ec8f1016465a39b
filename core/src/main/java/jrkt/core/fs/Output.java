package jrkt.core.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.KernelRandom;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * What export, extract and render write for a user: built beside the target under a hidden
 * name, synced, and renamed into place only when complete, so that a failure (a full disk)
 * leaves neither a half-written output nor a damaged old one, and an output is reported
 * written only once it is on the disk.
 *
 * <p>--overwrite replaces only what the command itself makes: a regular file for export, a
 * directory for extract and render. A device node (/dev/full), a FIFO, a symlink, a mount
 * point or a file where a tree goes is refused, and stays as it was.
 */
public final class Output {
    private Output() {}

    /** What a command writes. */
    public enum Kind {
        FILE("a regular file"), TREE("a directory");

        final String what;

        Kind(String what) { this.what = what; }
    }

    /** Builds the output at the path it is given (which does not exist yet). */
    public interface Writer {
        void write(Path staged) throws IOException;
    }

    /** The absolute target, checked: absent, or with overwrite what this kind of output may replace. */
    public static Path target(Path path, Kind kind, boolean overwrite) {
        Path target = path.toAbsolutePath().normalize();
        if (target.getParent() == null) throw new JrktException(path + ": cannot write to /");
        Map<String, Object> a;
        try {
            a = Files.readAttributes(target, "unix:mode,dev", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException absent) {
            return target;
        } catch (IOException e) {
            throw new JrktException(path + ": " + IoErrors.reason(e), e);
        }
        if (!overwrite) throw new JrktException(path + " already exists; use --overwrite to replace it");
        int type = (Integer) a.get("mode") & 0170000;
        boolean fits = kind == Kind.FILE ? type == 0100000 : type == 0040000 && !isMountPoint(target, (Long) a.get("dev"));
        if (!fits) {
            String is = type == 0040000 && kind == Kind.TREE ? "a mount point" : describe(type);
            throw new JrktException(path + " is " + is + "; --overwrite replaces only " + kind.what);
        }
        return target;
    }

    private static boolean isMountPoint(Path dir, long dev) {
        try {
            return !dev(dir.getParent()).equals(dev);
        } catch (IOException e) {
            return true; // cannot tell: do not replace it
        }
    }

    private static Long dev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }

    /** What is at path ("a character device", ...), not following a symlink; null when nothing is. */
    public static String existingKind(Path path) {
        try {
            return describe((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(int type) {
        return switch (type) {
            case 0040000 -> "a directory";
            case 0120000 -> "a symbolic link";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0010000 -> "a FIFO";
            case 0140000 -> "a socket";
            default -> "a regular file";
        };
    }

    /**
     * Has writer build the output beside target (see {@link #target}), syncs it, renames it into
     * place and syncs the directory; on a failure what was built is removed and target is left
     * as it was. Failures are JrktExceptions naming target.
     */
    public static void write(Path target, Kind kind, Writer writer) {
        Path staged = sibling(target, "tmp");
        try {
            Files.createDirectories(target.getParent());
            writer.write(staged);
            sync(staged, kind);
            commit(staged, target);
            syncDirectory(target.getParent());
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(staged, e);
            if (e instanceof JrktException je) throw je;
            throw new JrktException("cannot write " + target + ": "
                + (e instanceof IOException io ? IoErrors.describe(io) : String.valueOf(e)), e);
        }
    }

    /** A fresh, not yet existing path in the target's directory. */
    static Path sibling(Path target, String purpose) {
        // not UUID.randomUUID: its SecureRandom sets up the JDK's security providers, 20 ms of a
        // run --uuid-file-save
        return target.resolveSibling("." + target.getFileName() + "." + purpose + "-" + KernelRandom.hex(4, "a temporary name"));
    }

    private static void sync(Path staged, Kind kind) throws IOException {
        if (kind == Kind.FILE) {
            try (FileChannel f = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                f.force(true);
            }
            return;
        }
        // A tree is many files: one syncfs writes back all of them.
        Linux linux = Linux.get();
        try {
            int fd = linux.open(staged.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
            try {
                linux.syncfs(fd);
            } finally {
                linux.close(fd);
            }
        } catch (SysException e) {
            throw new IOException("sync " + staged + ": " + e.getMessage(), e);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Renames a complete staged file or directory to target, replacing what is there. */
    static void commit(Path staged, Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        if (!Files.isDirectory(staged) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE); // rename(2) replaces a file atomically
            return;
        }
        // rename(2) cannot replace a non-empty directory: move the old one aside first.
        Path old = sibling(target, "old");
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        Trees.delete(old);
    }
}
