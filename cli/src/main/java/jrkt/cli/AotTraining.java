package jrkt.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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

    private static void run(String... args) {
        Main.run(args);
    }
}
