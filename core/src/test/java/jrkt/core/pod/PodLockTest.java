package jrkt.core.pod;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodLockTest {
    @TempDir Path tmp;

    @Test void anExclusiveLockExcludesASecondOneUntilReleased() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("pod"));
        try (PodLock first = PodLock.tryExclusive(dir)) {
            assertNotNull(first);
            assertNull(PodLock.tryExclusive(dir), "a second fd must not get the lock");
            assertNull(PodLock.tryShared(dir), "readers see the lock as held");
            assertTrue(PodLock.isHeld(dir));
        }
        assertFalse(PodLock.isHeld(dir));
        try (PodLock again = PodLock.tryExclusive(dir)) {
            assertNotNull(again);
        }
    }

    @Test void sharedLocksDoNotExcludeEachOtherButExcludeAWriter() {
        Path dir = tmp;
        try (PodLock a = PodLock.tryShared(dir); PodLock b = PodLock.tryShared(dir)) {
            assertNotNull(a);
            assertNotNull(b);
            assertNull(PodLock.tryExclusive(dir));
        }
    }

    @Test void theLockFollowsTheDirectoryAcrossARename() throws Exception {
        Path from = Files.createDirectory(tmp.resolve("prepared"));
        Path to = tmp.resolve("run");
        try (PodLock lock = PodLock.tryExclusive(from)) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            assertTrue(PodLock.isHeld(to), "the renamed directory is still locked");
        }
        assertFalse(PodLock.isHeld(to));
    }

    @Test void aLockHeldByAnotherProcessIsSeen() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("pod"));
        Process holder = PodTestSupport.holdLock(dir);
        try {
            assertNull(PodLock.tryExclusive(dir));
        } finally {
            PodTestSupport.release(holder);
        }
        try (PodLock lock = PodLock.tryExclusive(dir)) {
            assertNotNull(lock, "the lock is free once its holder died");
        }
    }

    @Test void aMissingDirectoryIsNoSuchPod() {
        assertThrows(PodLock.NoSuchPod.class, () -> PodLock.tryExclusive(tmp.resolve("gone")));
    }
}
