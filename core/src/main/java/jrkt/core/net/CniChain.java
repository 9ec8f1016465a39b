package jrkt.core.net;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * ADD and DEL of one network's plugin chain, as libcni runs a conflist: ADD runs the plugins in
 * order, each given the previous one's result as {@code prevResult}, and the last result is the
 * network's; DEL runs them in reverse with the ADD result (CNI 0.4.0 and later). A plugin whose
 * config declares {@code capabilities.portMappings} gets the pod's port mappings as
 * {@code runtimeConfig.portMappings}.
 */
final class CniChain {
    private CniChain() {}

    /** Runs ADD through the chain and returns the network's result. */
    static Map<String, Object> add(PodNetworkPlan.Network n, CniPlugin.Call call, Path scratch) {
        Map<String, Object> result = null;
        for (Map<String, Object> plugin : n.config().plugins()) {
            String type = (String) plugin.get("type");
            byte[] out = CniPlugin.run(n.name(), type, call, pluginConfig(n, plugin, result), scratch);
            Object parsed;
            try {
                parsed = Json.parse(out);
            } catch (RuntimeException e) {
                throw new JrktException("network " + n.name() + ": plugin " + type + ": its result is not JSON: "
                    + abbreviate(new String(out, StandardCharsets.UTF_8)));
            }
            if (!(parsed instanceof Map<?, ?>)) throw new JrktException("network " + n.name() + ": plugin " + type + ": its result is not a JSON object");
            result = Json.asObject(parsed);
        }
        return result;
    }

    /**
     * Runs DEL through the chain in reverse, every plugin even when one fails (each undoes its own
     * part); throws the first failure afterwards. addResult is null when ADD never finished.
     */
    static void del(PodNetworkPlan.Network n, CniPlugin.Call call, Map<String, Object> addResult, Path scratch) {
        List<Map<String, Object>> chain = new ArrayList<>(n.config().plugins());
        java.util.Collections.reverse(chain);
        boolean prevResultOnDel = versionAtLeast(n.config().cniVersion(), 0, 4);
        JrktException first = null;
        for (Map<String, Object> plugin : chain) {
            try {
                CniPlugin.run(n.name(), (String) plugin.get("type"), call, pluginConfig(n, plugin, prevResultOnDel ? addResult : null), scratch);
            } catch (JrktException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    /** The stdin of one plugin: its object with the network's name and version, runtimeConfig and prevResult. */
    static Map<String, Object> pluginConfig(PodNetworkPlan.Network n, Map<String, Object> plugin, Map<String, Object> prevResult) {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("cniVersion", n.config().cniVersion());
        conf.put("name", n.name());
        conf.putAll(plugin);
        if (NetworkConfig.declares(plugin, "portMappings") && !n.portMappings().isEmpty()) {
            Map<String, Object> runtime = new LinkedHashMap<>();
            List<Object> mappings = new ArrayList<>();
            for (PortForward.Mapping m : n.portMappings()) mappings.add(m.toJson());
            runtime.put("portMappings", mappings);
            conf.put("runtimeConfig", runtime);
        }
        if (prevResult != null) conf.put("prevResult", prevResult);
        return conf;
    }

    /** Whether a CNI version string is at least major.minor ("1.0.0" ≥ 0.4; a malformed one counts as old). */
    static boolean versionAtLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]), mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
