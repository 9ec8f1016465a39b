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
import java.util.stream.Stream;
import jrkt.sys.Linux;
import jrkt.sys.SysException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Build step, run by {@code jrkt --build-aot-cache}: exercises the commands of a short jrkt
 * life in one JVM, through {@link Main} as a user's command line goes, so that the JDK's AOT
 * cache records the classes they load and link. The launcher then starts every jrkt with it.
 *
 * <p>The run path is trained up to the execve of stage1: a pod is prepared and started with
 * the stage1 built here, whose init is made not executable for the while, so that execve fails
 * (EACCES) and jrkt puts the pod back and goes on, having loaded everything a real start loads.
 * That needs root, as jrkt does; without it the cache covers less and jrkt is only slower.
 * Works in a temporary data directory and a cgroup parent of its own, both removed after.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        Path dir = Files.createTempDirectory("jrkt-aot-training");
        String cgroupParent = "jrkt-aot-training-" + ProcessHandle.current().pid();
        PrintStream realOut = System.out, realErr = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            String d = "--dir=" + dir;
            Path stage1 = home.resolve(VersionInfo.DEFAULT_STAGE1_FILE);
            run("--help");
            run("version");
            run(d, "config");
            run(d, "list");
            if (Files.isRegularFile(stage1)) {
                Path app = trainingImage(dir);
                run(d, "fetch", stage1.toString());
                run(d, "fetch", app.toString());
                run(d, "image", "list");
                run(d, "image", "list", "--format=json");
                run(d, "image", "cat-manifest", "--pretty-print", "jrkt.io/stage1-default");
                runPath(dir, d, "--cgroup-parent=" + cgroupParent);
            }
            run(d, "list");
            run(d, "gc", "--grace-period=0s");
            run(d, "status", "00000000"); // an error path: one line, exit 254
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
            removeCgroups(cgroupParent);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** prepare, run-prepared and run, each up to a failing execve of stage1; then the pod commands, then rm. */
    private static void runPath(Path dir, String d, String cgroupParent) throws IOException {
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
            run(d, "list");
            run(d, "list", "--format=json");
            run(d, "status", uuid);
            run(d, "status", "--format=json", uuid);
            run(d, "cat-manifest", uuid);
        } finally {
            // a failed start leaves this JVM in the pod's directory: the JDK's cache assembly needs a working one
            try {
                Linux.get().chdir(System.getProperty("user.dir"));
            } catch (SysException e) {
                throw new IOException(e);
            }
            Files.setPosixFilePermissions(init, mode); // rm runs stage1's gc entrypoint
            List<String> rm = new ArrayList<>(List.of(d, "rm"));
            rm.addAll(pods);
            run(rm.toArray(String[]::new));
        }
    }

    /** A small app image: a manifest and /bin/true (which never runs). */
    private static Path trainingImage(Path dir) throws IOException {
        Path aci = dir.resolve("aot-training.aci");
        byte[] manifest = ("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/aot-training\","
            + "\"labels\":[{\"name\":\"version\",\"value\":\"1.0\"},{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}],"
            + "\"app\":{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\"}}").getBytes(StandardCharsets.UTF_8);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(aci))) {
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

    /** What rm left of the training's cgroup parent (the parent directories themselves), in every hierarchy. */
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
