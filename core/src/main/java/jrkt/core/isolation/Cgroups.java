package jrkt.core.isolation;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.isolation.CgroupPlan.Group;
import jrkt.core.isolation.CgroupPlan.Tree;
import jrkt.core.isolation.CgroupPlan.Write;
import jrkt.sys.Bpf;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Makes and unmakes a pod's cgroups on the host, as its {@link CgroupPlan} says. {@link #create}
 * runs right before stage1 (cgroup file systems do not survive a reboot, so a prepared pod gets
 * them when it starts); stage1 then only moves processes. {@link #remove} runs when the pod is
 * collected, deepest cgroup first, killing what a dead pod may have left inside; both may be
 * called again after a failure.
 */
public final class Cgroups {
    private Cgroups() {}

    /** How long removal waits for the last processes of a killed pod to be reaped. */
    private static final long REMOVE_WAIT_MILLIS = 10_000;
    private static final int SIGKILL = 9;
    /**
     * What a recorded cgroup path may be: (/[A-Za-z0-9._@:-]+)+, written out (a regex here was
     * the only one a run compiled, on the thread that makes the pod's cgroups).
     */
    static boolean isSafePath(String path) {
        if (!path.startsWith("/")) return false;
        for (String part : path.substring(1).split("/", -1)) if (!IsolationRequest.isCgroupName(part)) return false;
        return true;
    }

    /**
     * Creates the cgroups a pod directory's record names (none when it has no record), or waits
     * for them when this process made them while it prepared the pod ({@link EarlyCgroups}).
     */
    public static void createFor(Path podDir) {
        if (EarlyCgroups.madeAhead(podDir.getFileName().toString())) return;
        CgroupPlan plan = CgroupPlan.read(podDir);
        if (plan != null) create(plan);
    }

    /** Removes the cgroups a pod directory's record names, as {@link #remove} does. */
    public static void removeFor(Path podDir) {
        EarlyCgroups.awaitAhead(podDir.getFileName().toString());
        CgroupPlan plan = CgroupPlan.read(podDir);
        if (plan != null) remove(plan);
    }

    /** Creates every cgroup of the plan with its limits; on a failure removes them again and throws. */
    public static void create(CgroupPlan plan) {
        create(plan, false);
    }

    /**
     * create, for the pod this process is preparing (EarlyCgroups): its UUID is new, so no earlier
     * start can have left cgroups of it, and looking for them would cost the start seven lookups.
     */
    static void createNew(CgroupPlan plan) {
        create(plan, true);
    }

    private static void create(CgroupPlan plan, boolean fresh) {
        CgroupHost host = CgroupHost.current();
        try {
            if (!fresh) remove(plan); // what an earlier, failed start left: v1 refuses a device policy once children exist
            for (Tree t : plan.trees()) createTree(host, t);
        } catch (RuntimeException e) {
            try {
                remove(plan);
            } catch (RuntimeException removing) {
                e.addSuppressed(removing);
            }
            throw e;
        }
    }

    private static void createTree(CgroupHost host, Tree t) {
        boolean mounted = false;
        for (CgroupHost.Hierarchy h : host.hierarchies())
            mounted |= h.mountPoint().toString().equals(t.mountPoint()) && h.v2() == t.v2() && h.name().equals(t.hierarchy());
        if (!mounted) {
            throw new JrktException("the cgroup hierarchy " + t.hierarchy() + " is no longer mounted at " + t.mountPoint()
                + " (the host changed since the pod was prepared); prepare the pod again");
        }
        Path dir = Path.of(t.mountPoint());
        enable(t, dir);
        for (String part : t.path().substring(1).split("/")) {
            dir = dir.resolve(part);
            mkdir(dir);
            enable(t, dir);
        }
        Group pod = t.group("");
        if (pod != null) write(t.podDir(), pod.writes());
        if ("v1".equals(t.devices())) {
            writeFile(t.podDir().resolve("devices.deny"), DevicePolicy.V1_DENY_ALL);
            for (String rule : DevicePolicy.v1Allow(t.vmDevices())) writeFile(t.podDir().resolve("devices.allow"), rule);
        } else if ("bpf".equals(t.devices())) {
            attachDeviceProgram(t.podDir(), t.vmDevices());
        }
        for (Group g : t.groups()) {
            if (g.name().isEmpty()) continue;
            Path child = t.dir(g);
            mkdir(child);
            write(child, g.writes());
        }
    }

    /** On v2, passes the plan's controllers on to the children of dir (skipping those it already passes). */
    private static void enable(Tree t, Path dir) {
        if (!t.v2() || t.enable().isEmpty()) return;
        Path control = dir.resolve("cgroup.subtree_control");
        List<String> on = List.of(readOrEmpty(control).trim().split("\\s+"));
        for (String c : t.enable()) {
            if (on.contains(c)) continue;
            try {
                writeBytes(control, "+" + c);
            } catch (IOException e) {
                String hint = reason(e).contains("busy")
                    ? " (a v2 cgroup that holds processes cannot pass controllers on; choose a --cgroup-parent without processes)" : "";
                throw new JrktException("cannot enable the " + c + " controller in " + control + ": " + reason(e) + hint, e);
            }
        }
    }

    private static void write(Path dir, List<Write> writes) {
        for (Write w : writes) {
            Path file = dir.resolve(w.file());
            if (w.optional() && !Files.exists(file)) continue;
            if (w.perBlockDevice()) {
                for (String device : BlockDevices.present()) writeFile(file, device + " " + w.value());
            } else {
                writeFile(file, w.value());
            }
        }
    }

    private static void attachDeviceProgram(Path cgroup, boolean vm) {
        Linux linux = Linux.get();
        int dirFd = -1, programFd = -1;
        try {
            dirFd = linux.open(cgroup.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
            programFd = Bpf.loadProgram(Bpf.PROG_TYPE_CGROUP_DEVICE, Bpf.CGROUP_DEVICE, DevicePolicy.bpfProgram(vm), "GPL");
            Bpf.attach(dirFd, programFd, Bpf.CGROUP_DEVICE, 0);
        } catch (SysException e) {
            throw new JrktException("cannot put the device policy on " + cgroup + ": " + e.getMessage(), e);
        } finally {
            // the cgroup holds the attached program; these fds are no longer needed
            closeQuietly(linux, programFd);
            closeQuietly(linux, dirFd);
        }
    }

    /**
     * Removes the plan's cgroups (and any a pod made below them), deepest first. Processes still
     * inside are killed and waited for briefly; a cgroup that stays busy fails the removal, so that
     * the next gc tries again. Absent cgroups are fine: removal may run any number of times.
     */
    public static void remove(CgroupPlan plan) {
        for (Tree t : plan.trees()) {
            if (!isSafePath(t.path()) || t.path().contains("/../") || t.path().endsWith("/..")) {
                throw new JrktException("refusing to remove cgroup path " + t.path() + " from a damaged record");
            }
            removeTree(t.podDir());
        }
    }

    private static void removeTree(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
        for (Path child : subdirectories(dir)) removeTree(child);
        long deadline = System.nanoTime() + REMOVE_WAIT_MILLIS * 1_000_000;
        boolean killed = false;
        while (true) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new JrktException("cannot remove cgroup " + dir + ": " + reason(e) + " (processes left: "
                        + readOrEmpty(dir.resolve("cgroup.procs")).trim().replace('\n', ' ') + ")", e);
                }
                if (!killed) {
                    killAll(dir);
                    killed = true;
                }
                sleep(20);
            }
        }
    }

    /** SIGKILL to every process in the cgroup (v2's cgroup.kill when the kernel has it). */
    private static void killAll(Path dir) {
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            try {
                writeBytes(kill, "1");
                return;
            } catch (IOException e) {
                // fall back to killing one by one
            }
        }
        for (String line : readOrEmpty(dir.resolve("cgroup.procs")).split("\n")) {
            if (line.isBlank()) continue;
            try {
                Linux.get().kill(Integer.parseInt(line.trim()), SIGKILL);
            } catch (SysException | NumberFormatException e) {
                // gone meanwhile
            }
        }
    }

    /** How many times the kernel OOM-killed a process in the app's cgroup; -1 when unknown (no memory controller, no cgroup). */
    public static long oomKills(CgroupPlan plan, String app) {
        for (Tree t : plan.trees()) {
            boolean hasMemory = t.v2() ? t.enable().contains("memory") : List.of(t.hierarchy().split(",")).contains("memory");
            if (!hasMemory) continue;
            Path dir = t.podDir().resolve(CgroupPlan.appGroup(app));
            String text = readOrEmpty(dir.resolve(t.v2() ? "memory.events" : "memory.oom_control"));
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals("oom_kill")) return Long.parseLong(f[1]);
            }
            return -1;
        }
        return -1;
    }

    // ---- small file operations, each failure one line naming the file --------------------------
    // Straight system calls: through NIO, each was a walk of options and attribute views, and an
    // exception for every cgroup not there yet, interpreted; making a pod's cgroups took 2.5-3 ms
    // of a second core that the start then waited for.

    /** Makes the cgroup; one that exists already (the shared parent, another pod's doing) is fine. */
    private static void mkdir(Path dir) {
        try {
            Linux.get().mkdir(dir.toString(), 0777);
        } catch (SysException e) {
            throw new JrktException("cannot create cgroup " + dir + ": " + e.reason(), e);
        }
    }

    private static void writeFile(Path file, String value) {
        try {
            writeBytes(file, value);
        } catch (IOException e) {
            throw new JrktException("cannot write \"" + value + "\" to " + file + ": " + reason(e), e);
        }
    }

    /** One write(2) of the whole value: the kernel parses each write of a control file on its own. */
    private static void writeBytes(Path file, String value) throws IOException {
        Linux.get().writeExisting(file.toString(), value.getBytes(StandardCharsets.UTF_8));
    }

    static String readOrEmpty(Path file) {
        try {
            return new String(jrkt.core.fs.FileBytes.read(file), StandardCharsets.UTF_8); // java.io: no NIO channel for gc, rm, stop
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Path> subdirectories(Path dir) {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) dirs.add(p);
        } catch (NoSuchFileException gone) {
            return dirs;
        } catch (IOException e) {
            throw new JrktException("cannot list cgroup " + dir + ": " + reason(e), e);
        }
        return dirs;
    }

    private static String reason(IOException e) {
        // java.io's "PATH (REASON)": the callers name the path themselves
        if (e instanceof SysException se) return se.reason();
        String m = e.getMessage();
        if (e instanceof FileNotFoundException && m != null && m.endsWith(")") && m.lastIndexOf(" (") > 0) {
            return m.substring(m.lastIndexOf(" (") + 2, m.length() - 1);
        }
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        if (e instanceof NoSuchFileException) return "no such file";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Linux linux, int fd) {
        if (fd < 0) return;
        try {
            linux.close(fd);
        } catch (SysException ignored) {
            // nothing to do about a failed close of a read-only fd
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrktException("interrupted while removing cgroups", e);
        }
    }
}
