package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.json.Json;

/**
 * The appc pod manifest (https://github.com/appc/spec/blob/master/spec/pods.md#pod-manifest-schema)
 * of a prepared pod, written to {@code <pod>/pod} for people and tools; stage1 reads the plan.
 */
public final class PodManifest {
    private PodManifest() {}

    public static final String AC_VERSION = "0.8.11";

    public static Map<String, Object> build(List<PreparedApp> apps, List<VolumeSpec> volumes, Map<String, String> annotations) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acKind", "PodManifest");
        m.put("acVersion", AC_VERSION);
        List<Object> appList = new ArrayList<>();
        for (PreparedApp a : apps) appList.add(app(a));
        m.put("apps", appList);
        List<Object> vols = new ArrayList<>();
        for (VolumeSpec v : volumes) vols.add(volume(v));
        m.put("volumes", vols);
        m.put("isolators", List.of());
        m.put("annotations", nameValues(annotations, "name"));
        m.put("ports", List.of());
        return m;
    }

    /** Writes the manifest to a new file; returns the bytes written. */
    public static byte[] write(Path file, Map<String, Object> manifest) throws IOException {
        byte[] bytes = (Json.writePretty(manifest) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jrkt.core.fs.NewFiles.write(file, bytes);
        return bytes;
    }

    private static Map<String, Object> app(PreparedApp a) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("name", a.imageName());
        image.put("id", a.imageId());
        image.put("labels", nameValues(a.imageLabels(), "name"));

        Map<String, Object> app = new LinkedHashMap<>();
        app.put("exec", new ArrayList<Object>(a.exec()));
        app.put("user", a.user());
        app.put("group", a.group());
        if (!a.supplementaryGids().isEmpty()) app.put("supplementaryGIDs", new ArrayList<Object>(a.supplementaryGids()));
        app.put("workingDirectory", a.workingDirectory());
        app.put("environment", nameValues(a.environment(), "name"));
        List<Object> handlers = new ArrayList<>();
        for (ImageManifest.EventHandler h : a.eventHandlers())
            handlers.add(map("name", h.name(), "exec", new ArrayList<Object>(h.exec())));
        if (!handlers.isEmpty()) app.put("eventHandlers", handlers);
        List<Object> mps = new ArrayList<>();
        for (ImageManifest.MountPoint mp : a.mountPoints())
            mps.add(map("name", mp.name(), "path", mp.path(), "readOnly", mp.readOnly()));
        if (!mps.isEmpty()) app.put("mountPoints", mps);
        List<Object> ports = new ArrayList<>();
        for (ImageManifest.Port p : a.ports()) {
            Map<String, Object> pm = map("name", p.name(), "protocol", p.protocol(), "port", (long) p.port());
            pm.put("count", (long) p.count());
            pm.put("socketActivated", p.socketActivated());
            ports.add(pm);
        }
        if (!ports.isEmpty()) app.put("ports", ports);
        List<Object> isolators = new ArrayList<>();
        for (ImageManifest.Isolator i : a.isolators()) isolators.add(map("name", i.name(), "value", i.value()));
        if (!isolators.isEmpty()) app.put("isolators", isolators);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", a.name());
        out.put("image", image);
        out.put("app", app);
        out.put("readOnlyRootFS", a.readOnlyRootFs());
        List<Object> mounts = new ArrayList<>();
        for (MountSpec ms : a.mounts()) mounts.add(map("volume", ms.volume(), "path", ms.target()));
        out.put("mounts", mounts);
        return out;
    }

    private static Map<String, Object> volume(VolumeSpec v) {
        Map<String, Object> m = map("name", v.name(), "kind", v.kind().json());
        if (v.kind() == VolumeSpec.Kind.HOST) m.put("source", v.source());
        m.put("readOnly", v.readOnly());
        m.put("recursive", v.recursive());
        if (v.kind() == VolumeSpec.Kind.EMPTY) {
            m.put("mode", String.format("%04o", v.mode()));
            m.put("uid", (long) v.uid());
            m.put("gid", (long) v.gid());
        }
        return m;
    }

    private static List<Object> nameValues(Map<String, String> values, String key) {
        List<Object> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(map(key, k, "value", v)));
        return out;
    }

    private static Map<String, Object> map(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, Object> map(String k1, Object v1, String k2, Object v2, String k3, Object v3) {
        Map<String, Object> m = map(k1, v1, k2, v2);
        m.put(k3, v3);
        return m;
    }
}
