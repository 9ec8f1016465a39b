package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root app trying to reach the host through what the pod shares with stage1: PID 1's
 * descriptors, root and executable, an `enter` process, and the kernel's global settings in
 * /proc and /sys. Most cases run the app with every capability and no seccomp filter
 * ({@link #UNCONFINED}): what they check must hold by construction, not because the default
 * confinement happens to hide /proc/1.
 */
class PodBoundaryTest {
    static final String IMAGE = "example.com/shell";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** Every capability (CAP_SYS_PTRACE included) and no seccomp filter. */
    static final String UNCONFINED = "--insecure-options=capabilities,seccomp";

    private Jrkt.Result runAsRoot(String script) {
        return env.run(args("run", "--net=none", UNCONFINED, sh(IMAGE, script)));
    }

    @Test
    void withTheDefaultCapabilitiesARootAppCannotLookIntoPid1() {
        Jrkt.Result r = env.run(args("run", "--net=none", sh(IMAGE,
            "for f in /proc/1/fd/* /proc/1/root /proc/1/cwd /proc/1/exe; do readlink $f >/dev/null 2>&1 && echo \"follows $f\"; done; "
            + "cat /proc/1/environ >/dev/null 2>&1 && echo reads-environ; ls /proc/1/root/ >/dev/null 2>&1 && echo lists-root; echo done")));
        assertEquals("done", r.out(), "PID 1 is not dumpable: without CAP_SYS_PTRACE nothing of it is open: " + r);
    }

    @Test
    void pid1HoldsNoDirectoryOfTheHost() {
        Jrkt.Result r = runAsRoot(
            "for f in /proc/1/fd/*; do if [ -d \"$f\" ]; then echo \"directory fd $f -> $(readlink $f)\"; fi; done; "
            + "for f in /proc/1/fd/*; do ls \"$f/../../..\" >/dev/null 2>&1 && echo \"climbed out through $f\"; done; "
            + "echo done");
        assertEquals("done", r.out(), "PID 1 holds a directory an app can climb out of: " + r);
    }

    @Test
    void pid1sRootIsThePodsReadOnlyRootAndItsExeIsSealed() {
        Jrkt.Result r = runAsRoot("ls /proc/1/root; touch /proc/1/root/x 2>&1 | grep -o 'Read-only file system'; "
            + "readlink /proc/1/exe | grep -o memfd; (echo evil > /proc/1/exe) 2>/dev/null && echo wrote-exe; "
            + "readlink /proc/1/cwd");
        assertEquals(String.join("\n", "opt", "proc", "Read-only file system", "memfd", "/"), r.out(), r.toString());
    }

    @Test
    void theStage1BinaryOfThePodIsUnchangedAfterAnAppTriedToWriteIt() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(args("run", "--net=none", UNCONFINED, "--uuid-file-save=" + uuidFile,
            sh(IMAGE, "for p in /proc/[0-9]*; do (echo evil > $p/exe) 2>/dev/null; done; true"))).expectSuccess();
        Path init = env.podDir(Files.readString(uuidFile).strip()).resolve("stage1/rootfs/init");
        byte[] head = Files.readAllBytes(init);
        assertEquals(0x7f, head[0], "stage1's binary is no longer an ELF file");
        assertFalse(new String(head, 0, 5).startsWith("evil"), "an app wrote stage1's binary");
    }

    @Test
    void anEnterProcessLeavesNoHostDirectoryInThePod() {
        String uuid = env.runDetached(args("--net=none", UNCONFINED, sh(IMAGE, "exec sleep 300")));
        Jrkt.Background enter = env.start("enter", uuid, "sleep", "300");
        PodEnv.await("the entered sleep", 60, () ->
            env.run("enter", uuid, "sh", "-c", "ps -o comm | grep -c sleep").out().equals("2"));
        Jrkt.Result scan = env.run("enter", uuid, "sh", "-c",
            "for p in /proc/[0-9]*; do for f in $p/fd/* $p/cwd $p/root; do "
            + "[ -d \"$f\" ] && case \"$(readlink $f)\" in /|/proc|/proc/*|/dev/pts|/dev/pts/*) ;; *) echo \"$f -> $(readlink $f)\";; esac; "
            + "done; done; echo done");
        enter.close();
        assertEquals("done", scan.out(), "a process in the pod holds a directory outside the app: " + scan);
    }

    @Test
    void kernelSettingsAndSecretsOfTheHostCannotBeWrittenOrRead() throws Exception {
        String corePattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        // every write answers EROFS and every secret reads empty; a file this kernel lacks is skipped
        StringBuilder script = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (String file : List.of("/proc/sys/kernel/core_pattern", "/proc/sys/net/ipv4/ip_forward", "/proc/sysrq-trigger")) {
            if (!Files.exists(Path.of(file))) continue;
            // writing back what is there (or sysrq's harmless help key) changes nothing even if it got through
            String value = file.endsWith("sysrq-trigger") ? "echo h" : "cat " + file;
            script.append("(").append(value).append(" > ").append(file).append(") 2>&1 | grep -o 'Read-only file system' || echo 'wrote ")
                .append(file).append("'; ");
            expected.append("Read-only file system\n");
        }
        for (String file : List.of("/proc/kcore", "/proc/kallsyms", "/proc/keys", "/proc/timer_list", "/proc/sched_debug")) {
            if (!Files.exists(Path.of(file))) continue;
            script.append("echo ").append(file).append(" $(cat ").append(file).append(" 2>/dev/null | wc -c); ");
            expected.append(file).append(" 0\n");
        }
        script.append("echo /sys/firmware $(ls /sys/firmware | wc -l)");
        expected.append("/sys/firmware 0");
        Jrkt.Result r = runAsRoot(script.toString());
        assertEquals(expected.toString(), r.out(), r.toString());
        assertEquals(corePattern, Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip());
    }

    @Test
    void theReadOnlyMountsCannotBeUndoneByAConfinedAppEvenWithCapSysAdmin() {
        String attempts = "mount -o remount,rw /sys 2>/dev/null && echo remounted-sys; "
            + "mount -o remount,rw,bind /proc/sys 2>/dev/null && echo remounted-proc-sys; "
            + "umount /proc/sys 2>/dev/null && echo unmounted-proc-sys; "
            + "umount /proc/kallsyms 2>/dev/null && echo unmasked-kallsyms; "
            + "mount -t tmpfs none /mnt 2>/dev/null && echo mounted-tmpfs; "
            + "mount -t proc proc /mnt 2>/dev/null && echo mounted-proc; "
            + "touch /sys/x 2>/dev/null && echo wrote-sys; echo done";
        for (String[] flags : List.of(new String[0], new String[] {"--caps-retain=CAP_SYS_ADMIN,CAP_SETUID,CAP_SETGID"})) {
            Jrkt.Result r = env.run(args("run", "--net=none", sh(IMAGE, attempts, flags)));
            assertEquals("done", r.out(), String.join(" ", flags) + ": " + r);
        }
    }
}
