package jrkt.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One pod test's jrkt: a data directory in the test's temp dir, its images, and a cleanup that
 * leaves the host as it was even when the test failed: every pod stopped and collected, no
 * process of the pod left, nothing mounted under the data directory, no cgroup left below the
 * test's cgroup parent. {@link #close} fails the test when jrkt's own gc left something that
 * the cleanup then had to remove.
 */
public final class PodEnv implements AutoCloseable {
    public static final String[] STATE_DIRS = {"embryo", "prepare", "prepared", "run", "exited-garbage", "garbage"};

    private final Path tmp;
    private final Path data;
    private final Jrkt jrkt;
    private final List<Jrkt.Background> background = new ArrayList<>();
    private int images;

    public PodEnv(Path tmp) { this(tmp, UnaryOperator.identity()); }

    /** With a jrkt made otherwise, e.g. {@code j -> j.in(namespace)}; cleanup uses the same. */
    public PodEnv(Path tmp, UnaryOperator<Jrkt> configure) {
        this.tmp = tmp;
        this.data = tmp.resolve("data");
        this.jrkt = configure.apply(new Jrkt(data));
    }

    public Path tmp() { return tmp; }
    public Path data() { return data; }
    public Jrkt jrkt() { return jrkt; }

    public Jrkt.Result run(String... args) { return jrkt.run(args); }

    /** Strings, arrays and lists of strings, flattened into one argument list. */
    public static String[] args(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            switch (p) {
                case String s -> out.add(s);
                case String[] a -> out.addAll(List.of(a));
                case List<?> l -> l.forEach(o -> out.add((String) o));
                default -> throw new IllegalArgumentException("not an argument: " + p);
            }
        }
        return out.toArray(String[]::new);
    }

    /** An app of {@code image} running {@code sh -c script}, with app flags placed after the image. */
    public static String[] sh(String image, String script, String... appFlags) {
        return args(image, appFlags, "--exec=/bin/sh", "--", "-c", script);
    }

    /** Writes the image into the temp dir and fetches it; returns its image ID. */
    public String fetch(AciBuilder image) throws IOException {
        Path aci = image.write(tmp.resolve("image" + (images++) + ".aci"));
        return fetch(aci);
    }

    public String fetch(Path aci) {
        String out = jrkt.run("fetch", aci.toString()).expectSuccess().out();
        List<String> lines = out.lines().toList();
        return lines.getLast().strip();
    }

    /** Starts a jrkt command in the background; close() kills it if the test did not wait for it. */
    public Jrkt.Background start(String... args) {
        Jrkt.Background b = jrkt.start(args);
        background.add(b);
        return b;
    }

    /** {@code jrkt run --detach ARGS}: returns the pod's UUID, which it prints once the apps started. */
    public String runDetached(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--detach"));
        cmd.addAll(List.of(args));
        String out = jrkt.run(cmd.toArray(String[]::new)).expectSuccess().out();
        String uuid = out.lines().toList().getLast().strip();
        if (!uuid.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw new AssertionError("run --detach did not print a UUID last: " + out);
        }
        return uuid;
    }

    /** `jrkt status UUID` as key/value pairs (lines KEY=VALUE, as rkt prints them). */
    public Map<String, String> status(String uuid) {
        Jrkt.Result r = jrkt.run("status", uuid).expectSuccess();
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.out().lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        if (!m.containsKey("state")) throw new AssertionError("status printed no state=: " + r);
        return m;
    }

    public String state(String uuid) { return status(uuid).get("state"); }

    /** Waits (bounded) until `status` reports the state; returns the last status. */
    public Map<String, String> awaitState(String uuid, String state, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<String, String> s = status(uuid);
        while (!state.equals(s.get("state")) && System.nanoTime() < deadline) {
            sleep(200);
            s = status(uuid);
        }
        if (!state.equals(s.get("state"))) throw new AssertionError("pod " + uuid + " never became " + state + ": " + s);
        return s;
    }

    /** Where the pod is now, under any state directory; null when it is gone. */
    public Path podDir(String uuid) {
        for (String s : STATE_DIRS) {
            Path p = data.resolve("pods").resolve(s).resolve(uuid);
            if (Files.exists(p)) return p;
        }
        return null;
    }

    /** UUIDs of the pods in one state directory. */
    public List<String> podsIn(String stateDir) {
        Path dir = data.resolve("pods").resolve(stateDir);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every pod under any state directory, as "state/uuid". */
    public List<String> allPods() {
        List<String> all = new ArrayList<>();
        for (String s : STATE_DIRS) for (String u : podsIn(s)) all.add(s + "/" + u);
        return all;
    }

    /** Waits (bounded) for a file a test sync point depends on, e.g. a pod's UUID file. */
    public static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + seconds + "s waiting for " + what);
            sleep(50);
        }
    }

    public static String readOrNull(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Stops what still runs, collects every pod with jrkt, then checks the host: a mount or pod
     * process jrkt left behind is removed here (so the temp dir can be deleted safely) and
     * reported as a failure.
     */
    @Override public void close() {
        List<String> problems = new ArrayList<>();
        for (Jrkt.Background b : background) b.close();
        if (Files.isDirectory(data.resolve("pods"))) {
            for (String uuid : podsIn("run")) {
                Path pidFile = data.resolve("pods/run").resolve(uuid).resolve("pid");
                String pid = readOrNull(pidFile);
                if (pid != null && Procs.alive(Long.parseLong(pid))) {
                    jrkt.run("stop", "--force", uuid);
                    long p = Long.parseLong(pid);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (Procs.alive(p) && System.nanoTime() < deadline) sleep(50);
                    if (Procs.alive(p)) {
                        problems.add("pod " + uuid + " (pid " + p + ") survived stop --force; killed");
                        Procs.kill9(p);
                    }
                }
            }
            Jrkt.Result gc = jrkt.run("gc", "--grace-period=0s");
            if (gc.exitCode() != 0) problems.add("gc --grace-period=0s failed: " + gc);
            // prepared pods are not garbage yet, and failed tests may leave others: rm takes them all
            for (String left : allPods()) {
                Jrkt.Result rm = jrkt.run("rm", left.substring(left.indexOf('/') + 1));
                if (rm.exitCode() != 0) problems.add("rm " + left + " failed: " + rm);
            }
        }
        List<Path> cgroups = CgroupDirs.below(jrkt.cgroupParent());
        if (!cgroups.isEmpty()) problems.add("cgroups left on the host: " + cgroups);
        CgroupDirs.removeAll(jrkt.cgroupParent()); // the parent itself: jrkt leaves it, as pods share it
        List<Mounts.Mount> mounts = Mounts.involving(tmp);
        if (!mounts.isEmpty()) {
            problems.add("mounts left on the host: " + mounts.stream().map(Mounts.Mount::line).toList());
            Mounts.detachAllUnder(tmp);
        }
        if (!problems.isEmpty()) throw new AssertionError("cleanup: " + String.join("; ", problems));
    }
}
