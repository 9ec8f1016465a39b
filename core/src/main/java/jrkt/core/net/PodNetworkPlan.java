package jrkt.core.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * What a pod's networks are, fixed when the pod is prepared and written to
 * {@code <pod>/net/networks.json}: each network's whole config (so that run and gc use exactly
 * what was prepared, whatever happens to net.d since), its CNI_ARGS, its interface ({@code eth0},
 * {@code eth1}, ... in order), the port mappings it carries, the plugin path, and whether the
 * apps' resolv.conf is written from the ADD results.
 */
record PodNetworkPlan(List<Network> networks, List<Path> pluginPath, boolean resolvConfFromResults) {
    static final String FILE = "networks.json";

    record Network(NetworkConfig config, String args, String ifName, List<PortForward.Mapping> portMappings) {
        String name() { return config.name(); }
    }

    static Path file(Path pod) { return pod.resolve(PodNetworks.DIR).resolve(FILE); }

    void write(Path pod) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Network n : networks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("ifName", n.ifName());
            m.put("args", n.args());
            List<Object> mappings = new ArrayList<>();
            for (PortForward.Mapping pm : n.portMappings()) mappings.add(pm.toJson());
            m.put("portMappings", mappings);
            m.put("config", n.config().toJson());
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("networks", list);
        List<String> path = new ArrayList<>(pluginPath.size());
        for (Path dir : pluginPath) path.add(dir.toString());
        root.put("pluginPath", path);
        root.put("resolvConfFromResults", resolvConfFromResults);
        Files.createDirectories(file(pod).getParent());
        // whole or not at all: a jrkt killed while writing it left an empty plan, which no rm or gc could read
        PodNetworks.writeAtomically(file(pod), Json.writePretty(root) + "\n");
    }

    /** The pod's plan, or null when it has none (host or none networking, or a pod prepared before networking). */
    static PodNetworkPlan read(Path pod) {
        Path file = file(pod);
        // most pods have none (--net=none, host): asked first, without the exception a failed
        // read builds with its stack trace, in the exec phase of every such run
        if (!Files.exists(file)) return null;
        try {
            byte[] bytes = jrkt.core.fs.FileBytes.read(file);
            // Empty: written in place by an older jrkt killed right then. The plan is written before
            // any network is set up, so nothing was: the pod has no networks to take down.
            if (bytes.length == 0) return null;
            Map<String, Object> root = Json.asObject(Json.parse(bytes));
            List<Network> networks = new ArrayList<>();
            for (Object o : Json.asArray(root.get("networks"))) {
                Map<String, Object> m = Json.asObject(o);
                List<PortForward.Mapping> mappings = new ArrayList<>();
                for (Object pm : Json.asArray(m.get("portMappings"))) mappings.add(PortForward.Mapping.fromJson(Json.asObject(pm)));
                networks.add(new Network(NetworkConfig.fromJson(Json.asObject(m.get("config"))), (String) m.get("args"),
                    (String) m.get("ifName"), List.copyOf(mappings)));
            }
            List<Path> path = new ArrayList<>();
            for (Object p : Json.asArray(root.get("pluginPath"))) path.add(Path.of((String) p));
            return new PodNetworkPlan(List.copyOf(networks), List.copyOf(path), Boolean.TRUE.equals(root.get("resolvConfFromResults")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new JrktException("cannot read the pod's network plan " + file + ": " + e.getMessage(), e);
        }
    }
}
