package jrkt.core.pod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        throw Stage1Process.exec(pod.dir(), enter, args(app.name(), command, debug));
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
