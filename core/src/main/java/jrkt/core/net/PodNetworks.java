package jrkt.core.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.Threads;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.json.Json;

/**
 * A pod's CNI networks, from prepare to gc. Prepare fixes what they are ({@link #prepare});
 * starting the pod creates its network namespace and runs ADD for each network in order
 * ({@link #setUp}); gc and rm run DEL for each in reverse and remove the namespace
 * ({@link #tearDown}). A prepared pod holds no address: nothing on the host exists before the pod
 * is started.
 *
 * <p>Files in the pod directory:
 * <ul>
 * <li>{@code net/networks.json}: the plan, written at prepare ({@link PodNetworkPlan});
 * <li>{@code net/owner}: the jrkt process that set the networks up (pid and start time), written first;
 * <li>{@code netns}: the network namespace, bind-mounted, from setup to teardown;
 * <li>{@code net/<ifname>.json}: one network's state, {@code {"phase":"adding"}} written before its
 *     ADD starts and {@code {"phase":"added","result":...}} after; removed by a successful DEL. So a
 *     crash at any point leaves a record of everything that may exist on the host, and teardown runs
 *     DEL for exactly those networks (DEL of a network whose ADD never ran is harmless);
 * <li>{@code networks}: one line per network, {@code NAME:ip4=ADDRESS}, for list and status.
 * </ul>
 * Teardown is idempotent; a DEL that fails keeps its state file (and the namespace), so the next
 * gc tries again.
 */
public final class PodNetworks {
    public static final String DIR = "net", NETNS = "netns", STATUS_FILE = "networks";

    private PodNetworks() {}

