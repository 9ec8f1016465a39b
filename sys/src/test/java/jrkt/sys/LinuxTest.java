package jrkt.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real calls, made as root on this machine's kernel. */
class LinuxTest {
    private static final int S_IFMT = 0170000;
    private final Linux linux = Linux.get();

    @TempDir Path dir;

    @Test
    void theseTestsCallCThroughTheJniGateTheBuildMade() {
        // sys/pom.xml names the library: a build that lost it would test only the FFM gate
        assertEquals("jni", Downcall.gate());
    }

    @Test
    void mountsAndUnmountsATmpfs() throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("mnt"));
        linux.mount("tmpfs", mountPoint.toString(), "tmpfs", Linux.MS_NOSUID | Linux.MS_NODEV, "size=1m,mode=0700");
        try {
            assertEquals("tmpfs", fsTypeAt(mountPoint));
            Files.writeString(mountPoint.resolve("on-tmpfs"), "x");
            assertEquals(0700, (int) Files.getAttribute(mountPoint, "unix:mode") & 07777);
        } finally {
            if (fsTypeAt(mountPoint) != null) linux.umount2(mountPoint.toString(), 0);
        }
        assertNull(fsTypeAt(mountPoint));
        assertFalse(Files.exists(mountPoint.resolve("on-tmpfs")), "the file lived on the tmpfs, gone with it");
    }

    @Test
    void readSmallReadsAFileButNoLinkAndTellsAnAbsentOneByNull() throws Exception {
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) ('a' + i % 26);
        Path file = Files.write(dir.resolve("status"), big);
        assertArrayEquals(big, linux.readSmall(file.toString(), 64 * 1024), "more than one read's worth, all of it");
        assertArrayEquals(java.util.Arrays.copyOf(big, 5000), linux.readSmall(file.toString(), 5000), "no more than max");
        assertArrayEquals(new byte[0], linux.readSmall(Files.writeString(dir.resolve("empty"), "").toString(), 100));
        assertNull(linux.readSmall(dir.resolve("absent").toString(), 100));
        assertNull(linux.readSmall(dir.resolve("absent/below").toString(), 100));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertNull(linux.readSmall(link.toString(), 100), "a symbolic link is not followed");
        SysException e = assertThrows(SysException.class, () -> linux.readSmall(dir.toString(), 100));
        assertEquals(Errno.EISDIR, e.errno(), "any other failure is one");
    }

    @Test
    void statIfPresentAndUnlinkIfPresentTellAnAbsentFileByNullAndFalse() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("gone"));
        assertTrue(linux.statIfPresent(file).isRegularFile());
        assertEquals(0120000, linux.statIfPresent(link).mode() & S_IFMT, "a dangling link is there: not followed");
        assertTrue(linux.statIfPresent(dir).isDirectory());
        assertNull(linux.statIfPresent(dir.resolve("absent")));
        assertNull(linux.statIfPresent(file.resolve("below-a-file")), "ENOTDIR: nothing there either");
        assertTrue(linux.unlinkIfPresent(link));
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "the link went, not what it names");
        assertFalse(linux.unlinkIfPresent(link));
        SysException e = assertThrows(SysException.class, () -> linux.unlinkIfPresent(dir));
        assertEquals(Errno.EISDIR, e.errno());
    }

    @Test
    void mkdirMakesADirectoryAndTellsWhenThePathWasTaken() throws Exception {
        Path made = dir.resolve("made");
        assertTrue(linux.mkdir(made.toString(), 0750));
        assertTrue(Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS));
        assertFalse(linux.mkdir(made.toString(), 0750), "a directory there already: false, no failure");
        Path file = Files.writeString(dir.resolve("a-file"), "kept");
        assertFalse(linux.mkdir(file.toString(), 0750), "whatever holds the path: false");
        assertEquals("kept", Files.readString(file));
        SysException e = assertThrows(SysException.class, () -> linux.mkdir(dir.resolve("no/such/parent").toString(), 0750));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("mkdir", e.call());
        assertTrue(e.reason().endsWith("(ENOENT)"), e.reason());
    }

    @Test
    void writeExistingReplacesTheStartOfAFileInOneWriteAndCreatesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("value"), "0123456789");
        linux.writeExisting(file.toString(), "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals("abc3456789", Files.readString(file), "no O_TRUNC: a control file takes the write as it comes");
        Path absent = dir.resolve("absent");
        SysException e = assertThrows(SysException.class, () -> linux.writeExisting(absent.toString(), new byte[] {'1'}));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open", e.call());
        assertFalse(Files.exists(absent), "nothing created");
    }

    @Test
    void writeNewCreatesTheFileWithItsModeAndOpensNothingAlreadyThere() throws Exception {
        Path file = dir.resolve("key");
        linux.writeNew(file.toString(), "secret".getBytes(StandardCharsets.UTF_8), 0400);
        assertEquals("secret", Files.readString(file));
        assertEquals(0400, (int) Files.getAttribute(file, "unix:mode") & 07777);
        SysException exists = assertThrows(SysException.class, () -> linux.writeNew(file.toString(), new byte[] {'x'}, 0600));
        assertEquals(Errno.EEXIST, exists.errno());
        assertEquals("secret", Files.readString(file), "left as it was");
        Path target = Files.writeString(dir.resolve("host-file"), "host");
        Path link = Files.createSymbolicLink(dir.resolve("planted"), target);
        SysException planted = assertThrows(SysException.class, () -> linux.writeNew(link.toString(), new byte[] {'x'}, 0600));
        assertEquals(Errno.EEXIST, planted.errno());
        assertEquals("host", Files.readString(target), "a symlink's target is never written");
    }

    @Test
    void writeNewRemovesAFileItCouldNotFill() throws Exception {
        Path small = Files.createDirectory(dir.resolve("small"));
        linux.mount("tmpfs", small.toString(), "tmpfs", Linux.MS_NOSUID | Linux.MS_NODEV, "size=64k");
        try {
            Path file = small.resolve("too-big");
            SysException e = assertThrows(SysException.class, () -> linux.writeNew(file.toString(), new byte[1 << 20], 0644));
            assertEquals(Errno.ENOSPC, e.errno());
            assertEquals("write", e.call());
            assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS), "no half-written file stays");
        } finally {
            linux.umount2(small.toString(), 0);
        }
    }

    @Test
    void writeExistingReportsTheKernelsRefusalOfAValueAsTheWritesFailure() throws Exception {
        // a file of /proc that parses what it is given: this process's own oom_score_adj
        Path adj = Path.of("/proc/self/oom_score_adj");
        String before = Files.readString(adj).trim();
        SysException e = assertThrows(SysException.class, () -> linux.writeExisting(adj.toString(), "lots".getBytes(StandardCharsets.UTF_8)));
        assertEquals("write", e.call());
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(before, Files.readString(adj).trim(), "the value stays");
    }

    /** The file system type mounted exactly at path, from /proc/self/mountinfo; null when none is. */
    private static String fsTypeAt(Path path) throws IOException {
        String type = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields[4].equals(path.toString())) type = fields[separator + 1];
        }
        return type;
    }

    @Test
    void umountOfSomethingNotMountedFailsWithEinval() {
        SysException e = assertThrows(SysException.class, () -> linux.umount2(dir.toString(), 0));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("umount2", e.call());
        assertEquals(dir.toString(), e.subject());
    }

    @Test
    void flockExclusiveKeepsASecondOpenFileOut() throws Exception {
        String lockFile = dir.resolve("lock").toString();
        int first = linux.open(lockFile, Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0644);
        int second = linux.open(lockFile, Linux.O_RDWR | Linux.O_CLOEXEC, 0);
        try {
            assertTrue(linux.flock(first, Linux.LOCK_EX));
            assertFalse(linux.flock(second, Linux.LOCK_EX | Linux.LOCK_NB));
            assertFalse(linux.flock(second, Linux.LOCK_SH | Linux.LOCK_NB));
            assertTrue(linux.flock(first, Linux.LOCK_UN));
            assertTrue(linux.flock(second, Linux.LOCK_EX | Linux.LOCK_NB));
        } finally {
            linux.close(first);
            linux.close(second);
        }
        SysException e = assertThrows(SysException.class, () -> linux.flock(first, Linux.LOCK_EX));
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void mknodMakesAFifoAndACharacterDevice() throws Exception {
        Path fifo = dir.resolve("fifo");
        linux.mknod(fifo, Linux.S_IFIFO | 0640, 0);
        assertEquals(Linux.S_IFIFO | 0640, (int) Files.getAttribute(fifo, "unix:mode"));

        Path devNull = dir.resolve("null");
        linux.mknod(devNull, Linux.S_IFCHR | 0666, Linux.makedev(1, 3));
        assertEquals(Linux.S_IFCHR, (int) Files.getAttribute(devNull, "unix:mode") & S_IFMT);
        assertEquals(Linux.makedev(1, 3), (long) Files.getAttribute(devNull, "unix:rdev"));
        // it really is the null device: writes vanish, reads see nothing
        Files.writeString(devNull, "into the void");
        assertEquals(0, Files.readAllBytes(devNull).length);

        SysException e = assertThrows(SysException.class, () -> linux.mknod(fifo, Linux.S_IFIFO | 0600, 0));
        assertEquals(Errno.EEXIST, e.errno());
    }

    @Test
    void lchownChangesTheLinkNotItsTarget() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
        linux.lchown(link, 1234, 5678);
        assertEquals(1234, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(5678, Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.getAttribute(target, "unix:uid"));
        assertEquals(0, Files.getAttribute(target, "unix:gid"));
    }

    @Test
    void chmodKeepsSetuidSetgidAndSticky() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "f");
        linux.chmod(file, 07755);
        assertEquals(07755, (int) Files.getAttribute(file, "unix:mode") & 07777);
    }

    @Test
    void xattrsRoundTripOnFilesAndOnLinksThemselves() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "f");
        byte[] binary = {0, 1, 2, (byte) 0xff, 0};
        linux.lsetxattr(file, "user.jrkt", "hello".getBytes(StandardCharsets.UTF_8));
        linux.lsetxattr(file, "trusted.jrkt", binary);
        linux.lsetxattr(file, "user.empty", new byte[0]);
        assertEquals("hello", new String(linux.lgetxattr(file, "user.jrkt"), StandardCharsets.UTF_8));
        assertArrayEquals(binary, linux.lgetxattr(file, "trusted.jrkt"));
        assertArrayEquals(new byte[0], linux.lgetxattr(file, "user.empty"));
        assertNull(linux.lgetxattr(file, "user.absent"));
        List<String> names = linux.llistxattr(file);
        assertTrue(names.containsAll(List.of("user.jrkt", "trusted.jrkt", "user.empty")), names.toString());

        Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
        linux.lsetxattr(link, "trusted.onlink", "l".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("trusted.onlink"), linux.llistxattr(link));
        assertNull(linux.lgetxattr(file, "trusted.onlink"));
    }

    @Test
    void lutimesSetsNanosecondTimesOnTheLinkItself() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
        FileTime targetBefore = Files.getLastModifiedTime(target);
        long mtime = 978_307_200_123_456_789L; // 2001-01-01T00:00:00.123456789Z
        linux.lutimes(link, mtime + 5, mtime);
        assertEquals(mtime, Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS));
        assertEquals(mtime + 5, ((FileTime) Files.getAttribute(link, "lastAccessTime", LinkOption.NOFOLLOW_LINKS)).to(TimeUnit.NANOSECONDS));
        assertEquals(targetBefore, Files.getLastModifiedTime(target));

        linux.lutimes(target, 0, -1_500_000_000L); // before the epoch
        assertEquals(-1_500_000_000L, Files.getLastModifiedTime(target).to(TimeUnit.NANOSECONDS));
    }

    @Test
    void aFailedCallNamesTheCallThePathAndTheErrno() {
        String missing = dir.resolve("no/such/file").toString();
        SysException e = assertThrows(SysException.class, () -> linux.chmod(Path.of(missing), 0644));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("chmod", e.call());
        assertEquals(missing, e.subject());
        assertEquals("chmod(" + missing + "): No such file or directory (ENOENT)", e.getMessage());

        SysException open = assertThrows(SysException.class, () -> linux.open(missing, Linux.O_RDONLY, 0));
        assertEquals(Errno.ENOENT, open.errno());
        assertEquals("open", open.call());
    }

    @Test
    void setLinkUpBringsLoopbackUpInTheThreadsOwnNetworkNamespace() throws Exception {
        // unshare(CLONE_NEWNET) moves only the calling thread; a child started from it lives there too.
        java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                linux.unshare(Linux.CLONE_NEWNET);
                String before = ipLinkLo();
                linux.setLinkUp("lo");
                seen.set(List.of(before, ipLinkLo()));
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.join();
        if (seen.get() instanceof Exception e) throw e;
        @SuppressWarnings("unchecked") List<String> states = (List<String>) seen.get();
        assertTrue(states.get(0).contains("DOWN"), "a new namespace's lo starts down: " + states);
        assertTrue(states.get(1).contains(",UP"), "then it is up: " + states);
        SysException e = assertThrows(SysException.class, () -> linux.setLinkUp("nosuchlink0"));
        assertEquals(Errno.ENODEV, e.errno());
    }

    private static String ipLinkLo() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-o", "link", "show", "lo").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void chdirToAMissingDirectoryFails() {
        String missing = dir.resolve("missing").toString();
        SysException e = assertThrows(SysException.class, () -> linux.chdir(missing));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("chdir", e.call());
    }

    @Test
    void identifiesThisProcess() {
        assertEquals(ProcessHandle.current().pid(), linux.getpid());
        assertEquals(0, linux.geteuid(), "the tests run as root");
    }

    @Test
    void execveReplacesAMultithreadedJvmKeepingOnlyTheInheritedFds() throws Exception {
        Path inherited = Files.writeString(dir.resolve("inherited"), "i");
        Path privateFile = Files.writeString(dir.resolve("private"), "p");
        List<String> out = runChild(jniGate(), inherited.toString(), privateFile.toString());

        String javaPid = out.get(0).split(" ")[2];
        int inheritedFd = Integer.parseInt(out.get(0).split(" ")[4]);
        int privateFd = Integer.parseInt(out.get(0).split(" ")[5]);
        assertEquals("shell pid " + javaPid, out.get(1), "execve keeps the process, it does not fork");
        assertEquals("SigBlk:\t0000000000000000", out.get(2), "the JVM's blocked signals are unblocked");
        assertEquals("hello from execve", out.get(out.size() - 1), "the environment given is the one seen");
        assertEquals("cwd " + dir, out.get(out.size() - 2), "chdir before execve sets the new program's directory");
        List<String> fds = out.subList(3, out.size() - 2).stream().filter(l -> l.contains("->")).toList();
        assertTrue(fds.stream().anyMatch(l -> l.contains(" " + inheritedFd + " -> " + inherited)), fds.toString());
        assertFalse(fds.stream().anyMatch(l -> l.contains(" " + privateFd + " -> ")), fds.toString());
        assertFalse(fds.stream().anyMatch(l -> l.endsWith(privateFile.toString())), "a JVM-opened fd leaked: " + fds);
        assertFalse(fds.stream().anyMatch(l -> l.contains(".jar") || l.endsWith("/lib/modules")), "JVM fds leaked: " + fds);
        assertEquals(4, fds.size(), "stdin, stdout, stderr and the inherited fd: " + fds);
    }

    @Test
    void execveOfAMissingProgramThrowsAndTheJvmGoesOn() throws Exception {
        Path missing = dir.resolve("missing");
        List<String> out = runChild(jniGate(), "/dev/null", "/dev/null", missing.toString());
        assertEquals(List.of("failed: execve(" + missing + "): No such file or directory (ENOENT)"), out);
    }

    @Test
    void execveOfTheFfmGateWithoutJrktsLibraryKeepsTheSameFds() throws Exception {
        Path inherited = Files.writeString(dir.resolve("inherited"), "i");
        Path privateFile = Files.writeString(dir.resolve("private"), "p");
        List<String> out = runChild("", inherited.toString(), privateFile.toString());
        assertTrue(out.get(0).startsWith("java pid "), out.toString());
        assertEquals("hello from execve", out.get(out.size() - 1));
        List<String> fds = out.subList(3, out.size() - 2).stream().filter(l -> l.contains("->")).toList();
        assertEquals(4, fds.size(), "stdin, stdout, stderr and the inherited fd: " + fds);
    }

    @Test
    void execveHandsOverArgumentsLargerThanTheScratchBuffer() throws Exception {
        // 40 KiB of arguments, beyond the 16 KiB a thread's Scratch holds, with bytes beyond ASCII
        String big = "é".repeat(10_000) + "ü".repeat(10_000);
        Path script = Files.writeString(dir.resolve("count.sh"), "printf '%s\n' \"$1\" | wc -c\n");
        List<String> out = runChild(jniGate(), "/dev/null", "/dev/null", "/bin/sh", script.toString(), big);
        assertEquals(List.of(String.valueOf(big.getBytes(StandardCharsets.UTF_8).length + 1)), out.stream().map(String::strip).toList());
    }

    @Test
    void aPathLongerThanTheScratchBufferReachesTheKernelWhole() {
        // the kernel refuses it for its length (not EFAULT: the whole string was there, NUL-terminated)
        String longPath = "/" + "d".repeat(20_000);
        SysException e = assertThrows(SysException.class, () -> linux.open(longPath, Linux.O_RDONLY, 0));
        assertEquals(36 /* ENAMETOOLONG */, e.errno());
        assertTrue(e.getMessage().endsWith(": File name too long (errno 36)"), e.getMessage());
    }

    @Test
    void statAtTellsTheOwnerAndModeOfAPathFromTheWorkingDirectoryOrAbsolute() throws Exception {
        Path owned = Files.createDirectory(dir.resolve("owned"));
        Files.setAttribute(owned, "unix:uid", 4321);
        Files.setAttribute(owned, "unix:mode", 0750);
        Linux.FileStat st = linux.statAt(Linux.AT_FDCWD, PathBytes.of(owned));
        assertEquals(4321, st.uid());
        assertEquals(0750, st.mode() & 07777);
        assertTrue(st.isDirectory());
        SysException gone = assertThrows(SysException.class, () -> linux.statAt(Linux.AT_FDCWD, PathBytes.of(dir.resolve("absent"))));
        assertEquals(Errno.ENOENT, gone.errno());
    }

    @Test
    void namesThatAreNotUtf8RoundTripThroughDirectoryCalls() throws Exception {
        byte[] name = {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, '-', (byte) 0xff, (byte) 0xfe};
        int dirfd = linux.open(dir.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        try {
            linux.close(linux.openat(dirfd, name, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_CLOEXEC));
            List<Linux.DirEntry> entries = linux.readDirectory(dirfd);
            assertEquals(1, entries.size());
            assertArrayEquals(name, entries.get(0).name());
            assertEquals(Linux.DirEntry.DT_REG, entries.get(0).type());
            assertTrue(linux.statAt(dirfd, name).isRegularFile());
            Path link = PathBytes.resolve(dir, new byte[] {'l', (byte) 0xff});
            linux.symlink(name, link);
            assertArrayEquals(name, linux.readlink(link));
            linux.unlinkat(dirfd, name, 0);
            SysException e = assertThrows(SysException.class, () -> linux.statAt(dirfd, name));
            assertEquals(Errno.ENOENT, e.errno());
        } finally {
            linux.close(dirfd);
        }
    }

    @Test
    void spawnGivesAProgramItsFilesDirectoryAndEnvironmentAndReportsItsStatus() throws Exception {
        Path in = Files.writeString(dir.resolve("in"), "hello\n"), out = dir.resolve("out"), err = dir.resolve("err");
        Files.writeString(out, "an old, longer content to be truncated");
        int pid = linux.spawn("/bin/sh", new String[] {"sh", "-c", "read line; echo \"$line $FOO $(pwd)\"; echo oops >&2; exit 3"},
            new String[] {"FOO=bar", "PATH=/usr/bin:/bin"}, dir.toString(), in.toString(), out.toString(), err.toString());
        assertEquals(3, linux.waitChild(pid, -1));
        assertEquals("hello bar " + dir + "\n", Files.readString(out));
        assertEquals("oops\n", Files.readString(err));
        assertEquals(0600, (int) Files.getAttribute(err, "unix:mode") & 07777);
    }

    @Test
    void aSpawnedProgramHasNoneOfThisProcesssFdsAndNoBlockedOrIgnoredSignal() throws Exception {
        // an fd without O_CLOEXEC, as the JVM's or a library's may be: execve would pass it on
        int fd = linux.open(Files.writeString(dir.resolve("held"), "x").toString(), Linux.O_RDONLY, 0);
        try {
            Path out = dir.resolve("out");
            int pid = linux.spawn("/bin/sh", new String[] {"sh", "-c",
                    "[ -e /proc/self/fd/" + fd + " ] && echo leaked; grep -E '^Sig(Blk|Ign)' /proc/self/status"},
                new String[0], null, null, out.toString(), null);
            assertEquals(0, linux.waitChild(pid, 10_000));
            List<String> lines = Files.readAllLines(out);
            assertEquals(2, lines.size(), lines.toString()); // and no "leaked"
            assertEquals("SigBlk:\t0000000000000000", lines.get(0));
            // glibc's posix_spawn leaves its two internal signals (32, 33) ignored, as in a ProcessBuilder child
            assertEquals(0, Long.parseLong(lines.get(1).substring("SigIgn:\t".length()), 16) & 0x7fffffffL, lines.get(1));
        } finally {
            linux.close(fd);
        }
    }

    @Test
    void aSymlinkPlantedWhereTheChildsFilesGoFailsTheSpawnAndTheTargetIsUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("host-file"), "the host's");
        Path out = Files.createSymbolicLink(dir.resolve("out"), victim), in = Files.createSymbolicLink(dir.resolve("in"), victim);
        SysException viaOut = assertThrows(SysException.class,
            () -> linux.spawn("/bin/echo", new String[] {"echo", "overwritten"}, new String[0], null, null, out.toString(), null));
        assertTrue(viaOut.getMessage().endsWith("(ELOOP)"), viaOut.getMessage());
        SysException viaIn = assertThrows(SysException.class,
            () -> linux.spawn("/bin/cat", new String[] {"cat"}, new String[0], null, in.toString(), dir + "/cat.out", null));
        assertTrue(viaIn.getMessage().endsWith("(ELOOP)"), viaIn.getMessage());
        assertEquals("the host's", Files.readString(victim));
    }

    @Test
    void waitChildGivesUpAtItsTimeoutAndAKilledChildReportsItsSignal() throws Exception {
        int pid = linux.spawn("/bin/sleep", new String[] {"sleep", "30"}, new String[0], null, null, null, null);
        assertEquals(-1, linux.waitChild(pid, 100));
        assertTrue(Files.exists(Path.of("/proc/" + pid)), "still running after the timeout");
        linux.kill(pid, 9);
        assertEquals(128 + 9, linux.waitChild(pid, 10_000));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "reaped");
    }

    @Test
    void spawningWhatIsNotThereOrCannotBeOpenedFailsWithItsName() {
        SysException missing = assertThrows(SysException.class,
            () -> linux.spawn(dir + "/no-such-program", new String[] {"x"}, new String[0], null, null, null, null));
        assertEquals("posix_spawn(" + dir + "/no-such-program): No such file or directory (ENOENT)", missing.getMessage());
        SysException noInput = assertThrows(SysException.class,
            () -> linux.spawn("/bin/true", new String[] {"true"}, new String[0], null, dir + "/no-such-input", null, null));
        assertEquals("posix_spawn(/bin/true): No such file or directory (ENOENT)", noInput.getMessage());
    }

    @Test
    void aFailedCallCarriesItsOwnErrnoAndStrerrorsText() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        // ENOTDIR, then EEXIST on the same thread: each failure reports the errno of its own call
        SysException notDir = assertThrows(SysException.class, () -> linux.open(file + "/below", Linux.O_RDONLY, 0));
        assertEquals("open(" + file + "/below): Not a directory (ENOTDIR)", notDir.getMessage());
        SysException exists = assertThrows(SysException.class,
            () -> linux.open(file.toString(), Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, 0644));
        assertEquals("open(" + file + "): File exists (EEXIST)", exists.getMessage());
        SysException badFd = assertThrows(SysException.class, () -> linux.close(9999));
        assertEquals("close(fd 9999): Bad file descriptor (EBADF)", badFd.getMessage());
    }

    @Test
    void withJrktsLibraryNoForeignMemoryClassIsLoaded() throws Exception {
        Path log = dir.resolve("classes.log");
        assertEquals("jni 1 ENOENT", runGateChild(jniGate(), "-Xlog:class+load=info:file=" + log));
        // the JVM itself loads four jdk.internal.foreign.abi classes as it boots, whatever runs
        List<String> vmOwn = List.of("abi.NativeEntryPoint ", "abi.ABIDescriptor ", "abi.VMStorage ", "abi.UpcallLinker$CallRegs ");
        List<String> foreign = Files.readAllLines(log).stream()
            .filter(l -> l.contains("java.lang.foreign.") || l.contains("jdk.internal.foreign.") || l.contains("jrkt.sys.FfmGate"))
            .filter(l -> vmOwn.stream().noneMatch(c -> l.contains("jdk.internal.foreign." + c))).toList();
        assertEquals(List.of(), foreign);
    }

    @Test
    void withoutJrktsLibraryTheSameCallsTakeTheFfmGate() throws Exception {
        assertEquals("ffm 1 ENOENT", runGateChild("", "-Xshare:auto"));
    }

    /** Runs GateOnlyChild with that gate ("" for none) and one more JVM option; its output line. */
    private String runGateChild(String gate, String jvmOption) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", jvmOption, "-Djrkt.native.gate=" + gate, "-cp", System.getProperty("java.class.path"),
            GateOnlyChild.class.getName(), Files.createTempDirectory(dir, "child").toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        return output.strip();
    }

    /** The library the build made (sys/pom.xml names it for the tests). */
    private static String jniGate() { return System.getProperty("jrkt.native.gate"); }

    /** Runs ExecveChild; gate is the JNI library to load, "" for the FFM gate. */
    private static List<String> runChild(String gate, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "-Djrkt.native.gate=" + gate, "-cp", System.getProperty("java.class.path"),
            ExecveChild.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        return output.lines().toList();
    }
}
