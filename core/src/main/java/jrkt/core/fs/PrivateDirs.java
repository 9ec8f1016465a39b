package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
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

    private static final Set<PosixFilePermission> OWNER_ONLY =
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000;

    /** Creates dir (and missing parents) as 0700 owned by root, or makes an existing one so; returns it. */
    public static Path ensure(Path dir) {
        try {
            // one lstat for all three checks: every command that opens the store makes two of these
            Map<String, Object> st = stat(dir);
            if (st == null || ((Integer) st.get("mode") & S_IFMT) != S_IFDIR) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                st = stat(dir);
                if (st == null) throw new NoSuchFileException(dir.toString());
            }
            if (((Integer) st.get("mode") & 07777) != 0700) Files.setPosixFilePermissions(dir, OWNER_ONLY);
            // a directory someone else made beforehand stays theirs to open up again: take it
            if ((Integer) st.get("uid") != 0 && jrkt.sys.Linux.get().geteuid() == 0) {
                Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            }
            return dir;
        } catch (IOException e) {
            throw new JrktException("cannot make " + dir + " private to root: " + jrkt.core.IoErrors.reason(e), e);
        }
    }

    /** Its mode and uid, not following a symbolic link; null when nothing is there. */
    private static Map<String, Object> stat(Path dir) throws IOException {
        try {
            return Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
