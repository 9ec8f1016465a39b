package jrkt.sys;

import java.util.List;

/**
 * The Linux calls jrkt makes directly. One interface so that the logic deciding what to
 * call can be tested apart from the calls; {@link #get()} is the one on libc (see {@link Downcall}).
 * Paths are plain strings as the kernel sees them; every method throws
 * {@link SysException} with the call, its subject and errno when the call fails.
 */
public interface Linux {

    static Linux get() { return LibcLinux.INSTANCE; }

    // mount(2) flags
    long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32,
         MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_PRIVATE = 1 << 18,
         MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
    // umount2(2) flags
    int MNT_FORCE = 1, MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;
    // flock(2)
    int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    // open(2)
    int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000,
        O_APPEND = 02000, O_NOCTTY = 0400, O_NONBLOCK = 04000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000,
        O_CLOEXEC = 02000000, O_PATH = 010000000;
    // mknod(2) file types
    int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFBLK = 0060000;
    // clone/unshare/setns namespace flags
    int CLONE_NEWNS = 0x00020000, CLONE_NEWCGROUP = 0x02000000, CLONE_NEWUTS = 0x04000000,
        CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
        CLONE_NEWNET = 0x40000000;

    void mount(String source, String target, String fstype, long flags, String data) throws SysException;
    void umount2(String target, int flags) throws SysException;

    /** open(2); returns the fd. */
    int open(String path, int flags, int mode) throws SysException;
    void close(int fd) throws SysException;

    /**
     * mkdir(2) with mode (less the umask); false, not a failure, when the path exists already
     * (EEXIST), whatever it is: the caller that needs a directory there finds out on first use.
     */
    boolean mkdir(String path, int mode) throws SysException;

    /**
     * Writes data to an existing file in one write(2) (open without O_CREAT, write, close): the way
     * control files of cgroupfs and procfs take a value, each write parsed on its own. A short
     * write is a failure (EIO), as is any error of the three calls, named by the call.
     */
    void writeExisting(String path, byte[] data) throws SysException;

    /**
     * Creates the file with mode (less the umask) and data: O_CREAT|O_EXCL|O_NOFOLLOW, so that
     * nothing already there, a symbolic link least of all, is opened. A failure after the create
     * (a full disk) removes the file again. For the files of a directory this process just made.
     */
    void writeNew(String path, byte[] data, int mode) throws SysException;

    /**
     * The first max bytes of a small file (a pod's status files), opened with O_NOFOLLOW; null
     * when there is no such file or it is a symbolic link (ENOENT, ENOTDIR, ELOOP), which most
     * status files are most of the time: no exception is made for that. Other errors throw.
     */
    byte[] readSmall(String path, int max) throws SysException;
    /** flock(2); with LOCK_NB returns false instead of throwing when the lock is held elsewhere. */
    boolean flock(int fd, int operation) throws SysException;
    /** Clears FD_CLOEXEC so that the fd survives execve. */
    void clearCloexec(int fd) throws SysException;
    /**
     * An fcntl(2) record lock on the whole file (F_SETLK/F_SETLKW; the kind FileChannel.lock takes,
     * so the two see each other): shared or exclusive, waiting or not; false when not waiting and
     * another process holds a conflicting lock. The process's lock: any close of the file drops it.
     */
    boolean lockWholeFile(int fd, boolean exclusive, boolean wait) throws SysException;

    /** makedev(3). */
    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
             | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    // File calls on a Path, with its exact bytes whatever the locale (see PathBytes): files whose
    // names come from images may hold any byte but NUL.
    void mknod(java.nio.file.Path path, int mode, long dev) throws SysException;
    /** lchown(2): changes the owner of a symlink itself, not what it points to. */
    void lchown(java.nio.file.Path path, int uid, int gid) throws SysException;
    void chmod(java.nio.file.Path path, int mode) throws SysException;
    /** utimensat(2) with AT_SYMLINK_NOFOLLOW; times in nanoseconds since the epoch. */
    void lutimes(java.nio.file.Path path, long atimeNanos, long mtimeNanos) throws SysException;
    void lsetxattr(java.nio.file.Path path, String name, byte[] value) throws SysException;
    /** Returns null when the attribute is absent. */
    byte[] lgetxattr(java.nio.file.Path path, String name) throws SysException;
    java.util.List<String> llistxattr(java.nio.file.Path path) throws SysException;
    /** symlink(2): link, pointing at exactly these bytes. */
    void symlink(byte[] target, java.nio.file.Path link) throws SysException;
    /** readlink(2): the exact bytes a symlink points at. */
    byte[] readlink(java.nio.file.Path link) throws SysException;

