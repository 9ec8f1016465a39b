package jrkt.sys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jrkt.sys.Scratch.Block;

/**
 * The {@link Linux} calls made on libc through {@link Downcall} (jrkt's JNI gate, or the FFM API
 * without it). Each libc function is found on its
 * first use only, and all are called through Downcall's one shape; arguments and results live in
 * the calling thread's {@link Scratch}. errno is captured by the gate right after the call,
 * before the JVM can clobber it.
 */
final class LibcLinux implements Linux {
    static final Linux INSTANCE = new LibcLinux();

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
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
    private static final Fn MKDIR = new Fn("mkdir");
    private static final Fn WRITE = new Fn("write");
    private static final Fn READ = new Fn("read");
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
    // posix_spawn and its helpers return the error number instead of setting errno
    private static final Fn POSIX_SPAWN = new Fn("posix_spawn");
    private static final Fn SPAWN_ACTIONS_INIT = new Fn("posix_spawn_file_actions_init");
    private static final Fn SPAWN_ACTIONS_DESTROY = new Fn("posix_spawn_file_actions_destroy");
    private static final Fn SPAWN_ADD_OPEN = new Fn("posix_spawn_file_actions_addopen");
    private static final Fn SPAWN_ADD_CHDIR = new Fn("posix_spawn_file_actions_addchdir_np");
    private static final Fn SPAWN_ADD_CLOSEFROM = new Fn("posix_spawn_file_actions_addclosefrom_np");
    private static final Fn SPAWNATTR_INIT = new Fn("posix_spawnattr_init");
    private static final Fn SPAWNATTR_DESTROY = new Fn("posix_spawnattr_destroy");
    private static final Fn SPAWNATTR_SETFLAGS = new Fn("posix_spawnattr_setflags");
    private static final Fn SPAWNATTR_SETSIGMASK = new Fn("posix_spawnattr_setsigmask");
    private static final Fn SPAWNATTR_SETSIGDEFAULT = new Fn("posix_spawnattr_setsigdefault");
    private static final Fn SIGFILLSET = new Fn("sigfillset");
    private static final Fn PIDFD_OPEN = new Fn("pidfd_open");
    private static final Fn POLL = new Fn("poll");
    private static final Fn WAITPID = new Fn("waitpid");

    /** fds meant to survive execve: opened here without O_CLOEXEC, or passed to clearCloexec. */
    private final Set<Integer> inheritedFds = ConcurrentHashMap.newKeySet();

    private LibcLinux() {}

    /** A libc function found on first use. */
    private static final class Fn {
        private final String name;
        private volatile Downcall.Function function;

        Fn(String name) {
            this.name = name;
        }

        Downcall.Function handle() {
            Downcall.Function f = function;
            if (f == null) function = f = Downcall.libc(name);
            return f;
        }
    }

    private static SysException failure(String call, String subject, Scratch scratch) {
        return failure(call, subject, scratch.errno());
    }

    private static SysException failure(String call, String subject, int errno) {
        return new SysException(call, subject, errno, strerror(errno));
    }

    static String strerror(int errno) {
        return Downcall.cString(Downcall.call(STRERROR.handle(), Downcall.ignoredErrno(), errno));
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(MOUNT.handle(), s.errnoSlot(), s.cString(source), s.cString(target), s.cString(fstype), flags, s.cString(data));
        if (rc != 0) throw failure("mount", (source == null ? "none" : source) + " on " + target, s);
    }

