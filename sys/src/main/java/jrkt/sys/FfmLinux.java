package jrkt.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Linux} calls made through the FFM API (java.lang.foreign) on libc.
 * Each libc function is bound on its first use only: the run path calls a handful of them
 * and binding a downcall costs time. errno is captured by the linker right after the call,
 * before the JVM can clobber it.
 */
final class FfmLinux implements Linux {
    static final Linux INSTANCE = new FfmLinux();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
    private static final int IFNAMSIZ = 16, IFREQ_BYTES = 40, IFREQ_FLAGS_OFFSET = 16, IFF_UP = 1;
    private static final int CLOSE_RANGE_CLOEXEC = 4, SIG_SETMASK = 2, SIGSET_BYTES = 128;

    private static final Fn MOUNT = errnoFn("mount", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final Fn UMOUNT2 = errnoFn("umount2", JAVA_INT, ADDRESS, JAVA_INT);
    private static final Fn OPEN = new Fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final Fn CLOSE = errnoFn("close", JAVA_INT, JAVA_INT);
    private static final Fn FLOCK = errnoFn("flock", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final Fn FCNTL = new Fn("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final Fn MKNOD = errnoFn("mknod", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    private static final Fn LCHOWN = errnoFn("lchown", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final Fn CHMOD = errnoFn("chmod", JAVA_INT, ADDRESS, JAVA_INT);
    private static final Fn SYMLINK = errnoFn("symlink", JAVA_INT, ADDRESS, ADDRESS);
    private static final Fn READLINK = errnoFn("readlink", JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final Fn UTIMENSAT = errnoFn("utimensat", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final Fn LSETXATTR = errnoFn("lsetxattr", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final Fn LGETXATTR = errnoFn("lgetxattr", JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final Fn LLISTXATTR = errnoFn("llistxattr", JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final Fn UNSHARE = errnoFn("unshare", JAVA_INT, JAVA_INT);
    private static final Fn SETNS = errnoFn("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final Fn GETPID = new Fn("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final Fn GETEUID = new Fn("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final Fn KILL = errnoFn("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final Fn SOCKET = errnoFn("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final Fn IOCTL = new Fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final Fn CHDIR = errnoFn("chdir", JAVA_INT, ADDRESS);
    private static final Fn EXECVE = errnoFn("execve", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final Fn CLOSE_RANGE = errnoFn("close_range", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    // pthread_sigmask returns the error number instead of setting errno
    private static final Fn PTHREAD_SIGMASK = new Fn("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final Fn OPENAT = new Fn("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(3));
    private static final Fn STATX = errnoFn("statx", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final Fn GETDENTS64 = errnoFn("getdents64", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final Fn UNLINKAT = errnoFn("unlinkat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final Fn SYNCFS = errnoFn("syncfs", JAVA_INT, JAVA_INT);
    private static final Fn STRERROR = new Fn("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** fds meant to survive execve: opened here without O_CLOEXEC, or passed to clearCloexec. */
    private final Set<Integer> inheritedFds = ConcurrentHashMap.newKeySet();

    private FfmLinux() {}

    /** A libc function whose downcall handle is made on first use. */
    private static final class Fn {
        private final String name;
        private final FunctionDescriptor descriptor;
        private final Linker.Option[] options;
        private volatile MethodHandle handle;

        Fn(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            this.name = name;
            this.descriptor = descriptor;
            this.options = options;
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
                h = LINKER.downcallHandle(symbol, descriptor, options);
                handle = h;
            }
            return h;
        }
    }

    private static Fn errnoFn(String name, MemoryLayout result, MemoryLayout... args) {
        return new Fn(name, FunctionDescriptor.of(result, args), CAPTURE_ERRNO);
    }

    private static MemorySegment callState(Arena arena) { return arena.allocate(CALL_STATE); }

    private static int errno(MemorySegment callState) { return (int) ERRNO.get(callState, 0L); }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    /** A path's exact bytes, NUL-terminated. */
    private static MemorySegment cBytes(Arena arena, byte[] path) {
        MemorySegment c = arena.allocate(path.length + 1L);
        MemorySegment.copy(path, 0, c, JAVA_BYTE, 0, path.length);
        c.set(JAVA_BYTE, path.length, (byte) 0);
        return c;
    }

    private static SysException failure(String call, String subject, MemorySegment callState) {
        return failure(call, subject, errno(callState));
    }

    private static SysException failure(String call, String subject, int errno) {
        return new SysException(call, subject, errno, strerror(errno));
    }

    static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.handle().invokeExact(errno);
            return message.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Downcalls throw only what the JVM throws; anything checked here is a bug, not a failed call. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) MOUNT.handle().invokeExact(state, cString(arena, source), cString(arena, target),
                    cString(arena, fstype), flags, cString(arena, data));
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("mount", (source == null ? "none" : source) + " on " + target, state);
        }
    }

    @Override
    public void umount2(String target, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) UMOUNT2.handle().invokeExact(state, cString(arena, target), flags);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("umount2", target, state);
        }
    }

    @Override
    public int open(String path, int flags, int mode) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd;
            try {
                fd = (int) OPEN.handle().invokeExact(state, cString(arena, path), flags, mode);
            } catch (Throwable t) { throw unexpected(t); }
            if (fd < 0) throw failure("open", path, state);
            if ((flags & O_CLOEXEC) == 0) inheritedFds.add(fd);
            else inheritedFds.remove(fd);
            return fd;
        }
    }

    @Override
    public void close(int fd) throws SysException {
        inheritedFds.remove(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) CLOSE.handle().invokeExact(state, fd);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("close", "fd " + fd, state);
        }
    }

    @Override
    public boolean flock(int fd, int operation) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) FLOCK.handle().invokeExact(state, fd, operation);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc == 0) return true;
            if ((operation & LOCK_NB) != 0 && errno(state) == Errno.EWOULDBLOCK) return false;
            throw failure("flock", "fd " + fd, state);
        }
    }

    @Override
    public void clearCloexec(int fd) throws SysException {
        int flags = fcntl(fd, F_GETFD, 0);
        fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        inheritedFds.add(fd);
    }

    private static int fcntl(int fd, int command, int argument) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) FCNTL.handle().invokeExact(state, fd, command, argument);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc < 0) throw failure("fcntl", "fd " + fd, state);
            return rc;
        }
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
            int rc;
            try {
                rc = (int) MKNOD.handle().invokeExact(state, cBytes(arena, pathBytes), mode, dev);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) LCHOWN.handle().invokeExact(state, cBytes(arena, pathBytes), uid, gid);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) CHMOD.handle().invokeExact(state, cBytes(arena, pathBytes), mode);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) SYMLINK.handle().invokeExact(state, cBytes(arena, target), cBytes(arena, PathBytes.of(link)));
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("symlink", link.toString(), state);
        }
    }

    @Override
    public byte[] readlink(java.nio.file.Path link) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment cLink = cBytes(arena, PathBytes.of(link));
            MemorySegment buffer = arena.allocate(4096); // PATH_MAX: no link target is longer
            long n;
            try {
                n = (long) READLINK.handle().invokeExact(state, cLink, buffer, 4096L);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) UTIMENSAT.handle().invokeExact(state, AT_FDCWD, cBytes(arena, pathBytes), times, AT_SYMLINK_NOFOLLOW);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) LSETXATTR.handle().invokeExact(state, cBytes(arena, pathBytes), cString(arena, name),
                    bytes, (long) value.length, 0);
            } catch (Throwable t) { throw unexpected(t); }
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
            MemorySegment cPath = cBytes(arena, pathBytes), cName = cString(arena, name);
            while (true) {
                long size = getxattr(state, cPath, cName, MemorySegment.NULL, 0);
                if (size < 0) {
                    if (errno(state) == Errno.ENODATA) return null;
                    throw failure("lgetxattr", path + " " + name, state);
                }
                MemorySegment buffer = arena.allocate(Math.max(size, 1));
                long read = getxattr(state, cPath, cName, buffer, size);
                if (read >= 0) return buffer.asSlice(0, read).toArray(JAVA_BYTE);
                // the value grew between the two calls: ask its size again
                if (errno(state) != Errno.ERANGE) {
                    if (errno(state) == Errno.ENODATA) return null;
                    throw failure("lgetxattr", path + " " + name, state);
                }
            }
        }
    }

    private static long getxattr(MemorySegment state, MemorySegment path, MemorySegment name, MemorySegment buffer, long size) {
        try {
            return (long) LGETXATTR.handle().invokeExact(state, path, name, buffer, size);
        } catch (Throwable t) { throw unexpected(t); }
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
            MemorySegment cPath = cBytes(arena, pathBytes);
            while (true) {
                long size = listxattr(state, cPath, MemorySegment.NULL, 0);
                if (size < 0) throw failure("llistxattr", path, state);
                MemorySegment buffer = arena.allocate(Math.max(size, 1));
                long read = listxattr(state, cPath, buffer, size);
                if (read >= 0) return splitNames(buffer.asSlice(0, read).toArray(JAVA_BYTE));
                if (errno(state) != Errno.ERANGE) throw failure("llistxattr", path, state);
            }
        }
    }

    private static long listxattr(MemorySegment state, MemorySegment path, MemorySegment buffer, long size) {
        try {
            return (long) LLISTXATTR.handle().invokeExact(state, path, buffer, size);
        } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) UNSHARE.handle().invokeExact(state, flags);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("unshare", "0x" + Integer.toHexString(flags), state);
        }
    }

    @Override
    public void setns(int fd, int nstype) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) SETNS.handle().invokeExact(state, fd, nstype);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("setns", "fd " + fd, state);
        }
    }

    @Override
    public int getpid() {
        try {
            return (int) GETPID.handle().invokeExact();
        } catch (Throwable t) { throw unexpected(t); }
    }

    @Override
    public int geteuid() {
        try {
            return (int) GETEUID.handle().invokeExact();
        } catch (Throwable t) { throw unexpected(t); }
    }

    @Override
    public void kill(int pid, int signal) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) KILL.handle().invokeExact(state, pid, signal);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("kill", "pid " + pid, state);
        }
    }

    @Override
    public void setLinkUp(String name) throws SysException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) throw failure("setLinkUp", name, Errno.EINVAL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd;
            try {
                fd = (int) SOCKET.handle().invokeExact(state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            } catch (Throwable t) { throw unexpected(t); }
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
        int rc;
        try {
            rc = (int) IOCTL.handle().invokeExact(state, fd, request, argument);
        } catch (Throwable t) { throw unexpected(t); }
        if (rc != 0) throw failure("ioctl", subject + " 0x" + Long.toHexString(request), state);
    }

    @Override
    public void chdir(String path) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) CHDIR.handle().invokeExact(state, cString(arena, path));
            } catch (Throwable t) { throw unexpected(t); }
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
            MemorySegment cPath = cString(arena, path);
            MemorySegment cArgv = cStringArray(arena, argv), cEnvp = cStringArray(arena, envp);
            closeOnExecAllButInherited(arena);
            unblockAllSignals(arena);
            int rc;
            try {
                rc = (int) EXECVE.handle().invokeExact(state, cPath, cArgv, cEnvp);
            } catch (Throwable t) { throw unexpected(t); }
            throw failure("execve", path, state); // execve returns only when it failed (rc is -1)
        }
    }

    private void closeOnExecAllButInherited(Arena arena) throws SysException {
        MemorySegment state = callState(arena);
        int rc;
        try {
            rc = (int) CLOSE_RANGE.handle().invokeExact(state, 3, -1 /* ~0U: every fd */, CLOSE_RANGE_CLOEXEC);
        } catch (Throwable t) { throw unexpected(t); }
        if (rc != 0) throw failure("close_range", "3..", state);
        for (int fd : inheritedFds) {
            int flags = fcntl(fd, F_GETFD, 0);
            fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        }
    }

    private static void unblockAllSignals(Arena arena) throws SysException {
        MemorySegment emptySet = arena.allocate(SIGSET_BYTES); // zeroed: no signal in it
        int error;
        try {
            error = (int) PTHREAD_SIGMASK.handle().invokeExact(SIG_SETMASK, emptySet, MemorySegment.NULL);
        } catch (Throwable t) { throw unexpected(t); }
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
            int fd;
            try {
                fd = (int) OPENAT.handle().invokeExact(state, dirfd, cName(arena, name), flags, 0);
            } catch (Throwable t) { throw unexpected(t); }
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
            int rc;
            try {
                rc = (int) STATX.handle().invokeExact(state, dirfd, cName(arena, name), flags, STATX_BASIC_STATS, buf);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("statx", name.length == 0 ? "fd " + dirfd : printable(name), state);
            long attributes = buf.get(JAVA_LONG, 8) & buf.get(JAVA_LONG, 56);
            int mode = Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 28));
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
                long n;
                try {
                    n = (long) GETDENTS64.handle().invokeExact(state, dirfd, buf, (long) DIRENTS_BUFFER);
                } catch (Throwable t) { throw unexpected(t); }
                if (n < 0) throw failure("getdents64", "fd " + dirfd, state);
                if (n == 0) return entries;
                for (long off = 0; off < n; ) {
                    int reclen = Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, off + 16));
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
            int rc;
            try {
                rc = (int) UNLINKAT.handle().invokeExact(state, dirfd, cName(arena, name), flags);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("unlinkat", printable(name), state);
        }
    }

    @Override
    public void syncfs(int fd) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int rc;
            try {
                rc = (int) SYNCFS.handle().invokeExact(state, fd);
            } catch (Throwable t) { throw unexpected(t); }
            if (rc != 0) throw failure("syncfs", "fd " + fd, state);
        }
    }
}
