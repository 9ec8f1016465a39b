package jrkt.core.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.json.Json;
import jrkt.core.pod.prepare.PlanWriter;

/**
 * What a pod's metadata service answers, decided by stage0 and written for stage1 as a table
 * (docs/stage1-abi.md, "The metadata resource table"): one line a resource,
 * {@code get PATH CONTENT-TYPE BODY}, and {@code sign PATH}, {@code verify PATH} for the identity
 * endpoint, each field encoded as in the plan. The paths and content types are the appc spec's
 * (spec/ace.md, "App Container Metadata Service"); stage1 serves the table and decides nothing.
 */
public final class MetadataResources {
    public static final String PREFIX = "/acMetadata/v1";
    static final String JSON = "application/json";
    static final String ASCII = "text/plain; charset=us-ascii";
    static final String UTF8 = "text/plain; charset=utf-8";

    /** One app as the service shows it: its image manifest exactly as stored, and its annotations. */
    public record App(String name, String imageId, byte[] imageManifest, Map<String, String> annotations) {}

    private final PlanWriter table = new PlanWriter();

    private MetadataResources() {}

    /**
     * The table of a pod: its UUID, its manifest exactly as stored (what {@code jrkt cat-manifest}
     * prints), its annotations; each app's image manifest (what {@code jrkt image cat-manifest}
     * prints), image ID and annotations (the image's, replaced by the pod manifest's app
     * annotations of the same name, as rkt merged them).
     */
    public static PlanWriter build(String uuid, byte[] podManifest, Map<String, String> podAnnotations, List<App> apps) {
        MetadataResources r = new MetadataResources();
        r.table.comment("the appc metadata service of pod " + uuid + " (docs/stage1-abi.md)");
        r.get("/pod/uuid", ASCII, uuid);
        r.get("/pod/manifest", JSON, new String(podManifest, StandardCharsets.UTF_8));
        r.annotations("/pod", podAnnotations);
        for (App a : apps) {
            String base = "/apps/" + a.name();
            r.get(base + "/image/manifest", JSON, new String(a.imageManifest(), StandardCharsets.UTF_8));
            r.get(base + "/image/id", ASCII, a.imageId());
            r.annotations(base, a.annotations());
        }
        r.table.line("sign", PREFIX + "/pod/hmac/sign");
        r.table.line("verify", PREFIX + "/pod/hmac/verify");
        return r.table;
    }

    /** The image's annotations with the pod manifest's app annotations over them. */
    public static Map<String, String> merge(Map<String, String> image, Map<String, String> app) {
        Map<String, String> merged = new LinkedHashMap<>(image);
        merged.putAll(app);
        return merged;
    }

    /** A body holding a NUL cannot be in the table (stage1 refuses one): that one resource is left out. */
    private void get(String path, String type, String body) {
        if (body.indexOf('\0') < 0) table.line("get", PREFIX + path, type, body);
    }

    private void annotations(String base, Map<String, String> annotations) {
        List<Object> list = new ArrayList<>();
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            Map<String, Object> nv = new LinkedHashMap<>();
            nv.put("name", e.getKey());
            nv.put("value", e.getValue());
            list.add(nv);
            get(base + "/annotations/" + e.getKey(), isAscii(e.getValue()) ? ASCII : UTF8, e.getValue());
        }
        get(base + "/annotations", JSON, Json.write(list));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
