package jrkt.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real jrkt launcher as a separate process, against a data directory of the test's own. */
public final class Jrkt {
    public static final Path LAUNCHER = Path.of(System.getProperty("jrkt.launcher", "../jrkt")).toAbsolutePath().normalize();

    private final Path dataDir;
    private final Path localConfig;

    public Jrkt(Path dataDir) {
        this.dataDir = dataDir;
        this.localConfig = dataDir.resolve("etc");
    }

    public Path dataDir() { return dataDir; }

    /** What one command printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result expectSuccess() {
            if (exitCode != 0) throw new AssertionError("jrkt exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            return this;
        }
        public String out() { return stdout.strip(); }
    }

    public Result run(String... args) { return runWithStdin(null, args); }

    public Result runWithStdin(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.add("--dir=" + dataDir);
        cmd.add("--local-config=" + localConfig);
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("jrkt-out", ".txt");
            Path err = Files.createTempFile("jrkt-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                Process p = pb.start();
                if (stdin != null) {
                    try (var os = p.getOutputStream()) { os.write(stdin.getBytes(StandardCharsets.UTF_8)); }
                }
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("jrkt did not finish within 5 minutes: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not start " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
