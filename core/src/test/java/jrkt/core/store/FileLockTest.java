package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FileLock takes fcntl record locks through jrkt's gate; another process holding one with
 * FileChannel.lock (as earlier jrkt did) conflicts with it both ways, and its death frees it.
 */
class FileLockTest {
    @TempDir Path tmp;

    /** Holds a FileChannel lock on args[0] (shared when args[1] is "shared") until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); var lock = ch.lock(0, Long.MAX_VALUE, args[1].equals("shared"))) {
                System.out.println("locked");
                System.out.flush();
                System.in.read();
            }
        }
    }

    private static Process holder(Path file, String mode) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Holder.class.getName(), file.toString(), mode).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine(), "the holder did not lock");
        return p;
    }

    @Test
    void anExclusiveLockOfAnotherProcessKeepsEveryLockOutUntilItIsGone() throws Exception {
        Path file = tmp.resolve("use-x");
        Process other = holder(file, "exclusive");
        try {
            assertNull(FileLock.tryExclusive(file), "an exclusive lock while another process holds one");
        } finally {
            other.destroyForcibly(); // the kernel drops a killed process's locks
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        }
        try (FileLock mine = FileLock.tryExclusive(file)) {
            assertNotNull(mine, "free once the holder died");
        }
    }

    @Test
    void sharedLocksGoTogetherAndKeepAnExclusiveOneOut() throws Exception {
        Path file = tmp.resolve("use-y");
        Process other = holder(file, "shared");
        try (FileLock mine = FileLock.shared(file)) {
            assertNull(FileLock.tryExclusive(file), "exclusive beside two shared holders");
        } finally {
            other.getOutputStream().close(); // the holder lets go and ends
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        }
        try (FileLock mine = FileLock.tryExclusive(file)) {
            assertNotNull(mine);
            // and this process's exclusive lock keeps another process's out
            Process blocked = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TryLock.class.getName(), file.toString()).start();
            assertTrue(blocked.waitFor(30, TimeUnit.SECONDS));
            assertEquals("held elsewhere", new String(blocked.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    /** Tries a FileChannel lock on args[0] and says whether it got it. */
    public static final class TryLock {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);
                 var lock = ch.tryLock(0, Long.MAX_VALUE, true)) {
                System.out.println(lock == null ? "held elsewhere" : "got it");
            }
        }
    }
}
