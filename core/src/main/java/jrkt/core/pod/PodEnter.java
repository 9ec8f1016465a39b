package jrkt.core.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.HostEnvironment;
import jrkt.core.JrktException;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/** {@code jrkt enter}: runs a command inside a running pod's app through stage1's enter entrypoint. */
public final class PodEnter {
    /** What runs when the user names no command. */
    public static final List<String> DEFAULT_COMMAND = List.of("/bin/sh");

    private PodEnter() {}

    /**
     * Becomes stage1's enter entrypoint (execve, as run becomes stage1's run): never returns but
     * by throwing. appName may be null for a pod with one app. No jrkt process stays in between,
     * so a signal or kill meant for {@code jrkt enter} (a script's timeout, a unit stopping) reaches
     * the enter itself, and the command it runs ends with it instead of living on in the pod.
     */
    public static void enter(Pod pod, String appName, List<String> command, boolean debug) {
        PodStopper.requireRunning(pod, "enter");
        Pod.App app = pod.app(appName);
        Path enter = Stage1Entrypoints.require(pod.stage1().enter(), pod.dir(), "enter");
        if (!Files.isExecutable(enter)) throw new JrktException("stage1 entrypoint " + enter + " is missing or not executable");
        List<String> argv = new ArrayList<>();
        argv.add(enter.toString());
        argv.addAll(args(app.name(), command, debug));
        try {
            Linux linux = Linux.get();
            linux.chdir(pod.dir().toString());
            linux.execve(enter.toString(), argv.toArray(String[]::new), HostEnvironment.array());
        } catch (SysException e) {
            throw new JrktException("cannot start stage1 entrypoint " + enter + ": " + e.getMessage(), e);
        }
        throw new JrktException("execve of stage1 entrypoint " + enter + " returned");
    }

    static List<String> args(String app, List<String> command, boolean debug) {
        List<String> args = new ArrayList<>();
        if (debug) args.add("--debug");
        args.add("--app=" + app);
        args.add("--");
        args.addAll(command == null || command.isEmpty() ? DEFAULT_COMMAND : command);
        return args;
    }
}
