package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jrkt.sys.Linux;
import jrkt.sys.PathBytes;

/**
 * Copies a directory tree as it is: owners, full modes (setuid, sticky), times, xattrs,
 * symlinks as symlinks, device nodes and FIFOs as such, and hardlinks as hardlinks. The target
 * directory may exist already (it then takes the source's owner, mode and time). Names and link
 * targets are copied byte for byte, whatever the locale (paths are never turned into Strings).
 */
public final class TreeCopy {
    private TreeCopy() {}

    private static final CopyOption[] AS_IS = {StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS};

    /** A device node, FIFO or socket: made anew with mknod, then given the source's owner, mode, xattrs and times. */
    private static void copySpecial(Path source, Path target) throws IOException {
        Linux linux = Linux.get();
        int mode = (Integer) Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long rdev = (Long) Files.getAttribute(source, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        linux.mknod(target, mode, rdev);
        linux.lchown(target, (Integer) Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        linux.chmod(target, mode & 07777); // mknod applies the umask; chown clears setuid
        copyXattrs(linux, source, target);
        BasicFileAttributes attrs = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        linux.lutimes(target, nanos(attrs.lastAccessTime()), nanos(attrs.lastModifiedTime()));
    }

    private static long nanos(FileTime time) {
        return time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A full, independent copy. */
    public static void copy(Path source, Path target) throws IOException {
        Map<Object, Path> copiedInodes = new HashMap<>();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(dir));
                if (dir.equals(source) && Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) copyOwnerAndMode(dir, to);
                else Files.copy(dir, to, AS_IS);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(file));
                if (!attrs.isSymbolicLink() && (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                    Object inode = attrs.fileKey();
                    Path first = copiedInodes.putIfAbsent(inode, to);
                    if (first != null) {
                        Files.createLink(to, first);
                        return FileVisitResult.CONTINUE;
                    }
                }
                if (attrs.isOther()) {
                    copySpecial(file, to); // Files.copy would open a FIFO or device and read it
                } else {
                    Files.copy(file, to, AS_IS);
                }
                return FileVisitResult.CONTINUE;
            }

            // Adding entries changed the directory's times: set them last.
            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.setLastModifiedTime(target.resolve(source.relativize(dir)), Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Directories and everything but regular files are copied; regular files are hard-linked to
     * the source's, for trees nothing writes to (stage1's rootfs in a pod).
     */
    public static void linkFiles(Path source, Path target) throws IOException {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(target);
        linkDirectory(Linux.get(), source, target, new HashMap<>());
    }

    private static final String LINK_ATTRIBUTES = "unix:mode,uid,gid,nlink,ino,dev,lastAccessTime,lastModifiedTime";
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000;

    /**
     * linkFiles of one directory into target, which exists; then target gets source's owner, mode,
     * xattrs and times (adding entries changed them). Every pod start runs this on its stage1's
     * rootfs, so it is written for the interpreter: no tree walker, no path relativising, and the
     * directory's listing tells which entries are regular files (getdents64's d_type), which are
     * linked without a stat (reading the attributes was half of the copy's time); a regular file's
     * link shares the source's inode and so all it has. Other entries are stat'ed once.
     */
    private static void linkDirectory(Linux linux, Path source, Path target, Map<Object, Path> linkedOthers) throws IOException {
        for (Linux.DirEntry entry : linux.readDirectory(source)) {
            Path from = PathBytes.resolve(source, entry.name());
            Path to = PathBytes.resolve(target, entry.name());
            if (entry.type() == Linux.DirEntry.DT_REG) {
                Files.createLink(to, from);
                continue;
            }
            Map<String, Object> a = Files.readAttributes(from, LINK_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            int type = (Integer) a.get("mode") & S_IFMT;
            if (type == S_IFREG) {
                Files.createLink(to, from);
            } else if (type == S_IFDIR) {
                Files.createDirectory(to);
                linkDirectory(linux, from, to, linkedOthers);
            } else if ((Integer) a.get("nlink") > 1 && linkedOthers.putIfAbsent(List.of(a.get("dev"), a.get("ino")), to) instanceof Path first) {
                Files.createLink(to, first); // a hard-linked symlink or node stays one inode
            } else if (type == S_IFLNK) {
                linux.symlink(linux.readlink(from), to);
                linux.lchown(to, (Integer) a.get("uid"), (Integer) a.get("gid"));
                copyXattrs(linux, from, to);
                linux.lutimes(to, nanos((FileTime) a.get("lastAccessTime")), nanos((FileTime) a.get("lastModifiedTime")));
            } else {
                copySpecial(from, to);
            }
        }
        Map<String, Object> self = Files.readAttributes(source, LINK_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        linux.lchown(target, (Integer) self.get("uid"), (Integer) self.get("gid"));
        linux.chmod(target, (Integer) self.get("mode") & 07777); // after chown, which clears setgid
        copyXattrs(linux, source, target);
        linux.lutimes(target, nanos((FileTime) self.get("lastAccessTime")), nanos((FileTime) self.get("lastModifiedTime")));
    }

    private static void copyXattrs(Linux linux, Path source, Path target) throws IOException {
        for (String name : linux.llistxattr(source)) {
            byte[] value = linux.lgetxattr(source, name);
            if (value != null) linux.lsetxattr(target, name, value);
        }
    }

    /**
     * Adds uidShift and gidShift to the owner of everything in the tree, the tree's root
     * included, without following a symlink, keeping the full modes (chown clears setuid and
     * setgid): an app's private copy moved into a pod's id range ({@code --private-users=chown}).
     */
    public static void shiftOwners(Path root, long uidShift, long gidShift) throws IOException {
        Linux linux = Linux.get();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                shift(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                shift(file);
                return FileVisitResult.CONTINUE;
            }

            private void shift(Path p) throws IOException {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                long uid = Integer.toUnsignedLong((Integer) a.get("uid")) + uidShift;
                long gid = Integer.toUnsignedLong((Integer) a.get("gid")) + gidShift;
                linux.lchown(p, (int) uid, (int) gid); // the kernel takes the bits as an unsigned id

                if ((mode & 0170000) != 0120000) linux.chmod(p, mode & 07777);
            }
        });
    }

    /** Owner, then the full mode (chown clears setuid bits): what PosixFilePermission cannot express. */
    public static void copyOwnerAndMode(Path from, Path to) throws IOException {
        // one statx, lchown, chmod through the C gate (every start does this for each app's upper
        // directory; NIO's three views each parsed an attribute name and stat'ed again)
        Linux linux = Linux.get();
        Linux.FileStat st = linux.statAt(Linux.AT_FDCWD, PathBytes.of(from));
        linux.lchown(to, st.uid(), st.gid());
        linux.chmod(to, st.mode() & 07777); // after the chown, which drops set-id bits
    }
}
