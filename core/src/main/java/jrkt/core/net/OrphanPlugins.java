package jrkt.core.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * CNI plugins (and the iptables they run) left running for a pod by a jrkt that was killed:
 * the plugin does not die with its parent, and an ADD that finishes after gc's DEL would leave
 * its veth, rules and lease behind. They are found by the {@code CNI_CONTAINERID} in their
 * environment (children inherit it), which names the pod; while gc holds the pod's lock, any
 * such process is an orphan.
 */
final class OrphanPlugins {
    /** A safety net only: a SIGKILLed process is normally gone at once. */
    private static final long WAIT_MILLIS = 10_000;

    private OrphanPlugins() {}

    /** Kills every process working for the pod {@code uuid} and waits (bounded) until they are gone. */
    static void kill(String uuid) {
        byte[] marker = ("CNI_CONTAINERID=" + uuid).getBytes(StandardCharsets.UTF_8);
        List<Integer> killed = new ArrayList<>();
        Linux linux = Linux.get();
        int self = linux.getpid();
        for (int pid : pids()) {
            if (pid == self || !hasVariable(pid, marker)) continue;
            try {
                linux.kill(pid, 9);
                killed.add(pid);
            } catch (SysException e) {
                if (e.errno() != Errno.ESRCH) throw new jrkt.core.JrktException("cannot kill plugin process " + pid + " of pod " + uuid + ": " + e.getMessage(), e);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        for (int pid : killed) {
            while (alive(pid) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), OrphanPlugins::isPid)) {
            for (Path p : ds) pids.add(Integer.parseInt(p.getFileName().toString()));
        } catch (IOException e) {
            throw new jrkt.core.JrktException("cannot list processes in /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** A process's entry in /proc: digits only, checked by hand (String.matches compiled a regex per entry, at every removal of a pod with a network). */
    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) if (name.charAt(i) < '0' || name.charAt(i) > '9') return false;
        return true;
    }

    /** Whether the process's environment holds exactly this NAME=VALUE entry. */
    private static boolean hasVariable(int pid, byte[] entry) {
        byte[] env;
        try {
            env = jrkt.core.fs.FileBytes.read(Path.of("/proc", Integer.toString(pid), "environ"));
        } catch (IOException e) {
            return false; // gone meanwhile, or a kernel thread
        }
        for (int start = 0; start < env.length; ) {
            int end = start;
            while (end < env.length && env[end] != 0) end++;
            if (end - start == entry.length && java.util.Arrays.equals(env, start, end, entry, 0, entry.length)) return true;
            start = end + 1;
        }
        return false;
    }

    /** Alive and not a zombie: a killed orphan is reparented and reaped, but may linger a moment as a zombie. */
    private static boolean alive(int pid) { return ProcessIdentity.startTimeOf(pid) != null; }
}