    @Override
    public void umount2(String target, int flags) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(UMOUNT2.handle(), s.errnoSlot(), s.cString(target), flags);
        if (rc != 0) throw failure("umount2", target, s);
    }

    // open, flock and close: a listing's lock test of every pod, all in the thread's Scratch
    @Override
    public int open(String path, int flags, int mode) throws SysException {
        Scratch s = Scratch.begin();
        int fd = (int) Downcall.call(OPEN.handle(), s.errnoSlot(), s.cString(path), flags, mode);
        if (fd < 0) throw failure("open", path, s);
        if ((flags & O_CLOEXEC) == 0) inheritedFds.add(fd);
        else inheritedFds.remove(fd);
        return fd;
    }

    @Override
    public void close(int fd) throws SysException {
        inheritedFds.remove(fd);
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(CLOSE.handle(), s.errnoSlot(), fd);
        if (rc != 0) throw failure("close", "fd " + fd, s);
    }

    @Override
    public boolean mkdir(String path, int mode) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(MKDIR.handle(), s.errnoSlot(), s.cString(path), mode);
        if (rc == 0) return true;
        if (s.errno() == Errno.EEXIST) return false;
        throw failure("mkdir", path, s);
    }

    @Override
    public void writeExisting(String path, byte[] data) throws SysException {
        write(path, data, O_WRONLY | O_CLOEXEC, 0, true);
    }

    @Override
    public void writeNew(String path, byte[] data, int mode) throws SysException {
        write(path, data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode, false);
    }

    @Override
    public byte[] readSmall(String path, int max) throws SysException {
        Scratch s = Scratch.begin();
        long cPath = s.cString(path);
        int fd = (int) Downcall.call(OPEN.handle(), s.errnoSlot(), cPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
        if (fd < 0) {
            int errno = s.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR || errno == Errno.ELOOP) return null;
            throw failure("open", path, errno);
        }
        Scratch.Block chunk = s.allocate(Math.min(max, 4096)); // in the thread's scratch memory
        byte[] out = new byte[0];
        int errno = 0;
        while (out.length < max) {
            long n = Downcall.call(READ.handle(), s.errnoSlot(), fd, chunk.address(), Math.min(chunk.bytes().capacity(), max - out.length));
            if (n < 0 && s.errno() == Errno.EINTR) continue;
            if (n < 0) errno = s.errno();
            if (n <= 0) break;
            int done = out.length;
            out = java.util.Arrays.copyOf(out, done + (int) n);
            chunk.bytes().get(0, out, done, (int) n);
        }
        Downcall.call(CLOSE.handle(), s.errnoSlot(), fd);
        if (errno != 0) throw failure("read", path, errno);
        return out;
    }

    /**
     * open, write and close. once: a single write(2), as control files want it (short: EIO);
     * otherwise until all is written, and the file (which this call created) removed on a failure.
     */
    private static void write(String path, byte[] data, int flags, int mode, boolean once) throws SysException {
        Scratch s = Scratch.begin();
        long address = s.cBytes(data); // NUL-terminated, the NUL not written
        long cPath = s.cString(path);
        int fd = (int) Downcall.call(OPEN.handle(), s.errnoSlot(), cPath, flags, mode);
        if (fd < 0) throw failure("open", path, s);
        int errno = 0;
        String call = "write";
        for (long done = 0; done < data.length && errno == 0; ) {
            long n = Downcall.call(WRITE.handle(), s.errnoSlot(), fd, address + done, data.length - done);
            if (n < 0 && (once || s.errno() != Errno.EINTR)) errno = s.errno();
            else if (n == 0 || (once && n < data.length)) errno = Errno.EIO;
            else if (n > 0) done += n;
        }
        if ((int) Downcall.call(CLOSE.handle(), s.errnoSlot(), fd) != 0 && errno == 0) {
            errno = s.errno();
            call = "close";
        }
        if (errno == 0) return;
        if (!once) Downcall.call(UNLINKAT.handle(), s.errnoSlot(), AT_FDCWD, cPath, 0); // no half-written file stays
        throw failure(call, path, errno);
    }

    @Override
    public boolean flock(int fd, int operation) throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(FLOCK.handle(), s.errnoSlot(), fd, operation);
        if (rc == 0) return true;
        if ((operation & LOCK_NB) != 0 && s.errno() == Errno.EWOULDBLOCK) return false;
        throw failure("flock", "fd " + fd, s);
    }

    @Override
    public void clearCloexec(int fd) throws SysException {
        int flags = fcntl(fd, F_GETFD, 0);
        fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        inheritedFds.add(fd);
    }

    private static final int F_SETLK = 6, F_SETLKW = 7;
    private static final short F_RDLCK = 0, F_WRLCK = 1;

    @Override
    public boolean lockWholeFile(int fd, boolean exclusive, boolean wait) throws SysException {
        while (true) {
            Scratch s = Scratch.begin();
            Block lock = s.allocate(32); // struct flock: l_type, l_whence (shorts), l_start, l_len (off_t), l_pid
            lock.bytes().putShort(0, exclusive ? F_WRLCK : F_RDLCK);
            lock.bytes().putShort(2, (short) 0); // SEEK_SET
            lock.bytes().putInt(4, 0);
            lock.bytes().putLong(8, 0);
            lock.bytes().putLong(16, 0); // 0: to the end, however long the file grows
            lock.bytes().putLong(24, 0);
            int rc = (int) Downcall.call(FCNTL.handle(), s.errnoSlot(), fd, wait ? F_SETLKW : F_SETLK, lock.address());
            if (rc == 0) return true;
            int errno = s.errno();
            if (wait && errno == Errno.EINTR) continue;
            if (!wait && (errno == Errno.EAGAIN || errno == Errno.EACCES)) return false;
            throw failure("fcntl(" + (wait ? "F_SETLKW" : "F_SETLK") + ")", "fd " + fd, s);
        }
    }

    private static int fcntl(int fd, int command, int argument) throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(FCNTL.handle(), s.errnoSlot(), fd, command, argument);
        if (rc < 0) throw failure("fcntl", "fd " + fd, s);
        return rc;
    }

    @Override
    public void mknod(java.nio.file.Path path, int mode, long dev) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(MKNOD.handle(), s.errnoSlot(), s.cBytes(PathBytes.of(path)), mode, dev);
        if (rc != 0) throw failure("mknod", path.toString(), s);
    }

    @Override
    public void lchown(java.nio.file.Path path, int uid, int gid) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(LCHOWN.handle(), s.errnoSlot(), s.cBytes(PathBytes.of(path)), uid, gid);
        if (rc != 0) throw failure("lchown", path.toString(), s);
    }

    @Override
    public void chmod(java.nio.file.Path path, int mode) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(CHMOD.handle(), s.errnoSlot(), s.cBytes(PathBytes.of(path)), mode);
        if (rc != 0) throw failure("chmod", path.toString(), s);
    }

    @Override
    public void symlink(byte[] target, java.nio.file.Path link) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(SYMLINK.handle(), s.errnoSlot(), s.cBytes(target), s.cBytes(PathBytes.of(link)));
        if (rc != 0) throw failure("symlink", link.toString(), s);
    }

    @Override
    public byte[] readlink(java.nio.file.Path link) throws SysException {
        Scratch s = Scratch.begin();
        long cLink = s.cBytes(PathBytes.of(link));
        Block buffer = s.allocate(4096); // PATH_MAX: no link target is longer
        long n = Downcall.call(READLINK.handle(), s.errnoSlot(), cLink, buffer.address(), 4096L);
        if (n < 0) throw failure("readlink", link.toString(), s);
        return buffer.copy((int) n);
    }

    @Override
    public void lutimes(java.nio.file.Path path, long atimeNanos, long mtimeNanos) throws SysException {
        Scratch s = Scratch.begin();
        Block times = s.allocate(32); // struct timespec[2]
        times.bytes().putLong(0, Math.floorDiv(atimeNanos, 1_000_000_000L));
        times.bytes().putLong(8, Math.floorMod(atimeNanos, 1_000_000_000L));
        times.bytes().putLong(16, Math.floorDiv(mtimeNanos, 1_000_000_000L));
        times.bytes().putLong(24, Math.floorMod(mtimeNanos, 1_000_000_000L));
        int rc = (int) Downcall.call(UTIMENSAT.handle(), s.errnoSlot(), AT_FDCWD, s.cBytes(PathBytes.of(path)), times.address(), AT_SYMLINK_NOFOLLOW);
        if (rc != 0) throw failure("utimensat", path.toString(), s);
    }

    @Override
    public void lsetxattr(java.nio.file.Path path, String name, byte[] value) throws SysException {
        Scratch s = Scratch.begin();
        Block bytes = s.allocate(Math.max(1, value.length));
        bytes.bytes().put(0, value);
        int rc = (int) Downcall.call(LSETXATTR.handle(), s.errnoSlot(), s.cBytes(PathBytes.of(path)), s.cString(name), bytes.address(), value.length, 0);
        if (rc != 0) throw failure("lsetxattr", path + " " + name, s);
    }

    @Override
    public byte[] lgetxattr(java.nio.file.Path path, String name) throws SysException {
        Scratch s = Scratch.begin();
        long cPath = s.cBytes(PathBytes.of(path)), cName = s.cString(name);
        while (true) {
            long size = Downcall.call(LGETXATTR.handle(), s.errnoSlot(), cPath, cName, 0, 0);
            if (size < 0) {
                if (s.errno() == Errno.ENODATA) return null;
                throw failure("lgetxattr", path + " " + name, s);
            }
            Block buffer = s.allocate((int) Math.max(size, 1));
            long read = Downcall.call(LGETXATTR.handle(), s.errnoSlot(), cPath, cName, buffer.address(), size);
            if (read >= 0) return buffer.copy((int) read);
            // the value grew between the two calls: ask its size again
            if (s.errno() != Errno.ERANGE) {
                if (s.errno() == Errno.ENODATA) return null;
                throw failure("lgetxattr", path + " " + name, s);
            }
        }
    }

    @Override
    public List<String> llistxattr(java.nio.file.Path path) throws SysException {
        Scratch s = Scratch.begin();
        long cPath = s.cBytes(PathBytes.of(path));
        while (true) {
            long size = Downcall.call(LLISTXATTR.handle(), s.errnoSlot(), cPath, 0, 0);
            if (size < 0) throw failure("llistxattr", path.toString(), s);
            Block buffer = s.allocate((int) Math.max(size, 1));
            long read = Downcall.call(LLISTXATTR.handle(), s.errnoSlot(), cPath, buffer.address(), size);
            if (read >= 0) return splitNames(buffer.copy((int) read));
            if (s.errno() != Errno.ERANGE) throw failure("llistxattr", path.toString(), s);
        }
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
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(UNSHARE.handle(), s.errnoSlot(), flags);
        if (rc != 0) throw failure("unshare", "0x" + Integer.toHexString(flags), s);
    }

    @Override
    public void setns(int fd, int nstype) throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(SETNS.handle(), s.errnoSlot(), fd, nstype);
        if (rc != 0) throw failure("setns", "fd " + fd, s);
    }

    @Override
    public int getpid() {
        return (int) Downcall.call(GETPID.handle(), Downcall.ignoredErrno());
    }

    @Override
    public int geteuid() {
        return (int) Downcall.call(GETEUID.handle(), Downcall.ignoredErrno());
    }

    @Override
    public void kill(int pid, int signal) throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(KILL.handle(), s.errnoSlot(), pid, signal);
        if (rc != 0) throw failure("kill", "pid " + pid, s);
    }

    @Override
    public void setLinkUp(String name) throws SysException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) throw failure("setLinkUp", name, Errno.EINVAL);
        Scratch s = Scratch.begin();
        int fd = (int) Downcall.call(SOCKET.handle(), s.errnoSlot(), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw failure("socket", "AF_INET for " + name, s);
        try {
            Block ifreq = s.allocate(IFREQ_BYTES); // zeroed: the name stays NUL-terminated
            ifreq.bytes().put(0, bytes);
            ioctl(s, fd, SIOCGIFFLAGS, ifreq, name);
            short flags = ifreq.bytes().getShort(IFREQ_FLAGS_OFFSET);
            ifreq.bytes().putShort(IFREQ_FLAGS_OFFSET, (short) (flags | IFF_UP));
            ioctl(s, fd, SIOCSIFFLAGS, ifreq, name);
        } finally {
            close(fd);
        }
    }

    private static void ioctl(Scratch s, int fd, long request, Block argument, String subject) throws SysException {
        int rc = (int) Downcall.call(IOCTL.handle(), s.errnoSlot(), fd, request, argument.address());
        if (rc != 0) throw failure("ioctl", subject + " 0x" + Long.toHexString(request), s);
    }

    @Override
    public void chdir(String path) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(CHDIR.handle(), s.errnoSlot(), s.cString(path));
        if (rc != 0) throw failure("chdir", path, s);
    }

    /**
     * The kernel replaces the whole process, all JVM threads included. Before that, two things
     * the JVM leaves behind are undone: its own fds (jars, the lock files of others) would leak
     * into the new program, so all fds but 0-2 and the deliberately inherited ones get
     * FD_CLOEXEC; and JVM threads block some signals (SIGQUIT), a mask execve keeps.
     */
    @Override
    public void execve(String path, String[] argv, String[] envp) throws SysException {
        Scratch s = Scratch.begin();
        long cPath = s.cString(path);
        long cArgv = cStringArray(s, argv), cEnvp = cStringArray(s, envp);
        closeOnExecAllButInherited();
        unblockAllSignals(s);
        Downcall.call(EXECVE.handle(), s.errnoSlot(), cPath, cArgv, cEnvp);
        throw failure("execve", path, s); // execve returns only when it failed (rc is -1)
    }

    private void closeOnExecAllButInherited() throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(CLOSE_RANGE.handle(), s.errnoSlot(), 3, -1 /* ~0U: every fd */, CLOSE_RANGE_CLOEXEC);
        if (rc != 0) throw failure("close_range", "3..", s);
        for (int fd : inheritedFds) {
            int flags = fcntl(fd, F_GETFD, 0);
            fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        }
    }

    // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336: room to spare
    private static final int SPAWN_STRUCT_BYTES = 512;
    private static final int POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int POLLIN = 1;

    @Override
    public int spawn(String path, String[] argv, String[] envp, String dir, String stdin, String stdout, String stderr)
            throws SysException {
        Scratch s = Scratch.begin();
        long cPath = s.cString(path), cArgv = cStringArray(s, argv), cEnvp = cStringArray(s, envp);
        long actions = s.allocate(SPAWN_STRUCT_BYTES).address(), attributes = s.allocate(SPAWN_STRUCT_BYTES).address();
        Block pid = s.allocate(8);
        spawnStep(SPAWN_ACTIONS_INIT, path, actions);
        try {
            spawnStep(SPAWNATTR_INIT, path, attributes);
            try {
                // jrkt's own files, never a symlink: one planted there would not aim the child's output elsewhere
                if (stdin != null) spawnStep(SPAWN_ADD_OPEN, stdin, actions, 0, s.cString(stdin), O_RDONLY | O_NOFOLLOW, 0);
                if (stdout != null) spawnStep(SPAWN_ADD_OPEN, stdout, actions, 1, s.cString(stdout), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
                if (stderr != null) spawnStep(SPAWN_ADD_OPEN, stderr, actions, 2, s.cString(stderr), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
                if (dir != null) spawnStep(SPAWN_ADD_CHDIR, dir, actions, s.cString(dir));
                spawnStep(SPAWN_ADD_CLOSEFROM, path, actions, 3); // the JVM's fds (jars, locks, sockets) stay here
                // the calling thread's mask (JVM threads block some signals) and the JVM's handlers stay here too
                long empty = s.allocate(SIGSET_BYTES).address(), all = s.allocate(SIGSET_BYTES).address();
                Downcall.call(SIGFILLSET.handle(), Downcall.ignoredErrno(), all);
                spawnStep(SPAWNATTR_SETSIGMASK, path, attributes, empty);
                spawnStep(SPAWNATTR_SETSIGDEFAULT, path, attributes, all);
                spawnStep(SPAWNATTR_SETFLAGS, path, attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
                spawnStep(POSIX_SPAWN, path, pid.address(), cPath, actions, attributes, cArgv, cEnvp);
                return pid.bytes().getInt(0);
            } finally {
                Downcall.call(SPAWNATTR_DESTROY.handle(), Downcall.ignoredErrno(), attributes);
            }
        } finally {
            Downcall.call(SPAWN_ACTIONS_DESTROY.handle(), Downcall.ignoredErrno(), actions);
        }
    }

    /** One posix_spawn call, which returns its error number (0: done); the arguments after the given ones are 0. */
    private static void spawnStep(Fn fn, String subject, long... args) throws SysException {
        long[] a = Arrays.copyOf(args, 6);
        int error = (int) Downcall.call(fn.handle(), Downcall.ignoredErrno(), a[0], a[1], a[2], a[3], a[4], a[5]);
        if (error != 0) throw failure(fn.name, subject, error);
    }

    @Override
    public int waitChild(int pid, long timeoutMillis) throws SysException {
        Scratch s = Scratch.begin();
        Block status = s.allocate(8);
        if (timeoutMillis >= 0 && !exitsWithin(s, pid, timeoutMillis)) return -1;
        while ((int) Downcall.call(WAITPID.handle(), s.errnoSlot(), pid, status.address(), 0) != pid) {
            if (s.errno() != Errno.EINTR) throw failure("waitpid", "pid " + pid, s);
        }
        int raw = status.bytes().getInt(0), signal = raw & 0x7f;
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal;
    }

    /** Whether the child ends within the time: polls a pidfd of it, which turns readable when it exits. */
    private static boolean exitsWithin(Scratch s, int pid, long timeoutMillis) throws SysException {
        int pidfd = (int) Downcall.call(PIDFD_OPEN.handle(), s.errnoSlot(), pid, 0);
        if (pidfd < 0) throw failure("pidfd_open", "pid " + pid, s);
        try {
            Block pollfd = s.allocate(8); // struct pollfd: int fd, short events, short revents
            pollfd.bytes().putInt(0, pidfd).putShort(4, (short) POLLIN);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            while (true) {
                long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
                int ready = (int) Downcall.call(POLL.handle(), s.errnoSlot(), pollfd.address(), 1, Math.min(left, Integer.MAX_VALUE));
                if (ready > 0) return true;
                if (ready == 0) return false;
                if (s.errno() != Errno.EINTR) throw failure("poll", "pidfd of pid " + pid, s);
            }
        } finally {
            Downcall.call(CLOSE.handle(), Downcall.ignoredErrno(), pidfd);
        }
    }

    private static void unblockAllSignals(Scratch s) throws SysException {
        long emptySet = s.allocate(SIGSET_BYTES).address(); // zeroed: no signal in it
        int error = (int) Downcall.call(PTHREAD_SIGMASK.handle(), Downcall.ignoredErrno(), SIG_SETMASK, emptySet, 0);
        if (error != 0) throw failure("pthread_sigmask", "SIG_SETMASK", error);
    }

    /** A NULL-terminated array of C strings: its address. */
    private static long cStringArray(Scratch s, String[] strings) {
        Block array = s.allocate(8 * (strings.length + 1)); // zeroed, so NULL-terminated
        for (int i = 0; i < strings.length; i++) array.bytes().putLong(8 * i, s.cString(strings[i]));
        return array.address();
    }

    // ---- directory fds ----

    private static final int AT_EMPTY_PATH = 0x1000, STATX_BASIC_STATS = 0x7ff;
    private static final long STATX_ATTR_IMMUTABLE = 0x10, STATX_ATTR_APPEND = 0x20;
    private static final int STATX_SIZE = 256, DIRENTS_BUFFER = 32 * 1024;

    /** A thread's getdents64 buffer, reused: a deep tree is read one small directory at a time. */
    private static final ThreadLocal<Block> DIRENTS = ThreadLocal.withInitial(() -> {
        ByteBuffer buffer = Scratch.direct(DIRENTS_BUFFER);
        return new Block(buffer, Downcall.address(buffer));
    });

    private static String printable(byte[] name) { return new String(name, StandardCharsets.UTF_8); }

    @Override
    public int openat(int dirfd, byte[] name, int flags) throws SysException {
        Scratch s = Scratch.begin();
        int fd = (int) Downcall.call(OPENAT.handle(), s.errnoSlot(), dirfd, s.cBytes(name), flags, 0);
        if (fd < 0) throw failure("openat", printable(name), s);
        if ((flags & O_CLOEXEC) == 0) inheritedFds.add(fd);
        else inheritedFds.remove(fd);
        return fd;
    }

    // struct statx: stx_attributes at 8, stx_uid and stx_gid (u32) at 20 and 24, stx_mode (u16) at 28, stx_ino 32, stx_size 40,
    // stx_attributes_mask 56, stx_dev_major and stx_dev_minor (u32) at 136 and 140.
    @Override
    public FileStat statAt(int dirfd, byte[] name) throws SysException {
        Scratch s = Scratch.begin();
        Block statx = s.allocate(STATX_SIZE);
        int flags = AT_SYMLINK_NOFOLLOW | (name.length == 0 ? AT_EMPTY_PATH : 0);
        int rc = (int) Downcall.call(STATX.handle(), s.errnoSlot(), dirfd, s.cBytes(name), flags, STATX_BASIC_STATS, statx.address());
        if (rc != 0) throw failure("statx", name.length == 0 ? "fd " + dirfd : printable(name), s);
        return fileStat(statx.bytes());
    }

    private static FileStat fileStat(ByteBuffer buf) {
        long attributes = buf.getLong(8) & buf.getLong(56);
        int mode = Short.toUnsignedInt(buf.getShort(28));
        long dev = Linux.makedev(Integer.toUnsignedLong(buf.getInt(136)), Integer.toUnsignedLong(buf.getInt(140)));
        return new FileStat(mode, dev, buf.getLong(32), buf.getLong(40),
            (attributes & STATX_ATTR_IMMUTABLE) != 0, (attributes & STATX_ATTR_APPEND) != 0, buf.getInt(20), buf.getInt(24));
    }

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (u16) at 16, d_type (u8) at 18, d_name at 19.
    @Override
    public List<DirEntry> readDirectory(int dirfd) throws SysException {
        List<DirEntry> entries = new ArrayList<>();
        Scratch s = Scratch.current();
        Block dirents = DIRENTS.get();
        ByteBuffer buf = dirents.bytes();
        while (true) {
            long n = Downcall.call(GETDENTS64.handle(), s.errnoSlot(), dirfd, dirents.address(), DIRENTS_BUFFER);
            if (n < 0) throw failure("getdents64", "fd " + dirfd, s);
            if (n == 0) return entries;
            for (int off = 0; off < n; ) {
                int reclen = Short.toUnsignedInt(buf.getShort(off + 16));
                int type = Byte.toUnsignedInt(buf.get(off + 18));
                int start = off + 19, end = start;
                while (end < off + reclen && buf.get(end) != 0) end++;
                byte[] name = new byte[end - start];
                buf.get(start, name);
                boolean dots = (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
                if (!dots) entries.add(new DirEntry(name, type));
                off += reclen;
            }
        }
    }

    @Override
    public FileStat statIfPresent(java.nio.file.Path path) throws SysException {
        Scratch s = Scratch.begin();
        Block statx = s.allocate(STATX_SIZE);
        int rc = (int) Downcall.call(STATX.handle(), s.errnoSlot(), AT_FDCWD, s.cBytes(PathBytes.of(path)), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, statx.address());
        if (rc != 0) {
            int errno = s.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) return null;
            throw failure("statx", path.toString(), errno);
        }
        return fileStat(statx.bytes());
    }

    @Override
    public boolean unlinkIfPresent(java.nio.file.Path path) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(UNLINKAT.handle(), s.errnoSlot(), AT_FDCWD, s.cBytes(PathBytes.of(path)), 0);
        if (rc == 0) return true;
        int errno = s.errno();
        if (errno == Errno.ENOENT) return false;
        throw failure("unlink", path.toString(), errno);
    }

    @Override
    public void unlinkat(int dirfd, byte[] name, int flags) throws SysException {
        Scratch s = Scratch.begin();
        int rc = (int) Downcall.call(UNLINKAT.handle(), s.errnoSlot(), dirfd, s.cBytes(name), flags);
        if (rc != 0) throw failure("unlinkat", printable(name), s);
    }

    @Override
    public void syncfs(int fd) throws SysException {
        Scratch s = Scratch.current();
        int rc = (int) Downcall.call(SYNCFS.handle(), s.errnoSlot(), fd);
        if (rc != 0) throw failure("syncfs", "fd " + fd, s);
    }
}
