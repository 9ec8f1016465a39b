package jrkt.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.sys.Linux;
import jrkt.sys.SysException;
import jrkt.sys.sqlite.Sqlite;
import jrkt.sys.sqlite.SqliteDb;
import jrkt.sys.sqlite.SqliteException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Build step, run by {@code jrkt --build-aot-cache} once per group of commands: exercises the
 * commands of one group through {@link Main}, as a user's command line goes, so that the JDK's
 * AOT cache records the classes they load and link. The launcher starts each command with its
 * group's cache ({@code cli/target/lib/jrkt-GROUP.aot}).
 *
 * <p>Why groups: the JVM loads and links every class of an AOT cache when it starts, used or not,
 * so one cache for everything made {@code jrkt version} pay for the classes of import, render and
 * prepare (a third more CPU than the JVM's floor). Each group's cache holds what its commands use:
 * <ul>
 * <li>{@code info}: version, config (and what the launcher cannot place: help, unknown commands);
 * <li>{@code query}: list, status, image list: the commands scripts run often, whose cache is
 * kept to what they load (each of the two larger groups it came out of made them start 12 ms later);
 * <li>{@code pods}: stop, rm, gc, logs, enter, cat-manifest, export;
 * <li>{@code run}: run, prepare, run-prepared, up to the execve of stage1;
 * <li>{@code images}: fetch and the image commands.
 * </ul>
 * What a group needs set up (images in a store, pods) is made by the jrkt launcher in processes
 * of their own, so that it does not weigh on the group's cache.
 *
 * <p>The run path is trained up to the execve of stage1: the stage1 built here has its init made
 * not executable for the while, so that execve fails (EACCES) and jrkt puts the pod back and goes
 * on, having loaded everything a real start loads. That needs root, as jrkt does; without it a
 * cache covers less and jrkt is only slower. Works in a temporary data directory and a cgroup
 * parent of its own, both removed after.
 */
public final class AotTraining {
    private final Path home;
    private final Path dir;
    private final String d;
    private final String cgroupParent;
    private int prepares;

    private AotTraining(Path home, Path dir, String cgroupParent) {
        this.home = home;
        this.dir = dir;
        this.d = "--dir=" + dir;
        this.cgroupParent = "--cgroup-parent=" + cgroupParent;
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        String group = args.length > 1 ? args[1] : "info";
        // The query group's pods and images are made and removed by JVMs of their own, which the
        // launcher runs before and after the one that records (QUERY_SET_UP DIR PARENT in between):
        // what making them loads (processes, archives, the JDK's process logger) stays out of the cache.
        if (group.equals(CLEAN_UP)) {
            new AotTraining(home, Path.of(args[2]), args[3]).removeAll();
            return;
        }
        // Not ProcessHandle.current(): its set-up (the process reaper and its classes, 40 of them)
        // then sat in every cache; a name needs only to be new (createDirectory fails on an old one)
        String name = "jrkt-aot-training-" + Long.toHexString(System.nanoTime());
        // Not Files.createTempDirectory: its SecureRandom would put the JDK's security providers in every cache
        Path dir = args.length > 3 ? Path.of(args[2]) : Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"), name));
        AotTraining training = new AotTraining(home, dir, args.length > 3 ? args[3] : name);
        if (group.equals(QUERY_SET_UP)) {
            try {
                training.writePodsToLookAt();
            } catch (IOException | RuntimeException e) {
                // nothing to look at: the query group trains on an empty store
            }
            System.out.println(dir + " " + name); // for clean-up, whatever was made
            return;
        }
        if (args.length > 3) { // set up by QUERY_SET_UP, removed by CLEAN_UP
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            training.query();
            return;
        }
        PrintStream realOut = System.out, realErr = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            switch (group) {
                case "info" -> training.info();
                case "query" -> training.query();
                case "pods" -> training.pods();
                case "run" -> training.runPath();
                case "images" -> training.images();
                default -> throw new IllegalArgumentException("no training group " + group);
            }
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
            training.removeAll();
        }
    }

    private static final String QUERY_SET_UP = "query-set-up", CLEAN_UP = "clean-up", PODS_TO_LOOK_AT = "pods-to-look-at";

    /** The training's pods (by jrkt), its cgroups and its data directory. */
    private void removeAll() throws IOException {
        if (Files.isDirectory(dir.resolve("pods"))) removePods();
        removeCgroups(cgroupParent.substring(cgroupParent.indexOf('=') + 1));
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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

    /** Every pod the training left, removed by jrkt itself (stage1's gc, the pod's cgroups). */
    private void removePods() {
        List<String> rm = new ArrayList<>(List.of(d, "rm"));
        for (String state : List.of("prepared", "run", "exited-garbage", "garbage")) {
            try (Stream<Path> pods = Files.list(dir.resolve("pods").resolve(state))) {
                pods.forEach(p -> rm.add(p.getFileName().toString()));
            } catch (IOException | RuntimeException none) {
                // no pods in this state
            }
        }
        if (rm.size() > 2) launcher(rm.toArray(String[]::new));
        launcher(d, "gc", "--grace-period=0s");
    }

    /** As little as version and config need: every class here is loaded at each of their starts. */
    private void info() {
        run("version");
        run(d, "config");
    }

    private void images() throws IOException {
        Path app = trainingImage(dir, false), gzipped = trainingImage(dir, true);
        run(d, "fetch", home.resolve(VersionInfo.DEFAULT_STAGE1_FILE).toString());
        run(d, "fetch", app.toString());
        run(d, "fetch", gzipped.toString());
        // an OCI image from a layout, then pulled from a registry on 127.0.0.1 into a store of its own
        Path layout = AotTrainingRegistry.layout(dir);
        run(d, "fetch", "oci-layout:" + layout + ":" + AotTrainingRegistry.TAG);
        try (AotTrainingRegistry registry = AotTrainingRegistry.serve(layout)) {
            run("--dir=" + dir.resolve("pulled"), "--insecure-options=http", "fetch",
                "docker://" + registry.host() + "/" + AotTrainingRegistry.REPOSITORY + ":" + AotTrainingRegistry.TAG);
        }
        run(d, "image", "list");
        run(d, "image", "list", "--format=json");
        run(d, "image", "list", "--no-legend", "--full", "--fields=id,name", "--sort=name");
        run(d, "image", "cat-manifest", "--pretty-print", "example.com/aot-training:1.0");
        run(d, "image", "cat-manifest", "jrkt.io/stage1-default");
        run(d, "image", "rm", "example.com/aot-training:1.0");
        run(d, "image", "gc", "--grace-period=0s");
        run(d, "fetch", "example.com/nothing-here"); // an error path
    }

    /** list, status and image list over a prepared pod, an exited one and two images (see main). */
    private void query() throws IOException {
        Path written = dir.resolve(PODS_TO_LOOK_AT);
        if (!Files.isRegularFile(written)) { // not root, or no stage1: no pods to look at
            run(d, "list");
            run(d, "image", "list");
            return;
        }
        String[] pods = Files.readString(written).split("\n");
        String prepared = pods[0], exited = pods[1];
        run(d, "list");
        run(d, "list", "--format=json");
        run(d, "list", "--no-legend", "--full", "--fields=uuid,state", "--sort=state", "--order=desc");
        run(d, "status", prepared);
        run(d, "status", exited);
        run(d, "status", "--format=json", exited);
        run(d, "status", "--wait=1s", exited);
        run(d, "status", "00000000");
        run(d, "image", "list");
        run(d, "image", "list", "--format=json");
        run(d, "image", "list", "--no-legend", "--full", "--fields=id,name", "--sort=name");
    }

    /** The pod commands, over the pods of {@link #podsToLookAt}. */
    private void pods() throws IOException {
        String[] pods = podsToLookAt();
        if (pods == null) return;
        String prepared = pods[0], exited = pods[1];
        run(d, "cat-manifest", exited);
        run(d, "logs", exited);
        run(d, "stop", prepared); // an error: it is not running
        run(d, "gc", "--grace-period=0s", "--mark-only");
        run(d, "rm", prepared);
        run(d, "gc", "--grace-period=0s");
    }

    /** For {@link #query}: the pods of {@link #podsToLookAt}, their UUIDs in a file of the data directory. */
    private void writePodsToLookAt() throws IOException {
        String[] pods = podsToLookAt();
        if (pods != null) Files.writeString(dir.resolve(PODS_TO_LOOK_AT), pods[0] + "\n" + pods[1] + "\n");
    }

    /**
     * Pods to look at, made by the launcher: one prepared, one that ran and exited (as stage1
     * leaves one); null when they could not be made (not root, no stage1).
     */
    private String[] podsToLookAt() throws IOException {
        if (!setUpStore()) return null;
        String prepared = launcherPrepare();
        String exited = launcherPrepare();
        if (prepared == null || exited == null) return null;
        Path run = dir.resolve("pods/run/" + exited);
        Files.createDirectories(run.getParent());
        Files.move(dir.resolve("pods/prepared/" + exited), run);
        long now = System.currentTimeMillis();
        Files.writeString(run.resolve("pid"), "1\n");
        Files.writeString(run.resolve("ready"), "");
        Files.createDirectories(run.resolve("apps/aot-training"));
        Files.writeString(run.resolve("apps/aot-training/started"), now + "\n");
        Files.writeString(run.resolve("apps/aot-training/exited"), "0 " + now + "\n");
        Files.writeString(run.resolve("exit"), "0\n");
        return new String[] {prepared, exited};
    }

    /** prepare, run-prepared and run, each up to a failing execve of stage1. */
    private void runPath() throws IOException {
        if (!setUpStore()) return;
        Path uuidFile = dir.resolve("uuid");
        run(d, "prepare", "--net=none", cgroupParent, "--uuid-file-save=" + uuidFile, "example.com/aot-training:1.0");
        if (!Files.isRegularFile(uuidFile)) return; // not root: nothing of the run path can be trained
        String uuid = Files.readString(uuidFile).strip();
        // The pod's stage1 tree is hard links into the store: its init is the one every pod gets.
        Path init = dir.resolve("pods/prepared/" + uuid + "/stage1/rootfs/init");
        if (!Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) return;
        var mode = Files.getPosixFilePermissions(init);
        List<String> pods = new ArrayList<>(List.of(uuid));
        try {
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rw-r--r--"));
            run(d, "run-prepared", uuid);
            Path second = dir.resolve("uuid2");
            run(d, "run", "--net=none", cgroupParent, "--uuid-file-save=" + second, "example.com/aot-training:1.0",
                "--exec=/bin/true", "--", "-x");
            if (Files.isRegularFile(second)) pods.add(Files.readString(second).strip());
            // the default network's plan, prepared only: no plugin runs at build time
            run(d, "prepare", "--net=default", cgroupParent, "example.com/aot-training:1.0");
            exerciseNetworkSetUp();
            run(d, "run", "--net=none", cgroupParent, "example.com/aot-training:1.0", "--name=one", "---",
                "example.com/aot-training:1.0", "--name=two", "--memory=64Mi");
        } finally {
            // a failed start leaves this JVM in the pod's directory: the JDK's cache assembly needs a working one
            try {
                Linux.get().chdir(System.getProperty("user.dir"));
            } catch (SysException e) {
                throw new IOException(e);
            }
            Files.setPosixFilePermissions(init, mode); // rm runs stage1's gc entrypoint
        }
    }

    /** The stage1 and a small app image in the store, by the launcher; false when that failed. */
    private boolean setUpStore() throws IOException {
        Path stage1 = home.resolve(VersionInfo.DEFAULT_STAGE1_FILE);
        if (!Files.isRegularFile(stage1)) return false;
        if (!launcher(d, "fetch", stage1.toString()) || !launcher(d, "fetch", trainingImage(dir, false).toString())) return false;
        // Just imported, the images count as used now, and a lease writes a use only when it is
        // 10 s old (Lease.USE_GRANULARITY): without this the training would never write one, and
        // a run that does (most runs started alone) would load that code from the jar.
        try (SqliteDb index = Sqlite.open(dir.resolve("cas/db/index.sqlite"))) {
            index.exec("UPDATE images SET last_used = 0");
        } catch (SqliteException e) {
            throw new IOException("cannot age the training store's images: " + e.getMessage(), e);
        }
        return true;
    }

    private String launcherPrepare() throws IOException {
        Path uuidFile = dir.resolve("uuid-" + ++prepares); // not Files.createTempFile: see main
        if (!launcher(d, "prepare", "--net=none", cgroupParent, "--uuid-file-save=" + uuidFile, "example.com/aot-training:1.0")) return null;
        return Files.readString(uuidFile).strip();
    }

    /** Runs the jrkt launcher, without any AOT cache, in a process of its own; true when it exits 0. */
    private boolean launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("jrkt").toString()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command));
    }

    /** Runs a process without any AOT cache, its output discarded; true when it exits 0 within 5 minutes. */
    private static boolean start(ProcessBuilder pb) {
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JRKT_AOT_CACHE", "");
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // the JDK's cache assembly passes its options this way
        try {
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A small app image: a manifest and /bin/true (which never runs); gzipped or not. */
    private static Path trainingImage(Path dir, boolean gzip) throws IOException {
        Path aci = dir.resolve(gzip ? "aot-training-2.aci.gz" : "aot-training.aci");
        String version = gzip ? "2.0" : "1.0";
        byte[] manifest = ("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/aot-training\","
            + "\"labels\":[{\"name\":\"version\",\"value\":\"" + version + "\"},{\"name\":\"os\",\"value\":\"linux\"},"
            + "{\"name\":\"arch\",\"value\":\"amd64\"}],"
            + "\"app\":{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\"}}").getBytes(StandardCharsets.UTF_8);
        OutputStream file = Files.newOutputStream(aci);
        if (gzip) file = new java.util.zip.GZIPOutputStream(file);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            file(tar, "manifest", manifest, 0100644);
            directory(tar, "rootfs/");
            directory(tar, "rootfs/bin/");
            directory(tar, "rootfs/etc/");
            file(tar, "rootfs/bin/true", new byte[] {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'}, 0100755);
            file(tar, "rootfs/etc/passwd", "root:x:0:0:root:/:/bin/true\n".getBytes(StandardCharsets.UTF_8), 0100644);
            file(tar, "rootfs/etc/group", "root:x:0:\n".getBytes(StandardCharsets.UTF_8), 0100644);
        }
        return aci;
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** What gc left of the training's cgroup parent (the parent directories themselves), in every hierarchy. */
    private static void removeCgroups(String parent) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (dash < 0 || dash + 1 >= f.length || !f[dash + 1].startsWith("cgroup")) continue;
                Path top = Path.of(f[4]).resolve(parent);
                if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) continue;
                try (Stream<Path> walk = Files.walk(top)) {
                    walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted(Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete()); // cgroup directories go with rmdir, when empty
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing was made, or a hierarchy went away: nothing to do
        }
    }

    private static void run(String... args) {
        Main.run(args);
    }
}