    void unshare(int flags) throws SysException;
    void setns(int fd, int nstype) throws SysException;
    int getpid();
    int geteuid();
    void kill(int pid, int signal) throws SysException;

    /**
     * Sets the network interface {@code name} up (IFF_UP, through SIOCGIFFLAGS/SIOCSIFFLAGS on an
     * AF_INET socket), in the network namespace of the calling thread.
     */
    void setLinkUp(String name) throws SysException;

    /** chdir(2): changes the whole process's working directory (only sensible right before execve). */
    void chdir(String path) throws SysException;

    /**
     * execve(2): replaces this process (the whole JVM) on success, never returns. The new
     * program inherits fds 0-2 and only those fds opened by {@link #open} without O_CLOEXEC or
     * passed to {@link #clearCloexec}; the JVM's own fds are closed. No signal stays blocked.
     */
    void execve(String path, String[] argv, String[] envp) throws SysException;

    /**
     * posix_spawn(3): starts the program at path with argv and envp, its stdin, stdout and stderr
     * opened from these files (stdin read-only; stdout and stderr created or truncated, mode
     * 0600; a symlink in their place fails the spawn with ELOOP), or this process's own where
     * null, in directory dir (null: this process's), with no other fd, no signal blocked and every
     * signal at its default action. Returns its pid, for {@link #waitChild}. jrkt starts its helpers (CNI plugins, stage1's stop and gc) this way,
     * not with ProcessBuilder, whose first start sets up the JDK's logging: a lookup of a logger
     * service in every jar, 12-20 ms of a start on a CNI network.
     */
    int spawn(String path, String[] argv, String[] envp, String dir, String stdin, String stdout, String stderr) throws SysException;

    /**
     * Waits for a child {@link #spawn} started, at most timeoutMillis (negative: as long as it
     * runs), and reaps it: its exit status, or 128 plus the signal that ended it; -1 when the
     * time ran out first (it still runs and is not reaped: kill it and wait again).
     */
    int waitChild(int pid, long timeoutMillis) throws SysException;

    // ---- directory fds: walking trees that pods and images control, one name at a time ----

    /** unlinkat(2) flag: remove a directory. */
    int AT_REMOVEDIR = 0x200;

    /** What statx(2) tells of one file; dev packs major and minor, as {@link #makedev} does. */
    record FileStat(int mode, long dev, long ino, long size, boolean immutable, boolean appendOnly, int uid, int gid) {
        public boolean isDirectory() { return (mode & 0170000) == 0040000; }
        public boolean isRegularFile() { return (mode & 0170000) == 0100000; }
    }

    /** One entry of a directory: its name as the kernel holds it, and its d_type (0 when the file system does not tell). */
    record DirEntry(byte[] name, int type) {
        public static final int DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;
    }

    /** openat(2) of one name (no '/') relative to dirfd; returns the fd. */
    int openat(int dirfd, byte[] name, int flags) throws SysException;

    /** The dirfd that makes statAt and openat take a path as open(2) does (absolute, or from the working directory). */
    int AT_FDCWD = -100;

    /** statx(2) of name in dirfd, not following a symlink; an empty name is dirfd itself. */
    FileStat statAt(int dirfd, byte[] name) throws SysException;

    /**
     * statx(2) of a path, not following a symlink at its end; null when nothing is there (ENOENT,
     * ENOTDIR): the question most of jrkt's checks ask, answered without an exception.
     */
    FileStat statIfPresent(java.nio.file.Path path) throws SysException;

    /** unlink(2) of a path that is not a directory; false when nothing was there (ENOENT), without an exception. */
    boolean unlinkIfPresent(java.nio.file.Path path) throws SysException;

    /** Every entry of an open directory from its current offset to its end, without "." and ".." (getdents64). */
    List<DirEntry> readDirectory(int dirfd) throws SysException;

    /** Every entry of the directory at path (a symlink there is not followed: ELOOP), without "." and "..". */
    default List<DirEntry> readDirectory(java.nio.file.Path dir) throws SysException {
        int fd = openat(AT_FDCWD, PathBytes.of(dir), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        try {
            return readDirectory(fd);
        } finally {
            close(fd);
        }
    }

    /** unlinkat(2) of one name in dirfd; flags 0 or {@link #AT_REMOVEDIR}. */
    void unlinkat(int dirfd, byte[] name, int flags) throws SysException;

    /** syncfs(2): writes back everything of the file system holding fd. */
    void syncfs(int fd) throws SysException;
}
