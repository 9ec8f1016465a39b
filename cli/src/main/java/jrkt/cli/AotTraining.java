package jrkt.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

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
 * What a group works on (images in a store, pods, images to fetch) is made before, and removed
 * after, by {@link AotTrainingSetUp} in JVMs of their own: the JVM that records runs jrkt's
 * commands and nothing else, so that the harness's own work does not weigh on the group's cache.
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

    private AotTraining(Path home, Path dir, String cgroupParent) {
        this.home = home;
        this.dir = dir;
        this.d = "--dir=" + dir;
        this.cgroupParent = "--cgroup-parent=" + cgroupParent;
    }

    /**
     * {@code HOME GROUP DIR CGROUP-PARENT [WORDS...]}: runs GROUP's commands on what
     * {@link AotTrainingSetUp} made (its words). Only the classes this JVM loads go in the cache,
     * so it runs jrkt's commands and nothing else: making images and pods, and removing them,
     * loaded processes, archive writers, streams and the JDK's logging, and with them a fifth of
     * the run group's cache, which loads at every start.
     */
    public static void main(String[] args) throws IOException {
        String group = args[1];
        AotTraining training = new AotTraining(Path.of(args[0]), Path.of(args[2]), args[3]);
        PrintStream realOut = System.out, realErr = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            switch (group) {
                case "info" -> training.info();
                case "query" -> training.query();
                case "pods" -> training.pods();
                case "run" -> training.runPath(args.length > 4 ? args[4] : null);
                case "images" -> training.images();
                default -> throw new IllegalArgumentException("no training group " + group);
            }
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }

    /**
     * What a start on a CNI network does besides prepare, without touching the host: a thread
     * unshares its network namespace (it ends with the thread) and brings its lo up, a bind mount
     * that fails (no such target), and a child process spawned and waited for, as a CNI plugin is.
     * Without root, the calls fail and are skipped.
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
            Linux linux = Linux.get(); // as CniPlugin runs a plugin
            linux.waitChild(linux.spawn("/bin/true", new String[] {"true"}, new String[0], null, "/dev/null", "/dev/null", "/dev/null"), 10_000);
        } catch (InterruptedException | SysException e) {
            // a training step that cannot run only costs speed
        }
    }

    /** As little as version and config need: every class here is loaded at each of their starts. */
    private void info() {
        run("version");
        run(d, "config");
    }

    private void images() throws IOException {
        run(d, "fetch", home.resolve(VersionInfo.DEFAULT_STAGE1_FILE).toString());
        run(d, "fetch", dir.resolve(AotTrainingSetUp.TRAINING_ACI).toString());
        run(d, "fetch", dir.resolve(AotTrainingSetUp.TRAINING_ACI_GZ).toString());
        // an OCI image from a layout, then pulled from a registry on 127.0.0.1 into a store of its own
        Path layout = dir.resolve(AotTrainingRegistry.LAYOUT);
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

    /** list, status and image list over a prepared pod, an exited one and two images (made by AotTrainingSetUp). */
    private void query() throws IOException {
        String[] pods = writtenPods();
        if (pods == null) { // not root, or no stage1: no pods to look at
            run(d, "list");
            run(d, "image", "list");
            return;
        }
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

    /** The pod commands, over the pods AotTrainingSetUp made. */
    private void pods() throws IOException {
        String[] pods = writtenPods();
        if (pods == null) return;
        String prepared = pods[0], exited = pods[1];
        run(d, "cat-manifest", exited);
        run(d, "logs", exited);
        run(d, "stop", prepared); // an error: it is not running
        run(d, "gc", "--grace-period=0s", "--mark-only");
        run(d, "rm", prepared);
        run(d, "gc", "--grace-period=0s");
    }

    /** The UUIDs AotTrainingSetUp wrote, or null when it could not make the pods. */
    private String[] writtenPods() throws IOException {
        Path written = dir.resolve(AotTrainingSetUp.PODS_TO_LOOK_AT);
        if (!Files.isRegularFile(written)) return null;
        // by java.io (FileBytes), as jrkt reads its small files: NIO's channels would join the cache
        String pods = new String(jrkt.core.fs.FileBytes.read(written), java.nio.charset.StandardCharsets.UTF_8);
        int newline = pods.indexOf('\n');
        return new String[] {pods.substring(0, newline), pods.substring(newline + 1, pods.length() - 1)};
    }

    /** prepare, run-prepared and run, each up to the failing execve of stage1 (see AotTrainingSetUp). */
    private void runPath(String prepared) throws IOException {
        if (prepared == null) return; // not root: nothing of the run path can be trained
        try {
            run(d, "prepare", "--net=none", cgroupParent, "example.com/aot-training:1.0");
            run(d, "run-prepared", prepared);
            run(d, "run", "--net=none", cgroupParent, "example.com/aot-training:1.0", "--exec=/bin/true", "--", "-x");
            // the default network's plan, prepared only: no plugin runs at build time
            run(d, "prepare", "--net=default", cgroupParent, "example.com/aot-training:1.0");
            exerciseNetworkSetUp();
            run(d, "run", "--net=none", cgroupParent, "example.com/aot-training:1.0", "--name=one", "---",
                "example.com/aot-training:1.0", "--name=two", "--memory=64Mi");
            // a start on a network of its own, as the default network's runs: loopback only (see AotTrainingSetUp)
            if (Files.isExecutable(jrkt.core.net.NetworkConfigs.SYSTEM_PLUGIN_DIR.resolve("loopback"))) {
                run(d, "--local-config=" + dir.resolve(AotTrainingSetUp.LOOPBACK_CONFIG), "run", "--net=" + AotTrainingSetUp.LOOPBACK_NETWORK,
                    cgroupParent, "example.com/aot-training:1.0", "--exec=/bin/true");
            }
        } finally {
            // a failed start leaves this JVM in the pod's directory: the JDK's cache assembly needs a working one
            try {
                Linux.get().chdir(System.getProperty("user.dir"));
            } catch (SysException e) {
                throw new IOException(e);
            }
        }
    }

    private static void run(String... args) {
        Main.run(args);
    }
}
