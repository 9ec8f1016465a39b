package jrkt.core.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jrkt.core.Quote;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Deletes a directory tree that a pod or an image may have shaped: through directory fds, one
 * name at a time, so that no path is ever longer than one name and no symlink is followed; with
 * at most three fds open however deep the tree is (an app can leave millions of levels, more
 * than any fd limit); and in time linear in its entries, without recursion.
 *
 * <p>The walk goes down by {@code openat(name, O_NOFOLLOW)} and back up by {@code ".."}; each
 * directory's device and inode are recorded on the way down and checked on the way up, so a
 * directory moved during the walk stops it instead of leading it elsewhere. It never enters
 * another file system (a mount point below the root is an error, not something to empty).
 * A failure names the file (its path shortened when it is deep) and why, e.g. that it is immutable.
 */
public final class TreeDeleter {
    private static final int OPEN_DIR = Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_NOFOLLOW | Linux.O_CLOEXEC;
    private static final byte[] DOT_DOT = {'.', '.'};
    private static final byte[] SELF = {};

    private final Linux linux = Linux.get();
    private final Path root;
    private final Deque<Frame> frames = new ArrayDeque<>();
    /**
     * The directory the walk is in, open; a field, not a local passed around, so that whoever
     * closes it after a failure deep in the tree closes the fd open then, not the root's again:
     * closed twice, that number may meanwhile be another thread's file (gc sweeps on several).
     */
    private int cur = -1;
    private long freed;

    /** A directory on the way down: its name in its parent, its identity, the subdirectories still to delete. */
    private static final class Frame {
        final byte[] name;
        final long dev, ino;
        List<byte[]> pendingDirs;

        Frame(byte[] name, long dev, long ino) {
            this.name = name;
            this.dev = dev;
            this.ino = ino;
        }
    }

    private TreeDeleter(Path root) { this.root = root; }

    /**
     * Deletes root (a file, a symlink or a directory tree; the symlink itself, never its target)
     * and returns the bytes of the regular files it held. A root that does not exist frees 0.
     */
    public static long delete(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        if (absolute.getParent() == null) throw new FileSystemException(absolute.toString(), null, "refusing to delete /");
        return new TreeDeleter(absolute).run();
    }

