package jrkt.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Linux} calls made through the FFM API (java.lang.foreign) on libc.
 * Each libc function is bound on its first use only, and all through the one downcall shape of
 * {@link Downcall}: the run path calls a handful of them and each new shape costs milliseconds.
 * errno is captured by the linker right after the call, before the JVM can clobber it.
 */
final class FfmLinux implements Linux {
    static final Linux INSTANCE = new FfmLinux();

    private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

    private static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
    private static final int IFNAMSIZ = 16, IFREQ_BYTES = 40, IFREQ_FLAGS_OFFSET = 16, IFF_UP = 1;
    private static final int CLOSE_RANGE_CLOEXEC = 4, SIG_SETMASK = 2, SIGSET_BYTES = 128;

    // Every function goes through the one downcall shape of Downcall (integers and pointers as longs).
    private static final Fn MOUNT = new Fn("mount");
    private static final Fn UMOUNT2 = new Fn("umount2");
    private static final Fn OPEN = new Fn("open");
    private static final Fn CLOSE = new Fn("close");
    private static final Fn FLOCK = new Fn("flock");
    private static final Fn FCNTL = new Fn("fcntl");
    private static final Fn MKNOD = new Fn("mknod");
    private static final Fn LCHOWN = new Fn("lchown");
    private static final Fn CHMOD = new Fn("chmod");
    private static final Fn SYMLINK = new Fn("symlink");
    private static final Fn READLINK = new Fn("readlink");
    private static final Fn UTIMENSAT = new Fn("utimensat");
    private static final Fn LSETXATTR = new Fn("lsetxattr");
    private static final Fn LGETXATTR = new Fn("lgetxattr");
    private static final Fn LLISTXATTR = new Fn("llistxattr");
    private static final Fn UNSHARE = new Fn("unshare");
    private static final Fn SETNS = new Fn("setns");
    private static final Fn GETPID = new Fn("getpid");
    private static final Fn GETEUID = new Fn("geteuid");
    private static final Fn KILL = new Fn("kill");
    private static final Fn SOCKET = new Fn("socket");
    private static final Fn IOCTL = new Fn("ioctl");
    private static final Fn CHDIR = new Fn("chdir");
    private static final Fn EXECVE = new Fn("execve");
    private static final Fn CLOSE_RANGE = new Fn("close_range");
    // pthread_sigmask returns the error number instead of setting errno
    private static final Fn PTHREAD_SIGMASK = new Fn("pthread_sigmask");
    private static final Fn OPENAT = new Fn("openat");
    private static final Fn STATX = new Fn("statx");
    private static final Fn GETDENTS64 = new Fn("getdents64");
    private static final Fn UNLINKAT = new Fn("unlinkat");
    private static final Fn SYNCFS = new Fn("syncfs");
    private static final Fn STRERROR = new Fn("strerror");

    /** fds meant to survive execve: opened here without O_CLOEXEC, or passed to clearCloexec. */
    private final Set<Integer> inheritedFds = ConcurrentHashMap.newKeySet();

    private FfmLinux() {}

    /** A libc function whose downcall handle is made on first use. */
    private static final class Fn {
        private final String name;
        private volatile Downcall.Function handle;

        Fn(String name) {
            this.name = name;
        }

        Downcall.Function handle() {
            Downcall.Function h = handle;
            if (h == null) {
                Optional<MemorySegment> symbol = LIBC.find(name);
                if (symbol.isEmpty()) throw new UnsatisfiedLinkError("libc has no " + name);
                h = Downcall.bind(symbol.get());
                handle = h;
            }
            return h;
        }
    }

    private static MemorySegment callState(Arena arena) { return Downcall.callState(arena); }

    private static int errno(MemorySegment callState) { return Downcall.errno(callState); }

    /** A C string's address, 0 (NULL) for null. */
    private static long cString(Arena arena, String s) {
        return s == null ? 0 : arena.allocateFrom(s).address();
    }

