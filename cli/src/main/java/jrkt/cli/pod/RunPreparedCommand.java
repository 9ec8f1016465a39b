package jrkt.cli.pod;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Map;
import jrkt.cli.BaseCommand;
import jrkt.cli.JrktCommand;
import jrkt.core.JrktException;
import jrkt.core.fs.DiskSpace;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt run-prepared UUID}: starts a prepared pod; jrkt becomes its stage1 and exits with its status. */
@Command(name = "run-prepared", description = "Run a prepared pod; exits with the pod's exit status.")
public final class RunPreparedCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "UUID", description = PodArgument.UUID_HELP)
    String uuid;

    @Mixin PodArgument podArgument;

    @Option(names = "--detach", description = "return once every app has started, printing the pod's UUID; the apps' output goes to 'jrkt logs'")
    boolean detach;

    @Option(names = "--interactive", description = "expect the pod to have been prepared with --interactive (the terminal is bound then)")
    boolean interactive;

    @Override public Integer call() throws Exception {
        Pod pod = podArgument.resolve(jrkt().dataDir(), uuid);
        if (interactive && !preparedInteractive(pod)) {
            throw new JrktException("pod " + pod.uuid() + " was not prepared with --interactive; prepare it again with 'jrkt prepare --interactive'");
        }
        DiskSpace.requireSpace(jrkt().dataDir()); // stage1 writes the pod's status files
        return start(jrkt(), out(), pod.uuid(), detach, null);
    }

    /**
     * Starts a prepared pod: this process becomes its stage1 (execve), so this never returns.
     * stage1Annotations: those of the pod's stage1 manifest when this process prepared it, or null
     * to read them from the pod. (run checked the space left when it opened the store.)
     */
    static Integer start(JrktCommand jrkt, PrintWriter out, String uuid, boolean detach, Map<String, String> stage1Annotations) {
        out.flush();
        jrkt.close(); // the store's database must not leak into the pod
        new PodRunner(new PodDirs(jrkt.dataDir())).runPrepared(uuid, new PodRunner.RunOptions(jrkt.debug(), detach), stage1Annotations);
        throw new IllegalStateException("runPrepared returned");
    }

    private static boolean preparedInteractive(Pod pod) throws IOException {
        for (String line : Files.readAllLines(pod.dir().resolve("plan"))) if (line.startsWith("interactive ")) return true;
        return false;
    }
}