    private long run() throws IOException {
        Linux.FileStat top;
        byte[] rootName = root.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        int parentFd;
        try {
            parentFd = linux.openat(Linux.AT_FDCWD, root.getParent().toString().getBytes(StandardCharsets.UTF_8),
                Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC);
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) return 0;
            throw failure(root.getParent().toString(), e);
        }
        try {
            try {
                top = linux.statAt(parentFd, rootName);
            } catch (SysException e) {
                if (e.errno() == Errno.ENOENT) return 0;
                throw failure(root.toString(), e);
            }
            if (!top.isDirectory()) {
                unlink(parentFd, rootName, 0, root.toString());
                return top.isRegularFile() ? top.size() : 0;
            }
            cur = openChecked(parentFd, rootName, top.dev(), top.ino(), root.toString());
            frames.push(new Frame(rootName, top.dev(), top.ino()));
            try {
                walk();
            } finally {
                closeQuietly(cur);
                cur = -1;
            }
            unlink(parentFd, rootName, Linux.AT_REMOVEDIR, root.toString());
            return freed;
        } finally {
            closeQuietly(parentFd);
        }
    }

    /** Empties the root directory open as cur, deepest first; cur is then the root's fd again. */
    private void walk() throws IOException {
        while (true) {
            Frame frame = frames.peek();
            if (frame.pendingDirs == null) frame.pendingDirs = emptyAllButDirectories(cur);
            if (!frame.pendingDirs.isEmpty()) {
                byte[] name = frame.pendingDirs.removeLast();
                Linux.FileStat st;
                int child;
                try {
                    child = linux.openat(cur, name, OPEN_DIR);
                } catch (SysException e) {
                    if (e.errno() == Errno.ENOENT) continue;
                    throw failure(where(name), e);
                }
                try {
                    st = linux.statAt(child, SELF);
                } catch (SysException e) {
                    closeQuietly(child);
                    throw failure(where(name), e);
                }
                if (st.dev() != frame.dev) {
                    closeQuietly(child);
                    throw new FileSystemException(where(name), null, "is a mount point (another file system); unmount it first");
                }
                closeQuietly(cur);
                cur = child;
                frames.push(new Frame(name, st.dev(), st.ino()));
                continue;
            }
            if (frames.size() == 1) return;
            // Back up to the parent, checking it is the directory we came down from.
            frames.pop();
            Frame parent = frames.peek();
            int up;
            try {
                up = linux.openat(cur, DOT_DOT, OPEN_DIR);
            } catch (SysException e) {
                throw failure(where(null), e);
            }
            closeQuietly(cur);
            cur = up;
            Linux.FileStat st;
            try {
                st = linux.statAt(cur, SELF);
            } catch (SysException e) {
                throw failure(where(null), e);
            }
            if (st.dev() != parent.dev || st.ino() != parent.ino) {
                throw new FileSystemException(where(null), null, "was moved while it was being deleted");
            }
            unlink(cur, frame.name, Linux.AT_REMOVEDIR, where(frame.name));
        }
    }

    /** Unlinks every entry of the directory but its subdirectories, whose names it returns. */
    private List<byte[]> emptyAllButDirectories(int dir) throws IOException {
        List<Linux.DirEntry> entries;
        try {
            entries = linux.readDirectory(dir);
        } catch (SysException e) {
            throw failure(where(null), e);
        }
        List<byte[]> dirs = new ArrayList<>();
        for (Linux.DirEntry e : entries) {
            int type = e.type();
            long size = 0;
            if (type == Linux.DirEntry.DT_UNKNOWN || type == Linux.DirEntry.DT_REG) {
                try {
                    Linux.FileStat st = linux.statAt(dir, e.name());
                    if (st.isDirectory()) type = Linux.DirEntry.DT_DIR;
                    else if (st.isRegularFile()) size = st.size();
                } catch (SysException ex) {
                    if (ex.errno() == Errno.ENOENT) continue;
                    throw failure(where(e.name()), ex);
                }
            }
            if (type == Linux.DirEntry.DT_DIR) {
                dirs.add(e.name());
            } else {
                unlink(dir, e.name(), 0, where(e.name()));
                freed += size;
            }
        }
        return dirs;
    }

    private void unlink(int dir, byte[] name, int flags, String where) throws IOException {
        try {
            linux.unlinkat(dir, name, flags);
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) return;
            if (e.errno() == Errno.EPERM) throw new FileSystemException(where, null, whyNotPermitted(dir, name));
            throw failure(where, e);
        }
    }

    /** EPERM from unlink: as root that is an immutable or append-only file or directory; say which. */
    private String whyNotPermitted(int dir, byte[] name) {
        try {
            Linux.FileStat file = linux.statAt(dir, name);
            if (file.immutable()) return "it is immutable (chattr -i removes the flag)";
            if (file.appendOnly()) return "it is append-only (chattr -a removes the flag)";
            Linux.FileStat parent = linux.statAt(dir, SELF);
            if (parent.immutable()) return "its directory is immutable (chattr -i removes the flag)";
            if (parent.appendOnly()) return "its directory is append-only (chattr -a removes the flag)";
        } catch (SysException ignored) {
            // fall back to the plain reason
        }
        return "operation not permitted";
    }

    /**
     * The path of name in the current directory (or of the current directory when name is null),
     * with the middle left out when it is deep: a tree an app made can be far longer than any
     * message should be.
     */
    private String where(byte[] name) {
        List<String> parts = new ArrayList<>();
        var it = frames.descendingIterator();
        it.next(); // the root itself
        while (it.hasNext()) parts.add(new String(it.next().name, StandardCharsets.UTF_8));
        if (name != null) parts.add(new String(name, StandardCharsets.UTF_8));
        int keep = 4;
        StringBuilder sb = new StringBuilder(root.toString());
        for (int i = 0; i < parts.size(); i++) {
            if (parts.size() > 2 * keep && i == keep) {
                sb.append("/...(").append(parts.size() - 2 * keep).append(" levels)...");
                i = parts.size() - keep - 1;
                continue;
            }
            sb.append('/').append(Quote.shorten(parts.get(i), 64));
        }
        return sb.toString();
    }

    private int openChecked(int dir, byte[] name, long dev, long ino, String where) throws IOException {
        int fd;
        try {
            fd = linux.openat(dir, name, OPEN_DIR);
        } catch (SysException e) {
            throw failure(where, e);
        }
        try {
            Linux.FileStat st = linux.statAt(fd, SELF);
            if (st.dev() != dev || st.ino() != ino) throw new FileSystemException(where, null, "was replaced while it was being deleted");
        } catch (SysException e) {
            closeQuietly(fd);
            throw failure(where, e);
        } catch (IOException e) {
            closeQuietly(fd);
            throw e;
        }
        return fd;
    }

    private static IOException failure(String where, SysException e) {
        if (e.errno() == Errno.ENOENT) return new NoSuchFileException(where);
        String reason = e.getMessage();
        int colon = reason.indexOf("): ");
        if (colon >= 0) reason = reason.substring(colon + 3); // "strerror (ENAME)" without the call
        return new FileSystemException(where, null, reason);
    }

    private void closeQuietly(int fd) {
        try {
            linux.close(fd);
        } catch (SysException ignored) {
            // close(2) frees the fd even when it reports an error
        }
    }
}
