package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;

/** Runs a stage1 entrypoint (stop, gc; enter is exec'd instead, see PodEnter) as a child process with the pod directory as working directory. */
final class Stage1Process {
    private Stage1Process() {}

    /** Runs it with this process's stdin, stdout and stderr; returns its exit status. */
    static int run(Path podDir, Path exe, List<String> args) {
        if (!Files.isExecutable(exe)) throw new JrktException("stage1 entrypoint " + exe + " is missing or not executable");
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(args);
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
