package jrkt.core.isolation;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Pays, ahead of stage1, for the kernel's slow first cgroup move. The host's first move of a
 * process into a cgroup after a quiet while waits for an RCU grace period (5-16 ms measured
 * here) before it takes the lock of all task migrations, holding the cgroup mutex, which every
 * cgroup mkdir needs too; the moves of the next 15-20 ms do not wait. A run moves itself into
 * the cgroup it is in already (writing "0" to a cgroup.procs: the writer; no thread changes
 * cgroup) twice. First as soon as the warm-up thread has loaded jrkt's JNI gate (1.5-2 ms after
 * main), by the gate itself on a native thread of its own where cgroup2 is at one of its usual
 * places ({@code jrkt.sys.NativeWarmUp#cgroupMovesPrimed}), else by {@link #now} from the warm-up
 * thread once its own work is done ({@code jrkt.core.pod.prepare.PrepareAhead}); either way most
 * of the grace period has passed when the pod's cgroups are made (8-12 ms after main,
 * {@link EarlyCgroups}). Then {@link #now} from the thread that made them, a quick move that keeps
 * the next ones quick for stage1's placement of the pod's PID 1 some 10 ms later. No JVM thread of
 * its own: one started for the first move delayed the warm-up thread's own start by 2-3 ms, and
 * the store's open with it.
 *
 * <p>The first move does not read the mount table (2-3 ms of parsing) where cgroup2 is at one of
 * its usual places. Only time is at stake: whatever fails is ignored.
 */
public final class CgroupMovesPrime {
    private CgroupMovesPrime() {}

    /** Moves on this thread. */
    public static void now() {
        try {
            if (!onCgroup2()) onAnyHierarchy(CgroupHost.current());
        } catch (IOException | RuntimeException e) {
            // no gain, no harm
        }
    }

    /**
     * Without reading the mount table: cgroup2 at one of its two usual places, known by the
     * cgroup.controllers only its root has; there this process's cgroup is the "0::" line of
     * /proc/self/cgroup. False when neither place has it (v1 only, elsewhere).
     */
    static boolean onCgroup2() throws IOException {
        String path = null;
        for (String line : procSelfCgroup()) {
            if (line.startsWith("0::/")) path = line.substring(3);
        }
        if (path == null) return false;
        for (String root : new String[] {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
            if (!new File(root, "cgroup.controllers").exists()) continue;
            moveSelf(new File(root + path, "cgroup.procs"));
            return true;
        }
        return false;
    }

    /** /proc/self/cgroup's lines, by java.io (FileBytes: no NIO channel, no libnet on this thread). */
    private static List<String> procSelfCgroup() throws IOException {
        return jrkt.core.fs.FileBytes.lines(java.nio.file.Path.of("/proc/self/cgroup"));
    }

    /** Through the host's mount table: the first hierarchy this process is listed in. */
    static void onAnyHierarchy(CgroupHost host) throws IOException {
        for (String line : procSelfCgroup()) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            for (CgroupHost.Hierarchy h : host.hierarchies()) {
                if (h.v2() ? !f[0].equals("0") : !h.name().equals(f[1])) continue;
                moveSelf(h.mountPoint().resolve(f[2].substring(1)).resolve("cgroup.procs").toFile());
                return; // the lock is the host's, not a hierarchy's: one move is enough
            }
        }
    }

    private static void moveSelf(File procs) throws IOException {
        try (FileOutputStream out = new FileOutputStream(procs)) {
            out.write('0');
        }
    }
}
