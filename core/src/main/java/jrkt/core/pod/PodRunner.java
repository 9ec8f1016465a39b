package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.HostEnvironment;
import jrkt.core.JrktException;
import jrkt.core.Phases;
import jrkt.core.fs.Dirs;
import jrkt.core.isolation.Cgroups;
import jrkt.core.net.PodNetworks;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Starts a prepared pod: takes its lock, moves it from prepared/ to run/, sets up its CNI
 * networks (jrkt.core.net.PodNetworks), and replaces this process (the JVM) with stage1's
 * {@code run} entrypoint, which inherits the locked fd.
 */
public final class PodRunner {
    private final PodDirs dirs;

    public PodRunner(PodDirs dirs) { this.dirs = dirs; }

    /** debug: stage1 logs what it does; detach: stage1 returns once the apps started. */
    public record RunOptions(boolean debug, boolean detach) {}

    /**
     * Never returns on success. Of two processes starting the same pod exactly one gets it; the
     * other fails with a JrktException, as does a pod that is not prepared.
     */
    public void runPrepared(String uuid, RunOptions options) {
        runPrepared(uuid, options, null);
    }

    /**
     * runPrepared, given the annotations of the pod's stage1 manifest when this process prepared it
     * and has them parsed (null: read them from the pod directory).
     */
    public void runPrepared(String uuid, RunOptions options, Map<String, String> stage1Annotations) {
        Started started = moveToRun(uuid);
        PodLock lock = started.lock();
        Path runDir = started.runDir();
        try {
            Stage1Entrypoints entrypoints = stage1Annotations != null ? Stage1Entrypoints.of(runDir, stage1Annotations)
                : Stage1Entrypoints.read(runDir);
            Path exe = Stage1Entrypoints.require(entrypoints.run(), runDir, "run");
            Cgroups.createFor(runDir); // stage1 only moves processes into them
            PodNetworks.setUp(runDir, uuid); // undoes itself when it fails
            lock.inheritAcrossExec();
            Linux linux = Linux.get();
            linux.chdir(runDir.toString());
            Phases.mark("exec");
            if (options.debug()) System.err.print(Phases.report("exec")); // the last jrkt does before it is stage1
            linux.execve(exe.toString(), argv(exe, options, lock.fd(), uuid).toArray(String[]::new), HostEnvironment.array());
            throw new JrktException("execve of stage1 " + exe + " returned");
        } catch (SysException | RuntimeException e) {
            // Put the pod back where it was so that it can be retried, then let the lock go.
            try {
                PodNetworks.tearDown(runDir, uuid); // a no-op unless execve itself failed
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            try {
                Files.move(runDir, dirs.pod(PodDirs.PREPARED, uuid), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveBack) {
                e.addSuppressed(moveBack); // it stays in run/ and shows as exited; gc collects it
            }
            lock.close();
            if (e instanceof JrktException je) throw je;
            throw new JrktException("cannot start stage1 of pod " + uuid + ": " + e.getMessage(), e);
        }
    }

    /** A pod moved to run/ whose lock this process holds. */
    public record Started(PodLock lock, Path runDir) {}

    /**
     * The locked half of {@link #runPrepared}: lock prepared/UUID, rename it to run/UUID. The
     * fd follows the directory across the rename, so the pod never looks "exited" in run/.
     */
    public Started moveToRun(String uuid) {
        Path prepared = dirs.pod(PodDirs.PREPARED, uuid);
        Path runDir = dirs.pod(PodDirs.RUN, uuid);
        PodLock lock;
        try {
            lock = PodLock.tryExclusive(prepared);
        } catch (PodLock.NoSuchPod e) {
            throw new JrktException("pod " + uuid + " is not prepared (" + currentState(uuid) + ")");
        }
        if (lock == null) throw new JrktException("pod " + uuid + " is locked by another process (being started or removed)");
        try {
            Dirs.made(runDir.getParent());
            Files.move(prepared, runDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            lock.close();
            // The lock was free but the directory is gone: another process started (and finished) it first.
            throw new JrktException("pod " + uuid + " is not prepared (" + currentState(uuid) + ")");
        }
        return new Started(lock, runDir);
    }

    private String currentState(String uuid) {
        for (String state : PodDirs.ALL) {
            if (Files.isDirectory(dirs.pod(state, uuid))) {
                try {
                    return "it is " + Pod.load(dirs, state, uuid).state();
                } catch (PodLock.NoSuchPod e) {
                    return "it moved on meanwhile";
                }
            }
        }
        return "no such pod in " + dirs.root();
    }

    /** argv[0] is the entrypoint's path, as for the other entrypoints started with ProcessBuilder. */
    static List<String> argv(Path exe, RunOptions options, int lockFd, String uuid) {
        List<String> argv = new ArrayList<>();
        argv.add(exe.toString());
        if (options.debug()) argv.add("--debug");
        if (options.detach()) argv.add("--detach");
        argv.add("--lock-fd=" + lockFd);
        argv.add(uuid);
        return argv;
    }
}
