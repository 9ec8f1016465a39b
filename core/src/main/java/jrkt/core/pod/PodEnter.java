package jrkt.core.pod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code jrkt enter}: runs a command inside a running pod's app through stage1's enter entrypoint. */
public final class PodEnter {
    /** What runs when the user names no command. */
    public static final List<String> DEFAULT_COMMAND = List.of("/bin/sh");

    private PodEnter() {}

    /** Returns the command's exit status; appName may be null for a pod with one app. */
    public static int enter(Pod pod, String appName, List<String> command, boolean debug) {
        PodStopper.requireRunning(pod, "enter");
        Pod.App app = pod.app(appName);
        Path enter = Stage1Entrypoints.require(pod.stage1().enter(), pod.dir(), "enter");
        return Stage1Process.run(pod.dir(), enter, args(app.name(), command, debug));
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
