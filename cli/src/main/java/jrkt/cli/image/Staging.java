package jrkt.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import jrkt.core.JrktException;
import jrkt.core.fs.Trees;

/**
 * Output files and directories are built beside their target under a hidden name and renamed
 * into place when complete, so a failure leaves neither a half-written output nor a damaged old one.
 */
final class Staging {
    private Staging() {}

    /** The absolute target; refuses an existing one unless overwrite was asked for. */
    static Path target(Path path, boolean overwrite) throws IOException {
        Path target = path.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
            throw new JrktException(path + " already exists; use --overwrite to replace it");
        }
        Files.createDirectories(target.getParent());
        return target;
    }

    /** A fresh, not yet existing path in the target's directory. */
    static Path sibling(Path target, String purpose) {
        return target.resolveSibling("." + target.getFileName() + "." + purpose + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Writes a file or directory at the path it is given (which does not exist yet). */
    interface Writer {
        void write(Path staged) throws IOException;
    }

    /**
     * Has writer build the output at a fresh hidden sibling of target, then renames it into place;
     * on a failure what was built is removed and target is left as it was.
     */
    static void write(Path target, String purpose, Writer writer) throws IOException {
        Path staged = sibling(target, purpose);
        try {
            writer.write(staged);
            commit(staged, target);
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(staged, e);
            throw e;
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
