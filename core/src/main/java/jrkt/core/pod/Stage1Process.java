package jrkt.core.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.HostEnvironment;
import jrkt.core.JrktException;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Starts a stage1 entrypoint with the pod directory as working directory: as a child process
 * (stop, gc) or in place of jrkt (enter; run has its own, holding the pod's lock across it).
 */
final class Stage1Process {
    private Stage1Process() {}

    /** Becomes the entrypoint (execve) with the caller's environment; returns only by throwing. */
    static JrktException exec(Path podDir, Path exe, List<String> args) {
        List<String> argv = commandLine(exe, args);
        try {
            Linux linux = Linux.get();
            linux.chdir(podDir.toString());
            linux.execve(exe.toString(), argv.toArray(String[]::new), HostEnvironment.array());
        } catch (SysException e) {
            return new JrktException("cannot start stage1 entrypoint " + exe + ": " + e.getMessage(), e);
        }
        return new JrktException("execve of stage1 entrypoint " + exe + " returned");
    }

    /** The entrypoint and its arguments, once it is known to be executable. */
    private static List<String> commandLine(Path exe, List<String> args) {
        if (!Files.isExecutable(exe)) throw new JrktException("stage1 entrypoint " + exe + " is missing or not executable");
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(args);
        return command;
    }

    /**
     * Runs it with this process's stdin, stdout and stderr and the caller's environment; returns
     * its exit status. Spawned through {@link Linux#spawn}, not ProcessBuilder, whose first start
     * sets up the JDK's logging (a logger service looked up in every jar): 12-20 ms of a gc or stop.
     * The wait is not interruptible: the child owns the terminal, and its end is the caller's.
     */
    static int run(Path podDir, Path exe, List<String> args) {
        List<String> command = commandLine(exe, args);
        try {
            Linux linux = Linux.get();
            int pid = linux.spawn(exe.toString(), command.toArray(String[]::new), HostEnvironment.array(), podDir.toString(),
                null, null, null);
            return linux.waitChild(pid, -1);
        } catch (SysException e) {
            throw new JrktException("cannot start stage1 entrypoint " + exe + ": " + e.getMessage(), e);
        }
    }
}
