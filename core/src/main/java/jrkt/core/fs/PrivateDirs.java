package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.PathBytes;
import jrkt.sys.SysException;

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

    /** Creates dir (and missing parents) as 0700 owned by root, or makes an existing one so; returns it. */
    public static Path ensure(Path dir) {
        try {
            // one statx for all three checks, through the C gate: every command that opens the store
            // makes three of these, and NIO's "unix:mode,uid" view parsed its attribute names each time
            Linux.FileStat st = stat(dir);
            if (st == null || !st.isDirectory()) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                st = stat(dir);
                if (st == null) throw new NoSuchFileException(dir.toString());
            }
            if ((st.mode() & 07777) != 0700) Files.setPosixFilePermissions(dir, OWNER_ONLY);
            // a directory someone else made beforehand stays theirs to open up again: take it
            if (st.uid() != 0 && Linux.get().geteuid() == 0) {
                Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            }
            return dir;
        } catch (IOException e) {
            throw new JrktException("cannot make " + dir + " private to root: " + jrkt.core.IoErrors.reason(e), e);
        }
    }

    /** Its mode and owner, not following a symbolic link; null when nothing is there. */
    private static Linux.FileStat stat(Path dir) throws IOException {
        try {
            return Linux.get().statAt(Linux.AT_FDCWD, PathBytes.of(dir));
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }
}
