package jrkt.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real jrkt launcher as a separate process, against a data directory of the test's own.
 * Pods it runs or prepares put their cgroups below a parent of their own ({@link #cgroupParent()}),
 * unless the test gives --cgroup-parent itself, so that a test's cleanup finds everything.
 *
 * <p>{@code run} and {@code prepare} without a {@code --net} flag get {@code --net=none}: jrkt's
 * own default, the {@code default} CNI network, is shared by every jrkt on the host, and tests
 * that do not test networking stay fast and independent of each other that way. The networking
 * tests say {@code --net} themselves, or use {@link #withJrktsDefaultNetwork()}; a pod of the fly
 * flavor, which has no network of its own, gets nothing added.
 */
public final class Jrkt {
    public static final Path LAUNCHER = Path.of(System.getProperty("jrkt.launcher", "../jrkt")).toAbsolutePath().normalize();

    private final Path dataDir;
    private final Path localConfig;
    private final Map<String, String> extraEnv;
    private final List<String> removedEnv;
    private final String cgroupParent;
    private final boolean netNoneUnlessGiven;
    private final List<String> prefix;

    public Jrkt(Path dataDir) { this(dataDir, Map.of(), List.of(), "jrkt-test-" + Long.toHexString(System.nanoTime()), true, List.of()); }

    private Jrkt(Path dataDir, Map<String, String> extraEnv, List<String> removedEnv, String cgroupParent,
                 boolean netNoneUnlessGiven, List<String> prefix) {
        this.dataDir = dataDir;
        this.localConfig = dataDir.resolve("etc");
        this.extraEnv = extraEnv;
        this.removedEnv = removedEnv;
        this.cgroupParent = cgroupParent;
        this.netNoneUnlessGiven = netNoneUnlessGiven;
        this.prefix = prefix;
    }

    /** The same jrkt, with one more variable in the environment of the jrkt process. */
    public Jrkt withEnv(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put(name, value);
        return new Jrkt(dataDir, Map.copyOf(env), removedEnv, cgroupParent, netNoneUnlessGiven, prefix);
    }

    /** The same jrkt, without these variables in its environment (as under a bare systemd unit). */
    public Jrkt withoutEnv(String... names) {
        List<String> removed = new ArrayList<>(removedEnv);
        removed.addAll(List.of(names));
        return new Jrkt(dataDir, extraEnv, List.copyOf(removed), cgroupParent, netNoneUnlessGiven, prefix);
    }

    /** The same jrkt, whose run and prepare without --net get jrkt's own default network. */
    public Jrkt withJrktsDefaultNetwork() { return new Jrkt(dataDir, extraEnv, removedEnv, cgroupParent, false, prefix); }

    /** The same jrkt, run in this network namespace (as if it were the host's). */
    public Jrkt in(HostNetwork.Namespace namespace) {
        return new Jrkt(dataDir, extraEnv, removedEnv, cgroupParent, netNoneUnlessGiven, namespace.wrap());
    }

    /** {@code --local-config} of every command: net.d of the networks a test defines is in it. */
    public Path localConfig() { return localConfig; }

    public Path dataDir() { return dataDir; }

    /** Where this jrkt's pods put their cgroups, in every hierarchy. */
    public String cgroupParent() { return cgroupParent; }

    /** What one command printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result expectSuccess() {
            if (exitCode != 0) throw new AssertionError("jrkt exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            return this;
        }
        public String out() { return stdout.strip(); }
    }

    public Result run(String... args) { return runWithStdin(null, args); }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(LAUNCHER.toString());
        cmd.add("--dir=" + dataDir);
        cmd.add("--local-config=" + localConfig);
        List<String> given = List.of(args);
        boolean podCommand = !given.isEmpty() && (given.getFirst().equals("run") || given.getFirst().equals("prepare"));
        boolean netGiven = given.stream().anyMatch(a -> a.equals("--net") || a.startsWith("--net=")
            || a.equals("--stage1-name=jrkt.io/stage1-fly"));
        if (podCommand) {
            cmd.add(given.getFirst());
            if (netNoneUnlessGiven && !netGiven) cmd.add("--net=none");
            if (given.stream().noneMatch(a -> a.startsWith("--cgroup-parent"))) {
                cmd.add("--cgroup-parent=" + cgroupParent);
                removedAtExit(cgroupParent);
            }
            cmd.addAll(given.subList(1, given.size()));
        } else {
            cmd.addAll(given);
        }
        return cmd;
    }

    /** The cgroup parents this JVM's pods were put below: jrkt leaves a parent (pods share it), so the tests remove it. */
    private static final java.util.Set<String> PARENTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Removes parent from every hierarchy when this JVM ends: PodEnv removes its own at each
     * test's end, but a test that runs pods through a Jrkt of its own would leave it on the host.
     */
    private static void removedAtExit(String parent) {
        synchronized (PARENTS) {
            if (PARENTS.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    for (String p : PARENTS) {
                        try {
                            CgroupDirs.removeAll(p);
                        } catch (RuntimeException | AssertionError e) {
                            System.err.println("test cleanup: cgroup parent " + p + " stays: " + e.getMessage());
                        }
                    }
                }, "remove-test-cgroups"));
            }
            PARENTS.add(parent);
        }
    }

    public Result runWithStdin(String stdin, String... args) {
        List<String> cmd = command(args);
        try {
            Path out = Files.createTempFile("jrkt-out", ".txt");
            Path err = Files.createTempFile("jrkt-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                removedEnv.forEach(pb.environment()::remove);
                pb.environment().putAll(extraEnv);
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

    /**
     * Starts one command without waiting for it, its output going to files. The launcher
     * execs java, and {@code run} then execs stage1, so the process is jrkt itself.
     */
    public Background start(String... args) {
        List<String> cmd = command(args);
        try {
            Path out = Files.createTempFile("jrkt-bg-out", ".txt");
            Path err = Files.createTempFile("jrkt-bg-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            removedEnv.forEach(pb.environment()::remove);
            pb.environment().putAll(extraEnv);
            return new Background(pb.start(), out, err, cmd);
        } catch (IOException e) {
            throw new AssertionError("could not start " + cmd, e);
        }
    }

    /** A jrkt process running in the background; close() kills it if it is still there. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;
        private final List<String> cmd;

        Background(Process process, Path out, Path err, List<String> cmd) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.cmd = cmd;
        }

        public long pid() { return process.pid(); }
        public boolean isAlive() { return process.isAlive(); }
        public Process process() { return process; }

        /** Output so far. */
        public String stdoutSoFar() { return read(out); }
        public String stderrSoFar() { return read(err); }

        /** Waits (bounded) for the command to end and returns what it printed and returned. */
        public Result await(long seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    throw new AssertionError("jrkt did not finish within " + seconds + "s: " + cmd
                        + "\nstdout: " + read(out) + "\nstderr: " + read(err));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Result(process.exitValue(), read(out), read(err));
        }

        /** SIGKILL, as {@code kill -9} would. */
        public void kill9() { process.destroyForcibly(); }

        @Override public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // temp files of a test run; losing one is harmless
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }
    }
}
