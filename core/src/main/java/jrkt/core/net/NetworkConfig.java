package jrkt.core.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * One CNI network: its name, CNI version and plugin chain, always held in the list form of a
 * {@code .conflist} (a single-plugin {@code .conf} is a chain of one, as libcni treats it).
 * {@code source} says where it came from: a file, or "built-in".
 *
 * <p>Immutable; the plugin objects are deep copies that nobody else holds.
 */
public final class NetworkConfig {
    public static final String DEFAULT = "default", DEFAULT_RESTRICTED = "default-restricted";
    static final String BUILT_IN = "built-in";

    private final String name;
    private final String cniVersion;
    private final List<Map<String, Object>> plugins;
    private final String source;

    NetworkConfig(String name, String cniVersion, List<Map<String, Object>> plugins, String source) {
        this.name = name;
        this.cniVersion = cniVersion;
        this.plugins = plugins;
        this.source = source;
    }

    public String name() { return name; }
    public String cniVersion() { return cniVersion; }
    public String source() { return source; }
    public boolean builtIn() { return source.equals(BUILT_IN); }

    /** The plugin objects of the chain, in order (copies). */
    public List<Map<String, Object>> plugins() {
        List<Map<String, Object>> copy = new ArrayList<>();
        for (Map<String, Object> p : plugins) copy.add(deepCopy(p));
        return copy;
    }

    /** The plugin types of the chain, in order. */
    public List<String> types() {
        List<String> types = new ArrayList<>(plugins.size());
        for (Map<String, Object> p : plugins) types.add((String) p.get("type"));
        return types;
    }

    /** Whether a plugin of the chain declares the portMappings capability (CNI conventions). */
    public boolean carriesPortMappings() {
        for (Map<String, Object> p : plugins) if (declares(p, "portMappings")) return true;
        return false;
    }

    static boolean declares(Map<String, Object> plugin, String capability) {
        return plugin.get("capabilities") instanceof Map<?, ?> caps && Boolean.TRUE.equals(caps.get(capability));
    }

    /**
     * The built-in networks (a file of the same name in net.d overrides one): {@code default}
     * is ptp with host-local on 172.16.28.0/24, a default route and IP masquerade;
     * {@code default-restricted} is ptp on 172.31.0.0/16, reachable from the host only.
     */
    static NetworkConfig builtIn(String name) {
        String json = switch (name) {
            case DEFAULT -> "{\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\","
                + "\"subnet\":\"172.16.28.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
            case DEFAULT_RESTRICTED -> "{\"type\":\"ptp\",\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\","
                + "\"subnet\":\"172.31.0.0/16\"}}";
            default -> throw new IllegalArgumentException("no built-in network " + name);
        };
        return new NetworkConfig(name, "1.0.0", List.of(Json.asObject(Json.parse(json))), BUILT_IN);
    }

    /**
     * This network able to carry port mappings: a built-in one gets the portmap plugin at the end of
     * its chain (only then, so that pods without ports pay for no plugin); another one must have a
     * plugin with the portMappings capability already.
     */
    NetworkConfig withPortMappings() {
        if (carriesPortMappings()) return this;
        if (!builtIn()) throw new IllegalStateException("network " + name + " has no portMappings plugin");
        List<Map<String, Object>> chain = plugins();
        chain.add(Json.asObject(Json.parse("{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}")));
        return new NetworkConfig(name, cniVersion, List.copyOf(chain), source);
    }

    /** host-local keeps its leases in {@code dir} unless the config names its own dataDir. */
    NetworkConfig withHostLocalDataDir(Path dir) {
        List<Map<String, Object>> chain = plugins();
        for (Map<String, Object> p : chain) {
            if (p.get("ipam") instanceof Map<?, ?> ipam && "host-local".equals(ipam.get("type")) && ipam.get("dataDir") == null) {
                Json.asObject(ipam).put("dataDir", dir.toString());
            }
        }
        return new NetworkConfig(name, cniVersion, List.copyOf(chain), source);
    }

    /** Reads a .conf/.json (one plugin) or .conflist file; every error names the file. */
    static NetworkConfig load(Path file) {
        Object parsed;
        try {
            parsed = Json.parse(jrkt.core.fs.FileBytes.read(file));
        } catch (IOException e) {
            throw new JrktException("network config " + file + ": cannot read it: " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new JrktException("network config " + file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?>)) throw new JrktException("network config " + file + ": not a JSON object");
        Map<String, Object> root = Json.asObject(parsed);
        String name = string(root, "name", file);
        if (name == null) throw new JrktException("network config " + file + ": no \"name\"");
        if (!NetworkSelection.validName(name))
            throw new JrktException("network config " + file + ": \"" + name + "\" is not a network name (letters, digits, '-', '_', '.')");
        String version = string(root, "cniVersion", file);
        if (version == null) version = "0.2.0"; // what libcni assumes of a config without one
        List<Map<String, Object>> plugins = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".conflist")) {
            if (!(root.get("plugins") instanceof List<?> list) || list.isEmpty())
                throw new JrktException("network " + name + " (" + file + "): \"plugins\" must be a non-empty array");
            for (Object o : list) {
                if (!(o instanceof Map<?, ?>)) throw new JrktException("network " + name + " (" + file + "): a plugin is not a JSON object");
                plugins.add(deepCopy(Json.asObject(o)));
            }
        } else {
            Map<String, Object> single = deepCopy(root);
            single.remove("name");
            single.remove("cniVersion");
            plugins.add(single);
        }
        for (Map<String, Object> p : plugins) {
            if (!(p.get("type") instanceof String type) || type.isEmpty())
                throw new JrktException("network " + name + " (" + file + "): a plugin has no \"type\"");
            if (!NetworkSelection.isPlainName(type))
                throw new JrktException("network " + name + " (" + file + "): plugin type \"" + type + "\" is not a plain file name");
        }
        return new NetworkConfig(name, version, List.copyOf(plugins), file.toString());
    }

    private static String string(Map<String, Object> root, String key, Path file) {
        Object v = root.get(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new JrktException("network config " + file + ": \"" + key + "\" is not a string");
        return s;
    }

    /** The whole network in the list form, as recorded in a pod. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cniVersion", cniVersion);
        m.put("name", name);
        m.put("plugins", plugins());
        m.put("source", source);
        return m;
    }

    /** The inverse of {@link #toJson}. */
    static NetworkConfig fromJson(Map<String, Object> m) {
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (Object o : Json.asArray(m.get("plugins"))) plugins.add(deepCopy(Json.asObject(o)));
        return new NetworkConfig((String) m.get("name"), (String) m.get("cniVersion"), List.copyOf(plugins), (String) m.get("source"));
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) copy.put((String) e.getKey(), deepCopy(e.getValue()));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            for (Object o : l) copy.add(deepCopy(o));
            return (T) copy;
        }
        return value;
    }

    @Override public String toString() { return name + " (" + source + ")"; }
}
