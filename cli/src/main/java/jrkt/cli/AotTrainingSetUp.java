package jrkt.cli;

import java.io.IOException;
import java.io.OutputStream;
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
import jrkt.sys.sqlite.Sqlite;
import jrkt.sys.sqlite.SqliteDb;
import jrkt.sys.sqlite.SqliteException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The AOT training's first and last steps, each in a JVM of its own that records nothing
 * ({@code jrkt --build-aot-cache}): {@code HOME set-up GROUP} makes a data directory, a cgroup
 * parent and what GROUP's commands work on (images, pods, images to fetch) and prints the words
 * that name them ("DIR CGROUP-PARENT ..."); {@link AotTraining} runs the commands on them;
 * {@code HOME clean-up GROUP WORDS...} removes it all. A class of its own, so that the recording
 * JVM does not even link the archive writers this one uses.
 */
final class AotTrainingSetUp {
    /** In the data directory: the images group's app images, and the UUIDs of the query and pods groups' pods. */
    static final String TRAINING_ACI = "aot-training.aci", TRAINING_ACI_GZ = "aot-training-2.aci.gz";
    static final String PODS_TO_LOOK_AT = "pods-to-look-at";
    /**
     * For the run group: a config directory (--local-config) whose net.d has a network of
     * loopback alone, the CNI plugin that only brings lo up in the pod's namespace: a start on it
     * runs jrkt's whole CNI path (the plugin's run, its result, the /etc files, the teardown)
     * without touching the host. Named after the plugin Debian ships in /usr/lib/cni.
     */
    static final String LOOPBACK_CONFIG = "loopback-config", LOOPBACK_NETWORK = "aot-loopback";

    private final Path home;
    private final Path dir;
    private final String d;
    private final String cgroupParent;
    private int prepares;

    private AotTrainingSetUp(Path home, Path dir, String cgroupParent) {
        this.home = home;
        this.dir = dir;
        this.d = "--dir=" + dir;
        this.cgroupParent = "--cgroup-parent=" + cgroupParent;
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        switch (args[1]) {
            case "set-up" -> System.out.println(setUp(home, args[2]));
            case "clean-up" -> new AotTrainingSetUp(home, Path.of(args[3]), args[4]).cleanUp(args[2], args);
            default -> throw new IllegalArgumentException("no training step " + args[1]);
        }
    }

    /** A data directory and cgroup parent, and what GROUP's commands work on; the words naming them. */
    private static String setUp(Path home, String group) throws IOException {
        Path dir = Files.createTempDirectory("jrkt-aot-training-");
        String name = dir.getFileName().toString(); // the cgroup parent's too
        AotTrainingSetUp training = new AotTrainingSetUp(home, dir, name);
        String words = dir + " " + name;
        try {
            switch (group) {
                case "query", "pods" -> training.writePodsToLookAt();
                case "run" -> words += training.podToStart();
                case "images" -> training.imagesToFetch();
                default -> { } // info: an empty data directory
            }
        } catch (IOException | RuntimeException e) {
            // the group trains on what could be made: without root, nothing but the empty directory
        }
        return words;
    }

    /** Puts back stage1's init when the run group made it not executable, then removes everything. */
    private void cleanUp(String group, String[] args) throws IOException {
        if (group.equals("run") && args.length > 6) {
            Path init = dir.resolve("pods/prepared/" + args[5] + "/stage1/rootfs/init");
            if (Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(init, PosixFilePermissions.fromString(args[6])); // rm runs stage1's gc entrypoint
            }
        }
        removeAll();
    }

    /** The training's pods (by jrkt), its cgroups and its data directory. */
    private void removeAll() throws IOException {
        if (Files.isDirectory(dir.resolve("pods"))) removePods();
        removeCgroups(cgroupParent.substring(cgroupParent.indexOf('=') + 1));
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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

    /** For the images group: two app images (ACI, one gzipped) and an OCI layout in the data directory. */
    private void imagesToFetch() throws IOException {
        trainingImage(dir, false);
        trainingImage(dir, true);
        AotTrainingRegistry.layout(dir);
    }

    /** For the query and pods groups: the pods of {@link #podsToLookAt}, their UUIDs in a file of the data directory. */
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

    /**
     * For the run group: the images in the store and a pod prepared by the launcher
     * (which renders the app image: a first start of an image does that once, every later start
     * finds the tree), its stage1's init made not executable so that every start in the training
     * stops at a failing execve; " UUID MODE" with init's mode for clean-up, or "" when there is
     * no pod (not root).
     */
    private String podToStart() throws IOException {
        if (!setUpStore()) return "";
        String uuid = launcherPrepare();
        if (uuid == null) return "";
        // The pod's stage1 tree is hard links into the store: its init is the one every pod gets.
        Path init = dir.resolve("pods/prepared/" + uuid + "/stage1/rootfs/init");
        if (!Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) return "";
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(init));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rw-r--r--"));
        ageImages();
        Path netd = Files.createDirectories(dir.resolve(LOOPBACK_CONFIG).resolve("net.d"));
        Files.writeString(netd.resolve(LOOPBACK_NETWORK + ".conflist"),
            "{\"cniVersion\": \"1.0.0\", \"name\": \"" + LOOPBACK_NETWORK + "\", \"plugins\": [{\"type\": \"loopback\"}]}\n");
        return " " + uuid + " " + mode;
    }

    /** The stage1 and a small app image in the store, by the launcher; false when that failed. */
    private boolean setUpStore() throws IOException {
        Path stage1 = home.resolve(VersionInfo.DEFAULT_STAGE1_FILE);
        if (!Files.isRegularFile(stage1)) return false;
        return launcher(d, "fetch", stage1.toString()) && launcher(d, "fetch", trainingImage(dir, false).toString());
    }

    /**
     * Marks the store's images as not used for long: just used, they count as used now, and a
     * lease writes a use only when it is 10 s old (Lease.USE_GRANULARITY). Without this the
     * training would never write one, and a run that does (most runs started alone) would load
     * that code from the jar.
     */
    private void ageImages() throws IOException {
        try (SqliteDb index = Sqlite.open(dir.resolve("cas/db/index.sqlite"))) {
            index.exec("UPDATE images SET last_used = 0");
        } catch (SqliteException e) {
            throw new IOException("cannot age the training store's images: " + e.getMessage(), e);
        }
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
        Path aci = dir.resolve(gzip ? TRAINING_ACI_GZ : TRAINING_ACI);
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
}
