package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

/** The syscall table, the named groups and how a seccomp set is checked. */
class SeccompGroupsTest {
    @Test
    void theSyscallTableAgreesWithTheInstalledKernelHeaders() throws Exception {
        Path header = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        List<String> mismatches = new ArrayList<>();
        int seen = 0;
        for (String line : Files.readAllLines(header)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("#define") && f[1].startsWith("__NR_")) {
                seen++;
                String name = f[1].substring(5);
                if (Syscalls.number(name) != Integer.parseInt(f[2])) mismatches.add(name + " " + f[2] + " vs " + Syscalls.number(name));
            }
        }
        assertTrue(seen > 300, "the header lists the calls: " + seen);
        assertEquals(List.of(), mismatches);
        assertTrue(Syscalls.MAX_KNOWN >= 469, "the table goes past the header, up to the running kernel's calls");
    }

    @Test
    void everyGroupMemberIsAnX86Call() {
        for (Map.Entry<String, List<String>> g : SeccompGroups.NAMED.entrySet()) {
            for (String name : g.getValue()) assertTrue(Syscalls.number(name) >= 0, g.getKey() + ": " + name);
        }
        for (String name : SeccompPolicy.LIFECYCLE) assertTrue(Syscalls.number(name) >= 0, name);
    }

    @Test
    void theDefaultAllowListLeavesOutWhatReachesPastThePod() {
        List<String> dangerous = List.of("mount", "umount2", "pivot_root", "reboot", "kexec_load", "kexec_file_load",
            "init_module", "finit_module", "delete_module", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
            "userfaultfd", "setns", "open_by_handle_at", "swapon", "swapoff", "acct", "settimeofday", "clock_settime",
            "io_uring_setup", "fsopen", "move_mount", "open_tree", "mount_setattr", "syslog", "iopl", "ioperm");
        for (String d : dangerous) assertFalse(SeccompGroups.JRKT_DEFAULT.contains(d), d);
        for (String c : SeccompGroups.JRKT_CONDITIONAL) assertFalse(SeccompGroups.JRKT_DEFAULT.contains(c), c + " is only allowed under conditions");
        for (String d : List.of("mount", "keyctl", "bpf", "setns", "reboot")) assertTrue(SeccompGroups.DOCKER_BLACKLIST.contains(d), d);
    }

    @Test
    void badSetsFailWithOneLineNamingTheCulprit() {
        assertEquals("--seccomp: \"mountt\" is not an x86_64 system call",
            assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("mountt"), null, "--seccomp")).getMessage());
        assertTrue(assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("@rkt/default-blacklist"), null, "x"))
            .getMessage().startsWith("x: \"@rkt/default-blacklist\" is not a syscall group (known: @appc.io/all,"));
        assertEquals("x: \"EWHAT\" is not an errno name (like EPERM, ENOSYS)",
            assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of("read"), "EWHAT", "x")).getMessage());
        assertEquals("x: execve cannot be removed: stage1 needs it to start the app after installing the filter",
            assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("reboot", "execve"), null, "x")).getMessage());
        assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of(SeccompGroups.ALL), null, "x"));
        assertThrows(JrktException.class, () -> SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of(), null, "x"));
    }

    @Test
    void appcWildcardsOptOutAndOptIn() {
        assertTrue(SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of(SeccompGroups.ALL, "read"), null, "x").optsOut());
        SeccompPolicy optIn = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of(SeccompGroups.EMPTY, "execve"), "ENOSYS", "x");
        assertFalse(optIn.optsOut());
        assertEquals(SeccompPolicy.jrktDefault(), optIn.effective(), "a remove set of @appc.io/empty is jrkt's default filter");
        assertEquals("retain @jrkt/default-whitelist errno=EPERM", SeccompPolicy.jrktDefault().describe());
        assertEquals(ErrnoNames.number("EOPNOTSUPP"), ErrnoNames.number("ENOTSUP"));
        assertEquals(1, ErrnoNames.number("EPERM"));
        assertEquals(133, ErrnoNames.number("EHWPOISON"));
        assertEquals(42, ErrnoNames.number("ENOMSG"), "41 is unused, the numbers after it stay right");
    }
}
