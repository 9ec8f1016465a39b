package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * The stage1 entrypoints of one pod, as absolute paths, and the plan versions the stage1
 * reads. They come from the annotations {@code jrkt.io/stage1/run|enter|gc|stop} and
 * {@code jrkt.io/stage1/plan-versions} ("2", or a comma list) of the stage1 image's manifest,
 * which the preparer copies to {@code <pod>/stage1/manifest}; the paths are inside
 * {@code <pod>/stage1/rootfs}.
 */
public record Stage1Entrypoints(Path run, Path enter, Path gc, Path stop, List<String> planVersions, List<String> isolates) {
    public static final String MANIFEST = "stage1/manifest", ROOTFS = "stage1/rootfs";
    public static final String PREFIX = "jrkt.io/stage1/";
    public static final String PLAN_VERSIONS = PREFIX + "plan-versions";
    /** The namespaces the flavor gives a pod (pid, mount, network, uts, ipc, user); absent: all of them. */
    public static final String ISOLATES = PREFIX + "isolates";
    static final String ALL_NAMESPACES = "pid,mount,network,uts,ipc,user";

    /** Reads the entrypoints of the pod in {@code podDir}; an annotation that is absent gives null. */
    public static Stage1Entrypoints read(Path podDir) {
        Path file = podDir.resolve(MANIFEST);
        Map<String, String> annotations = new java.util.HashMap<>();
        try {
            Map<String, Object> manifest = Json.asObject(Json.parse(jrkt.core.fs.FileBytes.read(file)));
            Object list = manifest.get("annotations");
            if (list != null) {
                for (Object o : Json.asArray(list)) {
                    Map<String, Object> a = Json.asObject(o);
                    if (a.get("name") instanceof String n && a.get("value") instanceof String v) annotations.put(n, v);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new JrktException("cannot read the stage1 manifest " + file + ": " + e.getMessage(), e);
        }
        return of(podDir, annotations);
    }

    /** From the stage1 manifest's annotations, already parsed (prepare has the image's): as {@link #read} gives them. */
    public static Stage1Entrypoints of(Path podDir, Map<String, String> annotations) {
        Path file = podDir.resolve(MANIFEST);
        Path rootfs = podDir.resolve(ROOTFS);
        List<String> versions = new ArrayList<>();
        for (String v : annotations.getOrDefault(PLAN_VERSIONS, "").split(",")) if (!v.isBlank()) versions.add(v.strip());
        List<String> isolates = new ArrayList<>();
        for (String v : annotations.getOrDefault(ISOLATES, ALL_NAMESPACES).split(",")) if (!v.isBlank()) isolates.add(v.strip());
        return new Stage1Entrypoints(
            entry(rootfs, file, annotations, "run"), entry(rootfs, file, annotations, "enter"),
            entry(rootfs, file, annotations, "gc"), entry(rootfs, file, annotations, "stop"), List.copyOf(versions),
            List.copyOf(isolates));
    }

    private static Path entry(Path rootfs, Path manifest, Map<String, String> annotations, String name) {
        String value = annotations.get(PREFIX + name);
        if (value == null) return null;
        // The path is inside the image: strip the leading slash, refuse anything that climbs out.
        int start = 0;
        while (start < value.length() && value.charAt(start) == '/') start++;
        Path p = rootfs.resolve(value.substring(start)).normalize();
        if (value.isEmpty() || !p.startsWith(rootfs.normalize())) {
            throw new JrktException("stage1 manifest " + manifest + ": annotation " + PREFIX + name
                + " \"" + value + "\" is not a path inside the stage1 rootfs");
        }
        return p;
    }

    /** The entrypoint, or a JrktException naming the missing annotation. */
    public static Path require(Path entry, Path podDir, String name) {
        if (entry == null) {
            throw new JrktException("stage1 manifest " + podDir.resolve(MANIFEST) + " has no annotation " + PREFIX + name);
        }
        return entry;
    }
}