    /**
     * Writes the pod's network plan at prepare: the networks in order, with the port forwards put
     * on the first network that can carry them (a built-in network, or one with a portMappings
     * plugin). Checks everything a start would otherwise fail on late: unknown port names, ports on
     * no network that can carry them, missing plugin binaries.
     *
     * @param appPorts each app's ports from its image, in pod order
     */
    public static void prepare(Path pod, List<NetworkConfigs.SelectedNetwork> selected, List<Path> pluginPath,
                               List<PortForward> ports, Map<String, List<ImageManifest.Port>> appPorts,
                               boolean resolvConfFromResults) throws IOException {
        List<PortForward.Mapping> mappings = PortForward.resolve(ports, appPorts);
        int carrier = -1;
        if (!mappings.isEmpty()) {
            for (int i = 0; i < selected.size() && carrier < 0; i++) {
                NetworkConfig c = selected.get(i).config();
                if (c.builtIn() || c.carriesPortMappings()) carrier = i;
            }
            if (carrier < 0) {
                throw new JrktException("--port: none of the pod's networks (" + String.join(", ", selected.stream().map(s -> s.name()).toList())
                    + ") has a plugin with the portMappings capability (add the portmap plugin to its chain)");
            }
        }
        List<PodNetworkPlan.Network> networks = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            NetworkConfig c = selected.get(i).config();
            if (i == carrier) c = c.withPortMappings();
            CniPlugin.requireAll(c, pluginPath);
            networks.add(new PodNetworkPlan.Network(c, selected.get(i).args(), "eth" + i, i == carrier ? mappings : List.of()));
        }
        new PodNetworkPlan(List.copyOf(networks), pluginPath, resolvConfFromResults).write(pod);
    }

    /**
     * Creates the namespace and runs ADD for every network, in order, then writes the apps' etc
     * files and the status. If anything fails, what was set up is torn down (in reverse) before the
     * error is thrown. A pod without a network plan, or one whose networks were set up while it was
     * prepared ({@link Background}), is left alone.
     */
    public static void setUp(Path pod, String uuid) {
        PodNetworkPlan plan = PodNetworkPlan.read(pod);
        if (plan == null || Files.exists(pod.resolve(STATUS_FILE))) return;
        List<CniResult> results = addAll(pod, uuid, plan, null);
        finish(pod, uuid, plan, results);
    }

    /**
     * The ADD half of {@link #setUp} on a thread of its own, started while the pod is still being
     * prepared ({@link EarlyNetworks}), so that a {@code jrkt run} does not wait for the plugins
     * after preparing: {@link #finish} once the pod's files are written (the etc files are only
     * final then), or {@link #abandon} when the preparation failed.
     */
    static final class Background implements Runnable {
        private final Path pod;
        private final String uuid;
        private final PodNetworkPlan plan;
        private final Thread thread;
        private volatile List<CniResult> results;
        private volatile Throwable failure;

        private final NetNamespace.Pending namespace;

        private Background(Path pod, String uuid, PodNetworkPlan plan, NetNamespace.Pending namespace) {
            this.pod = pod;
            this.uuid = uuid;
            this.plan = plan;
            this.namespace = namespace;
            // itself, not a lambda (see anyState): one capturing the four values would also need
            // method handle shapes the AOT cache does not hold, which the JDK generates (1-3 ms)
            this.thread = Thread.ofPlatform().name("jrkt-networks").start(this);
        }

        @Override public void run() {
            try {
                results = PodNetworks.addAll(pod, uuid, plan, namespace);
            } catch (Throwable t) {
                failure = t;
            }
        }

        /**
         * Starts the ADDs of the pod's network plan (written by {@link #prepare}) in the namespace
         * begun ahead (null: a new one); null when the pod has no plan (the namespace is let go).
         */
        static Background start(Path pod, String uuid, NetNamespace.Pending namespace) {
            PodNetworkPlan plan = PodNetworkPlan.read(pod);
            if (plan == null && namespace != null) namespace.cancel();
            return plan == null ? null : new Background(pod, uuid, plan, namespace);
        }

        /** Waits for the ADDs, then writes the etc files and the status; throws what failed (undone by then). */
        void finish() {
            join();
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            PodNetworks.finish(pod, uuid, plan, results);
        }

        /** Waits for the ADDs and undoes them: the preparation failed; a failure to undo joins its error. */
        void abandon(Throwable preparationFailure) {
            join();
            if (failure != null) return; // it undid itself
            try {
                tearDown(pod, uuid, false);
            } catch (RuntimeException e) {
                preparationFailure.addSuppressed(e);
            }
        }

        private void join() { Threads.joinUninterruptibly(thread); } // the plugins' work must be known before anyone goes on
    }

    /**
     * Whether a network's ADD left its state. Loops, methods and nested classes on the network path,
     * not streams and lambdas: the AOT cache holds only what its training ran, which starts no
     * plugin, and a lambda it does not hold is generated at its first use (a class spun by the
     * interpreter: 0.3-1 ms each).
     */
    private static boolean anyState(Path pod, List<PodNetworkPlan.Network> networks) {
        for (PodNetworkPlan.Network n : networks) if (Files.exists(stateFile(pod, n))) return true;
        return false;
    }

    /**
     * Namespace (the one begun ahead, or a new one) and ADDs; on a failure everything is torn down
     * again and the error thrown.
     */
    private static List<CniResult> addAll(Path pod, String uuid, PodNetworkPlan plan, NetNamespace.Pending namespace) {
        Path netns = pod.resolve(NETNS).toAbsolutePath();
        try {
            // A plugin uninstalled since prepare fails here, before anything exists.
            for (PodNetworkPlan.Network n : plan.networks()) CniPlugin.requireAll(n.config(), plan.pluginPath());
            // What an earlier start left (its teardown failed): undo it first, or the ADDs would meet it.
            if (Files.exists(netns) || anyState(pod, plan.networks())) tearDown(pod, uuid, true);
        } catch (RuntimeException e) {
            if (namespace != null) namespace.cancel();
            throw e;
        }
        try {
            writeAtomically(ownerFile(pod), ProcessIdentity.self() + "\n");
            if (namespace != null) namespace.mountAt(netns);
            else NetNamespace.create(netns);
            List<CniResult> results = new ArrayList<>();
            for (PodNetworkPlan.Network n : plan.networks()) {
                writeState(pod, n, Map.of("phase", "adding"));
                Map<String, Object> result = CniChain.add(n, call("ADD", uuid, netns, n, plan), scratch(pod));
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("phase", "added");
                state.put("result", result);
                writeState(pod, n, state);
                results.add(CniResult.parse(result));
            }
            return results;
        } catch (RuntimeException | IOException e) {
            if (namespace != null) namespace.cancel(); // a no-op once mounted
            throw undone(pod, uuid, e);
        }
    }

    /** The apps' resolv.conf and hosts from the results, then the status (which marks the setup complete). */
    private static void finish(Path pod, String uuid, PodNetworkPlan plan, List<CniResult> results) {
        try {
            EtcFiles.update(pod, results, plan.resolvConfFromResults());
            writeStatus(pod, plan, results);
        } catch (RuntimeException | IOException e) {
            throw undone(pod, uuid, e);
        }
    }

    /** Tears the pod's networks down after a failed setup and returns the error to throw. */
    private static JrktException undone(Path pod, String uuid, Exception e) {
        try {
            tearDown(pod, uuid, false);
        } catch (RuntimeException undo) {
            e.addSuppressed(undo);
        }
        if (e instanceof JrktException je) return je;
        return new JrktException("setting up the networks of pod " + uuid + " failed: " + e.getMessage(), e);
    }

    /** Runs DEL for every network that may exist, in reverse, then removes the namespace. Idempotent. */
    public static void tearDown(Path pod, String uuid) { tearDown(pod, uuid, true); }

    /** orphansPossible: a jrkt that died may have left plugins running for this pod (not so within setUp). */
    private static void tearDown(Path pod, String uuid, boolean orphansPossible) {
        Path netns = pod.resolve(NETNS).toAbsolutePath();
        PodNetworkPlan plan = PodNetworkPlan.read(pod);
        if (plan != null) {
            List<PodNetworkPlan.Network> reverse = new ArrayList<>(plan.networks());
            java.util.Collections.reverse(reverse);
            boolean any = anyState(pod, reverse);
            // Plugins of a jrkt killed during ADD may still run: they must not finish after our DEL.
            if (any && orphansPossible) OrphanPlugins.kill(uuid);
            // The namespace may be gone (a reboot): DEL then runs without one (CNI_NETNS empty, as the spec allows).
            Path delNetns = NetNamespace.isMounted(netns) ? netns : null;
            JrktException failure = null;
            for (PodNetworkPlan.Network n : reverse) {
                Map<String, Object> state = readState(pod, n);
                if (state == null) continue;
                try {
                    Map<String, Object> result = state.get("result") instanceof Map<?, ?> r ? Json.asObject(r) : null;
                    CniChain.del(n, call("DEL", uuid, delNetns, n, plan), result, scratch(pod));
                    Files.deleteIfExists(stateFile(pod, n));
                } catch (JrktException e) {
                    if (failure == null) failure = e;
                    else failure.addSuppressed(e);
                } catch (IOException e) {
                    if (failure == null) failure = new JrktException("cannot delete " + stateFile(pod, n) + ": " + e.getMessage(), e);
                }
            }
            if (failure != null) throw failure; // keep the namespace: the next try needs it to find the interfaces
        }
        NetNamespace.remove(netns);
        try {
            Files.deleteIfExists(pod.resolve(STATUS_FILE));
            Files.deleteIfExists(ownerFile(pod));
            Files.deleteIfExists(scratch(pod).resolve("plugin.out"));
            Files.deleteIfExists(scratch(pod).resolve("plugin.err"));
        } catch (IOException e) {
            throw new JrktException("cannot clean up the network files of pod " + uuid + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the pod's networks were set up by a jrkt that is gone without starting the pod: a
     * {@code jrkt run} killed while it prepared the pod (its networks are set up meanwhile) or
     * between preparing and starting it. Such a pod is in prepare/ or prepared/, unlocked, with
     * networks nobody will use; gc tears them down ({@link #tearDown}) and the pod stays.
     */
    public static boolean setUpAbandoned(Path pod) {
        String owner;
        try {
            owner = new String(jrkt.core.fs.FileBytes.read(ownerFile(pod)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return false;
        }
        ProcessIdentity p = ProcessIdentity.parse(owner);
        return p == null || !p.alive();
    }

    /** A network's name and address as recorded when the pod started ({@code networks}, one a line). */
    public record NetworkStatus(String name, String ip4, String ip6) {
        /** The line form, {@code NAME:ip4=ADDRESS} (or {@code :ip6=}, or the bare name without an address). */
        public String line() {
            return name + (ip4 != null ? ":ip4=" + ip4 : ip6 != null ? ":ip6=" + ip6 : "");
        }
    }

    /** The networks of a started pod, in order; empty for one without networks or not started. */
    public static List<NetworkStatus> status(Path pod) {
        List<String> lines;
        Path file = pod.resolve(STATUS_FILE);
        if (!Files.exists(file)) return List.of(); // a pod with no network: no exception made and caught per pod
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
        List<NetworkStatus> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String rest = colon < 0 ? "" : line.substring(colon + 1);
            out.add(new NetworkStatus(name, rest.startsWith("ip4=") ? rest.substring(4) : null,
                rest.startsWith("ip6=") ? rest.substring(4) : null));
        }
        return out;
    }

    private static void writeStatus(Path pod, PodNetworkPlan plan, List<CniResult> results) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < results.size(); i++) {
            CniResult r = results.get(i);
            text.append(new NetworkStatus(plan.networks().get(i).name(), r.ip4().isEmpty() ? null : r.ip4().getFirst(),
                r.ip6().isEmpty() ? null : r.ip6().getFirst()).line()).append('\n');
        }
        writeAtomically(pod.resolve(STATUS_FILE), text.toString());
    }

    private static CniPlugin.Call call(String command, String uuid, Path netns, PodNetworkPlan.Network n, PodNetworkPlan plan) {
        return new CniPlugin.Call(command, uuid, netns, n.ifName(), n.args(), plan.pluginPath());
    }

    private static Path scratch(Path pod) { return pod.resolve(DIR); }

    /** Who set the networks up ({@link ProcessIdentity}), from before the namespace exists until teardown. */
    private static Path ownerFile(Path pod) { return pod.resolve(DIR).resolve("owner"); }

    private static Path stateFile(Path pod, PodNetworkPlan.Network n) { return pod.resolve(DIR).resolve(n.ifName() + ".json"); }

    private static void writeState(Path pod, PodNetworkPlan.Network n, Map<String, Object> state) throws IOException {
        writeAtomically(stateFile(pod, n), Json.write(state) + "\n");
    }

    private static Map<String, Object> readState(Path pod, PodNetworkPlan.Network n) {
        Path file = stateFile(pod, n);
        try {
            return Json.asObject(Json.parse(jrkt.core.fs.FileBytes.read(file)));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            // Unreadable (cut short by a crash while written): the ADD may have run; DEL without its result.
            return Map.of("phase", "adding");
        }
    }

    /** Written beside and renamed into place, so that a crash leaves the old content or the new, never half. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        jrkt.core.fs.Lstat.deleteIfExists(tmp); // what a crash left there, or a link planted at the name: removed, never written through
        jrkt.core.fs.NewFiles.write(tmp, content); // O_EXCL|O_NOFOLLOW, through the gate: no NIO channel (see CniPlugin)
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
