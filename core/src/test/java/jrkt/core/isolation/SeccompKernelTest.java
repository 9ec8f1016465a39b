package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filters jrkt compiles, loaded into the real kernel: a small C program (compiled here with
 * the host's gcc) installs a filter file as stage1 would and makes calls, printing what each
 * returned; a call the filter kills ends it by SIGSYS.
 */
class SeccompKernelTest {
    private static final int EPERM = 1, ENOSYS = 38, ENOTSUP = 95, SIGSYS = 31;

    @TempDir static Path dir;
    static Path helper;

    @BeforeAll
    static void compileHelper() throws Exception {
        Path source = dir.resolve("seccomp-try.c");
        try (InputStream in = SeccompKernelTest.class.getResourceAsStream("seccomp-try.c")) {
            Files.copy(in, source);
        }
        helper = dir.resolve("seccomp-try");
        Result cc = exec(List.of("gcc", "-O0", "-Wall", "-o", helper.toString(), source.toString()));
        assertEquals(0, cc.status(), "gcc failed: " + cc.output());
    }

    /** What the helper printed, call by call, and how it ended (128+signal when killed). */
    record Result(int status, String output) {
        Map<String, String> calls() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : output.strip().lines().toList()) {
                int space = line.indexOf(' ');
                if (space > 0) m.put(line.substring(0, space), line.substring(space + 1));
            }
            return m;
        }
    }

    static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), out);
    }

    static Result run(SeccompPolicy policy, String... calls) throws Exception {
        Path filter = Files.createTempFile(dir, "filter", ".bpf");
        Files.write(filter, policy.compile());
        List<String> command = new ArrayList<>(List.of(helper.toString(), filter.toString()));
        command.addAll(List.of(calls));
        return exec(command);
    }

    static String errno(int n) { return "errno " + n; }

    @Test
    void theDefaultFilterRunsOrdinaryCallsAndDeniesTheDangerousOnesWithEperm() throws Exception {
        Result r = run(SeccompPolicy.jrktDefault(), "getpid", "fork", "unshare-uts", "personality-query",
            "mount", "reboot", "keyctl", "bpf", "unshare-user", "clone-user", "personality-no-aslr");
        assertEquals(0, r.status(), r.output());
        Map<String, String> calls = r.calls();
        for (String allowed : List.of("getpid", "fork", "unshare-uts", "personality-query")) {
            assertEquals("ok", calls.get(allowed), allowed + ": " + r.output());
        }
        for (String denied : List.of("mount", "reboot", "keyctl", "bpf", "unshare-user", "clone-user", "personality-no-aslr")) {
            assertEquals(errno(EPERM), calls.get(denied), denied + ": " + r.output());
        }
    }

    @Test
    void theDefaultFilterAnswersEnosysWhereLibcFallsBack() throws Exception {
        // clone3's flags cannot be inspected: ENOSYS makes glibc use clone, which can be.
        // x32 numbers and numbers beyond the table (a newer kernel's calls) are "not implemented".
        Result r = run(SeccompPolicy.jrktDefault(), "clone3", "x32-getpid", "beyond-table");
        assertEquals(Map.of("clone3", errno(ENOSYS), "x32-getpid", errno(ENOSYS), "beyond-table", errno(ENOSYS)), r.calls(), r.output());
    }

    @Test
    void aRemovedCallReturnsTheChosenErrnoAndOthersWork() throws Exception {
        SeccompPolicy p = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("reboot", "mount"), "ENOTSUP", "test");
        Result r = run(p, "reboot", "mount", "getpid", "keyctl", "unshare-user");
        assertEquals(0, r.status(), r.output());
        assertEquals(errno(ENOTSUP), r.calls().get("reboot"));
        assertEquals(errno(ENOTSUP), r.calls().get("mount"));
        assertEquals("ok", r.calls().get("getpid"));
        assertEquals("ok", r.calls().get("keyctl"), "a remove set blocks only what it names");
        assertEquals("ok", r.calls().get("unshare-user"));
    }

    @Test
    void aRemovedCallWithoutErrnoKillsTheProcessBySigsys() throws Exception {
        SeccompPolicy p = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("mount"), null, "test");
        Result r = run(p, "getpid", "mount", "getppid");
        assertEquals(128 + SIGSYS, r.status(), r.output());
        assertEquals(Map.of("getpid", "ok"), r.calls(), "nothing runs after the killed call: " + r.output());
    }

    @Test
    void aRetainSetBlocksEverythingElseButKeepsWhatStage1NeedsToStartTheApp() throws Exception {
        SeccompPolicy p = SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of("write", "getpid", "wait4"), "ENOTSUP", "test");
        Result r = run(p, "getpid", "setuid", "getppid", "keyctl");
        assertEquals(0, r.status(), r.output());
        assertEquals(Map.of("getpid", "ok", "setuid", "ok", "getppid", errno(ENOTSUP), "keyctl", errno(ENOTSUP)), r.calls(), r.output());

        SeccompPolicy killing = SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of("write", "getpid"), "", "test");
        Result killed = run(killing, "getpid", "getppid");
        assertEquals(128 + SIGSYS, killed.status(), killed.output());
        assertEquals(Map.of("getpid", "ok"), killed.calls());
    }

    @Test
    void dockersBlacklistAndWhitelistGroupsWork() throws Exception {
        SeccompPolicy blacklist = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of(SeccompGroups.DOCKER_DEFAULT_BLACKLIST), "EPERM", "test");
        Result b = run(blacklist, "mount", "keyctl", "unshare-uts", "getpid");
        assertEquals(Map.of("mount", errno(EPERM), "keyctl", errno(EPERM), "unshare-uts", errno(EPERM), "getpid", "ok"), b.calls(), b.output());

        SeccompPolicy whitelist = SeccompPolicy.of(SeccompPolicy.Mode.RETAIN, List.of(SeccompGroups.DOCKER_DEFAULT_WHITELIST), "EPERM", "test");
        Result w = run(whitelist, "getpid", "fork", "mount", "keyctl");
        assertEquals(Map.of("getpid", "ok", "fork", "ok", "mount", errno(EPERM), "keyctl", errno(EPERM)), w.calls(), w.output());
    }

    @Test
    void aCallThroughThe32BitAbiKillsTheProcessWhateverTheFilterAllows() throws Exception {
        Result unfiltered = exec(List.of(helper.toString(), "none", "i386-getpid"));
        assertEquals("ok", unfiltered.calls().get("i386-getpid"), "this kernel runs i386 calls: " + unfiltered.output());

        SeccompPolicy removeOne = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("reboot"), "EPERM", "test");
        Result r = run(removeOne, "getpid", "i386-getpid");
        assertEquals(128 + SIGSYS, r.status(), r.output());
        assertEquals(Map.of("getpid", "ok"), r.calls());
    }

    @Test
    void theDefaultFilterFitsTheKernelsLimitWithRoomToSpare() {
        int instructions = SeccompPolicy.jrktDefault().compile().length / 8;
        assertTrue(instructions < 400, "a binary search over ranges stays small: " + instructions);
        int all = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of(SeccompGroups.DOCKER_DEFAULT_BLACKLIST), null, "t").compile().length / 8;
        assertTrue(all < SeccompFilter.MAX_INSTRUCTIONS, "" + all);
    }
}
