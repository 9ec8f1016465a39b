package jrkt.core.pod;

import java.io.IOException;
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

    /** Runs it with this process's stdin, stdout and stderr; returns its exit status. */
    static int run(Path podDir, Path exe, List<String> args) {
        List<String> command = commandLine(exe, args);
        try {
            Process p = new ProcessBuilder(command).directory(podDir.toFile()).inheritIO().start();
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return p.waitFor();
                    } catch (InterruptedException e) {
                        interrupted = true; // keep waiting: the child owns the terminal; its end is ours
                    }
                }
            } finally {
                if (interrupted) Thread.currentThread().interrupt(); // the caller still learns of it
            }
        } catch (IOException e) {
            throw new JrktException("cannot start stage1 entrypoint " + exe + ": " + e.getMessage(), e);
        }
    }
}
