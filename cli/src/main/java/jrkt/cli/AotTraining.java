package jrkt.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Build step, run by {@code jrkt --build-aot-cache}: exercises the commands of a short jrkt
 * life in one JVM (parse, open a store, import, list, read manifests, print tables and JSON)
 * so that the JDK's AOT cache records the classes they load and link. The launcher then starts
 * every jrkt with that cache. Works in a temporary data directory of its own, removed after.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        Path dir = Files.createTempDirectory("jrkt-aot-training");
        PrintStream realOut = System.out, realErr = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            String d = "--dir=" + dir;
            Path stage1 = home.resolve(VersionInfo.DEFAULT_STAGE1_FILE);
            run("--help");
            run("version");
            run(d, "config");
            if (Files.isRegularFile(stage1)) {
                run(d, "fetch", stage1.toString());
                run(d, "image", "list");
                run(d, "image", "list", "--format=json");
                run(d, "image", "cat-manifest", "--pretty-print", "jrkt.io/stage1-default");
                // The prepare path with the default network's plan, up to where the stage1 image
                // fails as an app (it has no exec): nothing is set up, the pod is removed again.
                run(d, "prepare", "--net=default", "jrkt.io/stage1-default");
            }
            run(d, "list");
            exerciseNetworkSetUp();
            run(d, "gc", "--grace-period=0s");
            run(d, "status", "00000000"); // an error path: one line, exit 254
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * What a start on a CNI network does besides prepare, without touching the host: a thread
     * unshares its network namespace (it ends with the thread) and brings its lo up, a bind mount
     * that fails (no such target), and a child process, as for a CNI plugin. The FFM stubs and the
     * process-spawning classes are then in the cache. Without root, the calls fail and are skipped.
     */
    private static void exerciseNetworkSetUp() {
        Thread netns = Thread.ofPlatform().start(() -> {
            Linux linux = Linux.get();
            try {
                linux.unshare(Linux.CLONE_NEWNET);
                linux.setLinkUp("lo");
                linux.mount("/proc/thread-self/ns/net", "/nonexistent/jrkt-aot-training", null, Linux.MS_BIND, null);
            } catch (SysException expected) {
                // the mount fails as meant (or, without root, the unshare)
            }
        });
        try {
            netns.join();
            new ProcessBuilder("true").redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException | InterruptedException e) {
            // a training step that cannot run only costs speed
        }
    }

    private static void run(String... args) {
        Main.run(args);
    }
}
