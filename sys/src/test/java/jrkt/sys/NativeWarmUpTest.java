package jrkt.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The warm-up's first cgroup move, made by the JNI gate on a native thread of its own, on this host's cgroups. */
class NativeWarmUpTest {
    @Test
    void theGatePrimesTheCgroupMovesWhereCgroup2IsAndTheProcessStaysInItsCgroups() throws Exception {
        String before = Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8);
        boolean cgroup2 = before.lines().anyMatch(l -> l.startsWith("0::/"))
            && (Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.controllers")) || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")));
        NativeWarmUp.plan(true, true, null);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (NativeWarmUp.cgroupMovesPrimed() != cgroup2 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(cgroup2, NativeWarmUp.cgroupMovesPrimed(), "primed by the gate exactly where cgroup2 is at a usual place");
        // the move is into the cgroups the process is in already: nothing changes but the kernel's state
        Thread.sleep(100); // the native thread's write, past the grace period
        assertEquals(before, Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8));
    }
}