    /** A path's exact bytes, NUL-terminated: the address. */
    private static long cBytes(Arena arena, byte[] path) {
        MemorySegment c = arena.allocate(path.length + 1L);
        MemorySegment.copy(path, 0, c, JAVA_BYTE, 0, path.length);
        c.set(JAVA_BYTE, path.length, (byte) 0);
        return c.address();
    }

    private static SysException failure(String call, String subject, MemorySegment callState) {
        return failure(call, subject, errno(callState));
    }

    private static SysException failure(String call, String subject, int errno) {
        return new SysException(call, subject, errno, strerror(errno));
    }

    static String strerror(int errno) {
        long message = Downcall.call(STRERROR.handle(), Downcall.ignoredState(), errno);
        return Downcall.pointer(message).reinterpret(1024).getString(0);
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(MOUNT.handle(), state, cString(arena, source), cString(arena, target), cString(arena, fstype), flags, cString(arena, data));
            if (rc != 0) throw failure("mount", (source == null ? "none" : source) + " on " + target, state);
        }
    }

    @Override
    public void umount2(String target, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(UMOUNT2.handle(), state, cString(arena, target), flags);
            if (rc != 0) throw failure("umount2", target, state);
        }
    }

    /**
     * One thread's errno slot and path buffer, reused by the calls a listing makes for every pod
     * (open, flock, close: a lock test), instead of an arena per call.
     */
    private static final class Scratch {
        static final int PATH_BYTES = 4096; // PATH_MAX, the NUL included
        final MemorySegment state;
        final MemorySegment path;

        Scratch() {
            Arena arena = Arena.ofAuto(); // freed with the thread's Scratch
            state = Downcall.callState(arena);
            path = arena.allocate(PATH_BYTES);
        }

        /** The path NUL-terminated in the buffer, or -1 when it does not fit (then the caller uses an arena). */
        long path(String p) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            if (bytes.length >= PATH_BYTES) return -1;
            MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
            path.set(JAVA_BYTE, bytes.length, (byte) 0);
            return path.address();
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

    private static Scratch scratch() {
        Scratch s = SCRATCH.get();
        if (s == null) SCRATCH.set(s = new Scratch());
        return s;
    }

    @Override
    public int open(String path, int flags, int mode) throws SysException {
        Scratch scratch = scratch();
        long cPath = scratch.path(path);
        if (cPath < 0) {
            try (Arena arena = Arena.ofConfined()) {
                return opened(path, flags, (int) Downcall.call(OPEN.handle(), scratch.state, cString(arena, path), flags, mode), scratch);
            }
        }
        return opened(path, flags, (int) Downcall.call(OPEN.handle(), scratch.state, cPath, flags, mode), scratch);
    }

    private int opened(String path, int flags, int fd, Scratch scratch) throws SysException {
        if (fd < 0) throw failure("open", path, scratch.state);
        if ((flags & O_CLOEXEC) == 0) inheritedFds.add(fd);
        else inheritedFds.remove(fd);
        return fd;
    }

    @Override
    public void close(int fd) throws SysException {
        inheritedFds.remove(fd);
        MemorySegment state = scratch().state;
        int rc = (int) Downcall.call(CLOSE.handle(), state, fd);
        if (rc != 0) throw failure("close", "fd " + fd, state);
    }

    @Override
    public boolean flock(int fd, int operation) throws SysException {
        MemorySegment state = scratch().state;
        int rc = (int) Downcall.call(FLOCK.handle(), state, fd, operation);
        if (rc == 0) return true;
        if ((operation & LOCK_NB) != 0 && errno(state) == Errno.EWOULDBLOCK) return false;
        throw failure("flock", "fd " + fd, state);
    }

    @Override
    public void clearCloexec(int fd) throws SysException {
        int flags = fcntl(fd, F_GETFD, 0);
        fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        inheritedFds.add(fd);
    }

    private static int fcntl(int fd, int command, int argument) throws SysException {
        MemorySegment state = scratch().state;
        int rc = (int) Downcall.call(FCNTL.handle(), state, fd, command, argument);
        if (rc < 0) throw failure("fcntl", "fd " + fd, state);
        return rc;
    }

    @Override
    public void mknod(String path, int mode, long dev) throws SysException {
        mknod(path.getBytes(StandardCharsets.UTF_8), path, mode, dev);
    }

    @Override
    public void mknod(java.nio.file.Path path, int mode, long dev) throws SysException {
        mknod(PathBytes.of(path), path.toString(), mode, dev);
    }

    private void mknod(byte[] pathBytes, String path, int mode, long dev) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(MKNOD.handle(), state, cBytes(arena, pathBytes), mode, dev);
            if (rc != 0) throw failure("mknod", path, state);
        }
    }

    @Override
    public void lchown(String path, int uid, int gid) throws SysException {
        lchown(path.getBytes(StandardCharsets.UTF_8), path, uid, gid);
    }

    @Override
    public void lchown(java.nio.file.Path path, int uid, int gid) throws SysException {
        lchown(PathBytes.of(path), path.toString(), uid, gid);
    }

    private void lchown(byte[] pathBytes, String path, int uid, int gid) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(LCHOWN.handle(), state, cBytes(arena, pathBytes), uid, gid);
            if (rc != 0) throw failure("lchown", path, state);
        }
    }

    @Override
    public void chmod(String path, int mode) throws SysException {
        chmod(path.getBytes(StandardCharsets.UTF_8), path, mode);
    }

    @Override
    public void chmod(java.nio.file.Path path, int mode) throws SysException {
        chmod(PathBytes.of(path), path.toString(), mode);
    }

    private void chmod(byte[] pathBytes, String path, int mode) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(CHMOD.handle(), state, cBytes(arena, pathBytes), mode);
            if (rc != 0) throw failure("chmod", path, state);
        }
    }

    @Override
    public void lutimes(String path, long atimeNanos, long mtimeNanos) throws SysException {
        lutimes(path.getBytes(StandardCharsets.UTF_8), path, atimeNanos, mtimeNanos);
    }

    @Override
    public void symlink(byte[] target, java.nio.file.Path link) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(SYMLINK.handle(), state, cBytes(arena, target), cBytes(arena, PathBytes.of(link)));
            if (rc != 0) throw failure("symlink", link.toString(), state);
        }
    }

    @Override
    public byte[] readlink(java.nio.file.Path link) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            long cLink = cBytes(arena, PathBytes.of(link));
            MemorySegment buffer = arena.allocate(4096); // PATH_MAX: no link target is longer
            long n = Downcall.call(READLINK.handle(), state, cLink, buffer.address(), 4096L);
            if (n < 0) throw failure("readlink", link.toString(), state);
            return buffer.asSlice(0, n).toArray(JAVA_BYTE);
        }
    }

    @Override
    public void lutimes(java.nio.file.Path path, long atimeNanos, long mtimeNanos) throws SysException {
        lutimes(PathBytes.of(path), path.toString(), atimeNanos, mtimeNanos);
    }

    private void lutimes(byte[] pathBytes, String path, long atimeNanos, long mtimeNanos) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment times = arena.allocate(JAVA_LONG, 4); // struct timespec[2]
            times.setAtIndex(JAVA_LONG, 0, Math.floorDiv(atimeNanos, 1_000_000_000L));
            times.setAtIndex(JAVA_LONG, 1, Math.floorMod(atimeNanos, 1_000_000_000L));
            times.setAtIndex(JAVA_LONG, 2, Math.floorDiv(mtimeNanos, 1_000_000_000L));
            times.setAtIndex(JAVA_LONG, 3, Math.floorMod(mtimeNanos, 1_000_000_000L));
            int rc = (int) Downcall.call(UTIMENSAT.handle(), state, AT_FDCWD, cBytes(arena, pathBytes), times.address(), AT_SYMLINK_NOFOLLOW);
            if (rc != 0) throw failure("utimensat", path, state);
        }
    }

    @Override
    public void lsetxattr(String path, String name, byte[] value) throws SysException {
        lsetxattr(path.getBytes(StandardCharsets.UTF_8), path, name, value);
    }

    @Override
    public void lsetxattr(java.nio.file.Path path, String name, byte[] value) throws SysException {
        lsetxattr(PathBytes.of(path), path.toString(), name, value);
    }

    private void lsetxattr(byte[] pathBytes, String path, String name, byte[] value) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment bytes = value.length == 0 ? arena.allocate(1) : arena.allocateFrom(JAVA_BYTE, value);
            int rc = (int) Downcall.call(LSETXATTR.handle(), state, cBytes(arena, pathBytes), cString(arena, name), bytes.address(), value.length, 0);
            if (rc != 0) throw failure("lsetxattr", path + " " + name, state);
        }
    }

    @Override
    public byte[] lgetxattr(String path, String name) throws SysException {
        return lgetxattr(path.getBytes(StandardCharsets.UTF_8), path, name);
    }

    @Override
    public byte[] lgetxattr(java.nio.file.Path path, String name) throws SysException {
        return lgetxattr(PathBytes.of(path), path.toString(), name);
    }

    private byte[] lgetxattr(byte[] pathBytes, String path, String name) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            long cPath = cBytes(arena, pathBytes), cName = cString(arena, name);
            while (true) {
                long size = getxattr(state, cPath, cName, 0, 0);
                if (size < 0) {
                    if (errno(state) == Errno.ENODATA) return null;
                    throw failure("lgetxattr", path + " " + name, state);
                }
                MemorySegment buffer = arena.allocate(Math.max(size, 1));
                long read = getxattr(state, cPath, cName, buffer.address(), size);
                if (read >= 0) return buffer.asSlice(0, read).toArray(JAVA_BYTE);
                // the value grew between the two calls: ask its size again
                if (errno(state) != Errno.ERANGE) {
                    if (errno(state) == Errno.ENODATA) return null;
                    throw failure("lgetxattr", path + " " + name, state);
                }
            }
        }
    }

    private static long getxattr(MemorySegment state, long path, long name, long buffer, long size) {
        return Downcall.call(LGETXATTR.handle(), state, path, name, buffer, size);
    }

    @Override
    public List<String> llistxattr(String path) throws SysException {
        return llistxattr(path.getBytes(StandardCharsets.UTF_8), path);
    }

    @Override
    public List<String> llistxattr(java.nio.file.Path path) throws SysException {
        return llistxattr(PathBytes.of(path), path.toString());
    }

    private List<String> llistxattr(byte[] pathBytes, String path) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            long cPath = cBytes(arena, pathBytes);
            while (true) {
                long size = listxattr(state, cPath, 0, 0);
                if (size < 0) throw failure("llistxattr", path, state);
                MemorySegment buffer = arena.allocate(Math.max(size, 1));
                long read = listxattr(state, cPath, buffer.address(), size);
                if (read >= 0) return splitNames(buffer.asSlice(0, read).toArray(JAVA_BYTE));
                if (errno(state) != Errno.ERANGE) throw failure("llistxattr", path, state);
            }
        }
    }

    private static long listxattr(MemorySegment state, long path, long buffer, long size) {
        return Downcall.call(LLISTXATTR.handle(), state, path, buffer, size);
    }

    /** The kernel lists names as "a\0b\0". */
    private static List<String> splitNames(byte[] list) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                if (i > start) names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    @Override
    public void unshare(int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(UNSHARE.handle(), state, flags);
            if (rc != 0) throw failure("unshare", "0x" + Integer.toHexString(flags), state);
        }
    }

    @Override
    public void setns(int fd, int nstype) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(SETNS.handle(), state, fd, nstype);
            if (rc != 0) throw failure("setns", "fd " + fd, state);
        }
    }

    @Override
    public int getpid() {
        return (int) Downcall.call(GETPID.handle(), Downcall.ignoredState());
    }

    @Override
    public int geteuid() {
        return (int) Downcall.call(GETEUID.handle(), Downcall.ignoredState());
    }

    @Override
    public void kill(int pid, int signal) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(KILL.handle(), state, pid, signal);
            if (rc != 0) throw failure("kill", "pid " + pid, state);
        }
    }

    @Override
    public void setLinkUp(String name) throws SysException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) throw failure("setLinkUp", name, Errno.EINVAL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd = (int) Downcall.call(SOCKET.handle(), state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw failure("socket", "AF_INET for " + name, state);
            try {
                MemorySegment ifreq = arena.allocate(IFREQ_BYTES); // zeroed: the name stays NUL-terminated
                ifreq.asSlice(0, bytes.length).copyFrom(MemorySegment.ofArray(bytes));
                ioctl(state, fd, SIOCGIFFLAGS, ifreq, name);
                short flags = ifreq.get(JAVA_SHORT, IFREQ_FLAGS_OFFSET);
                ifreq.set(JAVA_SHORT, IFREQ_FLAGS_OFFSET, (short) (flags | IFF_UP));
                ioctl(state, fd, SIOCSIFFLAGS, ifreq, name);
            } finally {
                close(fd);
            }
        }
    }

    private static void ioctl(MemorySegment state, int fd, long request, MemorySegment argument, String subject) throws SysException {
        int rc = (int) Downcall.call(IOCTL.handle(), state, fd, request, argument.address());
        if (rc != 0) throw failure("ioctl", subject + " 0x" + Long.toHexString(request), state);
    }

    @Override
    public void chdir(String path) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(CHDIR.handle(), state, cString(arena, path));
            if (rc != 0) throw failure("chdir", path, state);
        }
    }

    /**
     * The kernel replaces the whole process, all JVM threads included. Before that, two things
     * the JVM leaves behind are undone: its own fds (jars, the lock files of others) would leak
     * into the new program, so all fds but 0-2 and the deliberately inherited ones get
     * FD_CLOEXEC; and JVM threads block some signals (SIGQUIT), a mask execve keeps.
     */
    @Override
    public void execve(String path, String[] argv, String[] envp) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            long cPath = cString(arena, path);
            long cArgv = cStringArray(arena, argv).address(), cEnvp = cStringArray(arena, envp).address();
            closeOnExecAllButInherited(arena);
            unblockAllSignals(arena);
            int rc = (int) Downcall.call(EXECVE.handle(), state, cPath, cArgv, cEnvp);
            throw failure("execve", path, state); // execve returns only when it failed (rc is -1)
        }
    }

    private void closeOnExecAllButInherited(Arena arena) throws SysException {
        MemorySegment state = callState(arena);
        int rc = (int) Downcall.call(CLOSE_RANGE.handle(), state, 3, -1 /* ~0U: every fd */, CLOSE_RANGE_CLOEXEC);
        if (rc != 0) throw failure("close_range", "3..", state);
        for (int fd : inheritedFds) {
            int flags = fcntl(fd, F_GETFD, 0);
            fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        }
    }

    private static void unblockAllSignals(Arena arena) throws SysException {
        MemorySegment emptySet = arena.allocate(SIGSET_BYTES); // zeroed: no signal in it
        int error = (int) Downcall.call(PTHREAD_SIGMASK.handle(), Downcall.ignoredState(), SIG_SETMASK, emptySet.address(), 0);
        if (error != 0) throw failure("pthread_sigmask", "SIG_SETMASK", error);
    }

    private static MemorySegment cStringArray(Arena arena, String[] strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.length + 1L); // zeroed, so NULL-terminated
        for (int i = 0; i < strings.length; i++) array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings[i]));
        return array;
    }

    // ---- directory fds ----

    private static final int AT_EMPTY_PATH = 0x1000, STATX_BASIC_STATS = 0x7ff;
    private static final long STATX_ATTR_IMMUTABLE = 0x10, STATX_ATTR_APPEND = 0x20;
    private static final int STATX_SIZE = 256, DIRENTS_BUFFER = 32 * 1024;
    private static final ThreadLocal<MemorySegment> DIRENTS = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(DIRENTS_BUFFER, 8));

    private static MemorySegment cName(Arena arena, byte[] name) {
        MemorySegment s = arena.allocate(name.length + 1L); // zeroed: NUL-terminated
        MemorySegment.copy(name, 0, s, JAVA_BYTE, 0, name.length);
        return s;
    }

    private static String printable(byte[] name) { return new String(name, StandardCharsets.UTF_8); }

    @Override
    public int openat(int dirfd, byte[] name, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd = (int) Downcall.call(OPENAT.handle(), state, dirfd, cName(arena, name).address(), flags, 0);
            if (fd < 0) throw failure("openat", printable(name), state);
            if ((flags & O_CLOEXEC) == 0) inheritedFds.add(fd);
            else inheritedFds.remove(fd);
            return fd;
        }
    }

    // struct statx: stx_attributes at 8, stx_mode (u16) at 28, stx_ino 32, stx_size 40,
    // stx_attributes_mask 56, stx_dev_major and stx_dev_minor (u32) at 136 and 140.
    @Override
    public FileStat statAt(int dirfd, byte[] name) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int flags = AT_SYMLINK_NOFOLLOW | (name.length == 0 ? AT_EMPTY_PATH : 0);
            int rc = (int) Downcall.call(STATX.handle(), state, dirfd, cName(arena, name).address(), flags, STATX_BASIC_STATS, buf.address());
            if (rc != 0) throw failure("statx", name.length == 0 ? "fd " + dirfd : printable(name), state);
            long attributes = buf.get(JAVA_LONG, 8) & buf.get(JAVA_LONG, 56);
            int mode = Short.toUnsignedInt(buf.get(JAVA_SHORT, 28));
            long dev = Linux.makedev(Integer.toUnsignedLong(buf.get(JAVA_INT, 136)), Integer.toUnsignedLong(buf.get(JAVA_INT, 140)));
            return new FileStat(mode, dev, buf.get(JAVA_LONG, 32), buf.get(JAVA_LONG, 40),
                (attributes & STATX_ATTR_IMMUTABLE) != 0, (attributes & STATX_ATTR_APPEND) != 0);
        }
    }

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (u16) at 16, d_type (u8) at 18, d_name at 19.
    @Override
    public List<DirEntry> readDirectory(int dirfd) throws SysException {
        List<DirEntry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment buf = DIRENTS.get(); // reused: a deep tree is read one small directory at a time
            while (true) {
                long n = Downcall.call(GETDENTS64.handle(), state, dirfd, buf.address(), DIRENTS_BUFFER);
                if (n < 0) throw failure("getdents64", "fd " + dirfd, state);
                if (n == 0) return entries;
                for (long off = 0; off < n; ) {
                    int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT, off + 16));
                    int type = Byte.toUnsignedInt(buf.get(JAVA_BYTE, off + 18));
                    long start = off + 19, end = start;
                    while (end < off + reclen && buf.get(JAVA_BYTE, end) != 0) end++;
                    byte[] name = buf.asSlice(start, end - start).toArray(JAVA_BYTE);
                    boolean dots = (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
                    if (!dots) entries.add(new DirEntry(name, type));
                    off += reclen;
                }
            }
        }
    }

    @Override
    public void unlinkat(int dirfd, byte[] name, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(UNLINKAT.handle(), state, dirfd, cName(arena, name).address(), flags);
            if (rc != 0) throw failure("unlinkat", printable(name), state);
        }
    }

    @Override
    public void syncfs(int fd) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc = (int) Downcall.call(SYNCFS.handle(), state, fd);
            if (rc != 0) throw failure("syncfs", "fd " + fd, state);
        }
    }
}
