package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import jrkt.core.JrktException;

/**
 * Directories only root may enter: the store ({@code <dir>/cas}) and the pods ({@code <dir>/pods}).
 * What images put there (setuid-root files, device nodes) and what pods write there (overlay
 * upper directories) must not be reachable by a local user, so the directory above them all is
 * 0700; nothing below needs its own protection. Directories made by older jrkt (0755) are fixed
 * when they are next opened.
 */
public final class PrivateDirs {
    private PrivateDirs() {}

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /** Creates dir (and missing parents) as 0700 owned by root, or makes an existing one so; returns it. */
    public static Path ensure(Path dir) {
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            }
            // a directory someone else made beforehand stays theirs to open up again: take it
            if (jrkt.sys.Linux.get().geteuid() == 0 && (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0) {
                Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            }
            return dir;
        } catch (IOException e) {
            throw new JrktException("cannot make " + dir + " private to root: " + jrkt.core.IoErrors.reason(e), e);
        }
    }
}
