package jrkt.core.image.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * An image's config (OCI image config or Docker's container image JSON): the platform, the
 * layers' diff IDs (sha256 of each uncompressed layer tar, bottom first) and the app.
 */
public record OciConfig(String os, String architecture, String variant, List<String> diffIds, List<String> entrypoint,
                        List<String> cmd, List<String> env, String workingDir, String user, List<String> exposedPorts,
                        List<String> volumes, Map<String, String> labels) {

    public static final int MAX_SIZE = 8 << 20;

    public static OciConfig parse(byte[] json, String what) {
        if (json.length > MAX_SIZE) throw new JrktException(what + ": the image config is larger than 8MiB");
        Object root;
        try {
            root = Json.parse(json, new Json.Limits(64, 4 << 20, 32));
        } catch (JsonException e) {
            throw new JrktException(what + ": the image config is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) throw new JrktException(what + ": the image config is not a JSON object");
        Map<String, Object> m = Json.asObject(root);
        Map<String, Object> rootfs = m.get("rootfs") instanceof Map<?, ?> r ? Json.asObject(r) : null;
        if (rootfs == null || !"layers".equals(rootfs.get("type")) || !(rootfs.get("diff_ids") instanceof List<?> ids)) {
            throw new JrktException(what + ": the image config has no rootfs of type \"layers\" with diff_ids");
        }
        List<String> diffIds = new ArrayList<>();
        for (Object id : ids) {
            if (!(id instanceof String s) || !Digests.isValid(s)) {
                throw new JrktException(what + ": the image config has a diff ID \"" + id + "\" that is not sha256:<64 hex digits>");
            }
            diffIds.add(s);
        }
        Map<String, Object> c = m.get("config") instanceof Map<?, ?> cm ? Json.asObject(cm) : Map.of();
        return new OciConfig(string(m.get("os"), "linux"), string(m.get("architecture"), "amd64"), string(m.get("variant"), null),
            List.copyOf(diffIds), strings(c.get("Entrypoint"), what, "Entrypoint"), strings(c.get("Cmd"), what, "Cmd"),
            strings(c.get("Env"), what, "Env"), string(c.get("WorkingDir"), null), string(c.get("User"), null),
            keys(c.get("ExposedPorts")), keys(c.get("Volumes")), labels(c.get("Labels")));
    }

    private static String string(Object v, String otherwise) {
        return v instanceof String s && !s.isEmpty() ? s : otherwise;
    }

    private static List<String> strings(Object v, String what, String field) {
        if (v == null) return List.of();
        if (!(v instanceof List<?> list)) throw new JrktException(what + ": the image config's " + field + " is not an array of strings");
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw new JrktException(what + ": the image config's " + field + " is not an array of strings");
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static List<String> keys(Object v) {
        return v instanceof Map<?, ?> map ? List.copyOf(Json.asObject(map).keySet()) : List.of();
    }

    private static Map<String, String> labels(Object v) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : Json.asObject(map).entrySet()) {
                if (e.getValue() instanceof String s) out.put(e.getKey(), s);
            }
        }
        return out;
    }

    /** The appc arch label for an OCI architecture (appc names arm64 aarch64, arm/v7 armv7l). */
    public String appcArch() {
        return switch (architecture.toLowerCase(Locale.ROOT)) {
            case "arm64" -> "aarch64";
            case "386" -> "i386";
            case "arm" -> "v6".equals(variant) ? "armv6l" : "armv7l";
            default -> architecture.toLowerCase(Locale.ROOT);
        };
    }
}
